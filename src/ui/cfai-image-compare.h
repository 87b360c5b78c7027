/* cfai-image-compare.h — two to four pictures side by side with their settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cfai-image-record.h"

G_BEGIN_DECLS

#define CFAI_TYPE_IMAGE_COMPARE (cfai_image_compare_get_type ())

G_DECLARE_FINAL_TYPE (CfaiImageCompare, cfai_image_compare, CFAI, IMAGE_COMPARE, AdwDialog)

GtkWidget *cfai_image_compare_new        (CfaiImageRecord **records,
                                          guint             n_records);
guint      cfai_image_compare_get_n_shown (CfaiImageCompare *self);

G_END_DECLS
