/* cfai-image-viewer-save.c — Save As: PNG or JPEG, with how the picture was made
 *
 * The gallery's files already carry their settings (PNG text chunks, a
 * JPEG comment).  Saved in the same format the file is copied as it is;
 * in the other one it is converted on a worker thread and the same
 * texts are written into the new file, so either way the file alone
 * says how it was made.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "cfai-image-metadata.h"
#include "cfai-image-viewer-private.h"

typedef struct
{
  char  *source;
  char  *source_mime;
  GFile *target;
} Save;

static void
save_free (gpointer data)
{
  Save *save = data;

  g_free (save->source);
  g_free (save->source_mime);
  g_clear_object (&save->target);
  g_free (save);
}

/* "png" or "jpeg", from the name the user chose; PNG unless it says JPEG. */
static const char *
target_type (GFile *target)
{
  g_autofree char *name = g_file_get_basename (target);
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_str_has_suffix (lower, ".jpg") || g_str_has_suffix (lower, ".jpeg") ? "jpeg" : "png";
}

static GBytes *
convert (GBytes      *image,
         const char  *type,
         GError     **error)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GdkPixbuf) flat = NULL;
  GdkPixbuf *pixbuf;
  char *buffer = NULL;
  gsize length = 0;
  gboolean ok;

  if (!gdk_pixbuf_loader_write_bytes (loader, image, error) ||
      !gdk_pixbuf_loader_close (loader, error))
    return NULL;
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);

  /* JPEG has no transparency: what is see-through becomes white. */
  if (g_str_equal (type, "jpeg") && gdk_pixbuf_get_has_alpha (pixbuf))
    {
      int width = gdk_pixbuf_get_width (pixbuf);
      int height = gdk_pixbuf_get_height (pixbuf);

      flat = gdk_pixbuf_composite_color_simple (pixbuf, width, height, GDK_INTERP_NEAREST,
                                                255, 8, 0xffffff, 0xffffff);
      pixbuf = flat;
    }

  if (g_str_equal (type, "jpeg"))
    ok = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &length, "jpeg", error, "quality", "92", NULL);
  else
    ok = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &length, "png", error, NULL);

  return ok ? g_bytes_new_take (buffer, length) : NULL;
}

/* The texts the source carries, into the converted file. */
static GBytes *
carry_texts (GBytes  *source,
             GBytes  *converted,
             GError **error)
{
  g_autoptr(GHashTable) texts = cfai_image_metadata_read (source, NULL);
  g_autoptr(GArray) array = g_array_new (FALSE, FALSE, sizeof (CfaiImageText));
  GHashTableIter iter;
  gpointer key, value;

  if (texts == NULL || g_hash_table_size (texts) == 0)
    return g_bytes_ref (converted);

  g_hash_table_iter_init (&iter, texts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      CfaiImageText text = { key, value };

      g_array_append_val (array, text);
    }

  return cfai_image_metadata_embed (converted, (CfaiImageText *) (gpointer) array->data, array->len, error);
}

static void
save_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Save *save = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) source = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (save->source);
  const char *type = target_type (save->target);
  gboolean same;

  source = g_file_load_bytes (file, cancellable, NULL, &error);
  if (source == NULL)
    goto fail;

  same = (g_str_equal (type, "jpeg") && g_strcmp0 (save->source_mime, "image/jpeg") == 0) ||
         (g_str_equal (type, "png") && g_strcmp0 (save->source_mime, "image/png") == 0);
  if (same)
    out = g_bytes_ref (source);
  else
    {
      g_autoptr(GBytes) converted = convert (source, type, &error);

      if (converted == NULL)
        goto fail;
      out = carry_texts (source, converted, &error);
      if (out == NULL)
        goto fail;
    }

  if (!g_file_replace_contents (save->target, g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                                NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, cancellable, &error))
    goto fail;

  g_task_return_boolean (task, TRUE);
  return;

fail:
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *name = g_file_get_parse_name (save->target);

      g_prefix_error (&error, _("Could not save “%s”: "), name);
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * cfai_image_viewer_save_to_async:
 * @self: a viewer
 * @file: where to save the picture shown; a name ending in .jpg or .jpeg
 *   makes a JPEG, any other a PNG
 * @cancellable: (nullable): a cancellable
 * @callback: called when it is written
 * @user_data: for @callback
 *
 * What Save As does once the user has chosen @file.
 */
void
cfai_image_viewer_save_to_async (CfaiImageViewer     *self,
                                 GFile               *file,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  CfaiImageRecord *record;
  g_autoptr(GTask) task = NULL;
  Save *save;

  g_return_if_fail (CFAI_IS_IMAGE_VIEWER (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_image_viewer_save_to_async);

  record = cfai_image_viewer_get_record (self);
  if (record == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No image is shown"));
      return;
    }

  save = g_new0 (Save, 1);
  save->source = g_strdup (cfai_image_record_get_path (record));
  save->source_mime = g_strdup (cfai_image_record_get_mime_type (record));
  save->target = g_object_ref (file);
  g_task_set_task_data (task, save, save_free);
  g_task_run_in_thread (task, save_in_thread);
}

gboolean
cfai_image_viewer_save_to_finish (CfaiImageViewer  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_VIEWER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The first words of the prompt make a file name a person recognises. */
char *
cfai_image_viewer_suggest_file_name (CfaiImageRecord *record,
                                     const char      *extension)
{
  const char *prompt = cfai_image_record_get_prompt (record);
  g_autoptr(GString) name = g_string_new (NULL);
  guint words = 0;
  gboolean in_word = FALSE;

  for (const char *p = prompt != NULL ? prompt : ""; *p != '\0' && words < 6 && name->len < 48; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c))
        {
          if (!in_word && name->len > 0)
            g_string_append_c (name, '-');
          g_string_append_unichar (name, g_unichar_tolower (c));
          in_word = TRUE;
        }
      else if (in_word)
        {
          in_word = FALSE;
          words++;
        }
    }

  if (name->len == 0)
    g_string_append (name, _("image"));
  g_string_append_printf (name, ".%s", extension);
  return g_string_free (g_steal_pointer (&name), FALSE);
}
