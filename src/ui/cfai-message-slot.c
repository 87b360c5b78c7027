/* cfai-message-slot.c — a chat list item's place for a message's row
 *
 * GtkListView keeps about 200 items bound around an anchor it picks
 * from the scroll position, and with rows taller than the window (long
 * answers) that window swings from mostly above what is shown to mostly
 * below it and back as the user scrolls: 50 to 150 items given other
 * messages in a frame, all of them far from what is shown.  Whatever
 * is put in an item then costs its CSS styles again (GTK restyles a
 * widget's whole subtree when it moves to another parent): half of a
 * frame, when the item got a whole row.
 *
 * So an item's child is this slot, which the list binds to a message
 * and which stays in its item.  Far from what is shown it has no row
 * and measures as the height the message's row last had at that width
 * (or an estimate from its text).  Ahead of scrolling, the pool has
 * it take its row while it is still hidden (see
 * cfai_message_row_pool_look_ahead()).  A slot allocated without one
 * (the list jumped there) takes the row the pool kept for its message
 * at once (its height is known), or a spare after that layout pass, and
 * the frame clock lays out again before it paints, so what is drawn is
 * never the estimate.  Given another message, it gives its row back to
 * the pool.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-markdown-view.h"
#include "cfai-message-row.h"
#include "cfai-message-slot.h"

/* A row's margins, padding and lines around its text, for the estimate. */
#define ROW_CHROME_HEIGHT 48

struct _CfaiMessageSlot
{
  GtkWidget           parent_instance;

  CfaiMessageRowPool *pool;
  CfaiMessage        *message;
  GtkWidget          *row;            /* the child, or NULL while far */
  gboolean            row_made;       /* the row has all its widgets */
  guint               attach_tick;    /* while waiting for the next frame for it */
  int                 width;          /* the last allocated to the row */
};

G_DEFINE_FINAL_TYPE (CfaiMessageSlot, cfai_message_slot, GTK_TYPE_WIDGET)

/* The height a message's row had, and at which width: kept on the
 * message, so it goes with it. */
typedef struct
{
  int width;
  int height;
} RowHeight;

static GQuark
row_height_quark (void)
{
  return g_quark_from_static_string ("cfai-message-slot-row-height");
}

static void
note_row_height (CfaiMessage *message,
                 int          width,
                 int          height)
{
  RowHeight *known = g_object_get_qdata (G_OBJECT (message), row_height_quark ());

  if (known == NULL)
    {
      known = g_new (RowHeight, 1);
      g_object_set_qdata_full (G_OBJECT (message), row_height_quark (), known, g_free);
    }
  known->width = width;
  known->height = height;
}

static int
row_height (CfaiMessageSlot *self,
            int              width)
{
  RowHeight *known = g_object_get_qdata (G_OBJECT (self->message), row_height_quark ());
  const char *content;

  if (known != NULL && known->width == width)
    return known->height;
  content = cfai_message_get_content (self->message);
  return ROW_CHROME_HEIGHT +
         cfai_markdown_estimate_height (gtk_widget_get_pango_context (GTK_WIDGET (self)),
                                        content != NULL ? content : "",
                                        width - CFAI_MESSAGE_ROW_CHROME_WIDTH);
}

/* ------------------------------------------------------------------ */
/* Taking the row once near what is shown                             */
/* ------------------------------------------------------------------ */

/* @row: (transfer full); @deadline: see cfai_message_slot_take_row() */
static void
put_row (CfaiMessageSlot *self,
         CfaiMessageRow  *row,
         gint64           deadline)
{
  self->row = GTK_WIDGET (row);
  gtk_widget_set_parent (self->row, GTK_WIDGET (self));
  g_object_unref (row);
  /* It is near what is shown: its Markdown is made now rather than
   * after one more layout pass. */
  self->row_made = cfai_message_row_make_widgets (row, deadline);
}

/**
 * cfai_message_slot_take_row:
 * @deadline: a monotonic time to stop making the row's widgets at, or
 *   -1 to make them all
 *
 * Puts the message's row in the slot, when it has none, makes its
 * widgets (those it has not made yet, or, with a deadline, as many as
 * there is time for) and has it measured again: for the pool, once the
 * layout pass that found the slot near what is shown is over, or in a
 * frame's update phase ahead of scrolling.
 *
 * Returns: whether the slot's row has all its widgets
 */
gboolean
cfai_message_slot_take_row (CfaiMessageSlot *self,
                            gint64           deadline)
{
  CfaiMessageRow *row;

  g_return_val_if_fail (CFAI_IS_MESSAGE_SLOT (self), TRUE);

  if (self->attach_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->attach_tick);
  self->attach_tick = 0;
  if (self->message == NULL)
    return TRUE;
  if (self->row == NULL)
    {
      row = cfai_message_row_pool_take (self->pool, self->message);
      put_row (self, row, deadline);
    }
  else if (!self->row_made)
    self->row_made = cfai_message_row_make_widgets (CFAI_MESSAGE_ROW (self->row), deadline);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  return self->row_made;
}

/**
 * cfai_message_slot_needs_row:
 *
 * Returns: whether the slot has a message and not yet a row with all
 *   its widgets
 */
gboolean
cfai_message_slot_needs_row (CfaiMessageSlot *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE_SLOT (self), FALSE);

  return self->message != NULL && (self->row == NULL || !self->row_made);
}

static gboolean
attach_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  CFAI_MESSAGE_SLOT (widget)->attach_tick = 0;
  cfai_message_slot_take_row (CFAI_MESSAGE_SLOT (widget), -1);
  return G_SOURCE_REMOVE;
}

/* The slot is near what is shown and has no row, or a row that measures
 * taller or shorter than it: the pool puts one in and has it measured
 * again after this layout pass, or, when this frame has laid out for
 * rows enough, the next frame does. */
static void
want_row (CfaiMessageSlot *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->attach_tick != 0)
    return;
  if (clock == NULL)
    cfai_message_slot_take_row (self, -1);
  else if (!cfai_message_row_pool_want_row (self->pool, self, clock))
    self->attach_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), attach_tick_cb, NULL, NULL);
}

/* Whether the slot is within a window's height of what its scrolled
 * window shows.  (GtkListView allocates only the items in view, so an
 * allocated slot nearly always is; the pool makes the rows beyond.) */
static gboolean
is_near (CfaiMessageSlot *self)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;
  double page;

  if (scroller == NULL || !gtk_widget_compute_bounds (GTK_WIDGET (self), scroller, &bounds))
    return TRUE;
  page = gtk_widget_get_height (scroller);
  return bounds.origin.y + bounds.size.height >= -page && bounds.origin.y <= 2 * page;
}

/* ------------------------------------------------------------------ */
/* The widget                                                         */
/* ------------------------------------------------------------------ */

static void
give_back_row (CfaiMessageSlot *self)
{
  GtkWidget *row = self->row;

  if (row == NULL)
    return;
  self->row = NULL;
  g_object_ref (row);
  gtk_widget_unparent (row);
  cfai_message_row_pool_keep (self->pool, CFAI_MESSAGE_ROW (row));
}

static void
cfai_message_slot_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  CfaiMessageSlot *self = CFAI_MESSAGE_SLOT (widget);

  *minimum = *natural = 0;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = cfai_message_row_get_min_width (gtk_widget_get_pango_context (widget));
  else if (self->message == NULL)
    return;
  /* GtkListView also asks for heights at no width (for its own
   * natural height): a row would lay out its labels unwrapped for that,
   * so the answer is its height at the width it has. */
  else if (self->row != NULL && for_size >= 0)
    gtk_widget_measure (self->row, orientation, for_size, minimum, natural, NULL, NULL);
  else
    *minimum = *natural = row_height (self, for_size >= 0 ? for_size : self->width);
}

static void
cfai_message_slot_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  CfaiMessageSlot *self = CFAI_MESSAGE_SLOT (widget);

  int minimum, natural, measured = -1;

  if (self->row == NULL && self->message != NULL && is_near (self))
    {
      CfaiMessageRow *kept = cfai_message_row_pool_take_kept (self->pool, self->message);

      /* A row kept for the message is put in at once: the slot measured
       * as its height, so the list's layout holds.  (GtkListView also
       * gives an item another message and back within a frame or two,
       * even at rest.)  A spare's height is not known yet. */
      if (kept != NULL)
        {
          measured = row_height (self, width);
          put_row (self, kept, -1);
        }
      else
        want_row (self);
    }
  if (self->row == NULL)
    return;
  /* Shown before the pool made all of its widgets: the rest now, and
   * the slot measured as the estimate. */
  if (!self->row_made)
    {
      measured = height;
      self->row_made = cfai_message_row_make_widgets (CFAI_MESSAGE_ROW (self->row), -1);
    }

  self->width = width;
  gtk_widget_measure (self->row, GTK_ORIENTATION_VERTICAL, width, &minimum, &natural, NULL, NULL);
  gtk_widget_allocate (self->row, width, height, baseline, NULL);
  note_row_height (self->message, width, natural);
  if (measured >= 0 && natural != measured)
    want_row (self);   /* to be measured again after this pass */
}

static GtkSizeRequestMode
cfai_message_slot_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
cfai_message_slot_unmap (GtkWidget *widget)
{
  CfaiMessageSlot *self = CFAI_MESSAGE_SLOT (widget);

  cfai_message_row_pool_forget_slot (self->pool, self);
  if (self->attach_tick != 0)
    gtk_widget_remove_tick_callback (widget, self->attach_tick);
  self->attach_tick = 0;

  GTK_WIDGET_CLASS (cfai_message_slot_parent_class)->unmap (widget);
}

static void
cfai_message_slot_dispose (GObject *object)
{
  CfaiMessageSlot *self = CFAI_MESSAGE_SLOT (object);

  if (self->pool != NULL)
    {
      cfai_message_row_pool_forget_slot (self->pool, self);
      give_back_row (self);
    }
  g_clear_object (&self->message);
  g_clear_object (&self->pool);

  G_OBJECT_CLASS (cfai_message_slot_parent_class)->dispose (object);
}

static void
cfai_message_slot_class_init (CfaiMessageSlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_message_slot_dispose;
  widget_class->measure = cfai_message_slot_measure;
  widget_class->size_allocate = cfai_message_slot_size_allocate;
  widget_class->get_request_mode = cfai_message_slot_get_request_mode;
  widget_class->unmap = cfai_message_slot_unmap;
  gtk_widget_class_set_css_name (widget_class, "cfai-message-slot");
}

static void
cfai_message_slot_init (CfaiMessageSlot *self)
{
}

GtkWidget *
cfai_message_slot_new (CfaiMessageRowPool *pool)
{
  CfaiMessageSlot *self;

  g_return_val_if_fail (CFAI_IS_MESSAGE_ROW_POOL (pool), NULL);

  self = g_object_new (CFAI_TYPE_MESSAGE_SLOT, NULL);
  self->pool = g_object_ref (pool);
  return GTK_WIDGET (self);
}

/**
 * cfai_message_slot_get_message:
 *
 * Returns: (transfer none) (nullable): the message the list bound the slot to
 */
CfaiMessage *
cfai_message_slot_get_message (CfaiMessageSlot *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE_SLOT (self), NULL);

  return self->message;
}

/**
 * cfai_message_slot_set_message:
 * @message: (nullable): the message the list binds the slot to
 *
 * The row the slot had goes back to the pool, kept for its message;
 * the new message's row comes once the slot is near what is shown.
 */
void
cfai_message_slot_set_message (CfaiMessageSlot *self,
                               CfaiMessage     *message)
{
  g_return_if_fail (CFAI_IS_MESSAGE_SLOT (self));
  g_return_if_fail (message == NULL || CFAI_IS_MESSAGE (message));

  if (self->message == message)
    return;
  give_back_row (self);
  self->row_made = FALSE;
  g_set_object (&self->message, message);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * cfai_message_slot_get_row:
 *
 * Returns: (transfer none) (nullable): the row in the slot, none while
 *   it is far from what is shown
 */
GtkWidget *
cfai_message_slot_get_row (CfaiMessageSlot *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE_SLOT (self), NULL);

  return self->row;
}
