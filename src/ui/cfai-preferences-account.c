/* cfai-preferences-account.c — the account page: account ID and API token
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The token itself is never shown or read back: the page shows where it
 * comes from (keyring, this session, the environment) and offers to
 * replace, remove or re-check it.  Whatever the environment sets is shown
 * read-only, since CfAI cannot change it.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-credentials-check.h"
#include "cfai-error.h"
#include "cfai-preferences-dialog-private.h"
#include "cfai-token-dialog.h"

#define RESPONSE_REMOVE "remove"
#define RESPONSE_CANCEL "cancel"

static CfaiCredentials *
get_credentials (CfaiPreferencesDialog *self)
{
  return cfai_application_get_credentials (self->application);
}

/* @style: (nullable): "success", "warning" or "error"; %NULL hides the label */
static void
set_account_status (CfaiPreferencesDialog *self,
                    const char            *style,
                    const char            *message)
{
  GtkWidget *label = GTK_WIDGET (self->account_status_label);

  gtk_widget_remove_css_class (label, "success");
  gtk_widget_remove_css_class (label, "warning");
  gtk_widget_remove_css_class (label, "error");

  if (style == NULL || message == NULL)
    {
      gtk_widget_set_visible (label, FALSE);
      gtk_label_set_text (self->account_status_label, "");
      return;
    }

  gtk_widget_add_css_class (label, style);
  gtk_label_set_text (self->account_status_label, message);
  gtk_widget_set_visible (label, TRUE);
  gtk_accessible_announce (GTK_ACCESSIBLE (label), message,
                           g_str_equal (style, "success")
                           ? GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_MEDIUM
                           : GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_HIGH);
}

static void
update_token_row (CfaiPreferencesDialog *self)
{
  CfaiCredentials *credentials = get_credentials (self);
  CfaiTokenSource source = cfai_credentials_get_token_source (credentials);
  gboolean has_token = cfai_client_has_token (cfai_application_get_client (self->application));
  gboolean from_env = FALSE;
  const char *keyring_message;
  const char *subtitle;

  switch (source)
    {
    case CFAI_TOKEN_SOURCE_ENVIRONMENT:
      subtitle = _("Set by the CLOUDFLARE_API_TOKEN environment variable");
      from_env = TRUE;
      break;

    case CFAI_TOKEN_SOURCE_KEYRING:
      subtitle = _("Saved in the keyring");
      break;

    case CFAI_TOKEN_SOURCE_SESSION_MEMORY:
      keyring_message = cfai_credentials_get_keyring_error_message (credentials);
      subtitle = keyring_message != NULL ? keyring_message : _("Kept only until CfAI quits");
      break;

    case CFAI_TOKEN_SOURCE_NONE:
    default:
      subtitle = has_token
                 ? _("In use, but not saved for this account")
                 : _("Not set: CfAI asks for one in its main window");
      break;
    }

  adw_action_row_set_subtitle (self->token_row, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->replace_token_button), !from_env);
  gtk_widget_set_visible (GTK_WIDGET (self->remove_token_button), !from_env);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.remove-token",
                                 !from_env && (has_token || source != CFAI_TOKEN_SOURCE_NONE));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.replace-token",
                                 !from_env && cfai_credentials_get_account_id (credentials) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.verify",
                                 !self->verifying &&
                                 cfai_application_get_has_credentials (self->application));
}

static void
update_account_rows (CfaiPreferencesDialog *self)
{
  CfaiCredentials *credentials = get_credentials (self);
  gboolean from_env = cfai_credentials_get_account_id_source (credentials) == CFAI_ACCOUNT_ID_SOURCE_ENVIRONMENT;

  gtk_widget_set_visible (GTK_WIDGET (self->account_id_row), !from_env);
  gtk_widget_set_visible (GTK_WIDGET (self->account_id_env_row), from_env);
  gtk_label_set_text (self->account_id_env_label,
                      from_env ? cfai_credentials_get_account_id (credentials) : "");
}

/* @message: (nullable): why the typed account ID was refused, or %NULL
 * to clear that.  Shown under the account group, where the token check's
 * result also goes, and on the row. */
static void
set_account_id_error (CfaiPreferencesDialog *self,
                      const char            *message)
{
  cfai_preferences_mark_row_invalid (GTK_WIDGET (self->account_id_row), message);
  set_account_status (self, message != NULL ? "error" : NULL, message);
}

/* Another account (from here or elsewhere): an error about what was
 * typed, or the last check of the token, is about the old one. */
static void
on_account_id_setting_changed (CfaiPreferencesDialog *self)
{
  g_autofree char *saved = g_settings_get_string (self->settings, "account-id");

  if (g_strcmp0 (saved, gtk_editable_get_text (GTK_EDITABLE (self->account_id_row))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->account_id_row), saved);

  set_account_id_error (self, NULL);
  update_token_row (self);
}

/* Applied on Enter or the apply button rather than on every keystroke:
 * half an account ID would point every request (and the keyring lookup)
 * at an account that does not exist. */
static void
on_account_id_apply (CfaiPreferencesDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *account = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->account_id_row));

  account = cfai_account_id_from_text (text, &error);
  if (account == NULL && !g_error_matches (error, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS))
    {
      set_account_id_error (self, error->message);
      return;
    }

  set_account_id_error (self, NULL);

  /* An empty ID is allowed: it takes CfAI back to its welcome page. */
  g_settings_set_string (self->settings, "account-id", account != NULL ? account : "");
}

static void
on_token_replaced (CfaiPreferencesDialog *self,
                   gboolean               persisted)
{
  const char *message = NULL;
  AdwToast *toast;

  if (!persisted)
    message = cfai_credentials_get_keyring_error_message (get_credentials (self));
  if (message == NULL)
    message = _("The new token is in use and saved in the keyring");

  toast = adw_toast_new (message);
  adw_toast_set_use_markup (toast, FALSE);
  adw_preferences_dialog_add_toast (ADW_PREFERENCES_DIALOG (self), toast);

  set_account_status (self, NULL, NULL);
  update_token_row (self);
}

static void
replace_token_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CfaiPreferencesDialog *self = CFAI_PREFERENCES_DIALOG (widget);
  CfaiTokenDialog *dialog = cfai_token_dialog_new (self->application);

  g_signal_connect_object (dialog, "replaced", G_CALLBACK (on_token_replaced), self,
                           G_CONNECT_SWAPPED);
  adw_dialog_present (ADW_DIALOG (dialog), widget);
}

static void
on_token_cleared (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CfaiPreferencesDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cfai_credentials_clear_token_finish (CFAI_CREDENTIALS (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* Without a keyring the copy in memory is gone all the same, so the
       * token stops being used; the message says what may remain. */
      if (g_error_matches (error, CFAI_ERROR, CFAI_ERROR_NO_KEYRING))
        {
          cfai_application_use_token (self->application, NULL);
          set_account_status (self, "warning", error->message);
        }
      else
        {
          set_account_status (self, "error", error->message);
        }

      update_token_row (self);
      return;
    }

  cfai_application_use_token (self->application, NULL);
  update_token_row (self);

  /* The window now shows where to enter a new token. */
  adw_dialog_close (ADW_DIALOG (self));
}

static void
on_remove_chosen (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CfaiPreferencesDialog) self = user_data;
  const char *response = adw_alert_dialog_choose_finish (ADW_ALERT_DIALOG (source), result);

  if (g_strcmp0 (response, RESPONSE_REMOVE) != 0)
    return;

  cfai_credentials_clear_token_async (get_credentials (self),
                                      CFAI_TOKEN_KIND_API,
                                      NULL,
                                      self->cancellable,
                                      on_token_cleared,
                                      g_object_ref (self));
}

static void
remove_token_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CfaiPreferencesDialog *self = CFAI_PREFERENCES_DIALOG (widget);
  AdwDialog *alert;

  alert = adw_alert_dialog_new (_("Remove the API Token?"),
                                _("CfAI will forget the token and ask for one again. The token stays valid in your Cloudflare account: delete it on the dashboard’s API Tokens page if you no longer need it."));
  adw_alert_dialog_add_responses (ADW_ALERT_DIALOG (alert),
                                  RESPONSE_CANCEL, _("_Cancel"),
                                  RESPONSE_REMOVE, _("_Remove"),
                                  NULL);
  adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (alert), RESPONSE_REMOVE,
                                            ADW_RESPONSE_DESTRUCTIVE);
  adw_alert_dialog_set_default_response (ADW_ALERT_DIALOG (alert), RESPONSE_CANCEL);
  adw_alert_dialog_set_close_response (ADW_ALERT_DIALOG (alert), RESPONSE_CANCEL);

  adw_alert_dialog_choose (ADW_ALERT_DIALOG (alert), widget, self->cancellable,
                           on_remove_chosen, g_object_ref (self));
}

static void
set_verifying (CfaiPreferencesDialog *self,
               gboolean               verifying)
{
  self->verifying = verifying;
  gtk_widget_set_visible (GTK_WIDGET (self->verify_spinner), verifying);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->verify_button),
                               GTK_ACCESSIBLE_STATE_BUSY, verifying,
                               -1);
  update_token_row (self);
}

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CfaiPreferencesDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cfai_credentials_check_finish (CFAI_CLIENT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      set_verifying (self, FALSE);
      set_account_status (self, "error", error->message);
      return;
    }

  set_verifying (self, FALSE);
  set_account_status (self, "success", _("The token works for this account."));
}

static void
verify_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CfaiPreferencesDialog *self = CFAI_PREFERENCES_DIALOG (widget);

  if (self->verifying)
    return;

  set_account_status (self, NULL, NULL);
  set_verifying (self, TRUE);
  cfai_credentials_check_async (cfai_application_get_client (self->application),
                                self->cancellable, on_verified, g_object_ref (self));
}

/* API base URL ---------------------------------------------------------- */

/* Stored only when applied (Enter or the apply button) and valid: every
 * keystroke would otherwise send requests, and the token, to a half-typed
 * address. */
static void
on_api_base_url_apply (CfaiPreferencesDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  url = cfai_client_check_api_base_url (gtk_editable_get_text (GTK_EDITABLE (self->api_base_url_row)),
                                        &error);
  if (url == NULL)
    {
      cfai_preferences_show_row_message (GTK_WIDGET (self->api_base_url_row),
                                         self->api_base_url_message_label, error->message, TRUE);
      return;
    }

  cfai_preferences_show_row_message (GTK_WIDGET (self->api_base_url_row),
                                     self->api_base_url_message_label, NULL, FALSE);
  g_settings_set_string (self->settings, "api-base-url", url);
  gtk_editable_set_text (GTK_EDITABLE (self->api_base_url_row), url);
}

static void
on_api_base_url_setting_changed (CfaiPreferencesDialog *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "api-base-url");

  if (!g_str_equal (url, gtk_editable_get_text (GTK_EDITABLE (self->api_base_url_row))))
    gtk_editable_set_text (GTK_EDITABLE (self->api_base_url_row), url);
  cfai_preferences_show_row_message (GTK_WIDGET (self->api_base_url_row),
                                     self->api_base_url_message_label, NULL, FALSE);
}

static void
init_api_base_url (CfaiPreferencesDialog *self)
{
  CfaiCredentials *credentials = get_credentials (self);
  g_autofree char *url = NULL;

  /* The environment wins over the setting (CfaiCredentials knows), so the
   * row shows what is really used and cannot be edited to no effect. */
  if (cfai_credentials_get_api_base_url_from_environment (credentials))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->api_base_url_row),
                             cfai_credentials_get_api_base_url (credentials));
      gtk_widget_set_sensitive (GTK_WIDGET (self->api_base_url_row), FALSE);
      cfai_preferences_show_row_message (GTK_WIDGET (self->api_base_url_row),
                                         self->api_base_url_message_label,
                                         _("Set by the CFAI_API_BASE_URL environment variable, which overrides this setting."),
                                         FALSE);
      return;
    }

  url = g_settings_get_string (self->settings, "api-base-url");
  gtk_editable_set_text (GTK_EDITABLE (self->api_base_url_row), url);
  g_signal_connect_object (self->api_base_url_row, "apply",
                           G_CALLBACK (on_api_base_url_apply), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::api-base-url",
                           G_CALLBACK (on_api_base_url_setting_changed), self, G_CONNECT_SWAPPED);
}

void
cfai_preferences_account_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, account_id_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, account_id_env_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, account_id_env_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, replace_token_button);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, remove_token_button);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, verify_button);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, verify_spinner);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, account_status_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, api_base_url_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, api_base_url_message_label);

  gtk_widget_class_install_action (widget_class, "preferences.replace-token", NULL, replace_token_action);
  gtk_widget_class_install_action (widget_class, "preferences.remove-token", NULL, remove_token_action);
  gtk_widget_class_install_action (widget_class, "preferences.verify", NULL, verify_action);
}

void
cfai_preferences_account_init (CfaiPreferencesDialog *self)
{
  CfaiCredentials *credentials = get_credentials (self);
  g_autofree char *account = g_settings_get_string (self->settings, "account-id");

  gtk_editable_set_text (GTK_EDITABLE (self->account_id_row), account);
  g_signal_connect_object (self->account_id_row, "apply",
                           G_CALLBACK (on_account_id_apply), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::account-id",
                           G_CALLBACK (on_account_id_setting_changed), self, G_CONNECT_SWAPPED);

  init_api_base_url (self);

  g_signal_connect_object (credentials, "notify::token-source",
                           G_CALLBACK (update_token_row), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (credentials, "notify::keyring-error-message",
                           G_CALLBACK (update_token_row), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->application, "notify::has-credentials",
                           G_CALLBACK (update_token_row), self, G_CONNECT_SWAPPED);

  update_account_rows (self);
  update_token_row (self);
}
