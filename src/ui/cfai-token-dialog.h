/* cfai-token-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cfai-application.h"

G_BEGIN_DECLS

#define CFAI_TYPE_TOKEN_DIALOG (cfai_token_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CfaiTokenDialog, cfai_token_dialog, CFAI, TOKEN_DIALOG, AdwDialog)

CfaiTokenDialog *cfai_token_dialog_new      (CfaiApplication *application);
gboolean         cfai_token_dialog_get_busy (CfaiTokenDialog *self);
void             cfai_token_dialog_replace  (CfaiTokenDialog *self);

G_END_DECLS
