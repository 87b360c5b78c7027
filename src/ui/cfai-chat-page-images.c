/* cfai-chat-page-images.c — images for the next message: attached from a
 * file, the clipboard or a drop, shown as removable thumbnails
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-chat-page-private.h"

static void
on_remove_image_clicked (GtkButton    *button,
                         CfaiChatPage *self)
{
  CfaiAttachment *attachment = g_object_get_data (G_OBJECT (button), "attachment");

  g_ptr_array_remove (self->pending_images, attachment);
  cfai_chat_page_update_attachments (self);
  cfai_chat_page_set_notice (self, NULL);
  _cfai_chat_page_update_actions (self);
}

void
cfai_chat_page_update_attachments (CfaiChatPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->attachments_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->attachments_box), child);

  for (guint i = 0; i < self->pending_images->len; i++)
    {
      CfaiAttachment *attachment = g_ptr_array_index (self->pending_images, i);
      g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (cfai_attachment_get_bytes (attachment), NULL);
      GtkWidget *overlay = gtk_overlay_new ();
      GtkWidget *picture;
      GtkWidget *remove;

      if (texture == NULL)
        continue;
      picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
      gtk_widget_set_size_request (picture, 64, 64);
      gtk_widget_add_css_class (picture, "cfai-thumbnail");
      gtk_accessible_update_property (GTK_ACCESSIBLE (picture),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Attached image"), -1);
      gtk_overlay_set_child (GTK_OVERLAY (overlay), picture);

      remove = gtk_button_new_from_icon_name ("window-close-symbolic");
      gtk_widget_set_tooltip_text (remove, _("Remove Image"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove Image"), -1);
      gtk_widget_set_halign (remove, GTK_ALIGN_END);
      gtk_widget_set_valign (remove, GTK_ALIGN_START);
      gtk_widget_set_margin_top (remove, 2);
      gtk_widget_set_margin_end (remove, 2);
      gtk_widget_add_css_class (remove, "osd");
      gtk_widget_add_css_class (remove, "circular");
      g_object_set_data_full (G_OBJECT (remove), "attachment", g_object_ref (attachment), g_object_unref);
      g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_image_clicked), self);
      gtk_overlay_add_overlay (GTK_OVERLAY (overlay), remove);

      gtk_box_append (GTK_BOX (self->attachments_box), overlay);
    }
  gtk_widget_set_visible (self->attachments_box, self->pending_images->len > 0);
}

/**
 * cfai_chat_page_add_image:
 * @bytes: a PNG, JPEG or WebP image
 *
 * Attaches an image to the next message (shown as a removable thumbnail).
 */
void
cfai_chat_page_add_image (CfaiChatPage *self,
                          GBytes       *bytes,
                          const char   *mime_type)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CFAI_IS_CHAT_PAGE (self));
  g_return_if_fail (bytes != NULL);

  texture = gdk_texture_new_from_bytes (bytes, &error);
  if (texture == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("This file is not an image CfAI can read: %s"),
                                               error->message);
      cfai_chat_page_set_notice (self, text);
      return;
    }

  g_ptr_array_add (self->pending_images,
                   cfai_attachment_new_for_bytes (mime_type, bytes,
                                                  gdk_texture_get_width (texture),
                                                  gdk_texture_get_height (texture)));
  cfai_chat_page_update_attachments (self);
  _cfai_chat_page_update_actions (self);
}

static void
add_texture (CfaiChatPage *self,
             GdkTexture   *texture)
{
  g_autoptr(GBytes) png = gdk_texture_save_to_png_bytes (texture);

  cfai_chat_page_add_image (self, png, "image/png");
}

static void
on_file_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CfaiChatPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  g_autofree char *type = NULL;

  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        cfai_chat_page_set_notice (self, error->message);
      return;
    }
  type = g_content_type_guess (NULL, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);
  cfai_chat_page_add_image (self, bytes, type);
}

void
cfai_chat_page_add_file (CfaiChatPage *self,
          GFile        *file)
{
  g_file_load_bytes_async (file, self->cancellable, on_file_loaded, g_object_ref (self));
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         CfaiChatPage  *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      for (GSList *l = g_value_get_boxed (value); l != NULL; l = l->next)
        cfai_chat_page_add_file (self, l->data);
      return TRUE;
    }
  if (G_VALUE_HOLDS (value, GDK_TYPE_TEXTURE))
    {
      add_texture (self, g_value_get_object (value));
      return TRUE;
    }
  return FALSE;
}

static void
on_clipboard_texture (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(CfaiChatPage) self = user_data;
  g_autoptr(GdkTexture) texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (source), result, NULL);

  if (texture != NULL)
    add_texture (self, texture);
}

/* An image on the clipboard is attached; text is pasted as usual. */
static void
on_paste_clipboard (GtkTextView  *view,
                    CfaiChatPage *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (view));
  GdkContentFormats *formats = gdk_clipboard_get_formats (clipboard);

  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE) &&
      !gdk_content_formats_contain_gtype (formats, G_TYPE_STRING))
    {
      g_signal_stop_emission_by_name (view, "paste-clipboard");
      gdk_clipboard_read_texture_async (clipboard, self->cancellable, on_clipboard_texture,
                                        g_object_ref (self));
    }
}

void
_cfai_chat_page_images_init (CfaiChatPage *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);

  gtk_drop_target_set_gtypes (drop, (GType[2]) { GDK_TYPE_FILE_LIST, GDK_TYPE_TEXTURE }, 2);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

void
_cfai_chat_page_class_images_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_paste_clipboard);
}
