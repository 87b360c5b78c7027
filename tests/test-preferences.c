/* test-preferences.c — the preferences dialog, in a real window
 *
 * Settings go both ways: changing a row changes its key at once, and
 * changing a key (from gsettings, another window) updates the row.  The
 * session bus is private and activates nothing, so there is no keyring:
 * tokens live in memory, which is also what the dialog must report.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "cfai-application.h"
#include "cfai-metadata-row.h"
#include "cfai-model-picker.h"
#include "cfai-preferences-dialog.h"
#include "cfai-test-server.h"
#include "cfai-token-dialog.h"
#include "cfai-test-home.h"
#include "cfai-ui-test.h"
#include "cfai-window.h"

#define NETWORK_TIMEOUT_MS 20000

#define BAD_TOKEN_MESSAGE \
  "Cloudflare did not accept the API token. It must be valid, belong to this account " \
  "and have the Workers AI Read and Edit permissions."
#define REFUSED_MESSAGE \
  "The connection to Workers AI was refused. Check the internet connection, and any " \
  "proxy, AI Gateway or API base URL setting."
#define NO_KEYRING_MESSAGE \
  "No keyring (Secret Service) is available, so the token will be kept only until CfAI quits."
#define CLEARED_WITHOUT_KEYRING_MESSAGE \
  "The token was forgotten for this session, but the keyring could not be reached, so a " \
  "copy saved earlier may still be in it."

static CfaiApplication *app;
static CfaiTestServer *server;
static char *api_base;

typedef struct
{
  CfaiWindow            *window;
  CfaiPreferencesDialog *dialog;
  GSettings             *settings;
} Fixture;

static gpointer
prefs_child (Fixture    *fixture,
             const char *name)
{
  gpointer widget = gtk_widget_get_template_child (GTK_WIDGET (fixture->dialog),
                                                   CFAI_TYPE_PREFERENCES_DIALOG, name);

  g_assert_nonnull (widget);
  return widget;
}

static gboolean
shows_preferences (gpointer data)
{
  AdwDialog *dialog = adw_application_window_get_visible_dialog (data);

  return CFAI_IS_PREFERENCES_DIALOG (dialog) && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static gboolean
shows_token_dialog (gpointer data)
{
  AdwDialog *dialog = adw_application_window_get_visible_dialog (data);

  return CFAI_IS_TOKEN_DIALOG (dialog) && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static gboolean
shows_label (gpointer data)
{
  GtkWidget **widget_and_text = data;

  return cfai_ui_test_find_label (widget_and_text[0], (const char *) widget_and_text[1]) != NULL;
}

static gboolean
lacks_label (gpointer data)
{
  return !shows_label (data);
}

static gboolean
both_finalized (gpointer data)
{
  gpointer **pointers = data;

  return *pointers[0] == NULL && *pointers[1] == NULL;
}

static gboolean
credentials_loaded (gpointer data)
{
  return !cfai_application_get_loading_credentials (CFAI_APPLICATION (data));
}

static gboolean
lacks_credentials (gpointer data)
{
  return !cfai_application_get_has_credentials (data);
}

typedef struct
{
  GAsyncResult *result;
} Waiter;

static void
waiter_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
}

static gboolean
waiter_has_result (gpointer data)
{
  return ((Waiter *) data)->result != NULL;
}

static void
store_token_now (CfaiTokenKind  kind,
                 const char    *token)
{
  CfaiCredentials *credentials = cfai_application_get_credentials (app);
  g_autoptr(GError) error = NULL;
  Waiter waiter = { NULL };

  cfai_credentials_store_token_async (credentials, kind, NULL, token, NULL, waiter_done, &waiter);
  g_assert_true (cfai_ui_test_wait_until (waiter_has_result, &waiter, 10000));
  g_assert_true (cfai_credentials_store_token_finish (credentials, waiter.result, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&waiter.result);
}

static char *
lookup_token_now (CfaiTokenKind kind)
{
  CfaiCredentials *credentials = cfai_application_get_credentials (app);
  g_autoptr(GError) error = NULL;
  Waiter waiter = { NULL };
  char *token;

  cfai_credentials_lookup_token_async (credentials, kind, NULL, NULL, waiter_done, &waiter);
  g_assert_true (cfai_ui_test_wait_until (waiter_has_result, &waiter, 10000));
  token = cfai_credentials_lookup_token_finish (credentials, waiter.result, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&waiter.result);
  return token;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GSettings *settings = cfai_application_get_settings (app);
  const char *keys[] = {
    "gateway-enabled", "gateway-id", "gateway-cache-ttl", "gateway-skip-cache",
    "gateway-metadata", "default-chat-model", "default-image-model", "prompt-enhance-model",
    "default-max-tokens", "default-temperature", "default-system-prompt",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);
  g_settings_set_string (settings, "api-base-url", api_base);
  g_settings_set_string (settings, "account-id", "test-account");

  /* Signed in as onboarding leaves it: a verified token in memory. */
  store_token_now (CFAI_TOKEN_KIND_API, "test-token");
  cfai_application_use_token (app, "test-token");
  g_assert_true (cfai_application_get_has_credentials (app));

  fixture->settings = settings;
  fixture->window = cfai_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 820);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, fixture->window, 5000));

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (cfai_ui_test_wait_until (shows_preferences, fixture->window, 10000));
  fixture->dialog = CFAI_PREFERENCES_DIALOG (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (fixture->window)));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, prefs_child (fixture, "verify_button"), 10000));
  g_assert_true (cfai_preferences_dialog_get_application (fixture->dialog) == app);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gpointer dialog = fixture->dialog;
  gpointer window = fixture->window;

  /* Nothing the dialog started may keep it (or the window) alive. */
  if (dialog != NULL)
    g_object_add_weak_pointer (G_OBJECT (dialog), &dialog);
  g_object_add_weak_pointer (G_OBJECT (window), &window);
  cfai_ui_test_close_windows (GTK_APPLICATION (app));
  g_assert_true (cfai_ui_test_wait_until (both_finalized, (gpointer[]) { &dialog, &window }, 10000));
}

static void
show_page (Fixture    *fixture,
           const char *name)
{
  adw_preferences_dialog_set_visible_page_name (ADW_PREFERENCES_DIALOG (fixture->dialog), name);
  cfai_ui_test_settle (300);
}

static void
test_defaults_round_trip (Fixture       *fixture,
                          gconstpointer  data)
{
  GSettings *settings = fixture->settings;
  GtkTextBuffer *prompt = gtk_text_view_get_buffer (prefs_child (fixture, "system_prompt_view"));
  g_autofree char *chat_model = NULL;
  g_autofree char *image_model = NULL;
  g_autofree char *enhance_model = NULL;
  g_autofree char *system_prompt = NULL;
  g_autofree char *shown_prompt = NULL;

  /* Rows → keys */
  /* The default models are chosen with the model picker. */
  cfai_model_picker_set_selected_model_id (prefs_child (fixture, "chat_model_picker"), "@cf/qwen/qwq-32b");
  cfai_model_picker_set_selected_model_id (prefs_child (fixture, "image_model_picker"), "@cf/leonardo/phoenix-1.0");
  cfai_model_picker_set_selected_model_id (prefs_child (fixture, "enhance_model_picker"), "@cf/openai/gpt-oss-20b");
  adw_spin_row_set_value (prefs_child (fixture, "max_tokens_row"), 4096);
  adw_spin_row_set_value (prefs_child (fixture, "temperature_row"), 1.3);
  gtk_text_buffer_set_text (prompt, "Answer in one paragraph.", -1);

  chat_model = g_settings_get_string (settings, "default-chat-model");
  image_model = g_settings_get_string (settings, "default-image-model");
  system_prompt = g_settings_get_string (settings, "default-system-prompt");
  g_assert_cmpstr (chat_model, ==, "@cf/qwen/qwq-32b");
  g_assert_cmpstr (image_model, ==, "@cf/leonardo/phoenix-1.0");
  enhance_model = g_settings_get_string (settings, "prompt-enhance-model");
  g_assert_cmpstr (enhance_model, ==, "@cf/openai/gpt-oss-20b");
  g_assert_cmpint (g_settings_get_int (settings, "default-max-tokens"), ==, 4096);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "default-temperature"), 1.3, 1e-9);
  g_assert_cmpstr (system_prompt, ==, "Answer in one paragraph.");

  /* Keys → rows */
  g_settings_set_string (settings, "default-chat-model", "@cf/meta/llama-3.1-8b-instruct");
  g_settings_set_string (settings, "default-image-model", "@cf/black-forest-labs/flux-1-schnell");
  g_settings_set_string (settings, "prompt-enhance-model", "@cf/zai-org/glm-4.7-flash");
  g_settings_set_int (settings, "default-max-tokens", 512);
  g_settings_set_double (settings, "default-temperature", 0.2);
  g_settings_set_string (settings, "default-system-prompt", "Be brief.");
  cfai_ui_test_settle (50);

  g_assert_cmpstr (cfai_model_picker_get_selected_model_id (prefs_child (fixture, "chat_model_picker")), ==, "@cf/meta/llama-3.1-8b-instruct");
  g_assert_cmpstr (cfai_model_picker_get_selected_model_id (prefs_child (fixture, "image_model_picker")), ==, "@cf/black-forest-labs/flux-1-schnell");
  g_assert_cmpstr (cfai_model_picker_get_task (prefs_child (fixture, "image_model_picker")), ==, CFAI_MODEL_TASK_TEXT_TO_IMAGE);
  g_assert_cmpstr (cfai_model_picker_get_selected_model_id (prefs_child (fixture, "enhance_model_picker")), ==, "@cf/zai-org/glm-4.7-flash");
  g_assert_cmpstr (cfai_model_picker_get_task (prefs_child (fixture, "enhance_model_picker")), ==, CFAI_MODEL_TASK_TEXT_GENERATION);
  g_assert_cmpfloat (adw_spin_row_get_value (prefs_child (fixture, "max_tokens_row")), ==, 512);
  g_assert_cmpfloat_with_epsilon (adw_spin_row_get_value (prefs_child (fixture, "temperature_row")), 0.2, 1e-9);
  g_object_get (prompt, "text", &shown_prompt, NULL);
  g_assert_cmpstr (shown_prompt, ==, "Be brief.");

  /* The ranges are the schema's. */
  adw_spin_row_set_value (prefs_child (fixture, "temperature_row"), 9);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "default-temperature"), 5.0, 1e-9);
  adw_spin_row_set_value (prefs_child (fixture, "max_tokens_row"), 0);
  g_assert_cmpint (g_settings_get_int (settings, "default-max-tokens"), ==, 1);

  /* The 256-token default is explained where the limit is set. */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (prefs_child (fixture, "max_tokens_row")),
                            "Workers AI stops at 256 tokens when no limit is sent"));

  g_settings_set_int (settings, "default-max-tokens", 2048);
  g_settings_set_double (settings, "default-temperature", 0.6);
  show_page (fixture, "defaults");
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-preferences-defaults.png");
}

static void
test_account_round_trip (Fixture       *fixture,
                         gconstpointer  data)
{
  GSettings *settings = fixture->settings;
  GtkWidget *account_row = prefs_child (fixture, "account_id_row");
  GtkLabel *status = prefs_child (fixture, "account_status_label");
  AdwActionRow *token_row = prefs_child (fixture, "token_row");
  g_autofree char *account = NULL;
  g_autofree char *unchanged = NULL;
  g_autofree char *base = NULL;
  g_autofree char *after_error = NULL;
  GtkWidget *base_row;
  GtkWidget *base_label;

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (account_row)), ==, "test-account");
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, account_row, 10000));
  g_assert_false (gtk_widget_get_visible (prefs_child (fixture, "account_id_env_row")));

  /* Where the token is kept, in the keyring's own words. */
  g_assert_cmpstr (adw_action_row_get_subtitle (token_row), ==, NO_KEYRING_MESSAGE);
  g_assert_nonnull (cfai_ui_test_find_button (GTK_WIDGET (fixture->dialog), "Replace…"));
  g_assert_nonnull (cfai_ui_test_find_button (GTK_WIDGET (fixture->dialog), "Remove…"));

  show_page (fixture, "account");
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-preferences-account.png");

  /* Row → key, on Enter; a pasted dashboard address gives the ID. */
  cfai_ui_test_type (account_row, "https://dash.cloudflare.com/0123456789abcdef0123456789abcdef/home");
  account = g_settings_get_string (settings, "account-id");
  g_assert_cmpstr (account, ==, "test-account");
  g_signal_emit_by_name (account_row, "apply");
  g_clear_pointer (&account, g_free);
  account = g_settings_get_string (settings, "account-id");
  g_assert_cmpstr (account, ==, "0123456789abcdef0123456789abcdef");
  g_assert_cmpstr (cfai_client_get_account_id (cfai_application_get_client (app)), ==, account);

  /* A malformed ID is refused with the reason, and not stored. */
  cfai_ui_test_type (account_row, "my account");
  g_signal_emit_by_name (account_row, "apply");
  unchanged = g_settings_get_string (settings, "account-id");
  g_assert_cmpstr (unchanged, ==, "0123456789abcdef0123456789abcdef");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (status)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (status), "error"));
  g_assert_true (gtk_widget_has_css_class (account_row, "error"));
  g_assert_cmpstr (gtk_label_get_text (status), ==,
                   "An account ID has only letters, digits, “-” and “_”: Cloudflare’s are 32 characters long, like 0123456789abcdef0123456789abcdef.");
  gtk_test_accessible_assert_state (account_row, GTK_ACCESSIBLE_STATE_INVALID,
                                    GTK_ACCESSIBLE_INVALID_TRUE);

  /* Key → row, and the error about what was typed goes with it. */
  g_settings_set_string (settings, "account-id", "test-account");
  cfai_ui_test_settle (50);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (account_row)), ==, "test-account");
  g_assert_false (gtk_widget_has_css_class (account_row, "error"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (status)));
  gtk_test_accessible_assert_state (account_row, GTK_ACCESSIBLE_STATE_INVALID,
                                    GTK_ACCESSIBLE_INVALID_FALSE);

  /* The API base URL, under Advanced, is stored only when applied:
   * requests must not go to a half-typed address. */
  base_row = prefs_child (fixture, "api_base_url_row");
  base_label = prefs_child (fixture, "api_base_url_message_label");
  cfai_ui_test_type_keys_in (base_row, " http://127.0.0.1:9/client/v4/ ");
  base = g_settings_get_string (settings, "api-base-url");
  g_assert_cmpstr (base, ==, api_base);
  g_clear_pointer (&base, g_free);
  cfai_ui_test_press_key_in (base_row, GDK_KEY_Return);
  base = g_settings_get_string (settings, "api-base-url");
  g_assert_cmpstr (base, ==, "http://127.0.0.1:9/client/v4");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (base_row)), ==, base);
  g_assert_cmpstr (cfai_credentials_get_api_base_url (cfai_client_get_credentials (cfai_application_get_client (app))), ==, base);
  g_assert_false (gtk_widget_get_visible (base_label));

  /* An address that is not one is refused where it was typed. */
  cfai_ui_test_type_keys_in (base_row, "api.cloudflare.com/client/v4");
  cfai_ui_test_press_key_in (base_row, GDK_KEY_Return);
  g_assert_true (gtk_widget_has_css_class (base_row, "error"));
  g_assert_true (gtk_widget_get_visible (base_label));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (base_label)), "https://"));
  gtk_test_accessible_assert_state (base_row, GTK_ACCESSIBLE_STATE_INVALID,
                                    GTK_ACCESSIBLE_INVALID_TRUE);
  after_error = g_settings_get_string (settings, "api-base-url");
  g_assert_cmpstr (after_error, ==, base);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (base_row)), ==, "api.cloudflare.com/client/v4");
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-preferences-api-base-url.png");

  /* A change from elsewhere shows, and clears the error. */
  g_settings_set_string (settings, "api-base-url", api_base);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (base_row)), ==, api_base);
  g_assert_false (gtk_widget_has_css_class (base_row, "error"));
  g_assert_false (gtk_widget_get_visible (base_label));
}

/* CFAI_API_BASE_URL beats the setting, so preferences show it, read-only. */
static void
test_api_base_url_from_environment (Fixture       *fixture,
                                    gconstpointer  data)
{
  CfaiPreferencesDialog *dialog;
  GtkWidget *row;
  GtkWidget *label;

  adw_dialog_force_close (ADW_DIALOG (fixture->dialog));
  cfai_ui_test_settle (100);

  /* The app's credentials read the environment when they were made;
   * they are told it changed. */
  g_setenv ("CFAI_API_BASE_URL", "http://127.0.0.1:9/from-env", TRUE);
  cfai_credentials_reread_base_urls (cfai_application_get_credentials (CFAI_APPLICATION (app)));
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (cfai_ui_test_wait_until (shows_preferences, fixture->window, 10000));
  g_unsetenv ("CFAI_API_BASE_URL");
  dialog = CFAI_PREFERENCES_DIALOG (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (fixture->window)));
  fixture->dialog = dialog;

  row = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), CFAI_TYPE_PREFERENCES_DIALOG, "api_base_url_row"));
  label = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), CFAI_TYPE_PREFERENCES_DIALOG, "api_base_url_message_label"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "http://127.0.0.1:9/from-env");
  g_assert_false (gtk_widget_get_sensitive (row));
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "CFAI_API_BASE_URL"));

  /* The tests after this one talk to the fake server again. */
  cfai_credentials_reread_base_urls (cfai_application_get_credentials (CFAI_APPLICATION (app)));
}

static void
test_verify_again (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkLabel *status = prefs_child (fixture, "account_status_label");
  GtkWidget *spinner = prefs_child (fixture, "verify_spinner");

  cfai_ui_test_click (cfai_ui_test_find_button (GTK_WIDGET (fixture->dialog), "Verify Again"));
  g_assert_true (gtk_widget_get_visible (spinner));
  g_assert_false (gtk_widget_is_sensitive (prefs_child (fixture, "verify_button")));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_visible, status, NETWORK_TIMEOUT_MS));
  g_assert_false (gtk_widget_get_visible (spinner));
  g_assert_cmpstr (gtk_label_get_text (status), ==, "The token works for this account.");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (status), "success"));

  /* The exact reason when it does not work. */
  g_settings_set_string (fixture->settings, "api-base-url", "http://127.0.0.1:9/client/v4");
  cfai_ui_test_click (cfai_ui_test_find_button (GTK_WIDGET (fixture->dialog), "Verify Again"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (status)));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_visible, status, NETWORK_TIMEOUT_MS));
  g_assert_cmpstr (gtk_label_get_text (status), ==, REFUSED_MESSAGE);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (status), "error"));
  g_assert_true (gtk_widget_is_sensitive (prefs_child (fixture, "verify_button")));
  g_settings_set_string (fixture->settings, "api-base-url", api_base);
}

static void
test_switch_account_uses_its_token (Fixture       *fixture,
                                    gconstpointer  data)
{
  const char *other = "0123456789abcdef0123456789abcdef";
  CfaiCredentials *credentials = cfai_application_get_credentials (app);
  GtkLabel *status = prefs_child (fixture, "account_status_label");
  g_autoptr(GError) error = NULL;
  Waiter waiter = { NULL };

  /* A different token is saved for another account… */
  cfai_credentials_store_token_async (credentials, CFAI_TOKEN_KIND_API, other, "wrong-token",
                                      NULL, waiter_done, &waiter);
  g_assert_true (cfai_ui_test_wait_until (waiter_has_result, &waiter, 10000));
  g_assert_true (cfai_credentials_store_token_finish (credentials, waiter.result, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&waiter.result);

  /* …so switching to that account uses it: the server refuses it, which
   * proves the client's token changed with the account. */
  g_settings_set_string (fixture->settings, "account-id", other);
  cfai_ui_test_settle (300);
  cfai_ui_test_click (cfai_ui_test_find_button (GTK_WIDGET (fixture->dialog), "Verify Again"));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_visible, status, NETWORK_TIMEOUT_MS));
  g_assert_cmpstr (gtk_label_get_text (status), ==, BAD_TOKEN_MESSAGE);

  /* And switching back brings back that account's own token. */
  g_settings_set_string (fixture->settings, "account-id", "test-account");
  cfai_ui_test_settle (300);
  cfai_ui_test_click (cfai_ui_test_find_button (GTK_WIDGET (fixture->dialog), "Verify Again"));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_visible, status, NETWORK_TIMEOUT_MS));
  g_assert_cmpstr (gtk_label_get_text (status), ==, "The token works for this account.");
}

static void
test_close_while_verifying (Fixture       *fixture,
                            gconstpointer  data)
{
  gpointer dialog = fixture->dialog;

  /* A check that would retry for a while stops when the dialog closes,
   * and nothing of it outlives the dialog. */
  g_settings_set_string (fixture->settings, "api-base-url", "http://127.0.0.1:9/client/v4");
  cfai_ui_test_click (cfai_ui_test_find_button (GTK_WIDGET (fixture->dialog), "Verify Again"));
  g_assert_true (gtk_widget_get_visible (prefs_child (fixture, "verify_spinner")));

  g_object_add_weak_pointer (G_OBJECT (dialog), &dialog);
  adw_dialog_force_close (ADW_DIALOG (fixture->dialog));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_pointer_is_cleared, &dialog, 1000));
  g_settings_set_string (fixture->settings, "api-base-url", api_base);

  /* The teardown has no dialog left to check. */
  fixture->dialog = NULL;
}

static gboolean
token_dialog_is_gone (gpointer data)
{
  return !ADW_IS_DIALOG (adw_application_window_get_visible_dialog (data)) ||
         !CFAI_IS_TOKEN_DIALOG (adw_application_window_get_visible_dialog (data));
}

static gboolean
token_dialog_is_idle (gpointer data)
{
  return !cfai_token_dialog_get_busy (data);
}

static void
test_replace_token (Fixture       *fixture,
                    gconstpointer  data)
{
  CfaiTokenDialog *dialog;
  GtkWidget *token_entry;
  GtkWidget *replace_button;
  GtkLabel *error_label;
  g_autofree char *stored = NULL;

  cfai_ui_test_click (cfai_ui_test_find_button (GTK_WIDGET (fixture->dialog), "Replace…"));
  g_assert_true (cfai_ui_test_wait_until (shows_token_dialog, fixture->window, 10000));
  dialog = CFAI_TOKEN_DIALOG (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (fixture->window)));
  g_assert_true (CFAI_IS_TOKEN_DIALOG (dialog));
  token_entry = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), CFAI_TYPE_TOKEN_DIALOG, "token_row"));
  error_label = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (dialog), CFAI_TYPE_TOKEN_DIALOG, "error_label"));
  replace_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), CFAI_TYPE_TOKEN_DIALOG, "replace_button"));

  /* A token Cloudflare refuses never replaces the one that works. */
  cfai_ui_test_type (token_entry, "not-the-token");
  cfai_ui_test_press_enter (token_entry, replace_button);
  g_assert_true (cfai_token_dialog_get_busy (dialog));
  g_assert_true (cfai_ui_test_wait_until (token_dialog_is_idle, dialog, NETWORK_TIMEOUT_MS));
  g_assert_cmpstr (gtk_label_get_text (error_label), ==, BAD_TOKEN_MESSAGE);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (token_entry)), ==, "not-the-token");
  g_assert_true (cfai_application_get_has_credentials (app));
  stored = lookup_token_now (CFAI_TOKEN_KIND_API);
  g_assert_cmpstr (stored, ==, "test-token");
  g_clear_pointer (&stored, g_free);
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-preferences-replace-token.png");

  /* One that works is stored and used, and the dialog closes. */
  cfai_ui_test_type (token_entry, "other-token");
  cfai_ui_test_press_enter (token_entry, replace_button);
  g_assert_true (cfai_ui_test_wait_until (token_dialog_is_gone, fixture->window, NETWORK_TIMEOUT_MS));
  stored = lookup_token_now (CFAI_TOKEN_KIND_API);
  g_assert_cmpstr (stored, ==, "other-token");
  g_assert_true (cfai_application_get_has_credentials (app));
  g_assert_cmpstr (adw_action_row_get_subtitle (prefs_child (fixture, "token_row")), ==, NO_KEYRING_MESSAGE);
}

static void
test_remove_token (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *cancel;
  GtkWidget *remove;
  GtkWidget *alert;
  GtkLabel *status = prefs_child (fixture, "account_status_label");
  GtkStack *main_stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (fixture->window), CFAI_TYPE_WINDOW, "main_stack"));
  gpointer question[] = { fixture->window, (gpointer) "Remove the API Token?" };

  /* Asked first; cancelling keeps everything. */
  cfai_ui_test_click (cfai_ui_test_find_button (GTK_WIDGET (fixture->dialog), "Remove…"));
  g_assert_true (cfai_ui_test_wait_until (shows_label, question, 10000));
  cancel = cfai_ui_test_find_button (GTK_WIDGET (fixture->window), "Cancel");
  remove = cfai_ui_test_find_button (GTK_WIDGET (fixture->window), "Remove");
  g_assert_nonnull (cancel);
  g_assert_nonnull (remove);
  alert = gtk_widget_get_ancestor (remove, ADW_TYPE_ALERT_DIALOG);
  g_assert_nonnull (alert);
  g_assert_cmpint (adw_alert_dialog_get_response_appearance (ADW_ALERT_DIALOG (alert), "remove"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  g_assert_cmpstr (adw_alert_dialog_get_default_response (ADW_ALERT_DIALOG (alert)), ==, "cancel");
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-preferences-remove-token.png");

  cfai_ui_test_click (cancel);
  g_assert_true (cfai_ui_test_wait_until (lacks_label, question, 10000));
  g_assert_true (cfai_application_get_has_credentials (app));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (main_stack), ==, "main");

  /* Confirmed: the token is gone and the window asks for a new one. */
  cfai_ui_test_click (cfai_ui_test_find_button (GTK_WIDGET (fixture->dialog), "Remove…"));
  g_assert_true (cfai_ui_test_wait_until (shows_label, question, 10000));
  remove = cfai_ui_test_find_button (GTK_WIDGET (fixture->window), "Remove");
  g_assert_nonnull (remove);
  cfai_ui_test_click (remove);

  g_assert_true (cfai_ui_test_wait_until (lacks_credentials, app, 10000));
  g_assert_false (cfai_client_has_token (cfai_application_get_client (app)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (main_stack), ==, "onboarding");
  g_assert_cmpint (cfai_credentials_get_token_source (cfai_application_get_credentials (app)), ==,
                   CFAI_TOKEN_SOURCE_NONE);
  g_assert_null (lookup_token_now (CFAI_TOKEN_KIND_API));

  /* Without a keyring, the dialog stays to say a saved copy may remain. */
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_visible, status, 5000));
  g_assert_cmpstr (gtk_label_get_text (status), ==, CLEARED_WITHOUT_KEYRING_MESSAGE);
  g_assert_cmpstr (adw_action_row_get_subtitle (prefs_child (fixture, "token_row")), ==,
                   "Not set: CfAI asks for one in its main window");
}

static GVariant *
metadata_value (const char * const *pairs)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  for (gsize i = 0; pairs[i] != NULL; i += 2)
    g_variant_builder_add (&builder, "{ss}", pairs[i], pairs[i + 1]);
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static void
assert_metadata (GSettings          *settings,
                 const char * const *pairs)
{
  g_autoptr(GVariant) expected = metadata_value (pairs);
  g_autoptr(GVariant) actual = g_settings_get_value (settings, "gateway-metadata");

  if (!g_variant_equal (expected, actual))
    {
      g_autofree char *a = g_variant_print (actual, FALSE);
      g_autofree char *e = g_variant_print (expected, FALSE);

      g_error ("gateway-metadata is %s, expected %s", a, e);
    }
}

static GPtrArray *
metadata_rows (Fixture *fixture)
{
  GPtrArray *rows = g_ptr_array_new ();
  GtkWidget *group = prefs_child (fixture, "metadata_group");
  GQueue queue = G_QUEUE_INIT;

  g_queue_push_tail (&queue, group);
  while (!g_queue_is_empty (&queue))
    {
      GtkWidget *widget = g_queue_pop_head (&queue);

      if (CFAI_IS_METADATA_ROW (widget))
        {
          g_ptr_array_add (rows, widget);
          continue;
        }
      for (GtkWidget *child = gtk_widget_get_first_child (widget);
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        g_queue_push_tail (&queue, child);
    }

  return rows;
}

static CfaiMetadataRow *
add_metadata (Fixture    *fixture,
              const char *name,
              const char *value)
{
  g_autoptr(GPtrArray) rows = NULL;
  CfaiMetadataRow *row;
  guint before;

  rows = metadata_rows (fixture);
  before = rows->len;
  cfai_ui_test_click (prefs_child (fixture, "add_metadata_button"));
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = metadata_rows (fixture);
  g_assert_cmpuint (rows->len, ==, before + 1);
  row = g_ptr_array_index (rows, rows->len - 1);
  cfai_metadata_row_set_name (row, name);
  cfai_metadata_row_set_value (row, value);
  return row;
}

static void
record_int (GSettings  *settings,
            const char *key,
            GArray     *values)
{
  int value = g_settings_get_int (settings, key);

  g_array_append_val (values, value);
}

static void
test_gateway_round_trip (Fixture       *fixture,
                         gconstpointer  data)
{
  GSettings *settings = fixture->settings;
  AdwSpinRow *ttl_row = prefs_child (fixture, "cache_ttl_row");
  GtkWidget *id_row = prefs_child (fixture, "gateway_id_row");
  GtkLabel *message = prefs_child (fixture, "gateway_id_message_label");
  g_autoptr(GArray) ttls = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree char *id = NULL;
  gulong handler;

  /* Everything but the switch waits for it. */
  g_assert_false (gtk_widget_is_sensitive (id_row));
  adw_switch_row_set_active (prefs_child (fixture, "gateway_enabled_row"), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "gateway-enabled"));
  g_assert_true (gtk_widget_is_sensitive (id_row));
  g_assert_true (gtk_widget_is_sensitive (prefs_child (fixture, "metadata_group")));
  g_settings_set_boolean (settings, "gateway-enabled", FALSE);
  g_assert_false (adw_switch_row_get_active (prefs_child (fixture, "gateway_enabled_row")));
  g_settings_set_boolean (settings, "gateway-enabled", TRUE);
  g_assert_true (adw_switch_row_get_active (prefs_child (fixture, "gateway_enabled_row")));

  /* Enabled without an ID: says what happens. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_cmpstr (gtk_label_get_text (message), ==,
                   "Requests go straight to Workers AI until a gateway ID is entered.");

  /* Gateway ID, with inline validation: a bad one is never stored. */
  cfai_ui_test_type (id_row, "my-gateway");
  id = g_settings_get_string (settings, "gateway-id");
  g_assert_cmpstr (id, ==, "my-gateway");
  g_assert_cmpstr (cfai_client_get_gateway_id (cfai_application_get_client (app)), ==, "my-gateway");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (message)));

  cfai_ui_test_type (id_row, "my gateway/1");
  g_clear_pointer (&id, g_free);
  id = g_settings_get_string (settings, "gateway-id");
  g_assert_cmpstr (id, ==, "my-gateway");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "error"));
  g_assert_true (gtk_widget_has_css_class (id_row, "error"));
  g_assert_cmpstr (gtk_label_get_text (message), ==,
                   "A gateway ID has only letters, digits, “-” and “_”: use the name shown in the AI Gateway section of the Cloudflare dashboard.");
  /* Screen readers hear that the value is wrong, and why. */
  gtk_test_accessible_assert_state (id_row, GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE);
  gtk_test_accessible_assert_property (id_row, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       gtk_label_get_text (message));
  show_page (fixture, "gateway");
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-preferences-gateway-error.png");

  cfai_ui_test_type (id_row, "team_gw-2");
  g_clear_pointer (&id, g_free);
  id = g_settings_get_string (settings, "gateway-id");
  g_assert_cmpstr (id, ==, "team_gw-2");
  g_assert_false (gtk_widget_has_css_class (id_row, "error"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (message)));

  g_settings_set_string (settings, "gateway-id", "from-settings");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (id_row)), ==, "from-settings");

  /* Cache time: 0, or 60 s to 30 days, with the time spelt out. */
  adw_spin_row_set_value (ttl_row, 3600);
  g_assert_cmpint (g_settings_get_int (settings, "gateway-cache-ttl"), ==, 3600);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (ttl_row)), ==, "Cached answers can be up to 1 hour old");
  handler = g_signal_connect (settings, "changed::gateway-cache-ttl", G_CALLBACK (record_int), ttls);
  adw_spin_row_set_value (ttl_row, 30);
  g_signal_handler_disconnect (settings, handler);
  g_assert_cmpfloat (adw_spin_row_get_value (ttl_row), ==, 60);
  g_assert_cmpint (g_settings_get_int (settings, "gateway-cache-ttl"), ==, 60);
  /* The gateway would refuse 30: it never reaches the key. */
  g_assert_cmpuint (ttls->len, >=, 1);
  for (guint i = 0; i < ttls->len; i++)
    g_assert_cmpint (g_array_index (ttls, int, i), ==, 60);
  adw_spin_row_set_value (ttl_row, 0);
  g_assert_cmpint (g_settings_get_int (settings, "gateway-cache-ttl"), ==, 0);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (ttl_row)), ==, "Not sent: the gateway’s own setting applies");
  g_settings_set_int (settings, "gateway-cache-ttl", 90061);
  g_assert_cmpfloat (adw_spin_row_get_value (ttl_row), ==, 90061);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (ttl_row)), ==, "Cached answers can be up to 1 day 1 hour old");
  adw_spin_row_set_value (ttl_row, 1e9);
  g_assert_cmpint (g_settings_get_int (settings, "gateway-cache-ttl"), ==, 2592000);

  g_settings_set_int (settings, "gateway-cache-ttl", 3600);
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-preferences-gateway.png");

  /* Skip cache */
  adw_switch_row_set_active (prefs_child (fixture, "skip_cache_row"), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "gateway-skip-cache"));
  g_settings_set_boolean (settings, "gateway-skip-cache", FALSE);
  g_assert_false (adw_switch_row_get_active (prefs_child (fixture, "skip_cache_row")));
}

static void
test_gateway_token (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkWidget *token_row = prefs_child (fixture, "gateway_token_row");
  GtkWidget *remove = prefs_child (fixture, "remove_gateway_token_button");
  g_autofree char *stored = NULL;

  g_settings_set_boolean (fixture->settings, "gateway-enabled", TRUE);
  cfai_ui_test_settle (100);
  g_assert_false (gtk_widget_get_visible (remove));

  cfai_ui_test_type (token_row, "  gw-token\n");
  g_signal_emit_by_name (token_row, "apply");
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_visible, remove, 5000));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (token_row)), ==, "");
  stored = lookup_token_now (CFAI_TOKEN_KIND_GATEWAY);
  g_assert_cmpstr (stored, ==, "gw-token");
  g_clear_pointer (&stored, g_free);

  cfai_ui_test_click (remove);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_hidden, remove, 5000));
  g_assert_null (lookup_token_now (CFAI_TOKEN_KIND_GATEWAY));
}

static void
test_metadata (Fixture       *fixture,
               gconstpointer  data)
{
  GSettings *settings = fixture->settings;
  GtkLabel *error_label = prefs_child (fixture, "metadata_error_label");
  GtkWidget *add_button = prefs_child (fixture, "add_metadata_button");
  const char *none[] = { NULL };
  const char *one[] = { "team", "ml", NULL };
  const char *two[] = { "team", "ml", "user", "ada", NULL };
  const char *five[] = { "team", "ml", "user", "ada", "a", "1", "b", "2", "c", "3", NULL };
  const char *six[] = { "k1", "v", "k2", "v", "k3", "v", "k4", "v", "k5", "v", "k6", "v", NULL };
  const char *six_minus_one[] = { "k1", "v", "k2", "v", "k3", "v", "k4", "v", "k6", "v", NULL };
  g_autoptr(GVariant) six_value = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  CfaiMetadataRow *second;

  g_settings_set_boolean (settings, "gateway-enabled", TRUE);
  cfai_ui_test_settle (50);

  /* A blank new row is not an error, and stores nothing yet. */
  add_metadata (fixture, "", "");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  assert_metadata (settings, none);

  rows = metadata_rows (fixture);
  cfai_metadata_row_set_name (g_ptr_array_index (rows, 0), "team");
  cfai_metadata_row_set_value (g_ptr_array_index (rows, 0), "ml");
  assert_metadata (settings, one);

  /* A value without a name */
  second = add_metadata (fixture, "", "ada");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_cmpstr (gtk_label_get_text (error_label), ==, "Every entry needs a name.");
  g_assert_true (cfai_metadata_row_get_has_error (second));
  assert_metadata (settings, one);

  /* A name used twice */
  cfai_metadata_row_set_name (second, "team");
  g_assert_cmpstr (gtk_label_get_text (error_label), ==,
                   "Each name can be used only once: “team” appears more than once.");
  g_assert_true (cfai_metadata_row_get_has_error (second));
  assert_metadata (settings, one);
  show_page (fixture, "gateway");
  cfai_ui_test_scroll_to (prefs_child (fixture, "metadata_group"), FALSE);
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-preferences-metadata-error.png");

  cfai_metadata_row_set_name (second, "user");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_false (cfai_metadata_row_get_has_error (second));
  assert_metadata (settings, two);

  /* At most five: the fifth row disables Add. */
  add_metadata (fixture, "a", "1");
  add_metadata (fixture, "b", "2");
  g_assert_true (gtk_widget_is_sensitive (add_button));
  add_metadata (fixture, "c", "3");
  assert_metadata (settings, five);
  g_assert_false (gtk_widget_is_sensitive (add_button));
  gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "preferences.add-metadata", NULL);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = metadata_rows (fixture);
  g_assert_cmpuint (rows->len, ==, 5);
  cfai_ui_test_scroll_to (g_ptr_array_index (rows, 4), TRUE);
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-preferences-metadata.png");

  /* Six set from outside are shown, flagged, and not rewritten. */
  six_value = metadata_value (six);
  g_settings_set_value (settings, "gateway-metadata", six_value);
  cfai_ui_test_settle (50);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = metadata_rows (fixture);
  g_assert_cmpuint (rows->len, ==, 6);
  g_assert_cmpstr (cfai_metadata_row_get_name (g_ptr_array_index (rows, 5)), ==, "k6");
  g_assert_cmpstr (gtk_label_get_text (error_label), ==, "AI Gateway accepts at most 5 metadata entries.");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  assert_metadata (settings, six);

  /* Removing one makes the list valid, and it is stored. */
  g_assert_true (gtk_widget_activate_action (g_ptr_array_index (rows, 4), "metadata-row.remove", NULL));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  assert_metadata (settings, six_minus_one);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = metadata_rows (fixture);
  g_assert_cmpuint (rows->len, ==, 5);

  /* Resetting the key empties the list. */
  g_settings_reset (settings, "gateway-metadata");
  cfai_ui_test_settle (50);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = metadata_rows (fixture);
  g_assert_cmpuint (rows->len, ==, 0);
  g_assert_true (gtk_widget_is_sensitive (add_button));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  GTestDBus *bus;
  int ret;

  /* The tests read accessible states, which GTK's test backend keeps
   * without an accessibility bus (the suite sets GTK_A11Y=none). */
  g_setenv ("GTK_A11Y", "test", TRUE);
  cfai_test_isolate_home ("cfai-test-preferences");
  g_unsetenv ("CLOUDFLARE_API_TOKEN");
  g_unsetenv ("CLOUDFLARE_ACCOUNT_ID");
  g_unsetenv ("CFAI_API_BASE_URL");
  g_test_init (&argc, &argv, NULL);
  cfai_ui_test_init ();

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_error ("UI tests need a display; run them through build-aux/test-session");

  bus = cfai_ui_test_private_bus_up ();
  /* A second token the fake server accepts, to replace the first with. */
  g_setenv ("FAKE_WORKERS_AI_TOKENS", "other-token", TRUE);
  server = cfai_test_server_start ();
  api_base = cfai_test_server_api_base (server, NULL);
  {
    g_autoptr(GSettings) settings = g_settings_new (BASE_APPLICATION_ID);

    g_settings_set_string (settings, "api-base-url", api_base);
    g_settings_set_string (settings, "account-id", "test-account");
  }

  app = cfai_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cfai_ui_test_wait_until (credentials_loaded, app, 10000));

  g_test_add ("/preferences/defaults-round-trip", Fixture, NULL,
              fixture_set_up, test_defaults_round_trip, fixture_tear_down);
  g_test_add ("/preferences/account-round-trip", Fixture, NULL,
              fixture_set_up, test_account_round_trip, fixture_tear_down);
  g_test_add ("/preferences/api-base-url-from-environment", Fixture, NULL,
              fixture_set_up, test_api_base_url_from_environment, fixture_tear_down);
  g_test_add ("/preferences/switch-account", Fixture, NULL,
              fixture_set_up, test_switch_account_uses_its_token, fixture_tear_down);
  g_test_add ("/preferences/verify-again", Fixture, NULL,
              fixture_set_up, test_verify_again, fixture_tear_down);
  g_test_add ("/preferences/close-while-verifying", Fixture, NULL,
              fixture_set_up, test_close_while_verifying, fixture_tear_down);
  g_test_add ("/preferences/gateway-round-trip", Fixture, NULL,
              fixture_set_up, test_gateway_round_trip, fixture_tear_down);
  g_test_add ("/preferences/gateway-token", Fixture, NULL,
              fixture_set_up, test_gateway_token, fixture_tear_down);
  g_test_add ("/preferences/metadata", Fixture, NULL,
              fixture_set_up, test_metadata, fixture_tear_down);
  g_test_add ("/preferences/replace-token", Fixture, NULL,
              fixture_set_up, test_replace_token, fixture_tear_down);
  g_test_add ("/preferences/remove-token", Fixture, NULL,
              fixture_set_up, test_remove_token, fixture_tear_down);

  ret = g_test_run ();

  cfai_ui_test_close_windows (GTK_APPLICATION (app));
  g_clear_object (&app);
  g_clear_pointer (&server, cfai_test_server_stop);
  g_clear_pointer (&api_base, g_free);
  /* Stopped, not taken down: GTK keeps the session bus connection for the
   * life of the process, and g_test_dbus_down() (also run when the last
   * reference goes) would wait 30 s for it and then warn.  The process
   * ends right after, so the object is left to it. */
  g_test_dbus_stop (bus);
  return ret;
}
