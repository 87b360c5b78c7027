/* cfai-markdown-view-blocks.c — the widget of one Markdown block
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A block's widget is made from its node, and brought up to a new parse
 * of the same block in place where its shape allows (see
 * cfai-markdown-view.c).  Each widget keeps the node it shows, so a
 * node that did not change is recognised at once.
 */
#include "config.h"

#include "cfai-code-block.h"
#include "cfai-markdown-view-private.h"
#include "cfai-text-block.h"

/* Where a block's widget keeps its node. */
static GQuark
node_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("cfai-markdown-node");
  return quark;
}

/* ------------------------------------------------------------------ */
/* Building                                                           */
/* ------------------------------------------------------------------ */

static CfaiMarkdownNode *
get_node (GtkWidget *widget)
{
  return g_object_get_qdata (G_OBJECT (widget), node_quark ());
}

static void
set_node (GtkWidget        *widget,
          CfaiMarkdownNode *node)
{
  g_object_set_qdata_full (G_OBJECT (widget), node_quark (),
                           cfai_markdown_node_ref (node),
                           (GDestroyNotify) cfai_markdown_node_unref);
}

/* Only links a browser or mail program handles are followed: the text
 * comes from a model, and a file: or custom-scheme link in it could
 * start anything.  For text blocks and table cells alike. */
static gboolean
on_activate_link (GtkWidget  *widget,
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
      gtk_widget_error_bell (widget);
      return TRUE;
    }

  root = gtk_widget_get_root (widget);
  launcher = gtk_uri_launcher_new (uri);
  gtk_uri_launcher_launch (launcher, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                           NULL, NULL, NULL);
  return TRUE;
}

/* Paragraphs and headings: text blocks, which lay out once for the
 * column's width (see cfai-text-block.c). */
static GtkWidget *
new_text (CfaiMarkdownNode  *node,
          GtkAccessibleRole  role)
{
  GtkWidget *block = g_object_new (CFAI_TYPE_TEXT_BLOCK,
                                   "accessible-role", role,
                                   NULL);

  cfai_text_block_set_markup (CFAI_TEXT_BLOCK (block), node->markup);
  g_signal_connect (block, "activate-link", G_CALLBACK (on_activate_link), NULL);
  return block;
}

static void
update_text (GtkWidget        *block,
             CfaiMarkdownNode *node)
{
  cfai_text_block_set_markup (CFAI_TEXT_BLOCK (block), node->markup);
}

/* A table's cell: a label of one line, as wide as its text. */
static GtkWidget *
new_cell_label (CfaiMarkdownNode  *node,
                GtkAccessibleRole  role)
{
  GtkWidget *label = g_object_new (GTK_TYPE_LABEL,
                                   "accessible-role", role,
                                   "xalign", 0.0f,
                                   "selectable", TRUE,
                                   "use-markup", TRUE,
                                   "label", node->markup != NULL ? node->markup : "",
                                   NULL);

  g_signal_connect (label, "activate-link", G_CALLBACK (on_activate_link), NULL);
  return label;
}

static void
update_cell_label (GtkWidget        *label,
                   CfaiMarkdownNode *node)
{
  if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (label)), node->markup) != 0)
    gtk_label_set_markup (GTK_LABEL (label), node->markup != NULL ? node->markup : "");
}

static const char * const heading_classes[] = { "title-1", "title-2", "title-3", "title-4", "heading", "heading" };

static GtkWidget *
build_heading (CfaiMarkdownNode *node)
{
  GtkWidget *label = new_text (node, GTK_ACCESSIBLE_ROLE_HEADING);

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

GtkWidget *
cfai_markdown_view_new_box (GtkOrientation    orientation,
                            int               spacing,
                            GtkAccessibleRole role)
{
  return g_object_new (GTK_TYPE_BOX,
                       "orientation", orientation,
                       "spacing", spacing,
                       "accessible-role", role,
                       NULL);
}

static void
append_blocks (GtkWidget *box,
               GPtrArray *nodes,
               guint      depth)
{
  for (guint i = 0; i < nodes->len; i++)
    gtk_box_append (GTK_BOX (box), cfai_markdown_view_build_block (g_ptr_array_index (nodes, i), depth));
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
build_item (CfaiMarkdownNode *node,
            guint             depth)
{
  GtkWidget *item = cfai_markdown_view_new_box (GTK_ORIENTATION_HORIZONTAL, 8, GTK_ACCESSIBLE_ROLE_LIST_ITEM);
  GtkWidget *marker = gtk_label_new (NULL);
  GtkWidget *content = cfai_markdown_view_new_box (GTK_ORIENTATION_VERTICAL, 6, GTK_ACCESSIBLE_ROLE_GROUP);

  gtk_widget_add_css_class (marker, "cfai-md-marker");
  gtk_widget_set_valign (marker, GTK_ALIGN_START);
  gtk_label_set_xalign (GTK_LABEL (marker), 1.0);
  gtk_widget_set_hexpand (content, TRUE);
  append_blocks (content, node->children, depth + 1);

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
build_list (CfaiMarkdownNode *node,
            guint             depth)
{
  GtkWidget *box = cfai_markdown_view_new_box (GTK_ORIENTATION_VERTICAL, 6, GTK_ACCESSIBLE_ROLE_LIST);

  gtk_widget_add_css_class (box, "cfai-md-list");
  append_blocks (box, node->children, depth);
  update_markers (box, node, depth);
  return box;
}

static GtkWidget *
build_quote (CfaiMarkdownNode *node,
             guint             depth)
{
  GtkWidget *box = cfai_markdown_view_new_box (GTK_ORIENTATION_VERTICAL, 6, GTK_ACCESSIBLE_ROLE_BLOCK_QUOTE);

  gtk_widget_add_css_class (box, "cfai-md-quote");
  append_blocks (box, node->children, depth);
  return box;
}

static GtkWidget *
build_cell (CfaiMarkdownNode *cell,
            guint             row)
{
  GtkWidget *label = new_cell_label (cell, cell->header ? GTK_ACCESSIBLE_ROLE_COLUMN_HEADER
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
              update_cell_label (label, cell);
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

GtkWidget *
cfai_markdown_view_build_block (CfaiMarkdownNode *node,
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
      widget = build_list (node, depth);
      break;
    case CFAI_MARKDOWN_NODE_ITEM:
      widget = build_item (node, depth);
      break;
    case CFAI_MARKDOWN_NODE_QUOTE:
      widget = build_quote (node, depth);
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
      widget = new_text (node, GTK_ACCESSIBLE_ROLE_PARAGRAPH);
      break;
    }

  set_node (widget, node);
  return widget;
}

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
sync_children (GtkWidget *box,
               GPtrArray *nodes,
               guint      depth)
{
  GtkWidget *child = gtk_widget_get_first_child (box);

  for (guint i = 0; i < nodes->len; i++)
    {
      CfaiMarkdownNode *node = g_ptr_array_index (nodes, i);

      if (child != NULL)
        {
          GtkWidget *next = gtk_widget_get_next_sibling (child);
          GtkWidget *widget = cfai_markdown_view_sync_block (child, node, depth);

          if (widget != child)
            {
              gtk_box_insert_child_after (GTK_BOX (box), widget, child);
              gtk_box_remove (GTK_BOX (box), child);
            }
          child = next;
        }
      else
        gtk_box_append (GTK_BOX (box), cfai_markdown_view_build_block (node, depth));
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
GtkWidget *
cfai_markdown_view_sync_block (GtkWidget        *widget,
                               CfaiMarkdownNode *node,
                               guint             depth)
{
  CfaiMarkdownNode *old = get_node (widget);

  if (old == node)
    return widget;
  if (old == NULL || !same_shape (old, node))
    return cfai_markdown_view_build_block (node, depth);
  if (cfai_markdown_node_equal (old, node))
    {
      set_node (widget, node);
      return widget;
    }

  switch (node->kind)
    {
    case CFAI_MARKDOWN_NODE_PARAGRAPH:
    case CFAI_MARKDOWN_NODE_HEADING:
      update_text (widget, node);
      break;
    case CFAI_MARKDOWN_NODE_CODE:
      cfai_code_block_set_language (CFAI_CODE_BLOCK (widget), node->language);
      cfai_code_block_set_code (CFAI_CODE_BLOCK (widget), node->text);
      break;
    case CFAI_MARKDOWN_NODE_LIST:
      sync_children (widget, node->children, depth);
      update_markers (widget, node, depth);
      break;
    case CFAI_MARKDOWN_NODE_ITEM:
      sync_children (gtk_widget_get_last_child (widget), node->children, depth + 1);
      break;
    case CFAI_MARKDOWN_NODE_QUOTE:
      sync_children (widget, node->children, depth);
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
