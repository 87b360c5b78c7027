/* test-stream-decoder.c — CfaiStreamDecoder on both Workers AI stream formats
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "cfai-error.h"
#include "cfai-stream-decoder.h"
#include "cfai-test-home.h"

static const CfaiStreamDelta *
decode (CfaiStreamDecoder *decoder,
        const char        *json)
{
  g_autoptr(GError) error = NULL;
  const CfaiStreamDelta *delta = cfai_stream_decoder_decode (decoder, json, strlen (json), &error);

  g_assert_no_error (error);
  g_assert_nonnull (delta);
  g_assert_cmpuint (strlen (delta->text), ==, delta->text_len);
  g_assert_cmpuint (strlen (delta->reasoning), ==, delta->reasoning_len);
  return delta;
}

static void
assert_usage (const CfaiUsage *usage,
              gint64           prompt,
              gint64           completion,
              gint64           total,
              gint64           cached)
{
  g_assert_cmpint (usage->prompt_tokens, ==, prompt);
  g_assert_cmpint (usage->completion_tokens, ==, completion);
  g_assert_cmpint (usage->total_tokens, ==, total);
  g_assert_cmpint (usage->cached_tokens, ==, cached);
}

static void
test_native (void)
{
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  const CfaiStreamDelta *delta;
  CfaiUsage usage;

  delta = decode (decoder, "{\"response\":\"Hello\",\"p\":\"abdefghijklmn\"}");
  g_assert_cmpstr (delta->text, ==, "Hello");
  g_assert_cmpstr (delta->reasoning, ==, "");
  g_assert_null (delta->finish_reason);
  g_assert_cmpint (delta->usage_kind, ==, CFAI_USAGE_NONE);
  g_assert_false (delta->done);

  delta = decode (decoder, "{\"response\":\" w\\u00f6rld \\\"\\ud83d\\udc4b\\\"\\n\",\"p\":\"x\"}");
  g_assert_cmpstr (delta->text, ==, " wörld \"👋\"\n");

  delta = decode (decoder, "{\"tool_calls\":[],\"p\":\"abdefghijklmnoprstuvxyz1234\"}");
  g_assert_cmpstr (delta->text, ==, "");
  g_assert_cmpint (delta->usage_kind, ==, CFAI_USAGE_NONE);

  delta = decode (decoder, "{\"response\":\"\",\"usage\":{\"prompt_tokens\":169,"
                           "\"completion_tokens\":48,\"total_tokens\":217}}");
  g_assert_cmpstr (delta->text, ==, "");
  g_assert_cmpint (delta->usage_kind, ==, CFAI_USAGE_CUMULATIVE);
  assert_usage (&delta->usage, 169, 48, 217, -1);

  delta = decode (decoder, "[DONE]");
  g_assert_true (delta->done);
  g_assert_cmpstr (delta->text, ==, "");

  g_assert_cmpint (cfai_stream_decoder_get_usage (decoder, &usage), ==, CFAI_USAGE_CUMULATIVE);
  assert_usage (&usage, 169, 48, 217, -1);
}

static void
test_padding_is_not_text (void)
{
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  const CfaiStreamDelta *delta;

  delta = decode (decoder, "{\"p\":\"Hello\"}");
  g_assert_cmpstr (delta->text, ==, "");
  g_assert_cmpstr (delta->reasoning, ==, "");

  /* Padding that looks like a tag must not touch the <think> state. */
  delta = decode (decoder, "{\"response\":\"a\",\"p\":\"<think>\"}");
  g_assert_cmpstr (delta->text, ==, "a");
  delta = decode (decoder, "{\"choices\":[{\"delta\":{\"content\":\"b\"}}],\"p\":\"<thi\"}");
  g_assert_cmpstr (delta->text, ==, "b");
  delta = decode (decoder, "{\"response\":\"c\"}");
  g_assert_cmpstr (delta->text, ==, "c");
  g_assert_cmpstr (delta->reasoning, ==, "");
}

static void
test_response_shapes (void)
{
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  const CfaiStreamDelta *delta;

  g_assert_cmpstr (decode (decoder, "{\"response\":null}")->text, ==, "");
  g_assert_cmpstr (decode (decoder, "{\"response\":42}")->text, ==, "42");
  g_assert_cmpstr (decode (decoder, "{\"response\":-3.5}")->text, ==, "-3.5");
  g_assert_cmpstr (decode (decoder, "{\"response\":true}")->text, ==, "true");
  g_assert_cmpstr (decode (decoder, "{\"response\":[1,\"two\"]}")->text, ==, "[1,\"two\"]");

  /* JSON mode: the answer is an object and must reach the user as JSON. */
  delta = decode (decoder, "{\"response\":{\"name\":\"Ada\",\"age\":36,\"tags\":[\"x\"]},"
                           "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}");
  g_assert_cmpstr (delta->text, ==, "{\"name\":\"Ada\",\"age\":36,\"tags\":[\"x\"]}");
  g_assert_cmpint (delta->usage_kind, ==, CFAI_USAGE_CUMULATIVE);
  /* A missing total is the sum of the parts. */
  assert_usage (&delta->usage, 5, 7, 12, -1);
}

static void
test_chat_completions (void)
{
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  const CfaiStreamDelta *delta;
  CfaiUsage usage;

  delta = decode (decoder, "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":"
                           "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
                           "\"reasoning_content\":\"Let me think.\"},\"finish_reason\":null}],"
                           "\"p\":\"abc\"}");
  g_assert_cmpstr (delta->text, ==, "");
  g_assert_cmpstr (delta->reasoning, ==, "Let me think.");
  g_assert_null (delta->finish_reason);
  g_assert_cmpint (delta->usage_kind, ==, CFAI_USAGE_NONE);

  delta = decode (decoder, "{\"choices\":[{\"delta\":{\"reasoning\":\" Done.\"}}]}");
  g_assert_cmpstr (delta->reasoning, ==, " Done.");

  delta = decode (decoder, "{\"choices\":[{\"delta\":{\"content\":\"Hi \\u2728\"},"
                           "\"finish_reason\":null}],\"usage\":{\"prompt_tokens\":10,"
                           "\"completion_tokens\":1,\"total_tokens\":11,"
                           "\"prompt_tokens_details\":{\"cached_tokens\":8}}}");
  g_assert_cmpstr (delta->text, ==, "Hi ✨");
  g_assert_cmpint (delta->usage_kind, ==, CFAI_USAGE_INCREMENTAL);
  assert_usage (&delta->usage, 10, 1, 11, 8);

  delta = decode (decoder, "{\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}");
  g_assert_cmpstr (delta->finish_reason, ==, "length");
  g_assert_cmpstr (delta->text, ==, "");

  /* finish_reason belongs to one delta only. */
  delta = decode (decoder, "{\"choices\":[]}");
  g_assert_null (delta->finish_reason);

  g_assert_cmpint (cfai_stream_decoder_get_usage (decoder, &usage), ==, CFAI_USAGE_INCREMENTAL);
  assert_usage (&usage, 10, 1, 11, 8);
}

static void
test_usage_rule (void)
{
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  CfaiUsage usage;

  g_assert_cmpint (cfai_stream_decoder_get_usage (decoder, &usage), ==, CFAI_USAGE_NONE);

  decode (decoder, "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],"
                   "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":1,\"total_tokens\":21}}");
  decode (decoder, "{\"choices\":[{\"delta\":{\"content\":\"b\"}}],"
                   "\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":1,\"total_tokens\":1}}");
  g_assert_cmpint (cfai_stream_decoder_get_usage (decoder, &usage), ==, CFAI_USAGE_INCREMENTAL);
  assert_usage (&usage, 0, 1, 1, -1);
  g_assert_cmpfloat (usage.neurons, ==, -1);

  /* The native final event carries the totals: it wins, and is not added to. */
  decode (decoder, "{\"response\":\"\",\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":2,"
                   "\"total_tokens\":22,\"prompt_tokens_details\":{\"cached_tokens\":16},"
                   "\"neurons\":3.5}}");
  g_assert_cmpint (cfai_stream_decoder_get_usage (decoder, &usage), ==, CFAI_USAGE_CUMULATIVE);
  assert_usage (&usage, 20, 2, 22, 16);
  g_assert_cmpfloat (usage.neurons, ==, 3.5);

  /* A chunk's increment arriving late must not replace the totals. */
  decode (decoder, "{\"choices\":[{\"delta\":{}}],\"usage\":{\"prompt_tokens\":0,"
                   "\"completion_tokens\":0,\"total_tokens\":0}}");
  g_assert_cmpint (cfai_stream_decoder_get_usage (decoder, &usage), ==, CFAI_USAGE_CUMULATIVE);
  assert_usage (&usage, 20, 2, 22, 16);

  cfai_stream_decoder_reset (decoder);
  g_assert_cmpint (cfai_stream_decoder_get_usage (decoder, &usage), ==, CFAI_USAGE_NONE);
}

static void
test_done_flushes (void)
{
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  const CfaiStreamDelta *delta;

  delta = decode (decoder, "{\"response\":\"x <thin\"}");
  g_assert_cmpstr (delta->text, ==, "x ");
  delta = decode (decoder, "[DONE]");
  g_assert_true (delta->done);
  g_assert_cmpstr (delta->text, ==, "<thin");

  /* Without [DONE], finish() releases it instead, into the open channel. */
  cfai_stream_decoder_reset (decoder);
  decode (decoder, "{\"response\":\"<think>hmm </thi\"}");
  delta = cfai_stream_decoder_finish (decoder);
  g_assert_false (delta->done);
  g_assert_cmpstr (delta->text, ==, "");
  g_assert_cmpstr (delta->reasoning, ==, "</thi");
}

/* <think> splitting */

/* What a listener does with each delta: text found to be reasoning moves
 * first, then the delta's own pieces are added. */
static void
accumulate (const CfaiStreamDelta *delta,
            GString               *text,
            GString               *reasoning)
{
  if (delta->text_was_reasoning)
    {
      g_string_append_len (reasoning, text->str, text->len);
      g_string_truncate (text, 0);
    }
  g_string_append_len (reasoning, delta->reasoning, delta->reasoning_len);
  g_string_append_len (text, delta->text, delta->text_len);
}

typedef struct
{
  gboolean in_think;
  gboolean lone_close;   /* a </think> outside <think> would still count */
} SplitState;

static void
reference_append_text (GString    *text,
                       const char *s,
                       gsize       len,
                       gboolean   *trim)
{
  if (*trim)
    {
      gsize space = strspn (s, " \n\r\t");

      space = MIN (space, len);
      s += space;
      len -= space;
      if (len > 0)
        *trim = FALSE;
    }
  g_string_append_len (text, s, len);
}

/* A plainly written model of the splitter, working on the whole text at
 * once: look for the next tag with strstr; a lone </think> before any
 * <think> makes all the text so far reasoning, once; whitespace after a
 * </think> is not text. */
static SplitState
reference_split (const char *input,
                 gsize       len,
                 GString    *text,
                 GString    *reasoning)
{
  g_autofree char *copy = g_strndup (input, len);
  SplitState state = { FALSE, TRUE };
  gboolean trim = FALSE;
  const char *p = copy;

  for (;;)
    {
      const char *open = state.in_think ? NULL : strstr (p, "<think>");
      const char *close = state.in_think || state.lone_close ? strstr (p, "</think>") : NULL;
      const char *found = open != NULL && (close == NULL || open < close) ? open : close;

      if (found == NULL)
        {
          if (state.in_think)
            g_string_append (reasoning, p);
          else
            reference_append_text (text, p, strlen (p), &trim);
          return state;
        }

      if (state.in_think)
        g_string_append_len (reasoning, p, found - p);
      else
        reference_append_text (text, p, found - p, &trim);

      if (found == open)
        {
          state.in_think = TRUE;
          state.lone_close = FALSE;
          p = found + strlen ("<think>");
        }
      else
        {
          if (!state.in_think)
            {
              g_string_append (reasoning, text->str);
              g_string_truncate (text, 0);
              state.lone_close = FALSE;
            }
          state.in_think = FALSE;
          trim = TRUE;
          p = found + strlen ("</think>");
        }
    }
}

/* What a streaming splitter may have emitted after input[0:k]: everything
 * but a tail that is still a proper prefix of a tag it is waiting for. */
static void
reference_prefix (const char *input,
                  gsize       k,
                  GString    *text,
                  GString    *reasoning)
{
  gsize held = 0;

  for (gsize j = k; j > 0 && k - (j - 1) < strlen ("</think>"); j--)
    {
      if (input[j - 1] == '<')
        {
          g_autoptr(GString) t = g_string_new (NULL);
          g_autoptr(GString) r = g_string_new (NULL);
          SplitState state = reference_split (input, j - 1, t, r);
          const char *tail = input + j - 1;
          gsize n = k - (j - 1);

          if ((!state.in_think && strncmp (tail, "<think>", n) == 0) ||
              ((state.in_think || state.lone_close) && strncmp (tail, "</think>", n) == 0))
            held = n;
          break;
        }
    }

  reference_split (input, k - held, text, reasoning);
}

/* Answer text as one event of either stream format. */
static char *
content_event (const char *text,
               gsize       len,
               gboolean    chat)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *piece = g_strndup (text, len);
  g_autofree char *quoted = NULL;

  json_node_set_string (node, piece);
  quoted = json_to_string (node, FALSE);
  if (chat)
    return g_strdup_printf ("{\"choices\":[{\"index\":0,\"delta\":{\"content\":%s},"
                            "\"finish_reason\":null}],\"p\":\"abc\"}", quoted);
  return g_strdup_printf ("{\"response\":%s,\"p\":\"abcdefgh\"}", quoted);
}

static void
feed_piece (CfaiStreamDecoder *decoder,
            const char        *input,
            gsize              from,
            gsize              to,
            gboolean           chat,
            GString           *text,
            GString           *reasoning)
{
  g_autofree char *event = content_event (input + from, to - from, chat);

  accumulate (decode (decoder, event), text, reasoning);
}

static void
assert_prefix_output (const char *input,
                      gsize       k,
                      GString    *text,
                      GString    *reasoning)
{
  g_autoptr(GString) want_text = g_string_new (NULL);
  g_autoptr(GString) want_reasoning = g_string_new (NULL);

  reference_prefix (input, k, want_text, want_reasoning);
  g_assert_cmpstr (text->str, ==, want_text->str);
  g_assert_cmpstr (reasoning->str, ==, want_reasoning->str);
}

static const char * const think_samples[] = {
  ("Intro <think>I think 1 < 2, and <b>bold</b> matters; <thin is no tag</think>"
   "The answer: <thinking> stays, </think> too, <think>again</think>! Ünïcode ✓"),
  "<think></think><think>\n</think>\n\nDone <",
  "a<<think>>b</think</think>c",
  /* As DeepSeek-R1-distill and QwQ stream: the <think> was in the prompt. */
  ("Okay, the user asks whether 1 < 2. In code, <b> and </b> are tags, and "
   "</thinking> is no end.\nSo: yes. ✓\n</think>\n\nYes, 1 < 2. A second "
   "</think> is text, and so is <b>this</b>. \n<think>late</think> \n Ünïcode"),
  "</think>\r\n \t",
  "x</th</think> </think>",
  "<<</think>",
  "no tag at all </th",
};

static void
test_think_every_split (void)
{
  for (guint s = 0; s < G_N_ELEMENTS (think_samples); s++)
    {
      const char *input = think_samples[s];
      gsize len = strlen (input);
      g_autoptr(GString) whole_text = g_string_new (NULL);
      g_autoptr(GString) whole_reasoning = g_string_new (NULL);

      reference_split (input, len, whole_text, whole_reasoning);

      for (gsize k = 0; k <= len; k++)
        {
          g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
          g_autoptr(GString) text = g_string_new (NULL);
          g_autoptr(GString) reasoning = g_string_new (NULL);
          const CfaiStreamDelta *delta;

          /* Events carry whole characters: JSON strings are valid UTF-8. */
          if (k < len && ((guchar) input[k] & 0xC0) == 0x80)
            continue;

          feed_piece (decoder, input, 0, k, k % 2 == 1, text, reasoning);
          assert_prefix_output (input, k, text, reasoning);

          feed_piece (decoder, input, k, len, k % 2 == 0, text, reasoning);
          assert_prefix_output (input, len, text, reasoning);

          delta = decode (decoder, "[DONE]");
          g_assert_false (delta->text_was_reasoning);
          accumulate (delta, text, reasoning);
          g_assert_cmpstr (text->str, ==, whole_text->str);
          g_assert_cmpstr (reasoning->str, ==, whole_reasoning->str);
        }
    }
}

static void
test_think_char_by_char (void)
{
  for (guint s = 0; s < G_N_ELEMENTS (think_samples); s++)
    {
      const char *input = think_samples[s];
      gsize len = strlen (input);
      g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GString) reasoning = g_string_new (NULL);
      g_autoptr(GString) whole_text = g_string_new (NULL);
      g_autoptr(GString) whole_reasoning = g_string_new (NULL);
      const CfaiStreamDelta *delta;

      for (const char *p = input; *p != '\0'; p = g_utf8_next_char (p))
        {
          const char *next = g_utf8_next_char (p);

          feed_piece (decoder, input, p - input, next - input, (p - input) % 3 == 0,
                      text, reasoning);
          assert_prefix_output (input, next - input, text, reasoning);
        }

      delta = cfai_stream_decoder_finish (decoder);
      g_assert_false (delta->text_was_reasoning);
      accumulate (delta, text, reasoning);
      reference_split (input, len, whole_text, whole_reasoning);
      g_assert_cmpstr (text->str, ==, whole_text->str);
      g_assert_cmpstr (reasoning->str, ==, whole_reasoning->str);
    }
}

/* Spelled out, so the test does not only agree with its own model. */
static void
test_think_examples (void)
{
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  const CfaiStreamDelta *delta;

  delta = decode (decoder, "{\"response\":\"Hello <\"}");
  g_assert_cmpstr (delta->text, ==, "Hello ");
  delta = decode (decoder, "{\"response\":\"b> a < b <t\"}");
  g_assert_cmpstr (delta->text, ==, "<b> a < b ");
  delta = decode (decoder, "{\"response\":\"able><thi\"}");
  g_assert_cmpstr (delta->text, ==, "<table>");
  delta = decode (decoder, "{\"response\":\"nk>Plan: x</th\"}");
  g_assert_cmpstr (delta->text, ==, "");
  g_assert_cmpstr (delta->reasoning, ==, "Plan: x");
  /* The blank line after the tag does not start the answer. */
  delta = decode (decoder, "{\"response\":\"ink>\\n\\nAnswer\"}");
  g_assert_cmpstr (delta->text, ==, "Answer");
  g_assert_cmpstr (delta->reasoning, ==, "");
  g_assert_false (delta->text_was_reasoning);

  /* Chat-completions content goes through the same splitter. */
  delta = decode (decoder, "{\"choices\":[{\"delta\":{\"content\":\"<think>why\"}}]}");
  g_assert_cmpstr (delta->text, ==, "");
  g_assert_cmpstr (delta->reasoning, ==, "why");
}

/* Thinking whose <think> was in the prompt, ended by a lone </think>. */

static void
test_lone_close_one_event (void)
{
  static const char * const events[] = {
    "{\"response\":\"Plan: 1 < 2.\\n</think>\\n\\nYes.\",\"p\":\"ab\"}",
    "{\"choices\":[{\"delta\":{\"content\":\"Plan: 1 < 2.\\n</think>\\n\\nYes.\"}}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    {
      g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
      const CfaiStreamDelta *delta = decode (decoder, events[i]);

      g_assert_true (delta->text_was_reasoning);
      g_assert_cmpstr (delta->reasoning, ==, "Plan: 1 < 2.\n");
      g_assert_cmpstr (delta->text, ==, "Yes.");

      /* The flag belongs to one delta. */
      delta = decode (decoder, "{\"response\":\" More.\"}");
      g_assert_false (delta->text_was_reasoning);
      g_assert_cmpstr (delta->text, ==, " More.");
    }

  /* Reasoning from the chunk comes before the content of the same chunk,
   * and that content's thinking follows it. */
  {
    g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
    const CfaiStreamDelta *delta;

    delta = decode (decoder, "{\"choices\":[{\"delta\":{\"reasoning_content\":\"R. \","
                             "\"content\":\"C.</think>A\"}}]}");
    g_assert_true (delta->text_was_reasoning);
    g_assert_cmpstr (delta->reasoning, ==, "R. C.");
    g_assert_cmpstr (delta->text, ==, "A");
  }
}

/* Spelled out across events and both formats, as a listener sees it. */
static void
test_lone_close_across_events (void)
{
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) reasoning = g_string_new (NULL);
  const CfaiStreamDelta *delta;

  /* Text goes out at once: most models never send the tag. */
  delta = decode (decoder, "{\"response\":\"Okay, so\",\"p\":\"x\"}");
  g_assert_cmpstr (delta->text, ==, "Okay, so");
  g_assert_false (delta->text_was_reasoning);
  accumulate (delta, text, reasoning);

  /* Only what may still become the tag waits. */
  delta = decode (decoder, "{\"choices\":[{\"delta\":{\"content\":\" 2 > 1.</th\"}}]}");
  g_assert_cmpstr (delta->text, ==, " 2 > 1.");
  g_assert_false (delta->text_was_reasoning);
  accumulate (delta, text, reasoning);

  delta = decode (decoder, "{\"response\":\"ink>\\n\"}");
  g_assert_true (delta->text_was_reasoning);
  g_assert_cmpstr (delta->text, ==, "");
  g_assert_cmpstr (delta->reasoning, ==, "");
  accumulate (delta, text, reasoning);
  g_assert_cmpstr (text->str, ==, "");
  g_assert_cmpstr (reasoning->str, ==, "Okay, so 2 > 1.");

  /* The blank line goes on in the next event. */
  delta = decode (decoder, "{\"choices\":[{\"delta\":{\"content\":\"\\nYes\"}}]}");
  g_assert_cmpstr (delta->text, ==, "Yes");
  accumulate (delta, text, reasoning);

  /* Only the first lone tag counts, and nothing waits for another. */
  delta = decode (decoder, "{\"response\":\", </th\"}");
  g_assert_cmpstr (delta->text, ==, ", </th");
  accumulate (delta, text, reasoning);
  delta = decode (decoder, "{\"response\":\"ink> is a tag\"}");
  g_assert_false (delta->text_was_reasoning);
  g_assert_cmpstr (delta->text, ==, "ink> is a tag");
  accumulate (delta, text, reasoning);

  delta = decode (decoder, "[DONE]");
  accumulate (delta, text, reasoning);
  g_assert_cmpstr (text->str, ==, "Yes, </think> is a tag");
  g_assert_cmpstr (reasoning->str, ==, "Okay, so 2 > 1.");

  /* A new stream may have its own. */
  cfai_stream_decoder_reset (decoder);
  delta = decode (decoder, "{\"response\":\"Hmm</think>Ok\"}");
  g_assert_true (delta->text_was_reasoning);
  g_assert_cmpstr (delta->reasoning, ==, "Hmm");
  g_assert_cmpstr (delta->text, ==, "Ok");
}

static void
test_lone_close_is_text (void)
{
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  const CfaiStreamDelta *delta;

  /* After a real pair, a lone </think> is text. */
  delta = decode (decoder, "{\"response\":\"<think>x</think>A </think> B\"}");
  g_assert_false (delta->text_was_reasoning);
  g_assert_cmpstr (delta->reasoning, ==, "x");
  g_assert_cmpstr (delta->text, ==, "A </think> B");

  /* So is a second lone one. */
  cfai_stream_decoder_reset (decoder);
  delta = decode (decoder, "{\"response\":\"r</think>A</think>B\"}");
  g_assert_true (delta->text_was_reasoning);
  g_assert_cmpstr (delta->reasoning, ==, "r");
  g_assert_cmpstr (delta->text, ==, "A</think>B");
  delta = decode (decoder, "{\"response\":\"</think>C\"}");
  g_assert_false (delta->text_was_reasoning);
  g_assert_cmpstr (delta->text, ==, "</think>C");

  /* A <think> after the lone tag still opens reasoning. */
  delta = decode (decoder, "{\"response\":\"<think>more</think>D\"}");
  g_assert_cmpstr (delta->reasoning, ==, "more");
  g_assert_cmpstr (delta->text, ==, "D");
}

static void
test_no_close_tag (void)
{
  static const char * const pieces[] = {
    "Closing tags: </b>, </", "thinking>, </think", "ing> and </th",
  };
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) reasoning = g_string_new (NULL);
  const CfaiStreamDelta *delta;

  for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      g_autofree char *event = content_event (pieces[i], strlen (pieces[i]), i % 2 == 1);

      delta = decode (decoder, event);
      g_assert_false (delta->text_was_reasoning);
      accumulate (delta, text, reasoning);
    }

  /* The stream was cut: what was held back is text. */
  delta = cfai_stream_decoder_finish (decoder);
  g_assert_false (delta->text_was_reasoning);
  accumulate (delta, text, reasoning);
  g_assert_cmpstr (text->str, ==, "Closing tags: </b>, </thinking>, </thinking> and </th");
  g_assert_cmpstr (reasoning->str, ==, "");
}

static void
test_whitespace_after_close (void)
{
  static const struct {
    const char *pieces[4];
    const char *text;
    const char *reasoning;
  } cases[] = {
    { { "r</think>", " ", "\r\n\t\n", " A  b\n\n c " }, "A  b\n\n c ", "r" },
    { { "<think>r</think>\n", "\n", "Answer\n", NULL }, "Answer\n", "r" },
    { { "r</think>\n\n", NULL }, "", "r" },
    /* Only after the tag: text before it keeps its blank lines. */
    { { "\n\n<think>r", "</think>\n\nA", NULL }, "\n\nA", "r" },
    { { "\n\nA", NULL }, "\n\nA", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GString) reasoning = g_string_new (NULL);

      for (guint j = 0; j < G_N_ELEMENTS (cases[i].pieces) && cases[i].pieces[j] != NULL; j++)
        {
          g_autofree char *event = content_event (cases[i].pieces[j], strlen (cases[i].pieces[j]),
                                                  j % 2 == 1);

          accumulate (decode (decoder, event), text, reasoning);
        }
      accumulate (decode (decoder, "[DONE]"), text, reasoning);

      g_assert_cmpstr (text->str, ==, cases[i].text);
      g_assert_cmpstr (reasoning->str, ==, cases[i].reasoning);
    }
}

static void
assert_decode_error (CfaiStreamDecoder *decoder,
                     const char        *data,
                     gsize              len,
                     int                code,
                     const char        *in_message)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (cfai_stream_decoder_decode (decoder, data, len, &error));
  g_assert_error (error, CFAI_ERROR, code);
  if (in_message != NULL && strstr (error->message, in_message) == NULL)
    g_error ("“%s” is not in the error “%s”", in_message, error->message);
}

static void
test_invalid (void)
{
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  const char with_nul[] = "{\"response\":\"a\0b\"}";
  const char *s;

  s = "{\"response\":\"Hi\"";
  assert_decode_error (decoder, s, strlen (s), CFAI_ERROR_PROTOCOL, "{\"response\":\"Hi\"");
  s = "data: {\"response\":\"Hi\"}";
  assert_decode_error (decoder, s, strlen (s), CFAI_ERROR_PROTOCOL, "data: {");
  s = "\"just a string\"";
  assert_decode_error (decoder, s, strlen (s), CFAI_ERROR_PROTOCOL, "just a string");
  s = "[1,2]";
  assert_decode_error (decoder, s, strlen (s), CFAI_ERROR_PROTOCOL, "[1,2]");
  s = "{\"response\":\"\xff\xfe\"}";
  assert_decode_error (decoder, s, strlen (s), CFAI_ERROR_PROTOCOL, NULL);
  assert_decode_error (decoder, with_nul, sizeof with_nul - 1, CFAI_ERROR_PROTOCOL, NULL);
  s = "[DONE] ";
  assert_decode_error (decoder, s, strlen (s), CFAI_ERROR_PROTOCOL, NULL);
  s = "   ";
  assert_decode_error (decoder, s, strlen (s), CFAI_ERROR_PROTOCOL, NULL);

  /* json-glib's own message can quote half a character; ours stays UTF-8
   * (found by fuzz-stream-decoder). */
  {
    g_autoptr(GError) error = NULL;

    s = "{\"response\":\"nk>answer <b> < </think<\xef\xbf\xbd\xef\xbf\xbd>\"kG}";
    g_assert_null (cfai_stream_decoder_decode (decoder, s, strlen (s), &error));
    g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
    g_assert_true (g_utf8_validate (error->message, -1, NULL));
  }

  /* The excerpt is short and stays on one line. */
  {
    g_autoptr(GString) long_event = g_string_new ("{\"response\":\"line\\n");
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < 100; i++)
      g_string_append (long_event, "ééééé\n");
    g_assert_null (cfai_stream_decoder_decode (decoder, long_event->str, long_event->len,
                                               &error));
    g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
    g_assert_null (strchr (error->message, '\n'));
    g_assert_cmpuint (g_utf8_strlen (error->message, -1), <, 250);
    g_assert_true (g_utf8_validate (error->message, -1, NULL));
    g_assert_nonnull (strstr (error->message, "…"));
  }

  /* An empty event is no error, just nothing. */
  g_assert_cmpstr (decode (decoder, "")->text, ==, "");
  g_assert_cmpstr (cfai_stream_decoder_decode (decoder, NULL, 0, NULL)->text, ==, "");

  /* Errors leave the decoder usable. */
  g_assert_cmpstr (decode (decoder, "{\"response\":\"fine\"}")->text, ==, "fine");
}

static void
test_error_event (void)
{
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  const char *s;

  s = "{\"errors\":[{\"code\":3040,\"message\":\"Capacity temporarily exceeded\"}],"
      "\"success\":false}";
  assert_decode_error (decoder, s, strlen (s), CFAI_ERROR_SERVER, "Capacity temporarily exceeded");
  s = "{\"error\":{\"message\":\"Model overloaded\",\"type\":\"server_error\"}}";
  assert_decode_error (decoder, s, strlen (s), CFAI_ERROR_SERVER, "Model overloaded");
  s = "{\"error\":\"boom\"}";
  assert_decode_error (decoder, s, strlen (s), CFAI_ERROR_SERVER, "boom");

  /* An object we do not know, without an error in it, is just empty. */
  g_assert_cmpstr (decode (decoder, "{\"something\":\"new\"}")->text, ==, "");
}

/* Strings and shapes of events.  The decoder once read the common native
 * shapes with a scanner of its own and these tests compared it with
 * json-glib; the scanner is gone, and the results it had to match are
 * what these tests still check. */

/* Returns the text of @data's delta, or NULL when decoding failed. */
static char *
decode_text (const char *data,
             gsize       len)
{
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  g_autoptr(GError) error = NULL;
  const CfaiStreamDelta *delta;

  g_test_message ("event: %.*s", (int) len, data);
  delta = cfai_stream_decoder_decode (decoder, data, len, &error);
  if (delta == NULL)
    {
      g_assert_nonnull (error);
      return NULL;
    }

  g_assert_no_error (error);
  g_assert_cmpuint (strlen (delta->text), ==, delta->text_len);
  return g_strndup (delta->text, delta->text_len);
}

static void
assert_text (const char *json,
             const char *want_text)
{
  g_autofree char *text = decode_text (json, strlen (json));

  g_assert_cmpstr (text, ==, want_text);
}

/* @want_text NULL for an error. */
static void
assert_text_len (const char *data,
                 gsize       len,
                 const char *want_text)
{
  g_autofree char *text = decode_text (data, len);

  g_assert_cmpstr (text, ==, want_text);
}

static void
test_string_escapes (void)
{
  assert_text ("{\"response\":\"\",\"p\":\"x\"}", "");
  assert_text ("{\"response\":\"plain text\",\"p\":\"x\"}", "plain text");
  assert_text ("{\"response\":\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"}",
               "a\"b\\c/d\be\ff\ng\rh\ti");
  assert_text ("{\"response\":\"\\\\\\\"\"}", "\\\"");
  assert_text ("{\"response\":\"caf\\u00e9 \\u20AC \\u0041\\u007f\\uffff\"}",
               "café € A\x7f\xef\xbf\xbf");
  /* Outside the BMP: surrogate pairs, in either case, up to U+10FFFF. */
  assert_text ("{\"response\":\"\\ud83d\\ude80 \\uD83D\\uDC4B \\udbff\\udfff\"}",
               "🚀 👋 \xf4\x8f\xbf\xbf");
  /* Raw UTF-8, also next to escapes. */
  assert_text ("{\"response\":\"中文\\n日本語 ✓ 👋\\t\\u00e9é\"}", "中文\n日本語 ✓ 👋\téé");
  /* DEL is no control character to JSON. */
  assert_text ("{\"response\":\"a\x7f\"}", "a\x7f");
  /* Escapes in the padding are skipped, not read as its end. */
  assert_text ("{\"p\":\"a\\\"b\\\\\\u0041\\ud83d\\ude80\\\"\",\"response\":\"Hi\"}", "Hi");
}

static void
test_native_members (void)
{
  assert_text ("{\"response\":\"Hi\",\"p\":\"abc\"}", "Hi");
  assert_text ("{\"p\":\"abc\",\"response\":\"Hi\"}", "Hi");
  assert_text ("{\"response\":\"Hi\"}", "Hi");
  assert_text ("{\"p\":\"Hello\"}", "");
  assert_text ("{}", "");
  assert_text ("{ }", "");
  assert_text ("{\"tool_calls\":[],\"p\":\"abc\"}", "");
  assert_text ("{\"p\":\"abc\",\"tool_calls\":[ ]}", "");
  assert_text ("{\"tool_calls\":[],\"response\":\"Hi\",\"p\":\"a\"}", "Hi");
  assert_text (" \t\r\n{ \"response\" :\n\"Hi\" ,\t\"p\" : \"\\\"}\" } \r\n", "Hi");
  assert_text ("{\"response\":\"<think>\",\"p\":\"</think>\"}", "");
}

static void
test_unusual_events (void)
{
  static const char with_nul[] = "{\"response\":\"a\"}\0";
  static const char nul_in_string[] = "{\"response\":\"a\0b\"}";

  /* Strings JSON readers disagree on: surrogates not in pairs… */
  assert_text ("{\"response\":\"\\ud83d\"}", NULL);
  assert_text ("{\"response\":\"\\ud83dx\"}", NULL);
  assert_text ("{\"response\":\"\\ud83d\\u0041\"}", NULL);
  assert_text ("{\"response\":\"\\ud83d\\ud83d\"}", NULL);
  assert_text ("{\"response\":\"\\udc4b\"}", NULL);
  assert_text ("{\"response\":\"\\udc4b\\ud83d\"}", NULL);
  assert_text ("{\"response\":\"\\ud83d\\n\"}", NULL);
  /* …U+0000, which json-glib keeps and the decoder cuts at… */
  assert_text ("{\"response\":\"a\\u0000b\"}", "a");
  /* …malformed escapes… */
  assert_text ("{\"response\":\"\\u00e\"}", NULL);
  assert_text ("{\"response\":\"\\u00g0\"}", NULL);
  assert_text ("{\"response\":\"\\x41\"}", NULL);
  assert_text ("{\"response\":\"\\'\"}", NULL);
  assert_text ("{\"response\":\"\\101\"}", NULL);
  assert_text ("{\"response\":\"a\\\"}", NULL);
  /* …raw control characters, some of which json-glib takes… */
  assert_text ("{\"response\":\"a\x01" "b\"}", "a\x01" "b");
  assert_text ("{\"response\":\"a\x1f\"}", "a\x1f");
  assert_text ("{\"response\":\"a\nb\"}", NULL);
  assert_text ("{\"response\":\"a\tb\"}", NULL);
  assert_text ("{\"p\":\"a\x01\",\"response\":\"b\"}", "b");
  assert_text_len (nul_in_string, sizeof nul_in_string - 1, NULL);
  /* …and bytes that are not UTF-8, in the text or in the padding. */
  assert_text ("{\"response\":\"\xff\"}", NULL);
  assert_text ("{\"response\":\"\xc3\"}", NULL);
  assert_text ("{\"response\":\"\xc0\xaf\"}", NULL);
  assert_text ("{\"response\":\"\xed\xa0\x80\"}", NULL);
  assert_text ("{\"response\":\"\xf4\x90\x80\x80\"}", NULL);
  assert_text ("{\"response\":\"a\",\"p\":\"\xe2\x82\"}", NULL);

  /* Members it does not know, twice, or of another type. */
  assert_text ("{\"response\":\"a\",\"response\":\"b\"}", "b");
  assert_text ("{\"p\":\"a\",\"response\":\"b\",\"p\":\"c\"}", "b");
  assert_text ("{\"tool_calls\":[],\"tool_calls\":[]}", "");
  assert_text ("{\"response\":\"\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}", "");
  assert_text ("{\"response\":\"a\",\"id\":1}", "a");
  assert_text ("{\"error\":\"boom\"}", NULL);
  assert_text ("{\"p\":\"x\",\"errors\":[{\"message\":\"no\"}]}", NULL);
  assert_text ("{\"choices\":[{\"delta\":{\"content\":\"c\"}}],\"p\":\"x\"}", "c");
  assert_text ("{\"response\":42,\"p\":\"x\"}", "42");
  assert_text ("{\"response\":null}", "");
  assert_text ("{\"response\":{\"a\":\"b\"}}", "{\"a\":\"b\"}");
  assert_text ("{\"p\":1,\"response\":\"a\"}", "a");
  assert_text ("{\"tool_calls\":[{\"name\":\"f\"}],\"p\":\"x\"}", "");
  assert_text ("{\"tool_calls\":{},\"p\":\"x\"}", "");
  assert_text ("{\"respons\\u0065\":\"a\"}", "a");
  assert_text ("{\"\\u0070\":\"x\",\"response\":\"a\"}", "a");
  assert_text ("{\"Response\":\"a\"}", "");

  /* Anything that is not one flat, whole, lone object. */
  assert_text ("{\"response\":\"a\"}x", NULL);
  assert_text ("{\"response\":\"a\"}}", NULL);
  assert_text ("{\"response\":\"a\"},", NULL);
  assert_text ("{\"response\":\"a\"}{}", NULL);
  assert_text ("{\"response\":\"a\"}\f", NULL);
  assert_text_len (with_nul, sizeof with_nul - 1, NULL);
  assert_text ("{\"response\":\"a\",}", NULL);
  assert_text ("{\"response\":\"a\",,\"p\":\"b\"}", NULL);
  assert_text ("{,}", NULL);
  assert_text ("{\"response\":\"a\" \"p\":\"b\"}", NULL);
  assert_text ("{\"response\" \"a\"}", NULL);
  assert_text ("{\"response\":\"a\"", NULL);
  assert_text ("{\"response\":\"a", NULL);
  assert_text ("{\"response\":", NULL);
  assert_text ("{\"response\"", NULL);
  assert_text ("{\"tool_calls\":[", NULL);
  assert_text ("{", NULL);
  assert_text ("\xef\xbb\xbf{\"response\":\"a\"}", "a");
  assert_text ("[{\"response\":\"a\"}]", NULL);
  assert_text ("\"response\"", NULL);
  assert_text (" ", NULL);
}

/* Native events and chat-completions chunks through one decoder: the
 * <think> state and held-back text carry across both. */
static void
test_think_across_shapes (void)
{
  static const char * const events[] = {
    "{\"response\":\"Hi <thi\",\"p\":\"x\"}",
    "{\"response\":\"nk>plan\\u0000cut\"}",
    "{\"response\":\" more </th\",\"p\":\"<think>\"}",
    "{\"choices\":[{\"delta\":{\"content\":\"ink>An\"}}]}",
    "{\"p\":\"y\",\"response\":\"swer <\"}",
    "{\"response\":\"\",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}",
    "[DONE]",
  };
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) reasoning = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    {
      const CfaiStreamDelta *delta = decode (decoder, events[i]);

      g_string_append (text, delta->text);
      g_string_append (reasoning, delta->reasoning);
    }

  g_assert_cmpstr (text->str, ==, "Hi Answer <");
  g_assert_cmpstr (reasoning->str, ==, "plan more ");
}

/* The same with a lone </think>, its tail held back by one shape and
 * completed by the other. */
static void
test_lone_close_across_shapes (void)
{
  static const char * const events[] = {
    "{\"response\":\"Thinking <\",\"p\":\"x\"}",
    "{\"response\":\"/th\",\"id\":1}",
    "{\"p\":\"y\",\"response\":\"ink>\\n\"}",
    "{\"choices\":[{\"delta\":{\"content\":\"\\nAnswer </think>\"}}]}",
    "{\"response\":\"\",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}",
    "[DONE]",
  };
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) reasoning = g_string_new (NULL);
  guint n_reclassified = 0;

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    {
      const CfaiStreamDelta *delta = decode (decoder, events[i]);

      n_reclassified += delta->text_was_reasoning;
      accumulate (delta, text, reasoning);
    }

  g_assert_cmpuint (n_reclassified, ==, 1);
  g_assert_cmpstr (text->str, ==, "Answer </think>");
  g_assert_cmpstr (reasoning->str, ==, "Thinking ");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cfai_test_isolate_home ("cfai-test-stream-decoder");

  g_test_add_func ("/stream-decoder/native", test_native);
  g_test_add_func ("/stream-decoder/padding-is-not-text", test_padding_is_not_text);
  g_test_add_func ("/stream-decoder/response-shapes", test_response_shapes);
  g_test_add_func ("/stream-decoder/chat-completions", test_chat_completions);
  g_test_add_func ("/stream-decoder/usage-rule", test_usage_rule);
  g_test_add_func ("/stream-decoder/done-flushes", test_done_flushes);
  g_test_add_func ("/stream-decoder/think/every-split", test_think_every_split);
  g_test_add_func ("/stream-decoder/think/char-by-char", test_think_char_by_char);
  g_test_add_func ("/stream-decoder/think/examples", test_think_examples);
  g_test_add_func ("/stream-decoder/think/lone-close-one-event", test_lone_close_one_event);
  g_test_add_func ("/stream-decoder/think/lone-close-across-events", test_lone_close_across_events);
  g_test_add_func ("/stream-decoder/think/lone-close-is-text", test_lone_close_is_text);
  g_test_add_func ("/stream-decoder/think/no-close-tag", test_no_close_tag);
  g_test_add_func ("/stream-decoder/think/whitespace-after-close", test_whitespace_after_close);
  g_test_add_func ("/stream-decoder/invalid", test_invalid);
  g_test_add_func ("/stream-decoder/error-event", test_error_event);
  g_test_add_func ("/stream-decoder/strings/escapes", test_string_escapes);
  g_test_add_func ("/stream-decoder/native-members", test_native_members);
  g_test_add_func ("/stream-decoder/strings/unusual", test_unusual_events);
  g_test_add_func ("/stream-decoder/think/across-shapes", test_think_across_shapes);
  g_test_add_func ("/stream-decoder/think/lone-close-across-shapes",
                   test_lone_close_across_shapes);

  return g_test_run ();
}
