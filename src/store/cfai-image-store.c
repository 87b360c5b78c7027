/* cfai-image-store.c
 *
 * The application owns one gallery, next to the chat store, and shares
 * its worker thread and so its connection (one file, one writer).  The
 * main thread holds the records; the worker writes files and rows.
 *
 * Loading comes in pages, newest first, so the first screenful of a large
 * gallery shows before the rest is read.  Adding writes the picture (its
 * settings embedded, see cfai-image-metadata.c) and its reference images,
 * then the row; when the row fails the new files are removed again, so a
 * failure leaves nothing half saved, and the caller still has the
 * picture to try again.  Deleting removes the record from the list at
 * once; the file and row go only when the delete is committed (the undo
 * toast went away), or when the store goes.
 *
 * Searching is left to a GtkFilterListModel in the UI with
 * cfai_image_record_matches(): new pictures then appear in a search as
 * they arrive, and 2,000 prompts filter in memory far faster than a
 * query's round trip through the worker (bench-image-store).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cfai-image-metadata.h"
#include "cfai-image-response.h"
#include "cfai-image-store-private.h"
#include "cfai-image-store.h"
#include "cfai-store-private.h"
#include "cfai-store-worker.h"

/* A grid shows a few dozen thumbnails: the first page is just that. */
#define FIRST_PAGE 60
#define PAGE 500

struct _CfaiImageStore
{
  GObject          parent_instance;

  CfaiStoreWorker *worker;
  char            *images_dir;
  char            *thumbnails_dir;

  GListStore      *images;          /* CfaiImageRecord, newest first */
  GHashTable      *by_id;           /* gint64 → CfaiImageRecord (borrowed); listed or pending */
  GHashTable      *pending_deletes; /* CfaiImageRecord set */

  guint            loaded : 1;
  guint            loading : 1;
};

G_DEFINE_FINAL_TYPE (CfaiImageStore, cfai_image_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (cfai-image-store-error-quark, cfai_image_store_error)

enum {
  PROP_0,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static int
compare_records (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  CfaiImageRecord *ra = (CfaiImageRecord *) a;
  CfaiImageRecord *rb = (CfaiImageRecord *) b;
  gint64 ca = cfai_image_record_get_created_at (ra);
  gint64 cb = cfai_image_record_get_created_at (rb);

  if (ca != cb)
    return ca > cb ? -1 : 1;
  if (cfai_image_record_get_id (ra) != cfai_image_record_get_id (rb))
    return cfai_image_record_get_id (ra) > cfai_image_record_get_id (rb) ? -1 : 1;
  return 0;
}

/**
 * cfai_image_store_new:
 * @chat_store: the application's chat store, whose database (and worker
 *   thread) the gallery shares
 *
 * Pictures go to `$XDG_DATA_HOME/cfai/images`, thumbnails to
 * `$XDG_CACHE_HOME/cfai/thumbnails`.  Nothing is listed until
 * cfai_image_store_load_async() has run.
 */
CfaiImageStore *
cfai_image_store_new (CfaiChatStore *chat_store)
{
  g_autofree char *images = g_build_filename (g_get_user_data_dir (), "cfai", "images", NULL);
  g_autofree char *thumbnails = g_build_filename (g_get_user_cache_dir (), "cfai", "thumbnails", NULL);

  return cfai_image_store_new_full (chat_store, images, thumbnails);
}

/**
 * cfai_image_store_new_full:
 * @images_dir: where the pictures go (made when missing)
 * @thumbnails_dir: where #CfaiImageRecord:thumbnail-path points
 */
CfaiImageStore *
cfai_image_store_new_full (CfaiChatStore *chat_store,
                           const char    *images_dir,
                           const char    *thumbnails_dir)
{
  CfaiImageStore *self;

  g_return_val_if_fail (CFAI_IS_CHAT_STORE (chat_store), NULL);
  g_return_val_if_fail (images_dir != NULL, NULL);
  g_return_val_if_fail (thumbnails_dir != NULL, NULL);

  self = g_object_new (CFAI_TYPE_IMAGE_STORE, NULL);
  self->worker = cfai_store_worker_ref (cfai_chat_store_get_worker (chat_store));
  self->images_dir = g_strdup (images_dir);
  self->thumbnails_dir = g_strdup (thumbnails_dir);

  return self;
}

const char *
cfai_image_store_get_images_dir (CfaiImageStore *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_STORE (self), NULL);
  return self->images_dir;
}

const char *
cfai_image_store_get_thumbnails_dir (CfaiImageStore *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_STORE (self), NULL);
  return self->thumbnails_dir;
}

/**
 * cfai_image_store_get_images:
 *
 * Returns: (transfer none): a #GListModel of #CfaiImageRecord, newest
 *   first; it fills in while the store loads and when pictures are added
 */
GListModel *
cfai_image_store_get_images (CfaiImageStore *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_STORE (self), NULL);
  return G_LIST_MODEL (self->images);
}

gboolean
cfai_image_store_get_loaded (CfaiImageStore *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_STORE (self), FALSE);
  return self->loaded;
}

/**
 * cfai_image_store_dup_models:
 *
 * Returns: (transfer full): the models of the pictures listed, each once,
 *   the most recently used first: what a model filter offers
 */
char **
cfai_image_store_dup_models (CfaiImageStore *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n;

  g_return_val_if_fail (CFAI_IS_IMAGE_STORE (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->images));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CfaiImageRecord) record = g_list_model_get_item (G_LIST_MODEL (self->images), i);
      const char *model = cfai_image_record_get_model (record);

      if (g_hash_table_add (seen, (gpointer) model))
        g_strv_builder_add (builder, model);
    }

  return g_strv_builder_end (builder);
}

/* Records in the list, by id, for the pages of a load that overlap
 * pictures added meanwhile. */
static void
add_record (CfaiImageStore  *self,
            CfaiImageRecord *record)
{
  gint64 id = cfai_image_record_get_id (record);

  g_hash_table_insert (self->by_id, g_memdup2 (&id, sizeof id), record);
  g_list_store_insert_sorted (self->images, record, compare_records, NULL);
}

/* Loading */

typedef struct
{
  gint64     before_created_at;
  gint64     before_id;
  guint      limit;
} Page;

static void
load_page_in_worker (GTask        *task,
                     CfaiDatabase *db)
{
  Page *page = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *rows;

  rows = cfai_image_sql_load_page (db, page->before_created_at, page->before_id, page->limit, &error);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      CfaiImageRow *row = g_ptr_array_index (rows, i);

      row->search_key = cfai_image_fold_for_search (row->prompt);
    }
  if (rows == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, rows, (GDestroyNotify) g_ptr_array_unref);
}

static void push_page (CfaiImageStore *self,
                       GTask          *task,
                       gint64          before_created_at,
                       gint64          before_id,
                       guint           limit);

static void
page_loaded (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CfaiImageStore *self = g_task_get_source_object (task);
  Page *page = g_task_get_task_data (G_TASK (result));
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  CfaiImageRow *last = NULL;

  rows = g_task_propagate_pointer (G_TASK (result), &error);
  if (rows == NULL)
    {
      self->loading = FALSE;
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  records = g_ptr_array_new_full (rows->len, g_object_unref);
  for (guint i = 0; i < rows->len; i++)
    {
      CfaiImageRow *row = g_ptr_array_index (rows, i);
      CfaiImageRecord *record;

      last = row;
      /* Added while loading: already listed. */
      if (g_hash_table_contains (self->by_id, &row->id))
        continue;

      record = cfai_image_record_new_from_row (row, self->images_dir, self->thumbnails_dir);
      g_hash_table_insert (self->by_id, g_memdup2 (&row->id, sizeof row->id), record);
      g_ptr_array_add (records, record);
    }

  /* The page is older than everything listed but what was added while
   * loading, which is newer: it goes at the end, in one change. */
  g_list_store_splice (self->images, g_list_model_get_n_items (G_LIST_MODEL (self->images)), 0,
                       records->pdata, records->len);

  if (rows->len == page->limit && !g_task_return_error_if_cancelled (task))
    {
      push_page (self, g_steal_pointer (&task), last->created_at, last->id, PAGE);
      return;
    }

  if (g_task_had_error (task))
    {
      /* Cancelled: the rest stays unread; a new load may follow. */
      self->loading = FALSE;
      return;
    }

  self->loading = FALSE;
  self->loaded = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
  g_task_return_boolean (task, TRUE);
}

static void
push_page (CfaiImageStore *self,
           GTask          *task,
           gint64          before_created_at,
           gint64          before_id,
           guint           limit)
{
  g_autoptr(GTask) inner = g_task_new (NULL, NULL, page_loaded, task);
  Page *page = g_new0 (Page, 1);

  page->before_created_at = before_created_at;
  page->before_id = before_id;
  page->limit = limit;
  g_task_set_task_data (inner, page, g_free);
  g_task_set_source_tag (inner, load_page_in_worker);
  cfai_store_worker_push_task (self->worker, inner, load_page_in_worker);
}

/**
 * cfai_image_store_load_async:
 *
 * Lists the gallery, newest first, a page at a time: the first few dozen
 * records appear in cfai_image_store_get_images() before the rest are
 * read.  Completes when all are listed.  On failure (a damaged or newer
 * database) the error says what to do; records listed so far stay.
 */
void
cfai_image_store_load_async (CfaiImageStore      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CFAI_IS_IMAGE_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->loaded && !self->loading);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_image_store_load_async);
  self->loading = TRUE;
  push_page (self, task, G_MAXINT64, G_MAXINT64, FIRST_PAGE);
}

gboolean
cfai_image_store_load_finish (CfaiImageStore  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_image_store_load_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Adding */

/* Everything the worker needs; the main thread only gathers it.  The
 * work that grows with the picture (copying it with its texts, hashing
 * the references) is the worker's: a 1920×1920 PNG is megabytes. */
typedef struct
{
  CfaiImageRow *row;          /* reference_files filled in by the worker */
  GBytes       *image;        /* as the model answered */
  GPtrArray    *texts;        /* char *: key, value, key, value… */
  GPtrArray    *references;   /* GBytes */
  char         *images_dir;
  GCancellable *cancellable;
} AddJob;

static void
add_job_free (AddJob *job)
{
  cfai_image_row_free (job->row);
  g_bytes_unref (job->image);
  g_ptr_array_unref (job->texts);
  g_ptr_array_unref (job->references);
  g_free (job->images_dir);
  g_clear_object (&job->cancellable);
  g_free (job);
}

/* Content-named, so one reference used for four pictures is one file. */
static void
name_references (AddJob *job)
{
  g_autoptr(GStrvBuilder) files = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) mimes = g_strv_builder_new ();

  for (guint i = 0; i < job->references->len; i++)
    {
      GBytes *reference = g_ptr_array_index (job->references, i);
      const char *mime = cfai_image_response_sniff_mime (g_bytes_get_data (reference, NULL),
                                                         g_bytes_get_size (reference));
      g_autofree char *hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, reference);

      g_strv_builder_take (files, g_strconcat ("references/", hash, cfai_image_store_extension_for (mime), NULL));
      g_strv_builder_add (mimes, mime);
    }

  job->row->reference_files = g_strv_builder_end (files);
  job->row->reference_mimes = g_strv_builder_end (mimes);
}

static void
add_in_worker (GTask        *task,
               CfaiDatabase *db)
{
  AddJob *job = g_task_get_task_data (task);
  g_autofree char *path = g_build_filename (job->images_dir, job->row->file_name, NULL);
  g_autofree char *references_dir = g_build_filename (job->images_dir, "references", NULL);
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) texts = g_array_new (FALSE, FALSE, sizeof (CfaiImageText));
  g_autoptr(GBytes) file = NULL;
  GError *error = NULL;

  /* Not started yet: nothing to undo. */
  if (g_cancellable_set_error_if_cancelled (job->cancellable, &error))
    goto failed;

  name_references (job);
  job->row->search_key = cfai_image_fold_for_search (job->row->prompt);

  /* The file alone says how it was made. */
  for (guint i = 0; i + 1 < job->texts->len; i += 2)
    {
      CfaiImageText text = { g_ptr_array_index (job->texts, i), g_ptr_array_index (job->texts, i + 1) };

      g_array_append_val (texts, text);
    }
  file = cfai_image_metadata_embed (job->image, (CfaiImageText *) (gpointer) texts->data, texts->len, &error);
  if (file == NULL)
    goto failed;

  if (!cfai_image_store_make_folder (job->images_dir, &error) ||
      (job->references->len > 0 && !cfai_image_store_make_folder (references_dir, &error)))
    goto failed;

  /* A reference file is named by its content: when it is there, it is
   * this picture, saved for an earlier image. */
  for (guint i = 0; i < job->references->len; i++)
    {
      g_autofree char *reference = g_build_filename (job->images_dir, job->row->reference_files[i], NULL);

      if (g_file_test (reference, G_FILE_TEST_EXISTS))
        continue;
      if (!cfai_image_store_write_file (reference, g_ptr_array_index (job->references, i), &error))
        goto failed;
      g_ptr_array_add (written, g_steal_pointer (&reference));
    }

  if (!cfai_image_store_write_file (path, file, &error))
    goto failed;
  g_ptr_array_add (written, g_steal_pointer (&path));

  if (!cfai_image_sql_insert (db, job->row, &error))
    goto failed;

  g_task_return_boolean (task, TRUE);
  return;

failed:
  for (guint i = 0; i < written->len; i++)
    g_unlink (g_ptr_array_index (written, i));
  g_task_return_error (task, error);
}

static void
added (GObject      *object,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CfaiImageStore *self = g_task_get_source_object (task);
  AddJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  CfaiImageRecord *record;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  record = cfai_image_record_new_from_row (job->row, self->images_dir, self->thumbnails_dir);
  add_record (self, record);
  g_task_return_pointer (task, record, g_object_unref);
}

/**
 * cfai_image_store_add_async:
 * @request: the request as sent (cfai_image_run_get_sent_request()): its
 *   settings, seed and reference images are saved with the picture
 * @image: the picture, as the model answered it
 * @estimated_cost: in US dollars, or negative when unknown
 *
 * Saves the picture under the images folder, with its settings written
 * into the file (PNG text chunks, JPEG comments), and its reference images
 * beside it, off the main thread; then adds its row.  The record appears
 * in cfai_image_store_get_images() when this completes.  Errors are
 * %CFAI_IMAGE_STORE_ERROR (the folder or disk) or %CFAI_DATABASE_ERROR
 * (the row); after one nothing is saved, and the caller still holds the
 * picture to save again.
 */
void
cfai_image_store_add_async (CfaiImageStore      *self,
                            CfaiImageRequest    *request,
                            GBytes              *image,
                            double               estimated_cost,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  g_autoptr(JsonObject) settings = NULL;
  g_autoptr(JsonNode) settings_node = NULL;
  g_autofree char *parameters = NULL;
  g_autofree char *seed = NULL;
  CfaiImageRow *row;
  AddJob *job;
  const char *mime;
  const char *negative;
  guint width = 0;
  guint height = 0;

  g_return_if_fail (CFAI_IS_IMAGE_STORE (self));
  g_return_if_fail (CFAI_IS_IMAGE_REQUEST (request));
  g_return_if_fail (image != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_image_store_add_async);

  mime = cfai_image_response_sniff_mime (g_bytes_get_data (image, NULL), g_bytes_get_size (image));
  if (mime == NULL || !cfai_image_metadata_get_size (image, &width, &height))
    {
      g_task_return_new_error (task, CFAI_IMAGE_STORE_ERROR, CFAI_IMAGE_STORE_ERROR_NOT_AN_IMAGE,
                               _("The picture is damaged or is not a PNG, JPEG or WebP file, so CfAI cannot save it."));
      return;
    }

  row = g_new0 (CfaiImageRow, 1);
  row->prompt = g_strdup (cfai_image_request_get_prompt (request));
  if (row->prompt == NULL)
    row->prompt = g_strdup ("");
  negative = cfai_image_request_get_negative_prompt (request);
  row->negative_prompt = negative != NULL && *negative != '\0' ? g_strdup (negative) : NULL;
  row->model = g_strdup (cfai_image_request_get_model (request));
  settings = cfai_image_request_to_json (request);
  settings_node = json_node_init_object (json_node_alloc (), settings);
  row->params = json_to_string (settings_node, FALSE);
  row->seed = cfai_image_request_get_seed (request);
  row->width = width;
  row->height = height;
  row->mime_type = g_strdup (mime);
  row->created_at = g_get_real_time ();
  row->file_name = cfai_image_store_new_file_name (row->created_at, mime);
  row->estimated_cost = estimated_cost;

  job = g_new0 (AddJob, 1);
  job->row = row;
  job->image = g_bytes_ref (image);
  job->texts = g_ptr_array_new_with_free_func (g_free);
  job->references = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  job->images_dir = g_strdup (self->images_dir);
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;

  for (guint i = 0; i < cfai_image_request_get_n_reference_images (request); i++)
    {
      GBytes *reference = cfai_image_request_get_reference_image (request, i, NULL);

      /* The request refused it already; skip rather than fail the picture. */
      if (cfai_image_response_sniff_mime (g_bytes_get_data (reference, NULL), g_bytes_get_size (reference)) != NULL)
        g_ptr_array_add (job->references, g_bytes_ref (reference));
    }

#define ADD_TEXT(key, value) \
  G_STMT_START { \
    g_ptr_array_add (job->texts, g_strdup (key)); \
    g_ptr_array_add (job->texts, g_strdup (value)); \
  } G_STMT_END
  ADD_TEXT (CFAI_IMAGE_TEXT_PARAMETERS, parameters = cfai_image_store_format_parameters (request, width, height));
  ADD_TEXT (CFAI_IMAGE_TEXT_SOFTWARE, "CfAI " PACKAGE_VERSION);
  ADD_TEXT (CFAI_IMAGE_TEXT_PROMPT, row->prompt);
  if (row->negative_prompt != NULL)
    ADD_TEXT (CFAI_IMAGE_TEXT_NEGATIVE_PROMPT, row->negative_prompt);
  ADD_TEXT (CFAI_IMAGE_TEXT_MODEL, row->model);
  if (row->seed >= 0)
    ADD_TEXT (CFAI_IMAGE_TEXT_SEED, seed = g_strdup_printf ("%" G_GINT64_FORMAT, row->seed));
  ADD_TEXT (CFAI_IMAGE_TEXT_SETTINGS, row->params);
#undef ADD_TEXT

  inner = g_task_new (NULL, NULL, added, g_steal_pointer (&task));
  g_task_set_task_data (inner, job, (GDestroyNotify) add_job_free);
  g_task_set_source_tag (inner, add_in_worker);
  cfai_store_worker_push_task (self->worker, inner, add_in_worker);
}

/**
 * cfai_image_store_add_finish:
 *
 * Returns: (transfer full): the new record, also listed in
 *   cfai_image_store_get_images(); %NULL with @error set
 */
CfaiImageRecord *
cfai_image_store_add_finish (CfaiImageStore  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_image_store_add_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Deleting */

/**
 * cfai_image_store_delete:
 *
 * Takes @record out of the list at once.  Its file and row stay until
 * cfai_image_store_commit_delete_async() (when the undo toast goes) or
 * until the store goes; cfai_image_store_undo_delete() puts it back.
 */
void
cfai_image_store_delete (CfaiImageStore  *self,
                         CfaiImageRecord *record)
{
  guint position;

  g_return_if_fail (CFAI_IS_IMAGE_STORE (self));
  g_return_if_fail (CFAI_IS_IMAGE_RECORD (record));

  if (!g_list_store_find (self->images, record, &position))
    return;

  g_hash_table_add (self->pending_deletes, g_object_ref (record));
  g_list_store_remove (self->images, position);
}

void
cfai_image_store_undo_delete (CfaiImageStore  *self,
                              CfaiImageRecord *record)
{
  g_return_if_fail (CFAI_IS_IMAGE_STORE (self));
  g_return_if_fail (CFAI_IS_IMAGE_RECORD (record));

  if (!g_hash_table_contains (self->pending_deletes, record))
    return;

  g_list_store_insert_sorted (self->images, record, compare_records, NULL);
  g_hash_table_remove (self->pending_deletes, record);
}

typedef struct
{
  gint64  id;
  char   *images_dir;
  char   *path;
  char   *thumbnail_path;
} DeleteJob;

static void
delete_job_free (DeleteJob *job)
{
  g_free (job->images_dir);
  g_free (job->path);
  g_free (job->thumbnail_path);
  g_free (job);
}

static DeleteJob *
delete_job_new (CfaiImageStore  *self,
                CfaiImageRecord *record)
{
  DeleteJob *job = g_new0 (DeleteJob, 1);

  job->id = cfai_image_record_get_id (record);
  job->images_dir = g_strdup (self->images_dir);
  job->path = g_strdup (cfai_image_record_get_path (record));
  job->thumbnail_path = g_strdup (cfai_image_record_get_thumbnail_path (record));

  return job;
}

/* The row first: when it cannot go, the files stay with it. */
static gboolean
delete_in_worker_run (CfaiDatabase  *db,
                      DeleteJob     *job,
                      GError       **error)
{
  g_auto(GStrv) unused = NULL;

  if (!cfai_image_sql_delete (db, job->id, &unused, error))
    return FALSE;

  /* A file already gone, or a thumbnail never made, is no failure. */
  g_unlink (job->path);
  g_unlink (job->thumbnail_path);
  for (guint i = 0; unused[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (job->images_dir, unused[i], NULL);

      g_unlink (path);
    }

  return TRUE;
}

static void
delete_in_worker (GTask        *task,
                  CfaiDatabase *db)
{
  GError *error = NULL;

  if (delete_in_worker_run (db, g_task_get_task_data (task), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
deleted (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CfaiImageStore *self = g_task_get_source_object (task);
  CfaiImageRecord *record = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gint64 id = cfai_image_record_get_id (record);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* Nothing lost: the picture comes back. */
      g_list_store_insert_sorted (self->images, record, compare_records, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_hash_table_remove (self->by_id, &id);
  g_task_return_boolean (task, TRUE);
}

/**
 * cfai_image_store_commit_delete_async:
 * @record: a record taken out with cfai_image_store_delete()
 *
 * Removes the picture's row, then its file, its thumbnail and the
 * reference images no other picture uses.  When the row cannot be
 * removed the record is listed again and the error says why.
 */
void
cfai_image_store_commit_delete_async (CfaiImageStore      *self,
                                      CfaiImageRecord     *record,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (CFAI_IS_IMAGE_STORE (self));
  g_return_if_fail (CFAI_IS_IMAGE_RECORD (record));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_image_store_commit_delete_async);
  g_task_set_task_data (task, g_object_ref (record), g_object_unref);

  if (!g_hash_table_remove (self->pending_deletes, record))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "The picture was not deleted first");
      return;
    }

  inner = g_task_new (NULL, NULL, deleted, g_steal_pointer (&task));
  g_task_set_task_data (inner, delete_job_new (self, record), (GDestroyNotify) delete_job_free);
  g_task_set_source_tag (inner, delete_in_worker);
  cfai_store_worker_push_task (self->worker, inner, delete_in_worker);
}

gboolean
cfai_image_store_commit_delete_finish (CfaiImageStore  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_image_store_commit_delete_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Deletes still waiting for their undo when the store goes are done: the
 * toast that offered the undo went with the window. */
static void
final_delete_in_worker (CfaiDatabase *db,
                        const GError *open_error,
                        gpointer      data)
{
  g_autoptr(GError) error = NULL;

  if (db != NULL && !delete_in_worker_run (db, data, &error))
    g_warning ("A deleted picture was kept: %s", error->message);
}

static void
cfai_image_store_dispose (GObject *object)
{
  CfaiImageStore *self = CFAI_IMAGE_STORE (object);
  GHashTableIter iter;
  gpointer record;

  if (self->pending_deletes != NULL && self->worker != NULL)
    {
      g_hash_table_iter_init (&iter, self->pending_deletes);
      while (g_hash_table_iter_next (&iter, &record, NULL))
        cfai_store_worker_push (self->worker, final_delete_in_worker,
                                delete_job_new (self, record), (GDestroyNotify) delete_job_free);
    }
  g_clear_pointer (&self->pending_deletes, g_hash_table_unref);
  g_clear_pointer (&self->worker, cfai_store_worker_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  if (self->images != NULL)
    g_list_store_remove_all (self->images);

  G_OBJECT_CLASS (cfai_image_store_parent_class)->dispose (object);
}

static void
cfai_image_store_finalize (GObject *object)
{
  CfaiImageStore *self = CFAI_IMAGE_STORE (object);

  g_clear_object (&self->images);
  g_clear_pointer (&self->images_dir, g_free);
  g_clear_pointer (&self->thumbnails_dir, g_free);

  G_OBJECT_CLASS (cfai_image_store_parent_class)->finalize (object);
}

static void
cfai_image_store_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CfaiImageStore *self = CFAI_IMAGE_STORE (object);

  switch (prop_id)
    {
    case PROP_LOADED: g_value_set_boolean (value, self->loaded); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_image_store_class_init (CfaiImageStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cfai_image_store_dispose;
  object_class->finalize = cfai_image_store_finalize;
  object_class->get_property = cfai_image_store_get_property;

  /**
   * CfaiImageStore:loaded:
   *
   * Whether every record has been listed (or the load failed).
   */
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                  G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfai_image_store_init (CfaiImageStore *self)
{
  self->images = g_list_store_new (CFAI_TYPE_IMAGE_RECORD);
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->pending_deletes = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
}
