/* cfai-preferences-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cfai-application.h"

G_BEGIN_DECLS

#define CFAI_TYPE_PREFERENCES_DIALOG (cfai_preferences_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CfaiPreferencesDialog, cfai_preferences_dialog, CFAI, PREFERENCES_DIALOG, AdwPreferencesDialog)

CfaiPreferencesDialog *cfai_preferences_dialog_new             (CfaiApplication       *application);
CfaiApplication       *cfai_preferences_dialog_get_application (CfaiPreferencesDialog *self);

G_END_DECLS
