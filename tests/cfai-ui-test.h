/* cfai-ui-test.h — helpers for tests that drive real widgets under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef gboolean (*CfaiUiTestCondition) (gpointer data);

/* Conditions for cfai_ui_test_wait_until(); data is the widget (or, for
 * pointer_is_cleared, the address of a weak pointer). */
gboolean   cfai_ui_test_widget_is_drawn       (gpointer data);
gboolean   cfai_ui_test_widget_is_mapped      (gpointer data);
gboolean   cfai_ui_test_widget_is_visible     (gpointer data);
gboolean   cfai_ui_test_widget_is_hidden      (gpointer data);
gboolean   cfai_ui_test_widget_has_focus      (gpointer data);
gboolean   cfai_ui_test_pointer_is_cleared    (gpointer data);

void       cfai_ui_test_init             (void);
GTestDBus *cfai_ui_test_private_bus_up   (void);
gboolean   cfai_ui_test_wait_until       (CfaiUiTestCondition  condition,
                                          gpointer             data,
                                          guint                timeout_ms);
void       cfai_ui_test_close_windows    (GtkApplication      *app);
void       cfai_ui_test_settle           (guint                ms);
void       cfai_ui_test_save_screenshot  (GtkWidget           *widget,
                                          const char          *name);
void       cfai_ui_test_save_screenshot_with_popover
                                         (GtkWidget           *window,
                                          GtkWidget           *popover,
                                          const char          *name);
const char *cfai_ui_test_get_text        (GtkWidget           *widget);
char      *cfai_ui_test_read_clipboard   (GtkWidget           *widget);
GtkWidget *cfai_ui_test_find_label       (GtkWidget           *root,
                                          const char          *text);
GtkWidget *cfai_ui_test_find_button      (GtkWidget           *root,
                                          const char          *label);
void       cfai_ui_test_type             (GtkWidget           *editable,
                                          const char          *text);
void       cfai_ui_test_press_key_in     (GtkWidget           *editable,
                                          guint                keyval);
void       cfai_ui_test_press_enter      (GtkWidget           *editable,
                                          GtkWidget           *default_button);
void       cfai_ui_test_press_key        (GtkWidget           *widget,
                                          guint                keyval,
                                          GdkModifierType      modifiers);
void       cfai_ui_test_type_keys        (GtkWidget           *widget,
                                          const char          *text);
void       cfai_ui_test_type_keys_in     (GtkWidget           *editable,
                                          const char          *text);
void       cfai_ui_test_click            (GtkWidget           *button);
void       cfai_ui_test_click_at         (GtkWidget           *widget,
                                          double               x,
                                          double               y,
                                          guint                n_press);
void       cfai_ui_test_drag             (GtkWidget           *widget,
                                          double               from_x,
                                          double               from_y,
                                          double               to_x,
                                          double               to_y);
void       cfai_ui_test_scroll_to        (GtkWidget           *widget,
                                          gboolean             to_end);

G_END_DECLS
