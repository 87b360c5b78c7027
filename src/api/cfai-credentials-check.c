/* cfai-credentials-check.c — ask Cloudflare whether an account ID and token work
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Onboarding, "Replace…" and "Verify Again" in preferences all need the same
 * answer: will requests with this token to this account succeed?  Two calls
 * give it.  /user/tokens/verify tells a bad token apart from a bad account
 * (Cloudflare answers both with a 4xx on account URLs), and a cheap call
 * under /accounts/{id} proves the account exists and the token may read
 * its Workers AI models.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "cfai-credentials.h"
#include "cfai-credentials-check.h"
#include "cfai-error.h"

#define ACCOUNT_PROBE_PATH "/ai/models/search?per_page=1"
#define DASHBOARD_HOST     "dash.cloudflare.com/"

typedef struct
{
  GError *verify_error;  /* set when /user/tokens/verify said no */
} CheckData;

static void
check_data_free (gpointer data)
{
  CheckData *check = data;

  g_clear_error (&check->verify_error);
  g_free (check);
}

/**
 * cfai_account_id_is_valid:
 * @account_id: (nullable): an account ID
 *
 * Cloudflare's account IDs are 32 hexadecimal digits; anything made of
 * letters, digits, "-" and "_" is accepted too, since that is all the
 * client needs to build a URL (and test servers use readable names).
 *
 * Returns: whether @account_id can be used as an account ID
 */
/* Also the rule for AI Gateway IDs, which go into URLs the same way. */
gboolean
cfai_account_id_is_valid (const char *account_id)
{
  if (account_id == NULL || *account_id == '\0')
    return FALSE;

  for (const char *p = account_id; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_hex_id (const char *s,
           gsize       len)
{
  if (len != 32)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isxdigit (s[i]))
        return FALSE;
    }

  return TRUE;
}

/**
 * cfai_account_id_from_text:
 * @text: (nullable): what the user typed or pasted
 *
 * People often copy the dashboard's address instead of the ID shown on the
 * page; the ID is the address's first path segment, so it is taken from
 * there.  Otherwise @text is used without surrounding blanks.
 *
 * Returns: (transfer full) (nullable): the account ID, or %NULL with
 *   @error set when @text is empty or cannot be an account ID
 */
char *
cfai_account_id_from_text (const char  *text,
                           GError     **error)
{
  g_autofree char *trimmed = NULL;
  const char *host;

  trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS,
                           _("Enter your Cloudflare account ID."));
      return NULL;
    }

  host = strstr (trimmed, DASHBOARD_HOST);
  if (host != NULL)
    {
      const char *start = host + strlen (DASHBOARD_HOST);
      gsize len = strcspn (start, "/?#");

      if (is_hex_id (start, len))
        return g_ascii_strdown (start, len);
    }

  if (!cfai_account_id_is_valid (trimmed))
    {
      g_set_error_literal (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT, CFAI_ACCOUNT_ID_RULE);
      return NULL;
    }

  return g_steal_pointer (&trimmed);
}

/**
 * cfai_token_from_text:
 * @text: (nullable): what the user typed or pasted
 *
 * Surrounding blanks are forgiven (pasting often adds a line break);
 * anything else outside visible ASCII cannot go into an HTTP header, and
 * Cloudflare tokens never contain it.
 *
 * Returns: (transfer full) (nullable): the token, to be freed with
 *   cfai_token_free(), or %NULL with @error set
 */
char *
cfai_token_from_text (const char  *text,
                      GError     **error)
{
  char *token = cfai_token_dup_trimmed (text);

  if (token == NULL)
    {
      g_set_error_literal (error, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS,
                           _("Enter your API token."));
      return NULL;
    }

  if (!cfai_token_check (token, CFAI_ERROR_INVALID_INPUT, error))
    {
      cfai_token_free (token);
      return NULL;
    }

  return token;
}

/**
 * cfai_credentials_check_client_new:
 * @like: the app's client, whose API base URL and retry policy are copied
 * @account_id: the account ID to try
 * @token: (nullable): the token to try; %NULL keeps $CLOUDFLARE_API_TOKEN
 *   when that is set
 *
 * A separate client, so that trying out credentials never changes the
 * ones the app is using until they have proven to work.
 *
 * Returns: (transfer full): a new client
 */
CfaiClient *
cfai_credentials_check_client_new (CfaiClient *like,
                                   const char *account_id,
                                   const char *token)
{
  g_autoptr(CfaiCredentials) trial = NULL;
  CfaiClient *client;

  g_return_val_if_fail (CFAI_IS_CLIENT (like), NULL);

  trial = cfai_credentials_new_for_trial (cfai_client_get_credentials (like), account_id, token);
  client = cfai_client_new_for_credentials (trial);
  cfai_client_set_retry_policy (client, cfai_client_get_retry_policy (like));

  return client;
}

static void
on_account_probed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  CheckData *check = g_task_get_task_data (task);

  root = cfai_client_get_json_finish (CFAI_CLIENT (source), result, &error);
  if (root != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* When the token was already refused, that is the better explanation
   * of this failure too (the account call fails with any bad token). */
  if (check->verify_error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (&check->verify_error));
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
probe_account (GTask *task)
{
  CfaiClient *client = g_task_get_source_object (task);

  cfai_client_get_json_async (client, ACCOUNT_PROBE_PATH,
                              g_task_get_cancellable (task),
                              on_account_probed, task);
}

static void
on_token_verified (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  CheckData *check = g_task_get_task_data (task);

  if (!cfai_client_verify_token_finish (CFAI_CLIENT (source), result, &error))
    {
      /* Account-owned tokens are refused by /user/tokens/verify although
       * they work for the account, so a refusal is only final once the
       * account call fails too.  Other failures (network, server) would
       * fail that call the same way: report them now. */
      if (!g_error_matches (error, CFAI_ERROR, CFAI_ERROR_AUTH))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      check->verify_error = g_steal_pointer (&error);
    }

  probe_account (g_steal_pointer (&task));
}

/**
 * cfai_credentials_check_async:
 * @client: a client with the account ID and token to check
 *
 * Checks the token with Cloudflare, then that it can read the account's
 * Workers AI models.
 */
void
cfai_credentials_check_async (CfaiClient          *client,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CFAI_IS_CLIENT (client));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_credentials_check_async);
  g_task_set_task_data (task, g_new0 (CheckData, 1), check_data_free);

  cfai_client_verify_token_async (client, cancellable, on_token_verified, g_steal_pointer (&task));
}

/**
 * cfai_credentials_check_finish:
 * @client: the client passed to cfai_credentials_check_async()
 *
 * Returns: %TRUE if requests with these credentials will work; otherwise
 *   %FALSE with a %CFAI_ERROR whose message says what to fix
 */
gboolean
cfai_credentials_check_finish (CfaiClient    *client,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (CFAI_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_credentials_check_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
