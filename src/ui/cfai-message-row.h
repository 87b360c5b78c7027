/* cfai-message-row.h — one message of a chat, in a recycled list row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cfai-message.h"

G_BEGIN_DECLS

#define CFAI_TYPE_MESSAGE_ROW (cfai_message_row_get_type ())

G_DECLARE_FINAL_TYPE (CfaiMessageRow, cfai_message_row, CFAI, MESSAGE_ROW, GtkWidget)

/* How long an answer thought, in microseconds, kept on the CfaiMessage
 * by the page that streamed it (g_object_set_data): only known for
 * answers streamed since the app started. */
#define CFAI_MESSAGE_ROW_THINKING_US_KEY "cfai-thinking-us"

/* A row's margins, the bubble's indent and padding: the width around its text. */
#define CFAI_MESSAGE_ROW_CHROME_WIDTH 120

CfaiMessage *cfai_message_row_get_message (CfaiMessageRow *self);
void         cfai_message_row_set_message (CfaiMessageRow *self,
                                           CfaiMessage    *message);

gboolean     cfai_message_row_make_widgets (CfaiMessageRow *self,
                                            gint64          deadline);
int          cfai_message_row_get_min_width (PangoContext  *context);

G_END_DECLS
