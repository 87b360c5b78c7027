/* cfai-chat-row.h — one conversation in the sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cfai-conversation.h"

G_BEGIN_DECLS

#define CFAI_TYPE_CHAT_ROW (cfai_chat_row_get_type ())

G_DECLARE_FINAL_TYPE (CfaiChatRow, cfai_chat_row, CFAI, CHAT_ROW, GtkWidget)

CfaiConversation *cfai_chat_row_get_conversation (CfaiChatRow      *self);
void              cfai_chat_row_set_conversation (CfaiChatRow      *self,
                                                  CfaiConversation *conversation);

G_END_DECLS
