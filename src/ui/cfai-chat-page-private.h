/* cfai-chat-page-private.h — what cfai-chat-page.c and its actions share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cfai-chat-page.h"
#include "cfai-chat-stream.h"
#include "cfai-message-row-pool.h"
#include "cfai-model-catalog.h"

G_BEGIN_DECLS

struct _CfaiChatPage
{
  GtkWidget         parent_instance;

  CfaiConversation *conversation;
  GCancellable     *cancellable;

  /* The answer being streamed, if any. */
  CfaiChatStream   *stream;
  CfaiMessage      *answer;
  gint64            reasoning_started_us;
  gboolean          stop_requested;

  GPtrArray        *pending_images;   /* CfaiAttachment, for the next message */
  gboolean          restoring_draft;
  gboolean          following;        /* keep the newest text in view */
  gboolean          scrolling;        /* our own change to the adjustment */
  guint             follow_tick;
  gboolean          settle_at_end;    /* in the next allocation: rows were added, or following */
  double            last_upper;       /* of the adjustment, at its last value change */
  CfaiMessageRowPool *row_pool;       /* the list's rows, kept for their messages */

  GtkScrolledWindow *scroller;
  GtkListView      *message_list;
  GtkWidget        *jump_button;
  GtkTextView      *composer;
  GtkStack         *send_stack;
  GtkWidget        *attachments_box;
  GtkLabel         *composer_notice;
};

CfaiClient       *cfai_chat_page_get_client      (CfaiChatPage *self);
CfaiModelCatalog *cfai_chat_page_get_catalog     (CfaiChatPage *self);
void              cfai_chat_page_set_notice      (CfaiChatPage *self,
                                                  const char   *text);
void              cfai_chat_page_start_answer    (CfaiChatPage    *self,
                                                  CfaiMessage     *answer,
                                                  CfaiChatRequest *request,
                                                  CfaiMessage     *images_from);
void              cfai_chat_page_add_file        (CfaiChatPage *self,
                                                  GFile        *file);
void              cfai_chat_page_update_attachments (CfaiChatPage *self);
void              cfai_chat_page_follow          (CfaiChatPage *self);
void              _cfai_chat_page_class_actions_init (GtkWidgetClass *widget_class);
void              _cfai_chat_page_class_images_init  (GtkWidgetClass *widget_class);
void              _cfai_chat_page_images_init        (CfaiChatPage   *self);
void              _cfai_chat_page_update_actions (CfaiChatPage *self);

G_END_DECLS
