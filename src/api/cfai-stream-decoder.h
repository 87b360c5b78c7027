/* cfai-stream-decoder.h — turns Workers AI stream events into text deltas
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _CfaiStreamDecoder CfaiStreamDecoder;

typedef enum
{
  CFAI_USAGE_NONE,         /* the event carried no usage */
  CFAI_USAGE_INCREMENTAL,  /* from a chat-completions chunk: counts this chunk only */
  CFAI_USAGE_CUMULATIVE,   /* from the native final event: totals for the whole answer */
} CfaiUsageKind;

typedef struct
{
  gint64 prompt_tokens;
  gint64 completion_tokens;
  gint64 total_tokens;
  gint64 cached_tokens;    /* usage.prompt_tokens_details.cached_tokens, or -1 */
  double neurons;          /* usage.neurons, what Workers AI billed, or -1 */
} CfaiUsage;

/* One event's worth of change.  Strings are NUL-terminated, never NULL
 * ("" when the event had none), and belong to the decoder: they stay valid
 * until its next call. */
typedef struct
{
  const char    *text;           /* answer text, with <think>…</think> moved out */
  gsize          text_len;
  const char    *reasoning;      /* reasoning text, from the chunk or from <think> tags */
  gsize          reasoning_len;
  const char    *finish_reason;  /* "stop", "length", "tool_calls", …, or NULL */
  CfaiUsageKind  usage_kind;
  CfaiUsage      usage;          /* meaningful unless usage_kind is CFAI_USAGE_NONE */
  gboolean       done;           /* this was the [DONE] sentinel */
  /* A lone </think> came (see cfai-stream-decoder.c): the text of every
   * earlier delta of this stream was reasoning, and belongs at the end of
   * the reasoning so far, before this delta's reasoning.  Set once at most
   * per stream. */
  gboolean       text_was_reasoning;
} CfaiStreamDelta;

CfaiStreamDecoder     *cfai_stream_decoder_new       (void);
void                   cfai_stream_decoder_free      (CfaiStreamDecoder  *self);
const CfaiStreamDelta *cfai_stream_decoder_decode    (CfaiStreamDecoder  *self,
                                                      const char         *data,
                                                      gsize               len,
                                                      GError            **error);
const CfaiStreamDelta *cfai_stream_decoder_decode_object (CfaiStreamDecoder  *self,
                                                         JsonObject         *object,
                                                         GError            **error);
const CfaiStreamDelta *cfai_stream_decoder_finish    (CfaiStreamDecoder  *self);
CfaiUsageKind          cfai_stream_decoder_get_usage (CfaiStreamDecoder  *self,
                                                      CfaiUsage          *usage);
void                   cfai_stream_decoder_reset     (CfaiStreamDecoder  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfaiStreamDecoder, cfai_stream_decoder_free)

G_END_DECLS
