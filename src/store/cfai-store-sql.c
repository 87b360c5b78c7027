/* cfai-store-sql.c — the chat store's SQL, run on its worker thread only
 *
 * Every value is bound, never pasted into SQL.  A save is one short
 * transaction (BEGIN IMMEDIATE takes the write lock up front, so a busy
 * database fails at the start rather than half-way); on any failure it is
 * rolled back whole and the objects stay dirty in memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cfai-attachment.h"
#include "cfai-store-private.h"
#include "cfai-store-statement.h"

/* An answer left streaming was cut by a crash or kill: say so, keep its
 * text.  Conversations deleted without an undo before the app ended are
 * removed for good now. */
gboolean
cfai_store_sql_recover (CfaiDatabase  *db,
                        guint         *n_interrupted,
                        GError       **error)
{
  const char *doing = _("Could not prepare the chat history.");
  g_autoptr(CfaiStatement) interrupt = NULL;
  g_autoptr(CfaiStatement) purge = NULL;

  if (!cfai_database_exec (db, "BEGIN IMMEDIATE;", error))
    return FALSE;

  interrupt = cfai_statement_prepare (db, "UPDATE messages SET state = 'interrupted', updated_at = ?1 "
                                          "WHERE state = 'streaming';", doing, error);
  if (interrupt != NULL)
    sqlite3_bind_int64 (interrupt, 1, g_get_real_time ());
  if (interrupt == NULL || !cfai_statement_run (db, interrupt, doing, error))
    goto failed;
  *n_interrupted = sqlite3_changes (cfai_database_get_handle (db));

  purge = cfai_statement_prepare (db, "DELETE FROM conversations WHERE deleted_at IS NOT NULL;", doing, error);
  if (purge == NULL || !cfai_statement_run (db, purge, doing, error))
    goto failed;

  return cfai_database_exec (db, "COMMIT;", error);

failed:
  sqlite3_exec (cfai_database_get_handle (db), "ROLLBACK;", NULL, NULL, NULL);
  return FALSE;
}

GPtrArray *
cfai_store_sql_load_conversations (CfaiDatabase  *db,
                                   gint64        *max_conversation_id,
                                   gint64        *max_message_id,
                                   GError       **error)
{
  const char *doing = _("Could not read the list of chats.");
  g_autoptr(CfaiStatement) stmt = NULL;
  g_autoptr(CfaiStatement) ids = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cfai_conversation_row_free);
  int rc;

  stmt = cfai_statement_prepare (db,
                                 "SELECT c.id, c.title, c.title_is_custom, c.model, c.system_prompt,"
                                 "       c.max_tokens, c.temperature, c.top_p, c.seed, c.reasoning_effort,"
                                 "       c.lora, c.session_key, c.pinned, c.created_at, c.updated_at,"
                                 "       d.text, d.updated_at,"
                                 "       (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)"
                                 "  FROM conversations c LEFT JOIN drafts d ON d.conversation_id = c.id"
                                 "  WHERE c.deleted_at IS NULL"
                                 "  ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC;",
                                 doing, error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CfaiConversationRow *row = g_new0 (CfaiConversationRow, 1);

      row->id = sqlite3_column_int64 (stmt, 0);
      row->title = cfai_statement_column_text (stmt, 1);
      row->title_is_custom = sqlite3_column_int (stmt, 2);
      row->model = cfai_statement_column_text (stmt, 3);
      row->system_prompt = cfai_statement_column_text (stmt, 4);
      row->max_tokens = MAX (cfai_statement_column_optional_int (stmt, 5), 0);
      row->temperature = cfai_statement_column_optional_double (stmt, 6);
      row->top_p = cfai_statement_column_optional_double (stmt, 7);
      row->seed = cfai_statement_column_optional_int (stmt, 8);
      row->reasoning_effort = cfai_statement_column_text (stmt, 9);
      row->lora = cfai_statement_column_text (stmt, 10);
      row->session_key = cfai_statement_column_text (stmt, 11);
      row->pinned = sqlite3_column_int (stmt, 12);
      row->created_at = sqlite3_column_int64 (stmt, 13);
      row->updated_at = sqlite3_column_int64 (stmt, 14);
      row->draft = cfai_statement_column_text (stmt, 15);
      row->draft_updated_at = sqlite3_column_int64 (stmt, 16);
      row->n_messages = sqlite3_column_int (stmt, 17);
      g_ptr_array_add (rows, row);
    }
  if (rc != SQLITE_DONE)
    {
      cfai_database_set_error (db, error, sqlite3_extended_errcode (cfai_database_get_handle (db)),
                               doing);
      return NULL;
    }

  ids = cfai_statement_prepare (db, "SELECT (SELECT coalesce(max(id), 0) FROM conversations),"
                                    "       (SELECT coalesce(max(id), 0) FROM messages);", doing, error);
  if (ids == NULL)
    return NULL;
  if (sqlite3_step (ids) != SQLITE_ROW)
    {
      cfai_database_set_error (db, error, sqlite3_extended_errcode (cfai_database_get_handle (db)),
                               doing);
      return NULL;
    }
  *max_conversation_id = sqlite3_column_int64 (ids, 0);
  *max_message_id = sqlite3_column_int64 (ids, 1);

  return g_steal_pointer (&rows);
}

/* Returns: (transfer full): CfaiMessage objects, oldest first: the @limit
 * newest (all for -1) of @conversation_id older than @before_id */
GPtrArray *
cfai_store_sql_load_messages (CfaiDatabase  *db,
                              gint64         conversation_id,
                              gint64         before_id,
                              int            limit,
                              GError       **error)
{
  const char *doing = _("Could not read the chat.");
  g_autoptr(CfaiStatement) stmt = NULL;
  g_autoptr(CfaiStatement) attachments = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cfai_message_row_free);
  g_autoptr(GHashTable) by_id = NULL;
  GPtrArray *messages;
  int rc;

  stmt = cfai_statement_prepare (db,
                                 "SELECT id, parent_id, role, content, reasoning, model, params,"
                                 "       json_extract(usage, '$.prompt_tokens'),"
                                 "       json_extract(usage, '$.completion_tokens'),"
                                 "       json_extract(usage, '$.cached_tokens'),"
                                 "       json_extract(usage, '$.neurons'),"
                                 "       json_extract(usage, '$.gateway_cache_status'),"
                                 "       ttft_ms, total_ms, tokens_per_second, finish_reason, state,"
                                 "       error_domain, error_code, error_message, created_at, updated_at,"
                                 "       EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = messages.id)"
                                 "  FROM messages"
                                 "  WHERE conversation_id = ?1 AND id < ?2"
                                 "  ORDER BY id DESC LIMIT ?3;",
                                 doing, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  sqlite3_bind_int64 (stmt, 2, before_id);
  sqlite3_bind_int (stmt, 3, limit);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CfaiMessageRow *row = g_new0 (CfaiMessageRow, 1);
      const char *role = (const char *) sqlite3_column_text (stmt, 2);
      const char *state = (const char *) sqlite3_column_text (stmt, 16);

      row->id = sqlite3_column_int64 (stmt, 0);
      row->conversation_id = conversation_id;
      row->parent_id = sqlite3_column_int64 (stmt, 1);
      row->role = g_strcmp0 (role, "assistant") == 0 ? CFAI_CHAT_ROLE_ASSISTANT
                : g_strcmp0 (role, "system") == 0 ? CFAI_CHAT_ROLE_SYSTEM
                : g_strcmp0 (role, "tool") == 0 ? CFAI_CHAT_ROLE_TOOL
                : CFAI_CHAT_ROLE_USER;
      row->content = cfai_statement_column_text (stmt, 3);
      row->reasoning = cfai_statement_column_text (stmt, 4);
      row->model = cfai_statement_column_text (stmt, 5);
      row->params = cfai_statement_column_text (stmt, 6);
      row->prompt_tokens = cfai_statement_column_optional_int (stmt, 7);
      row->completion_tokens = cfai_statement_column_optional_int (stmt, 8);
      row->cached_tokens = cfai_statement_column_optional_int (stmt, 9);
      row->neurons = cfai_statement_column_optional_double (stmt, 10);
      row->gateway_cache_status = cfai_statement_column_text (stmt, 11);
      row->ttft_ms = cfai_statement_column_optional_int (stmt, 12);
      row->total_ms = cfai_statement_column_optional_int (stmt, 13);
      row->tokens_per_second = cfai_statement_column_optional_double (stmt, 14);
      row->finish_reason = cfai_statement_column_text (stmt, 15);
      if (!cfai_message_state_from_string (state, &row->state))
        row->state = CFAI_MESSAGE_STATE_COMPLETE;
      row->error_domain = cfai_statement_column_text (stmt, 17);
      row->error_code = sqlite3_column_int (stmt, 18);
      row->error_message = cfai_statement_column_text (stmt, 19);
      row->created_at = sqlite3_column_int64 (stmt, 20);
      row->updated_at = sqlite3_column_int64 (stmt, 21);
      if (sqlite3_column_int (stmt, 22))
        row->attachments = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (rows, row);
    }
  if (rc != SQLITE_DONE)
    {
      cfai_database_set_error (db, error, sqlite3_extended_errcode (cfai_database_get_handle (db)),
                               doing);
      return NULL;
    }

  /* Images only for the messages that have them, in one query. */
  for (guint i = 0; i < rows->len; i++)
    {
      CfaiMessageRow *row = g_ptr_array_index (rows, i);

      if (row->attachments == NULL)
        continue;
      if (by_id == NULL)
        by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
      g_hash_table_insert (by_id, &row->id, row);
    }
  if (by_id != NULL)
    {
      CfaiMessageRow *newest = g_ptr_array_index (rows, 0);
      CfaiMessageRow *oldest = g_ptr_array_index (rows, rows->len - 1);

      attachments = cfai_statement_prepare (db,
                                            "SELECT a.message_id, a.mime_type, a.data, a.path, a.width, a.height"
                                            "  FROM attachments a JOIN messages m ON m.id = a.message_id"
                                            "  WHERE m.conversation_id = ?1 AND m.id BETWEEN ?2 AND ?3"
                                            "  ORDER BY a.id;",
                                            doing, error);
      if (attachments == NULL)
        return NULL;
      sqlite3_bind_int64 (attachments, 1, conversation_id);
      sqlite3_bind_int64 (attachments, 2, oldest->id);
      sqlite3_bind_int64 (attachments, 3, newest->id);
      while ((rc = sqlite3_step (attachments)) == SQLITE_ROW)
        {
          gint64 message_id = sqlite3_column_int64 (attachments, 0);
          CfaiMessageRow *row = g_hash_table_lookup (by_id, &message_id);
          const char *mime_type = (const char *) sqlite3_column_text (attachments, 1);
          int width = cfai_statement_column_optional_int (attachments, 4);
          int height = cfai_statement_column_optional_int (attachments, 5);
          CfaiAttachment *attachment;

          if (row == NULL)
            continue;
          if (sqlite3_column_type (attachments, 2) != SQLITE_NULL)
            {
              g_autoptr(GBytes) bytes = g_bytes_new (sqlite3_column_blob (attachments, 2),
                                                     sqlite3_column_bytes (attachments, 2));
              attachment = cfai_attachment_new_for_bytes (mime_type, bytes, width, height);
            }
          else
            attachment = cfai_attachment_new_for_path (mime_type,
                                                       (const char *) sqlite3_column_text (attachments, 3),
                                                       width, height);
          g_ptr_array_add (row->attachments, attachment);
        }
      if (rc != SQLITE_DONE)
        {
          cfai_database_set_error (db, error,
                                   sqlite3_extended_errcode (cfai_database_get_handle (db)), doing);
          return NULL;
        }
    }

  messages = g_ptr_array_new_full (rows->len, g_object_unref);
  for (guint i = rows->len; i > 0; i--)
    g_ptr_array_add (messages, cfai_message_new_from_row (g_ptr_array_index (rows, i - 1)));

  return messages;
}

static const char * const role_names[] = {
  [CFAI_CHAT_ROLE_SYSTEM] = "system",
  [CFAI_CHAT_ROLE_USER] = "user",
  [CFAI_CHAT_ROLE_ASSISTANT] = "assistant",
  [CFAI_CHAT_ROLE_TOOL] = "tool",
};

gboolean
cfai_store_sql_write (CfaiDatabase    *db,
                      CfaiStoreWrite  *write,
                      GError         **error)
{
  const char *doing = _("Could not save the chat.");
  sqlite3 *handle = cfai_database_get_handle (db);
  g_autoptr(CfaiStatement) conversation = NULL;
  g_autoptr(CfaiStatement) draft_set = NULL;
  g_autoptr(CfaiStatement) draft_clear = NULL;
  g_autoptr(CfaiStatement) message = NULL;
  g_autoptr(CfaiStatement) attachment = NULL;
  g_autoptr(CfaiStatement) usage = NULL;
  g_autoptr(CfaiStatement) relink = NULL;
  g_autoptr(CfaiStatement) delete_message = NULL;
  g_autoptr(CfaiStatement) purge = NULL;
  int rc;

  rc = sqlite3_exec (handle, "BEGIN IMMEDIATE;", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      cfai_database_set_error (db, error, sqlite3_extended_errcode (handle), doing);
      return FALSE;
    }

  if (write->conversations->len > 0)
    {
      conversation = cfai_statement_prepare (db,
                       "INSERT INTO conversations (id, title, title_is_custom, model, system_prompt, max_tokens,"
                       "    temperature, top_p, seed, reasoning_effort, lora, session_key, pinned, created_at,"
                       "    updated_at, deleted_at)"
                       "  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
                       "  ON CONFLICT (id) DO UPDATE SET title = excluded.title,"
                       "    title_is_custom = excluded.title_is_custom, model = excluded.model,"
                       "    system_prompt = excluded.system_prompt, max_tokens = excluded.max_tokens,"
                       "    temperature = excluded.temperature, top_p = excluded.top_p, seed = excluded.seed,"
                       "    reasoning_effort = excluded.reasoning_effort, lora = excluded.lora,"
                       "    pinned = excluded.pinned, updated_at = excluded.updated_at,"
                       "    deleted_at = excluded.deleted_at;",
                       doing, error);
      draft_set = cfai_statement_prepare (db,
                       "INSERT INTO drafts (conversation_id, text, updated_at) VALUES (?1, ?2, ?3)"
                       "  ON CONFLICT (conversation_id) DO UPDATE SET text = excluded.text,"
                       "    updated_at = excluded.updated_at;",
                       doing, error && *error == NULL ? error : NULL);
      draft_clear = cfai_statement_prepare (db, "DELETE FROM drafts WHERE conversation_id = ?1;",
                                            doing, error && *error == NULL ? error : NULL);
      if (conversation == NULL || draft_set == NULL || draft_clear == NULL)
        goto failed;
    }

  for (guint i = 0; i < write->conversations->len; i++)
    {
      CfaiConversationRow *row = g_ptr_array_index (write->conversations, i);

      sqlite3_bind_int64 (conversation, 1, row->id);
      cfai_statement_bind_text (conversation, 2, row->title);
      sqlite3_bind_int (conversation, 3, !!row->title_is_custom);
      cfai_statement_bind_text (conversation, 4, row->model);
      cfai_statement_bind_text (conversation, 5, row->system_prompt);
      cfai_statement_bind_optional_int (conversation, 6, row->max_tokens > 0 ? row->max_tokens : CFAI_UNSET);
      cfai_statement_bind_optional_double (conversation, 7, row->temperature);
      cfai_statement_bind_optional_double (conversation, 8, row->top_p);
      cfai_statement_bind_optional_int (conversation, 9, row->seed);
      cfai_statement_bind_text (conversation, 10, row->reasoning_effort);
      cfai_statement_bind_text (conversation, 11, row->lora);
      cfai_statement_bind_text (conversation, 12, row->session_key);
      sqlite3_bind_int (conversation, 13, !!row->pinned);
      sqlite3_bind_int64 (conversation, 14, row->created_at);
      sqlite3_bind_int64 (conversation, 15, row->updated_at);
      if (row->deleted_at > 0)
        sqlite3_bind_int64 (conversation, 16, row->deleted_at);
      else
        sqlite3_bind_null (conversation, 16);
      if (!cfai_statement_run (db, conversation, doing, error))
        goto failed;

      if (row->draft != NULL && row->draft[0] != '\0')
        {
          sqlite3_bind_int64 (draft_set, 1, row->id);
          cfai_statement_bind_text (draft_set, 2, row->draft);
          sqlite3_bind_int64 (draft_set, 3, row->draft_updated_at);
          if (!cfai_statement_run (db, draft_set, doing, error))
            goto failed;
        }
      else
        {
          sqlite3_bind_int64 (draft_clear, 1, row->id);
          if (!cfai_statement_run (db, draft_clear, doing, error))
            goto failed;
        }
    }

  if (write->messages->len > 0)
    {
      message = cfai_statement_prepare (db,
                       "INSERT INTO messages (id, conversation_id, parent_id, role, content, reasoning, model,"
                       "    params, usage, ttft_ms, total_ms, tokens_per_second, finish_reason, state,"
                       "    error_domain, error_code, error_message, created_at, updated_at)"
                       "  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                       "    CASE WHEN ?9 THEN json_object('prompt_tokens', ?10, 'completion_tokens', ?11,"
                       "        'cached_tokens', ?12, 'neurons', ?13, 'gateway_cache_status', ?14) END,"
                       "    ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)"
                       "  ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id,"
                       "    content = excluded.content, reasoning = excluded.reasoning, model = excluded.model,"
                       "    params = excluded.params, usage = excluded.usage, ttft_ms = excluded.ttft_ms,"
                       "    total_ms = excluded.total_ms, tokens_per_second = excluded.tokens_per_second,"
                       "    finish_reason = excluded.finish_reason, state = excluded.state,"
                       "    error_domain = excluded.error_domain, error_code = excluded.error_code,"
                       "    error_message = excluded.error_message, updated_at = excluded.updated_at;",
                       doing, error);
      attachment = cfai_statement_prepare (db,
                       "INSERT INTO attachments (message_id, mime_type, data, path, width, height)"
                       "  VALUES (?1, ?2, ?3, ?4, ?5, ?6);",
                       doing, error && *error == NULL ? error : NULL);
      usage = cfai_statement_prepare (db,
                       "INSERT INTO usage (message_id, conversation_id, model, prompt_tokens,"
                       "    completion_tokens, cached_tokens, neurons, created_at)"
                       "  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                       "  ON CONFLICT (message_id) DO UPDATE SET model = excluded.model,"
                       "    prompt_tokens = excluded.prompt_tokens,"
                       "    completion_tokens = excluded.completion_tokens,"
                       "    cached_tokens = excluded.cached_tokens, neurons = excluded.neurons;",
                       doing, error && *error == NULL ? error : NULL);
      if (message == NULL || attachment == NULL || usage == NULL)
        goto failed;
    }

  for (guint i = 0; i < write->messages->len; i++)
    {
      CfaiMessageRow *row = g_ptr_array_index (write->messages, i);
      gboolean has_usage = row->prompt_tokens >= 0 || row->completion_tokens >= 0 ||
                           row->cached_tokens >= 0 || row->neurons >= 0 ||
                           row->gateway_cache_status != NULL;

      sqlite3_bind_int64 (message, 1, row->id);
      sqlite3_bind_int64 (message, 2, row->conversation_id);
      if (row->parent_id > 0)
        sqlite3_bind_int64 (message, 3, row->parent_id);
      else
        sqlite3_bind_null (message, 3);
      cfai_statement_bind_text (message, 4, role_names[row->role]);
      cfai_statement_bind_text (message, 5, row->content ? row->content : "");
      cfai_statement_bind_text (message, 6, row->reasoning);
      cfai_statement_bind_text (message, 7, row->model);
      cfai_statement_bind_text (message, 8, row->params);
      sqlite3_bind_int (message, 9, has_usage);
      cfai_statement_bind_optional_int (message, 10, row->prompt_tokens);
      cfai_statement_bind_optional_int (message, 11, row->completion_tokens);
      cfai_statement_bind_optional_int (message, 12, row->cached_tokens);
      cfai_statement_bind_optional_double (message, 13, row->neurons);
      cfai_statement_bind_text (message, 14, row->gateway_cache_status);
      cfai_statement_bind_optional_int (message, 15, row->ttft_ms);
      cfai_statement_bind_optional_int (message, 16, row->total_ms);
      cfai_statement_bind_optional_double (message, 17, row->tokens_per_second);
      cfai_statement_bind_text (message, 18, row->finish_reason);
      cfai_statement_bind_text (message, 19, cfai_message_state_to_string (row->state));
      cfai_statement_bind_text (message, 20, row->error_domain);
      if (row->error_domain != NULL)
        sqlite3_bind_int (message, 21, row->error_code);
      else
        sqlite3_bind_null (message, 21);
      cfai_statement_bind_text (message, 22, row->error_message);
      sqlite3_bind_int64 (message, 23, row->created_at);
      sqlite3_bind_int64 (message, 24, row->updated_at);
      if (!cfai_statement_run (db, message, doing, error))
        goto failed;

      for (guint j = 0; row->attachments != NULL && j < row->attachments->len; j++)
        {
          CfaiAttachment *a = g_ptr_array_index (row->attachments, j);
          GBytes *bytes = cfai_attachment_get_bytes (a);

          sqlite3_bind_int64 (attachment, 1, row->id);
          cfai_statement_bind_text (attachment, 2, cfai_attachment_get_mime_type (a));
          if (bytes != NULL)
            {
              gsize size;
              gconstpointer data = g_bytes_get_data (bytes, &size);

              sqlite3_bind_blob64 (attachment, 3, data ? data : "", size, SQLITE_STATIC);
            }
          else
            sqlite3_bind_null (attachment, 3);
          cfai_statement_bind_text (attachment, 4, cfai_attachment_get_path (a));
          cfai_statement_bind_optional_int (attachment, 5, cfai_attachment_get_width (a));
          cfai_statement_bind_optional_int (attachment, 6, cfai_attachment_get_height (a));
          if (!cfai_statement_run (db, attachment, doing, error))
            goto failed;
        }

      /* The usage log records finished answers only. */
      if (row->role == CFAI_CHAT_ROLE_ASSISTANT && row->state != CFAI_MESSAGE_STATE_STREAMING &&
          (row->prompt_tokens >= 0 || row->completion_tokens >= 0))
        {
          sqlite3_bind_int64 (usage, 1, row->id);
          sqlite3_bind_int64 (usage, 2, row->conversation_id);
          cfai_statement_bind_text (usage, 3, row->model ? row->model : "");
          cfai_statement_bind_optional_int (usage, 4, row->prompt_tokens);
          cfai_statement_bind_optional_int (usage, 5, row->completion_tokens);
          cfai_statement_bind_optional_int (usage, 6, row->cached_tokens);
          cfai_statement_bind_optional_double (usage, 7, row->neurons);
          sqlite3_bind_int64 (usage, 8, row->updated_at);
          if (!cfai_statement_run (db, usage, doing, error))
            goto failed;
        }
    }

  if (write->deleted_messages->len > 0)
    {
      relink = cfai_statement_prepare (db,
                       "UPDATE messages SET parent_id = (SELECT parent_id FROM messages WHERE id = ?1)"
                       "  WHERE parent_id = ?1;",
                       doing, error);
      delete_message = cfai_statement_prepare (db, "DELETE FROM messages WHERE id = ?1;",
                                               doing, error && *error == NULL ? error : NULL);
      if (relink == NULL || delete_message == NULL)
        goto failed;
    }
  for (guint i = 0; i < write->deleted_messages->len; i++)
    {
      gint64 id = g_array_index (write->deleted_messages, gint64, i);

      sqlite3_bind_int64 (relink, 1, id);
      sqlite3_bind_int64 (delete_message, 1, id);
      if (!cfai_statement_run (db, relink, doing, error) || !cfai_statement_run (db, delete_message, doing, error))
        goto failed;
    }

  if (write->purged_conversations->len > 0)
    {
      purge = cfai_statement_prepare (db, "DELETE FROM conversations WHERE id = ?1;", doing, error);
      if (purge == NULL)
        goto failed;
    }
  for (guint i = 0; i < write->purged_conversations->len; i++)
    {
      sqlite3_bind_int64 (purge, 1, g_array_index (write->purged_conversations, gint64, i));
      if (!cfai_statement_run (db, purge, doing, error))
        goto failed;
    }

  rc = sqlite3_exec (handle, "COMMIT;", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      cfai_database_set_error (db, error, sqlite3_extended_errcode (handle), doing);
      goto failed;
    }

  return TRUE;

failed:
  if (!sqlite3_get_autocommit (handle))
    sqlite3_exec (handle, "ROLLBACK;", NULL, NULL, NULL);
  return FALSE;
}

CfaiStoreWrite *
cfai_store_write_new (void)
{
  CfaiStoreWrite *write = g_new0 (CfaiStoreWrite, 1);

  write->conversations = g_ptr_array_new_with_free_func ((GDestroyNotify) cfai_conversation_row_free);
  write->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) cfai_message_row_free);
  write->deleted_messages = g_array_new (FALSE, FALSE, sizeof (gint64));
  write->purged_conversations = g_array_new (FALSE, FALSE, sizeof (gint64));

  return write;
}

void
cfai_store_write_free (CfaiStoreWrite *write)
{
  if (write == NULL)
    return;

  g_ptr_array_unref (write->conversations);
  g_ptr_array_unref (write->messages);
  g_array_unref (write->deleted_messages);
  g_array_unref (write->purged_conversations);
  g_free (write);
}

gboolean
cfai_store_write_is_empty (CfaiStoreWrite *write)
{
  return write->conversations->len == 0 && write->messages->len == 0 &&
         write->deleted_messages->len == 0 && write->purged_conversations->len == 0;
}
