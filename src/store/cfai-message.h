/* cfai-message.h — one message of a conversation, which a stream appends to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cfai-attachment.h"
#include "cfai-chat-request.h"
#include "cfai-store-types.h"

G_BEGIN_DECLS

#define CFAI_TYPE_MESSAGE (cfai_message_get_type ())

G_DECLARE_FINAL_TYPE (CfaiMessage, cfai_message, CFAI, MESSAGE, GObject)

gint64            cfai_message_get_id                  (CfaiMessage      *self);
gint64            cfai_message_get_conversation_id     (CfaiMessage      *self);
gint64            cfai_message_get_parent_id           (CfaiMessage      *self);
CfaiConversation *cfai_message_get_conversation        (CfaiMessage      *self);
CfaiChatRole      cfai_message_get_role                (CfaiMessage      *self);
const char       *cfai_message_get_role_name           (CfaiMessage      *self);
const char       *cfai_message_get_content             (CfaiMessage      *self);
gsize             cfai_message_get_content_length      (CfaiMessage      *self);
const char       *cfai_message_get_reasoning           (CfaiMessage      *self);
gsize             cfai_message_get_reasoning_length    (CfaiMessage      *self);
const char       *cfai_message_get_model               (CfaiMessage      *self);
const char       *cfai_message_get_params              (CfaiMessage      *self);
CfaiMessageState  cfai_message_get_state               (CfaiMessage      *self);
const char       *cfai_message_get_finish_reason       (CfaiMessage      *self);
gint64            cfai_message_get_prompt_tokens       (CfaiMessage      *self);
gint64            cfai_message_get_completion_tokens   (CfaiMessage      *self);
gint64            cfai_message_get_cached_tokens       (CfaiMessage      *self);
double            cfai_message_get_neurons             (CfaiMessage      *self);
const char       *cfai_message_get_gateway_cache_status (CfaiMessage     *self);
gint64            cfai_message_get_time_to_first_token_ms (CfaiMessage   *self);
gint64            cfai_message_get_total_ms            (CfaiMessage      *self);
double            cfai_message_get_tokens_per_second   (CfaiMessage      *self);
const GError     *cfai_message_get_error               (CfaiMessage      *self);
const char       *cfai_message_get_error_message       (CfaiMessage      *self);
gint64            cfai_message_get_created_at          (CfaiMessage      *self);
gint64            cfai_message_get_updated_at          (CfaiMessage      *self);
guint             cfai_message_get_n_attachments       (CfaiMessage      *self);
CfaiAttachment   *cfai_message_get_attachment          (CfaiMessage      *self,
                                                        guint             index);

/* What a stream calls.  Each notifies; appends while STREAMING are saved
 * at least once a second, everything else at once (off the main thread). */
void              cfai_message_append_content          (CfaiMessage      *self,
                                                        const char       *delta,
                                                        gssize            length);
void              cfai_message_append_reasoning        (CfaiMessage      *self,
                                                        const char       *delta,
                                                        gssize            length);
void              cfai_message_set_content             (CfaiMessage      *self,
                                                        const char       *content);
void              cfai_message_set_reasoning           (CfaiMessage      *self,
                                                        const char       *reasoning);
void              cfai_message_set_model               (CfaiMessage      *self,
                                                        const char       *model);
void              cfai_message_set_params              (CfaiMessage      *self,
                                                        const char       *params_json);
void              cfai_message_set_state               (CfaiMessage      *self,
                                                        CfaiMessageState  state);
void              cfai_message_set_finish_reason       (CfaiMessage      *self,
                                                        const char       *finish_reason);
void              cfai_message_set_usage               (CfaiMessage      *self,
                                                        gint64            prompt_tokens,
                                                        gint64            completion_tokens,
                                                        gint64            cached_tokens,
                                                        double            neurons);
void              cfai_message_set_gateway_cache_status (CfaiMessage     *self,
                                                        const char       *status);
void              cfai_message_set_timings             (CfaiMessage      *self,
                                                        gint64            time_to_first_token_ms,
                                                        gint64            total_ms,
                                                        double            tokens_per_second);
void              cfai_message_set_error               (CfaiMessage      *self,
                                                        const GError     *error);
void              cfai_message_add_attachment          (CfaiMessage      *self,
                                                        CfaiAttachment   *attachment);

G_END_DECLS
