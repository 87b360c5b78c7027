/* cfai-database.c
 *
 * The schema is versioned with SQLite's user_version and upgraded one step
 * at a time inside a transaction, so a crash during an upgrade leaves the
 * previous version intact.  WAL mode lets the UI read history while a
 * streaming answer is being written.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>

#include "cfai-database.h"

struct _CfaiDatabase
{
  GObject  parent_instance;

  char    *path;
  sqlite3 *db;
};

G_DEFINE_FINAL_TYPE (CfaiDatabase, cfai_database, G_TYPE_OBJECT)
G_DEFINE_QUARK (cfai-database-error-quark, cfai_database_error)

/* Each entry upgrades version N to N+1.  Never edit a released step: add one. */
static const char * const migrations[] = {
  /* 0 → 1: chats and their messages */
  "CREATE TABLE chats ("
  "  id INTEGER PRIMARY KEY,"
  "  title TEXT NOT NULL DEFAULT '',"
  "  model TEXT NOT NULL,"
  "  system_prompt TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE TABLE messages ("
  "  id INTEGER PRIMARY KEY,"
  "  chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,"
  "  role TEXT NOT NULL CHECK (role IN ('system','user','assistant','tool')),"
  "  content TEXT NOT NULL DEFAULT '',"
  "  reasoning TEXT,"
  "  model TEXT,"
  "  finish_reason TEXT,"
  "  prompt_tokens INTEGER,"
  "  completion_tokens INTEGER,"
  "  created_at INTEGER NOT NULL);"
  "CREATE INDEX messages_by_chat ON messages(chat_id, id);",
};

static gboolean
exec_sql (CfaiDatabase  *self,
          const char    *sql,
          GQuark         domain,
          int            code,
          GError       **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, domain, code, "%s", message ? message : sqlite3_errmsg (self->db));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
cfai_database_migrate (CfaiDatabase  *self,
                       GError       **error)
{
  int version = cfai_database_get_schema_version (self);

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_TOO_NEW,
                   _("The history database “%s” was written by a newer version of CfAI "
                     "(schema %d, this version knows %d). Update CfAI to open it."),
                   self->path, version, (int) G_N_ELEMENTS (migrations));
      return FALSE;
    }

  for (; version < (int) G_N_ELEMENTS (migrations); version++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d;", version + 1);

      if (!exec_sql (self, "BEGIN IMMEDIATE;", CFAI_DATABASE_ERROR,
                     CFAI_DATABASE_ERROR_MIGRATION, error))
        return FALSE;

      if (!exec_sql (self, migrations[version], CFAI_DATABASE_ERROR,
                     CFAI_DATABASE_ERROR_MIGRATION, &local_error) ||
          !exec_sql (self, bump, CFAI_DATABASE_ERROR,
                     CFAI_DATABASE_ERROR_MIGRATION, &local_error) ||
          !exec_sql (self, "COMMIT;", CFAI_DATABASE_ERROR,
                     CFAI_DATABASE_ERROR_MIGRATION, &local_error))
        {
          exec_sql (self, "ROLLBACK;", CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_MIGRATION, NULL);
          g_set_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_MIGRATION,
                       _("Could not upgrade the history database to schema %d: %s"),
                       version + 1, local_error->message);
          return FALSE;
        }
    }

  return TRUE;
}

CfaiDatabase *
cfai_database_open (const char  *path,
                    GError     **error)
{
  g_autoptr(CfaiDatabase) self = NULL;
  g_autofree char *dir = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CFAI_TYPE_DATABASE, NULL);
  self->path = g_strdup (path);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_OPEN,
                   _("Could not create the folder “%s” for the history database: %s"),
                   dir, g_strerror (saved_errno));
      return NULL;
    }

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_OPEN,
                   _("Could not open the history database “%s”: %s"),
                   path, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  /* synchronous=NORMAL in WAL mode loses at most the last transactions on
   * power loss, never consistency — the right trade for chat history. */
  if (!exec_sql (self,
                 "PRAGMA journal_mode = WAL;"
                 "PRAGMA synchronous = NORMAL;"
                 "PRAGMA foreign_keys = ON;"
                 "PRAGMA busy_timeout = 2000;",
                 CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_OPEN, error))
    return NULL;

  if (!cfai_database_migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
cfai_database_get_path (CfaiDatabase *self)
{
  g_return_val_if_fail (CFAI_IS_DATABASE (self), NULL);

  return self->path;
}

int
cfai_database_get_schema_version (CfaiDatabase *self)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  g_return_val_if_fail (CFAI_IS_DATABASE (self), -1);

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version;", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  return version;
}

int
cfai_database_get_latest_version (void)
{
  return G_N_ELEMENTS (migrations);
}

sqlite3 *
cfai_database_get_handle (CfaiDatabase *self)
{
  g_return_val_if_fail (CFAI_IS_DATABASE (self), NULL);

  return self->db;
}

static void
cfai_database_finalize (GObject *object)
{
  CfaiDatabase *self = CFAI_DATABASE (object);

  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (cfai_database_parent_class)->finalize (object);
}

static void
cfai_database_class_init (CfaiDatabaseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfai_database_finalize;
}

static void
cfai_database_init (CfaiDatabase *self)
{
}
