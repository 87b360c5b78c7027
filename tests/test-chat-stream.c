/* test-chat-stream.c — CfaiClient and CfaiChatStream against the fake server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cfai-chat-stream.h"
#include "cfai-client.h"
#include "cfai-error.h"
#include "cfai-model-catalog.h"
#include "cfai-test-server.h"
#include "cfai-test-home.h"

#define LLAMA   "@cf/meta/llama-3.3-70b-instruct-fp8-fast"
#define GPT_OSS "@cf/openai/gpt-oss-20b"
#define DEEPSEEK_R1 "@cf/deepseek-ai/deepseek-r1-distill-qwen-32b"
#define QWQ     "@cf/qwen/qwq-32b"
#define KIMI    "@cf/moonshotai/kimi-k2.6"

static CfaiTestServer *server;

typedef struct
{
  GString      *deltas;
  GString      *reasoning;
  guint         n_deltas;
  guint         n_reclassified;
  GError       *error;
  gboolean      done;
  GCancellable *cancel_after_first;
} Outcome;

static CfaiClient *
make_client (const char *scenario)
{
  g_autofree char *base = cfai_test_server_api_base (server, scenario);
  CfaiClient *client = cfai_client_new ();

  cfai_credentials_set_api_base_url (cfai_client_get_credentials (client), base);
  cfai_credentials_set_account_id (cfai_client_get_credentials (client), "test-account");
  cfai_credentials_set_api_token (cfai_client_get_credentials (client), "test-token");
  return client;
}

static void
on_text (CfaiChatStream *stream,
         const char     *delta,
         Outcome        *outcome)
{
  g_assert_cmpstr (delta, !=, "");
  g_string_append (outcome->deltas, delta);
  outcome->n_deltas++;
  if (outcome->cancel_after_first != NULL)
    g_cancellable_cancel (outcome->cancel_after_first);
}

static void
on_reasoning (CfaiChatStream *stream,
              const char     *delta,
              Outcome        *outcome)
{
  g_string_append (outcome->reasoning, delta);
}

/* Does what a view showing the answer does: moves what it showed. */
static void
on_reclassified (CfaiChatStream *stream,
                 const char     *text,
                 Outcome        *outcome)
{
  g_assert_cmpstr (text, !=, "");
  g_assert_cmpstr (text, ==, outcome->deltas->str);
  /* The stream has moved it already. */
  g_assert_cmpstr (cfai_chat_stream_get_text (stream), ==, "");
  g_assert_true (g_str_has_suffix (cfai_chat_stream_get_reasoning (stream), text));

  g_string_append (outcome->reasoning, text);
  g_string_truncate (outcome->deltas, 0);
  outcome->n_reclassified++;
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Outcome *outcome = user_data;

  cfai_run_execute_finish (CFAI_RUN (source), result, &outcome->error);
  outcome->done = TRUE;
}

static CfaiChatStream *
run_chat (const char   *scenario,
          const char   *model,
          gboolean      stream,
          GCancellable *cancellable,
          Outcome      *outcome)
{
  g_autoptr(CfaiClient) client = make_client (scenario);
  g_autoptr(CfaiChatRequest) request = cfai_chat_request_new (model);
  CfaiChatStream *chat;

  cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Tell me about the sea");
  cfai_chat_request_set_max_tokens (request, 64);
  cfai_chat_request_set_stream (request, stream);

  outcome->deltas = g_string_new (NULL);
  outcome->reasoning = g_string_new (NULL);
  chat = cfai_chat_stream_new (client, request);
  g_signal_connect (chat, "text-delta", G_CALLBACK (on_text), outcome);
  g_signal_connect (chat, "reasoning-delta", G_CALLBACK (on_reasoning), outcome);
  g_signal_connect (chat, "text-reclassified", G_CALLBACK (on_reclassified), outcome);
  cfai_run_execute_async (CFAI_RUN (chat), cancellable, on_done, outcome);
  while (!outcome->done)
    g_main_context_iteration (NULL, TRUE);
  return chat;
}

static void
outcome_clear (Outcome *outcome)
{
  g_string_free (outcome->deltas, TRUE);
  g_string_free (outcome->reasoning, TRUE);
  g_clear_error (&outcome->error);
}

static char *
reference_text (void)
{
  Outcome outcome = { 0 };
  CfaiChatStream *chat = run_chat (NULL, LLAMA, TRUE, NULL, &outcome);
  char *text = g_strdup (cfai_chat_stream_get_text (chat));

  g_assert_no_error (outcome.error);
  g_assert_finalize_object (chat);
  outcome_clear (&outcome);
  return text;
}

static void
test_native_stream (void)
{
  Outcome outcome = { 0 };
  CfaiChatStream *chat = run_chat (NULL, LLAMA, TRUE, NULL, &outcome);
  gint64 prompt, completion, total;

  g_assert_no_error (outcome.error);
  /* Token by token: many deltas, and they add up to the final text. */
  g_assert_cmpuint (outcome.n_deltas, >, 5);
  g_assert_cmpstr (outcome.deltas->str, ==, cfai_chat_stream_get_text (chat));
  g_assert_nonnull (strstr (cfai_chat_stream_get_text (chat), "Tell me about the sea"));
  /* Padding is never text. */
  g_assert_null (strstr (cfai_chat_stream_get_text (chat), "\"p\""));
  g_assert_true (cfai_chat_stream_get_usage (chat, &prompt, &completion, &total));
  g_assert_cmpint (prompt, >, 0);
  g_assert_cmpint (completion, >, 0);
  g_assert_cmpint (total, ==, prompt + completion);
  /* The classic format reports no neurons. */
  g_assert_cmpfloat (cfai_chat_stream_get_neurons (chat), ==, -1);
  g_assert_cmpint (cfai_chat_stream_get_time_to_first_token (chat), >=, 0);
  g_assert_false (cfai_chat_stream_get_truncated (chat));
  g_assert_finalize_object (chat);
  outcome_clear (&outcome);
}

/* @scenario changes how the answer travels, not what it says: the text
 * is the plain stream's, whole. */
static void
assert_reference_text (const char *scenario)
{
  g_autofree char *reference = reference_text ();
  Outcome outcome = { 0 };
  CfaiChatStream *chat = run_chat (scenario, LLAMA, TRUE, NULL, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_cmpstr (cfai_chat_stream_get_text (chat), ==, reference);
  g_assert_false (cfai_chat_stream_get_truncated (chat));
  g_assert_finalize_object (chat);
  outcome_clear (&outcome);
}

static void
test_awkward_chunks_same_text (void)
{
  assert_reference_text ("chunked-awkward");
}

static void
test_chat_completions_reasoning (void)
{
  Outcome outcome = { 0 };
  CfaiChatStream *chat = run_chat ("reasoning", GPT_OSS, TRUE, NULL, &outcome);
  gint64 prompt, completion, total;
  double neurons, reported;

  g_assert_no_error (outcome.error);
  g_assert_cmpstr (outcome.reasoning->str, !=, "");
  g_assert_cmpstr (outcome.reasoning->str, ==, cfai_chat_stream_get_reasoning (chat));
  g_assert_cmpstr (cfai_chat_stream_get_text (chat), !=, "");
  g_assert_nonnull (cfai_chat_stream_get_finish_reason (chat));
  /* The cumulative final usage, not the sum of per-chunk usage. */
  g_assert_true (cfai_chat_stream_get_usage (chat, &prompt, &completion, &total));
  g_assert_cmpint (total, ==, prompt + completion);
  /* Its native final event says what was billed: gpt-oss-20b's file
   * prices $0.20 and $0.30 per million tokens, at $0.011 per 1,000
   * neurons, to two decimals. */
  neurons = (double) (gint64) ((prompt * 0.2 + completion * 0.3) / 1e6 / 0.011 * 1000 * 100 + 0.5) / 100;
  g_assert_cmpfloat (neurons, >, 0);
  g_assert_cmpfloat_with_epsilon (cfai_chat_stream_get_neurons (chat), neurons, 1e-9);
  g_object_get (chat, "neurons", &reported, NULL);
  g_assert_cmpfloat (reported, ==, cfai_chat_stream_get_neurons (chat));
  g_assert_finalize_object (chat);
  outcome_clear (&outcome);
}

static void
test_think_tags (void)
{
  Outcome outcome = { 0 };
  CfaiChatStream *chat = run_chat ("think-tags", LLAMA, TRUE, NULL, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_cmpstr (cfai_chat_stream_get_reasoning (chat), !=, "");
  g_assert_null (strstr (cfai_chat_stream_get_text (chat), "<think>"));
  g_assert_null (strstr (cfai_chat_stream_get_text (chat), "</think>"));
  g_assert_null (strstr (cfai_chat_stream_get_reasoning (chat), "think>"));
  g_assert_finalize_object (chat);
  outcome_clear (&outcome);
}

/* DeepSeek-R1-distill and QwQ: the thinking streams as text until a lone
 * </think> (split across events, followed by a blank line split too). */
static void
test_think_close_only (void)
{
  static const struct {
    const char *scenario;
    const char *model;
    gboolean    stream;
    guint       n_reclassified;
  } cases[] = {
    { "think-close-only", DEEPSEEK_R1, TRUE, 1 },
    { "think-close-only+chunked-awkward", QWQ, TRUE, 1 },
    /* The chat-completions format, thinking in delta.content. */
    { "think-close-only+reasoning", DEEPSEEK_R1, TRUE, 1 },
    /* In one piece, the decoder sorts it before any text goes out. */
    { "think-close-only", QWQ, FALSE, 0 },
  };
  g_autofree char *reference = reference_text ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Outcome outcome = { 0 };
      CfaiChatStream *chat = run_chat (cases[i].scenario, cases[i].model, cases[i].stream,
                                       NULL, &outcome);
      const char *reasoning = cfai_chat_stream_get_reasoning (chat);

      g_test_message ("%s, %s", cases[i].scenario, cases[i].model);
      g_assert_no_error (outcome.error);
      g_assert_cmpuint (outcome.n_reclassified, ==, cases[i].n_reclassified);

      /* The answer alone, without the blank line after the tag. */
      g_assert_cmpstr (cfai_chat_stream_get_text (chat), ==, reference);
      g_assert_true (g_str_has_prefix (reasoning, "The user wrote \"Tell me about the sea\"."));
      g_assert_null (strstr (reasoning, "think>"));
      g_assert_null (strstr (reasoning, "You said"));

      /* A listener that moves what it showed ends with the same. */
      g_assert_cmpstr (outcome.deltas->str, ==, cfai_chat_stream_get_text (chat));
      g_assert_cmpstr (outcome.reasoning->str, ==, reasoning);

      g_assert_cmpint (cfai_chat_stream_get_time_to_first_token (chat), >=, 0);
      g_assert_finalize_object (chat);
      outcome_clear (&outcome);
    }
}

static void
test_cut_stream_keeps_text (void)
{
  const char *scenarios[] = { "cut-stream", "cut-stream-hard" };

  for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      Outcome outcome = { 0 };
      CfaiChatStream *chat = run_chat (scenarios[i], LLAMA, TRUE, NULL, &outcome);

      g_test_message ("%s: %s", scenarios[i], outcome.error ? outcome.error->message : "no error");
      g_assert_error (outcome.error, CFAI_ERROR, CFAI_ERROR_TRUNCATED_STREAM);
      g_assert_true (cfai_chat_stream_get_truncated (chat));
      g_assert_cmpstr (cfai_chat_stream_get_text (chat), !=, "");
      g_assert_cmpstr (outcome.deltas->str, ==, cfai_chat_stream_get_text (chat));
      g_assert_finalize_object (chat);
      outcome_clear (&outcome);
    }
}

static void
test_json_answer_to_stream (void)
{
  assert_reference_text ("json-for-stream");
}

static void
test_not_streaming (void)
{
  g_autofree char *reference = reference_text ();
  Outcome outcome = { 0 };
  CfaiChatStream *chat = run_chat (NULL, LLAMA, FALSE, NULL, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_cmpuint (outcome.n_deltas, ==, 1);
  g_assert_cmpstr (cfai_chat_stream_get_text (chat), ==, reference);
  g_assert_true (cfai_chat_stream_get_usage (chat, NULL, NULL, NULL));
  g_assert_finalize_object (chat);
  outcome_clear (&outcome);
}

static void
test_cancel_mid_stream (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome outcome = { 0 };
  CfaiChatStream *chat;
  gint64 start = g_get_monotonic_time ();

  /* The slow scenario takes seconds; a cancel after the first token must
   * end the run at once and keep that token. */
  outcome.cancel_after_first = cancellable;
  chat = run_chat ("slow", LLAMA, TRUE, cancellable, &outcome);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (outcome.n_deltas, ==, 1);
  g_assert_cmpstr (cfai_chat_stream_get_text (chat), ==, outcome.deltas->str);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_finalize_object (chat);
  outcome_clear (&outcome);
}

static void
test_api_errors (void)
{
  struct {
    const char *scenario;
    int         code;
  } cases[] = {
    { "error-10000", CFAI_ERROR_AUTH },
    { "error-5007", CFAI_ERROR_NO_SUCH_MODEL },
    { "error-5016", CFAI_ERROR_LICENCE_REQUIRED },
    { "error-5021", CFAI_ERROR_CONTEXT_EXCEEDED },
    { "error-3036", CFAI_ERROR_DAILY_LIMIT },
    { "error-3030", CFAI_ERROR_NSFW },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Outcome outcome = { 0 };
      CfaiChatStream *chat = run_chat (cases[i].scenario, LLAMA, TRUE, NULL, &outcome);

      g_test_message ("%s: %s", cases[i].scenario, outcome.error ? outcome.error->message : "-");
      g_assert_error (outcome.error, CFAI_ERROR, cases[i].code);
      g_assert_cmpstr (outcome.error->message, !=, "");
      g_assert_null (strstr (outcome.error->message, "test-token"));
      if (cases[i].code == CFAI_ERROR_CONTEXT_EXCEEDED)
        {
          gint64 requested = 0, limit = 0;
          g_assert_true (cfai_error_get_context_tokens (outcome.error, &requested, &limit));
          g_assert_cmpint (requested, >, limit);
          g_assert_cmpint (limit, >, 0);
        }
      g_assert_finalize_object (chat);
      outcome_clear (&outcome);
    }
}

static void
on_posted (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

static GBytes *
post_and_wait (CfaiClient                *client,
               const char                *model,
               const char                *json,
               const CfaiGatewayOptions  *gateway,
               CfaiResponseInfo         **info,
               GError                   **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  g_autofree char *url = cfai_client_build_run_url (client, model, error);

  g_assert_nonnull (url);
  cfai_client_send_async (client, SOUP_METHOD_POST, url, "application/json", body, gateway,
                          NULL, on_posted, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return cfai_client_send_finish (client, result, info, error);
}

static void
test_retry_after (void)
{
  g_autoptr(CfaiClient) client = make_client ("rate-limit-ms");
  g_autoptr(GError) error = NULL;
  g_autoptr(CfaiResponseInfo) info = NULL;
  g_autoptr(GBytes) body = NULL;
  gint64 start = g_get_monotonic_time ();

  /* The scenario answers 429 + retry-after-ms: 150 once, then succeeds. */
  body = post_and_wait (client, LLAMA, "{\"prompt\":\"hello\"}", NULL, &info, &error);
  g_assert_no_error (error);
  g_assert_nonnull (body);
  g_assert_cmpuint (info->attempts, ==, 2);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * G_TIME_SPAN_MILLISECOND);
}

static void
test_daily_limit_not_retried (void)
{
  g_autoptr(CfaiClient) client = make_client ("error-3036");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  gint64 start = g_get_monotonic_time ();

  body = post_and_wait (client, LLAMA, "{\"prompt\":\"hello\"}", NULL, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_DAILY_LIMIT);
  /* No retry means no backoff wait either. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 400 * G_TIME_SPAN_MILLISECOND);
}

static void
test_gateway_cache (void)
{
  g_autoptr(CfaiClient) client = make_client (NULL);
  g_autofree char *gateway_base = g_strconcat (server->url, "/v1", NULL);
  g_autoptr(JsonObject) metadata = json_object_new ();
  CfaiGatewayOptions options = { .cache_ttl = 3600, .cache_key = "k-1", .metadata = metadata };
  g_autofree char *url = NULL;
  g_autofree char *expected_url = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (metadata, "user", "tester");
  cfai_client_set_gateway_id (client, "my-gateway");
  cfai_credentials_set_gateway_base_url (cfai_client_get_credentials (client), gateway_base);
  url = cfai_client_build_run_url (client, LLAMA, &error);
  g_assert_no_error (error);
  expected_url = g_strconcat (gateway_base, "/test-account/my-gateway/workers-ai/" LLAMA, NULL);
  g_assert_cmpstr (url, ==, expected_url);

  for (int i = 0; i < 2; i++)
    {
      g_autoptr(CfaiResponseInfo) info = NULL;
      g_autoptr(GBytes) body = post_and_wait (client, LLAMA, "{\"prompt\":\"cache me\"}", &options, &info, &error);

      g_assert_no_error (error);
      g_assert_nonnull (body);
      g_assert_cmpstr (info->gateway_cache_status, ==, i == 0 ? "MISS" : "HIT");
      g_assert_nonnull (info->gateway_log_id);
    }
}

static void
test_gateway_stream (void)
{
  g_autoptr(CfaiClient) client = make_client (NULL);
  g_autoptr(CfaiChatRequest) request = cfai_chat_request_new (LLAMA);
  g_autofree char *gateway_base = g_strconcat (server->url, "/v1", NULL);
  CfaiGatewayOptions options = { .skip_cache = TRUE, .cache_key = "stream-key" };
  Outcome outcome = { 0 };
  CfaiChatStream *chat;

  cfai_client_set_gateway_id (client, "my-gateway");
  cfai_credentials_set_gateway_base_url (cfai_client_get_credentials (client), gateway_base);
  cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Through the gateway");
  outcome.deltas = g_string_new (NULL);
  outcome.reasoning = g_string_new (NULL);

  chat = cfai_chat_stream_new (client, request);
  cfai_run_set_gateway_options (CFAI_RUN (chat), &options);
  g_signal_connect (chat, "text-delta", G_CALLBACK (on_text), &outcome);
  cfai_run_execute_async (CFAI_RUN (chat), NULL, on_done, &outcome);
  while (!outcome.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (outcome.error);
  g_assert_nonnull (strstr (cfai_chat_stream_get_text (chat), "Through the gateway"));
  g_assert_nonnull (cfai_run_get_gateway_log_id (CFAI_RUN (chat)));
  g_assert_finalize_object (chat);
  outcome_clear (&outcome);
}

static void
vision_request (const char        *model,
                CfaiChatImageMode  mode)
{
  g_autoptr(CfaiClient) client = make_client (NULL);
  g_autoptr(CfaiChatRequest) request = cfai_chat_request_new (model);
  g_autofree char *png_path = g_test_build_filename (G_TEST_DIST, "data", "images", "tiny.png", NULL);
  g_autofree char *png = NULL;
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GError) error = NULL;
  Outcome outcome = { 0 };
  CfaiChatStream *chat;
  gsize len;

  g_assert_true (g_file_get_contents (png_path, &png, &len, NULL));
  image = g_bytes_new (png, len);
  cfai_chat_request_set_image_mode (request, mode);
  cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Describe this picture");
  g_assert_true (cfai_chat_request_add_image (request, image, "image/png", &error));
  outcome.deltas = g_string_new (NULL);
  outcome.reasoning = g_string_new (NULL);

  /* The fake server validates the body against the model's schema, so an
   * image part in the wrong shape would fail here. */
  chat = cfai_chat_stream_new (client, request);
  g_signal_connect (chat, "text-delta", G_CALLBACK (on_text), &outcome);
  cfai_run_execute_async (CFAI_RUN (chat), NULL, on_done, &outcome);
  while (!outcome.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (outcome.error);
  g_assert_cmpstr (cfai_chat_stream_get_text (chat), !=, "");
  g_assert_finalize_object (chat);
  outcome_clear (&outcome);
}

static void
test_vision_request_accepted (void)
{
  vision_request ("@cf/mistralai/mistral-small-3.1-24b-instruct", CFAI_CHAT_IMAGES_CONTENT_PARTS);
  vision_request ("@cf/meta/llama-3.2-11b-vision-instruct", CFAI_CHAT_IMAGES_IMAGE_FIELD);
}

typedef struct
{
  gboolean    done;
  GError     *error;
  JsonObject *schema;
} Wait;

static void
on_catalog_refreshed (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Wait *wait = user_data;

  cfai_model_catalog_refresh_finish (CFAI_MODEL_CATALOG (source), result, &wait->error);
  wait->done = TRUE;
}

static void
on_schema_fetched (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Wait *wait = user_data;

  wait->schema = cfai_client_get_model_schema_finish (CFAI_CLIENT (source), result, &wait->error);
  wait->done = TRUE;
}

static void
wait_for (Wait *wait)
{
  while (!wait->done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (wait->error);
}

/* After a refresh from the fake server (Cloudflare's files, whose older
 * entries never name "vision"), every vision model still sees images,
 * and each gets the image in the shape its own schema asks: image_url
 * parts with a data: URL, or Llama 3.2's "image" byte array.  The fake
 * server checks the body against the schema too.  A text-only model is
 * refused before anything is sent. */
static void
test_vision_after_refresh (void)
{
  static const struct
  {
    const char        *model;
    CfaiChatImageMode  mode;
  } vision[] = {
    { "@cf/mistralai/mistral-small-3.1-24b-instruct", CFAI_CHAT_IMAGES_CONTENT_PARTS },
    { "@cf/meta/llama-3.2-11b-vision-instruct", CFAI_CHAT_IMAGES_IMAGE_FIELD },
    { "@cf/google/gemma-4-26b-a4b-it", CFAI_CHAT_IMAGES_CONTENT_PARTS },
    { KIMI, CFAI_CHAT_IMAGES_CONTENT_PARTS },
    { "@cf/qwen/qwen3.8-27b", CFAI_CHAT_IMAGES_CONTENT_PARTS },
  };
  g_autoptr(CfaiClient) client = make_client (NULL);
  g_autoptr(CfaiModelCatalog) catalog = cfai_model_catalog_new (client, NULL);
  g_autofree char *png_path = g_test_build_filename (G_TEST_DIST, "data", "images", "tiny.png", NULL);
  g_autofree char *png = NULL;
  g_autoptr(GBytes) image = NULL;
  Wait refresh = { 0 };
  gsize png_len;

  g_assert_true (g_file_get_contents (png_path, &png, &png_len, NULL));
  image = g_bytes_new (png, png_len);
  cfai_model_catalog_refresh_async (catalog, NULL, on_catalog_refreshed, &refresh);
  wait_for (&refresh);
  g_assert_cmpint (cfai_model_catalog_get_source (catalog), ==, CFAI_MODEL_CATALOG_SOURCE_NETWORK);

  for (gsize i = 0; i < G_N_ELEMENTS (vision); i++)
    {
      CfaiModel *model = cfai_model_catalog_lookup (catalog, vision[i].model);
      g_autoptr(CfaiChatRequest) request = cfai_chat_request_new (vision[i].model);
      g_autoptr(JsonObject) schema = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(JsonNode) body = NULL;
      JsonObject *object;
      JsonArray *messages;
      JsonNode *content;
      Wait fetch = { 0 };
      Outcome outcome = { 0 };
      CfaiChatStream *chat;

      g_test_message ("%s", vision[i].model);
      g_assert_nonnull (model);
      g_assert_true (cfai_model_get_vision (model));

      cfai_client_get_model_schema_async (client, vision[i].model, NULL, on_schema_fetched, &fetch);
      wait_for (&fetch);
      schema = fetch.schema;
      g_assert_cmpint (cfai_chat_image_mode_from_schema (json_object_get_member (schema, "input")), ==,
                       vision[i].mode);
      cfai_chat_request_apply_model_schema (request, schema);
      cfai_chat_request_set_max_tokens (request, 64);
      cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Describe this picture");
      g_assert_true (cfai_chat_request_add_image (request, image, "image/png", &error));
      g_assert_no_error (error);

      bytes = cfai_chat_request_to_json (request, &error);
      g_assert_no_error (error);
      body = json_from_string (g_bytes_get_data (bytes, NULL), &error);
      g_assert_no_error (error);
      object = json_node_get_object (body);
      messages = json_object_get_array_member (object, "messages");
      content = json_object_get_member (json_array_get_object_element (messages, 0), "content");
      if (vision[i].mode == CFAI_CHAT_IMAGES_CONTENT_PARTS)
        {
          JsonArray *parts = json_node_get_array (content);
          JsonObject *part = json_array_get_object_element (parts, 1);

          g_assert_cmpuint (json_array_get_length (parts), ==, 2);
          g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (parts, 0), "text"),
                           ==, "Describe this picture");
          g_assert_cmpstr (json_object_get_string_member (part, "type"), ==, "image_url");
          g_assert_true (g_str_has_prefix (json_object_get_string_member (json_object_get_object_member (part, "image_url"), "url"),
                                           "data:image/png;base64,iVBORw0KGgo"));
          g_assert_false (json_object_has_member (object, "image"));
        }
      else
        {
          JsonArray *array = json_object_get_array_member (object, "image");

          g_assert_cmpstr (json_node_get_string (content), ==, "Describe this picture");
          g_assert_cmpuint (json_array_get_length (array), ==, png_len);
          for (guint b = 0; b < png_len; b++)
            g_assert_cmpint (json_array_get_int_element (array, b), ==, (guchar) png[b]);
        }

      outcome.deltas = g_string_new (NULL);
      outcome.reasoning = g_string_new (NULL);
      chat = cfai_chat_stream_new (client, request);
      g_signal_connect (chat, "text-delta", G_CALLBACK (on_text), &outcome);
      cfai_run_execute_async (CFAI_RUN (chat), NULL, on_done, &outcome);
      while (!outcome.done)
        g_main_context_iteration (NULL, TRUE);
      g_assert_no_error (outcome.error);
      g_assert_cmpstr (cfai_chat_stream_get_text (chat), !=, "");
      g_assert_finalize_object (chat);
      outcome_clear (&outcome);
    }

  /* Text only: Llama 3.3's schema has no image input; GLM-5.3's is the
   * 2026 template that allows image parts for every model, and neither
   * entry says "vision". */
  g_assert_false (cfai_model_get_vision (cfai_model_catalog_lookup (catalog, LLAMA)));
  g_assert_false (cfai_model_get_vision (cfai_model_catalog_lookup (catalog, "@cf/zai-org/glm-5.3")));
  {
    g_autoptr(CfaiChatRequest) request = cfai_chat_request_new (LLAMA);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = NULL;
    Wait fetch = { 0 };

    cfai_client_get_model_schema_async (client, LLAMA, NULL, on_schema_fetched, &fetch);
    wait_for (&fetch);
    cfai_chat_request_apply_model_schema (request, fetch.schema);
    g_clear_pointer (&fetch.schema, json_object_unref);
    cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Describe this picture");
    g_assert_true (cfai_chat_request_add_image (request, image, "image/png", &error));
    bytes = cfai_chat_request_to_json (request, &error);
    g_assert_null (bytes);
    g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
    g_assert_cmpstr (error->message, ==,
                     LLAMA " does not accept images. Remove the image, or pick a model with vision.");
  }
}

/* QwQ's live entry names no "reasoning" (its file in tests/data/models
 * says only context_window, price and lora), but it reasons: the flag
 * the built-in list has stays after a refresh, as vision does.  A model
 * neither list calls reasoning stays without it. */
static void
test_reasoning_after_refresh (void)
{
  g_autoptr(CfaiClient) client = make_client (NULL);
  g_autoptr(CfaiModelCatalog) catalog = cfai_model_catalog_new (client, NULL);
  Wait refresh = { 0 };
  CfaiModel *qwq;

  g_assert_true (cfai_model_get_reasoning (cfai_model_catalog_lookup (catalog, "@cf/qwen/qwq-32b")));
  cfai_model_catalog_refresh_async (catalog, NULL, on_catalog_refreshed, &refresh);
  wait_for (&refresh);
  g_assert_cmpint (cfai_model_catalog_get_source (catalog), ==, CFAI_MODEL_CATALOG_SOURCE_NETWORK);

  qwq = cfai_model_catalog_lookup (catalog, "@cf/qwen/qwq-32b");
  g_assert_nonnull (qwq);
  g_assert_true (cfai_model_get_reasoning (qwq));
  /* Taken from the built-in list, the live entry's other facts stay. */
  g_assert_cmpint (cfai_model_get_context_window (qwq), ==, 24000);
  g_assert_false (cfai_model_get_vision (qwq));
  g_assert_false (cfai_model_get_reasoning (cfai_model_catalog_lookup (catalog, LLAMA)));
}

static void
test_bad_config_errors (void)
{
  g_autoptr(CfaiClient) client = cfai_client_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  url = cfai_client_build_run_url (client, LLAMA, &error);
  g_assert_null (url);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS);
  g_clear_error (&error);

  cfai_credentials_set_account_id (cfai_client_get_credentials (client), "test-account");
  cfai_credentials_set_api_token (cfai_client_get_credentials (client), "test-token");
  url = cfai_client_build_run_url (client, "@cf/../../user/tokens", &error);
  g_assert_null (url);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_NO_SUCH_MODEL);
  g_clear_error (&error);

  cfai_credentials_set_account_id (cfai_client_get_credentials (client), "acct?x=1");
  url = cfai_client_build_run_url (client, LLAMA, &error);
  g_assert_null (url);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS);
}

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

static void
test_verify_token (void)
{
  const char *tokens[] = { "test-token", "wrong-token" };

  for (gsize i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autoptr(CfaiClient) client = make_client (NULL);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      gboolean ok;

      cfai_credentials_set_api_token (cfai_client_get_credentials (client), tokens[i]);
      cfai_client_verify_token_async (client, NULL, on_verified, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      ok = cfai_client_verify_token_finish (client, result, &error);
      if (i == 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, CFAI_ERROR, CFAI_ERROR_AUTH);
        }
    }
}

static void
test_api_base_url_check (void)
{
  static const struct {
    const char *text;
    const char *stored;   /* NULL: refused */
  } cases[] = {
    { "", "" },
    { "   ", "" },
    { "https://api.cloudflare.com/client/v4", "https://api.cloudflare.com/client/v4" },
    { " https://api.cloudflare.com/client/v4/ ", "https://api.cloudflare.com/client/v4" },
    { "http://127.0.0.1:8787/client/v4", "http://127.0.0.1:8787/client/v4" },
    { "HTTPS://proxy.example.net", "HTTPS://proxy.example.net" },
    { "api.cloudflare.com/client/v4", NULL },
    { "ftp://api.cloudflare.com/client/v4", NULL },
    { "https://", NULL },
    { "https:///client/v4", NULL },
    { "https://api.cloudflare.com/client/v4?x=1", NULL },
    { "https://api.cloudflare.com/client/v4#top", NULL },
    { "https://me:secret@api.cloudflare.com/client/v4", NULL },
    { "not a url", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *stored = cfai_client_check_api_base_url (cases[i].text, &error);

      g_test_message ("%s", cases[i].text);
      g_assert_cmpstr (stored, ==, cases[i].stored);
      if (cases[i].stored == NULL)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
          g_assert_cmpuint (strlen (error->message), >, 20);
        }
      else
        {
          g_assert_no_error (error);
        }
    }
}

/* Runs @request on @client as run_chat() does. */
static CfaiChatStream *
run_request (CfaiClient      *client,
             CfaiChatRequest *request,
             Outcome         *outcome)
{
  CfaiChatStream *chat = cfai_chat_stream_new (client, request);

  outcome->deltas = g_string_new (NULL);
  outcome->reasoning = g_string_new (NULL);
  g_signal_connect (chat, "text-delta", G_CALLBACK (on_text), outcome);
  g_signal_connect (chat, "reasoning-delta", G_CALLBACK (on_reasoning), outcome);
  cfai_run_execute_async (CFAI_RUN (chat), NULL, on_done, outcome);
  while (!outcome->done)
    g_main_context_iteration (NULL, TRUE);
  return chat;
}

static void
on_raw_posted (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GBytes **body = user_data;
  g_autoptr(GError) error = NULL;

  *body = cfai_client_send_finish (CFAI_CLIENT (source), result, NULL, &error);
  g_assert_no_error (error);
}

/* Kimi K2.6 and later call the reasoning "reasoning", in streamed chunks
 * (delta.reasoning) and in JSON answers (message.reasoning); both reach
 * the reasoning, not the text. */
static void
test_kimi_reasoning (void)
{
  g_autoptr(CfaiClient) client = make_client (NULL);
  g_autofree char *url = cfai_client_build_run_url (client, KIMI, NULL);
  static const char json[] = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
  g_autoptr(GBytes) request_body = g_bytes_new_static (json, sizeof json - 1);
  g_autoptr(GBytes) raw = NULL;
  g_autofree char *text = NULL;

  for (guint streamed = 0; streamed < 2; streamed++)
    {
      Outcome outcome = { 0 };
      CfaiChatStream *chat = run_chat (NULL, KIMI, streamed, NULL, &outcome);

      g_test_message ("streamed: %u", streamed);
      g_assert_no_error (outcome.error);
      g_assert_cmpstr (cfai_chat_stream_get_reasoning (chat), !=, "");
      g_assert_cmpstr (outcome.reasoning->str, ==, cfai_chat_stream_get_reasoning (chat));
      g_assert_true (g_str_has_prefix (cfai_chat_stream_get_text (chat), "You said: Tell me about the sea"));
      g_assert_null (strstr (cfai_chat_stream_get_text (chat), "I will repeat it back"));
      g_assert_finalize_object (chat);
      outcome_clear (&outcome);
    }

  /* What the fake server sends is the new name only. */
  cfai_client_send_async (client, SOUP_METHOD_POST, url, "application/json", request_body, NULL, NULL,
                          on_raw_posted, &raw);
  while (raw == NULL)
    g_main_context_iteration (NULL, TRUE);
  text = g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  g_assert_nonnull (strstr (text, "\"reasoning\":"));
  g_assert_null (strstr (text, "reasoning_content"));
}

static CfaiChatStream *
run_turn (CfaiClient  *client,
          const char  *session,
          guint        n_turns,
          Outcome     *outcome)
{
  g_autoptr(CfaiChatRequest) request = cfai_chat_request_new (LLAMA);

  cfai_chat_request_set_system_prompt (request, "You are a patient tutor who explains the sea to children.");
  cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Tell me about the sea");
  if (n_turns > 1)
    {
      cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_ASSISTANT, "The sea is large and salty.");
      cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Why is it salty?");
    }
  cfai_chat_request_set_max_tokens (request, 16);
  cfai_chat_request_set_session_key (request, session);
  return run_request (client, request, outcome);
}

/* One key per conversation: the second turn shares the first's prefix,
 * and the usage says how much of the prompt came from the cache. */
static void
test_session_affinity (void)
{
  g_autoptr(CfaiClient) client = make_client (NULL);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *other_key = g_uuid_string_random ();
  Outcome first = { 0 }, second = { 0 }, other = { 0 }, none = { 0 };
  CfaiChatStream *chat;
  gint64 prompt, prompt_second;

  chat = run_turn (client, key, 1, &first);
  g_assert_no_error (first.error);
  /* Cold: nothing cached yet, but the server says so. */
  g_assert_cmpint (cfai_chat_stream_get_cached_tokens (chat), ==, 0);
  g_assert_true (cfai_chat_stream_get_usage (chat, &prompt, NULL, NULL));
  g_assert_finalize_object (chat);

  chat = run_turn (client, key, 2, &second);
  g_assert_no_error (second.error);
  g_assert_true (cfai_chat_stream_get_usage (chat, &prompt_second, NULL, NULL));
  /* The system prompt and the first question, not the new turn. */
  g_assert_cmpint (cfai_chat_stream_get_cached_tokens (chat), ==, prompt);
  g_assert_cmpint (cfai_chat_stream_get_cached_tokens (chat), <, prompt_second);
  g_assert_finalize_object (chat);

  /* Another conversation has its own cache. */
  chat = run_turn (client, other_key, 2, &other);
  g_assert_no_error (other.error);
  g_assert_cmpint (cfai_chat_stream_get_cached_tokens (chat), ==, 0);
  g_assert_finalize_object (chat);

  /* Without a key nothing is reported. */
  chat = run_turn (client, NULL, 2, &none);
  g_assert_no_error (none.error);
  g_assert_cmpint (cfai_chat_stream_get_cached_tokens (chat), ==, -1);
  g_assert_finalize_object (chat);

  outcome_clear (&first);
  outcome_clear (&second);
  outcome_clear (&other);
  outcome_clear (&none);
}

static void
quit_loop (gpointer loop)
{
  g_main_loop_quit (loop);
}

/* An answer ends at [DONE] and the rest of its body is read after it:
 * what a person's next turn always leaves time for. */
static void
run_main_loop_for (guint ms)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add_once (ms, quit_loop, loop);
  g_main_loop_run (loop);
}

/* The turns of a chat go on one kept connection: libsoup opens a new
 * one for every POST unless it is marked idempotent, which costs a TCP
 * and TLS handshake before every answer's first token.  The fake counts
 * the connections requests came on, its own counts' included. */
static void
test_turns_keep_connection (void)
{
  g_autoptr(CfaiClient) client = make_client (NULL);
  g_autofree char *key = g_uuid_string_random ();
  guint before, after;

  before = cfai_test_server_get_count (server, "connections");
  for (guint turn = 1; turn <= 3; turn++)
    {
      Outcome outcome = { 0 };
      CfaiChatStream *chat = run_turn (client, key, turn == 1 ? 1 : 2, &outcome);

      g_assert_no_error (outcome.error);
      g_assert_cmpstr (cfai_chat_stream_get_text (chat), !=, "");
      g_assert_finalize_object (chat);
      outcome_clear (&outcome);
      run_main_loop_for (200);
    }
  after = cfai_test_server_get_count (server, "connections");
  /* One for the three turns, one for the second count. */
  g_assert_cmpuint (after - before, ==, 2);
}

/* A server that sends [DONE] and keeps the body open: [DONE] ends the
 * answer, complete, and the body is given up on a second later. */
static void
test_open_after_done (void)
{
  assert_reference_text ("open-after-done");
}

/* A busy model: rejectIfBusy fails at once with 3040; without it the
 * request waits its turn, as the app does by default. */
static void
test_reject_if_busy (void)
{
  g_autoptr(CfaiClient) client = make_client ("busy");
  g_autoptr(CfaiRetryPolicy) policy = cfai_retry_policy_new ();
  Outcome queued = { 0 }, rejected = { 0 };
  CfaiChatStream *chat;

  cfai_retry_policy_set_max_retries (policy, 0);
  cfai_client_set_retry_policy (client, policy);

  {
    g_autoptr(CfaiChatRequest) request = cfai_chat_request_new (LLAMA);

    cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Tell me about the sea");
    chat = run_request (client, request, &queued);
    g_assert_no_error (queued.error);
    g_assert_cmpstr (cfai_chat_stream_get_text (chat), !=, "");
    g_assert_finalize_object (chat);
  }

  {
    g_autoptr(CfaiChatRequest) request = cfai_chat_request_new (LLAMA);

    cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Tell me about the sea");
    cfai_chat_request_set_reject_if_busy (request, TRUE);
    chat = run_request (client, request, &rejected);
    g_assert_error (rejected.error, CFAI_ERROR, CFAI_ERROR_CAPACITY);
    g_assert_cmpint (cfai_error_get_api_code (rejected.error), ==, 3040);
    g_assert_cmpstr (cfai_chat_stream_get_text (chat), ==, "");
    g_assert_finalize_object (chat);
  }

  outcome_clear (&queued);
  outcome_clear (&rejected);
}

/* A retired model is refused before anything is sent (the fake server
 * would still run this one), naming what to use. */
static void
test_retired_model_refused (void)
{
  Outcome outcome = { 0 };
  CfaiChatStream *chat = run_chat (NULL, "@cf/meta/llama-3.1-8b-instruct", TRUE, NULL, &outcome);

  g_assert_error (outcome.error, CFAI_ERROR, CFAI_ERROR_MODEL_RETIRED);
  g_assert_nonnull (strstr (outcome.error->message, "@cf/meta/llama-3.1-8b-instruct-fast"));
  g_assert_cmpuint (outcome.n_deltas, ==, 0);
  g_assert_finalize_object (chat);
  outcome_clear (&outcome);
}

/* ------------------------------------------------------------------ */
/* The run as a view binds it                                         */
/* ------------------------------------------------------------------ */

typedef struct
{
  GPtrArray *names;     /* of const char *, static pspec names */
  GArray    *states;    /* CfaiRunState, at each notify::state */
  Outcome   *outcome;
  guint      n_text;
} NotifyLog;

static void
on_any_notify (GObject    *object,
               GParamSpec *pspec,
               NotifyLog  *log)
{
  g_ptr_array_add (log->names, (gpointer) pspec->name);
  if (g_str_equal (pspec->name, "state"))
    {
      CfaiRunState state = cfai_run_get_state (CFAI_RUN (object));
      g_array_append_val (log->states, state);
    }
  if (g_str_equal (pspec->name, "text"))
    {
      g_autofree char *text = NULL;

      /* The delta came first, then the property that holds it. */
      g_object_get (object, "text", &text, NULL);
      g_assert_cmpstr (text, ==, log->outcome->deltas->str);
      log->n_text++;
    }
}

static void
notify_log_init (NotifyLog *log,
                 Outcome   *outcome)
{
  log->names = g_ptr_array_new ();
  log->states = g_array_new (FALSE, FALSE, sizeof (CfaiRunState));
  log->outcome = outcome;
}

static void
notify_log_clear (NotifyLog *log)
{
  g_ptr_array_unref (log->names);
  g_array_unref (log->states);
}

static guint
count_name (GPtrArray  *names,
            const char *name)
{
  guint n = 0;

  for (guint i = 0; i < names->len; i++)
    n += g_str_equal (g_ptr_array_index (names, i), name);
  return n;
}

static void
test_properties_and_notify (void)
{
  g_autoptr(CfaiClient) client = make_client (NULL);
  g_autoptr(CfaiChatRequest) request = cfai_chat_request_new (LLAMA);
  Outcome outcome = { 0 };
  NotifyLog log = { 0 };
  CfaiChatStream *chat;
  g_autofree char *text = NULL;
  g_autofree char *reasoning = NULL;
  g_autofree char *model_id = NULL;
  GError *error = NULL;
  gint64 prompt, completion, total, p_prop, c_prop, t_prop, ttft, duration;
  CfaiRunState state;
  gboolean truncated;

  cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Tell me about the sea");
  cfai_chat_request_set_max_tokens (request, 64);
  chat = cfai_chat_stream_new (client, request);
  notify_log_init (&log, &outcome);
  outcome.deltas = g_string_new (NULL);
  outcome.reasoning = g_string_new (NULL);

  /* Before the start: idle, nothing known. */
  g_object_get (chat, "state", &state, "prompt-tokens", &p_prop,
                "time-to-first-token", &ttft, "duration", &duration, NULL);
  g_assert_cmpint (state, ==, CFAI_RUN_STATE_IDLE);
  g_assert_cmpint (p_prop, ==, -1);
  g_assert_cmpint (ttft, ==, -1);
  g_assert_cmpint (duration, ==, -1);

  g_signal_connect (chat, "notify", G_CALLBACK (on_any_notify), &log);
  g_signal_connect (chat, "text-delta", G_CALLBACK (on_text), &outcome);
  cfai_run_execute_async (CFAI_RUN (chat), NULL, on_done, &outcome);
  g_assert_cmpint (cfai_run_get_state (CFAI_RUN (chat)), ==, CFAI_RUN_STATE_RUNNING);
  while (!outcome.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (outcome.error);

  /* The state: running first, done last, nothing in between. */
  g_assert_cmpuint (log.states->len, ==, 2);
  g_assert_cmpint (g_array_index (log.states, CfaiRunState, 0), ==, CFAI_RUN_STATE_RUNNING);
  g_assert_cmpint (g_array_index (log.states, CfaiRunState, 1), ==, CFAI_RUN_STATE_DONE);
  g_assert_cmpstr (g_ptr_array_index (log.names, 0), ==, "state");
  g_assert_cmpstr (g_ptr_array_index (log.names, log.names->len - 1), ==, "state");
  /* One notify::text per event that carried text, after its delta. */
  g_assert_cmpuint (log.n_text, ==, outcome.n_deltas);
  g_assert_cmpuint (count_name (log.names, "time-to-first-token"), ==, 1);
  g_assert_cmpuint (count_name (log.names, "duration"), ==, 1);
  g_assert_cmpuint (count_name (log.names, "prompt-tokens"), >=, 1);
  g_assert_cmpuint (count_name (log.names, "error"), ==, 0);
  g_assert_cmpuint (count_name (log.names, "truncated"), ==, 0);

  /* The properties say what the getters say. */
  g_object_get (chat,
                "text", &text, "reasoning", &reasoning, "model-id", &model_id,
                "state", &state, "error", &error, "truncated", &truncated,
                "prompt-tokens", &p_prop, "completion-tokens", &c_prop, "total-tokens", &t_prop,
                "time-to-first-token", &ttft, "duration", &duration,
                NULL);
  g_assert_cmpstr (text, ==, cfai_chat_stream_get_text (chat));
  g_assert_cmpstr (text, ==, outcome.deltas->str);
  g_assert_cmpstr (reasoning, ==, "");
  g_assert_cmpstr (model_id, ==, LLAMA);
  g_assert_cmpint (state, ==, CFAI_RUN_STATE_DONE);
  g_assert_null (error);
  g_assert_false (truncated);
  g_assert_true (cfai_chat_stream_get_usage (chat, &prompt, &completion, &total));
  g_assert_cmpint (p_prop, ==, prompt);
  g_assert_cmpint (c_prop, ==, completion);
  g_assert_cmpint (t_prop, ==, total);
  g_assert_cmpint (ttft, ==, cfai_chat_stream_get_time_to_first_token (chat));
  g_assert_cmpint (ttft, >=, 0);
  g_assert_cmpint (duration, >=, ttft);

  g_signal_handlers_disconnect_by_data (chat, &log);
  g_signal_handlers_disconnect_by_data (chat, &outcome);
  g_assert_finalize_object (chat);
  notify_log_clear (&log);
  outcome_clear (&outcome);
}

/* A cut stream fails, a cancel is cancelled: both say so in the state,
 * with the error, after the text. */
static void
test_failed_and_cancelled_states (void)
{
  Outcome outcome = { 0 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CfaiChatStream *chat = run_chat ("cut-stream", LLAMA, TRUE, NULL, &outcome);
  const GError *error;

  g_assert_error (outcome.error, CFAI_ERROR, CFAI_ERROR_TRUNCATED_STREAM);
  g_assert_cmpint (cfai_run_get_state (CFAI_RUN (chat)), ==, CFAI_RUN_STATE_FAILED);
  error = cfai_run_get_error (CFAI_RUN (chat));
  g_assert_error ((GError *) error, CFAI_ERROR, CFAI_ERROR_TRUNCATED_STREAM);
  g_assert_cmpint (cfai_run_get_duration (CFAI_RUN (chat)), >=, 0);
  g_assert_finalize_object (chat);
  outcome_clear (&outcome);

  /* The caller's cancellable. */
  outcome = (Outcome) { .cancel_after_first = cancellable };
  chat = run_chat ("slow", LLAMA, TRUE, cancellable, &outcome);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cfai_run_get_state (CFAI_RUN (chat)), ==, CFAI_RUN_STATE_CANCELLED);
  g_assert_cmpstr (cfai_chat_stream_get_text (chat), ==, outcome.deltas->str);
  g_assert_finalize_object (chat);
  outcome_clear (&outcome);
}

static void
cancel_run_on_text (CfaiChatStream *chat,
                    const char     *delta,
                    gpointer        user_data)
{
  cfai_run_cancel (CFAI_RUN (chat));
}

/* cfai_run_cancel() stops one run, and the caller's cancellable is left
 * alone (a page's cancellable serves its other runs). */
static void
test_run_cancel (void)
{
  g_autoptr(CfaiClient) client = make_client ("slow");
  g_autoptr(CfaiChatRequest) request = cfai_chat_request_new (LLAMA);
  g_autoptr(GCancellable) page = g_cancellable_new ();
  Outcome outcome = { 0 };
  CfaiChatStream *chat;

  cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Tell me about the sea");
  outcome.deltas = g_string_new (NULL);
  outcome.reasoning = g_string_new (NULL);
  chat = cfai_chat_stream_new (client, request);
  g_signal_connect (chat, "text-delta", G_CALLBACK (on_text), &outcome);
  g_signal_connect (chat, "text-delta", G_CALLBACK (cancel_run_on_text), NULL);
  cfai_run_execute_async (CFAI_RUN (chat), page, on_done, &outcome);
  while (!outcome.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cfai_run_get_state (CFAI_RUN (chat)), ==, CFAI_RUN_STATE_CANCELLED);
  g_assert_false (g_cancellable_is_cancelled (page));
  g_assert_cmpuint (outcome.n_deltas, >=, 1);
  g_assert_cmpstr (cfai_chat_stream_get_text (chat), ==, outcome.deltas->str);
  g_assert_finalize_object (chat);
  outcome_clear (&outcome);

  /* Cancelled before the start: nothing is sent. */
  outcome = (Outcome) { 0 };
  chat = cfai_chat_stream_new (client, request);
  cfai_run_cancel (CFAI_RUN (chat));
  cfai_run_execute_async (CFAI_RUN (chat), NULL, on_done, &outcome);
  while (!outcome.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cfai_run_get_state (CFAI_RUN (chat)), ==, CFAI_RUN_STATE_CANCELLED);
  g_assert_cmpstr (cfai_chat_stream_get_text (chat), ==, "");
  g_assert_finalize_object (chat);
  g_clear_error (&outcome.error);
}

typedef struct
{
  guint   n_results;
  char   *model_id;
  GError *error;
} ModelResults;

static void
on_model_result (CfaiClient   *client,
                 const char   *model_id,
                 const GError *error,
                 ModelResults *results)
{
  results->n_results++;
  g_free (results->model_id);
  results->model_id = g_strdup (model_id);
  g_clear_error (&results->error);
  results->error = error != NULL ? g_error_copy (error) : NULL;
}

/* The client tells its listeners what the server said about a model,
 * with nothing for the chat's caller to do. */
static void
test_model_result_recorded (void)
{
  const char *scenarios[] = { NULL, "error-5035", "server-error", "cut-stream" };

  for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_autoptr(CfaiClient) client = make_client (scenarios[i]);
      g_autoptr(CfaiChatRequest) request = cfai_chat_request_new (GPT_OSS);
      ModelResults results = { 0 };
      Outcome outcome = { 0 };
      CfaiChatStream *chat;

      g_test_message ("scenario: %s", scenarios[i] ? scenarios[i] : "(none)");
      cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Hello");
      g_signal_connect (client, "model-result", G_CALLBACK (on_model_result), &results);
      chat = run_request (client, request, &outcome);
      g_assert_cmpuint (results.n_results, ==, 1);
      g_assert_cmpstr (results.model_id, ==, GPT_OSS);
      if (i == 1)
        g_assert_error (results.error, CFAI_ERROR, CFAI_ERROR_PAID_PLAN_REQUIRED);
      else if (i == 2)
        g_assert_error (results.error, CFAI_ERROR, CFAI_ERROR_SERVER);
      else
        /* A cut stream was accepted: the cut says nothing about the model. */
        g_assert_no_error (results.error);

      g_signal_handlers_disconnect_by_data (client, &results);
      g_assert_finalize_object (chat);
      outcome_clear (&outcome);
      g_clear_pointer (&results.model_id, g_free);
      g_clear_error (&results.error);
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* Not G_TEST_OPTION_ISOLATE_DIRS: it hides the system GSettings schemas,
   * and libsoup's proxy lookup then aborts. */
  g_test_init (&argc, &argv, NULL);
  cfai_test_isolate_home ("cfai-test-chat-stream");
  server = cfai_test_server_start ();

  g_test_add_func ("/chat-stream/native", test_native_stream);
  g_test_add_func ("/chat-stream/awkward-chunks", test_awkward_chunks_same_text);
  g_test_add_func ("/chat-stream/chat-completions-reasoning", test_chat_completions_reasoning);
  g_test_add_func ("/chat-stream/think-tags", test_think_tags);
  g_test_add_func ("/chat-stream/think-close-only", test_think_close_only);
  g_test_add_func ("/chat-stream/cut-keeps-text", test_cut_stream_keeps_text);
  g_test_add_func ("/chat-stream/json-answer-to-stream", test_json_answer_to_stream);
  g_test_add_func ("/chat-stream/not-streaming", test_not_streaming);
  g_test_add_func ("/chat-stream/cancel", test_cancel_mid_stream);
  g_test_add_func ("/chat-stream/api-errors", test_api_errors);
  g_test_add_func ("/chat-stream/kimi-reasoning", test_kimi_reasoning);
  g_test_add_func ("/chat-stream/session-affinity", test_session_affinity);
  g_test_add_func ("/chat-stream/turns-keep-connection", test_turns_keep_connection);
  g_test_add_func ("/chat-stream/open-after-done", test_open_after_done);
  g_test_add_func ("/chat-stream/reject-if-busy", test_reject_if_busy);
  g_test_add_func ("/chat-stream/retired-model", test_retired_model_refused);
  g_test_add_func ("/chat-stream/properties-and-notify", test_properties_and_notify);
  g_test_add_func ("/chat-stream/failed-and-cancelled-states", test_failed_and_cancelled_states);
  g_test_add_func ("/chat-stream/run-cancel", test_run_cancel);
  g_test_add_func ("/chat-stream/model-result-recorded", test_model_result_recorded);
  g_test_add_func ("/client/retry-after", test_retry_after);
  g_test_add_func ("/client/daily-limit-not-retried", test_daily_limit_not_retried);
  g_test_add_func ("/client/gateway-cache", test_gateway_cache);
  g_test_add_func ("/client/gateway-stream", test_gateway_stream);
  g_test_add_func ("/chat-stream/vision", test_vision_request_accepted);
  g_test_add_func ("/chat-stream/vision-after-refresh", test_vision_after_refresh);
  g_test_add_func ("/chat-stream/reasoning-after-refresh", test_reasoning_after_refresh);
  g_test_add_func ("/client/bad-config", test_bad_config_errors);
  g_test_add_func ("/client/api-base-url-check", test_api_base_url_check);
  g_test_add_func ("/client/verify-token", test_verify_token);

  ret = g_test_run ();
  cfai_test_server_stop (server);
  return ret;
}
