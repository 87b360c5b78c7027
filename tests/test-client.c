/* test-client.c — the client's one send path and its one reading of
 * Content-Type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cfai-chat-stream.h"
#include "cfai-client.h"
#include "cfai-credentials-check.h"
#include "cfai-envelope.h"
#include "cfai-error.h"
#include "cfai-test-server.h"

static CfaiTestServer *fake;

static void
test_media_type (void)
{
  struct { const char *header; const char *media; } rows[] = {
    { "application/json", "application/json" },
    { "Application/JSON; charset=UTF-8", "application/json" },
    { "  text/event-stream ;charset=utf-8", "text/event-stream" },
    { "image/PNG", "image/png" },
    { "", NULL },
    { " ; charset=utf-8", NULL },
    { NULL, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *media = cfai_envelope_media_type (rows[i].header);

      g_assert_cmpstr (media, ==, rows[i].media);
    }
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static CfaiClient *
make_client (const char *base)
{
  CfaiClient *client = cfai_client_new ();

  cfai_credentials_set_api_base_url (cfai_client_get_credentials (client), base);
  cfai_credentials_set_account_id (cfai_client_get_credentials (client), "test-account");
  cfai_credentials_set_api_token (cfai_client_get_credentials (client), "test-token");
  return client;
}

/* A GET goes through the same send as a POST and is finished by it. */
static void
test_send_get (void)
{
  g_autofree char *base = cfai_test_server_api_base (fake, NULL);
  g_autoptr(CfaiClient) client = make_client (base);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CfaiResponseInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *url = cfai_client_build_url (client, "/ai/models/search?per_page=1", &error);

  g_assert_no_error (error);
  cfai_client_send_async (client, SOUP_METHOD_GET, url, NULL, NULL, NULL, NULL, on_sent, &result);
  bytes = cfai_client_send_finish (client, wait_for (&result), &info, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  g_assert_cmpuint (g_bytes_get_size (bytes), >, 0);
  g_assert_nonnull (info);
  g_assert_cmpuint (info->http_status, ==, 200);
  g_assert_cmpstr (info->content_type, ==, "application/json");
  g_assert_cmpuint (info->attempts, ==, 1);
}

/* A status outside 2xx is a failure, whatever the body says. */
static void
test_send_failure (void)
{
  g_autofree char *base = cfai_test_server_api_base (fake, NULL);
  g_autoptr(CfaiClient) client = make_client (base);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CfaiResponseInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *url = cfai_client_build_url (client, "/ai/models/search", &error);

  cfai_credentials_set_api_token (cfai_client_get_credentials (client), "not-the-token");
  cfai_client_send_async (client, SOUP_METHOD_GET, url, NULL, NULL, NULL, NULL, on_sent, &result);
  bytes = cfai_client_send_finish (client, wait_for (&result), &info, &error);
  g_assert_null (bytes);
  g_assert_null (info);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_AUTH);
  g_assert_cmpuint (cfai_error_get_http_status (error), ==, 401);
}

static void
serve_events (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  static const char events[] =
    "data: {\"response\":\"Hello\"}\n\n"
    "data: {\"response\":\" sea\"}\n\n"
    "data: {\"response\":\"\",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\n"
    "data: [DONE]\n\n";

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  /* Parameters and capitals are allowed in a media type. */
  soup_server_message_set_response (msg, "Text/Event-Stream; charset=utf-8",
                                    SOUP_MEMORY_STATIC, events, strlen (events));
}

static void
on_chat_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_event_stream_with_parameters (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *base = NULL;
  g_autoptr(CfaiClient) client = NULL;
  g_autoptr(CfaiChatRequest) request = cfai_chat_request_new ("@cf/meta/llama-3.1-8b-instruct-fast");
  g_autoptr(CfaiChatStream) chat = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  soup_server_add_handler (server, NULL, serve_events, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  uri = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  base = g_strconcat (uri, "client/v4", NULL);

  client = make_client (base);
  cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Hi");
  cfai_chat_request_set_stream (request, TRUE);
  chat = cfai_chat_stream_new (client, request);
  cfai_run_execute_async (CFAI_RUN (chat), NULL, on_chat_done, &result);
  cfai_run_execute_finish (CFAI_RUN (chat), wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfai_chat_stream_get_text (chat), ==, "Hello sea");
  g_assert_false (cfai_chat_stream_get_truncated (chat));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* The client keeps no copy: what the credentials hold when a request is
 * made is what the request uses. */
static void
test_follows_credentials (void)
{
  g_autoptr(CfaiCredentials) credentials = cfai_credentials_new ();
  g_autoptr(CfaiClient) client = cfai_client_new_for_credentials (credentials);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  guint notified = 0;

  g_assert_true (cfai_client_get_credentials (client) == credentials);
  g_signal_connect (client, "notify::account-id", G_CALLBACK (count_notify), &notified);

  url = cfai_client_build_url (client, "/ai/models/search", &error);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS);
  g_assert_null (url);
  g_clear_error (&error);

  cfai_credentials_set_account_id (credentials, "first-account");
  cfai_credentials_set_api_token (credentials, "  test-token\n");
  cfai_credentials_set_api_base_url (credentials, "http://127.0.0.1:9/client/v4/");
  g_assert_cmpuint (notified, ==, 1);
  g_assert_true (cfai_client_has_token (client));
  g_assert_cmpstr (cfai_credentials_get_api_token (credentials), ==, "test-token");

  url = cfai_client_build_url (client, "/ai/models/search", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, "http://127.0.0.1:9/client/v4/accounts/first-account/ai/models/search");
  g_clear_pointer (&url, g_free);

  cfai_credentials_set_account_id (credentials, "second-account");
  cfai_credentials_set_api_base_url (credentials, NULL);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_cmpstr (cfai_client_get_account_id (client), ==, "second-account");
  url = cfai_client_build_run_url (client, "@cf/openai/gpt-oss-20b", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, CFAI_DEFAULT_API_BASE_URL "/accounts/second-account/ai/run/@cf/openai/gpt-oss-20b");
  g_clear_pointer (&url, g_free);

  cfai_credentials_set_api_token (credentials, NULL);
  g_assert_false (cfai_client_has_token (client));
  url = cfai_client_build_url (client, "/ai/models/search", &error);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS);
}

/* The environment is read by CfaiCredentials alone, and overrides what
 * the app's settings say; credentials being tried out ignore it. */
static void
test_environment_owner (void)
{
  g_autoptr(CfaiCredentials) credentials = NULL;
  g_autoptr(CfaiCredentials) trial = NULL;
  g_autoptr(CfaiClient) client = NULL;

  g_setenv ("CLOUDFLARE_ACCOUNT_ID", "env-account", TRUE);
  g_setenv ("CLOUDFLARE_API_TOKEN", "env-token", TRUE);
  g_setenv ("CFAI_API_BASE_URL", "http://127.0.0.1:9/env/v4/", TRUE);
  g_setenv ("CFAI_GATEWAY_BASE_URL", "http://127.0.0.1:9/gateway", TRUE);
  credentials = cfai_credentials_new ();
  client = cfai_client_new ();
  g_unsetenv ("CLOUDFLARE_ACCOUNT_ID");
  g_unsetenv ("CLOUDFLARE_API_TOKEN");
  g_unsetenv ("CFAI_API_BASE_URL");
  g_unsetenv ("CFAI_GATEWAY_BASE_URL");

  cfai_credentials_set_account_id (credentials, "settings-account");
  cfai_credentials_set_api_base_url (credentials, "http://127.0.0.1:9/settings/v4");
  g_assert_cmpstr (cfai_credentials_get_account_id (credentials), ==, "env-account");
  g_assert_cmpstr (cfai_credentials_get_api_token (credentials), ==, "env-token");
  g_assert_cmpstr (cfai_credentials_get_api_base_url (credentials), ==, "http://127.0.0.1:9/env/v4");
  g_assert_cmpstr (cfai_credentials_get_gateway_base_url (credentials), ==, "http://127.0.0.1:9/gateway");

  /* cfai-cli's client reads the same variables the same way. */
  g_assert_cmpstr (cfai_client_get_account_id (client), ==, "env-account");
  g_assert_true (cfai_client_has_token (client));
  g_assert_cmpstr (cfai_credentials_get_api_base_url (cfai_client_get_credentials (client)), ==, "http://127.0.0.1:9/env/v4");
  g_assert_cmpstr (cfai_credentials_get_gateway_base_url (cfai_client_get_credentials (client)), ==, "http://127.0.0.1:9/gateway");

  trial = cfai_credentials_new_for_trial (credentials, "typed-account", NULL);
  g_assert_cmpstr (cfai_credentials_get_account_id (trial), ==, "typed-account");
  g_assert_cmpint (cfai_credentials_get_account_id_source (trial), ==, CFAI_ACCOUNT_ID_SOURCE_CALLER);
  g_assert_cmpstr (cfai_credentials_get_api_token (trial), ==, "env-token");
  g_assert_cmpstr (cfai_credentials_get_api_base_url (trial), ==, "http://127.0.0.1:9/env/v4");
  g_clear_object (&trial);

  trial = cfai_credentials_new_for_trial (credentials, "typed-account", "typed-token");
  g_assert_cmpstr (cfai_credentials_get_api_token (trial), ==, "typed-token");
}

static gboolean
check (const char *scenario,
       const char *token,
       GError    **error)
{
  g_autofree char *base = cfai_test_server_api_base (fake, scenario);
  g_autoptr(CfaiClient) client = make_client (base);
  g_autoptr(GAsyncResult) result = NULL;

  cfai_credentials_set_api_token (cfai_client_get_credentials (client), token);
  cfai_credentials_check_async (client, NULL, on_sent, &result);
  return cfai_credentials_check_finish (client, wait_for (&result), error);
}

/* The check onboarding, preferences and cfai-cli verify all use (see
 * /cli/verify-account-owned-token for the CLI's side). */
static void
test_check_account_owned_token (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (check (NULL, "test-token", &error));
  g_assert_no_error (error);
  g_assert_true (check (NULL, "test-account-token", &error));
  g_assert_no_error (error);
  g_assert_true (check ("account-token", "test-token", &error));
  g_assert_no_error (error);

  /* The token's refusal explains a failure better than the account's. */
  g_assert_false (check (NULL, "not-a-token", &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_AUTH);
}

/* One rule, one message, wherever an account ID is refused; one token
 * check, which trims without g_strstrip(). */
static void
test_one_validation (void)
{
  g_autoptr(CfaiClient) client = make_client ("http://127.0.0.1:9/client/v4");
  g_autoptr(GError) typed_error = NULL;
  g_autoptr(GError) request_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *account = NULL;
  g_autofree char *url = NULL;
  char *token;

  account = cfai_account_id_from_text ("my account", &typed_error);
  g_assert_null (account);
  cfai_credentials_set_account_id (cfai_client_get_credentials (client), "my account");
  url = cfai_client_build_url (client, "/ai/models/search", &request_error);
  g_assert_null (url);
  g_assert_nonnull (typed_error);
  g_assert_nonnull (request_error);
  g_assert_cmpstr (request_error->message, ==, typed_error->message);

  token = cfai_token_from_text ("\t test-token \n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "test-token");
  g_assert_cmpuint (strlen (token), ==, strlen ("test-token"));
  cfai_token_free (token);

  g_assert_null (cfai_token_from_text ("test token", &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cfai_token_check ("tok\xc3\xa9n", CFAI_ERROR_AUTH, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_AUTH);
  g_clear_error (&error);
  g_assert_null (cfai_token_dup_trimmed (" \n "));
}

static void
count_result (CfaiClient   *client,
              const char   *model_id,
              const GError *error,
              GPtrArray    *models)
{
  g_ptr_array_add (models, g_strdup (model_id));
}

/* Whoever sends to a model's run URL, the send path records the
 * server's verdict; other requests are not model runs. */
static void
test_records_model_results (void)
{
  g_autofree char *base = cfai_test_server_api_base (fake, NULL);
  g_autoptr(CfaiClient) client = make_client (base);
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func (g_free);
  static const char json[] = "{\"prompt\":\"Hi\"}";
  g_autoptr(GBytes) body = g_bytes_new_static (json, sizeof json - 1);
  const char *model = "@cf/openai/gpt-oss-20b";

  g_signal_connect (client, "model-result", G_CALLBACK (count_result), models);

  for (guint gateway = 0; gateway < 2; gateway++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *url = NULL;

      /* Through a gateway the URL differs; the model is the same. */
      if (gateway)
        {
          g_autofree char *gateway_base = g_strconcat (fake->url, "/v1", NULL);

          cfai_credentials_set_gateway_base_url (cfai_client_get_credentials (client), gateway_base);
          cfai_client_set_gateway_id (client, "my-gateway");
        }
      url = cfai_client_build_run_url (client, model, &error);
      g_assert_no_error (error);
      cfai_client_send_async (client, SOUP_METHOD_POST, url, "application/json", body, NULL, NULL,
                              on_sent, &result);
      bytes = cfai_client_send_finish (client, wait_for (&result), NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (models->len, ==, gateway + 1);
      g_assert_cmpstr (g_ptr_array_index (models, gateway), ==, model);
    }
  cfai_client_set_gateway_id (client, NULL);

  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *url = cfai_client_build_url (client, "/ai/models/search?per_page=1", &error);

    cfai_client_send_async (client, SOUP_METHOD_GET, url, NULL, NULL, NULL, NULL, on_sent, &result);
    bytes = cfai_client_send_finish (client, wait_for (&result), NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (models->len, ==, 2);
  }

  g_signal_handlers_disconnect_by_data (client, models);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  fake = cfai_test_server_start ();

  g_test_add_func ("/client/media-type", test_media_type);
  g_test_add_func ("/client/send-get", test_send_get);
  g_test_add_func ("/client/send-failure", test_send_failure);
  g_test_add_func ("/client/records-model-results", test_records_model_results);
  g_test_add_func ("/client/event-stream-with-parameters", test_event_stream_with_parameters);
  g_test_add_func ("/client/follows-credentials", test_follows_credentials);
  g_test_add_func ("/client/check-account-owned-token", test_check_account_owned_token);
  g_test_add_func ("/client/one-validation", test_one_validation);
  g_test_add_func ("/client/environment-owner", test_environment_owner);

  ret = g_test_run ();
  cfai_test_server_stop (fake);
  return ret;
}
