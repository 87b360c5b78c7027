/* cfai-image-model-rules.h — what a text-to-image model accepts and answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "cfai-client.h"

G_BEGIN_DECLS

/* How the request body is encoded.  FLUX.2 models take multipart/form-data
 * even for a prompt alone; every other text-to-image model takes JSON. */
typedef enum
{
  CFAI_IMAGE_INPUT_JSON,
  CFAI_IMAGE_INPUT_MULTIPART,
} CfaiImageInputEncoding;

/* How the image comes back.  The decoder dispatches on the answer's
 * Content-Type whatever this says; this is what the model documents. */
typedef enum
{
  CFAI_IMAGE_OUTPUT_JSON_BASE64,   /* application/json, base64 in an "image" member */
  CFAI_IMAGE_OUTPUT_BINARY,        /* the body is the image itself */
} CfaiImageOutputKind;

/* The request fields we know how to fill.  For the two text fields the
 * minimum and maximum are lengths in characters. */
typedef enum
{
  CFAI_IMAGE_FIELD_PROMPT,
  CFAI_IMAGE_FIELD_NEGATIVE_PROMPT,
  CFAI_IMAGE_FIELD_STEPS,
  CFAI_IMAGE_FIELD_WIDTH,
  CFAI_IMAGE_FIELD_HEIGHT,
  CFAI_IMAGE_FIELD_SEED,
  CFAI_IMAGE_FIELD_GUIDANCE,
  CFAI_IMAGE_FIELD_STRENGTH,       /* img2img only: 0 keeps the reference, 1 ignores it */
} CfaiImageField;

#define CFAI_IMAGE_N_FIELDS (CFAI_IMAGE_FIELD_STRENGTH + 1)

/* How a model takes reference images, if at all. */
typedef enum
{
  CFAI_IMAGE_REFERENCE_NONE,
  CFAI_IMAGE_REFERENCE_PARTS,      /* FLUX.2: multipart file parts input_image_0…3 */
  CFAI_IMAGE_REFERENCE_IMG2IMG,    /* Stable Diffusion: one image as "image_b64", with "strength" */
} CfaiImageReferenceKind;

#define CFAI_TYPE_IMAGE_MODEL_RULES (cfai_image_model_rules_get_type ())

typedef struct _CfaiImageModelRules CfaiImageModelRules;

GType                   cfai_image_model_rules_get_type            (void) G_GNUC_CONST;
CfaiImageModelRules    *cfai_image_model_rules_lookup              (const char           *model_id);
const char * const     *cfai_image_model_rules_list_builtin        (void);
CfaiImageModelRules    *cfai_image_model_rules_new_from_schema     (const char           *model_id,
                                                                    JsonNode             *input_schema,
                                                                    GError              **error);
CfaiImageModelRules    *cfai_image_model_rules_ref                 (CfaiImageModelRules  *self);
void                    cfai_image_model_rules_unref               (CfaiImageModelRules  *self);
const char             *cfai_image_model_rules_get_model_id        (CfaiImageModelRules  *self);
const char             *cfai_image_model_rules_get_display_name    (CfaiImageModelRules  *self);
CfaiImageInputEncoding  cfai_image_model_rules_get_input_encoding  (CfaiImageModelRules  *self);
CfaiImageOutputKind     cfai_image_model_rules_get_output_kind     (CfaiImageModelRules  *self);
const char             *cfai_image_model_rules_get_output_content_type (CfaiImageModelRules *self);
const char             *cfai_image_model_rules_get_output_field    (CfaiImageModelRules  *self);
const char             *cfai_image_model_rules_get_field_name      (CfaiImageModelRules  *self,
                                                                    CfaiImageField        field);
gboolean                cfai_image_model_rules_get_field_is_integer (CfaiImageModelRules *self,
                                                                     CfaiImageField       field);
gboolean                cfai_image_model_rules_get_field_required (CfaiImageModelRules *self,
                                                                    CfaiImageField       field);
gboolean                cfai_image_model_rules_get_minimum         (CfaiImageModelRules  *self,
                                                                    CfaiImageField        field,
                                                                    double               *minimum);
gboolean                cfai_image_model_rules_get_maximum         (CfaiImageModelRules  *self,
                                                                    CfaiImageField        field,
                                                                    double               *maximum);
gboolean                cfai_image_model_rules_get_default         (CfaiImageModelRules  *self,
                                                                    CfaiImageField        field,
                                                                    double               *default_value);
gboolean                cfai_image_model_rules_get_steps_fixed     (CfaiImageModelRules  *self);
CfaiImageReferenceKind  cfai_image_model_rules_get_reference_kind  (CfaiImageModelRules  *self);
guint                   cfai_image_model_rules_get_max_reference_images (CfaiImageModelRules *self);
gboolean                cfai_image_model_rules_get_reference_max_size (CfaiImageModelRules *self,
                                                                    guint                *max_width,
                                                                    guint                *max_height);
gint64                  cfai_image_model_rules_pick_seed           (CfaiImageModelRules  *self);

void                    cfai_image_model_rules_fetch_async         (CfaiClient           *client,
                                                                    const char           *model_id,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
CfaiImageModelRules    *cfai_image_model_rules_fetch_finish        (CfaiClient           *client,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfaiImageModelRules, cfai_image_model_rules_unref)

G_END_DECLS
