/* test-errors.c — the CFAI_ERROR details, the v4 envelope parser and the
 * mapping of failed answers of every shape
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cfai-envelope.h"
#include "cfai-error.h"
#include "cfai-test-home.h"

static GError *
map_with_headers (guint               status,
                  const char         *content_type,
                  const char         *body,
                  SoupMessageHeaders *headers)
{
  g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;

  return cfai_error_from_response (status, content_type, bytes, headers);
}

static GError *
map (guint       status,
     const char *content_type,
     const char *body)
{
  return map_with_headers (status, content_type, body, NULL);
}

static JsonNode *
parse (guint        status,
       const char  *content_type,
       const char  *body,
       GError     **error)
{
  g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;

  return cfai_envelope_parse (status, content_type, bytes, NULL, NULL, error);
}

/* What every error a user may see must satisfy, whatever its code. */
static void
assert_presentable (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == CFAI_ERROR);
  g_assert_nonnull (error->message);
  g_assert_cmpuint (strlen (error->message), >, 20);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (strstr (error->message, "{\""));
  if (cfai_error_get_detail (error) != NULL)
    g_assert_true (g_utf8_validate (cfai_error_get_detail (error), -1, NULL));
}

#define JSON "application/json"

/* The failure envelope Workers AI sends, with one error entry. */
#define ENVELOPE(code, message) \
  "{\"success\":false,\"errors\":[{\"code\":" #code ",\"message\":\"" message "\"}]," \
  "\"messages\":[],\"result\":null}"

/* One row per line of workers-ai.md "Errors", with the bodies Cloudflare
 * sends (messages from its error table and from public captures). */
typedef struct
{
  guint          status;
  const char    *content_type;
  const char    *body;
  CfaiErrorCode  code;
  gint64         api_code;
  const char    *field;
  gboolean       is_bug;
} Row;

static const Row mapping_table[] = {
  { 401, JSON, ENVELOPE (10000, "Authentication error"),
    CFAI_ERROR_AUTH, 10000, NULL, FALSE },
  { 403, JSON, "{\"success\":false,\"errors\":[],\"messages\":[],\"result\":null}",
    CFAI_ERROR_AUTH, 0, NULL, FALSE },
  { 401, NULL, NULL, CFAI_ERROR_AUTH, 0, NULL, FALSE },
  { 403, JSON, ENVELOPE (9109, "Unauthorized to access requested resource"),
    CFAI_ERROR_AUTH, 9109, NULL, FALSE },
  { 404, JSON, "{\"success\":false,\"errors\":["
               "{\"code\":7003,\"message\":\"Could not route to /client/v4/accounts/0123/ai/run/"
               "@cf/meta/llama-3.3-70b-instruct-fp8-fast, perhaps your object identifier is "
               "invalid?\"},"
               "{\"code\":7000,\"message\":\"No route for that URI\"}],"
               "\"messages\":[],\"result\":null}",
    CFAI_ERROR_AUTH, 7003, NULL, FALSE },
  { 400, JSON, ENVELOPE (5007, "No such model @cf/meta/llama-3-8b-instruct or task"),
    CFAI_ERROR_NO_SUCH_MODEL, 5007, NULL, FALSE },
  { 404, JSON, ENVELOPE (3042, "The model name is invalid"),
    CFAI_ERROR_NO_SUCH_MODEL, 3042, NULL, FALSE },
  { 400, JSON, ENVELOPE (5004, "Invalid data type for base64 input: string"),
    CFAI_ERROR_INVALID_INPUT, 5004, NULL, FALSE },
  { 422, JSON, "{\"success\":false,\"errors\":[{\"code\":5012,"
               "\"message\":\"Body failed validation\","
               "\"details\":{\"formErrors\":[],\"fieldErrors\":"
               "{\"max_tokens\":[\"Number must be less than or equal to 4096\"]}}}],"
               "\"messages\":[],\"result\":null}",
    CFAI_ERROR_INVALID_INPUT, 5012, "max_tokens", FALSE },
  { 400, JSON, ENVELOPE (3003, "Request is missing headers or body: body"),
    CFAI_ERROR_INVALID_INPUT, 3003, NULL, TRUE },
  { 403, JSON, ENVELOPE (5016, "5016: Prior to using this model, you must submit the prompt "
                               "'agree'.\\nBy submitting 'agree', you hereby agree to the "
                               "llama-3.2-11b-vision-instruct Community License"),
    CFAI_ERROR_LICENCE_REQUIRED, 5016, NULL, FALSE },
  { 403, JSON, ENVELOPE (5018, "The account is not allowed to access this model"),
    CFAI_ERROR_MODEL_NOT_ALLOWED, 5018, NULL, FALSE },
  { 403, JSON, ENVELOPE (3041, "The account is not allowed to access this model"),
    CFAI_ERROR_MODEL_NOT_ALLOWED, 3041, NULL, FALSE },
  { 403, JSON, ENVELOPE (5035, "This model requires the Workers Paid plan"),
    CFAI_ERROR_PAID_PLAN_REQUIRED, 5035, NULL, FALSE },
  { 403, JSON, ENVELOPE (3023, "Service unavailable for account"),
    CFAI_ERROR_ACCOUNT_BLOCKED, 3023, NULL, FALSE },
  { 413, JSON, ENVELOPE (3006, "Request is too large"),
    CFAI_ERROR_TOO_LARGE, 3006, NULL, FALSE },
  { 413, "text/plain", "", CFAI_ERROR_TOO_LARGE, 0, NULL, FALSE },
  { 413, JSON, ENVELOPE (5021, "The estimated number of input and maximum output tokens (155740) "
                               "exceeded this model context window limit (128000)."),
    CFAI_ERROR_CONTEXT_EXCEEDED, 5021, NULL, FALSE },
  { 413, JSON, ENVELOPE (3010, "3010: AiError: The estimated number of input and maximum output "
                               "tokens (35000) exceeded this model context window limit (24000)"),
    CFAI_ERROR_CONTEXT_EXCEEDED, 3010, NULL, FALSE },
  { 408, JSON, ENVELOPE (3007, "Request timeout"),
    CFAI_ERROR_TIMEOUT, 3007, NULL, FALSE },
  { 408, JSON, ENVELOPE (3008, "Request was aborted"),
    CFAI_ERROR_TIMEOUT, 3008, NULL, FALSE },
  { 408, NULL, NULL, CFAI_ERROR_TIMEOUT, 0, NULL, FALSE },
  { 429, JSON, ENVELOPE (3036, "You have used up your daily free allocation of 10,000 neurons. "
                               "Please upgrade to Cloudflare's Workers Paid plan if you would "
                               "like to continue usage."),
    CFAI_ERROR_DAILY_LIMIT, 3036, NULL, FALSE },
  { 429, JSON, ENVELOPE (3040, "No more data centers to forward the request to"),
    CFAI_ERROR_CAPACITY, 3040, NULL, FALSE },
  { 429, NULL, NULL, CFAI_ERROR_RATE_LIMITED, 0, NULL, FALSE },
  { 429, JSON, ENVELOPE (971, "Please wait and consider throttling your request speed"),
    CFAI_ERROR_RATE_LIMITED, 971, NULL, FALSE },
  { 400, JSON, ENVELOPE (3030, "AiError: Input prompt contains NSFW content"),
    CFAI_ERROR_NSFW, 3030, NULL, FALSE },
  { 400, JSON, ENVELOPE (8007, "8007: Input prompt contains NSFW content."),
    CFAI_ERROR_NSFW, 8007, NULL, FALSE },
  { 400, JSON, ENVELOPE (1000, "Error: unexpected type 'int32' with value 'undefined'"),
    CFAI_ERROR_INVALID_INPUT, 1000, NULL, TRUE },
  { 500, JSON, ENVELOPE (7001, "Internal server error"),
    CFAI_ERROR_SERVER, 7001, NULL, FALSE },
  { 503, "text/plain",
    "upstream connect error or disconnect/reset before headers. reset reason: overflow",
    CFAI_ERROR_SERVER, 0, NULL, FALSE },
  { 400, JSON, ENVELOPE (9999, "Something new went wrong"),
    CFAI_ERROR_FAILED, 9999, NULL, FALSE },
  { 405, JSON, ENVELOPE (5019, "Request trying to use deprecated SDK version"),
    CFAI_ERROR_FAILED, 5019, NULL, FALSE },
  /* errors as an object, not an array, as captured from /ai/run. */
  { 400, JSON, "{\"errors\":{\"message\":\"AiError: Bad input: Error: oneOf at '/' not met, 0 "
               "matches: required properties at '/' are 'prompt', Type mismatch of "
               "'/messages/0/content', 'array' not in 'string' "
               "(d9e09afe-fe49-4051-bc1d-8901f858ff52)\",\"code\":5006},"
               "\"success\":false,\"result\":{},\"messages\":[]}",
    CFAI_ERROR_INVALID_INPUT, 5006, "messages.0.content", FALSE },
  { 400, JSON, "{\"success\":false,\"errors\":[{\"code\":6003,\"message\":\"Invalid request "
               "headers\",\"error_chain\":[{\"code\":6111,\"message\":\"Invalid format for "
               "Authorization header\"}]}],\"messages\":[],\"result\":null}",
    CFAI_ERROR_AUTH, 6003, NULL, FALSE },
  { 405, JSON, ENVELOPE (5005, "The model @cf/qwen/qwq-32b does not support LoRa inference"),
    CFAI_ERROR_INVALID_INPUT, 5005, "lora", FALSE },
};

static void
test_mapping_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (mapping_table); i++)
    {
      const Row *row = &mapping_table[i];
      g_autoptr(GError) error = map (row->status, row->content_type, row->body);

      g_test_message ("row %u: HTTP %u, expecting code %d", i, row->status, row->code);
      assert_presentable (error);
      g_assert_error (error, CFAI_ERROR, (gint) row->code);
      g_assert_cmpuint (cfai_error_get_http_status (error), ==, row->status);
      g_assert_cmpint (cfai_error_get_api_code (error), ==, row->api_code);
      g_assert_cmpstr (cfai_error_get_field (error), ==, row->field);
      g_assert_cmpint (cfai_error_is_bug (error), ==, row->is_bug);
    }
}

static void
test_messages_say_what_to_do (void)
{
  g_autoptr(GError) daily = map (429, JSON, mapping_table[22].body);
  g_autoptr(GError) licence = map (403, JSON, mapping_table[10].body);
  g_autoptr(GError) bug = map (400, JSON, mapping_table[9].body);
  g_autoptr(GError) model = map (400, JSON, mapping_table[5].body);
  g_autoptr(GError) account = map (404, JSON, mapping_table[4].body);
  g_autoptr(GError) token_format = map (400, JSON, mapping_table[34].body);

  g_assert_error (daily, CFAI_ERROR, CFAI_ERROR_DAILY_LIMIT);
  g_assert_nonnull (strstr (daily->message, "00:00 UTC"));

  g_assert_error (licence, CFAI_ERROR, CFAI_ERROR_LICENCE_REQUIRED);
  g_assert_nonnull (strstr (licence->message, "“agree”"));
  /* The legal text stays out of the headline but is kept, on one line. */
  g_assert_null (strstr (licence->message, "Community License"));
  g_assert_cmpstr (cfai_error_get_detail (licence), ==,
                   "5016: Prior to using this model, you must submit the prompt 'agree'. "
                   "By submitting 'agree', you hereby agree to the "
                   "llama-3.2-11b-vision-instruct Community License");

  g_assert_nonnull (strstr (bug->message, "report"));
  g_assert_nonnull (strstr (bug->message, "Request is missing headers or body: body"));

  /* The server's words name the missing model; keep them visible. */
  g_assert_nonnull (strstr (model->message, "@cf/meta/llama-3-8b-instruct"));

  g_assert_nonnull (strstr (account->message, "account ID"));
  g_assert_nonnull (strstr (token_format->message, "format"));
}

static void
test_prefixed_codes (void)
{
  g_autoptr(GError) context = NULL;
  g_autoptr(GError) licence = NULL;
  g_autoptr(GError) capacity = NULL;
  g_autoptr(GError) js_style = NULL;

  /* The real code is in the message; `code` is the generic 3010. */
  context = map (413, JSON,
                 "{\"success\":false,\"errors\":[{\"code\":3010,\"message\":\"5021: The estimated "
                 "number of input and maximum output tokens (8810) exceeded this model context "
                 "window limit (8192).\"}],\"messages\":[],\"result\":null}");
  g_assert_error (context, CFAI_ERROR, CFAI_ERROR_CONTEXT_EXCEEDED);
  g_assert_cmpint (cfai_error_get_api_code (context), ==, 5021);

  /* No code member at all. */
  licence = map (403, JSON,
                 "{\"success\":false,\"errors\":[{\"message\":\"5016: Prior to using this model, "
                 "you must submit the prompt 'agree'.\"}],\"messages\":[],\"result\":null}");
  g_assert_error (licence, CFAI_ERROR, CFAI_ERROR_LICENCE_REQUIRED);
  g_assert_cmpint (cfai_error_get_api_code (licence), ==, 5016);

  /* A prefix after an exception name, disagreeing with `code`. */
  capacity = map (429, JSON,
                  ENVELOPE (5000, "AiError: 3040: No more data centers to forward the request to"));
  g_assert_error (capacity, CFAI_ERROR, CFAI_ERROR_CAPACITY);
  g_assert_cmpint (cfai_error_get_api_code (capacity), ==, 3040);

  js_style = map (400, JSON,
                  "{\"success\":false,\"errors\":[{\"message\":\"Error: unexpected type 'int32' "
                  "with value 'undefined' (code 1000)\"}],\"messages\":[],\"result\":null}");
  g_assert_error (js_style, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
  g_assert_cmpint (cfai_error_get_api_code (js_style), ==, 1000);
  g_assert_true (cfai_error_is_bug (js_style));
}

static void
test_field_errors (void)
{
  static const struct {
    const char *body;
    const char *field;
  } cases[] = {
    /* flattened, details inside the error entry */
    { "{\"success\":false,\"errors\":[{\"code\":5012,\"message\":\"Body failed validation\","
      "\"details\":{\"formErrors\":[],\"fieldErrors\":{\"prompt\":[\"Required\"]}}}],"
      "\"messages\":[],\"result\":null}",
      "prompt" },
    /* details at the envelope's top level */
    { "{\"success\":false,\"errors\":[{\"code\":5012,\"message\":\"Body failed validation\"}],"
      "\"details\":{\"fieldErrors\":{\"width\":[\"Number must be less than or equal to 2048\"]}},"
      "\"messages\":[],\"result\":null}",
      "width" },
    /* a list of issues with paths */
    { "{\"success\":false,\"errors\":[{\"code\":5012,\"message\":\"Body failed validation\","
      "\"details\":{\"fieldErrors\":[{\"path\":[\"messages\",2,\"content\"],"
      "\"message\":\"Expected string\"}]}}],\"messages\":[],\"result\":null}",
      "messages.2.content" },
    { ENVELOPE (5006, "AiError: Bad input: Error: oneOf at '/' not met, 0 matches: required "
                      "properties at '/' are 'prompt'"),
      "prompt" },
    { ENVELOPE (5006, "required properties at '/messages/1' are 'role,content'"),
      "messages.1.role" },
    { ENVELOPE (5004, "Type mismatch of '/response_format/json~1schema', 'string' not in 'object'"),
      "response_format.json/schema" },
    { ENVELOPE (5004, "Invalid data type for base64 input: string"),
      NULL },
    /* the names must follow the pointer at once, or it is not a field */
    { ENVELOPE (5006, "required properties at '/x' and more '/' are 'prompt'"),
      NULL },
    { ENVELOPE (5006, "required properties at 'x' are 'prompt'"),
      NULL },
    /* a credential-looking pointer is redacted before it can become a
     * field name (found by fuzz-envelope) */
    { ENVELOPE (5006, "required properties at '/bearer ' are 'abc'"),
      NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = map (i < 3 ? 422 : 400, JSON, cases[i].body);

      assert_presentable (error);
      g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
      g_assert_cmpstr (cfai_error_get_field (error), ==, cases[i].field);
      if (cases[i].field != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].field));
    }
}

static void
test_context_numbers (void)
{
  static const struct {
    const char *message;
    gint64      requested;
    gint64      limit;
  } cases[] = {
    { "The estimated number of input and maximum output tokens (155740) exceeded this model "
      "context window limit (128000).", 155740, 128000 },
    { "5021: The estimated number of input and maximum output tokens (8810) exceeded this model "
      "context window limit (8192)", 8810, 8192 },
    { "3010: AiError: The estimated number of input and maximum output tokens (35000) exceeded "
      "this model context window limit (24000)", 35000, 24000 },
    { "The estimated number of input and maximum output tokens (35,000) exceeded this model "
      "context window limit (24,000).", 35000, 24000 },
    /* vLLM wording on /ai/v1 models */
    { "This model's maximum context length is 32768 tokens. However, you requested 32000 output "
      "tokens and your prompt contains at least 769 input tokens, for a total of at least 32769 "
      "tokens. Please reduce the length of the input prompt or the number of requested output "
      "tokens. (parameter=input_tokens, value=769)", 32769, 32768 },
    { "Requested token count exceeds the model's maximum context length of 256000 tokens. You "
      "requested a total of 256800 tokens: 224800 tokens from the input messages and 32000 "
      "tokens for the completion.", 256800, 256000 },
    { "This model's maximum context length is 8192 tokens. However, you requested 9224 tokens "
      "(1224 in the messages, 8000 in the completion). Please reduce the length of the messages "
      "or completion.", 9224, 8192 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *requested_text = g_strdup_printf ("%" G_GINT64_FORMAT, cases[i].requested);
      g_autofree char *limit_text = g_strdup_printf ("%" G_GINT64_FORMAT, cases[i].limit);
      gint64 requested = 0;
      gint64 limit = 0;

      /* Under 3010 and without a code, only the text says what it is. */
      body = g_strdup_printf ("{\"success\":false,\"errors\":[{\"code\":%d,\"message\":\"%s\"}],"
                              "\"messages\":[],\"result\":null}",
                              i % 2 == 0 ? 3010 : 0, cases[i].message);
      error = map (i < 4 ? 413 : 400, JSON, body);

      assert_presentable (error);
      g_assert_error (error, CFAI_ERROR, CFAI_ERROR_CONTEXT_EXCEEDED);
      g_assert_true (cfai_error_get_context_tokens (error, &requested, &limit));
      g_assert_cmpint (requested, ==, cases[i].requested);
      g_assert_cmpint (limit, ==, cases[i].limit);
      g_assert_nonnull (strstr (error->message, requested_text));
      g_assert_nonnull (strstr (error->message, limit_text));
    }
}

static void
test_context_without_numbers (void)
{
  g_autoptr(GError) error = NULL;
  gint64 requested = 42;
  gint64 limit = 42;

  error = map (413, JSON,
               "{\"success\":false,\"errors\":[{\"message\":\"exceeded this model context window "
               "limit\"}],\"messages\":[],\"result\":null}");
  assert_presentable (error);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_CONTEXT_EXCEEDED);
  g_assert_false (cfai_error_get_context_tokens (error, &requested, &limit));
  g_assert_cmpint (requested, ==, 42);
  g_assert_cmpint (limit, ==, 42);
}

static void
test_openai_bodies (void)
{
  g_autoptr(GError) invalid = NULL;
  g_autoptr(GError) auth = NULL;
  g_autoptr(GError) context = NULL;
  g_autoptr(GError) rate = NULL;
  g_autoptr(GError) nsfw = NULL;
  g_autoptr(GError) numeric = NULL;
  gint64 requested;
  gint64 limit;

  invalid = map (400, JSON,
                 "{\"error\":{\"message\":\"max_tokens must be at least 1, got -5.\","
                 "\"type\":\"invalid_request_error\",\"param\":\"max_tokens\",\"code\":null}}");
  assert_presentable (invalid);
  g_assert_error (invalid, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
  g_assert_cmpstr (cfai_error_get_field (invalid), ==, "max_tokens");
  g_assert_cmpstr (cfai_error_get_detail (invalid), ==, "max_tokens must be at least 1, got -5.");

  auth = map (401, JSON,
              "{\"error\":{\"message\":\"Incorrect API key provided.\","
              "\"type\":\"authentication_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
  g_assert_error (auth, CFAI_ERROR, CFAI_ERROR_AUTH);

  context = map (400, JSON,
                 "{\"object\":\"error\",\"error\":{\"message\":\"This model's maximum context "
                 "length is 8192 tokens. However, you requested 9224 tokens (1224 in the "
                 "messages, 8000 in the completion).\",\"type\":\"BadRequestError\","
                 "\"param\":null,\"code\":400}}");
  g_assert_error (context, CFAI_ERROR, CFAI_ERROR_CONTEXT_EXCEEDED);
  g_assert_true (cfai_error_get_context_tokens (context, &requested, &limit));
  g_assert_cmpint (requested, ==, 9224);
  g_assert_cmpint (limit, ==, 8192);

  rate = map (200, JSON,
              "{\"error\":{\"message\":\"Slow down\",\"type\":\"requests\","
              "\"code\":\"rate_limit_exceeded\"}}");
  g_assert_error (rate, CFAI_ERROR, CFAI_ERROR_RATE_LIMITED);

  nsfw = map (400, JSON, "{\"error\":\"8007: Input prompt contains NSFW content.\"}");
  g_assert_error (nsfw, CFAI_ERROR, CFAI_ERROR_NSFW);
  g_assert_cmpint (cfai_error_get_api_code (nsfw), ==, 8007);

  numeric = map (403, JSON,
                 "{\"error\":{\"message\":\"The account is not allowed to access this model\","
                 "\"type\":\"invalid_request_error\",\"code\":5018}}");
  g_assert_error (numeric, CFAI_ERROR, CFAI_ERROR_MODEL_NOT_ALLOWED);
  g_assert_cmpint (cfai_error_get_api_code (numeric), ==, 5018);
}

static void
test_non_json_bodies (void)
{
  static const char html_502[] =
    "<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>api.cloudflare.com | 502: Bad "
    "gateway</title></head><body><h1>Bad gateway</h1><p>Error code 502</p></body></html>";
  g_autoptr(GError) html = map (502, "text/html; charset=UTF-8", html_502);
  g_autoptr(GError) mislabelled = map (504, JSON, html_502);
  g_autoptr(GError) edge = map (429, "text/plain; charset=UTF-8", "error code: 1015");
  g_autoptr(GError) text_500 = map (500, "text/plain", "internal error\r\n");
  g_autoptr(GError) broken_json = map (400, JSON, "{\"success\":false,\"errors\":[{\"code\":50");
  g_autoptr(GError) empty_500 = map (500, NULL, NULL);
  g_autoptr(GError) empty_400 = map (400, JSON, "");
  g_autoptr(GError) html_404 = map (404, "text/html", "<html><body>Not Found</body></html>");
  g_autoptr(GError) redirect = map (302, NULL, NULL);

  assert_presentable (html);
  g_assert_error (html, CFAI_ERROR, CFAI_ERROR_SERVER);
  g_assert_cmpuint (cfai_error_get_http_status (html), ==, 502);
  g_assert_nonnull (strstr (html->message, "502"));
  g_assert_null (strchr (html->message, '<'));
  g_assert_null (cfai_error_get_detail (html));

  g_assert_error (mislabelled, CFAI_ERROR, CFAI_ERROR_SERVER);
  g_assert_null (strchr (mislabelled->message, '<'));

  g_assert_error (edge, CFAI_ERROR, CFAI_ERROR_RATE_LIMITED);
  g_assert_cmpint (cfai_error_get_api_code (edge), ==, 1015);

  g_assert_error (text_500, CFAI_ERROR, CFAI_ERROR_SERVER);
  g_assert_cmpstr (cfai_error_get_detail (text_500), ==, "internal error");
  g_assert_nonnull (strstr (text_500->message, "“internal error”"));

  assert_presentable (broken_json);
  g_assert_error (broken_json, CFAI_ERROR, CFAI_ERROR_FAILED);
  g_assert_nonnull (strstr (broken_json->message, "400"));

  assert_presentable (empty_500);
  g_assert_error (empty_500, CFAI_ERROR, CFAI_ERROR_SERVER);
  g_assert_null (cfai_error_get_detail (empty_500));

  assert_presentable (empty_400);
  g_assert_error (empty_400, CFAI_ERROR, CFAI_ERROR_FAILED);

  assert_presentable (html_404);
  g_assert_error (html_404, CFAI_ERROR, CFAI_ERROR_FAILED);
  g_assert_nonnull (strstr (html_404->message, "account ID"));

  assert_presentable (redirect);
  g_assert_error (redirect, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
}

static void
test_envelope_success (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) null_result = NULL;
  g_autoptr(JsonNode) paged = NULL;
  g_autoptr(JsonNode) info = NULL;
  g_autoptr(GBytes) catalog = NULL;
  static const char catalog_body[] =
    "{\"result\":[{\"id\":\"a\",\"name\":\"@cf/openai/gpt-oss-20b\"}],"
    "\"result_info\":{\"page\":1,\"per_page\":1,\"count\":1,\"total_count\":90},"
    "\"success\":true,\"errors\":[],\"messages\":[]}";
  JsonObject *object;

  result = parse (200, "application/json; charset=UTF-8",
                  "{\"result\":{\"response\":\"Hello!\",\"usage\":{\"prompt_tokens\":12,"
                  "\"completion_tokens\":3,\"total_tokens\":15}},\"success\":true,"
                  "\"errors\":[],\"messages\":[]}",
                  &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (result));
  object = json_node_get_object (result);
  g_assert_cmpstr (json_object_get_string_member (object, "response"), ==, "Hello!");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "usage"),
                                               "total_tokens"), ==, 15);

  null_result = parse (200, "Application/JSON",
                       "{\"result\":null,\"success\":true,\"errors\":[],\"messages\":[]}", &error);
  g_assert_no_error (error);
  g_assert_nonnull (null_result);
  g_assert_true (JSON_NODE_HOLDS_NULL (null_result));

  catalog = g_bytes_new_static (catalog_body, strlen (catalog_body));
  paged = cfai_envelope_parse (200, JSON, catalog, NULL, &info, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (paged));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (paged)), ==, 1);
  g_assert_nonnull (info);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (info), "total_count"), ==, 90);
}

static void
test_envelope_protocol_errors (void)
{
  static const struct {
    const char *content_type;
    const char *body;
    const char *in_message;
  } cases[] = {
    { "text/html", "<html><body>Please log in to the Wi-Fi</body></html>", "“text/html”" },
    { NULL, "{\"result\":{},\"success\":true}", "without saying" },
    { "text/event-stream", "data: {\"response\":\"hi\"}\n\n", "“text/event-stream”" },
    { "image/png", "\x89PNG\r\n", "“image/png”" },
    { JSON, "", "empty" },
    { JSON, "{\"result\":", "not valid JSON" },
    { JSON, "[1,2,3]", "envelope" },
    { JSON, "{\"response\":\"Hello\"}", "envelope" },
    { JSON, "{\"result\":{},\"success\":\"true\"}", "envelope" },
    { JSON, "{\"success\":true,\"errors\":[],\"messages\":[]}", "no result" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = parse (200, cases[i].content_type, cases[i].body, &error);

      g_test_message ("case %u", i);
      g_assert_null (node);
      assert_presentable (error);
      g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
      g_assert_cmpuint (cfai_error_get_http_status (error), ==, 200);
      g_assert_nonnull (strstr (error->message, cases[i].in_message));
    }
}

static void
test_envelope_failures (void)
{
  g_autoptr(GError) on_200 = NULL;
  g_autoptr(GError) no_reason = NULL;
  g_autoptr(GError) on_400 = NULL;
  g_autoptr(GError) html_502 = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 requested;
  gint64 limit;

  /* success:false must win over a 200 status. */
  node = parse (200, JSON,
                "{\"result\":null,\"success\":false,\"errors\":[{\"code\":5021,\"message\":\"The "
                "estimated number of input and maximum output tokens (30000) exceeded this model "
                "context window limit (24000).\"}],\"messages\":[]}",
                &on_200);
  g_assert_null (node);
  assert_presentable (on_200);
  g_assert_error (on_200, CFAI_ERROR, CFAI_ERROR_CONTEXT_EXCEEDED);
  g_assert_cmpuint (cfai_error_get_http_status (on_200), ==, 200);
  g_assert_true (cfai_error_get_context_tokens (on_200, &requested, &limit));
  g_assert_cmpint (requested, ==, 30000);
  g_assert_cmpint (limit, ==, 24000);

  node = parse (200, JSON, "{\"result\":null,\"success\":false,\"errors\":[],\"messages\":[]}",
                &no_reason);
  g_assert_null (node);
  assert_presentable (no_reason);
  g_assert_error (no_reason, CFAI_ERROR, CFAI_ERROR_FAILED);
  g_assert_nonnull (strstr (no_reason->message, "without saying why"));

  /* A failing status must win over success:true. */
  node = parse (400, JSON,
                "{\"result\":{\"response\":\"x\"},\"success\":true,\"errors\":[],\"messages\":[]}",
                &on_400);
  g_assert_null (node);
  g_assert_error (on_400, CFAI_ERROR, CFAI_ERROR_FAILED);
  g_assert_cmpuint (cfai_error_get_http_status (on_400), ==, 400);

  node = parse (502, "text/html", "<html>Bad gateway</html>", &html_502);
  g_assert_null (node);
  g_assert_error (html_502, CFAI_ERROR, CFAI_ERROR_SERVER);
}

#define SECRET "SeCrEt0123456789abcdefghijklmnopqrstuvwx"

static void
test_token_never_in_messages (void)
{
  const char *bodies[] = {
    ENVELOPE (9999, "Bad header Authorization: Bearer " SECRET),
    "{\"success\":false,\"errors\":[{\"code\":6003,\"message\":\"Invalid request headers\","
    "\"error_chain\":[{\"code\":6111,\"message\":\"Invalid format for Authorization "
    "header: 'Bearer  " SECRET "'\"}]}],\"messages\":[],\"result\":null}",
    "{\"error\":{\"message\":\"cf-aig-authorization=bearer " SECRET " is not valid\","
    "\"type\":\"invalid_request_error\"}}",
    "{\"success\":false,\"errors\":[{\"code\":5012,\"message\":\"Body failed validation\","
    "\"details\":{\"fieldErrors\":{\"Authorization: Bearer " SECRET "\":[\"x\"]}}}],"
    "\"messages\":[],\"result\":null}",
    "debug: request headers were\nAuthorization: Bearer " SECRET "\nx-auth-key: " SECRET,
    "<html><body>Authorization: Bearer " SECRET "</body></html>",
  };
  const guint statuses[] = { 400, 401, 403, 422, 500, 502 };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    for (guint j = 0; j < G_N_ELEMENTS (statuses); j++)
      {
        g_autoptr(GError) error = map (statuses[j], i < 4 ? JSON : "text/plain", bodies[i]);
        g_autoptr(GError) parsed = NULL;
        g_autoptr(JsonNode) node = parse (statuses[j] == 400 ? 200 : statuses[j], JSON,
                                          bodies[i], &parsed);

        assert_presentable (error);
        g_assert_null (strstr (error->message, SECRET));
        g_assert_null (strstr (error->message, "SeCrEt"));
        g_assert_null (g_strrstr (cfai_error_get_detail (error) ?: "", "SeCrEt"));
        g_assert_null (g_strrstr (cfai_error_get_field (error) ?: "", "SeCrEt"));

        g_assert_null (node);
        g_assert_null (strstr (parsed->message, "SeCrEt"));
        g_assert_null (g_strrstr (cfai_error_get_detail (parsed) ?: "", "SeCrEt"));
      }

  /* The redaction keeps the message readable around the hole. */
  {
    g_autoptr(GError) error = map (400, JSON, bodies[0]);

    g_assert_cmpstr (cfai_error_get_detail (error), ==,
                     "Bad header Authorization: Bearer [redacted]");
  }
}

static void
test_retry_after_in_errors (void)
{
  g_autoptr(SoupMessageHeaders) seconds = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(SoupMessageHeaders) millis = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(GError) rate = NULL;
  g_autoptr(GError) rate_ms = NULL;
  g_autoptr(GError) capacity = NULL;
  g_autoptr(GError) no_header = NULL;

  soup_message_headers_append (seconds, "Retry-After", "7");
  soup_message_headers_append (millis, "retry-after-ms", "1500");
  soup_message_headers_append (millis, "Retry-After", "9");

  rate = map_with_headers (429, NULL, NULL, seconds);
  g_assert_error (rate, CFAI_ERROR, CFAI_ERROR_RATE_LIMITED);
  g_assert_cmpint (cfai_error_get_retry_after_us (rate), ==, 7 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (rate->message, "7 seconds"));

  rate_ms = map_with_headers (429, NULL, NULL, millis);
  g_assert_cmpint (cfai_error_get_retry_after_us (rate_ms), ==, 1500000);
  g_assert_nonnull (strstr (rate_ms->message, "2 seconds"));

  capacity = map_with_headers (429, JSON, mapping_table[23].body, seconds);
  g_assert_error (capacity, CFAI_ERROR, CFAI_ERROR_CAPACITY);
  g_assert_cmpint (cfai_error_get_retry_after_us (capacity), ==, 7 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (capacity->message, "7 seconds"));

  no_header = map (429, NULL, NULL);
  g_assert_cmpint (cfai_error_get_retry_after_us (no_header), ==, 0);
  g_assert_nonnull (strstr (no_header->message, "Wait a minute"));
}

static void
test_transport (void)
{
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     "Operation was cancelled");
  g_autoptr(GError) timed_out = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                                     "Socket I/O timed out");
  g_autoptr(GError) resolver = g_error_new_literal (G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                                                    "Error resolving “api.cloudflare.com”: Name "
                                                    "or service not known");
  g_autoptr(GError) tls = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                               "Unacceptable TLS certificate");
  g_autoptr(GError) refused = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                                                   "Connection refused");
  g_autoptr(GError) closed = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                                  "Connection terminated unexpectedly");
  g_autoptr(GError) proxy = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PROXY_NEED_AUTH,
                                                 "Proxy requires authorization: Bearer " SECRET);
  g_autoptr(GError) redirects = g_error_new_literal (SOUP_SESSION_ERROR,
                                                     SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS,
                                                     "Too many redirects");
  g_autoptr(GError) parsing = g_error_new_literal (SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING,
                                                   "Could not parse HTTP response");
  g_autoptr(GError) ours = map (429, NULL, NULL);
  g_autoptr(GError) m = NULL;

  m = cfai_error_from_transport (cancelled);
  g_assert_error (m, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&m);

  m = cfai_error_from_transport (timed_out);
  assert_presentable (m);
  g_assert_error (m, CFAI_ERROR, CFAI_ERROR_TIMEOUT);
  g_assert_cmpuint (cfai_error_get_http_status (m), ==, 0);
  g_assert_cmpstr (cfai_error_get_detail (m), ==, "Socket I/O timed out");
  g_clear_error (&m);

  m = cfai_error_from_transport (resolver);
  assert_presentable (m);
  g_assert_error (m, CFAI_ERROR, CFAI_ERROR_NETWORK);
  g_assert_nonnull (strstr (m->message, "internet"));
  g_clear_error (&m);

  m = cfai_error_from_transport (tls);
  g_assert_error (m, CFAI_ERROR, CFAI_ERROR_NETWORK);
  g_assert_nonnull (strstr (m->message, "secure connection"));
  g_clear_error (&m);

  m = cfai_error_from_transport (refused);
  g_assert_error (m, CFAI_ERROR, CFAI_ERROR_NETWORK);
  g_clear_error (&m);

  m = cfai_error_from_transport (closed);
  g_assert_error (m, CFAI_ERROR, CFAI_ERROR_NETWORK);
  g_clear_error (&m);

  m = cfai_error_from_transport (proxy);
  g_assert_error (m, CFAI_ERROR, CFAI_ERROR_NETWORK);
  g_assert_nonnull (strstr (m->message, "proxy"));
  g_assert_null (strstr (cfai_error_get_detail (m), "SeCrEt"));
  g_clear_error (&m);

  m = cfai_error_from_transport (redirects);
  g_assert_error (m, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  g_clear_error (&m);

  m = cfai_error_from_transport (parsing);
  g_assert_error (m, CFAI_ERROR, CFAI_ERROR_NETWORK);
  g_clear_error (&m);

  m = cfai_error_from_transport (ours);
  g_assert_error (m, CFAI_ERROR, CFAI_ERROR_RATE_LIMITED);
  g_assert_cmpuint (cfai_error_get_http_status (m), ==, 429);
  g_clear_error (&m);
}

static void
test_details_travel_with_the_error (void)
{
  g_autoptr(GError) error = map (413, JSON, mapping_table[18].body);
  g_autoptr(GError) copy = NULL;
  g_autoptr(GError) prefixed = NULL;
  g_autoptr(GError) foreign = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");
  gint64 requested = 0;
  gint64 limit = 0;

  copy = g_error_copy (error);
  g_assert_cmpuint (cfai_error_get_http_status (copy), ==, 413);
  g_assert_cmpint (cfai_error_get_api_code (copy), ==, 3010);
  g_assert_true (cfai_error_get_context_tokens (copy, &requested, &limit));
  g_assert_cmpint (requested, ==, 35000);
  g_assert_cmpint (limit, ==, 24000);
  g_assert_cmpstr (cfai_error_get_detail (copy), ==, cfai_error_get_detail (error));
  g_assert_true (cfai_error_get_detail (copy) != cfai_error_get_detail (error));

  g_propagate_prefixed_error (&prefixed, g_steal_pointer (&copy), "Chat: ");
  g_assert_true (g_str_has_prefix (prefixed->message, "Chat: "));
  g_assert_cmpint (cfai_error_get_api_code (prefixed), ==, 3010);

  /* Getters and setters on foreign or absent errors are quiet no-ops. */
  cfai_error_set_http_status (foreign, 500);
  cfai_error_set_field (foreign, "prompt");
  g_assert_cmpuint (cfai_error_get_http_status (foreign), ==, 0);
  g_assert_cmpint (cfai_error_get_api_code (NULL), ==, 0);
  g_assert_null (cfai_error_get_field (foreign));
  g_assert_null (cfai_error_get_detail (NULL));
  g_assert_false (cfai_error_get_context_tokens (NULL, NULL, NULL));
  g_assert_cmpint (cfai_error_get_retry_after_us (foreign), ==, 0);
  g_assert_false (cfai_error_is_bug (foreign));

  /* Errors made elsewhere in the api layer start with "unknown" details. */
  {
    g_autoptr(GError) fresh = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_TRUNCATED_STREAM, "cut");

    g_assert_cmpuint (cfai_error_get_http_status (fresh), ==, 0);
    g_assert_false (cfai_error_get_context_tokens (fresh, NULL, NULL));
    g_assert_null (cfai_error_get_field (fresh));
    cfai_error_set_context_tokens (fresh, 10, 5);
    g_assert_true (cfai_error_get_context_tokens (fresh, &requested, NULL));
    g_assert_cmpint (requested, ==, 10);
  }
}

static void
test_server_text_is_cleaned (void)
{
  g_autoptr(GString) long_message = g_string_new ("{\"success\":false,\"errors\":[{\"code\":9999,"
                                                  "\"message\":\"");
  g_autoptr(GError) long_error = NULL;
  g_autoptr(GError) control = NULL;
  g_autoptr(GError) invalid_utf8 = NULL;
  const char *detail;

  for (guint i = 0; i < 200; i++)
    g_string_append (long_message, "word ");
  g_string_append (long_message, "\"}],\"messages\":[],\"result\":null}");

  long_error = map (400, JSON, long_message->str);
  detail = cfai_error_get_detail (long_error);
  g_assert_nonnull (detail);
  g_assert_cmpuint (g_utf8_strlen (detail, -1), <=, 301);
  g_assert_cmpuint (g_utf8_strlen (detail, -1), >=, 295);
  g_assert_true (g_str_has_suffix (detail, "…"));

  control = map (400, JSON,
                 "{\"success\":false,\"errors\":[{\"code\":9999,\"message\":\"line one\\n\\tline "
                 "\\u202etwo\\u0007\"}],\"messages\":[],\"result\":null}");
  g_assert_cmpstr (cfai_error_get_detail (control), ==, "line one line two");

  invalid_utf8 = map (500, "text/plain", "bad \xff\xfe bytes");
  g_assert_true (g_utf8_validate (cfai_error_get_detail (invalid_utf8), -1, NULL));
  g_assert_nonnull (strstr (cfai_error_get_detail (invalid_utf8), "bytes"));
}

static void
test_content_type (void)
{
  g_assert_true (cfai_envelope_content_type_is_json ("application/json"));
  g_assert_true (cfai_envelope_content_type_is_json ("application/json; charset=utf-8"));
  g_assert_true (cfai_envelope_content_type_is_json ("  APPLICATION/JSON ;charset=UTF-8"));
  g_assert_true (cfai_envelope_content_type_is_json ("application/problem+json"));
  g_assert_true (cfai_envelope_content_type_is_json ("Application/Problem+JSON; charset=utf-8"));
  g_assert_false (cfai_envelope_content_type_is_json (NULL));
  g_assert_false (cfai_envelope_content_type_is_json (""));
  g_assert_false (cfai_envelope_content_type_is_json ("text/json+html"));
  g_assert_false (cfai_envelope_content_type_is_json ("application/jsonp"));
  g_assert_false (cfai_envelope_content_type_is_json ("text/event-stream"));
  g_assert_false (cfai_envelope_content_type_is_json ("text/html; charset=utf-8"));
}

static void
test_from_json (void)
{
  g_autoptr(JsonNode) root = json_from_string ("{\"errors\":[{\"code\":3040,\"message\":\"No more "
                                               "data centers to forward the request to\"}]}",
                                               NULL);
  g_autoptr(GError) error = cfai_error_from_json (200, root, NULL);
  g_autoptr(GError) nothing = cfai_error_from_json (200, NULL, NULL);

  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_CAPACITY);
  g_assert_cmpint (cfai_error_get_api_code (error), ==, 3040);
  assert_presentable (nothing);
  g_assert_error (nothing, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  cfai_test_isolate_home ("cfai-test-errors");

  g_test_add_func ("/errors/mapping-table", test_mapping_table);
  g_test_add_func ("/errors/messages-say-what-to-do", test_messages_say_what_to_do);
  g_test_add_func ("/errors/prefixed-codes", test_prefixed_codes);
  g_test_add_func ("/errors/field-errors", test_field_errors);
  g_test_add_func ("/errors/context-numbers", test_context_numbers);
  g_test_add_func ("/errors/context-without-numbers", test_context_without_numbers);
  g_test_add_func ("/errors/openai-bodies", test_openai_bodies);
  g_test_add_func ("/errors/non-json-bodies", test_non_json_bodies);
  g_test_add_func ("/errors/token-never-in-messages", test_token_never_in_messages);
  g_test_add_func ("/errors/retry-after", test_retry_after_in_errors);
  g_test_add_func ("/errors/transport", test_transport);
  g_test_add_func ("/errors/details-travel", test_details_travel_with_the_error);
  g_test_add_func ("/errors/server-text-cleaned", test_server_text_is_cleaned);
  g_test_add_func ("/errors/from-json", test_from_json);
  g_test_add_func ("/envelope/content-type", test_content_type);
  g_test_add_func ("/envelope/success", test_envelope_success);
  g_test_add_func ("/envelope/protocol-errors", test_envelope_protocol_errors);
  g_test_add_func ("/envelope/failures", test_envelope_failures);

  return g_test_run ();
}
