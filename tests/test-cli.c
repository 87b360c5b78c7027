/* test-cli.c — cfai-cli as a script would use it, against the fake server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "cfai-test-server.h"
#include "cfai-test-home.h"

static CfaiTestServer *server;

typedef struct
{
  int   status;
  char *out;
  char *err;
} CliResult;

static void
cli_result_clear (CliResult *result)
{
  g_free (result->out);
  g_free (result->err);
}

static const char *gateway_base;

static void
run_cli (const char        *scenario,
         const char        *token,
         const char * const *args,
         CliResult         *result)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *base = cfai_test_server_api_base (server, scenario);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "CFAI_API_BASE_URL", base, TRUE);
  g_subprocess_launcher_setenv (launcher, "CLOUDFLARE_ACCOUNT_ID", "test-account", TRUE);
  if (gateway_base != NULL)
    g_subprocess_launcher_setenv (launcher, "CFAI_GATEWAY_BASE_URL", gateway_base, TRUE);
  if (token != NULL)
    g_subprocess_launcher_setenv (launcher, "CLOUDFLARE_API_TOKEN", token, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "CLOUDFLARE_API_TOKEN");

  g_ptr_array_add (argv, (gpointer) g_getenv ("CFAI_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &result->out, &result->err, &error);
  g_assert_no_error (error);
  result->status = g_subprocess_get_exit_status (process);
}

static void
test_chat_streams (void)
{
  const char *args[] = { "chat", "--max-tokens", "40", "Tell me about the sea", NULL };
  CliResult result = { 0 };

  run_cli (NULL, "test-token", args, &result);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "Tell me about the sea"));
  g_assert_nonnull (strstr (result.err, "usage:"));
  g_assert_nonnull (strstr (result.err, "time to first token"));
  cli_result_clear (&result);
}

/* A model that starts thinking without <think>: its thinking went to
 * stdout before the lone </think>; stderr says where the answer starts. */
static void
test_chat_thinking_without_open_tag (void)
{
  const char *args[] = { "chat", "-m", "@cf/deepseek-ai/deepseek-r1-distill-qwen-32b",
                         "--max-tokens", "40", "Tell me about the sea", NULL };
  const char *normal[] = { "chat", "--max-tokens", "40", "Tell me about the sea", NULL };
  CliResult result = { 0 };
  CliResult reference = { 0 };
  const char *note;

  run_cli (NULL, "test-token", normal, &reference);
  g_assert_cmpint (reference.status, ==, 0);
  g_assert_null (strstr (reference.err, "thinking"));

  run_cli ("think-close-only", "test-token", args, &result);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_null (strstr (result.out, "think>"));
  g_assert_true (g_str_has_prefix (result.out, "The user wrote"));
  g_assert_true (g_str_has_suffix (result.out, reference.out));
  note = strstr (result.err, "(The text above was the model’s thinking. The answer follows.)");
  g_assert_nonnull (note);
  /* Said once. */
  g_assert_null (strstr (note + strlen ("(The text above"), "(The text above"));
  cli_result_clear (&result);
  cli_result_clear (&reference);
}

/* --session sends a prompt-cache key: the second run of the same prompt
 * finds it cached, which stderr reports. */
static void
test_chat_session (void)
{
  g_autofree char *key = g_uuid_string_random ();
  const char *args[] = { "chat", "--session", key, "--max-tokens", "8", "Tell me about the sea", NULL };
  CliResult first = { 0 };
  CliResult second = { 0 };

  run_cli (NULL, "test-token", args, &first);
  g_assert_cmpint (first.status, ==, 0);
  g_assert_nonnull (strstr (first.err, "cached: 0 prompt tokens"));
  run_cli (NULL, "test-token", args, &second);
  g_assert_cmpint (second.status, ==, 0);
  g_assert_nonnull (strstr (second.err, "cached: "));
  g_assert_null (strstr (second.err, "cached: 0 "));
  /* The key is for the header only. */
  g_assert_null (strstr (second.out, key));
  cli_result_clear (&first);
  cli_result_clear (&second);
}

/* A busy model: --reject-if-busy fails at once with the capacity error;
 * without it the request waits its turn. */
static void
test_chat_reject_if_busy (void)
{
  const char *reject[] = { "chat", "--reject-if-busy", "Tell me about the sea", NULL };
  const char *wait[] = { "chat", "Tell me about the sea", NULL };
  CliResult rejected = { 0 };
  CliResult queued = { 0 };

  run_cli ("busy", "test-token", reject, &rejected);
  g_test_message ("stderr: %s", rejected.err);
  g_assert_cmpint (rejected.status, ==, 1);
  g_assert_cmpstr (rejected.out, ==, "");
  run_cli ("busy", "test-token", wait, &queued);
  g_assert_cmpint (queued.status, ==, 0);
  g_assert_nonnull (strstr (queued.out, "Tell me about the sea"));
  cli_result_clear (&rejected);
  cli_result_clear (&queued);
}

static void
test_chat_cut_keeps_partial_text (void)
{
  const char *args[] = { "chat", "Tell me about the sea", NULL };
  CliResult result = { 0 };

  run_cli ("cut-stream-hard", "test-token", args, &result);
  g_test_message ("stdout: %s\nstderr: %s", result.out, result.err);
  g_assert_cmpint (result.status, ==, 4);
  g_assert_cmpstr (g_strstrip (result.out), !=, "");
  g_assert_nonnull (strstr (result.err, "cut"));
  cli_result_clear (&result);
}

static void
test_interrupt_keeps_text (void)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = cfai_test_server_api_base (server, "slow");
  g_autofree char *rest = NULL;
  g_autofree char *err = NULL;
  char first[64];
  gssize n;
  gint64 start;

  g_subprocess_launcher_setenv (launcher, "CFAI_API_BASE_URL", base, TRUE);
  g_subprocess_launcher_setenv (launcher, "CLOUDFLARE_ACCOUNT_ID", "test-account", TRUE);
  g_subprocess_launcher_setenv (launcher, "CLOUDFLARE_API_TOKEN", "test-token", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CFAI_CLI"),
                                         "chat", "Tell me about the sea", NULL);
  g_assert_no_error (error);

  /* Wait for the first token, then press Ctrl+C: the CLI must stop at
   * once, keep what it printed and say it was interrupted. */
  n = g_input_stream_read (g_subprocess_get_stdout_pipe (process), first, sizeof first, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 0);
  start = g_get_monotonic_time ();
  g_subprocess_send_signal (process, SIGINT);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &rest, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 130);
  g_assert_nonnull (strstr (err, "Interrupted"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

static void
test_exit_codes (void)
{
  const char *usage[] = { "chat", NULL };
  const char *chat[] = { "chat", "hi", NULL };
  const char *unknown[] = { "frobnicate", NULL };
  CliResult result = { 0 };

  run_cli (NULL, "test-token", usage, &result);
  g_assert_cmpint (result.status, ==, 2);
  cli_result_clear (&result);

  run_cli (NULL, "test-token", unknown, &result);
  g_assert_cmpint (result.status, ==, 2);
  cli_result_clear (&result);

  run_cli (NULL, "wrong-token", chat, &result);
  g_assert_cmpint (result.status, ==, 3);
  g_assert_null (strstr (result.err, "wrong-token"));
  cli_result_clear (&result);

  run_cli (NULL, NULL, chat, &result);
  g_assert_cmpint (result.status, ==, 3);
  g_assert_nonnull (strstr (result.err, "CLOUDFLARE_API_TOKEN"));
  cli_result_clear (&result);

  run_cli ("error-5007", "test-token", chat, &result);
  g_assert_cmpint (result.status, ==, 1);
  cli_result_clear (&result);
}

static void
test_network_error (void)
{
  const char *chat[] = { "chat", "hi", NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  /* Port 9 on loopback: nothing listens there. */
  g_subprocess_launcher_setenv (launcher, "CFAI_API_BASE_URL", "http://127.0.0.1:9/client/v4", TRUE);
  g_subprocess_launcher_setenv (launcher, "CLOUDFLARE_ACCOUNT_ID", "test-account", TRUE);
  g_subprocess_launcher_setenv (launcher, "CLOUDFLARE_API_TOKEN", "test-token", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CFAI_CLI"), chat[0], chat[1], NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 4);
}

static void
test_verify_and_models (void)
{
  const char *verify[] = { "verify", NULL };
  const char *models[] = { "models", "--task", "Text-to-Image", NULL };
  CliResult result = { 0 };

  run_cli (NULL, "test-token", verify, &result);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "valid"));
  cli_result_clear (&result);

  run_cli (NULL, "test-token", models, &result);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "@cf/black-forest-labs/flux-1-schnell"));
  g_assert_null (strstr (result.out, "llama"));
  cli_result_clear (&result);
}

/* cfai-cli verify gives the app's answer (cfai_credentials_check, see
 * test-client): an account-owned token works, a bad one does not. */
static void
test_verify_account_owned_token (void)
{
  const char *verify[] = { "verify", NULL };
  CliResult result = { 0 };

  run_cli (NULL, "test-account-token", verify, &result);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "valid"));
  cli_result_clear (&result);

  run_cli ("account-token", "test-token", verify, &result);
  g_assert_cmpint (result.status, ==, 0);
  cli_result_clear (&result);

  run_cli (NULL, "not-a-token", verify, &result);
  g_assert_cmpint (result.status, ==, 3);
  cli_result_clear (&result);
}

static void
test_image (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cfai-cli-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.img", NULL);
  const char *args[] = { "image", "-o", path, "--steps", "4",
                         "A photo of a lighthouse on a cliff at sunset, 35 mm film", NULL };
  CliResult result = { 0 };
  g_autofree char *contents = NULL;
  gsize len;

  run_cli (NULL, "test-token", args, &result);
  g_test_message ("stderr: %s", result.err);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  /* Flux answers base64 JSON; the file holds the decoded image bytes. */
  g_assert_cmpuint (len, >, 8);
  g_assert_true (memcmp (contents, "\x89PNG", 4) == 0 || memcmp (contents, "\xff\xd8\xff", 3) == 0);
  g_unlink (path);
  g_rmdir (dir);
  cli_result_clear (&result);
}

static void
test_gateway (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cfai-cli-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.img", NULL);
  g_autofree char *base = g_strconcat (server->url, "/v1", NULL);
  const char *args[] = { "image", "-o", path, "--gateway", "my-gateway", "--cache-ttl", "3600",
                         "A watercolor of a red fox in a snowy forest at dawn", NULL };
  CliResult result = { 0 };

  /* The same request twice: the gateway answers the second from its cache,
   * and the CLI reports both the cache status and the log id. */
  gateway_base = base;
  for (int i = 0; i < 2; i++)
    {
      run_cli (NULL, "test-token", args, &result);
      g_test_message ("stderr: %s", result.err);
      g_assert_cmpint (result.status, ==, 0);
      g_assert_nonnull (strstr (result.err, i == 0 ? "cache MISS" : "cache HIT"));
      g_assert_null (strstr (result.err, "log -"));
      cli_result_clear (&result);
    }
  gateway_base = NULL;
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_chat_with_image (void)
{
  g_autofree char *png = g_test_build_filename (G_TEST_DIST, "data", "images", "tiny.png", NULL);
  const char *vision[] = { "chat", "-m", "@cf/meta/llama-3.2-11b-vision-instruct", "--image", png,
                           "What is in this picture?", NULL };
  const char *parts[] = { "chat", "-m", "@cf/mistralai/mistral-small-3.1-24b-instruct", "--image", png,
                          "What is in this picture?", NULL };
  const char *text_only[] = { "chat", "-m", "@cf/meta/llama-3.3-70b-instruct-fp8-fast", "--image", png,
                              "What is in this picture?", NULL };
  const char *template_vision[] = { "chat", "-m", "@cf/moonshotai/kimi-k2.6", "--image", png,
                                    "What is in this picture?", NULL };
  const char *template_text_only[] = { "chat", "-m", "@cf/zai-org/glm-5.3", "--image", png,
                                       "What is in this picture?", NULL };
  CliResult result = { 0 };

  /* Each model gets the image the way its schema asks for (the fake
   * server validates that), and a model without vision is refused before
   * anything is sent. */
  run_cli (NULL, "test-token", vision, &result);
  g_test_message ("stderr: %s", result.err);
  g_assert_cmpint (result.status, ==, 0);
  cli_result_clear (&result);

  run_cli (NULL, "test-token", parts, &result);
  g_assert_cmpint (result.status, ==, 0);
  cli_result_clear (&result);

  run_cli (NULL, "test-token", text_only, &result);
  g_assert_cmpint (result.status, ==, 1);
  g_assert_nonnull (strstr (result.err, "does not accept images"));
  cli_result_clear (&result);

  /* The 2026 files are one template that allows image parts for every
   * model: whether the model sees them is the catalog's vision flag.
   * Kimi K2.6 has it; GLM-5.3, on the same template, has not and is
   * refused, saying why, instead of being sent a picture it ignores. */
  run_cli (NULL, "test-token", template_vision, &result);
  g_test_message ("stderr: %s", result.err);
  g_assert_cmpint (result.status, ==, 0);
  cli_result_clear (&result);

  run_cli (NULL, "test-token", template_text_only, &result);
  g_test_message ("stderr: %s", result.err);
  g_assert_cmpint (result.status, ==, 1);
  g_assert_nonnull (strstr (result.err, "@cf/zai-org/glm-5.3 does not accept images. Remove the image, or pick a model with vision."));
  g_assert_cmpstr (result.out, ==, "");
  cli_result_clear (&result);
}

static void
test_help (void)
{
  const char *help[] = { "--help", NULL };
  const char *chat_help[] = { "chat", "--help", NULL };
  CliResult result = { 0 };

  run_cli (NULL, "test-token", help, &result);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "Exit status"));
  cli_result_clear (&result);

  run_cli (NULL, "test-token", chat_help, &result);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "--max-tokens"));
  cli_result_clear (&result);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* Not G_TEST_OPTION_ISOLATE_DIRS: it hides the system GSettings schemas,
   * and libsoup's proxy lookup then aborts. */
  g_test_init (&argc, &argv, NULL);
  cfai_test_isolate_home ("cfai-test-cli");
  server = cfai_test_server_start ();

  g_test_add_func ("/cli/chat", test_chat_streams);
  g_test_add_func ("/cli/chat-session", test_chat_session);
  g_test_add_func ("/cli/chat-reject-if-busy", test_chat_reject_if_busy);
  g_test_add_func ("/cli/chat-cut", test_chat_cut_keeps_partial_text);
  g_test_add_func ("/cli/chat-thinking-without-open-tag", test_chat_thinking_without_open_tag);
  g_test_add_func ("/cli/interrupt", test_interrupt_keeps_text);
  g_test_add_func ("/cli/exit-codes", test_exit_codes);
  g_test_add_func ("/cli/network-error", test_network_error);
  g_test_add_func ("/cli/verify-and-models", test_verify_and_models);
  g_test_add_func ("/cli/verify-account-owned-token", test_verify_account_owned_token);
  g_test_add_func ("/cli/image", test_image);
  g_test_add_func ("/cli/gateway", test_gateway);
  g_test_add_func ("/cli/chat-with-image", test_chat_with_image);
  g_test_add_func ("/cli/help", test_help);

  ret = g_test_run ();
  cfai_test_server_stop (server);
  return ret;
}
