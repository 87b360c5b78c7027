/* cfai-model.h — one entry of the Workers AI model catalog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CFAI_TYPE_MODEL       (cfai_model_get_type ())
#define CFAI_TYPE_MODEL_PRICE (cfai_model_price_get_type ())

/* Task names as the catalog spells them. */
#define CFAI_MODEL_TASK_TEXT_GENERATION "Text Generation"
#define CFAI_MODEL_TASK_TEXT_TO_IMAGE   "Text-to-Image"

/* What Workers AI bills per neuron, its unit of compute: $0.011 per
 * 1,000 neurons (docs/workers-ai.md, "Limits, pricing, models"). */
#define CFAI_USD_PER_NEURON (0.011 / 1000.0)

/* One entry of a model's "price" property, e.g. 0.29 USD "per M input
 * tokens" or 0.00011 USD "per step". */
typedef struct
{
  char   *unit;
  double  price;
  char   *currency;
} CfaiModelPrice;

GType           cfai_model_price_get_type   (void) G_GNUC_CONST;
CfaiModelPrice *cfai_model_price_new        (const char           *unit,
                                             double                price,
                                             const char           *currency);
CfaiModelPrice *cfai_model_price_copy       (const CfaiModelPrice *price);
void            cfai_model_price_free       (CfaiModelPrice       *price);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfaiModelPrice, cfai_model_price_free)

G_DECLARE_FINAL_TYPE (CfaiModel, cfai_model, CFAI, MODEL, GObject)

CfaiModel   *cfai_model_new_from_json              (JsonObject   *entry,
                                                    GError      **error);
JsonNode    *cfai_model_to_json                    (CfaiModel    *self);

const char  *cfai_model_get_id                     (CfaiModel    *self);
const char  *cfai_model_get_uuid                   (CfaiModel    *self);
const char  *cfai_model_get_display_name           (CfaiModel    *self);
const char  *cfai_model_get_author                 (CfaiModel    *self);
const char  *cfai_model_get_description            (CfaiModel    *self);
const char  *cfai_model_get_task                   (CfaiModel    *self);
const char * const *cfai_model_get_tags            (CfaiModel    *self);
gint64       cfai_model_get_context_window         (CfaiModel    *self);
GPtrArray   *cfai_model_get_prices                 (CfaiModel    *self);
double       cfai_model_get_price_per_m_input      (CfaiModel    *self);
double       cfai_model_get_price_per_m_output     (CfaiModel    *self);
double       cfai_model_estimate_image_cost        (CfaiModel    *self,
                                                    guint         width,
                                                    guint         height,
                                                    guint         steps,
                                                    guint         n_input_tiles);
gboolean     cfai_model_get_vision                 (CfaiModel    *self);
gboolean     cfai_model_get_reasoning              (CfaiModel    *self);
gboolean     cfai_model_get_function_calling       (CfaiModel    *self);
gboolean     cfai_model_get_lora                   (CfaiModel    *self);
gboolean     cfai_model_get_beta                   (CfaiModel    *self);
gboolean     cfai_model_get_partner                (CfaiModel    *self);
gboolean     cfai_model_get_async_queue            (CfaiModel    *self);
gboolean     cfai_model_get_require_workers_paid   (CfaiModel    *self);
gboolean     cfai_model_get_needs_paid_plan        (CfaiModel    *self);
void         cfai_model_set_needs_paid_plan        (CfaiModel    *self,
                                                    gboolean      needs_paid_plan);
const char  *cfai_model_get_terms_url              (CfaiModel    *self);
const char  *cfai_model_get_info_url               (CfaiModel    *self);
GDateTime   *cfai_model_get_planned_deprecation_date (CfaiModel  *self);
gboolean     cfai_model_is_deprecated_at           (CfaiModel    *self,
                                                    GDateTime    *now);
gboolean     cfai_model_is_text_generation         (CfaiModel    *self);
gboolean     cfai_model_is_text_to_image           (CfaiModel    *self);
gboolean     cfai_model_matches                    (CfaiModel    *self,
                                                    const char   *task,
                                                    const char   *search);

char        *cfai_model_derive_display_name        (const char   *model_id);
char        *cfai_model_derive_author              (const char   *model_id);
char        *cfai_model_author_display_name        (const char   *slug);

G_END_DECLS
