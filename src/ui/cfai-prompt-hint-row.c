/* cfai-prompt-hint-row.c — one prompt hint, with a chip that acts on it
 *
 * Each hint about something missing gets a chip with a phrase to add
 * (the studio inserts it selected, so typing replaces it); hints about a
 * prompt too short to work with offer the template that frames it.  The
 * chips run the studio's actions, so a row knows nothing of the prompt.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-prompt-hint-row.h"

struct _CfaiPromptHintRow
{
  GtkWidget       parent_instance;

  CfaiPromptHint *hint;

  GtkLabel       *title_label;
  GtkLabel       *explanation_label;
  GtkButton      *chip;
};

G_DEFINE_FINAL_TYPE (CfaiPromptHintRow, cfai_prompt_hint_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_HINT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* English, like the frame of the template: the models read English best. */
static const char *
phrase_for (CfaiPromptHintKind kind)
{
  switch (kind)
    {
    case CFAI_PROMPT_HINT_SUBJECT_DETAIL:
      return "with vivid colours and fine detail";
    case CFAI_PROMPT_HINT_SETTING:
      return "in a misty forest";
    case CFAI_PROMPT_HINT_LIGHTING:
      return "soft morning light";
    case CFAI_PROMPT_HINT_STYLE:
      return "35 mm film photograph";
    case CFAI_PROMPT_HINT_EMPTY:
    case CFAI_PROMPT_HINT_TOO_LONG:
    case CFAI_PROMPT_HINT_SINGLE_WORD:
    case CFAI_PROMPT_HINT_TOO_SHORT:
    case CFAI_PROMPT_HINT_NEGATIVE_PHRASING:
    default:
      return NULL;
    }
}

static void
update_chip (CfaiPromptHintRow *self)
{
  CfaiPromptHintKind kind = cfai_prompt_hint_get_kind (self->hint);
  const char *phrase = phrase_for (kind);

  if (phrase != NULL)
    {
      g_autofree char *label = g_strdup_printf ("+ %s", phrase);
      /* Translators: what a screen reader says for a chip; %s is the phrase it adds */
      g_autofree char *accessible = g_strdup_printf (_("Add “%s” to the prompt"), phrase);

      gtk_button_set_label (self->chip, label);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->chip), "studio.insert-phrase");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->chip), "s", phrase);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->chip), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      accessible, -1);
      gtk_widget_set_visible (GTK_WIDGET (self->chip), TRUE);
      return;
    }

  if (kind == CFAI_PROMPT_HINT_EMPTY || kind == CFAI_PROMPT_HINT_SINGLE_WORD ||
      kind == CFAI_PROMPT_HINT_TOO_SHORT)
    {
      gtk_button_set_label (self->chip, _("Use a Template"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->chip), "studio.apply-template");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->chip), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Frame the prompt with a template to fill in"), -1);
      gtk_widget_set_visible (GTK_WIDGET (self->chip), TRUE);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->chip), FALSE);
}

static void
cfai_prompt_hint_row_constructed (GObject *object)
{
  CfaiPromptHintRow *self = CFAI_PROMPT_HINT_ROW (object);

  G_OBJECT_CLASS (cfai_prompt_hint_row_parent_class)->constructed (object);

  gtk_label_set_text (self->title_label, cfai_prompt_hint_get_title (self->hint));
  gtk_label_set_text (self->explanation_label, cfai_prompt_hint_get_explanation (self->hint));
  update_chip (self);
}

static void
cfai_prompt_hint_row_dispose (GObject *object)
{
  CfaiPromptHintRow *self = CFAI_PROMPT_HINT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_PROMPT_HINT_ROW);
  g_clear_object (&self->hint);

  G_OBJECT_CLASS (cfai_prompt_hint_row_parent_class)->dispose (object);
}

static void
cfai_prompt_hint_row_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CfaiPromptHintRow *self = CFAI_PROMPT_HINT_ROW (object);

  switch (prop_id)
    {
    case PROP_HINT:
      g_value_set_object (value, self->hint);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_prompt_hint_row_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  CfaiPromptHintRow *self = CFAI_PROMPT_HINT_ROW (object);

  switch (prop_id)
    {
    case PROP_HINT:
      self->hint = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_prompt_hint_row_class_init (CfaiPromptHintRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cfai_prompt_hint_row_constructed;
  object_class->dispose = cfai_prompt_hint_row_dispose;
  object_class->get_property = cfai_prompt_hint_row_get_property;
  object_class->set_property = cfai_prompt_hint_row_set_property;

  properties[PROP_HINT] =
    g_param_spec_object ("hint", NULL, NULL, CFAI_TYPE_PROMPT_HINT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-prompt-hint-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiPromptHintRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiPromptHintRow, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiPromptHintRow, chip);
  /* Bound so that dispose_template() unparents it. */
  gtk_widget_class_bind_template_child_full (widget_class, "content", FALSE, 0);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cfai_prompt_hint_row_init (CfaiPromptHintRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
cfai_prompt_hint_row_new (CfaiPromptHint *hint)
{
  g_return_val_if_fail (CFAI_IS_PROMPT_HINT (hint), NULL);

  return g_object_new (CFAI_TYPE_PROMPT_HINT_ROW, "hint", hint, NULL);
}

CfaiPromptHint *
cfai_prompt_hint_row_get_hint (CfaiPromptHintRow *self)
{
  g_return_val_if_fail (CFAI_IS_PROMPT_HINT_ROW (self), NULL);
  return self->hint;
}

GtkButton *
cfai_prompt_hint_row_get_chip (CfaiPromptHintRow *self)
{
  g_return_val_if_fail (CFAI_IS_PROMPT_HINT_ROW (self), NULL);
  return self->chip;
}
