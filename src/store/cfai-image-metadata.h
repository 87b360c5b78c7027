/* cfai-image-metadata.h — how a picture was made, written into its file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The keys CfAI writes.  "parameters" is the one other tools read (the
 * prompt, a "Negative prompt:" line and a "Steps: …, Seed: …" line); the
 * CfAI: keys say the same exactly, the last as JSON
 * (cfai_image_request_to_json()). */
#define CFAI_IMAGE_TEXT_PARAMETERS       "parameters"
#define CFAI_IMAGE_TEXT_SOFTWARE         "Software"
#define CFAI_IMAGE_TEXT_PROMPT           "CfAI:prompt"
#define CFAI_IMAGE_TEXT_NEGATIVE_PROMPT  "CfAI:negative_prompt"
#define CFAI_IMAGE_TEXT_MODEL            "CfAI:model"
#define CFAI_IMAGE_TEXT_SEED             "CfAI:seed"
#define CFAI_IMAGE_TEXT_SETTINGS         "CfAI:settings"

typedef struct
{
  const char *key;     /* ASCII, 1–79 bytes */
  const char *value;   /* UTF-8 */
} CfaiImageText;

gboolean    cfai_image_metadata_get_size (GBytes               *image,
                                          guint                *width,
                                          guint                *height);
GBytes     *cfai_image_metadata_embed    (GBytes               *image,
                                          const CfaiImageText  *texts,
                                          guint                 n_texts,
                                          GError              **error);
GHashTable *cfai_image_metadata_read     (GBytes               *image,
                                          GError              **error);

G_END_DECLS
