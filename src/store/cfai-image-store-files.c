/* cfai-image-store-files.c — the gallery's files: names, writing, errors
 *
 * Worker thread, except the naming helpers, which are pure.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "cfai-image-store-private.h"
#include "cfai-image-store.h"

static void
set_file_error (GError     **error,
                int          saved_errno,
                const char  *path)
{
  switch (saved_errno)
    {
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
    /* A file-size limit (ulimit -f) is as much "no room" as a full disk. */
    case EFBIG:
      g_set_error (error, CFAI_IMAGE_STORE_ERROR, CFAI_IMAGE_STORE_ERROR_FULL,
                   _("There is no room on the disk for “%s”. Free some space, then save the picture again."),
                   path);
      break;

    case EACCES:
    case EPERM:
    case EROFS:
    case ENOTDIR:
    case EEXIST:
      g_set_error (error, CFAI_IMAGE_STORE_ERROR, CFAI_IMAGE_STORE_ERROR_READ_ONLY,
                   _("CfAI may not save pictures as “%s”. Check that its folder is a folder you "
                     "may write to, and that the disk is not mounted read-only."),
                   path);
      break;

    default:
      g_set_error (error, CFAI_IMAGE_STORE_ERROR, CFAI_IMAGE_STORE_ERROR_IO,
                   _("The disk reported an error while saving “%s” (%s). Check the disk, then "
                     "save the picture again."),
                   path, g_strerror (saved_errno));
      break;
    }
}

/* Writes next to @path, flushes, then renames: a crash or a full disk
 * leaves no half picture under the final name.  Not g_file_set_contents():
 * its errors do not tell a quota or file-size limit from other failures. */
gboolean
cfai_image_store_write_file (const char  *path,
                             GBytes      *bytes,
                             GError     **error)
{
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  int saved_errno = 0;
  int fd;

  fd = g_open (part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_file_error (error, errno, path);
      return FALSE;
    }

  while (len > 0)
    {
      gssize written = write (fd, data, len);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        {
          saved_errno = written < 0 ? errno : ENOSPC;
          break;
        }
      data += written;
      len -= written;
    }

  if (saved_errno == 0 && fdatasync (fd) != 0)
    saved_errno = errno;
  if (close (fd) != 0 && saved_errno == 0)
    saved_errno = errno;
  if (saved_errno == 0 && g_rename (part, path) != 0)
    saved_errno = errno;

  if (saved_errno != 0)
    {
      g_unlink (part);
      set_file_error (error, saved_errno, path);
      return FALSE;
    }

  return TRUE;
}

gboolean
cfai_image_store_make_folder (const char  *path,
                              GError     **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      set_file_error (error, errno, path);
      return FALSE;
    }
  return TRUE;
}

const char *
cfai_image_store_extension_for (const char *mime_type)
{
  if (g_str_equal (mime_type, "image/jpeg"))
    return ".jpg";
  if (g_str_equal (mime_type, "image/webp"))
    return ".webp";
  return ".png";
}

static char *
format_number (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.6g", value));
}

/* The "parameters" text other tools read: the prompt, a "Negative
 * prompt:" line, then "Key: value" pairs. */
char *
cfai_image_store_format_parameters (CfaiImageRequest *request,
                                    guint             width,
                                    guint             height)
{
  GString *text = g_string_new (cfai_image_request_get_prompt (request));
  const char *negative = cfai_image_request_get_negative_prompt (request);

  if (negative != NULL && *negative != '\0')
    g_string_append_printf (text, "\nNegative prompt: %s", negative);

  g_string_append_c (text, '\n');
  if (cfai_image_request_get_steps (request) != 0)
    g_string_append_printf (text, "Steps: %u, ", cfai_image_request_get_steps (request));
  if (cfai_image_request_get_seed (request) >= 0)
    g_string_append_printf (text, "Seed: %" G_GINT64_FORMAT ", ", cfai_image_request_get_seed (request));
  g_string_append_printf (text, "Size: %ux%u, Model: %s", width, height, cfai_image_request_get_model (request));
  if (cfai_image_request_get_guidance (request) >= 0)
    {
      g_autofree char *guidance = format_number (cfai_image_request_get_guidance (request));

      g_string_append_printf (text, ", CFG scale: %s", guidance);
    }
  if (cfai_image_request_get_strength (request) >= 0 && cfai_image_request_get_n_reference_images (request) > 0)
    {
      g_autofree char *strength = format_number (cfai_image_request_get_strength (request));

      g_string_append_printf (text, ", Denoising strength: %s", strength);
    }
  g_string_append (text, ", Version: CfAI " PACKAGE_VERSION);

  return g_string_free (text, FALSE);
}

char *
cfai_image_store_new_file_name (gint64      created_at,
                                const char *mime_type)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local_usec (created_at);
  g_autofree char *stamp = g_date_time_format (time, "%Y-%m-%d_%H-%M-%S");
  g_autofree char *uuid = g_uuid_string_random ();

  /* The time for people browsing the folder, a random part for two
   * pictures of the same second. */
  uuid[8] = '\0';
  return g_strconcat (stamp, "_", uuid, cfai_image_store_extension_for (mime_type), NULL);
}
