/* cfai-client.c — one configured SoupSession, credentials, URLs and retries
 *
 * Every request of the app goes through here, so this is where the rules
 * live that must hold everywhere: the token only ever travels in the
 * Authorization header, TLS is always verified (we never connect to
 * accept-certificate), failures are checked in the order transport → HTTP
 * status → Content-Type → body, and retries follow one policy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cfai-client.h"
#include "cfai-credentials-check.h"
#include "cfai-envelope.h"
#include "cfai-error.h"
#include "cfai-model-catalog.h"
#include "cfai-json.h"

/* Slow reasoning models can think for a while between events, so the I/O
 * timeout is generous; idle connections are dropped sooner. */
#define IO_TIMEOUT_SECONDS   90
#define IDLE_TIMEOUT_SECONDS 60

struct _CfaiClient
{
  GObject          parent_instance;

  SoupSession     *session;
  CfaiRetryPolicy *retry_policy;

  /* Account, API token and base URLs: read from here when a request is
   * made, never copied, so the client cannot fall behind them. */
  CfaiCredentials *credentials;
  char            *gateway_id;
  char            *gateway_token;
};

G_DEFINE_FINAL_TYPE (CfaiClient, cfai_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CREDENTIALS,
  PROP_ACCOUNT_ID,
  PROP_GATEWAY_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  MODEL_RESULT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* URLs are made from these values, so anything that could change the path
 * or inject a query is refused rather than escaped. */
static gboolean
is_safe_segment (const char *s,
                 const char *extra)
{
  if (s == NULL || *s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isalnum (*s) && *s != '-' && *s != '_' && strchr (extra, *s) == NULL)
      return FALSE;
  return TRUE;
}

static void
cfai_client_finalize (GObject *object)
{
  CfaiClient *self = CFAI_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->retry_policy, cfai_retry_policy_free);
  g_clear_object (&self->credentials);
  g_clear_pointer (&self->gateway_token, cfai_token_free);
  g_clear_pointer (&self->gateway_id, g_free);

  G_OBJECT_CLASS (cfai_client_parent_class)->finalize (object);
}

static void
cfai_client_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CfaiClient *self = CFAI_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CREDENTIALS:
      g_value_set_object (value, self->credentials);
      break;
    case PROP_ACCOUNT_ID:
      g_value_set_string (value, cfai_credentials_get_account_id (self->credentials));
      break;
    case PROP_GATEWAY_ID:
      g_value_set_string (value, self->gateway_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_client_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CfaiClient *self = CFAI_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CREDENTIALS:
      self->credentials = g_value_dup_object (value);
      break;
    case PROP_GATEWAY_ID:
      cfai_client_set_gateway_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
on_account_id_changed (CfaiCredentials *credentials,
                       GParamSpec      *pspec,
                       CfaiClient      *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT_ID]);
}

static void
cfai_client_constructed (GObject *object)
{
  CfaiClient *self = CFAI_CLIENT (object);

  G_OBJECT_CLASS (cfai_client_parent_class)->constructed (object);

  if (self->credentials == NULL)
    self->credentials = cfai_credentials_new ();

  g_signal_connect_object (self->credentials, "notify::account-id",
                           G_CALLBACK (on_account_id_changed), self, 0);
}

static void
cfai_client_class_init (CfaiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = cfai_client_constructed;
  object_class->finalize = cfai_client_finalize;
  object_class->get_property = cfai_client_get_property;
  object_class->set_property = cfai_client_set_property;

  /**
   * CfaiClient:credentials:
   *
   * Whose account, token and base URLs every request uses; one is made
   * (from the environment) when none is given.
   */
  properties[PROP_CREDENTIALS] =
    g_param_spec_object ("credentials", NULL, NULL, CFAI_TYPE_CREDENTIALS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * CfaiClient:account-id:
   *
   * The account of #CfaiClient:credentials, which requests go to.
   */
  properties[PROP_ACCOUNT_ID] =
    g_param_spec_string ("account-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_GATEWAY_ID] =
    g_param_spec_string ("gateway-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CfaiClient::model-result:
   * @self: the client
   * @model_id: the model a request ran on
   * @error: (nullable): why the server refused it, or %NULL when it
   *   accepted it
   *
   * Emitted when a request to run a model (one sent to a URL from
   * cfai_client_build_run_url()) got the server's verdict, before the
   * request's callback runs.  Some things about a model are only learned
   * that way (whether the account's plan may use it), and the model
   * catalog listens to remember them.  Errors that are not the server's
   * verdict (a cancel, the network) say nothing about the model and are
   * not passed on.
   */
  signals[MODEL_RESULT] =
    g_signal_new ("model-result", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
}

static void
cfai_client_init (CfaiClient *self)
{
  self->session = soup_session_new_with_options ("user-agent", "CfAI/" PACKAGE_VERSION,
                                                 "timeout", IO_TIMEOUT_SECONDS,
                                                 "idle-timeout", IDLE_TIMEOUT_SECONDS,
                                                 NULL);
  self->retry_policy = cfai_retry_policy_new ();
}

/**
 * cfai_client_new:
 *
 * A client with credentials of its own, read from the environment
 * (CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_API_TOKEN, CFAI_API_BASE_URL,
 * CFAI_GATEWAY_BASE_URL), as cfai-cli uses it.
 */
CfaiClient *
cfai_client_new (void)
{
  return g_object_new (CFAI_TYPE_CLIENT, NULL);
}

/**
 * cfai_client_new_for_credentials:
 * @credentials: the credentials to follow
 *
 * Returns: (transfer full): a client whose requests use @credentials as
 *   they are at the time of each request
 */
CfaiClient *
cfai_client_new_for_credentials (CfaiCredentials *credentials)
{
  g_return_val_if_fail (CFAI_IS_CREDENTIALS (credentials), NULL);

  return g_object_new (CFAI_TYPE_CLIENT, "credentials", credentials, NULL);
}

/**
 * cfai_client_get_credentials:
 *
 * Returns: (transfer none): the credentials requests are made with
 */
CfaiCredentials *
cfai_client_get_credentials (CfaiClient *self)
{
  g_return_val_if_fail (CFAI_IS_CLIENT (self), NULL);
  return self->credentials;
}

/* Shorthands for reading the client's credentials; they are changed on
 * the credentials themselves, their one owner. */
const char *
cfai_client_get_account_id (CfaiClient *self)
{
  g_return_val_if_fail (CFAI_IS_CLIENT (self), NULL);
  return cfai_credentials_get_account_id (self->credentials);
}

gboolean
cfai_client_has_token (CfaiClient *self)
{
  g_return_val_if_fail (CFAI_IS_CLIENT (self), FALSE);
  return cfai_credentials_has_api_token (self->credentials);
}

/**
 * cfai_client_check_api_base_url:
 * @text: what the user entered
 * @error: where to say what is wrong with it
 *
 * An API base URL is where every request goes, with the token in its
 * headers: only an absolute http(s) URL with a host and nothing that
 * would end up in the middle of request URLs (query, fragment, user
 * information) is accepted.  Blank means the default.
 *
 * Returns: (transfer full) (nullable): the URL to store, without blanks
 *   or a trailing slash ("" for the default), or %NULL with @error set
 */
char *
cfai_client_check_api_base_url (const char  *text,
                                GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  gsize len;

  if (*trimmed == '\0')
    return g_strdup ("");

  uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || scheme == NULL ||
      (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Enter a full web address that starts with https://, such as %s"),
                   CFAI_DEFAULT_API_BASE_URL);
      return NULL;
    }

  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The address cannot contain “?”, “#” or a user name: request paths are added after it."));
      return NULL;
    }

  len = strlen (trimmed);
  while (len > 0 && trimmed[len - 1] == '/')
    trimmed[--len] = '\0';
  return g_steal_pointer (&trimmed);
}

const char *
cfai_client_get_gateway_id (CfaiClient *self)
{
  g_return_val_if_fail (CFAI_IS_CLIENT (self), NULL);
  return self->gateway_id;
}

void
cfai_client_set_gateway_id (CfaiClient *self,
                            const char *gateway_id)
{
  g_return_if_fail (CFAI_IS_CLIENT (self));

  if (gateway_id != NULL && *gateway_id == '\0')
    gateway_id = NULL;
  if (g_set_str (&self->gateway_id, gateway_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GATEWAY_ID]);
}

void
cfai_client_set_gateway_token (CfaiClient *self,
                               const char *token)
{
  g_return_if_fail (CFAI_IS_CLIENT (self));

  g_clear_pointer (&self->gateway_token, cfai_token_free);
  self->gateway_token = cfai_token_dup_trimmed (token);
}

CfaiRetryPolicy *
cfai_client_get_retry_policy (CfaiClient *self)
{
  g_return_val_if_fail (CFAI_IS_CLIENT (self), NULL);
  return self->retry_policy;
}

void
cfai_client_set_retry_policy (CfaiClient            *self,
                              const CfaiRetryPolicy *policy)
{
  g_return_if_fail (CFAI_IS_CLIENT (self));
  g_return_if_fail (policy != NULL);

  g_clear_pointer (&self->retry_policy, cfai_retry_policy_free);
  self->retry_policy = cfai_retry_policy_copy (policy);
}

static gboolean
check_credentials (CfaiClient  *self,
                   gboolean     need_account,
                   GError     **error)
{
  if (need_account && cfai_credentials_get_account_id (self->credentials) == NULL)
    {
      g_set_error_literal (error, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS,
                           _("No Cloudflare account ID is set. Add it in Preferences, "
                             "or set CLOUDFLARE_ACCOUNT_ID."));
      return FALSE;
    }
  if (need_account && !cfai_account_id_is_valid (cfai_credentials_get_account_id (self->credentials)))
    {
      /* Onboarding and preferences refuse such an ID with the same words. */
      g_set_error_literal (error, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS, CFAI_ACCOUNT_ID_RULE);
      return FALSE;
    }
  if (!cfai_credentials_has_api_token (self->credentials))
    {
      g_set_error_literal (error, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS,
                           _("No API token is set. Add one in Preferences, "
                             "or set CLOUDFLARE_API_TOKEN."));
      return FALSE;
    }
  return TRUE;
}

/**
 * cfai_client_build_url:
 * @account_path: a path under /accounts/{id}, starting with "/"
 *
 * Returns: (transfer full): the URL, or %NULL with @error set when the
 *   credentials are incomplete
 */
char *
cfai_client_build_url (CfaiClient  *self,
                       const char  *account_path,
                       GError     **error)
{
  g_return_val_if_fail (CFAI_IS_CLIENT (self), NULL);
  g_return_val_if_fail (account_path != NULL && account_path[0] == '/', NULL);

  if (!check_credentials (self, TRUE, error))
    return NULL;

  return g_strconcat (cfai_credentials_get_api_base_url (self->credentials),
                      "/accounts/", cfai_credentials_get_account_id (self->credentials),
                      account_path, NULL);
}

/* Where models run: the account's /ai/run/, or its AI Gateway's
 * workers-ai/ when a gateway is set; the model ID follows. */
static char *
run_url_prefix (CfaiClient *self)
{
  const char *account = cfai_credentials_get_account_id (self->credentials);

  if (self->gateway_id != NULL)
    return g_strconcat (cfai_credentials_get_gateway_base_url (self->credentials),
                        "/", account, "/", self->gateway_id, "/workers-ai/", NULL);
  return g_strconcat (cfai_credentials_get_api_base_url (self->credentials),
                      "/accounts/", account, "/ai/run/", NULL);
}

/**
 * cfai_client_build_run_url:
 * @model: a full model id such as "@cf/meta/llama-3.3-70b-instruct-fp8-fast"
 *
 * The /ai/run URL of @model, or its AI Gateway URL when a gateway is set.
 */
char *
cfai_client_build_run_url (CfaiClient  *self,
                           const char  *model,
                           GError     **error)
{
  g_autofree char *prefix = NULL;

  g_return_val_if_fail (CFAI_IS_CLIENT (self), NULL);
  g_return_val_if_fail (model != NULL, NULL);

  if (!is_safe_segment (model, "@/.:") || strstr (model, "..") != NULL)
    {
      g_set_error (error, CFAI_ERROR, CFAI_ERROR_NO_SUCH_MODEL,
                   _("“%s” is not a valid model ID. Model IDs look like "
                     "@cf/meta/llama-3.3-70b-instruct-fp8-fast."), model);
      return NULL;
    }
  if (!cfai_model_catalog_check_not_retired (model, error))
    return NULL;
  if (!check_credentials (self, TRUE, error))
    return NULL;

  if (self->gateway_id != NULL && !cfai_account_id_is_valid (self->gateway_id))
    {
      g_set_error_literal (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT,
                           _("The AI Gateway ID may only contain letters, digits, "
                             "“-” and “_”."));
      return NULL;
    }

  prefix = run_url_prefix (self);
  return g_strconcat (prefix, model, NULL);
}

/* The model a URL made by cfai_client_build_run_url() runs, or %NULL for
 * any other URL. */
static char *
run_url_model (CfaiClient *self,
               const char *url)
{
  g_autofree char *prefix = NULL;

  if (cfai_credentials_get_account_id (self->credentials) == NULL)
    return NULL;
  prefix = run_url_prefix (self);
  if (!g_str_has_prefix (url, prefix) || url[strlen (prefix)] == '\0')
    return NULL;
  return g_strdup (url + strlen (prefix));
}

/* Tells the listeners of CfaiClient::model-result what the server said
 * about running @model_id: here in the one send path, so that no caller
 * has to remember it. */
static void
record_model_result (CfaiClient   *self,
                     const char   *model_id,
                     const GError *error)
{
  if (model_id == NULL)
    return;
  if (error != NULL &&
      (error->domain != CFAI_ERROR || cfai_error_get_http_status (error) == 0))
    return;

  g_signal_emit (self, signals[MODEL_RESULT], 0, model_id, error);
}

static gboolean
apply_gateway_options (SoupMessageHeaders        *headers,
                       const CfaiGatewayOptions  *gateway,
                       GError                   **error)
{
  if (gateway->cache_ttl > 0)
    {
      g_autofree char *ttl = g_strdup_printf ("%" G_GINT64_FORMAT, gateway->cache_ttl);
      soup_message_headers_replace (headers, "cf-aig-cache-ttl", ttl);
    }
  if (gateway->skip_cache)
    soup_message_headers_replace (headers, "cf-aig-skip-cache", "true");
  if (gateway->cache_key != NULL && *gateway->cache_key != '\0')
    soup_message_headers_replace (headers, "cf-aig-cache-key", gateway->cache_key);
  if (gateway->metadata != NULL)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autofree char *json = NULL;
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      /* The gateway accepts at most five flat entries; say so here instead
       * of letting every request fail. */
      if (json_object_get_size (gateway->metadata) > 5)
        {
          g_set_error_literal (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT,
                               _("AI Gateway metadata can have at most 5 entries."));
          return FALSE;
        }
      json_object_iter_init (&iter, gateway->metadata);
      while (json_object_iter_next (&iter, &name, &value))
        if (!JSON_NODE_HOLDS_VALUE (value))
          {
            g_set_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT,
                         _("AI Gateway metadata “%s” must be a string, number or boolean."),
                         name);
            return FALSE;
          }
      json_node_set_object (node, gateway->metadata);
      json = json_to_string (node, FALSE);
      soup_message_headers_replace (headers, "cf-aig-metadata", json);
    }
  return TRUE;
}

/* A message with the Authorization header (and the gateway's headers)
 * set; @gateway is used only when a gateway is set. */
static SoupMessage *
new_message (CfaiClient                *self,
             const char                *method,
             const char                *url,
             const CfaiGatewayOptions  *gateway,
             GError                   **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *auth = NULL;
  SoupMessageHeaders *headers;

  if (!check_credentials (self, FALSE, error))
    return NULL;

  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_set_error (error, CFAI_ERROR, CFAI_ERROR_NETWORK,
                   _("“%s” is not a valid URL. Check the API base URL setting, or CFAI_API_BASE_URL."), url);
      return NULL;
    }

  /* libsoup sends a POST on a connection of its own unless it is marked
   * idempotent: a new TCP and TLS handshake before every answer.  Every
   * POST here is a model run, which creates nothing, and which the retry
   * policy sends again anyway. */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  headers = soup_message_get_request_headers (msg);
  auth = g_strconcat ("Bearer ", cfai_credentials_get_api_token (self->credentials), NULL);
  soup_message_headers_replace (headers, "Authorization", auth);
  g_clear_pointer (&auth, cfai_token_free);
  soup_message_headers_replace (headers, "Accept", "application/json, text/event-stream, image/*");
  /* A header, never the URL or body: it routes the turns of one
   * conversation to the instance that holds its prompt cache. */
  if (gateway != NULL && gateway->session_affinity != NULL)
    soup_message_headers_replace (headers, "x-session-affinity", gateway->session_affinity);

  if (self->gateway_id != NULL &&
      g_str_has_prefix (url, cfai_credentials_get_gateway_base_url (self->credentials)))
    {
      if (self->gateway_token != NULL)
        {
          g_autofree char *gw_auth = g_strconcat ("Bearer ", self->gateway_token, NULL);
          soup_message_headers_replace (headers, "cf-aig-authorization", gw_auth);
          g_clear_pointer (&gw_auth, cfai_token_free);
        }
      if (gateway != NULL && !apply_gateway_options (headers, gateway, error))
        return NULL;
    }

  return g_steal_pointer (&msg);
}

void
cfai_response_info_free (CfaiResponseInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->content_type);
  g_free (info->gateway_cache_status);
  g_free (info->gateway_log_id);
  g_free (info);
}

/**
 * cfai_gateway_options_copy:
 * @options: (nullable)
 *
 * Returns: (nullable): a deep copy, to keep beyond the caller's frame
 */
CfaiGatewayOptions *
cfai_gateway_options_copy (const CfaiGatewayOptions *options)
{
  CfaiGatewayOptions *copy;

  if (options == NULL)
    return NULL;
  copy = g_new0 (CfaiGatewayOptions, 1);
  copy->cache_ttl = options->cache_ttl;
  copy->skip_cache = options->skip_cache;
  copy->cache_key = g_strdup (options->cache_key);
  copy->session_affinity = g_strdup (options->session_affinity);
  copy->metadata = options->metadata != NULL ? json_object_ref (options->metadata) : NULL;
  return copy;
}

void
cfai_gateway_options_free (CfaiGatewayOptions *options)
{
  if (options == NULL)
    return;
  g_free ((char *) options->cache_key);
  g_free ((char *) options->session_affinity);
  g_clear_pointer (&options->metadata, json_object_unref);
  g_free (options);
}

/* The one place a Content-Type header is read: what every decoder
 * dispatches on is the media type, lower-case and without parameters. */
static CfaiResponseInfo *
response_info_new (SoupMessage *msg,
                   guint        attempts)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  CfaiResponseInfo *info = g_new0 (CfaiResponseInfo, 1);

  info->http_status = soup_message_get_status (msg);
  info->content_type = cfai_envelope_media_type (soup_message_headers_get_one (headers, "Content-Type"));
  info->gateway_cache_status = g_strdup (soup_message_headers_get_one (headers, "cf-aig-cache-status"));
  info->gateway_log_id = g_strdup (soup_message_headers_get_one (headers, "cf-aig-log-id"));
  info->attempts = attempts;
  return info;
}

/* ------------------------------------------------------------------------ */
/* One request with retries.  A fresh SoupMessage is made for each attempt,
 * because a message that already has a response is not meant to be sent
 * again.  Whoever holds the task's reference moves on the request: a
 * libsoup callback, or the retry delay. */

typedef struct
{
  CfaiClient         *client;
  gboolean            stream;    /* hand over the open body instead of reading it */
  char               *model_id;  /* the model a run URL runs, else NULL */
  char               *method;
  char               *url;
  char               *content_type;
  GBytes             *body;
  CfaiGatewayOptions *gateway;
  guint               attempt;
  SoupMessage        *msg;
  GSource            *delay_source;
  CfaiResponseInfo   *info;      /* of the last answer */
} RequestData;

static void
request_data_free (RequestData *data)
{
  if (data->delay_source != NULL)
    {
      g_source_destroy (data->delay_source);
      g_source_unref (data->delay_source);
    }
  g_clear_object (&data->client);
  g_clear_object (&data->msg);
  g_clear_pointer (&data->model_id, g_free);
  g_clear_pointer (&data->method, g_free);
  g_clear_pointer (&data->url, g_free);
  g_clear_pointer (&data->content_type, g_free);
  g_clear_pointer (&data->body, g_bytes_unref);
  g_clear_pointer (&data->gateway, cfai_gateway_options_free);
  g_clear_pointer (&data->info, cfai_response_info_free);
  g_free (data);
}

static void request_start_attempt (GTask *task);

static gboolean
on_retry_delay_done (gpointer user_data)
{
  GTask *task = user_data;
  RequestData *data = g_task_get_task_data (task);

  g_clear_pointer (&data->delay_source, g_source_unref);
  /* The wait ends early when the request is cancelled. */
  if (!g_task_return_error_if_cancelled (task))
    request_start_attempt (g_object_ref (task));
  return G_SOURCE_REMOVE;
}

/* Returns TRUE when a retry was scheduled. */
static gboolean
request_maybe_retry (GTask              *task,
                     guint               http_status,
                     const GError       *error,
                     SoupMessageHeaders *headers)
{
  RequestData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  gint64 delay_us = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      !cfai_retry_policy_next_delay (data->client->retry_policy, data->attempt,
                                     http_status, error, headers, FALSE, &delay_us))
    return FALSE;

  /* Wait for the delay or a cancel, whichever comes first: the cancellable
   * is a child source, so cancelling wakes the timeout at once. */
  data->delay_source = g_timeout_source_new ((guint) MAX (0, delay_us / 1000));
  if (cancellable != NULL)
    {
      g_autoptr(GSource) cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_dummy_callback (cancel_source);
      g_source_add_child_source (data->delay_source, cancel_source);
    }
  g_source_set_callback (data->delay_source, on_retry_delay_done,
                         g_object_ref (task), g_object_unref);
  g_source_set_static_name (data->delay_source, "[cfai] retry delay");
  g_source_attach (data->delay_source, g_task_get_context (task));
  data->attempt++;
  return TRUE;
}

static void
request_fail (GTask  *task,
              GError *error)   /* (transfer full) */
{
  RequestData *data = g_task_get_task_data (task);
  guint status = data->info != NULL ? data->info->http_status : 0;
  SoupMessageHeaders *headers = data->info != NULL ? soup_message_get_response_headers (data->msg) : NULL;

  if (request_maybe_retry (task, status, error, headers))
    g_error_free (error);
  else
    {
      record_model_result (data->client, data->model_id, error);
      g_task_return_error (task, error);
    }
}

static GError *
transport_error (GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  return cfai_error_from_transport (error);
}

static GError *
status_error (RequestData *data,
              GBytes      *bytes)
{
  return cfai_error_from_response (data->info->http_status, data->info->content_type, bytes,
                                   soup_message_get_response_headers (data->msg));
}

static void
on_read_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      request_fail (task, transport_error (error));
      return;
    }

  data->info = response_info_new (data->msg, data->attempt + 1);
  if (!SOUP_STATUS_IS_SUCCESSFUL (data->info->http_status))
    {
      request_fail (task, status_error (data, bytes));
      return;
    }

  record_model_result (data->client, data->model_id, NULL);
  g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
}

static void
on_error_body_read (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, &error) < 0 &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A body that broke off half-way still tells the status; map what came. */
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (source));
  request_fail (task, status_error (data, bytes));
}

static void
on_stream_sent (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (stream == NULL)
    {
      request_fail (task, transport_error (error));
      return;
    }

  data->info = response_info_new (data->msg, data->attempt + 1);
  if (!SOUP_STATUS_IS_SUCCESSFUL (data->info->http_status))
    {
      /* Error answers are small; read them whole to map them. */
      g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();
      GCancellable *cancellable = g_task_get_cancellable (task);

      g_output_stream_splice_async (sink, stream,
                                    G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                    G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                    G_PRIORITY_DEFAULT, cancellable,
                                    on_error_body_read, g_steal_pointer (&task));
      return;
    }

  record_model_result (data->client, data->model_id, NULL);
  g_task_return_pointer (task, g_steal_pointer (&stream), g_object_unref);
}

static void
request_start_attempt (GTask *task_in)  /* (transfer full) */
{
  g_autoptr(GTask) task = task_in;
  RequestData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  g_clear_object (&data->msg);
  g_clear_pointer (&data->info, cfai_response_info_free);
  data->msg = new_message (data->client, data->method, data->url, data->gateway, &error);
  if (data->msg == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (data->body != NULL)
    soup_message_set_request_body_from_bytes (data->msg, data->content_type, data->body);

  if (data->stream)
    soup_session_send_async (data->client->session, data->msg, G_PRIORITY_DEFAULT,
                             cancellable, on_stream_sent, g_steal_pointer (&task));
  else
    soup_session_send_and_read_async (data->client->session, data->msg, G_PRIORITY_DEFAULT,
                                      cancellable, on_read_done, g_steal_pointer (&task));
}

static void
request_start (CfaiClient               *self,
               gboolean                  stream,
               const char               *method,
               const char               *url,
               const char               *content_type,
               GBytes                   *body,
               const CfaiGatewayOptions *gateway,
               GCancellable             *cancellable,
               gpointer                  source_tag,
               GAsyncReadyCallback       callback,
               gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  RequestData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  data = g_new0 (RequestData, 1);
  data->client = g_object_ref (self);
  data->stream = stream;
  data->model_id = run_url_model (self, url);
  data->method = g_strdup (method);
  data->url = g_strdup (url);
  data->content_type = g_strdup (content_type);
  data->body = body != NULL ? g_bytes_ref (body) : NULL;
  data->gateway = cfai_gateway_options_copy (gateway);
  g_task_set_task_data (task, data, (GDestroyNotify) request_data_free);

  request_start_attempt (g_steal_pointer (&task));
}

static gpointer
request_finish (CfaiClient        *self,
                GAsyncResult      *result,
                gpointer           source_tag,
                CfaiResponseInfo **info,
                GError           **error)
{
  RequestData *data;
  gpointer ret;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  ret = g_task_propagate_pointer (G_TASK (result), error);
  if (ret == NULL)
    return NULL;

  data = g_task_get_task_data (G_TASK (result));
  if (info != NULL)
    *info = g_steal_pointer (&data->info);
  return ret;
}

/**
 * cfai_client_send_async:
 * @method: the HTTP method, such as %SOUP_METHOD_POST
 * @url: an absolute URL from cfai_client_build_url() or
 *   cfai_client_build_run_url()
 * @content_type: (nullable): the type of @body
 * @body: (nullable): what to send
 * @gateway: (nullable): AI Gateway cache controls
 *
 * Sends a request and reads the whole answer, retrying per the client's
 * policy.  A failed answer (transport, or a status outside 2xx) comes back
 * as a %CFAI_ERROR; a successful one as it is, for the caller to decode
 * by the Content-Type in its #CfaiResponseInfo.
 */
void
cfai_client_send_async (CfaiClient               *self,
                        const char               *method,
                        const char               *url,
                        const char               *content_type,
                        GBytes                   *body,
                        const CfaiGatewayOptions *gateway,
                        GCancellable             *cancellable,
                        GAsyncReadyCallback       callback,
                        gpointer                  user_data)
{
  g_return_if_fail (CFAI_IS_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (url != NULL);

  request_start (self, FALSE, method, url, content_type, body, gateway,
                 cancellable, cfai_client_send_async, callback, user_data);
}

/**
 * cfai_client_send_finish:
 * @info: (out) (optional) (transfer full): what came with the answer
 *
 * Returns: (transfer full): the answer's body (perhaps empty), or %NULL
 *   with @error set
 */
GBytes *
cfai_client_send_finish (CfaiClient        *self,
                         GAsyncResult      *result,
                         CfaiResponseInfo **info,
                         GError           **error)
{
  return request_finish (self, result, cfai_client_send_async, info, error);
}

/**
 * cfai_client_send_stream_async:
 *
 * As cfai_client_send_async(), but hands over the open body once the
 * headers arrived with a 2xx status.  Earlier failures are retried;
 * nothing is retried once the caller starts reading.
 */
void
cfai_client_send_stream_async (CfaiClient               *self,
                               const char               *method,
                               const char               *url,
                               const char               *content_type,
                               GBytes                   *body,
                               const CfaiGatewayOptions *gateway,
                               GCancellable             *cancellable,
                               GAsyncReadyCallback       callback,
                               gpointer                  user_data)
{
  g_return_if_fail (CFAI_IS_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (url != NULL);

  request_start (self, TRUE, method, url, content_type, body, gateway,
                 cancellable, cfai_client_send_stream_async, callback, user_data);
}

/**
 * cfai_client_send_stream_finish:
 * @info: (out) (optional) (transfer full): what came with the answer
 *
 * Returns: (transfer full): the body stream, or %NULL with @error set
 */
GInputStream *
cfai_client_send_stream_finish (CfaiClient        *self,
                                GAsyncResult      *result,
                                CfaiResponseInfo **info,
                                GError           **error)
{
  return request_finish (self, result, cfai_client_send_stream_async, info, error);
}

static void
on_get_json_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CfaiResponseInfo) info = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) result_node = NULL;
  g_autoptr(JsonNode) result_info = NULL;
  g_autoptr(JsonObject) root = NULL;
  JsonNode *root_node;

  bytes = cfai_client_send_finish (CFAI_CLIENT (source), result, &info, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  result_node = cfai_envelope_parse (info->http_status, info->content_type, bytes,
                                     NULL, &result_info, &error);
  if (result_node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  root = json_object_new ();
  json_object_set_member (root, "result", g_steal_pointer (&result_node));
  if (result_info != NULL)
    json_object_set_member (root, "result_info", g_steal_pointer (&result_info));
  root_node = json_node_init_object (json_node_alloc (), root);
  g_task_return_pointer (task, root_node, (GDestroyNotify) json_node_unref);
}

void
cfai_client_get_json_async (CfaiClient          *self,
                            const char          *account_path,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (CFAI_IS_CLIENT (self));
  g_return_if_fail (account_path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_client_get_json_async);

  url = cfai_client_build_url (self, account_path, &error);
  if (url == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  cfai_client_send_async (self, SOUP_METHOD_GET, url, NULL, NULL, NULL, cancellable,
                          on_get_json_read, g_steal_pointer (&task));
}

JsonNode *
cfai_client_get_json_finish (CfaiClient    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_client_get_json_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_schema_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonNode *schema;

  root = cfai_client_get_json_finish (CFAI_CLIENT (source), result, &error);
  if (root == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  schema = json_object_get_member (json_node_get_object (root), "result");
  if (schema == NULL || !JSON_NODE_HOLDS_OBJECT (schema) ||
      !json_object_has_member (json_node_get_object (schema), "input"))
    {
      g_task_return_new_error (task, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                               _("The model's schema has no input description."));
      return;
    }
  g_task_return_pointer (task, json_object_ref (json_node_get_object (schema)),
                         (GDestroyNotify) json_object_unref);
}

/**
 * cfai_client_get_model_schema_async:
 *
 * Reads what @model accepts and returns, so requests can follow the live
 * schema rather than a table compiled into CfAI.
 */
void
cfai_client_get_model_schema_async (CfaiClient          *self,
                                    const char          *model,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (CFAI_IS_CLIENT (self));
  g_return_if_fail (model != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_client_get_model_schema_async);

  escaped = g_uri_escape_string (model, NULL, FALSE);
  path = g_strconcat ("/ai/models/schema?model=", escaped, NULL);
  cfai_client_get_json_async (self, path, cancellable, on_schema_read, g_steal_pointer (&task));
}

/**
 * cfai_client_get_model_schema_finish:
 *
 * Returns: (transfer full): the schema object, with at least "input"
 */
JsonObject *
cfai_client_get_model_schema_finish (CfaiClient    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_client_get_model_schema_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_verify_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CfaiResponseInfo) info = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) result_node = NULL;
  const char *status = NULL;

  bytes = cfai_client_send_finish (CFAI_CLIENT (source), result, &info, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  result_node = cfai_envelope_parse (info->http_status, info->content_type, bytes,
                                     NULL, NULL, &error);
  if (result_node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (JSON_NODE_HOLDS_OBJECT (result_node))
    status = cfai_json_get_string (json_node_get_object (result_node), "status");
  if (g_strcmp0 (status, "active") != 0)
    {
      /* Cloudflare answers 200 for a known token that is disabled or expired. */
      g_task_return_new_error (task, CFAI_ERROR, CFAI_ERROR_AUTH,
                               _("The API token is known to Cloudflare but its status is “%s”, "
                                 "not active. Create a new token with Workers AI Read and Edit "
                                 "permissions."),
                               status ? status : _("unknown"));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
cfai_client_verify_token_async (CfaiClient          *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (CFAI_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_client_verify_token_async);

  if (!check_credentials (self, FALSE, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The verify endpoint is not under /accounts, but follows the API base so
   * tests and proxies see it too. */
  url = g_strconcat (cfai_credentials_get_api_base_url (self->credentials), "/user/tokens/verify", NULL);
  cfai_client_send_async (self, SOUP_METHOD_GET, url, NULL, NULL, NULL, cancellable,
                          on_verify_read, g_steal_pointer (&task));
}

gboolean
cfai_client_verify_token_finish (CfaiClient    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_client_verify_token_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
