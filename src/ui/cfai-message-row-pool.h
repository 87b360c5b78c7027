/* cfai-message-row-pool.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CFAI_TYPE_MESSAGE_ROW_POOL (cfai_message_row_pool_get_type ())

G_DECLARE_FINAL_TYPE (CfaiMessageRowPool, cfai_message_row_pool, CFAI, MESSAGE_ROW_POOL, GObject)

CfaiMessageRowPool *cfai_message_row_pool_new          (guint               capacity);
GtkListItemFactory *cfai_message_row_pool_get_factory  (CfaiMessageRowPool *self);

G_END_DECLS
