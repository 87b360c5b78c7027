/* cfai-message-row-pool.c — message rows kept for the messages they showed
 *
 * The chat's list puts a CfaiMessageSlot in each of its items, and a
 * slot takes a row only near what is shown (see cfai-message-slot.c
 * for why).  When a slot is given another message, the pool keeps its
 * row, with its widgets and their layouts, for the message it showed:
 * scrolling back finds it made.  A slot near what is shown gets the row
 * kept for its message, or a spare: a new row while the pool has room,
 * else the one let go of longest ago.
 *
 * The pool also puts the rows in: the slots found near in a layout pass
 * get theirs once the pass is over, and the frame clock lays out again
 * before it paints (it does so at most four times a frame: after two
 * such rounds, and the pass a new code block asks for, the rest wait
 * for the next frame).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-message-row-pool.h"
#include "cfai-message-slot.h"

#define MAX_ROUNDS_A_FRAME 2

/* Rows made ahead of scrolling: how far, in window heights, and how
 * much of a frame those beyond the first page may take. */
#define AHEAD_PAGES 4
#define AHEAD_BUDGET_US 5000

struct _CfaiMessageRowPool
{
  GObject             parent_instance;

  GtkListItemFactory *factory;
  GQueue              kept;       /* CfaiMessageRow, most recently let go first */
  GHashTable         *by_message; /* CfaiMessage → its GList link in kept */
  guint               capacity;

  /* Slots waiting for the layout pass to end to get their rows. */
  GPtrArray          *waiting;
  GdkFrameClock      *clock;
  gulong              layout_handler;
  gint64              round_frame;  /* the frame of the last round */
  guint               rounds;       /* and how many it had */

  /* Slots to make rows for in the next frame's update phase. */
  GPtrArray          *urgent;       /* within a page of what is shown */
  GPtrArray          *later;        /* further */
  GtkWidget          *ahead_widget; /* the list, while ahead_tick is set */
  guint               ahead_tick;
};

G_DEFINE_FINAL_TYPE (CfaiMessageRowPool, cfai_message_row_pool, G_TYPE_OBJECT)

/* Takes the row kept for @message, if there is one. */
static CfaiMessageRow *
take_kept (CfaiMessageRowPool *self,
           CfaiMessage        *message)
{
  GList *link = g_hash_table_lookup (self->by_message, message);
  CfaiMessageRow *row;

  if (link == NULL)
    return NULL;
  row = link->data;
  g_hash_table_remove (self->by_message, message);
  g_queue_delete_link (&self->kept, link);
  return row;
}

/* A row for a message no row is kept for: a new one while the pool has
 * room, else the one let go of longest ago. */
static CfaiMessageRow *
take_spare (CfaiMessageRowPool *self)
{
  CfaiMessageRow *row;

  if (self->kept.length < self->capacity)
    return g_object_ref_sink (g_object_new (CFAI_TYPE_MESSAGE_ROW, NULL));
  row = g_queue_pop_tail (&self->kept);
  g_hash_table_remove (self->by_message, cfai_message_row_get_message (row));
  return row;
}

/* Keeps @row (transfer full) for the message it shows. */
static void
keep_row (CfaiMessageRowPool *self,
          CfaiMessageRow     *row)
{
  CfaiMessage *message = cfai_message_row_get_message (row);

  if (message == NULL || g_hash_table_contains (self->by_message, message))
    {
      g_object_unref (row);
      return;
    }
  g_queue_push_head (&self->kept, row);
  g_hash_table_insert (self->by_message, message, self->kept.head);
}

static void
on_setup (CfaiMessageRowPool *self,
          GtkListItem        *item)
{
  /* The row's own buttons take focus and clicks, not the list's row. */
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_focusable (item, FALSE);
  gtk_list_item_set_child (item, cfai_message_slot_new (self));
}

static void
on_bind (CfaiMessageRowPool *self,
         GtkListItem        *item)
{
  cfai_message_slot_set_message (CFAI_MESSAGE_SLOT (gtk_list_item_get_child (item)),
                                 gtk_list_item_get_item (item));
}

/* A list item the list no longer needs: its row is kept like any other. */
static void
on_teardown (CfaiMessageRowPool *self,
             GtkListItem        *item)
{
  GtkWidget *slot = gtk_list_item_get_child (item);

  if (slot != NULL)
    cfai_message_slot_set_message (CFAI_MESSAGE_SLOT (slot), NULL);
}

/* Each round lays out once more, and a code block's text view asks to
 * be laid out again once it is first allocated. */
static void
count_round (CfaiMessageRowPool *self,
             GdkFrameClock      *clock)
{
  gint64 frame = gdk_frame_clock_get_frame_counter (clock);

  if (frame != self->round_frame)
    {
      self->round_frame = frame;
      self->rounds = 0;
    }
  self->rounds++;
}

/* After a layout pass: the slots found near in it get their rows. */
static void
on_clock_layout (CfaiMessageRowPool *self,
                 GdkFrameClock      *clock)
{
  g_autoptr(GPtrArray) waiting = NULL;

  if (self->waiting->len == 0)
    return;
  count_round (self, clock);
  waiting = g_steal_pointer (&self->waiting);
  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiting->len; i++)
    cfai_message_slot_take_row (g_ptr_array_index (waiting, i), -1);
}

static void
stop_watching_clock (CfaiMessageRowPool *self)
{
  /* The handler is gone already when the clock went first. */
  if (self->layout_handler != 0 && g_signal_handler_is_connected (self->clock, self->layout_handler))
    g_signal_handler_disconnect (self->clock, self->layout_handler);
  self->layout_handler = 0;
  g_clear_object (&self->clock);
}

static void
cfai_message_row_pool_dispose (GObject *object)
{
  CfaiMessageRowPool *self = CFAI_MESSAGE_ROW_POOL (object);

  if (self->by_message != NULL)
    g_hash_table_remove_all (self->by_message);
  g_queue_clear_full (&self->kept, g_object_unref);
  g_clear_object (&self->factory);
  stop_watching_clock (self);
  if (self->waiting != NULL)
    g_ptr_array_set_size (self->waiting, 0);
  if (self->ahead_tick != 0)
    gtk_widget_remove_tick_callback (self->ahead_widget, self->ahead_tick);
  if (self->urgent != NULL)
    g_ptr_array_set_size (self->urgent, 0);
  if (self->later != NULL)
    g_ptr_array_set_size (self->later, 0);

  G_OBJECT_CLASS (cfai_message_row_pool_parent_class)->dispose (object);
}

static void
cfai_message_row_pool_finalize (GObject *object)
{
  CfaiMessageRowPool *self = CFAI_MESSAGE_ROW_POOL (object);

  g_clear_pointer (&self->by_message, g_hash_table_unref);
  g_clear_pointer (&self->waiting, g_ptr_array_unref);
  g_clear_pointer (&self->urgent, g_ptr_array_unref);
  g_clear_pointer (&self->later, g_ptr_array_unref);

  G_OBJECT_CLASS (cfai_message_row_pool_parent_class)->finalize (object);
}

static void
cfai_message_row_pool_class_init (CfaiMessageRowPoolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cfai_message_row_pool_dispose;
  object_class->finalize = cfai_message_row_pool_finalize;
}

static void
cfai_message_row_pool_init (CfaiMessageRowPool *self)
{
  g_queue_init (&self->kept);
  self->by_message = g_hash_table_new (NULL, NULL);
  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  self->urgent = g_ptr_array_new_with_free_func (g_object_unref);
  self->later = g_ptr_array_new_with_free_func (g_object_unref);
  self->round_frame = -1;
  self->factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (self->factory, "setup", G_CALLBACK (on_setup), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->factory, "bind", G_CALLBACK (on_bind), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->factory, "teardown", G_CALLBACK (on_teardown), self, G_CONNECT_SWAPPED);
}

/**
 * cfai_message_row_pool_new:
 * @capacity: how many rows let go of are kept for their messages
 */
CfaiMessageRowPool *
cfai_message_row_pool_new (guint capacity)
{
  CfaiMessageRowPool *self = g_object_new (CFAI_TYPE_MESSAGE_ROW_POOL, NULL);

  self->capacity = MAX (capacity, 1);
  return self;
}

/**
 * cfai_message_row_pool_get_factory:
 *
 * Returns: (transfer none): the factory for the list's rows
 */
GtkListItemFactory *
cfai_message_row_pool_get_factory (CfaiMessageRowPool *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE_ROW_POOL (self), NULL);

  return self->factory;
}

/**
 * cfai_message_row_pool_take:
 * @message: the message a slot near what is shown needs a row for
 *
 * Returns: (transfer full): the row kept for @message, or a spare given it
 */
CfaiMessageRow *
cfai_message_row_pool_take (CfaiMessageRowPool *self,
                            CfaiMessage        *message)
{
  CfaiMessageRow *row;

  g_return_val_if_fail (CFAI_IS_MESSAGE_ROW_POOL (self), NULL);
  g_return_val_if_fail (CFAI_IS_MESSAGE (message), NULL);

  row = take_kept (self, message);
  if (row == NULL)
    {
      row = take_spare (self);
      cfai_message_row_set_message (row, message);
    }
  return row;
}

/**
 * cfai_message_row_pool_take_kept:
 * @message: the message a slot near what is shown needs a row for
 *
 * Returns: (transfer full) (nullable): the row kept for @message, if any
 */
CfaiMessageRow *
cfai_message_row_pool_take_kept (CfaiMessageRowPool *self,
                                 CfaiMessage        *message)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE_ROW_POOL (self), NULL);
  g_return_val_if_fail (CFAI_IS_MESSAGE (message), NULL);

  return take_kept (self, message);
}

/**
 * cfai_message_row_pool_keep:
 * @row: (transfer full): a row a slot let go of, out of any parent
 *
 * Keeps @row for the message it shows.
 */
void
cfai_message_row_pool_keep (CfaiMessageRowPool *self,
                            CfaiMessageRow     *row)
{
  g_return_if_fail (CFAI_IS_MESSAGE_ROW_POOL (self));
  g_return_if_fail (CFAI_IS_MESSAGE_ROW (row));
  g_return_if_fail (gtk_widget_get_parent (GTK_WIDGET (row)) == NULL);

  keep_row (self, row);
}

/**
 * cfai_message_row_pool_want_row:
 * @slot: a slot found near what is shown, without a row
 * @clock: the frame clock laying it out
 *
 * Puts a row in @slot once the layout pass is over.
 *
 * Returns: %FALSE when this frame has laid out for rows enough: then
 *   the slot asks again in the next frame
 */
gboolean
cfai_message_row_pool_want_row (CfaiMessageRowPool *self,
                                CfaiMessageSlot    *slot,
                                GdkFrameClock      *clock)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE_ROW_POOL (self), FALSE);
  g_return_val_if_fail (CFAI_IS_MESSAGE_SLOT (slot), FALSE);
  g_return_val_if_fail (GDK_IS_FRAME_CLOCK (clock), FALSE);

  if (gdk_frame_clock_get_frame_counter (clock) == self->round_frame && self->rounds >= MAX_ROUNDS_A_FRAME)
    return FALSE;
  if (clock != self->clock)
    {
      stop_watching_clock (self);
      self->clock = g_object_ref (clock);
      /* Connected once: a handler connected while "layout" is emitted
       * runs only after the next pass, a round's worth of passes. */
      self->layout_handler = g_signal_connect_object (clock, "layout", G_CALLBACK (on_clock_layout), self,
                                                      G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      count_round (self, clock);
    }
  if (!g_ptr_array_find (self->waiting, slot, NULL))
    g_ptr_array_add (self->waiting, g_object_ref (slot));
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_LAYOUT);
  return TRUE;
}

/* Adds the slots of the items from @item on (forward, or backward)
 * that have no row to @urgent while the items passed are less than
 * @page pixels tall, then to @later, until they are @reach tall. */
static void
look_from (GtkWidget *item,
           gboolean   forward,
           int        width,
           int        page,
           int        reach,
           GPtrArray *urgent,
           GPtrArray *later)
{
  int passed = 0;

  for (; item != NULL && passed < reach;
       item = forward ? gtk_widget_get_next_sibling (item) : gtk_widget_get_prev_sibling (item))
    {
      GtkWidget *slot = gtk_widget_get_first_child (item);
      int minimum, natural;

      if (!CFAI_IS_MESSAGE_SLOT (slot))
        continue;
      if (cfai_message_slot_needs_row (CFAI_MESSAGE_SLOT (slot)))
        g_ptr_array_add (passed < page ? urgent : later, g_object_ref (slot));
      gtk_widget_measure (item, GTK_ORIENTATION_VERTICAL, width, &minimum, &natural, NULL, NULL);
      passed += natural;
    }
}

static gboolean
ahead_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  CfaiMessageRowPool *self = user_data;
  gint64 deadline = g_get_monotonic_time () + AHEAD_BUDGET_US;

  for (guint i = 0; i < self->urgent->len; i++)
    cfai_message_slot_take_row (g_ptr_array_index (self->urgent, i), -1);
  /* The others get what is left of the budget, nearest first, and a
   * long answer may be made over several frames. */
  for (guint i = 0; i < self->later->len && g_get_monotonic_time () < deadline; i++)
    cfai_message_slot_take_row (g_ptr_array_index (self->later, i), deadline);
  g_ptr_array_set_size (self->urgent, 0);
  g_ptr_array_set_size (self->later, 0);
  return G_SOURCE_REMOVE;
}

/* Also when the list goes away first, which takes its tick callbacks. */
static void
ahead_tick_done (gpointer data)
{
  CfaiMessageRowPool *self = data;

  self->ahead_tick = 0;
  self->ahead_widget = NULL;
}

/**
 * cfai_message_row_pool_look_ahead:
 * @list: the chat's list, just allocated
 * @page: the height of what it shows
 *
 * GtkListView allocates and maps only the items in view (GTK 4.18
 * hides the others), so a slot learns that it is shown in the frame
 * that shows it, and would make its row in that frame's layout: a
 * whole row's widgets, styles and text on top of drawing the frame,
 * and the CSS of widgets made in a layout pass is matched again and
 * again as the pass measures them (callgrind: 40% fewer style lookups
 * for more rows made this way).
 *
 * So from the items in view this goes through the items the list has
 * bound above and below, by their heights, for AHEAD_PAGES pages, and
 * has the slots there make their rows in the next frame's update
 * phase, where the window styles them once and the list measures them
 * while they are hidden: scrolling then finds them made.  Those within
 * a page always do; the others only while that frame has spent less
 * than AHEAD_BUDGET_US on rows, and a long answer's widgets are made
 * over as many frames as that takes (the next frame looks again).
 * Scrolling a page a frame, a 16 KB answer made in one frame had it
 * take 40 to 55 ms; spread, 3 frames of 1,767 took over 32 ms
 * (bench-chat; 4 pages and 5 ms did best of the pairs tried).
 */
void
cfai_message_row_pool_look_ahead (CfaiMessageRowPool *self,
                                  GtkWidget          *list,
                                  int                 page)
{
  GtkWidget *first = NULL, *last = NULL;
  int width = gtk_widget_get_width (list);

  g_return_if_fail (CFAI_IS_MESSAGE_ROW_POOL (self));
  g_return_if_fail (GTK_IS_WIDGET (list));

  for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    if (gtk_widget_get_mapped (item))
      {
        if (first == NULL)
          first = item;
        last = item;
      }
  g_ptr_array_set_size (self->urgent, 0);
  g_ptr_array_set_size (self->later, 0);
  if (first == NULL || width <= 0 || page <= 0)
    return;
  look_from (gtk_widget_get_prev_sibling (first), FALSE, width, page, AHEAD_PAGES * page, self->urgent, self->later);
  look_from (gtk_widget_get_next_sibling (last), TRUE, width, page, AHEAD_PAGES * page, self->urgent, self->later);
  if ((self->urgent->len > 0 || self->later->len > 0) && self->ahead_tick == 0)
    {
      self->ahead_widget = list;
      self->ahead_tick = gtk_widget_add_tick_callback (list, ahead_tick_cb, self, ahead_tick_done);
    }
}

/**
 * cfai_message_row_pool_forget_slot:
 * @slot: a slot that no longer waits for a row (unmapped, or going away)
 */
void
cfai_message_row_pool_forget_slot (CfaiMessageRowPool *self,
                                   CfaiMessageSlot    *slot)
{
  g_return_if_fail (CFAI_IS_MESSAGE_ROW_POOL (self));

  if (self->waiting != NULL)
    g_ptr_array_remove (self->waiting, slot);
}
