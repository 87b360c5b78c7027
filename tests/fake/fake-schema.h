/* fake-schema.h — the JSON Schema subset used by Workers AI model files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *pointer;  /* JSON pointer of the offending value ("" is the root) */
  char *field;    /* JSON pointer of the field to fix: for a missing or
                   * unexpected property it names that property */
  char *message;  /* worded like Cloudflare's validator */
} FakeSchemaError;

void             fake_schema_error_free          (FakeSchemaError       *error);
char            *fake_schema_error_dup_top_field (const FakeSchemaError *error);
FakeSchemaError *fake_schema_validate            (JsonNode              *schema,
                                                  JsonNode              *instance);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeSchemaError, fake_schema_error_free)

G_END_DECLS
