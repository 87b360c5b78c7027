/* cfai-thumbnail-loader.h — small textures of image files, made once and cached
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CFAI_TYPE_THUMBNAIL_LOADER (cfai_thumbnail_loader_get_type ())

G_DECLARE_FINAL_TYPE (CfaiThumbnailLoader, cfai_thumbnail_loader, CFAI, THUMBNAIL_LOADER, GObject)

CfaiThumbnailLoader *cfai_thumbnail_loader_new          (guint                 size,
                                                         guint                 capacity);
CfaiThumbnailLoader *cfai_thumbnail_loader_get_default  (void);
guint                cfai_thumbnail_loader_get_size     (CfaiThumbnailLoader  *self);
guint                cfai_thumbnail_loader_get_capacity (CfaiThumbnailLoader  *self);
GdkTexture          *cfai_thumbnail_loader_lookup       (CfaiThumbnailLoader  *self,
                                                         GFile                *image);
void                 cfai_thumbnail_loader_load_async   (CfaiThumbnailLoader  *self,
                                                         GFile                *image,
                                                         GFile                *cache,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
GdkTexture          *cfai_thumbnail_loader_load_finish  (CfaiThumbnailLoader  *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

G_END_DECLS
