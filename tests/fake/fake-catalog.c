/* fake-catalog.c — the model files the fake server serves
 *
 * Everything the fake knows about a model is read from Cloudflare's model
 * description file (tests/data/models, copied verbatim), with two
 * documented additions where the files do not describe the wire format:
 *
 *  - flux-2-* take multipart/form-data, and their file only says
 *    "multipart"; the form fields are checked against MULTIPART_SCHEMA,
 *    written from the table in docs/workers-ai.md.
 *  - text-to-image JSON schemas are checked strictly: a field the schema
 *    does not list is refused (flux-1-schnell's own schema says
 *    additionalProperties false; the others do not say), so a client bug
 *    such as img2img fields sent to a model without img2img fails a test
 *    instead of being ignored.  Stable Diffusion's "strength" gets the
 *    range its description states in prose ("A value between 0 and 1").
 *  - gpt-oss files only describe the Responses API (`input`), but the
 *    models also take `prompt`/`messages` (reported); such models get
 *    CHAT_SCHEMA as an alternative.
 *
 * A text model is "chat style" (answers in chat-completions shapes) when
 * its output schema mentions `choices` or its input schema has a
 * Responses variant (an `input` property): that picks gpt-oss, Qwen3,
 * Granite 4, GLM and Nemotron, matching the reports.  Such answers name
 * the reasoning "reasoning_content", except Kimi from K2.6 on, which
 * says "reasoning" (docs/workers-ai.md, "2026 changes").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fake-catalog.h"

struct _FakeCatalog
{
  GPtrArray  *models;   /* FakeModel*, sorted by name */
  GHashTable *by_name;  /* name → FakeModel* (borrowed) */
};

static const char MULTIPART_SCHEMA[] =
  "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"prompt\"],"
  "\"properties\":{"
  "\"prompt\":{\"type\":\"string\",\"minLength\":1},"
  "\"steps\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":50},"
  "\"width\":{\"type\":\"integer\",\"minimum\":256,\"maximum\":1920,\"default\":1024},"
  "\"height\":{\"type\":\"integer\",\"minimum\":256,\"maximum\":1920,\"default\":1024},"
  "\"guidance\":{\"type\":\"number\"},"
  "\"seed\":{\"type\":\"integer\",\"minimum\":0},"
  "\"input_image_0\":{\"type\":\"string\"},"
  "\"input_image_1\":{\"type\":\"string\"},"
  "\"input_image_2\":{\"type\":\"string\"},"
  "\"input_image_3\":{\"type\":\"string\"}}}";

static const char CHAT_SCHEMA[] =
  "{\"type\":\"object\",\"anyOf\":["
  "{\"title\":\"Prompt\",\"required\":[\"prompt\"],\"properties\":{"
  "\"prompt\":{\"type\":\"string\",\"minLength\":1},"
  "\"stream\":{\"type\":\"boolean\"},"
  "\"max_tokens\":{\"type\":\"integer\",\"minimum\":1},"
  "\"max_completion_tokens\":{\"type\":\"integer\",\"minimum\":1},"
  "\"temperature\":{\"type\":\"number\",\"minimum\":0,\"maximum\":2},"
  "\"reasoning_effort\":{\"type\":[\"string\",\"null\"],\"enum\":[\"low\",\"medium\",\"high\",null]}}},"
  "{\"title\":\"Messages\",\"required\":[\"messages\"],\"properties\":{"
  "\"messages\":{\"type\":\"array\",\"minItems\":1,\"items\":{\"type\":\"object\",\"required\":[\"role\"],"
  "\"properties\":{\"role\":{\"type\":\"string\",\"enum\":[\"system\",\"developer\",\"user\",\"assistant\",\"tool\"]},"
  "\"content\":{\"type\":[\"string\",\"array\",\"null\"]}}}},"
  "\"stream\":{\"type\":\"boolean\"},"
  "\"max_tokens\":{\"type\":\"integer\",\"minimum\":1},"
  "\"max_completion_tokens\":{\"type\":\"integer\",\"minimum\":1},"
  "\"temperature\":{\"type\":\"number\",\"minimum\":0,\"maximum\":2},"
  "\"reasoning_effort\":{\"type\":[\"string\",\"null\"],\"enum\":[\"low\",\"medium\",\"high\",null]}}}]}";

static void
fake_model_free (FakeModel *model)
{
  g_free (model->name);
  g_clear_pointer (&model->entry, json_node_unref);
  g_clear_pointer (&model->schema, json_node_unref);
  g_clear_pointer (&model->input_schema, json_node_unref);
  g_free (model);
}

static JsonNode *
parse_constant (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  if (node == NULL)
    g_error ("built-in schema does not parse: %s", error->message);

  return node;
}

/* Looks for a member anywhere below @node; used to classify models by
 * what their schema mentions. */
static JsonNode *
find_member (JsonNode   *node,
             const char *name)
{
  if (node == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      if (json_object_has_member (object, name))
        return json_object_get_member (object, name);
      for (const GList *l = members; l; l = l->next)
        {
          JsonNode *found = find_member (json_object_get_member (object, l->data), name);

          if (found != NULL)
            return found;
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *found = find_member (json_array_get_element (array, i), name);

          if (found != NULL)
            return found;
        }
    }

  return NULL;
}

static const char *
object_get_string (JsonObject *object,
                   const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static JsonNode *
property_value (JsonObject *file,
                const char *property_id)
{
  JsonArray *properties;
  guint n;

  if (!json_object_has_member (file, "properties") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (file, "properties")))
    return NULL;

  properties = json_object_get_array_member (file, "properties");
  n = json_array_get_length (properties);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (properties, i);
      JsonObject *property;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      property = json_node_get_object (element);
      if (g_strcmp0 (object_get_string (property, "property_id"), property_id) == 0)
        return json_object_get_member (property, "value");
    }

  return NULL;
}

static void
read_prices (FakeModel  *model,
             JsonObject *file)
{
  JsonNode *value = property_value (file, "price");
  JsonArray *prices;
  guint n;

  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    return;

  prices = json_node_get_array (value);
  n = json_array_get_length (prices);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (prices, i);
      JsonObject *price;
      const char *unit;
      double amount;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      price = json_node_get_object (element);
      unit = object_get_string (price, "unit");
      if (unit == NULL || !json_object_has_member (price, "price"))
        continue;
      amount = json_object_get_double_member (price, "price");
      if (g_str_equal (unit, "per M input tokens"))
        model->price_input = amount;
      else if (g_str_equal (unit, "per M output tokens"))
        model->price_output = amount;
    }
}

static gboolean
has_variant_property (JsonNode   *schema,
                      const char *property)
{
  JsonObject *object;

  if (schema == NULL || !JSON_NODE_HOLDS_OBJECT (schema))
    return FALSE;

  object = json_node_get_object (schema);
  for (guint k = 0; k < 2; k++)
    {
      const char *keyword = k == 0 ? "oneOf" : "anyOf";
      JsonArray *variants;
      guint n;

      if (!json_object_has_member (object, keyword) ||
          !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, keyword)))
        continue;
      variants = json_object_get_array_member (object, keyword);
      n = json_array_get_length (variants);
      for (guint i = 0; i < n; i++)
        {
          JsonNode *variant = json_array_get_element (variants, i);
          JsonNode *properties;

          if (!JSON_NODE_HOLDS_OBJECT (variant))
            continue;
          properties = json_object_get_member (json_node_get_object (variant), "properties");
          if (properties != NULL && JSON_NODE_HOLDS_OBJECT (properties) &&
              json_object_has_member (json_node_get_object (properties), property))
            return TRUE;
        }
    }

  return FALSE;
}

static void
tighten_image_schema (JsonNode *schema)
{
  JsonObject *object;
  JsonNode *properties;
  JsonNode *strength;

  if (schema == NULL || !JSON_NODE_HOLDS_OBJECT (schema))
    return;

  object = json_node_get_object (schema);
  if (!json_object_has_member (object, "additionalProperties"))
    json_object_set_boolean_member (object, "additionalProperties", FALSE);

  properties = json_object_get_member (object, "properties");
  if (properties == NULL || !JSON_NODE_HOLDS_OBJECT (properties))
    return;

  strength = json_object_get_member (json_node_get_object (properties), "strength");
  if (strength != NULL && JSON_NODE_HOLDS_OBJECT (strength))
    {
      JsonObject *property = json_node_get_object (strength);
      const char *description = object_get_string (property, "description");

      if (description != NULL && strstr (description, "between 0 and 1") != NULL &&
          !json_object_has_member (property, "minimum") && !json_object_has_member (property, "maximum"))
        {
          json_object_set_int_member (property, "minimum", 0);
          json_object_set_int_member (property, "maximum", 1);
        }
    }
}

static void
classify (FakeModel  *model,
          JsonObject *file)
{
  JsonObject *task = NULL;
  JsonNode *input;
  JsonNode *output;
  JsonNode *node;
  const char *task_name;
  const char *content_type;

  if (json_object_has_member (file, "task") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (file, "task")))
    task = json_object_get_object_member (file, "task");
  task_name = object_get_string (task, "name");

  input = json_object_get_member (json_node_get_object (model->schema), "input");
  output = json_object_get_member (json_node_get_object (model->schema), "output");

  if (g_strcmp0 (task_name, "Text Generation") == 0)
    {
      model->kind = FAKE_MODEL_TEXT;
      model->chat_style = find_member (output, "choices") != NULL ||
                          has_variant_property (input, "input");
      node = find_member (input, "max_tokens");
      model->default_max_tokens = 256;
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
          json_object_has_member (json_node_get_object (node), "default"))
        model->default_max_tokens = json_object_get_int_member (json_node_get_object (node), "default");

      if (model->chat_style && !has_variant_property (input, "messages"))
        {
          JsonNode *either = json_node_new (JSON_NODE_OBJECT);
          JsonObject *object = json_object_new ();
          JsonArray *any_of = json_array_new ();

          json_array_add_element (any_of, json_node_copy (input));
          json_array_add_element (any_of, parse_constant (CHAT_SCHEMA));
          json_object_set_array_member (object, "anyOf", any_of);
          json_node_take_object (either, object);
          model->input_schema = either;
        }
    }
  else if (g_strcmp0 (task_name, "Text-to-Image") == 0)
    {
      model->kind = FAKE_MODEL_IMAGE;
      model->multipart = find_member (input, "multipart") != NULL;
      if (model->multipart)
        model->input_schema = parse_constant (MULTIPART_SCHEMA);

      content_type = NULL;
      if (output != NULL && JSON_NODE_HOLDS_OBJECT (output))
        content_type = object_get_string (json_node_get_object (output), "contentType");

      /* Base64 answers: JPEG like the Flux and Leonardo services give,
       * except flux-2, which answers PNG so that clients are tested with
       * both formats behind the same JSON shape (they must sniff). */
      if (g_strcmp0 (content_type, "image/png") == 0)
        model->image_output = FAKE_IMAGE_PNG_BYTES;
      else if (g_strcmp0 (content_type, "image/jpeg") == 0)
        model->image_output = FAKE_IMAGE_JPEG_BYTES;
      else if (model->multipart)
        model->image_output = FAKE_IMAGE_JSON_PNG;
      else
        model->image_output = FAKE_IMAGE_JSON_JPEG;
    }
  else
    model->kind = FAKE_MODEL_OTHER;

  if (model->input_schema == NULL && input != NULL)
    {
      model->input_schema = json_node_copy (input);
      if (model->kind == FAKE_MODEL_IMAGE)
        tighten_image_schema (model->input_schema);
    }

  node = property_value (file, "context_window");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    model->context_window = g_ascii_strtoll (json_node_get_string (node), NULL, 10);

  read_prices (model, file);

  model->reasoning_field = "reasoning_content";
  if (g_str_has_prefix (model->name, "@cf/moonshotai/kimi-") &&
      !g_str_has_prefix (model->name, "@cf/moonshotai/kimi-k2.5"))
    model->reasoning_field = "reasoning";
}

static FakeModel *
load_model (const char  *path,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) entry = NULL;
  FakeModel *model;
  JsonObject *file;
  const char *name;

  if (!json_parser_load_from_file (parser, path, error))
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: not a JSON object", path);
      return NULL;
    }

  entry = json_node_copy (json_parser_get_root (parser));
  file = json_node_get_object (entry);
  name = object_get_string (file, "name");
  if (name == NULL || !json_object_has_member (file, "schema") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (file, "schema")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: no name or schema", path);
      return NULL;
    }

  model = g_new0 (FakeModel, 1);
  model->name = g_strdup (name);
  model->schema = json_node_copy (json_object_get_member (file, "schema"));
  classify (model, file);

  /* The catalog answers entries without their schemas, as Cloudflare does. */
  json_object_remove_member (file, "schema");
  model->entry = g_steal_pointer (&entry);

  return model;
}

static int
compare_models (gconstpointer a,
                gconstpointer b)
{
  const FakeModel *ma = *(const FakeModel * const *) a;
  const FakeModel *mb = *(const FakeModel * const *) b;

  return strcmp (ma->name, mb->name);
}

FakeCatalog *
fake_catalog_load (const char  *directory,
                   GError     **error)
{
  g_autoptr(FakeCatalog) self = g_new0 (FakeCatalog, 1);
  g_autoptr(GDir) dir = NULL;
  const char *file_name;

  g_return_val_if_fail (directory != NULL, NULL);

  self->models = g_ptr_array_new_with_free_func ((GDestroyNotify) fake_model_free);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);

  if (!(dir = g_dir_open (directory, 0, error)))
    return NULL;

  while ((file_name = g_dir_read_name (dir)))
    {
      g_autofree char *path = NULL;
      FakeModel *model;

      if (!g_str_has_suffix (file_name, ".json"))
        continue;

      path = g_build_filename (directory, file_name, NULL);
      if (!(model = load_model (path, error)))
        return NULL;

      if (g_hash_table_contains (self->by_name, model->name))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                       "%s: model %s is described twice", path, model->name);
          fake_model_free (model);
          return NULL;
        }

      g_ptr_array_add (self->models, model);
      g_hash_table_insert (self->by_name, model->name, model);
    }

  if (self->models->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s: no model files (*.json)", directory);
      return NULL;
    }

  g_ptr_array_sort (self->models, compare_models);

  return g_steal_pointer (&self);
}

void
fake_catalog_free (FakeCatalog *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_pointer (&self->models, g_ptr_array_unref);
  g_free (self);
}

guint
fake_catalog_get_n_models (FakeCatalog *self)
{
  return self->models->len;
}

const FakeModel *
fake_catalog_lookup (FakeCatalog *self,
                     const char  *name)
{
  g_return_val_if_fail (self != NULL, NULL);

  return name ? g_hash_table_lookup (self->by_name, name) : NULL;
}

static gboolean
contains_casefold (const char *haystack,
                   const char *needle)
{
  g_autofree char *h = NULL;
  g_autofree char *n = NULL;

  if (haystack == NULL)
    return FALSE;

  h = g_utf8_casefold (haystack, -1);
  n = g_utf8_casefold (needle, -1);

  return strstr (h, n) != NULL;
}

static gboolean
equal_casefold (const char *a,
                const char *b)
{
  g_autofree char *fa = NULL;
  g_autofree char *fb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;

  fa = g_utf8_casefold (a, -1);
  fb = g_utf8_casefold (b, -1);

  return g_str_equal (fa, fb);
}

GPtrArray *
fake_catalog_search (FakeCatalog *self,
                     const char  *task,
                     const char  *search,
                     const char  *author,
                     gboolean     hide_experimental)
{
  GPtrArray *found = g_ptr_array_new ();

  g_return_val_if_fail (self != NULL, found);

  for (guint i = 0; i < self->models->len; i++)
    {
      const FakeModel *model = g_ptr_array_index (self->models, i);
      JsonObject *entry = json_node_get_object (model->entry);
      JsonObject *task_object = NULL;
      JsonNode *beta;

      if (json_object_has_member (entry, "task") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (entry, "task")))
        task_object = json_object_get_object_member (entry, "task");

      if (task != NULL && *task != '\0' &&
          !equal_casefold (object_get_string (task_object, "name"), task) &&
          !equal_casefold (object_get_string (task_object, "id"), task))
        continue;

      if (search != NULL && *search != '\0' &&
          !contains_casefold (model->name, search) &&
          !contains_casefold (object_get_string (entry, "description"), search))
        continue;

      if (author != NULL && *author != '\0')
        {
          g_auto(GStrv) parts = g_strsplit (model->name, "/", 3);

          if (g_strv_length (parts) < 3 || !equal_casefold (parts[1], author))
            continue;
        }

      beta = property_value (entry, "beta");
      if (hide_experimental && beta != NULL && JSON_NODE_HOLDS_VALUE (beta) &&
          json_node_get_value_type (beta) == G_TYPE_STRING &&
          g_str_equal (json_node_get_string (beta), "true"))
        continue;

      g_ptr_array_add (found, (gpointer) model);
    }

  return found;
}

JsonObject *
fake_model_get_input_property (const FakeModel *model,
                               const char      *name)
{
  JsonObject *schema;
  JsonNode *properties;
  JsonNode *property;

  g_return_val_if_fail (model != NULL, NULL);

  if (model->input_schema == NULL || !JSON_NODE_HOLDS_OBJECT (model->input_schema))
    return NULL;

  schema = json_node_get_object (model->input_schema);
  properties = json_object_get_member (schema, "properties");
  if (properties == NULL || !JSON_NODE_HOLDS_OBJECT (properties))
    return NULL;

  property = json_object_get_member (json_node_get_object (properties), name);
  if (property == NULL || !JSON_NODE_HOLDS_OBJECT (property))
    return NULL;

  return json_node_get_object (property);
}

gint64
fake_model_get_input_default (const FakeModel *model,
                              const char      *name,
                              gint64           fallback)
{
  JsonObject *property = fake_model_get_input_property (model, name);
  JsonNode *node;

  if (property == NULL || !(node = json_object_get_member (property, "default")) ||
      !JSON_NODE_HOLDS_VALUE (node))
    return fallback;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);

  return fallback;
}
