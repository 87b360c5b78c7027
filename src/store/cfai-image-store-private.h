/* cfai-image-store-private.h — what the image store, its records and its
 * worker jobs share
 *
 * As for chats (cfai-store-private.h), rows are plain copies: the worker
 * thread reads and writes rows, the main thread turns them into records.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-database.h"
#include "cfai-image-record.h"

G_BEGIN_DECLS

typedef struct
{
  gint64   id;
  char    *prompt;
  char    *negative_prompt;   /* NULL: none */
  char    *model;
  char    *params;            /* JSON object */
  gint64   seed;              /* -1: none sent */
  guint    width;
  guint    height;
  char    *mime_type;
  char    *file_name;         /* relative to the images folder */
  GStrv    reference_files;   /* relative to the images folder; never NULL */
  GStrv    reference_mimes;
  gint64   created_at;        /* µs since the epoch */
  double   estimated_cost;    /* USD; negative: unknown */
  char    *search_key;        /* the prompt folded for searching, made on the worker */
} CfaiImageRow;

void             cfai_image_row_free              (CfaiImageRow    *row);
char            *cfai_image_fold_for_search       (const char      *text);
CfaiImageRecord *cfai_image_record_new_from_row   (const CfaiImageRow *row,
                                                   const char      *images_dir,
                                                   const char      *thumbnails_dir);
const char      *cfai_image_record_get_file_name  (CfaiImageRecord *self);
const char * const *cfai_image_record_get_reference_files (CfaiImageRecord *self);

/* cfai-image-store-files.c */
gboolean         cfai_image_store_make_folder     (const char      *path,
                                                   GError         **error);
gboolean         cfai_image_store_write_file      (const char      *path,
                                                   GBytes          *bytes,
                                                   GError         **error);
const char      *cfai_image_store_extension_for   (const char      *mime_type);
char            *cfai_image_store_new_file_name   (gint64           created_at,
                                                   const char      *mime_type);
char            *cfai_image_store_format_parameters (CfaiImageRequest *request,
                                                   guint            width,
                                                   guint            height);

/* cfai-image-store-sql.c: worker thread only */
GPtrArray       *cfai_image_sql_load_page         (CfaiDatabase    *db,
                                                   gint64           before_created_at,
                                                   gint64           before_id,
                                                   guint            limit,
                                                   GError         **error);
gboolean         cfai_image_sql_insert            (CfaiDatabase    *db,
                                                   CfaiImageRow    *row,
                                                   GError         **error);
gboolean         cfai_image_sql_delete            (CfaiDatabase    *db,
                                                   gint64           id,
                                                   GStrv           *unused_references,
                                                   GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfaiImageRow, cfai_image_row_free)

G_END_DECLS
