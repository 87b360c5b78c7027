/* cfai-gallery.c — every picture made: a grid of thumbnails, search, model filter
 *
 * The grid shows the store's records (newest first) through one
 * GtkFilterListModel, whose filter is the store's own notion of a match
 * (cfai_image_record_matches()), so a picture the studio adds appears at
 * once when it matches.  Cells load their thumbnails when bound.  The
 * viewer and the comparison read the same filtered model, so Left and
 * Right go through what the user sees.
 *
 * Deleting hides the record at once and offers Undo; the file and the
 * row go only when the toast is dismissed without it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-gallery.h"
#include "cfai-gallery-cell.h"
#include "cfai-image-compare.h"
#include "cfai-image-viewer.h"

struct _CfaiGallery
{
  GtkWidget          parent_instance;

  CfaiImageStore    *store;
  GtkCustomFilter   *filter;
  GtkWidget         *viewer;   /* weak */

  AdwToastOverlay   *toast_overlay;
  GtkSearchEntry    *search_entry;
  GtkDropDown       *model_filter;
  GtkStringList     *model_names;
  GtkStack          *stack;
  GtkGridView       *grid_view;
  GtkMultiSelection *selection;
  GtkFilterListModel *shown;
};

G_DEFINE_FINAL_TYPE (CfaiGallery, cfai_gallery, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

enum {
  REUSE_SETTINGS,
  VARY_SEED,
  USE_AS_REFERENCE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The model the filter asks for, or NULL for every model: the first
 * entry of the drop-down is "All Models". */
static const char *
selected_model (CfaiGallery *self)
{
  guint selected = gtk_drop_down_get_selected (self->model_filter);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return NULL;
  return gtk_string_list_get_string (self->model_names, selected);
}

static gboolean
filter_record (gpointer item,
               gpointer user_data)
{
  CfaiGallery *self = user_data;

  return cfai_image_record_matches (item,
                                    gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                                    selected_model (self));
}

static void
update_stack (CfaiGallery *self)
{
  guint n_all = self->store != NULL ? g_list_model_get_n_items (cfai_image_store_get_images (self->store)) : 0;
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->shown));

  gtk_stack_set_visible_child_name (self->stack, n_all == 0 ? "empty" : n_shown == 0 ? "no-match" : "grid");
}

static void
refilter (CfaiGallery *self)
{
  /* The drop-down notifies while the template is built. */
  if (self->filter == NULL)
    return;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_stack (self);
}

/* The drop-down lists the models the gallery has pictures of; the one
 * chosen stays chosen while pictures come and go. */
static void
update_models (CfaiGallery *self)
{
  g_auto(GStrv) models = self->store != NULL ? cfai_image_store_dup_models (self->store) : g_new0 (char *, 1);
  g_autofree char *chosen = g_strdup (selected_model (self));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model_names));
  guint position = 0;
  gboolean same = n == g_strv_length (models) + 1;

  for (guint i = 0; same && models[i] != NULL; i++)
    same = g_str_equal (models[i], gtk_string_list_get_string (self->model_names, i + 1));
  if (same)
    return;

  g_signal_handlers_block_by_func (self->model_filter, refilter, self);
  gtk_string_list_splice (self->model_names, 1, n - 1, (const char * const *) models);
  for (guint i = 0; models[i] != NULL; i++)
    if (g_strcmp0 (models[i], chosen) == 0)
      position = i + 1;
  gtk_drop_down_set_selected (self->model_filter, position);
  g_signal_handlers_unblock_by_func (self->model_filter, refilter, self);

  /* A model whose last picture went matches nothing any more. */
  if (chosen != NULL && position == 0)
    refilter (self);
}

static void
on_images_changed (CfaiGallery *self)
{
  update_models (self);
  update_stack (self);
}

static void
on_activate (CfaiGallery *self,
             guint        position)
{
  cfai_gallery_open (self, position);
}

static void
on_toast_undo (AdwToast    *toast,
               CfaiGallery *self)
{
  CfaiImageRecord *record = g_object_get_data (G_OBJECT (toast), "record");

  g_object_set_data (G_OBJECT (toast), "undone", GINT_TO_POINTER (TRUE));
  if (self->store != NULL)
    cfai_image_store_undo_delete (self->store, record);
}

static void
on_delete_committed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(CfaiGallery) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cfai_image_store_commit_delete_finish (CFAI_IMAGE_STORE (source), result, &error))
    {
      g_autoptr(AdwToast) toast = adw_toast_new (error->message);

      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, g_steal_pointer (&toast));
    }
}

static void
on_toast_dismissed (AdwToast    *toast,
                    CfaiGallery *self)
{
  CfaiImageRecord *record = g_object_get_data (G_OBJECT (toast), "record");

  if (g_object_get_data (G_OBJECT (toast), "undone") == NULL && self->store != NULL)
    cfai_image_store_commit_delete_async (self->store, record, NULL,
                                          on_delete_committed, g_object_ref (self));
}

/**
 * cfai_gallery_delete:
 * @self: a gallery
 * @record: a record of its store
 *
 * Takes @record out of the gallery and offers Undo; it is deleted from
 * the disk when the toast goes without Undo.
 */
void
cfai_gallery_delete (CfaiGallery     *self,
                     CfaiImageRecord *record)
{
  AdwToast *toast;

  g_return_if_fail (CFAI_IS_GALLERY (self));
  g_return_if_fail (CFAI_IS_IMAGE_RECORD (record));

  if (self->store == NULL)
    return;

  cfai_image_store_delete (self->store, record);

  toast = adw_toast_new (_("Image deleted"));
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "record", g_object_ref (record), g_object_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_toast_undo), self, 0);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed), self, 0);
  /* Deleted from the viewer, the Undo is shown there: the viewer covers
   * the gallery. */
  if (self->viewer != NULL && gtk_widget_get_mapped (self->viewer))
    cfai_image_viewer_add_toast (CFAI_IMAGE_VIEWER (self->viewer), toast);
  else
    adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_viewer_delete (CfaiImageViewer *viewer,
                  CfaiImageRecord *record,
                  CfaiGallery     *self)
{
  cfai_gallery_delete (self, record);
}

static void
forward_reuse (CfaiImageViewer *viewer,
               CfaiImageRecord *record,
               CfaiGallery     *self)
{
  g_signal_emit (self, signals[REUSE_SETTINGS], 0, record);
}

static void
forward_vary (CfaiImageViewer *viewer,
              CfaiImageRecord *record,
              CfaiGallery     *self)
{
  g_signal_emit (self, signals[VARY_SEED], 0, record);
}

static void
forward_reference (CfaiImageViewer *viewer,
                   CfaiImageRecord *record,
                   CfaiGallery     *self)
{
  g_signal_emit (self, signals[USE_AS_REFERENCE], 0, record);
}

/**
 * cfai_gallery_open:
 * @self: a gallery
 * @position: a position in cfai_gallery_get_shown()
 *
 * Opens the viewer on the picture at @position.
 */
void
cfai_gallery_open (CfaiGallery *self,
                   guint        position)
{
  GtkWidget *viewer;

  g_return_if_fail (CFAI_IS_GALLERY (self));

  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->shown)))
    return;

  viewer = cfai_image_viewer_new (G_LIST_MODEL (self->shown), position);
  g_signal_connect_object (viewer, "delete-requested", G_CALLBACK (on_viewer_delete), self, 0);
  g_signal_connect_object (viewer, "reuse-settings", G_CALLBACK (forward_reuse), self, 0);
  g_signal_connect_object (viewer, "vary-seed", G_CALLBACK (forward_vary), self, 0);
  g_signal_connect_object (viewer, "use-as-reference", G_CALLBACK (forward_reference), self, 0);
  g_set_weak_pointer (&self->viewer, viewer);
  adw_dialog_present (ADW_DIALOG (viewer), GTK_WIDGET (self));
}

static void
update_compare (CfaiGallery *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  guint64 n = gtk_bitset_get_size (selected);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gallery.compare", n >= 2 && n <= 4);
}

static void
gallery_compare (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  CfaiGallery *self = CFAI_GALLERY (widget);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  GtkBitsetIter iter;
  guint position;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position);
       more && records->len < 4;
       more = gtk_bitset_iter_next (&iter, &position))
    g_ptr_array_add (records, g_list_model_get_item (G_LIST_MODEL (self->selection), position));

  if (records->len < 2)
    return;
  adw_dialog_present (ADW_DIALOG (cfai_image_compare_new ((CfaiImageRecord **) records->pdata, records->len)),
                      widget);
}

static void
gallery_focus_search (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  gtk_widget_grab_focus (GTK_WIDGET (CFAI_GALLERY (widget)->search_entry));
}

static void
cfai_gallery_dispose (GObject *object)
{
  CfaiGallery *self = CFAI_GALLERY (object);

  cfai_gallery_set_store (self, NULL);
  g_clear_weak_pointer (&self->viewer);
  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_GALLERY);
  g_clear_object (&self->filter);

  G_OBJECT_CLASS (cfai_gallery_parent_class)->dispose (object);
}

static void
cfai_gallery_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CfaiGallery *self = CFAI_GALLERY (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_gallery_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  CfaiGallery *self = CFAI_GALLERY (object);

  switch (prop_id)
    {
    case PROP_STORE:
      cfai_gallery_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_gallery_class_init (CfaiGalleryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_gallery_dispose;
  object_class->get_property = cfai_gallery_get_property;
  object_class->set_property = cfai_gallery_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, CFAI_TYPE_IMAGE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CfaiGallery::reuse-settings:
   * @record: the picture whose prompt, model and settings the studio takes
   */
  signals[REUSE_SETTINGS] =
    g_signal_new ("reuse-settings", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CFAI_TYPE_IMAGE_RECORD);
  /**
   * CfaiGallery::vary-seed:
   * @record: the picture to make again with its settings and a new seed
   */
  signals[VARY_SEED] =
    g_signal_new ("vary-seed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CFAI_TYPE_IMAGE_RECORD);
  /**
   * CfaiGallery::use-as-reference:
   * @record: the picture the studio adds to its reference images
   */
  signals[USE_AS_REFERENCE] =
    g_signal_new ("use-as-reference", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CFAI_TYPE_IMAGE_RECORD);

  g_type_ensure (CFAI_TYPE_GALLERY_CELL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-gallery.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiGallery, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CfaiGallery, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CfaiGallery, model_filter);
  gtk_widget_class_bind_template_child (widget_class, CfaiGallery, model_names);
  gtk_widget_class_bind_template_child (widget_class, CfaiGallery, stack);
  gtk_widget_class_bind_template_child (widget_class, CfaiGallery, grid_view);
  gtk_widget_class_bind_template_child (widget_class, CfaiGallery, selection);
  gtk_widget_class_bind_template_child (widget_class, CfaiGallery, shown);
  gtk_widget_class_bind_template_callback (widget_class, refilter);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "cfai-gallery");

  gtk_widget_class_install_action (widget_class, "gallery.compare", NULL, gallery_compare);
  gtk_widget_class_install_action (widget_class, "gallery.focus-search", NULL, gallery_focus_search);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "gallery.focus-search", NULL);
}

static void
cfai_gallery_init (CfaiGallery *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_string_list_append (self->model_names, _("All Models"));
  self->filter = gtk_custom_filter_new (filter_record, self, NULL);
  gtk_filter_list_model_set_filter (self->shown, GTK_FILTER (self->filter));
  g_signal_connect_object (self->shown, "items-changed", G_CALLBACK (update_stack), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (update_compare), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed", G_CALLBACK (update_compare), self, G_CONNECT_SWAPPED);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->grid_view));
  update_compare (self);
  update_stack (self);
}

GtkWidget *
cfai_gallery_new (void)
{
  return g_object_new (CFAI_TYPE_GALLERY, NULL);
}

CfaiImageStore *
cfai_gallery_get_store (CfaiGallery *self)
{
  g_return_val_if_fail (CFAI_IS_GALLERY (self), NULL);
  return self->store;
}

void
cfai_gallery_set_store (CfaiGallery    *self,
                        CfaiImageStore *store)
{
  g_return_if_fail (CFAI_IS_GALLERY (self));
  g_return_if_fail (store == NULL || CFAI_IS_IMAGE_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (cfai_image_store_get_images (self->store), self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (cfai_image_store_get_images (store), "items-changed",
                             G_CALLBACK (on_images_changed), self, G_CONNECT_SWAPPED);

  if (self->shown != NULL)
    gtk_filter_list_model_set_model (self->shown, store != NULL ? cfai_image_store_get_images (store) : NULL);
  if (self->model_names != NULL)
    on_images_changed (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * cfai_gallery_get_shown:
 *
 * Returns: (transfer none): the records the grid shows, after search and filter
 */
GListModel *
cfai_gallery_get_shown (CfaiGallery *self)
{
  g_return_val_if_fail (CFAI_IS_GALLERY (self), NULL);
  return G_LIST_MODEL (self->shown);
}

GtkSelectionModel *
cfai_gallery_get_selection (CfaiGallery *self)
{
  g_return_val_if_fail (CFAI_IS_GALLERY (self), NULL);
  return GTK_SELECTION_MODEL (self->selection);
}

GtkGridView *
cfai_gallery_get_grid_view (CfaiGallery *self)
{
  g_return_val_if_fail (CFAI_IS_GALLERY (self), NULL);
  return self->grid_view;
}

GtkEditable *
cfai_gallery_get_search_entry (CfaiGallery *self)
{
  g_return_val_if_fail (CFAI_IS_GALLERY (self), NULL);
  return GTK_EDITABLE (self->search_entry);
}

GtkDropDown *
cfai_gallery_get_model_filter (CfaiGallery *self)
{
  g_return_val_if_fail (CFAI_IS_GALLERY (self), NULL);
  return self->model_filter;
}

/**
 * cfai_gallery_get_viewer:
 *
 * Returns: (transfer none) (nullable): the open viewer
 */
GtkWidget *
cfai_gallery_get_viewer (CfaiGallery *self)
{
  g_return_val_if_fail (CFAI_IS_GALLERY (self), NULL);
  return self->viewer;
}
