/* test-retry-policy.c — retry decisions and exact delays
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cfai-envelope.h"
#include "cfai-error.h"
#include "cfai-retry-policy.h"
#include "cfai-test-home.h"

/* 2025-01-01T00:00:00Z */
#define NOW_US (G_GINT64_CONSTANT (1735689600) * G_USEC_PER_SEC)

typedef struct
{
  CfaiRetryPolicy    *policy;
  SoupMessageHeaders *headers;
  double              random_value;
  guint               random_calls;
  gint64              now_us;
} Fixture;

static double
fake_random (gpointer user_data)
{
  Fixture *f = user_data;

  f->random_calls++;
  return f->random_value;
}

static gint64
fake_now (gpointer user_data)
{
  Fixture *f = user_data;

  return f->now_us;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->policy = cfai_retry_policy_new ();
  f->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  f->random_value = 0.0;
  f->random_calls = 0;
  f->now_us = NOW_US;
  cfai_retry_policy_set_random (f->policy, fake_random, f);
  cfai_retry_policy_set_clock (f->policy, fake_now, f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->policy, cfai_retry_policy_free);
  g_clear_pointer (&f->headers, soup_message_headers_unref);
}

/* The fixture's policy, in fewer columns. */
static gboolean
decide (Fixture            *f,
        guint               attempt,
        guint               http_status,
        const GError       *error,
        SoupMessageHeaders *headers,
        gboolean            delivered_data,
        gint64             *delay)
{
  return cfai_retry_policy_next_delay (f->policy, attempt, http_status, error, headers,
                                       delivered_data, delay);
}

static GError *
response_error (guint       status,
                const char *body)
{
  g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;

  return cfai_error_from_response (status, "application/json", bytes, NULL);
}

/* Delay for a 503 without headers, the plain backoff path. */
static gint64
backoff (Fixture *f,
         guint    attempt)
{
  gint64 delay = -1;

  g_assert_true (decide (f, attempt, 503, NULL, NULL, FALSE, &delay));
  return delay;
}

static void
test_exact_backoff (Fixture       *f,
                    gconstpointer  data)
{
  static const gint64 expected[] = { 500000, 1000000, 2000000, 4000000, 8000000, 8000000, 8000000 };

  cfai_retry_policy_set_max_retries (f->policy, 100);

  f->random_value = 0.0;
  for (guint attempt = 0; attempt < G_N_ELEMENTS (expected); attempt++)
    g_assert_cmpint (backoff (f, attempt), ==, expected[attempt]);

  /* Huge attempt numbers must not overflow the shift. */
  g_assert_cmpint (backoff (f, 64), ==, 8000000);
  g_assert_cmpint (backoff (f, 99), ==, 8000000);

  /* Jitter only ever shortens, by up to a quarter. */
  f->random_value = 0.5;
  g_assert_cmpint (backoff (f, 0), ==, 437500);
  g_assert_cmpint (backoff (f, 1), ==, 875000);
  g_assert_cmpint (backoff (f, 4), ==, 7000000);

  f->random_value = 0.25;
  g_assert_cmpint (backoff (f, 2), ==, 1875000);

  f->random_value = 0.9;
  g_assert_cmpint (backoff (f, 0), ==, 387500);
  f->random_value = 0.999999;
  g_assert_cmpint (backoff (f, 0), ==, 375000);

  /* A misbehaving random source cannot push the delay out of range. */
  f->random_value = 1.0;
  g_assert_cmpint (backoff (f, 0), ==, 375000);
  f->random_value = 7.0;
  g_assert_cmpint (backoff (f, 0), ==, 375000);
  f->random_value = -3.0;
  g_assert_cmpint (backoff (f, 0), ==, 500000);
  f->random_value = NAN;
  g_assert_cmpint (backoff (f, 0), ==, 500000);
}

static void
test_attempt_limit (Fixture       *f,
                    gconstpointer  data)
{
  gint64 delay = -1;

  g_assert_cmpuint (cfai_retry_policy_get_max_retries (f->policy), ==, 2);
  g_assert_true (decide (f, 0, 500, NULL, NULL, FALSE, &delay));
  g_assert_true (decide (f, 1, 500, NULL, NULL, FALSE, &delay));
  g_assert_false (decide (f, 2, 500, NULL, NULL, FALSE, &delay));
  g_assert_cmpint (delay, ==, 0);

  cfai_retry_policy_set_max_retries (f->policy, 0);
  g_assert_false (decide (f, 0, 500, NULL, NULL, FALSE, &delay));

  cfai_retry_policy_set_max_retries (f->policy, 5);
  g_assert_true (decide (f, 4, 500, NULL, NULL, FALSE, &delay));
  g_assert_false (decide (f, 5, 500, NULL, NULL, FALSE, &delay));
}

static void
test_statuses (Fixture       *f,
               gconstpointer  data)
{
  static const guint retried[] = { 408, 409, 429, 500, 502, 503, 504, 520, 529 };
  static const guint not_retried[] = { 200, 400, 401, 403, 404, 405, 413, 422 };
  gint64 delay;

  for (guint i = 0; i < G_N_ELEMENTS (retried); i++)
    {
      g_autoptr(GError) error = response_error (retried[i], NULL);

      g_assert_true (decide (f, 0, retried[i], NULL, NULL, FALSE, &delay));
      /* The status recorded in the error is enough. */
      g_assert_true (decide (f, 0, 0, error, NULL, FALSE, &delay));
    }

  for (guint i = 0; i < G_N_ELEMENTS (not_retried); i++)
    {
      g_autoptr(GError) error = response_error (not_retried[i], NULL);

      g_assert_false (decide (f, 0, not_retried[i], NULL, NULL, FALSE, &delay));
      g_assert_false (decide (f, 0, 0, error, NULL, FALSE, &delay));
    }
}

static void
test_daily_limit_never_retried (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) daily = response_error (429, "{\"success\":false,\"errors\":[{\"code\":3036,"
                                                 "\"message\":\"You have used up your daily free "
                                                 "allocation of 10,000 neurons.\"}],"
                                                 "\"messages\":[],\"result\":null}");
  g_autoptr(GError) capacity = response_error (429, "{\"success\":false,\"errors\":[{\"code\":3040,"
                                                    "\"message\":\"No more data centers to forward "
                                                    "the request to\"}],\"messages\":[],"
                                                    "\"result\":null}");
  g_autoptr(GError) odd = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_FAILED, "odd");
  gint64 delay = -1;

  g_assert_error (daily, CFAI_ERROR, CFAI_ERROR_DAILY_LIMIT);
  g_assert_false (decide (f, 0, 429, daily, NULL, FALSE, &delay));
  g_assert_false (decide (f, 0, 0, daily, NULL, FALSE, &delay));

  /* Whatever it was mapped to, the code 3036 alone forbids a retry. */
  cfai_error_set_api_code (odd, 3036);
  g_assert_false (decide (f, 0, 429, odd, NULL, FALSE, &delay));

  g_assert_error (capacity, CFAI_ERROR, CFAI_ERROR_CAPACITY);
  g_assert_true (decide (f, 0, 429, capacity, NULL, FALSE, &delay));
  g_assert_cmpint (delay, ==, 500000);
}

static void
test_delivered_data_never_retried (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) network = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_NETWORK, "gone");
  g_autoptr(GError) truncated = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_TRUNCATED_STREAM,
                                                     "cut");
  gint64 delay = -1;

  g_assert_false (decide (f, 0, 503, NULL, NULL, TRUE, &delay));
  g_assert_false (decide (f, 0, 0, network, NULL, TRUE, &delay));
  g_assert_false (decide (f, 0, 0, truncated, NULL, TRUE, &delay));
  g_assert_true (decide (f, 0, 0, truncated, NULL, FALSE, &delay));
  g_assert_cmpuint (f->random_calls, ==, 1);
}

static void
test_transport_errors (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) refused = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "no");
  g_autoptr(GError) network = cfai_error_from_transport (refused);
  g_autoptr(GError) timed_out_raw = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "slow");
  g_autoptr(GError) timed_out = cfai_error_from_transport (timed_out_raw);
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "stop");
  g_autoptr(GError) resolver = g_error_new_literal (G_RESOLVER_ERROR,
                                                    G_RESOLVER_ERROR_TEMPORARY_FAILURE, "dns");
  g_autoptr(GError) protocol = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_PROTOCOL, "garbage");
  g_autoptr(GError) auth = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_AUTH, "no");
  g_autoptr(GError) redirects = g_error_new_literal (SOUP_SESSION_ERROR,
                                                     SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS, "loop");
  gint64 delay = -1;

  g_assert_true (decide (f, 0, 0, network, NULL, FALSE, &delay));
  g_assert_cmpint (delay, ==, 500000);
  g_assert_true (decide (f, 1, 0, timed_out, NULL, FALSE, &delay));
  g_assert_cmpint (delay, ==, 1000000);
  g_assert_true (decide (f, 0, 0, refused, NULL, FALSE, &delay));
  g_assert_true (decide (f, 0, 0, resolver, NULL, FALSE, &delay));

  g_assert_false (decide (f, 0, 0, cancelled, NULL, FALSE, &delay));
  g_assert_false (decide (f, 0, 0, protocol, NULL, FALSE, &delay));
  g_assert_false (decide (f, 0, 0, auth, NULL, FALSE, &delay));
  g_assert_false (decide (f, 0, 0, redirects, NULL, FALSE, &delay));
  g_assert_false (decide (f, 0, 0, NULL, NULL, FALSE, &delay));
}

static void
test_retry_after_ms_first (Fixture       *f,
                           gconstpointer  data)
{
  gint64 delay = -1;

  soup_message_headers_replace (f->headers, "retry-after-ms", "1500");
  soup_message_headers_replace (f->headers, "Retry-After", "10");
  g_assert_true (decide (f, 0, 429, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 1500000);
  /* A server-chosen wait is honoured exactly: no jitter drawn. */
  g_assert_cmpuint (f->random_calls, ==, 0);

  soup_message_headers_replace (f->headers, "retry-after-ms", "250.5");
  g_assert_true (decide (f, 0, 429, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 250500);

  /* Unusable milliseconds fall back to Retry-After. */
  soup_message_headers_replace (f->headers, "retry-after-ms", "soon");
  g_assert_true (decide (f, 0, 429, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 10 * G_USEC_PER_SEC);

  soup_message_headers_replace (f->headers, "retry-after-ms", "-5");
  g_assert_true (decide (f, 0, 429, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 10 * G_USEC_PER_SEC);
}

static void
test_retry_after_seconds (Fixture       *f,
                          gconstpointer  data)
{
  gint64 delay = -1;

  soup_message_headers_replace (f->headers, "Retry-After", "3");
  g_assert_true (decide (f, 1, 503, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 3 * G_USEC_PER_SEC);

  soup_message_headers_replace (f->headers, "Retry-After", " 1.25 ");
  g_assert_true (decide (f, 0, 503, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 1250000);

  /* The cap is inclusive… */
  soup_message_headers_replace (f->headers, "Retry-After", "60");
  g_assert_true (decide (f, 0, 429, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 60 * G_USEC_PER_SEC);

  /* …and beyond it we give up and report how long the server wants. */
  soup_message_headers_replace (f->headers, "Retry-After", "61");
  g_assert_false (decide (f, 0, 429, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 61 * G_USEC_PER_SEC);

  soup_message_headers_replace (f->headers, "Retry-After", "86400");
  g_assert_false (decide (f, 0, 429, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC);

  /* Zero, garbage, hex and infinity are not waits: plain backoff. */
  soup_message_headers_replace (f->headers, "Retry-After", "0");
  g_assert_true (decide (f, 0, 429, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 500000);
  soup_message_headers_replace (f->headers, "Retry-After", "later");
  g_assert_true (decide (f, 1, 429, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 1000000);
  soup_message_headers_replace (f->headers, "Retry-After", "0x10");
  g_assert_true (decide (f, 0, 429, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 500000);
  soup_message_headers_replace (f->headers, "Retry-After", "inf");
  g_assert_true (decide (f, 0, 429, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 500000);
  soup_message_headers_replace (f->headers, "Retry-After", "1e400");
  g_assert_true (decide (f, 0, 429, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 500000);
  soup_message_headers_replace (f->headers, "Retry-After", "99999999999999999999999");
  g_assert_false (decide (f, 0, 429, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, >, 60 * G_USEC_PER_SEC);
}

static void
test_retry_after_http_date (Fixture       *f,
                            gconstpointer  data)
{
  gint64 delay = -1;

  soup_message_headers_replace (f->headers, "Retry-After", "Wed, 01 Jan 2025 00:00:30 GMT");
  g_assert_true (decide (f, 0, 503, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 30 * G_USEC_PER_SEC);

  /* The injected clock is what the date is measured against. */
  f->now_us = NOW_US + 20 * G_USEC_PER_SEC + 250000;
  g_assert_true (decide (f, 0, 503, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 9750000);

  /* RFC 850 format, one minute exactly. */
  f->now_us = NOW_US;
  soup_message_headers_replace (f->headers, "Retry-After", "Wednesday, 01-Jan-25 00:01:00 GMT");
  g_assert_true (decide (f, 0, 503, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 60 * G_USEC_PER_SEC);

  soup_message_headers_replace (f->headers, "Retry-After", "Wed, 01 Jan 2025 00:02:00 GMT");
  g_assert_false (decide (f, 0, 503, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 120 * G_USEC_PER_SEC);

  /* A date in the past means "now": ordinary backoff. */
  soup_message_headers_replace (f->headers, "Retry-After", "Tue, 31 Dec 2024 23:59:00 GMT");
  g_assert_true (decide (f, 1, 503, NULL, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 1000000);
}

static void
test_retry_after_from_error (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) rate = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_RATE_LIMITED, "slow down");
  gint64 delay = -1;

  cfai_error_set_http_status (rate, 429);
  cfai_error_set_retry_after_us (rate, 4 * G_USEC_PER_SEC);
  g_assert_true (decide (f, 0, 0, rate, NULL, FALSE, &delay));
  g_assert_cmpint (delay, ==, 4 * G_USEC_PER_SEC);

  /* Fresh headers win over what the error remembered. */
  soup_message_headers_replace (f->headers, "Retry-After", "2");
  g_assert_true (decide (f, 0, 0, rate, f->headers, FALSE, &delay));
  g_assert_cmpint (delay, ==, 2 * G_USEC_PER_SEC);

  cfai_error_set_retry_after_us (rate, 90 * G_USEC_PER_SEC);
  g_assert_false (decide (f, 0, 0, rate, NULL, FALSE, &delay));
  g_assert_cmpint (delay, ==, 90 * G_USEC_PER_SEC);
}

static void
test_parse_retry_after (void)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  gint64 delay = 42;

  g_assert_false (cfai_retry_policy_parse_retry_after (NULL, NOW_US, &delay));
  g_assert_cmpint (delay, ==, 0);
  g_assert_false (cfai_retry_policy_parse_retry_after (headers, NOW_US, &delay));

  soup_message_headers_replace (headers, "Retry-After", "Wed, 01 Jan 2025 00:00:00 GMT");
  g_assert_true (cfai_retry_policy_parse_retry_after (headers, NOW_US + 5, &delay));
  g_assert_cmpint (delay, ==, -5);

  soup_message_headers_replace (headers, "Retry-After", "");
  g_assert_false (cfai_retry_policy_parse_retry_after (headers, NOW_US, &delay));
  soup_message_headers_replace (headers, "Retry-After", ".");
  g_assert_false (cfai_retry_policy_parse_retry_after (headers, NOW_US, &delay));
  soup_message_headers_replace (headers, "Retry-After", "1.2.3");
  g_assert_false (cfai_retry_policy_parse_retry_after (headers, NOW_US, &delay));
  soup_message_headers_replace (headers, "Retry-After", "5 s");
  g_assert_false (cfai_retry_policy_parse_retry_after (headers, NOW_US, &delay));
}

static void
test_copy_and_defaults (void)
{
  g_autoptr(CfaiRetryPolicy) policy = cfai_retry_policy_new ();
  g_autoptr(CfaiRetryPolicy) copy = NULL;
  gint64 delay = -1;

  g_assert_true (G_TYPE_IS_BOXED (CFAI_TYPE_RETRY_POLICY));

  cfai_retry_policy_set_max_retries (policy, 7);
  copy = cfai_retry_policy_copy (policy);
  g_assert_cmpuint (cfai_retry_policy_get_max_retries (copy), ==, 7);

  /* The real random source stays inside the documented band. */
  for (guint i = 0; i < 200; i++)
    {
      g_assert_true (cfai_retry_policy_next_delay (copy, 1, 502, NULL, NULL, FALSE, &delay));
      g_assert_cmpint (delay, >, 750000);
      g_assert_cmpint (delay, <=, 1000000);
    }

  /* Resetting to the defaults is allowed. */
  cfai_retry_policy_set_random (copy, NULL, NULL);
  cfai_retry_policy_set_clock (copy, NULL, NULL);
  g_assert_true (cfai_retry_policy_next_delay (copy, 0, 502, NULL, NULL, FALSE, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  cfai_test_isolate_home ("cfai-test-retry-policy");

#define ADD(path, func) \
  g_test_add ("/retry-policy/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("exact-backoff", test_exact_backoff);
  ADD ("attempt-limit", test_attempt_limit);
  ADD ("statuses", test_statuses);
  ADD ("daily-limit-never-retried", test_daily_limit_never_retried);
  ADD ("delivered-data-never-retried", test_delivered_data_never_retried);
  ADD ("transport-errors", test_transport_errors);
  ADD ("retry-after-ms-first", test_retry_after_ms_first);
  ADD ("retry-after-seconds", test_retry_after_seconds);
  ADD ("retry-after-http-date", test_retry_after_http_date);
  ADD ("retry-after-from-error", test_retry_after_from_error);

#undef ADD

  g_test_add_func ("/retry-policy/parse-retry-after", test_parse_retry_after);
  g_test_add_func ("/retry-policy/copy-and-defaults", test_copy_and_defaults);

  return g_test_run ();
}
