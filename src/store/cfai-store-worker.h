/* cfai-store-worker.h — the one thread that talks to SQLite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-database.h"

G_BEGIN_DECLS

typedef struct _CfaiStoreWorker CfaiStoreWorker;

/* Runs on the worker thread.  @db is NULL when the database could not be
 * opened; @open_error then says why (and every job sees the same error). */
typedef void (*CfaiStoreWorkerFunc) (CfaiDatabase *db,
                                     const GError *open_error,
                                     gpointer      data);

/* A job that answers through @task: it returns the task's value, or its
 * error.  When the database could not be opened the task gets that error
 * and the function is not called. */
typedef void (*CfaiStoreTaskFunc) (GTask        *task,
                                   CfaiDatabase *db);

CfaiStoreWorker *cfai_store_worker_new  (const char          *path);
void             cfai_store_worker_push (CfaiStoreWorker     *self,
                                         CfaiStoreWorkerFunc  func,
                                         gpointer             data,
                                         GDestroyNotify       destroy);
void             cfai_store_worker_push_task (CfaiStoreWorker *self,
                                              GTask           *task,
                                              CfaiStoreTaskFunc func);
CfaiStoreWorker *cfai_store_worker_ref  (CfaiStoreWorker     *self);
void             cfai_store_worker_unref (CfaiStoreWorker    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfaiStoreWorker, cfai_store_worker_unref)

G_END_DECLS
