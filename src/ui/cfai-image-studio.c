/* cfai-image-studio.c — the image studio: prompt, model, settings, queue
 *
 * The studio is to images what a chat page is to a conversation: it owns
 * the cancellable of everything it starts and exposes what it does as
 * actions (cfai-image-studio-actions.c).  Each image is a CfaiImageJob in
 * the studio's CfaiImageQueue; the results grid is bound to the queue, so
 * a picture shows up the moment its job is done, whatever else is still
 * running.  Prompt hints follow the prompt after a short pause in the
 * typing, never on the keystroke itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cfai-error.h"
#include "cfai-image-job-row.h"
#include "cfai-image-studio-private.h"
#include "cfai-prompt-hint-row.h"

/* Long enough that a typist's next key comes first, short enough that
 * the hints feel live. */
#define HINTS_DELAY_MS 150

G_DEFINE_FINAL_TYPE (CfaiImageStudio, cfai_image_studio, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_BUSY,
  PROP_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

CfaiApplication *
cfai_image_studio_get_application (CfaiImageStudio *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;

  return CFAI_IS_APPLICATION (app) ? CFAI_APPLICATION (app) : NULL;
}

/* A note under the settings about what stops the next images (NULL hides it). */
void
cfai_image_studio_set_notice (CfaiImageStudio *self,
                              const char      *text)
{
  gtk_widget_set_visible (GTK_WIDGET (self->notice_label), text != NULL);
  gtk_label_set_text (self->notice_label, text != NULL ? text : "");
  if (text != NULL)
    gtk_accessible_announce (GTK_ACCESSIBLE (self), text, GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_MEDIUM);
}

void
cfai_image_studio_notify_busy (CfaiImageStudio *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Hints ------------------------------------------------------------------ */

static gboolean
update_hints_cb (gpointer user_data)
{
  CfaiImageStudio *self = user_data;
  g_autofree char *prompt = cfai_image_studio_dup_prompt (self);

  self->hints_timeout = 0;
  cfai_prompt_hints_set_prompt (self->hints, prompt);
  return G_SOURCE_REMOVE;
}

static void
on_prompt_changed (CfaiImageStudio *self)
{
  g_clear_handle_id (&self->hints_timeout, g_source_remove);
  self->hints_timeout = g_timeout_add (HINTS_DELAY_MS, update_hints_cb, self);
  cfai_image_studio_set_notice (self, NULL);
  _cfai_image_studio_update_actions (self);
}

/* Ctrl+Enter generates; the text view would take it as a new line. */
static gboolean
on_prompt_key_pressed (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       CfaiImageStudio       *self)
{
  state &= gtk_accelerator_get_default_mod_mask ();

  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter) &&
      state == GDK_CONTROL_MASK)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "studio.generate", NULL);
      return TRUE;
    }
  return FALSE;
}

static GtkWidget *
create_hint_row (gpointer item,
                 gpointer user_data)
{
  return cfai_prompt_hint_row_new (item);
}

static gboolean
same_hint (CfaiPromptHint *a,
           CfaiPromptHint *b)
{
  return cfai_prompt_hint_get_kind (a) == cfai_prompt_hint_get_kind (b) &&
         g_strcmp0 (cfai_prompt_hint_get_title (a), cfai_prompt_hint_get_title (b)) == 0 &&
         g_strcmp0 (cfai_prompt_hint_get_explanation (a), cfai_prompt_hint_get_explanation (b)) == 0;
}

/* CfaiPromptHints replaces its whole list on each update, and a list box
 * rebuilds every row for that: two dozen wrapped labels measured again,
 * longer than a frame.  Most updates change one hint or none, so the rows
 * shown follow through a store that only takes what changed. */
static void
on_hints_changed (CfaiImageStudio *self)
{
  GListModel *shown = G_LIST_MODEL (self->shown_hints);
  GListModel *hints = G_LIST_MODEL (self->hints);
  guint n_shown = g_list_model_get_n_items (shown);
  guint n_hints = g_list_model_get_n_items (hints);
  guint head = 0;
  guint tail = 0;
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);

  while (head < n_shown && head < n_hints)
    {
      g_autoptr(CfaiPromptHint) a = g_list_model_get_item (shown, head);
      g_autoptr(CfaiPromptHint) b = g_list_model_get_item (hints, head);

      if (!same_hint (a, b))
        break;
      head++;
    }
  while (tail < n_shown - head && tail < n_hints - head)
    {
      g_autoptr(CfaiPromptHint) a = g_list_model_get_item (shown, n_shown - 1 - tail);
      g_autoptr(CfaiPromptHint) b = g_list_model_get_item (hints, n_hints - 1 - tail);

      if (!same_hint (a, b))
        break;
      tail++;
    }

  if (head + tail == n_shown && head + tail == n_hints)
    return;
  for (guint i = head; i < n_hints - tail; i++)
    g_ptr_array_add (added, g_list_model_get_item (hints, i));
  g_list_store_splice (self->shown_hints, head, n_shown - head - tail, added->pdata, added->len);
}

/* The safety filter's refusal: the hints open by themselves, led by a
 * rewrite of the prompt the user can take with one click. */
void
cfai_image_studio_show_rewrite (CfaiImageStudio *self)
{
  g_autofree char *prompt = cfai_image_studio_dup_prompt (self);
  g_autofree char *template = cfai_prompt_hints_build_template (prompt);

  gtk_label_set_text (self->rewrite_label, template);
  gtk_widget_set_visible (self->rewrite_box, TRUE);
  gtk_toggle_button_set_active (self->hints_button, TRUE);
  gtk_accessible_announce (GTK_ACCESSIBLE (self),
                           _("The safety filter refused the prompt. The hints suggest a rewrite."),
                           GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_HIGH);
}

/* Model ------------------------------------------------------------------ */

/* Settings can only be shown in rows built for their model's rules,
 * which may still be on their way. */
static void
apply_pending_request (CfaiImageStudio *self)
{
  if (self->pending_request == NULL || self->rules == NULL ||
      g_strcmp0 (cfai_image_model_rules_get_model_id (self->rules),
                 cfai_image_request_get_model (self->pending_request)) != 0)
    return;

  cfai_image_settings_apply_request (self->settings, self->pending_request, self->pending_keep_seed);
  g_clear_object (&self->pending_request);
}

static void
set_rules (CfaiImageStudio     *self,
           CfaiImageModelRules *rules)
{
  if (self->rules != rules)
    {
      g_clear_pointer (&self->rules, cfai_image_model_rules_unref);
      self->rules = rules != NULL ? cfai_image_model_rules_ref (rules) : NULL;
    }
  cfai_image_settings_set_rules (self->settings, rules);
  cfai_reference_images_set_rules (self->references, rules);
  cfai_prompt_hints_set_model_rules (self->hints, rules);
  apply_pending_request (self);
  _cfai_image_studio_update_actions (self);
}

static void
on_rules_fetched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CfaiImageStudio) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CfaiImageModelRules) rules = cfai_image_model_rules_fetch_finish (CFAI_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->rules_cancellable);
  if (rules == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The settings of this model could not be loaded: %s"),
                                               error->message);
      cfai_image_studio_set_notice (self, text);
      return;
    }
  cfai_image_studio_set_notice (self, NULL);
  set_rules (self, rules);
}

/* Known models have built-in rules at once; others wait for their schema,
 * and until then nothing can be generated with them. */
static void
on_model_changed (CfaiImageStudio *self)
{
  const char *model = cfai_model_picker_get_selected_model_id (self->model_picker);
  g_autoptr(CfaiImageModelRules) rules = NULL;
  CfaiApplication *app = cfai_image_studio_get_application (self);

  if (self->rules_cancellable != NULL)
    g_cancellable_cancel (self->rules_cancellable);
  g_clear_object (&self->rules_cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);

  if (model == NULL || *model == '\0')
    {
      set_rules (self, NULL);
      return;
    }

  rules = cfai_image_model_rules_lookup (model);
  set_rules (self, rules);
  if (rules != NULL || app == NULL)
    return;

  self->rules_cancellable = g_cancellable_new ();
  cfai_image_model_rules_fetch_async (cfai_application_get_client (app), model, self->rules_cancellable,
                                      on_rules_fetched, g_object_ref (self));
}

/* Reference images: pasted or dropped ------------------------------------ */

static void
on_clipboard_texture (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(CfaiImageStudio) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (source), result, &error);

  if (texture != NULL)
    cfai_reference_images_add_texture (self->references, texture);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    cfai_image_studio_set_notice (self, error->message);
}

/* A picture on the clipboard becomes a reference image; text is pasted
 * as usual. */
static void
on_paste_clipboard (GtkTextView     *view,
                    CfaiImageStudio *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (view));
  GdkContentFormats *formats = gdk_clipboard_get_formats (clipboard);

  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE) &&
      !gdk_content_formats_contain_gtype (formats, G_TYPE_STRING))
    {
      g_signal_stop_emission_by_name (view, "paste-clipboard");
      gdk_clipboard_read_texture_async (clipboard, self->cancellable, on_clipboard_texture,
                                        g_object_ref (self));
    }
}

static gboolean
on_drop (GtkDropTarget   *target,
         const GValue    *value,
         double           x,
         double           y,
         CfaiImageStudio *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      for (GSList *l = g_value_get_boxed (value); l != NULL; l = l->next)
        cfai_reference_images_add_file (self->references, l->data);
      return TRUE;
    }
  if (G_VALUE_HOLDS (value, GDK_TYPE_TEXTURE))
    {
      cfai_reference_images_add_texture (self->references, g_value_get_object (value));
      return TRUE;
    }
  return FALSE;
}

/* Results ---------------------------------------------------------------- */

static gboolean
is_refusal (const GError *error)
{
  g_autofree char *lower = NULL;

  if (g_error_matches (error, CFAI_ERROR, CFAI_ERROR_NSFW))
    return TRUE;
  /* The filter has also answered with other codes and only its words. */
  lower = g_ascii_strdown (error->message, -1);
  return strstr (lower, "nsfw") != NULL;
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CfaiImageStudio) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CfaiImageRecord) record = cfai_image_store_add_finish (CFAI_IMAGE_STORE (source), result, &error);

  if (record == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The picture stays in the studio; the message says what to fix. */
      g_autofree char *text = g_strdup_printf (_("The image could not be kept in the gallery: %s"),
                                               error->message);
      cfai_image_studio_set_notice (self, text);
    }
}

/* Every picture is kept: the file with its settings in it, and its row. */
static void
save_to_gallery (CfaiImageStudio *self,
                 CfaiImageJob    *job)
{
  CfaiApplication *app = cfai_image_studio_get_application (self);
  CfaiImageStore *store = app != NULL ? cfai_application_get_image_store (app) : NULL;
  CfaiImageRun *run = cfai_image_job_get_run (job);
  CfaiImageRequest *sent = cfai_image_run_get_sent_request (run);
  CfaiModel *model;
  double cost = -1;

  if (store == NULL || sent == NULL)
    return;

  /* Reference images are scaled to the model's limit before they go,
   * which for every model that takes several is one 512×512 tile. */
  model = cfai_model_catalog_lookup (cfai_application_get_catalog (app), cfai_image_request_get_model (sent));
  if (model != NULL)
    cost = cfai_model_estimate_image_cost (model,
                                           cfai_image_request_get_width (sent),
                                           cfai_image_request_get_height (sent),
                                           cfai_image_request_get_steps (sent),
                                           cfai_image_request_get_n_reference_images (sent));
  cfai_image_store_add_async (store, sent, cfai_image_run_get_image (run),
                              cost, self->cancellable, on_saved, g_object_ref (self));
}

void
cfai_image_studio_on_job_state (CfaiImageStudio *self,
                                GParamSpec      *pspec,
                                CfaiImageJob    *job)
{
  const GError *error = cfai_image_job_get_error (job);

  switch (cfai_image_job_get_state (job))
    {
    case CFAI_IMAGE_JOB_DONE:
      cfai_image_settings_show_seed (self->settings, cfai_image_job_get_seed (job));
      save_to_gallery (self, job);
      gtk_accessible_announce (GTK_ACCESSIBLE (self), _("An image is ready"),
                               GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_MEDIUM);
      break;

    case CFAI_IMAGE_JOB_FAILED:
      if (error != NULL && is_refusal (error))
        cfai_image_studio_show_rewrite (self);
      else if (error != NULL)
        gtk_accessible_announce (GTK_ACCESSIBLE (self), error->message,
                                 GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_HIGH);
      break;

    case CFAI_IMAGE_JOB_QUEUED:
    case CFAI_IMAGE_JOB_RUNNING:
    case CFAI_IMAGE_JOB_CANCELLED:
    default:
      break;
    }
}

static GtkWidget *
create_job_row (gpointer item,
                gpointer user_data)
{
  return cfai_image_job_row_new (item);
}

static void
on_queue_changed (CfaiImageStudio *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->queue)) == 0;

  gtk_stack_set_visible_child_name (self->results_stack, empty ? "empty" : "results");
}

/* Object ------------------------------------------------------------------ */

static void
cfai_image_studio_root (GtkWidget *widget)
{
  CfaiImageStudio *self = CFAI_IMAGE_STUDIO (widget);

  GTK_WIDGET_CLASS (cfai_image_studio_parent_class)->root (widget);

  /* A model without built-in rules needs the client, which comes with
   * the window. */
  if (self->rules == NULL)
    on_model_changed (self);
}

static void
cfai_image_studio_dispose (GObject *object)
{
  CfaiImageStudio *self = CFAI_IMAGE_STUDIO (object);

  g_cancellable_cancel (self->cancellable);
  if (self->rules_cancellable != NULL)
    g_cancellable_cancel (self->rules_cancellable);
  if (self->queue != NULL)
    cfai_image_queue_cancel_all (self->queue);
  g_clear_handle_id (&self->hints_timeout, g_source_remove);
  _cfai_image_studio_actions_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_IMAGE_STUDIO);
  g_clear_object (&self->queue);
  g_clear_object (&self->pending_request);
  g_clear_object (&self->hints);
  g_clear_object (&self->shown_hints);
  g_clear_object (&self->rules_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rules, cfai_image_model_rules_unref);

  G_OBJECT_CLASS (cfai_image_studio_parent_class)->dispose (object);
}

static void
cfai_image_studio_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CfaiImageStudio *self = CFAI_IMAGE_STUDIO (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, cfai_image_studio_get_title (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, cfai_image_studio_get_busy (self));
      break;
    case PROP_MODEL:
      g_value_set_string (value, cfai_image_studio_get_model (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_image_studio_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CfaiImageStudio *self = CFAI_IMAGE_STUDIO (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      cfai_image_studio_set_model (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_image_studio_class_init (CfaiImageStudioClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_image_studio_dispose;
  object_class->get_property = cfai_image_studio_get_property;
  object_class->set_property = cfai_image_studio_set_property;
  widget_class->root = cfai_image_studio_root;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * CfaiImageStudio:busy:
   *
   * Whether images are queued or being made, or a prompt is being rewritten.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * CfaiImageStudio:model:
   *
   * The text-to-image model the next images are made with.
   */
  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CFAI_TYPE_IMAGE_SETTINGS);
  g_type_ensure (CFAI_TYPE_REFERENCE_IMAGES);
  g_type_ensure (CFAI_TYPE_MODEL_PICKER);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-image-studio.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, prompt_view);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, hints_button);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, hints_revealer);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, hints_list);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, rewrite_box);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, rewrite_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, enhance_revealer);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, before_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, after_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, enhance_spinner);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, enhance_error);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, model_picker);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, settings);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, references);
  gtk_widget_class_bind_template_callback (widget_class, on_paste_clipboard);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, notice_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, count_button);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, results_stack);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageStudio, results_box);
  /* For tests: what the user clicks. */
  gtk_widget_class_bind_template_child_full (widget_class, "generate_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "enhance_button", FALSE, 0);
  /* Bound so that dispose_template() unparents it. */
  gtk_widget_class_bind_template_child_full (widget_class, "content", FALSE, 0);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "cfai-image-studio");

  _cfai_image_studio_class_actions_init (widget_class);
}

static void
cfai_image_studio_init (CfaiImageStudio *self)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APPLICATION_ID);
  g_autofree char *model = g_settings_get_string (settings, "default-image-model");
  GtkEventController *keys;
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->enhance_after = g_string_new (NULL);
  self->queue = cfai_image_queue_new ();
  self->hints = cfai_prompt_hints_new ();

  self->shown_hints = g_list_store_new (CFAI_TYPE_PROMPT_HINT);
  g_signal_connect_object (self->hints, "items-changed", G_CALLBACK (on_hints_changed), self, G_CONNECT_SWAPPED);
  on_hints_changed (self);
  gtk_list_box_bind_model (self->hints_list, G_LIST_MODEL (self->shown_hints), create_hint_row, NULL, NULL);
  gtk_flow_box_bind_model (self->results_box, G_LIST_MODEL (self->queue), create_job_row, NULL, NULL);
  g_signal_connect_object (self->queue, "items-changed", G_CALLBACK (on_queue_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->queue, "notify::n-pending", G_CALLBACK (cfai_image_studio_notify_busy),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->prompt_view), "changed",
                           G_CALLBACK (on_prompt_changed), self, G_CONNECT_SWAPPED);
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_prompt_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->prompt_view), keys);
  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, (GType[2]) { GDK_TYPE_FILE_LIST, GDK_TYPE_TEXTURE }, 2);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  g_signal_connect_object (self->model_picker, "notify::selected-model-id",
                           G_CALLBACK (on_model_changed), self, G_CONNECT_SWAPPED);

  /* The studio starts with the default; choosing another model here does
   * not change the default (that is Preferences' job). */
  cfai_model_picker_set_selected_model_id (self->model_picker, *model != '\0' ? model : NULL);
  on_model_changed (self);
  _cfai_image_studio_update_actions (self);
}

GtkWidget *
cfai_image_studio_new (void)
{
  return g_object_new (CFAI_TYPE_IMAGE_STUDIO, NULL);
}

const char *
cfai_image_studio_get_title (CfaiImageStudio *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_STUDIO (self), NULL);
  return _("Images");
}

gboolean
cfai_image_studio_get_busy (CfaiImageStudio *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_STUDIO (self), FALSE);
  return cfai_image_queue_get_n_pending (self->queue) > 0 || self->enhance_stream != NULL;
}

const char *
cfai_image_studio_get_model (CfaiImageStudio *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_STUDIO (self), NULL);
  return cfai_model_picker_get_selected_model_id (self->model_picker);
}

void
cfai_image_studio_set_model (CfaiImageStudio *self,
                             const char      *model)
{
  g_return_if_fail (CFAI_IS_IMAGE_STUDIO (self));
  /* The picker notifies, and on_model_changed() follows. */
  cfai_model_picker_set_selected_model_id (self->model_picker, model);
}

/**
 * cfai_image_studio_apply_request:
 * @request: the settings of a picture, from the gallery
 * @keep_seed: %TRUE to make that picture again (Reuse Settings), %FALSE
 *   for a new seed (Vary Seed)
 *
 * Fills the prompt, the model and every setting the model takes from
 * @request.  Reference images are not part of it.
 */
void
cfai_image_studio_apply_request (CfaiImageStudio  *self,
                                 CfaiImageRequest *request,
                                 gboolean          keep_seed)
{
  const char *prompt;

  g_return_if_fail (CFAI_IS_IMAGE_STUDIO (self));
  g_return_if_fail (CFAI_IS_IMAGE_REQUEST (request));

  prompt = cfai_image_request_get_prompt (request);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->prompt_view), prompt != NULL ? prompt : "", -1);

  g_set_object (&self->pending_request, request);
  self->pending_keep_seed = keep_seed;
  cfai_image_studio_set_model (self, cfai_image_request_get_model (request));
  /* The same model as before: no new rules come. */
  apply_pending_request (self);
}

CfaiImageQueue *
cfai_image_studio_get_queue (CfaiImageStudio *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_STUDIO (self), NULL);
  return self->queue;
}

CfaiReferenceImages *
cfai_image_studio_get_references (CfaiImageStudio *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_STUDIO (self), NULL);
  return self->references;
}

CfaiPromptHints *
cfai_image_studio_get_hints (CfaiImageStudio *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_STUDIO (self), NULL);
  return self->hints;
}

GtkTextView *
cfai_image_studio_get_prompt_view (CfaiImageStudio *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_STUDIO (self), NULL);
  return self->prompt_view;
}

char *
cfai_image_studio_dup_prompt (CfaiImageStudio *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (CFAI_IS_IMAGE_STUDIO (self), NULL);

  buffer = gtk_text_view_get_buffer (self->prompt_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
cfai_image_studio_focus_prompt (CfaiImageStudio *self)
{
  g_return_if_fail (CFAI_IS_IMAGE_STUDIO (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->prompt_view));
}
