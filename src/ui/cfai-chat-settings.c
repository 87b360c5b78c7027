/* cfai-chat-settings.c — the settings of one chat, in a side panel
 *
 * The panel edits the conversation the window shows (the window points it
 * at the visible page's conversation, as it points its header at the
 * page).  Every change goes straight to the conversation's setters: the
 * store saves it with the chat and cfai_conversation_build_request() sends
 * it with the next answer.
 *
 * "Unset" is visible: temperature and top_p have a switch (off sends
 * nothing, so the model's default applies), the seed is empty.  Max
 * tokens is always set (Workers AI's default of 256 cuts answers short);
 * its range ends at the model's context window when the catalog knows it.
 * Reasoning effort shows only for models the catalog marks as reasoning,
 * a LoRA adapter only for models that take one; switching to a model
 * without them clears them, because Workers AI refuses a whole request
 * with a field the model's schema does not have.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-chat-settings.h"
#include "cfai-model.h"

/* Workers AI's seed range (the models' input schemas). */
#define SEED_MAX G_GINT64_CONSTANT (9999999999)

struct _CfaiChatSettings
{
  AdwBin            parent_instance;

  CfaiConversation *conversation;
  CfaiModelCatalog *catalog;
  GSignalGroup     *conversation_signals;
  GSignalGroup     *catalog_signals;
  gboolean          syncing;            /* writing the conversation's values into the rows */

  GtkTextView      *system_prompt;
  AdwSpinRow       *max_tokens;
  AdwExpanderRow   *temperature_row;
  AdwSpinRow       *temperature;
  AdwExpanderRow   *top_p_row;
  AdwSpinRow       *top_p;
  AdwEntryRow      *seed;
  GtkWidget        *seed_error;
  AdwComboRow      *reasoning_effort;
  AdwEntryRow      *lora;
};

G_DEFINE_FINAL_TYPE (CfaiChatSettings, cfai_chat_settings, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONVERSATION,
  PROP_CATALOG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const setting_signals[] = {
  "notify::model", "notify::system-prompt", "notify::max-tokens", "notify::temperature",
  "notify::top-p", "notify::seed", "notify::reasoning-effort", "notify::lora",
};

/* The combo row's items, in order; NULL is the model's default. */
static const char *const efforts[] = { NULL, "low", "medium", "high" };

static CfaiModel *
lookup_model (CfaiChatSettings *self)
{
  const char *model_id;

  if (self->catalog == NULL || self->conversation == NULL)
    return NULL;
  model_id = cfai_conversation_get_model (self->conversation);
  return model_id != NULL && *model_id ? cfai_model_catalog_lookup (self->catalog, model_id) : NULL;
}

static void
set_text_if_changed (GtkEditable *editable,
                     const char  *text)
{
  if (g_strcmp0 (gtk_editable_get_text (editable), text ? text : "") != 0)
    gtk_editable_set_text (editable, text ? text : "");
}

/* Switched on, a setting shows its value; off, the model's default. */
static void
set_optional_enabled (AdwExpanderRow *row,
                      gboolean        set)
{
  if (adw_expander_row_get_enable_expansion (row) == set)
    return;
  adw_expander_row_set_enable_expansion (row, set);
  adw_expander_row_set_expanded (row, set);
}

static void
update_optional_subtitle (AdwExpanderRow *row,
                          double          value)
{
  g_autofree char *text = value >= 0 ? g_strdup_printf ("%.2f", value) : NULL;

  adw_expander_row_set_subtitle (row, text != NULL ? text : _("Model default"));
}

/* Which rows the model has, and the range of its answer length. */
static void
update_for_model (CfaiChatSettings *self)
{
  CfaiModel *model = lookup_model (self);
  gboolean reasoning = model != NULL && cfai_model_get_reasoning (model);
  gboolean lora = model != NULL && cfai_model_get_lora (model);
  gint64 context = model != NULL ? cfai_model_get_context_window (model) : 0;
  GtkAdjustment *adj = adw_spin_row_get_adjustment (self->max_tokens);
  double upper = context > 0 ? (double) context : CFAI_CHAT_SETTINGS_MAX_TOKENS_LIMIT;
  gboolean was_syncing;

  gtk_widget_set_visible (GTK_WIDGET (self->reasoning_effort), reasoning);
  gtk_widget_set_visible (GTK_WIDGET (self->lora), lora);

  /* A model the catalog does not know keeps what was chosen. */
  if (model != NULL && self->conversation != NULL)
    {
      if (!reasoning)
        cfai_conversation_set_reasoning_effort (self->conversation, NULL);
      if (!lora)
        cfai_conversation_set_lora (self->conversation, NULL);
    }

  /* The range changes the value only if it has to: a limit larger than
   * the new model's window would fail every request anyway. */
  was_syncing = self->syncing;
  self->syncing = TRUE;
  gtk_adjustment_set_upper (adj, upper);
  self->syncing = was_syncing;
  if (self->conversation != NULL && cfai_conversation_get_max_tokens (self->conversation) > upper)
    cfai_conversation_set_max_tokens (self->conversation, (gint64) upper);
}

/* Conversation → rows.  Rows that already show the value are left alone,
 * so a cursor in them stays where it is. */
static void
sync_from_conversation (CfaiChatSettings *self)
{
  CfaiConversation *c = self->conversation;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->system_prompt);
  g_autofree char *prompt = NULL;
  const char *effort;
  double temperature, top_p;
  gint64 seed;
  guint selected = 0;

  gboolean was_syncing = self->syncing;

  gtk_widget_set_sensitive (GTK_WIDGET (self), c != NULL);
  if (c == NULL)
    return;

  /* First, as it may change the conversation (which syncs again). */
  update_for_model (self);

  self->syncing = TRUE;

  g_object_get (buffer, "text", &prompt, NULL);
  if (g_strcmp0 (prompt, cfai_conversation_get_system_prompt (c) ? cfai_conversation_get_system_prompt (c) : "") != 0)
    gtk_text_buffer_set_text (buffer, cfai_conversation_get_system_prompt (c) ? cfai_conversation_get_system_prompt (c) : "", -1);

  if ((gint64) adw_spin_row_get_value (self->max_tokens) != cfai_conversation_get_max_tokens (c))
    adw_spin_row_set_value (self->max_tokens, cfai_conversation_get_max_tokens (c));

  temperature = cfai_conversation_get_temperature (c);
  set_optional_enabled (self->temperature_row, temperature >= 0);
  if (temperature >= 0 && adw_spin_row_get_value (self->temperature) != temperature)
    adw_spin_row_set_value (self->temperature, temperature);
  update_optional_subtitle (self->temperature_row, temperature);

  top_p = cfai_conversation_get_top_p (c);
  set_optional_enabled (self->top_p_row, top_p >= 0);
  if (top_p >= 0 && adw_spin_row_get_value (self->top_p) != top_p)
    adw_spin_row_set_value (self->top_p, top_p);
  update_optional_subtitle (self->top_p_row, top_p);

  /* A seed being typed (or a wrong one) is not replaced by the one saved. */
  seed = cfai_conversation_get_seed (c);
  if (!gtk_widget_get_visible (self->seed_error))
    {
      g_autofree char *text = seed >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, seed) : NULL;

      set_text_if_changed (GTK_EDITABLE (self->seed), text);
    }

  effort = cfai_conversation_get_reasoning_effort (c);
  for (guint i = 1; effort != NULL && i < G_N_ELEMENTS (efforts); i++)
    if (g_str_equal (effort, efforts[i]))
      selected = i;
  if (adw_combo_row_get_selected (self->reasoning_effort) != selected)
    adw_combo_row_set_selected (self->reasoning_effort, selected);

  set_text_if_changed (GTK_EDITABLE (self->lora), cfai_conversation_get_lora (c));

  self->syncing = was_syncing;
}

/* Rows → conversation ---------------------------------------------------- */

static void
on_system_prompt_changed (CfaiChatSettings *self)
{
  g_autofree char *text = NULL;

  if (self->syncing || self->conversation == NULL)
    return;
  g_object_get (gtk_text_view_get_buffer (self->system_prompt), "text", &text, NULL);
  cfai_conversation_set_system_prompt (self->conversation, text);
}

static void
on_max_tokens_changed (CfaiChatSettings *self)
{
  if (self->syncing || self->conversation == NULL)
    return;
  cfai_conversation_set_max_tokens (self->conversation,
                                    MAX (1, (gint64) adw_spin_row_get_value (self->max_tokens)));
}

static void
on_temperature_changed (CfaiChatSettings *self)
{
  gboolean set = adw_expander_row_get_enable_expansion (self->temperature_row);
  double value = set ? adw_spin_row_get_value (self->temperature) : CFAI_UNSET;

  if (self->syncing || self->conversation == NULL)
    return;
  cfai_conversation_set_temperature (self->conversation, value);
  update_optional_subtitle (self->temperature_row, value);
}

static void
on_top_p_changed (CfaiChatSettings *self)
{
  gboolean set = adw_expander_row_get_enable_expansion (self->top_p_row);
  double value = set ? adw_spin_row_get_value (self->top_p) : CFAI_UNSET;

  if (self->syncing || self->conversation == NULL)
    return;
  cfai_conversation_set_top_p (self->conversation, value);
  update_optional_subtitle (self->top_p_row, value);
}

static gboolean
parse_seed (const char *text,
            gint64     *seed)
{
  guint64 value = 0;

  if (*text == '\0')
    {
      *seed = CFAI_UNSET;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 1, SEED_MAX, &value, NULL))
    return FALSE;
  *seed = (gint64) value;
  return TRUE;
}

static void
on_seed_changed (CfaiChatSettings *self)
{
  g_autofree char *text = NULL;
  gint64 seed;
  gboolean valid;

  if (self->syncing || self->conversation == NULL)
    return;
  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->seed))));
  valid = parse_seed (text, &seed);
  gtk_widget_set_visible (self->seed_error, !valid);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->seed), GTK_ACCESSIBLE_STATE_INVALID,
                               valid ? GTK_ACCESSIBLE_INVALID_FALSE : GTK_ACCESSIBLE_INVALID_TRUE, -1);
  if (valid)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->seed), "error");
      cfai_conversation_set_seed (self->conversation, seed);
    }
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->seed), "error");
}

static void
on_reasoning_effort_selected (CfaiChatSettings *self)
{
  guint selected = adw_combo_row_get_selected (self->reasoning_effort);

  if (self->syncing || self->conversation == NULL || selected >= G_N_ELEMENTS (efforts))
    return;
  cfai_conversation_set_reasoning_effort (self->conversation, efforts[selected]);
}

static void
on_lora_changed (CfaiChatSettings *self)
{
  g_autofree char *text = NULL;

  if (self->syncing || self->conversation == NULL)
    return;
  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->lora))));
  cfai_conversation_set_lora (self->conversation, text);
}

/* Object ----------------------------------------------------------------- */

GtkWidget *
cfai_chat_settings_new (void)
{
  return g_object_new (CFAI_TYPE_CHAT_SETTINGS, NULL);
}

CfaiConversation *
cfai_chat_settings_get_conversation (CfaiChatSettings *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_SETTINGS (self), NULL);
  return self->conversation;
}

/**
 * cfai_chat_settings_set_conversation:
 * @conversation: (nullable): the chat to edit, NULL for none
 */
void
cfai_chat_settings_set_conversation (CfaiChatSettings *self,
                                     CfaiConversation *conversation)
{
  g_return_if_fail (CFAI_IS_CHAT_SETTINGS (self));
  g_return_if_fail (conversation == NULL || CFAI_IS_CONVERSATION (conversation));

  if (!g_set_object (&self->conversation, conversation))
    return;
  /* A wrong seed typed for the chat before is not carried over. */
  gtk_widget_set_visible (self->seed_error, FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->seed), "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->seed), GTK_ACCESSIBLE_STATE_INVALID,
                               GTK_ACCESSIBLE_INVALID_FALSE, -1);
  g_signal_group_set_target (self->conversation_signals, conversation);
  sync_from_conversation (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION]);
}

CfaiModelCatalog *
cfai_chat_settings_get_catalog (CfaiChatSettings *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_SETTINGS (self), NULL);
  return self->catalog;
}

void
cfai_chat_settings_set_catalog (CfaiChatSettings *self,
                                CfaiModelCatalog *catalog)
{
  g_return_if_fail (CFAI_IS_CHAT_SETTINGS (self));
  g_return_if_fail (catalog == NULL || CFAI_IS_MODEL_CATALOG (catalog));

  if (!g_set_object (&self->catalog, catalog))
    return;
  g_signal_group_set_target (self->catalog_signals, catalog);
  sync_from_conversation (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATALOG]);
}

/* Where the keyboard goes when the panel opens: the first setting. */
void
cfai_chat_settings_focus (CfaiChatSettings *self)
{
  g_return_if_fail (CFAI_IS_CHAT_SETTINGS (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->system_prompt));
}

static void
cfai_chat_settings_dispose (GObject *object)
{
  CfaiChatSettings *self = CFAI_CHAT_SETTINGS (object);

  if (self->conversation_signals != NULL)
    g_signal_group_set_target (self->conversation_signals, NULL);
  if (self->catalog_signals != NULL)
    g_signal_group_set_target (self->catalog_signals, NULL);
  g_clear_object (&self->conversation_signals);
  g_clear_object (&self->catalog_signals);
  g_clear_object (&self->conversation);
  g_clear_object (&self->catalog);
  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_CHAT_SETTINGS);

  G_OBJECT_CLASS (cfai_chat_settings_parent_class)->dispose (object);
}

static void
cfai_chat_settings_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CfaiChatSettings *self = CFAI_CHAT_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_CONVERSATION:
      g_value_set_object (value, self->conversation);
      break;
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_chat_settings_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CfaiChatSettings *self = CFAI_CHAT_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_CONVERSATION:
      cfai_chat_settings_set_conversation (self, g_value_get_object (value));
      break;
    case PROP_CATALOG:
      cfai_chat_settings_set_catalog (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_chat_settings_class_init (CfaiChatSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_chat_settings_dispose;
  object_class->get_property = cfai_chat_settings_get_property;
  object_class->set_property = cfai_chat_settings_set_property;

  properties[PROP_CONVERSATION] =
    g_param_spec_object ("conversation", NULL, NULL, CFAI_TYPE_CONVERSATION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, CFAI_TYPE_MODEL_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-chat-settings.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiChatSettings, system_prompt);
  gtk_widget_class_bind_template_child (widget_class, CfaiChatSettings, max_tokens);
  gtk_widget_class_bind_template_child (widget_class, CfaiChatSettings, temperature_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiChatSettings, temperature);
  gtk_widget_class_bind_template_child (widget_class, CfaiChatSettings, top_p_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiChatSettings, top_p);
  gtk_widget_class_bind_template_child (widget_class, CfaiChatSettings, seed);
  gtk_widget_class_bind_template_child (widget_class, CfaiChatSettings, seed_error);
  gtk_widget_class_bind_template_child (widget_class, CfaiChatSettings, reasoning_effort);
  gtk_widget_class_bind_template_child (widget_class, CfaiChatSettings, lora);
  gtk_widget_class_bind_template_callback (widget_class, on_seed_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_reasoning_effort_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_lora_changed);
  gtk_widget_class_set_css_name (widget_class, "cfai-chat-settings");
}

static void
cfai_chat_settings_init (CfaiChatSettings *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (gtk_text_view_get_buffer (self->system_prompt), "changed",
                           G_CALLBACK (on_system_prompt_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->max_tokens, "notify::value",
                           G_CALLBACK (on_max_tokens_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->temperature, "notify::value",
                           G_CALLBACK (on_temperature_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->temperature_row, "notify::enable-expansion",
                           G_CALLBACK (on_temperature_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->top_p, "notify::value",
                           G_CALLBACK (on_top_p_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->top_p_row, "notify::enable-expansion",
                           G_CALLBACK (on_top_p_changed), self, G_CONNECT_SWAPPED);

  /* Any setting changed elsewhere (another window, the model picker)
   * shows here. */
  self->conversation_signals = g_signal_group_new (CFAI_TYPE_CONVERSATION);
  for (guint i = 0; i < G_N_ELEMENTS (setting_signals); i++)
    g_signal_group_connect_swapped (self->conversation_signals, setting_signals[i],
                                    G_CALLBACK (sync_from_conversation), self);

  /* A catalog that arrives (or refreshes) after the chat may know more
   * about its model. */
  self->catalog_signals = g_signal_group_new (CFAI_TYPE_MODEL_CATALOG);
  g_signal_group_connect_swapped (self->catalog_signals, "notify::fetched-at",
                                  G_CALLBACK (sync_from_conversation), self);
  g_signal_group_connect_swapped (self->catalog_signals, "notify::source",
                                  G_CALLBACK (sync_from_conversation), self);

  adw_expander_row_set_enable_expansion (self->temperature_row, FALSE);
  adw_expander_row_set_enable_expansion (self->top_p_row, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
}
