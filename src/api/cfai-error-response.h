/* cfai-error-response.h — mapping failed answers and transport errors to CFAI_ERROR
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

GError    *cfai_error_from_response   (guint               http_status,
                                       const char         *content_type,
                                       GBytes             *body,
                                       SoupMessageHeaders *headers);
GError    *cfai_error_from_json       (guint               http_status,
                                       JsonNode           *root,
                                       SoupMessageHeaders *headers);
GError    *cfai_error_from_transport  (const GError       *error);

G_END_DECLS
