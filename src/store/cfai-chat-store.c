/* cfai-chat-store.c
 *
 * The application owns one store; pages and the sidebar hold its objects.
 * Changes are never written where they happen: an object that changes
 * tells the store, which remembers it as dirty and saves all dirty objects
 * together, in one transaction on the worker thread — at once (on idle)
 * for discrete changes, within CFAI_CHAT_STORE_STREAM_SAVE_INTERVAL for
 * streamed text and drafts.  Only one save is on its way at a time; what
 * changes meanwhile goes in the next one, so the latest text always wins
 * and a slow disk costs one save, not a queue of them.
 *
 * A failed save loses nothing: the objects stay dirty (their text is in
 * memory), the store reports the error once with what to do, and the next
 * change or flush tries again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"


#include "cfai-chat-store.h"
#include "cfai-store-private.h"
#include "cfai-store-worker.h"

struct _CfaiChatStore
{
  GObject          parent_instance;

  char            *path;
  CfaiStoreWorker *worker;

  GListStore      *conversations;     /* live ones, sorted */
  GHashTable      *by_id;             /* gint64 → CfaiConversation, also soft-deleted */

  GHashTable      *dirty;             /* GObject set: conversations and messages */
  GArray          *deleted_messages;  /* gint64, not yet written */
  GArray          *purged_conversations;
  GArray          *in_flight;         /* Saved, for the save on its way */
  GPtrArray       *flush_waiters;     /* GTask */
  guint            flush_source;

  gint64           next_conversation_id;
  gint64           next_message_id;
  guint            n_interrupted;

  GError          *error;             /* the last failed save, or the failed load */

  guint            loaded : 1;
  guint            loading : 1;
  guint            memory_only : 1;   /* the file could not be read: never write to it */
  guint            flush_source_urgent : 1;
  guint            flush_in_flight : 1;
  guint            flush_wanted : 1;
  guint            flush_wanted_urgent : 1;
};

typedef struct
{
  GObject *object;
  guint64  generation;
  guint    n_attachments;
} Saved;

G_DEFINE_FINAL_TYPE (CfaiChatStore, cfai_chat_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_LOADED,
  N_PROPS
};

enum {
  SAVE_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void cfai_chat_store_schedule_flush (CfaiChatStore *self,
                                            gboolean       urgent);

/* Worker jobs are GTasks without a source object: see
 * cfai_store_worker_push_task(). */

static int
compare_conversations (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  CfaiConversation *ca = (CfaiConversation *) a;
  CfaiConversation *cb = (CfaiConversation *) b;
  gint64 ua, ub;

  if (cfai_conversation_get_pinned (ca) != cfai_conversation_get_pinned (cb))
    return cfai_conversation_get_pinned (ca) ? -1 : 1;
  ua = cfai_conversation_get_updated_at (ca);
  ub = cfai_conversation_get_updated_at (cb);
  if (ua != ub)
    return ua > ub ? -1 : 1;
  return cfai_conversation_get_id (ca) > cfai_conversation_get_id (cb) ? -1 : 1;
}

char *
cfai_chat_store_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "cfai", "history.sqlite", NULL);
}

/**
 * cfai_chat_store_new:
 * @path: the database file (made with its folder when missing)
 *
 * Starts the worker thread, which opens the file.  Nothing is listed until
 * cfai_chat_store_load_async() completes.
 */
CfaiChatStore *
cfai_chat_store_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (CFAI_TYPE_CHAT_STORE, "path", path, NULL);
}

const char *
cfai_chat_store_get_path (CfaiChatStore *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STORE (self), NULL);
  return self->path;
}

typedef struct
{
  GPtrArray *rows;
  gint64     max_conversation_id;
  gint64     max_message_id;
  guint      n_interrupted;
} LoadResult;

static void
load_result_free (LoadResult *result)
{
  g_clear_pointer (&result->rows, g_ptr_array_unref);
  g_free (result);
}

static void
load_in_worker (GTask        *task,
                CfaiDatabase *db)
{
  g_autoptr(GError) error = NULL;
  LoadResult *result = g_new0 (LoadResult, 1);

  if (!cfai_store_sql_recover (db, &result->n_interrupted, &error) ||
      !(result->rows = cfai_store_sql_load_conversations (db, &result->max_conversation_id,
                                                          &result->max_message_id, &error)))
    {
      load_result_free (result);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, result, (GDestroyNotify) load_result_free);
}

static void
load_cb (GObject      *object,
         GAsyncResult *res,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CfaiChatStore *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  LoadResult *result;

  self->loading = FALSE;
  self->loaded = TRUE;

  result = g_task_propagate_pointer (G_TASK (res), &error);
  if (result == NULL)
    {
      /* Keep what the user does in memory, but never write into a file we
       * could not read: it may be another version's, or worth rescuing. */
      self->memory_only = TRUE;
      g_clear_error (&self->error);
      self->error = g_error_copy (error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->next_conversation_id = result->max_conversation_id + 1;
  self->next_message_id = result->max_message_id + 1;
  self->n_interrupted = result->n_interrupted;

  if (result->rows->len > 0)
    {
      g_autoptr(GPtrArray) conversations = g_ptr_array_new_full (result->rows->len, g_object_unref);

      for (guint i = 0; i < result->rows->len; i++)
        {
          CfaiConversation *conversation =
            cfai_conversation_new_from_row (self, g_ptr_array_index (result->rows, i));
          gint64 id = cfai_conversation_get_id (conversation);

          g_hash_table_insert (self->by_id, g_memdup2 (&id, sizeof id), g_object_ref (conversation));
          g_ptr_array_add (conversations, conversation);
        }
      /* Already in order: the query sorts as compare_conversations() does. */
      g_list_store_splice (self->conversations, 0, 0, conversations->pdata, conversations->len);
    }
  load_result_free (result);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
  g_task_return_boolean (task, TRUE);
}

/**
 * cfai_chat_store_load_async:
 *
 * Opens the file (upgrading its schema), marks answers a crash left
 * streaming as interrupted, removes conversations deleted last time
 * without an undo, and lists the conversations.  On failure the error says
 * what to do; the store then works in memory and writes nothing.
 */
void
cfai_chat_store_load_async (CfaiChatStore       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (CFAI_IS_CHAT_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->loaded && !self->loading);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_chat_store_load_async);

  self->loading = TRUE;
  /* Not cancellable once started: the store must end up loaded either way. */
  inner = g_task_new (NULL, NULL, load_cb, g_steal_pointer (&task));
  g_task_set_source_tag (inner, load_in_worker);
  cfai_store_worker_push_task (self->worker, inner, load_in_worker);
}

gboolean
cfai_chat_store_load_finish (CfaiChatStore  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_chat_store_load_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
cfai_chat_store_get_loaded (CfaiChatStore *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STORE (self), FALSE);
  return self->loaded;
}

/* Returns: how many answers were found cut by a crash at load */
guint
cfai_chat_store_get_n_interrupted (CfaiChatStore *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STORE (self), 0);
  return self->n_interrupted;
}

/* Returns: (transfer none): a GListModel of CfaiConversation, pinned first,
 * then the most recently active first */
GListModel *
cfai_chat_store_get_conversations (CfaiChatStore *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STORE (self), NULL);
  return G_LIST_MODEL (self->conversations);
}

/* Returns: (transfer none) (nullable): also a deleted one, until purged */
CfaiConversation *
cfai_chat_store_lookup_conversation (CfaiChatStore *self,
                                     gint64         id)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STORE (self), NULL);
  return g_hash_table_lookup (self->by_id, &id);
}

/**
 * cfai_chat_store_create_conversation:
 * @defaults: what it starts with
 *
 * Returns: (transfer none): a new, empty and loaded conversation, first in
 *   the list after the pinned ones
 */
CfaiConversation *
cfai_chat_store_create_conversation (CfaiChatStore                  *self,
                                     const CfaiConversationDefaults *defaults)
{
  g_autoptr(CfaiConversationRow) row = NULL;
  g_autoptr(CfaiConversation) conversation = NULL;

  g_return_val_if_fail (CFAI_IS_CHAT_STORE (self), NULL);
  g_return_val_if_fail (defaults != NULL, NULL);
  g_return_val_if_fail (defaults->model != NULL && defaults->model[0] != '\0', NULL);
  g_return_val_if_fail (defaults->max_tokens > 0, NULL);
  g_return_val_if_fail (self->loaded, NULL);

  row = g_new0 (CfaiConversationRow, 1);
  row->id = self->next_conversation_id++;
  row->title = g_strdup ("");
  row->model = g_strdup (defaults->model);
  if (defaults->system_prompt != NULL && defaults->system_prompt[0] != '\0')
    row->system_prompt = g_strdup (defaults->system_prompt);
  row->max_tokens = defaults->max_tokens;
  row->temperature = defaults->temperature >= 0 ? defaults->temperature : CFAI_UNSET;
  row->top_p = defaults->top_p >= 0 ? defaults->top_p : CFAI_UNSET;
  row->seed = defaults->seed >= 0 ? defaults->seed : CFAI_UNSET;
  if (defaults->reasoning_effort != NULL && defaults->reasoning_effort[0] != '\0')
    row->reasoning_effort = g_strdup (defaults->reasoning_effort);
  if (defaults->lora != NULL && defaults->lora[0] != '\0')
    row->lora = g_strdup (defaults->lora);
  /* Opaque and unguessable: it only has to be stable and ours. */
  row->session_key = g_uuid_string_random ();
  row->created_at = row->updated_at = g_get_real_time ();

  conversation = cfai_conversation_new_from_row (self, row);
  cfai_conversation_mark_new (conversation);
  g_hash_table_insert (self->by_id, g_memdup2 (&row->id, sizeof row->id),
                       g_object_ref (conversation));
  g_list_store_insert_sorted (self->conversations, conversation, compare_conversations, NULL);
  cfai_chat_store_changed (self, G_OBJECT (conversation), TRUE);

  return conversation;
}

/**
 * cfai_chat_store_delete_conversation:
 *
 * Takes the conversation out of the list and marks it deleted in the file,
 * where it stays until cfai_chat_store_purge_conversation() (when the undo
 * toast goes) or the next start.  cfai_chat_store_undo_delete_conversation()
 * brings it back as it was.
 */
void
cfai_chat_store_delete_conversation (CfaiChatStore    *self,
                                     CfaiConversation *conversation)
{
  guint position;

  g_return_if_fail (CFAI_IS_CHAT_STORE (self));
  g_return_if_fail (CFAI_IS_CONVERSATION (conversation));
  g_return_if_fail (cfai_conversation_get_store (conversation) == self);

  if (!g_list_store_find (self->conversations, conversation, &position))
    return;

  g_list_store_remove (self->conversations, position);
  cfai_conversation_set_deleted_at (conversation, g_get_real_time ());
}

void
cfai_chat_store_undo_delete_conversation (CfaiChatStore    *self,
                                          CfaiConversation *conversation)
{
  g_return_if_fail (CFAI_IS_CHAT_STORE (self));
  g_return_if_fail (CFAI_IS_CONVERSATION (conversation));

  if (cfai_conversation_get_store (conversation) != self ||
      cfai_conversation_get_deleted_at (conversation) == 0)
    return;

  cfai_conversation_set_deleted_at (conversation, 0);
  g_list_store_insert_sorted (self->conversations, conversation, compare_conversations, NULL);
}

static gboolean
is_message_of (gpointer key,
               gpointer value,
               gpointer user_data)
{
  gint64 id = *(gint64 *) user_data;

  return CFAI_IS_MESSAGE (key) && cfai_message_get_conversation_id (key) == id;
}

/* Deletes a conversation for good, with its messages, drafts and images
 * (the usage log keeps what they cost).  Deletes a live one too. */
void
cfai_chat_store_purge_conversation (CfaiChatStore    *self,
                                    CfaiConversation *conversation)
{
  g_autoptr(CfaiConversation) hold = NULL;
  gint64 id;
  guint position;

  g_return_if_fail (CFAI_IS_CHAT_STORE (self));
  g_return_if_fail (CFAI_IS_CONVERSATION (conversation));

  if (cfai_conversation_get_store (conversation) != self)
    return;

  hold = g_object_ref (conversation);
  id = cfai_conversation_get_id (conversation);
  if (g_list_store_find (self->conversations, conversation, &position))
    g_list_store_remove (self->conversations, position);
  g_hash_table_remove (self->dirty, conversation);
  g_hash_table_foreach_remove (self->dirty, is_message_of, &id);
  g_hash_table_remove (self->by_id, &id);
  cfai_conversation_detach (conversation);

  g_array_append_val (self->purged_conversations, id);
  cfai_chat_store_schedule_flush (self, TRUE);
}

/* Saving */

static void
complete_flush_waiters (CfaiChatStore *self,
                        const GError  *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->flush_waiters);

  self->flush_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static gboolean
cfai_chat_store_has_pending (CfaiChatStore *self)
{
  return g_hash_table_size (self->dirty) > 0 || self->deleted_messages->len > 0 ||
         self->purged_conversations->len > 0;
}

static int
compare_message_rows (gconstpointer a,
                      gconstpointer b)
{
  const CfaiMessageRow *ra = *(const CfaiMessageRow * const *) a;
  const CfaiMessageRow *rb = *(const CfaiMessageRow * const *) b;

  return ra->id < rb->id ? -1 : ra->id > rb->id;
}

/* The snapshot of everything dirty, taken on the main thread. */
static CfaiStoreWrite *
cfai_chat_store_take_write (CfaiChatStore *self,
                            GArray        *saved)
{
  CfaiStoreWrite *write = cfai_store_write_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->dirty);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      Saved entry = { key, 0, 0 };

      if (CFAI_IS_CONVERSATION (key))
        {
          entry.generation = cfai_conversation_get_generation (key);
          g_ptr_array_add (write->conversations, cfai_conversation_snapshot (key));
        }
      else
        {
          CfaiMessageRow *row = cfai_message_snapshot (key);

          entry.generation = cfai_message_get_generation (key);
          entry.n_attachments = cfai_message_get_n_attachments (key);
          g_ptr_array_add (write->messages, row);
        }
      if (saved != NULL)
        g_array_append_val (saved, entry);
    }
  /* Parents before children, for the foreign key. */
  g_ptr_array_sort (write->messages, compare_message_rows);

  g_array_append_vals (write->deleted_messages, self->deleted_messages->data,
                       self->deleted_messages->len);
  g_array_append_vals (write->purged_conversations, self->purged_conversations->data,
                       self->purged_conversations->len);
  g_array_set_size (self->deleted_messages, 0);
  g_array_set_size (self->purged_conversations, 0);

  return write;
}

static void
write_in_worker (GTask        *task,
                 CfaiDatabase *db)
{
  g_autoptr(GError) error = NULL;

  if (cfai_store_sql_write (db, g_task_get_task_data (task), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
flush_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CfaiChatStore) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean wanted = self->flush_wanted;
  gboolean wanted_urgent = self->flush_wanted_urgent;

  self->flush_in_flight = FALSE;
  self->flush_wanted = FALSE;
  self->flush_wanted_urgent = FALSE;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      for (guint i = 0; i < self->in_flight->len; i++)
        {
          Saved *entry = &g_array_index (self->in_flight, Saved, i);

          if (CFAI_IS_CONVERSATION (entry->object))
            {
              cfai_conversation_mark_saved (CFAI_CONVERSATION (entry->object), entry->generation);
              if (!cfai_conversation_is_dirty (CFAI_CONVERSATION (entry->object)))
                g_hash_table_remove (self->dirty, entry->object);
            }
          else
            {
              cfai_message_mark_saved (CFAI_MESSAGE (entry->object), entry->generation,
                                       entry->n_attachments);
              if (!cfai_message_is_dirty (CFAI_MESSAGE (entry->object)))
                g_hash_table_remove (self->dirty, entry->object);
            }
          g_object_unref (entry->object);
        }
      g_array_set_size (self->in_flight, 0);
      g_clear_error (&self->error);

      if (cfai_chat_store_has_pending (self))
        cfai_chat_store_schedule_flush (self, wanted_urgent || self->flush_waiters->len > 0);
      else
        complete_flush_waiters (self, NULL);
      return;
    }

  /* Everything stays dirty; deletions go back in the queue. */
  {
    CfaiStoreWrite *write = g_task_get_task_data (G_TASK (result));
    gboolean new_error = self->error == NULL || self->error->domain != error->domain ||
                         self->error->code != error->code;

    g_array_prepend_vals (self->deleted_messages, write->deleted_messages->data,
                          write->deleted_messages->len);
    g_array_prepend_vals (self->purged_conversations, write->purged_conversations->data,
                          write->purged_conversations->len);
    for (guint i = 0; i < self->in_flight->len; i++)
      g_object_unref (g_array_index (self->in_flight, Saved, i).object);
    g_array_set_size (self->in_flight, 0);

    g_clear_error (&self->error);
    self->error = g_error_copy (error);
    complete_flush_waiters (self, error);

    /* Once per kind of failure, not once a second while an answer streams. */
    if (new_error)
      g_signal_emit (self, signals[SAVE_FAILED], 0, error);

    /* Try again with the next change, but not in a tight loop. */
    if (wanted)
      cfai_chat_store_schedule_flush (self, FALSE);
  }
}

static void
cfai_chat_store_start_flush (CfaiChatStore *self)
{
  g_autoptr(GTask) task = NULL;
  CfaiStoreWrite *write;

  g_assert (!self->flush_in_flight);

  write = cfai_chat_store_take_write (self, self->in_flight);
  for (guint i = 0; i < self->in_flight->len; i++)
    g_object_ref (g_array_index (self->in_flight, Saved, i).object);

  if (cfai_store_write_is_empty (write))
    {
      for (guint i = 0; i < self->in_flight->len; i++)
        g_object_unref (g_array_index (self->in_flight, Saved, i).object);
      g_array_set_size (self->in_flight, 0);
      cfai_store_write_free (write);
      complete_flush_waiters (self, NULL);
      return;
    }

  self->flush_in_flight = TRUE;
  task = g_task_new (NULL, NULL, flush_cb, g_object_ref (self));
  g_task_set_source_tag (task, cfai_chat_store_start_flush);
  g_task_set_task_data (task, write, (GDestroyNotify) cfai_store_write_free);
  cfai_store_worker_push_task (self->worker, task, write_in_worker);
}

static gboolean
flush_source_cb (gpointer user_data)
{
  CfaiChatStore *self = user_data;

  self->flush_source = 0;
  cfai_chat_store_start_flush (self);

  return G_SOURCE_REMOVE;
}

static void
cfai_chat_store_schedule_flush (CfaiChatStore *self,
                                gboolean       urgent)
{
  /* Until the list is read, ids are not known: the load's callback comes
   * first, and a file we could not read is never written. */
  if (!self->loaded || self->memory_only)
    return;

  if (self->flush_in_flight)
    {
      self->flush_wanted = TRUE;
      self->flush_wanted_urgent |= urgent;
      return;
    }

  if (self->flush_source != 0)
    {
      if (!urgent || self->flush_source_urgent)
        return;
      g_clear_handle_id (&self->flush_source, g_source_remove);
    }

  self->flush_source_urgent = urgent;
  if (urgent)
    self->flush_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, flush_source_cb, self, NULL);
  else
    self->flush_source = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE,
                                             CFAI_CHAT_STORE_STREAM_SAVE_INTERVAL,
                                             flush_source_cb, self, NULL);
}

void
cfai_chat_store_changed (CfaiChatStore *self,
                         GObject       *object,
                         gboolean       urgent)
{
  g_hash_table_add (self->dirty, g_object_ref (object));
  cfai_chat_store_schedule_flush (self, urgent);
}

void
cfai_chat_store_message_deleted (CfaiChatStore *self,
                                 CfaiMessage   *message)
{
  gint64 id = cfai_message_get_id (message);

  g_hash_table_remove (self->dirty, message);
  g_array_append_val (self->deleted_messages, id);
  cfai_chat_store_schedule_flush (self, TRUE);
}

gint64
cfai_chat_store_next_message_id (CfaiChatStore *self)
{
  return self->next_message_id++;
}

/* Pinning or new activity may move a conversation in the sorted list. */
void
cfai_chat_store_conversation_moved (CfaiChatStore    *self,
                                    CfaiConversation *conversation)
{
  GListModel *model = G_LIST_MODEL (self->conversations);
  guint position;
  guint n = g_list_model_get_n_items (model);
  gboolean in_order = TRUE;

  if (!g_list_store_find (self->conversations, conversation, &position))
    return;

  if (position > 0)
    {
      g_autoptr(CfaiConversation) before = g_list_model_get_item (model, position - 1);
      in_order &= compare_conversations (before, conversation, NULL) < 0;
    }
  if (position + 1 < n)
    {
      g_autoptr(CfaiConversation) after = g_list_model_get_item (model, position + 1);
      in_order &= compare_conversations (conversation, after, NULL) < 0;
    }
  if (in_order)
    return;

  g_object_ref (conversation);
  g_list_store_remove (self->conversations, position);
  g_list_store_insert_sorted (self->conversations, conversation, compare_conversations, NULL);
  g_object_unref (conversation);
}

/**
 * cfai_chat_store_flush_async:
 *
 * Saves every change made so far and completes when it is on disk, or
 * with the error that kept it from there (the changes stay in memory).
 */
void
cfai_chat_store_flush_async (CfaiChatStore       *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CFAI_IS_CHAT_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_chat_store_flush_async);

  if (self->memory_only)
    {
      g_task_return_error (task, g_error_copy (self->error));
      return;
    }
  if (!self->flush_in_flight && !cfai_chat_store_has_pending (self))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_ptr_array_add (self->flush_waiters, g_steal_pointer (&task));
  cfai_chat_store_schedule_flush (self, TRUE);
}

gboolean
cfai_chat_store_flush_finish (CfaiChatStore  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_chat_store_flush_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
cfai_chat_store_get_has_unsaved_changes (CfaiChatStore *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STORE (self), FALSE);
  return self->flush_in_flight || cfai_chat_store_has_pending (self);
}

/* Returns: (nullable): why the last save (or the load) failed; NULL once a
 * save succeeds */
const GError *
cfai_chat_store_get_error (CfaiChatStore *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STORE (self), NULL);
  return self->error;
}

/* Reading a conversation's messages */

typedef struct
{
  gint64 conversation_id;
  gint64 before_id;
  int    limit;
} LoadMessages;

static void
load_messages_in_worker (GTask        *task,
                         CfaiDatabase *db)
{
  LoadMessages *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GPtrArray *messages;

  messages = cfai_store_sql_load_messages (db, request->conversation_id, request->before_id,
                                           request->limit, &error);
  if (messages == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, messages, (GDestroyNotify) g_ptr_array_unref);
}

void
cfai_chat_store_load_messages (CfaiChatStore       *self,
                               CfaiConversation    *conversation,
                               gint64               before_id,
                               int                  limit,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadMessages *request = g_new0 (LoadMessages, 1);

  request->conversation_id = cfai_conversation_get_id (conversation);
  request->before_id = before_id;
  request->limit = limit;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_chat_store_load_messages);
  g_task_set_task_data (task, request, g_free);
  cfai_store_worker_push_task (self->worker, task, load_messages_in_worker);
}

GPtrArray *
cfai_chat_store_load_messages_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The image store shares the worker, and with it the connection. */
CfaiStoreWorker *
cfai_chat_store_get_worker (CfaiChatStore *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STORE (self), NULL);
  return self->worker;
}

/* Testing */

typedef struct
{
  const char *sql;
  GError     *error;
  GMutex      mutex;
  GCond       cond;
  gboolean    done;
} ExecForTesting;

static void
exec_for_testing_in_worker (CfaiDatabase *db,
                            const GError *open_error,
                            gpointer      data)
{
  ExecForTesting *exec = data;

  if (db == NULL)
    exec->error = g_error_copy (open_error);
  else
    cfai_database_exec (db, exec->sql, &exec->error);

  g_mutex_lock (&exec->mutex);
  exec->done = TRUE;
  g_cond_signal (&exec->cond);
  g_mutex_unlock (&exec->mutex);
}

gboolean
cfai_chat_store_exec_for_testing (CfaiChatStore  *self,
                                  const char     *sql,
                                  GError        **error)
{
  ExecForTesting exec = { sql, NULL };

  g_mutex_init (&exec.mutex);
  g_cond_init (&exec.cond);
  cfai_store_worker_push (self->worker, exec_for_testing_in_worker, &exec, NULL);
  g_mutex_lock (&exec.mutex);
  while (!exec.done)
    g_cond_wait (&exec.cond, &exec.mutex);
  g_mutex_unlock (&exec.mutex);
  g_mutex_clear (&exec.mutex);
  g_cond_clear (&exec.cond);

  if (exec.error != NULL)
    {
      g_propagate_error (error, exec.error);
      return FALSE;
    }
  return TRUE;
}

/* Shutdown */

static void
final_write_in_worker (CfaiDatabase *db,
                       const GError *open_error,
                       gpointer      data)
{
  g_autoptr(GError) error = NULL;

  if (db != NULL && !cfai_store_sql_write (db, data, &error))
    g_warning ("The last changes to the chat history were not saved: %s", error->message);
}

static void
cfai_chat_store_constructed (GObject *object)
{
  CfaiChatStore *self = CFAI_CHAT_STORE (object);

  G_OBJECT_CLASS (cfai_chat_store_parent_class)->constructed (object);

  self->worker = cfai_store_worker_new (self->path);
}

static void
cfai_chat_store_dispose (GObject *object)
{
  CfaiChatStore *self = CFAI_CHAT_STORE (object);
  GHashTableIter iter;
  gpointer value;

  g_clear_handle_id (&self->flush_source, g_source_remove);

  /* The last save is written before the thread ends: quitting in the
   * middle of an answer keeps what arrived. */
  if (self->worker != NULL && self->loaded && !self->memory_only &&
      cfai_chat_store_has_pending (self))
    cfai_store_worker_push (self->worker, final_write_in_worker,
                            cfai_chat_store_take_write (self, NULL),
                            (GDestroyNotify) cfai_store_write_free);
  g_clear_pointer (&self->worker, cfai_store_worker_unref);

  if (self->by_id != NULL)
    {
      g_hash_table_iter_init (&iter, self->by_id);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        cfai_conversation_detach (value);
    }
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->dirty, g_hash_table_unref);
  if (self->conversations != NULL)
    g_list_store_remove_all (self->conversations);

  G_OBJECT_CLASS (cfai_chat_store_parent_class)->dispose (object);
}

static void
cfai_chat_store_finalize (GObject *object)
{
  CfaiChatStore *self = CFAI_CHAT_STORE (object);

  g_clear_object (&self->conversations);
  g_clear_pointer (&self->deleted_messages, g_array_unref);
  g_clear_pointer (&self->purged_conversations, g_array_unref);
  g_clear_pointer (&self->in_flight, g_array_unref);
  g_clear_pointer (&self->flush_waiters, g_ptr_array_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (cfai_chat_store_parent_class)->finalize (object);
}

static void
cfai_chat_store_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CfaiChatStore *self = CFAI_CHAT_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH: g_value_set_string (value, self->path); break;
    case PROP_LOADED: g_value_set_boolean (value, self->loaded); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_chat_store_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CfaiChatStore *self = CFAI_CHAT_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH: self->path = g_value_dup_string (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_chat_store_class_init (CfaiChatStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = cfai_chat_store_constructed;
  object_class->dispose = cfai_chat_store_dispose;
  object_class->finalize = cfai_chat_store_finalize;
  object_class->get_property = cfai_chat_store_get_property;
  object_class->set_property = cfai_chat_store_set_property;

  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL,
                                               G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                               G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                  G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CfaiChatStore::save-failed:
   * @error: a CFAI_DATABASE_ERROR saying what to do
   *
   * A save failed; nothing is lost from memory.  Emitted once for each
   * new kind of failure, not for every retry.
   */
  signals[SAVE_FAILED] = g_signal_new ("save-failed", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
cfai_chat_store_init (CfaiChatStore *self)
{
  self->conversations = g_list_store_new (CFAI_TYPE_CONVERSATION);
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->dirty = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->deleted_messages = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->purged_conversations = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->in_flight = g_array_new (FALSE, FALSE, sizeof (Saved));
  self->flush_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->next_conversation_id = 1;
  self->next_message_id = 1;
}
