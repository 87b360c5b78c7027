/* cfai-envelope.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every JSON answer from the Cloudflare v4 API goes through here before
 * anyone trusts it: HTTP status first, then Content-Type, then the
 * envelope and its `success` flag.  A 200 can still be a failure
 * (`success: false`), and a failure status wins over `success: true`.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "cfai-envelope.h"
#include "cfai-error.h"
#include "cfai-error-private.h"

/**
 * cfai_envelope_media_type:
 * @content_type: (nullable): a Content-Type header value
 *
 * The one reading of a Content-Type header: media types are
 * case-insensitive, and no decoder here cares about the parameters.
 *
 * Returns: (transfer full) (nullable): the media type in lower case,
 *   without parameters or blanks, or %NULL when there is none
 */
char *
cfai_envelope_media_type (const char *content_type)
{
  char *media;

  if (content_type == NULL)
    return NULL;

  media = g_strstrip (g_ascii_strdown (content_type, strcspn (content_type, ";")));
  if (*media == '\0')
    g_clear_pointer (&media, g_free);

  return media;
}

/**
 * cfai_envelope_content_type_is_json:
 * @content_type: (nullable): a Content-Type header value
 *
 * Returns: %TRUE for `application/json` and `application/…+json`, with
 *   any parameters
 */
gboolean
cfai_envelope_content_type_is_json (const char *content_type)
{
  g_autofree char *media_type = cfai_envelope_media_type (content_type);

  if (media_type == NULL)
    return FALSE;

  if (g_str_equal (media_type, "application/json"))
    return TRUE;

  return g_str_has_prefix (media_type, "application/") &&
         strchr (media_type, ' ') == NULL &&
         g_str_has_suffix (media_type, "+json");
}

static GError *
protocol_error (guint       http_status,
                const char *message,
                const char *detail)
{
  GError *error = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_PROTOCOL, message);
  g_autofree char *cleaned = NULL;

  if (detail != NULL)
    cleaned = cfai_error_clean_text (detail, strlen (detail));

  cfai_error_set_http_status (error, http_status);
  cfai_error_set_detail (error, cleaned);

  return error;
}

/**
 * cfai_envelope_parse:
 * @http_status: the answer's HTTP status
 * @content_type: (nullable): its Content-Type
 * @body: (nullable): its body
 * @headers: (nullable): its headers, for `Retry-After` in errors
 * @result_info: (out) (optional) (nullable) (transfer full): the
 *   envelope's `result_info` (paging of list endpoints), or %NULL
 * @error: return location for a %CFAI_ERROR
 *
 * Checks, in order, the HTTP status, the Content-Type and the v4 envelope
 * `{"result": …, "success": …, "errors": […], "messages": […]}`.
 *
 * Returns: (transfer full): the envelope's `result` (possibly a JSON
 *   null), or %NULL with @error set
 */
JsonNode *
cfai_envelope_parse (guint                http_status,
                     const char          *content_type,
                     GBytes              *body,
                     SoupMessageHeaders  *headers,
                     JsonNode           **result_info,
                     GError             **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonNode *success;
  const guint8 *data = NULL;
  gsize len = 0;

  if (result_info != NULL)
    *result_info = NULL;

  if (http_status < 200 || http_status >= 300)
    {
      g_propagate_error (error, cfai_error_from_response (http_status, content_type,
                                                          body, headers));
      return NULL;
    }

  if (!cfai_envelope_content_type_is_json (content_type))
    {
      g_autofree char *message = NULL;

      if (content_type != NULL)
        {
          g_autofree char *shown = cfai_error_clean_text (content_type, strlen (content_type));

          message = g_strdup_printf (_("Workers AI answered with “%s” where CfAI expected "
                                       "JSON. A proxy or a network login page may be in the "
                                       "way; check the network and try again."),
                                     shown != NULL ? shown : "");
        }
      else
        {
          message = g_strdup (_("Workers AI answered without saying what the answer "
                                "contains. A proxy may be in the way; check the network "
                                "and try again."));
        }

      g_propagate_error (error, protocol_error (http_status, message, content_type));
      return NULL;
    }

  if (body != NULL)
    data = g_bytes_get_data (body, &len);

  if (len == 0)
    {
      g_propagate_error (error,
                         protocol_error (http_status,
                                         _("Workers AI sent an empty answer. Try again; if it "
                                           "keeps happening, please report a bug."),
                                         NULL));
      return NULL;
    }

  if (!(root = cfai_error_parse_json (data, len, &local_error)))
    {
      g_propagate_error (error,
                         protocol_error (http_status,
                                         _("Workers AI sent an answer that is not valid JSON. "
                                           "Try again; if it keeps happening, please report "
                                           "a bug."),
                                         local_error->message));
      return NULL;
    }

  success = JSON_NODE_HOLDS_OBJECT (root)
              ? json_object_get_member (json_node_get_object (root), "success")
              : NULL;

  if (success == NULL || !JSON_NODE_HOLDS_VALUE (success) ||
      json_node_get_value_type (success) != G_TYPE_BOOLEAN)
    {
      g_propagate_error (error,
                         protocol_error (http_status,
                                         _("Workers AI sent an answer CfAI does not understand: "
                                           "it is not a Cloudflare API envelope. Try again; "
                                           "if it keeps happening, please report a bug."),
                                         NULL));
      return NULL;
    }

  object = json_node_get_object (root);

  if (!json_node_get_boolean (success))
    {
      g_propagate_error (error, cfai_error_from_json (http_status, root, headers));
      return NULL;
    }

  if (!json_object_has_member (object, "result"))
    {
      g_propagate_error (error,
                         protocol_error (http_status,
                                         _("Workers AI reported success but sent no result. "
                                           "Try again; if it keeps happening, please report "
                                           "a bug."),
                                         NULL));
      return NULL;
    }

  if (result_info != NULL && json_object_has_member (object, "result_info"))
    *result_info = json_object_dup_member (object, "result_info");

  return json_object_dup_member (object, "result");
}
