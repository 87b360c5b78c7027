/* cfai-model-picker.c — a button that opens a searchable list of models
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The button names the chosen model; its popover (see
 * cfai-model-picker-popover.c) lists the catalog for one task.
 *
 * A chosen model can disappear from the catalog when Cloudflare retires
 * it.  The picker then keeps showing it, marked, and offers the
 * replacement the catalog suggests, rather than silently switching.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-application.h"
#include "cfai-model-picker-private.h"
#include "cfai-model-row.h"

G_DEFINE_FINAL_TYPE (CfaiModelPicker, cfai_model_picker, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CATALOG,
  PROP_TASK,
  PROP_SELECTED_MODEL_ID,
  PROP_SELECTED_MODEL,
  PROP_RETIRED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_button (CfaiModelPicker *self,
               gboolean         deprecated,
               const char      *name)
{
  g_autofree char *tooltip = NULL;
  g_autofree char *label = NULL;
  const char *state = NULL;

  if (name == NULL)
    {
      gtk_label_set_label (self->button_label, _("Choose Model"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), _("Choose a model"));
      gtk_widget_set_visible (GTK_WIDGET (self->button_warning), FALSE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Choose a model"),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "",
                                      -1);
      return;
    }

  if (self->retired)
    {
      state = _("Retired");
      /* Translators: %s is a model name */
      tooltip = g_strdup_printf (_("%s was retired: choose another model"), name);
    }
  else if (deprecated)
    {
      state = _("Deprecated");
      /* Translators: %s is a model name */
      tooltip = g_strdup_printf (_("%s is deprecated: choose another model"), name);
    }
  else
    {
      /* Translators: %s is a model ID such as @cf/openai/gpt-oss-120b */
      tooltip = g_strdup_printf (_("Model: %s"), self->selected_model_id);
    }

  gtk_label_set_label (self->button_label, name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), tooltip);
  gtk_widget_set_visible (GTK_WIDGET (self->button_warning), state != NULL);

  /* Translators: what a screen reader says for the button; %s is a model name */
  label = g_strdup_printf (_("Model: %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, state ? state : "",
                                  -1);
}

static void
update_retired_box (CfaiModelPicker *self,
                    gboolean         deprecated,
                    const char      *name)
{
  g_autofree char *title = NULL;
  g_autofree char *switch_label = NULL;
  g_autofree char *replacement_name = NULL;
  CfaiModel *replacement = NULL;

  gtk_widget_set_visible (self->retired_box, self->retired || deprecated);
  if (!self->retired && !deprecated)
    return;

  if (self->retired)
    {
      /* Translators: %s is a model name */
      title = g_strdup_printf (_("%s was retired"), name);
      gtk_label_set_label (self->retired_body,
                           self->replacement_id != NULL
                           ? _("Workers AI no longer runs this model.")
                           : _("Workers AI no longer runs this model. Choose another one below."));
    }
  else
    {
      /* Translators: %s is a model name */
      title = g_strdup_printf (_("%s is deprecated"), name);
      gtk_label_set_label (self->retired_body,
                           self->replacement_id != NULL
                           ? _("Workers AI will stop running this model.")
                           : _("Workers AI will stop running this model. "
                               "Choose another one below."));
    }
  gtk_label_set_label (self->retired_title, title);

  gtk_widget_set_visible (GTK_WIDGET (self->switch_button), self->replacement_id != NULL);
  if (self->replacement_id == NULL)
    return;

  if (self->catalog != NULL)
    replacement = cfai_model_catalog_lookup (self->catalog, self->replacement_id);
  replacement_name = replacement != NULL
                     ? g_strdup (cfai_model_get_display_name (replacement))
                     : cfai_model_derive_display_name (self->replacement_id);
  /* Translators: %s is a model name */
  switch_label = g_strdup_printf (_("Switch to %s"), replacement_name);
  gtk_button_set_label (self->switch_button, switch_label);
}

/* The built-in list is short: a model missing from it is only called
 * retired when the catalog knows it was. */
static gboolean
is_retired (CfaiModelPicker *self)
{
  if (self->selected_model != NULL ||
      self->selected_model_id == NULL || self->selected_model_id[0] == '\0')
    return FALSE;

  if (cfai_model_catalog_suggest_replacement (self->selected_model_id) != NULL)
    return TRUE;

  return self->catalog != NULL &&
         cfai_model_catalog_get_source (self->catalog) != CFAI_MODEL_CATALOG_SOURCE_BUILTIN;
}

static const char *
find_replacement (CfaiModelPicker *self)
{
  const char *replacement = cfai_model_catalog_suggest_replacement (self->selected_model_id);

  if (replacement == NULL || g_str_equal (replacement, self->selected_model_id))
    return NULL;

  /* Never offer a model that is gone too. */
  if (self->catalog != NULL && cfai_model_catalog_lookup (self->catalog, replacement) == NULL)
    return NULL;

  return replacement;
}

static void
update_selected (CfaiModelPicker *self)
{
  CfaiModel *model = NULL;
  gboolean deprecated = FALSE;
  gboolean retired;
  g_autofree char *name = NULL;

  if (self->catalog != NULL)
    model = cfai_model_catalog_lookup (self->catalog, self->selected_model_id);

  if (g_set_object (&self->selected_model, model))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_MODEL]);

  retired = is_retired (self);
  if (self->retired != retired)
    {
      self->retired = retired;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETIRED]);
    }

  if (model != NULL)
    {
      deprecated = cfai_model_is_deprecated_at (model, NULL);
      name = g_strdup (cfai_model_get_display_name (model));
    }
  else if (self->selected_model_id != NULL && self->selected_model_id[0] != '\0')
    {
      name = cfai_model_derive_display_name (self->selected_model_id);
    }

  self->replacement_id = (retired || deprecated) ? find_replacement (self) : NULL;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "picker.switch-to-replacement",
                                 self->replacement_id != NULL);

  update_button (self, deprecated, name);
  update_retired_box (self, deprecated, name);
}

static void
switch_to_replacement_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  CfaiModelPicker *self = CFAI_MODEL_PICKER (widget);

  if (self->replacement_id == NULL)
    return;

  cfai_model_picker_set_selected_model_id (self, self->replacement_id);
  gtk_popover_popdown (self->popover);
}

/* ------------------------------------------------------------------ */
/* The object                                                         */
/* ------------------------------------------------------------------ */

static void
catalog_items_changed_cb (CfaiModelPicker *self)
{
  update_selected (self);
  _cfai_model_picker_update_footer (self);
}

static void
cfai_model_picker_map (GtkWidget *widget)
{
  CfaiModelPicker *self = CFAI_MODEL_PICKER (widget);

  /* Pickers in templates cannot be handed the catalog before their
   * window has its application; they find the application's then. */
  if (self->catalog == NULL)
    {
      GtkRoot *root = gtk_widget_get_root (widget);
      GtkApplication *app = NULL;

      if (GTK_IS_WINDOW (root))
        app = gtk_window_get_application (GTK_WINDOW (root));

      if (CFAI_IS_APPLICATION (app))
        cfai_model_picker_set_catalog (self, cfai_application_get_catalog (CFAI_APPLICATION (app)));
    }

  GTK_WIDGET_CLASS (cfai_model_picker_parent_class)->map (widget);
}

static void
cfai_model_picker_dispose (GObject *object)
{
  CfaiModelPicker *self = CFAI_MODEL_PICKER (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->catalog_signals != NULL)
    g_signal_group_set_target (self->catalog_signals, NULL);
  g_clear_object (&self->catalog_signals);

  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_MODEL_PICKER);

  g_clear_object (&self->selection);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->filter);
  g_clear_object (&self->selected_model);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (cfai_model_picker_parent_class)->dispose (object);
}

static void
cfai_model_picker_finalize (GObject *object)
{
  CfaiModelPicker *self = CFAI_MODEL_PICKER (object);

  g_clear_pointer (&self->task, g_free);
  g_clear_pointer (&self->selected_model_id, g_free);
  g_clear_pointer (&self->search_text, g_free);
  g_clear_error (&self->refresh_error);

  G_OBJECT_CLASS (cfai_model_picker_parent_class)->finalize (object);
}

static void
cfai_model_picker_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CfaiModelPicker *self = CFAI_MODEL_PICKER (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;

    case PROP_TASK:
      g_value_set_string (value, self->task);
      break;

    case PROP_SELECTED_MODEL_ID:
      g_value_set_string (value, self->selected_model_id);
      break;

    case PROP_SELECTED_MODEL:
      g_value_set_object (value, self->selected_model);
      break;

    case PROP_RETIRED:
      g_value_set_boolean (value, self->retired);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_model_picker_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CfaiModelPicker *self = CFAI_MODEL_PICKER (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      cfai_model_picker_set_catalog (self, g_value_get_object (value));
      break;

    case PROP_TASK:
      cfai_model_picker_set_task (self, g_value_get_string (value));
      break;

    case PROP_SELECTED_MODEL_ID:
      cfai_model_picker_set_selected_model_id (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_model_picker_class_init (CfaiModelPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_model_picker_dispose;
  object_class->finalize = cfai_model_picker_finalize;
  object_class->get_property = cfai_model_picker_get_property;
  object_class->set_property = cfai_model_picker_set_property;
  widget_class->map = cfai_model_picker_map;

  /**
   * CfaiModelPicker:catalog:
   *
   * The models to choose from.  When unset, the picker uses the
   * application's catalog once it is shown in a window of a
   * #CfaiApplication.
   */
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL,
                         CFAI_TYPE_MODEL_CATALOG,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * CfaiModelPicker:task:
   *
   * The task whose models are listed, e.g.
   * %CFAI_MODEL_TASK_TEXT_GENERATION; %NULL lists every model.
   */
  properties[PROP_TASK] =
    g_param_spec_string ("task", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * CfaiModelPicker:selected-model-id:
   *
   * The id of the chosen model.  It may name a model the catalog does
   * not list (see #CfaiModelPicker:retired).
   */
  properties[PROP_SELECTED_MODEL_ID] =
    g_param_spec_string ("selected-model-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * CfaiModelPicker:selected-model:
   *
   * The catalog's entry for #CfaiModelPicker:selected-model-id, or %NULL
   * when the catalog does not list it.
   */
  properties[PROP_SELECTED_MODEL] =
    g_param_spec_object ("selected-model", NULL, NULL,
                         CFAI_TYPE_MODEL,
                         (G_PARAM_READABLE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * CfaiModelPicker:retired:
   *
   * Whether the chosen model was retired: the catalog no longer lists
   * it, or it is known to have been retired.
   */
  properties[PROP_RETIRED] =
    g_param_spec_boolean ("retired", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "picker.switch-to-replacement", NULL,
                                   switch_to_replacement_action);

  g_type_ensure (CFAI_TYPE_MODEL_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/cfai-model-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiModelPicker, button);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelPicker, button_warning);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelPicker, button_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelPicker, popover);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelPicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelPicker, search_keys);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelPicker, retired_box);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelPicker, retired_title);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelPicker, retired_body);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelPicker, switch_button);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelPicker, list_stack);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelPicker, list_view);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelPicker, age_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelPicker, error_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelPicker, spinner);
  _cfai_model_picker_class_init_popover (widget_class);
  gtk_widget_class_set_css_name (widget_class, "cfai-model-picker");
}

static void
cfai_model_picker_init (CfaiModelPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->catalog_signals = g_signal_group_new (CFAI_TYPE_MODEL_CATALOG);
  g_signal_group_connect_swapped (self->catalog_signals, "items-changed",
                                  G_CALLBACK (catalog_items_changed_cb), self);
  g_signal_group_connect_swapped (self->catalog_signals, "notify::is-refreshing",
                                  G_CALLBACK (_cfai_model_picker_update_footer), self);
  g_signal_group_connect_swapped (self->catalog_signals, "notify::fetched-at",
                                  G_CALLBACK (_cfai_model_picker_update_footer), self);
  g_signal_group_connect_swapped (self->catalog_signals, "notify::source",
                                  G_CALLBACK (_cfai_model_picker_update_footer), self);
  _cfai_model_picker_init_popover (self);

  update_selected (self);
  _cfai_model_picker_update_footer (self);
}

/**
 * cfai_model_picker_new:
 * @task: (nullable): the task whose models to list, e.g.
 *   %CFAI_MODEL_TASK_TEXT_TO_IMAGE
 *
 * Returns: (transfer floating): a new #CfaiModelPicker
 */
GtkWidget *
cfai_model_picker_new (const char *task)
{
  return g_object_new (CFAI_TYPE_MODEL_PICKER,
                       "task", task,
                       NULL);
}

/**
 * cfai_model_picker_get_catalog:
 * @self: a #CfaiModelPicker
 *
 * Returns: (transfer none) (nullable): the catalog listed
 */
CfaiModelCatalog *
cfai_model_picker_get_catalog (CfaiModelPicker *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL_PICKER (self), NULL);

  return self->catalog;
}

void
cfai_model_picker_set_catalog (CfaiModelPicker  *self,
                               CfaiModelCatalog *catalog)
{
  g_return_if_fail (CFAI_IS_MODEL_PICKER (self));
  g_return_if_fail (catalog == NULL || CFAI_IS_MODEL_CATALOG (catalog));

  if (self->catalog == catalog)
    return;

  g_set_object (&self->catalog, catalog);
  g_signal_group_set_target (self->catalog_signals, catalog);
  self->tried_refresh = FALSE;
  g_clear_error (&self->refresh_error);

  gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (catalog));
  update_selected (self);
  _cfai_model_picker_update_footer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATALOG]);
}

const char *
cfai_model_picker_get_task (CfaiModelPicker *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL_PICKER (self), NULL);

  return self->task;
}

void
cfai_model_picker_set_task (CfaiModelPicker *self,
                            const char      *task)
{
  g_return_if_fail (CFAI_IS_MODEL_PICKER (self));

  if (!g_set_str (&self->task, task))
    return;

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TASK]);
}

const char *
cfai_model_picker_get_selected_model_id (CfaiModelPicker *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL_PICKER (self), NULL);

  return self->selected_model_id;
}

void
cfai_model_picker_set_selected_model_id (CfaiModelPicker *self,
                                         const char      *model_id)
{
  g_return_if_fail (CFAI_IS_MODEL_PICKER (self));

  if (!g_set_str (&self->selected_model_id, model_id))
    return;

  update_selected (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_MODEL_ID]);
}

/**
 * cfai_model_picker_get_selected_model:
 * @self: a #CfaiModelPicker
 *
 * Returns: (transfer none) (nullable): the chosen model's catalog entry,
 *   or %NULL when the catalog does not list it
 */
CfaiModel *
cfai_model_picker_get_selected_model (CfaiModelPicker *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL_PICKER (self), NULL);

  return self->selected_model;
}

gboolean
cfai_model_picker_get_retired (CfaiModelPicker *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL_PICKER (self), FALSE);

  return self->retired;
}

/**
 * cfai_model_picker_get_replacement_id:
 * @self: a #CfaiModelPicker
 *
 * Returns: (nullable): the model offered instead of a retired or
 *   deprecated chosen model, or %NULL when there is none
 */
const char *
cfai_model_picker_get_replacement_id (CfaiModelPicker *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL_PICKER (self), NULL);

  return self->replacement_id;
}

/**
 * cfai_model_picker_popup:
 * @self: a #CfaiModelPicker
 *
 * Opens the list, e.g. from a keyboard shortcut of the page.
 */
void
cfai_model_picker_popup (CfaiModelPicker *self)
{
  g_return_if_fail (CFAI_IS_MODEL_PICKER (self));

  gtk_menu_button_popup (self->button);
}

void
cfai_model_picker_popdown (CfaiModelPicker *self)
{
  g_return_if_fail (CFAI_IS_MODEL_PICKER (self));

  gtk_menu_button_popdown (self->button);
}
