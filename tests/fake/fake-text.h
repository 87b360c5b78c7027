/* fake-text.h — deterministic text answers in every Workers AI shape
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The fixed sentence every answer ends with; it has non-ASCII characters
 * so that split UTF-8 sequences get exercised. */
#define FAKE_TEXT_PANGRAM "The quick brown fox jumps over the lazy dog — naïve café, 日本語."

typedef struct
{
  gint64   max_tokens;
  gboolean reasoning;   /* produce a reasoning part before the answer */
  gboolean think_tags;  /* put it inline, inside <think>…</think> */
  gboolean think_close_only; /* inline, ended by a lone </think>, as models whose
                              * chat template opens <think> in the prompt */
} FakeAnswerOptions;

typedef struct
{
  char       *model;
  char       *id;                /* chatcmpl-… */
  gint64      created;
  GPtrArray  *reasoning;         /* (element-type utf8) pieces sent as reasoning */
  GPtrArray  *content;           /* (element-type utf8) pieces sent as text */
  guint       prompt_tokens;
  guint       completion_tokens;
  const char *finish_reason;     /* "stop" or "length" */
  gboolean    json_mode;
  double      neurons;
  gint64      cached_tokens;     /* -1 when not reported */
  const char *reasoning_field;   /* in chat.completion messages */
} FakeAnswer;

typedef struct
{
  gboolean    workers_ai;        /* /ai/run flavour: padding, running usage, native last event */
  gboolean    include_usage;     /* OpenAI flavour: a last chunk with the usage */
  const char *reasoning_field;   /* "reasoning_content" or "reasoning" */
} FakeChatStreamOptions;

GPtrArray  *fake_text_split               (const char                  *text);
char       *fake_text_last_user_text      (JsonObject                  *body);
guint       fake_text_count_prompt_tokens (JsonObject                  *body);
guint       fake_text_count_message_tokens (JsonObject                 *body,
                                           guint                        n_messages);
char       *fake_text_padding             (void);

FakeAnswer *fake_answer_new               (const char                  *model,
                                           JsonObject                  *body,
                                           const FakeAnswerOptions     *options);
void        fake_answer_free              (FakeAnswer                  *answer);
char       *fake_answer_dup_text          (const FakeAnswer            *answer);
char       *fake_answer_dup_reasoning     (const FakeAnswer            *answer);
JsonNode   *fake_answer_usage             (const FakeAnswer            *answer,
                                           gboolean                     with_neurons);

JsonNode   *fake_answer_native_result     (const FakeAnswer            *answer);
JsonNode   *fake_answer_chat_completion   (const FakeAnswer            *answer);
JsonNode   *fake_answer_responses_result  (const FakeAnswer            *answer);
GPtrArray  *fake_answer_native_events     (const FakeAnswer            *answer);
GPtrArray  *fake_answer_chat_events       (const FakeAnswer            *answer,
                                           const FakeChatStreamOptions *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeAnswer, fake_answer_free)

G_END_DECLS
