/* cfai-image-job.h — one image of the studio's queue, from request to texture
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cfai-image-run.h"

G_BEGIN_DECLS

typedef enum
{
  CFAI_IMAGE_JOB_QUEUED,
  CFAI_IMAGE_JOB_RUNNING,    /* sent, or the answer is arriving or being decoded */
  CFAI_IMAGE_JOB_DONE,
  CFAI_IMAGE_JOB_FAILED,     /* CfaiImageJob:error says why */
  CFAI_IMAGE_JOB_CANCELLED,
} CfaiImageJobState;

#define CFAI_TYPE_IMAGE_JOB_STATE (cfai_image_job_state_get_type ())
#define CFAI_TYPE_IMAGE_JOB (cfai_image_job_get_type ())

GType cfai_image_job_state_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (CfaiImageJob, cfai_image_job, CFAI, IMAGE_JOB, GObject)

CfaiImageJob      *cfai_image_job_new           (CfaiClient          *client,
                                                 CfaiImageRequest    *request,
                                                 CfaiImageModelRules *rules);
guint64            cfai_image_job_get_id        (CfaiImageJob        *self);
CfaiImageJobState  cfai_image_job_get_state     (CfaiImageJob        *self);
gboolean           cfai_image_job_is_finished   (CfaiImageJob        *self);
CfaiImageRequest  *cfai_image_job_get_request   (CfaiImageJob        *self);
CfaiImageRun      *cfai_image_job_get_run       (CfaiImageJob        *self);
CfaiImageModelRules *cfai_image_job_get_rules   (CfaiImageJob        *self);
GdkTexture        *cfai_image_job_get_texture   (CfaiImageJob        *self);
const GError      *cfai_image_job_get_error     (CfaiImageJob        *self);
gint64             cfai_image_job_get_seed      (CfaiImageJob        *self);
void               cfai_image_job_start         (CfaiImageJob        *self);
void               cfai_image_job_cancel        (CfaiImageJob        *self);

GdkTexture        *cfai_image_scale_texture     (GdkTexture          *texture,
                                                 int                  max_width,
                                                 int                  max_height);
void               cfai_image_decode_async      (GBytes              *bytes,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GdkTexture        *cfai_image_decode_finish     (GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
