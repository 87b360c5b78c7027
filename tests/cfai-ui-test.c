/* cfai-ui-test.c — helpers for tests that drive real widgets under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cfai-ui-test.h"

/**
 * cfai_ui_test_isolate_home:
 * @name: a name for the folder
 *
 * Not G_TEST_OPTION_ISOLATE_DIRS: it also hides XDG_DATA_DIRS, and GTK
 * then finds no icon theme and no GSettings schemas.  Only the per-user
 * folders are made private, so a test never reads or writes the user's
 * own data.  Call before GTK initialises.
 *
 * Returns: (transfer full): the folder, to remove when done
 */
char *
cfai_ui_test_isolate_home (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("%s-XXXXXX", name);
  char *home = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_setenv ("XDG_STATE_HOME", home, TRUE);

  return home;
}

/**
 * cfai_ui_test_private_bus_up:
 *
 * Starts a session bus that can activate nothing, so no keyring daemon
 * is ever started: tokens are kept in memory, as on a desktop without a
 * Secret Service, and the test never touches a real keyring.
 *
 * Returns: (transfer full): the bus, to stop with g_test_dbus_stop()
 */
GTestDBus *
cfai_ui_test_private_bus_up (void)
{
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  GTestDBus *bus = g_test_dbus_new (G_TEST_DBUS_NONE);

  /* g_test_dbus_up() unsets DISPLAY along with the bus address. */
  g_test_dbus_up (bus);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);

  return bus;
}

/* The deadline only guards against hangs; callers assert the condition
 * afterwards, so a timeout fails the test rather than passing it. */
gboolean
cfai_ui_test_wait_until (CfaiUiTestCondition condition,
                         gpointer            data,
                         guint               timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (!condition (data) && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  return condition (data);
}

void
cfai_ui_test_settle (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < until)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
snapshot_widget (GtkWidget   *widget,
                 GtkSnapshot *snapshot)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);

  gdk_paintable_snapshot (paintable, snapshot,
                          gtk_widget_get_width (widget), gtk_widget_get_height (widget));
}

/* Renders @snapshot (consumed) with @widget's renderer, cut to @widget's
 * size, into a PNG in the build directory. */
static void
save_snapshot (GtkWidget   *widget,
               GtkSnapshot *snapshot,
               const char  *name)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_test_build_filename (G_TEST_BUILT, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s (%dx%d)", path, width, height);
}

void
cfai_ui_test_save_screenshot (GtkWidget  *widget,
                              const char *name)
{
  GtkSnapshot *snapshot;

  /* Let pending layout and drawing happen first: a widget waiting for
   * its next allocation has nothing to paint. */
  cfai_ui_test_settle (150);

  snapshot = gtk_snapshot_new ();
  snapshot_widget (widget, snapshot);
  save_snapshot (widget, snapshot, name);
}

/**
 * cfai_ui_test_save_screenshot_with_popover:
 * @window: a toplevel window
 * @popover: a popover in @window, open or not
 * @name: the PNG's file name in the build directory
 *
 * A popover is a surface of its own, so a screenshot of its window alone
 * leaves it out.  This draws @window and, when it is open, @popover on
 * top where it is on screen, as the user sees them.
 */
void
cfai_ui_test_save_screenshot_with_popover (GtkWidget  *window,
                                           GtkWidget  *popover,
                                           const char *name)
{
  GtkSnapshot *snapshot;

  g_assert_true (GTK_IS_NATIVE (window));
  g_assert_true (GTK_IS_POPOVER (popover));

  cfai_ui_test_settle (150);

  snapshot = gtk_snapshot_new ();
  snapshot_widget (window, snapshot);

  if (gtk_widget_get_mapped (popover))
    {
      GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (popover));
      double window_x, window_y, popover_x, popover_y;
      double x, y;

      /* A popup's position is in its parent surface's coordinates, and
       * each native's widget sits inside its surface at an offset (room
       * for shadows), so both offsets are taken out. */
      gtk_native_get_surface_transform (GTK_NATIVE (window), &window_x, &window_y);
      gtk_native_get_surface_transform (GTK_NATIVE (popover), &popover_x, &popover_y);
      x = gdk_popup_get_position_x (GDK_POPUP (surface)) + popover_x - window_x;
      y = gdk_popup_get_position_y (GDK_POPUP (surface)) + popover_y - window_y;
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
      snapshot_widget (popover, snapshot);
      gtk_snapshot_restore (snapshot);
    }

  save_snapshot (window, snapshot, name);
}

/**
 * cfai_ui_test_find_label:
 * @root: where to look
 * @text: the exact text shown
 *
 * Returns: (nullable) (transfer none): a mapped label under @root that
 *   shows @text, so a test checks what the user actually sees
 */
GtkWidget *
cfai_ui_test_find_label (GtkWidget  *root,
                         const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = cfai_ui_test_find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
label_matches (const char *mnemonic_label,
               const char *wanted)
{
  g_autoptr(GString) plain = NULL;

  if (mnemonic_label == NULL)
    return FALSE;

  plain = g_string_new (mnemonic_label);
  g_string_replace (plain, "_", "", 0);
  return g_str_equal (plain->str, wanted);
}

/**
 * cfai_ui_test_find_button:
 * @root: where to look
 * @label: the button's text without the mnemonic underline
 *
 * Returns: (nullable) (transfer none): a mapped button under @root
 */
GtkWidget *
cfai_ui_test_find_button (GtkWidget  *root,
                          const char *label)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_get_mapped (root))
    {
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (root));

      if (label_matches (gtk_button_get_label (GTK_BUTTON (root)), label) ||
          (GTK_IS_LABEL (child) && label_matches (gtk_label_get_label (GTK_LABEL (child)), label)))
        return root;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = cfai_ui_test_find_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

void
cfai_ui_test_type (GtkWidget  *editable,
                   const char *text)
{
  g_assert_true (GTK_IS_EDITABLE (editable));

  gtk_editable_set_text (GTK_EDITABLE (editable), text);

  /* What follows typing before anyone looks: widgets may act on a change
   * from an idle callback. */
  for (guint i = 0; i < 100 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

static void
count_click (GtkButton *button,
             guint     *clicks)
{
  (*clicks)++;
}

static gboolean
was_clicked (gpointer data)
{
  return *(guint *) data > 0;
}

/**
 * cfai_ui_test_press_enter:
 * @editable: an entry or entry row
 * @default_button: the button Enter should activate
 *
 * What pressing Enter does: the innermost text widget is activated, and
 * it activates the window's default widget when it is set to.  A button
 * activated that way emits "clicked" only after showing itself pressed,
 * so this waits for the click (and fails when none comes).
 */
void
cfai_ui_test_press_enter (GtkWidget *editable,
                          GtkWidget *default_button)
{
  GtkEditable *inner = GTK_EDITABLE (editable);
  guint clicks = 0;
  gulong handler;

  while (gtk_editable_get_delegate (inner) != NULL)
    inner = gtk_editable_get_delegate (inner);
  g_assert_true (GTK_IS_TEXT (inner));

  handler = g_signal_connect (default_button, "clicked", G_CALLBACK (count_click), &clicks);
  g_signal_emit_by_name (inner, "activate");
  g_assert_true (cfai_ui_test_wait_until (was_clicked, &clicks, 5000));
  g_signal_handler_disconnect (default_button, handler);
}

/* A click as the user makes it.  gtk_widget_activate() would not do:
 * buttons show a pressed state first and emit "clicked" a moment later. */
void
cfai_ui_test_click (GtkWidget *button)
{
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_is_sensitive (button));

  g_signal_emit_by_name (button, "clicked");
}

/* Scrolls the page @widget is on so that it is in view, for screenshots;
 * with @to_end, all the way down instead. */
void
cfai_ui_test_scroll_to (GtkWidget *widget,
                        gboolean   to_end)
{
  GtkWidget *viewport = gtk_widget_get_ancestor (widget, GTK_TYPE_VIEWPORT);

  g_assert_nonnull (viewport);
  if (to_end)
    {
      GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (viewport));

      /* The end is known once rows just added have been laid out. */
      cfai_ui_test_settle (150);

      gtk_adjustment_set_value (adjustment,
                                gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
    }
  else
    {
      gtk_viewport_scroll_to (GTK_VIEWPORT (viewport), widget, NULL);
    }
  cfai_ui_test_settle (100);
}
