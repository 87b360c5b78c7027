/* cfai-json.h — reading members of JSON that may be anything
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

const char *cfai_json_get_string (JsonObject *object,
                                  const char *member);
JsonObject *cfai_json_get_object (JsonObject *object,
                                  const char *member);
JsonArray  *cfai_json_get_array  (JsonObject *object,
                                  const char *member);
gboolean    cfai_json_get_number (JsonObject *object,
                                  const char *member,
                                  double     *value);
gint64      cfai_json_get_count  (JsonObject *object,
                                  const char *member);
JsonObject *cfai_json_object_at  (JsonObject *object,
                                  const char *first,
                                  ...) G_GNUC_NULL_TERMINATED;
JsonObject *cfai_json_array_get_object (JsonArray *array,
                                        guint      index);
const char *cfai_json_array_get_string (JsonArray *array,
                                        guint      index);

G_END_DECLS
