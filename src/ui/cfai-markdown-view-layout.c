/* cfai-markdown-view-layout.c — a CfaiMarkdownView's size, and its
 * widgets made only near what is shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cfai-font-metrics.h"
#include "cfai-markdown-view-private.h"

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

/* A code block's header and padding. */
#define CODE_CHROME 52

/**
 * cfai_markdown_estimate_height:
 * @context: the Pango context the text would be shown with
 * @text: Markdown
 * @width: the width it would be shown at, or 0 or less for 600
 *
 * Returns: about how tall @text shows at @width, from its lines and the
 *   font's metrics alone: for what is measured before it is made
 */
int
cfai_markdown_estimate_height (PangoContext *context,
                               const char   *text,
                               int           width)
{
  const char *p = text;
  double char_width, line, per_line, height = 0;
  gboolean code = FALSE, gap = TRUE;
  guint blocks = 0;

  if (width <= 0)
    width = 600;

  cfai_font_metrics_get (context, &char_width, &line);
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

  return (int) ceil (height) + (blocks > 1 ? (int) (blocks - 1) * CFAI_MARKDOWN_VIEW_SPACING : 0);
}

static int
estimate_height (CfaiMarkdownView *self,
                 int               width)
{
  if (width == self->estimate_width)
    return self->estimate_height;

  self->estimate_width = width;
  self->estimate_height = cfai_markdown_estimate_height (gtk_widget_get_pango_context (GTK_WIDGET (self)),
                                                         cfai_markdown_blocks_get_text (self->blocks),
                                                         width);
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
      cfai_markdown_view_update_widgets (self, -1);
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

void
cfai_markdown_view_stop_waiting_for_layout (CfaiMarkdownView *self)
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

/**
 * cfai_markdown_view_make_widgets:
 * @deadline: a monotonic time to stop at, or -1 to make them all
 *
 * Makes the widgets of a view that waits to come near what is shown,
 * for one about to be shown (a chat's row put in its place in the
 * list); the view asks to be measured again, which the frame clock does
 * before it paints.  With a deadline, a long answer's widgets are made
 * over several calls, a finished chunk of blocks at a time; until the
 * last call the view still measures as its estimate and draws nothing.
 *
 * Returns: whether the view has all its widgets
 */
gboolean
cfai_markdown_view_make_widgets (CfaiMarkdownView *self,
                                 gint64            deadline)
{
  g_return_val_if_fail (CFAI_IS_MARKDOWN_VIEW (self), TRUE);

  if (!self->deferred)
    return TRUE;
  if (!cfai_markdown_view_update_widgets (self, deadline))
    return FALSE;
  cfai_markdown_view_stop_waiting_for_layout (self);
  self->deferred = FALSE;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  queue_settle (self);
  return TRUE;
}

/* After the layout pass that found the view near what is shown. */
static void
on_clock_layout (CfaiMarkdownView *self)
{
  build_frame = gdk_frame_clock_get_frame_counter (self->layout_clock);
  cfai_markdown_view_stop_waiting_for_layout (self);
  cfai_markdown_view_make_widgets (self, -1);
}

void
cfai_markdown_view_defer_widgets (CfaiMarkdownView *self)
{
  self->deferred = TRUE;
  self->estimate_width = -1;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* Its height follows its width, text or not: GTK takes a widget that
 * says nothing for one of constant size (GtkWidget's default), and then
 * measures it, and whatever holds it, at no width, and allocates it the
 * height it had there: an estimate for a line of infinite width.  Being
 * asked its width too costs little, as text blocks answer that without
 * laying anything out (GtkLabels did: this was reverted once for the
 * open label's two extra layouts at every streamed token). */
GtkSizeRequestMode
cfai_markdown_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

void
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
          *minimum += child_min + (n > 0 ? CFAI_MARKDOWN_VIEW_SPACING : 0);
          *natural += child_nat + (n > 0 ? CFAI_MARKDOWN_VIEW_SPACING : 0);
        }
      else
        {
          *minimum = MAX (*minimum, child_min);
          *natural = MAX (*natural, child_nat);
        }
      n++;
    }
}

void
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
  if (cfai_markdown_view_get_shown_range (self, &shown_top, &shown_bottom))
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
   * minimum is shorter than its code), else the minimum ones.  Every
   * group is allocated, even one that keeps its place and size: GTK
   * counts a group that asked to be laid out again as unallocated
   * until its parent's allocation gives it one, and only its parent
   * knows where it goes (skipping such groups left some undrawable). */
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
      y += child_height + CFAI_MARKDOWN_VIEW_SPACING;
    }
}
