/* cfai-text-block.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CFAI_TYPE_TEXT_BLOCK (cfai_text_block_get_type ())

G_DECLARE_FINAL_TYPE (CfaiTextBlock, cfai_text_block, CFAI, TEXT_BLOCK, GtkWidget)

GtkWidget  *cfai_text_block_new           (void);
void        cfai_text_block_set_markup    (CfaiTextBlock *self,
                                           const char    *markup);
const char *cfai_text_block_get_markup    (CfaiTextBlock *self);
void        cfai_text_block_set_text      (CfaiTextBlock *self,
                                           const char    *text);
void        cfai_text_block_set_fit_text  (CfaiTextBlock *self,
                                           gboolean       fit_text);
const char *cfai_text_block_get_text      (CfaiTextBlock *self);
char       *cfai_text_block_get_selected  (CfaiTextBlock *self);
void        cfai_text_block_select_range  (CfaiTextBlock *self,
                                           int            start,
                                           int            end);
guint       cfai_text_block_get_n_links   (CfaiTextBlock *self);
const char *cfai_text_block_get_link      (CfaiTextBlock *self,
                                           guint          index,
                                           int           *start,
                                           int           *end);
int         cfai_text_block_get_focus_link (CfaiTextBlock *self);

/* For tests: how many times text blocks were laid out, in all */
guint       cfai_text_block_get_layouts   (void);

G_END_DECLS
