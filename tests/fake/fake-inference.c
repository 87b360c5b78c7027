/* fake-inference.c — /ai/run and /ai/v1/chat/completions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

#include "fake-image.h"
#include "fake-server.h"
#include "fake-stream.h"
#include "fake-text.h"

#define SLOW_DELAY_MS 50
#define LATE_FIRST_MS 2500
#define SLOW_START_MS 300

/* Request bodies ---------------------------------------------------------- */

GBytes *
fake_request_body (const FakeRequest *req)
{
  return soup_message_body_flatten (soup_server_message_get_request_body (req->msg));
}

static gboolean
is_multipart (const FakeRequest *req)
{
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (req->msg), NULL);

  return type != NULL && g_ascii_strcasecmp (type, "multipart/form-data") == 0;
}

/* Parses the body as a JSON object, or answers the error and returns NULL. */
static JsonNode *
parse_json_body (const FakeRequest *req)
{
  g_autoptr(GBytes) body = fake_request_body (req);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  JsonNode *root;

  if (len == 0)
    {
      fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 3003, "Request is missing headers or body: body");
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, len, &error))
    {
      g_autofree char *message = g_strdup_printf ("Invalid input: body is not valid JSON (%s)", error->message);

      fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 5004, message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 5004,
                          "Invalid input: Type mismatch of '/', body is not an object");
      return NULL;
    }

  return json_node_copy (root);
}

/* gdk-pixbuf shows a PNG or JPEG cut short as far as it goes; the
 * model's decoder (PIL, by default) refuses it, so the fake looks for
 * each format's end: the IEND chunk, the EOI marker, the RIFF size. */
static gboolean
ends_whole (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  if (len >= 8 && memcmp (data, "\x89PNG", 4) == 0)
    return len >= 20 && memcmp (data + len - 8, "IEND", 4) == 0;
  if (len >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    return data[len - 2] == 0xff && data[len - 1] == 0xd9;
  if (len >= 12 && memcmp (data, "RIFF", 4) == 0)
    return (gsize) (data[4] | data[5] << 8 | data[6] << 16 | (guint32) data[7] << 24) + 8 == len;

  return FALSE;
}

/* The model decodes what it is given: so does the fake, with a real
 * decoder (not the client's sniffing), so a picture cut short or one
 * that only starts like a PNG is refused as the service would. */
static gboolean
decode_picture (GBytes *bytes,
                int    *width,
                int    *height)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  gboolean written = gdk_pixbuf_loader_write_bytes (loader, bytes, NULL);
  /* Closed in any case: an unclosed loader warns when it goes. */
  gboolean closed = gdk_pixbuf_loader_close (loader, NULL);
  GdkPixbuf *pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);

  if (!written || !closed || pixbuf == NULL || !ends_whole (bytes))
    return FALSE;

  *width = gdk_pixbuf_get_width (pixbuf);
  *height = gdk_pixbuf_get_height (pixbuf);
  return TRUE;
}

/* What reference images the request carried, "WxH" each, comma-separated,
 * so tests can see what arrived. */
static void
note_reference (GString *seen,
                int      width,
                int      height)
{
  if (seen->len > 0)
    g_string_append_c (seen, ',');
  g_string_append_printf (seen, "%dx%d", width, height);
}

/* Form fields are strings; numbers are coerced to what the schema wants
 * so that "4" passes as an integer while "four" still fails. */
static JsonNode *
parse_multipart_body (const FakeRequest *req,
                      const FakeModel   *model)
{
  g_autoptr(GBytes) body = fake_request_body (req);
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GString) seen = g_string_new (NULL);
  JsonNode *root;
  int n;

  multipart = soup_multipart_new_from_message (soup_server_message_get_request_headers (req->msg), body);
  if (multipart == NULL)
    {
      fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 3003,
                          "Request is missing headers or body: multipart/form-data body does not parse");
      return NULL;
    }

  n = soup_multipart_get_length (multipart);
  for (int i = 0; i < n; i++)
    {
      SoupMessageHeaders *headers;
      GBytes *part;
      g_autoptr(GHashTable) params = NULL;
      g_autofree char *disposition = NULL;
      g_autofree char *text = NULL;
      const char *name;
      JsonObject *property;
      const char *type = NULL;
      gsize len;
      const char *data;

      if (!soup_multipart_get_part (multipart, i, &headers, &part))
        continue;
      if (!soup_message_headers_get_content_disposition (headers, &disposition, &params) ||
          (name = g_hash_table_lookup (params, "name")) == NULL)
        {
          fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 3003,
                              "Request is missing headers or body: form part without a name");
          return NULL;
        }

      /* Reference images: a name the schema does not list (input_image_4)
       * is refused below with the other unknown fields. */
      if (g_str_has_prefix (name, "input_image_") && fake_model_get_input_property (model, name) != NULL)
        {
          int width;
          int height;

          if (!decode_picture (part, &width, &height))
            {
              g_autofree char *message = g_strdup_printf ("Invalid input: '%s' is not a PNG, JPEG or WebP image", name);

              fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 5004, message);
              return NULL;
            }

          /* docs/workers-ai.md: each reference image at most 512×512. */
          if (width > FAKE_REFERENCE_MAX_SIDE || height > FAKE_REFERENCE_MAX_SIDE)
            {
              g_autofree char *message =
                g_strdup_printf ("Invalid input: '%s' is %dx%d; input images must be at most %dx%d",
                                 name, width, height, FAKE_REFERENCE_MAX_SIDE, FAKE_REFERENCE_MAX_SIDE);

              fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 5004, message);
              return NULL;
            }

          note_reference (seen, width, height);
          text = g_strdup_printf ("%" G_GSIZE_FORMAT " bytes", g_bytes_get_size (part));
          json_object_set_string_member (fields, name, text);
          continue;
        }

      data = g_bytes_get_data (part, &len);
      text = g_strndup (data, len);
      property = fake_model_get_input_property (model, name);
      if (property != NULL)
        type = fake_json_string (property, "type");

      if (g_strcmp0 (type, "integer") == 0)
        {
          gint64 value;

          if (g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL))
            {
              json_object_set_int_member (fields, name, value);
              continue;
            }
        }
      else if (g_strcmp0 (type, "number") == 0)
        {
          char *end = NULL;
          double value = g_ascii_strtod (text, &end);

          if (*text != '\0' && end != NULL && *end == '\0')
            {
              json_object_set_double_member (fields, name, value);
              continue;
            }
        }

      json_object_set_string_member (fields, name, text);
    }

  if (seen->len > 0)
    fake_set_header (req, "x-fake-reference-images", seen->str);

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, fields);

  return root;
}

static gboolean
is_base64 (const char *text)
{
  gsize len = strlen (text);

  if (len == 0 || len % 4 != 0)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (g_ascii_isalnum (c) || c == '+' || c == '/')
        continue;
      /* Padding, at the end only. */
      if (c == '=' && i >= len - 2 && (i == len - 1 || text[len - 1] == '='))
        continue;
      return FALSE;
    }

  return TRUE;
}

/* img2img: the schema only says "string"; the model needs a picture. */
static gboolean
check_img2img (const FakeRequest *req,
               JsonObject        *body)
{
  const char *base64 = fake_json_string (body, "image_b64");
  g_autoptr(GBytes) picture = NULL;
  g_autoptr(GString) seen = g_string_new (NULL);
  guint8 *data;
  gsize len;
  int width;
  int height;

  if (base64 == NULL)
    return TRUE;

  if (!is_base64 (base64))
    {
      fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 5004,
                          "Invalid input: 'image_b64' is not valid base64");
      return FALSE;
    }

  data = g_base64_decode (base64, &len);
  picture = g_bytes_new_take (data, len);
  if (!decode_picture (picture, &width, &height))
    {
      fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 5004,
                          "Invalid input: 'image_b64' is not a base64-encoded PNG, JPEG or WebP image");
      return FALSE;
    }

  note_reference (seen, width, height);
  fake_set_header (req, "x-fake-reference-images", seen->str);
  return TRUE;
}

/* Checks a body against the model schema; answers and returns FALSE when
 * it fails. */
static gboolean
validate_body (const FakeRequest *req,
               const FakeModel   *model,
               JsonNode          *body)
{
  g_autoptr(FakeSchemaError) error = fake_schema_validate (model->input_schema, body);

  if (error == NULL)
    return TRUE;

  fake_send_validation_error (req, error);
  return FALSE;
}

/* Text generation --------------------------------------------------------- */

static double
neurons_for (const FakeModel  *model,
             const FakeAnswer *answer)
{
  /* Models without a price in their file cost like a small model. */
  double input = model->price_input > 0 ? model->price_input : 0.10;
  double output = model->price_output > 0 ? model->price_output : 0.30;
  double usd = (answer->prompt_tokens * input + answer->completion_tokens * output) / 1e6;

  /* $0.011 per 1,000 neurons; keep two decimals like the dashboard. */
  return (double) (gint64) (usd / 0.011 * 1000 * 100 + 0.5) / 100;
}

static gboolean
thinking_enabled (JsonObject *body)
{
  JsonNode *kwargs = fake_json_member (body, "chat_template_kwargs");
  JsonObject *object;

  if (kwargs == NULL || !JSON_NODE_HOLDS_OBJECT (kwargs))
    return TRUE;

  object = json_node_get_object (kwargs);
  return !fake_json_false (object, "enable_thinking") && !fake_json_false (object, "thinking");
}

static FakeStreamOptions
stream_options (const FakeRequest *req,
                guint              n_events)
{
  FakeStreamOptions options = { .cut_after = -1 };

  if (fake_scenario_is (req, "slow"))
    options.delay_ms = SLOW_DELAY_MS;
  if (fake_scenario_is (req, "late-first-token"))
    options.first_delay_ms = LATE_FIRST_MS;
  if (fake_scenario_is (req, "slow-start"))
    {
      options.first_delay_ms = SLOW_START_MS;
      options.delay_ms = SLOW_DELAY_MS;
    }
  if (fake_scenario_is (req, "chunked-awkward"))
    options.awkward = TRUE;
  if (fake_scenario_is (req, "open-after-done"))
    options.hold_open = TRUE;
  if (fake_scenario_is (req, "cut-stream") || fake_scenario_is (req, "cut-stream-hard"))
    {
      /* Enough to show text, never the last two events (usage, [DONE]). */
      options.cut_after = MIN (MAX (2, n_events / 2), n_events - 2);
      options.cut_hard = fake_scenario_is (req, "cut-stream-hard");
    }

  return options;
}

static void
start_event_stream (const FakeRequest *req,
                    GPtrArray         *events)
{
  FakeStreamOptions options = stream_options (req, events->len);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

  soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  fake_stream_start (req->msg, events, &options);
}

/* Fills prompt-cache numbers when the client sends x-session-affinity:
 * a later turn of the same conversation reuses the prefix it shares with
 * the previous one, message by message, as a prefix cache does. */
static void
apply_session_affinity (const FakeRequest *req,
                        JsonObject        *body,
                        FakeAnswer        *answer)
{
  const char *session = fake_request_header (req, "x-session-affinity");
  JsonNode *node = fake_json_member (body, "messages");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) previous = NULL;
  g_autofree char *previous_key = NULL;
  char **now;
  guint shared = 0;

  if (session == NULL)
    return;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *messages = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (messages); i++)
        g_strv_builder_take (builder, json_to_string (json_array_get_element (messages, i), FALSE));
    }

  g_hash_table_steal_extended (req->self->affinity, session,
                               (gpointer *) &previous_key, (gpointer *) &previous);
  now = g_strv_builder_end (builder);
  while (previous != NULL && previous[shared] != NULL && now[shared] != NULL &&
         g_str_equal (previous[shared], now[shared]))
    shared++;
  g_hash_table_insert (req->self->affinity, g_strdup (session), now);

  answer->cached_tokens = fake_text_count_message_tokens (body, shared);
}

static gboolean
wants_chat_format (const FakeRequest *req,
                   const FakeModel   *model)
{
  return model->chat_style || fake_scenario_is (req, "reasoning") || fake_scenario_is (req, "reasoning-field");
}

static const char *
reasoning_field (const FakeRequest *req,
                 const FakeModel   *model)
{
  return fake_scenario_is (req, "reasoning-field") ? "reasoning" : model->reasoning_field;
}

/* Builds the answer, or answers an error and returns NULL. */
static FakeAnswer *
make_answer (const FakeRequest *req,
             const FakeModel   *model,
             JsonObject        *body,
             gboolean           chat_format)
{
  FakeAnswerOptions options = { 0 };
  g_autoptr(FakeAnswer) answer = NULL;
  gint64 max_tokens = model->default_max_tokens;
  guint prompt_tokens;

  /* Chat-completions and Responses names first, then the classic one. */
  if (!fake_json_int (body, "max_completion_tokens", &max_tokens) &&
      !fake_json_int (body, "max_output_tokens", &max_tokens))
    fake_json_int (body, "max_tokens", &max_tokens);

  prompt_tokens = fake_text_count_prompt_tokens (body);
  if (model->context_window > 0 && prompt_tokens + max_tokens > model->context_window)
    {
      g_autofree char *message =
        g_strdup_printf ("The estimated number of input and maximum output tokens (%" G_GINT64_FORMAT ") "
                         "exceeded this model context window limit (%" G_GINT64_FORMAT ").",
                         prompt_tokens + max_tokens, model->context_window);

      fake_send_ai_error (req, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, 5021, message);
      return NULL;
    }

  options.max_tokens = max_tokens;
  options.think_tags = fake_scenario_is (req, "think-tags");
  options.think_close_only = fake_scenario_is (req, "think-close-only");
  options.reasoning = options.think_tags || options.think_close_only ||
                      (chat_format && thinking_enabled (body));

  answer = fake_answer_new (model->name, body, &options);
  answer->reasoning_field = reasoning_field (req, model);
  apply_session_affinity (req, body, answer);
  answer->neurons = neurons_for (model, answer);

  return g_steal_pointer (&answer);
}


/* Returns TRUE when a stream was started. */
static gboolean
run_text (const FakeRequest *req,
          const FakeModel   *model,
          JsonNode          *body_node)
{
  JsonObject *body = json_node_get_object (body_node);
  g_autoptr(FakeAnswer) answer = NULL;
  JsonObject *record;
  gboolean chat_format;
  gboolean responses;
  gboolean stream;

  /* Kept for GET /fake/last-request: tests check what the app sent. */
  record = json_object_new ();
  json_object_set_string_member (record, "model", model->name);
  json_object_set_member (record, "body", json_node_copy (body_node));
  g_clear_pointer (&req->self->last_text_run, json_node_unref);
  req->self->last_text_run = json_node_init_object (json_node_alloc (), record);
  json_object_unref (record);

  if (!json_object_has_member (body, "prompt") && !json_object_has_member (body, "messages") &&
      !json_object_has_member (body, "input"))
    {
      /* Some schemas have a variant (Async Batch) that requires nothing. */
      fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 5004,
                          "Invalid input: required properties at '/' are 'prompt' or 'messages'");
      return FALSE;
    }

  responses = json_object_has_member (body, "input") &&
              !json_object_has_member (body, "prompt") && !json_object_has_member (body, "messages");
  chat_format = wants_chat_format (req, model);
  stream = fake_json_true (body, "stream") && !fake_scenario_is (req, "json-for-stream");

  if (!(answer = make_answer (req, model, body, chat_format)))
    return FALSE;

  /* The Responses API has no stream here: a stream request gets the JSON
   * object, like the reported gpt-oss behaviour. */
  if (responses)
    {
      fake_send_json (req, SOUP_STATUS_OK, fake_envelope_success (fake_answer_responses_result (answer), NULL, NULL));
      return FALSE;
    }

  if (!stream)
    {
      JsonNode *result = chat_format ? fake_answer_chat_completion (answer) : fake_answer_native_result (answer);

      fake_send_json (req, SOUP_STATUS_OK, fake_envelope_success (result, NULL, NULL));
      return FALSE;
    }

  if (chat_format)
    {
      FakeChatStreamOptions options = { TRUE, FALSE, reasoning_field (req, model) };

      start_event_stream (req, fake_answer_chat_events (answer, &options));
    }
  else
    start_event_stream (req, fake_answer_native_events (answer));

  return TRUE;
}

/* Images ------------------------------------------------------------------ */

/* With slow-image the answer takes about two seconds to arrive, long
 * enough for a queue to fill and for a cancel to close the transfer. */
#define SLOW_IMAGE_PIECES 20
#define SLOW_IMAGE_DELAY_MS 100

static void
send_image_bytes (const FakeRequest *req,
                  const char        *content_type,
                  GBytes            *body)
{
  if (!fake_scenario_is (req, "slow-image"))
    {
      fake_send_bytes (req, SOUP_STATUS_OK, content_type, body);
      return;
    }

  soup_message_headers_set_content_type (soup_server_message_get_response_headers (req->msg),
                                         content_type, NULL);
  fake_stream_start_body (req->msg, body, SLOW_IMAGE_PIECES, SLOW_IMAGE_DELAY_MS);
}

static gint64
image_dimension (const FakeModel *model,
                 JsonObject      *body,
                 const char      *name)
{
  gint64 value;

  if (fake_json_int (body, name, &value) && value > 0)
    return value;

  return fake_model_get_input_default (model, name, 1024);
}

static void
run_image (const FakeRequest *req,
           const FakeModel   *model,
           JsonNode          *body_node)
{
  JsonObject *body = json_node_get_object (body_node);
  g_autofree guint8 *rgb = NULL;
  g_autofree char *size = NULL;
  g_autoptr(GBytes) image = NULL;
  g_autofree char *prompt = NULL;
  FakeImageOutput output = model->image_output;
  gboolean png;
  gint64 width;
  gint64 height;
  gint64 seed = 0;
  guint w;
  guint h;

  prompt = g_strdup (fake_json_string (body, "prompt"));
  g_strstrip (prompt);

  if (fake_scenario_is (req, "nsfw-oneword") && strpbrk (prompt, " \t\n") == NULL)
    {
      fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 3030, "Input prompt contains NSFW content.");
      return;
    }

  /* Flux has been reported to fail like this without its steps field;
   * either name counts for models that take both (lucid-origin). */
  if (fake_scenario_is (req, "strict-steps") &&
      (fake_model_get_input_property (model, "steps") || fake_model_get_input_property (model, "num_steps")) &&
      !json_object_has_member (body, "steps") && !json_object_has_member (body, "num_steps"))
    {
      fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 1000, "unexpected type 'int32' with value 'undefined'");
      return;
    }

  width = image_dimension (model, body, "width");
  height = image_dimension (model, body, "height");
  fake_json_int (body, "seed", &seed);

  rgb = fake_image_render (prompt, seed, CLAMP (width, 1, 65535), CLAMP (height, 1, 65535), &w, &h);
  size = g_strdup_printf ("%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT, width, height);
  fake_set_header (req, "x-fake-requested-size", size);

  if (fake_scenario_is (req, "image-json-for-png"))
    {
      if (output == FAKE_IMAGE_PNG_BYTES)
        output = FAKE_IMAGE_JSON_PNG;
      else if (output == FAKE_IMAGE_JPEG_BYTES)
        output = FAKE_IMAGE_JSON_JPEG;
    }
  else if (fake_scenario_is (req, "image-bytes-for-json"))
    {
      if (output == FAKE_IMAGE_JSON_PNG)
        output = FAKE_IMAGE_PNG_BYTES;
      else if (output == FAKE_IMAGE_JSON_JPEG)
        output = FAKE_IMAGE_JPEG_BYTES;
    }

  png = output == FAKE_IMAGE_PNG_BYTES || output == FAKE_IMAGE_JSON_PNG;
  image = png ? fake_image_encode_png (rgb, w, h) : fake_image_encode_jpeg (rgb, w, h);

  if (fake_scenario_is (req, "image-corrupt"))
    {
      GBytes *half = g_bytes_new_from_bytes (image, 0, g_bytes_get_size (image) / 2);

      g_bytes_unref (image);
      image = half;
    }

  switch (output)
    {
    case FAKE_IMAGE_PNG_BYTES:
      send_image_bytes (req, "image/png", image);
      break;

    case FAKE_IMAGE_JPEG_BYTES:
      send_image_bytes (req, "image/jpeg", image);
      break;

    case FAKE_IMAGE_JSON_JPEG:
    case FAKE_IMAGE_JSON_PNG:
      {
        g_autofree char *base64 = g_base64_encode (g_bytes_get_data (image, NULL), g_bytes_get_size (image));
        JsonObject *result = json_object_new ();
        JsonNode *node = json_node_new (JSON_NODE_OBJECT);

        g_autoptr(JsonNode) envelope = NULL;
        g_autoptr(GBytes) bytes = NULL;
        char *text;

        json_object_set_string_member (result, "image", base64);
        json_node_take_object (node, result);
        envelope = fake_envelope_success (node, NULL, NULL);
        text = json_to_string (envelope, FALSE);
        bytes = g_bytes_new_take (text, strlen (text));
        send_image_bytes (req, "application/json", bytes);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Inference endpoints ------------------------------------------------------ */

static gboolean
model_name_is_valid (const char *name)
{
  static GRegex *regex;

  if (g_once_init_enter_pointer (&regex))
    g_once_init_leave_pointer (&regex, g_regex_new ("^@(cf|hf)/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+$", 0, 0, NULL));

  return g_regex_match (regex, name, 0, NULL);
}

/* Looks the model up, or answers 3042/5007 and returns NULL. */
const FakeModel *
fake_find_model (const FakeRequest *req,
                 const char        *name)
{
  const FakeModel *model;

  if (name == NULL || !model_name_is_valid (name))
    {
      fake_send_ai_error (req, SOUP_STATUS_NOT_FOUND, 3042, "The model name is invalid");
      return NULL;
    }

  model = fake_catalog_lookup (req->self->catalog, name);
  if (model == NULL || model->kind == FAKE_MODEL_OTHER)
    {
      g_autofree char *message = g_strdup_printf ("No such model %s or task", name);

      fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 5007, message);
      return NULL;
    }

  return model;
}

/* "options" go to the service, not the model: they are taken out before
 * the body is checked against the model's schema.  Returns FALSE when
 * the request was answered (a busy model refusing to queue it). */
static gboolean
take_request_options (const FakeRequest *req,
                      JsonObject        *body)
{
  JsonNode *options = fake_json_member (body, "options");
  gboolean reject_if_busy = FALSE;

  if (options != NULL && JSON_NODE_HOLDS_OBJECT (options))
    reject_if_busy = fake_json_true (json_node_get_object (options), "rejectIfBusy");
  if (options != NULL)
    json_object_remove_member (body, "options");

  if (!fake_scenario_is (req, "busy"))
    return TRUE;

  if (reject_if_busy)
    {
      fake_send_ai_error (req, FAKE_STATUS_TOO_MANY_REQUESTS, 3040,
                          "Capacity temporarily exceeded, please try again.");
      return FALSE;
    }

  fake_set_header (req, "x-fake-queued", "true");
  return TRUE;
}

/* POST …/ai/run/{model}; returns TRUE when a stream was started. */
gboolean
fake_handle_run (const FakeRequest *req,
                 const char        *model_name)
{
  g_autoptr(JsonNode) body = NULL;
  const FakeModel *model;

  if (fake_send_scenario_ai_error (req, model_name))
    return FALSE;

  if (!(model = fake_find_model (req, model_name)))
    return FALSE;

  if (model->multipart != is_multipart (req))
    {
      if (model->multipart)
        fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 5004,
                            "Invalid input: required properties at '/' are 'multipart' "
                            "(this model takes multipart/form-data)");
      else
        fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 5004,
                            "Invalid input: this model takes a JSON body, not multipart/form-data");
      return FALSE;
    }

  body = model->multipart ? parse_multipart_body (req, model) : parse_json_body (req);
  if (body != NULL && !model->multipart && !take_request_options (req, json_node_get_object (body)))
    return FALSE;
  if (body == NULL || !validate_body (req, model, body))
    return FALSE;

  switch (model->kind)
    {
    case FAKE_MODEL_TEXT:
      return run_text (req, model, body);

    case FAKE_MODEL_IMAGE:
      if (!model->multipart && !check_img2img (req, json_node_get_object (body)))
        return FALSE;
      run_image (req, model, body);
      return FALSE;

    case FAKE_MODEL_OTHER:
    default:
      g_assert_not_reached ();
    }

  return FALSE;
}

/* POST …/ai/v1/chat/completions: plain OpenAI objects, no envelope.
 * Errors keep the v4 envelope.  Returns TRUE when a stream was started. */
gboolean
fake_handle_chat_completions (const FakeRequest *req)
{
  g_autoptr(JsonNode) body_node = NULL;
  g_autoptr(FakeAnswer) answer = NULL;
  const FakeModel *model;
  JsonObject *body;
  JsonNode *options_node;
  gboolean chat_format;

  if (!(body_node = parse_json_body (req)))
    return FALSE;
  body = json_node_get_object (body_node);

  if (fake_json_string (body, "model") == NULL)
    {
      fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 5004, "Invalid input: required properties at '/' are 'model'");
      return FALSE;
    }

  if (fake_send_scenario_ai_error (req, fake_json_string (body, "model")))
    return FALSE;

  if (!(model = fake_find_model (req, fake_json_string (body, "model"))))
    return FALSE;

  if (model->kind != FAKE_MODEL_TEXT)
    {
      g_autofree char *message = g_strdup_printf ("No such model %s or task", model->name);

      fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 5007, message);
      return FALSE;
    }

  if (!validate_body (req, model, body_node))
    return FALSE;

  if (!json_object_has_member (body, "messages"))
    {
      fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 5004,
                          "Invalid input: required properties at '/' are 'messages'");
      return FALSE;
    }

  chat_format = wants_chat_format (req, model);
  if (!(answer = make_answer (req, model, body, chat_format)))
    return FALSE;

  if (fake_json_true (body, "stream") && !fake_scenario_is (req, "json-for-stream"))
    {
      FakeChatStreamOptions options = { FALSE, FALSE, reasoning_field (req, model) };

      options_node = fake_json_member (body, "stream_options");
      if (options_node != NULL && JSON_NODE_HOLDS_OBJECT (options_node))
        options.include_usage = fake_json_true (json_node_get_object (options_node), "include_usage");

      start_event_stream (req, fake_answer_chat_events (answer, &options));
      return TRUE;
    }

  fake_send_json (req, SOUP_STATUS_OK, fake_answer_chat_completion (answer));
  return FALSE;
}
