/* test-gallery.c — the gallery, its viewer and the comparison in a real window
 *
 * Pictures are genuine small PNG and JPEG files kept by the application's
 * own image store; keys are real key presses through the X server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

#include "cfai-application.h"
#include "cfai-gallery.h"
#include "cfai-gallery-cell.h"
#include "cfai-image-compare.h"
#include "cfai-image-metadata.h"
#include "cfai-image-settings.h"
#include "cfai-image-studio.h"
#include "cfai-image-viewer.h"
#include "cfai-test-async.h"
#include "cfai-test-home.h"
#include "cfai-test-server.h"
#include "cfai-ui-test.h"
#include "cfai-window.h"
#include "fake-image.h"

#define WAIT_MS 15000

#define SCHNELL "@cf/black-forest-labs/flux-1-schnell"
#define SDXL    "@cf/stabilityai/stable-diffusion-xl-base-1.0"

static CfaiApplication *app;
static CfaiTestServer *server;

typedef struct
{
  CfaiApplication *app;
  CfaiWindow      *window;
  CfaiGallery     *gallery;
  gpointer         viewer;   /* weak: the viewer open_viewer() opened */
  gboolean         viewer_finalized;
} Fixture;

static CfaiImageStore *
store_of (CfaiApplication *application)
{
  return cfai_application_get_image_store (application);
}

static gboolean
image_store_loaded (gpointer data)
{
  return store_of (data) != NULL && cfai_image_store_get_loaded (store_of (data));
}

static gboolean
credentials_loaded (gpointer data)
{
  return !cfai_application_get_loading_credentials (CFAI_APPLICATION (data));
}

/* A genuine picture: soft bands of colour, different for each salt. */
static GBytes *
make_picture (guint    width,
              guint    height,
              gboolean jpeg,
              guint    salt)
{
  g_autofree guint8 *rgb = g_malloc ((gsize) width * height * 3);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 *px = rgb + ((gsize) y * width + x) * 3;

        px[0] = (x * 255 / width + salt * 53) & 0xff;
        px[1] = (y * 255 / height + salt * 97) & 0xff;
        px[2] = ((x + y) * 128 / (width + height) + salt * 31) & 0xff;
      }

  return jpeg ? fake_image_encode_jpeg (rgb, width, height) : fake_image_encode_png (rgb, width, height);
}

static CfaiImageRecord *
add_image (CfaiApplication *application,
           const char      *model,
           const char      *prompt,
           gboolean         jpeg,
           guint            salt)
{
  g_autoptr(CfaiImageRequest) request = cfai_image_request_new (model);
  g_autoptr(GBytes) picture = make_picture (96, 64, jpeg, salt);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CfaiImageRecord *record;

  cfai_image_request_set_prompt (request, prompt);
  cfai_image_request_set_steps (request, 4);
  cfai_image_request_set_seed (request, 1000 + salt);
  cfai_image_store_add_async (store_of (application), request, picture, 0.0011, NULL,
                              cfai_test_got_result, &result);
  record = cfai_image_store_add_finish (store_of (application), cfai_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

/* Every test starts with an empty gallery. */
static void
remove_all_images (void)
{
  GListModel *images = cfai_image_store_get_images (store_of (app));

  while (g_list_model_get_n_items (images) > 0)
    {
      g_autoptr(CfaiImageRecord) record = g_list_model_get_item (images, 0);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      cfai_image_store_delete (store_of (app), record);
      cfai_image_store_commit_delete_async (store_of (app), record, NULL, cfai_test_got_result, &result);
      g_assert_true (cfai_image_store_commit_delete_finish (store_of (app), cfai_test_wait_for (&result), &error));
      g_assert_no_error (error);
    }
}

static gpointer
window_child (CfaiWindow *window,
              const char *name)
{
  gpointer widget = gtk_widget_get_template_child (GTK_WIDGET (window), CFAI_TYPE_WINDOW, name);

  g_assert_nonnull (widget);
  return widget;
}

static CfaiWindow *
open_window (CfaiApplication *application)
{
  CfaiWindow *window = cfai_window_new (application);

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, window, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (image_store_loaded, application, WAIT_MS));
  return window;
}

static gboolean
stack_settled (gpointer data)
{
  return !gtk_stack_get_transition_running (data);
}

/* Images, then Gallery in the sidebar, as a click on the row does it. */
static CfaiGallery *
open_gallery (CfaiWindow *window)
{
  GtkWidget *visible;

  adw_view_stack_set_visible_child_name (window_child (window, "section_stack"), "images");
  gtk_widget_activate (window_child (window, "gallery_row"));
  visible = gtk_stack_get_visible_child (window_child (window, "content_stack"));
  g_assert_true (CFAI_IS_GALLERY (visible));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, visible, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (stack_settled, window_child (window, "content_stack"), WAIT_MS));
  return CFAI_GALLERY (visible);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_settings_set_string (cfai_application_get_settings (app), "account-id", "test-account");
  cfai_application_use_token (app, "test-token");
  remove_all_images ();
  fixture->app = app;
}

static void assert_viewer_finalized (Fixture *fixture);

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gpointer window = fixture->window;

  if (window != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (window), &window);
      cfai_ui_test_close_windows (GTK_APPLICATION (app));
      g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_pointer_is_cleared, &window, WAIT_MS));
    }
  /* A viewer left open goes with its window. */
  if (fixture->viewer != NULL)
    assert_viewer_finalized (fixture);
}

static void
collect_cells (GtkWidget *widget,
               GPtrArray *cells)
{
  if (CFAI_IS_GALLERY_CELL (widget) && gtk_widget_get_mapped (widget) &&
      cfai_gallery_cell_get_record (CFAI_GALLERY_CELL (widget)) != NULL)
    g_ptr_array_add (cells, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_cells (child, cells);
}

/* Cells on screen that show their thumbnail. */
static guint
n_thumbnails_shown (CfaiGallery *gallery)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  guint n = 0;

  collect_cells (GTK_WIDGET (cfai_gallery_get_grid_view (gallery)), cells);
  for (guint i = 0; i < cells->len; i++)
    n += cfai_gallery_cell_get_has_thumbnail (cells->pdata[i]);
  return n;
}

typedef struct
{
  CfaiGallery *gallery;
  guint        n;
} Count;

static gboolean
thumbnails_shown (gpointer data)
{
  Count *count = data;

  return n_thumbnails_shown (count->gallery) == count->n;
}

static gboolean
shown_count_is (gpointer data)
{
  Count *count = data;

  return g_list_model_get_n_items (cfai_gallery_get_shown (count->gallery)) == count->n;
}

static const char *
shown_prompt (CfaiGallery *gallery,
              guint        position)
{
  g_autoptr(CfaiImageRecord) record = g_list_model_get_item (cfai_gallery_get_shown (gallery), position);

  g_assert_nonnull (record);
  return cfai_image_record_get_prompt (record);  /* the store keeps it */
}

static GtkStack *
gallery_stack (CfaiGallery *gallery)
{
  return GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (gallery), CFAI_TYPE_GALLERY, "stack"));
}

static void
test_persistence (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char *prompts[] = { "a fox in the snow", "a lighthouse at dusk", "a bowl of ramen, top view" };
  g_autoptr(GError) error = NULL;

  fixture->window = open_window (app);
  fixture->gallery = open_gallery (fixture->window);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (gallery_stack (fixture->gallery)), ==, "empty");

  for (guint i = 0; i < G_N_ELEMENTS (prompts); i++)
    g_object_unref (add_image (app, i == 1 ? SDXL : SCHNELL, prompts[i], i == 2, i));

  /* Newest first, each with its thumbnail. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (gallery_stack (fixture->gallery)), ==, "grid");
  g_assert_true (cfai_ui_test_wait_until (thumbnails_shown, &(Count) { fixture->gallery, 3 }, WAIT_MS));
  g_assert_cmpstr (shown_prompt (fixture->gallery, 0), ==, prompts[2]);
  g_assert_cmpstr (shown_prompt (fixture->gallery, 2), ==, prompts[0]);
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-gallery-new.png");

  /* A second application on the same data folder shows them, in order. */
  {
    /* Its own id: two applications of one id cannot share the test's
     * bus connection.  Everything else is as at a restart: new stores
     * that read the database and the files from the disk. */
    g_autoptr(CfaiApplication) second = g_object_new (CFAI_TYPE_APPLICATION,
                                                      "application-id", APPLICATION_ID ".Restarted",
                                                      "resource-base-path", RESOURCE_PATH,
                                                      NULL);
    CfaiWindow *window;
    CfaiGallery *gallery;
    gpointer weak;

    g_application_set_flags (G_APPLICATION (second), G_APPLICATION_NON_UNIQUE);
    g_assert_true (g_application_register (G_APPLICATION (second), NULL, &error));
    g_assert_no_error (error);
    g_assert_true (cfai_ui_test_wait_until (credentials_loaded, second, WAIT_MS));
    cfai_application_use_token (second, "test-token");
    window = open_window (second);
    gallery = open_gallery (window);
    g_assert_true (cfai_ui_test_wait_until (shown_count_is, &(Count) { gallery, 3 }, WAIT_MS));
    for (guint i = 0; i < G_N_ELEMENTS (prompts); i++)
      g_assert_cmpstr (shown_prompt (gallery, i), ==, prompts[G_N_ELEMENTS (prompts) - 1 - i]);
    g_assert_true (cfai_ui_test_wait_until (thumbnails_shown, &(Count) { gallery, 3 }, WAIT_MS));

    weak = window;
    g_object_add_weak_pointer (G_OBJECT (window), &weak);
    cfai_ui_test_close_windows (GTK_APPLICATION (second));
    g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_pointer_is_cleared, &weak, WAIT_MS));
  }
}

static void
test_search_and_filter (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkEditable *search;
  GtkDropDown *models;
  GtkStringList *names;

  g_object_unref (add_image (app, SCHNELL, "a red fox in the snow", FALSE, 1));
  g_object_unref (add_image (app, SDXL, "an arctic fox, studio light", FALSE, 2));
  g_object_unref (add_image (app, SCHNELL, "a lighthouse at dusk", FALSE, 3));

  fixture->window = open_window (app);
  fixture->gallery = open_gallery (fixture->window);
  search = cfai_gallery_get_search_entry (fixture->gallery);
  models = cfai_gallery_get_model_filter (fixture->gallery);
  g_assert_true (cfai_ui_test_wait_until (shown_count_is, &(Count) { fixture->gallery, 3 }, WAIT_MS));

  /* Words typed in the search, in any case. */
  cfai_ui_test_type_keys_in (GTK_WIDGET (search), "FOX");
  g_assert_true (cfai_ui_test_wait_until (shown_count_is, &(Count) { fixture->gallery, 2 }, WAIT_MS));
  g_assert_cmpstr (shown_prompt (fixture->gallery, 0), ==, "an arctic fox, studio light");

  /* The model filter lists the models there are pictures of. */
  names = GTK_STRING_LIST (gtk_drop_down_get_model (models));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (names)), ==, 3);
  for (guint i = 1; i < 3; i++)
    if (g_str_equal (gtk_string_list_get_string (names, i), SCHNELL))
      gtk_drop_down_set_selected (models, i);
  g_assert_true (cfai_ui_test_wait_until (shown_count_is, &(Count) { fixture->gallery, 1 }, WAIT_MS));
  g_assert_cmpstr (shown_prompt (fixture->gallery, 0), ==, "a red fox in the snow");

  /* A new picture that matches appears at once; one that does not, not. */
  g_object_unref (add_image (app, SCHNELL, "a fox cub asleep", FALSE, 4));
  g_object_unref (add_image (app, SDXL, "a fox on a bridge", FALSE, 5));
  g_assert_true (cfai_ui_test_wait_until (shown_count_is, &(Count) { fixture->gallery, 2 }, WAIT_MS));
  g_assert_cmpstr (shown_prompt (fixture->gallery, 0), ==, "a fox cub asleep");

  /* Nothing matches: the gallery says so. */
  cfai_ui_test_type_keys_in (GTK_WIDGET (search), " zebra");
  g_assert_true (cfai_ui_test_wait_until (shown_count_is, &(Count) { fixture->gallery, 0 }, WAIT_MS));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (gallery_stack (fixture->gallery)), ==, "no-match");

  /* All models and no words: everything again. */
  gtk_drop_down_set_selected (models, 0);
  for (guint i = 0; i < strlen ("FOX zebra"); i++)
    cfai_ui_test_press_key_in (GTK_WIDGET (search), GDK_KEY_BackSpace);
  g_assert_true (cfai_ui_test_wait_until (shown_count_is, &(Count) { fixture->gallery, 5 }, WAIT_MS));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (gallery_stack (fixture->gallery)), ==, "grid");
}

static gboolean
viewer_is_open (gpointer data)
{
  GtkWidget *viewer = cfai_gallery_get_viewer (data);

  return viewer != NULL && gtk_widget_get_mapped (viewer) &&
         cfai_image_viewer_get_texture (CFAI_IMAGE_VIEWER (viewer)) != NULL;
}

static gboolean
focus_in_viewer (gpointer data)
{
  GtkWidget *viewer = cfai_gallery_get_viewer (data);
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (data));

  return viewer != NULL && focus != NULL && gtk_widget_is_ancestor (focus, viewer);
}

static GtkWidget *
find_menu_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_menu_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
set_true (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

/* The first picture, focused in the grid, opened with Enter. */
static CfaiImageViewer *
open_viewer (Fixture *fixture)
{
  GtkGridView *grid = cfai_gallery_get_grid_view (fixture->gallery);

  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, grid, WAIT_MS));
  gtk_widget_grab_focus (GTK_WIDGET (grid));
  gtk_grid_view_scroll_to (grid, 0, GTK_LIST_SCROLL_FOCUS, NULL);
  cfai_ui_test_press_key (GTK_WIDGET (fixture->window), GDK_KEY_Return, 0);
  if (!cfai_ui_test_wait_until (viewer_is_open, fixture->gallery, WAIT_MS))
    g_error ("viewer %p focus %s", cfai_gallery_get_viewer (fixture->gallery),
             G_OBJECT_TYPE_NAME (gtk_root_get_focus (GTK_ROOT (fixture->window))));
  g_assert_true (cfai_ui_test_wait_until (focus_in_viewer, fixture->gallery, WAIT_MS));
  g_assert_null (fixture->viewer);
  fixture->viewer = cfai_gallery_get_viewer (fixture->gallery);
  g_object_add_weak_pointer (G_OBJECT (fixture->viewer), &fixture->viewer);
  /* Data goes at finalize; a weak pointer is cleared at dispose, which a
   * widget can go through while something still holds it. */
  fixture->viewer_finalized = FALSE;
  g_object_set_data_full (G_OBJECT (fixture->viewer), "test-finalized", &fixture->viewer_finalized, set_true);
  return CFAI_IMAGE_VIEWER (fixture->viewer);
}

/* A closed viewer is gone, not kept alive by a reference it left behind
 * (a handler, a controller, a pending callback). */
static void
assert_viewer_finalized (Fixture *fixture)
{
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_pointer_is_cleared, &fixture->viewer, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (flag_is_set, &fixture->viewer_finalized, WAIT_MS));
}

static gboolean
texture_loaded (gpointer data)
{
  return cfai_image_viewer_get_texture (data) != NULL;
}

static void
got_texture (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GdkTexture **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
pointer_is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static void
save_as (CfaiImageViewer *viewer,
         GFile           *file)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  cfai_image_viewer_save_to_async (viewer, file, NULL, cfai_test_got_result, &result);
  g_assert_true (cfai_image_viewer_save_to_finish (viewer, cfai_test_wait_for (&result), &error));
  g_assert_no_error (error);
}

static char *
text_in_file (GFile      *file,
              const char *key)
{
  g_autoptr(GBytes) bytes = g_file_load_bytes (file, NULL, NULL, NULL);
  g_autoptr(GHashTable) texts = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (bytes);
  texts = cfai_image_metadata_read (bytes, &error);
  g_assert_no_error (error);
  return g_strdup (g_hash_table_lookup (texts, key));
}

static gboolean
no_dialog (gpointer data)
{
  return adw_application_window_get_visible_dialog (data) == NULL;
}

static gboolean
label_shown (gpointer data)
{
  gpointer *args = data;

  return cfai_ui_test_find_label (args[0], args[1]) != NULL;
}

static void
test_viewer (Fixture       *fixture,
             gconstpointer  data)
{
  static const char *prompts[] = { "oldest: a paper boat", "middle: a glass teapot", "newest: a neon street" };
  g_autoptr(GFile) dir = g_file_new_for_path (g_get_user_cache_dir ());
  CfaiImageViewer *viewer;
  GdkTexture *copied = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (prompts); i++)
    g_object_unref (add_image (app, SCHNELL, prompts[i], i == 1, 10 + i));

  fixture->window = open_window (app);
  fixture->gallery = open_gallery (fixture->window);
  viewer = open_viewer (fixture);
  g_assert_cmpstr (cfai_image_record_get_prompt (cfai_image_viewer_get_record (viewer)), ==, prompts[2]);
  g_assert_true (cfai_ui_test_wait_until (label_shown, (gpointer[]) { viewer, (gpointer) prompts[2] }, WAIT_MS));
  g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (viewer), "1012"));   /* the seed */
  g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (viewer), "96 × 64"));
  g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (viewer), "Steps: 4"));
  g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (viewer), SCHNELL));
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-gallery-viewer.png");

  /* Right goes to older pictures, Left back; the ends stay put. */
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_Left, 0);
  g_assert_cmpuint (cfai_image_viewer_get_position (viewer), ==, 0);
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_Right, 0);
  g_assert_cmpstr (cfai_image_record_get_prompt (cfai_image_viewer_get_record (viewer)), ==, prompts[1]);
  g_assert_true (cfai_ui_test_wait_until (texture_loaded, viewer, WAIT_MS));
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_Right, 0);
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_Right, 0);
  g_assert_cmpstr (cfai_image_record_get_prompt (cfai_image_viewer_get_record (viewer)), ==, prompts[0]);
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_Left, 0);
  g_assert_cmpstr (cfai_image_record_get_prompt (cfai_image_viewer_get_record (viewer)), ==, prompts[1]);
  g_assert_true (cfai_ui_test_wait_until (texture_loaded, viewer, WAIT_MS));

  /* Zoom: Ctrl+1 is actual size, Ctrl+plus larger, Ctrl+0 fits again. */
  g_assert_cmpfloat (cfai_image_viewer_get_zoom (viewer), ==, 0);
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_1, GDK_CONTROL_MASK);
  g_assert_cmpfloat (cfai_image_viewer_get_zoom (viewer), ==, 1.0);
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_plus, GDK_CONTROL_MASK);
  g_assert_cmpfloat (cfai_image_viewer_get_zoom (viewer), >, 1.0);
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_minus, GDK_CONTROL_MASK);
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_minus, GDK_CONTROL_MASK);
  g_assert_cmpfloat (cfai_image_viewer_get_zoom (viewer), <, 1.0);
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_0, GDK_CONTROL_MASK);
  g_assert_cmpfloat (cfai_image_viewer_get_zoom (viewer), ==, 0);

  /* Ctrl+C puts the picture on the clipboard, as a texture. */
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_c, GDK_CONTROL_MASK);
  g_assert_true (gdk_content_formats_contain_gtype (gdk_clipboard_get_formats (gtk_widget_get_clipboard (GTK_WIDGET (viewer))),
                                                    GDK_TYPE_TEXTURE));
  gdk_clipboard_read_texture_async (gtk_widget_get_clipboard (GTK_WIDGET (viewer)), NULL, got_texture, &copied);
  g_assert_true (cfai_ui_test_wait_until (pointer_is_set, &copied, WAIT_MS));
  g_assert_cmpint (gdk_texture_get_width (copied), ==, 96);
  g_assert_cmpint (gdk_texture_get_height (copied), ==, 64);
  g_clear_object (&copied);

  /* Dragged out, it offers the file and the picture. */
  {
    GtkWidget *picture = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (viewer), CFAI_TYPE_IMAGE_VIEWER, "picture"));
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (picture);
    g_autoptr(GdkContentProvider) content = NULL;
    g_autoptr(GdkContentFormats) formats = NULL;
    GValue value = G_VALUE_INIT;
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (controllers) && content == NULL; i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_DRAG_SOURCE (controller))
          g_signal_emit_by_name (controller, "prepare", 10.0, 10.0, &content);
      }
    g_assert_nonnull (content);
    formats = gdk_content_provider_ref_formats (content);
    g_assert_true (gdk_content_formats_contain_gtype (formats, G_TYPE_FILE));
    g_assert_true (gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE));
    g_value_init (&value, G_TYPE_FILE);
    g_assert_true (gdk_content_provider_get_value (content, &value, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (g_file_peek_path (g_value_get_object (&value)), ==,
                     cfai_image_record_get_path (cfai_image_viewer_get_record (viewer)));
    g_value_unset (&value);
  }

  /* Save As, shown picture is a JPEG: as PNG it is converted and keeps
   * its settings in PNG text chunks (read back by GdkPixbuf), as JPEG it
   * is the same file. */
  {
    g_autoptr(GFile) png = g_file_get_child (dir, "saved.png");
    g_autoptr(GFile) jpeg = g_file_get_child (dir, "saved.jpg");
    g_autoptr(GdkPixbuf) pixbuf = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *prompt = NULL;
    g_autofree char *seed = NULL;
    g_autofree char *original = NULL;
    g_autofree char *copy = NULL;
    gsize original_length, copy_length;

    g_assert_cmpstr (cfai_image_record_get_mime_type (cfai_image_viewer_get_record (viewer)), ==, "image/jpeg");
    save_as (viewer, png);
    pixbuf = gdk_pixbuf_new_from_file (g_file_peek_path (png), &error);
    g_assert_no_error (error);
    g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 96);
    g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::" CFAI_IMAGE_TEXT_PROMPT), ==, prompts[1]);
    seed = text_in_file (png, CFAI_IMAGE_TEXT_SEED);
    g_assert_cmpstr (seed, ==, "1011");

    save_as (viewer, jpeg);
    g_file_get_contents (cfai_image_record_get_path (cfai_image_viewer_get_record (viewer)),
                         &original, &original_length, &error);
    g_assert_no_error (error);
    g_file_get_contents (g_file_peek_path (jpeg), &copy, &copy_length, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (original, original_length, copy, copy_length);
    prompt = text_in_file (jpeg, CFAI_IMAGE_TEXT_PROMPT);
    g_assert_cmpstr (prompt, ==, prompts[1]);
  }

  /* A PNG saved as JPEG keeps its settings in the JPEG comment. */
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_Right, 0);
  g_assert_true (cfai_ui_test_wait_until (texture_loaded, viewer, WAIT_MS));
  {
    g_autoptr(GFile) jpeg = g_file_get_child (dir, "converted.jpeg");
    g_autoptr(GdkPixbuf) pixbuf = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *prompt = NULL;

    g_assert_cmpstr (cfai_image_record_get_mime_type (cfai_image_viewer_get_record (viewer)), ==, "image/png");
    save_as (viewer, jpeg);
    pixbuf = gdk_pixbuf_new_from_file (g_file_peek_path (jpeg), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (gdk_pixbuf_format_get_name (gdk_pixbuf_get_file_info (g_file_peek_path (jpeg), NULL, NULL)), ==, "jpeg");
    prompt = text_in_file (jpeg, CFAI_IMAGE_TEXT_PROMPT);
    g_assert_cmpstr (prompt, ==, prompts[0]);
  }

  /* Its More menu shown and put away, and the picture before still
   * decoding: Escape closes it all the same, and nothing keeps it. */
  {
    GtkWidget *more = find_menu_button (GTK_WIDGET (viewer));
    GtkPopover *popover;

    g_assert_nonnull (more);
    gtk_menu_button_popup (GTK_MENU_BUTTON (more));
    popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (more));
    g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, popover, WAIT_MS));
    gtk_menu_button_popdown (GTK_MENU_BUTTON (more));
    g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_hidden, popover, WAIT_MS));
    adw_dialog_set_focus (ADW_DIALOG (viewer),
                          GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (viewer), CFAI_TYPE_IMAGE_VIEWER, "scroller")));
  }
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_Left, 0);
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_Escape, 0);
  g_assert_true (cfai_ui_test_wait_until (no_dialog, fixture->window, WAIT_MS));
  assert_viewer_finalized (fixture);
}

/* Left open when the window closes: the viewer goes with it. */
static void
test_viewer_closed_with_window (Fixture       *fixture,
                                gconstpointer  data)
{
  g_object_unref (add_image (app, SCHNELL, "a paper boat on a puddle", FALSE, 50));
  g_object_unref (add_image (app, SCHNELL, "a paper plane over roofs", TRUE, 51));

  fixture->window = open_window (app);
  fixture->gallery = open_gallery (fixture->window);
  open_viewer (fixture);
  /* Still decoding the next one when the window goes. */
  cfai_ui_test_press_key (GTK_WIDGET (fixture->viewer), GDK_KEY_Right, 0);
}

static gboolean
store_count_is (gpointer data)
{
  return g_list_model_get_n_items (cfai_image_store_get_images (store_of (app))) == GPOINTER_TO_UINT (data);
}

static gboolean
file_is_gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

static void
test_delete_undo (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(CfaiImageRecord) older = add_image (app, SCHNELL, "a kite over the dunes", FALSE, 20);
  g_autoptr(CfaiImageRecord) newer = add_image (app, SCHNELL, "a kettle on a stove", FALSE, 21);
  g_autofree char *path = g_strdup (cfai_image_record_get_path (newer));
  CfaiImageViewer *viewer;
  GtkWidget *undo;

  fixture->window = open_window (app);
  fixture->gallery = open_gallery (fixture->window);
  viewer = open_viewer (fixture);
  g_assert_true (cfai_image_viewer_get_record (viewer) == newer);

  /* Delete: gone from the gallery, the viewer shows the next one. */
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_Delete, 0);
  g_assert_true (store_count_is (GUINT_TO_POINTER (1)));
  g_assert_true (cfai_image_viewer_get_record (viewer) == older);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Undo brings it back where it was. */
  undo = cfai_ui_test_find_button (GTK_WIDGET (viewer), "Undo");
  g_assert_nonnull (undo);
  cfai_ui_test_click (undo);
  g_assert_true (cfai_ui_test_wait_until (store_count_is, GUINT_TO_POINTER (2), WAIT_MS));
  g_assert_cmpstr (shown_prompt (fixture->gallery, 0), ==, "a kettle on a stove");
  /* The click took the focus; the user clicks the picture to get it back. */
  adw_dialog_set_focus (ADW_DIALOG (viewer),
                        GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (viewer), CFAI_TYPE_IMAGE_VIEWER, "scroller")));

  /* Deleted again and left alone, the toast goes and the file with it. */
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_Left, 0);
  g_assert_true (cfai_image_viewer_get_record (viewer) == newer);
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_Delete, 0);
  g_assert_true (store_count_is (GUINT_TO_POINTER (1)));
  g_assert_true (cfai_ui_test_wait_until (file_is_gone, path, 30000));
  g_assert_true (g_file_test (cfai_image_record_get_path (older), G_FILE_TEST_EXISTS));

  /* The last one deleted closes the viewer. */
  cfai_ui_test_press_key (GTK_WIDGET (viewer), GDK_KEY_Delete, 0);
  g_assert_true (cfai_ui_test_wait_until (no_dialog, fixture->window, WAIT_MS));
  assert_viewer_finalized (fixture);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (gallery_stack (fixture->gallery)), ==, "empty");
}

static void
test_compare (Fixture       *fixture,
              gconstpointer  data)
{
  GtkSelectionModel *selection;
  GtkWidget *button;
  AdwDialog *dialog;

  g_object_unref (add_image (app, SCHNELL, "a cabin in the woods, seed one", FALSE, 30));
  g_object_unref (add_image (app, SDXL, "a cabin in the woods, seed two", FALSE, 31));
  g_object_unref (add_image (app, SCHNELL, "a cabin in the woods, seed three", TRUE, 32));

  fixture->window = open_window (app);
  fixture->gallery = open_gallery (fixture->window);
  selection = cfai_gallery_get_selection (fixture->gallery);
  button = cfai_ui_test_find_button (GTK_WIDGET (fixture->gallery), "Compare");
  g_assert_nonnull (button);

  /* One picture is nothing to compare. */
  gtk_selection_model_select_item (selection, 0, TRUE);
  g_assert_false (gtk_widget_is_sensitive (button));
  gtk_selection_model_select_item (selection, 2, FALSE);
  g_assert_true (gtk_widget_is_sensitive (button));

  cfai_ui_test_click (button);
  dialog = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (fixture->window));
  g_assert_true (CFAI_IS_IMAGE_COMPARE (dialog));
  g_assert_cmpuint (cfai_image_compare_get_n_shown (CFAI_IMAGE_COMPARE (dialog)), ==, 2);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, dialog, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (label_shown, (gpointer[]) { dialog, (gpointer) "a cabin in the woods, seed three" }, WAIT_MS));
  g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (dialog), "a cabin in the woods, seed one"));
  g_assert_null (cfai_ui_test_find_label (GTK_WIDGET (dialog), "a cabin in the woods, seed two"));
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-gallery-compare.png");
  adw_dialog_close (dialog);
}

static gboolean
studio_settings_ready (gpointer data)
{
  CfaiImageSettings *settings = data;
  CfaiImageModelRules *rules = cfai_image_settings_get_rules (settings);

  return rules != NULL && g_strcmp0 (cfai_image_model_rules_get_model_id (rules), SDXL) == 0 &&
         cfai_image_settings_get_seed_locked (settings);
}

/* Reuse Settings fills the studio with everything the picture was made
 * with, so Generate sends the same request; Vary Seed all but the seed. */
static void
test_reuse_settings (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(CfaiImageRequest) made = cfai_image_request_new (SDXL);
  g_autoptr(CfaiImageRequest) again = cfai_image_request_new (SDXL);
  g_autoptr(CfaiImageRequest) varied = cfai_image_request_new (SDXL);
  g_autoptr(GBytes) picture = make_picture (96, 64, FALSE, 40);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CfaiImageRecord) record = NULL;
  g_autofree char *prompt = NULL;
  CfaiImageViewer *viewer;
  CfaiImageStudio *studio;
  CfaiImageSettings *settings;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  cfai_image_request_set_prompt (made, "a glass greenhouse at dawn, mist, soft light");
  cfai_image_request_set_negative_prompt (made, "blurry, text");
  cfai_image_request_set_steps (made, 12);
  cfai_image_request_set_width (made, 768);
  cfai_image_request_set_height (made, 512);
  cfai_image_request_set_guidance (made, 5.5);
  cfai_image_request_set_seed (made, 424242);
  cfai_image_store_add_async (store_of (app), made, picture, 0.0011, NULL, cfai_test_got_result, &result);
  record = cfai_image_store_add_finish (store_of (app), cfai_test_wait_for (&result), &error);
  g_assert_no_error (error);

  fixture->window = open_window (app);
  fixture->gallery = open_gallery (fixture->window);
  viewer = open_viewer (fixture);
  g_assert_true (cfai_image_viewer_get_record (viewer) == record);
  /* As its menu item does. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.reuse-settings", NULL));
  g_assert_true (cfai_ui_test_wait_until (no_dialog, fixture->window, WAIT_MS));
  assert_viewer_finalized (fixture);

  studio = CFAI_IMAGE_STUDIO (gtk_stack_get_child_by_name (window_child (fixture->window, "content_stack"), "studio"));
  settings = CFAI_IMAGE_SETTINGS (gtk_widget_get_template_child (GTK_WIDGET (studio), CFAI_TYPE_IMAGE_STUDIO, "settings"));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, studio, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (studio_settings_ready, settings, WAIT_MS));
  g_assert_cmpstr (cfai_image_studio_get_model (studio), ==, SDXL);
  buffer = gtk_text_view_get_buffer (cfai_image_studio_get_prompt_view (studio));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  prompt = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (prompt, ==, "a glass greenhouse at dawn, mist, soft light");

  /* What Generate would send. */
  cfai_image_settings_fill_request (settings, again, 0);
  g_assert_cmpuint (cfai_image_request_get_steps (again), ==, 12);
  g_assert_cmpuint (cfai_image_request_get_width (again), ==, 768);
  g_assert_cmpuint (cfai_image_request_get_height (again), ==, 512);
  g_assert_cmpfloat_with_epsilon (cfai_image_request_get_guidance (again), 5.5, 1e-9);
  g_assert_cmpint (cfai_image_request_get_seed (again), ==, 424242);
  g_assert_cmpstr (cfai_image_request_get_negative_prompt (again), ==, "blurry, text");

  /* Vary Seed: the same settings, the seed left to the run. */
  cfai_image_studio_apply_request (studio, made, FALSE);
  g_assert_false (cfai_image_settings_get_seed_locked (settings));
  cfai_image_settings_fill_request (settings, varied, 0);
  g_assert_cmpint (cfai_image_request_get_seed (varied), ==, -1);
  g_assert_cmpuint (cfai_image_request_get_steps (varied), ==, 12);
  g_assert_cmpuint (cfai_image_request_get_width (varied), ==, 768);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  GTestDBus *bus;
  int ret;

  cfai_test_isolate_home ("cfai-test-gallery");
  g_unsetenv ("CLOUDFLARE_API_TOKEN");
  g_unsetenv ("CLOUDFLARE_ACCOUNT_ID");
  g_unsetenv ("CFAI_API_BASE_URL");
  g_test_init (&argc, &argv, NULL);
  cfai_ui_test_init ();

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_error ("UI tests need a display; run them through build-aux/test-session");

  bus = cfai_ui_test_private_bus_up ();
  server = cfai_test_server_start ();
  {
    g_autoptr(GSettings) settings = g_settings_new (BASE_APPLICATION_ID);
    g_autofree char *base = cfai_test_server_api_base (server, NULL);

    g_settings_set_string (settings, "api-base-url", base);
  }

  app = cfai_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cfai_ui_test_wait_until (credentials_loaded, app, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (image_store_loaded, app, WAIT_MS));

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/gallery/persistence", test_persistence);
  ADD ("/gallery/search-and-filter", test_search_and_filter);
  ADD ("/gallery/viewer", test_viewer);
  ADD ("/gallery/viewer-closed-with-window", test_viewer_closed_with_window);
  ADD ("/gallery/reuse-settings", test_reuse_settings);
  ADD ("/gallery/delete-undo", test_delete_undo);
  ADD ("/gallery/compare", test_compare);
#undef ADD

  ret = g_test_run ();

  cfai_ui_test_close_windows (GTK_APPLICATION (app));
  g_clear_object (&app);
  g_clear_pointer (&server, cfai_test_server_stop);
  g_test_dbus_stop (bus);
  return ret;
}
