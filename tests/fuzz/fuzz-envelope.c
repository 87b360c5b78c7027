/* fuzz-envelope.c — libFuzzer target for the envelope parser and error mapping
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input layout: byte 0 picks the HTTP status, byte 1 the Content-Type,
 * byte 2 the Retry-After headers; the rest is the body.  Whatever the
 * bytes, an error must be a presentable CFAI_ERROR that leaks no token,
 * and a success must hand back a node.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "cfai-envelope.h"
#include "cfai-error.h"

int LLVMFuzzerInitialize    (int            *argc,
                             char         ***argv);
int LLVMFuzzerTestOneInput  (const uint8_t  *data,
                             size_t          size);

static const guint statuses[] = {
  200, 201, 204, 0, 101, 302, 400, 401, 403, 404, 405,
  408, 409, 413, 422, 429, 500, 502, 503, 504, 520, 999,
};

static const char *content_types[] = {
  "application/json", "application/json; charset=utf-8", "text/html", "text/plain",
  NULL, "text/event-stream", "application/problem+json", "image/png", "", "APPLICATION/JSON",
};

static const char *retry_afters[] = {
  NULL, "5", "120", "Wed, 01 Jan 2025 00:00:30 GMT", "soon", "0", "1.5", "99999999999999999999",
};

/* Every "bearer <something>" left in user-visible text must have had the
 * something replaced. */
static void
assert_no_bearer_token (const char *text)
{
  g_autofree char *lower = NULL;
  const char *p;

  if (text == NULL)
    return;

  lower = g_ascii_strdown (text, -1);
  for (p = strstr (lower, "bearer"); p != NULL; p = strstr (p + 1, "bearer"))
    {
      const char *value = p + strlen ("bearer");

      if (*value == '\0' || strchr (" :=", *value) == NULL)
        continue;

      while (*value != '\0' && strchr (" :=\"'", *value) != NULL)
        value++;

      /* Bearer tokens are RFC 6750 b64token characters. */
      if (g_ascii_isalnum (*value) || (*value != '\0' && strchr ("-._~+/=", *value) != NULL))
        g_assert_not_reached ();
    }
}

static void
assert_presentable (const GError *error)
{
  const char *detail;
  const char *field;
  gint64 requested = -1;
  gint64 limit = -1;

  g_assert_nonnull (error);
  g_assert_true (error->domain == CFAI_ERROR);
  g_assert_nonnull (error->message);
  g_assert_cmpuint (strlen (error->message), >, 0);
  g_assert_cmpuint (strlen (error->message), <, 4096);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (strchr (error->message, '\n'));
  assert_no_bearer_token (error->message);

  detail = cfai_error_get_detail (error);
  if (detail != NULL)
    {
      g_assert_true (g_utf8_validate (detail, -1, NULL));
      /* 300 characters plus what redaction markers add. */
      g_assert_cmpuint (g_utf8_strlen (detail, -1), <=, 1024);
      assert_no_bearer_token (detail);
    }

  field = cfai_error_get_field (error);
  if (field != NULL)
    {
      g_assert_true (g_utf8_validate (field, -1, NULL));
      g_assert_cmpuint (strlen (field), >, 0);
      assert_no_bearer_token (field);
    }

  if (cfai_error_get_context_tokens (error, &requested, &limit))
    {
      g_assert_cmpint (requested, >=, 0);
      g_assert_cmpint (limit, >=, 0);
      g_assert_true (error->code == CFAI_ERROR_CONTEXT_EXCEEDED);
    }

  g_assert_cmpint (cfai_error_get_retry_after_us (error), >=, 0);
  g_assert_cmpint (cfai_error_get_api_code (error), >=, 0);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* A g_return_if_fail() tripped by odd input is a bug worth a crash. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) mapped = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) result_info = NULL;
  const char *content_type;
  const char *retry_after;
  guint status;

  if (size < 3)
    return 0;

  status = statuses[data[0] % G_N_ELEMENTS (statuses)];
  content_type = content_types[data[1] % G_N_ELEMENTS (content_types)];
  retry_after = retry_afters[data[2] % G_N_ELEMENTS (retry_afters)];
  body = g_bytes_new (data + 3, size - 3);

  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  if (retry_after != NULL)
    soup_message_headers_append (headers,
                                 (data[2] & 0x80) ? "retry-after-ms" : "Retry-After",
                                 retry_after);

  mapped = cfai_error_from_response (status, content_type, body, headers);
  assert_presentable (mapped);
  g_assert_cmpuint (cfai_error_get_http_status (mapped), ==, status);

  result = cfai_envelope_parse (status, content_type, body, headers, &result_info, &error);
  if (result != NULL)
    {
      g_assert_null (error);
      g_assert_true (status >= 200 && status < 300);
      g_assert_true (cfai_envelope_content_type_is_json (content_type));
    }
  else
    {
      g_assert_null (result_info);
      assert_presentable (error);
      g_assert_cmpuint (cfai_error_get_http_status (error), ==, status);
    }

  return 0;
}
