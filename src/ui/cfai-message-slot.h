/* cfai-message-slot.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cfai-message.h"
#include "cfai-message-row-pool.h"

G_BEGIN_DECLS

#define CFAI_TYPE_MESSAGE_SLOT (cfai_message_slot_get_type ())

G_DECLARE_FINAL_TYPE (CfaiMessageSlot, cfai_message_slot, CFAI, MESSAGE_SLOT, GtkWidget)

GtkWidget   *cfai_message_slot_new         (CfaiMessageRowPool *pool);
CfaiMessage *cfai_message_slot_get_message (CfaiMessageSlot    *self);
void         cfai_message_slot_set_message (CfaiMessageSlot    *self,
                                            CfaiMessage        *message);
GtkWidget   *cfai_message_slot_get_row     (CfaiMessageSlot    *self);
gboolean     cfai_message_slot_take_row    (CfaiMessageSlot    *self,
                                            gint64              deadline);
gboolean     cfai_message_slot_needs_row   (CfaiMessageSlot    *self);

G_END_DECLS
