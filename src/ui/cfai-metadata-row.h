/* cfai-metadata-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CFAI_TYPE_METADATA_ROW (cfai_metadata_row_get_type ())

G_DECLARE_FINAL_TYPE (CfaiMetadataRow, cfai_metadata_row, CFAI, METADATA_ROW, AdwPreferencesRow)

CfaiMetadataRow *cfai_metadata_row_new            (const char      *name,
                                                   const char      *value);
const char      *cfai_metadata_row_get_name       (CfaiMetadataRow *self);
void             cfai_metadata_row_set_name       (CfaiMetadataRow *self,
                                                   const char      *name);
const char      *cfai_metadata_row_get_value      (CfaiMetadataRow *self);
void             cfai_metadata_row_set_value      (CfaiMetadataRow *self,
                                                   const char      *value);
void             cfai_metadata_row_set_name_error (CfaiMetadataRow *self,
                                                   const char      *message);
gboolean         cfai_metadata_row_get_has_error  (CfaiMetadataRow *self);
void             cfai_metadata_row_focus_name     (CfaiMetadataRow *self);

G_END_DECLS
