/* fake-schema.c — the JSON Schema subset used by Workers AI model files
 *
 * Only what Cloudflare's model files use: type (also arrays of types),
 * properties, required, additionalProperties, minimum/maximum,
 * minLength/maxLength, minItems/maxItems, enum, items, pattern, oneOf,
 * anyOf and allOf.  Annotations (description, default, title, format,
 * contentType) are ignored, as is anything that is not a schema object,
 * because some files carry stray keys (flux-2-dev has a "required" array
 * inside "properties").
 *
 * oneOf is checked as anyOf on purpose: the files are not exclusive (the
 * "Async Batch" variant of llama-3.3 requires nothing and matches every
 * object), so a strict oneOf would refuse every valid request.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fake-schema.h"

void
fake_schema_error_free (FakeSchemaError *error)
{
  if (error == NULL)
    return;

  g_free (error->pointer);
  g_free (error->field);
  g_free (error->message);
  g_free (error);
}

char *
fake_schema_error_dup_top_field (const FakeSchemaError *error)
{
  g_autofree char *segment = NULL;
  const char *start;
  const char *end;
  GString *out;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->field == NULL || error->field[0] != '/')
    return NULL;

  start = error->field + 1;
  end = strchr (start, '/');
  segment = end ? g_strndup (start, end - start) : g_strdup (start);

  /* Undo RFC 6901 escaping: ~1 is '/', ~0 is '~'. */
  out = g_string_new (NULL);
  for (const char *p = segment; *p; p++)
    {
      if (p[0] == '~' && p[1] == '1')
        {
          g_string_append_c (out, '/');
          p++;
        }
      else if (p[0] == '~' && p[1] == '0')
        {
          g_string_append_c (out, '~');
          p++;
        }
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static FakeSchemaError *
error_new (const char *pointer,
           const char *field,
           char       *message)
{
  FakeSchemaError *error = g_new0 (FakeSchemaError, 1);

  error->pointer = g_strdup (pointer);
  error->field = g_strdup (field ? field : pointer);
  error->message = message;

  return error;
}

static char *
pointer_append (const char *pointer,
                const char *segment)
{
  GString *out = g_string_new (pointer);

  g_string_append_c (out, '/');
  for (const char *p = segment; *p; p++)
    {
      if (*p == '~')
        g_string_append (out, "~0");
      else if (*p == '/')
        g_string_append (out, "~1");
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static char *
pointer_append_index (const char *pointer,
                      guint       index)
{
  return g_strdup_printf ("%s/%u", pointer, index);
}

static const char *
shown (const char *pointer)
{
  return pointer[0] ? pointer : "/";
}

static const char *
instance_type (JsonNode *node)
{
  GType type;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return "object";
    case JSON_NODE_ARRAY:
      return "array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
      break;
    default:
      return "unknown";
    }

  type = json_node_get_value_type (node);
  if (type == G_TYPE_BOOLEAN)
    return "boolean";
  if (type == G_TYPE_INT64)
    return "integer";
  if (type == G_TYPE_DOUBLE)
    return "number";
  if (type == G_TYPE_STRING)
    return "string";

  return "unknown";
}

static gboolean
is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static double
number_value (JsonNode *node)
{
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);

  return json_node_get_double (node);
}

static gboolean
matches_type (JsonNode   *node,
              const char *type)
{
  if (g_str_equal (type, "object"))
    return JSON_NODE_HOLDS_OBJECT (node);
  if (g_str_equal (type, "array"))
    return JSON_NODE_HOLDS_ARRAY (node);
  if (g_str_equal (type, "null"))
    return JSON_NODE_HOLDS_NULL (node);
  if (g_str_equal (type, "number"))
    return is_number (node);
  if (g_str_equal (type, "integer"))
    {
      double d;

      if (!is_number (node))
        return FALSE;
      if (json_node_get_value_type (node) == G_TYPE_INT64)
        return TRUE;
      /* JSON Schema counts 4.0 as an integer. */
      d = json_node_get_double (node);
      return isfinite (d) && floor (d) == d;
    }
  if (g_str_equal (type, "string"))
    return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
  if (g_str_equal (type, "boolean"))
    return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;

  /* A type name we do not know constrains nothing. */
  return TRUE;
}

static FakeSchemaError *
check_type (JsonObject *schema,
            JsonNode   *instance,
            const char *pointer)
{
  JsonNode *type = json_object_get_member (schema, "type");
  g_autoptr(GString) allowed = NULL;

  if (type == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_VALUE (type) && json_node_get_value_type (type) == G_TYPE_STRING)
    {
      if (matches_type (instance, json_node_get_string (type)))
        return NULL;

      return error_new (pointer, NULL,
                        g_strdup_printf ("Type mismatch of '%s', '%s' not in '%s'",
                                         shown (pointer), instance_type (instance),
                                         json_node_get_string (type)));
    }

  if (JSON_NODE_HOLDS_ARRAY (type))
    {
      JsonArray *types = json_node_get_array (type);
      guint n = json_array_get_length (types);

      allowed = g_string_new (NULL);
      for (guint i = 0; i < n; i++)
        {
          const char *name = json_array_get_string_element (types, i);

          if (name == NULL)
            continue;
          if (matches_type (instance, name))
            return NULL;
          if (allowed->len)
            g_string_append_c (allowed, ',');
          g_string_append_printf (allowed, "'%s'", name);
        }

      return error_new (pointer, NULL,
                        g_strdup_printf ("Type mismatch of '%s', '%s' not in %s",
                                         shown (pointer), instance_type (instance),
                                         allowed->str));
    }

  return NULL;
}

static FakeSchemaError *
check_enum (JsonObject *schema,
            JsonNode   *instance,
            const char *pointer)
{
  JsonNode *node = json_object_get_member (schema, "enum");
  g_autoptr(GString) allowed = NULL;
  JsonArray *values;
  guint n;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  values = json_node_get_array (node);
  n = json_array_get_length (values);
  allowed = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *value = json_array_get_element (values, i);
      g_autofree char *text = NULL;

      if (json_node_equal (value, instance))
        return NULL;
      if (allowed->len)
        g_string_append_c (allowed, ',');
      text = json_to_string (value, FALSE);
      g_string_append (allowed, text);
    }

  return error_new (pointer, NULL,
                    g_strdup_printf ("Value of '%s' must be one of %s",
                                     shown (pointer), allowed->str));
}

static gboolean
get_number_keyword (JsonObject *schema,
                    const char *name,
                    double     *value)
{
  JsonNode *node = json_object_get_member (schema, name);

  if (node == NULL || !is_number (node))
    return FALSE;

  *value = number_value (node);
  return TRUE;
}

static FakeSchemaError *
check_number (JsonObject *schema,
              JsonNode   *instance,
              const char *pointer)
{
  double value;
  double limit;

  if (!is_number (instance))
    return NULL;

  value = number_value (instance);

  if (get_number_keyword (schema, "minimum", &limit) && value < limit)
    return error_new (pointer, NULL,
                      g_strdup_printf ("Value of '%s' must be >= %g, got %g",
                                       shown (pointer), limit, value));
  if (get_number_keyword (schema, "maximum", &limit) && value > limit)
    return error_new (pointer, NULL,
                      g_strdup_printf ("Value of '%s' must be <= %g, got %g",
                                       shown (pointer), limit, value));

  return NULL;
}

static FakeSchemaError *
check_string (JsonObject *schema,
              JsonNode   *instance,
              const char *pointer)
{
  const char *text;
  JsonNode *pattern;
  glong length;
  double limit;

  if (!JSON_NODE_HOLDS_VALUE (instance) || json_node_get_value_type (instance) != G_TYPE_STRING)
    return NULL;

  text = json_node_get_string (instance);
  length = g_utf8_strlen (text, -1);

  if (get_number_keyword (schema, "minLength", &limit) && length < limit)
    return error_new (pointer, NULL,
                      g_strdup_printf ("Length of '%s' must be >= %g, got %ld",
                                       shown (pointer), limit, length));
  if (get_number_keyword (schema, "maxLength", &limit) && length > limit)
    return error_new (pointer, NULL,
                      g_strdup_printf ("Length of '%s' must be <= %g, got %ld",
                                       shown (pointer), limit, length));

  pattern = json_object_get_member (schema, "pattern");
  if (pattern != NULL && JSON_NODE_HOLDS_VALUE (pattern) &&
      json_node_get_value_type (pattern) == G_TYPE_STRING)
    {
      g_autoptr(GRegex) regex = g_regex_new (json_node_get_string (pattern), 0, 0, NULL);

      /* A pattern we cannot compile constrains nothing; JSON Schema
       * patterns are unanchored, like g_regex_match(). */
      if (regex != NULL && !g_regex_match (regex, text, 0, NULL))
        return error_new (pointer, NULL,
                          g_strdup_printf ("Value of '%s' does not match pattern '%s'",
                                           shown (pointer), json_node_get_string (pattern)));
    }

  return NULL;
}

static FakeSchemaError *validate (JsonNode   *schema,
                                  JsonNode   *instance,
                                  const char *pointer);

static FakeSchemaError *
check_array (JsonObject *schema,
             JsonNode   *instance,
             const char *pointer)
{
  JsonArray *array;
  JsonNode *items;
  double limit;
  guint n;

  if (!JSON_NODE_HOLDS_ARRAY (instance))
    return NULL;

  array = json_node_get_array (instance);
  n = json_array_get_length (array);

  if (get_number_keyword (schema, "minItems", &limit) && n < limit)
    return error_new (pointer, NULL,
                      g_strdup_printf ("Array '%s' must have >= %g items, got %u",
                                       shown (pointer), limit, n));
  if (get_number_keyword (schema, "maxItems", &limit) && n > limit)
    return error_new (pointer, NULL,
                      g_strdup_printf ("Array '%s' must have <= %g items, got %u",
                                       shown (pointer), limit, n));

  items = json_object_get_member (schema, "items");
  if (items == NULL)
    return NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *child = pointer_append_index (pointer, i);
      JsonNode *item_schema = items;
      FakeSchemaError *error;

      /* The tuple form (an array of schemas) is not used by the model
       * files, but costs nothing to honour. */
      if (JSON_NODE_HOLDS_ARRAY (items))
        {
          JsonArray *tuple = json_node_get_array (items);

          if (i >= json_array_get_length (tuple))
            break;
          item_schema = json_array_get_element (tuple, i);
        }

      error = validate (item_schema, json_array_get_element (array, i), child);
      if (error != NULL)
        return error;
    }

  return NULL;
}

static FakeSchemaError *
check_object (JsonObject *schema,
              JsonNode   *instance,
              const char *pointer)
{
  JsonObject *object;
  JsonObject *properties = NULL;
  JsonNode *node;
  g_autoptr(GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (instance))
    return NULL;

  object = json_node_get_object (instance);

  node = json_object_get_member (schema, "required");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *required = json_node_get_array (node);
      g_autoptr(GString) missing = g_string_new (NULL);
      g_autofree char *first_missing = NULL;
      guint n = json_array_get_length (required);

      for (guint i = 0; i < n; i++)
        {
          const char *name = json_array_get_string_element (required, i);

          if (name == NULL || json_object_has_member (object, name))
            continue;
          if (first_missing == NULL)
            first_missing = pointer_append (pointer, name);
          if (missing->len)
            g_string_append_c (missing, ',');
          g_string_append_printf (missing, "'%s'", name);
        }

      if (first_missing != NULL)
        return error_new (pointer, first_missing,
                          g_strdup_printf ("required properties at '%s' are %s",
                                           shown (pointer), missing->str));
    }

  node = json_object_get_member (schema, "properties");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    properties = json_node_get_object (node);

  members = json_object_get_members (object);
  for (const GList *l = members; l; l = l->next)
    {
      const char *name = l->data;
      JsonNode *property_schema = properties ? json_object_get_member (properties, name) : NULL;
      g_autofree char *child = pointer_append (pointer, name);
      FakeSchemaError *error;

      if (property_schema == NULL)
        {
          JsonNode *additional = json_object_get_member (schema, "additionalProperties");

          if (additional == NULL)
            continue;
          if (JSON_NODE_HOLDS_VALUE (additional) &&
              json_node_get_value_type (additional) == G_TYPE_BOOLEAN)
            {
              if (json_node_get_boolean (additional))
                continue;
              return error_new (pointer, child,
                                g_strdup_printf ("additional property '%s' is not allowed at '%s'",
                                                 name, shown (pointer)));
            }
          property_schema = additional;
        }

      error = validate (property_schema, json_object_get_member (object, name), child);
      if (error != NULL)
        return error;
    }

  return NULL;
}

static guint
depth (const FakeSchemaError *error)
{
  guint n = 0;

  for (const char *p = error->field; *p; p++)
    if (*p == '/')
      n++;

  return n;
}

/* Passing one alternative is enough (see the top of this file).  When
 * none passes, report the error of the alternative that got furthest
 * into the document: that is the one the client most likely meant. */
static FakeSchemaError *
check_alternatives (JsonObject *schema,
                    const char *keyword,
                    JsonNode   *instance,
                    const char *pointer)
{
  JsonNode *node = json_object_get_member (schema, keyword);
  FakeSchemaError *best = NULL;
  JsonArray *alternatives;
  guint n;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  alternatives = json_node_get_array (node);
  n = json_array_get_length (alternatives);
  if (n == 0)
    return NULL;

  for (guint i = 0; i < n; i++)
    {
      FakeSchemaError *error = validate (json_array_get_element (alternatives, i), instance, pointer);

      if (error == NULL)
        {
          fake_schema_error_free (best);
          return NULL;
        }

      if (best == NULL || depth (error) > depth (best))
        {
          fake_schema_error_free (best);
          best = error;
        }
      else
        fake_schema_error_free (error);
    }

  return best;
}

static FakeSchemaError *
check_all_of (JsonObject *schema,
              JsonNode   *instance,
              const char *pointer)
{
  JsonNode *node = json_object_get_member (schema, "allOf");
  JsonArray *parts;
  guint n;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  parts = json_node_get_array (node);
  n = json_array_get_length (parts);
  for (guint i = 0; i < n; i++)
    {
      FakeSchemaError *error = validate (json_array_get_element (parts, i), instance, pointer);

      if (error != NULL)
        return error;
    }

  return NULL;
}

static FakeSchemaError *
validate (JsonNode   *schema_node,
          JsonNode   *instance,
          const char *pointer)
{
  JsonObject *schema;
  FakeSchemaError *error;

  /* `{}`, `true` and stray non-schema values accept anything. */
  if (schema_node == NULL || !JSON_NODE_HOLDS_OBJECT (schema_node))
    return NULL;

  schema = json_node_get_object (schema_node);

  if ((error = check_type (schema, instance, pointer)) ||
      (error = check_enum (schema, instance, pointer)) ||
      (error = check_number (schema, instance, pointer)) ||
      (error = check_string (schema, instance, pointer)) ||
      (error = check_array (schema, instance, pointer)) ||
      (error = check_object (schema, instance, pointer)) ||
      (error = check_alternatives (schema, "oneOf", instance, pointer)) ||
      (error = check_alternatives (schema, "anyOf", instance, pointer)) ||
      (error = check_all_of (schema, instance, pointer)))
    return error;

  return NULL;
}

FakeSchemaError *
fake_schema_validate (JsonNode *schema,
                      JsonNode *instance)
{
  g_return_val_if_fail (instance != NULL, NULL);

  return validate (schema, instance, "");
}
