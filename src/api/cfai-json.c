/* cfai-json.c — reading members of JSON that may be anything
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the server, a cache file or a schema holds is not ours to trust,
 * and json-glib's typed getters (json_object_get_array_member() and
 * friends, even the _with_default ones for a member that is an object)
 * raise a critical on a member of another type, which tests run as fatal.
 * These answer NULL (or -1, or FALSE) instead, and take a NULL object, so
 * a path can be followed without checking each step.
 */
#include "config.h"

#include <math.h>

#include "cfai-json.h"

static JsonNode *
get_node (JsonObject   *object,
          const char   *member,
          JsonNodeType  type)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_TYPE (node) == type ? node : NULL;
}

static JsonNode *
get_value (JsonObject *object,
           const char *member)
{
  return get_node (object, member, JSON_NODE_VALUE);
}

/**
 * cfai_json_get_string:
 * @object: (nullable): an object
 * @member: a member name
 *
 * Returns: (nullable) (transfer none): the member's string, or %NULL when
 *   it is missing or not a string
 */
const char *
cfai_json_get_string (JsonObject *object,
                      const char *member)
{
  JsonNode *node = get_value (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * cfai_json_get_object:
 * @object: (nullable): an object
 * @member: a member name
 *
 * Returns: (nullable) (transfer none): the member, or %NULL when it is
 *   missing or not an object
 */
JsonObject *
cfai_json_get_object (JsonObject *object,
                      const char *member)
{
  JsonNode *node = get_node (object, member, JSON_NODE_OBJECT);

  return node != NULL ? json_node_get_object (node) : NULL;
}

/**
 * cfai_json_get_array:
 * @object: (nullable): an object
 * @member: a member name
 *
 * Returns: (nullable) (transfer none): the member, or %NULL when it is
 *   missing or not an array
 */
JsonArray *
cfai_json_get_array (JsonObject *object,
                     const char *member)
{
  JsonNode *node = get_node (object, member, JSON_NODE_ARRAY);

  return node != NULL ? json_node_get_array (node) : NULL;
}

/**
 * cfai_json_get_number:
 * @object: (nullable): an object
 * @member: a member name
 * @value: (out): where to put the number
 *
 * Returns: %TRUE if the member is a finite number (integer or not);
 *   @value is left alone otherwise
 */
gboolean
cfai_json_get_number (JsonObject *object,
                      const char *member,
                      double     *value)
{
  JsonNode *node = get_value (object, member);
  GType type;
  double number;

  if (node == NULL)
    return FALSE;

  type = json_node_get_value_type (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;

  number = json_node_get_double (node);
  if (!isfinite (number))
    return FALSE;

  *value = number;
  return TRUE;
}

/**
 * cfai_json_get_count:
 * @object: (nullable): an object
 * @member: a member name
 *
 * Counts (tokens, pages, models) are integers, but servers have been
 * seen to write them as 12.0 or "12"; those are read too.
 *
 * Returns: the count, or -1 when the member is missing or not a
 *   non-negative whole number
 */
gint64
cfai_json_get_count (JsonObject *object,
                     const char *member)
{
  JsonNode *node = get_value (object, member);

  if (node == NULL)
    return -1;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return MAX (json_node_get_int (node), -1);

    case G_TYPE_DOUBLE:
      {
        double value = json_node_get_double (node);

        if (!isfinite (value) || value < 0 || value >= 9.2e18)
          return -1;
        return (gint64) value;
      }

    case G_TYPE_STRING:
      {
        gint64 value;

        if (g_ascii_string_to_signed (json_node_get_string (node), 10, 0, G_MAXINT64, &value, NULL))
          return value;
        return -1;
      }

    default:
      return -1;
    }
}

/**
 * cfai_json_object_at:
 * @object: (nullable): an object
 * @first: the first member name
 * @...: more member names, then %NULL
 *
 * Follows a path of object members.
 *
 * Returns: (nullable) (transfer none): the object at the end, or %NULL
 *   where the path breaks
 */
JsonObject *
cfai_json_object_at (JsonObject *object,
                     const char *first,
                     ...)
{
  va_list args;
  const char *name = first;

  va_start (args, first);
  while (object != NULL && name != NULL)
    {
      object = cfai_json_get_object (object, name);
      name = va_arg (args, const char *);
    }
  va_end (args);

  return object;
}

/**
 * cfai_json_array_get_object:
 * @array: (nullable): an array
 * @index: an index, perhaps past the end
 *
 * As json_array_get_object_element(), without its critical for an
 * element that is not an object (a schema variant may be `true`).
 *
 * Returns: (nullable) (transfer none): the element, or %NULL when it is
 *   missing or not an object
 */
JsonObject *
cfai_json_array_get_object (JsonArray *array,
                            guint      index)
{
  JsonNode *node;

  if (array == NULL || index >= json_array_get_length (array))
    return NULL;
  node = json_array_get_element (array, index);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * cfai_json_array_get_string:
 * @array: (nullable): an array
 * @index: an index, perhaps past the end
 *
 * Returns: (nullable) (transfer none): the element's string, or %NULL
 *   when it is missing or not a string
 */
const char *
cfai_json_array_get_string (JsonArray *array,
                            guint      index)
{
  JsonNode *node;

  if (array == NULL || index >= json_array_get_length (array))
    return NULL;
  node = json_array_get_element (array, index);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}
