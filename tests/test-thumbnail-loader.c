/* test-thumbnail-loader.c — thumbnails made once, cached on disk and in memory
 *
 * Images are real PNG and JPEG files written with GdkPixbuf; what the
 * loader returns is checked by its size and its pixels.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cfai-test-home.h"
#include "cfai-thumbnail-loader.h"

#define SIZE 256

typedef struct
{
  char  *dir;
  GFile *image;
  GFile *cache;
} Fixture;

/* Left half red, right half blue, so a thumbnail's pixels can be checked. */
static void
write_image (GFile      *file,
             int         width,
             int         height,
             const char *type)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guchar *p = pixels + y * stride + x * 3;
        gboolean left = x < width / 2;

        p[0] = left ? 255 : 0;
        p[1] = 0;
        p[2] = left ? 0 : 255;
      }

  gdk_pixbuf_save (pixbuf, g_file_peek_path (file), type, &error, NULL);
  g_assert_no_error (error);
}

static void
set_modified (GFile  *file,
              gint64  unix_seconds)
{
  g_autoptr(GError) error = NULL;

  g_file_set_attribute_uint64 (file, G_FILE_ATTRIBUTE_TIME_MODIFIED, unix_seconds,
                               G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_assert_no_error (error);
  g_file_set_attribute_uint32 (file, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC, 0,
                               G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *image = NULL;
  g_autofree char *cache = NULL;

  fixture->dir = g_dir_make_tmp ("thumbs-XXXXXX", &error);
  g_assert_no_error (error);
  image = g_build_filename (fixture->dir, "image.png", NULL);
  cache = g_build_filename (fixture->dir, "cache", "thumbnails", "image.png", NULL);
  fixture->image = g_file_new_for_path (image);
  fixture->cache = g_file_new_for_path (cache);
  write_image (fixture->image, 800, 600, "png");
  /* An hour ago, so a cache written now is newer. */
  set_modified (fixture->image, g_get_real_time () / G_USEC_PER_SEC - 3600);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cfai_test_remove_tree (fixture->dir);
  g_clear_object (&fixture->image);
  g_clear_object (&fixture->cache);
  g_free (fixture->dir);
}

typedef struct
{
  GdkTexture *texture;
  GError     *error;
  gboolean    done;
} Result;

static void
loaded (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Result *out = user_data;

  out->texture = cfai_thumbnail_loader_load_finish (CFAI_THUMBNAIL_LOADER (source), result, &out->error);
  out->done = TRUE;
}

static void
wait_for (Result *result)
{
  while (!result->done)
    g_main_context_iteration (NULL, TRUE);
}

static GdkTexture *
load (CfaiThumbnailLoader *loader,
      GFile               *image,
      GFile               *cache,
      GError             **error)
{
  Result result = { 0 };

  cfai_thumbnail_loader_load_async (loader, image, cache, NULL, loaded, &result);
  wait_for (&result);
  g_assert_true ((result.texture == NULL) != (result.error == NULL));
  if (result.error != NULL)
    g_propagate_error (error, result.error);
  return result.texture;
}

/* The pixel at (x, y) as 0xRRGGBB. */
static guint32
pixel_at (GdkTexture *texture,
          int         x,
          int         y)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guchar *data = g_malloc ((gsize) width * height * 4);
  guchar *p;

  /* GDK_MEMORY_DEFAULT is B8G8R8A8 premultiplied; these are opaque. */
  gdk_texture_download (texture, data, (gsize) width * 4);
  p = data + ((gsize) y * width + x) * 4;
  return ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

static void
assert_red_blue_thumbnail (GdkTexture *texture,
                           int         width,
                           int         height)
{
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, height);
  g_assert_cmphex (pixel_at (texture, width / 4, height / 2), ==, 0xff0000);
  g_assert_cmphex (pixel_at (texture, 3 * width / 4, height / 2), ==, 0x0000ff);
}

static void
test_cache_written_once (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(CfaiThumbnailLoader) first = cfai_thumbnail_loader_new (SIZE, 10);
  g_autoptr(CfaiThumbnailLoader) second = cfai_thumbnail_loader_new (SIZE, 10);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkTexture) cached = NULL;
  g_autoptr(GdkTexture) on_disk = NULL;
  g_autoptr(GdkPixbuf) marker = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (g_file_query_exists (fixture->cache, NULL));
  texture = load (first, fixture->image, fixture->cache, &error);
  g_assert_no_error (error);
  assert_red_blue_thumbnail (texture, 256, 192);

  /* The thumbnail was written, as a PNG of the thumbnail's size. */
  on_disk = gdk_texture_new_from_file (fixture->cache, &error);
  g_assert_no_error (error);
  assert_red_blue_thumbnail (on_disk, 256, 192);

  /* A second loader (nothing in memory) reads the cache and does not
   * decode or write again: a different picture put there is what it
   * returns, and it stays there. */
  marker = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 10, 10);
  gdk_pixbuf_fill (marker, 0x00ff00ff);
  gdk_pixbuf_save (marker, g_file_peek_path (fixture->cache), "png", &error, NULL);
  g_assert_no_error (error);

  cached = load (second, fixture->image, fixture->cache, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (cached), ==, 10);
  g_assert_cmphex (pixel_at (cached, 5, 5), ==, 0x00ff00);
  g_clear_object (&on_disk);
  on_disk = gdk_texture_new_from_file (fixture->cache, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (on_disk), ==, 10);
}

static void
test_stale_or_corrupt_cache_is_made_again (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) on_disk = NULL;

  /* Older than the image: made again from the image. */
  {
    g_autoptr(CfaiThumbnailLoader) loader = cfai_thumbnail_loader_new (SIZE, 10);
    g_autoptr(GdkPixbuf) marker = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 10, 10);
    g_autoptr(GFile) parent = g_file_get_parent (fixture->cache);
    g_autoptr(GdkTexture) texture = NULL;

    g_file_make_directory_with_parents (parent, NULL, &error);
    g_assert_no_error (error);
    gdk_pixbuf_fill (marker, 0x00ff00ff);
    gdk_pixbuf_save (marker, g_file_peek_path (fixture->cache), "png", &error, NULL);
    g_assert_no_error (error);
    set_modified (fixture->cache, g_get_real_time () / G_USEC_PER_SEC - 7200);

    texture = load (loader, fixture->image, fixture->cache, &error);
    g_assert_no_error (error);
    assert_red_blue_thumbnail (texture, 256, 192);
    on_disk = gdk_texture_new_from_file (fixture->cache, &error);
    g_assert_no_error (error);
    assert_red_blue_thumbnail (on_disk, 256, 192);
  }

  /* Damaged (half a file): made again too. */
  {
    g_autoptr(CfaiThumbnailLoader) loader = cfai_thumbnail_loader_new (SIZE, 10);
    g_autoptr(GdkTexture) texture = NULL;

    g_file_set_contents (g_file_peek_path (fixture->cache), "\x89PNG\r\n\x1a\n", 8, &error);
    g_assert_no_error (error);

    texture = load (loader, fixture->image, fixture->cache, &error);
    g_assert_no_error (error);
    assert_red_blue_thumbnail (texture, 256, 192);
    g_clear_object (&on_disk);
    on_disk = gdk_texture_new_from_file (fixture->cache, &error);
    g_assert_no_error (error);
    assert_red_blue_thumbnail (on_disk, 256, 192);
  }
}

static void
test_memory_lru (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(CfaiThumbnailLoader) loader = cfai_thumbnail_loader_new (SIZE, 2);
  g_autoptr(GFile) image_b = g_file_new_build_filename (fixture->dir, "b.jpg", NULL);
  g_autoptr(GFile) image_c = g_file_new_build_filename (fixture->dir, "c.png", NULL);
  g_autoptr(GdkTexture) a = NULL;
  g_autoptr(GdkTexture) again = NULL;
  g_autoptr(GdkTexture) b = NULL;
  g_autoptr(GdkTexture) c = NULL;
  g_autoptr(GdkTexture) found = NULL;
  g_autoptr(GError) error = NULL;

  write_image (image_b, 300, 900, "jpeg");
  write_image (image_c, 100, 50, "png");

  g_assert_null (cfai_thumbnail_loader_lookup (loader, fixture->image));
  a = load (loader, fixture->image, NULL, &error);
  g_assert_no_error (error);

  /* In memory: the same texture, even with the file gone. */
  found = cfai_thumbnail_loader_lookup (loader, fixture->image);
  g_assert_true (found == a);
  g_file_delete (fixture->image, NULL, &error);
  g_assert_no_error (error);
  again = load (loader, fixture->image, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (again == a);

  /* A tall JPEG is scaled by its height; a small PNG is not enlarged. */
  b = load (loader, image_b, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (b), ==, 85);
  g_assert_cmpint (gdk_texture_get_height (b), ==, 256);
  c = load (loader, image_c, NULL, &error);
  g_assert_no_error (error);
  assert_red_blue_thumbnail (c, 100, 50);

  /* Capacity two: the least recently used (a) is gone. */
  g_clear_object (&found);
  found = cfai_thumbnail_loader_lookup (loader, fixture->image);
  g_assert_null (found);
  found = cfai_thumbnail_loader_lookup (loader, image_b);
  g_assert_true (found == b);
  g_clear_object (&found);
  found = cfai_thumbnail_loader_lookup (loader, image_c);
  g_assert_true (found == c);
}

static void
test_bad_images (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(CfaiThumbnailLoader) loader = cfai_thumbnail_loader_new (SIZE, 10);
  g_autoptr(GError) error = NULL;
  g_autofree char *png = NULL;
  gsize length;

  /* Not an image at all. */
  g_file_set_contents (g_file_peek_path (fixture->image), "hello, not a picture", -1, &error);
  g_assert_no_error (error);
  g_assert_null (load (loader, fixture->image, fixture->cache, &error));
  g_assert_error (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE);
  g_assert_nonnull (strstr (error->message, "image.png"));
  g_clear_error (&error);

  /* A PNG cut in half. */
  write_image (fixture->image, 800, 600, "png");
  g_file_get_contents (g_file_peek_path (fixture->image), &png, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (g_file_peek_path (fixture->image), png, length / 2, &error);
  g_assert_no_error (error);
  g_assert_null (load (loader, fixture->image, fixture->cache, &error));
  g_assert_error (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_CORRUPT_IMAGE);
  g_clear_error (&error);

  /* A JPEG cut short. */
  g_clear_pointer (&png, g_free);
  write_image (fixture->image, 800, 600, "jpeg");
  g_file_get_contents (g_file_peek_path (fixture->image), &png, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (g_file_peek_path (fixture->image), png, length - 100, &error);
  g_assert_no_error (error);
  g_assert_null (load (loader, fixture->image, fixture->cache, &error));
  g_assert_error (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_CORRUPT_IMAGE);
  g_clear_error (&error);

  /* Gone. */
  g_file_delete (fixture->image, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (load (loader, fixture->image, fixture->cache, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  /* Nothing was cached for any of them. */
  g_assert_false (g_file_query_exists (fixture->cache, NULL));
  g_assert_null (cfai_thumbnail_loader_lookup (loader, fixture->image));
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CfaiThumbnailLoader) loader = cfai_thumbnail_loader_new (SIZE, 10);
  g_autoptr(GCancellable) before = g_cancellable_new ();
  g_autoptr(GCancellable) after = g_cancellable_new ();
  Result result = { 0 };

  /* Cancelled before it starts: nothing is decoded or written. */
  g_cancellable_cancel (before);
  cfai_thumbnail_loader_load_async (loader, fixture->image, fixture->cache, before, loaded, &result);
  wait_for (&result);
  g_assert_null (result.texture);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&result.error);
  g_assert_false (g_file_query_exists (fixture->cache, NULL));
  g_assert_null (cfai_thumbnail_loader_lookup (loader, fixture->image));

  /* Cancelled once started: the caller gets no texture, whenever the
   * work stopped. */
  result = (Result) { 0 };
  cfai_thumbnail_loader_load_async (loader, fixture->image, fixture->cache, after, loaded, &result);
  g_cancellable_cancel (after);
  wait_for (&result);
  g_assert_null (result.texture);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&result.error);
}

/* Many at once, as a gallery asks: every one comes back, right. */
static void
test_many (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(CfaiThumbnailLoader) loader = cfai_thumbnail_loader_new (64, 100);
  Result results[24] = { 0 };
  GFile *images[G_N_ELEMENTS (results)];

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autofree char *name = g_strdup_printf ("many-%u.png", i);
      g_autofree char *cache_name = g_strdup_printf ("cache/many-%u.png", i);
      g_autoptr(GFile) cache = g_file_new_build_filename (fixture->dir, cache_name, NULL);

      images[i] = g_file_new_build_filename (fixture->dir, name, NULL);
      write_image (images[i], 200 + i, 100, "png");
      cfai_thumbnail_loader_load_async (loader, images[i], cache, NULL, loaded, &results[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      wait_for (&results[i]);
      g_assert_no_error (results[i].error);
      g_assert_cmpint (gdk_texture_get_width (results[i].texture), ==, 64);
      g_clear_object (&results[i].texture);
      g_object_unref (images[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  cfai_test_isolate_home ("test-thumbnail-loader");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/thumbnail-loader/cache-written-once", test_cache_written_once);
  ADD ("/thumbnail-loader/stale-or-corrupt-cache", test_stale_or_corrupt_cache_is_made_again);
  ADD ("/thumbnail-loader/memory-lru", test_memory_lru);
  ADD ("/thumbnail-loader/bad-images", test_bad_images);
  ADD ("/thumbnail-loader/cancelled", test_cancelled);
  ADD ("/thumbnail-loader/many", test_many);
#undef ADD

  return g_test_run ();
}
