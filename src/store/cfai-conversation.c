/* cfai-conversation.c
 *
 * A conversation is cheap until it is opened: the store lists every one
 * with its settings and a message count, and the messages are read only
 * when a page asks for them (cfai_conversation_load_async), newest first so
 * the bottom of a long chat shows after one small query.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "cfai-conversation.h"
#include "cfai-store-private.h"

/* Enough to fill a tall window twice: the page can show the end of the
 * chat before the rest is read. */
#define FIRST_PAGE 50

struct _CfaiConversation
{
  GObject        parent_instance;

  CfaiChatStore *store;            /* unowned: the store clears it in dispose */

  gint64         id;
  char          *title;
  char          *model;
  char          *system_prompt;
  char          *reasoning_effort;
  char          *lora;
  char          *session_key;
  char          *draft;
  gint64         max_tokens;
  double         temperature;
  double         top_p;
  gint64         seed;
  gint64         created_at;
  gint64         updated_at;
  gint64         deleted_at;
  gint64         draft_updated_at;
  guint          n_messages_saved; /* as counted in the file, until loaded */

  GListStore    *messages;
  GPtrArray     *load_waiters;     /* GTask */

  guint64        generation;
  guint64        saved_generation;

  guint          title_is_custom : 1;
  guint          pinned : 1;
  guint          loaded : 1;
  guint          loading : 1;
};

G_DEFINE_FINAL_TYPE (CfaiConversation, cfai_conversation, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_DISPLAY_TITLE,
  PROP_TITLE_IS_CUSTOM,
  PROP_MODEL,
  PROP_SYSTEM_PROMPT,
  PROP_MAX_TOKENS,
  PROP_TEMPERATURE,
  PROP_TOP_P,
  PROP_SEED,
  PROP_REASONING_EFFORT,
  PROP_LORA,
  PROP_SESSION_KEY,
  PROP_PINNED,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_MESSAGE_COUNT,
  PROP_DRAFT,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * cfai_conversation_title_from_text:
 * @text: what the user wrote first
 * @max_chars: the longest title, in characters
 *
 * Runs of white space become one space; a longer text is cut on a word
 * boundary (or inside a word longer than half the title) and ends in "…".
 *
 * Returns: (transfer full): the title, "" for a blank text
 */
char *
cfai_conversation_title_from_text (const char *text,
                                   guint       max_chars)
{
  g_autoptr(GString) flat = g_string_new (NULL);
  const char *cut;
  const char *space = NULL;
  guint n = 0;

  g_return_val_if_fail (max_chars > 1, NULL);

  for (const char *p = text ? text : ""; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          if (flat->len > 0 && flat->str[flat->len - 1] != ' ')
            g_string_append_c (flat, ' ');
        }
      else
        g_string_append_unichar (flat, c);
    }
  if (flat->len > 0 && flat->str[flat->len - 1] == ' ')
    g_string_truncate (flat, flat->len - 1);

  if (g_utf8_strlen (flat->str, -1) <= (glong) max_chars)
    return g_string_free (g_steal_pointer (&flat), FALSE);

  /* Room for the ellipsis. */
  cut = flat->str;
  for (; n < max_chars - 1; n++, cut = g_utf8_next_char (cut))
    if (*cut == ' ')
      space = cut;
  if (*cut == ' ')
    space = cut;

  if (space != NULL && g_utf8_strlen (flat->str, space - flat->str) >= (glong) max_chars / 2)
    cut = space;

  g_string_truncate (flat, cut - flat->str);
  while (flat->len > 0 && strchr (" ,;:.-", flat->str[flat->len - 1]) != NULL)
    g_string_truncate (flat, flat->len - 1);
  g_string_append (flat, "…");

  return g_string_free (g_steal_pointer (&flat), FALSE);
}

static void
cfai_conversation_changed (CfaiConversation *self,
                           GParamSpec       *pspec,
                           gboolean          urgent)
{
  self->generation++;
  g_object_notify_by_pspec (G_OBJECT (self), pspec);

  if (self->store != NULL)
    cfai_chat_store_changed (self->store, G_OBJECT (self), urgent);
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

CfaiConversation *
cfai_conversation_new_from_row (CfaiChatStore       *store,
                                CfaiConversationRow *row)
{
  CfaiConversation *self = g_object_new (CFAI_TYPE_CONVERSATION, NULL);

  self->store = store;
  self->id = row->id;
  self->title = g_steal_pointer (&row->title);
  self->title_is_custom = !!row->title_is_custom;
  self->model = g_steal_pointer (&row->model);
  self->system_prompt = g_steal_pointer (&row->system_prompt);
  self->max_tokens = row->max_tokens;
  self->temperature = row->temperature;
  self->top_p = row->top_p;
  self->seed = row->seed;
  self->reasoning_effort = g_steal_pointer (&row->reasoning_effort);
  self->lora = g_steal_pointer (&row->lora);
  self->session_key = g_steal_pointer (&row->session_key);
  self->pinned = !!row->pinned;
  self->created_at = row->created_at;
  self->updated_at = row->updated_at;
  self->deleted_at = row->deleted_at;
  self->draft = g_steal_pointer (&row->draft);
  self->draft_updated_at = row->draft_updated_at;
  self->n_messages_saved = row->n_messages;

  if (self->title == NULL)
    self->title = g_strdup ("");
  if (self->model == NULL)
    self->model = g_strdup ("");
  if (self->session_key == NULL)
    self->session_key = g_uuid_string_random ();

  return self;
}

CfaiConversationRow *
cfai_conversation_snapshot (CfaiConversation *self)
{
  CfaiConversationRow *row = g_new0 (CfaiConversationRow, 1);

  row->id = self->id;
  row->title = g_strdup (self->title);
  row->title_is_custom = self->title_is_custom;
  row->model = g_strdup (self->model);
  row->system_prompt = g_strdup (self->system_prompt);
  row->max_tokens = self->max_tokens;
  row->temperature = self->temperature;
  row->top_p = self->top_p;
  row->seed = self->seed;
  row->reasoning_effort = g_strdup (self->reasoning_effort);
  row->lora = g_strdup (self->lora);
  row->session_key = g_strdup (self->session_key);
  row->pinned = self->pinned;
  row->created_at = self->created_at;
  row->updated_at = self->updated_at;
  row->deleted_at = self->deleted_at;
  row->draft = g_strdup (self->draft);
  row->draft_updated_at = self->draft_updated_at;

  return row;
}

void
cfai_conversation_row_free (CfaiConversationRow *row)
{
  if (row == NULL)
    return;

  g_free (row->title);
  g_free (row->model);
  g_free (row->system_prompt);
  g_free (row->reasoning_effort);
  g_free (row->lora);
  g_free (row->session_key);
  g_free (row->draft);
  g_free (row);
}

guint64
cfai_conversation_get_generation (CfaiConversation *self)
{
  return self->generation;
}

void
cfai_conversation_mark_saved (CfaiConversation *self,
                              guint64           generation)
{
  self->saved_generation = MAX (self->saved_generation, generation);
}

gboolean
cfai_conversation_is_dirty (CfaiConversation *self)
{
  return self->generation != self->saved_generation;
}

void
cfai_conversation_message_changed (CfaiConversation *self,
                                   CfaiMessage      *message,
                                   gboolean          urgent)
{
  if (self->store != NULL)
    cfai_chat_store_changed (self->store, G_OBJECT (message), urgent);
}

/* Made in this session: nothing to read, everything to write. */
void
cfai_conversation_mark_new (CfaiConversation *self)
{
  self->loaded = TRUE;
  self->generation = 1;
}

/* The store is going away: changes from now on stay in memory. */
void
cfai_conversation_detach (CfaiConversation *self)
{
  self->store = NULL;
}

void
cfai_conversation_set_deleted_at (CfaiConversation *self,
                                  gint64            deleted_at)
{
  if (self->deleted_at == deleted_at)
    return;
  self->deleted_at = deleted_at;
  self->generation++;
  if (self->store != NULL)
    cfai_chat_store_changed (self->store, G_OBJECT (self), TRUE);
}

gint64
cfai_conversation_get_deleted_at (CfaiConversation *self)
{
  return self->deleted_at;
}

/* Returns: (transfer none) (nullable) */
CfaiChatStore *
cfai_conversation_get_store (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), NULL);
  return self->store;
}

gint64
cfai_conversation_get_id (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), 0);
  return self->id;
}

/* Returns: the title, "" until the first user message gives one */
const char *
cfai_conversation_get_title (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), NULL);
  return self->title;
}

/* Returns: the title, or "New Chat" (translated) while there is none */
const char *
cfai_conversation_get_display_title (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), NULL);
  return self->title[0] ? self->title : _("New Chat");
}

gboolean
cfai_conversation_get_title_is_custom (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), FALSE);
  return self->title_is_custom;
}

static void
cfai_conversation_set_title_internal (CfaiConversation *self,
                                      const char       *title,
                                      gboolean          custom)
{
  gboolean custom_changed = self->title_is_custom != custom;

  if (!set_string (&self->title, title ? title : "") && !custom_changed)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  self->title_is_custom = custom;
  cfai_conversation_changed (self, properties[PROP_TITLE], TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_TITLE]);
  if (custom_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE_IS_CUSTOM]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * cfai_conversation_rename:
 * @title: (nullable): the new title; NULL or blank goes back to the
 *   automatic title from the first user message
 */
void
cfai_conversation_rename (CfaiConversation *self,
                          const char       *title)
{
  g_autofree char *clean = NULL;

  g_return_if_fail (CFAI_IS_CONVERSATION (self));

  clean = g_strstrip (g_strdup (title ? title : ""));
  if (clean[0] != '\0')
    {
      cfai_conversation_set_title_internal (self, clean, TRUE);
      return;
    }

  /* Back to automatic: the first user message, if there is one in memory. */
  for (guint i = 0, n = g_list_model_get_n_items (G_LIST_MODEL (self->messages)); i < n; i++)
    {
      g_autoptr(CfaiMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i);

      if (cfai_message_get_role (message) == CFAI_CHAT_ROLE_USER)
        {
          g_autofree char *automatic =
            cfai_conversation_title_from_text (cfai_message_get_content (message),
                                               CFAI_CONVERSATION_TITLE_LENGTH);
          cfai_conversation_set_title_internal (self, automatic, FALSE);
          return;
        }
    }
  cfai_conversation_set_title_internal (self, self->loaded ? "" : self->title, FALSE);
}

#define DEFINE_STRING_SETTING(name, field, PROP)                           \
  const char *                                                             \
  cfai_conversation_get_##name (CfaiConversation *self)                    \
  {                                                                        \
    g_return_val_if_fail (CFAI_IS_CONVERSATION (self), NULL);              \
    return self->field;                                                    \
  }                                                                        \
  void                                                                     \
  cfai_conversation_set_##name (CfaiConversation *self,                    \
                                const char       *value)                   \
  {                                                                        \
    g_return_if_fail (CFAI_IS_CONVERSATION (self));                        \
    if (value != NULL && value[0] == '\0')                                 \
      value = NULL;                                                        \
    if (set_string (&self->field, value))                                  \
      cfai_conversation_changed (self, properties[PROP], TRUE);            \
  }

DEFINE_STRING_SETTING (system_prompt, system_prompt, PROP_SYSTEM_PROMPT)
DEFINE_STRING_SETTING (reasoning_effort, reasoning_effort, PROP_REASONING_EFFORT)
DEFINE_STRING_SETTING (lora, lora, PROP_LORA)

const char *
cfai_conversation_get_model (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), NULL);
  return self->model;
}

void
cfai_conversation_set_model (CfaiConversation *self,
                             const char       *model)
{
  g_return_if_fail (CFAI_IS_CONVERSATION (self));
  g_return_if_fail (model != NULL && model[0] != '\0');

  if (set_string (&self->model, model))
    cfai_conversation_changed (self, properties[PROP_MODEL], TRUE);
}

gint64
cfai_conversation_get_max_tokens (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), 0);
  return self->max_tokens;
}

void
cfai_conversation_set_max_tokens (CfaiConversation *self,
                                  gint64            max_tokens)
{
  g_return_if_fail (CFAI_IS_CONVERSATION (self));
  g_return_if_fail (max_tokens > 0);

  if (self->max_tokens == max_tokens)
    return;
  self->max_tokens = max_tokens;
  cfai_conversation_changed (self, properties[PROP_MAX_TOKENS], TRUE);
}

double
cfai_conversation_get_temperature (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), CFAI_UNSET);
  return self->temperature;
}

/* @temperature: CFAI_UNSET (any negative value) for the model's default */
void
cfai_conversation_set_temperature (CfaiConversation *self,
                                   double            temperature)
{
  g_return_if_fail (CFAI_IS_CONVERSATION (self));

  if (temperature < 0)
    temperature = CFAI_UNSET;
  if (self->temperature == temperature)
    return;
  self->temperature = temperature;
  cfai_conversation_changed (self, properties[PROP_TEMPERATURE], TRUE);
}

double
cfai_conversation_get_top_p (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), CFAI_UNSET);
  return self->top_p;
}

void
cfai_conversation_set_top_p (CfaiConversation *self,
                             double            top_p)
{
  g_return_if_fail (CFAI_IS_CONVERSATION (self));

  if (top_p < 0)
    top_p = CFAI_UNSET;
  if (self->top_p == top_p)
    return;
  self->top_p = top_p;
  cfai_conversation_changed (self, properties[PROP_TOP_P], TRUE);
}

gint64
cfai_conversation_get_seed (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), CFAI_UNSET);
  return self->seed;
}

void
cfai_conversation_set_seed (CfaiConversation *self,
                            gint64            seed)
{
  g_return_if_fail (CFAI_IS_CONVERSATION (self));

  if (seed < 0)
    seed = CFAI_UNSET;
  if (self->seed == seed)
    return;
  self->seed = seed;
  cfai_conversation_changed (self, properties[PROP_SEED], TRUE);
}

/* The x-session-affinity key: stable for the conversation's life, so
 * follow-up turns reach the instance that has the prompt cached. */
const char *
cfai_conversation_get_session_key (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), NULL);
  return self->session_key;
}

gboolean
cfai_conversation_get_pinned (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), FALSE);
  return self->pinned;
}

void
cfai_conversation_set_pinned (CfaiConversation *self,
                              gboolean          pinned)
{
  g_return_if_fail (CFAI_IS_CONVERSATION (self));

  pinned = !!pinned;
  if (self->pinned == (guint) pinned)
    return;
  self->pinned = pinned;
  cfai_conversation_changed (self, properties[PROP_PINNED], TRUE);
  if (self->store != NULL)
    cfai_chat_store_conversation_moved (self->store, self);
}

/* Times are microseconds since the epoch (g_get_real_time). */
gint64
cfai_conversation_get_created_at (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), 0);
  return self->created_at;
}

gint64
cfai_conversation_get_updated_at (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), 0);
  return self->updated_at;
}

guint
cfai_conversation_get_message_count (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), 0);

  if (self->loaded)
    return g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  return MAX (self->n_messages_saved, g_list_model_get_n_items (G_LIST_MODEL (self->messages)));
}

/**
 * cfai_conversation_is_blank:
 * @default_system_prompt: (nullable): the one new chats start with
 *
 * A blank chat holds nothing the user wrote: no message, no draft, no
 * title of their own, no pin, and the system prompt new chats get.  The
 * window reuses it for New Chat and drops it when it is left, so empty
 * "New Chat"s do not pile up; numbers such as the temperature do not
 * count, they are quickly set again.  Works before the messages are
 * loaded (the count is the file's).
 */
gboolean
cfai_conversation_is_blank (CfaiConversation *self,
                            const char       *default_system_prompt)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), FALSE);

  if (default_system_prompt != NULL && *default_system_prompt == '\0')
    default_system_prompt = NULL;
  return cfai_conversation_get_message_count (self) == 0 &&
         self->draft == NULL &&
         !self->title_is_custom &&
         !self->pinned &&
         g_strcmp0 (self->system_prompt, default_system_prompt) == 0;
}

/* Returns: what the composer held, "" for nothing; available before the
 * messages are loaded */
const char *
cfai_conversation_get_draft (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), NULL);
  return self->draft ? self->draft : "";
}

/* Saved within a second, so typing does not write per key press. */
void
cfai_conversation_set_draft (CfaiConversation *self,
                             const char       *text)
{
  g_return_if_fail (CFAI_IS_CONVERSATION (self));

  if (text != NULL && text[0] == '\0')
    text = NULL;
  if (!set_string (&self->draft, text))
    return;
  self->draft_updated_at = g_get_real_time ();
  cfai_conversation_changed (self, properties[PROP_DRAFT], FALSE);
}

/* Returns: (transfer none): a GListModel of CfaiMessage, oldest first */
GListModel *
cfai_conversation_get_messages (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), NULL);
  return G_LIST_MODEL (self->messages);
}

gboolean
cfai_conversation_get_loaded (CfaiConversation *self)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), FALSE);
  return self->loaded;
}

/* A conversation made in this session has nothing to read. */
static void
cfai_conversation_set_loaded (CfaiConversation *self)
{
  guint count_before = self->n_messages_saved;

  self->loaded = TRUE;
  self->loading = FALSE;
  self->n_messages_saved = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
  if (count_before != self->n_messages_saved)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE_COUNT]);
}

static void
cfai_conversation_complete_load (CfaiConversation *self,
                                 const GError     *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->load_waiters);

  self->load_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->loading = FALSE;

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (g_task_return_error_if_cancelled (task))
        continue;
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static void
cfai_conversation_prepend (CfaiConversation *self,
                           GPtrArray        *messages)
{
  for (guint i = 0; i < messages->len; i++)
    cfai_message_set_conversation (g_ptr_array_index (messages, i), self);
  /* At the front: messages added while the rest is read stay last. */
  g_list_store_splice (self->messages, 0, 0, messages->pdata, messages->len);
}

typedef struct
{
  CfaiConversation *conversation;
  GPtrArray        *messages;
} LoadedRest;

static void
loaded_rest_free (gpointer data)
{
  LoadedRest *rest = data;

  g_object_unref (rest->conversation);
  g_ptr_array_unref (rest->messages);
  g_free (rest);
}

static gboolean
prepend_rest_cb (gpointer data)
{
  LoadedRest *rest = data;

  cfai_conversation_prepend (rest->conversation, rest->messages);
  cfai_conversation_set_loaded (rest->conversation);
  cfai_conversation_complete_load (rest->conversation, NULL);
  return G_SOURCE_REMOVE;
}

static void
load_rest_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CfaiConversation) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  LoadedRest *rest;

  messages = cfai_chat_store_load_messages_finish (result, &error);
  if (messages == NULL)
    {
      cfai_conversation_complete_load (self, error);
      return;
    }

  /* Thousands of older messages make whoever shows the list bind and
   * measure rows for them; that waits until the main loop has nothing
   * more urgent (a window's next frame is G_PRIORITY_HIGH_IDLE + 20),
   * so the first page is shown where it belongs before they come. */
  rest = g_new0 (LoadedRest, 1);
  rest->conversation = g_steal_pointer (&self);
  rest->messages = g_steal_pointer (&messages);
  g_idle_add_full (G_PRIORITY_LOW, prepend_rest_cb, rest, loaded_rest_free);
}

static void
load_first_page_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CfaiConversation) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  CfaiMessage *oldest;

  messages = cfai_chat_store_load_messages_finish (result, &error);
  if (messages == NULL)
    {
      cfai_conversation_complete_load (self, error);
      return;
    }

  cfai_conversation_prepend (self, messages);
  if (messages->len < FIRST_PAGE || self->store == NULL)
    {
      cfai_conversation_set_loaded (self);
      cfai_conversation_complete_load (self, NULL);
      return;
    }

  oldest = g_ptr_array_index (messages, 0);
  cfai_chat_store_load_messages (self->store, self, cfai_message_get_id (oldest), -1, NULL,
                                 load_rest_cb, g_object_ref (self));
}

/**
 * cfai_conversation_load_async:
 *
 * Reads the messages into cfai_conversation_get_messages(): the newest
 * page first (the model changes as soon as it is there), then the rest.
 * Completes when all are there.  Cancelling completes the call at once;
 * the reading itself goes on, so the next call finds the messages.
 */
void
cfai_conversation_load_async (CfaiConversation    *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CFAI_IS_CONVERSATION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_conversation_load_async);

  if (self->loaded)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_ptr_array_add (self->load_waiters, g_steal_pointer (&task));
  if (self->loading)
    return;

  if (self->store == NULL)
    {
      cfai_conversation_set_loaded (self);
      cfai_conversation_complete_load (self, NULL);
      return;
    }

  self->loading = TRUE;
  cfai_chat_store_load_messages (self->store, self, G_MAXINT64, FIRST_PAGE, NULL,
                                 load_first_page_cb, g_object_ref (self));
}

gboolean
cfai_conversation_load_finish (CfaiConversation  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_conversation_load_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * cfai_conversation_add_message:
 * @role: who speaks
 * @content: (nullable): the text
 *
 * Appends a complete message after the last one (its parent) and saves it.
 * The first user message names an untitled conversation.  Only on a loaded
 * conversation: the parent must be known.
 *
 * Returns: (transfer none): the message
 */
CfaiMessage *
cfai_conversation_add_message (CfaiConversation *self,
                               CfaiChatRole      role,
                               const char       *content)
{
  g_autoptr(CfaiMessage) message = NULL;
  g_autoptr(CfaiMessage) last = NULL;
  guint n;
  gint64 id;

  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), NULL);
  g_return_val_if_fail (self->loaded, NULL);
  g_return_val_if_fail (role <= CFAI_CHAT_ROLE_TOOL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  if (n > 0)
    last = g_list_model_get_item (G_LIST_MODEL (self->messages), n - 1);

  id = self->store != NULL ? cfai_chat_store_next_message_id (self->store) : (gint64) n + 1;
  message = cfai_message_new (id, self->id, last ? cfai_message_get_id (last) : 0,
                              role, content, CFAI_MESSAGE_STATE_COMPLETE);
  cfai_message_set_conversation (message, self);
  g_list_store_append (self->messages, message);
  self->n_messages_saved = n + 1;

  g_object_freeze_notify (G_OBJECT (self));
  if (role == CFAI_CHAT_ROLE_USER && !self->title_is_custom && self->title[0] == '\0')
    {
      g_autofree char *title = cfai_conversation_title_from_text (content,
                                                                  CFAI_CONVERSATION_TITLE_LENGTH);
      cfai_conversation_set_title_internal (self, title, FALSE);
    }
  self->updated_at = MAX (g_get_real_time (), self->updated_at + 1);
  cfai_conversation_changed (self, properties[PROP_UPDATED_AT], TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE_COUNT]);
  g_object_thaw_notify (G_OBJECT (self));

  if (self->store != NULL)
    {
      cfai_chat_store_changed (self->store, G_OBJECT (message), TRUE);
      cfai_chat_store_conversation_moved (self->store, self);
    }

  return message;
}

/**
 * cfai_conversation_begin_answer:
 *
 * Appends an empty assistant message in state STREAMING, with the model
 * and parameters of the conversation recorded on it, for a stream to
 * append to.  The caller ends it with cfai_message_set_state().
 *
 * Returns: (transfer none): the message
 */
CfaiMessage *
cfai_conversation_begin_answer (CfaiConversation *self)
{
  CfaiMessage *message;
  g_autofree char *params = NULL;

  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), NULL);
  g_return_val_if_fail (self->loaded, NULL);

  message = cfai_conversation_add_message (self, CFAI_CHAT_ROLE_ASSISTANT, NULL);
  params = cfai_conversation_dup_params_json (self);
  g_object_freeze_notify (G_OBJECT (message));
  cfai_message_set_state (message, CFAI_MESSAGE_STATE_STREAMING);
  cfai_message_set_model (message, self->model);
  cfai_message_set_params (message, params);
  g_object_thaw_notify (G_OBJECT (message));

  return message;
}

/**
 * cfai_conversation_begin_retry:
 * @retried: an answer to ask for again, kept as it is
 *
 * Like cfai_conversation_begin_answer(), but the new answer's parent is
 * @retried's (the question both answer), which makes it a sibling that
 * supersedes @retried: cfai_conversation_build_request() sends only the
 * newest answer of a question.  Chats become trees on this next.
 *
 * Returns: (transfer none): the new message
 */
CfaiMessage *
cfai_conversation_begin_retry (CfaiConversation *self,
                               CfaiMessage      *retried)
{
  CfaiMessage *message;

  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), NULL);
  g_return_val_if_fail (CFAI_IS_MESSAGE (retried), NULL);
  g_return_val_if_fail (cfai_message_get_role (retried) == CFAI_CHAT_ROLE_ASSISTANT, NULL);

  message = cfai_conversation_begin_answer (self);
  cfai_message_set_parent_id (message, cfai_message_get_parent_id (retried));
  return message;
}

/* The message's children (the next message, in a linear chat) take its
 * parent, so the chain stays whole. */
void
cfai_conversation_delete_message (CfaiConversation *self,
                                  CfaiMessage      *message)
{
  guint position;
  guint n;

  g_return_if_fail (CFAI_IS_CONVERSATION (self));
  g_return_if_fail (CFAI_IS_MESSAGE (message));

  if (!g_list_store_find (self->messages, message, &position))
    g_return_if_reached ();

  g_object_ref (message);
  g_list_store_remove (self->messages, position);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  for (guint i = position; i < n; i++)
    {
      g_autoptr(CfaiMessage) child = g_list_model_get_item (G_LIST_MODEL (self->messages), i);

      if (cfai_message_get_parent_id (child) == cfai_message_get_id (message))
        cfai_message_set_parent_id (child, cfai_message_get_parent_id (message));
    }
  if (self->n_messages_saved > 0)
    self->n_messages_saved--;

  cfai_message_set_conversation (message, NULL);
  if (self->store != NULL)
    cfai_chat_store_message_deleted (self->store, message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE_COUNT]);
  g_object_unref (message);
}

/**
 * cfai_conversation_dup_params_json:
 *
 * Returns: (transfer full): the request settings as a JSON object, what
 *   cfai_conversation_begin_answer() records on an answer
 */
char *
cfai_conversation_dup_params_json (CfaiConversation *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, self->model);
  if (self->max_tokens > 0)
    {
      json_builder_set_member_name (builder, "max_tokens");
      json_builder_add_int_value (builder, self->max_tokens);
    }
  if (self->temperature >= 0)
    {
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, self->temperature);
    }
  if (self->top_p >= 0)
    {
      json_builder_set_member_name (builder, "top_p");
      json_builder_add_double_value (builder, self->top_p);
    }
  if (self->seed >= 0)
    {
      json_builder_set_member_name (builder, "seed");
      json_builder_add_int_value (builder, self->seed);
    }
  if (self->reasoning_effort != NULL)
    {
      json_builder_set_member_name (builder, "reasoning_effort");
      json_builder_add_string_value (builder, self->reasoning_effort);
    }
  if (self->lora != NULL)
    {
      json_builder_set_member_name (builder, "lora");
      json_builder_add_string_value (builder, self->lora);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/**
 * cfai_conversation_build_request:
 *
 * The request for the next answer: the conversation's model, settings,
 * system prompt and session key, and the history — every user and
 * assistant message with text that is not an error or still streaming
 * (the answer being asked for is), and not an answer that was retried
 * (cfai_conversation_begin_retry()).  Images are the caller's to add: it
 * knows whether the model takes them.
 *
 * Returns: (transfer full): a streaming request
 */
CfaiChatRequest *
cfai_conversation_build_request (CfaiConversation *self)
{
  g_autoptr(CfaiChatRequest) request = NULL;
  g_autoptr(GHashTable) answered = NULL;   /* parent ids with a newer answer */
  g_autoptr(GPtrArray) history = NULL;     /* newest first */
  guint n;

  g_return_val_if_fail (CFAI_IS_CONVERSATION (self), NULL);

  request = cfai_chat_request_new (self->model);
  cfai_chat_request_set_stream (request, TRUE);
  if (self->system_prompt != NULL)
    cfai_chat_request_set_system_prompt (request, self->system_prompt);
  if (self->max_tokens > 0)
    cfai_chat_request_set_max_tokens (request, self->max_tokens);
  if (self->temperature >= 0)
    cfai_chat_request_set_temperature (request, self->temperature);
  if (self->top_p >= 0)
    cfai_chat_request_set_top_p (request, self->top_p);
  if (self->seed >= 0)
    cfai_chat_request_set_seed (request, self->seed);
  if (self->reasoning_effort != NULL)
    cfai_chat_request_set_reasoning_effort (request, self->reasoning_effort);
  if (self->lora != NULL)
    cfai_chat_request_set_lora (request, self->lora);
  cfai_chat_request_set_session_key (request, self->session_key);

  /* Newest first, to know which answers were retried: an assistant
   * message with a later sibling (the same parent) is superseded. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  answered = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  history = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(CfaiMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i - 1);
      CfaiChatRole role = cfai_message_get_role (message);
      CfaiMessageState state = cfai_message_get_state (message);
      gint64 parent = cfai_message_get_parent_id (message);

      if (role == CFAI_CHAT_ROLE_ASSISTANT && parent != 0)
        {
          if (g_hash_table_contains (answered, &parent))
            continue;
          g_hash_table_add (answered, g_memdup2 (&parent, sizeof parent));
        }
      if (role != CFAI_CHAT_ROLE_USER && role != CFAI_CHAT_ROLE_ASSISTANT)
        continue;
      if (state == CFAI_MESSAGE_STATE_ERROR || state == CFAI_MESSAGE_STATE_STREAMING)
        continue;
      if (cfai_message_get_content_length (message) == 0)
        continue;
      g_ptr_array_add (history, g_steal_pointer (&message));
    }
  for (guint i = history->len; i > 0; i--)
    {
      CfaiMessage *message = g_ptr_array_index (history, i - 1);

      cfai_chat_request_add_message (request, cfai_message_get_role (message),
                                     cfai_message_get_content (message));
    }

  return g_steal_pointer (&request);
}

static void
cfai_conversation_dispose (GObject *object)
{
  CfaiConversation *self = CFAI_CONVERSATION (object);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));

  /* A row may still hold a message: it must not call back into us. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CfaiMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i);
      cfai_message_set_conversation (message, NULL);
    }
  g_list_store_remove_all (self->messages);

  G_OBJECT_CLASS (cfai_conversation_parent_class)->dispose (object);
}

static void
cfai_conversation_finalize (GObject *object)
{
  CfaiConversation *self = CFAI_CONVERSATION (object);

  g_clear_object (&self->messages);
  g_clear_pointer (&self->load_waiters, g_ptr_array_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->model, g_free);
  g_clear_pointer (&self->system_prompt, g_free);
  g_clear_pointer (&self->reasoning_effort, g_free);
  g_clear_pointer (&self->lora, g_free);
  g_clear_pointer (&self->session_key, g_free);
  g_clear_pointer (&self->draft, g_free);

  G_OBJECT_CLASS (cfai_conversation_parent_class)->finalize (object);
}

static void
cfai_conversation_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CfaiConversation *self = CFAI_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_int64 (value, self->id); break;
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    case PROP_DISPLAY_TITLE: g_value_set_string (value, cfai_conversation_get_display_title (self)); break;
    case PROP_TITLE_IS_CUSTOM: g_value_set_boolean (value, self->title_is_custom); break;
    case PROP_MODEL: g_value_set_string (value, self->model); break;
    case PROP_SYSTEM_PROMPT: g_value_set_string (value, self->system_prompt); break;
    case PROP_MAX_TOKENS: g_value_set_int64 (value, self->max_tokens); break;
    case PROP_TEMPERATURE: g_value_set_double (value, self->temperature); break;
    case PROP_TOP_P: g_value_set_double (value, self->top_p); break;
    case PROP_SEED: g_value_set_int64 (value, self->seed); break;
    case PROP_REASONING_EFFORT: g_value_set_string (value, self->reasoning_effort); break;
    case PROP_LORA: g_value_set_string (value, self->lora); break;
    case PROP_SESSION_KEY: g_value_set_string (value, self->session_key); break;
    case PROP_PINNED: g_value_set_boolean (value, self->pinned); break;
    case PROP_CREATED_AT: g_value_set_int64 (value, self->created_at); break;
    case PROP_UPDATED_AT: g_value_set_int64 (value, self->updated_at); break;
    case PROP_MESSAGE_COUNT: g_value_set_uint (value, cfai_conversation_get_message_count (self)); break;
    case PROP_DRAFT: g_value_set_string (value, cfai_conversation_get_draft (self)); break;
    case PROP_LOADED: g_value_set_boolean (value, self->loaded); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_conversation_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CfaiConversation *self = CFAI_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_TITLE: cfai_conversation_rename (self, g_value_get_string (value)); break;
    case PROP_MODEL: cfai_conversation_set_model (self, g_value_get_string (value)); break;
    case PROP_SYSTEM_PROMPT: cfai_conversation_set_system_prompt (self, g_value_get_string (value)); break;
    case PROP_MAX_TOKENS: cfai_conversation_set_max_tokens (self, g_value_get_int64 (value)); break;
    case PROP_TEMPERATURE: cfai_conversation_set_temperature (self, g_value_get_double (value)); break;
    case PROP_TOP_P: cfai_conversation_set_top_p (self, g_value_get_double (value)); break;
    case PROP_SEED: cfai_conversation_set_seed (self, g_value_get_int64 (value)); break;
    case PROP_REASONING_EFFORT: cfai_conversation_set_reasoning_effort (self, g_value_get_string (value)); break;
    case PROP_LORA: cfai_conversation_set_lora (self, g_value_get_string (value)); break;
    case PROP_PINNED: cfai_conversation_set_pinned (self, g_value_get_boolean (value)); break;
    case PROP_DRAFT: cfai_conversation_set_draft (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_conversation_class_init (CfaiConversationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = cfai_conversation_dispose;
  object_class->finalize = cfai_conversation_finalize;
  object_class->get_property = cfai_conversation_get_property;
  object_class->set_property = cfai_conversation_set_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  /* Setting it renames (and makes the title custom). */
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, "", rw);
  properties[PROP_DISPLAY_TITLE] = g_param_spec_string ("display-title", NULL, NULL, NULL, ro);
  properties[PROP_TITLE_IS_CUSTOM] = g_param_spec_boolean ("title-is-custom", NULL, NULL, FALSE, ro);
  properties[PROP_MODEL] = g_param_spec_string ("model", NULL, NULL, NULL, rw);
  properties[PROP_SYSTEM_PROMPT] = g_param_spec_string ("system-prompt", NULL, NULL, NULL, rw);
  properties[PROP_MAX_TOKENS] = g_param_spec_int64 ("max-tokens", NULL, NULL,
                                                    0, G_MAXINT64, 0, rw);
  properties[PROP_TEMPERATURE] = g_param_spec_double ("temperature", NULL, NULL,
                                                      CFAI_UNSET, G_MAXDOUBLE, CFAI_UNSET, rw);
  properties[PROP_TOP_P] = g_param_spec_double ("top-p", NULL, NULL,
                                                CFAI_UNSET, G_MAXDOUBLE, CFAI_UNSET, rw);
  properties[PROP_SEED] = g_param_spec_int64 ("seed", NULL, NULL,
                                              CFAI_UNSET, G_MAXINT64, CFAI_UNSET, rw);
  properties[PROP_REASONING_EFFORT] = g_param_spec_string ("reasoning-effort", NULL, NULL, NULL, rw);
  properties[PROP_LORA] = g_param_spec_string ("lora", NULL, NULL, NULL, rw);
  properties[PROP_SESSION_KEY] = g_param_spec_string ("session-key", NULL, NULL, NULL, ro);
  properties[PROP_PINNED] = g_param_spec_boolean ("pinned", NULL, NULL, FALSE, rw);
  properties[PROP_CREATED_AT] = g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_UPDATED_AT] = g_param_spec_int64 ("updated-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_MESSAGE_COUNT] = g_param_spec_uint ("message-count", NULL, NULL,
                                                      0, G_MAXUINT, 0, ro);
  properties[PROP_DRAFT] = g_param_spec_string ("draft", NULL, NULL, "", rw);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfai_conversation_init (CfaiConversation *self)
{
  self->messages = g_list_store_new (CFAI_TYPE_MESSAGE);
  self->load_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->temperature = CFAI_UNSET;
  self->top_p = CFAI_UNSET;
  self->seed = CFAI_UNSET;
}
