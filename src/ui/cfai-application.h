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

/* How a shortcut of the table is installed. */
typedef enum
{
  CFAI_SHORTCUT_LISTED      = 0,       /* a widget's own key (Shift+Enter in a text view): only listed */
  CFAI_SHORTCUT_APPLICATION = 1 << 0,  /* an application accelerator */
  CFAI_SHORTCUT_BINDING     = 1 << 1,  /* a key binding of the widget class that installs
                                        * the action (its prefix: "win.", "chat.") */
  CFAI_SHORTCUT_COMPOSER    = 1 << 2,  /* taken by the chat composer before its text view */
} CfaiShortcutFlags;

/* One row of the keyboard shortcuts table.  The application, the window
 * and the chat page install their keys from this table and the shortcuts
 * dialog lists it, so they can never disagree. */
typedef struct
{
  const char       *action;     /* detailed action name, e.g. "app.quit"; NULL when listed only */
  const char       *accels[4];  /* NULL-terminated */
  const char       *section;    /* untranslated (N_()), translated when shown */
  const char       *title;      /* untranslated (N_()), translated when shown */
  CfaiShortcutFlags flags;
} CfaiShortcutEntry;

CfaiApplication         *cfai_application_new                 (void);
const CfaiShortcutEntry *cfai_application_get_shortcuts       (gsize            *n_entries);
void                     cfai_application_add_shortcut_bindings (GtkWidgetClass *widget_class,
                                                               const char       *prefix);
const char              *cfai_application_find_composer_shortcut (guint          keyval,
                                                               GdkModifierType  state);
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
