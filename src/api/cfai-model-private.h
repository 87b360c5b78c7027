/* cfai-model-private.h — what the files of CfaiModel share
 *
 * cfai-model.c (the object), cfai-model-json.c (catalog entries) and
 * cfai-model-names.c (names from ids) make up the class.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-model.h"

G_BEGIN_DECLS

typedef enum
{
  CFAI_MODEL_FLAG_VISION           = 1 << 0,
  CFAI_MODEL_FLAG_REASONING        = 1 << 1,
  CFAI_MODEL_FLAG_FUNCTION_CALLING = 1 << 2,
  CFAI_MODEL_FLAG_LORA             = 1 << 3,
  CFAI_MODEL_FLAG_BETA             = 1 << 4,
  CFAI_MODEL_FLAG_PARTNER          = 1 << 5,
  CFAI_MODEL_FLAG_ASYNC_QUEUE      = 1 << 6,
  CFAI_MODEL_FLAG_WORKERS_PAID     = 1 << 7,
} CfaiModelFlags;

struct _CfaiModel
{
  GObject         parent_instance;

  char           *id;
  char           *uuid;
  char           *display_name;
  char           *author;
  char           *description;
  char           *task;
  char          **tags;
  gint64          context_window;
  GPtrArray      *prices;                 /* of CfaiModelPrice */
  char           *terms_url;
  char           *info_url;
  GDateTime      *planned_deprecation_date;
  char           *search_key;             /* folded id, name and description */
  CfaiModelFlags  flags;
  guint           display_name_given : 1; /* from the data, not derived */
  guint           deprecated : 1;         /* the entry's own "deprecated" */
  guint           needs_paid_plan : 1;    /* learned from a 5035 answer, not the data */
};

static inline gboolean
_cfai_model_has_flag (CfaiModel      *self,
                      CfaiModelFlags  flag)
{
  return (self->flags & flag) != 0;
}

/* Vision and reasoning @builtin knows of and @self's entry left unsaid
 * (see cfai-model-catalog.c, "What live entries leave unsaid"). */
static inline void
_cfai_model_take_unsaid_from (CfaiModel *self,
                              CfaiModel *builtin)
{
  self->flags |= builtin->flags & (CFAI_MODEL_FLAG_VISION | CFAI_MODEL_FLAG_REASONING);
}

/* Call once every field the search looks at is set. */
void _cfai_model_build_search_key (CfaiModel *self);

G_END_DECLS
