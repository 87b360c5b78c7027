/* fuzz-stream-decoder.c — libFuzzer target for CfaiStreamDecoder
 *
 * Three uses of each input:
 *  1. as the data of one event;
 *  2. as a stream, one event per line, through one decoder;
 *  3. as answer text: sent whole in one event, and again cut into pieces
 *     (sizes taken from the input) alternating between the native and
 *     the chat-completions format.  Both must give the same text and
 *     reasoning, however the <think> tags fall across the pieces, once
 *     text found to be reasoning (a lone </think>) has been moved as a
 *     listener moves it.
 *
 * However a stream goes, the decoder reclassifies its text once at most.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "cfai-error.h"
#include "cfai-stream-decoder.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_delta (const CfaiStreamDelta *delta,
             const GError          *error)
{
  if (delta == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == CFAI_ERROR);
      g_assert_true (error->code == CFAI_ERROR_PROTOCOL || error->code == CFAI_ERROR_SERVER);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return;
    }

  g_assert_null (error);
  g_assert_cmpuint (strlen (delta->text), ==, delta->text_len);
  g_assert_cmpuint (strlen (delta->reasoning), ==, delta->reasoning_len);
  g_assert_true (delta->usage_kind == CFAI_USAGE_NONE ||
                 delta->usage_kind == CFAI_USAGE_INCREMENTAL ||
                 delta->usage_kind == CFAI_USAGE_CUMULATIVE);
}

/* Returns how many times the stream's text was reclassified: 0 or 1. */
static guint
decode_checked (CfaiStreamDecoder *decoder,
                const char        *event,
                gsize              len,
                GString           *text,
                GString           *reasoning)
{
  g_autoptr(GError) error = NULL;
  const CfaiStreamDelta *delta = cfai_stream_decoder_decode (decoder, event, len, &error);

  check_delta (delta, error);
  if (delta == NULL)
    return 0;

  if (text != NULL)
    {
      if (delta->text_was_reasoning)
        {
          g_string_append_len (reasoning, text->str, text->len);
          g_string_truncate (text, 0);
        }
      g_string_append_len (text, delta->text, delta->text_len);
      g_string_append_len (reasoning, delta->reasoning, delta->reasoning_len);
    }

  return delta->text_was_reasoning ? 1 : 0;
}

static char *
make_event (const char *text,
            gsize       len,
            gboolean    chat)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *piece = g_strndup (text, len);
  g_autofree char *quoted = NULL;

  json_node_set_string (node, piece);
  quoted = json_to_string (node, FALSE);
  if (chat)
    return g_strdup_printf ("{\"choices\":[{\"delta\":{\"content\":%s}}],\"p\":\"<think>\"}",
                            quoted);
  return g_strdup_printf ("{\"response\":%s,\"p\":\"</think>\"}", quoted);
}

static void
decode_text (const char    *text,
             gsize          len,
             const uint8_t *cuts,
             gsize          n_cuts,
             GString       *out_text,
             GString       *out_reasoning)
{
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  gsize pos = 0;
  guint n = 0;
  guint n_reclassified = 0;

  while (pos < len)
    {
      gsize end = n_cuts > 0 ? pos + 1 + cuts[n % n_cuts] % 12 : len;
      g_autofree char *event = NULL;

      /* JSON strings hold whole characters. */
      end = MIN (end, len);
      while (end < len && ((guchar) text[end] & 0xC0) == 0x80)
        end++;

      event = make_event (text + pos, end - pos, n % 2 == 1);
      n_reclassified += decode_checked (decoder, event, strlen (event), out_text, out_reasoning);
      pos = end;
      n++;
    }

  n_reclassified += decode_checked (decoder, "[DONE]", 6, out_text, out_reasoning);
  g_assert_cmpuint (n_reclassified, <=, 1);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *input = (const char *) data;
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) whole_text = g_string_new (NULL);
  g_autoptr(GString) whole_reasoning = g_string_new (NULL);
  g_autoptr(GString) cut_text = g_string_new (NULL);
  g_autoptr(GString) cut_reasoning = g_string_new (NULL);
  g_autofree char *valid = NULL;
  const CfaiStreamDelta *delta;
  CfaiUsage usage;
  const char *p;
  const char *end = input + size;
  guint n_reclassified = 0;

  decode_checked (decoder, input, size, NULL, NULL);

  cfai_stream_decoder_reset (decoder);
  for (p = input; p < end; )
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl : end;

      n_reclassified += decode_checked (decoder, p, line_end - p, NULL, NULL);
      p = line_end + 1;
    }
  delta = cfai_stream_decoder_finish (decoder);
  check_delta (delta, NULL);
  g_assert_false (delta->text_was_reasoning);
  g_assert_cmpuint (n_reclassified, <=, 1);
  if (cfai_stream_decoder_get_usage (decoder, &usage) != CFAI_USAGE_NONE)
    g_assert_cmpint (usage.cached_tokens, >=, -1);

  /* json-glib stops a string at U+0000, so the text must not hold one. */
  g_string_append_len (text, input, size);
  for (gsize i = 0; i < text->len; i++)
    if (text->str[i] == '\0')
      text->str[i] = ' ';
  valid = g_utf8_make_valid (text->str, text->len);
  g_string_assign (text, valid);

  decode_text (text->str, text->len, NULL, 0, whole_text, whole_reasoning);
  decode_text (text->str, text->len, data, size, cut_text, cut_reasoning);
  g_assert_cmpstr (cut_text->str, ==, whole_text->str);
  g_assert_cmpstr (cut_reasoning->str, ==, whole_reasoning->str);

  return 0;
}
