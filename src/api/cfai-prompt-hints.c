/* cfai-prompt-hints.c — concrete suggestions for a better image prompt
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cfai-prompt-hints.h"

/* How the prompt is read
 *
 * The prompt is split into words: runs of letters, digits and combining
 * marks, with an apostrophe allowed inside a word ("don't").  Hyphens and
 * punctuation separate words, so "golden-hour" reads as "golden hour".
 * In scripts written without spaces (Han, kana, Thai, Lao, Khmer,
 * Myanmar) every character counts as a word.  Words are compared after
 * NFKC normalisation and case folding.
 *
 * The word lists match whole words only: "light" does not match inside
 * "flight" or "delight", because substring matches would hide a missing
 * light description behind an unrelated word.  A list word also matches
 * its plural in -s or -es ("lights", "torches"); other forms ("lit",
 * "lighting") are listed explicitly.  The lists are English, the language
 * the image models understand best; for prompts mostly in another script
 * the vocabulary hints (setting, lighting, style, subject detail, negative
 * phrasing) are not given, as they could only be wrong there.
 */

/* Words that name or imply light. */
static const char * const lighting_words[] = {
  "light", "lighting", "lit", "backlit", "backlight", "sunlight", "sunlit",
  "moonlight", "moonlit", "candlelight", "candlelit", "daylight", "twilight",
  "lamplight", "firelight", "spotlight", "sunset", "sunrise", "dawn", "dusk",
  "golden hour", "blue hour", "studio lighting", "softbox", "rim light",
  "neon", "glow", "glowing", "shadow", "silhouette", "overcast", "fog",
  "foggy", "mist", "misty", "hazy", "sunbeam", "god rays", "illuminated",
  "bright", "dim", "dimly", "dark", "night", "midnight", "morning",
  "evening", "afternoon", "noon", "chiaroscuro", "volumetric", "lantern",
  "candle", "lamp",
};

/* Kinds of picture: media, techniques, camera and art styles. */
static const char * const style_words[] = {
  "photo", "photograph", "photography", "photorealistic", "realistic",
  "hyperrealistic", "snapshot", "selfie", "portrait", "oil painting",
  "painting", "painted", "watercolor", "watercolour", "acrylic", "gouache",
  "pastel", "charcoal", "pencil", "sketch", "drawing", "ink", "illustration",
  "illustrated", "cartoon", "comic", "manga", "anime", "pixel art", "vector",
  "flat design", "3d", "render", "rendered", "rendering", "cgi", "low poly",
  "isometric", "cinematic", "film", "35mm", "35 mm", "50mm", "85mm",
  "polaroid", "analog", "analogue", "dslr", "macro", "bokeh", "lens",
  "artwork", "art", "style", "impressionist", "impressionism", "surreal",
  "surrealist", "minimalist", "baroque", "renaissance", "art deco",
  "art nouveau", "ukiyo e", "woodcut", "engraving", "collage", "poster",
  "concept art", "digital art", "matte painting", "sculpture", "claymation",
  "origami", "vintage", "retro", "noir", "black and white", "monochrome",
  "sepia", "mosaic", "stained glass", "line art", "linocut", "infographic",
};

/* Places and surroundings. */
static const char * const setting_words[] = {
  "forest", "woods", "jungle", "city", "street", "road", "town", "village",
  "room", "kitchen", "bedroom", "living room", "bathroom", "office",
  "studio", "beach", "ocean", "sea", "lake", "river", "mountain", "hill",
  "valley", "desert", "field", "meadow", "garden", "park", "sky", "space",
  "island", "cave", "castle", "house", "home", "cafe", "café", "restaurant",
  "bar", "market", "library", "church", "temple", "background",
  "landscape", "interior", "indoors", "outdoors", "alley", "rooftop",
  "harbor", "harbour", "port", "station", "farm", "classroom", "stage",
  "underwater", "countryside", "skyline", "table", "desk", "floor",
  "window", "shore", "cliff", "canyon", "waterfall", "snow",
};

/* Prepositions that place the subject somewhere ("on a plate"). */
static const char * const setting_prepositions[] = {
  "in", "on", "at", "under", "inside", "outside", "beside", "near",
  "above", "below", "beneath", "behind", "among", "amid", "across",
  "through", "over", "against", "atop", "within", "along", "around",
};

static const char * const negation_words[] = {
  "no", "without", "not", "never", "don't", "dont", "avoid", "exclude",
  "excluding", "nobody",
};

static const char * const object_negations[] = { "no", "without" };

/* Words that carry no description of their own. */
static const char * const filler_words[] = {
  "a", "an", "the", "of", "and", "or", "with", "is", "are", "was", "be",
  "it", "its", "it's", "this", "that", "these", "those", "some", "any",
  "very", "my", "his", "her", "their", "our", "your", "to", "for", "from",
  "as", "by", "while", "which", "who", "has", "have", "having", "into",
  "onto", "there", "here", "one", "image", "picture",
};

static const char * const articles[] = { "a", "an", "the", "any", "some" };

typedef struct
{
  char  *word;    /* normalised and case-folded */
  gsize  start;   /* byte range in the prompt */
  gsize  end;
} Token;

typedef struct
{
  const char *prompt;
  GArray     *tokens;
  gboolean   *described;    /* per token: part of a lighting/style/setting phrase */
  guint       n_chars;      /* of the prompt without surrounding space */
  gboolean    blank;
  gboolean    latin;
  gboolean    has_lighting;
  gboolean    has_style;
  gboolean    has_setting;
  guint       n_content;    /* words describing the subject */
  int         negation;     /* first token of a negative phrase, or -1 */
  guint       negation_end; /* one past its last token */
} Analysis;

static void
token_clear (gpointer data)
{
  Token *token = data;

  g_clear_pointer (&token->word, g_free);
}

static gboolean
is_unspaced_script (gunichar c)
{
  GUnicodeScript script = g_unichar_get_script (c);

  return script == G_UNICODE_SCRIPT_HAN ||
         script == G_UNICODE_SCRIPT_HIRAGANA ||
         script == G_UNICODE_SCRIPT_KATAKANA ||
         script == G_UNICODE_SCRIPT_THAI ||
         script == G_UNICODE_SCRIPT_LAO ||
         script == G_UNICODE_SCRIPT_KHMER ||
         script == G_UNICODE_SCRIPT_MYANMAR;
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

static gboolean
is_apostrophe (gunichar c)
{
  return c == '\'' || c == 0x2019;
}

static void
add_token (GArray     *tokens,
           const char *prompt,
           const char *start,
           const char *end)
{
  g_autofree char *normal = g_utf8_normalize (start, end - start, G_NORMALIZE_NFKC);
  Token token;

  if (normal == NULL)
    return;

  token.word = g_utf8_casefold (normal, -1);
  token.start = start - prompt;
  token.end = end - prompt;

  /* "don’t" and "don't" are the same word. */
  for (char *p = strstr (token.word, "\xe2\x80\x99"); p != NULL; p = strstr (p, "\xe2\x80\x99"))
    {
      *p = '\'';
      memmove (p + 1, p + 3, strlen (p + 3) + 1);
    }

  g_array_append_val (tokens, token);
}

static void
tokenize (Analysis *analysis)
{
  const char *prompt = analysis->prompt;
  const char *p = prompt;
  guint n_letters = 0;
  guint n_latin = 0;

  while (*p)
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);
      const char *start = p;

      if (g_unichar_isalpha (c))
        {
          n_letters++;
          if (g_unichar_get_script (c) == G_UNICODE_SCRIPT_LATIN)
            n_latin++;
        }

      if (!is_word_char (c))
        {
          p = next;
          continue;
        }

      if (is_unspaced_script (c))
        {
          add_token (analysis->tokens, prompt, p, next);
          p = next;
          continue;
        }

      p = next;
      while (*p)
        {
          gunichar d = g_utf8_get_char (p);
          const char *after = g_utf8_next_char (p);

          if (is_word_char (d) && !is_unspaced_script (d))
            {
              if (g_unichar_isalpha (d))
                {
                  n_letters++;
                  if (g_unichar_get_script (d) == G_UNICODE_SCRIPT_LATIN)
                    n_latin++;
                }
              p = after;
            }
          else if (is_apostrophe (d) && *after && g_unichar_isalpha (g_utf8_get_char (after)) &&
                   !is_unspaced_script (g_utf8_get_char (after)))
            p = after;
          else
            break;
        }

      add_token (analysis->tokens, prompt, start, p);
    }

  /* Digits-only prompts ("1984") have no letters; the lists still apply. */
  analysis->latin = n_letters == 0 || n_latin * 2 >= n_letters;
}

static gboolean
word_matches (const char *token,
              const char *word,
              gsize       length)
{
  if (strncmp (token, word, length) != 0)
    return FALSE;

  token += length;

  return *token == '\0' || g_str_equal (token, "s") || g_str_equal (token, "es");
}

/* Returns how many tokens @phrase covers at @index, or 0. */
static guint
phrase_matches_at (const Analysis *analysis,
                   guint           index,
                   const char     *phrase)
{
  const char *p = phrase;
  guint i = index;

  while (*p)
    {
      gsize length = strcspn (p, " ");

      if (i >= analysis->tokens->len ||
          !word_matches (g_array_index (analysis->tokens, Token, i).word, p, length))
        return 0;

      i++;
      p += length;
      if (*p == ' ')
        p++;
    }

  return i - index;
}

static guint
list_matches_at (const Analysis     *analysis,
                 guint               index,
                 const char * const *list,
                 gsize               n_list)
{
  guint longest = 0;

  for (gsize j = 0; j < n_list; j++)
    longest = MAX (longest, phrase_matches_at (analysis, index, list[j]));

  return longest;
}

static gboolean
token_is (const Analysis     *analysis,
          guint               index,
          const char * const *list,
          gsize               n_list)
{
  const char *word;

  if (index >= analysis->tokens->len)
    return FALSE;

  word = g_array_index (analysis->tokens, Token, index).word;
  for (gsize j = 0; j < n_list; j++)
    {
      if (g_str_equal (word, list[j]))
        return TRUE;
    }

  return FALSE;
}

static guint
skip_articles (const Analysis *analysis,
               guint           index)
{
  while (token_is (analysis, index, articles, G_N_ELEMENTS (articles)))
    index++;

  return index;
}

/* "on a plate" places the subject; "in the style of", "in watercolor"
 * and "at sunset" do not, and a trailing "in" places nothing. */
static gboolean
preposition_places (const Analysis *analysis,
                    guint           index)
{
  guint next = skip_articles (analysis, index + 1);
  static const char * const style_word[] = { "style" };

  if (next >= analysis->tokens->len)
    return FALSE;

  return !token_is (analysis, next, style_word, 1) &&
         list_matches_at (analysis, next, style_words, G_N_ELEMENTS (style_words)) == 0 &&
         list_matches_at (analysis, next, lighting_words, G_N_ELEMENTS (lighting_words)) == 0;
}

static void
mark_described (Analysis *analysis,
                guint     index,
                guint     count)
{
  for (guint k = index; k < index + count && k < analysis->tokens->len; k++)
    analysis->described[k] = TRUE;
}

static void
analysis_run (Analysis   *analysis,
              const char *prompt)
{
  analysis->prompt = prompt != NULL ? prompt : "";
  analysis->tokens = g_array_new (FALSE, TRUE, sizeof (Token));
  g_array_set_clear_func (analysis->tokens, token_clear);
  analysis->negation = -1;
  analysis->blank = TRUE;

  for (const char *p = analysis->prompt; *p; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        {
          analysis->blank = FALSE;
          break;
        }
    }

  /* Not g_strstrip(): it only knows ASCII space. */
  if (!analysis->blank)
    {
      const char *start = analysis->prompt;
      const char *end = start + strlen (start);

      while (g_unichar_isspace (g_utf8_get_char (start)))
        start = g_utf8_next_char (start);
      while (end > start && g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (end))))
        end = g_utf8_prev_char (end);
      analysis->n_chars = g_utf8_strlen (start, end - start);
    }

  tokenize (analysis);
  analysis->described = g_new0 (gboolean, analysis->tokens->len + 1);

  for (guint i = 0; i < analysis->tokens->len; i++)
    {
      guint n;

      if ((n = list_matches_at (analysis, i, lighting_words, G_N_ELEMENTS (lighting_words))))
        {
          analysis->has_lighting = TRUE;
          mark_described (analysis, i, n);
        }

      if ((n = list_matches_at (analysis, i, style_words, G_N_ELEMENTS (style_words))))
        {
          analysis->has_style = TRUE;
          mark_described (analysis, i, n);
        }

      if ((n = list_matches_at (analysis, i, setting_words, G_N_ELEMENTS (setting_words))))
        {
          analysis->has_setting = TRUE;
          mark_described (analysis, i, n);
        }

      if (token_is (analysis, i, setting_prepositions, G_N_ELEMENTS (setting_prepositions)) &&
          preposition_places (analysis, i))
        analysis->has_setting = TRUE;

      if (analysis->negation < 0 &&
          token_is (analysis, i, negation_words, G_N_ELEMENTS (negation_words)))
        {
          guint object = skip_articles (analysis, i + 1);

          analysis->negation = i;
          analysis->negation_end = MIN (object + 1, analysis->tokens->len);
        }
    }

  for (guint i = 0; i < analysis->tokens->len; i++)
    {
      const Token *token = &g_array_index (analysis->tokens, Token, i);

      if (analysis->described[i] ||
          token_is (analysis, i, filler_words, G_N_ELEMENTS (filler_words)) ||
          token_is (analysis, i, setting_prepositions, G_N_ELEMENTS (setting_prepositions)) ||
          token_is (analysis, i, negation_words, G_N_ELEMENTS (negation_words)))
        continue;

      /* A lone Latin letter ("a", "x") describes nothing; a lone Han
       * character is a whole word. */
      if (g_utf8_strlen (token->word, -1) < 2 && !is_unspaced_script (g_utf8_get_char (token->word)))
        continue;

      analysis->n_content++;
    }
}

static void
analysis_clear (Analysis *analysis)
{
  g_clear_pointer (&analysis->tokens, g_array_unref);
  g_clear_pointer (&analysis->described, g_free);
}

static char *
token_text (const Analysis *analysis,
            guint           first,
            guint           end)
{
  const Token *a = &g_array_index (analysis->tokens, Token, first);
  const Token *b = &g_array_index (analysis->tokens, Token, end - 1);

  return g_strndup (analysis->prompt + a->start, b->end - a->start);
}

static void
add_hint (GPtrArray          *hints,
          CfaiPromptHintKind  kind,
          const char         *title,
          const char         *explanation,
          const char         *excerpt)
{
  g_ptr_array_add (hints, cfai_prompt_hint_new (kind, title, explanation, excerpt));
}

static void
add_negation_hint (GPtrArray      *hints,
                   const Analysis *analysis,
                   gboolean        negative_prompt_supported)
{
  g_autofree char *phrase = token_text (analysis, analysis->negation, analysis->negation_end);
  g_autofree char *title = g_strdup_printf (_("“%s” may add what you want to avoid"), phrase);
  g_autofree char *explanation = NULL;
  g_autofree char *object = NULL;

  /* Only after "no" and "without" is the next word the thing to avoid;
   * after "don't" or "avoid" it is usually a verb. */
  if (analysis->negation_end > (guint) analysis->negation + 1 &&
      token_is (analysis, analysis->negation, object_negations, G_N_ELEMENTS (object_negations)))
    object = token_text (analysis, analysis->negation_end - 1, analysis->negation_end);

  if (negative_prompt_supported && object != NULL)
    explanation = g_strdup_printf (_("Image models tend to overlook words like “no” and “without”, and naming a thing often puts it into the picture. Take “%s” out of the prompt and write “%s” in the negative prompt instead."),
                                   phrase, object);
  else if (negative_prompt_supported)
    explanation = g_strdup_printf (_("Image models tend to overlook words like “no” and “without”, and naming a thing often puts it into the picture. Take “%s” out of the prompt and use the negative prompt for what to leave out."),
                                   phrase);
  else
    explanation = g_strdup_printf (_("Image models tend to overlook words like “no” and “without”, and naming a thing often puts it into the picture. This model has no negative prompt, so replace “%s” with what should be there instead, for example “an empty street” rather than “no cars”."),
                                   phrase);

  add_hint (hints, CFAI_PROMPT_HINT_NEGATIVE_PHRASING, title, explanation, phrase);
}

/**
 * cfai_prompt_hints_analyze:
 * @prompt: (nullable): an image prompt
 * @max_length: the most characters the model reads, or 0 when unknown
 * @negative_prompt_supported: whether the model has a negative prompt
 *
 * Looks for what usually makes image prompts disappointing and says, for
 * each, what to write instead.  Hints come most important first.
 *
 * Returns: (transfer full) (element-type CfaiPromptHint): the hints; empty
 *   for a prompt with nothing to improve
 */
GPtrArray *
cfai_prompt_hints_analyze (const char *prompt,
                           guint       max_length,
                           gboolean    negative_prompt_supported)
{
  g_autoptr(GPtrArray) hints = g_ptr_array_new_with_free_func (g_object_unref);
  Analysis analysis = { 0 };
  guint n_words;

  if (prompt != NULL && !g_utf8_validate (prompt, -1, NULL))
    prompt = NULL;

  analysis_run (&analysis, prompt);
  n_words = analysis.tokens->len;

  if (analysis.blank)
    {
      add_hint (hints, CFAI_PROMPT_HINT_EMPTY,
                _("Describe the picture"),
                _("Write what the picture should show: the subject, where it is, the light and the style, for example “A photo of a delicious large hamburger on a plate with lettuce and tomato”."),
                NULL);
      analysis_clear (&analysis);
      return g_steal_pointer (&hints);
    }

  if (max_length > 0 && analysis.n_chars > max_length)
    {
      g_autofree char *explanation =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "The prompt has %u character, but this model reads at most %u. Cut repeated or less important details so that nothing you care about is lost.",
                                      "The prompt has %u characters, but this model reads at most %u. Cut repeated or less important details so that nothing you care about is lost.",
                                      analysis.n_chars),
                         analysis.n_chars, max_length);

      add_hint (hints, CFAI_PROMPT_HINT_TOO_LONG, _("Shorten the prompt"), explanation, NULL);
    }

  if (n_words <= 1)
    {
      g_autofree char *word = NULL;
      g_autofree char *title = NULL;

      if (n_words == 1)
        word = token_text (&analysis, 0, 1);
      else
        word = g_strstrip (g_strdup (analysis.prompt));

      title = g_strdup_printf (_("Say more than “%s”"), word);
      add_hint (hints, CFAI_PROMPT_HINT_SINGLE_WORD, title,
                _("A single word leaves the model to guess everything else, and Flux’s safety filter is known to reject some harmless one-word prompts: “hamburger” alone has failed with “NSFW content” (error 3030). Describe the subject, where it is and the style, for example “A photo of a delicious large hamburger on a plate with lettuce and tomato”."),
                word);
    }
  else if (n_words < 5 || analysis.n_chars < 25)
    {
      g_autofree char *explanation =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "The prompt has only %u word. The model makes up whatever the prompt leaves out; a sentence about the subject, the place, the light and the style gives far more predictable pictures.",
                                      "The prompt has only %u words. The model makes up whatever the prompt leaves out; a sentence about the subject, the place, the light and the style gives far more predictable pictures.",
                                      n_words),
                         n_words);

      add_hint (hints, CFAI_PROMPT_HINT_TOO_SHORT, _("Add more detail"), explanation, NULL);
    }

  if (analysis.latin)
    {
      if (analysis.negation >= 0)
        add_negation_hint (hints, &analysis, negative_prompt_supported);

      if (n_words > 1 && analysis.n_content < 2)
        add_hint (hints, CFAI_PROMPT_HINT_SUBJECT_DETAIL,
                  _("Describe the subject"),
                  _("Say what the subject looks like: its colour, size, material, age, expression or what it is doing. Specific details are what make the picture yours."),
                  NULL);

      if (!analysis.has_setting)
        add_hint (hints, CFAI_PROMPT_HINT_SETTING,
                  _("Say where it is"),
                  _("Give the scene a place, such as “on a wooden table”, “in a misty forest” or “on a busy city street”. Without one the model picks a background for you."),
                  NULL);

      if (!analysis.has_lighting)
        add_hint (hints, CFAI_PROMPT_HINT_LIGHTING,
                  _("Describe the light"),
                  _("Light sets the mood of a picture: try “soft morning light”, “golden hour”, “studio lighting” or “neon glow”."),
                  NULL);

      if (!analysis.has_style)
        add_hint (hints, CFAI_PROMPT_HINT_STYLE,
                  _("Name a style or medium"),
                  _("Say what kind of picture it is: “a photo”, “an oil painting”, “a watercolor”, “a 3D render”, “an illustration”, or camera details such as “35 mm film”."),
                  NULL);
    }

  analysis_clear (&analysis);

  return g_steal_pointer (&hints);
}

/**
 * cfai_prompt_hints_build_template:
 * @prompt: (nullable): an image prompt
 *
 * Keeps the user's words and adds a labelled slot for each thing the
 * prompt does not say yet, for the user to fill in or delete:
 * "A photo of hamburger, <details: what does it look like?>,
 * <setting: where is it?>, <lighting: e.g. soft morning light>,
 * <style: e.g. 35 mm film photograph>".  Without a style the prompt is
 * framed as a photo, the most common wish; the style slot then invites
 * a more specific one.
 *
 * Returns: (transfer full): the template
 */
char *
cfai_prompt_hints_build_template (const char *prompt)
{
  GString *template = g_string_new (NULL);
  Analysis analysis = { 0 };
  const char *start;
  const char *end;

  if (prompt != NULL && !g_utf8_validate (prompt, -1, NULL))
    prompt = NULL;

  analysis_run (&analysis, prompt);

  /* The user's words without surrounding space or closing punctuation,
   * since the slots continue the sentence. */
  start = analysis.prompt;
  end = start + strlen (start);
  while (*start && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  while (end > start)
    {
      gunichar c = g_utf8_get_char (g_utf8_prev_char (end));

      if (!g_unichar_isspace (c) && c != '.' && c != ',' && c != ';' && c != ':' && c != 0x3002)
        break;
      end = g_utf8_prev_char (end);
    }

  if (analysis.blank)
    {
      /* The frame stays English: the models are trained on English
       * captions, and the user will write the rest there. */
      g_string_append (template, "A photo of ");
      g_string_append (template, _("<subject: what should the picture show?>"));
    }
  else if (analysis.latin && !analysis.has_style)
    {
      guint first_len = analysis.tokens->len > 0 ? g_array_index (analysis.tokens, Token, 0).end : 0;
      static const char * const leading_article[] = { "a", "an", "the" };

      g_string_append (template, "A photo of ");
      /* "A red car" reads "A photo of a red car". */
      if (token_is (&analysis, 0, leading_article, G_N_ELEMENTS (leading_article)) &&
          g_array_index (analysis.tokens, Token, 0).start == (gsize) (start - analysis.prompt) &&
          g_unichar_isupper (g_utf8_get_char (start)))
        {
          g_autofree char *lower = g_utf8_strdown (start, first_len - (start - analysis.prompt));

          g_string_append (template, lower);
          g_string_append_len (template, analysis.prompt + first_len, end - (analysis.prompt + first_len));
        }
      else
        g_string_append_len (template, start, end - start);
    }
  else
    g_string_append_len (template, start, end - start);

  if (!analysis.blank && analysis.latin && analysis.n_content < 2)
    {
      g_string_append (template, ", ");
      g_string_append (template, _("<details: what does it look like?>"));
    }

  if (!analysis.has_setting)
    {
      g_string_append (template, ", ");
      g_string_append (template, _("<setting: where is it?>"));
    }

  if (!analysis.has_lighting)
    {
      g_string_append (template, ", ");
      g_string_append (template, _("<lighting: e.g. soft morning light>"));
    }

  if (!analysis.has_style)
    {
      g_string_append (template, ", ");
      g_string_append (template, _("<style: e.g. 35 mm film photograph>"));
    }

  analysis_clear (&analysis);

  return g_string_free (template, FALSE);
}

/* The list model */

struct _CfaiPromptHints
{
  GObject    parent_instance;

  char      *prompt;
  guint      max_length;
  gboolean   negative_prompt_supported;
  GPtrArray *hints;
};

static GType
cfai_prompt_hints_get_item_type (GListModel *model)
{
  return CFAI_TYPE_PROMPT_HINT;
}

static guint
cfai_prompt_hints_get_n_items (GListModel *model)
{
  CfaiPromptHints *self = CFAI_PROMPT_HINTS (model);

  return self->hints->len;
}

static gpointer
cfai_prompt_hints_get_item (GListModel *model,
                            guint       position)
{
  CfaiPromptHints *self = CFAI_PROMPT_HINTS (model);

  if (position >= self->hints->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->hints, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = cfai_prompt_hints_get_item_type;
  iface->get_n_items = cfai_prompt_hints_get_n_items;
  iface->get_item = cfai_prompt_hints_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (CfaiPromptHints, cfai_prompt_hints, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_PROMPT,
  PROP_MAX_LENGTH,
  PROP_NEGATIVE_PROMPT_SUPPORTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cfai_prompt_hints_update (CfaiPromptHints *self)
{
  g_autoptr(GPtrArray) old = g_steal_pointer (&self->hints);

  self->hints = cfai_prompt_hints_analyze (self->prompt, self->max_length,
                                           self->negative_prompt_supported);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old->len, self->hints->len);
}

static void
cfai_prompt_hints_finalize (GObject *object)
{
  CfaiPromptHints *self = (CfaiPromptHints *)object;

  g_clear_pointer (&self->prompt, g_free);
  g_clear_pointer (&self->hints, g_ptr_array_unref);

  G_OBJECT_CLASS (cfai_prompt_hints_parent_class)->finalize (object);
}

static void
cfai_prompt_hints_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CfaiPromptHints *self = CFAI_PROMPT_HINTS (object);

  switch (prop_id)
    {
    case PROP_PROMPT:
      g_value_set_string (value, self->prompt);
      break;

    case PROP_MAX_LENGTH:
      g_value_set_uint (value, self->max_length);
      break;

    case PROP_NEGATIVE_PROMPT_SUPPORTED:
      g_value_set_boolean (value, self->negative_prompt_supported);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_prompt_hints_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CfaiPromptHints *self = CFAI_PROMPT_HINTS (object);

  switch (prop_id)
    {
    case PROP_PROMPT:
      cfai_prompt_hints_set_prompt (self, g_value_get_string (value));
      break;

    case PROP_MAX_LENGTH:
      cfai_prompt_hints_set_max_length (self, g_value_get_uint (value));
      break;

    case PROP_NEGATIVE_PROMPT_SUPPORTED:
      cfai_prompt_hints_set_negative_prompt_supported (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_prompt_hints_class_init (CfaiPromptHintsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cfai_prompt_hints_finalize;
  object_class->get_property = cfai_prompt_hints_get_property;
  object_class->set_property = cfai_prompt_hints_set_property;

  /**
   * CfaiPromptHints:prompt:
   *
   * The prompt to give hints for; bind an entry's text to it.
   */
  properties[PROP_PROMPT] =
    g_param_spec_string ("prompt", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiPromptHints:max-length:
   *
   * The most characters the model reads (2048 for FLUX.1 [schnell]); 0
   * when the model sets no limit.
   */
  properties[PROP_MAX_LENGTH] =
    g_param_spec_uint ("max-length", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiPromptHints:negative-prompt-supported:
   *
   * Whether the model has a negative prompt, where the hints send
   * "no …" phrases.
   */
  properties[PROP_NEGATIVE_PROMPT_SUPPORTED] =
    g_param_spec_boolean ("negative-prompt-supported", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfai_prompt_hints_init (CfaiPromptHints *self)
{
  self->hints = cfai_prompt_hints_analyze (NULL, 0, FALSE);
}

CfaiPromptHints *
cfai_prompt_hints_new (void)
{
  return g_object_new (CFAI_TYPE_PROMPT_HINTS, NULL);
}

const char *
cfai_prompt_hints_get_prompt (CfaiPromptHints *self)
{
  g_return_val_if_fail (CFAI_IS_PROMPT_HINTS (self), NULL);

  return self->prompt;
}

void
cfai_prompt_hints_set_prompt (CfaiPromptHints *self,
                              const char      *prompt)
{
  g_return_if_fail (CFAI_IS_PROMPT_HINTS (self));

  if (!g_set_str (&self->prompt, prompt))
    return;

  cfai_prompt_hints_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROMPT]);
}

guint
cfai_prompt_hints_get_max_length (CfaiPromptHints *self)
{
  g_return_val_if_fail (CFAI_IS_PROMPT_HINTS (self), 0);

  return self->max_length;
}

void
cfai_prompt_hints_set_max_length (CfaiPromptHints *self,
                                  guint            max_length)
{
  g_return_if_fail (CFAI_IS_PROMPT_HINTS (self));

  if (self->max_length == max_length)
    return;

  self->max_length = max_length;
  cfai_prompt_hints_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_LENGTH]);
}

gboolean
cfai_prompt_hints_get_negative_prompt_supported (CfaiPromptHints *self)
{
  g_return_val_if_fail (CFAI_IS_PROMPT_HINTS (self), FALSE);

  return self->negative_prompt_supported;
}

void
cfai_prompt_hints_set_negative_prompt_supported (CfaiPromptHints *self,
                                                 gboolean         supported)
{
  g_return_if_fail (CFAI_IS_PROMPT_HINTS (self));

  supported = !!supported;
  if (self->negative_prompt_supported == supported)
    return;

  self->negative_prompt_supported = supported;
  cfai_prompt_hints_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEGATIVE_PROMPT_SUPPORTED]);
}

/**
 * cfai_prompt_hints_set_model_rules:
 * @rules: (nullable): the chosen model's rules
 *
 * Takes the prompt length limit and whether there is a negative prompt
 * from the model's rules; %NULL forgets both.
 */
void
cfai_prompt_hints_set_model_rules (CfaiPromptHints     *self,
                                   CfaiImageModelRules *rules)
{
  double maximum = 0;

  g_return_if_fail (CFAI_IS_PROMPT_HINTS (self));

  g_object_freeze_notify (G_OBJECT (self));

  if (rules != NULL && cfai_image_model_rules_get_maximum (rules, CFAI_IMAGE_FIELD_PROMPT, &maximum) && maximum > 0)
    cfai_prompt_hints_set_max_length (self, maximum < G_MAXUINT ? (guint) maximum : G_MAXUINT);
  else
    cfai_prompt_hints_set_max_length (self, 0);

  cfai_prompt_hints_set_negative_prompt_supported (self,
                                                   rules != NULL &&
                                                   cfai_image_model_rules_get_field_name (rules, CFAI_IMAGE_FIELD_NEGATIVE_PROMPT) != NULL);

  g_object_thaw_notify (G_OBJECT (self));
}
