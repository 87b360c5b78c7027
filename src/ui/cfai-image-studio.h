/* cfai-image-studio.h — the image studio: prompt, model, settings, queue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cfai-image-queue.h"
#include "cfai-prompt-hints.h"
#include "cfai-reference-images.h"

G_BEGIN_DECLS

#define CFAI_TYPE_IMAGE_STUDIO (cfai_image_studio_get_type ())

G_DECLARE_FINAL_TYPE (CfaiImageStudio, cfai_image_studio, CFAI, IMAGE_STUDIO, GtkWidget)

GtkWidget       *cfai_image_studio_new          (void);
const char      *cfai_image_studio_get_title    (CfaiImageStudio *self);
gboolean         cfai_image_studio_get_busy     (CfaiImageStudio *self);
const char      *cfai_image_studio_get_model    (CfaiImageStudio *self);
void             cfai_image_studio_set_model    (CfaiImageStudio *self,
                                                 const char      *model);
CfaiImageQueue  *cfai_image_studio_get_queue    (CfaiImageStudio *self);
CfaiPromptHints *cfai_image_studio_get_hints    (CfaiImageStudio *self);
CfaiReferenceImages *cfai_image_studio_get_references (CfaiImageStudio *self);
GtkTextView     *cfai_image_studio_get_prompt_view (CfaiImageStudio *self);
char            *cfai_image_studio_dup_prompt   (CfaiImageStudio *self);
void             cfai_image_studio_focus_prompt (CfaiImageStudio *self);
void             cfai_image_studio_apply_request (CfaiImageStudio  *self,
                                                  CfaiImageRequest *request,
                                                  gboolean          keep_seed);

G_END_DECLS
