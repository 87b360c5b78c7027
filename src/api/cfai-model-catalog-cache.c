/* cfai-model-catalog-cache.c — the catalog on disk, for offline starts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cache holds the last fetched catalog as catalog entries (the shape
 * cfai_model_new_from_json() reads), with a format name, a version and
 * the time of the fetch:
 *
 *   {"format": "cfai-model-catalog", "version": 1,
 *    "fetched_at": "2026-03-01T12:00:00Z", "models": [{…}, …]}
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cfai-json.h"
#include "cfai-model-catalog-private.h"

#define CACHE_FORMAT "cfai-model-catalog"

GBytes *
_cfai_model_catalog_serialize_cache (CfaiModelCatalog *self)
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

gboolean
_cfai_model_catalog_write_cache_file (const char  *path,
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

  bytes = _cfai_model_catalog_serialize_cache (self);

  return _cfai_model_catalog_write_cache_file (self->cache_path, bytes, error);
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
  const char *text;
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
  if (g_strcmp0 (cfai_json_get_string (root, "format"), CACHE_FORMAT) != 0)
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

  text = cfai_json_get_string (root, "fetched_at");
  if (text != NULL)
    fetched_at = g_date_time_new_from_iso8601 (text, NULL);
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

  models = _cfai_model_catalog_parse_pages (pages, TRUE, &local_error);
  if (models == NULL)
    {
      set_cache_error (error, self->cache_path, local_error->message);
      return FALSE;
    }

  _cfai_model_catalog_replace_items (self, g_steal_pointer (&models),
                                     CFAI_MODEL_CATALOG_SOURCE_CACHE, fetched_at);

  return TRUE;
}
