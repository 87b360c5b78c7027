/* cfai-image-response.h — turning a text-to-image answer into image bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

gboolean    cfai_image_response_decode     (guint               http_status,
                                            const char         *content_type,
                                            GBytes             *body,
                                            SoupMessageHeaders *headers,
                                            GBytes            **out_image,
                                            char              **out_mime,
                                            GError            **error);
const char *cfai_image_response_sniff_mime (const guint8       *data,
                                            gsize               length);

G_END_DECLS
