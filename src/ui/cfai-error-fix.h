/* cfai-error-fix.h — what a failure says and the one thing that fixes it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where the failure is shown: the fixes are actions of that page. */
typedef enum
{
  CFAI_ERROR_FIX_CHAT,    /* an answer in a chat: chat.* actions */
  CFAI_ERROR_FIX_STUDIO,  /* an image in the studio: studio.* actions */
} CfaiErrorFixContext;

typedef struct
{
  const char *icon;          /* an icon name */
  char       *text;          /* the message, with when to try again if it is known */
  const char *button_label;  /* with a mnemonic; NULL when no button helps */
  const char *action;        /* the button's action; NULL when no button helps */
} CfaiErrorFix;

void cfai_error_fix_init  (CfaiErrorFix        *fix,
                           const GError        *error,
                           const char          *message,
                           CfaiErrorFixContext  context);
void cfai_error_fix_clear (CfaiErrorFix        *fix);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CfaiErrorFix, cfai_error_fix_clear)

G_END_DECLS
