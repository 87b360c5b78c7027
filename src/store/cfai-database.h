/* cfai-database.h — the SQLite database that keeps chats and images
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define CFAI_DATABASE_ERROR (cfai_database_error_quark ())

/* Codes are chosen by what the user can do about them; each message says it. */
typedef enum
{
  CFAI_DATABASE_ERROR_OPEN,       /* could not open or create the file */
  CFAI_DATABASE_ERROR_TOO_NEW,    /* written by a newer CfAI: we must not touch it */
  CFAI_DATABASE_ERROR_MIGRATION,  /* a schema upgrade failed (rolled back) */
  CFAI_DATABASE_ERROR_FULL,       /* the disk is full: free some space */
  CFAI_DATABASE_ERROR_BUSY,       /* another program holds the database: close it */
  CFAI_DATABASE_ERROR_CORRUPT,    /* not a database, or damaged: move it aside */
  CFAI_DATABASE_ERROR_READ_ONLY,  /* no permission to write the file or its folder */
  CFAI_DATABASE_ERROR_IO,         /* the disk failed to read or write */
  CFAI_DATABASE_ERROR_FAILED,     /* anything else SQLite reports */
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
gboolean      cfai_database_exec               (CfaiDatabase *self,
                                                const char   *sql,
                                                GError      **error);
void          cfai_database_set_error          (CfaiDatabase *self,
                                                GError      **error,
                                                int           rc,
                                                const char   *doing);

G_END_DECLS
