/* cfai-reference-images.c — pictures the next images build on
 *
 * FLUX.2 takes up to four reference pictures, each at most 512×512; the
 * Stable Diffusion models with img2img take one, with a strength.  The
 * group shows only for models that take them, and only what they take.
 *
 * Pictures come from the file dialog, the clipboard or a drop.  Each is
 * decoded in a worker thread (kept at most 2048 pixels on a side, with a
 * small thumbnail to show); when the images are made, they are scaled to
 * what the model takes and encoded as PNG, again off the main thread.
 * Pictures are kept when the user switches to a model that takes fewer
 * or none: the request then says what is wrong, and switching back
 * loses nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-image-file-dialog.h"
#include "cfai-image-job.h"
#include "cfai-reference-images.h"

#define KEPT_MAX_SIDE 2048
#define THUMB_SIDE 128

struct _CfaiReferenceImages
{
  GtkWidget            parent_instance;

  CfaiImageModelRules *rules;
  GPtrArray           *images;       /* GdkTexture, at most KEPT_MAX_SIDE */
  GPtrArray           *thumbs;       /* GdkTexture, for the strip */
  GCancellable        *cancellable;

  AdwPreferencesGroup *group;
  GtkWidget           *add_button;
  GtkBox              *thumbs_box;
  GtkLabel            *error_label;
  AdwSpinRow          *strength_row;
};

G_DEFINE_FINAL_TYPE (CfaiReferenceImages, cfai_reference_images, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_N_IMAGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static CfaiImageReferenceKind
reference_kind (CfaiReferenceImages *self)
{
  return self->rules != NULL ? cfai_image_model_rules_get_reference_kind (self->rules) : CFAI_IMAGE_REFERENCE_NONE;
}

static guint
max_images (CfaiReferenceImages *self)
{
  return self->rules != NULL ? cfai_image_model_rules_get_max_reference_images (self->rules) : 0;
}

static void
set_error (CfaiReferenceImages *self,
           const char          *text)
{
  gtk_label_set_text (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
  if (text != NULL)
    gtk_accessible_announce (GTK_ACCESSIBLE (self), text, GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_MEDIUM);
}

static void
update (CfaiReferenceImages *self)
{
  CfaiImageReferenceKind kind = reference_kind (self);
  guint max = max_images (self);
  GtkWidget *child;
  g_autofree char *description = NULL;

  /* Kept pictures stay visible after a switch to a model that takes
   * none, so they can be removed. */
  gtk_widget_set_visible (GTK_WIDGET (self), kind != CFAI_IMAGE_REFERENCE_NONE || self->images->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->strength_row), kind == CFAI_IMAGE_REFERENCE_IMG2IMG);
  gtk_widget_set_sensitive (self->add_button, self->images->len < max);

  if (kind == CFAI_IMAGE_REFERENCE_NONE)
    description = g_strdup (_("This model takes no reference images: remove them or choose another model"));
  else if (kind == CFAI_IMAGE_REFERENCE_IMG2IMG)
    description = g_strdup (_("A picture to start from: add it with the button, paste it or drop it here"));
  else
    description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "Up to %u picture the model builds on: add it with the button, paste it or drop it here",
                                                "Up to %u pictures the model builds on: add them with the button, paste them or drop them here",
                                                max),
                                   max);
  adw_preferences_group_set_description (self->group, description);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->thumbs_box))) != NULL)
    gtk_box_remove (self->thumbs_box, child);

  for (guint i = 0; i < self->thumbs->len; i++)
    {
      GtkWidget *overlay = gtk_overlay_new ();
      GtkWidget *picture = gtk_picture_new_for_paintable (g_ptr_array_index (self->thumbs, i));
      GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");
      g_autofree char *label = g_strdup_printf (_("Reference image %u"), i + 1);

      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
      gtk_widget_set_size_request (picture, 64, 64);
      gtk_widget_add_css_class (picture, "cfai-thumbnail");
      gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_overlay_set_child (GTK_OVERLAY (overlay), picture);

      gtk_widget_set_tooltip_text (remove, _("Remove Reference Image"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Remove Reference Image"), -1);
      gtk_widget_set_halign (remove, GTK_ALIGN_END);
      gtk_widget_set_valign (remove, GTK_ALIGN_START);
      gtk_widget_add_css_class (remove, "osd");
      gtk_widget_add_css_class (remove, "circular");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "references.remove");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "u", i);
      gtk_overlay_add_overlay (GTK_OVERLAY (overlay), remove);

      gtk_box_append (self->thumbs_box, overlay);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->thumbs_box), self->thumbs->len > 0);
}

/* Adding ------------------------------------------------------------------ */

typedef struct
{
  GdkTexture *image;
  GdkTexture *thumb;
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_object (&loaded->image);
  g_clear_object (&loaded->thumb);
  g_free (loaded);
}

static void
return_loaded (GTask      *task,
               GdkTexture *texture)
{
  Loaded *loaded = g_new0 (Loaded, 1);

  loaded->image = cfai_image_scale_texture (texture, KEPT_MAX_SIDE, KEPT_MAX_SIDE);
  loaded->thumb = cfai_image_scale_texture (loaded->image, THUMB_SIDE, THUMB_SIDE);
  g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_free);
}

static void
load_bytes_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (task_data, &error);

  if (texture == NULL)
    g_task_return_error (task, error);
  else
    return_loaded (task, texture);
}

static void
load_texture_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  return_loaded (task, task_data);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  CfaiReferenceImages *self = CFAI_REFERENCE_IMAGES (source);
  g_autoptr(GError) error = NULL;
  Loaded *loaded = g_task_propagate_pointer (G_TASK (result), &error);

  if (loaded == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_strdup_printf (_("This file is not a picture CfAI can read: %s"), error->message);
      set_error (self, text);
      return;
    }

  if (self->images->len >= max_images (self))
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%s takes only %u reference image.",
                                                            "%s takes only %u reference images.",
                                                            max_images (self)),
                                               self->rules != NULL ? cfai_image_model_rules_get_display_name (self->rules)
                                                                   : _("This model"),
                                               max_images (self));
      set_error (self, max_images (self) > 0 ? text : _("This model takes no reference images."));
      loaded_free (loaded);
      return;
    }

  g_ptr_array_add (self->images, g_steal_pointer (&loaded->image));
  g_ptr_array_add (self->thumbs, g_steal_pointer (&loaded->thumb));
  loaded_free (loaded);
  set_error (self, NULL);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_IMAGES]);
}

static void
load (CfaiReferenceImages *self,
      GTaskThreadFunc      thread_func,
      gpointer             data,
      GDestroyNotify       destroy)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_loaded, NULL);

  g_task_set_source_tag (task, load);
  g_task_set_task_data (task, data, destroy);
  g_task_run_in_thread (task, thread_func);
}

/**
 * cfai_reference_images_add_bytes:
 * @bytes: a PNG, JPEG or WebP file's bytes
 */
void
cfai_reference_images_add_bytes (CfaiReferenceImages *self,
                                 GBytes              *bytes)
{
  g_return_if_fail (CFAI_IS_REFERENCE_IMAGES (self));
  g_return_if_fail (bytes != NULL);

  load (self, load_bytes_thread, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
}

void
cfai_reference_images_add_texture (CfaiReferenceImages *self,
                                   GdkTexture          *texture)
{
  g_return_if_fail (CFAI_IS_REFERENCE_IMAGES (self));
  g_return_if_fail (GDK_IS_TEXTURE (texture));

  load (self, load_texture_thread, g_object_ref (texture), g_object_unref);
}

static void
on_file_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CfaiReferenceImages) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);

  if (bytes != NULL)
    cfai_reference_images_add_bytes (self, bytes);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_error (self, error->message);
}

void
cfai_reference_images_add_file (CfaiReferenceImages *self,
                                GFile               *file)
{
  g_return_if_fail (CFAI_IS_REFERENCE_IMAGES (self));
  g_return_if_fail (G_IS_FILE (file));

  g_file_load_bytes_async (file, self->cancellable, on_file_read, g_object_ref (self));
}

static void
on_files_chosen (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CfaiReferenceImages) self = user_data;
  g_autoptr(GListModel) files = gtk_file_dialog_open_multiple_finish (GTK_FILE_DIALOG (source), result, NULL);
  guint n = files != NULL ? g_list_model_get_n_items (files) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);

      cfai_reference_images_add_file (self, file);
    }
}

static void
add_action (GtkWidget  *widget,
            const char *name,
            GVariant   *param)
{
  CfaiReferenceImages *self = CFAI_REFERENCE_IMAGES (widget);
  g_autoptr(GtkFileDialog) dialog = cfai_image_file_dialog_new (_("Add Reference Images"));

  gtk_file_dialog_open_multiple (dialog, GTK_WINDOW (gtk_widget_get_root (widget)),
                                 self->cancellable, on_files_chosen, g_object_ref (self));
}

static void
remove_action (GtkWidget  *widget,
               const char *name,
               GVariant   *param)
{
  CfaiReferenceImages *self = CFAI_REFERENCE_IMAGES (widget);
  guint index = g_variant_get_uint32 (param);

  if (index >= self->images->len)
    return;

  g_ptr_array_remove_index (self->images, index);
  g_ptr_array_remove_index (self->thumbs, index);
  set_error (self, NULL);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_IMAGES]);
}

/* Preparing --------------------------------------------------------------- */

typedef struct
{
  GPtrArray *images;     /* GdkTexture */
  int        max_width;  /* 0: the model states no limit */
  int        max_height;
} Prepare;

static void
prepare_free (Prepare *prepare)
{
  g_ptr_array_unref (prepare->images);
  g_free (prepare);
}

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Prepare *prepare = task_data;
  g_autoptr(GPtrArray) encoded = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < prepare->images->len; i++)
    {
      GdkTexture *image = g_ptr_array_index (prepare->images, i);
      g_autoptr(GdkTexture) fitted = prepare->max_width > 0
                                     ? cfai_image_scale_texture (image, prepare->max_width, prepare->max_height)
                                     : g_object_ref (image);

      if (g_task_return_error_if_cancelled (task))
        return;
      g_ptr_array_add (encoded, gdk_texture_save_to_png_bytes (fitted));
    }

  g_task_return_pointer (task, g_steal_pointer (&encoded), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * cfai_reference_images_prepare_async:
 *
 * Scales the pictures to what the model takes and encodes them as PNG,
 * in a worker thread.
 */
void
cfai_reference_images_prepare_async (CfaiReferenceImages *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Prepare *prepare;
  guint max_width = 0;
  guint max_height = 0;

  g_return_if_fail (CFAI_IS_REFERENCE_IMAGES (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_reference_images_prepare_async);

  prepare = g_new0 (Prepare, 1);
  prepare->images = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->images->len; i++)
    g_ptr_array_add (prepare->images, g_object_ref (g_ptr_array_index (self->images, i)));
  if (self->rules != NULL && cfai_image_model_rules_get_reference_max_size (self->rules, &max_width, &max_height))
    {
      prepare->max_width = max_width;
      prepare->max_height = max_height;
    }
  g_task_set_task_data (task, prepare, (GDestroyNotify) prepare_free);
  g_task_run_in_thread (task, prepare_thread);
}

/**
 * cfai_reference_images_prepare_finish:
 *
 * Returns: (transfer container) (element-type GBytes): the pictures as PNG
 */
GPtrArray *
cfai_reference_images_prepare_finish (CfaiReferenceImages  *self,
                                      GAsyncResult         *result,
                                      GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Object ------------------------------------------------------------------ */

static void
cfai_reference_images_dispose (GObject *object)
{
  CfaiReferenceImages *self = CFAI_REFERENCE_IMAGES (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_REFERENCE_IMAGES);

  G_OBJECT_CLASS (cfai_reference_images_parent_class)->dispose (object);
}

static void
cfai_reference_images_finalize (GObject *object)
{
  CfaiReferenceImages *self = CFAI_REFERENCE_IMAGES (object);

  g_clear_pointer (&self->rules, cfai_image_model_rules_unref);
  g_clear_pointer (&self->images, g_ptr_array_unref);
  g_clear_pointer (&self->thumbs, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (cfai_reference_images_parent_class)->finalize (object);
}

static void
cfai_reference_images_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CfaiReferenceImages *self = CFAI_REFERENCE_IMAGES (object);

  switch (prop_id)
    {
    case PROP_N_IMAGES:
      g_value_set_uint (value, self->images->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_reference_images_class_init (CfaiReferenceImagesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_reference_images_dispose;
  object_class->finalize = cfai_reference_images_finalize;
  object_class->get_property = cfai_reference_images_get_property;

  properties[PROP_N_IMAGES] =
    g_param_spec_uint ("n-images", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-reference-images.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiReferenceImages, group);
  gtk_widget_class_bind_template_child (widget_class, CfaiReferenceImages, add_button);
  gtk_widget_class_bind_template_child (widget_class, CfaiReferenceImages, thumbs_box);
  gtk_widget_class_bind_template_child (widget_class, CfaiReferenceImages, error_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiReferenceImages, strength_row);
  gtk_widget_class_install_action (widget_class, "references.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "references.remove", "u", remove_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cfai_reference_images_init (CfaiReferenceImages *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->images = g_ptr_array_new_with_free_func (g_object_unref);
  self->thumbs = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  update (self);
}

void
cfai_reference_images_set_rules (CfaiReferenceImages *self,
                                 CfaiImageModelRules *rules)
{
  double minimum = 0, maximum = 1, value = 0.5;

  g_return_if_fail (CFAI_IS_REFERENCE_IMAGES (self));

  if (self->rules == rules)
    return;

  g_clear_pointer (&self->rules, cfai_image_model_rules_unref);
  self->rules = rules != NULL ? cfai_image_model_rules_ref (rules) : NULL;

  if (reference_kind (self) == CFAI_IMAGE_REFERENCE_IMG2IMG)
    {
      GtkAdjustment *adjustment = adw_spin_row_get_adjustment (self->strength_row);

      cfai_image_model_rules_get_minimum (rules, CFAI_IMAGE_FIELD_STRENGTH, &minimum);
      cfai_image_model_rules_get_maximum (rules, CFAI_IMAGE_FIELD_STRENGTH, &maximum);
      cfai_image_model_rules_get_default (rules, CFAI_IMAGE_FIELD_STRENGTH, &value);
      gtk_adjustment_configure (adjustment, CLAMP (value, minimum, maximum), minimum, maximum,
                                gtk_adjustment_get_step_increment (adjustment),
                                gtk_adjustment_get_page_increment (adjustment), 0);
    }
  set_error (self, NULL);
  update (self);
}

guint
cfai_reference_images_get_n_images (CfaiReferenceImages *self)
{
  g_return_val_if_fail (CFAI_IS_REFERENCE_IMAGES (self), 0);
  return self->images->len;
}

/* -1 when the model takes no strength. */
double
cfai_reference_images_get_strength (CfaiReferenceImages *self)
{
  g_return_val_if_fail (CFAI_IS_REFERENCE_IMAGES (self), -1);

  if (reference_kind (self) != CFAI_IMAGE_REFERENCE_IMG2IMG)
    return -1;
  return adw_spin_row_get_value (self->strength_row);
}
