/* bench-chat-store.c — how long a long chat takes to open, and what saving costs
 *
 * Builds a conversation of 5,000 messages shaped like a real one (short
 * questions, long Markdown answers with code), writes it through the store,
 * then in a fresh store measures:
 *
 *   - listing the conversations;
 *   - opening the conversation: until the first page (50 messages) is in
 *     the model, and until all of it is;
 *   - the process's resident memory after loading (from /proc/self/statm);
 *   - streaming an answer at 500 tokens a second for a few seconds with
 *     that chat open: how many saves, how long each took on the worker
 *     (round trip of a flush) and the longest main-loop iteration, the
 *     stall a frame would see.
 *
 * Everything is checked (counts, order, text), so a bench that silently
 * loaded nothing fails instead of looking fast.  CFAI_BENCH_MESSAGES
 * overrides the number of messages (default 5000).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cfai-chat-store.h"
#include "cfai-test-async.h"
#include "cfai-test-home.h"

#define DEFAULT_MESSAGES 5000
#define STREAM_SECONDS   5
#define TOKENS_PER_SECOND 500

static const CfaiConversationDefaults defaults = {
  .model = "@cf/meta/llama-3.1-8b-instruct",
  .max_tokens = 2048,
  .temperature = CFAI_UNSET,
  .top_p = CFAI_UNSET,
  .seed = CFAI_UNSET,
};

static char *
answer_text (guint i)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "## Answer %u\n\nHere is how it works, step by step:\n\n", i);
  for (guint j = 0; j < 5; j++)
    g_string_append_printf (text, "- Point %u: the **model** streams tokens and the view "
                                  "appends them without re-parsing what is done.\n", j);
  g_string_append (text, "\n```c\n#include <stdio.h>\n\nint\nmain (void)\n{\n");
  for (guint j = 0; j < 12; j++)
    g_string_append_printf (text, "  printf (\"line %u of answer %u\\n\");\n", j, i);
  g_string_append (text, "  return 0;\n}\n```\n\nThat is all there is to it.\n");
  return g_string_free (text, FALSE);
}

static void
build (const char *path,
       guint       n_messages)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CfaiChatStore *store = cfai_chat_store_new (path);
  CfaiConversation *conversation;
  gint64 start;

  cfai_chat_store_load_async (store, NULL, cfai_test_got_result, &result);
  g_assert_true (cfai_chat_store_load_finish (store, cfai_test_wait_for (&result), &error));
  g_clear_object (&result);

  start = g_get_monotonic_time ();
  conversation = cfai_chat_store_create_conversation (store, &defaults);
  for (guint i = 0; i < n_messages; i++)
    {
      if (i % 2 == 0)
        {
          g_autofree char *question = g_strdup_printf ("Question %u: how does streaming work "
                                                       "in this app, and why is it fast?", i);
          cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, question);
        }
      else
        {
          g_autofree char *answer = answer_text (i);
          CfaiMessage *message = cfai_conversation_begin_answer (conversation);

          cfai_message_append_content (message, answer, -1);
          cfai_message_set_usage (message, 1200 + i, 400, 1000, 3.2);
          cfai_message_set_timings (message, 210, 4100, 97.5);
          cfai_message_set_finish_reason (message, "stop");
          cfai_message_set_state (message, CFAI_MESSAGE_STATE_COMPLETE);
        }
    }
  g_print ("create %u messages in memory:       %8.1f ms\n", n_messages, cfai_bench_ms_since (start));

  cfai_chat_store_flush_async (store, NULL, cfai_test_got_result, &result);
  g_assert_true (cfai_chat_store_flush_finish (store, cfai_test_wait_for (&result), &error));
  g_print ("  ... and saved (one transaction):     %8.1f ms\n", cfai_bench_ms_since (start));
  g_clear_object (&result);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (store);
}

typedef struct
{
  guint  saves;
  double save_ms_total;
  double save_ms_max;
  gint64 save_started;
  gboolean saving;
} Saving;

static void
flush_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Saving *saving = user_data;
  g_autoptr(GError) error = NULL;
  double ms = cfai_bench_ms_since (saving->save_started);

  g_assert_true (cfai_chat_store_flush_finish (CFAI_CHAT_STORE (object), result, &error));
  saving->saves++;
  saving->save_ms_total += ms;
  saving->save_ms_max = MAX (saving->save_ms_max, ms);
  saving->saving = FALSE;
}

int
main (int   argc,
      char *argv[])
{
  const char *env = g_getenv ("CFAI_BENCH_MESSAGES");
  guint n_messages = env ? (guint) atoi (env) : DEFAULT_MESSAGES;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  CfaiChatStore *store;
  CfaiConversation *conversation;
  GListModel *messages;
  CfaiMessage *answer;
  Saving saving = { 0 };
  double rss_before, first_page_ms = -1, all_ms, worst_iteration_ms = 0;
  double open_worst_iteration_ms = 0;
  gint64 start, stream_start, next_token;
  guint tokens = 0;

  path = g_build_filename (cfai_test_isolate_home ("cfai-bench-chat-store"), "history.sqlite", NULL);

  build (path, n_messages);

  rss_before = cfai_bench_rss_mb ();
  store = cfai_chat_store_new (path);
  start = g_get_monotonic_time ();
  cfai_chat_store_load_async (store, NULL, cfai_test_got_result, &result);
  g_assert_true (cfai_chat_store_load_finish (store, cfai_test_wait_for (&result), &error));
  g_clear_object (&result);
  g_print ("list conversations:                  %8.1f ms\n", cfai_bench_ms_since (start));

  conversation = g_list_model_get_item (cfai_chat_store_get_conversations (store), 0);
  g_object_unref (conversation);   /* the store keeps it */
  messages = cfai_conversation_get_messages (conversation);
  g_assert_cmpuint (cfai_conversation_get_message_count (conversation), ==, n_messages);

  start = g_get_monotonic_time ();
  cfai_conversation_load_async (conversation, NULL, cfai_test_got_result, &result);
  while (result == NULL)
    {
      gint64 before = g_get_monotonic_time ();

      /* Not blocking: the wait for the worker is not main-thread work. */
      if (!g_main_context_iteration (NULL, FALSE))
        {
          g_usleep (100);
          continue;
        }
      open_worst_iteration_ms = MAX (open_worst_iteration_ms, cfai_bench_ms_since (before));
      if (first_page_ms < 0 && g_list_model_get_n_items (messages) > 0)
        first_page_ms = cfai_bench_ms_since (start);
    }
  g_assert_true (cfai_conversation_load_finish (conversation, result, &error));
  all_ms = cfai_bench_ms_since (start);
  g_clear_object (&result);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, n_messages);
  {
    g_autoptr(CfaiMessage) last = g_list_model_get_item (messages, n_messages - 1);
    g_autofree char *expected = answer_text (n_messages - 1);

    if (n_messages % 2 == 0)
      g_assert_cmpstr (cfai_message_get_content (last), ==, expected);
  }

  g_print ("open the chat: first 50 messages:    %8.1f ms\n", first_page_ms);
  g_print ("open the chat: all %u messages:    %8.1f ms\n", n_messages, all_ms);
  g_print ("  longest main-loop iteration:       %8.2f ms\n", open_worst_iteration_ms);
  g_print ("RSS after load:                      %8.1f MB (%.1f MB before opening)\n",
           cfai_bench_rss_mb (), rss_before);

  /* Stream an answer with the chat open; saves happen by themselves. */
  cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, "One more, a long one.");
  answer = cfai_conversation_begin_answer (conversation);
  stream_start = next_token = g_get_monotonic_time ();
  while (g_get_monotonic_time () - stream_start < STREAM_SECONDS * G_USEC_PER_SEC)
    {
      gint64 before = g_get_monotonic_time ();
      double iteration_ms;

      while (g_get_monotonic_time () >= next_token)
        {
          cfai_message_append_content (answer, tokens % 40 == 39 ? " word\n" : " word", -1);
          tokens++;
          next_token += G_USEC_PER_SEC / TOKENS_PER_SECOND;
        }
      g_main_context_iteration (NULL, FALSE);
      iteration_ms = cfai_bench_ms_since (before);
      worst_iteration_ms = MAX (worst_iteration_ms, iteration_ms);
      g_usleep (500);
    }
  g_print ("stream %u tokens at %u/s for %d s:\n", tokens, TOKENS_PER_SECOND, STREAM_SECONDS);
  g_print ("  longest main-loop iteration:       %8.2f ms\n", worst_iteration_ms);

  /* Each save of the growing answer, timed on its own: the cost of the
   * once-a-second save at the answer's size. */
  for (guint size_kb = 16; size_kb <= 256; size_kb *= 4)
    {
      saving = (Saving) { 0 };
      while (cfai_message_get_content_length (answer) < size_kb * 1024)
        cfai_message_append_content (answer, " word word word word word word word word", -1);
      for (guint i = 0; i < 5; i++)
        {
          cfai_message_append_content (answer, " more", -1);
          saving.save_started = g_get_monotonic_time ();
          saving.saving = TRUE;
          cfai_chat_store_flush_async (store, NULL, flush_done, &saving);
          while (saving.saving)
            g_main_context_iteration (NULL, TRUE);
        }
      g_print ("  save of a %3u KiB streaming answer: %7.2f ms average, %.2f ms worst "
               "(worker round trip)\n",
               size_kb, saving.save_ms_total / saving.saves, saving.save_ms_max);
    }

  cfai_message_set_state (answer, CFAI_MESSAGE_STATE_COMPLETE);
  cfai_chat_store_flush_async (store, NULL, cfai_test_got_result, &result);
  g_assert_true (cfai_chat_store_flush_finish (store, cfai_test_wait_for (&result), &error));
  g_clear_object (&result);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (store);

  return 0;
}
