/* test-window.c — the application shell, in a real window under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "cfai-application.h"
#include "cfai-shortcuts-dialog.h"
#include "cfai-test-home.h"
#include "cfai-ui-test.h"
#include "cfai-window.h"

static CfaiApplication *app;

/* Deadlines only guard against hangs; a wait that runs out fails the test. */
#define WAIT_MS 5000
/* Time for GTK to lay out and draw after a change. */
#define SETTLE_MS 200

static gpointer
child (CfaiWindow *window,
       const char *name)
{
  gpointer widget = gtk_widget_get_template_child (GTK_WIDGET (window), CFAI_TYPE_WINDOW, name);

  g_assert_nonnull (widget);
  return widget;
}

static CfaiWindow *
open_window (int width,
             int height)
{
  CfaiWindow *window = cfai_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, window, WAIT_MS));
  cfai_ui_test_settle (SETTLE_MS);
  return window;
}

static void
test_sidebar (void)
{
  CfaiWindow *window = open_window (1000, 700);
  AdwViewStack *stack = child (window, "section_stack");
  AdwStatusPage *chats_empty = child (window, "chats_empty");
  GtkWidget *images_list = child (window, "images_list");
  AdwNavigationSplitView *split = child (window, "split_view");

  g_assert_false (adw_navigation_split_view_get_collapsed (split));

  /* Two sections, Chats first (with an empty state that says so), and
   * Images: the studio and the gallery. */
  g_assert_nonnull (adw_view_stack_get_child_by_name (stack, "chats"));
  g_assert_nonnull (adw_view_stack_get_child_by_name (stack, "images"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "chats");
  g_assert_cmpstr (adw_view_stack_page_get_title (adw_view_stack_get_page (stack, GTK_WIDGET (chats_empty))), ==, "Chats");
  g_assert_cmpstr (adw_view_stack_page_get_title (adw_view_stack_get_page (stack, images_list)), ==, "Images");
  g_assert_cmpstr (adw_status_page_get_title (chats_empty), ==, "No Chats Yet");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (chats_empty)));

  adw_view_stack_set_visible_child_name (stack, "images");
  cfai_ui_test_settle (SETTLE_MS);
  g_assert_true (gtk_widget_get_mapped (images_list));
  g_assert_nonnull (cfai_ui_test_find_label (images_list, "Studio"));
  g_assert_nonnull (cfai_ui_test_find_label (images_list, "Gallery"));
  adw_view_stack_set_visible_child_name (stack, "chats");
  cfai_ui_test_settle (SETTLE_MS);

  /* The welcome page shows this build's icon. */
  g_assert_cmpstr (adw_status_page_get_icon_name (child (window, "welcome_page")), ==, APPLICATION_ID);
  g_assert_true (gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                          APPLICATION_ID));

  cfai_ui_test_save_screenshot (GTK_WIDGET (window), "screenshot-window.png");
  cfai_ui_test_close_windows (GTK_APPLICATION (app));
}

static gboolean
is_collapsed (gpointer data)
{
  return adw_navigation_split_view_get_collapsed (data);
}

static gboolean
is_expanded (gpointer data)
{
  return !adw_navigation_split_view_get_collapsed (data);
}

static void
test_breakpoint (void)
{
  CfaiWindow *window = open_window (480, 700);
  AdwNavigationSplitView *split = child (window, "split_view");

  g_assert_true (cfai_ui_test_wait_until (is_collapsed, split, WAIT_MS));
  g_assert_true (adw_navigation_split_view_get_collapsed (split));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 600);
  cfai_ui_test_save_screenshot (GTK_WIDGET (window), "screenshot-window-narrow.png");

  /* Growing the window past 600 sp brings the sidebar back. */
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  g_assert_true (cfai_ui_test_wait_until (is_expanded, split, WAIT_MS));
  g_assert_false (adw_navigation_split_view_get_collapsed (split));

  /* And shrinking collapses it again: the breakpoint is live, not one-shot. */
  gtk_window_set_default_size (GTK_WINDOW (window), 420, 700);
  g_assert_true (cfai_ui_test_wait_until (is_collapsed, split, WAIT_MS));
  g_assert_true (adw_navigation_split_view_get_collapsed (split));
  cfai_ui_test_close_windows (GTK_APPLICATION (app));
}

/* Waits and checks below are conditions, not delays: a slow machine
 * (or a sanitizer build) takes longer for each step. */
static gboolean
has_n_windows (gpointer data)
{
  return g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))) == GPOINTER_TO_UINT (data);
}

typedef struct
{
  CfaiWindow *window;
  GType       type;   /* G_TYPE_NONE: no dialog */
} DialogWait;

static gboolean
shows_dialog (gpointer data)
{
  DialogWait *wait = data;
  AdwDialog *dialog = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (wait->window));

  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (wait->window));

  if (wait->type == G_TYPE_NONE)
    return dialog == NULL;
  /* Shown, and taking the keyboard: what a person waits for. */
  return dialog != NULL && G_TYPE_CHECK_INSTANCE_TYPE (dialog, wait->type) &&
         gtk_widget_get_mapped (GTK_WIDGET (dialog)) &&
         focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (dialog));
}

static AdwDialog *
wait_for_dialog (CfaiWindow *window,
                 GType       type)
{
  DialogWait wait = { window, type };

  if (!cfai_ui_test_wait_until (shows_dialog, &wait, 10000))
    {
      AdwDialog *shown = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window));

      g_error ("Waited for %s, the window shows %s", g_type_name (type),
               shown != NULL ? G_OBJECT_TYPE_NAME (shown) : "no dialog");
    }
  return adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window));
}

static void
test_actions (void)
{
  const char *app_actions[] = { "quit", "about", "preferences", "shortcuts", "new-window" };
  const CfaiShortcutEntry *entries;
  gsize n_entries;
  CfaiWindow *window;
  GtkWindow *second;
  AdwDialog *dialog;

  for (gsize i = 0; i < G_N_ELEMENTS (app_actions); i++)
    g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), app_actions[i]));

  /* Every application shortcut in the table is installed as an
   * accelerator (the window's and the chat's are key bindings of their
   * classes, pressed in test-chat). */
  entries = cfai_application_get_shortcuts (&n_entries);
  g_assert_cmpuint (n_entries, >=, 5);
  for (gsize i = 0; i < n_entries; i++)
    {
      g_auto(GStrv) accels = NULL;

      if (!(entries[i].flags & CFAI_SHORTCUT_APPLICATION))
        continue;
      accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), entries[i].action);
      /* Compare parsed keys: GTK normalises the modifier order in names. */
      g_assert_cmpuint (g_strv_length (accels), ==, g_strv_length ((char **) entries[i].accels));
      for (guint j = 0; accels[j] != NULL; j++)
        {
          guint key_a, key_b;
          GdkModifierType mods_a, mods_b;

          g_assert_true (gtk_accelerator_parse (accels[j], &key_a, &mods_a));
          g_assert_true (gtk_accelerator_parse (entries[i].accels[j], &key_b, &mods_b));
          g_assert_cmpuint (key_a, ==, key_b);
          g_assert_cmpuint (mods_a, ==, mods_b);
        }
    }

  window = open_window (1000, 700);

  /* The accelerators work from the keyboard, through the X server. */
  cfai_ui_test_press_key (GTK_WIDGET (window), GDK_KEY_n, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  g_assert_true (cfai_ui_test_wait_until (has_n_windows, GUINT_TO_POINTER (2), 10000));
  second = gtk_application_get_windows (GTK_APPLICATION (app))->data;
  g_assert_true (second != GTK_WINDOW (window));
  /* Ctrl+W closes the window that has the focus, and only that one. */
  cfai_ui_test_press_key (GTK_WIDGET (second), GDK_KEY_w, GDK_CONTROL_MASK);
  g_assert_true (cfai_ui_test_wait_until (has_n_windows, GUINT_TO_POINTER (1), 10000));
  g_assert_true (gtk_application_get_windows (GTK_APPLICATION (app))->data == (gpointer) window);
  gtk_window_present (GTK_WINDOW (window));

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  dialog = wait_for_dialog (window, ADW_TYPE_ABOUT_DIALOG);
  g_assert_cmpstr (adw_about_dialog_get_version (ADW_ABOUT_DIALOG (dialog)), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_dialog_get_application_icon (ADW_ABOUT_DIALOG (dialog)), ==, APPLICATION_ID);
  g_assert_cmpint (adw_about_dialog_get_license_type (ADW_ABOUT_DIALOG (dialog)), ==, GTK_LICENSE_GPL_3_0);
  cfai_ui_test_save_screenshot (GTK_WIDGET (window), "screenshot-about.png");
  adw_dialog_force_close (dialog);
  wait_for_dialog (window, G_TYPE_NONE);

  cfai_ui_test_press_key (GTK_WIDGET (window), GDK_KEY_comma, GDK_CONTROL_MASK);
  wait_for_dialog (window, ADW_TYPE_PREFERENCES_DIALOG);
  /* Escape closes a dialog. */
  cfai_ui_test_press_key (GTK_WIDGET (window), GDK_KEY_Escape, 0);
  wait_for_dialog (window, G_TYPE_NONE);

  cfai_ui_test_press_key (GTK_WIDGET (window), GDK_KEY_question, GDK_CONTROL_MASK);
  dialog = wait_for_dialog (window, CFAI_TYPE_SHORTCUTS_DIALOG);
  /* It lists the whole table: the chat's keys as well as the app's. */
  for (gsize i = 0; i < n_entries; i++)
    g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (dialog), entries[i].title));
  g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (dialog), "Send Message"));
  g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (dialog), "Chat Settings"));
  cfai_ui_test_save_screenshot (GTK_WIDGET (window), "screenshot-shortcuts.png");
  adw_dialog_force_close (dialog);
  cfai_ui_test_settle (SETTLE_MS);

  cfai_ui_test_close_windows (GTK_APPLICATION (app));
}

static void
test_window_state (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APPLICATION_ID);
  CfaiWindow *window;
  int width, height;

  /* A new window takes its size from the settings... */
  g_settings_set_int (settings, "window-width", 777);
  g_settings_set_int (settings, "window-height", 555);
  g_settings_set_boolean (settings, "window-maximized", FALSE);
  window = cfai_window_new (app);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 777);
  g_assert_cmpint (height, ==, 555);

  /* ...and saves the size it had when it closes. */
  gtk_window_set_default_size (GTK_WINDOW (window), 820, 610);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, window, WAIT_MS));
  gtk_window_close (GTK_WINDOW (window));
  cfai_ui_test_settle (SETTLE_MS);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 820);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 610);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  /* A window that was maximized comes back maximized. */
  g_settings_set_boolean (settings, "window-maximized", TRUE);
  window = cfai_window_new (app);
  g_assert_true (gtk_window_is_maximized (GTK_WINDOW (window)) ||
                 g_settings_get_boolean (settings, "window-maximized"));
  gtk_window_present (GTK_WINDOW (window));
  cfai_ui_test_settle (SETTLE_MS);
  gtk_window_close (GTK_WINDOW (window));
  cfai_ui_test_settle (SETTLE_MS);
  g_assert_true (g_settings_get_boolean (settings, "window-maximized"));
  cfai_ui_test_close_windows (GTK_APPLICATION (app));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  GTestDBus *bus;
  int ret;

  cfai_test_isolate_home ("cfai-test-window");

  /* Without credentials a window shows only the welcome page
   * (test-onboarding.c); these tests are about the rest of the window.
   * Nothing here sends a request, so the values need not work. */
  g_setenv ("CLOUDFLARE_API_TOKEN", "test-token", TRUE);
  g_setenv ("CLOUDFLARE_ACCOUNT_ID", "test-account", TRUE);

  g_test_init (&argc, &argv, NULL);
  cfai_ui_test_init ();

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_error ("UI tests need a display; run them through build-aux/test-session");

  /* A bus of its own, so no keyring daemon starts in the real HOME. */
  bus = cfai_ui_test_private_bus_up ();
  app = cfai_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/window/sidebar", test_sidebar);
  g_test_add_func ("/window/breakpoint", test_breakpoint);
  g_test_add_func ("/window/actions", test_actions);
  g_test_add_func ("/window/state", test_window_state);

  ret = g_test_run ();
  g_clear_object (&app);
  /* Stopped, not taken down, as in test-onboarding.c: GTK keeps its bus
   * connection for the life of the process. */
  g_test_dbus_stop (bus);
  return ret;
}
