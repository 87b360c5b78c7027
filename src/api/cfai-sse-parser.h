/* cfai-sse-parser.h — a byte-level Server-Sent Events (text/event-stream) parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Workers AI events are small; 16 MiB only guards against a runaway server. */
#define CFAI_SSE_PARSER_DEFAULT_MAX_SIZE ((gsize) 16 * 1024 * 1024)

typedef struct _CfaiSseParser CfaiSseParser;

typedef struct
{
  /* The event type, NUL-terminated ("message" when the block set none).
   * type_len counts bytes without the terminator; it differs from
   * strlen (type) only when the server put a NUL in the event name. */
  const char *type;
  gsize       type_len;

  /* The event's data, NOT NUL-terminated and possibly containing NUL:
   * always use data_len.  It may point straight into the chunk being fed. */
  const char *data;
  gsize       data_len;

  /* The last event ID in effect at dispatch: NULL when no id field was ever
   * accepted, "" after an explicit reset with an empty id. */
  const char *last_event_id;

  /* The last valid retry value (milliseconds) of this event's block, or -1. */
  gint64      retry;
} CfaiSseEvent;

/* Everything in @event is valid only during the call.  Returning FALSE with
 * @error set stops the parser: cfai_sse_parser_feed() returns that error. */
typedef gboolean (*CfaiSseEventFunc) (CfaiSseParser       *parser,
                                      const CfaiSseEvent  *event,
                                      gpointer             user_data,
                                      GError             **error);

/* Called as soon as a valid retry line is read, even if no event follows,
 * as the spec has the reconnection time change immediately. */
typedef void (*CfaiSseRetryFunc) (CfaiSseParser *parser,
                                  guint64        retry_ms,
                                  gpointer       user_data);

CfaiSseParser *cfai_sse_parser_new               (gsize              max_size);
void           cfai_sse_parser_free              (CfaiSseParser     *self);
void           cfai_sse_parser_set_callbacks     (CfaiSseParser     *self,
                                                  CfaiSseEventFunc   event_func,
                                                  CfaiSseRetryFunc   retry_func,
                                                  gpointer           user_data);
gsize          cfai_sse_parser_get_max_size      (CfaiSseParser     *self);
gboolean       cfai_sse_parser_feed              (CfaiSseParser     *self,
                                                  const char        *data,
                                                  gsize              len,
                                                  GError           **error);
gboolean       cfai_sse_parser_finish            (CfaiSseParser     *self,
                                                  GError           **error);
const char    *cfai_sse_parser_get_last_event_id (CfaiSseParser     *self);
void           cfai_sse_parser_reset             (CfaiSseParser     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfaiSseParser, cfai_sse_parser_free)

G_END_DECLS
