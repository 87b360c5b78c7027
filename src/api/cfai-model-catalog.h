/* cfai-model-catalog.h — the list of Workers AI models to pick from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "cfai-client.h"
#include "cfai-model.h"

G_BEGIN_DECLS

/* Models asked for per page of /ai/models/search. */
#define CFAI_MODEL_CATALOG_PER_PAGE  100
/* A server that never signals the last page (or repeats one) stops here. */
#define CFAI_MODEL_CATALOG_MAX_PAGES 50
/* A catalog older than this is fetched again at start (prices and the
 * model list change over weeks, not minutes). */
#define CFAI_MODEL_CATALOG_MAX_AGE G_TIME_SPAN_DAY
/* Version of the disk cache format written by this code. */
#define CFAI_MODEL_CATALOG_CACHE_VERSION 1

typedef enum
{
  CFAI_MODEL_CATALOG_SOURCE_BUILTIN,  /* the short offline list compiled in */
  CFAI_MODEL_CATALOG_SOURCE_CACHE,    /* the last fetch, read from disk */
  CFAI_MODEL_CATALOG_SOURCE_NETWORK,  /* fetched in this session */
} CfaiModelCatalogSource;

#define CFAI_TYPE_MODEL_CATALOG_SOURCE (cfai_model_catalog_source_get_type ())
#define CFAI_TYPE_MODEL_CATALOG        (cfai_model_catalog_get_type ())

GType cfai_model_catalog_source_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (CfaiModelCatalog, cfai_model_catalog, CFAI, MODEL_CATALOG, GObject)

CfaiModelCatalog       *cfai_model_catalog_new                 (CfaiClient          *client,
                                                                const char          *cache_path);
CfaiClient             *cfai_model_catalog_get_client          (CfaiModelCatalog    *self);
const char             *cfai_model_catalog_get_cache_path      (CfaiModelCatalog    *self);
GDateTime              *cfai_model_catalog_get_fetched_at      (CfaiModelCatalog    *self);
CfaiModelCatalogSource  cfai_model_catalog_get_source          (CfaiModelCatalog    *self);
gboolean                cfai_model_catalog_get_is_refreshing   (CfaiModelCatalog    *self);
gboolean                cfai_model_catalog_get_access_loaded   (CfaiModelCatalog    *self);

CfaiModel              *cfai_model_catalog_lookup              (CfaiModelCatalog    *self,
                                                                const char          *model_id);

void                    cfai_model_catalog_refresh_async       (CfaiModelCatalog    *self,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean                cfai_model_catalog_refresh_finish      (CfaiModelCatalog    *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

gboolean                cfai_model_catalog_load_cache          (CfaiModelCatalog    *self,
                                                                GError             **error);
void                    cfai_model_catalog_load_cache_async    (CfaiModelCatalog    *self,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean                cfai_model_catalog_load_cache_finish   (CfaiModelCatalog    *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
gboolean                cfai_model_catalog_save_cache          (CfaiModelCatalog    *self,
                                                                GError             **error);
gboolean                cfai_model_catalog_is_stale            (CfaiModelCatalog    *self,
                                                                GDateTime           *now,
                                                                GTimeSpan            max_age);
gboolean                cfai_model_catalog_load_from_pages     (CfaiModelCatalog    *self,
                                                                GPtrArray           *pages,
                                                                GDateTime           *fetched_at,
                                                                GError             **error);
gboolean                cfai_model_catalog_load_from_json      (CfaiModelCatalog    *self,
                                                                JsonNode            *page,
                                                                GDateTime           *fetched_at,
                                                                GError             **error);

void                    cfai_model_catalog_note_model_result   (CfaiModelCatalog    *self,
                                                                const char          *model_id,
                                                                const GError        *error);

int                     cfai_model_catalog_get_recommended_rank (const char         *model_id);
const char             *cfai_model_catalog_suggest_replacement (const char          *retired_model_id);
gboolean                cfai_model_catalog_check_not_retired   (const char          *model_id,
                                                                GError             **error);
void                    cfai_model_catalog_explain_retired     (GError              *error,
                                                                const char          *model_id);

G_END_DECLS
