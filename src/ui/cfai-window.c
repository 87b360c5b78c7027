/* cfai-window.c — the main window: sidebar of chats and images, content area
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-model-picker.h"
#include "cfai-welcome-page.h"
#include "cfai-window.h"

struct _CfaiWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  AdwNavigationSplitView *split_view;
  AdwViewStack         *section_stack;
  AdwStatusPage        *welcome_page;
  GtkStack             *main_stack;
  CfaiWelcomePage      *onboarding_page;

  /* On the application whose credentials are shown; holds it weakly. */
  GSignalGroup         *application_signals;
};

G_DEFINE_FINAL_TYPE (CfaiWindow, cfai_window, ADW_TYPE_APPLICATION_WINDOW)

/* Size is saved on close rather than on every change: GtkWindow's
 * default-width notifies on each frame of an interactive resize, and
 * writing dconf that often is wasteful.  The maximized state is saved
 * separately so the restored unmaximized size stays the one the user chose. */
static void
cfai_window_save_state (CfaiWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_apply (self->settings);
}

static void
cfai_window_restore_state (CfaiWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

/* Onboarding takes the whole window while the application has no
 * credentials: without them there is nothing the rest could do. */
static void
cfai_window_update_view (CfaiWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  const char *page = "main";

  if (CFAI_IS_APPLICATION (app) && !cfai_application_get_has_credentials (CFAI_APPLICATION (app)))
    page = cfai_application_get_loading_credentials (CFAI_APPLICATION (app)) ? "loading" : "onboarding";

  gtk_stack_set_visible_child_name (self->main_stack, page);
}

/* GtkWindow:application is an ordinary property, set after construction
 * (and cleared when the window is removed from the application). */
static void
cfai_window_notify_application (CfaiWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(GObject) shown = g_signal_group_dup_target (self->application_signals);

  if (!CFAI_IS_APPLICATION (app))
    app = NULL;
  if (shown == (GObject *) app)
    return;

  g_signal_group_set_target (self->application_signals, app);
  if (app != NULL)
    {
      cfai_welcome_page_set_application (self->onboarding_page, CFAI_APPLICATION (app));

      /* No cross-fade into the first page the window shows. */
      gtk_stack_set_transition_type (self->main_stack, GTK_STACK_TRANSITION_TYPE_NONE);
      cfai_window_update_view (self);
      gtk_stack_set_transition_type (self->main_stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
    }
}

static gboolean
cfai_window_close_request (GtkWindow *window)
{
  cfai_window_save_state (CFAI_WINDOW (window));

  return GTK_WINDOW_CLASS (cfai_window_parent_class)->close_request (window);
}

static void
cfai_window_dispose (GObject *object)
{
  CfaiWindow *self = CFAI_WINDOW (object);

  if (self->application_signals != NULL)
    g_signal_group_set_target (self->application_signals, NULL);
  g_clear_object (&self->application_signals);

  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_WINDOW);

  G_OBJECT_CLASS (cfai_window_parent_class)->dispose (object);
}

static void
cfai_window_finalize (GObject *object)
{
  CfaiWindow *self = CFAI_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cfai_window_parent_class)->finalize (object);
}

static void
cfai_window_class_init (CfaiWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = cfai_window_dispose;
  object_class->finalize = cfai_window_finalize;
  window_class->close_request = cfai_window_close_request;

  g_type_ensure (CFAI_TYPE_MODEL_PICKER);
  g_type_ensure (CFAI_TYPE_WELCOME_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, split_view);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, section_stack);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, onboarding_page);
  /* Not used by the code, but reachable with gtk_widget_get_template_child()
   * so tests can check what the user sees. */
  gtk_widget_class_bind_template_child_full (widget_class, "chats_empty", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "toast_overlay", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "images_empty", FALSE, 0);
  /* Bound to the default-chat-model setting in init. */
  gtk_widget_class_bind_template_child_full (widget_class, "chat_model_picker", FALSE, 0);

}

static void
cfai_window_init (CfaiWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (BASE_APPLICATION_ID);
  g_settings_bind (self->settings, "default-chat-model",
                   gtk_widget_get_template_child (GTK_WIDGET (self), CFAI_TYPE_WINDOW,
                                                  "chat_model_picker"),
                   "selected-model-id", G_SETTINGS_BIND_DEFAULT);
  self->application_signals = g_signal_group_new (CFAI_TYPE_APPLICATION);
  g_signal_group_connect_swapped (self->application_signals, "notify::has-credentials",
                                  G_CALLBACK (cfai_window_update_view), self);
  g_signal_group_connect_swapped (self->application_signals, "notify::loading-credentials",
                                  G_CALLBACK (cfai_window_update_view), self);
  g_signal_connect (self, "notify::application",
                    G_CALLBACK (cfai_window_notify_application), NULL);

  /* The icon name depends on the build profile, so it is set here rather
   * than in the template. */
  adw_status_page_set_icon_name (self->welcome_page, APPLICATION_ID);

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  cfai_window_restore_state (self);
}

CfaiWindow *
cfai_window_new (CfaiApplication *application)
{
  g_return_val_if_fail (CFAI_IS_APPLICATION (application), NULL);

  return g_object_new (CFAI_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
