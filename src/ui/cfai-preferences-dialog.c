/* cfai-preferences-dialog.c — settings, applied as soon as they change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-preferences-dialog.h"

struct _CfaiPreferencesDialog
{
  AdwPreferencesDialog parent_instance;

  GSettings           *settings;

  AdwEntryRow         *account_id_row;
  AdwEntryRow         *api_base_url_row;
};

G_DEFINE_FINAL_TYPE (CfaiPreferencesDialog, cfai_preferences_dialog, ADW_TYPE_PREFERENCES_DIALOG)

static void
cfai_preferences_dialog_dispose (GObject *object)
{
  CfaiPreferencesDialog *self = CFAI_PREFERENCES_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_PREFERENCES_DIALOG);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cfai_preferences_dialog_parent_class)->dispose (object);
}

static void
cfai_preferences_dialog_class_init (CfaiPreferencesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_preferences_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/cfai-preferences-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, account_id_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, api_base_url_row);
}

static void
cfai_preferences_dialog_init (CfaiPreferencesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (BASE_APPLICATION_ID);
  g_settings_bind (self->settings, "account-id", self->account_id_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "api-base-url", self->api_base_url_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
}

CfaiPreferencesDialog *
cfai_preferences_dialog_new (void)
{
  return g_object_new (CFAI_TYPE_PREFERENCES_DIALOG, NULL);
}
