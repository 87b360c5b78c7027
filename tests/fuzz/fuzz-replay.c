/* fuzz-replay.c — runs a fuzz target over its corpus without libFuzzer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every build (gcc included, sanitizers or not) links each fuzz target
 * with this driver and runs it over tests/fuzz/corpus/<name>/ as a unit
 * test.  So an input that once crashed a target and was added to the
 * corpus stays a regression test, even where clang's libFuzzer is not
 * available.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include <glib.h>

int LLVMFuzzerInitialize    (int            *argc,
                             char         ***argv) __attribute__ ((weak));
int LLVMFuzzerTestOneInput  (const uint8_t  *data,
                             size_t          size);

int
main (int    argc,
      char **argv)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s CORPUS-DIRECTORY\n", argv[0]);
      return 2;
    }

  if (LLVMFuzzerInitialize != NULL)
    LLVMFuzzerInitialize (&argc, &argv);

  dir = g_dir_open (argv[1], 0, &error);
  if (dir == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (argv[1], name, NULL));
  /* A fixed order makes a failure easy to reproduce. */
  g_ptr_array_sort_values (names, (GCompareFunc) g_strcmp0);

  printf ("1..%u\n", names->len);
  for (guint i = 0; i < names->len; i++)
    {
      const char *path = g_ptr_array_index (names, i);
      g_autofree char *data = NULL;
      gsize len;

      if (!g_file_get_contents (path, &data, &len, &error))
        {
          printf ("not ok %u %s: %s\n", i + 1, path, error->message);
          return 1;
        }

      /* A failing input aborts inside the target; the name comes first. */
      fprintf (stderr, "# %s\n", path);
      LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
      printf ("ok %u %s\n", i + 1, path);
    }

  return 0;
}
