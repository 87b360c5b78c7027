/* cfai-model-picker-popover.c — the model picker's popover
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list is the catalog filtered by task and search, recommended models
 * first, then one section per author, deprecated models last.  Keyboard
 * use never has to leave the search entry: Up and Down move the
 * selection, Enter chooses, Escape closes.
 *
 * The footer says how old the list is, refreshes it, and says why a
 * refresh failed; the list stays as it was meanwhile.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-model-picker-private.h"
#include "cfai-model-row.h"

enum {
  SECTION_RECOMMENDED,
  SECTION_AUTHOR,
  SECTION_DEPRECATED,
};

static int
recommended_rank (CfaiModel *model)
{
  int rank = cfai_model_catalog_get_recommended_rank (cfai_model_get_id (model));

  return rank >= 0 ? rank : G_MAXINT;
}

/* Deprecated models sink to the end, so nobody picks one by accident,
 * even a recommended one. */
static int
model_section (CfaiModel *model)
{
  if (cfai_model_is_deprecated_at (model, NULL))
    return SECTION_DEPRECATED;

  if (recommended_rank (model) != G_MAXINT)
    return SECTION_RECOMMENDED;

  return SECTION_AUTHOR;
}

static int
compare_sections (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  CfaiModel *model_a = (CfaiModel *) a;
  CfaiModel *model_b = (CfaiModel *) b;
  int section_a = model_section (model_a);
  int section_b = model_section (model_b);
  g_autofree char *author_a = NULL;
  g_autofree char *author_b = NULL;

  if (section_a != section_b)
    return section_a < section_b ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;

  if (section_a != SECTION_AUTHOR)
    return GTK_ORDERING_EQUAL;

  author_a = cfai_model_author_display_name (cfai_model_get_author (model_a));
  author_b = cfai_model_author_display_name (cfai_model_get_author (model_b));

  return gtk_ordering_from_cmpfunc (g_utf8_collate (author_a, author_b));
}

static int
compare_models (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  CfaiModel *model_a = (CfaiModel *) a;
  CfaiModel *model_b = (CfaiModel *) b;
  int order = compare_sections (a, b, user_data);
  int rank_a, rank_b;

  if (order != GTK_ORDERING_EQUAL)
    return order;

  rank_a = recommended_rank (model_a);
  rank_b = recommended_rank (model_b);
  if (rank_a != rank_b)
    return rank_a < rank_b ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;

  order = g_utf8_collate (cfai_model_get_display_name (model_a),
                          cfai_model_get_display_name (model_b));
  if (order != 0)
    return gtk_ordering_from_cmpfunc (order);

  return gtk_ordering_from_cmpfunc (g_strcmp0 (cfai_model_get_id (model_a),
                                               cfai_model_get_id (model_b)));
}

static gboolean
filter_model_cb (gpointer item,
                 gpointer user_data)
{
  CfaiModelPicker *self = user_data;

  return cfai_model_matches (item, self->task, self->search_text);
}

/* ------------------------------------------------------------------ */
/* The footer: catalog age, refresh, errors                           */
/* ------------------------------------------------------------------ */

static char *
describe_catalog_age (CfaiModelCatalog *catalog)
{
  GDateTime *fetched_at = cfai_model_catalog_get_fetched_at (catalog);
  g_autoptr(GDateTime) now = NULL;
  GTimeSpan age;
  int n;

  if (cfai_model_catalog_get_source (catalog) == CFAI_MODEL_CATALOG_SOURCE_BUILTIN ||
      fetched_at == NULL)
    return g_strdup (_("Built-in model list"));

  now = g_date_time_new_now_utc ();
  age = g_date_time_difference (now, fetched_at);

  if (age < G_TIME_SPAN_MINUTE)
    return g_strdup (_("Model list updated just now"));

  if (age < G_TIME_SPAN_HOUR)
    {
      n = age / G_TIME_SPAN_MINUTE;
      return g_strdup_printf (ngettext ("Model list from %d minute ago",
                                        "Model list from %d minutes ago", n), n);
    }

  if (age < G_TIME_SPAN_DAY)
    {
      n = age / G_TIME_SPAN_HOUR;
      return g_strdup_printf (ngettext ("Model list from %d hour ago",
                                        "Model list from %d hours ago", n), n);
    }

  n = MIN (age / G_TIME_SPAN_DAY, G_MAXINT);
  return g_strdup_printf (ngettext ("Model list from %d day ago",
                                    "Model list from %d days ago", n), n);
}

static gboolean
can_refresh (CfaiModelPicker *self)
{
  return self->catalog != NULL &&
         cfai_model_catalog_get_client (self->catalog) != NULL &&
         !cfai_model_catalog_get_is_refreshing (self->catalog);
}

void
_cfai_model_picker_update_footer (CfaiModelPicker *self)
{
  g_autofree char *age = NULL;
  GDateTime *fetched_at = NULL;
  gboolean refreshing = FALSE;

  if (self->catalog != NULL)
    {
      age = describe_catalog_age (self->catalog);
      fetched_at = cfai_model_catalog_get_fetched_at (self->catalog);
      refreshing = cfai_model_catalog_get_is_refreshing (self->catalog);
    }

  gtk_label_set_label (self->age_label, age);
  gtk_widget_set_visible (GTK_WIDGET (self->age_label), age != NULL);
  if (fetched_at != NULL &&
      cfai_model_catalog_get_source (self->catalog) != CFAI_MODEL_CATALOG_SOURCE_BUILTIN)
    {
      g_autofree char *date = cfai_model_format_date (fetched_at);
      /* Translators: %s is a date */
      g_autofree char *tooltip = g_strdup_printf (_("Fetched from Cloudflare on %s"), date);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->age_label), tooltip);
    }
  else
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->age_label),
                                   _("A short list that ships with CfAI, used until "
                                     "the live catalog is fetched"));
    }

  if (self->refresh_error != NULL && !refreshing)
    {
      /* Translators: %s says why, e.g. "The server had a problem (HTTP 500)" */
      g_autofree char *text = g_strdup_printf (_("Could not update the model list: %s"),
                                               self->refresh_error->message);

      gtk_label_set_label (self->error_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
    }

  gtk_widget_set_visible (self->spinner, refreshing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "picker.refresh", can_refresh (self));
}

static void
refresh_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CfaiModelPicker) self = user_data;
  g_autoptr(GError) error = NULL;

  cfai_model_catalog_refresh_finish (CFAI_MODEL_CATALOG (source), result, &error);

  /* Disposed meanwhile, or now showing another catalog. */
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable) ||
      source != (GObject *) self->catalog)
    return;

  /* Someone else's refresh is running; its result will show in the list. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
    return;

  g_clear_error (&self->refresh_error);
  self->refresh_error = g_steal_pointer (&error);
  _cfai_model_picker_update_footer (self);
}

static void
start_refresh (CfaiModelPicker *self)
{
  if (!can_refresh (self))
    return;

  self->tried_refresh = TRUE;
  g_clear_error (&self->refresh_error);
  cfai_model_catalog_refresh_async (self->catalog, self->cancellable,
                                    refresh_cb, g_object_ref (self));
  _cfai_model_picker_update_footer (self);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  start_refresh (CFAI_MODEL_PICKER (widget));
}

/* Opening the picker fetches the live catalog once, when what is shown
 * came from disk or the built-in list and an account is set up; without
 * one the attempt could only fail. */
static void
maybe_refresh_by_itself (CfaiModelPicker *self)
{
  CfaiClient *client;

  if (self->tried_refresh || !can_refresh (self) ||
      cfai_model_catalog_get_source (self->catalog) == CFAI_MODEL_CATALOG_SOURCE_NETWORK)
    return;

  client = cfai_model_catalog_get_client (self->catalog);
  if (!cfai_client_has_token (client) || cfai_client_get_account_id (client) == NULL)
    return;

  start_refresh (self);
}

/* ------------------------------------------------------------------ */
/* The list                                                           */
/* ------------------------------------------------------------------ */

static void
choose_position (CfaiModelPicker *self,
                 guint            position)
{
  g_autoptr(CfaiModel) model = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (model == NULL)
    return;

  cfai_model_picker_set_selected_model_id (self, cfai_model_get_id (model));
  gtk_popover_popdown (self->popover);
}

static void
list_activate_cb (CfaiModelPicker *self,
                  guint            position)
{
  choose_position (self, position);
}

static void
select_position (CfaiModelPicker *self,
                 guint            position)
{
  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    return;

  gtk_list_view_scroll_to (self->list_view, position, GTK_LIST_SCROLL_SELECT, NULL);
}

static void
move_selection (CfaiModelPicker *self,
                int              delta)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  guint selected = gtk_single_selection_get_selected (self->selection);
  gint64 target;

  if (n_items == 0)
    return;

  if (selected == GTK_INVALID_LIST_POSITION)
    target = delta > 0 ? 0 : n_items - 1;
  else
    target = CLAMP ((gint64) selected + delta, 0, (gint64) n_items - 1);

  select_position (self, (guint) target);
}

static gboolean
search_key_pressed_cb (CfaiModelPicker *self,
                       guint            keyval,
                       guint            keycode,
                       GdkModifierType  state)
{
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_selection (self, 1);
      return GDK_EVENT_STOP;

    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_selection (self, -1);
      return GDK_EVENT_STOP;

    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
      move_selection (self, 8);
      return GDK_EVENT_STOP;

    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
      move_selection (self, -8);
      return GDK_EVENT_STOP;

    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static void
search_activate_cb (CfaiModelPicker *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);

  if (selected != GTK_INVALID_LIST_POSITION)
    choose_position (self, selected);
}

/* The search entry takes Escape for itself; in a popover it means close. */
static void
stop_search_cb (CfaiModelPicker *self)
{
  gtk_popover_popdown (self->popover);
}

static void
search_changed_cb (CfaiModelPicker *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (text[0] == '\0')
    text = NULL;

  if (!g_set_str (&self->search_text, text))
    return;

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  /* Enter then picks the best match. */
  select_position (self, 0);
}

static void
selection_items_changed_cb (CfaiModelPicker *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0;

  gtk_stack_set_visible_child_name (self->list_stack, empty ? "empty" : "list");
}

static void
select_current_model (CfaiModelPicker *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(CfaiModel) model = g_list_model_get_item (G_LIST_MODEL (self->selection), i);

      if (g_strcmp0 (cfai_model_get_id (model), self->selected_model_id) == 0)
        {
          select_position (self, i);
          return;
        }
    }

  select_position (self, 0);
}

static void
popover_show_cb (CfaiModelPicker *self)
{
  /* Each opening starts from the whole list, at the current model. */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  if (g_set_str (&self->search_text, NULL))
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_LESS_STRICT);

  select_current_model (self);
  _cfai_model_picker_update_footer (self);
  maybe_refresh_by_itself (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              CfaiModelPicker          *self)
{
  GtkWidget *row = cfai_model_row_new ();

  g_object_bind_property (self, "selected-model-id", row, "current-model-id",
                          G_BINDING_SYNC_CREATE);
  gtk_list_item_set_child (item, row);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             CfaiModelPicker          *self)
{
  CfaiModelRow *row = CFAI_MODEL_ROW (gtk_list_item_get_child (item));
  CfaiModel *model = gtk_list_item_get_item (item);

  cfai_model_row_set_model (row, model);
  gtk_list_item_set_accessible_label (item, cfai_model_row_get_accessible_label (row));
  gtk_list_item_set_accessible_description (item, cfai_model_get_description (model)
                                                  ? cfai_model_get_description (model) : "");
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               CfaiModelPicker          *self)
{
  cfai_model_row_set_model (CFAI_MODEL_ROW (gtk_list_item_get_child (item)), NULL);
}

static void
setup_header_cb (GtkSignalListItemFactory *factory,
                 GtkListHeader            *header,
                 CfaiModelPicker          *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "cfai-section-title");
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_list_header_set_child (header, label);
}

static void
bind_header_cb (GtkSignalListItemFactory *factory,
                GtkListHeader            *header,
                CfaiModelPicker          *self)
{
  CfaiModel *model = gtk_list_header_get_item (header);
  GtkLabel *label = GTK_LABEL (gtk_list_header_get_child (header));
  g_autofree char *title = NULL;

  switch (model_section (model))
    {
    case SECTION_RECOMMENDED:
      gtk_label_set_label (label, _("Recommended"));
      break;

    case SECTION_DEPRECATED:
      gtk_label_set_label (label, _("Deprecated"));
      break;

    case SECTION_AUTHOR:
    default:
      title = cfai_model_author_display_name (cfai_model_get_author (model));
      gtk_label_set_label (label, title);
      break;
    }
}

void
_cfai_model_picker_class_init_popover (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "picker.refresh", NULL, refresh_action);
  /* Not used by the code, but reachable with gtk_widget_get_template_child()
   * so tests can check what the user sees. */
  gtk_widget_class_bind_template_child_full (widget_class, "refresh_button", FALSE, 0);

  gtk_widget_class_bind_template_callback (widget_class, popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_key_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
}

void
_cfai_model_picker_init_popover (CfaiModelPicker *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(GtkListItemFactory) header_factory = NULL;
  GtkCustomSorter *sorter;
  GtkCustomSorter *section_sorter;

  self->filter = gtk_custom_filter_new (filter_model_cb, self, NULL);
  self->filter_model = gtk_filter_list_model_new (NULL, g_object_ref (GTK_FILTER (self->filter)));
  sorter = gtk_custom_sorter_new (compare_models, NULL, NULL);
  section_sorter = gtk_custom_sorter_new (compare_sections, NULL, NULL);
  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filter_model)),
                                              GTK_SORTER (sorter));
  gtk_sort_list_model_set_section_sorter (self->sort_model, GTK_SORTER (section_sorter));
  g_object_unref (section_sorter);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sort_model)));
  gtk_single_selection_set_can_unselect (self->selection, FALSE);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (selection_items_changed_cb), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_row_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row_cb), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_row_cb), self, 0);
  header_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (header_factory, "setup", G_CALLBACK (setup_header_cb), self, 0);
  g_signal_connect_object (header_factory, "bind", G_CALLBACK (bind_header_cb), self, 0);

  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_header_factory (self->list_view, header_factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  /* Typing anywhere in the popover goes to the search. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->popover));

  selection_items_changed_cb (self);
}
