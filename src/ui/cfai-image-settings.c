/* cfai-image-settings.c — the parameters the chosen image model takes
 *
 * The rows are those of the model's rules, and only those: a field the
 * model does not take (a size for FLUX.1 [schnell], steps for the
 * [klein] models, which always use four) is hidden, never shown and then
 * ignored.  Ranges and defaults come from the rules too, so a value the
 * model would refuse cannot be entered.
 *
 * Seeds: every picture gets one, so it can be made again.  Unless the
 * seed is kept, the request has none and its run picks one at random
 * (cfai_image_model_rules_pick_seed()); the seed row then shows the last
 * picture's.  A kept seed S gives a batch of n images the seeds
 * S … S+n−1: the same seed for all of them would make n copies of one
 * picture.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cfai-image-settings.h"

/* Workers AI does not publish size multiples; 16 suits every family it
 * serves (Stable Diffusion works in 8-pixel latents, Flux in 16-pixel
 * patches), so presets and custom sizes keep to it. */
#define SIZE_MULTIPLE 16
#define FALLBACK_MIN_SIDE 256
#define FALLBACK_MAX_SIDE 2048
#define FALLBACK_LONG_SIDE 1024
/* Models that give no upper bound for steps (FLUX.2 [dev]) still need one
 * for the spin button: past 50 Flux adds time, not detail. */
#define FALLBACK_MAX_STEPS 50
#define FALLBACK_MAX_GUIDANCE 20
/* As cfai_image_model_rules_pick_seed() says: the service reads int32. */
#define MAX_SEED G_MAXINT32

typedef enum
{
  SIZE_SQUARE,
  SIZE_LANDSCAPE,
  SIZE_PORTRAIT,
  SIZE_WIDE,
  SIZE_TALL,
  SIZE_CUSTOM,
} SizePreset;

static const struct { guint long_part, short_part; gboolean portrait; } presets[] = {
  [SIZE_SQUARE] = { 1, 1, FALSE },
  [SIZE_LANDSCAPE] = { 4, 3, FALSE },
  [SIZE_PORTRAIT] = { 4, 3, TRUE },
  [SIZE_WIDE] = { 16, 9, FALSE },
  [SIZE_TALL] = { 16, 9, TRUE },
};

struct _CfaiImageSettings
{
  GtkWidget            parent_instance;

  CfaiImageModelRules *rules;
  gboolean             syncing;
  gboolean             guidance_touched;
  gboolean             has_size;

  AdwPreferencesGroup *group;
  AdwComboRow         *size_row;
  AdwSpinRow          *width_row;
  AdwSpinRow          *height_row;
  AdwSpinRow          *steps_row;
  AdwSpinRow          *guidance_row;
  AdwSpinRow          *seed_row;
  GtkToggleButton     *seed_lock;
  AdwEntryRow         *negative_row;
};

G_DEFINE_FINAL_TYPE (CfaiImageSettings, cfai_image_settings, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RULES,
  PROP_SEED_LOCKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
has_field (CfaiImageSettings *self,
           CfaiImageField     field)
{
  return self->rules != NULL && cfai_image_model_rules_get_field_name (self->rules, field) != NULL;
}

static double
rule_minimum (CfaiImageSettings *self,
              CfaiImageField     field,
              double             fallback)
{
  double value;

  if (self->rules != NULL && cfai_image_model_rules_get_minimum (self->rules, field, &value))
    return value;
  return fallback;
}

static double
rule_maximum (CfaiImageSettings *self,
              CfaiImageField     field,
              double             fallback)
{
  double value;

  if (self->rules != NULL && cfai_image_model_rules_get_maximum (self->rules, field, &value) && value > 0)
    return value;
  return fallback;
}

static gboolean
rule_default (CfaiImageSettings *self,
              CfaiImageField     field,
              double            *value)
{
  return self->rules != NULL && cfai_image_model_rules_get_default (self->rules, field, value);
}

/* Sizes ------------------------------------------------------------------- */

static guint
side_minimum (CfaiImageSettings *self,
              CfaiImageField     field)
{
  double minimum = rule_minimum (self, field, 0);

  /* Some schemas say 0; nothing that small is a picture. */
  if (minimum < FALLBACK_MIN_SIDE)
    minimum = FALLBACK_MIN_SIDE;
  return (guint) ceil (minimum / SIZE_MULTIPLE) * SIZE_MULTIPLE;
}

static guint
side_maximum (CfaiImageSettings *self,
              CfaiImageField     field)
{
  double maximum = rule_maximum (self, field, FALLBACK_MAX_SIDE);

  return (guint) floor (maximum / SIZE_MULTIPLE) * SIZE_MULTIPLE;
}

static guint
fit_side (CfaiImageSettings *self,
          CfaiImageField     field,
          double             value)
{
  guint side = (guint) round (value / SIZE_MULTIPLE) * SIZE_MULTIPLE;

  return CLAMP (side, side_minimum (self, field), side_maximum (self, field));
}

static void
preset_size (CfaiImageSettings *self,
             SizePreset         preset,
             guint             *width,
             guint             *height)
{
  double default_width = FALLBACK_LONG_SIDE;
  double default_height = FALLBACK_LONG_SIDE;
  double long_side;
  double short_side;

  rule_default (self, CFAI_IMAGE_FIELD_WIDTH, &default_width);
  rule_default (self, CFAI_IMAGE_FIELD_HEIGHT, &default_height);
  long_side = MAX (default_width, default_height);
  if (long_side <= 0)
    long_side = FALLBACK_LONG_SIDE;
  long_side = MIN (long_side, MIN (side_maximum (self, CFAI_IMAGE_FIELD_WIDTH),
                                   side_maximum (self, CFAI_IMAGE_FIELD_HEIGHT)));
  short_side = long_side * presets[preset].short_part / presets[preset].long_part;

  if (presets[preset].portrait)
    {
      *width = fit_side (self, CFAI_IMAGE_FIELD_WIDTH, short_side);
      *height = fit_side (self, CFAI_IMAGE_FIELD_HEIGHT, long_side);
    }
  else
    {
      *width = fit_side (self, CFAI_IMAGE_FIELD_WIDTH, long_side);
      *height = fit_side (self, CFAI_IMAGE_FIELD_HEIGHT, short_side);
    }
}

static void
current_size (CfaiImageSettings *self,
              guint             *width,
              guint             *height)
{
  SizePreset preset = adw_combo_row_get_selected (self->size_row);

  if (preset >= SIZE_CUSTOM)
    {
      *width = fit_side (self, CFAI_IMAGE_FIELD_WIDTH, adw_spin_row_get_value (self->width_row));
      *height = fit_side (self, CFAI_IMAGE_FIELD_HEIGHT, adw_spin_row_get_value (self->height_row));
      return;
    }
  preset_size (self, preset, width, height);
}

static void
update_size_rows (CfaiImageSettings *self)
{
  gboolean custom = adw_combo_row_get_selected (self->size_row) == SIZE_CUSTOM;
  g_autofree char *subtitle = NULL;
  guint width;
  guint height;

  current_size (self, &width, &height);
  /* Translators: an image size in pixels, width × height */
  subtitle = g_strdup_printf (_("%u × %u"), width, height);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->size_row), subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->width_row), self->has_size && custom);
  gtk_widget_set_visible (GTK_WIDGET (self->height_row), self->has_size && custom);
}

static void
on_size_selected (CfaiImageSettings *self)
{
  guint width;
  guint height;

  /* Custom starts from the size chosen last. */
  if (!self->syncing && adw_combo_row_get_selected (self->size_row) != SIZE_CUSTOM)
    {
      preset_size (self, adw_combo_row_get_selected (self->size_row), &width, &height);
      self->syncing = TRUE;
      adw_spin_row_set_value (self->width_row, width);
      adw_spin_row_set_value (self->height_row, height);
      self->syncing = FALSE;
    }
  update_size_rows (self);
}

static void
on_custom_size_changed (CfaiImageSettings *self)
{
  if (!self->syncing)
    update_size_rows (self);
}

/* Seeds ------------------------------------------------------------------- */

static gint64
seed_maximum (CfaiImageSettings *self)
{
  double maximum = rule_maximum (self, CFAI_IMAGE_FIELD_SEED, (double) MAX_SEED);

  return MIN ((gint64) maximum, MAX_SEED);
}

static void
update_seed_lock (CfaiImageSettings *self)
{
  gboolean locked = gtk_toggle_button_get_active (self->seed_lock);

  gtk_button_set_icon_name (GTK_BUTTON (self->seed_lock),
                            locked ? "changes-prevent-symbolic" : "changes-allow-symbolic");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->seed_row),
                               locked ? _("Kept for the next images")
                                      : _("New at random for each image"));
}

static void
on_seed_lock_toggled (CfaiImageSettings *self)
{
  update_seed_lock (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEED_LOCKED]);
}

/* A seed typed in is one the user wants. */
static void
on_seed_changed (CfaiImageSettings *self)
{
  if (!self->syncing)
    cfai_image_settings_set_seed_locked (self, TRUE);
}

static void
on_guidance_changed (CfaiImageSettings *self)
{
  if (!self->syncing)
    self->guidance_touched = TRUE;
}

/* Rules ------------------------------------------------------------------- */

static void
set_range (AdwSpinRow *row,
           double      lower,
           double      upper,
           double      value)
{
  GtkAdjustment *adjustment = adw_spin_row_get_adjustment (row);

  gtk_adjustment_configure (adjustment, CLAMP (value, lower, upper), lower, upper,
                            gtk_adjustment_get_step_increment (adjustment),
                            gtk_adjustment_get_page_increment (adjustment), 0);
}

static void
rebuild (CfaiImageSettings *self)
{
  double minimum;
  double maximum;
  double value;
  gboolean any;

  self->syncing = TRUE;

  self->has_size = has_field (self, CFAI_IMAGE_FIELD_WIDTH) && has_field (self, CFAI_IMAGE_FIELD_HEIGHT);
  gtk_widget_set_visible (GTK_WIDGET (self->size_row), self->has_size);
  if (self->has_size)
    {
      guint width;
      guint height;

      preset_size (self, SIZE_SQUARE, &width, &height);
      set_range (self->width_row, side_minimum (self, CFAI_IMAGE_FIELD_WIDTH),
                 side_maximum (self, CFAI_IMAGE_FIELD_WIDTH), adw_spin_row_get_value (self->width_row));
      set_range (self->height_row, side_minimum (self, CFAI_IMAGE_FIELD_HEIGHT),
                 side_maximum (self, CFAI_IMAGE_FIELD_HEIGHT), adw_spin_row_get_value (self->height_row));
      if (adw_combo_row_get_selected (self->size_row) != SIZE_CUSTOM)
        {
          preset_size (self, adw_combo_row_get_selected (self->size_row), &width, &height);
          adw_spin_row_set_value (self->width_row, width);
          adw_spin_row_set_value (self->height_row, height);
        }
    }
  update_size_rows (self);

  /* A fixed step count is the model's, not the user's to choose. */
  gtk_widget_set_visible (GTK_WIDGET (self->steps_row),
                          has_field (self, CFAI_IMAGE_FIELD_STEPS) &&
                          !cfai_image_model_rules_get_steps_fixed (self->rules));
  if (gtk_widget_get_visible (GTK_WIDGET (self->steps_row)))
    {
      minimum = MAX (rule_minimum (self, CFAI_IMAGE_FIELD_STEPS, 1), 1);
      maximum = rule_maximum (self, CFAI_IMAGE_FIELD_STEPS, FALLBACK_MAX_STEPS);
      if (!rule_default (self, CFAI_IMAGE_FIELD_STEPS, &value))
        value = MIN (20, maximum);
      set_range (self->steps_row, minimum, maximum, value);
      adw_spin_row_set_value (self->steps_row, CLAMP (value, minimum, maximum));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->guidance_row), has_field (self, CFAI_IMAGE_FIELD_GUIDANCE));
  self->guidance_touched = FALSE;
  if (has_field (self, CFAI_IMAGE_FIELD_GUIDANCE))
    {
      gboolean integer = cfai_image_model_rules_get_field_is_integer (self->rules, CFAI_IMAGE_FIELD_GUIDANCE);

      minimum = MAX (rule_minimum (self, CFAI_IMAGE_FIELD_GUIDANCE, 0), 0);
      maximum = rule_maximum (self, CFAI_IMAGE_FIELD_GUIDANCE, FALLBACK_MAX_GUIDANCE);
      if (!rule_default (self, CFAI_IMAGE_FIELD_GUIDANCE, &value))
        value = CLAMP (3.5, minimum, maximum);
      adw_spin_row_set_digits (self->guidance_row, integer ? 0 : 1);
      set_range (self->guidance_row, minimum, maximum, value);
      adw_spin_row_set_value (self->guidance_row, CLAMP (value, minimum, maximum));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->seed_row), has_field (self, CFAI_IMAGE_FIELD_SEED));
  if (has_field (self, CFAI_IMAGE_FIELD_SEED))
    set_range (self->seed_row, MAX (rule_minimum (self, CFAI_IMAGE_FIELD_SEED, 0), 0),
               seed_maximum (self), adw_spin_row_get_value (self->seed_row));

  gtk_widget_set_visible (GTK_WIDGET (self->negative_row), has_field (self, CFAI_IMAGE_FIELD_NEGATIVE_PROMPT));

  any = self->has_size || gtk_widget_get_visible (GTK_WIDGET (self->steps_row)) ||
        has_field (self, CFAI_IMAGE_FIELD_GUIDANCE) || has_field (self, CFAI_IMAGE_FIELD_SEED) ||
        has_field (self, CFAI_IMAGE_FIELD_NEGATIVE_PROMPT);
  adw_preferences_group_set_description (self->group,
                                         any ? NULL : _("This model takes no settings but the prompt"));

  self->syncing = FALSE;
}

/* Object ------------------------------------------------------------------ */

static void
cfai_image_settings_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_IMAGE_SETTINGS);

  G_OBJECT_CLASS (cfai_image_settings_parent_class)->dispose (object);
}

static void
cfai_image_settings_finalize (GObject *object)
{
  CfaiImageSettings *self = CFAI_IMAGE_SETTINGS (object);

  g_clear_pointer (&self->rules, cfai_image_model_rules_unref);

  G_OBJECT_CLASS (cfai_image_settings_parent_class)->finalize (object);
}

static void
cfai_image_settings_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CfaiImageSettings *self = CFAI_IMAGE_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_RULES:
      g_value_set_boxed (value, self->rules);
      break;
    case PROP_SEED_LOCKED:
      g_value_set_boolean (value, cfai_image_settings_get_seed_locked (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_image_settings_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CfaiImageSettings *self = CFAI_IMAGE_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_RULES:
      cfai_image_settings_set_rules (self, g_value_get_boxed (value));
      break;
    case PROP_SEED_LOCKED:
      cfai_image_settings_set_seed_locked (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_image_settings_class_init (CfaiImageSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_image_settings_dispose;
  object_class->finalize = cfai_image_settings_finalize;
  object_class->get_property = cfai_image_settings_get_property;
  object_class->set_property = cfai_image_settings_set_property;

  /**
   * CfaiImageSettings:rules:
   *
   * The chosen model's rules; the rows are rebuilt from them.
   */
  properties[PROP_RULES] =
    g_param_spec_boxed ("rules", NULL, NULL, CFAI_TYPE_IMAGE_MODEL_RULES,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * CfaiImageSettings:seed-locked:
   *
   * Whether the next images use the seed shown rather than random ones.
   */
  properties[PROP_SEED_LOCKED] =
    g_param_spec_boolean ("seed-locked", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-image-settings.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiImageSettings, group);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageSettings, size_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageSettings, width_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageSettings, height_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageSettings, steps_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageSettings, guidance_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageSettings, seed_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageSettings, seed_lock);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageSettings, negative_row);
  gtk_widget_class_bind_template_callback (widget_class, on_size_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_custom_size_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_seed_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_seed_lock_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_guidance_changed);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cfai_image_settings_init (CfaiImageSettings *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_seed_lock (self);
  rebuild (self);
}

CfaiImageModelRules *
cfai_image_settings_get_rules (CfaiImageSettings *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_SETTINGS (self), NULL);
  return self->rules;
}

void
cfai_image_settings_set_rules (CfaiImageSettings   *self,
                               CfaiImageModelRules *rules)
{
  g_return_if_fail (CFAI_IS_IMAGE_SETTINGS (self));

  if (self->rules == rules)
    return;

  g_clear_pointer (&self->rules, cfai_image_model_rules_unref);
  self->rules = rules != NULL ? cfai_image_model_rules_ref (rules) : NULL;
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RULES]);
}

gboolean
cfai_image_settings_get_seed_locked (CfaiImageSettings *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_SETTINGS (self), FALSE);
  return gtk_toggle_button_get_active (self->seed_lock);
}

void
cfai_image_settings_set_seed_locked (CfaiImageSettings *self,
                                     gboolean           locked)
{
  g_return_if_fail (CFAI_IS_IMAGE_SETTINGS (self));

  /* The toggle notifies, and on_seed_lock_toggled() passes it on. */
  gtk_toggle_button_set_active (self->seed_lock, locked);
}

/**
 * cfai_image_settings_show_seed:
 * @seed: the seed of the picture just made
 *
 * Shows @seed in the seed row, so keeping it makes that picture again.
 * A kept seed is left as it is.
 */
void
cfai_image_settings_show_seed (CfaiImageSettings *self,
                               gint64             seed)
{
  g_return_if_fail (CFAI_IS_IMAGE_SETTINGS (self));

  if (seed < 0 || cfai_image_settings_get_seed_locked (self))
    return;

  self->syncing = TRUE;
  adw_spin_row_set_value (self->seed_row, seed);
  self->syncing = FALSE;
}

/**
 * cfai_image_settings_fill_request:
 * @index: the image's place in its batch, from 0
 *
 * Sets every parameter the model takes on @request; the others are left
 * unset, so they are never sent.
 */
void
cfai_image_settings_fill_request (CfaiImageSettings *self,
                                  CfaiImageRequest  *request,
                                  guint              index)
{
  g_return_if_fail (CFAI_IS_IMAGE_SETTINGS (self));
  g_return_if_fail (CFAI_IS_IMAGE_REQUEST (request));

  if (gtk_widget_get_visible (GTK_WIDGET (self->steps_row)))
    cfai_image_request_set_steps (request, (guint) adw_spin_row_get_value (self->steps_row));

  if (self->has_size)
    {
      guint width;
      guint height;

      current_size (self, &width, &height);
      cfai_image_request_set_width (request, width);
      cfai_image_request_set_height (request, height);
    }

  /* Without a documented default the model's own choice is better than
   * ours, until the user picks a value. */
  if (has_field (self, CFAI_IMAGE_FIELD_GUIDANCE))
    {
      double unused;

      if (self->guidance_touched || rule_default (self, CFAI_IMAGE_FIELD_GUIDANCE, &unused))
        cfai_image_request_set_guidance (request, adw_spin_row_get_value (self->guidance_row));
    }

  if (has_field (self, CFAI_IMAGE_FIELD_SEED) && cfai_image_settings_get_seed_locked (self))
    {
      gint64 base = (gint64) adw_spin_row_get_value (self->seed_row);

      cfai_image_request_set_seed (request, base + index <= seed_maximum (self) ? base + index : base);
    }

  if (has_field (self, CFAI_IMAGE_FIELD_NEGATIVE_PROMPT))
    cfai_image_request_set_negative_prompt (request, gtk_editable_get_text (GTK_EDITABLE (self->negative_row)));
}

/**
 * cfai_image_settings_apply_request:
 * @request: the settings a picture was made with
 * @keep_seed: whether to keep its seed (Reuse Settings) or leave the
 *   seed to chance (Vary Seed)
 *
 * The reverse of cfai_image_settings_fill_request(), for the rules of
 * @request's model: what the model does not take, or what @request
 * leaves unset, keeps the value shown.  Values are clamped to the rules,
 * as typed ones are.
 */
void
cfai_image_settings_apply_request (CfaiImageSettings *self,
                                   CfaiImageRequest  *request,
                                   gboolean           keep_seed)
{
  guint steps;
  guint width;
  guint height;
  gint64 seed;

  g_return_if_fail (CFAI_IS_IMAGE_SETTINGS (self));
  g_return_if_fail (CFAI_IS_IMAGE_REQUEST (request));

  self->syncing = TRUE;

  steps = cfai_image_request_get_steps (request);
  if (steps > 0 && gtk_widget_get_visible (GTK_WIDGET (self->steps_row)))
    adw_spin_row_set_value (self->steps_row, steps);

  width = cfai_image_request_get_width (request);
  height = cfai_image_request_get_height (request);
  if (self->has_size && width > 0 && height > 0)
    {
      SizePreset chosen = SIZE_CUSTOM;

      /* A size that is one of the presets shows as that preset. */
      for (SizePreset preset = SIZE_SQUARE; preset < SIZE_CUSTOM; preset++)
        {
          guint preset_width;
          guint preset_height;

          preset_size (self, preset, &preset_width, &preset_height);
          if (preset_width == width && preset_height == height)
            {
              chosen = preset;
              break;
            }
        }
      adw_combo_row_set_selected (self->size_row, chosen);
      adw_spin_row_set_value (self->width_row, fit_side (self, CFAI_IMAGE_FIELD_WIDTH, width));
      adw_spin_row_set_value (self->height_row, fit_side (self, CFAI_IMAGE_FIELD_HEIGHT, height));
    }

  if (has_field (self, CFAI_IMAGE_FIELD_GUIDANCE) && cfai_image_request_get_guidance (request) >= 0)
    {
      adw_spin_row_set_value (self->guidance_row, cfai_image_request_get_guidance (request));
      self->guidance_touched = TRUE;
    }

  if (has_field (self, CFAI_IMAGE_FIELD_NEGATIVE_PROMPT))
    {
      const char *negative = cfai_image_request_get_negative_prompt (request);

      gtk_editable_set_text (GTK_EDITABLE (self->negative_row), negative != NULL ? negative : "");
    }

  seed = cfai_image_request_get_seed (request);
  if (keep_seed && seed >= 0 && has_field (self, CFAI_IMAGE_FIELD_SEED))
    adw_spin_row_set_value (self->seed_row, seed);

  self->syncing = FALSE;

  update_size_rows (self);
  cfai_image_settings_set_seed_locked (self, keep_seed && seed >= 0 && has_field (self, CFAI_IMAGE_FIELD_SEED));
}
