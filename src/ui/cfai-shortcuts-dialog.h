/* cfai-shortcuts-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CFAI_TYPE_SHORTCUTS_DIALOG (cfai_shortcuts_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CfaiShortcutsDialog, cfai_shortcuts_dialog, CFAI, SHORTCUTS_DIALOG, AdwDialog)

CfaiShortcutsDialog *cfai_shortcuts_dialog_new (void);

G_END_DECLS
