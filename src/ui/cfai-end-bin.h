/* cfai-end-bin.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CFAI_TYPE_END_BIN (cfai_end_bin_get_type ())

G_DECLARE_FINAL_TYPE (CfaiEndBin, cfai_end_bin, CFAI, END_BIN, GtkWidget)

GtkWidget *cfai_end_bin_new       (void);
GtkWidget *cfai_end_bin_get_child (CfaiEndBin *self);
void       cfai_end_bin_set_child (CfaiEndBin *self,
                                   GtkWidget  *child);

G_END_DECLS
