/* test-image-generator.c — every text-to-image model end to end against the
 * fake server, which validates each request against the model's schema.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cfai-error.h"
#include "cfai-image-run.h"
#include "cfai-image-response.h"
#include "cfai-test-async.h"
#include "cfai-test-home.h"
#include "cfai-test-server.h"
#include "fake-image.h"

static CfaiTestServer *server;

static CfaiClient *
make_client (const char *scenario)
{
  g_autofree char *base = cfai_test_server_api_base (server, scenario);
  CfaiClient *client = cfai_client_new ();

  cfai_credentials_set_api_base_url (cfai_client_get_credentials (client), base);
  cfai_credentials_set_account_id (cfai_client_get_credentials (client), "test-account");
  cfai_credentials_set_api_token (cfai_client_get_credentials (client), "test-token");
  return client;
}

/* Runs @request to the end; the run is returned done or failed. */
static CfaiImageRun *
run_request (const char        *scenario,
             CfaiImageRequest  *request,
             GError           **error)
{
  g_autoptr(CfaiClient) client = make_client (scenario);
  g_autoptr(GAsyncResult) result = NULL;
  CfaiImageRun *run = cfai_image_run_new (client, request, NULL);

  cfai_run_execute_async (CFAI_RUN (run), NULL, cfai_test_got_result, &result);
  cfai_run_execute_finish (CFAI_RUN (run), cfai_test_wait_for (&result), error);
  return run;
}

static GBytes *
generate (const char           *scenario,
          const char           *model,
          const char           *prompt,
          CfaiImageModelRules  *rules,
          char                **mime,
          GError              **error)
{
  g_autoptr(CfaiClient) client = make_client (scenario);
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new (model);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CfaiImageRun) run = NULL;

  cfai_image_request_set_prompt (request, prompt);
  run = cfai_image_run_new (client, request, rules);
  cfai_run_execute_async (CFAI_RUN (run), NULL, cfai_test_got_result, &result);
  if (!cfai_run_execute_finish (CFAI_RUN (run), cfai_test_wait_for (&result), error))
    return NULL;
  *mime = g_strdup (cfai_image_run_get_mime_type (run));
  return g_bytes_ref (cfai_image_run_get_image (run));
}

/* A genuine picture of any size (the fake's own renderer stops at 64). */
static GBytes *
make_picture (guint    width,
              guint    height,
              gboolean jpeg)
{
  g_autofree guint8 *rgb = g_malloc ((gsize) width * height * 3);

  for (gsize i = 0; i < (gsize) width * height * 3; i++)
    rgb[i] = (guint8) (i * 7 + i / 3);

  return jpeg ? fake_image_encode_jpeg (rgb, width, height) : fake_image_encode_png (rgb, width, height);
}

static GBytes *
cut_in_half (GBytes *bytes)
{
  return g_bytes_new_from_bytes (bytes, 0, g_bytes_get_size (bytes) / 2);
}

static void
test_reference_images (void)
{
  static const char * const models[] = {
    "@cf/black-forest-labs/flux-2-dev",
    "@cf/black-forest-labs/flux-2-klein-4b",
    "@cf/black-forest-labs/flux-2-klein-9b",
  };
  g_autoptr(GBytes) largest = make_picture (512, 384, FALSE);
  g_autoptr(GBytes) small = make_picture (64, 48, TRUE);
  g_autoptr(GBytes) too_big = make_picture (600, 400, FALSE);
  g_autoptr(GBytes) cut = cut_in_half (largest);

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr(CfaiImageRequest) request = cfai_image_request_new (models[i]);
      g_autoptr(CfaiImageRun) run = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", models[i]);
      cfai_image_request_set_prompt (request, "The dog of the first picture on the beach of the second");
      cfai_image_request_add_reference_image (request, largest, NULL);
      cfai_image_request_add_reference_image (request, small, NULL);
      run = run_request (NULL, request, &error);
      g_assert_no_error (error);
      g_assert_nonnull (cfai_image_run_get_image (run));
      g_clear_object (&run);

      /* The fake decodes what it gets, as the model does: a picture over
       * 512×512 is refused (the UI scales first), so is one cut short. */
      cfai_image_request_clear_reference_images (request);
      cfai_image_request_add_reference_image (request, too_big, NULL);
      run = run_request (NULL, request, &error);
      g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, "512x512"));
      g_assert_null (cfai_image_run_get_image (run));
      g_clear_error (&error);
      g_clear_object (&run);

      cfai_image_request_clear_reference_images (request);
      cfai_image_request_add_reference_image (request, cut, NULL);
      run = run_request (NULL, request, &error);
      g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, "input_image_0"));
    }
}

static void
test_img2img (void)
{
  static const char * const models[] = {
    "@cf/stabilityai/stable-diffusion-xl-base-1.0",
    "@cf/bytedance/stable-diffusion-xl-lightning",
    "@cf/lykon/dreamshaper-8-lcm",
  };
  g_autoptr(GBytes) picture = make_picture (640, 480, FALSE);
  g_autoptr(GBytes) cut = cut_in_half (picture);

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr(CfaiImageRequest) request = cfai_image_request_new (models[i]);
      g_autoptr(CfaiImageRun) run = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", models[i]);
      cfai_image_request_set_prompt (request, "The same street at night, wet asphalt, neon signs");
      cfai_image_request_add_reference_image (request, picture, "image/png");
      cfai_image_request_set_strength (request, 0.55);
      run = run_request (NULL, request, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (cfai_image_run_get_mime_type (run), ==, "image/png");
      g_clear_object (&run);

      cfai_image_request_clear_reference_images (request);
      cfai_image_request_add_reference_image (request, cut, NULL);
      run = run_request (NULL, request, &error);
      g_assert_error (error, CFAI_ERROR, CFAI_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, "image_b64"));
    }
}

/* Workers AI does not say which seed it used, so the run always sends
 * one: the seed it reports makes the same picture again. */
static void
test_seed_always_sent (void)
{
  static const char * const models[] = {
    "@cf/stabilityai/stable-diffusion-xl-base-1.0",
    "@cf/black-forest-labs/flux-2-dev",
    "@cf/leonardo/phoenix-1.0",
    "@cf/leonardo/lucid-origin",
  };

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr(CfaiImageRequest) request = cfai_image_request_new (models[i]);
      g_autoptr(CfaiImageRun) first = NULL;
      g_autoptr(CfaiImageRun) again = NULL;
      g_autoptr(CfaiImageRun) other = NULL;
      g_autoptr(GError) error = NULL;
      gint64 seed;

      g_test_message ("%s", models[i]);
      cfai_image_request_set_prompt (request, "A paper boat on a puddle, morning light");
      first = run_request (NULL, request, &error);
      g_assert_no_error (error);
      seed = cfai_image_run_get_seed (first);
      g_assert_cmpint (seed, >=, 0);
      g_assert_cmpint (seed, <=, G_MAXINT32);
      /* The request itself is not changed. */
      g_assert_cmpint (cfai_image_request_get_seed (request), ==, -1);

      cfai_image_request_set_seed (request, seed);
      again = run_request (NULL, request, &error);
      g_assert_no_error (error);
      g_assert_cmpint (cfai_image_run_get_seed (again), ==, seed);
      g_assert_true (g_bytes_equal (cfai_image_run_get_image (first), cfai_image_run_get_image (again)));

      /* Another seed, another picture. */
      cfai_image_request_set_seed (request, seed == 0 ? 1 : seed - 1);
      other = run_request (NULL, request, &error);
      g_assert_no_error (error);
      g_assert_false (g_bytes_equal (cfai_image_run_get_image (first), cfai_image_run_get_image (other)));
    }

  /* FLUX.1 [schnell] takes no seed: nothing to report. */
  {
    g_autoptr(CfaiImageRequest) request = cfai_image_request_new ("@cf/black-forest-labs/flux-1-schnell");
    g_autoptr(CfaiImageRun) run = NULL;
    g_autoptr(GError) error = NULL;

    cfai_image_request_set_prompt (request, "A paper boat on a puddle, morning light");
    run = run_request (NULL, request, &error);
    g_assert_no_error (error);
    g_assert_cmpint (cfai_image_run_get_seed (run), ==, -1);
  }
}

static void
test_every_builtin_model (void)
{
  const char * const *models = cfai_image_model_rules_list_builtin ();

  g_assert_nonnull (models);
  for (guint i = 0; models[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *mime = NULL;
      g_autoptr(GBytes) image = NULL;
      g_autoptr(CfaiImageModelRules) rules = cfai_image_model_rules_lookup (models[i]);
      gboolean flux = g_str_has_prefix (models[i], "@cf/black-forest-labs/");

      /* "strict-steps" fails requests that leave out the steps field, as
       * Flux reportedly does in production.  FLUX.2 [klein] runs a fixed
       * 4 steps and Cloudflare's own examples send none, so neither do we. */
      image = generate (flux && !cfai_image_model_rules_get_steps_fixed (rules) ? "strict-steps" : NULL,
                        models[i],
                        "A photo of a lighthouse on a cliff at sunset, 35 mm film", NULL, &mime, &error);
      g_test_message ("%s: %s", models[i], error ? error->message : mime);
      g_assert_no_error (error);
      g_assert_nonnull (image);
      g_assert_cmpstr (cfai_image_response_sniff_mime (g_bytes_get_data (image, NULL),
                                                       g_bytes_get_size (image)), ==, mime);
    }
}

static void
test_rules_from_live_schema (void)
{
  const char *models[] = {
    "@cf/black-forest-labs/flux-1-schnell",
    "@cf/stabilityai/stable-diffusion-xl-base-1.0",
    "@cf/leonardo/phoenix-1.0",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr(CfaiClient) client = make_client (NULL);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(CfaiImageModelRules) live = NULL;
      g_autoptr(CfaiImageModelRules) builtin = cfai_image_model_rules_lookup (models[i]);
      g_autoptr(GBytes) image = NULL;
      g_autofree char *mime = NULL;
      double live_max, builtin_max;

      cfai_image_model_rules_fetch_async (client, models[i], NULL, cfai_test_got_result, &result);
      live = cfai_image_model_rules_fetch_finish (client, cfai_test_wait_for (&result), &error);
      g_assert_no_error (error);
      g_assert_nonnull (live);

      /* The schema the server publishes and our table agree on what
       * matters for a valid request. */
      g_assert_cmpstr (cfai_image_model_rules_get_field_name (live, CFAI_IMAGE_FIELD_STEPS), ==,
                       cfai_image_model_rules_get_field_name (builtin, CFAI_IMAGE_FIELD_STEPS));
      g_assert_cmpint (cfai_image_model_rules_get_input_encoding (live), ==,
                       cfai_image_model_rules_get_input_encoding (builtin));
      g_assert_true (cfai_image_model_rules_get_maximum (live, CFAI_IMAGE_FIELD_STEPS, &live_max));
      g_assert_true (cfai_image_model_rules_get_maximum (builtin, CFAI_IMAGE_FIELD_STEPS, &builtin_max));
      g_assert_cmpfloat (live_max, ==, builtin_max);

      /* And a request built from the live rules is accepted. */
      image = generate (NULL, models[i], "A bowl of ripe cherries on a wooden table, soft window light",
                        live, &mime, &error);
      g_assert_no_error (error);
      g_assert_nonnull (image);
    }
}

static void
test_unknown_model_schema (void)
{
  g_autoptr(CfaiClient) client = make_client (NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CfaiImageModelRules) rules = NULL;

  cfai_image_model_rules_fetch_async (client, "@cf/nobody/no-such-model", NULL, cfai_test_got_result, &result);
  rules = cfai_image_model_rules_fetch_finish (client, cfai_test_wait_for (&result), &error);
  g_assert_null (rules);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_NO_SUCH_MODEL);
}

static void
test_image_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mime = NULL;
  g_autoptr(GBytes) image = NULL;

  /* Flux's safety filter trips on some innocent single words. */
  image = generate ("nsfw-oneword", "@cf/black-forest-labs/flux-1-schnell", "hamburger", NULL, &mime, &error);
  g_assert_null (image);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_NSFW);
  g_clear_error (&error);

  /* The descriptive prompt from Cloudflare's community passes. */
  image = generate ("nsfw-oneword", "@cf/black-forest-labs/flux-1-schnell",
                    "A photo of a delicious large hamburger on a plate with lettuce and tomato",
                    NULL, &mime, &error);
  g_assert_no_error (error);
  g_clear_pointer (&image, g_bytes_unref);

  /* Bytes that are not an image are refused, not saved. */
  image = generate ("image-corrupt", "@cf/stabilityai/stable-diffusion-xl-base-1.0",
                    "A red bicycle leaning on a brick wall", NULL, &mime, &error);
  g_assert_null (image);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  g_clear_error (&error);

  /* The same for a JPEG cut short, and for a base64 image cut short. */
  image = generate ("image-corrupt", "@cf/leonardo/phoenix-1.0",
                    "A red bicycle leaning on a brick wall", NULL, &mime, &error);
  g_assert_null (image);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
  g_clear_error (&error);

  image = generate ("image-corrupt", "@cf/black-forest-labs/flux-1-schnell",
                    "A red bicycle leaning on a brick wall", NULL, &mime, &error);
  g_assert_null (image);
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_PROTOCOL);
}

static void
log_notify (GObject    *object,
            GParamSpec *pspec,
            GPtrArray  *names)
{
  g_ptr_array_add (names, (gpointer) pspec->name);
  /* The image is there before the state says done. */
  if (g_str_equal (pspec->name, "state") &&
      cfai_run_get_state (CFAI_RUN (object)) == CFAI_RUN_STATE_DONE)
    g_assert_nonnull (cfai_image_run_get_image (CFAI_IMAGE_RUN (object)));
}

static gboolean
names_contain (GPtrArray  *names,
               const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), name))
      return TRUE;
  return FALSE;
}

/* What an image studio binds: the state, then the image, its type and
 * the seed it was made with. */
static void
test_image_run_properties (void)
{
  g_autoptr(CfaiClient) client = make_client (NULL);
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new ("@cf/black-forest-labs/flux-1-schnell");
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) image = NULL;
  g_autofree char *mime = NULL;
  CfaiImageRun *run;
  CfaiRunState state;
  gint64 seed, duration;

  cfai_image_request_set_prompt (request, "A lighthouse on a cliff at dusk, oil painting");
  cfai_image_request_set_seed (request, 42);
  run = cfai_image_run_new (client, request, NULL);
  g_assert_cmpint (cfai_run_get_state (CFAI_RUN (run)), ==, CFAI_RUN_STATE_IDLE);
  g_assert_cmpint (cfai_image_run_get_seed (run), ==, -1);
  g_assert_null (cfai_image_run_get_image (run));
  g_assert_true (cfai_image_run_get_request (run) == request);

  g_signal_connect (run, "notify", G_CALLBACK (log_notify), names);
  cfai_run_execute_async (CFAI_RUN (run), NULL, cfai_test_got_result, &result);
  g_assert_cmpint (cfai_run_get_state (CFAI_RUN (run)), ==, CFAI_RUN_STATE_RUNNING);
  /* Later edits are for the next run. */
  cfai_image_request_set_seed (request, 7);
  g_assert_true (cfai_run_execute_finish (CFAI_RUN (run), cfai_test_wait_for (&result), &error));
  g_assert_no_error (error);

  g_assert_cmpuint (names->len, >=, 5);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "state");
  g_assert_cmpstr (g_ptr_array_index (names, names->len - 1), ==, "state");
  g_assert_true (names_contain (names, "seed"));
  g_assert_true (names_contain (names, "image"));
  g_assert_true (names_contain (names, "mime-type"));
  g_assert_true (names_contain (names, "duration"));
  g_assert_false (names_contain (names, "error"));

  g_object_get (run, "state", &state, "image", &image, "mime-type", &mime,
                "seed", &seed, "duration", &duration, NULL);
  g_assert_cmpint (state, ==, CFAI_RUN_STATE_DONE);
  g_assert_nonnull (image);
  g_assert_cmpuint (g_bytes_get_size (image), >, 0);
  g_assert_cmpstr (mime, ==, cfai_image_response_sniff_mime (g_bytes_get_data (image, NULL),
                                                              g_bytes_get_size (image)));
  g_assert_cmpint (seed, ==, 42);
  g_assert_cmpint (duration, >=, 0);
  g_assert_null (cfai_run_get_error (CFAI_RUN (run)));

  g_signal_handlers_disconnect_by_data (run, names);
  g_clear_object (&result);
  g_assert_finalize_object (run);
}

static gboolean
cancel_run (gpointer user_data)
{
  cfai_run_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* A queued image can be stopped while it is on its way: here while the
 * client waits to retry a 429, which takes a second. */
static void
test_image_run_cancel (void)
{
  g_autoptr(CfaiClient) client = make_client ("rate-limit-always");
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new ("@cf/black-forest-labs/flux-1-schnell");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  CfaiImageRun *run;

  cfai_image_request_set_prompt (request, "A lighthouse on a cliff at dusk, oil painting");
  run = cfai_image_run_new (client, request, NULL);
  cfai_run_execute_async (CFAI_RUN (run), NULL, cfai_test_got_result, &result);
  g_timeout_add (200, cancel_run, run);
  g_assert_false (cfai_run_execute_finish (CFAI_RUN (run), cfai_test_wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 0.9);
  g_assert_cmpint (cfai_run_get_state (CFAI_RUN (run)), ==, CFAI_RUN_STATE_CANCELLED);
  g_assert_error ((GError *) cfai_run_get_error (CFAI_RUN (run)), G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (cfai_image_run_get_image (run));
  g_clear_object (&result);
  g_assert_finalize_object (run);
}

static void
free_error (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

static void
count_model_result (CfaiClient   *client,
                    const char   *model_id,
                    const GError *error,
                    GPtrArray    *errors)
{
  g_assert_cmpstr (model_id, ==, "@cf/black-forest-labs/flux-1-schnell");
  g_ptr_array_add (errors, error != NULL ? g_error_copy (error) : NULL);
}

/* Images are recorded as chats are, by the client: accepted, refused for
 * the plan, and nothing for an answer that never came. */
static void
test_image_model_result_recorded (void)
{
  const char *scenarios[] = { NULL, "error-5035", "image-corrupt" };

  for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_autoptr(CfaiClient) client = make_client (scenarios[i]);
      g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (free_error);
      g_autoptr(GBytes) image = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *mime = NULL;
      g_autoptr(CfaiImageRequest) request = cfai_image_request_new ("@cf/black-forest-labs/flux-1-schnell");
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(CfaiImageRun) run = NULL;

      cfai_image_request_set_prompt (request, "A lighthouse on a cliff at dusk, oil painting");
      g_signal_connect (client, "model-result", G_CALLBACK (count_model_result), errors);
      run = cfai_image_run_new (client, request, NULL);
      cfai_run_execute_async (CFAI_RUN (run), NULL, cfai_test_got_result, &result);
      cfai_run_execute_finish (CFAI_RUN (run), cfai_test_wait_for (&result), &error);
      g_assert_cmpuint (errors->len, ==, 1);
      if (i == 1)
        g_assert_error ((GError *) g_ptr_array_index (errors, 0), CFAI_ERROR, CFAI_ERROR_PAID_PLAN_REQUIRED);
      else
        /* An undecodable image was still accepted by the server. */
        g_assert_null (g_ptr_array_index (errors, 0));
      g_signal_handlers_disconnect_by_data (client, errors);
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  cfai_test_isolate_home ("cfai-test-image-generator");
  server = cfai_test_server_start ();

  g_test_add_func ("/image-generator/every-builtin-model", test_every_builtin_model);
  g_test_add_func ("/image-generator/rules-from-live-schema", test_rules_from_live_schema);
  g_test_add_func ("/image-generator/unknown-model-schema", test_unknown_model_schema);
  g_test_add_func ("/image-generator/errors", test_image_errors);
  g_test_add_func ("/image-generator/reference-images", test_reference_images);
  g_test_add_func ("/image-generator/img2img", test_img2img);
  g_test_add_func ("/image-generator/seed-always-sent", test_seed_always_sent);
  g_test_add_func ("/image-generator/run-properties", test_image_run_properties);
  g_test_add_func ("/image-generator/run-cancel", test_image_run_cancel);
  g_test_add_func ("/image-generator/model-result-recorded", test_image_model_result_recorded);

  ret = g_test_run ();
  cfai_test_server_stop (server);
  return ret;
}
