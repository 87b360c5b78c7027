/* test-credentials.c — CfaiCredentials: environment, keyring, and no keyring
 *
 * Every test runs with its own HOME and XDG directories
 * (G_TEST_OPTION_ISOLATE_DIRS).  Tests that reach D-Bus get a private
 * session bus (GTestDBus) that activates nothing, so nothing here can
 * touch the keyring of whoever runs the tests.  The keyring tests start
 * their own gnome-keyring-daemon on that bus, with its keyrings inside the
 * isolated XDG_DATA_HOME, and do their libsecret work in a child process
 * (see run_in_child()); they are skipped, saying why, when the daemon
 * cannot be started.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "cfai-credentials.h"
#include "cfai-error.h"

#define SECRETS_BUS_NAME     "org.freedesktop.secrets"
#define KEYRING_PASSWORD     "cfai-test-keyring-password"
#define OPERATION_TIMEOUT_S  10
#define KEYRING_START_TIMEOUT_US (5 * G_USEC_PER_SEC)

#define NO_KEYRING_MESSAGE \
  "No keyring (Secret Service) is available, so the token will be kept only until CfAI quits."

/* Awaiting async operations */

typedef struct
{
  GAsyncResult *result;
  gboolean      timed_out;
} Waiter;

static void
waiter_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
}

static gboolean
waiter_timeout (gpointer user_data)
{
  Waiter *waiter = user_data;

  waiter->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
waiter_run (Waiter *waiter)
{
  guint timeout_id = g_timeout_add_seconds (OPERATION_TIMEOUT_S, waiter_timeout, waiter);

  while (waiter->result == NULL && !waiter->timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (waiter->timed_out);
  g_source_remove (timeout_id);
}

static gboolean
store_token (CfaiCredentials  *credentials,
             CfaiTokenKind     kind,
             const char       *account,
             const char       *token,
             GCancellable     *cancellable,
             gboolean         *persisted,
             GError          **error)
{
  Waiter waiter = { NULL, FALSE };
  gboolean ret;

  cfai_credentials_store_token_async (credentials, kind, account, token,
                                      cancellable, waiter_done, &waiter);
  waiter_run (&waiter);
  ret = cfai_credentials_store_token_finish (credentials, waiter.result, persisted, error);
  g_object_unref (waiter.result);

  return ret;
}

static char *
lookup_token (CfaiCredentials  *credentials,
              CfaiTokenKind     kind,
              const char       *account,
              CfaiTokenSource  *source,
              GError          **error)
{
  Waiter waiter = { NULL, FALSE };
  char *ret;

  cfai_credentials_lookup_token_async (credentials, kind, account, NULL,
                                       waiter_done, &waiter);
  waiter_run (&waiter);
  ret = cfai_credentials_lookup_token_finish (credentials, waiter.result, source, error);
  g_object_unref (waiter.result);

  return ret;
}

static gboolean
clear_token (CfaiCredentials  *credentials,
             CfaiTokenKind     kind,
             const char       *account,
             GError          **error)
{
  Waiter waiter = { NULL, FALSE };
  gboolean ret;

  cfai_credentials_clear_token_async (credentials, kind, account, NULL,
                                      waiter_done, &waiter);
  waiter_run (&waiter);
  ret = cfai_credentials_clear_token_finish (credentials, waiter.result, error);
  g_object_unref (waiter.result);

  return ret;
}

/* Asserts the lookup finds exactly @expected (or nothing, for NULL). */
static void
assert_lookup (CfaiCredentials *credentials,
               CfaiTokenKind    kind,
               const char      *account,
               const char      *expected,
               CfaiTokenSource  expected_source)
{
  g_autoptr(GError) error = NULL;
  CfaiTokenSource source = -1;
  char *token;

  token = lookup_token (credentials, kind, account, &source, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, expected);
  g_assert_cmpint (source, ==, expected_source);
  cfai_token_free (token);
}

/* The isolated directories */

/* G_TEST_OPTION_ISOLATE_DIRS puts HOME, the XDG homes and the runtime
 * directory side by side in one folder per test. */
static char *
isolated_root (void)
{
  return g_path_get_dirname (g_get_home_dir ());
}

static void
collect_files (const char *dir,
               GPtrArray  *files)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        collect_files (path, files);
      else
        g_ptr_array_add (files, g_steal_pointer (&path));
    }
}

static GPtrArray *
list_isolated_files (void)
{
  g_autofree char *root = isolated_root ();
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  collect_files (root, files);

  return files;
}

static void
assert_no_file_contains (const char *secret)
{
  g_autoptr(GPtrArray) files = list_isolated_files ();

  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      if (memmem (contents, length, secret, strlen (secret)) != NULL)
        g_error ("%s holds a token in plain text", path);
    }
}

/* A private session bus, optionally with a gnome-keyring-daemon on it */

typedef struct
{
  GTestDBus   *bus;
  GSubprocess *keyring;
  gboolean     skipped;
} Fixture;

static gboolean
bus_name_has_owner (GDBusConnection *connection,
                    const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_sync (connection,
                                       "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name),
                                       G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);

  return has_owner;
}

static void
stop_keyring (GSubprocess **keyring)
{
  if (*keyring == NULL)
    return;

  g_subprocess_send_signal (*keyring, SIGTERM);
  g_subprocess_wait (*keyring, NULL, NULL);
  g_clear_object (keyring);
}

/* Runs in the daemon between fork and exec: when a test crashes before
 * its teardown, the daemon goes with it instead of lingering. */
static void
die_with_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Starts gnome-keyring-daemon on the session bus of $DBUS_SESSION_BUS_ADDRESS
 * and waits until it serves the Secret Service.  Returns NULL when it does,
 * otherwise why not. */
static char *
start_keyring (GSubprocess **keyring)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_find_program_in_path ("gnome-keyring-daemon");
  g_autofree char *why_not = NULL;
  const char *bus_address = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  GOutputStream *input;
  gint64 deadline;

  g_assert_nonnull (bus_address);

  if (program == NULL)
    return g_strdup ("gnome-keyring-daemon is not installed (Debian package gnome-keyring)");

  /* Its messages go to stderr (never stdout, which carries TAP), and only
   * with --verbose. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        (g_test_verbose () ? 0 : G_SUBPROCESS_FLAGS_STDERR_SILENCE));

  /* G_TEST_OPTION_ISOLATE_DIRS points the XDG variables at /dev/null for
   * children; the daemon gets the test's own directories instead, so its
   * keyrings (XDG_DATA_HOME) and control socket (XDG_RUNTIME_DIR) are
   * the test's, never a real one. */
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", bus_address, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", g_get_user_runtime_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  g_subprocess_launcher_unsetenv (launcher, "GNOME_KEYRING_CONTROL");
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  /* The daemon is not ours to check: it warns now and then (gnome-keyring
   * 48 about registering an item twice), which the tests' fatal-warnings
   * would turn into a crash. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  g_subprocess_launcher_unsetenv (launcher, "LD_PRELOAD");
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);

  /* With --unlock, the password on stdin creates the login keyring, which
   * becomes the default collection: nothing ever needs a prompt. */
  *keyring = g_subprocess_launcher_spawn (launcher, &error,
                                          program, "--foreground",
                                          "--components=secrets",
                                          "--unlock", NULL);
  if (*keyring == NULL)
    return g_strdup_printf ("gnome-keyring-daemon could not be started: %s", error->message);

  input = g_subprocess_get_stdin_pipe (*keyring);
  if (!g_output_stream_write_all (input, KEYRING_PASSWORD, strlen (KEYRING_PASSWORD), NULL, NULL, &error) ||
      !g_output_stream_close (input, NULL, &error))
    {
      why_not = g_strdup_printf ("could not give gnome-keyring-daemon its password: %s", error->message);
      goto failed;
    }

  /* A connection of our own: the session bus singleton is left for
   * libsecret to open. */
  connection = g_dbus_connection_new_for_address_sync (bus_address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + KEYRING_START_TIMEOUT_US;
  while (!bus_name_has_owner (connection, SECRETS_BUS_NAME))
    {
      /* GSubprocess reaps its child in GLib's worker thread and then
       * forgets the identifier. */
      if (g_subprocess_get_identifier (*keyring) == NULL)
        {
          why_not = g_strdup_printf ("gnome-keyring-daemon exited (status %d) before owning %s",
                                     g_subprocess_get_status (*keyring), SECRETS_BUS_NAME);
          goto failed;
        }
      if (g_get_monotonic_time () > deadline)
        {
          why_not = g_strdup_printf ("gnome-keyring-daemon did not own %s within %d s",
                                     SECRETS_BUS_NAME, (int) (KEYRING_START_TIMEOUT_US / G_USEC_PER_SEC));
          goto failed;
        }
      g_usleep (20 * 1000);
    }

  g_dbus_connection_close_sync (connection, NULL, NULL);
  return NULL;

failed:
  if (connection != NULL)
    g_dbus_connection_close_sync (connection, NULL, NULL);
  stop_keyring (keyring);
  return g_steal_pointer (&why_not);
}

/* The keyring tests do their libsecret work in a child process
 * (g_test_trap_subprocess()): libsecret 0.21 takes a reference to its
 * cached backend on every secret_password_*() call after the first and
 * never drops it, so the Secret Service proxy, and with it the session bus
 * connection, outlive the test, and g_test_dbus_down() would wait for them
 * in vain.  The child exits instead, taking them along.  The parent owns
 * the bus (and, for a keyring test, starts the daemon, to skip when it
 * cannot run); the child inherits $DBUS_SESSION_BUS_ADDRESS and, through
 * $G_TEST_TMPDIR, the same isolated directories.  So setup and teardown
 * run in the parent only. */
static void
bus_setup (Fixture       *fixture,
           gconstpointer  data)
{
  gboolean with_keyring = GPOINTER_TO_INT (data);
  g_autofree char *why_not = NULL;

  if (g_test_subprocess ())
    return;

  fixture->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (fixture->bus);

  if (with_keyring && (why_not = start_keyring (&fixture->keyring)) != NULL)
    {
      fixture->skipped = TRUE;
      g_test_skip (why_not);
    }
}

static void
bus_teardown (Fixture       *fixture,
              gconstpointer  data)
{
  if (g_test_subprocess ())
    return;

  /* secret_password_clear() leaves a proxy for the Secret Service cached
   * even when none runs; it holds the bus connection g_test_dbus_down()
   * waits to see finalized. */
  secret_service_disconnect ();

  stop_keyring (&fixture->keyring);
  g_test_dbus_down (fixture->bus);
  g_clear_object (&fixture->bus);
}

/* Returns TRUE in the child, which is to do the test's work. */
static gboolean
run_in_child (Fixture *fixture)
{
  if (g_test_subprocess ())
    return TRUE;

  if (fixture->skipped)
    return FALSE;

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();

  /* The child removed the isolated directories it shared with us when
   * its test ended; put back what GLib expects to clean up. */
  g_mkdir_with_parents (g_get_user_runtime_dir (), 0700);

  return FALSE;
}

/* Property notifications */

typedef struct
{
  guint keyring_available;
  guint keyring_error_message;
  guint token_source;
  guint account_id;
  guint account_id_source;
} Notifications;

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  Notifications *n = user_data;
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "keyring-available"))
    n->keyring_available++;
  else if (g_str_equal (name, "keyring-error-message"))
    n->keyring_error_message++;
  else if (g_str_equal (name, "token-source"))
    n->token_source++;
  else if (g_str_equal (name, "account-id"))
    n->account_id++;
  else if (g_str_equal (name, "account-id-source"))
    n->account_id_source++;
}

/* Tests */

static void
test_schema (void)
{
  const SecretSchema *schema = cfai_credentials_get_schema ();

  g_assert_cmpstr (schema->name, ==, "com.example.CfAI.Token");
  g_assert_cmpint (schema->flags, ==, SECRET_SCHEMA_NONE);
  g_assert_cmpstr (schema->attributes[0].name, ==, "kind");
  g_assert_cmpint (schema->attributes[0].type, ==, SECRET_SCHEMA_ATTRIBUTE_STRING);
  g_assert_cmpstr (schema->attributes[1].name, ==, "account");
  g_assert_cmpint (schema->attributes[1].type, ==, SECRET_SCHEMA_ATTRIBUTE_STRING);
  g_assert_null (schema->attributes[2].name);
  g_assert_true (schema == cfai_credentials_get_schema ());

  g_assert_cmpstr (cfai_token_kind_to_string (CFAI_TOKEN_KIND_API), ==, "api-token");
  g_assert_cmpstr (cfai_token_kind_to_string (CFAI_TOKEN_KIND_GATEWAY), ==, "gateway-token");
}

/* What a test changes in the environment, to put back afterwards. */
typedef struct
{
  char *account_id;
  char *api_token;
  char *bus_address;
} SavedEnv;

static void
save_env (SavedEnv *saved)
{
  saved->account_id = g_strdup (g_getenv (CFAI_CREDENTIALS_ENV_ACCOUNT_ID));
  saved->api_token = g_strdup (g_getenv (CFAI_CREDENTIALS_ENV_API_TOKEN));
  saved->bus_address = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
}

static void
restore_one (const char *variable,
             char       *value)
{
  if (value != NULL)
    g_setenv (variable, value, TRUE);
  else
    g_unsetenv (variable);
  g_free (value);
}

static void
restore_env (SavedEnv *saved)
{
  restore_one (CFAI_CREDENTIALS_ENV_ACCOUNT_ID, saved->account_id);
  restore_one (CFAI_CREDENTIALS_ENV_API_TOKEN, saved->api_token);
  restore_one ("DBUS_SESSION_BUS_ADDRESS", saved->bus_address);
}

/* Any keyring call under this address fails at once, so an operation that
 * consults the keyring shows up as keyring-available turning FALSE. */
static void
point_at_no_bus (void)
{
  g_autofree char *address = g_strdup_printf ("unix:path=%s/no-such-bus", g_get_user_runtime_dir ());

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
}

static void
test_environment_precedence (void)
{
  g_autoptr(CfaiCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *account_id = NULL;
  Notifications n = { 0 };
  SavedEnv saved;
  CfaiTokenSource token_source;
  CfaiAccountIdSource account_source;
  gboolean persisted = TRUE;

  save_env (&saved);
  point_at_no_bus ();
  g_setenv (CFAI_CREDENTIALS_ENV_ACCOUNT_ID, " env-account\n", TRUE);
  g_setenv (CFAI_CREDENTIALS_ENV_API_TOKEN, "env-token-0123456789\n", TRUE);

  credentials = cfai_credentials_new ();
  g_signal_connect (credentials, "notify", G_CALLBACK (count_notify), &n);

  g_assert_cmpstr (cfai_credentials_get_account_id (credentials), ==, "env-account");
  g_assert_cmpint (cfai_credentials_get_account_id_source (credentials), ==, CFAI_ACCOUNT_ID_SOURCE_ENVIRONMENT);
  g_assert_cmpint (cfai_credentials_get_token_source (credentials), ==, CFAI_TOKEN_SOURCE_ENVIRONMENT);

  /* The environment was read when the object was made. */
  g_setenv (CFAI_CREDENTIALS_ENV_API_TOKEN, "changed-later", TRUE);

  /* The caller's account ID (from settings) does not override it. */
  cfai_credentials_set_account_id (credentials, "settings-account");
  g_assert_cmpstr (cfai_credentials_get_account_id (credentials), ==, "env-account");
  g_assert_cmpint (n.account_id, ==, 0);
  g_assert_cmpint (n.account_id_source, ==, 0);
  g_object_get (credentials,
                "account-id", &account_id,
                "account-id-source", &account_source,
                "token-source", &token_source,
                NULL);
  g_assert_cmpstr (account_id, ==, "env-account");
  g_assert_cmpint (account_source, ==, CFAI_ACCOUNT_ID_SOURCE_ENVIRONMENT);
  g_assert_cmpint (token_source, ==, CFAI_TOKEN_SOURCE_ENVIRONMENT);

  /* For any account, without asking the keyring. */
  assert_lookup (credentials, CFAI_TOKEN_KIND_API, NULL, "env-token-0123456789", CFAI_TOKEN_SOURCE_ENVIRONMENT);
  assert_lookup (credentials, CFAI_TOKEN_KIND_API, "other-account", "env-token-0123456789", CFAI_TOKEN_SOURCE_ENVIRONMENT);
  g_assert_true (cfai_credentials_get_keyring_available (credentials));

  /* Read-only: saving or removing fails and says why. */
  g_assert_false (store_token (credentials, CFAI_TOKEN_KIND_API, NULL, "typed-token", NULL, &persisted, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "CLOUDFLARE_API_TOKEN"));
  g_assert_false (persisted);
  g_clear_error (&error);

  g_assert_false (clear_token (credentials, CFAI_TOKEN_KIND_API, NULL, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "CLOUDFLARE_API_TOKEN"));
  g_clear_error (&error);

  assert_lookup (credentials, CFAI_TOKEN_KIND_API, NULL, "env-token-0123456789", CFAI_TOKEN_SOURCE_ENVIRONMENT);
  g_assert_true (cfai_credentials_get_keyring_available (credentials));
  g_assert_cmpint (n.token_source, ==, 0);
  g_assert_cmpint (n.keyring_available, ==, 0);

  /* Only the API token comes from the environment: a gateway token is
   * still kept by CfAI (here in memory, as there is no bus). */
  g_assert_true (store_token (credentials, CFAI_TOKEN_KIND_GATEWAY, NULL, "gateway-token", NULL, &persisted, &error));
  g_assert_no_error (error);
  g_assert_false (persisted);
  assert_lookup (credentials, CFAI_TOKEN_KIND_GATEWAY, NULL, "gateway-token", CFAI_TOKEN_SOURCE_SESSION_MEMORY);
  assert_lookup (credentials, CFAI_TOKEN_KIND_API, NULL, "env-token-0123456789", CFAI_TOKEN_SOURCE_ENVIRONMENT);
  g_assert_cmpint (cfai_credentials_get_token_source (credentials), ==, CFAI_TOKEN_SOURCE_ENVIRONMENT);

  g_assert_finalize_object (g_steal_pointer (&credentials));
  restore_env (&saved);
}

static void
test_environment_fallbacks (void)
{
  g_autoptr(CfaiCredentials) credentials = NULL;
  Notifications n = { 0 };
  SavedEnv saved;

  save_env (&saved);
  point_at_no_bus ();

  /* Set but empty counts as unset. */
  g_setenv (CFAI_CREDENTIALS_ENV_ACCOUNT_ID, "", TRUE);
  g_setenv (CFAI_CREDENTIALS_ENV_API_TOKEN, "  ", TRUE);

  credentials = cfai_credentials_new ();
  g_signal_connect (credentials, "notify", G_CALLBACK (count_notify), &n);

  g_assert_null (cfai_credentials_get_account_id (credentials));
  g_assert_cmpint (cfai_credentials_get_account_id_source (credentials), ==, CFAI_ACCOUNT_ID_SOURCE_NONE);
  g_assert_cmpint (cfai_credentials_get_token_source (credentials), ==, CFAI_TOKEN_SOURCE_NONE);

  cfai_credentials_set_account_id (credentials, " settings-account ");
  g_assert_cmpstr (cfai_credentials_get_account_id (credentials), ==, "settings-account");
  g_assert_cmpint (cfai_credentials_get_account_id_source (credentials), ==, CFAI_ACCOUNT_ID_SOURCE_CALLER);
  g_assert_cmpint (n.account_id, ==, 1);
  g_assert_cmpint (n.account_id_source, ==, 1);

  cfai_credentials_set_account_id (credentials, "settings-account");
  g_assert_cmpint (n.account_id, ==, 1);

  g_object_set (credentials, "account-id", "", NULL);
  g_assert_null (cfai_credentials_get_account_id (credentials));
  g_assert_cmpint (cfai_credentials_get_account_id_source (credentials), ==, CFAI_ACCOUNT_ID_SOURCE_NONE);
  g_assert_cmpint (n.account_id, ==, 2);
  g_assert_cmpint (n.account_id_source, ==, 2);

  /* An environment account ID alone still leaves the token to the keyring. */
  g_clear_object (&credentials);
  g_setenv (CFAI_CREDENTIALS_ENV_ACCOUNT_ID, "env-account", TRUE);
  g_unsetenv (CFAI_CREDENTIALS_ENV_API_TOKEN);
  credentials = cfai_credentials_new ();
  g_assert_cmpstr (cfai_credentials_get_account_id (credentials), ==, "env-account");
  g_assert_cmpint (cfai_credentials_get_token_source (credentials), ==, CFAI_TOKEN_SOURCE_NONE);

  g_assert_finalize_object (g_steal_pointer (&credentials));
  restore_env (&saved);
}

static void
test_invalid_input (void)
{
  g_autoptr(CfaiCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  gboolean persisted = TRUE;
  SavedEnv saved;

  save_env (&saved);
  point_at_no_bus ();

  credentials = cfai_credentials_new ();

  /* No account to file the token under. */
  g_assert_false (store_token (credentials, CFAI_TOKEN_KIND_API, NULL, "abc", NULL, &persisted, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS);
  g_assert_false (persisted);
  g_clear_error (&error);

  cfai_credentials_set_account_id (credentials, "account");

  g_assert_false (store_token (credentials, CFAI_TOKEN_KIND_API, NULL, " \n", NULL, NULL, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_NO_CREDENTIALS);
  g_clear_error (&error);

  g_assert_false (store_token (credentials, CFAI_TOKEN_KIND_API, NULL, "two words", NULL, NULL, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_AUTH);
  g_clear_error (&error);

  g_assert_false (store_token (credentials, CFAI_TOKEN_KIND_API, NULL, "line\r\nX-Injected: 1", NULL, NULL, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_AUTH);
  g_clear_error (&error);

  g_assert_false (store_token (credentials, CFAI_TOKEN_KIND_API, NULL, "caf\xc3\xa9", NULL, NULL, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_AUTH);
  g_clear_error (&error);

  /* Rejected before the keyring was asked anything. */
  g_assert_true (cfai_credentials_get_keyring_available (credentials));

  /* Without an account there is nothing to look up or clear. */
  cfai_credentials_set_account_id (credentials, NULL);
  assert_lookup (credentials, CFAI_TOKEN_KIND_GATEWAY, NULL, NULL, CFAI_TOKEN_SOURCE_NONE);
  g_assert_true (clear_token (credentials, CFAI_TOKEN_KIND_GATEWAY, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cfai_credentials_get_keyring_available (credentials));

  g_assert_finalize_object (g_steal_pointer (&credentials));
  restore_env (&saved);
}

static void
assert_session_only (CfaiCredentials *credentials)
{
  const GError *problem;

  g_assert_false (cfai_credentials_get_keyring_available (credentials));
  g_assert_cmpstr (cfai_credentials_get_keyring_error_message (credentials), ==, NO_KEYRING_MESSAGE);

  problem = cfai_credentials_get_keyring_error (credentials);
  g_assert_error ((GError *) problem, CFAI_ERROR, CFAI_ERROR_NO_KEYRING);
  g_assert_cmpstr (problem->message, ==, NO_KEYRING_MESSAGE);
  /* libsecret's reason is kept for a details view. */
  g_assert_nonnull (cfai_error_get_detail (problem));
}

static void
test_no_keyring (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(CfaiCredentials) credentials = NULL;
  g_autoptr(CfaiCredentials) other = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  Notifications n = { 0 };
  gboolean persisted = TRUE;
  gboolean available = TRUE;

  credentials = cfai_credentials_new ();
  cfai_credentials_set_account_id (credentials, "account-1");
  g_signal_connect (credentials, "notify", G_CALLBACK (count_notify), &n);

  g_assert_true (cfai_credentials_get_keyring_available (credentials));
  g_assert_null (cfai_credentials_get_keyring_error_message (credentials));

  /* Nothing stored, and the lookup already finds out there is no keyring. */
  assert_lookup (credentials, CFAI_TOKEN_KIND_API, NULL, NULL, CFAI_TOKEN_SOURCE_NONE);
  assert_session_only (credentials);
  g_assert_cmpint (n.keyring_available, ==, 1);
  g_assert_cmpint (n.keyring_error_message, ==, 1);

  /* Storing works, for this session only, and says so. */
  g_assert_true (store_token (credentials, CFAI_TOKEN_KIND_API, NULL, "  session-token-1\n", NULL, &persisted, &error));
  g_assert_no_error (error);
  g_assert_false (persisted);
  assert_session_only (credentials);
  g_assert_cmpint (cfai_credentials_get_token_source (credentials), ==, CFAI_TOKEN_SOURCE_SESSION_MEMORY);
  g_assert_cmpint (n.token_source, ==, 1);
  /* Still unavailable: no second notification. */
  g_assert_cmpint (n.keyring_available, ==, 1);
  g_assert_cmpint (n.keyring_error_message, ==, 1);

  g_object_get (credentials,
                "keyring-available", &available,
                "keyring-error-message", &message,
                NULL);
  g_assert_false (available);
  g_assert_cmpstr (message, ==, NO_KEYRING_MESSAGE);

  assert_lookup (credentials, CFAI_TOKEN_KIND_API, NULL, "session-token-1", CFAI_TOKEN_SOURCE_SESSION_MEMORY);
  assert_lookup (credentials, CFAI_TOKEN_KIND_API, "account-1", "session-token-1", CFAI_TOKEN_SOURCE_SESSION_MEMORY);

  /* Kinds and accounts are kept apart in memory too. */
  assert_lookup (credentials, CFAI_TOKEN_KIND_GATEWAY, NULL, NULL, CFAI_TOKEN_SOURCE_NONE);
  assert_lookup (credentials, CFAI_TOKEN_KIND_API, "account-2", NULL, CFAI_TOKEN_SOURCE_NONE);
  g_assert_true (store_token (credentials, CFAI_TOKEN_KIND_GATEWAY, NULL, "gateway-token-1", NULL, &persisted, &error));
  g_assert_no_error (error);
  g_assert_false (persisted);
  assert_lookup (credentials, CFAI_TOKEN_KIND_GATEWAY, NULL, "gateway-token-1", CFAI_TOKEN_SOURCE_SESSION_MEMORY);
  assert_lookup (credentials, CFAI_TOKEN_KIND_API, NULL, "session-token-1", CFAI_TOKEN_SOURCE_SESSION_MEMORY);

  /* Replacing. */
  g_assert_true (store_token (credentials, CFAI_TOKEN_KIND_API, NULL, "session-token-2", NULL, &persisted, &error));
  g_assert_no_error (error);
  assert_lookup (credentials, CFAI_TOKEN_KIND_API, NULL, "session-token-2", CFAI_TOKEN_SOURCE_SESSION_MEMORY);

  /* Another instance (another run of CfAI) does not see it: it was not
   * persisted anywhere. */
  other = cfai_credentials_new ();
  assert_lookup (other, CFAI_TOKEN_KIND_API, "account-1", NULL, CFAI_TOKEN_SOURCE_NONE);
  g_assert_false (cfai_credentials_get_keyring_available (other));

  /* Clearing forgets it, but cannot promise the keyring has no old copy. */
  g_assert_false (clear_token (credentials, CFAI_TOKEN_KIND_API, NULL, &error));
  g_assert_error (error, CFAI_ERROR, CFAI_ERROR_NO_KEYRING);
  g_assert_nonnull (cfai_error_get_detail (error));
  g_clear_error (&error);
  assert_lookup (credentials, CFAI_TOKEN_KIND_API, NULL, NULL, CFAI_TOKEN_SOURCE_NONE);
  g_assert_cmpint (cfai_credentials_get_token_source (credentials), ==, CFAI_TOKEN_SOURCE_NONE);
  assert_lookup (credentials, CFAI_TOKEN_KIND_GATEWAY, NULL, "gateway-token-1", CFAI_TOKEN_SOURCE_SESSION_MEMORY);

  /* Never a file: the isolated HOME and XDG directories hold nothing. */
  files = list_isolated_files ();
  for (guint i = 0; i < files->len; i++)
    g_test_message ("unexpected file: %s", (const char *) g_ptr_array_index (files, i));
  g_assert_cmpuint (files->len, ==, 0);

  g_assert_finalize_object (g_steal_pointer (&other));
  g_assert_finalize_object (g_steal_pointer (&credentials));
}

static void
test_no_session_bus (void)
{
  g_autoptr(CfaiCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  gboolean persisted = TRUE;
  SavedEnv saved;

  save_env (&saved);
  point_at_no_bus ();

  credentials = cfai_credentials_new ();
  cfai_credentials_set_account_id (credentials, "account-1");

  g_assert_true (store_token (credentials, CFAI_TOKEN_KIND_API, NULL, "session-token", NULL, &persisted, &error));
  g_assert_no_error (error);
  g_assert_false (persisted);
  assert_session_only (credentials);
  assert_lookup (credentials, CFAI_TOKEN_KIND_API, NULL, "session-token", CFAI_TOKEN_SOURCE_SESSION_MEMORY);

  g_assert_finalize_object (g_steal_pointer (&credentials));
  restore_env (&saved);
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CfaiCredentials) credentials = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gboolean persisted = TRUE;

  credentials = cfai_credentials_new ();
  cfai_credentials_set_account_id (credentials, "account-1");

  /* A cancelled store is not a keyring failure and keeps nothing. */
  g_cancellable_cancel (cancellable);
  g_assert_false (store_token (credentials, CFAI_TOKEN_KIND_API, NULL, "token", cancellable, &persisted, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (persisted);
  g_assert_true (cfai_credentials_get_keyring_available (credentials));
  g_assert_cmpint (cfai_credentials_get_token_source (credentials), ==, CFAI_TOKEN_SOURCE_NONE);
  g_clear_error (&error);

  assert_lookup (credentials, CFAI_TOKEN_KIND_API, NULL, NULL, CFAI_TOKEN_SOURCE_NONE);

  g_assert_finalize_object (g_steal_pointer (&credentials));
}

/* Asks the Secret Service itself, not libsecret (whose search leaks in
 * 0.21), for the items with these attributes, including the schema name
 * libsecret stores along with them. */
static GStrv
find_items (const char *kind,
            const char *account)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree const char **unlocked = NULL;
  g_autofree const char **locked = NULL;
  GVariantBuilder attributes;

  g_variant_builder_init (&attributes, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&attributes, "{ss}", "xdg:schema", CFAI_CREDENTIALS_SCHEMA_NAME);
  g_variant_builder_add (&attributes, "{ss}", "kind", kind);
  g_variant_builder_add (&attributes, "{ss}", "account", account);

  g_assert_nonnull (bus);
  reply = g_dbus_connection_call_sync (bus, SECRETS_BUS_NAME, "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "SearchItems",
                                       g_variant_new ("(a{ss})", &attributes),
                                       G_VARIANT_TYPE ("(aoao)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);

  g_variant_get (reply, "(^a&o^a&o)", &unlocked, &locked);
  g_assert_cmpuint (g_strv_length ((GStrv) locked), ==, 0);

  return g_strdupv ((GStrv) unlocked);
}

static char *
get_item_label (const char *path)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) label = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (bus, SECRETS_BUS_NAME, path,
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", "org.freedesktop.Secret.Item", "Label"),
                                       G_VARIANT_TYPE ("(v)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &label);

  return g_variant_dup_string (label, NULL);
}

static void
test_keyring_round_trip (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(CfaiCredentials) credentials = NULL;
  g_autoptr(CfaiCredentials) other = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) items = NULL;
  g_autofree char *label = NULL;
  g_autofree char *direct = NULL;
  g_autofree char *keyrings_dir = NULL;
  Notifications n = { 0 };
  gboolean persisted = FALSE;

  if (!run_in_child (fixture))
    return;

  credentials = cfai_credentials_new ();
  cfai_credentials_set_account_id (credentials, "account-1");
  g_signal_connect (credentials, "notify", G_CALLBACK (count_notify), &n);

  assert_lookup (credentials, CFAI_TOKEN_KIND_API, NULL, NULL, CFAI_TOKEN_SOURCE_NONE);
  g_assert_true (cfai_credentials_get_keyring_available (credentials));

  g_assert_true (store_token (credentials, CFAI_TOKEN_KIND_API, NULL, "keyring-api-token-1", NULL, &persisted, &error));
  g_assert_no_error (error);
  g_assert_true (persisted);
  g_assert_true (cfai_credentials_get_keyring_available (credentials));
  g_assert_null (cfai_credentials_get_keyring_error_message (credentials));
  g_assert_cmpint (cfai_credentials_get_token_source (credentials), ==, CFAI_TOKEN_SOURCE_KEYRING);
  g_assert_cmpint (n.keyring_available, ==, 0);

  g_assert_true (store_token (credentials, CFAI_TOKEN_KIND_GATEWAY, NULL, "keyring-gateway-token-1", NULL, &persisted, &error));
  g_assert_no_error (error);
  g_assert_true (persisted);
  g_assert_true (store_token (credentials, CFAI_TOKEN_KIND_API, "account-2", "keyring-api-token-2", NULL, &persisted, &error));
  g_assert_no_error (error);
  g_assert_true (persisted);
  /* Work on another account leaves the current account's source alone. */
  g_assert_cmpint (cfai_credentials_get_token_source (credentials), ==, CFAI_TOKEN_SOURCE_KEYRING);

  /* The items carry the schema's attributes, as any libsecret client sees. */
  direct = secret_password_lookup_sync (cfai_credentials_get_schema (), NULL, &error,
                                        "kind", "api-token", "account", "account-1", NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (direct, ==, "keyring-api-token-1");
  g_clear_pointer (&direct, secret_password_free);

  items = find_items ("gateway-token", "account-1");
  g_assert_cmpuint (g_strv_length (items), ==, 1);
  label = get_item_label (items[0]);
  g_assert_nonnull (strstr (label, "account-1"));
  g_clear_pointer (&items, g_strfreev);

  /* A new instance (the next run of CfAI) finds them: they persisted,
   * and each kind and account holds its own. */
  other = cfai_credentials_new ();
  assert_lookup (other, CFAI_TOKEN_KIND_API, "account-1", "keyring-api-token-1", CFAI_TOKEN_SOURCE_KEYRING);
  assert_lookup (other, CFAI_TOKEN_KIND_GATEWAY, "account-1", "keyring-gateway-token-1", CFAI_TOKEN_SOURCE_KEYRING);
  assert_lookup (other, CFAI_TOKEN_KIND_API, "account-2", "keyring-api-token-2", CFAI_TOKEN_SOURCE_KEYRING);
  assert_lookup (other, CFAI_TOKEN_KIND_GATEWAY, "account-2", NULL, CFAI_TOKEN_SOURCE_NONE);
  assert_lookup (other, CFAI_TOKEN_KIND_API, "account-3", NULL, CFAI_TOKEN_SOURCE_NONE);

  /* Storing again replaces, rather than adding a second item. */
  g_assert_true (store_token (credentials, CFAI_TOKEN_KIND_API, NULL, "keyring-api-token-1b", NULL, &persisted, &error));
  g_assert_no_error (error);
  g_assert_true (persisted);
  assert_lookup (other, CFAI_TOKEN_KIND_API, "account-1", "keyring-api-token-1b", CFAI_TOKEN_SOURCE_KEYRING);
  items = find_items ("api-token", "account-1");
  g_assert_cmpuint (g_strv_length (items), ==, 1);
  g_clear_pointer (&items, g_strfreev);

  /* The keyring's files, in the isolated XDG_DATA_HOME, are encrypted:
   * no token appears in any file. */
  keyrings_dir = g_build_filename (g_get_user_data_dir (), "keyrings", NULL);
  g_assert_true (g_file_test (keyrings_dir, G_FILE_TEST_IS_DIR));
  assert_no_file_contains ("keyring-api-token-1b");
  assert_no_file_contains ("keyring-gateway-token-1");
  assert_no_file_contains ("keyring-api-token-2");

  /* Clearing removes exactly one. */
  g_assert_true (clear_token (credentials, CFAI_TOKEN_KIND_API, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cfai_credentials_get_token_source (credentials), ==, CFAI_TOKEN_SOURCE_NONE);
  assert_lookup (credentials, CFAI_TOKEN_KIND_API, NULL, NULL, CFAI_TOKEN_SOURCE_NONE);
  assert_lookup (other, CFAI_TOKEN_KIND_API, "account-1", NULL, CFAI_TOKEN_SOURCE_NONE);
  assert_lookup (other, CFAI_TOKEN_KIND_GATEWAY, "account-1", "keyring-gateway-token-1", CFAI_TOKEN_SOURCE_KEYRING);
  assert_lookup (other, CFAI_TOKEN_KIND_API, "account-2", "keyring-api-token-2", CFAI_TOKEN_SOURCE_KEYRING);

  /* Clearing what is not there is not an error. */
  g_assert_true (clear_token (other, CFAI_TOKEN_KIND_API, "account-1", &error));
  g_assert_no_error (error);

  /* Switching accounts: the source is unknown until looked up. */
  cfai_credentials_set_account_id (credentials, "account-2");
  g_assert_cmpint (cfai_credentials_get_token_source (credentials), ==, CFAI_TOKEN_SOURCE_NONE);
  assert_lookup (credentials, CFAI_TOKEN_KIND_API, NULL, "keyring-api-token-2", CFAI_TOKEN_SOURCE_KEYRING);
  g_assert_cmpint (cfai_credentials_get_token_source (credentials), ==, CFAI_TOKEN_SOURCE_KEYRING);

  g_assert_true (cfai_credentials_get_keyring_available (credentials));
  g_assert_true (cfai_credentials_get_keyring_available (other));
  g_assert_cmpint (n.keyring_available, ==, 0);

  g_assert_finalize_object (g_steal_pointer (&other));
  g_assert_finalize_object (g_steal_pointer (&credentials));
}

/* The keyring appearing after a failure (gnome-keyring started late): the
 * next store persists and the session copy is dropped. */
static void
test_keyring_comes_back (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(CfaiCredentials) credentials = NULL;
  g_autoptr(CfaiCredentials) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) keyring = NULL;
  g_autofree char *why_not = NULL;
  Notifications n = { 0 };
  gboolean persisted = TRUE;

  /* The daemon started in setup only showed that it can run here; the
   * child starts its own once it has seen there is none. */
  if (!g_test_subprocess ())
    stop_keyring (&fixture->keyring);

  if (!run_in_child (fixture))
    return;

  credentials = cfai_credentials_new ();
  cfai_credentials_set_account_id (credentials, "account-1");
  g_signal_connect (credentials, "notify", G_CALLBACK (count_notify), &n);

  g_assert_true (store_token (credentials, CFAI_TOKEN_KIND_API, NULL, "early-token", NULL, &persisted, &error));
  g_assert_no_error (error);
  g_assert_false (persisted);
  assert_session_only (credentials);

  why_not = start_keyring (&keyring);
  g_assert_null (why_not);

  /* Until then the session copy is the newest token there is. */
  assert_lookup (credentials, CFAI_TOKEN_KIND_API, NULL, "early-token", CFAI_TOKEN_SOURCE_SESSION_MEMORY);
  other = cfai_credentials_new ();
  assert_lookup (other, CFAI_TOKEN_KIND_API, "account-1", NULL, CFAI_TOKEN_SOURCE_NONE);
  g_assert_true (cfai_credentials_get_keyring_available (other));

  g_assert_true (store_token (credentials, CFAI_TOKEN_KIND_API, NULL, "later-token", NULL, &persisted, &error));
  g_assert_no_error (error);
  g_assert_true (persisted);
  g_assert_true (cfai_credentials_get_keyring_available (credentials));
  g_assert_null (cfai_credentials_get_keyring_error_message (credentials));
  g_assert_cmpint (cfai_credentials_get_token_source (credentials), ==, CFAI_TOKEN_SOURCE_KEYRING);
  g_assert_cmpint (n.keyring_available, ==, 2);

  /* The session copy is gone, so the keyring's answer is what we get. */
  assert_lookup (credentials, CFAI_TOKEN_KIND_API, NULL, "later-token", CFAI_TOKEN_SOURCE_KEYRING);
  assert_lookup (other, CFAI_TOKEN_KIND_API, "account-1", "later-token", CFAI_TOKEN_SOURCE_KEYRING);

  g_assert_finalize_object (g_steal_pointer (&other));
  g_assert_finalize_object (g_steal_pointer (&credentials));
  stop_keyring (&keyring);
}

static void
count_url_notify (GObject    *object,
                  GParamSpec *pspec,
                  guint      *n)
{
  (*n)++;
}

/* The base URLs can be read again; the owner says whether the
 * environment decides, so Preferences does not read it itself. */
static void
test_reread_base_urls (void)
{
  g_autoptr(CfaiCredentials) credentials = NULL;
  guint notified = 0;

  g_unsetenv (CFAI_CREDENTIALS_ENV_API_BASE_URL);
  g_unsetenv (CFAI_CREDENTIALS_ENV_GATEWAY_BASE_URL);
  credentials = cfai_credentials_new ();
  cfai_credentials_set_api_base_url (credentials, "https://setting.example/client/v4");
  g_assert_false (cfai_credentials_get_api_base_url_from_environment (credentials));
  g_signal_connect (credentials, "notify::api-base-url", G_CALLBACK (count_url_notify), &notified);

  g_setenv (CFAI_CREDENTIALS_ENV_API_BASE_URL, " http://127.0.0.1:9/from-env/ ", TRUE);
  g_setenv (CFAI_CREDENTIALS_ENV_GATEWAY_BASE_URL, "http://127.0.0.1:9/gw", TRUE);
  g_assert_cmpstr (cfai_credentials_get_api_base_url (credentials), ==, "https://setting.example/client/v4");
  cfai_credentials_reread_base_urls (credentials);
  g_assert_true (cfai_credentials_get_api_base_url_from_environment (credentials));
  g_assert_cmpstr (cfai_credentials_get_api_base_url (credentials), ==, "http://127.0.0.1:9/from-env");
  g_assert_cmpstr (cfai_credentials_get_gateway_base_url (credentials), ==, "http://127.0.0.1:9/gw");
  g_assert_cmpuint (notified, ==, 1);
  cfai_credentials_reread_base_urls (credentials);
  g_assert_cmpuint (notified, ==, 1);

  g_unsetenv (CFAI_CREDENTIALS_ENV_API_BASE_URL);
  g_unsetenv (CFAI_CREDENTIALS_ENV_GATEWAY_BASE_URL);
  cfai_credentials_reread_base_urls (credentials);
  g_assert_false (cfai_credentials_get_api_base_url_from_environment (credentials));
  g_assert_cmpstr (cfai_credentials_get_api_base_url (credentials), ==, "https://setting.example/client/v4");
  g_assert_cmpstr (cfai_credentials_get_gateway_base_url (credentials), ==, CFAI_DEFAULT_GATEWAY_BASE_URL);
  g_assert_cmpuint (notified, ==, 2);
  g_signal_handlers_disconnect_by_data (credentials, &notified);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* Whoever runs the tests may have real credentials or a different
   * libsecret backend in their environment; none of it may leak in. */
  g_unsetenv (CFAI_CREDENTIALS_ENV_ACCOUNT_ID);
  g_unsetenv (CFAI_CREDENTIALS_ENV_API_TOKEN);
  g_unsetenv ("SECRET_BACKEND");

  g_test_add_func ("/credentials/schema", test_schema);
  g_test_add_func ("/credentials/environment/precedence", test_environment_precedence);
  g_test_add_func ("/credentials/environment/fallbacks", test_environment_fallbacks);
  g_test_add_func ("/credentials/environment/reread-base-urls", test_reread_base_urls);
  g_test_add_func ("/credentials/invalid-input", test_invalid_input);
  g_test_add ("/credentials/no-keyring/session-memory", Fixture, GINT_TO_POINTER (FALSE),
              bus_setup, test_no_keyring, bus_teardown);
  g_test_add_func ("/credentials/no-keyring/no-session-bus", test_no_session_bus);
  g_test_add ("/credentials/no-keyring/cancelled", Fixture, GINT_TO_POINTER (FALSE),
              bus_setup, test_cancelled, bus_teardown);
  g_test_add ("/credentials/keyring/round-trip", Fixture, GINT_TO_POINTER (TRUE),
              bus_setup, test_keyring_round_trip, bus_teardown);
  g_test_add ("/credentials/keyring/comes-back", Fixture, GINT_TO_POINTER (TRUE),
              bus_setup, test_keyring_comes_back, bus_teardown);

  return g_test_run ();
}
