/* cfai-model-row.c — one model in the model picker's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row shows what a user needs to choose: the model's name and id, one
 * line of its description, and badges for context window, price and
 * capabilities.  Badges are short to keep the list scannable; each one
 * carries the full sentence as tooltip and screen-reader label, and the
 * row's own label sums them up for the list item.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cfai-model-row.h"

struct _CfaiModelRow
{
  GtkWidget  parent_instance;

  CfaiModel *model;
  GSignalGroup *model_signals;  /* on model */
  char      *current_model_id;
  char      *accessible_label;

  GtkLabel  *name_label;
  GtkLabel  *id_label;
  GtkLabel  *description_label;
  GtkLabel  *context_badge;
  GtkLabel  *price_badge;
  GtkLabel  *vision_badge;
  GtkLabel  *reasoning_badge;
  GtkLabel  *tools_badge;
  GtkLabel  *beta_badge;
  GtkLabel  *partner_badge;
  GtkLabel  *paid_plan_badge;
  GtkLabel  *deprecation_badge;
  GtkImage  *check_image;
};

G_DEFINE_FINAL_TYPE (CfaiModelRow, cfai_model_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_CURRENT_MODEL_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * cfai_model_format_context_window:
 * @tokens: a context window in tokens, > 0
 *
 * Formats @tokens the way model cards write it: "128K", "24K", "1M".
 * Multiples of 1024 that are not round thousands count in 1024s
 * (32768 is "32K", 131072 is "128K").
 *
 * Returns: (transfer full): the short form
 */
char *
cfai_model_format_context_window (gint64 tokens)
{
  const gint64 mebi = 1024 * 1024;

  if (tokens >= 1000000)
    {
      if (tokens % 1000000 != 0 && tokens % mebi == 0)
        return g_strdup_printf ("%" G_GINT64_FORMAT "M", tokens / mebi);
      if (tokens % 1000000 == 0)
        return g_strdup_printf ("%" G_GINT64_FORMAT "M", tokens / 1000000);
      return g_strdup_printf ("%.1fM", tokens / 1e6);
    }

  if (tokens >= 1024 && tokens % 1000 != 0 && tokens % 1024 == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "K", tokens / 1024);

  if (tokens >= 1000)
    return g_strdup_printf ("%" G_GINT64_FORMAT "K", (gint64) llround (tokens / 1000.0));

  return g_strdup_printf ("%" G_GINT64_FORMAT, tokens);
}

/**
 * cfai_model_format_date:
 * @date: a date
 *
 * Returns: (transfer full): @date as a user reads it, in local time
 */
char *
cfai_model_format_date (GDateTime *date)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (date);

  /* Translators: a date such as "Oct 1, 2025"; see g_date_time_format() */
  return g_date_time_format (local, _("%b %-d, %Y"));
}

static char *
format_amount (double      price,
               const char *currency)
{
  if (currency == NULL || g_ascii_strcasecmp (currency, "USD") == 0)
    return g_strdup_printf ("$%g", price);

  return g_strdup_printf ("%g %s", price, currency);
}

/* The catalog spells units out ("per input 512x512 tile, per step");
 * a badge needs a word or two. */
static char *
shorten_unit (const char *unit)
{
  g_autofree char *lower = g_ascii_strdown (unit, -1);
  gboolean tile = strstr (lower, "tile") != NULL;
  gboolean step = strstr (lower, "step") != NULL;
  const char *direction = "";
  const char *kind;

  if (strstr (lower, "input") != NULL)
    /* Translators: prefix of a price unit, as in "$0.0002/in tile·step" */
    direction = C_("price unit", "in ");
  else if (strstr (lower, "output") != NULL)
    /* Translators: prefix of a price unit, as in "$0.0004/out tile·step" */
    direction = C_("price unit", "out ");

  if (tile && step)
    kind = C_("price unit", "tile·step");
  else if (tile)
    kind = C_("price unit", "tile");
  else if (step)
    kind = C_("price unit", "step");
  else if (strstr (lower, "image") != NULL)
    kind = C_("price unit", "image");
  else
    return g_strdup (g_str_has_prefix (unit, "per ") ? unit + strlen ("per ") : unit);

  return g_strconcat (direction, kind, NULL);
}

/* Token prices read "$0.29 in, $2.25 out per M"; anything else (image
 * tiles and steps, other currencies) lists each price with its unit. */
static gboolean
format_prices (CfaiModel  *model,
               char      **out_text,
               char      **out_label)
{
  double input = cfai_model_get_price_per_m_input (model);
  double output = cfai_model_get_price_per_m_output (model);
  GPtrArray *prices = cfai_model_get_prices (model);
  g_autoptr(GString) text = NULL;
  g_autoptr(GString) label = NULL;

  if (input >= 0 && output >= 0)
    {
      g_autofree char *in = format_amount (input, NULL);
      g_autofree char *out = format_amount (output, NULL);

      /* Translators: a price badge; the amounts are per million tokens */
      *out_text = g_strdup_printf (_("%s in, %s out per M"), in, out);
      *out_label = g_strdup_printf (_("Price: %s per million input tokens, "
                                      "%s per million output tokens"), in, out);
      return TRUE;
    }

  if (prices == NULL || prices->len == 0)
    return FALSE;

  text = g_string_new (NULL);
  label = g_string_new (NULL);

  for (guint i = 0; i < prices->len; i++)
    {
      const CfaiModelPrice *price = g_ptr_array_index (prices, i);
      g_autofree char *amount = format_amount (price->price, price->currency);
      g_autofree char *short_unit = NULL;

      if (i > 0)
        {
          g_string_append (text, " + ");
          g_string_append (label, ", ");
        }

      if (price->unit == NULL || price->unit[0] == '\0')
        {
          g_string_append (text, amount);
          g_string_append (label, amount);
          continue;
        }

      short_unit = shorten_unit (price->unit);
      g_string_append_printf (text, "%s/%s", amount, short_unit);
      g_string_append_printf (label, "%s %s", amount, price->unit);
    }

  *out_text = g_string_free (g_steal_pointer (&text), FALSE);
  /* Translators: %s lists prices with their units, e.g.
   * "$0.0058 per 512 by 512 tile, $0.00011 per step" */
  *out_label = g_strdup_printf (_("Price: %s"), label->str);
  return TRUE;
}

/* Shows @badge with @text (NULL keeps the template's text) and gives it
 * @label as tooltip and accessible label, or hides it. */
static void
set_badge (CfaiModelRow *self,
           GtkLabel     *badge,
           gboolean      visible,
           const char   *text,
           const char   *label,
           GString      *summary)
{
  gtk_widget_set_visible (GTK_WIDGET (badge), visible);
  if (!visible)
    return;

  if (text != NULL)
    gtk_label_set_label (badge, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (badge), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (badge),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  g_string_append (summary, ". ");
  g_string_append (summary, label);
}

static void
update_deprecation_badge (CfaiModelRow *self,
                          GString      *summary)
{
  GDateTime *date = cfai_model_get_planned_deprecation_date (self->model);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = NULL;
  g_autofree char *label = NULL;
  g_autofree char *when = NULL;

  if (date != NULL)
    when = cfai_model_format_date (date);

  if (cfai_model_is_deprecated_at (self->model, now))
    {
      if (when != NULL)
        {
          /* Translators: %s is a date */
          text = g_strdup_printf (_("Deprecated since %s"), when);
          /* Translators: %s is a date */
          label = g_strdup_printf (_("Deprecated since %s: choose another model"), when);
        }
      else
        {
          text = g_strdup (_("Deprecated"));
          label = g_strdup (_("Deprecated: choose another model"));
        }
    }
  else if (when != NULL)
    {
      /* Translators: %s is a date */
      text = g_strdup_printf (_("Retires %s"), when);
      /* Translators: %s is a date */
      label = g_strdup_printf (_("Planned for retirement on %s"), when);
    }

  set_badge (self, self->deprecation_badge, text != NULL, text, label, summary);
}

static void
update_check (CfaiModelRow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->check_image),
                          self->model != NULL &&
                          g_strcmp0 (cfai_model_get_id (self->model), self->current_model_id) == 0);
}

static void
update (CfaiModelRow *self)
{
  g_autoptr(GString) summary = NULL;
  const char *description;
  gint64 context_window;
  g_autofree char *price_text = NULL;
  g_autofree char *price_label = NULL;

  update_check (self);

  if (self->model == NULL)
    {
      g_clear_pointer (&self->accessible_label, g_free);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL);
      return;
    }

  description = cfai_model_get_description (self->model);
  gtk_label_set_label (self->name_label, cfai_model_get_display_name (self->model));
  gtk_label_set_label (self->id_label, cfai_model_get_id (self->model));
  gtk_label_set_label (self->description_label, description);
  gtk_widget_set_visible (GTK_WIDGET (self->description_label),
                          description != NULL && description[0] != '\0');
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->description_label), description);

  summary = g_string_new (cfai_model_get_display_name (self->model));
  g_string_append_printf (summary, ", %s", cfai_model_get_id (self->model));

  context_window = cfai_model_get_context_window (self->model);
  if (context_window > 0)
    {
      g_autofree char *short_form = cfai_model_format_context_window (context_window);
      /* Translators: a badge, e.g. "128K context" */
      g_autofree char *text = g_strdup_printf (_("%s context"), short_form);
      /* The locale's thousands separators help a screen reader say it. */
      g_autofree char *count = g_strdup_printf ("%'" G_GINT64_FORMAT, context_window);
      /* Translators: %s is a number of tokens, e.g. "128,000" */
      g_autofree char *label = g_strdup_printf (_("Context window: %s tokens"), count);

      set_badge (self, self->context_badge, TRUE, text, label, summary);
    }
  else
    {
      set_badge (self, self->context_badge, FALSE, NULL, NULL, summary);
    }

  if (format_prices (self->model, &price_text, &price_label))
    set_badge (self, self->price_badge, TRUE, price_text, price_label, summary);
  else
    set_badge (self, self->price_badge, FALSE, NULL, NULL, summary);

  set_badge (self, self->vision_badge, cfai_model_get_vision (self->model),
             NULL, _("Vision: understands images"), summary);
  set_badge (self, self->reasoning_badge, cfai_model_get_reasoning (self->model),
             NULL, _("Reasoning: thinks before it answers"), summary);
  set_badge (self, self->tools_badge, cfai_model_get_function_calling (self->model),
             NULL, _("Tools: supports function calling"), summary);
  set_badge (self, self->beta_badge, cfai_model_get_beta (self->model),
             NULL, _("Beta: may change or be withdrawn"), summary);
  set_badge (self, self->partner_badge, cfai_model_get_partner (self->model),
             NULL, _("Partner model: provided by a Cloudflare partner"), summary);
  set_badge (self, self->paid_plan_badge, cfai_model_get_needs_paid_plan (self->model),
             NULL, _("Paid plan: Cloudflare refused this model on your account’s plan; it needs Workers Paid"),
             summary);
  update_deprecation_badge (self, summary);

  g_free (self->accessible_label);
  self->accessible_label = g_string_free (g_steal_pointer (&summary), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->accessible_label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description != NULL ? description : "",
                                  -1);
}

static void
cfai_model_row_dispose (GObject *object)
{
  CfaiModelRow *self = CFAI_MODEL_ROW (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_MODEL_ROW);
  /* The text column has no id, so disposing the template leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  if (self->model_signals != NULL)
    g_signal_group_set_target (self->model_signals, NULL);
  g_clear_object (&self->model_signals);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (cfai_model_row_parent_class)->dispose (object);
}

static void
cfai_model_row_finalize (GObject *object)
{
  CfaiModelRow *self = CFAI_MODEL_ROW (object);

  g_clear_pointer (&self->current_model_id, g_free);
  g_clear_pointer (&self->accessible_label, g_free);

  G_OBJECT_CLASS (cfai_model_row_parent_class)->finalize (object);
}

static void
cfai_model_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CfaiModelRow *self = CFAI_MODEL_ROW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;

    case PROP_CURRENT_MODEL_ID:
      g_value_set_string (value, self->current_model_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_model_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CfaiModelRow *self = CFAI_MODEL_ROW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      cfai_model_row_set_model (self, g_value_get_object (value));
      break;

    case PROP_CURRENT_MODEL_ID:
      cfai_model_row_set_current_model_id (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_model_row_class_init (CfaiModelRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_model_row_dispose;
  object_class->finalize = cfai_model_row_finalize;
  object_class->get_property = cfai_model_row_get_property;
  object_class->set_property = cfai_model_row_set_property;

  /**
   * CfaiModelRow:model:
   *
   * The model the row shows.
   */
  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         CFAI_TYPE_MODEL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * CfaiModelRow:current-model-id:
   *
   * The id of the model in use where the picker is; the row whose model
   * it is shows a check mark.
   */
  properties[PROP_CURRENT_MODEL_ID] =
    g_param_spec_string ("current-model-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-model-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiModelRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelRow, id_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelRow, description_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelRow, context_badge);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelRow, price_badge);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelRow, vision_badge);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelRow, reasoning_badge);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelRow, tools_badge);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelRow, beta_badge);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelRow, partner_badge);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelRow, paid_plan_badge);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelRow, deprecation_badge);
  gtk_widget_class_bind_template_child (widget_class, CfaiModelRow, check_image);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_css_name (widget_class, "cfai-model-row");
}

static void
cfai_model_row_init (CfaiModelRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* What the account may run is learned while the list is shown. */
  self->model_signals = g_signal_group_new (CFAI_TYPE_MODEL);
  g_signal_group_connect_swapped (self->model_signals, "notify::needs-paid-plan",
                                  G_CALLBACK (update), self);
}

GtkWidget *
cfai_model_row_new (void)
{
  return g_object_new (CFAI_TYPE_MODEL_ROW, NULL);
}

/**
 * cfai_model_row_get_model:
 * @self: a #CfaiModelRow
 *
 * Returns: (transfer none) (nullable): the model shown
 */
CfaiModel *
cfai_model_row_get_model (CfaiModelRow *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL_ROW (self), NULL);

  return self->model;
}

void
cfai_model_row_set_model (CfaiModelRow *self,
                          CfaiModel    *model)
{
  g_return_if_fail (CFAI_IS_MODEL_ROW (self));
  g_return_if_fail (model == NULL || CFAI_IS_MODEL (model));

  if (self->model == model)
    return;

  g_set_object (&self->model, model);
  g_signal_group_set_target (self->model_signals, model);

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

const char *
cfai_model_row_get_current_model_id (CfaiModelRow *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL_ROW (self), NULL);

  return self->current_model_id;
}

void
cfai_model_row_set_current_model_id (CfaiModelRow *self,
                                     const char   *model_id)
{
  g_return_if_fail (CFAI_IS_MODEL_ROW (self));

  if (!g_set_str (&self->current_model_id, model_id))
    return;

  update_check (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_MODEL_ID]);
}

/**
 * cfai_model_row_get_accessible_label:
 * @self: a #CfaiModelRow
 *
 * Returns: (nullable): what a screen reader says for the row: the name,
 *   the id and every badge in full
 */
const char *
cfai_model_row_get_accessible_label (CfaiModelRow *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL_ROW (self), NULL);

  return self->accessible_label;
}
