/* fake-workers-ai.c — a local stand-in for Cloudflare Workers AI
 *
 * Every test of the app, the model layer and the CLI talks to this
 * program instead of api.cloudflare.com.  It speaks the formats written
 * down in docs/workers-ai.md, checks requests against Cloudflare's own
 * model schemas (tests/data/models), and can misbehave on purpose.
 *
 * Usage: fake-workers-ai [--port N] [--models-dir DIR]
 * It listens on 127.0.0.1 only, prints one line `http://127.0.0.1:PORT`
 * and serves until SIGTERM or SIGINT, or until the process that started
 * it dies (then exits 0).  Each request is logged on stderr (method, path, scenario,
 * status; never a token).
 *
 * Scenarios are chosen per request with a path prefix, so the client
 * under test only gets another base URL:
 *
 *   http://127.0.0.1:PORT/scenario/cut-stream/client/v4/accounts/…
 *   http://127.0.0.1:PORT/scenario/gateway-auth/v1/ACCOUNT/GATEWAY/workers-ai/@cf/…
 *
 * See SCENARIO_HELP below (also printed by --help) for the list.
 *
 * Without a scenario, what tests can rely on:
 *
 *  - Bearer token `test-token` (more in $FAKE_WORKERS_AI_TOKENS,
 *    comma-separated); account ids of 32 lower-case hex digits or
 *    `test-account`.  A bad token gets 401/10000, except on
 *    /user/tokens/verify, which answers 401/1000 "Invalid API Token" as
 *    Cloudflare does; a bad account gets 403/7003 (+7000).
 *  - `test-account-token` is an account-owned token: like Cloudflare's,
 *    /user/tokens/verify refuses it (401/1000) while everything under
 *    /accounts/ID, /accounts/ID/tokens/verify included, accepts it.
 *  - Text: "You said: <last user text>. " + FAKE_TEXT_PANGRAM, one token
 *    per word-ish piece, max_tokens honoured (fake-text.c).  Prompt plus
 *    max_tokens above the file's context_window gets 413/5021 with the
 *    real numbers.  Classic models answer {response, tool_calls, usage}
 *    and stream the native format; chat-style models (rule in
 *    fake-catalog.c) answer chat.completion objects and stream chunks
 *    with a short reasoning part first (off with
 *    chat_template_kwargs.enable_thinking=false), then the native usage
 *    event with neurons.  A Responses-API body (`input`) gets a Responses
 *    object, also when it asks for a stream.
 *  - Schema failures: 400/5004 "Invalid input: <what>, naming the JSON
 *    pointer"; flux-2 needs multipart/form-data, the others JSON.
 *  - Images: at most 64×64 (the asked size is in x-fake-requested-size),
 *    PNG for SDXL, Lightning, DreamShaper (bytes) and flux-2 (base64),
 *    JPEG for Phoenix (bytes), flux-1-schnell and lucid-origin (base64).
 *  - /ai/v1/chat/completions answers plain OpenAI objects; its errors
 *    keep the v4 envelope.
 *  - Gateway (/v1/ACCOUNT/GATEWAY/workers-ai/MODEL): cf-aig-log-id on
 *    every answer; with cf-aig-cache-ttl and without
 *    cf-aig-skip-cache: true, the first answer is a MISS and the same
 *    body (or cf-aig-cache-key) is then a HIT.  Streams are not cached.
 *  - Every cf-aig-* and x-session-affinity request header comes back as
 *    x-fake-received-<name> (cf-aig-authorization only as "present").
 *  - Prompt caching: a text request with x-session-affinity reports
 *    usage.prompt_tokens_details.cached_tokens: the prompt tokens of the
 *    leading messages it shares with the previous request of that key
 *    (0 for the first).
 *  - "options" in an /ai/run body are request options, not model input,
 *    and are not checked against the schema.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fake-server.h"
#include "fake-stream.h"

/* Works for its account, but is not a user's token. */
#define FAKE_ACCOUNT_OWNED_TOKEN "test-account-token"

#define DEFAULT_PER_PAGE 20
#define MAX_PER_PAGE 100
#define PARENT_CHECK_MS 200

static const char SCENARIO_HELP[] =
  "Scenarios (URL prefix /scenario/NAME before /client/v4/... or /v1/...;\n"
  "combine several with '+', e.g. /scenario/slow+chunked-awkward/...):\n"
  "  (none)               everything works\n"
  "  slow                 50 ms before each streamed event\n"
  "  slow-start           300 ms before a stream's first event, then as\n"
  "                       slow: a model reads the prompt, then streams\n"
  "  late-first-token     2.5 s before a stream's first event, as a busy\n"
  "                       model takes\n"
  "  chunked-awkward      CRLF events written in 1-7 byte HTTP chunks\n"
  "  cut-stream           stream ends cleanly after half the events, no [DONE]\n"
  "  cut-stream-hard      TCP reset in the middle of an event\n"
  "  json-for-stream      a stream request gets the plain JSON answer\n"
  "  think-tags           reasoning inline as <think>...</think>, tags split\n"
  "  think-close-only     reasoning inline without <think>, then a lone\n"
  "                       </think> split across events, as\n"
  "                       deepseek-r1-distill-qwen-32b and qwq-32b stream;\n"
  "                       with reasoning, all of it in delta.content\n"
  "  reasoning            any text model answers chat-completions style with\n"
  "                       delta.reasoning_content first\n"
  "  reasoning-field      the same with delta.reasoning (Kimi K2.6 and later\n"
  "                       always name it so, in streams and JSON answers)\n"
  "  busy                 the model has no capacity: a request with\n"
  "                       options.rejectIfBusy gets 429/3040 at once, others\n"
  "                       wait in the queue (x-fake-queued: true) and work\n"
  "  validation-422       schema failures as 422/5012 with details.fieldErrors\n"
  "                       (default: 400/5004 naming the field)\n"
  "  error-CODE           inference answers Workers AI error CODE, one of\n"
  "                       10000 5007 3042 5004 5012 3003 5016 5018 3041 5035\n"
  "                       3023 3006 5021 3010 3007 3008 3036 3040 3030 1000\n"
  "                       3039 5005 5019 (error-10000 applies to every\n"
  "                       /client/v4 request)\n"
  "  rate-limit           the first request gets 429, Retry-After: 1, no error\n"
  "                       code; later ones work (*)\n"
  "  rate-limit-ms        the same with retry-after-ms: 150 as well (*)\n"
  "  rate-limit-date      the same with Retry-After as an HTTP date 1 s ahead (*)\n"
  "  rate-limit-always    every request gets 429, Retry-After: 1\n"
  "  flaky-N[-TAG]        the first N requests get 503 (HTML), then all works (*)\n"
  "  flaky429-N[-TAG]     the same with 429 and Retry-After: 1 (*)\n"
  "  server-error         500 with an HTML body\n"
  "  bad-gateway-html     502 with an HTML body\n"
  "  wrong-content-type   200 text/plain\n"
  "  image-json-for-png   PNG/JPEG-bytes models answer base64 JSON instead\n"
  "  image-bytes-for-json base64-JSON models answer raw image bytes instead\n"
  "  image-corrupt        images are cut in half (undecodable)\n"
  "  nsfw-oneword         a one-word image prompt fails with 3030\n"
  "  slow-image           images arrive in 20 pieces 100 ms apart (about 2 s);\n"
  "                       a client closing early counts in /fake/streams\n"
  "  strict-steps         image requests without their steps field fail\n"
  "                       with 1000, as reported for Flux\n"
  "  gateway-auth         gateway requests need cf-aig-authorization: Bearer gw-token\n"
  "  account-token        /user/tokens/verify rejects every token (code 1000),\n"
  "                       as it does for account-owned tokens; the account\n"
  "                       endpoint /accounts/ID/tokens/verify still works\n"
  "  open-after-done      streams end with [DONE] but the body stays open\n"
  "                       until the client closes the connection\n"
  "  tag-ANYTHING         no effect but to make the scenario string unique\n"
  "GET /fake/streams (no scenario) answers {\"live\": N, \"closed_by_client\": N,\n"
  "    \"connections\": N}: streams still being written, streams the client\n"
  "    closed early, and the connections requests came on (this one's too).\n"
  "GET /fake/last-request answers {\"model\": NAME, \"body\": {...}}: the last\n"
  "    text /ai/run body that passed the schema check (404 before the first).\n"
  "(*) requests are counted per whole scenario string and x-fake-session\n"
  "    header, so /scenario/rate-limit-ms+tag-2/ starts a fresh count.\n";

static const char *const simple_scenarios[] = {
  "slow", "slow-start", "late-first-token", "chunked-awkward", "open-after-done", "cut-stream", "cut-stream-hard", "json-for-stream",
  "think-tags", "think-close-only", "reasoning", "reasoning-field", "busy", "validation-422", "rate-limit",
  "rate-limit-ms", "rate-limit-date", "rate-limit-always", "server-error", "bad-gateway-html",
  "wrong-content-type", "image-json-for-png", "image-bytes-for-json",
  "image-corrupt", "nsfw-oneword", "slow-image", "strict-steps", "gateway-auth", "account-token",
  NULL
};

/* flaky-N[-TAG] and flaky429-N[-TAG]: returns N, or 0. */
static guint
scenario_flaky_count (const char *scenario,
                      const char *prefix)
{
  const char *p;
  char *end = NULL;
  guint64 n;

  if (!g_str_has_prefix (scenario, prefix))
    return 0;

  p = scenario + strlen (prefix);
  if (!g_ascii_isdigit (*p))
    return 0;
  n = g_ascii_strtoull (p, &end, 10);
  if (n == 0 || n > 1000 || (*end != '\0' && *end != '-'))
    return 0;

  return n;
}

static gboolean
scenario_known (char **parts)
{
  for (guint i = 0; parts[i]; i++)
    {
      if (!g_strv_contains (simple_scenarios, parts[i]) &&
          !g_str_has_prefix (parts[i], "tag-") &&
          fake_ai_error_find (parts[i]) == NULL &&
          scenario_flaky_count (parts[i], "flaky-") == 0 &&
          scenario_flaky_count (parts[i], "flaky429-") == 0)
        return FALSE;
    }

  return TRUE;
}

/* Catalog and account endpoints --------------------------------------------- */

static void
handle_verify (const FakeRequest *req,
               const char        *token)
{
  g_autofree char *id = g_compute_checksum_for_string (G_CHECKSUM_MD5, token, -1);
  g_autoptr(JsonBuilder) result = json_builder_new ();
  g_autoptr(JsonBuilder) messages = json_builder_new ();

  json_builder_begin_object (result);
  json_builder_set_member_name (result, "id");
  json_builder_add_string_value (result, id);
  json_builder_set_member_name (result, "status");
  json_builder_add_string_value (result, "active");
  json_builder_end_object (result);

  json_builder_begin_array (messages);
  json_builder_begin_object (messages);
  json_builder_set_member_name (messages, "code");
  json_builder_add_int_value (messages, 10000);
  json_builder_set_member_name (messages, "message");
  json_builder_add_string_value (messages, "This API Token is valid and active");
  json_builder_set_member_name (messages, "type");
  json_builder_add_null_value (messages);
  json_builder_end_object (messages);
  json_builder_end_array (messages);

  fake_send_json (req, SOUP_STATUS_OK,
                  fake_envelope_success (json_builder_get_root (result), NULL,
                                         json_builder_get_root (messages)));
}

static guint
query_uint (const FakeRequest *req,
            const char        *name,
            guint              fallback,
            guint              max)
{
  const char *value = req->query ? g_hash_table_lookup (req->query, name) : NULL;
  guint64 n;

  /* Values that do not parse fall back to the default. */
  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &n, NULL))
    return fallback;

  return MIN (n, max);
}

static const char *
query_string (const FakeRequest *req,
              const char        *name)
{
  return req->query ? g_hash_table_lookup (req->query, name) : NULL;
}

static void
handle_search (const FakeRequest *req)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(JsonBuilder) info = json_builder_new ();
  JsonArray *result = json_array_new ();
  JsonNode *result_node = json_node_new (JSON_NODE_ARRAY);
  guint page = query_uint (req, "page", 1, G_MAXUINT);
  guint per_page = query_uint (req, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE);
  guint64 first = (guint64) (page - 1) * per_page;
  guint count = 0;

  found = fake_catalog_search (req->self->catalog,
                               query_string (req, "task"),
                               query_string (req, "search"),
                               query_string (req, "author"),
                               g_strcmp0 (query_string (req, "hide_experimental"), "true") == 0);

  for (guint64 i = first; i < found->len && count < per_page; i++, count++)
    {
      const FakeModel *model = g_ptr_array_index (found, i);

      json_array_add_element (result, json_node_copy (model->entry));
    }
  json_node_take_array (result_node, result);

  json_builder_begin_object (info);
  json_builder_set_member_name (info, "page");
  json_builder_add_int_value (info, page);
  json_builder_set_member_name (info, "per_page");
  json_builder_add_int_value (info, per_page);
  json_builder_set_member_name (info, "count");
  json_builder_add_int_value (info, count);
  json_builder_set_member_name (info, "total_count");
  json_builder_add_int_value (info, found->len);
  json_builder_end_object (info);

  fake_send_json (req, SOUP_STATUS_OK, fake_envelope_success (result_node, json_builder_get_root (info), NULL));
}

static void
handle_schema (const FakeRequest *req)
{
  const char *name = query_string (req, "model");
  const FakeModel *model;

  if (name == NULL || *name == '\0')
    {
      fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 3003, "Request is missing headers or body: model");
      return;
    }

  if (!(model = fake_find_model (req, name)))
    return;

  fake_send_json (req, SOUP_STATUS_OK, fake_envelope_success (json_node_copy (model->schema), NULL, NULL));
}

static void
handle_finetunes (const FakeRequest *req)
{
  JsonNode *empty = json_node_new (JSON_NODE_ARRAY);

  /* No LoRA adapters exist in the fake account. */
  json_node_take_array (empty, json_array_new ());
  fake_send_json (req, SOUP_STATUS_OK, fake_envelope_success (empty, NULL, NULL));
}

static void
handle_v4 (const FakeRequest *req)
{
  const char *path = req->path + strlen ("/client/v4");
  const char *token = fake_authorized_token (req);
  g_autofree char *account = NULL;
  const char *rest;
  const char *slash;

  if (g_str_equal (path, "/user/tokens/verify"))
    {
      /* Cloudflare answers this one with its own code. */
      if (token == NULL || fake_scenario_is (req, "account-token") ||
          g_str_equal (token, FAKE_ACCOUNT_OWNED_TOKEN))
        fake_send_auth_error (req, 1000, "Invalid API Token");
      else if (!fake_is_method (req, SOUP_METHOD_GET))
        fake_send_method_not_allowed (req);
      else
        handle_verify (req, token);
      return;
    }

  if (token == NULL)
    {
      fake_send_auth_error (req, 10000, "Authentication error");
      return;
    }

  if (!g_str_has_prefix (path, "/accounts/"))
    {
      fake_send_no_route (req);
      return;
    }

  account = g_strdup (path + strlen ("/accounts/"));
  if ((slash = strchr (account, '/')) == NULL)
    {
      fake_send_no_route (req);
      return;
    }
  rest = path + strlen ("/accounts/") + (slash - account);
  account[slash - account] = '\0';

  if (!fake_account_id_is_valid (account))
    {
      g_autofree char *message =
        g_strdup_printf ("Could not route to %s, perhaps your object identifier is invalid?", req->path);
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "result");
      json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "success");
      json_builder_add_boolean_value (builder, FALSE);
      json_builder_set_member_name (builder, "errors");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_int_value (builder, 7003);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, message);
      json_builder_end_object (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_int_value (builder, 7000);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, "No route for that URI");
      json_builder_end_object (builder);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "messages");
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      fake_send_json (req, SOUP_STATUS_FORBIDDEN, json_builder_get_root (builder));
      return;
    }

  if (g_str_equal (rest, "/tokens/verify"))
    {
      if (fake_is_method (req, SOUP_METHOD_GET))
        handle_verify (req, token);
      else
        fake_send_method_not_allowed (req);
    }
  else if (g_str_equal (rest, "/ai/models/search"))
    {
      if (fake_is_method (req, SOUP_METHOD_GET))
        handle_search (req);
      else
        fake_send_method_not_allowed (req);
    }
  else if (g_str_equal (rest, "/ai/models/schema"))
    {
      if (fake_is_method (req, SOUP_METHOD_GET))
        handle_schema (req);
      else
        fake_send_method_not_allowed (req);
    }
  else if (g_str_equal (rest, "/ai/finetunes") || g_str_equal (rest, "/ai/finetunes/public"))
    {
      if (fake_is_method (req, SOUP_METHOD_GET))
        handle_finetunes (req);
      else
        fake_send_method_not_allowed (req);
    }
  else if (g_str_has_prefix (rest, "/ai/run/"))
    {
      if (fake_is_method (req, SOUP_METHOD_POST))
        fake_handle_run (req, rest + strlen ("/ai/run/"));
      else
        fake_send_method_not_allowed (req);
    }
  else if (g_str_equal (rest, "/ai/v1/chat/completions"))
    {
      if (fake_is_method (req, SOUP_METHOD_POST))
        fake_handle_chat_completions (req);
      else
        fake_send_method_not_allowed (req);
    }
  else
    fake_send_no_route (req);
}

/* Dispatch ------------------------------------------------------------------------ */

/* How many requests with this scenario (and x-fake-session header)
 * came before this one. */
static guint
count_request (const FakeRequest *req)
{
  const char *session = fake_request_header (req, "x-fake-session");
  g_autofree char *key = g_strconcat (req->scenario, "\n", session ? session : "", NULL);
  guint seen = GPOINTER_TO_UINT (g_hash_table_lookup (req->self->counters, key));

  g_hash_table_replace (req->self->counters, g_steal_pointer (&key), GUINT_TO_POINTER (seen + 1));

  return seen;
}

static void
send_rate_limited (const FakeRequest *req)
{
  if (fake_scenario_is (req, "rate-limit-date"))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 1);
      g_autofree char *date = soup_date_time_to_string (later, SOUP_DATE_HTTP);

      fake_set_header (req, "Retry-After", date);
    }
  else
    fake_set_header (req, "Retry-After", "1");

  if (fake_scenario_is (req, "rate-limit-ms"))
    fake_set_header (req, "retry-after-ms", "150");

  fake_send_ai_error (req, FAKE_STATUS_TOO_MANY_REQUESTS, 0, "Rate limited, please slow down");
}

/* Answers transport-level trouble; TRUE when it did. */
static gboolean
handle_transport_scenarios (const FakeRequest *req)
{
  const char *flaky_part = fake_scenario_with_prefix (req, "flaky-");
  const char *flaky429_part = fake_scenario_with_prefix (req, "flaky429-");
  guint flaky = flaky_part ? scenario_flaky_count (flaky_part, "flaky-") : 0;
  guint flaky429 = flaky429_part ? scenario_flaky_count (flaky429_part, "flaky429-") : 0;
  gboolean rate_limit_once = fake_scenario_is (req, "rate-limit") || fake_scenario_is (req, "rate-limit-ms") ||
                             fake_scenario_is (req, "rate-limit-date");
  guint seen = 0;

  if (flaky > 0 || flaky429 > 0 || rate_limit_once)
    seen = count_request (req);

  if (seen < flaky)
    fake_send_html (req, SOUP_STATUS_SERVICE_UNAVAILABLE);
  else if (seen < flaky429 || (rate_limit_once && seen == 0) || fake_scenario_is (req, "rate-limit-always"))
    send_rate_limited (req);
  else if (fake_scenario_is (req, "server-error"))
    fake_send_html (req, SOUP_STATUS_INTERNAL_SERVER_ERROR);
  else if (fake_scenario_is (req, "bad-gateway-html"))
    fake_send_html (req, SOUP_STATUS_BAD_GATEWAY);
  else if (fake_scenario_is (req, "wrong-content-type"))
    fake_send_text (req, SOUP_STATUS_OK, "text/plain", "OK\n");
  else
    return FALSE;

  return TRUE;
}

static void
echo_header (const char *name,
             const char *value,
             gpointer    user_data)
{
  SoupMessageHeaders *response = user_data;
  g_autofree char *lower = g_ascii_strdown (name, -1);
  g_autofree char *echo = NULL;

  if (!g_str_has_prefix (lower, "cf-aig-") && !g_str_equal (lower, "x-session-affinity"))
    return;

  echo = g_strconcat ("x-fake-received-", lower, NULL);
  /* Tests check that a gateway token was sent, not its value. */
  soup_message_headers_append (response, echo,
                               g_str_equal (lower, "cf-aig-authorization") ? "present" : value);
}

static void
add_common_headers (const FakeRequest *req)
{
  SoupMessageHeaders *response = soup_server_message_get_response_headers (req->msg);
  g_autofree char *ray = g_strdup_printf ("%08x%08x-SJC", g_random_int (), g_random_int ());

  soup_message_headers_replace (response, "cf-ray", ray);
  soup_message_headers_foreach (soup_server_message_get_request_headers (req->msg), echo_header, response);
}

/* Loopback clients get a port of their own for each connection. */
static void
note_connection (FakeServer        *self,
                 SoupServerMessage *msg)
{
  GSocketAddress *address = soup_server_message_get_remote_address (msg);

  if (G_IS_INET_SOCKET_ADDRESS (address))
    g_hash_table_add (self->client_ports,
                      GUINT_TO_POINTER (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address))));
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *raw_path,
                GHashTable        *query,
                gpointer           user_data)
{
  FakeServer *self = user_data;
  g_autofree char *decoded = g_uri_unescape_string (raw_path, NULL);
  g_autofree char *scenario = NULL;
  g_auto(GStrv) parts = NULL;
  FakeRequest req = { self, msg, "", NULL, NULL, query };
  const char *path = decoded;

  note_connection (self, msg);
  if (decoded == NULL)
    {
      req.path = raw_path;
      fake_send_text (&req, SOUP_STATUS_BAD_REQUEST, "text/plain", "bad percent-encoding in path\n");
      goto out;
    }

  if (g_str_has_prefix (decoded, "/scenario/"))
    {
      const char *name = decoded + strlen ("/scenario/");
      const char *slash = strchr (name, '/');

      scenario = slash ? g_strndup (name, slash - name) : g_strdup (name);
      path = slash ? slash : "/";
      req.scenario = scenario;
    }
  req.path = path;
  parts = *req.scenario ? g_strsplit (req.scenario, "+", -1) : g_new0 (char *, 1);
  req.scenarios = parts;

  if (!scenario_known (req.scenarios))
    {
      g_autofree char *text = g_strdup_printf ("unknown fake-workers-ai scenario '%s'; see --help\n", req.scenario);

      fake_send_text (&req, SOUP_STATUS_NOT_FOUND, "text/plain", text);
      goto out;
    }

  add_common_headers (&req);

  if (g_str_equal (path, "/fake/streams"))
    {
      g_autofree char *json = g_strdup_printf ("{\"live\": %u, \"closed_by_client\": %u, \"connections\": %u}\n",
                                               fake_stream_get_n_live (),
                                               fake_stream_get_n_closed_by_client (),
                                               g_hash_table_size (self->client_ports));

      fake_send_text (&req, SOUP_STATUS_OK, "application/json", json);
      goto out;
    }

  if (g_str_equal (path, "/fake/last-request"))
    {
      if (req.self->last_text_run != NULL)
        fake_send_json (&req, SOUP_STATUS_OK, json_node_copy (req.self->last_text_run));
      else
        fake_send_text (&req, SOUP_STATUS_NOT_FOUND, "text/plain", "no text request yet\n");
      goto out;
    }

  if (handle_transport_scenarios (&req))
    goto out;

  if (g_str_has_prefix (path, "/client/v4/"))
    handle_v4 (&req);
  else if (g_str_has_prefix (path, "/v1/"))
    fake_handle_gateway (&req);
  else
    fake_send_no_route (&req);

out:
  g_printerr ("fake-workers-ai: %s %s scenario=%s status=%u\n",
              soup_server_message_get_method (msg),
              req.path ? req.path : raw_path,
              *req.scenario ? req.scenario : "-",
              soup_server_message_get_status (msg));
}

/* Main ------------------------------------------------------------------------ */

static gboolean
on_quit_signal (gpointer user_data)
{
  FakeServer *self = user_data;

  g_main_loop_quit (self->loop);
  return G_SOURCE_CONTINUE;
}

/* Checks whether the process that started us is gone (we were
 * re-parented): a test that aborted must not leave us running, holding
 * the test harness's stderr pipe until its timeout. */
static gboolean
check_parent (gpointer user_data)
{
  FakeServer *self = user_data;

  if (getppid () == self->parent)
    return G_SOURCE_CONTINUE;

  g_printerr ("fake-workers-ai: parent process gone, stopping\n");
  g_main_loop_quit (self->loop);
  return G_SOURCE_CONTINUE;
}

static GHashTable *
load_tokens (void)
{
  GHashTable *tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *extra = g_getenv ("FAKE_WORKERS_AI_TOKENS");

  g_hash_table_add (tokens, g_strdup ("test-token"));
  g_hash_table_add (tokens, g_strdup (FAKE_ACCOUNT_OWNED_TOKEN));
  if (extra != NULL)
    {
      g_auto(GStrv) list = g_strsplit (extra, ",", -1);

      for (guint i = 0; list[i]; i++)
        {
          g_strstrip (list[i]);
          if (*list[i])
            g_hash_table_add (tokens, g_strdup (list[i]));
        }
    }

  return tokens;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *models_dir = NULL;
  FakeServer self = { 0 };
  int port = 0;
  int ret = 0;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port to listen on (0: any free port)", "N" },
    { "models-dir", 'm', 0, G_OPTION_ARG_FILENAME, &models_dir,
      "Directory of model description files (default: $FAKE_WORKERS_AI_MODELS or the built-in path)", "DIR" },
    { NULL }
  };

  /* First thing, before the parent has a chance to go away. */
  self.parent = getppid ();

  context = g_option_context_new ("- a fake Cloudflare Workers AI server for tests");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, SCENARIO_HELP);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("fake-workers-ai: %s\n", error->message);
      return 2;
    }
  if (port < 0 || port > 65535)
    {
      g_printerr ("fake-workers-ai: --port must be 0-65535\n");
      return 2;
    }

  if (models_dir == NULL)
    models_dir = g_strdup (g_getenv ("FAKE_WORKERS_AI_MODELS"));
#ifdef FAKE_WORKERS_AI_MODELS_DIR
  if (models_dir == NULL)
    models_dir = g_strdup (FAKE_WORKERS_AI_MODELS_DIR);
#endif
  if (models_dir == NULL)
    {
      g_printerr ("fake-workers-ai: no models directory: use --models-dir or FAKE_WORKERS_AI_MODELS\n");
      return 2;
    }

  if (!(self.catalog = fake_catalog_load (models_dir, &error)))
    {
      g_printerr ("fake-workers-ai: %s\n", error->message);
      return 1;
    }

  self.tokens = load_tokens ();
  self.counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.gateway_cache = fake_gateway_cache_new ();
  self.affinity = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  self.client_ports = g_hash_table_new (NULL, NULL);
  self.loop = g_main_loop_new (NULL, FALSE);
  self.server = soup_server_new ("server-header", "cloudflare", NULL);
  soup_server_add_handler (self.server, NULL, handle_request, &self, NULL);

  /* Loopback only: listen_local binds 127.0.0.1. */
  if (soup_server_listen_local (self.server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      GSList *uris = soup_server_get_uris (self.server);
      guint parent_id;
      guint sigterm_id;
      guint sigint_id;

      g_assert (uris != NULL);
      printf ("http://127.0.0.1:%d\n", g_uri_get_port (uris->data));
      fflush (stdout);
      g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

      g_printerr ("fake-workers-ai: %u models from %s\n", fake_catalog_get_n_models (self.catalog), models_dir);

      sigterm_id = g_unix_signal_add (SIGTERM, on_quit_signal, &self);
      sigint_id = g_unix_signal_add (SIGINT, on_quit_signal, &self);
      parent_id = g_timeout_add (PARENT_CHECK_MS, check_parent, &self);
      g_main_loop_run (self.loop);
      g_source_remove (parent_id);
      g_source_remove (sigterm_id);
      g_source_remove (sigint_id);
    }
  else
    {
      g_printerr ("fake-workers-ai: cannot listen: %s\n", error->message);
      ret = 1;
    }

  fake_stream_shutdown ();
  soup_server_disconnect (self.server);
  g_clear_object (&self.server);
  g_clear_pointer (&self.loop, g_main_loop_unref);
  g_clear_pointer (&self.affinity, g_hash_table_unref);
  g_clear_pointer (&self.client_ports, g_hash_table_unref);
  g_clear_pointer (&self.last_text_run, json_node_unref);
  g_clear_pointer (&self.gateway_cache, g_hash_table_unref);
  g_clear_pointer (&self.counters, g_hash_table_unref);
  g_clear_pointer (&self.tokens, g_hash_table_unref);
  g_clear_pointer (&self.catalog, fake_catalog_free);

  return ret;
}
