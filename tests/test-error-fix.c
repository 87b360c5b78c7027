/* test-error-fix.c — each failure's text and fix, in the chat and the studio
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "cfai-error.h"
#include "cfai-error-fix.h"
#include "cfai-test-home.h"

typedef struct
{
  CfaiErrorCode code;
  const char   *chat_action;    /* NULL: no button */
  const char   *studio_action;
  const char   *icon;
} Expected;

/* Every code, so a new one cannot be left to the default unseen. */
static const Expected expected[] = {
  { CFAI_ERROR_FAILED,             "chat.retry",         "studio.retry",        "dialog-error-symbolic" },
  { CFAI_ERROR_AUTH,               "app.preferences",    "app.preferences",     "dialog-error-symbolic" },
  { CFAI_ERROR_NO_CREDENTIALS,     "app.preferences",    "app.preferences",     "dialog-error-symbolic" },
  { CFAI_ERROR_NO_SUCH_MODEL,      "chat.choose-model",  "studio.choose-model", "dialog-error-symbolic" },
  { CFAI_ERROR_INVALID_INPUT,      "chat.retry",         NULL,                  "dialog-error-symbolic" },
  { CFAI_ERROR_LICENCE_REQUIRED,   "chat.choose-model",  "studio.choose-model", "dialog-error-symbolic" },
  { CFAI_ERROR_MODEL_NOT_ALLOWED,  "chat.choose-model",  "studio.choose-model", "dialog-error-symbolic" },
  { CFAI_ERROR_PAID_PLAN_REQUIRED, "chat.choose-model",  "studio.choose-model", "dialog-error-symbolic" },
  { CFAI_ERROR_ACCOUNT_BLOCKED,    "chat.retry",         NULL,                  "dialog-error-symbolic" },
  { CFAI_ERROR_CONTEXT_EXCEEDED,   "chat.trim-history",  NULL,                  "dialog-error-symbolic" },
  { CFAI_ERROR_DAILY_LIMIT,        "chat.retry",         "studio.retry",        "alarm-symbolic" },
  { CFAI_ERROR_CAPACITY,           "chat.retry",         "studio.retry",        "alarm-symbolic" },
  { CFAI_ERROR_RATE_LIMITED,       "chat.retry",         "studio.retry",        "alarm-symbolic" },
  { CFAI_ERROR_NSFW,               "chat.retry",         "studio.show-hints",   "dialog-error-symbolic" },
  { CFAI_ERROR_TOO_LARGE,          "chat.retry",         NULL,                  "dialog-error-symbolic" },
  { CFAI_ERROR_TIMEOUT,            "chat.retry",         "studio.retry",        "dialog-error-symbolic" },
  { CFAI_ERROR_SERVER,             "chat.retry",         "studio.retry",        "dialog-error-symbolic" },
  { CFAI_ERROR_NETWORK,            "chat.retry",         "studio.retry",        "dialog-error-symbolic" },
  { CFAI_ERROR_TRUNCATED_STREAM,   "chat.retry",         "studio.retry",        "dialog-error-symbolic" },
  { CFAI_ERROR_PROTOCOL,           "chat.retry",         "studio.retry",        "dialog-error-symbolic" },
  { CFAI_ERROR_NO_KEYRING,         "chat.retry",         NULL,                  "dialog-error-symbolic" },
  { CFAI_ERROR_MODEL_RETIRED,      "chat.choose-model",  "studio.choose-model", "dialog-error-symbolic" },
};

static void
test_each_code (void)
{
  g_assert_cmpuint (G_N_ELEMENTS (expected), ==, CFAI_ERROR_MODEL_RETIRED + 1);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (CFAI_ERROR, expected[i].code, "It failed.");
      g_auto(CfaiErrorFix) chat = { NULL };
      g_auto(CfaiErrorFix) studio = { NULL };

      g_test_message ("code %d", expected[i].code);
      cfai_error_fix_init (&chat, error, NULL, CFAI_ERROR_FIX_CHAT);
      cfai_error_fix_init (&studio, error, NULL, CFAI_ERROR_FIX_STUDIO);

      g_assert_cmpstr (chat.action, ==, expected[i].chat_action);
      g_assert_cmpstr (studio.action, ==, expected[i].studio_action);
      g_assert_cmpstr (chat.icon, ==, expected[i].icon);
      g_assert_cmpstr (studio.icon, ==, expected[i].icon);
      /* A button has a label, and only a button. */
      g_assert_true ((chat.button_label != NULL) == (chat.action != NULL));
      g_assert_true ((studio.button_label != NULL) == (studio.action != NULL));
      g_assert_true (g_str_has_prefix (chat.text, "It failed."));
      g_assert_cmpstr (chat.text, ==, studio.text);
    }
}

static void
test_labels (void)
{
  static const struct
  {
    CfaiErrorCode        code;
    CfaiErrorFixContext  context;
    const char          *label;
  } labels[] = {
    { CFAI_ERROR_SERVER, CFAI_ERROR_FIX_CHAT, "_Retry" },
    { CFAI_ERROR_SERVER, CFAI_ERROR_FIX_STUDIO, "_Try Again" },
    { CFAI_ERROR_RATE_LIMITED, CFAI_ERROR_FIX_CHAT, "_Try Again" },
    { CFAI_ERROR_PAID_PLAN_REQUIRED, CFAI_ERROR_FIX_STUDIO, "_Choose Another Model" },
    { CFAI_ERROR_CONTEXT_EXCEEDED, CFAI_ERROR_FIX_CHAT, "_Trim History" },
    { CFAI_ERROR_AUTH, CFAI_ERROR_FIX_CHAT, "_Fix Credentials" },
    { CFAI_ERROR_NSFW, CFAI_ERROR_FIX_STUDIO, "Show _Hints" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (CFAI_ERROR, labels[i].code, "x");
      g_auto(CfaiErrorFix) fix = { NULL };

      cfai_error_fix_init (&fix, error, NULL, labels[i].context);
      g_assert_cmpstr (fix.button_label, ==, labels[i].label);
    }
}

/* A limit says when to try again: the server's wait, or the daily reset. */
static void
test_wait_in_text (void)
{
  static const CfaiErrorFixContext contexts[] = { CFAI_ERROR_FIX_CHAT, CFAI_ERROR_FIX_STUDIO };

  for (guint c = 0; c < G_N_ELEMENTS (contexts); c++)
    {
      g_autoptr(GError) rate = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_RATE_LIMITED, "Too many requests.");
      g_autoptr(GError) daily = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_DAILY_LIMIT, "Daily limit reached.");
      g_autoptr(GError) daily_wait = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_DAILY_LIMIT, "Daily limit reached.");
      g_autoptr(GError) capacity = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_CAPACITY, "Out of capacity.");
      g_auto(CfaiErrorFix) fix = { NULL };

      cfai_error_fix_init (&fix, rate, NULL, contexts[c]);
      g_assert_cmpstr (fix.text, ==, "Too many requests.");
      cfai_error_fix_clear (&fix);

      cfai_error_set_retry_after_us (rate, 12 * G_USEC_PER_SEC);
      cfai_error_fix_init (&fix, rate, NULL, contexts[c]);
      g_assert_cmpstr (fix.text, ==, "Too many requests. Try again in 12.0 s.");
      cfai_error_fix_clear (&fix);

      /* The text given wins over the error's (a saved answer's). */
      cfai_error_fix_init (&fix, rate, "Slow down.", contexts[c]);
      g_assert_cmpstr (fix.text, ==, "Slow down. Try again in 12.0 s.");
      cfai_error_fix_clear (&fix);

      cfai_error_fix_init (&fix, daily, NULL, contexts[c]);
      g_assert_cmpstr (fix.text, ==, "Daily limit reached. The free allocation resets at 00:00 UTC.");
      cfai_error_fix_clear (&fix);

      cfai_error_set_retry_after_us (daily_wait, 300000);
      cfai_error_fix_init (&fix, daily_wait, NULL, contexts[c]);
      g_assert_cmpstr (fix.text, ==, "Daily limit reached. Try again in 300 ms.");
      cfai_error_fix_clear (&fix);

      cfai_error_fix_init (&fix, capacity, NULL, contexts[c]);
      g_assert_cmpstr (fix.text, ==, "Out of capacity.");
      cfai_error_fix_clear (&fix);
    }
}

/* Not ours (a GIO error), or only its text left: try again. */
static void
test_other_errors (void)
{
  g_autoptr(GError) io = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "Disk on fire.");
  g_auto(CfaiErrorFix) fix = { NULL };

  cfai_error_fix_init (&fix, io, NULL, CFAI_ERROR_FIX_STUDIO);
  g_assert_cmpstr (fix.text, ==, "Disk on fire.");
  g_assert_cmpstr (fix.action, ==, "studio.retry");
  cfai_error_fix_clear (&fix);

  cfai_error_fix_init (&fix, NULL, "Saved failure.", CFAI_ERROR_FIX_CHAT);
  g_assert_cmpstr (fix.text, ==, "Saved failure.");
  g_assert_cmpstr (fix.action, ==, "chat.retry");
  g_assert_cmpstr (fix.icon, ==, "dialog-error-symbolic");
  cfai_error_fix_clear (&fix);

  cfai_error_fix_init (&fix, NULL, NULL, CFAI_ERROR_FIX_CHAT);
  g_assert_cmpstr (fix.text, ==, "The answer failed.");
}

int
main (int   argc,
      char *argv[])
{
  cfai_test_isolate_home ("cfai-test-error-fix");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/error-fix/each-code", test_each_code);
  g_test_add_func ("/error-fix/labels", test_labels);
  g_test_add_func ("/error-fix/wait-in-text", test_wait_in_text);
  g_test_add_func ("/error-fix/other-errors", test_other_errors);

  return g_test_run ();
}
