/* cfai-chat-store.h — every conversation, owned by the application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cfai-conversation.h"
#include "cfai-message.h"
#include "cfai-store-types.h"

G_BEGIN_DECLS

/* What a new conversation starts from: the UI fills it from GSettings.
 * Strings may be NULL; max_tokens must be > 0 (Workers AI's unsent default
 * of 256 cuts answers, so it is always sent); temperature, top_p and seed
 * may be CFAI_UNSET. */
typedef struct
{
  const char *model;
  const char *system_prompt;
  gint64      max_tokens;
  double      temperature;
  double      top_p;
  gint64      seed;
  const char *reasoning_effort;
  const char *lora;
} CfaiConversationDefaults;

#define CFAI_TYPE_CHAT_STORE (cfai_chat_store_get_type ())

G_DECLARE_FINAL_TYPE (CfaiChatStore, cfai_chat_store, CFAI, CHAT_STORE, GObject)

/* How often at most a streaming answer goes unsaved, in milliseconds. */
#define CFAI_CHAT_STORE_STREAM_SAVE_INTERVAL 1000

char             *cfai_chat_store_dup_default_path       (void);
CfaiChatStore    *cfai_chat_store_new                    (const char          *path);
const char       *cfai_chat_store_get_path               (CfaiChatStore       *self);
void              cfai_chat_store_load_async             (CfaiChatStore       *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean          cfai_chat_store_load_finish            (CfaiChatStore       *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
gboolean          cfai_chat_store_get_loaded             (CfaiChatStore       *self);
guint             cfai_chat_store_get_n_interrupted      (CfaiChatStore       *self);
GListModel       *cfai_chat_store_get_conversations      (CfaiChatStore       *self);
CfaiConversation *cfai_chat_store_lookup_conversation    (CfaiChatStore       *self,
                                                          gint64               id);
CfaiConversation *cfai_chat_store_create_conversation    (CfaiChatStore       *self,
                                                          const CfaiConversationDefaults *defaults);
void              cfai_chat_store_delete_conversation    (CfaiChatStore       *self,
                                                          CfaiConversation    *conversation);
void              cfai_chat_store_undo_delete_conversation (CfaiChatStore     *self,
                                                          CfaiConversation    *conversation);
void              cfai_chat_store_purge_conversation     (CfaiChatStore       *self,
                                                          CfaiConversation    *conversation);
void              cfai_chat_store_flush_async            (CfaiChatStore       *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean          cfai_chat_store_flush_finish           (CfaiChatStore       *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
gboolean          cfai_chat_store_get_has_unsaved_changes (CfaiChatStore      *self);
const GError     *cfai_chat_store_get_error              (CfaiChatStore       *self);

G_END_DECLS
