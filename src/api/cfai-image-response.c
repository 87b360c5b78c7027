/* cfai-image-response.c — turning a text-to-image answer into image bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cfai-envelope.h"
#include "cfai-error.h"
#include "cfai-image-response.h"
#include "cfai-json.h"

/**
 * cfai_image_response_sniff_mime:
 * @data: (array length=length): the first bytes of a file
 * @length: how many bytes @data holds
 *
 * Identifies PNG (signature followed by the IHDR chunk), JPEG (SOI and
 * the first marker) and WebP (RIFF container of type WEBP) by their magic
 * numbers.  Image models answer with one of these.
 *
 * Returns: (nullable): "image/png", "image/jpeg" or "image/webp", or %NULL
 */
const char *
cfai_image_response_sniff_mime (const guint8 *data,
                                gsize         length)
{
  static const guint8 png_signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  /* The IHDR chunk must come first: its length (13) then its type. */
  if (length >= 16 &&
      memcmp (data, png_signature, sizeof png_signature) == 0 &&
      memcmp (data + 12, "IHDR", 4) == 0)
    return "image/png";

  if (length >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return "image/jpeg";

  if (length >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "image/webp";

  return NULL;
}

/* A picture cut short (a dropped connection behind a proxy, a server bug)
 * must not be saved as if it were whole.  Each format says where it ends:
 * PNG with its IEND chunk, JPEG with the EOI marker (a few trailing zero
 * bytes are tolerated, as some encoders pad), WebP with the RIFF size. */
static gboolean
image_is_complete (const char   *mime,
                   const guint8 *data,
                   gsize         length)
{
  static const guint8 png_iend[] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };

  if (g_str_equal (mime, "image/png"))
    return length >= 8 + 25 + sizeof png_iend &&
           memcmp (data + length - sizeof png_iend, png_iend, sizeof png_iend) == 0;

  if (g_str_equal (mime, "image/jpeg"))
    {
      while (length > 4 && data[length - 1] == 0)
        length--;
      return length >= 4 && data[length - 2] == 0xff && data[length - 1] == 0xd9;
    }

  if (g_str_equal (mime, "image/webp"))
    {
      guint32 riff_size = (guint32) data[4] | (guint32) data[5] << 8 |
                          (guint32) data[6] << 16 | (guint32) data[7] << 24;
      return (guint64) riff_size + 8 <= length;
    }

  return FALSE;
}

static gboolean
looks_like_json (GBytes *body)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);

  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isspace (data[i]))
        return data[i] == '{';
    }

  return FALSE;
}

static void
set_protocol_error (GError     **error,
                    guint        http_status,
                    char        *message)
{
  GError *local = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_PROTOCOL, message);

  cfai_error_set_http_status (local, http_status);
  g_free (message);
  g_propagate_error (error, local);
}

/* Strict on purpose: g_base64_decode() skips characters it does not know,
 * which would turn an HTML page in the field into "valid" garbage.  Line
 * breaks, missing padding and the URL-safe alphabet are accepted, as
 * servers emit all three. */
static GBytes *
decode_base64 (const char *text)
{
  g_autoptr(GString) clean = g_string_sized_new (strlen (text) + 3);
  guchar *data;
  gsize length = 0;
  guint padding = 0;

  for (const char *p = text; *p; p++)
    {
      char c = *p;

      if (g_ascii_isspace (c))
        continue;

      if (c == '=')
        {
          padding++;
          continue;
        }

      if (padding > 0)
        return NULL;

      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (!g_ascii_isalnum (c) && c != '+' && c != '/')
        return NULL;

      g_string_append_c (clean, c);
    }

  if (clean->len == 0 || padding > 2 || clean->len % 4 == 1)
    return NULL;

  while (clean->len % 4 != 0)
    g_string_append_c (clean, '=');

  data = g_base64_decode (clean->str, &length);

  return g_bytes_new_take (data, length);
}

static const char *
find_image_string (JsonObject *root)
{
  JsonObject *result = cfai_json_get_object (root, "result");

  if (result != NULL && json_object_has_member (result, "image"))
    return cfai_json_get_string (result, "image");

  return cfai_json_get_string (root, "image");
}

/* The picture in a JSON answer, and its type as its bytes show it. */
static GBytes *
decode_json (guint               http_status,
             GBytes             *body,
             SoupMessageHeaders *headers,
             const char        **out_mime,
             GError            **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GBytes) image = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);
  const char *text;
  JsonNode *root;
  JsonNode *success;

  if (!json_parser_load_from_data (parser, data != NULL ? data : "", length, &parse_error))
    {
      set_protocol_error (error, http_status,
                          g_strdup_printf (_("The server's answer is not an image (its JSON could not be read: %s)."),
                                           parse_error->message));
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_protocol_error (error, http_status,
                          g_strdup (_("The server's answer is not an image (the JSON answer is not an object).")));
      return NULL;
    }

  /* A v4 envelope can report failure with a 200 status. */
  success = json_object_get_member (json_node_get_object (root), "success");
  if (success != NULL &&
      JSON_NODE_HOLDS_VALUE (success) &&
      json_node_get_value_type (success) == G_TYPE_BOOLEAN &&
      !json_node_get_boolean (success))
    {
      g_propagate_error (error, cfai_error_from_json (http_status, root, headers));
      return NULL;
    }

  text = find_image_string (json_node_get_object (root));
  if (text == NULL)
    {
      set_protocol_error (error, http_status,
                          g_strdup (_("The server's answer is not an image (the JSON answer has no “image” field).")));
      return NULL;
    }

  /* Some servers hand back a data: URL instead of bare base64. */
  if (g_ascii_strncasecmp (text, "data:", 5) == 0)
    {
      const char *comma = strchr (text, ',');
      g_autofree char *header = NULL;

      if (comma != NULL)
        header = g_ascii_strdown (text + 5, comma - (text + 5));

      if (header == NULL || !g_str_has_suffix (header, ";base64"))
        {
          set_protocol_error (error, http_status,
                              g_strdup (_("The server's answer is not an image (its data URL is not base64-encoded).")));
          return NULL;
        }

      text = comma + 1;
    }

  image = decode_base64 (text);
  if (image == NULL)
    {
      set_protocol_error (error, http_status,
                          g_strdup (_("The server's answer is not an image (the “image” field is not valid base64).")));
      return NULL;
    }

  *out_mime = cfai_image_response_sniff_mime (g_bytes_get_data (image, NULL), g_bytes_get_size (image));
  if (*out_mime == NULL)
    {
      set_protocol_error (error, http_status,
                          g_strdup (_("The server's answer is not an image (the decoded “image” field is not a PNG, JPEG or WebP picture).")));
      return NULL;
    }

  return g_steal_pointer (&image);
}

/**
 * cfai_image_response_decode:
 * @http_status: the answer's HTTP status
 * @content_type: (nullable): the answer's Content-Type header
 * @body: the answer's body
 * @headers: (nullable): the answer's headers, so that a failure keeps the
 *   server's `Retry-After`
 * @out_image: (out): the image bytes
 * @out_mime: (out): the image's MIME type, from its bytes
 *
 * Text-to-image models answer either with the picture itself (image/png,
 * image/jpeg) or with JSON carrying it in base64: `{"result":{"image":…}}`
 * in the v4 envelope, or a bare `{"image":…}`, possibly as a data: URL.
 * The bytes must be a PNG, JPEG or WebP picture; the MIME type returned is
 * the one the bytes show, since a header can be wrong.  Failed answers
 * (status 400 and above, or an envelope with `"success": false`) are not
 * decoded but mapped to their %CFAI_ERROR.
 *
 * Returns: %TRUE with @out_image and @out_mime set, or %FALSE with @error
 */
gboolean
cfai_image_response_decode (guint               http_status,
                            const char         *content_type,
                            GBytes             *body,
                            SoupMessageHeaders *headers,
                            GBytes            **out_image,
                            char              **out_mime,
                            GError            **error)
{
  g_autofree char *media = NULL;
  g_autoptr(GBytes) image = NULL;
  const char *mime;
  gsize length = 0;
  const guint8 *data;

  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (out_image != NULL, FALSE);
  g_return_val_if_fail (out_mime != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (http_status >= 400)
    {
      g_propagate_error (error, cfai_error_from_response (http_status, content_type, body, headers));
      return FALSE;
    }

  if (http_status < 200 || http_status >= 300)
    {
      set_protocol_error (error, http_status,
                          g_strdup_printf (_("The server answered with HTTP status %u instead of an image."),
                                           http_status));
      return FALSE;
    }

  data = g_bytes_get_data (body, &length);
  if (length == 0)
    {
      set_protocol_error (error, http_status,
                          g_strdup (_("The server's answer is not an image (the answer is empty).")));
      return FALSE;
    }

  media = cfai_envelope_media_type (content_type);

  if (cfai_envelope_content_type_is_json (content_type) || (media == NULL && looks_like_json (body)))
    {
      image = decode_json (http_status, body, headers, &mime, error);
      if (image == NULL)
        return FALSE;
    }
  /* Raw bytes, whatever the header claims: an image/png label on JPEG
   * bytes, or application/octet-stream on a PNG, still gives a picture. */
  else if ((mime = cfai_image_response_sniff_mime (data, length)) != NULL)
    image = g_bytes_ref (body);
  else
    {
      if (media != NULL && g_str_has_prefix (media, "image/"))
        set_protocol_error (error, http_status,
                            g_strdup_printf (_("The server's answer is not an image (it is labelled %s, but the data is not a PNG, JPEG or WebP picture)."),
                                             media));
      else
        set_protocol_error (error, http_status,
                            g_strdup_printf (_("The server's answer is not an image (%s)."),
                                             media != NULL ? media : _("no content type")));
      return FALSE;
    }

  if (!image_is_complete (mime, g_bytes_get_data (image, NULL), g_bytes_get_size (image)))
    {
      set_protocol_error (error, http_status,
                          g_strdup (_("The server's image is incomplete: it was cut off before its end. Try again.")));
      return FALSE;
    }

  *out_image = g_steal_pointer (&image);
  *out_mime = g_strdup (mime);

  return TRUE;
}
