/* cfai-attachment.h — an image sent with a message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cfai-store-types.h"

G_BEGIN_DECLS

#define CFAI_TYPE_ATTACHMENT (cfai_attachment_get_type ())

G_DECLARE_FINAL_TYPE (CfaiAttachment, cfai_attachment, CFAI, ATTACHMENT, GObject)

CfaiAttachment *cfai_attachment_new_for_bytes (const char     *mime_type,
                                               GBytes         *bytes,
                                               int             width,
                                               int             height);
CfaiAttachment *cfai_attachment_new_for_path  (const char     *mime_type,
                                               const char     *path,
                                               int             width,
                                               int             height);
const char     *cfai_attachment_get_mime_type (CfaiAttachment *self);
GBytes         *cfai_attachment_get_bytes     (CfaiAttachment *self);
const char     *cfai_attachment_get_path      (CfaiAttachment *self);
int             cfai_attachment_get_width     (CfaiAttachment *self);
int             cfai_attachment_get_height    (CfaiAttachment *self);

G_END_DECLS
