/* fuzz-sse-parser.c — libFuzzer target for CfaiSseParser
 *
 * The first input byte steers the run: where the rest is split in two,
 * whether a small size limit applies, and whether the event callback fails
 * part way.  The rest is fed whole, split in two, and one byte at a time;
 * all three must give exactly the same events, retries, last event ID and
 * error, since chunking is invisible to the spec.  The parser is then
 * reset and fed again, which must repeat the first result.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "cfai-error.h"
#include "cfai-sse-parser.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct
{
  GString *log;
  gsize    max_size;
  guint    n_events;
  guint    fail_at;      /* 0: never */
} Run;

static gboolean
log_event (CfaiSseParser       *parser,
           const CfaiSseEvent  *event,
           gpointer             user_data,
           GError             **error)
{
  Run *run = user_data;

  g_assert_nonnull (event->type);
  g_assert_cmpuint (event->type_len, >, 0);
  g_assert_true (event->type[event->type_len] == '\0');
  g_assert_true (event->data != NULL || event->data_len == 0);
  g_assert_cmpuint (event->data_len, <=, run->max_size);
  g_assert_cmpint (event->retry, >=, -1);

  g_string_append_printf (run->log, "event %" G_GSIZE_FORMAT ":", event->type_len);
  g_string_append_len (run->log, event->type, event->type_len);
  g_string_append_printf (run->log, " data %" G_GSIZE_FORMAT ":", event->data_len);
  g_string_append_len (run->log, event->data, event->data_len);
  if (event->last_event_id != NULL)
    g_string_append_printf (run->log, " id \"%s\"", event->last_event_id);
  g_string_append_printf (run->log, " retry %" G_GINT64_FORMAT "\n", event->retry);

  if (++run->n_events == run->fail_at)
    {
      g_set_error_literal (error, CFAI_ERROR, CFAI_ERROR_FAILED, "stopped by the fuzzer");
      return FALSE;
    }

  return TRUE;
}

static void
log_retry (CfaiSseParser *parser,
           guint64        retry_ms,
           gpointer       user_data)
{
  Run *run = user_data;

  g_assert_cmpuint (retry_ms, <=, G_MAXINT64);
  g_string_append_printf (run->log, "retry %" G_GUINT64_FORMAT "\n", retry_ms);
}

/* Feeds @pieces (offset/length pairs) and returns the log of what came
 * out; it holds event data verbatim, NULs included. */
static GString *
run_pieces (CfaiSseParser *parser,
            Run           *run,
            const char    *input,
            const gsize   *pieces,
            guint          n_pieces)
{
  g_autoptr(GError) error = NULL;
  const char *last_id;

  run->log = g_string_new (NULL);
  run->n_events = 0;
  cfai_sse_parser_set_callbacks (parser, log_event, log_retry, run);

  for (guint i = 0; i < n_pieces; i++)
    {
      /* A private copy, so reading past a chunk's end is caught. */
      g_autofree char *piece = g_memdup2 (input + pieces[2 * i], pieces[2 * i + 1]);

      if (!cfai_sse_parser_feed (parser, piece, pieces[2 * i + 1], &error))
        break;
    }

  if (error == NULL)
    {
      last_id = cfai_sse_parser_get_last_event_id (parser);
      g_string_append_printf (run->log, "last id %s\n", last_id ? last_id : "(none)");
      cfai_sse_parser_finish (parser, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (cfai_sse_parser_get_last_event_id (parser), ==, last_id);
    }
  else
    {
      GError *again = NULL;

      g_assert_true (error->domain == CFAI_ERROR);
      g_string_append_printf (run->log, "error %d %s\n", error->code, error->message);

      /* The failure is sticky. */
      g_assert_false (cfai_sse_parser_feed (parser, "\n\n", 2, &again));
      g_assert_cmpstr (again->message, ==, error->message);
      g_clear_error (&again);
      g_assert_false (cfai_sse_parser_finish (parser, &again));
      g_clear_error (&again);
    }

  cfai_sse_parser_reset (parser);
  return g_steal_pointer (&run->log);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *input;
  gsize len;
  gsize split;
  guint8 control;
  Run run = { NULL, 0, 0, 0 };
  g_autoptr(CfaiSseParser) parser = NULL;
  g_autoptr(GString) whole = NULL;
  g_autoptr(GString) halves = NULL;
  g_autoptr(GString) bytewise = NULL;
  g_autoptr(GString) again = NULL;
  g_autofree gsize *bytes = NULL;
  gsize pieces[4];

  if (size < 1)
    return 0;

  control = data[0];
  input = (const char *) data + 1;
  len = size - 1;
  split = len * control / 255;

  /* Half the runs use a limit small enough for inputs to reach it. */
  run.max_size = (control & 0x80) ? 1 + (control & 0x3F) : CFAI_SSE_PARSER_DEFAULT_MAX_SIZE;
  run.fail_at = (control & 0x40) ? 1 + (control & 0x07) : 0;
  parser = cfai_sse_parser_new (run.max_size);

  pieces[0] = 0;
  pieces[1] = len;
  whole = run_pieces (parser, &run, input, pieces, 1);

  pieces[1] = split;
  pieces[2] = split;
  pieces[3] = len - split;
  halves = run_pieces (parser, &run, input, pieces, 2);

  bytes = g_new (gsize, 2 * MAX (len, 1));
  for (gsize i = 0; i < len; i++)
    {
      bytes[2 * i] = i;
      bytes[2 * i + 1] = 1;
    }
  bytewise = run_pieces (parser, &run, input, bytes, len);

  pieces[0] = 0;
  pieces[1] = len;
  again = run_pieces (parser, &run, input, pieces, 1);

  g_assert_true (g_string_equal (halves, whole));
  g_assert_true (g_string_equal (bytewise, whole));
  g_assert_true (g_string_equal (again, whole));

  return 0;
}
