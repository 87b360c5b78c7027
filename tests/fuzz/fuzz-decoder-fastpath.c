/* fuzz-decoder-fastpath.c — the decoder's fast path against json-glib
 *
 * CfaiStreamDecoder reads the commonest native events with its own small
 * scanner and leaves everything else to json-glib.  That must change
 * nothing but speed, so every input here goes through two decoders, one
 * with the fast path and one without, and every delta, error, the usage
 * totals and the text released at the end must be the same.  Each input
 * is used:
 *  1. as the data of one event;
 *  2. as a stream, one event per line, through one pair of decoders, so
 *     the <think> state and held-back text carry across events whichever
 *     path read them;
 *  3. as the raw bytes between the quotes of "response" and of "p" in the
 *     hot shape, which puts the fuzzer straight onto the string scanner.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "cfai-error.h"
#include "cfai-stream-decoder-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct
{
  CfaiStreamDecoder *fast;
  CfaiStreamDecoder *slow;
} Pair;

static void
pair_init (Pair *pair)
{
  pair->fast = cfai_stream_decoder_new ();
  pair->slow = cfai_stream_decoder_new ();
  cfai_stream_decoder_set_fast_path (pair->slow, FALSE);
}

static void
pair_clear (Pair *pair)
{
  g_clear_pointer (&pair->fast, cfai_stream_decoder_free);
  g_clear_pointer (&pair->slow, cfai_stream_decoder_free);
}

static void
assert_usage_equal (CfaiUsageKind    fast_kind,
                    const CfaiUsage *fast,
                    CfaiUsageKind    slow_kind,
                    const CfaiUsage *slow)
{
  g_assert_cmpint (fast_kind, ==, slow_kind);
  if (slow_kind == CFAI_USAGE_NONE)
    return;

  g_assert_cmpint (fast->prompt_tokens, ==, slow->prompt_tokens);
  g_assert_cmpint (fast->completion_tokens, ==, slow->completion_tokens);
  g_assert_cmpint (fast->total_tokens, ==, slow->total_tokens);
  g_assert_cmpint (fast->cached_tokens, ==, slow->cached_tokens);
}

static void
assert_deltas_equal (const CfaiStreamDelta *fast,
                     const GError          *fast_error,
                     const CfaiStreamDelta *slow,
                     const GError          *slow_error)
{
  if (slow == NULL)
    {
      g_assert_null (fast);
      g_assert_nonnull (slow_error);
      g_assert_nonnull (fast_error);
      g_assert_true (fast_error->domain == slow_error->domain);
      g_assert_cmpint (fast_error->code, ==, slow_error->code);
      g_assert_cmpstr (fast_error->message, ==, slow_error->message);
      return;
    }

  g_assert_nonnull (fast);
  g_assert_null (fast_error);
  g_assert_null (slow_error);
  g_assert_cmpmem (fast->text, fast->text_len, slow->text, slow->text_len);
  g_assert_cmpmem (fast->reasoning, fast->reasoning_len, slow->reasoning, slow->reasoning_len);
  g_assert_cmpstr (fast->finish_reason, ==, slow->finish_reason);
  assert_usage_equal (fast->usage_kind, &fast->usage, slow->usage_kind, &slow->usage);
  g_assert_cmpint (fast->done, ==, slow->done);
  g_assert_cmpint (fast->text_was_reasoning, ==, slow->text_was_reasoning);
}

static void
decode_both (Pair       *pair,
             const char *event,
             gsize       len)
{
  g_autoptr(GError) fast_error = NULL;
  g_autoptr(GError) slow_error = NULL;
  const CfaiStreamDelta *fast;
  const CfaiStreamDelta *slow;

  fast = cfai_stream_decoder_decode (pair->fast, event, len, &fast_error);
  slow = cfai_stream_decoder_decode (pair->slow, event, len, &slow_error);
  assert_deltas_equal (fast, fast_error, slow, slow_error);
}

static void
finish_both (Pair *pair)
{
  CfaiUsage fast_usage = { 0, };
  CfaiUsage slow_usage = { 0, };
  CfaiUsageKind fast_kind;
  CfaiUsageKind slow_kind;

  assert_deltas_equal (cfai_stream_decoder_finish (pair->fast), NULL,
                       cfai_stream_decoder_finish (pair->slow), NULL);

  fast_kind = cfai_stream_decoder_get_usage (pair->fast, &fast_usage);
  slow_kind = cfai_stream_decoder_get_usage (pair->slow, &slow_usage);
  assert_usage_equal (fast_kind, &fast_usage, slow_kind, &slow_usage);
}

static void
decode_wrapped (Pair       *pair,
                GString    *event,
                const char *before,
                const char *input,
                gsize       size,
                const char *after)
{
  g_string_assign (event, before);
  g_string_append_len (event, input, size);
  g_string_append (event, after);
  decode_both (pair, event->str, event->len);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *input = (const char *) data;
  const char *end = input + size;
  g_autoptr(GString) event = g_string_new (NULL);
  Pair pair;

  pair_init (&pair);
  decode_both (&pair, input, size);
  pair_clear (&pair);

  pair_init (&pair);
  for (const char *p = input; p < end; )
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl : end;

      decode_both (&pair, p, line_end - p);
      p = line_end + 1;
    }
  finish_both (&pair);
  pair_clear (&pair);

  pair_init (&pair);
  decode_wrapped (&pair, event, "{\"response\":\"", input, size, "\",\"p\":\"abc\"}");
  decode_wrapped (&pair, event, "{\"p\":\"", input, size, "\",\"response\":\"<\"}");
  decode_wrapped (&pair, event, "{\"response\":\"", input, size, "\"}");
  finish_both (&pair);
  pair_clear (&pair);

  return 0;
}
