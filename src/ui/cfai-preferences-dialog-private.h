/* cfai-preferences-dialog-private.h — shared by the preferences dialog's parts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-model-picker.h"
#include "cfai-preferences-dialog.h"

G_BEGIN_DECLS

struct _CfaiPreferencesDialog
{
  AdwPreferencesDialog  parent_instance;

  CfaiApplication      *application;
  GSettings            *settings;
  GCancellable         *cancellable;

  /* Account page */
  AdwEntryRow          *account_id_row;
  AdwActionRow         *account_id_env_row;
  GtkLabel             *account_id_env_label;
  AdwActionRow         *token_row;
  GtkButton            *replace_token_button;
  GtkButton            *remove_token_button;
  GtkButton            *verify_button;
  AdwSpinner           *verify_spinner;
  GtkLabel             *account_status_label;
  AdwEntryRow          *api_base_url_row;
  GtkLabel             *api_base_url_message_label;
  gboolean              verifying;

  /* AI Gateway page */
  AdwSwitchRow         *gateway_enabled_row;
  AdwEntryRow          *gateway_id_row;
  GtkLabel             *gateway_id_message_label;
  AdwPasswordEntryRow  *gateway_token_row;
  GtkButton            *remove_gateway_token_button;
  char                 *pending_gateway_token;  /* being stored; wiped */
  AdwPreferencesGroup  *gateway_cache_group;
  AdwSpinRow           *cache_ttl_row;
  AdwSwitchRow         *skip_cache_row;
  AdwPreferencesGroup  *metadata_group;
  GtkButton            *add_metadata_button;
  GtkLabel             *metadata_error_label;
  GPtrArray            *metadata_rows;      /* CfaiMetadataRow, in order */
  GVariant             *metadata_written;   /* what this dialog last stored */
  gboolean              syncing_gateway;
  guint                 gateway_id_idle;

  /* Defaults page */
  CfaiModelPicker      *chat_model_picker;
  CfaiModelPicker      *image_model_picker;
  CfaiModelPicker      *enhance_model_picker;
  AdwSpinRow           *max_tokens_row;
  AdwSpinRow           *temperature_row;
  GtkTextView          *system_prompt_view;
};

void cfai_preferences_mark_row_invalid   (GtkWidget             *row,
                                          const char            *message);
void cfai_preferences_show_row_message   (GtkWidget             *row,
                                          GtkLabel              *label,
                                          const char            *message,
                                          gboolean               is_error);

void cfai_preferences_account_class_init (GtkWidgetClass        *widget_class);
void cfai_preferences_account_init       (CfaiPreferencesDialog *self);
void cfai_preferences_gateway_class_init (GtkWidgetClass        *widget_class);
void cfai_preferences_gateway_init       (CfaiPreferencesDialog *self);
void cfai_preferences_gateway_dispose    (CfaiPreferencesDialog *self);

G_END_DECLS
