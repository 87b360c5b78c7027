/* cfai-chat-page.c — one conversation: its messages and the composer
 *
 * The page is what gnome-text-editor's EditorPage is to a document: it
 * shows one CfaiConversation, owns the cancellable of everything it
 * starts, and exposes what it does as actions (cfai-chat-page-actions.c).
 * Messages are rows of a GtkListView, recycled as it scrolls; a stream
 * appends to its CfaiMessage and the message's row follows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-application.h"
#include "cfai-chat-page-private.h"
#include "cfai-message-row.h"

/* Rows the list lets go of, kept with their widgets for their messages:
 * as many as GtkListView keeps bound, so a swing of its window from one
 * side of what is shown to the other costs no row made again. */
#define ROW_POOL_CAPACITY 200

G_DEFINE_FINAL_TYPE (CfaiChatPage, cfai_chat_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONVERSATION,
  PROP_TITLE,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* How close to the end counts as "at the bottom", in pixels. */
#define BOTTOM_SLACK 32

static CfaiApplication *
find_application (CfaiChatPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;

  return CFAI_IS_APPLICATION (app) ? CFAI_APPLICATION (app) : NULL;
}

CfaiClient *
cfai_chat_page_get_client (CfaiChatPage *self)
{
  CfaiApplication *app = find_application (self);

  return app != NULL ? cfai_application_get_client (app) : NULL;
}

CfaiModelCatalog *
cfai_chat_page_get_catalog (CfaiChatPage *self)
{
  CfaiApplication *app = find_application (self);

  return app != NULL ? cfai_application_get_catalog (app) : NULL;
}

/* A note above the composer, about what is in it (NULL hides it). */
void
cfai_chat_page_set_notice (CfaiChatPage *self,
                           const char   *text)
{
  gtk_widget_set_visible (GTK_WIDGET (self->composer_notice), text != NULL);
  gtk_label_set_text (self->composer_notice, text != NULL ? text : "");
  if (text != NULL)
    gtk_accessible_announce (GTK_ACCESSIBLE (self), text, GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_MEDIUM);
}

/* Following ------------------------------------------------------------ */

static gboolean
is_at_bottom (GtkAdjustment *adj)
{
  return gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj) >=
         gtk_adjustment_get_upper (adj) - BOTTOM_SLACK;
}

static void
scroll_to_end (CfaiChatPage *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  self->scrolling = TRUE;
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  self->scrolling = FALSE;
}

/* Once per frame at most: the list re-estimates its height as rows
 * are bound and measured, so the end is only known after layout.  The
 * list is anchored at the last message first: a value set alone is
 * mapped to a message from heights the list may not have laid out yet
 * (a chat opened again in a new window landed on its first messages,
 * with the value at the end and nothing shown). */
static gboolean
follow_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  CfaiChatPage *self = CFAI_CHAT_PAGE (widget);
  guint n = g_list_model_get_n_items (cfai_conversation_get_messages (self->conversation));

  self->follow_tick = 0;
  if (!self->following)
    return G_SOURCE_REMOVE;
  if (n > 0)
    {
      self->scrolling = TRUE;
      gtk_list_view_scroll_to (self->message_list, n - 1, GTK_LIST_SCROLL_NONE, NULL);
      self->scrolling = FALSE;
    }
  self->settle_at_end = TRUE;
  gtk_widget_queue_allocate (widget);
  return G_SOURCE_REMOVE;
}

static void
queue_follow (CfaiChatPage *self)
{
  if (self->following && self->follow_tick == 0)
    self->follow_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), follow_tick_cb, NULL, NULL);
}

void
cfai_chat_page_follow (CfaiChatPage *self)
{
  guint n = g_list_model_get_n_items (cfai_conversation_get_messages (self->conversation));

  self->following = TRUE;
  gtk_widget_set_visible (self->jump_button, FALSE);
  if (n > 0)
    gtk_list_view_scroll_to (self->message_list, n - 1, GTK_LIST_SCROLL_NONE, NULL);
  scroll_to_end (self);
  queue_follow (self);
}

static void
on_upper_changed (CfaiChatPage *self)
{
  queue_follow (self);
}

/* New messages (the first page of a chat being opened, or a turn):
 * the end moves in this frame's layout. */
static void
on_messages_changed (CfaiChatPage *self,
                     guint         position,
                     guint         removed,
                     guint         added,
                     GListModel   *messages)
{
  guint n = g_list_model_get_n_items (messages);

  if (added > 0 && n > 0)
    {
      self->settle_at_end = self->following;
      queue_follow (self);
    }
}

static void
on_value_changed (CfaiChatPage  *self,
                  GtkAdjustment *adj)
{
  gboolean bottom = is_at_bottom (adj);
  double upper = gtk_adjustment_get_upper (adj);
  gboolean reestimated = upper != self->last_upper;

  self->last_upper = upper;
  if (self->scrolling)
    return;
  /* The list moves the value itself when it re-estimates the heights of
   * rows it has not laid out, or when rows are added; that moves the
   * upper bound too, and is not the user scrolling away from the end. */
  if (reestimated && self->following)
    {
      queue_follow (self);
      return;
    }
  /* Scrolling up stops following; scrolling back down resumes it. */
  self->following = bottom;
  gtk_widget_set_visible (self->jump_button, !bottom);
}

/* Drafts ----------------------------------------------------------------- */

static char *
dup_composer_text (CfaiChatPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
on_buffer_changed (CfaiChatPage *self)
{
  g_autofree char *text = NULL;

  if (self->restoring_draft)
    return;
  /* Saved on every change (the store writes it off the main thread), so
   * nothing typed is lost to a switch, a quit or a crash. */
  text = dup_composer_text (self);
  cfai_conversation_set_draft (self->conversation, text);
  cfai_chat_page_set_notice (self, NULL);
  _cfai_chat_page_update_actions (self);
}

static void
restore_draft (CfaiChatPage *self)
{
  const char *draft = cfai_conversation_get_draft (self->conversation);

  self->restoring_draft = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->composer), draft != NULL ? draft : "", -1);
  self->restoring_draft = FALSE;
}

/* Keys ------------------------------------------------------------------- */

/* The composer's own shortcuts (Enter sends) come before its text view,
 * which would take the key; Shift+Enter stays a new line. */
static gboolean
on_composer_key_pressed (GtkEventControllerKey *controller,
                         guint                  keyval,
                         guint                  keycode,
                         GdkModifierType        state,
                         CfaiChatPage          *self)
{
  const char *action;

  if (keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter)
    keyval = GDK_KEY_Return;
  action = cfai_application_find_composer_shortcut (keyval, state & gtk_accelerator_get_default_mod_mask ());
  return action != NULL && gtk_widget_activate_action (GTK_WIDGET (self), action, NULL);
}

/* Streaming -------------------------------------------------------------- */

static void
on_text_delta (CfaiChatStream *stream,
               const char     *delta,
               CfaiChatPage   *self)
{
  if (self->answer == NULL)
    return;
  if (cfai_message_get_content_length (self->answer) == 0 && self->reasoning_started_us > 0)
    g_object_set_data (G_OBJECT (self->answer), CFAI_MESSAGE_ROW_THINKING_US_KEY,
                       GSIZE_TO_POINTER (g_get_monotonic_time () - self->reasoning_started_us));
  cfai_message_append_content (self->answer, delta, -1);
}

static void
on_reasoning_delta (CfaiChatStream *stream,
                    const char     *delta,
                    CfaiChatPage   *self)
{
  if (self->answer == NULL)
    return;
  if (self->reasoning_started_us == 0)
    self->reasoning_started_us = g_get_monotonic_time ();
  cfai_message_append_reasoning (self->answer, delta, -1);
}

/* What was shown as answer was thinking: it moves to the reasoning. */
static void
on_text_reclassified (CfaiChatStream *stream,
                      const char     *text,
                      CfaiChatPage   *self)
{
  gsize len = strlen (text);
  const char *content;
  gsize content_len;

  if (self->answer == NULL)
    return;
  content = cfai_message_get_content (self->answer);
  content_len = cfai_message_get_content_length (self->answer);
  if (self->reasoning_started_us == 0)
    self->reasoning_started_us = g_get_monotonic_time ();
  cfai_message_append_reasoning (self->answer, text, len);
  /* Anything shown before this continuation's text stays. */
  if (content_len >= len && memcmp (content + content_len - len, text, len) == 0)
    {
      g_autofree char *kept = g_strndup (content, content_len - len);
      cfai_message_set_content (self->answer, kept);
    }
}

static void
finish_answer (CfaiChatPage *self,
               CfaiChatStream *stream,
               const GError   *error)
{
  CfaiMessage *answer = self->answer;
  gint64 prompt = -1, completion = -1, total = -1;
  gint64 ttft = cfai_chat_stream_get_time_to_first_token (stream);
  gint64 duration = cfai_run_get_duration (CFAI_RUN (stream));

  if (cfai_chat_stream_get_usage (stream, &prompt, &completion, &total))
    cfai_message_set_usage (answer, prompt, completion,
                            cfai_chat_stream_get_cached_tokens (stream),
                            cfai_chat_stream_get_neurons (stream));
  cfai_message_set_timings (answer,
                            ttft >= 0 ? ttft / 1000 : CFAI_UNSET,
                            duration >= 0 ? duration / 1000 : CFAI_UNSET,
                            cfai_chat_stream_get_tokens_per_second (stream));
  /* Native-format streams do not say why they ended: an answer that
   * used every token it was allowed was cut at the limit. */
  if (cfai_chat_stream_get_finish_reason (stream) == NULL && error == NULL && completion > 0 &&
      completion >= cfai_conversation_get_max_tokens (self->conversation))
    cfai_message_set_finish_reason (answer, "length");
  else
    cfai_message_set_finish_reason (answer, cfai_chat_stream_get_finish_reason (stream));
  cfai_message_set_gateway_cache_status (answer, cfai_run_get_gateway_cache_status (CFAI_RUN (stream)));

  if (error == NULL)
    {
      cfai_message_set_state (answer, CFAI_MESSAGE_STATE_COMPLETE);
      gtk_accessible_announce (GTK_ACCESSIBLE (self), _("The answer is complete"),
                               GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_MEDIUM);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    cfai_message_set_state (answer, self->stop_requested ? CFAI_MESSAGE_STATE_STOPPED
                                                         : CFAI_MESSAGE_STATE_INTERRUPTED);
  else
    {
      cfai_message_set_error (answer, error);
      /* A cut stream keeps what arrived. */
      cfai_message_set_state (answer, cfai_message_get_content_length (answer) > 0
                                      ? CFAI_MESSAGE_STATE_INTERRUPTED
                                      : CFAI_MESSAGE_STATE_ERROR);
      gtk_accessible_announce (GTK_ACCESSIBLE (self), error->message,
                               GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_HIGH);
    }
}

static void
on_stream_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CfaiChatPage) self = user_data;
  CfaiChatStream *stream = CFAI_CHAT_STREAM (source);
  g_autoptr(GError) error = NULL;

  cfai_run_execute_finish (CFAI_RUN (stream), result, &error);

  if (self->stream == stream)
    {
      g_signal_handlers_disconnect_by_data (stream, self);
      finish_answer (self, stream, error);
      g_clear_object (&self->answer);
      g_clear_object (&self->stream);
      self->stop_requested = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
      _cfai_chat_page_update_actions (self);
      queue_follow (self);
    }
}

static void
run_stream (CfaiChatPage    *self,
            CfaiChatRequest *request)
{
  CfaiClient *client = cfai_chat_page_get_client (self);
  CfaiChatStream *stream;

  if (client == NULL)
    return;

  stream = cfai_chat_stream_new (client, request);
  self->stream = stream;
  self->reasoning_started_us = 0;
  g_signal_connect (stream, "text-delta", G_CALLBACK (on_text_delta), self);
  g_signal_connect (stream, "reasoning-delta", G_CALLBACK (on_reasoning_delta), self);
  g_signal_connect (stream, "text-reclassified", G_CALLBACK (on_text_reclassified), self);
  cfai_run_execute_async (CFAI_RUN (stream), self->cancellable, on_stream_done, g_object_ref (self));
}

typedef struct
{
  CfaiChatPage    *page;
  CfaiChatRequest *request;
  CfaiMessage     *images_from;
} SchemaWait;

static void
on_schema_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SchemaWait *wait = user_data;
  CfaiChatPage *self = wait->page;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) schema = NULL;

  schema = cfai_client_get_model_schema_finish (CFAI_CLIENT (source), result, &error);
  /* Without the schema the request keeps its default way of sending images. */
  if (schema == NULL)
    g_clear_error (&error);
  if (self->answer != NULL && !g_cancellable_is_cancelled (self->cancellable))
    {
      cfai_chat_request_apply_model_schema (wait->request, schema);

      for (guint i = 0; error == NULL && i < cfai_message_get_n_attachments (wait->images_from); i++)
        {
          CfaiAttachment *attachment = cfai_message_get_attachment (wait->images_from, i);

          cfai_chat_request_add_image (wait->request, cfai_attachment_get_bytes (attachment),
                                       cfai_attachment_get_mime_type (attachment), &error);
        }

      if (error != NULL)
        {
          cfai_message_set_error (self->answer, error);
          cfai_message_set_state (self->answer, CFAI_MESSAGE_STATE_ERROR);
          g_clear_object (&self->answer);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
          _cfai_chat_page_update_actions (self);
        }
      else
        run_stream (self, wait->request);
    }

  g_object_unref (wait->page);
  g_object_unref (wait->request);
  g_object_unref (wait->images_from);
  g_free (wait);
}

/**
 * cfai_chat_page_start_answer:
 * @answer: the assistant message the stream appends to (streaming)
 * @images_from: (nullable): the user message whose images go with it
 *
 * Runs @request into @answer with the page's cancellable.  Images are
 * added the way the model's input schema asks, which is fetched first.
 */
void
cfai_chat_page_start_answer (CfaiChatPage    *self,
                             CfaiMessage     *answer,
                             CfaiChatRequest *request,
                             CfaiMessage     *images_from)
{
  CfaiClient *client = cfai_chat_page_get_client (self);

  g_return_if_fail (self->answer == NULL);

  g_set_object (&self->answer, answer);
  self->stop_requested = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  _cfai_chat_page_update_actions (self);
  cfai_chat_page_follow (self);

  if (client == NULL)
    return;

  if (images_from != NULL && cfai_message_get_n_attachments (images_from) > 0)
    {
      SchemaWait *wait = g_new0 (SchemaWait, 1);

      wait->page = g_object_ref (self);
      wait->request = g_object_ref (request);
      wait->images_from = g_object_ref (images_from);
      cfai_client_get_model_schema_async (client, cfai_chat_request_get_model (request),
                                          self->cancellable, on_schema_loaded, wait);
      return;
    }

  run_stream (self, request);
}

/* Object ------------------------------------------------------------------ */

static void
on_display_title_changed (CfaiChatPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

static void
cfai_chat_page_constructed (GObject *object)
{
  CfaiChatPage *self = CFAI_CHAT_PAGE (object);
  GtkNoSelection *selection;

  G_OBJECT_CLASS (cfai_chat_page_parent_class)->constructed (object);

  g_assert (self->conversation != NULL);

  self->row_pool = cfai_message_row_pool_new (ROW_POOL_CAPACITY);
  gtk_list_view_set_factory (self->message_list, cfai_message_row_pool_get_factory (self->row_pool));
  selection = gtk_no_selection_new (g_object_ref (cfai_conversation_get_messages (self->conversation)));
  gtk_list_view_set_model (self->message_list, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  g_signal_connect_object (self->conversation, "notify::display-title",
                           G_CALLBACK (on_display_title_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (cfai_conversation_get_messages (self->conversation), "items-changed",
                           G_CALLBACK (on_messages_changed), self, G_CONNECT_SWAPPED);
  restore_draft (self);
  _cfai_chat_page_update_actions (self);

  if (!cfai_conversation_get_loaded (self->conversation))
    cfai_conversation_load_async (self->conversation, self->cancellable, NULL, NULL);
  cfai_chat_page_follow (self);
}

static void
cfai_chat_page_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  gtk_widget_measure (gtk_widget_get_first_child (widget), orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

/* New rows (the first page of an opened chat, a turn), or rows that grew
 * while the page follows the end, are placed by the list in this
 * allocation, and only then is the end known: the value is
 * moved there and the list placed again before anything is drawn, so
 * the first frame that shows them shows the end, not where the list
 * was (the top, for a chat being opened). */
static void
cfai_chat_page_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  CfaiChatPage *self = CFAI_CHAT_PAGE (widget);
  GtkWidget *child = gtk_widget_get_first_child (widget);

  gtk_widget_allocate (child, width, height, baseline, NULL);
  if (self->settle_at_end && self->following &&
      !is_at_bottom (gtk_scrolled_window_get_vadjustment (self->scroller)))
    {
      /* Moving the value makes the list ask for its allocation again. */
      scroll_to_end (self);
      gtk_widget_allocate (child, width, height, baseline, NULL);
    }
  self->settle_at_end = FALSE;
  cfai_message_row_pool_look_ahead (self->row_pool, GTK_WIDGET (self->message_list),
                                    gtk_widget_get_height (GTK_WIDGET (self->scroller)));
}

static void
cfai_chat_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (cfai_chat_page_parent_class)->map (widget);

  /* Open at the newest message. */
  if (CFAI_CHAT_PAGE (widget)->following)
    cfai_chat_page_follow (CFAI_CHAT_PAGE (widget));
}

static void
cfai_chat_page_dispose (GObject *object)
{
  CfaiChatPage *self = CFAI_CHAT_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->stream != NULL)
    g_signal_handlers_disconnect_by_data (self->stream, self);
  if (self->follow_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->follow_tick);
  self->follow_tick = 0;
  g_clear_object (&self->stream);
  g_clear_object (&self->answer);
  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_CHAT_PAGE);
  {
    GtkWidget *child;

    /* The template's top box is not bound, so it is unparented here. */
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->row_pool);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->conversation);
  g_clear_pointer (&self->pending_images, g_ptr_array_unref);

  G_OBJECT_CLASS (cfai_chat_page_parent_class)->dispose (object);
}

static void
cfai_chat_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CfaiChatPage *self = CFAI_CHAT_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONVERSATION:
      g_value_set_object (value, self->conversation);
      break;
    case PROP_TITLE:
      g_value_set_string (value, cfai_chat_page_get_title (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, cfai_chat_page_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_chat_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CfaiChatPage *self = CFAI_CHAT_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONVERSATION:
      self->conversation = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_chat_page_class_init (CfaiChatPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cfai_chat_page_constructed;
  object_class->dispose = cfai_chat_page_dispose;
  object_class->get_property = cfai_chat_page_get_property;
  object_class->set_property = cfai_chat_page_set_property;
  widget_class->map = cfai_chat_page_map;
  widget_class->measure = cfai_chat_page_measure;
  widget_class->size_allocate = cfai_chat_page_size_allocate;

  properties[PROP_CONVERSATION] =
    g_param_spec_object ("conversation", NULL, NULL, CFAI_TYPE_CONVERSATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * CfaiChatPage:busy:
   *
   * Whether an answer is being asked for or streamed.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CFAI_TYPE_MESSAGE_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-chat-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiChatPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, CfaiChatPage, message_list);
  gtk_widget_class_bind_template_child (widget_class, CfaiChatPage, jump_button);
  gtk_widget_class_bind_template_child (widget_class, CfaiChatPage, composer);
  gtk_widget_class_bind_template_child (widget_class, CfaiChatPage, send_stack);
  gtk_widget_class_bind_template_child (widget_class, CfaiChatPage, attachments_box);
  gtk_widget_class_bind_template_child (widget_class, CfaiChatPage, composer_notice);
  /* For tests: what the user sees of Send becoming Stop. */
  gtk_widget_class_bind_template_child_full (widget_class, "stop_button", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, on_buffer_changed);
  _cfai_chat_page_class_images_init (widget_class);
  gtk_widget_class_set_css_name (widget_class, "cfai-chat-page");

  _cfai_chat_page_class_actions_init (widget_class);
}

static void
cfai_chat_page_init (CfaiChatPage *self)
{
  GtkEventController *keys;
  GtkAdjustment *adj;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->pending_images = g_ptr_array_new_with_free_func (g_object_unref);
  self->following = TRUE;

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_composer_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->composer), keys);

  _cfai_chat_page_images_init (self);

  adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (adj, "notify::upper", G_CALLBACK (on_upper_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adj, "value-changed", G_CALLBACK (on_value_changed), self, G_CONNECT_SWAPPED);
}

GtkWidget *
cfai_chat_page_new (CfaiConversation *conversation)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (conversation), NULL);

  return g_object_new (CFAI_TYPE_CHAT_PAGE, "conversation", conversation, NULL);
}

CfaiConversation *
cfai_chat_page_get_conversation (CfaiChatPage *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_PAGE (self), NULL);
  return self->conversation;
}

const char *
cfai_chat_page_get_title (CfaiChatPage *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_PAGE (self), NULL);
  return self->conversation != NULL ? cfai_conversation_get_display_title (self->conversation) : NULL;
}

gboolean
cfai_chat_page_get_busy (CfaiChatPage *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_PAGE (self), FALSE);
  return self->answer != NULL;
}

void
cfai_chat_page_focus_composer (CfaiChatPage *self)
{
  g_return_if_fail (CFAI_IS_CHAT_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->composer));
}

GtkTextView *
cfai_chat_page_get_composer (CfaiChatPage *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_PAGE (self), NULL);
  return self->composer;
}

guint
cfai_chat_page_get_n_attachments (CfaiChatPage *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_PAGE (self), 0);
  return self->pending_images->len;
}
