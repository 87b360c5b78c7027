/* cfai-image-store.h — the gallery: every picture made, owned by the application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cfai-chat-store.h"
#include "cfai-image-record.h"
#include "cfai-image-request.h"

G_BEGIN_DECLS

#define CFAI_IMAGE_STORE_ERROR (cfai_image_store_error_quark ())

/* Errors about the picture files; the database's own errors come as
 * CFAI_DATABASE_ERROR.  Each message says what to do. */
typedef enum
{
  CFAI_IMAGE_STORE_ERROR_FULL,          /* no room on the disk (or in the quota) */
  CFAI_IMAGE_STORE_ERROR_READ_ONLY,     /* the images folder may not be written, or is not a folder */
  CFAI_IMAGE_STORE_ERROR_IO,            /* the disk failed */
  CFAI_IMAGE_STORE_ERROR_NOT_AN_IMAGE,  /* the bytes are not a PNG, JPEG or WebP picture */
} CfaiImageStoreError;

#define CFAI_TYPE_IMAGE_STORE (cfai_image_store_get_type ())

G_DECLARE_FINAL_TYPE (CfaiImageStore, cfai_image_store, CFAI, IMAGE_STORE, GObject)

GQuark           cfai_image_store_error_quark       (void);
CfaiImageStore  *cfai_image_store_new               (CfaiChatStore        *chat_store);
CfaiImageStore  *cfai_image_store_new_full          (CfaiChatStore        *chat_store,
                                                     const char           *images_dir,
                                                     const char           *thumbnails_dir);
const char      *cfai_image_store_get_images_dir    (CfaiImageStore       *self);
const char      *cfai_image_store_get_thumbnails_dir (CfaiImageStore      *self);
void             cfai_image_store_load_async        (CfaiImageStore       *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean         cfai_image_store_load_finish       (CfaiImageStore       *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
gboolean         cfai_image_store_get_loaded        (CfaiImageStore       *self);
GListModel      *cfai_image_store_get_images        (CfaiImageStore       *self);
char           **cfai_image_store_dup_models        (CfaiImageStore       *self);
void             cfai_image_store_add_async         (CfaiImageStore       *self,
                                                     CfaiImageRequest     *request,
                                                     GBytes               *image,
                                                     double                estimated_cost,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
CfaiImageRecord *cfai_image_store_add_finish        (CfaiImageStore       *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void             cfai_image_store_delete            (CfaiImageStore       *self,
                                                     CfaiImageRecord      *record);
void             cfai_image_store_undo_delete       (CfaiImageStore       *self,
                                                     CfaiImageRecord      *record);
void             cfai_image_store_commit_delete_async (CfaiImageStore     *self,
                                                     CfaiImageRecord      *record,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean         cfai_image_store_commit_delete_finish (CfaiImageStore    *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

G_END_DECLS
