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
 * Reading and writing entries is in cfai-model-json.c, names made from
 * ids in cfai-model-names.c.
 */
#include "config.h"

#include <string.h>

#include "cfai-model-private.h"

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
  PROP_REQUIRE_WORKERS_PAID,
  PROP_TERMS_URL,
  PROP_INFO_URL,
  PROP_PLANNED_DEPRECATION_DATE,
  PROP_NEEDS_PAID_PLAN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The boolean properties that read a flag of the catalog entry. */
static const CfaiModelFlags property_flags[N_PROPS] = {
  [PROP_VISION] = CFAI_MODEL_FLAG_VISION,
  [PROP_REASONING] = CFAI_MODEL_FLAG_REASONING,
  [PROP_FUNCTION_CALLING] = CFAI_MODEL_FLAG_FUNCTION_CALLING,
  [PROP_LORA] = CFAI_MODEL_FLAG_LORA,
  [PROP_BETA] = CFAI_MODEL_FLAG_BETA,
  [PROP_PARTNER] = CFAI_MODEL_FLAG_PARTNER,
  [PROP_ASYNC_QUEUE] = CFAI_MODEL_FLAG_ASYNC_QUEUE,
  [PROP_REQUIRE_WORKERS_PAID] = CFAI_MODEL_FLAG_WORKERS_PAID,
};

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

    case PROP_TERMS_URL:
      g_value_set_string (value, self->terms_url);
      break;

    case PROP_INFO_URL:
      g_value_set_string (value, self->info_url);
      break;

    case PROP_PLANNED_DEPRECATION_DATE:
      g_value_set_boxed (value, self->planned_deprecation_date);
      break;

    case PROP_NEEDS_PAID_PLAN:
      g_value_set_boolean (value, self->needs_paid_plan);
      break;

    default:
      if (prop_id < N_PROPS && property_flags[prop_id] != 0)
        g_value_set_boolean (value, _cfai_model_has_flag (self, property_flags[prop_id]));
      else
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
  /* What the catalog says; #CfaiModel:needs-paid-plan is what a refusal
   * taught us about this account. */
  properties[PROP_REQUIRE_WORKERS_PAID] = flag_param ("require-workers-paid", "Requires Workers Paid");
  properties[PROP_TERMS_URL] = string_param ("terms-url", "Terms URL");
  properties[PROP_INFO_URL] = string_param ("info-url", "Info URL");
  properties[PROP_PLANNED_DEPRECATION_DATE] =
    g_param_spec_boxed ("planned-deprecation-date", "Planned Deprecation Date", NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READABLE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));
  /* Not in the catalog data: Cloudflare says so only by refusing a
   * request (5035), and CfaiModelCatalog remembers that. */
  properties[PROP_NEEDS_PAID_PLAN] = flag_param ("needs-paid-plan", "Needs Paid Plan");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfai_model_init (CfaiModel *self)
{
  self->prices = g_ptr_array_new_with_free_func ((GDestroyNotify) cfai_model_price_free);
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

void
_cfai_model_build_search_key (CfaiModel *self)
{
  g_autofree char *id = fold_for_search (self->id);
  g_autofree char *name = fold_for_search (self->display_name);
  g_autofree char *description = fold_for_search (self->description);

  /* Newlines keep a search term from matching across two fields: terms
   * are split at whitespace and never contain one. */
  self->search_key = g_strjoin ("\n", id, name, description, NULL);
}

/* ------------------------------------------------------------------ */
/* Getters                                                            */
/* ------------------------------------------------------------------ */

/**
 * cfai_model_get_id:
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

/* Text models are priced "per M input tokens" / "per M output tokens";
 * models with prompt caching add "per M cached input tokens", which is
 * not the input price. */
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
      gboolean cached = FALSE;

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
          else if (strcmp (words[j], "cached") == 0)
            cached = TRUE;
        }

      if (per_million && has_direction && tokens && !cached)
        return price->price;
    }

  return -1;
}

/* Image models are priced "per 512 by 512 tile" and "per step" (Phoenix,
 * Lucid Origin), or per tile *and* step, counted apart for the input
 * (reference) and the output tiles (FLUX.2: "per output 512x512 tile,
 * per step"). */
#define IMAGE_TILE_SIDE 512

/**
 * cfai_model_estimate_image_cost:
 * @width: (in pixels) the picture's size; 0 when the model takes none
 * @height: see @width
 * @steps: the steps sent; 0 when the model takes none
 * @n_input_tiles: 512×512 tiles of the reference images sent
 *
 * What one picture costs by the catalog's prices.  A price in a unit we
 * do not know, or that needs a size or a step count that was not given,
 * makes the whole estimate unknown rather than too low.
 *
 * Returns: USD, or -1 when unknown (no price, or a unit we cannot count)
 */
double
cfai_model_estimate_image_cost (CfaiModel *self,
                                guint      width,
                                guint      height,
                                guint      steps,
                                guint      n_input_tiles)
{
  double output_tiles;
  double total = 0;

  g_return_val_if_fail (CFAI_IS_MODEL (self), -1);

  if (self->prices->len == 0)
    return -1;

  output_tiles = (double) ((width + IMAGE_TILE_SIDE - 1) / IMAGE_TILE_SIDE) *
                 ((height + IMAGE_TILE_SIDE - 1) / IMAGE_TILE_SIDE);

  for (guint i = 0; i < self->prices->len; i++)
    {
      const CfaiModelPrice *price = g_ptr_array_index (self->prices, i);
      g_autofree char *unit = NULL;
      g_auto(GStrv) words = NULL;
      gboolean per_tile = FALSE;
      gboolean per_step = FALSE;
      gboolean input = FALSE;
      double amount;

      if (price->unit == NULL ||
          (price->currency != NULL && g_ascii_strcasecmp (price->currency, "USD") != 0))
        return -1;

      unit = g_ascii_strdown (price->unit, -1);
      words = g_strsplit_set (unit, " ,", -1);
      for (guint j = 0; words[j] != NULL; j++)
        {
          if (strcmp (words[j], "tile") == 0 || strcmp (words[j], "tiles") == 0)
            per_tile = TRUE;
          else if (strcmp (words[j], "step") == 0 || strcmp (words[j], "steps") == 0)
            per_step = TRUE;
          else if (strcmp (words[j], "input") == 0)
            input = TRUE;
        }

      if (!per_tile && !per_step)
        return -1;
      amount = price->price;
      if (per_tile)
        {
          double tiles = input ? n_input_tiles : output_tiles;

          if (!input && tiles == 0)
            return -1;
          amount *= tiles;
        }
      if (per_step)
        {
          if (steps == 0)
            return -1;
          amount *= steps;
        }
      total += amount;
    }

  return total;
}

/**
 * cfai_model_get_price_per_m_input:
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

  return _cfai_model_has_flag (self, CFAI_MODEL_FLAG_VISION);
}

gboolean
cfai_model_get_reasoning (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return _cfai_model_has_flag (self, CFAI_MODEL_FLAG_REASONING);
}

gboolean
cfai_model_get_function_calling (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return _cfai_model_has_flag (self, CFAI_MODEL_FLAG_FUNCTION_CALLING);
}

gboolean
cfai_model_get_lora (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return _cfai_model_has_flag (self, CFAI_MODEL_FLAG_LORA);
}

gboolean
cfai_model_get_beta (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return _cfai_model_has_flag (self, CFAI_MODEL_FLAG_BETA);
}

gboolean
cfai_model_get_partner (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return _cfai_model_has_flag (self, CFAI_MODEL_FLAG_PARTNER);
}

gboolean
cfai_model_get_async_queue (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return _cfai_model_has_flag (self, CFAI_MODEL_FLAG_ASYNC_QUEUE);
}

/**
 * cfai_model_get_require_workers_paid:
 *
 * Returns: whether the catalog says the model runs only on the Workers
 *   Paid plan (its "require_workers_paid" property)
 */
gboolean
cfai_model_get_require_workers_paid (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return _cfai_model_has_flag (self, CFAI_MODEL_FLAG_WORKERS_PAID);
}

/**
 * cfai_model_get_needs_paid_plan:
 *
 * Returns: whether Cloudflare refused this model to the current account
 *   because it needs the Workers Paid plan (learned, see
 *   cfai_model_catalog_note_model_result())
 */
gboolean
cfai_model_get_needs_paid_plan (CfaiModel *self)
{
  g_return_val_if_fail (CFAI_IS_MODEL (self), FALSE);

  return self->needs_paid_plan;
}

void
cfai_model_set_needs_paid_plan (CfaiModel *self,
                                gboolean   needs_paid_plan)
{
  g_return_if_fail (CFAI_IS_MODEL (self));

  needs_paid_plan = !!needs_paid_plan;
  if (self->needs_paid_plan == (guint) needs_paid_plan)
    return;

  self->needs_paid_plan = needs_paid_plan;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDS_PAID_PLAN]);
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
