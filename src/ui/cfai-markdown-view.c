/* cfai-markdown-view.c — one message's Markdown, fed while it streams
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A column of block widgets, one per top-level Markdown block (kept in
 * groups, see GROUP_SIZE):
 * paragraphs and headings are selectable labels with Pango markup (the
 * markup is made from escaped text only, see cfai-markdown-blocks.c),
 * lists and block quotes are boxes of blocks, tables are grids of
 * labels, rules are separators and fenced code is a CfaiCodeBlock.
 *
 * Streaming: cfai_markdown_view_append() hands the delta to the block
 * splitter at once (that is cheap: it only looks for newlines) and asks
 * for one tick; the tick brings the widgets up to date once per frame,
 * however many deltas came since the last one.  Widgets of finished
 * blocks are made once and never looked at again; only the widgets of
 * the open block are compared with its new parse, and updated in place
 * where their shape allows (a paragraph's label gets new markup, code
 * gets its new lines appended, a table its new row), so a frame costs
 * what the open block costs, not what the message costs.
 *
 * Drawing: a long answer is many groups, and the renderer goes through
 * every node of a frame's render tree (GTK 4.24 runs each one through
 * gsk_render_replay every frame), so a view that drew all its groups
 * made every frame cost what the whole answer costs.  The view draws only the
 * groups near what its scrolled window shows, and draws again when
 * scrolling goes past them.
 *
 * Labels rather than one GtkTextView: a label per block keeps each
 * block's layout cached by GTK, so growing the last one re-lays out only
 * it, and labels are selectable and read by screen readers as text.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "cfai-code-block.h"
#include "cfai-markdown-blocks.h"
#include "cfai-markdown-view-private.h"

struct _CfaiMarkdownView
{
  GtkWidget           parent_instance;

  CfaiMarkdownBlocks *blocks;
  GtkWidget          *tail;           /* the group new block widgets go to */
  GtkWidget          *last_finished;  /* the tail's last widget of a finished block */
  guint               tail_finished;  /* how many of those the tail holds */
  guint               n_shown;        /* finished chunks that have their widgets */
  guint               tick_id;

  /* Drawing only what can be seen, see cfai_markdown_view_snapshot(). */
  GtkWidget          *scroller;       /* the scrolled window the view is in, while rooted */
  GtkAdjustment      *vadjustment;    /* its vertical adjustment */
  double              drawn_top;      /* the part drawn last, in the view's */
  double              drawn_bottom;   /* coordinates; empty when top > bottom */
  double              shown_top;      /* the part shown then */
  double              shown_bottom;
  double              drawn_value;    /* and the adjustment's value then */
  GtkWidget          *first_drawn_group; /* the first group the last snapshot drew, */
  guint               first_drawn;    /* its place among the groups */
  guint               n_drawn;        /* and how many */

  /* Making widgets only for what can be seen, see cfai_markdown_view_size_allocate(). */
  gboolean            deferred;       /* the widgets are behind the text */
  gboolean            near;           /* the last allocation was near what is shown */
  gboolean            allocated;      /* there was one */
  guint               settle_tick;    /* text views made in a layout pass measure again */
  GdkFrameClock      *layout_clock;   /* while a build waits for the layout phase */
  gulong              layout_handler;
  guint               build_tick;     /* or for the next frame */
  int                 estimate_width; /* the estimated height for that width, */
  int                 estimate_height;/* while deferred; width -1: not made */
};

G_DEFINE_FINAL_TYPE (CfaiMarkdownView, cfai_markdown_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static GQuark node_quark;

static GtkWidget *build_block (CfaiMarkdownView *self,
                               CfaiMarkdownNode *node,
                               guint             depth);
static GtkWidget *sync_block  (CfaiMarkdownView *self,
                               GtkWidget        *widget,
                               CfaiMarkdownNode *node,
                               guint             depth);

/* ------------------------------------------------------------------ */
/* Building                                                           */
/* ------------------------------------------------------------------ */

static CfaiMarkdownNode *
get_node (GtkWidget *widget)
{
  return g_object_get_qdata (G_OBJECT (widget), node_quark);
}

static void
set_node (GtkWidget        *widget,
          CfaiMarkdownNode *node)
{
  g_object_set_qdata_full (G_OBJECT (widget), node_quark,
                           cfai_markdown_node_ref (node),
                           (GDestroyNotify) cfai_markdown_node_unref);
}

/* Only links a browser or mail program handles are followed: the text
 * comes from a model, and a file: or custom-scheme link in it could
 * start anything. */
static gboolean
on_activate_link (GtkLabel   *label,
                  const char *uri,
                  gpointer    user_data)
{
  g_autofree char *scheme = g_uri_parse_scheme (uri);
  g_autoptr(GtkUriLauncher) launcher = NULL;
  GtkRoot *root;

  if (scheme == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 &&
       g_ascii_strcasecmp (scheme, "https") != 0 &&
       g_ascii_strcasecmp (scheme, "mailto") != 0))
    {
      gtk_widget_error_bell (GTK_WIDGET (label));
      return TRUE;
    }

  root = gtk_widget_get_root (GTK_WIDGET (label));
  launcher = gtk_uri_launcher_new (uri);
  gtk_uri_launcher_launch (launcher, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                           NULL, NULL, NULL);
  return TRUE;
}

/* A wrapping label without a width in characters measures its minimum
 * width by laying its text out as narrow as it can go, a break at every
 * character, which is most of what a long answer's labels cost to
 * measure (Pango shapes each of those lines); with one, the narrowest
 * layout has lines of this many characters. */
#define LABEL_MIN_CHARS 12

static GtkWidget *
new_label (CfaiMarkdownNode  *node,
           GtkAccessibleRole  role)
{
  GtkWidget *label = g_object_new (GTK_TYPE_LABEL,
                                   "accessible-role", role,
                                   "wrap", TRUE,
                                   "wrap-mode", PANGO_WRAP_WORD_CHAR,
                                   "width-chars", LABEL_MIN_CHARS,
                                   "xalign", 0.0f,
                                   "selectable", TRUE,
                                   "use-markup", TRUE,
                                   "label", node->markup != NULL ? node->markup : "",
                                   NULL);

  g_signal_connect (label, "activate-link", G_CALLBACK (on_activate_link), NULL);
  return label;
}

static void
update_label (GtkWidget        *label,
              CfaiMarkdownNode *node)
{
  if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (label)), node->markup) != 0)
    gtk_label_set_markup (GTK_LABEL (label), node->markup != NULL ? node->markup : "");
}

static const char * const heading_classes[] = { "title-1", "title-2", "title-3", "title-4", "heading", "heading" };

static GtkWidget *
build_heading (CfaiMarkdownNode *node)
{
  GtkWidget *label = new_label (node, GTK_ACCESSIBLE_ROLE_HEADING);

  gtk_widget_add_css_class (label, heading_classes[CLAMP (node->level, 1, 6) - 1]);
  gtk_widget_add_css_class (label, "cfai-md-heading");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LEVEL, (int) node->level,
                                  -1);
  return label;
}

static GtkWidget *
build_code (CfaiMarkdownNode *node)
{
  GtkWidget *block = cfai_code_block_new ();

  cfai_code_block_set_language (CFAI_CODE_BLOCK (block), node->language);
  cfai_code_block_set_code (CFAI_CODE_BLOCK (block), node->text);
  return block;
}

static GtkWidget *
new_box (GtkOrientation     orientation,
         int                spacing,
         GtkAccessibleRole  role)
{
  return g_object_new (GTK_TYPE_BOX,
                       "orientation", orientation,
                       "spacing", spacing,
                       "accessible-role", role,
                       NULL);
}

static void
append_blocks (CfaiMarkdownView *self,
               GtkWidget        *box,
               GPtrArray        *nodes,
               guint             depth)
{
  for (guint i = 0; i < nodes->len; i++)
    gtk_box_append (GTK_BOX (box), build_block (self, g_ptr_array_index (nodes, i), depth));
}

static char *
marker_text (CfaiMarkdownNode *list,
             CfaiMarkdownNode *item,
             guint             index,
             guint             depth)
{
  static const char * const bullets[] = { "•", "◦", "▪" };

  switch (item->task)
    {
    case CFAI_MARKDOWN_TASK_OPEN:
      return g_strdup ("☐");
    case CFAI_MARKDOWN_TASK_DONE:
      return g_strdup ("☑");
    case CFAI_MARKDOWN_TASK_NONE:
    default:
      break;
    }

  if (list->ordered)
    return g_strdup_printf ("%u.", list->start + index);

  return g_strdup (bullets[depth % G_N_ELEMENTS (bullets)]);
}

/* An item is a marker beside a column of the item's blocks; the marker
 * depends on the item's place in its list, so the list sets it. */
static GtkWidget *
build_item (CfaiMarkdownView *self,
            CfaiMarkdownNode *node,
            guint             depth)
{
  GtkWidget *item = new_box (GTK_ORIENTATION_HORIZONTAL, 8, GTK_ACCESSIBLE_ROLE_LIST_ITEM);
  GtkWidget *marker = gtk_label_new (NULL);
  GtkWidget *content = new_box (GTK_ORIENTATION_VERTICAL, 6, GTK_ACCESSIBLE_ROLE_GROUP);

  gtk_widget_add_css_class (marker, "cfai-md-marker");
  gtk_widget_set_valign (marker, GTK_ALIGN_START);
  gtk_label_set_xalign (GTK_LABEL (marker), 1.0);
  gtk_widget_set_hexpand (content, TRUE);
  append_blocks (self, content, node->children, depth + 1);

  gtk_box_append (GTK_BOX (item), marker);
  gtk_box_append (GTK_BOX (item), content);
  return item;
}

static void
update_markers (GtkWidget        *box,
                CfaiMarkdownNode *list,
                guint             depth)
{
  guint index = 0;
  guint width = 1;

  if (list->ordered)
    for (guint last = list->start + list->children->len; last > 0; last /= 10)
      width++;

  for (GtkWidget *item = gtk_widget_get_first_child (box);
       item != NULL;
       item = gtk_widget_get_next_sibling (item), index++)
    {
      g_autofree char *text = marker_text (list, g_ptr_array_index (list->children, index), index, depth);
      GtkWidget *marker = gtk_widget_get_first_child (item);

      gtk_label_set_text (GTK_LABEL (marker), text);
      /* Numbers of one list line up on their right edge. */
      gtk_label_set_width_chars (GTK_LABEL (marker), (int) width);
    }
}

static GtkWidget *
build_list (CfaiMarkdownView *self,
            CfaiMarkdownNode *node,
            guint             depth)
{
  GtkWidget *box = new_box (GTK_ORIENTATION_VERTICAL, 6, GTK_ACCESSIBLE_ROLE_LIST);

  gtk_widget_add_css_class (box, "cfai-md-list");
  append_blocks (self, box, node->children, depth);
  update_markers (box, node, depth);
  return box;
}

static GtkWidget *
build_quote (CfaiMarkdownView *self,
             CfaiMarkdownNode *node,
             guint             depth)
{
  GtkWidget *box = new_box (GTK_ORIENTATION_VERTICAL, 6, GTK_ACCESSIBLE_ROLE_BLOCK_QUOTE);

  gtk_widget_add_css_class (box, "cfai-md-quote");
  append_blocks (self, box, node->children, depth);
  return box;
}

static GtkWidget *
build_cell (CfaiMarkdownNode *cell,
            guint             row)
{
  GtkWidget *label = new_label (cell, cell->header ? GTK_ACCESSIBLE_ROLE_COLUMN_HEADER
                                                   : GTK_ACCESSIBLE_ROLE_CELL);

  gtk_widget_add_css_class (label, "cfai-md-cell");
  if (cell->header)
    gtk_widget_add_css_class (label, "cfai-md-header");
  else if (row % 2 == 0)
    gtk_widget_add_css_class (label, "cfai-md-even");

  switch (cell->align)
    {
    case CFAI_MARKDOWN_ALIGN_CENTER:
      gtk_label_set_xalign (GTK_LABEL (label), 0.5);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
      break;
    case CFAI_MARKDOWN_ALIGN_RIGHT:
      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
      break;
    case CFAI_MARKDOWN_ALIGN_DEFAULT:
    case CFAI_MARKDOWN_ALIGN_LEFT:
    default:
      break;
    }

  /* Cells keep to one line and a wide table scrolls sideways: rows
   * stay readable, and a grid of wrapping labels has no stable height
   * for a width while it grows. */
  gtk_label_set_wrap (GTK_LABEL (label), FALSE);
  gtk_label_set_width_chars (GTK_LABEL (label), -1);
  set_node (label, cell);
  return label;
}

/* Rows come one at a time while a table streams: cells that are there
 * keep their label and get new markup, new rows get new labels. */
static void
sync_table (GtkWidget        *grid,
            CfaiMarkdownNode *table,
            guint             old_rows)
{
  for (guint r = 0; r < table->children->len; r++)
    {
      CfaiMarkdownNode *row = g_ptr_array_index (table->children, r);

      for (guint c = 0; c < row->children->len; c++)
        {
          CfaiMarkdownNode *cell = g_ptr_array_index (row->children, c);
          GtkWidget *label = gtk_grid_get_child_at (GTK_GRID (grid), (int) c, (int) r);

          if (label == NULL)
            gtk_grid_attach (GTK_GRID (grid), build_cell (cell, r), (int) c, (int) r, 1, 1);
          else if (get_node (label) != cell)
            {
              update_label (label, cell);
              set_node (label, cell);
            }
        }
    }

  for (guint r = table->children->len; r < old_rows; r++)
    gtk_grid_remove_row (GTK_GRID (grid), (int) table->children->len);
}

static GtkWidget *
table_grid (GtkWidget *table)
{
  GtkWidget *viewport = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (table));

  return gtk_viewport_get_child (GTK_VIEWPORT (viewport));
}

static GtkWidget *
build_table (CfaiMarkdownNode *node)
{
  GtkWidget *scroller = g_object_new (GTK_TYPE_SCROLLED_WINDOW,
                                      "hscrollbar-policy", GTK_POLICY_AUTOMATIC,
                                      "vscrollbar-policy", GTK_POLICY_NEVER,
                                      "propagate-natural-width", TRUE,
                                      "propagate-natural-height", TRUE,
                                      "halign", GTK_ALIGN_START,
                                      "overflow", GTK_OVERFLOW_HIDDEN,
                                      NULL);
  GtkWidget *grid = g_object_new (GTK_TYPE_GRID,
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_TABLE,
                                  NULL);

  gtk_widget_add_css_class (scroller, "cfai-md-table");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), grid);
  sync_table (grid, node, 0);
  return scroller;
}

static GtkWidget *
build_block (CfaiMarkdownView *self,
             CfaiMarkdownNode *node,
             guint             depth)
{
  GtkWidget *widget;

  switch (node->kind)
    {
    case CFAI_MARKDOWN_NODE_HEADING:
      widget = build_heading (node);
      break;
    case CFAI_MARKDOWN_NODE_CODE:
      widget = build_code (node);
      break;
    case CFAI_MARKDOWN_NODE_LIST:
      widget = build_list (self, node, depth);
      break;
    case CFAI_MARKDOWN_NODE_ITEM:
      widget = build_item (self, node, depth);
      break;
    case CFAI_MARKDOWN_NODE_QUOTE:
      widget = build_quote (self, node, depth);
      break;
    case CFAI_MARKDOWN_NODE_TABLE:
      widget = build_table (node);
      break;
    case CFAI_MARKDOWN_NODE_RULE:
      widget = gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);
      gtk_widget_add_css_class (widget, "cfai-md-rule");
      break;
    case CFAI_MARKDOWN_NODE_PARAGRAPH:
    case CFAI_MARKDOWN_NODE_TABLE_ROW:
    case CFAI_MARKDOWN_NODE_TABLE_CELL:
    default:
      widget = new_label (node, GTK_ACCESSIBLE_ROLE_LABEL);
      break;
    }

  set_node (widget, node);
  return widget;
}

/* ------------------------------------------------------------------ */
/* Updating in place                                                  */
/* ------------------------------------------------------------------ */

static guint
n_columns (CfaiMarkdownNode *table)
{
  if (table->children->len == 0)
    return 0;
  return ((CfaiMarkdownNode *) g_ptr_array_index (table->children, 0))->children->len;
}

/* Whether a widget made for @old can show @node by changing its
 * content, without being made again. */
static gboolean
same_shape (CfaiMarkdownNode *old,
            CfaiMarkdownNode *node)
{
  if (old->kind != node->kind)
    return FALSE;

  switch (node->kind)
    {
    case CFAI_MARKDOWN_NODE_HEADING:
      return old->level == node->level;
    case CFAI_MARKDOWN_NODE_LIST:
      return old->ordered == node->ordered;
    case CFAI_MARKDOWN_NODE_TABLE:
      return n_columns (old) == n_columns (node);
    case CFAI_MARKDOWN_NODE_PARAGRAPH:
    case CFAI_MARKDOWN_NODE_CODE:
    case CFAI_MARKDOWN_NODE_ITEM:
    case CFAI_MARKDOWN_NODE_QUOTE:
    case CFAI_MARKDOWN_NODE_TABLE_ROW:
    case CFAI_MARKDOWN_NODE_TABLE_CELL:
    case CFAI_MARKDOWN_NODE_RULE:
    default:
      return TRUE;
    }
}

static void
sync_children (CfaiMarkdownView *self,
               GtkWidget        *box,
               GPtrArray        *nodes,
               guint             depth)
{
  GtkWidget *child = gtk_widget_get_first_child (box);

  for (guint i = 0; i < nodes->len; i++)
    {
      CfaiMarkdownNode *node = g_ptr_array_index (nodes, i);

      if (child != NULL)
        {
          GtkWidget *next = gtk_widget_get_next_sibling (child);
          GtkWidget *widget = sync_block (self, child, node, depth);

          if (widget != child)
            {
              gtk_box_insert_child_after (GTK_BOX (box), widget, child);
              gtk_box_remove (GTK_BOX (box), child);
            }
          child = next;
        }
      else
        gtk_box_append (GTK_BOX (box), build_block (self, node, depth));
    }

  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      gtk_box_remove (GTK_BOX (box), child);
      child = next;
    }
}

/* Returns @widget brought up to @node, or a new widget when @widget
 * cannot show it. */
static GtkWidget *
sync_block (CfaiMarkdownView *self,
            GtkWidget        *widget,
            CfaiMarkdownNode *node,
            guint             depth)
{
  CfaiMarkdownNode *old = get_node (widget);

  if (old == node)
    return widget;
  if (old == NULL || !same_shape (old, node))
    return build_block (self, node, depth);
  if (cfai_markdown_node_equal (old, node))
    {
      set_node (widget, node);
      return widget;
    }

  switch (node->kind)
    {
    case CFAI_MARKDOWN_NODE_PARAGRAPH:
    case CFAI_MARKDOWN_NODE_HEADING:
      update_label (widget, node);
      break;
    case CFAI_MARKDOWN_NODE_CODE:
      cfai_code_block_set_language (CFAI_CODE_BLOCK (widget), node->language);
      cfai_code_block_set_code (CFAI_CODE_BLOCK (widget), node->text);
      break;
    case CFAI_MARKDOWN_NODE_LIST:
      sync_children (self, widget, node->children, depth);
      update_markers (widget, node, depth);
      break;
    case CFAI_MARKDOWN_NODE_ITEM:
      sync_children (self, gtk_widget_get_last_child (widget), node->children, depth + 1);
      break;
    case CFAI_MARKDOWN_NODE_QUOTE:
      sync_children (self, widget, node->children, depth);
      break;
    case CFAI_MARKDOWN_NODE_TABLE:
      sync_table (table_grid (widget), node, old->children->len);
      break;
    case CFAI_MARKDOWN_NODE_RULE:
    case CFAI_MARKDOWN_NODE_TABLE_ROW:
    case CFAI_MARKDOWN_NODE_TABLE_CELL:
    default:
      break;
    }

  set_node (widget, node);
  return widget;
}

/* Block widgets live in groups of GROUP_SIZE, the groups in the view,
 * so that a frame in which the open block grows walks the groups and
 * the tail group's few blocks rather than every block of the answer:
 * full groups keep their cached sizes and render nodes.  A group is
 * also what the snapshot draws or skips, and the renderer goes through
 * every node of a drawn group, seen or not: groups of 32 blocks were
 * pages tall, so at 50,000 tokens a frame drew several pages of text
 * and code (and highlighted code no one saw), 4.2 times the
 * instructions of a frame at 100 tokens (callgrind); with 8 blocks a
 * group is about a page and the two cost the same. */
#define GROUP_SIZE 8

static GtkWidget *
ensure_tail (CfaiMarkdownView *self)
{
  if (self->tail == NULL)
    {
      self->tail = new_box (GTK_ORIENTATION_VERTICAL, 12, GTK_ACCESSIBLE_ROLE_GENERIC);
      gtk_widget_add_css_class (self->tail, "cfai-md-group");
      gtk_widget_set_parent (self->tail, GTK_WIDGET (self));
    }
  return self->tail;
}

/* The tail's children after the last finished one, brought up to
 * @nodes.  Returns the last of them. */
static GtkWidget *
sync_open (CfaiMarkdownView *self,
           GPtrArray        *nodes)
{
  GtkWidget *tail = ensure_tail (self);
  GtkWidget *child = self->last_finished != NULL ? gtk_widget_get_next_sibling (self->last_finished)
                                                 : gtk_widget_get_first_child (tail);
  GtkWidget *previous = self->last_finished;

  for (guint i = 0; i < nodes->len; i++)
    {
      CfaiMarkdownNode *node = g_ptr_array_index (nodes, i);
      GtkWidget *widget;

      if (child != NULL)
        {
          GtkWidget *next = gtk_widget_get_next_sibling (child);

          widget = sync_block (self, child, node, 0);
          if (widget != child)
            {
              gtk_box_insert_child_after (GTK_BOX (tail), widget, child);
              gtk_box_remove (GTK_BOX (tail), child);
            }
          child = next;
        }
      else
        {
          widget = build_block (self, node, 0);
          gtk_box_insert_child_after (GTK_BOX (tail), widget, previous);
        }
      previous = widget;
    }

  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      gtk_box_remove (GTK_BOX (tail), child);
      child = next;
    }

  /* An empty group would still take the spacing before it. */
  gtk_widget_set_visible (tail, gtk_widget_get_first_child (tail) != NULL);
  return previous;
}

static void
update_widgets (CfaiMarkdownView *self)
{
  guint n_finished = cfai_markdown_blocks_get_n_finished (self->blocks);

  /* The first newly finished chunk is the one the open widgets showed;
   * they usually show it already and stay as they are. */
  for (; self->n_shown < n_finished; self->n_shown++)
    {
      GPtrArray *nodes = cfai_markdown_blocks_get_finished (self->blocks, self->n_shown);
      GtkWidget *last = sync_open (self, nodes);

      if (nodes->len > 0)
        self->last_finished = last;
      self->tail_finished += nodes->len;

      if (self->tail_finished >= GROUP_SIZE)
        {
          self->tail = NULL;
          self->last_finished = NULL;
          self->tail_finished = 0;
        }
    }

  sync_open (self, cfai_markdown_blocks_get_open (self->blocks));
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  CfaiMarkdownView *self = CFAI_MARKDOWN_VIEW (widget);

  self->tick_id = 0;
  if (self->deferred)
    {
      /* Far from what is shown: only the estimate grows. */
      self->estimate_width = -1;
      gtk_widget_queue_resize (widget);
    }
  else
    update_widgets (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
  return G_SOURCE_REMOVE;
}

static void
remove_widgets (CfaiMarkdownView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->tail = NULL;
  self->last_finished = NULL;
  self->tail_finished = 0;
  self->n_shown = 0;
  self->first_drawn_group = NULL;
  self->first_drawn = 0;
}


/* ------------------------------------------------------------------ */
/* Making widgets only for what can be seen                           */
/* ------------------------------------------------------------------ */

/* A chat's GtkListView keeps about 200 rows bound and measures every
 * one of them, and laying out a long answer's labels and code is most
 * of what a row costs (Pango shapes each label for every width it is
 * measured at).  So a view that is far from what its scrolled window
 * shows keeps its text without widgets and measures as an estimate
 * from the text; its widgets are made once an allocation puts it near
 * what is shown, in the same frame (see on_clock_layout()), so what is
 * drawn is never the estimate. */

#define SPACING 12
/* A code block's header and padding. */
#define CODE_CHROME 52

static gboolean get_shown_range (CfaiMarkdownView *self,
                                 double           *top,
                                 double           *bottom);

static int
estimate_height (CfaiMarkdownView *self,
                 int               width)
{
  const char *p = cfai_markdown_blocks_get_text (self->blocks);
  PangoFontMetrics *metrics;
  double char_width, line, per_line, height = 0;
  gboolean code = FALSE, gap = TRUE;
  guint blocks = 0;

  if (width <= 0)
    width = 600;
  if (width == self->estimate_width)
    return self->estimate_height;

  metrics = pango_context_get_metrics (gtk_widget_get_pango_context (GTK_WIDGET (self)), NULL, NULL);
  char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics) / (double) PANGO_SCALE, 1.0);
  line = MAX (pango_font_metrics_get_height (metrics) / (double) PANGO_SCALE, 1.0);
  pango_font_metrics_unref (metrics);
  per_line = MAX (width / char_width, 1.0);

  while (*p != '\0')
    {
      const char *end = strchr (p, '\n');
      gsize len = end != NULL ? (gsize) (end - p) : strlen (p);
      const char *start = p;

      while (start < p + len && (*start == ' ' || *start == '\t'))
        start++;

      if (p + len - start >= 3 && strncmp (start, "```", 3) == 0)
        {
          if (!code)
            {
              height += CODE_CHROME;
              blocks++;
            }
          code = !code;
          gap = TRUE;
        }
      else if (code)
        height += line;
      else if (start == p + len)
        gap = TRUE;
      else
        {
          glong chars = g_utf8_strlen (start, p + len - start);

          if (gap)
            blocks++;
          gap = FALSE;
          height += ceil (chars / per_line) * line * (*start == '#' ? 1.5 : 1.0);
        }
      p += len + (end != NULL ? 1 : 0);
    }

  self->estimate_width = width;
  self->estimate_height = (int) ceil (height) + (blocks > 1 ? (int) (blocks - 1) * SPACING : 0);
  return self->estimate_height;
}

/* The frame in which views made their widgets in the layout phase.
 * A view found near in a later layout pass of the same frame (the
 * built rows moved the others) waits for the next frame, so a frame
 * lays out at most twice for them and the frame clock never gives up
 * (it lays out at most four times a frame). */
static gint64 build_frame = -1;

static gboolean
build_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  CfaiMarkdownView *self = CFAI_MARKDOWN_VIEW (widget);

  self->build_tick = 0;
  if (self->deferred)
    {
      self->deferred = FALSE;
      update_widgets (self);
      gtk_widget_queue_resize (widget);
    }
  return G_SOURCE_REMOVE;
}

static void
queue_resize_text_views (GtkWidget *widget)
{
  if (GTK_IS_TEXT_VIEW (widget))
    gtk_widget_queue_resize (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    queue_resize_text_views (child);
}

/* A GtkTextView (a code block's) made in a layout pass finds its height
 * while it is allocated, and the resize it asks for then is lost; one
 * frame later it is measured again. */
static gboolean
settle_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  CFAI_MARKDOWN_VIEW (widget)->settle_tick = 0;
  queue_resize_text_views (widget);
  return G_SOURCE_REMOVE;
}

static void
queue_settle (CfaiMarkdownView *self)
{
  if (self->settle_tick == 0)
    self->settle_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), settle_tick_cb, NULL, NULL);
}

static void
stop_waiting_for_layout (CfaiMarkdownView *self)
{
  if (self->settle_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->settle_tick);
  self->settle_tick = 0;
  if (self->build_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->build_tick);
  self->build_tick = 0;
  /* The handler is gone already when the clock went before the view. */
  if (self->layout_handler != 0 && g_signal_handler_is_connected (self->layout_clock, self->layout_handler))
    g_signal_handler_disconnect (self->layout_clock, self->layout_handler);
  self->layout_handler = 0;
  g_clear_object (&self->layout_clock);
}

/* After the layout pass that found the view near what is shown: the
 * widgets are made and the view asks to be measured again, which the
 * frame clock does before it paints. */
static void
on_clock_layout (CfaiMarkdownView *self)
{
  build_frame = gdk_frame_clock_get_frame_counter (self->layout_clock);
  stop_waiting_for_layout (self);
  if (!self->deferred)
    return;
  self->deferred = FALSE;
  update_widgets (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  queue_settle (self);
}

static void
defer_widgets (CfaiMarkdownView *self)
{
  self->deferred = TRUE;
  self->estimate_width = -1;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
cfai_markdown_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  CfaiMarkdownView *self = CFAI_MARKDOWN_VIEW (widget);
  guint n = 0;

  *minimum = *natural = 0;

  if (self->deferred)
    {
      if (orientation == GTK_ORIENTATION_VERTICAL)
        *minimum = *natural = estimate_height (self, for_size);
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_min, child_nat;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, orientation, for_size, &child_min, &child_nat, NULL, NULL);
      if (orientation == GTK_ORIENTATION_VERTICAL)
        {
          *minimum += child_min + (n > 0 ? SPACING : 0);
          *natural += child_nat + (n > 0 ? SPACING : 0);
        }
      else
        {
          *minimum = MAX (*minimum, child_min);
          *natural = MAX (*natural, child_nat);
        }
      n++;
    }
}

static void
cfai_markdown_view_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  CfaiMarkdownView *self = CFAI_MARKDOWN_VIEW (widget);
  double shown_top, shown_bottom;
  int y = 0, total_min, total_nat;

  self->allocated = TRUE;
  /* Near: within a page of what is shown, so that scrolling finds the
   * next rows made already. */
  if (get_shown_range (self, &shown_top, &shown_bottom))
    {
      double page = shown_bottom - shown_top;

      self->near = height >= shown_top - page && 0 <= shown_bottom + page;
    }
  else
    self->near = TRUE;

  if (self->deferred)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

      if (self->near && clock != NULL && build_frame == gdk_frame_clock_get_frame_counter (clock))
        {
          if (self->build_tick == 0 && self->layout_handler == 0)
            self->build_tick = gtk_widget_add_tick_callback (widget, build_tick_cb, NULL, NULL);
        }
      else if (self->near && clock != NULL && self->layout_handler == 0)
        {
          self->layout_clock = g_object_ref (clock);
          self->layout_handler = g_signal_connect_object (clock, "layout", G_CALLBACK (on_clock_layout), self,
                                                          G_CONNECT_SWAPPED | G_CONNECT_AFTER);
          /* A handler connected while "layout" is emitted runs in the
           * next pass, which this asks for. */
          gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_LAYOUT);
        }
      return;
    }

  /* As a vertical box: natural heights when they fit (a code block's
   * minimum is shorter than its code), else the minimum ones. */
  cfai_markdown_view_measure (widget, GTK_ORIENTATION_VERTICAL, width, &total_min, &total_nat, NULL, NULL);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_min, child_nat, child_height;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, &child_min, &child_nat, NULL, NULL);
      child_height = height >= total_nat ? child_nat : child_min;
      gtk_widget_allocate (child, width, child_height, -1,
                           gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (0, y)));
      y += child_height + SPACING;
    }
}

/* ------------------------------------------------------------------ */
/* Drawing what can be seen                                           */
/* ------------------------------------------------------------------ */

/* The part of the view its scrolled window shows, in the view's
 * coordinates.  FALSE when the view is not in a scrolled window: then
 * all of it is drawn. */
static gboolean
get_shown_range (CfaiMarkdownView *self,
                 double           *top,
                 double           *bottom)
{
  graphene_rect_t bounds;

  if (self->scroller == NULL || self->vadjustment == NULL ||
      !gtk_widget_compute_bounds (self->scroller, GTK_WIDGET (self), &bounds))
    return FALSE;

  *top = bounds.origin.y;
  *bottom = bounds.origin.y + bounds.size.height;
  return TRUE;
}

/* Scrolling moves the view without drawing it again, so it has to
 * notice when what is shown leaves what was drawn.  The value changes
 * before the scrolled window moves its child, so what will be shown is
 * worked out from how far the value moved since the last snapshot. */
static void
on_value_changed (CfaiMarkdownView *self)
{
  double delta;

  if (self->drawn_top > self->drawn_bottom)
    return;   /* everything was drawn, or nothing yet */

  delta = gtk_adjustment_get_value (self->vadjustment) - self->drawn_value;
  if (self->shown_top + delta < self->drawn_top ||
      self->shown_bottom + delta > self->drawn_bottom)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The page or the scrolled area changed size. */
static void
on_adjustment_changed (CfaiMarkdownView *self)
{
  if (self->drawn_top <= self->drawn_bottom)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
watch_adjustment (CfaiMarkdownView *self,
                  GtkAdjustment    *adjustment)
{
  if (self->vadjustment == adjustment)
    return;

  if (self->vadjustment != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->vadjustment, self);
      g_clear_object (&self->vadjustment);
    }

  if (adjustment != NULL)
    {
      self->vadjustment = g_object_ref (adjustment);
      g_signal_connect_swapped (adjustment, "value-changed", G_CALLBACK (on_value_changed), self);
      g_signal_connect_swapped (adjustment, "changed", G_CALLBACK (on_adjustment_changed), self);
    }

  /* What was drawn was measured against another adjustment. */
  self->drawn_top = 1.0;
  self->drawn_bottom = 0.0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_scroller_vadjustment (CfaiMarkdownView *self)
{
  watch_adjustment (self, gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)));
}

static void
watch_scrolling (CfaiMarkdownView *self,
                 GtkWidget        *scroller)
{
  if (self->scroller == scroller)
    return;

  if (self->scroller != NULL)
    g_signal_handlers_disconnect_by_data (self->scroller, self);
  self->scroller = scroller;

  if (scroller != NULL)
    {
      g_signal_connect_swapped (scroller, "notify::vadjustment", G_CALLBACK (on_scroller_vadjustment), self);
      on_scroller_vadjustment (self);
    }
  else
    watch_adjustment (self, NULL);
}

static void
cfai_markdown_view_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (cfai_markdown_view_parent_class)->root (widget);

  CfaiMarkdownView *self = CFAI_MARKDOWN_VIEW (widget);

  watch_scrolling (self, gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW));
  /* Outside a scrolled window all of it is shown. */
  if (self->scroller == NULL && self->deferred)
    {
      self->deferred = FALSE;
      update_widgets (self);
    }
}

static void
cfai_markdown_view_unroot (GtkWidget *widget)
{
  stop_waiting_for_layout (CFAI_MARKDOWN_VIEW (widget));
  watch_scrolling (CFAI_MARKDOWN_VIEW (widget), NULL);

  GTK_WIDGET_CLASS (cfai_markdown_view_parent_class)->unroot (widget);
}

/* The top and bottom of @group in the view; FALSE when it has no
 * bounds (not allocated yet), and then it is drawn. */
static gboolean
group_extent (GtkWidget *view,
              GtkWidget *group,
              double    *top,
              double    *bottom)
{
  graphene_rect_t bounds;

  if (!gtk_widget_compute_bounds (group, view, &bounds))
    return FALSE;
  *top = bounds.origin.y;
  *bottom = bounds.origin.y + bounds.size.height;
  return TRUE;
}

/* Groups are stacked top to bottom, so the ones to draw are a run.  The
 * walk starts at the first group the last snapshot drew, steps back
 * while the group before it reaches into the part to draw, and stops at
 * the first group below it: a frame looks at the groups it draws and
 * one or two more, not at every group of a long answer.  Skipped groups
 * keep their render nodes for when they are drawn again. */
static void
cfai_markdown_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  CfaiMarkdownView *self = CFAI_MARKDOWN_VIEW (widget);
  double shown_top = 0, shown_bottom = 0, top = 0, bottom = 0;
  gboolean all = !get_shown_range (self, &shown_top, &shown_bottom);
  GtkWidget *child;
  guint index;

  /* A quarter of a page above and below what is shown, so that
   * scrolling a little needs no new snapshot.  More costs every frame:
   * at 50,000 tokens with GTK 4.24, a page each way made a frame cost
   * 13% more instructions than a quarter page (callgrind), and drawing
   * again on scrolling costs little, as the groups keep their nodes. */
  if (!all)
    {
      double margin = MAX (shown_bottom - shown_top, 1.0) / 4;

      top = shown_top - margin;
      bottom = shown_bottom + margin;
    }

  child = all ? NULL : self->first_drawn_group;
  index = self->first_drawn;
  if (child == NULL || gtk_widget_get_parent (child) != widget)
    {
      child = gtk_widget_get_first_child (widget);
      index = 0;
    }

  if (!all && child != NULL)
    {
      GtkWidget *previous;
      double group_top, group_bottom;

      while ((previous = gtk_widget_get_prev_sibling (child)) != NULL &&
             (!group_extent (widget, previous, &group_top, &group_bottom) || group_bottom >= top))
        {
          child = previous;
          index--;
        }
      while (child != NULL && group_extent (widget, child, &group_top, &group_bottom) && group_bottom < top)
        {
          child = gtk_widget_get_next_sibling (child);
          index++;
        }
    }

  self->first_drawn_group = child;
  self->first_drawn = index;
  self->n_drawn = 0;
  for (; child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      double group_top, group_bottom;

      if (!all && group_extent (widget, child, &group_top, &group_bottom) && group_top > bottom)
        break;

      gtk_widget_snapshot_child (widget, child, snapshot);
      self->n_drawn++;
    }

  self->drawn_top = all ? 1.0 : top;
  self->drawn_bottom = all ? 0.0 : bottom;
  if (!all)
    {
      self->shown_top = shown_top;
      self->shown_bottom = shown_bottom;
      self->drawn_value = gtk_adjustment_get_value (self->vadjustment);
    }
}

/* For tests: which groups the last snapshot drew.  Returns how many
 * groups there are. */
guint
cfai_markdown_view_get_drawn_groups (CfaiMarkdownView *self,
                                     guint            *first,
                                     guint            *n_drawn)
{
  guint n_groups = 0;

  g_return_val_if_fail (CFAI_IS_MARKDOWN_VIEW (self), 0);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n_groups++;

  if (first != NULL)
    *first = self->first_drawn;
  if (n_drawn != NULL)
    *n_drawn = self->n_drawn;
  return n_groups;
}

/* ------------------------------------------------------------------ */
/* GObject                                                            */
/* ------------------------------------------------------------------ */

static void
cfai_markdown_view_dispose (GObject *object)
{
  CfaiMarkdownView *self = CFAI_MARKDOWN_VIEW (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  stop_waiting_for_layout (self);
  remove_widgets (self);
  watch_scrolling (self, NULL);

  G_OBJECT_CLASS (cfai_markdown_view_parent_class)->dispose (object);
}

static void
cfai_markdown_view_finalize (GObject *object)
{
  CfaiMarkdownView *self = CFAI_MARKDOWN_VIEW (object);

  g_clear_object (&self->blocks);

  G_OBJECT_CLASS (cfai_markdown_view_parent_class)->finalize (object);
}

static void
cfai_markdown_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CfaiMarkdownView *self = CFAI_MARKDOWN_VIEW (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, cfai_markdown_view_get_text (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_markdown_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CfaiMarkdownView *self = CFAI_MARKDOWN_VIEW (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      cfai_markdown_view_set_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_markdown_view_class_init (CfaiMarkdownViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_markdown_view_dispose;
  object_class->finalize = cfai_markdown_view_finalize;
  object_class->get_property = cfai_markdown_view_get_property;
  object_class->set_property = cfai_markdown_view_set_property;

  widget_class->root = cfai_markdown_view_root;
  widget_class->unroot = cfai_markdown_view_unroot;
  widget_class->snapshot = cfai_markdown_view_snapshot;
  widget_class->measure = cfai_markdown_view_measure;
  widget_class->size_allocate = cfai_markdown_view_size_allocate;

  /**
   * CfaiMarkdownView:text:
   *
   * The Markdown shown.  Notified once per frame while appends arrive.
   */
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  node_quark = g_quark_from_static_string ("cfai-markdown-node");

  gtk_widget_class_set_css_name (widget_class, "cfai-markdown-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ARTICLE);
}

static void
cfai_markdown_view_init (CfaiMarkdownView *self)
{
  self->blocks = cfai_markdown_blocks_new ();
  self->drawn_top = 1.0;
  self->estimate_width = -1;
}

GtkWidget *
cfai_markdown_view_new (void)
{
  return g_object_new (CFAI_TYPE_MARKDOWN_VIEW, NULL);
}

/**
 * cfai_markdown_view_get_text:
 *
 * Returns: the Markdown shown, including appends not drawn yet
 */
const char *
cfai_markdown_view_get_text (CfaiMarkdownView *self)
{
  g_return_val_if_fail (CFAI_IS_MARKDOWN_VIEW (self), NULL);

  return cfai_markdown_blocks_get_text (self->blocks);
}

/**
 * cfai_markdown_view_set_text:
 * @text: (nullable): Markdown
 *
 * Shows @text, for instance when a list row is bound to another
 * message.  The widgets are made at once rather than on the next frame,
 * so a row is measured with its content, unless the view was last
 * allocated far from what its scrolled window shows: then they are made
 * when it comes near, and until then it measures as an estimate.  The same text again does
 * nothing, and text that goes on from the text shown is appended.
 */
void
cfai_markdown_view_set_text (CfaiMarkdownView *self,
                             const char       *text)
{
  const char *current;
  gsize length;

  g_return_if_fail (CFAI_IS_MARKDOWN_VIEW (self));

  if (text == NULL)
    text = "";

  current = cfai_markdown_blocks_get_text (self->blocks);
  length = cfai_markdown_blocks_get_length (self->blocks);

  if (strcmp (text, current) == 0)
    return;

  if (strncmp (text, current, length) == 0)
    cfai_markdown_blocks_append (self->blocks, text + length, -1);
  else
    {
      cfai_markdown_blocks_reset (self->blocks);
      remove_widgets (self);
      cfai_markdown_blocks_append (self->blocks, text, -1);
    }

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  /* A list row bound to another message, far from what is shown or not
   * in the window yet, makes its widgets once it comes near. */
  if (gtk_widget_get_root (GTK_WIDGET (self)) == NULL ||
      (self->scroller != NULL && (self->deferred || (self->allocated && !self->near))))
    defer_widgets (self);
  else
    update_widgets (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

/**
 * cfai_markdown_view_append:
 * @delta: more Markdown, as it streams in
 * @length: its length in bytes, or -1 when nul-terminated
 *
 * Adds @delta at the end.  The widgets follow on the next frame, once
 * for all the deltas that arrive before it.
 */
void
cfai_markdown_view_append (CfaiMarkdownView *self,
                           const char       *delta,
                           gssize            length)
{
  g_return_if_fail (CFAI_IS_MARKDOWN_VIEW (self));
  g_return_if_fail (delta != NULL || length == 0);

  if (length < 0)
    length = strlen (delta);
  if (length == 0)
    return;

  cfai_markdown_blocks_append (self->blocks, delta, length);

  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}
