/* cfai-chat-request.c
 *
 * Parameters are only sent when the user set them: Workers AI validates the
 * body against each model's schema, and a field a model does not know (say,
 * reasoning_effort on Llama) makes the whole request fail.  "Unset" is a
 * sentinel per field (NAN, -1 or NULL).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cfai-chat-request.h"
#include "cfai-error.h"
#include "cfai-json.h"
#include "cfai-model.h"

typedef struct
{
  CfaiChatRole  role;
  char         *text;
  GPtrArray    *image_urls;  /* data: URLs, nullable */
} Message;

struct _CfaiChatRequest
{
  GObject    parent_instance;

  char      *model;
  char      *system_prompt;
  GPtrArray *messages;       /* Message */
  gboolean   stream;
  gint64     max_tokens;     /* -1 = unset (Workers AI then stops at 256) */
  double     temperature;
  double     top_p;
  gint64     top_k;
  gint64     seed;
  double     repetition_penalty;
  double     frequency_penalty;
  double     presence_penalty;
  char      *reasoning_effort;
  char      *lora;
  char      *session_key;    /* x-session-affinity, NULL = none */
  gboolean   reject_if_busy;
  CfaiChatImageMode image_mode;
  gboolean   blind;          /* the catalog says the model has no vision */
};

G_DEFINE_FINAL_TYPE (CfaiChatRequest, cfai_chat_request, G_TYPE_OBJECT)

static const char * const role_names[] = { "system", "user", "assistant", "tool" };

static void
message_free (gpointer data)
{
  Message *message = data;

  g_free (message->text);
  g_clear_pointer (&message->image_urls, g_ptr_array_unref);
  g_free (message);
}

/* Text settings: empty is the same as unset, and unset is not sent. */
static void
set_optional (char       **field,
              const char  *value)
{
  g_free (*field);
  *field = (value != NULL && *value != '\0') ? g_strdup (value) : NULL;
}

static void
cfai_chat_request_finalize (GObject *object)
{
  CfaiChatRequest *self = CFAI_CHAT_REQUEST (object);

  g_clear_pointer (&self->model, g_free);
  g_clear_pointer (&self->system_prompt, g_free);
  g_clear_pointer (&self->messages, g_ptr_array_unref);
  g_clear_pointer (&self->reasoning_effort, g_free);
  g_clear_pointer (&self->lora, g_free);
  g_clear_pointer (&self->session_key, g_free);

  G_OBJECT_CLASS (cfai_chat_request_parent_class)->finalize (object);
}

static void
cfai_chat_request_class_init (CfaiChatRequestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfai_chat_request_finalize;
}

static void
cfai_chat_request_init (CfaiChatRequest *self)
{
  self->messages = g_ptr_array_new_with_free_func (message_free);
  self->stream = TRUE;
  self->max_tokens = -1;
  self->temperature = NAN;
  self->top_p = NAN;
  self->top_k = -1;
  self->seed = -1;
  self->repetition_penalty = NAN;
  self->frequency_penalty = NAN;
  self->presence_penalty = NAN;
}

CfaiChatRequest *
cfai_chat_request_new (const char *model)
{
  CfaiChatRequest *self;

  g_return_val_if_fail (model != NULL, NULL);

  self = g_object_new (CFAI_TYPE_CHAT_REQUEST, NULL);
  self->model = g_strdup (model);
  return self;
}

const char *
cfai_chat_request_get_model (CfaiChatRequest *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_REQUEST (self), NULL);
  return self->model;
}

void
cfai_chat_request_set_system_prompt (CfaiChatRequest *self,
                                     const char      *system_prompt)
{
  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));

  set_optional (&self->system_prompt, system_prompt);
}

void
cfai_chat_request_add_message (CfaiChatRequest *self,
                               CfaiChatRole     role,
                               const char      *text)
{
  Message *message;

  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));
  g_return_if_fail (role <= CFAI_CHAT_ROLE_TOOL);

  message = g_new0 (Message, 1);
  message->role = role;
  message->text = g_strdup (text != NULL ? text : "");
  g_ptr_array_add (self->messages, message);
}

/* The one refusal of images, whether the schema or the catalog says so. */
static void
refuse_images (CfaiChatRequest  *self,
               GError          **error)
{
  g_set_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT,
               _("%s does not accept images. Remove the image, or pick a model with vision."),
               self->model);
  if (error != NULL)
    cfai_error_set_field (*error, "image");
}

/**
 * cfai_chat_request_add_image:
 *
 * Attaches an image to the last user message.  Workers AI only takes images
 * as data: URLs (it refuses HTTP URLs), so the bytes are embedded.
 */
gboolean
cfai_chat_request_add_image (CfaiChatRequest  *self,
                             GBytes           *image,
                             const char       *mime_type,
                             GError          **error)
{
  Message *last;
  g_autofree char *b64 = NULL;
  gsize len;
  const guchar *bytes;

  g_return_val_if_fail (CFAI_IS_CHAT_REQUEST (self), FALSE);
  g_return_val_if_fail (image != NULL, FALSE);
  g_return_val_if_fail (mime_type != NULL, FALSE);

  last = self->messages->len > 0 ? g_ptr_array_index (self->messages, self->messages->len - 1) : NULL;
  if (last == NULL || last->role != CFAI_CHAT_ROLE_USER)
    {
      g_set_error_literal (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT,
                           _("An image can only be attached to a message you write."));
      return FALSE;
    }
  if (!g_str_equal (mime_type, "image/png") && !g_str_equal (mime_type, "image/jpeg") &&
      !g_str_equal (mime_type, "image/webp"))
    {
      g_set_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT,
                   _("Images of type %s cannot be sent; use PNG, JPEG or WebP."), mime_type);
      return FALSE;
    }

  /* Said now, before the caller waits for a schema or the network. */
  if (self->blind)
    {
      refuse_images (self, error);
      return FALSE;
    }

  bytes = g_bytes_get_data (image, &len);
  b64 = g_base64_encode (bytes, len);
  if (last->image_urls == NULL)
    last->image_urls = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (last->image_urls, g_strconcat ("data:", mime_type, ";base64,", b64, NULL));
  return TRUE;
}

/**
 * cfai_chat_request_set_image_mode:
 *
 * How to send attached images; see cfai_chat_image_mode_from_schema().
 * The default, content parts, is what most vision models take.
 */
void
cfai_chat_request_set_image_mode (CfaiChatRequest   *self,
                                  CfaiChatImageMode  mode)
{
  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));
  g_return_if_fail (mode <= CFAI_CHAT_IMAGES_UNSUPPORTED);
  self->image_mode = mode;
}

/* A schema and, recursively, the alternatives it allows (oneOf, anyOf,
 * allOf): the 2026 files nest them (anyOf → oneOf → per-role oneOf). */
typedef gboolean (*SchemaTest) (JsonObject *schema);

static gboolean
any_alternative (JsonObject *schema,
                 SchemaTest  test,
                 guint       depth)
{
  static const char * const combinators[] = { "oneOf", "anyOf", "allOf" };

  if (schema == NULL || depth > 8)
    return FALSE;
  if (test (schema))
    return TRUE;
  for (gsize c = 0; c < G_N_ELEMENTS (combinators); c++)
    {
      JsonArray *variants = cfai_json_get_array (schema, combinators[c]);

      /* A variant may be `true` or a $ref string: it says nothing about
       * images, and is passed over. */
      for (guint i = 0; variants != NULL && i < json_array_get_length (variants); i++)
        if (any_alternative (cfai_json_array_get_object (variants, i), test, depth + 1))
          return TRUE;
    }
  return FALSE;
}

static gboolean
string_list_has (JsonArray  *list,
                 const char *value)
{
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    if (g_strcmp0 (cfai_json_array_get_string (list, i), value) == 0)
      return TRUE;
  return FALSE;
}

/* A content part that can be {"type": "image_url", "image_url": {"url"}}:
 * Mistral's file names the member, the 2026 files also list the type. */
static gboolean
is_image_part (JsonObject *part)
{
  JsonObject *type = cfai_json_object_at (part, "properties", "type", NULL);

  return cfai_json_object_at (part, "properties", "image_url", NULL) != NULL ||
         string_list_has (cfai_json_get_array (type, "enum"), "image_url") ||
         g_strcmp0 (cfai_json_get_string (type, "const"), "image_url") == 0;
}

static gboolean
is_array_of_image_parts (JsonObject *content)
{
  gboolean is_array = g_strcmp0 (cfai_json_get_string (content, "type"), "array") == 0 ||
                      string_list_has (cfai_json_get_array (content, "type"), "array");

  return is_array && any_alternative (cfai_json_get_object (content, "items"), is_image_part, 0);
}

/* A message schema (one role's, in the 2026 files) whose content may
 * carry image parts.  Only messages a user writes matter. */
static gboolean
message_takes_image_parts (JsonObject *message)
{
  JsonObject *role = cfai_json_object_at (message, "properties", "role", NULL);
  JsonArray *roles = cfai_json_get_array (role, "enum");

  if (roles != NULL && !string_list_has (roles, "user"))
    return FALSE;
  return any_alternative (cfai_json_object_at (message, "properties", "content", NULL),
                          is_array_of_image_parts, 0);
}

static gboolean
variant_takes_image_parts (JsonObject *variant)
{
  return any_alternative (cfai_json_object_at (variant, "properties", "messages", "items", NULL),
                          message_takes_image_parts, 0);
}

static gboolean
variant_has_image_field (JsonObject *variant)
{
  return cfai_json_object_at (variant, "properties", "image", NULL) != NULL;
}

/**
 * cfai_chat_request_apply_model_schema:
 * @model_schema: (nullable): a model's `{input, output}` schemas, as
 *   cfai_client_get_model_schema_finish() returns them
 *
 * Sends images the way the model's input schema asks.  Without a schema,
 * or one that does not describe the input, the current mode stays: so
 * callers hand the schema over and never read it themselves.
 */
void
cfai_chat_request_apply_model_schema (CfaiChatRequest *self,
                                      JsonObject      *model_schema)
{
  JsonNode *input;

  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));

  if (model_schema == NULL || (input = json_object_get_member (model_schema, "input")) == NULL)
    return;

  cfai_chat_request_set_image_mode (self, cfai_chat_image_mode_from_schema (input));
}

/**
 * cfai_chat_request_apply_model:
 * @model: the catalog's entry for the request's model
 *
 * What the catalog knows and the schema cannot say: the 2026 schemas
 * are one template that allows image parts for every model, so only the
 * entry's vision flag tells that a model sees them.  After this, images
 * for a model without vision are refused, by cfai_chat_request_add_image()
 * and cfai_chat_request_to_json(), rather than sent to be ignored.
 */
void
cfai_chat_request_apply_model (CfaiChatRequest *self,
                               CfaiModel       *model)
{
  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));
  g_return_if_fail (CFAI_IS_MODEL (model));

  self->blind = !cfai_model_get_vision (model);
}

/**
 * cfai_chat_image_mode_from_schema:
 * @input_schema: a model's `schema.input` (from /ai/models/schema)
 *
 * Text models describe their input as variants (Prompt, Messages, …),
 * nested in the 2026 files, where each message role is a variant of its
 * own.  A model takes images as content parts when a user message's
 * content may be an array of parts of type "image_url" (Mistral Small
 * 3.1, Gemma 4, Kimi, Qwen 3.8), or as a top-level "image" byte array
 * (Llama 3.2 Vision).  Content that may be an array of text parts only
 * says nothing about images.
 *
 * The 2026 files are one OpenAI-style template, the same for models
 * with and without vision (GLM-5.3's is Kimi K2.6's): that these allow
 * image parts says how images are sent, not that the model sees them.
 * Whether it does is the catalog's "vision" property.
 */
CfaiChatImageMode
cfai_chat_image_mode_from_schema (JsonNode *input_schema)
{
  JsonObject *root;

  g_return_val_if_fail (input_schema != NULL, CFAI_CHAT_IMAGES_UNSUPPORTED);

  if (!JSON_NODE_HOLDS_OBJECT (input_schema))
    return CFAI_CHAT_IMAGES_UNSUPPORTED;
  root = json_node_get_object (input_schema);

  if (any_alternative (root, variant_takes_image_parts, 0))
    return CFAI_CHAT_IMAGES_CONTENT_PARTS;
  if (any_alternative (root, variant_has_image_field, 0))
    return CFAI_CHAT_IMAGES_IMAGE_FIELD;
  return CFAI_CHAT_IMAGES_UNSUPPORTED;
}

guint
cfai_chat_request_get_n_messages (CfaiChatRequest *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_REQUEST (self), 0);

  return self->messages->len;
}

void
cfai_chat_request_set_stream (CfaiChatRequest *self,
                              gboolean         stream)
{
  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));
  self->stream = !!stream;
}

void
cfai_chat_request_set_max_tokens (CfaiChatRequest *self,
                                  gint64           max_tokens)
{
  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));
  self->max_tokens = max_tokens > 0 ? max_tokens : -1;
}

void
cfai_chat_request_set_temperature (CfaiChatRequest *self,
                                   double           temperature)
{
  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));
  self->temperature = temperature;
}

void
cfai_chat_request_set_top_p (CfaiChatRequest *self,
                             double           top_p)
{
  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));
  self->top_p = top_p;
}

void
cfai_chat_request_set_top_k (CfaiChatRequest *self,
                             gint64           top_k)
{
  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));
  self->top_k = top_k > 0 ? top_k : -1;
}

void
cfai_chat_request_set_seed (CfaiChatRequest *self,
                            gint64           seed)
{
  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));
  self->seed = seed >= 0 ? seed : -1;
}

void
cfai_chat_request_set_repetition_penalty (CfaiChatRequest *self,
                                          double           penalty)
{
  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));
  self->repetition_penalty = penalty;
}

void
cfai_chat_request_set_frequency_penalty (CfaiChatRequest *self,
                                         double           penalty)
{
  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));
  self->frequency_penalty = penalty;
}

void
cfai_chat_request_set_presence_penalty (CfaiChatRequest *self,
                                        double           penalty)
{
  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));
  self->presence_penalty = penalty;
}

void
cfai_chat_request_set_reasoning_effort (CfaiChatRequest *self,
                                        const char      *effort)
{
  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));
  set_optional (&self->reasoning_effort, effort);
}

void
cfai_chat_request_set_lora (CfaiChatRequest *self,
                            const char      *lora)
{
  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));
  set_optional (&self->lora, lora);
}

/**
 * cfai_chat_request_set_session_key:
 * @session_key: (nullable): an opaque key, the same for every turn of one
 *   conversation (the chat keeps a random one); %NULL or "" for none
 *
 * Requests with the same key are routed together, so that Workers AI can
 * reuse the cached prompt prefix (billed lower, reported as cached
 * tokens).  The key goes in the x-session-affinity header only.
 */
void
cfai_chat_request_set_session_key (CfaiChatRequest *self,
                                   const char      *session_key)
{
  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));
  set_optional (&self->session_key, session_key);
}

const char *
cfai_chat_request_get_session_key (CfaiChatRequest *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_REQUEST (self), NULL);
  return self->session_key;
}

/**
 * cfai_chat_request_set_reject_if_busy:
 * @reject_if_busy: fail at once (3040) when the model has no capacity,
 *   instead of waiting in Workers AI's queue; off by default
 */
void
cfai_chat_request_set_reject_if_busy (CfaiChatRequest *self,
                                      gboolean         reject_if_busy)
{
  g_return_if_fail (CFAI_IS_CHAT_REQUEST (self));
  self->reject_if_busy = !!reject_if_busy;
}

/* A header value: visible ASCII only, so nothing can end the header. */
static gboolean
check_session_key (const char  *key,
                   GError     **error)
{
  gsize len = key != NULL ? strlen (key) : 0;

  for (gsize i = 0; i < len && len <= 256; i++)
    if (key[i] < 0x21 || key[i] > 0x7e)
      len = G_MAXSIZE;

  if (len <= 256)
    return TRUE;
  g_set_error_literal (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT,
                       _("The session key must be at most 256 characters, without "
                         "spaces or characters outside ASCII."));
  cfai_error_set_field (*error, "session");
  return FALSE;
}

static gboolean
check_range (const char  *field,
             double       value,
             double       min,
             double       max,
             GError     **error)
{
  if (isnan (value) || (value >= min && value <= max))
    return TRUE;
  g_set_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT,
               _("%s must be between %g and %g (it is %g)."), field, min, max, value);
  cfai_error_set_field (*error, field);
  return FALSE;
}

static JsonObject *
new_message (const char *role,
             const char *text,
             GPtrArray  *image_urls)
{
  JsonObject *message = json_object_new ();
  JsonObject *part;
  JsonArray *parts;

  json_object_set_string_member (message, "role", role);
  if (image_urls == NULL)
    {
      json_object_set_string_member (message, "content", text);
      return message;
    }

  parts = json_array_new ();
  part = json_object_new ();
  json_object_set_string_member (part, "type", "text");
  json_object_set_string_member (part, "text", text);
  json_array_add_object_element (parts, part);
  for (guint i = 0; i < image_urls->len; i++)
    {
      JsonObject *url = json_object_new ();

      json_object_set_string_member (url, "url", g_ptr_array_index (image_urls, i));
      part = json_object_new ();
      json_object_set_string_member (part, "type", "image_url");
      json_object_set_object_member (part, "image_url", url);
      json_array_add_object_element (parts, part);
    }
  json_object_set_array_member (message, "content", parts);
  return message;
}

/**
 * cfai_chat_request_to_json:
 *
 * The /ai/run body.  Ranges are checked here, with the documented limits,
 * so the user hears which value is wrong before anything is sent.
 */
GBytes *
cfai_chat_request_to_json (CfaiChatRequest  *self,
                           GError          **error)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree guchar *image = NULL;
  JsonArray *messages;
  const char *last_image_url = NULL;
  gsize image_len = 0;
  guint n_images = 0;
  char *json;
  gsize len;

  g_return_val_if_fail (CFAI_IS_CHAT_REQUEST (self), NULL);

  if (self->messages->len == 0)
    {
      g_set_error_literal (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT,
                           _("There is no message to send."));
      return NULL;
    }
  if (!check_range ("temperature", self->temperature, 0, 5, error) ||
      !check_range ("top_p", self->top_p, 0, 2, error) ||
      !check_range ("top_k", self->top_k > 0 ? (double) self->top_k : NAN, 1, 50, error) ||
      !check_range ("repetition_penalty", self->repetition_penalty, 0, 2, error) ||
      !check_range ("frequency_penalty", self->frequency_penalty, -2, 2, error) ||
      !check_range ("presence_penalty", self->presence_penalty, -2, 2, error) ||
      !check_session_key (self->session_key, error))
    return NULL;
  if (self->reasoning_effort != NULL &&
      !g_str_equal (self->reasoning_effort, "low") &&
      !g_str_equal (self->reasoning_effort, "medium") &&
      !g_str_equal (self->reasoning_effort, "high"))
    {
      g_set_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT,
                   _("Reasoning effort must be low, medium or high (not “%s”)."),
                   self->reasoning_effort);
      cfai_error_set_field (*error, "reasoning_effort");
      return NULL;
    }

  /* Count the images against what the model takes, before building. */
  for (guint i = 0; i < self->messages->len; i++)
    {
      Message *message = g_ptr_array_index (self->messages, i);
      n_images += message->image_urls != NULL ? message->image_urls->len : 0;
      if (message->image_urls != NULL && message->image_urls->len > 0)
        last_image_url = g_ptr_array_index (message->image_urls, message->image_urls->len - 1);
    }
  if (n_images > 0 && (self->image_mode == CFAI_CHAT_IMAGES_UNSUPPORTED || self->blind))
    {
      refuse_images (self, error);
      return NULL;
    }
  if (self->image_mode == CFAI_CHAT_IMAGES_IMAGE_FIELD && last_image_url != NULL)
    {
      /* This kind of model sees one image per request: the latest one. */
      const char *b64 = strchr (last_image_url, ',');
      image = g_base64_decode (b64 + 1, &image_len);
    }

  body = json_object_new ();
  messages = json_array_new ();
  if (self->system_prompt != NULL)
    json_array_add_object_element (messages, new_message ("system", self->system_prompt, NULL));
  for (guint i = 0; i < self->messages->len; i++)
    {
      Message *message = g_ptr_array_index (self->messages, i);
      json_array_add_object_element (messages,
                                     new_message (role_names[message->role], message->text,
                                                  self->image_mode == CFAI_CHAT_IMAGES_CONTENT_PARTS
                                                  ? message->image_urls : NULL));
    }
  json_object_set_array_member (body, "messages", messages);

  if (self->image_mode == CFAI_CHAT_IMAGES_IMAGE_FIELD && image != NULL)
    {
      JsonArray *bytes = json_array_sized_new (image_len);

      for (gsize i = 0; i < image_len; i++)
        json_array_add_int_element (bytes, image[i]);
      json_object_set_array_member (body, "image", bytes);
    }

  /* Numbers the user left unset (NAN or negative) are not sent. */
  if (self->stream)
    json_object_set_boolean_member (body, "stream", TRUE);
  if (self->max_tokens >= 0)
    json_object_set_int_member (body, "max_tokens", self->max_tokens);
  if (!isnan (self->temperature))
    json_object_set_double_member (body, "temperature", self->temperature);
  if (!isnan (self->top_p))
    json_object_set_double_member (body, "top_p", self->top_p);
  if (self->top_k >= 0)
    json_object_set_int_member (body, "top_k", self->top_k);
  if (self->seed >= 0)
    json_object_set_int_member (body, "seed", self->seed);
  if (!isnan (self->repetition_penalty))
    json_object_set_double_member (body, "repetition_penalty", self->repetition_penalty);
  if (!isnan (self->frequency_penalty))
    json_object_set_double_member (body, "frequency_penalty", self->frequency_penalty);
  if (!isnan (self->presence_penalty))
    json_object_set_double_member (body, "presence_penalty", self->presence_penalty);
  if (self->reasoning_effort != NULL)
    json_object_set_string_member (body, "reasoning_effort", self->reasoning_effort);
  if (self->lora != NULL)
    json_object_set_string_member (body, "lora", self->lora);
  /* Request options, not model input: the native body's "options". */
  if (self->reject_if_busy)
    {
      JsonObject *options = json_object_new ();

      json_object_set_boolean_member (options, "rejectIfBusy", TRUE);
      json_object_set_object_member (body, "options", options);
    }

  root = json_node_init_object (json_node_alloc (), body);
  json = json_to_string (root, FALSE);
  len = strlen (json);
  return g_bytes_new_take (json, len);
}
