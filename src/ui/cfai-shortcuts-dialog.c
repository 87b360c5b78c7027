/* cfai-shortcuts-dialog.c — lists every accelerator of the application
 *
 * GtkShortcutsWindow is deprecated in GTK 4.18 and AdwShortcutsDialog only
 * arrives with libadwaita 1.8, so this is a small dialog of our own.  Its rows
 * come from the application's shortcut table, the same one that installs the
 * accelerators, so the list is complete by construction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-application.h"
#include "cfai-shortcuts-dialog.h"

struct _CfaiShortcutsDialog
{
  AdwDialog           parent_instance;

  AdwPreferencesPage *page;
};

G_DEFINE_FINAL_TYPE (CfaiShortcutsDialog, cfai_shortcuts_dialog, ADW_TYPE_DIALOG)

static GtkWidget *
create_row (const CfaiShortcutEntry *entry)
{
  g_autofree char *accels = g_strjoinv (" ", (char **) entry->accels);
  g_autofree char *spoken = NULL;
  GtkWidget *row;
  GtkWidget *label;
  guint key;
  GdkModifierType mods;

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(entry->title));

  label = gtk_shortcut_label_new (accels);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

  /* Screen readers get the keys as words ("Ctrl+Q"), not as key caps. */
  if (gtk_accelerator_parse (entry->accels[0], &key, &mods))
    spoken = gtk_accelerator_get_label (key, mods);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, spoken ? spoken : accels,
                                  -1);
  return row;
}

static void
cfai_shortcuts_dialog_populate (CfaiShortcutsDialog *self)
{
  const CfaiShortcutEntry *entries;
  AdwPreferencesGroup *group = NULL;
  const char *section = NULL;
  gsize n_entries;

  entries = cfai_application_get_shortcuts (&n_entries);

  /* The table is ordered by section, so a new group starts whenever the
   * section name changes. */
  for (gsize i = 0; i < n_entries; i++)
    {
      if (section == NULL || g_strcmp0 (section, entries[i].section) != 0)
        {
          section = entries[i].section;
          group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
          adw_preferences_group_set_title (group, _(section));
          adw_preferences_page_add (self->page, group);
        }
      adw_preferences_group_add (group, create_row (&entries[i]));
    }
}

static void
cfai_shortcuts_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_SHORTCUTS_DIALOG);

  G_OBJECT_CLASS (cfai_shortcuts_dialog_parent_class)->dispose (object);
}

static void
cfai_shortcuts_dialog_class_init (CfaiShortcutsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_shortcuts_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/cfai-shortcuts-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiShortcutsDialog, page);
}

static void
cfai_shortcuts_dialog_init (CfaiShortcutsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  cfai_shortcuts_dialog_populate (self);
}

CfaiShortcutsDialog *
cfai_shortcuts_dialog_new (void)
{
  return g_object_new (CFAI_TYPE_SHORTCUTS_DIALOG, NULL);
}
