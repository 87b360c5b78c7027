/* cfai-sse-parser.c
 *
 * A Server-Sent Events parser following WHATWG HTML "Interpreting an event
 * stream", fed raw bytes in whatever chunks the network delivers.
 *
 * This sits on the streaming hot path: every token of an answer is one
 * event, so the framing must cost next to nothing next to the JSON decode
 * that follows.  Hence a plain struct rather than a GObject, buffers that
 * are reused for the life of the parser, line ends found with memchr, and
 * no copy at all for the common case of a single-line event whose lines
 * both sit inside one chunk: the event then points straight into the
 * caller's chunk.
 *
 * Bytes are never decoded here.  Field names and values are compared and
 * passed on as UTF-8 bytes, so a multi-byte character split across chunks
 * needs no special care.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "cfai-error.h"
#include "cfai-sse-parser.h"

/* A buffer that grew past this for one huge event is given back afterwards,
 * so one outlier does not pin megabytes for the rest of a long stream. */
#define SHRINK_THRESHOLD (1024 * 1024)

struct _CfaiSseParser
{
  gsize             max_size;

  CfaiSseEventFunc  event_func;
  CfaiSseRetryFunc  retry_func;
  gpointer          user_data;

  /* The unfinished last line of the previous chunk; empty otherwise. */
  GString          *line;

  /* The data buffer, with the LF the spec appends after every data line.
   * While the block has exactly one data line and that line is still in
   * memory we do not own, the line is kept as a view instead (see
   * add_data_line()) and this stays empty. */
  GString          *data;
  const char       *view;
  gsize             view_len;
  gsize             data_size;      /* logical length of the data buffer */

  GString          *type;           /* event type buffer */
  GString          *id;             /* last event ID buffer */
  GString          *last_id;        /* last event ID string, committed by a blank line */
  gint64            block_retry;    /* last valid retry since the previous blank line */

  /* Set once a feed failed; every later call reports it until reset. */
  GError           *failure;

  guint             bom_matched : 2; /* bytes of a leading BOM seen so far */
  guint             bom_done : 1;
  guint             skip_lf : 1;     /* the last chunk ended in CR: a leading LF is its pair */
  guint             view_live : 1;
  guint             id_set : 1;
  guint             last_id_set : 1;
  guint             id_dirty : 1;
};

static const guchar utf8_bom[3] = { 0xEF, 0xBB, 0xBF };

static void
set_too_long_error (GError     **error,
                    gboolean     is_data,
                    gsize        max_size)
{
  g_autofree char *limit = g_format_size_full (max_size, G_FORMAT_SIZE_IEC_UNITS |
                                                         G_FORMAT_SIZE_LONG_FORMAT);

  if (is_data)
    g_set_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                 _("The server sent an event whose data is larger than the limit of %s"),
                 limit);
  else
    g_set_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                 _("The server sent an event stream line longer than the limit of %s"),
                 limit);
}

static inline void
buffer_clear (GString **buffer)
{
  if G_UNLIKELY ((*buffer)->allocated_len > SHRINK_THRESHOLD)
    {
      g_string_free (*buffer, TRUE);
      *buffer = g_string_sized_new (256);
    }
  else
    g_string_truncate (*buffer, 0);
}

/* The view may point into the caller's chunk or into self->line, neither of
 * which outlives the current feed step: copy it before they go away. */
static inline void
materialize_view (CfaiSseParser *self)
{
  if (self->view_live)
    {
      g_string_append_len (self->data, self->view, self->view_len);
      g_string_append_c (self->data, '\n');
      self->view_live = FALSE;
    }
}

static inline void
reset_block (CfaiSseParser *self)
{
  if G_UNLIKELY (self->data->len > 0)
    buffer_clear (&self->data);
  if G_UNLIKELY (self->type->len > 0)
    buffer_clear (&self->type);
  self->view_live = FALSE;
  self->data_size = 0;
  self->block_retry = -1;
}

static gboolean
dispatch (CfaiSseParser  *self,
          GError        **error)
{
  CfaiSseEvent event;

  if G_UNLIKELY (self->id_dirty)
    {
      g_string_truncate (self->last_id, 0);
      g_string_append_len (self->last_id, self->id->str, self->id->len);
      self->last_id_set = self->id_set;
      self->id_dirty = FALSE;
    }

  /* A block without data lines still ends here: it resets the type. */
  if (self->data_size == 0 || self->event_func == NULL)
    {
      reset_block (self);
      return TRUE;
    }

  if (self->type->len > 0)
    {
      event.type = self->type->str;
      event.type_len = self->type->len;
    }
  else
    {
      event.type = "message";
      event.type_len = strlen ("message");
    }

  if (self->view_live)
    {
      event.data = self->view;
      event.data_len = self->view_len;
    }
  else
    {
      /* Drop the LF that followed the last data line. */
      event.data = self->data->str;
      event.data_len = self->data->len - 1;
    }

  event.last_event_id = self->last_id_set ? self->last_id->str : NULL;
  event.retry = self->block_retry;

  if G_UNLIKELY (!self->event_func (self, &event, self->user_data, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, CFAI_ERROR, CFAI_ERROR_FAILED,
                             "The event stream handler failed without saying why");
      return FALSE;
    }

  reset_block (self);
  return TRUE;
}

static inline gboolean
add_data_line (CfaiSseParser  *self,
               const char     *value,
               gsize           value_len,
               GError        **error)
{
  /* What the event's data would be if dispatched now: all earlier lines
   * with their LFs, plus this value. */
  if G_UNLIKELY (self->data_size + value_len > self->max_size)
    {
      set_too_long_error (error, TRUE, self->max_size);
      return FALSE;
    }

  if G_LIKELY (self->data_size == 0)
    {
      self->view = value;
      self->view_len = value_len;
      self->view_live = TRUE;
    }
  else
    {
      materialize_view (self);
      g_string_append_len (self->data, value, value_len);
      g_string_append_c (self->data, '\n');
    }

  self->data_size += value_len + 1;
  return TRUE;
}

static void
set_retry (CfaiSseParser *self,
           const char    *value,
           gsize          value_len)
{
  gint64 retry = 0;

  /* Only a non-empty run of ASCII digits counts: no sign, no space, no
   * other script's digits.  Absurdly long values saturate rather than wrap. */
  if (value_len == 0)
    return;

  for (gsize i = 0; i < value_len; i++)
    {
      int digit = (guchar) value[i] - '0';

      if (digit < 0 || digit > 9)
        return;

      if (retry > (G_MAXINT64 - digit) / 10)
        retry = G_MAXINT64;
      else
        retry = retry * 10 + digit;
    }

  self->block_retry = retry;
  if (self->retry_func != NULL)
    self->retry_func (self, (guint64) retry, self->user_data);
}

static inline gboolean
process_line (CfaiSseParser  *self,
              const char     *line,
              gsize           len,
              GError        **error)
{
  const char *colon;
  const char *value;
  gsize name_len;
  gsize value_len;

  if (len == 0)
    return dispatch (self, error);

  /* Almost every line of a Workers AI stream is a data line. */
  if G_LIKELY (len >= 5 && memcmp (line, "data:", 5) == 0)
    {
      value = line + 5;
      value_len = len - 5;
      if (value_len > 0 && *value == ' ')
        {
          value++;
          value_len--;
        }
      return add_data_line (self, value, value_len, error);
    }

  if (line[0] == ':')
    return TRUE;

  colon = memchr (line, ':', len);
  if (colon != NULL)
    {
      name_len = colon - line;
      value = colon + 1;
      value_len = len - name_len - 1;
      if (value_len > 0 && *value == ' ')
        {
          value++;
          value_len--;
        }
    }
  else
    {
      name_len = len;
      value = line + len;
      value_len = 0;
    }

  switch (name_len)
    {
    case 2:
      /* An id with NUL is ignored: it could not be sent back in a header. */
      if (memcmp (line, "id", 2) == 0 && memchr (value, '\0', value_len) == NULL)
        {
          g_string_truncate (self->id, 0);
          g_string_append_len (self->id, value, value_len);
          self->id_set = TRUE;
          self->id_dirty = TRUE;
        }
      break;

    case 4:
      if (memcmp (line, "data", 4) == 0)
        return add_data_line (self, value, value_len, error);
      break;

    case 5:
      if (memcmp (line, "event", 5) == 0)
        {
          g_string_truncate (self->type, 0);
          g_string_append_len (self->type, value, value_len);
        }
      else if (memcmp (line, "retry", 5) == 0)
        set_retry (self, value, value_len);
      break;

    default:
      break;
    }

  return TRUE;
}

static inline const char *
find_byte (const char *p,
           const char *end,
           char        c)
{
  const char *found = memchr (p, c, end - p);

  return found != NULL ? found : end;
}

/* Returns where the next line starts after the line end at @eol. */
static inline const char *
skip_line_end (CfaiSseParser *self,
               const char    *eol,
               const char    *end)
{
  if (*eol == '\r')
    {
      /* The CR already ended the line; remember to swallow the LF of a
       * CRLF pair that the network split across two chunks. */
      if (eol + 1 == end)
        self->skip_lf = TRUE;
      else if (eol[1] == '\n')
        return eol + 2;
    }

  return eol + 1;
}

static inline gboolean
stash_partial (CfaiSseParser  *self,
               const char     *p,
               gsize           len,
               GError        **error)
{
  if G_UNLIKELY (self->line->len + len > self->max_size)
    {
      set_too_long_error (error, FALSE, self->max_size);
      return FALSE;
    }

  g_string_append_len (self->line, p, len);
  return TRUE;
}

static gboolean
feed_bytes (CfaiSseParser  *self,
            const char     *p,
            const char     *end,
            GError        **error)
{
  const char *lf;
  const char *cr;
  const char *eol;

  if (p == end)
    return TRUE;

  if G_UNLIKELY (self->skip_lf)
    {
      self->skip_lf = FALSE;
      if (*p == '\n' && ++p == end)
        return TRUE;
    }

  /* Both positions are cached and only searched again once passed, which
   * keeps the scan linear even for a CR-only stream in one huge chunk. */
  lf = find_byte (p, end, '\n');
  cr = find_byte (p, end, '\r');

  if G_UNLIKELY (self->line->len > 0)
    {
      eol = MIN (lf, cr);
      if (!stash_partial (self, p, eol - p, error))
        return FALSE;
      if (eol == end)
        return TRUE;

      if (!process_line (self, self->line->str, self->line->len, error))
        return FALSE;
      materialize_view (self);
      buffer_clear (&self->line);
      p = skip_line_end (self, eol, end);
    }

  while (p < end)
    {
      if (lf < p)
        lf = find_byte (p, end, '\n');
      if (cr < p)
        cr = find_byte (p, end, '\r');

      eol = MIN (lf, cr);
      if (eol == end)
        break;

      if G_UNLIKELY ((gsize) (eol - p) > self->max_size)
        {
          set_too_long_error (error, FALSE, self->max_size);
          return FALSE;
        }

      if (!process_line (self, p, eol - p, error))
        return FALSE;

      p = skip_line_end (self, eol, end);
    }

  materialize_view (self);

  if (p < end)
    return stash_partial (self, p, end - p, error);

  return TRUE;
}

/* Per-stream state goes; the last event ID survives for a reconnection. */
static void
reset_stream (CfaiSseParser *self)
{
  reset_block (self);
  buffer_clear (&self->line);
  buffer_clear (&self->data);
  self->bom_matched = 0;
  self->bom_done = FALSE;
  self->skip_lf = FALSE;

  g_string_truncate (self->id, 0);
  g_string_append_len (self->id, self->last_id->str, self->last_id->len);
  self->id_set = self->last_id_set;
  self->id_dirty = FALSE;
}

/**
 * cfai_sse_parser_new:
 * @max_size: the longest line and the largest event data accepted, in
 *   bytes, or 0 for %CFAI_SSE_PARSER_DEFAULT_MAX_SIZE
 *
 * Returns: (transfer full): a parser for one stream at a time
 */
CfaiSseParser *
cfai_sse_parser_new (gsize max_size)
{
  CfaiSseParser *self = g_new0 (CfaiSseParser, 1);

  self->max_size = max_size > 0 ? max_size : CFAI_SSE_PARSER_DEFAULT_MAX_SIZE;
  self->line = g_string_sized_new (256);
  self->data = g_string_sized_new (256);
  self->type = g_string_new (NULL);
  self->id = g_string_new (NULL);
  self->last_id = g_string_new (NULL);
  self->block_retry = -1;

  return self;
}

void
cfai_sse_parser_free (CfaiSseParser *self)
{
  if (self == NULL)
    return;

  g_string_free (self->line, TRUE);
  g_string_free (self->data, TRUE);
  g_string_free (self->type, TRUE);
  g_string_free (self->id, TRUE);
  g_string_free (self->last_id, TRUE);
  g_clear_error (&self->failure);
  g_free (self);
}

void
cfai_sse_parser_set_callbacks (CfaiSseParser    *self,
                               CfaiSseEventFunc  event_func,
                               CfaiSseRetryFunc  retry_func,
                               gpointer          user_data)
{
  g_return_if_fail (self != NULL);

  self->event_func = event_func;
  self->retry_func = retry_func;
  self->user_data = user_data;
}

gsize
cfai_sse_parser_get_max_size (CfaiSseParser *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->max_size;
}

static gboolean
check_failure (CfaiSseParser  *self,
               GError        **error)
{
  if G_UNLIKELY (self->failure != NULL)
    {
      g_propagate_error (error, g_error_copy (self->failure));
      return FALSE;
    }

  return TRUE;
}

static gboolean
fail (CfaiSseParser  *self,
      GError         *local_error,
      GError        **error)
{
  self->failure = g_error_copy (local_error);
  g_propagate_error (error, local_error);
  return FALSE;
}

/**
 * cfai_sse_parser_feed:
 * @self: a parser
 * @data: (array length=len): the next bytes of the stream
 * @len: how many
 * @error: return location for an error
 *
 * Parses @data and calls the event callback for every event it completes.
 * Any chunking gives the same events.  @data need not outlive the call.
 *
 * Returns: %FALSE if a line or an event exceeded the size limit, or the
 *   event callback failed; the parser then keeps failing with the same
 *   error until cfai_sse_parser_reset().
 */
gboolean
cfai_sse_parser_feed (CfaiSseParser  *self,
                      const char     *data,
                      gsize           len,
                      GError        **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (!check_failure (self, error))
    return FALSE;

  if (len == 0)
    return TRUE;

  /* Only the stream's very first bytes can be a BOM, but they may arrive
   * one at a time, so the match is carried across calls. */
  if G_UNLIKELY (!self->bom_done)
    {
      while (len > 0 && self->bom_matched < 3 && (guchar) *data == utf8_bom[self->bom_matched])
        {
          self->bom_matched++;
          data++;
          len--;
        }

      if (self->bom_matched < 3 && len == 0)
        return TRUE;

      self->bom_done = TRUE;

      /* A false start: the bytes we held back are ordinary line content. */
      if (self->bom_matched < 3 && self->bom_matched > 0 &&
          !feed_bytes (self, (const char *) utf8_bom,
                       (const char *) utf8_bom + self->bom_matched, &local_error))
        return fail (self, local_error, error);
    }

  if (!feed_bytes (self, data, data + len, &local_error))
    return fail (self, local_error, error);

  return TRUE;
}

/**
 * cfai_sse_parser_finish:
 * @self: a parser
 * @error: return location for an error
 *
 * Signals the end of the stream.  As the spec requires, an unterminated
 * last line and an event without its closing blank line are discarded, so
 * a stream cut short never delivers a half-received event.  The parser is
 * then ready for the next stream (a reconnection), keeping the last event
 * ID.
 *
 * Returns: %FALSE if an earlier feed had failed
 */
gboolean
cfai_sse_parser_finish (CfaiSseParser  *self,
                        GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!check_failure (self, error))
    return FALSE;

  reset_stream (self);
  return TRUE;
}

/**
 * cfai_sse_parser_get_last_event_id:
 * @self: a parser
 *
 * Returns: (nullable): the last event ID committed by a blank line: %NULL
 *   when none was ever set, "" when the server reset it
 */
const char *
cfai_sse_parser_get_last_event_id (CfaiSseParser *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->last_id_set ? self->last_id->str : NULL;
}

/**
 * cfai_sse_parser_reset:
 * @self: a parser
 *
 * Returns the parser to its new state, forgetting the last event ID and any
 * failure, while keeping its buffers for reuse.
 */
void
cfai_sse_parser_reset (CfaiSseParser *self)
{
  g_return_if_fail (self != NULL);

  g_clear_error (&self->failure);
  g_string_truncate (self->last_id, 0);
  self->last_id_set = FALSE;
  reset_stream (self);
}
