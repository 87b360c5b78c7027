/* cfai-application.c — the application: actions, accelerators, windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-application.h"
#include "cfai-preferences-dialog.h"
#include "cfai-shortcuts-dialog.h"
#include "cfai-window.h"

struct _CfaiApplication
{
  AdwApplication    parent_instance;

  GSettings        *settings;
  CfaiCredentials  *credentials;
  CfaiClient       *client;
  CfaiModelCatalog *catalog;
  CfaiChatStore    *chat_store;
  CfaiImageStore   *image_store;
  GError           *chat_store_error;
  GCancellable     *cancellable;
  guint             catalog_refresh_idle;
  gboolean          loading_credentials;
  gboolean          catalog_cache_read;
  gboolean          catalog_refresh_started;
};

G_DEFINE_FINAL_TYPE (CfaiApplication, cfai_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_HAS_CREDENTIALS,
  PROP_LOADING_CREDENTIALS,
  PROP_CHAT_STORE_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Ordered by section: the dialog starts a group where the section changes. */
static const CfaiShortcutEntry shortcuts[] = {
  { "app.new-window",  { "<Control><Shift>n", NULL }, N_("General"), N_("New Window"), CFAI_SHORTCUT_APPLICATION },
  { "app.preferences", { "<Control>comma", NULL },    N_("General"), N_("Preferences"), CFAI_SHORTCUT_APPLICATION },
  { "app.shortcuts",   { "<Control>question", NULL }, N_("General"), N_("Keyboard Shortcuts"), CFAI_SHORTCUT_APPLICATION },
  { "window.close",    { "<Control>w", NULL },        N_("General"), N_("Close Window"), CFAI_SHORTCUT_APPLICATION },
  { "app.quit",        { "<Control>q", NULL },        N_("General"), N_("Quit"), CFAI_SHORTCUT_APPLICATION },
  { "win.new-chat",    { "<Control>n", NULL },        N_("Chats"), N_("New Chat"), CFAI_SHORTCUT_BINDING },
  { "win.rename-current-chat", { "F2", NULL },        N_("Chats"), N_("Rename Chat"), CFAI_SHORTCUT_BINDING },
  { "win.delete-current-chat", { "<Control>Delete", NULL }, N_("Chats"), N_("Delete Chat"), CFAI_SHORTCUT_BINDING },
  { "win.choose-model", { "<Control>m", NULL },       N_("Chats"), N_("Choose Model"), CFAI_SHORTCUT_BINDING },
  { "win.chat-settings", { "<Control>i", NULL },      N_("Chats"), N_("Chat Settings"), CFAI_SHORTCUT_BINDING },
  { "chat.send",       { "Return", NULL },            N_("Messages"), N_("Send Message"), CFAI_SHORTCUT_COMPOSER },
  { NULL,              { "<Shift>Return", NULL },     N_("Messages"), N_("New Line"), CFAI_SHORTCUT_LISTED },
  { "chat.stop",       { "Escape", NULL },            N_("Messages"), N_("Stop the Answer"),
    CFAI_SHORTCUT_BINDING | CFAI_SHORTCUT_COMPOSER },
  { "chat.jump-to-bottom", { "<Control>End", NULL },  N_("Messages"), N_("Jump to Bottom"), CFAI_SHORTCUT_BINDING },
  { "studio.generate", { "<Control>Return", "<Control>KP_Enter", NULL }, N_("Images"), N_("Generate"),
    CFAI_SHORTCUT_BINDING },
  { NULL,              { "Left", "Right", NULL },     N_("Pictures"), N_("Newer or Older Picture"), CFAI_SHORTCUT_LISTED },
  { "viewer.zoom-in",  { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL }, N_("Pictures"), N_("Zoom In"),
    CFAI_SHORTCUT_BINDING },
  { "viewer.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL }, N_("Pictures"), N_("Zoom Out"),
    CFAI_SHORTCUT_BINDING },
  { "viewer.zoom-fit", { "<Control>0", NULL },        N_("Pictures"), N_("Fit to Window"), CFAI_SHORTCUT_BINDING },
  { "viewer.zoom-actual", { "<Control>1", NULL },     N_("Pictures"), N_("Actual Size"), CFAI_SHORTCUT_BINDING },
  { "viewer.copy",     { "<Control>c", NULL },        N_("Pictures"), N_("Copy Picture"), CFAI_SHORTCUT_BINDING },
  { "viewer.save-as",  { "<Control>s", NULL },        N_("Pictures"), N_("Save As"), CFAI_SHORTCUT_BINDING },
  { "viewer.delete",   { "Delete", NULL },            N_("Pictures"), N_("Delete Picture"), CFAI_SHORTCUT_BINDING },
  { NULL,              { "Escape", NULL },            N_("Pictures"), N_("Close Picture"), CFAI_SHORTCUT_LISTED },
};

const CfaiShortcutEntry *
cfai_application_get_shortcuts (gsize *n_entries)
{
  if (n_entries != NULL)
    *n_entries = G_N_ELEMENTS (shortcuts);
  return shortcuts;
}

/**
 * cfai_application_add_shortcut_bindings:
 * @prefix: the prefix of the actions @widget_class installs, e.g. "win."
 *
 * Adds the table's key bindings for those actions, from the class_init of
 * the class that installs them.
 */
void
cfai_application_add_shortcut_bindings (GtkWidgetClass *widget_class,
                                        const char     *prefix)
{
  for (gsize i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    {
      if (!(shortcuts[i].flags & CFAI_SHORTCUT_BINDING) || !g_str_has_prefix (shortcuts[i].action, prefix))
        continue;
      for (guint j = 0; shortcuts[i].accels[j] != NULL; j++)
        {
          guint key;
          GdkModifierType mods;

          if (!gtk_accelerator_parse (shortcuts[i].accels[j], &key, &mods))
            g_error ("Shortcut “%s” of %s does not parse", shortcuts[i].accels[j], shortcuts[i].action);
          gtk_widget_class_add_binding_action (widget_class, key, mods, shortcuts[i].action, NULL);
        }
    }
}

/**
 * cfai_application_find_composer_shortcut:
 * @state: the modifiers held, already masked with
 *   gtk_accelerator_get_default_mod_mask()
 *
 * Returns: (nullable): the action the chat composer runs for this key
 *   instead of giving it to its text view
 */
const char *
cfai_application_find_composer_shortcut (guint           keyval,
                                         GdkModifierType state)
{
  for (gsize i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    {
      if (!(shortcuts[i].flags & CFAI_SHORTCUT_COMPOSER))
        continue;
      for (guint j = 0; shortcuts[i].accels[j] != NULL; j++)
        {
          guint key;
          GdkModifierType mods;

          if (gtk_accelerator_parse (shortcuts[i].accels[j], &key, &mods) &&
              key == gdk_keyval_to_lower (keyval) && mods == state)
            return shortcuts[i].action;
        }
    }
  return NULL;
}

static GtkWindow *
cfai_application_present_new_window (CfaiApplication *self)
{
  CfaiWindow *window = cfai_window_new (self);

  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

static void
cfai_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window != NULL)
    gtk_window_present (window);
  else
    cfai_application_present_new_window (CFAI_APPLICATION (app));
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  cfai_application_present_new_window (CFAI_APPLICATION (user_data));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GApplication *app = G_APPLICATION (user_data);
  GList *windows;

  /* Close windows properly so each one saves its state, then quit. */
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    gtk_window_close (windows->data);

  g_application_quit (app);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  static const char *developers[] = { "The CfAI authors", NULL };
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  AdwDialog *dialog;

  dialog = g_object_new (ADW_TYPE_ABOUT_DIALOG,
                         "application-name", _("CfAI"),
                         "application-icon", APPLICATION_ID,
                         "developer-name", _("The CfAI authors"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Chat and create images with Cloudflare Workers AI models"),
                         "website", "https://example.com/cfai",
                         "issue-url", "https://example.com/cfai/issues",
                         "copyright", "© 2026 The CfAI authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         /* Translators: replace with your names, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
  adw_dialog_present (dialog, GTK_WIDGET (window));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  adw_dialog_present (ADW_DIALOG (cfai_preferences_dialog_new (CFAI_APPLICATION (user_data))),
                      GTK_WIDGET (window));
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  adw_dialog_present (ADW_DIALOG (cfai_shortcuts_dialog_new ()), GTK_WIDGET (window));
}

static const GActionEntry app_actions[] = {
  { "new-window", new_window_action },
  { "preferences", preferences_action },
  { "shortcuts", shortcuts_action },
  { "about", about_action },
  { "quit", quit_action },
};

/* Settings are the single source of the client's configuration: every
 * change applies at once, without a restart. */
static void
apply_settings (CfaiApplication *self)
{
  g_autofree char *account_id = g_settings_get_string (self->settings, "account-id");
  g_autofree char *api_base = g_settings_get_string (self->settings, "api-base-url");
  g_autofree char *gateway_id = g_settings_get_string (self->settings, "gateway-id");

  /* The environment, where set, overrides both inside the credentials. */
  cfai_credentials_set_account_id (self->credentials, account_id);
  cfai_credentials_set_api_base_url (self->credentials, api_base);
  cfai_client_set_gateway_id (self->client,
                              g_settings_get_boolean (self->settings, "gateway-enabled")
                              ? gateway_id : NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_CREDENTIALS]);
}

static void
on_account_token_looked_up (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(CfaiApplication) self = user_data;
  char *token = cfai_credentials_lookup_token_finish (CFAI_CREDENTIALS (source), result, NULL, NULL);

  /* Only a token saved for the new account replaces the one in use: API
   * tokens belong to a user, so the current one may well work there too. */
  if (token != NULL)
    cfai_application_use_token (self, token);
  cfai_token_free (token);
}

static void
on_settings_changed (GSettings       *settings,
                     const char      *key,
                     CfaiApplication *self)
{
  if (g_str_equal (key, "account-id") || g_str_equal (key, "api-base-url") ||
      g_str_has_prefix (key, "gateway-"))
    apply_settings (self);

  /* Switching accounts in preferences picks up the token saved for the new
   * one.  During onboarding there is no token yet, and the welcome page
   * hands over the one it verified itself. */
  if (g_str_equal (key, "account-id") &&
      cfai_credentials_has_api_token (self->credentials) &&
      cfai_credentials_get_token_source (self->credentials) != CFAI_TOKEN_SOURCE_ENVIRONMENT &&
      cfai_credentials_get_account_id (self->credentials) != NULL)
    cfai_credentials_lookup_token_async (self->credentials, CFAI_TOKEN_KIND_API, NULL,
                                         self->cancellable, on_account_token_looked_up,
                                         g_object_ref (self));
}

static void
on_catalog_refreshed (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Offline, or the picker's own refresh is running: the catalog stays
   * as it is, and the picker says why when it is opened. */
  if (!cfai_model_catalog_refresh_finish (CFAI_MODEL_CATALOG (source), result, &error))
    g_debug ("Model catalog not refreshed at start: %s", error->message);
}

static gboolean
refresh_catalog_idle (gpointer user_data)
{
  CfaiApplication *self = user_data;

  self->catalog_refresh_idle = 0;
  cfai_model_catalog_refresh_async (self->catalog, self->cancellable, on_catalog_refreshed, NULL);
  return G_SOURCE_REMOVE;
}

/* Prices and new models come from the live catalog, so it is fetched at
 * start, in the background, without waiting for the model picker: once
 * the cache was read (one younger than CFAI_MODEL_CATALOG_MAX_AGE is used
 * as it is), the token is known and a window exists.  The fetch starts
 * from a low-priority idle, after the window's first frame, and at most
 * once a session; the picker can still refresh by hand. */
static void
maybe_refresh_catalog (CfaiApplication *self)
{
  if (self->catalog_refresh_started || !self->catalog_cache_read || self->loading_credentials ||
      !cfai_application_get_has_credentials (self) ||
      gtk_application_get_windows (GTK_APPLICATION (self)) == NULL)
    return;

  self->catalog_refresh_started = TRUE;
  if (cfai_model_catalog_is_stale (self->catalog, NULL, CFAI_MODEL_CATALOG_MAX_AGE))
    self->catalog_refresh_idle = g_idle_add_full (G_PRIORITY_LOW, refresh_catalog_idle, self, NULL);
}

static void
on_refresh_condition_changed (CfaiApplication *self)
{
  maybe_refresh_catalog (self);
}

static void
on_cache_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CfaiApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  /* No cache (a first start) or a damaged one: the built-in list stays
   * until a refresh, which rewrites the file. */
  if (!cfai_model_catalog_load_cache_finish (CFAI_MODEL_CATALOG (source), result, &error) &&
      !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Model cache not used: %s", error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->catalog_cache_read = TRUE;
  maybe_refresh_catalog (self);
}

static void
on_token_looked_up (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CfaiApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  char *token;

  token = cfai_credentials_lookup_token_finish (CFAI_CREDENTIALS (source), result, NULL, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Could not read the API token from the keyring: %s", error->message);
  if (token != NULL)
    cfai_credentials_set_api_token (self->credentials, token);
  cfai_token_free (token);

  self->loading_credentials = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING_CREDENTIALS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_CREDENTIALS]);
  maybe_refresh_catalog (self);
}

static void
on_gateway_token_looked_up (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(CfaiApplication) self = user_data;
  char *token = cfai_credentials_lookup_token_finish (CFAI_CREDENTIALS (source), result, NULL, NULL);

  if (token != NULL)
    cfai_client_set_gateway_token (self->client, token);
  cfai_token_free (token);
}

static void
cfai_application_set_chat_store_error (CfaiApplication *self,
                                       const GError    *error)
{
  if (error == NULL && self->chat_store_error == NULL)
    return;

  g_clear_error (&self->chat_store_error);
  if (error != NULL)
    self->chat_store_error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHAT_STORE_ERROR]);
}

/* Blank chats read from the file were left when CfAI last quit on one
 * (see the rule in cfai-window.c): nothing in them to keep.  Chats made
 * in this session are loaded already and stay. */
static void
cfai_application_drop_blank_chats (CfaiApplication *self)
{
  GListModel *conversations = cfai_chat_store_get_conversations (self->chat_store);
  g_autofree char *prompt = g_settings_get_string (self->settings, "default-system-prompt");
  g_autoptr(GPtrArray) blank = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0, n = g_list_model_get_n_items (conversations); i < n; i++)
    {
      g_autoptr(CfaiConversation) conversation = g_list_model_get_item (conversations, i);

      if (!cfai_conversation_get_loaded (conversation) && cfai_conversation_is_blank (conversation, prompt))
        g_ptr_array_add (blank, g_steal_pointer (&conversation));
    }
  for (guint i = 0; i < blank->len; i++)
    cfai_chat_store_purge_conversation (self->chat_store, g_ptr_array_index (blank, i));
}

static void
on_chat_store_loaded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(CfaiApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  /* A store that could not read its file still works in memory; the
   * error says what to do about the file. */
  if (!cfai_chat_store_load_finish (CFAI_CHAT_STORE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        cfai_application_set_chat_store_error (self, error);
      return;
    }
  cfai_application_drop_blank_chats (self);
}

/* The gallery shares the chats' file: a file it cannot read is the one
 * the chat store already reported. */
static void
on_image_store_loaded (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(CfaiApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cfai_image_store_load_finish (CFAI_IMAGE_STORE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      self->chat_store_error == NULL)
    cfai_application_set_chat_store_error (self, error);
}

static void
on_chat_store_save_failed (CfaiChatStore   *store,
                           const GError    *error,
                           CfaiApplication *self)
{
  cfai_application_set_chat_store_error (self, error);
}

static void
cfai_application_startup (GApplication *app)
{
  CfaiApplication *self = CFAI_APPLICATION (app);

  G_APPLICATION_CLASS (cfai_application_parent_class)->startup (app);

  self->settings = g_settings_new (BASE_APPLICATION_ID);
  self->credentials = cfai_credentials_new ();
  self->client = cfai_client_new_for_credentials (self->credentials);
  self->cancellable = g_cancellable_new ();
  apply_settings (self);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self, 0);

  /* The catalog starts from the built-in list; the cache, read off the
   * main thread, replaces it, and pages refresh it. */
  self->catalog = cfai_model_catalog_new (self->client, NULL);
  cfai_model_catalog_load_cache_async (self->catalog, self->cancellable,
                                       on_cache_loaded, g_object_ref (self));
  g_signal_connect (self, "notify::has-credentials", G_CALLBACK (on_refresh_condition_changed), NULL);
  g_signal_connect (self, "window-added", G_CALLBACK (on_refresh_condition_changed), NULL);

  /* Chats are read off the main thread; the sidebar fills in when they
   * arrive. */
  {
    g_autofree char *path = cfai_chat_store_dup_default_path ();

    self->chat_store = cfai_chat_store_new (path);
    g_signal_connect_object (self->chat_store, "save-failed",
                             G_CALLBACK (on_chat_store_save_failed), self, 0);
    cfai_chat_store_load_async (self->chat_store, self->cancellable,
                                on_chat_store_loaded, g_object_ref (self));

    /* The gallery shares the chat store's database and worker thread,
     * so it is read after the chats (and after any migration). */
    self->image_store = cfai_image_store_new (self->chat_store);
    cfai_image_store_load_async (self->image_store, self->cancellable,
                                 on_image_store_loaded, g_object_ref (self));
  }

  self->loading_credentials = TRUE;
  cfai_credentials_lookup_token_async (self->credentials, CFAI_TOKEN_KIND_API, NULL,
                                       self->cancellable, on_token_looked_up, g_object_ref (self));
  cfai_credentials_lookup_token_async (self->credentials, CFAI_TOKEN_KIND_GATEWAY, NULL,
                                       self->cancellable, on_gateway_token_looked_up,
                                       g_object_ref (self));

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);

  for (gsize i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    if (shortcuts[i].flags & CFAI_SHORTCUT_APPLICATION)
      gtk_application_set_accels_for_action (GTK_APPLICATION (app),
                                             shortcuts[i].action,
                                             shortcuts[i].accels);
}

static void
cfai_application_shutdown (GApplication *app)
{
  CfaiApplication *self = CFAI_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);

  G_APPLICATION_CLASS (cfai_application_parent_class)->shutdown (app);
}

static void
cfai_application_dispose (GObject *object)
{
  CfaiApplication *self = CFAI_APPLICATION (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->catalog_refresh_idle, g_source_remove);
  /* Deletes waiting for their undo are done as it goes; then the last
   * save of the chats, on the worker they share. */
  g_clear_object (&self->image_store);
  g_clear_object (&self->chat_store);
  g_clear_error (&self->chat_store_error);
  g_clear_object (&self->catalog);
  g_clear_object (&self->client);
  g_clear_object (&self->credentials);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cfai_application_parent_class)->dispose (object);
}

static void
cfai_application_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CfaiApplication *self = CFAI_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_HAS_CREDENTIALS:
      g_value_set_boolean (value, cfai_application_get_has_credentials (self));
      break;
    case PROP_LOADING_CREDENTIALS:
      g_value_set_boolean (value, self->loading_credentials);
      break;
    case PROP_CHAT_STORE_ERROR:
      g_value_set_boxed (value, self->chat_store_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_application_class_init (CfaiApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = cfai_application_dispose;
  object_class->get_property = cfai_application_get_property;
  app_class->startup = cfai_application_startup;
  app_class->shutdown = cfai_application_shutdown;
  app_class->activate = cfai_application_activate;

  /**
   * CfaiApplication:has-credentials:
   *
   * Whether an account id and an API token are known.  Windows show the
   * welcome page while this is false (and loading-credentials is false).
   */
  properties[PROP_HAS_CREDENTIALS] =
    g_param_spec_boolean ("has-credentials", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING_CREDENTIALS] =
    g_param_spec_boolean ("loading-credentials", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * CfaiApplication:chat-store-error:
   *
   * Why the chat history could not be read or saved (a CFAI_DATABASE_ERROR
   * whose message says what to do), or %NULL.  Chats stay in memory.
   */
  properties[PROP_CHAT_STORE_ERROR] =
    g_param_spec_boxed ("chat-store-error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfai_application_init (CfaiApplication *self)
{
}

CfaiApplication *
cfai_application_new (void)
{
  return g_object_new (CFAI_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}

GSettings *
cfai_application_get_settings (CfaiApplication *self)
{
  g_return_val_if_fail (CFAI_IS_APPLICATION (self), NULL);
  return self->settings;
}

CfaiClient *
cfai_application_get_client (CfaiApplication *self)
{
  g_return_val_if_fail (CFAI_IS_APPLICATION (self), NULL);
  return self->client;
}

CfaiCredentials *
cfai_application_get_credentials (CfaiApplication *self)
{
  g_return_val_if_fail (CFAI_IS_APPLICATION (self), NULL);
  return self->credentials;
}

CfaiModelCatalog *
cfai_application_get_catalog (CfaiApplication *self)
{
  g_return_val_if_fail (CFAI_IS_APPLICATION (self), NULL);
  return self->catalog;
}

/**
 * cfai_application_get_image_store:
 *
 * Returns: (transfer none) (nullable): the gallery, %NULL before startup
 */
CfaiImageStore *
cfai_application_get_image_store (CfaiApplication *self)
{
  g_return_val_if_fail (CFAI_IS_APPLICATION (self), NULL);

  return self->image_store;
}

/**
 * cfai_application_get_chat_store:
 *
 * Returns: (transfer none): every conversation, loaded at startup
 */
CfaiChatStore *
cfai_application_get_chat_store (CfaiApplication *self)
{
  g_return_val_if_fail (CFAI_IS_APPLICATION (self), NULL);
  return self->chat_store;
}

const GError *
cfai_application_get_chat_store_error (CfaiApplication *self)
{
  g_return_val_if_fail (CFAI_IS_APPLICATION (self), NULL);
  return self->chat_store_error;
}

gboolean
cfai_application_get_has_credentials (CfaiApplication *self)
{
  g_return_val_if_fail (CFAI_IS_APPLICATION (self), FALSE);

  return self->credentials != NULL &&
         cfai_credentials_get_account_id (self->credentials) != NULL &&
         cfai_credentials_has_api_token (self->credentials);
}

gboolean
cfai_application_get_loading_credentials (CfaiApplication *self)
{
  g_return_val_if_fail (CFAI_IS_APPLICATION (self), FALSE);
  return self->loading_credentials;
}

/**
 * cfai_application_use_token:
 *
 * Uses @token for every request from now on (after onboarding or a token
 * replacement in preferences, once it was verified and stored).
 */
void
cfai_application_use_token (CfaiApplication *self,
                            const char      *token)
{
  g_return_if_fail (CFAI_IS_APPLICATION (self));

  cfai_credentials_set_api_token (self->credentials, token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_CREDENTIALS]);
}
