/* cfai-prompt-hint.c — one suggestion for improving an image prompt
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-prompt-hint.h"

/* Immutable: a new prompt gives new hints, so a row bound to one never
 * needs to follow changes. */
struct _CfaiPromptHint
{
  GObject             parent_instance;

  CfaiPromptHintKind  kind;
  char               *title;
  char               *explanation;
  char               *excerpt;
};

G_DEFINE_ENUM_TYPE (CfaiPromptHintKind, cfai_prompt_hint_kind,
  G_DEFINE_ENUM_VALUE (CFAI_PROMPT_HINT_EMPTY, "empty"),
  G_DEFINE_ENUM_VALUE (CFAI_PROMPT_HINT_TOO_LONG, "too-long"),
  G_DEFINE_ENUM_VALUE (CFAI_PROMPT_HINT_SINGLE_WORD, "single-word"),
  G_DEFINE_ENUM_VALUE (CFAI_PROMPT_HINT_TOO_SHORT, "too-short"),
  G_DEFINE_ENUM_VALUE (CFAI_PROMPT_HINT_NEGATIVE_PHRASING, "negative-phrasing"),
  G_DEFINE_ENUM_VALUE (CFAI_PROMPT_HINT_SUBJECT_DETAIL, "subject-detail"),
  G_DEFINE_ENUM_VALUE (CFAI_PROMPT_HINT_SETTING, "setting"),
  G_DEFINE_ENUM_VALUE (CFAI_PROMPT_HINT_LIGHTING, "lighting"),
  G_DEFINE_ENUM_VALUE (CFAI_PROMPT_HINT_STYLE, "style"))

G_DEFINE_FINAL_TYPE (CfaiPromptHint, cfai_prompt_hint, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_TITLE,
  PROP_EXPLANATION,
  PROP_EXCERPT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cfai_prompt_hint_finalize (GObject *object)
{
  CfaiPromptHint *self = (CfaiPromptHint *)object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->explanation, g_free);
  g_clear_pointer (&self->excerpt, g_free);

  G_OBJECT_CLASS (cfai_prompt_hint_parent_class)->finalize (object);
}

static void
cfai_prompt_hint_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CfaiPromptHint *self = CFAI_PROMPT_HINT (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_EXPLANATION:
      g_value_set_string (value, self->explanation);
      break;

    case PROP_EXCERPT:
      g_value_set_string (value, self->excerpt);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_prompt_hint_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CfaiPromptHint *self = CFAI_PROMPT_HINT (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;

    case PROP_TITLE:
      self->title = g_value_dup_string (value);
      break;

    case PROP_EXPLANATION:
      self->explanation = g_value_dup_string (value);
      break;

    case PROP_EXCERPT:
      self->excerpt = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_prompt_hint_class_init (CfaiPromptHintClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cfai_prompt_hint_finalize;
  object_class->get_property = cfai_prompt_hint_get_property;
  object_class->set_property = cfai_prompt_hint_set_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       CFAI_TYPE_PROMPT_HINT_KIND,
                       CFAI_PROMPT_HINT_EMPTY,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiPromptHint:title:
   *
   * A short, translated headline, such as "Describe the light".
   */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiPromptHint:explanation:
   *
   * Why it matters and what to write instead, translated.
   */
  properties[PROP_EXPLANATION] =
    g_param_spec_string ("explanation", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CfaiPromptHint:excerpt:
   *
   * The words of the prompt the hint is about ("no cars"), exactly as the
   * user wrote them, so a UI can highlight them; %NULL when the hint is
   * about something missing.
   */
  properties[PROP_EXCERPT] =
    g_param_spec_string ("excerpt", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfai_prompt_hint_init (CfaiPromptHint *self)
{
}

CfaiPromptHint *
cfai_prompt_hint_new (CfaiPromptHintKind  kind,
                      const char         *title,
                      const char         *explanation,
                      const char         *excerpt)
{
  return g_object_new (CFAI_TYPE_PROMPT_HINT,
                       "kind", kind,
                       "title", title,
                       "explanation", explanation,
                       "excerpt", excerpt,
                       NULL);
}

CfaiPromptHintKind
cfai_prompt_hint_get_kind (CfaiPromptHint *self)
{
  g_return_val_if_fail (CFAI_IS_PROMPT_HINT (self), CFAI_PROMPT_HINT_EMPTY);

  return self->kind;
}

const char *
cfai_prompt_hint_get_title (CfaiPromptHint *self)
{
  g_return_val_if_fail (CFAI_IS_PROMPT_HINT (self), NULL);

  return self->title;
}

const char *
cfai_prompt_hint_get_explanation (CfaiPromptHint *self)
{
  g_return_val_if_fail (CFAI_IS_PROMPT_HINT (self), NULL);

  return self->explanation;
}

const char *
cfai_prompt_hint_get_excerpt (CfaiPromptHint *self)
{
  g_return_val_if_fail (CFAI_IS_PROMPT_HINT (self), NULL);

  return self->excerpt;
}
