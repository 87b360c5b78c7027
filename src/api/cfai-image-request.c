/* cfai-image-request.c — one text-to-image request and its body
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "cfai-error.h"
#include "cfai-image-request.h"
#include "cfai-image-response.h"

/* The properties hold what the user asked for, whatever the model; the
 * model's rules decide at build time what is sent.  A setting the model
 * does not take (a width for FLUX.1 [schnell], a negative prompt for Flux)
 * is left out rather than refused, so switching models in the UI keeps
 * working; a value the model takes but would refuse is an error naming
 * the field, so the user sees it before a round trip.  Reference images
 * are the exception: a model that takes none is refused, because the user
 * would otherwise get a picture that silently ignored theirs. */
struct _CfaiImageRequest
{
  GObject  parent_instance;

  char    *model;
  char    *prompt;
  char    *negative_prompt;
  guint    steps;
  guint    width;
  guint    height;
  gint64     seed;
  double     guidance;
  double     strength;
  GPtrArray *references;  /* Reference */
};

typedef struct
{
  GBytes *image;
  char   *mime_type;
} Reference;

G_DEFINE_FINAL_TYPE (CfaiImageRequest, cfai_image_request, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_PROMPT,
  PROP_NEGATIVE_PROMPT,
  PROP_STEPS,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_SEED,
  PROP_GUIDANCE,
  PROP_STRENGTH,
  PROP_N_REFERENCE_IMAGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
reference_free (gpointer data)
{
  Reference *reference = data;

  g_bytes_unref (reference->image);
  g_free (reference->mime_type);
  g_free (reference);
}

static void
cfai_image_request_finalize (GObject *object)
{
  CfaiImageRequest *self = (CfaiImageRequest *)object;

  g_clear_pointer (&self->model, g_free);
  g_clear_pointer (&self->prompt, g_free);
  g_clear_pointer (&self->negative_prompt, g_free);
  g_clear_pointer (&self->references, g_ptr_array_unref);

  G_OBJECT_CLASS (cfai_image_request_parent_class)->finalize (object);
}

static void
cfai_image_request_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CfaiImageRequest *self = CFAI_IMAGE_REQUEST (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;

    case PROP_PROMPT:
      g_value_set_string (value, self->prompt);
      break;

    case PROP_NEGATIVE_PROMPT:
      g_value_set_string (value, self->negative_prompt);
      break;

    case PROP_STEPS:
      g_value_set_uint (value, self->steps);
      break;

    case PROP_WIDTH:
      g_value_set_uint (value, self->width);
      break;

    case PROP_HEIGHT:
      g_value_set_uint (value, self->height);
      break;

    case PROP_SEED:
      g_value_set_int64 (value, self->seed);
      break;

    case PROP_GUIDANCE:
      g_value_set_double (value, self->guidance);
      break;

    case PROP_STRENGTH:
      g_value_set_double (value, self->strength);
      break;

    case PROP_N_REFERENCE_IMAGES:
      g_value_set_uint (value, self->references->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_image_request_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CfaiImageRequest *self = CFAI_IMAGE_REQUEST (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      cfai_image_request_set_model (self, g_value_get_string (value));
      break;

    case PROP_PROMPT:
      cfai_image_request_set_prompt (self, g_value_get_string (value));
      break;

    case PROP_NEGATIVE_PROMPT:
      cfai_image_request_set_negative_prompt (self, g_value_get_string (value));
      break;

    case PROP_STEPS:
      cfai_image_request_set_steps (self, g_value_get_uint (value));
      break;

    case PROP_WIDTH:
      cfai_image_request_set_width (self, g_value_get_uint (value));
      break;

    case PROP_HEIGHT:
      cfai_image_request_set_height (self, g_value_get_uint (value));
      break;

    case PROP_SEED:
      cfai_image_request_set_seed (self, g_value_get_int64 (value));
      break;

    case PROP_GUIDANCE:
      cfai_image_request_set_guidance (self, g_value_get_double (value));
      break;

    case PROP_STRENGTH:
      cfai_image_request_set_strength (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_image_request_class_init (CfaiImageRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cfai_image_request_finalize;
  object_class->get_property = cfai_image_request_get_property;
  object_class->set_property = cfai_image_request_set_property;

  /**
   * CfaiImageRequest:model:
   *
   * The full model id, such as `@cf/black-forest-labs/flux-1-schnell`.
   */
  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PROMPT] =
    g_param_spec_string ("prompt", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiImageRequest:negative-prompt:
   *
   * What to keep out of the picture.  Sent only to models that take it,
   * and never when blank.
   */
  properties[PROP_NEGATIVE_PROMPT] =
    g_param_spec_string ("negative-prompt", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiImageRequest:steps:
   *
   * Diffusion steps; 0 sends the model's default.
   */
  properties[PROP_STEPS] =
    g_param_spec_uint ("steps", NULL, NULL,
                       0, G_MAXINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiImageRequest:width:
   *
   * Width in pixels; 0 leaves it to the model.
   */
  properties[PROP_WIDTH] =
    g_param_spec_uint ("width", NULL, NULL,
                       0, G_MAXINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiImageRequest:height:
   *
   * Height in pixels; 0 leaves it to the model.
   */
  properties[PROP_HEIGHT] =
    g_param_spec_uint ("height", NULL, NULL,
                       0, G_MAXINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiImageRequest:seed:
   *
   * Seed for a reproducible picture; -1 lets the server pick one.
   */
  properties[PROP_SEED] =
    g_param_spec_int64 ("seed", NULL, NULL,
                        -1, G_MAXINT64, -1,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiImageRequest:guidance:
   *
   * How closely to follow the prompt; any negative value leaves it to the
   * model.
   */
  properties[PROP_GUIDANCE] =
    g_param_spec_double ("guidance", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, -1.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiImageRequest:strength:
   *
   * For img2img, how far the picture may move away from the reference
   * image: 0 keeps it, 1 ignores it.  Any negative value leaves it to the
   * model.  Sent only with a reference image, to models that take it.
   */
  properties[PROP_STRENGTH] =
    g_param_spec_double ("strength", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, -1.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiImageRequest:n-reference-images:
   *
   * How many reference images the request carries.
   */
  properties[PROP_N_REFERENCE_IMAGES] =
    g_param_spec_uint ("n-reference-images", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfai_image_request_init (CfaiImageRequest *self)
{
  self->seed = -1;
  self->guidance = -1.0;
  self->strength = -1.0;
  self->references = g_ptr_array_new_with_free_func (reference_free);
}

CfaiImageRequest *
cfai_image_request_new (const char *model)
{
  return g_object_new (CFAI_TYPE_IMAGE_REQUEST,
                       "model", model,
                       NULL);
}

const char *
cfai_image_request_get_model (CfaiImageRequest *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (self), NULL);

  return self->model;
}

void
cfai_image_request_set_model (CfaiImageRequest *self,
                              const char       *model)
{
  g_return_if_fail (CFAI_IS_IMAGE_REQUEST (self));

  if (g_set_str (&self->model, model))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

const char *
cfai_image_request_get_prompt (CfaiImageRequest *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (self), NULL);

  return self->prompt;
}

void
cfai_image_request_set_prompt (CfaiImageRequest *self,
                               const char       *prompt)
{
  g_return_if_fail (CFAI_IS_IMAGE_REQUEST (self));

  if (g_set_str (&self->prompt, prompt))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROMPT]);
}

const char *
cfai_image_request_get_negative_prompt (CfaiImageRequest *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (self), NULL);

  return self->negative_prompt;
}

void
cfai_image_request_set_negative_prompt (CfaiImageRequest *self,
                                        const char       *negative_prompt)
{
  g_return_if_fail (CFAI_IS_IMAGE_REQUEST (self));

  if (g_set_str (&self->negative_prompt, negative_prompt))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEGATIVE_PROMPT]);
}

guint
cfai_image_request_get_steps (CfaiImageRequest *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (self), 0);

  return self->steps;
}

void
cfai_image_request_set_steps (CfaiImageRequest *self,
                              guint             steps)
{
  g_return_if_fail (CFAI_IS_IMAGE_REQUEST (self));
  g_return_if_fail (steps <= G_MAXINT);

  if (self->steps == steps)
    return;

  self->steps = steps;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEPS]);
}

guint
cfai_image_request_get_width (CfaiImageRequest *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (self), 0);

  return self->width;
}

void
cfai_image_request_set_width (CfaiImageRequest *self,
                              guint             width)
{
  g_return_if_fail (CFAI_IS_IMAGE_REQUEST (self));
  g_return_if_fail (width <= G_MAXINT);

  if (self->width == width)
    return;

  self->width = width;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WIDTH]);
}

guint
cfai_image_request_get_height (CfaiImageRequest *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (self), 0);

  return self->height;
}

void
cfai_image_request_set_height (CfaiImageRequest *self,
                               guint             height)
{
  g_return_if_fail (CFAI_IS_IMAGE_REQUEST (self));
  g_return_if_fail (height <= G_MAXINT);

  if (self->height == height)
    return;

  self->height = height;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEIGHT]);
}

gint64
cfai_image_request_get_seed (CfaiImageRequest *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (self), -1);

  return self->seed;
}

void
cfai_image_request_set_seed (CfaiImageRequest *self,
                             gint64            seed)
{
  g_return_if_fail (CFAI_IS_IMAGE_REQUEST (self));
  g_return_if_fail (seed >= -1);

  if (self->seed == seed)
    return;

  self->seed = seed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEED]);
}

double
cfai_image_request_get_guidance (CfaiImageRequest *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (self), -1.0);

  return self->guidance;
}

void
cfai_image_request_set_guidance (CfaiImageRequest *self,
                                 double            guidance)
{
  g_return_if_fail (CFAI_IS_IMAGE_REQUEST (self));
  g_return_if_fail (!isnan (guidance));

  /* Every negative value means "unset"; keep one so that notify fires
   * only on a real change. */
  if (guidance < 0)
    guidance = -1.0;

  if (self->guidance == guidance)
    return;

  self->guidance = guidance;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUIDANCE]);
}

double
cfai_image_request_get_strength (CfaiImageRequest *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (self), -1.0);

  return self->strength;
}

void
cfai_image_request_set_strength (CfaiImageRequest *self,
                                 double            strength)
{
  g_return_if_fail (CFAI_IS_IMAGE_REQUEST (self));
  g_return_if_fail (!isnan (strength));

  if (strength < 0)
    strength = -1.0;

  if (self->strength == strength)
    return;

  self->strength = strength;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STRENGTH]);
}

/**
 * cfai_image_request_add_reference_image:
 * @image: the picture's bytes (PNG, JPEG or WebP), already scaled to fit
 *   cfai_image_model_rules_get_reference_max_size()
 * @mime_type: (nullable): its type; %NULL reads it from the bytes
 *
 * Appends a reference image: an `input_image_N` part for FLUX.2, the
 * img2img picture (`image_b64`) for Stable Diffusion.  Whether the model
 * takes it, and how many, is checked by cfai_image_request_build(), so a
 * UI can keep the images while the user switches models.
 */
void
cfai_image_request_add_reference_image (CfaiImageRequest *self,
                                        GBytes           *image,
                                        const char       *mime_type)
{
  Reference *reference;

  g_return_if_fail (CFAI_IS_IMAGE_REQUEST (self));
  g_return_if_fail (image != NULL);

  if (mime_type == NULL)
    mime_type = cfai_image_response_sniff_mime (g_bytes_get_data (image, NULL), g_bytes_get_size (image));

  reference = g_new0 (Reference, 1);
  reference->image = g_bytes_ref (image);
  reference->mime_type = g_strdup (mime_type);
  g_ptr_array_add (self->references, reference);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_REFERENCE_IMAGES]);
}

void
cfai_image_request_clear_reference_images (CfaiImageRequest *self)
{
  g_return_if_fail (CFAI_IS_IMAGE_REQUEST (self));

  if (self->references->len == 0)
    return;

  g_ptr_array_set_size (self->references, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_REFERENCE_IMAGES]);
}

guint
cfai_image_request_get_n_reference_images (CfaiImageRequest *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (self), 0);

  return self->references->len;
}

/**
 * cfai_image_request_get_reference_image:
 * @index: less than cfai_image_request_get_n_reference_images()
 * @mime_type: (out) (optional) (nullable): its type, %NULL when the bytes
 *   are not a picture CfAI recognises
 *
 * Returns: (transfer none): the image's bytes
 */
GBytes *
cfai_image_request_get_reference_image (CfaiImageRequest  *self,
                                        guint              index,
                                        const char       **mime_type)
{
  Reference *reference;

  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (self), NULL);
  g_return_val_if_fail (index < self->references->len, NULL);

  reference = g_ptr_array_index (self->references, index);
  if (mime_type != NULL)
    *mime_type = reference->mime_type;

  return reference->image;
}

/**
 * cfai_image_request_pick_seed:
 * @rules: (nullable): the model's rules; %NULL uses the built-in rules of
 *   the request's model
 *
 * Sets a new random seed the model accepts ("Vary seed"); see
 * cfai_image_model_rules_pick_seed().  For a model that takes no seed, or
 * one without rules, the seed becomes -1.
 *
 * Returns: the new seed
 */
gint64
cfai_image_request_pick_seed (CfaiImageRequest    *self,
                              CfaiImageModelRules *rules)
{
  g_autoptr(CfaiImageModelRules) builtin = NULL;
  gint64 seed = -1;

  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (self), -1);

  if (rules == NULL)
    rules = builtin = cfai_image_model_rules_lookup (self->model);
  if (rules != NULL)
    seed = cfai_image_model_rules_pick_seed (rules);

  cfai_image_request_set_seed (self, seed);

  return seed;
}

/**
 * cfai_image_request_copy:
 *
 * A new request with the same settings and reference images (the images'
 * bytes are shared, not copied): what a queue keeps while the user goes
 * on editing, or what "Reuse settings" starts from.
 *
 * Returns: (transfer full): the copy
 */
CfaiImageRequest *
cfai_image_request_copy (CfaiImageRequest *self)
{
  CfaiImageRequest *copy;

  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (self), NULL);

  copy = cfai_image_request_new (self->model);
  copy->prompt = g_strdup (self->prompt);
  copy->negative_prompt = g_strdup (self->negative_prompt);
  copy->steps = self->steps;
  copy->width = self->width;
  copy->height = self->height;
  copy->seed = self->seed;
  copy->guidance = self->guidance;
  copy->strength = self->strength;
  for (guint i = 0; i < self->references->len; i++)
    {
      Reference *reference = g_ptr_array_index (self->references, i);

      cfai_image_request_add_reference_image (copy, reference->image, reference->mime_type);
    }

  return copy;
}

/* Building the body */

typedef enum
{
  VALUE_TEXT,
  VALUE_INTEGER,
  VALUE_NUMBER,
  VALUE_FILE,      /* multipart only: a file part */
} ValueKind;

typedef struct
{
  const char *name;
  ValueKind   kind;
  const char *text;     /* VALUE_FILE: the part's Content-Type */
  gint64      integer;
  double      number;
  GBytes     *file;
} BodyField;

/* Room for every field and four reference images. */
#define BODY_MAX_FIELDS (CFAI_IMAGE_N_FIELDS + 4)

typedef struct
{
  BodyField  fields[BODY_MAX_FIELDS];
  guint      n_fields;
  GPtrArray *owned;     /* strings the fields point into */
} Body;

static void
body_clear (Body *body)
{
  g_clear_pointer (&body->owned, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Body, body_clear)

/* Keeps @text alive as long as the body, and returns it. */
static const char *
body_own (Body *body,
          char *text)
{
  if (body->owned == NULL)
    body->owned = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (body->owned, text);

  return text;
}

static void
body_add (Body       *body,
          const char *name,
          ValueKind   kind,
          const char *text,
          gint64      integer,
          double      number)
{
  BodyField *field;

  g_assert (body->n_fields < G_N_ELEMENTS (body->fields));

  field = &body->fields[body->n_fields++];
  field->name = name;
  field->kind = kind;
  field->text = text;
  field->integer = integer;
  field->number = number;
  field->file = NULL;
}

static void
set_field_error (GError     **error,
                 const char  *field,
                 char        *message)
{
  GError *local = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_INVALID_INPUT, message);

  cfai_error_set_field (local, field);
  g_free (message);
  g_propagate_error (error, local);
}

static char *
format_number (double value)
{
  return g_strdup_printf ("%.15g", value);
}

/* Full sentences per field, so each can be translated as a whole. */
static void
set_range_error (GError              **error,
                 CfaiImageModelRules  *rules,
                 CfaiImageField        field,
                 double                value)
{
  const char *model = cfai_image_model_rules_get_display_name (rules);
  const char *name = cfai_image_model_rules_get_field_name (rules, field);
  double minimum = 0;
  double maximum = 0;
  gboolean has_min = cfai_image_model_rules_get_minimum (rules, field, &minimum);
  gboolean has_max = cfai_image_model_rules_get_maximum (rules, field, &maximum);
  g_autofree char *min = format_number (minimum);
  g_autofree char *max = format_number (maximum);
  g_autofree char *val = format_number (value);
  char *message = NULL;

  switch (field)
    {
    case CFAI_IMAGE_FIELD_PROMPT:
      if (has_min && has_max)
        message = g_strdup_printf (_("The prompt has %s characters; %s takes between %s and %s."), val, model, min, max);
      else if (has_min)
        message = g_strdup_printf (_("The prompt has %s characters; %s takes at least %s."), val, model, min);
      else
        message = g_strdup_printf (_("The prompt has %s characters; %s takes at most %s."), val, model, max);
      break;

    case CFAI_IMAGE_FIELD_NEGATIVE_PROMPT:
      if (has_min && has_max)
        message = g_strdup_printf (_("The negative prompt has %s characters; %s takes between %s and %s."), val, model, min, max);
      else if (has_min)
        message = g_strdup_printf (_("The negative prompt has %s characters; %s takes at least %s."), val, model, min);
      else
        message = g_strdup_printf (_("The negative prompt has %s characters; %s takes at most %s."), val, model, max);
      break;

    case CFAI_IMAGE_FIELD_STEPS:
      if (has_min && has_max)
        message = g_strdup_printf (_("Steps must be between %s and %s for %s."), min, max, model);
      else if (has_min)
        message = g_strdup_printf (_("Steps must be at least %s for %s."), min, model);
      else
        message = g_strdup_printf (_("Steps must be at most %s for %s."), max, model);
      break;

    case CFAI_IMAGE_FIELD_WIDTH:
      if (has_min && has_max)
        message = g_strdup_printf (_("Width must be between %s and %s for %s."), min, max, model);
      else if (has_min)
        message = g_strdup_printf (_("Width must be at least %s for %s."), min, model);
      else
        message = g_strdup_printf (_("Width must be at most %s for %s."), max, model);
      break;

    case CFAI_IMAGE_FIELD_HEIGHT:
      if (has_min && has_max)
        message = g_strdup_printf (_("Height must be between %s and %s for %s."), min, max, model);
      else if (has_min)
        message = g_strdup_printf (_("Height must be at least %s for %s."), min, model);
      else
        message = g_strdup_printf (_("Height must be at most %s for %s."), max, model);
      break;

    case CFAI_IMAGE_FIELD_SEED:
      if (has_min && has_max)
        message = g_strdup_printf (_("Seed must be between %s and %s for %s."), min, max, model);
      else if (has_min)
        message = g_strdup_printf (_("Seed must be at least %s for %s."), min, model);
      else
        message = g_strdup_printf (_("Seed must be at most %s for %s."), max, model);
      break;

    case CFAI_IMAGE_FIELD_GUIDANCE:
      if (has_min && has_max)
        message = g_strdup_printf (_("Guidance must be between %s and %s for %s."), min, max, model);
      else if (has_min)
        message = g_strdup_printf (_("Guidance must be at least %s for %s."), min, model);
      else
        message = g_strdup_printf (_("Guidance must be at most %s for %s."), max, model);
      break;

    case CFAI_IMAGE_FIELD_STRENGTH:
      if (has_min && has_max)
        message = g_strdup_printf (_("Strength must be between %s and %s for %s."), min, max, model);
      else if (has_min)
        message = g_strdup_printf (_("Strength must be at least %s for %s."), min, model);
      else
        message = g_strdup_printf (_("Strength must be at most %s for %s."), max, model);
      break;

    default:
      g_assert_not_reached ();
    }

  set_field_error (error, name, message);
}

static gboolean
check_range (CfaiImageModelRules  *rules,
             CfaiImageField        field,
             double                value,
             GError              **error)
{
  double minimum;
  double maximum;

  if ((cfai_image_model_rules_get_minimum (rules, field, &minimum) && value < minimum) ||
      (cfai_image_model_rules_get_maximum (rules, field, &maximum) && value > maximum))
    {
      set_range_error (error, rules, field, value);
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

static gboolean
add_prompt (Body                 *body,
            CfaiImageModelRules  *rules,
            const char           *prompt,
            GError              **error)
{
  const char *name = cfai_image_model_rules_get_field_name (rules, CFAI_IMAGE_FIELD_PROMPT);

  if (name == NULL)
    name = "prompt";

  if (prompt != NULL && !g_utf8_validate (prompt, -1, NULL))
    {
      set_field_error (error, name, g_strdup (_("The prompt is not valid UTF-8 text.")));
      return FALSE;
    }

  if (is_blank (prompt))
    {
      set_field_error (error, name, g_strdup (_("Describe the picture you want in the prompt.")));
      return FALSE;
    }

  /* JSON Schema counts lengths in characters, not bytes. */
  if (!check_range (rules, CFAI_IMAGE_FIELD_PROMPT, g_utf8_strlen (prompt, -1), error))
    return FALSE;

  body_add (body, name, VALUE_TEXT, prompt, 0, 0);
  return TRUE;
}

static gboolean
add_negative_prompt (Body                 *body,
                     CfaiImageModelRules  *rules,
                     const char           *negative_prompt,
                     GError              **error)
{
  const char *name = cfai_image_model_rules_get_field_name (rules, CFAI_IMAGE_FIELD_NEGATIVE_PROMPT);

  /* Phoenix refuses an empty negative_prompt (minLength 1), and for the
   * others an empty one only costs bytes, so a blank one is never sent. */
  if (name == NULL || is_blank (negative_prompt))
    return TRUE;

  if (!g_utf8_validate (negative_prompt, -1, NULL))
    {
      set_field_error (error, name, g_strdup (_("The negative prompt is not valid UTF-8 text.")));
      return FALSE;
    }

  if (!check_range (rules, CFAI_IMAGE_FIELD_NEGATIVE_PROMPT, g_utf8_strlen (negative_prompt, -1), error))
    return FALSE;

  body_add (body, name, VALUE_TEXT, negative_prompt, 0, 0);
  return TRUE;
}

static gboolean
add_missing_required (Body                 *body,
                      CfaiImageModelRules  *rules,
                      CfaiImageField        field,
                      ValueKind             kind,
                      GError              **error)
{
  const char *name = cfai_image_model_rules_get_field_name (rules, field);
  double default_value;

  if (!cfai_image_model_rules_get_field_required (rules, field))
    return TRUE;

  if (!cfai_image_model_rules_get_default (rules, field, &default_value))
    {
      set_field_error (error, name,
                       g_strdup_printf (_("%s needs a value for “%s”."),
                                        cfai_image_model_rules_get_display_name (rules), name));
      return FALSE;
    }

  body_add (body, name, kind, NULL, (gint64) default_value, default_value);
  return TRUE;
}

static gboolean
add_steps (Body                 *body,
           CfaiImageModelRules  *rules,
           guint                 steps,
           GError              **error)
{
  const char *name = cfai_image_model_rules_get_field_name (rules, CFAI_IMAGE_FIELD_STEPS);
  double value;

  if (name == NULL)
    return TRUE;

  if (cfai_image_model_rules_get_steps_fixed (rules))
    {
      double fixed = 0;

      cfai_image_model_rules_get_minimum (rules, CFAI_IMAGE_FIELD_STEPS, &fixed);
      if (steps != 0 && steps != fixed)
        {
          g_autofree char *fixed_text = format_number (fixed);

          set_field_error (error, name,
                           g_strdup_printf (_("%s always uses %s steps."),
                                            cfai_image_model_rules_get_display_name (rules), fixed_text));
          return FALSE;
        }

      /* Cloudflare's own examples for these models leave steps out. */
      return add_missing_required (body, rules, CFAI_IMAGE_FIELD_STEPS, VALUE_INTEGER, error);
    }

  if (steps != 0)
    {
      if (!check_range (rules, CFAI_IMAGE_FIELD_STEPS, steps, error))
        return FALSE;

      body_add (body, name, VALUE_INTEGER, NULL, steps, 0);
      return TRUE;
    }

  /* Flux requests without steps have failed with "unexpected type 'int32'
   * with value 'undefined'" (code 1000): whenever the default is known,
   * say it explicitly rather than trust the server to fill it in. */
  if (cfai_image_model_rules_get_default (rules, CFAI_IMAGE_FIELD_STEPS, &value))
    {
      body_add (body, name, VALUE_INTEGER, NULL, (gint64) value, 0);
      return TRUE;
    }

  return add_missing_required (body, rules, CFAI_IMAGE_FIELD_STEPS, VALUE_INTEGER, error);
}

static gboolean
add_integer (Body                 *body,
             CfaiImageModelRules  *rules,
             CfaiImageField        field,
             gboolean              is_set,
             gint64                value,
             GError              **error)
{
  const char *name = cfai_image_model_rules_get_field_name (rules, field);

  if (name == NULL)
    return TRUE;

  if (!is_set)
    return add_missing_required (body, rules, field, VALUE_INTEGER, error);

  if (!check_range (rules, field, value, error))
    return FALSE;

  body_add (body, name, VALUE_INTEGER, NULL, value, 0);
  return TRUE;
}

static gboolean
add_guidance (Body                 *body,
              CfaiImageModelRules  *rules,
              double                guidance,
              GError              **error)
{
  const char *name = cfai_image_model_rules_get_field_name (rules, CFAI_IMAGE_FIELD_GUIDANCE);
  gboolean is_integer = cfai_image_model_rules_get_field_is_integer (rules, CFAI_IMAGE_FIELD_GUIDANCE);

  if (name == NULL)
    return TRUE;

  if (guidance < 0)
    return add_missing_required (body, rules, CFAI_IMAGE_FIELD_GUIDANCE,
                                 is_integer ? VALUE_INTEGER : VALUE_NUMBER, error);

  if (!check_range (rules, CFAI_IMAGE_FIELD_GUIDANCE, guidance, error))
    return FALSE;

  if (is_integer && guidance != floor (guidance))
    {
      set_field_error (error, name,
                       g_strdup_printf (_("Guidance must be a whole number for %s."),
                                        cfai_image_model_rules_get_display_name (rules)));
      return FALSE;
    }

  body_add (body, name, is_integer ? VALUE_INTEGER : VALUE_NUMBER, NULL, (gint64) guidance, guidance);
  return TRUE;
}

static const char *
extension_for (const char *mime_type)
{
  if (g_strcmp0 (mime_type, "image/jpeg") == 0)
    return "jpg";
  if (g_strcmp0 (mime_type, "image/webp") == 0)
    return "webp";
  return "png";
}

static gboolean
add_references (Body                 *body,
                CfaiImageModelRules  *rules,
                GPtrArray            *references,
                double                strength,
                GError              **error)
{
  const char *model = cfai_image_model_rules_get_display_name (rules);
  guint max = cfai_image_model_rules_get_max_reference_images (rules);
  CfaiImageReferenceKind kind = cfai_image_model_rules_get_reference_kind (rules);
  const char *name;

  if (references->len == 0)
    return TRUE;

  if (kind == CFAI_IMAGE_REFERENCE_NONE || max == 0)
    {
      set_field_error (error, CFAI_IMAGE_REQUEST_FIELD_REFERENCE_IMAGES,
                       g_strdup_printf (_("%s does not take reference images. Remove them, or choose a model that takes them."),
                                        model));
      return FALSE;
    }

  if (references->len > max)
    {
      set_field_error (error, CFAI_IMAGE_REQUEST_FIELD_REFERENCE_IMAGES,
                       g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "%s takes at most %u reference image; remove %u.",
                                                     "%s takes at most %u reference images; remove %u.",
                                                     max),
                                        model, max, references->len - max));
      return FALSE;
    }

  /* The bytes decide the type: a UI's label could be wrong, and a part
   * that is not a picture would only be refused by the server. */
  for (guint i = 0; i < references->len; i++)
    {
      Reference *reference = g_ptr_array_index (references, i);

      if (cfai_image_response_sniff_mime (g_bytes_get_data (reference->image, NULL),
                                          g_bytes_get_size (reference->image)) == NULL)
        {
          set_field_error (error, CFAI_IMAGE_REQUEST_FIELD_REFERENCE_IMAGES,
                           g_strdup_printf (_("Reference image %u is not a PNG, JPEG or WebP picture."), i + 1));
          return FALSE;
        }
    }

  switch (kind)
    {
    case CFAI_IMAGE_REFERENCE_PARTS:
      for (guint i = 0; i < references->len; i++)
        {
          Reference *reference = g_ptr_array_index (references, i);
          const char *mime = cfai_image_response_sniff_mime (g_bytes_get_data (reference->image, NULL),
                                                             g_bytes_get_size (reference->image));
          BodyField *field;

          g_assert (body->n_fields < G_N_ELEMENTS (body->fields));
          field = &body->fields[body->n_fields++];
          field->name = body_own (body, g_strdup_printf ("input_image_%u", i));
          field->kind = VALUE_FILE;
          field->text = mime;
          field->file = reference->image;
        }
      return TRUE;

    case CFAI_IMAGE_REFERENCE_IMG2IMG:
      {
        Reference *reference = g_ptr_array_index (references, 0);
        gsize length;
        const guint8 *data = g_bytes_get_data (reference->image, &length);

        body_add (body, "image_b64", VALUE_TEXT, body_own (body, g_base64_encode (data, length)), 0, 0);

        name = cfai_image_model_rules_get_field_name (rules, CFAI_IMAGE_FIELD_STRENGTH);
        if (name == NULL)
          return TRUE;
        if (strength < 0)
          return add_missing_required (body, rules, CFAI_IMAGE_FIELD_STRENGTH, VALUE_NUMBER, error);
        if (!check_range (rules, CFAI_IMAGE_FIELD_STRENGTH, strength, error))
          return FALSE;
        body_add (body, name, VALUE_NUMBER, NULL, 0, strength);
        return TRUE;
      }

    case CFAI_IMAGE_REFERENCE_NONE:
    default:
      g_assert_not_reached ();
    }

  return FALSE;
}

static GBytes *
body_to_json (const Body *body)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  char *data;

  for (guint i = 0; i < body->n_fields; i++)
    {
      const BodyField *field = &body->fields[i];

      switch (field->kind)
        {
        case VALUE_TEXT:
          json_object_set_string_member (object, field->name, field->text);
          break;

        case VALUE_INTEGER:
          json_object_set_int_member (object, field->name, field->integer);
          break;

        case VALUE_NUMBER:
          json_object_set_double_member (object, field->name, field->number);
          break;

        case VALUE_FILE:
        default:
          g_assert_not_reached ();
        }
    }

  root = json_node_init_object (json_node_alloc (), object);
  data = json_to_string (root, FALSE);

  return g_bytes_new_take (data, strlen (data));
}

static GBytes *
body_to_multipart (const Body  *body,
                   char       **content_type)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  GBytes *bytes = NULL;

  for (guint i = 0; i < body->n_fields; i++)
    {
      const BodyField *field = &body->fields[i];
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      switch (field->kind)
        {
        case VALUE_TEXT:
          soup_multipart_append_form_string (multipart, field->name, field->text);
          break;

        case VALUE_INTEGER:
          g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, field->integer);
          soup_multipart_append_form_string (multipart, field->name, number);
          break;

        case VALUE_NUMBER:
          /* Not printf: a form value must not follow the user's locale. */
          g_ascii_formatd (number, sizeof number, "%.15g", field->number);
          soup_multipart_append_form_string (multipart, field->name, number);
          break;

        case VALUE_FILE:
          {
            g_autofree char *filename = g_strdup_printf ("%s.%s", field->name, extension_for (field->text));

            soup_multipart_append_form_file (multipart, field->name, filename, field->text, field->file);
          }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  soup_multipart_to_message (multipart, headers, &bytes);

  /* The boundary is a parameter of this header; without it the server
   * cannot split the parts. */
  *content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));

  return bytes;
}

/**
 * cfai_image_request_build:
 * @rules: (nullable): the model's rules, from its schema; %NULL uses the
 *   built-in rules of the request's model
 * @out_content_type: (out): the Content-Type to send, with the boundary
 *   for multipart bodies
 * @out_body: (out): the request body
 *
 * Checks the request against what the model accepts and encodes it as
 * the model wants it: JSON, or multipart/form-data for FLUX.2, with the
 * reference images as file parts (FLUX.2) or a base64 `image_b64` and
 * its `strength` (img2img).  Errors are %CFAI_ERROR_INVALID_INPUT with
 * the offending field's wire name set (see cfai_error_get_field()), or
 * %CFAI_IMAGE_REQUEST_FIELD_REFERENCE_IMAGES for reference images the
 * model does not take (more than cfai_image_model_rules_get_max_reference_images(),
 * or any for a model that takes none).
 *
 * Returns: %TRUE on success
 */
gboolean
cfai_image_request_build (CfaiImageRequest     *self,
                          CfaiImageModelRules  *rules,
                          char                **out_content_type,
                          GBytes              **out_body,
                          GError              **error)
{
  g_autoptr(CfaiImageModelRules) builtin = NULL;
  g_auto(Body) body = { 0 };

  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (self), FALSE);
  g_return_val_if_fail (out_content_type != NULL, FALSE);
  g_return_val_if_fail (out_body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (rules == NULL)
    {
      if (self->model == NULL || *self->model == '\0')
        {
          set_field_error (error, "model", g_strdup (_("Choose an image model first.")));
          return FALSE;
        }

      rules = builtin = cfai_image_model_rules_lookup (self->model);
      if (rules == NULL)
        {
          set_field_error (error, "model",
                           g_strdup_printf (_("CfAI does not know which settings the model “%s” takes yet. Reload the model list and try again."),
                                            self->model));
          return FALSE;
        }
    }

  if (!add_prompt (&body, rules, self->prompt, error) ||
      !add_negative_prompt (&body, rules, self->negative_prompt, error) ||
      !add_steps (&body, rules, self->steps, error) ||
      !add_integer (&body, rules, CFAI_IMAGE_FIELD_WIDTH, self->width != 0, self->width, error) ||
      !add_integer (&body, rules, CFAI_IMAGE_FIELD_HEIGHT, self->height != 0, self->height, error) ||
      !add_integer (&body, rules, CFAI_IMAGE_FIELD_SEED, self->seed >= 0, self->seed, error) ||
      !add_guidance (&body, rules, self->guidance, error) ||
      !add_references (&body, rules, self->references, self->strength, error))
    return FALSE;

  switch (cfai_image_model_rules_get_input_encoding (rules))
    {
    case CFAI_IMAGE_INPUT_JSON:
      *out_body = body_to_json (&body);
      *out_content_type = g_strdup ("application/json");
      break;

    case CFAI_IMAGE_INPUT_MULTIPART:
      *out_body = body_to_multipart (&body, out_content_type);
      break;

    default:
      g_assert_not_reached ();
    }

  return TRUE;
}
