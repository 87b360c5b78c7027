/* cfai-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CFAI_TYPE_APPLICATION (cfai_application_get_type ())

G_DECLARE_FINAL_TYPE (CfaiApplication, cfai_application, CFAI, APPLICATION, AdwApplication)

/* One row of the keyboard shortcuts table.  The application sets its
 * accelerators from this table and the shortcuts dialog lists it, so the
 * two can never disagree. */
typedef struct
{
  const char *action;      /* detailed action name, e.g. "app.quit" */
  const char *accels[3];   /* NULL-terminated */
  const char *section;     /* untranslated (N_()), translated when shown */
  const char *title;       /* untranslated (N_()), translated when shown */
} CfaiShortcutEntry;

CfaiApplication         *cfai_application_new           (void);
const CfaiShortcutEntry *cfai_application_get_shortcuts (gsize *n_entries);

G_END_DECLS
