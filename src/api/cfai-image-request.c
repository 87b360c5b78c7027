/* cfai-image-request.c — one text-to-image request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "cfai-image-request.h"
#include "cfai-image-response.h"

/* The properties hold what the user asked for, whatever the model; the
 * model's rules decide at build time what is sent
 * (cfai-image-request-build.c). */
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
