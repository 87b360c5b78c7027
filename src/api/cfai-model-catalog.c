/* cfai-model-catalog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The catalog the model picker is built from.  It always has something to
 * show: a short built-in list from the start, the last fetched catalog
 * once the disk cache is read, and the live catalog after a refresh.
 * Every change replaces the whole list with one items-changed, so a
 * GtkListView bound to it redraws once, and a failed refresh leaves the
 * list as it was.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cfai-error.h"
#include "cfai-model-catalog.h"

#define CACHE_FORMAT "cfai-model-catalog"

struct _CfaiModelCatalog
{
  GObject                 parent_instance;

  CfaiClient             *client;
  char                   *cache_path;
  GPtrArray              *items;        /* of CfaiModel */
  GHashTable             *index;        /* id → CfaiModel, borrowed from items */
  GDateTime              *fetched_at;
  CfaiModelCatalogSource  source;
  gboolean                is_refreshing;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CfaiModelCatalog, cfai_model_catalog, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

G_DEFINE_ENUM_TYPE (CfaiModelCatalogSource, cfai_model_catalog_source,
                    G_DEFINE_ENUM_VALUE (CFAI_MODEL_CATALOG_SOURCE_BUILTIN, "builtin"),
                    G_DEFINE_ENUM_VALUE (CFAI_MODEL_CATALOG_SOURCE_CACHE, "cache"),
                    G_DEFINE_ENUM_VALUE (CFAI_MODEL_CATALOG_SOURCE_NETWORK, "network"))

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_CACHE_PATH,
  PROP_FETCHED_AT,
  PROP_SOURCE,
  PROP_IS_REFRESHING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------ */
/* The offline fallback                                               */
/* ------------------------------------------------------------------ */

/* OFFLINE FALLBACK ONLY: shown until a cached or live catalog exists, so
 * that a first start without network still offers the current models.
 * Keep it short and limited to active models.  Ids, tasks and
 * capabilities follow docs/workers-ai.md ("Limits, pricing, models");
 * context windows and the remaining flags follow Cloudflare's model files
 * (the files in workers-ai/models), which tests/test-model-catalog.c checks.
 * No prices or descriptions: those change, and a stale one misleads. */
static const struct
{
  const char *id;
  const char *task;
  gint64      context_window;  /* 0: not published */
  const char *flags;           /* catalog property ids that are "true" */
} builtin_models[] = {
  { "@cf/meta/llama-3.3-70b-instruct-fp8-fast", CFAI_MODEL_TASK_TEXT_GENERATION, 24000, "function_calling async_queue" },
  { "@cf/meta/llama-3.1-8b-instruct-fast", CFAI_MODEL_TASK_TEXT_GENERATION, 0, "" },
  { "@cf/openai/gpt-oss-120b", CFAI_MODEL_TASK_TEXT_GENERATION, 128000, "reasoning async_queue" },
  { "@cf/openai/gpt-oss-20b", CFAI_MODEL_TASK_TEXT_GENERATION, 128000, "reasoning" },
  { "@cf/mistralai/mistral-small-3.1-24b-instruct", CFAI_MODEL_TASK_TEXT_GENERATION, 128000, "vision function_calling" },
  { "@cf/meta/llama-4-scout-17b-16e-instruct", CFAI_MODEL_TASK_TEXT_GENERATION, 0, "vision" },
  { "@cf/qwen/qwq-32b", CFAI_MODEL_TASK_TEXT_GENERATION, 24000, "reasoning lora" },
  { "@cf/qwen/qwen2.5-coder-32b-instruct", CFAI_MODEL_TASK_TEXT_GENERATION, 32768, "lora" },
  { "@cf/zai-org/glm-4.7-flash", CFAI_MODEL_TASK_TEXT_GENERATION, 131072, "reasoning function_calling" },
  { "@cf/google/gemma-4-26b-a4b-it", CFAI_MODEL_TASK_TEXT_GENERATION, 0, "reasoning" },
  { "@cf/black-forest-labs/flux-1-schnell", CFAI_MODEL_TASK_TEXT_TO_IMAGE, 0, "" },
  { "@cf/black-forest-labs/flux-2-dev", CFAI_MODEL_TASK_TEXT_TO_IMAGE, 0, "partner" },
  { "@cf/black-forest-labs/flux-2-klein-4b", CFAI_MODEL_TASK_TEXT_TO_IMAGE, 0, "partner" },
  { "@cf/black-forest-labs/flux-2-klein-9b", CFAI_MODEL_TASK_TEXT_TO_IMAGE, 0, "partner" },
  { "@cf/stabilityai/stable-diffusion-xl-base-1.0", CFAI_MODEL_TASK_TEXT_TO_IMAGE, 0, "beta" },
  { "@cf/bytedance/stable-diffusion-xl-lightning", CFAI_MODEL_TASK_TEXT_TO_IMAGE, 0, "beta" },
  { "@cf/lykon/dreamshaper-8-lcm", CFAI_MODEL_TASK_TEXT_TO_IMAGE, 0, "beta" },
  { "@cf/leonardo/phoenix-1.0", CFAI_MODEL_TASK_TEXT_TO_IMAGE, 0, "partner" },
  { "@cf/leonardo/lucid-origin", CFAI_MODEL_TASK_TEXT_TO_IMAGE, 0, "partner" },
};

/* Retired models and what to offer instead, so that a conversation or a
 * preference naming one can be moved on.  A trailing "*" matches a whole
 * namespace.  Retirement dates: 2025-10-01 and 2026-05-30. */
static const struct
{
  const char *retired;
  const char *replacement;
} retirements[] = {
  { "@cf/meta/llama-3.1-8b-instruct", "@cf/meta/llama-3.1-8b-instruct-fast" },
  { "@cf/meta/llama-3-8b-instruct", "@cf/meta/llama-3.1-8b-instruct-fast" },
  { "@cf/mistral/mistral-7b-instruct-v0.1", "@cf/mistralai/mistral-small-3.1-24b-instruct" },
  { "@cf/google/gemma-3-12b-it", "@cf/google/gemma-4-26b-a4b-it" },
  { "@hf/thebloke/*", "@cf/meta/llama-3.1-8b-instruct-fast" },
};

/**
 * cfai_model_catalog_suggest_replacement:
 * @retired_model_id: the id of a model that may have been retired
 *
 * Returns: (nullable): the id of the active model to use instead of
 *   @retired_model_id, or %NULL when it is not known to be retired
 */
const char *
cfai_model_catalog_suggest_replacement (const char *retired_model_id)
{
  g_return_val_if_fail (retired_model_id != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (retirements); i++)
    {
      const char *retired = retirements[i].retired;
      gsize len = strlen (retired);

      if (len > 0 && retired[len - 1] == '*')
        {
          if (strncmp (retired_model_id, retired, len - 1) == 0 &&
              retired_model_id[len - 1] != '\0')
            return retirements[i].replacement;
        }
      else if (strcmp (retired_model_id, retired) == 0)
        {
          return retirements[i].replacement;
        }
    }

  return NULL;
}

/* Built-in models go through the same parser as fetched ones, so they
 * cannot differ in how their fields are read. */
static CfaiModel *
builtin_model_new (guint i)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_auto(GStrv) flags = g_strsplit (builtin_models[i].flags, " ", -1);
  g_autoptr(GError) error = NULL;
  CfaiModel *model;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, builtin_models[i].id);
  json_builder_set_member_name (builder, "task");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, builtin_models[i].task);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "properties");
  json_builder_begin_array (builder);

  if (builtin_models[i].context_window > 0)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "property_id");
      json_builder_add_string_value (builder, "context_window");
      json_builder_set_member_name (builder, "value");
      json_builder_add_int_value (builder, builtin_models[i].context_window);
      json_builder_end_object (builder);
    }

  for (guint j = 0; flags[j] != NULL; j++)
    {
      if (flags[j][0] == '\0')
        continue;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "property_id");
      json_builder_add_string_value (builder, flags[j]);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, "true");
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  model = cfai_model_new_from_json (json_node_get_object (root), &error);
  g_assert_no_error (error);

  return model;
}

/* ------------------------------------------------------------------ */
/* The list                                                           */
/* ------------------------------------------------------------------ */

static GType
cfai_model_catalog_get_item_type (GListModel *model)
{
  return CFAI_TYPE_MODEL;
}

static guint
cfai_model_catalog_get_n_items (GListModel *model)
{
  CfaiModelCatalog *self = CFAI_MODEL_CATALOG (model);

  return self->items->len;
}

static gpointer
cfai_model_catalog_get_item (GListModel *model,
                             guint       position)
{
  CfaiModelCatalog *self = CFAI_MODEL_CATALOG (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = cfai_model_catalog_get_item_type;
  iface->get_n_items = cfai_model_catalog_get_n_items;
  iface->get_item = cfai_model_catalog_get_item;
}

static void
set_fetched_at (CfaiModelCatalog *self,
                GDateTime        *fetched_at)
{
  if (self->fetched_at == fetched_at)
    return;

  if (self->fetched_at != NULL && fetched_at != NULL &&
      g_date_time_equal (self->fetched_at, fetched_at))
    return;

  g_clear_pointer (&self->fetched_at, g_date_time_unref);
  if (fetched_at != NULL)
    self->fetched_at = g_date_time_ref (fetched_at);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FETCHED_AT]);
}

static void
set_source (CfaiModelCatalog       *self,
            CfaiModelCatalogSource  source)
{
  if (self->source == source)
    return;

  self->source = source;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
}

static void
set_is_refreshing (CfaiModelCatalog *self,
                   gboolean          is_refreshing)
{
  is_refreshing = !!is_refreshing;

  if (self->is_refreshing == is_refreshing)
    return;

  self->is_refreshing = is_refreshing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_REFRESHING]);
}

/* Takes @models, which must hold no two models with the same id. */
static void
replace_items (CfaiModelCatalog       *self,
               GPtrArray              *models,
               CfaiModelCatalogSource  source,
               GDateTime              *fetched_at)
{
  g_autoptr(GPtrArray) old_items = self->items;
  guint old_len = old_items->len;

  self->items = models;

  g_hash_table_remove_all (self->index);
  for (guint i = 0; i < self->items->len; i++)
    {
      CfaiModel *model = g_ptr_array_index (self->items, i);

      g_hash_table_insert (self->index, (gpointer) cfai_model_get_id (model), model);
    }

  g_object_freeze_notify (G_OBJECT (self));
  set_source (self, source);
  set_fetched_at (self, fetched_at);

  /* The index is complete before anyone hears of the change, so a
   * handler may call lookup(). */
  if (old_len > 0 || self->items->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->items->len);

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * cfai_model_catalog_load_builtin:
 * @self: a #CfaiModelCatalog
 *
 * Replaces the items with the built-in offline list.  A new catalog
 * starts with it.
 */
void
cfai_model_catalog_load_builtin (CfaiModelCatalog *self)
{
  g_autoptr(GPtrArray) models = NULL;

  g_return_if_fail (CFAI_IS_MODEL_CATALOG (self));

  models = g_ptr_array_new_full (G_N_ELEMENTS (builtin_models), g_object_unref);
  for (guint i = 0; i < G_N_ELEMENTS (builtin_models); i++)
    g_ptr_array_add (models, builtin_model_new (i));

  replace_items (self, g_steal_pointer (&models), CFAI_MODEL_CATALOG_SOURCE_BUILTIN, NULL);
}

/* ------------------------------------------------------------------ */
/* Parsing pages                                                      */
/* ------------------------------------------------------------------ */

/* A page is the envelope the server sent ({"result": […], …}) or just its
 * "result" array. */
static JsonArray *
page_get_models (JsonNode *page)
{
  JsonNode *result;

  if (page == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (page))
    return json_node_get_array (page);

  if (!JSON_NODE_HOLDS_OBJECT (page))
    return NULL;

  result = json_object_get_member (json_node_get_object (page), "result");
  if (result == NULL || !JSON_NODE_HOLDS_ARRAY (result))
    return NULL;

  return json_node_get_array (result);
}

/* json-glib's string getters are critical about members that are arrays
 * or objects; data from a server or a file may be anything. */
static const char *
object_get_string (JsonObject *object,
                   const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL ||
      !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* In @strict mode (our own cache) any bad entry fails the whole list;
 * otherwise (the server's catalog) bad entries are skipped, because one
 * odd model should not hide all the others.  Either way a list that yields
 * no model at all is refused, so a broken answer never empties the
 * picker.  A model listed twice (a server repeating a page) is kept once. */
static GPtrArray *
parse_pages (GPtrArray  *pages,
             gboolean    strict,
             GError    **error)
{
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_entries = 0;
  guint n_skipped = 0;

  for (guint p = 0; p < pages->len; p++)
    {
      JsonArray *array = page_get_models (g_ptr_array_index (pages, p));

      if (array == NULL)
        {
          g_set_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                       _("Page %u of the model catalog has no list of models"),
                       p + 1);
          return NULL;
        }

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_autoptr(CfaiModel) model = NULL;
          g_autoptr(GError) local_error = NULL;

          n_entries++;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              g_set_error (&local_error, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                           _("Entry %u is not an object"), i + 1);
            }
          else
            {
              model = cfai_model_new_from_json (json_node_get_object (element), &local_error);
            }

          if (model == NULL)
            {
              if (strict)
                {
                  g_set_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                               _("Model %u of page %u is unreadable: %s"),
                               i + 1, p + 1, local_error->message);
                  return NULL;
                }

              g_debug ("Skipping model %u of catalog page %u: %s",
                       i + 1, p + 1, local_error->message);
              n_skipped++;
              continue;
            }

          if (g_hash_table_contains (seen, cfai_model_get_id (model)))
            continue;

          g_hash_table_add (seen, (gpointer) cfai_model_get_id (model));
          g_ptr_array_add (models, g_steal_pointer (&model));
        }
    }

  if (models->len == 0)
    {
      if (n_entries == 0)
        g_set_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                     _("The model catalog is empty"));
      else
        g_set_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                     _("None of the %u models in the catalog could be read"),
                     n_skipped);
      return NULL;
    }

  return g_steal_pointer (&models);
}

/**
 * cfai_model_catalog_load_from_pages:
 * @self: a #CfaiModelCatalog
 * @pages: (element-type JsonNode): the pages of `/ai/models/search`, in
 *   order: each the envelope root or its "result" array
 * @fetched_at: (nullable): when the pages were fetched; %NULL for now
 * @error: return location for a #GError
 *
 * Replaces the items with the models of @pages, exactly as a refresh
 * does once it has fetched them (which is what a refresh calls).  Entries
 * that cannot be read are skipped.  On error the items are unchanged.
 *
 * Returns: %TRUE on success
 */
gboolean
cfai_model_catalog_load_from_pages (CfaiModelCatalog  *self,
                                    GPtrArray         *pages,
                                    GDateTime         *fetched_at,
                                    GError           **error)
{
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (CFAI_IS_MODEL_CATALOG (self), FALSE);
  g_return_val_if_fail (pages != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  models = parse_pages (pages, FALSE, error);
  if (models == NULL)
    return FALSE;

  if (fetched_at == NULL)
    fetched_at = now = g_date_time_new_now_utc ();

  replace_items (self, g_steal_pointer (&models), CFAI_MODEL_CATALOG_SOURCE_NETWORK, fetched_at);

  return TRUE;
}

/**
 * cfai_model_catalog_load_from_json:
 * @self: a #CfaiModelCatalog
 * @page: one page: an envelope root or a "result" array
 * @fetched_at: (nullable): when it was fetched; %NULL for now
 * @error: return location for a #GError
 *
 * cfai_model_catalog_load_from_pages() for a catalog of one page.
 *
 * Returns: %TRUE on success
 */
gboolean
cfai_model_catalog_load_from_json (CfaiModelCatalog  *self,
                                   JsonNode          *page,
                                   GDateTime         *fetched_at,
                                   GError           **error)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new ();

  g_return_val_if_fail (page != NULL, FALSE);

  g_ptr_array_add (pages, page);

  return cfai_model_catalog_load_from_pages (self, pages, fetched_at, error);
}

/* ------------------------------------------------------------------ */
/* The disk cache                                                     */
/* ------------------------------------------------------------------ */

static GBytes *
serialize_cache (CfaiModelCatalog *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *fetched_at = NULL;
  gsize length;
  char *data;

  fetched_at = g_date_time_format_iso8601 (self->fetched_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, CACHE_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, CFAI_MODEL_CATALOG_CACHE_VERSION);
  json_builder_set_member_name (builder, "fetched_at");
  json_builder_add_string_value (builder, fetched_at);
  json_builder_set_member_name (builder, "models");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->items->len; i++)
    json_builder_add_value (builder, cfai_model_to_json (g_ptr_array_index (self->items, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);

  return g_bytes_new_take (data, length);
}

static gboolean
write_cache_file (const char  *path,
                  GBytes      *bytes,
                  GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (dir);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder %s: %s"),
                   display, g_strerror (saved_errno));
      return FALSE;
    }

  /* Written aside and renamed into place: a crash mid-write leaves the
   * previous cache, never half a file. */
  return g_file_set_contents_full (path, data, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT,
                                   0600, error);
}

/**
 * cfai_model_catalog_save_cache:
 * @self: a #CfaiModelCatalog
 * @error: return location for a #GError
 *
 * Writes the current items to the cache file, atomically.  A refresh does
 * this by itself (in a worker thread); this synchronous form is for
 * tools and tests.  The built-in list is never written.
 *
 * Returns: %TRUE on success
 */
gboolean
cfai_model_catalog_save_cache (CfaiModelCatalog  *self,
                               GError           **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (CFAI_IS_MODEL_CATALOG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->source == CFAI_MODEL_CATALOG_SOURCE_BUILTIN || self->fetched_at == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("There is no fetched model catalog to save"));
      return FALSE;
    }

  bytes = serialize_cache (self);

  return write_cache_file (self->cache_path, bytes, error);
}

static void
set_cache_error (GError     **error,
                 const char  *path,
                 const char  *reason)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("The model cache %s is damaged: %s"), display, reason);
}

/**
 * cfai_model_catalog_load_cache:
 * @self: a #CfaiModelCatalog
 * @error: return location for a #GError
 *
 * Replaces the items with the catalog last saved to the cache file and
 * sets #CfaiModelCatalog:fetched-at to when it was fetched.  Works
 * offline.  A missing file fails with %G_FILE_ERROR_NOENT (normal on a
 * first start); a damaged one with %G_IO_ERROR_INVALID_DATA, and one
 * written by a newer version with %G_IO_ERROR_NOT_SUPPORTED.  On error
 * the items are unchanged.
 *
 * Returns: %TRUE on success
 */
gboolean
cfai_model_catalog_load_cache (CfaiModelCatalog  *self,
                               GError           **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GDateTime) fetched_at = NULL;
  g_autofree char *contents = NULL;
  JsonObject *root;
  JsonNode *node;
  gsize length;

  g_return_val_if_fail (CFAI_IS_MODEL_CATALOG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_file_get_contents (self->cache_path, &contents, &length, error))
    return FALSE;

  if (!json_parser_load_from_data (parser, contents, length, &local_error))
    {
      set_cache_error (error, self->cache_path, local_error->message);
      return FALSE;
    }

  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      set_cache_error (error, self->cache_path, _("it is not a JSON object"));
      return FALSE;
    }

  root = json_node_get_object (node);
  if (g_strcmp0 (object_get_string (root, "format"), CACHE_FORMAT) != 0)
    {
      set_cache_error (error, self->cache_path, _("it is not a model cache"));
      return FALSE;
    }

  node = json_object_get_member (root, "version");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 1)
    {
      set_cache_error (error, self->cache_path, _("it has no format version"));
      return FALSE;
    }

  if (json_node_get_int (node) > CFAI_MODEL_CATALOG_CACHE_VERSION)
    {
      g_autofree char *display = g_filename_display_name (self->cache_path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("The model cache %s was written by a newer version of CfAI"),
                   display);
      return FALSE;
    }

  if (object_get_string (root, "fetched_at") != NULL)
    fetched_at = g_date_time_new_from_iso8601 (object_get_string (root, "fetched_at"), NULL);
  if (fetched_at == NULL)
    {
      set_cache_error (error, self->cache_path, _("it does not say when it was fetched"));
      return FALSE;
    }

  node = json_object_get_member (root, "models");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      set_cache_error (error, self->cache_path, _("it has no list of models"));
      return FALSE;
    }

  pages = g_ptr_array_new ();
  g_ptr_array_add (pages, node);

  models = parse_pages (pages, TRUE, &local_error);
  if (models == NULL)
    {
      set_cache_error (error, self->cache_path, local_error->message);
      return FALSE;
    }

  replace_items (self, g_steal_pointer (&models), CFAI_MODEL_CATALOG_SOURCE_CACHE, fetched_at);

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Refreshing                                                         */
/* ------------------------------------------------------------------ */

typedef struct
{
  GPtrArray  *pages;          /* of JsonNode, envelope roots */
  GHashTable *seen;           /* model ids in earlier pages */
  guint       page;           /* 1-based number of the page asked for */
  gint64      received;       /* entries in all pages so far */
} RefreshData;

static void
refresh_data_free (RefreshData *data)
{
  g_clear_pointer (&data->pages, g_ptr_array_unref);
  g_clear_pointer (&data->seen, g_hash_table_unref);
  g_free (data);
}

typedef struct
{
  char   *path;
  GBytes *bytes;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_free (data->path);
  g_bytes_unref (data->bytes);
  g_free (data);
}

static void fetch_page (GTask *task);

static void
finish_refresh (GTask  *task,
                GError *error)
{
  CfaiModelCatalog *self = g_task_get_source_object (task);

  set_is_refreshing (self, FALSE);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
write_cache_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  WriteData *data = task_data;
  GError *error = NULL;

  if (write_cache_file (data->path, data->bytes, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
cache_written_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* The fresh catalog is in use either way; only the next offline
   * start will miss it. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Could not save the model catalog: %s", error->message);

  finish_refresh (task, NULL);
}

static gint64
info_get_count (JsonObject *info,
                const char *member)
{
  JsonNode *node;

  if (info == NULL)
    return -1;

  node = json_object_get_member (info, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return -1;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return json_node_get_int (node);

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

/* Decides from the page just received whether another one follows.  The
 * server's "result_info" is trusted only as far as it is consistent: a
 * short page, a page with nothing new, or the page cap ends the loop
 * whatever it says. */
static gboolean
page_is_last (RefreshData *data,
              JsonNode    *root)
{
  JsonArray *models = page_get_models (root);
  JsonNode *info_node = json_object_get_member (json_node_get_object (root), "result_info");
  JsonObject *info = NULL;
  guint n_models = json_array_get_length (models);
  guint n_new = 0;
  gint64 per_page;
  gint64 total_count;
  gint64 total_pages;

  if (info_node != NULL && JSON_NODE_HOLDS_OBJECT (info_node))
    info = json_node_get_object (info_node);

  for (guint i = 0; i < n_models; i++)
    {
      JsonNode *element = json_array_get_element (models, i);
      const char *name;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      name = object_get_string (json_node_get_object (element), "name");
      if (name != NULL && !g_hash_table_contains (data->seen, name))
        {
          g_hash_table_add (data->seen, g_strdup (name));
          n_new++;
        }
    }

  data->received += n_models;

  per_page = info_get_count (info, "per_page");
  if (per_page <= 0)
    per_page = CFAI_MODEL_CATALOG_PER_PAGE;
  total_count = info_get_count (info, "total_count");
  total_pages = info_get_count (info, "total_pages");

  if (n_models == 0 || n_new == 0)
    return TRUE;

  if (n_models < per_page)
    return TRUE;

  if (total_count >= 0 && data->received >= total_count)
    return TRUE;

  if (total_pages > 0 && data->page >= total_pages)
    return TRUE;

  if (data->page >= CFAI_MODEL_CATALOG_MAX_PAGES)
    {
      g_debug ("Model catalog: stopping after %u pages", data->page);
      return TRUE;
    }

  return FALSE;
}

static void
pages_fetched (GTask *task)
{
  CfaiModelCatalog *self = g_task_get_source_object (task);
  RefreshData *data = g_task_get_task_data (task);
  GError *error = NULL;
  GTask *write_task;
  WriteData *write_data;

  if (!cfai_model_catalog_load_from_pages (self, data->pages, NULL, &error))
    {
      finish_refresh (task, error);
      g_object_unref (task);
      return;
    }

  write_data = g_new0 (WriteData, 1);
  write_data->path = g_strdup (self->cache_path);
  write_data->bytes = serialize_cache (self);

  /* No source object: the worker thread may hold its reference to the
   * write task a moment after the callback ran, and that must not keep
   * the catalog alive. */
  write_task = g_task_new (NULL, NULL, cache_written_cb, task);
  g_task_set_source_tag (write_task, pages_fetched);
  g_task_set_task_data (write_task, write_data, (GDestroyNotify) write_data_free);
  g_task_run_in_thread (write_task, write_cache_thread);
  g_object_unref (write_task);
}

static void
page_fetched_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RefreshData *data = g_task_get_task_data (task);
  GError *error = NULL;
  JsonNode *root;

  root = cfai_client_get_json_finish (CFAI_CLIENT (object), result, &error);
  if (root == NULL)
    {
      finish_refresh (task, error);
      return;
    }

  g_ptr_array_add (data->pages, root);

  if (!JSON_NODE_HOLDS_OBJECT (root) || page_get_models (root) == NULL)
    {
      finish_refresh (task,
                      g_error_new (CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                                   _("Page %u of the model catalog has no list of models"),
                                   data->page));
      return;
    }

  if (page_is_last (data, root))
    {
      pages_fetched (g_steal_pointer (&task));
      return;
    }

  data->page++;
  fetch_page (g_steal_pointer (&task));
}

/* Takes @task. */
static void
fetch_page (GTask *task)
{
  CfaiModelCatalog *self = g_task_get_source_object (task);
  RefreshData *data = g_task_get_task_data (task);
  g_autofree char *path = NULL;

  path = g_strdup_printf ("/ai/models/search?per_page=%d&page=%u",
                          CFAI_MODEL_CATALOG_PER_PAGE, data->page);

  cfai_client_get_json_async (self->client, path,
                              g_task_get_cancellable (task),
                              page_fetched_cb, task);
}

/**
 * cfai_model_catalog_refresh_async:
 * @self: a #CfaiModelCatalog
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the refresh is done
 * @user_data: data for @callback
 *
 * Fetches every page of the live catalog.  On success the items are
 * replaced at once (one #GListModel::items-changed) and saved to the
 * cache file; on failure they are left as they were.  Only one refresh
 * runs at a time: another call meanwhile fails with %G_IO_ERROR_PENDING
 * (bind the refresh action to #CfaiModelCatalog:is-refreshing).
 */
void
cfai_model_catalog_refresh_async (CfaiModelCatalog    *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RefreshData *data;

  g_return_if_fail (CFAI_IS_MODEL_CATALOG (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_model_catalog_refresh_async);
  /* Once the items are replaced the refresh has happened; a late cancel
   * must not report otherwise. */
  g_task_set_check_cancellable (task, FALSE);

  if (self->client == NULL)
    {
      g_task_return_new_error (task, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS,
                               _("No Cloudflare account is set up to fetch the model catalog from"));
      return;
    }

  if (self->is_refreshing)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("The model catalog is already being refreshed"));
      return;
    }

  data = g_new0 (RefreshData, 1);
  data->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  data->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  data->page = 1;
  g_task_set_task_data (task, data, (GDestroyNotify) refresh_data_free);

  set_is_refreshing (self, TRUE);
  fetch_page (g_steal_pointer (&task));
}

/**
 * cfai_model_catalog_refresh_finish:
 * @self: a #CfaiModelCatalog
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the live catalog replaced the items
 */
gboolean
cfai_model_catalog_refresh_finish (CfaiModelCatalog  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (CFAI_IS_MODEL_CATALOG (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_model_catalog_refresh_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* The object                                                         */
/* ------------------------------------------------------------------ */

/**
 * cfai_model_catalog_lookup:
 * @self: a #CfaiModelCatalog
 * @model_id: a model id, e.g. "@cf/openai/gpt-oss-120b"
 *
 * Returns: (transfer none) (nullable): the model, or %NULL when the
 *   catalog does not list it (see cfai_model_catalog_suggest_replacement())
 */
CfaiModel *
cfai_model_catalog_lookup (CfaiModelCatalog *self,
                           const char       *model_id)
{
  g_return_val_if_fail (CFAI_IS_MODEL_CATALOG (self), NULL);

  if (model_id == NULL)
    return NULL;

  return g_hash_table_lookup (self->index, model_id);
}

CfaiClient *
cfai_model_catalog_get_client (CfaiModelCatalog *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL_CATALOG (self), NULL);

  return self->client;
}

const char *
cfai_model_catalog_get_cache_path (CfaiModelCatalog *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL_CATALOG (self), NULL);

  return self->cache_path;
}

/**
 * cfai_model_catalog_get_fetched_at:
 * @self: a #CfaiModelCatalog
 *
 * Returns: (transfer none) (nullable): when the listed catalog was fetched
 *   from the server, or %NULL for the built-in list
 */
GDateTime *
cfai_model_catalog_get_fetched_at (CfaiModelCatalog *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL_CATALOG (self), NULL);

  return self->fetched_at;
}

CfaiModelCatalogSource
cfai_model_catalog_get_source (CfaiModelCatalog *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL_CATALOG (self), CFAI_MODEL_CATALOG_SOURCE_BUILTIN);

  return self->source;
}

gboolean
cfai_model_catalog_get_is_refreshing (CfaiModelCatalog *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL_CATALOG (self), FALSE);

  return self->is_refreshing;
}

static void
cfai_model_catalog_constructed (GObject *object)
{
  CfaiModelCatalog *self = (CfaiModelCatalog *)object;

  G_OBJECT_CLASS (cfai_model_catalog_parent_class)->constructed (object);

  if (self->cache_path == NULL)
    self->cache_path = g_build_filename (g_get_user_cache_dir (), "cfai", "models.json", NULL);

  cfai_model_catalog_load_builtin (self);
}

static void
cfai_model_catalog_dispose (GObject *object)
{
  CfaiModelCatalog *self = (CfaiModelCatalog *)object;

  g_clear_object (&self->client);

  G_OBJECT_CLASS (cfai_model_catalog_parent_class)->dispose (object);
}

static void
cfai_model_catalog_finalize (GObject *object)
{
  CfaiModelCatalog *self = (CfaiModelCatalog *)object;

  g_clear_pointer (&self->index, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->cache_path, g_free);
  g_clear_pointer (&self->fetched_at, g_date_time_unref);

  G_OBJECT_CLASS (cfai_model_catalog_parent_class)->finalize (object);
}

static void
cfai_model_catalog_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CfaiModelCatalog *self = CFAI_MODEL_CATALOG (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_CACHE_PATH:
      g_value_set_string (value, self->cache_path);
      break;

    case PROP_FETCHED_AT:
      g_value_set_boxed (value, self->fetched_at);
      break;

    case PROP_SOURCE:
      g_value_set_enum (value, self->source);
      break;

    case PROP_IS_REFRESHING:
      g_value_set_boolean (value, self->is_refreshing);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_model_catalog_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CfaiModelCatalog *self = CFAI_MODEL_CATALOG (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    case PROP_CACHE_PATH:
      self->cache_path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_model_catalog_class_init (CfaiModelCatalogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = cfai_model_catalog_constructed;
  object_class->dispose = cfai_model_catalog_dispose;
  object_class->finalize = cfai_model_catalog_finalize;
  object_class->get_property = cfai_model_catalog_get_property;
  object_class->set_property = cfai_model_catalog_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         CFAI_TYPE_CLIENT,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_CACHE_PATH] =
    g_param_spec_string ("cache-path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_FETCHED_AT] =
    g_param_spec_boxed ("fetched-at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READABLE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_SOURCE] =
    g_param_spec_enum ("source", NULL, NULL,
                       CFAI_TYPE_MODEL_CATALOG_SOURCE,
                       CFAI_MODEL_CATALOG_SOURCE_BUILTIN,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties[PROP_IS_REFRESHING] =
    g_param_spec_boolean ("is-refreshing", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfai_model_catalog_init (CfaiModelCatalog *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->index = g_hash_table_new (g_str_hash, g_str_equal);
  self->source = CFAI_MODEL_CATALOG_SOURCE_BUILTIN;
}

/**
 * cfai_model_catalog_new:
 * @client: (nullable): the client to fetch with; %NULL for a catalog that
 *   only works offline
 * @cache_path: (nullable): the cache file; %NULL for
 *   `$XDG_CACHE_HOME/cfai/models.json`
 *
 * Creates a catalog holding the built-in list.  Call
 * cfai_model_catalog_load_cache() and then
 * cfai_model_catalog_refresh_async() to bring it up to date.
 *
 * Returns: (transfer full): a new #CfaiModelCatalog
 */
CfaiModelCatalog *
cfai_model_catalog_new (CfaiClient *client,
                        const char *cache_path)
{
  g_return_val_if_fail (client == NULL || CFAI_IS_CLIENT (client), NULL);

  return g_object_new (CFAI_TYPE_MODEL_CATALOG,
                       "client", client,
                       "cache-path", cache_path,
                       NULL);
}
