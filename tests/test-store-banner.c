/* test-store-banner.c — a history file CfAI cannot use, in a real window
 *
 * Before the application starts, its history database is replaced by a
 * file that is not a database.  The window must say so, with what to do,
 * and chatting must go on in memory: nothing sent or received is lost,
 * and the damaged file is left as it was for the user to keep.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cfai-application.h"
#include "cfai-chat-page.h"
#include "cfai-chat-store.h"
#include "cfai-test-home.h"
#include "cfai-test-server.h"
#include "cfai-ui-test.h"
#include "cfai-window.h"

#define WAIT_MS 15000

#define NOT_A_DATABASE "These are my notes, not a database. Keep them.\n"

static CfaiApplication *app;
static CfaiTestServer *server;
static char *db_path;

static gboolean
credentials_loaded (gpointer data)
{
  return !cfai_application_get_loading_credentials (CFAI_APPLICATION (data));
}

static gboolean
store_has_error (gpointer data)
{
  return cfai_application_get_chat_store_error (CFAI_APPLICATION (data)) != NULL;
}

static gboolean
banner_revealed (gpointer data)
{
  return adw_banner_get_revealed (data) && gtk_widget_get_mapped (data);
}

static gboolean
banner_hidden (gpointer data)
{
  return !adw_banner_get_revealed (data);
}

static CfaiChatPage *
visible_page (CfaiWindow *window)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), CFAI_TYPE_WINDOW, "content_stack"));
  GtkWidget *child = gtk_stack_get_visible_child (stack);

  return CFAI_IS_CHAT_PAGE (child) ? CFAI_CHAT_PAGE (child) : NULL;
}

static gboolean
answer_complete (gpointer data)
{
  GListModel *messages = cfai_conversation_get_messages (cfai_chat_page_get_conversation (data));
  guint n = g_list_model_get_n_items (messages);
  g_autoptr(CfaiMessage) last = n > 0 ? g_list_model_get_item (messages, n - 1) : NULL;

  return last != NULL && cfai_message_get_role (last) == CFAI_CHAT_ROLE_ASSISTANT &&
         cfai_message_get_state (last) == CFAI_MESSAGE_STATE_COMPLETE;
}

static void
test_damaged_file (void)
{
  CfaiWindow *window;
  AdwBanner *banner;
  CfaiChatPage *page;
  GtkWidget *composer;
  GtkWidget *dismiss;
  GListModel *messages;
  g_autoptr(CfaiMessage) question = NULL;
  g_autofree char *contents = NULL;
  const char *title;

  g_assert_true (cfai_ui_test_wait_until (store_has_error, app, WAIT_MS));

  window = cfai_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 760);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, window, WAIT_MS));

  /* What is wrong, with which file, and what to do about it. */
  banner = ADW_BANNER (gtk_widget_get_template_child (GTK_WIDGET (window), CFAI_TYPE_WINDOW, "store_banner"));
  g_assert_true (cfai_ui_test_wait_until (banner_revealed, banner, WAIT_MS));
  title = adw_banner_get_title (banner);
  g_assert_nonnull (strstr (title, "is damaged or is not a database"));
  g_assert_nonnull (strstr (title, db_path));
  g_assert_nonnull (strstr (title, "move the file aside"));
  cfai_ui_test_save_screenshot (GTK_WIDGET (window), "screenshot-store-banner.png");

  /* The chat works in memory meanwhile. */
  cfai_ui_test_press_key (GTK_WIDGET (window), GDK_KEY_n, GDK_CONTROL_MASK);
  page = visible_page (window);
  g_assert_nonnull (page);
  composer = GTK_WIDGET (cfai_chat_page_get_composer (page));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_has_focus, composer, WAIT_MS));
  cfai_ui_test_type_keys (composer, "Still there");
  cfai_ui_test_press_key (composer, GDK_KEY_Return, 0);
  g_assert_true (cfai_ui_test_wait_until (answer_complete, page, WAIT_MS));
  messages = cfai_conversation_get_messages (cfai_chat_page_get_conversation (page));
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  question = g_list_model_get_item (messages, 0);
  g_assert_cmpstr (cfai_message_get_content (question), ==, "Still there");
  g_assert_true (adw_banner_get_revealed (banner));

  /* The banner can be put away; the file is as it was. */
  dismiss = cfai_ui_test_find_button (GTK_WIDGET (banner), "Dismiss");
  g_assert_nonnull (dismiss);
  gtk_widget_grab_focus (dismiss);
  cfai_ui_test_press_key (dismiss, GDK_KEY_space, 0);
  g_assert_true (cfai_ui_test_wait_until (banner_hidden, banner, WAIT_MS));
  g_assert_true (g_file_get_contents (db_path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, NOT_A_DATABASE);

  cfai_ui_test_close_windows (GTK_APPLICATION (app));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  GTestDBus *bus;
  int ret;

  cfai_test_isolate_home ("cfai-test-store-banner");
  g_unsetenv ("CLOUDFLARE_API_TOKEN");
  g_unsetenv ("CLOUDFLARE_ACCOUNT_ID");
  g_unsetenv ("CFAI_API_BASE_URL");
  g_test_init (&argc, &argv, NULL);
  cfai_ui_test_init ();

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_error ("UI tests need a display; run them through build-aux/test-session");

  db_path = cfai_chat_store_dup_default_path ();
  dir = g_path_get_dirname (db_path);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (db_path, NOT_A_DATABASE, -1, &error));
  g_assert_no_error (error);

  bus = cfai_ui_test_private_bus_up ();
  server = cfai_test_server_start ();
  {
    g_autoptr(GSettings) settings = g_settings_new (BASE_APPLICATION_ID);
    g_autofree char *base = cfai_test_server_api_base (server, NULL);

    g_settings_set_string (settings, "api-base-url", base);
    g_settings_set_string (settings, "account-id", "test-account");
  }

  app = cfai_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cfai_ui_test_wait_until (credentials_loaded, app, WAIT_MS));
  cfai_application_use_token (app, "test-token");

  g_test_add_func ("/store-banner/damaged-file", test_damaged_file);
  ret = g_test_run ();

  cfai_ui_test_close_windows (GTK_APPLICATION (app));
  g_clear_object (&app);
  g_clear_pointer (&server, cfai_test_server_stop);
  g_clear_pointer (&db_path, g_free);
  g_test_dbus_stop (bus);
  return ret;
}
