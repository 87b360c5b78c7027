/* cfai-retry-policy.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The policy of the most trusted API SDKs (openai-python,
 * anthropic-sdk-python), tuned for Workers AI: a few quick retries for
 * failures that are likely to go away, never for ones that cannot
 * (the daily free allocation only comes back at midnight UTC), and never
 * once a stream has shown the user part of an answer, because a second
 * answer would not continue the first.
 */
#include "config.h"

#include <math.h>

#include "cfai-error.h"
#include "cfai-retry-policy.h"

struct _CfaiRetryPolicy
{
  guint               max_retries;
  CfaiRetryClockFunc  now_us;
  gpointer            now_us_data;
  CfaiRetryRandomFunc random;
  gpointer            random_data;
};

G_DEFINE_BOXED_TYPE (CfaiRetryPolicy, cfai_retry_policy,
                     cfai_retry_policy_copy, cfai_retry_policy_free)

/* Workers AI's "account limited" code: retrying only burns requests. */
#define API_CODE_DAILY_LIMIT 3036
/* libsoup 3 has no name for it. */
#define HTTP_TOO_MANY_REQUESTS 429

static gint64
default_now_us (gpointer user_data)
{
  return g_get_real_time ();
}

static double
default_random (gpointer user_data)
{
  return g_random_double ();
}

CfaiRetryPolicy *
cfai_retry_policy_new (void)
{
  CfaiRetryPolicy *self = g_new0 (CfaiRetryPolicy, 1);

  self->max_retries = CFAI_RETRY_POLICY_DEFAULT_MAX_RETRIES;
  self->now_us = default_now_us;
  self->random = default_random;

  return self;
}

CfaiRetryPolicy *
cfai_retry_policy_copy (const CfaiRetryPolicy *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_memdup2 (self, sizeof *self);
}

void
cfai_retry_policy_free (CfaiRetryPolicy *self)
{
  g_free (self);
}

guint
cfai_retry_policy_get_max_retries (const CfaiRetryPolicy *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->max_retries;
}

void
cfai_retry_policy_set_max_retries (CfaiRetryPolicy *self,
                                   guint            max_retries)
{
  g_return_if_fail (self != NULL);

  self->max_retries = max_retries;
}

/**
 * cfai_retry_policy_set_clock:
 * @now_us: (nullable): wall-clock source, %NULL for g_get_real_time()
 * @user_data: passed to @now_us
 *
 * The clock is only used to turn an HTTP-date `Retry-After` into a delay;
 * tests inject one so that arithmetic is exact.
 */
void
cfai_retry_policy_set_clock (CfaiRetryPolicy    *self,
                             CfaiRetryClockFunc  now_us,
                             gpointer            user_data)
{
  g_return_if_fail (self != NULL);

  self->now_us = now_us != NULL ? now_us : default_now_us;
  self->now_us_data = now_us != NULL ? user_data : NULL;
}

/**
 * cfai_retry_policy_set_random:
 * @random: (nullable): jitter source, %NULL for g_random_double()
 * @user_data: passed to @random
 */
void
cfai_retry_policy_set_random (CfaiRetryPolicy     *self,
                              CfaiRetryRandomFunc  random,
                              gpointer             user_data)
{
  g_return_if_fail (self != NULL);

  self->random = random != NULL ? random : default_random;
  self->random_data = random != NULL ? user_data : NULL;
}

/* Only plain decimal numbers: g_ascii_strtod() would also take "inf",
 * "nan" and hexadecimal, none of which a server means as a delay. */
static gboolean
parse_decimal (const char *value,
               double     *out)
{
  const char *p;
  gboolean seen_digit = FALSE;
  gboolean seen_point = FALSE;
  char *end = NULL;
  double d;

  while (g_ascii_isspace (*value))
    value++;

  for (p = value; *p != '\0' && !g_ascii_isspace (*p); p++)
    {
      if (g_ascii_isdigit (*p))
        seen_digit = TRUE;
      else if (*p == '.' && !seen_point)
        seen_point = TRUE;
      else
        return FALSE;
    }

  for (; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;

  if (!seen_digit)
    return FALSE;

  d = g_ascii_strtod (value, &end);
  if (end == value || !isfinite (d) || d < 0)
    return FALSE;

  *out = d;
  return TRUE;
}

static gint64
seconds_to_us (double seconds)
{
  /* A clamp far above any cap we apply, but safely inside gint64. */
  if (seconds >= 1e12)
    return (gint64) 1e18;

  return (gint64) (seconds * G_USEC_PER_SEC);
}

/**
 * cfai_retry_policy_parse_retry_after:
 * @headers: (nullable): response headers
 * @now_us: the current wall-clock time, for an HTTP-date value
 * @out_delay_us: (out): the requested delay in microseconds; zero or
 *   negative when the date has already passed
 *
 * Reads `retry-after-ms` (milliseconds, what OpenAI-style servers send)
 * and then `Retry-After` (seconds or an HTTP date).  A header that cannot
 * be understood is ignored rather than guessed at.
 *
 * Returns: %TRUE if either header held a usable value
 */
gboolean
cfai_retry_policy_parse_retry_after (SoupMessageHeaders *headers,
                                     gint64              now_us,
                                     gint64             *out_delay_us)
{
  const char *value;
  double number;

  g_return_val_if_fail (out_delay_us != NULL, FALSE);

  *out_delay_us = 0;

  if (headers == NULL)
    return FALSE;

  value = soup_message_headers_get_one (headers, "retry-after-ms");
  if (value != NULL && parse_decimal (value, &number))
    {
      *out_delay_us = seconds_to_us (number / 1000.0);
      return TRUE;
    }

  value = soup_message_headers_get_one (headers, "Retry-After");
  if (value == NULL)
    return FALSE;

  if (parse_decimal (value, &number))
    {
      *out_delay_us = seconds_to_us (number);
      return TRUE;
    }
  else
    {
      g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);

      if (when == NULL)
        return FALSE;

      *out_delay_us = g_date_time_to_unix_usec (when) - now_us;
      return TRUE;
    }
}

/* Whether the failure is of a kind that may go away by itself: connection
 * errors, timeouts, 408, 409, 429 and server errors — except the daily
 * allocation (3036) and cancellation.  @http_status 0 takes it from @error. */
static gboolean
is_retryable (guint         http_status,
              const GError *error)
{
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;

  if (g_error_matches (error, CFAI_ERROR, CFAI_ERROR_DAILY_LIMIT) ||
      cfai_error_get_api_code (error) == API_CODE_DAILY_LIMIT)
    return FALSE;

  if (http_status == 0)
    http_status = cfai_error_get_http_status (error);

  if (http_status == SOUP_STATUS_REQUEST_TIMEOUT ||
      http_status == SOUP_STATUS_CONFLICT ||
      http_status == HTTP_TOO_MANY_REQUESTS ||
      http_status >= 500)
    return TRUE;

  /* Any other HTTP failure status is the server's verdict on this request;
   * sending it again would get the same verdict. */
  if (http_status >= 400 || error == NULL)
    return FALSE;

  if (error->domain == CFAI_ERROR)
    {
      switch ((CfaiErrorCode) error->code)
        {
        case CFAI_ERROR_NETWORK:
        case CFAI_ERROR_TIMEOUT:
        case CFAI_ERROR_CAPACITY:
        case CFAI_ERROR_RATE_LIMITED:
        case CFAI_ERROR_SERVER:
        case CFAI_ERROR_TRUNCATED_STREAM:
          return TRUE;

        case CFAI_ERROR_FAILED:
        case CFAI_ERROR_AUTH:
        case CFAI_ERROR_NO_CREDENTIALS:
        case CFAI_ERROR_NO_SUCH_MODEL:
        case CFAI_ERROR_MODEL_RETIRED:
        case CFAI_ERROR_INVALID_INPUT:
        case CFAI_ERROR_LICENCE_REQUIRED:
        case CFAI_ERROR_MODEL_NOT_ALLOWED:
        case CFAI_ERROR_PAID_PLAN_REQUIRED:
        case CFAI_ERROR_ACCOUNT_BLOCKED:
        case CFAI_ERROR_CONTEXT_EXCEEDED:
        case CFAI_ERROR_DAILY_LIMIT:
        case CFAI_ERROR_NSFW:
        case CFAI_ERROR_TOO_LARGE:
        case CFAI_ERROR_PROTOCOL:
        case CFAI_ERROR_NO_KEYRING:
          return FALSE;

        default:
          return FALSE;
        }
    }

  /* Raw transport errors, for callers that have not mapped them yet. */
  if (error->domain == G_IO_ERROR ||
      error->domain == G_RESOLVER_ERROR ||
      error->domain == G_TLS_ERROR)
    return TRUE;

  if (error->domain == SOUP_SESSION_ERROR)
    return error->code == SOUP_SESSION_ERROR_PARSING ||
           error->code == SOUP_SESSION_ERROR_ENCODING;

  return FALSE;
}

static gint64
backoff_us (CfaiRetryPolicy *self,
            guint            attempt)
{
  gint64 base = CFAI_RETRY_POLICY_MAX_DELAY_US;
  double r;

  /* 0.5 s · 2^attempt reaches the 8 s cap at attempt 4; checking first
   * keeps the shift from overflowing for absurd attempt numbers. */
  if (attempt < 4)
    base = MIN (CFAI_RETRY_POLICY_INITIAL_DELAY_US << attempt,
                CFAI_RETRY_POLICY_MAX_DELAY_US);

  r = self->random (self->random_data);
  if (!(r >= 0.0))
    r = 0.0;
  else if (r > 1.0)
    r = 1.0;

  return (gint64) ((double) base * (1.0 - 0.25 * r));
}

/**
 * cfai_retry_policy_next_delay:
 * @attempt: how many retries were already made for this request (0 after
 *   the first failure)
 * @http_status: the failed answer's status, or 0 (then @error's is used)
 * @error: (nullable): the failure
 * @headers: (nullable): the failed answer's headers, for `retry-after-ms`
 *   and `Retry-After`; without them the wait recorded in @error is used
 * @delivered_data: whether a streamed answer already showed text
 * @out_delay_us: (out) (optional): when %TRUE is returned, how long to wait
 *   before the next attempt; otherwise the wait the server asked for (0 if
 *   it did not), so the UI can say when to try again
 *
 * A server-requested wait is honoured exactly, without jitter, up to 60 s;
 * a longer one is not worth keeping a request open for, so the failure is
 * reported instead.  Otherwise the delay is `min (0.5 s · 2^attempt, 8 s)`
 * shortened by up to 25 % at random, so that clients that failed together
 * do not come back together.
 *
 * Returns: %TRUE if the request should be tried again
 */
gboolean
cfai_retry_policy_next_delay (CfaiRetryPolicy    *self,
                              guint               attempt,
                              guint               http_status,
                              const GError       *error,
                              SoupMessageHeaders *headers,
                              gboolean            delivered_data,
                              gint64             *out_delay_us)
{
  gint64 server_wait = 0;
  gint64 delay;

  g_return_val_if_fail (self != NULL, FALSE);

  if (out_delay_us != NULL)
    *out_delay_us = 0;

  if (!cfai_retry_policy_parse_retry_after (headers,
                                            self->now_us (self->now_us_data),
                                            &server_wait))
    server_wait = cfai_error_get_retry_after_us (error);

  if (delivered_data ||
      attempt >= self->max_retries ||
      server_wait > CFAI_RETRY_POLICY_MAX_RETRY_AFTER_US ||
      !is_retryable (http_status, error))
    {
      if (out_delay_us != NULL)
        *out_delay_us = MAX (server_wait, 0);
      return FALSE;
    }

  if (server_wait > 0)
    delay = server_wait;
  else
    delay = backoff_us (self, attempt);

  if (out_delay_us != NULL)
    *out_delay_us = delay;

  return TRUE;
}
