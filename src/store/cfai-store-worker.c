/* cfai-store-worker.c
 *
 * SQLite calls can take milliseconds (an fsync, a checkpoint, a lock held
 * by another process), which is a dropped frame or worse on the main
 * thread.  So one thread owns the connection and runs jobs from a queue in
 * the order they were pushed: a later save always lands after an earlier
 * one, which is what makes "the latest text wins" hold without locks.
 * The chat store and the image store share one worker, and so one
 * connection: chats and images live in the same file, and two
 * connections would race each other's schema upgrades.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-store-worker.h"

struct _CfaiStoreWorker
{
  gatomicrefcount ref_count;
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
  g_atomic_ref_count_init (&self->ref_count);
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

typedef struct
{
  GTask             *task;
  CfaiStoreTaskFunc  func;
} TaskJob;

static void
task_job_free (gpointer data)
{
  TaskJob *job = data;

  g_clear_object (&job->task);
  g_free (job);
}

static void
task_job_run (CfaiDatabase *db,
              const GError *open_error,
              gpointer      data)
{
  TaskJob *job = data;

  if (db == NULL)
    g_task_return_error (job->task, g_error_copy (open_error));
  else
    job->func (job->task, db);
}

/* These tasks should have no source object: the worker may drop a task's
 * last reference, and that must never be a store's (a store joins the
 * worker when it goes).  Callbacks get what they update as a reference in
 * user_data, dropped on the main thread. */
void
cfai_store_worker_push_task (CfaiStoreWorker   *self,
                             GTask             *task,
                             CfaiStoreTaskFunc  func)
{
  TaskJob *job = g_new0 (TaskJob, 1);

  g_return_if_fail (self != NULL);
  g_return_if_fail (G_IS_TASK (task));

  job->task = g_object_ref (task);
  job->func = func;
  cfai_store_worker_push (self, task_job_run, job, task_job_free);
}

CfaiStoreWorker *
cfai_store_worker_ref (CfaiStoreWorker *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/* The last reference runs every job already pushed, then stops the
 * thread.  Blocks: only for shutdown, where the last save must reach the
 * disk before we exit. */
void
cfai_store_worker_unref (CfaiStoreWorker *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_async_queue_push (self->queue, g_new0 (Job, 1));
  g_thread_join (self->thread);
  g_async_queue_unref (self->queue);
  g_free (self->path);
  g_free (self);
}
