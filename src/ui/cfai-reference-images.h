/* cfai-reference-images.h — pictures the next images build on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cfai-image-model-rules.h"

G_BEGIN_DECLS

#define CFAI_TYPE_REFERENCE_IMAGES (cfai_reference_images_get_type ())

G_DECLARE_FINAL_TYPE (CfaiReferenceImages, cfai_reference_images, CFAI, REFERENCE_IMAGES, GtkWidget)

void       cfai_reference_images_set_rules     (CfaiReferenceImages  *self,
                                                CfaiImageModelRules  *rules);
guint      cfai_reference_images_get_n_images  (CfaiReferenceImages  *self);
double     cfai_reference_images_get_strength  (CfaiReferenceImages  *self);
void       cfai_reference_images_add_bytes     (CfaiReferenceImages  *self,
                                                GBytes               *bytes);
void       cfai_reference_images_add_texture   (CfaiReferenceImages  *self,
                                                GdkTexture           *texture);
void       cfai_reference_images_add_file      (CfaiReferenceImages  *self,
                                                GFile                *file);
void       cfai_reference_images_prepare_async (CfaiReferenceImages  *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GPtrArray *cfai_reference_images_prepare_finish (CfaiReferenceImages *self,
                                                GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
