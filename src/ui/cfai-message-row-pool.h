/* cfai-message-row-pool.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cfai-message.h"
#include "cfai-message-row.h"

G_BEGIN_DECLS

typedef struct _CfaiMessageSlot CfaiMessageSlot;

#define CFAI_TYPE_MESSAGE_ROW_POOL (cfai_message_row_pool_get_type ())

G_DECLARE_FINAL_TYPE (CfaiMessageRowPool, cfai_message_row_pool, CFAI, MESSAGE_ROW_POOL, GObject)

CfaiMessageRowPool *cfai_message_row_pool_new          (guint               capacity);
GtkListItemFactory *cfai_message_row_pool_get_factory  (CfaiMessageRowPool *self);
CfaiMessageRow     *cfai_message_row_pool_take         (CfaiMessageRowPool *self,
                                                        CfaiMessage        *message);
CfaiMessageRow     *cfai_message_row_pool_take_kept    (CfaiMessageRowPool *self,
                                                        CfaiMessage        *message);
void                cfai_message_row_pool_keep         (CfaiMessageRowPool *self,
                                                        CfaiMessageRow     *row);
gboolean            cfai_message_row_pool_want_row     (CfaiMessageRowPool *self,
                                                        CfaiMessageSlot    *slot,
                                                        GdkFrameClock      *clock);
void                cfai_message_row_pool_forget_slot  (CfaiMessageRowPool *self,
                                                        CfaiMessageSlot    *slot);
void                cfai_message_row_pool_look_ahead   (CfaiMessageRowPool *self,
                                                        GtkWidget          *list,
                                                        int                 page);

G_END_DECLS
