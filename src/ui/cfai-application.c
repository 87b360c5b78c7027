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
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (CfaiApplication, cfai_application, ADW_TYPE_APPLICATION)

static const CfaiShortcutEntry shortcuts[] = {
  { "app.new-window",  { "<Control><Shift>n", NULL }, N_("General"), N_("New Window") },
  { "app.preferences", { "<Control>comma", NULL },    N_("General"), N_("Preferences") },
  { "app.shortcuts",   { "<Control>question", NULL }, N_("General"), N_("Keyboard Shortcuts") },
  { "window.close",    { "<Control>w", NULL },        N_("General"), N_("Close Window") },
  { "app.quit",        { "<Control>q", NULL },        N_("General"), N_("Quit") },
};

const CfaiShortcutEntry *
cfai_application_get_shortcuts (gsize *n_entries)
{
  if (n_entries != NULL)
    *n_entries = G_N_ELEMENTS (shortcuts);
  return shortcuts;
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

  adw_dialog_present (ADW_DIALOG (cfai_preferences_dialog_new ()), GTK_WIDGET (window));
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

static void
cfai_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (cfai_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);

  for (gsize i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app),
                                           shortcuts[i].action,
                                           shortcuts[i].accels);
}

static void
cfai_application_class_init (CfaiApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = cfai_application_startup;
  app_class->activate = cfai_application_activate;
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
