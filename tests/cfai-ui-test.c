/* cfai-ui-test.c — helpers for tests that drive real widgets under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gdk/x11/gdkx.h>
#include <X11/Xlib.h>
#include <X11/XKBlib.h>
#include <X11/extensions/XTest.h>

#include "cfai-text-block.h"
#include "cfai-ui-test.h"

/* A widget is drawn once it is mapped and has been given a size. */
gboolean
cfai_ui_test_widget_is_drawn (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

gboolean
cfai_ui_test_widget_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

gboolean
cfai_ui_test_widget_is_visible (gpointer data)
{
  return gtk_widget_get_visible (data);
}

gboolean
cfai_ui_test_widget_is_hidden (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

gboolean
cfai_ui_test_widget_has_focus (gpointer data)
{
  return gtk_widget_has_focus (data);
}

gboolean
cfai_ui_test_pointer_is_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* GTK 4.24 on X11 warns "gdk_frame_timings_submitted() called on submitted
 * frame" whenever a popover is shown (a bare GtkMenuButton popover in a
 * bare window does it; 4.18 does not).  With G_DEBUG=fatal-warnings that
 * would end every test that opens one, so that one message, from GDK and
 * on GTK 4.24 or later, is logged as a test comment instead.  Every other
 * warning stays fatal. */
static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].length < 0)
        domain = fields[i].value;
      else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
        message = fields[i].value;
    }

  if ((level & G_LOG_LEVEL_WARNING) != 0 &&
      gtk_check_version (4, 24, 0) == NULL &&
      g_strcmp0 (domain, "Gdk") == 0 &&
      g_strcmp0 (message, "gdk_frame_timings_submitted() called on submitted frame.") == 0)
    {
      g_test_message ("known GTK 4.24 warning, not fatal here: %s", message);
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (level, fields, n_fields, user_data);
}

/**
 * cfai_ui_test_init:
 *
 * What every UI test program needs after g_test_init(): see log_writer().
 */
void
cfai_ui_test_init (void)
{
  g_log_set_writer_func (log_writer, NULL, NULL);
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

/* Draws @widget and, when it is open, @popover on top where it is on
 * screen.  A popup's position is in its parent surface's coordinates,
 * and each native's widget sits inside its surface at an offset (room
 * for shadows), so both offsets are taken out. */
static GskRenderNode *
draw (GtkWidget *widget,
      GtkWidget *popover)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  snapshot_widget (widget, snapshot);

  if (popover != NULL && gtk_widget_get_mapped (popover))
    {
      GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (popover));
      double window_x, window_y, popover_x, popover_y;
      double x, y;

      gtk_native_get_surface_transform (GTK_NATIVE (widget), &window_x, &window_y);
      gtk_native_get_surface_transform (GTK_NATIVE (popover), &popover_x, &popover_y);
      x = gdk_popup_get_position_x (GDK_POPUP (surface)) + popover_x - window_x;
      y = gdk_popup_get_position_y (GDK_POPUP (surface)) + popover_y - window_y;
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
      snapshot_widget (popover, snapshot);
      gtk_snapshot_restore (snapshot);
    }

  return gtk_snapshot_free_to_node (snapshot);
}

/* Renders @widget (and @popover) with @widget's renderer, cut to
 * @widget's size, into a PNG in the build directory.  Pending layout and
 * drawing happen first: a widget waiting for its next allocation has
 * nothing to paint yet, and on a slow machine that can take a while. */
static void
save_png (GtkWidget  *widget,
          GtkWidget  *popover,
          const char *name)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  int width;
  int height;

  do
    {
      g_clear_pointer (&node, gsk_render_node_unref);
      cfai_ui_test_settle (150);
      node = draw (widget, popover);
    }
  while (node == NULL && g_get_monotonic_time () < deadline);
  g_assert_nonnull (node);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
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
  save_png (widget, NULL, name);
}

/**
 * cfai_ui_test_save_screenshot_with_popover:
 * @window: a toplevel window
 * @popover: a popover in @window, open or not
 * @name: the PNG's file name in the build directory
 *
 * A popover is a surface of its own, so a screenshot of its window alone
 * leaves it out.  This draws @window and, when it is open, @popover on
 * top, as the user sees them.
 */
void
cfai_ui_test_save_screenshot_with_popover (GtkWidget  *window,
                                           GtkWidget  *popover,
                                           const char *name)
{
  g_assert_true (GTK_IS_NATIVE (window));
  g_assert_true (GTK_IS_POPOVER (popover));

  save_png (window, popover, name);
}

/**
 * cfai_ui_test_get_text:
 * @widget: a widget
 *
 * Returns: (nullable): the text @widget shows if it is a label or one of
 *   an answer's text blocks, else %NULL
 */
const char *
cfai_ui_test_get_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (CFAI_IS_TEXT_BLOCK (widget))
    return cfai_text_block_get_text (CFAI_TEXT_BLOCK (widget));
  return NULL;
}

typedef struct
{
  char     *text;
  gboolean  done;
} ClipboardRead;

static void
clipboard_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  ClipboardRead *read = data;
  g_autoptr(GError) error = NULL;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static gboolean
clipboard_was_read (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

/**
 * cfai_ui_test_read_clipboard:
 * @widget: a widget on the display whose clipboard to read
 *
 * Returns: (transfer full): the clipboard's text, read the way a paste
 *   reads it
 */
char *
cfai_ui_test_read_clipboard (GtkWidget *widget)
{
  ClipboardRead read = { NULL, FALSE };

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, clipboard_read_cb, &read);
  g_assert_true (cfai_ui_test_wait_until (clipboard_was_read, &read, 15000));
  return read.text;
}

/**
 * cfai_ui_test_find_label:
 * @root: where to look
 * @text: the exact text shown
 *
 * Returns: (nullable) (transfer none): a mapped label or text block
 *   under @root that shows @text, so a test checks what the user
 *   actually sees
 */
GtkWidget *
cfai_ui_test_find_label (GtkWidget  *root,
                         const char *text)
{
  if (gtk_widget_get_mapped (root) && g_strcmp0 (cfai_ui_test_get_text (root), text) == 0)
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

/* The text widget inside an entry or entry row, with the focus in it. */
static GtkWidget *
focus_text (GtkWidget *editable)
{
  GtkEditable *inner = GTK_EDITABLE (editable);

  while (gtk_editable_get_delegate (inner) != NULL)
    inner = gtk_editable_get_delegate (inner);
  g_assert_true (GTK_IS_TEXT (inner));

  if (!gtk_widget_has_focus (GTK_WIDGET (inner)))
    g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (inner)));
  return GTK_WIDGET (inner);
}

/**
 * cfai_ui_test_press_key_in:
 * @editable: an entry or entry row
 * @keyval: the key to press
 *
 * Puts the cursor in @editable, as a click would, and presses @keyval
 * there (see cfai_ui_test_press_key()).
 */
void
cfai_ui_test_press_key_in (GtkWidget *editable,
                           guint      keyval)
{
  cfai_ui_test_press_key (focus_text (editable), keyval, 0);
}

/**
 * cfai_ui_test_press_enter:
 * @editable: an entry or entry row
 * @default_button: the button Enter should activate
 *
 * Puts the cursor in @editable and presses a real Enter key there (see
 * cfai_ui_test_press_key()).  A button activated that way emits "clicked"
 * only after showing itself pressed, so this waits for the click (and
 * fails when none comes).
 */
void
cfai_ui_test_press_enter (GtkWidget *editable,
                          GtkWidget *default_button)
{
  guint clicks = 0;
  gulong handler;

  handler = g_signal_connect (default_button, "clicked", G_CALLBACK (count_click), &clicks);
  cfai_ui_test_press_key_in (editable, GDK_KEY_Return);
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

typedef struct
{
  guint      keyval;
  guint      pressed;
  guint      released;
  GtkWidget *target;
  GtkWidget *native;
} KeyWatch;

static void
count_key (KeyWatch *watch,
           guint     keyval,
           guint    *counter)
{
  if (gdk_keyval_to_lower (keyval) == gdk_keyval_to_lower (watch->keyval))
    (*counter)++;
}

static gboolean
count_press (GtkEventControllerKey *controller,
             guint                  keyval,
             guint                  keycode,
             GdkModifierType        state,
             KeyWatch              *watch)
{
  count_key (watch, keyval, &watch->pressed);
  return GDK_EVENT_PROPAGATE;
}

static void
count_release (GtkEventControllerKey *controller,
               guint                  keyval,
               guint                  keycode,
               GdkModifierType        state,
               KeyWatch              *watch)
{
  count_key (watch, keyval, &watch->released);
}

/* Done when the release arrived, or when the key closed the popover,
 * dialog or window it was meant for (the release then goes elsewhere). */
static gboolean
key_went_through (gpointer data)
{
  KeyWatch *watch = data;

  GtkWidget *focus;

  if (watch->released > 0 || watch->target == NULL || watch->native == NULL)
    return TRUE;
  if (watch->pressed == 0)
    return FALSE;
  if (!gtk_widget_get_mapped (watch->target) || !gtk_widget_get_mapped (watch->native))
    return TRUE;

  /* The key opened a popover (a combo row's list): the release goes to
   * the popover, which has the focus now. */
  focus = gtk_root_get_focus (gtk_widget_get_root (watch->target));
  return focus != NULL && GTK_WIDGET (gtk_widget_get_native (focus)) != watch->native;
}

static GtkEventController *
watch_keys (GtkWidget *widget,
            KeyWatch  *watch)
{
  GtkEventController *watcher = gtk_event_controller_key_new ();

  gtk_event_controller_set_propagation_phase (watcher, GTK_PHASE_CAPTURE);
  g_signal_connect (watcher, "key-pressed", G_CALLBACK (count_press), watch);
  g_signal_connect (watcher, "key-released", G_CALLBACK (count_release), watch);
  gtk_widget_add_controller (widget, watcher);
  return watcher;
}

/* @data is the widget a key is for, or its window for whatever has the
 * focus there; the focus is read each time, as it may move meanwhile. */
static gboolean
key_target_is_shown (gpointer data)
{
  GtkWidget *widget = data;
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (widget == GTK_WIDGET (root) && focus != NULL)
    widget = focus;

  return gtk_widget_get_mapped (widget);
}

static gboolean
window_is_active (gpointer data)
{
  return gtk_window_is_active (GTK_WINDOW (data));
}

/* A connection of our own, kept for the whole run: GDK's Xlib
 * accessors are deprecated, and the server delivers XTEST input to
 * whoever has the focus (or is under the pointer) anyway. */
static Display *
test_xdisplay (GdkDisplay *display)
{
  static Display *xdisplay;

  if (xdisplay == NULL)
    xdisplay = XOpenDisplay (gdk_display_get_name (display));
  g_assert_nonnull (xdisplay);
  return xdisplay;
}

static void
fake_key (Display *xdisplay,
          guint    keysym,
          gboolean press)
{
  KeyCode code = XKeysymToKeycode (xdisplay, keysym);

  g_assert_cmpuint (code, !=, 0);
  XTestFakeKeyEvent (xdisplay, code, press, CurrentTime);
}

/* "?" is Shift+slash on the test keymap: a person holds Shift for it. */
static gboolean
needs_shift (Display *xdisplay,
             guint    keysym)
{
  KeyCode code = XKeysymToKeycode (xdisplay, keysym);

  return code != 0 &&
         XkbKeycodeToKeysym (xdisplay, code, 0, 0) != keysym &&
         XkbKeycodeToKeysym (xdisplay, code, 0, 1) == keysym;
}

/**
 * cfai_ui_test_press_key:
 * @widget: the widget that must have the keyboard focus
 * @keyval: a GDK key value, such as GDK_KEY_Down
 * @modifiers: GDK_SHIFT_MASK and/or GDK_CONTROL_MASK, or 0
 *
 * Presses and releases a key through the X server (XTEST), so the event
 * takes the whole way a real key press takes: X, GDK, the focus widget's
 * controllers, shortcuts and key bindings.  GTK 4 has no public API to
 * synthesise key events, and emitting a controller's signal would skip
 * exactly the part that breaks when a focus or binding is wrong.
 * Returns once the key went all the way through.
 */
void
cfai_ui_test_press_key (GtkWidget       *widget,
                        guint            keyval,
                        GdkModifierType  modifiers)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkEventController *target_watcher;
  GtkEventController *root_watcher;
  GtkWidget *watched_root;
  KeyWatch watch = { keyval, 0, 0, NULL, NULL };
  Display *xdisplay;
  GtkWidget *focus;

  g_assert_true (GDK_IS_X11_DISPLAY (display));
  g_assert_true (GTK_IS_WINDOW (root));
  g_assert_true (cfai_ui_test_wait_until (window_is_active, root, 5000));

  /* Focus can be inside what is not on screen yet: an AdwDialog moves it
   * into its content as soon as it is mapped, but shows that content
   * (its sheet) a frame or more later, and until then GTK drops key
   * events at the unrealized sheet.  A person cannot type that fast; a
   * test can, so it waits for the key's target to be shown. */
  g_assert_true (cfai_ui_test_wait_until (key_target_is_shown, widget, 5000));

  /* A window takes keys wherever its focus is; a widget must have it. */
  focus = gtk_root_get_focus (root);
  g_assert_true (widget == GTK_WIDGET (root) || focus == widget ||
                 (focus != NULL && gtk_widget_is_ancestor (focus, widget)));

  /* Watch where the key goes in: a dialog's grab starts propagation
   * below the window, so the window may never see it.  And watch the
   * window: its shortcuts take a key before the focus widget sees it. */
  watch.target = (widget == GTK_WIDGET (root) && focus != NULL) ? focus : widget;
  watch.native = GTK_WIDGET (gtk_widget_get_native (watch.target));
  watched_root = GTK_WIDGET (root);
  g_object_add_weak_pointer (G_OBJECT (watch.target), (gpointer *) &watch.target);
  g_object_add_weak_pointer (G_OBJECT (watch.native), (gpointer *) &watch.native);
  g_object_add_weak_pointer (G_OBJECT (watched_root), (gpointer *) &watched_root);
  target_watcher = watch_keys (watch.target, &watch);
  root_watcher = watch_keys (watched_root, &watch);

  xdisplay = test_xdisplay (display);

  if (needs_shift (xdisplay, keyval))
    modifiers |= GDK_SHIFT_MASK;
  if (modifiers & GDK_CONTROL_MASK)
    fake_key (xdisplay, GDK_KEY_Control_L, TRUE);
  if (modifiers & GDK_SHIFT_MASK)
    fake_key (xdisplay, GDK_KEY_Shift_L, TRUE);
  fake_key (xdisplay, keyval, TRUE);
  fake_key (xdisplay, keyval, FALSE);
  if (modifiers & GDK_SHIFT_MASK)
    fake_key (xdisplay, GDK_KEY_Shift_L, FALSE);
  if (modifiers & GDK_CONTROL_MASK)
    fake_key (xdisplay, GDK_KEY_Control_L, FALSE);
  XFlush (xdisplay);

  if (!cfai_ui_test_wait_until (key_went_through, &watch, 5000))
    g_error ("%s never reached %s (%u presses, %u releases seen)", gdk_keyval_name (keyval),
             watch.target != NULL ? G_OBJECT_TYPE_NAME (watch.target) : "its widget",
             watch.pressed, watch.released);

  /* The key may have closed the widget's window, and its controllers
   * with it. */
  if (watch.target != NULL)
    {
      gtk_widget_remove_controller (watch.target, target_watcher);
      g_object_remove_weak_pointer (G_OBJECT (watch.target), (gpointer *) &watch.target);
    }
  if (watch.native != NULL)
    g_object_remove_weak_pointer (G_OBJECT (watch.native), (gpointer *) &watch.native);
  if (watched_root != NULL)
    {
      gtk_widget_remove_controller (watched_root, root_watcher);
      g_object_remove_weak_pointer (G_OBJECT (watched_root), (gpointer *) &watched_root);
    }
}

/**
 * cfai_ui_test_type_keys:
 * @widget: the widget that must have the keyboard focus
 * @text: printable ASCII
 *
 * Types @text key by key through the X server, as a person would
 * (holding Shift where the keymap needs it).
 */
void
cfai_ui_test_type_keys (GtkWidget  *widget,
                        const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      g_assert_true (g_ascii_isprint (*p));
      cfai_ui_test_press_key (widget, gdk_unicode_to_keyval ((guchar) *p), 0);
    }
}

/**
 * cfai_ui_test_type_keys_in:
 * @editable: an entry or entry row
 * @text: printable ASCII
 *
 * Clicks into @editable, clears it and types @text key by key.
 */
void
cfai_ui_test_type_keys_in (GtkWidget  *editable,
                           const char *text)
{
  GtkWidget *inner = focus_text (editable);

  gtk_editable_set_text (GTK_EDITABLE (inner), "");
  cfai_ui_test_type_keys (inner, text);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editable)), ==, text);
}

/* Destroys every window of @app, as closing them all would. */
void
cfai_ui_test_close_windows (GtkApplication *app)
{
  GList *windows;

  while ((windows = gtk_application_get_windows (app)) != NULL)
    gtk_window_destroy (windows->data);
}

/* ------------------------------------------------------------------ */
/* The pointer                                                        */
/* ------------------------------------------------------------------ */

typedef struct
{
  guint pressed;
  guint released;
} ButtonWatch;

static gboolean
count_button (GtkEventControllerLegacy *controller,
              GdkEvent                 *event,
              ButtonWatch              *watch)
{
  if (gdk_event_get_event_type (event) == GDK_BUTTON_PRESS)
    watch->pressed++;
  else if (gdk_event_get_event_type (event) == GDK_BUTTON_RELEASE)
    watch->released++;
  return GDK_EVENT_PROPAGATE;
}

typedef struct
{
  ButtonWatch *watch;
  guint        n;
} ButtonWait;

static gboolean
buttons_went_through (gpointer data)
{
  ButtonWait *wait = data;

  return wait->watch->released >= wait->n;
}

/* Moves the pointer over (@x, @y) of @widget, through XTEST.  Where the
 * window is on the X screen is found without GDK's deprecated Xlib
 * accessors: with the pointer at the screen's corner, the surface's
 * idea of where the pointer is gives the window's place. */
static void
move_pointer (Display   *xdisplay,
              GtkWidget *widget,
              double     x,
              double     y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);
  GdkDevice *pointer = gdk_seat_get_pointer (gdk_display_get_default_seat (gtk_widget_get_display (widget)));
  graphene_point_t point;
  double surface_x, surface_y, corner_x, corner_y;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (x, y), &point));
  gtk_native_get_surface_transform (native, &surface_x, &surface_y);
  XTestFakeMotionEvent (xdisplay, -1, 0, 0, CurrentTime);
  XSync (xdisplay, False);
  /* FALSE when the corner is outside the window; the position is
   * given all the same. */
  (void) gdk_surface_get_device_position (surface, pointer, &corner_x, &corner_y, NULL);
  XTestFakeMotionEvent (xdisplay, -1,
                        (int) (point.x + surface_x - corner_x),
                        (int) (point.y + surface_y - corner_y),
                        CurrentTime);
  XSync (xdisplay, False);
}

/* Presses, moves and releases the primary button as @n_press clicks at
 * (@x, @y), or one drag to (@to_x, @to_y), then waits until the window
 * has seen every release. */
static void
pointer_gesture (GtkWidget *widget,
                 double     x,
                 double     y,
                 double     to_x,
                 double     to_y,
                 guint      n_press)
{
  Display *xdisplay = test_xdisplay (gtk_widget_get_display (widget));
  GtkWidget *native = GTK_WIDGET (gtk_widget_get_native (widget));
  GtkEventController *watcher = gtk_event_controller_legacy_new ();
  ButtonWatch watch = { 0, 0 };
  ButtonWait wait = { &watch, n_press };

  g_assert_true (gtk_widget_get_mapped (widget));
  gtk_event_controller_set_propagation_phase (watcher, GTK_PHASE_CAPTURE);
  g_signal_connect (watcher, "event", G_CALLBACK (count_button), &watch);
  gtk_widget_add_controller (native, watcher);

  move_pointer (xdisplay, widget, x, y);
  for (guint i = 0; i < n_press; i++)
    {
      XTestFakeButtonEvent (xdisplay, 1, True, CurrentTime);
      if (i == n_press - 1 && (to_x != x || to_y != y))
        for (guint step = 1; step <= 4; step++)
          move_pointer (xdisplay, widget, x + (to_x - x) * step / 4, y + (to_y - y) * step / 4);
      XTestFakeButtonEvent (xdisplay, 1, False, CurrentTime);
    }
  XFlush (xdisplay);

  if (!cfai_ui_test_wait_until (buttons_went_through, &wait, 5000))
    g_error ("%u clicks on %s: the window saw %u presses, %u releases", n_press,
             G_OBJECT_TYPE_NAME (widget), watch.pressed, watch.released);
  gtk_widget_remove_controller (native, watcher);
}

/**
 * cfai_ui_test_click_at:
 * @widget: a mapped widget
 * @x: where, in @widget's coordinates
 * @y: where, in @widget's coordinates
 * @n_press: 1 for a click, 2 for a double click, 3 for a triple one
 *
 * Clicks the primary button through the X server, the way a person does.
 */
void
cfai_ui_test_click_at (GtkWidget *widget,
                       double     x,
                       double     y,
                       guint      n_press)
{
  pointer_gesture (widget, x, y, x, y, n_press);
}

/**
 * cfai_ui_test_drag:
 * @widget: a mapped widget
 *
 * Presses the primary button at (@from_x, @from_y) of @widget, moves
 * to (@to_x, @to_y) and lets go, through the X server.
 */
void
cfai_ui_test_drag (GtkWidget *widget,
                   double     from_x,
                   double     from_y,
                   double     to_x,
                   double     to_y)
{
  pointer_gesture (widget, from_x, from_y, to_x, to_y, 1);
}
