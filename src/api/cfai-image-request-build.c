/* cfai-image-request-build.c — a text-to-image request's body, as each model wants it
 *
 * The request holds what the user asked for, whatever the model; the
 * model's rules decide here what is sent.  A setting the model does not
 * take is left out rather than refused, so switching models in the UI
 * keeps working; a value the model takes but would refuse is an error
 * naming the field, so the user sees it before a round trip.  Reference
 * images are the exception: a model that takes none is refused, because
 * the user would otherwise get a picture that silently ignored theirs.
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
                CfaiImageRequest     *request,
                GError              **error)
{
  guint n = cfai_image_request_get_n_reference_images (request);
  double strength = cfai_image_request_get_strength (request);
  const char *model = cfai_image_model_rules_get_display_name (rules);
  guint max = cfai_image_model_rules_get_max_reference_images (rules);
  CfaiImageReferenceKind kind = cfai_image_model_rules_get_reference_kind (rules);
  const char *name;

  if (n == 0)
    return TRUE;

  if (kind == CFAI_IMAGE_REFERENCE_NONE || max == 0)
    {
      set_field_error (error, CFAI_IMAGE_REQUEST_FIELD_REFERENCE_IMAGES,
                       g_strdup_printf (_("%s does not take reference images. Remove them, or choose a model that takes them."),
                                        model));
      return FALSE;
    }

  if (n > max)
    {
      set_field_error (error, CFAI_IMAGE_REQUEST_FIELD_REFERENCE_IMAGES,
                       g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "%s takes at most %u reference image; remove %u.",
                                                     "%s takes at most %u reference images; remove %u.",
                                                     max),
                                        model, max, n - max));
      return FALSE;
    }

  /* The bytes decide the type: a UI's label could be wrong, and a part
   * that is not a picture would only be refused by the server. */
  for (guint i = 0; i < n; i++)
    {
      GBytes *image = cfai_image_request_get_reference_image (request, i, NULL);

      if (cfai_image_response_sniff_mime (g_bytes_get_data (image, NULL), g_bytes_get_size (image)) == NULL)
        {
          set_field_error (error, CFAI_IMAGE_REQUEST_FIELD_REFERENCE_IMAGES,
                           g_strdup_printf (_("Reference image %u is not a PNG, JPEG or WebP picture."), i + 1));
          return FALSE;
        }
    }

  switch (kind)
    {
    case CFAI_IMAGE_REFERENCE_PARTS:
      for (guint i = 0; i < n; i++)
        {
          GBytes *image = cfai_image_request_get_reference_image (request, i, NULL);
          const char *mime = cfai_image_response_sniff_mime (g_bytes_get_data (image, NULL),
                                                             g_bytes_get_size (image));
          BodyField *field;

          g_assert (body->n_fields < G_N_ELEMENTS (body->fields));
          field = &body->fields[body->n_fields++];
          field->name = body_own (body, g_strdup_printf ("input_image_%u", i));
          field->kind = VALUE_FILE;
          field->text = mime;
          field->file = image;
        }
      return TRUE;

    case CFAI_IMAGE_REFERENCE_IMG2IMG:
      {
        GBytes *image = cfai_image_request_get_reference_image (request, 0, NULL);
        gsize length;
        const guint8 *data = g_bytes_get_data (image, &length);

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
  const char *model = cfai_image_request_get_model (self);
  guint width;
  guint height;
  gint64 seed;

  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (self), FALSE);
  g_return_val_if_fail (out_content_type != NULL, FALSE);
  g_return_val_if_fail (out_body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (rules == NULL)
    {
      if (model == NULL || *model == '\0')
        {
          set_field_error (error, "model", g_strdup (_("Choose an image model first.")));
          return FALSE;
        }

      rules = builtin = cfai_image_model_rules_lookup (model);
      if (rules == NULL)
        {
          set_field_error (error, "model",
                           g_strdup_printf (_("CfAI does not know which settings the model “%s” takes yet. Reload the model list and try again."),
                                            model));
          return FALSE;
        }
    }

  width = cfai_image_request_get_width (self);
  height = cfai_image_request_get_height (self);
  seed = cfai_image_request_get_seed (self);
  if (!add_prompt (&body, rules, cfai_image_request_get_prompt (self), error) ||
      !add_negative_prompt (&body, rules, cfai_image_request_get_negative_prompt (self), error) ||
      !add_steps (&body, rules, cfai_image_request_get_steps (self), error) ||
      !add_integer (&body, rules, CFAI_IMAGE_FIELD_WIDTH, width != 0, width, error) ||
      !add_integer (&body, rules, CFAI_IMAGE_FIELD_HEIGHT, height != 0, height, error) ||
      !add_integer (&body, rules, CFAI_IMAGE_FIELD_SEED, seed >= 0, seed, error) ||
      !add_guidance (&body, rules, cfai_image_request_get_guidance (self), error) ||
      !add_references (&body, rules, self, error))
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
