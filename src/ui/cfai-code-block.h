/* cfai-code-block.h — one fenced code block of an answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CFAI_TYPE_CODE_BLOCK (cfai_code_block_get_type ())

G_DECLARE_FINAL_TYPE (CfaiCodeBlock, cfai_code_block, CFAI, CODE_BLOCK, GtkWidget)

GtkWidget  *cfai_code_block_new          (void);
const char *cfai_code_block_get_code     (CfaiCodeBlock *self);
void        cfai_code_block_set_code     (CfaiCodeBlock *self,
                                          const char    *code);
const char *cfai_code_block_get_language (CfaiCodeBlock *self);
void        cfai_code_block_set_language (CfaiCodeBlock *self,
                                          const char    *language);

G_END_DECLS
