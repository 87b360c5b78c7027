/* cfai-client.h — the one configured HTTP client for Workers AI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "cfai-credentials.h"
#include "cfai-retry-policy.h"

G_BEGIN_DECLS

#define CFAI_TYPE_CLIENT (cfai_client_get_type ())

G_DECLARE_FINAL_TYPE (CfaiClient, cfai_client, CFAI, CLIENT, GObject)

/* Per-request AI Gateway cache controls (only sent when a gateway is set),
 * and the prompt-cache session key (sent with or without a gateway). */
typedef struct
{
  gint64      cache_ttl;     /* seconds; 0 = do not send cf-aig-cache-ttl */
  gboolean    skip_cache;    /* cf-aig-skip-cache: true */
  const char *cache_key;     /* cf-aig-cache-key, nullable */
  JsonObject *metadata;      /* cf-aig-metadata, nullable, ≤ 5 entries */
  const char *session_affinity;  /* x-session-affinity, nullable */
} CfaiGatewayOptions;

/* What came back with an answer besides its body. */
typedef struct
{
  guint  http_status;
  char  *content_type;          /* media type, lower-case, without parameters; nullable */
  char  *gateway_cache_status;  /* cf-aig-cache-status: HIT or MISS, nullable */
  char  *gateway_log_id;        /* cf-aig-log-id, nullable */
  guint  attempts;              /* 1 + number of retries made */
} CfaiResponseInfo;

CfaiClient       *cfai_client_new                   (void);
CfaiClient       *cfai_client_new_for_credentials   (CfaiCredentials     *credentials);
CfaiCredentials  *cfai_client_get_credentials       (CfaiClient          *self);

const char       *cfai_client_get_account_id        (CfaiClient          *self);
gboolean          cfai_client_has_token             (CfaiClient          *self);
char             *cfai_client_check_api_base_url    (const char          *text,
                                                     GError             **error);
const char       *cfai_client_get_gateway_id        (CfaiClient          *self);
void              cfai_client_set_gateway_id        (CfaiClient          *self,
                                                     const char          *gateway_id);
void              cfai_client_set_gateway_token     (CfaiClient          *self,
                                                     const char          *token);
CfaiRetryPolicy  *cfai_client_get_retry_policy      (CfaiClient          *self);
void              cfai_client_set_retry_policy      (CfaiClient          *self,
                                                     const CfaiRetryPolicy *policy);

char             *cfai_client_build_url             (CfaiClient          *self,
                                                     const char          *account_path,
                                                     GError             **error);
char             *cfai_client_build_run_url         (CfaiClient          *self,
                                                     const char          *model,
                                                     GError             **error);

/* GET a v4 JSON endpoint under /accounts/{id} (e.g. "/ai/models/search?page=2").
 * Returns the envelope's root object after checking status and success, so
 * callers can read both "result" and "result_info". Retries per policy. */
void              cfai_client_get_json_async        (CfaiClient          *self,
                                                     const char          *account_path,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
JsonNode         *cfai_client_get_json_finish       (CfaiClient          *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

void              cfai_client_send_async            (CfaiClient          *self,
                                                     const char          *method,
                                                     const char          *url,
                                                     const char          *content_type,
                                                     GBytes              *body,
                                                     const CfaiGatewayOptions *gateway,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GBytes           *cfai_client_send_finish           (CfaiClient          *self,
                                                     GAsyncResult        *result,
                                                     CfaiResponseInfo   **info,
                                                     GError             **error);
void              cfai_client_send_stream_async     (CfaiClient          *self,
                                                     const char          *method,
                                                     const char          *url,
                                                     const char          *content_type,
                                                     GBytes              *body,
                                                     const CfaiGatewayOptions *gateway,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GInputStream     *cfai_client_send_stream_finish    (CfaiClient          *self,
                                                     GAsyncResult        *result,
                                                     CfaiResponseInfo   **info,
                                                     GError             **error);

/* GET /ai/models/schema?model=… : the model's {input, output} JSON Schemas. */
void              cfai_client_get_model_schema_async  (CfaiClient        *self,
                                                       const char        *model,
                                                       GCancellable      *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer           user_data);
JsonObject       *cfai_client_get_model_schema_finish (CfaiClient        *self,
                                                       GAsyncResult      *result,
                                                       GError           **error);

/* GET {api base}/user/tokens/verify with the current token. */
void              cfai_client_verify_token_async    (CfaiClient          *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean          cfai_client_verify_token_finish   (CfaiClient          *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

void              cfai_response_info_free           (CfaiResponseInfo    *info);
CfaiGatewayOptions *cfai_gateway_options_copy       (const CfaiGatewayOptions *options);
void              cfai_gateway_options_free         (CfaiGatewayOptions  *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfaiResponseInfo, cfai_response_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfaiGatewayOptions, cfai_gateway_options_free)

G_END_DECLS
