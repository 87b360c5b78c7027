/* cfai-chat-page-actions.c — what a chat page does: chat.send, chat.stop…
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-application.h"
#include "cfai-chat-page-private.h"
#include "cfai-format.h"
#include "cfai-image-file-dialog.h"
#include "cfai-model.h"

/* What Continue asks for: the answer so far is in the history. */
#define CONTINUE_PROMPT "Continue exactly where your previous answer stopped, without repeating it."

static CfaiMessage *
dup_last_message (CfaiChatPage *self)
{
  GListModel *messages = cfai_conversation_get_messages (self->conversation);
  guint n = g_list_model_get_n_items (messages);

  return n > 0 ? g_list_model_get_item (messages, n - 1) : NULL;
}

static CfaiMessage *
dup_last_user_message (CfaiChatPage *self)
{
  GListModel *messages = cfai_conversation_get_messages (self->conversation);
  guint n = g_list_model_get_n_items (messages);

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(CfaiMessage) message = g_list_model_get_item (messages, i - 1);

      if (cfai_message_get_role (message) == CFAI_CHAT_ROLE_USER)
        return g_steal_pointer (&message);
    }
  return NULL;
}

void
_cfai_chat_page_update_actions (CfaiChatPage *self)
{
  gboolean busy = self->answer != NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer);
  gboolean has_text = gtk_text_buffer_get_char_count (buffer) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.send",
                                 !busy && (has_text || self->pending_images->len > 0));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.stop", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.continue", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.retry", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.trim-history", !busy);
  gtk_stack_set_visible_child_name (self->send_stack, busy ? "stop" : "send");
}

/* A model that cannot see images is said so before anything is sent. */
static gboolean
check_images (CfaiChatPage *self)
{
  CfaiModelCatalog *catalog = cfai_chat_page_get_catalog (self);
  const char *model_id = cfai_conversation_get_model (self->conversation);
  CfaiModel *model = catalog != NULL && model_id != NULL ? cfai_model_catalog_lookup (catalog, model_id) : NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (self->pending_images->len == 0 || (model != NULL && cfai_model_get_vision (model)))
    return TRUE;

  name = cfai_format_model_name (catalog, model_id);
  text = g_strdup_printf (_("%s cannot see images. Choose a model with vision, or remove the images."),
                          name);
  cfai_chat_page_set_notice (self, text);
  return FALSE;
}

static void
send_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  CfaiChatPage *self = CFAI_CHAT_PAGE (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer);
  g_autoptr(CfaiChatRequest) request = NULL;
  g_autofree char *text = NULL;
  GtkTextIter start, end;
  CfaiMessage *user;
  CfaiMessage *answer;

  if (self->answer != NULL)
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  if (*text == '\0' && self->pending_images->len == 0)
    return;
  if (cfai_conversation_get_model (self->conversation) == NULL)
    {
      cfai_chat_page_set_notice (self, _("Choose a model for this chat first."));
      return;
    }
  if (!check_images (self))
    return;

  user = cfai_conversation_add_message (self->conversation, CFAI_CHAT_ROLE_USER, text);
  for (guint i = 0; i < self->pending_images->len; i++)
    cfai_message_add_attachment (user, g_ptr_array_index (self->pending_images, i));
  g_ptr_array_set_size (self->pending_images, 0);
  cfai_chat_page_update_attachments (self);

  /* The draft goes with the text. */
  gtk_text_buffer_set_text (buffer, "", -1);

  answer = cfai_conversation_begin_answer (self->conversation);
  request = cfai_conversation_build_request (self->conversation);
  cfai_chat_page_start_answer (self, answer, request, user);
}

static void
stop_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  CfaiChatPage *self = CFAI_CHAT_PAGE (widget);

  if (self->answer == NULL)
    return;

  self->stop_requested = TRUE;
  if (self->stream != NULL)
    {
      /* Closes the transfer at once; the run ends cancelled and the
       * answer keeps its text, marked stopped. */
      cfai_run_cancel (CFAI_RUN (self->stream));
      return;
    }

  /* Still looking up the model's schema: nothing was sent yet. */
  cfai_message_set_state (self->answer, CFAI_MESSAGE_STATE_STOPPED);
  g_clear_object (&self->answer);
  g_object_notify (G_OBJECT (self), "busy");
  _cfai_chat_page_update_actions (self);
}

/* More of an answer cut at the token limit, appended to the same message. */
static void
continue_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  CfaiChatPage *self = CFAI_CHAT_PAGE (widget);
  g_autoptr(CfaiMessage) last = dup_last_message (self);
  g_autoptr(CfaiChatRequest) request = NULL;

  if (self->answer != NULL || last == NULL ||
      cfai_message_get_role (last) != CFAI_CHAT_ROLE_ASSISTANT)
    return;

  /* Built while the answer is complete, so it is part of the history. */
  request = cfai_conversation_build_request (self->conversation);
  cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, CONTINUE_PROMPT);
  cfai_message_set_finish_reason (last, NULL);
  cfai_message_set_error (last, NULL);
  cfai_message_set_state (last, CFAI_MESSAGE_STATE_STREAMING);
  /* The button pressed goes away with the mark; typing carries on. */
  cfai_chat_page_focus_composer (self);
  cfai_chat_page_start_answer (self, last, request, NULL);
}

/* A failed, cut or stopped answer is asked for again.  Nothing is
 * overwritten: an answer with text (cut or stopped) stays, and the new
 * one is its sibling — an assistant message with the same parent, the
 * question — which supersedes it in the history sent from now on (see
 * cfai_conversation_build_request()).  A failed answer without text holds
 * only its error, which the new attempt replaces. */
static void
retry_action (GtkWidget  *widget,
              const char *name,
              GVariant   *param)
{
  CfaiChatPage *self = CFAI_CHAT_PAGE (widget);
  g_autoptr(CfaiMessage) last = dup_last_message (self);
  g_autoptr(CfaiMessage) user = NULL;
  g_autoptr(CfaiChatRequest) request = NULL;
  CfaiMessage *answer;
  gboolean keep;

  if (self->answer != NULL || last == NULL)
    return;

  keep = cfai_message_get_role (last) == CFAI_CHAT_ROLE_ASSISTANT && cfai_message_get_content_length (last) > 0;
  if (cfai_message_get_role (last) == CFAI_CHAT_ROLE_ASSISTANT && !keep)
    cfai_conversation_delete_message (self->conversation, last);
  user = dup_last_user_message (self);
  if (user == NULL)
    return;

  cfai_chat_page_focus_composer (self);
  answer = keep ? cfai_conversation_begin_retry (self->conversation, last)
                : cfai_conversation_begin_answer (self->conversation);
  request = cfai_conversation_build_request (self->conversation);
  cfai_chat_page_start_answer (self, answer, request, user);
}

/* Too long for the model's context window: the oldest half of the
 * history goes (never the question being asked), then the answer is
 * asked for again. */
static void
trim_history_action (GtkWidget  *widget,
                     const char *name,
                     GVariant   *param)
{
  CfaiChatPage *self = CFAI_CHAT_PAGE (widget);
  GListModel *messages = cfai_conversation_get_messages (self->conversation);
  g_autoptr(CfaiMessage) user = dup_last_user_message (self);
  guint n = g_list_model_get_n_items (messages);
  guint n_trim = 0;
  g_autoptr(GPtrArray) doomed = g_ptr_array_new_with_free_func (g_object_unref);

  if (self->answer != NULL || user == NULL)
    return;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CfaiMessage) message = g_list_model_get_item (messages, i);

      if (message == user)
        break;
      n_trim++;
    }
  n_trim = MAX (n_trim / 2, MIN (n_trim, 2));
  for (guint i = 0; i < n_trim; i++)
    g_ptr_array_add (doomed, g_list_model_get_item (messages, i));
  for (guint i = 0; i < doomed->len; i++)
    cfai_conversation_delete_message (self->conversation, g_ptr_array_index (doomed, i));

  {
    g_autofree char *text = g_strdup_printf (ngettext ("Removed the oldest message",
                                                       "Removed the %u oldest messages", n_trim),
                                             n_trim);
    gtk_accessible_announce (GTK_ACCESSIBLE (self), text, GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_MEDIUM);
  }

  retry_action (widget, "chat.retry", NULL);
}

static void
choose_model_action (GtkWidget  *widget,
                     const char *name,
                     GVariant   *param)
{
  gtk_widget_activate_action (widget, "win.choose-model", NULL);
}

static void
delete_message_action (GtkWidget  *widget,
                       const char *name,
                       GVariant   *param)
{
  CfaiChatPage *self = CFAI_CHAT_PAGE (widget);
  GListModel *messages = cfai_conversation_get_messages (self->conversation);
  gint64 id = g_variant_get_int64 (param);
  guint n = g_list_model_get_n_items (messages);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CfaiMessage) message = g_list_model_get_item (messages, i);

      if (cfai_message_get_id (message) != id)
        continue;
      /* The answer being streamed is stopped first. */
      if (message == self->answer)
        return;
      cfai_conversation_delete_message (self->conversation, message);
      return;
    }
}

static void
jump_to_bottom_action (GtkWidget  *widget,
                       const char *name,
                       GVariant   *param)
{
  cfai_chat_page_follow (CFAI_CHAT_PAGE (widget));
}

static void
on_files_chosen (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CfaiChatPage) self = user_data;
  g_autoptr(GListModel) files = gtk_file_dialog_open_multiple_finish (GTK_FILE_DIALOG (source), result, NULL);
  guint n = files != NULL ? g_list_model_get_n_items (files) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);

      cfai_chat_page_add_file (self, file);
    }
}

static void
attach_action (GtkWidget  *widget,
               const char *name,
               GVariant   *param)
{
  CfaiChatPage *self = CFAI_CHAT_PAGE (widget);
  g_autoptr(GtkFileDialog) dialog = cfai_image_file_dialog_new (_("Attach Images"));

  gtk_file_dialog_open_multiple (dialog, GTK_WINDOW (gtk_widget_get_root (widget)),
                                 self->cancellable, on_files_chosen, g_object_ref (self));
}

void
_cfai_chat_page_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "chat.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "chat.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "chat.continue", NULL, continue_action);
  gtk_widget_class_install_action (widget_class, "chat.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "chat.trim-history", NULL, trim_history_action);
  gtk_widget_class_install_action (widget_class, "chat.choose-model", NULL, choose_model_action);
  gtk_widget_class_install_action (widget_class, "chat.delete-message", "x", delete_message_action);
  gtk_widget_class_install_action (widget_class, "chat.jump-to-bottom", NULL, jump_to_bottom_action);
  gtk_widget_class_install_action (widget_class, "chat.attach", NULL, attach_action);

  cfai_application_add_shortcut_bindings (widget_class, "chat.");
}
