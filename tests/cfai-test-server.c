/* cfai-test-server.c
 *
 * The fake server is a separate program (tests/fake-workers-ai.c) so that
 * the code under test talks real HTTP over a real socket, exactly as it
 * does with Cloudflare.  meson passes its path in FAKE_WORKERS_AI.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-test-server.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

CfaiTestServer *
cfai_test_server_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  CfaiTestServer *server;
  const char *path = g_getenv ("FAKE_WORKERS_AI");
  gsize len;

  g_assert_nonnull (path);

  server = g_new0 (CfaiTestServer, 1);
  server->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, path, NULL);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  server->url = g_data_input_stream_read_line_utf8 (lines, &len, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (server->url);
  g_assert_true (g_str_has_prefix (server->url, "http://127.0.0.1:"));
  return server;
}

/**
 * cfai_test_server_api_base:
 * @scenario: (nullable): a scenario name such as "cut-stream"
 *
 * The API base URL to give the client: the scenario travels as a path
 * prefix, so the code under test needs no test hooks at all.
 */
char *
cfai_test_server_api_base (CfaiTestServer *server,
                           const char     *scenario)
{
  if (scenario == NULL)
    return g_strconcat (server->url, "/client/v4", NULL);
  return g_strconcat (server->url, "/scenario/", scenario, "/client/v4", NULL);
}

/**
 * cfai_test_server_get_count:
 * @name: "live", "closed_by_client" or "connections"
 *
 * Returns: what the fake's GET /fake/streams says of @name, asked on a
 *   connection of its own (which "connections" counts)
 */
guint
cfai_test_server_get_count (CfaiTestServer *server,
                            const char     *name)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (server->url, "/fake/streams", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error));
  g_assert_no_error (error);
  return json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), name);
}

void
cfai_test_server_stop (CfaiTestServer *server)
{
  if (server == NULL)
    return;
  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, NULL);
  g_object_unref (server->process);
  g_free (server->url);
  g_free (server);
}
