/* cfai-stream-decoder.c
 *
 * Decodes the data of Workers AI stream events, in both formats the service
 * speaks (see docs/workers-ai.md):
 *
 *   native:            {"response":"…","p":"…"}, {"tool_calls":[],"p":"…"},
 *                      and last {"response":"","usage":{…}}
 *   chat completions:  {"choices":[{"delta":{"content":"…",
 *                        "reasoning_content"|"reasoning":"…"},
 *                        "finish_reason":…}],"usage":{…},"p":"…"}
 *
 * "p" is padding against a length side channel and is never read.
 *
 * Usage rule.  A chat-completions chunk's usage counts that chunk only,
 * while the native final event (which such streams also end with) carries
 * the totals, so the two must never be added.  Every delta says which kind
 * it carries; cfai_stream_decoder_get_usage() answers the totals: the last
 * native (cumulative) usage if one came, otherwise the last usage seen.
 * An event is native when it has no "choices" member.
 *
 * Some reasoning models write their thinking inline as <think>…</think>.
 * Text between the tags is moved to the reasoning, across events: a tag
 * may arrive in pieces ("<thi" then "nk>").  Only a tail that could still
 * become a tag is held back, and only until the next event says otherwise.
 *
 * Others (DeepSeek-R1-distill, QwQ) have a chat template that already
 * opens <think> in the prompt, so their output is the thinking, a lone
 * </think>, then the answer.  Nothing is held back waiting for a tag that
 * most models never send, so that thinking first goes out as answer text.
 * When a </think> arrives outside <think> and before any <think> of the
 * stream, the delta says text_was_reasoning (the text of all earlier
 * deltas was reasoning), the text of the event before the tag is given as
 * reasoning, the tag is dropped and the rest is text.  Only the first such
 * tag counts: after it, or once a <think> has come, a lone </think> is
 * plain text, as any stray tag always was.  Until then a tail such as
 * "</thi" is held back like "<thi".
 *
 * Whitespace right after a </think>, paired or lone, is dropped, however
 * many events it spans: models write "\n\n" there, and the answer should
 * not start with blank lines.
 *
 * This runs once per token, so the decoder reuses one JsonParser and one
 * delta whose strings keep their memory from event to event.  Every event
 * is read by json-glib: at about 1.5 µs an event (tests/bench-stream.c)
 * it costs a ten-thousandth of the tens of milliseconds between tokens,
 * so a hand-written scanner for the common shapes (there was one until
 * 2026) bought nothing a user could notice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "cfai-error.h"
#include "cfai-json.h"
#include "cfai-stream-decoder.h"

#define THINK_OPEN   "<think>"
#define THINK_CLOSE  "</think>"
#define EXCERPT_MAX  64

struct _CfaiStreamDecoder
{
  JsonParser      *parser;

  CfaiStreamDelta  delta;
  GString         *text;
  GString         *reasoning;
  GString         *finish_reason;

  /* <think> splitting */
  GString         *pending;       /* a tail that may be the start of a tag */
  GString         *work;
  gboolean         in_think;
  gboolean         lone_close;    /* a </think> outside <think> would still end
                                   * thinking that began in the prompt */
  gboolean         trim_answer;   /* after </think>: answer whitespace is dropped */

  CfaiUsageKind    best_kind;
  CfaiUsage        best_usage;
};

static void
emit (CfaiStreamDecoder *self,
      const char        *s,
      gsize              len)
{
  if (self->in_think)
    {
      g_string_append_len (self->reasoning, s, len);
      return;
    }

  if G_UNLIKELY (self->trim_answer)
    {
      while (len > 0 && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t'))
        {
          s++;
          len--;
        }
      if (len == 0)
        return;
      self->trim_answer = FALSE;
    }

  g_string_append_len (self->text, s, len);
}

typedef enum
{
  TAG_NO,
  TAG_PREFIX,   /* the text ends in a proper prefix of the tag */
  TAG_YES,
} TagMatch;

static inline TagMatch
match_tag (const char *s,
           gsize       len,
           const char *tag,
           gsize       tag_len)
{
  if (len >= tag_len)
    return memcmp (s, tag, tag_len) == 0 ? TAG_YES : TAG_NO;
  return memcmp (s, tag, len) == 0 ? TAG_PREFIX : TAG_NO;
}

/* A lone </think>: the text so far was thinking.  What this event gave
 * as text goes to its reasoning here; the caller moves the earlier
 * events' text when it sees the flag. */
static void
reclassify_text (CfaiStreamDecoder *self)
{
  g_string_append_len (self->reasoning, self->text->str, self->text->len);
  g_string_truncate (self->text, 0);
  self->delta.text_was_reasoning = TRUE;
  self->lone_close = FALSE;
}

static void
split_think_tags (CfaiStreamDecoder *self,
                  const char        *s,
                  gsize              len)
{
  const char *p = s;
  const char *end = s + len;

  while (p < end)
    {
      const char *lt = memchr (p, '<', end - p);
      TagMatch open = TAG_NO;
      TagMatch close = TAG_NO;
      gsize rest;

      if (lt == NULL)
        {
          emit (self, p, end - p);
          return;
        }

      emit (self, p, lt - p);
      rest = end - lt;

      if (!self->in_think)
        open = match_tag (lt, rest, THINK_OPEN, strlen (THINK_OPEN));
      if (self->in_think || self->lone_close)
        close = match_tag (lt, rest, THINK_CLOSE, strlen (THINK_CLOSE));

      if (open == TAG_YES)
        {
          self->in_think = TRUE;
          self->lone_close = FALSE;
          p = lt + strlen (THINK_OPEN);
        }
      else if (close == TAG_YES)
        {
          if (!self->in_think)
            reclassify_text (self);
          self->in_think = FALSE;
          self->trim_answer = TRUE;
          p = lt + strlen (THINK_CLOSE);
        }
      else if (open == TAG_PREFIX || close == TAG_PREFIX)
        {
          g_string_append_len (self->pending, lt, rest);
          return;
        }
      else
        {
          emit (self, lt, 1);
          p = lt + 1;
        }
    }
}

static void
add_content (CfaiStreamDecoder *self,
             const char        *s,
             gsize              len)
{
  GString *swap;

  if G_LIKELY (self->pending->len == 0)
    {
      split_think_tags (self, s, len);
      return;
    }

  /* Rare: the last event ended in what might be a tag.  Glue it to this
   * one; the part that still might be a tag lands back in pending. */
  swap = self->work;
  self->work = self->pending;
  self->pending = swap;
  g_string_append_len (self->work, s, len);
  split_think_tags (self, self->work->str, self->work->len);
  g_string_truncate (self->work, 0);
}

static void
flush_pending (CfaiStreamDecoder *self)
{
  if (self->pending->len > 0)
    {
      emit (self, self->pending->str, self->pending->len);
      g_string_truncate (self->pending, 0);
    }
}

static void
read_usage (CfaiStreamDecoder *self,
            JsonNode          *node,
            CfaiUsageKind      kind)
{
  CfaiUsage *usage = &self->delta.usage;
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;

  object = json_node_get_object (node);
  usage->prompt_tokens = MAX (cfai_json_get_count (object, "prompt_tokens"), 0);
  usage->completion_tokens = MAX (cfai_json_get_count (object, "completion_tokens"), 0);
  usage->total_tokens = cfai_json_get_count (object, "total_tokens");
  if (usage->total_tokens < 0)
    usage->total_tokens = usage->prompt_tokens + usage->completion_tokens;

  usage->cached_tokens = cfai_json_get_count (cfai_json_get_object (object, "prompt_tokens_details"),
                                              "cached_tokens");
  /* Workers AI's final event may say what the answer was billed; a
   * negative or missing count means it did not. */
  if (!cfai_json_get_number (object, "neurons", &usage->neurons) || !(usage->neurons >= 0))
    usage->neurons = -1;

  self->delta.usage_kind = kind;

  if (kind == CFAI_USAGE_CUMULATIVE || self->best_kind != CFAI_USAGE_CUMULATIVE)
    {
      self->best_kind = kind;
      self->best_usage = *usage;
    }
}

/* A string is text; JSON mode may answer a number or an object, which the
 * user should still see, so anything else is shown as its JSON. */
static void
read_response (CfaiStreamDecoder *self,
               JsonNode          *node)
{
  g_autofree char *json = NULL;
  const char *str;

  if (JSON_NODE_HOLDS_VALUE (node) && (str = json_node_get_string (node)) != NULL)
    {
      add_content (self, str, strlen (str));
      return;
    }

  if (JSON_NODE_HOLDS_NULL (node))
    return;

  json = json_to_string (node, FALSE);
  add_content (self, json, strlen (json));
}

static void
read_choice (CfaiStreamDecoder *self,
             JsonNode          *choices)
{
  JsonArray *array;
  JsonNode *first;
  JsonObject *choice;
  JsonObject *delta;
  const char *str;

  if (!JSON_NODE_HOLDS_ARRAY (choices))
    return;

  /* We never ask for n > 1, so only the first choice exists. */
  array = json_node_get_array (choices);
  if (json_array_get_length (array) == 0)
    return;
  first = json_array_get_element (array, 0);
  if (!JSON_NODE_HOLDS_OBJECT (first))
    return;
  choice = json_node_get_object (first);

  /* A stream chunk carries "delta", a whole chat completion (the JSON
   * answer to a request, streamed or not) "message", in the same shape. */
  delta = cfai_json_get_object (choice, "delta");
  if (delta == NULL)
    delta = cfai_json_get_object (choice, "message");
  if (delta != NULL)
    {

      /* Providers disagree on the name; none sends both. */
      if ((str = cfai_json_get_string (delta, "reasoning_content")) != NULL ||
          (str = cfai_json_get_string (delta, "reasoning")) != NULL)
        g_string_append (self->reasoning, str);

      if ((str = cfai_json_get_string (delta, "content")) != NULL)
        add_content (self, str, strlen (str));
    }

  if ((str = cfai_json_get_string (choice, "finish_reason")) != NULL)
    {
      g_string_assign (self->finish_reason, str);
      self->delta.finish_reason = self->finish_reason->str;
    }
}

static char *
make_excerpt (const char *data,
              gsize       len)
{
  gsize n = MIN (len, EXCERPT_MAX);
  g_autoptr(GString) escaped = NULL;

  /* Cut on a character boundary and keep the message on one line, with
   * control characters (NUL included) shown as escapes. */
  while (n > 0 && n < len && ((guchar) data[n] & 0xC0) == 0x80)
    n--;

  escaped = g_string_sized_new (n + 8);
  for (gsize i = 0; i < n; i++)
    {
      guchar c = data[i];

      if (c == '\n')
        g_string_append (escaped, "\\n");
      else if (c == '\r')
        g_string_append (escaped, "\\r");
      else if (c == '\t')
        g_string_append (escaped, "\\t");
      else if (c < 0x20 || c == 0x7F)
        g_string_append_printf (escaped, "\\x%02x", c);
      else
        g_string_append_c (escaped, c);
    }

  if (n < len)
    g_string_append (escaped, "…");

  return g_utf8_make_valid (escaped->str, escaped->len);
}

static void
set_protocol_error (GError     **error,
                    const char  *reason,
                    const char  *data,
                    gsize        len)
{
  g_autofree char *excerpt = make_excerpt (data, len);
  /* json-glib may quote the offending byte, which need not be UTF-8. */
  g_autofree char *valid_reason = g_utf8_make_valid (reason, -1);

  g_set_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
               _("The server sent a stream event that could not be read (%s): “%s”"),
               valid_reason, excerpt);
}

/* Workers AI has not been seen to send errors inside a stream, but if it
 * does, they come in the v4 envelope's shape or OpenAI's; saying what the
 * server said beats calling the stream truncated. */
static gboolean
read_error (JsonObject  *root,
            GError     **error)
{
  JsonNode *node;
  const char *message = NULL;

  if ((node = json_object_get_member (root, "errors")) != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      message = cfai_json_get_string (cfai_json_array_get_object (json_node_get_array (node), 0),
                                      "message");
    }
  else if ((node = json_object_get_member (root, "error")) != NULL)
    {
      if (JSON_NODE_HOLDS_OBJECT (node))
        message = cfai_json_get_string (json_node_get_object (node), "message");
      else
        message = cfai_json_get_string (root, "error");
    }
  else
    return TRUE;

  g_set_error (error, CFAI_ERROR, CFAI_ERROR_SERVER,
               _("The server reported an error during the answer: %s"),
               message != NULL ? message : _("no details given"));
  return FALSE;
}

static void
clear_delta (CfaiStreamDecoder *self)
{
  g_string_truncate (self->text, 0);
  g_string_truncate (self->reasoning, 0);
  self->delta.finish_reason = NULL;
  self->delta.usage_kind = CFAI_USAGE_NONE;
  self->delta.done = FALSE;
  self->delta.text_was_reasoning = FALSE;
}

static const CfaiStreamDelta *
seal_delta (CfaiStreamDecoder *self)
{
  self->delta.text = self->text->str;
  self->delta.text_len = self->text->len;
  self->delta.reasoning = self->reasoning->str;
  self->delta.reasoning_len = self->reasoning->len;
  return &self->delta;
}

CfaiStreamDecoder *
cfai_stream_decoder_new (void)
{
  CfaiStreamDecoder *self = g_new0 (CfaiStreamDecoder, 1);

  self->parser = json_parser_new_immutable ();
  json_parser_set_strict (self->parser, TRUE);
  self->text = g_string_sized_new (64);
  self->reasoning = g_string_sized_new (64);
  self->finish_reason = g_string_new (NULL);
  self->pending = g_string_new (NULL);
  self->work = g_string_new (NULL);
  self->lone_close = TRUE;
  self->best_kind = CFAI_USAGE_NONE;
  clear_delta (self);
  seal_delta (self);

  return self;
}

void
cfai_stream_decoder_free (CfaiStreamDecoder *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->parser);
  g_string_free (self->text, TRUE);
  g_string_free (self->reasoning, TRUE);
  g_string_free (self->finish_reason, TRUE);
  g_string_free (self->pending, TRUE);
  g_string_free (self->work, TRUE);
  g_free (self);
}

static const CfaiStreamDelta *decode_object (CfaiStreamDecoder  *self,
                                             JsonObject         *object,
                                             GError            **error);

/**
 * cfai_stream_decoder_decode:
 * @self: a decoder
 * @data: (array length=len): one event's data
 * @len: its length
 * @error: return location for an error
 *
 * Decodes one event.  "[DONE]" sets the delta's done flag and releases any
 * held-back text; an empty event gives an empty delta.
 *
 * Returns: (transfer none): what the event adds, valid until the next call,
 *   or %NULL with %CFAI_ERROR_PROTOCOL if it is not JSON or not an object,
 *   or %CFAI_ERROR_SERVER if it is an error report
 */
const CfaiStreamDelta *
cfai_stream_decoder_decode (CfaiStreamDecoder  *self,
                            const char         *data,
                            gsize               len,
                            GError            **error)
{
  g_autoptr(GError) json_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  clear_delta (self);

  /* An empty event carries nothing, like a comment: not worth failing the
   * whole answer over. */
  if (len == 0)
    return seal_delta (self);

  if (len == strlen ("[DONE]") && memcmp (data, "[DONE]", len) == 0)
    {
      flush_pending (self);
      self->delta.done = TRUE;
      return seal_delta (self);
    }

  if G_UNLIKELY (len > G_MAXSSIZE)
    {
      set_protocol_error (error, _("too large"), data, len);
      return NULL;
    }

  if G_UNLIKELY (!json_parser_load_from_data (self->parser, data, len, &json_error))
    {
      set_protocol_error (error, json_error->message, data, len);
      return NULL;
    }

  root = json_parser_get_root (self->parser);
  if G_UNLIKELY (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_protocol_error (error, _("not a JSON object"), data, len);
      return NULL;
    }

  return decode_object (self, json_node_get_object (root), error);
}

/**
 * cfai_stream_decoder_decode_object:
 * @self: a decoder
 * @object: one event, already parsed: a native result ({"response": …})
 *   or a chat completion, whose choices may carry "message" instead of
 *   "delta"
 *
 * For a JSON answer, which is one object holding what a stream would
 * have spread over its events: decoding it here rather than as text
 * means it is never written out and parsed again.
 *
 * Returns: (transfer none): as cfai_stream_decoder_decode()
 */
const CfaiStreamDelta *
cfai_stream_decoder_decode_object (CfaiStreamDecoder  *self,
                                   JsonObject         *object,
                                   GError            **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (object != NULL, NULL);

  clear_delta (self);
  return decode_object (self, object, error);
}

static const CfaiStreamDelta *
decode_object (CfaiStreamDecoder  *self,
               JsonObject         *object,
               GError            **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;
  JsonNode *choices = NULL;
  JsonNode *response = NULL;
  JsonNode *usage = NULL;
  gboolean tool_calls = FALSE;

  /* One pass over the (two or three) members is cheaper than a hash
   * lookup for each name we might want. */
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    {
      switch (name[0])
        {
        case 'c':
          if (strcmp (name, "choices") == 0)
            choices = node;
          break;
        case 'r':
          if (strcmp (name, "response") == 0)
            response = node;
          break;
        case 't':
          if (strcmp (name, "tool_calls") == 0)
            tool_calls = TRUE;
          break;
        case 'u':
          if (strcmp (name, "usage") == 0)
            usage = node;
          break;
        default:
          break;
        }
    }

  if (choices != NULL)
    {
      read_choice (self, choices);
      read_usage (self, usage, CFAI_USAGE_INCREMENTAL);
    }
  else if (response != NULL || usage != NULL)
    {
      if (response != NULL)
        read_response (self, response);
      read_usage (self, usage, CFAI_USAGE_CUMULATIVE);
    }
  else if (!tool_calls && !read_error (object, error))
    return NULL;

  return seal_delta (self);
}

/**
 * cfai_stream_decoder_finish:
 * @self: a decoder
 *
 * Call at the end of a stream that stopped without [DONE]: releases text
 * held back because it might have started a <think> or </think> tag.
 *
 * Returns: (transfer none): the released text, valid until the next call
 */
const CfaiStreamDelta *
cfai_stream_decoder_finish (CfaiStreamDecoder *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  clear_delta (self);
  flush_pending (self);
  return seal_delta (self);
}

/**
 * cfai_stream_decoder_get_usage:
 * @self: a decoder
 * @usage: (out): the usage of the whole answer so far
 *
 * Returns: the kind of usage stored in @usage: %CFAI_USAGE_CUMULATIVE once
 *   the native final event came, %CFAI_USAGE_INCREMENTAL if only
 *   chat-completions chunks carried usage (then the last one), else
 *   %CFAI_USAGE_NONE and @usage is left alone
 */
CfaiUsageKind
cfai_stream_decoder_get_usage (CfaiStreamDecoder *self,
                               CfaiUsage         *usage)
{
  g_return_val_if_fail (self != NULL, CFAI_USAGE_NONE);
  g_return_val_if_fail (usage != NULL, CFAI_USAGE_NONE);

  if (self->best_kind != CFAI_USAGE_NONE)
    *usage = self->best_usage;

  return self->best_kind;
}

/**
 * cfai_stream_decoder_reset:
 * @self: a decoder
 *
 * Forgets the <think> state (a lone </think> counts again) and the usage,
 * for the next stream.
 */
void
cfai_stream_decoder_reset (CfaiStreamDecoder *self)
{
  g_return_if_fail (self != NULL);

  clear_delta (self);
  seal_delta (self);
  g_string_truncate (self->pending, 0);
  self->in_think = FALSE;
  self->lone_close = TRUE;
  self->trim_answer = FALSE;
  self->best_kind = CFAI_USAGE_NONE;
}
