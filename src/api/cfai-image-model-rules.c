/* cfai-image-model-rules.c — what a text-to-image model accepts and answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cfai-error.h"
#include "cfai-image-model-rules.h"
#include "cfai-json.h"

typedef enum
{
  FIELD_HAS_MINIMUM = 1 << 0,
  FIELD_HAS_MAXIMUM = 1 << 1,
  FIELD_HAS_DEFAULT = 1 << 2,
  FIELD_IS_INTEGER  = 1 << 3,
  FIELD_REQUIRED    = 1 << 4,
} FieldFlags;

typedef struct
{
  char       *name;          /* as sent; NULL when the model does not take it */
  FieldFlags  flags;
  double      minimum;
  double      maximum;
  double      default_value;
} FieldRule;

struct _CfaiImageModelRules
{
  gatomicrefcount         ref_count;
  char                   *model_id;
  char                   *display_name;
  CfaiImageInputEncoding  input;
  CfaiImageOutputKind     output;
  char                   *output_content_type;
  char                   *output_field;
  FieldRule               fields[CFAI_IMAGE_N_FIELDS];
  CfaiImageReferenceKind  reference;
  guint                   max_references;
  guint                   reference_max_side;  /* 0: no documented limit */
};

G_DEFINE_BOXED_TYPE (CfaiImageModelRules, cfai_image_model_rules,
                     cfai_image_model_rules_ref, cfai_image_model_rules_unref)

/* The built-in table is the fallback for when no schema could be fetched
 * (offline, or the schema endpoint failed).  Every entry must agree with
 * Cloudflare's published schema for the model; tests/test-image-request.c
 * checks that against the schema files.  The FLUX.2 schemas only say
 * "multipart", so their fields come from Cloudflare's launch notes
 * (changelog 2025-11-25 for [dev]: width 256–1920 default 1024, height
 * 256–1920 default 768; 2026-01-28 for [klein] 9B: steps fixed at 4, like
 * the 4B), and so do their reference images (up to four, each at most
 * 512×512: docs/workers-ai.md, "2026 changes"). */
typedef struct
{
  const char *name;
  FieldFlags  flags;
  double      minimum;
  double      maximum;
  double      default_value;
} BuiltinField;

typedef struct
{
  const char             *id;
  const char             *display_name;
  CfaiImageInputEncoding  input;
  CfaiImageOutputKind     output;
  const char             *output_content_type;
  BuiltinField            fields[CFAI_IMAGE_N_FIELDS];
  CfaiImageReferenceKind  reference;
  guint                   max_references;
  guint                   reference_max_side;
} BuiltinModel;

#define INT_FIELD(name, flags, min, max, def) { name, (flags) | FIELD_IS_INTEGER, min, max, def }
#define PROMPT_FIELD(flags, min, max) { "prompt", (flags) | FIELD_REQUIRED, min, max, 0 }
#define NO_FIELD { NULL, 0, 0, 0, 0 }

#define SDXL_INPUT \
  { \
    [CFAI_IMAGE_FIELD_PROMPT] = PROMPT_FIELD (FIELD_HAS_MINIMUM, 1, 0), \
    [CFAI_IMAGE_FIELD_NEGATIVE_PROMPT] = { "negative_prompt", 0, 0, 0, 0 }, \
    [CFAI_IMAGE_FIELD_STEPS] = INT_FIELD ("num_steps", FIELD_HAS_MAXIMUM | FIELD_HAS_DEFAULT, 0, 20, 20), \
    [CFAI_IMAGE_FIELD_WIDTH] = INT_FIELD ("width", FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM, 256, 2048, 0), \
    [CFAI_IMAGE_FIELD_HEIGHT] = INT_FIELD ("height", FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM, 256, 2048, 0), \
    [CFAI_IMAGE_FIELD_SEED] = INT_FIELD ("seed", 0, 0, 0, 0), \
    [CFAI_IMAGE_FIELD_GUIDANCE] = { "guidance", FIELD_HAS_DEFAULT, 0, 0, 7.5 }, \
    /* The range is only in the description ("A value between 0 and 1"). */ \
    [CFAI_IMAGE_FIELD_STRENGTH] = { "strength", FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM | FIELD_HAS_DEFAULT, 0, 1, 1 }, \
  }, \
  CFAI_IMAGE_REFERENCE_IMG2IMG, 1, 0

#define FLUX2_KLEIN_INPUT \
  { \
    [CFAI_IMAGE_FIELD_PROMPT] = PROMPT_FIELD (FIELD_HAS_MINIMUM, 1, 0), \
    [CFAI_IMAGE_FIELD_NEGATIVE_PROMPT] = NO_FIELD, \
    [CFAI_IMAGE_FIELD_STEPS] = INT_FIELD ("steps", FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM | FIELD_HAS_DEFAULT, 4, 4, 4), \
    [CFAI_IMAGE_FIELD_WIDTH] = INT_FIELD ("width", FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM, 256, 1920, 0), \
    [CFAI_IMAGE_FIELD_HEIGHT] = INT_FIELD ("height", FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM, 256, 1920, 0), \
    [CFAI_IMAGE_FIELD_SEED] = INT_FIELD ("seed", 0, 0, 0, 0), \
    [CFAI_IMAGE_FIELD_GUIDANCE] = { "guidance", 0, 0, 0, 0 }, \
  }, \
  CFAI_IMAGE_REFERENCE_PARTS, 4, 512

static const BuiltinModel builtin_models[] = {
  {
    "@cf/black-forest-labs/flux-1-schnell", "FLUX.1 [schnell]",
    CFAI_IMAGE_INPUT_JSON, CFAI_IMAGE_OUTPUT_JSON_BASE64, "application/json",
    {
      [CFAI_IMAGE_FIELD_PROMPT] = PROMPT_FIELD (FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM, 1, 2048),
      [CFAI_IMAGE_FIELD_NEGATIVE_PROMPT] = NO_FIELD,
      /* Only the description says "Default is 4". */
      [CFAI_IMAGE_FIELD_STEPS] = INT_FIELD ("steps", FIELD_HAS_MAXIMUM | FIELD_HAS_DEFAULT, 0, 8, 4),
      [CFAI_IMAGE_FIELD_WIDTH] = NO_FIELD,
      [CFAI_IMAGE_FIELD_HEIGHT] = NO_FIELD,
      [CFAI_IMAGE_FIELD_SEED] = NO_FIELD,
      [CFAI_IMAGE_FIELD_GUIDANCE] = NO_FIELD,
    },
  },
  {
    "@cf/black-forest-labs/flux-2-dev", "FLUX.2 [dev]",
    CFAI_IMAGE_INPUT_MULTIPART, CFAI_IMAGE_OUTPUT_JSON_BASE64, "application/json",
    {
      [CFAI_IMAGE_FIELD_PROMPT] = PROMPT_FIELD (FIELD_HAS_MINIMUM, 1, 0),
      [CFAI_IMAGE_FIELD_NEGATIVE_PROMPT] = NO_FIELD,
      /* No documented default, but Flux requests without a steps value
       * have failed in production (code 1000), so one is always sent:
       * 25 is our middle ground between speed and detail. */
      [CFAI_IMAGE_FIELD_STEPS] = INT_FIELD ("steps", FIELD_HAS_MINIMUM | FIELD_HAS_DEFAULT, 1, 0, 25),
      [CFAI_IMAGE_FIELD_WIDTH] = INT_FIELD ("width", FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM | FIELD_HAS_DEFAULT, 256, 1920, 1024),
      [CFAI_IMAGE_FIELD_HEIGHT] = INT_FIELD ("height", FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM | FIELD_HAS_DEFAULT, 256, 1920, 768),
      [CFAI_IMAGE_FIELD_SEED] = INT_FIELD ("seed", 0, 0, 0, 0),
      [CFAI_IMAGE_FIELD_GUIDANCE] = { "guidance", 0, 0, 0, 0 },
    },
    CFAI_IMAGE_REFERENCE_PARTS, 4, 512,
  },
  {
    "@cf/black-forest-labs/flux-2-klein-4b", "FLUX.2 [klein] 4B",
    CFAI_IMAGE_INPUT_MULTIPART, CFAI_IMAGE_OUTPUT_JSON_BASE64, "application/json",
    FLUX2_KLEIN_INPUT,
  },
  {
    "@cf/black-forest-labs/flux-2-klein-9b", "FLUX.2 [klein] 9B",
    CFAI_IMAGE_INPUT_MULTIPART, CFAI_IMAGE_OUTPUT_JSON_BASE64, "application/json",
    FLUX2_KLEIN_INPUT,
  },
  {
    "@cf/stabilityai/stable-diffusion-xl-base-1.0", "Stable Diffusion XL",
    CFAI_IMAGE_INPUT_JSON, CFAI_IMAGE_OUTPUT_BINARY, "image/png",
    SDXL_INPUT,
  },
  {
    "@cf/bytedance/stable-diffusion-xl-lightning", "SDXL-Lightning",
    CFAI_IMAGE_INPUT_JSON, CFAI_IMAGE_OUTPUT_BINARY, "image/png",
    SDXL_INPUT,
  },
  {
    "@cf/lykon/dreamshaper-8-lcm", "DreamShaper 8 LCM",
    CFAI_IMAGE_INPUT_JSON, CFAI_IMAGE_OUTPUT_BINARY, "image/png",
    SDXL_INPUT,
  },
  {
    "@cf/leonardo/phoenix-1.0", "Phoenix 1.0",
    CFAI_IMAGE_INPUT_JSON, CFAI_IMAGE_OUTPUT_BINARY, "image/jpeg",
    {
      [CFAI_IMAGE_FIELD_PROMPT] = PROMPT_FIELD (FIELD_HAS_MINIMUM, 1, 0),
      /* minLength 1: an empty negative prompt is refused, so it is never sent. */
      [CFAI_IMAGE_FIELD_NEGATIVE_PROMPT] = { "negative_prompt", FIELD_HAS_MINIMUM, 1, 0, 0 },
      [CFAI_IMAGE_FIELD_STEPS] = INT_FIELD ("num_steps", FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM | FIELD_HAS_DEFAULT, 1, 50, 25),
      [CFAI_IMAGE_FIELD_WIDTH] = INT_FIELD ("width", FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM | FIELD_HAS_DEFAULT, 0, 2048, 1024),
      [CFAI_IMAGE_FIELD_HEIGHT] = INT_FIELD ("height", FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM | FIELD_HAS_DEFAULT, 0, 2048, 1024),
      [CFAI_IMAGE_FIELD_SEED] = INT_FIELD ("seed", FIELD_HAS_MINIMUM, 0, 0, 0),
      [CFAI_IMAGE_FIELD_GUIDANCE] = { "guidance", FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM | FIELD_HAS_DEFAULT, 2, 10, 2 },
    },
  },
  {
    "@cf/leonardo/lucid-origin", "Lucid Origin",
    CFAI_IMAGE_INPUT_JSON, CFAI_IMAGE_OUTPUT_JSON_BASE64, "application/json",
    {
      [CFAI_IMAGE_FIELD_PROMPT] = PROMPT_FIELD (FIELD_HAS_MINIMUM, 1, 0),
      [CFAI_IMAGE_FIELD_NEGATIVE_PROMPT] = NO_FIELD,
      /* The schema has both "num_steps" and "steps" with the same limits;
       * we send num_steps, as for Leonardo's Phoenix. */
      [CFAI_IMAGE_FIELD_STEPS] = INT_FIELD ("num_steps", FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM, 1, 40, 0),
      [CFAI_IMAGE_FIELD_WIDTH] = INT_FIELD ("width", FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM | FIELD_HAS_DEFAULT, 0, 2500, 1120),
      [CFAI_IMAGE_FIELD_HEIGHT] = INT_FIELD ("height", FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM | FIELD_HAS_DEFAULT, 0, 2500, 1120),
      [CFAI_IMAGE_FIELD_SEED] = INT_FIELD ("seed", FIELD_HAS_MINIMUM, 0, 0, 0),
      [CFAI_IMAGE_FIELD_GUIDANCE] = { "guidance", FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM | FIELD_HAS_DEFAULT, 0, 10, 4.5 },
    },
  },
};

static const BuiltinModel *
find_builtin (const char *model_id)
{
  if (model_id == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (builtin_models); i++)
    {
      if (g_str_equal (builtin_models[i].id, model_id))
        return &builtin_models[i];
    }

  return NULL;
}

static CfaiImageModelRules *
rules_new (const char *model_id)
{
  CfaiImageModelRules *self = g_new0 (CfaiImageModelRules, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->model_id = g_strdup (model_id);

  return self;
}

static void
copy_builtin_fields (CfaiImageModelRules *self,
                     const BuiltinModel  *builtin)
{
  for (guint i = 0; i < CFAI_IMAGE_N_FIELDS; i++)
    {
      const BuiltinField *from = &builtin->fields[i];
      FieldRule *to = &self->fields[i];

      g_clear_pointer (&to->name, g_free);
      to->name = g_strdup (from->name);
      to->flags = from->name != NULL ? from->flags : 0;
      to->minimum = from->minimum;
      to->maximum = from->maximum;
      to->default_value = from->default_value;
    }
}

static void
copy_builtin_references (CfaiImageModelRules *self,
                         const BuiltinModel  *builtin)
{
  self->reference = builtin->reference;
  self->max_references = builtin->max_references;
  self->reference_max_side = builtin->reference_max_side;
}

static void
copy_builtin_output (CfaiImageModelRules *self,
                     const BuiltinModel  *builtin)
{
  self->output = builtin->output;
  g_free (self->output_content_type);
  self->output_content_type = g_strdup (builtin->output_content_type);
  g_free (self->output_field);
  self->output_field = builtin->output == CFAI_IMAGE_OUTPUT_JSON_BASE64 ? g_strdup ("image") : NULL;
}

/**
 * cfai_image_model_rules_lookup:
 * @model_id: a full model id such as `@cf/black-forest-labs/flux-1-schnell`
 *
 * The built-in rules of a known text-to-image model, for when its schema
 * has not been fetched.
 *
 * Returns: (transfer full) (nullable): the rules, or %NULL for a model we
 *   know nothing about
 */
CfaiImageModelRules *
cfai_image_model_rules_lookup (const char *model_id)
{
  const BuiltinModel *builtin = find_builtin (model_id);
  CfaiImageModelRules *self;

  if (builtin == NULL)
    return NULL;

  self = rules_new (builtin->id);
  self->display_name = g_strdup (builtin->display_name);
  self->input = builtin->input;
  copy_builtin_fields (self, builtin);
  copy_builtin_references (self, builtin);
  copy_builtin_output (self, builtin);

  return self;
}

/**
 * cfai_image_model_rules_list_builtin:
 *
 * Returns: (transfer none): the ids of the models with built-in rules
 */
const char * const *
cfai_image_model_rules_list_builtin (void)
{
  static const char *ids[G_N_ELEMENTS (builtin_models) + 1];

  if (g_once_init_enter_pointer (&ids[0]))
    {
      for (guint i = 1; i < G_N_ELEMENTS (builtin_models); i++)
        ids[i] = builtin_models[i].id;
      g_once_init_leave_pointer (&ids[0], builtin_models[0].id);
    }

  return ids;
}

/* Several schemas give the default only in prose ("… take longer. Default
 * is 4"), and a Flux request without steps fails, so the prose is the only
 * place to learn what to send. */
static gboolean
parse_default_from_description (const char *description,
                                double     *value)
{
  static const char * const markers[] = { "default is ", "defaults to ", "default: " };
  g_autofree char *lower = NULL;

  if (description == NULL)
    return FALSE;

  lower = g_ascii_strdown (description, -1);

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    {
      const char *found = strstr (lower, markers[i]);
      const char *start;
      char *end = NULL;
      double parsed;

      if (found == NULL)
        continue;

      start = found + strlen (markers[i]);
      if (!g_ascii_isdigit (*start) && !(*start == '-' && g_ascii_isdigit (start[1])))
        continue;

      parsed = g_ascii_strtod (start, &end);
      if (end == start || !isfinite (parsed))
        continue;

      *value = parsed;
      return TRUE;
    }

  return FALSE;
}

/* Stable Diffusion's strength says its range only in prose ("A value
 * between 0 and 1 indicating …"); without it a UI could not offer a
 * slider, and the request could not refuse 1.5 before a round trip. */
static gboolean
parse_range_from_description (const char *description,
                              double     *minimum,
                              double     *maximum)
{
  g_autofree char *lower = NULL;
  const char *found;
  char *end = NULL;
  double low;
  double high;

  if (description == NULL)
    return FALSE;

  lower = g_ascii_strdown (description, -1);
  found = strstr (lower, "between ");
  if (found == NULL)
    return FALSE;

  found += strlen ("between ");
  low = g_ascii_strtod (found, &end);
  if (end == found || !isfinite (low) || !g_str_has_prefix (end, " and "))
    return FALSE;

  found = end + strlen (" and ");
  high = g_ascii_strtod (found, &end);
  if (end == found || !isfinite (high) || high < low)
    return FALSE;

  *minimum = low;
  *maximum = high;
  return TRUE;
}

static void
read_field (FieldRule  *rule,
            const char *name,
            JsonObject *property,
            gboolean    is_text,
            gboolean    required)
{
  const char *type = cfai_json_get_string (property, "type");
  const char *min_member = is_text ? "minLength" : "minimum";
  const char *max_member = is_text ? "maxLength" : "maximum";

  g_clear_pointer (&rule->name, g_free);
  rule->name = g_strdup (name);
  rule->flags = 0;

  if (required)
    rule->flags |= FIELD_REQUIRED;
  if (g_strcmp0 (type, "integer") == 0)
    rule->flags |= FIELD_IS_INTEGER;
  if (cfai_json_get_number (property, min_member, &rule->minimum))
    rule->flags |= FIELD_HAS_MINIMUM;
  if (cfai_json_get_number (property, max_member, &rule->maximum))
    rule->flags |= FIELD_HAS_MAXIMUM;

  if (!is_text && (rule->flags & (FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM)) == 0 &&
      parse_range_from_description (cfai_json_get_string (property, "description"),
                                    &rule->minimum, &rule->maximum))
    rule->flags |= FIELD_HAS_MINIMUM | FIELD_HAS_MAXIMUM;

  if (!is_text)
    {
      if (cfai_json_get_number (property, "default", &rule->default_value) ||
          parse_default_from_description (cfai_json_get_string (property, "description"),
                                          &rule->default_value))
        rule->flags |= FIELD_HAS_DEFAULT;
    }
}

static gboolean
is_required (JsonObject *schema,
             const char *name)
{
  JsonArray *array = cfai_json_get_array (schema, "required");

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (g_strcmp0 (cfai_json_array_get_string (array, i), name) == 0)
      return TRUE;

  return FALSE;
}

static void
read_output (CfaiImageModelRules *self,
             JsonObject          *output)
{
  const char *content_type = cfai_json_get_string (output, "contentType");
  const char *type = cfai_json_get_string (output, "type");
  const char *format = cfai_json_get_string (output, "format");
  JsonObject *properties = cfai_json_get_object (output, "properties");

  g_clear_pointer (&self->output_content_type, g_free);
  g_clear_pointer (&self->output_field, g_free);

  if ((content_type != NULL && g_str_has_prefix (content_type, "image/")) ||
      (g_strcmp0 (type, "string") == 0 && g_strcmp0 (format, "binary") == 0))
    {
      self->output = CFAI_IMAGE_OUTPUT_BINARY;
      self->output_content_type = g_strdup (content_type);
      return;
    }

  self->output = CFAI_IMAGE_OUTPUT_JSON_BASE64;
  self->output_content_type = g_strdup (content_type != NULL ? content_type : "application/json");
  if (properties != NULL && json_object_has_member (properties, "image"))
    self->output_field = g_strdup ("image");
}

static char *
display_name_from_id (const char *model_id)
{
  const char *slash = strrchr (model_id, '/');

  return g_strdup (slash != NULL && slash[1] != '\0' ? slash + 1 : model_id);
}

/**
 * cfai_image_model_rules_new_from_schema:
 * @model_id: the full model id
 * @input_schema: the model's input JSON Schema, or the `{input, output}`
 *   pair that `/ai/models/schema` answers (then the output is read too)
 *
 * Reads the field names, limits and defaults a text-to-image model
 * accepts from its published schema.  A live schema is newer than our
 * built-in table, so where it says something it wins.  FLUX.2 schemas only
 * say "multipart" and nothing about the fields inside: for a model in the
 * built-in table those fields come from the table; for an unknown
 * multipart model only the prompt is sent, since guessing names would risk
 * a refused request.
 *
 * Returns: (transfer full): the rules, or %NULL with @error set
 */
CfaiImageModelRules *
cfai_image_model_rules_new_from_schema (const char  *model_id,
                                        JsonNode    *input_schema,
                                        GError     **error)
{
  g_autoptr(CfaiImageModelRules) self = NULL;
  const BuiltinModel *builtin;
  JsonObject *schema;
  JsonObject *output = NULL;
  JsonObject *properties;
  JsonObject *property;

  g_return_val_if_fail (model_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (input_schema == NULL || !JSON_NODE_HOLDS_OBJECT (input_schema))
    {
      g_set_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                   _("The schema of the model “%s” is not a JSON object."), model_id);
      return NULL;
    }

  schema = json_node_get_object (input_schema);
  if (!json_object_has_member (schema, "properties") && cfai_json_get_object (schema, "input") != NULL)
    {
      output = cfai_json_get_object (schema, "output");
      schema = cfai_json_get_object (schema, "input");
    }

  properties = cfai_json_get_object (schema, "properties");
  if (properties == NULL)
    {
      g_set_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                   _("The schema of the model “%s” lists no input fields."), model_id);
      return NULL;
    }

  builtin = find_builtin (model_id);
  self = rules_new (model_id);
  self->display_name = builtin != NULL ? g_strdup (builtin->display_name) : display_name_from_id (model_id);

  if (cfai_json_get_object (properties, "prompt") == NULL &&
      cfai_json_get_object (properties, "multipart") != NULL)
    {
      self->input = CFAI_IMAGE_INPUT_MULTIPART;
      if (builtin != NULL)
        {
          copy_builtin_fields (self, builtin);
          copy_builtin_references (self, builtin);
        }
      else
        {
          self->fields[CFAI_IMAGE_FIELD_PROMPT].name = g_strdup ("prompt");
          self->fields[CFAI_IMAGE_FIELD_PROMPT].flags = FIELD_REQUIRED;
        }
    }
  else
    {
      static const struct {
        CfaiImageField field;
        const char *name;
      } numeric[] = {
        { CFAI_IMAGE_FIELD_WIDTH, "width" },
        { CFAI_IMAGE_FIELD_HEIGHT, "height" },
        { CFAI_IMAGE_FIELD_SEED, "seed" },
        { CFAI_IMAGE_FIELD_GUIDANCE, "guidance" },
      };

      self->input = CFAI_IMAGE_INPUT_JSON;

      if (!(property = cfai_json_get_object (properties, "prompt")))
        {
          g_set_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT,
                       _("The model “%s” does not take a text prompt, so it cannot make images from text."),
                       model_id);
          return NULL;
        }
      read_field (&self->fields[CFAI_IMAGE_FIELD_PROMPT], "prompt", property, TRUE,
                  is_required (schema, "prompt"));

      if ((property = cfai_json_get_object (properties, "negative_prompt")))
        read_field (&self->fields[CFAI_IMAGE_FIELD_NEGATIVE_PROMPT], "negative_prompt", property, TRUE,
                    is_required (schema, "negative_prompt"));

      /* Lucid Origin lists both spellings; num_steps is what the other
       * Leonardo and Stability models use. */
      if ((property = cfai_json_get_object (properties, "num_steps")))
        read_field (&self->fields[CFAI_IMAGE_FIELD_STEPS], "num_steps", property, FALSE,
                    is_required (schema, "num_steps"));
      else if ((property = cfai_json_get_object (properties, "steps")))
        read_field (&self->fields[CFAI_IMAGE_FIELD_STEPS], "steps", property, FALSE,
                    is_required (schema, "steps"));

      for (guint i = 0; i < G_N_ELEMENTS (numeric); i++)
        {
          if ((property = cfai_json_get_object (properties, numeric[i].name)))
            read_field (&self->fields[numeric[i].field], numeric[i].name, property, FALSE,
                        is_required (schema, numeric[i].name));
        }

      /* img2img: the Stable Diffusion schemas take the picture as a base64
       * string, and also as "image", an array of byte values, which would
       * be four times the size in JSON; we send the string.  Strength
       * belongs to img2img and is only read when it is there.  No
       * schema states a size limit for the picture. */
      if ((property = cfai_json_get_object (properties, "image_b64")) &&
          g_strcmp0 (cfai_json_get_string (property, "type"), "string") == 0)
        {
          self->reference = CFAI_IMAGE_REFERENCE_IMG2IMG;
          self->max_references = 1;
          if ((property = cfai_json_get_object (properties, "strength")))
            read_field (&self->fields[CFAI_IMAGE_FIELD_STRENGTH], "strength", property, FALSE,
                        is_required (schema, "strength"));
        }
    }

  if (output != NULL)
    read_output (self, output);
  else if (builtin != NULL)
    copy_builtin_output (self, builtin);
  else
    {
      /* Without an output schema, assume what the newer models do; the
       * decoder looks at the answer's Content-Type in any case. */
      self->output = CFAI_IMAGE_OUTPUT_JSON_BASE64;
      self->output_content_type = g_strdup ("application/json");
      self->output_field = g_strdup ("image");
    }

  return g_steal_pointer (&self);
}

CfaiImageModelRules *
cfai_image_model_rules_ref (CfaiImageModelRules *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
cfai_image_model_rules_unref (CfaiImageModelRules *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  for (guint i = 0; i < CFAI_IMAGE_N_FIELDS; i++)
    g_clear_pointer (&self->fields[i].name, g_free);
  g_clear_pointer (&self->model_id, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->output_content_type, g_free);
  g_clear_pointer (&self->output_field, g_free);
  g_free (self);
}

const char *
cfai_image_model_rules_get_model_id (CfaiImageModelRules *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->model_id;
}

/**
 * cfai_image_model_rules_get_display_name:
 *
 * Returns: the model's product name ("FLUX.2 [dev]") for known models, the
 *   last part of the id otherwise; used in error messages
 */
const char *
cfai_image_model_rules_get_display_name (CfaiImageModelRules *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->display_name;
}

CfaiImageInputEncoding
cfai_image_model_rules_get_input_encoding (CfaiImageModelRules *self)
{
  g_return_val_if_fail (self != NULL, CFAI_IMAGE_INPUT_JSON);

  return self->input;
}

CfaiImageOutputKind
cfai_image_model_rules_get_output_kind (CfaiImageModelRules *self)
{
  g_return_val_if_fail (self != NULL, CFAI_IMAGE_OUTPUT_JSON_BASE64);

  return self->output;
}

/**
 * cfai_image_model_rules_get_output_content_type:
 *
 * Returns: (nullable): the documented Content-Type of the answer
 *   ("image/png", "application/json"), or %NULL when the schema says
 *   binary without naming a type
 */
const char *
cfai_image_model_rules_get_output_content_type (CfaiImageModelRules *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->output_content_type;
}

/**
 * cfai_image_model_rules_get_output_field:
 *
 * Returns: (nullable): the JSON member that carries the base64 image
 *   ("image"), or %NULL for binary answers
 */
const char *
cfai_image_model_rules_get_output_field (CfaiImageModelRules *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->output_field;
}

/**
 * cfai_image_model_rules_get_field_name:
 *
 * Returns: (nullable): the name the model expects for @field ("steps" or
 *   "num_steps"), or %NULL when the model does not take it — a UI hides
 *   the control then, and the request leaves the field out
 */
const char *
cfai_image_model_rules_get_field_name (CfaiImageModelRules *self,
                                       CfaiImageField       field)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (field < CFAI_IMAGE_N_FIELDS, NULL);

  return self->fields[field].name;
}

gboolean
cfai_image_model_rules_get_field_is_integer (CfaiImageModelRules *self,
                                             CfaiImageField       field)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (field < CFAI_IMAGE_N_FIELDS, FALSE);

  return (self->fields[field].flags & FIELD_IS_INTEGER) != 0;
}

static gboolean
get_limit (CfaiImageModelRules *self,
           CfaiImageField       field,
           FieldFlags           flag,
           double               value,
           double              *out)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (field < CFAI_IMAGE_N_FIELDS, FALSE);

  if ((self->fields[field].flags & flag) == 0)
    return FALSE;

  if (out != NULL)
    *out = value;

  return TRUE;
}

gboolean
cfai_image_model_rules_get_minimum (CfaiImageModelRules *self,
                                    CfaiImageField       field,
                                    double              *minimum)
{
  g_return_val_if_fail (self != NULL && field < CFAI_IMAGE_N_FIELDS, FALSE);

  return get_limit (self, field, FIELD_HAS_MINIMUM, self->fields[field].minimum, minimum);
}

gboolean
cfai_image_model_rules_get_maximum (CfaiImageModelRules *self,
                                    CfaiImageField       field,
                                    double              *maximum)
{
  g_return_val_if_fail (self != NULL && field < CFAI_IMAGE_N_FIELDS, FALSE);

  return get_limit (self, field, FIELD_HAS_MAXIMUM, self->fields[field].maximum, maximum);
}

gboolean
cfai_image_model_rules_get_default (CfaiImageModelRules *self,
                                    CfaiImageField       field,
                                    double              *default_value)
{
  g_return_val_if_fail (self != NULL && field < CFAI_IMAGE_N_FIELDS, FALSE);

  return get_limit (self, field, FIELD_HAS_DEFAULT, self->fields[field].default_value, default_value);
}

/**
 * cfai_image_model_rules_get_steps_fixed:
 *
 * Returns: %TRUE when the model runs a fixed number of steps (its minimum
 *   equals its maximum, as for FLUX.2 [klein]); the request then leaves
 *   steps out and refuses any other value
 */
gboolean
cfai_image_model_rules_get_steps_fixed (CfaiImageModelRules *self)
{
  const FieldRule *steps;

  g_return_val_if_fail (self != NULL, FALSE);

  steps = &self->fields[CFAI_IMAGE_FIELD_STEPS];

  return steps->name != NULL &&
         (steps->flags & FIELD_HAS_MINIMUM) != 0 &&
         (steps->flags & FIELD_HAS_MAXIMUM) != 0 &&
         steps->minimum == steps->maximum;
}

/**
 * cfai_image_model_rules_get_reference_kind:
 *
 * Returns: how the model takes reference images: as multipart file parts
 *   (FLUX.2), as one img2img picture with a strength (Stable Diffusion,
 *   when its schema has `image_b64`), or not at all
 */
CfaiImageReferenceKind
cfai_image_model_rules_get_reference_kind (CfaiImageModelRules *self)
{
  g_return_val_if_fail (self != NULL, CFAI_IMAGE_REFERENCE_NONE);

  return self->reference;
}

/**
 * cfai_image_model_rules_get_max_reference_images:
 *
 * Returns: how many reference images a request may carry: 4 for FLUX.2,
 *   1 for img2img, 0 for a model that takes none (a request with one is
 *   then refused)
 */
guint
cfai_image_model_rules_get_max_reference_images (CfaiImageModelRules *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->max_references;
}

/**
 * cfai_image_model_rules_get_reference_max_size:
 * @max_width: (out) (optional): the widest reference image the model takes
 * @max_height: (out) (optional): the tallest
 *
 * The api layer has no image decoder, so it never resizes: a UI scales a
 * larger picture down to fit within this size (keeping its aspect ratio)
 * before cfai_image_request_add_reference_image().
 *
 * Returns: %TRUE when the model documents a limit (512×512 for FLUX.2),
 *   %FALSE when it states none
 */
gboolean
cfai_image_model_rules_get_reference_max_size (CfaiImageModelRules *self,
                                               guint               *max_width,
                                               guint               *max_height)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->reference_max_side == 0)
    return FALSE;

  if (max_width != NULL)
    *max_width = self->reference_max_side;
  if (max_height != NULL)
    *max_height = self->reference_max_side;

  return TRUE;
}

/**
 * cfai_image_model_rules_pick_seed:
 *
 * A random seed the model accepts.  Workers AI does not say which seed it
 * chose when none was sent, so CfAI always sends one (see
 * #CfaiImageRun:seed) and every picture can be made again.  Seeds stay
 * within the model's minimum and maximum, and below 2³¹: the service
 * reads numbers as int32 (its error 1000 says so), so larger seeds are a
 * risk with no benefit.
 *
 * Returns: a seed, or -1 when the model takes no seed (FLUX.1 [schnell])
 */
gint64
cfai_image_model_rules_pick_seed (CfaiImageModelRules *self)
{
  double minimum = 0;
  double maximum = G_MAXINT32;
  gint64 low;
  gint64 high;

  g_return_val_if_fail (self != NULL, -1);

  if (self->fields[CFAI_IMAGE_FIELD_SEED].name == NULL)
    return -1;

  cfai_image_model_rules_get_minimum (self, CFAI_IMAGE_FIELD_SEED, &minimum);
  cfai_image_model_rules_get_maximum (self, CFAI_IMAGE_FIELD_SEED, &maximum);
  low = (gint64) ceil (CLAMP (minimum, 0, G_MAXINT32));
  high = (gint64) floor (CLAMP (maximum, 0, G_MAXINT32));
  if (high < low)
    return -1;

  return low + (gint64) (g_random_double () * (double) (high - low + 1)) % (high - low + 1);
}

gboolean
cfai_image_model_rules_get_field_required (CfaiImageModelRules *self,
                                           CfaiImageField       field)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (field < CFAI_IMAGE_N_FIELDS, FALSE);

  return (self->fields[field].flags & FIELD_REQUIRED) != 0;
}

static void
on_schema_fetched (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) schema = NULL;
  CfaiImageModelRules *rules;

  schema = cfai_client_get_model_schema_finish (CFAI_CLIENT (source), result, &error);
  if (schema == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  rules = cfai_image_model_rules_new_from_schema (g_task_get_task_data (task),
                                                  json_object_get_member (schema, "input"),
                                                  &error);
  if (rules == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, rules, (GDestroyNotify) cfai_image_model_rules_unref);
}

/**
 * cfai_image_model_rules_fetch_async:
 *
 * Reads @model_id's input rules from its live schema, so a model that
 * changed its limits, or one CfAI has never heard of, is still sent a
 * valid request.  Callers fall back to cfai_image_model_rules_lookup()
 * when this fails (offline, say).
 */
void
cfai_image_model_rules_fetch_async (CfaiClient          *client,
                              const char          *model_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CFAI_IS_CLIENT (client));
  g_return_if_fail (model_id != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_image_model_rules_fetch_async);
  g_task_set_task_data (task, g_strdup (model_id), g_free);
  cfai_client_get_model_schema_async (client, model_id, cancellable, on_schema_fetched,
                                      g_steal_pointer (&task));
}

CfaiImageModelRules *
cfai_image_model_rules_fetch_finish (CfaiClient    *client,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_image_model_rules_fetch_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
