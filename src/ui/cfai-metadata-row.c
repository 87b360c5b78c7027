/* cfai-metadata-row.c — one name/value pair of AI Gateway metadata
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The row only edits and reports; the list it belongs to decides what is
 * valid (names must be unique across rows) and marks errors on it.
 */
#include "config.h"

#include "cfai-metadata-row.h"

struct _CfaiMetadataRow
{
  AdwPreferencesRow  parent_instance;

  GtkEntry          *name_entry;
  GtkEntry          *value_entry;
  gboolean           has_error;
};

G_DEFINE_FINAL_TYPE (CfaiMetadataRow, cfai_metadata_row, ADW_TYPE_PREFERENCES_ROW)

enum {
  PROP_0,
  PROP_NAME,
  PROP_VALUE,
  N_PROPS
};

enum {
  SIGNAL_REMOVE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_REMOVE], 0);
}

static void
on_name_changed (CfaiMetadataRow *self,
                 GtkEditable     *entry)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

static void
on_value_changed (CfaiMetadataRow *self,
                  GtkEditable     *entry)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
}

static void
cfai_metadata_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_METADATA_ROW);

  G_OBJECT_CLASS (cfai_metadata_row_parent_class)->dispose (object);
}

static void
cfai_metadata_row_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CfaiMetadataRow *self = CFAI_METADATA_ROW (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, cfai_metadata_row_get_name (self));
      break;

    case PROP_VALUE:
      g_value_set_string (value, cfai_metadata_row_get_value (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_metadata_row_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CfaiMetadataRow *self = CFAI_METADATA_ROW (object);

  switch (prop_id)
    {
    case PROP_NAME:
      cfai_metadata_row_set_name (self, g_value_get_string (value));
      break;

    case PROP_VALUE:
      cfai_metadata_row_set_value (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_metadata_row_class_init (CfaiMetadataRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_metadata_row_dispose;
  object_class->get_property = cfai_metadata_row_get_property;
  object_class->set_property = cfai_metadata_row_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VALUE] =
    g_param_spec_string ("value", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CfaiMetadataRow::remove:
   *
   * The user asked to remove this entry.
   */
  signals[SIGNAL_REMOVE] =
    g_signal_new ("remove",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-metadata-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiMetadataRow, name_entry);
  gtk_widget_class_bind_template_child (widget_class, CfaiMetadataRow, value_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_value_changed);

  gtk_widget_class_install_action (widget_class, "metadata-row.remove", NULL, remove_action);
}

static void
cfai_metadata_row_init (CfaiMetadataRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CfaiMetadataRow *
cfai_metadata_row_new (const char *name,
                       const char *value)
{
  return g_object_new (CFAI_TYPE_METADATA_ROW,
                       "name", name,
                       "value", value,
                       NULL);
}

const char *
cfai_metadata_row_get_name (CfaiMetadataRow *self)
{
  g_return_val_if_fail (CFAI_IS_METADATA_ROW (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->name_entry));
}

void
cfai_metadata_row_set_name (CfaiMetadataRow *self,
                            const char      *name)
{
  g_return_if_fail (CFAI_IS_METADATA_ROW (self));

  if (g_strcmp0 (name ? name : "", cfai_metadata_row_get_name (self)) == 0)
    return;

  /* The entry's "changed" handler notifies. */
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), name ? name : "");
}

const char *
cfai_metadata_row_get_value (CfaiMetadataRow *self)
{
  g_return_val_if_fail (CFAI_IS_METADATA_ROW (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->value_entry));
}

void
cfai_metadata_row_set_value (CfaiMetadataRow *self,
                             const char      *value)
{
  g_return_if_fail (CFAI_IS_METADATA_ROW (self));

  if (g_strcmp0 (value ? value : "", cfai_metadata_row_get_value (self)) == 0)
    return;

  gtk_editable_set_text (GTK_EDITABLE (self->value_entry), value ? value : "");
}

/**
 * cfai_metadata_row_set_name_error:
 * @self: a #CfaiMetadataRow
 * @message: (nullable): what is wrong with the name, or %NULL when nothing is
 *
 * Marks the name entry, and tells screen readers why.
 */
void
cfai_metadata_row_set_name_error (CfaiMetadataRow *self,
                                  const char      *message)
{
  g_return_if_fail (CFAI_IS_METADATA_ROW (self));

  self->has_error = message != NULL;

  if (message != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->name_entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_entry), message);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->name_entry),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                      -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->name_entry),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->name_entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_entry), NULL);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->name_entry),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->name_entry),
                                  GTK_ACCESSIBLE_STATE_INVALID);
    }
}

gboolean
cfai_metadata_row_get_has_error (CfaiMetadataRow *self)
{
  g_return_val_if_fail (CFAI_IS_METADATA_ROW (self), FALSE);

  return self->has_error;
}

void
cfai_metadata_row_focus_name (CfaiMetadataRow *self)
{
  g_return_if_fail (CFAI_IS_METADATA_ROW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}
