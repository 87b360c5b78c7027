/* test-model.c — CfaiModel against Cloudflare's model files
 *
 * The fixtures are Cloudflare's own model description files, copied into
 * tests/data/models.  Each one is read both by CfaiModel and,
 * independently, by the checks here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "cfai-error.h"
#include "cfai-model.h"
#include "cfai-test-models.h"
#include "cfai-test-home.h"

static char *models_dir;

static GPtrArray *
list_fixtures (void)
{
  return cfai_test_list_model_files (models_dir);
}

static JsonNode *
load_fixture (const char *name)
{
  g_autofree char *path = g_build_filename (models_dir, name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

static CfaiModel *
model_from_fixture (const char *name)
{
  g_autoptr(JsonNode) root = load_fixture (name);
  g_autoptr(GError) error = NULL;
  CfaiModel *model;

  model = cfai_model_new_from_json (json_node_get_object (root), &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);

  return model;
}

static CfaiModel *
model_from_string (const char  *json,
                   GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) parse_error = NULL;

  root = json_from_string (json, &parse_error);
  g_assert_no_error (parse_error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return cfai_model_new_from_json (json_node_get_object (root), error);
}

static gboolean
get_flag (CfaiModel  *model,
          const char *property_id)
{
  g_autofree char *name = g_strdelimit (g_strdup (property_id), "_", '-');
  gboolean value = FALSE;

  g_object_get (model, name, &value, NULL);

  return value;
}

static const char *flag_ids[] = {
  "vision", "reasoning", "function_calling", "lora", "beta", "partner", "async_queue",
  "require_workers_paid",
};

/* Reads the file the plain way (every value a string, "price" an array)
 * and compares each field with what CfaiModel made of it. */
static void
check_against_file (CfaiModel  *model,
                    JsonObject *entry)
{
  JsonArray *props = json_object_get_array_member (entry, "properties");
  g_autofree char *description = g_strstrip (g_strdup (json_object_get_string_member (entry, "description")));
  gboolean expected_flags[G_N_ELEMENTS (flag_ids)] = { FALSE, };
  gint64 expected_context = 0;
  const char *expected_terms = NULL;
  const char *expected_info = NULL;
  JsonArray *expected_prices = NULL;

  g_assert_cmpstr (cfai_model_get_id (model), ==, json_object_get_string_member (entry, "name"));
  g_assert_cmpstr (cfai_model_get_uuid (model), ==, json_object_get_string_member (entry, "id"));
  g_assert_cmpstr (cfai_model_get_task (model), ==,
                   json_object_get_string_member (json_object_get_object_member (entry, "task"), "name"));
  g_assert_cmpstr (cfai_model_get_description (model), ==, description);
  g_assert_nonnull (cfai_model_get_display_name (model));
  g_assert_cmpstr (cfai_model_get_display_name (model), !=, "");
  g_assert_true (cfai_model_is_text_generation (model) != cfai_model_is_text_to_image (model));

  for (guint i = 0; i < json_array_get_length (props); i++)
    {
      JsonObject *prop = json_array_get_object_element (props, i);
      const char *id = json_object_get_string_member (prop, "property_id");
      JsonNode *value = json_object_get_member (prop, "value");

      if (strcmp (id, "context_window") == 0)
        {
          g_assert_true (g_ascii_string_to_signed (json_node_get_string (value), 10, 1, G_MAXINT64,
                                                   &expected_context, NULL));
        }
      else if (strcmp (id, "price") == 0)
        {
          expected_prices = json_node_get_array (value);
        }
      else if (strcmp (id, "terms") == 0)
        {
          expected_terms = json_node_get_string (value);
        }
      else if (strcmp (id, "info") == 0)
        {
          expected_info = json_node_get_string (value);
        }
      else
        {
          gboolean known = FALSE;

          for (guint f = 0; f < G_N_ELEMENTS (flag_ids); f++)
            {
              if (strcmp (id, flag_ids[f]) == 0)
                {
                  expected_flags[f] = strcmp (json_node_get_string (value), "true") == 0;
                  known = TRUE;
                }
            }
          g_assert_true (known);
        }
    }

  g_assert_cmpint (cfai_model_get_context_window (model), ==, expected_context);
  g_assert_cmpstr (cfai_model_get_terms_url (model), ==, expected_terms);
  g_assert_cmpstr (cfai_model_get_info_url (model), ==, expected_info);
  for (guint f = 0; f < G_N_ELEMENTS (flag_ids); f++)
    g_assert_cmpint (get_flag (model, flag_ids[f]), ==, expected_flags[f]);

  if (expected_prices == NULL)
    {
      g_assert_cmpuint (cfai_model_get_prices (model)->len, ==, 0);
    }
  else
    {
      GPtrArray *prices = cfai_model_get_prices (model);

      g_assert_cmpuint (prices->len, ==, json_array_get_length (expected_prices));
      for (guint i = 0; i < prices->len; i++)
        {
          const CfaiModelPrice *price = g_ptr_array_index (prices, i);
          JsonObject *expected = json_array_get_object_element (expected_prices, i);

          g_assert_cmpstr (price->unit, ==, json_object_get_string_member (expected, "unit"));
          g_assert_cmpstr (price->currency, ==, json_object_get_string_member (expected, "currency"));
          g_assert_cmpfloat (price->price, ==, json_object_get_double_member (expected, "price"));
        }
    }
}

static void
test_fixtures_all_parse (void)
{
  g_autoptr(GPtrArray) names = list_fixtures ();

  /* SOURCES.md lists 28 model files; fewer means the fixtures were lost. */
  g_assert_cmpuint (names->len, >=, 28);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr(JsonNode) root = load_fixture (name);
      g_autoptr(GError) error = NULL;
      CfaiModel *model;

      g_test_message ("%s", name);
      model = cfai_model_new_from_json (json_node_get_object (root), &error);
      g_assert_no_error (error);
      check_against_file (model, json_node_get_object (root));
      g_assert_finalize_object (model);
    }
}

static void
test_fixtures_known (void)
{
  CfaiModel *model;
  GPtrArray *prices;
  const CfaiModelPrice *price;

  model = model_from_fixture ("llama-3.3-70b-instruct-fp8-fast.json");
  g_assert_cmpstr (cfai_model_get_id (model), ==, "@cf/meta/llama-3.3-70b-instruct-fp8-fast");
  g_assert_cmpstr (cfai_model_get_uuid (model), ==, "7a143886-c9bb-4a1c-be95-377b1973bc3b");
  g_assert_cmpstr (cfai_model_get_display_name (model), ==, "Llama 3.3 70B Instruct FP8 Fast");
  g_assert_cmpstr (cfai_model_get_author (model), ==, "meta");
  g_assert_cmpstr (cfai_model_get_task (model), ==, "Text Generation");
  g_assert_cmpstr (cfai_model_get_description (model), ==,
                   "Llama 3.3 70B quantized to fp8 precision, optimized to be faster.");
  g_assert_true (cfai_model_is_text_generation (model));
  g_assert_false (cfai_model_is_text_to_image (model));
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 24000);
  g_assert_cmpfloat_with_epsilon (cfai_model_get_price_per_m_input (model), 0.29, 1e-12);
  g_assert_cmpfloat_with_epsilon (cfai_model_get_price_per_m_output (model), 2.25, 1e-12);
  g_assert_true (cfai_model_get_function_calling (model));
  g_assert_true (cfai_model_get_async_queue (model));
  g_assert_false (cfai_model_get_vision (model));
  g_assert_false (cfai_model_get_reasoning (model));
  g_assert_false (cfai_model_get_lora (model));
  g_assert_false (cfai_model_get_beta (model));
  g_assert_false (cfai_model_get_partner (model));
  g_assert_cmpstr (cfai_model_get_terms_url (model), ==,
                   "https://github.com/meta-llama/llama-models/blob/main/models/llama3_3/LICENSE");
  g_assert_null (cfai_model_get_info_url (model));
  g_assert_null (cfai_model_get_planned_deprecation_date (model));
  g_assert_false (cfai_model_is_deprecated_at (model, NULL));
  g_assert_cmpuint (g_strv_length ((char **) cfai_model_get_tags (model)), ==, 0);
  g_assert_finalize_object (model);

  model = model_from_fixture ("gpt-oss-120b.json");
  g_assert_cmpstr (cfai_model_get_display_name (model), ==, "GPT OSS 120B");
  g_assert_cmpstr (cfai_model_get_author (model), ==, "openai");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 128000);
  g_assert_cmpfloat_with_epsilon (cfai_model_get_price_per_m_input (model), 0.35, 1e-12);
  g_assert_cmpfloat_with_epsilon (cfai_model_get_price_per_m_output (model), 0.75, 1e-12);
  g_assert_true (cfai_model_get_async_queue (model));
  g_assert_false (cfai_model_get_function_calling (model));
  g_assert_finalize_object (model);

  model = model_from_fixture ("nemotron-3-120b-a12b.json");
  g_assert_cmpstr (cfai_model_get_display_name (model), ==, "Nemotron 3 120B A12B");
  g_assert_cmpstr (cfai_model_get_author (model), ==, "nvidia");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 256000);
  g_assert_true (cfai_model_get_reasoning (model));
  g_assert_true (cfai_model_get_function_calling (model));
  g_assert_cmpfloat_with_epsilon (cfai_model_get_price_per_m_input (model), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (cfai_model_get_price_per_m_output (model), 1.5, 1e-12);
  g_assert_finalize_object (model);

  /* "price": 1 is a JSON integer in this file, not a double. */
  model = model_from_fixture ("qwen2.5-coder-32b-instruct.json");
  g_assert_cmpstr (cfai_model_get_display_name (model), ==, "Qwen2.5 Coder 32B Instruct");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 32768);
  g_assert_cmpfloat_with_epsilon (cfai_model_get_price_per_m_input (model), 0.66, 1e-12);
  g_assert_cmpfloat (cfai_model_get_price_per_m_output (model), ==, 1.0);
  g_assert_true (cfai_model_get_lora (model));
  g_assert_finalize_object (model);

  model = model_from_fixture ("flux-2-dev.json");
  g_assert_cmpstr (cfai_model_get_display_name (model), ==, "Flux 2 Dev");
  g_assert_cmpstr (cfai_model_get_author (model), ==, "black-forest-labs");
  g_assert_true (cfai_model_is_text_to_image (model));
  g_assert_false (cfai_model_is_text_generation (model));
  g_assert_true (cfai_model_get_partner (model));
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 0);
  /* Per-tile image prices are not token prices. */
  g_assert_cmpfloat (cfai_model_get_price_per_m_input (model), ==, -1);
  g_assert_cmpfloat (cfai_model_get_price_per_m_output (model), ==, -1);
  prices = cfai_model_get_prices (model);
  g_assert_cmpuint (prices->len, ==, 2);
  price = g_ptr_array_index (prices, 0);
  g_assert_cmpstr (price->unit, ==, "per input 512x512 tile, per step");
  g_assert_cmpfloat_with_epsilon (price->price, 0.00021, 1e-12);
  g_assert_cmpstr (price->currency, ==, "USD");
  price = g_ptr_array_index (prices, 1);
  g_assert_cmpstr (price->unit, ==, "per output 512x512 tile, per step");
  g_assert_cmpfloat_with_epsilon (price->price, 0.00041, 1e-12);
  g_assert_finalize_object (model);

  model = model_from_fixture ("stable-diffusion-xl-lightning.json");
  g_assert_cmpstr (cfai_model_get_display_name (model), ==, "Stable Diffusion XL Lightning");
  g_assert_cmpstr (cfai_model_get_author (model), ==, "bytedance");
  g_assert_true (cfai_model_get_beta (model));
  g_assert_cmpstr (cfai_model_get_info_url (model), ==, "https://huggingface.co/ByteDance/SDXL-Lightning");
  g_assert_null (cfai_model_get_terms_url (model));
  prices = cfai_model_get_prices (model);
  g_assert_cmpuint (prices->len, ==, 1);
  price = g_ptr_array_index (prices, 0);
  g_assert_cmpstr (price->unit, ==, "per step");
  g_assert_cmpfloat (price->price, ==, 0);
  g_assert_finalize_object (model);

  model = model_from_fixture ("phoenix-1.0.json");
  g_assert_cmpstr (cfai_model_get_display_name (model), ==, "Phoenix 1.0");
  g_assert_cmpstr (cfai_model_get_author (model), ==, "leonardo");
  g_assert_cmpuint (cfai_model_get_prices (model)->len, ==, 2);
  g_assert_cmpfloat (cfai_model_get_price_per_m_input (model), ==, -1);
  g_assert_finalize_object (model);

  /* The description starts with a space in Cloudflare's file. */
  model = model_from_fixture ("llama-3.2-11b-vision-instruct.json");
  g_assert_true (g_str_has_prefix (cfai_model_get_description (model), "The Llama 3.2-Vision"));
  g_assert_cmpfloat_with_epsilon (cfai_model_get_price_per_m_input (model), 0.049, 1e-12);
  g_assert_finalize_object (model);

  /* Oldest generator format: no created_at, and newlines doubled. */
  model = model_from_fixture ("llama-3.1-8b-instruct-fast.json");
  g_assert_cmpstr (cfai_model_get_id (model), ==, "@cf/meta/llama-3.1-8b-instruct-fast");
  g_assert_cmpstr (cfai_model_get_display_name (model), ==, "Llama 3.1 8B Instruct Fast");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 0);
  g_assert_cmpfloat (cfai_model_get_price_per_m_input (model), ==, -1);
  g_assert_finalize_object (model);
}

static void
test_values_any_type (void)
{
  g_autoptr(GError) error = NULL;
  CfaiModel *model;
  GPtrArray *prices;
  const CfaiModelPrice *price;

  model = model_from_string ("{\"name\": \"@cf/test/any-type\","
                             " \"task\": \"Text Generation\","
                             " \"tags\": [\"fast\", 3, \"new\"],"
                             " \"properties\": ["
                             "  {\"property_id\": \"vision\", \"value\": true},"
                             "  {\"property_id\": \"reasoning\", \"value\": [\"true\"]},"
                             "  {\"property_id\": \"lora\", \"value\": \" TRUE \"},"
                             "  {\"property_id\": \"beta\", \"value\": \"false\"},"
                             "  {\"property_id\": \"partner\", \"value\": 1},"
                             "  {\"property_id\": \"async_queue\", \"value\": \"maybe\"},"
                             "  {\"property_id\": \"function-calling\", \"value\": \"yes\"},"
                             "  {\"property_id\": \"context_window\", \"value\": 131072},"
                             "  {\"property_id\": \"terms\", \"value\": [\"https://example.com/terms\"]},"
                             "  {\"property_id\": \"info\", \"value\": 42},"
                             "  {\"property_id\": \"price\", \"value\": \"[{\\\"unit\\\": \\\"per M input tokens\\\", \\\"price\\\": \\\"0.25\\\", \\\"currency\\\": \\\"USD\\\"}, {\\\"unit\\\": \\\"per M output tokens\\\", \\\"price\\\": 2}]\"},"
                             "  {\"property_id\": \"shiny_new_thing\", \"value\": {\"nested\": [1, 2]}},"
                             "  {\"property_id\": \"another\"},"
                             "  \"not an object\","
                             "  {\"value\": \"no id\"}"
                             " ]}",
                             &error);
  g_assert_no_error (error);
  g_assert_true (cfai_model_is_text_generation (model));
  g_assert_true (cfai_model_get_vision (model));
  g_assert_true (cfai_model_get_reasoning (model));
  g_assert_true (cfai_model_get_lora (model));
  g_assert_false (cfai_model_get_beta (model));
  g_assert_true (cfai_model_get_partner (model));
  g_assert_false (cfai_model_get_async_queue (model));
  g_assert_true (cfai_model_get_function_calling (model));
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 131072);
  g_assert_cmpstr (cfai_model_get_terms_url (model), ==, "https://example.com/terms");
  g_assert_null (cfai_model_get_info_url (model));
  g_assert_cmpfloat_with_epsilon (cfai_model_get_price_per_m_input (model), 0.25, 1e-12);
  g_assert_cmpfloat (cfai_model_get_price_per_m_output (model), ==, 2);
  prices = cfai_model_get_prices (model);
  price = g_ptr_array_index (prices, 1);
  g_assert_null (price->currency);
  g_assert_cmpuint (g_strv_length ((char **) cfai_model_get_tags (model)), ==, 2);
  g_assert_cmpstr (cfai_model_get_tags (model)[1], ==, "new");
  g_assert_finalize_object (model);

  /* Counts as strings in other spellings; a lone price object; a later
   * property overrides an earlier one. */
  model = model_from_string ("{\"name\": \"@cf/test/counts\","
                             " \"properties\": ["
                             "  {\"property_id\": \"context_window\", \"value\": \"128,000\"},"
                             "  {\"property_id\": \"price\", \"value\": {\"unit\": \"per M input tokens\", \"price\": 0.1, \"currency\": \"USD\"}},"
                             "  {\"property_id\": \"vision\", \"value\": \"true\"},"
                             "  {\"property_id\": \"vision\", \"value\": \"false\"}"
                             " ]}",
                             &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 128000);
  g_assert_cmpfloat_with_epsilon (cfai_model_get_price_per_m_input (model), 0.1, 1e-12);
  g_assert_cmpfloat (cfai_model_get_price_per_m_output (model), ==, -1);
  g_assert_false (cfai_model_get_vision (model));
  g_assert_null (cfai_model_get_task (model));
  g_assert_false (cfai_model_is_text_generation (model));
  g_assert_finalize_object (model);

  /* Unreadable counts and prices mean unknown, not zero and not an error;
   * prices in another currency are not reported as USD. */
  model = model_from_string ("{\"name\": \"@cf/test/bad-values\","
                             " \"properties\": ["
                             "  {\"property_id\": \"context_window\", \"value\": \"128k\"},"
                             "  {\"property_id\": \"price\", \"value\": [{\"unit\": \"per M input tokens\", \"price\": \"cheap\"},"
                             "                                       {\"unit\": \"per M output tokens\", \"price\": 3, \"currency\": \"EUR\"}]}"
                             " ]}",
                             &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 0);
  g_assert_cmpuint (cfai_model_get_prices (model)->len, ==, 1);
  g_assert_cmpfloat (cfai_model_get_price_per_m_input (model), ==, -1);
  g_assert_cmpfloat (cfai_model_get_price_per_m_output (model), ==, -1);
  g_assert_finalize_object (model);

  model = model_from_string ("{\"name\": \"@cf/test/negative\","
                             " \"properties\": [{\"property_id\": \"context_window\", \"value\": -5}]}",
                             &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 0);
  g_assert_finalize_object (model);
}

static void
test_malformed (void)
{
  static const struct
  {
    const char *json;
    const char *message_part;
  } cases[] = {
    { "{}", "no model name" },
    { "{\"id\": \"7a143886-c9bb-4a1c-be95-377b1973bc3b\"}", "no model name" },
    { "{\"name\": \"\"}", "no model name" },
    { "{\"name\": \"   \"}", "no model name" },
    { "{\"name\": 17}", "not text" },
    { "{\"name\": [\"@cf/meta/x\"]}", "not text" },
    { "{\"name\": {\"id\": \"@cf/meta/x\"}}", "not text" },
    { "{\"name\": \"@cf/meta/x\", \"properties\": {\"context_window\": \"1\"}}", "@cf/meta/x" },
    { "{\"name\": \"@cf/meta/x\", \"properties\": \"none\"}", "not a list" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      CfaiModel *model;

      g_test_message ("%s", cases[i].json);
      model = model_from_string (cases[i].json, &error);
      g_assert_null (model);
      g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, cases[i].message_part));
    }
}

static void
test_id_only (void)
{
  g_autoptr(GError) error = NULL;
  CfaiModel *model;

  /* An entry that carries the model id in "id" and nothing in "name". */
  model = model_from_string ("{\"id\": \"@hf/thebloke/mistral-7b-instruct-v0.1-awq\", \"name\": null}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfai_model_get_id (model), ==, "@hf/thebloke/mistral-7b-instruct-v0.1-awq");
  g_assert_null (cfai_model_get_uuid (model));
  g_assert_cmpstr (cfai_model_get_author (model), ==, "thebloke");
  g_assert_cmpstr (cfai_model_get_display_name (model), ==, "Mistral 7B Instruct v0.1 AWQ");
  g_assert_null (cfai_model_get_description (model));
  g_assert_nonnull (cfai_model_get_tags (model));
  g_assert_cmpfloat (cfai_model_get_price_per_m_input (model), ==, -1);
  g_assert_finalize_object (model);
}

static void
assert_models_equal (CfaiModel *a,
                     CfaiModel *b)
{
  GPtrArray *prices_a = cfai_model_get_prices (a);
  GPtrArray *prices_b = cfai_model_get_prices (b);
  GDateTime *date_a = cfai_model_get_planned_deprecation_date (a);
  GDateTime *date_b = cfai_model_get_planned_deprecation_date (b);

  g_assert_cmpstr (cfai_model_get_id (a), ==, cfai_model_get_id (b));
  g_assert_cmpstr (cfai_model_get_uuid (a), ==, cfai_model_get_uuid (b));
  g_assert_cmpstr (cfai_model_get_display_name (a), ==, cfai_model_get_display_name (b));
  g_assert_cmpstr (cfai_model_get_author (a), ==, cfai_model_get_author (b));
  g_assert_cmpstr (cfai_model_get_description (a), ==, cfai_model_get_description (b));
  g_assert_cmpstr (cfai_model_get_task (a), ==, cfai_model_get_task (b));
  g_assert_true (g_strv_equal ((const char * const *) cfai_model_get_tags (a),
                               (const char * const *) cfai_model_get_tags (b)));
  g_assert_cmpint (cfai_model_get_context_window (a), ==, cfai_model_get_context_window (b));
  g_assert_cmpstr (cfai_model_get_terms_url (a), ==, cfai_model_get_terms_url (b));
  g_assert_cmpstr (cfai_model_get_info_url (a), ==, cfai_model_get_info_url (b));
  for (guint f = 0; f < G_N_ELEMENTS (flag_ids); f++)
    g_assert_cmpint (get_flag (a, flag_ids[f]), ==, get_flag (b, flag_ids[f]));

  g_assert_cmpuint (prices_a->len, ==, prices_b->len);
  for (guint i = 0; i < prices_a->len; i++)
    {
      const CfaiModelPrice *pa = g_ptr_array_index (prices_a, i);
      const CfaiModelPrice *pb = g_ptr_array_index (prices_b, i);

      g_assert_cmpstr (pa->unit, ==, pb->unit);
      g_assert_cmpstr (pa->currency, ==, pb->currency);
      g_assert_cmpfloat (pa->price, ==, pb->price);
    }

  g_assert_true ((date_a == NULL) == (date_b == NULL));
  if (date_a != NULL)
    g_assert_true (g_date_time_equal (date_a, date_b));
}

static CfaiModel *
round_trip (CfaiModel *model)
{
  g_autoptr(JsonNode) node = cfai_model_to_json (model);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(JsonNode) reparsed = NULL;
  g_autoptr(GError) error = NULL;
  CfaiModel *copy;

  /* Through text, as the cache file goes. */
  reparsed = json_from_string (text, &error);
  g_assert_no_error (error);
  copy = cfai_model_new_from_json (json_node_get_object (reparsed), &error);
  g_assert_no_error (error);
  assert_models_equal (model, copy);

  /* Writing the copy gives the same text: nothing drifts per save. */
  {
    g_autoptr(JsonNode) node2 = cfai_model_to_json (copy);
    g_autofree char *text2 = json_to_string (node2, FALSE);

    g_assert_cmpstr (text, ==, text2);
  }

  return copy;
}

static void
test_round_trip (void)
{
  g_autoptr(GPtrArray) names = list_fixtures ();
  g_autoptr(GError) error = NULL;
  CfaiModel *model;
  CfaiModel *copy;

  for (guint i = 0; i < names->len; i++)
    {
      g_test_message ("%s", (const char *) g_ptr_array_index (names, i));
      model = model_from_fixture (g_ptr_array_index (names, i));
      copy = round_trip (model);
      g_assert_finalize_object (copy);
      g_assert_finalize_object (model);
    }

  model = model_from_string ("{\"id\": \"0000\", \"name\": \"@cf/test/everything\","
                             " \"description\": \"All fields\", \"task\": {\"name\": \"Text-to-Image\"},"
                             " \"tags\": [\"a\", \"b\"], \"deprecated\": \"true\","
                             " \"properties\": ["
                             "  {\"property_id\": \"display_name\", \"value\": \"Everything Model\"},"
                             "  {\"property_id\": \"vision\", \"value\": \"true\"},"
                             "  {\"property_id\": \"reasoning\", \"value\": \"true\"},"
                             "  {\"property_id\": \"function_calling\", \"value\": \"true\"},"
                             "  {\"property_id\": \"lora\", \"value\": \"true\"},"
                             "  {\"property_id\": \"beta\", \"value\": \"true\"},"
                             "  {\"property_id\": \"partner\", \"value\": \"true\"},"
                             "  {\"property_id\": \"async_queue\", \"value\": \"true\"},"
                             "  {\"property_id\": \"context_window\", \"value\": \"9007199254740993\"},"
                             "  {\"property_id\": \"price\", \"value\": [{\"unit\": \"per step\", \"price\": 0.000132, \"currency\": \"USD\"},"
                             "                                         {\"price\": 0.1}]},"
                             "  {\"property_id\": \"terms\", \"value\": \"https://example.com/t\"},"
                             "  {\"property_id\": \"info\", \"value\": \"https://example.com/i\"},"
                             "  {\"property_id\": \"planned_deprecation_date\", \"value\": \"2026-05-30T12:34:56.5+02:00\"}"
                             " ]}",
                             &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfai_model_get_display_name (model), ==, "Everything Model");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, G_GINT64_CONSTANT (9007199254740993));
  g_assert_true (cfai_model_is_deprecated_at (model, NULL));
  copy = round_trip (model);
  g_assert_true (cfai_model_is_deprecated_at (copy, NULL));
  g_assert_finalize_object (copy);
  g_assert_finalize_object (model);
}

static void
test_display_name (void)
{
  static const struct
  {
    const char *id;
    const char *display_name;
    const char *author;
  } cases[] = {
    { "@cf/meta/llama-3.3-70b-instruct-fp8-fast", "Llama 3.3 70B Instruct FP8 Fast", "meta" },
    { "@cf/meta/llama-4-scout-17b-16e-instruct", "Llama 4 Scout 17B 16E Instruct", "meta" },
    { "@cf/openai/gpt-oss-20b", "GPT OSS 20B", "openai" },
    { "@cf/qwen/qwq-32b", "QwQ 32B", "qwen" },
    { "@cf/google/gemma-4-26b-a4b-it", "Gemma 4 26B A4B IT", "google" },
    { "@cf/zai-org/glm-4.7-flash", "GLM 4.7 Flash", "zai-org" },
    { "@cf/mistral/mistral-7b-instruct-v0.1", "Mistral 7B Instruct v0.1", "mistral" },
    { "@cf/deepseek-ai/deepseek-r1-distill-qwen-32b", "DeepSeek R1 Distill Qwen 32B", "deepseek-ai" },
    { "@cf/stabilityai/stable-diffusion-xl-base-1.0", "Stable Diffusion XL Base 1.0", "stabilityai" },
    { "@cf/lykon/dreamshaper-8-lcm", "Dreamshaper 8 LCM", "lykon" },
    { "@cf/ibm-granite/granite-4.0-h-micro", "Granite 4.0 H Micro", "ibm-granite" },
    { "@cf/qwen/qwen3-30b-a3b-fp8", "Qwen3 30B A3B FP8", "qwen" },
    { "@hf/thebloke/llama-2-13b-chat-awq", "Llama 2 13B Chat AWQ", "thebloke" },
    { "@cf/meta/m2m100-1.2b", "M2M100 1.2B", "meta" },
    { "@cf/baai/bge_large_en_v1.5", "BGE Large En v1.5", "baai" },
    { "@cf/x/double--dash_", "Double Dash", "x" },
    { "@cf/x/élan-2b", "Élan 2B", "x" },
    { "meta/llama-3", "Llama 3", "meta" },
    { "llama-3", "Llama 3", NULL },
    { "@cf/solo", "Solo", NULL },
    { "@cf/", "@cf/", NULL },
    { "@cf/x/--", "@cf/x/--", "x" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = cfai_model_derive_display_name (cases[i].id);
      g_autofree char *author = cfai_model_derive_author (cases[i].id);

      g_assert_cmpstr (name, ==, cases[i].display_name);
      g_assert_cmpstr (author, ==, cases[i].author);
    }
}

static GDateTime *
utc (int year,
     int month,
     int day,
     int hour,
     int minute,
     double seconds)
{
  return g_date_time_new_utc (year, month, day, hour, minute, seconds);
}

static CfaiModel *
model_with_date (const char *value_json)
{
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  CfaiModel *model;

  json = g_strdup_printf ("{\"name\": \"@cf/test/dated\", \"properties\": ["
                          "{\"property_id\": \"planned_deprecation_date\", \"value\": %s}]}",
                          value_json);
  model = model_from_string (json, &error);
  g_assert_no_error (error);

  return model;
}

static void
test_deprecation (void)
{
  g_autoptr(GDateTime) before = utc (2025, 9, 30, 23, 59, 59);
  g_autoptr(GDateTime) at = utc (2025, 10, 1, 0, 0, 0);
  g_autoptr(GDateTime) after = utc (2025, 10, 1, 0, 0, 1);
  g_autoptr(GDateTime) long_ago = utc (2000, 1, 1, 0, 0, 0);
  g_autoptr(GError) error = NULL;
  CfaiModel *model;
  GDateTime *date;

  /* A bare date is the first moment of that day in UTC. */
  model = model_with_date ("\"2025-10-01\"");
  date = cfai_model_get_planned_deprecation_date (model);
  g_assert_nonnull (date);
  g_assert_true (g_date_time_equal (date, at));
  g_assert_false (cfai_model_is_deprecated_at (model, before));
  g_assert_true (cfai_model_is_deprecated_at (model, at));
  g_assert_true (cfai_model_is_deprecated_at (model, after));
  g_assert_false (cfai_model_is_deprecated_at (model, long_ago));
  /* NULL means now, and now is after 2025-10-01. */
  g_assert_true (cfai_model_is_deprecated_at (model, NULL));
  g_assert_finalize_object (model);

  /* An offset is honoured: 02:00+02:00 is midnight UTC. */
  model = model_with_date ("\"2025-10-01T02:00:00+02:00\"");
  g_assert_true (g_date_time_equal (cfai_model_get_planned_deprecation_date (model), at));
  g_assert_finalize_object (model);

  /* The catalog's created_at style: space instead of "T", no zone = UTC. */
  model = model_with_date ("\"2025-10-01 00:00:00.000\"");
  g_assert_true (g_date_time_equal (cfai_model_get_planned_deprecation_date (model), at));
  g_assert_finalize_object (model);

  model = model_with_date ("[\"2025-10-01\"]");
  g_assert_true (g_date_time_equal (cfai_model_get_planned_deprecation_date (model), at));
  g_assert_finalize_object (model);

  /* Seconds since the epoch. */
  model = model_with_date ("1759276800");
  g_assert_true (g_date_time_equal (cfai_model_get_planned_deprecation_date (model), at));
  g_assert_finalize_object (model);

  model = model_with_date ("\"9999-12-31\"");
  g_assert_false (cfai_model_is_deprecated_at (model, NULL));
  g_assert_finalize_object (model);

  /* Unreadable dates are no dates. */
  for (guint i = 0; i < 5; i++)
    {
      static const char *bad[] = { "\"soon\"", "\"2025-13-01\"", "\"2025-02-30\"", "\"2025-10-01x\"", "true" };

      model = model_with_date (bad[i]);
      g_assert_null (cfai_model_get_planned_deprecation_date (model));
      g_assert_false (cfai_model_is_deprecated_at (model, after));
      g_assert_finalize_object (model);
    }

  /* The entry's own flag deprecates at any time. */
  model = model_from_string ("{\"name\": \"@cf/test/flag\", \"deprecated\": true}", &error);
  g_assert_no_error (error);
  g_assert_true (cfai_model_is_deprecated_at (model, long_ago));
  g_assert_finalize_object (model);

  model = model_from_string ("{\"name\": \"@cf/test/flag\", \"deprecated\": false}", &error);
  g_assert_no_error (error);
  g_assert_false (cfai_model_is_deprecated_at (model, after));
  g_assert_finalize_object (model);
}

static void
test_matches (void)
{
  CfaiModel *llama = model_from_fixture ("llama-3.3-70b-instruct-fp8-fast.json");
  CfaiModel *flux = model_from_fixture ("flux-1-schnell.json");

  g_assert_true (cfai_model_matches (llama, NULL, NULL));
  g_assert_true (cfai_model_matches (llama, "", ""));
  g_assert_true (cfai_model_matches (llama, "Text Generation", NULL));
  g_assert_true (cfai_model_matches (llama, "text-generation", NULL));
  g_assert_false (cfai_model_matches (llama, "Text-to-Image", NULL));
  g_assert_true (cfai_model_matches (flux, "text to image", NULL));
  g_assert_false (cfai_model_matches (flux, CFAI_MODEL_TASK_TEXT_GENERATION, NULL));

  /* In the id, the display name or the description, ignoring case. */
  g_assert_true (cfai_model_matches (llama, NULL, "LLAMA"));
  g_assert_true (cfai_model_matches (llama, NULL, "70B Instruct"));
  g_assert_true (cfai_model_matches (llama, NULL, "quantized"));
  g_assert_true (cfai_model_matches (llama, NULL, "@cf/meta/"));
  g_assert_true (cfai_model_matches (llama, NULL, "  fast  meta "));
  g_assert_false (cfai_model_matches (llama, NULL, "flux"));
  g_assert_false (cfai_model_matches (llama, NULL, "llama flux"));
  g_assert_true (cfai_model_matches (flux, CFAI_MODEL_TASK_TEXT_TO_IMAGE, "schnell"));
  g_assert_true (cfai_model_matches (flux, NULL, "RECTIFIED FLOW"));
  g_assert_false (cfai_model_matches (flux, CFAI_MODEL_TASK_TEXT_GENERATION, "schnell"));

  g_assert_finalize_object (llama);
  g_assert_finalize_object (flux);
}

static void
test_properties (void)
{
  CfaiModel *model = model_from_fixture ("gpt-oss-120b.json");
  g_autofree char *id = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *author = NULL;
  g_autofree char *task = NULL;
  g_autofree char *terms_url = NULL;
  g_auto(GStrv) tags = NULL;
  g_autoptr(GPtrArray) prices = NULL;
  g_autoptr(GDateTime) date = NULL;
  gint64 context_window = 0;
  gboolean async_queue = FALSE;
  gboolean vision = TRUE;

  g_object_get (model,
                "id", &id,
                "uuid", &uuid,
                "display-name", &display_name,
                "author", &author,
                "task", &task,
                "terms-url", &terms_url,
                "tags", &tags,
                "prices", &prices,
                "planned-deprecation-date", &date,
                "context-window", &context_window,
                "async-queue", &async_queue,
                "vision", &vision,
                NULL);

  g_assert_cmpstr (id, ==, "@cf/openai/gpt-oss-120b");
  g_assert_cmpstr (uuid, ==, "f9f2250b-1048-4a52-9910-d0bf976616a1");
  g_assert_cmpstr (display_name, ==, "GPT OSS 120B");
  g_assert_cmpstr (author, ==, "openai");
  g_assert_cmpstr (task, ==, "Text Generation");
  g_assert_null (terms_url);
  g_assert_cmpuint (g_strv_length (tags), ==, 0);
  g_assert_true (prices == cfai_model_get_prices (model));
  g_assert_null (date);
  g_assert_cmpint (context_window, ==, 128000);
  g_assert_true (async_queue);
  g_assert_false (vision);

  g_clear_pointer (&prices, g_ptr_array_unref);
  g_assert_finalize_object (model);
}

static void
test_price_boxed (void)
{
  g_autoptr(CfaiModelPrice) price = cfai_model_price_new ("per step", 0.5, "USD");
  g_autoptr(CfaiModelPrice) copy = NULL;

  copy = g_boxed_copy (CFAI_TYPE_MODEL_PRICE, price);
  g_assert_true (copy != price);
  g_assert_true (copy->unit != price->unit);
  g_assert_cmpstr (copy->unit, ==, "per step");
  g_assert_cmpfloat (copy->price, ==, 0.5);
  g_assert_cmpstr (copy->currency, ==, "USD");
}

/* The 2026 models' files: context windows of a million tokens, vision,
 * reasoning, the Workers Paid mark, and a cached-input price that is not
 * the input price, wherever it is listed. */
static void
test_models_2026 (void)
{
  CfaiModel *model;
  g_autoptr(GError) error = NULL;

  model = model_from_fixture ("kimi-k2.6.json");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 262144);
  g_assert_true (cfai_model_get_vision (model));
  g_assert_true (cfai_model_get_reasoning (model));
  g_assert_true (cfai_model_get_function_calling (model));
  g_assert_true (cfai_model_get_require_workers_paid (model));
  g_assert_false (cfai_model_get_needs_paid_plan (model));
  g_assert_cmpfloat (cfai_model_get_price_per_m_input (model), ==, 0.95);
  g_assert_cmpfloat (cfai_model_get_price_per_m_output (model), ==, 4);
  g_assert_cmpuint (cfai_model_get_prices (model)->len, ==, 3);
  g_assert_finalize_object (model);

  model = model_from_fixture ("deepseek-v4-pro-0813.json");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 1048576);
  g_assert_false (cfai_model_get_vision (model));
  g_assert_true (cfai_model_get_reasoning (model));
  g_assert_cmpfloat (cfai_model_get_price_per_m_input (model), ==, 1.32);
  g_assert_cmpfloat (cfai_model_get_price_per_m_output (model), ==, 3.96);
  g_assert_finalize_object (model);

  model = model_from_fixture ("qwen3.8-27b.json");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 262144);
  g_assert_true (cfai_model_get_vision (model));
  g_assert_false (cfai_model_get_require_workers_paid (model));
  g_assert_cmpfloat (cfai_model_get_price_per_m_input (model), ==, 0.45);
  g_assert_finalize_object (model);

  model = model_from_fixture ("glm-5.3.json");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 1310720);
  g_assert_false (cfai_model_get_vision (model));
  g_assert_cmpfloat (cfai_model_get_price_per_m_input (model), ==, 1.4);
  g_assert_finalize_object (model);

  model = model_from_fixture ("gemma-4-26b-a4b-it.json");
  g_assert_cmpint (cfai_model_get_context_window (model), ==, 256000);
  g_assert_true (cfai_model_get_vision (model));
  g_assert_true (cfai_model_get_reasoning (model));
  g_assert_cmpfloat (cfai_model_get_price_per_m_output (model), ==, 0.3);
  g_assert_finalize_object (model);

  model = model_from_string ("{\"name\": \"@cf/a/b\", \"properties\": [{\"property_id\": \"price\", \"value\": ["
                             "{\"unit\": \"per M cached input tokens\", \"price\": 0.1, \"currency\": \"USD\"},"
                             "{\"unit\": \"per M input tokens\", \"price\": 0.9, \"currency\": \"USD\"}]}]}", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (cfai_model_get_price_per_m_input (model), ==, 0.9);
  g_assert_cmpfloat (cfai_model_get_price_per_m_output (model), ==, -1);
  g_assert_finalize_object (model);
}

/* Prices as the catalog carries them: Phoenix per tile plus per step,
 * FLUX.2 per tile and step, input and output apart. */
static void
test_image_cost (void)
{
  g_autoptr(CfaiModel) phoenix = model_from_fixture ("phoenix-1.0.json");
  g_autoptr(CfaiModel) flux2 = model_from_fixture ("flux-2-dev.json");
  g_autoptr(CfaiModel) text = model_from_fixture ("llama-3.3-70b-instruct-fp8-fast.json");

  /* 1024×768 is 2×2 tiles: 4 × 0.0058 + 25 × 0.00011. */
  g_assert_cmpfloat_with_epsilon (cfai_model_estimate_image_cost (phoenix, 1024, 768, 25, 0),
                                  4 * 0.0058 + 25 * 0.00011, 1e-12);
  /* A tile begun is a tile counted. */
  g_assert_cmpfloat_with_epsilon (cfai_model_estimate_image_cost (phoenix, 513, 512, 1, 0),
                                  2 * 0.0058 + 0.00011, 1e-12);
  /* Unknown without the steps or the size it is priced by. */
  g_assert_cmpfloat (cfai_model_estimate_image_cost (phoenix, 1024, 1024, 0, 0), ==, -1);
  g_assert_cmpfloat (cfai_model_estimate_image_cost (phoenix, 0, 0, 25, 0), ==, -1);

  /* 1024×1024 out (4 tiles), two 512×512 references in (2 tiles), 20 steps. */
  g_assert_cmpfloat_with_epsilon (cfai_model_estimate_image_cost (flux2, 1024, 1024, 20, 2),
                                  4 * 20 * 0.00041 + 2 * 20 * 0.00021, 1e-12);
  g_assert_cmpfloat_with_epsilon (cfai_model_estimate_image_cost (flux2, 1024, 1024, 20, 0),
                                  4 * 20 * 0.00041, 1e-12);

  /* Token prices are not image prices. */
  g_assert_cmpfloat (cfai_model_estimate_image_cost (text, 1024, 1024, 20, 0), ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  cfai_test_isolate_home ("cfai-test-model");

  models_dir = cfai_test_find_models_dir ();
  if (models_dir == NULL)
    g_error ("No model files in tests/data/models");
  g_test_message ("model files from %s", models_dir);

  g_test_add_func ("/model/fixtures/all-parse", test_fixtures_all_parse);
  g_test_add_func ("/model/models-2026", test_models_2026);
  g_test_add_func ("/model/fixtures/known", test_fixtures_known);
  g_test_add_func ("/model/values/any-type", test_values_any_type);
  g_test_add_func ("/model/errors/malformed", test_malformed);
  g_test_add_func ("/model/errors/id-only", test_id_only);
  g_test_add_func ("/model/round-trip", test_round_trip);
  g_test_add_func ("/model/display-name", test_display_name);
  g_test_add_func ("/model/deprecation", test_deprecation);
  g_test_add_func ("/model/matches", test_matches);
  g_test_add_func ("/model/properties", test_properties);
  g_test_add_func ("/model/price-boxed", test_price_boxed);
  g_test_add_func ("/model/image-cost", test_image_cost);

  ret = g_test_run ();
  g_free (models_dir);

  return ret;
}
