/* cfai-format.h — numbers, times and money the way the interface shows them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "cfai-image-record.h"
#include "cfai-model-catalog.h"

G_BEGIN_DECLS

char *cfai_format_age            (gint64            time_us,
                                  gint64            now_us);
char *cfai_format_model_name     (CfaiModelCatalog *catalog,
                                  const char       *model_id);
char *cfai_format_duration_ms    (gint64            ms);
char *cfai_format_cost           (CfaiModelCatalog *catalog,
                                  const char       *model_id,
                                  gint64            prompt_tokens,
                                  gint64            completion_tokens,
                                  gint64            cached_tokens,
                                  double            neurons);
char *cfai_format_image_settings (CfaiImageRecord  *record);
char *cfai_format_image_summary  (CfaiImageRecord  *record);

G_END_DECLS
