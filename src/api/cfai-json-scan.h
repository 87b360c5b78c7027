/* cfai-json-scan.h — a small strict reader of JSON strings, for hot paths
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* JSON whitespace: exactly the four characters json-glib skips. */
static inline const char *
cfai_json_skip_space (const char *p,
                      const char *end)
{
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    p++;
  return p;
}

const char *cfai_json_scan_string (const char  *p,
                                   const char  *end,
                                   GString     *buf,
                                   const char **str,
                                   gsize       *len);

G_END_DECLS
