/* test-model-catalog.c — CfaiModelCatalog: pages, disk cache, refresh
 *
 * Refreshes go over real HTTP through CfaiClient: to a SoupServer in this
 * process that pages the catalog in the ways a server might (short last
 * page, no result_info, a capped per_page, repeated or endless pages,
 * failures), and, when $FAKE_WORKERS_AI names it, to the fake Workers AI
 * server with Cloudflare's model files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cfai-chat-stream.h"
#include "cfai-client.h"
#include "cfai-error.h"
#include "cfai-image-run.h"
#include "cfai-model-catalog.h"
#include "cfai-test-models.h"
#include "cfai-test-server.h"
#include "cfai-test-home.h"

#define N_BUILTIN 27
#define SEARCH_PATH "/client/v4/accounts/test-account/ai/models/search"

static char *models_dir;

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

/* Every model file, parsed, sorted by file name. */
static GPtrArray *
load_fixture_entries (void)
{
  g_autoptr(GPtrArray) names = cfai_test_list_model_files (models_dir);
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (models_dir, g_ptr_array_index (names, i), NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
      g_ptr_array_add (entries, json_node_ref (json_parser_get_root (parser)));
    }

  g_assert_cmpuint (entries->len, >=, 28);

  return entries;
}

/* A v4 envelope holding entries [first, first + count) of @entries. */
static JsonNode *
make_page (GPtrArray *entries,
           guint      first,
           guint      count,
           guint      page,
           guint      per_page)
{
  JsonObject *root = json_object_new ();
  JsonArray *result = json_array_new ();
  JsonObject *info = json_object_new ();
  JsonNode *node;

  for (guint i = first; i < first + count && i < entries->len; i++)
    json_array_add_element (result, json_node_copy (g_ptr_array_index (entries, i)));

  json_object_set_int_member (info, "page", page);
  json_object_set_int_member (info, "per_page", per_page);
  json_object_set_int_member (info, "count", json_array_get_length (result));
  json_object_set_int_member (info, "total_count", entries->len);

  json_object_set_array_member (root, "result", result);
  json_object_set_object_member (root, "result_info", info);
  json_object_set_boolean_member (root, "success", TRUE);
  json_object_set_array_member (root, "errors", json_array_new ());
  json_object_set_array_member (root, "messages", json_array_new ());

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, root);

  return node;
}

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);

  return node;
}

typedef struct
{
  guint n_calls;
  guint position;
  guint removed;
  guint added;
} ItemsChanged;

static void
on_items_changed (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *record)
{
  record->n_calls++;
  record->position = position;
  record->removed = removed;
  record->added = added;

  /* The index is ready when the list says it changed. */
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(CfaiModel) item = g_list_model_get_item (model, i);

      g_assert_true (cfai_model_catalog_lookup (CFAI_MODEL_CATALOG (model), cfai_model_get_id (item)) == item);
    }
}

static void
watch_items (CfaiModelCatalog *catalog,
             ItemsChanged     *record)
{
  memset (record, 0, sizeof *record);
  g_signal_connect (catalog, "items-changed", G_CALLBACK (on_items_changed), record);
}

static void
unwatch_items (CfaiModelCatalog *catalog,
               ItemsChanged     *record)
{
  g_assert_cmpuint (g_signal_handlers_disconnect_by_data (catalog, record), ==, 1);
}

/* The items as pointers, to show a failed operation left them alone. */
static GPtrArray *
snapshot_items (CfaiModelCatalog *catalog)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (catalog));

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (catalog), i));

  return items;
}

static void
assert_items_are (CfaiModelCatalog *catalog,
                  GPtrArray        *items)
{
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, items->len);
  for (guint i = 0; i < items->len; i++)
    {
      g_autoptr(CfaiModel) item = g_list_model_get_item (G_LIST_MODEL (catalog), i);

      g_assert_true (item == g_ptr_array_index (items, i));
    }
}

static char *
model_to_string (CfaiModel *model)
{
  g_autoptr(JsonNode) node = cfai_model_to_json (model);

  return json_to_string (node, FALSE);
}

static void
on_notify_count (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static char *
make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("cfai-catalog-XXXXXX", &error);

  g_assert_no_error (error);

  return dir;
}

/* ------------------------------------------------------------------ */
/* Offline                                                            */
/* ------------------------------------------------------------------ */

static void
test_builtin (void)
{
  static const char *expected[] = {
    "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
    "@cf/meta/llama-3.1-8b-instruct-fast",
    "@cf/openai/gpt-oss-20b",
    "@cf/openai/gpt-oss-120b",
    "@cf/mistralai/mistral-small-3.1-24b-instruct",
    "@cf/meta/llama-4-scout-17b-16e-instruct",
    "@cf/qwen/qwq-32b",
    "@cf/qwen/qwen2.5-coder-32b-instruct",
    "@cf/zai-org/glm-4.7-flash",
    "@cf/google/gemma-4-26b-a4b-it",
    "@cf/moonshotai/kimi-k2.6",
    "@cf/moonshotai/kimi-k2.7-code",
    "@cf/deepseek-ai/deepseek-v4-pro-0813",
    "@cf/deepseek-ai/deepseek-v4-flash-0731",
    "@cf/qwen/qwen3.8-27b",
    "@cf/zai-org/glm-5.2",
    "@cf/zai-org/glm-5.3",
    "@cf/zai-org/glm-5.3-flash",
    "@cf/black-forest-labs/flux-1-schnell",
    "@cf/black-forest-labs/flux-2-dev",
    "@cf/black-forest-labs/flux-2-klein-4b",
    "@cf/black-forest-labs/flux-2-klein-9b",
    "@cf/stabilityai/stable-diffusion-xl-base-1.0",
    "@cf/bytedance/stable-diffusion-xl-lightning",
    "@cf/lykon/dreamshaper-8-lcm",
    "@cf/leonardo/phoenix-1.0",
    "@cf/leonardo/lucid-origin",
  };
  g_autofree char *tmpdir = make_tmpdir ();
  g_autofree char *cache_path = g_build_filename (tmpdir, "models.json", NULL);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GError) error = NULL;
  CfaiModelCatalog *catalog;
  CfaiModel *model;
  guint n_text = 0;
  guint n_image = 0;

  catalog = cfai_model_catalog_new (NULL, cache_path);
  g_assert_cmpstr (cfai_model_catalog_get_cache_path (catalog), ==, cache_path);
  g_assert_null (cfai_model_catalog_get_client (catalog));
  g_assert_cmpint (cfai_model_catalog_get_source (catalog), ==, CFAI_MODEL_CATALOG_SOURCE_BUILTIN);
  g_assert_null (cfai_model_catalog_get_fetched_at (catalog));
  g_assert_false (cfai_model_catalog_get_is_refreshing (catalog));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (catalog)) == CFAI_TYPE_MODEL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, N_BUILTIN);
  g_assert_cmpuint (G_N_ELEMENTS (expected), ==, N_BUILTIN);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (catalog), N_BUILTIN));

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      model = cfai_model_catalog_lookup (catalog, expected[i]);
      g_assert_nonnull (model);
      g_assert_cmpstr (cfai_model_get_id (model), ==, expected[i]);
      /* The fallback lists no retired or deprecated models. */
      g_assert_null (cfai_model_catalog_suggest_replacement (expected[i]));
      g_assert_false (cfai_model_is_deprecated_at (model, NULL));
      if (cfai_model_is_text_generation (model))
        n_text++;
      else if (cfai_model_is_text_to_image (model))
        n_image++;
      g_assert_true (cfai_model_matches (model, NULL, NULL));
    }
  g_assert_cmpuint (n_text, ==, 18);
  g_assert_cmpuint (n_image, ==, 9);

  g_assert_null (cfai_model_catalog_lookup (catalog, "@cf/meta/llama-3.1-8b-instruct"));
  g_assert_null (cfai_model_catalog_lookup (catalog, NULL));

  /* The values docs/workers-ai.md gives. */
  model = cfai_model_catalog_lookup (catalog, "@cf/meta/llama-3.3-70b-instruct-fp8-fast");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 24000);
  g_assert_cmpstr (cfai_model_get_display_name (model), ==, "Llama 3.3 70B Instruct FP8 Fast");
  model = cfai_model_catalog_lookup (catalog, "@cf/openai/gpt-oss-120b");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 128000);
  g_assert_true (cfai_model_get_reasoning (model));
  model = cfai_model_catalog_lookup (catalog, "@cf/openai/gpt-oss-20b");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 128000);
  g_assert_true (cfai_model_get_reasoning (model));
  model = cfai_model_catalog_lookup (catalog, "@cf/mistralai/mistral-small-3.1-24b-instruct");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 128000);
  g_assert_true (cfai_model_get_vision (model));
  model = cfai_model_catalog_lookup (catalog, "@cf/meta/llama-4-scout-17b-16e-instruct");
  g_assert_true (cfai_model_get_vision (model));
  model = cfai_model_catalog_lookup (catalog, "@cf/qwen/qwq-32b");
  g_assert_true (cfai_model_get_reasoning (model));
  g_assert_false (cfai_model_get_vision (model));
  model = cfai_model_catalog_lookup (catalog, "@cf/black-forest-labs/flux-1-schnell");
  g_assert_true (cfai_model_is_text_to_image (model));
  /* No prices offline: they change, and a stale one misleads. */
  g_assert_cmpuint (cfai_model_get_prices (model)->len, ==, 0);

  /* The 2026 models, as docs/workers-ai.md and their files describe them. */
  model = cfai_model_catalog_lookup (catalog, "@cf/moonshotai/kimi-k2.6");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 262144);
  g_assert_true (cfai_model_get_vision (model));
  g_assert_true (cfai_model_get_reasoning (model));
  g_assert_true (cfai_model_get_require_workers_paid (model));
  g_assert_cmpstr (cfai_model_get_display_name (model), ==, "Kimi K2.6");
  model = cfai_model_catalog_lookup (catalog, "@cf/google/gemma-4-26b-a4b-it");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 256000);
  g_assert_true (cfai_model_get_vision (model));
  g_assert_false (cfai_model_get_require_workers_paid (model));
  model = cfai_model_catalog_lookup (catalog, "@cf/deepseek-ai/deepseek-v4-pro-0813");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 1048576);
  g_assert_false (cfai_model_get_vision (model));
  g_assert_true (cfai_model_get_reasoning (model));
  model = cfai_model_catalog_lookup (catalog, "@cf/qwen/qwen3.8-27b");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 262144);
  g_assert_true (cfai_model_get_vision (model));
  model = cfai_model_catalog_lookup (catalog, "@cf/zai-org/glm-5.3");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 1310720);
  g_assert_cmpuint (cfai_model_get_prices (model)->len, ==, 0);

  /* Without a cache file the built-in list stays. */
  before = snapshot_items (catalog);
  g_assert_false (cfai_model_catalog_load_cache (catalog, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  assert_items_are (catalog, before);
  g_assert_cmpint (cfai_model_catalog_get_source (catalog), ==, CFAI_MODEL_CATALOG_SOURCE_BUILTIN);
  g_clear_error (&error);

  /* Nothing fetched, nothing to save. */
  g_assert_false (cfai_model_catalog_save_cache (catalog, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (g_file_test (cache_path, G_FILE_TEST_EXISTS));

  g_clear_pointer (&before, g_ptr_array_unref);
  g_assert_finalize_object (catalog);
  cfai_test_remove_tree (tmpdir);
}

static void
test_default_cache_path (void)
{
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "cfai", "models.json", NULL);
  CfaiModelCatalog *catalog = cfai_model_catalog_new (NULL, NULL);
  g_autofree char *path = NULL;

  g_assert_cmpstr (cfai_model_catalog_get_cache_path (catalog), ==, expected);
  g_object_get (catalog, "cache-path", &path, NULL);
  g_assert_cmpstr (path, ==, expected);
  g_assert_finalize_object (catalog);
}

/* The fallback must not contradict Cloudflare's own files where both
 * speak: same task, same context window, and every capability a file
 * sets is set here too. */
static void
test_builtin_agrees_with_files (void)
{
  static const char *flags[] = {
    "vision", "reasoning", "function-calling", "lora", "beta", "partner", "async-queue",
  };
  g_autoptr(GPtrArray) entries = load_fixture_entries ();
  CfaiModelCatalog *catalog = cfai_model_catalog_new (NULL, NULL);
  guint n_compared = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      JsonObject *entry = json_node_get_object (g_ptr_array_index (entries, i));
      g_autoptr(GError) error = NULL;
      g_autoptr(CfaiModel) file_model = cfai_model_new_from_json (entry, &error);
      CfaiModel *builtin;

      g_assert_no_error (error);
      builtin = cfai_model_catalog_lookup (catalog, cfai_model_get_id (file_model));
      if (builtin == NULL)
        continue;

      g_test_message ("%s", cfai_model_get_id (builtin));
      n_compared++;
      g_assert_cmpstr (cfai_model_get_task (builtin), ==, cfai_model_get_task (file_model));
      if (cfai_model_get_context_window (file_model) > 0)
        g_assert_cmpint (cfai_model_get_context_window (builtin), ==,
                         cfai_model_get_context_window (file_model));
      for (guint f = 0; f < G_N_ELEMENTS (flags); f++)
        {
          gboolean in_file, in_builtin;

          g_object_get (file_model, flags[f], &in_file, NULL);
          g_object_get (builtin, flags[f], &in_builtin, NULL);
          if (in_file)
            g_assert_true (in_builtin);
        }
    }

  /* Every built-in model has a file except kimi-k2.7-code,
   * deepseek-v4-flash, glm-5.2 and glm-5.3-flash (not copied: each is a
   * third of a megabyte, and their siblings are here). */
  g_assert_cmpuint (n_compared, ==, N_BUILTIN - 4);

  g_assert_finalize_object (catalog);
}

static void
test_replacements (void)
{
  static const struct
  {
    const char *retired;
    const char *replacement;
  } cases[] = {
    { "@cf/meta/llama-3.1-8b-instruct", "@cf/meta/llama-3.1-8b-instruct-fast" },
    { "@cf/meta/llama-3-8b-instruct", "@cf/meta/llama-3.1-8b-instruct-fast" },
    { "@cf/mistral/mistral-7b-instruct-v0.1", "@cf/mistralai/mistral-small-3.1-24b-instruct" },
    { "@cf/google/gemma-3-12b-it", "@cf/google/gemma-4-26b-a4b-it" },
    { "@hf/thebloke/llama-2-13b-chat-awq", "@cf/meta/llama-3.1-8b-instruct-fast" },
    { "@hf/thebloke/mistral-7b-instruct-v0.1-awq", "@cf/meta/llama-3.1-8b-instruct-fast" },
    { "@hf/thebloke/", NULL },
    { "@hf/thebloke", NULL },
    { "@cf/meta/llama-3.1-8b-instruct-fast", NULL },
    { "@cf/meta/llama-3.1-8b-instruct-fp8", NULL },
    { "@cf/meta/llama-3.1-8b", NULL },
    { "@cf/openai/gpt-oss-120b", NULL },
    { "", NULL },
  };
  CfaiModelCatalog *catalog = cfai_model_catalog_new (NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *suggestion = cfai_model_catalog_suggest_replacement (cases[i].retired);

      g_assert_cmpstr (suggestion, ==, cases[i].replacement);
      /* Suggestions are models the offline list itself offers. */
      if (suggestion != NULL)
        g_assert_nonnull (cfai_model_catalog_lookup (catalog, suggestion));
    }

  g_assert_finalize_object (catalog);
}

/* What the picker orders by lives beside the catalog: the recommended
 * first choices, and the authors' names as they write them. */
static void
test_recommended_and_authors (void)
{
  CfaiModelCatalog *catalog = cfai_model_catalog_new (NULL, NULL);
  g_autofree char *zai = cfai_model_author_display_name ("zai-org");
  g_autofree char *moonshot = cfai_model_author_display_name ("moonshotai");
  g_autofree char *unknown = cfai_model_author_display_name ("acme-labs");
  g_autofree char *none = cfai_model_author_display_name (NULL);

  g_assert_cmpint (cfai_model_catalog_get_recommended_rank ("@cf/meta/llama-3.3-70b-instruct-fp8-fast"), ==, 0);
  g_assert_cmpint (cfai_model_catalog_get_recommended_rank ("@cf/openai/gpt-oss-120b"), ==, 1);
  g_assert_cmpint (cfai_model_catalog_get_recommended_rank ("@cf/black-forest-labs/flux-1-schnell"), >, 1);
  g_assert_cmpint (cfai_model_catalog_get_recommended_rank ("@cf/acme/unknown"), ==, -1);
  /* Every recommendation is offered offline, and none is retired. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (catalog)); i++)
    {
      g_autoptr(CfaiModel) model = g_list_model_get_item (G_LIST_MODEL (catalog), i);

      if (cfai_model_catalog_get_recommended_rank (cfai_model_get_id (model)) >= 0)
        g_assert_null (cfai_model_catalog_suggest_replacement (cfai_model_get_id (model)));
    }

  g_assert_cmpstr (zai, ==, "Z.ai");
  g_assert_cmpstr (moonshot, ==, "Moonshot AI");
  g_assert_cmpstr (unknown, ==, "Acme Labs");
  g_assert_cmpstr (none, ==, "Other");
  g_assert_finalize_object (catalog);
}

/* The eighteen models of Cloudflare's "Planned model deprecations on
 * Workers AI" (2026-05-08), retired on 2026-05-30: each is named retired
 * before anything is sent, with a replacement the offline list offers. */
static void
test_retired_2026 (void)
{
  static const char * const retired[] = {
    "@cf/moonshotai/kimi-k2.5",
    "@hf/meta-llama/meta-llama-3-8b-instruct",
    "@cf/meta/llama-3-8b-instruct",
    "@cf/meta/llama-3-8b-instruct-awq",
    "@cf/meta/llama-3.1-8b-instruct",
    "@cf/meta/llama-3.1-8b-instruct-awq",
    "@cf/meta/llama-3.1-70b-instruct",
    "@cf/meta/llama-2-7b-chat-int8",
    "@cf/meta/llama-2-7b-chat-fp16",
    "@cf/mistral/mistral-7b-instruct-v0.1",
    "@hf/mistral/mistral-7b-instruct-v0.2",
    "@hf/google/gemma-7b-it",
    "@cf/google/gemma-3-12b-it",
    "@hf/nousresearch/hermes-2-pro-mistral-7b",
    "@cf/microsoft/phi-2",
    "@cf/defog/sqlcoder-7b-2",
    "@cf/unum/uform-gen2-qwen-500m",
    "@cf/facebook/bart-large-cnn",
  };
  /* The post says these stay. */
  static const char * const active[] = {
    "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
    "@cf/meta/llama-3.1-8b-instruct-fast",
    "@cf/google/gemma-7b-it-lora",
    "@cf/google/gemma-2b-it-lora",
    "@cf/mistral/mistral-7b-instruct-v0.2-lora",
    "@cf/meta-llama/llama-2-7b-chat-hf-lora",
    "@cf/moonshotai/kimi-k2.6",
  };
  CfaiModelCatalog *catalog = cfai_model_catalog_new (NULL, NULL);

  g_assert_cmpuint (G_N_ELEMENTS (retired), ==, 18);
  for (guint i = 0; i < G_N_ELEMENTS (retired); i++)
    {
      g_autoptr(GError) error = NULL;
      const char *replacement = cfai_model_catalog_suggest_replacement (retired[i]);

      g_test_message ("%s", retired[i]);
      g_assert_nonnull (replacement);
      g_assert_nonnull (cfai_model_catalog_lookup (catalog, replacement));
      g_assert_null (cfai_model_catalog_suggest_replacement (replacement));
      g_assert_false (cfai_model_catalog_check_not_retired (retired[i], &error));
      g_assert_error (error, CFAI_ERROR, CFAI_ERROR_MODEL_RETIRED);
      g_assert_nonnull (strstr (error->message, retired[i]));
      g_assert_nonnull (strstr (error->message, replacement));
      g_assert_nonnull (strstr (error->message, "2026-05-30"));
    }
  g_assert_cmpstr (cfai_model_catalog_suggest_replacement ("@cf/moonshotai/kimi-k2.5"), ==,
                   "@cf/moonshotai/kimi-k2.6");
  g_assert_cmpstr (cfai_model_catalog_suggest_replacement ("@cf/meta/llama-3.1-70b-instruct"), ==,
                   "@cf/meta/llama-3.3-70b-instruct-fp8-fast");

  for (guint i = 0; i < G_N_ELEMENTS (active); i++)
    {
      g_assert_null (cfai_model_catalog_suggest_replacement (active[i]));
      g_assert_true (cfai_model_catalog_check_not_retired (active[i], NULL));
    }

  g_assert_finalize_object (catalog);
}

/* When the server says 5007 for a known retirement, the message says
 * what to use; for any other model, or another error, nothing changes. */
static void
test_retired_explained (void)
{
  g_autoptr(GError) retired = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_NO_SUCH_MODEL, "No such model");
  g_autoptr(GError) unknown = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_NO_SUCH_MODEL, "No such model");
  g_autoptr(GError) other = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_SERVER, "Oops");

  cfai_model_catalog_explain_retired (retired, "@cf/google/gemma-3-12b-it");
  g_assert_error (retired, CFAI_ERROR, CFAI_ERROR_NO_SUCH_MODEL);
  g_assert_nonnull (strstr (retired->message, "@cf/google/gemma-4-26b-a4b-it"));
  g_assert_nonnull (strstr (retired->message, "No such model"));

  cfai_model_catalog_explain_retired (unknown, "@cf/acme/never-existed");
  g_assert_cmpstr (unknown->message, ==, "No such model");
  cfai_model_catalog_explain_retired (other, "@cf/google/gemma-3-12b-it");
  g_assert_cmpstr (other->message, ==, "Oops");
  cfai_model_catalog_explain_retired (NULL, "@cf/google/gemma-3-12b-it");
}

/* The defaults a fresh install starts with are models that still run. */
static void
test_defaults_not_retired (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "com.example.CfAI.gschema.xml", NULL);
  g_autofree char *schema = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("<default>'(@[^']+)'</default>", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  CfaiModelCatalog *catalog = cfai_model_catalog_new (NULL, NULL);
  guint n = 0;

  g_file_get_contents (path, &schema, NULL, &error);
  g_assert_no_error (error);
  for (g_regex_match (regex, schema, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *id = g_match_info_fetch (match, 1);

      g_test_message ("default %s", id);
      g_assert_true (cfai_model_catalog_check_not_retired (id, NULL));
      g_assert_nonnull (cfai_model_catalog_lookup (catalog, id));
      n++;
    }
  g_assert_cmpuint (n, ==, 3);  /* chat, image, prompt enhancement */
  g_assert_finalize_object (catalog);
}

/* ------------------------------------------------------------------ */
/* Pages                                                              */
/* ------------------------------------------------------------------ */

static void
test_load_pages (void)
{
  g_autoptr(GPtrArray) entries = load_fixture_entries ();
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GDateTime) fetched_at = g_date_time_new_utc (2026, 3, 1, 12, 0, 0);
  g_autoptr(GError) error = NULL;
  CfaiModelCatalog *catalog = cfai_model_catalog_new (NULL, NULL);
  ItemsChanged changed;
  guint n_notify_source = 0;
  guint n_notify_fetched_at = 0;

  for (guint first = 0; first < entries->len; first += 10)
    g_ptr_array_add (pages, make_page (entries, first, 10, first / 10 + 1, 10));

  watch_items (catalog, &changed);
  g_signal_connect (catalog, "notify::source", G_CALLBACK (on_notify_count), &n_notify_source);
  g_signal_connect (catalog, "notify::fetched-at", G_CALLBACK (on_notify_count), &n_notify_fetched_at);

  g_assert_true (cfai_model_catalog_load_from_pages (catalog, pages, fetched_at, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (changed.n_calls, ==, 1);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, N_BUILTIN);
  g_assert_cmpuint (changed.added, ==, entries->len);
  g_assert_cmpuint (n_notify_source, ==, 1);
  g_assert_cmpuint (n_notify_fetched_at, ==, 1);
  g_assert_cmpint (cfai_model_catalog_get_source (catalog), ==, CFAI_MODEL_CATALOG_SOURCE_NETWORK);
  g_assert_true (g_date_time_equal (cfai_model_catalog_get_fetched_at (catalog), fetched_at));

  /* In the server's order, each findable, each what its file says. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, entries->len);
  for (guint i = 0; i < entries->len; i++)
    {
      JsonObject *entry = json_node_get_object (g_ptr_array_index (entries, i));
      g_autoptr(CfaiModel) item = g_list_model_get_item (G_LIST_MODEL (catalog), i);
      const char *name = json_object_get_string_member (entry, "name");

      g_assert_cmpstr (cfai_model_get_id (item), ==, name);
      g_assert_cmpstr (cfai_model_get_uuid (item), ==, json_object_get_string_member (entry, "id"));
      g_assert_true (cfai_model_catalog_lookup (catalog, name) == item);
    }

  g_assert_cmpint (cfai_model_get_context_window (cfai_model_catalog_lookup (catalog, "@cf/qwen/qwq-32b")), ==, 24000);
  g_assert_true (cfai_model_get_partner (cfai_model_catalog_lookup (catalog, "@cf/leonardo/lucid-origin")));
  /* The retired model is listed while the catalog lists it. */
  g_assert_nonnull (cfai_model_catalog_lookup (catalog, "@cf/meta/llama-3.1-8b-instruct"));
  /* kimi-k2.7-code is only in the built-in list, which is gone now
   * (gemma-4 was, until its file was added). */
  g_assert_null (cfai_model_catalog_lookup (catalog, "@cf/moonshotai/kimi-k2.7-code"));

  unwatch_items (catalog, &changed);
  g_signal_handlers_disconnect_by_func (catalog, on_notify_count, &n_notify_source);
  g_signal_handlers_disconnect_by_func (catalog, on_notify_count, &n_notify_fetched_at);
  g_assert_finalize_object (catalog);
}

static void
test_load_pages_tolerant (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GDateTime) before_load = g_date_time_new_now_utc ();
  CfaiModelCatalog *catalog = cfai_model_catalog_new (NULL, NULL);
  GDateTime *fetched_at;
  CfaiModel *model;

  /* A page repeated by the server, a bare result array, entries that are
   * not models: the good ones are kept, each once, in first-seen order. */
  g_ptr_array_add (pages, parse ("{\"result\": [{\"name\": \"@cf/a/one\", \"id\": \"1\"},"
                                 "             {\"name\": \"@cf/a/two\"}],"
                                 " \"success\": true}"));
  g_ptr_array_add (pages, parse ("{\"result\": [{\"name\": \"@cf/a/one\", \"id\": \"1-again\"},"
                                 "             {\"name\": \"@cf/a/two\"}],"
                                 " \"success\": true}"));
  g_ptr_array_add (pages, parse ("[17, \"text\", null, {\"description\": \"no name\"},"
                                 " {\"name\": \"@cf/a/three\", \"properties\": \"bad\"},"
                                 " {\"name\": \"@cf/a/four\", \"properties\": [{\"property_id\": \"context_window\", \"value\": \"4096\"}]}]"));

  g_assert_true (cfai_model_catalog_load_from_pages (catalog, pages, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, 3);
  model = cfai_model_catalog_lookup (catalog, "@cf/a/one");
  g_assert_cmpstr (cfai_model_get_uuid (model), ==, "1");
  g_assert_nonnull (cfai_model_catalog_lookup (catalog, "@cf/a/two"));
  g_assert_null (cfai_model_catalog_lookup (catalog, "@cf/a/three"));
  model = cfai_model_catalog_lookup (catalog, "@cf/a/four");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 4096);

  /* No time given means now. */
  fetched_at = cfai_model_catalog_get_fetched_at (catalog);
  g_assert_nonnull (fetched_at);
  g_assert_cmpint (g_date_time_compare (fetched_at, before_load), >=, 0);

  g_assert_finalize_object (catalog);
}

static void
test_load_pages_errors (void)
{
  static const struct
  {
    const char *page;
    const char *message_part;
  } cases[] = {
    { "{\"success\": true}", "Page 1" },
    { "{\"result\": {\"models\": []}, \"success\": true}", "no list of models" },
    { "\"result\"", "no list of models" },
    { "{\"result\": [], \"success\": true}", "empty" },
    { "[]", "empty" },
    { "[{\"id\": \"x\"}, 3, {\"name\": 4}]", "None of the 3 models" },
  };
  CfaiModelCatalog *catalog = cfai_model_catalog_new (NULL, NULL);
  g_autoptr(GPtrArray) before = snapshot_items (catalog);
  ItemsChanged changed;

  watch_items (catalog, &changed);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) page = parse (cases[i].page);
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].page);
      g_assert_false (cfai_model_catalog_load_from_json (catalog, page, NULL, &error));
      g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, cases[i].message_part));
      assert_items_are (catalog, before);
      g_assert_cmpint (cfai_model_catalog_get_source (catalog), ==, CFAI_MODEL_CATALOG_SOURCE_BUILTIN);
      g_assert_null (cfai_model_catalog_get_fetched_at (catalog));
    }

  /* A good first page does not excuse a broken second one. */
  {
    g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
    g_autoptr(GError) error = NULL;

    g_ptr_array_add (pages, parse ("{\"result\": [{\"name\": \"@cf/a/one\"}]}"));
    g_ptr_array_add (pages, parse ("{\"result\": null}"));
    g_assert_false (cfai_model_catalog_load_from_pages (catalog, pages, NULL, &error));
    g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
    g_assert_nonnull (strstr (error->message, "Page 2"));
    assert_items_are (catalog, before);
  }

  g_assert_cmpuint (changed.n_calls, ==, 0);

  unwatch_items (catalog, &changed);
  g_clear_pointer (&before, g_ptr_array_unref);
  g_assert_finalize_object (catalog);
}

/* ------------------------------------------------------------------ */
/* Disk cache                                                         */
/* ------------------------------------------------------------------ */

static void
test_cache_round_trip (void)
{
  g_autoptr(GPtrArray) entries = load_fixture_entries ();
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GDateTime) fetched_at = g_date_time_new_utc (2026, 4, 2, 8, 30, 15.25);
  g_autofree char *tmpdir = make_tmpdir ();
  g_autofree char *cache_path = g_build_filename (tmpdir, "nested", "cfai", "models.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GDateTime) written_at = NULL;
  CfaiModelCatalog *written;
  CfaiModelCatalog *read;
  JsonObject *root;
  ItemsChanged changed;
  guint n_notify_fetched_at = 0;
  GStatBuf st;

  g_ptr_array_add (pages, make_page (entries, 0, entries->len, 1, 100));

  written = cfai_model_catalog_new (NULL, cache_path);
  g_assert_true (cfai_model_catalog_load_from_pages (written, pages, fetched_at, &error));
  g_assert_no_error (error);
  g_assert_true (cfai_model_catalog_save_cache (written, &error));
  g_assert_no_error (error);

  /* The file says what it is, which version, and when it was fetched;
   * only its owner can read it. */
  g_assert_cmpint (g_stat (cache_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  json_parser_load_from_file (parser, cache_path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "cfai-model-catalog");
  g_assert_cmpint (json_object_get_int_member (root, "version"), ==, CFAI_MODEL_CATALOG_CACHE_VERSION);
  written_at = g_date_time_new_from_iso8601 (json_object_get_string_member (root, "fetched_at"), NULL);
  g_assert_nonnull (written_at);
  g_assert_true (g_date_time_equal (written_at, fetched_at));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "models")), ==, entries->len);

  read = cfai_model_catalog_new (NULL, cache_path);
  watch_items (read, &changed);
  g_signal_connect (read, "notify::fetched-at", G_CALLBACK (on_notify_count), &n_notify_fetched_at);

  g_assert_true (cfai_model_catalog_load_cache (read, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (changed.n_calls, ==, 1);
  g_assert_cmpuint (changed.removed, ==, N_BUILTIN);
  g_assert_cmpuint (changed.added, ==, entries->len);
  g_assert_cmpuint (n_notify_fetched_at, ==, 1);
  g_assert_cmpint (cfai_model_catalog_get_source (read), ==, CFAI_MODEL_CATALOG_SOURCE_CACHE);
  g_assert_true (g_date_time_equal (cfai_model_catalog_get_fetched_at (read), fetched_at));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (read)), ==, entries->len);
  for (guint i = 0; i < entries->len; i++)
    {
      g_autoptr(CfaiModel) a = g_list_model_get_item (G_LIST_MODEL (written), i);
      g_autoptr(CfaiModel) b = g_list_model_get_item (G_LIST_MODEL (read), i);
      g_autofree char *text_a = model_to_string (a);
      g_autofree char *text_b = model_to_string (b);

      g_assert_cmpstr (text_a, ==, text_b);
      g_assert_cmpstr (cfai_model_get_display_name (a), ==, cfai_model_get_display_name (b));
      g_assert_cmpfloat (cfai_model_get_price_per_m_output (a), ==, cfai_model_get_price_per_m_output (b));
    }

  /* Saving what was read gives the same file. */
  {
    g_autofree char *first = NULL;
    g_autofree char *second = NULL;

    g_file_get_contents (cache_path, &first, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (cfai_model_catalog_save_cache (read, &error));
    g_assert_no_error (error);
    g_file_get_contents (cache_path, &second, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (first, ==, second);
  }

  unwatch_items (read, &changed);
  g_signal_handlers_disconnect_by_func (read, on_notify_count, &n_notify_fetched_at);
  g_assert_finalize_object (written);
  g_assert_finalize_object (read);
  cfai_test_remove_tree (tmpdir);
}

static void
test_cache_corrupt (void)
{
  static const struct
  {
    const char *contents;
    GQuark      (*domain) (void);
    int         code;
    const char *message_part;
  } cases[] = {
    { "", g_io_error_quark, G_IO_ERROR_INVALID_DATA, "damaged" },
    { "{\"format\": \"cfai-model-catalog\", \"version\": 1, \"fetc", g_io_error_quark, G_IO_ERROR_INVALID_DATA, "damaged" },
    { "\x89PNG\r\n\x1a\n", g_io_error_quark, G_IO_ERROR_INVALID_DATA, "damaged" },
    { "[]", g_io_error_quark, G_IO_ERROR_INVALID_DATA, "not a JSON object" },
    { "{\"result\": []}", g_io_error_quark, G_IO_ERROR_INVALID_DATA, "not a model cache" },
    { "{\"format\": \"cfai-model-catalog\", \"fetched_at\": \"2026-01-01T00:00:00Z\", \"models\": []}",
      g_io_error_quark, G_IO_ERROR_INVALID_DATA, "no format version" },
    { "{\"format\": \"cfai-model-catalog\", \"version\": \"1\", \"fetched_at\": \"2026-01-01T00:00:00Z\", \"models\": []}",
      g_io_error_quark, G_IO_ERROR_INVALID_DATA, "no format version" },
    { "{\"format\": \"cfai-model-catalog\", \"version\": 2, \"fetched_at\": \"2026-01-01T00:00:00Z\", \"models\": []}",
      g_io_error_quark, G_IO_ERROR_NOT_SUPPORTED, "newer version" },
    { "{\"format\": \"cfai-model-catalog\", \"version\": 1, \"models\": [{\"name\": \"@cf/a/b\"}]}",
      g_io_error_quark, G_IO_ERROR_INVALID_DATA, "when it was fetched" },
    { "{\"format\": \"cfai-model-catalog\", \"version\": 1, \"fetched_at\": \"yesterday\", \"models\": [{\"name\": \"@cf/a/b\"}]}",
      g_io_error_quark, G_IO_ERROR_INVALID_DATA, "when it was fetched" },
    { "{\"format\": \"cfai-model-catalog\", \"version\": 1, \"fetched_at\": \"2026-01-01T00:00:00Z\"}",
      g_io_error_quark, G_IO_ERROR_INVALID_DATA, "no list of models" },
    { "{\"format\": \"cfai-model-catalog\", \"version\": 1, \"fetched_at\": \"2026-01-01T00:00:00Z\", \"models\": []}",
      g_io_error_quark, G_IO_ERROR_INVALID_DATA, "empty" },
    /* Our own file is all or nothing: one bad model means damage. */
    { "{\"format\": \"cfai-model-catalog\", \"version\": 1, \"fetched_at\": \"2026-01-01T00:00:00Z\","
      " \"models\": [{\"name\": \"@cf/a/b\"}, {\"name\": 5}]}",
      g_io_error_quark, G_IO_ERROR_INVALID_DATA, "Model 2 of page 1" },
    { "{\"format\": \"cfai-model-catalog\", \"version\": 1, \"fetched_at\": \"2026-01-01T00:00:00Z\","
      " \"models\": [{\"name\": \"@cf/a/b\"}, []]}",
      g_io_error_quark, G_IO_ERROR_INVALID_DATA, "not an object" },
  };
  g_autofree char *tmpdir = make_tmpdir ();
  g_autofree char *cache_path = g_build_filename (tmpdir, "models.json", NULL);
  g_autoptr(GError) error = NULL;
  CfaiModelCatalog *catalog = cfai_model_catalog_new (NULL, cache_path);
  g_autoptr(GPtrArray) before = snapshot_items (catalog);
  ItemsChanged changed;

  watch_items (catalog, &changed);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].contents);
      g_file_set_contents (cache_path, cases[i].contents, -1, &error);
      g_assert_no_error (error);

      g_assert_false (cfai_model_catalog_load_cache (catalog, &error));
      g_assert_error (error, cases[i].domain (), cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message_part));
      /* The message names the file, so the user can find it. */
      g_assert_nonnull (strstr (error->message, cache_path));
      g_clear_error (&error);

      assert_items_are (catalog, before);
      g_assert_cmpint (cfai_model_catalog_get_source (catalog), ==, CFAI_MODEL_CATALOG_SOURCE_BUILTIN);
      g_assert_null (cfai_model_catalog_get_fetched_at (catalog));
    }

  g_assert_cmpuint (changed.n_calls, ==, 0);

  /* A good file after all that loads. */
  g_file_set_contents (cache_path,
                       "{\"format\": \"cfai-model-catalog\", \"version\": 1, \"fetched_at\": \"2026-01-01T00:00:00Z\","
                       " \"models\": [{\"name\": \"@cf/a/b\"}]}", -1, &error);
  g_assert_no_error (error);
  g_assert_true (cfai_model_catalog_load_cache (catalog, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed.n_calls, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, 1);

  unwatch_items (catalog, &changed);
  g_clear_pointer (&before, g_ptr_array_unref);
  g_assert_finalize_object (catalog);
  cfai_test_remove_tree (tmpdir);
}

static void
on_cache_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GError **error = user_data;

  if (cfai_model_catalog_load_cache_finish (CFAI_MODEL_CATALOG (source), result, error))
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "loaded");
}

/* Loads @catalog's cache asynchronously; returns NULL on success. */
static GError *
load_cache_async (CfaiModelCatalog *catalog,
                  gboolean          load_pages_meanwhile)
{
  GError *error = NULL;

  cfai_model_catalog_load_cache_async (catalog, NULL, on_cache_loaded, &error);
  /* The file is read in a worker; until the main loop runs, nothing changed. */
  g_assert_cmpint (cfai_model_catalog_get_source (catalog), ==, CFAI_MODEL_CATALOG_SOURCE_BUILTIN);
  if (load_pages_meanwhile)
    {
      g_autoptr(JsonNode) page = parse ("{\"result\": [{\"name\": \"@cf/live/model\"}]}");

      g_assert_true (cfai_model_catalog_load_from_json (catalog, page, NULL, NULL));
    }
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS) && g_str_equal (error->message, "loaded"))
    g_clear_error (&error);
  return error;
}

static void
test_cache_async (void)
{
  g_autoptr(GPtrArray) entries = load_fixture_entries ();
  g_autoptr(JsonNode) page = make_page (entries, 0, entries->len, 1, 100);
  g_autoptr(GDateTime) fetched_at = g_date_time_new_utc (2026, 5, 1, 9, 0, 0);
  g_autofree char *tmpdir = make_tmpdir ();
  g_autofree char *cache_path = g_build_filename (tmpdir, "models.json", NULL);
  g_autoptr(GError) error = NULL;
  CfaiModelCatalog *catalog;
  ItemsChanged changed;

  /* No file yet: the built-in list stays. */
  catalog = cfai_model_catalog_new (NULL, cache_path);
  error = load_cache_async (catalog, FALSE);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, N_BUILTIN);

  g_assert_true (cfai_model_catalog_load_from_json (catalog, page, fetched_at, &error));
  g_assert_no_error (error);
  g_assert_true (cfai_model_catalog_save_cache (catalog, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (catalog);

  /* What was saved comes back, in one change, as the cache. */
  catalog = cfai_model_catalog_new (NULL, cache_path);
  watch_items (catalog, &changed);
  error = load_cache_async (catalog, FALSE);
  g_assert_no_error (error);
  g_assert_cmpuint (changed.n_calls, ==, 1);
  g_assert_cmpint (cfai_model_catalog_get_source (catalog), ==, CFAI_MODEL_CATALOG_SOURCE_CACHE);
  g_assert_true (g_date_time_equal (cfai_model_catalog_get_fetched_at (catalog), fetched_at));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, entries->len);
  g_assert_nonnull (cfai_model_catalog_lookup (catalog, "@cf/moonshotai/kimi-k2.6"));
  unwatch_items (catalog, &changed);
  g_assert_finalize_object (catalog);

  /* A live list fetched while the file was read is newer: it stays. */
  catalog = cfai_model_catalog_new (NULL, cache_path);
  error = load_cache_async (catalog, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpint (cfai_model_catalog_get_source (catalog), ==, CFAI_MODEL_CATALOG_SOURCE_NETWORK);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, 1);
  g_assert_finalize_object (catalog);

  /* A damaged file is reported as in the synchronous form. */
  g_file_set_contents (cache_path, "{\"format\": \"cfai-model-catalog\"}", -1, &error);
  g_assert_no_error (error);
  catalog = cfai_model_catalog_new (NULL, cache_path);
  error = load_cache_async (catalog, FALSE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, cache_path));
  g_clear_error (&error);
  g_assert_cmpint (cfai_model_catalog_get_source (catalog), ==, CFAI_MODEL_CATALOG_SOURCE_BUILTIN);
  g_assert_finalize_object (catalog);

  cfai_test_remove_tree (tmpdir);
}

static void
test_cache_unwritable (void)
{
  g_autofree char *tmpdir = make_tmpdir ();
  g_autofree char *blocker = g_build_filename (tmpdir, "file", NULL);
  g_autofree char *cache_path = g_build_filename (blocker, "models.json", NULL);
  g_autoptr(JsonNode) page = parse ("[{\"name\": \"@cf/a/b\"}]");
  g_autoptr(GError) error = NULL;
  CfaiModelCatalog *catalog;

  /* The cache's folder would have to be inside a regular file. */
  g_file_set_contents (blocker, "", 0, &error);
  g_assert_no_error (error);

  catalog = cfai_model_catalog_new (NULL, cache_path);
  g_assert_true (cfai_model_catalog_load_from_json (catalog, page, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (cfai_model_catalog_save_cache (catalog, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (cache_path, G_FILE_TEST_EXISTS));
  /* The loaded catalog is still in use. */
  g_assert_nonnull (cfai_model_catalog_lookup (catalog, "@cf/a/b"));

  g_assert_finalize_object (catalog);
  cfai_test_remove_tree (tmpdir);
}

/* ------------------------------------------------------------------ */
/* Refresh                                                            */
/* ------------------------------------------------------------------ */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
  gboolean  refreshing_in_callback;
} RefreshOutcome;

static void
on_refreshed (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  RefreshOutcome *outcome = user_data;

  outcome->ok = cfai_model_catalog_refresh_finish (CFAI_MODEL_CATALOG (object), result, &outcome->error);
  outcome->refreshing_in_callback = cfai_model_catalog_get_is_refreshing (CFAI_MODEL_CATALOG (object));
  outcome->done = TRUE;
}

static void
wait_for (RefreshOutcome *outcome)
{
  while (!outcome->done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
refresh (CfaiModelCatalog  *catalog,
         GError           **error)
{
  RefreshOutcome outcome = { 0 };

  cfai_model_catalog_refresh_async (catalog, NULL, on_refreshed, &outcome);
  g_assert_true (cfai_model_catalog_get_is_refreshing (catalog) ==
                 (cfai_model_catalog_get_client (catalog) != NULL));
  wait_for (&outcome);
  g_assert_false (outcome.refreshing_in_callback);
  g_assert_false (cfai_model_catalog_get_is_refreshing (catalog));
  g_assert_true (outcome.ok == (outcome.error == NULL));
  if (outcome.error != NULL)
    g_propagate_error (error, outcome.error);

  return outcome.ok;
}

static void
test_refresh_offline (void)
{
  CfaiModelCatalog *catalog = cfai_model_catalog_new (NULL, NULL);
  g_autoptr(GPtrArray) before = snapshot_items (catalog);
  g_autoptr(GError) error = NULL;

  g_assert_false (refresh (catalog, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS);
  assert_items_are (catalog, before);

  g_clear_pointer (&before, g_ptr_array_unref);
  g_assert_finalize_object (catalog);
}

typedef enum
{
  SERVE_PAGED,          /* result_info with total_count */
  SERVE_NO_INFO,        /* no result_info at all */
  SERVE_REPEAT,         /* every page is page 1; total_count lies */
  SERVE_ENDLESS,        /* new models on every page, no total */
  SERVE_FAIL_PAGE_2,    /* page 2 answers 500 */
  SERVE_NO_RESULT,      /* "result" is not a list */
} ServeMode;

typedef struct
{
  SoupServer *server;
  CfaiClient *client;
  char       *tmpdir;
  char       *cache_path;
  ServeMode   mode;
  guint       n_models;
  guint       max_per_page;
  GArray     *pages;       /* of guint: the page numbers asked for */
} Fixture;

static void
add_model (JsonArray *array,
           guint      i)
{
  JsonObject *entry = json_object_new ();
  JsonObject *task = json_object_new ();
  JsonArray *props = json_array_new ();
  JsonObject *context = json_object_new ();
  g_autofree char *name = g_strdup_printf ("@cf/test/model-%04u", i);
  g_autofree char *uuid = g_strdup_printf ("00000000-0000-4000-8000-%012u", i);
  g_autofree char *window = g_strdup_printf ("%u", 1000 + i);

  json_object_set_string_member (task, "name", "Text Generation");
  json_object_set_string_member (context, "property_id", "context_window");
  json_object_set_string_member (context, "value", window);
  json_array_add_object_element (props, context);

  json_object_set_string_member (entry, "id", uuid);
  json_object_set_string_member (entry, "name", name);
  json_object_set_object_member (entry, "task", task);
  json_object_set_array_member (entry, "properties", props);
  json_array_add_object_element (array, entry);
}

static guint
query_uint (GHashTable *query,
            const char *name)
{
  const char *value = query != NULL ? g_hash_table_lookup (query, name) : NULL;
  guint64 n = 0;

  g_assert_nonnull (value);
  g_assert_true (g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &n, NULL));

  return n;
}

static void
handle_search (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Fixture *fixture = user_data;
  guint page = query_uint (query, "page");
  guint per_page = query_uint (query, "per_page");
  g_autoptr(JsonNode) root = NULL;
  JsonObject *envelope;
  JsonArray *result = json_array_new ();
  guint first;
  guint end;
  char *body;

  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "GET");
  g_assert_cmpstr (soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization"),
                   ==, "Bearer test-token");
  /* The catalog always asks for the largest page. */
  g_assert_cmpuint (per_page, ==, CFAI_MODEL_CATALOG_PER_PAGE);
  g_array_append_val (fixture->pages, page);

  per_page = MIN (per_page, fixture->max_per_page);

  if (fixture->mode == SERVE_FAIL_PAGE_2 && page >= 2)
    {
      json_array_unref (result);
      soup_server_message_set_status (msg, 500, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                        "<html>Internal error</html>", 27);
      return;
    }

  first = fixture->mode == SERVE_REPEAT ? 0 : (page - 1) * per_page;
  end = first + per_page;
  if (fixture->mode != SERVE_ENDLESS)
    end = MIN (end, fixture->n_models);
  for (guint i = first; i < end; i++)
    add_model (result, i);

  envelope = json_object_new ();
  if (fixture->mode == SERVE_NO_RESULT)
    {
      json_array_unref (result);
      json_object_set_object_member (envelope, "result", json_object_new ());
    }
  else
    {
      json_object_set_array_member (envelope, "result", result);
    }

  if (fixture->mode != SERVE_NO_INFO)
    {
      JsonObject *info = json_object_new ();

      json_object_set_int_member (info, "page", page);
      json_object_set_int_member (info, "per_page", per_page);
      json_object_set_int_member (info, "count", end > first ? end - first : 0);
      if (fixture->mode == SERVE_REPEAT)
        json_object_set_int_member (info, "total_count", 1000);
      else if (fixture->mode != SERVE_ENDLESS)
        json_object_set_int_member (info, "total_count", fixture->n_models);
      json_object_set_object_member (envelope, "result_info", info);
    }

  json_object_set_boolean_member (envelope, "success", TRUE);
  json_object_set_array_member (envelope, "errors", json_array_new ());
  json_object_set_array_member (envelope, "messages", json_array_new ());

  root = json_node_init_object (json_node_alloc (), envelope);
  json_object_unref (envelope);
  body = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, strlen (body));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CfaiRetryPolicy) policy = cfai_retry_policy_new ();
  g_autoslist(GUri) uris = NULL;
  g_autofree char *base = NULL;

  fixture->tmpdir = make_tmpdir ();
  fixture->cache_path = g_build_filename (fixture->tmpdir, "cache", "models.json", NULL);
  fixture->pages = g_array_new (FALSE, FALSE, sizeof (guint));
  fixture->max_per_page = 100;

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, SEARCH_PATH, handle_search, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  base = g_strdup_printf ("http://127.0.0.1:%d/client/v4", g_uri_get_port (uris->data));

  /* Failures are the point of some tests: do not wait out retries. */
  cfai_retry_policy_set_max_retries (policy, 0);

  fixture->client = cfai_client_new ();
  cfai_credentials_set_api_base_url (cfai_client_get_credentials (fixture->client), base);
  cfai_credentials_set_account_id (cfai_client_get_credentials (fixture->client), "test-account");
  cfai_credentials_set_api_token (cfai_client_get_credentials (fixture->client), "test-token");
  cfai_client_set_retry_policy (fixture->client, policy);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_assert_finalize_object (fixture->client);
  soup_server_disconnect (fixture->server);
  g_assert_finalize_object (fixture->server);
  g_array_unref (fixture->pages);
  cfai_test_remove_tree (fixture->tmpdir);
  g_free (fixture->tmpdir);
  g_free (fixture->cache_path);
}

static void
assert_pages (Fixture *fixture,
              guint    n_pages)
{
  g_assert_cmpuint (fixture->pages->len, ==, n_pages);
  for (guint i = 0; i < n_pages; i++)
    g_assert_cmpuint (g_array_index (fixture->pages, guint, i), ==, i + 1);
}

static void
assert_test_models (CfaiModelCatalog *catalog,
                    guint             n_models)
{
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, n_models);
  for (guint i = 0; i < n_models; i++)
    {
      g_autoptr(CfaiModel) model = g_list_model_get_item (G_LIST_MODEL (catalog), i);
      g_autofree char *name = g_strdup_printf ("@cf/test/model-%04u", i);

      g_assert_cmpstr (cfai_model_get_id (model), ==, name);
      g_assert_cmpint (cfai_model_get_context_window (model), ==, 1000 + i);
    }
}

/* One refresh against the local server: returns the catalog. */
static CfaiModelCatalog *
refresh_ok (Fixture *fixture,
            guint    expected_models,
            guint    expected_pages)
{
  g_autoptr(GError) error = NULL;
  CfaiModelCatalog *catalog = cfai_model_catalog_new (fixture->client, fixture->cache_path);
  ItemsChanged changed;

  g_assert_true (cfai_model_catalog_get_client (catalog) == fixture->client);

  watch_items (catalog, &changed);
  g_assert_true (refresh (catalog, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed.n_calls, ==, 1);
  g_assert_cmpuint (changed.removed, ==, N_BUILTIN);
  g_assert_cmpuint (changed.added, ==, expected_models);
  unwatch_items (catalog, &changed);

  g_assert_cmpint (cfai_model_catalog_get_source (catalog), ==, CFAI_MODEL_CATALOG_SOURCE_NETWORK);
  g_assert_nonnull (cfai_model_catalog_get_fetched_at (catalog));
  assert_test_models (catalog, expected_models);
  assert_pages (fixture, expected_pages);

  return catalog;
}

static void
test_refresh_pages (Fixture       *fixture,
                    gconstpointer  data)
{
  CfaiModelCatalog *catalog;
  CfaiModelCatalog *offline;
  g_autoptr(GError) error = NULL;

  /* 100 + 100 + 50: the short page is the last. */
  fixture->n_models = 250;
  catalog = refresh_ok (fixture, 250, 3);

  /* The refresh saved what it fetched. */
  offline = cfai_model_catalog_new (NULL, fixture->cache_path);
  g_assert_true (cfai_model_catalog_load_cache (offline, &error));
  g_assert_no_error (error);
  assert_test_models (offline, 250);
  g_assert_true (g_date_time_equal (cfai_model_catalog_get_fetched_at (offline),
                                    cfai_model_catalog_get_fetched_at (catalog)));

  g_assert_finalize_object (offline);
  g_assert_finalize_object (catalog);
}

static void
test_refresh_total_count (Fixture       *fixture,
                          gconstpointer  data)
{
  /* Two full pages make total_count: no third request for nothing. */
  fixture->n_models = 200;
  g_assert_finalize_object (refresh_ok (fixture, 200, 2));
}

static void
test_refresh_capped_per_page (Fixture       *fixture,
                              gconstpointer  data)
{
  /* A server that serves 20 per page and says so is paged to the end,
   * not taken as finished after its first "short" page. */
  fixture->n_models = 250;
  fixture->max_per_page = 20;
  g_assert_finalize_object (refresh_ok (fixture, 250, 13));
}

static void
test_refresh_no_info (Fixture       *fixture,
                      gconstpointer  data)
{
  fixture->mode = SERVE_NO_INFO;
  fixture->n_models = 200;
  /* Full, full, empty. */
  g_assert_finalize_object (refresh_ok (fixture, 200, 3));
}

static void
test_refresh_repeated_pages (Fixture       *fixture,
                             gconstpointer  data)
{
  fixture->mode = SERVE_REPEAT;
  fixture->n_models = 100;
  /* Page 2 brings nothing new, so page 3 is never asked for. */
  g_assert_finalize_object (refresh_ok (fixture, 100, 2));
}

static void
test_refresh_endless (Fixture       *fixture,
                      gconstpointer  data)
{
  fixture->mode = SERVE_ENDLESS;
  g_assert_finalize_object (refresh_ok (fixture,
                                        CFAI_MODEL_CATALOG_MAX_PAGES * CFAI_MODEL_CATALOG_PER_PAGE,
                                        CFAI_MODEL_CATALOG_MAX_PAGES));
}

static void
test_refresh_failure_keeps_items (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GDateTime) cached_at = NULL;
  g_autofree char *cache_before = NULL;
  g_autofree char *cache_after = NULL;
  CfaiModelCatalog *catalog;
  ItemsChanged changed;

  /* A good refresh first, to have a cache. */
  fixture->n_models = 250;
  g_assert_finalize_object (refresh_ok (fixture, 250, 3));
  g_file_get_contents (fixture->cache_path, &cache_before, NULL, &error);
  g_assert_no_error (error);

  catalog = cfai_model_catalog_new (fixture->client, fixture->cache_path);
  g_assert_true (cfai_model_catalog_load_cache (catalog, &error));
  g_assert_no_error (error);
  cached_at = g_date_time_ref (cfai_model_catalog_get_fetched_at (catalog));
  before = snapshot_items (catalog);
  watch_items (catalog, &changed);

  /* Page 1 arrives, page 2 fails: nothing of page 1 is used. */
  fixture->mode = SERVE_FAIL_PAGE_2;
  g_array_set_size (fixture->pages, 0);
  g_assert_false (refresh (catalog, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_SERVER);
  g_clear_error (&error);
  assert_pages (fixture, 2);

  g_assert_cmpuint (changed.n_calls, ==, 0);
  assert_items_are (catalog, before);
  g_assert_cmpint (cfai_model_catalog_get_source (catalog), ==, CFAI_MODEL_CATALOG_SOURCE_CACHE);
  g_assert_true (g_date_time_equal (cfai_model_catalog_get_fetched_at (catalog), cached_at));

  /* An answer that is not a catalog fails the same way. */
  fixture->mode = SERVE_NO_RESULT;
  g_array_set_size (fixture->pages, 0);
  g_assert_false (refresh (catalog, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  assert_pages (fixture, 1);
  g_assert_cmpuint (changed.n_calls, ==, 0);
  assert_items_are (catalog, before);

  /* And the cache file was not touched. */
  g_file_get_contents (fixture->cache_path, &cache_after, NULL, NULL);
  g_assert_cmpstr (cache_before, ==, cache_after);

  unwatch_items (catalog, &changed);
  g_clear_pointer (&before, g_ptr_array_unref);
  g_assert_finalize_object (catalog);
}

static void
test_refresh_pending (Fixture       *fixture,
                      gconstpointer  data)
{
  RefreshOutcome first = { 0 };
  RefreshOutcome second = { 0 };
  CfaiModelCatalog *catalog = cfai_model_catalog_new (fixture->client, fixture->cache_path);

  fixture->n_models = 30;

  cfai_model_catalog_refresh_async (catalog, NULL, on_refreshed, &first);
  cfai_model_catalog_refresh_async (catalog, NULL, on_refreshed, &second);
  wait_for (&second);
  g_assert_false (second.ok);
  g_assert_error (second.error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_assert_true (cfai_model_catalog_get_is_refreshing (catalog));

  wait_for (&first);
  g_assert_no_error (first.error);
  g_assert_true (first.ok);
  assert_test_models (catalog, 30);
  assert_pages (fixture, 1);

  g_clear_error (&second.error);
  g_assert_finalize_object (catalog);
}

static void
test_refresh_cancel (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  RefreshOutcome outcome = { 0 };
  CfaiModelCatalog *catalog = cfai_model_catalog_new (fixture->client, fixture->cache_path);
  g_autoptr(GPtrArray) before = snapshot_items (catalog);

  fixture->n_models = 250;

  cfai_model_catalog_refresh_async (catalog, cancellable, on_refreshed, &outcome);
  g_cancellable_cancel (cancellable);
  wait_for (&outcome);
  g_assert_false (outcome.ok);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (cfai_model_catalog_get_is_refreshing (catalog));
  assert_items_are (catalog, before);
  g_assert_false (g_file_test (fixture->cache_path, G_FILE_TEST_EXISTS));

  g_clear_error (&outcome.error);
  g_clear_pointer (&before, g_ptr_array_unref);
  g_assert_finalize_object (catalog);
}

static void
on_is_refreshing (GObject    *object,
                  GParamSpec *pspec,
                  GString    *log)
{
  g_string_append_c (log, cfai_model_catalog_get_is_refreshing (CFAI_MODEL_CATALOG (object)) ? 'T' : 'F');
}

static void
test_refresh_notifies (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  CfaiModelCatalog *catalog = cfai_model_catalog_new (fixture->client, fixture->cache_path);
  guint n_source = 0;

  fixture->n_models = 5;
  g_signal_connect (catalog, "notify::is-refreshing", G_CALLBACK (on_is_refreshing), log);
  g_signal_connect (catalog, "notify::source", G_CALLBACK (on_notify_count), &n_source);

  g_assert_true (refresh (catalog, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (log->str, ==, "TF");
  g_assert_cmpuint (n_source, ==, 1);

  g_assert_true (refresh (catalog, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (log->str, ==, "TFTF");
  /* Still from the network: no change to announce. */
  g_assert_cmpuint (n_source, ==, 1);

  g_signal_handlers_disconnect_by_data (catalog, log);
  g_signal_handlers_disconnect_by_data (catalog, &n_source);
  g_assert_finalize_object (catalog);
}

/* ------------------------------------------------------------------ */
/* Against the fake Workers AI server                                 */
/* ------------------------------------------------------------------ */

static CfaiClient *
fake_client (CfaiTestServer *server,
             const char     *scenario)
{
  g_autofree char *base = cfai_test_server_api_base (server, scenario);
  g_autoptr(CfaiRetryPolicy) policy = cfai_retry_policy_new ();
  CfaiClient *client = cfai_client_new ();

  cfai_retry_policy_set_max_retries (policy, 0);
  cfai_credentials_set_api_base_url (cfai_client_get_credentials (client), base);
  cfai_credentials_set_account_id (cfai_client_get_credentials (client), "test-account");
  cfai_credentials_set_api_token (cfai_client_get_credentials (client), "test-token");
  cfai_client_set_retry_policy (client, policy);

  return client;
}

static void
on_total_count (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  gint64 *total = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = cfai_client_get_json_finish (CFAI_CLIENT (object), result, &error);
  JsonObject *info;

  g_assert_no_error (error);
  info = json_object_get_object_member (json_node_get_object (root), "result_info");
  *total = json_object_get_int_member (info, "total_count");
}

static void
test_refresh_fake_server (void)
{
  g_autoptr(CfaiTestServer) server = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *cache_path = NULL;
  g_autofree char *cache_before = NULL;
  g_autofree char *cache_after = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GError) error = NULL;
  CfaiModelCatalog *catalog;
  CfaiClient *client;
  CfaiModel *model;
  gint64 total = -1;
  ItemsChanged changed;

  if (g_getenv ("FAKE_WORKERS_AI") == NULL)
    {
      g_test_skip ("FAKE_WORKERS_AI does not name the fake server");
      return;
    }

  server = cfai_test_server_start ();
  tmpdir = make_tmpdir ();
  cache_path = g_build_filename (tmpdir, "models.json", NULL);

  /* What the server says it has, asked in one page of 20. */
  client = fake_client (server, NULL);
  cfai_client_get_json_async (client, "/ai/models/search?per_page=20&page=1", NULL, on_total_count, &total);
  while (total < 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (total, >=, 28);

  catalog = cfai_model_catalog_new (client, cache_path);
  watch_items (catalog, &changed);
  g_assert_true (refresh (catalog, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed.n_calls, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, total);

  model = cfai_model_catalog_lookup (catalog, "@cf/meta/llama-3.3-70b-instruct-fp8-fast");
  g_assert_nonnull (model);
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 24000);
  g_assert_cmpfloat_with_epsilon (cfai_model_get_price_per_m_output (model), 2.25, 1e-12);
  model = cfai_model_catalog_lookup (catalog, "@cf/black-forest-labs/flux-2-dev");
  g_assert_nonnull (model);
  g_assert_true (cfai_model_is_text_to_image (model));
  unwatch_items (catalog, &changed);
  g_assert_finalize_object (catalog);
  g_assert_finalize_object (client);

  g_file_get_contents (cache_path, &cache_before, NULL, &error);
  g_assert_no_error (error);

  /* Next start: the cache loads, then the server fails; the cached
   * catalog stays, and so does the file. */
  client = fake_client (server, "server-error");
  catalog = cfai_model_catalog_new (client, cache_path);
  g_assert_true (cfai_model_catalog_load_cache (catalog, &error));
  g_assert_no_error (error);
  before = snapshot_items (catalog);
  g_assert_cmpuint (before->len, ==, total);
  watch_items (catalog, &changed);

  g_assert_false (refresh (catalog, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_SERVER);
  g_assert_cmpuint (changed.n_calls, ==, 0);
  assert_items_are (catalog, before);
  g_assert_cmpint (cfai_model_catalog_get_source (catalog), ==, CFAI_MODEL_CATALOG_SOURCE_CACHE);
  g_file_get_contents (cache_path, &cache_after, NULL, NULL);
  g_assert_cmpstr (cache_before, ==, cache_after);

  unwatch_items (catalog, &changed);
  g_clear_pointer (&before, g_ptr_array_unref);
  g_assert_finalize_object (catalog);
  g_assert_finalize_object (client);
  cfai_test_remove_tree (tmpdir);
}

/* ------------------------------------------------------------------ */
/* What the account may run                                           */
/* ------------------------------------------------------------------ */

#define PAID_CHAT  "@cf/openai/gpt-oss-120b"
#define PAID_IMAGE "@cf/black-forest-labs/flux-2-dev"

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError **error = user_data;

  cfai_run_execute_finish (CFAI_RUN (source), result, error);
  if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "no error");
}

/* Runs @model once, as the app's chat or image page would, and returns
 * the error (G_IO_ERROR_EXISTS when there was none). */
static GError *
run_model (CfaiClient     *client,
           CfaiTestServer *server,
           const char     *scenario,
           const char     *model)
{
  g_autofree char *base = cfai_test_server_api_base (server, scenario);
  GError *error = NULL;

  cfai_credentials_set_api_base_url (cfai_client_get_credentials (client), base);
  if (g_str_equal (model, PAID_IMAGE))
    {
      g_autoptr(CfaiImageRequest) request = cfai_image_request_new (model);
      g_autoptr(CfaiImageRun) run = NULL;

      cfai_image_request_set_prompt (request, "a lighthouse at dusk, oil painting");
      run = cfai_image_run_new (client, request, NULL);
      cfai_run_execute_async (CFAI_RUN (run), NULL, on_run_done, &error);
      while (error == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  else
    {
      g_autoptr(CfaiChatRequest) request = cfai_chat_request_new (model);
      g_autoptr(CfaiChatStream) chat = NULL;

      cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Hello");
      cfai_chat_request_set_max_tokens (request, 16);
      chat = cfai_chat_stream_new (client, request);
      cfai_run_execute_async (CFAI_RUN (chat), NULL, on_run_done, &error);
      while (error == NULL)
        g_main_context_iteration (NULL, TRUE);
    }

  return error;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_paid_plan_learned (void)
{
  g_autoptr(CfaiTestServer) server = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *cache_path = NULL;
  g_autofree char *access_path = NULL;
  g_autofree char *record = NULL;
  g_autoptr(GError) error = NULL;
  CfaiModelCatalog *catalog;
  CfaiClient *client;
  CfaiModel *chat_model;
  CfaiModel *image_model;
  guint notified = 0;

  if (g_getenv ("FAKE_WORKERS_AI") == NULL)
    {
      g_test_skip ("FAKE_WORKERS_AI does not name the fake server");
      return;
    }

  server = cfai_test_server_start ();
  tmpdir = make_tmpdir ();
  cache_path = g_build_filename (tmpdir, "models.json", NULL);
  access_path = g_build_filename (tmpdir, "model-access.ini", NULL);

  client = fake_client (server, NULL);
  catalog = cfai_model_catalog_new (client, cache_path);
  chat_model = cfai_model_catalog_lookup (catalog, PAID_CHAT);
  image_model = cfai_model_catalog_lookup (catalog, PAID_IMAGE);
  g_assert_false (cfai_model_get_needs_paid_plan (chat_model));
  g_signal_connect (chat_model, "notify::needs-paid-plan", G_CALLBACK (count_notify), &notified);

  /* Nothing but a 5035 refusal marks a model. */
  error = run_model (client, server, "error-5016", PAID_CHAT);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_LICENCE_REQUIRED);
  g_clear_error (&error);
  error = run_model (client, server, "server-error", PAID_CHAT);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_SERVER);
  g_clear_error (&error);
  g_assert_false (cfai_model_get_needs_paid_plan (chat_model));
  g_assert_false (g_file_test (access_path, G_FILE_TEST_EXISTS));

  /* A chat refused for the plan, and an image. */
  error = run_model (client, server, "error-5035", PAID_CHAT);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PAID_PLAN_REQUIRED);
  g_clear_error (&error);
  g_assert_true (cfai_model_get_needs_paid_plan (chat_model));
  g_assert_cmpuint (notified, ==, 1);
  error = run_model (client, server, "error-5035", PAID_IMAGE);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PAID_PLAN_REQUIRED);
  g_clear_error (&error);
  g_assert_true (cfai_model_get_needs_paid_plan (image_model));

  /* It is remembered for the account, in a file next to the cache. */
  g_file_get_contents (access_path, &record, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (record, "[account test-account]"));
  g_assert_nonnull (strstr (record, PAID_CHAT "="));
  g_assert_nonnull (strstr (record, PAID_IMAGE "="));

  /* Another account may have another plan. */
  cfai_credentials_set_account_id (cfai_client_get_credentials (client), "other-account");
  g_assert_false (cfai_model_get_needs_paid_plan (chat_model));
  g_assert_false (cfai_model_get_needs_paid_plan (image_model));
  cfai_credentials_set_account_id (cfai_client_get_credentials (client), "test-account");
  g_assert_true (cfai_model_get_needs_paid_plan (chat_model));

  /* The next session knows before trying, whatever list it shows. */
  g_signal_handlers_disconnect_by_func (chat_model, count_notify, &notified);
  g_assert_finalize_object (catalog);
  catalog = cfai_model_catalog_new (client, cache_path);
  /* The record is read off the main thread. */
  while (!cfai_model_catalog_get_access_loaded (catalog))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (cfai_model_get_needs_paid_plan (cfai_model_catalog_lookup (catalog, PAID_CHAT)));
  g_assert_true (refresh (catalog, &error));
  g_assert_no_error (error);
  chat_model = cfai_model_catalog_lookup (catalog, PAID_CHAT);
  g_assert_true (cfai_model_get_needs_paid_plan (chat_model));
  g_assert_false (cfai_model_get_needs_paid_plan (cfai_model_catalog_lookup (catalog, "@cf/openai/gpt-oss-20b")));

  /* Once the account may use it (an upgrade), the mark goes. */
  error = run_model (client, server, NULL, PAID_CHAT);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (cfai_model_get_needs_paid_plan (chat_model));
  g_clear_pointer (&record, g_free);
  g_file_get_contents (access_path, &record, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (record, PAID_CHAT "="));
  g_assert_nonnull (strstr (record, PAID_IMAGE "="));

  g_assert_finalize_object (catalog);
  g_assert_finalize_object (client);
  cfai_test_remove_tree (tmpdir);
}

/* The record is read off the main thread; a refusal that comes first
 * shows at once and joins the record, which it does not overwrite. */
static void
test_access_loaded_async (void)
{
  g_autofree char *tmpdir = make_tmpdir ();
  g_autofree char *cache_path = g_build_filename (tmpdir, "models.json", NULL);
  g_autofree char *access_path = g_build_filename (tmpdir, "model-access.ini", NULL);
  g_autofree char *record = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) paid = g_error_new (CFAI_ERROR, CFAI_ERROR_PAID_PLAN_REQUIRED, "paid plan");
  g_autoptr(CfaiClient) client = cfai_client_new ();
  CfaiModelCatalog *catalog;
  guint notified = 0;

  cfai_credentials_set_account_id (cfai_client_get_credentials (client), "test-account");
  g_file_set_contents (access_path,
                       "[account test-account]\n" PAID_IMAGE "=2026-11-27T12:00:00Z\n", -1, &error);
  g_assert_no_error (error);

  catalog = cfai_model_catalog_new (client, cache_path);
  g_signal_connect (catalog, "notify::access-loaded", G_CALLBACK (count_notify), &notified);
  g_assert_false (cfai_model_catalog_get_access_loaded (catalog));
  cfai_model_catalog_note_model_result (catalog, PAID_CHAT, paid);
  g_assert_true (cfai_model_get_needs_paid_plan (cfai_model_catalog_lookup (catalog, PAID_CHAT)));

  while (!cfai_model_catalog_get_access_loaded (catalog))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_true (cfai_model_get_needs_paid_plan (cfai_model_catalog_lookup (catalog, PAID_CHAT)));
  g_assert_true (cfai_model_get_needs_paid_plan (cfai_model_catalog_lookup (catalog, PAID_IMAGE)));
  g_file_get_contents (access_path, &record, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (record, PAID_CHAT "="));
  g_assert_nonnull (strstr (record, PAID_IMAGE "=2026-11-27T12:00:00Z"));

  g_signal_handlers_disconnect_by_func (catalog, count_notify, &notified);
  g_assert_finalize_object (catalog);

  /* A catalog dropped before its record is read is gone at once. */
  catalog = cfai_model_catalog_new (client, cache_path);
  g_assert_finalize_object (catalog);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  cfai_test_remove_tree (tmpdir);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  cfai_test_isolate_home ("cfai-test-model-catalog");

  models_dir = cfai_test_find_models_dir ();
  if (models_dir == NULL)
    g_error ("No model files in tests/data/models");

  g_test_add_func ("/catalog/builtin/list", test_builtin);
  g_test_add_func ("/catalog/builtin/default-cache-path", test_default_cache_path);
  g_test_add_func ("/catalog/builtin/agrees-with-files", test_builtin_agrees_with_files);
  g_test_add_func ("/catalog/replacements", test_replacements);
  g_test_add_func ("/catalog/recommended-and-authors", test_recommended_and_authors);
  g_test_add_func ("/catalog/retired/2026", test_retired_2026);
  g_test_add_func ("/catalog/retired/explained", test_retired_explained);
  g_test_add_func ("/catalog/retired/defaults", test_defaults_not_retired);
  g_test_add_func ("/catalog/pages/load", test_load_pages);
  g_test_add_func ("/catalog/pages/tolerant", test_load_pages_tolerant);
  g_test_add_func ("/catalog/pages/errors", test_load_pages_errors);
  g_test_add_func ("/catalog/cache/round-trip", test_cache_round_trip);
  g_test_add_func ("/catalog/cache/corrupt", test_cache_corrupt);
  g_test_add_func ("/catalog/cache/unwritable", test_cache_unwritable);
  g_test_add_func ("/catalog/cache/async", test_cache_async);
  g_test_add_func ("/catalog/refresh/offline", test_refresh_offline);

#define ADD_REFRESH_TEST(path, func) \
  g_test_add ("/catalog/refresh/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD_REFRESH_TEST ("pages", test_refresh_pages);
  ADD_REFRESH_TEST ("total-count", test_refresh_total_count);
  ADD_REFRESH_TEST ("capped-per-page", test_refresh_capped_per_page);
  ADD_REFRESH_TEST ("no-result-info", test_refresh_no_info);
  ADD_REFRESH_TEST ("repeated-pages", test_refresh_repeated_pages);
  ADD_REFRESH_TEST ("endless", test_refresh_endless);
  ADD_REFRESH_TEST ("failure-keeps-items", test_refresh_failure_keeps_items);
  ADD_REFRESH_TEST ("pending", test_refresh_pending);
  ADD_REFRESH_TEST ("cancel", test_refresh_cancel);
  ADD_REFRESH_TEST ("notifies", test_refresh_notifies);

#undef ADD_REFRESH_TEST

  g_test_add_func ("/catalog/refresh/fake-server", test_refresh_fake_server);
  g_test_add_func ("/catalog/access/paid-plan-learned", test_paid_plan_learned);
  g_test_add_func ("/catalog/access/loaded-async", test_access_loaded_async);

  ret = g_test_run ();
  g_free (models_dir);

  return ret;
}
