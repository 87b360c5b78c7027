/* fake-stream.c — Server-Sent Events written over time, without blocking
 *
 * Each event is appended to the chunked response body from a main-loop
 * timeout and the message is unpaused; libsoup pauses it again by itself
 * when it runs out of body.  A stream lives until the message finishes
 * (also when the client goes away or the connection is reset).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "fake-stream.h"

#define RESET_GRACE_MS 20

typedef struct
{
  SoupServerMessage *msg;
  GPtrArray         *events;      /* data payloads, "[DONE]" included; GBytes pieces when raw */
  gboolean           raw;         /* a plain body written in pieces, not events */
  FakeStreamOptions  options;
  guint              next;        /* index of the next event */
  guint              source_id;
  gulong             finished_id;
  gulong             wrote_chunk_id;
  guint              chunks_queued;
  guint              chunks_written;
  gboolean           aborting;    /* waiting for the half event to leave */
  GRand             *rand;        /* chunk sizes in awkward mode */
} FakeStream;

/* Streams still running; freed by fake_stream_shutdown() so that a
 * server stopped in mid-stream leaks nothing. */
static GQueue live_streams = G_QUEUE_INIT;

/* Streams that ended before their last event without the server cutting
 * them: the client closed the connection (a Stop). */
static guint n_closed_by_client;

static void
fake_stream_free (FakeStream *self)
{
  g_queue_remove (&live_streams, self);
  g_clear_handle_id (&self->source_id, g_source_remove);
  g_clear_signal_handler (&self->finished_id, self->msg);
  g_clear_signal_handler (&self->wrote_chunk_id, self->msg);
  g_clear_object (&self->msg);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_clear_pointer (&self->rand, g_rand_free);
  g_free (self);
}

static void
on_finished (SoupServerMessage *msg,
             FakeStream        *self)
{
  gboolean cut = self->options.cut_after >= 0 && self->next >= (guint) self->options.cut_after;

  if (self->next < self->events->len && !cut && !self->aborting)
    {
      n_closed_by_client++;
      g_printerr ("fake-workers-ai: client closed a stream after %u of %u events\n",
                  self->next, self->events->len);
    }
  fake_stream_free (self);
}

static void
append (FakeStream *self,
        const char *data,
        gsize       len)
{
  SoupMessageBody *body = soup_server_message_get_response_body (self->msg);

  if (!self->options.awkward)
    {
      soup_message_body_append (body, SOUP_MEMORY_COPY, data, len);
      self->chunks_queued++;
      return;
    }

  /* Tiny HTTP chunks make the client read tiny pieces whatever TCP
   * does, so splits land inside CRLF pairs, UTF-8 sequences and JSON. */
  while (len > 0)
    {
      gsize n = g_rand_int_range (self->rand, 1, 8);

      n = MIN (n, len);

      soup_message_body_append (body, SOUP_MEMORY_COPY, data, n);
      self->chunks_queued++;
      data += n;
      len -= n;
    }
}

static char *
format_event (FakeStream *self,
              const char *payload)
{
  const char *eol = self->options.awkward ? "\r\n" : "\n";

  return g_strconcat ("data: ", payload, eol, eol, NULL);
}

/* Resets the TCP connection under libsoup's feet.  Stealing the
 * connection would not do: libsoup then ends the chunked body properly on
 * its way out. */
static gboolean
reset_connection_cb (gpointer user_data)
{
  FakeStream *self = user_data;
  GSocket *socket = soup_server_message_get_socket (self->msg);
  struct linger linger = { 1, 0 };

  self->source_id = 0;

  /* Linger 0 makes close() send RST instead of FIN: an abort. */
  if (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER,
                  &linger, sizeof linger) != 0)
    g_warning ("SO_LINGER: %s", g_strerror (errno));
  g_socket_close (socket, NULL);

  /* libsoup fails to write the end of the body on the closed socket
   * and finishes the message, which frees this stream. */
  soup_message_body_complete (soup_server_message_get_response_body (self->msg));
  soup_server_message_unpause (self->msg);

  return G_SOURCE_REMOVE;
}

static void
on_wrote_chunk (SoupServerMessage *msg,
                FakeStream        *self)
{
  self->chunks_written++;

  /* A short grace period lets the client read the half event before the
   * reset makes its kernel report the error. */
  if (self->aborting && self->chunks_written == self->chunks_queued && self->source_id == 0)
    self->source_id = g_timeout_add (RESET_GRACE_MS, reset_connection_cb, self);
}

static gboolean
write_next (gpointer user_data)
{
  FakeStream *self = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (self->msg);
  gboolean cut = self->options.cut_after >= 0 && self->next >= (guint) self->options.cut_after;

  self->source_id = 0;

  if (cut && self->options.cut_hard && self->next < self->events->len)
    {
      g_autofree char *event = format_event (self, g_ptr_array_index (self->events, self->next));

      /* Half an event, then the reset once it has left. */
      self->aborting = TRUE;
      append (self, event, strlen (event) / 2);
      soup_server_message_unpause (self->msg);
      return G_SOURCE_REMOVE;
    }

  if (!cut && self->next >= self->events->len && self->options.hold_open)
    return G_SOURCE_REMOVE;   /* until the client goes */

  if (cut || self->next >= self->events->len)
    {
      soup_message_body_complete (body);
      soup_server_message_unpause (self->msg);
      return G_SOURCE_REMOVE;
    }

  if (self->raw)
    {
      GBytes *piece = g_ptr_array_index (self->events, self->next);
      gsize len;
      const char *data = g_bytes_get_data (piece, &len);

      append (self, data, len);
    }
  else
    {
      g_autofree char *event = format_event (self, g_ptr_array_index (self->events, self->next));

      append (self, event, strlen (event));
    }
  self->next++;
  soup_server_message_unpause (self->msg);

  self->source_id = g_timeout_add (self->options.delay_ms, write_next, self);

  return G_SOURCE_REMOVE;
}

void
fake_stream_start (SoupServerMessage       *msg,
                   GPtrArray               *events,
                   const FakeStreamOptions *options)
{
  FakeStream *self;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (events != NULL && options != NULL);

  self = g_new0 (FakeStream, 1);
  self->msg = g_object_ref (msg);
  self->events = events;
  self->options = *options;
  self->rand = g_rand_new_with_seed (0x5eed);

  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                     SOUP_ENCODING_CHUNKED);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);

  self->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (on_finished), self);
  self->wrote_chunk_id = g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk), self);

  g_queue_push_tail (&live_streams, self);

  /* Headers go out now; the body follows from the main loop. */
  soup_server_message_pause (msg);
  self->source_id = g_timeout_add (self->options.first_delay_ms != 0
                                   ? self->options.first_delay_ms : self->options.delay_ms,
                                   write_next, self);
}

/**
 * fake_stream_start_body:
 * @body: the whole response body (its Content-Type is the caller's to set)
 * @n_pieces: how many pieces to write it in
 *
 * Writes @body over time, one piece every @delay_ms, the way a large
 * image arrives over a slow link.  A client that gives up in the middle
 * closes the connection, and that is counted as for streams.
 */
void
fake_stream_start_body (SoupServerMessage *msg,
                        GBytes            *body,
                        guint              n_pieces,
                        guint              delay_ms)
{
  FakeStreamOptions options = { .delay_ms = delay_ms, .cut_after = -1 };
  GPtrArray *pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize size = g_bytes_get_size (body);
  gsize step = MAX (1, (size + n_pieces - 1) / MAX (n_pieces, 1));

  for (gsize offset = 0; offset < size; offset += step)
    g_ptr_array_add (pieces, g_bytes_new_from_bytes (body, offset, MIN (step, size - offset)));

  fake_stream_start (msg, pieces, &options);
  ((FakeStream *) g_queue_peek_tail (&live_streams))->raw = TRUE;
}

guint
fake_stream_get_n_live (void)
{
  return g_queue_get_length (&live_streams);
}

guint
fake_stream_get_n_closed_by_client (void)
{
  return n_closed_by_client;
}

void
fake_stream_shutdown (void)
{
  while (!g_queue_is_empty (&live_streams))
    fake_stream_free (g_queue_peek_head (&live_streams));
}
