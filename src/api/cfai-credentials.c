/* cfai-credentials.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one owner of what requests are made with: the account ID, the API
 * token in use and the base URLs (CfaiClient reads them from here for each
 * request).  Where they come from, in order: the environment
 * ($CLOUDFLARE_ACCOUNT_ID, $CLOUDFLARE_API_TOKEN, $CFAI_API_BASE_URL,
 * $CFAI_GATEWAY_BASE_URL; read once, when the object is made, and never
 * written; nothing else in CfAI reads them), then the caller (the account ID, which the
 * app keeps in GSettings; this layer must not know about settings), then
 * the keyring through libsecret (tokens only).  When no keyring can be
 * used, a token lives in this object's memory until CfAI quits: a token is
 * never written to a file of our own, since keys in plain-text files are
 * exactly what users of similar apps complain about.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "cfai-credentials.h"
#include "cfai-error.h"

struct _CfaiCredentials
{
  GObject              parent_instance;

  char                *env_account_id;
  char                *env_api_token;     /* wiped in finalize */
  char                *env_api_base_url;
  char                *env_gateway_base_url;
  char                *caller_account_id;
  char                *caller_api_base_url;
  char                *caller_gateway_base_url;

  /* The token requests are signed with: $CLOUDFLARE_API_TOKEN at first,
   * then whatever cfai_credentials_set_api_token() gave; wiped when
   * replaced. */
  char                *api_token;

  /* "kind\x1faccount" → token, for tokens the keyring did not take;
   * values are wiped when replaced or removed. */
  GHashTable          *session_tokens;

  CfaiTokenSource      token_source;
  GError              *keyring_error;     /* NULL while the keyring works */
};

G_DEFINE_ENUM_TYPE (CfaiTokenKind, cfai_token_kind,
  G_DEFINE_ENUM_VALUE (CFAI_TOKEN_KIND_API, "api-token"),
  G_DEFINE_ENUM_VALUE (CFAI_TOKEN_KIND_GATEWAY, "gateway-token"))

G_DEFINE_ENUM_TYPE (CfaiTokenSource, cfai_token_source,
  G_DEFINE_ENUM_VALUE (CFAI_TOKEN_SOURCE_NONE, "none"),
  G_DEFINE_ENUM_VALUE (CFAI_TOKEN_SOURCE_ENVIRONMENT, "environment"),
  G_DEFINE_ENUM_VALUE (CFAI_TOKEN_SOURCE_KEYRING, "keyring"),
  G_DEFINE_ENUM_VALUE (CFAI_TOKEN_SOURCE_SESSION_MEMORY, "session-memory"))

G_DEFINE_ENUM_TYPE (CfaiAccountIdSource, cfai_account_id_source,
  G_DEFINE_ENUM_VALUE (CFAI_ACCOUNT_ID_SOURCE_NONE, "none"),
  G_DEFINE_ENUM_VALUE (CFAI_ACCOUNT_ID_SOURCE_CALLER, "caller"),
  G_DEFINE_ENUM_VALUE (CFAI_ACCOUNT_ID_SOURCE_ENVIRONMENT, "environment"))

G_DEFINE_FINAL_TYPE (CfaiCredentials, cfai_credentials, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACCOUNT_ID,
  PROP_ACCOUNT_ID_SOURCE,
  PROP_TOKEN_SOURCE,
  PROP_KEYRING_AVAILABLE,
  PROP_KEYRING_ERROR_MESSAGE,
  PROP_HAS_API_TOKEN,
  PROP_API_BASE_URL,
  PROP_GATEWAY_BASE_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One store, lookup or clear in flight. */
typedef struct
{
  CfaiTokenKind    kind;
  char            *account;
  char            *token;      /* store: what to save; wiped when freed */
  gboolean         persisted;  /* store: the keyring took it */
  CfaiTokenSource  source;     /* lookup: where the answer came from */
} TokenOp;

static void
token_op_free (gpointer data)
{
  TokenOp *op = data;

  g_free (op->account);
  cfai_token_free (op->token);
  g_free (op);
}

/**
 * cfai_credentials_get_schema:
 *
 * The schema of CfAI's items in the keyring: `kind` is "api-token" or
 * "gateway-token", `account` the Cloudflare account ID.
 *
 * Returns: (transfer none): the schema
 */
const SecretSchema *
cfai_credentials_get_schema (void)
{
  static const SecretSchema schema = {
    .name = CFAI_CREDENTIALS_SCHEMA_NAME,
    .flags = SECRET_SCHEMA_NONE,
    .attributes = {
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

/* The keyring's "kind" attribute; the same as the enum's nicks. */
const char *
cfai_token_kind_to_string (CfaiTokenKind kind)
{
  static const char * const names[] = { "api-token", "gateway-token" };

  g_return_val_if_fail (kind < G_N_ELEMENTS (names), NULL);
  return names[kind];
}

/**
 * cfai_token_free:
 * @token: (nullable) (transfer full): a token returned by this class
 *
 * Overwrites @token before freeing it, so that it does not linger in
 * freed heap memory (and in core dumps).  g_free() also works, without
 * the wiping.
 */
void
cfai_token_free (char *token)
{
  if (token == NULL)
    return;

  /* secret_password_wipe() writes through a volatile pointer: a plain
   * memset() right before free() may be optimised away. */
  secret_password_wipe (token);
  g_free (token);
}

/* Surrounding blanks are forgiven (pasting often adds a newline); an empty
 * value counts as unset, like an empty environment variable.  Copies only
 * the trimmed part: trimming a copy in place (g_strstrip()) would leave the
 * token's last characters behind its new end, out of reach of the wipe. */
char *
cfai_token_dup_trimmed (const char *value)
{
  const char *start;
  const char *end;

  if (value == NULL)
    return NULL;

  for (start = value; g_ascii_isspace (*start); start++)
    ;
  for (end = start + strlen (start); end > start && g_ascii_isspace (end[-1]); end--)
    ;

  if (end == start)
    return NULL;

  return g_strndup (start, end - start);
}

static char *
session_key (CfaiTokenKind  kind,
             const char    *account)
{
  /* No kind name holds the unit separator, so a key splits one way only. */
  return g_strdup_printf ("%s\x1f%s", cfai_token_kind_to_string (kind), account);
}

static const char *
effective_account_id (CfaiCredentials *self)
{
  return self->env_account_id != NULL ? self->env_account_id : self->caller_account_id;
}

static const char *
resolve_account (CfaiCredentials *self,
                 const char      *account)
{
  if (account != NULL && *account != '\0')
    return account;

  return effective_account_id (self);
}

static gboolean
env_overrides (CfaiCredentials *self,
               CfaiTokenKind    kind)
{
  return kind == CFAI_TOKEN_KIND_API && self->env_api_token != NULL;
}

static void
set_token_source (CfaiCredentials *self,
                  CfaiTokenSource  source)
{
  if (self->token_source == source)
    return;

  self->token_source = source;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN_SOURCE]);
}

/* token-source follows the API token of the account requests go to; work
 * on other accounts (a preferences dialog trying one out) leaves it alone. */
static void
update_token_source (CfaiCredentials *self,
                     CfaiTokenKind    kind,
                     const char      *account,
                     CfaiTokenSource  source)
{
  if (kind != CFAI_TOKEN_KIND_API || env_overrides (self, kind))
    return;

  if (g_strcmp0 (account, effective_account_id (self)) != 0)
    return;

  set_token_source (self, source);
}

typedef enum
{
  KEYRING_MISSING,
  KEYRING_LOCKED,
  KEYRING_BROKEN,
} KeyringProblem;

static KeyringProblem
classify_keyring_error (const GError *error)
{
  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return KEYRING_LOCKED;

  /* Everything that keeps us from reaching a Secret Service: no session
   * bus at all (connecting fails with a G_IO_ERROR), no service to
   * activate, one that failed to start, or one that went away mid-call.
   * A remote error with an unknown name is the service misbehaving. */
  if (error->domain == G_DBUS_ERROR)
    return KEYRING_MISSING;
  if (error->domain == G_IO_ERROR && error->code != G_IO_ERROR_DBUS_ERROR)
    return KEYRING_MISSING;

  return KEYRING_BROKEN;
}

static void
keyring_succeeded (CfaiCredentials *self)
{
  if (self->keyring_error == NULL)
    return;

  g_clear_error (&self->keyring_error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYRING_ERROR_MESSAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYRING_AVAILABLE]);
}

static void
keyring_failed (CfaiCredentials *self,
                const GError    *error)
{
  g_autoptr(GError) problem = NULL;
  gboolean was_available = self->keyring_error == NULL;
  gboolean message_changed;
  const char *message;

  switch (classify_keyring_error (error))
    {
    case KEYRING_MISSING:
      message = _("No keyring (Secret Service) is available, so the token will be kept only until CfAI quits.");
      break;
    case KEYRING_LOCKED:
      message = _("The keyring is locked, so the token will be kept only until CfAI quits.");
      break;
    case KEYRING_BROKEN:
    default:
      message = _("The keyring could not be used, so the token will be kept only until CfAI quits.");
      break;
    }

  /* libsecret and D-Bus messages name services and objects, never secrets. */
  g_debug ("Keyring not usable: %s (%s, %d)",
           error->message, g_quark_to_string (error->domain), error->code);

  problem = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_NO_KEYRING, message);
  cfai_error_set_detail (problem, error->message);

  message_changed = was_available || g_strcmp0 (self->keyring_error->message, message) != 0;

  /* Replaced even when the sentence is the same: the detail may differ. */
  g_clear_error (&self->keyring_error);
  self->keyring_error = g_steal_pointer (&problem);

  if (message_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYRING_ERROR_MESSAGE]);
  if (was_available)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYRING_AVAILABLE]);
}

/**
 * cfai_token_check:
 * @token: a token without surrounding blanks
 * @code: the %CFAI_ERROR code to fail with
 *
 * Tokens go into an HTTP header: anything outside visible ASCII would
 * either be rejected by the server or split the header, and Cloudflare
 * tokens never contain it.
 *
 * Returns: %TRUE if @token can be sent
 */
gboolean
cfai_token_check (const char  *token,
                  CfaiErrorCode code,
                  GError     **error)
{
  for (const char *p = token; *p != '\0'; p++)
    {
      if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f)
        {
          g_set_error_literal (error, CFAI_ERROR, code,
                               _("The token contains spaces, line breaks or other characters a Cloudflare token never has. Copy it again from the Cloudflare dashboard."));
          return FALSE;
        }
    }

  return TRUE;
}

static void
cfai_credentials_finalize (GObject *object)
{
  CfaiCredentials *self = (CfaiCredentials *)object;

  g_clear_pointer (&self->env_account_id, g_free);
  g_clear_pointer (&self->env_api_token, cfai_token_free);
  g_clear_pointer (&self->env_api_base_url, g_free);
  g_clear_pointer (&self->env_gateway_base_url, g_free);
  g_clear_pointer (&self->caller_account_id, g_free);
  g_clear_pointer (&self->caller_api_base_url, g_free);
  g_clear_pointer (&self->caller_gateway_base_url, g_free);
  g_clear_pointer (&self->api_token, cfai_token_free);
  g_clear_pointer (&self->session_tokens, g_hash_table_unref);
  g_clear_error (&self->keyring_error);

  G_OBJECT_CLASS (cfai_credentials_parent_class)->finalize (object);
}

static void
cfai_credentials_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CfaiCredentials *self = CFAI_CREDENTIALS (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT_ID:
      g_value_set_string (value, cfai_credentials_get_account_id (self));
      break;

    case PROP_ACCOUNT_ID_SOURCE:
      g_value_set_enum (value, cfai_credentials_get_account_id_source (self));
      break;

    case PROP_TOKEN_SOURCE:
      g_value_set_enum (value, cfai_credentials_get_token_source (self));
      break;

    case PROP_KEYRING_AVAILABLE:
      g_value_set_boolean (value, cfai_credentials_get_keyring_available (self));
      break;

    case PROP_KEYRING_ERROR_MESSAGE:
      g_value_set_string (value, cfai_credentials_get_keyring_error_message (self));
      break;

    case PROP_HAS_API_TOKEN:
      g_value_set_boolean (value, self->api_token != NULL);
      break;

    case PROP_API_BASE_URL:
      g_value_set_string (value, cfai_credentials_get_api_base_url (self));
      break;

    case PROP_GATEWAY_BASE_URL:
      g_value_set_string (value, cfai_credentials_get_gateway_base_url (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_credentials_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CfaiCredentials *self = CFAI_CREDENTIALS (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT_ID:
      cfai_credentials_set_account_id (self, g_value_get_string (value));
      break;

    case PROP_API_BASE_URL:
      cfai_credentials_set_api_base_url (self, g_value_get_string (value));
      break;

    case PROP_GATEWAY_BASE_URL:
      cfai_credentials_set_gateway_base_url (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_credentials_class_init (CfaiCredentialsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cfai_credentials_finalize;
  object_class->get_property = cfai_credentials_get_property;
  object_class->set_property = cfai_credentials_set_property;

  /**
   * CfaiCredentials:account-id:
   *
   * The account requests go to.  Reading gives $CLOUDFLARE_ACCOUNT_ID when
   * that is set, otherwise what the caller wrote; writing sets the
   * caller's value, which is kept (but unused) while the environment
   * overrides it.
   */
  properties[PROP_ACCOUNT_ID] =
    g_param_spec_string ("account-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ACCOUNT_ID_SOURCE] =
    g_param_spec_enum ("account-id-source", NULL, NULL,
                       CFAI_TYPE_ACCOUNT_ID_SOURCE,
                       CFAI_ACCOUNT_ID_SOURCE_NONE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiCredentials:token-source:
   *
   * Where the API token of #CfaiCredentials:account-id comes from, as far
   * as the last lookup, store or clear of it showed.
   */
  properties[PROP_TOKEN_SOURCE] =
    g_param_spec_enum ("token-source", NULL, NULL,
                       CFAI_TYPE_TOKEN_SOURCE,
                       CFAI_TOKEN_SOURCE_NONE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiCredentials:keyring-available:
   *
   * %FALSE once a keyring operation failed for a reason other than
   * cancellation, until one succeeds again.  %TRUE before any was tried.
   */
  properties[PROP_KEYRING_AVAILABLE] =
    g_param_spec_boolean ("keyring-available", NULL, NULL,
                          TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_KEYRING_ERROR_MESSAGE] =
    g_param_spec_string ("keyring-error-message", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiCredentials:has-api-token:
   *
   * Whether requests have a token to be signed with (see
   * cfai_credentials_get_api_token()).
   */
  properties[PROP_HAS_API_TOKEN] =
    g_param_spec_boolean ("has-api-token", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiCredentials:api-base-url:
   *
   * Where requests go.  Reading gives $CFAI_API_BASE_URL when that is
   * set, otherwise what the caller wrote, otherwise
   * %CFAI_DEFAULT_API_BASE_URL; never with a trailing slash.
   */
  properties[PROP_API_BASE_URL] =
    g_param_spec_string ("api-base-url", NULL, NULL,
                         CFAI_DEFAULT_API_BASE_URL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiCredentials:gateway-base-url:
   *
   * As #CfaiCredentials:api-base-url, for AI Gateway
   * ($CFAI_GATEWAY_BASE_URL, %CFAI_DEFAULT_GATEWAY_BASE_URL).
   */
  properties[PROP_GATEWAY_BASE_URL] =
    g_param_spec_string ("gateway-base-url", NULL, NULL,
                         CFAI_DEFAULT_GATEWAY_BASE_URL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

/* Base URLs are kept without blanks or a trailing slash, so that paths can
 * be appended; an empty one counts as unset. */
static char *
dup_base_url (const char *value)
{
  char *url = cfai_token_dup_trimmed (value);
  gsize len;

  if (url == NULL)
    return NULL;

  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';
  if (len == 0)
    g_clear_pointer (&url, g_free);

  return url;
}

static void
cfai_credentials_init (CfaiCredentials *self)
{
  self->env_account_id = cfai_token_dup_trimmed (g_getenv (CFAI_CREDENTIALS_ENV_ACCOUNT_ID));
  self->env_api_token = cfai_token_dup_trimmed (g_getenv (CFAI_CREDENTIALS_ENV_API_TOKEN));
  self->env_api_base_url = dup_base_url (g_getenv (CFAI_CREDENTIALS_ENV_API_BASE_URL));
  self->env_gateway_base_url = dup_base_url (g_getenv (CFAI_CREDENTIALS_ENV_GATEWAY_BASE_URL));
  self->api_token = g_strdup (self->env_api_token);
  self->session_tokens = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                g_free, (GDestroyNotify) cfai_token_free);
  self->token_source = self->env_api_token != NULL
                       ? CFAI_TOKEN_SOURCE_ENVIRONMENT
                       : CFAI_TOKEN_SOURCE_NONE;
}

/**
 * cfai_credentials_new:
 *
 * Reads $CLOUDFLARE_ACCOUNT_ID and $CLOUDFLARE_API_TOKEN now; later
 * changes to the environment are not seen.  Nothing is asked of the
 * keyring until a lookup, store or clear.
 *
 * Returns: (transfer full): a new #CfaiCredentials
 */
CfaiCredentials *
cfai_credentials_new (void)
{
  return g_object_new (CFAI_TYPE_CREDENTIALS, NULL);
}

/**
 * cfai_credentials_new_for_trial:
 * @like: the credentials in use, whose base URLs (and token, when
 *   @api_token is %NULL) are copied
 * @account_id: the account ID to try
 * @api_token: (nullable): the token to try
 *
 * Credentials to try out before they replace the ones in use: the
 * environment is not read again, so what is tried is what was given.
 *
 * Returns: (transfer full): a new #CfaiCredentials
 */
CfaiCredentials *
cfai_credentials_new_for_trial (CfaiCredentials *like,
                                const char      *account_id,
                                const char      *api_token)
{
  CfaiCredentials *self;

  g_return_val_if_fail (CFAI_IS_CREDENTIALS (like), NULL);

  self = cfai_credentials_new ();
  g_clear_pointer (&self->env_account_id, g_free);
  g_clear_pointer (&self->env_api_token, cfai_token_free);
  g_clear_pointer (&self->env_api_base_url, g_free);
  g_clear_pointer (&self->env_gateway_base_url, g_free);
  self->token_source = CFAI_TOKEN_SOURCE_NONE;

  self->caller_account_id = cfai_token_dup_trimmed (account_id);
  self->caller_api_base_url = g_strdup (cfai_credentials_get_api_base_url (like));
  self->caller_gateway_base_url = g_strdup (cfai_credentials_get_gateway_base_url (like));
  cfai_token_free (self->api_token);
  self->api_token = cfai_token_dup_trimmed (api_token != NULL ? api_token : like->api_token);

  return self;
}

/**
 * cfai_credentials_get_api_token:
 *
 * The token requests are signed with.  It lives in this object's memory
 * only; where it is kept across sessions is the business of
 * cfai_credentials_store_token_async().
 *
 * Returns: (nullable): the token, or %NULL when there is none yet
 */
const char *
cfai_credentials_get_api_token (CfaiCredentials *self)
{
  g_return_val_if_fail (CFAI_IS_CREDENTIALS (self), NULL);

  return self->api_token;
}

/**
 * cfai_credentials_set_api_token:
 * @token: (nullable): the token to sign requests with from now on
 *
 * Surrounding blanks are removed, without leaving a copy of them behind.
 */
void
cfai_credentials_set_api_token (CfaiCredentials *self,
                                const char      *token)
{
  gboolean had_token;

  g_return_if_fail (CFAI_IS_CREDENTIALS (self));

  had_token = self->api_token != NULL;
  g_clear_pointer (&self->api_token, cfai_token_free);
  self->api_token = cfai_token_dup_trimmed (token);

  if (had_token != (self->api_token != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_API_TOKEN]);
}

gboolean
cfai_credentials_has_api_token (CfaiCredentials *self)
{
  g_return_val_if_fail (CFAI_IS_CREDENTIALS (self), FALSE);

  return self->api_token != NULL;
}

/* Replaces the caller's or the environment's base URL (@url, transfer
 * full) and notifies when the URL requests use changed. */
static void
replace_base_url (CfaiCredentials *self,
                  char           **field,
                  char            *url,
                  guint            prop_id)
{
  const char *(*effective) (CfaiCredentials *) = prop_id == PROP_API_BASE_URL
                                                 ? cfai_credentials_get_api_base_url
                                                 : cfai_credentials_get_gateway_base_url;
  g_autofree char *old = NULL;

  if (g_strcmp0 (url, *field) == 0)
    {
      g_free (url);
      return;
    }

  old = g_strdup (effective (self));
  g_free (*field);
  *field = url;
  if (g_strcmp0 (old, effective (self)) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

const char *
cfai_credentials_get_api_base_url (CfaiCredentials *self)
{
  g_return_val_if_fail (CFAI_IS_CREDENTIALS (self), NULL);

  if (self->env_api_base_url != NULL)
    return self->env_api_base_url;
  return self->caller_api_base_url != NULL ? self->caller_api_base_url : CFAI_DEFAULT_API_BASE_URL;
}

/**
 * cfai_credentials_set_api_base_url:
 * @url: (nullable): the app's setting; %NULL or empty for the default
 *
 * Kept but unused while $CFAI_API_BASE_URL overrides it.  Check what a
 * user typed with cfai_client_check_api_base_url() first.
 */
void
cfai_credentials_set_api_base_url (CfaiCredentials *self,
                                   const char      *url)
{
  g_return_if_fail (CFAI_IS_CREDENTIALS (self));

  replace_base_url (self, &self->caller_api_base_url, dup_base_url (url), PROP_API_BASE_URL);
}

/**
 * cfai_credentials_get_api_base_url_from_environment:
 *
 * Returns: whether $CFAI_API_BASE_URL overrides the caller's URL, so a
 *   setting for it would have no effect
 */
gboolean
cfai_credentials_get_api_base_url_from_environment (CfaiCredentials *self)
{
  g_return_val_if_fail (CFAI_IS_CREDENTIALS (self), FALSE);

  return self->env_api_base_url != NULL;
}

/**
 * cfai_credentials_reread_base_urls:
 *
 * Reads $CFAI_API_BASE_URL and $CFAI_GATEWAY_BASE_URL again, for a
 * process that changed them after making @self (the UI tests do, to see
 * what Preferences shows).  The account and token variables are read
 * once: where a token came from is remembered with it.
 */
void
cfai_credentials_reread_base_urls (CfaiCredentials *self)
{
  g_return_if_fail (CFAI_IS_CREDENTIALS (self));

  replace_base_url (self, &self->env_api_base_url,
                    dup_base_url (g_getenv (CFAI_CREDENTIALS_ENV_API_BASE_URL)), PROP_API_BASE_URL);
  replace_base_url (self, &self->env_gateway_base_url,
                    dup_base_url (g_getenv (CFAI_CREDENTIALS_ENV_GATEWAY_BASE_URL)), PROP_GATEWAY_BASE_URL);
}

const char *
cfai_credentials_get_gateway_base_url (CfaiCredentials *self)
{
  g_return_val_if_fail (CFAI_IS_CREDENTIALS (self), NULL);

  if (self->env_gateway_base_url != NULL)
    return self->env_gateway_base_url;
  return self->caller_gateway_base_url != NULL ? self->caller_gateway_base_url : CFAI_DEFAULT_GATEWAY_BASE_URL;
}

void
cfai_credentials_set_gateway_base_url (CfaiCredentials *self,
                                       const char      *url)
{
  g_return_if_fail (CFAI_IS_CREDENTIALS (self));

  replace_base_url (self, &self->caller_gateway_base_url, dup_base_url (url), PROP_GATEWAY_BASE_URL);
}

/**
 * cfai_credentials_get_account_id:
 *
 * Returns: (nullable): $CLOUDFLARE_ACCOUNT_ID if set, otherwise the
 *   caller's account ID, or %NULL when there is neither
 */
const char *
cfai_credentials_get_account_id (CfaiCredentials *self)
{
  g_return_val_if_fail (CFAI_IS_CREDENTIALS (self), NULL);

  return effective_account_id (self);
}

/**
 * cfai_credentials_set_account_id:
 * @account_id: (nullable): the account ID from the app's settings
 *
 * Surrounding blanks are removed; an empty ID counts as none.  When the
 * account requests go to changes, #CfaiCredentials:token-source goes back
 * to %CFAI_TOKEN_SOURCE_NONE until the new account's token is looked up
 * (unless the token comes from the environment).
 */
void
cfai_credentials_set_account_id (CfaiCredentials *self,
                                 const char      *account_id)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *old_effective = NULL;
  CfaiAccountIdSource old_source;

  g_return_if_fail (CFAI_IS_CREDENTIALS (self));

  trimmed = cfai_token_dup_trimmed (account_id);
  if (g_strcmp0 (trimmed, self->caller_account_id) == 0)
    return;

  old_effective = g_strdup (effective_account_id (self));
  old_source = cfai_credentials_get_account_id_source (self);

  g_free (self->caller_account_id);
  self->caller_account_id = g_steal_pointer (&trimmed);

  if (g_strcmp0 (old_effective, effective_account_id (self)) != 0)
    {
      if (!env_overrides (self, CFAI_TOKEN_KIND_API))
        set_token_source (self, CFAI_TOKEN_SOURCE_NONE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT_ID]);
    }

  if (old_source != cfai_credentials_get_account_id_source (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT_ID_SOURCE]);
}

CfaiAccountIdSource
cfai_credentials_get_account_id_source (CfaiCredentials *self)
{
  g_return_val_if_fail (CFAI_IS_CREDENTIALS (self), CFAI_ACCOUNT_ID_SOURCE_NONE);

  if (self->env_account_id != NULL)
    return CFAI_ACCOUNT_ID_SOURCE_ENVIRONMENT;
  if (self->caller_account_id != NULL)
    return CFAI_ACCOUNT_ID_SOURCE_CALLER;

  return CFAI_ACCOUNT_ID_SOURCE_NONE;
}

CfaiTokenSource
cfai_credentials_get_token_source (CfaiCredentials *self)
{
  g_return_val_if_fail (CFAI_IS_CREDENTIALS (self), CFAI_TOKEN_SOURCE_NONE);

  return self->token_source;
}

gboolean
cfai_credentials_get_keyring_available (CfaiCredentials *self)
{
  g_return_val_if_fail (CFAI_IS_CREDENTIALS (self), FALSE);

  return self->keyring_error == NULL;
}

/**
 * cfai_credentials_get_keyring_error_message:
 *
 * Returns: (nullable): a sentence for the user saying why tokens are not
 *   being saved and what that means, or %NULL while the keyring works
 */
const char *
cfai_credentials_get_keyring_error_message (CfaiCredentials *self)
{
  g_return_val_if_fail (CFAI_IS_CREDENTIALS (self), NULL);

  return self->keyring_error != NULL ? self->keyring_error->message : NULL;
}

/**
 * cfai_credentials_get_keyring_error:
 *
 * Returns: (nullable) (transfer none): a %CFAI_ERROR_NO_KEYRING error
 *   whose message is cfai_credentials_get_keyring_error_message() and
 *   whose detail (cfai_error_get_detail()) is libsecret's own message,
 *   or %NULL while the keyring works
 */
const GError *
cfai_credentials_get_keyring_error (CfaiCredentials *self)
{
  g_return_val_if_fail (CFAI_IS_CREDENTIALS (self), NULL);

  return self->keyring_error;
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  CfaiCredentials *self = g_task_get_source_object (task);
  TokenOp *op = g_task_get_task_data (task);

  if (secret_password_store_finish (result, &error))
    {
      /* A copy kept from an earlier outage is now stale. */
      g_autofree char *key = session_key (op->kind, op->account);

      g_hash_table_remove (self->session_tokens, key);
      keyring_succeeded (self);
      op->persisted = TRUE;
      update_token_source (self, op->kind, op->account, CFAI_TOKEN_SOURCE_KEYRING);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* libsecret documents no such case, but a backend may report failure
   * without a reason; the token must not be lost because of it. */
  if (error == NULL)
    error = g_error_new_literal (SECRET_ERROR, SECRET_ERROR_PROTOCOL,
                                 "The keyring did not store the token and gave no reason");

  keyring_failed (self, error);
  g_hash_table_replace (self->session_tokens,
                        session_key (op->kind, op->account),
                        g_steal_pointer (&op->token));
  op->persisted = FALSE;
  update_token_source (self, op->kind, op->account, CFAI_TOKEN_SOURCE_SESSION_MEMORY);
  g_task_return_boolean (task, TRUE);
}

/**
 * cfai_credentials_store_token_async:
 * @kind: which token
 * @account: (nullable): the account it belongs to; %NULL for
 *   #CfaiCredentials:account-id
 * @token: the token; surrounding blanks are removed
 *
 * Saves @token in the default keyring collection, replacing any token of
 * the same kind and account.  When the keyring cannot be used, the token
 * is kept in memory for this session instead, which still counts as
 * success: see cfai_credentials_store_token_finish().
 */
void
cfai_credentials_store_token_async (CfaiCredentials     *self,
                                    CfaiTokenKind        kind,
                                    const char          *account,
                                    const char          *token,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  const char *resolved;
  TokenOp *op;

  g_return_if_fail (CFAI_IS_CREDENTIALS (self));
  g_return_if_fail (kind == CFAI_TOKEN_KIND_API || kind == CFAI_TOKEN_KIND_GATEWAY);
  g_return_if_fail (token != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_credentials_store_token_async);

  op = g_new0 (TokenOp, 1);
  op->kind = kind;
  op->token = cfai_token_dup_trimmed (token);
  g_task_set_task_data (task, op, token_op_free);

  if (env_overrides (self, kind))
    {
      g_task_return_new_error (task, CFAI_ERROR, CFAI_ERROR_FAILED,
                               _("The API token comes from the environment variable %s, which overrides any token saved in CfAI. Unset the variable and restart CfAI to use a saved token."),
                               CFAI_CREDENTIALS_ENV_API_TOKEN);
      return;
    }

  resolved = resolve_account (self, account);
  if (resolved == NULL)
    {
      g_task_return_new_error_literal (task, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS,
                                       _("Enter your Cloudflare account ID first: tokens are saved per account."));
      return;
    }
  op->account = g_strdup (resolved);

  if (op->token == NULL)
    {
      g_task_return_new_error_literal (task, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS,
                                       _("The token is empty."));
      return;
    }

  if (!cfai_token_check (op->token, CFAI_ERROR_AUTH, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The label is what people see in Passwords and Keys (Seahorse). */
  if (kind == CFAI_TOKEN_KIND_API)
    label = g_strdup_printf (_("CfAI: Cloudflare API token for account %s"), op->account);
  else
    label = g_strdup_printf (_("CfAI: Cloudflare AI Gateway token for account %s"), op->account);

  secret_password_store (cfai_credentials_get_schema (),
                         SECRET_COLLECTION_DEFAULT,
                         label,
                         op->token,
                         cancellable,
                         store_cb,
                         g_steal_pointer (&task),
                         "kind", cfai_token_kind_to_string (kind),
                         "account", op->account,
                         NULL);
}

/**
 * cfai_credentials_store_token_finish:
 * @persisted: (out) (optional): %TRUE if the keyring saved the token,
 *   %FALSE if it is kept only until CfAI quits (then
 *   cfai_credentials_get_keyring_error_message() says why)
 *
 * Returns: %TRUE if the token can be used from now on, whether or not it
 *   was persisted; %FALSE with @error set otherwise (the environment
 *   overrides it, no account ID, a malformed token, or cancellation)
 */
gboolean
cfai_credentials_store_token_finish (CfaiCredentials  *self,
                                     GAsyncResult     *result,
                                     gboolean         *persisted,
                                     GError          **error)
{
  TokenOp *op;
  gboolean ret;

  g_return_val_if_fail (CFAI_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_credentials_store_token_async, FALSE);

  op = g_task_get_task_data (G_TASK (result));
  ret = g_task_propagate_boolean (G_TASK (result), error);

  if (persisted != NULL)
    *persisted = ret && op->persisted;

  return ret;
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  CfaiCredentials *self = g_task_get_source_object (task);
  TokenOp *op = g_task_get_task_data (task);
  char *password;
  char *token = NULL;

  password = secret_password_lookup_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* An unusable keyring reads as "nothing stored": the caller asks the
   * user for a token, and keyring-available explains it will not stick. */
  if (error != NULL)
    {
      keyring_failed (self, error);
      op->source = CFAI_TOKEN_SOURCE_NONE;
    }
  else
    {
      keyring_succeeded (self);
      op->source = password != NULL ? CFAI_TOKEN_SOURCE_KEYRING : CFAI_TOKEN_SOURCE_NONE;
    }

  /* libsecret's copy may sit in its non-pageable pool, which only
   * secret_password_free() may release; callers get an ordinary string. */
  if (password != NULL)
    {
      token = g_strdup (password);
      secret_password_free (password);
    }

  update_token_source (self, op->kind, op->account, op->source);
  g_task_return_pointer (task, token, (GDestroyNotify) cfai_token_free);
}

/**
 * cfai_credentials_lookup_token_async:
 * @kind: which token
 * @account: (nullable): the account it belongs to; %NULL for
 *   #CfaiCredentials:account-id
 *
 * Finds the token: $CLOUDFLARE_API_TOKEN for an API token if set, else a
 * token kept in memory this session, else the keyring's.
 */
void
cfai_credentials_lookup_token_async (CfaiCredentials     *self,
                                     CfaiTokenKind        kind,
                                     const char          *account,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;
  const char *resolved;
  const char *in_memory;
  TokenOp *op;

  g_return_if_fail (CFAI_IS_CREDENTIALS (self));
  g_return_if_fail (kind == CFAI_TOKEN_KIND_API || kind == CFAI_TOKEN_KIND_GATEWAY);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_credentials_lookup_token_async);

  op = g_new0 (TokenOp, 1);
  op->kind = kind;
  op->source = CFAI_TOKEN_SOURCE_NONE;
  g_task_set_task_data (task, op, token_op_free);

  if (env_overrides (self, kind))
    {
      op->source = CFAI_TOKEN_SOURCE_ENVIRONMENT;
      g_task_return_pointer (task, g_strdup (self->env_api_token), (GDestroyNotify) cfai_token_free);
      return;
    }

  resolved = resolve_account (self, account);
  if (resolved == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  op->account = g_strdup (resolved);

  /* A token kept in memory was entered after the keyring last failed, so
   * it is newer than anything the keyring may hold. */
  key = session_key (kind, op->account);
  in_memory = g_hash_table_lookup (self->session_tokens, key);
  if (in_memory != NULL)
    {
      op->source = CFAI_TOKEN_SOURCE_SESSION_MEMORY;
      update_token_source (self, kind, op->account, op->source);
      g_task_return_pointer (task, g_strdup (in_memory), (GDestroyNotify) cfai_token_free);
      return;
    }

  secret_password_lookup (cfai_credentials_get_schema (),
                          cancellable,
                          lookup_cb,
                          g_steal_pointer (&task),
                          "kind", cfai_token_kind_to_string (kind),
                          "account", op->account,
                          NULL);
}

/**
 * cfai_credentials_lookup_token_finish:
 * @source: (out) (optional): where the token came from;
 *   %CFAI_TOKEN_SOURCE_NONE when there is none
 *
 * An unusable keyring is not an error here: the lookup finds nothing and
 * #CfaiCredentials:keyring-available turns %FALSE.
 *
 * Returns: (transfer full) (nullable): the token, to be freed with
 *   cfai_token_free(); %NULL when none is stored or on error (only
 *   cancellation)
 */
char *
cfai_credentials_lookup_token_finish (CfaiCredentials  *self,
                                      GAsyncResult     *result,
                                      CfaiTokenSource  *source,
                                      GError          **error)
{
  TokenOp *op;
  char *token;

  g_return_val_if_fail (CFAI_IS_CREDENTIALS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_credentials_lookup_token_async, NULL);

  op = g_task_get_task_data (G_TASK (result));
  token = g_task_propagate_pointer (G_TASK (result), error);

  if (source != NULL)
    *source = token != NULL ? op->source : CFAI_TOKEN_SOURCE_NONE;

  return token;
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  CfaiCredentials *self = g_task_get_source_object (task);
  GError *incomplete;

  /* FALSE without an error only means there was nothing to remove. */
  if (secret_password_clear_finish (result, &error) || error == NULL)
    {
      keyring_succeeded (self);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  keyring_failed (self, error);

  /* Saying "removed" would be a lie: a token saved in an earlier session
   * comes back as soon as the keyring does. */
  incomplete = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_NO_KEYRING,
                                    _("The token was forgotten for this session, but the keyring could not be reached, so a copy saved earlier may still be in it."));
  cfai_error_set_detail (incomplete, error->message);
  g_task_return_error (task, incomplete);
}

/**
 * cfai_credentials_clear_token_async:
 * @kind: which token
 * @account: (nullable): the account it belongs to; %NULL for
 *   #CfaiCredentials:account-id
 *
 * Forgets the token kept in memory at once, then removes the keyring's.
 */
void
cfai_credentials_clear_token_async (CfaiCredentials     *self,
                                    CfaiTokenKind        kind,
                                    const char          *account,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;
  const char *resolved;
  TokenOp *op;

  g_return_if_fail (CFAI_IS_CREDENTIALS (self));
  g_return_if_fail (kind == CFAI_TOKEN_KIND_API || kind == CFAI_TOKEN_KIND_GATEWAY);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_credentials_clear_token_async);

  if (env_overrides (self, kind))
    {
      g_task_return_new_error (task, CFAI_ERROR, CFAI_ERROR_FAILED,
                               _("The API token comes from the environment variable %s and cannot be removed in CfAI. Unset the variable and restart CfAI."),
                               CFAI_CREDENTIALS_ENV_API_TOKEN);
      return;
    }

  resolved = resolve_account (self, account);
  if (resolved == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  op = g_new0 (TokenOp, 1);
  op->kind = kind;
  op->account = g_strdup (resolved);
  g_task_set_task_data (task, op, token_op_free);

  key = session_key (kind, op->account);
  g_hash_table_remove (self->session_tokens, key);
  update_token_source (self, kind, op->account, CFAI_TOKEN_SOURCE_NONE);

  secret_password_clear (cfai_credentials_get_schema (),
                         cancellable,
                         clear_cb,
                         g_steal_pointer (&task),
                         "kind", cfai_token_kind_to_string (kind),
                         "account", op->account,
                         NULL);
}

/**
 * cfai_credentials_clear_token_finish:
 *
 * Returns: %TRUE when no token of that kind and account is left anywhere
 *   CfAI can reach.  %FALSE with %CFAI_ERROR_NO_KEYRING when only the
 *   in-memory copy could be forgotten, with %CFAI_ERROR_FAILED when the
 *   environment provides the token, or on cancellation.
 */
gboolean
cfai_credentials_clear_token_finish (CfaiCredentials  *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  g_return_val_if_fail (CFAI_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_credentials_clear_token_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
