/* test-fake-server.c — the fake Workers AI server does what tests rely on
 *
 * Starts tests/fake-workers-ai (path from $FAKE_WORKERS_AI, else next to
 * this test), talks to it over HTTP and checks the shapes other tests
 * depend on.  The last case stops it with SIGTERM and requires exit
 * status 0, which under AddressSanitizer also means "no leaks".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-test-home.h"
#include "fake-image.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#define ACCOUNT "0123456789abcdef0123456789abcdef"
#define TOKEN "test-token"
#define LLAMA "@cf/meta/llama-3.3-70b-instruct-fp8-fast"
#define SCHNELL "@cf/black-forest-labs/flux-1-schnell"

static GSubprocess *server;
static gboolean server_stopped;
static char *base_url;
static SoupSession *session;

typedef struct
{
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

/* @path is appended to the base URL, scenario prefix included. */
static SoupMessage *
new_message (const char *method,
             const char *path)
{
  g_autofree char *uri = g_strconcat (base_url, path, NULL);
  SoupMessage *msg = soup_message_new (method, uri);

  g_assert_nonnull (msg);
  soup_message_headers_replace (soup_message_get_request_headers (msg),
                                "Authorization", "Bearer " TOKEN);

  return msg;
}

static Reply *
send_message (SoupMessage *msg)
{
  g_autoptr(GError) error = NULL;
  Reply *reply = g_new0 (Reply, 1);

  reply->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  return reply;
}

static Reply *
post_json (const char *path,
           const char *json)
{
  g_autoptr(SoupMessage) msg = new_message (SOUP_METHOD_POST, path);
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  return send_message (msg);
}

static Reply *
get (const char *path)
{
  g_autoptr(SoupMessage) msg = new_message (SOUP_METHOD_GET, path);

  return send_message (msg);
}

static char *
run_path (const char *scenario,
          const char *model)
{
  if (scenario != NULL)
    return g_strdup_printf ("/scenario/%s/client/v4/accounts/" ACCOUNT "/ai/run/%s", scenario, model);

  return g_strdup_printf ("/client/v4/accounts/" ACCOUNT "/ai/run/%s", model);
}

/* The body as a NUL-terminated string. */
static char *
body_text (GBytes *body)
{
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  return g_strndup (data ? data : "", len);
}

static JsonObject *
parse_object (GBytes *body)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = body_text (body);
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  return json_object_ref (json_node_get_object (node));
}

static gint64
first_error_code (JsonObject *envelope)
{
  JsonArray *errors = json_object_get_array_member (envelope, "errors");

  g_assert_false (json_object_get_boolean_member (envelope, "success"));
  g_assert_cmpuint (json_array_get_length (errors), >, 0);

  return json_object_get_int_member (json_array_get_object_element (errors, 0), "code");
}

static const char *
first_error_message (JsonObject *envelope)
{
  JsonArray *errors = json_object_get_array_member (envelope, "errors");

  return json_object_get_string_member (json_array_get_object_element (errors, 0), "message");
}

/* The base64 `result.image` of an envelope, decoded. */
static guint8 *
result_image (JsonObject *envelope,
              gsize      *len)
{
  JsonObject *result = json_object_get_object_member (envelope, "result");

  g_assert_true (json_object_get_boolean_member (envelope, "success"));
  return g_base64_decode (json_object_get_string_member (result, "image"), len);
}

static GdkPixbuf *
decode_image (const guint8 *data,
              gsize         len)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_loader_write (loader, data, len, &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);

  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

/* The "data:" payloads of an SSE body, CRLF or LF. */
static GPtrArray *
sse_payloads (GBytes *body)
{
  g_autofree char *text = body_text (body);
  g_auto(GStrv) lines = NULL;
  GPtrArray *payloads = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) normalised = g_string_new (text);

  g_string_replace (normalised, "\r\n", "\n", 0);
  lines = g_strsplit (normalised->str, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], "data: "))
      g_ptr_array_add (payloads, g_strdup (lines[i] + strlen ("data: ")));

  return payloads;
}

/* Tests ------------------------------------------------------------------- */

static void
test_verify_token (void)
{
  g_autoptr(Reply) reply = get ("/client/v4/user/tokens/verify");
  g_autoptr(JsonObject) envelope = parse_object (reply->body);
  g_autoptr(SoupMessage) bad = new_message (SOUP_METHOD_GET, "/client/v4/user/tokens/verify");
  g_autoptr(Reply) bad_reply = NULL;
  g_autoptr(JsonObject) bad_envelope = NULL;
  JsonObject *result;

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (envelope, "success"));
  result = json_object_get_object_member (envelope, "result");
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "active");
  g_assert_cmpuint (strlen (json_object_get_string_member (result, "id")), ==, 32);

  soup_message_headers_replace (soup_message_get_request_headers (bad), "Authorization", "Bearer wrong");
  bad_reply = send_message (bad);
  bad_envelope = parse_object (bad_reply->body);
  g_assert_cmpuint (bad_reply->status, ==, 401);
  g_assert_cmpint (first_error_code (bad_envelope), ==, 1000);
}

/* An account-owned token: refused by /user/tokens/verify, as Cloudflare
 * does, and accepted on the account's own routes. */
static void
test_account_owned_token (void)
{
  const char *const paths[] = {
    "/client/v4/user/tokens/verify",
    "/client/v4/accounts/test-account/tokens/verify",
    "/client/v4/accounts/test-account/ai/models/search?per_page=1",
  };
  const guint expected[] = { 401, 200, 200 };

  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(SoupMessage) msg = new_message (SOUP_METHOD_GET, paths[i]);
      g_autoptr(Reply) reply = NULL;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    "Bearer test-account-token");
      reply = send_message (msg);
      g_assert_cmpuint (reply->status, ==, expected[i]);
      if (expected[i] == 401)
        {
          g_autoptr(JsonObject) envelope = parse_object (reply->body);

          g_assert_cmpint (first_error_code (envelope), ==, 1000);
        }
    }
}

static void
test_auth_failure (void)
{
  g_autofree char *path = run_path (NULL, LLAMA);
  g_autoptr(SoupMessage) wrong = new_message (SOUP_METHOD_POST, path);
  g_autoptr(SoupMessage) missing = new_message (SOUP_METHOD_POST, path);
  g_autoptr(Reply) wrong_reply = NULL;
  g_autoptr(Reply) missing_reply = NULL;
  g_autoptr(Reply) account_reply = NULL;
  g_autoptr(JsonObject) envelope = NULL;
  g_autoptr(JsonObject) account_envelope = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (wrong), "Authorization", "Bearer nope");
  wrong_reply = send_message (wrong);
  envelope = parse_object (wrong_reply->body);
  g_assert_cmpuint (wrong_reply->status, ==, 401);
  g_assert_cmpint (first_error_code (envelope), ==, 10000);
  g_assert_cmpstr (first_error_message (envelope), ==, "Authentication error");

  soup_message_headers_remove (soup_message_get_request_headers (missing), "Authorization");
  missing_reply = send_message (missing);
  g_assert_cmpuint (missing_reply->status, ==, 401);

  account_reply = get ("/client/v4/accounts/not-an-account/ai/models/search");
  account_envelope = parse_object (account_reply->body);
  g_assert_cmpuint (account_reply->status, ==, 403);
  g_assert_cmpint (first_error_code (account_envelope), ==, 7003);
  g_assert_nonnull (strstr (first_error_message (account_envelope), "/accounts/not-an-account/"));
}

static guint
count_model_files (void)
{
  const char *dir_path = g_getenv ("FAKE_WORKERS_AI_MODELS");
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n = 0;

#ifdef FAKE_WORKERS_AI_MODELS_DIR
  if (dir_path == NULL)
    dir_path = FAKE_WORKERS_AI_MODELS_DIR;
#endif
  g_assert_nonnull (dir_path);
  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)))
    if (g_str_has_suffix (name, ".json"))
      n++;

  return n;
}

static void
test_catalog_paging (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint expected = count_model_files ();
  guint total = 0;
  guint page = 1;

  for (;; page++)
    {
      g_autofree char *path = g_strdup_printf ("/client/v4/accounts/" ACCOUNT "/ai/models/search?page=%u", page);
      g_autoptr(Reply) reply = get (path);
      g_autoptr(JsonObject) envelope = parse_object (reply->body);
      JsonArray *result = json_object_get_array_member (envelope, "result");
      JsonObject *info = json_object_get_object_member (envelope, "result_info");
      guint n = json_array_get_length (result);

      g_assert_cmpuint (reply->status, ==, 200);
      g_assert_cmpint (json_object_get_int_member (info, "page"), ==, page);
      g_assert_cmpint (json_object_get_int_member (info, "per_page"), ==, 20);
      g_assert_cmpint (json_object_get_int_member (info, "count"), ==, n);
      total = json_object_get_int_member (info, "total_count");

      for (guint i = 0; i < n; i++)
        {
          JsonObject *entry = json_array_get_object_element (result, i);
          JsonObject *task = json_object_get_object_member (entry, "task");

          g_assert_true (g_str_has_prefix (json_object_get_string_member (entry, "name"), "@cf/"));
          g_assert_nonnull (json_object_get_string_member (entry, "id"));
          g_assert_nonnull (json_object_get_string_member (task, "name"));
          g_assert_true (json_object_has_member (entry, "properties"));
          g_assert_false (json_object_has_member (entry, "schema"));
          g_assert_true (g_hash_table_add (seen, g_strdup (json_object_get_string_member (entry, "name"))));
        }

      if (n < 20)
        break;
    }

  g_assert_cmpuint (page, >=, 2);
  g_assert_cmpuint (total, ==, expected);
  g_assert_cmpuint (g_hash_table_size (seen), ==, expected);
}

static void
test_catalog_filter (void)
{
  g_autoptr(Reply) reply = get ("/client/v4/accounts/" ACCOUNT "/ai/models/search"
                                "?task=Text-to-Image&search=FLUX&per_page=2");
  g_autoptr(JsonObject) envelope = parse_object (reply->body);
  JsonObject *info = json_object_get_object_member (envelope, "result_info");

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (info, "total_count"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (info, "count"), ==, 2);
}

static void
test_schema_invalid (void)
{
  g_autofree char *path = run_path (NULL, SCHNELL);
  g_autofree char *path_422 = run_path ("validation-422", SCHNELL);
  g_autoptr(Reply) reply = post_json (path, "{\"prompt\":\"a cat\",\"steps\":\"4\"}");
  g_autoptr(JsonObject) envelope = parse_object (reply->body);
  g_autoptr(Reply) reply_422 = post_json (path_422, "{\"prompt\":\"a cat\",\"steps\":9}");
  g_autoptr(JsonObject) envelope_422 = parse_object (reply_422->body);
  JsonObject *error;
  JsonObject *fields;

  g_assert_cmpuint (reply->status, ==, 400);
  g_assert_cmpint (first_error_code (envelope), ==, 5004);
  g_assert_nonnull (strstr (first_error_message (envelope), "'/steps'"));

  g_assert_cmpuint (reply_422->status, ==, 422);
  g_assert_cmpint (first_error_code (envelope_422), ==, 5012);
  error = json_array_get_object_element (json_object_get_array_member (envelope_422, "errors"), 0);
  fields = json_object_get_object_member (json_object_get_object_member (error, "details"), "fieldErrors");
  g_assert_true (json_object_has_member (fields, "steps"));
}

static void
test_schnell_image (void)
{
  g_autofree char *path = run_path (NULL, SCHNELL);
  g_autoptr(Reply) reply = post_json (path, "{\"prompt\":\"A red fox in the snow\",\"steps\":4}");
  g_autoptr(JsonObject) envelope = parse_object (reply->body);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree guint8 *image = NULL;
  gsize len;

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply->headers, NULL), ==, "application/json");
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "x-fake-requested-size"), ==, "1024x1024");
  image = result_image (envelope, &len);
  g_assert_cmpuint (len, >, 3);
  g_assert_cmpmem (image, 3, "\xff\xd8\xff", 3);
  pixbuf = decode_image (image, len);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 64);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 64);
}

static void
test_png_bytes (void)
{
  g_autofree char *path = run_path (NULL, "@cf/stabilityai/stable-diffusion-xl-base-1.0");
  g_autoptr(Reply) reply = post_json (path, "{\"prompt\":\"a lighthouse\",\"width\":1024,\"height\":512,\"seed\":7}");
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (reply->body, &len);

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply->headers, NULL), ==, "image/png");
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "x-fake-requested-size"), ==, "1024x512");
  pixbuf = decode_image (data, len);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 64);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 32);
}

static void
test_flux2_multipart (void)
{
  g_autofree char *path = run_path (NULL, "@cf/black-forest-labs/flux-2-dev");
  g_autoptr(SoupMultipart) multipart = soup_multipart_new ("multipart/form-data");
  g_autoptr(SoupMessage) msg = new_message (SOUP_METHOD_POST, path);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(Reply) reply = NULL;
  g_autoptr(Reply) json_reply = NULL;
  g_autoptr(JsonObject) envelope = NULL;
  g_autoptr(JsonObject) json_envelope = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree guint8 *image = NULL;
  gsize len;

  soup_multipart_append_form_string (multipart, "prompt", "A watercolour of a harbour at dawn");
  soup_multipart_append_form_string (multipart, "steps", "25");
  soup_multipart_append_form_string (multipart, "width", "512");
  soup_multipart_append_form_string (multipart, "height", "768");
  soup_multipart_to_message (multipart, soup_message_get_request_headers (msg), &body);
  soup_message_set_request_body_from_bytes (msg, NULL, body);
  reply = send_message (msg);
  envelope = parse_object (reply->body);

  g_assert_cmpuint (reply->status, ==, 200);
  image = result_image (envelope, &len);
  pixbuf = decode_image (image, len);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 64);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 42);

  json_reply = post_json (path, "{\"prompt\":\"A watercolour of a harbour\",\"steps\":25}");
  json_envelope = parse_object (json_reply->body);
  g_assert_cmpuint (json_reply->status, ==, 400);
  g_assert_nonnull (strstr (first_error_message (json_envelope), "multipart"));
}

static GBytes *
tiny_png (guint width,
          guint height)
{
  g_autofree guint8 *rgb = g_malloc0 ((gsize) width * height * 3);

  return fake_image_encode_png (rgb, width, height);
}

static Reply *
post_flux2_with_image (const char *part_name,
                       GBytes     *image)
{
  g_autofree char *path = run_path (NULL, "@cf/black-forest-labs/flux-2-dev");
  g_autoptr(SoupMultipart) multipart = soup_multipart_new ("multipart/form-data");
  g_autoptr(SoupMessage) msg = new_message (SOUP_METHOD_POST, path);
  g_autoptr(GBytes) body = NULL;

  soup_multipart_append_form_string (multipart, "prompt", "The cat of the picture, in a garden");
  soup_multipart_append_form_string (multipart, "steps", "25");
  soup_multipart_append_form_file (multipart, part_name, "reference.png", "image/png", image);
  soup_multipart_to_message (multipart, soup_message_get_request_headers (msg), &body);
  soup_message_set_request_body_from_bytes (msg, NULL, body);

  return send_message (msg);
}

/* Reference images are decoded and measured, as the model would. */
static void
test_flux2_reference_parts (void)
{
  g_autoptr(GBytes) fits = tiny_png (512, 300);
  g_autoptr(GBytes) too_wide = tiny_png (513, 10);
  g_autoptr(GBytes) cut = g_bytes_new_from_bytes (fits, 0, g_bytes_get_size (fits) - 12);
  g_autoptr(GBytes) text = g_bytes_new_static ("\x89PNG not really", 16);
  g_autoptr(Reply) ok = post_flux2_with_image ("input_image_3", fits);
  g_autoptr(Reply) wide = post_flux2_with_image ("input_image_0", too_wide);
  g_autoptr(Reply) unknown = post_flux2_with_image ("input_image_4", fits);
  g_autoptr(Reply) truncated = post_flux2_with_image ("input_image_0", cut);
  g_autoptr(Reply) fake = post_flux2_with_image ("input_image_0", text);
  g_autoptr(JsonObject) envelope = NULL;

  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (ok->headers, "x-fake-reference-images"), ==, "512x300");

  g_assert_cmpuint (wide->status, ==, 400);
  envelope = parse_object (wide->body);
  g_assert_cmpint (first_error_code (envelope), ==, 5004);
  g_assert_nonnull (strstr (first_error_message (envelope), "513x10"));
  g_clear_pointer (&envelope, json_object_unref);

  /* Only input_image_0…3 exist. */
  g_assert_cmpuint (unknown->status, ==, 400);
  envelope = parse_object (unknown->body);
  g_assert_nonnull (strstr (first_error_message (envelope), "input_image_4"));
  g_clear_pointer (&envelope, json_object_unref);

  for (guint i = 0; i < 2; i++)
    {
      Reply *reply = i == 0 ? truncated : fake;

      g_assert_cmpuint (reply->status, ==, 400);
      envelope = parse_object (reply->body);
      g_assert_cmpint (first_error_code (envelope), ==, 5004);
      g_assert_nonnull (strstr (first_error_message (envelope), "is not a PNG, JPEG or WebP image"));
      g_clear_pointer (&envelope, json_object_unref);
    }
}

/* img2img fields against Stable Diffusion's schema. */
static void
test_img2img_fields (void)
{
  g_autofree char *path = run_path (NULL, "@cf/stabilityai/stable-diffusion-xl-base-1.0");
  g_autoptr(GBytes) picture = tiny_png (40, 30);
  g_autofree char *b64 = g_base64_encode (g_bytes_get_data (picture, NULL), g_bytes_get_size (picture));
  g_autofree char *good = g_strdup_printf ("{\"prompt\":\"the same, at night\",\"image_b64\":\"%s\",\"strength\":0.5}", b64);
  g_autofree char *strong = g_strdup_printf ("{\"prompt\":\"the same, at night\",\"image_b64\":\"%s\",\"strength\":1.5}", b64);
  g_autofree char *typo = g_strdup_printf ("{\"prompt\":\"the same, at night\",\"image_base64\":\"%s\"}", b64);
  g_autofree char *as_number = g_strdup ("{\"prompt\":\"the same, at night\",\"image_b64\":42}");
  g_autofree char *not_base64 = g_strdup ("{\"prompt\":\"the same, at night\",\"image_b64\":\"###\"}");
  g_autofree char *not_picture = g_strdup ("{\"prompt\":\"the same, at night\",\"image_b64\":\"aGVsbG8gd29ybGQh\"}");
  const char *refused[] = { strong, typo, as_number, not_base64, not_picture };
  const char *mentions[] = { "strength", "image_base64", "image_b64", "base64", "image_b64" };
  g_autoptr(Reply) reply = post_json (path, good);

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "Content-Type"), ==, "image/png");
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "x-fake-reference-images"), ==, "40x30");

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(Reply) bad = post_json (path, refused[i]);
      g_autoptr(JsonObject) envelope = parse_object (bad->body);

      g_test_message ("%s", refused[i]);
      g_assert_cmpuint (bad->status, ==, 400);
      g_assert_nonnull (strstr (first_error_message (envelope), mentions[i]));
    }
}

static void
test_text_answer (void)
{
  g_autofree char *path = run_path (NULL, LLAMA);
  g_autoptr(Reply) reply = post_json (path, "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}],"
                                            "\"max_tokens\":4}");
  g_autoptr(JsonObject) envelope = parse_object (reply->body);
  g_autoptr(Reply) too_long = post_json (path, "{\"prompt\":\"Hi\",\"max_tokens\":30000}");
  g_autoptr(JsonObject) too_long_envelope = parse_object (too_long->body);
  JsonObject *result = json_object_get_object_member (envelope, "result");
  JsonObject *usage = json_object_get_object_member (result, "usage");

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (result, "response"), ==, "You said: Hello there.");
  g_assert_cmpint (json_object_get_int_member (usage, "completion_tokens"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (usage, "total_tokens"), ==,
                   4 + json_object_get_int_member (usage, "prompt_tokens"));

  g_assert_cmpuint (too_long->status, ==, 413);
  g_assert_cmpint (first_error_code (too_long_envelope), ==, 5021);
  g_assert_cmpstr (first_error_message (too_long_envelope), ==,
                   "The estimated number of input and maximum output tokens (30004) exceeded "
                   "this model context window limit (24000).");
}

static void
test_stream_done (void)
{
  g_autofree char *path = run_path (NULL, LLAMA);
  g_autoptr(Reply) reply = post_json (path, "{\"prompt\":\"Stream please\",\"stream\":true}");
  g_autoptr(GPtrArray) payloads = sse_payloads (reply->body);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(JsonObject) last = NULL;
  g_autofree char *body = body_text (reply->body);

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply->headers, NULL), ==, "text/event-stream");
  g_assert_true (g_str_has_suffix (body, "data: [DONE]\n\n"));
  g_assert_cmpuint (payloads->len, >, 3);

  for (guint i = 0; i + 1 < payloads->len; i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (g_ptr_array_index (payloads, i), strlen (g_ptr_array_index (payloads, i)));
      g_autoptr(JsonObject) event = parse_object (bytes);

      if (json_object_has_member (event, "response"))
        g_string_append (text, json_object_get_string_member (event, "response"));
      if (i + 2 == payloads->len)
        last = json_object_ref (event);
    }

  g_assert_true (g_str_has_prefix (text->str, "You said: Stream please. The quick brown fox"));
  g_assert_true (json_object_has_member (last, "usage"));
}

static void
test_cut_stream (void)
{
  g_autofree char *path = run_path ("cut-stream", LLAMA);
  g_autoptr(Reply) reply = post_json (path, "{\"prompt\":\"Stream please\",\"stream\":true}");
  g_autoptr(GPtrArray) payloads = sse_payloads (reply->body);
  g_autofree char *body = body_text (reply->body);

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpuint (payloads->len, >=, 2);
  g_assert_null (strstr (body, "[DONE]"));
}

static void
test_cut_stream_hard (void)
{
  g_autofree char *path = run_path ("cut-stream-hard", LLAMA);
  g_autoptr(SoupMessage) msg = new_message (SOUP_METHOD_POST, path);
  const char *json = "{\"prompt\":\"Hi\",\"stream\":true}";
  g_autoptr(GBytes) request = g_bytes_new_static (json, strlen (json));
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) received = g_string_new (NULL);
  char buffer[256];
  gssize n;

  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  stream = soup_session_send (session, msg, NULL, &error);
  g_assert_no_error (error);

  while ((n = g_input_stream_read (stream, buffer, sizeof buffer, NULL, &error)) > 0)
    g_string_append_len (received, buffer, n);

  /* Data arrived, then the connection broke: an error, not an EOF. */
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (received->str, "data: {\"response\":\"You\""));
  g_assert_null (strstr (received->str, "[DONE]"));
}

static void
test_chunked_awkward (void)
{
  g_autofree char *path = run_path ("chunked-awkward", "@cf/qwen/qwen3-30b-a3b-fp8");
  g_autoptr(Reply) reply = post_json (path, "{\"messages\":[{\"role\":\"user\",\"content\":\"Grüß dich\"}],"
                                            "\"stream\":true}");
  g_autoptr(GPtrArray) payloads = sse_payloads (reply->body);
  g_autofree char *body = body_text (reply->body);
  g_autoptr(GString) content = g_string_new (NULL);
  g_autoptr(GString) reasoning = g_string_new (NULL);

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_nonnull (strstr (body, "\r\n\r\n"));
  g_assert_true (g_utf8_validate (body, -1, NULL));
  g_assert_cmpstr (g_ptr_array_index (payloads, payloads->len - 1), ==, "[DONE]");

  for (guint i = 0; i + 2 < payloads->len; i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (g_ptr_array_index (payloads, i), strlen (g_ptr_array_index (payloads, i)));
      g_autoptr(JsonObject) chunk = parse_object (bytes);
      JsonArray *choices = json_object_get_array_member (chunk, "choices");
      JsonObject *delta = json_object_get_object_member (json_array_get_object_element (choices, 0), "delta");

      if (json_object_has_member (delta, "content"))
        g_string_append (content, json_object_get_string_member (delta, "content"));
      if (json_object_has_member (delta, "reasoning_content"))
        g_string_append (reasoning, json_object_get_string_member (delta, "reasoning_content"));
    }

  g_assert_true (g_str_has_prefix (reasoning->str, "The user wrote \"Grüß dich\""));
  g_assert_cmpstr (content->str, ==,
                   "You said: Grüß dich. The quick brown fox jumps over the lazy dog — naïve café, 日本語.");
}

static void
test_openai_stream (void)
{
  g_autoptr(Reply) reply = post_json ("/client/v4/accounts/" ACCOUNT "/ai/v1/chat/completions",
                                      "{\"model\":\"@cf/openai/gpt-oss-20b\",\"stream\":true,"
                                      "\"stream_options\":{\"include_usage\":true},"
                                      "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
  g_autoptr(GPtrArray) payloads = sse_payloads (reply->body);
  g_autoptr(GBytes) usage_bytes = NULL;
  g_autoptr(JsonObject) usage_chunk = NULL;

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (g_ptr_array_index (payloads, payloads->len - 1), ==, "[DONE]");
  g_assert_nonnull (strstr (g_ptr_array_index (payloads, 1), "\"reasoning_content\""));
  usage_bytes = g_bytes_new (g_ptr_array_index (payloads, payloads->len - 2),
                             strlen (g_ptr_array_index (payloads, payloads->len - 2)));
  usage_chunk = parse_object (usage_bytes);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (usage_chunk, "choices")), ==, 0);
  g_assert_true (json_object_has_member (usage_chunk, "usage"));
}

static void
test_gateway (void)
{
  const char *path = "/v1/" ACCOUNT "/my-gateway/workers-ai/" LLAMA;
  const char *body = "{\"prompt\":\"cache me\"}";
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
  g_autofree char *first_body = NULL;
  g_autofree char *second_body = NULL;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(SoupMessage) msg = new_message (SOUP_METHOD_POST, path);
      SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
      g_autoptr(Reply) reply = NULL;

      soup_message_headers_replace (headers, "cf-aig-cache-ttl", "3600");
      soup_message_headers_replace (headers, "cf-aig-metadata", "{\"user\":\"tester\",\"n\":1}");
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      reply = send_message (msg);

      g_assert_cmpuint (reply->status, ==, 200);
      g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "cf-aig-cache-status"), ==, i == 0 ? "MISS" : "HIT");
      g_assert_nonnull (soup_message_headers_get_one (reply->headers, "cf-aig-log-id"));
      g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "x-fake-received-cf-aig-metadata"), ==,
                       "{\"user\":\"tester\",\"n\":1}");
      if (i == 0)
        first_body = body_text (reply->body);
      else
        second_body = body_text (reply->body);
    }
  g_assert_cmpstr (first_body, ==, second_body);

  {
    g_autoptr(SoupMessage) msg = new_message (SOUP_METHOD_POST, path);
    g_autoptr(Reply) reply = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "cf-aig-metadata",
                                  "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6}");
    soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    reply = send_message (msg);
    g_assert_cmpuint (reply->status, ==, 400);
  }

  {
    g_autoptr(Reply) reply = post_json ("/scenario/gateway-auth/v1/" ACCOUNT "/my-gateway/workers-ai/" LLAMA, body);

    g_assert_cmpuint (reply->status, ==, 401);
  }
}

static void
test_error_scenarios (void)
{
  g_autofree char *daily = run_path ("error-3036", LLAMA);
  g_autofree char *rate = run_path ("rate-limit-ms", LLAMA);
  g_autofree char *html = run_path ("bad-gateway-html", LLAMA);
  g_autofree char *unknown = run_path ("no-such-scenario", LLAMA);
  g_autoptr(Reply) daily_reply = post_json (daily, "{\"prompt\":\"Hi\"}");
  g_autoptr(JsonObject) daily_envelope = parse_object (daily_reply->body);
  g_autoptr(Reply) rate_reply = post_json (rate, "{\"prompt\":\"Hi\"}");
  g_autoptr(Reply) html_reply = post_json (html, "{\"prompt\":\"Hi\"}");
  g_autoptr(Reply) unknown_reply = post_json (unknown, "{\"prompt\":\"Hi\"}");

  g_assert_cmpuint (daily_reply->status, ==, 429);
  g_assert_cmpint (first_error_code (daily_envelope), ==, 3036);

  g_assert_cmpuint (rate_reply->status, ==, 429);
  g_assert_cmpstr (soup_message_headers_get_one (rate_reply->headers, "retry-after-ms"), ==, "150");
  g_clear_pointer (&rate_reply, reply_free);
  /* Only the first request is limited. */
  rate_reply = post_json (rate, "{\"prompt\":\"Hi\"}");
  g_assert_cmpuint (rate_reply->status, ==, 200);

  g_assert_cmpuint (html_reply->status, ==, 502);
  g_assert_cmpstr (soup_message_headers_get_content_type (html_reply->headers, NULL), ==, "text/html");

  g_assert_cmpuint (unknown_reply->status, ==, 404);
}

static void
test_clean_exit (void)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, &error);
  g_assert_no_error (error);
  server_stopped = TRUE;
  g_assert_true (g_subprocess_get_if_exited (server));
  g_assert_cmpint (g_subprocess_get_exit_status (server), ==, 0);
}

/* Setup ------------------------------------------------------------------- */

static char *
server_path (const char *argv0)
{
  const char *path = g_getenv ("FAKE_WORKERS_AI");
  g_autofree char *dir = NULL;

  if (path != NULL)
    return g_strdup (path);

  dir = g_path_get_dirname (argv0);
  return g_build_filename (dir, "fake-workers-ai", NULL);
}

static void
start_server (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;

  /* The server stops by itself if this test aborts (it watches its
   * parent), so a failure cannot leave it running. */
  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, path, NULL);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "http://127.0.0.1:"));

  base_url = g_steal_pointer (&line);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = server_path (argv[0]);
  int ret;

  g_test_init (&argc, &argv, NULL);
  cfai_test_isolate_home ("cfai-test-fake-server");

  start_server (path);
  {
    /* Straight to 127.0.0.1, whatever proxy the environment names. */
    g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

    session = soup_session_new_with_options ("proxy-resolver", direct, NULL);
  }

  g_test_add_func ("/fake-server/verify-token", test_verify_token);
  g_test_add_func ("/fake-server/account-owned-token", test_account_owned_token);
  g_test_add_func ("/fake-server/auth-failure", test_auth_failure);
  g_test_add_func ("/fake-server/catalog-paging", test_catalog_paging);
  g_test_add_func ("/fake-server/catalog-filter", test_catalog_filter);
  g_test_add_func ("/fake-server/schema-invalid", test_schema_invalid);
  g_test_add_func ("/fake-server/schnell-image", test_schnell_image);
  g_test_add_func ("/fake-server/png-bytes", test_png_bytes);
  g_test_add_func ("/fake-server/flux2-multipart", test_flux2_multipart);
  g_test_add_func ("/fake-server/flux2-reference-parts", test_flux2_reference_parts);
  g_test_add_func ("/fake-server/img2img-fields", test_img2img_fields);
  g_test_add_func ("/fake-server/text-answer", test_text_answer);
  g_test_add_func ("/fake-server/stream-done", test_stream_done);
  g_test_add_func ("/fake-server/cut-stream", test_cut_stream);
  g_test_add_func ("/fake-server/cut-stream-hard", test_cut_stream_hard);
  g_test_add_func ("/fake-server/chunked-awkward", test_chunked_awkward);
  g_test_add_func ("/fake-server/openai-stream", test_openai_stream);
  g_test_add_func ("/fake-server/gateway", test_gateway);
  g_test_add_func ("/fake-server/error-scenarios", test_error_scenarios);
  /* Last: stops the server. */
  g_test_add_func ("/fake-server/clean-exit", test_clean_exit);

  ret = g_test_run ();

  g_clear_object (&session);
  if (!server_stopped)
    {
      g_subprocess_force_exit (server);
      g_subprocess_wait (server, NULL, NULL);
    }
  g_clear_object (&server);
  g_clear_pointer (&base_url, g_free);

  return ret;
}
