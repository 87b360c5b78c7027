/* cfai-model-names.c — readable names and authors from model ids
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The catalog gives no display name, and the picker should not show
 * "@cf/meta/llama-3.3-70b-instruct-fp8-fast" as a title; these rules make
 * one from the id that reads the way the model's makers write it.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cfai-model.h"

/* How the makers write their names; ids only have a lower-case slug. */
static const struct
{
  const char *slug;
  const char *name;
} author_names[] = {
  { "baai", "BAAI" },
  { "black-forest-labs", "Black Forest Labs" },
  { "bytedance", "ByteDance" },
  { "deepseek-ai", "DeepSeek" },
  { "google", "Google" },
  { "ibm-granite", "IBM Granite" },
  { "leonardo", "Leonardo.Ai" },
  { "meta", "Meta" },
  { "meta-llama", "Meta" },
  { "mistral", "Mistral AI" },
  { "mistralai", "Mistral AI" },
  { "moonshotai", "Moonshot AI" },
  { "nvidia", "NVIDIA" },
  { "openai", "OpenAI" },
  { "qwen", "Qwen" },
  { "stabilityai", "Stability AI" },
  { "thebloke", "TheBloke" },
  { "zai-org", "Z.ai" },
};

/* Words whose usual spelling no general rule produces. */
static const struct
{
  const char *word;
  const char *spelling;
} word_spellings[] = {
  { "awq",      "AWQ" },
  { "bge",      "BGE" },
  { "deepseek", "DeepSeek" },
  { "glm",      "GLM" },
  { "gpt",      "GPT" },
  { "gptq",     "GPTQ" },
  { "int4",     "INT4" },
  { "int8",     "INT8" },
  { "it",       "IT" },
  { "lcm",      "LCM" },
  { "llava",    "LLaVA" },
  { "lora",     "LoRA" },
  { "oss",      "OSS" },
  { "qwq",      "QwQ" },
  { "sdxl",     "SDXL" },
  { "tts",      "TTS" },
  { "vl",       "VL" },
  { "xl",       "XL" },
};

static gboolean
is_number_word (const char *word)
{
  gboolean digit = FALSE;

  for (const char *p = word; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digit = TRUE;
      else if (*p != '.')
        return FALSE;
    }

  return digit;
}

/* A word of letters and digits with at least one digit and at most two
 * letters is a size or code: 70b, 16e, a4b, fp8, r1, m2m100. */
static gboolean
is_code_word (const char *word)
{
  guint letters = 0;
  gboolean digit = FALSE;

  for (const char *p = word; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digit = TRUE;
      else if (g_ascii_isalpha (*p))
        letters++;
      else if (*p != '.')
        return FALSE;
    }

  return digit && letters <= 2;
}

static void
append_display_word (GString    *out,
                     const char *word)
{
  if (out->len > 0)
    g_string_append_c (out, ' ');

  for (guint i = 0; i < G_N_ELEMENTS (word_spellings); i++)
    {
      if (g_ascii_strcasecmp (word, word_spellings[i].word) == 0)
        {
          g_string_append (out, word_spellings[i].spelling);
          return;
        }
    }

  if (is_number_word (word))
    {
      g_string_append (out, word);
    }
  else if ((word[0] == 'v' || word[0] == 'V') && is_number_word (word + 1))
    {
      /* Versions read best as written: "v0.1". */
      g_string_append_c (out, 'v');
      g_string_append (out, word + 1);
    }
  else if (is_code_word (word))
    {
      for (const char *p = word; *p != '\0'; p++)
        g_string_append_c (out, g_ascii_toupper (*p));
    }
  else
    {
      const char *rest = g_utf8_next_char (word);

      g_string_append_unichar (out, g_unichar_totitle (g_utf8_get_char (word)));
      g_string_append (out, rest);
    }
}

/**
 * cfai_model_derive_display_name:
 * @model_id: a model id such as "@cf/meta/llama-3.3-70b-instruct-fp8-fast"
 *
 * Makes a readable name from the last path segment of @model_id, for
 * catalogs that carry none.  The segment is split into words at "-", "_"
 * and spaces (dots stay inside words, "3.3"), and each word is spelled by
 * the first rule that applies:
 *
 * 1. a short table of names with a fixed spelling (GPT, OSS, QwQ, SDXL,
 *    XL, LCM, GLM, IT, DeepSeek, …);
 * 2. numbers stay as they are ("3.3", "1.0");
 * 3. versions stay lower case ("v0.1");
 * 4. words with a digit and at most two letters are sizes or codes and
 *    are upper-cased ("70b" → "70B", "a4b" → "A4B", "fp8" → "FP8");
 * 5. anything else gets a capital first letter ("instruct" → "Instruct",
 *    "qwen2.5" → "Qwen2.5").
 *
 * "llama-3.3-70b-instruct-fp8-fast" thus reads "Llama 3.3 70B Instruct FP8
 * Fast".
 *
 * Returns: (transfer full): the display name; @model_id itself when it
 *   has no words
 */
char *
cfai_model_derive_display_name (const char *model_id)
{
  g_autoptr(GString) out = NULL;
  g_auto(GStrv) words = NULL;
  const char *segment;

  g_return_val_if_fail (model_id != NULL, NULL);

  segment = strrchr (model_id, '/');
  segment = segment != NULL ? segment + 1 : model_id;

  out = g_string_new (NULL);
  words = g_strsplit_set (segment, "-_ ", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] != '\0')
        append_display_word (out, words[i]);
    }

  if (out->len == 0)
    return g_strdup (model_id);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * cfai_model_author_display_name:
 * @slug: (nullable): an author as model ids spell it, e.g. "zai-org"
 *
 * Returns: (transfer full): the author's name as they write it ("Z.ai"),
 *   the slug's words capitalised for one we do not know, or "Other"
 */
char *
cfai_model_author_display_name (const char *slug)
{
  g_auto(GStrv) words = NULL;

  if (slug == NULL || slug[0] == '\0')
    return g_strdup (_("Other"));

  for (guint i = 0; i < G_N_ELEMENTS (author_names); i++)
    {
      if (g_str_equal (slug, author_names[i].slug))
        return g_strdup (author_names[i].name);
    }

  words = g_strsplit (slug, "-", -1);
  for (guint i = 0; words[i] != NULL; i++)
    words[i][0] = g_ascii_toupper (words[i][0]);

  return g_strjoinv (" ", words);
}

/**
 * cfai_model_derive_author:
 * @model_id: a model id
 *
 * The author is the path segment after the "@cf/" or "@hf/" namespace
 * ("@cf/meta/llama-…" → "meta"), or the first segment of an id without
 * a namespace.
 *
 * Returns: (transfer full) (nullable): the author, or %NULL when @model_id
 *   has no author segment
 */
char *
cfai_model_derive_author (const char *model_id)
{
  const char *start;
  const char *slash;

  g_return_val_if_fail (model_id != NULL, NULL);

  start = model_id;
  if (start[0] == '@')
    {
      start = strchr (start, '/');
      if (start == NULL)
        return NULL;
      start++;
    }

  slash = strchr (start, '/');
  if (slash == NULL || slash == start)
    return NULL;

  return g_strndup (start, slash - start);
}
