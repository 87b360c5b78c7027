/* cfai-font-metrics.c — a font's character width and line height, looked
 * up once
 *
 * pango_context_get_metrics() loads the font and shapes a sample text on
 * every call.  Rows, text blocks and height estimates ask for the same
 * few fonts at every measure, so the answers are kept per font
 * description and resolution, for the life of the process (a handful of
 * entries: the fonts the theme and the user's settings use).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <pango/pangocairo.h>

#include "cfai-font-metrics.h"

typedef struct
{
  PangoFontDescription *font;
  double                resolution;
  double                char_width;
  double                line_height;
} Entry;

static GArray *entries;   /* of Entry; the main thread's */

/**
 * cfai_font_metrics_get:
 * @context: the Pango context text is shown with
 * @char_width: (out) (optional): the approximate width of a character, in pixels
 * @line_height: (out) (optional): the height of a line, in pixels
 */
void
cfai_font_metrics_get (PangoContext *context,
                       double       *char_width,
                       double       *line_height)
{
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double resolution = pango_cairo_context_get_resolution (context);
  Entry *found = NULL;

  if (entries == NULL)
    entries = g_array_new (FALSE, FALSE, sizeof (Entry));

  for (guint i = 0; i < entries->len && found == NULL; i++)
    {
      Entry *entry = &g_array_index (entries, Entry, i);

      if (entry->resolution == resolution && pango_font_description_equal (entry->font, font))
        found = entry;
    }

  if (found == NULL)
    {
      PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);
      Entry entry = {
        .font = pango_font_description_copy (font),
        .resolution = resolution,
        .char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics) / (double) PANGO_SCALE, 1.0),
        .line_height = MAX (pango_font_metrics_get_height (metrics) / (double) PANGO_SCALE, 1.0),
      };

      pango_font_metrics_unref (metrics);
      g_array_append_val (entries, entry);
      found = &g_array_index (entries, Entry, entries->len - 1);
    }

  if (char_width != NULL)
    *char_width = found->char_width;
  if (line_height != NULL)
    *line_height = found->line_height;
}
