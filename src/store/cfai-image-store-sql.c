/* cfai-image-store-sql.c — the gallery's SQL, run on the store worker only
 *
 * As for chats: every value bound, each change one short transaction
 * started with BEGIN IMMEDIATE, rolled back whole on any failure.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cfai-image-store-private.h"
#include "cfai-store-statement.h"

static gboolean
rollback (CfaiDatabase *db)
{
  sqlite3_exec (cfai_database_get_handle (db), "ROLLBACK;", NULL, NULL, NULL);
  return FALSE;
}

static GStrv
split_lines (CfaiStatement *stmt,
             int            index)
{
  const char *text = (const char *) sqlite3_column_text (stmt, index);

  if (text == NULL || *text == '\0')
    return g_new0 (char *, 1);

  return g_strsplit (text, "\n", -1);
}

/**
 * cfai_image_sql_load_page:
 * @before_created_at: list records older than this (G_MAXINT64 for the newest)
 * @before_id: and, at the same time, with a smaller id
 *
 * One page of the gallery, newest first.  Pages are cut by the last
 * record's (created_at, id), so the images_newest index answers each page
 * directly, however far down it is.
 *
 * Returns: (transfer full) (element-type CfaiImageRow): the rows
 */
GPtrArray *
cfai_image_sql_load_page (CfaiDatabase  *db,
                          gint64         before_created_at,
                          gint64         before_id,
                          guint          limit,
                          GError       **error)
{
  const char *doing = _("Could not read the image gallery.");
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cfai_image_row_free);
  g_autoptr(CfaiStatement) stmt = NULL;
  int rc;

  /* File names are ours (no newline in them), so a newline-separated
   * list is safe; ORDER BY inside the aggregate needs SQLite 3.44. */
  stmt = cfai_statement_prepare (db,
                                 "SELECT id, prompt, negative_prompt, model, params, seed, width, height,"
                                 "       mime_type, file_name, created_at, estimated_cost,"
                                 "       (SELECT group_concat (file_name, char(10) ORDER BY position)"
                                 "          FROM image_references r WHERE r.image_id = images.id),"
                                 "       (SELECT group_concat (mime_type, char(10) ORDER BY position)"
                                 "          FROM image_references r WHERE r.image_id = images.id)"
                                 "  FROM images"
                                 "  WHERE (created_at, id) < (?1, ?2)"
                                 "  ORDER BY created_at DESC, id DESC LIMIT ?3;",
                                 doing, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, before_created_at);
  sqlite3_bind_int64 (stmt, 2, before_id);
  sqlite3_bind_int64 (stmt, 3, limit);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CfaiImageRow *row = g_new0 (CfaiImageRow, 1);

      row->id = sqlite3_column_int64 (stmt, 0);
      row->prompt = cfai_statement_column_text (stmt, 1);
      row->negative_prompt = cfai_statement_column_text (stmt, 2);
      row->model = cfai_statement_column_text (stmt, 3);
      row->params = cfai_statement_column_text (stmt, 4);
      row->seed = cfai_statement_column_optional_int (stmt, 5);
      row->width = sqlite3_column_int (stmt, 6);
      row->height = sqlite3_column_int (stmt, 7);
      row->mime_type = cfai_statement_column_text (stmt, 8);
      row->file_name = cfai_statement_column_text (stmt, 9);
      row->created_at = sqlite3_column_int64 (stmt, 10);
      row->estimated_cost = cfai_statement_column_optional_double (stmt, 11);
      row->reference_files = split_lines (stmt, 12);
      row->reference_mimes = split_lines (stmt, 13);
      g_ptr_array_add (rows, row);
    }

  if (rc != SQLITE_DONE)
    {
      cfai_database_set_error (db, error, sqlite3_extended_errcode (cfai_database_get_handle (db)), doing);
      return NULL;
    }

  return g_steal_pointer (&rows);
}

/* Inserts @row with its references and sets its id. */
gboolean
cfai_image_sql_insert (CfaiDatabase  *db,
                       CfaiImageRow  *row,
                       GError       **error)
{
  const char *doing = _("Could not add the picture to the gallery.");
  g_autoptr(CfaiStatement) image = NULL;
  g_autoptr(CfaiStatement) reference = NULL;

  if (!cfai_database_exec (db, "BEGIN IMMEDIATE;", error))
    return FALSE;

  image = cfai_statement_prepare (db,
                                  "INSERT INTO images (prompt, negative_prompt, model, params, seed, width,"
                                  "                    height, mime_type, file_name, created_at, estimated_cost)"
                                  "  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11);",
                                  doing, error);
  if (image == NULL)
    return rollback (db);

  cfai_statement_bind_text (image, 1, row->prompt);
  cfai_statement_bind_text (image, 2, row->negative_prompt);
  cfai_statement_bind_text (image, 3, row->model);
  cfai_statement_bind_text (image, 4, row->params);
  cfai_statement_bind_optional_int (image, 5, row->seed);
  sqlite3_bind_int64 (image, 6, row->width);
  sqlite3_bind_int64 (image, 7, row->height);
  cfai_statement_bind_text (image, 8, row->mime_type);
  cfai_statement_bind_text (image, 9, row->file_name);
  sqlite3_bind_int64 (image, 10, row->created_at);
  cfai_statement_bind_optional_double (image, 11, row->estimated_cost);
  if (!cfai_statement_run (db, image, doing, error))
    return rollback (db);
  row->id = sqlite3_last_insert_rowid (cfai_database_get_handle (db));

  reference = cfai_statement_prepare (db,
                                      "INSERT INTO image_references (image_id, position, file_name, mime_type)"
                                      "  VALUES (?1, ?2, ?3, ?4);",
                                      doing, error);
  if (reference == NULL)
    return rollback (db);

  for (guint i = 0; row->reference_files[i] != NULL; i++)
    {
      sqlite3_bind_int64 (reference, 1, row->id);
      sqlite3_bind_int64 (reference, 2, i);
      cfai_statement_bind_text (reference, 3, row->reference_files[i]);
      cfai_statement_bind_text (reference, 4, row->reference_mimes[i]);
      if (!cfai_statement_run (db, reference, doing, error))
        return rollback (db);
    }

  if (!cfai_database_exec (db, "COMMIT;", error))
    return rollback (db);

  return TRUE;
}

/**
 * cfai_image_sql_delete:
 * @unused_references: (out): the reference files no other picture uses
 *   any more, to remove from the disk
 *
 * Removes the picture's row and its references' rows.
 */
gboolean
cfai_image_sql_delete (CfaiDatabase  *db,
                       gint64         id,
                       GStrv         *unused_references,
                       GError       **error)
{
  const char *doing = _("Could not delete the picture from the gallery.");
  g_autoptr(CfaiStatement) files = NULL;
  g_autoptr(CfaiStatement) remove = NULL;
  g_autoptr(GStrvBuilder) unused = g_strv_builder_new ();
  int rc;

  if (!cfai_database_exec (db, "BEGIN IMMEDIATE;", error))
    return FALSE;

  /* Those of its references that only it uses, before the rows go. */
  files = cfai_statement_prepare (db,
                                  "SELECT DISTINCT r.file_name FROM image_references r"
                                  "  WHERE r.image_id = ?1 AND NOT EXISTS"
                                  "    (SELECT 1 FROM image_references o"
                                  "      WHERE o.file_name = r.file_name AND o.image_id <> ?1);",
                                  doing, error);
  if (files == NULL)
    return rollback (db);
  sqlite3_bind_int64 (files, 1, id);
  while ((rc = sqlite3_step (files)) == SQLITE_ROW)
    g_strv_builder_add (unused, (const char *) sqlite3_column_text (files, 0));
  if (rc != SQLITE_DONE)
    {
      cfai_database_set_error (db, error, sqlite3_extended_errcode (cfai_database_get_handle (db)), doing);
      return rollback (db);
    }

  remove = cfai_statement_prepare (db, "DELETE FROM images WHERE id = ?1;", doing, error);
  if (remove == NULL)
    return rollback (db);
  sqlite3_bind_int64 (remove, 1, id);
  if (!cfai_statement_run (db, remove, doing, error))
    return rollback (db);

  if (!cfai_database_exec (db, "COMMIT;", error))
    return rollback (db);

  *unused_references = g_strv_builder_end (unused);
  return TRUE;
}
