/* test-image-request.c — image model rules, request bodies and answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <locale.h>
#include <string.h>

#include "cfai-error.h"
#include "cfai-image-model-rules.h"
#include "cfai-image-request.h"
#include "cfai-image-response.h"
#include "cfai-test-home.h"

#define FLUX1 "@cf/black-forest-labs/flux-1-schnell"
#define FLUX2_DEV "@cf/black-forest-labs/flux-2-dev"
#define FLUX2_KLEIN_4B "@cf/black-forest-labs/flux-2-klein-4b"
#define FLUX2_KLEIN_9B "@cf/black-forest-labs/flux-2-klein-9b"
#define SDXL "@cf/stabilityai/stable-diffusion-xl-base-1.0"
#define SDXL_LIGHTNING "@cf/bytedance/stable-diffusion-xl-lightning"
#define DREAMSHAPER "@cf/lykon/dreamshaper-8-lcm"
#define PHOENIX "@cf/leonardo/phoenix-1.0"
#define LUCID "@cf/leonardo/lucid-origin"

#define HAMBURGER "A photo of a delicious large hamburger on a plate with lettuce and tomato"

/* Helpers */

static char *
base64_of (GBytes *bytes)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  return g_base64_encode (data, length);
}

static GBytes *
load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "images", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, length);
}

static JsonNode *
load_model_file (const char *model_id)
{
  g_autofree char *name = g_strconcat (strrchr (model_id, '/') + 1, ".json", NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "models", name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

/* The model file's "schema" member: the {input, output} pair. */
static JsonNode *
load_schema (const char *model_id)
{
  g_autoptr(JsonNode) file = load_model_file (model_id);
  JsonObject *object = json_node_get_object (file);

  g_assert_true (json_object_has_member (object, "schema"));

  return json_node_copy (json_object_get_member (object, "schema"));
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

static GBytes *
build (CfaiImageRequest    *request,
       CfaiImageModelRules *rules,
       char               **content_type)
{
  g_autoptr(GError) error = NULL;
  GBytes *body = NULL;
  gboolean ok;

  ok = cfai_image_request_build (request, rules, content_type, &body, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_nonnull (body);
  g_assert_nonnull (*content_type);

  return body;
}

/* @message NULL: any message. */
static void
build_fails_with_rules (CfaiImageRequest    *request,
                        CfaiImageModelRules *rules,
                        const char          *field,
                        const char          *message)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *content_type = NULL;
  GBytes *body = NULL;

  g_assert_false (cfai_image_request_build (request, rules, &content_type, &body, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
  g_assert_cmpstr (cfai_error_get_field (error), ==, field);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
  g_assert_null (body);
  g_assert_null (content_type);
}

/* With the built-in rules. */
static void
build_fails (CfaiImageRequest *request,
             const char       *field,
             const char       *message)
{
  build_fails_with_rules (request, NULL, field, message);
}

/* Builds with the built-in rules and parses the JSON body back. */
static JsonObject *
build_json (CfaiImageRequest *request,
            JsonNode        **root_out)
{
  g_autofree char *content_type = NULL;
  g_autoptr(GBytes) body = build (request, NULL, &content_type);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);

  g_assert_cmpstr (content_type, ==, "application/json");
  json_parser_load_from_data (parser, data, length, &error);
  g_assert_no_error (error);

  *root_out = json_node_ref (json_parser_get_root (parser));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*root_out));

  return json_node_get_object (*root_out);
}

/* The parts of a multipart body, in order. */
typedef struct
{
  char   *name;
  char   *filename;
  char   *content_type;
  GBytes *body;
} Part;

static void
part_free (gpointer data)
{
  Part *part = data;

  g_free (part->name);
  g_free (part->filename);
  g_free (part->content_type);
  g_bytes_unref (part->body);
  g_free (part);
}

static GPtrArray *
build_parts (CfaiImageRequest    *request,
             CfaiImageModelRules *rules)
{
  g_autofree char *content_type = NULL;
  g_autoptr(GBytes) body = build (request, rules, &content_type);
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(SoupMultipart) multipart = NULL;
  GPtrArray *parts = g_ptr_array_new_with_free_func (part_free);

  g_assert_true (g_str_has_prefix (content_type, "multipart/form-data;"));
  g_assert_nonnull (strstr (content_type, "boundary="));

  soup_message_headers_replace (headers, "Content-Type", content_type);
  multipart = soup_multipart_new_from_message (headers, body);
  g_assert_nonnull (multipart);

  for (int i = 0; i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *part_headers = NULL;
      GBytes *part_body = NULL;
      g_autofree char *disposition = NULL;
      g_autoptr(GHashTable) params = NULL;
      Part *part = g_new0 (Part, 1);

      g_assert_true (soup_multipart_get_part (multipart, i, &part_headers, &part_body));
      g_assert_true (soup_message_headers_get_content_disposition (part_headers, &disposition, &params));
      g_assert_cmpstr (disposition, ==, "form-data");
      g_assert_nonnull (g_hash_table_lookup (params, "name"));
      part->name = g_strdup (g_hash_table_lookup (params, "name"));
      part->filename = g_strdup (g_hash_table_lookup (params, "filename"));
      part->content_type = g_strdup (soup_message_headers_get_content_type (part_headers, NULL));
      part->body = g_bytes_ref (part_body);
      g_ptr_array_add (parts, part);
    }

  return parts;
}

/* Builds a multipart body and reads it back as name → value. */
static GHashTable *
build_multipart (CfaiImageRequest    *request,
                 CfaiImageModelRules *rules)
{
  g_autoptr(GPtrArray) parts = build_parts (request, rules);
  GHashTable *fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < parts->len; i++)
    {
      Part *part = g_ptr_array_index (parts, i);
      gsize length = 0;
      const char *data = g_bytes_get_data (part->body, &length);

      g_assert_false (g_hash_table_contains (fields, part->name));
      g_hash_table_insert (fields, g_strdup (part->name), g_strndup (data, length));
    }

  return fields;
}

static void
assert_json_members (JsonObject         *object,
                     const char * const *expected)
{
  g_autoptr(GList) members = json_object_get_members (object);

  g_assert_cmpuint (g_list_length (members), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_true (json_object_has_member (object, expected[i]));
}

static gint64
json_int (JsonObject *object,
          const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  g_assert_nonnull (node);
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_INT64);

  return json_node_get_int (node);
}

/* FLUX.1 [schnell] */

static void
test_flux1_defaults (void)
{
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new (FLUX1);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  cfai_image_request_set_prompt (request, HAMBURGER);
  /* Settings FLUX.1 does not take are left out, not refused. */
  cfai_image_request_set_negative_prompt (request, "blurry");
  cfai_image_request_set_width (request, 4000);
  cfai_image_request_set_seed (request, 7);
  cfai_image_request_set_guidance (request, 3.0);

  object = build_json (request, &root);
  assert_json_members (object, (const char * const[]) { "prompt", "steps", NULL });
  g_assert_cmpstr (json_object_get_string_member (object, "prompt"), ==, HAMBURGER);
  /* Always sent: Flux fails with code 1000 when steps is missing. */
  g_assert_cmpint (json_int (object, "steps"), ==, 4);
}

static void
test_flux1_steps (void)
{
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new (FLUX1);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  cfai_image_request_set_prompt (request, HAMBURGER);
  cfai_image_request_set_steps (request, 8);
  object = build_json (request, &root);
  g_assert_cmpint (json_int (object, "steps"), ==, 8);

  cfai_image_request_set_steps (request, 9);
  build_fails (request, "steps", "Steps must be at most 8 for FLUX.1 [schnell].");
}

static void
test_flux1_prompt_length (void)
{
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new (FLUX1);
  g_autoptr(GString) prompt = g_string_new (NULL);
  g_autoptr(JsonNode) root = NULL;

  /* 2048 characters of two bytes each: the limit is in characters. */
  for (guint i = 0; i < 2048; i++)
    g_string_append (prompt, "é");
  cfai_image_request_set_prompt (request, prompt->str);
  build_json (request, &root);

  g_string_append (prompt, "é");
  cfai_image_request_set_prompt (request, prompt->str);
  build_fails (request, "prompt", "The prompt has 2049 characters; FLUX.1 [schnell] takes between 1 and 2048.");
}

/* FLUX.2 */

static void
test_flux2_dev_multipart (void)
{
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new (FLUX2_DEV);
  g_autoptr(GHashTable) fields = NULL;

  cfai_image_request_set_prompt (request, "a sunset at the alps");
  fields = build_multipart (request, NULL);
  /* Flux fails without a steps value (code 1000), so our default goes. */
  g_assert_cmpuint (g_hash_table_size (fields), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (fields, "prompt"), ==, "a sunset at the alps");
  g_assert_cmpstr (g_hash_table_lookup (fields, "steps"), ==, "25");
  g_clear_pointer (&fields, g_hash_table_unref);

  cfai_image_request_set_steps (request, 25);
  cfai_image_request_set_width (request, 1024);
  cfai_image_request_set_height (request, 768);
  cfai_image_request_set_seed (request, 42);
  cfai_image_request_set_guidance (request, 3.5);
  cfai_image_request_set_negative_prompt (request, "people");
  fields = build_multipart (request, NULL);
  g_assert_cmpuint (g_hash_table_size (fields), ==, 6);
  g_assert_cmpstr (g_hash_table_lookup (fields, "prompt"), ==, "a sunset at the alps");
  g_assert_cmpstr (g_hash_table_lookup (fields, "steps"), ==, "25");
  g_assert_cmpstr (g_hash_table_lookup (fields, "width"), ==, "1024");
  g_assert_cmpstr (g_hash_table_lookup (fields, "height"), ==, "768");
  g_assert_cmpstr (g_hash_table_lookup (fields, "seed"), ==, "42");
  g_assert_cmpstr (g_hash_table_lookup (fields, "guidance"), ==, "3.5");
  g_assert_false (g_hash_table_contains (fields, "negative_prompt"));
}

static void
test_flux2_dev_limits (void)
{
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new (FLUX2_DEV);
  g_autoptr(GHashTable) fields = NULL;

  cfai_image_request_set_prompt (request, "a sunset at the alps");

  cfai_image_request_set_width (request, 1921);
  build_fails (request, "width", "Width must be between 256 and 1920 for FLUX.2 [dev].");
  cfai_image_request_set_width (request, 255);
  build_fails (request, "width", "Width must be between 256 and 1920 for FLUX.2 [dev].");
  cfai_image_request_set_width (request, 1920);

  cfai_image_request_set_height (request, 100);
  build_fails (request, "height", "Height must be between 256 and 1920 for FLUX.2 [dev].");
  cfai_image_request_set_height (request, 256);

  fields = build_multipart (request, NULL);
  g_assert_cmpstr (g_hash_table_lookup (fields, "width"), ==, "1920");
  g_assert_cmpstr (g_hash_table_lookup (fields, "height"), ==, "256");
}

static void
test_flux2_klein_fixed_steps (void)
{
  static const char * const models[] = { FLUX2_KLEIN_4B, FLUX2_KLEIN_9B };
  static const char * const messages[] = {
    "FLUX.2 [klein] 4B always uses 4 steps.",
    "FLUX.2 [klein] 9B always uses 4 steps.",
  };

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr(CfaiImageRequest) request = cfai_image_request_new (models[i]);
      g_autoptr(CfaiImageModelRules) rules = cfai_image_model_rules_lookup (models[i]);
      g_autoptr(GHashTable) fields = NULL;

      g_assert_true (cfai_image_model_rules_get_steps_fixed (rules));
      g_assert_cmpint (cfai_image_model_rules_get_input_encoding (rules), ==, CFAI_IMAGE_INPUT_MULTIPART);

      cfai_image_request_set_prompt (request, "a sunset at the alps");
      fields = build_multipart (request, NULL);
      g_assert_cmpuint (g_hash_table_size (fields), ==, 1);
      g_clear_pointer (&fields, g_hash_table_unref);

      cfai_image_request_set_steps (request, 4);
      cfai_image_request_set_width (request, 1024);
      fields = build_multipart (request, NULL);
      g_assert_cmpuint (g_hash_table_size (fields), ==, 2);
      g_assert_false (g_hash_table_contains (fields, "steps"));
      g_assert_cmpstr (g_hash_table_lookup (fields, "width"), ==, "1024");

      cfai_image_request_set_steps (request, 8);
      build_fails (request, "steps", messages[i]);
    }
}

/* Stable Diffusion XL and its relatives */

static void
test_sdxl_family (void)
{
  static const char * const models[] = { SDXL, SDXL_LIGHTNING, DREAMSHAPER };

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr(CfaiImageRequest) request = cfai_image_request_new (models[i]);
      g_autoptr(CfaiImageModelRules) rules = cfai_image_model_rules_lookup (models[i]);
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *message = NULL;
      JsonObject *object;

      cfai_image_request_set_prompt (request, HAMBURGER);
      object = build_json (request, &root);
      assert_json_members (object, (const char * const[]) { "prompt", "num_steps", NULL });
      g_assert_cmpint (json_int (object, "num_steps"), ==, 20);
      g_clear_pointer (&root, json_node_unref);

      /* Blank negative prompts are never sent. */
      cfai_image_request_set_negative_prompt (request, "");
      object = build_json (request, &root);
      g_assert_false (json_object_has_member (object, "negative_prompt"));
      g_clear_pointer (&root, json_node_unref);

      cfai_image_request_set_negative_prompt (request, " \t\n ");
      object = build_json (request, &root);
      g_assert_false (json_object_has_member (object, "negative_prompt"));
      g_clear_pointer (&root, json_node_unref);

      cfai_image_request_set_negative_prompt (request, "blurry, text");
      cfai_image_request_set_steps (request, 12);
      cfai_image_request_set_width (request, 2048);
      cfai_image_request_set_height (request, 512);
      cfai_image_request_set_seed (request, 0);
      cfai_image_request_set_guidance (request, 7.5);
      object = build_json (request, &root);
      assert_json_members (object, (const char * const[]) {
        "prompt", "negative_prompt", "num_steps", "width", "height", "seed", "guidance", NULL
      });
      g_assert_cmpstr (json_object_get_string_member (object, "negative_prompt"), ==, "blurry, text");
      g_assert_cmpint (json_int (object, "num_steps"), ==, 12);
      g_assert_cmpint (json_int (object, "width"), ==, 2048);
      g_assert_cmpint (json_int (object, "height"), ==, 512);
      g_assert_cmpint (json_int (object, "seed"), ==, 0);
      g_assert_cmpfloat (json_object_get_double_member (object, "guidance"), ==, 7.5);
      g_assert_false (json_object_has_member (object, "steps"));

      cfai_image_request_set_steps (request, 21);
      message = g_strdup_printf ("Steps must be at most 20 for %s.",
                                 cfai_image_model_rules_get_display_name (rules));
      build_fails (request, "num_steps", message);
      cfai_image_request_set_steps (request, 0);

      cfai_image_request_set_width (request, 4096);
      g_free (message);
      message = g_strdup_printf ("Width must be between 256 and 2048 for %s.",
                                 cfai_image_model_rules_get_display_name (rules));
      build_fails (request, "width", message);
    }
}

/* Leonardo */

static void
test_phoenix (void)
{
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new (PHOENIX);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  cfai_image_request_set_prompt (request, HAMBURGER);
  cfai_image_request_set_negative_prompt (request, "");
  object = build_json (request, &root);
  assert_json_members (object, (const char * const[]) { "prompt", "num_steps", NULL });
  g_assert_cmpint (json_int (object, "num_steps"), ==, 25);
  g_clear_pointer (&root, json_node_unref);

  cfai_image_request_set_negative_prompt (request, "cars");
  cfai_image_request_set_guidance (request, 10);
  cfai_image_request_set_steps (request, 50);
  object = build_json (request, &root);
  g_assert_cmpstr (json_object_get_string_member (object, "negative_prompt"), ==, "cars");
  g_assert_cmpfloat (json_object_get_double_member (object, "guidance"), ==, 10);
  g_assert_cmpint (json_int (object, "num_steps"), ==, 50);

  cfai_image_request_set_guidance (request, 1.5);
  build_fails (request, "guidance", "Guidance must be between 2 and 10 for Phoenix 1.0.");
  cfai_image_request_set_guidance (request, -1);

  cfai_image_request_set_steps (request, 51);
  build_fails (request, "num_steps", "Steps must be between 1 and 50 for Phoenix 1.0.");
  cfai_image_request_set_steps (request, 0);

  cfai_image_request_set_height (request, 2049);
  build_fails (request, "height", "Height must be between 0 and 2048 for Phoenix 1.0.");
}

static void
test_lucid_origin (void)
{
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new (LUCID);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  cfai_image_request_set_prompt (request, HAMBURGER);
  cfai_image_request_set_negative_prompt (request, "cars");
  object = build_json (request, &root);
  /* No documented steps default, no negative prompt. */
  assert_json_members (object, (const char * const[]) { "prompt", NULL });
  g_clear_pointer (&root, json_node_unref);

  cfai_image_request_set_steps (request, 40);
  cfai_image_request_set_width (request, 2500);
  cfai_image_request_set_guidance (request, 0);
  object = build_json (request, &root);
  assert_json_members (object, (const char * const[]) { "prompt", "num_steps", "width", "guidance", NULL });
  g_assert_cmpint (json_int (object, "num_steps"), ==, 40);
  g_assert_cmpint (json_int (object, "width"), ==, 2500);
  g_assert_cmpfloat (json_object_get_double_member (object, "guidance"), ==, 0);

  cfai_image_request_set_steps (request, 41);
  build_fails (request, "num_steps", "Steps must be between 1 and 40 for Lucid Origin.");
}

/* Requests that cannot be built */

static void
test_bad_prompts (void)
{
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new (SDXL);

  build_fails (request, "prompt", "Describe the picture you want in the prompt.");
  cfai_image_request_set_prompt (request, "");
  build_fails (request, "prompt", "Describe the picture you want in the prompt.");
  cfai_image_request_set_prompt (request, " \n\t\u3000");
  build_fails (request, "prompt", "Describe the picture you want in the prompt.");
  cfai_image_request_set_prompt (request, "caf\xe9 au lait");
  build_fails (request, "prompt", "The prompt is not valid UTF-8 text.");

  cfai_image_request_set_prompt (request, "a cat");
  cfai_image_request_set_negative_prompt (request, "\xff");
  build_fails (request, "negative_prompt", "The negative prompt is not valid UTF-8 text.");
}

static void
test_unknown_model (void)
{
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new (NULL);
  g_autoptr(CfaiImageModelRules) rules = NULL;
  g_autoptr(JsonNode) schema = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *content_type = NULL;
  g_autoptr(GBytes) body = NULL;

  cfai_image_request_set_prompt (request, "a cat");
  build_fails (request, "model", "Choose an image model first.");

  cfai_image_request_set_model (request, "@cf/example/painter");
  build_fails (request, "model", NULL);

  /* With rules from its schema the same request works, and errors name
   * the model by the last part of its id. */
  schema = parse_json ("{\"type\":\"object\",\"properties\":{"
                       "\"prompt\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":100},"
                       "\"negative_prompt\":{\"type\":\"string\"},"
                       "\"steps\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":30,"
                       "\"description\":\"How many steps. Defaults to 12.\"},"
                       "\"guidance\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":9}},"
                       "\"required\":[\"prompt\"]}");
  rules = cfai_image_model_rules_new_from_schema ("@cf/example/painter", schema, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfai_image_model_rules_get_display_name (rules), ==, "painter");
  g_assert_cmpint (cfai_image_model_rules_get_input_encoding (rules), ==, CFAI_IMAGE_INPUT_JSON);

  cfai_image_request_set_negative_prompt (request, "dogs");
  cfai_image_request_set_guidance (request, 3);
  body = build (request, rules, &content_type);
  g_assert_cmpstr (content_type, ==, "application/json");
  root = parse_json (g_bytes_get_data (body, NULL));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "negative_prompt"), ==, "dogs");
  g_assert_cmpint (json_int (json_node_get_object (root), "steps"), ==, 12);
  /* An integer guidance goes out as an integer. */
  g_assert_cmpint (json_int (json_node_get_object (root), "guidance"), ==, 3);

  cfai_image_request_set_guidance (request, 2.5);
  g_clear_pointer (&content_type, g_free);
  g_clear_pointer (&body, g_bytes_unref);
  g_assert_false (cfai_image_request_build (request, rules, &content_type, &body, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "Guidance must be a whole number for painter.");
  g_assert_cmpstr (cfai_error_get_field (error), ==, "guidance");
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_request_properties (void)
{
  CfaiImageRequest *request = cfai_image_request_new (FLUX1);
  guint notified = 0;
  double guidance;
  gint64 seed;

  g_assert_cmpstr (cfai_image_request_get_model (request), ==, FLUX1);
  g_assert_cmpuint (cfai_image_request_get_steps (request), ==, 0);
  g_assert_cmpint (cfai_image_request_get_seed (request), ==, -1);
  g_assert_cmpfloat (cfai_image_request_get_guidance (request), <, 0);

  g_signal_connect (request, "notify::seed", G_CALLBACK (count_notify), &notified);
  cfai_image_request_set_seed (request, 5);
  cfai_image_request_set_seed (request, 5);
  g_assert_cmpuint (notified, ==, 1);

  g_object_set (request, "guidance", -7.0, "width", 512, NULL);
  g_object_get (request, "guidance", &guidance, "seed", &seed, NULL);
  g_assert_cmpfloat (guidance, ==, -1.0);
  g_assert_cmpint (seed, ==, 5);
  g_assert_cmpuint (cfai_image_request_get_width (request), ==, 512);

  g_assert_finalize_object (request);
}

/* Rules read from the schemas */

static void
assert_same_field (CfaiImageModelRules *a,
                   CfaiImageModelRules *b,
                   CfaiImageField       field)
{
  double va = 0, vb = 0;
  gboolean ha, hb;

  g_assert_cmpstr (cfai_image_model_rules_get_field_name (a, field), ==,
                   cfai_image_model_rules_get_field_name (b, field));
  g_assert_cmpint (cfai_image_model_rules_get_field_is_integer (a, field), ==,
                   cfai_image_model_rules_get_field_is_integer (b, field));
  g_assert_cmpint (cfai_image_model_rules_get_field_required (a, field), ==,
                   cfai_image_model_rules_get_field_required (b, field));

  ha = cfai_image_model_rules_get_minimum (a, field, &va);
  hb = cfai_image_model_rules_get_minimum (b, field, &vb);
  g_assert_cmpint (ha, ==, hb);
  if (ha)
    g_assert_cmpfloat (va, ==, vb);

  ha = cfai_image_model_rules_get_maximum (a, field, &va);
  hb = cfai_image_model_rules_get_maximum (b, field, &vb);
  g_assert_cmpint (ha, ==, hb);
  if (ha)
    g_assert_cmpfloat (va, ==, vb);

  ha = cfai_image_model_rules_get_default (a, field, &va);
  hb = cfai_image_model_rules_get_default (b, field, &vb);
  g_assert_cmpint (ha, ==, hb);
  if (ha)
    g_assert_cmpfloat (va, ==, vb);
}

static void
assert_same_rules (CfaiImageModelRules *a,
                   CfaiImageModelRules *b)
{
  g_assert_cmpstr (cfai_image_model_rules_get_model_id (a), ==, cfai_image_model_rules_get_model_id (b));
  g_assert_cmpstr (cfai_image_model_rules_get_display_name (a), ==, cfai_image_model_rules_get_display_name (b));
  g_assert_cmpint (cfai_image_model_rules_get_input_encoding (a), ==, cfai_image_model_rules_get_input_encoding (b));
  g_assert_cmpint (cfai_image_model_rules_get_output_kind (a), ==, cfai_image_model_rules_get_output_kind (b));
  g_assert_cmpstr (cfai_image_model_rules_get_output_content_type (a), ==,
                   cfai_image_model_rules_get_output_content_type (b));
  g_assert_cmpstr (cfai_image_model_rules_get_output_field (a), ==, cfai_image_model_rules_get_output_field (b));
  g_assert_cmpint (cfai_image_model_rules_get_steps_fixed (a), ==, cfai_image_model_rules_get_steps_fixed (b));
  g_assert_cmpint (cfai_image_model_rules_get_reference_kind (a), ==, cfai_image_model_rules_get_reference_kind (b));
  g_assert_cmpuint (cfai_image_model_rules_get_max_reference_images (a), ==,
                    cfai_image_model_rules_get_max_reference_images (b));
  {
    guint wa = 0, ha = 0, wb = 0, hb = 0;

    g_assert_cmpint (cfai_image_model_rules_get_reference_max_size (a, &wa, &ha), ==,
                     cfai_image_model_rules_get_reference_max_size (b, &wb, &hb));
    g_assert_cmpuint (wa, ==, wb);
    g_assert_cmpuint (ha, ==, hb);
  }

  for (guint field = 0; field < CFAI_IMAGE_N_FIELDS; field++)
    assert_same_field (a, b, field);
}

static void
test_schema_agrees_with_builtin (void)
{
  const char * const *ids = cfai_image_model_rules_list_builtin ();

  g_assert_cmpuint (g_strv_length ((char **) ids), ==, 9);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(CfaiImageModelRules) builtin = cfai_image_model_rules_lookup (ids[i]);
      g_autoptr(CfaiImageModelRules) from_pair = NULL;
      g_autoptr(CfaiImageModelRules) from_input = NULL;
      g_autoptr(JsonNode) model_file = load_model_file (ids[i]);
      g_autoptr(JsonNode) schema = load_schema (ids[i]);
      g_autoptr(JsonNode) input = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", ids[i]);
      g_assert_nonnull (builtin);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (model_file), "name"), ==, ids[i]);

      /* The {input, output} pair, as /ai/models/schema answers it. */
      from_pair = cfai_image_model_rules_new_from_schema (ids[i], schema, &error);
      g_assert_no_error (error);
      assert_same_rules (from_pair, builtin);

      /* The input schema alone gives the same fields. */
      input = json_node_copy (json_object_get_member (json_node_get_object (schema), "input"));
      from_input = cfai_image_model_rules_new_from_schema (ids[i], input, &error);
      g_assert_no_error (error);
      assert_same_rules (from_input, builtin);
    }
}

static void
test_schema_details (void)
{
  g_autoptr(JsonNode) schema = load_schema (FLUX1);
  g_autoptr(CfaiImageModelRules) rules = NULL;
  g_autoptr(GError) error = NULL;
  double value = 0;

  rules = cfai_image_model_rules_new_from_schema (FLUX1, schema, &error);
  g_assert_no_error (error);

  /* "Default is 4" lives only in the description. */
  g_assert_true (cfai_image_model_rules_get_default (rules, CFAI_IMAGE_FIELD_STEPS, &value));
  g_assert_cmpfloat (value, ==, 4);
  g_assert_cmpstr (cfai_image_model_rules_get_field_name (rules, CFAI_IMAGE_FIELD_STEPS), ==, "steps");
  g_assert_false (cfai_image_model_rules_get_minimum (rules, CFAI_IMAGE_FIELD_STEPS, NULL));
  g_assert_true (cfai_image_model_rules_get_maximum (rules, CFAI_IMAGE_FIELD_PROMPT, &value));
  g_assert_cmpfloat (value, ==, 2048);
  g_assert_null (cfai_image_model_rules_get_field_name (rules, CFAI_IMAGE_FIELD_WIDTH));
  g_assert_cmpint (cfai_image_model_rules_get_output_kind (rules), ==, CFAI_IMAGE_OUTPUT_JSON_BASE64);
  g_assert_cmpstr (cfai_image_model_rules_get_output_field (rules), ==, "image");
  g_clear_pointer (&rules, cfai_image_model_rules_unref);
  g_clear_pointer (&schema, json_node_unref);

  schema = load_schema (PHOENIX);
  rules = cfai_image_model_rules_new_from_schema (PHOENIX, schema, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfai_image_model_rules_get_output_kind (rules), ==, CFAI_IMAGE_OUTPUT_BINARY);
  g_assert_cmpstr (cfai_image_model_rules_get_output_content_type (rules), ==, "image/jpeg");
  g_assert_null (cfai_image_model_rules_get_output_field (rules));
  g_assert_true (cfai_image_model_rules_get_minimum (rules, CFAI_IMAGE_FIELD_NEGATIVE_PROMPT, &value));
  g_assert_cmpfloat (value, ==, 1);
  g_clear_pointer (&rules, cfai_image_model_rules_unref);
  g_clear_pointer (&schema, json_node_unref);

  /* Lucid Origin lists both num_steps and steps. */
  schema = load_schema (LUCID);
  rules = cfai_image_model_rules_new_from_schema (LUCID, schema, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfai_image_model_rules_get_field_name (rules, CFAI_IMAGE_FIELD_STEPS), ==, "num_steps");
  g_assert_false (cfai_image_model_rules_get_steps_fixed (rules));
}

static void
test_schema_unknown_multipart (void)
{
  g_autoptr(JsonNode) schema = load_schema (FLUX2_DEV);
  g_autoptr(CfaiImageModelRules) rules = NULL;
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new ("@cf/black-forest-labs/flux-2-pro");
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(GError) error = NULL;

  /* A FLUX.2 schema says only "multipart": for a model we do not know,
   * only the prompt is safe to send. */
  rules = cfai_image_model_rules_new_from_schema ("@cf/black-forest-labs/flux-2-pro", schema, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfai_image_model_rules_get_input_encoding (rules), ==, CFAI_IMAGE_INPUT_MULTIPART);
  g_assert_cmpstr (cfai_image_model_rules_get_field_name (rules, CFAI_IMAGE_FIELD_PROMPT), ==, "prompt");
  for (guint field = CFAI_IMAGE_FIELD_NEGATIVE_PROMPT; field < CFAI_IMAGE_N_FIELDS; field++)
    g_assert_null (cfai_image_model_rules_get_field_name (rules, field));

  cfai_image_request_set_prompt (request, "a fox");
  cfai_image_request_set_steps (request, 30);
  cfai_image_request_set_width (request, 999999);
  fields = build_multipart (request, rules);
  g_assert_cmpuint (g_hash_table_size (fields), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (fields, "prompt"), ==, "a fox");
}

static void
test_schema_errors (void)
{
  g_autoptr(JsonNode) array = parse_json ("[1, 2]");
  g_autoptr(JsonNode) no_properties = parse_json ("{\"type\":\"object\"}");
  g_autoptr(JsonNode) no_prompt = parse_json ("{\"type\":\"object\",\"properties\":{\"image\":{\"type\":\"string\"}}}");
  g_autoptr(GError) error = NULL;

  g_assert_null (cfai_image_model_rules_new_from_schema ("@cf/x/y", NULL, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  g_clear_error (&error);

  g_assert_null (cfai_image_model_rules_new_from_schema ("@cf/x/y", array, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  g_clear_error (&error);

  g_assert_null (cfai_image_model_rules_new_from_schema ("@cf/x/y", no_properties, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  g_clear_error (&error);

  g_assert_null (cfai_image_model_rules_new_from_schema ("@cf/x/y", no_prompt, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_null (cfai_image_model_rules_lookup ("@cf/meta/llama-3.3-70b-instruct-fp8-fast"));
  g_assert_null (cfai_image_model_rules_lookup (NULL));
}


/* Reference images */

static void
test_rules_references (void)
{
  static const struct {
    const char             *model;
    CfaiImageReferenceKind  kind;
    guint                   max;
    guint                   side;   /* 0: no limit */
  } expected[] = {
    { FLUX1, CFAI_IMAGE_REFERENCE_NONE, 0, 0 },
    { FLUX2_DEV, CFAI_IMAGE_REFERENCE_PARTS, 4, 512 },
    { FLUX2_KLEIN_4B, CFAI_IMAGE_REFERENCE_PARTS, 4, 512 },
    { FLUX2_KLEIN_9B, CFAI_IMAGE_REFERENCE_PARTS, 4, 512 },
    { SDXL, CFAI_IMAGE_REFERENCE_IMG2IMG, 1, 0 },
    { SDXL_LIGHTNING, CFAI_IMAGE_REFERENCE_IMG2IMG, 1, 0 },
    { DREAMSHAPER, CFAI_IMAGE_REFERENCE_IMG2IMG, 1, 0 },
    { PHOENIX, CFAI_IMAGE_REFERENCE_NONE, 0, 0 },
    { LUCID, CFAI_IMAGE_REFERENCE_NONE, 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(CfaiImageModelRules) rules = cfai_image_model_rules_lookup (expected[i].model);
      guint width = 0;
      guint height = 0;
      double value = 0;

      g_test_message ("%s", expected[i].model);
      g_assert_cmpint (cfai_image_model_rules_get_reference_kind (rules), ==, expected[i].kind);
      g_assert_cmpuint (cfai_image_model_rules_get_max_reference_images (rules), ==, expected[i].max);
      g_assert_cmpint (cfai_image_model_rules_get_reference_max_size (rules, &width, &height), ==,
                       expected[i].side != 0);
      g_assert_cmpuint (width, ==, expected[i].side);
      g_assert_cmpuint (height, ==, expected[i].side);

      /* Strength exactly where img2img is. */
      if (expected[i].kind == CFAI_IMAGE_REFERENCE_IMG2IMG)
        {
          g_assert_cmpstr (cfai_image_model_rules_get_field_name (rules, CFAI_IMAGE_FIELD_STRENGTH), ==, "strength");
          g_assert_false (cfai_image_model_rules_get_field_is_integer (rules, CFAI_IMAGE_FIELD_STRENGTH));
          g_assert_true (cfai_image_model_rules_get_minimum (rules, CFAI_IMAGE_FIELD_STRENGTH, &value));
          g_assert_cmpfloat (value, ==, 0);
          g_assert_true (cfai_image_model_rules_get_maximum (rules, CFAI_IMAGE_FIELD_STRENGTH, &value));
          g_assert_cmpfloat (value, ==, 1);
          g_assert_true (cfai_image_model_rules_get_default (rules, CFAI_IMAGE_FIELD_STRENGTH, &value));
          g_assert_cmpfloat (value, ==, 1);
        }
      else
        g_assert_null (cfai_image_model_rules_get_field_name (rules, CFAI_IMAGE_FIELD_STRENGTH));
    }
}

/* img2img is read from the schema, not from the model's name: a model we
 * have never heard of with Stable Diffusion's schema takes a picture. */
static void
test_rules_img2img_from_schema (void)
{
  g_autoptr(JsonNode) schema = load_schema (SDXL);
  g_autoptr(JsonNode) without = parse_json ("{\"type\":\"object\",\"properties\":{"
                                            "\"prompt\":{\"type\":\"string\"},"
                                            "\"strength\":{\"type\":\"number\"}}}");
  g_autoptr(CfaiImageModelRules) rules = NULL;
  g_autoptr(CfaiImageModelRules) plain = NULL;
  g_autoptr(GError) error = NULL;
  double value = 0;

  rules = cfai_image_model_rules_new_from_schema ("@cf/runwayml/stable-diffusion-v1-5-img2img", schema, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfai_image_model_rules_get_reference_kind (rules), ==, CFAI_IMAGE_REFERENCE_IMG2IMG);
  g_assert_cmpuint (cfai_image_model_rules_get_max_reference_images (rules), ==, 1);
  g_assert_false (cfai_image_model_rules_get_reference_max_size (rules, NULL, NULL));
  /* "A value between 0 and 1" is all the schema says about the range. */
  g_assert_true (cfai_image_model_rules_get_maximum (rules, CFAI_IMAGE_FIELD_STRENGTH, &value));
  g_assert_cmpfloat (value, ==, 1);

  /* Strength without image_b64 is not img2img and is not sent. */
  plain = cfai_image_model_rules_new_from_schema ("@cf/example/plain", without, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfai_image_model_rules_get_reference_kind (plain), ==, CFAI_IMAGE_REFERENCE_NONE);
  g_assert_cmpuint (cfai_image_model_rules_get_max_reference_images (plain), ==, 0);
  g_assert_null (cfai_image_model_rules_get_field_name (plain, CFAI_IMAGE_FIELD_STRENGTH));
}

static void
test_flux2_reference_images (void)
{
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new (FLUX2_DEV);
  g_autoptr(GBytes) png = load_fixture ("tiny.png");
  g_autoptr(GBytes) jpeg = load_fixture ("tiny.jpg");
  g_autoptr(GBytes) text = g_bytes_new_static ("not a picture", 13);
  g_autoptr(GPtrArray) parts = NULL;
  const char *mime = NULL;

  cfai_image_request_set_prompt (request, "the cat from the first picture in the room of the second");
  cfai_image_request_add_reference_image (request, png, NULL);
  cfai_image_request_add_reference_image (request, jpeg, "image/jpeg");
  g_assert_cmpuint (cfai_image_request_get_n_reference_images (request), ==, 2);
  g_assert_true (cfai_image_request_get_reference_image (request, 0, &mime) == png);
  g_assert_cmpstr (mime, ==, "image/png");

  parts = build_parts (request, NULL);
  g_assert_cmpuint (parts->len, ==, 4);
  g_assert_cmpstr (((Part *) parts->pdata[0])->name, ==, "prompt");
  g_assert_cmpstr (((Part *) parts->pdata[1])->name, ==, "steps");
  for (guint i = 0; i < 2; i++)
    {
      Part *part = parts->pdata[2 + i];
      g_autofree char *name = g_strdup_printf ("input_image_%u", i);

      /* File parts, typed, with the bytes unchanged. */
      g_assert_cmpstr (part->name, ==, name);
      g_assert_nonnull (part->filename);
      g_assert_true (g_str_has_prefix (part->filename, name));
      g_assert_cmpstr (part->content_type, ==, i == 0 ? "image/png" : "image/jpeg");
      g_assert_true (g_bytes_equal (part->body, i == 0 ? png : jpeg));
    }
  g_clear_pointer (&parts, g_ptr_array_unref);

  /* Four is the most. */
  cfai_image_request_add_reference_image (request, png, NULL);
  cfai_image_request_add_reference_image (request, png, NULL);
  parts = build_parts (request, NULL);
  g_assert_cmpuint (parts->len, ==, 6);
  g_assert_cmpstr (((Part *) parts->pdata[5])->name, ==, "input_image_3");

  cfai_image_request_add_reference_image (request, jpeg, NULL);
  build_fails (request, CFAI_IMAGE_REQUEST_FIELD_REFERENCE_IMAGES,
               "FLUX.2 [dev] takes at most 4 reference images; remove 1.");

  /* Bytes that are not a picture are named, whatever their label says. */
  cfai_image_request_clear_reference_images (request);
  g_assert_cmpuint (cfai_image_request_get_n_reference_images (request), ==, 0);
  cfai_image_request_add_reference_image (request, png, NULL);
  cfai_image_request_add_reference_image (request, text, "image/png");
  build_fails (request, CFAI_IMAGE_REQUEST_FIELD_REFERENCE_IMAGES,
               "Reference image 2 is not a PNG, JPEG or WebP picture.");
}

static void
test_img2img (void)
{
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new (SDXL);
  g_autoptr(GBytes) png = load_fixture ("tiny.png");
  g_autofree char *expected = base64_of (png);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  cfai_image_request_set_prompt (request, "the same street at night, rain");

  /* Strength alone does nothing without a picture, so it is not sent. */
  cfai_image_request_set_strength (request, 0.4);
  object = build_json (request, &root);
  assert_json_members (object, (const char * const[]) { "prompt", "num_steps", NULL });
  g_clear_pointer (&root, json_node_unref);

  cfai_image_request_add_reference_image (request, png, NULL);
  object = build_json (request, &root);
  assert_json_members (object, (const char * const[]) { "prompt", "num_steps", "image_b64", "strength", NULL });
  g_assert_cmpstr (json_object_get_string_member (object, "image_b64"), ==, expected);
  g_assert_cmpfloat (json_object_get_double_member (object, "strength"), ==, 0.4);
  g_clear_pointer (&root, json_node_unref);

  /* Unset, the model's own default applies. */
  cfai_image_request_set_strength (request, -1);
  object = build_json (request, &root);
  assert_json_members (object, (const char * const[]) { "prompt", "num_steps", "image_b64", NULL });
  g_clear_pointer (&root, json_node_unref);

  cfai_image_request_set_strength (request, 0);
  object = build_json (request, &root);
  g_assert_cmpfloat (json_object_get_double_member (object, "strength"), ==, 0);
  g_clear_pointer (&root, json_node_unref);

  cfai_image_request_set_strength (request, 1.5);
  build_fails (request, "strength", "Strength must be between 0 and 1 for Stable Diffusion XL.");
  cfai_image_request_set_strength (request, 1);

  cfai_image_request_add_reference_image (request, png, NULL);
  build_fails (request, CFAI_IMAGE_REQUEST_FIELD_REFERENCE_IMAGES,
               "Stable Diffusion XL takes at most 1 reference image; remove 1.");
}

static void
test_no_reference_images (void)
{
  static const char * const models[] = { FLUX1, PHOENIX, LUCID };
  static const char * const names[] = { "FLUX.1 [schnell]", "Phoenix 1.0", "Lucid Origin" };
  g_autoptr(GBytes) png = load_fixture ("tiny.png");

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr(CfaiImageRequest) request = cfai_image_request_new (models[i]);
      g_autofree char *message =
        g_strdup_printf ("%s does not take reference images. Remove them, or choose a model that takes them.",
                         names[i]);

      cfai_image_request_set_prompt (request, HAMBURGER);
      cfai_image_request_add_reference_image (request, png, NULL);
      build_fails (request, CFAI_IMAGE_REQUEST_FIELD_REFERENCE_IMAGES, message);
    }

  /* An unknown multipart model: its schema does not say, so none. */
  {
    g_autoptr(JsonNode) schema = load_schema (FLUX2_DEV);
    g_autoptr(CfaiImageModelRules) rules = NULL;
    g_autoptr(CfaiImageRequest) request = cfai_image_request_new ("@cf/black-forest-labs/flux-2-pro");
    g_autoptr(GError) error = NULL;

    rules = cfai_image_model_rules_new_from_schema ("@cf/black-forest-labs/flux-2-pro", schema, &error);
    g_assert_no_error (error);
    cfai_image_request_set_prompt (request, "a fox");
    cfai_image_request_add_reference_image (request, png, NULL);
    build_fails_with_rules (request, rules, CFAI_IMAGE_REQUEST_FIELD_REFERENCE_IMAGES,
                            "flux-2-pro does not take reference images. Remove them, or choose a model that takes them.");
  }
}

static void
test_pick_seed (void)
{
  g_autoptr(JsonNode) narrow = parse_json ("{\"type\":\"object\",\"properties\":{"
                                           "\"prompt\":{\"type\":\"string\"},"
                                           "\"seed\":{\"type\":\"integer\",\"minimum\":10,\"maximum\":12}}}");
  g_autoptr(CfaiImageModelRules) rules = NULL;
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new (PHOENIX);
  g_autoptr(GError) error = NULL;
  gboolean seen[3] = { FALSE, FALSE, FALSE };
  const char * const *ids = cfai_image_model_rules_list_builtin ();
  guint notified = 0;

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(CfaiImageModelRules) builtin = cfai_image_model_rules_lookup (ids[i]);

      for (guint n = 0; n < 100; n++)
        {
          gint64 seed = cfai_image_model_rules_pick_seed (builtin);

          /* FLUX.1 [schnell] takes no seed; the others get one that fits
           * an int32, as the service reads it. */
          if (cfai_image_model_rules_get_field_name (builtin, CFAI_IMAGE_FIELD_SEED) == NULL)
            g_assert_cmpint (seed, ==, -1);
          else
            g_assert_true (seed >= 0 && seed <= G_MAXINT32);
        }
    }

  rules = cfai_image_model_rules_new_from_schema ("@cf/example/narrow", narrow, &error);
  g_assert_no_error (error);
  for (guint n = 0; n < 300; n++)
    {
      gint64 seed = cfai_image_model_rules_pick_seed (rules);

      g_assert_true (seed >= 10 && seed <= 12);
      seen[seed - 10] = TRUE;
    }
  g_assert_true (seen[0] && seen[1] && seen[2]);

  g_signal_connect (request, "notify::seed", G_CALLBACK (count_notify), &notified);
  g_assert_cmpint (cfai_image_request_pick_seed (request, rules), ==, cfai_image_request_get_seed (request));
  g_assert_true (cfai_image_request_get_seed (request) >= 10);
  g_assert_cmpuint (notified, ==, 1);

  cfai_image_request_set_model (request, FLUX1);
  g_assert_cmpint (cfai_image_request_pick_seed (request, NULL), ==, -1);
  g_assert_cmpint (cfai_image_request_get_seed (request), ==, -1);
}

static void
test_request_copy (void)
{
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new (SDXL);
  g_autoptr(CfaiImageRequest) copy = NULL;
  g_autoptr(GBytes) png = load_fixture ("tiny.png");
  const char *mime = NULL;
  guint notified = 0;

  cfai_image_request_set_prompt (request, "a harbour");
  cfai_image_request_set_negative_prompt (request, "boats");
  cfai_image_request_set_steps (request, 12);
  cfai_image_request_set_width (request, 768);
  cfai_image_request_set_height (request, 512);
  cfai_image_request_set_seed (request, 99);
  cfai_image_request_set_guidance (request, 6.5);
  cfai_image_request_set_strength (request, 0.25);
  g_signal_connect (request, "notify::n-reference-images", G_CALLBACK (count_notify), &notified);
  cfai_image_request_add_reference_image (request, png, NULL);
  g_assert_cmpuint (notified, ==, 1);

  copy = cfai_image_request_copy (request);
  g_assert_cmpstr (cfai_image_request_get_model (copy), ==, SDXL);
  g_assert_cmpstr (cfai_image_request_get_prompt (copy), ==, "a harbour");
  g_assert_cmpstr (cfai_image_request_get_negative_prompt (copy), ==, "boats");
  g_assert_cmpuint (cfai_image_request_get_steps (copy), ==, 12);
  g_assert_cmpuint (cfai_image_request_get_width (copy), ==, 768);
  g_assert_cmpuint (cfai_image_request_get_height (copy), ==, 512);
  g_assert_cmpint (cfai_image_request_get_seed (copy), ==, 99);
  g_assert_cmpfloat (cfai_image_request_get_guidance (copy), ==, 6.5);
  g_assert_cmpfloat (cfai_image_request_get_strength (copy), ==, 0.25);
  g_assert_cmpuint (cfai_image_request_get_n_reference_images (copy), ==, 1);
  g_assert_true (g_bytes_equal (cfai_image_request_get_reference_image (copy, 0, &mime), png));
  g_assert_cmpstr (mime, ==, "image/png");

  /* The two go their own ways. */
  cfai_image_request_clear_reference_images (request);
  g_assert_cmpuint (notified, ==, 2);
  cfai_image_request_clear_reference_images (request);
  g_assert_cmpuint (notified, ==, 2);
  cfai_image_request_set_prompt (request, "a lake");
  g_assert_cmpuint (cfai_image_request_get_n_reference_images (copy), ==, 1);
  g_assert_cmpstr (cfai_image_request_get_prompt (copy), ==, "a harbour");

  g_object_set (copy, "strength", -3.0, NULL);
  g_assert_cmpfloat (cfai_image_request_get_strength (copy), ==, -1.0);
}

/* Answers */

static void
decode_ok (guint       status,
           const char *content_type,
           GBytes     *body,
           GBytes     *expected,
           const char *expected_mime)
{
  g_autoptr(GBytes) image = NULL;
  g_autofree char *mime = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (cfai_image_response_decode (status, content_type, body, NULL, &image, &mime, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (mime, ==, expected_mime);
  g_assert_true (g_bytes_equal (image, expected));
}

static GError *
decode_fails (guint       status,
              const char *content_type,
              const char *text)
{
  g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));
  GBytes *image = NULL;
  char *mime = NULL;
  GError *error = NULL;

  g_assert_false (cfai_image_response_decode (status, content_type, body, NULL, &image, &mime, &error));
  g_assert_nonnull (error);
  g_assert_null (image);
  g_assert_null (mime);

  return error;
}

static void
assert_not_an_image (guint       status,
                     const char *content_type,
                     const char *text,
                     const char *detail)
{
  g_autoptr(GError) error = decode_fails (status, content_type, text);

  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  g_assert_true (g_str_has_prefix (error->message, "The server's answer is not an image ("));
  if (detail != NULL && strstr (error->message, detail) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, detail);
}

static GBytes *
text_bytes (char *text)
{
  return g_bytes_new_take (text, strlen (text));
}

static void
test_response_raw (void)
{
  g_autoptr(GBytes) png = load_fixture ("tiny.png");
  g_autoptr(GBytes) jpeg = load_fixture ("tiny.jpg");

  g_assert_cmpstr (cfai_image_response_sniff_mime (g_bytes_get_data (png, NULL), g_bytes_get_size (png)), ==, "image/png");
  g_assert_cmpstr (cfai_image_response_sniff_mime (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg)), ==, "image/jpeg");

  decode_ok (200, "image/png", png, png, "image/png");
  decode_ok (200, "image/jpeg", jpeg, jpeg, "image/jpeg");
  decode_ok (200, "IMAGE/JPEG; charset=binary", jpeg, jpeg, "image/jpeg");
  /* The bytes decide, not the label. */
  decode_ok (200, "image/png", jpeg, jpeg, "image/jpeg");
  decode_ok (200, "application/octet-stream", png, png, "image/png");
  decode_ok (200, NULL, png, png, "image/png");
}

static void
test_response_webp (void)
{
  static const guint8 webp[] = {
    'R', 'I', 'F', 'F', 0x1a, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'L',
    0x0d, 0, 0, 0, 0x2f, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0,
  };
  static const guint8 wave[] = { 'R', 'I', 'F', 'F', 0x1a, 0, 0, 0, 'W', 'A', 'V', 'E' };
  g_autoptr(GBytes) bytes = g_bytes_new_static (webp, sizeof webp);

  decode_ok (200, "image/webp", bytes, bytes, "image/webp");
  g_assert_null (cfai_image_response_sniff_mime (wave, sizeof wave));
  /* A PNG signature without its IHDR chunk is not a PNG. */
  g_assert_null (cfai_image_response_sniff_mime ((const guint8 *) "\x89PNG\r\n\x1a\n\0\0\0\rIHDX", 16));
  g_assert_null (cfai_image_response_sniff_mime ((const guint8 *) "\xff\xd8", 2));
  g_assert_null (cfai_image_response_sniff_mime (NULL, 0));
}

static void
test_response_json (void)
{
  g_autoptr(GBytes) png = load_fixture ("tiny.png");
  g_autoptr(GBytes) jpeg = load_fixture ("tiny.jpg");
  g_autofree char *png64 = base64_of (png);
  g_autofree char *jpeg64 = base64_of (jpeg);
  g_autoptr(GBytes) envelope = NULL;
  g_autoptr(GBytes) bare = NULL;
  g_autoptr(GBytes) data_url = NULL;
  g_autoptr(GBytes) unlabelled = NULL;

  envelope = text_bytes (g_strdup_printf ("{\"result\":{\"image\":\"%s\"},\"success\":true,\"errors\":[],\"messages\":[]}", png64));
  decode_ok (200, "application/json", envelope, png, "image/png");

  bare = text_bytes (g_strdup_printf ("{\"image\":\"%s\"}", jpeg64));
  decode_ok (200, "application/json; charset=utf-8", bare, jpeg, "image/jpeg");

  data_url = text_bytes (g_strdup_printf ("{\"result\":{\"image\":\"data:image/png;base64,%s\"},\"success\":true}", png64));
  decode_ok (200, "application/json", data_url, png, "image/png");

  /* JSON without a Content-Type is still recognised. */
  unlabelled = text_bytes (g_strdup_printf ("  {\"image\":\"%s\"}", png64));
  decode_ok (200, NULL, unlabelled, png, "image/png");
}

static void
test_response_base64_variants (void)
{
  g_autoptr(GBytes) jpeg = load_fixture ("tiny.jpg");
  g_autofree char *b64 = base64_of (jpeg);
  g_autoptr(GString) wrapped = g_string_new (NULL);
  g_autoptr(GString) unpadded = NULL;
  g_autoptr(GBytes) body = NULL;

  /* MIME-style line breaks (escaped in JSON). */
  for (gsize i = 0; b64[i]; i++)
    {
      g_string_append_c (wrapped, b64[i]);
      if (i % 76 == 75)
        g_string_append (wrapped, "\\r\\n");
    }
  body = text_bytes (g_strdup_printf ("{\"image\":\"%s\"}", wrapped->str));
  decode_ok (200, "application/json", body, jpeg, "image/jpeg");
  g_clear_pointer (&body, g_bytes_unref);

  /* No padding, URL-safe alphabet. */
  unpadded = g_string_new (b64);
  while (unpadded->len > 0 && unpadded->str[unpadded->len - 1] == '=')
    g_string_truncate (unpadded, unpadded->len - 1);
  g_strdelimit (unpadded->str, "+", '-');
  g_strdelimit (unpadded->str, "/", '_');
  body = text_bytes (g_strdup_printf ("{\"image\":\"%s\"}", unpadded->str));
  decode_ok (200, "application/json", body, jpeg, "image/jpeg");
}

static void
test_response_garbage (void)
{
  g_autofree char *hello64 = g_base64_encode ((const guchar *) "hello world", 11);
  g_autofree char *json = g_strdup_printf ("{\"result\":{\"image\":\"%s\"},\"success\":true}", hello64);

  assert_not_an_image (200, "image/png", "hello", "labelled image/png");
  assert_not_an_image (200, "text/html", "<!DOCTYPE html><html><body>Bad gateway</body></html>", "text/html");
  assert_not_an_image (200, NULL, "plain words", "no content type");
  assert_not_an_image (200, "image/png", "", "empty");
  assert_not_an_image (200, "application/json", json, "decoded");
  assert_not_an_image (200, "application/json", "{\"image\":\"<html>\"}", "base64");
  assert_not_an_image (200, "application/json", "{\"image\":\"QUJD=QUJD\"}", "base64");
  assert_not_an_image (200, "application/json", "{\"image\":\"\"}", "base64");
  assert_not_an_image (200, "application/json", "{\"image\":42}", "“image”");
  assert_not_an_image (200, "application/json", "{\"result\":{\"response\":\"hi\"},\"success\":true}", "“image”");
  assert_not_an_image (200, "application/json", "[1,2]", "not an object");
  assert_not_an_image (200, "application/json", "{\"image\": ", "JSON");
  assert_not_an_image (200, "application/json", "{\"image\":\"data:image/png,abcd\"}", "data URL");
}

static void
test_response_errors (void)
{
  g_autoptr(GError) nsfw = NULL;
  g_autoptr(GError) gateway = NULL;
  g_autoptr(GError) failed = NULL;
  g_autoptr(GError) redirect = NULL;

  /* Error answers are mapped, never decoded. */
  nsfw = decode_fails (400, "application/json",
                       "{\"errors\":[{\"code\":3030,\"message\":\"AiError: Input prompt contains NSFW content (code 3030)\"}],"
                       "\"success\":false,\"result\":{},\"messages\":[]}");
  g_assert_error (nsfw, CFAI_ERROR, CFAI_ERROR_NSFW);
  g_assert_cmpuint (cfai_error_get_http_status (nsfw), ==, 400);

  gateway = decode_fails (502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>");
  g_assert_error (gateway, CFAI_ERROR, CFAI_ERROR_SERVER);

  /* A v4 envelope may report failure with status 200. */
  failed = decode_fails (200, "application/json",
                         "{\"errors\":[{\"code\":3030,\"message\":\"Input prompt contains NSFW content\"}],"
                         "\"success\":false,\"result\":null,\"messages\":[]}");
  g_assert_error (failed, CFAI_ERROR, CFAI_ERROR_NSFW);

  redirect = decode_fails (304, "image/png", "\x89PNG");
  g_assert_error (redirect, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  g_assert_cmpuint (cfai_error_get_http_status (redirect), ==, 304);
}

static void
test_response_error_headers (void)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(GBytes) body = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;
  GBytes *image = NULL;
  char *mime = NULL;

  /* Images are rate-limited (720 a minute): the wait must survive. */
  soup_message_headers_append (headers, "Retry-After", "7");
  g_assert_false (cfai_image_response_decode (429, NULL, body, headers, &image, &mime, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_RATE_LIMITED);
  g_assert_cmpint (cfai_error_get_retry_after_us (error), ==, 7 * G_USEC_PER_SEC);
  g_assert_null (image);
  g_assert_null (mime);
}

int
main (int   argc,
      char *argv[])
{
  /* Error messages are compared word for word. */
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  cfai_test_isolate_home ("cfai-test-image-request");

  g_test_add_func ("/image-request/flux-1-schnell/defaults", test_flux1_defaults);
  g_test_add_func ("/image-request/flux-1-schnell/steps", test_flux1_steps);
  g_test_add_func ("/image-request/flux-1-schnell/prompt-length", test_flux1_prompt_length);
  g_test_add_func ("/image-request/flux-2-dev/multipart", test_flux2_dev_multipart);
  g_test_add_func ("/image-request/flux-2-dev/limits", test_flux2_dev_limits);
  g_test_add_func ("/image-request/flux-2-klein/fixed-steps", test_flux2_klein_fixed_steps);
  g_test_add_func ("/image-request/sdxl-family", test_sdxl_family);
  g_test_add_func ("/image-request/phoenix", test_phoenix);
  g_test_add_func ("/image-request/lucid-origin", test_lucid_origin);
  g_test_add_func ("/image-request/bad-prompts", test_bad_prompts);
  g_test_add_func ("/image-request/unknown-model", test_unknown_model);
  g_test_add_func ("/image-request/properties", test_request_properties);
  g_test_add_func ("/image-request/flux-2/reference-images", test_flux2_reference_images);
  g_test_add_func ("/image-request/img2img", test_img2img);
  g_test_add_func ("/image-request/no-reference-images", test_no_reference_images);
  g_test_add_func ("/image-request/pick-seed", test_pick_seed);
  g_test_add_func ("/image-request/copy", test_request_copy);
  g_test_add_func ("/image-model-rules/references", test_rules_references);
  g_test_add_func ("/image-model-rules/img2img-from-schema", test_rules_img2img_from_schema);
  g_test_add_func ("/image-model-rules/schema-agrees-with-builtin", test_schema_agrees_with_builtin);
  g_test_add_func ("/image-model-rules/schema-details", test_schema_details);
  g_test_add_func ("/image-model-rules/unknown-multipart", test_schema_unknown_multipart);
  g_test_add_func ("/image-model-rules/errors", test_schema_errors);
  g_test_add_func ("/image-response/raw", test_response_raw);
  g_test_add_func ("/image-response/webp", test_response_webp);
  g_test_add_func ("/image-response/json", test_response_json);
  g_test_add_func ("/image-response/base64-variants", test_response_base64_variants);
  g_test_add_func ("/image-response/garbage", test_response_garbage);
  g_test_add_func ("/image-response/errors", test_response_errors);
  g_test_add_func ("/image-response/error-headers", test_response_error_headers);

  return g_test_run ();
}
