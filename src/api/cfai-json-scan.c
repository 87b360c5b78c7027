/* cfai-json-scan.c
 *
 * Reads one JSON string, for callers that handle a few known shapes of
 * document themselves because json-glib costs more than a whole stream
 * event may (see cfai-stream-decoder.c), and hand everything else to
 * json-glib.
 *
 * It is strict on purpose.  It gives up on every string json-glib might
 * read differently from it, or reject, so that a caller which falls back
 * to json-glib whenever this gives up behaves exactly as if json-glib had
 * read the document.  It gives up on:
 *
 *   - raw control characters: json-glib rejects some and keeps others;
 *   - escapes other than RFC 8259's, and \u not followed by four hex digits;
 *   - \u0000, which json-glib keeps but every C string user then cuts at;
 *   - surrogates that do not come as a high-low pair;
 *   - bytes that are not UTF-8: json-glib refuses the whole document.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-json-scan.h"

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (const char *p,
           const char *end,
           gunichar   *value)
{
  gunichar v = 0;

  if (end - p < 4)
    return FALSE;

  for (guint i = 0; i < 4; i++)
    {
      int digit = hex_digit (p[i]);

      if (digit < 0)
        return FALSE;
      v = (v << 4) | (gunichar) digit;
    }

  *value = v;
  return TRUE;
}

/* @p is at a backslash.  Returns where the escape ends, or NULL. */
static const char *
read_escape (const char *p,
             const char *end,
             gunichar   *c)
{
  gunichar low;

  if (end - p < 2)
    return NULL;

  switch (p[1])
    {
    case '"':
    case '\\':
    case '/':
      *c = p[1];
      return p + 2;
    case 'b':
      *c = '\b';
      return p + 2;
    case 'f':
      *c = '\f';
      return p + 2;
    case 'n':
      *c = '\n';
      return p + 2;
    case 'r':
      *c = '\r';
      return p + 2;
    case 't':
      *c = '\t';
      return p + 2;
    case 'u':
      if (!read_hex4 (p + 2, end, c) || *c == 0)
        return NULL;
      if (*c < 0xD800 || *c > 0xDFFF)
        return p + 6;
      /* Outside the BMP, UTF-16 style: a high surrogate, then a low one. */
      if (*c > 0xDBFF || end - p < 12 || p[6] != '\\' || p[7] != 'u' ||
          !read_hex4 (p + 8, end, &low) || low < 0xDC00 || low > 0xDFFF)
        return NULL;
      *c = 0x10000 + ((*c - 0xD800) << 10) + (low - 0xDC00);
      return p + 12;
    default:
      return NULL;
    }
}

/**
 * cfai_json_scan_string:
 * @p: where the string's opening quote should be
 * @end: the end of the document
 * @buf: (nullable): room for the decoded text when it has escapes
 * @str: (out) (optional): the decoded text, not NUL-terminated: in the
 *   document itself when it has no escapes, else in @buf
 * @len: (out) (optional): its length in bytes
 *
 * Reads one JSON string, or only checks it when @str is %NULL (then @buf
 * may be %NULL too).  @str stays valid while @buf and the document do.
 *
 * Returns: where the string ends (after its closing quote), or %NULL when
 *   it is malformed or one of the strings this reader leaves to json-glib
 */
const char *
cfai_json_scan_string (const char  *p,
                       const char  *end,
                       GString     *buf,
                       const char **str,
                       gsize       *len)
{
  const char *start;
  const char *run;       /* raw bytes not yet copied to @buf */
  gboolean escaped = FALSE;
  gboolean ascii = TRUE;

  g_return_val_if_fail (str == NULL || (buf != NULL && len != NULL), NULL);

  if (p >= end || *p != '"')
    return NULL;
  start = run = ++p;

  for (;;)
    {
      gunichar c;
      const char *next;

      if G_UNLIKELY (p >= end)
        return NULL;

      c = (guchar) *p;
      if (c == '"')
        break;
      if G_UNLIKELY (c < 0x20)
        return NULL;
      if (c >= 0x80)
        ascii = FALSE;
      if G_LIKELY (c != '\\')
        {
          p++;
          continue;
        }

      next = read_escape (p, end, &c);
      if (next == NULL)
        return NULL;

      if (str != NULL)
        {
          if (!escaped)
            g_string_truncate (buf, 0);
          g_string_append_len (buf, run, p - run);
          g_string_append_unichar (buf, c);
        }
      escaped = TRUE;
      p = run = next;
    }

  /* Escapes are ASCII, so checking the raw bytes, escapes and all, is
   * checking exactly what json-glib checks. */
  if (!ascii && !g_utf8_validate_len (start, p - start, NULL))
    return NULL;

  if (str != NULL)
    {
      if (escaped)
        {
          g_string_append_len (buf, run, p - run);
          *str = buf->str;
          *len = buf->len;
        }
      else
        {
          *str = start;
          *len = p - start;
        }
    }

  return p + 1;
}
