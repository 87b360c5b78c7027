/* cfai-format.c — numbers, times and money the way the interface shows them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-format.h"
#include "cfai-model.h"

/* How long ago, for the chat list: coarse on purpose, so that a list
 * drawn a minute ago is still right. */
char *
cfai_format_age (gint64 time_us,
                 gint64 now_us)
{
  gint64 seconds = MAX (0, (now_us - time_us) / G_USEC_PER_SEC);
  g_autoptr(GDateTime) then = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (time_us <= 0)
    return g_strdup ("");
  if (seconds < 60)
    return g_strdup (_("Just now"));
  if (seconds < 3600)
    {
      int n = seconds / 60;
      return g_strdup_printf (ngettext ("%d minute ago", "%d minutes ago", n), n);
    }
  if (seconds < 86400)
    {
      int n = seconds / 3600;
      return g_strdup_printf (ngettext ("%d hour ago", "%d hours ago", n), n);
    }
  if (seconds < 7 * 86400)
    {
      int n = seconds / 86400;
      return g_strdup_printf (ngettext ("%d day ago", "%d days ago", n), n);
    }

  then = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  local = g_date_time_to_local (then);
  /* Translators: a date such as "Oct 1, 2025"; see g_date_time_format() */
  return g_date_time_format (local, _("%b %-d, %Y"));
}

/* The catalog's name for a model, or one made from its id. */
char *
cfai_format_model_name (CfaiModelCatalog *catalog,
                        const char       *model_id)
{
  CfaiModel *model;

  if (model_id == NULL)
    return g_strdup ("");
  model = catalog != NULL ? cfai_model_catalog_lookup (catalog, model_id) : NULL;
  if (model != NULL && cfai_model_get_display_name (model) != NULL)
    return g_strdup (cfai_model_get_display_name (model));
  return cfai_model_derive_display_name (model_id);
}

char *
cfai_format_duration_ms (gint64 ms)
{
  if (ms < 1000)
    /* Translators: a duration in milliseconds */
    return g_strdup_printf (_("%d ms"), (int) ms);
  /* Translators: a duration in seconds, with one decimal */
  return g_strdup_printf (_("%.1f s"), ms / 1000.0);
}

/* What an answer cost, in USD and in neurons (what Workers AI bills and
 * the dashboard counts).  Neurons Workers AI reported are what it billed,
 * so they win, and give the USD at $0.011 per 1,000 neurons.  Without
 * them, USD is estimated from the catalog's prices per million tokens
 * (cached input is billed like other input unless the catalog knows
 * better), and neurons from that.  NULL when there is nothing to go on. */
char *
cfai_format_cost (CfaiModelCatalog *catalog,
                  const char       *model_id,
                  gint64            prompt_tokens,
                  gint64            completion_tokens,
                  gint64            cached_tokens,
                  double            neurons)
{
  CfaiModel *model = NULL;
  double usd = -1;

  if (catalog != NULL && model_id != NULL)
    model = cfai_model_catalog_lookup (catalog, model_id);
  if (model != NULL && prompt_tokens >= 0 && completion_tokens >= 0)
    {
      double in = cfai_model_get_price_per_m_input (model);
      double out = cfai_model_get_price_per_m_output (model);

      if (in > 0 || out > 0)
        usd = (prompt_tokens * MAX (in, 0) + completion_tokens * MAX (out, 0)) / 1e6;
    }

  if (neurons > 0)
    usd = neurons * CFAI_USD_PER_NEURON;
  else if (usd >= 0)
    neurons = usd / CFAI_USD_PER_NEURON;
  else
    return NULL;

  /* Translators: an estimated cost, e.g. "≈ $0.00012 (10.9 neurons)" */
  return g_strdup_printf (_("≈ $%.5f (%.1f neurons)"), usd, neurons);
}
