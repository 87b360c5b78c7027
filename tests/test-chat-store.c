/* test-chat-store.c — conversations and messages saved off the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "cfai-chat-store.h"
#include "cfai-database.h"
#include "cfai-error.h"
#include "cfai-store-private.h"
#include "cfai-test-async.h"
#include "cfai-test-home.h"

#define MODEL "@cf/meta/llama-3.1-8b-instruct"

static const char *self_exe;

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("cfai-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "history.sqlite", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_chmod (fixture->dir, 0700);
  cfai_test_remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static const CfaiConversationDefaults defaults = {
  .model = MODEL,
  .system_prompt = "You are terse.",
  .max_tokens = 2048,
  .temperature = 0.6,
  .top_p = CFAI_UNSET,
  .seed = 42,
  .reasoning_effort = NULL,
  .lora = NULL,
};

/* Async calls made synchronous by spinning the default main context. */

static gboolean
store_load (CfaiChatStore  *store,
            GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  cfai_chat_store_load_async (store, NULL, cfai_test_got_result, &result);
  return cfai_chat_store_load_finish (store, cfai_test_wait_for (&result), error);
}

static gboolean
store_flush (CfaiChatStore  *store,
             GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  cfai_chat_store_flush_async (store, NULL, cfai_test_got_result, &result);
  return cfai_chat_store_flush_finish (store, cfai_test_wait_for (&result), error);
}

static void
conversation_load (CfaiConversation *conversation)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  cfai_conversation_load_async (conversation, NULL, cfai_test_got_result, &result);
  cfai_conversation_load_finish (conversation, cfai_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_true (cfai_conversation_get_loaded (conversation));
}

static CfaiChatStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  CfaiChatStore *store = cfai_chat_store_new (path);

  store_load (store, &error);
  g_assert_no_error (error);
  g_assert_true (cfai_chat_store_get_loaded (store));
  return store;
}

/* Saves, lets the last task references go, and checks nothing leaks. */
static void
close_store (CfaiChatStore *store)
{
  g_autoptr(GError) error = NULL;

  if (cfai_chat_store_get_error (store) == NULL)
    {
      store_flush (store, &error);
      g_assert_no_error (error);
    }
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (store);
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

static sqlite3 *
open_raw (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static gint64
raw_int (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
raw_text (sqlite3    *db,
          const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static CfaiMessage *
message_at (CfaiConversation *conversation,
            guint             position)
{
  GListModel *messages = cfai_conversation_get_messages (conversation);
  g_autoptr(CfaiMessage) message = g_list_model_get_item (messages, position);

  g_assert_nonnull (message);
  return message;   /* the model keeps it alive */
}

static CfaiConversation *
conversation_at (CfaiChatStore *store,
                 guint          position)
{
  GListModel *list = cfai_chat_store_get_conversations (store);
  g_autoptr(CfaiConversation) conversation = g_list_model_get_item (list, position);

  g_assert_nonnull (conversation);
  return conversation;
}

/* A chat of @n messages ("message 0"…), saved and opened again: the
 * store comes back, and the chat is its first. */
static CfaiChatStore *
reopen_chat_of (Fixture *fixture,
                guint    n)
{
  CfaiChatStore *store = open_store (fixture->path);
  CfaiConversation *conversation = cfai_chat_store_create_conversation (store, &defaults);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);
      cfai_conversation_add_message (conversation, i % 2 ? CFAI_CHAT_ROLE_ASSISTANT
                                                        : CFAI_CHAT_ROLE_USER, text);
    }
  close_store (store);
  return open_store (fixture->path);
}

static void
test_title (void)
{
  static const struct { const char *text; const char *title; } cases[] = {
    { "", "" },
    { "   \n\t ", "" },
    { "Hello", "Hello" },
    { "  How   do I\nparse JSON in C?  ", "How do I parse JSON in C?" },
    /* 48 characters fit as they are */
    { "abcdefghij abcdefghij abcdefghij abcdefghij abcd",
      "abcdefghij abcdefghij abcdefghij abcdefghij abcd" },
    /* longer: cut on the last word boundary that fits, with an ellipsis */
    { "Explain the difference between a mutex and a semaphore with examples in C",
      "Explain the difference between a mutex and a…" },
    { "Write a haiku about autumn leaves, please, and then translate it to French",
      "Write a haiku about autumn leaves, please, and…" },
    /* one long word: cut inside it */
    { "Supercalifragilisticexpialidocious-supercalifragilisticexpialidocious",
      "Supercalifragilisticexpialidocious-supercalifra…" },
    /* characters, not bytes */
    { "Ünïcödé ünïcödé ünïcödé ünïcödé ünïcödé ünïcödé ünïcödé",
      "Ünïcödé ünïcödé ünïcödé ünïcödé ünïcödé ünïcödé…" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *title = cfai_conversation_title_from_text (cases[i].text,
                                                                  CFAI_CONVERSATION_TITLE_LENGTH);

      g_assert_cmpstr (title, ==, cases[i].title);
      g_assert_cmpint (g_utf8_strlen (title, -1), <=, CFAI_CONVERSATION_TITLE_LENGTH);
      g_assert_true (g_utf8_validate (title, -1, NULL));
    }
}

static void
test_create_and_reopen (Fixture       *fixture,
                        gconstpointer  data)
{
  CfaiChatStore *store = open_store (fixture->path);
  CfaiConversation *conversation;
  CfaiMessage *question;
  CfaiMessage *answer;
  g_autofree char *session_key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CfaiAttachment) image = NULL;
  g_autoptr(GBytes) pixels = g_bytes_new_static ("\x89PNG....", 8);
  gint64 conversation_id;
  sqlite3 *raw;

  g_assert_cmpuint (g_list_model_get_n_items (cfai_chat_store_get_conversations (store)), ==, 0);

  conversation = cfai_chat_store_create_conversation (store, &defaults);
  conversation_id = cfai_conversation_get_id (conversation);
  g_assert_cmpint (conversation_id, >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cfai_chat_store_get_conversations (store)), ==, 1);
  g_assert_true (cfai_conversation_get_loaded (conversation));
  g_assert_cmpstr (cfai_conversation_get_title (conversation), ==, "");
  g_assert_cmpstr (cfai_conversation_get_display_title (conversation), ==, "New Chat");
  g_assert_cmpstr (cfai_conversation_get_model (conversation), ==, MODEL);
  g_assert_cmpstr (cfai_conversation_get_system_prompt (conversation), ==, "You are terse.");
  g_assert_cmpint (cfai_conversation_get_max_tokens (conversation), ==, 2048);
  g_assert_cmpfloat (cfai_conversation_get_temperature (conversation), ==, 0.6);
  g_assert_cmpfloat (cfai_conversation_get_top_p (conversation), ==, CFAI_UNSET);
  g_assert_cmpint (cfai_conversation_get_seed (conversation), ==, 42);
  g_assert_null (cfai_conversation_get_reasoning_effort (conversation));
  session_key = g_strdup (cfai_conversation_get_session_key (conversation));
  g_assert_cmpint (strlen (session_key), >=, 32);

  /* The first user message names the conversation. */
  question = cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER,
                                            "Explain the difference between a mutex and a "
                                            "semaphore with examples in C");
  g_assert_cmpstr (cfai_conversation_get_title (conversation), ==,
                   "Explain the difference between a mutex and a…");
  g_assert_false (cfai_conversation_get_title_is_custom (conversation));
  g_assert_cmpint (cfai_message_get_parent_id (question), ==, 0);
  image = cfai_attachment_new_for_bytes ("image/png", pixels, 640, 480);
  cfai_message_add_attachment (question, image);
  {
    g_autoptr(CfaiAttachment) file = cfai_attachment_new_for_path ("image/jpeg", "/pictures/cat.jpg",
                                                                   0, 0);
    cfai_message_add_attachment (question, file);
  }

  answer = cfai_conversation_begin_answer (conversation);
  g_assert_cmpint (cfai_message_get_state (answer), ==, CFAI_MESSAGE_STATE_STREAMING);
  g_assert_cmpint (cfai_message_get_parent_id (answer), ==, cfai_message_get_id (question));
  g_assert_cmpstr (cfai_message_get_model (answer), ==, MODEL);
  g_assert_cmpstr (cfai_message_get_params (answer), ==,
                   "{\"model\":\"" MODEL "\",\"max_tokens\":2048,\"temperature\":0.59999999999999998,\"seed\":42}");
  cfai_message_append_reasoning (answer, "Think", -1);
  cfai_message_append_reasoning (answer, "ing.", -1);
  cfai_message_append_content (answer, "A mutex ", -1);
  cfai_message_append_content (answer, "is owned.xyz", 9);
  cfai_message_set_usage (answer, 120, 30, 100, 4.5);
  cfai_message_set_gateway_cache_status (answer, "MISS");
  cfai_message_set_timings (answer, 180, 900, 33.5);
  cfai_message_set_finish_reason (answer, "stop");
  cfai_message_set_state (answer, CFAI_MESSAGE_STATE_COMPLETE);
  cfai_conversation_set_draft (conversation, "And a spinlock?");
  g_assert_cmpuint (cfai_conversation_get_message_count (conversation), ==, 2);
  close_store (store);

  /* Everything is in the file … */
  raw = open_raw (fixture->path);
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM usage WHERE prompt_tokens = 120 "
                                 "AND cached_tokens = 100 AND model = '" MODEL "';"), ==, 1);
  sqlite3_close (raw);

  /* … and comes back. */
  store = open_store (fixture->path);
  g_assert_cmpuint (cfai_chat_store_get_n_interrupted (store), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cfai_chat_store_get_conversations (store)), ==, 1);
  conversation = conversation_at (store, 0);
  g_assert_true (conversation == cfai_chat_store_lookup_conversation (store, conversation_id));
  g_assert_cmpstr (cfai_conversation_get_title (conversation), ==,
                   "Explain the difference between a mutex and a…");
  g_assert_cmpstr (cfai_conversation_get_session_key (conversation), ==, session_key);
  g_assert_cmpstr (cfai_conversation_get_system_prompt (conversation), ==, "You are terse.");
  g_assert_cmpint (cfai_conversation_get_max_tokens (conversation), ==, 2048);
  g_assert_cmpfloat (cfai_conversation_get_temperature (conversation), ==, 0.6);
  g_assert_cmpint (cfai_conversation_get_seed (conversation), ==, 42);
  g_assert_cmpstr (cfai_conversation_get_draft (conversation), ==, "And a spinlock?");

  /* Messages are not read until asked for; the count is known. */
  g_assert_false (cfai_conversation_get_loaded (conversation));
  g_assert_cmpuint (cfai_conversation_get_message_count (conversation), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (cfai_conversation_get_messages (conversation)), ==, 0);
  conversation_load (conversation);
  g_assert_cmpuint (g_list_model_get_n_items (cfai_conversation_get_messages (conversation)), ==, 2);

  question = message_at (conversation, 0);
  g_assert_cmpint (cfai_message_get_role (question), ==, CFAI_CHAT_ROLE_USER);
  g_assert_cmpstr (cfai_message_get_role_name (question), ==, "user");
  g_assert_cmpuint (cfai_message_get_n_attachments (question), ==, 2);
  g_assert_cmpstr (cfai_attachment_get_path (cfai_message_get_attachment (question, 1)), ==,
                   "/pictures/cat.jpg");
  g_assert_null (cfai_attachment_get_bytes (cfai_message_get_attachment (question, 1)));
  g_assert_cmpint (cfai_attachment_get_width (cfai_message_get_attachment (question, 1)), ==,
                   CFAI_UNSET);
  image = (g_object_unref (image), g_object_ref (cfai_message_get_attachment (question, 0)));
  g_assert_cmpstr (cfai_attachment_get_mime_type (image), ==, "image/png");
  g_assert_true (g_bytes_equal (cfai_attachment_get_bytes (image), pixels));
  g_assert_cmpint (cfai_attachment_get_width (image), ==, 640);
  g_assert_cmpint (cfai_attachment_get_height (image), ==, 480);

  answer = message_at (conversation, 1);
  g_assert_true (cfai_message_get_conversation (answer) == conversation);
  g_assert_cmpint (cfai_message_get_parent_id (answer), ==, cfai_message_get_id (question));
  g_assert_cmpstr (cfai_message_get_role_name (answer), ==, "assistant");
  g_assert_cmpstr (cfai_message_get_content (answer), ==, "A mutex is owned.");
  g_assert_cmpstr (cfai_message_get_reasoning (answer), ==, "Thinking.");
  g_assert_cmpint (cfai_message_get_state (answer), ==, CFAI_MESSAGE_STATE_COMPLETE);
  g_assert_cmpstr (cfai_message_get_finish_reason (answer), ==, "stop");
  g_assert_cmpint (cfai_message_get_prompt_tokens (answer), ==, 120);
  g_assert_cmpint (cfai_message_get_completion_tokens (answer), ==, 30);
  g_assert_cmpint (cfai_message_get_cached_tokens (answer), ==, 100);
  g_assert_cmpfloat (cfai_message_get_neurons (answer), ==, 4.5);
  g_assert_cmpstr (cfai_message_get_gateway_cache_status (answer), ==, "MISS");
  g_assert_cmpint (cfai_message_get_time_to_first_token_ms (answer), ==, 180);
  g_assert_cmpint (cfai_message_get_total_ms (answer), ==, 900);
  g_assert_cmpfloat (cfai_message_get_tokens_per_second (answer), ==, 33.5);
  g_assert_null (cfai_message_get_error (answer));
  g_assert_cmpstr (cfai_message_get_model (answer), ==, MODEL);

  /* New messages continue the chain after a restart. */
  question = cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, "Thanks");
  g_assert_cmpint (cfai_message_get_parent_id (question), ==, cfai_message_get_id (answer));
  g_assert_cmpint (cfai_message_get_id (question), >, cfai_message_get_id (answer));
  g_assert_cmpstr (cfai_conversation_get_title (conversation), ==,
                   "Explain the difference between a mutex and a…");
  close_store (store);
  (void) error;
}

static void
test_error_survives (Fixture       *fixture,
                     gconstpointer  data)
{
  CfaiChatStore *store = open_store (fixture->path);
  CfaiConversation *conversation = cfai_chat_store_create_conversation (store, &defaults);
  CfaiMessage *answer;
  const GError *saved;
  g_autoptr(GError) capacity = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_CAPACITY,
                                                    "Out of capacity");

  cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, "hi");
  answer = cfai_conversation_begin_answer (conversation);
  cfai_message_append_content (answer, "Hel", -1);
  cfai_message_set_error (answer, capacity);
  cfai_message_set_state (answer, CFAI_MESSAGE_STATE_INTERRUPTED);
  close_store (store);

  store = open_store (fixture->path);
  conversation = conversation_at (store, 0);
  conversation_load (conversation);
  answer = message_at (conversation, 1);
  g_assert_cmpint (cfai_message_get_state (answer), ==, CFAI_MESSAGE_STATE_INTERRUPTED);
  g_assert_cmpstr (cfai_message_get_content (answer), ==, "Hel");
  saved = cfai_message_get_error (answer);
  g_assert_nonnull (saved);
  g_assert_true (saved->domain == capacity->domain);
  g_assert_error (saved, CFAI_ERROR, CFAI_ERROR_CAPACITY);
  g_assert_cmpstr (saved->message, ==, "Out of capacity");
  g_assert_cmpstr (cfai_message_get_error_message (answer), ==, "Out of capacity");
  close_store (store);
}

static void
test_order_and_pin (Fixture       *fixture,
                    gconstpointer  data)
{
  CfaiChatStore *store = open_store (fixture->path);
  GListModel *list = cfai_chat_store_get_conversations (store);
  CfaiConversation *a, *b, *c;

  a = cfai_chat_store_create_conversation (store, &defaults);
  cfai_conversation_rename (a, "A");
  spin (2);
  b = cfai_chat_store_create_conversation (store, &defaults);
  cfai_conversation_rename (b, "B");
  spin (2);
  c = cfai_chat_store_create_conversation (store, &defaults);
  cfai_conversation_rename (c, "C");

  /* Newest first. */
  g_assert_true (conversation_at (store, 0) == c);
  g_assert_true (conversation_at (store, 1) == b);
  g_assert_true (conversation_at (store, 2) == a);

  /* Activity moves a conversation up … */
  cfai_conversation_add_message (a, CFAI_CHAT_ROLE_USER, "bump");
  g_assert_true (conversation_at (store, 0) == a);
  g_assert_true (conversation_at (store, 1) == c);

  /* … and a pinned one stays above the rest. */
  cfai_conversation_set_pinned (b, TRUE);
  g_assert_true (conversation_at (store, 0) == b);
  g_assert_true (conversation_at (store, 1) == a);
  cfai_conversation_add_message (c, CFAI_CHAT_ROLE_USER, "bump");
  g_assert_true (conversation_at (store, 0) == b);
  g_assert_true (conversation_at (store, 1) == c);
  g_assert_true (conversation_at (store, 2) == a);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 3);
  close_store (store);

  /* The order comes back from the file. */
  store = open_store (fixture->path);
  g_assert_cmpstr (cfai_conversation_get_title (conversation_at (store, 0)), ==, "B");
  g_assert_true (cfai_conversation_get_pinned (conversation_at (store, 0)));
  g_assert_cmpstr (cfai_conversation_get_title (conversation_at (store, 1)), ==, "C");
  g_assert_cmpstr (cfai_conversation_get_title (conversation_at (store, 2)), ==, "A");
  g_assert_cmpuint (cfai_conversation_get_message_count (conversation_at (store, 2)), ==, 1);

  cfai_conversation_set_pinned (conversation_at (store, 0), FALSE);
  g_assert_cmpstr (cfai_conversation_get_title (conversation_at (store, 0)), ==, "C");
  close_store (store);
}

static void
test_rename (Fixture       *fixture,
             gconstpointer  data)
{
  CfaiChatStore *store = open_store (fixture->path);
  CfaiConversation *conversation = cfai_chat_store_create_conversation (store, &defaults);
  guint notified = 0;

  g_signal_connect_swapped (conversation, "notify::title", G_CALLBACK (g_nullify_pointer), NULL);
  g_signal_handlers_disconnect_by_func (conversation, g_nullify_pointer, NULL);
  g_signal_connect_swapped (conversation, "notify::display-title",
                            G_CALLBACK (g_atomic_int_inc), &notified);

  cfai_conversation_rename (conversation, "  My chat  ");
  g_assert_cmpstr (cfai_conversation_get_title (conversation), ==, "My chat");
  g_assert_true (cfai_conversation_get_title_is_custom (conversation));
  g_assert_cmpuint (notified, ==, 1);

  /* A custom title is kept when the first message arrives. */
  cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, "What is a monad?");
  g_assert_cmpstr (cfai_conversation_get_title (conversation), ==, "My chat");

  /* The same title again changes nothing. */
  cfai_conversation_rename (conversation, "My chat");
  g_assert_cmpuint (notified, ==, 1);

  /* A blank name goes back to the automatic title. */
  cfai_conversation_rename (conversation, "   ");
  g_assert_cmpstr (cfai_conversation_get_title (conversation), ==, "What is a monad?");
  g_assert_false (cfai_conversation_get_title_is_custom (conversation));

  g_object_set (conversation, "title", "Monads", NULL);
  g_assert_true (cfai_conversation_get_title_is_custom (conversation));
  close_store (store);

  store = open_store (fixture->path);
  g_assert_cmpstr (cfai_conversation_get_title (conversation_at (store, 0)), ==, "Monads");
  g_assert_true (cfai_conversation_get_title_is_custom (conversation_at (store, 0)));
  close_store (store);
}

static void
test_settings (Fixture       *fixture,
               gconstpointer  data)
{
  CfaiChatStore *store = open_store (fixture->path);
  CfaiConversation *conversation = cfai_chat_store_create_conversation (store, &defaults);
  g_autoptr(CfaiChatRequest) request = NULL;
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GError) error = NULL;
  CfaiMessage *failed;

  g_object_set (conversation,
                "model", "@cf/openai/gpt-oss-20b",
                "system-prompt", "",
                "max-tokens", (gint64) 4096,
                "temperature", -1.0,
                "top-p", 0.9,
                "seed", (gint64) -1,
                "reasoning-effort", "high",
                "lora", "my-adapter",
                NULL);
  g_assert_null (cfai_conversation_get_system_prompt (conversation));
  g_assert_cmpfloat (cfai_conversation_get_temperature (conversation), ==, CFAI_UNSET);

  cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, "one");
  cfai_message_append_content (cfai_conversation_begin_answer (conversation), "two", -1);
  cfai_message_set_state (message_at (conversation, 1), CFAI_MESSAGE_STATE_STOPPED);
  cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, "three");
  failed = cfai_conversation_begin_answer (conversation);
  cfai_message_set_state (failed, CFAI_MESSAGE_STATE_ERROR);
  cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, "four");
  cfai_conversation_begin_answer (conversation);

  /* The request has the settings and the history without the failed and
   * the streaming answers. */
  request = cfai_conversation_build_request (conversation);
  g_assert_cmpstr (cfai_chat_request_get_model (request), ==, "@cf/openai/gpt-oss-20b");
  g_assert_cmpstr (cfai_chat_request_get_session_key (request), ==,
                   cfai_conversation_get_session_key (conversation));
  g_assert_cmpuint (cfai_chat_request_get_n_messages (request), ==, 4);
  json = cfai_chat_request_to_json (request, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (json, NULL), g_bytes_get_size (json),
                                  "\"max_tokens\":4096"));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (json, NULL), g_bytes_get_size (json),
                                  "\"top_p\":0.9"));
  g_assert_null (g_strstr_len (g_bytes_get_data (json, NULL), g_bytes_get_size (json),
                               "temperature"));
  close_store (store);

  store = open_store (fixture->path);
  conversation = conversation_at (store, 0);
  g_assert_cmpstr (cfai_conversation_get_model (conversation), ==, "@cf/openai/gpt-oss-20b");
  g_assert_cmpint (cfai_conversation_get_max_tokens (conversation), ==, 4096);
  g_assert_cmpfloat (cfai_conversation_get_temperature (conversation), ==, CFAI_UNSET);
  g_assert_cmpfloat (cfai_conversation_get_top_p (conversation), ==, 0.9);
  g_assert_cmpint (cfai_conversation_get_seed (conversation), ==, CFAI_UNSET);
  g_assert_cmpstr (cfai_conversation_get_reasoning_effort (conversation), ==, "high");
  g_assert_cmpstr (cfai_conversation_get_lora (conversation), ==, "my-adapter");
  g_assert_null (cfai_conversation_get_system_prompt (conversation));
  close_store (store);
}

static void
test_delete_and_undo (Fixture       *fixture,
                      gconstpointer  data)
{
  CfaiChatStore *store = open_store (fixture->path);
  GListModel *list = cfai_chat_store_get_conversations (store);
  g_autoptr(CfaiConversation) keep = NULL;
  CfaiConversation *gone;
  gint64 keep_id, gone_id;
  sqlite3 *raw;

  keep = g_object_ref (cfai_chat_store_create_conversation (store, &defaults));
  keep_id = cfai_conversation_get_id (keep);
  cfai_conversation_add_message (keep, CFAI_CHAT_ROLE_USER, "keep me");
  gone = cfai_chat_store_create_conversation (store, &defaults);
  gone_id = cfai_conversation_get_id (gone);
  cfai_conversation_add_message (gone, CFAI_CHAT_ROLE_USER, "delete me");
  cfai_message_set_usage (cfai_conversation_begin_answer (gone), 5, 6, CFAI_UNSET, CFAI_UNSET);
  cfai_message_set_state (message_at (gone, 1), CFAI_MESSAGE_STATE_COMPLETE);

  /* Deleted: out of the list at once, still in the file for the undo. */
  cfai_chat_store_delete_conversation (store, keep);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_assert_true (cfai_chat_store_lookup_conversation (store, keep_id) == keep);
  g_assert_true (store_flush (store, NULL));
  raw = open_raw (fixture->path);
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM conversations WHERE deleted_at IS NOT NULL;"), ==, 1);

  /* Undo puts it back where it was, messages and all. */
  cfai_chat_store_undo_delete_conversation (store, keep);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);
  g_assert_true (conversation_at (store, 1) == keep);
  g_assert_cmpuint (cfai_conversation_get_message_count (keep), ==, 1);
  g_assert_true (store_flush (store, NULL));
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM conversations WHERE deleted_at IS NOT NULL;"), ==, 0);

  /* Purged when the toast goes: rows gone, the usage log stays. */
  cfai_chat_store_delete_conversation (store, gone);
  cfai_chat_store_purge_conversation (store, gone);
  g_assert_null (cfai_chat_store_lookup_conversation (store, gone_id));
  g_assert_true (store_flush (store, NULL));
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM conversations;"), ==, 1);
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM messages;"), ==, 1);
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM usage WHERE message_id IS NULL "
                                 "AND completion_tokens = 6;"), ==, 1);

  /* Deleted but never purged (the app quit with the toast up): gone at
   * the next start. */
  cfai_chat_store_delete_conversation (store, keep);
  close_store (store);
  store = open_store (fixture->path);
  g_assert_cmpuint (g_list_model_get_n_items (cfai_chat_store_get_conversations (store)), ==, 0);
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM conversations;"), ==, 0);
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM messages;"), ==, 0);
  sqlite3_close (raw);
  close_store (store);
}

static void
test_delete_message (Fixture       *fixture,
                     gconstpointer  data)
{
  CfaiChatStore *store = open_store (fixture->path);
  CfaiConversation *conversation = cfai_chat_store_create_conversation (store, &defaults);
  g_autoptr(CfaiMessage) middle = NULL;
  CfaiMessage *first, *last;
  gint64 first_id;

  first = cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, "one");
  first_id = cfai_message_get_id (first);
  middle = g_object_ref (cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_ASSISTANT, "two"));
  last = cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, "three");
  g_assert_true (store_flush (store, NULL));

  cfai_conversation_delete_message (conversation, middle);
  g_assert_null (cfai_message_get_conversation (middle));
  g_assert_cmpuint (cfai_conversation_get_message_count (conversation), ==, 2);
  g_assert_cmpint (cfai_message_get_parent_id (last), ==, first_id);
  /* A deleted message changing (a stream still running) writes nothing. */
  cfai_message_append_content (middle, " more", -1);
  close_store (store);

  store = open_store (fixture->path);
  conversation = conversation_at (store, 0);
  g_assert_cmpuint (cfai_conversation_get_message_count (conversation), ==, 2);
  conversation_load (conversation);
  g_assert_cmpstr (cfai_message_get_content (message_at (conversation, 0)), ==, "one");
  g_assert_cmpstr (cfai_message_get_content (message_at (conversation, 1)), ==, "three");
  g_assert_cmpint (cfai_message_get_parent_id (message_at (conversation, 1)), ==, first_id);
  close_store (store);
}

static void
test_drafts (Fixture       *fixture,
             gconstpointer  data)
{
  CfaiChatStore *store = open_store (fixture->path);
  CfaiConversation *conversation = cfai_chat_store_create_conversation (store, &defaults);
  gint64 updated_at = cfai_conversation_get_updated_at (conversation);
  sqlite3 *raw;

  cfai_conversation_set_draft (conversation, "half a thou");
  cfai_conversation_set_draft (conversation, "half a thought");
  /* A draft is not activity: the chat keeps its place. */
  g_assert_cmpint (cfai_conversation_get_updated_at (conversation), ==, updated_at);
  close_store (store);

  store = open_store (fixture->path);
  conversation = conversation_at (store, 0);
  g_assert_cmpstr (cfai_conversation_get_draft (conversation), ==, "half a thought");
  cfai_conversation_set_draft (conversation, "");
  g_assert_cmpstr (cfai_conversation_get_draft (conversation), ==, "");
  close_store (store);

  raw = open_raw (fixture->path);
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM drafts;"), ==, 0);
  sqlite3_close (raw);
}

/* What makes a chat blank, also as read back before its messages are. */
static void
test_blank (Fixture       *fixture,
            gconstpointer  data)
{
  CfaiChatStore *store = open_store (fixture->path);
  CfaiConversation *blank = cfai_chat_store_create_conversation (store, &defaults);
  CfaiConversation *drafted = cfai_chat_store_create_conversation (store, &defaults);
  CfaiConversation *answered = cfai_chat_store_create_conversation (store, &defaults);
  CfaiConversation *prompted = cfai_chat_store_create_conversation (store, &defaults);
  const char *prompt = defaults.system_prompt;
  gint64 ids[4];

  /* The system prompt new chats get is not something the user wrote. */
  g_assert_true (cfai_conversation_is_blank (blank, prompt));
  g_assert_false (cfai_conversation_is_blank (blank, NULL));
  cfai_conversation_set_system_prompt (prompted, "");
  g_assert_true (cfai_conversation_is_blank (prompted, NULL));
  g_assert_true (cfai_conversation_is_blank (prompted, ""));
  cfai_conversation_set_system_prompt (prompted, "Be brief");
  g_assert_false (cfai_conversation_is_blank (prompted, prompt));
  cfai_conversation_set_draft (drafted, "half");
  g_assert_false (cfai_conversation_is_blank (drafted, prompt));
  cfai_conversation_add_message (answered, CFAI_CHAT_ROLE_USER, "Hello");
  g_assert_false (cfai_conversation_is_blank (answered, prompt));
  /* Numbers do not count. */
  cfai_conversation_set_temperature (blank, 1.2);
  g_assert_true (cfai_conversation_is_blank (blank, prompt));
  cfai_conversation_set_pinned (blank, TRUE);
  g_assert_false (cfai_conversation_is_blank (blank, prompt));
  cfai_conversation_set_pinned (blank, FALSE);
  cfai_conversation_rename (blank, "Mine");
  g_assert_false (cfai_conversation_is_blank (blank, prompt));
  cfai_conversation_rename (blank, NULL);
  g_assert_true (cfai_conversation_is_blank (blank, prompt));

  ids[0] = cfai_conversation_get_id (blank);
  ids[1] = cfai_conversation_get_id (drafted);
  ids[2] = cfai_conversation_get_id (answered);
  ids[3] = cfai_conversation_get_id (prompted);
  close_store (store);

  store = open_store (fixture->path);
  g_assert_false (cfai_conversation_get_loaded (cfai_chat_store_lookup_conversation (store, ids[2])));
  g_assert_true (cfai_conversation_is_blank (cfai_chat_store_lookup_conversation (store, ids[0]), prompt));
  g_assert_false (cfai_conversation_is_blank (cfai_chat_store_lookup_conversation (store, ids[1]), prompt));
  g_assert_false (cfai_conversation_is_blank (cfai_chat_store_lookup_conversation (store, ids[2]), prompt));
  g_assert_true (cfai_conversation_is_blank (cfai_chat_store_lookup_conversation (store, ids[3]), "Be brief"));
  close_store (store);
}

/* Drafts and streamed text wait for the interval; the first save comes
 * within a second and there is one write a second, not one a token. */
static void
test_streaming_saves (Fixture       *fixture,
                      gconstpointer  data)
{
  CfaiChatStore *store = open_store (fixture->path);
  CfaiConversation *conversation = cfai_chat_store_create_conversation (store, &defaults);
  CfaiMessage *answer;
  g_autofree char *saved = NULL;
  gint64 version, start;
  guint appended = 0;
  guint saves = 0;
  sqlite3 *raw;

  cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, "stream");
  answer = cfai_conversation_begin_answer (conversation);
  g_assert_true (store_flush (store, NULL));

  raw = open_raw (fixture->path);
  version = raw_int (raw, "PRAGMA data_version;");

  /* data_version changes when another connection has committed since we
   * last looked: looking every few milliseconds counts the saves. */
  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < 3600 * 1000)
    {
      gint64 now_version;

      cfai_message_append_content (answer, "token ", -1);
      appended++;
      spin (2);
      now_version = raw_int (raw, "PRAGMA data_version;");
      if (now_version != version)
        saves++;
      version = now_version;
    }
  g_assert_cmpuint (appended, >, 300);
  /* Three or four saves in 3.6 s: coalesced, but at least once a second. */
  g_test_message ("%u appends, %u saves", appended, saves);
  g_assert_cmpuint (saves, >=, 3);
  g_assert_cmpuint (saves, <=, 5);

  saved = raw_text (raw, "SELECT content FROM messages WHERE state = 'streaming';");
  g_assert_nonnull (saved);
  g_assert_true (g_str_has_prefix (cfai_message_get_content (answer), saved));
  /* At most a second (and a write) behind. */
  g_assert_cmpuint (strlen (saved), >=, cfai_message_get_content_length (answer) * 2 / 3);

  /* The end is saved at once. */
  cfai_message_set_state (answer, CFAI_MESSAGE_STATE_COMPLETE);
  spin (200);
  g_clear_pointer (&saved, g_free);
  saved = raw_text (raw, "SELECT content FROM messages WHERE state = 'complete' AND role = 'assistant';");
  g_assert_cmpstr (saved, ==, cfai_message_get_content (answer));
  sqlite3_close (raw);
  close_store (store);
}

static void
test_lazy_load (Fixture       *fixture,
                gconstpointer  data)
{
  CfaiChatStore *store = reopen_chat_of (fixture, 130);
  CfaiConversation *conversation = conversation_at (store, 0);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *messages;
  guint first_batch = 0;

  messages = cfai_conversation_get_messages (conversation);
  g_assert_cmpuint (cfai_conversation_get_message_count (conversation), ==, 130);

  cfai_conversation_load_async (conversation, NULL, cfai_test_got_result, &result);
  /* Asking twice waits for the same load. */
  {
    g_autoptr(GAsyncResult) second = NULL;

    cfai_conversation_load_async (conversation, NULL, cfai_test_got_result, &second);
    while (result == NULL)
      {
        guint n = g_list_model_get_n_items (messages);

        if (n > 0 && first_batch == 0)
          first_batch = n;
        g_main_context_iteration (NULL, TRUE);
      }
    g_assert_true (cfai_conversation_load_finish (conversation, cfai_test_wait_for (&second), &error));
    g_assert_no_error (error);
  }
  g_assert_true (cfai_conversation_load_finish (conversation, result, &error));
  g_assert_no_error (error);

  /* The newest page came first, then the rest in front of it. */
  g_assert_cmpuint (first_batch, ==, 50);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 130);
  for (guint i = 0; i < 130; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);
      CfaiMessage *message = message_at (conversation, i);

      g_assert_cmpstr (cfai_message_get_content (message), ==, text);
      if (i > 0)
        g_assert_cmpint (cfai_message_get_parent_id (message), ==,
                         cfai_message_get_id (message_at (conversation, i - 1)));
    }

  /* Loaded already: at once. */
  conversation_load (conversation);
  close_store (store);
}

/* Stands for a window's frames: a source of the frame clock's priority
 * that is ready on every iteration, for a while. */
static gboolean
frame_source (gpointer user_data)
{
  guint *frames = user_data;

  return ++*frames < 20 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* The older messages of a long chat go in only when the main loop has
 * nothing of a window's frame priority to do, so the page shows the
 * newest page where it belongs before binding rows for the rest. */
static void
test_rest_after_frames (Fixture       *fixture,
                        gconstpointer  data)
{
  CfaiChatStore *store = reopen_chat_of (fixture, 130);
  CfaiConversation *conversation = conversation_at (store, 0);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *messages;
  guint frames = 0;

  messages = cfai_conversation_get_messages (conversation);
  cfai_conversation_load_async (conversation, NULL, cfai_test_got_result, &result);
  while (g_list_model_get_n_items (messages) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 50);

  /* The worker runs jobs in order: once this one ran, the rest has been
   * read and its result waits in the main loop. */
  g_assert_true (cfai_chat_store_exec_for_testing (store, "SELECT 1;", NULL));
  g_idle_add_full (G_PRIORITY_HIGH_IDLE + 20, frame_source, &frames, NULL);
  while (frames < 20)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 50);
      g_assert_false (cfai_conversation_get_loaded (conversation));
    }

  g_assert_true (cfai_conversation_load_finish (conversation, cfai_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 130);
  g_assert_cmpstr (cfai_message_get_content (message_at (conversation, 0)), ==, "message 0");
  g_assert_cmpstr (cfai_message_get_content (message_at (conversation, 129)), ==, "message 129");
  close_store (store);
}

/* The helper process: streams into a message until it is killed. */
static gboolean
stream_tick (gpointer user_data)
{
  CfaiMessage *answer = user_data;
  static guint count;
  g_autofree char *delta = g_strdup_printf ("w%05u ", count++);

  cfai_message_append_content (answer, delta, -1);
  if (count % 20 == 0)
    {
      g_print ("appended %u %" G_GINT64_FORMAT "\n", count, g_get_monotonic_time ());
      fflush (stdout);
    }
  return G_SOURCE_CONTINUE;
}

static int
crash_helper (const char *path)
{
  CfaiChatStore *store = open_store (path);
  CfaiConversation *conversation = cfai_chat_store_create_conversation (store, &defaults);
  CfaiMessage *answer;

  cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, "Tell me everything");
  answer = cfai_conversation_begin_answer (conversation);
  g_assert_true (store_flush (store, NULL));
  g_print ("ready\n");
  fflush (stdout);

  g_timeout_add (5, stream_tick, answer);
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

static char *
expected_stream (guint count)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < count; i++)
    g_string_append_printf (text, "w%05u ", i);
  return g_string_free (text, FALSE);
}

static void
test_crash_recovery (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) helper = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *line = NULL;
  g_autofree char *expected = NULL;
  CfaiChatStore *store;
  CfaiConversation *conversation;
  CfaiMessage *answer;
  gint64 ready_at, killed_at;
  guint must_have = 0;
  guint saved_count;

  helper = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             self_exe, "--crash-helper", fixture->path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (helper));

  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready");
  ready_at = g_get_monotonic_time ();

  /* Let it stream (and save) for a while, then kill it mid-word. */
  while (g_get_monotonic_time () - ready_at < 2500 * 1000)
    {
      guint count;
      gint64 at;

      g_clear_pointer (&line, g_free);
      line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_assert_cmpint (sscanf (line, "appended %u %" G_GINT64_FORMAT, &count, &at), ==, 2);
      g_array_append_val (counts, count);
      g_array_append_val (times, at);
    }
  g_subprocess_send_signal (helper, SIGKILL);
  killed_at = g_get_monotonic_time ();
  g_subprocess_wait (helper, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (helper));
  g_assert_cmpint (g_subprocess_get_term_sig (helper), ==, SIGKILL);

  /* What had been appended 1.5 s before the kill (a second of interval,
   * and slack for a slow, shared machine) must be on disk. */
  for (guint i = 0; i < times->len; i++)
    if (g_array_index (times, gint64, i) <= killed_at - 1500 * 1000)
      must_have = g_array_index (counts, guint, i);
  g_assert_cmpuint (must_have, >, 0);

  store = open_store (fixture->path);
  g_assert_cmpuint (cfai_chat_store_get_n_interrupted (store), ==, 1);
  conversation = conversation_at (store, 0);
  conversation_load (conversation);
  answer = message_at (conversation, 1);
  g_assert_cmpint (cfai_message_get_state (answer), ==, CFAI_MESSAGE_STATE_INTERRUPTED);

  saved_count = cfai_message_get_content_length (answer) / strlen ("w00000 ");
  expected = expected_stream (saved_count);
  g_assert_cmpstr (cfai_message_get_content (answer), ==, expected);
  g_assert_cmpuint (saved_count, >=, must_have);
  g_test_message ("killed after %u tokens reported, %u saved, %u required",
                  g_array_index (counts, guint, counts->len - 1), saved_count, must_have);
  close_store (store);
}

static void
count_failure (CfaiChatStore *store,
               const GError  *error,
               gpointer       user_data)
{
  GError **slot = user_data;

  g_clear_error (slot);
  *slot = g_error_copy (error);
}

/* Another program holds the write lock: the save fails after the busy
 * timeout with an error that says so, and nothing is lost. */
static void
test_busy (Fixture       *fixture,
           gconstpointer  data)
{
  CfaiChatStore *store = open_store (fixture->path);
  CfaiConversation *conversation = cfai_chat_store_create_conversation (store, &defaults);
  g_autoptr(GError) reported = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  CfaiMessage *message;
  sqlite3 *raw;

  g_assert_true (store_flush (store, NULL));
  g_signal_connect (store, "save-failed", G_CALLBACK (count_failure), &reported);

  raw = open_raw (fixture->path);
  g_assert_cmpint (sqlite3_exec (raw, "BEGIN IMMEDIATE;", NULL, NULL, NULL), ==, SQLITE_OK);

  message = cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, "while locked");
  g_assert_false (store_flush (store, &error));
  g_assert_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "Close other copies of CfAI"));
  g_assert_error (reported, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_BUSY);
  g_assert_true (cfai_chat_store_get_has_unsaved_changes (store));
  g_assert_cmpstr (cfai_message_get_content (message), ==, "while locked");

  /* Released: the next save writes what was kept. */
  g_assert_cmpint (sqlite3_exec (raw, "ROLLBACK;", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_true (store_flush (store, NULL));
  g_assert_null (cfai_chat_store_get_error (store));
  g_assert_false (cfai_chat_store_get_has_unsaved_changes (store));
  saved = raw_text (raw, "SELECT content FROM messages;");
  g_assert_cmpstr (saved, ==, "while locked");
  sqlite3_close (raw);
  close_store (store);
}

/* A full disk and a connection that may not write, made by SQLite itself:
 * the store says what to do, keeps the text, and saves it afterwards. */
static void
test_full_and_read_only (Fixture       *fixture,
                         gconstpointer  data)
{
  CfaiChatStore *store = open_store (fixture->path);
  CfaiConversation *conversation = cfai_chat_store_create_conversation (store, &defaults);
  g_autoptr(GError) reported = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (512 * 1024, 'a');
  g_autofree char *saved = NULL;
  CfaiMessage *answer;
  sqlite3 *raw;

  cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, "fill the disk");
  answer = cfai_conversation_begin_answer (conversation);
  g_assert_true (store_flush (store, NULL));
  g_signal_connect (store, "save-failed", G_CALLBACK (count_failure), &reported);

  /* max_page_count is clamped to the current size: no room to grow. */
  g_assert_true (cfai_chat_store_exec_for_testing (store, "PRAGMA max_page_count = 1;", NULL));
  cfai_message_append_content (answer, big, -1);
  g_assert_false (store_flush (store, &error));
  g_assert_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "Free some space"));
  g_assert_error (reported, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_FULL);
  g_assert_cmpuint (cfai_message_get_content_length (answer), ==, 512 * 1024);
  g_clear_error (&error);
  g_clear_error (&reported);

  /* The same failure again is not reported again. */
  cfai_message_append_content (answer, "b", -1);
  g_assert_false (store_flush (store, &error));
  g_assert_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_FULL);
  g_assert_null (reported);
  g_clear_error (&error);

  g_assert_true (cfai_chat_store_exec_for_testing (store, "PRAGMA max_page_count = 1073741823;"
                                                          "PRAGMA query_only = 1;", NULL));
  cfai_message_set_state (answer, CFAI_MESSAGE_STATE_COMPLETE);
  g_assert_false (store_flush (store, &error));
  g_assert_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "Check that you may write the file"));
  g_assert_error (reported, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_READ_ONLY);

  g_assert_true (cfai_chat_store_exec_for_testing (store, "PRAGMA query_only = 0;", NULL));
  g_assert_true (store_flush (store, NULL));
  raw = open_raw (fixture->path);
  g_assert_cmpint (raw_int (raw, "SELECT length(content) FROM messages WHERE state = 'complete' "
                                 "AND role = 'assistant';"), ==, 512 * 1024 + 1);
  sqlite3_close (raw);
  close_store (store);
}

/* A file the user may not write (not for root, who may write anything). */
static void
test_read_only_file (Fixture       *fixture,
                     gconstpointer  data)
{
  CfaiChatStore *store;
  CfaiConversation *conversation;
  g_autoptr(GError) error = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("root may write read-only files; covered by query_only above");
      return;
    }

  store = open_store (fixture->path);
  cfai_conversation_add_message (cfai_chat_store_create_conversation (store, &defaults),
                                 CFAI_CHAT_ROLE_USER, "before");
  close_store (store);
  g_assert_cmpint (g_chmod (fixture->path, 0444), ==, 0);
  g_assert_cmpint (g_chmod (fixture->dir, 0555), ==, 0);

  store = open_store (fixture->path);
  conversation = conversation_at (store, 0);
  conversation_load (conversation);
  g_assert_cmpstr (cfai_message_get_content (message_at (conversation, 0)), ==, "before");
  cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, "after");
  g_assert_false (store_flush (store, &error));
  g_assert_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_READ_ONLY);
  g_assert_cmpstr (cfai_message_get_content (message_at (conversation, 1)), ==, "after");
  close_store (store);
}

/* A file we cannot read: chatting goes on in memory, the file is never
 * written, and every save says why. */
static void
test_unreadable_file (Fixture       *fixture,
                      gconstpointer  data)
{
  gboolean too_new = GPOINTER_TO_INT (data);
  int expected_code = too_new ? CFAI_DATABASE_ERROR_TOO_NEW : CFAI_DATABASE_ERROR_CORRUPT;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;
  CfaiChatStore *store;
  CfaiConversation *conversation;
  CfaiMessage *message;

  if (too_new)
    {
      CfaiDatabase *db = cfai_database_open (fixture->path, &error);
      g_autofree char *bump = g_strdup_printf ("PRAGMA journal_mode = DELETE; PRAGMA user_version = %d;",
                                               cfai_database_get_latest_version () + 1);

      g_assert_no_error (error);
      g_assert_cmpint (sqlite3_exec (cfai_database_get_handle (db), bump, NULL, NULL, NULL), ==, SQLITE_OK);
      g_assert_finalize_object (db);
    }
  else
    {
      g_autofree char *garbage = g_strnfill (4096, 'z');

      g_file_set_contents (fixture->path, garbage, -1, &error);
      g_assert_no_error (error);
    }
  g_file_get_contents (fixture->path, &before, &before_len, &error);
  g_assert_no_error (error);

  store = cfai_chat_store_new (fixture->path);
  g_assert_false (store_load (store, &error));
  g_assert_error (error, CFAI_DATABASE_ERROR, expected_code);
  g_clear_error (&error);
  g_assert_true (cfai_chat_store_get_loaded (store));
  g_assert_nonnull (cfai_chat_store_get_error (store));

  conversation = cfai_chat_store_create_conversation (store, &defaults);
  message = cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, "in memory");
  cfai_message_append_content (message, " only", -1);
  g_assert_false (store_flush (store, &error));
  g_assert_error (error, CFAI_DATABASE_ERROR, expected_code);
  g_clear_error (&error);
  g_assert_cmpstr (cfai_message_get_content (message), ==, "in memory only");
  g_assert_cmpuint (g_list_model_get_n_items (cfai_chat_store_get_conversations (store)), ==, 1);
  close_store (store);

  g_file_get_contents (fixture->path, &after, &after_len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (before, before_len, after, after_len);
}

/* Quitting in the middle of an answer saves what arrived. */
static void
test_save_on_dispose (Fixture       *fixture,
                      gconstpointer  data)
{
  CfaiChatStore *store = open_store (fixture->path);
  CfaiConversation *conversation = cfai_chat_store_create_conversation (store, &defaults);
  CfaiMessage *answer;

  cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, "q");
  answer = cfai_conversation_begin_answer (conversation);
  g_assert_true (store_flush (store, NULL));
  cfai_message_append_content (answer, "partial", -1);
  /* No flush: the store is dropped with the text unsaved. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (store);

  store = open_store (fixture->path);
  conversation = conversation_at (store, 0);
  conversation_load (conversation);
  g_assert_cmpstr (cfai_message_get_content (message_at (conversation, 1)), ==, "partial");
  g_assert_cmpint (cfai_message_get_state (message_at (conversation, 1)), ==,
                   CFAI_MESSAGE_STATE_INTERRUPTED);
  close_store (store);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--crash-helper"))
    return crash_helper (argv[2]);

  self_exe = argv[0];
  g_test_init (&argc, &argv, NULL);
  cfai_test_isolate_home ("cfai-test-chat-store");

#define ADD(name, func) \
  g_test_add ("/chat-store/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/chat-store/title", test_title);
  ADD ("create-and-reopen", test_create_and_reopen);
  ADD ("error-survives", test_error_survives);
  ADD ("order-and-pin", test_order_and_pin);
  ADD ("rename", test_rename);
  ADD ("settings", test_settings);
  ADD ("delete-and-undo", test_delete_and_undo);
  ADD ("delete-message", test_delete_message);
  ADD ("drafts", test_drafts);
  ADD ("blank", test_blank);
  ADD ("streaming-saves", test_streaming_saves);
  ADD ("lazy-load", test_lazy_load);
  ADD ("rest-after-frames", test_rest_after_frames);
  ADD ("crash-recovery", test_crash_recovery);
  ADD ("busy", test_busy);
  ADD ("full-and-read-only", test_full_and_read_only);
  ADD ("read-only-file", test_read_only_file);
  ADD ("save-on-dispose", test_save_on_dispose);
  g_test_add ("/chat-store/corrupt", Fixture, GINT_TO_POINTER (FALSE),
              fixture_setup, test_unreadable_file, fixture_teardown);
  g_test_add ("/chat-store/too-new", Fixture, GINT_TO_POINTER (TRUE),
              fixture_setup, test_unreadable_file, fixture_teardown);

  return g_test_run ();
}
