/* cfai-markdown-view.h — one message's Markdown, fed while it streams
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CFAI_TYPE_MARKDOWN_VIEW (cfai_markdown_view_get_type ())

G_DECLARE_FINAL_TYPE (CfaiMarkdownView, cfai_markdown_view, CFAI, MARKDOWN_VIEW, GtkWidget)

GtkWidget  *cfai_markdown_view_new      (void);
const char *cfai_markdown_view_get_text (CfaiMarkdownView *self);
void        cfai_markdown_view_set_text (CfaiMarkdownView *self,
                                         const char       *text);
void        cfai_markdown_view_append   (CfaiMarkdownView *self,
                                         const char       *delta,
                                         gssize            length);
gboolean    cfai_markdown_view_make_widgets (CfaiMarkdownView *self,
                                             gint64            deadline);

int         cfai_markdown_estimate_height (PangoContext *context,
                                           const char   *text,
                                           int           width);

G_END_DECLS
