/* cfai-unparent-later.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void cfai_unparent_later (GtkWidget *widget);

G_END_DECLS
