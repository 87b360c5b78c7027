/* test-chat-request.c — the /ai/run body CfaiChatRequest builds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cfai-chat-request.h"
#include "cfai-error.h"
#include "cfai-model-catalog.h"
#include "cfai-test-home.h"

static JsonObject *
to_object (CfaiChatRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = cfai_chat_request_to_json (request, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             g_bytes_get_size (body), &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_minimal_body (void)
{
  g_autoptr(CfaiChatRequest) request = cfai_chat_request_new ("@cf/meta/llama-3.3-70b-instruct-fp8-fast");
  g_autoptr(JsonObject) body = NULL;
  JsonArray *messages;

  cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Hi");
  body = to_object (request);

  /* Only what was set: a model that lacks a field must never see it. */
  g_assert_cmpuint (json_object_get_size (body), ==, 2);
  g_assert_true (json_object_get_boolean_member (body, "stream"));
  messages = json_object_get_array_member (body, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "role"), ==, "user");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "content"), ==, "Hi");
}

static void
test_full_body (void)
{
  g_autoptr(CfaiChatRequest) request = cfai_chat_request_new ("@cf/openai/gpt-oss-20b");
  g_autoptr(JsonObject) body = NULL;
  JsonArray *messages;

  cfai_chat_request_set_system_prompt (request, "Be brief.");
  cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Q1");
  cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_ASSISTANT, "A1");
  cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Q2");
  cfai_chat_request_set_stream (request, FALSE);
  cfai_chat_request_set_max_tokens (request, 900);
  cfai_chat_request_set_temperature (request, 0.2);
  cfai_chat_request_set_top_p (request, 0.9);
  cfai_chat_request_set_top_k (request, 40);
  cfai_chat_request_set_seed (request, 7);
  cfai_chat_request_set_repetition_penalty (request, 1.1);
  cfai_chat_request_set_frequency_penalty (request, 0.5);
  cfai_chat_request_set_presence_penalty (request, -0.5);
  cfai_chat_request_set_reasoning_effort (request, "low");
  cfai_chat_request_set_lora (request, "my-adapter");
  body = to_object (request);

  messages = json_object_get_array_member (body, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 4);
  /* The system prompt always comes first. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "role"), ==, "system");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 2), "role"), ==, "assistant");
  g_assert_false (json_object_has_member (body, "stream"));
  g_assert_cmpint (json_object_get_int_member (body, "max_tokens"), ==, 900);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (body, "temperature"), 0.2, 1e-9);
  g_assert_cmpint (json_object_get_int_member (body, "top_k"), ==, 40);
  g_assert_cmpint (json_object_get_int_member (body, "seed"), ==, 7);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (body, "presence_penalty"), -0.5, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (body, "reasoning_effort"), ==, "low");
  g_assert_cmpstr (json_object_get_string_member (body, "lora"), ==, "my-adapter");
}

static void
test_image_parts (void)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(CfaiChatRequest) request = cfai_chat_request_new ("@cf/meta/llama-4-scout-17b-16e-instruct");
  g_autoptr(GBytes) image = g_bytes_new_static (png, sizeof png);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *content;
  JsonObject *part;

  /* Images only go with the user's own messages. */
  g_assert_false (cfai_chat_request_add_image (request, image, "image/png", &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "What is this?");
  g_assert_false (cfai_chat_request_add_image (request, image, "image/gif", &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_true (cfai_chat_request_add_image (request, image, "image/png", &error));
  g_assert_no_error (error);

  body = to_object (request);
  content = json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (body, "messages"), 0),
                                          "content");
  g_assert_cmpuint (json_array_get_length (content), ==, 2);
  part = json_array_get_object_element (content, 0);
  g_assert_cmpstr (json_object_get_string_member (part, "type"), ==, "text");
  g_assert_cmpstr (json_object_get_string_member (part, "text"), ==, "What is this?");
  part = json_array_get_object_element (content, 1);
  g_assert_cmpstr (json_object_get_string_member (part, "type"), ==, "image_url");
  /* Workers AI refuses HTTP URLs: the bytes travel as a data: URL. */
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (part, "image_url"), "url"),
                   ==, "data:image/png;base64,iVBORw0KGgo=");
}

static void
test_invalid_values (void)
{
  struct {
    const char *field;
    void (*set) (CfaiChatRequest *, double);
    double value;
  } cases[] = {
    { "temperature", cfai_chat_request_set_temperature, 5.5 },
    { "top_p", cfai_chat_request_set_top_p, -0.1 },
    { "repetition_penalty", cfai_chat_request_set_repetition_penalty, 2.5 },
    { "frequency_penalty", cfai_chat_request_set_frequency_penalty, -3 },
    { "presence_penalty", cfai_chat_request_set_presence_penalty, 2.1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CfaiChatRequest) request = cfai_chat_request_new ("@cf/meta/llama-3.3-70b-instruct-fp8-fast");
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) body = NULL;

      cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Hi");
      cases[i].set (request, cases[i].value);
      body = cfai_chat_request_to_json (request, &error);
      g_assert_null (body);
      g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
      g_assert_cmpstr (cfai_error_get_field (error), ==, cases[i].field);
    }

  {
    g_autoptr(CfaiChatRequest) request = cfai_chat_request_new ("@cf/openai/gpt-oss-20b");
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = NULL;

    body = cfai_chat_request_to_json (request, &error);
    g_assert_null (body);
    g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
    g_clear_error (&error);

    cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Hi");
    cfai_chat_request_set_reasoning_effort (request, "extreme");
    body = cfai_chat_request_to_json (request, &error);
    g_assert_null (body);
    g_assert_cmpstr (cfai_error_get_field (error), ==, "reasoning_effort");
  }
}

static JsonNode *
load_input_schema (const char *file)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "models", file, NULL);
  JsonObject *root;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  return json_node_copy (json_object_get_member (json_object_get_object_member (root, "schema"), "input"));
}

static void
test_image_mode_from_schema (void)
{
  struct {
    const char        *file;
    CfaiChatImageMode  mode;
  } cases[] = {
    { "mistral-small-3.1-24b-instruct.json", CFAI_CHAT_IMAGES_CONTENT_PARTS },
    { "gemma-3-12b-it.json", CFAI_CHAT_IMAGES_CONTENT_PARTS },
    { "llama-3.2-11b-vision-instruct.json", CFAI_CHAT_IMAGES_IMAGE_FIELD },
    { "llama-3.3-70b-instruct-fp8-fast.json", CFAI_CHAT_IMAGES_UNSUPPORTED },
    /* The 2026 template: variants in variants, one message schema per
     * role, part types listed in an enum.  GLM-5.3 (no vision) has the
     * same schema: it says how images go, the catalog says who sees. */
    { "gemma-4-26b-a4b-it.json", CFAI_CHAT_IMAGES_CONTENT_PARTS },
    { "kimi-k2.6.json", CFAI_CHAT_IMAGES_CONTENT_PARTS },
    { "qwen3.8-27b.json", CFAI_CHAT_IMAGES_CONTENT_PARTS },
    { "glm-5.3.json", CFAI_CHAT_IMAGES_CONTENT_PARTS },
    { "deepseek-r1-distill-qwen-32b.json", CFAI_CHAT_IMAGES_UNSUPPORTED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) schema = load_input_schema (cases[i].file);
      g_test_message ("%s", cases[i].file);
      g_assert_cmpint (cfai_chat_image_mode_from_schema (schema), ==, cases[i].mode);
    }
}

/* Callers hand over the model's schema whole; without one, or without
 * its input part, the request keeps its default (content parts). */
static void
test_apply_model_schema (void)
{
  static const guint8 bytes[] = { 0xff, 0xd8, 0xff, 0x00, 0x10 };
  g_autoptr(GBytes) image = g_bytes_new_static (bytes, sizeof bytes);

  for (guint step = 0; step < 3; step++)
    {
      g_autoptr(CfaiChatRequest) request = cfai_chat_request_new ("@cf/meta/llama-3.2-11b-vision-instruct");
      g_autoptr(JsonObject) model_schema = step == 0 ? NULL : json_object_new ();
      g_autoptr(JsonObject) body = NULL;
      g_autoptr(GError) error = NULL;

      if (step == 2)
        json_object_set_member (model_schema, "input", load_input_schema ("llama-3.2-11b-vision-instruct.json"));
      cfai_chat_request_apply_model_schema (request, model_schema);
      cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "What is this?");
      g_assert_true (cfai_chat_request_add_image (request, image, "image/jpeg", &error));
      g_assert_no_error (error);
      body = to_object (request);
      g_assert_cmpint (json_object_has_member (body, "image"), ==, step == 2);
    }
}

/* The 2026 template allows image parts for every model; the catalog's
 * vision flag decides.  GLM-5.3's schema is Kimi K2.6's, and only Kimi
 * sees.  Refused when the image is added, and by the builder if the
 * entry comes after it. */
static void
test_apply_model_vision (void)
{
  static const guint8 bytes[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a };
  g_autoptr(GBytes) image = g_bytes_new_static (bytes, sizeof bytes);
  g_autoptr(CfaiModelCatalog) catalog = cfai_model_catalog_new (NULL, NULL);  /* the built-in list */
  CfaiModel *kimi = cfai_model_catalog_lookup (catalog, "@cf/moonshotai/kimi-k2.6");
  CfaiModel *glm = cfai_model_catalog_lookup (catalog, "@cf/zai-org/glm-5.3");

  g_assert_nonnull (kimi);
  g_assert_nonnull (glm);

  {
    g_autoptr(CfaiChatRequest) request = cfai_chat_request_new ("@cf/moonshotai/kimi-k2.6");
    g_autoptr(JsonObject) schema = json_object_new ();
    g_autoptr(JsonObject) body = NULL;
    g_autoptr(GError) error = NULL;

    json_object_set_member (schema, "input", load_input_schema ("kimi-k2.6.json"));
    cfai_chat_request_apply_model_schema (request, schema);
    cfai_chat_request_apply_model (request, kimi);
    cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "What is this?");
    g_assert_true (cfai_chat_request_add_image (request, image, "image/png", &error));
    g_assert_no_error (error);
    body = to_object (request);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (json_object_get_member (json_array_get_object_element (json_object_get_array_member (body, "messages"), 0), "content"))), ==, 2);
  }

  {
    g_autoptr(CfaiChatRequest) request = cfai_chat_request_new ("@cf/zai-org/glm-5.3");
    g_autoptr(JsonObject) schema = json_object_new ();
    g_autoptr(GError) error = NULL;

    json_object_set_member (schema, "input", load_input_schema ("glm-5.3.json"));
    cfai_chat_request_apply_model_schema (request, schema);
    g_assert_cmpint (cfai_chat_image_mode_from_schema (json_object_get_member (schema, "input")), ==,
                     CFAI_CHAT_IMAGES_CONTENT_PARTS);
    cfai_chat_request_apply_model (request, glm);
    cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "What is this?");
    g_assert_false (cfai_chat_request_add_image (request, image, "image/png", &error));
    g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
    g_assert_cmpstr (error->message, ==,
                     "@cf/zai-org/glm-5.3 does not accept images. Remove the image, or pick a model with vision.");
    g_assert_cmpstr (cfai_error_get_field (error), ==, "image");
  }

  {
    g_autoptr(CfaiChatRequest) request = cfai_chat_request_new ("@cf/zai-org/glm-5.3");
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) built = NULL;

    cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "What is this?");
    g_assert_true (cfai_chat_request_add_image (request, image, "image/png", &error));
    cfai_chat_request_apply_model (request, glm);
    built = cfai_chat_request_to_json (request, &error);
    g_assert_null (built);
    g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
    g_assert_cmpstr (cfai_error_get_field (error), ==, "image");
  }
}

static void
test_image_field_and_unsupported (void)
{
  static const guint8 bytes[] = { 0xff, 0xd8, 0xff, 0x00, 0x10 };
  g_autoptr(GBytes) image = g_bytes_new_static (bytes, sizeof bytes);
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(CfaiChatRequest) request = cfai_chat_request_new ("@cf/meta/llama-3.2-11b-vision-instruct");
    g_autoptr(JsonObject) body = NULL;
    JsonArray *array;

    cfai_chat_request_set_image_mode (request, CFAI_CHAT_IMAGES_IMAGE_FIELD);
    cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "What is this?");
    g_assert_true (cfai_chat_request_add_image (request, image, "image/jpeg", &error));
    body = to_object (request);
    /* The text stays a string; the bytes go in "image", one per value. */
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (body, "messages"), 0), "content"),
                     ==, "What is this?");
    array = json_object_get_array_member (body, "image");
    g_assert_cmpuint (json_array_get_length (array), ==, sizeof bytes);
    for (guint i = 0; i < sizeof bytes; i++)
      g_assert_cmpint (json_array_get_int_element (array, i), ==, bytes[i]);
  }

  {
    g_autoptr(CfaiChatRequest) request = cfai_chat_request_new ("@cf/qwen/qwq-32b");
    g_autoptr(GBytes) body = NULL;

    cfai_chat_request_set_image_mode (request, CFAI_CHAT_IMAGES_UNSUPPORTED);
    cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "What is this?");
    g_assert_true (cfai_chat_request_add_image (request, image, "image/jpeg", &error));
    body = cfai_chat_request_to_json (request, &error);
    g_assert_null (body);
    g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "does not accept images"));
  }
}

/* The session key is a header, never part of the body; rejectIfBusy is
 * a request option, sent in "options" only when asked for. */
static void
test_session_and_busy (void)
{
  g_autoptr(CfaiChatRequest) request = cfai_chat_request_new ("@cf/moonshotai/kimi-k2.6");
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *json = NULL;
  JsonObject *options;

  cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, "Hi");
  cfai_chat_request_set_session_key (request, "ses_12345678");
  g_assert_cmpstr (cfai_chat_request_get_session_key (request), ==, "ses_12345678");
  bytes = cfai_chat_request_to_json (request, &error);
  g_assert_no_error (error);
  json = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_null (strstr (json, "ses_12345678"));
  body = to_object (request);
  g_assert_false (json_object_has_member (body, "options"));
  g_clear_pointer (&body, json_object_unref);

  cfai_chat_request_set_reject_if_busy (request, TRUE);
  body = to_object (request);
  options = json_object_get_object_member (body, "options");
  g_assert_nonnull (options);
  g_assert_cmpuint (json_object_get_size (options), ==, 1);
  g_assert_true (json_object_get_boolean_member (options, "rejectIfBusy"));
  g_clear_pointer (&body, json_object_unref);
  cfai_chat_request_set_reject_if_busy (request, FALSE);
  body = to_object (request);
  g_assert_false (json_object_has_member (body, "options"));

  /* Nothing that could end or split the header. */
  cfai_chat_request_set_session_key (request, "two words");
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = cfai_chat_request_to_json (request, &error);
  g_assert_null (bytes);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
  g_assert_cmpstr (cfai_error_get_field (error), ==, "session");
  g_clear_error (&error);
  cfai_chat_request_set_session_key (request, "a\r\nX-Injected: 1");
  g_assert_null (cfai_chat_request_to_json (request, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* "" means no key. */
  cfai_chat_request_set_session_key (request, "");
  g_assert_null (cfai_chat_request_get_session_key (request));
}

/* JSON Schema allows `true`, `false` and strings where a schema goes; such
 * variants say nothing about images and must not raise a critical (the
 * tests run with fatal criticals). */
static void
test_image_mode_odd_variants (void)
{
  static const struct {
    const char        *json;
    CfaiChatImageMode  mode;
  } cases[] = {
    { "{\"oneOf\": [true, \"#/defs/prompt\", 3, null, []]}", CFAI_CHAT_IMAGES_UNSUPPORTED },
    { "{\"anyOf\": [false, {\"properties\": {\"messages\": {\"items\": {\"properties\":"
      " {\"content\": {\"oneOf\": [true, \"x\", {\"type\": [7, null, \"array\"],"
      " \"items\": {\"anyOf\": [true, {\"properties\": {\"image_url\": {}}}]}}]}}}}}}]}",
      CFAI_CHAT_IMAGES_CONTENT_PARTS },
    /* An array of text parts only takes no images. */
    { "{\"properties\": {\"messages\": {\"items\": {\"properties\": {\"content\":"
      " {\"type\": \"array\", \"items\": {\"properties\": {\"type\": {\"enum\": [\"text\"]}}}}}}}}}",
      CFAI_CHAT_IMAGES_UNSUPPORTED },
    /* Per-role message variants: only the user's content matters. */
    { "{\"properties\": {\"messages\": {\"items\": {\"oneOf\": ["
      "{\"properties\": {\"role\": {\"enum\": [\"tool\"]}, \"content\": {\"type\": \"array\","
      " \"items\": {\"properties\": {\"type\": {\"const\": \"image_url\"}}}}}},"
      "{\"properties\": {\"role\": {\"enum\": [\"user\"]}, \"content\": {\"type\": \"string\"}}}]}}}}",
      CFAI_CHAT_IMAGES_UNSUPPORTED },
    { "{\"oneOf\": [[1], {\"properties\": {\"image\": {}}}]}", CFAI_CHAT_IMAGES_IMAGE_FIELD },
    { "{\"properties\": {\"messages\": {\"items\": {\"properties\": {\"content\":"
      " {\"type\": [{\"no\": 1}, \"string\"], \"anyOf\": [1.5]}}}}}}", CFAI_CHAT_IMAGES_UNSUPPORTED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) schema = json_from_string (cases[i].json, &error);

      g_assert_no_error (error);
      g_assert_cmpint (cfai_chat_image_mode_from_schema (schema), ==, cases[i].mode);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  cfai_test_isolate_home ("cfai-test-chat-request");

  g_test_add_func ("/chat-request/minimal", test_minimal_body);
  g_test_add_func ("/chat-request/session-and-busy", test_session_and_busy);
  g_test_add_func ("/chat-request/full", test_full_body);
  g_test_add_func ("/chat-request/image-parts", test_image_parts);
  g_test_add_func ("/chat-request/invalid-values", test_invalid_values);
  g_test_add_func ("/chat-request/image-mode-from-schema", test_image_mode_from_schema);
  g_test_add_func ("/chat-request/image-field-and-unsupported", test_image_field_and_unsupported);
  g_test_add_func ("/chat-request/apply-model-schema", test_apply_model_schema);
  g_test_add_func ("/chat-request/apply-model-vision", test_apply_model_vision);
  g_test_add_func ("/chat-request/image-mode-odd-variants", test_image_mode_odd_variants);

  return g_test_run ();
}
