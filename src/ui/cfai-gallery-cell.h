/* cfai-gallery-cell.h — one thumbnail of the gallery
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cfai-image-record.h"

G_BEGIN_DECLS

#define CFAI_TYPE_GALLERY_CELL (cfai_gallery_cell_get_type ())

G_DECLARE_FINAL_TYPE (CfaiGalleryCell, cfai_gallery_cell, CFAI, GALLERY_CELL, GtkWidget)

CfaiImageRecord *cfai_gallery_cell_get_record      (CfaiGalleryCell *self);
void             cfai_gallery_cell_set_record      (CfaiGalleryCell *self,
                                                    CfaiImageRecord *record);
gboolean         cfai_gallery_cell_get_has_thumbnail (CfaiGalleryCell *self);

G_END_DECLS
