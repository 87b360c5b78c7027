/* cfai-image-viewer.c — one picture of the gallery, full size, with how it was made
 *
 * The viewer walks the gallery's filtered model (Left is newer, Right
 * older), so it shows what the grid shows; when the picture it shows is
 * deleted it moves to the next one, and closes when none is left.  The
 * thumbnail stands in while the full picture is decoded on a worker
 * thread.  Zoom is "fit" (0) or a scale of the picture's pixels.
 *
 * Reuse Settings, Vary Seed and Use as Reference are signals: the viewer
 * knows nothing of the studio, and whoever opened it decides.  Delete is
 * a signal too, so the gallery that owns the undo toast does it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cfai-application.h"
#include "cfai-format.h"
#include "cfai-image-viewer.h"
#include "cfai-image-viewer-private.h"
#include "cfai-thumbnail-loader.h"

#define MIN_ZOOM 0.05
#define MAX_ZOOM 16.0
#define ZOOM_STEP 1.25

struct _CfaiImageViewer
{
  AdwDialog         parent_instance;

  GListModel       *images;
  guint             position;
  CfaiImageRecord  *record;
  GdkTexture       *texture;        /* the full picture, once decoded */
  GCancellable     *cancellable;    /* the decoding of the one shown */
  GCancellable     *save_cancellable;
  double            zoom;           /* 0: fit */
  double            gesture_start;

  AdwToastOverlay  *toast_overlay;
  GtkScrolledWindow *scroller;
  GtkPicture       *picture;
  GtkToggleButton  *actual_size_button;
  GtkLabel         *prompt_label;
  AdwActionRow     *negative_row;
  AdwActionRow     *model_row;
  AdwActionRow     *settings_row;
  AdwActionRow     *seed_row;
  AdwActionRow     *size_row;
  AdwActionRow     *created_row;
  AdwActionRow     *cost_row;
};

G_DEFINE_FINAL_TYPE (CfaiImageViewer, cfai_image_viewer, ADW_TYPE_DIALOG)

enum {
  PROP_0,
  PROP_RECORD,
  PROP_TEXTURE,
  PROP_ZOOM,
  N_PROPS
};

enum {
  DELETE_REQUESTED,
  REUSE_SETTINGS,
  VARY_SEED,
  USE_AS_REFERENCE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_row (AdwActionRow *row,
         const char   *text)
{
  gboolean shown = text != NULL && *text != '\0';

  adw_action_row_set_subtitle (row, shown ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (row), shown);
}

static void
show_metadata (CfaiImageViewer *self)
{
  CfaiImageRecord *record = self->record;
  g_autofree char *settings = cfai_format_image_settings (record);
  g_autofree char *seed = NULL;
  g_autofree char *size = NULL;
  g_autofree char *created = NULL;
  g_autofree char *cost = NULL;
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local_usec (cfai_image_record_get_created_at (record));

  if (cfai_image_record_get_seed (record) >= 0)
    seed = g_strdup_printf ("%" G_GINT64_FORMAT, cfai_image_record_get_seed (record));
  /* Translators: an image's width and height in pixels */
  size = g_strdup_printf (_("%u × %u"), cfai_image_record_get_width (record), cfai_image_record_get_height (record));
  created = time != NULL ? g_date_time_format (time, "%x %X") : NULL;
  if (cfai_image_record_get_estimated_cost (record) >= 0)
    /* Translators: a cost in US dollars */
    cost = g_strdup_printf (_("About $%.4f"), cfai_image_record_get_estimated_cost (record));

  gtk_label_set_text (self->prompt_label, cfai_image_record_get_prompt (record));
  set_row (self->negative_row, cfai_image_record_get_negative_prompt (record));
  set_row (self->model_row, cfai_image_record_get_model (record));
  set_row (self->settings_row, settings);
  set_row (self->seed_row, seed);
  set_row (self->size_row, size);
  set_row (self->created_row, created);
  set_row (self->cost_row, cost);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->picture),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, cfai_image_record_get_prompt (record),
                                  -1);
}

static double
fit_zoom (CfaiImageViewer *self)
{
  double width = cfai_image_record_get_width (self->record);
  double height = cfai_image_record_get_height (self->record);
  double room_w = gtk_widget_get_width (GTK_WIDGET (self->scroller));
  double room_h = gtk_widget_get_height (GTK_WIDGET (self->scroller));

  if (width <= 0 || height <= 0 || room_w <= 0 || room_h <= 0)
    return 1.0;
  return MIN (1.0, MIN (room_w / width, room_h / height));
}

static void
apply_zoom (CfaiImageViewer *self)
{
  gboolean fit = self->zoom == 0;
  int width = cfai_image_record_get_width (self->record);
  int height = cfai_image_record_get_height (self->record);

  gtk_widget_set_halign (GTK_WIDGET (self->picture), fit ? GTK_ALIGN_FILL : GTK_ALIGN_CENTER);
  gtk_widget_set_valign (GTK_WIDGET (self->picture), fit ? GTK_ALIGN_FILL : GTK_ALIGN_CENTER);
  gtk_picture_set_can_shrink (self->picture, TRUE);
  if (fit)
    gtk_widget_set_size_request (GTK_WIDGET (self->picture), -1, -1);
  else
    gtk_widget_set_size_request (GTK_WIDGET (self->picture),
                                 MAX (1, (int) round (width * self->zoom)),
                                 MAX (1, (int) round (height * self->zoom)));

  g_signal_handlers_block_matched (self->actual_size_button, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_toggle_button_set_active (self->actual_size_button, self->zoom == 1.0);
  g_signal_handlers_unblock_matched (self->actual_size_button, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.zoom-out", fit ? fit_zoom (self) > MIN_ZOOM : self->zoom > MIN_ZOOM);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.zoom-in", self->zoom < MAX_ZOOM);
}

static void
set_zoom (CfaiImageViewer *self,
          double           zoom)
{
  if (zoom != 0)
    zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  if (self->zoom == zoom)
    return;
  self->zoom = zoom;
  apply_zoom (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

static double
effective_zoom (CfaiImageViewer *self)
{
  return self->zoom == 0 ? fit_zoom (self) : self->zoom;
}

static void
decode_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  GdkTexture *texture;

  if (g_task_return_error_if_cancelled (task))
    return;
  /* Thread-safe, as GTK documents, and it reads PNG and JPEG itself. */
  texture = gdk_texture_new_from_file (task_data, &error);
  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

static void
on_decoded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CfaiImageViewer *self = CFAI_IMAGE_VIEWER (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (texture == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }

  g_set_object (&self->texture, texture);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.copy", TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXTURE]);
}

static void
show_position (CfaiImageViewer *self,
               guint            position)
{
  g_autoptr(CfaiImageRecord) record = g_list_model_get_item (self->images, position);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GdkTexture) thumbnail = NULL;
  g_autoptr(GTask) task = NULL;
  guint n = g_list_model_get_n_items (self->images);

  if (record == NULL)
    return;

  self->position = position;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.previous", position > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.next", position + 1 < n);
  /* A button that just became insensitive (Newer, at the newest) drops
   * the focus; the picture takes it, so the keys keep working. */
  {
    GtkWidget *focus = adw_dialog_get_focus (ADW_DIALOG (self));

    if (focus == NULL || !gtk_widget_is_sensitive (focus))
      adw_dialog_set_focus (ADW_DIALOG (self), GTK_WIDGET (self->scroller));
  }
  if (record == self->record)
    return;

  g_set_object (&self->record, record);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->texture);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.copy", FALSE);
  show_metadata (self);

  file = g_file_new_for_path (cfai_image_record_get_path (record));
  thumbnail = cfai_thumbnail_loader_lookup (cfai_thumbnail_loader_get_default (), file);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (thumbnail));
  apply_zoom (self);

  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, on_decoded, NULL);
  g_task_set_source_tag (task, show_position);
  g_task_set_task_data (task, g_steal_pointer (&file), g_object_unref);
  g_task_run_in_thread (task, decode_in_thread);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORD]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXTURE]);
}

/* The picture shown may have gone (deleted, or filtered out): the one
 * now at its place is shown, or the viewer closes when none is left. */
static void
on_images_changed (CfaiImageViewer *self)
{
  guint n = g_list_model_get_n_items (self->images);
  guint found = GTK_INVALID_LIST_POSITION;

  /* Taken down with its window (the gallery empties its model as it
   * goes): nothing is shown any more, and nothing is left to close. */
  if (gtk_widget_get_parent (GTK_WIDGET (self)) == NULL)
    return;

  for (guint i = 0; i < n && found == GTK_INVALID_LIST_POSITION; i++)
    {
      g_autoptr(CfaiImageRecord) record = g_list_model_get_item (self->images, i);

      if (record == self->record)
        found = i;
    }

  if (n == 0)
    adw_dialog_close (ADW_DIALOG (self));
  else if (found != GTK_INVALID_LIST_POSITION)
    show_position (self, found);
  else
    show_position (self, MIN (self->position, n - 1));
}

static void
viewer_previous (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  CfaiImageViewer *self = CFAI_IMAGE_VIEWER (widget);

  if (self->position > 0)
    show_position (self, self->position - 1);
}

static void
viewer_next (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CfaiImageViewer *self = CFAI_IMAGE_VIEWER (widget);

  if (self->position + 1 < g_list_model_get_n_items (self->images))
    show_position (self, self->position + 1);
}

static void
viewer_zoom (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CfaiImageViewer *self = CFAI_IMAGE_VIEWER (widget);

  if (g_str_equal (action_name, "viewer.zoom-in"))
    set_zoom (self, effective_zoom (self) * ZOOM_STEP);
  else if (g_str_equal (action_name, "viewer.zoom-out"))
    set_zoom (self, effective_zoom (self) / ZOOM_STEP);
  else if (g_str_equal (action_name, "viewer.zoom-fit"))
    set_zoom (self, 0);
  else if (g_str_equal (action_name, "viewer.zoom-actual"))
    set_zoom (self, 1.0);
  else
    set_zoom (self, self->zoom == 1.0 ? 0 : 1.0);
}

static void
viewer_close (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  adw_dialog_close (ADW_DIALOG (widget));
}

static void
viewer_copy (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CfaiImageViewer *self = CFAI_IMAGE_VIEWER (widget);

  if (self->texture == NULL)
    return;
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (widget), self->texture);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Image copied")));
}

static void
viewer_emit (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CfaiImageViewer *self = CFAI_IMAGE_VIEWER (widget);
  g_autoptr(CfaiImageRecord) record = self->record != NULL ? g_object_ref (self->record) : NULL;
  guint signal;

  if (record == NULL)
    return;

  if (g_str_equal (action_name, "viewer.delete"))
    signal = signals[DELETE_REQUESTED];
  else if (g_str_equal (action_name, "viewer.reuse-settings"))
    signal = signals[REUSE_SETTINGS];
  else if (g_str_equal (action_name, "viewer.vary-seed"))
    signal = signals[VARY_SEED];
  else
    signal = signals[USE_AS_REFERENCE];

  g_signal_emit (self, signal, 0, record);

  /* The studio takes these; it is behind the dialog. */
  if (signal != signals[DELETE_REQUESTED])
    adw_dialog_close (ADW_DIALOG (self));
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  CfaiImageViewer *self = CFAI_IMAGE_VIEWER (source);
  g_autoptr(GFile) file = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!cfai_image_viewer_save_to_finish (self, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup (error->message);
    }
  else
    {
      g_autofree char *name = g_file_get_basename (file);

      /* Translators: %s is a file name */
      message = g_strdup_printf (_("Saved as “%s”"), name);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
on_save_chosen (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CfaiImageViewer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (source), result, &error);

  if (file == NULL)
    return;  /* dismissed */
  cfai_image_viewer_save_to_async (self, file, self->save_cancellable, on_saved, g_object_ref (file));
}

static void
viewer_save_as (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  CfaiImageViewer *self = CFAI_IMAGE_VIEWER (widget);
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autoptr(GtkFileFilter) png = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) jpeg = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  gboolean is_jpeg;

  if (self->record == NULL)
    return;

  is_jpeg = g_strcmp0 (cfai_image_record_get_mime_type (self->record), "image/jpeg") == 0;
  gtk_file_filter_set_name (png, _("PNG Image"));
  gtk_file_filter_add_mime_type (png, "image/png");
  gtk_file_filter_add_suffix (png, "png");
  gtk_file_filter_set_name (jpeg, _("JPEG Image"));
  gtk_file_filter_add_mime_type (jpeg, "image/jpeg");
  gtk_file_filter_add_suffix (jpeg, "jpg");
  gtk_file_filter_add_suffix (jpeg, "jpeg");
  g_list_store_append (filters, png);
  g_list_store_append (filters, jpeg);

  name = cfai_image_viewer_suggest_file_name (self->record, is_jpeg ? "jpg" : "png");
  gtk_file_dialog_set_title (dialog, _("Save Image As"));
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_set_default_filter (dialog, is_jpeg ? jpeg : png);
  gtk_file_dialog_set_initial_name (dialog, name);
  gtk_file_dialog_save (dialog, GTK_WINDOW (gtk_widget_get_root (widget)), self->save_cancellable,
                        on_save_chosen, g_object_ref (self));
}

static GdkContentProvider *
on_drag_prepare (GtkDragSource   *source,
                 double           x,
                 double           y,
                 CfaiImageViewer *self)
{
  g_autoptr(GFile) file = NULL;
  GdkContentProvider *providers[2];
  guint n = 0;

  if (self->record == NULL)
    return NULL;

  file = g_file_new_for_path (cfai_image_record_get_path (self->record));
  providers[n++] = gdk_content_provider_new_typed (G_TYPE_FILE, file);
  if (self->texture != NULL)
    {
      providers[n++] = gdk_content_provider_new_typed (GDK_TYPE_TEXTURE, self->texture);
      gtk_drag_source_set_icon (source, GDK_PAINTABLE (self->texture), 0, 0);
    }
  return gdk_content_provider_new_union (providers, n);
}

static void
on_zoom_begin (GtkGesture       *gesture,
               GdkEventSequence *sequence,
               CfaiImageViewer  *self)
{
  self->gesture_start = effective_zoom (self);
}

static void
on_zoom_scale_changed (GtkGestureZoom  *gesture,
                       double           scale,
                       CfaiImageViewer *self)
{
  set_zoom (self, self->gesture_start * scale);
}

/* Ctrl+scroll zooms; a plain scroll scrolls. */
static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           CfaiImageViewer          *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if ((state & GDK_CONTROL_MASK) == 0 || dy == 0)
    return FALSE;
  set_zoom (self, effective_zoom (self) * pow (ZOOM_STEP, -dy));
  return TRUE;
}

static void
cfai_image_viewer_dispose (GObject *object)
{
  CfaiImageViewer *self = CFAI_IMAGE_VIEWER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->save_cancellable);
  g_clear_object (&self->save_cancellable);
  if (self->images != NULL)
    g_signal_handlers_disconnect_by_data (self->images, self);
  g_clear_object (&self->images);
  g_clear_object (&self->record);
  g_clear_object (&self->texture);
  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_IMAGE_VIEWER);

  G_OBJECT_CLASS (cfai_image_viewer_parent_class)->dispose (object);
}

static void
cfai_image_viewer_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CfaiImageViewer *self = CFAI_IMAGE_VIEWER (object);

  switch (prop_id)
    {
    case PROP_RECORD:
      g_value_set_object (value, self->record);
      break;
    case PROP_TEXTURE:
      g_value_set_object (value, self->texture);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_image_viewer_class_init (CfaiImageViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *const emitted[] = { "viewer.delete", "viewer.reuse-settings", "viewer.vary-seed", "viewer.use-as-reference" };
  static const char *const zooms[] = { "viewer.zoom-in", "viewer.zoom-out", "viewer.zoom-fit", "viewer.zoom-actual", "viewer.toggle-actual-size" };

  object_class->dispose = cfai_image_viewer_dispose;
  object_class->get_property = cfai_image_viewer_get_property;

  properties[PROP_RECORD] =
    g_param_spec_object ("record", NULL, NULL, CFAI_TYPE_IMAGE_RECORD,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TEXTURE] =
    g_param_spec_object ("texture", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 0, MAX_ZOOM, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DELETE_REQUESTED] =
    g_signal_new ("delete-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CFAI_TYPE_IMAGE_RECORD);
  signals[REUSE_SETTINGS] =
    g_signal_new ("reuse-settings", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CFAI_TYPE_IMAGE_RECORD);
  signals[VARY_SEED] =
    g_signal_new ("vary-seed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CFAI_TYPE_IMAGE_RECORD);
  signals[USE_AS_REFERENCE] =
    g_signal_new ("use-as-reference", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CFAI_TYPE_IMAGE_RECORD);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-image-viewer.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiImageViewer, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageViewer, scroller);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageViewer, picture);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageViewer, actual_size_button);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageViewer, prompt_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageViewer, negative_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageViewer, model_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageViewer, settings_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageViewer, seed_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageViewer, size_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageViewer, created_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageViewer, cost_row);

  gtk_widget_class_install_action (widget_class, "viewer.previous", NULL, viewer_previous);
  gtk_widget_class_install_action (widget_class, "viewer.next", NULL, viewer_next);
  for (guint i = 0; i < G_N_ELEMENTS (zooms); i++)
    gtk_widget_class_install_action (widget_class, zooms[i], NULL, viewer_zoom);
  for (guint i = 0; i < G_N_ELEMENTS (emitted); i++)
    gtk_widget_class_install_action (widget_class, emitted[i], NULL, viewer_emit);
  gtk_widget_class_install_action (widget_class, "viewer.copy", NULL, viewer_copy);
  gtk_widget_class_install_action (widget_class, "viewer.close", NULL, viewer_close);
  gtk_widget_class_install_action (widget_class, "viewer.save-as", NULL, viewer_save_as);

  cfai_application_add_shortcut_bindings (widget_class, "viewer.");
}

static void
cfai_image_viewer_init (CfaiImageViewer *self)
{
  GtkDragSource *drag = gtk_drag_source_new ();
  GtkGesture *zoom = gtk_gesture_zoom_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->save_cancellable = g_cancellable_new ();

  gtk_drag_source_set_actions (drag, GDK_ACTION_COPY);
  g_signal_connect_object (drag, "prepare", G_CALLBACK (on_drag_prepare), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->picture), GTK_EVENT_CONTROLLER (drag));

  g_signal_connect_object (zoom, "begin", G_CALLBACK (on_zoom_begin), self, 0);
  g_signal_connect_object (zoom, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->scroller), GTK_EVENT_CONTROLLER (zoom));

  /* Before the scrolled window scrolls with it. */
  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect_object (scroll, "scroll", G_CALLBACK (on_scroll), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->scroller), scroll);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.copy", FALSE);

  /* Left and Right walk the pictures wherever the focus is; without the
   * capture phase a focused header button would take them to move the
   * focus instead.  Escape closes, whatever holds the focus. */
  {
    GtkEventController *keys = gtk_shortcut_controller_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Left, 0),
                                                            gtk_named_action_new ("viewer.previous")));
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Right, 0),
                                                            gtk_named_action_new ("viewer.next")));
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                            gtk_named_action_new ("viewer.close")));
    gtk_widget_add_controller (GTK_WIDGET (self), keys);
  }
}

/**
 * cfai_image_viewer_new:
 * @images: a #GListModel of #CfaiImageRecord, newest first
 * @position: the picture to show first
 *
 * Returns: (transfer floating): a viewer to present
 */
GtkWidget *
cfai_image_viewer_new (GListModel *images,
                       guint       position)
{
  CfaiImageViewer *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (images), NULL);

  self = g_object_new (CFAI_TYPE_IMAGE_VIEWER, NULL);
  self->images = g_object_ref (images);
  g_signal_connect_object (images, "items-changed", G_CALLBACK (on_images_changed), self, G_CONNECT_SWAPPED);
  show_position (self, MIN (position, MAX (g_list_model_get_n_items (images), 1) - 1));
  gtk_widget_grab_focus (GTK_WIDGET (self->scroller));

  return GTK_WIDGET (self);
}

CfaiImageRecord *
cfai_image_viewer_get_record (CfaiImageViewer *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_VIEWER (self), NULL);
  return self->record;
}

guint
cfai_image_viewer_get_position (CfaiImageViewer *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_VIEWER (self), 0);
  return self->position;
}

/**
 * cfai_image_viewer_get_texture:
 *
 * Returns: (transfer none) (nullable): the full picture, once decoded
 */
GdkTexture *
cfai_image_viewer_get_texture (CfaiImageViewer *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_VIEWER (self), NULL);
  return self->texture;
}

/**
 * cfai_image_viewer_get_zoom:
 *
 * Returns: 0 when the picture fits the view, else its scale
 */
double
cfai_image_viewer_get_zoom (CfaiImageViewer *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_VIEWER (self), 0);
  return self->zoom;
}

/**
 * cfai_image_viewer_add_toast:
 * @self: a viewer
 * @toast: (transfer full): a toast
 *
 * Shows @toast over the picture: what concerns the gallery (Undo of a
 * delete) must be seen while the viewer covers it.
 */
void
cfai_image_viewer_add_toast (CfaiImageViewer *self,
                             AdwToast        *toast)
{
  g_return_if_fail (CFAI_IS_IMAGE_VIEWER (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
