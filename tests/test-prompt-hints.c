/* test-prompt-hints.c — image prompt hints and the rewrite template
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "cfai-image-model-rules.h"
#include "cfai-prompt-hints.h"
#include "cfai-test-home.h"

#define HAMBURGER "A photo of a delicious large hamburger on a plate with lettuce and tomato"
#define GOOD "A watercolor painting of an old fisherman mending nets on a wooden pier at golden hour"

#define END ((CfaiPromptHintKind) -1)

static const char *
kind_nick (CfaiPromptHintKind kind)
{
  GEnumClass *klass = g_type_class_ref (CFAI_TYPE_PROMPT_HINT_KIND);
  GEnumValue *value = g_enum_get_value (klass, kind);

  g_type_class_unref (klass);

  return value != NULL ? value->value_nick : "?";
}

static char *
describe (GPtrArray *hints)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < hints->len; i++)
    g_string_append_printf (text, "%s%s", i ? ", " : "",
                            kind_nick (cfai_prompt_hint_get_kind (g_ptr_array_index (hints, i))));

  return g_string_free (text, FALSE);
}

/* Asserts that the hints are exactly @... (terminated by END), in order. */
static GPtrArray *
assert_hints (const char *prompt,
              guint       max_length,
              gboolean    negative_prompt_supported,
              ...)
{
  GPtrArray *hints = cfai_prompt_hints_analyze (prompt, max_length, negative_prompt_supported);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *actual = describe (hints);
  va_list args;
  int kind;

  va_start (args, negative_prompt_supported);
  while ((kind = va_arg (args, int)) != (int) END)
    g_string_append_printf (expected, "%s%s", expected->len ? ", " : "", kind_nick (kind));
  va_end (args);

  if (!g_str_equal (expected->str, actual))
    g_error ("hints for “%.80s”: expected [%s], got [%s]", prompt, expected->str, actual);

  for (guint i = 0; i < hints->len; i++)
    {
      CfaiPromptHint *hint = g_ptr_array_index (hints, i);

      g_assert_true (CFAI_IS_PROMPT_HINT (hint));
      g_assert_nonnull (cfai_prompt_hint_get_title (hint));
      g_assert_cmpuint (strlen (cfai_prompt_hint_get_title (hint)), >, 0);
      g_assert_nonnull (cfai_prompt_hint_get_explanation (hint));
      g_assert_cmpuint (strlen (cfai_prompt_hint_get_explanation (hint)), >, 20);
    }

  return hints;
}

static CfaiPromptHint *
find_hint (GPtrArray          *hints,
           CfaiPromptHintKind  kind)
{
  for (guint i = 0; i < hints->len; i++)
    {
      if (cfai_prompt_hint_get_kind (g_ptr_array_index (hints, i)) == kind)
        return g_ptr_array_index (hints, i);
    }

  g_error ("no %s hint", kind_nick (kind));
  return NULL;
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” does not contain “%s”", text, part);
}

static void
test_empty (void)
{
  g_autoptr(GPtrArray) a = assert_hints (NULL, 0, FALSE, CFAI_PROMPT_HINT_EMPTY, END);
  g_autoptr(GPtrArray) b = assert_hints ("", 2048, TRUE, CFAI_PROMPT_HINT_EMPTY, END);
  g_autoptr(GPtrArray) c = assert_hints (" \n\t\u3000", 0, FALSE, CFAI_PROMPT_HINT_EMPTY, END);

  assert_contains (cfai_prompt_hint_get_explanation (g_ptr_array_index (a, 0)), HAMBURGER);
  g_assert_null (cfai_prompt_hint_get_excerpt (g_ptr_array_index (a, 0)));
}

static void
test_single_word (void)
{
  g_autoptr(GPtrArray) hints = NULL;
  CfaiPromptHint *hint;

  hints = assert_hints ("hamburger", 2048, FALSE,
                        CFAI_PROMPT_HINT_SINGLE_WORD,
                        CFAI_PROMPT_HINT_SETTING,
                        CFAI_PROMPT_HINT_LIGHTING,
                        CFAI_PROMPT_HINT_STYLE,
                        END);
  hint = find_hint (hints, CFAI_PROMPT_HINT_SINGLE_WORD);
  g_assert_cmpstr (cfai_prompt_hint_get_title (hint), ==, "Say more than “hamburger”");
  g_assert_cmpstr (cfai_prompt_hint_get_excerpt (hint), ==, "hamburger");
  assert_contains (cfai_prompt_hint_get_explanation (hint), "3030");
  assert_contains (cfai_prompt_hint_get_explanation (hint), "safety filter");
  assert_contains (cfai_prompt_hint_get_explanation (hint), HAMBURGER);
  g_clear_pointer (&hints, g_ptr_array_unref);

  /* The word is quoted as written, without the surrounding space and dot. */
  hints = assert_hints ("  Sunflower.  ", 0, FALSE,
                        CFAI_PROMPT_HINT_SINGLE_WORD,
                        CFAI_PROMPT_HINT_SETTING,
                        CFAI_PROMPT_HINT_LIGHTING,
                        CFAI_PROMPT_HINT_STYLE,
                        END);
  g_assert_cmpstr (cfai_prompt_hint_get_excerpt (g_ptr_array_index (hints, 0)), ==, "Sunflower");
  g_clear_pointer (&hints, g_ptr_array_unref);

  /* Something without letters at all is still a lone "word". */
  hints = assert_hints ("🍔", 0, FALSE,
                        CFAI_PROMPT_HINT_SINGLE_WORD,
                        CFAI_PROMPT_HINT_SETTING,
                        CFAI_PROMPT_HINT_LIGHTING,
                        CFAI_PROMPT_HINT_STYLE,
                        END);
  g_assert_cmpstr (cfai_prompt_hint_get_title (g_ptr_array_index (hints, 0)), ==, "Say more than “🍔”");
}

static void
test_too_short (void)
{
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;

  a = assert_hints ("a red car", 0, FALSE,
                    CFAI_PROMPT_HINT_TOO_SHORT,
                    CFAI_PROMPT_HINT_SETTING,
                    CFAI_PROMPT_HINT_LIGHTING,
                    CFAI_PROMPT_HINT_STYLE,
                    END);
  assert_contains (cfai_prompt_hint_get_explanation (find_hint (a, CFAI_PROMPT_HINT_TOO_SHORT)), "only 3 words");

  /* Five words, but fewer than 25 characters. */
  b = assert_hints ("owl fox elk emu yak", 0, FALSE,
                    CFAI_PROMPT_HINT_TOO_SHORT,
                    CFAI_PROMPT_HINT_SETTING,
                    CFAI_PROMPT_HINT_LIGHTING,
                    CFAI_PROMPT_HINT_STYLE,
                    END);
}

static void
test_good_prompts (void)
{
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autoptr(GPtrArray) c = NULL;

  /* The documentation's fix for the hamburger false positive says what,
   * where and which medium; only the light is left to chance. */
  a = assert_hints (HAMBURGER, 2048, FALSE, CFAI_PROMPT_HINT_LIGHTING, END);
  b = assert_hints (GOOD, 2048, TRUE, END);
  c = assert_hints ("A notebook on a snowy desk in a noisy office, photo, morning light", 0, TRUE, END);
}

static void
test_missing_parts (void)
{
  g_autoptr(GPtrArray) subject = NULL;
  g_autoptr(GPtrArray) setting = NULL;
  g_autoptr(GPtrArray) style = NULL;
  g_autoptr(GPtrArray) at_sunset = NULL;
  g_autoptr(GPtrArray) style_of = NULL;

  subject = assert_hints ("a photo of a car on a street at sunset", 0, FALSE,
                          CFAI_PROMPT_HINT_SUBJECT_DETAIL, END);
  setting = assert_hints ("a close-up photo of a smiling old woman with silver hair, soft light", 0, FALSE,
                          CFAI_PROMPT_HINT_SETTING, END);
  style = assert_hints ("an old fisherman mending nets on a wooden pier at golden hour", 0, FALSE,
                        CFAI_PROMPT_HINT_STYLE, END);

  /* "at sunset" is a time, not a place. */
  at_sunset = assert_hints ("a red fox at sunset, oil painting", 0, FALSE,
                            CFAI_PROMPT_HINT_SETTING, END);

  /* "in the style of" is not a place either. */
  style_of = assert_hints ("a lighthouse in the style of Van Gogh", 0, FALSE,
                           CFAI_PROMPT_HINT_SETTING,
                           CFAI_PROMPT_HINT_LIGHTING,
                           END);
}

static void
test_word_boundaries (void)
{
  g_autoptr(GPtrArray) flight = NULL;
  g_autoptr(GPtrArray) lights = NULL;
  g_autoptr(GPtrArray) hyphen = NULL;

  /* "light" does not match inside "flight" or "delightful"… */
  flight = assert_hints ("a delightful paper plane in flight over the city", 0, FALSE,
                         CFAI_PROMPT_HINT_LIGHTING,
                         CFAI_PROMPT_HINT_STYLE,
                         END);
  /* …but plurals and hyphenated phrases count. */
  lights = assert_hints ("a photo of a busy street with red neon lights", 0, FALSE, END);
  hyphen = assert_hints ("Photo of a tired cyclist resting on a bridge, golden-hour", 0, FALSE, END);
}

static void
test_too_long (void)
{
  g_autoptr(GString) prompt = g_string_new (GOOD);
  g_autoptr(GPtrArray) within = NULL;
  g_autoptr(GPtrArray) over = NULL;
  g_autoptr(GPtrArray) unlimited = NULL;

  /* Counted in characters: "é" is two bytes but one character. */
  g_string_append_c (prompt, ' ');
  while (g_utf8_strlen (prompt->str, -1) < 2048)
    g_string_append (prompt, "é");
  within = assert_hints (prompt->str, 2048, FALSE, END);

  g_string_append (prompt, "é");
  over = assert_hints (prompt->str, 2048, FALSE, CFAI_PROMPT_HINT_TOO_LONG, END);
  assert_contains (cfai_prompt_hint_get_explanation (g_ptr_array_index (over, 0)), "2049 characters");
  assert_contains (cfai_prompt_hint_get_explanation (g_ptr_array_index (over, 0)), "at most 2048");

  unlimited = assert_hints (prompt->str, 0, FALSE, END);
}

static void
test_negative_phrasing (void)
{
  g_autoptr(GPtrArray) with_field = NULL;
  g_autoptr(GPtrArray) without_field = NULL;
  g_autoptr(GPtrArray) without_any = NULL;
  g_autoptr(GPtrArray) curly = NULL;
  CfaiPromptHint *hint;

  with_field = assert_hints ("a quiet city street at night, no cars, photo", 0, TRUE,
                             CFAI_PROMPT_HINT_NEGATIVE_PHRASING, END);
  hint = g_ptr_array_index (with_field, 0);
  g_assert_cmpstr (cfai_prompt_hint_get_excerpt (hint), ==, "no cars");
  g_assert_cmpstr (cfai_prompt_hint_get_title (hint), ==, "“no cars” may add what you want to avoid");
  assert_contains (cfai_prompt_hint_get_explanation (hint), "write “cars” in the negative prompt");

  without_field = assert_hints ("a quiet city street at night, no cars, photo", 0, FALSE,
                                CFAI_PROMPT_HINT_NEGATIVE_PHRASING, END);
  assert_contains (cfai_prompt_hint_get_explanation (g_ptr_array_index (without_field, 0)),
                   "This model has no negative prompt");

  without_any = assert_hints ("a sandy beach without any people, photo, bright sun", 0, TRUE,
                              CFAI_PROMPT_HINT_NEGATIVE_PHRASING, END);
  hint = g_ptr_array_index (without_any, 0);
  g_assert_cmpstr (cfai_prompt_hint_get_excerpt (hint), ==, "without any people");
  assert_contains (cfai_prompt_hint_get_explanation (hint), "write “people” in the negative prompt");

  /* A typographic apostrophe is the same word; the excerpt keeps it. */
  curly = assert_hints ("a calm lake at dawn, don’t show boats, photo", 0, TRUE,
                        CFAI_PROMPT_HINT_NEGATIVE_PHRASING, END);
  g_assert_cmpstr (cfai_prompt_hint_get_excerpt (g_ptr_array_index (curly, 0)), ==, "don’t show");
}

static void
test_utf8 (void)
{
  g_autoptr(GPtrArray) han_word = NULL;
  g_autoptr(GPtrArray) han_short = NULL;
  g_autoptr(GPtrArray) han_long = NULL;
  g_autoptr(GPtrArray) fullwidth = NULL;
  g_autoptr(GPtrArray) combining = NULL;
  g_autoptr(GPtrArray) invalid = NULL;

  /* Han script has no spaces: each character counts as a word, and the
   * English word lists are not applied. */
  han_word = assert_hints ("猫", 0, FALSE, CFAI_PROMPT_HINT_SINGLE_WORD, END);
  g_assert_cmpstr (cfai_prompt_hint_get_excerpt (g_ptr_array_index (han_word, 0)), ==, "猫");
  han_short = assert_hints ("一只猫", 0, FALSE, CFAI_PROMPT_HINT_TOO_SHORT, END);
  han_long = assert_hints ("一只橘色的小猫在清晨柔和的阳光下安静地睡在木头窗台上，水彩画风格", 0, FALSE, END);

  /* NFKC and case folding: full-width "ＰＨＯＴＯ" is "photo". */
  fullwidth = assert_hints ("ＰＨＯＴＯ of a tired cyclist resting on a bridge at dusk", 0, FALSE, END);

  /* "café" written with a combining accent is the listed "café". */
  combining = assert_hints ("a tiny espresso cup, busy cafe\xcc\x81 terrace, morning light, photo", 0, FALSE, END);

  /* Not text: treated like an empty prompt rather than read past. */
  invalid = assert_hints ("a photo of \xff\xfe", 0, FALSE, CFAI_PROMPT_HINT_EMPTY, END);
}

static void
assert_template (const char *prompt,
                 const char *expected)
{
  g_autofree char *template = cfai_prompt_hints_build_template (prompt);

  g_assert_cmpstr (template, ==, expected);
}

static void
test_template (void)
{
  assert_template ("hamburger",
                   "A photo of hamburger, <details: what does it look like?>, <setting: where is it?>, "
                   "<lighting: e.g. soft morning light>, <style: e.g. 35 mm film photograph>");
  assert_template (HAMBURGER,
                   HAMBURGER ", <lighting: e.g. soft morning light>");
  assert_template ("A red fox in a snowy forest.",
                   "A photo of a red fox in a snowy forest, <lighting: e.g. soft morning light>, "
                   "<style: e.g. 35 mm film photograph>");
  assert_template (GOOD ".", GOOD);
  assert_template ("   ",
                   "A photo of <subject: what should the picture show?>, <setting: where is it?>, "
                   "<lighting: e.g. soft morning light>, <style: e.g. 35 mm film photograph>");
  assert_template (NULL,
                   "A photo of <subject: what should the picture show?>, <setting: where is it?>, "
                   "<lighting: e.g. soft morning light>, <style: e.g. 35 mm film photograph>");
  /* Other scripts keep their words without an English frame. */
  assert_template ("一只猫。",
                   "一只猫, <setting: where is it?>, <lighting: e.g. soft morning light>, "
                   "<style: e.g. 35 mm film photograph>");
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  guint *changes = user_data;

  g_assert_cmpuint (position, ==, 0);
  changes[0]++;
  changes[1] = removed;
  changes[2] = added;
}

static void
test_list_model (void)
{
  CfaiPromptHints *hints = cfai_prompt_hints_new ();
  g_autoptr(CfaiImageModelRules) flux = cfai_image_model_rules_lookup ("@cf/black-forest-labs/flux-1-schnell");
  g_autoptr(CfaiImageModelRules) phoenix = cfai_image_model_rules_lookup ("@cf/leonardo/phoenix-1.0");
  g_autoptr(CfaiPromptHint) first = NULL;
  guint changes[3] = { 0, 0, 0 };

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (hints)) == CFAI_TYPE_PROMPT_HINT);
  /* An empty prompt already asks for a description. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hints)), ==, 1);

  g_signal_connect (hints, "items-changed", G_CALLBACK (on_items_changed), changes);

  cfai_prompt_hints_set_prompt (hints, "hamburger");
  g_assert_cmpuint (changes[0], ==, 1);
  g_assert_cmpuint (changes[1], ==, 1);
  g_assert_cmpuint (changes[2], ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hints)), ==, 4);
  first = g_list_model_get_item (G_LIST_MODEL (hints), 0);
  g_assert_cmpint (cfai_prompt_hint_get_kind (first), ==, CFAI_PROMPT_HINT_SINGLE_WORD);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (hints), 4));

  /* Setting the same prompt again changes nothing. */
  cfai_prompt_hints_set_prompt (hints, "hamburger");
  g_assert_cmpuint (changes[0], ==, 1);

  cfai_prompt_hints_set_prompt (hints, "a quiet city street at night, no cars, photo");
  cfai_prompt_hints_set_model_rules (hints, flux);
  g_assert_cmpuint (cfai_prompt_hints_get_max_length (hints), ==, 2048);
  g_assert_false (cfai_prompt_hints_get_negative_prompt_supported (hints));

  cfai_prompt_hints_set_model_rules (hints, phoenix);
  g_assert_cmpuint (cfai_prompt_hints_get_max_length (hints), ==, 0);
  g_assert_true (cfai_prompt_hints_get_negative_prompt_supported (hints));
  g_clear_object (&first);
  first = g_list_model_get_item (G_LIST_MODEL (hints), 0);
  assert_contains (cfai_prompt_hint_get_explanation (first), "in the negative prompt");

  cfai_prompt_hints_set_model_rules (hints, NULL);
  g_assert_false (cfai_prompt_hints_get_negative_prompt_supported (hints));

  g_clear_object (&first);
  g_assert_finalize_object (hints);
}

int
main (int   argc,
      char *argv[])
{
  /* Hint texts are compared word for word. */
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  cfai_test_isolate_home ("cfai-test-prompt-hints");

  g_test_add_func ("/prompt-hints/empty", test_empty);
  g_test_add_func ("/prompt-hints/single-word", test_single_word);
  g_test_add_func ("/prompt-hints/too-short", test_too_short);
  g_test_add_func ("/prompt-hints/good-prompts", test_good_prompts);
  g_test_add_func ("/prompt-hints/missing-parts", test_missing_parts);
  g_test_add_func ("/prompt-hints/word-boundaries", test_word_boundaries);
  g_test_add_func ("/prompt-hints/too-long", test_too_long);
  g_test_add_func ("/prompt-hints/negative-phrasing", test_negative_phrasing);
  g_test_add_func ("/prompt-hints/utf8", test_utf8);
  g_test_add_func ("/prompt-hints/template", test_template);
  g_test_add_func ("/prompt-hints/list-model", test_list_model);

  return g_test_run ();
}
