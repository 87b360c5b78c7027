/* cfai-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cfai-chat-store.h"
#include "cfai-client.h"
#include "cfai-credentials.h"
#include "cfai-image-store.h"
#include "cfai-model-catalog.h"

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

CfaiApplication         *cfai_application_new                 (void);
const CfaiShortcutEntry *cfai_application_get_shortcuts       (gsize            *n_entries);
GSettings               *cfai_application_get_settings        (CfaiApplication  *self);
CfaiClient              *cfai_application_get_client          (CfaiApplication  *self);
CfaiCredentials         *cfai_application_get_credentials     (CfaiApplication  *self);
CfaiModelCatalog        *cfai_application_get_catalog         (CfaiApplication  *self);
CfaiChatStore           *cfai_application_get_chat_store      (CfaiApplication  *self);
CfaiImageStore          *cfai_application_get_image_store     (CfaiApplication  *self);
const GError            *cfai_application_get_chat_store_error (CfaiApplication *self);
gboolean                 cfai_application_get_has_credentials (CfaiApplication  *self);
gboolean                 cfai_application_get_loading_credentials (CfaiApplication *self);
void                     cfai_application_use_token           (CfaiApplication  *self,
                                                               const char       *token);

G_END_DECLS
