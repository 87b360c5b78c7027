/* fake-text.c — deterministic text answers in every Workers AI shape
 *
 * The answer is "You said: <last user text>. " followed by
 * FAKE_TEXT_PANGRAM.  A "token" is a word-ish piece: a run of whitespace
 * plus the word after it.  max_tokens counts those pieces, reasoning
 * included (reasoning models can spend the whole budget thinking, and
 * the fake lets tests see that).  prompt_tokens is the number of pieces
 * in every input text plus 3 per message, a stand-in for the chat
 * template.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fake-text.h"

GPtrArray *
fake_text_split (const char *text)
{
  GPtrArray *pieces = g_ptr_array_new_with_free_func (g_free);
  const char *start = text;
  const char *p = text;

  g_return_val_if_fail (text != NULL, pieces);

  while (*p)
    {
      /* Whitespace belongs to the word after it. */
      while (*p && g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      while (*p && !g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);

      if (p > start)
        g_ptr_array_add (pieces, g_strndup (start, p - start));
      start = p;
    }

  return pieces;
}

static guint
count_pieces (const char *text)
{
  g_autoptr(GPtrArray) pieces = NULL;

  if (text == NULL)
    return 0;

  pieces = fake_text_split (text);
  return pieces->len;
}

/* Text of a message `content`: a string, or the `text` of each part. */
static char *
content_text (JsonNode *content)
{
  GString *out;
  JsonArray *parts;
  guint n;

  if (content == NULL)
    return g_strdup ("");

  if (JSON_NODE_HOLDS_VALUE (content) && json_node_get_value_type (content) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (content));

  out = g_string_new (NULL);
  if (JSON_NODE_HOLDS_OBJECT (content))
    {
      JsonObject *part = json_node_get_object (content);

      if (json_object_has_member (part, "text") &&
          JSON_NODE_HOLDS_VALUE (json_object_get_member (part, "text")))
        g_string_append (out, json_object_get_string_member (part, "text"));
    }
  else if (JSON_NODE_HOLDS_ARRAY (content))
    {
      parts = json_node_get_array (content);
      n = json_array_get_length (parts);
      for (guint i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (parts, i);
          JsonObject *part;
          JsonNode *text;

          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
            {
              g_string_append (out, json_node_get_string (element));
              continue;
            }
          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          part = json_node_get_object (element);
          text = json_object_get_member (part, "text");
          if (text == NULL)
            text = json_object_get_member (part, "content");
          if (text != NULL && JSON_NODE_HOLDS_VALUE (text) &&
              json_node_get_value_type (text) == G_TYPE_STRING)
            {
              if (out->len)
                g_string_append_c (out, ' ');
              g_string_append (out, json_node_get_string (text));
            }
        }
    }

  return g_string_free (out, FALSE);
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

char *
fake_text_last_user_text (JsonObject *body)
{
  JsonArray *messages;
  JsonNode *input;

  g_return_val_if_fail (body != NULL, NULL);

  if ((messages = get_array (body, "messages")) != NULL)
    {
      for (guint i = json_array_get_length (messages); i > 0; i--)
        {
          JsonNode *element = json_array_get_element (messages, i - 1);
          JsonObject *message;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          message = json_node_get_object (element);
          if (g_strcmp0 (get_string (message, "role"), "user") == 0)
            return content_text (json_object_get_member (message, "content"));
        }
      return g_strdup ("");
    }

  if (get_string (body, "prompt") != NULL)
    return g_strdup (get_string (body, "prompt"));

  /* Responses API: a string, or a list of messages. */
  input = json_object_get_member (body, "input");
  if (input != NULL && JSON_NODE_HOLDS_ARRAY (input))
    {
      JsonArray *items = json_node_get_array (input);

      for (guint i = json_array_get_length (items); i > 0; i--)
        {
          JsonNode *element = json_array_get_element (items, i - 1);

          if (JSON_NODE_HOLDS_OBJECT (element) &&
              g_strcmp0 (get_string (json_node_get_object (element), "role"), "user") == 0)
            return content_text (json_object_get_member (json_node_get_object (element), "content"));
        }
      return g_strdup ("");
    }

  return content_text (input);
}

/* The prompt tokens of the first @n_messages of "messages". */
guint
fake_text_count_message_tokens (JsonObject *body,
                                guint       n_messages)
{
  JsonArray *messages = get_array (body, "messages");
  guint total = 0;
  guint n;

  if (messages == NULL)
    return 0;

  n = MIN (n_messages, json_array_get_length (messages));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (messages, i);
      g_autofree char *text = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      text = content_text (json_object_get_member (json_node_get_object (element), "content"));
      total += 3 + count_pieces (text);
    }

  return total;
}

guint
fake_text_count_prompt_tokens (JsonObject *body)
{
  JsonNode *input;
  guint total = 0;

  g_return_val_if_fail (body != NULL, 0);

  if (get_array (body, "messages") != NULL)
    return fake_text_count_message_tokens (body, G_MAXUINT);

  if (get_string (body, "prompt") != NULL)
    return 3 + count_pieces (get_string (body, "prompt"));

  input = json_object_get_member (body, "input");
  if (input != NULL && JSON_NODE_HOLDS_ARRAY (input))
    {
      JsonArray *items = json_node_get_array (input);
      guint n = json_array_get_length (items);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (items, i);
          g_autofree char *text = NULL;

          if (JSON_NODE_HOLDS_OBJECT (element))
            text = content_text (json_object_get_member (json_node_get_object (element), "content"));
          else
            text = content_text (element);
          total += 3 + count_pieces (text);
        }
      return total;
    }

  if (input != NULL)
    {
      g_autofree char *text = content_text (input);

      return 3 + count_pieces (text);
    }

  return 0;
}

char *
fake_text_padding (void)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  int length = g_random_int_range (4, 48);
  char *out = g_malloc (length + 1);

  for (int i = 0; i < length; i++)
    out[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
  out[length] = '\0';

  return out;
}

static gboolean
wants_json (JsonObject *body)
{
  JsonNode *format = json_object_get_member (body, "response_format");
  const char *type;

  if (json_object_has_member (body, "guided_json"))
    return TRUE;
  if (format == NULL || !JSON_NODE_HOLDS_OBJECT (format))
    return FALSE;

  type = get_string (json_node_get_object (format), "type");
  return g_strcmp0 (type, "json_object") == 0 || g_strcmp0 (type, "json_schema") == 0;
}

static void
append_pieces (GPtrArray  *to,
               const char *text)
{
  g_autoptr(GPtrArray) pieces = fake_text_split (text);

  for (guint i = 0; i < pieces->len; i++)
    g_ptr_array_add (to, g_strdup (g_ptr_array_index (pieces, i)));
}

FakeAnswer *
fake_answer_new (const char              *model,
                 JsonObject              *body,
                 const FakeAnswerOptions *options)
{
  g_autoptr(GPtrArray) reasoning = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) content = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *user_text = NULL;
  g_autofree char *answer_text = NULL;
  g_autofree char *reasoning_text = NULL;
  g_autofree char *excerpt = NULL;
  g_autofree char *uuid = NULL;
  FakeAnswer *answer;
  gint64 budget;
  char last;

  g_return_val_if_fail (model != NULL && body != NULL && options != NULL, NULL);

  user_text = fake_text_last_user_text (body);
  g_strstrip (user_text);

  answer = g_new0 (FakeAnswer, 1);
  answer->model = g_strdup (model);
  uuid = g_uuid_string_random ();
  answer->id = g_strdup_printf ("chatcmpl-%.8s%.4s%.4s%.4s%.12s",
                                uuid, uuid + 9, uuid + 14, uuid + 19, uuid + 24);
  answer->created = g_get_real_time () / G_USEC_PER_SEC;
  answer->cached_tokens = -1;
  answer->reasoning_field = "reasoning_content";
  answer->json_mode = wants_json (body);
  answer->prompt_tokens = fake_text_count_prompt_tokens (body);

  last = user_text[0] ? user_text[strlen (user_text) - 1] : '.';
  if (answer->json_mode)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "you_said");
      json_builder_add_string_value (builder, user_text);
      json_builder_set_member_name (builder, "pangram");
      json_builder_add_string_value (builder, FAKE_TEXT_PANGRAM);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      answer_text = json_to_string (node, FALSE);
    }
  else
    answer_text = g_strdup_printf ("You said: %s%s %s", user_text,
                                   strchr (".!?", last) ? "" : ".",
                                   FAKE_TEXT_PANGRAM);

  excerpt = g_utf8_substring (user_text, 0, MIN (g_utf8_strlen (user_text, -1), 60));
  reasoning_text = g_strdup_printf ("The user wrote \"%s\". I will repeat it back and add a pangram.",
                                    excerpt);

  if (options->reasoning && options->think_tags)
    {
      /* Split the tags themselves across events, as real streams do. */
      g_ptr_array_add (content, g_strdup ("<th"));
      g_ptr_array_add (content, g_strdup ("ink>"));
      append_pieces (content, reasoning_text);
      g_ptr_array_add (content, g_strdup ("</th"));
      g_ptr_array_add (content, g_strdup ("ink>"));
      g_ptr_array_add (content, g_strdup ("\n\n"));
    }
  else if (options->reasoning && options->think_close_only)
    {
      g_autofree char *thought = NULL;

      /* DeepSeek-R1-distill and QwQ: the template opened <think> in the
       * prompt, so only the closing tag comes.  Cut it where no tokenizer
       * would, glued to the thinking, with the blank line after it spread
       * over two events. */
      append_pieces (content, reasoning_text);
      thought = g_ptr_array_steal_index (content, content->len - 1);
      g_ptr_array_add (content, g_strconcat (thought, "\n<", NULL));
      g_ptr_array_add (content, g_strdup ("/th"));
      g_ptr_array_add (content, g_strdup ("ink>\n"));
      g_ptr_array_add (content, g_strdup ("\n"));
    }
  else if (options->reasoning)
    append_pieces (reasoning, reasoning_text);
  append_pieces (content, answer_text);

  budget = MAX (options->max_tokens, 0);
  answer->finish_reason = "stop";
  if ((gint64) reasoning->len > budget)
    {
      g_ptr_array_set_size (reasoning, budget);
      g_ptr_array_set_size (content, 0);
      answer->finish_reason = "length";
    }
  else if ((gint64) (reasoning->len + content->len) > budget)
    {
      g_ptr_array_set_size (content, budget - reasoning->len);
      answer->finish_reason = "length";
    }

  answer->completion_tokens = reasoning->len + content->len;
  answer->reasoning = g_steal_pointer (&reasoning);
  answer->content = g_steal_pointer (&content);

  return answer;
}

void
fake_answer_free (FakeAnswer *answer)
{
  if (answer == NULL)
    return;

  g_free (answer->model);
  g_free (answer->id);
  g_clear_pointer (&answer->reasoning, g_ptr_array_unref);
  g_clear_pointer (&answer->content, g_ptr_array_unref);
  g_free (answer);
}

static char *
join_pieces (GPtrArray *pieces)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < pieces->len; i++)
    g_string_append (out, g_ptr_array_index (pieces, i));

  return g_string_free (out, FALSE);
}

char *
fake_answer_dup_text (const FakeAnswer *answer)
{
  return join_pieces (answer->content);
}

char *
fake_answer_dup_reasoning (const FakeAnswer *answer)
{
  return join_pieces (answer->reasoning);
}

static JsonNode *
usage_node (const FakeAnswer *answer,
            guint             completion_tokens,
            gboolean          with_neurons)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, answer->prompt_tokens);
  json_builder_set_member_name (builder, "completion_tokens");
  json_builder_add_int_value (builder, completion_tokens);
  json_builder_set_member_name (builder, "total_tokens");
  json_builder_add_int_value (builder, answer->prompt_tokens + completion_tokens);
  if (answer->cached_tokens >= 0)
    {
      json_builder_set_member_name (builder, "prompt_tokens_details");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "cached_tokens");
      json_builder_add_int_value (builder, answer->cached_tokens);
      json_builder_end_object (builder);
    }
  if (with_neurons)
    {
      json_builder_set_member_name (builder, "neurons");
      json_builder_add_double_value (builder, answer->neurons);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
fake_answer_usage (const FakeAnswer *answer,
                   gboolean          with_neurons)
{
  return usage_node (answer, answer->completion_tokens, with_neurons);
}

JsonNode *
fake_answer_native_result (const FakeAnswer *answer)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = fake_answer_dup_text (answer);
  JsonNode *parsed = NULL;

  /* JSON mode answers an object; a cut answer is no valid JSON, and
   * then the text is all there is. */
  if (answer->json_mode && g_str_equal (answer->finish_reason, "stop"))
    parsed = json_from_string (text, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "response");
  if (parsed != NULL)
    json_builder_add_value (builder, parsed);
  else
    json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "tool_calls");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "usage");
  json_builder_add_value (builder, fake_answer_usage (answer, FALSE));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
fake_answer_chat_completion (const FakeAnswer *answer)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = fake_answer_dup_text (answer);
  g_autofree char *reasoning = fake_answer_dup_reasoning (answer);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, answer->id);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "chat.completion");
  json_builder_set_member_name (builder, "created");
  json_builder_add_int_value (builder, answer->created);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, answer->model);
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "message");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, "assistant");
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, text);
  if (answer->reasoning->len > 0)
    {
      json_builder_set_member_name (builder, answer->reasoning_field);
      json_builder_add_string_value (builder, reasoning);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "logprobs");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "finish_reason");
  json_builder_add_string_value (builder, answer->finish_reason);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "usage");
  json_builder_add_value (builder, fake_answer_usage (answer, FALSE));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
fake_answer_responses_result (const FakeAnswer *answer)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = fake_answer_dup_text (answer);
  g_autofree char *reasoning = fake_answer_dup_reasoning (answer);
  gboolean cut = g_str_equal (answer->finish_reason, "length");
  g_autofree char *id = g_strdup_printf ("resp_%s", answer->id + strlen ("chatcmpl-"));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "response");
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, answer->created);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, answer->model);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, cut ? "incomplete" : "completed");
  json_builder_set_member_name (builder, "incomplete_details");
  if (cut)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, "max_output_tokens");
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "output");
  json_builder_begin_array (builder);
  if (answer->reasoning->len > 0)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "reasoning");
      json_builder_set_member_name (builder, "summary");
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "content");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "reasoning_text");
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, reasoning);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  if (answer->content->len > 0)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "message");
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, "assistant");
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, cut ? "incomplete" : "completed");
      json_builder_set_member_name (builder, "content");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "output_text");
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, text);
      json_builder_set_member_name (builder, "annotations");
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "input_tokens");
  json_builder_add_int_value (builder, answer->prompt_tokens);
  json_builder_set_member_name (builder, "output_tokens");
  json_builder_add_int_value (builder, answer->completion_tokens);
  json_builder_set_member_name (builder, "total_tokens");
  json_builder_add_int_value (builder, answer->prompt_tokens + answer->completion_tokens);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
to_text (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

GPtrArray *
fake_answer_native_events (const FakeAnswer *answer)
{
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) builder = NULL;

  for (guint i = 0; i < answer->content->len; i++)
    {
      g_autofree char *padding = fake_text_padding ();

      builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "response");
      json_builder_add_string_value (builder, g_ptr_array_index (answer->content, i));
      json_builder_set_member_name (builder, "p");
      json_builder_add_string_value (builder, padding);
      json_builder_end_object (builder);
      g_ptr_array_add (events, to_text (builder));
      g_clear_object (&builder);
    }

  {
    g_autofree char *padding = fake_text_padding ();

    builder = json_builder_new ();
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "tool_calls");
    json_builder_begin_array (builder);
    json_builder_end_array (builder);
    json_builder_set_member_name (builder, "p");
    json_builder_add_string_value (builder, padding);
    json_builder_end_object (builder);
    g_ptr_array_add (events, to_text (builder));
    g_clear_object (&builder);
  }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "response");
  json_builder_add_string_value (builder, "");
  json_builder_set_member_name (builder, "usage");
  json_builder_add_value (builder, fake_answer_usage (answer, FALSE));
  json_builder_end_object (builder);
  g_ptr_array_add (events, to_text (builder));

  g_ptr_array_add (events, g_strdup ("[DONE]"));

  return events;
}

typedef enum
{
  DELTA_ROLE,
  DELTA_REASONING,
  DELTA_CONTENT,
  DELTA_FINISH,
} DeltaKind;

static char *
chat_chunk (const FakeAnswer            *answer,
            const FakeChatStreamOptions *options,
            DeltaKind                    kind,
            const char                  *text,
            guint                        tokens_so_far)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, answer->id);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "chat.completion.chunk");
  json_builder_set_member_name (builder, "created");
  json_builder_add_int_value (builder, answer->created);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, answer->model);
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "delta");
  json_builder_begin_object (builder);
  switch (kind)
    {
    case DELTA_ROLE:
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, "assistant");
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, "");
      break;
    case DELTA_REASONING:
      json_builder_set_member_name (builder, options->reasoning_field);
      json_builder_add_string_value (builder, text);
      break;
    case DELTA_CONTENT:
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, text);
      break;
    case DELTA_FINISH:
      break;
    default:
      g_assert_not_reached ();
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "logprobs");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "finish_reason");
  if (kind == DELTA_FINISH)
    json_builder_add_string_value (builder, answer->finish_reason);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);

  if (options->workers_ai)
    {
      g_autofree char *padding = fake_text_padding ();

      json_builder_set_member_name (builder, "p");
      json_builder_add_string_value (builder, padding);
      /* Per-chunk usage counts the tokens so far (vLLM's continuous
       * usage stats); the native event at the end is the total. */
      json_builder_set_member_name (builder, "usage");
      json_builder_add_value (builder, usage_node (answer, tokens_so_far, FALSE));
    }
  json_builder_end_object (builder);

  return to_text (builder);
}

GPtrArray *
fake_answer_chat_events (const FakeAnswer            *answer,
                         const FakeChatStreamOptions *options)
{
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);
  guint tokens = 0;

  g_ptr_array_add (events, chat_chunk (answer, options, DELTA_ROLE, NULL, tokens));
  for (guint i = 0; i < answer->reasoning->len; i++)
    g_ptr_array_add (events, chat_chunk (answer, options, DELTA_REASONING,
                                         g_ptr_array_index (answer->reasoning, i), ++tokens));
  for (guint i = 0; i < answer->content->len; i++)
    g_ptr_array_add (events, chat_chunk (answer, options, DELTA_CONTENT,
                                         g_ptr_array_index (answer->content, i), ++tokens));
  g_ptr_array_add (events, chat_chunk (answer, options, DELTA_FINISH, NULL, tokens));

  if (options->workers_ai)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "response");
      json_builder_add_string_value (builder, "");
      json_builder_set_member_name (builder, "usage");
      json_builder_add_value (builder, fake_answer_usage (answer, TRUE));
      json_builder_end_object (builder);
      g_ptr_array_add (events, to_text (builder));
    }
  else if (options->include_usage)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, answer->id);
      json_builder_set_member_name (builder, "object");
      json_builder_add_string_value (builder, "chat.completion.chunk");
      json_builder_set_member_name (builder, "created");
      json_builder_add_int_value (builder, answer->created);
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, answer->model);
      json_builder_set_member_name (builder, "choices");
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "usage");
      json_builder_add_value (builder, fake_answer_usage (answer, FALSE));
      json_builder_end_object (builder);
      g_ptr_array_add (events, to_text (builder));
    }

  g_ptr_array_add (events, g_strdup ("[DONE]"));

  return events;
}
