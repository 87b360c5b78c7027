/* cfai-image-request.h — one text-to-image request and its body
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "cfai-image-model-rules.h"

G_BEGIN_DECLS

#define CFAI_TYPE_IMAGE_REQUEST (cfai_image_request_get_type ())

G_DECLARE_FINAL_TYPE (CfaiImageRequest, cfai_image_request, CFAI, IMAGE_REQUEST, GObject)

/* The error field (cfai_error_get_field()) of every refusal about
 * reference images: too many, none taken, not a picture. */
#define CFAI_IMAGE_REQUEST_FIELD_REFERENCE_IMAGES "reference_images"

CfaiImageRequest *cfai_image_request_new                 (const char           *model);
const char       *cfai_image_request_get_model           (CfaiImageRequest     *self);
void              cfai_image_request_set_model           (CfaiImageRequest     *self,
                                                          const char           *model);
const char       *cfai_image_request_get_prompt          (CfaiImageRequest     *self);
void              cfai_image_request_set_prompt          (CfaiImageRequest     *self,
                                                          const char           *prompt);
const char       *cfai_image_request_get_negative_prompt (CfaiImageRequest     *self);
void              cfai_image_request_set_negative_prompt (CfaiImageRequest     *self,
                                                          const char           *negative_prompt);
guint             cfai_image_request_get_steps           (CfaiImageRequest     *self);
void              cfai_image_request_set_steps           (CfaiImageRequest     *self,
                                                          guint                 steps);
guint             cfai_image_request_get_width           (CfaiImageRequest     *self);
void              cfai_image_request_set_width           (CfaiImageRequest     *self,
                                                          guint                 width);
guint             cfai_image_request_get_height          (CfaiImageRequest     *self);
void              cfai_image_request_set_height          (CfaiImageRequest     *self,
                                                          guint                 height);
gint64            cfai_image_request_get_seed            (CfaiImageRequest     *self);
void              cfai_image_request_set_seed            (CfaiImageRequest     *self,
                                                          gint64                seed);
double            cfai_image_request_get_guidance        (CfaiImageRequest     *self);
void              cfai_image_request_set_guidance        (CfaiImageRequest     *self,
                                                          double                guidance);
double            cfai_image_request_get_strength        (CfaiImageRequest     *self);
void              cfai_image_request_set_strength        (CfaiImageRequest     *self,
                                                          double                strength);
void              cfai_image_request_add_reference_image (CfaiImageRequest     *self,
                                                          GBytes               *image,
                                                          const char           *mime_type);
void              cfai_image_request_clear_reference_images (CfaiImageRequest  *self);
guint             cfai_image_request_get_n_reference_images (CfaiImageRequest  *self);
GBytes           *cfai_image_request_get_reference_image (CfaiImageRequest     *self,
                                                          guint                 index,
                                                          const char          **mime_type);
gint64            cfai_image_request_pick_seed           (CfaiImageRequest     *self,
                                                          CfaiImageModelRules  *rules);
CfaiImageRequest *cfai_image_request_copy                (CfaiImageRequest     *self);
JsonObject       *cfai_image_request_to_json             (CfaiImageRequest     *self);
CfaiImageRequest *cfai_image_request_new_from_json       (JsonObject           *object,
                                                          GError              **error);
gboolean          cfai_image_request_build               (CfaiImageRequest     *self,
                                                          CfaiImageModelRules  *rules,
                                                          char                **out_content_type,
                                                          GBytes              **out_body,
                                                          GError              **error);

G_END_DECLS
