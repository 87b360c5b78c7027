/* cfai-message-row.c — one message of a chat, in a recycled list row
 *
 * The list view gives a row a new message whenever it scrolls, so
 * everything here follows cfai_message_row_set_message(): the Markdown
 * view gets the whole text once, then only what each content notify
 * added (the row remembers how much it has shown).  Signals go through
 * one GSignalGroup, so a recycled row never hears its old message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "cfai-application.h"
#include "cfai-conversation.h"
#include "cfai-end-bin.h"
#include "cfai-error.h"
#include "cfai-error-fix.h"
#include "cfai-font-metrics.h"
#include "cfai-format.h"
#include "cfai-markdown-view.h"
#include "cfai-message-row.h"
#include "cfai-text-block.h"

struct _CfaiMessageRow
{
  GtkWidget         parent_instance;

  CfaiMessage      *message;
  GSignalGroup     *message_signals;
  GSignalGroup     *list_signals;   /* on the conversation's messages */
  gsize             shown_length;   /* bytes of content the view has */
  gsize             shown_reasoning;

  GtkWidget        *bubble_row;
  CfaiTextBlock    *user_label;
  GtkWidget        *attachments_box;
  GtkWidget        *answer_box;
  GtkExpander      *thinking_expander;
  GtkLabel         *thinking_label;
  GtkLabel         *reasoning_label;
  GtkWidget        *answer_overlay;
  CfaiMarkdownView *markdown_view;
  GtkLabel         *waiting_label;
  guint             waiting_timeout;
  GtkWidget        *notice_box;
  GtkImage         *notice_icon;
  GtkLabel         *notice_label;
  GtkButton        *notice_button;
  GtkLabel         *usage_label;
  GtkWidget        *actions_box;
  GtkWidget        *continue_button;
  GtkWidget        *retry_button;
};

G_DEFINE_FINAL_TYPE (CfaiMessageRow, cfai_message_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static CfaiModelCatalog *
find_catalog (void)
{
  /* Not through the row's window: the pool keeps rows off the window,
   * still showing their messages, and an answer that completes then
   * would get a usage line without its cost for good. */
  GApplication *app = g_application_get_default ();

  return CFAI_IS_APPLICATION (app) ? cfai_application_get_catalog (CFAI_APPLICATION (app)) : NULL;
}

static gboolean
is_user (CfaiMessageRow *self)
{
  return self->message != NULL && cfai_message_get_role (self->message) == CFAI_CHAT_ROLE_USER;
}

static gboolean
is_last (CfaiMessageRow *self)
{
  CfaiConversation *conversation = cfai_message_get_conversation (self->message);
  GListModel *messages;
  guint n;
  g_autoptr(CfaiMessage) last = NULL;

  if (conversation == NULL)
    return FALSE;
  messages = cfai_conversation_get_messages (conversation);
  n = g_list_model_get_n_items (messages);
  if (n == 0)
    return FALSE;
  last = g_list_model_get_item (messages, n - 1);
  return last == self->message;
}

/* The line under an answer: what it used and cost, and how fast it came. */
static char *
build_usage_text (CfaiMessageRow *self)
{
  CfaiMessage *m = self->message;
  CfaiModelCatalog *catalog = find_catalog ();
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  gint64 in = cfai_message_get_prompt_tokens (m);
  gint64 out = cfai_message_get_completion_tokens (m);
  gint64 cached = cfai_message_get_cached_tokens (m);
  gint64 ttft = cfai_message_get_time_to_first_token_ms (m);
  double tps = cfai_message_get_tokens_per_second (m);
  const char *cache = cfai_message_get_gateway_cache_status (m);
  char *cost;

  if (cfai_message_get_model (m) != NULL)
    g_ptr_array_add (parts, cfai_format_model_name (catalog, cfai_message_get_model (m)));
  if (in >= 0 && out >= 0)
    /* Translators: prompt and answer tokens */
    g_ptr_array_add (parts, g_strdup_printf (_("%" G_GINT64_FORMAT " in, %" G_GINT64_FORMAT " out"), in, out));
  if (cached > 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%" G_GINT64_FORMAT " cached token",
                                                       "%" G_GINT64_FORMAT " cached tokens",
                                                       cached), cached));
  cost = cfai_format_cost (catalog, cfai_message_get_model (m), in, out, cached,
                           cfai_message_get_neurons (m));
  if (cost != NULL)
    g_ptr_array_add (parts, cost);
  if (ttft >= 0)
    {
      g_autofree char *d = cfai_format_duration_ms (ttft);
      /* Translators: time to the first token of an answer */
      g_ptr_array_add (parts, g_strdup_printf (_("first token in %s"), d));
    }
  if (tps > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("%.1f tokens/s"), tps));
  if (cache != NULL && *cache != '\0')
    /* Translators: AI Gateway's cache status, HIT or MISS */
    g_ptr_array_add (parts, g_strdup_printf (_("gateway cache %s"), cache));

  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

typedef struct
{
  const char *icon;
  char       *text;
  const char *button_label;
  const char *action;
} Notice;

/* The specific reason an answer failed, and the one thing that fixes it. */
static void
describe_error (CfaiMessageRow *self,
                Notice         *notice)
{
  g_auto(CfaiErrorFix) fix = { NULL };

  cfai_error_fix_init (&fix, cfai_message_get_error (self->message),
                       cfai_message_get_error_message (self->message), CFAI_ERROR_FIX_CHAT);
  notice->icon = fix.icon;
  notice->text = g_steal_pointer (&fix.text);
  notice->button_label = fix.button_label;
  notice->action = fix.action;
}

static void
update_notice (CfaiMessageRow *self)
{
  CfaiMessageState state = cfai_message_get_state (self->message);
  const char *finish = cfai_message_get_finish_reason (self->message);
  gboolean last = is_last (self);
  Notice notice = { NULL };

  if (state == CFAI_MESSAGE_STATE_ERROR)
    describe_error (self, &notice);
  else if (state == CFAI_MESSAGE_STATE_INTERRUPTED)
    {
      const char *why = cfai_message_get_error_message (self->message);

      notice.icon = "network-error-symbolic";
      notice.text = why != NULL
                    ? g_strdup_printf (_("The answer was cut off: %s"), why)
                    : g_strdup (_("The answer was cut off before it was complete."));
      notice.button_label = _("_Retry");
      notice.action = "chat.retry";
    }
  else if (state == CFAI_MESSAGE_STATE_STOPPED)
    {
      notice.icon = "media-playback-stop-symbolic";
      notice.text = g_strdup (_("Stopped"));
    }
  else if (state == CFAI_MESSAGE_STATE_COMPLETE && g_strcmp0 (finish, "length") == 0)
    {
      notice.icon = "format-justify-fill-symbolic";
      notice.text = g_strdup (_("Cut at the token limit"));
      notice.button_label = _("_Continue");
      notice.action = "chat.continue";
    }

  gtk_widget_set_visible (self->notice_box, notice.text != NULL);
  if (notice.text != NULL)
    {
      gtk_image_set_from_icon_name (self->notice_icon, notice.icon);
      gtk_label_set_text (self->notice_label, notice.text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->notice_button), notice.action != NULL && last);
  if (notice.action != NULL)
    {
      gtk_button_set_label (self->notice_button, notice.button_label);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->notice_button), notice.action);
    }
  else
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->notice_button), NULL);

  g_free (notice.text);
}

static void
update_thinking (CfaiMessageRow *self)
{
  gsize len = cfai_message_get_reasoning_length (self->message);
  gboolean streaming = cfai_message_get_state (self->message) == CFAI_MESSAGE_STATE_STREAMING;
  gboolean answering = cfai_message_get_content_length (self->message) > 0;
  gint64 thought_us = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (self->message),
                                                           CFAI_MESSAGE_ROW_THINKING_US_KEY));

  gtk_widget_set_visible (GTK_WIDGET (self->thinking_expander), len > 0);
  if (len == 0)
    return;

  if (len < self->shown_reasoning)
    self->shown_reasoning = 0;
  if (self->shown_reasoning == 0)
    gtk_label_set_text (self->reasoning_label, cfai_message_get_reasoning (self->message));
  else if (len > self->shown_reasoning)
    {
      /* Reasoning is plain text in one label; set it whole, which GTK
       * lays out once per frame however often it changes. */
      gtk_label_set_text (self->reasoning_label, cfai_message_get_reasoning (self->message));
    }
  self->shown_reasoning = len;

  if (streaming && !answering)
    gtk_label_set_text (self->thinking_label, _("Thinking…"));
  else if (thought_us > 0)
    {
      g_autofree char *d = cfai_format_duration_ms (thought_us / 1000);
      g_autofree char *text = g_strdup_printf (_("Thought for %s"), d);

      gtk_label_set_text (self->thinking_label, text);
    }
  else
    gtk_label_set_text (self->thinking_label, _("Thinking"));
}

static gboolean on_waiting_tick (gpointer data);

/* How long the answer has been awaited, counted in whole seconds: a
 * label that changes once a second rather than a spinner, which would
 * lay out and draw the window every refresh for as long as the model
 * takes (seconds, for a busy model) and make the first token's frame
 * share the main thread with it.  It wakes up again when the wait next
 * reaches a whole second (g_timeout_add_seconds() may be a second
 * late). */
static void
update_waiting_label (CfaiMessageRow *self)
{
  gint64 waited = MAX (g_get_real_time () - cfai_message_get_created_at (self->message), 0);
  gint64 waited_s = waited / G_USEC_PER_SEC;
  g_autofree char *text = NULL;

  if (waited_s < 1)
    text = g_strdup (_("Waiting for the answer…"));
  else
    /* Translators: shown in place of an answer until its first token */
    text = g_strdup_printf (ngettext ("Waiting for the answer… %d second",
                                      "Waiting for the answer… %d seconds",
                                      (gulong) waited_s), (int) waited_s);
  gtk_label_set_text (self->waiting_label, text);
  g_clear_handle_id (&self->waiting_timeout, g_source_remove);
  self->waiting_timeout = g_timeout_add ((guint) ((G_USEC_PER_SEC - waited % G_USEC_PER_SEC) / 1000) + 1,
                                         on_waiting_tick, self);
}

static gboolean
on_waiting_tick (gpointer data)
{
  CfaiMessageRow *self = CFAI_MESSAGE_ROW (data);

  self->waiting_timeout = 0;
  update_waiting_label (self);
  return G_SOURCE_REMOVE;
}

static void
set_waiting (CfaiMessageRow *self,
             gboolean        waiting)
{
  gtk_widget_set_visible (GTK_WIDGET (self->waiting_label), waiting);
  if (!waiting)
    g_clear_handle_id (&self->waiting_timeout, g_source_remove);
  else if (self->waiting_timeout == 0)
    update_waiting_label (self);
}

/* While an answer streams its text takes at least a line, where the
 * waiting label stands until the first token: that token then changes
 * no height, so the list does not move and its frame draws only the row
 * (a moved list is drawn again whole, which in software rendering is
 * most of the time the first token takes to show). */
static void
update_answer_space (CfaiMessageRow *self)
{
  gboolean streaming = cfai_message_get_state (self->message) == CFAI_MESSAGE_STATE_STREAMING;
  gboolean waiting = streaming && self->shown_length == 0 &&
                     cfai_message_get_reasoning_length (self->message) == 0;
  int line = -1;

  if (streaming)
    gtk_widget_get_size_request (GTK_WIDGET (self->markdown_view), NULL, &line);
  if (streaming && line < 0)
    {
      double line_height;

      cfai_font_metrics_get (gtk_widget_get_pango_context (GTK_WIDGET (self->markdown_view)), NULL, &line_height);
      line = (int) ceil (line_height);
    }
  gtk_widget_set_size_request (GTK_WIDGET (self->markdown_view), -1, line);
  set_waiting (self, waiting);
  gtk_widget_set_visible (self->answer_overlay, waiting || self->shown_length > 0);
}

static void
update_content (CfaiMessageRow *self)
{
  gsize len = cfai_message_get_content_length (self->message);
  const char *content = cfai_message_get_content (self->message);

  if (is_user (self))
    {
      cfai_text_block_set_text (self->user_label, content);
      return;
    }

  /* Only what is new goes to the view, which renders finished blocks once. */
  if (len < self->shown_length || self->shown_length == 0)
    cfai_markdown_view_set_text (self->markdown_view, content != NULL ? content : "");
  else if (len > self->shown_length)
    cfai_markdown_view_append (self->markdown_view, content + self->shown_length,
                               len - self->shown_length);
  self->shown_length = len;
  update_answer_space (self);
}

static void
on_content_changed (CfaiMessageRow *self)
{
  gboolean was_answering = self->shown_length > 0;

  update_content (self);
  /* The thinking folds away when the answer starts. */
  if (!was_answering && self->shown_length > 0 &&
      cfai_message_get_state (self->message) == CFAI_MESSAGE_STATE_STREAMING)
    {
      gtk_expander_set_expanded (self->thinking_expander, FALSE);
      update_thinking (self);
    }
}

static void
update_state (CfaiMessageRow *self)
{
  CfaiMessageState state = cfai_message_get_state (self->message);
  gboolean streaming = state == CFAI_MESSAGE_STATE_STREAMING;
  g_autofree char *usage = NULL;

  if (is_user (self))
    return;

  update_answer_space (self);
  update_notice (self);
  update_thinking (self);

  usage = streaming ? NULL : build_usage_text (self);
  gtk_widget_set_visible (GTK_WIDGET (self->usage_label), usage != NULL && *usage != '\0');
  gtk_label_set_text (self->usage_label, usage != NULL ? usage : "");
  gtk_widget_set_visible (self->actions_box, !streaming);
}

static void
update_attachments (CfaiMessageRow *self)
{
  GtkWidget *child;
  guint n = cfai_message_get_n_attachments (self->message);

  while ((child = gtk_widget_get_first_child (self->attachments_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->attachments_box), child);

  for (guint i = 0; i < n; i++)
    {
      CfaiAttachment *attachment = cfai_message_get_attachment (self->message, i);
      GBytes *bytes = cfai_attachment_get_bytes (attachment);
      g_autoptr(GdkTexture) texture = NULL;
      GtkWidget *picture;

      if (bytes != NULL)
        texture = gdk_texture_new_from_bytes (bytes, NULL);
      else if (cfai_attachment_get_path (attachment) != NULL)
        texture = gdk_texture_new_from_filename (cfai_attachment_get_path (attachment), NULL);
      if (texture == NULL)
        continue;

      picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
      gtk_widget_set_size_request (picture, 96, 96);
      gtk_widget_add_css_class (picture, "cfai-thumbnail");
      gtk_accessible_update_property (GTK_ACCESSIBLE (picture),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Attached image"), -1);
      gtk_box_append (GTK_BOX (self->attachments_box), picture);
    }
  gtk_widget_set_visible (self->attachments_box, n > 0);
}

static void
on_notify (CfaiMessageRow *self,
           GParamSpec     *pspec)
{
  const char *name = pspec->name;

  if (g_str_equal (name, "content"))
    on_content_changed (self);
  else if (g_str_equal (name, "reasoning"))
    {
      update_thinking (self);
      update_answer_space (self);
    }
  else if (g_str_equal (name, "n-attachments"))
    update_attachments (self);
  else
    update_state (self);
}

static void
copy_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  CfaiMessageRow *self = CFAI_MESSAGE_ROW (widget);

  if (self->message == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                          cfai_message_get_content (self->message));
}

static void
delete_action (GtkWidget  *widget,
               const char *name,
               GVariant   *param)
{
  CfaiMessageRow *self = CFAI_MESSAGE_ROW (widget);

  if (self->message == NULL)
    return;
  gtk_widget_activate_action (widget, "chat.delete-message", "x",
                              cfai_message_get_id (self->message));
}

/* A row is as wide as the chat's column, so its width is never asked of
 * its content: GtkListView measures every row it binds across, and a
 * wrapping label answers that by laying out its whole text at its
 * narrowest, a line per dozen characters, and again unwrapped.  The
 * minimum is the narrowest a row can be read at: its chrome and a
 * dozen characters. */
#define ROW_MIN_CHARS 12

/**
 * cfai_message_row_get_min_width:
 * @context: the Pango context of the row, or of what stands for it
 *
 * Returns: the width a message row asks for, whatever it shows
 */
int
cfai_message_row_get_min_width (PangoContext *context)
{
  double char_width;

  cfai_font_metrics_get (context, &char_width, NULL);
  return CFAI_MESSAGE_ROW_CHROME_WIDTH + ROW_MIN_CHARS * (int) ceil (char_width);
}

static void
cfai_message_row_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  *minimum = *natural = 0;
  if (child == NULL)
    return;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = cfai_message_row_get_min_width (gtk_widget_get_pango_context (widget));
  else
    gtk_widget_measure (child, orientation, for_size, minimum, natural, NULL, NULL);
}

static void
cfai_message_row_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  if (child != NULL)
    gtk_widget_allocate (child, width, height, baseline, NULL);
}

static GtkSizeRequestMode
cfai_message_row_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
cfai_message_row_dispose (GObject *object)
{
  CfaiMessageRow *self = CFAI_MESSAGE_ROW (object);

  g_clear_handle_id (&self->waiting_timeout, g_source_remove);
  if (self->message_signals != NULL)
    g_signal_group_set_target (self->message_signals, NULL);
  g_clear_object (&self->message_signals);
  if (self->list_signals != NULL)
    g_signal_group_set_target (self->list_signals, NULL);
  g_clear_object (&self->list_signals);
  g_clear_object (&self->message);
  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_MESSAGE_ROW);
  {
    GtkWidget *child;

    /* The template's top box is not bound, so it is unparented here. */
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (cfai_message_row_parent_class)->dispose (object);
}

static void
cfai_message_row_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CfaiMessageRow *self = CFAI_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      g_value_set_object (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_message_row_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CfaiMessageRow *self = CFAI_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      cfai_message_row_set_message (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_message_row_class_init (CfaiMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_message_row_dispose;
  object_class->get_property = cfai_message_row_get_property;
  object_class->set_property = cfai_message_row_set_property;

  properties[PROP_MESSAGE] =
    g_param_spec_object ("message", NULL, NULL, CFAI_TYPE_MESSAGE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CFAI_TYPE_END_BIN);
  g_type_ensure (CFAI_TYPE_MARKDOWN_VIEW);
  g_type_ensure (CFAI_TYPE_TEXT_BLOCK);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiMessageRow, bubble_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiMessageRow, user_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiMessageRow, attachments_box);
  gtk_widget_class_bind_template_child (widget_class, CfaiMessageRow, answer_box);
  gtk_widget_class_bind_template_child (widget_class, CfaiMessageRow, thinking_expander);
  gtk_widget_class_bind_template_child (widget_class, CfaiMessageRow, thinking_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiMessageRow, reasoning_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiMessageRow, answer_overlay);
  gtk_widget_class_bind_template_child (widget_class, CfaiMessageRow, markdown_view);
  gtk_widget_class_bind_template_child (widget_class, CfaiMessageRow, waiting_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiMessageRow, notice_box);
  gtk_widget_class_bind_template_child (widget_class, CfaiMessageRow, notice_icon);
  gtk_widget_class_bind_template_child (widget_class, CfaiMessageRow, notice_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiMessageRow, notice_button);
  gtk_widget_class_bind_template_child (widget_class, CfaiMessageRow, usage_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiMessageRow, actions_box);
  widget_class->measure = cfai_message_row_measure;
  widget_class->size_allocate = cfai_message_row_size_allocate;
  widget_class->get_request_mode = cfai_message_row_get_request_mode;
  gtk_widget_class_set_css_name (widget_class, "cfai-message-row");

  gtk_widget_class_install_action (widget_class, "message.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "message.delete", NULL, delete_action);
}

static void
cfai_message_row_init (CfaiMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->message_signals = g_signal_group_new (CFAI_TYPE_MESSAGE);
  g_signal_group_connect_swapped (self->message_signals, "notify",
                                  G_CALLBACK (on_notify), self);
  /* Retry and Continue are offered on the last answer only: an answer
   * retried (kept above the new one) loses its button. */
  self->list_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->list_signals, "items-changed",
                                  G_CALLBACK (update_notice), self);
}

CfaiMessage *
cfai_message_row_get_message (CfaiMessageRow *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE_ROW (self), NULL);
  return self->message;
}

void
cfai_message_row_set_message (CfaiMessageRow *self,
                              CfaiMessage    *message)
{
  gboolean user;

  g_return_if_fail (CFAI_IS_MESSAGE_ROW (self));
  g_return_if_fail (message == NULL || CFAI_IS_MESSAGE (message));

  if (self->message == message)
    return;

  g_signal_group_set_target (self->message_signals, NULL);
  g_signal_group_set_target (self->list_signals, NULL);
  if (message == NULL)
    set_waiting (self, FALSE);
  g_set_object (&self->message, message);
  self->shown_length = 0;
  self->shown_reasoning = 0;

  if (message != NULL)
    {
      user = is_user (self);
      gtk_widget_set_visible (self->bubble_row, user);
      gtk_widget_set_visible (self->answer_box, !user);
      gtk_widget_set_halign (self->actions_box, user ? GTK_ALIGN_END : GTK_ALIGN_START);
      if (user)
        {
          gtk_widget_add_css_class (GTK_WIDGET (self), "user");
          gtk_widget_remove_css_class (GTK_WIDGET (self), "assistant");
        }
      else
        {
          gtk_widget_add_css_class (GTK_WIDGET (self), "assistant");
          gtk_widget_remove_css_class (GTK_WIDGET (self), "user");
        }

      /* A streaming answer shows its thinking open, a finished one folded. */
      gtk_expander_set_expanded (self->thinking_expander,
                                 cfai_message_get_state (message) == CFAI_MESSAGE_STATE_STREAMING &&
                                 cfai_message_get_content_length (message) == 0);
      update_content (self);
      update_attachments (self);
      update_state (self);
      if (user)
        gtk_widget_set_visible (self->actions_box, TRUE);
      g_signal_group_set_target (self->message_signals, message);
      if (!user && cfai_message_get_conversation (message) != NULL)
        g_signal_group_set_target (self->list_signals,
                                   cfai_conversation_get_messages (cfai_message_get_conversation (message)));
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

/**
 * cfai_message_row_make_widgets:
 * @deadline: a monotonic time to stop at, or -1 to make them all
 *
 * Makes the widgets of the message's Markdown now, for a row about to
 * be shown, rather than once its allocation finds it near what is shown
 * (see cfai_markdown_view_make_widgets()).
 *
 * Returns: whether the row has all its widgets
 */
gboolean
cfai_message_row_make_widgets (CfaiMessageRow *self,
                               gint64          deadline)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE_ROW (self), TRUE);

  return cfai_markdown_view_make_widgets (self->markdown_view, deadline);
}
