/* cfai-message.c
 *
 * A message is what the chat page shows and what a stream writes into.
 * Text is kept in a GString so an append costs the delta, not the answer:
 * at 50,000 tokens a copy per token would be the lag users complain of in
 * other apps.  Every change bumps a generation; the store saves a snapshot
 * and marks that generation saved, so a change made while a save is on its
 * way is never mistaken for saved.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-conversation.h"
#include "cfai-error.h"
#include "cfai-message.h"
#include "cfai-store-private.h"

struct _CfaiMessage
{
  GObject           parent_instance;

  CfaiConversation *conversation;   /* unowned: it clears this in dispose */

  gint64            id;
  gint64            conversation_id;
  gint64            parent_id;
  CfaiChatRole      role;
  GString          *content;
  GString          *reasoning;
  char             *model;
  char             *params;
  CfaiMessageState  state;
  char             *finish_reason;
  gint64            prompt_tokens;
  gint64            completion_tokens;
  gint64            cached_tokens;
  double            neurons;
  char             *gateway_cache_status;
  gint64            ttft_ms;
  gint64            total_ms;
  double            tokens_per_second;
  GError           *error;
  gint64            created_at;
  gint64            updated_at;
  GPtrArray        *attachments;

  guint64           generation;
  guint64           saved_generation;
  guint             n_attachments_saved;
};

G_DEFINE_FINAL_TYPE (CfaiMessage, cfai_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_PARENT_ID,
  PROP_ROLE,
  PROP_ROLE_NAME,
  PROP_CONTENT,
  PROP_REASONING,
  PROP_MODEL,
  PROP_PARAMS,
  PROP_STATE,
  PROP_FINISH_REASON,
  PROP_PROMPT_TOKENS,
  PROP_COMPLETION_TOKENS,
  PROP_CACHED_TOKENS,
  PROP_NEURONS,
  PROP_GATEWAY_CACHE_STATUS,
  PROP_TIME_TO_FIRST_TOKEN_MS,
  PROP_TOTAL_MS,
  PROP_TOKENS_PER_SECOND,
  PROP_ERROR_MESSAGE,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_N_ATTACHMENTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GEnumValue state_values[] = {
  { CFAI_MESSAGE_STATE_COMPLETE, "CFAI_MESSAGE_STATE_COMPLETE", "complete" },
  { CFAI_MESSAGE_STATE_STREAMING, "CFAI_MESSAGE_STATE_STREAMING", "streaming" },
  { CFAI_MESSAGE_STATE_STOPPED, "CFAI_MESSAGE_STATE_STOPPED", "stopped" },
  { CFAI_MESSAGE_STATE_INTERRUPTED, "CFAI_MESSAGE_STATE_INTERRUPTED", "interrupted" },
  { CFAI_MESSAGE_STATE_ERROR, "CFAI_MESSAGE_STATE_ERROR", "error" },
  { 0, NULL, NULL }
};

GType
cfai_message_state_get_type (void)
{
  static GType type;

  if (g_once_init_enter_pointer (&type))
    g_once_init_leave_pointer (&type, g_enum_register_static ("CfaiMessageState", state_values));

  return type;
}

/* The names are the file's: never translate or change them. */
const char *
cfai_message_state_to_string (CfaiMessageState state)
{
  for (guint i = 0; state_values[i].value_nick != NULL; i++)
    if (state_values[i].value == (int) state)
      return state_values[i].value_nick;
  g_return_val_if_reached ("complete");
}

gboolean
cfai_message_state_from_string (const char       *name,
                                CfaiMessageState *state)
{
  for (guint i = 0; name != NULL && state_values[i].value_nick != NULL; i++)
    if (g_str_equal (state_values[i].value_nick, name))
      {
        *state = state_values[i].value;
        return TRUE;
      }
  return FALSE;
}

static const char * const role_names[] = {
  [CFAI_CHAT_ROLE_SYSTEM] = "system",
  [CFAI_CHAT_ROLE_USER] = "user",
  [CFAI_CHAT_ROLE_ASSISTANT] = "assistant",
  [CFAI_CHAT_ROLE_TOOL] = "tool",
};

static void
cfai_message_changed (CfaiMessage *self,
                      GParamSpec  *pspec,
                      gboolean     urgent)
{
  self->generation++;
  self->updated_at = g_get_real_time ();
  g_object_notify_by_pspec (G_OBJECT (self), pspec);

  if (self->conversation != NULL)
    cfai_conversation_message_changed (self->conversation, self, urgent);
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

CfaiMessage *
cfai_message_new (gint64            id,
                  gint64            conversation_id,
                  gint64            parent_id,
                  CfaiChatRole      role,
                  const char       *content,
                  CfaiMessageState  state)
{
  CfaiMessage *self = g_object_new (CFAI_TYPE_MESSAGE, NULL);

  self->id = id;
  self->conversation_id = conversation_id;
  self->parent_id = parent_id;
  self->role = role;
  g_string_assign (self->content, content ? content : "");
  self->state = state;
  self->created_at = self->updated_at = g_get_real_time ();
  /* A new message is unsaved until the store says otherwise. */
  self->generation = 1;

  return self;
}

CfaiMessage *
cfai_message_new_from_row (CfaiMessageRow *row)
{
  CfaiMessage *self = g_object_new (CFAI_TYPE_MESSAGE, NULL);

  self->id = row->id;
  self->conversation_id = row->conversation_id;
  self->parent_id = row->parent_id;
  self->role = row->role;
  g_string_assign (self->content, row->content ? row->content : "");
  if (row->reasoning != NULL)
    g_string_assign (self->reasoning, row->reasoning);
  self->model = g_steal_pointer (&row->model);
  self->params = g_steal_pointer (&row->params);
  self->state = row->state;
  self->finish_reason = g_steal_pointer (&row->finish_reason);
  self->prompt_tokens = row->prompt_tokens;
  self->completion_tokens = row->completion_tokens;
  self->cached_tokens = row->cached_tokens;
  self->neurons = row->neurons;
  self->gateway_cache_status = g_steal_pointer (&row->gateway_cache_status);
  self->ttft_ms = row->ttft_ms;
  self->total_ms = row->total_ms;
  self->tokens_per_second = row->tokens_per_second;
  if (row->error_domain != NULL)
    self->error = g_error_new_literal (g_quark_from_string (row->error_domain),
                                       row->error_code,
                                       row->error_message ? row->error_message : "");
  self->created_at = row->created_at;
  self->updated_at = row->updated_at;
  if (row->attachments != NULL)
    for (guint i = 0; i < row->attachments->len; i++)
      g_ptr_array_add (self->attachments, g_object_ref (g_ptr_array_index (row->attachments, i)));
  self->n_attachments_saved = self->attachments->len;

  return self;
}

CfaiMessageRow *
cfai_message_snapshot (CfaiMessage *self)
{
  CfaiMessageRow *row = g_new0 (CfaiMessageRow, 1);

  row->id = self->id;
  row->conversation_id = self->conversation_id;
  row->parent_id = self->parent_id;
  row->role = self->role;
  row->content = g_strndup (self->content->str, self->content->len);
  row->reasoning = self->reasoning->len > 0
    ? g_strndup (self->reasoning->str, self->reasoning->len) : NULL;
  row->model = g_strdup (self->model);
  row->params = g_strdup (self->params);
  row->state = self->state;
  row->finish_reason = g_strdup (self->finish_reason);
  row->prompt_tokens = self->prompt_tokens;
  row->completion_tokens = self->completion_tokens;
  row->cached_tokens = self->cached_tokens;
  row->neurons = self->neurons;
  row->gateway_cache_status = g_strdup (self->gateway_cache_status);
  row->ttft_ms = self->ttft_ms;
  row->total_ms = self->total_ms;
  row->tokens_per_second = self->tokens_per_second;
  if (self->error != NULL)
    {
      row->error_domain = g_strdup (g_quark_to_string (self->error->domain));
      row->error_code = self->error->code;
      row->error_message = g_strdup (self->error->message);
    }
  row->created_at = self->created_at;
  row->updated_at = self->updated_at;
  /* Attachments never change once added: only new ones are written. */
  row->attachments = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = self->n_attachments_saved; i < self->attachments->len; i++)
    g_ptr_array_add (row->attachments, g_object_ref (g_ptr_array_index (self->attachments, i)));

  return row;
}

void
cfai_message_row_free (CfaiMessageRow *row)
{
  if (row == NULL)
    return;

  g_free (row->content);
  g_free (row->reasoning);
  g_free (row->model);
  g_free (row->params);
  g_free (row->finish_reason);
  g_free (row->gateway_cache_status);
  g_free (row->error_domain);
  g_free (row->error_message);
  g_clear_pointer (&row->attachments, g_ptr_array_unref);
  g_free (row);
}

guint64
cfai_message_get_generation (CfaiMessage *self)
{
  return self->generation;
}

void
cfai_message_mark_saved (CfaiMessage *self,
                         guint64      generation,
                         guint        n_attachments)
{
  self->saved_generation = MAX (self->saved_generation, generation);
  self->n_attachments_saved = MAX (self->n_attachments_saved, n_attachments);
}

gboolean
cfai_message_is_dirty (CfaiMessage *self)
{
  return self->generation != self->saved_generation;
}

void
cfai_message_set_conversation (CfaiMessage      *self,
                               CfaiConversation *conversation)
{
  self->conversation = conversation;
}

void
cfai_message_set_parent_id (CfaiMessage *self,
                            gint64       parent_id)
{
  if (self->parent_id == parent_id)
    return;
  self->parent_id = parent_id;
  cfai_message_changed (self, properties[PROP_PARENT_ID], TRUE);
}

gint64
cfai_message_get_id (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), 0);
  return self->id;
}

gint64
cfai_message_get_conversation_id (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), 0);
  return self->conversation_id;
}

/* Returns: the message this one answers or follows, 0 for the first */
gint64
cfai_message_get_parent_id (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), 0);
  return self->parent_id;
}

/* Returns: (transfer none) (nullable): NULL once deleted */
CfaiConversation *
cfai_message_get_conversation (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), NULL);
  return self->conversation;
}

CfaiChatRole
cfai_message_get_role (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), CFAI_CHAT_ROLE_USER);
  return self->role;
}

/* Returns: "user", "assistant", "system" or "tool": handy as a CSS class */
const char *
cfai_message_get_role_name (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), NULL);
  return role_names[self->role];
}

const char *
cfai_message_get_content (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), NULL);
  return self->content->str;
}

/* A renderer keeps the length it has shown and renders only what follows. */
gsize
cfai_message_get_content_length (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), 0);
  return self->content->len;
}

const char *
cfai_message_get_reasoning (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), NULL);
  return self->reasoning->str;
}

gsize
cfai_message_get_reasoning_length (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), 0);
  return self->reasoning->len;
}

const char *
cfai_message_get_model (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), NULL);
  return self->model;
}

/* Returns: (nullable): the request's parameters as a JSON object */
const char *
cfai_message_get_params (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), NULL);
  return self->params;
}

CfaiMessageState
cfai_message_get_state (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), CFAI_MESSAGE_STATE_COMPLETE);
  return self->state;
}

const char *
cfai_message_get_finish_reason (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), NULL);
  return self->finish_reason;
}

gint64
cfai_message_get_prompt_tokens (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), CFAI_UNSET);
  return self->prompt_tokens;
}

gint64
cfai_message_get_completion_tokens (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), CFAI_UNSET);
  return self->completion_tokens;
}

gint64
cfai_message_get_cached_tokens (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), CFAI_UNSET);
  return self->cached_tokens;
}

double
cfai_message_get_neurons (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), CFAI_UNSET);
  return self->neurons;
}

const char *
cfai_message_get_gateway_cache_status (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), NULL);
  return self->gateway_cache_status;
}

gint64
cfai_message_get_time_to_first_token_ms (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), CFAI_UNSET);
  return self->ttft_ms;
}

gint64
cfai_message_get_total_ms (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), CFAI_UNSET);
  return self->total_ms;
}

double
cfai_message_get_tokens_per_second (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), CFAI_UNSET);
  return self->tokens_per_second;
}

/* Returns: (transfer none) (nullable): why the request failed.  Domain and
 * code survive a restart; the extra details of CFAI_ERROR (retry-after,
 * field) do not, they only matter while the error is fresh. */
const GError *
cfai_message_get_error (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), NULL);
  return self->error;
}

const char *
cfai_message_get_error_message (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), NULL);
  return self->error ? self->error->message : NULL;
}

gint64
cfai_message_get_created_at (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), 0);
  return self->created_at;
}

gint64
cfai_message_get_updated_at (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), 0);
  return self->updated_at;
}

guint
cfai_message_get_n_attachments (CfaiMessage *self)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), 0);
  return self->attachments->len;
}

/* Returns: (transfer none) */
CfaiAttachment *
cfai_message_get_attachment (CfaiMessage *self,
                             guint        index)
{
  g_return_val_if_fail (CFAI_IS_MESSAGE (self), NULL);
  g_return_val_if_fail (index < self->attachments->len, NULL);
  return g_ptr_array_index (self->attachments, index);
}

void
cfai_message_append_content (CfaiMessage *self,
                             const char  *delta,
                             gssize       length)
{
  g_return_if_fail (CFAI_IS_MESSAGE (self));
  g_return_if_fail (delta != NULL || length == 0);

  if (length < 0)
    length = strlen (delta);
  if (length == 0)
    return;

  g_string_append_len (self->content, delta, length);
  cfai_message_changed (self, properties[PROP_CONTENT],
                        self->state != CFAI_MESSAGE_STATE_STREAMING);
}

void
cfai_message_append_reasoning (CfaiMessage *self,
                               const char  *delta,
                               gssize       length)
{
  g_return_if_fail (CFAI_IS_MESSAGE (self));
  g_return_if_fail (delta != NULL || length == 0);

  if (length < 0)
    length = strlen (delta);
  if (length == 0)
    return;

  g_string_append_len (self->reasoning, delta, length);
  cfai_message_changed (self, properties[PROP_REASONING],
                        self->state != CFAI_MESSAGE_STATE_STREAMING);
}

/* For a stream that moves text it had taken for the answer into the
 * reasoning (a late "<think>"): replaces the whole text. */
void
cfai_message_set_content (CfaiMessage *self,
                          const char  *content)
{
  g_return_if_fail (CFAI_IS_MESSAGE (self));

  if (content == NULL)
    content = "";
  if (g_str_equal (self->content->str, content))
    return;

  g_string_assign (self->content, content);
  cfai_message_changed (self, properties[PROP_CONTENT],
                        self->state != CFAI_MESSAGE_STATE_STREAMING);
}

void
cfai_message_set_reasoning (CfaiMessage *self,
                            const char  *reasoning)
{
  g_return_if_fail (CFAI_IS_MESSAGE (self));

  if (reasoning == NULL)
    reasoning = "";
  if (g_str_equal (self->reasoning->str, reasoning))
    return;

  g_string_assign (self->reasoning, reasoning);
  cfai_message_changed (self, properties[PROP_REASONING],
                        self->state != CFAI_MESSAGE_STATE_STREAMING);
}

void
cfai_message_set_model (CfaiMessage *self,
                        const char  *model)
{
  g_return_if_fail (CFAI_IS_MESSAGE (self));

  if (set_string (&self->model, model))
    cfai_message_changed (self, properties[PROP_MODEL], TRUE);
}

void
cfai_message_set_params (CfaiMessage *self,
                         const char  *params_json)
{
  g_return_if_fail (CFAI_IS_MESSAGE (self));

  if (set_string (&self->params, params_json))
    cfai_message_changed (self, properties[PROP_PARAMS], TRUE);
}

/* Leaving STREAMING saves at once: that is the end of an answer. */
void
cfai_message_set_state (CfaiMessage      *self,
                        CfaiMessageState  state)
{
  g_return_if_fail (CFAI_IS_MESSAGE (self));
  g_return_if_fail (state <= CFAI_MESSAGE_STATE_ERROR);

  if (self->state == state)
    return;

  self->state = state;
  cfai_message_changed (self, properties[PROP_STATE], TRUE);
}

void
cfai_message_set_finish_reason (CfaiMessage *self,
                                const char  *finish_reason)
{
  g_return_if_fail (CFAI_IS_MESSAGE (self));

  if (set_string (&self->finish_reason, finish_reason))
    cfai_message_changed (self, properties[PROP_FINISH_REASON],
                          self->state != CFAI_MESSAGE_STATE_STREAMING);
}

/* Any value may be CFAI_UNSET (not reported). */
void
cfai_message_set_usage (CfaiMessage *self,
                        gint64       prompt_tokens,
                        gint64       completion_tokens,
                        gint64       cached_tokens,
                        double       neurons)
{
  gboolean urgent;

  g_return_if_fail (CFAI_IS_MESSAGE (self));

  urgent = self->state != CFAI_MESSAGE_STATE_STREAMING;
  g_object_freeze_notify (G_OBJECT (self));
  if (self->prompt_tokens != prompt_tokens)
    {
      self->prompt_tokens = prompt_tokens;
      cfai_message_changed (self, properties[PROP_PROMPT_TOKENS], urgent);
    }
  if (self->completion_tokens != completion_tokens)
    {
      self->completion_tokens = completion_tokens;
      cfai_message_changed (self, properties[PROP_COMPLETION_TOKENS], urgent);
    }
  if (self->cached_tokens != cached_tokens)
    {
      self->cached_tokens = cached_tokens;
      cfai_message_changed (self, properties[PROP_CACHED_TOKENS], urgent);
    }
  if (self->neurons != neurons)
    {
      self->neurons = neurons;
      cfai_message_changed (self, properties[PROP_NEURONS], urgent);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* "HIT" or "MISS" from AI Gateway, NULL without a gateway. */
void
cfai_message_set_gateway_cache_status (CfaiMessage *self,
                                       const char  *status)
{
  g_return_if_fail (CFAI_IS_MESSAGE (self));

  if (set_string (&self->gateway_cache_status, status))
    cfai_message_changed (self, properties[PROP_GATEWAY_CACHE_STATUS],
                          self->state != CFAI_MESSAGE_STATE_STREAMING);
}

void
cfai_message_set_timings (CfaiMessage *self,
                          gint64       time_to_first_token_ms,
                          gint64       total_ms,
                          double       tokens_per_second)
{
  gboolean urgent;

  g_return_if_fail (CFAI_IS_MESSAGE (self));

  urgent = self->state != CFAI_MESSAGE_STATE_STREAMING;
  g_object_freeze_notify (G_OBJECT (self));
  if (self->ttft_ms != time_to_first_token_ms)
    {
      self->ttft_ms = time_to_first_token_ms;
      cfai_message_changed (self, properties[PROP_TIME_TO_FIRST_TOKEN_MS], urgent);
    }
  if (self->total_ms != total_ms)
    {
      self->total_ms = total_ms;
      cfai_message_changed (self, properties[PROP_TOTAL_MS], urgent);
    }
  if (self->tokens_per_second != tokens_per_second)
    {
      self->tokens_per_second = tokens_per_second;
      cfai_message_changed (self, properties[PROP_TOKENS_PER_SECOND], urgent);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* Keeps why the answer failed; the state is the caller's to set (a cut
 * stream is INTERRUPTED with its error, a refused request is ERROR). */
void
cfai_message_set_error (CfaiMessage  *self,
                        const GError *error)
{
  g_return_if_fail (CFAI_IS_MESSAGE (self));

  if (self->error == NULL && error == NULL)
    return;
  if (self->error != NULL && error != NULL &&
      self->error->domain == error->domain && self->error->code == error->code &&
      g_str_equal (self->error->message, error->message))
    return;

  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
  cfai_message_changed (self, properties[PROP_ERROR_MESSAGE], TRUE);
}

void
cfai_message_add_attachment (CfaiMessage    *self,
                             CfaiAttachment *attachment)
{
  g_return_if_fail (CFAI_IS_MESSAGE (self));
  g_return_if_fail (CFAI_IS_ATTACHMENT (attachment));

  g_ptr_array_add (self->attachments, g_object_ref (attachment));
  cfai_message_changed (self, properties[PROP_N_ATTACHMENTS], TRUE);
}

static void
cfai_message_finalize (GObject *object)
{
  CfaiMessage *self = CFAI_MESSAGE (object);

  g_string_free (self->content, TRUE);
  g_string_free (self->reasoning, TRUE);
  g_clear_pointer (&self->model, g_free);
  g_clear_pointer (&self->params, g_free);
  g_clear_pointer (&self->finish_reason, g_free);
  g_clear_pointer (&self->gateway_cache_status, g_free);
  g_clear_error (&self->error);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);

  G_OBJECT_CLASS (cfai_message_parent_class)->finalize (object);
}

static void
cfai_message_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CfaiMessage *self = CFAI_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_int64 (value, self->id); break;
    case PROP_PARENT_ID: g_value_set_int64 (value, self->parent_id); break;
    case PROP_ROLE: g_value_set_int (value, self->role); break;
    case PROP_ROLE_NAME: g_value_set_static_string (value, role_names[self->role]); break;
    case PROP_CONTENT: g_value_set_string (value, self->content->str); break;
    case PROP_REASONING: g_value_set_string (value, self->reasoning->str); break;
    case PROP_MODEL: g_value_set_string (value, self->model); break;
    case PROP_PARAMS: g_value_set_string (value, self->params); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_FINISH_REASON: g_value_set_string (value, self->finish_reason); break;
    case PROP_PROMPT_TOKENS: g_value_set_int64 (value, self->prompt_tokens); break;
    case PROP_COMPLETION_TOKENS: g_value_set_int64 (value, self->completion_tokens); break;
    case PROP_CACHED_TOKENS: g_value_set_int64 (value, self->cached_tokens); break;
    case PROP_NEURONS: g_value_set_double (value, self->neurons); break;
    case PROP_GATEWAY_CACHE_STATUS: g_value_set_string (value, self->gateway_cache_status); break;
    case PROP_TIME_TO_FIRST_TOKEN_MS: g_value_set_int64 (value, self->ttft_ms); break;
    case PROP_TOTAL_MS: g_value_set_int64 (value, self->total_ms); break;
    case PROP_TOKENS_PER_SECOND: g_value_set_double (value, self->tokens_per_second); break;
    case PROP_ERROR_MESSAGE: g_value_set_string (value, cfai_message_get_error_message (self)); break;
    case PROP_CREATED_AT: g_value_set_int64 (value, self->created_at); break;
    case PROP_UPDATED_AT: g_value_set_int64 (value, self->updated_at); break;
    case PROP_N_ATTACHMENTS: g_value_set_uint (value, self->attachments->len); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_message_class_init (CfaiMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = cfai_message_finalize;
  object_class->get_property = cfai_message_get_property;

  /* CFAI_ERROR is an extended domain: it must be registered before a saved
   * error of it is rebuilt, or that GError would lack its private part. */
  g_type_ensure (CFAI_TYPE_ATTACHMENT);
  (void) cfai_error_quark ();

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_PARENT_ID] = g_param_spec_int64 ("parent-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /* A CfaiChatRole (the api layer's enum, which has no GType). */
  properties[PROP_ROLE] = g_param_spec_int ("role", NULL, NULL,
                                            CFAI_CHAT_ROLE_SYSTEM, CFAI_CHAT_ROLE_TOOL,
                                            CFAI_CHAT_ROLE_USER, flags);
  properties[PROP_ROLE_NAME] = g_param_spec_string ("role-name", NULL, NULL, NULL, flags);
  properties[PROP_CONTENT] = g_param_spec_string ("content", NULL, NULL, NULL, flags);
  properties[PROP_REASONING] = g_param_spec_string ("reasoning", NULL, NULL, NULL, flags);
  properties[PROP_MODEL] = g_param_spec_string ("model", NULL, NULL, NULL, flags);
  properties[PROP_PARAMS] = g_param_spec_string ("params", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, CFAI_TYPE_MESSAGE_STATE,
                                              CFAI_MESSAGE_STATE_COMPLETE, flags);
  properties[PROP_FINISH_REASON] = g_param_spec_string ("finish-reason", NULL, NULL, NULL, flags);
  properties[PROP_PROMPT_TOKENS] = g_param_spec_int64 ("prompt-tokens", NULL, NULL,
                                                       CFAI_UNSET, G_MAXINT64, CFAI_UNSET, flags);
  properties[PROP_COMPLETION_TOKENS] = g_param_spec_int64 ("completion-tokens", NULL, NULL,
                                                           CFAI_UNSET, G_MAXINT64, CFAI_UNSET, flags);
  properties[PROP_CACHED_TOKENS] = g_param_spec_int64 ("cached-tokens", NULL, NULL,
                                                       CFAI_UNSET, G_MAXINT64, CFAI_UNSET, flags);
  properties[PROP_NEURONS] = g_param_spec_double ("neurons", NULL, NULL,
                                                  CFAI_UNSET, G_MAXDOUBLE, CFAI_UNSET, flags);
  properties[PROP_GATEWAY_CACHE_STATUS] = g_param_spec_string ("gateway-cache-status", NULL, NULL,
                                                               NULL, flags);
  properties[PROP_TIME_TO_FIRST_TOKEN_MS] = g_param_spec_int64 ("time-to-first-token-ms", NULL, NULL,
                                                                CFAI_UNSET, G_MAXINT64, CFAI_UNSET,
                                                                flags);
  properties[PROP_TOTAL_MS] = g_param_spec_int64 ("total-ms", NULL, NULL,
                                                  CFAI_UNSET, G_MAXINT64, CFAI_UNSET, flags);
  properties[PROP_TOKENS_PER_SECOND] = g_param_spec_double ("tokens-per-second", NULL, NULL,
                                                            CFAI_UNSET, G_MAXDOUBLE, CFAI_UNSET,
                                                            flags);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, flags);
  properties[PROP_CREATED_AT] = g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_UPDATED_AT] = g_param_spec_int64 ("updated-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_N_ATTACHMENTS] = g_param_spec_uint ("n-attachments", NULL, NULL,
                                                      0, G_MAXUINT, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfai_message_init (CfaiMessage *self)
{
  self->content = g_string_new (NULL);
  self->reasoning = g_string_new (NULL);
  self->attachments = g_ptr_array_new_with_free_func (g_object_unref);
  self->role = CFAI_CHAT_ROLE_USER;
  self->prompt_tokens = CFAI_UNSET;
  self->completion_tokens = CFAI_UNSET;
  self->cached_tokens = CFAI_UNSET;
  self->neurons = CFAI_UNSET;
  self->ttft_ms = CFAI_UNSET;
  self->total_ms = CFAI_UNSET;
  self->tokens_per_second = CFAI_UNSET;
}
