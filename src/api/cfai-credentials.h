/* cfai-credentials.h — the account ID and tokens CfAI signs requests with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

#include "cfai-error.h"

G_BEGIN_DECLS

#define CFAI_CREDENTIALS_ENV_ACCOUNT_ID "CLOUDFLARE_ACCOUNT_ID"
#define CFAI_CREDENTIALS_ENV_API_TOKEN  "CLOUDFLARE_API_TOKEN"
#define CFAI_CREDENTIALS_ENV_API_BASE_URL     "CFAI_API_BASE_URL"
#define CFAI_CREDENTIALS_ENV_GATEWAY_BASE_URL "CFAI_GATEWAY_BASE_URL"
#define CFAI_CREDENTIALS_SCHEMA_NAME    "com.example.CfAI.Token"

#define CFAI_DEFAULT_API_BASE_URL     "https://api.cloudflare.com/client/v4"
#define CFAI_DEFAULT_GATEWAY_BASE_URL "https://gateway.ai.cloudflare.com/v1"

/* The values of the schema's "kind" attribute are the nicks of this enum. */
typedef enum
{
  CFAI_TOKEN_KIND_API,      /* "api-token": Workers AI REST calls */
  CFAI_TOKEN_KIND_GATEWAY,  /* "gateway-token": an authenticated AI Gateway */
} CfaiTokenKind;

typedef enum
{
  CFAI_TOKEN_SOURCE_NONE,            /* no token known (none stored, cleared, or not looked up yet) */
  CFAI_TOKEN_SOURCE_ENVIRONMENT,     /* $CLOUDFLARE_API_TOKEN: read-only, overrides the rest */
  CFAI_TOKEN_SOURCE_KEYRING,         /* the Secret Service: kept across sessions */
  CFAI_TOKEN_SOURCE_SESSION_MEMORY,  /* no usable keyring: forgotten when CfAI quits */
} CfaiTokenSource;

typedef enum
{
  CFAI_ACCOUNT_ID_SOURCE_NONE,         /* neither the environment nor the caller gave one */
  CFAI_ACCOUNT_ID_SOURCE_CALLER,       /* cfai_credentials_set_account_id() (the app's settings) */
  CFAI_ACCOUNT_ID_SOURCE_ENVIRONMENT,  /* $CLOUDFLARE_ACCOUNT_ID: overrides the caller's */
} CfaiAccountIdSource;

#define CFAI_TYPE_TOKEN_KIND        (cfai_token_kind_get_type ())
#define CFAI_TYPE_TOKEN_SOURCE      (cfai_token_source_get_type ())
#define CFAI_TYPE_ACCOUNT_ID_SOURCE (cfai_account_id_source_get_type ())
#define CFAI_TYPE_CREDENTIALS       (cfai_credentials_get_type ())

GType cfai_token_kind_get_type        (void) G_GNUC_CONST;
GType cfai_token_source_get_type      (void) G_GNUC_CONST;
GType cfai_account_id_source_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (CfaiCredentials, cfai_credentials, CFAI, CREDENTIALS, GObject)

const SecretSchema  *cfai_credentials_get_schema                (void);
const char          *cfai_token_kind_to_string                  (CfaiTokenKind        kind);
void                 cfai_token_free                            (char                *token);
char                *cfai_token_dup_trimmed                     (const char          *value);
gboolean             cfai_token_check                           (const char          *token,
                                                                 CfaiErrorCode        code,
                                                                 GError             **error);

CfaiCredentials     *cfai_credentials_new                       (void);
CfaiCredentials     *cfai_credentials_new_for_trial             (CfaiCredentials     *like,
                                                                 const char          *account_id,
                                                                 const char          *api_token);

const char          *cfai_credentials_get_api_token             (CfaiCredentials     *self);
void                 cfai_credentials_set_api_token             (CfaiCredentials     *self,
                                                                 const char          *token);
gboolean             cfai_credentials_has_api_token             (CfaiCredentials     *self);
const char          *cfai_credentials_get_api_base_url          (CfaiCredentials     *self);
void                 cfai_credentials_set_api_base_url          (CfaiCredentials     *self,
                                                                 const char          *url);
gboolean             cfai_credentials_get_api_base_url_from_environment (CfaiCredentials *self);
void                 cfai_credentials_reread_base_urls          (CfaiCredentials     *self);
const char          *cfai_credentials_get_gateway_base_url      (CfaiCredentials     *self);
void                 cfai_credentials_set_gateway_base_url      (CfaiCredentials     *self,
                                                                 const char          *url);

const char          *cfai_credentials_get_account_id            (CfaiCredentials     *self);
void                 cfai_credentials_set_account_id            (CfaiCredentials     *self,
                                                                 const char          *account_id);
CfaiAccountIdSource  cfai_credentials_get_account_id_source     (CfaiCredentials     *self);
CfaiTokenSource      cfai_credentials_get_token_source          (CfaiCredentials     *self);
gboolean             cfai_credentials_get_keyring_available     (CfaiCredentials     *self);
const char          *cfai_credentials_get_keyring_error_message (CfaiCredentials     *self);
const GError        *cfai_credentials_get_keyring_error         (CfaiCredentials     *self);

void                 cfai_credentials_store_token_async         (CfaiCredentials     *self,
                                                                 CfaiTokenKind        kind,
                                                                 const char          *account,
                                                                 const char          *token,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
gboolean             cfai_credentials_store_token_finish        (CfaiCredentials     *self,
                                                                 GAsyncResult        *result,
                                                                 gboolean            *persisted,
                                                                 GError             **error);
void                 cfai_credentials_lookup_token_async        (CfaiCredentials     *self,
                                                                 CfaiTokenKind        kind,
                                                                 const char          *account,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
char                *cfai_credentials_lookup_token_finish       (CfaiCredentials     *self,
                                                                 GAsyncResult        *result,
                                                                 CfaiTokenSource     *source,
                                                                 GError             **error);
void                 cfai_credentials_clear_token_async         (CfaiCredentials     *self,
                                                                 CfaiTokenKind        kind,
                                                                 const char          *account,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
gboolean             cfai_credentials_clear_token_finish        (CfaiCredentials     *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);

G_END_DECLS
