/* cfai-unparent-later.c — widgets taken out now, destroyed when idle
 *
 * A message row given another message while scrolling drops the block
 * widgets of the text it showed.  Taking them out of the row is quick;
 * destroying them is not (a code block's source view, buffer and
 * template, every text block's layout): callgrind puts it at an eighth
 * of a scroll frame that reuses a row with code.  So the widgets are
 * kept alive out of the tree and released from an idle callback, a few
 * milliseconds at a time, after the frames that need the main thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-unparent-later.h"

/* A round of releasing stops after this long, so it delays the next
 * frame by no more than that. */
#define ROUND_US 2000
/* When frames keep the main loop from ever being idle, more than this
 * many waiting are released at once, the oldest first: memory stays
 * bounded, at the cost of the frame that goes over. */
#define MAX_WAITING 64

static GQueue waiting = G_QUEUE_INIT;
static guint release_id;

static gboolean
release_some (gpointer data)
{
  gint64 end = g_get_monotonic_time () + ROUND_US;

  while (!g_queue_is_empty (&waiting) && g_get_monotonic_time () < end)
    g_object_unref (g_queue_pop_head (&waiting));
  if (!g_queue_is_empty (&waiting))
    return G_SOURCE_CONTINUE;
  release_id = 0;
  return G_SOURCE_REMOVE;
}

/**
 * cfai_unparent_later:
 * @widget: a widget with a parent
 *
 * Takes @widget out of its parent now, and drops the parent's reference
 * to it once the main loop is idle.
 */
void
cfai_unparent_later (GtkWidget *widget)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (gtk_widget_get_parent (widget) != NULL);

  g_queue_push_tail (&waiting, g_object_ref (widget));
  gtk_widget_unparent (widget);
  while (waiting.length > MAX_WAITING)
    g_object_unref (g_queue_pop_head (&waiting));
  if (release_id == 0)
    release_id = g_idle_add_full (G_PRIORITY_LOW, release_some, NULL, NULL);
}
