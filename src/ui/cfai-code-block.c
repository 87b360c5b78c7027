/* cfai-code-block.c — one fenced code block of an answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read-only code in a GtkSourceView, highlighted by the language the
 * fence names, under a header with that language and a Copy button.
 * While an answer streams, the code grows at its end; growth is inserted
 * at the end of the buffer instead of replacing it, so the view keeps
 * its highlighting and a token costs what the token is, not the block.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>
#include <gtksourceview/gtksource.h>

#include "cfai-code-block.h"

struct _CfaiCodeBlock
{
  GtkWidget        parent_instance;

  GtkLabel        *language_label;
  GtkButton       *copy_button;
  GtkSourceView   *view;
  GtkSourceBuffer *buffer;
  GtkScrolledWindow *scroller;

  GString         *code;
  char            *language;
  guint            copied_id;
};

G_DEFINE_FINAL_TYPE (CfaiCodeBlock, cfai_code_block, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CODE,
  PROP_LANGUAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What people write after a fence, where GtkSourceView's id differs. */
static const struct
{
  const char *alias;
  const char *id;
} language_aliases[] = {
  { "bash", "sh" }, { "shell", "sh" }, { "zsh", "sh" }, { "console", "sh" },
  { "shellsession", "sh" }, { "c++", "cpp" }, { "cxx", "cpp" }, { "hpp", "cpp" },
  { "h", "c" }, { "cs", "c-sharp" }, { "csharp", "c-sharp" }, { "py", "python3" },
  { "python", "python3" }, { "js", "js" }, { "javascript", "js" }, { "node", "js" },
  { "ts", "typescript" }, { "tsx", "typescript-jsx" }, { "rs", "rust" },
  { "rb", "ruby" }, { "yml", "yaml" }, { "md", "markdown" }, { "golang", "go" },
  { "kt", "kotlin" }, { "dockerfile", "docker" }, { "jsonc", "json" },
  { "html", "html" }, { "htm", "html" }, { "ps1", "powershell" }, { "pwsh", "powershell" },
  { "make", "makefile" }, { "tex", "latex" }, { "objective-c", "objc" }, { "patch", "diff" },
};

static GtkSourceLanguage *
find_language (const char *name)
{
  GtkSourceLanguageManager *manager = gtk_source_language_manager_get_default ();
  g_autofree char *id = NULL;
  g_autofree char *file_name = NULL;
  GtkSourceLanguage *language;

  if (name == NULL || name[0] == '\0')
    return NULL;

  id = g_ascii_strdown (name, -1);
  for (gsize i = 0; i < G_N_ELEMENTS (language_aliases); i++)
    if (g_str_equal (id, language_aliases[i].alias))
      {
        g_free (id);
        id = g_strdup (language_aliases[i].id);
        break;
      }

  language = gtk_source_language_manager_get_language (manager, id);
  if (language != NULL)
    return language;

  /* Many fences name a file extension ("toml", "lua", "vue"). */
  file_name = g_strconcat ("code.", id, NULL);
  return gtk_source_language_manager_guess_language (manager, file_name, NULL);
}

/* GtkSourceView reads a language's definition when a buffer first
 * highlights with it, and lets it go with the last buffer that used it.
 * Scrolling a chat makes and drops code blocks all the time, and reading
 * a definition again (tens of milliseconds of XML and regular
 * expressions) stalled frames, so one idle buffer per language seen
 * keeps each definition for the life of the process. */
static void
keep_language (GtkSourceLanguage *language)
{
  static GHashTable *kept;

  if (language == NULL)
    return;
  if (kept == NULL)
    kept = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
  if (!g_hash_table_contains (kept, language))
    g_hash_table_insert (kept, g_object_ref (language), gtk_source_buffer_new_with_language (language));
}

static void
update_scheme (CfaiCodeBlock *self)
{
  GtkSourceStyleSchemeManager *manager = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  gtk_source_buffer_set_style_scheme (self->buffer,
                                      gtk_source_style_scheme_manager_get_scheme (manager, dark ? "Adwaita-dark" : "Adwaita"));
}

/* A scrollbar that may appear makes the scrolled window at least as
 * tall as the scrollbar's own minimum, too tall for a line or two, so
 * code scrolls only once it is long enough to need to. */
#define SCROLL_FROM_LINES 24

static void
update_scrolling (CfaiCodeBlock *self)
{
  gboolean tall = gtk_text_buffer_get_line_count (GTK_TEXT_BUFFER (self->buffer)) > SCROLL_FROM_LINES;

  gtk_scrolled_window_set_policy (self->scroller, GTK_POLICY_AUTOMATIC,
                                  tall ? GTK_POLICY_AUTOMATIC : GTK_POLICY_NEVER);
}

static gboolean
copied_done (gpointer data)
{
  CfaiCodeBlock *self = data;

  self->copied_id = 0;
  gtk_button_set_icon_name (self->copy_button, "edit-copy-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->copy_button), _("Copy Code"));
  return G_SOURCE_REMOVE;
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CfaiCodeBlock *self = CFAI_CODE_BLOCK (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->code->str);

  /* A moment of "done" on the button itself, where the user looks. */
  gtk_button_set_icon_name (self->copy_button, "object-select-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->copy_button), _("Copied"));
  gtk_accessible_announce (GTK_ACCESSIBLE (self), _("Code copied"),
                           GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_MEDIUM);
  g_clear_handle_id (&self->copied_id, g_source_remove);
  self->copied_id = g_timeout_add_seconds (2, copied_done, self);
}

static void
cfai_code_block_dispose (GObject *object)
{
  CfaiCodeBlock *self = CFAI_CODE_BLOCK (object);

  GtkWidget *child;

  g_clear_handle_id (&self->copied_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFAI_TYPE_CODE_BLOCK);
  /* A plain GtkWidget unparents nothing by itself. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (cfai_code_block_parent_class)->dispose (object);
}

static void
cfai_code_block_finalize (GObject *object)
{
  CfaiCodeBlock *self = CFAI_CODE_BLOCK (object);

  g_string_free (self->code, TRUE);
  g_free (self->language);

  G_OBJECT_CLASS (cfai_code_block_parent_class)->finalize (object);
}

static void
cfai_code_block_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CfaiCodeBlock *self = CFAI_CODE_BLOCK (object);

  switch (prop_id)
    {
    case PROP_CODE:
      g_value_set_string (value, cfai_code_block_get_code (self));
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, cfai_code_block_get_language (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_code_block_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CfaiCodeBlock *self = CFAI_CODE_BLOCK (object);

  switch (prop_id)
    {
    case PROP_CODE:
      cfai_code_block_set_code (self, g_value_get_string (value));
      break;
    case PROP_LANGUAGE:
      cfai_code_block_set_language (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_code_block_class_init (CfaiCodeBlockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_code_block_dispose;
  object_class->finalize = cfai_code_block_finalize;
  object_class->get_property = cfai_code_block_get_property;
  object_class->set_property = cfai_code_block_set_property;

  properties[PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_source_init ();
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  g_type_ensure (GTK_SOURCE_TYPE_BUFFER);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-code-block.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiCodeBlock, language_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiCodeBlock, copy_button);
  gtk_widget_class_bind_template_child (widget_class, CfaiCodeBlock, view);
  gtk_widget_class_bind_template_child (widget_class, CfaiCodeBlock, buffer);
  gtk_widget_class_bind_template_child (widget_class, CfaiCodeBlock, scroller);

  gtk_widget_class_install_action (widget_class, "code.copy", NULL, copy_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "cfai-code-block");
}

static void
cfai_code_block_init (CfaiCodeBlock *self)
{
  self->code = g_string_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_scheme), self, G_CONNECT_SWAPPED);
  update_scheme (self);
  cfai_code_block_set_language (self, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->copy_button), FALSE);
}

GtkWidget *
cfai_code_block_new (void)
{
  return g_object_new (CFAI_TYPE_CODE_BLOCK, NULL);
}

const char *
cfai_code_block_get_code (CfaiCodeBlock *self)
{
  g_return_val_if_fail (CFAI_IS_CODE_BLOCK (self), NULL);

  return self->code->str;
}

/**
 * cfai_code_block_set_code:
 * @code: the code, without a final newline
 *
 * When @code goes on from the code shown, only the new part is added.
 */
void
cfai_code_block_set_code (CfaiCodeBlock *self,
                          const char    *code)
{
  gsize length;
  GtkTextIter end;

  g_return_if_fail (CFAI_IS_CODE_BLOCK (self));

  if (code == NULL)
    code = "";
  length = strlen (code);

  if (length == self->code->len && memcmp (code, self->code->str, length) == 0)
    return;

  if (length > self->code->len && memcmp (code, self->code->str, self->code->len) == 0)
    {
      gtk_text_buffer_get_end_iter (GTK_TEXT_BUFFER (self->buffer), &end);
      gtk_text_buffer_insert (GTK_TEXT_BUFFER (self->buffer), &end,
                              code + self->code->len, length - self->code->len);
      g_string_append_len (self->code, code + self->code->len, length - self->code->len);
    }
  else
    {
      gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->buffer), code, length);
      g_string_assign (self->code, code);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->copy_button), self->code->len > 0);
  update_scrolling (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CODE]);
}

/**
 * cfai_code_block_get_language:
 *
 * Returns: (nullable): the language as the fence named it
 */
const char *
cfai_code_block_get_language (CfaiCodeBlock *self)
{
  g_return_val_if_fail (CFAI_IS_CODE_BLOCK (self), NULL);

  return self->language;
}

void
cfai_code_block_set_language (CfaiCodeBlock *self,
                              const char    *language)
{
  GtkSourceLanguage *source_language;
  g_autofree char *label = NULL;

  g_return_if_fail (CFAI_IS_CODE_BLOCK (self));

  if (language != NULL && language[0] == '\0')
    language = NULL;
  if (self->language != NULL && g_strcmp0 (self->language, language) == 0)
    return;

  g_free (self->language);
  self->language = g_strdup (language);

  source_language = find_language (language);
  keep_language (source_language);
  gtk_source_buffer_set_language (self->buffer, source_language);

  /* The header shows the language as the answer named it ("bash",
   * "python"), as people read it in other chat apps; screen readers get
   * the language's full name. */
  gtk_label_set_text (self->language_label, language != NULL ? language : _("Code"));
  if (source_language != NULL)
    /* Translators: the accessible name of a code block; %s is a programming language */
    label = g_strdup_printf (_("%s code"), gtk_source_language_get_name (source_language));
  else
    label = g_strdup (_("Code"));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_READ_ONLY, TRUE,
                                  -1);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANGUAGE]);
}
