/* cfai-image-job-row.h — one image of the queue: its state, picture and seed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cfai-image-job.h"

G_BEGIN_DECLS

#define CFAI_TYPE_IMAGE_JOB_ROW (cfai_image_job_row_get_type ())

G_DECLARE_FINAL_TYPE (CfaiImageJobRow, cfai_image_job_row, CFAI, IMAGE_JOB_ROW, GtkWidget)

GtkWidget    *cfai_image_job_row_new     (CfaiImageJob    *job);
CfaiImageJob *cfai_image_job_row_get_job (CfaiImageJobRow *self);

G_END_DECLS
