/* cfai-cli.c — a terminal front end on the model layer, for scripting and
 * prompt experiments.  It uses exactly the objects the app uses, with the
 * same credential and base URL rules.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include "cfai-chat-stream.h"
#include "cfai-client.h"
#include "cfai-credentials-check.h"
#include "cfai-envelope.h"
#include "cfai-error.h"
#include "cfai-image-run.h"
#include "cfai-image-response.h"
#include "cfai-model-catalog.h"

#define DEFAULT_CHAT_MODEL  "@cf/meta/llama-3.3-70b-instruct-fp8-fast"
#define DEFAULT_IMAGE_MODEL "@cf/black-forest-labs/flux-1-schnell"

/* Exit codes, so scripts can tell what kind of failure happened. */
enum {
  EXIT_OK          = 0,
  EXIT_API_ERROR   = 1,   /* the API refused or failed the request */
  EXIT_USAGE       = 2,   /* wrong command line */
  EXIT_AUTH        = 3,   /* missing or rejected credentials */
  EXIT_NETWORK     = 4,   /* could not reach the server, or the stream was cut */
  EXIT_INTERRUPTED = 130, /* Ctrl+C */
};

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  GError       *error;
  gboolean      interrupted;
  gboolean      color;
} Run;

static int
exit_code_for (const GError *error,
               gboolean      interrupted)
{
  if (error == NULL)
    return EXIT_OK;
  if (interrupted || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return EXIT_INTERRUPTED;
  if (error->domain == CFAI_ERROR)
    switch ((CfaiErrorCode) error->code)
      {
      case CFAI_ERROR_AUTH:
      case CFAI_ERROR_NO_CREDENTIALS:
        return EXIT_AUTH;
      case CFAI_ERROR_NETWORK:
      case CFAI_ERROR_TIMEOUT:
      case CFAI_ERROR_TRUNCATED_STREAM:
        return EXIT_NETWORK;
      case CFAI_ERROR_FAILED:
      case CFAI_ERROR_NO_SUCH_MODEL:
      case CFAI_ERROR_MODEL_RETIRED:
      case CFAI_ERROR_INVALID_INPUT:
      case CFAI_ERROR_LICENCE_REQUIRED:
      case CFAI_ERROR_MODEL_NOT_ALLOWED:
      case CFAI_ERROR_PAID_PLAN_REQUIRED:
      case CFAI_ERROR_ACCOUNT_BLOCKED:
      case CFAI_ERROR_CONTEXT_EXCEEDED:
      case CFAI_ERROR_DAILY_LIMIT:
      case CFAI_ERROR_CAPACITY:
      case CFAI_ERROR_RATE_LIMITED:
      case CFAI_ERROR_NSFW:
      case CFAI_ERROR_TOO_LARGE:
      case CFAI_ERROR_SERVER:
      case CFAI_ERROR_PROTOCOL:
      case CFAI_ERROR_NO_KEYRING:
      default:
        return EXIT_API_ERROR;
      }
  return EXIT_API_ERROR;
}

static int
report (Run *run)
{
  if (run->error != NULL)
    {
      if (run->interrupted)
        g_printerr ("\n%s\n", _("Interrupted."));
      else
        g_printerr ("\ncfai-cli: %s\n", run->error->message);
    }
  return exit_code_for (run->error, run->interrupted);
}

static gboolean
on_sigint (gpointer user_data)
{
  Run *run = user_data;

  run->interrupted = TRUE;
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_REMOVE;
}

static void
run_init (Run *run)
{
  run->loop = g_main_loop_new (NULL, FALSE);
  run->cancellable = g_cancellable_new ();
  run->color = isatty (STDERR_FILENO) && g_getenv ("NO_COLOR") == NULL;
  g_unix_signal_add (SIGINT, on_sigint, run);
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_object (&run->cancellable);
  g_clear_error (&run->error);
}

static CfaiClient *
make_client (void)
{
  /* The CLI has no settings: environment, then defaults. */
  return cfai_client_new ();
}

static gboolean
parse_options (GOptionContext  *context,
               int             *argc,
               char          ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("cfai-cli: %s\n", error->message);
      g_printerr ("%s\n", _("Run with --help for the usage."));
      return FALSE;
    }
  return TRUE;
}

/* ---- AI Gateway options, shared by chat and image ------------------------ */

typedef struct
{
  char     *gateway_id;
  gint64    cache_ttl;
  gboolean  skip_cache;
} GatewayArgs;

#define GATEWAY_OPTION_ENTRIES(args) \
  { "gateway", 0, 0, G_OPTION_ARG_STRING, &(args).gateway_id, N_("Route through this AI Gateway"), N_("ID") }, \
  { "cache-ttl", 0, 0, G_OPTION_ARG_INT64, &(args).cache_ttl, N_("Let the gateway cache the answer this many seconds"), N_("SECONDS") }, \
  { "skip-cache", 0, 0, G_OPTION_ARG_NONE, &(args).skip_cache, N_("Do not answer from the gateway's cache"), NULL }

/* Applies the gateway arguments; returns the per-request options to send. */
static CfaiGatewayOptions
gateway_args_apply (GatewayArgs *args,
                    CfaiClient  *client)
{
  CfaiGatewayOptions options = { .cache_ttl = args->cache_ttl, .skip_cache = args->skip_cache };

  if (args->gateway_id != NULL)
    cfai_client_set_gateway_id (client, args->gateway_id);
  return options;
}

static void
print_gateway_result (const char *cache_status,
                      const char *log_id)
{
  if (cache_status != NULL || log_id != NULL)
    g_printerr (_("AI Gateway: cache %s, log %s\n"),
                cache_status ? cache_status : "-", log_id ? log_id : "-");
}

/* ---- chat ------------------------------------------------------------- */

static void
on_text_delta (CfaiChatStream *stream,
               const char     *delta,
               gpointer        user_data)
{
  fputs (delta, stdout);
  fflush (stdout);
}

static void
on_reasoning_delta (CfaiChatStream *stream,
                    const char     *delta,
                    gpointer        user_data)
{
  Run *run = user_data;

  /* Thinking goes to stderr, so stdout holds only the answer. */
  fprintf (stderr, run->color ? "\033[2m%s\033[0m" : "%s", delta);
  fflush (stderr);
}

/* DeepSeek-R1-distill and QwQ begin thinking without a <think> tag, so
 * their thinking went to stdout before the lone </think> told it apart.
 * What is printed cannot be taken back; say where the answer starts. */
static void
on_text_reclassified (CfaiChatStream *stream,
                      const char     *text,
                      gpointer        user_data)
{
  Run *run = user_data;
  const char *note = _("(The text above was the model’s thinking. The answer follows.)");

  fflush (stdout);
  fprintf (stderr, run->color ? "\n\033[2m%s\033[0m\n" : "\n%s\n", note);
  fflush (stderr);
}

typedef struct
{
  Run            *run;
  CfaiChatStream *stream;
  CfaiChatRequest *request;
} ChatRun;

static void
on_chat_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Run *run = user_data;

  cfai_run_execute_finish (CFAI_RUN (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
on_chat_schema (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ChatRun *chat_run = user_data;
  g_autoptr(JsonObject) schema = NULL;
  g_autoptr(GError) error = NULL;

  /* How this model takes images (content parts, an "image" field, or not
   * at all) comes from its schema; without one, content parts. */
  schema = cfai_client_get_model_schema_finish (CFAI_CLIENT (source), result, &error);
  if (schema == NULL && (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
                         g_error_matches (error, CFAI_ERROR, CFAI_ERROR_AUTH) ||
                         g_error_matches (error, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS) ||
                         g_error_matches (error, CFAI_ERROR, CFAI_ERROR_NO_SUCH_MODEL)))
    {
      chat_run->run->error = g_steal_pointer (&error);
      g_main_loop_quit (chat_run->run->loop);
      return;
    }
  cfai_chat_request_apply_model_schema (chat_run->request, schema);
  cfai_run_execute_async (CFAI_RUN (chat_run->stream), chat_run->run->cancellable, on_chat_done, chat_run->run);
}

static char *
read_stdin (GError **error)
{
  g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GBytes) bytes = NULL;

  if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error) < 0)
    return NULL;
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static int
command_chat (int    argc,
              char **argv)
{
  g_autofree char *model = NULL;
  g_autofree char *system_prompt = NULL;
  g_autofree char *prompt = NULL;
  g_autofree char *image_path = NULL;
  g_autoptr(GBytes) image = NULL;
  const char *image_mime = NULL;
  gint64 max_tokens = 0;
  double temperature = -1;
  gboolean no_stream = FALSE;
  g_autofree char *session = NULL;
  gboolean reject_if_busy = FALSE;
  GatewayArgs gateway = { NULL, 0, FALSE };
  CfaiGatewayOptions gateway_options;
  const GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model, N_("Model ID (default " DEFAULT_CHAT_MODEL ")"), N_("MODEL") },
    { "system", 's', 0, G_OPTION_ARG_STRING, &system_prompt, N_("System prompt"), N_("SYSTEM") },
    { "max-tokens", 0, 0, G_OPTION_ARG_INT64, &max_tokens, N_("Most tokens to generate (Workers AI stops at 256 when not set)"), N_("N") },
    { "temperature", 0, 0, G_OPTION_ARG_DOUBLE, &temperature, N_("Sampling temperature, 0–5"), N_("T") },
    { "no-stream", 0, 0, G_OPTION_ARG_NONE, &no_stream, N_("Wait for the whole answer instead of streaming"), NULL },
    { "image", 'i', 0, G_OPTION_ARG_FILENAME, &image_path, N_("Attach a PNG, JPEG or WebP image (vision models)"), N_("FILE") },
    { "session", 0, 0, G_OPTION_ARG_STRING, &session, N_("Prompt-cache key: use the same one for every turn of a conversation"), N_("KEY") },
    { "reject-if-busy", 0, 0, G_OPTION_ARG_NONE, &reject_if_busy, N_("Fail at once when the model is out of capacity, instead of waiting in its queue"), NULL },
    GATEWAY_OPTION_ENTRIES (gateway),
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROMPT — chat with a text-generation model"));
  g_autoptr(CfaiClient) client = NULL;
  g_autoptr(CfaiChatRequest) request = NULL;
  g_autoptr(CfaiChatStream) stream = NULL;
  gint64 prompt_tokens, completion_tokens, total_tokens;
  Run run = { 0 };
  int ret;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("The answer streams to standard output as it arrives; usage, time to first\n"
      "token and speed go to standard error. PROMPT “-” reads the prompt from\n"
      "standard input."));
  if (!parse_options (context, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 2)
    {
      g_printerr ("%s\n", _("cfai-cli chat: give exactly one PROMPT (or “-” for standard input)."));
      return EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "-"))
    {
      g_autoptr(GError) error = NULL;
      prompt = read_stdin (&error);
      if (prompt == NULL)
        {
          g_printerr ("cfai-cli: %s\n", error->message);
          return EXIT_USAGE;
        }
    }
  else
    prompt = g_strdup (argv[1]);

  if (image_path != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_get_contents (image_path, &contents, &length, &error))
        {
          g_printerr ("cfai-cli: %s\n", error->message);
          return EXIT_USAGE;
        }
      image_mime = cfai_image_response_sniff_mime ((const guint8 *) contents, length);
      if (image_mime == NULL)
        {
          g_printerr (_("cfai-cli: %s is not a PNG, JPEG or WebP image.\n"), image_path);
          return EXIT_USAGE;
        }
      image = g_bytes_new_take (g_steal_pointer (&contents), length);
    }

  client = make_client ();
  gateway_options = gateway_args_apply (&gateway, client);
  g_clear_pointer (&gateway.gateway_id, g_free);
  request = cfai_chat_request_new (model ? model : DEFAULT_CHAT_MODEL);
  cfai_chat_request_set_system_prompt (request, system_prompt);
  cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, prompt);
  cfai_chat_request_set_stream (request, !no_stream);
  if (max_tokens > 0)
    cfai_chat_request_set_max_tokens (request, max_tokens);
  if (temperature >= 0)
    cfai_chat_request_set_temperature (request, temperature);
  cfai_chat_request_set_session_key (request, session);
  cfai_chat_request_set_reject_if_busy (request, reject_if_busy);
  if (reject_if_busy)
    {
      /* Retrying a 3040 would be the waiting the flag asks to skip. */
      g_autoptr(CfaiRetryPolicy) policy = cfai_retry_policy_copy (cfai_client_get_retry_policy (client));

      cfai_retry_policy_set_max_retries (policy, 0);
      cfai_client_set_retry_policy (client, policy);
    }

  run_init (&run);
  stream = cfai_chat_stream_new (client, request);
  cfai_run_set_gateway_options (CFAI_RUN (stream), &gateway_options);
  g_signal_connect (stream, "text-delta", G_CALLBACK (on_text_delta), &run);
  g_signal_connect (stream, "reasoning-delta", G_CALLBACK (on_reasoning_delta), &run);
  g_signal_connect (stream, "text-reclassified", G_CALLBACK (on_text_reclassified), &run);
  if (image != NULL)
    {
      ChatRun chat_run = { &run, stream, request };
      g_autoptr(CfaiModelCatalog) catalog = cfai_model_catalog_new (client, NULL);
      CfaiModel *entry;

      /* Whether the model sees images is the catalog's to say (the 2026
       * schemas allow them for every model): the list last fetched, else
       * the built-in one, without waiting for the network.  A model
       * neither knows is left to its schema. */
      cfai_model_catalog_load_cache (catalog, NULL);
      entry = cfai_model_catalog_lookup (catalog, cfai_chat_request_get_model (request));
      if (entry != NULL)
        cfai_chat_request_apply_model (request, entry);
      if (!cfai_chat_request_add_image (request, image, image_mime, &run.error))
        {
          ret = report (&run);
          run_clear (&run);
          return ret;
        }

      cfai_client_get_model_schema_async (client, cfai_chat_request_get_model (request),
                                          run.cancellable, on_chat_schema, &chat_run);
      g_main_loop_run (run.loop);
    }
  else
    {
      cfai_run_execute_async (CFAI_RUN (stream), run.cancellable, on_chat_done, &run);
      g_main_loop_run (run.loop);
    }

  if (cfai_chat_stream_get_text (stream)[0] != '\0')
    fputc ('\n', stdout);
  fflush (stdout);

  if (cfai_chat_stream_get_usage (stream, &prompt_tokens, &completion_tokens, &total_tokens))
    g_printerr (_("usage: %" G_GINT64_FORMAT " prompt + %" G_GINT64_FORMAT " completion = %"
                  G_GINT64_FORMAT " tokens\n"),
                prompt_tokens, completion_tokens, total_tokens);
  if (cfai_chat_stream_get_cached_tokens (stream) >= 0)
    g_printerr (_("cached: %" G_GINT64_FORMAT " prompt tokens from the prompt cache\n"),
                cfai_chat_stream_get_cached_tokens (stream));
  if (cfai_chat_stream_get_time_to_first_token (stream) >= 0)
    g_printerr (_("time to first token: %.0f ms · %.1f tokens/s\n"),
                cfai_chat_stream_get_time_to_first_token (stream) / 1000.0,
                cfai_chat_stream_get_tokens_per_second (stream));
  print_gateway_result (cfai_run_get_gateway_cache_status (CFAI_RUN (stream)),
                        cfai_run_get_gateway_log_id (CFAI_RUN (stream)));
  if (g_strcmp0 (cfai_chat_stream_get_finish_reason (stream), "length") == 0)
    g_printerr ("%s\n", _("The answer stopped at the token limit; raise --max-tokens for more."));

  ret = report (&run);
  run_clear (&run);
  return ret;
}

/* ---- image ------------------------------------------------------------ */

typedef struct
{
  Run                *run;
  CfaiImageRequest   *request;
  CfaiGatewayOptions *gateway;
  CfaiImageRun       *image_run;
} ImageRun;

static void
on_image_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  ImageRun *image_run = user_data;

  cfai_run_execute_finish (CFAI_RUN (source), result, &image_run->run->error);
  g_main_loop_quit (image_run->run->loop);
}

static void
on_rules_fetched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ImageRun *image_run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CfaiImageModelRules) rules = NULL;

  /* The live schema is preferred; when it cannot be had (offline, an old
   * gateway) the built-in rules of known models still work.  Credentials
   * problems are not hidden behind that fallback: the generate call would
   * only fail the same way, later. */
  rules = cfai_image_model_rules_fetch_finish (CFAI_CLIENT (source), result, &error);
  if (rules == NULL &&
      (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
       g_error_matches (error, CFAI_ERROR, CFAI_ERROR_AUTH) ||
       g_error_matches (error, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS)))
    {
      image_run->run->error = g_steal_pointer (&error);
      g_main_loop_quit (image_run->run->loop);
      return;
    }
  if (rules == NULL)
    g_debug ("Using built-in image rules: %s", error->message);

  image_run->image_run = cfai_image_run_new (CFAI_CLIENT (source), image_run->request, rules);
  cfai_run_set_gateway_options (CFAI_RUN (image_run->image_run), image_run->gateway);
  cfai_run_execute_async (CFAI_RUN (image_run->image_run), image_run->run->cancellable,
                          on_image_done, image_run);
}

static int
command_image (int    argc,
               char **argv)
{
  g_autofree char *model = NULL;
  g_autofree char *output = NULL;
  g_autofree char *negative = NULL;
  int steps = 0, width = 0, height = 0;
  gint64 seed = -1;
  GatewayArgs gateway = { NULL, 0, FALSE };
  CfaiGatewayOptions gateway_options;
  const GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model, N_("Model ID (default " DEFAULT_IMAGE_MODEL ")"), N_("MODEL") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Where to write the image (required)"), N_("FILE") },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, N_("Diffusion steps (default: the model's)"), N_("N") },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, N_("Width in pixels"), N_("W") },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, N_("Height in pixels"), N_("H") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed, for repeatable images"), N_("S") },
    { "negative", 0, 0, G_OPTION_ARG_STRING, &negative, N_("What the image should not show (models that support it)"), N_("TEXT") },
    GATEWAY_OPTION_ENTRIES (gateway),
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("-o FILE PROMPT — generate an image"));
  g_autoptr(CfaiClient) client = NULL;
  g_autoptr(CfaiImageRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  ImageRun image_run = { 0 };
  GBytes *image;
  Run run = { 0 };
  int ret;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 2 || output == NULL)
    {
      g_printerr ("%s\n", _("cfai-cli image: give -o FILE and exactly one PROMPT."));
      return EXIT_USAGE;
    }
  if (steps < 0 || width < 0 || height < 0)
    {
      g_printerr ("%s\n", _("cfai-cli image: --steps, --width and --height must be positive."));
      return EXIT_USAGE;
    }

  client = make_client ();
  gateway_options = gateway_args_apply (&gateway, client);
  g_clear_pointer (&gateway.gateway_id, g_free);
  request = cfai_image_request_new (model ? model : DEFAULT_IMAGE_MODEL);
  cfai_image_request_set_prompt (request, argv[1]);
  cfai_image_request_set_negative_prompt (request, negative);
  cfai_image_request_set_steps (request, steps);
  cfai_image_request_set_width (request, width);
  cfai_image_request_set_height (request, height);
  cfai_image_request_set_seed (request, seed);

  run_init (&run);
  image_run.run = &run;
  image_run.request = request;
  image_run.gateway = &gateway_options;
  cfai_image_model_rules_fetch_async (client, cfai_image_request_get_model (request), run.cancellable,
                                on_rules_fetched, &image_run);
  g_main_loop_run (run.loop);

  image = image_run.image_run != NULL ? cfai_image_run_get_image (image_run.image_run) : NULL;
  if (image != NULL)
    {
      if (g_file_set_contents (output, g_bytes_get_data (image, NULL),
                               g_bytes_get_size (image), &error))
        g_printerr (_("wrote %s (%s, %zu bytes)\n"), output,
                    cfai_image_run_get_mime_type (image_run.image_run), g_bytes_get_size (image));
      else
        {
          g_printerr ("cfai-cli: %s\n", error->message);
          run.error = g_steal_pointer (&error);
        }
    }

  if (image_run.image_run != NULL)
    print_gateway_result (cfai_run_get_gateway_cache_status (CFAI_RUN (image_run.image_run)),
                          cfai_run_get_gateway_log_id (CFAI_RUN (image_run.image_run)));
  ret = report (&run);
  g_clear_object (&image_run.image_run);
  run_clear (&run);
  return ret;
}

/* ---- models ----------------------------------------------------------- */

static void
on_catalog_refreshed (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Run *run = user_data;

  cfai_model_catalog_refresh_finish (CFAI_MODEL_CATALOG (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static int
command_models (int    argc,
                char **argv)
{
  g_autofree char *task = NULL;
  g_autofree char *search = NULL;
  const GOptionEntry entries[] = {
    { "task", 't', 0, G_OPTION_ARG_STRING, &task, N_("Only models of this task, e.g. “Text Generation” or “Text-to-Image”"), N_("TASK") },
    { "search", 's', 0, G_OPTION_ARG_STRING, &search, N_("Only models whose ID, name or description contains this"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— list the Workers AI model catalog"));
  g_autoptr(CfaiClient) client = NULL;
  g_autoptr(CfaiModelCatalog) catalog = NULL;
  Run run = { 0 };
  guint n_shown = 0;
  int ret;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 1)
    {
      g_printerr ("%s\n", _("cfai-cli models takes no arguments besides its options."));
      return EXIT_USAGE;
    }

  client = make_client ();
  catalog = cfai_model_catalog_new (client, NULL);
  run_init (&run);
  cfai_model_catalog_refresh_async (catalog, run.cancellable, on_catalog_refreshed, &run);
  g_main_loop_run (run.loop);

  /* A failed refresh still lists what we know (cache or built-in list),
   * but says so and exits non-zero. */
  if (run.error != NULL && !run.interrupted)
    {
      g_autoptr(GError) cache_error = NULL;
      cfai_model_catalog_load_cache (catalog, &cache_error);
    }

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (catalog)); i++)
    {
      g_autoptr(CfaiModel) item = g_list_model_get_item (G_LIST_MODEL (catalog), i);
      gint64 context_window = cfai_model_get_context_window (item);

      if (!cfai_model_matches (item, task, search))
        continue;
      if (context_window > 0)
        g_print ("%s\t%s\t%" G_GINT64_FORMAT "\n", cfai_model_get_id (item),
                 cfai_model_get_task (item) ? cfai_model_get_task (item) : "",
                 context_window);
      else
        g_print ("%s\t%s\t-\n", cfai_model_get_id (item),
                 cfai_model_get_task (item) ? cfai_model_get_task (item) : "");
      n_shown++;
    }
  if (n_shown == 0 && run.error == NULL)
    g_printerr ("%s\n", _("No model matches."));

  ret = report (&run);
  run_clear (&run);
  return ret;
}

/* ---- verify ----------------------------------------------------------- */

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  cfai_credentials_check_finish (CFAI_CLIENT (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static int
command_verify (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("— check that the account ID and API token work"));
  g_autoptr(CfaiClient) client = NULL;
  Run run = { 0 };
  int ret;

  if (!parse_options (context, &argc, &argv))
    return EXIT_USAGE;

  client = make_client ();
  run_init (&run);
  /* The same check as the app's onboarding and preferences, so both give
   * the same answer: an account-owned token fails /user/tokens/verify yet
   * works for its account. */
  cfai_credentials_check_async (client, run.cancellable, on_verified, &run);
  g_main_loop_run (run.loop);
  if (run.error == NULL)
    g_print ("%s\n", _("The API token is valid and works for this account."));

  ret = report (&run);
  run_clear (&run);
  return ret;
}

/* ---- main ------------------------------------------------------------- */

static void
print_usage (FILE *out)
{
  fprintf (out, "%s",
           _("Usage: cfai-cli COMMAND [OPTIONS…]\n"
             "\n"
             "Commands:\n"
             "  chat     chat with a text-generation model (streams the answer)\n"
             "  image    generate an image\n"
             "  models   list the model catalog\n"
             "  verify   check that the account ID and API token work\n"
             "\n"
             "Run “cfai-cli COMMAND --help” for a command's options.\n"
             "\n"
             "Credentials come from CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN.\n"
             "CFAI_API_BASE_URL replaces https://api.cloudflare.com/client/v4;\n"
             "CFAI_GATEWAY_BASE_URL replaces https://gateway.ai.cloudflare.com/v1.\n"
             "\n"
             "Exit status: 0 success, 1 API error, 2 usage error, 3 authentication,\n"
             "4 network or cut stream, 130 interrupted.\n"));
}

int
main (int   argc,
      char *argv[])
{
  const char *command;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("cfai-cli");

  if (argc < 2)
    {
      print_usage (stderr);
      return EXIT_USAGE;
    }

  command = argv[1];
  if (g_str_equal (command, "--help") || g_str_equal (command, "-h") || g_str_equal (command, "help"))
    {
      print_usage (stdout);
      return EXIT_OK;
    }
  if (g_str_equal (command, "--version"))
    {
      g_print ("cfai-cli %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }

  /* Each command parses the rest as if it were the program. */
  argv[1] = argv[0];
  if (g_str_equal (command, "chat"))
    return command_chat (argc - 1, argv + 1);
  if (g_str_equal (command, "image"))
    return command_image (argc - 1, argv + 1);
  if (g_str_equal (command, "models"))
    return command_models (argc - 1, argv + 1);
  if (g_str_equal (command, "verify"))
    return command_verify (argc - 1, argv + 1);

  g_printerr (_("cfai-cli: unknown command “%s”.\n"), command);
  print_usage (stderr);
  return EXIT_USAGE;
}
