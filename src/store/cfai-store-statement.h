/* cfai-store-statement.h — the few SQLite helpers every store's SQL uses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-database.h"

G_BEGIN_DECLS

typedef sqlite3_stmt CfaiStatement;

/* Failures are CFAI_DATABASE_ERROR, worded "@doing What to do." */
CfaiStatement *cfai_statement_prepare                (CfaiDatabase   *db,
                                                      const char     *sql,
                                                      const char     *doing,
                                                      GError        **error);
gboolean       cfai_statement_run                    (CfaiDatabase   *db,
                                                      CfaiStatement  *stmt,
                                                      const char     *doing,
                                                      GError        **error);
void           cfai_statement_bind_text              (CfaiStatement  *stmt,
                                                      int             index,
                                                      const char     *text);
void           cfai_statement_bind_optional_int      (CfaiStatement  *stmt,
                                                      int             index,
                                                      gint64          value);
void           cfai_statement_bind_optional_double   (CfaiStatement  *stmt,
                                                      int             index,
                                                      double          value);
char          *cfai_statement_column_text            (CfaiStatement  *stmt,
                                                      int             index);
gint64         cfai_statement_column_optional_int    (CfaiStatement  *stmt,
                                                      int             index);
double         cfai_statement_column_optional_double (CfaiStatement  *stmt,
                                                      int             index);

static inline void
cfai_statement_free (CfaiStatement *stmt)
{
  sqlite3_finalize (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfaiStatement, cfai_statement_free)

G_END_DECLS
