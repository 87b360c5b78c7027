/* cfai-prompt-hint.h — one suggestion for improving an image prompt
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  CFAI_PROMPT_HINT_EMPTY,
  CFAI_PROMPT_HINT_TOO_LONG,
  CFAI_PROMPT_HINT_SINGLE_WORD,
  CFAI_PROMPT_HINT_TOO_SHORT,
  CFAI_PROMPT_HINT_NEGATIVE_PHRASING,
  CFAI_PROMPT_HINT_SUBJECT_DETAIL,
  CFAI_PROMPT_HINT_SETTING,
  CFAI_PROMPT_HINT_LIGHTING,
  CFAI_PROMPT_HINT_STYLE,
} CfaiPromptHintKind;

#define CFAI_TYPE_PROMPT_HINT_KIND (cfai_prompt_hint_kind_get_type ())
#define CFAI_TYPE_PROMPT_HINT (cfai_prompt_hint_get_type ())

GType cfai_prompt_hint_kind_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (CfaiPromptHint, cfai_prompt_hint, CFAI, PROMPT_HINT, GObject)

CfaiPromptHint     *cfai_prompt_hint_new             (CfaiPromptHintKind  kind,
                                                      const char         *title,
                                                      const char         *explanation,
                                                      const char         *excerpt);
CfaiPromptHintKind  cfai_prompt_hint_get_kind        (CfaiPromptHint     *self);
const char         *cfai_prompt_hint_get_title       (CfaiPromptHint     *self);
const char         *cfai_prompt_hint_get_explanation (CfaiPromptHint     *self);
const char         *cfai_prompt_hint_get_excerpt     (CfaiPromptHint     *self);

G_END_DECLS
