/* cfai-model-catalog-private.h — what the files of CfaiModelCatalog share
 *
 * cfai-model-catalog.c (the list, the built-in models, parsing pages),
 * cfai-model-catalog-cache.c (the disk cache),
 * cfai-model-catalog-refresh.c (fetching) and
 * cfai-model-catalog-access.c (what the account may run) make up the class.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-model-catalog.h"

G_BEGIN_DECLS

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
  /* cfai-model-catalog-access.c */
  GKeyFile               *access;       /* per account: models refused for the plan */
  char                   *access_path;
  GHashTable             *refused_this_session;  /* ids, when there is no account id */
  gboolean                access_loaded;
  GCancellable           *access_cancellable;
  GPtrArray              *pending_results;       /* noted before access_loaded */
};

void        _cfai_model_catalog_set_is_refreshing (CfaiModelCatalog       *self,
                                                   gboolean                is_refreshing);
void        _cfai_model_catalog_replace_items     (CfaiModelCatalog       *self,
                                                   GPtrArray              *models,
                                                   CfaiModelCatalogSource  source,
                                                   GDateTime              *fetched_at);
void        _cfai_model_catalog_init_access       (CfaiModelCatalog       *self);
void        _cfai_model_catalog_cancel_access     (CfaiModelCatalog       *self);
void        _cfai_model_catalog_clear_access      (CfaiModelCatalog       *self);
void        _cfai_model_catalog_notify_access_loaded (CfaiModelCatalog    *self);
void        _cfai_model_catalog_apply_access      (CfaiModelCatalog       *self);
JsonArray  *_cfai_model_catalog_page_get_models   (JsonNode               *page);
GPtrArray  *_cfai_model_catalog_parse_pages       (GPtrArray              *pages,
                                                   gboolean                strict,
                                                   GError                **error);
GBytes     *_cfai_model_catalog_serialize_cache   (CfaiModelCatalog       *self);
gboolean    _cfai_model_catalog_write_cache_file  (const char             *path,
                                                   GBytes                 *bytes,
                                                   GError                **error);
GPtrArray  *_cfai_model_catalog_parse_cache       (GBytes                 *bytes,
                                                   const char             *origin,
                                                   GDateTime             **fetched_at,
                                                   GError                **error);

G_END_DECLS
