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

static void
test_create_and_reopen (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CfaiDatabase *db;
  sqlite3_stmt *stmt = NULL;

  db = cfai_database_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (db);
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (cfai_database_get_schema_version (db), ==, cfai_database_get_latest_version ());
  g_assert_cmpstr (cfai_database_get_path (db), ==, fixture->path);

  /* The schema is really there: a chat and a message can be stored, and
   * deleting the chat removes its messages (foreign keys are on). */
  g_assert_cmpint (sqlite3_exec (cfai_database_get_handle (db),
                                 "INSERT INTO chats (id, model, created_at, updated_at) "
                                 "VALUES (1, '@cf/openai/gpt-oss-20b', 1, 1);"
                                 "INSERT INTO messages (chat_id, role, content, created_at) "
                                 "VALUES (1, 'user', 'hello', 1);"
                                 "DELETE FROM chats WHERE id = 1;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (cfai_database_get_handle (db),
                                       "SELECT count(*) FROM messages;", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);

  /* A role outside the allowed set is refused by the schema. */
  g_assert_cmpint (sqlite3_exec (cfai_database_get_handle (db),
                                 "INSERT INTO chats (id, model, created_at, updated_at) "
                                 "VALUES (2, 'm', 1, 1);"
                                 "INSERT INTO messages (chat_id, role, created_at) "
                                 "VALUES (2, 'robot', 1);",
                                 NULL, NULL, NULL), ==, SQLITE_CONSTRAINT);
  g_assert_finalize_object (db);

  /* Opening again keeps the version and does not re-run migrations. */
  db = cfai_database_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfai_database_get_schema_version (db), ==, cfai_database_get_latest_version ());
  g_assert_finalize_object (db);
}

static void
test_too_new (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CfaiDatabase *db;
  g_autofree char *bump = NULL;

  db = cfai_database_open (fixture->path, &error);
  g_assert_no_error (error);
  bump = g_strdup_printf ("PRAGMA user_version = %d;", cfai_database_get_latest_version () + 1);
  g_assert_cmpint (sqlite3_exec (cfai_database_get_handle (db), bump, NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_finalize_object (db);

  db = cfai_database_open (fixture->path, &error);
  g_assert_null (db);
  g_assert_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version of CfAI"));
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
  g_test_add ("/database/too-new", Fixture, NULL,
              fixture_setup, test_too_new, fixture_teardown);
  g_test_add ("/database/unopenable", Fixture, NULL,
              fixture_setup, test_unopenable, fixture_teardown);

  return g_test_run ();
}
