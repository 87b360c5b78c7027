/* cfai-model-picker.h — a button that opens a searchable list of models
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cfai-model-catalog.h"

G_BEGIN_DECLS

#define CFAI_TYPE_MODEL_PICKER (cfai_model_picker_get_type ())

G_DECLARE_FINAL_TYPE (CfaiModelPicker, cfai_model_picker, CFAI, MODEL_PICKER, GtkWidget)

GtkWidget        *cfai_model_picker_new                   (const char       *task);
CfaiModelCatalog *cfai_model_picker_get_catalog           (CfaiModelPicker  *self);
void              cfai_model_picker_set_catalog           (CfaiModelPicker  *self,
                                                           CfaiModelCatalog *catalog);
const char       *cfai_model_picker_get_task              (CfaiModelPicker  *self);
void              cfai_model_picker_set_task              (CfaiModelPicker  *self,
                                                           const char       *task);
const char       *cfai_model_picker_get_selected_model_id (CfaiModelPicker  *self);
void              cfai_model_picker_set_selected_model_id (CfaiModelPicker  *self,
                                                           const char       *model_id);
CfaiModel        *cfai_model_picker_get_selected_model    (CfaiModelPicker  *self);
gboolean          cfai_model_picker_get_retired           (CfaiModelPicker  *self);
const char       *cfai_model_picker_get_replacement_id    (CfaiModelPicker  *self);
void              cfai_model_picker_popup                 (CfaiModelPicker  *self);
void              cfai_model_picker_popdown               (CfaiModelPicker  *self);

G_END_DECLS
