/* cfai-envelope.h — the Cloudflare v4 envelope `{"result", "success", "errors", "messages"}`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

/* Whoever parses envelopes also maps the failures. */
#include "cfai-error-response.h"

G_BEGIN_DECLS

JsonNode  *cfai_envelope_parse                (guint               http_status,
                                               const char         *content_type,
                                               GBytes             *body,
                                               SoupMessageHeaders *headers,
                                               JsonNode          **result_info,
                                               GError            **error);
char      *cfai_envelope_media_type           (const char         *content_type);
gboolean   cfai_envelope_content_type_is_json (const char         *content_type);

G_END_DECLS
