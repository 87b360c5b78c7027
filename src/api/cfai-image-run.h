/* cfai-image-run.h — one image from a text-to-image model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-image-model-rules.h"
#include "cfai-image-request.h"
#include "cfai-run.h"

G_BEGIN_DECLS

#define CFAI_TYPE_IMAGE_RUN (cfai_image_run_get_type ())

G_DECLARE_FINAL_TYPE (CfaiImageRun, cfai_image_run, CFAI, IMAGE_RUN, CfaiRun)

CfaiImageRun     *cfai_image_run_new           (CfaiClient          *client,
                                                CfaiImageRequest    *request,
                                                CfaiImageModelRules *rules);
CfaiImageRequest *cfai_image_run_get_request   (CfaiImageRun        *self);
CfaiImageRequest *cfai_image_run_get_sent_request (CfaiImageRun     *self);
GBytes           *cfai_image_run_get_image     (CfaiImageRun        *self);
const char       *cfai_image_run_get_mime_type (CfaiImageRun        *self);
gint64            cfai_image_run_get_seed      (CfaiImageRun        *self);

G_END_DECLS
