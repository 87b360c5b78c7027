/* test-image-store.c — the gallery: files with their settings, rows beside chats
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cfai-chat-store.h"
#include "cfai-database.h"
#include "cfai-image-metadata.h"
#include "cfai-image-run.h"
#include "cfai-image-store.h"
#include "cfai-store-private.h"
#include "cfai-test-async.h"
#include "cfai-test-home.h"
#include "cfai-test-server.h"
#include "fake-image.h"

#define SDXL "@cf/stabilityai/stable-diffusion-xl-base-1.0"
#define PHOENIX "@cf/leonardo/phoenix-1.0"
#define FLUX2 "@cf/black-forest-labs/flux-2-dev"

static CfaiTestServer *server;

typedef struct
{
  char           *dir;
  char           *db_path;
  char           *images_dir;
  char           *thumbnails_dir;
  CfaiChatStore  *chats;
  CfaiImageStore *store;
} Fixture;

static void
open_stores (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fixture->chats = cfai_chat_store_new (fixture->db_path);
  fixture->store = cfai_image_store_new_full (fixture->chats, fixture->images_dir, fixture->thumbnails_dir);
  cfai_image_store_load_async (fixture->store, NULL, cfai_test_got_result, &result);
  g_assert_true (cfai_image_store_load_finish (fixture->store, cfai_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_true (cfai_image_store_get_loaded (fixture->store));
}

/* Lets the last jobs run, and checks nothing leaks. */
static void
close_stores (Fixture *fixture)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  g_assert_finalize_object (g_steal_pointer (&fixture->chats));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("cfai-image-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (fixture->dir, "history.sqlite", NULL);
  fixture->images_dir = g_build_filename (fixture->dir, "data", "images", NULL);
  fixture->thumbnails_dir = g_build_filename (fixture->dir, "cache", "thumbnails", NULL);
  open_stores (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->store != NULL)
    close_stores (fixture);
  g_chmod (fixture->images_dir, 0700);
  cfai_test_remove_tree (fixture->dir);
  g_free (fixture->db_path);
  g_free (fixture->images_dir);
  g_free (fixture->thumbnails_dir);
  g_free (fixture->dir);
}

static void
reopen (Fixture *fixture)
{
  close_stores (fixture);
  open_stores (fixture);
}

/* A genuine picture; noisy, so it does not compress to nothing. */
static GBytes *
make_picture (guint    width,
              guint    height,
              gboolean jpeg,
              guint    salt)
{
  g_autofree guint8 *rgb = g_malloc ((gsize) width * height * 3);
  guint32 state = 2463534242u + salt;

  for (gsize i = 0; i < (gsize) width * height * 3; i++)
    {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      rgb[i] = state & 0xff;
    }

  return jpeg ? fake_image_encode_jpeg (rgb, width, height) : fake_image_encode_png (rgb, width, height);
}

static CfaiImageRequest *
make_request (const char *model,
              const char *prompt)
{
  CfaiImageRequest *request = cfai_image_request_new (model);

  cfai_image_request_set_prompt (request, prompt);
  cfai_image_request_set_steps (request, 12);
  cfai_image_request_set_seed (request, 42);
  cfai_image_request_set_guidance (request, 6.5);
  return request;
}

static CfaiImageRecord *
add (Fixture           *fixture,
     CfaiImageRequest  *request,
     GBytes            *image,
     GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  cfai_image_store_add_async (fixture->store, request, image, 0.0021, NULL, cfai_test_got_result, &result);
  return cfai_image_store_add_finish (fixture->store, cfai_test_wait_for (&result), error);
}

static CfaiImageRecord *
add_ok (Fixture          *fixture,
        CfaiImageRequest *request,
        GBytes           *image)
{
  g_autoptr(GError) error = NULL;
  CfaiImageRecord *record = add (fixture, request, image, &error);

  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

static CfaiImageRecord *
record_at (Fixture *fixture,
           guint    position)
{
  g_autoptr(CfaiImageRecord) record = g_list_model_get_item (cfai_image_store_get_images (fixture->store), position);

  g_assert_nonnull (record);
  return record;   /* the list keeps it */
}

static guint
n_records (Fixture *fixture)
{
  return g_list_model_get_n_items (cfai_image_store_get_images (fixture->store));
}

static gint64
count_rows (Fixture    *fixture,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s;", table);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_open (fixture->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

/* Every file under @dir, recursively, relative to it. */
static guint
count_files (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  if (handle == NULL)
    return 0;

  for (const char *name; (name = g_dir_read_name (handle)) != NULL;)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        n += count_files (path);
      else
        n++;
    }

  return n;
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
assert_decodes (const char *path,
                guint       width,
                guint       height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, width);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, height);
}

/* Tests ---------------------------------------------------------------- */

static void
test_add_and_load (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(CfaiImageRequest) first_request = make_request (SDXL, "A lighthouse on a cliff at dusk, oil painting");
  g_autoptr(CfaiImageRequest) second_request = make_request (FLUX2, "The cat of the first picture in the garden of the second");
  g_autoptr(GBytes) png = make_picture (48, 32, FALSE, 1);
  g_autoptr(GBytes) jpeg = make_picture (40, 24, TRUE, 2);
  g_autoptr(GBytes) reference = make_picture (16, 16, FALSE, 3);
  g_autoptr(GBytes) other_reference = make_picture (8, 8, TRUE, 4);
  g_autoptr(CfaiImageRecord) first = NULL;
  g_autoptr(CfaiImageRecord) second = NULL;
  g_autofree char *first_path = NULL;
  g_autofree char *thumbnail = NULL;
  g_auto(GStrv) models = NULL;
  const char * const *references;
  gint64 first_id;
  double cost;

  g_assert_cmpuint (n_records (fixture), ==, 0);

  cfai_image_request_set_negative_prompt (first_request, "boats");
  first = add_ok (fixture, first_request, png);
  g_assert_cmpuint (n_records (fixture), ==, 1);
  g_assert_true (record_at (fixture, 0) == first);
  g_assert_cmpint (cfai_image_record_get_id (first), >, 0);
  g_assert_cmpstr (cfai_image_record_get_prompt (first), ==, "A lighthouse on a cliff at dusk, oil painting");
  g_assert_cmpstr (cfai_image_record_get_negative_prompt (first), ==, "boats");
  g_assert_cmpstr (cfai_image_record_get_model (first), ==, SDXL);
  g_assert_cmpint (cfai_image_record_get_seed (first), ==, 42);
  /* The picture's own size, not what was asked for. */
  g_assert_cmpuint (cfai_image_record_get_width (first), ==, 48);
  g_assert_cmpuint (cfai_image_record_get_height (first), ==, 32);
  g_assert_cmpstr (cfai_image_record_get_mime_type (first), ==, "image/png");
  g_assert_true (g_str_has_prefix (cfai_image_record_get_path (first), fixture->images_dir));
  g_assert_true (g_str_has_suffix (cfai_image_record_get_path (first), ".png"));
  g_assert_true (g_file_test (cfai_image_record_get_path (first), G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_str_has_prefix (cfai_image_record_get_thumbnail_path (first), fixture->thumbnails_dir));
  g_assert_cmpuint (g_strv_length ((char **) cfai_image_record_get_reference_paths (first)), ==, 0);
  g_assert_cmpint (cfai_image_record_get_created_at (first), >, 0);
  g_assert_cmpfloat (cfai_image_record_get_estimated_cost (first), ==, 0.0021);
  assert_decodes (cfai_image_record_get_path (first), 48, 32);

  /* Four references, two of them the same picture: stored once. */
  cfai_image_request_add_reference_image (second_request, reference, NULL);
  cfai_image_request_add_reference_image (second_request, other_reference, NULL);
  cfai_image_request_add_reference_image (second_request, reference, NULL);
  second = add_ok (fixture, second_request, jpeg);
  g_assert_cmpuint (n_records (fixture), ==, 2);
  g_assert_true (record_at (fixture, 0) == second);
  g_assert_cmpstr (cfai_image_record_get_mime_type (second), ==, "image/jpeg");
  references = cfai_image_record_get_reference_paths (second);
  g_assert_cmpuint (g_strv_length ((char **) references), ==, 3);
  g_assert_cmpstr (references[0], ==, references[2]);
  g_assert_cmpstr (references[0], !=, references[1]);
  {
    g_autoptr(GBytes) saved = read_bytes (references[1]);

    g_assert_true (g_bytes_equal (saved, other_reference));
  }
  /* Two pictures, two distinct references. */
  g_assert_cmpuint (count_files (fixture->images_dir), ==, 4);

  models = cfai_image_store_dup_models (fixture->store);
  g_assert_cmpstrv (models, ((const char * const[]) { FLUX2, SDXL, NULL }));

  /* A new store reads the same, in the same order. */
  first_id = cfai_image_record_get_id (first);
  first_path = g_strdup (cfai_image_record_get_path (first));
  thumbnail = g_strdup (cfai_image_record_get_thumbnail_path (first));
  g_clear_object (&first);
  g_clear_object (&second);
  reopen (fixture);
  g_assert_cmpuint (n_records (fixture), ==, 2);
  g_assert_cmpstr (cfai_image_record_get_model (record_at (fixture, 0)), ==, FLUX2);
  g_assert_cmpuint (g_strv_length ((char **) cfai_image_record_get_reference_paths (record_at (fixture, 0))), ==, 3);
  g_assert_cmpint (cfai_image_record_get_id (record_at (fixture, 1)), ==, first_id);
  g_assert_cmpstr (cfai_image_record_get_path (record_at (fixture, 1)), ==, first_path);
  g_assert_cmpstr (cfai_image_record_get_thumbnail_path (record_at (fixture, 1)), ==, thumbnail);
  g_assert_cmpstr (cfai_image_record_get_negative_prompt (record_at (fixture, 1)), ==, "boats");
  g_object_get (record_at (fixture, 1), "estimated-cost", &cost, NULL);
  g_assert_cmpfloat (cost, ==, 0.0021);
  g_assert_cmpint (count_rows (fixture, "images"), ==, 2);
  g_assert_cmpint (count_rows (fixture, "image_references"), ==, 3);
}

static void
assert_settings (GHashTable *texts,
                 const char *prompt,
                 const char *model)
{
  g_autoptr(JsonNode) settings = NULL;
  g_autoptr(CfaiImageRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  const char *parameters = g_hash_table_lookup (texts, CFAI_IMAGE_TEXT_PARAMETERS);

  g_assert_nonnull (parameters);
  g_assert_true (g_str_has_prefix (parameters, prompt));
  g_assert_nonnull (strstr (parameters, "\nNegative prompt: fog, text\n"));
  g_assert_nonnull (strstr (parameters, "Steps: 12, Seed: 42, Size: "));
  g_assert_nonnull (strstr (parameters, model));
  g_assert_nonnull (strstr (parameters, "CFG scale: 6.5"));
  g_assert_cmpstr (g_hash_table_lookup (texts, CFAI_IMAGE_TEXT_PROMPT), ==, prompt);
  g_assert_cmpstr (g_hash_table_lookup (texts, CFAI_IMAGE_TEXT_NEGATIVE_PROMPT), ==, "fog, text");
  g_assert_cmpstr (g_hash_table_lookup (texts, CFAI_IMAGE_TEXT_MODEL), ==, model);
  g_assert_cmpstr (g_hash_table_lookup (texts, CFAI_IMAGE_TEXT_SEED), ==, "42");
  g_assert_true (g_str_has_prefix (g_hash_table_lookup (texts, CFAI_IMAGE_TEXT_SOFTWARE), "CfAI "));

  settings = json_from_string (g_hash_table_lookup (texts, CFAI_IMAGE_TEXT_SETTINGS), &error);
  g_assert_no_error (error);
  request = cfai_image_request_new_from_json (json_node_get_object (settings), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfai_image_request_get_prompt (request), ==, prompt);
  g_assert_cmpstr (cfai_image_request_get_model (request), ==, model);
  g_assert_cmpint (cfai_image_request_get_seed (request), ==, 42);
  g_assert_cmpuint (cfai_image_request_get_steps (request), ==, 12);
  g_assert_cmpfloat (cfai_image_request_get_guidance (request), ==, 6.5);
}

/* The file alone says how it was made, and still decodes. */
static void
test_metadata_in_file (Fixture       *fixture,
                       gconstpointer  data)
{
  /* Not Latin-1: PNG needs iTXt for it. */
  static const char prompt[] = "Ein Fuchs im Schnee — 雪の中の狐, Morgenlicht: weich";

  for (guint jpeg = 0; jpeg < 2; jpeg++)
    {
      g_autoptr(CfaiImageRequest) request = make_request (jpeg ? PHOENIX : SDXL, prompt);
      g_autoptr(GBytes) image = make_picture (40, 30, jpeg, 7);
      g_autoptr(CfaiImageRecord) record = NULL;
      g_autoptr(GBytes) saved = NULL;
      g_autoptr(GHashTable) texts = NULL;
      g_autoptr(GError) error = NULL;
      guint width = 0, height = 0;

      cfai_image_request_set_negative_prompt (request, "fog, text");
      record = add_ok (fixture, request, image);
      saved = read_bytes (cfai_image_record_get_path (record));
      g_assert_cmpuint (g_bytes_get_size (saved), >, g_bytes_get_size (image));

      texts = cfai_image_metadata_read (saved, &error);
      g_assert_no_error (error);
      assert_settings (texts, prompt, jpeg ? PHOENIX : SDXL);
      g_assert_true (cfai_image_metadata_get_size (saved, &width, &height));
      g_assert_cmpuint (width, ==, 40);
      g_assert_cmpuint (height, ==, 30);
      assert_decodes (cfai_image_record_get_path (record), 40, 30);

      /* The picture as the model made it had no text. */
      g_clear_pointer (&texts, g_hash_table_unref);
      texts = cfai_image_metadata_read (image, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_hash_table_size (texts), ==, 0);
    }
}

static void
test_metadata_bytes (void)
{
  static const CfaiImageText texts[] = {
    { CFAI_IMAGE_TEXT_PARAMETERS, "Style: watercolour, a: b\nSteps: 4" },
    { "CfAI:note", "multi\nline: value" },
    { "Title", "Ünïcödé" },
  };
  g_autoptr(GBytes) png = make_picture (9, 7, FALSE, 11);
  g_autoptr(GBytes) jpeg = make_picture (9, 7, TRUE, 12);
  g_autoptr(GBytes) garbage = g_bytes_new_static ("GIF89a not ours", 15);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GBytes) with = cfai_image_metadata_embed (i == 0 ? png : jpeg, texts, G_N_ELEMENTS (texts), &error);
      g_autoptr(GHashTable) table = NULL;
      g_autoptr(GBytes) cut = NULL;
      g_autofree char *path = g_build_filename (g_get_tmp_dir (), i == 0 ? "cfai-meta.png" : "cfai-meta.jpg", NULL);

      g_assert_no_error (error);
      table = cfai_image_metadata_read (with, &error);
      g_assert_no_error (error);
      /* A prompt with ": " in it stays the parameters, whole. */
      g_assert_cmpstr (g_hash_table_lookup (table, CFAI_IMAGE_TEXT_PARAMETERS), ==, texts[0].value);
      g_assert_cmpstr (g_hash_table_lookup (table, "CfAI:note"), ==, texts[1].value);
      if (i == 0)
        g_assert_cmpstr (g_hash_table_lookup (table, "Title"), ==, "Ünïcödé");

      g_file_set_contents (path, g_bytes_get_data (with, NULL), g_bytes_get_size (with), &error);
      g_assert_no_error (error);
      assert_decodes (path, 9, 7);
      g_unlink (path);

      /* Cut short before its end: not read as if whole. */
      cut = g_bytes_new_from_bytes (with, 0, i == 0 ? 60 : 20);
      g_clear_pointer (&table, g_hash_table_unref);
      table = cfai_image_metadata_read (cut, &error);
      g_assert_error (error, CFAI_IMAGE_STORE_ERROR, CFAI_IMAGE_STORE_ERROR_NOT_AN_IMAGE);
      g_assert_null (table);
      g_clear_error (&error);
    }

  g_assert_null (cfai_image_metadata_embed (garbage, texts, 1, &error));
  g_assert_error (error, CFAI_IMAGE_STORE_ERROR, CFAI_IMAGE_STORE_ERROR_NOT_AN_IMAGE);
}

/* A PNG text chunk with a wrong CRC is not believed. */
static void
test_metadata_bad_crc (void)
{
  static const CfaiImageText text = { "CfAI:prompt", "a fox" };
  g_autoptr(GBytes) png = make_picture (4, 4, FALSE, 13);
  g_autoptr(GBytes) with = cfai_image_metadata_embed (png, &text, 1, NULL);
  g_autoptr(GHashTable) table = NULL;
  gsize len = g_bytes_get_size (with);
  guint8 *copy = g_memdup2 (g_bytes_get_data (with, NULL), len);
  g_autoptr(GBytes) broken = NULL;
  /* Signature (8) + IHDR (25) + our chunk's length and type (8), then "CfAI". */
  gsize text_start = 8 + 25 + 8;

  g_assert_cmpmem (copy + text_start, 4, "CfAI", 4);
  copy[text_start + 12] ^= 0x20;
  broken = g_bytes_new_take (copy, len);
  table = cfai_image_metadata_read (broken, NULL);
  g_assert_nonnull (table);
  g_assert_false (g_hash_table_contains (table, "CfAI:prompt"));
}

static void
test_delete_undo_commit (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GBytes) reference = make_picture (16, 16, FALSE, 20);
  CfaiImageRecord *records[3];
  g_autofree char *middle_path = NULL;
  g_autofree char *reference_path = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("Picture number %u of a red bicycle", i);
      g_autoptr(CfaiImageRequest) request = make_request (SDXL, prompt);
      g_autoptr(GBytes) image = make_picture (20, 20, FALSE, 30 + i);

      if (i > 0)
        cfai_image_request_add_reference_image (request, reference, NULL);
      records[i] = add_ok (fixture, request, image);
    }
  g_assert_cmpuint (n_records (fixture), ==, 3);
  middle_path = g_strdup (cfai_image_record_get_path (records[1]));
  reference_path = g_strdup (cfai_image_record_get_reference_paths (records[1])[0]);
  g_assert_cmpstr (reference_path, ==, cfai_image_record_get_reference_paths (records[2])[0]);

  /* Gone from the list at once, kept on disk until committed. */
  cfai_image_store_delete (fixture->store, records[1]);
  g_assert_cmpuint (n_records (fixture), ==, 2);
  g_assert_true (record_at (fixture, 0) == records[2]);
  g_assert_true (record_at (fixture, 1) == records[0]);
  g_assert_true (g_file_test (middle_path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (count_rows (fixture, "images"), ==, 3);

  cfai_image_store_undo_delete (fixture->store, records[1]);
  g_assert_cmpuint (n_records (fixture), ==, 3);
  g_assert_true (record_at (fixture, 1) == records[1]);

  /* A thumbnail the UI made goes with the picture. */
  g_assert_cmpint (g_mkdir_with_parents (fixture->thumbnails_dir, 0700), ==, 0);
  g_file_set_contents (cfai_image_record_get_thumbnail_path (records[1]), "thumb", 5, &error);
  g_assert_no_error (error);

  cfai_image_store_delete (fixture->store, records[1]);
  {
    g_autoptr(GAsyncResult) result = NULL;

    cfai_image_store_commit_delete_async (fixture->store, records[1], NULL, cfai_test_got_result, &result);
    g_assert_true (cfai_image_store_commit_delete_finish (fixture->store, cfai_test_wait_for (&result), &error));
    g_assert_no_error (error);
  }
  g_assert_false (g_file_test (middle_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (cfai_image_record_get_thumbnail_path (records[1]), G_FILE_TEST_EXISTS));
  g_assert_cmpint (count_rows (fixture, "images"), ==, 2);
  /* Still used by the newest picture. */
  g_assert_true (g_file_test (reference_path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (count_rows (fixture, "image_references"), ==, 1);

  /* Undo after the commit does nothing. */
  cfai_image_store_undo_delete (fixture->store, records[1]);
  g_assert_cmpuint (n_records (fixture), ==, 2);

  /* A delete still waiting when the app quits is done then. */
  cfai_image_store_delete (fixture->store, records[2]);
  for (guint i = 0; i < 3; i++)
    g_object_unref (records[i]);
  reopen (fixture);
  g_assert_cmpuint (n_records (fixture), ==, 1);
  g_assert_cmpstr (cfai_image_record_get_prompt (record_at (fixture, 0)), ==, "Picture number 0 of a red bicycle");
  g_assert_false (g_file_test (reference_path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (count_rows (fixture, "image_references"), ==, 0);
  g_assert_cmpuint (count_files (fixture->images_dir), ==, 1);
}

/* A row that cannot be deleted keeps its picture, listed again. */
static void
test_delete_fails (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(CfaiImageRequest) request = make_request (SDXL, "A harbour at night");
  g_autoptr(GBytes) image = make_picture (20, 20, FALSE, 40);
  g_autoptr(CfaiImageRecord) record = add_ok (fixture, request, image);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  cfai_image_store_delete (fixture->store, record);
  g_assert_cmpuint (n_records (fixture), ==, 0);
  g_assert_true (cfai_chat_store_exec_for_testing (fixture->chats, "PRAGMA query_only = 1;", NULL));
  cfai_image_store_commit_delete_async (fixture->store, record, NULL, cfai_test_got_result, &result);
  g_assert_false (cfai_image_store_commit_delete_finish (fixture->store, cfai_test_wait_for (&result), &error));
  g_assert_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_READ_ONLY);
  g_assert_cmpuint (n_records (fixture), ==, 1);
  g_assert_true (g_file_test (cfai_image_record_get_path (record), G_FILE_TEST_EXISTS));
  g_assert_true (cfai_chat_store_exec_for_testing (fixture->chats, "PRAGMA query_only = 0;", NULL));
}

static guint
count_matches (Fixture    *fixture,
               const char *search,
               const char *model)
{
  guint n = 0;

  for (guint i = 0; i < n_records (fixture); i++)
    n += cfai_image_record_matches (record_at (fixture, i), search, model);

  return n;
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  static const struct {
    const char *model;
    const char *prompt;
  } pictures[] = {
    { SDXL, "A Red bicycle leaning on a brick wall" },
    { PHOENIX, "A bowl of ripe cherries, soft window light" },
    { SDXL, "Cherry blossoms over a RED bridge, Kyōto" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pictures); i++)
    {
      g_autoptr(CfaiImageRequest) request = make_request (pictures[i].model, pictures[i].prompt);
      g_autoptr(GBytes) image = make_picture (8, 8, FALSE, 50 + i);
      g_autoptr(CfaiImageRecord) record = add_ok (fixture, request, image);
    }

#define COUNT(search, model) count_matches (fixture, search, model)
  g_assert_cmpuint (COUNT (NULL, NULL), ==, 3);
  g_assert_cmpuint (COUNT ("  ", ""), ==, 3);
  g_assert_cmpuint (COUNT ("red", NULL), ==, 2);
  /* Every word, any order, any case, accents folded as typed. */
  g_assert_cmpuint (COUNT ("BRIDGE red", NULL), ==, 1);
  g_assert_cmpuint (COUNT ("kyōto", NULL), ==, 1);
  g_assert_cmpuint (COUNT ("cherr", NULL), ==, 2);
  g_assert_cmpuint (COUNT ("cherr", PHOENIX), ==, 1);
  g_assert_cmpuint (COUNT (NULL, SDXL), ==, 2);
  g_assert_cmpuint (COUNT ("bicycle", PHOENIX), ==, 0);
  g_assert_cmpuint (COUNT ("zebra", NULL), ==, 0);
#undef COUNT
}

static void
test_reuse_settings (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(CfaiImageRequest) request = make_request (SDXL, "The same street at night");
  g_autoptr(GBytes) image = make_picture (8, 8, FALSE, 60);
  g_autoptr(GBytes) reference = make_picture (8, 8, FALSE, 61);
  g_autoptr(CfaiImageRecord) record = NULL;
  g_autoptr(CfaiImageRequest) again = NULL;

  cfai_image_request_set_width (request, 1024);
  cfai_image_request_set_height (request, 768);
  cfai_image_request_set_strength (request, 0.35);
  cfai_image_request_add_reference_image (request, reference, NULL);
  record = add_ok (fixture, request, image);

  again = cfai_image_record_dup_request (record);
  g_assert_nonnull (again);
  g_assert_cmpstr (cfai_image_request_get_model (again), ==, SDXL);
  g_assert_cmpstr (cfai_image_request_get_prompt (again), ==, "The same street at night");
  g_assert_cmpuint (cfai_image_request_get_steps (again), ==, 12);
  g_assert_cmpuint (cfai_image_request_get_width (again), ==, 1024);
  g_assert_cmpuint (cfai_image_request_get_height (again), ==, 768);
  g_assert_cmpint (cfai_image_request_get_seed (again), ==, 42);
  g_assert_cmpfloat (cfai_image_request_get_guidance (again), ==, 6.5);
  g_assert_cmpfloat (cfai_image_request_get_strength (again), ==, 0.35);
  g_assert_cmpfloat (cfai_image_request_get_guidance (again), ==, 6.5);
  g_assert_null (cfai_image_request_get_negative_prompt (again));
  /* References are files the UI reads back. */
  g_assert_cmpuint (cfai_image_request_get_n_reference_images (again), ==, 0);
  {
    g_autoptr(GBytes) saved = read_bytes (cfai_image_record_get_reference_paths (record)[0]);

    g_assert_true (g_bytes_equal (saved, reference));
  }
}

/* Pages: the first few dozen come before the rest, all in order. */
static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               GArray     *sizes)
{
  g_array_append_val (sizes, added);
}

static void
test_pages (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  guint total = 0;

  /* 700 rows, two of them at the same microsecond: ids break the tie. */
  g_assert_true (cfai_chat_store_exec_for_testing (fixture->chats,
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 700)"
    "INSERT INTO images (prompt, model, params, seed, width, height, mime_type, file_name, created_at)"
    "  SELECT 'picture ' || i, '" SDXL "', '{}', i, 64, 64, 'image/png', 'p' || i || '.png',"
    "         CASE WHEN i = 700 THEN 699 ELSE i END FROM n;", &error));
  g_assert_no_error (error);

  close_stores (fixture);
  fixture->chats = cfai_chat_store_new (fixture->db_path);
  fixture->store = cfai_image_store_new_full (fixture->chats, fixture->images_dir, fixture->thumbnails_dir);
  g_signal_connect (cfai_image_store_get_images (fixture->store), "items-changed",
                    G_CALLBACK (count_changes), sizes);
  {
    g_autoptr(GAsyncResult) result = NULL;

    cfai_image_store_load_async (fixture->store, NULL, cfai_test_got_result, &result);
    g_assert_true (cfai_image_store_load_finish (fixture->store, cfai_test_wait_for (&result), &error));
    g_assert_no_error (error);
  }
  g_signal_handlers_disconnect_by_data (cfai_image_store_get_images (fixture->store), sizes);

  g_assert_cmpuint (sizes->len, >=, 2);
  g_assert_cmpuint (g_array_index (sizes, guint, 0), <=, 100);
  for (guint i = 0; i < sizes->len; i++)
    total += g_array_index (sizes, guint, i);
  g_assert_cmpuint (total, ==, 700);
  g_assert_cmpuint (n_records (fixture), ==, 700);
  for (guint i = 0; i < 700; i++)
    {
      /* 700 and 699 share a time: the larger id first. */
      guint expected = 700 - i;
      g_autofree char *prompt = g_strdup_printf ("picture %u", expected);

      g_assert_cmpstr (cfai_image_record_get_prompt (record_at (fixture, i)), ==, prompt);
    }
}

/* Version 2 files (chats only) get the gallery and keep their chats. */
static void
test_migration (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cfai-image-migration-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "history.sqlite", NULL);
  g_autoptr(CfaiDatabase) db = NULL;

  g_assert_no_error (error);
  db = cfai_database_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfai_database_get_schema_version (db), ==, 3);
  /* Back to what version 2 was, with a chat in it. */
  g_assert_true (cfai_database_exec (db,
                                     "DROP TABLE image_references; DROP TABLE images;"
                                     "INSERT INTO conversations (id, model, session_key, created_at, updated_at)"
                                     "  VALUES (7, 'm', 'k', 1, 1);"
                                     "PRAGMA user_version = 2;", &error));
  g_assert_no_error (error);
  g_clear_object (&db);

  db = cfai_database_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfai_database_get_schema_version (db), ==, 3);
  g_assert_true (cfai_database_exec (db,
                                     "INSERT INTO images (prompt, model, params, width, height, mime_type,"
                                     "                    file_name, created_at)"
                                     "  VALUES ('p', 'm', '{}', 1, 1, 'image/png', 'a.png', 1);"
                                     "INSERT INTO image_references VALUES (last_insert_rowid (), 0, 'r.png', 'image/png');",
                                     &error));
  g_assert_no_error (error);
  /* The checks hold: no picture without a size, no settings that are not JSON. */
  g_assert_false (cfai_database_exec (db,
                                      "INSERT INTO images (prompt, model, params, width, height, mime_type,"
                                      "                    file_name, created_at)"
                                      "  VALUES ('p', 'm', 'not json', 1, 1, 'image/png', 'b.png', 1);", NULL));
  g_assert_false (cfai_database_exec (db,
                                      "INSERT INTO images (prompt, model, params, width, height, mime_type,"
                                      "                    file_name, created_at)"
                                      "  VALUES ('p', 'm', '{}', 0, 1, 'image/png', 'c.png', 1);", NULL));
  /* Deleting a picture takes its references' rows with it. */
  g_assert_true (cfai_database_exec (db, "DELETE FROM images;", &error));
  g_assert_no_error (error);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (cfai_database_get_handle (db),
                                         "SELECT (SELECT count(*) FROM image_references),"
                                         "       (SELECT count(*) FROM conversations WHERE id = 7);",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
    g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 1);
    sqlite3_finalize (stmt);
  }
  g_clear_object (&db);
  cfai_test_remove_tree (dir);
}

/* Errors: each says what to do, and leaves nothing half saved. */
static void
assert_nothing_saved (Fixture *fixture,
                      guint    n_listed,
                      guint    n_files)
{
  g_assert_cmpuint (n_records (fixture), ==, n_listed);
  g_assert_cmpint (count_rows (fixture, "images"), ==, n_listed);
  g_assert_cmpuint (count_files (fixture->images_dir), ==, n_files);
}

static void
test_not_an_image (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(CfaiImageRequest) request = make_request (SDXL, "A harbour");
  g_autoptr(GBytes) garbage = g_bytes_new_static ("<html>oops</html>", 17);
  g_autoptr(GError) error = NULL;

  g_assert_null (add (fixture, request, garbage, &error));
  g_assert_error (error, CFAI_IMAGE_STORE_ERROR, CFAI_IMAGE_STORE_ERROR_NOT_AN_IMAGE);
  assert_nothing_saved (fixture, 0, 0);
}

static void
test_folder_errors (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(CfaiImageRequest) request = make_request (SDXL, "A harbour");
  g_autoptr(GBytes) image = make_picture (16, 16, FALSE, 70);
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = g_path_get_dirname (fixture->images_dir);

  /* A file where the folder should be. */
  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_file_set_contents (fixture->images_dir, "in the way", -1, &error);
  g_assert_no_error (error);
  g_assert_null (add (fixture, request, image, &error));
  g_assert_error (error, CFAI_IMAGE_STORE_ERROR, CFAI_IMAGE_STORE_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, fixture->images_dir));
  g_assert_cmpuint (n_records (fixture), ==, 0);
  g_assert_cmpint (count_rows (fixture, "images"), ==, 0);
  g_clear_error (&error);
  g_unlink (fixture->images_dir);

  /* A folder we may not write (root may write anything). */
  if (geteuid () != 0)
    {
      g_assert_cmpint (g_mkdir_with_parents (fixture->images_dir, 0700), ==, 0);
      g_assert_cmpint (g_chmod (fixture->images_dir, 0500), ==, 0);
      g_assert_null (add (fixture, request, image, &error));
      g_assert_error (error, CFAI_IMAGE_STORE_ERROR, CFAI_IMAGE_STORE_ERROR_READ_ONLY);
      g_assert_cmpint (count_rows (fixture, "images"), ==, 0);
      g_clear_error (&error);
      g_assert_cmpint (g_chmod (fixture->images_dir, 0700), ==, 0);
    }

  /* Once the folder is right, the same picture saves. */
  {
    g_autoptr(CfaiImageRecord) record = add_ok (fixture, request, image);

    assert_nothing_saved (fixture, 1, 1);
  }
}

/* No room: a file-size limit fails the write as a full disk does, with
 * no half file left behind. */
static void
test_disk_full (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CfaiImageRequest) request = make_request (SDXL, "A harbour");
  g_autoptr(GBytes) small = make_picture (8, 8, FALSE, 80);
  g_autoptr(GBytes) large = make_picture (200, 200, FALSE, 81);
  g_autoptr(CfaiImageRecord) first = add_ok (fixture, request, small);
  g_autoptr(GError) error = NULL;
  struct rlimit saved;
  struct rlimit limited;

  g_assert_cmpuint (g_bytes_get_size (large), >, 64 * 1024);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limited = saved;
  limited.rlim_cur = 32 * 1024;
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limited), ==, 0);

  g_assert_null (add (fixture, request, large, &error));

  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, SIG_DFL);
  g_assert_error (error, CFAI_IMAGE_STORE_ERROR, CFAI_IMAGE_STORE_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "Free some space"));
  assert_nothing_saved (fixture, 1, 1);

  /* With room again, it saves. */
  {
    g_autoptr(CfaiImageRecord) record = add_ok (fixture, request, large);

    assert_nothing_saved (fixture, 2, 2);
  }
}

/* The row fails: the file written for it goes again. */
static void
test_database_error (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(CfaiImageRequest) request = make_request (SDXL, "A harbour");
  g_autoptr(GBytes) image = make_picture (8, 8, FALSE, 90);
  g_autoptr(GBytes) reference = make_picture (8, 8, FALSE, 91);
  g_autoptr(GError) error = NULL;

  cfai_image_request_add_reference_image (request, reference, NULL);
  g_assert_true (cfai_chat_store_exec_for_testing (fixture->chats, "PRAGMA query_only = 1;", NULL));
  g_assert_null (add (fixture, request, image, &error));
  g_assert_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_READ_ONLY);
  g_assert_true (cfai_chat_store_exec_for_testing (fixture->chats, "PRAGMA query_only = 0;", NULL));
  assert_nothing_saved (fixture, 0, 0);
}

/* A file from a newer CfAI: the gallery says so and writes nothing. */
static void
test_database_too_new (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d;", cfai_database_get_latest_version () + 1);

  g_assert_true (cfai_chat_store_exec_for_testing (fixture->chats, bump, NULL));
  close_stores (fixture);

  fixture->chats = cfai_chat_store_new (fixture->db_path);
  fixture->store = cfai_image_store_new_full (fixture->chats, fixture->images_dir, fixture->thumbnails_dir);
  cfai_image_store_load_async (fixture->store, NULL, cfai_test_got_result, &result);
  g_assert_false (cfai_image_store_load_finish (fixture->store, cfai_test_wait_for (&result), &error));
  g_assert_error (error, CFAI_DATABASE_ERROR, CFAI_DATABASE_ERROR_TOO_NEW);
  g_assert_true (cfai_image_store_get_loaded (fixture->store));
}

/* From the studio to the gallery: a run against the fake server, saved
 * with the request as sent, keeps the seed the run picked. */
static void
test_run_to_gallery (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *base = cfai_test_server_api_base (server, NULL);
  g_autoptr(CfaiClient) client = cfai_client_new ();
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new (FLUX2);
  g_autoptr(GBytes) reference = make_picture (64, 48, FALSE, 100);
  g_autoptr(CfaiImageRun) run = NULL;
  g_autoptr(CfaiImageRecord) record = NULL;
  g_autoptr(CfaiImageRequest) again = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) texts = NULL;
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *seed = NULL;
  CfaiImageRequest *sent;

  cfai_credentials_set_api_base_url (cfai_client_get_credentials (client), base);
  cfai_credentials_set_account_id (cfai_client_get_credentials (client), "test-account");
  cfai_credentials_set_api_token (cfai_client_get_credentials (client), "test-token");

  cfai_image_request_set_prompt (request, "The dog of the picture on a beach at sunset");
  cfai_image_request_add_reference_image (request, reference, NULL);
  run = cfai_image_run_new (client, request, NULL);
  g_assert_null (cfai_image_run_get_sent_request (run));
  cfai_run_execute_async (CFAI_RUN (run), NULL, cfai_test_got_result, &result);
  g_assert_true (cfai_run_execute_finish (CFAI_RUN (run), cfai_test_wait_for (&result), &error));
  g_assert_no_error (error);

  sent = cfai_image_run_get_sent_request (run);
  g_assert_nonnull (sent);
  g_assert_true (sent != request);
  g_assert_cmpint (cfai_image_request_get_seed (sent), ==, cfai_image_run_get_seed (run));
  g_assert_cmpint (cfai_image_request_get_seed (sent), >=, 0);
  g_assert_cmpint (cfai_image_request_get_seed (request), ==, -1);

  record = add_ok (fixture, sent, cfai_image_run_get_image (run));
  g_assert_cmpint (cfai_image_record_get_seed (record), ==, cfai_image_run_get_seed (run));
  g_assert_cmpuint (g_strv_length ((char **) cfai_image_record_get_reference_paths (record)), ==, 1);

  saved = read_bytes (cfai_image_record_get_path (record));
  texts = cfai_image_metadata_read (saved, &error);
  g_assert_no_error (error);
  seed = g_strdup_printf ("%" G_GINT64_FORMAT, cfai_image_run_get_seed (run));
  g_assert_cmpstr (g_hash_table_lookup (texts, CFAI_IMAGE_TEXT_SEED), ==, seed);

  /* "Reuse settings" makes the same picture again. */
  again = cfai_image_record_dup_request (record);
  g_assert_cmpint (cfai_image_request_get_seed (again), ==, cfai_image_run_get_seed (run));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  cfai_test_isolate_home ("cfai-test-image-store");

#define ADD(name, func) \
  g_test_add ("/image-store/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("add-and-load", test_add_and_load);
  ADD ("metadata-in-file", test_metadata_in_file);
  ADD ("delete-undo-commit", test_delete_undo_commit);
  ADD ("delete-fails", test_delete_fails);
  ADD ("search", test_search);
  ADD ("reuse-settings", test_reuse_settings);
  ADD ("pages", test_pages);
  ADD ("not-an-image", test_not_an_image);
  ADD ("folder-errors", test_folder_errors);
  ADD ("disk-full", test_disk_full);
  ADD ("database-error", test_database_error);
  ADD ("database-too-new", test_database_too_new);
  ADD ("run-to-gallery", test_run_to_gallery);
  g_test_add_func ("/image-store/migration", test_migration);
  g_test_add_func ("/image-metadata/bytes", test_metadata_bytes);
  g_test_add_func ("/image-metadata/bad-crc", test_metadata_bad_crc);
#undef ADD

  server = cfai_test_server_start ();
  ret = g_test_run ();
  cfai_test_server_stop (server);
  return ret;
}
