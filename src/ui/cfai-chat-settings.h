/* cfai-chat-settings.h — the settings of one chat, in a side panel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cfai-conversation.h"
#include "cfai-model-catalog.h"

G_BEGIN_DECLS

#define CFAI_TYPE_CHAT_SETTINGS (cfai_chat_settings_get_type ())

G_DECLARE_FINAL_TYPE (CfaiChatSettings, cfai_chat_settings, CFAI, CHAT_SETTINGS, AdwBin)

/* The range of the max tokens row when the catalog does not know the
 * model's context window: the Preferences default's own range. */
#define CFAI_CHAT_SETTINGS_MAX_TOKENS_LIMIT 131072

GtkWidget        *cfai_chat_settings_new              (void);
CfaiConversation *cfai_chat_settings_get_conversation (CfaiChatSettings *self);
void              cfai_chat_settings_set_conversation (CfaiChatSettings *self,
                                                       CfaiConversation *conversation);
CfaiModelCatalog *cfai_chat_settings_get_catalog      (CfaiChatSettings *self);
void              cfai_chat_settings_set_catalog      (CfaiChatSettings *self,
                                                       CfaiModelCatalog *catalog);
void              cfai_chat_settings_focus            (CfaiChatSettings *self);

G_END_DECLS
