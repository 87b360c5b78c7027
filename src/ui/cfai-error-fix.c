/* cfai-error-fix.c — what a failure says and the one thing that fixes it
 *
 * The chat and the studio show the same failures (the same CFAI_ERROR
 * codes from the same client) and must offer the same way out of each:
 * another model for a model the account cannot run, the preferences for
 * a bad token, a wait and a new try for a limit.  What differs is only
 * what each page can do about the rest, so the codes are sorted into
 * kinds of fix once and each page names its action for each kind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-error.h"
#include "cfai-error-fix.h"
#include "cfai-format.h"

typedef enum
{
  FIX_RETRY,        /* may go through another time */
  FIX_MODEL,        /* this model cannot be used: pick another */
  FIX_HISTORY,      /* the conversation is too long for the model */
  FIX_CREDENTIALS,  /* the token or the account id */
  FIX_WAIT,         /* a limit: try again later */
  FIX_PROMPT,       /* the safety filter refused the prompt */
  FIX_SETTINGS,     /* the message names the setting to change */
  N_FIXES
} FixKind;

static FixKind
kind_of (const GError *error)
{
  if (error == NULL || error->domain != CFAI_ERROR)
    return FIX_RETRY;

  switch ((CfaiErrorCode) error->code)
    {
    case CFAI_ERROR_PAID_PLAN_REQUIRED:
    case CFAI_ERROR_NO_SUCH_MODEL:
    case CFAI_ERROR_MODEL_RETIRED:
    case CFAI_ERROR_MODEL_NOT_ALLOWED:
    case CFAI_ERROR_LICENCE_REQUIRED:
      return FIX_MODEL;
    case CFAI_ERROR_CONTEXT_EXCEEDED:
      return FIX_HISTORY;
    case CFAI_ERROR_AUTH:
    case CFAI_ERROR_NO_CREDENTIALS:
      return FIX_CREDENTIALS;
    case CFAI_ERROR_DAILY_LIMIT:
    case CFAI_ERROR_CAPACITY:
    case CFAI_ERROR_RATE_LIMITED:
      return FIX_WAIT;
    case CFAI_ERROR_NSFW:
      return FIX_PROMPT;
    case CFAI_ERROR_INVALID_INPUT:
    case CFAI_ERROR_TOO_LARGE:
    case CFAI_ERROR_ACCOUNT_BLOCKED:
    case CFAI_ERROR_NO_KEYRING:
      return FIX_SETTINGS;
    case CFAI_ERROR_FAILED:
    case CFAI_ERROR_TIMEOUT:
    case CFAI_ERROR_SERVER:
    case CFAI_ERROR_NETWORK:
    case CFAI_ERROR_TRUNCATED_STREAM:
    case CFAI_ERROR_PROTOCOL:
    default:
      return FIX_RETRY;
    }
}

typedef struct
{
  const char *label;
  const char *action;
} Button;

/* A chat can always ask again, so every answer that failed gets a
 * button; in the studio a refused setting stays refused until the user
 * changes it, and only a chat has a history to trim. */
static const Button buttons[][N_FIXES] = {
  [CFAI_ERROR_FIX_CHAT] = {
    [FIX_RETRY]       = { N_("_Retry"), "chat.retry" },
    [FIX_MODEL]       = { N_("_Choose Another Model"), "chat.choose-model" },
    [FIX_HISTORY]     = { N_("_Trim History"), "chat.trim-history" },
    [FIX_CREDENTIALS] = { N_("_Fix Credentials"), "app.preferences" },
    [FIX_WAIT]        = { N_("_Try Again"), "chat.retry" },
    [FIX_PROMPT]      = { N_("_Retry"), "chat.retry" },
    [FIX_SETTINGS]    = { N_("_Retry"), "chat.retry" },
  },
  [CFAI_ERROR_FIX_STUDIO] = {
    [FIX_RETRY]       = { N_("_Try Again"), "studio.retry" },
    [FIX_MODEL]       = { N_("_Choose Another Model"), "studio.choose-model" },
    [FIX_HISTORY]     = { NULL, NULL },
    [FIX_CREDENTIALS] = { N_("_Fix Credentials"), "app.preferences" },
    [FIX_WAIT]        = { N_("_Try Again"), "studio.retry" },
    [FIX_PROMPT]      = { N_("Show _Hints"), "studio.show-hints" },
    [FIX_SETTINGS]    = { NULL, NULL },
  },
};

/* When to try again: the wait the server asked for, else for the daily
 * allocation the time it resets. */
static char *
text_with_wait (const GError *error,
                const char   *message)
{
  gint64 wait_us = cfai_error_get_retry_after_us (error);

  if (wait_us > 0)
    {
      g_autofree char *when = cfai_format_duration_ms (wait_us / 1000);

      /* Translators: the first %s is an error message, the second a duration */
      return g_strdup_printf (_("%s Try again in %s."), message, when);
    }
  if (error->code == CFAI_ERROR_DAILY_LIMIT)
    /* Translators: %s is an error message */
    return g_strdup_printf (_("%s The free allocation resets at 00:00 UTC."), message);
  return g_strdup (message);
}

/**
 * cfai_error_fix_init:
 * @fix: (out caller-allocates): what to show
 * @error: (nullable): the failure; %NULL when only its message is known
 *   (an answer saved with its error's text)
 * @message: (nullable): the text to show; %NULL for @error's message
 * @context: the page that shows it
 *
 * Fills @fix with the icon, the text and the button for @error; clear
 * it with cfai_error_fix_clear().
 */
void
cfai_error_fix_init (CfaiErrorFix        *fix,
                     const GError        *error,
                     const char          *message,
                     CfaiErrorFixContext  context)
{
  FixKind kind = kind_of (error);
  const Button *button;

  g_return_if_fail (fix != NULL);
  g_return_if_fail (context == CFAI_ERROR_FIX_CHAT || context == CFAI_ERROR_FIX_STUDIO);

  if (message == NULL && error != NULL)
    message = error->message;
  if (message == NULL)
    message = context == CFAI_ERROR_FIX_CHAT ? _("The answer failed.") : _("The image could not be made");

  button = &buttons[context][kind];
  fix->icon = kind == FIX_WAIT ? "alarm-symbolic" : "dialog-error-symbolic";
  fix->text = kind == FIX_WAIT ? text_with_wait (error, message) : g_strdup (message);
  fix->button_label = button->label != NULL ? _(button->label) : NULL;
  fix->action = button->action;
}

void
cfai_error_fix_clear (CfaiErrorFix *fix)
{
  g_clear_pointer (&fix->text, g_free);
  fix->icon = NULL;
  fix->button_label = NULL;
  fix->action = NULL;
}
