/* cfai-chat-stream.h — one answer from a text-generation model, as it arrives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-chat-request.h"
#include "cfai-run.h"

G_BEGIN_DECLS

#define CFAI_TYPE_CHAT_STREAM (cfai_chat_stream_get_type ())

G_DECLARE_FINAL_TYPE (CfaiChatStream, cfai_chat_stream, CFAI, CHAT_STREAM, CfaiRun)

CfaiChatStream *cfai_chat_stream_new                   (CfaiClient      *client,
                                                        CfaiChatRequest *request);

const char     *cfai_chat_stream_get_text              (CfaiChatStream  *self);
const char     *cfai_chat_stream_get_reasoning         (CfaiChatStream  *self);
const char     *cfai_chat_stream_get_finish_reason     (CfaiChatStream  *self);
gboolean        cfai_chat_stream_get_usage             (CfaiChatStream  *self,
                                                        gint64          *prompt_tokens,
                                                        gint64          *completion_tokens,
                                                        gint64          *total_tokens);
gint64          cfai_chat_stream_get_cached_tokens     (CfaiChatStream  *self);
double          cfai_chat_stream_get_neurons           (CfaiChatStream  *self);
gint64          cfai_chat_stream_get_time_to_first_token (CfaiChatStream *self);
double          cfai_chat_stream_get_tokens_per_second (CfaiChatStream  *self);
gboolean        cfai_chat_stream_get_truncated         (CfaiChatStream  *self);

G_END_DECLS
