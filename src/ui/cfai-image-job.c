/* cfai-image-job.c — one image of the studio's queue, from request to texture
 *
 * A job is a CfaiImageRun and what the studio shows of it: its state, the
 * seed it was made with, and the decoded picture.  The run closes its
 * transfer when cancelled; decoding happens in a worker thread, because
 * a 1920×1920 PNG takes far longer than a frame to inflate.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-image-job.h"

struct _CfaiImageJob
{
  GObject              parent_instance;

  CfaiImageRequest    *request;
  CfaiImageModelRules *rules;
  CfaiImageRun        *run;
  GCancellable        *cancellable;

  guint64              id;
  CfaiImageJobState    state;
  GdkTexture          *texture;
  GError              *error;
};

G_DEFINE_FINAL_TYPE (CfaiImageJob, cfai_image_job, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (CfaiImageJobState, cfai_image_job_state,
                    G_DEFINE_ENUM_VALUE (CFAI_IMAGE_JOB_QUEUED, "queued"),
                    G_DEFINE_ENUM_VALUE (CFAI_IMAGE_JOB_RUNNING, "running"),
                    G_DEFINE_ENUM_VALUE (CFAI_IMAGE_JOB_DONE, "done"),
                    G_DEFINE_ENUM_VALUE (CFAI_IMAGE_JOB_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (CFAI_IMAGE_JOB_CANCELLED, "cancelled"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_TEXTURE,
  PROP_SEED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Decoding ---------------------------------------------------------------- */

/* Results are shown at most this big (a 240-pixel card at scale 2, with
 * room to spare).  Drawing a 1920×1920 texture scaled down takes the
 * software renderer longer than a frame, every time it is drawn, so the
 * worker scales it once; the run keeps the full image's bytes. */
#define DISPLAY_MAX_SIDE 512

/**
 * cfai_image_scale_texture:
 * @max_width: the widest the result may be
 * @max_height: the tallest
 *
 * Scales @texture down, keeping its aspect ratio, to fit within
 * @max_width × @max_height; a texture that fits is returned as it is.
 * Thread-safe, and meant for worker threads: scaling a large picture
 * takes longer than a frame.
 *
 * Returns: (transfer full): the texture that fits
 */
GdkTexture *
cfai_image_scale_texture (GdkTexture *texture,
                          int         max_width,
                          int         max_height)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autoptr(GdkTextureDownloader) downloader = NULL;
  g_autoptr(GdkPixbuf) full = NULL;
  g_autoptr(GdkPixbuf) scaled = NULL;
  g_autoptr(GBytes) pixels = NULL;
  double scale;
  gsize stride;

  g_return_val_if_fail (GDK_IS_TEXTURE (texture), NULL);
  g_return_val_if_fail (max_width > 0 && max_height > 0, NULL);

  if (width <= max_width && height <= max_height)
    return g_object_ref (texture);

  downloader = gdk_texture_downloader_new (texture);
  gdk_texture_downloader_set_format (downloader, GDK_MEMORY_R8G8B8A8);
  pixels = gdk_texture_downloader_download_bytes (downloader, &stride);
  full = gdk_pixbuf_new_from_bytes (pixels, GDK_COLORSPACE_RGB, TRUE, 8, width, height, stride);
  scale = MIN ((double) max_width / width, (double) max_height / height);
  scaled = gdk_pixbuf_scale_simple (full, CLAMP ((int) (width * scale), 1, max_width),
                                    CLAMP ((int) (height * scale), 1, max_height), GDK_INTERP_BILINEAR);
  g_clear_pointer (&pixels, g_bytes_unref);
  pixels = gdk_pixbuf_read_pixel_bytes (scaled);

  return gdk_memory_texture_new (gdk_pixbuf_get_width (scaled), gdk_pixbuf_get_height (scaled),
                                 GDK_MEMORY_R8G8B8A8, pixels, gdk_pixbuf_get_rowstride (scaled));
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  /* gdk_texture_new_from_bytes() is thread-safe, and so is every texture;
   * the main thread gets one ready to draw. */
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (task_data, &error);

  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, cfai_image_scale_texture (texture, DISPLAY_MAX_SIDE, DISPLAY_MAX_SIDE),
                           g_object_unref);
}

/**
 * cfai_image_decode_async:
 * @bytes: a PNG, JPEG or WebP file's bytes
 *
 * Decodes @bytes in a worker thread, so the main loop never waits for
 * it, into a texture for showing: at most 512 pixels on its longer side
 * (smaller images keep their size).
 */
void
cfai_image_decode_async (GBytes              *bytes,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (bytes != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_image_decode_async);
  g_task_set_task_data (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, decode_thread);
}

/**
 * cfai_image_decode_finish:
 *
 * Returns: (transfer full): the texture to show
 */
GdkTexture *
cfai_image_decode_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The job ----------------------------------------------------------------- */

static void
set_state (CfaiImageJob      *self,
           CfaiImageJobState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
fail (CfaiImageJob *self,
      GError       *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      set_state (self, CFAI_IMAGE_JOB_CANCELLED);
      return;
    }

  g_clear_error (&self->error);
  self->error = error;
  set_state (self, CFAI_IMAGE_JOB_FAILED);
}

static void
on_decoded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CfaiImageJob) self = user_data;
  GError *error = NULL;
  GdkTexture *texture = cfai_image_decode_finish (result, &error);

  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          GError *shown = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                       _("The model sent an image CfAI cannot read: %s"),
                                       error->message);
          g_error_free (error);
          error = shown;
        }
      fail (self, error);
      return;
    }

  self->texture = texture;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXTURE]);
  set_state (self, CFAI_IMAGE_JOB_DONE);
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CfaiImageJob) self = user_data;
  GError *error = NULL;

  if (!cfai_run_execute_finish (CFAI_RUN (source), result, &error))
    {
      fail (self, error);
      return;
    }

  cfai_image_decode_async (cfai_image_run_get_image (self->run), self->cancellable,
                           on_decoded, g_object_ref (self));
}

/**
 * cfai_image_job_start:
 *
 * Sends the request; the queue calls this when a slot is free.
 */
void
cfai_image_job_start (CfaiImageJob *self)
{
  g_return_if_fail (CFAI_IS_IMAGE_JOB (self));
  g_return_if_fail (self->state == CFAI_IMAGE_JOB_QUEUED);

  set_state (self, CFAI_IMAGE_JOB_RUNNING);
  cfai_run_execute_async (CFAI_RUN (self->run), self->cancellable, on_run_done, g_object_ref (self));
}

/**
 * cfai_image_job_cancel:
 *
 * A queued job is never sent; a running one closes its transfer at once.
 */
void
cfai_image_job_cancel (CfaiImageJob *self)
{
  g_return_if_fail (CFAI_IS_IMAGE_JOB (self));

  switch (self->state)
    {
    case CFAI_IMAGE_JOB_QUEUED:
      set_state (self, CFAI_IMAGE_JOB_CANCELLED);
      break;

    case CFAI_IMAGE_JOB_RUNNING:
      /* The run ends cancelled, and so does the job (see fail()); a
       * decode under way stops with the cancellable. */
      cfai_run_cancel (CFAI_RUN (self->run));
      g_cancellable_cancel (self->cancellable);
      break;

    case CFAI_IMAGE_JOB_DONE:
    case CFAI_IMAGE_JOB_FAILED:
    case CFAI_IMAGE_JOB_CANCELLED:
    default:
      break;
    }
}

static void
on_run_seed (CfaiImageJob *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEED]);
}

static void
cfai_image_job_dispose (GObject *object)
{
  CfaiImageJob *self = CFAI_IMAGE_JOB (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (cfai_image_job_parent_class)->dispose (object);
}

static void
cfai_image_job_finalize (GObject *object)
{
  CfaiImageJob *self = CFAI_IMAGE_JOB (object);

  g_clear_object (&self->run);
  g_clear_object (&self->request);
  g_clear_pointer (&self->rules, cfai_image_model_rules_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->texture);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (cfai_image_job_parent_class)->finalize (object);
}

static void
cfai_image_job_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CfaiImageJob *self = CFAI_IMAGE_JOB (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_TEXTURE:
      g_value_set_object (value, self->texture);
      break;
    case PROP_SEED:
      g_value_set_int64 (value, cfai_image_job_get_seed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_image_job_class_init (CfaiImageJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cfai_image_job_dispose;
  object_class->finalize = cfai_image_job_finalize;
  object_class->get_property = cfai_image_job_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, CFAI_TYPE_IMAGE_JOB_STATE, CFAI_IMAGE_JOB_QUEUED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * CfaiImageJob:texture:
   *
   * The picture, decoded and scaled for showing (at most 512 pixels on its
   * longer side), once the job is done; the run has the full image.
   */
  properties[PROP_TEXTURE] =
    g_param_spec_object ("texture", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * CfaiImageJob:seed:
   *
   * The seed the picture is made with, or -1 when the model takes none.
   */
  properties[PROP_SEED] =
    g_param_spec_int64 ("seed", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfai_image_job_init (CfaiImageJob *self)
{
  static guint64 last_id;

  /* Main thread only, like every widget that shows jobs. */
  self->id = ++last_id;
  self->cancellable = g_cancellable_new ();
}

/**
 * cfai_image_job_new:
 * @request: the request, which the job keeps as it is (give each job its own)
 * @rules: (nullable): the model's rules
 *
 * Returns: (transfer full): a queued job
 */
CfaiImageJob *
cfai_image_job_new (CfaiClient          *client,
                    CfaiImageRequest    *request,
                    CfaiImageModelRules *rules)
{
  CfaiImageJob *self;

  g_return_val_if_fail (CFAI_IS_CLIENT (client), NULL);
  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (request), NULL);

  self = g_object_new (CFAI_TYPE_IMAGE_JOB, NULL);
  self->request = g_object_ref (request);
  self->rules = rules != NULL ? cfai_image_model_rules_ref (rules) : NULL;
  self->run = cfai_image_run_new (client, request, rules);
  g_signal_connect_object (self->run, "notify::seed", G_CALLBACK (on_run_seed), self, G_CONNECT_SWAPPED);

  return self;
}

/* Unique in the process: how an action names a job (studio.retry). */
guint64
cfai_image_job_get_id (CfaiImageJob *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_JOB (self), 0);
  return self->id;
}

CfaiImageJobState
cfai_image_job_get_state (CfaiImageJob *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_JOB (self), CFAI_IMAGE_JOB_QUEUED);
  return self->state;
}

gboolean
cfai_image_job_is_finished (CfaiImageJob *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_JOB (self), FALSE);
  return self->state >= CFAI_IMAGE_JOB_DONE;
}

CfaiImageRequest *
cfai_image_job_get_request (CfaiImageJob *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_JOB (self), NULL);
  return self->request;
}

/**
 * cfai_image_job_get_rules:
 *
 * Returns: (transfer none) (nullable): the rules the job was made with:
 *   its model's, read from its schema, or %NULL for built-in ones
 */
CfaiImageModelRules *
cfai_image_job_get_rules (CfaiImageJob *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_JOB (self), NULL);
  return self->rules;
}

CfaiImageRun *
cfai_image_job_get_run (CfaiImageJob *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_JOB (self), NULL);
  return self->run;
}

GdkTexture *
cfai_image_job_get_texture (CfaiImageJob *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_JOB (self), NULL);
  return self->texture;
}

const GError *
cfai_image_job_get_error (CfaiImageJob *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_JOB (self), NULL);
  return self->error;
}

/* What was sent once the run started; before, what will be. */
gint64
cfai_image_job_get_seed (CfaiImageJob *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_JOB (self), -1);

  if (self->state == CFAI_IMAGE_JOB_QUEUED)
    return cfai_image_request_get_seed (self->request);
  return cfai_image_run_get_seed (self->run);
}
