/* cfai-image-queue.h — the studio's images, run a few at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-image-job.h"

G_BEGIN_DECLS

#define CFAI_TYPE_IMAGE_QUEUE (cfai_image_queue_get_type ())

G_DECLARE_FINAL_TYPE (CfaiImageQueue, cfai_image_queue, CFAI, IMAGE_QUEUE, GObject)

CfaiImageQueue *cfai_image_queue_new             (void);
void            cfai_image_queue_add             (CfaiImageQueue *self,
                                                  CfaiImageJob   *job);
guint           cfai_image_queue_get_max_running (CfaiImageQueue *self);
void            cfai_image_queue_set_max_running (CfaiImageQueue *self,
                                                  guint           max_running);
guint           cfai_image_queue_get_n_running   (CfaiImageQueue *self);
guint           cfai_image_queue_get_n_pending   (CfaiImageQueue *self);
void            cfai_image_queue_cancel_all      (CfaiImageQueue *self);

G_END_DECLS
