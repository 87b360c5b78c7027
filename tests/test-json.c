/* test-json.c — the one set of JSON member getters, and JSON answers
 * decoded from their object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs with G_DEBUG=fatal-warnings: a getter that let json-glib raise a
 * critical on a member of the wrong type would abort the test.
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "cfai-json.h"
#include "cfai-stream-decoder.h"

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_array_elements (void)
{
  g_autoptr(JsonObject) object =
    parse_object ("{\"a\":[{\"k\":1},\"text\",true,null,[],3]}");
  JsonArray *array = cfai_json_get_array (object, "a");

  g_assert_nonnull (cfai_json_array_get_object (array, 0));
  g_assert_cmpstr (cfai_json_array_get_string (array, 1), ==, "text");
  for (guint i = 1; i < 7; i++)
    g_assert_null (cfai_json_array_get_object (array, i));
  g_assert_null (cfai_json_array_get_string (array, 0));
  for (guint i = 2; i < 7; i++)
    g_assert_null (cfai_json_array_get_string (array, i));
  g_assert_null (cfai_json_array_get_object (NULL, 0));
  g_assert_null (cfai_json_array_get_string (NULL, 0));
}

static void
test_wrong_types (void)
{
  g_autoptr(JsonObject) object =
    parse_object ("{\"s\":\"text\",\"n\":3,\"o\":{\"a\":1},\"a\":[1,2],\"z\":null}");
  double number = -1;

  g_assert_cmpstr (cfai_json_get_string (object, "s"), ==, "text");
  g_assert_null (cfai_json_get_string (object, "n"));
  g_assert_null (cfai_json_get_string (object, "o"));
  g_assert_null (cfai_json_get_string (object, "a"));
  g_assert_null (cfai_json_get_string (object, "z"));
  g_assert_null (cfai_json_get_string (object, "missing"));
  g_assert_null (cfai_json_get_string (NULL, "s"));

  g_assert_nonnull (cfai_json_get_object (object, "o"));
  g_assert_null (cfai_json_get_object (object, "a"));
  g_assert_null (cfai_json_get_object (object, "s"));
  g_assert_null (cfai_json_get_object (NULL, "o"));

  g_assert_nonnull (cfai_json_get_array (object, "a"));
  g_assert_null (cfai_json_get_array (object, "o"));
  g_assert_null (cfai_json_get_array (object, "s"));
  g_assert_null (cfai_json_get_array (object, "z"));

  g_assert_true (cfai_json_get_number (object, "n", &number));
  g_assert_cmpfloat (number, ==, 3);
  number = -1;
  g_assert_false (cfai_json_get_number (object, "s", &number));
  g_assert_false (cfai_json_get_number (object, "o", &number));
  g_assert_false (cfai_json_get_number (object, "z", &number));
  g_assert_cmpfloat (number, ==, -1);
}

static void
test_counts (void)
{
  g_autoptr(JsonObject) object =
    parse_object ("{\"int\":12,\"double\":12.0,\"string\":\"12\",\"negative\":-3,"
                  "\"fraction_string\":\"1.5\",\"word\":\"many\",\"object\":{},\"null\":null,"
                  "\"huge\":1e300}");

  g_assert_cmpint (cfai_json_get_count (object, "int"), ==, 12);
  g_assert_cmpint (cfai_json_get_count (object, "double"), ==, 12);
  g_assert_cmpint (cfai_json_get_count (object, "string"), ==, 12);
  g_assert_cmpint (cfai_json_get_count (object, "negative"), ==, -1);
  g_assert_cmpint (cfai_json_get_count (object, "fraction_string"), ==, -1);
  g_assert_cmpint (cfai_json_get_count (object, "word"), ==, -1);
  g_assert_cmpint (cfai_json_get_count (object, "object"), ==, -1);
  g_assert_cmpint (cfai_json_get_count (object, "null"), ==, -1);
  g_assert_cmpint (cfai_json_get_count (object, "huge"), ==, -1);
  g_assert_cmpint (cfai_json_get_count (object, "missing"), ==, -1);
  g_assert_cmpint (cfai_json_get_count (NULL, "int"), ==, -1);
}

static void
test_object_at (void)
{
  g_autoptr(JsonObject) object =
    parse_object ("{\"a\":{\"b\":{\"c\":{\"leaf\":true}}},\"x\":[{\"b\":{}}]}");
  JsonObject *c = cfai_json_object_at (object, "a", "b", "c", NULL);

  g_assert_nonnull (c);
  g_assert_true (json_object_has_member (c, "leaf"));
  g_assert_null (cfai_json_object_at (object, "a", "missing", "c", NULL));
  g_assert_null (cfai_json_object_at (object, "x", "b", NULL));
  g_assert_null (cfai_json_object_at (object, "a", "b", "c", "leaf", NULL));
}

/* A chat completion answers with "message" where a stream chunk has
 * "delta"; the decoder reads the object as it is, without a copy. */
static void
test_decode_completion_object (void)
{
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  g_autoptr(JsonObject) object =
    parse_object ("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Hello there\","
                  "\"reasoning_content\":\"Greet back.\"},\"finish_reason\":\"stop\"}],"
                  "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7,"
                  "\"prompt_tokens_details\":{\"cached_tokens\":4}}}");
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *before = json_to_string (node, FALSE);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  const CfaiStreamDelta *delta;

  delta = cfai_stream_decoder_decode_object (decoder, object, &error);
  g_assert_no_error (error);
  g_assert_nonnull (delta);
  g_assert_cmpstr (delta->text, ==, "Hello there");
  g_assert_cmpstr (delta->reasoning, ==, "Greet back.");
  g_assert_cmpstr (delta->finish_reason, ==, "stop");
  g_assert_cmpint (delta->usage_kind, ==, CFAI_USAGE_INCREMENTAL);
  g_assert_cmpint (delta->usage.prompt_tokens, ==, 5);
  g_assert_cmpint (delta->usage.completion_tokens, ==, 2);
  g_assert_cmpint (delta->usage.cached_tokens, ==, 4);

  /* Nothing was added to the answer (the old path renamed members). */
  after = json_to_string (node, FALSE);
  g_assert_cmpstr (after, ==, before);
}

static void
test_decode_native_object (void)
{
  g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
  g_autoptr(JsonObject) object =
    parse_object ("{\"response\":\"Bonjour\",\"tool_calls\":[],"
                  "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}");
  g_autoptr(GError) error = NULL;
  const CfaiStreamDelta *delta;

  delta = cfai_stream_decoder_decode_object (decoder, object, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (delta->text, ==, "Bonjour");
  g_assert_cmpint (delta->usage_kind, ==, CFAI_USAGE_CUMULATIVE);
  g_assert_cmpint (delta->usage.total_tokens, ==, 4);
  g_assert_cmpint (delta->usage.cached_tokens, ==, -1);
}

/* "choices" that is not an array, a choice that is not an object, a
 * message that is a string: read as no text, never as a critical. */
static void
test_decode_odd_shapes (void)
{
  const char *const answers[] = {
    "{\"choices\":\"none\"}",
    "{\"choices\":{\"message\":{\"content\":\"x\"}}}",
    "{\"choices\":[\"text\"]}",
    "{\"choices\":[{\"message\":\"text\"}]}",
    "{\"choices\":[{\"message\":{\"content\":[\"parts\"]}}]}",
    "{\"response\":null,\"usage\":{\"prompt_tokens\":\"many\",\"prompt_tokens_details\":[]}}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(CfaiStreamDecoder) decoder = cfai_stream_decoder_new ();
      g_autoptr(JsonObject) object = parse_object (answers[i]);
      g_autoptr(GError) error = NULL;
      const CfaiStreamDelta *delta;

      delta = cfai_stream_decoder_decode_object (decoder, object, &error);
      g_assert_no_error (error);
      g_assert_nonnull (delta);
      g_assert_cmpstr (delta->text, ==, "");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/wrong-types", test_wrong_types);
  g_test_add_func ("/json/array-elements", test_array_elements);
  g_test_add_func ("/json/counts", test_counts);
  g_test_add_func ("/json/object-at", test_object_at);
  g_test_add_func ("/json/decode-completion-object", test_decode_completion_object);
  g_test_add_func ("/json/decode-native-object", test_decode_native_object);
  g_test_add_func ("/json/decode-odd-shapes", test_decode_odd_shapes);

  return g_test_run ();
}
