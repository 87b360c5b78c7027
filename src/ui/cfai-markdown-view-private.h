/* cfai-markdown-view-private.h — what a CfaiMarkdownView's files share,
 * and what tests may ask it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cfai-markdown-view.c keeps the text and the groups of block widgets,
 * cfai-markdown-view-blocks.c makes and updates one block's widget,
 * cfai-markdown-view-layout.c measures and allocates, and makes the
 * widgets only once the view comes near what is shown, and
 * cfai-markdown-view-draw.c draws only the groups near what is shown.
 */
#pragma once

#include "cfai-markdown-blocks.h"
#include "cfai-markdown-view.h"

G_BEGIN_DECLS

/* The space between two blocks, and between two groups. */
#define CFAI_MARKDOWN_VIEW_SPACING 12

struct _CfaiMarkdownView
{
  GtkWidget           parent_instance;

  CfaiMarkdownBlocks *blocks;
  GtkWidget          *tail;           /* the group new block widgets go to */
  GtkWidget          *last_finished;  /* the tail's last widget of a finished block */
  guint               tail_finished;  /* how many of those the tail holds */
  guint               n_shown;        /* finished chunks that have their widgets */
  guint               tick_id;

  /* Drawing only what can be seen, see cfai_markdown_view_snapshot(). */
  GtkWidget          *scroller;       /* the scrolled window the view is in, while rooted */
  GtkAdjustment      *vadjustment;    /* its vertical adjustment */
  double              drawn_top;      /* the part drawn last, in the view's */
  double              drawn_bottom;   /* coordinates; empty when top > bottom */
  double              shown_top;      /* the part shown then */
  double              shown_bottom;
  double              drawn_value;    /* and the adjustment's value then */
  GtkWidget          *first_drawn_group; /* the first group the last snapshot drew */
  guint               first_drawn;    /* and its place among the groups */
  guint               n_drawn;        /* and how many */

  /* Making widgets only for what can be seen, see cfai_markdown_view_size_allocate(). */
  gboolean            deferred;       /* the widgets are behind the text */
  gboolean            near;           /* the last allocation was near what is shown */
  gboolean            allocated;      /* there was one */
  guint               settle_tick;    /* text views made in a layout pass measure again */
  GdkFrameClock      *layout_clock;   /* while a build waits for the layout phase */
  gulong              layout_handler;
  guint               build_tick;     /* or for the next frame */
  int                 estimate_width; /* the estimated height for that width, */
  int                 estimate_height;/* while deferred; width -1: not made */
};

/* For tests */
guint      cfai_markdown_view_get_drawn_groups        (CfaiMarkdownView *self,
                                                       guint            *first,
                                                       guint            *n_drawn);

/* cfai-markdown-view.c */
gboolean   cfai_markdown_view_update_widgets          (CfaiMarkdownView *self,
                                                       gint64            deadline);

/* cfai-markdown-view-blocks.c */
GtkWidget *cfai_markdown_view_new_box                 (GtkOrientation    orientation,
                                                       int               spacing,
                                                       GtkAccessibleRole role);
GtkWidget *cfai_markdown_view_build_block             (CfaiMarkdownNode *node,
                                                       guint             depth);
GtkWidget *cfai_markdown_view_sync_block              (GtkWidget        *widget,
                                                       CfaiMarkdownNode *node,
                                                       guint             depth);

/* cfai-markdown-view-layout.c */
GtkSizeRequestMode cfai_markdown_view_get_request_mode (GtkWidget       *widget);
void       cfai_markdown_view_measure                 (GtkWidget        *widget,
                                                       GtkOrientation    orientation,
                                                       int               for_size,
                                                       int              *minimum,
                                                       int              *natural,
                                                       int              *minimum_baseline,
                                                       int              *natural_baseline);
void       cfai_markdown_view_size_allocate           (GtkWidget        *widget,
                                                       int               width,
                                                       int               height,
                                                       int               baseline);
void       cfai_markdown_view_defer_widgets           (CfaiMarkdownView *self);
void       cfai_markdown_view_stop_waiting_for_layout (CfaiMarkdownView *self);

/* cfai-markdown-view-draw.c */
void       cfai_markdown_view_snapshot                (GtkWidget        *widget,
                                                       GtkSnapshot      *snapshot);
gboolean   cfai_markdown_view_get_shown_range         (CfaiMarkdownView *self,
                                                       double           *top,
                                                       double           *bottom);
void       cfai_markdown_view_watch_scrolling         (CfaiMarkdownView *self,
                                                       GtkWidget        *scroller);

G_END_DECLS
