/* cfai-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-error.h"

typedef struct
{
  guint     http_status;
  gint64    api_code;
  char     *field;
  gint64    requested_tokens;
  gint64    limit_tokens;
  gint64    retry_after_us;
  char     *detail;
  gboolean  is_bug;
} CfaiErrorPrivate;

static void
cfai_error_private_init (CfaiErrorPrivate *priv)
{
  *priv = (CfaiErrorPrivate) { .requested_tokens = -1, .limit_tokens = -1 };
}

static void
cfai_error_private_copy (const CfaiErrorPrivate *src,
                         CfaiErrorPrivate       *dest)
{
  *dest = *src;
  dest->field = g_strdup (src->field);
  dest->detail = g_strdup (src->detail);
}

static void
cfai_error_private_clear (CfaiErrorPrivate *priv)
{
  g_clear_pointer (&priv->field, g_free);
  g_clear_pointer (&priv->detail, g_free);
}

/* GLib places the private struct just before the GError it allocated
 * with the right alignment, but the macro's byte-pointer arithmetic trips
 * clang's -Wcast-align. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-align"
G_DEFINE_EXTENDED_ERROR (CfaiError, cfai_error)
#pragma GCC diagnostic pop

/* Getters are called by UI code on whatever error an operation returned,
 * often G_IO_ERROR_CANCELLED; they must not warn about a foreign domain. */
static CfaiErrorPrivate *
lookup_private (const GError *error)
{
  if (error == NULL || error->domain != CFAI_ERROR)
    return NULL;

  return cfai_error_get_private (error);
}

/**
 * cfai_error_get_http_status:
 * @error: (nullable): a #GError
 *
 * Returns: the HTTP status of the answer that caused @error, or 0 when
 *   there was no HTTP answer (a connection error) or @error is not a
 *   %CFAI_ERROR.
 */
guint
cfai_error_get_http_status (const GError *error)
{
  CfaiErrorPrivate *priv = lookup_private (error);

  return priv != NULL ? priv->http_status : 0;
}

/**
 * cfai_error_get_api_code:
 * @error: (nullable): a #GError
 *
 * Returns: the Workers AI / Cloudflare API error code (such as 5021), taken
 *   from a `NNNN: ` prefix of the server's message when there is one, since
 *   that is the more specific code; 0 when none is known.
 */
gint64
cfai_error_get_api_code (const GError *error)
{
  CfaiErrorPrivate *priv = lookup_private (error);

  return priv != NULL ? priv->api_code : 0;
}

/**
 * cfai_error_get_field:
 * @error: (nullable): a #GError
 *
 * Returns: (nullable): the request field the server rejected, as a dotted
 *   path such as `prompt` or `messages.0.content`, or %NULL.
 */
const char *
cfai_error_get_field (const GError *error)
{
  CfaiErrorPrivate *priv = lookup_private (error);

  return priv != NULL ? priv->field : NULL;
}

/**
 * cfai_error_get_context_tokens:
 * @error: (nullable): a #GError
 * @requested: (out) (optional): input plus maximum output tokens requested
 * @limit: (out) (optional): the model's context window in tokens
 *
 * Returns: %TRUE if the server said how many tokens were requested and how
 *   many fit; the out values are then set, otherwise left untouched.
 */
gboolean
cfai_error_get_context_tokens (const GError *error,
                               gint64       *requested,
                               gint64       *limit)
{
  CfaiErrorPrivate *priv = lookup_private (error);

  if (priv == NULL || priv->requested_tokens < 0 || priv->limit_tokens < 0)
    return FALSE;

  if (requested != NULL)
    *requested = priv->requested_tokens;
  if (limit != NULL)
    *limit = priv->limit_tokens;

  return TRUE;
}

/**
 * cfai_error_get_retry_after_us:
 * @error: (nullable): a #GError
 *
 * Returns: how long the server asked us to wait before trying again, in
 *   microseconds, as it was when the error was made; 0 when it did not say.
 */
gint64
cfai_error_get_retry_after_us (const GError *error)
{
  CfaiErrorPrivate *priv = lookup_private (error);

  return priv != NULL ? priv->retry_after_us : 0;
}

/**
 * cfai_error_get_detail:
 * @error: (nullable): a #GError
 *
 * Returns: (nullable): the server's own message (cleaned of control
 *   characters and credentials), or the message of the lower-level error
 *   for connection failures.  Untranslated; for a "details" expander or
 *   a bug report, not as the headline.
 */
const char *
cfai_error_get_detail (const GError *error)
{
  CfaiErrorPrivate *priv = lookup_private (error);

  return priv != NULL ? priv->detail : NULL;
}

/**
 * cfai_error_is_bug:
 * @error: (nullable): a #GError
 *
 * Returns: %TRUE when the server says CfAI itself sent a malformed request
 *   (3003, 1000): the UI should offer to report a bug rather than ask the
 *   user to change anything.
 */
gboolean
cfai_error_is_bug (const GError *error)
{
  CfaiErrorPrivate *priv = lookup_private (error);

  return priv != NULL ? priv->is_bug : FALSE;
}

void
cfai_error_set_http_status (GError *error,
                            guint   http_status)
{
  CfaiErrorPrivate *priv = lookup_private (error);

  if (priv != NULL)
    priv->http_status = http_status;
}

void
cfai_error_set_api_code (GError *error,
                         gint64  api_code)
{
  CfaiErrorPrivate *priv = lookup_private (error);

  if (priv != NULL)
    priv->api_code = api_code;
}

void
cfai_error_set_field (GError     *error,
                      const char *field)
{
  CfaiErrorPrivate *priv = lookup_private (error);

  if (priv == NULL)
    return;

  g_free (priv->field);
  priv->field = g_strdup (field);
}

/* Either count may be unknown (negative); the getter then reports nothing,
 * because half a pair is of no use to "trim history" arithmetic. */
void
cfai_error_set_context_tokens (GError *error,
                               gint64  requested,
                               gint64  limit)
{
  CfaiErrorPrivate *priv = lookup_private (error);

  if (priv == NULL)
    return;

  priv->requested_tokens = requested;
  priv->limit_tokens = limit;
}

void
cfai_error_set_retry_after_us (GError *error,
                               gint64  retry_after_us)
{
  CfaiErrorPrivate *priv = lookup_private (error);

  if (priv != NULL)
    priv->retry_after_us = MAX (retry_after_us, 0);
}

void
cfai_error_set_detail (GError     *error,
                       const char *detail)
{
  CfaiErrorPrivate *priv = lookup_private (error);

  if (priv == NULL)
    return;

  g_free (priv->detail);
  priv->detail = g_strdup (detail);
}

void
cfai_error_set_is_bug (GError   *error,
                       gboolean  is_bug)
{
  CfaiErrorPrivate *priv = lookup_private (error);

  if (priv != NULL)
    priv->is_bug = !!is_bug;
}
