/* cfai-error-response.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Failures of any shape (v4 envelopes, OpenAI-style error objects from
 * /ai/v1, HTML pages from a proxy, plain text from the edge, nothing at
 * all) become one CFAI_ERROR whose code says what the user can do and
 * whose message says it in words.
 *
 * Workers AI is inconsistent about where the real error code lives: the
 * message often starts with a more specific `NNNN: ` than the `code`
 * member (a 5021 context overflow arrives as code 3010), `errors` is
 * sometimes an object instead of an array, and some failures only show in
 * the message text.  So classification looks at the text as well as the
 * numbers, most specific evidence first.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "cfai-envelope.h"
#include "cfai-error.h"
#include "cfai-error-private.h"
#include "cfai-json.h"
#include "cfai-error-response.h"
#include "cfai-retry-policy.h"

/* A failed answer with more error entries than this is not worth reading. */
#define MAX_ERROR_ENTRIES 16
/* libsoup 3 has no name for it. */
#define HTTP_TOO_MANY_REQUESTS 429

typedef enum
{
  BODY_EMPTY,
  BODY_JSON,
  BODY_HTML,
  BODY_TEXT,
} BodyKind;

/* Codes with more than one remedy get a variant to pick the sentence. */
typedef enum
{
  VARIANT_NONE,
  VARIANT_AUTH_ACCOUNT,
  VARIANT_AUTH_TOKEN_FORMAT,
  VARIANT_LORA,
  VARIANT_ABORTED,
  VARIANT_NO_REASON,
} Variant;

typedef struct
{
  guint          http_status;
  BodyKind       body_kind;
  gboolean       classified;
  CfaiErrorCode  code;
  Variant        variant;
  gboolean       is_bug;
  gint64         api_code;
  gint64         requested_tokens;
  gint64         limit_tokens;
  char          *field;
  char          *detail;
  gboolean       saw_error_entry;
  gboolean       envelope_failed;
} Problem;

static void
problem_init (Problem *p,
              guint    http_status)
{
  memset (p, 0, sizeof *p);
  p->http_status = http_status;
  p->code = CFAI_ERROR_FAILED;
  p->requested_tokens = -1;
  p->limit_tokens = -1;
}

static void
problem_clear (Problem *p)
{
  g_clear_pointer (&p->field, g_free);
  g_clear_pointer (&p->detail, g_free);
}

/* What the numeric codes mean; codes with more than one remedy carry a
 * variant that picks the sentence. */
static const struct
{
  gint64         api_code;
  CfaiErrorCode  code;
  Variant        variant;
  gboolean       is_bug;
} api_codes[] = {
  /* Cloudflare API authentication: bad token, missing token, unknown key. */
  { 10000, CFAI_ERROR_AUTH },
  { 9103, CFAI_ERROR_AUTH },
  { 9106, CFAI_ERROR_AUTH },
  { 9109, CFAI_ERROR_AUTH },
  /* "Invalid request headers" / "Invalid format for Authorization header":
   * the only header the user controls is the token. */
  { 6003, CFAI_ERROR_AUTH, VARIANT_AUTH_TOKEN_FORMAT },
  { 6111, CFAI_ERROR_AUTH, VARIANT_AUTH_TOKEN_FORMAT },
  /* "Could not route to /accounts/…, perhaps your object identifier is
   * invalid?": a wrong account ID. */
  { 7003, CFAI_ERROR_AUTH, VARIANT_AUTH_ACCOUNT },
  { 5007, CFAI_ERROR_NO_SUCH_MODEL },
  { 3042, CFAI_ERROR_NO_SUCH_MODEL },
  { 5004, CFAI_ERROR_INVALID_INPUT },
  { 5006, CFAI_ERROR_INVALID_INPUT },
  { 5012, CFAI_ERROR_INVALID_INPUT },
  { 5005, CFAI_ERROR_INVALID_INPUT, VARIANT_LORA },
  /* Malformed by construction, not by the user's choices. */
  { 3003, CFAI_ERROR_INVALID_INPUT, VARIANT_NONE, TRUE },
  { 1000, CFAI_ERROR_INVALID_INPUT, VARIANT_NONE, TRUE },
  { 5016, CFAI_ERROR_LICENCE_REQUIRED },
  { 5018, CFAI_ERROR_MODEL_NOT_ALLOWED },
  { 3041, CFAI_ERROR_MODEL_NOT_ALLOWED },
  { 5035, CFAI_ERROR_PAID_PLAN_REQUIRED },
  { 3023, CFAI_ERROR_ACCOUNT_BLOCKED },
  { 3006, CFAI_ERROR_TOO_LARGE },
  { 5021, CFAI_ERROR_CONTEXT_EXCEEDED },
  { 3007, CFAI_ERROR_TIMEOUT },
  { 3008, CFAI_ERROR_TIMEOUT, VARIANT_ABORTED },
  { 3036, CFAI_ERROR_DAILY_LIMIT },
  { 3040, CFAI_ERROR_CAPACITY },
  { 3030, CFAI_ERROR_NSFW },
};

static gboolean
map_api_code (gint64         api_code,
              CfaiErrorCode *code,
              Variant       *variant,
              gboolean      *is_bug)
{
  for (guint i = 0; i < G_N_ELEMENTS (api_codes); i++)
    {
      if (api_codes[i].api_code == api_code)
        {
          *code = api_codes[i].code;
          *variant = api_codes[i].variant;
          *is_bug = api_codes[i].is_bug;
          return TRUE;
        }
    }

  *variant = VARIANT_NONE;
  *is_bug = FALSE;
  return FALSE;
}

/* Failures that are recognisable by their words whatever code they carry. */
static gboolean
map_message_text (const char    *message,
                  CfaiErrorCode *code)
{
  g_autofree char *lower = NULL;

  if (message == NULL)
    return FALSE;

  if (strstr (message, "NSFW") != NULL)
    {
      *code = CFAI_ERROR_NSFW;
      return TRUE;
    }

  lower = g_ascii_strdown (message, -1);

  if (strstr (lower, "daily free allocation") != NULL)
    {
      *code = CFAI_ERROR_DAILY_LIMIT;
      return TRUE;
    }

  if (strstr (lower, "submit the prompt 'agree'") != NULL ||
      strstr (lower, "has not agreed to") != NULL)
    {
      *code = CFAI_ERROR_LICENCE_REQUIRED;
      return TRUE;
    }

  return FALSE;
}

/* Looks at one error entry.  The first entry that can be classified wins;
 * until then the first entry's text and code are kept so that even an
 * unknown failure shows what the server said. */
static void
problem_consider (Problem    *p,
                  gint64      code,
                  const char *raw_message,
                  JsonObject *entry,
                  JsonObject *root)
{
  g_autofree char *message = NULL;
  CfaiErrorCode mapped = CFAI_ERROR_FAILED;
  Variant variant = VARIANT_NONE;
  gboolean is_bug = FALSE;
  gint64 requested;
  gint64 limit;
  gint64 effective;
  gboolean known;

  if (p->classified)
    return;

  p->saw_error_entry = TRUE;

  if (raw_message != NULL)
    message = cfai_error_clean_text (raw_message, strlen (raw_message));

  effective = cfai_error_message_code (message);
  if (effective == 0)
    effective = code;

  if (cfai_error_match_context (message, &requested, &limit))
    {
      mapped = CFAI_ERROR_CONTEXT_EXCEEDED;
      known = TRUE;
    }
  else
    {
      known = map_api_code (effective, &mapped, &variant, &is_bug) ||
              map_message_text (message, &mapped) ||
              map_api_code (code, &mapped, &variant, &is_bug);
    }

  /* Code 1000 is a typed-field bug on /ai/run, but /user/tokens/verify
   * answers a bad token with 401 and that same code: the status decides. */
  if (known && (p->http_status == 401 || p->http_status == 403) &&
      mapped == CFAI_ERROR_INVALID_INPUT && is_bug)
    {
      mapped = CFAI_ERROR_AUTH;
      is_bug = FALSE;
    }

  if (!known)
    {
      if (p->api_code == 0 && p->detail == NULL)
        {
          p->api_code = effective;
          p->detail = g_steal_pointer (&message);
        }
      return;
    }

  p->classified = TRUE;
  p->code = mapped;
  p->variant = variant;
  p->is_bug = is_bug;
  p->api_code = effective;
  g_clear_pointer (&p->detail, g_free);
  p->detail = g_steal_pointer (&message);

  if (mapped == CFAI_ERROR_CONTEXT_EXCEEDED)
    {
      p->requested_tokens = requested;
      p->limit_tokens = limit;
    }
  else if (mapped == CFAI_ERROR_INVALID_INPUT && p->field == NULL)
    {
      if (variant == VARIANT_LORA)
        p->field = g_strdup ("lora");
      if (p->field == NULL)
        p->field = cfai_error_field_from_details (entry);
      if (p->field == NULL && root != entry)
        p->field = cfai_error_field_from_details (root);
      if (p->field == NULL)
        p->field = cfai_error_field_from_message (p->detail);
    }
}

static void
problem_consider_entry (Problem    *p,
                        JsonNode   *node,
                        JsonObject *root)
{
  JsonObject *entry;
  JsonArray *chain;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      problem_consider (p, 0, json_node_get_string (node), NULL, root);
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return;

  entry = json_node_get_object (node);
  problem_consider (p,
                    cfai_error_json_get_code (entry, "code"),
                    cfai_json_get_string (entry, "message"),
                    entry, root);

  /* Cloudflare nests the specific cause under a generic one, e.g. 6003
   * "Invalid request headers" → 6111 "Invalid format for Authorization
   * header". */
  chain = cfai_json_get_array (entry, "error_chain");
  if (chain != NULL)
    {
      guint n = MIN (json_array_get_length (chain), MAX_ERROR_ENTRIES);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *link = json_array_get_element (chain, i);

          if (JSON_NODE_HOLDS_OBJECT (link))
            {
              JsonObject *link_object = json_node_get_object (link);

              problem_consider (p,
                                cfai_error_json_get_code (link_object, "code"),
                                cfai_json_get_string (link_object, "message"),
                                link_object, root);
            }
        }
    }
}

/* OpenAI-style {"error": {"message", "type", "code", "param"}} from /ai/v1. */
static void
problem_consider_openai (Problem    *p,
                         JsonObject *error)
{
  const char *message = cfai_json_get_string (error, "message");
  const char *type = cfai_json_get_string (error, "type");
  const char *code_string = cfai_json_get_string (error, "code");
  const char *param = cfai_json_get_string (error, "param");
  CfaiErrorCode mapped;

  problem_consider (p, cfai_error_json_get_code (error, "code"), message, error, NULL);
  if (p->classified)
    return;

  if (g_strcmp0 (code_string, "context_length_exceeded") == 0)
    mapped = CFAI_ERROR_CONTEXT_EXCEEDED;
  else if (g_strcmp0 (code_string, "invalid_api_key") == 0 ||
           g_strcmp0 (type, "authentication_error") == 0)
    mapped = CFAI_ERROR_AUTH;
  else if (g_strcmp0 (code_string, "model_not_found") == 0)
    mapped = CFAI_ERROR_NO_SUCH_MODEL;
  else if (g_strcmp0 (code_string, "rate_limit_exceeded") == 0)
    mapped = CFAI_ERROR_RATE_LIMITED;
  else if (param != NULL ||
           g_strcmp0 (type, "invalid_request_error") == 0 ||
           g_strcmp0 (type, "BadRequestError") == 0)
    mapped = CFAI_ERROR_INVALID_INPUT;
  else
    return;

  p->classified = TRUE;
  p->code = mapped;
  if (mapped == CFAI_ERROR_INVALID_INPUT)
    p->field = cfai_error_clean_field (param);
}

static void
problem_read_json (Problem    *p,
                   JsonObject *root)
{
  JsonNode *errors = json_object_get_member (root, "errors");
  JsonNode *error = json_object_get_member (root, "error");
  JsonNode *success = json_object_get_member (root, "success");
  const char *message;

  p->body_kind = BODY_JSON;
  p->envelope_failed = success != NULL && JSON_NODE_HOLDS_VALUE (success) &&
                       json_node_get_value_type (success) == G_TYPE_BOOLEAN &&
                       !json_node_get_boolean (success);

  if (errors != NULL && JSON_NODE_HOLDS_ARRAY (errors))
    {
      JsonArray *array = json_node_get_array (errors);
      guint n = MIN (json_array_get_length (array), MAX_ERROR_ENTRIES);

      for (guint i = 0; i < n; i++)
        problem_consider_entry (p, json_array_get_element (array, i), root);
    }
  else if (errors != NULL)
    {
      problem_consider_entry (p, errors, root);
    }

  if (error != NULL && JSON_NODE_HOLDS_OBJECT (error))
    problem_consider_openai (p, json_node_get_object (error));
  else if (error != NULL)
    problem_consider_entry (p, error, root);

  if (!p->saw_error_entry && (message = cfai_json_get_string (root, "message")) != NULL)
    problem_consider (p, cfai_error_json_get_code (root, "code"), message, root, root);
}

static void
problem_read_text (Problem      *p,
                   const guint8 *data,
                   gsize         len)
{
  const char *code_text;

  p->body_kind = BODY_TEXT;
  p->detail = cfai_error_clean_text ((const char *) data, len);
  if (p->detail == NULL)
    {
      p->body_kind = BODY_EMPTY;
      return;
    }

  /* Cloudflare's edge answers some failures with "error code: 1015". */
  if ((code_text = strstr (p->detail, "error code: ")) != NULL)
    {
      code_text += strlen ("error code: ");
      gint64 code = 0;

      for (guint n = 0; g_ascii_isdigit (code_text[n]) && n < 6; n++)
        code = code * 10 + (code_text[n] - '0');
      p->api_code = code;
    }
  else
    {
      /* Plain text is not an error entry: a 2xx answer in text is a
       * protocol problem, not a failure the server reported. */
      p->api_code = cfai_error_message_code (p->detail);
      problem_consider (p, 0, p->detail, NULL, NULL);
      p->saw_error_entry = FALSE;
    }
}

static void
problem_classify_by_status (Problem *p)
{
  guint status = p->http_status;

  if (p->classified)
    return;

  p->classified = TRUE;

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    p->code = CFAI_ERROR_AUTH;
  else if (status == SOUP_STATUS_REQUEST_TIMEOUT)
    p->code = CFAI_ERROR_TIMEOUT;
  else if (status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE)
    p->code = CFAI_ERROR_TOO_LARGE;
  else if (status == SOUP_STATUS_UNPROCESSABLE_ENTITY)
    p->code = CFAI_ERROR_INVALID_INPUT;
  else if (status == HTTP_TOO_MANY_REQUESTS)
    p->code = CFAI_ERROR_RATE_LIMITED;
  else if (status >= 500)
    p->code = CFAI_ERROR_SERVER;
  else if (status >= 400)
    p->code = CFAI_ERROR_FAILED;
  else if (status >= 200 && status < 300 && p->saw_error_entry)
    p->code = CFAI_ERROR_FAILED;
  else if (status >= 200 && status < 300 && p->envelope_failed)
    {
      p->code = CFAI_ERROR_FAILED;
      p->variant = VARIANT_NO_REASON;
    }
  else
    p->code = CFAI_ERROR_PROTOCOL;

  if (p->code == CFAI_ERROR_INVALID_INPUT && p->field == NULL)
    p->field = cfai_error_field_from_message (p->detail);
}

static char *
with_detail (char       *sentence,
             const char *detail)
{
  char *result;

  if (detail == NULL)
    return sentence;

  /* Translators: the first %s is a complete sentence from CfAI, the second
   * is the server's own (English) message. */
  result = g_strdup_printf (_("%s The server said: “%s”"), sentence, detail);
  g_free (sentence);

  return result;
}

static guint
seconds_rounded_up (gint64 us)
{
  gint64 s = (us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;

  return (guint) CLAMP (s, 1, G_MAXUINT);
}

static char *
problem_message (const Problem *p,
                 gint64         retry_after_us)
{
  switch (p->code)
    {
    case CFAI_ERROR_AUTH:
      if (p->variant == VARIANT_AUTH_ACCOUNT)
        return g_strdup (_("Cloudflare does not recognise the account ID. It is shown on "
                           "the Workers AI page of the Cloudflare dashboard."));
      if (p->variant == VARIANT_AUTH_TOKEN_FORMAT)
        return g_strdup (_("The API token is not in a valid format. "
                           "Paste it again, without spaces or line breaks."));
      return g_strdup (_("Cloudflare did not accept the API token. It must be valid, belong "
                         "to this account and have the Workers AI Read and Edit permissions."));

    case CFAI_ERROR_NO_SUCH_MODEL:
      return with_detail (g_strdup (_("Workers AI does not know this model; it may have "
                                      "been retired. Pick another model from the catalog.")),
                          p->detail);

    case CFAI_ERROR_INVALID_INPUT:
      if (p->is_bug)
        return with_detail (g_strdup (_("CfAI sent Workers AI a request it could not accept. "
                                        "This is a bug in CfAI; please report it and include "
                                        "this message.")),
                            p->detail);
      if (p->variant == VARIANT_LORA)
        return g_strdup (_("This model cannot be used with a LoRA adapter. "
                           "Remove the adapter or pick another model."));
      if (p->field != NULL)
        return with_detail (g_strdup_printf (_("The model rejected the request because of the "
                                               "field “%s”. Check that setting or the attached "
                                               "content and try again."),
                                             p->field),
                            p->detail);
      return with_detail (g_strdup (_("The model rejected the request as invalid. "
                                      "Check the model’s settings and any attachments, "
                                      "then try again.")),
                          p->detail);

    case CFAI_ERROR_LICENCE_REQUIRED:
      return g_strdup (_("This model’s licence must be accepted before its first use. "
                         "To accept it, send the single message “agree” to this model once, "
                         "then try again."));

    case CFAI_ERROR_MODEL_NOT_ALLOWED:
      return g_strdup (_("This Cloudflare account is not allowed to use this model. "
                         "Pick another model from the catalog."));

    case CFAI_ERROR_PAID_PLAN_REQUIRED:
      return g_strdup (_("This model is only available with the Workers Paid plan. "
                         "Upgrade the Cloudflare account to Workers Paid, or pick another "
                         "model."));

    case CFAI_ERROR_ACCOUNT_BLOCKED:
      return g_strdup (_("Workers AI is not available for this Cloudflare account because "
                         "the account is blocked. Check the account in the Cloudflare "
                         "dashboard or contact Cloudflare support."));

    case CFAI_ERROR_CONTEXT_EXCEEDED:
      if (p->requested_tokens >= 0 && p->limit_tokens >= 0)
        {
          g_autofree char *requested = g_strdup_printf ("%" G_GINT64_FORMAT, p->requested_tokens);
          g_autofree char *limit = g_strdup_printf ("%" G_GINT64_FORMAT, p->limit_tokens);

          /* Translators: both %s are token counts. */
          return g_strdup_printf (_("The conversation is too long for this model: the "
                                    "messages plus the maximum answer length need %s tokens, "
                                    "but the model’s context window holds %s. Remove earlier "
                                    "messages or lower the maximum answer length, then try "
                                    "again."),
                                  requested, limit);
        }
      return g_strdup (_("The conversation is too long for this model’s context window. "
                         "Remove earlier messages or lower the maximum answer length, then "
                         "try again."));

    case CFAI_ERROR_DAILY_LIMIT:
      return g_strdup (_("This account has used up its free daily Workers AI allocation of "
                         "10,000 neurons. It resets at 00:00 UTC; to continue now, upgrade "
                         "the account to the Workers Paid plan."));

    case CFAI_ERROR_CAPACITY:
      if (retry_after_us > 0)
        {
          guint s = seconds_rounded_up (retry_after_us);

          return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "Workers AI has no capacity left for this model "
                                               "right now. Try again in %u second or pick "
                                               "another model.",
                                               "Workers AI has no capacity left for this model "
                                               "right now. Try again in %u seconds or pick "
                                               "another model.",
                                               s),
                                  s);
        }
      return g_strdup (_("Workers AI has no capacity left for this model right now. "
                         "Try again in a few minutes or pick another model."));

    case CFAI_ERROR_RATE_LIMITED:
      if (retry_after_us > 0)
        {
          guint s = seconds_rounded_up (retry_after_us);

          return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "Too many requests were sent to Workers AI in a "
                                               "short time. Wait %u second and try again.",
                                               "Too many requests were sent to Workers AI in a "
                                               "short time. Wait %u seconds and try again.",
                                               s),
                                  s);
        }
      return g_strdup (_("Too many requests were sent to Workers AI in a short time. "
                         "Wait a minute and try again."));

    case CFAI_ERROR_NSFW:
      return g_strdup (_("The model’s safety filter rejected the prompt. Short prompts are "
                         "sometimes rejected by mistake: describe the scene in more detail "
                         "and try again."));

    case CFAI_ERROR_TOO_LARGE:
      return g_strdup (_("The request is too large for Workers AI. Use a smaller image or "
                         "attachment, or remove earlier messages, then try again."));

    case CFAI_ERROR_TIMEOUT:
      if (p->variant == VARIANT_ABORTED)
        return g_strdup (_("Workers AI stopped the request before it finished. Try again."));
      return g_strdup (_("Workers AI took too long to answer. Try again; if it keeps "
                         "happening, lower the maximum answer length or pick a faster model."));

    case CFAI_ERROR_SERVER:
      return with_detail (g_strdup_printf (_("Workers AI had a problem on its side (HTTP %u). "
                                             "Try again in a few minutes."),
                                           p->http_status),
                          p->body_kind == BODY_HTML ? NULL : p->detail);

    case CFAI_ERROR_PROTOCOL:
      if (p->http_status >= 200 && p->http_status < 300)
        return g_strdup_printf (_("Workers AI sent an answer CfAI does not understand "
                                  "(HTTP %u). Try again; if it keeps happening, please "
                                  "report a bug."),
                                p->http_status);
      return g_strdup_printf (_("Workers AI answered with an unexpected status (HTTP %u). "
                                "Try again; if it keeps happening, please report a bug."),
                              p->http_status);

    case CFAI_ERROR_FAILED:
      if (p->variant == VARIANT_NO_REASON)
        return g_strdup (_("Workers AI reported a failure without saying why. Try again."));
      if (p->http_status == SOUP_STATUS_NOT_FOUND && p->body_kind != BODY_JSON)
        return g_strdup (_("Workers AI was not found at the configured address (HTTP 404). "
                           "Check the account ID, and any AI Gateway or API base URL "
                           "setting."));
      if (p->http_status >= 400)
        return with_detail (g_strdup_printf (_("Workers AI refused the request (HTTP %u). "
                                               "Check the model’s settings and try again; if it "
                                               "keeps happening, please report a bug."),
                                             p->http_status),
                            p->detail);
      return with_detail (g_strdup (_("Workers AI could not run the request. Try again; "
                                      "if it keeps happening, please report a bug.")),
                          p->detail);

    case CFAI_ERROR_NO_CREDENTIALS:
    case CFAI_ERROR_NETWORK:
    case CFAI_ERROR_TRUNCATED_STREAM:
    case CFAI_ERROR_NO_KEYRING:
    case CFAI_ERROR_MODEL_RETIRED:
    default:
      /* Never produced from an HTTP answer; here only for completeness. */
      return with_detail (g_strdup (_("Workers AI could not run the request. Try again; "
                                      "if it keeps happening, please report a bug.")),
                          p->detail);
    }
}

static GError *
problem_to_error (Problem            *p,
                  SoupMessageHeaders *headers)
{
  GError *error;
  g_autofree char *message = NULL;
  gint64 retry_after_us = 0;

  problem_classify_by_status (p);

  if (!cfai_retry_policy_parse_retry_after (headers, g_get_real_time (), &retry_after_us))
    retry_after_us = 0;
  retry_after_us = MAX (retry_after_us, 0);

  message = problem_message (p, retry_after_us);
  error = g_error_new_literal (CFAI_ERROR, p->code, message);

  cfai_error_set_http_status (error, p->http_status);
  cfai_error_set_api_code (error, p->api_code);
  cfai_error_set_field (error, p->field);
  cfai_error_set_context_tokens (error, p->requested_tokens, p->limit_tokens);
  cfai_error_set_retry_after_us (error, retry_after_us);
  cfai_error_set_detail (error, p->detail);
  cfai_error_set_is_bug (error, p->is_bug);

  return error;
}

static gboolean
body_looks_like (const guint8 *data,
                 gsize         len,
                 char          first)
{
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isspace (data[i]))
        return data[i] == first;
    }

  return FALSE;
}

/**
 * cfai_error_from_json:
 * @http_status: the answer's HTTP status
 * @root: an already-parsed answer (a v4 envelope, an OpenAI error object…)
 * @headers: (nullable): the answer's headers, for `Retry-After`
 *
 * For callers that parsed the body themselves, such as a stream parser
 * that meets an error event.
 *
 * Returns: (transfer full): a %CFAI_ERROR describing the failure
 */
GError *
cfai_error_from_json (guint               http_status,
                      JsonNode           *root,
                      SoupMessageHeaders *headers)
{
  Problem p;
  GError *error;

  problem_init (&p, http_status);

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    problem_read_json (&p, json_node_get_object (root));
  else
    p.body_kind = root != NULL ? BODY_JSON : BODY_EMPTY;

  error = problem_to_error (&p, headers);
  problem_clear (&p);

  return error;
}

/**
 * cfai_error_from_response:
 * @http_status: the answer's HTTP status
 * @content_type: (nullable): its Content-Type
 * @body: (nullable): its body
 * @headers: (nullable): its headers, for `retry-after-ms` and `Retry-After`
 *
 * Maps a failed answer of any shape to a %CFAI_ERROR with the details a
 * UI needs (see cfai_error_get_http_status() and friends).  Always
 * returns an error: callers decide that an answer failed, this decides
 * what the failure means.
 *
 * Returns: (transfer full): a new %CFAI_ERROR
 */
GError *
cfai_error_from_response (guint               http_status,
                          const char         *content_type,
                          GBytes             *body,
                          SoupMessageHeaders *headers)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *media = cfai_envelope_media_type (content_type);
  const guint8 *data = NULL;
  gsize len = 0;
  Problem p;
  GError *error;

  problem_init (&p, http_status);

  if (body != NULL)
    data = g_bytes_get_data (body, &len);

  /* Proxies mislabel bodies both ways, so the first byte is evidence too. */
  if (len > 0 &&
      ((media != NULL && (g_str_equal (media, "text/html") ||
                          g_str_has_prefix (media, "application/xhtml"))) ||
       body_looks_like (data, len, '<')))
    {
      p.body_kind = BODY_HTML;
    }
  else if (len > 0 &&
           (cfai_envelope_content_type_is_json (content_type) ||
            body_looks_like (data, len, '{')))
    {
      root = cfai_error_parse_json (data, len, NULL);
      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        problem_read_json (&p, json_node_get_object (root));
      else if (root != NULL || body_looks_like (data, len, '{'))
        /* Cut-off or odd JSON: quoting it at the user helps nobody. */
        p.body_kind = BODY_JSON;
      else
        problem_read_text (&p, data, len);
    }
  else if (len > 0)
    {
      problem_read_text (&p, data, len);
    }

  error = problem_to_error (&p, headers);
  problem_clear (&p);

  return error;
}

/**
 * cfai_error_from_transport:
 * @error: a GIO, TLS, resolver or libsoup error from sending a request
 *
 * Cancellation stays %G_IO_ERROR_CANCELLED (callers test for it to stay
 * quiet), an existing %CFAI_ERROR is copied, and everything else becomes
 * %CFAI_ERROR_TIMEOUT or %CFAI_ERROR_NETWORK with a sentence about what
 * to check.  The original message is kept as the detail.
 *
 * Returns: (transfer full): a new error
 */
GError *
cfai_error_from_transport (const GError *error)
{
  CfaiErrorCode code = CFAI_ERROR_NETWORK;
  const char *message;
  GError *mapped;

  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error->domain == CFAI_ERROR)
    return g_error_copy (error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      code = CFAI_ERROR_TIMEOUT;
      message = _("Workers AI did not answer in time. Check the internet connection and "
                  "try again.");
    }
  else if (error->domain == G_RESOLVER_ERROR)
    {
      message = _("Could not find the Workers AI server. Check that this computer is "
                  "connected to the internet.");
    }
  else if (error->domain == G_TLS_ERROR)
    {
      message = _("Could not make a secure connection to Workers AI. Check that the "
                  "computer’s date and time are right and that no proxy intercepts "
                  "encrypted connections.");
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_FAILED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_AUTH_FAILED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_NEED_AUTH) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_NOT_ALLOWED))
    {
      message = _("The network proxy did not let CfAI through to Workers AI. Check the "
                  "proxy settings.");
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
    {
      message = _("This computer cannot reach Workers AI. Check the internet connection "
                  "and try again.");
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    {
      message = _("The connection to Workers AI was refused. Check the internet connection, "
                  "and any proxy, AI Gateway or API base URL setting.");
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED) ||
           g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING) ||
           g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_ENCODING))
    {
      message = _("The connection to Workers AI broke off. Try again.");
    }
  else if (error->domain == SOUP_SESSION_ERROR)
    {
      code = CFAI_ERROR_PROTOCOL;
      message = _("Workers AI answered in a way CfAI cannot follow (a redirect or a "
                  "malformed answer). Check any AI Gateway or API base URL setting.");
    }
  else
    {
      message = _("Could not talk to Workers AI. Check the internet connection and try "
                  "again.");
    }

  mapped = g_error_new_literal (CFAI_ERROR, code, message);
  if (error->message != NULL)
    {
      g_autofree char *detail = cfai_error_clean_text (error->message, strlen (error->message));

      cfai_error_set_detail (mapped, detail);
    }

  return mapped;
}
