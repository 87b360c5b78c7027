/* cfai-chat-page.h — one conversation: its messages and the composer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cfai-conversation.h"

G_BEGIN_DECLS

#define CFAI_TYPE_CHAT_PAGE (cfai_chat_page_get_type ())

G_DECLARE_FINAL_TYPE (CfaiChatPage, cfai_chat_page, CFAI, CHAT_PAGE, GtkWidget)

GtkWidget        *cfai_chat_page_new              (CfaiConversation *conversation);
CfaiConversation *cfai_chat_page_get_conversation (CfaiChatPage     *self);
const char       *cfai_chat_page_get_title        (CfaiChatPage     *self);
gboolean          cfai_chat_page_get_busy         (CfaiChatPage     *self);
void              cfai_chat_page_focus_composer   (CfaiChatPage     *self);
GtkTextView      *cfai_chat_page_get_composer     (CfaiChatPage     *self);
guint             cfai_chat_page_get_n_attachments (CfaiChatPage    *self);
void              cfai_chat_page_add_image        (CfaiChatPage     *self,
                                                   GBytes           *bytes,
                                                   const char       *mime_type);

G_END_DECLS
