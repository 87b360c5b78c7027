/* cfai-image-studio-private.h — what cfai-image-studio.c and its actions share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-application.h"
#include "cfai-chat-stream.h"
#include "cfai-image-settings.h"
#include "cfai-image-studio.h"
#include "cfai-model-picker.h"
#include "cfai-reference-images.h"

G_BEGIN_DECLS

struct _CfaiImageStudio
{
  GtkWidget            parent_instance;

  GCancellable        *cancellable;
  GCancellable        *rules_cancellable;   /* the schema being fetched, if any */
  CfaiImageQueue      *queue;
  CfaiPromptHints     *hints;
  GListStore          *shown_hints;  /* what the hints list shows, changed only where the hints did */
  CfaiImageModelRules *rules;
  guint                hints_timeout;

  /* Reuse Settings: applied once the rules of its model are known */
  CfaiImageRequest    *pending_request;
  gboolean             pending_keep_seed;

  /* Enhance with AI: the rewrite being streamed or shown */
  CfaiChatStream      *enhance_stream;
  char                *enhance_before;
  GString             *enhance_after;

  GtkTextView         *prompt_view;
  GtkToggleButton     *hints_button;
  GtkRevealer         *hints_revealer;
  GtkListBox          *hints_list;
  GtkWidget           *rewrite_box;
  GtkLabel            *rewrite_label;
  GtkRevealer         *enhance_revealer;
  GtkLabel            *before_label;
  GtkLabel            *after_label;
  GtkWidget           *enhance_spinner;
  GtkLabel            *enhance_error;
  CfaiModelPicker     *model_picker;
  CfaiImageSettings   *settings;
  CfaiReferenceImages *references;
  GtkLabel            *notice_label;
  GtkSpinButton       *count_button;
  GtkStack            *results_stack;
  GtkFlowBox          *results_box;
};

CfaiApplication *cfai_image_studio_get_application (CfaiImageStudio *self);
void             cfai_image_studio_set_notice      (CfaiImageStudio *self,
                                                    const char      *text);
void             cfai_image_studio_show_rewrite    (CfaiImageStudio *self);
void             cfai_image_studio_notify_busy     (CfaiImageStudio *self);
void             cfai_image_studio_on_job_state    (CfaiImageStudio *self,
                                                    GParamSpec      *pspec,
                                                    CfaiImageJob    *job);
void             _cfai_image_studio_class_actions_init (GtkWidgetClass *widget_class);
void             _cfai_image_studio_update_actions (CfaiImageStudio *self);
void             _cfai_image_studio_actions_dispose (CfaiImageStudio *self);

G_END_DECLS
