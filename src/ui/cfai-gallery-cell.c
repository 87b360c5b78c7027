/* cfai-gallery-cell.c — one thumbnail of the gallery
 *
 * The grid recycles cells: binding a record asks the shared thumbnail
 * loader for its thumbnail (at once when it is in memory), and binding
 * another record or none cancels the request, so only rows on screen are
 * ever decoded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-gallery-cell.h"
#include "cfai-thumbnail-loader.h"

#define CELL_SIZE 160

struct _CfaiGalleryCell
{
  GtkWidget        parent_instance;

  CfaiImageRecord *record;
  GCancellable    *cancellable;
  GtkPicture      *picture;
};

G_DEFINE_FINAL_TYPE (CfaiGalleryCell, cfai_gallery_cell, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RECORD,
  PROP_HAS_THUMBNAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_texture (CfaiGalleryCell *self,
              GdkTexture      *texture)
{
  gboolean had = gtk_picture_get_paintable (self->picture) != NULL;

  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  if (had != (texture != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_THUMBNAIL]);
}

static void
on_thumbnail_loaded (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(CfaiGalleryCell) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  texture = cfai_thumbnail_loader_load_finish (CFAI_THUMBNAIL_LOADER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (texture == NULL)
    {
      /* A missing or damaged file: the cell says so instead of staying blank. */
      g_debug ("%s", error->message);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self), "broken");
      return;
    }
  show_texture (self, texture);
}

/* Every cell has the same size whatever its picture, so a thumbnail
 * that arrives never makes the grid measure its rows again. */
static void
cfai_gallery_cell_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  *minimum = *natural = CELL_SIZE;
}

static void
cfai_gallery_cell_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  gtk_widget_allocate (GTK_WIDGET (CFAI_GALLERY_CELL (widget)->picture), width, height, baseline, NULL);
}

static void
cfai_gallery_cell_dispose (GObject *object)
{
  CfaiGalleryCell *self = CFAI_GALLERY_CELL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_GALLERY_CELL);
  g_clear_object (&self->record);

  G_OBJECT_CLASS (cfai_gallery_cell_parent_class)->dispose (object);
}

static void
cfai_gallery_cell_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CfaiGalleryCell *self = CFAI_GALLERY_CELL (object);

  switch (prop_id)
    {
    case PROP_RECORD:
      g_value_set_object (value, self->record);
      break;
    case PROP_HAS_THUMBNAIL:
      g_value_set_boolean (value, cfai_gallery_cell_get_has_thumbnail (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_gallery_cell_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CfaiGalleryCell *self = CFAI_GALLERY_CELL (object);

  switch (prop_id)
    {
    case PROP_RECORD:
      cfai_gallery_cell_set_record (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_gallery_cell_class_init (CfaiGalleryCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_gallery_cell_dispose;
  object_class->get_property = cfai_gallery_cell_get_property;
  object_class->set_property = cfai_gallery_cell_set_property;

  properties[PROP_RECORD] =
    g_param_spec_object ("record", NULL, NULL, CFAI_TYPE_IMAGE_RECORD,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HAS_THUMBNAIL] =
    g_param_spec_boolean ("has-thumbnail", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-gallery-cell.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiGalleryCell, picture);
  widget_class->measure = cfai_gallery_cell_measure;
  widget_class->size_allocate = cfai_gallery_cell_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "cfai-gallery-cell");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
cfai_gallery_cell_init (CfaiGalleryCell *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CfaiImageRecord *
cfai_gallery_cell_get_record (CfaiGalleryCell *self)
{
  g_return_val_if_fail (CFAI_IS_GALLERY_CELL (self), NULL);
  return self->record;
}

gboolean
cfai_gallery_cell_get_has_thumbnail (CfaiGalleryCell *self)
{
  g_return_val_if_fail (CFAI_IS_GALLERY_CELL (self), FALSE);
  return gtk_picture_get_paintable (self->picture) != NULL;
}

void
cfai_gallery_cell_set_record (CfaiGalleryCell *self,
                              CfaiImageRecord *record)
{
  CfaiThumbnailLoader *loader = cfai_thumbnail_loader_get_default ();
  g_autoptr(GFile) image = NULL;
  g_autoptr(GFile) cache = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  g_return_if_fail (CFAI_IS_GALLERY_CELL (self));
  g_return_if_fail (record == NULL || CFAI_IS_IMAGE_RECORD (record));

  if (!g_set_object (&self->record, record))
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_remove_css_class (GTK_WIDGET (self), "broken");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
  show_texture (self, NULL);

  if (record != NULL)
    {
      const char *prompt = cfai_image_record_get_prompt (record);

      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      prompt != NULL && *prompt != '\0' ? prompt : _("Image"),
                                      -1);
      image = g_file_new_for_path (cfai_image_record_get_path (record));
      texture = cfai_thumbnail_loader_lookup (loader, image);
      if (texture != NULL)
        show_texture (self, texture);
      else
        {
          const char *thumbnail = cfai_image_record_get_thumbnail_path (record);

          cache = thumbnail != NULL ? g_file_new_for_path (thumbnail) : NULL;
          self->cancellable = g_cancellable_new ();
          cfai_thumbnail_loader_load_async (loader, image, cache, self->cancellable,
                                            on_thumbnail_loaded, g_object_ref (self));
        }
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORD]);
}
