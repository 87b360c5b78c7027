/* test-image-studio.c — the image studio in a real window, against the fake server
 *
 * Keys are real key presses through the X server: typing the prompt,
 * Ctrl+Enter to generate, arrows in the count.  Each image family is
 * answered the way Workers AI answers it (base64 JSON, PNG or JPEG bytes,
 * multipart in for FLUX.2), and the strict-steps scenario fails any
 * request that leaves out its steps field, as Flux does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cfai-application.h"
#include "cfai-chat-store.h"
#include "cfai-error.h"
#include "cfai-image-job-row.h"
#include "cfai-image-settings.h"
#include "cfai-image-studio.h"
#include "cfai-prompt-hint-row.h"
#include "cfai-test-home.h"
#include "cfai-test-server.h"
#include "cfai-ui-test.h"
#include "cfai-window.h"

#define WAIT_MS 15000
#define SETTLE_MS 200

#define FLUX_SCHNELL "@cf/black-forest-labs/flux-1-schnell"
#define FLUX2_DEV    "@cf/black-forest-labs/flux-2-dev"
#define FLUX2_KLEIN  "@cf/black-forest-labs/flux-2-klein-4b"
#define SDXL         "@cf/stabilityai/stable-diffusion-xl-base-1.0"
#define PHOENIX      "@cf/leonardo/phoenix-1.0"
/* No built-in rules: the studio reads them from its schema. */
#define IMG2IMG      "@cf/runwayml/stable-diffusion-v1-5-img2img"

static CfaiApplication *app;
static CfaiTestServer *server;

typedef struct
{
  CfaiWindow      *window;
  GSettings       *settings;
  CfaiImageStudio *studio;
} Fixture;

static gpointer
window_child (Fixture    *fixture,
              const char *name)
{
  gpointer widget = gtk_widget_get_template_child (GTK_WIDGET (fixture->window), CFAI_TYPE_WINDOW, name);

  g_assert_nonnull (widget);
  return widget;
}

static gpointer
studio_child (Fixture    *fixture,
              const char *name)
{
  gpointer widget = gtk_widget_get_template_child (GTK_WIDGET (fixture->studio), CFAI_TYPE_IMAGE_STUDIO, name);

  g_assert_nonnull (widget);
  return widget;
}

static gpointer
settings_row (Fixture    *fixture,
              const char *name)
{
  gpointer widget = gtk_widget_get_template_child (studio_child (fixture, "settings"),
                                                   CFAI_TYPE_IMAGE_SETTINGS, name);

  g_assert_nonnull (widget);
  return widget;
}

/* An icon button, found by its tooltip. */
static GtkWidget *
find_button_by_tooltip (GtkWidget  *root,
                                   const char *label)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_widget_get_tooltip_text (root), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_by_tooltip (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
store_loaded (gpointer data)
{
  return cfai_chat_store_get_loaded (cfai_application_get_chat_store (data));
}

static gboolean
credentials_loaded (gpointer data)
{
  return !cfai_application_get_loading_credentials (CFAI_APPLICATION (data));
}

static void
use_scenario (Fixture    *fixture,
              const char *scenario)
{
  g_autofree char *base = cfai_test_server_api_base (server, scenario);

  g_settings_set_string (fixture->settings, "api-base-url", base);
}

static GtkWidget *
prompt (Fixture *fixture)
{
  return GTK_WIDGET (cfai_image_studio_get_prompt_view (fixture->studio));
}

/* "Images" in the sidebar, as the switcher does it. */
static void
open_studio (Fixture *fixture)
{
  GtkWidget *visible;

  adw_view_stack_set_visible_child_name (window_child (fixture, "section_stack"), "images");
  visible = gtk_stack_get_visible_child (window_child (fixture, "content_stack"));
  g_assert_true (CFAI_IS_IMAGE_STUDIO (visible));
  fixture->studio = CFAI_IMAGE_STUDIO (visible);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, prompt (fixture), WAIT_MS));
  cfai_image_studio_focus_prompt (fixture->studio);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_has_focus, prompt (fixture), WAIT_MS));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GSettings *settings = cfai_application_get_settings (app);

  g_settings_reset (settings, "default-image-model");
  g_settings_reset (settings, "prompt-enhance-model");
  g_settings_set_string (settings, "account-id", "test-account");
  fixture->settings = settings;
  use_scenario (fixture, "strict-steps");
  cfai_application_use_token (app, "test-token");

  fixture->window = cfai_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, fixture->window, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (store_loaded, app, WAIT_MS));
  cfai_ui_test_settle (SETTLE_MS);
  open_studio (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gpointer window = fixture->window;

  g_object_add_weak_pointer (G_OBJECT (window), &window);
  cfai_ui_test_close_windows (GTK_APPLICATION (app));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_pointer_is_cleared, &window, WAIT_MS));
}

static char *
prompt_text (Fixture *fixture)
{
  return cfai_image_studio_dup_prompt (fixture->studio);
}

static void
clear_prompt (Fixture *fixture)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (prompt (fixture))), "", -1);
}

static CfaiImageJob *
job_at (Fixture *fixture,
        guint    position)
{
  GListModel *queue = G_LIST_MODEL (cfai_image_studio_get_queue (fixture->studio));
  g_autoptr(CfaiImageJob) job = g_list_model_get_item (queue, position);

  return job;  /* the queue keeps it */
}

static guint
n_jobs (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (cfai_image_studio_get_queue (fixture->studio)));
}

static gboolean
job_finished (gpointer data)
{
  return cfai_image_job_is_finished (data);
}

static gboolean
job_running (gpointer data)
{
  return cfai_image_job_get_state (data) == CFAI_IMAGE_JOB_RUNNING;
}

static gboolean
studio_idle (gpointer data)
{
  return !cfai_image_studio_get_busy (data);
}

/* The row the results grid shows for @job. */
static CfaiImageJobRow *
row_for (Fixture      *fixture,
         CfaiImageJob *job)
{
  GtkWidget *box = studio_child (fixture, "results_box");

  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      if (CFAI_IS_IMAGE_JOB_ROW (row) && cfai_image_job_row_get_job (CFAI_IMAGE_JOB_ROW (row)) == job)
        return CFAI_IMAGE_JOB_ROW (row);
    }
  g_assert_not_reached ();
}

static void
type_and_generate (Fixture    *fixture,
                   const char *text)
{
  clear_prompt (fixture);
  cfai_ui_test_type_keys (prompt (fixture), text);
  cfai_ui_test_press_key (prompt (fixture), GDK_KEY_Return, GDK_CONTROL_MASK);
}

/* Ctrl+Enter, one image, for each family ------------------------------ */

typedef struct
{
  const char *model;
  const char *mime_type;   /* what the fake answers, as Workers AI does */
  gboolean    priced;      /* the catalog has its prices */
} Family;

static const Family families[] = {
  { FLUX_SCHNELL, "image/jpeg", FALSE },  /* base64 JSON */
  { SDXL, "image/png", FALSE },           /* PNG bytes */
  { PHOENIX, "image/jpeg", TRUE },        /* JPEG bytes */
  { FLUX2_DEV, "image/png", TRUE },       /* multipart in, base64 JSON out */
};

/* The application fetches the live catalog, prices and all, once it has
 * a token; the built-in one has none. */
static gboolean
catalog_has_prices (gpointer data)
{
  CfaiModel *model = cfai_model_catalog_lookup (cfai_application_get_catalog (app), data);

  return model != NULL && cfai_model_get_prices (model)->len > 0;
}

static gboolean
gallery_has (gpointer data)
{
  GListModel *images = cfai_image_store_get_images (cfai_application_get_image_store (app));

  return g_list_model_get_n_items (images) == GPOINTER_TO_UINT (data);
}

static void
test_generate_families (Fixture       *fixture,
                        gconstpointer  data)
{
  GListModel *gallery = cfai_image_store_get_images (cfai_application_get_image_store (app));
  guint kept = g_list_model_get_n_items (gallery);

  /* The default image model comes from Preferences. */
  g_assert_cmpstr (cfai_image_studio_get_model (fixture->studio), ==, FLUX_SCHNELL);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "Images — CfAI");

  for (gsize i = 0; i < G_N_ELEMENTS (families); i++)
    {
      const Family *family = &families[i];
      CfaiImageJob *job;
      CfaiImageRun *run;
      GdkTexture *texture;
      g_autofree char *left = NULL;

      g_test_message ("model %s", family->model);
      if (family->priced)
        g_assert_true (cfai_ui_test_wait_until (catalog_has_prices, (gpointer) family->model, WAIT_MS));
      cfai_image_studio_set_model (fixture->studio, family->model);
      type_and_generate (fixture, "A red fox in a snowy forest at dawn, watercolor");
      g_assert_cmpuint (n_jobs (fixture), ==, i + 1);
      job = job_at (fixture, 0);
      g_assert_true (cfai_ui_test_wait_until (job_finished, job, WAIT_MS));
      if (cfai_image_job_get_error (job) != NULL)
        g_error ("%s: %s", family->model, cfai_image_job_get_error (job)->message);
      g_assert_cmpint (cfai_image_job_get_state (job), ==, CFAI_IMAGE_JOB_DONE);
      run = cfai_image_job_get_run (job);
      g_assert_cmpstr (cfai_run_get_model_id (CFAI_RUN (run)), ==, family->model);
      g_assert_cmpstr (cfai_image_run_get_mime_type (run), ==, family->mime_type);
      texture = cfai_image_job_get_texture (job);
      g_assert_nonnull (texture);
      g_assert_cmpint (gdk_texture_get_width (texture), >, 0);
      /* The picture is on screen, and the prompt stays for the next one. */
      g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, row_for (fixture, job), WAIT_MS));
      left = prompt_text (fixture);
      g_assert_cmpstr (left, ==, "A red fox in a snowy forest at dawn, watercolor");

      /* Kept in the gallery, with how it was made. */
      g_assert_true (cfai_ui_test_wait_until (gallery_has, GUINT_TO_POINTER (kept + i + 1), WAIT_MS));
      {
        g_autoptr(CfaiImageRecord) record = g_list_model_get_item (gallery, 0);

        g_assert_cmpstr (cfai_image_record_get_model (record), ==, family->model);
        g_assert_cmpstr (cfai_image_record_get_prompt (record), ==, left);
        g_assert_cmpstr (cfai_image_record_get_mime_type (record), ==, family->mime_type);
        g_assert_cmpint (cfai_image_record_get_seed (record), ==, cfai_image_job_get_seed (job));
        g_assert_true (g_file_test (cfai_image_record_get_path (record), G_FILE_TEST_IS_REGULAR));

        /* Priced by the live catalog: Phoenix per tile and per step,
         * FLUX.2 per tile and step. */
        if (family->priced)
          {
            CfaiImageRequest *sent = cfai_image_run_get_sent_request (run);
            CfaiModel *model = cfai_model_catalog_lookup (cfai_application_get_catalog (app), family->model);
            double expected = cfai_model_estimate_image_cost (model,
                                                              cfai_image_request_get_width (sent),
                                                              cfai_image_request_get_height (sent),
                                                              cfai_image_request_get_steps (sent), 0);

            g_assert_cmpfloat (expected, >, 0);
            g_assert_cmpfloat_with_epsilon (cfai_image_record_get_estimated_cost (record), expected, 1e-12);
          }
      }
    }
  g_assert_true (cfai_ui_test_wait_until (studio_idle, fixture->studio, WAIT_MS));
}

static gboolean
hints_closed (gpointer data)
{
  return !gtk_revealer_get_reveal_child (data);
}

/* The sidebar: Chats and back keep the same studio, and its queue. */
static void
test_sidebar (Fixture       *fixture,
              gconstpointer  data)
{
  GtkStack *content = window_child (fixture, "content_stack");
  CfaiImageStudio *studio = fixture->studio;
  GtkWidget *picker = window_child (fixture, "chat_model_picker");

  /* The header names the studio; the chat model picker is not for it. */
  g_assert_false (gtk_widget_get_mapped (picker));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window_child (fixture, "header_title_stack")), ==, "title");
  type_and_generate (fixture, "A small robot watering plants, 3D render");
  g_assert_cmpuint (n_jobs (fixture), ==, 1);

  adw_view_stack_set_visible_child_name (window_child (fixture, "section_stack"), "chats");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (content), ==, "welcome");
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, picker, WAIT_MS));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "CfAI");

  open_studio (fixture);
  g_assert_true (fixture->studio == studio);
  g_assert_cmpuint (n_jobs (fixture), ==, 1);
  g_assert_true (cfai_ui_test_wait_until (job_finished, job_at (fixture, 0), WAIT_MS));

  /* Narrow, the hints start closed and the pictures keep their room;
   * the Hints button still opens them. */
  {
    GtkToggleButton *hints_button = studio_child (fixture, "hints_button");
    GtkRevealer *hints = studio_child (fixture, "hints_revealer");

    g_assert_true (gtk_toggle_button_get_active (hints_button));
    gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 760);
    g_assert_true (cfai_ui_test_wait_until (hints_closed, hints, WAIT_MS));
    g_assert_false (gtk_toggle_button_get_active (hints_button));
    cfai_ui_test_click (GTK_WIDGET (hints_button));
    g_assert_true (gtk_revealer_get_reveal_child (hints));
    /* After the content's cross-fade. */
    cfai_ui_test_settle (400);
    cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-studio-narrow.png");

    /* As narrow as the window goes, the sidebar folded away. */
    gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 700);
    g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, prompt (fixture), WAIT_MS));
    cfai_ui_test_settle (SETTLE_MS);
  }
}

/* Parameters: exactly the model's ---------------------------------------- */

typedef struct
{
  const char *model;
  gboolean    size, steps, guidance, seed, negative;
  double      steps_min, steps_max, steps_default;
} Visibility;

static const Visibility visibility[] = {
  { FLUX_SCHNELL, FALSE, TRUE, FALSE, FALSE, FALSE, 1, 8, 4 },
  { SDXL, TRUE, TRUE, TRUE, TRUE, TRUE, 1, 20, 20 },
  { PHOENIX, TRUE, TRUE, TRUE, TRUE, TRUE, 1, 50, 25 },
  { FLUX2_DEV, TRUE, TRUE, TRUE, TRUE, FALSE, 1, 50, 25 },
  /* [klein] always takes four steps: nothing to choose. */
  { FLUX2_KLEIN, TRUE, FALSE, TRUE, TRUE, FALSE, 0, 0, 0 },
};

static void
test_parameters (Fixture       *fixture,
                 gconstpointer  data)
{
  for (gsize i = 0; i < G_N_ELEMENTS (visibility); i++)
    {
      const Visibility *v = &visibility[i];
      AdwSpinRow *steps = settings_row (fixture, "steps_row");

      g_test_message ("model %s", v->model);
      cfai_image_studio_set_model (fixture->studio, v->model);
      cfai_ui_test_settle (50);
      g_assert_cmpint (gtk_widget_get_mapped (settings_row (fixture, "size_row")), ==, v->size);
      g_assert_cmpint (gtk_widget_get_mapped (GTK_WIDGET (steps)), ==, v->steps);
      g_assert_cmpint (gtk_widget_get_mapped (settings_row (fixture, "guidance_row")), ==, v->guidance);
      g_assert_cmpint (gtk_widget_get_mapped (settings_row (fixture, "seed_row")), ==, v->seed);
      g_assert_cmpint (gtk_widget_get_mapped (settings_row (fixture, "negative_row")), ==, v->negative);
      /* Custom sizes only when asked for. */
      g_assert_false (gtk_widget_get_mapped (settings_row (fixture, "width_row")));
      if (v->steps)
        {
          GtkAdjustment *adjustment = adw_spin_row_get_adjustment (steps);

          g_assert_cmpfloat (gtk_adjustment_get_lower (adjustment), ==, v->steps_min);
          g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, v->steps_max);
          g_assert_cmpfloat (adw_spin_row_get_value (steps), ==, v->steps_default);
        }
    }

  /* Sizes: presets within the model's limits, and a custom size. */
  {
    AdwComboRow *size = settings_row (fixture, "size_row");
    AdwSpinRow *width = settings_row (fixture, "width_row");
    AdwSpinRow *height = settings_row (fixture, "height_row");
    CfaiImageJob *job;

    cfai_image_studio_set_model (fixture->studio, FLUX2_DEV);
    adw_combo_row_set_selected (size, 3);  /* Wide (16:9) */
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (size)), ==, "1024 × 576");
    adw_combo_row_set_selected (size, 5);  /* Custom */
    g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, width, WAIT_MS));
    g_assert_cmpfloat (gtk_adjustment_get_upper (adw_spin_row_get_adjustment (width)), ==, 1920);
    g_assert_cmpfloat (gtk_adjustment_get_lower (adw_spin_row_get_adjustment (height)), ==, 256);
    adw_spin_row_set_value (width, 640);
    adw_spin_row_set_value (height, 480);
    type_and_generate (fixture, "A lighthouse on a cliff in a storm, oil painting");
    job = job_at (fixture, 0);
    g_assert_true (cfai_ui_test_wait_until (job_finished, job, WAIT_MS));
    g_assert_cmpint (cfai_image_job_get_state (job), ==, CFAI_IMAGE_JOB_DONE);
    g_assert_cmpuint (cfai_image_request_get_width (cfai_image_job_get_request (job)), ==, 640);
    g_assert_cmpuint (cfai_image_request_get_height (cfai_image_job_get_request (job)), ==, 480);
    /* The fake keeps the aspect ratio of what it was asked for. */
    g_assert_cmpint (gdk_texture_get_width (cfai_image_job_get_texture (job)) * 3, ==,
                     gdk_texture_get_height (cfai_image_job_get_texture (job)) * 4);
  }
}

/* Count and queue, with cancel --------------------------------------------- */

static guint
closed_by_client (void)
{
  return cfai_test_server_get_count (server, "closed_by_client");
}

static gboolean
server_saw_close (gpointer data)
{
  return closed_by_client () > *(guint *) data;
}

static gboolean
hints_follow (gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *text = prompt_text (fixture);

  return g_strcmp0 (cfai_prompt_hints_get_prompt (cfai_image_studio_get_hints (fixture->studio)), text) == 0;
}

static void
test_queue_cancel (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *count = studio_child (fixture, "count_button");
  CfaiImageQueue *queue = cfai_image_studio_get_queue (fixture->studio);
  CfaiImageJob *first, *second, *third;
  guint closed = closed_by_client ();
  GtkWidget *cancel;

  use_scenario (fixture, "slow-image+strict-steps");
  cfai_image_studio_set_model (fixture->studio, SDXL);

  /* Three images: Up twice in the count. */
  gtk_widget_grab_focus (count);
  cfai_ui_test_press_key (count, GDK_KEY_Up, 0);
  cfai_ui_test_press_key (count, GDK_KEY_Up, 0);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (count)), ==, 3);
  cfai_image_studio_focus_prompt (fixture->studio);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_has_focus, prompt (fixture), WAIT_MS));
  type_and_generate (fixture, "A bowl of ramen on a wooden counter, steam, photo");

  /* Two at a time; the oldest first; each its own seed. */
  g_assert_cmpuint (n_jobs (fixture), ==, 3);
  third = job_at (fixture, 0);
  second = job_at (fixture, 1);
  first = job_at (fixture, 2);
  g_assert_cmpint (cfai_image_job_get_state (first), ==, CFAI_IMAGE_JOB_RUNNING);
  g_assert_cmpint (cfai_image_job_get_state (second), ==, CFAI_IMAGE_JOB_RUNNING);
  g_assert_cmpint (cfai_image_job_get_state (third), ==, CFAI_IMAGE_JOB_QUEUED);
  g_assert_cmpuint (cfai_image_queue_get_n_running (queue), ==, 2);
  g_assert_true (cfai_image_studio_get_busy (fixture->studio));
  g_assert_true (gtk_widget_get_visible (window_child (fixture, "busy_spinner")));
  g_assert_cmpint (cfai_image_job_get_seed (first), !=, cfai_image_job_get_seed (second));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, row_for (fixture, third), WAIT_MS));
  g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (row_for (fixture, third)), "Waiting for its turn"));
  g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (row_for (fixture, first)), "Generating…"));

  /* The studio stays usable: the prompt takes keys while they run. */
  cfai_ui_test_type_keys (prompt (fixture), " x");
  g_assert_true (cfai_ui_test_wait_until (hints_follow, fixture, WAIT_MS));
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-studio-queue.png");

  /* Cancelling the first closes its transfer; the third takes its place. */
  cancel = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (row_for (fixture, first)), CFAI_TYPE_IMAGE_JOB_ROW, "cancel_button"));
  cfai_ui_test_click (cancel);
  g_assert_true (cfai_ui_test_wait_until (job_finished, first, WAIT_MS));
  g_assert_cmpint (cfai_image_job_get_state (first), ==, CFAI_IMAGE_JOB_CANCELLED);
  g_assert_true (cfai_ui_test_wait_until (server_saw_close, &closed, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (job_running, third, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_hidden, cancel, WAIT_MS));
  g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (row_for (fixture, first)), "Cancelled"));

  /* The others arrive, each as soon as it is done. */
  g_assert_true (cfai_ui_test_wait_until (job_finished, second, WAIT_MS));
  g_assert_cmpint (cfai_image_job_get_state (second), ==, CFAI_IMAGE_JOB_DONE);
  g_assert_nonnull (cfai_image_job_get_texture (second));
  g_assert_true (cfai_ui_test_wait_until (job_finished, third, WAIT_MS));
  g_assert_cmpint (cfai_image_job_get_state (third), ==, CFAI_IMAGE_JOB_DONE);
  g_assert_true (cfai_ui_test_wait_until (studio_idle, fixture->studio, WAIT_MS));

  /* A queued image cancelled is never sent. */
  {
    CfaiImageJob *waiting;
    guint before = closed_by_client ();

    gtk_spin_button_set_value (GTK_SPIN_BUTTON (count), 3);
    cfai_ui_test_press_key (prompt (fixture), GDK_KEY_Return, GDK_CONTROL_MASK);
    g_assert_cmpuint (n_jobs (fixture), ==, 6);
    waiting = job_at (fixture, 0);
    g_assert_cmpint (cfai_image_job_get_state (waiting), ==, CFAI_IMAGE_JOB_QUEUED);
    cancel = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (row_for (fixture, waiting)), CFAI_TYPE_IMAGE_JOB_ROW, "cancel_button"));
    g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, cancel, WAIT_MS));
    cfai_ui_test_click (cancel);
    g_assert_cmpint (cfai_image_job_get_state (waiting), ==, CFAI_IMAGE_JOB_CANCELLED);
    g_assert_true (cfai_ui_test_wait_until (studio_idle, fixture->studio, WAIT_MS));
    g_assert_cmpint (cfai_image_job_get_state (job_at (fixture, 1)), ==, CFAI_IMAGE_JOB_DONE);
    g_assert_cmpint (cfai_image_job_get_state (job_at (fixture, 2)), ==, CFAI_IMAGE_JOB_DONE);
    g_assert_cmpuint (closed_by_client (), ==, before);
  }
}

/* The safety filter and the hints ---------------------------------------- */

static gboolean
shows_label (gpointer data)
{
  gpointer *args = data;

  return cfai_ui_test_find_label (args[0], args[1]) != NULL;
}

static gboolean
revealed (gpointer data)
{
  return gtk_revealer_get_reveal_child (data) && gtk_revealer_get_child_revealed (data);
}

static void
test_nsfw_hints (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkToggleButton *hints_button = studio_child (fixture, "hints_button");
  GtkRevealer *hints = studio_child (fixture, "hints_revealer");
  GtkWidget *rewrite = studio_child (fixture, "rewrite_box");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (prompt (fixture)));
  g_autofree char *suggested = NULL;
  g_autofree char *applied = NULL;
  g_autofree char *typed = NULL;
  GtkTextIter start, end;
  CfaiImageJob *job;

  use_scenario (fixture, "nsfw-oneword+strict-steps");
  gtk_toggle_button_set_active (hints_button, FALSE);
  g_assert_false (gtk_revealer_get_reveal_child (hints));

  type_and_generate (fixture, "hamburger");
  job = job_at (fixture, 0);
  g_assert_true (cfai_ui_test_wait_until (job_finished, job, WAIT_MS));
  g_assert_cmpint (cfai_image_job_get_state (job), ==, CFAI_IMAGE_JOB_FAILED);
  g_assert_error (cfai_image_job_get_error (job), CFAI_ERROR, CFAI_ERROR_NSFW);

  /* The hints open by themselves, with a rewrite that keeps the word. */
  g_assert_true (cfai_ui_test_wait_until (revealed, hints, WAIT_MS));
  g_assert_true (gtk_widget_get_mapped (rewrite));
  suggested = g_strdup (gtk_label_get_text (studio_child (fixture, "rewrite_label")));
  g_assert_nonnull (cfai_ui_test_find_button (GTK_WIDGET (row_for (fixture, job)), "Show Hints"));
  g_assert_true (g_str_has_prefix (suggested, "A photo of hamburger, <"));
  g_assert_true (cfai_ui_test_wait_until (hints_follow, fixture, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (shows_label, (gpointer[]) { fixture->studio, (gpointer) "Say more than “hamburger”" }, WAIT_MS));
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-studio-hints.png");

  /* One click applies it, with its first slot selected to type over. */
  cfai_ui_test_click (cfai_ui_test_find_button (rewrite, "Use Suggested Prompt"));
  applied = prompt_text (fixture);
  g_assert_cmpstr (applied, ==, suggested);
  g_assert_false (gtk_widget_get_visible (rewrite));
  g_assert_true (gtk_text_buffer_get_selection_bounds (buffer, &start, &end));
  g_assert_cmpint (gtk_text_iter_get_char (&start), ==, '<');
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_has_focus, prompt (fixture), WAIT_MS));
  cfai_ui_test_type_keys (prompt (fixture), "juicy with lettuce");
  typed = prompt_text (fixture);
  g_assert_true (g_str_has_prefix (typed, "A photo of hamburger, juicy with lettuce, <"));

  /* Described, it passes the filter. */
  cfai_ui_test_press_key (prompt (fixture), GDK_KEY_Return, GDK_CONTROL_MASK);
  job = job_at (fixture, 0);
  g_assert_true (cfai_ui_test_wait_until (job_finished, job, WAIT_MS));
  g_assert_cmpint (cfai_image_job_get_state (job), ==, CFAI_IMAGE_JOB_DONE);
}

static GtkButton *
find_chip (GtkWidget          *root,
           CfaiPromptHintKind  kind)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkButton *found;

      if (CFAI_IS_PROMPT_HINT_ROW (child) &&
          cfai_prompt_hint_get_kind (cfai_prompt_hint_row_get_hint (CFAI_PROMPT_HINT_ROW (child))) == kind)
        return cfai_prompt_hint_row_get_chip (CFAI_PROMPT_HINT_ROW (child));
      if ((found = find_chip (child, kind)) != NULL)
        return found;
    }
  return NULL;
}

static void
count_update (guint *updates)
{
  (*updates)++;
}

static void
test_hint_chips (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkWidget *list = studio_child (fixture, "hints_list");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (prompt (fixture)));
  g_autofree char *after_chip = NULL;
  g_autofree char *after_typing = NULL;
  g_autofree char *selected = NULL;
  GtkTextIter start, end;
  GtkButton *chip;
  CfaiPromptHints *hints = cfai_image_studio_get_hints (fixture->studio);
  guint updates = 0;
  gulong handler = g_signal_connect_swapped (hints, "notify::prompt", G_CALLBACK (count_update), &updates);

  /* The hints catch up once the typing pauses, not on every key (36 of
   * them here; a slow machine may pause now and then). */
  cfai_ui_test_type_keys (prompt (fixture), "A tabby cat sleeping on a windowsill");
  g_assert_true (cfai_ui_test_wait_until (hints_follow, fixture, WAIT_MS));
  g_signal_handler_disconnect (hints, handler);
  g_test_message ("%u hint updates for 36 keys", updates);
  g_assert_cmpuint (updates, >=, 1);
  g_assert_cmpuint (updates, <, 12);
  cfai_ui_test_settle (SETTLE_MS);
  chip = find_chip (list, CFAI_PROMPT_HINT_LIGHTING);
  g_assert_nonnull (chip);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (chip)));
  g_assert_cmpstr (gtk_button_get_label (chip), ==, "+ soft morning light");

  /* A chip adds its phrase, selected: typing replaces it. */
  cfai_ui_test_click (GTK_WIDGET (chip));
  after_chip = prompt_text (fixture);
  g_assert_cmpstr (after_chip, ==, "A tabby cat sleeping on a windowsill, soft morning light");
  g_assert_true (gtk_text_buffer_get_selection_bounds (buffer, &start, &end));
  selected = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (selected, ==, "soft morning light");
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_has_focus, prompt (fixture), WAIT_MS));
  cfai_ui_test_type_keys (prompt (fixture), "warm lamplight");
  after_typing = prompt_text (fixture);
  g_assert_cmpstr (after_typing, ==, "A tabby cat sleeping on a windowsill, warm lamplight");

  /* Light is described now: its hint goes. */
  g_assert_true (cfai_ui_test_wait_until (hints_follow, fixture, WAIT_MS));
  cfai_ui_test_settle (SETTLE_MS);
  g_assert_null (find_chip (list, CFAI_PROMPT_HINT_LIGHTING));
  g_assert_nonnull (find_chip (list, CFAI_PROMPT_HINT_STYLE));
}

/* Enhance with AI ------------------------------------------------------------- */

static gboolean
enhance_ready (gpointer data)
{
  Fixture *fixture = data;

  return !cfai_image_studio_get_busy (fixture->studio) &&
         gtk_widget_is_sensitive (cfai_ui_test_find_button (GTK_WIDGET (fixture->studio), "Use Rewrite"));
}

static void
test_enhance (Fixture       *fixture,
              gconstpointer  data)
{
  GtkWidget *enhance = studio_child (fixture, "enhance_button");
  GtkRevealer *revealer = studio_child (fixture, "enhance_revealer");
  GtkLabel *before = studio_child (fixture, "before_label");
  GtkLabel *after = studio_child (fixture, "after_label");
  g_autofree char *kept = NULL;
  g_autofree char *rewritten = NULL;
  g_autofree char *offered = NULL;

  g_assert_false (gtk_widget_is_sensitive (enhance));
  cfai_ui_test_type_keys (prompt (fixture), "a castle");
  g_assert_true (gtk_widget_is_sensitive (enhance));

  /* Discard: the prompt is exactly as it was. */
  cfai_ui_test_click (enhance);
  g_assert_true (cfai_ui_test_wait_until (revealed, revealer, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (enhance_ready, fixture, WAIT_MS));
  g_assert_cmpstr (gtk_label_get_text (before), ==, "a castle");
  g_assert_true (g_str_has_prefix (gtk_label_get_text (after), "You said: a castle."));
  kept = prompt_text (fixture);
  g_assert_cmpstr (kept, ==, "a castle");
  cfai_ui_test_click (cfai_ui_test_find_button (GTK_WIDGET (revealer), "Discard"));
  g_assert_false (gtk_revealer_get_reveal_child (revealer));
  g_clear_pointer (&kept, g_free);
  kept = prompt_text (fixture);
  g_assert_cmpstr (kept, ==, "a castle");

  /* Accept: the rewrite shown is the prompt, and Ctrl+Z brings back the old one. */
  cfai_ui_test_click (enhance);
  g_assert_true (cfai_ui_test_wait_until (enhance_ready, fixture, WAIT_MS));
  offered = g_strdup (gtk_label_get_text (after));
  cfai_ui_test_click (cfai_ui_test_find_button (GTK_WIDGET (revealer), "Use Rewrite"));
  rewritten = prompt_text (fixture);
  g_assert_cmpstr (rewritten, ==, offered);
  g_assert_false (gtk_revealer_get_reveal_child (revealer));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_has_focus, prompt (fixture), WAIT_MS));
  cfai_ui_test_press_key (prompt (fixture), GDK_KEY_z, GDK_CONTROL_MASK);
  g_clear_pointer (&kept, g_free);
  kept = prompt_text (fixture);
  g_assert_cmpstr (kept, ==, "a castle");
}

/* Seeds ------------------------------------------------------------------------ */

static void
test_seed_lock (Fixture       *fixture,
                gconstpointer  data)
{
  AdwSpinRow *seed_row;
  GtkWidget *lock;
  CfaiImageJob *first, *again, *unlocked;
  g_autofree char *seed_text = NULL;
  gint64 seed;

  cfai_image_studio_set_model (fixture->studio, SDXL);
  seed_row = settings_row (fixture, "seed_row");
  lock = settings_row (fixture, "seed_lock");

  type_and_generate (fixture, "A paper boat on a puddle, macro photo");
  first = job_at (fixture, 0);
  g_assert_true (cfai_ui_test_wait_until (job_finished, first, WAIT_MS));
  g_assert_cmpint (cfai_image_job_get_state (first), ==, CFAI_IMAGE_JOB_DONE);

  /* The studio chose the seed; it is shown under the picture and in the row. */
  seed = cfai_image_job_get_seed (first);
  g_assert_cmpint (seed, >=, 0);
  seed_text = g_strdup_printf ("Seed %" G_GINT64_FORMAT, seed);
  g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (row_for (fixture, first)), seed_text));
  g_assert_cmpfloat (adw_spin_row_get_value (seed_row), ==, (double) seed);
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (lock)));

  /* Kept, it makes the same picture again. */
  cfai_ui_test_click (lock);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (lock)));
  cfai_image_studio_focus_prompt (fixture->studio);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_has_focus, prompt (fixture), WAIT_MS));
  cfai_ui_test_press_key (prompt (fixture), GDK_KEY_Return, GDK_CONTROL_MASK);
  again = job_at (fixture, 0);
  g_assert_true (again != first);
  g_assert_true (cfai_ui_test_wait_until (job_finished, again, WAIT_MS));
  g_assert_cmpint (cfai_image_job_get_seed (again), ==, seed);
  g_assert_true (g_bytes_equal (cfai_image_run_get_image (cfai_image_job_get_run (again)),
                                cfai_image_run_get_image (cfai_image_job_get_run (first))));

  /* Released, the next one gets a new seed. */
  cfai_ui_test_click (lock);
  cfai_image_studio_focus_prompt (fixture->studio);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_has_focus, prompt (fixture), WAIT_MS));
  cfai_ui_test_press_key (prompt (fixture), GDK_KEY_Return, GDK_CONTROL_MASK);
  unlocked = job_at (fixture, 0);
  g_assert_true (cfai_ui_test_wait_until (job_finished, unlocked, WAIT_MS));
  g_assert_cmpint (cfai_image_job_get_seed (unlocked), !=, seed);
  g_assert_cmpfloat (adw_spin_row_get_value (seed_row), ==, (double) cfai_image_job_get_seed (unlocked));
}

/* Reference images ------------------------------------------------------------- */

static GdkTexture *
make_picture (int width,
              int height)
{
  gsize stride = width * 3;
  guint8 *pixels = g_malloc (stride * height);
  g_autoptr(GBytes) bytes = NULL;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + y * stride + x * 3;

        p[0] = x * 255 / width;
        p[1] = y * 255 / height;
        p[2] = 128;
      }
  bytes = g_bytes_new_take (pixels, stride * height);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8, bytes, stride);
}

static gboolean
has_jobs (gpointer data)
{
  gpointer *args = data;

  return n_jobs (args[0]) == GPOINTER_TO_UINT (args[1]);
}

static gboolean
has_images (gpointer data)
{
  gpointer *args = data;

  return cfai_reference_images_get_n_images (args[0]) == GPOINTER_TO_UINT (args[1]);
}

static void
test_reference_images (Fixture       *fixture,
                       gconstpointer  data)
{
  CfaiReferenceImages *references = cfai_image_studio_get_references (fixture->studio);
  GtkWidget *strength = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (references), CFAI_TYPE_REFERENCE_IMAGES, "strength_row"));
  GtkLabel *error_label = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (references), CFAI_TYPE_REFERENCE_IMAGES, "error_label"));
  GtkLabel *notice = studio_child (fixture, "notice_label");
  g_autoptr(GdkTexture) big = make_picture (1024, 768);
  g_autoptr(GBytes) png = gdk_texture_save_to_png_bytes (big);
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "reference.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) not_a_picture = g_bytes_new_static ("hello", 5);
  CfaiImageRequest *request;
  CfaiImageJob *job;

  /* FLUX.1 [schnell] takes none: nothing is offered. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (references)));

  cfai_image_studio_set_model (fixture->studio, FLUX2_DEV);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, references, WAIT_MS));
  g_assert_false (gtk_widget_get_mapped (strength));

  /* Pasted into the prompt: Ctrl+V with a picture on the clipboard. */
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (prompt (fixture)), big);
  cfai_ui_test_press_key (prompt (fixture), GDK_KEY_v, GDK_CONTROL_MASK);
  g_assert_true (cfai_ui_test_wait_until (has_images, (gpointer[]) { references, GUINT_TO_POINTER (1) }, WAIT_MS));
  /* From a file, as the file dialog and a drop give it. */
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), NULL));
  cfai_reference_images_add_file (references, file);
  g_assert_true (cfai_ui_test_wait_until (has_images, (gpointer[]) { references, GUINT_TO_POINTER (2) }, WAIT_MS));
  /* What is not a picture is said, and nothing is added. */
  cfai_reference_images_add_bytes (references, not_a_picture);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, error_label, WAIT_MS));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (error_label), "This file is not a picture CfAI can read"));
  g_assert_cmpuint (cfai_reference_images_get_n_images (references), ==, 2);

  /* Sent as two parts, each scaled to FLUX.2's 512×512 (the fake refuses
   * larger ones). */
  type_and_generate (fixture, "The cat from the first picture in the room of the second, watercolor");
  g_assert_true (cfai_ui_test_wait_until (has_jobs, (gpointer[]) { fixture, GUINT_TO_POINTER (1) }, WAIT_MS));
  job = job_at (fixture, 0);
  g_assert_true (cfai_ui_test_wait_until (job_finished, job, WAIT_MS));
  if (cfai_image_job_get_error (job) != NULL)
    g_error ("FLUX.2 with references: %s", cfai_image_job_get_error (job)->message);
  g_assert_cmpint (cfai_image_job_get_state (job), ==, CFAI_IMAGE_JOB_DONE);
  request = cfai_image_job_get_request (job);
  g_assert_cmpuint (cfai_image_request_get_n_reference_images (request), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GdkTexture) sent = gdk_texture_new_from_bytes (cfai_image_request_get_reference_image (request, i, NULL), NULL);

      g_assert_cmpint (gdk_texture_get_width (sent), ==, 512);
      g_assert_cmpint (gdk_texture_get_height (sent), ==, 384);
    }

  /* Stable Diffusion takes one picture, with a strength: two are refused
   * before anything is sent, and kept. */
  cfai_image_studio_set_model (fixture->studio, SDXL);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, strength, WAIT_MS));
  cfai_ui_test_press_key (prompt (fixture), GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, notice, WAIT_MS));
  g_assert_cmpuint (n_jobs (fixture), ==, 1);
  g_assert_cmpuint (cfai_reference_images_get_n_images (references), ==, 2);

  /* One removed (its button), the other goes as img2img. */
  cfai_ui_test_click (find_button_by_tooltip (GTK_WIDGET (references), "Remove Reference Image"));
  g_assert_cmpuint (cfai_reference_images_get_n_images (references), ==, 1);
  adw_spin_row_set_value (ADW_SPIN_ROW (strength), 0.7);
  cfai_image_studio_focus_prompt (fixture->studio);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_has_focus, prompt (fixture), WAIT_MS));
  cfai_ui_test_press_key (prompt (fixture), GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (cfai_ui_test_wait_until (has_jobs, (gpointer[]) { fixture, GUINT_TO_POINTER (2) }, WAIT_MS));
  job = job_at (fixture, 0);
  g_assert_true (cfai_ui_test_wait_until (job_finished, job, WAIT_MS));
  if (cfai_image_job_get_error (job) != NULL)
    g_error ("img2img: %s", cfai_image_job_get_error (job)->message);
  g_assert_cmpint (cfai_image_job_get_state (job), ==, CFAI_IMAGE_JOB_DONE);
  g_assert_cmpuint (cfai_image_request_get_n_reference_images (cfai_image_job_get_request (job)), ==, 1);
  g_assert_cmpfloat_with_epsilon (cfai_image_request_get_strength (cfai_image_job_get_request (job)), 0.7, 1e-9);

  /* A model without references keeps them in view, to be removed. */
  cfai_image_studio_set_model (fixture->studio, FLUX_SCHNELL);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (references)));
  g_assert_false (gtk_widget_get_mapped (strength));
  cfai_ui_test_press_key (prompt (fixture), GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, notice, WAIT_MS));
  g_assert_cmpuint (n_jobs (fixture), ==, 2);
  g_unlink (path);
}

/* Errors the studio catches before sending ------------------------------------- */

static void
test_invalid_input (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkLabel *notice = studio_child (fixture, "notice_label");
  g_autofree char *long_prompt = g_strnfill (2100, 'a');
  g_autofree char *kept = NULL;

  /* Nothing to generate from an empty prompt. */
  g_assert_false (gtk_widget_is_sensitive (studio_child (fixture, "generate_button")));

  /* FLUX.1 [schnell] reads 2,048 characters: said before anything is sent. */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (prompt (fixture))), long_prompt, -1);
  cfai_ui_test_press_key (prompt (fixture), GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_cmpuint (n_jobs (fixture), ==, 0);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (notice)));
  g_assert_nonnull (strstr (gtk_label_get_text (notice), "2048"));
  kept = prompt_text (fixture);
  g_assert_cmpuint (strlen (kept), ==, 2100);

  /* An error from the server is said under the image. */
  use_scenario (fixture, "error-3036");
  type_and_generate (fixture, "A quiet harbour at dusk, oil painting");
  g_assert_true (cfai_ui_test_wait_until (job_finished, job_at (fixture, 0), WAIT_MS));
  g_assert_cmpint (cfai_image_job_get_state (job_at (fixture, 0)), ==, CFAI_IMAGE_JOB_FAILED);
  g_assert_error (cfai_image_job_get_error (job_at (fixture, 0)), CFAI_ERROR, CFAI_ERROR_DAILY_LIMIT);
  /* With when to try again: the daily allocation's reset. */
  {
    g_autofree char *said = g_strdup_printf ("%s The free allocation resets at 00:00 UTC.",
                                             cfai_image_job_get_error (job_at (fixture, 0))->message);

    g_assert_nonnull (cfai_ui_test_find_label (GTK_WIDGET (row_for (fixture, job_at (fixture, 0))), said));
  }

  /* With its remedy: here, to try again later, the same picture. */
  {
    CfaiImageJob *failed = job_at (fixture, 0);
    GtkWidget *again = cfai_ui_test_find_button (GTK_WIDGET (row_for (fixture, failed)), "Try Again");
    CfaiImageJob *retried;

    g_assert_nonnull (again);
    use_scenario (fixture, "strict-steps");
    cfai_ui_test_click (again);
    g_assert_cmpuint (n_jobs (fixture), ==, 2);
    retried = job_at (fixture, 0);
    g_assert_true (retried != failed);
    g_assert_true (cfai_ui_test_wait_until (job_finished, retried, WAIT_MS));
    g_assert_cmpint (cfai_image_job_get_state (retried), ==, CFAI_IMAGE_JOB_DONE);
    g_assert_cmpstr (cfai_image_request_get_prompt (cfai_image_job_get_request (retried)), ==,
                     "A quiet harbour at dusk, oil painting");
  }
}

typedef struct
{
  GtkWidget *window;
  GtkWidget *button;
  int        width, height;   /* the window's size to check at */
} Reachable;

/* The window was given its new size: the default size counts the frame
 * a client-side decorated window draws around itself, its allocation
 * does not. */
static gboolean
window_has_size (gpointer data)
{
  Reachable *r = data;
  int width = gtk_widget_get_width (r->window);
  int height = gtk_widget_get_height (r->window);

  return width <= r->width && width > r->width - 40 && height <= r->height && height > r->height - 40;
}

/* Drawn inside the window, and what a click at its middle would hit:
 * not scrolled away, clipped or covered. */
static gboolean
button_reachable (gpointer data)
{
  Reachable *r = data;
  graphene_rect_t bounds;
  GtkWidget *hit;
  double x, y;

  if (!cfai_ui_test_widget_is_drawn (r->button) ||
      !gtk_widget_compute_bounds (r->button, r->window, &bounds))
    return FALSE;
  if (bounds.origin.x < 0 || bounds.origin.y < 0 ||
      bounds.origin.x + bounds.size.width > gtk_widget_get_width (r->window) ||
      bounds.origin.y + bounds.size.height > gtk_widget_get_height (r->window))
    return FALSE;
  x = bounds.origin.x + bounds.size.width / 2;
  y = bounds.origin.y + bounds.size.height / 2;
  hit = gtk_widget_pick (r->window, x, y, GTK_PICK_DEFAULT);
  return hit != NULL && (hit == r->button || gtk_widget_is_ancestor (hit, r->button));
}

/* Narrow or short, the settings scroll but Generate stays in reach:
 * SDXL's settings are the tallest. */
static void
test_narrow_generate (Fixture       *fixture,
                      gconstpointer  data)
{
  static const struct { int width, height; } sizes[] = {
    { 360, 640 },   /* a phone: everything stacked */
    { 900, 480 },   /* a short, stacked window */
    { 1280, 520 },  /* wide, side by side, but short */
  };
  GtkWidget *generate = studio_child (fixture, "generate_button");
  Reachable reachable = { GTK_WIDGET (fixture->window), generate };

  cfai_image_studio_set_model (fixture->studio, SDXL);
  cfai_ui_test_type_keys (prompt (fixture), "A lighthouse on a cliff at dusk, oil painting");
  g_assert_true (gtk_widget_is_sensitive (generate));

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_test_message ("%d × %d", sizes[i].width, sizes[i].height);
      reachable.width = sizes[i].width;
      reachable.height = sizes[i].height;
      gtk_window_set_default_size (GTK_WINDOW (fixture->window), sizes[i].width, sizes[i].height);
      g_assert_true (cfai_ui_test_wait_until (window_has_size, &reachable, WAIT_MS));
      cfai_ui_test_settle (SETTLE_MS);
      if (!button_reachable (&reachable))
        {
          cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-studio-generate-unreachable.png");
          g_error ("Generate out of reach at %d × %d", sizes[i].width, sizes[i].height);
        }
    }

  /* And it works from there. */
  cfai_ui_test_click (generate);
  g_assert_cmpuint (n_jobs (fixture), ==, 1);
}

static gboolean
rules_are_for (gpointer data)
{
  gpointer *args = data;
  CfaiImageModelRules *rules = cfai_image_settings_get_rules (args[0]);

  return rules != NULL && g_strcmp0 (cfai_image_model_rules_get_model_id (rules), args[1]) == 0;
}

/* Try Again after the model was changed: the image is asked for again
 * of the model it failed with, under that model's rules, even when they
 * came from its schema and there are no built-in ones to fall back on. */
static void
test_retry_other_model (Fixture       *fixture,
                        gconstpointer  data)
{
  CfaiImageSettings *settings = studio_child (fixture, "settings");
  g_autoptr(CfaiImageModelRules) builtin = cfai_image_model_rules_lookup (IMG2IMG);
  CfaiImageModelRules *fetched;
  CfaiImageJob *failed;
  CfaiImageJob *retried;
  GtkWidget *again;

  g_assert_null (builtin);
  cfai_image_studio_set_model (fixture->studio, IMG2IMG);
  g_assert_true (cfai_ui_test_wait_until (rules_are_for, (gpointer[]) { settings, (gpointer) IMG2IMG }, WAIT_MS));
  fetched = cfai_image_settings_get_rules (settings);

  use_scenario (fixture, "error-3036");
  type_and_generate (fixture, "A watercolour fox in a birch wood");
  failed = job_at (fixture, 0);
  g_assert_true (cfai_ui_test_wait_until (job_finished, failed, WAIT_MS));
  g_assert_cmpint (cfai_image_job_get_state (failed), ==, CFAI_IMAGE_JOB_FAILED);
  g_assert_true (cfai_image_job_get_rules (failed) == fetched);

  cfai_image_studio_set_model (fixture->studio, SDXL);
  g_assert_true (cfai_ui_test_wait_until (rules_are_for, (gpointer[]) { settings, (gpointer) SDXL }, WAIT_MS));
  use_scenario (fixture, "strict-steps");
  again = cfai_ui_test_find_button (GTK_WIDGET (row_for (fixture, failed)), "Try Again");
  g_assert_nonnull (again);
  cfai_ui_test_click (again);

  g_assert_cmpuint (n_jobs (fixture), ==, 2);
  retried = job_at (fixture, 0);
  g_assert_true (retried != failed);
  g_assert_cmpstr (cfai_image_request_get_model (cfai_image_job_get_request (retried)), ==, IMG2IMG);
  g_assert_true (cfai_image_job_get_rules (retried) == fetched);
  g_assert_true (cfai_ui_test_wait_until (job_finished, retried, WAIT_MS));
  if (cfai_image_job_get_error (retried) != NULL)
    g_error ("retried: %s", cfai_image_job_get_error (retried)->message);
  g_assert_cmpint (cfai_image_job_get_state (retried), ==, CFAI_IMAGE_JOB_DONE);
}

/* For README and AppStream: a batch done, with the hints beside it. */
static void
test_screenshot (Fixture       *fixture,
                 gconstpointer  data)
{
  /* Wide enough for two pictures a row beside the hints. */
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1560, 900);
  cfai_image_studio_set_model (fixture->studio, SDXL);
  gtk_spin_button_set_value (studio_child (fixture, "count_button"), 4);
  type_and_generate (fixture, "A lighthouse on a rocky cliff at dusk, waves below");
  g_assert_true (cfai_ui_test_wait_until (has_jobs, (gpointer[]) { fixture, GUINT_TO_POINTER (4) }, WAIT_MS));
  for (guint i = 0; i < 4; i++)
    g_assert_true (cfai_ui_test_wait_until (job_finished, job_at (fixture, i), WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (hints_follow, fixture, WAIT_MS));
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-studio.png");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  GTestDBus *bus;
  int ret;

  cfai_test_isolate_home ("cfai-test-image-studio");
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
    g_settings_set_string (settings, "account-id", "test-account");
  }

  app = cfai_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cfai_ui_test_wait_until (credentials_loaded, app, WAIT_MS));

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/studio/generate-families", test_generate_families);
  ADD ("/studio/sidebar", test_sidebar);
  ADD ("/studio/parameters", test_parameters);
  ADD ("/studio/queue-cancel", test_queue_cancel);
  ADD ("/studio/nsfw-hints", test_nsfw_hints);
  ADD ("/studio/hint-chips", test_hint_chips);
  ADD ("/studio/enhance", test_enhance);
  ADD ("/studio/seed-lock", test_seed_lock);
  ADD ("/studio/reference-images", test_reference_images);
  ADD ("/studio/invalid-input", test_invalid_input);
  ADD ("/studio/narrow-generate", test_narrow_generate);
  ADD ("/studio/retry-other-model", test_retry_other_model);
  ADD ("/studio/screenshot", test_screenshot);
#undef ADD

  ret = g_test_run ();

  cfai_ui_test_close_windows (GTK_APPLICATION (app));
  g_clear_object (&app);
  g_clear_pointer (&server, cfai_test_server_stop);
  g_test_dbus_stop (bus);
  return ret;
}
