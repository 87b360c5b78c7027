/* cfai-image-file-dialog.h — the file dialog for picking pictures to send
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkFileDialog *cfai_image_file_dialog_new (const char *title);

G_END_DECLS
