/* cfai-model-catalog-refresh.c — fetching every page of the live catalog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pages of /ai/models/search are fetched one after another until the
 * server's answers show the last one; only then are they parsed, so a
 * failure halfway leaves the catalog as it was.  The cache file is written
 * in a worker thread before the refresh reports success.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "cfai-error.h"
#include "cfai-json.h"
#include "cfai-model-catalog-private.h"

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

  _cfai_model_catalog_set_is_refreshing (self, FALSE);

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

  if (_cfai_model_catalog_write_cache_file (data->path, data->bytes, &error))
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

/* Decides from the page just received whether another one follows.  The
 * server's "result_info" is trusted only as far as it is consistent: a
 * short page, a page with nothing new, or the page cap ends the loop
 * whatever it says. */
static gboolean
page_is_last (RefreshData *data,
              JsonNode    *root)
{
  JsonArray *models = _cfai_model_catalog_page_get_models (root);
  JsonObject *info = cfai_json_get_object (json_node_get_object (root), "result_info");
  guint n_models = json_array_get_length (models);
  guint n_new = 0;
  gint64 per_page;
  gint64 total_count;
  gint64 total_pages;

  for (guint i = 0; i < n_models; i++)
    {
      JsonNode *element = json_array_get_element (models, i);
      const char *name;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      name = cfai_json_get_string (json_node_get_object (element), "name");
      if (name != NULL && !g_hash_table_contains (data->seen, name))
        {
          g_hash_table_add (data->seen, g_strdup (name));
          n_new++;
        }
    }

  data->received += n_models;

  per_page = cfai_json_get_count (info, "per_page");
  if (per_page <= 0)
    per_page = CFAI_MODEL_CATALOG_PER_PAGE;
  total_count = cfai_json_get_count (info, "total_count");
  total_pages = cfai_json_get_count (info, "total_pages");

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
  write_data->bytes = _cfai_model_catalog_serialize_cache (self);

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

  if (!JSON_NODE_HOLDS_OBJECT (root) || _cfai_model_catalog_page_get_models (root) == NULL)
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
                               _("No Cloudflare account is set up to fetch "
                                 "the model catalog from"));
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

  _cfai_model_catalog_set_is_refreshing (self, TRUE);
  fetch_page (g_steal_pointer (&task));
}

/**
 * cfai_model_catalog_refresh_finish:
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
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        cfai_model_catalog_refresh_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
