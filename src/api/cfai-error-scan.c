/* cfai-error-scan.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading what a failed answer says about itself: the code hidden in a
 * message's "NNNN: " prefix, token counts in a context-window message,
 * the field a validator complained about.  Everything read from a server
 * passes through cfai_error_clean_text() before anyone shows it.
 */
#include "config.h"

#include <string.h>

#include "cfai-error-private.h"
#include "cfai-json.h"

/* Long enough for any real error message, short enough for a dialog. */
#define MAX_DETAIL_CHARS  300
/* Only the start of a non-JSON body can hold anything worth showing. */
#define MAX_TEXT_SCAN     (16 * 1024)
#define MAX_FIELD_CHARS   200

/* RFC 6750 b64token characters: what a bearer token can be made of. */
static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("-._~+/=", c) != NULL);
}

/* Replaces the value after @keyword with "[redacted]".  Messages end up in
 * dialogs, logs and bug reports; a server (or a proxy page) echoing our
 * request headers must not leak the API token into any of them.  With
 * @assignment, only "keyword: value" and "keyword=value" count, so that
 * prose such as "Authorization header" stays readable. */
static void
redact_after (GString    *s,
              const char *keyword,
              gboolean    assignment)
{
  static const char redacted[] = "[redacted]";
  gsize keyword_len = strlen (keyword);
  gsize from = 0;

  while (from < s->len)
    {
      g_autofree char *lower = g_ascii_strdown (s->str, s->len);
      const char *hit = strstr (lower + from, keyword);
      gsize value_start;
      gsize value_end;

      if (hit == NULL)
        return;

      from = (gsize) (hit - lower) + keyword_len;
      value_start = from;

      if (assignment)
        {
          while (value_start < s->len && strchr (" \"'", s->str[value_start]) != NULL)
            value_start++;
          if (value_start >= s->len || strchr (":=", s->str[value_start]) == NULL)
            continue;
        }
      else if (value_start >= s->len || strchr (" :=", s->str[value_start]) == NULL)
        {
          continue;
        }

      while (value_start < s->len && strchr (" :=\"'", s->str[value_start]) != NULL)
        value_start++;

      /* "Authorization: Bearer <token>": the token is after the scheme. */
      if (assignment &&
          (g_ascii_strncasecmp (s->str + value_start, "bearer ", 7) == 0 ||
           g_ascii_strncasecmp (s->str + value_start, "basic ", 6) == 0))
        {
          while (value_start < s->len && s->str[value_start] != ' ')
            value_start++;
          while (value_start < s->len && s->str[value_start] == ' ')
            value_start++;
        }

      value_end = value_start;
      while (value_end < s->len && is_token_char (s->str[value_end]))
        value_end++;

      if (value_end > value_start &&
          strncmp (s->str + value_start, redacted, strlen (redacted)) != 0)
        {
          g_string_erase (s, value_start, value_end - value_start);
          g_string_insert (s, value_start, redacted);
          value_end = value_start + strlen (redacted);
        }

      from = MAX (from, value_end);
    }
}

/* Server text is shown to people: make it valid UTF-8 on one line without
 * control or bidi-format characters, short, and free of credentials. */
char *
cfai_error_clean_text (const char *text,
                       gsize       len)
{
  g_autofree char *valid = NULL;
  g_autoptr(GString) out = NULL;
  gboolean pending_space = FALSE;
  gboolean truncated = FALSE;
  guint n_chars = 0;

  if (text == NULL || len == 0)
    return NULL;

  valid = g_utf8_make_valid (text, MIN (len, MAX_TEXT_SCAN));
  out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c) ||
          g_unichar_type (c) == G_UNICODE_FORMAT)
        {
          pending_space = out->len > 0;
          continue;
        }

      if (n_chars + (pending_space ? 1 : 0) >= MAX_DETAIL_CHARS)
        {
          truncated = TRUE;
          break;
        }

      if (pending_space)
        {
          g_string_append_c (out, ' ');
          pending_space = FALSE;
          n_chars++;
        }

      g_string_append_unichar (out, c);
      n_chars++;
    }

  if (out->len == 0)
    return NULL;

  redact_after (out, "bearer", FALSE);
  redact_after (out, "authorization", TRUE);
  redact_after (out, "x-auth-key", TRUE);

  if (truncated)
    g_string_append (out, "…");

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* A token count such as 128000 or 128,000; NULL-safe. */
static gboolean
read_count (const char *p,
            gint64     *out)
{
  gint64 value = 0;
  gboolean any = FALSE;

  if (p == NULL)
    return FALSE;

  while (*p == ' ' || *p == '(')
    p++;

  for (; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          /* No model has a window anywhere near this; past it the text
           * is not a token count. */
          if (value > 1000000000000)
            return FALSE;
          value = value * 10 + (*p - '0');
          any = TRUE;
        }
      else if ((*p == ',' || *p == '_') && any && g_ascii_isdigit (p[1]))
        continue;
      else
        break;
    }

  if (!any)
    return FALSE;

  *out = value;
  return TRUE;
}

static const char *
after (const char *haystack,
       const char *needle)
{
  const char *hit = strstr (haystack, needle);

  return hit != NULL ? hit + strlen (needle) : NULL;
}

/* Recognises a context-window overflow and, where the text gives them,
 * the requested (input + maximum output) and allowed token counts.
 * Workers AI's own wording comes first; /ai/v1 models served by vLLM use
 * OpenAI's wording. */
gboolean
cfai_error_match_context (const char *message,
                          gint64     *requested,
                          gint64     *limit)
{
  g_autofree char *lower = NULL;
  const char *window;

  *requested = -1;
  *limit = -1;

  if (message == NULL)
    return FALSE;

  lower = g_ascii_strdown (message, -1);

  window = strstr (lower, "context window");
  if (window != NULL && strstr (lower, "exceed") != NULL)
    {
      const char *open = strchr (window, '(');
      const char *total = strstr (lower, "tokens (");

      /* "…context window limit (Y)": the number belongs to the window only
       * when nothing but words stand between them. */
      if (open != NULL && open - window <= 24)
        read_count (open, limit);
      if (total != NULL && total < window)
        read_count (total + strlen ("tokens ("), requested);

      return TRUE;
    }

  if (strstr (lower, "maximum context length") != NULL)
    {
      const char *p;

      if (!read_count (after (lower, "maximum context length is "), limit))
        read_count (after (lower, "maximum context length of "), limit);

      if ((p = after (lower, "for a total of at least ")) != NULL ||
          (p = after (lower, "requested a total of ")) != NULL)
        {
          read_count (p, requested);
        }
      else if ((p = after (lower, "you requested ")) != NULL)
        {
          gint64 n;
          const char *q = p;

          /* "you requested 9224 tokens (…)" is a total, but
           * "you requested 32000 output tokens" is only the answer. */
          while (g_ascii_isdigit (*q) || *q == ',')
            q++;
          if (read_count (p, &n) && g_str_has_prefix (q, " tokens"))
            *requested = n;
        }

      return TRUE;
    }

  return strstr (lower, "context_length_exceeded") != NULL;
}

static gint64
read_code_digits (const char *p,
                  char        terminator)
{
  gint64 code = 0;
  guint n = 0;

  for (; g_ascii_isdigit (*p); p++, n++)
    {
      if (n >= 6)
        return 0;
      code = code * 10 + (*p - '0');
    }

  return (n >= 3 && *p == terminator) ? code : 0;
}

/* The code a message names itself: "5021: The estimated…",
 * "AiError: 3030: …", or the JavaScript SDK's "… (code 1000)". */
gint64
cfai_error_message_code (const char *message)
{
  const char *p = message;
  const char *paren;
  gint64 code;

  if (message == NULL)
    return 0;

  for (;;)
    {
      const char *word;

      while (*p == ' ')
        p++;

      word = p;
      while (g_ascii_isalpha (*p))
        p++;

      if (p - word >= 5 && strncmp (p - 5, "Error", 5) == 0 && p[0] == ':' && p[1] == ' ')
        {
          p += 2;
          continue;
        }

      p = word;
      break;
    }

  if ((code = read_code_digits (p, ':')) != 0)
    return code;

  if ((paren = after (message, "(code ")) != NULL)
    return read_code_digits (paren, ')');

  return 0;
}

/* "/messages/0/content" → "messages.0.content" */
static char *
pointer_to_path (const char *pointer,
                 gsize       len)
{
  g_autofree char *copy = g_strndup (pointer, len);
  g_auto(GStrv) parts = g_strsplit (copy, "/", -1);
  g_autoptr(GString) path = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(GString) part = NULL;

      if (parts[i][0] == '\0')
        continue;

      part = g_string_new (parts[i]);
      g_string_replace (part, "~1", "/", 0);
      g_string_replace (part, "~0", "~", 0);

      if (path->len > 0)
        g_string_append_c (path, '.');
      g_string_append (path, part->str);
    }

  if (path->len == 0 || g_utf8_strlen (path->str, -1) > MAX_FIELD_CHARS)
    return NULL;

  return g_string_free (g_steal_pointer (&path), FALSE);
}

/* Workers AI's schema validator names fields as quoted JSON pointers:
 * "Type mismatch of '/messages/0/content', 'array' not in 'string'" or
 * "required properties at '/' are 'prompt'". */
static char *
field_from_pointer_text (const char *message)
{
  const char *p;

  if (message == NULL)
    return NULL;

  for (p = strstr (message, "'/"); p != NULL; p = strstr (p, "'/"))
    {
      const char *start = p + 1;
      const char *end = strchr (start, '\'');

      if (end == NULL)
        break;

      /* "required properties at '/x' are 'y'" names x.y, handled below. */
      if (end - start > 1 &&
          !(p - message >= 23 && strncmp (p - 23, "required properties at ", 23) == 0))
        return pointer_to_path (start, end - start);

      p = end + 1;
    }

  if ((p = after (message, "required properties at '")) != NULL)
    {
      const char *pointer_end = strchr (p, '\'');
      const char *names;
      const char *names_end;
      g_autofree char *parent = NULL;
      g_autofree char *name = NULL;

      /* Only a JSON pointer directly followed by its names, as the
       * validator writes it; anything else is not a field name. */
      if (*p != '/' || pointer_end == NULL || !g_str_has_prefix (pointer_end, "' are '"))
        return NULL;
      names = pointer_end + strlen ("' are '");

      names_end = names;
      while (*names_end != '\0' && *names_end != '\'' && *names_end != ',')
        names_end++;
      if (names_end == names || names_end - names > MAX_FIELD_CHARS)
        return NULL;

      name = g_strndup (names, names_end - names);
      parent = pointer_to_path (p, pointer_end - p);

      return parent != NULL ? g_strconcat (parent, ".", name, NULL) : g_steal_pointer (&name);
    }

  return NULL;
}

char *
cfai_error_field_from_message (const char *message)
{
  g_autofree char *field = field_from_pointer_text (message);

  /* Joining path parts can put words side by side that were apart in
   * the message ("bearer " + "." + name), so clean the result again. */
  return cfai_error_clean_field (field);
}

char *
cfai_error_clean_field (const char *field)
{
  g_autofree char *cleaned = NULL;

  if (field == NULL)
    return NULL;

  cleaned = cfai_error_clean_text (field, strlen (field));
  if (cleaned == NULL || g_utf8_strlen (cleaned, -1) > MAX_FIELD_CHARS)
    return NULL;

  return g_steal_pointer (&cleaned);
}

/* Codes arrive as numbers, occasionally as numeric strings. */
gint64
cfai_error_json_get_code (JsonObject *object,
                          const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      gint64 v = json_node_get_int (node);
      return (v > 0 && v < 1000000) ? v : 0;
    }
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);
      return (d >= 1 && d < 1000000 && d == (double) (gint64) d) ? (gint64) d : 0;
    }
  if (type == G_TYPE_STRING)
    {
      guint64 v;

      if (g_ascii_string_to_unsigned (json_node_get_string (node), 10, 1, 999999, &v, NULL))
        return (gint64) v;
    }

  return 0;
}

static char *
path_from_json (JsonNode *node)
{
  if (node == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return cfai_error_clean_field (json_node_get_string (node));

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GString) path = g_string_new (NULL);
      guint n = MIN (json_array_get_length (array), 32);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element))
            return NULL;

          if (path->len > 0)
            g_string_append_c (path, '.');

          if (json_node_get_value_type (element) == G_TYPE_STRING)
            g_string_append (path, json_node_get_string (element));
          else if (json_node_get_value_type (element) == G_TYPE_INT64)
            g_string_append_printf (path, "%" G_GINT64_FORMAT, json_node_get_int (element));
          else
            return NULL;
        }

      return cfai_error_clean_field (path->str);
    }

  return NULL;
}

/* 5012 "body failed validation" may carry `details.fieldErrors`, either
 * flattened ({"max_tokens": ["…"]}) or as a list of issues with a path. */
char *
cfai_error_field_from_details (JsonObject *holder)
{
  JsonObject *details;
  JsonNode *field_errors;

  if (holder == NULL)
    return NULL;

  details = cfai_json_get_object (holder, "details");
  field_errors = json_object_get_member (details != NULL ? details : holder, "fieldErrors");
  if (field_errors == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (field_errors))
    {
      g_autoptr(GList) names = json_object_get_members (json_node_get_object (field_errors));

      return names != NULL ? cfai_error_clean_field (names->data) : NULL;
    }

  if (JSON_NODE_HOLDS_ARRAY (field_errors))
    {
      JsonArray *array = json_node_get_array (field_errors);
      JsonNode *first;
      JsonObject *issue;
      char *field;

      if (json_array_get_length (array) == 0)
        return NULL;

      first = json_array_get_element (array, 0);
      if (!JSON_NODE_HOLDS_OBJECT (first))
        return path_from_json (first);

      issue = json_node_get_object (first);
      if ((field = path_from_json (json_object_get_member (issue, "path"))) != NULL ||
          (field = path_from_json (json_object_get_member (issue, "field"))) != NULL)
        return field;

      return path_from_json (json_object_get_member (issue, "name"));
    }

  return NULL;
}

JsonNode *
cfai_error_parse_json (const guint8  *data,
                       gsize          len,
                       GError       **error)
{
  /* Not json_parser_new_immutable(): json-glib 1.10 aborts in
   * json_parser_get_root() when such a parser stops early on some invalid
   * input (found by fuzz-envelope with a body of "0{…}"). */
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (len > G_MAXSSIZE)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "Answer too large");
      return NULL;
    }

  if (!json_parser_load_from_data (parser, (const char *) data, (gssize) len, error))
    return NULL;

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "Empty JSON document");
      return NULL;
    }

  return json_parser_steal_root (parser);
}
