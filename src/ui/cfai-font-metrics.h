/* cfai-font-metrics.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <pango/pango.h>

G_BEGIN_DECLS

void cfai_font_metrics_get (PangoContext *context,
                            double       *char_width,
                            double       *line_height);

G_END_DECLS
