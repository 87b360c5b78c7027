/* cfai-image-request-json.c — a request's settings as JSON, and back
 *
 * The gallery keeps every setting of a picture (and writes them into the
 * file); "Reuse settings" reads them back.  Our own names, not a model's
 * wire names, so one record reads the same whatever the model calls its
 * steps; unset settings are left out.  Reference images are not in it:
 * they are files of their own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "cfai-error.h"
#include "cfai-image-request.h"
#include "cfai-json.h"

/**
 * cfai_image_request_to_json:
 *
 * Returns: (transfer full): an object with the members "model", "prompt",
 *   "negative_prompt", "steps", "width", "height", "seed", "guidance" and
 *   "strength", each only when set
 */
JsonObject *
cfai_image_request_to_json (CfaiImageRequest *self)
{
  JsonObject *object;
  const char *text;

  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (self), NULL);

  object = json_object_new ();
  if ((text = cfai_image_request_get_model (self)) != NULL)
    json_object_set_string_member (object, "model", text);
  if ((text = cfai_image_request_get_prompt (self)) != NULL)
    json_object_set_string_member (object, "prompt", text);
  if ((text = cfai_image_request_get_negative_prompt (self)) != NULL && *text != '\0')
    json_object_set_string_member (object, "negative_prompt", text);
  if (cfai_image_request_get_steps (self) != 0)
    json_object_set_int_member (object, "steps", cfai_image_request_get_steps (self));
  if (cfai_image_request_get_width (self) != 0)
    json_object_set_int_member (object, "width", cfai_image_request_get_width (self));
  if (cfai_image_request_get_height (self) != 0)
    json_object_set_int_member (object, "height", cfai_image_request_get_height (self));
  if (cfai_image_request_get_seed (self) >= 0)
    json_object_set_int_member (object, "seed", cfai_image_request_get_seed (self));
  if (cfai_image_request_get_guidance (self) >= 0)
    json_object_set_double_member (object, "guidance", cfai_image_request_get_guidance (self));
  if (cfai_image_request_get_strength (self) >= 0)
    json_object_set_double_member (object, "strength", cfai_image_request_get_strength (self));

  return object;
}

static gboolean
get_whole (JsonObject  *object,
           const char  *member,
           double       maximum,
           double      *value,
           GError     **error)
{
  if (!json_object_has_member (object, member))
    return TRUE;

  if (!cfai_json_get_number (object, member, value) || *value != floor (*value) ||
      *value < 0 || *value > maximum)
    {
      g_set_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT,
                   _("The saved setting “%s” is not a whole number CfAI can use."), member);
      return FALSE;
    }

  return TRUE;
}

/**
 * cfai_image_request_new_from_json:
 * @object: what cfai_image_request_to_json() wrote
 *
 * Unknown members are ignored (a newer CfAI may add some); a known one of
 * the wrong type is an error, so a damaged record is not half applied.
 *
 * Returns: (transfer full): the request, without reference images, or
 *   %NULL with a %CFAI_ERROR_INVALID_INPUT error
 */
CfaiImageRequest *
cfai_image_request_new_from_json (JsonObject  *object,
                                  GError     **error)
{
  g_autoptr(CfaiImageRequest) request = NULL;
  static const char * const texts[] = { "model", "prompt", "negative_prompt" };
  double steps = 0, width = 0, height = 0, seed = -1, guidance = -1, strength = -1;

  g_return_val_if_fail (object != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      if (json_object_has_member (object, texts[i]) && cfai_json_get_string (object, texts[i]) == NULL)
        {
          g_set_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT,
                       _("The saved setting “%s” is not text."), texts[i]);
          return NULL;
        }
    }

  if (!get_whole (object, "steps", G_MAXINT, &steps, error) ||
      !get_whole (object, "width", G_MAXINT, &width, error) ||
      !get_whole (object, "height", G_MAXINT, &height, error) ||
      !get_whole (object, "seed", (double) G_MAXINT64, &seed, error))
    return NULL;

  if ((json_object_has_member (object, "guidance") && !cfai_json_get_number (object, "guidance", &guidance)) ||
      (json_object_has_member (object, "strength") && !cfai_json_get_number (object, "strength", &strength)))
    {
      g_set_error_literal (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT,
                           _("The saved guidance or strength is not a number."));
      return NULL;
    }

  request = cfai_image_request_new (cfai_json_get_string (object, "model"));
  cfai_image_request_set_prompt (request, cfai_json_get_string (object, "prompt"));
  cfai_image_request_set_negative_prompt (request, cfai_json_get_string (object, "negative_prompt"));
  cfai_image_request_set_steps (request, (guint) steps);
  cfai_image_request_set_width (request, (guint) width);
  cfai_image_request_set_height (request, (guint) height);
  cfai_image_request_set_seed (request, (gint64) seed);
  cfai_image_request_set_guidance (request, guidance);
  cfai_image_request_set_strength (request, strength);

  return g_steal_pointer (&request);
}
