/* cfai-markdown-view-private.h — what tests may ask a CfaiMarkdownView
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-markdown-view.h"

G_BEGIN_DECLS

guint cfai_markdown_view_get_drawn_groups (CfaiMarkdownView *self,
                                           guint            *first,
                                           guint            *n_drawn);

G_END_DECLS
