/* cfai-welcome-page.c — first run: ask for the account ID and API token
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page only proves the credentials work and hands them over: the
 * token goes to the keyring (or this session's memory), the account ID
 * to GSettings, and the application's has-credentials property turning
 * true is what makes the window leave this page.
 */
#include "config.h"

#include "cfai-credentials-check.h"
#include "cfai-error.h"
#include "cfai-welcome-page.h"

/* The error Cloudflare gives for an account the token cannot reach. */
#define CF_CODE_NO_ROUTE 7003

struct _CfaiWelcomePage
{
  GtkWidget            parent_instance;

  CfaiApplication     *application;
  GCancellable        *cancellable;
  CfaiClient          *check_client;   /* the credentials being checked */
  char                *pending_account; /* NULL: the environment's */
  char                *pending_token;   /* NULL: the environment's; wiped */
  gboolean             busy;
  guint                scroll_tick;

  AdwStatusPage       *status_page;
  AdwEntryRow         *account_row;
  AdwActionRow        *account_env_row;
  GtkLabel            *account_env_label;
  AdwPasswordEntryRow *token_row;
  AdwActionRow        *token_env_row;
  GtkLabel            *error_label;
  GtkButton           *verify_button;
  GtkStack            *verify_stack;
};

G_DEFINE_FINAL_TYPE (CfaiWelcomePage, cfai_welcome_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_APPLICATION,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static CfaiCredentials *
get_credentials (CfaiWelcomePage *self)
{
  return self->application != NULL ? cfai_application_get_credentials (self->application) : NULL;
}

static gboolean
account_from_environment (CfaiWelcomePage *self)
{
  CfaiCredentials *credentials = get_credentials (self);

  return credentials != NULL &&
         cfai_credentials_get_account_id_source (credentials) == CFAI_ACCOUNT_ID_SOURCE_ENVIRONMENT;
}

static gboolean
token_from_environment (CfaiWelcomePage *self)
{
  CfaiCredentials *credentials = get_credentials (self);

  return credentials != NULL &&
         cfai_credentials_get_token_source (credentials) == CFAI_TOKEN_SOURCE_ENVIRONMENT;
}

static void
clear_pending (CfaiWelcomePage *self)
{
  g_clear_object (&self->check_client);
  g_clear_pointer (&self->pending_account, g_free);
  g_clear_pointer (&self->pending_token, cfai_token_free);
}

static void
set_busy (CfaiWelcomePage *self,
          gboolean         busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;

  gtk_stack_set_visible_child_name (self->verify_stack, busy ? "spinner" : "label");
  /* Not insensitive: that would take the keyboard focus away from the
   * entry the user pressed Enter in. */
  gtk_editable_set_editable (GTK_EDITABLE (self->account_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->token_row), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.verify", !busy);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->verify_button),
                               GTK_ACCESSIBLE_STATE_BUSY, busy,
                               -1);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
clear_error (CfaiWelcomePage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_label_set_text (self->error_label, "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->account_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->token_row), "error");
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->account_row),
                                 GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->token_row),
                                 GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* In a short window the message pushes the button out of sight.  The
 * page can only scroll to it once the message has been laid out; the
 * rows stay in view, as the page scrolls only as far as needed. */
static gboolean
scroll_to_button (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  CfaiWelcomePage *self = CFAI_WELCOME_PAGE (widget);
  GtkWidget *viewport;

  if (gtk_widget_get_visible (GTK_WIDGET (self->error_label)) &&
      gtk_widget_get_height (GTK_WIDGET (self->error_label)) == 0)
    return G_SOURCE_CONTINUE;

  self->scroll_tick = 0;
  viewport = gtk_widget_get_ancestor (GTK_WIDGET (self->verify_button), GTK_TYPE_VIEWPORT);
  if (viewport != NULL)
    gtk_viewport_scroll_to (GTK_VIEWPORT (viewport), GTK_WIDGET (self->verify_button), NULL);

  return G_SOURCE_REMOVE;
}

/* @row: (nullable): the row to blame and focus */
static void
show_error (CfaiWelcomePage *self,
            GtkWidget       *row,
            const char      *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  gtk_accessible_announce (GTK_ACCESSIBLE (self->error_label), message,
                           GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_HIGH);

  if (row != NULL && gtk_widget_get_visible (row))
    {
      gtk_widget_add_css_class (row, "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                      -1);
      gtk_widget_grab_focus (row);
    }

  if (self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_to_button, NULL, NULL);
}

/* Rows follow where the credentials come from: whatever the environment
 * sets is shown, not asked for. */
static void
sync_sources (CfaiWelcomePage *self)
{
  CfaiCredentials *credentials = get_credentials (self);
  gboolean env_account = account_from_environment (self);
  gboolean env_token = token_from_environment (self);

  gtk_widget_set_visible (GTK_WIDGET (self->account_row), !env_account);
  gtk_widget_set_visible (GTK_WIDGET (self->account_env_row), env_account);
  gtk_label_set_text (self->account_env_label,
                      env_account ? cfai_credentials_get_account_id (credentials) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->token_row), !env_token);
  gtk_widget_set_visible (GTK_WIDGET (self->token_env_row), env_token);

  /* An account ID saved earlier (say, before its token was removed) is
   * offered again instead of being asked for from scratch. */
  if (!env_account && self->application != NULL &&
      *gtk_editable_get_text (GTK_EDITABLE (self->account_row)) == '\0')
    {
      g_autofree char *saved = g_settings_get_string (cfai_application_get_settings (self->application),
                                                      "account-id");

      gtk_editable_set_text (GTK_EDITABLE (self->account_row), saved);
    }
}

static void
finish (CfaiWelcomePage *self)
{
  /* has-credentials turns true here and the window moves on. */
  if (self->pending_token != NULL)
    cfai_application_use_token (self->application, self->pending_token);

  /* The token is in safer hands now; it must not wait in this entry for
   * the next time the page is shown. */
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  clear_pending (self);
  set_busy (self, FALSE);
}

/* Shown where it outlives this page: the window's toast overlay stays
 * when the window moves on to its normal content. */
static void
show_keyring_notice (CfaiWelcomePage *self)
{
  const char *message = cfai_credentials_get_keyring_error_message (get_credentials (self));
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  if (message == NULL || overlay == NULL)
    return;

  toast = adw_toast_new (message);
  adw_toast_set_use_markup (toast, FALSE);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  /* It explains why CfAI will ask again next time: it stays until read. */
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

static void
on_token_stored (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CfaiWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean persisted = FALSE;

  /* Not being persisted is no failure: the token works until CfAI quits,
   * and the window says so with the keyring's own explanation. */
  if (!cfai_credentials_store_token_finish (CFAI_CREDENTIALS (source), result, &persisted, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      clear_pending (self);
      set_busy (self, FALSE);
      show_error (self, GTK_WIDGET (self->token_row), error->message);
      return;
    }

  if (!persisted)
    show_keyring_notice (self);
  finish (self);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CfaiWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *blame;

  if (!cfai_credentials_check_finish (CFAI_CLIENT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      if (cfai_error_get_api_code (error) == CF_CODE_NO_ROUTE)
        blame = GTK_WIDGET (self->account_row);
      else if (g_error_matches (error, CFAI_ERROR, CFAI_ERROR_AUTH))
        blame = GTK_WIDGET (self->token_row);
      else
        blame = NULL;

      clear_pending (self);
      set_busy (self, FALSE);
      show_error (self, blame, error->message);
      return;
    }

  /* The account ID must be the app's before the token is stored, since
   * tokens are kept per account and the token source follows the app's
   * account. */
  if (self->pending_account != NULL)
    {
      g_settings_set_string (cfai_application_get_settings (self->application),
                             "account-id", self->pending_account);
      g_clear_pointer (&self->pending_account, g_free);
    }

  if (self->pending_token == NULL)
    {
      finish (self);
      return;
    }

  cfai_credentials_store_token_async (get_credentials (self),
                                      CFAI_TOKEN_KIND_API,
                                      NULL,
                                      self->pending_token,
                                      self->cancellable,
                                      on_token_stored,
                                      g_object_ref (self));
}

/**
 * cfai_welcome_page_verify:
 * @self: a #CfaiWelcomePage
 *
 * Checks what was entered, then asks Cloudflare whether it works; on
 * success the credentials become the application's.  What the user typed
 * stays as it is when anything fails.
 */
void
cfai_welcome_page_verify (CfaiWelcomePage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *account = NULL;
  char *token = NULL;

  g_return_if_fail (CFAI_IS_WELCOME_PAGE (self));
  g_return_if_fail (self->application != NULL);

  if (self->busy)
    return;

  clear_error (self);

  if (!account_from_environment (self))
    {
      const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->account_row));

      account = cfai_account_id_from_text (typed, &error);
      if (account == NULL)
        {
          show_error (self, GTK_WIDGET (self->account_row), error->message);
          return;
        }

      /* Show the ID taken out of a pasted dashboard address. */
      if (g_strcmp0 (account, typed) != 0)
        gtk_editable_set_text (GTK_EDITABLE (self->account_row), account);
    }

  if (!token_from_environment (self))
    {
      token = cfai_token_from_text (gtk_editable_get_text (GTK_EDITABLE (self->token_row)), &error);
      if (token == NULL)
        {
          show_error (self, GTK_WIDGET (self->token_row), error->message);
          return;
        }
    }

  clear_pending (self);
  self->pending_account = g_strdup (account);
  self->pending_token = g_steal_pointer (&token);
  self->check_client = cfai_credentials_check_client_new (cfai_application_get_client (self->application),
                                                          account != NULL
                                                          ? account
                                                          : cfai_credentials_get_account_id (get_credentials (self)),
                                                          self->pending_token);
  set_busy (self, TRUE);
  cfai_credentials_check_async (self->check_client, self->cancellable,
                                on_checked, g_object_ref (self));
}

static void
verify_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  cfai_welcome_page_verify (CFAI_WELCOME_PAGE (widget));
}

/* Enter in either entry verifies, as the button is the page's purpose. */
static void
cfai_welcome_page_map (GtkWidget *widget)
{
  CfaiWelcomePage *self = CFAI_WELCOME_PAGE (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (cfai_welcome_page_parent_class)->map (widget);

  sync_sources (self);

  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_default_widget (GTK_WINDOW (root), GTK_WIDGET (self->verify_button));
}

static void
cfai_welcome_page_unmap (GtkWidget *widget)
{
  CfaiWelcomePage *self = CFAI_WELCOME_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (GTK_IS_WINDOW (root) &&
      gtk_window_get_default_widget (GTK_WINDOW (root)) == GTK_WIDGET (self->verify_button))
    gtk_window_set_default_widget (GTK_WINDOW (root), NULL);

  GTK_WIDGET_CLASS (cfai_welcome_page_parent_class)->unmap (widget);
}

/* Taken out of its window (which is what closing the window does): the
 * user gave up, so nothing may be stored later.  Dispose would come too
 * late, as the callbacks' references keep the page alive until they run. */
static void
cfai_welcome_page_unroot (GtkWidget *widget)
{
  CfaiWelcomePage *self = CFAI_WELCOME_PAGE (widget);

  if (self->busy)
    {
      g_cancellable_cancel (self->cancellable);
      g_object_unref (self->cancellable);
      self->cancellable = g_cancellable_new ();
      clear_pending (self);
      set_busy (self, FALSE);
    }

  GTK_WIDGET_CLASS (cfai_welcome_page_parent_class)->unroot (widget);
}

static void
cfai_welcome_page_dispose (GObject *object)
{
  CfaiWelcomePage *self = CFAI_WELCOME_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  clear_pending (self);
  if (self->scroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_tick);
  self->scroll_tick = 0;
  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_WELCOME_PAGE);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->application);

  G_OBJECT_CLASS (cfai_welcome_page_parent_class)->dispose (object);
}

static void
cfai_welcome_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CfaiWelcomePage *self = CFAI_WELCOME_PAGE (object);

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
cfai_welcome_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CfaiWelcomePage *self = CFAI_WELCOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      cfai_welcome_page_set_application (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_welcome_page_class_init (CfaiWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_welcome_page_dispose;
  object_class->get_property = cfai_welcome_page_get_property;
  object_class->set_property = cfai_welcome_page_set_property;
  widget_class->map = cfai_welcome_page_map;
  widget_class->unmap = cfai_welcome_page_unmap;
  widget_class->unroot = cfai_welcome_page_unroot;

  /**
   * CfaiWelcomePage:application:
   *
   * The application whose credentials the page sets up.
   */
  properties[PROP_APPLICATION] =
    g_param_spec_object ("application", NULL, NULL,
                         CFAI_TYPE_APPLICATION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * CfaiWelcomePage:busy:
   *
   * Whether credentials are being checked or stored right now.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiWelcomePage, status_page);
  gtk_widget_class_bind_template_child (widget_class, CfaiWelcomePage, account_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiWelcomePage, account_env_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiWelcomePage, account_env_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiWelcomePage, token_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiWelcomePage, token_env_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiWelcomePage, error_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiWelcomePage, verify_button);
  gtk_widget_class_bind_template_child (widget_class, CfaiWelcomePage, verify_stack);
  /* Not used by the code, but reachable with gtk_widget_get_template_child()
   * so tests can check what the user sees. */
  gtk_widget_class_bind_template_child_full (widget_class, "dashboard_link", FALSE, 0);

  gtk_widget_class_install_action (widget_class, "welcome.verify", NULL, verify_action);
}

static void
cfai_welcome_page_init (CfaiWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  /* The icon name depends on the build profile. */
  adw_status_page_set_icon_name (self->status_page, APPLICATION_ID);
}

CfaiWelcomePage *
cfai_welcome_page_new (CfaiApplication *application)
{
  g_return_val_if_fail (!application || CFAI_IS_APPLICATION (application), NULL);

  return g_object_new (CFAI_TYPE_WELCOME_PAGE,
                       "application", application,
                       NULL);
}

CfaiApplication *
cfai_welcome_page_get_application (CfaiWelcomePage *self)
{
  g_return_val_if_fail (CFAI_IS_WELCOME_PAGE (self), NULL);

  return self->application;
}

void
cfai_welcome_page_set_application (CfaiWelcomePage *self,
                                   CfaiApplication *application)
{
  g_return_if_fail (CFAI_IS_WELCOME_PAGE (self));
  g_return_if_fail (!application || CFAI_IS_APPLICATION (application));

  if (!g_set_object (&self->application, application))
    return;

  sync_sources (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APPLICATION]);
}

gboolean
cfai_welcome_page_get_busy (CfaiWelcomePage *self)
{
  g_return_val_if_fail (CFAI_IS_WELCOME_PAGE (self), FALSE);

  return self->busy;
}
