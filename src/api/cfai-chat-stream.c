/* cfai-chat-stream.c
 *
 * Reads the answer in 16 KiB reads, frames it with the SSE parser and
 * decodes each event as it completes, emitting "text-delta" and
 * "reasoning-delta" for every piece.  Whatever happens — a cut connection,
 * garbage, a cancel — the text that already arrived stays in the object:
 * the caller decides what to keep, never this layer.
 *
 * Models whose chat template opens <think> in the prompt stream their
 * thinking as plain text until a lone </think>.  Text is shown as it comes
 * rather than held back for a tag most models never send, so when the
 * decoder finds that tag the text so far moves to the reasoning and
 * "text-reclassified" tells listeners to move what they showed.
 *
 * The deltas are signals, for views that append; everything else (the
 * text and reasoning so far, usage, timings, and CfaiRun:state) is a
 * property, notified at most once per event, for views that bind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cfai-chat-stream.h"
#include "cfai-envelope.h"
#include "cfai-error.h"
#include "cfai-run-private.h"
#include "cfai-sse-parser.h"
#include "cfai-stream-decoder.h"

#define READ_SIZE (16 * 1024)

/* How long the end of the body may take to follow [DONE]. */
#define DONE_GRACE_S 1

struct _CfaiChatStream
{
  CfaiRun            parent_instance;

  CfaiChatRequest   *request;

  GInputStream      *body;
  CfaiSseParser     *parser;
  CfaiStreamDecoder *decoder;
  guint8            *buffer;

  GString           *text;
  GString           *reasoning;
  char              *finish_reason;
  CfaiUsage          usage;
  CfaiUsageKind      usage_kind;
  gboolean           saw_done;
  gboolean           truncated;

  gint64             first_token_at;
  gint64             last_token_at;
  guint              n_text_events;
};

G_DEFINE_FINAL_TYPE (CfaiChatStream, cfai_chat_stream, CFAI_TYPE_RUN)

enum {
  PROP_0,
  PROP_REQUEST,
  PROP_TEXT,
  PROP_REASONING,
  PROP_FINISH_REASON,
  PROP_TRUNCATED,
  PROP_PROMPT_TOKENS,
  PROP_COMPLETION_TOKENS,
  PROP_TOTAL_TOKENS,
  PROP_CACHED_TOKENS,
  PROP_NEURONS,
  PROP_TIME_TO_FIRST_TOKEN,
  PROP_TOKENS_PER_SECOND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  TEXT_DELTA,
  REASONING_DELTA,
  TEXT_RECLASSIFIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
cfai_chat_stream_finalize (GObject *object)
{
  CfaiChatStream *self = CFAI_CHAT_STREAM (object);

  g_clear_object (&self->request);
  g_clear_object (&self->body);
  g_clear_pointer (&self->parser, cfai_sse_parser_free);
  g_clear_pointer (&self->decoder, cfai_stream_decoder_free);
  g_clear_pointer (&self->buffer, g_free);
  g_string_free (self->text, TRUE);
  g_string_free (self->reasoning, TRUE);
  g_clear_pointer (&self->finish_reason, g_free);

  G_OBJECT_CLASS (cfai_chat_stream_parent_class)->finalize (object);
}

static void
cfai_chat_stream_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CfaiChatStream *self = CFAI_CHAT_STREAM (object);
  gint64 prompt, completion, total;
  gboolean has_usage = cfai_chat_stream_get_usage (self, &prompt, &completion, &total);

  switch (prop_id)
    {
    case PROP_REQUEST:
      g_value_set_object (value, self->request);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text->str);
      break;
    case PROP_REASONING:
      g_value_set_string (value, self->reasoning->str);
      break;
    case PROP_FINISH_REASON:
      g_value_set_string (value, self->finish_reason);
      break;
    case PROP_TRUNCATED:
      g_value_set_boolean (value, self->truncated);
      break;
    case PROP_PROMPT_TOKENS:
      g_value_set_int64 (value, has_usage ? prompt : -1);
      break;
    case PROP_COMPLETION_TOKENS:
      g_value_set_int64 (value, has_usage ? completion : -1);
      break;
    case PROP_TOTAL_TOKENS:
      g_value_set_int64 (value, has_usage ? total : -1);
      break;
    case PROP_CACHED_TOKENS:
      g_value_set_int64 (value, cfai_chat_stream_get_cached_tokens (self));
      break;
    case PROP_NEURONS:
      g_value_set_double (value, cfai_chat_stream_get_neurons (self));
      break;
    case PROP_TIME_TO_FIRST_TOKEN:
      g_value_set_int64 (value, cfai_chat_stream_get_time_to_first_token (self));
      break;
    case PROP_TOKENS_PER_SECOND:
      g_value_set_double (value, cfai_chat_stream_get_tokens_per_second (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_chat_stream_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CfaiChatStream *self = CFAI_CHAT_STREAM (object);

  switch (prop_id)
    {
    case PROP_REQUEST:
      self->request = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void cfai_chat_stream_start (CfaiRun *run,
                                    GTask   *task);

static GParamSpec *
count_param (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL, -1, G_MAXINT64, -1,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static void
cfai_chat_stream_class_init (CfaiChatStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CfaiRunClass *run_class = CFAI_RUN_CLASS (klass);

  object_class->finalize = cfai_chat_stream_finalize;
  object_class->get_property = cfai_chat_stream_get_property;
  object_class->set_property = cfai_chat_stream_set_property;
  run_class->start = cfai_chat_stream_start;

  properties[PROP_REQUEST] =
    g_param_spec_object ("request", NULL, NULL, CFAI_TYPE_CHAT_REQUEST,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * CfaiChatStream:text:
   *
   * The answer so far; see cfai_chat_stream_get_text().
   */
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_REASONING] =
    g_param_spec_string ("reasoning", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FINISH_REASON] =
    g_param_spec_string ("finish-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TRUNCATED] =
    g_param_spec_boolean ("truncated", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * CfaiChatStream:prompt-tokens:
   *
   * The usage counts are -1 until the server reports usage.
   */
  properties[PROP_PROMPT_TOKENS] = count_param ("prompt-tokens");
  properties[PROP_COMPLETION_TOKENS] = count_param ("completion-tokens");
  properties[PROP_TOTAL_TOKENS] = count_param ("total-tokens");
  /**
   * CfaiChatStream:cached-tokens:
   *
   * See cfai_chat_stream_get_cached_tokens().
   */
  properties[PROP_CACHED_TOKENS] = count_param ("cached-tokens");
  /**
   * CfaiChatStream:neurons:
   *
   * See cfai_chat_stream_get_neurons().
   */
  properties[PROP_NEURONS] =
    g_param_spec_double ("neurons", NULL, NULL, -1, G_MAXDOUBLE, -1,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * CfaiChatStream:time-to-first-token:
   *
   * Microseconds, or -1; see cfai_chat_stream_get_time_to_first_token().
   */
  properties[PROP_TIME_TO_FIRST_TOKEN] = count_param ("time-to-first-token");
  properties[PROP_TOKENS_PER_SECOND] =
    g_param_spec_double ("tokens-per-second", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CfaiChatStream::text-delta:
   * @delta: the new piece of answer text (UTF-8, never empty)
   */
  signals[TEXT_DELTA] =
    g_signal_new ("text-delta", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[REASONING_DELTA] =
    g_signal_new ("reasoning-delta", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * CfaiChatStream::text-reclassified:
   * @text: all the answer text delivered so far (UTF-8, never empty)
   *
   * The text delivered so far was reasoning: the model's chat template
   * opened <think> in the prompt, and a lone </think> has just ended the
   * thinking.  The stream has already appended @text to its reasoning and
   * emptied its text; listeners showing @text as answer should move it to
   * the end of the reasoning they show.  Emitted at most once, before the
   * deltas of the event that carried the tag.
   */
  signals[TEXT_RECLASSIFIED] =
    g_signal_new ("text-reclassified", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
cfai_chat_stream_init (CfaiChatStream *self)
{
  self->text = g_string_new (NULL);
  self->reasoning = g_string_new (NULL);
  self->first_token_at = -1;
}

CfaiChatStream *
cfai_chat_stream_new (CfaiClient      *client,
                      CfaiChatRequest *request)
{
  g_return_val_if_fail (CFAI_IS_CLIENT (client), NULL);
  g_return_val_if_fail (CFAI_IS_CHAT_REQUEST (request), NULL);

  return g_object_new (CFAI_TYPE_CHAT_STREAM,
                       "client", client,
                       "model-id", cfai_chat_request_get_model (request),
                       "request", request,
                       NULL);
}

static void
note_token_time (CfaiChatStream *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->first_token_at < 0)
    {
      self->first_token_at = now;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_TO_FIRST_TOKEN]);
    }
  self->last_token_at = now;
}

/* Appends a piece to the accumulated text or reasoning and emits it from
 * there: that copy is NUL-terminated where the piece ends. */
static void
emit_piece (CfaiChatStream *self,
            guint           signal_id,
            GString        *into,
            GParamSpec     *pspec,
            const char     *piece,
            gsize           len)
{
  gsize start = into->len;

  if (len == 0)
    return;
  note_token_time (self);
  g_string_append_len (into, piece, len);
  g_signal_emit (self, signals[signal_id], 0, into->str + start);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

/* The text and reasoning of the earlier events change place, never the
 * timing: the first token came when it came, whatever it turned out to
 * be, and text events still count as tokens for the speed. */
static void
reclassify_text (CfaiChatStream *self)
{
  gsize start = self->reasoning->len;

  if (self->text->len == 0)
    return;
  g_string_append_len (self->reasoning, self->text->str, self->text->len);
  g_string_truncate (self->text, 0);
  g_signal_emit (self, signals[TEXT_RECLASSIFIED], 0, self->reasoning->str + start);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REASONING]);
}

static void
notify_usage (CfaiChatStream *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROMPT_TOKENS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETION_TOKENS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_TOKENS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CACHED_TOKENS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEURONS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKENS_PER_SECOND]);
}

static void
apply_delta_unfrozen (CfaiChatStream        *self,
                      const CfaiStreamDelta *delta)
{
  if (delta->text_was_reasoning)
    reclassify_text (self);
  if (delta->reasoning_len > 0)
    emit_piece (self, REASONING_DELTA, self->reasoning, properties[PROP_REASONING],
                delta->reasoning, delta->reasoning_len);
  if (delta->text_len > 0)
    {
      self->n_text_events++;
      emit_piece (self, TEXT_DELTA, self->text, properties[PROP_TEXT],
                  delta->text, delta->text_len);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKENS_PER_SECOND]);
    }
  if (delta->finish_reason != NULL && g_strcmp0 (delta->finish_reason, self->finish_reason) != 0)
    {
      g_free (self->finish_reason);
      self->finish_reason = g_strdup (delta->finish_reason);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISH_REASON]);
    }
  /* Cumulative usage (the native final event) always wins; incremental
   * chunk usage is only a fallback when no cumulative one ever came. */
  if (delta->usage_kind == CFAI_USAGE_CUMULATIVE ||
      (delta->usage_kind == CFAI_USAGE_INCREMENTAL && self->usage_kind != CFAI_USAGE_CUMULATIVE))
    {
      if (delta->usage_kind == CFAI_USAGE_INCREMENTAL)
        self->usage_kind = cfai_stream_decoder_get_usage (self->decoder, &self->usage);
      else
        {
          self->usage = delta->usage;
          self->usage_kind = CFAI_USAGE_CUMULATIVE;
        }
      notify_usage (self);
    }
  if (delta->done)
    self->saw_done = TRUE;
}

/* One event changes several properties; listeners hear of each once,
 * after the event, and the deltas before. */
static void
apply_delta (CfaiChatStream        *self,
             const CfaiStreamDelta *delta)
{
  if (delta == NULL)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  apply_delta_unfrozen (self, delta);
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
on_sse_event (CfaiSseParser       *parser,
              const CfaiSseEvent  *event,
              gpointer             user_data,
              GError             **error)
{
  CfaiChatStream *self = user_data;
  const CfaiStreamDelta *delta;

  /* Events after [DONE] are not part of the answer. */
  if (self->saw_done)
    return TRUE;

  if (!g_str_equal (event->type, "message"))
    {
      /* Cloudflare sends no other types; an "error" event carries a message. */
      if (g_str_equal (event->type, "error"))
        {
          /* The server's bytes may be invalid UTF-8 or cut mid-character. */
          g_autofree char *message = g_utf8_make_valid (event->data, MIN (event->data_len, 500));
          g_set_error (error, CFAI_ERROR, CFAI_ERROR_SERVER,
                       _("The model stopped with an error: %s"), message);
          return FALSE;
        }
      return TRUE;
    }

  delta = cfai_stream_decoder_decode (self->decoder, event->data, event->data_len, error);
  if (delta == NULL)
    return FALSE;
  apply_delta (self, delta);
  return TRUE;
}

static void
finish_run (GTask  *task,
            GError *error)   /* (transfer full) (nullable) */
{
  CfaiChatStream *self = g_task_get_source_object (task);

  /* Text still held back by the <think> splitter belongs to the answer. */
  if (self->decoder != NULL)
    apply_delta (self, cfai_stream_decoder_finish (self->decoder));
  g_clear_object (&self->body);

  _cfai_run_return (task, error);
  g_object_unref (task);
}

static void
set_truncated (CfaiChatStream *self)
{
  self->truncated = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRUNCATED]);
}

static void read_next (GTask *task);

/* What follows [DONE] is read to the body's end and dropped, apart
 * from the answer, which is whole: only a body read to its end leaves
 * libsoup the connection to keep for the next turn (else every turn
 * pays a TCP and TLS handshake).  Servers end it at once; one that
 * keeps it open gets DONE_GRACE_S, then the connection is closed. */
typedef struct
{
  GCancellable *cancellable;
  GSource      *timeout;
} Drain;

static void
drain_free (Drain *drain)
{
  g_source_destroy (drain->timeout);
  g_source_unref (drain->timeout);
  g_object_unref (drain->cancellable);
  g_free (drain);
}

static gboolean
drain_timed_out (gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_drained (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Drain *drain = user_data;
  GInputStream *body = G_INPUT_STREAM (source);

  if (g_input_stream_skip_finish (body, result, NULL) > 0)
    g_input_stream_skip_async (body, G_MAXSSIZE, G_PRIORITY_LOW, drain->cancellable, on_drained, drain);
  else
    drain_free (drain);
}

static void
drain_body (GInputStream *body)
{
  Drain *drain = g_new0 (Drain, 1);

  drain->cancellable = g_cancellable_new ();
  drain->timeout = g_timeout_source_new_seconds (DONE_GRACE_S);
  g_source_set_callback (drain->timeout, drain_timed_out,
                         g_object_ref (drain->cancellable), g_object_unref);
  g_source_attach (drain->timeout, g_main_context_get_thread_default ());
  g_input_stream_skip_async (body, G_MAXSSIZE, G_PRIORITY_LOW, drain->cancellable, on_drained, drain);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  CfaiChatStream *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          finish_run (task, g_steal_pointer (&error));
          return;
        }
      set_truncated (self);
      finish_run (task, g_error_new (CFAI_ERROR, CFAI_ERROR_TRUNCATED_STREAM,
                                     _("The stream was cut after %u characters: %s. "
                                       "The text that arrived is kept."),
                                     (guint) g_utf8_strlen (self->text->str, self->text->len),
                                     error->message));
      return;
    }

  if (n == 0)
    {
      if (!cfai_sse_parser_finish (self->parser, &error))
        {
          finish_run (task, g_steal_pointer (&error));
          return;
        }
      if (!self->saw_done)
        {
          set_truncated (self);
          finish_run (task, g_error_new (CFAI_ERROR, CFAI_ERROR_TRUNCATED_STREAM,
                                         _("The stream was cut: the connection closed after "
                                           "%u characters, before the answer was complete. "
                                           "The text that arrived is kept."),
                                         (guint) g_utf8_strlen (self->text->str, self->text->len)));
          return;
        }
      finish_run (task, NULL);
      return;
    }

  if (!cfai_sse_parser_feed (self->parser, (const char *) self->buffer, n, &error))
    {
      finish_run (task, g_steal_pointer (&error));
      return;
    }

  /* [DONE] ends the answer at once, whenever the body ends. */
  if (self->saw_done)
    {
      drain_body (self->body);
      finish_run (task, NULL);
      return;
    }

  read_next (task);
}

static void
read_next (GTask *task)
{
  CfaiChatStream *self = g_task_get_source_object (task);

  g_input_stream_read_async (self->body, self->buffer, READ_SIZE, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (task), on_read, task);
}

/* A JSON answer: either to a non-streaming request, or the plain JSON that
 * some models send even when asked to stream. */
static GError *
apply_json_answer (CfaiChatStream *self,
                   GBytes         *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = NULL;
  const CfaiStreamDelta *delta;

  CfaiResponseInfo *info = _cfai_run_get_info (CFAI_RUN (self));

  result = cfai_envelope_parse (info->http_status, info->content_type, body,
                                NULL, NULL, &error);
  if (result == NULL)
    return g_steal_pointer (&error);

  if (!JSON_NODE_HOLDS_OBJECT (result))
    return g_error_new (CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                        _("The server's answer has no text in it (the result is not an object)."));

  /* The result object has the same shape as one native stream event
   * ({"response": …, "usage": …}) or one chat completion ({"choices": …}),
   * so the stream decoder reads it too. */
  delta = cfai_stream_decoder_decode_object (self->decoder, json_node_get_object (result), &error);
  if (delta == NULL)
    return g_steal_pointer (&error);
  apply_delta (self, delta);
  /* A complete JSON answer has no [DONE] and is not truncated. */
  if (self->usage_kind == CFAI_USAGE_INCREMENTAL)
    self->usage_kind = CFAI_USAGE_CUMULATIVE;
  self->saw_done = TRUE;
  return NULL;
}

static void
on_json_body_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  CfaiChatStream *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, &error) < 0)
    {
      finish_run (task, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                          ? g_steal_pointer (&error)
                          : g_error_new (CFAI_ERROR, CFAI_ERROR_TRUNCATED_STREAM,
                                         _("The answer was cut off: %s"), error->message));
      return;
    }
  body = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (source));
  finish_run (task, apply_json_answer (self, body));
}

static void
on_stream_opened (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  CfaiChatStream *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  const char *content_type;

  self->body = _cfai_run_send_finish (CFAI_RUN (self), result, &error);
  if (self->body == NULL)
    {
      finish_run (task, g_steal_pointer (&error));
      return;
    }

  content_type = _cfai_run_get_info (CFAI_RUN (self))->content_type;
  if (g_strcmp0 (content_type, "text/event-stream") == 0)
    {
      self->buffer = g_malloc (READ_SIZE);
      self->parser = cfai_sse_parser_new (CFAI_SSE_PARSER_DEFAULT_MAX_SIZE);
      cfai_sse_parser_set_callbacks (self->parser, on_sse_event, NULL, self);
      read_next (task);
    }
  else if (cfai_envelope_content_type_is_json (content_type))
    {
      g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();

      g_output_stream_splice_async (sink, self->body,
                                    G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                    G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                    G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                    on_json_body_read, task);
    }
  else
    finish_run (task, g_error_new (CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                                   _("The server answered with “%s” instead of text. "
                                     "Check the API base URL and the model."),
                                   content_type ? content_type : _("no content type")));
}

static void
cfai_chat_stream_start (CfaiRun *run,
                        GTask   *task)
{
  CfaiChatStream *self = CFAI_CHAT_STREAM (run);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  self->decoder = cfai_stream_decoder_new ();
  body = cfai_chat_request_to_json (self->request, &error);
  if (body == NULL)
    {
      finish_run (task, g_steal_pointer (&error));
      return;
    }

  _cfai_run_send_async (run, TRUE, "application/json", body,
                        cfai_chat_request_get_session_key (self->request),
                        task, on_stream_opened);
}

/**
 * cfai_chat_stream_get_text:
 *
 * Returns: the answer so far, without the thinking: text that a lone
 *   </think> showed to be reasoning has moved to the reasoning
 */
const char *
cfai_chat_stream_get_text (CfaiChatStream *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STREAM (self), NULL);
  return self->text->str;
}

/**
 * cfai_chat_stream_get_reasoning:
 *
 * Returns: the reasoning so far: what came as reasoning or inside
 *   <think> tags and, appended when a lone </think> came, the text that
 *   it showed to be reasoning
 */
const char *
cfai_chat_stream_get_reasoning (CfaiChatStream *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STREAM (self), NULL);
  return self->reasoning->str;
}

const char *
cfai_chat_stream_get_finish_reason (CfaiChatStream *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STREAM (self), NULL);
  return self->finish_reason;
}

gboolean
cfai_chat_stream_get_usage (CfaiChatStream *self,
                            gint64         *prompt_tokens,
                            gint64         *completion_tokens,
                            gint64         *total_tokens)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STREAM (self), FALSE);

  if (prompt_tokens != NULL)
    *prompt_tokens = self->usage.prompt_tokens;
  if (completion_tokens != NULL)
    *completion_tokens = self->usage.completion_tokens;
  if (total_tokens != NULL)
    *total_tokens = self->usage.total_tokens;
  return self->usage_kind != CFAI_USAGE_NONE;
}

/**
 * cfai_chat_stream_get_cached_tokens:
 *
 * Returns: how many prompt tokens came from the prompt cache
 *   (usage.prompt_tokens_details.cached_tokens), or -1 when the server
 *   did not say
 */
gint64
cfai_chat_stream_get_cached_tokens (CfaiChatStream *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STREAM (self), -1);

  return self->usage_kind != CFAI_USAGE_NONE ? self->usage.cached_tokens : -1;
}

/**
 * cfai_chat_stream_get_neurons:
 *
 * Returns: the neurons Workers AI reported for the answer (usage.neurons
 *   of its final event, or of a JSON answer), or -1 when it did not say
 *   (classic models' streams, OpenAI-style servers)
 */
double
cfai_chat_stream_get_neurons (CfaiChatStream *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STREAM (self), -1);

  return self->usage_kind != CFAI_USAGE_NONE ? self->usage.neurons : -1;
}

/**
 * cfai_chat_stream_get_time_to_first_token:
 *
 * The first piece counts whether it came as text or as reasoning, so
 * text later found to be reasoning ("text-reclassified") leaves this as
 * it was.
 *
 * Returns: microseconds from sending to the first text or reasoning, or -1
 */
gint64
cfai_chat_stream_get_time_to_first_token (CfaiChatStream *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STREAM (self), -1);

  if (self->first_token_at < 0)
    return -1;
  return self->first_token_at - _cfai_run_get_started_at (CFAI_RUN (self));
}

/**
 * cfai_chat_stream_get_tokens_per_second:
 *
 * Generation speed after the first token: the server's completion token
 * count when it sent one, otherwise the number of text events (those
 * later found to be reasoning included).
 *
 * Returns: tokens per second, or 0 when it cannot be known yet
 */
double
cfai_chat_stream_get_tokens_per_second (CfaiChatStream *self)
{
  double seconds;
  double tokens;

  g_return_val_if_fail (CFAI_IS_CHAT_STREAM (self), 0);

  if (self->first_token_at < 0 || self->last_token_at <= self->first_token_at)
    return 0;
  seconds = (self->last_token_at - self->first_token_at) / (double) G_USEC_PER_SEC;
  tokens = self->usage_kind != CFAI_USAGE_NONE && self->usage.completion_tokens > 0
           ? self->usage.completion_tokens : self->n_text_events;
  /* The first token opens the interval, so it is not counted in it. */
  return tokens > 1 ? (tokens - 1) / seconds : 0;
}

gboolean
cfai_chat_stream_get_truncated (CfaiChatStream *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_STREAM (self), FALSE);
  return self->truncated;
}
