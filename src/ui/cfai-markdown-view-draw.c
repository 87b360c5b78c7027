/* cfai-markdown-view-draw.c — a CfaiMarkdownView draws what can be seen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-markdown-view-private.h"

/* ------------------------------------------------------------------ */
/* Drawing what can be seen                                           */
/* ------------------------------------------------------------------ */

/* The part of the view its scrolled window shows, in the view's
 * coordinates.  FALSE when the view is not in a scrolled window: then
 * all of it is drawn. */
gboolean
cfai_markdown_view_get_shown_range (CfaiMarkdownView *self,
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

void
cfai_markdown_view_watch_scrolling (CfaiMarkdownView *self,
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
void
cfai_markdown_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  CfaiMarkdownView *self = CFAI_MARKDOWN_VIEW (widget);
  double shown_top = 0, shown_bottom = 0, top = 0, bottom = 0;
  gboolean all = !cfai_markdown_view_get_shown_range (self, &shown_top, &shown_bottom);
  GtkWidget *child;
  guint index;

  /* Its widgets are being made while it is hidden: none is laid out. */
  if (self->deferred)
    return;

  /* Only the groups that what is shown overlaps: a group is about a
   * page already, and the renderer goes through every node of every
   * group drawn.  Drawing a quarter of a page more each way, so that
   * scrolling a little needed no new snapshot, made a frame at 50,000
   * tokens cost 15% more instructions (callgrind, GTK 4.18); drawing
   * again on scrolling costs little, as the groups keep their nodes. */
  if (!all)
    {
      top = shown_top;
      bottom = shown_bottom;
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
