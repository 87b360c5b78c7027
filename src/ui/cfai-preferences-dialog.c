/* cfai-preferences-dialog.c — settings, applied as soon as they change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every control writes its GSettings key directly (bound where a plain
 * binding can do it); the application watches the keys and reconfigures
 * its client, so nothing here needs an "apply" step.  The account page
 * lives in cfai-preferences-account.c, the gateway page in
 * cfai-preferences-gateway.c.
 */
#include "config.h"

#include "cfai-preferences-dialog-private.h"

G_DEFINE_FINAL_TYPE (CfaiPreferencesDialog, cfai_preferences_dialog, ADW_TYPE_PREFERENCES_DIALOG)

enum {
  PROP_0,
  PROP_APPLICATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
bind_defaults (CfaiPreferencesDialog *self)
{
  GtkTextBuffer *prompt = gtk_text_view_get_buffer (self->system_prompt_view);

  g_settings_bind (self->settings, "default-chat-model", self->chat_model_picker, "selected-model-id",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "default-image-model", self->image_model_picker, "selected-model-id",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "prompt-enhance-model", self->enhance_model_picker, "selected-model-id",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "default-max-tokens", self->max_tokens_row, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "default-temperature", self->temperature_row, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "default-system-prompt", prompt, "text",
                   G_SETTINGS_BIND_DEFAULT);
}

static void
cfai_preferences_dialog_constructed (GObject *object)
{
  CfaiPreferencesDialog *self = CFAI_PREFERENCES_DIALOG (object);

  G_OBJECT_CLASS (cfai_preferences_dialog_parent_class)->constructed (object);

  g_return_if_fail (CFAI_IS_APPLICATION (self->application));

  /* The application's own settings object, so a change made here is seen
   * by the client without waiting for another GSettings instance. */
  self->settings = g_object_ref (cfai_application_get_settings (self->application));

  bind_defaults (self);
  cfai_preferences_account_init (self);
  cfai_preferences_gateway_init (self);
}

/* Work still running when the dialog closes (a check, a keyring call)
 * would keep it alive and then act on a dialog nobody sees. */
static void
cfai_preferences_dialog_closed (AdwDialog *dialog)
{
  CfaiPreferencesDialog *self = CFAI_PREFERENCES_DIALOG (dialog);

  g_cancellable_cancel (self->cancellable);

  if (ADW_DIALOG_CLASS (cfai_preferences_dialog_parent_class)->closed != NULL)
    ADW_DIALOG_CLASS (cfai_preferences_dialog_parent_class)->closed (dialog);
}

static void
cfai_preferences_dialog_dispose (GObject *object)
{
  CfaiPreferencesDialog *self = CFAI_PREFERENCES_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  cfai_preferences_gateway_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_PREFERENCES_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->application);

  G_OBJECT_CLASS (cfai_preferences_dialog_parent_class)->dispose (object);
}

static void
cfai_preferences_dialog_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  CfaiPreferencesDialog *self = CFAI_PREFERENCES_DIALOG (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      g_value_set_object (value, self->application);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_preferences_dialog_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  CfaiPreferencesDialog *self = CFAI_PREFERENCES_DIALOG (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      self->application = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_preferences_dialog_class_init (CfaiPreferencesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AdwDialogClass *dialog_class = ADW_DIALOG_CLASS (klass);

  g_type_ensure (CFAI_TYPE_MODEL_PICKER);

  object_class->constructed = cfai_preferences_dialog_constructed;
  object_class->dispose = cfai_preferences_dialog_dispose;
  object_class->get_property = cfai_preferences_dialog_get_property;
  object_class->set_property = cfai_preferences_dialog_set_property;
  dialog_class->closed = cfai_preferences_dialog_closed;

  /**
   * CfaiPreferencesDialog:application:
   *
   * The application whose settings and credentials are shown.
   */
  properties[PROP_APPLICATION] =
    g_param_spec_object ("application", NULL, NULL,
                         CFAI_TYPE_APPLICATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/cfai-preferences-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, chat_model_picker);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, image_model_picker);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, enhance_model_picker);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, max_tokens_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, temperature_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, system_prompt_view);

  cfai_preferences_account_class_init (widget_class);
  cfai_preferences_gateway_class_init (widget_class);
}

static void
cfai_preferences_dialog_init (CfaiPreferencesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

/**
 * cfai_preferences_mark_row_invalid:
 * @row: a row whose value was refused
 * @message: (nullable): why, or %NULL when the value is fine again
 *
 * Marks @row for the eye (the "error" style) and for screen readers
 * (the invalid state, and @message as its description).
 */
void
cfai_preferences_mark_row_invalid (GtkWidget  *row,
                                   const char *message)
{
  if (message != NULL)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                      -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (row),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

/**
 * cfai_preferences_show_row_message:
 * @row: the row the message is about
 * @label: the label under the row's group that shows it
 * @message: (nullable): what to say, or %NULL to hide the label
 * @is_error: whether @message says the row's value is wrong
 *
 * Shows a message under a row: an error in the error style, with the
 * row marked invalid (cfai_preferences_mark_row_invalid()); anything
 * else as a dimmed note.
 */
void
cfai_preferences_show_row_message (GtkWidget  *row,
                                   GtkLabel   *label,
                                   const char *message,
                                   gboolean    is_error)
{
  GtkWidget *label_widget = GTK_WIDGET (label);

  cfai_preferences_mark_row_invalid (row, is_error ? message : NULL);

  gtk_widget_remove_css_class (label_widget, "error");
  gtk_widget_remove_css_class (label_widget, "dimmed");
  gtk_widget_set_visible (label_widget, message != NULL);
  gtk_label_set_text (label, message != NULL ? message : "");
  if (message != NULL)
    gtk_widget_add_css_class (label_widget, is_error ? "error" : "dimmed");
}

CfaiPreferencesDialog *
cfai_preferences_dialog_new (CfaiApplication *application)
{
  g_return_val_if_fail (CFAI_IS_APPLICATION (application), NULL);

  return g_object_new (CFAI_TYPE_PREFERENCES_DIALOG,
                       "application", application,
                       NULL);
}

CfaiApplication *
cfai_preferences_dialog_get_application (CfaiPreferencesDialog *self)
{
  g_return_val_if_fail (CFAI_IS_PREFERENCES_DIALOG (self), NULL);

  return self->application;
}
