/* cfai-prompt-hint-row.h — one prompt hint, with a chip that acts on it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cfai-prompt-hint.h"

G_BEGIN_DECLS

#define CFAI_TYPE_PROMPT_HINT_ROW (cfai_prompt_hint_row_get_type ())

G_DECLARE_FINAL_TYPE (CfaiPromptHintRow, cfai_prompt_hint_row, CFAI, PROMPT_HINT_ROW, GtkWidget)

GtkWidget      *cfai_prompt_hint_row_new      (CfaiPromptHint    *hint);
CfaiPromptHint *cfai_prompt_hint_row_get_hint (CfaiPromptHintRow *self);
GtkButton      *cfai_prompt_hint_row_get_chip (CfaiPromptHintRow *self);

G_END_DECLS
