/* test-sse-parser.c — CfaiSseParser against the SSE conformance vectors
 *
 * Every case of conformance/sse/vectors.json is fed whole, in its recorded
 * chunks, split in two at every position and one byte at a time; the
 * events, the retry values and the last event ID must match each time.
 * The vectors are tests/data/sse/vectors.json (or the file named by argv[1]).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "cfai-error.h"
#include "cfai-sse-parser.h"
#include "cfai-test-home.h"

/* json-glib cuts strings at an embedded NUL, and some expected data holds
 * U+0000.  Before parsing, the \u0000 escapes are rewritten to this
 * noncharacter, which is turned back into NUL afterwards; load_vectors()
 * checks the file does not use it for anything else. */
#define NUL_STANDIN_ESCAPE "\\uFDD0"
#define NUL_STANDIN_UTF8   "\xEF\xB7\x90"

typedef struct
{
  GBytes *type;
  GBytes *data;
  char   *id;              /* NULL: no id ever set */
  gint64  retry;           /* -1: none in the block */
} Event;

typedef struct
{
  char      *name;
  GBytes    *input;
  GPtrArray *chunks;       /* of GBytes, or NULL when the case gives none */
  GPtrArray *events;       /* of Event */
  GArray    *retries;      /* of gint64 */
  char      *last_id;
  gboolean   last_id_set;
} Case;

/* Compares as the parser goes, so that the tens of thousands of runs per
 * case allocate nothing unless something is wrong. */
typedef struct
{
  const Case *expected;
  guint       n_events;
  guint       n_retries;
  char       *mismatch;    /* the first difference found */
} Check;

static GPtrArray *cases;

static void
event_free (gpointer data)
{
  Event *event = data;

  g_bytes_unref (event->type);
  g_bytes_unref (event->data);
  g_free (event->id);
  g_free (event);
}

static void
case_free (gpointer data)
{
  Case *c = data;

  g_free (c->name);
  g_bytes_unref (c->input);
  g_clear_pointer (&c->chunks, g_ptr_array_unref);
  g_ptr_array_unref (c->events);
  g_array_unref (c->retries);
  g_free (c->last_id);
  g_free (c);
}

static GBytes *
bytes_from_json_string (const char *str)
{
  GByteArray *bytes = g_byte_array_new ();

  for (const char *p = str; *p != '\0'; )
    {
      if (strncmp (p, NUL_STANDIN_UTF8, 3) == 0)
        {
          g_byte_array_append (bytes, (const guint8 *) "", 1);
          p += 3;
        }
      else
        {
          g_byte_array_append (bytes, (const guint8 *) p, 1);
          p++;
        }
    }

  return g_byte_array_free_to_bytes (bytes);
}

static GBytes *
bytes_from_base64 (const char *b64)
{
  gsize len;
  guchar *raw = g_base64_decode (b64, &len);

  return g_bytes_new_take (raw, len);
}

static char *
rewrite_nul_escapes (const char *text,
                     gsize       len)
{
  GString *out = g_string_sized_new (len);
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (in_string && c == '\\' && i + 1 < len)
        {
          if (i + 5 < len && memcmp (text + i, "\\u0000", 6) == 0)
            {
              g_string_append (out, NUL_STANDIN_ESCAPE);
              i += 5;
            }
          else
            {
              /* Copy the escape whole so an escaped quote cannot end the string. */
              g_string_append_len (out, text + i, 2);
              i++;
            }
          continue;
        }

      if (c == '"')
        in_string = !in_string;
      g_string_append_c (out, c);
    }

  return g_string_free (out, FALSE);
}

/* The repository carries its own copy (tests/data/sse, see NOTICE.md
 * there); a path on the command line tries another set. */
static char *
find_vectors (int    argc,
              char **argv)
{
  if (argc > 1)
    return g_strdup (argv[1]);

  return g_test_build_filename (G_TEST_DIST, "data", "sse", "vectors.json", NULL);
}

static GPtrArray *
load_vectors (const char  *path,
              GError     **error)
{
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (case_free);
  JsonArray *array;
  gsize len;

  if (!g_file_get_contents (path, &raw, &len, error))
    return NULL;

  if (g_strstr_len (raw, len, NUL_STANDIN_UTF8) != NULL ||
      g_strrstr (raw, "\\ufdd0") != NULL || g_strrstr (raw, "\\uFDD0") != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s uses U+FDD0, which this test reserves to stand in for NUL", path);
      return NULL;
    }

  text = rewrite_nul_escapes (raw, len);
  if (!json_parser_load_from_data (parser, text, -1, error))
    return NULL;

  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      JsonArray *events = json_object_get_array_member (object, "events");
      JsonArray *retries = json_object_get_array_member (object, "retries");
      JsonNode *last_id = json_object_get_member (object, "last_event_id_after");
      Case *c = g_new0 (Case, 1);

      c->name = g_strdup (json_object_get_string_member (object, "name"));
      c->input = bytes_from_base64 (json_object_get_string_member (object, "input_b64"));

      if (json_object_has_member (object, "chunks_b64"))
        {
          JsonArray *chunks = json_object_get_array_member (object, "chunks_b64");

          c->chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
          for (guint j = 0; j < json_array_get_length (chunks); j++)
            g_ptr_array_add (c->chunks,
                             bytes_from_base64 (json_array_get_string_element (chunks, j)));
        }

      c->events = g_ptr_array_new_with_free_func (event_free);
      for (guint j = 0; j < json_array_get_length (events); j++)
        {
          JsonObject *e = json_array_get_object_element (events, j);
          Event *event = g_new0 (Event, 1);

          event->type = bytes_from_json_string (json_object_get_string_member (e, "type"));
          event->data = bytes_from_json_string (json_object_get_string_member (e, "data"));
          event->id = g_strdup (json_object_get_string_member_with_default (e, "id", NULL));
          event->retry = json_object_get_null_member (e, "retry") ?
                         -1 : json_object_get_int_member (e, "retry");
          g_ptr_array_add (c->events, event);
        }

      c->retries = g_array_new (FALSE, FALSE, sizeof (gint64));
      for (guint j = 0; j < json_array_get_length (retries); j++)
        {
          gint64 retry = json_array_get_int_element (retries, j);
          g_array_append_val (c->retries, retry);
        }

      c->last_id_set = !JSON_NODE_HOLDS_NULL (last_id);
      if (c->last_id_set)
        c->last_id = g_strdup (json_node_get_string (last_id));

      g_ptr_array_add (result, c);
    }

  return g_steal_pointer (&result);
}

static gboolean
bytes_equal (GBytes     *bytes,
             const char *data,
             gsize       len)
{
  gsize expected_len;
  const char *expected = g_bytes_get_data (bytes, &expected_len);

  return expected_len == len && (len == 0 || memcmp (expected, data, len) == 0);
}

static char *
describe_bytes (const char *data,
                gsize       len)
{
  g_autofree char *head = g_strndup (data, MIN (len, 60));
  g_autofree char *escaped = g_strescape (head, NULL);

  return g_strdup_printf ("\"%s\"%s (%" G_GSIZE_FORMAT " bytes)",
                          escaped, len > 60 ? "…" : "", len);
}

static gboolean
check_event (CfaiSseParser       *parser,
             const CfaiSseEvent  *event,
             gpointer             user_data,
             GError             **error)
{
  Check *check = user_data;
  const Event *expected;

  if (check->mismatch != NULL)
    return TRUE;

  if (check->n_events >= check->expected->events->len)
    {
      g_autofree char *data = describe_bytes (event->data, event->data_len);
      check->mismatch = g_strdup_printf ("unexpected extra event %u with data %s",
                                         check->n_events, data);
      return TRUE;
    }

  expected = check->expected->events->pdata[check->n_events];

  g_assert_cmpuint (strlen (event->type), <=, event->type_len);
  if (!bytes_equal (expected->type, event->type, event->type_len))
    check->mismatch = g_strdup_printf ("event %u: type \"%s\"", check->n_events, event->type);
  else if (!bytes_equal (expected->data, event->data, event->data_len))
    {
      g_autofree char *got = describe_bytes (event->data, event->data_len);
      gsize len;
      const char *want = g_bytes_get_data (expected->data, &len);
      g_autofree char *wanted = describe_bytes (want, len);

      check->mismatch = g_strdup_printf ("event %u: data %s, expected %s",
                                         check->n_events, got, wanted);
    }
  else if (g_strcmp0 (expected->id, event->last_event_id) != 0)
    check->mismatch = g_strdup_printf ("event %u: id %s%s%s, expected %s%s%s", check->n_events,
                                       event->last_event_id ? "\"" : "",
                                       event->last_event_id ? event->last_event_id : "NULL",
                                       event->last_event_id ? "\"" : "",
                                       expected->id ? "\"" : "",
                                       expected->id ? expected->id : "NULL",
                                       expected->id ? "\"" : "");
  else if (expected->retry != event->retry)
    check->mismatch = g_strdup_printf ("event %u: retry %" G_GINT64_FORMAT
                                       ", expected %" G_GINT64_FORMAT,
                                       check->n_events, event->retry, expected->retry);

  check->n_events++;
  return TRUE;
}

static void
check_retry (CfaiSseParser *parser,
             guint64        retry_ms,
             gpointer       user_data)
{
  Check *check = user_data;
  GArray *retries = check->expected->retries;

  if (check->mismatch != NULL)
    return;

  if (check->n_retries >= retries->len)
    check->mismatch = g_strdup_printf ("unexpected retry %" G_GUINT64_FORMAT, retry_ms);
  else if ((guint64) g_array_index (retries, gint64, check->n_retries) != retry_ms)
    check->mismatch = g_strdup_printf ("retry %u is %" G_GUINT64_FORMAT ", expected %"
                                       G_GINT64_FORMAT, check->n_retries, retry_ms,
                                       g_array_index (retries, gint64, check->n_retries));
  check->n_retries++;
}

typedef enum
{
  FEED_WHOLE,
  FEED_CHUNKS,
  FEED_SPLIT,
  FEED_BYTES,
} FeedMode;

/* Each piece is copied to its own allocation so that AddressSanitizer
 * catches a parser reading past the end of the chunk it was given. */
static void
feed_copy (CfaiSseParser *parser,
           const char    *data,
           gsize          len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = g_memdup2 (data, len);

  g_assert_true (cfai_sse_parser_feed (parser, copy, len, &error));
  g_assert_no_error (error);
}

/* Returns NULL when the run matched, else what differed. */
static char *
run_case (CfaiSseParser *parser,
          const Case    *c,
          FeedMode       mode,
          gsize          split)
{
  g_autoptr(GError) error = NULL;
  Check check = { c, 0, 0, NULL };
  gsize len;
  const char *input = g_bytes_get_data (c->input, &len);
  const char *last_id;

  cfai_sse_parser_reset (parser);
  cfai_sse_parser_set_callbacks (parser, check_event, check_retry, &check);

  switch (mode)
    {
    case FEED_WHOLE:
      feed_copy (parser, input, len);
      break;

    case FEED_CHUNKS:
      for (guint i = 0; i < c->chunks->len; i++)
        {
          gsize chunk_len;
          const char *chunk = g_bytes_get_data (c->chunks->pdata[i], &chunk_len);
          feed_copy (parser, chunk, chunk_len);
        }
      break;

    case FEED_SPLIT:
      feed_copy (parser, input, split);
      feed_copy (parser, input + split, len - split);
      break;

    case FEED_BYTES:
      for (gsize i = 0; i < len; i++)
        {
          char byte = input[i];
          g_assert_true (cfai_sse_parser_feed (parser, &byte, 1, &error));
        }
      break;

    default:
      g_assert_not_reached ();
    }

  /* The id committed so far is what a reconnection would send; finish()
   * must not change it. */
  last_id = cfai_sse_parser_get_last_event_id (parser);
  if (check.mismatch == NULL && g_strcmp0 (last_id, c->last_id) != 0)
    check.mismatch = g_strdup_printf ("last event id %s, expected %s",
                                      last_id ? last_id : "NULL",
                                      c->last_id ? c->last_id : "NULL");

  g_assert_true (cfai_sse_parser_finish (parser, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cfai_sse_parser_get_last_event_id (parser), ==, last_id);

  if (check.mismatch == NULL && check.n_events != c->events->len)
    check.mismatch = g_strdup_printf ("%u events, expected %u", check.n_events, c->events->len);
  if (check.mismatch == NULL && check.n_retries != c->retries->len)
    check.mismatch = g_strdup_printf ("%u retries, expected %u", check.n_retries,
                                      c->retries->len);

  return check.mismatch;
}

static gboolean
report (const Case *c,
        char       *mismatch,
        const char *how)
{
  if (mismatch == NULL)
    return TRUE;

  g_test_fail_printf ("%s fed %s: %s", c->name, how, mismatch);
  g_free (mismatch);
  return FALSE;
}

/* Every split for ordinary cases; for the 1 MiB one, the edges, both sides
 * of every line end, and a stride through the middle. */
static GArray *
split_points (const Case *c)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize len;
  const char *input = g_bytes_get_data (c->input, &len);

  if (len <= 256 * 1024)
    {
      for (gsize k = 0; k <= len; k++)
        g_array_append_val (points, k);
      return points;
    }

  for (gsize k = 0; k <= len; k++)
    {
      gboolean near_edge = k < 64 || len - k < 64;
      gboolean near_line_end = (k > 0 && (input[k - 1] == '\n' || input[k - 1] == '\r')) ||
                               (k < len && (input[k] == '\n' || input[k] == '\r'));

      if (near_edge || near_line_end || k % 4099 == 0)
        g_array_append_val (points, k);
    }

  return points;
}

static void
test_conformance (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(CfaiSseParser) parser = cfai_sse_parser_new (0);
  g_autoptr(GArray) points = split_points (c);

  if (!report (c, run_case (parser, c, FEED_WHOLE, 0), "whole"))
    return;

  if (c->chunks != NULL &&
      !report (c, run_case (parser, c, FEED_CHUNKS, 0), "in its chunks"))
    return;

  for (guint i = 0; i < points->len; i++)
    {
      gsize k = g_array_index (points, gsize, i);
      g_autofree char *how = g_strdup_printf ("split at byte %" G_GSIZE_FORMAT, k);

      if (!report (c, run_case (parser, c, FEED_SPLIT, k), how))
        return;
    }

  report (c, run_case (parser, c, FEED_BYTES, 0), "byte by byte");
}

/* Limits, failures and reuse */

typedef struct
{
  GPtrArray *data;         /* of GBytes */
  GPtrArray *ids;          /* of char*, NULL allowed */
  guint      fail_at;      /* make the callback fail on this event, or 0 */
} Collect;

static gboolean
collect_event (CfaiSseParser       *parser,
               const CfaiSseEvent  *event,
               gpointer             user_data,
               GError             **error)
{
  Collect *collect = user_data;

  g_ptr_array_add (collect->data, g_bytes_new (event->data, event->data_len));
  g_ptr_array_add (collect->ids, g_strdup (event->last_event_id));

  if (collect->fail_at != 0 && collect->data->len == collect->fail_at)
    {
      g_set_error_literal (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL, "handler says no");
      return FALSE;
    }

  return TRUE;
}

static void
collect_init (Collect *collect)
{
  collect->data = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  collect->ids = g_ptr_array_new_with_free_func (g_free);
  collect->fail_at = 0;
}

static void
collect_clear (Collect *collect)
{
  g_ptr_array_unref (collect->data);
  g_ptr_array_unref (collect->ids);
}

static void
assert_data (Collect    *collect,
             guint       index,
             const char *expected)
{
  g_assert_cmpuint (index, <, collect->data->len);
  g_assert_true (bytes_equal (collect->data->pdata[index], expected, strlen (expected)));
}

static gboolean
feed_str (CfaiSseParser  *parser,
          const char     *str,
          GError        **error)
{
  return cfai_sse_parser_feed (parser, str, strlen (str), error);
}

static void
test_limit_line (void)
{
  g_autoptr(CfaiSseParser) parser = cfai_sse_parser_new (16);
  g_autoptr(GError) error = NULL;
  Collect collect;

  collect_init (&collect);
  cfai_sse_parser_set_callbacks (parser, collect_event, NULL, &collect);

  /* Exactly at the limit is fine, whether whole or across chunks. */
  g_assert_true (feed_str (parser, "data: 0123456789\n\n", &error));
  g_assert_true (feed_str (parser, "data: 01234", &error));
  g_assert_true (feed_str (parser, "56789\n\n", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (collect.data->len, ==, 2);
  assert_data (&collect, 1, "0123456789");

  /* One byte more within one chunk… */
  g_assert_false (feed_str (parser, "data: 0123456789a\n\n", &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "16 bytes"));
  g_clear_error (&error);

  /* …and across chunks, failing before the line even ends. */
  cfai_sse_parser_reset (parser);
  g_assert_true (feed_str (parser, "data: 012345", &error));
  g_assert_true (feed_str (parser, "6789", &error));
  g_assert_false (feed_str (parser, "a", &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  g_clear_error (&error);

  /* Comments count too: the bound is on memory, not on meaning. */
  cfai_sse_parser_reset (parser);
  g_assert_false (feed_str (parser, ":a comment that goes on\n", &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);

  g_assert_cmpuint (collect.data->len, ==, 2);
  collect_clear (&collect);
}

static void
test_limit_data (void)
{
  g_autoptr(CfaiSseParser) parser = cfai_sse_parser_new (16);
  g_autoptr(GError) error = NULL;
  Collect collect;

  collect_init (&collect);
  cfai_sse_parser_set_callbacks (parser, collect_event, NULL, &collect);

  /* 5 + LF + 5 + LF + 4 = 16 bytes of data: allowed. */
  g_assert_true (feed_str (parser, "data:aaaaa\ndata:bbbbb\ndata:cccc\n\n", &error));
  g_assert_no_error (error);
  assert_data (&collect, 0, "aaaaa\nbbbbb\ncccc");

  /* Short lines that add up to 17 bytes are refused. */
  g_assert_false (feed_str (parser, "data:aaaaa\ndata:bbbbb\ndata:ccccc\n\n", &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "16 bytes"));

  g_assert_cmpuint (collect.data->len, ==, 1);
  collect_clear (&collect);
}

static void
test_limit_default (void)
{
  g_autoptr(CfaiSseParser) parser = cfai_sse_parser_new (0);
  g_autoptr(GError) error = NULL;
  gsize max = CFAI_SSE_PARSER_DEFAULT_MAX_SIZE;
  g_autofree char *line = g_malloc (max + 2);
  g_autofree char *limit = g_strdup_printf ("%" G_GSIZE_FORMAT, max);

  g_assert_cmpuint (cfai_sse_parser_get_max_size (parser), ==, 16 * 1024 * 1024);

  memset (line, 'x', max + 1);
  line[max + 1] = '\n';
  g_assert_false (cfai_sse_parser_feed (parser, line, max + 2, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, limit));
}

static void
test_error_is_sticky_until_reset (void)
{
  g_autoptr(CfaiSseParser) parser = cfai_sse_parser_new (16);
  g_autoptr(GError) error = NULL;
  g_autofree char *first_message = NULL;
  Collect collect;

  collect_init (&collect);
  cfai_sse_parser_set_callbacks (parser, collect_event, NULL, &collect);

  g_assert_true (feed_str (parser, "id: 7\ndata: ok\n\n", &error));
  g_assert_false (feed_str (parser, "data: far too long a line\n\n", &error));
  first_message = g_strdup (error->message);
  g_clear_error (&error);

  /* Good input after a failure must not resync silently mid-stream. */
  g_assert_false (feed_str (parser, "data: fine\n\n", &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  g_assert_cmpstr (error->message, ==, first_message);
  g_clear_error (&error);
  g_assert_false (cfai_sse_parser_finish (parser, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_cmpuint (collect.data->len, ==, 1);

  /* After a reset the same parser behaves as new, BOM included. */
  cfai_sse_parser_reset (parser);
  g_assert_null (cfai_sse_parser_get_last_event_id (parser));
  g_assert_true (feed_str (parser, "\xEF\xBB\xBF" "data: again\n\n", &error));
  g_assert_true (cfai_sse_parser_finish (parser, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (collect.data->len, ==, 2);
  assert_data (&collect, 1, "again");
  g_assert_null (collect.ids->pdata[1]);

  collect_clear (&collect);
}

static void
test_callback_error (void)
{
  g_autoptr(CfaiSseParser) parser = cfai_sse_parser_new (0);
  g_autoptr(GError) error = NULL;
  Collect collect;

  collect_init (&collect);
  collect.fail_at = 2;
  cfai_sse_parser_set_callbacks (parser, collect_event, NULL, &collect);

  /* The third event must never be seen: the failure stops the chunk. */
  g_assert_false (feed_str (parser, "data: 1\n\ndata: 2\n\ndata: 3\n\n", &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  g_assert_cmpstr (error->message, ==, "handler says no");
  g_clear_error (&error);
  g_assert_cmpuint (collect.data->len, ==, 2);

  g_assert_false (feed_str (parser, "data: 4\n\n", &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  g_clear_error (&error);

  collect.fail_at = 0;
  cfai_sse_parser_reset (parser);
  g_assert_true (feed_str (parser, "data: 5\n\n", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (collect.data->len, ==, 3);
  assert_data (&collect, 2, "5");

  collect_clear (&collect);
}

static void
test_next_stream_after_finish (void)
{
  g_autoptr(CfaiSseParser) parser = cfai_sse_parser_new (0);
  g_autoptr(GError) error = NULL;
  Collect collect;

  collect_init (&collect);
  cfai_sse_parser_set_callbacks (parser, collect_event, NULL, &collect);

  /* A stream cut mid-event: the partial event and the uncommitted id go. */
  g_assert_true (feed_str (parser, "id: 1\ndata: a\n\nid: 2\ndata: partial", &error));
  g_assert_true (cfai_sse_parser_finish (parser, &error));
  g_assert_cmpstr (cfai_sse_parser_get_last_event_id (parser), ==, "1");

  /* The reconnected stream may start with its own BOM; events without an
   * id carry the id that survived. */
  g_assert_true (feed_str (parser, "\xEF\xBB", &error));
  g_assert_true (feed_str (parser, "\xBF" "data: b\r", &error));
  g_assert_true (feed_str (parser, "\n\r\n", &error));
  g_assert_true (cfai_sse_parser_finish (parser, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (collect.data->len, ==, 2);
  assert_data (&collect, 0, "a");
  assert_data (&collect, 1, "b");
  g_assert_cmpstr (collect.ids->pdata[1], ==, "1");

  collect_clear (&collect);
}

/* A big event must not pin its buffers; and the zero-copy path must hand
 * out data that stays right when the event spans chunks. */
static void
test_large_then_small (void)
{
  g_autoptr(CfaiSseParser) parser = cfai_sse_parser_new (0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) big = g_string_new ("data: ");
  Collect collect;

  collect_init (&collect);
  cfai_sse_parser_set_callbacks (parser, collect_event, NULL, &collect);

  for (guint i = 0; i < 3 * 1024 * 1024 / 8; i++)
    g_string_append (big, "01234567");
  g_string_append (big, "\ndata: tail\n");

  for (gsize off = 0; off < big->len; off += 65536)
    g_assert_true (cfai_sse_parser_feed (parser, big->str + off,
                                         MIN (65536, big->len - off), &error));
  g_assert_true (feed_str (parser, "\ndata: small\n\n", &error));
  g_assert_no_error (error);

  g_assert_cmpuint (collect.data->len, ==, 2);
  g_assert_cmpuint (g_bytes_get_size (collect.data->pdata[0]), ==, 3 * 1024 * 1024 + 5);
  assert_data (&collect, 1, "small");

  collect_clear (&collect);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  cfai_test_isolate_home ("cfai-test-sse-parser");

  path = find_vectors (argc, argv);
  cases = load_vectors (path, &error);
  if (cases == NULL)
    {
      /* TAP's way to fail the whole program: the vectors are the test.
       * (g_print() would turn it into a TAP comment.) */
      printf ("Bail out! %s: %s\n", path, error->message);
      return 1;
    }

  for (guint i = 0; i < cases->len; i++)
    {
      const Case *c = cases->pdata[i];
      g_autofree char *test_path = g_strdup_printf ("/sse-parser/conformance/%s", c->name);

      g_test_add_data_func (test_path, c, test_conformance);
    }

  g_test_add_func ("/sse-parser/limit/line", test_limit_line);
  g_test_add_func ("/sse-parser/limit/data", test_limit_data);
  g_test_add_func ("/sse-parser/limit/default", test_limit_default);
  g_test_add_func ("/sse-parser/reuse/error-is-sticky-until-reset",
                   test_error_is_sticky_until_reset);
  g_test_add_func ("/sse-parser/reuse/callback-error", test_callback_error);
  g_test_add_func ("/sse-parser/reuse/next-stream-after-finish", test_next_stream_after_finish);
  g_test_add_func ("/sse-parser/reuse/large-then-small", test_large_then_small);

  ret = g_test_run ();
  g_ptr_array_unref (cases);
  return ret;
}
