/* cfai-message-row-pool.c — message rows kept for the messages they showed
 *
 * GtkListView keeps about 200 rows bound around an anchor it picks from
 * the scroll position, and with rows taller than the window (long
 * answers) that window swings from mostly above what is shown to mostly
 * below it and back as the user scrolls: a hundred rows given other
 * messages in one frame, and the rows near the view, whose widgets were
 * just made, made again a frame later.  So when the list gives one of
 * its items another message, the item's row is not given that message:
 * the pool keeps the row, with its widgets and their layouts, for the
 * message it showed, and the item gets the row kept for its new message,
 * or a spare.  Only the rows kept longest, beyond the pool's capacity,
 * become spares for other messages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-message-row.h"
#include "cfai-message-row-pool.h"

struct _CfaiMessageRowPool
{
  GObject             parent_instance;

  GtkListItemFactory *factory;
  GQueue              kept;       /* CfaiMessageRow, most recently let go first */
  GHashTable         *by_message; /* CfaiMessage → its GList link in kept */
  guint               capacity;
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
  gtk_list_item_set_child (item, g_object_new (CFAI_TYPE_MESSAGE_ROW, NULL));
}

/* A list item always has a row, so the list never lays out an empty
 * item: given another message, it swaps its row for the one kept for
 * that message, or a spare, and the pool keeps the row it had. */
static void
on_bind (CfaiMessageRowPool *self,
         GtkListItem        *item)
{
  CfaiMessage *message = gtk_list_item_get_item (item);
  CfaiMessageRow *current = CFAI_MESSAGE_ROW (gtk_list_item_get_child (item));
  CfaiMessageRow *row;

  if (cfai_message_row_get_message (current) == message)
    return;
  if (cfai_message_row_get_message (current) == NULL)
    {
      cfai_message_row_set_message (current, message);
      return;
    }

  row = take_kept (self, message);
  if (row == NULL)
    {
      row = take_spare (self);
      cfai_message_row_set_message (row, message);
    }
  g_object_ref (current);
  gtk_list_item_set_child (item, GTK_WIDGET (row));
  g_object_unref (row);
  keep_row (self, current);
}

/* A list item the list no longer needs: its row is kept like any other. */
static void
on_teardown (CfaiMessageRowPool *self,
             GtkListItem        *item)
{
  GtkWidget *row = gtk_list_item_get_child (item);

  if (row == NULL)
    return;
  g_object_ref (row);
  gtk_list_item_set_child (item, NULL);
  keep_row (self, CFAI_MESSAGE_ROW (row));
}

static void
cfai_message_row_pool_dispose (GObject *object)
{
  CfaiMessageRowPool *self = CFAI_MESSAGE_ROW_POOL (object);

  if (self->by_message != NULL)
    g_hash_table_remove_all (self->by_message);
  g_queue_clear_full (&self->kept, g_object_unref);
  g_clear_object (&self->factory);

  G_OBJECT_CLASS (cfai_message_row_pool_parent_class)->dispose (object);
}

static void
cfai_message_row_pool_finalize (GObject *object)
{
  CfaiMessageRowPool *self = CFAI_MESSAGE_ROW_POOL (object);

  g_clear_pointer (&self->by_message, g_hash_table_unref);

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
