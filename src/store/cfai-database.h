/* cfai-database.h — the SQLite database that keeps chats and images
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define CFAI_DATABASE_ERROR (cfai_database_error_quark ())

typedef enum
{
  CFAI_DATABASE_ERROR_OPEN,       /* could not open or create the file */
  CFAI_DATABASE_ERROR_TOO_NEW,    /* written by a newer CfAI: we must not touch it */
  CFAI_DATABASE_ERROR_MIGRATION,  /* a schema upgrade failed (rolled back) */
} CfaiDatabaseError;

#define CFAI_TYPE_DATABASE (cfai_database_get_type ())

G_DECLARE_FINAL_TYPE (CfaiDatabase, cfai_database, CFAI, DATABASE, GObject)

GQuark        cfai_database_error_quark        (void);
CfaiDatabase *cfai_database_open               (const char   *path,
                                                GError      **error);
const char   *cfai_database_get_path           (CfaiDatabase *self);
int           cfai_database_get_schema_version (CfaiDatabase *self);
int           cfai_database_get_latest_version (void);
sqlite3      *cfai_database_get_handle         (CfaiDatabase *self);

G_END_DECLS
