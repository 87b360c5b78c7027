/* fake-reply.c — request helpers and Cloudflare-shaped replies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fake-server.h"

/* Messages from Cloudflare's error table where it has one; 5035's and
 * 5012's wording is ours, 5021's and 3030's as reported. */
static const FakeAiError ai_errors[] = {
  { 10000, 401, "Authentication error" },
  { 5007, 400, "No such model {model} or task" },
  { 3042, 404, "The model name is invalid" },
  { 5004, 400, "Invalid data type for base64 input: string" },
  { 5012, 422, "Request body failed validation" },
  { 3003, 400, "Request is missing headers or body: body" },
  { 5016, 403, "User has not agreed to Llama3.2 model terms" },
  { 5018, 403, "The account is not allowed to access this model" },
  { 3041, 403, "The account is not allowed to access this model" },
  { 5035, 403, "The model {model} requires the Workers Paid plan" },
  { 3023, 403, "Service unavailable for account" },
  { 3006, 413, "Request is too large" },
  { 5021, 413, "The estimated number of input and maximum output tokens (35000) exceeded this model context window limit (24000)." },
  { 3010, 413, "AiError: The estimated number of input and maximum output tokens (35000) exceeded this model context window limit (24000)." },
  { 3007, 408, "Request timeout" },
  { 3008, 408, "Request was aborted" },
  { 3036, 429, "You have used up your daily free allocation of 10,000 neurons. Please upgrade to Cloudflare's Workers Paid plan if you would like to continue usage." },
  { 3040, 429, "No more data centers to forward the request to" },
  { 3030, 400, "Input prompt contains NSFW content." },
  { 1000, 400, "unexpected type 'int32' with value 'undefined'" },
  { 3039, 400, "Finetune is missing required files (model.safetensors and config.json)" },
  { 5005, 405, "The model {model} does not support LoRa inference" },
  { 5019, 405, "Request trying to use deprecated SDK version" },
};

/* Helpers ----------------------------------------------------------------- */

gboolean
fake_scenario_is (const FakeRequest *req,
                  const char        *name)
{
  return g_strv_contains ((const char * const *) req->scenarios, name);
}

const char *
fake_scenario_with_prefix (const FakeRequest *req,
                           const char        *prefix)
{
  for (guint i = 0; req->scenarios[i]; i++)
    if (g_str_has_prefix (req->scenarios[i], prefix))
      return req->scenarios[i];

  return NULL;
}

/* The error an "error-CODE" scenario part stands for, or NULL. */
const FakeAiError *
fake_ai_error_find (const char *scenario)
{
  guint64 code;

  if (!g_str_has_prefix (scenario, "error-") ||
      !g_ascii_string_to_unsigned (scenario + strlen ("error-"), 10, 1, 99999, &code, NULL))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (ai_errors); i++)
    if (ai_errors[i].code == (int) code)
      return &ai_errors[i];

  return NULL;
}

const FakeAiError *
fake_scenario_error (const FakeRequest *req)
{
  const char *part = fake_scenario_with_prefix (req, "error-");

  return part ? fake_ai_error_find (part) : NULL;
}

const char *
fake_request_header (const FakeRequest *req,
                     const char        *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), name);
}

void
fake_set_header (const FakeRequest *req,
                 const char        *name,
                 const char        *value)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), name, value);
}

static char *
replace_model (const char *message,
               const char *model)
{
  GString *out = g_string_new (message);

  g_string_replace (out, "{model}", model ? model : "", 0);
  return g_string_free (out, FALSE);
}

JsonNode *
fake_json_member (JsonObject *object,
                  const char *name)
{
  return object ? json_object_get_member (object, name) : NULL;
}

const char *
fake_json_string (JsonObject *object,
                  const char *name)
{
  JsonNode *node = fake_json_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

gboolean
fake_json_true (JsonObject *object,
                const char *name)
{
  JsonNode *node = fake_json_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

gboolean
fake_json_false (JsonObject *object,
                 const char *name)
{
  JsonNode *node = fake_json_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         !json_node_get_boolean (node);
}

gboolean
fake_json_int (JsonObject *object,
               const char *name,
               gint64     *value)
{
  JsonNode *node = fake_json_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *value = json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *value = (gint64) json_node_get_double (node);
  else
    return FALSE;

  return TRUE;
}

/* Replies ----------------------------------------------------------------- */

static void
set_status (SoupServerMessage *msg,
            guint              status)
{
  /* libsoup knows no reason phrase for 429. */
  soup_server_message_set_status (msg, status,
                                  status == FAKE_STATUS_TOO_MANY_REQUESTS ? "Too Many Requests" : NULL);
}

void
fake_send_bytes (const FakeRequest *req,
                 guint              status,
                 const char        *content_type,
                 GBytes            *body)
{
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  set_status (req->msg, status);
  soup_server_message_set_response (req->msg, content_type, SOUP_MEMORY_COPY, data, len);
}

void
fake_send_text (const FakeRequest *req,
                guint              status,
                const char        *content_type,
                const char        *text)
{
  set_status (req->msg, status);
  soup_server_message_set_response (req->msg, content_type, SOUP_MEMORY_COPY, text, strlen (text));
}

/* Takes @node. */
void
fake_send_json (const FakeRequest *req,
                guint              status,
                JsonNode          *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  json_node_unref (node);
  fake_send_text (req, status, "application/json", text);
}

/* Takes @result, @result_info and @messages. */
JsonNode *
fake_envelope_success (JsonNode *result,
                       JsonNode *result_info,
                       JsonNode *messages)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "result");
  json_builder_add_value (builder, result);
  if (result_info != NULL)
    {
      json_builder_set_member_name (builder, "result_info");
      json_builder_add_value (builder, result_info);
    }
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "errors");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "messages");
  if (messages != NULL)
    json_builder_add_value (builder, messages);
  else
    {
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Takes @details. A @code of 0 leaves the code out. */
JsonNode *
fake_envelope_error (FakeResultKind result,
                     int            code,
                     const char    *message,
                     JsonNode      *details)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "result");
  if (result == FAKE_RESULT_NULL)
    json_builder_add_null_value (builder);
  else
    {
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "errors");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  if (code != 0)
    {
      json_builder_set_member_name (builder, "code");
      json_builder_add_int_value (builder, code);
    }
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  if (details != NULL)
    {
      json_builder_set_member_name (builder, "details");
      json_builder_add_value (builder, details);
    }
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

void
fake_send_ai_error (const FakeRequest *req,
                    guint              status,
                    int                code,
                    const char        *message)
{
  fake_send_json (req, status, fake_envelope_error (FAKE_RESULT_EMPTY, code, message, NULL));
}

void
fake_send_auth_error (const FakeRequest *req,
                      int                code,
                      const char        *message)
{
  fake_send_json (req, SOUP_STATUS_UNAUTHORIZED, fake_envelope_error (FAKE_RESULT_NULL, code, message, NULL));
}

void
fake_send_no_route (const FakeRequest *req)
{
  fake_send_json (req, SOUP_STATUS_NOT_FOUND,
                  fake_envelope_error (FAKE_RESULT_NULL, 7000, "No route for that URI", NULL));
}

void
fake_send_method_not_allowed (const FakeRequest *req)
{
  fake_send_json (req, SOUP_STATUS_METHOD_NOT_ALLOWED,
                  fake_envelope_error (FAKE_RESULT_NULL, 10405, "Method not allowed", NULL));
}

/* AI Gateway's own errors have their own shape. */
void
fake_send_gateway_error (const FakeRequest *req,
                         guint              status,
                         int                code,
                         const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  if (code != 0)
    {
      json_builder_set_member_name (builder, "code");
      json_builder_add_int_value (builder, code);
    }
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  fake_send_json (req, status, json_builder_get_root (builder));
}

void
fake_send_html (const FakeRequest *req,
                guint              status)
{
  g_autofree char *body = NULL;
  const char *phrase = soup_status_get_phrase (status);

  body = g_strdup_printf ("<html>\r\n<head><title>%u %s</title></head>\r\n"
                          "<body>\r\n<center><h1>%u %s</h1></center>\r\n"
                          "<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n",
                          status, phrase, status, phrase);
  fake_send_text (req, status, "text/html", body);
}

static void
send_validation_error (const FakeRequest     *req,
                       const FakeSchemaError *error,
                       gboolean               as_422)
{
  g_autofree char *field = fake_schema_error_dup_top_field (error);

  if (as_422)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      /* A flattened zod error: per-field lists, and form-level errors
       * for problems with the body as a whole. */
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "formErrors");
      json_builder_begin_array (builder);
      if (field == NULL)
        json_builder_add_string_value (builder, error->message);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "fieldErrors");
      json_builder_begin_object (builder);
      if (field != NULL)
        {
          json_builder_set_member_name (builder, field);
          json_builder_begin_array (builder);
          json_builder_add_string_value (builder, error->message);
          json_builder_end_array (builder);
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);

      fake_send_json (req, 422, fake_envelope_error (FAKE_RESULT_EMPTY, 5012, "Request body failed validation",
                                                     json_builder_get_root (builder)));
      return;
    }

  {
    g_autofree char *message = g_strconcat ("Invalid input: ", error->message, NULL);

    fake_send_ai_error (req, SOUP_STATUS_BAD_REQUEST, 5004, message);
  }
}

void
fake_send_validation_error (const FakeRequest     *req,
                            const FakeSchemaError *error)
{
  send_validation_error (req, error, fake_scenario_is (req, "validation-422"));
}

gboolean
fake_send_scenario_ai_error (const FakeRequest *req,
                             const char        *model)
{
  const FakeAiError *error = fake_scenario_error (req);
  g_autofree char *message = NULL;

  if (error == NULL)
    return FALSE;

  message = replace_model (error->message, model);

  if (error->code == 10000)
    fake_send_auth_error (req, 10000, message);
  else if (error->code == 5012)
    {
      FakeSchemaError field_error = {
        .pointer = (char *) "",
        .field = (char *) "/prompt",
        .message = (char *) "Length of '/prompt' must be >= 1, got 0",
      };

      send_validation_error (req, &field_error, TRUE);
    }
  else
    fake_send_ai_error (req, error->status, error->code, message);

  return TRUE;
}

/* Authentication and routing helpers -------------------------------------- */

gboolean
fake_account_id_is_valid (const char *id)
{
  if (g_str_equal (id, "test-account"))
    return TRUE;
  if (strlen (id) != 32)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;

  return TRUE;
}

/* The bearer token when it is one we accept, else NULL. */
const char *
fake_authorized_token (const FakeRequest *req)
{
  const char *header = fake_request_header (req, "Authorization");

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;

  header += 7;
  if (!g_hash_table_contains (req->self->tokens, header) || fake_scenario_is (req, "error-10000"))
    return NULL;

  return header;
}

gboolean
fake_is_method (const FakeRequest *req,
                const char        *method)
{
  return g_str_equal (soup_server_message_get_method (req->msg), method);
}
