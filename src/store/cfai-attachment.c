/* cfai-attachment.c
 *
 * Immutable once made, so the store's worker thread may read one while the
 * UI shows it.  Either the bytes themselves (what was sent) or a path to a
 * file; width and height are CFAI_UNSET when not known.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-attachment.h"

struct _CfaiAttachment
{
  GObject  parent_instance;

  char    *mime_type;
  GBytes  *bytes;
  char    *path;
  int      width;
  int      height;
};

G_DEFINE_FINAL_TYPE (CfaiAttachment, cfai_attachment, G_TYPE_OBJECT)

static CfaiAttachment *
cfai_attachment_new (const char *mime_type,
                     int         width,
                     int         height)
{
  CfaiAttachment *self = g_object_new (CFAI_TYPE_ATTACHMENT, NULL);

  self->mime_type = g_strdup (mime_type);
  self->width = width > 0 ? width : CFAI_UNSET;
  self->height = height > 0 ? height : CFAI_UNSET;

  return self;
}

CfaiAttachment *
cfai_attachment_new_for_bytes (const char *mime_type,
                               GBytes     *bytes,
                               int         width,
                               int         height)
{
  CfaiAttachment *self;

  g_return_val_if_fail (mime_type != NULL, NULL);
  g_return_val_if_fail (bytes != NULL, NULL);

  self = cfai_attachment_new (mime_type, width, height);
  self->bytes = g_bytes_ref (bytes);

  return self;
}

CfaiAttachment *
cfai_attachment_new_for_path (const char *mime_type,
                              const char *path,
                              int         width,
                              int         height)
{
  CfaiAttachment *self;

  g_return_val_if_fail (mime_type != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  self = cfai_attachment_new (mime_type, width, height);
  self->path = g_strdup (path);

  return self;
}

const char *
cfai_attachment_get_mime_type (CfaiAttachment *self)
{
  g_return_val_if_fail (CFAI_IS_ATTACHMENT (self), NULL);

  return self->mime_type;
}

/* Returns: (transfer none) (nullable): the bytes, or NULL for a path */
GBytes *
cfai_attachment_get_bytes (CfaiAttachment *self)
{
  g_return_val_if_fail (CFAI_IS_ATTACHMENT (self), NULL);

  return self->bytes;
}

const char *
cfai_attachment_get_path (CfaiAttachment *self)
{
  g_return_val_if_fail (CFAI_IS_ATTACHMENT (self), NULL);

  return self->path;
}

int
cfai_attachment_get_width (CfaiAttachment *self)
{
  g_return_val_if_fail (CFAI_IS_ATTACHMENT (self), CFAI_UNSET);

  return self->width;
}

int
cfai_attachment_get_height (CfaiAttachment *self)
{
  g_return_val_if_fail (CFAI_IS_ATTACHMENT (self), CFAI_UNSET);

  return self->height;
}

static void
cfai_attachment_finalize (GObject *object)
{
  CfaiAttachment *self = CFAI_ATTACHMENT (object);

  g_clear_pointer (&self->mime_type, g_free);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (cfai_attachment_parent_class)->finalize (object);
}

static void
cfai_attachment_class_init (CfaiAttachmentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfai_attachment_finalize;
}

static void
cfai_attachment_init (CfaiAttachment *self)
{
}
