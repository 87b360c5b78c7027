/* cfai-model-row.h — one model in the model picker's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cfai-model.h"

G_BEGIN_DECLS

#define CFAI_TYPE_MODEL_ROW (cfai_model_row_get_type ())

G_DECLARE_FINAL_TYPE (CfaiModelRow, cfai_model_row, CFAI, MODEL_ROW, GtkWidget)

GtkWidget  *cfai_model_row_new                      (void);
CfaiModel  *cfai_model_row_get_model                (CfaiModelRow *self);
void        cfai_model_row_set_model                (CfaiModelRow *self,
                                                     CfaiModel    *model);
const char *cfai_model_row_get_current_model_id     (CfaiModelRow *self);
void        cfai_model_row_set_current_model_id     (CfaiModelRow *self,
                                                     const char   *model_id);
const char *cfai_model_row_get_accessible_label     (CfaiModelRow *self);

char       *cfai_model_format_context_window        (gint64        tokens);
char       *cfai_model_format_date                  (GDateTime    *date);

G_END_DECLS
