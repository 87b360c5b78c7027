/* test-flatpak-manifest.c — the Flatpak manifest is valid JSON and keeps
 * the promises we make about it: a supported GNOME runtime (the one README
 * tells people to install), narrow permissions, pinned sources.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

static JsonObject *manifest;

static void
load_manifest (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "com.example.CfAI.json", NULL);

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  manifest = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_required_keys (void)
{
  g_assert_cmpstr (json_object_get_string_member (manifest, "id"), ==, BASE_APPLICATION_ID);
  g_assert_cmpstr (json_object_get_string_member (manifest, "runtime"), ==, "org.gnome.Platform");
  /* GNOME 51, the current stable runtime: 48 reached end of life on
   * 2026-03-24, and flatpak warns every user of an app on it. */
  g_assert_cmpstr (json_object_get_string_member (manifest, "runtime-version"), ==, "51");
  g_assert_cmpstr (json_object_get_string_member (manifest, "sdk"), ==, "org.gnome.Sdk");
  g_assert_cmpstr (json_object_get_string_member (manifest, "command"), ==, "cfai");
  g_assert_true (json_object_has_member (manifest, "modules"));
}

static void
test_permissions (void)
{
  /* Exactly what a network client with a window needs.  The keyring is
   * reached through the Secret portal, which needs no extra permission. */
  const char *allowed[] = {
    "--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri",
  };
  JsonArray *args = json_object_get_array_member (manifest, "finish-args");

  g_assert_cmpuint (json_array_get_length (args), ==, G_N_ELEMENTS (allowed));
  for (guint i = 0; i < json_array_get_length (args); i++)
    {
      const char *arg = json_array_get_string_element (args, i);
      gboolean found = FALSE;

      for (gsize j = 0; j < G_N_ELEMENTS (allowed); j++)
        found |= g_str_equal (arg, allowed[j]);
      if (!found)
        g_error ("finish-args has %s, which CfAI must not ask for", arg);
    }
}

static gboolean
is_hex (const char *s,
        gsize       len)
{
  if (s == NULL || strlen (s) != len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (s[i]))
      return FALSE;
  return TRUE;
}

static void
test_modules_pinned (void)
{
  JsonArray *modules = json_object_get_array_member (manifest, "modules");
  guint n = json_array_get_length (modules);
  JsonObject *last;

  g_assert_cmpuint (n, >=, 2);

  /* Every third-party source is pinned by commit or checksum, so a build
   * today and a build next year use the same code. */
  for (guint i = 0; i < n - 1; i++)
    {
      JsonObject *module = json_array_get_object_element (modules, i);
      JsonArray *sources = json_object_get_array_member (module, "sources");

      g_assert_cmpuint (json_array_get_length (sources), >=, 1);
      for (guint j = 0; j < json_array_get_length (sources); j++)
        {
          JsonObject *source = json_array_get_object_element (sources, j);
          const char *type = json_object_get_string_member (source, "type");

          if (g_str_equal (type, "git"))
            {
              g_assert_true (json_object_has_member (source, "tag"));
              g_assert_true (is_hex (json_object_get_string_member_with_default (source, "commit", NULL), 40));
            }
          else if (g_str_equal (type, "archive") || g_str_equal (type, "file"))
            g_assert_true (is_hex (json_object_get_string_member_with_default (source, "sha256", NULL), 64));
          else
            g_error ("module %s has an unpinnable source type %s",
                     json_object_get_string_member (module, "name"), type);
        }
    }

  /* md4c is not in the GNOME runtime, so it must be built here. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (modules, 0), "name"),
                   ==, "md4c");

  last = json_array_get_object_element (modules, n - 1);
  g_assert_cmpstr (json_object_get_string_member (last, "name"), ==, "cfai");
  g_assert_cmpstr (json_object_get_string_member (last, "buildsystem"), ==, "meson");
}

/* README's Flatpak section installs exactly the runtime the manifest names. */
static void
test_readme_matches (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "README.md", NULL);
  g_autofree char *readme = NULL;
  g_autoptr(GError) error = NULL;
  const char *version = json_object_get_string_member (manifest, "runtime-version");
  g_autofree char *platform = g_strdup_printf ("org.gnome.Platform//%s org.gnome.Sdk//%s", version, version);
  g_autofree char *named = g_strdup_printf ("GNOME %s runtime", version);

  g_file_get_contents (path, &readme, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (readme, platform));
  g_assert_nonnull (strstr (readme, named));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  load_manifest ();

  g_test_add_func ("/flatpak-manifest/required-keys", test_required_keys);
  g_test_add_func ("/flatpak-manifest/permissions", test_permissions);
  g_test_add_func ("/flatpak-manifest/modules-pinned", test_modules_pinned);
  g_test_add_func ("/flatpak-manifest/readme-matches", test_readme_matches);

  ret = g_test_run ();
  json_object_unref (manifest);
  return ret;
}
