/* cfai-prompt-hints.h — concrete suggestions for a better image prompt
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cfai-image-model-rules.h"
#include "cfai-prompt-hint.h"

G_BEGIN_DECLS

/* CfaiPromptHints is a GListModel of CfaiPromptHint that follows its
 * "prompt" property, for a list under the prompt entry.  Words are
 * matched whole and case-insensitively ("light" is not found in
 * "flight"), plurals in -s/-es included; the word lists are English, and
 * prompts mostly in another script get only the length hints.  Lengths
 * are in characters. */
#define CFAI_TYPE_PROMPT_HINTS (cfai_prompt_hints_get_type ())

G_DECLARE_FINAL_TYPE (CfaiPromptHints, cfai_prompt_hints, CFAI, PROMPT_HINTS, GObject)

CfaiPromptHints *cfai_prompt_hints_new                           (void);
const char      *cfai_prompt_hints_get_prompt                    (CfaiPromptHints     *self);
void             cfai_prompt_hints_set_prompt                    (CfaiPromptHints     *self,
                                                                  const char          *prompt);
guint            cfai_prompt_hints_get_max_length                (CfaiPromptHints     *self);
void             cfai_prompt_hints_set_max_length                (CfaiPromptHints     *self,
                                                                  guint                max_length);
gboolean         cfai_prompt_hints_get_negative_prompt_supported (CfaiPromptHints     *self);
void             cfai_prompt_hints_set_negative_prompt_supported (CfaiPromptHints     *self,
                                                                  gboolean             supported);
void             cfai_prompt_hints_set_model_rules               (CfaiPromptHints     *self,
                                                                  CfaiImageModelRules *rules);

GPtrArray       *cfai_prompt_hints_analyze                       (const char          *prompt,
                                                                  guint                max_length,
                                                                  gboolean             negative_prompt_supported);
char            *cfai_prompt_hints_build_template                (const char          *prompt);

G_END_DECLS
