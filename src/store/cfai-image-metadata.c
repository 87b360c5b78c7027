/* cfai-image-metadata.c
 *
 * A picture saved by CfAI says how it was made without the database, so
 * a file copied elsewhere (or opened by another tool) keeps its prompt,
 * model and seed.  This is byte-level work on the containers, not
 * decoding: the pixels are copied untouched.
 *
 * PNG: text chunks go right after IHDR, where readers look first: tEXt
 * for ASCII values, iTXt (UTF-8, uncompressed) for the others.  Reading
 * takes tEXt and uncompressed iTXt with a good CRC; compressed chunks
 * (zTXt, compressed iTXt) are skipped, as CfAI never writes them.
 *
 * JPEG: one COM segment per text, after the APPn segments at the start
 * (JFIF and Exif must stay first).  "parameters" goes as it is, which is
 * what viewers show as the comment; every other key as "key: value".
 * Only keys with a ':' (CfAI's own, "CfAI:…") and "Software" are read
 * back as key and value, so a prompt that happens to contain ": " is not
 * taken apart.
 * A COM segment holds at most 65,533 bytes; a longer value is cut at a
 * character boundary (the database keeps it whole).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <zlib.h>

#include "cfai-image-metadata.h"
#include "cfai-image-store.h"

static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

#define JPEG_SEGMENT_MAX 65533

static guint32
read_be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static guint
read_be16 (const guint8 *p)
{
  return (guint) p[0] << 8 | p[1];
}

static void
append_be32 (GByteArray *out,
             guint32     value)
{
  guint8 b[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (out, b, 4);
}

static gboolean
is_png (const guint8 *data,
        gsize         len)
{
  return len >= 33 && memcmp (data, png_signature, 8) == 0 && memcmp (data + 12, "IHDR", 4) == 0;
}

static gboolean
is_jpeg (const guint8 *data,
         gsize         len)
{
  return len >= 4 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff;
}

/* JPEG markers without a length: TEM, RSTn, SOI, EOI. */
static gboolean
jpeg_marker_is_standalone (guint8 marker)
{
  return marker == 0x01 || (marker >= 0xd0 && marker <= 0xd9);
}

/**
 * cfai_image_metadata_get_size:
 * @width: (out): the picture's width in pixels
 * @height: (out): its height
 *
 * Reads the size from the header (PNG IHDR, JPEG SOFn, WebP VP8/VP8L/VP8X)
 * without decoding the picture.
 *
 * Returns: %FALSE when @image is not a PNG, JPEG or WebP file this can read
 */
gboolean
cfai_image_metadata_get_size (GBytes *image,
                              guint  *width,
                              guint  *height)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (image, &len);

  g_return_val_if_fail (image != NULL, FALSE);
  g_return_val_if_fail (width != NULL && height != NULL, FALSE);

  if (is_png (data, len))
    {
      *width = read_be32 (data + 16);
      *height = read_be32 (data + 20);
      return *width > 0 && *height > 0;
    }

  if (is_jpeg (data, len))
    {
      gsize pos = 2;

      while (pos + 4 <= len)
        {
          guint8 marker;
          guint segment;

          if (data[pos] != 0xff)
            return FALSE;
          marker = data[pos + 1];
          if (marker == 0xff)
            {
              pos++;   /* fill byte */
              continue;
            }
          if (jpeg_marker_is_standalone (marker))
            {
              pos += 2;
              continue;
            }

          segment = read_be16 (data + pos + 2);
          /* Every SOFn but DHT (C4), JPG (C8) and DAC (CC). */
          if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
            {
              if (pos + 9 > len || segment < 7)
                return FALSE;
              *height = read_be16 (data + pos + 5);
              *width = read_be16 (data + pos + 7);
              return *width > 0 && *height > 0;
            }
          if (marker == 0xda || segment < 2)
            return FALSE;
          pos += 2 + segment;
        }

      return FALSE;
    }

  if (len >= 30 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    {
      const guint8 *chunk = data + 12;

      if (memcmp (chunk, "VP8X", 4) == 0)
        {
          *width = 1 + (chunk[12] | chunk[13] << 8 | chunk[14] << 16);
          *height = 1 + (chunk[15] | chunk[16] << 8 | chunk[17] << 16);
          return TRUE;
        }
      if (memcmp (chunk, "VP8L", 4) == 0 && chunk[8] == 0x2f)
        {
          guint32 bits = chunk[9] | chunk[10] << 8 | chunk[11] << 16 | (guint32) chunk[12] << 24;

          *width = 1 + (bits & 0x3fff);
          *height = 1 + ((bits >> 14) & 0x3fff);
          return TRUE;
        }
      if (memcmp (chunk, "VP8 ", 4) == 0 && chunk[11] == 0x9d && chunk[12] == 0x01 && chunk[13] == 0x2a)
        {
          *width = (chunk[14] | chunk[15] << 8) & 0x3fff;
          *height = (chunk[16] | chunk[17] << 8) & 0x3fff;
          return *width > 0 && *height > 0;
        }
    }

  return FALSE;
}

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p; p++)
    if ((guchar) *p >= 0x80)
      return FALSE;
  return TRUE;
}

static void
append_png_chunk (GByteArray   *out,
                  const char   *type,
                  const guint8 *data,
                  gsize         len)
{
  uLong crc = crc32 (0, (const Bytef *) type, 4);

  crc = crc32 (crc, data, len);
  append_be32 (out, len);
  g_byte_array_append (out, (const guint8 *) type, 4);
  g_byte_array_append (out, data, len);
  append_be32 (out, crc);
}

static void
append_png_text (GByteArray          *out,
                 const CfaiImageText *text)
{
  g_autoptr(GByteArray) chunk = g_byte_array_new ();
  static const guint8 zero = 0;

  g_byte_array_append (chunk, (const guint8 *) text->key, strlen (text->key));
  g_byte_array_append (chunk, &zero, 1);

  if (is_ascii (text->value))
    {
      g_byte_array_append (chunk, (const guint8 *) text->value, strlen (text->value));
      append_png_chunk (out, "tEXt", chunk->data, chunk->len);
      return;
    }

  /* Not compressed, method 0, no language tag, no translated keyword. */
  g_byte_array_append (chunk, &zero, 1);
  g_byte_array_append (chunk, &zero, 1);
  g_byte_array_append (chunk, &zero, 1);
  g_byte_array_append (chunk, &zero, 1);
  g_byte_array_append (chunk, (const guint8 *) text->value, strlen (text->value));
  append_png_chunk (out, "iTXt", chunk->data, chunk->len);
}

static void
set_not_an_image (GError **error)
{
  g_set_error_literal (error, CFAI_IMAGE_STORE_ERROR, CFAI_IMAGE_STORE_ERROR_NOT_AN_IMAGE,
                       _("The picture is damaged or is not a PNG, JPEG or WebP file, so CfAI cannot save it."));
}

static GBytes *
embed_png (const guint8         *data,
           gsize                 len,
           const CfaiImageText  *texts,
           guint                 n_texts)
{
  GByteArray *out = g_byte_array_sized_new (len + 1024);
  /* Signature, then IHDR: length, type, 13 bytes, CRC. */
  gsize after_ihdr = 8 + 8 + 13 + 4;

  g_byte_array_append (out, data, after_ihdr);
  for (guint i = 0; i < n_texts; i++)
    append_png_text (out, &texts[i]);
  g_byte_array_append (out, data + after_ihdr, len - after_ihdr);

  return g_byte_array_free_to_bytes (out);
}

/* Cuts @text to at most @max bytes without splitting a character. */
static gsize
utf8_prefix_length (const char *text,
                    gsize       max)
{
  gsize len = strlen (text);
  const char *end;

  if (len <= max)
    return len;

  end = g_utf8_find_prev_char (text, text + max + 1);
  return end != NULL ? (gsize) (end - text) : 0;
}

static void
append_jpeg_comment (GByteArray          *out,
                     const CfaiImageText *text)
{
  g_autofree char *line = NULL;
  const char *payload = text->value;
  guint8 head[4];
  gsize len;

  if (!g_str_equal (text->key, CFAI_IMAGE_TEXT_PARAMETERS))
    payload = line = g_strconcat (text->key, ": ", text->value, NULL);

  len = utf8_prefix_length (payload, JPEG_SEGMENT_MAX);
  head[0] = 0xff;
  head[1] = 0xfe;
  head[2] = (len + 2) >> 8;
  head[3] = (len + 2) & 0xff;
  g_byte_array_append (out, head, 4);
  g_byte_array_append (out, (const guint8 *) payload, len);
}

static GBytes *
embed_jpeg (const guint8         *data,
            gsize                 len,
            const CfaiImageText  *texts,
            guint                 n_texts,
            GError              **error)
{
  GByteArray *out;
  gsize pos = 2;

  /* Past the APPn segments that must come first. */
  while (pos + 4 <= len && data[pos] == 0xff && data[pos + 1] >= 0xe0 && data[pos + 1] <= 0xef)
    {
      guint segment = read_be16 (data + pos + 2);

      if (segment < 2 || pos + 2 + segment > len)
        {
          set_not_an_image (error);
          return NULL;
        }
      pos += 2 + segment;
    }

  out = g_byte_array_sized_new (len + 1024);
  g_byte_array_append (out, data, pos);
  for (guint i = 0; i < n_texts; i++)
    append_jpeg_comment (out, &texts[i]);
  g_byte_array_append (out, data + pos, len - pos);

  return g_byte_array_free_to_bytes (out);
}

/**
 * cfai_image_metadata_embed:
 * @texts: (array length=n_texts): what to write, in this order
 *
 * Writes @texts into a copy of @image: PNG text chunks or JPEG comments.
 * The pixels are not touched.  WebP is returned as it is (no model answers
 * WebP; the database has the settings).
 *
 * Returns: (transfer full): the new file's bytes, or %NULL with
 *   %CFAI_IMAGE_STORE_ERROR_NOT_AN_IMAGE
 */
GBytes *
cfai_image_metadata_embed (GBytes               *image,
                           const CfaiImageText  *texts,
                           guint                 n_texts,
                           GError              **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (image, &len);

  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (texts != NULL || n_texts == 0, NULL);

  for (guint i = 0; i < n_texts; i++)
    {
      gsize key_len = strlen (texts[i].key);

      g_return_val_if_fail (key_len >= 1 && key_len <= 79 && is_ascii (texts[i].key), NULL);
      g_return_val_if_fail (g_utf8_validate (texts[i].value, -1, NULL), NULL);
    }

  if (is_png (data, len) && read_be32 (data + 8) == 13)
    return embed_png (data, len, texts, n_texts);

  if (is_jpeg (data, len))
    return embed_jpeg (data, len, texts, n_texts, error);

  if (len >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return g_bytes_ref (image);

  set_not_an_image (error);
  return NULL;
}

static void
read_png_text (GHashTable   *table,
               const char   *type,
               const guint8 *data,
               gsize         len)
{
  const guint8 *nul = memchr (data, 0, len);
  g_autofree char *key = NULL;
  const guint8 *text;
  gsize key_len;

  if (nul == NULL || nul == data)
    return;
  key_len = nul - data;
  key = g_strndup ((const char *) data, key_len);
  text = nul + 1;

  if (memcmp (type, "tEXt", 4) == 0)
    {
      /* Latin-1 by the standard. */
      char *value = g_convert ((const char *) text, len - key_len - 1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);

      if (value != NULL)
        g_hash_table_insert (table, g_steal_pointer (&key), value);
      return;
    }

  /* iTXt: compression flag, method, language\0, translated keyword\0, text. */
  if (text + 2 > data + len || text[0] != 0)
    return;
  text += 2;
  for (guint skip = 0; skip < 2; skip++)
    {
      const guint8 *end = memchr (text, 0, data + len - text);

      if (end == NULL)
        return;
      text = end + 1;
    }

  if (g_utf8_validate ((const char *) text, data + len - text, NULL))
    g_hash_table_insert (table, g_steal_pointer (&key), g_strndup ((const char *) text, data + len - text));
}

static gboolean
read_png (GHashTable    *table,
          const guint8  *data,
          gsize          len)
{
  gsize pos = 8;

  while (pos + 12 <= len)
    {
      guint32 chunk_len = read_be32 (data + pos);
      const char *type = (const char *) data + pos + 4;
      const guint8 *body = data + pos + 8;

      if (chunk_len > len - pos - 12)
        return FALSE;

      if ((memcmp (type, "tEXt", 4) == 0 || memcmp (type, "iTXt", 4) == 0) &&
          crc32 (crc32 (0, (const Bytef *) type, 4), body, chunk_len) == read_be32 (body + chunk_len))
        read_png_text (table, type, body, chunk_len);

      if (memcmp (type, "IEND", 4) == 0)
        return TRUE;
      pos += 12 + chunk_len;
    }

  return FALSE;
}

static gboolean
is_key (const char *start,
        const char *end)
{
  if (!g_ascii_isalpha (*start))
    return FALSE;

  for (const char *p = start; p < end; p++)
    if (!g_ascii_isalnum (*p) && *p != ':' && *p != '_' && *p != '-')
      return FALSE;

  return TRUE;
}

static void
read_jpeg_comment (GHashTable   *table,
                   const guint8 *data,
                   gsize         len)
{
  g_autofree char *text = g_strndup ((const char *) data, len);
  const char *separator = strstr (text, ": ");
  const char *colon = strchr (text, ':');

  if (!g_utf8_validate (text, -1, NULL))
    return;

  /* "CfAI:model: @cf/…": a key starts with a letter, has nothing but
   * letters, digits, ':', '_' and '-', and a ':' of its own before ": "
   * (or is "Software", the one plain key CfAI writes). */
  if (separator != NULL && is_key (text, separator) &&
      ((colon != NULL && colon < separator) ||
       ((gsize) (separator - text) == strlen (CFAI_IMAGE_TEXT_SOFTWARE) &&
        g_str_has_prefix (text, CFAI_IMAGE_TEXT_SOFTWARE))))
    {
      g_hash_table_insert (table, g_strndup (text, separator - text), g_strdup (separator + 2));
      return;
    }

  if (!g_hash_table_contains (table, CFAI_IMAGE_TEXT_PARAMETERS))
    g_hash_table_insert (table, g_strdup (CFAI_IMAGE_TEXT_PARAMETERS), g_steal_pointer (&text));
}

static gboolean
read_jpeg (GHashTable   *table,
           const guint8 *data,
           gsize         len)
{
  gsize pos = 2;

  while (pos + 4 <= len)
    {
      guint8 marker = data[pos + 1];
      guint segment;

      if (data[pos] != 0xff)
        return FALSE;
      if (marker == 0xff || jpeg_marker_is_standalone (marker))
        {
          pos += marker == 0xff ? 1 : 2;
          continue;
        }

      segment = read_be16 (data + pos + 2);
      if (segment < 2 || pos + 2 + segment > len)
        return FALSE;
      if (marker == 0xfe)
        read_jpeg_comment (table, data + pos + 4, segment - 2);
      /* The comments come before the scan. */
      if (marker == 0xda)
        return TRUE;
      pos += 2 + segment;
    }

  return FALSE;
}

/**
 * cfai_image_metadata_read:
 *
 * Reads back what cfai_image_metadata_embed() wrote, and what other tools
 * write the same way (PNG text chunks, JPEG comments).
 *
 * Returns: (transfer full) (element-type utf8 utf8): key → value, empty
 *   when the file says nothing; %NULL with
 *   %CFAI_IMAGE_STORE_ERROR_NOT_AN_IMAGE when it is not a PNG or JPEG
 *   file, or its structure is broken before the picture data
 */
GHashTable *
cfai_image_metadata_read (GBytes  *image,
                          GError **error)
{
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gsize len;
  const guint8 *data = g_bytes_get_data (image, &len);
  gboolean ok = FALSE;

  g_return_val_if_fail (image != NULL, NULL);

  if (is_png (data, len))
    ok = read_png (table, data, len);
  else if (is_jpeg (data, len))
    ok = read_jpeg (table, data, len);

  if (!ok)
    {
      set_not_an_image (error);
      return NULL;
    }

  return g_steal_pointer (&table);
}
