/* cfai-test-home.c — a private HOME and XDG folders for each test program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A test must never read or write the user's own files (a run once left
 * ~/.cache/cfai/models.json behind), so every test program calls
 * cfai_test_isolate_home() first thing in main().
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "cfai-test-home.h"

static char *private_home;
static pid_t private_home_owner;

static gboolean
remove_quietly (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  gboolean ok = TRUE;

  if (dir == NULL)
    return g_remove (path) == 0;

  for (const char *name; (name = g_dir_read_name (dir)) != NULL;)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      ok &= remove_quietly (child);
    }

  return g_rmdir (path) == 0 && ok;
}

/* At exit, not in each test: a program that dies keeps its folder, which
 * is what one wants to look at then.  Only the process that made it:
 * a forked child that calls exit() runs this too (one did, and took the
 * home away from the test still running in its parent). */
static void
remove_private_home (void)
{
  if (getpid () != private_home_owner)
    return;
  if (!remove_quietly (private_home))
    g_printerr ("could not remove all of %s\n", private_home);
  g_clear_pointer (&private_home, g_free);
}

/**
 * cfai_test_isolate_home:
 * @name: a name for the folder
 *
 * Points HOME and the per-user XDG folders (config, data, cache, state)
 * at a new temporary folder.  Not G_TEST_OPTION_ISOLATE_DIRS: that also
 * hides XDG_DATA_DIRS, and GTK then finds no icon theme and no GSettings
 * schemas.  Call before anything asks GLib for a user folder (GLib reads
 * them once).  The folder is removed when the program exits normally.
 *
 * Returns: (transfer none): the folder
 */
const char *
cfai_test_isolate_home (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("%s-XXXXXX", name);

  g_assert_null (private_home);
  private_home = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  private_home_owner = getpid ();
  g_setenv ("HOME", private_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", private_home, TRUE);
  g_setenv ("XDG_DATA_HOME", private_home, TRUE);
  g_setenv ("XDG_CACHE_HOME", private_home, TRUE);
  g_setenv ("XDG_STATE_HOME", private_home, TRUE);
  atexit (remove_private_home);

  return private_home;
}

/**
 * cfai_test_remove_tree:
 * @path: a file or folder
 *
 * Removes @path and everything in it; a test fails when it cannot.
 */
void
cfai_test_remove_tree (const char *path)
{
  g_assert_true (remove_quietly (path));
}
