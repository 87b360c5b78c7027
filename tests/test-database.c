/* test-database.c — opening, creating and upgrading the history database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "cfai-database.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("cfai-db-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "sub", "history.sqlite", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{

  /* Remove the database, its WAL files and the folders we made. */
  g_autofree char *sub = g_path_get_dirname (fixture->path);
  g_autoptr(GDir) d = g_dir_open (sub, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (sub, name, NULL);
      g_unlink (p);
    }
  g_rmdir (sub);
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static int
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  int value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return value;
}

static void
test_create_and_reopen (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *journal = NULL;
  CfaiDatabase *db;
  sqlite3 *handle;

  db = cfai_database_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (db);
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (cfai_database_get_schema_version (db), ==, cfai_database_get_latest_version ());
  g_assert_cmpint (cfai_database_get_latest_version (), >=, 2);
  g_assert_cmpstr (cfai_database_get_path (db), ==, fixture->path);
  handle = cfai_database_get_handle (db);

  /* WAL, foreign keys and a busy timeout are on for every connection. */
  journal = query_text (handle, "PRAGMA journal_mode;");
  g_assert_cmpstr (journal, ==, "wal");
  g_assert_cmpint (query_int (handle, "PRAGMA foreign_keys;"), ==, 1);
  g_assert_cmpint (query_int (handle, "PRAGMA busy_timeout;"), >, 0);

  /* The schema is really there: a conversation, a message with its
   * attachment and draft can be stored, and deleting the conversation
   * removes them all (foreign keys are on), but not the usage log. */
  g_assert_cmpint (sqlite3_exec (handle,
                                 "INSERT INTO conversations (id, model, session_key, created_at, updated_at) "
                                 "VALUES (1, '@cf/openai/gpt-oss-20b', 'k', 1, 1);"
                                 "INSERT INTO messages (id, conversation_id, role, content, created_at, updated_at) "
                                 "VALUES (1, 1, 'user', 'hello', 1, 1);"
                                 "INSERT INTO messages (id, conversation_id, parent_id, role, state, usage, created_at, updated_at) "
                                 "VALUES (2, 1, 1, 'assistant', 'streaming', '{\"prompt_tokens\":3}', 1, 1);"
                                 "INSERT INTO attachments (message_id, mime_type, data) VALUES (1, 'image/png', x'00');"
                                 "INSERT INTO drafts (conversation_id, text, updated_at) VALUES (1, 'hi', 1);"
                                 "INSERT INTO usage (message_id, conversation_id, model, created_at) VALUES (2, 1, 'm', 1);"
                                 "DELETE FROM conversations WHERE id = 1;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (query_int (handle, "SELECT count(*) FROM messages;"), ==, 0);
  g_assert_cmpint (query_int (handle, "SELECT count(*) FROM attachments;"), ==, 0);
  g_assert_cmpint (query_int (handle, "SELECT count(*) FROM drafts;"), ==, 0);
  g_assert_cmpint (query_int (handle, "SELECT count(*) FROM usage WHERE message_id IS NULL;"), ==, 1);

  /* A role or state outside the allowed set, and bad JSON, are refused. */
  g_assert_cmpint (sqlite3_exec (handle,
                                 "INSERT INTO conversations (id, model, session_key, created_at, updated_at) "
                                 "VALUES (2, 'm', 'k', 1, 1);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle,
                                 "INSERT INTO messages (conversation_id, role, created_at, updated_at) "
                                 "VALUES (2, 'robot', 1, 1);", NULL, NULL, NULL) & 0xff, ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (sqlite3_exec (handle,
                                 "INSERT INTO messages (conversation_id, role, state, created_at, updated_at) "
                                 "VALUES (2, 'user', 'lost', 1, 1);", NULL, NULL, NULL) & 0xff, ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (sqlite3_exec (handle,
                                 "INSERT INTO messages (conversation_id, role, usage, created_at, updated_at) "
                                 "VALUES (2, 'user', '{', 1, 1);", NULL, NULL, NULL) & 0xff, ==, SQLITE_CONSTRAINT);
  g_assert_finalize_object (db);

  /* Opening again keeps the version and does not re-run migrations. */
  db = cfai_database_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfai_database_get_schema_version (db), ==, cfai_database_get_latest_version ());
  g_assert_cmpint (query_int (cfai_database_get_handle (db), "SELECT count(*) FROM conversations;"), ==, 1);
  g_assert_finalize_object (db);
}

/* Schema 1 as it was released: the upgrade must carry its rows over. */
static void
test_migrate_from_1 (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *key = NULL;
  g_autofree char *usage = NULL;
  CfaiDatabase *db;
  sqlite3 *raw = NULL;
  sqlite3 *handle;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (fixture->path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw,
                                 "CREATE TABLE chats (id INTEGER PRIMARY KEY, title TEXT NOT NULL DEFAULT '',"
                                 "  model TEXT NOT NULL, system_prompt TEXT, created_at INTEGER NOT NULL,"
                                 "  updated_at INTEGER NOT NULL);"
                                 "CREATE TABLE messages (id INTEGER PRIMARY KEY,"
                                 "  chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,"
                                 "  role TEXT NOT NULL CHECK (role IN ('system','user','assistant','tool')),"
                                 "  content TEXT NOT NULL DEFAULT '', reasoning TEXT, model TEXT,"
                                 "  finish_reason TEXT, prompt_tokens INTEGER, completion_tokens INTEGER,"
                                 "  created_at INTEGER NOT NULL);"
                                 "CREATE INDEX messages_by_chat ON messages(chat_id, id);"
                                 "INSERT INTO chats VALUES (7, 'Old chat', 'm', 'Be brief', 100, 200);"
                                 "INSERT INTO chats VALUES (8, '', 'm', NULL, 300, 300);"
                                 "INSERT INTO messages VALUES (10, 7, 'user', 'hi', NULL, NULL, NULL, NULL, NULL, 100);"
                                 "INSERT INTO messages VALUES (11, 8, 'user', 'other', NULL, NULL, NULL, NULL, NULL, 300);"
                                 "INSERT INTO messages VALUES (12, 7, 'assistant', 'hello', 'think', 'm', 'stop', 5, 2, 101);"
                                 "PRAGMA user_version = 1;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);

  db = cfai_database_open (fixture->path, &error);
  g_assert_no_error (error);
  handle = cfai_database_get_handle (db);
  g_assert_cmpint (cfai_database_get_schema_version (db), ==, cfai_database_get_latest_version ());

  g_assert_cmpint (query_int (handle, "SELECT count(*) FROM conversations;"), ==, 2);
  g_assert_cmpint (query_int (handle, "SELECT title_is_custom FROM conversations WHERE id = 7;"), ==, 1);
  g_assert_cmpint (query_int (handle, "SELECT title_is_custom FROM conversations WHERE id = 8;"), ==, 0);
  g_assert_cmpint (query_int (handle, "SELECT updated_at = 200000000 FROM conversations WHERE id = 7;"), ==, 1);
  key = query_text (handle, "SELECT session_key FROM conversations WHERE id = 7;");
  g_assert_cmpint (strlen (key), ==, 32);
  g_assert_cmpint (query_int (handle, "SELECT count(DISTINCT session_key) FROM conversations;"), ==, 2);

  /* Each message follows the one before it in its own chat. */
  g_assert_cmpint (query_int (handle, "SELECT count(*) FROM messages;"), ==, 3);
  g_assert_cmpint (query_int (handle, "SELECT parent_id IS NULL FROM messages WHERE id = 10;"), ==, 1);
  g_assert_cmpint (query_int (handle, "SELECT parent_id IS NULL FROM messages WHERE id = 11;"), ==, 1);
  g_assert_cmpint (query_int (handle, "SELECT parent_id FROM messages WHERE id = 12;"), ==, 10);
  g_assert_cmpint (query_int (handle, "SELECT conversation_id FROM messages WHERE id = 12;"), ==, 7);
  g_assert_cmpint (query_int (handle, "SELECT state = 'complete' FROM messages WHERE id = 12;"), ==, 1);
  usage = query_text (handle, "SELECT usage FROM messages WHERE id = 12;");
  g_assert_cmpstr (usage, ==, "{\"prompt_tokens\":5,\"completion_tokens\":2}");
  g_assert_cmpint (query_int (handle, "SELECT count(*) FROM sqlite_master WHERE name = 'chats';"), ==, 0);
  g_assert_cmpint (query_int (handle, "SELECT count(*) FROM pragma_foreign_key_check;"), ==, 0);
  g_assert_finalize_object (db);
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
test_too_new (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  CfaiDatabase *db;
  g_autofree char *bump = NULL;

  db = cfai_database_open (fixture->path, &error);
  g_assert_no_error (error);
  bump = g_strdup_printf ("PRAGMA journal_mode = DELETE; PRAGMA user_version = %d;",
                          cfai_database_get_latest_version () + 1);
  g_assert_cmpint (sqlite3_exec (cfai_database_get_handle (db), bump, NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_finalize_object (db);
  before = read_file (fixture->path);

  db = cfai_database_open (fixture->path, &error);
  g_assert_null (db);
  g_assert_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version of CfAI"));
  g_assert_nonnull (strstr (error->message, "Update CfAI"));

  /* Not a byte changed: not even the journal mode. */
  after = read_file (fixture->path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_corrupt (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *garbage = g_strnfill (8192, 'x');
  CfaiDatabase *db;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (fixture->path, garbage, -1, &error);
  g_assert_no_error (error);

  db = cfai_database_open (fixture->path, &error);
  g_assert_null (db);
  g_assert_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "move the file aside"));

  after = read_file (fixture->path);
  g_assert_cmpmem (g_bytes_get_data (after, NULL), g_bytes_get_size (after), garbage, 8192);
}

static void
test_unopenable (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CfaiDatabase *db;

  /* A directory where the file should be cannot be opened as a database. */
  g_assert_cmpint (g_mkdir_with_parents (fixture->path, 0700), ==, 0);
  db = cfai_database_open (fixture->path, &error);
  g_assert_null (db);
  g_assert_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_OPEN);
  g_rmdir (fixture->path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/database/create-and-reopen", Fixture, NULL,
              fixture_setup, test_create_and_reopen, fixture_teardown);
  g_test_add ("/database/migrate-from-1", Fixture, NULL,
              fixture_setup, test_migrate_from_1, fixture_teardown);
  g_test_add ("/database/corrupt", Fixture, NULL,
              fixture_setup, test_corrupt, fixture_teardown);
  g_test_add ("/database/too-new", Fixture, NULL,
              fixture_setup, test_too_new, fixture_teardown);
  g_test_add ("/database/unopenable", Fixture, NULL,
              fixture_setup, test_unopenable, fixture_teardown);

  return g_test_run ();
}
