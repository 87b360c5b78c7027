/* fake-catalog.h — the model files the fake server serves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  FAKE_MODEL_OTHER,
  FAKE_MODEL_TEXT,
  FAKE_MODEL_IMAGE,
} FakeModelKind;

typedef enum
{
  FAKE_IMAGE_PNG_BYTES,
  FAKE_IMAGE_JPEG_BYTES,
  FAKE_IMAGE_JSON_JPEG,
  FAKE_IMAGE_JSON_PNG,
} FakeImageOutput;

typedef struct
{
  char            *name;
  JsonNode        *entry;              /* catalog entry: the file without "schema" */
  JsonNode        *schema;             /* {input, output} exactly as in the file */
  JsonNode        *input_schema;       /* what request bodies are checked against */
  FakeModelKind    kind;
  gboolean         chat_style;         /* answers in chat-completions shapes */
  gboolean         multipart;          /* takes multipart/form-data only */
  FakeImageOutput  image_output;
  gint64           context_window;     /* 0 when the file does not say */
  gint64           default_max_tokens;
  double           price_input;        /* USD per M tokens, 0 when unknown */
  double           price_output;
  const char      *reasoning_field;    /* how chat answers name the reasoning */
} FakeModel;

typedef struct _FakeCatalog FakeCatalog;

FakeCatalog     *fake_catalog_load             (const char      *directory,
                                                GError         **error);
void             fake_catalog_free             (FakeCatalog     *self);
guint            fake_catalog_get_n_models     (FakeCatalog     *self);
const FakeModel *fake_catalog_lookup           (FakeCatalog     *self,
                                                const char      *name);
GPtrArray       *fake_catalog_search           (FakeCatalog     *self,
                                                const char      *task,
                                                const char      *search,
                                                const char      *author,
                                                gboolean         hide_experimental);
JsonObject      *fake_model_get_input_property (const FakeModel *model,
                                                const char      *name);
gint64           fake_model_get_input_default  (const FakeModel *model,
                                                const char      *name,
                                                gint64           fallback);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeCatalog, fake_catalog_free)

G_END_DECLS
