/* cfai-model-json.c — CfaiModel from and to a catalog entry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The catalog is generated data that has changed shape over time: values
 * are strings ("true", "128000") except "price", but any JSON type is
 * accepted for any property, and properties we do not know are ignored.
 * Only an entry we cannot name is refused, because it could never be run.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cfai-error.h"
#include "cfai-model-private.h"

/* Boolean catalog properties, in the order to_json writes them. */
static const struct
{
  const char     *property_id;
  CfaiModelFlags  flag;
} flag_properties[] = {
  { "vision",           CFAI_MODEL_FLAG_VISION },
  { "reasoning",        CFAI_MODEL_FLAG_REASONING },
  { "function_calling", CFAI_MODEL_FLAG_FUNCTION_CALLING },
  { "lora",             CFAI_MODEL_FLAG_LORA },
  { "beta",             CFAI_MODEL_FLAG_BETA },
  { "partner",          CFAI_MODEL_FLAG_PARTNER },
  { "async_queue",      CFAI_MODEL_FLAG_ASYNC_QUEUE },
  { "require_workers_paid", CFAI_MODEL_FLAG_WORKERS_PAID },
};

/* A scalar wrapped in an array means the scalar. */
static JsonNode *
unwrap_value (JsonNode *node)
{
  while (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      if (json_array_get_length (array) == 0)
        return NULL;

      node = json_array_get_element (array, 0);
    }

  return node;
}

static gboolean
value_to_boolean (JsonNode *node,
                  gboolean *out)
{
  node = unwrap_value (node);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      *out = json_node_get_boolean (node);
      return TRUE;

    case G_TYPE_INT64:
      *out = json_node_get_int (node) != 0;
      return TRUE;

    case G_TYPE_DOUBLE:
      *out = json_node_get_double (node) != 0.0;
      return TRUE;

    case G_TYPE_STRING:
      {
        g_autofree char *text = g_strstrip (g_strdup (json_node_get_string (node)));

        if (g_ascii_strcasecmp (text, "true") == 0 ||
            g_ascii_strcasecmp (text, "yes") == 0 ||
            g_strcmp0 (text, "1") == 0)
          *out = TRUE;
        else if (g_ascii_strcasecmp (text, "false") == 0 ||
                 g_ascii_strcasecmp (text, "no") == 0 ||
                 g_strcmp0 (text, "0") == 0 ||
                 text[0] == '\0')
          *out = FALSE;
        else
          return FALSE;

        return TRUE;
      }

    default:
      return FALSE;
    }
}

/* Plain decimal only: g_ascii_strtod() also takes "inf", "nan" and hex. */
static gboolean
parse_decimal (const char *text,
               double     *out)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  gboolean digit = FALSE;
  gboolean point = FALSE;
  char *end = NULL;
  double value;

  for (const char *p = copy; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digit = TRUE;
      else if (*p == '.' && !point)
        point = TRUE;
      else if (*p == '-' && p == copy)
        continue;
      else
        return FALSE;
    }

  if (!digit)
    return FALSE;

  value = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || !isfinite (value))
    return FALSE;

  *out = value;
  return TRUE;
}

static gboolean
value_to_double (JsonNode *node,
                 double   *out)
{
  node = unwrap_value (node);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *out = (double) json_node_get_int (node);
      return TRUE;

    case G_TYPE_DOUBLE:
      *out = json_node_get_double (node);
      return isfinite (*out);

    case G_TYPE_STRING:
      {
        const char *text = json_node_get_string (node);

        while (g_ascii_isspace (*text))
          text++;
        if (*text == '$')
          text++;

        return parse_decimal (text, out);
      }

    default:
      return FALSE;
    }
}

/* Token counts come as "128000", and might come as 128000, "128,000" or
 * 128000.0; anything else (negative, fractional, words) means unknown. */
static gboolean
value_to_count (JsonNode *node,
                gint64   *out)
{
  double value;

  node = unwrap_value (node);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      if (json_node_get_int (node) < 0)
        return FALSE;
      *out = json_node_get_int (node);
      return TRUE;
    }

  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autoptr(GString) digits = g_string_new (NULL);

      for (const char *p = json_node_get_string (node); *p != '\0'; p++)
        {
          if (*p != ',' && *p != '_')
            g_string_append_c (digits, *p);
        }
      g_strstrip (digits->str);

      /* Exact for every count a gint64 holds; a double is not. */
      if (g_ascii_string_to_signed (digits->str, 10, 0, G_MAXINT64, out, NULL))
        return TRUE;

      if (!parse_decimal (digits->str, &value))
        return FALSE;
    }
  else if (!value_to_double (node, &value))
    {
      return FALSE;
    }

  if (value < 0 || value >= 9.2e18 || value != floor (value))
    return FALSE;

  *out = (gint64) value;
  return TRUE;
}

static char *
value_to_string (JsonNode *node)
{
  g_autofree char *text = NULL;

  node = unwrap_value (node);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  text = g_strstrip (g_strdup (json_node_get_string (node)));
  if (text[0] == '\0')
    return NULL;

  return g_steal_pointer (&text);
}

static GDateTime *
parse_date_string (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autofree char *copy = g_strstrip (g_strdup (text));
  GDateTime *date;
  char *space;
  int year, month, day;
  char rest;

  date = g_date_time_new_from_iso8601 (copy, utc);
  if (date != NULL)
    return date;

  /* "2024-12-06 17:09:18.338", as the catalog writes created_at. */
  space = strchr (copy, ' ');
  if (space != NULL)
    {
      *space = 'T';
      date = g_date_time_new_from_iso8601 (copy, utc);
      if (date != NULL)
        return date;
      *space = ' ';
    }

  /* A bare date is the first moment of that day, in UTC. */
  if (sscanf (copy, "%4d-%2d-%2d%c", &year, &month, &day, &rest) == 3 &&
      strlen (copy) == 10 &&
      g_date_valid_dmy (day, month, year))
    return g_date_time_new_utc (year, month, day, 0, 0, 0);

  return NULL;
}

static GDateTime *
value_to_date (JsonNode *node)
{
  node = unwrap_value (node);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return parse_date_string (json_node_get_string (node));

    case G_TYPE_INT64:
      /* Seconds since the epoch. */
      return g_date_time_new_from_unix_utc (json_node_get_int (node));

    default:
      return NULL;
    }
}

static void
add_price (GPtrArray  *prices,
           JsonObject *object)
{
  g_autofree char *unit = NULL;
  g_autofree char *currency = NULL;
  double price;

  if (!json_object_has_member (object, "price") ||
      !value_to_double (json_object_get_member (object, "price"), &price))
    return;

  if (json_object_has_member (object, "unit"))
    unit = value_to_string (json_object_get_member (object, "unit"));
  if (json_object_has_member (object, "currency"))
    currency = value_to_string (json_object_get_member (object, "currency"));

  g_ptr_array_add (prices, cfai_model_price_new (unit, price, currency));
}

/* "price" is an array of {unit, price, currency}; a lone object, or the
 * array serialized into a string, are read the same way.  Entries without
 * a usable price are skipped. */
static void
read_prices (GPtrArray *prices,
             JsonNode  *node,
             gboolean   allow_string)
{
  if (node == NULL)
    return;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (element))
            add_price (prices, json_node_get_object (element));
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      add_price (prices, json_node_get_object (node));
    }
  else if (allow_string &&
           JSON_NODE_HOLDS_VALUE (node) &&
           json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autoptr(JsonNode) parsed = json_from_string (json_node_get_string (node), NULL);

      read_prices (prices, parsed, FALSE);
    }
}

/* "context_window", "Context-Window" and "context window" name the same
 * property; compare in one spelling. */
static char *
normalize_key (const char *key)
{
  char *out = g_ascii_strdown (key, -1);

  g_strstrip (out);
  for (char *p = out; *p != '\0'; p++)
    {
      if (*p == '-' || *p == ' ')
        *p = '_';
    }

  return out;
}

static void
apply_property (CfaiModel  *self,
                const char *property_id,
                JsonNode   *value)
{
  g_autofree char *key = normalize_key (property_id);

  for (guint i = 0; i < G_N_ELEMENTS (flag_properties); i++)
    {
      if (strcmp (key, flag_properties[i].property_id) == 0)
        {
          gboolean on;

          if (!value_to_boolean (value, &on))
            g_debug ("%s: property %s has no boolean value", self->id, property_id);
          else if (on)
            self->flags |= flag_properties[i].flag;
          else
            self->flags &= ~flag_properties[i].flag;
          return;
        }
    }

  if (strcmp (key, "context_window") == 0)
    {
      gint64 count;

      if (value_to_count (value, &count))
        self->context_window = count;
      else
        g_debug ("%s: property %s is not a token count", self->id, property_id);
    }
  else if (strcmp (key, "price") == 0)
    {
      /* A later "price" replaces an earlier one, as for any property. */
      g_ptr_array_set_size (self->prices, 0);
      read_prices (self->prices, value, TRUE);
    }
  else if (strcmp (key, "terms") == 0)
    {
      g_free (self->terms_url);
      self->terms_url = value_to_string (value);
    }
  else if (strcmp (key, "info") == 0)
    {
      g_free (self->info_url);
      self->info_url = value_to_string (value);
    }
  else if (strcmp (key, "planned_deprecation_date") == 0)
    {
      g_clear_pointer (&self->planned_deprecation_date, g_date_time_unref);
      self->planned_deprecation_date = value_to_date (value);
      if (self->planned_deprecation_date == NULL && unwrap_value (value) != NULL)
        g_debug ("%s: property %s is not a date", self->id, property_id);
    }
  else if (strcmp (key, "display_name") == 0)
    {
      g_autofree char *name = value_to_string (value);

      if (name != NULL)
        {
          g_free (self->display_name);
          self->display_name = g_steal_pointer (&name);
          self->display_name_given = TRUE;
        }
    }
  else
    {
      g_debug ("%s: ignoring unknown property %s", self->id, property_id);
    }
}

static char *
member_string (JsonObject *object,
               const char *member)
{
  if (!json_object_has_member (object, member))
    return NULL;

  return value_to_string (json_object_get_member (object, member));
}

/* A member that is there, not null, and not a string. */
static gboolean
member_is_not_string (JsonObject *object,
                      const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL &&
         !JSON_NODE_HOLDS_NULL (node) &&
         (!JSON_NODE_HOLDS_VALUE (node) ||
          json_node_get_value_type (node) != G_TYPE_STRING);
}

static void
add_tag (GStrvBuilder *tags,
         JsonNode     *node)
{
  char *tag = value_to_string (node);

  if (tag != NULL)
    g_strv_builder_take (tags, tag);
}

/**
 * cfai_model_new_from_json:
 * @entry: one entry of the catalog's "result" array
 * @error: return location for a %CFAI_ERROR_PROTOCOL error
 *
 * Reads a catalog entry.  The entry must name the model: "name" as a
 * non-empty string (or, for entries that only have one, an "id" that is
 * a model id starting with "@"); "properties", when present, must be an
 * array.  Everything else is read as far as it makes sense and ignored
 * otherwise.
 *
 * Returns: (transfer full): the model, or %NULL with @error set
 */
CfaiModel *
cfai_model_new_from_json (JsonObject  *entry,
                          GError     **error)
{
  g_autoptr(CfaiModel) self = NULL;
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GStrvBuilder) tags = NULL;
  JsonNode *node;

  g_return_val_if_fail (entry != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (member_is_not_string (entry, "name"))
    {
      g_set_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                   _("A model catalog entry has a “name” that is not text"));
      return NULL;
    }

  name = member_string (entry, "name");
  id = member_string (entry, "id");

  self = g_object_new (CFAI_TYPE_MODEL, NULL);

  if (name != NULL)
    {
      self->id = g_steal_pointer (&name);
      self->uuid = g_steal_pointer (&id);
    }
  else if (id != NULL && id[0] == '@')
    {
      self->id = g_steal_pointer (&id);
    }
  else
    {
      g_set_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                   _("A model catalog entry has no model name"));
      return NULL;
    }

  self->description = member_string (entry, "description");
  self->display_name = member_string (entry, "display_name");
  self->display_name_given = self->display_name != NULL;

  node = json_object_get_member (entry, "task");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    self->task = member_string (json_node_get_object (node), "name");
  else
    self->task = value_to_string (node);

  tags = g_strv_builder_new ();
  node = json_object_get_member (entry, "tags");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element))
            add_tag (tags, element);
        }
    }
  else if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    {
      add_tag (tags, node);
    }
  self->tags = g_strv_builder_end (tags);

  node = json_object_get_member (entry, "deprecated");
  if (node != NULL)
    {
      gboolean deprecated = FALSE;

      if (value_to_boolean (node, &deprecated))
        self->deprecated = deprecated;
    }

  node = json_object_get_member (entry, "properties");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_set_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                       _("The properties of model %s are not a list"),
                       self->id);
          return NULL;
        }

      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *property;
          g_autofree char *property_id = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              g_debug ("%s: property %u is not an object", self->id, i);
              continue;
            }

          property = json_node_get_object (element);
          property_id = member_string (property, "property_id");
          if (property_id == NULL)
            {
              g_debug ("%s: property %u has no property_id", self->id, i);
              continue;
            }

          apply_property (self, property_id,
                          json_object_get_member (property, "value"));
        }
    }

  if (self->display_name == NULL)
    self->display_name = cfai_model_derive_display_name (self->id);
  self->author = cfai_model_derive_author (self->id);

  _cfai_model_build_search_key (self);

  return g_steal_pointer (&self);
}

/* Appends {"property_id": @property_id, "value": @value (transfer full)}. */
static void
add_property (JsonArray  *properties,
              const char *property_id,
              JsonNode   *value)
{
  JsonObject *property = json_object_new ();

  json_object_set_string_member (property, "property_id", property_id);
  json_object_set_member (property, "value", value);
  json_array_add_object_element (properties, property);
}

/* Values are strings, as Cloudflare writes them. */
static void
add_text_property (JsonArray  *properties,
                   const char *property_id,
                   const char *text)
{
  add_property (properties, property_id, json_node_init_string (json_node_alloc (), text));
}

/**
 * cfai_model_to_json:
 *
 * Writes @self as a catalog entry, in the shape cfai_model_new_from_json()
 * reads, so the disk cache needs no format of its own.  Values are written
 * the way Cloudflare writes them (booleans and counts as strings).
 * Derived values (display name, author) are not written.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
cfai_model_to_json (CfaiModel *self)
{
  g_autoptr(JsonObject) entry = json_object_new ();
  JsonArray *tags = json_array_new ();
  JsonArray *properties = json_array_new ();

  g_return_val_if_fail (CFAI_IS_MODEL (self), NULL);

  if (self->uuid != NULL)
    json_object_set_string_member (entry, "id", self->uuid);
  json_object_set_string_member (entry, "name", self->id);
  if (self->description != NULL)
    json_object_set_string_member (entry, "description", self->description);
  if (self->task != NULL)
    {
      JsonObject *task = json_object_new ();

      json_object_set_string_member (task, "name", self->task);
      json_object_set_object_member (entry, "task", task);
    }

  for (guint i = 0; self->tags != NULL && self->tags[i] != NULL; i++)
    json_array_add_string_element (tags, self->tags[i]);
  json_object_set_array_member (entry, "tags", tags);

  if (self->deprecated)
    json_object_set_boolean_member (entry, "deprecated", TRUE);

  if (self->display_name_given)
    add_text_property (properties, "display_name", self->display_name);

  if (self->context_window > 0)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, self->context_window);

      add_text_property (properties, "context_window", count);
    }

  if (self->prices->len > 0)
    {
      JsonArray *prices = json_array_new ();

      for (guint i = 0; i < self->prices->len; i++)
        {
          const CfaiModelPrice *price = g_ptr_array_index (self->prices, i);
          JsonObject *object = json_object_new ();

          if (price->unit != NULL)
            json_object_set_string_member (object, "unit", price->unit);
          json_object_set_double_member (object, "price", price->price);
          if (price->currency != NULL)
            json_object_set_string_member (object, "currency", price->currency);
          json_array_add_object_element (prices, object);
        }
      add_property (properties, "price", json_node_init_array (json_node_alloc (), prices));
      json_array_unref (prices);
    }

  for (guint i = 0; i < G_N_ELEMENTS (flag_properties); i++)
    {
      if (_cfai_model_has_flag (self, flag_properties[i].flag))
        add_text_property (properties, flag_properties[i].property_id, "true");
    }

  if (self->terms_url != NULL)
    add_text_property (properties, "terms", self->terms_url);
  if (self->info_url != NULL)
    add_text_property (properties, "info", self->info_url);

  if (self->planned_deprecation_date != NULL)
    {
      g_autofree char *date = g_date_time_format_iso8601 (self->planned_deprecation_date);

      add_text_property (properties, "planned_deprecation_date", date);
    }

  json_object_set_array_member (entry, "properties", properties);

  return json_node_init_object (json_node_alloc (), entry);
}
