/* cfai-store-worker.c
 *
 * SQLite calls can take milliseconds (an fsync, a checkpoint, a lock held
 * by another process), which is a dropped frame or worse on the main
 * thread.  So one thread owns the connection and runs jobs from a queue in
 * the order they were pushed: a later save always lands after an earlier
 * one, which is what makes "the latest text wins" hold without locks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-store-worker.h"

struct _CfaiStoreWorker
{
  GThread     *thread;
  GAsyncQueue *queue;
  char        *path;
};

typedef struct
{
  CfaiStoreWorkerFunc func;     /* NULL: stop */
  gpointer            data;
  GDestroyNotify      destroy;
} Job;

static gpointer
cfai_store_worker_main (gpointer user_data)
{
  CfaiStoreWorker *self = user_data;
  g_autoptr(GError) open_error = NULL;
  g_autoptr(CfaiDatabase) db = NULL;

  db = cfai_database_open (self->path, &open_error);

  for (;;)
    {
      Job *job = g_async_queue_pop (self->queue);
      gboolean stop = job->func == NULL;

      if (!stop)
        job->func (db, open_error, job->data);
      if (job->destroy != NULL)
        job->destroy (job->data);
      g_free (job);

      if (stop)
        break;
    }

  /* The connection is closed on the thread that used it. */
  g_clear_object (&db);

  return NULL;
}

CfaiStoreWorker *
cfai_store_worker_new (const char *path)
{
  CfaiStoreWorker *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_new0 (CfaiStoreWorker, 1);
  self->path = g_strdup (path);
  self->queue = g_async_queue_new ();
  self->thread = g_thread_new ("cfai-store", cfai_store_worker_main, self);

  return self;
}

void
cfai_store_worker_push (CfaiStoreWorker     *self,
                        CfaiStoreWorkerFunc  func,
                        gpointer             data,
                        GDestroyNotify       destroy)
{
  Job *job;

  g_return_if_fail (self != NULL);
  g_return_if_fail (func != NULL);

  job = g_new0 (Job, 1);
  job->func = func;
  job->data = data;
  job->destroy = destroy;
  g_async_queue_push (self->queue, job);
}

/* Runs every job already pushed, then stops the thread.  Blocks: only for
 * shutdown, where the last save must reach the disk before we exit. */
void
cfai_store_worker_free (CfaiStoreWorker *self)
{
  if (self == NULL)
    return;

  g_async_queue_push (self->queue, g_new0 (Job, 1));
  g_thread_join (self->thread);
  g_async_queue_unref (self->queue);
  g_free (self->path);
  g_free (self);
}
