/* test-markdown-view.c — an answer's Markdown, streamed into real widgets
 *
 * The view is fed token by token the way a stream feeds it, in a real
 * window under Xvfb, and what it shows is checked widget by widget:
 * which blocks there are, their text, the code and its language, that
 * finished blocks keep their widgets while more text arrives, that text
 * never turns into markup, and that Copy copies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <gtksourceview/gtksource.h>

#include "cfai-application.h"
#include "cfai-code-block.h"
#include "cfai-markdown-view-private.h"
#include "cfai-test-home.h"
#include "cfai-text-block.h"
#include "cfai-ui-test.h"

#define WAIT_MS 10000

static CfaiApplication *app;

/* Two parts: the second arrives after the first one's blocks are done. */
static const char first_part[] =
  "# Streaming in CfAI\n"
  "\n"
  "Workers AI answers *stream*: each token is **appended**, `inline code` stays "
  "monospace, ~~nothing~~ is re-parsed, and the [Workers AI docs](https://developers.cloudflare.com/workers-ai/) "
  "open in the browser.\n"
  "\n"
  "```python\n"
  "import os\n"
  "\n"
  "def greet(name: str) -> str:\n"
  "    return f\"Hello, {name}!\"  # a blank line above stays in the block\n"
  "```\n"
  "\n";

static const char second_part[] =
  "| Model | Context | Price |\n"
  "| :--- | :---: | ---: |\n"
  "| llama-3.3-70b | 24k | $0.29 |\n"
  "| gpt-oss-120b | 128k | $0.35 |\n"
  "\n"
  "1. Pick a model\n"
  "2. Write a prompt\n"
  "   - keep it short\n"
  "   - say what you want\n"
  "\n"
  "> Quoted advice with a `command`.\n"
  "\n"
  "---\n"
  "\n"
  "~~~sh\n"
  "cfai-cli chat \"Hi\"\n"
  "~~~\n"
  "\n"
  "Done.";

typedef struct
{
  GtkWindow        *window;
  CfaiMarkdownView *view;
  guint             notifies;
} Fixture;

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              Fixture    *fixture)
{
  fixture->notifies++;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();

  fixture->window = GTK_WINDOW (adw_application_window_new (GTK_APPLICATION (app)));
  gtk_window_set_title (fixture->window, "Markdown");
  gtk_window_set_default_size (fixture->window, 760, 1000);

  fixture->view = CFAI_MARKDOWN_VIEW (cfai_markdown_view_new ());
  gtk_widget_set_margin_top (GTK_WIDGET (fixture->view), 24);
  gtk_widget_set_margin_bottom (GTK_WIDGET (fixture->view), 24);
  gtk_widget_set_margin_start (GTK_WIDGET (fixture->view), 18);
  gtk_widget_set_margin_end (GTK_WIDGET (fixture->view), 18);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 720);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (fixture->view));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (fixture->window), scroller);

  g_signal_connect (fixture->view, "notify::text", G_CALLBACK (count_notify), fixture);

  gtk_window_present (fixture->window);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, fixture->view, WAIT_MS));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cfai_ui_test_close_windows (GTK_APPLICATION (app));
}

typedef struct
{
  Fixture *fixture;
  guint    notifies;
} FrameWait;

static gboolean
frame_done (gpointer data)
{
  FrameWait *wait = data;

  return wait->fixture->notifies > wait->notifies;
}

/* Feeds @text in pieces of a few bytes, the size of model tokens, with a
 * frame now and then: some frames see one token, some see several. */
static void
wait_frame (Fixture *fixture)
{
  FrameWait wait = { fixture, fixture->notifies };

  g_assert_true (cfai_ui_test_wait_until (frame_done, &wait, WAIT_MS));
}

/* Feeds @text in pieces of a few bytes, the size of model tokens, with a
 * frame now and then: some frames see one token, some see several. */
static void
stream (Fixture    *fixture,
        const char *text)
{
  gsize length = strlen (text);
  gboolean drawn = TRUE;

  for (gsize at = 0, n = 0; at < length; n++)
    {
      gsize size = MIN (1 + (n * 7) % 5, length - at);

      cfai_markdown_view_append (fixture->view, text + at, size);
      at += size;
      drawn = FALSE;

      if (n % 3 == 0)
        {
          wait_frame (fixture);
          drawn = TRUE;
        }
    }

  if (!drawn)
    wait_frame (fixture);
}

static GtkWidget *
nth_child (GtkWidget *parent,
           guint      n)
{
  GtkWidget *child = gtk_widget_get_first_child (parent);

  for (guint i = 0; i < n && child != NULL; i++)
    child = gtk_widget_get_next_sibling (child);
  g_assert_nonnull (child);
  return child;
}

static guint
n_children (GtkWidget *parent)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (parent); child != NULL; child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

/* The view keeps its blocks in groups; these look through them. */
static guint
n_blocks (GtkWidget *view)
{
  guint n = 0;

  for (GtkWidget *group = gtk_widget_get_first_child (view); group != NULL; group = gtk_widget_get_next_sibling (group))
    {
      g_assert_true (gtk_widget_has_css_class (group, "cfai-md-group"));
      n += n_children (group);
    }
  return n;
}

static GtkWidget *
nth_block (GtkWidget *view,
           guint      n)
{
  for (GtkWidget *group = gtk_widget_get_first_child (view); group != NULL; group = gtk_widget_get_next_sibling (group))
    {
      guint in_group = n_children (group);

      if (n < in_group)
        return nth_child (group, n);
      n -= in_group;
    }
  g_assert_not_reached ();
}

static GtkWidget *
find_descendant (GtkWidget *root,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
buffer_text (GtkSourceView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
assert_code (GtkWidget  *block,
             const char *code,
             const char *language_id,
             const char *language_label)
{
  GtkSourceView *view;
  GtkSourceLanguage *language;
  g_autofree char *text = NULL;

  g_assert_true (CFAI_IS_CODE_BLOCK (block));
  view = GTK_SOURCE_VIEW (find_descendant (block, GTK_SOURCE_TYPE_VIEW));
  g_assert_nonnull (view);
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (view)));
  g_assert_true (gtk_text_view_get_monospace (GTK_TEXT_VIEW (view)));

  text = buffer_text (view);
  g_assert_cmpstr (text, ==, code);
  g_assert_cmpstr (cfai_code_block_get_code (CFAI_CODE_BLOCK (block)), ==, code);

  language = gtk_source_buffer_get_language (GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view))));
  g_assert_nonnull (language);
  g_assert_cmpstr (gtk_source_language_get_id (language), ==, language_id);
  g_assert_nonnull (cfai_ui_test_find_label (block, language_label));
}

static const char python_code[] =
  "import os\n"
  "\n"
  "def greet(name: str) -> str:\n"
  "    return f\"Hello, {name}!\"  # a blank line above stays in the block";

static void
test_stream (Fixture       *fixture,
             gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (fixture->view);
  GtkWidget *heading, *paragraph, *code, *grid, *list, *quote;
  GtkWidget *finished[3];
  g_autofree char *whole = g_strconcat (first_part, second_part, NULL);

  stream (fixture, first_part);

  /* Heading, paragraph and code are finished; nothing is open. */
  g_assert_cmpuint (n_blocks (view), ==, 3);
  for (guint i = 0; i < 3; i++)
    finished[i] = g_object_ref (nth_block (view, i));

  stream (fixture, second_part);
  g_assert_cmpstr (cfai_markdown_view_get_text (fixture->view), ==, whole);

  /* The blocks finished before keep their widgets. */
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (nth_block (view, i) == finished[i]);
      g_object_unref (finished[i]);
    }

  g_assert_cmpuint (n_blocks (view), ==, 9);

  heading = nth_block (view, 0);
  g_assert_true (CFAI_IS_TEXT_BLOCK (heading));
  g_assert_true (gtk_widget_has_css_class (heading, "title-1"));
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (heading)), ==, GTK_ACCESSIBLE_ROLE_HEADING);
  g_assert_cmpstr (cfai_ui_test_get_text (heading), ==, "Streaming in CfAI");

  paragraph = nth_block (view, 1);
  g_assert_true (CFAI_IS_TEXT_BLOCK (paragraph));
  g_assert_cmpstr (cfai_ui_test_get_text (paragraph), ==,
                   "Workers AI answers stream: each token is appended, inline code stays "
                   "monospace, nothing is re-parsed, and the Workers AI docs open in the browser.");
  g_assert_nonnull (strstr (cfai_text_block_get_markup (CFAI_TEXT_BLOCK (paragraph)),
                            "<a href=\"https://developers.cloudflare.com/workers-ai/\">Workers AI docs</a>"));
  g_assert_nonnull (strstr (cfai_text_block_get_markup (CFAI_TEXT_BLOCK (paragraph)), "<s>nothing</s>"));
  g_assert_nonnull (strstr (cfai_text_block_get_markup (CFAI_TEXT_BLOCK (paragraph)), "<b>appended</b>"));

  code = nth_block (view, 2);
  assert_code (code, python_code, "python3", "python");

  grid = nth_block (view, 3);
  g_assert_true (GTK_IS_SCROLLED_WINDOW (grid));
  grid = find_descendant (grid, GTK_TYPE_GRID);
  g_assert_true (GTK_IS_GRID (grid));
  g_assert_cmpstr (cfai_ui_test_get_text (gtk_grid_get_child_at (GTK_GRID (grid), 0, 0)), ==, "Model");
  g_assert_cmpstr (cfai_ui_test_get_text (gtk_grid_get_child_at (GTK_GRID (grid), 2, 2)), ==, "$0.35");
  g_assert_cmpfloat (gtk_label_get_xalign (GTK_LABEL (gtk_grid_get_child_at (GTK_GRID (grid), 2, 1))), ==, 1.0);
  g_assert_null (gtk_grid_get_child_at (GTK_GRID (grid), 0, 3));

  list = nth_block (view, 4);
  g_assert_true (GTK_IS_BOX (list));
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (list)), ==, GTK_ACCESSIBLE_ROLE_LIST);
  g_assert_cmpuint (n_children (list), ==, 2);
  g_assert_nonnull (cfai_ui_test_find_label (nth_child (list, 0), "1."));
  g_assert_nonnull (cfai_ui_test_find_label (nth_child (list, 1), "2."));
  g_assert_nonnull (cfai_ui_test_find_label (nth_child (list, 1), "say what you want"));
  g_assert_nonnull (cfai_ui_test_find_label (nth_child (list, 1), "◦"));

  quote = nth_block (view, 5);
  g_assert_true (gtk_widget_has_css_class (quote, "cfai-md-quote"));
  g_assert_nonnull (cfai_ui_test_find_label (quote, "Quoted advice with a command."));

  g_assert_true (GTK_IS_SEPARATOR (nth_block (view, 6)));
  assert_code (nth_block (view, 7), "cfai-cli chat \"Hi\"", "sh", "sh");
  g_assert_cmpstr (cfai_ui_test_get_text (nth_block (view, 8)), ==, "Done.");

  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-markdown.png");
}

/* While a block streams, only its widget changes: a growing paragraph
 * keeps its text block, a growing code block its view and buffer, a growing
 * table its cells. */
static void
test_open_block_in_place (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (fixture->view);
  GtkWidget *label, *code, *table, *grid, *cell;
  GtkTextBuffer *buffer;

  stream (fixture, "A paragraph that");
  label = nth_block (view, 0);
  stream (fixture, " keeps growing");
  g_assert_true (nth_block (view, 0) == label);
  g_assert_cmpstr (cfai_ui_test_get_text (label), ==, "A paragraph that keeps growing");

  stream (fixture, "\n\n```c\nint x;\n");
  code = nth_block (view, 1);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (find_descendant (code, GTK_SOURCE_TYPE_VIEW)));
  stream (fixture, "\nint y;\n");
  g_assert_true (nth_block (view, 0) == label);
  g_assert_true (nth_block (view, 1) == code);
  g_assert_true (gtk_text_view_get_buffer (GTK_TEXT_VIEW (find_descendant (code, GTK_SOURCE_TYPE_VIEW))) == buffer);
  assert_code (code, "int x;\n\nint y;", "c", "c");

  stream (fixture, "```\n| a | b |\n|---|---|\n| 1 | 2 |\n");
  table = nth_block (view, 2);
  grid = find_descendant (table, GTK_TYPE_GRID);
  g_assert_true (GTK_IS_GRID (grid));
  cell = gtk_grid_get_child_at (GTK_GRID (grid), 0, 1);
  stream (fixture, "| 3 | 4 |\n");
  g_assert_true (nth_block (view, 2) == table);
  g_assert_true (find_descendant (table, GTK_TYPE_GRID) == grid);
  g_assert_true (gtk_grid_get_child_at (GTK_GRID (grid), 0, 1) == cell);
  g_assert_cmpstr (cfai_ui_test_get_text (gtk_grid_get_child_at (GTK_GRID (grid), 1, 2)), ==, "4");
}

/* Model text that looks like Pango markup is shown as written. */
static void
test_escaping (Fixture       *fixture,
               gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (fixture->view);
  static const char injection[] =
    "<span foreground=\"red\" size=\"xx-large\">big</span> <b>bold?</b> </i> &amp; "
    "[click](javascript:alert(1)\"><b>x) `<tt>`";
  GtkWidget *label;
  PangoAttrList *attributes = NULL;

  stream (fixture, injection);
  label = nth_block (view, 0);
  g_assert_cmpstr (cfai_ui_test_get_text (label), ==,
                   "<span foreground=\"red\" size=\"xx-large\">big</span> <b>bold?</b> </i> & click <tt>");
  /* The link's target stays inside its attribute, quotes and all (and
   * a javascript: link is not followed, see on_activate_link()). */
  g_assert_nonnull (strstr (cfai_text_block_get_markup (CFAI_TEXT_BLOCK (label)),
                            "<a href=\"javascript:alert(1)&quot;&gt;&lt;b&gt;x\">click</a>"));
  /* Only the code span's own attributes are there: no colour, size or
   * weight from the text. */
  {
    /* Links are the text block's own markup, not Pango's. */
    g_autoptr(GRegex) links = g_regex_new ("<a [^>]*>|</a>", 0, 0, NULL);
    g_autofree char *markup = g_regex_replace_literal (links, cfai_text_block_get_markup (CFAI_TEXT_BLOCK (label)),
                                                       -1, 0, "", 0, NULL);

    g_assert_true (pango_parse_markup (markup, -1, 0, &attributes, NULL, NULL, NULL));
  }
  {
    GSList *all = pango_attr_list_get_attributes (attributes);

    g_assert_nonnull (all);
    for (GSList *l = all; l != NULL; l = l->next)
      {
        PangoAttribute *attribute = l->data;

        g_assert_true (attribute->klass->type == PANGO_ATTR_FAMILY ||
                       attribute->klass->type == PANGO_ATTR_BACKGROUND ||
                       attribute->klass->type == PANGO_ATTR_BACKGROUND_ALPHA);
      }
    g_slist_free_full (all, (GDestroyNotify) pango_attribute_destroy);
  }
  pango_attr_list_unref (attributes);
  g_assert_null (strstr (cfai_text_block_get_markup (CFAI_TEXT_BLOCK (label)), "<span foreground"));
  g_assert_null (strstr (cfai_text_block_get_markup (CFAI_TEXT_BLOCK (label)), "<b>"));
}

/* Setting the same text again does nothing; other text replaces all. */
static void
test_set_text (Fixture       *fixture,
               gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (fixture->view);
  GtkWidget *first;
  guint notifies;

  cfai_markdown_view_set_text (fixture->view, "One\n\nTwo");
  /* At once, without waiting for a frame. */
  g_assert_cmpuint (n_blocks (view), ==, 2);
  first = nth_block (view, 0);
  notifies = fixture->notifies;

  cfai_markdown_view_set_text (fixture->view, "One\n\nTwo");
  g_assert_cmpuint (fixture->notifies, ==, notifies);
  g_assert_true (nth_block (view, 0) == first);

  /* Text that goes on from the shown text is appended. */
  cfai_markdown_view_set_text (fixture->view, "One\n\nTwo and three");
  g_assert_true (nth_block (view, 0) == first);
  g_assert_cmpstr (cfai_ui_test_get_text (nth_block (view, 1)), ==, "Two and three");

  cfai_markdown_view_set_text (fixture->view, "# Other");
  g_assert_cmpuint (n_blocks (view), ==, 1);
  g_assert_true (gtk_widget_has_css_class (nth_block (view, 0), "title-1"));

  cfai_markdown_view_set_text (fixture->view, NULL);
  g_assert_cmpuint (n_blocks (view), ==, 0);
}

static gboolean
is_released (gpointer data)
{
  return *(GtkWidget **) data == NULL;
}

/* Text that does not go on from the shown text replaces the widgets: the
 * old ones leave the view at once and are destroyed once the main loop
 * is idle (a row reused while scrolling does not pay for that in its
 * frame), and never pile up when it is not. */
static void
test_replaced_widgets_released_later (Fixture       *fixture,
                                      gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (fixture->view);
  GtkWidget *old;

  cfai_markdown_view_set_text (fixture->view, "Some code:\n\n```c\nint x;\n```\n");
  old = gtk_widget_get_first_child (view);
  g_assert_nonnull (old);
  g_object_add_weak_pointer (G_OBJECT (old), (gpointer *) &old);

  cfai_markdown_view_set_text (fixture->view, "Other text");
  g_assert_nonnull (old);
  g_assert_null (gtk_widget_get_parent (old));
  g_assert_cmpstr (cfai_ui_test_get_text (nth_block (view, 0)), ==, "Other text");
  g_assert_true (cfai_ui_test_wait_until (is_released, &old, WAIT_MS));

  /* Many replaced with no idle main loop between them: the oldest are
   * destroyed at once past a bound. */
  cfai_markdown_view_set_text (fixture->view, "First");
  old = gtk_widget_get_first_child (view);
  g_object_add_weak_pointer (G_OBJECT (old), (gpointer *) &old);
  for (guint i = 0; i < 200 && old != NULL; i++)
    {
      g_autofree char *text = g_strdup_printf ("Text %u", i);

      cfai_markdown_view_set_text (fixture->view, text);
    }
  g_assert_null (old);
}

/* The view's height follows its width even with no text yet (an
 * answer waiting for its first token, or a view waiting to make its
 * widgets), so what holds it, as the message row's GtkOverlay does,
 * measures it at the width it has: GTK measures a widget that says
 * nothing, as an empty one would by default, at no width at all. */
static void
test_height_for_width (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *overlay = g_object_ref_sink (gtk_overlay_new ());
  GtkWidget *view = cfai_markdown_view_new ();
  int narrow, wide;

  gtk_overlay_set_child (GTK_OVERLAY (overlay), view);
  g_assert_cmpint (gtk_widget_get_request_mode (view), ==, GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH);
  g_assert_cmpint (gtk_widget_get_request_mode (overlay), ==, GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH);

  cfai_markdown_view_set_text (CFAI_MARKDOWN_VIEW (view),
                               "A paragraph long enough to wrap onto several lines when the "
                               "view is narrow, and onto fewer when it is wide.");
  gtk_widget_measure (overlay, GTK_ORIENTATION_VERTICAL, 150, &narrow, NULL, NULL, NULL);
  gtk_widget_measure (overlay, GTK_ORIENTATION_VERTICAL, 900, &wide, NULL, NULL, NULL);
  g_assert_cmpint (narrow, >, wide);
  g_object_unref (overlay);
}

/* A long answer: blocks go into groups, and the old ones stay put. */
static void
test_many_blocks (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (fixture->view);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) more = g_string_new (NULL);
  GtkWidget *first, *hundredth;

  for (guint i = 0; i < 100; i++)
    g_string_append_printf (text, "Paragraph %u.\n\n", i);
  cfai_markdown_view_set_text (fixture->view, text->str);
  g_assert_cmpuint (n_blocks (view), ==, 100);
  g_assert_cmpuint (n_children (view), >, 1);
  first = nth_block (view, 0);
  hundredth = nth_block (view, 99);

  for (guint i = 100; i < 150; i++)
    g_string_append_printf (more, "Paragraph %u.\n\n", i);
  stream (fixture, more->str);

  g_assert_cmpuint (n_blocks (view), ==, 150);
  g_assert_true (nth_block (view, 0) == first);
  g_assert_true (nth_block (view, 99) == hundredth);
  for (guint i = 0; i < 150; i += 7)
    {
      g_autofree char *expected = g_strdup_printf ("Paragraph %u.", i);

      g_assert_cmpstr (cfai_ui_test_get_text (nth_block (view, i)), ==, expected);
    }
}

/* Whether every group is where a column of natural heights puts it:
 * the view allocates only the groups whose place or size changed, so a
 * group it skipped wrongly would be out of line or keep an old size. */
static gboolean
groups_stacked (gpointer data)
{
  GtkWidget *view = data;
  int width = gtk_widget_get_width (view);
  double y = 0;
  guint n = 0;

  for (GtkWidget *group = gtk_widget_get_first_child (view); group != NULL; group = gtk_widget_get_next_sibling (group))
    {
      graphene_rect_t bounds;
      int minimum, natural;

      if (!gtk_widget_get_visible (group))
        continue;
      if (!gtk_widget_compute_bounds (group, view, &bounds))
        return FALSE;
      gtk_widget_measure (group, GTK_ORIENTATION_VERTICAL, width, &minimum, &natural, NULL, NULL);
      if (!G_APPROX_VALUE (bounds.origin.y, y, 0.5) ||
          !G_APPROX_VALUE (bounds.size.height, (double) natural, 0.5) ||
          !G_APPROX_VALUE (bounds.size.width, (double) width, 0.5))
        return FALSE;
      y += natural + 12;
      n++;
    }
  return n > 1;
}

typedef struct
{
  GtkWidget *view;
  int        width;
} WidthWait;

static gboolean
narrower (gpointer data)
{
  WidthWait *wait = data;

  return gtk_widget_get_width (wait->view) < wait->width;
}

/* Groups stay stacked while the open block grows, when a block ends
 * and a group fills, and when the width changes every group's height. */
static void
test_groups_stacked (Fixture       *fixture,
                     gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (fixture->view);
  GtkWidget *clamp = gtk_widget_get_parent (view);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) more = g_string_new (NULL);
  WidthWait wait = { view, 0 };

  for (guint i = 0; i < 40; i++)
    g_string_append_printf (text, "Paragraph %u%s.\n\n", i,
                            i % 3 == 0 ? " that goes on for a while, long enough to wrap onto a second line in a window this wide" : "");
  cfai_markdown_view_set_text (fixture->view, text->str);
  g_assert_true (cfai_ui_test_wait_until (groups_stacked, view, WAIT_MS));

  for (guint i = 40; i < 60; i++)
    g_string_append_printf (more, "Paragraph %u, streamed, with a few more words in it.\n\n", i);
  g_string_append (more, "And the open paragraph, still growing");
  stream (fixture, more->str);
  g_assert_true (cfai_ui_test_wait_until (groups_stacked, view, WAIT_MS));

  /* Narrower: the long paragraphs wrap onto more lines. */
  wait.width = gtk_widget_get_width (view);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), 400);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 400);
  g_assert_true (cfai_ui_test_wait_until (narrower, &wait, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (groups_stacked, view, WAIT_MS));
}

typedef struct
{
  CfaiMarkdownView *view;
  gboolean          at_end;
} DrawnWait;

/* Whether the last frame drew the groups at the start, or the end. */
static gboolean
drew_end (gpointer data)
{
  DrawnWait *wait = data;
  guint first, n_drawn;
  guint n_groups = cfai_markdown_view_get_drawn_groups (wait->view, &first, &n_drawn);

  if (n_drawn == 0)
    return FALSE;
  return wait->at_end ? first + n_drawn == n_groups && first > 0 : first == 0;
}

/* A long answer draws only the groups near what its scrolled window
 * shows, whichever way it is scrolled; the others keep their widgets
 * (and so their text for selection and screen readers). */
static void
test_draws_what_is_seen (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (fixture->view);
  GtkWidget *scroller = gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_autoptr(GString) text = g_string_new (NULL);
  DrawnWait wait = { fixture->view, FALSE };
  guint first, n_drawn, n_groups;

  for (guint i = 0; i < 600; i++)
    g_string_append_printf (text, "Paragraph %u.\n\n", i);
  cfai_markdown_view_set_text (fixture->view, text->str);

  g_assert_true (cfai_ui_test_wait_until (drew_end, &wait, WAIT_MS));
  n_groups = cfai_markdown_view_get_drawn_groups (fixture->view, &first, &n_drawn);
  g_assert_cmpuint (n_groups, >, 4);
  g_assert_cmpuint (n_drawn, <, n_groups);

  /* Following the stream: scrolled to the end as more arrives. */
  wait.at_end = TRUE;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  stream (fixture, "The last paragraph.\n\n");
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  g_assert_true (cfai_ui_test_wait_until (drew_end, &wait, WAIT_MS));
  n_groups = cfai_markdown_view_get_drawn_groups (fixture->view, &first, &n_drawn);
  g_assert_cmpuint (n_drawn, <, n_groups);
  g_assert_nonnull (cfai_ui_test_find_label (view, "Paragraph 0."));
  g_assert_cmpstr (cfai_ui_test_get_text (nth_block (view, 600)), ==, "The last paragraph.");

  /* Back to the top: those groups are drawn again. */
  wait.at_end = FALSE;
  gtk_adjustment_set_value (adjustment, 0);
  g_assert_true (cfai_ui_test_wait_until (drew_end, &wait, WAIT_MS));
  n_groups = cfai_markdown_view_get_drawn_groups (fixture->view, &first, &n_drawn);
  g_assert_cmpuint (n_drawn, <, n_groups);
}

/* Outside a scrolled window all of the view is shown, so all is drawn. */
static void
test_draws_all_unscrolled (Fixture       *fixture,
                           gconstpointer  data)
{
  GtkWindow *window = GTK_WINDOW (adw_application_window_new (GTK_APPLICATION (app)));
  CfaiMarkdownView *view = CFAI_MARKDOWN_VIEW (cfai_markdown_view_new ());
  g_autoptr(GString) text = g_string_new (NULL);
  DrawnWait wait = { view, FALSE };
  guint first, n_drawn, n_groups;

  for (guint i = 0; i < 100; i++)
    g_string_append_printf (text, "Paragraph %u.\n\n", i);
  cfai_markdown_view_set_text (view, text->str);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (window);

  g_assert_true (cfai_ui_test_wait_until (drew_end, &wait, WAIT_MS));
  n_groups = cfai_markdown_view_get_drawn_groups (view, &first, &n_drawn);
  g_assert_cmpuint (n_groups, >, 1);
  g_assert_cmpuint (first, ==, 0);
  g_assert_cmpuint (n_drawn, ==, n_groups);
}

static GtkWidget *
find_copy_button (GtkWidget *root)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), "code.copy") == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_copy_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_copy (Fixture       *fixture,
           gconstpointer  data)
{
  GtkWidget *button;
  g_autofree char *copied = NULL;
  g_autoptr(GString) markdown = g_string_new ("Long code:\n\n```c\n");

  /* Longer than the block's visible height: Copy stays in view above
   * the scrolled code. */
  for (guint i = 0; i < 120; i++)
    g_string_append_printf (markdown, "int line_%u = %u;\n", i, i);
  g_string_append (markdown, "```\n");
  stream (fixture, markdown->str);

  button = find_copy_button (GTK_WIDGET (fixture->view));
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Copy Code");
  g_assert_true (gtk_widget_get_mapped (button));
  /* The whole block is taller than its code's visible part. */
  g_assert_cmpint (gtk_widget_get_height (gtk_widget_get_ancestor (button, CFAI_TYPE_CODE_BLOCK)), <, 600);

  cfai_ui_test_click (button);
  copied = cfai_ui_test_read_clipboard (button);
  g_assert_true (g_str_has_prefix (copied, "int line_0 = 0;\nint line_1 = 1;\n"));
  g_assert_true (g_str_has_suffix (copied, "int line_119 = 119;"));
}

/* A view out of the window waits to make its widgets (a chat's row
 * made ahead of scrolling); with a deadline it makes them a finished
 * chunk at a time, drawing nothing and measuring as its estimate until
 * the last, and ends with the widgets all of it at once makes. */
static void
test_made_in_steps (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *view = g_object_ref_sink (cfai_markdown_view_new ());
  GtkWidget *whole = g_object_ref_sink (cfai_markdown_view_new ());
  guint steps = 0, last_blocks = 0;
  int estimate, height;

  for (guint i = 0; i < 40; i++)
    g_string_append_printf (text, "Paragraph %u with *some* text.\n\n- an item\n- another\n\n", i);
  cfai_markdown_view_set_text (CFAI_MARKDOWN_VIEW (view), text->str);
  cfai_markdown_view_set_text (CFAI_MARKDOWN_VIEW (whole), text->str);
  g_assert_cmpuint (n_children (view), ==, 0);
  gtk_widget_measure (view, GTK_ORIENTATION_VERTICAL, 600, &estimate, NULL, NULL, NULL);

  /* A deadline already past still makes one chunk a call. */
  while (!cfai_markdown_view_make_widgets (CFAI_MARKDOWN_VIEW (view), g_get_monotonic_time ()))
    {
      guint blocks = n_children (view) > 0 ? n_blocks (view) : 0;

      g_assert_cmpuint (blocks, >, last_blocks);
      last_blocks = blocks;
      gtk_widget_measure (view, GTK_ORIENTATION_VERTICAL, 600, &height, NULL, NULL, NULL);
      g_assert_cmpint (height, ==, estimate);
      steps++;
      g_assert_cmpuint (steps, <, 200);
    }
  g_assert_cmpuint (steps, >, 1);
  g_assert_true (cfai_markdown_view_make_widgets (CFAI_MARKDOWN_VIEW (view), -1));

  g_assert_true (cfai_markdown_view_make_widgets (CFAI_MARKDOWN_VIEW (whole), -1));
  g_assert_cmpuint (n_blocks (view), ==, 80);   /* a paragraph and a list each */
  g_assert_cmpuint (n_blocks (view), ==, n_blocks (whole));
  for (guint i = 0; i < 80; i += 2)
    g_assert_cmpstr (cfai_ui_test_get_text (nth_block (view, i)), ==, cfai_ui_test_get_text (nth_block (whole, i)));

  g_object_unref (view);
  g_object_unref (whole);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  cfai_test_isolate_home ("cfai-test-markdown-view");
  g_test_init (&argc, &argv, NULL);
  cfai_ui_test_init ();

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_error ("UI tests need a display; run them through build-aux/test-session");

  app = cfai_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add ("/markdown-view/stream", Fixture, NULL, fixture_set_up, test_stream, fixture_tear_down);
  g_test_add ("/markdown-view/open-block-in-place", Fixture, NULL, fixture_set_up, test_open_block_in_place, fixture_tear_down);
  g_test_add ("/markdown-view/escaping", Fixture, NULL, fixture_set_up, test_escaping, fixture_tear_down);
  g_test_add ("/markdown-view/set-text", Fixture, NULL, fixture_set_up, test_set_text, fixture_tear_down);
  g_test_add ("/markdown-view/replaced-widgets-released-later", Fixture, NULL, fixture_set_up,
              test_replaced_widgets_released_later, fixture_tear_down);
  g_test_add ("/markdown-view/height-for-width", Fixture, NULL, fixture_set_up, test_height_for_width, fixture_tear_down);
  g_test_add ("/markdown-view/made-in-steps", Fixture, NULL, fixture_set_up, test_made_in_steps, fixture_tear_down);
  g_test_add ("/markdown-view/many-blocks", Fixture, NULL, fixture_set_up, test_many_blocks, fixture_tear_down);
  g_test_add ("/markdown-view/groups-stacked", Fixture, NULL, fixture_set_up, test_groups_stacked, fixture_tear_down);
  g_test_add ("/markdown-view/draws-what-is-seen", Fixture, NULL, fixture_set_up, test_draws_what_is_seen, fixture_tear_down);
  g_test_add ("/markdown-view/draws-all-unscrolled", Fixture, NULL, fixture_set_up, test_draws_all_unscrolled, fixture_tear_down);
  g_test_add ("/markdown-view/copy", Fixture, NULL, fixture_set_up, test_copy, fixture_tear_down);

  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
