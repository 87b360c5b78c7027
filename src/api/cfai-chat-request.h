/* cfai-chat-request.h — what to ask a text-generation model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "cfai-model.h"

G_BEGIN_DECLS

typedef enum
{
  CFAI_CHAT_ROLE_SYSTEM,
  CFAI_CHAT_ROLE_USER,
  CFAI_CHAT_ROLE_ASSISTANT,
  CFAI_CHAT_ROLE_TOOL,
} CfaiChatRole;

/* How a model takes images, read from its input schema: OpenAI-style
 * content parts (Mistral Small, Gemma), one top-level "image" byte array
 * (Llama 3.2 Vision), or not at all. */
typedef enum
{
  CFAI_CHAT_IMAGES_CONTENT_PARTS,
  CFAI_CHAT_IMAGES_IMAGE_FIELD,
  CFAI_CHAT_IMAGES_UNSUPPORTED,
} CfaiChatImageMode;

#define CFAI_TYPE_CHAT_REQUEST (cfai_chat_request_get_type ())

G_DECLARE_FINAL_TYPE (CfaiChatRequest, cfai_chat_request, CFAI, CHAT_REQUEST, GObject)

CfaiChatRequest *cfai_chat_request_new                (const char       *model);
const char      *cfai_chat_request_get_model          (CfaiChatRequest  *self);
void             cfai_chat_request_set_system_prompt  (CfaiChatRequest  *self,
                                                       const char       *system_prompt);
void             cfai_chat_request_add_message        (CfaiChatRequest  *self,
                                                       CfaiChatRole      role,
                                                       const char       *text);
gboolean         cfai_chat_request_add_image          (CfaiChatRequest  *self,
                                                       GBytes           *image,
                                                       const char       *mime_type,
                                                       GError          **error);
void             cfai_chat_request_set_image_mode     (CfaiChatRequest  *self,
                                                       CfaiChatImageMode mode);
CfaiChatImageMode cfai_chat_image_mode_from_schema    (JsonNode         *input_schema);
void             cfai_chat_request_apply_model_schema (CfaiChatRequest  *self,
                                                       JsonObject       *model_schema);
void             cfai_chat_request_apply_model        (CfaiChatRequest  *self,
                                                       CfaiModel        *model);
guint            cfai_chat_request_get_n_messages     (CfaiChatRequest  *self);
void             cfai_chat_request_set_stream         (CfaiChatRequest  *self,
                                                       gboolean          stream);
void             cfai_chat_request_set_max_tokens     (CfaiChatRequest  *self,
                                                       gint64            max_tokens);
void             cfai_chat_request_set_temperature    (CfaiChatRequest  *self,
                                                       double            temperature);
void             cfai_chat_request_set_top_p          (CfaiChatRequest  *self,
                                                       double            top_p);
void             cfai_chat_request_set_top_k          (CfaiChatRequest  *self,
                                                       gint64            top_k);
void             cfai_chat_request_set_seed           (CfaiChatRequest  *self,
                                                       gint64            seed);
void             cfai_chat_request_set_repetition_penalty (CfaiChatRequest *self,
                                                       double            penalty);
void             cfai_chat_request_set_frequency_penalty (CfaiChatRequest *self,
                                                       double            penalty);
void             cfai_chat_request_set_presence_penalty (CfaiChatRequest *self,
                                                       double            penalty);
void             cfai_chat_request_set_reasoning_effort (CfaiChatRequest *self,
                                                       const char       *effort);
void             cfai_chat_request_set_lora           (CfaiChatRequest  *self,
                                                       const char       *lora);
void             cfai_chat_request_set_session_key    (CfaiChatRequest  *self,
                                                       const char       *session_key);
const char      *cfai_chat_request_get_session_key    (CfaiChatRequest  *self);
void             cfai_chat_request_set_reject_if_busy (CfaiChatRequest  *self,
                                                       gboolean          reject_if_busy);
GBytes          *cfai_chat_request_to_json            (CfaiChatRequest  *self,
                                                       GError          **error);

G_END_DECLS
