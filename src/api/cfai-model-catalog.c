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
 *
 * The disk cache is in cfai-model-catalog-cache.c, fetching in
 * cfai-model-catalog-refresh.c.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cfai-api-resources.h"
#include "cfai-error.h"
#include "cfai-json.h"
#include "cfai-model-catalog-private.h"
#include "cfai-model-private.h"

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
  PROP_ACCESS_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------ */
/* The offline fallback                                               */
/* ------------------------------------------------------------------ */

/* OFFLINE FALLBACK ONLY: cfai-model-catalog-builtin.json, compiled in as
 * a resource, is shown until a cached or live catalog exists, so that a
 * first start without network still offers the current models.  Keep it
 * short and limited to active models.  It is in the cache's format and
 * read by the cache's parser.  Ids, tasks and capabilities follow
 * docs/workers-ai.md ("Limits, pricing, models", "2026 changes");
 * context windows and flags follow Cloudflare's model files (the files in
 * workers-ai/models), which tests/test-model-catalog.c checks.  No prices
 * or descriptions: those change, and a stale one misleads. */
#define BUILTIN_RESOURCE "/com/example/CfAI/api/models.json"

/* Good first choices, in the order offered, for both tasks (a task
 * filter keeps the right ones). */
static const char * const recommended_models[] = {
  "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
  "@cf/openai/gpt-oss-120b",
  "@cf/mistralai/mistral-small-3.1-24b-instruct",
  "@cf/black-forest-labs/flux-1-schnell",
  "@cf/black-forest-labs/flux-2-dev",
};

/**
 * cfai_model_catalog_get_recommended_rank:
 * @model_id: a model id
 *
 * Returns: where @model_id comes among the models recommended as a first
 *   choice (0 first), or -1 when it is not one of them
 */
int
cfai_model_catalog_get_recommended_rank (const char *model_id)
{
  g_return_val_if_fail (model_id != NULL, -1);

  for (guint i = 0; i < G_N_ELEMENTS (recommended_models); i++)
    {
      if (g_str_equal (model_id, recommended_models[i]))
        return i;
    }

  return -1;
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

void
_cfai_model_catalog_set_is_refreshing (CfaiModelCatalog *self,
                                       gboolean          is_refreshing)
{
  is_refreshing = !!is_refreshing;

  if (self->is_refreshing == is_refreshing)
    return;

  self->is_refreshing = is_refreshing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_REFRESHING]);
}

/* Takes @models, which must hold no two models with the same id. */
void
_cfai_model_catalog_replace_items (CfaiModelCatalog       *self,
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
  _cfai_model_catalog_apply_access (self);

  g_object_freeze_notify (G_OBJECT (self));
  set_source (self, source);
  set_fetched_at (self, fetched_at);

  /* The index is complete before anyone hears of the change, so a
   * handler may call lookup(). */
  if (old_len > 0 || self->items->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->items->len);

  g_object_thaw_notify (G_OBJECT (self));
}

static GPtrArray *
parse_builtin (void)
{
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  /* Both are part of the program: failing here is a build bug, which
   * tests/test-model-catalog.c would have caught. */
  bytes = g_resource_lookup_data (cfai_api_get_resource (), BUILTIN_RESOURCE,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  models = _cfai_model_catalog_parse_cache (bytes, BUILTIN_RESOURCE, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&models);
}

/* A new catalog starts with the built-in offline list. */
static void
load_builtin (CfaiModelCatalog *self)
{
  _cfai_model_catalog_replace_items (self, parse_builtin (),
                                     CFAI_MODEL_CATALOG_SOURCE_BUILTIN, NULL);
}

/* What live entries leave unsaid.  Cloudflare's entries only name the
 * properties a model has, and the older ones never name "vision" or
 * "reasoning": Mistral Small 3.1 and Llama 3.2 Vision take images (their
 * schemas have image parts, an image field) and QwQ thinks before it
 * answers, but their entries do not say so, while the 2026 entries do.
 * An absent property is unknown, not false, so the built-in list's
 * vision (checked against the files' schemas by
 * tests/test-model-catalog.c) and reasoning stay on a live model whose
 * entry is silent (the flags cannot tell silence from "false", which no
 * entry says).  Nothing else is taken from the built-in list. */
static void
fill_unsaid_from_builtin (GPtrArray *models)
{
  g_autoptr(GPtrArray) builtin = parse_builtin ();
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < builtin->len; i++)
    {
      CfaiModel *model = g_ptr_array_index (builtin, i);

      g_hash_table_insert (index, (gpointer) cfai_model_get_id (model), model);
    }
  for (guint i = 0; i < models->len; i++)
    {
      CfaiModel *model = g_ptr_array_index (models, i);
      CfaiModel *known = g_hash_table_lookup (index, cfai_model_get_id (model));

      if (known != NULL)
        _cfai_model_take_unsaid_from (model, known);
    }
}

/* ------------------------------------------------------------------ */
/* Parsing pages                                                      */
/* ------------------------------------------------------------------ */

/* A page is the envelope the server sent ({"result": […], …}) or just its
 * "result" array. */
JsonArray *
_cfai_model_catalog_page_get_models (JsonNode *page)
{
  if (page == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (page))
    return json_node_get_array (page);

  if (!JSON_NODE_HOLDS_OBJECT (page))
    return NULL;

  return cfai_json_get_array (json_node_get_object (page), "result");
}

/* In @strict mode (our own cache) any bad entry fails the whole list;
 * otherwise (the server's catalog) bad entries are skipped, because one
 * odd model should not hide all the others.  Either way a list that yields
 * no model at all is refused, so a broken answer never empties the
 * picker.  A model listed twice (a server repeating a page) is kept once. */
GPtrArray *
_cfai_model_catalog_parse_pages (GPtrArray  *pages,
                                 gboolean    strict,
                                 GError    **error)
{
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_entries = 0;
  guint n_skipped = 0;

  for (guint p = 0; p < pages->len; p++)
    {
      JsonArray *array = _cfai_model_catalog_page_get_models (g_ptr_array_index (pages, p));

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
 * @pages: (element-type JsonNode): the pages of `/ai/models/search`, in
 *   order: each the envelope root or its "result" array
 * @fetched_at: (nullable): when the pages were fetched; %NULL for now
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

  models = _cfai_model_catalog_parse_pages (pages, FALSE, error);
  if (models == NULL)
    return FALSE;
  fill_unsaid_from_builtin (models);

  if (fetched_at == NULL)
    fetched_at = now = g_date_time_new_now_utc ();

  _cfai_model_catalog_replace_items (self, g_steal_pointer (&models),
                                     CFAI_MODEL_CATALOG_SOURCE_NETWORK, fetched_at);

  return TRUE;
}

/**
 * cfai_model_catalog_load_from_json:
 * @page: one page: an envelope root or a "result" array
 * @fetched_at: (nullable): when it was fetched; %NULL for now
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
/* The object                                                         */
/* ------------------------------------------------------------------ */

/**
 * cfai_model_catalog_lookup:
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

  _cfai_model_catalog_init_access (self);
  load_builtin (self);
}

static void
cfai_model_catalog_dispose (GObject *object)
{
  CfaiModelCatalog *self = (CfaiModelCatalog *)object;

  _cfai_model_catalog_cancel_access (self);
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
  _cfai_model_catalog_clear_access (self);

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

    case PROP_ACCESS_LOADED:
      g_value_set_boolean (value, self->access_loaded);
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

  /**
   * CfaiModelCatalog:access-loaded:
   *
   * Whether what earlier sessions learned about the account's access
   * (the paid-plan marks) has been read from disk; it is read off the
   * main thread after the catalog is made.
   */
  properties[PROP_ACCESS_LOADED] =
    g_param_spec_boolean ("access-loaded", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

void
_cfai_model_catalog_notify_access_loaded (CfaiModelCatalog *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCESS_LOADED]);
}

gboolean
cfai_model_catalog_get_access_loaded (CfaiModelCatalog *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL_CATALOG (self), FALSE);

  return self->access_loaded;
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
