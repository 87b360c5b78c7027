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
 * made every frame cost what the whole answer costs.  The view draws
 * only the groups that what its scrolled window shows overlaps, and
 * draws again when scrolling goes past them (cfai-markdown-view-draw.c).
 *
 * Labels rather than one GtkTextView: a label per block keeps each
 * block's layout cached by GTK, so growing the last one re-lays out only
 * it, and labels are selectable and read by screen readers as text.
 */
#include "config.h"

#include <string.h>

#include "cfai-markdown-view-private.h"
#include "cfai-unparent-later.h"

G_DEFINE_FINAL_TYPE (CfaiMarkdownView, cfai_markdown_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------ */
/* Groups                                                             */
/* ------------------------------------------------------------------ */

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
      self->tail = cfai_markdown_view_new_box (GTK_ORIENTATION_VERTICAL, CFAI_MARKDOWN_VIEW_SPACING, GTK_ACCESSIBLE_ROLE_GENERIC);
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

          widget = cfai_markdown_view_sync_block (child, node, 0);
          if (widget != child)
            {
              gtk_box_insert_child_after (GTK_BOX (tail), widget, child);
              gtk_box_remove (GTK_BOX (tail), child);
            }
          child = next;
        }
      else
        {
          widget = cfai_markdown_view_build_block (node, 0);
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

/* Brings the widgets up to the text, or, with @deadline (a monotonic
 * time, or -1 for none), as far as it goes in time: a finished chunk
 * at a time, at least one.  Returns whether they are up to the text. */
gboolean
cfai_markdown_view_update_widgets (CfaiMarkdownView *self,
                                   gint64            deadline)
{
  guint n_finished = cfai_markdown_blocks_get_n_finished (self->blocks);
  guint made = 0;

  /* The first newly finished chunk is the one the open widgets showed;
   * they usually show it already and stay as they are. */
  for (; self->n_shown < n_finished; self->n_shown++, made++)
    {
      GPtrArray *nodes;
      GtkWidget *last;

      /* At least one chunk a call, so that a past deadline goes on. */
      if (made > 0 && deadline >= 0 && g_get_monotonic_time () >= deadline)
        return FALSE;

      nodes = cfai_markdown_blocks_get_finished (self->blocks, self->n_shown);
      last = sync_open (self, nodes);

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
  return TRUE;
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
    cfai_markdown_view_update_widgets (self, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
  return G_SOURCE_REMOVE;
}

/* @later: destroy them once the main loop is idle, for a view given
 * another text (a reused row; see cfai-unparent-later.c) */
static void
remove_widgets (CfaiMarkdownView *self,
                gboolean          later)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    {
      if (later)
        cfai_unparent_later (child);
      else
        gtk_widget_unparent (child);
    }
  self->tail = NULL;
  self->last_finished = NULL;
  self->tail_finished = 0;
  self->n_shown = 0;
  self->first_drawn_group = NULL;
  self->first_drawn = 0;
}

static void
cfai_markdown_view_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (cfai_markdown_view_parent_class)->root (widget);

  CfaiMarkdownView *self = CFAI_MARKDOWN_VIEW (widget);

  cfai_markdown_view_watch_scrolling (self, gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW));
  /* Outside a scrolled window all of it is shown. */
  if (self->scroller == NULL && self->deferred)
    {
      self->deferred = FALSE;
      cfai_markdown_view_update_widgets (self, -1);
    }
}

static void
cfai_markdown_view_unroot (GtkWidget *widget)
{
  cfai_markdown_view_stop_waiting_for_layout (CFAI_MARKDOWN_VIEW (widget));
  cfai_markdown_view_watch_scrolling (CFAI_MARKDOWN_VIEW (widget), NULL);

  GTK_WIDGET_CLASS (cfai_markdown_view_parent_class)->unroot (widget);
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
  cfai_markdown_view_stop_waiting_for_layout (self);
  remove_widgets (self, FALSE);
  cfai_markdown_view_watch_scrolling (self, NULL);

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
  widget_class->get_request_mode = cfai_markdown_view_get_request_mode;
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
      remove_widgets (self, TRUE);
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
    cfai_markdown_view_defer_widgets (self);
  else
    cfai_markdown_view_update_widgets (self, -1);
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
