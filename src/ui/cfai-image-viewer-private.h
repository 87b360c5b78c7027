/* cfai-image-viewer-private.h — the viewer's parts in other files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-image-viewer.h"

G_BEGIN_DECLS

char *cfai_image_viewer_suggest_file_name (CfaiImageRecord *record,
                                           const char      *extension);

G_END_DECLS
