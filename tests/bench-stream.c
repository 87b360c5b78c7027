/* bench-stream.c — how fast a Workers AI answer stream is framed and decoded
 *
 * Builds, in memory and from a fixed seed, a native Workers AI stream
 * shaped like a recorded one (one token per event, random "p" padding, a
 * final usage event and [DONE]), feeds it in 4 KiB chunks the way the
 * network delivers it, and reports the best of several runs for:
 *
 *   - SSE framing alone;
 *   - framing plus JSON decoding into deltas, the whole hot path;
 *   - json-glib loading the same payloads with nothing else, the floor
 *     under the decoder.
 *
 * Tokens arrive tens of milliseconds apart, so what matters is that the
 * hot path stays a few microseconds an event, far below that.
 *
 * The decoded text is compared with the generated text, so a bench that
 * silently decoded nothing fails instead of looking fast.
 * CFAI_BENCH_EVENTS overrides the number of token events (default 200000).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "cfai-sse-parser.h"
#include "cfai-stream-decoder.h"

#define DEFAULT_EVENTS 200000
#define CHUNK_SIZE     4096
#define SEED           20250301
#define RUNS           9
#define FRAMING_REPEATS 5

/* Tokens as a chat model emits them: word pieces with their leading space,
 * punctuation, Markdown, code with quotes and backslashes, and text in
 * other scripts and emoji. */
static const char * const tokens[] = {
  " the", " of", " and", " to", " a", " in", " is", " that", " for", " it",
  " model", " Workers", " AI", " stream", " token", " answer", " you", " can",
  "ing", "ed", "ly", "s", "'s", " don't", " It's", ",", ".", ":", ";", "!", "?",
  "\n", "\n\n", "\n- ", " **", "**", " `", "`", "```", "c\n", "#include", " <stdio.h>",
  " {", " }", "\n  ", " return", " 0", ";\n", " \"hello\"", " \"C:\\\\Users\\\\me\"",
  " printf", "(\"%d\\n\",", " x", ");", "\t", " =", " ==", " <", ">", " &&", " //",
  " 1", "2", "3", ".5", " 2025", " —", " …", " “quoted”", " café", " naïve",
  " résumé", " Straße", " 中文", "的", " 日本語", " 한국어", " Привет", " μ", " π",
  " €", " ½", " 👋", " 🚀", "✨", " ✓", " →", " x²",
};

typedef struct
{
  GString *stream;         /* the wire bytes */
  GString *text;           /* what the tokens say, unescaped */
  GArray  *payloads;       /* (offset, length) of every event's data, for the json-glib floor */
  guint    n_events;
} Stream;

static void
append_json_string (GString    *out,
                    const char *s,
                    gboolean    escape_non_ascii)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else if (c > 0x7F && escape_non_ascii)
        {
          if (c > 0xFFFF)
            g_string_append_printf (out, "\\u%04x\\u%04x",
                                    0xD800 + ((c - 0x10000) >> 10),
                                    0xDC00 + ((c - 0x10000) & 0x3FF));
          else
            g_string_append_printf (out, "\\u%04x", c);
        }
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  g_string_append_c (out, '"');
}

static void
add_event (Stream     *s,
           const char *json)
{
  gsize payload[2];

  g_string_append (s->stream, "data: ");
  payload[0] = s->stream->len;
  payload[1] = strlen (json);
  g_array_append_vals (s->payloads, payload, 2);
  g_string_append (s->stream, json);
  g_string_append (s->stream, "\n\n");
  s->n_events++;
}

static void
build_stream (Stream *s,
              guint   n_tokens)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  g_autoptr(GString) json = g_string_new (NULL);

  s->stream = g_string_sized_new ((gsize) n_tokens * 72);
  s->text = g_string_sized_new ((gsize) n_tokens * 5);
  s->payloads = g_array_new (FALSE, FALSE, sizeof (gsize));
  s->n_events = 0;

  for (guint i = 0; i < n_tokens; i++)
    {
      const char *token = tokens[g_rand_int_range (rand, 0, G_N_ELEMENTS (tokens))];
      int padding = g_rand_int_range (rand, 1, 48);

      g_string_assign (json, "{\"response\":");
      /* Servers differ in escaping non-ASCII text; have both. */
      append_json_string (json, token, g_rand_int_range (rand, 0, 8) == 0);
      g_string_append (json, ",\"p\":\"");
      for (int j = 0; j < padding; j++)
        g_string_append_c (json, alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)]);
      g_string_append (json, "\"}");

      add_event (s, json->str);
      g_string_append (s->text, token);
    }

  g_string_printf (json, "{\"response\":\"\",\"usage\":{\"prompt_tokens\":169,"
                         "\"completion_tokens\":%u,\"total_tokens\":%u}}",
                   n_tokens, n_tokens + 169);
  add_event (s, json->str);
  add_event (s, "[DONE]");
}

static void
stream_clear (Stream *s)
{
  g_string_free (s->stream, TRUE);
  g_string_free (s->text, TRUE);
  g_array_unref (s->payloads);
}

/* Framing alone: touch the data so the work cannot be skipped. */
typedef struct
{
  guint  n_events;
  gsize  n_bytes;
} Count;

static gboolean
count_event (CfaiSseParser       *parser,
             const CfaiSseEvent  *event,
             gpointer             user_data,
             GError             **error)
{
  Count *count = user_data;

  count->n_events++;
  count->n_bytes += event->data_len;
  return TRUE;
}

typedef struct
{
  CfaiStreamDecoder *decoder;
  GString           *text;
  gboolean           done;
} Decode;

static gboolean
decode_event (CfaiSseParser       *parser,
              const CfaiSseEvent  *event,
              gpointer             user_data,
              GError             **error)
{
  Decode *decode = user_data;
  const CfaiStreamDelta *delta;

  delta = cfai_stream_decoder_decode (decode->decoder, event->data, event->data_len, error);
  if (delta == NULL)
    return FALSE;

  g_string_append_len (decode->text, delta->text, delta->text_len);
  decode->done |= delta->done;
  return TRUE;
}

static double
feed_stream (CfaiSseParser *parser,
             const Stream  *s)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  for (gsize off = 0; off < s->stream->len; off += CHUNK_SIZE)
    if (!cfai_sse_parser_feed (parser, s->stream->str + off,
                               MIN (CHUNK_SIZE, s->stream->len - off), &error))
      g_error ("feeding the stream failed: %s", error->message);

  if (!cfai_sse_parser_finish (parser, &error))
    g_error ("finishing the stream failed: %s", error->message);

  return (g_get_monotonic_time () - start) / 1e6;
}

/* Framing and decoding; checked every run, so that a fast wrong run
 * cannot become the best. */
static double
decode_stream (CfaiSseParser     *parser,
               CfaiStreamDecoder *decoder,
               const Stream      *s,
               GString           *text)
{
  Decode decode = { decoder, text, FALSE };
  CfaiUsage usage;
  double seconds;

  g_string_truncate (text, 0);
  cfai_stream_decoder_reset (decoder);
  cfai_sse_parser_reset (parser);
  cfai_sse_parser_set_callbacks (parser, decode_event, NULL, &decode);
  seconds = feed_stream (parser, s);

  if (!decode.done)
    g_error ("the decoder never saw [DONE]");
  if (!g_string_equal (text, s->text))
    g_error ("decoded text (%" G_GSIZE_FORMAT " bytes) differs from the generated text "
             "(%" G_GSIZE_FORMAT " bytes)", text->len, s->text->len);
  if (cfai_stream_decoder_get_usage (decoder, &usage) != CFAI_USAGE_CUMULATIVE ||
      usage.completion_tokens != s->n_events - 2)
    g_error ("the final usage was not decoded");

  return seconds;
}

static guint
get_n_tokens (void)
{
  const char *env = g_getenv ("CFAI_BENCH_EVENTS");
  guint64 n;

  if (env == NULL)
    return DEFAULT_EVENTS;

  if (!g_ascii_string_to_unsigned (env, 10, 1, G_MAXUINT32 / 2, &n, NULL))
    {
      g_printerr ("bench-stream: CFAI_BENCH_EVENTS must be a positive number, not “%s”\n", env);
      exit (2);
    }

  return n;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(CfaiSseParser) parser = cfai_sse_parser_new (0);
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  g_autoptr(JsonParser) json = json_parser_new_immutable ();
  g_autoptr(GString) text = NULL;
  double best_framing = G_MAXDOUBLE;
  double best_decode = G_MAXDOUBLE;
  double best_json = G_MAXDOUBLE;
  double seconds;
  double mb;
  Stream s;

  setlocale (LC_ALL, "");

  /* The same settings as the decoder's parser, for a fair floor. */
  json_parser_set_strict (json, TRUE);
  build_stream (&s, get_n_tokens ());
  mb = s.stream->len / 1e6;
  text = g_string_sized_new (s.text->len + 1);

  /* The measurements take turns, so that a noisy neighbour on a
   * shared machine slows all of them alike rather than one. */
  for (guint run = 0; run < RUNS; run++)
    {
      gint64 start;

      for (guint i = 0; i < FRAMING_REPEATS; i++)
        {
          Count count = { 0, 0 };

          cfai_sse_parser_reset (parser);
          cfai_sse_parser_set_callbacks (parser, count_event, NULL, &count);
          seconds = feed_stream (parser, &s);
          best_framing = MIN (best_framing, seconds);

          if (count.n_events != s.n_events)
            g_error ("framing found %u events, the stream has %u", count.n_events, s.n_events);
        }

      seconds = decode_stream (parser, decoder, &s, text);
      best_decode = MIN (best_decode, seconds);

      start = g_get_monotonic_time ();
      for (guint i = 0; i < s.payloads->len; i += 2)
        {
          gsize off = g_array_index (s.payloads, gsize, i);
          gsize len = g_array_index (s.payloads, gsize, i + 1);

          /* [DONE] is not JSON; the decoder does not parse it either. */
          if (len == strlen ("[DONE]") && memcmp (s.stream->str + off, "[DONE]", len) == 0)
            continue;
          if (!json_parser_load_from_data (json, s.stream->str + off, len, NULL))
            g_error ("event %u is not JSON", i / 2);
        }
      seconds = (g_get_monotonic_time () - start) / 1e6;
      best_json = MIN (best_json, seconds);
    }

  g_print ("bench-stream: %u events, %.1f MB native stream, %d-byte chunks, best of %d runs\n",
           s.n_events, mb, CHUNK_SIZE, RUNS);
  g_print ("  SSE framing:            %7.0f MB/s  %6.1f M events/s\n",
           mb / best_framing, s.n_events / best_framing / 1e6);
  g_print ("  framing + JSON decode:  %7.3f µs/event  %5.1f MB/s\n",
           best_decode * 1e6 / s.n_events, mb / best_decode);
  g_print ("  json-glib load alone:   %7.3f µs/event\n",
           best_json * 1e6 / s.n_events);
  g_print ("  decoded text matches the generated text (%" G_GSIZE_FORMAT " bytes)\n",
           s.text->len);

  stream_clear (&s);
  return 0;
}
