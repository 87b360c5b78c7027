/* cfai-image-studio-actions.c — what the studio does: studio.generate…
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cfai-image-studio-private.h"

/* Sent to the text model, not shown: the models follow English best. */
#define ENHANCE_SYSTEM_PROMPT \
  "You rewrite prompts for a text-to-image model. Keep the user's subject and intent. " \
  "Add concrete detail about the subject, where it is, the lighting, and the style or medium. " \
  "Answer with the rewritten prompt only: one paragraph under 70 words, no quotes, no preamble."
#define ENHANCE_MAX_TOKENS 300

static gboolean
prompt_is_blank (CfaiImageStudio *self)
{
  g_autofree char *prompt = cfai_image_studio_dup_prompt (self);

  return *g_strstrip (prompt) == '\0';
}

void
_cfai_image_studio_update_actions (CfaiImageStudio *self)
{
  gboolean blank = prompt_is_blank (self);
  gboolean enhancing = self->enhance_stream != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "studio.generate", self->rules != NULL && !blank);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "studio.enhance", !blank && !enhancing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "studio.enhance-accept",
                                 !enhancing && self->enhance_after != NULL && self->enhance_after->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "studio.enhance-discard",
                                 gtk_revealer_get_reveal_child (self->enhance_revealer));
}

/* Replaces the prompt as one step the user can undo (Ctrl+Z). */
static void
replace_prompt (CfaiImageStudio *self,
                const char      *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->prompt_view);
  GtkTextIter start, end;

  /* Not gtk_text_buffer_set_text(): that one cannot be undone. */
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_delete (buffer, &start, &end);
  gtk_text_buffer_insert (buffer, &start, text, -1);
  gtk_text_buffer_end_user_action (buffer);
}

/* Generate --------------------------------------------------------------- */

/* Requests are made when Generate is pressed (what the user sees then
 * is what is sent) and queued once their reference images are ready. */
static void
enqueue (CfaiImageStudio *self,
         GPtrArray       *requests,
         GPtrArray       *references)
{
  CfaiApplication *app = cfai_image_studio_get_application (self);
  double strength = cfai_reference_images_get_strength (self->references);

  if (app == NULL || self->rules == NULL)
    return;

  for (guint i = 0; i < requests->len; i++)
    {
      CfaiImageRequest *request = g_ptr_array_index (requests, i);
      g_autoptr(CfaiImageJob) job = NULL;

      for (guint j = 0; references != NULL && j < references->len; j++)
        cfai_image_request_add_reference_image (request, g_ptr_array_index (references, j), "image/png");
      if (references != NULL && references->len > 0 && strength >= 0)
        cfai_image_request_set_strength (request, strength);

      /* What the model would refuse is said now, naming the setting,
       * rather than after a round trip for each image. */
      if (i == 0)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) body = NULL;
          g_autofree char *content_type = NULL;

          if (!cfai_image_request_build (request, self->rules, &content_type, &body, &error))
            {
              cfai_image_studio_set_notice (self, error->message);
              return;
            }
        }

      job = cfai_image_job_new (cfai_application_get_client (app), request, self->rules);
      g_signal_connect_object (job, "notify::state", G_CALLBACK (cfai_image_studio_on_job_state),
                               self, G_CONNECT_SWAPPED);
      cfai_image_queue_add (self->queue, job);
    }

  cfai_image_studio_set_notice (self, NULL);
  gtk_widget_set_visible (self->rewrite_box, FALSE);
}

static void
on_references_prepared (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GPtrArray) requests = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) references = cfai_reference_images_prepare_finish (CFAI_REFERENCE_IMAGES (source),
                                                                          result, &error);
  CfaiImageStudio *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CFAI_IMAGE_STUDIO (gtk_widget_get_ancestor (GTK_WIDGET (source), CFAI_TYPE_IMAGE_STUDIO));
  if (self == NULL)
    return;
  if (references == NULL)
    {
      cfai_image_studio_set_notice (self, error->message);
      return;
    }
  enqueue (self, requests, references);
}

static void
generate_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  CfaiImageStudio *self = CFAI_IMAGE_STUDIO (widget);
  const char *model = cfai_image_studio_get_model (self);
  g_autofree char *prompt = cfai_image_studio_dup_prompt (self);
  guint count = gtk_spin_button_get_value_as_int (self->count_button);
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func (g_object_unref);

  if (cfai_image_studio_get_application (self) == NULL || self->rules == NULL)
    return;

  g_strstrip (prompt);
  for (guint i = 0; i < count; i++)
    {
      CfaiImageRequest *request = cfai_image_request_new (model);

      cfai_image_request_set_prompt (request, prompt);
      cfai_image_settings_fill_request (self->settings, request, i);
      g_ptr_array_add (requests, request);
    }

  if (cfai_reference_images_get_n_images (self->references) == 0)
    {
      enqueue (self, requests, NULL);
      return;
    }
  cfai_reference_images_prepare_async (self->references, self->cancellable, on_references_prepared,
                                       g_steal_pointer (&requests));
}

/* A failed image asked for again: the same request, seed included, with
 * the same model's rules, as a new job at the top. */
static void
retry_action (GtkWidget  *widget,
              const char *name,
              GVariant   *param)
{
  CfaiImageStudio *self = CFAI_IMAGE_STUDIO (widget);
  CfaiApplication *app = cfai_image_studio_get_application (self);
  GListModel *jobs = G_LIST_MODEL (self->queue);
  guint64 id = g_variant_get_uint64 (param);

  if (app == NULL)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(CfaiImageJob) job = g_list_model_get_item (jobs, i);
      CfaiImageRun *run = cfai_image_job_get_run (job);
      g_autoptr(CfaiImageRequest) request = NULL;
      g_autoptr(CfaiImageJob) again = NULL;

      if (cfai_image_job_get_id (job) != id)
        continue;

      request = cfai_image_request_copy (cfai_image_run_get_sent_request (run) != NULL
                                         ? cfai_image_run_get_sent_request (run)
                                         : cfai_image_job_get_request (job));
      /* The failed job's rules are its model's, whatever the studio
       * shows now: a model whose rules came from its schema has no
       * built-in ones to fall back on. */
      again = cfai_image_job_new (cfai_application_get_client (app), request, cfai_image_job_get_rules (job));
      g_signal_connect_object (again, "notify::state", G_CALLBACK (cfai_image_studio_on_job_state),
                               self, G_CONNECT_SWAPPED);
      cfai_image_queue_add (self->queue, again);
      return;
    }
}

static void
choose_model_action (GtkWidget  *widget,
                     const char *name,
                     GVariant   *param)
{
  cfai_model_picker_popup (CFAI_IMAGE_STUDIO (widget)->model_picker);
}

static void
show_hints_action (GtkWidget  *widget,
                   const char *name,
                   GVariant   *param)
{
  cfai_image_studio_show_rewrite (CFAI_IMAGE_STUDIO (widget));
}

/* Hints ------------------------------------------------------------------ */

/* Adds @phrase at the end, selected, so typing replaces it. */
static void
insert_phrase_action (GtkWidget  *widget,
                      const char *name,
                      GVariant   *param)
{
  CfaiImageStudio *self = CFAI_IMAGE_STUDIO (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->prompt_view);
  const char *phrase = g_variant_get_string (param, NULL);
  g_autofree char *prompt = cfai_image_studio_dup_prompt (self);
  gsize len = strlen (g_strchomp (prompt));
  GtkTextIter start, end;
  int offset;

  gtk_text_buffer_begin_user_action (buffer);
  /* Trailing space gives way to the separator. */
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_get_iter_at_offset (buffer, &start, g_utf8_strlen (prompt, len));
  gtk_text_buffer_delete (buffer, &start, &end);
  if (len > 0)
    {
      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_insert (buffer, &end, ", ", -1);
    }
  gtk_text_buffer_get_end_iter (buffer, &end);
  offset = gtk_text_iter_get_offset (&end);
  gtk_text_buffer_insert (buffer, &end, phrase, -1);
  gtk_text_buffer_end_user_action (buffer);

  gtk_text_buffer_get_iter_at_offset (buffer, &start, offset);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_select_range (buffer, &start, &end);
  gtk_widget_grab_focus (GTK_WIDGET (self->prompt_view));
}

/* The prompt framed by the template; its first slot is selected, ready
 * to be typed over. */
static void
apply_template_action (GtkWidget  *widget,
                       const char *name,
                       GVariant   *param)
{
  CfaiImageStudio *self = CFAI_IMAGE_STUDIO (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->prompt_view);
  g_autofree char *prompt = cfai_image_studio_dup_prompt (self);
  g_autofree char *template = cfai_prompt_hints_build_template (prompt);
  GtkTextIter start, slot_start, slot_end;

  replace_prompt (self, template);
  gtk_widget_set_visible (self->rewrite_box, FALSE);

  gtk_text_buffer_get_start_iter (buffer, &start);
  if (gtk_text_iter_forward_search (&start, "<", GTK_TEXT_SEARCH_TEXT_ONLY, &slot_start, NULL, NULL) &&
      gtk_text_iter_forward_search (&slot_start, ">", GTK_TEXT_SEARCH_TEXT_ONLY, NULL, &slot_end, NULL))
    gtk_text_buffer_select_range (buffer, &slot_start, &slot_end);
  gtk_widget_grab_focus (GTK_WIDGET (self->prompt_view));
}

/* Enhance with AI ---------------------------------------------------------- */

static void
show_enhance_state (CfaiImageStudio *self)
{
  gtk_widget_set_visible (self->enhance_spinner, self->enhance_stream != NULL);
  gtk_label_set_text (self->after_label, self->enhance_after != NULL ? self->enhance_after->str : "");
  _cfai_image_studio_update_actions (self);
}

static void
on_enhance_delta (CfaiChatStream  *stream,
                  const char      *delta,
                  CfaiImageStudio *self)
{
  g_string_append (self->enhance_after, delta);
  gtk_label_set_text (self->after_label, self->enhance_after->str);
}

static void
end_enhance_stream (CfaiImageStudio *self)
{
  if (self->enhance_stream == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->enhance_stream, self);
  g_clear_object (&self->enhance_stream);
  cfai_image_studio_notify_busy (self);
}

static void
on_enhance_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CfaiImageStudio) self = user_data;
  g_autoptr(GError) error = NULL;

  cfai_run_execute_finish (CFAI_RUN (source), result, &error);
  if (self->enhance_stream != CFAI_CHAT_STREAM (source))
    return;

  end_enhance_stream (self);
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The prompt could not be rewritten: %s"), error->message);

      /* A cut answer is not offered as the prompt. */
      g_string_truncate (self->enhance_after, 0);
      gtk_label_set_text (self->enhance_error, text);
      gtk_widget_set_visible (GTK_WIDGET (self->enhance_error), TRUE);
    }
  else
    {
      g_autofree char *clean = g_strdup (self->enhance_after->str);

      /* Models like to quote what they were asked for. */
      g_strstrip (clean);
      if (strlen (clean) >= 2 && clean[0] == '"' && clean[strlen (clean) - 1] == '"')
        {
          clean[strlen (clean) - 1] = '\0';
          memmove (clean, clean + 1, strlen (clean));
        }
      g_string_assign (self->enhance_after, clean);
      gtk_accessible_announce (GTK_ACCESSIBLE (self), _("The rewritten prompt is ready"),
                               GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_MEDIUM);
    }
  show_enhance_state (self);
}

static void
enhance_action (GtkWidget  *widget,
                const char *name,
                GVariant   *param)
{
  CfaiImageStudio *self = CFAI_IMAGE_STUDIO (widget);
  CfaiApplication *app = cfai_image_studio_get_application (self);
  g_autoptr(CfaiChatRequest) request = NULL;
  g_autofree char *model = NULL;

  if (app == NULL || self->enhance_stream != NULL || prompt_is_blank (self))
    return;

  model = g_settings_get_string (cfai_application_get_settings (app), "prompt-enhance-model");
  g_free (self->enhance_before);
  self->enhance_before = g_strstrip (cfai_image_studio_dup_prompt (self));
  g_string_truncate (self->enhance_after, 0);
  gtk_label_set_text (self->before_label, self->enhance_before);
  gtk_widget_set_visible (GTK_WIDGET (self->enhance_error), FALSE);
  gtk_revealer_set_reveal_child (self->enhance_revealer, TRUE);

  request = cfai_chat_request_new (model);
  cfai_chat_request_set_system_prompt (request, ENHANCE_SYSTEM_PROMPT);
  cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, self->enhance_before);
  cfai_chat_request_set_stream (request, TRUE);
  cfai_chat_request_set_max_tokens (request, ENHANCE_MAX_TOKENS);

  self->enhance_stream = cfai_chat_stream_new (cfai_application_get_client (app), request);
  g_signal_connect (self->enhance_stream, "text-delta", G_CALLBACK (on_enhance_delta), self);
  cfai_run_execute_async (CFAI_RUN (self->enhance_stream), self->cancellable, on_enhance_done,
                          g_object_ref (self));
  cfai_image_studio_notify_busy (self);
  show_enhance_state (self);
}

static void
close_enhance (CfaiImageStudio *self)
{
  if (self->enhance_stream != NULL)
    cfai_run_cancel (CFAI_RUN (self->enhance_stream));
  end_enhance_stream (self);
  g_string_truncate (self->enhance_after, 0);
  gtk_revealer_set_reveal_child (self->enhance_revealer, FALSE);
  show_enhance_state (self);
}

static void
enhance_accept_action (GtkWidget  *widget,
                       const char *name,
                       GVariant   *param)
{
  CfaiImageStudio *self = CFAI_IMAGE_STUDIO (widget);
  g_autofree char *after = NULL;

  if (self->enhance_stream != NULL || self->enhance_after->len == 0)
    return;

  after = g_strdup (self->enhance_after->str);
  close_enhance (self);
  replace_prompt (self, after);
  gtk_widget_grab_focus (GTK_WIDGET (self->prompt_view));
}

/* The prompt stays exactly as it is; a rewrite still arriving stops. */
static void
enhance_discard_action (GtkWidget  *widget,
                        const char *name,
                        GVariant   *param)
{
  CfaiImageStudio *self = CFAI_IMAGE_STUDIO (widget);

  close_enhance (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->prompt_view));
}

void
_cfai_image_studio_actions_dispose (CfaiImageStudio *self)
{
  if (self->enhance_stream != NULL)
    cfai_run_cancel (CFAI_RUN (self->enhance_stream));
  end_enhance_stream (self);
  g_clear_pointer (&self->enhance_before, g_free);
  if (self->enhance_after != NULL)
    g_string_free (g_steal_pointer (&self->enhance_after), TRUE);
}

void
_cfai_image_studio_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "studio.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "studio.retry", "t", retry_action);
  gtk_widget_class_install_action (widget_class, "studio.choose-model", NULL, choose_model_action);
  gtk_widget_class_install_action (widget_class, "studio.show-hints", NULL, show_hints_action);
  gtk_widget_class_install_action (widget_class, "studio.insert-phrase", "s", insert_phrase_action);
  gtk_widget_class_install_action (widget_class, "studio.apply-template", NULL, apply_template_action);
  gtk_widget_class_install_action (widget_class, "studio.enhance", NULL, enhance_action);
  gtk_widget_class_install_action (widget_class, "studio.enhance-accept", NULL, enhance_accept_action);
  gtk_widget_class_install_action (widget_class, "studio.enhance-discard", NULL, enhance_discard_action);

  cfai_application_add_shortcut_bindings (widget_class, "studio.");
}
