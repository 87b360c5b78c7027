/* cfai-gallery.h — every picture made: a grid of thumbnails, search, model filter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cfai-image-store.h"

G_BEGIN_DECLS

#define CFAI_TYPE_GALLERY (cfai_gallery_get_type ())

G_DECLARE_FINAL_TYPE (CfaiGallery, cfai_gallery, CFAI, GALLERY, GtkWidget)

GtkWidget      *cfai_gallery_new            (void);
CfaiImageStore *cfai_gallery_get_store      (CfaiGallery    *self);
void            cfai_gallery_set_store      (CfaiGallery    *self,
                                             CfaiImageStore *store);
GListModel     *cfai_gallery_get_shown      (CfaiGallery    *self);
GtkSelectionModel *cfai_gallery_get_selection (CfaiGallery  *self);
GtkGridView    *cfai_gallery_get_grid_view  (CfaiGallery    *self);
GtkEditable    *cfai_gallery_get_search_entry (CfaiGallery  *self);
GtkDropDown    *cfai_gallery_get_model_filter (CfaiGallery  *self);
void            cfai_gallery_open           (CfaiGallery    *self,
                                             guint           position);
GtkWidget      *cfai_gallery_get_viewer     (CfaiGallery    *self);
void            cfai_gallery_delete         (CfaiGallery    *self,
                                             CfaiImageRecord *record);

G_END_DECLS
