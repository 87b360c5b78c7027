/* cfai-store-statement.c — the few SQLite helpers every store's SQL uses
 *
 * Used on the worker thread only, like the connection they run on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-store-statement.h"
#include "cfai-store-types.h"

CfaiStatement *
cfai_statement_prepare (CfaiDatabase  *db,
                        const char    *sql,
                        const char    *doing,
                        GError       **error)
{
  sqlite3 *handle = cfai_database_get_handle (db);
  CfaiStatement *stmt = NULL;

  if (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      cfai_database_set_error (db, error, sqlite3_extended_errcode (handle), doing);
      sqlite3_finalize (stmt);
      return NULL;
    }
  return stmt;
}

/* Steps a statement that returns no rows, then resets it for the next use. */
gboolean
cfai_statement_run (CfaiDatabase   *db,
                    CfaiStatement  *stmt,
                    const char     *doing,
                    GError        **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      rc = sqlite3_extended_errcode (cfai_database_get_handle (db));
      sqlite3_reset (stmt);
      cfai_database_set_error (db, error, rc, doing);
      return FALSE;
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return TRUE;
}

/* @text must outlive the statement's next step. */
void
cfai_statement_bind_text (CfaiStatement *stmt,
                          int            index,
                          const char    *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

/* Negative means "not set": stored as NULL. */
void
cfai_statement_bind_optional_int (CfaiStatement *stmt,
                                  int            index,
                                  gint64         value)
{
  if (value >= 0)
    sqlite3_bind_int64 (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}

void
cfai_statement_bind_optional_double (CfaiStatement *stmt,
                                     int            index,
                                     double         value)
{
  if (value >= 0)
    sqlite3_bind_double (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}

char *
cfai_statement_column_text (CfaiStatement *stmt,
                            int            index)
{
  const unsigned char *text = sqlite3_column_text (stmt, index);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* NULL reads as CFAI_UNSET. */
gint64
cfai_statement_column_optional_int (CfaiStatement *stmt,
                                    int            index)
{
  if (sqlite3_column_type (stmt, index) == SQLITE_NULL)
    return CFAI_UNSET;
  return sqlite3_column_int64 (stmt, index);
}

double
cfai_statement_column_optional_double (CfaiStatement *stmt,
                                       int            index)
{
  if (sqlite3_column_type (stmt, index) == SQLITE_NULL)
    return CFAI_UNSET;
  return sqlite3_column_double (stmt, index);
}
