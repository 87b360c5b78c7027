/* cfai-thumbnail-loader.c — small textures of image files, made once and cached
 *
 * A thumbnail is decoded from its image once, scaled while it is decoded
 * (JPEG decodes straight to the smaller size), and written as a PNG to
 * the cache path the caller gives; later loads read that PNG instead.
 * Decoding runs on one process-wide thread: on a two-core machine the
 * main thread keeps a core to itself while a gallery is scrolled end to
 * end (in bench-gallery, 25–100 frames per pass went over 32 ms with two
 * decoding threads, 4–9 with one, and thumbnails still keep up).  Requests are taken in the order
 * rows were bound, top to bottom; a row scrolled away cancels its
 * request, and one cancelled before its turn costs nothing.
 *
 * The newest textures stay in memory (least recently used ones go first),
 * so a row bound again while scrolling back shows its thumbnail at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

#include "cfai-thumbnail-loader.h"

#define DEFAULT_SIZE      256
#define DEFAULT_CAPACITY  200
#define MAX_THREADS       1
#define READ_CHUNK        (64 * 1024)
#define TAIL_SIZE         12

struct _CfaiThumbnailLoader
{
  GObject     parent_instance;

  guint       size;
  guint       capacity;

  /* Touched by the decoding threads too. */
  GMutex      lock;
  GHashTable *entries;   /* char *uri → GList * link in lru */
  GQueue      lru;       /* Entry *, most recently used first */
};

typedef struct
{
  char       *uri;
  GdkTexture *texture;
} Entry;

typedef struct
{
  GFile   *image;
  GFile   *cache;
} Request;

G_DEFINE_FINAL_TYPE (CfaiThumbnailLoader, cfai_thumbnail_loader, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SIZE,
  PROP_CAPACITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->uri);
  g_clear_object (&entry->texture);
  g_free (entry);
}

static void
request_free (gpointer data)
{
  Request *request = data;

  g_clear_object (&request->image);
  g_clear_object (&request->cache);
  g_free (request);
}

/* Called with the lock held. */
static GdkTexture *
lookup_locked (CfaiThumbnailLoader *self,
               const char          *uri)
{
  GList *link = g_hash_table_lookup (self->entries, uri);

  if (link == NULL)
    return NULL;

  g_queue_unlink (&self->lru, link);
  g_queue_push_head_link (&self->lru, link);
  return g_object_ref (((Entry *) link->data)->texture);
}

static void
remember (CfaiThumbnailLoader *self,
          const char          *uri,
          GdkTexture          *texture)
{
  Entry *entry;

  if (self->capacity == 0)
    return;

  g_mutex_lock (&self->lock);
  if (g_hash_table_contains (self->entries, uri))
    {
      g_mutex_unlock (&self->lock);
      return;
    }

  entry = g_new0 (Entry, 1);
  entry->uri = g_strdup (uri);
  entry->texture = g_object_ref (texture);
  g_queue_push_head (&self->lru, entry);
  g_hash_table_insert (self->entries, entry->uri, self->lru.head);

  while (self->lru.length > self->capacity)
    {
      Entry *oldest = g_queue_pop_tail (&self->lru);

      g_hash_table_remove (self->entries, oldest->uri);
      entry_free (oldest);
    }
  g_mutex_unlock (&self->lock);
}

/* Thumbnails are handed over in GDK_MEMORY_DEFAULT, the layout the
 * renderers draw from without converting: the conversion happens here,
 * once, on the decoding thread, not in every frame that shows them. */
static GdkTexture *
native_texture (GdkTexture *texture)
{
  g_autoptr(GdkTextureDownloader) downloader = gdk_texture_downloader_new (texture);
  g_autoptr(GBytes) pixels = NULL;
  gsize stride = 0;

  gdk_texture_downloader_set_format (downloader, GDK_MEMORY_DEFAULT);
  pixels = gdk_texture_downloader_download_bytes (downloader, &stride);
  return gdk_memory_texture_new (gdk_texture_get_width (texture), gdk_texture_get_height (texture),
                                 GDK_MEMORY_DEFAULT, pixels, stride);
}

static GdkTexture *
texture_for_pixbuf (GdkPixbuf *pixbuf)
{
  g_autoptr(GBytes) pixels = gdk_pixbuf_read_pixel_bytes (pixbuf);
  g_autoptr(GdkTexture) texture = NULL;

  /* GdkPixbuf keeps unpremultiplied 8-bit RGB(A). */
  texture = gdk_memory_texture_new (gdk_pixbuf_get_width (pixbuf),
                                    gdk_pixbuf_get_height (pixbuf),
                                    gdk_pixbuf_get_has_alpha (pixbuf) ? GDK_MEMORY_R8G8B8A8 : GDK_MEMORY_R8G8B8,
                                    pixels,
                                    gdk_pixbuf_get_rowstride (pixbuf));
  return native_texture (texture);
}

/* Never scales up: a thumbnail of a small image is the image. */
static void
size_prepared (GdkPixbufLoader *loader,
               int              width,
               int              height,
               gpointer         user_data)
{
  int size = GPOINTER_TO_INT (user_data);
  double scale;

  if (width <= size && height <= size)
    return;

  scale = MIN ((double) size / width, (double) size / height);
  gdk_pixbuf_loader_set_size (loader,
                              MAX (1, (int) (width * scale + 0.5)),
                              MAX (1, (int) (height * scale + 0.5)));
}

/* GdkPixbuf's incremental PNG and JPEG loaders take a file cut short
 * without complaint and fill the rest with grey; such a file is damaged,
 * and its last bytes say so: PNG ends with the IEND chunk, JPEG with the
 * end-of-image marker. */
static gboolean
ends_complete (GdkPixbufLoader *loader,
               const guchar    *tail,
               gsize            n_tail)
{
  static const guchar png_end[] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
  static const guchar jpeg_end[] = { 0xff, 0xd9 };
  GdkPixbufFormat *format = gdk_pixbuf_loader_get_format (loader);
  g_autofree char *name = format != NULL ? gdk_pixbuf_format_get_name (format) : NULL;

  if (g_strcmp0 (name, "png") == 0)
    return n_tail >= sizeof png_end && memcmp (tail + n_tail - sizeof png_end, png_end, sizeof png_end) == 0;
  if (g_strcmp0 (name, "jpeg") == 0)
    return n_tail >= sizeof jpeg_end && memcmp (tail + n_tail - sizeof jpeg_end, jpeg_end, sizeof jpeg_end) == 0;
  return TRUE;
}

static GdkPixbuf *
decode_scaled (GFile         *image,
               int            size,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autofree guchar *buffer = NULL;
  guchar tail[TAIL_SIZE];
  gsize n_tail = 0;
  GdkPixbuf *pixbuf;
  gboolean closed = FALSE;

  stream = g_file_read (image, cancellable, error);
  if (stream == NULL)
    return NULL;

  /* Made only now: a loader must be closed before it goes. */
  loader = gdk_pixbuf_loader_new ();
  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared), GINT_TO_POINTER (size));
  buffer = g_malloc (READ_CHUNK);

  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, READ_CHUNK, cancellable, error);

      if (n < 0)
        goto fail;
      if (n == 0)
        break;
      if (!gdk_pixbuf_loader_write (loader, buffer, n, error))
        goto fail;

      if ((gsize) n >= TAIL_SIZE)
        {
          memcpy (tail, buffer + n - TAIL_SIZE, TAIL_SIZE);
          n_tail = TAIL_SIZE;
        }
      else
        {
          gsize keep = MIN (n_tail, TAIL_SIZE - (gsize) n);

          memmove (tail, tail + n_tail - keep, keep);
          memcpy (tail + keep, buffer, n);
          n_tail = keep + n;
        }
    }

  closed = TRUE;
  if (!gdk_pixbuf_loader_close (loader, error))
    return NULL;

  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf != NULL && !ends_complete (loader, tail, n_tail))
    {
      g_set_error_literal (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_CORRUPT_IMAGE,
                           _("The file is cut short: it was not completely written or was damaged"));
      return NULL;
    }
  if (pixbuf == NULL)
    {
      g_set_error_literal (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_CORRUPT_IMAGE,
                           _("The file holds no picture"));
      return NULL;
    }

  /* Photos from cameras say which way up they are; the thumbnail shows
   * them that way. */
  return gdk_pixbuf_apply_embedded_orientation (pixbuf);

fail:
  if (!closed)
    gdk_pixbuf_loader_close (loader, NULL);
  return NULL;
}

static guint64
modified_usec (GFile         *file,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GDateTime) time = NULL;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_TIME_MODIFIED "," G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                            G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (info == NULL)
    return 0;
  time = g_file_info_get_modification_date_time (info);
  return time != NULL ? (guint64) g_date_time_to_unix_usec (time) : 0;
}

/* The cached PNG, when there is one at least as new as the image. */
static GdkTexture *
read_cache (GFile        *cache,
            guint64       image_modified,
            GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  GdkTexture *texture;
  guint64 cache_modified;

  cache_modified = modified_usec (cache, cancellable, &error);
  if (error != NULL || cache_modified < image_modified)
    return NULL;

  texture = gdk_texture_new_from_file (cache, &error);
  if (texture == NULL)
    {
      g_debug ("Thumbnail cache %s is not usable, making it again: %s",
               g_file_peek_path (cache), error->message);
      return NULL;
    }
  {
    g_autoptr(GdkTexture) read = texture;

    return native_texture (read);
  }
}

static void
write_cache (GFile        *cache,
             GdkPixbuf    *pixbuf,
             GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) parent = g_file_get_parent (cache);
  g_autofree char *png = NULL;
  gsize length = 0;

  /* The lightest compression: a thumbnail is small anyway, and the
   * encoding is most of what making one costs. */
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &png, &length, "png", &error, "compression", "1", NULL) ||
      (!g_file_make_directory_with_parents (parent, cancellable, &error) &&
       !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS)))
    goto fail;
  g_clear_error (&error);

  /* Written beside and renamed over, so a reader never sees half a PNG. */
  if (!g_file_replace_contents (cache, png, length, NULL, FALSE,
                                G_FILE_CREATE_PRIVATE, NULL, cancellable, &error))
    goto fail;
  return;

fail:
  /* A cache that cannot be written (a full or read-only disk) only costs
   * decoding again next time; the thumbnail is still shown. */
  g_debug ("Could not write the thumbnail %s: %s", g_file_peek_path (cache), error->message);
}

static void
load_in_thread (gpointer data,
                gpointer user_data)
{
  g_autoptr(GTask) task = data;
  CfaiThumbnailLoader *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  guint64 image_modified;

  if (g_task_return_error_if_cancelled (task))
    return;

  image_modified = modified_usec (request->image, cancellable, &error);
  if (error != NULL)
    goto fail;

  if (request->cache != NULL)
    texture = read_cache (request->cache, image_modified, cancellable);

  if (texture == NULL)
    {
      pixbuf = decode_scaled (request->image, self->size, cancellable, &error);
      if (pixbuf == NULL)
        goto fail;
      if (request->cache != NULL)
        write_cache (request->cache, pixbuf, cancellable);
      texture = texture_for_pixbuf (pixbuf);
    }

  uri = g_file_get_uri (request->image);
  remember (self, uri, texture);
  g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
  return;

fail:
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *name = g_file_get_parse_name (request->image);

      g_prefix_error (&error, _("Could not make a thumbnail of “%s”: "), name);
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

/* One pool for every loader, so two galleries never decode more than
 * MAX_THREADS images at a time between them.  It lives as long as the
 * process: a loader can be finalized on one of its threads. */
static GThreadPool *
get_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter_pointer (&pool))
    {
      GThreadPool *new_pool = g_thread_pool_new_full (load_in_thread, NULL, g_object_unref,
                                                      MAX_THREADS, FALSE, NULL);

      g_once_init_leave_pointer (&pool, new_pool);
    }

  return pool;
}

static void
cfai_thumbnail_loader_finalize (GObject *object)
{
  CfaiThumbnailLoader *self = CFAI_THUMBNAIL_LOADER (object);

  g_queue_clear_full (&self->lru, entry_free);
  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cfai_thumbnail_loader_parent_class)->finalize (object);
}

static void
cfai_thumbnail_loader_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CfaiThumbnailLoader *self = CFAI_THUMBNAIL_LOADER (object);

  switch (prop_id)
    {
    case PROP_SIZE:
      g_value_set_uint (value, self->size);
      break;
    case PROP_CAPACITY:
      g_value_set_uint (value, self->capacity);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_thumbnail_loader_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  CfaiThumbnailLoader *self = CFAI_THUMBNAIL_LOADER (object);

  switch (prop_id)
    {
    case PROP_SIZE:
      self->size = g_value_get_uint (value);
      break;
    case PROP_CAPACITY:
      self->capacity = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_thumbnail_loader_class_init (CfaiThumbnailLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cfai_thumbnail_loader_finalize;
  object_class->get_property = cfai_thumbnail_loader_get_property;
  object_class->set_property = cfai_thumbnail_loader_set_property;

  /**
   * CfaiThumbnailLoader:size:
   *
   * The longest side of a thumbnail, in pixels.
   */
  properties[PROP_SIZE] =
    g_param_spec_uint ("size", NULL, NULL, 16, 4096, DEFAULT_SIZE,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * CfaiThumbnailLoader:capacity:
   *
   * How many thumbnails stay in memory.
   */
  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", NULL, NULL, 0, G_MAXUINT, DEFAULT_CAPACITY,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfai_thumbnail_loader_init (CfaiThumbnailLoader *self)
{
  g_mutex_init (&self->lock);
  self->entries = g_hash_table_new (g_str_hash, g_str_equal);
}

/**
 * cfai_thumbnail_loader_new:
 * @size: the longest side of a thumbnail, in pixels
 * @capacity: how many thumbnails to keep in memory
 *
 * Returns: (transfer full): a new loader
 */
CfaiThumbnailLoader *
cfai_thumbnail_loader_new (guint size,
                           guint capacity)
{
  return g_object_new (CFAI_TYPE_THUMBNAIL_LOADER,
                       "size", size,
                       "capacity", capacity,
                       NULL);
}

/**
 * cfai_thumbnail_loader_get_default:
 *
 * The loader the gallery's cells share, so the memory they use for
 * thumbnails has one bound however many views show them.
 *
 * Returns: (transfer none): the process's loader
 */
CfaiThumbnailLoader *
cfai_thumbnail_loader_get_default (void)
{
  static CfaiThumbnailLoader *loader;

  if (g_once_init_enter_pointer (&loader))
    g_once_init_leave_pointer (&loader, cfai_thumbnail_loader_new (DEFAULT_SIZE, DEFAULT_CAPACITY));
  return loader;
}

guint
cfai_thumbnail_loader_get_size (CfaiThumbnailLoader *self)
{
  g_return_val_if_fail (CFAI_IS_THUMBNAIL_LOADER (self), 0);

  return self->size;
}

guint
cfai_thumbnail_loader_get_capacity (CfaiThumbnailLoader *self)
{
  g_return_val_if_fail (CFAI_IS_THUMBNAIL_LOADER (self), 0);

  return self->capacity;
}

/**
 * cfai_thumbnail_loader_lookup:
 * @self: a loader
 * @image: an image file
 *
 * The thumbnail of @image if it is in memory, without waiting.
 *
 * Returns: (transfer full) (nullable): the thumbnail, or %NULL
 */
GdkTexture *
cfai_thumbnail_loader_lookup (CfaiThumbnailLoader *self,
                              GFile               *image)
{
  g_autofree char *uri = NULL;
  GdkTexture *texture;

  g_return_val_if_fail (CFAI_IS_THUMBNAIL_LOADER (self), NULL);
  g_return_val_if_fail (G_IS_FILE (image), NULL);

  uri = g_file_get_uri (image);
  g_mutex_lock (&self->lock);
  texture = lookup_locked (self, uri);
  g_mutex_unlock (&self->lock);

  return texture;
}

/**
 * cfai_thumbnail_loader_load_async:
 * @self: a loader
 * @image: the image file
 * @cache: (nullable): where its thumbnail PNG is kept
 * @cancellable: (nullable): a cancellable
 * @callback: called with the thumbnail
 * @user_data: for @callback
 *
 * Loads the thumbnail of @image: from memory, from @cache when that is
 * not older than @image, or by decoding @image (and then writing
 * @cache).  Cancelled requests that have not started are never decoded.
 */
void
cfai_thumbnail_loader_load_async (CfaiThumbnailLoader *self,
                                  GFile               *image,
                                  GFile               *cache,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  Request *request;

  g_return_if_fail (CFAI_IS_THUMBNAIL_LOADER (self));
  g_return_if_fail (G_IS_FILE (image));
  g_return_if_fail (cache == NULL || G_IS_FILE (cache));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_thumbnail_loader_load_async);

  texture = cfai_thumbnail_loader_lookup (self, image);
  if (texture != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
      return;
    }

  request = g_new0 (Request, 1);
  request->image = g_object_ref (image);
  request->cache = cache != NULL ? g_object_ref (cache) : NULL;
  g_task_set_task_data (task, request, request_free);

  g_thread_pool_push (get_pool (), g_steal_pointer (&task), NULL);
}

/**
 * cfai_thumbnail_loader_load_finish:
 * @self: a loader
 * @result: the result given to the callback
 * @error: where a failure is told
 *
 * Returns: (transfer full): the thumbnail, or %NULL with @error set
 *   (%G_IO_ERROR_CANCELLED once the request's cancellable has fired,
 *   even if the thumbnail was made)
 */
GdkTexture *
cfai_thumbnail_loader_load_finish (CfaiThumbnailLoader  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  g_return_val_if_fail (CFAI_IS_THUMBNAIL_LOADER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_thumbnail_loader_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
