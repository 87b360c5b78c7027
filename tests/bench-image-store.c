/* bench-image-store.c — how fast a gallery of 2,000 pictures opens, and
 * what saving a large picture costs the main thread
 *
 * Fills the database with 2,000 rows shaped like real ones (prompts of
 * 60–400 characters over a dozen models, every fourth with references),
 * then in fresh stores measures:
 *
 *   - loading: until the first page is in the list model (what the first
 *     frame of the gallery waits for), until all of it is, and the longest
 *     main-loop iteration meanwhile (a page turned into records);
 *   - the process's resident memory after loading (/proc/self/statm);
 *   - filtering all records with cfai_image_record_matches(), twice (the
 *     second run has its memory warm), and listing the models;
 *   - adding a 1920×1920 PNG: how long cfai_image_store_add_async() holds
 *     the main thread, the longest main-loop iteration while the worker
 *     saves it, and the whole save.
 *
 * Counts and order are checked, so a bench that loaded nothing fails
 * instead of looking fast.  CFAI_BENCH_IMAGES overrides the number of
 * rows (default 2000).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cfai-image-store.h"
#include "cfai-store-private.h"
#include "cfai-test-async.h"
#include "cfai-test-home.h"
#include "fake-image.h"

#define DEFAULT_IMAGES 2000
#define RUNS 5

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return values[n / 2];
}

static void
first_items (GListModel *model,
             guint       position,
             guint       removed,
             guint       added,
             gint64     *at)
{
  if (*at == 0 && added > 0)
    *at = g_get_monotonic_time ();
}

static void
fill (CfaiChatStore *chats,
      guint          n)
{
  static const char * const models[] = {
    "@cf/black-forest-labs/flux-1-schnell", "@cf/black-forest-labs/flux-2-dev",
    "@cf/black-forest-labs/flux-2-klein-4b", "@cf/black-forest-labs/flux-2-klein-9b",
    "@cf/stabilityai/stable-diffusion-xl-base-1.0", "@cf/bytedance/stable-diffusion-xl-lightning",
    "@cf/lykon/dreamshaper-8-lcm", "@cf/leonardo/phoenix-1.0", "@cf/leonardo/lucid-origin",
    "@cf/example/model-a", "@cf/example/model-b", "@cf/example/model-c",
  };
  static const char * const words[] = {
    "lighthouse", "cliff", "dusk", "oil painting", "red bicycle", "brick wall", "harbour",
    "morning fog", "35 mm film", "soft window light", "cherries", "wooden table", "neon",
    "rain", "cinematic", "portrait", "watercolour", "mountains", "a fox in the snow",
  };
  g_autoptr(GString) sql = g_string_new ("BEGIN;");
  g_autoptr(GError) error = NULL;

  for (guint i = 1; i <= n; i++)
    {
      g_autoptr(GString) prompt = g_string_new ("A photo of");
      guint length = 60 + (i * 37) % 340;
      char *quoted;

      while (prompt->len < length)
        g_string_append_printf (prompt, " %s,", words[(i * 7 + prompt->len) % G_N_ELEMENTS (words)]);
      quoted = sqlite3_mprintf ("%Q", prompt->str);
      g_string_append_printf (sql,
                              "INSERT INTO images (id, prompt, negative_prompt, model, params, seed, width,"
                              " height, mime_type, file_name, created_at, estimated_cost) VALUES"
                              " (%u, %s, %s, '%s', '{\"steps\":%u,\"seed\":%u,\"guidance\":7.5}', %u,"
                              " 1024, 768, 'image/png', 'img-%u.png', %" G_GINT64_FORMAT ", 0.0012);",
                              i, quoted, i % 3 == 0 ? "'blurry, text'" : "NULL",
                              models[i % G_N_ELEMENTS (models)], 4 + i % 20, i * 7919, i * 7919,
                              i, (gint64) 1700000000000000 + (gint64) i * 60000000);
      if (i % 4 == 0)
        g_string_append_printf (sql,
                                "INSERT INTO image_references VALUES (%u, 0, 'references/r%u.png', 'image/png');"
                                "INSERT INTO image_references VALUES (%u, 1, 'references/r%u.jpg', 'image/jpeg');",
                                i, i % 50, i, i % 30);
      sqlite3_free (quoted);
    }
  g_string_append (sql, "COMMIT;");

  if (!cfai_chat_store_exec_for_testing (chats, sql->str, &error))
    g_error ("filling the database: %s", error->message);
}

static GBytes *
large_picture (void)
{
  g_autofree guint8 *rgb = g_malloc ((gsize) 1920 * 1920 * 3);

  /* A smooth picture with some texture, about what a model answers. */
  for (guint y = 0; y < 1920; y++)
    for (guint x = 0; x < 1920; x++)
      {
        guint8 *px = rgb + ((gsize) y * 1920 + x) * 3;

        px[0] = (x / 8) ^ (y / 16);
        px[1] = (x + y) / 15;
        px[2] = ((x * y) >> 10) & 0xff;
      }

  return fake_image_encode_png (rgb, 1920, 1920);
}

int
main (int   argc,
      char *argv[])
{
  const char *home = cfai_test_isolate_home ("cfai-bench-image-store");
  const char *env = g_getenv ("CFAI_BENCH_IMAGES");
  guint n = env != NULL ? (guint) g_ascii_strtoull (env, NULL, 10) : DEFAULT_IMAGES;
  g_autofree char *db_path = g_build_filename (home, "history.sqlite", NULL);
  g_autofree char *images_dir = g_build_filename (home, "images", NULL);
  g_autofree char *thumbnails_dir = g_build_filename (home, "thumbnails", NULL);
  double first[RUNS], all[RUNS], stall[RUNS], rss_before = 0, rss_after = 0;
  double search_first = 0, search_again = 0, models_ms = 0;
  guint matched = 0;

  g_print ("# bench-image-store: %u pictures, %d runs, medians\n", n, RUNS);

  {
    g_autoptr(CfaiChatStore) chats = cfai_chat_store_new (db_path);

    fill (chats, n);
  }

  for (guint run = 0; run < RUNS; run++)
    {
      g_autoptr(CfaiChatStore) chats = NULL;
      g_autoptr(CfaiImageStore) store = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      GListModel *images;
      gint64 first_at = 0;
      gint64 start;

      if (run == 0)
        rss_before = cfai_bench_rss_mb ();
      chats = cfai_chat_store_new (db_path);
      store = cfai_image_store_new_full (chats, images_dir, thumbnails_dir);
      images = cfai_image_store_get_images (store);
      g_signal_connect (images, "items-changed", G_CALLBACK (first_items), &first_at);

      start = g_get_monotonic_time ();
      stall[run] = 0;
      cfai_image_store_load_async (store, NULL, cfai_test_got_result, &result);
      while (result == NULL)
        {
          gint64 iteration = g_get_monotonic_time ();

          /* Non-blocking, so the waiting is not counted as work. */
          if (g_main_context_iteration (NULL, FALSE))
            stall[run] = MAX (stall[run], cfai_bench_ms_since (iteration));
          else
            g_usleep (100);
        }
      all[run] = cfai_bench_ms_since (start);
      first[run] = (first_at - start) / 1000.0;
      if (!cfai_image_store_load_finish (store, result, &error))
        g_error ("loading: %s", error->message);
      g_signal_handlers_disconnect_by_data (images, &first_at);

      if (g_list_model_get_n_items (images) != n)
        g_error ("loaded %u of %u pictures", g_list_model_get_n_items (images), n);
      {
        g_autoptr(CfaiImageRecord) newest = g_list_model_get_item (images, 0);

        if (cfai_image_record_get_id (newest) != n)
          g_error ("the newest picture is not first");
      }

      if (run == 0)
        {
          g_auto(GStrv) models = NULL;

          rss_after = cfai_bench_rss_mb ();

          start = g_get_monotonic_time ();
          for (guint i = 0; i < n; i++)
            {
              g_autoptr(CfaiImageRecord) record = g_list_model_get_item (images, i);

              matched += cfai_image_record_matches (record, "red bicycle", NULL);
            }
          search_first = cfai_bench_ms_since (start);

          start = g_get_monotonic_time ();
          for (guint i = 0; i < n; i++)
            {
              g_autoptr(CfaiImageRecord) record = g_list_model_get_item (images, i);

              cfai_image_record_matches (record, "Red BICYCLE", NULL);
            }
          search_again = cfai_bench_ms_since (start);

          start = g_get_monotonic_time ();
          models = cfai_image_store_dup_models (store);
          models_ms = cfai_bench_ms_since (start);
          if (g_strv_length (models) != 12 || matched == 0)
            g_error ("search or models found nothing");
        }
    }

  g_print ("load, first page listed: %.2f ms\n", median (first, RUNS));
  g_print ("load, all %u listed: %.2f ms; longest main-loop iteration meanwhile: %.2f ms\n",
           n, median (all, RUNS), median (stall, RUNS));
  g_print ("RSS before opening: %.1f MB, after loading: %.1f MB (+%.1f MB)\n",
           rss_before, rss_after, rss_after - rss_before);
  g_print ("search over %u prompts: %.2f ms, then %.2f ms (%u matches)\n",
           n, search_first, search_again, matched);
  g_print ("list the models: %.3f ms\n", models_ms);

  /* Saving a large picture: the main thread only gathers settings. */
  {
    g_autoptr(GBytes) picture = large_picture ();
    g_autoptr(CfaiChatStore) chats = cfai_chat_store_new (db_path);
    g_autoptr(CfaiImageStore) store = cfai_image_store_new_full (chats, images_dir, thumbnails_dir);
    g_autoptr(CfaiImageRequest) request = cfai_image_request_new ("@cf/black-forest-labs/flux-2-dev");
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(CfaiImageRecord) record = NULL;
    g_autoptr(GError) error = NULL;
    double call_ms, longest = 0, total_ms;
    gint64 start;

    cfai_image_request_set_prompt (request, "A lighthouse on a cliff at dusk, oil painting, 35 mm film");
    cfai_image_request_set_seed (request, 1234);
    cfai_image_request_set_steps (request, 25);

    start = g_get_monotonic_time ();
    cfai_image_store_add_async (store, request, picture, 0.01, NULL, cfai_test_got_result, &result);
    call_ms = cfai_bench_ms_since (start);
    /* Not a blocking iteration: that would count the waiting. */
    while (result == NULL)
      {
        gint64 iteration = g_get_monotonic_time ();

        g_main_context_iteration (NULL, FALSE);
        longest = MAX (longest, cfai_bench_ms_since (iteration));
        g_usleep (500);
      }
    total_ms = cfai_bench_ms_since (start);
    record = cfai_image_store_add_finish (store, result, &error);
    if (record == NULL)
      g_error ("saving: %s", error->message);

    g_print ("save a 1920x1920 PNG (%.1f MB): add_async returns in %.2f ms, longest main-loop "
             "iteration %.2f ms, saved in %.1f ms\n",
             g_bytes_get_size (picture) / (1024.0 * 1024.0), call_ms, longest, total_ms);
  }

  return 0;
}
