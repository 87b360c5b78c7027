/* cfai-image-record.h — one picture of the gallery and how it was made
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cfai-image-request.h"

G_BEGIN_DECLS

#define CFAI_TYPE_IMAGE_RECORD (cfai_image_record_get_type ())

G_DECLARE_FINAL_TYPE (CfaiImageRecord, cfai_image_record, CFAI, IMAGE_RECORD, GObject)

/* Records are made by CfaiImageStore and never change: every property is
 * read-only, so rows bound to them need no notifications. */
gint64              cfai_image_record_get_id               (CfaiImageRecord *self);
const char         *cfai_image_record_get_prompt           (CfaiImageRecord *self);
const char         *cfai_image_record_get_negative_prompt  (CfaiImageRecord *self);
const char         *cfai_image_record_get_model            (CfaiImageRecord *self);
const char         *cfai_image_record_get_parameters       (CfaiImageRecord *self);
gint64              cfai_image_record_get_seed             (CfaiImageRecord *self);
guint               cfai_image_record_get_width            (CfaiImageRecord *self);
guint               cfai_image_record_get_height           (CfaiImageRecord *self);
const char         *cfai_image_record_get_mime_type        (CfaiImageRecord *self);
const char         *cfai_image_record_get_path             (CfaiImageRecord *self);
const char         *cfai_image_record_get_thumbnail_path   (CfaiImageRecord *self);
const char * const *cfai_image_record_get_reference_paths  (CfaiImageRecord *self);
gint64              cfai_image_record_get_created_at       (CfaiImageRecord *self);
double              cfai_image_record_get_estimated_cost   (CfaiImageRecord *self);
CfaiImageRequest   *cfai_image_record_dup_request          (CfaiImageRecord *self);
gboolean            cfai_image_record_matches              (CfaiImageRecord *self,
                                                            const char      *search,
                                                            const char      *model);

G_END_DECLS
