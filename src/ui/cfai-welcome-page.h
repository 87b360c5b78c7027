/* cfai-welcome-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cfai-application.h"

G_BEGIN_DECLS

#define CFAI_TYPE_WELCOME_PAGE (cfai_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (CfaiWelcomePage, cfai_welcome_page, CFAI, WELCOME_PAGE, GtkWidget)

CfaiWelcomePage *cfai_welcome_page_new             (CfaiApplication *application);
CfaiApplication *cfai_welcome_page_get_application (CfaiWelcomePage *self);
void             cfai_welcome_page_set_application (CfaiWelcomePage *self,
                                                    CfaiApplication *application);
gboolean         cfai_welcome_page_get_busy        (CfaiWelcomePage *self);
void             cfai_welcome_page_verify          (CfaiWelcomePage *self);

G_END_DECLS
