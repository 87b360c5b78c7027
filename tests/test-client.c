/* test-client.c — the client's one send path and its one reading of
 * Content-Type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cfai-chat-stream.h"
#include "cfai-client.h"
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

  cfai_client_set_api_base_url (client, base);
  cfai_client_set_account_id (client, "test-account");
  cfai_client_set_token (client, "test-token");
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

  cfai_client_set_token (client, "not-the-token");
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
  cfai_chat_stream_run_async (chat, NULL, on_chat_done, &result);
  cfai_chat_stream_run_finish (chat, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfai_chat_stream_get_text (chat), ==, "Hello sea");
  g_assert_false (cfai_chat_stream_get_truncated (chat));
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
  g_test_add_func ("/client/event-stream-with-parameters", test_event_stream_with_parameters);

  ret = g_test_run ();
  cfai_test_server_stop (fake);
  return ret;
}
