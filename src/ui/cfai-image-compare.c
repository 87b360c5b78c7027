/* cfai-image-compare.c — two to four pictures side by side with their settings
 *
 * One column per picture, made for the records given (their number is
 * only known then): the thumbnail, the prompt and everything else about
 * how it was made, so differences in seed, steps or model are read
 * across.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-format.h"
#include "cfai-image-compare.h"
#include "cfai-thumbnail-loader.h"

struct _CfaiImageCompare
{
  AdwDialog     parent_instance;

  GCancellable *cancellable;
  GtkBox       *columns;
  guint         n_shown;
};

G_DEFINE_FINAL_TYPE (CfaiImageCompare, cfai_image_compare, ADW_TYPE_DIALOG)

static void
on_thumbnail (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GtkPicture) picture = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = cfai_thumbnail_loader_load_finish (CFAI_THUMBNAIL_LOADER (source), result, &error);

  if (texture != NULL)
    gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_widget_set_tooltip_text (GTK_WIDGET (picture), error->message);
}

static void
add_column (CfaiImageCompare *self,
            CfaiImageRecord  *record)
{
  g_autoptr(GFile) image = g_file_new_for_path (cfai_image_record_get_path (record));
  g_autoptr(GFile) cache = NULL;
  g_autofree char *summary = cfai_format_image_summary (record);
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *prompt = gtk_label_new (cfai_image_record_get_prompt (record));
  GtkWidget *details = gtk_label_new (summary);

  gtk_widget_set_size_request (picture, 200, 200);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  cfai_image_record_get_prompt (record), -1);
  gtk_label_set_wrap (GTK_LABEL (prompt), TRUE);
  gtk_label_set_xalign (GTK_LABEL (prompt), 0);
  gtk_widget_add_css_class (prompt, "heading");
  gtk_label_set_wrap (GTK_LABEL (details), TRUE);
  gtk_label_set_xalign (GTK_LABEL (details), 0);

  gtk_box_append (GTK_BOX (column), picture);
  gtk_box_append (GTK_BOX (column), prompt);
  gtk_box_append (GTK_BOX (column), details);
  gtk_box_append (self->columns, column);

  if (cfai_image_record_get_thumbnail_path (record) != NULL)
    cache = g_file_new_for_path (cfai_image_record_get_thumbnail_path (record));
  cfai_thumbnail_loader_load_async (cfai_thumbnail_loader_get_default (), image, cache, self->cancellable,
                                    on_thumbnail, g_object_ref (picture));
  self->n_shown++;
}

static void
cfai_image_compare_dispose (GObject *object)
{
  CfaiImageCompare *self = CFAI_IMAGE_COMPARE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_IMAGE_COMPARE);

  G_OBJECT_CLASS (cfai_image_compare_parent_class)->dispose (object);
}

static void
cfai_image_compare_class_init (CfaiImageCompareClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_image_compare_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-image-compare.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiImageCompare, columns);
}

static void
cfai_image_compare_init (CfaiImageCompare *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * cfai_image_compare_new:
 * @records: (array length=n_records): two to four pictures
 * @n_records: how many
 *
 * Returns: (transfer floating): a dialog to present
 */
GtkWidget *
cfai_image_compare_new (CfaiImageRecord **records,
                        guint             n_records)
{
  CfaiImageCompare *self = g_object_new (CFAI_TYPE_IMAGE_COMPARE, NULL);

  for (guint i = 0; i < n_records && i < 4; i++)
    add_column (self, records[i]);
  return GTK_WIDGET (self);
}

guint
cfai_image_compare_get_n_shown (CfaiImageCompare *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_COMPARE (self), 0);
  return self->n_shown;
}
