/* cfai-test-models.c — where the tests find Cloudflare's model files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The suite carries its own copies, in tests/data/models: a clone with
 * nothing beside it passes its tests.
 */
#include "config.h"

#include "cfai-test-models.h"

static gboolean
dir_has_json (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return FALSE;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_suffix (name, ".json"))
        return TRUE;
    }

  return FALSE;
}

/**
 * cfai_test_find_models_dir:
 *
 * Returns: (transfer full) (nullable): a folder of model files, or %NULL
 */
char *
cfai_test_find_models_dir (void)
{
  g_autofree char *local = g_test_build_filename (G_TEST_DIST, "data", "models", NULL);

  if (dir_has_json (local))
    return g_steal_pointer (&local);

  return NULL;
}

/**
 * cfai_test_list_model_files:
 * @dir: a folder from cfai_test_find_models_dir()
 *
 * Returns: (transfer full): the names of its JSON files, sorted
 */
GPtrArray *
cfai_test_list_model_files (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      if (g_str_has_suffix (name, ".json"))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort_values (names, (GCompareFunc) g_strcmp0);

  return names;
}
