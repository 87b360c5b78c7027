/* cfai-error-private.h — helpers shared by the envelope parser and the error mapping
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not installed and not for the UI: only src/api/cfai-envelope.c,
 * cfai-error-response.c and cfai-error-scan.c include this.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char        *cfai_error_clean_text          (const char    *text,
                                             gsize          len);
char        *cfai_error_clean_field         (const char    *field);
gboolean     cfai_error_match_context       (const char    *message,
                                             gint64        *requested,
                                             gint64        *limit);
gint64       cfai_error_message_code        (const char    *message);
char        *cfai_error_field_from_message  (const char    *message);
char        *cfai_error_field_from_details  (JsonObject    *holder);
gint64       cfai_error_json_get_code       (JsonObject    *object,
                                             const char    *name);
JsonNode    *cfai_error_parse_json          (const guint8  *data,
                                             gsize          len,
                                             GError       **error);

G_END_DECLS
