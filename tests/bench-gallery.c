/* bench-gallery.c — a gallery of 2,000 pictures: first frame, memory, scrolling
 *
 * Fills an image store with 2,000 genuine PNG files through
 * cfai_image_store_add_async() (as the studio does), then, in fresh
 * stores, as at a start of the app, opens a window with the gallery and
 * measures:
 *
 *   - the first frame: from opening the store and the window until the
 *     first frame painted with the grid showing pictures, and until every
 *     cell on screen shows its thumbnail (decoded, scaled and cached);
 *   - the process's resident memory then, and after scrolling;
 *   - scrolling from the top to the end: the adjustment moves one row per
 *     frame (from the frame clock's tick), and the frame clock's frame
 *     times give each frame's length; the longest and the 99th percentile
 *     are printed, and the second pass (thumbnails cached on disk) too.
 *
 * Targets (issue 10): first frame ≤ 300 ms, RSS ≤ 300 MB, no frame over
 * 32 ms.  Run it through build-aux/test-session.  CFAI_BENCH_IMAGES sets
 * the number of pictures.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cfai-gallery.h"
#include "cfai-gallery-cell.h"
#include "cfai-image-store.h"
#include "cfai-test-async.h"
#include "cfai-test-home.h"
#include "fake-image.h"

#define DEFAULT_IMAGES 2000
#define IN_FLIGHT 16

static const char * const models[] = {
  "@cf/black-forest-labs/flux-1-schnell", "@cf/black-forest-labs/flux-2-dev",
  "@cf/stabilityai/stable-diffusion-xl-base-1.0", "@cf/lykon/dreamshaper-8-lcm",
};

/* A smooth picture with some texture, different for each. */
static GBytes *
picture (guint salt)
{
  const guint width = 320, height = 240;
  g_autofree guint8 *rgb = g_malloc ((gsize) width * height * 3);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 *px = rgb + ((gsize) y * width + x) * 3;

        px[0] = (x + salt * 7) ^ (y / 4);
        px[1] = (x + y + salt * 13) / 3;
        px[2] = ((x * y + salt) >> 6) & 0xff;
      }

  return fake_image_encode_png (rgb, width, height);
}

typedef struct
{
  CfaiImageStore *store;
  guint           next;
  guint           n;
  guint           done;
  guint           running;
} Fill;

static void add_next (Fill *fill);

static void
added (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  Fill *fill = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CfaiImageRecord) record = cfai_image_store_add_finish (CFAI_IMAGE_STORE (source), result, &error);

  if (record == NULL)
    g_error ("adding a picture: %s", error->message);
  fill->done++;
  fill->running--;
  add_next (fill);
}

static void
add_next (Fill *fill)
{
  while (fill->running < IN_FLIGHT && fill->next < fill->n)
    {
      g_autoptr(CfaiImageRequest) request = cfai_image_request_new (models[fill->next % G_N_ELEMENTS (models)]);
      g_autoptr(GBytes) bytes = picture (fill->next);
      g_autofree char *prompt = g_strdup_printf ("A lighthouse on a cliff at dusk, picture %u, oil painting", fill->next);

      cfai_image_request_set_prompt (request, prompt);
      cfai_image_request_set_steps (request, 4 + fill->next % 20);
      cfai_image_request_set_seed (request, fill->next * 7919);
      fill->running++;
      fill->next++;
      cfai_image_store_add_async (fill->store, request, bytes, 0.0011, NULL, added, fill);
    }
}

typedef struct
{
  CfaiGallery *gallery;
  gint64       start;
  gint64       first_frame;   /* painted with pictures in the grid */
  gint64       all_thumbnails;
  guint        n_cells;
} Opening;

static void
collect_cells (GtkWidget *widget,
               guint     *n,
               guint     *with_thumbnail)
{
  if (CFAI_IS_GALLERY_CELL (widget) && gtk_widget_get_mapped (widget) &&
      cfai_gallery_cell_get_record (CFAI_GALLERY_CELL (widget)) != NULL)
    {
      (*n)++;
      *with_thumbnail += cfai_gallery_cell_get_has_thumbnail (CFAI_GALLERY_CELL (widget));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_cells (child, n, with_thumbnail);
}

static void
on_after_paint (GdkFrameClock *clock,
                Opening       *opening)
{
  guint n = 0, with_thumbnail = 0;

  collect_cells (GTK_WIDGET (cfai_gallery_get_grid_view (opening->gallery)), &n, &with_thumbnail);
  if (n > 0 && opening->first_frame == 0)
    opening->first_frame = g_get_monotonic_time ();
  if (n > 0 && with_thumbnail == n && opening->all_thumbnails == 0)
    {
      opening->all_thumbnails = g_get_monotonic_time ();
      opening->n_cells = n;
    }
}

static gboolean
opened (gpointer data)
{
  return ((Opening *) data)->all_thumbnails != 0;
}

typedef struct
{
  GtkAdjustment *adjustment;
  double         step;
  gint64         last_frame;
  gint64         tick_at;
  double         longest_work;
  GArray        *frames;      /* double, ms */
  gboolean       done;
} Scroll;

static gboolean
scroll_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  Scroll *scroll = user_data;
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  double end = gtk_adjustment_get_upper (scroll->adjustment) - gtk_adjustment_get_page_size (scroll->adjustment);
  double value = gtk_adjustment_get_value (scroll->adjustment);

  if (scroll->last_frame != 0)
    {
      double ms = (now - scroll->last_frame) / 1000.0;

      g_array_append_val (scroll->frames, ms);
    }
  scroll->last_frame = now;
  scroll->tick_at = g_get_monotonic_time ();

  if (value >= end)
    {
      scroll->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  gtk_adjustment_set_value (scroll->adjustment, MIN (end, value + scroll->step));
  return G_SOURCE_CONTINUE;
}

/* What the frame cost this process: from the tick that moved the
 * adjustment to the end of painting (binding, layout, drawing). */
static void
scroll_after_paint (GdkFrameClock *clock,
                    Scroll        *scroll)
{
  if (scroll->tick_at != 0)
    scroll->longest_work = MAX (scroll->longest_work, cfai_bench_ms_since (scroll->tick_at));
  scroll->tick_at = 0;
}

static gboolean
scrolled (gpointer data)
{
  return ((Scroll *) data)->done;
}

static gboolean
wait_until (gboolean (*condition) (gpointer),
            gpointer  data,
            guint     seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!condition (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return condition (data);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
scroll_end_to_end (CfaiGallery *gallery,
                   const char  *label)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (cfai_gallery_get_grid_view (gallery)),
                                                 GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (double));
  Scroll scroll = { adjustment, 0, 0, 0, 0, frames, FALSE };
  gulong handler;
  guint n_over = 0;
  double longest, p99;

  /* One row of cells per frame: a fast flick, every row bound on the way. */
  scroll.step = gtk_widget_get_height (GTK_WIDGET (gtk_widget_get_first_child (GTK_WIDGET (cfai_gallery_get_grid_view (gallery)))));
  if (scroll.step <= 0)
    scroll.step = 160;
  gtk_adjustment_set_value (adjustment, 0);
  handler = g_signal_connect (gtk_widget_get_frame_clock (scroller), "after-paint",
                              G_CALLBACK (scroll_after_paint), &scroll);
  gtk_widget_add_tick_callback (scroller, scroll_tick, &scroll, NULL);
  if (!wait_until (scrolled, &scroll, 300))
    g_error ("scrolling did not reach the end");
  g_signal_handler_disconnect (gtk_widget_get_frame_clock (scroller), handler);

  for (guint i = 0; i < frames->len; i++)
    n_over += g_array_index (frames, double, i) > 32.0;
  g_array_sort (frames, compare_doubles);
  longest = g_array_index (frames, double, frames->len - 1);
  p99 = g_array_index (frames, double, (guint) (frames->len * 0.99));
  g_print ("scroll end to end, %s: %u frames of %.0f px, longest %.1f ms, 99th percentile %.1f ms,"
           " median %.1f ms, %u over 32 ms; longest work in a frame (tick to painted) %.1f ms\n",
           label, frames->len + 1, scroll.step, longest, p99,
           g_array_index (frames, double, frames->len / 2), n_over, scroll.longest_work);
}

int
main (int   argc,
      char *argv[])
{
  const char *home = cfai_test_isolate_home ("cfai-bench-gallery");
  const char *env = g_getenv ("CFAI_BENCH_IMAGES");
  guint n = env != NULL ? (guint) g_ascii_strtoull (env, NULL, 10) : DEFAULT_IMAGES;
  g_autofree char *db_path = g_build_filename (home, "history.sqlite", NULL);
  g_autofree char *images_dir = g_build_filename (home, "images", NULL);
  g_autofree char *thumbnails_dir = g_build_filename (home, "thumbnails", NULL);
  double rss_before;
  gint64 start;

  gtk_init ();
  adw_init ();
  g_print ("# bench-gallery: %u pictures of 320×240 (PNG), window 1100×760\n", n);

  start = g_get_monotonic_time ();
  {
    g_autoptr(CfaiChatStore) chats = cfai_chat_store_new (db_path);
    g_autoptr(CfaiImageStore) store = cfai_image_store_new_full (chats, images_dir, thumbnails_dir);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    Fill fill = { store, 0, n, 0, 0 };

    cfai_image_store_load_async (store, NULL, cfai_test_got_result, &result);
    if (!cfai_image_store_load_finish (store, cfai_test_wait_for (&result), &error))
      g_error ("loading: %s", error->message);
    add_next (&fill);
    while (fill.done < n)
      g_main_context_iteration (NULL, TRUE);
  }
  g_print ("filling: %u pictures added through the store in %.1f s\n", n, cfai_bench_ms_since (start) / 1000);

  rss_before = cfai_bench_rss_mb ();
  {
    g_autoptr(CfaiChatStore) chats = cfai_chat_store_new (db_path);
    g_autoptr(CfaiImageStore) store = cfai_image_store_new_full (chats, images_dir, thumbnails_dir);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    GtkWidget *window = adw_window_new ();
    GtkWidget *gallery = cfai_gallery_new ();
    Opening opening = { CFAI_GALLERY (gallery), 0, 0, 0, 0 };
    gulong handler;

    opening.start = g_get_monotonic_time ();
    cfai_image_store_load_async (store, NULL, cfai_test_got_result, &result);
    cfai_gallery_set_store (CFAI_GALLERY (gallery), store);
    adw_window_set_content (ADW_WINDOW (window), gallery);
    gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
    gtk_window_present (GTK_WINDOW (window));
    gtk_widget_realize (window);
    handler = g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                                G_CALLBACK (on_after_paint), &opening);
    if (!wait_until (opened, &opening, 60))
      g_error ("the gallery never showed its thumbnails");
    g_signal_handler_disconnect (gtk_widget_get_frame_clock (window), handler);
    if (!cfai_image_store_load_finish (store, cfai_test_wait_for (&result), &error))
      g_error ("loading: %s", error->message);
    if (g_list_model_get_n_items (cfai_gallery_get_shown (CFAI_GALLERY (gallery))) != n)
      g_error ("the gallery shows %u of %u pictures",
               g_list_model_get_n_items (cfai_gallery_get_shown (CFAI_GALLERY (gallery))), n);

    g_print ("first frame with pictures: %.1f ms (target ≤ 300 ms)\n",
             (opening.first_frame - opening.start) / 1000.0);
    g_print ("all %u cells on screen with their thumbnails (made and cached): %.1f ms\n",
             opening.n_cells, (opening.all_thumbnails - opening.start) / 1000.0);
    g_print ("RSS: %.1f MB before the window, %.1f MB with it open\n", rss_before, cfai_bench_rss_mb ());

    scroll_end_to_end (CFAI_GALLERY (gallery), "thumbnails made on the way");
    g_print ("RSS after scrolling: %.1f MB (target ≤ 300 MB)\n", cfai_bench_rss_mb ());
    scroll_end_to_end (CFAI_GALLERY (gallery), "again, thumbnails cached");
    g_print ("RSS after scrolling twice: %.1f MB\n", cfai_bench_rss_mb ());

    gtk_window_destroy (GTK_WINDOW (window));
  }

  return 0;
}
