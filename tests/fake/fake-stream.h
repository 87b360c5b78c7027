/* fake-stream.h — Server-Sent Events written over time, without blocking
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  guint    delay_ms;    /* pause before each event */
  gboolean awkward;     /* CRLF line ends, body in HTTP chunks of 1–7 bytes */
  gint     cut_after;   /* < 0: whole stream; else events sent before the cut */
  gboolean cut_hard;    /* the cut resets the TCP connection in mid-event
                         * instead of ending the body cleanly */
  gboolean hold_open;   /* the body is not ended after the last event */
  guint    first_delay_ms; /* if not 0, the pause before the first event */
} FakeStreamOptions;

void fake_stream_start    (SoupServerMessage       *msg,
                           GPtrArray               *events,
                           const FakeStreamOptions *options);
void  fake_stream_start_body              (SoupServerMessage       *msg,
                                           GBytes                  *body,
                                           guint                    n_pieces,
                                           guint                    delay_ms);
void  fake_stream_shutdown               (void);
guint fake_stream_get_n_live             (void);
guint fake_stream_get_n_closed_by_client (void);

G_END_DECLS
