/* cfai-image-file-dialog.c — the file dialog for picking pictures to send
 *
 * Chat attachments and studio reference images take the same formats:
 * the ones Workers AI's vision and image models read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-image-file-dialog.h"

/**
 * cfai_image_file_dialog_new:
 * @title: the dialog's title, already translated
 *
 * Returns: (transfer full): a dialog showing PNG, JPEG and WebP files
 */
GtkFileDialog *
cfai_image_file_dialog_new (const char *title)
{
  GtkFileDialog *dialog = gtk_file_dialog_new ();
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);

  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/webp");
  g_list_store_append (filters, filter);
  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  return dialog;
}
