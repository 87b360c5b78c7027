/* cfai-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cfai-application.h"

G_BEGIN_DECLS

#define CFAI_TYPE_WINDOW (cfai_window_get_type ())

G_DECLARE_FINAL_TYPE (CfaiWindow, cfai_window, CFAI, WINDOW, AdwApplicationWindow)

CfaiWindow *cfai_window_new (CfaiApplication *application);

G_END_DECLS
