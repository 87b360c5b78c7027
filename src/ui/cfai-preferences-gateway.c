/* cfai-preferences-gateway.c — the AI Gateway page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Values that would make every request fail (a gateway ID with characters
 * a URL segment cannot hold, metadata the gateway rejects) are never
 * written: the row says what is wrong and the last valid value stays in
 * effect until the input is fixed.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-credentials-check.h"
#include "cfai-metadata-row.h"
#include "cfai-preferences-dialog-private.h"

/* AI Gateway rejects cf-aig-metadata with more entries than this. */
#define MAX_METADATA_ENTRIES 5
/* Below this, cf-aig-cache-ttl is refused; 0 means "do not send one". */
#define MIN_CACHE_TTL 60

static void
add_toast (CfaiPreferencesDialog *self,
           const char            *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_use_markup (toast, FALSE);
  adw_preferences_dialog_add_toast (ADW_PREFERENCES_DIALOG (self), toast);
}

/* Gateway ID ------------------------------------------------------------ */

/* Empty is valid: it means "no gateway", and requests go direct. */
static gboolean
gateway_id_is_valid (const char *id)
{
  return *id == '\0' || cfai_account_id_is_valid (id);
}

static void
update_gateway_message (CfaiPreferencesDialog *self)
{
  g_autofree char *id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->gateway_id_row))));
  const char *message = NULL;
  gboolean is_error = FALSE;

  if (!gateway_id_is_valid (id))
    {
      message = _("A gateway ID has only letters, digits, “-” and “_”: use the name shown in the AI Gateway section of the Cloudflare dashboard.");
      is_error = TRUE;
    }
  else if (*id == '\0' && g_settings_get_boolean (self->settings, "gateway-enabled"))
    {
      message = _("Requests go straight to Workers AI until a gateway ID is entered.");
    }

  cfai_preferences_show_row_message (GTK_WIDGET (self->gateway_id_row),
                                     self->gateway_id_message_label, message, is_error);
}

static gboolean
store_gateway_id (gpointer user_data)
{
  CfaiPreferencesDialog *self = user_data;
  g_autofree char *id = NULL;
  g_autofree char *saved = NULL;

  self->gateway_id_idle = 0;

  id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->gateway_id_row))));
  saved = g_settings_get_string (self->settings, "gateway-id");

  if (gateway_id_is_valid (id) && !g_str_equal (id, saved))
    g_settings_set_string (self->settings, "gateway-id", id);

  update_gateway_message (self);

  return G_SOURCE_REMOVE;
}

/* Replacing the text (a paste over a selection, say) deletes before it
 * inserts, and "changed" comes for each step: storing at once would store
 * the empty step and lose the last valid ID when the new one is invalid. */
static void
on_gateway_id_changed (CfaiPreferencesDialog *self)
{
  if (self->syncing_gateway || self->gateway_id_idle != 0)
    return;

  self->gateway_id_idle = g_idle_add (store_gateway_id, self);
}

static void
on_gateway_id_setting_changed (CfaiPreferencesDialog *self)
{
  g_autofree char *saved = g_settings_get_string (self->settings, "gateway-id");
  g_autofree char *shown = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->gateway_id_row))));

  /* Leave the entry alone when it only differs by blanks being typed. */
  if (!g_str_equal (saved, shown))
    {
      self->syncing_gateway = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->gateway_id_row), saved);
      self->syncing_gateway = FALSE;
    }

  update_gateway_message (self);
}

/* Cache time ------------------------------------------------------------ */

typedef enum
{
  UNIT_DAY,
  UNIT_HOUR,
  UNIT_MINUTE,
  UNIT_SECOND,
  N_UNITS
} DurationUnit;

static const guint unit_seconds[N_UNITS] = { 86400, 3600, 60, 1 };

static void
append_unit (GString      *text,
             DurationUnit  unit,
             guint         n)
{
  if (text->len > 0)
    g_string_append_c (text, ' ');

  switch (unit)
    {
    case UNIT_DAY:
      g_string_append_printf (text, ngettext ("%u day", "%u days", n), n);
      break;

    case UNIT_HOUR:
      g_string_append_printf (text, ngettext ("%u hour", "%u hours", n), n);
      break;

    case UNIT_MINUTE:
      g_string_append_printf (text, ngettext ("%u minute", "%u minutes", n), n);
      break;

    case UNIT_SECOND:
    case N_UNITS:
    default:
      g_string_append_printf (text, ngettext ("%u second", "%u seconds", n), n);
      break;
    }
}

/* The two largest units are precise enough to read at a glance:
 * "1 day 2 hours", "5 minutes", "1 hour 30 minutes". */
static char *
format_duration (guint seconds)
{
  GString *text = g_string_new (NULL);
  guint shown = 0;

  for (DurationUnit unit = UNIT_DAY; unit < N_UNITS && shown < 2; unit++)
    {
      guint n = seconds / unit_seconds[unit];

      seconds %= unit_seconds[unit];
      if (n == 0)
        {
          if (shown > 0)
            break;
          continue;
        }

      append_unit (text, unit, n);
      shown++;
    }

  return g_string_free (text, FALSE);
}

static void
on_cache_ttl_changed (CfaiPreferencesDialog *self)
{
  double value = adw_spin_row_get_value (self->cache_ttl_row);
  g_autofree char *subtitle = NULL;

  /* Runs before the settings binding sees the value, so a time the
   * gateway would refuse never reaches the key. */
  if (value > 0 && value < MIN_CACHE_TTL)
    {
      adw_spin_row_set_value (self->cache_ttl_row, MIN_CACHE_TTL);
      return;
    }

  if (value <= 0)
    {
      subtitle = g_strdup (_("Not sent: the gateway’s own setting applies"));
    }
  else
    {
      g_autofree char *duration = format_duration ((guint) value);

      subtitle = g_strdup_printf (_("Cached answers can be up to %s old"), duration);
    }

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->cache_ttl_row), subtitle);
}

/* Gateway token --------------------------------------------------------- */

static void
on_gateway_token_looked_up (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(CfaiPreferencesDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  char *token = cfai_credentials_lookup_token_finish (CFAI_CREDENTIALS (source), result, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->remove_gateway_token_button), token != NULL);
  cfai_token_free (token);
}

static void
on_gateway_token_stored (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(CfaiPreferencesDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean persisted = FALSE;
  const char *message = NULL;

  if (!cfai_credentials_store_token_finish (CFAI_CREDENTIALS (source), result, &persisted, &error))
    {
      g_clear_pointer (&self->pending_gateway_token, cfai_token_free);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        add_toast (self, error->message);
      return;
    }

  cfai_client_set_gateway_token (cfai_application_get_client (self->application),
                                 self->pending_gateway_token);
  g_clear_pointer (&self->pending_gateway_token, cfai_token_free);
  gtk_editable_set_text (GTK_EDITABLE (self->gateway_token_row), "");
  gtk_widget_set_visible (GTK_WIDGET (self->remove_gateway_token_button), TRUE);

  if (!persisted)
    message = cfai_credentials_get_keyring_error_message (cfai_application_get_credentials (self->application));
  add_toast (self, message != NULL ? message : _("The gateway token is in use and saved in the keyring"));
}

static void
on_gateway_token_apply (CfaiPreferencesDialog *self)
{
  g_autoptr(GError) error = NULL;
  char *token;

  if (self->pending_gateway_token != NULL)
    return;

  token = cfai_token_from_text (gtk_editable_get_text (GTK_EDITABLE (self->gateway_token_row)), &error);
  if (token == NULL)
    {
      add_toast (self, error->message);
      return;
    }

  self->pending_gateway_token = token;
  cfai_credentials_store_token_async (cfai_application_get_credentials (self->application),
                                      CFAI_TOKEN_KIND_GATEWAY,
                                      NULL,
                                      token,
                                      self->cancellable,
                                      on_gateway_token_stored,
                                      g_object_ref (self));
}

static void
on_gateway_token_cleared (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(CfaiPreferencesDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cfai_credentials_clear_token_finish (CFAI_CREDENTIALS (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Even without a keyring the copy in memory is gone. */
  cfai_client_set_gateway_token (cfai_application_get_client (self->application), NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->remove_gateway_token_button), FALSE);
  add_toast (self, error != NULL ? error->message : _("The gateway token was removed"));
}

static void
remove_gateway_token_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  CfaiPreferencesDialog *self = CFAI_PREFERENCES_DIALOG (widget);

  cfai_credentials_clear_token_async (cfai_application_get_credentials (self->application),
                                      CFAI_TOKEN_KIND_GATEWAY,
                                      NULL,
                                      self->cancellable,
                                      on_gateway_token_cleared,
                                      g_object_ref (self));
}

/* Metadata -------------------------------------------------------------- */

static void on_metadata_edited     (CfaiPreferencesDialog *self);
static void on_metadata_row_remove (CfaiPreferencesDialog *self,
                                    CfaiMetadataRow       *row);

static CfaiMetadataRow *
add_metadata_row (CfaiPreferencesDialog *self,
                  const char            *name,
                  const char            *value)
{
  CfaiMetadataRow *row = cfai_metadata_row_new (name, value);

  g_signal_connect_object (row, "notify::name", G_CALLBACK (on_metadata_edited), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "notify::value", G_CALLBACK (on_metadata_edited), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "remove", G_CALLBACK (on_metadata_row_remove), self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (self->metadata_group, GTK_WIDGET (row));
  g_ptr_array_add (self->metadata_rows, row);

  return row;
}

/* Marks every problem on its row, and stores the entries only when there
 * is none.  A row left completely blank is not an error, just ignored: it
 * is what "Add" gives before anything is typed. */
static void
validate_metadata (CfaiPreferencesDialog *self,
                   gboolean               store)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *error = NULL;
  GVariantBuilder builder;
  guint n_entries = 0;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));

  for (guint i = 0; i < self->metadata_rows->len; i++)
    {
      CfaiMetadataRow *row = g_ptr_array_index (self->metadata_rows, i);
      g_autofree char *name = g_strstrip (g_strdup (cfai_metadata_row_get_name (row)));
      const char *value = cfai_metadata_row_get_value (row);

      if (*name == '\0' && *value == '\0')
        {
          cfai_metadata_row_set_name_error (row, NULL);
          continue;
        }

      if (*name == '\0')
        {
          cfai_metadata_row_set_name_error (row, _("Enter a name for this value."));
          if (error == NULL)
            error = g_strdup (_("Every entry needs a name."));
          continue;
        }

      if (g_hash_table_contains (seen, name))
        {
          cfai_metadata_row_set_name_error (row, _("This name is already used above."));
          if (error == NULL)
            error = g_strdup_printf (_("Each name can be used only once: “%s” appears more than once."), name);
          continue;
        }

      cfai_metadata_row_set_name_error (row, NULL);
      g_variant_builder_add (&builder, "{ss}", name, value);
      g_hash_table_add (seen, g_steal_pointer (&name));
      n_entries++;
    }

  if (error == NULL && n_entries > MAX_METADATA_ENTRIES)
    error = g_strdup_printf (_("AI Gateway accepts at most %d metadata entries."),
                             MAX_METADATA_ENTRIES);

  gtk_label_set_text (self->metadata_error_label, error != NULL ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->metadata_error_label), error != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.add-metadata",
                                 self->metadata_rows->len < MAX_METADATA_ENTRIES);

  if (error == NULL && store)
    {
      g_autoptr(GVariant) entries = g_variant_ref_sink (g_variant_builder_end (&builder));
      g_autoptr(GVariant) saved = g_settings_get_value (self->settings, "gateway-metadata");

      if (!g_variant_equal (entries, saved))
        {
          g_clear_pointer (&self->metadata_written, g_variant_unref);
          self->metadata_written = g_variant_ref (entries);
          g_settings_set_value (self->settings, "gateway-metadata", entries);
        }
    }
  else
    {
      g_variant_builder_clear (&builder);
    }
}

static void
on_metadata_edited (CfaiPreferencesDialog *self)
{
  validate_metadata (self, TRUE);
}

static void
on_metadata_row_remove (CfaiPreferencesDialog *self,
                        CfaiMetadataRow       *row)
{
  g_ptr_array_remove (self->metadata_rows, row);
  adw_preferences_group_remove (self->metadata_group, GTK_WIDGET (row));
  validate_metadata (self, TRUE);
}

static void
load_metadata (CfaiPreferencesDialog *self)
{
  g_autoptr(GVariant) saved = g_settings_get_value (self->settings, "gateway-metadata");
  GVariantIter iter;
  const char *name;
  const char *value;

  while (self->metadata_rows->len > 0)
    {
      GtkWidget *row = g_ptr_array_steal_index (self->metadata_rows, self->metadata_rows->len - 1);

      adw_preferences_group_remove (self->metadata_group, row);
    }

  g_variant_iter_init (&iter, saved);
  while (g_variant_iter_next (&iter, "{&s&s}", &name, &value))
    add_metadata_row (self, name, value);

  g_clear_pointer (&self->metadata_written, g_variant_unref);
  self->metadata_written = g_variant_ref (saved);

  /* Shows what is wrong with a value set from outside (say, six entries)
   * without rewriting it. */
  validate_metadata (self, FALSE);
}

static void
on_metadata_setting_changed (CfaiPreferencesDialog *self)
{
  g_autoptr(GVariant) saved = g_settings_get_value (self->settings, "gateway-metadata");

  /* Rebuilding the rows for our own write would take the focus away from
   * the entry being typed in. */
  if (self->metadata_written != NULL && g_variant_equal (saved, self->metadata_written))
    return;

  load_metadata (self);
}

static void
add_metadata_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CfaiPreferencesDialog *self = CFAI_PREFERENCES_DIALOG (widget);
  CfaiMetadataRow *row;

  if (self->metadata_rows->len >= MAX_METADATA_ENTRIES)
    return;

  row = add_metadata_row (self, "", "");
  validate_metadata (self, FALSE);
  cfai_metadata_row_focus_name (row);
}

/* Page ------------------------------------------------------------------ */

void
cfai_preferences_gateway_class_init (GtkWidgetClass *widget_class)
{
  g_type_ensure (CFAI_TYPE_METADATA_ROW);

  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, gateway_enabled_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, gateway_id_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, gateway_id_message_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, gateway_token_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, remove_gateway_token_button);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, gateway_cache_group);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, cache_ttl_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, skip_cache_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, metadata_group);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, add_metadata_button);
  gtk_widget_class_bind_template_child (widget_class, CfaiPreferencesDialog, metadata_error_label);

  gtk_widget_class_install_action (widget_class, "preferences.add-metadata", NULL, add_metadata_action);
  gtk_widget_class_install_action (widget_class, "preferences.remove-gateway-token", NULL,
                                   remove_gateway_token_action);
}

void
cfai_preferences_gateway_init (CfaiPreferencesDialog *self)
{
  g_autofree char *gateway_id = g_settings_get_string (self->settings, "gateway-id");
  GtkWidget *needs_gateway[] = {
    GTK_WIDGET (self->gateway_id_row),
    GTK_WIDGET (self->gateway_token_row),
    GTK_WIDGET (self->gateway_cache_group),
    GTK_WIDGET (self->metadata_group),
  };

  self->metadata_rows = g_ptr_array_new ();

  g_settings_bind (self->settings, "gateway-enabled", self->gateway_enabled_row, "active",
                   G_SETTINGS_BIND_DEFAULT);
  for (gsize i = 0; i < G_N_ELEMENTS (needs_gateway); i++)
    g_settings_bind (self->settings, "gateway-enabled", needs_gateway[i], "sensitive",
                     G_SETTINGS_BIND_GET);

  self->syncing_gateway = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->gateway_id_row), gateway_id);
  self->syncing_gateway = FALSE;
  g_signal_connect_object (self->gateway_id_row, "changed",
                           G_CALLBACK (on_gateway_id_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::gateway-id",
                           G_CALLBACK (on_gateway_id_setting_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::gateway-enabled",
                           G_CALLBACK (update_gateway_message), self, G_CONNECT_SWAPPED);
  update_gateway_message (self);

  /* Connected before the binding, so an out-of-range time is corrected
   * before the binding writes it. */
  g_signal_connect_object (self->cache_ttl_row, "notify::value",
                           G_CALLBACK (on_cache_ttl_changed), self, G_CONNECT_SWAPPED);
  g_settings_bind (self->settings, "gateway-cache-ttl", self->cache_ttl_row, "value",
                   G_SETTINGS_BIND_DEFAULT);
  on_cache_ttl_changed (self);
  g_settings_bind (self->settings, "gateway-skip-cache", self->skip_cache_row, "active",
                   G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_object (self->gateway_token_row, "apply",
                           G_CALLBACK (on_gateway_token_apply), self, G_CONNECT_SWAPPED);
  cfai_credentials_lookup_token_async (cfai_application_get_credentials (self->application),
                                      CFAI_TOKEN_KIND_GATEWAY, NULL, self->cancellable,
                                      on_gateway_token_looked_up, g_object_ref (self));

  load_metadata (self);
  g_signal_connect_object (self->settings, "changed::gateway-metadata",
                           G_CALLBACK (on_metadata_setting_changed), self, G_CONNECT_SWAPPED);
}

void
cfai_preferences_gateway_dispose (CfaiPreferencesDialog *self)
{
  g_clear_handle_id (&self->gateway_id_idle, g_source_remove);
  g_clear_pointer (&self->metadata_rows, g_ptr_array_unref);
  g_clear_pointer (&self->metadata_written, g_variant_unref);
  g_clear_pointer (&self->pending_gateway_token, cfai_token_free);
}
