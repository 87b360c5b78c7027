/* test-model-picker.c — the model picker, in a real window under Xvfb
 *
 * The catalog comes from the fake Workers AI server (Cloudflare's own
 * model files) through a real CfaiClient, or from a cache file, or from
 * the built-in list, exactly as in the app.
 *
 * Keys are real: they go through the X server (XTEST) to whatever has
 * the focus, so a lost focus or a wrong binding fails the test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "cfai-application.h"
#include "cfai-error.h"
#include "cfai-model-picker.h"
#include "cfai-model-row.h"
#include "cfai-test-server.h"
#include "cfai-test-home.h"
#include "cfai-ui-test.h"
#include "cfai-window.h"

#define LLAMA_70B  "@cf/meta/llama-3.3-70b-instruct-fp8-fast"
#define GPT_OSS    "@cf/openai/gpt-oss-120b"
#define MISTRAL    "@cf/mistralai/mistral-small-3.1-24b-instruct"
#define FLUX_1     "@cf/black-forest-labs/flux-1-schnell"
#define FLUX_2_DEV "@cf/black-forest-labs/flux-2-dev"

static CfaiApplication *app;
static CfaiTestServer *server;

/* Deadlines only guard against hangs, generous enough for a catalog
 * fetch; a wait that runs out fails the test. */
#define WAIT_MS 15000
/* Time for GTK to lay out and draw after a change. */
#define SETTLE_MS 250

typedef struct
{
  char             *cache_path;
  CfaiModelCatalog *catalog;
  GtkWindow        *window;
  CfaiModelPicker  *picker;
} Fixture;

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

static gboolean
catalog_is_idle (gpointer data)
{
  return !cfai_model_catalog_get_is_refreshing (data);
}

static gboolean
catalog_is_live (gpointer data)
{
  return cfai_model_catalog_get_source (data) == CFAI_MODEL_CATALOG_SOURCE_NETWORK &&
         !cfai_model_catalog_get_is_refreshing (data);
}

static gpointer
picker_child (Fixture    *fixture,
              const char *name)
{
  gpointer widget = gtk_widget_get_template_child (GTK_WIDGET (fixture->picker),
                                                   CFAI_TYPE_MODEL_PICKER, name);

  g_assert_nonnull (widget);
  return widget;
}

static gpointer
row_child (CfaiModelRow *row,
           const char   *name)
{
  gpointer widget = gtk_widget_get_template_child (GTK_WIDGET (row), CFAI_TYPE_MODEL_ROW, name);

  g_assert_nonnull (widget);
  return widget;
}

static GListModel *
listed (Fixture *fixture)
{
  return G_LIST_MODEL (gtk_list_view_get_model (picker_child (fixture, "list_view")));
}

static const char *
listed_id (Fixture *fixture,
           guint    position)
{
  g_autoptr(CfaiModel) model = g_list_model_get_item (listed (fixture), position);

  g_assert_nonnull (model);
  /* The catalog keeps the model alive. */
  return cfai_model_get_id (model);
}

static guint
selected_position (Fixture *fixture)
{
  return gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (listed (fixture)));
}

static CfaiClient *
make_client (const char *scenario)
{
  g_autofree char *base = cfai_test_server_api_base (server, scenario);
  CfaiClient *client = cfai_client_new ();

  cfai_credentials_set_api_base_url (cfai_client_get_credentials (client), base);
  cfai_credentials_set_api_token (cfai_client_get_credentials (client), "test-token");
  cfai_credentials_set_account_id (cfai_client_get_credentials (client), "test-account");
  return client;
}

static void
save_screenshot (Fixture    *fixture,
                 const char *name)
{
  cfai_ui_test_save_screenshot_with_popover (GTK_WIDGET (fixture->window),
                                             picker_child (fixture, "popover"), name);
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (CFAI_IS_MODEL_ROW (child) && cfai_model_row_get_model (CFAI_MODEL_ROW (child)) != NULL)
        g_ptr_array_add (rows, child);
      else
        collect_rows (child, rows);
    }
}

/* The row the list view shows for @model_id, or NULL when it shows none. */
static CfaiModelRow *
find_row (Fixture    *fixture,
          const char *model_id)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (picker_child (fixture, "list_view"), rows);
  for (guint i = 0; i < rows->len; i++)
    {
      CfaiModelRow *row = g_ptr_array_index (rows, i);

      if (g_str_equal (cfai_model_get_id (cfai_model_row_get_model (row)), model_id))
        return row;
    }

  return NULL;
}

/* A real key press, into the search entry where the picker keeps the
 * keyboard while it is open. */
static void
press_key (Fixture *fixture,
           guint    keyval)
{
  cfai_ui_test_press_key (picker_child (fixture, "search_entry"), keyval, 0);
}

static void
open_popover (Fixture *fixture)
{
  GtkWidget *popover = picker_child (fixture, "popover");

  cfai_model_picker_popup (fixture->picker);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, popover, WAIT_MS));
  g_assert_true (gtk_widget_get_mapped (popover));
}

static void
close_popover (Fixture *fixture)
{
  GtkWidget *popover = picker_child (fixture, "popover");

  cfai_model_picker_popdown (fixture->picker);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_hidden, popover, WAIT_MS));
}

typedef struct
{
  Fixture *fixture;
  guint    n_items;
} CountWait;

static gboolean
count_is (gpointer data)
{
  CountWait *wait = data;

  return g_list_model_get_n_items (listed (wait->fixture)) == wait->n_items;
}

static guint
count_task (CfaiModelCatalog *catalog,
            const char       *task)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (catalog)); i++)
    {
      g_autoptr(CfaiModel) model = g_list_model_get_item (G_LIST_MODEL (catalog), i);

      if (cfai_model_matches (model, task, NULL))
        n++;
    }

  return n;
}

static void
count_notify (guint *counter)
{
  (*counter)++;
}

typedef struct
{
  Fixture    *fixture;
  const char *text;
} SearchWait;

/* The list shows exactly the catalog's models of the picker's task that
 * match the text: the search has been applied, not just begun. */
static gboolean
search_applied (gpointer data)
{
  SearchWait *wait = data;
  GListModel *catalog = G_LIST_MODEL (wait->fixture->catalog);
  const char *task = cfai_model_picker_get_task (wait->fixture->picker);
  guint expected = 0;
  guint n = g_list_model_get_n_items (listed (wait->fixture));

  for (guint i = 0; i < g_list_model_get_n_items (catalog); i++)
    {
      g_autoptr(CfaiModel) model = g_list_model_get_item (catalog, i);

      if (cfai_model_matches (model, task, wait->text))
        expected++;
    }
  if (n != expected)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CfaiModel) model = g_list_model_get_item (listed (wait->fixture), i);

      if (!cfai_model_matches (model, task, wait->text))
        return FALSE;
    }

  return TRUE;
}

/* Puts @text in the search entry, key by key as a person types when
 * @by_keys, and waits until the list shows the result. */
static void
search_with (Fixture    *fixture,
             const char *text,
             gboolean    by_keys)
{
  SearchWait wait = { fixture, text };

  if (by_keys)
    cfai_ui_test_type_keys (picker_child (fixture, "search_entry"), text);
  else
    gtk_editable_set_text (picker_child (fixture, "search_entry"), text);
  g_assert_true (cfai_ui_test_wait_until (search_applied, &wait, WAIT_MS));
  cfai_ui_test_settle (SETTLE_MS);
}

/* ------------------------------------------------------------------ */
/* Fixture                                                            */
/* ------------------------------------------------------------------ */

static void
fixture_open_window (Fixture    *fixture,
                     const char *task,
                     const char *model_id)
{
  GtkWidget *toolbar = adw_toolbar_view_new ();
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *content = adw_status_page_new ();

  fixture->picker = CFAI_MODEL_PICKER (cfai_model_picker_new (task));
  cfai_model_picker_set_catalog (fixture->picker, fixture->catalog);
  cfai_model_picker_set_selected_model_id (fixture->picker, model_id);

  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (fixture->picker));
  adw_toolbar_view_add_top_bar (ADW_TOOLBAR_VIEW (toolbar), header);
  adw_status_page_set_title (ADW_STATUS_PAGE (content), "Model Picker");
  adw_toolbar_view_set_content (ADW_TOOLBAR_VIEW (toolbar), content);

  fixture->window = GTK_WINDOW (adw_application_window_new (GTK_APPLICATION (app)));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (fixture->window), toolbar);
  /* Narrow enough that the popover stays clear of the pointer, which
   * Xvfb leaves in the middle of its 1280×1024 screen: a list that
   * activates on single click selects the row under the pointer. */
  gtk_window_set_default_size (fixture->window, 600, 760);
  gtk_window_present (fixture->window);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, fixture->window, WAIT_MS));
  cfai_ui_test_settle (SETTLE_MS);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cfai-test-picker-XXXXXX", &error);

  g_assert_no_error (error);
  fixture->cache_path = g_build_filename (dir, "models.json", NULL);
}

/* A catalog fetched from the fake server (what a refresh gives). */
static void
fixture_load_live (Fixture    *fixture,
                   const char *scenario)
{
  g_autoptr(CfaiClient) client = make_client (scenario);

  fixture->catalog = cfai_model_catalog_new (client, fixture->cache_path);
  cfai_model_catalog_refresh_async (fixture->catalog, NULL, NULL, NULL);
  g_assert_true (cfai_ui_test_wait_until (catalog_is_live, fixture->catalog, WAIT_MS));
  g_assert_cmpint (cfai_model_catalog_get_source (fixture->catalog), ==,
                   CFAI_MODEL_CATALOG_SOURCE_NETWORK);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (fixture->cache_path);

  if (fixture->window != NULL)
    gtk_window_destroy (fixture->window);
  if (fixture->catalog != NULL)
    g_assert_true (cfai_ui_test_wait_until (catalog_is_idle, fixture->catalog, WAIT_MS));
  cfai_ui_test_settle (SETTLE_MS);
  g_clear_object (&fixture->catalog);

  g_remove (fixture->cache_path);
  g_rmdir (dir);
  g_free (fixture->cache_path);
}

/* ------------------------------------------------------------------ */
/* Tests                                                              */
/* ------------------------------------------------------------------ */

static void
test_live_catalog (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(CfaiClient) client = make_client (NULL);
  GtkWidget *popover;
  GtkWidget *entry;
  GtkWidget *delegate;
  GListModel *list;
  CfaiModelRow *row;
  guint n_text;

  /* The picker fetches the live catalog by itself when it opens on the
   * built-in list with an account set up. */
  fixture->catalog = cfai_model_catalog_new (client, fixture->cache_path);
  fixture_open_window (fixture, CFAI_MODEL_TASK_TEXT_GENERATION, LLAMA_70B);
  g_assert_cmpint (cfai_model_catalog_get_source (fixture->catalog), ==,
                   CFAI_MODEL_CATALOG_SOURCE_BUILTIN);
  g_assert_cmpstr (gtk_label_get_label (picker_child (fixture, "button_label")), ==,
                   "Llama 3.3 70B Instruct FP8 Fast");
  g_assert_false (gtk_widget_get_visible (picker_child (fixture, "button_warning")));
  gtk_test_accessible_assert_property (picker_child (fixture, "button"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Model: Llama 3.3 70B Instruct FP8 Fast");

  open_popover (fixture);
  g_assert_true (cfai_ui_test_wait_until (catalog_is_live, fixture->catalog, WAIT_MS));
  cfai_ui_test_settle (SETTLE_MS);
  g_assert_cmpint (cfai_model_catalog_get_source (fixture->catalog), ==,
                   CFAI_MODEL_CATALOG_SOURCE_NETWORK);
  g_assert_cmpstr (gtk_label_get_label (picker_child (fixture, "age_label")), ==,
                   "Model list updated just now");
  g_assert_false (gtk_widget_get_visible (picker_child (fixture, "error_label")));
  g_assert_false (gtk_widget_get_visible (picker_child (fixture, "spinner")));
  g_assert_false (gtk_widget_get_visible (picker_child (fixture, "retired_box")));

  /* Only text models, every one of them, recommended ones first. */
  list = listed (fixture);
  n_text = count_task (fixture->catalog, CFAI_MODEL_TASK_TEXT_GENERATION);
  g_assert_cmpuint (n_text, >=, 15);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, n_text);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(CfaiModel) model = g_list_model_get_item (list, i);

      g_assert_true (cfai_model_is_text_generation (model));
    }
  g_assert_cmpstr (listed_id (fixture, 0), ==, LLAMA_70B);
  g_assert_cmpstr (listed_id (fixture, 1), ==, GPT_OSS);
  g_assert_cmpstr (listed_id (fixture, 2), ==, MISTRAL);

  /* After the recommended ones, sections by author: no author twice. */
  {
    g_autoptr(GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
    const char *current = NULL;

    for (guint i = 3; i < g_list_model_get_n_items (list); i++)
      {
        g_autoptr(CfaiModel) model = g_list_model_get_item (list, i);
        const char *author = cfai_model_get_author (model);
        guint start, end;

        gtk_section_model_get_section (GTK_SECTION_MODEL (list), i, &start, &end);
        g_assert_cmpuint (start, >=, 3);
        if (g_strcmp0 (author, current) != 0)
          {
            g_assert_false (g_hash_table_contains (done, author));
            if (current != NULL)
              g_hash_table_add (done, (gpointer) current);
            current = author;
          }
      }
  }

  /* The current model is selected, and the keyboard is in the search. */
  g_assert_cmpuint (selected_position (fixture), ==, 0);
  entry = picker_child (fixture, "search_entry");
  delegate = GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (entry)));
  g_assert_true (gtk_widget_is_focus (delegate));

  /* Rows carry their facts as badges, each with a screen-reader label. */
  row = find_row (fixture, LLAMA_70B);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_visible (row_child (row, "check_image")));
  g_assert_cmpstr (gtk_label_get_label (row_child (row, "id_label")), ==, LLAMA_70B);
  g_assert_cmpstr (gtk_label_get_label (row_child (row, "context_badge")), ==, "24K context");
  gtk_test_accessible_assert_property (row_child (row, "context_badge"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Context window: 24000 tokens");
  g_assert_cmpstr (gtk_label_get_label (row_child (row, "price_badge")), ==,
                   "$0.29 in, $2.25 out per M");
  gtk_test_accessible_assert_property (row_child (row, "price_badge"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Price: $0.29 per million input tokens, "
                                       "$2.25 per million output tokens");
  g_assert_true (gtk_widget_get_visible (row_child (row, "tools_badge")));
  gtk_test_accessible_assert_property (row_child (row, "tools_badge"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Tools: supports function calling");
  g_assert_false (gtk_widget_get_visible (row_child (row, "vision_badge")));
  g_assert_false (gtk_widget_get_visible (row_child (row, "deprecation_badge")));
  gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Llama 3.3 70B Instruct FP8 Fast, " LLAMA_70B
                                       ". Context window: 24000 tokens"
                                       ". Price: $0.29 per million input tokens, "
                                       "$2.25 per million output tokens"
                                       ". Tools: supports function calling");
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (row),
                                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));

  row = find_row (fixture, GPT_OSS);
  g_assert_nonnull (row);
  g_assert_false (gtk_widget_get_visible (row_child (row, "check_image")));
  g_assert_cmpstr (gtk_label_get_label (row_child (row, "context_badge")), ==, "128K context");
  gtk_test_accessible_assert_property (picker_child (fixture, "list_view"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Models");
  gtk_test_accessible_assert_property (entry, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Search models by name, ID or description");

  popover = picker_child (fixture, "popover");
  save_screenshot (fixture, "screenshot-picker.png");
  close_popover (fixture);
  g_assert_false (gtk_widget_get_visible (popover));
}

static void
test_search_and_keyboard (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkWidget *entry;
  GtkWidget *popover;
  CfaiModelPicker *picker;
  g_autofree char *second = NULL;
  CountWait all_text;
  guint notified = 0;
  guint n_items;

  fixture_load_live (fixture, NULL);
  fixture_open_window (fixture, CFAI_MODEL_TASK_TEXT_GENERATION, LLAMA_70B);
  picker = fixture->picker;
  g_signal_connect_swapped (picker, "notify::selected-model-id",
                            G_CALLBACK (count_notify), &notified);
  open_popover (fixture);
  entry = picker_child (fixture, "search_entry");
  popover = picker_child (fixture, "popover");

  /* Typing goes straight into the search, which looks at ids, names
   * and descriptions. */
  search_with (fixture, "qwen", TRUE);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "qwen");
  n_items = g_list_model_get_n_items (listed (fixture));
  g_assert_cmpuint (n_items, >=, 3);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(CfaiModel) model = g_list_model_get_item (listed (fixture), i);

      g_assert_true (cfai_model_matches (model, CFAI_MODEL_TASK_TEXT_GENERATION, "qwen"));
    }
  /* The best match is selected, so Enter would take it. */
  g_assert_cmpuint (selected_position (fixture), ==, 0);
  save_screenshot (fixture, "screenshot-picker-search.png");

  /* Down moves the selection; Up at the top stays there. */
  press_key (fixture, GDK_KEY_Down);
  g_assert_cmpuint (selected_position (fixture), ==, 1);
  press_key (fixture, GDK_KEY_Up);
  press_key (fixture, GDK_KEY_Up);
  g_assert_cmpuint (selected_position (fixture), ==, 0);
  press_key (fixture, GDK_KEY_Down);
  second = g_strdup (listed_id (fixture, 1));

  /* Enter chooses and closes. */
  press_key (fixture, GDK_KEY_Return);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_hidden, popover, WAIT_MS));
  g_assert_false (gtk_widget_get_visible (popover));
  g_assert_cmpstr (cfai_model_picker_get_selected_model_id (fixture->picker), ==, second);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_nonnull (cfai_model_picker_get_selected_model (fixture->picker));
  g_assert_cmpstr (gtk_label_get_label (picker_child (fixture, "button_label")), ==,
                   cfai_model_get_display_name (cfai_model_picker_get_selected_model (picker)));

  /* Reopening starts from the whole list, at the model just chosen. */
  open_popover (fixture);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  all_text.fixture = fixture;
  all_text.n_items = count_task (fixture->catalog, CFAI_MODEL_TASK_TEXT_GENERATION);
  g_assert_true (cfai_ui_test_wait_until (count_is, &all_text, WAIT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (listed (fixture)), ==,
                    count_task (fixture->catalog, CFAI_MODEL_TASK_TEXT_GENERATION));
  g_assert_cmpstr (listed_id (fixture, selected_position (fixture)), ==, second);

  /* No image model in a text picker, whatever the search. */
  search_with (fixture, "flux", FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (listed (fixture)), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (picker_child (fixture, "list_stack")), ==,
                   "empty");
  /* Enter with nothing listed chooses nothing. */
  press_key (fixture, GDK_KEY_Return);
  g_assert_true (gtk_widget_get_visible (popover));
  g_assert_cmpstr (cfai_model_picker_get_selected_model_id (fixture->picker), ==, second);
  save_screenshot (fixture, "screenshot-picker-empty.png");

  /* Every word must match, anywhere: id ("@cf/openai") and name. */
  search_with (fixture, "openai 120b", FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (listed (fixture)), ==, 1);
  g_assert_cmpstr (listed_id (fixture, 0), ==, GPT_OSS);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (picker_child (fixture, "list_stack")), ==,
                   "list");

  /* Escape closes without choosing. */
  press_key (fixture, GDK_KEY_Escape);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_hidden, popover, WAIT_MS));
  g_assert_false (gtk_widget_get_visible (popover));
  g_assert_cmpstr (cfai_model_picker_get_selected_model_id (fixture->picker), ==, second);
  g_assert_cmpuint (notified, ==, 1);
}

static void
test_activate_row (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *popover;
  guint position = G_MAXUINT;

  fixture_load_live (fixture, NULL);
  fixture_open_window (fixture, CFAI_MODEL_TASK_TEXT_GENERATION, LLAMA_70B);
  open_popover (fixture);
  popover = picker_child (fixture, "popover");

  for (guint i = 0; i < g_list_model_get_n_items (listed (fixture)); i++)
    if (g_str_equal (listed_id (fixture, i), MISTRAL))
      position = i;
  g_assert_cmpuint (position, !=, G_MAXUINT);

  /* A click on a row (the list view's activate) chooses it. */
  g_signal_emit_by_name (picker_child (fixture, "list_view"), "activate", position);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_hidden, popover, WAIT_MS));
  g_assert_cmpstr (cfai_model_picker_get_selected_model_id (fixture->picker), ==, MISTRAL);

  /* The check mark follows the choice. */
  open_popover (fixture);
  cfai_ui_test_settle (SETTLE_MS);
  g_assert_true (gtk_widget_get_visible (row_child (find_row (fixture, MISTRAL), "check_image")));
  g_assert_false (gtk_widget_get_visible (row_child (find_row (fixture, LLAMA_70B),
                                                     "check_image")));
  close_popover (fixture);
}

static void
test_image_task (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) paid_error = NULL;
  CfaiModelRow *row;
  GListModel *list;

  fixture_load_live (fixture, NULL);
  fixture_open_window (fixture, CFAI_MODEL_TASK_TEXT_TO_IMAGE, FLUX_1);
  open_popover (fixture);

  list = listed (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (list), >=, 8);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(CfaiModel) model = g_list_model_get_item (list, i);

      g_assert_true (cfai_model_is_text_to_image (model));
    }
  g_assert_cmpstr (listed_id (fixture, 0), ==, FLUX_1);
  g_assert_cmpstr (listed_id (fixture, 1), ==, FLUX_2_DEV);

  /* Image prices are per tile and step, not per token. */
  row = find_row (fixture, FLUX_2_DEV);
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_label_get_label (row_child (row, "price_badge")), ==,
                   "$0.00021/in tile·step + $0.00041/out tile·step");
  gtk_test_accessible_assert_property (row_child (row, "price_badge"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Price: $0.00021 per input 512x512 tile, per step, "
                                       "$0.00041 per output 512x512 tile, per step");
  g_assert_true (gtk_widget_get_visible (row_child (row, "partner_badge")));
  gtk_test_accessible_assert_property (row_child (row, "partner_badge"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Partner model: provided by a Cloudflare partner");
  g_assert_false (gtk_widget_get_visible (row_child (row, "context_badge")));

  /* A refusal for the account's plan shows on the open list at once
   * (the request path is tested in test-model-catalog), and goes when
   * the model works after all. */
  g_assert_false (gtk_widget_get_visible (row_child (row, "paid_plan_badge")));
  paid_error = g_error_new_literal (CFAI_ERROR, CFAI_ERROR_PAID_PLAN_REQUIRED, "5035");
  cfai_model_catalog_note_model_result (fixture->catalog, FLUX_2_DEV, paid_error);
  g_assert_true (gtk_widget_get_visible (row_child (row, "paid_plan_badge")));
  gtk_test_accessible_assert_property (row_child (row, "paid_plan_badge"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Paid plan: Cloudflare refused this model on your account’s plan; it needs Workers Paid");
  save_screenshot (fixture, "screenshot-picker-paid-plan.png");
  cfai_model_catalog_note_model_result (fixture->catalog, FLUX_2_DEV, NULL);
  g_assert_false (gtk_widget_get_visible (row_child (row, "paid_plan_badge")));

  /* Switching the task of a picker switches its list. */
  cfai_model_picker_set_task (fixture->picker, CFAI_MODEL_TASK_TEXT_GENERATION);
  cfai_ui_test_settle (SETTLE_MS);
  g_assert_cmpstr (listed_id (fixture, 0), ==, LLAMA_70B);
  cfai_model_picker_set_task (fixture->picker, CFAI_MODEL_TASK_TEXT_TO_IMAGE);
  cfai_ui_test_settle (SETTLE_MS);
  g_assert_cmpstr (listed_id (fixture, 0), ==, FLUX_1);

  save_screenshot (fixture, "screenshot-picker-image.png");
  close_popover (fixture);
}

/* Rewrites the cache file's fetched_at to @days ago. */
static void
age_cache (const char *path,
           int         days)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_hours (now, -24 * days - 2);
  g_autofree char *stamp = g_date_time_format_iso8601 (then);
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (root, "fetched_at"));
  json_object_set_string_member (root, "fetched_at", stamp);
  json_generator_set_root (generator, json_parser_get_root (parser));
  json_generator_to_file (generator, path, &error);
  g_assert_no_error (error);
}

static void
test_offline_cache (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(CfaiClient) client = make_client ("server-error");
  g_autoptr(GError) error = NULL;
  GtkWidget *error_label;
  guint n_items;

  /* A catalog fetched three days ago, now read from the cache file, with
   * a server that fails every request. */
  fixture_load_live (fixture, NULL);
  g_clear_object (&fixture->catalog);
  age_cache (fixture->cache_path, 3);
  fixture->catalog = cfai_model_catalog_new (client, fixture->cache_path);
  g_assert_true (cfai_model_catalog_load_cache (fixture->catalog, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cfai_model_catalog_get_source (fixture->catalog), ==,
                   CFAI_MODEL_CATALOG_SOURCE_CACHE);

  fixture_open_window (fixture, CFAI_MODEL_TASK_TEXT_GENERATION, GPT_OSS);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (fixture->catalog));

  /* Opening tries the live catalog once; meanwhile the list is usable. */
  open_popover (fixture);
  g_assert_true (cfai_model_catalog_get_is_refreshing (fixture->catalog));
  g_assert_true (gtk_widget_get_visible (picker_child (fixture, "spinner")));
  g_assert_false (gtk_widget_is_sensitive (picker_child (fixture, "refresh_button")));
  g_assert_cmpuint (g_list_model_get_n_items (listed (fixture)), >, 0);
  g_assert_cmpstr (listed_id (fixture, selected_position (fixture)), ==, GPT_OSS);

  error_label = picker_child (fixture, "error_label");
  g_assert_true (cfai_ui_test_wait_until (catalog_is_idle, fixture->catalog, WAIT_MS));
  cfai_ui_test_settle (SETTLE_MS);
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (error_label)),
                                   "Could not update the model list: "));
  g_assert_cmpstr (gtk_label_get_label (picker_child (fixture, "age_label")), ==,
                   "Model list from 3 days ago");
  g_assert_false (gtk_widget_get_visible (picker_child (fixture, "spinner")));
  g_assert_true (gtk_widget_is_sensitive (picker_child (fixture, "refresh_button")));
  /* The failed refresh kept every model. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->catalog)), ==, n_items);
  g_assert_cmpint (cfai_model_catalog_get_source (fixture->catalog), ==,
                   CFAI_MODEL_CATALOG_SOURCE_CACHE);
  save_screenshot (fixture, "screenshot-picker-offline.png");

  /* The refresh button tries again, hiding the old error meanwhile. */
  g_signal_emit_by_name (picker_child (fixture, "refresh_button"), "clicked");
  g_assert_true (cfai_model_catalog_get_is_refreshing (fixture->catalog));
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_true (gtk_widget_get_visible (picker_child (fixture, "spinner")));
  g_assert_true (cfai_ui_test_wait_until (catalog_is_idle, fixture->catalog, WAIT_MS));
  cfai_ui_test_settle (SETTLE_MS);
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->catalog)), ==, n_items);

  /* Reopening does not retry by itself: the user decides. */
  close_popover (fixture);
  open_popover (fixture);
  g_assert_false (cfai_model_catalog_get_is_refreshing (fixture->catalog));
  close_popover (fixture);
}

static void
test_builtin (Fixture       *fixture,
              gconstpointer  data)
{
  /* No account at all: the built-in list, and nothing to refresh from. */
  fixture->catalog = cfai_model_catalog_new (NULL, fixture->cache_path);
  fixture_open_window (fixture, CFAI_MODEL_TASK_TEXT_GENERATION, LLAMA_70B);
  open_popover (fixture);
  g_assert_false (cfai_model_catalog_get_is_refreshing (fixture->catalog));
  g_assert_cmpstr (gtk_label_get_label (picker_child (fixture, "age_label")), ==,
                   "Built-in model list");
  g_assert_false (gtk_widget_is_sensitive (picker_child (fixture, "refresh_button")));
  g_assert_cmpstr (listed_id (fixture, 0), ==, LLAMA_70B);
  close_popover (fixture);

  /* A model the short built-in list lacks is not called retired. */
  cfai_model_picker_set_selected_model_id (fixture->picker, "@cf/qwen/qwen3-30b-a3b-fp8");
  g_assert_false (cfai_model_picker_get_retired (fixture->picker));
  g_assert_null (cfai_model_picker_get_selected_model (fixture->picker));
  g_assert_false (gtk_widget_get_visible (picker_child (fixture, "button_warning")));
  g_assert_cmpstr (gtk_label_get_label (picker_child (fixture, "button_label")), ==,
                   "Qwen3 30B A3B FP8");

  /* No model at all. */
  cfai_model_picker_set_selected_model_id (fixture->picker, NULL);
  g_assert_cmpstr (gtk_label_get_label (picker_child (fixture, "button_label")), ==,
                   "Choose Model");
}

static void
test_retired (Fixture       *fixture,
              gconstpointer  data)
{
  const char *retired_id = "@cf/meta/llama-3.1-8b-instruct";
  const char *replacement_id = "@cf/meta/llama-3.1-8b-instruct-fast";
  GtkWidget *popover;
  guint retired_notified = 0;

  fixture->catalog = cfai_model_catalog_new (NULL, fixture->cache_path);
  g_assert_null (cfai_model_catalog_lookup (fixture->catalog, retired_id));
  fixture_open_window (fixture, CFAI_MODEL_TASK_TEXT_GENERATION, retired_id);
  g_signal_connect_swapped (fixture->picker, "notify::retired",
                            G_CALLBACK (count_notify), &retired_notified);

  /* The retired model stays on the button, marked. */
  g_assert_true (cfai_model_picker_get_retired (fixture->picker));
  g_assert_cmpstr (cfai_model_picker_get_selected_model_id (fixture->picker), ==, retired_id);
  g_assert_cmpstr (gtk_label_get_label (picker_child (fixture, "button_label")), ==,
                   "Llama 3.1 8B Instruct");
  g_assert_true (gtk_widget_get_visible (picker_child (fixture, "button_warning")));
  gtk_test_accessible_assert_property (picker_child (fixture, "button"),
                                       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "Retired");
  g_assert_cmpstr (cfai_model_picker_get_replacement_id (fixture->picker), ==, replacement_id);

  /* The popover says so and offers the replacement. */
  open_popover (fixture);
  popover = picker_child (fixture, "popover");
  g_assert_true (gtk_widget_get_visible (picker_child (fixture, "retired_box")));
  g_assert_cmpstr (gtk_label_get_label (picker_child (fixture, "retired_title")), ==,
                   "Llama 3.1 8B Instruct was retired");
  g_assert_true (gtk_widget_get_visible (picker_child (fixture, "switch_button")));
  g_assert_cmpstr (gtk_button_get_label (picker_child (fixture, "switch_button")), ==,
                   "Switch to Llama 3.1 8B Instruct Fast");
  save_screenshot (fixture, "screenshot-picker-retired.png");

  /* One click switches. */
  g_signal_emit_by_name (picker_child (fixture, "switch_button"), "clicked");
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_hidden, popover, WAIT_MS));
  g_assert_cmpstr (cfai_model_picker_get_selected_model_id (fixture->picker), ==, replacement_id);
  g_assert_false (cfai_model_picker_get_retired (fixture->picker));
  g_assert_cmpuint (retired_notified, ==, 1);
  g_assert_false (gtk_widget_get_visible (picker_child (fixture, "button_warning")));
  g_assert_false (gtk_widget_get_visible (picker_child (fixture, "retired_box")));
  g_assert_null (cfai_model_picker_get_replacement_id (fixture->picker));
}

static void
test_retired_live (Fixture       *fixture,
                   gconstpointer  data)
{
  fixture_load_live (fixture, NULL);

  /* Gone from the live catalog, with a known replacement. */
  g_assert_null (cfai_model_catalog_lookup (fixture->catalog, "@cf/meta/llama-3-8b-instruct"));
  fixture_open_window (fixture, CFAI_MODEL_TASK_TEXT_GENERATION, "@cf/meta/llama-3-8b-instruct");
  g_assert_true (cfai_model_picker_get_retired (fixture->picker));
  g_assert_cmpstr (cfai_model_picker_get_replacement_id (fixture->picker), ==,
                   "@cf/meta/llama-3.1-8b-instruct-fast");

  /* Gone from the live catalog, nothing known to replace it: marked,
   * and the user picks from the list. */
  cfai_model_picker_set_selected_model_id (fixture->picker, "@cf/acme/vanished-7b");
  g_assert_true (cfai_model_picker_get_retired (fixture->picker));
  g_assert_null (cfai_model_picker_get_replacement_id (fixture->picker));
  open_popover (fixture);
  g_assert_true (gtk_widget_get_visible (picker_child (fixture, "retired_box")));
  g_assert_false (gtk_widget_get_visible (picker_child (fixture, "switch_button")));
  g_assert_false (gtk_widget_is_sensitive (picker_child (fixture, "switch_button")));
  close_popover (fixture);

  /* When the catalog lists it again, it is not retired any more. */
  cfai_model_picker_set_selected_model_id (fixture->picker, GPT_OSS);
  g_assert_false (cfai_model_picker_get_retired (fixture->picker));
  g_assert_nonnull (cfai_model_picker_get_selected_model (fixture->picker));
}

static JsonNode *
deprecation_page (void)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (
    "{\"result\": ["
    " {\"name\": \"@cf/acme/old-chat\", \"description\": \"An old model\","
    "  \"task\": {\"name\": \"Text Generation\"},"
    "  \"properties\": [{\"property_id\": \"planned_deprecation_date\","
    "                   \"value\": \"2020-01-15\"}]},"
    " {\"name\": \"@cf/acme/fading-chat\", \"description\": \"Going away\","
    "  \"task\": {\"name\": \"Text Generation\"},"
    "  \"properties\": [{\"property_id\": \"planned_deprecation_date\", \"value\": \"2099-06-15\"},"
    "                   {\"property_id\": \"vision\", \"value\": \"true\"},"
    "                   {\"property_id\": \"reasoning\", \"value\": \"true\"},"
    "                   {\"property_id\": \"beta\", \"value\": \"true\"}]},"
    " {\"name\": \"@cf/meta/llama-3.3-70b-instruct-fp8-fast\","
    "  \"task\": {\"name\": \"Text Generation\"}, \"properties\": []},"
    " {\"name\": \"@cf/zeta/new-chat\", \"task\": {\"name\": \"Text Generation\"},"
    "  \"properties\": [{\"property_id\": \"context_window\", \"value\": \"131072\"}]}"
    "]}", &error);

  g_assert_no_error (error);
  return node;
}

static void
test_deprecation (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JsonNode) page = deprecation_page ();
  g_autoptr(GError) error = NULL;
  CfaiModelRow *row;
  guint n_items;

  fixture->catalog = cfai_model_catalog_new (NULL, fixture->cache_path);
  g_assert_true (cfai_model_catalog_load_from_json (fixture->catalog, page, NULL, &error));
  g_assert_no_error (error);
  fixture_open_window (fixture, CFAI_MODEL_TASK_TEXT_GENERATION, LLAMA_70B);
  open_popover (fixture);

  /* Recommended first, deprecated last. */
  n_items = g_list_model_get_n_items (listed (fixture));
  g_assert_cmpuint (n_items, ==, 4);
  g_assert_cmpstr (listed_id (fixture, 0), ==, LLAMA_70B);
  g_assert_cmpstr (listed_id (fixture, 1), ==, "@cf/acme/fading-chat");
  g_assert_cmpstr (listed_id (fixture, 2), ==, "@cf/zeta/new-chat");
  g_assert_cmpstr (listed_id (fixture, 3), ==, "@cf/acme/old-chat");

  row = find_row (fixture, "@cf/acme/old-chat");
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_label_get_label (row_child (row, "deprecation_badge")), ==,
                   "Deprecated since Jan 15, 2020");
  gtk_test_accessible_assert_property (row_child (row, "deprecation_badge"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Deprecated since Jan 15, 2020: choose another model");

  row = find_row (fixture, "@cf/acme/fading-chat");
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_label_get_label (row_child (row, "deprecation_badge")), ==,
                   "Retires Jun 15, 2099");
  gtk_test_accessible_assert_property (row_child (row, "deprecation_badge"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Planned for retirement on Jun 15, 2099");
  gtk_test_accessible_assert_property (row_child (row, "vision_badge"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Vision: understands images");
  gtk_test_accessible_assert_property (row_child (row, "reasoning_badge"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Reasoning: thinks before it answers");
  gtk_test_accessible_assert_property (row_child (row, "beta_badge"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Beta: may change or be withdrawn");
  g_assert_false (gtk_widget_get_visible (row_child (row, "price_badge")));

  row = find_row (fixture, "@cf/zeta/new-chat");
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_label_get_label (row_child (row, "context_badge")), ==, "128K context");
  g_assert_false (gtk_widget_get_visible (row_child (row, "description_label")));
  save_screenshot (fixture, "screenshot-picker-deprecation.png");

  /* Choosing a deprecated model marks the button, without calling it retired. */
  press_key (fixture, GDK_KEY_Page_Down);
  g_assert_cmpuint (selected_position (fixture), ==, 3);
  press_key (fixture, GDK_KEY_KP_Enter);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_hidden, picker_child (fixture, "popover"),
                                          WAIT_MS));
  g_assert_cmpstr (cfai_model_picker_get_selected_model_id (fixture->picker), ==,
                   "@cf/acme/old-chat");
  g_assert_false (cfai_model_picker_get_retired (fixture->picker));
  g_assert_true (gtk_widget_get_visible (picker_child (fixture, "button_warning")));
  gtk_test_accessible_assert_property (picker_child (fixture, "button"),
                                       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "Deprecated");
  g_assert_true (gtk_widget_get_visible (picker_child (fixture, "retired_box")));
  g_assert_cmpstr (gtk_label_get_label (picker_child (fixture, "retired_title")), ==,
                   "Old Chat is deprecated");
}

/* The window's content header chooses the chat model, kept in the
 * default-chat-model setting both ways, from the application's catalog. */
static void
test_window (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APPLICATION_ID);
  g_autofree char *base = cfai_test_server_api_base (server, NULL);
  g_autofree char *stored = NULL;
  CfaiModelCatalog *catalog = cfai_application_get_catalog (app);
  CfaiWindow *window;
  CfaiModelPicker *picker;
  GtkWidget *popover;

  g_settings_set_string (settings, "default-chat-model", GPT_OSS);
  window = cfai_window_new (app);
  picker = (CfaiModelPicker *) gtk_widget_get_template_child (GTK_WIDGET (window), CFAI_TYPE_WINDOW,
                                                              "chat_model_picker");
  g_assert_true (CFAI_IS_MODEL_PICKER (picker));
  g_assert_cmpstr (cfai_model_picker_get_task (picker), ==, CFAI_MODEL_TASK_TEXT_GENERATION);
  g_assert_cmpstr (cfai_model_picker_get_selected_model_id (picker), ==, GPT_OSS);

  g_settings_set_string (settings, "default-chat-model", MISTRAL);
  g_assert_cmpstr (cfai_model_picker_get_selected_model_id (picker), ==, MISTRAL);

  cfai_model_picker_set_selected_model_id (picker, LLAMA_70B);
  stored = g_settings_get_string (settings, "default-chat-model");
  g_assert_cmpstr (stored, ==, LLAMA_70B);

  /* With an account set up, the window shows its pages, and the picker
   * lists the application's catalog, fetched live when it opens. */
  g_settings_set_string (settings, "api-base-url", base);
  g_settings_set_string (settings, "account-id", "test-account");
  cfai_application_use_token (app, "test-token");
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 720);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, picker, WAIT_MS));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (picker)));
  g_assert_true (cfai_model_picker_get_catalog (picker) == catalog);

  cfai_model_picker_popup (picker);
  popover = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (picker), CFAI_TYPE_MODEL_PICKER,
                                                      "popover"));
  g_assert_true (cfai_ui_test_wait_until (catalog_is_live, catalog, WAIT_MS));
  cfai_ui_test_settle (SETTLE_MS);
  g_assert_cmpint (cfai_model_catalog_get_source (catalog), ==, CFAI_MODEL_CATALOG_SOURCE_NETWORK);
  g_assert_nonnull (cfai_model_picker_get_selected_model (picker));
  cfai_ui_test_save_screenshot_with_popover (GTK_WIDGET (window), popover,
                                             "screenshot-window-picker.png");
  cfai_model_picker_popdown (picker);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_hidden, popover, WAIT_MS));

  gtk_window_destroy (GTK_WINDOW (window));
  cfai_ui_test_settle (SETTLE_MS);
  cfai_application_use_token (app, NULL);
  g_settings_reset (settings, "api-base-url");
  g_settings_reset (settings, "account-id");
  g_settings_reset (settings, "default-chat-model");
}

static void
test_format (void)
{
  const struct
  {
    gint64      tokens;
    const char *text;
  } cases[] = {
    { 24000, "24K" },
    { 128000, "128K" },
    { 131072, "128K" },
    { 32768, "32K" },
    { 7968, "8K" },
    { 1000000, "1M" },
    { 1048576, "1M" },
    { 1500000, "1.5M" },
    { 512, "512" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = cfai_model_format_context_window (cases[i].tokens);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  /* Dates are shown in local time; the expected ones are in UTC. */
  g_setenv ("TZ", "UTC", TRUE);
  /* The suite turns accessibility off (GTK_A11Y=none); the tests read
   * accessible labels, which GTK's test backend keeps without a bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);

  cfai_test_isolate_home ("cfai-test-model-picker");

  g_test_init (&argc, &argv, NULL);
  cfai_ui_test_init ();

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_error ("UI tests need a display; run them through build-aux/test-session");

  server = cfai_test_server_start ();

  /* The application loads the style sheet, as in the app. */
  app = cfai_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/model-picker/format", test_format);
  g_test_add_func ("/model-picker/window", test_window);
#define ADD(path, func) \
  g_test_add ("/model-picker/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("live-catalog", test_live_catalog);
  ADD ("search-and-keyboard", test_search_and_keyboard);
  ADD ("activate-row", test_activate_row);
  ADD ("image-task", test_image_task);
  ADD ("offline-cache", test_offline_cache);
  ADD ("builtin", test_builtin);
  ADD ("retired", test_retired);
  ADD ("retired-live", test_retired_live);
  ADD ("deprecation", test_deprecation);
#undef ADD

  ret = g_test_run ();

  g_clear_object (&app);
  g_clear_pointer (&server, cfai_test_server_stop);
  return ret;
}
