/* cfai-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A CfaiModel is read from one entry of Cloudflare's model catalog
 * (`/ai/models/search`, or the same shape in our disk cache):
 *
 *   {"id": "<uuid>", "name": "@cf/meta/llama-…", "description": "…",
 *    "task": {"name": "Text Generation"}, "tags": [],
 *    "properties": [{"property_id": "context_window", "value": "24000"}, …]}
 *
 * Note the naming: the catalog's "name" is what every other endpoint calls
 * the model ("@cf/…"), so that is our id; the catalog's "id" is a UUID
 * nobody else uses.
 *
 * The catalog is generated data that has changed shape over time: values
 * are strings ("true", "128000") except "price", but we accept any JSON
 * type for any property, and ignore properties we do not know.  Only an
 * entry we cannot name is refused, because it could never be run.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cfai-error.h"
#include "cfai-model.h"

typedef enum
{
  MODEL_FLAG_VISION           = 1 << 0,
  MODEL_FLAG_REASONING        = 1 << 1,
  MODEL_FLAG_FUNCTION_CALLING = 1 << 2,
  MODEL_FLAG_LORA             = 1 << 3,
  MODEL_FLAG_BETA             = 1 << 4,
  MODEL_FLAG_PARTNER          = 1 << 5,
  MODEL_FLAG_ASYNC_QUEUE      = 1 << 6,
} ModelFlags;

/* Boolean catalog properties, in the order to_json writes them. */
static const struct
{
  const char *property_id;
  ModelFlags  flag;
} flag_properties[] = {
  { "vision",           MODEL_FLAG_VISION },
  { "reasoning",        MODEL_FLAG_REASONING },
  { "function_calling", MODEL_FLAG_FUNCTION_CALLING },
  { "lora",             MODEL_FLAG_LORA },
  { "beta",             MODEL_FLAG_BETA },
  { "partner",          MODEL_FLAG_PARTNER },
  { "async_queue",      MODEL_FLAG_ASYNC_QUEUE },
};

struct _CfaiModel
{
  GObject     parent_instance;

  char       *id;
  char       *uuid;
  char       *display_name;
  char       *author;
  char       *description;
  char       *task;
  char      **tags;
  gint64      context_window;
  GPtrArray  *prices;                 /* of CfaiModelPrice */
  char       *terms_url;
  char       *info_url;
  GDateTime  *planned_deprecation_date;
  char       *search_key;             /* folded id, name and description */
  ModelFlags  flags;
  guint       display_name_given : 1; /* from the data, not derived */
  guint       deprecated : 1;         /* the entry's own "deprecated" */
};

G_DEFINE_FINAL_TYPE (CfaiModel, cfai_model, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (CfaiModelPrice, cfai_model_price,
                     cfai_model_price_copy, cfai_model_price_free)

enum {
  PROP_0,
  PROP_ID,
  PROP_UUID,
  PROP_DISPLAY_NAME,
  PROP_AUTHOR,
  PROP_DESCRIPTION,
  PROP_TASK,
  PROP_TAGS,
  PROP_CONTEXT_WINDOW,
  PROP_PRICES,
  PROP_VISION,
  PROP_REASONING,
  PROP_FUNCTION_CALLING,
  PROP_LORA,
  PROP_BETA,
  PROP_PARTNER,
  PROP_ASYNC_QUEUE,
  PROP_TERMS_URL,
  PROP_INFO_URL,
  PROP_PLANNED_DEPRECATION_DATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

CfaiModelPrice *
cfai_model_price_new (const char *unit,
                      double      price,
                      const char *currency)
{
  CfaiModelPrice *self = g_new0 (CfaiModelPrice, 1);

  self->unit = g_strdup (unit);
  self->price = price;
  self->currency = g_strdup (currency);

  return self;
}

CfaiModelPrice *
cfai_model_price_copy (const CfaiModelPrice *price)
{
  g_return_val_if_fail (price != NULL, NULL);

  return cfai_model_price_new (price->unit, price->price, price->currency);
}

void
cfai_model_price_free (CfaiModelPrice *price)
{
  if (price == NULL)
    return;

  g_free (price->unit);
  g_free (price->currency);
  g_free (price);
}

static void
cfai_model_finalize (GObject *object)
{
  CfaiModel *self = (CfaiModel *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->uuid, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->author, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->task, g_free);
  g_clear_pointer (&self->tags, g_strfreev);
  g_clear_pointer (&self->prices, g_ptr_array_unref);
  g_clear_pointer (&self->terms_url, g_free);
  g_clear_pointer (&self->info_url, g_free);
  g_clear_pointer (&self->planned_deprecation_date, g_date_time_unref);
  g_clear_pointer (&self->search_key, g_free);

  G_OBJECT_CLASS (cfai_model_parent_class)->finalize (object);
}

static gboolean
has_flag (CfaiModel  *self,
          ModelFlags  flag)
{
  return (self->flags & flag) != 0;
}

static void
cfai_model_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  CfaiModel *self = CFAI_MODEL (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;

    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;

    case PROP_AUTHOR:
      g_value_set_string (value, self->author);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_TASK:
      g_value_set_string (value, self->task);
      break;

    case PROP_TAGS:
      g_value_set_boxed (value, self->tags);
      break;

    case PROP_CONTEXT_WINDOW:
      g_value_set_int64 (value, self->context_window);
      break;

    case PROP_PRICES:
      g_value_set_boxed (value, self->prices);
      break;

    case PROP_VISION:
      g_value_set_boolean (value, has_flag (self, MODEL_FLAG_VISION));
      break;

    case PROP_REASONING:
      g_value_set_boolean (value, has_flag (self, MODEL_FLAG_REASONING));
      break;

    case PROP_FUNCTION_CALLING:
      g_value_set_boolean (value, has_flag (self, MODEL_FLAG_FUNCTION_CALLING));
      break;

    case PROP_LORA:
      g_value_set_boolean (value, has_flag (self, MODEL_FLAG_LORA));
      break;

    case PROP_BETA:
      g_value_set_boolean (value, has_flag (self, MODEL_FLAG_BETA));
      break;

    case PROP_PARTNER:
      g_value_set_boolean (value, has_flag (self, MODEL_FLAG_PARTNER));
      break;

    case PROP_ASYNC_QUEUE:
      g_value_set_boolean (value, has_flag (self, MODEL_FLAG_ASYNC_QUEUE));
      break;

    case PROP_TERMS_URL:
      g_value_set_string (value, self->terms_url);
      break;

    case PROP_INFO_URL:
      g_value_set_string (value, self->info_url);
      break;

    case PROP_PLANNED_DEPRECATION_DATE:
      g_value_set_boxed (value, self->planned_deprecation_date);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
flag_param (const char *name,
            const char *nick)
{
  return g_param_spec_boolean (name, nick, NULL, FALSE,
                               (G_PARAM_READABLE |
                                G_PARAM_EXPLICIT_NOTIFY |
                                G_PARAM_STATIC_STRINGS));
}

static GParamSpec *
string_param (const char *name,
              const char *nick)
{
  return g_param_spec_string (name, nick, NULL, NULL,
                              (G_PARAM_READABLE |
                               G_PARAM_EXPLICIT_NOTIFY |
                               G_PARAM_STATIC_STRINGS));
}

static void
cfai_model_class_init (CfaiModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cfai_model_finalize;
  object_class->get_property = cfai_model_get_property;

  /* Every property is read-only: a model is a snapshot of one catalog
   * entry, and a refresh replaces whole objects rather than editing them. */
  properties[PROP_ID] = string_param ("id", "Id");
  properties[PROP_UUID] = string_param ("uuid", "UUID");
  properties[PROP_DISPLAY_NAME] = string_param ("display-name", "Display Name");
  properties[PROP_AUTHOR] = string_param ("author", "Author");
  properties[PROP_DESCRIPTION] = string_param ("description", "Description");
  properties[PROP_TASK] = string_param ("task", "Task");
  properties[PROP_TAGS] =
    g_param_spec_boxed ("tags", "Tags", NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READABLE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));
  properties[PROP_CONTEXT_WINDOW] =
    g_param_spec_int64 ("context-window", "Context Window", NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));
  properties[PROP_PRICES] =
    g_param_spec_boxed ("prices", "Prices", NULL,
                        G_TYPE_PTR_ARRAY,
                        (G_PARAM_READABLE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));
  properties[PROP_VISION] = flag_param ("vision", "Vision");
  properties[PROP_REASONING] = flag_param ("reasoning", "Reasoning");
  properties[PROP_FUNCTION_CALLING] = flag_param ("function-calling", "Function Calling");
  properties[PROP_LORA] = flag_param ("lora", "LoRA");
  properties[PROP_BETA] = flag_param ("beta", "Beta");
  properties[PROP_PARTNER] = flag_param ("partner", "Partner");
  properties[PROP_ASYNC_QUEUE] = flag_param ("async-queue", "Async Queue");
  properties[PROP_TERMS_URL] = string_param ("terms-url", "Terms URL");
  properties[PROP_INFO_URL] = string_param ("info-url", "Info URL");
  properties[PROP_PLANNED_DEPRECATION_DATE] =
    g_param_spec_boxed ("planned-deprecation-date", "Planned Deprecation Date", NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READABLE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfai_model_init (CfaiModel *self)
{
  self->prices = g_ptr_array_new_with_free_func ((GDestroyNotify) cfai_model_price_free);
}

/* ------------------------------------------------------------------ */
/* Names                                                              */
/* ------------------------------------------------------------------ */

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

/* ------------------------------------------------------------------ */
/* Reading values                                                     */
/* ------------------------------------------------------------------ */

/* A scalar wrapped in an array means the scalar. */
static JsonNode *
unwrap_value (JsonNode *node)
{
  while (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      if (json_array_get_length (array) == 0)
        return NULL;

      node = json_array_get_element (array, 0);
    }

  return node;
}

static gboolean
value_to_boolean (JsonNode *node,
                  gboolean *out)
{
  node = unwrap_value (node);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      *out = json_node_get_boolean (node);
      return TRUE;

    case G_TYPE_INT64:
      *out = json_node_get_int (node) != 0;
      return TRUE;

    case G_TYPE_DOUBLE:
      *out = json_node_get_double (node) != 0.0;
      return TRUE;

    case G_TYPE_STRING:
      {
        g_autofree char *text = g_strstrip (g_strdup (json_node_get_string (node)));

        if (g_ascii_strcasecmp (text, "true") == 0 ||
            g_ascii_strcasecmp (text, "yes") == 0 ||
            g_strcmp0 (text, "1") == 0)
          *out = TRUE;
        else if (g_ascii_strcasecmp (text, "false") == 0 ||
                 g_ascii_strcasecmp (text, "no") == 0 ||
                 g_strcmp0 (text, "0") == 0 ||
                 text[0] == '\0')
          *out = FALSE;
        else
          return FALSE;

        return TRUE;
      }

    default:
      return FALSE;
    }
}

/* Plain decimal only: g_ascii_strtod() also takes "inf", "nan" and hex. */
static gboolean
parse_decimal (const char *text,
               double     *out)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  gboolean digit = FALSE;
  gboolean point = FALSE;
  char *end = NULL;
  double value;

  for (const char *p = copy; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digit = TRUE;
      else if (*p == '.' && !point)
        point = TRUE;
      else if (*p == '-' && p == copy)
        continue;
      else
        return FALSE;
    }

  if (!digit)
    return FALSE;

  value = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || !isfinite (value))
    return FALSE;

  *out = value;
  return TRUE;
}

static gboolean
value_to_double (JsonNode *node,
                 double   *out)
{
  node = unwrap_value (node);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *out = (double) json_node_get_int (node);
      return TRUE;

    case G_TYPE_DOUBLE:
      *out = json_node_get_double (node);
      return isfinite (*out);

    case G_TYPE_STRING:
      {
        const char *text = json_node_get_string (node);

        while (g_ascii_isspace (*text))
          text++;
        if (*text == '$')
          text++;

        return parse_decimal (text, out);
      }

    default:
      return FALSE;
    }
}

/* Token counts come as "128000", and might come as 128000, "128,000" or
 * 128000.0; anything else (negative, fractional, words) means unknown. */
static gboolean
value_to_count (JsonNode *node,
                gint64   *out)
{
  double value;

  node = unwrap_value (node);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      if (json_node_get_int (node) < 0)
        return FALSE;
      *out = json_node_get_int (node);
      return TRUE;
    }

  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autoptr(GString) digits = g_string_new (NULL);

      for (const char *p = json_node_get_string (node); *p != '\0'; p++)
        {
          if (*p != ',' && *p != '_')
            g_string_append_c (digits, *p);
        }
      g_strstrip (digits->str);

      /* Exact for every count a gint64 holds; a double is not. */
      if (g_ascii_string_to_signed (digits->str, 10, 0, G_MAXINT64, out, NULL))
        return TRUE;

      if (!parse_decimal (digits->str, &value))
        return FALSE;
    }
  else if (!value_to_double (node, &value))
    {
      return FALSE;
    }

  if (value < 0 || value >= 9.2e18 || value != floor (value))
    return FALSE;

  *out = (gint64) value;
  return TRUE;
}

static char *
value_to_string (JsonNode *node)
{
  g_autofree char *text = NULL;

  node = unwrap_value (node);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  text = g_strstrip (g_strdup (json_node_get_string (node)));
  if (text[0] == '\0')
    return NULL;

  return g_steal_pointer (&text);
}

static GDateTime *
parse_date_string (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autofree char *copy = g_strstrip (g_strdup (text));
  GDateTime *date;
  char *space;
  int year, month, day;
  char rest;

  date = g_date_time_new_from_iso8601 (copy, utc);
  if (date != NULL)
    return date;

  /* "2024-12-06 17:09:18.338", as the catalog writes created_at. */
  space = strchr (copy, ' ');
  if (space != NULL)
    {
      *space = 'T';
      date = g_date_time_new_from_iso8601 (copy, utc);
      if (date != NULL)
        return date;
      *space = ' ';
    }

  /* A bare date is the first moment of that day, in UTC. */
  if (sscanf (copy, "%4d-%2d-%2d%c", &year, &month, &day, &rest) == 3 &&
      strlen (copy) == 10 &&
      g_date_valid_dmy (day, month, year))
    return g_date_time_new_utc (year, month, day, 0, 0, 0);

  return NULL;
}

static GDateTime *
value_to_date (JsonNode *node)
{
  node = unwrap_value (node);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return parse_date_string (json_node_get_string (node));

    case G_TYPE_INT64:
      /* Seconds since the epoch. */
      return g_date_time_new_from_unix_utc (json_node_get_int (node));

    default:
      return NULL;
    }
}

static void
add_price (GPtrArray  *prices,
           JsonObject *object)
{
  g_autofree char *unit = NULL;
  g_autofree char *currency = NULL;
  double price;

  if (!json_object_has_member (object, "price") ||
      !value_to_double (json_object_get_member (object, "price"), &price))
    return;

  if (json_object_has_member (object, "unit"))
    unit = value_to_string (json_object_get_member (object, "unit"));
  if (json_object_has_member (object, "currency"))
    currency = value_to_string (json_object_get_member (object, "currency"));

  g_ptr_array_add (prices, cfai_model_price_new (unit, price, currency));
}

/* "price" is an array of {unit, price, currency}; a lone object, or the
 * array serialized into a string, are read the same way.  Entries without
 * a usable price are skipped. */
static void
read_prices (GPtrArray *prices,
             JsonNode  *node,
             gboolean   allow_string)
{
  if (node == NULL)
    return;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (element))
            add_price (prices, json_node_get_object (element));
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      add_price (prices, json_node_get_object (node));
    }
  else if (allow_string &&
           JSON_NODE_HOLDS_VALUE (node) &&
           json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autoptr(JsonNode) parsed = json_from_string (json_node_get_string (node), NULL);

      read_prices (prices, parsed, FALSE);
    }
}

/* "context_window", "Context-Window" and "context window" name the same
 * property; compare in one spelling. */
static char *
normalize_key (const char *key)
{
  char *out = g_ascii_strdown (key, -1);

  g_strstrip (out);
  for (char *p = out; *p != '\0'; p++)
    {
      if (*p == '-' || *p == ' ')
        *p = '_';
    }

  return out;
}

static void
apply_property (CfaiModel  *self,
                const char *property_id,
                JsonNode   *value)
{
  g_autofree char *key = normalize_key (property_id);

  for (guint i = 0; i < G_N_ELEMENTS (flag_properties); i++)
    {
      if (strcmp (key, flag_properties[i].property_id) == 0)
        {
          gboolean on;

          if (!value_to_boolean (value, &on))
            g_debug ("%s: property %s has no boolean value", self->id, property_id);
          else if (on)
            self->flags |= flag_properties[i].flag;
          else
            self->flags &= ~flag_properties[i].flag;
          return;
        }
    }

  if (strcmp (key, "context_window") == 0)
    {
      gint64 count;

      if (value_to_count (value, &count))
        self->context_window = count;
      else
        g_debug ("%s: property %s is not a token count", self->id, property_id);
    }
  else if (strcmp (key, "price") == 0)
    {
      /* A later "price" replaces an earlier one, as for any property. */
      g_ptr_array_set_size (self->prices, 0);
      read_prices (self->prices, value, TRUE);
    }
  else if (strcmp (key, "terms") == 0)
    {
      g_free (self->terms_url);
      self->terms_url = value_to_string (value);
    }
  else if (strcmp (key, "info") == 0)
    {
      g_free (self->info_url);
      self->info_url = value_to_string (value);
    }
  else if (strcmp (key, "planned_deprecation_date") == 0)
    {
      g_clear_pointer (&self->planned_deprecation_date, g_date_time_unref);
      self->planned_deprecation_date = value_to_date (value);
      if (self->planned_deprecation_date == NULL && unwrap_value (value) != NULL)
        g_debug ("%s: property %s is not a date", self->id, property_id);
    }
  else if (strcmp (key, "display_name") == 0)
    {
      g_autofree char *name = value_to_string (value);

      if (name != NULL)
        {
          g_free (self->display_name);
          self->display_name = g_steal_pointer (&name);
          self->display_name_given = TRUE;
        }
    }
  else
    {
      g_debug ("%s: ignoring unknown property %s", self->id, property_id);
    }
}

static char *
fold_for_search (const char *text)
{
  g_autofree char *normalized = NULL;

  if (text == NULL)
    return g_strdup ("");

  normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);
  if (normalized == NULL)
    return g_strdup ("");

  return g_utf8_casefold (normalized, -1);
}

static void
build_search_key (CfaiModel *self)
{
  g_autofree char *id = fold_for_search (self->id);
  g_autofree char *name = fold_for_search (self->display_name);
  g_autofree char *description = fold_for_search (self->description);

  /* Newlines keep a search term from matching across two fields: terms
   * are split at whitespace and never contain one. */
  self->search_key = g_strjoin ("\n", id, name, description, NULL);
}

static char *
member_string (JsonObject *object,
               const char *member)
{
  if (!json_object_has_member (object, member))
    return NULL;

  return value_to_string (json_object_get_member (object, member));
}

/* A member that is there, not null, and not a string. */
static gboolean
member_is_not_string (JsonObject *object,
                      const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL &&
         !JSON_NODE_HOLDS_NULL (node) &&
         (!JSON_NODE_HOLDS_VALUE (node) ||
          json_node_get_value_type (node) != G_TYPE_STRING);
}

static void
add_tag (GStrvBuilder *tags,
         JsonNode     *node)
{
  char *tag = value_to_string (node);

  if (tag != NULL)
    g_strv_builder_take (tags, tag);
}

/**
 * cfai_model_new_from_json:
 * @entry: one entry of the catalog's "result" array
 * @error: return location for a %CFAI_ERROR_PROTOCOL error
 *
 * Reads a catalog entry.  The entry must name the model: "name" as a
 * non-empty string (or, for entries that only have one, an "id" that is
 * a model id starting with "@"); "properties", when present, must be an
 * array.  Everything else is read as far as it makes sense and ignored
 * otherwise.
 *
 * Returns: (transfer full): the model, or %NULL with @error set
 */
CfaiModel *
cfai_model_new_from_json (JsonObject  *entry,
                          GError     **error)
{
  g_autoptr(CfaiModel) self = NULL;
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GStrvBuilder) tags = NULL;
  JsonNode *node;

  g_return_val_if_fail (entry != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (member_is_not_string (entry, "name"))
    {
      g_set_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                   _("A model catalog entry has a “name” that is not text"));
      return NULL;
    }

  name = member_string (entry, "name");
  id = member_string (entry, "id");

  self = g_object_new (CFAI_TYPE_MODEL, NULL);

  if (name != NULL)
    {
      self->id = g_steal_pointer (&name);
      self->uuid = g_steal_pointer (&id);
    }
  else if (id != NULL && id[0] == '@')
    {
      self->id = g_steal_pointer (&id);
    }
  else
    {
      g_set_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                   _("A model catalog entry has no model name"));
      return NULL;
    }

  self->description = member_string (entry, "description");
  self->display_name = member_string (entry, "display_name");
  self->display_name_given = self->display_name != NULL;

  node = json_object_get_member (entry, "task");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    self->task = member_string (json_node_get_object (node), "name");
  else
    self->task = value_to_string (node);

  tags = g_strv_builder_new ();
  node = json_object_get_member (entry, "tags");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element))
            add_tag (tags, element);
        }
    }
  else if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    {
      add_tag (tags, node);
    }
  self->tags = g_strv_builder_end (tags);

  node = json_object_get_member (entry, "deprecated");
  if (node != NULL)
    {
      gboolean deprecated = FALSE;

      if (value_to_boolean (node, &deprecated))
        self->deprecated = deprecated;
    }

  node = json_object_get_member (entry, "properties");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_set_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL,
                       _("The properties of model %s are not a list"),
                       self->id);
          return NULL;
        }

      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *property;
          g_autofree char *property_id = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              g_debug ("%s: property %u is not an object", self->id, i);
              continue;
            }

          property = json_node_get_object (element);
          property_id = member_string (property, "property_id");
          if (property_id == NULL)
            {
              g_debug ("%s: property %u has no property_id", self->id, i);
              continue;
            }

          apply_property (self, property_id,
                          json_object_get_member (property, "value"));
        }
    }

  if (self->display_name == NULL)
    self->display_name = cfai_model_derive_display_name (self->id);
  self->author = cfai_model_derive_author (self->id);

  build_search_key (self);

  return g_steal_pointer (&self);
}

/**
 * cfai_model_to_json:
 * @self: a #CfaiModel
 *
 * Writes @self as a catalog entry, in the shape cfai_model_new_from_json()
 * reads, so the disk cache needs no format of its own.  Values are written
 * the way Cloudflare writes them (booleans and counts as strings).
 * Derived values (display name, author) are not written.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
cfai_model_to_json (CfaiModel *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (CFAI_IS_MODEL (self), NULL);

  json_builder_begin_object (builder);

  if (self->uuid != NULL)
    {
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, self->uuid);
    }

  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->id);

  if (self->description != NULL)
    {
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, self->description);
    }

  if (self->task != NULL)
    {
      json_builder_set_member_name (builder, "task");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, self->task);
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "tags");
  json_builder_begin_array (builder);
  for (guint i = 0; self->tags != NULL && self->tags[i] != NULL; i++)
    json_builder_add_string_value (builder, self->tags[i]);
  json_builder_end_array (builder);

  if (self->deprecated)
    {
      json_builder_set_member_name (builder, "deprecated");
      json_builder_add_boolean_value (builder, TRUE);
    }

  json_builder_set_member_name (builder, "properties");
  json_builder_begin_array (builder);

#define ADD_PROPERTY(property_id, add_value) \
  G_STMT_START { \
    json_builder_begin_object (builder); \
    json_builder_set_member_name (builder, "property_id"); \
    json_builder_add_string_value (builder, property_id); \
    json_builder_set_member_name (builder, "value"); \
    add_value; \
    json_builder_end_object (builder); \
  } G_STMT_END

  if (self->display_name_given)
    ADD_PROPERTY ("display_name",
                  json_builder_add_string_value (builder, self->display_name));

  if (self->context_window > 0)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, self->context_window);

      ADD_PROPERTY ("context_window", json_builder_add_string_value (builder, count));
    }

  if (self->prices->len > 0)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "property_id");
      json_builder_add_string_value (builder, "price");
      json_builder_set_member_name (builder, "value");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->prices->len; i++)
        {
          const CfaiModelPrice *price = g_ptr_array_index (self->prices, i);

          json_builder_begin_object (builder);
          if (price->unit != NULL)
            {
              json_builder_set_member_name (builder, "unit");
              json_builder_add_string_value (builder, price->unit);
            }
          json_builder_set_member_name (builder, "price");
          json_builder_add_double_value (builder, price->price);
          if (price->currency != NULL)
            {
              json_builder_set_member_name (builder, "currency");
              json_builder_add_string_value (builder, price->currency);
            }
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }

  for (guint i = 0; i < G_N_ELEMENTS (flag_properties); i++)
    {
      if (has_flag (self, flag_properties[i].flag))
        ADD_PROPERTY (flag_properties[i].property_id,
                      json_builder_add_string_value (builder, "true"));
    }

  if (self->terms_url != NULL)
    ADD_PROPERTY ("terms", json_builder_add_string_value (builder, self->terms_url));

  if (self->info_url != NULL)
    ADD_PROPERTY ("info", json_builder_add_string_value (builder, self->info_url));

  if (self->planned_deprecation_date != NULL)
    {
      g_autofree char *date = g_date_time_format_iso8601 (self->planned_deprecation_date);

      ADD_PROPERTY ("planned_deprecation_date",
                    json_builder_add_string_value (builder, date));
    }

#undef ADD_PROPERTY

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* ------------------------------------------------------------------ */
/* Getters                                                            */
/* ------------------------------------------------------------------ */

/**
 * cfai_model_get_id:
 * @self: a #CfaiModel
 *
 * Returns: the model id used to run it, e.g. "@cf/openai/gpt-oss-120b"
 */
const char *
cfai_model_get_id (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), NULL);

  return self->id;
}

/**
 * cfai_model_get_uuid:
 * @self: a #CfaiModel
 *
 * Returns: (nullable): the catalog's own id of the entry (a UUID)
 */
const char *
cfai_model_get_uuid (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), NULL);

  return self->uuid;
}

const char *
cfai_model_get_display_name (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), NULL);

  return self->display_name;
}

/**
 * cfai_model_get_author:
 * @self: a #CfaiModel
 *
 * Returns: (nullable): the author segment of the id, e.g. "meta"
 */
const char *
cfai_model_get_author (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), NULL);

  return self->author;
}

const char *
cfai_model_get_description (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), NULL);

  return self->description;
}

/**
 * cfai_model_get_task:
 * @self: a #CfaiModel
 *
 * Returns: (nullable): the task as the catalog names it, e.g.
 *   %CFAI_MODEL_TASK_TEXT_GENERATION
 */
const char *
cfai_model_get_task (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), NULL);

  return self->task;
}

/**
 * cfai_model_get_tags:
 * @self: a #CfaiModel
 *
 * Returns: (transfer none): the entry's tags, possibly empty, never %NULL
 */
const char * const *
cfai_model_get_tags (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), NULL);

  return (const char * const *) self->tags;
}

/**
 * cfai_model_get_context_window:
 * @self: a #CfaiModel
 *
 * Returns: the context window in tokens (prompt plus max_tokens), or 0
 *   when the catalog does not say
 */
gint64
cfai_model_get_context_window (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), 0);

  return self->context_window;
}

/**
 * cfai_model_get_prices:
 * @self: a #CfaiModel
 *
 * Returns: (transfer none) (element-type CfaiModelPrice): the price list
 *   as the catalog gives it, possibly empty
 */
GPtrArray *
cfai_model_get_prices (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), NULL);

  return self->prices;
}

/* Text models are priced "per M input tokens" / "per M output tokens". */
static double
find_token_price (CfaiModel  *self,
                  const char *direction)
{
  for (guint i = 0; i < self->prices->len; i++)
    {
      const CfaiModelPrice *price = g_ptr_array_index (self->prices, i);
      g_autofree char *unit = NULL;
      g_auto(GStrv) words = NULL;
      gboolean per_million = FALSE;
      gboolean has_direction = FALSE;
      gboolean tokens = FALSE;

      if (price->unit == NULL)
        continue;

      if (price->currency != NULL && g_ascii_strcasecmp (price->currency, "USD") != 0)
        continue;

      unit = g_ascii_strdown (price->unit, -1);
      words = g_strsplit_set (unit, " ,", -1);

      for (guint j = 0; words[j] != NULL; j++)
        {
          if (strcmp (words[j], "m") == 0 ||
              strcmp (words[j], "1m") == 0 ||
              strcmp (words[j], "million") == 0)
            per_million = TRUE;
          else if (strcmp (words[j], direction) == 0)
            has_direction = TRUE;
          else if (strcmp (words[j], "tokens") == 0 || strcmp (words[j], "token") == 0)
            tokens = TRUE;
        }

      if (per_million && has_direction && tokens)
        return price->price;
    }

  return -1;
}

/**
 * cfai_model_get_price_per_m_input:
 * @self: a #CfaiModel
 *
 * Returns: USD per million input tokens, or -1 when unknown (image
 *   models, or no price in the catalog)
 */
double
cfai_model_get_price_per_m_input (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), -1);

  return find_token_price (self, "input");
}

/**
 * cfai_model_get_price_per_m_output:
 * @self: a #CfaiModel
 *
 * Returns: USD per million output tokens, or -1 when unknown
 */
double
cfai_model_get_price_per_m_output (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), -1);

  return find_token_price (self, "output");
}

gboolean
cfai_model_get_vision (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return has_flag (self, MODEL_FLAG_VISION);
}

gboolean
cfai_model_get_reasoning (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return has_flag (self, MODEL_FLAG_REASONING);
}

gboolean
cfai_model_get_function_calling (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return has_flag (self, MODEL_FLAG_FUNCTION_CALLING);
}

gboolean
cfai_model_get_lora (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return has_flag (self, MODEL_FLAG_LORA);
}

gboolean
cfai_model_get_beta (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return has_flag (self, MODEL_FLAG_BETA);
}

gboolean
cfai_model_get_partner (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return has_flag (self, MODEL_FLAG_PARTNER);
}

gboolean
cfai_model_get_async_queue (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return has_flag (self, MODEL_FLAG_ASYNC_QUEUE);
}

const char *
cfai_model_get_terms_url (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), NULL);

  return self->terms_url;
}

const char *
cfai_model_get_info_url (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), NULL);

  return self->info_url;
}

/**
 * cfai_model_get_planned_deprecation_date:
 * @self: a #CfaiModel
 *
 * A bare date in the catalog ("2025-10-01") is read as 00:00 UTC of
 * that day.
 *
 * Returns: (transfer none) (nullable): when the model is to be retired
 */
GDateTime *
cfai_model_get_planned_deprecation_date (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), NULL);

  return self->planned_deprecation_date;
}

/**
 * cfai_model_is_deprecated_at:
 * @self: a #CfaiModel
 * @now: (nullable): the time to judge at; %NULL for the current time
 *
 * A model is deprecated when its entry says so ("deprecated": true) or
 * its planned deprecation date is at or before @now.
 *
 * Returns: whether @self should no longer be offered for new work at @now
 */
gboolean
cfai_model_is_deprecated_at (CfaiModel *self,
                             GDateTime *now)
{
  g_autoptr(GDateTime) current = NULL;

  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  if (self->deprecated)
    return TRUE;

  if (self->planned_deprecation_date == NULL)
    return FALSE;

  if (now == NULL)
    now = current = g_date_time_new_now_utc ();

  return g_date_time_compare (self->planned_deprecation_date, now) <= 0;
}

/* Task names compare without regard to case or to "-", "_" and spaces,
 * so "text-to-image" finds "Text-to-Image". */
static gboolean
task_equal (const char *a,
            const char *b)
{
  for (;;)
    {
      while (*a == '-' || *a == '_' || *a == ' ')
        a++;
      while (*b == '-' || *b == '_' || *b == ' ')
        b++;

      if (*a == '\0' || *b == '\0')
        return *a == *b;

      if (g_ascii_tolower (*a) != g_ascii_tolower (*b))
        return FALSE;

      a++;
      b++;
    }
}

gboolean
cfai_model_is_text_generation (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return self->task != NULL && task_equal (self->task, CFAI_MODEL_TASK_TEXT_GENERATION);
}

gboolean
cfai_model_is_text_to_image (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return self->task != NULL && task_equal (self->task, CFAI_MODEL_TASK_TEXT_TO_IMAGE);
}

/**
 * cfai_model_matches:
 * @self: a #CfaiModel
 * @task: (nullable): a task name; %NULL or "" for any task
 * @search: (nullable): words to look for; %NULL or "" for any model
 *
 * Decides whether the model picker shows @self.  @task is compared
 * without regard to case or separators.  @search is split at whitespace
 * and every word must occur, ignoring case, in the id, the display name
 * or the description.
 *
 * Returns: whether @self matches
 */
gboolean
cfai_model_matches (CfaiModel  *self,
                    const char *task,
                    const char *search)
{
  g_autofree char *folded = NULL;
  g_auto(GStrv) terms = NULL;

  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  if (task != NULL && task[0] != '\0' &&
      (self->task == NULL || !task_equal (self->task, task)))
    return FALSE;

  if (search == NULL || search[0] == '\0')
    return TRUE;

  folded = fold_for_search (search);
  terms = g_strsplit_set (folded, " \t\n\r", -1);

  for (guint i = 0; terms[i] != NULL; i++)
    {
      if (terms[i][0] != '\0' && strstr (self->search_key, terms[i]) == NULL)
        return FALSE;
    }

  return TRUE;
}
