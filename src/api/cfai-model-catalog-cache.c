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
  g_autoptr(JsonObject) cache = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *fetched_at = g_date_time_format_iso8601 (self->fetched_at);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  JsonArray *models = json_array_sized_new (self->items->len);
  gsize length;
  char *data;

  for (guint i = 0; i < self->items->len; i++)
    json_array_add_element (models, cfai_model_to_json (g_ptr_array_index (self->items, i)));

  json_object_set_string_member (cache, "format", CACHE_FORMAT);
  json_object_set_int_member (cache, "version", CFAI_MODEL_CATALOG_CACHE_VERSION);
  json_object_set_string_member (cache, "fetched_at", fetched_at);
  json_object_set_array_member (cache, "models", models);

  root = json_node_init_object (json_node_alloc (), cache);
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
                 const char  *origin,
                 const char  *reason)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("The model cache %s is damaged: %s"), origin, reason);
}

/* Reads the cache format, from the cache file or from the built-in list
 * (which is the same format without "fetched_at"), so both go through
 * one parser.  @origin names the data in messages; @fetched_at, when not
 * %NULL, must be given by the data.  Entries are read in strict mode: any
 * bad one fails the whole list. */
GPtrArray *
_cfai_model_catalog_parse_cache (GBytes      *bytes,
                                 const char  *origin,
                                 GDateTime  **fetched_at,
                                 GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GPtrArray) models = NULL;
  const char *text;
  JsonObject *root;
  JsonNode *node;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  g_autoptr(GDateTime) when = NULL;

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      set_cache_error (error, origin, local_error->message);
      return NULL;
    }

  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      set_cache_error (error, origin, _("it is not a JSON object"));
      return NULL;
    }

  root = json_node_get_object (node);
  if (g_strcmp0 (cfai_json_get_string (root, "format"), CACHE_FORMAT) != 0)
    {
      set_cache_error (error, origin, _("it is not a model cache"));
      return NULL;
    }

  node = json_object_get_member (root, "version");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 1)
    {
      set_cache_error (error, origin, _("it has no format version"));
      return NULL;
    }

  if (json_node_get_int (node) > CFAI_MODEL_CATALOG_CACHE_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("The model cache %s was written by a newer version of CfAI"),
                   origin);
      return NULL;
    }

  text = cfai_json_get_string (root, "fetched_at");
  if (text != NULL)
    when = g_date_time_new_from_iso8601 (text, NULL);
  if (fetched_at != NULL && when == NULL)
    {
      set_cache_error (error, origin, _("it does not say when it was fetched"));
      return NULL;
    }

  node = json_object_get_member (root, "models");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      set_cache_error (error, origin, _("it has no list of models"));
      return NULL;
    }

  pages = g_ptr_array_new ();
  g_ptr_array_add (pages, node);

  models = _cfai_model_catalog_parse_pages (pages, TRUE, &local_error);
  if (models == NULL)
    {
      set_cache_error (error, origin, local_error->message);
      return NULL;
    }

  if (fetched_at != NULL)
    *fetched_at = g_steal_pointer (&when);
  return g_steal_pointer (&models);
}

static gboolean
apply_cache (CfaiModelCatalog  *self,
             GBytes            *bytes,
             GError           **error)
{
  g_autofree char *origin = g_filename_display_name (self->cache_path);
  g_autoptr(GDateTime) fetched_at = NULL;
  g_autoptr(GPtrArray) models = NULL;

  models = _cfai_model_catalog_parse_cache (bytes, origin, &fetched_at, error);
  if (models == NULL)
    return FALSE;

  _cfai_model_catalog_replace_items (self, g_steal_pointer (&models),
                                     CFAI_MODEL_CATALOG_SOURCE_CACHE, fetched_at);
  return TRUE;
}

/**
 * cfai_model_catalog_load_cache:
 *
 * Replaces the items with the catalog last saved to the cache file and
 * sets #CfaiModelCatalog:fetched-at to when it was fetched.  Works
 * offline.  A missing file fails with %G_FILE_ERROR_NOENT (normal on a
 * first start); a damaged one with %G_IO_ERROR_INVALID_DATA, and one
 * written by a newer version with %G_IO_ERROR_NOT_SUPPORTED.  On error
 * the items are unchanged.  This reads the file on the calling thread;
 * the app uses cfai_model_catalog_load_cache_async().
 *
 * Returns: %TRUE on success
 */
gboolean
cfai_model_catalog_load_cache (CfaiModelCatalog  *self,
                               GError           **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_return_val_if_fail (CFAI_IS_MODEL_CATALOG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_file_get_contents (self->cache_path, &contents, &length, error))
    return FALSE;

  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  return apply_cache (self, bytes, error);
}

typedef struct
{
  char      *path;
  char      *origin;
  GPtrArray *models;
  GDateTime *fetched_at;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->path);
  g_free (data->origin);
  g_clear_pointer (&data->models, g_ptr_array_unref);
  g_clear_pointer (&data->fetched_at, g_date_time_unref);
  g_free (data);
}

/* Reading and parsing touch nothing but @data: the models are new objects
 * nobody else sees until the main thread takes them. */
static void
load_cache_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (data->path, &contents, &length, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  bytes = g_bytes_new_take (contents, length);
  data->models = _cfai_model_catalog_parse_cache (bytes, data->origin, &data->fetched_at, &error);
  if (data->models == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
cache_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CfaiModelCatalog *self = g_task_get_source_object (task);
  LoadData *data = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* A refresh that finished meanwhile has newer models than the file. */
  if (self->source == CFAI_MODEL_CATALOG_SOURCE_NETWORK)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               _("The model list was fetched while the cache was read"));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  _cfai_model_catalog_replace_items (self, g_steal_pointer (&data->models),
                                     CFAI_MODEL_CATALOG_SOURCE_CACHE, data->fetched_at);
  g_task_return_boolean (task, TRUE);
}

/**
 * cfai_model_catalog_load_cache_async:
 * @callback: called when the cache was read
 * @user_data: data for @callback
 *
 * cfai_model_catalog_load_cache() with the file read and parsed in a
 * worker thread, so that a start does not wait for the disk.  The items
 * are replaced on the thread of the caller's main context, before
 * @callback runs; a live catalog fetched in the meantime is kept
 * (%G_IO_ERROR_EXISTS).
 */
void
cfai_model_catalog_load_cache_async (CfaiModelCatalog    *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) read_task = NULL;
  LoadData *data;

  g_return_if_fail (CFAI_IS_MODEL_CATALOG (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_model_catalog_load_cache_async);

  data = g_new0 (LoadData, 1);
  data->path = g_strdup (self->cache_path);
  data->origin = g_filename_display_name (self->cache_path);

  /* No source object, as for the cache write: the worker may drop its
   * reference after the callback, and must not keep the catalog alive. */
  read_task = g_task_new (NULL, cancellable, cache_read_cb, g_steal_pointer (&task));
  g_task_set_source_tag (read_task, cfai_model_catalog_load_cache_async);
  g_task_set_task_data (read_task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (read_task, load_cache_thread);
}

gboolean
cfai_model_catalog_load_cache_finish (CfaiModelCatalog  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  g_return_val_if_fail (CFAI_IS_MODEL_CATALOG (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        cfai_model_catalog_load_cache_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * cfai_model_catalog_is_stale:
 * @now: (nullable): the time to compare with; %NULL for now
 * @max_age: how old a fetch may be, e.g. %CFAI_MODEL_CATALOG_MAX_AGE
 *
 * Whether the catalog should be fetched again: it is the built-in list
 * (which has no prices), or its last fetch is older than @max_age.  A
 * catalog fetched in the future (a clock set back) counts as stale, so a
 * wrong clock never keeps an old catalog for ever.
 *
 * Returns: %TRUE when a refresh is due
 */
gboolean
cfai_model_catalog_is_stale (CfaiModelCatalog *self,
                             GDateTime        *now,
                             GTimeSpan         max_age)
{
  g_autoptr(GDateTime) current = NULL;
  GTimeSpan age;

  g_return_val_if_fail (CFAI_IS_MODEL_CATALOG (self), TRUE);

  if (self->source == CFAI_MODEL_CATALOG_SOURCE_BUILTIN || self->fetched_at == NULL)
    return TRUE;
  if (now == NULL)
    now = current = g_date_time_new_now_utc ();

  age = g_date_time_difference (now, self->fetched_at);
  return age < 0 || age > max_age;
}
