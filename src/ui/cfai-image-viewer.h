/* cfai-image-viewer.h — one picture of the gallery, full size, with how it was made
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cfai-image-record.h"

G_BEGIN_DECLS

#define CFAI_TYPE_IMAGE_VIEWER (cfai_image_viewer_get_type ())

G_DECLARE_FINAL_TYPE (CfaiImageViewer, cfai_image_viewer, CFAI, IMAGE_VIEWER, AdwDialog)

GtkWidget       *cfai_image_viewer_new           (GListModel       *images,
                                                  guint             position);
CfaiImageRecord *cfai_image_viewer_get_record    (CfaiImageViewer  *self);
guint            cfai_image_viewer_get_position  (CfaiImageViewer  *self);
GdkTexture      *cfai_image_viewer_get_texture   (CfaiImageViewer  *self);
double           cfai_image_viewer_get_zoom      (CfaiImageViewer  *self);
void             cfai_image_viewer_add_toast     (CfaiImageViewer  *self,
                                                  AdwToast         *toast);
void             cfai_image_viewer_save_to_async (CfaiImageViewer  *self,
                                                  GFile            *file,
                                                  GCancellable     *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer          user_data);
gboolean         cfai_image_viewer_save_to_finish (CfaiImageViewer *self,
                                                  GAsyncResult     *result,
                                                  GError          **error);

G_END_DECLS
