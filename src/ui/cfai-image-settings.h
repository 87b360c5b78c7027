/* cfai-image-settings.h — the parameters the chosen image model takes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cfai-image-request.h"

G_BEGIN_DECLS

#define CFAI_TYPE_IMAGE_SETTINGS (cfai_image_settings_get_type ())

G_DECLARE_FINAL_TYPE (CfaiImageSettings, cfai_image_settings, CFAI, IMAGE_SETTINGS, GtkWidget)

CfaiImageModelRules *cfai_image_settings_get_rules       (CfaiImageSettings   *self);
void                 cfai_image_settings_set_rules       (CfaiImageSettings   *self,
                                                          CfaiImageModelRules *rules);
gboolean             cfai_image_settings_get_seed_locked (CfaiImageSettings   *self);
void                 cfai_image_settings_set_seed_locked (CfaiImageSettings   *self,
                                                          gboolean             locked);
void                 cfai_image_settings_show_seed       (CfaiImageSettings   *self,
                                                          gint64               seed);
void                 cfai_image_settings_fill_request    (CfaiImageSettings   *self,
                                                          CfaiImageRequest    *request,
                                                          guint                index);
void                 cfai_image_settings_apply_request   (CfaiImageSettings   *self,
                                                          CfaiImageRequest    *request,
                                                          gboolean             keep_seed);

G_END_DECLS
