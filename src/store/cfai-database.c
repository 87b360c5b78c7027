/* cfai-database.c
 *
 * The schema is versioned with SQLite's user_version and upgraded one step
 * at a time inside a transaction, so a crash during an upgrade leaves the
 * previous version intact.  A CfaiDatabase is used from one thread only:
 * the chat store's worker (see cfai-store-worker.c).
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

  /* 1 → 2: conversations with their settings, messages that can form a
   * tree (parent_id) and carry their state, timings and usage, attachments,
   * drafts and a usage log that outlives deleted messages.  Times are
   * microseconds since the epoch (g_get_real_time); version 1 kept seconds.
   * Rows of version 1 are carried over, each message's parent being the one
   * before it in its chat. */
  "CREATE TABLE conversations ("
  "  id INTEGER PRIMARY KEY,"
  "  title TEXT NOT NULL DEFAULT '',"
  "  title_is_custom INTEGER NOT NULL DEFAULT 0 CHECK (title_is_custom IN (0, 1)),"
  "  model TEXT NOT NULL,"
  "  system_prompt TEXT,"
  "  max_tokens INTEGER CHECK (max_tokens IS NULL OR max_tokens > 0),"
  "  temperature REAL,"
  "  top_p REAL,"
  "  seed INTEGER,"
  "  reasoning_effort TEXT,"
  "  lora TEXT,"
  "  session_key TEXT NOT NULL,"
  "  pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  deleted_at INTEGER);"
  "INSERT INTO conversations (id, title, title_is_custom, model, system_prompt,"
  "                           session_key, created_at, updated_at)"
  "  SELECT id, title, title <> '', model, system_prompt, lower(hex(randomblob(16))),"
  "         created_at * 1000000, updated_at * 1000000 FROM chats;"
  "CREATE TABLE messages_v2 ("
  "  id INTEGER PRIMARY KEY,"
  "  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
  "  parent_id INTEGER REFERENCES messages_v2(id) ON DELETE SET NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('system','user','assistant','tool')),"
  "  content TEXT NOT NULL DEFAULT '',"
  "  reasoning TEXT,"
  "  model TEXT,"
  "  params TEXT CHECK (params IS NULL OR json_valid(params)),"
  "  usage TEXT CHECK (usage IS NULL OR json_valid(usage)),"
  "  ttft_ms INTEGER,"
  "  total_ms INTEGER,"
  "  tokens_per_second REAL,"
  "  finish_reason TEXT,"
  "  state TEXT NOT NULL DEFAULT 'complete'"
  "    CHECK (state IN ('complete','streaming','stopped','interrupted','error')),"
  "  error_domain TEXT,"
  "  error_code INTEGER,"
  "  error_message TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "INSERT INTO messages_v2 (id, conversation_id, parent_id, role, content, reasoning, model,"
  "                         usage, finish_reason, created_at, updated_at)"
  "  SELECT m.id, m.chat_id,"
  "         (SELECT max(p.id) FROM messages p WHERE p.chat_id = m.chat_id AND p.id < m.id),"
  "         m.role, m.content, m.reasoning, m.model,"
  "         CASE WHEN m.prompt_tokens IS NOT NULL OR m.completion_tokens IS NOT NULL"
  "              THEN json_object('prompt_tokens', m.prompt_tokens,"
  "                               'completion_tokens', m.completion_tokens) END,"
  "         m.finish_reason, m.created_at * 1000000, m.created_at * 1000000"
  "  FROM messages m ORDER BY m.id;"
  "DROP TABLE messages;"
  "DROP TABLE chats;"
  "ALTER TABLE messages_v2 RENAME TO messages;"
  /* The sidebar lists live conversations pinned first, newest first. */
  "CREATE INDEX conversations_listing ON conversations(pinned DESC, updated_at DESC)"
  "  WHERE deleted_at IS NULL;"
  "CREATE INDEX messages_by_conversation ON messages(conversation_id, id);"
  /* ON DELETE SET NULL looks children up by parent. */
  "CREATE INDEX messages_by_parent ON messages(parent_id);"
  /* Crash recovery at start-up looks only at answers left streaming. */
  "CREATE INDEX messages_streaming ON messages(state) WHERE state = 'streaming';"
  "CREATE TABLE attachments ("
  "  id INTEGER PRIMARY KEY,"
  "  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
  "  mime_type TEXT NOT NULL,"
  "  data BLOB,"
  "  path TEXT,"
  "  width INTEGER,"
  "  height INTEGER,"
  "  CHECK ((data IS NULL) <> (path IS NULL)));"
  "CREATE INDEX attachments_by_message ON attachments(message_id);"
  "CREATE TABLE drafts ("
  "  conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,"
  "  text TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  /* What each answer cost, kept when its message or chat is deleted. */
  "CREATE TABLE usage ("
  "  id INTEGER PRIMARY KEY,"
  "  message_id INTEGER UNIQUE REFERENCES messages(id) ON DELETE SET NULL,"
  "  conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,"
  "  model TEXT NOT NULL,"
  "  prompt_tokens INTEGER,"
  "  completion_tokens INTEGER,"
  "  cached_tokens INTEGER,"
  "  neurons REAL,"
  "  created_at INTEGER NOT NULL);"
  "CREATE INDEX usage_by_time ON usage(created_at);"
  "CREATE INDEX usage_by_conversation ON usage(conversation_id);",

  /* 2 → 3: the image gallery.  The pictures are files under the data
   * folder's images/ (file_name is relative to it, so the folder can
   * move); params is every setting as JSON (cfai_image_request_to_json),
   * seed the one sent (NULL for a model without seeds), width and height
   * the picture's own, estimated_cost in USD.  Reference images are files
   * too, named by their content so that four pictures made from one
   * reference share it; a file is removed with the last image using it. */
  "CREATE TABLE images ("
  "  id INTEGER PRIMARY KEY,"
  "  prompt TEXT NOT NULL,"
  "  negative_prompt TEXT,"
  "  model TEXT NOT NULL,"
  "  params TEXT NOT NULL CHECK (json_valid(params)),"
  "  seed INTEGER,"
  "  width INTEGER NOT NULL CHECK (width > 0),"
  "  height INTEGER NOT NULL CHECK (height > 0),"
  "  mime_type TEXT NOT NULL,"
  "  file_name TEXT NOT NULL UNIQUE,"
  "  created_at INTEGER NOT NULL,"
  "  estimated_cost REAL);"
  /* The gallery lists newest first, all or one model's. */
  "CREATE INDEX images_newest ON images(created_at DESC, id DESC);"
  "CREATE INDEX images_by_model ON images(model, created_at DESC, id DESC);"
  "CREATE TABLE image_references ("
  "  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL CHECK (position >= 0),"
  "  file_name TEXT NOT NULL,"
  "  mime_type TEXT NOT NULL,"
  "  PRIMARY KEY (image_id, position)) WITHOUT ROWID;"
  /* Is a reference file still used by another image? */
  "CREATE INDEX image_references_by_file ON image_references(file_name);",
};

void
cfai_database_set_error (CfaiDatabase  *self,
                         GError       **error,
                         int            rc,
                         const char    *doing)
{
  const char *path = self->path;
  const char *detail = self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);
  int system_errno = self->db ? sqlite3_system_errno (self->db) : 0;

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_FULL,
                   _("%s The disk that holds “%s” is full. Free some space: CfAI keeps "
                     "the chat in memory and saves it as soon as it can."),
                   doing, path);
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_BUSY,
                   _("%s The history database “%s” is in use by another program. Close "
                     "other copies of CfAI or programs reading it; CfAI keeps the chat in "
                     "memory and tries again."),
                   doing, path);
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_CORRUPT,
                   _("%s The history database “%s” is damaged or is not a database (%s). "
                     "Quit CfAI and move the file aside to keep it; CfAI then starts a "
                     "new history."),
                   doing, path, detail);
      break;

    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      g_set_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_READ_ONLY,
                   _("%s CfAI may not write the history database “%s”. Check that you "
                     "may write the file and its folder, and that the disk is not "
                     "mounted read-only."),
                   doing, path);
      break;

    case SQLITE_CANTOPEN:
      if (system_errno == EACCES || system_errno == EPERM || system_errno == EROFS)
        g_set_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_READ_ONLY,
                     _("%s CfAI may not write the history database “%s”. Check that you "
                       "may write the file and its folder, and that the disk is not "
                       "mounted read-only."),
                     doing, path);
      else
        g_set_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_OPEN,
                     _("%s Could not open the history database “%s”: %s."),
                     doing, path, system_errno ? g_strerror (system_errno) : detail);
      break;

    case SQLITE_IOERR:
      if (system_errno == ENOSPC)
        g_set_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_FULL,
                     _("%s The disk that holds “%s” is full. Free some space: CfAI keeps "
                       "the chat in memory and saves it as soon as it can."),
                     doing, path);
      else
        g_set_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_IO,
                     _("%s The disk reported an error with “%s” (%s). Check the disk; "
                       "CfAI keeps the chat in memory meanwhile."),
                     doing, path, system_errno ? g_strerror (system_errno) : detail);
      break;

    default:
      g_set_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_FAILED,
                   "%s %s", doing, detail);
      break;
    }
}

gboolean
cfai_database_exec (CfaiDatabase  *self,
                    const char    *sql,
                    GError       **error)
{
  int rc;

  g_return_val_if_fail (CFAI_IS_DATABASE (self), FALSE);

  rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      cfai_database_set_error (self, error, sqlite3_extended_errcode (self->db),
                               _("The history database could not be changed."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
cfai_database_migrate (CfaiDatabase  *self,
                       int            version,
                       GError       **error)
{
  for (; version < (int) G_N_ELEMENTS (migrations); version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d;", version + 1);
      int rc;

      rc = sqlite3_exec (self->db, "BEGIN IMMEDIATE;", NULL, NULL, NULL);
      if (rc == SQLITE_OK)
        {
          rc = sqlite3_exec (self->db, migrations[version], NULL, NULL, NULL);
          if (rc == SQLITE_OK)
            rc = sqlite3_exec (self->db, bump, NULL, NULL, NULL);
          if (rc == SQLITE_OK)
            rc = sqlite3_exec (self->db, "COMMIT;", NULL, NULL, NULL);
        }

      if (rc != SQLITE_OK)
        {
          g_autoptr(GError) local_error = NULL;
          g_autofree char *doing = NULL;

          rc = sqlite3_extended_errcode (self->db);
          doing = g_strdup_printf (_("Could not upgrade the history database to schema %d: %s."),
                                   version + 1, sqlite3_errmsg (self->db));
          if (!sqlite3_get_autocommit (self->db))
            sqlite3_exec (self->db, "ROLLBACK;", NULL, NULL, NULL);

          /* Full, read-only, busy and damaged files say what to do about
           * them; anything else is a failed upgrade as such. */
          cfai_database_set_error (self, &local_error, rc, doing);
          if (g_error_matches (local_error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_FAILED))
            g_set_error_literal (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_MIGRATION,
                                 doing);
          else
            g_propagate_error (error, g_steal_pointer (&local_error));
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
  sqlite3_stmt *stmt = NULL;
  int version;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CFAI_TYPE_DATABASE, NULL);
  self->path = g_strdup (path);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, CFAI_DATABASE_ERROR,
                   saved_errno == EACCES || saved_errno == EROFS
                     ? CFAI_DATABASE_ERROR_READ_ONLY : CFAI_DATABASE_ERROR_OPEN,
                   _("Could not create the folder “%s” for the history database: %s"),
                   dir, g_strerror (saved_errno));
      return NULL;
    }

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      cfai_database_set_error (self, error,
                               self->db ? sqlite3_extended_errcode (self->db) : rc,
                               _("Could not open the history database."));
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, TRUE);

  /* Another copy of CfAI (or a backup tool) may hold the write lock for a
   * moment; wait rather than fail, but not so long that a save queues up
   * behind it for ever. */
  sqlite3_busy_timeout (self->db, 2000);

  /* Read the version before anything writes: a file from a newer CfAI, or
   * one that is not a database at all, is left exactly as it is. */
  rc = sqlite3_prepare_v2 (self->db, "PRAGMA user_version;", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      rc = sqlite3_extended_errcode (self->db);
      sqlite3_finalize (stmt);
      cfai_database_set_error (self, error, rc, _("Could not open the history database."));
      return NULL;
    }
  version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_TOO_NEW,
                   _("The history database “%s” was written by a newer version of CfAI "
                     "(schema %d, this version knows %d). Update CfAI to open it; the "
                     "file is left untouched."),
                   self->path, version, (int) G_N_ELEMENTS (migrations));
      return NULL;
    }

  /* WAL lets the UI read history while a streaming answer is written, and
   * synchronous=NORMAL in WAL mode loses at most the last transactions on
   * power loss, never consistency — the right trade for chat history.  A
   * read-only file keeps its journal mode: it can still be read. */
  if (!sqlite3_db_readonly (self->db, "main") &&
      !cfai_database_exec (self, "PRAGMA journal_mode = WAL;", error))
    return NULL;

  if (!cfai_database_exec (self,
                           "PRAGMA synchronous = NORMAL;"
                           "PRAGMA foreign_keys = ON;",
                           error))
    return NULL;

  if (!cfai_database_migrate (self, version, error))
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
