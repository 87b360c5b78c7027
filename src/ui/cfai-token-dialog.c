/* cfai-token-dialog.c — replace the API token, checked before it is used
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A replacement only takes over once Cloudflare accepted it for the
 * app's account: a mistyped token must never lock the user out of one
 * that worked.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-credentials-check.h"
#include "cfai-token-dialog.h"

struct _CfaiTokenDialog
{
  AdwDialog            parent_instance;

  CfaiApplication     *application;
  GCancellable        *cancellable;
  CfaiClient          *check_client;
  char                *pending_token;   /* wiped */
  gboolean             busy;

  AdwPasswordEntryRow *token_row;
  GtkLabel            *error_label;
  GtkStack            *replace_stack;
  GtkButton           *replace_button;
};

G_DEFINE_FINAL_TYPE (CfaiTokenDialog, cfai_token_dialog, ADW_TYPE_DIALOG)

enum {
  PROP_0,
  PROP_APPLICATION,
  PROP_BUSY,
  N_PROPS
};

enum {
  SIGNAL_REPLACED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
clear_pending (CfaiTokenDialog *self)
{
  g_clear_object (&self->check_client);
  g_clear_pointer (&self->pending_token, cfai_token_free);
}

static void
set_busy (CfaiTokenDialog *self,
          gboolean         busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;
  gtk_stack_set_visible_child_name (self->replace_stack, busy ? "spinner" : "label");
  /* Not insensitive, which would take the focus away from the entry. */
  gtk_editable_set_editable (GTK_EDITABLE (self->token_row), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "token.replace", !busy);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->replace_button),
                               GTK_ACCESSIBLE_STATE_BUSY, busy,
                               -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_error (CfaiTokenDialog *self,
            const char      *message)
{
  if (message == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
      gtk_label_set_text (self->error_label, "");
      gtk_widget_remove_css_class (GTK_WIDGET (self->token_row), "error");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->token_row),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      return;
    }

  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->token_row), "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->token_row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                  -1);
  gtk_accessible_announce (GTK_ACCESSIBLE (self->error_label), message,
                           GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_HIGH);
  gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
}

static void
on_token_stored (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CfaiTokenDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean persisted = FALSE;

  if (!cfai_credentials_store_token_finish (CFAI_CREDENTIALS (source), result, &persisted, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      clear_pending (self);
      set_busy (self, FALSE);
      show_error (self, error->message);
      return;
    }

  cfai_application_use_token (self->application, self->pending_token);
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  clear_pending (self);
  set_busy (self, FALSE);

  g_signal_emit (self, signals[SIGNAL_REPLACED], 0, persisted);
  adw_dialog_close (ADW_DIALOG (self));
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CfaiTokenDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cfai_credentials_check_finish (CFAI_CLIENT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      clear_pending (self);
      set_busy (self, FALSE);
      show_error (self, error->message);
      return;
    }

  cfai_credentials_store_token_async (cfai_application_get_credentials (self->application),
                                      CFAI_TOKEN_KIND_API,
                                      NULL,
                                      self->pending_token,
                                      self->cancellable,
                                      on_token_stored,
                                      g_object_ref (self));
}

/**
 * cfai_token_dialog_replace:
 * @self: a #CfaiTokenDialog
 *
 * Checks the entered token against the application's account; when it
 * works, stores it and makes it the application's, then closes.
 */
void
cfai_token_dialog_replace (CfaiTokenDialog *self)
{
  g_autoptr(GError) error = NULL;
  const char *account;

  g_return_if_fail (CFAI_IS_TOKEN_DIALOG (self));

  if (self->busy)
    return;

  show_error (self, NULL);

  account = cfai_credentials_get_account_id (cfai_application_get_credentials (self->application));
  if (account == NULL)
    {
      show_error (self, _("Enter your Cloudflare account ID first: the token is checked against it."));
      return;
    }

  clear_pending (self);
  self->pending_token = cfai_token_from_text (gtk_editable_get_text (GTK_EDITABLE (self->token_row)), &error);
  if (self->pending_token == NULL)
    {
      show_error (self, error->message);
      return;
    }

  self->check_client = cfai_credentials_check_client_new (cfai_application_get_client (self->application),
                                                          account, self->pending_token);
  set_busy (self, TRUE);
  cfai_credentials_check_async (self->check_client, self->cancellable,
                                on_checked, g_object_ref (self));
}

static void
replace_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  cfai_token_dialog_replace (CFAI_TOKEN_DIALOG (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  adw_dialog_close (ADW_DIALOG (widget));
}

static void
cfai_token_dialog_closed (AdwDialog *dialog)
{
  CfaiTokenDialog *self = CFAI_TOKEN_DIALOG (dialog);

  /* Closing is the user's "never mind": nothing is stored afterwards. */
  g_cancellable_cancel (self->cancellable);
  clear_pending (self);

  if (ADW_DIALOG_CLASS (cfai_token_dialog_parent_class)->closed != NULL)
    ADW_DIALOG_CLASS (cfai_token_dialog_parent_class)->closed (dialog);
}

static void
cfai_token_dialog_dispose (GObject *object)
{
  CfaiTokenDialog *self = CFAI_TOKEN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  clear_pending (self);
  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_TOKEN_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->application);

  G_OBJECT_CLASS (cfai_token_dialog_parent_class)->dispose (object);
}

static void
cfai_token_dialog_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CfaiTokenDialog *self = CFAI_TOKEN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      g_value_set_object (value, self->application);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_token_dialog_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CfaiTokenDialog *self = CFAI_TOKEN_DIALOG (object);

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
cfai_token_dialog_class_init (CfaiTokenDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AdwDialogClass *dialog_class = ADW_DIALOG_CLASS (klass);

  object_class->dispose = cfai_token_dialog_dispose;
  object_class->get_property = cfai_token_dialog_get_property;
  object_class->set_property = cfai_token_dialog_set_property;
  dialog_class->closed = cfai_token_dialog_closed;

  properties[PROP_APPLICATION] =
    g_param_spec_object ("application", NULL, NULL,
                         CFAI_TYPE_APPLICATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CfaiTokenDialog::replaced:
   * @persisted: whether the keyring saved the new token (otherwise it is
   *   kept only until CfAI quits)
   *
   * The new token was checked, stored and is now the application's.
   */
  signals[SIGNAL_REPLACED] =
    g_signal_new ("replaced",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-token-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiTokenDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiTokenDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiTokenDialog, replace_stack);
  gtk_widget_class_bind_template_child (widget_class, CfaiTokenDialog, replace_button);

  gtk_widget_class_install_action (widget_class, "token.replace", NULL, replace_action);
  gtk_widget_class_install_action (widget_class, "token.cancel", NULL, cancel_action);
}

static void
cfai_token_dialog_init (CfaiTokenDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

CfaiTokenDialog *
cfai_token_dialog_new (CfaiApplication *application)
{
  g_return_val_if_fail (CFAI_IS_APPLICATION (application), NULL);

  return g_object_new (CFAI_TYPE_TOKEN_DIALOG,
                       "application", application,
                       NULL);
}

gboolean
cfai_token_dialog_get_busy (CfaiTokenDialog *self)
{
  g_return_val_if_fail (CFAI_IS_TOKEN_DIALOG (self), FALSE);

  return self->busy;
}
