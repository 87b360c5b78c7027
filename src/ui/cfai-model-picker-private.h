/* cfai-model-picker-private.h — what the files of CfaiModelPicker share
 *
 * cfai-model-picker.c (the object, the chosen model, retired models) and
 * cfai-model-picker-popover.c (the list, search, keyboard, catalog age
 * and refresh) make up the class.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-model-picker.h"

G_BEGIN_DECLS

struct _CfaiModelPicker
{
  GtkWidget           parent_instance;

  CfaiModelCatalog   *catalog;
  GSignalGroup       *catalog_signals;  /* on catalog */
  char               *task;
  char               *selected_model_id;
  CfaiModel          *selected_model;
  const char         *replacement_id;
  char               *search_text;
  gboolean            retired;
  gboolean            tried_refresh;
  GError             *refresh_error;
  GCancellable       *cancellable;

  GtkCustomFilter    *filter;
  GtkFilterListModel *filter_model;
  GtkSortListModel   *sort_model;
  GtkSingleSelection *selection;

  GtkMenuButton      *button;
  GtkImage           *button_warning;
  GtkLabel           *button_label;
  GtkPopover         *popover;
  GtkSearchEntry     *search_entry;
  GtkEventController *search_keys;
  GtkWidget          *retired_box;
  GtkLabel           *retired_title;
  GtkLabel           *retired_body;
  GtkButton          *switch_button;
  GtkStack           *list_stack;
  GtkListView        *list_view;
  GtkLabel           *age_label;
  GtkLabel           *error_label;
  GtkWidget          *spinner;
};

void _cfai_model_picker_class_init_popover (GtkWidgetClass  *widget_class);
void _cfai_model_picker_init_popover       (CfaiModelPicker *self);
void _cfai_model_picker_update_footer      (CfaiModelPicker *self);

G_END_DECLS
