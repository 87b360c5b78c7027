/* test-onboarding.c — the welcome page, in a real window against the fake server
 *
 * The application is made once per process.  Each test points it at the
 * fake server (or at a closed port) through the api-base-url setting and
 * takes its token away, so every test starts on the welcome page.  The
 * session bus is private and activates nothing: there is no keyring, so
 * tokens are kept in memory and the page must say so.  The test with
 * credentials in the environment runs in a child process, since the
 * application reads the environment once, when it starts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "cfai-application.h"
#include "cfai-preferences-dialog.h"
#include "cfai-test-server.h"
#include "cfai-test-home.h"
#include "cfai-ui-test.h"
#include "cfai-welcome-page.h"
#include "cfai-window.h"

#define NETWORK_TIMEOUT_MS 20000

#define BAD_TOKEN_MESSAGE \
  "Cloudflare did not accept the API token. It must be valid, belong to this account " \
  "and have the Workers AI Read and Edit permissions."
#define BAD_ACCOUNT_MESSAGE \
  "Cloudflare does not recognise the account ID. It is shown on the Workers AI page of " \
  "the Cloudflare dashboard."
#define REFUSED_MESSAGE \
  "The connection to Workers AI was refused. Check the internet connection, and any " \
  "proxy, AI Gateway or API base URL setting."
#define NO_KEYRING_MESSAGE \
  "No keyring (Secret Service) is available, so the token will be kept only until CfAI quits."

static CfaiApplication *app;
static CfaiTestServer *server;

typedef struct
{
  CfaiWindow      *window;
  CfaiWelcomePage *page;
  GtkWidget       *account_row;
  GtkWidget       *token_row;
  GtkLabel        *error_label;
  GtkStack        *main_stack;
} Fixture;

static gpointer
window_child (CfaiWindow *window,
              const char *name)
{
  gpointer widget = gtk_widget_get_template_child (GTK_WIDGET (window), CFAI_TYPE_WINDOW, name);

  g_assert_nonnull (widget);
  return widget;
}

static gpointer
page_child (CfaiWelcomePage *page,
            const char      *name)
{
  gpointer widget = gtk_widget_get_template_child (GTK_WIDGET (page), CFAI_TYPE_WELCOME_PAGE, name);

  g_assert_nonnull (widget);
  return widget;
}

static gpointer
prefs_child (AdwDialog  *dialog,
             const char *name)
{
  gpointer widget = gtk_widget_get_template_child (GTK_WIDGET (dialog), CFAI_TYPE_PREFERENCES_DIALOG, name);

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
shows_keyring_notice (gpointer data)
{
  return cfai_ui_test_find_label (data, NO_KEYRING_MESSAGE) != NULL;
}

static gboolean
credentials_loaded (gpointer data)
{
  return !cfai_application_get_loading_credentials (CFAI_APPLICATION (data));
}

static gboolean
page_is_idle (gpointer data)
{
  return !cfai_welcome_page_get_busy (CFAI_WELCOME_PAGE (data));
}

static gboolean
shows_main (gpointer data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (data), "main") == 0;
}

/* @scenario: a fake-server scenario, or a whole base URL when it starts
 * with "http" */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GSettings *settings = cfai_application_get_settings (app);
  const char *scenario = data;
  g_autofree char *base = NULL;

  if (scenario != NULL && g_str_has_prefix (scenario, "http"))
    base = g_strdup (scenario);
  else
    base = cfai_test_server_api_base (server, scenario);

  g_settings_set_string (settings, "api-base-url", base);
  g_settings_set_string (settings, "account-id", "");
  cfai_application_use_token (app, NULL);
  g_assert_false (cfai_application_get_has_credentials (app));

  fixture->window = cfai_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 700);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, fixture->window, 5000));
  cfai_ui_test_settle (100);

  fixture->main_stack = window_child (fixture->window, "main_stack");
  fixture->page = window_child (fixture->window, "onboarding_page");
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, fixture->page, 10000));
  fixture->account_row = page_child (fixture->page, "account_row");
  fixture->token_row = page_child (fixture->page, "token_row");
  fixture->error_label = page_child (fixture->page, "error_label");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gpointer page = fixture->page;

  if (page == NULL)
    return;

  /* A check still running must not keep the page alive. */
  g_object_add_weak_pointer (G_OBJECT (page), &page);
  cfai_ui_test_close_windows (GTK_APPLICATION (app));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_pointer_is_cleared, &page, 10000));
}

/* Presses Enter in @entry, which should verify. */
static void
press_enter_in (Fixture   *fixture,
                GtkWidget *entry)
{
  cfai_ui_test_press_enter (entry, page_child (fixture->page, "verify_button"));
}

static void
enter_and_verify (Fixture    *fixture,
                  const char *account,
                  const char *token)
{
  cfai_ui_test_type (fixture->account_row, account);
  cfai_ui_test_type (fixture->token_row, token);

  /* Enter in the token entry is how most people will continue. */
  press_enter_in (fixture, fixture->token_row);
}

static void
assert_failed_with (Fixture    *fixture,
                    const char *message,
                    const char *account,
                    const char *token)
{
  g_assert_true (cfai_ui_test_wait_until (page_is_idle, fixture->page, NETWORK_TIMEOUT_MS));

  /* The reason, word for word, where the user looks... */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->error_label)));
  g_assert_cmpstr (gtk_label_get_text (fixture->error_label), ==, message);
  g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (fixture->window), message));

  /* ...nothing typed is lost, and the user can try again at once. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fixture->account_row)), ==, account);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fixture->token_row)), ==, token);
  g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (fixture->account_row)));
  g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (fixture->token_row)));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (page_child (fixture->page, "verify_button"))));

  /* And nothing was taken over. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->main_stack), ==, "onboarding");
  g_assert_false (cfai_application_get_has_credentials (app));
  g_assert_false (cfai_client_has_token (cfai_application_get_client (app)));
}

static void
test_shown_without_credentials (Fixture       *fixture,
                                gconstpointer  data)
{
  AdwStatusPage *status = page_child (fixture->page, "status_page");
  GtkLinkButton *link = page_child (fixture->page, "dashboard_link");
  GtkWidget *button = page_child (fixture->page, "verify_button");

  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->main_stack), ==, "onboarding");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture->page)));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (window_child (fixture->window, "split_view"))));

  g_assert_cmpstr (adw_status_page_get_icon_name (status), ==, APPLICATION_ID);
  g_assert_cmpstr (adw_status_page_get_title (status), ==, "Welcome to CfAI");
  g_assert_cmpstr (gtk_link_button_get_uri (link), ==, "https://dash.cloudflare.com/profile/api-tokens");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (link)));

  /* Both explanations are on screen, naming the permissions needed. */
  g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (fixture->window),
                                             "Create one with the “Workers AI Read” and “Workers AI Edit” permissions."));
  g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (fixture->window),
                                             "Shown on the right of the Workers AI page in the Cloudflare dashboard, and in that page’s address after dash.cloudflare.com/."));

  g_assert_true (ADW_IS_ENTRY_ROW (fixture->account_row));
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (fixture->token_row));
  g_assert_true (gtk_widget_get_mapped (fixture->account_row));
  g_assert_true (gtk_widget_get_mapped (fixture->token_row));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->error_label)));

  /* Enter anywhere on the page verifies. */
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (fixture->window)) == button);
  g_assert_true (adw_entry_row_get_activates_default (ADW_ENTRY_ROW (fixture->account_row)));
  g_assert_true (adw_entry_row_get_activates_default (ADW_ENTRY_ROW (fixture->token_row)));

  /* At the default window size the whole form, its button included, is
   * in view without scrolling (libadwaita 1.10 spaces it more widely). */
  {
    graphene_rect_t bounds;

    g_assert_true (gtk_widget_compute_bounds (button, GTK_WIDGET (fixture->window), &bounds));
    g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=,
                       gtk_widget_get_height (GTK_WIDGET (fixture->window)));
  }

  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-onboarding.png");
}

static void
test_success (Fixture       *fixture,
              gconstpointer  data)
{
  CfaiCredentials *credentials = cfai_application_get_credentials (app);
  GSettings *settings = cfai_application_get_settings (app);
  GtkWidget *spinner_stack = page_child (fixture->page, "verify_stack");
  g_autofree char *account = NULL;

  enter_and_verify (fixture, "test-account", "test-token");

  /* A spinner while Cloudflare is asked, and no second request. */
  g_assert_true (cfai_welcome_page_get_busy (fixture->page));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (spinner_stack)), ==, "spinner");
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (fixture->token_row)));

  g_assert_true (cfai_ui_test_wait_until (shows_main, fixture->main_stack, NETWORK_TIMEOUT_MS));
  g_assert_false (cfai_welcome_page_get_busy (fixture->page));

  account = g_settings_get_string (settings, "account-id");
  g_assert_cmpstr (account, ==, "test-account");
  g_assert_true (cfai_application_get_has_credentials (app));
  g_assert_true (cfai_client_has_token (cfai_application_get_client (app)));

  /* No Secret Service here: kept in memory, and the user is told. */
  g_assert_cmpint (cfai_credentials_get_token_source (credentials), ==, CFAI_TOKEN_SOURCE_SESSION_MEMORY);
  g_assert_false (cfai_credentials_get_keyring_available (credentials));
  g_assert_cmpstr (cfai_credentials_get_keyring_error_message (credentials), ==, NO_KEYRING_MESSAGE);
  g_assert_true (cfai_ui_test_wait_until (shows_keyring_notice, window_child (fixture->window, "toast_overlay"), 5000));

  /* The token does not wait in the hidden entry for the next time. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fixture->token_row)), ==, "");

  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-onboarding-done.png");
}

static void
test_bad_token (Fixture       *fixture,
                gconstpointer  data)
{
  enter_and_verify (fixture, "test-account", "not-the-token");
  assert_failed_with (fixture, BAD_TOKEN_MESSAGE, "test-account", "not-the-token");
  g_assert_true (gtk_widget_has_css_class (fixture->token_row, "error"));
  g_assert_false (gtk_widget_has_css_class (fixture->account_row, "error"));

  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-onboarding-bad-token.png");

  /* Fixing the token is enough: the same page goes on. */
  cfai_ui_test_type (fixture->token_row, "test-token");
  press_enter_in (fixture, fixture->account_row);
  g_assert_true (cfai_ui_test_wait_until (shows_main, fixture->main_stack, NETWORK_TIMEOUT_MS));
  g_assert_true (cfai_application_get_has_credentials (app));
}

static void
test_network_down (Fixture       *fixture,
                   gconstpointer  data)
{
  enter_and_verify (fixture, "test-account", "test-token");

  /* Retries take a moment: long enough to show the spinner. */
  g_assert_true (cfai_welcome_page_get_busy (fixture->page));
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-onboarding-verifying.png");
  g_assert_true (cfai_welcome_page_get_busy (fixture->page));

  assert_failed_with (fixture, REFUSED_MESSAGE, "test-account", "test-token");
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-onboarding-network-down.png");
}

static void
test_close_while_verifying (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *account = NULL;
  gpointer page = fixture->page;

  /* Closing the window is "never mind": the check stops at once (the
   * closed port makes it retry for a while otherwise) and nothing is
   * stored afterwards. */
  enter_and_verify (fixture, "test-account", "test-token");
  g_assert_true (cfai_welcome_page_get_busy (fixture->page));

  g_object_add_weak_pointer (G_OBJECT (page), &page);
  cfai_ui_test_close_windows (GTK_APPLICATION (app));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_pointer_is_cleared, &page, 300));
  cfai_ui_test_settle (3000);

  account = g_settings_get_string (cfai_application_get_settings (app), "account-id");
  g_assert_cmpstr (account, ==, "");
  g_assert_false (cfai_application_get_has_credentials (app));

  /* The teardown has nothing left to check. */
  fixture->page = NULL;
}

static void
test_wrong_account (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *account = NULL;

  /* A well-formed ID the fake server knows nothing of (it answers
   * 403/7003, as Cloudflare does for an account the token cannot reach). */
  enter_and_verify (fixture, "some-other-account", "test-token");
  assert_failed_with (fixture, BAD_ACCOUNT_MESSAGE, "some-other-account", "test-token");
  g_assert_true (gtk_widget_has_css_class (fixture->account_row, "error"));

  account = g_settings_get_string (cfai_application_get_settings (app), "account-id");
  g_assert_cmpstr (account, ==, "");
}

static void
test_account_format (Fixture       *fixture,
                     gconstpointer  data)
{
  /* Checked before anything is sent. */
  enter_and_verify (fixture, "not an account!", "test-token");
  g_assert_false (cfai_welcome_page_get_busy (fixture->page));
  g_assert_cmpstr (gtk_label_get_text (fixture->error_label), ==,
                   "An account ID has only letters, digits, “-” and “_”: Cloudflare’s are 32 characters long, like 0123456789abcdef0123456789abcdef.");
  g_assert_true (gtk_widget_has_css_class (fixture->account_row, "error"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fixture->account_row)), ==, "not an account!");

  enter_and_verify (fixture, "", "test-token");
  g_assert_cmpstr (gtk_label_get_text (fixture->error_label), ==, "Enter your Cloudflare account ID.");

  /* A pasted dashboard address gives its account ID. */
  enter_and_verify (fixture, "https://dash.cloudflare.com/0123456789ABCDEF0123456789abcdef/ai/workers-ai", "");
  g_assert_false (cfai_welcome_page_get_busy (fixture->page));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fixture->account_row)), ==,
                   "0123456789abcdef0123456789abcdef");
  g_assert_cmpstr (gtk_label_get_text (fixture->error_label), ==, "Enter your API token.");
  g_assert_true (gtk_widget_has_css_class (fixture->token_row, "error"));
  g_assert_false (gtk_widget_has_css_class (fixture->account_row, "error"));

  enter_and_verify (fixture, "test-account", "two words");
  g_assert_cmpstr (gtk_label_get_text (fixture->error_label), ==,
                   "The token contains spaces, line breaks or other characters a Cloudflare token never has. Copy it again from the Cloudflare dashboard.");
  g_assert_false (cfai_welcome_page_get_busy (fixture->page));
}

static void
test_account_owned_token (Fixture       *fixture,
                          gconstpointer  data)
{
  /* /user/tokens/verify refuses account-owned tokens that work for the
   * account all the same: the account call decides. */
  enter_and_verify (fixture, "test-account", "test-token");
  g_assert_true (cfai_ui_test_wait_until (shows_main, fixture->main_stack, NETWORK_TIMEOUT_MS));
  g_assert_true (cfai_application_get_has_credentials (app));
}

static void
test_account_owned_token_bad (Fixture       *fixture,
                              gconstpointer  data)
{
  /* When the account call fails too, the token is what was refused. */
  enter_and_verify (fixture, "test-account", "not-the-token");
  assert_failed_with (fixture, BAD_TOKEN_MESSAGE, "test-account", "not-the-token");
}

static void
test_environment (void)
{
  CfaiCredentials *credentials;
  CfaiWindow *window;
  GtkStack *stack;
  AdwDialog *dialog;
  AdwActionRow *token_row;

  if (!g_test_subprocess ())
    {
      g_auto(GStrv) envp = g_get_environ ();

      envp = g_environ_setenv (envp, "CLOUDFLARE_API_TOKEN", "test-token", TRUE);
      envp = g_environ_setenv (envp, "CLOUDFLARE_ACCOUNT_ID", "test-account", TRUE);
      g_test_trap_subprocess_with_envp (NULL, (const char * const *) envp, 0,
                                        G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  credentials = cfai_application_get_credentials (app);
  g_assert_cmpint (cfai_credentials_get_token_source (credentials), ==, CFAI_TOKEN_SOURCE_ENVIRONMENT);
  g_assert_cmpint (cfai_credentials_get_account_id_source (credentials), ==, CFAI_ACCOUNT_ID_SOURCE_ENVIRONMENT);
  g_assert_true (cfai_application_get_has_credentials (app));

  window = cfai_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 760);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, window, 5000));
  stack = window_child (window, "main_stack");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "main");

  /* Preferences show both, read-only, and say where they come from. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (cfai_ui_test_wait_until (shows_preferences, window, 10000));
  dialog = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window));
  cfai_ui_test_settle (100);

  g_assert_false (gtk_widget_get_visible (prefs_child (dialog, "account_id_row")));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, prefs_child (dialog, "account_id_env_row"), 10000));
  g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (dialog), "Set by the CLOUDFLARE_ACCOUNT_ID environment variable"));
  g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (dialog), "test-account"));

  token_row = prefs_child (dialog, "token_row");
  g_assert_cmpstr (adw_action_row_get_subtitle (token_row), ==, "Set by the CLOUDFLARE_API_TOKEN environment variable");
  g_assert_null (cfai_ui_test_find_button (GTK_WIDGET (dialog), "Replace…"));
  g_assert_null (cfai_ui_test_find_button (GTK_WIDGET (dialog), "Remove…"));
  g_assert_nonnull (cfai_ui_test_find_button (GTK_WIDGET (dialog), "Verify Again"));

  cfai_ui_test_save_screenshot (GTK_WIDGET (window), "screenshot-preferences-environment.png");
  adw_dialog_force_close (dialog);
  cfai_ui_test_close_windows (GTK_APPLICATION (app));
}

static void
test_environment_token_only (void)
{
  CfaiWindow *window;
  CfaiWelcomePage *page;
  GtkStack *stack;

  if (!g_test_subprocess ())
    {
      g_auto(GStrv) envp = g_get_environ ();

      envp = g_environ_setenv (envp, "CLOUDFLARE_API_TOKEN", "test-token", TRUE);
      envp = g_environ_unsetenv (envp, "CLOUDFLARE_ACCOUNT_ID");
      g_test_trap_subprocess_with_envp (NULL, (const char * const *) envp, 0,
                                        G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  g_settings_set_string (cfai_application_get_settings (app), "account-id", "");
  window = cfai_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, window, 5000));
  stack = window_child (window, "main_stack");
  page = window_child (window, "onboarding_page");

  /* Only the account ID is asked for; the token row says where it is. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "onboarding");
  g_assert_false (gtk_widget_get_visible (page_child (page, "token_row")));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, page_child (page, "token_env_row"), 10000));

  cfai_ui_test_type (page_child (page, "account_row"), "test-account");
  cfai_ui_test_press_enter (page_child (page, "account_row"), page_child (page, "verify_button"));
  g_assert_true (cfai_ui_test_wait_until (shows_main, stack, NETWORK_TIMEOUT_MS));
  g_assert_true (cfai_application_get_has_credentials (app));
  cfai_ui_test_close_windows (GTK_APPLICATION (app));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  GTestDBus *bus;
  g_autofree char *base = NULL;
  int ret;

  cfai_test_isolate_home ("cfai-test-onboarding");
  g_test_init (&argc, &argv, NULL);
  cfai_ui_test_init ();

  /* Only the child processes of the environment tests get credentials. */
  if (!g_test_subprocess ())
    {
      g_unsetenv ("CLOUDFLARE_API_TOKEN");
      g_unsetenv ("CLOUDFLARE_ACCOUNT_ID");
    }
  g_unsetenv ("CFAI_API_BASE_URL");

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_error ("UI tests need a display; run them through build-aux/test-session");

  bus = cfai_ui_test_private_bus_up ();
  server = cfai_test_server_start ();

  /* Before the application starts, so that nothing it might send at
   * start-up can reach the real Cloudflare. */
  base = cfai_test_server_api_base (server, NULL);
  {
    g_autoptr(GSettings) settings = g_settings_new (BASE_APPLICATION_ID);

    g_settings_set_string (settings, "api-base-url", base);
  }

  app = cfai_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cfai_ui_test_wait_until (credentials_loaded, app, 10000));

  g_test_add ("/onboarding/shown-without-credentials", Fixture, NULL,
              fixture_set_up, test_shown_without_credentials, fixture_tear_down);
  g_test_add ("/onboarding/account-format", Fixture, NULL,
              fixture_set_up, test_account_format, fixture_tear_down);
  g_test_add ("/onboarding/bad-token", Fixture, NULL,
              fixture_set_up, test_bad_token, fixture_tear_down);
  g_test_add ("/onboarding/wrong-account", Fixture, NULL,
              fixture_set_up, test_wrong_account, fixture_tear_down);
  g_test_add ("/onboarding/network-down", Fixture, "http://127.0.0.1:9/client/v4",
              fixture_set_up, test_network_down, fixture_tear_down);
  g_test_add ("/onboarding/close-while-verifying", Fixture, "http://127.0.0.1:9/client/v4",
              fixture_set_up, test_close_while_verifying, fixture_tear_down);
  g_test_add ("/onboarding/account-owned-token", Fixture, "account-token",
              fixture_set_up, test_account_owned_token, fixture_tear_down);
  g_test_add ("/onboarding/account-owned-token-bad", Fixture, "account-token",
              fixture_set_up, test_account_owned_token_bad, fixture_tear_down);
  g_test_add ("/onboarding/success", Fixture, NULL,
              fixture_set_up, test_success, fixture_tear_down);
  g_test_add_func ("/onboarding/environment", test_environment);
  g_test_add_func ("/onboarding/environment-token-only", test_environment_token_only);

  ret = g_test_run ();

  cfai_ui_test_close_windows (GTK_APPLICATION (app));
  g_clear_object (&app);
  g_clear_pointer (&server, cfai_test_server_stop);
  /* Stopped, not taken down: GTK keeps the session bus connection for the
   * life of the process, and g_test_dbus_down() (also run when the last
   * reference goes) would wait 30 s for it and then warn.  The process
   * ends right after, so the object is left to it. */
  g_test_dbus_stop (bus);
  return ret;
}
