/* cfai-conversation.h — one chat: its settings and its messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cfai-chat-request.h"
#include "cfai-message.h"
#include "cfai-store-types.h"

G_BEGIN_DECLS

#define CFAI_TYPE_CONVERSATION (cfai_conversation_get_type ())

G_DECLARE_FINAL_TYPE (CfaiConversation, cfai_conversation, CFAI, CONVERSATION, GObject)

/* How long an automatic title may be, in characters. */
#define CFAI_CONVERSATION_TITLE_LENGTH 48

char             *cfai_conversation_title_from_text     (const char       *text,
                                                         guint             max_chars);

CfaiChatStore    *cfai_conversation_get_store           (CfaiConversation *self);
gint64            cfai_conversation_get_id              (CfaiConversation *self);
const char       *cfai_conversation_get_title           (CfaiConversation *self);
const char       *cfai_conversation_get_display_title   (CfaiConversation *self);
gboolean          cfai_conversation_get_title_is_custom (CfaiConversation *self);
void              cfai_conversation_rename              (CfaiConversation *self,
                                                         const char       *title);
const char       *cfai_conversation_get_model           (CfaiConversation *self);
void              cfai_conversation_set_model           (CfaiConversation *self,
                                                         const char       *model);
const char       *cfai_conversation_get_system_prompt   (CfaiConversation *self);
void              cfai_conversation_set_system_prompt   (CfaiConversation *self,
                                                         const char       *system_prompt);
gint64            cfai_conversation_get_max_tokens      (CfaiConversation *self);
void              cfai_conversation_set_max_tokens      (CfaiConversation *self,
                                                         gint64            max_tokens);
double            cfai_conversation_get_temperature     (CfaiConversation *self);
void              cfai_conversation_set_temperature     (CfaiConversation *self,
                                                         double            temperature);
double            cfai_conversation_get_top_p           (CfaiConversation *self);
void              cfai_conversation_set_top_p           (CfaiConversation *self,
                                                         double            top_p);
gint64            cfai_conversation_get_seed            (CfaiConversation *self);
void              cfai_conversation_set_seed            (CfaiConversation *self,
                                                         gint64            seed);
const char       *cfai_conversation_get_reasoning_effort (CfaiConversation *self);
void              cfai_conversation_set_reasoning_effort (CfaiConversation *self,
                                                         const char       *effort);
const char       *cfai_conversation_get_lora            (CfaiConversation *self);
void              cfai_conversation_set_lora            (CfaiConversation *self,
                                                         const char       *lora);
const char       *cfai_conversation_get_session_key     (CfaiConversation *self);
gboolean          cfai_conversation_get_pinned          (CfaiConversation *self);
void              cfai_conversation_set_pinned          (CfaiConversation *self,
                                                         gboolean          pinned);
gint64            cfai_conversation_get_created_at      (CfaiConversation *self);
gint64            cfai_conversation_get_updated_at      (CfaiConversation *self);
guint             cfai_conversation_get_message_count   (CfaiConversation *self);
gboolean          cfai_conversation_is_blank            (CfaiConversation *self,
                                                         const char       *default_system_prompt);
const char       *cfai_conversation_get_draft           (CfaiConversation *self);
void              cfai_conversation_set_draft           (CfaiConversation *self,
                                                         const char       *text);

GListModel       *cfai_conversation_get_messages        (CfaiConversation *self);
gboolean          cfai_conversation_get_loaded          (CfaiConversation *self);
void              cfai_conversation_load_async          (CfaiConversation *self,
                                                         GCancellable     *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer          user_data);
gboolean          cfai_conversation_load_finish         (CfaiConversation *self,
                                                         GAsyncResult     *result,
                                                         GError          **error);

CfaiMessage      *cfai_conversation_add_message         (CfaiConversation *self,
                                                         CfaiChatRole      role,
                                                         const char       *content);
CfaiMessage      *cfai_conversation_begin_answer        (CfaiConversation *self);
CfaiMessage      *cfai_conversation_begin_retry         (CfaiConversation *self,
                                                         CfaiMessage      *retried);
void              cfai_conversation_delete_message      (CfaiConversation *self,
                                                         CfaiMessage      *message);
char             *cfai_conversation_dup_params_json     (CfaiConversation *self);
CfaiChatRequest  *cfai_conversation_build_request       (CfaiConversation *self);

G_END_DECLS
