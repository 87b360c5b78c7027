/* test-text-block.c — an answer's paragraphs: their text and links, how
 * often they are laid out, and selecting, copying and following links
 * with the pointer and the keyboard, through the X server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "cfai-test-home.h"
#include "cfai-text-block.h"
#include "cfai-ui-test.h"

#define WAIT_MS 15000

typedef struct
{
  GtkWindow     *window;
  GtkWidget     *before;     /* before the blocks, to Tab from */
  CfaiTextBlock *plain;      /* a block without links */
  CfaiTextBlock *block;      /* the block under test */
  GtkWidget     *button;     /* after them */
  GtkWidget     *clamp;
  GPtrArray     *activated;  /* links the block asked to open */
} Fixture;

static gboolean
on_activate_link (CfaiTextBlock *block,
                  const char    *uri,
                  Fixture       *fixture)
{
  g_ptr_array_add (fixture->activated, g_strdup (uri));
  return TRUE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *scroller;

  fixture->activated = g_ptr_array_new_with_free_func (g_free);
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (fixture->window, "Text block");
  gtk_window_set_default_size (fixture->window, 480, 400);

  fixture->before = gtk_button_new_with_label ("Before");
  fixture->plain = CFAI_TEXT_BLOCK (cfai_text_block_new ());
  cfai_text_block_set_markup (fixture->plain, "A paragraph with no links in it.");
  fixture->block = CFAI_TEXT_BLOCK (cfai_text_block_new ());
  g_signal_connect (fixture->block, "activate-link", G_CALLBACK (on_activate_link), fixture);
  fixture->button = gtk_button_new_with_label ("After");

  gtk_box_append (GTK_BOX (box), fixture->before);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->plain));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->block));
  gtk_box_append (GTK_BOX (box), fixture->button);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);

  /* In a scrolled column, as an answer's paragraphs are: a block asks
   * for little width and takes what its column gives it. */
  fixture->clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (fixture->clamp), 456);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (fixture->clamp), 456);
  adw_clamp_set_child (ADW_CLAMP (fixture->clamp), box);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), fixture->clamp);
  gtk_window_set_child (fixture->window, scroller);
  gtk_window_present (fixture->window);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, fixture->block, WAIT_MS));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  g_ptr_array_unref (fixture->activated);
}

/* Shows @markup in the block and waits until it is drawn with it. */
static void
show (Fixture    *fixture,
      const char *markup)
{
  cfai_text_block_set_markup (fixture->block, markup);
  cfai_ui_test_settle (100);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, fixture->block, WAIT_MS));
}

/* Where the characters [@start, @end) are drawn, as screen readers are
 * told (GtkAccessibleText). */
static graphene_rect_t
extents (CfaiTextBlock *block,
         guint          start,
         guint          end)
{
  GtkAccessibleTextInterface *iface = g_type_interface_peek (G_OBJECT_GET_CLASS (block), GTK_TYPE_ACCESSIBLE_TEXT);
  graphene_rect_t rect;

  g_assert_true (iface->get_extents (GTK_ACCESSIBLE_TEXT (block), start, end, &rect));
  return rect;
}

/* The character offset of @part in the block's text. */
static guint
offset_of (CfaiTextBlock *block,
           const char    *part)
{
  const char *text = cfai_text_block_get_text (block);
  const char *found = strstr (text, part);

  g_assert_nonnull (found);
  return (guint) g_utf8_pointer_to_offset (text, found);
}

/* ------------------------------------------------------------------ */

/* Markup is shown as text; links are kept with where they are. */
static void
test_markup (Fixture       *fixture,
             gconstpointer  data)
{
  static const char markup[] =
    "<b>Bold</b> text, <tt>code</tt> and <a href=\"https://example.com/a?b=1&amp;c=2\">a link</a> "
    "&amp; <a href=\"mailto:someone@example.com\">mail</a>.";
  const char *text;
  const char *uri;
  int start, end;

  show (fixture, markup);
  text = cfai_text_block_get_text (fixture->block);
  g_assert_cmpstr (text, ==, "Bold text, code and a link & mail.");
  g_assert_cmpstr (cfai_text_block_get_markup (fixture->block), ==, markup);

  g_assert_cmpuint (cfai_text_block_get_n_links (fixture->block), ==, 2);
  uri = cfai_text_block_get_link (fixture->block, 0, &start, &end);
  g_assert_cmpstr (uri, ==, "https://example.com/a?b=1&c=2");
  g_assert_cmpint (end - start, ==, strlen ("a link"));
  g_assert_true (strncmp (text + start, "a link", (gsize) (end - start)) == 0);
  uri = cfai_text_block_get_link (fixture->block, 1, &start, &end);
  g_assert_cmpstr (uri, ==, "mailto:someone@example.com");
  g_assert_true (strncmp (text + start, "mail.", (gsize) (end - start)) == 0);

  /* Its address is its tooltip. */
  g_assert_true (gtk_widget_get_has_tooltip (GTK_WIDGET (fixture->block)));
  g_assert_false (gtk_widget_get_has_tooltip (GTK_WIDGET (fixture->plain)));
}

typedef struct
{
  GtkWidget *widget;
  int        width;
} WidthWait;

static gboolean
width_changed (gpointer data)
{
  WidthWait *wait = data;

  return gtk_widget_get_width (wait->widget) != wait->width &&
         cfai_ui_test_widget_is_drawn (wait->widget);
}

/* A block is laid out once for the width it is shown at, and not again
 * until that width or its text changes: not for being measured again,
 * not for its width asked, not for being drawn. */
static void
test_lays_out_once (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkWidget *widget = GTK_WIDGET (fixture->block);
  WidthWait wait = { widget, 0 };
  int min_width, nat_width, wide_height, narrow_height;
  guint layouts;

  show (fixture, "A paragraph long enough to wrap onto a second line at this window's width, "
                 "and onto a third one or more when the window is narrower than it is now.");
  wide_height = gtk_widget_get_height (widget);
  layouts = cfai_text_block_get_layouts ();

  /* Measured again at the same width, and drawn again. */
  gtk_widget_queue_resize (widget);
  gtk_widget_queue_draw (widget);
  cfai_ui_test_settle (100);
  g_assert_cmpuint (cfai_text_block_get_layouts (), ==, layouts);

  /* Its width is asked for without laying anything out. */
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat_width, NULL, NULL);
  g_assert_cmpint (min_width, >, 0);
  g_assert_cmpint (min_width, <, 200);
  g_assert_cmpuint (cfai_text_block_get_layouts (), ==, layouts);

  /* Narrower: each of the two blocks laid out once more, and taller. */
  wait.width = gtk_widget_get_width (widget);
  adw_clamp_set_maximum_size (ADW_CLAMP (fixture->clamp), 240);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (fixture->clamp), 240);
  g_assert_true (cfai_ui_test_wait_until (width_changed, &wait, WAIT_MS));
  cfai_ui_test_settle (100);
  narrow_height = gtk_widget_get_height (widget);
  g_assert_cmpint (narrow_height, >, wide_height);
  g_assert_cmpuint (cfai_text_block_get_layouts (), ==, layouts + 2);

  /* New text: laid out once, at the width it has. */
  layouts = cfai_text_block_get_layouts ();
  show (fixture, "Short.");
  g_assert_cmpuint (cfai_text_block_get_layouts (), ==, layouts + 1);
  g_assert_cmpint (gtk_widget_get_height (widget), <, narrow_height);

  /* The same text again changes nothing. */
  show (fixture, "Short.");
  g_assert_cmpuint (cfai_text_block_get_layouts (), ==, layouts + 1);
}

/* A bubble's block is as wide as its text, up to its column's width,
 * and a text narrower than that is laid out once, on one line. */
static void
test_fit_text (Fixture       *fixture,
               gconstpointer  data)
{
  GtkWidget *widget = GTK_WIDGET (fixture->block);
  int min_width, nat_width, column = gtk_widget_get_width (GTK_WIDGET (fixture->plain));
  int one_line;
  guint layouts;

  g_object_set (fixture->block, "fit-text", TRUE, "halign", GTK_ALIGN_END, NULL);
  layouts = cfai_text_block_get_layouts ();
  cfai_text_block_set_text (fixture->block, "Hi <there> & you");
  cfai_ui_test_settle (100);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, widget, WAIT_MS));
  g_assert_cmpstr (cfai_text_block_get_text (fixture->block), ==, "Hi <there> & you");
  g_assert_cmpuint (cfai_text_block_get_layouts (), ==, layouts + 1);

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat_width, NULL, NULL);
  g_assert_cmpint (nat_width, >, 0);
  g_assert_cmpint (nat_width, <, column / 2);
  g_assert_cmpint (gtk_widget_get_width (widget), ==, nat_width);
  one_line = gtk_widget_get_height (widget);

  /* Wider than the column: as wide as the column, on more lines. */
  layouts = cfai_text_block_get_layouts ();
  cfai_text_block_set_text (fixture->block, "A message from the person, long enough that it cannot fit on one line "
                                            "in this column, so that it wraps onto two lines or more.");
  cfai_ui_test_settle (100);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, widget, WAIT_MS));
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat_width, NULL, NULL);
  g_assert_cmpint (nat_width, >, column);
  g_assert_cmpint (gtk_widget_get_width (widget), ==, column);
  g_assert_cmpint (gtk_widget_get_height (widget), >=, 2 * one_line);
  g_assert_cmpuint (cfai_text_block_get_layouts (), ==, layouts + 2);
}

/* The point a little inside the start, or the end, of character @offset. */
static double
char_x (CfaiTextBlock *block,
        guint          offset,
        gboolean       end)
{
  graphene_rect_t rect = extents (block, offset, offset + 1);

  return end ? rect.origin.x + rect.size.width - 1 : rect.origin.x + 1;
}

/* With the pointer: a double click selects a word, a drag what it went
 * over, Ctrl+C copies it, and a click on a link follows it. */
static void
test_pointer (Fixture       *fixture,
              gconstpointer  data)
{
  GtkWidget *widget = GTK_WIDGET (fixture->block);
  graphene_rect_t word;
  guint these, link;
  g_autofree char *copied = NULL;
  char *selected;

  show (fixture, "Select these words, or follow <a href=\"https://example.com/\">the link</a>.");
  these = offset_of (fixture->block, "these");
  link = offset_of (fixture->block, "the link");

  word = extents (fixture->block, these, these + 5);
  cfai_ui_test_click_at (widget, word.origin.x + word.size.width / 2, word.origin.y + word.size.height / 2, 2);
  selected = cfai_text_block_get_selected (fixture->block);
  g_assert_cmpstr (selected, ==, "these");
  g_free (selected);
  g_assert_true (gtk_widget_has_focus (widget));

  cfai_ui_test_drag (widget, char_x (fixture->block, 0, FALSE), word.origin.y + word.size.height / 2,
                     char_x (fixture->block, these + 4, TRUE), word.origin.y + word.size.height / 2);
  selected = cfai_text_block_get_selected (fixture->block);
  g_assert_cmpstr (selected, ==, "Select these");
  g_free (selected);
  g_assert_cmpuint (fixture->activated->len, ==, 0);

  cfai_ui_test_press_key (widget, GDK_KEY_c, GDK_CONTROL_MASK);
  copied = cfai_ui_test_read_clipboard (widget);
  g_assert_cmpstr (copied, ==, "Select these");

  word = extents (fixture->block, link, link + 8);
  cfai_ui_test_click_at (widget, word.origin.x + word.size.width / 2, word.origin.y + word.size.height / 2, 1);
  g_assert_cmpuint (fixture->activated->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->activated, 0), ==, "https://example.com/");
  g_assert_null (cfai_text_block_get_selected (fixture->block));
}

/* With the keyboard: Tab goes from link to link (a block without links
 * is not a stop) and on past the block; Enter follows the one reached;
 * Ctrl+A selects all and Shift+Left takes a character off. */
static void
test_keyboard (Fixture       *fixture,
               gconstpointer  data)
{
  GtkWidget *widget = GTK_WIDGET (fixture->block);
  char *selected;

  show (fixture, "See <a href=\"https://one.example/\">one</a> or <a href=\"https://two.example/\">two</a>.");
  gtk_widget_grab_focus (fixture->before);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_has_focus, fixture->before, WAIT_MS));

  cfai_ui_test_press_key (fixture->before, GDK_KEY_Tab, 0);
  g_assert_true (gtk_widget_has_focus (widget));
  g_assert_cmpint (cfai_text_block_get_focus_link (fixture->block), ==, 0);
  cfai_ui_test_press_key (widget, GDK_KEY_Return, 0);
  g_assert_cmpuint (fixture->activated->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->activated, 0), ==, "https://one.example/");

  cfai_ui_test_press_key (widget, GDK_KEY_Tab, 0);
  g_assert_cmpint (cfai_text_block_get_focus_link (fixture->block), ==, 1);
  cfai_ui_test_press_key (widget, GDK_KEY_KP_Enter, 0);
  g_assert_cmpuint (fixture->activated->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fixture->activated, 1), ==, "https://two.example/");

  /* Past the last link, out of the block; and back in. */
  cfai_ui_test_press_key (widget, GDK_KEY_Tab, 0);
  g_assert_true (gtk_widget_has_focus (fixture->button));
  g_assert_cmpint (cfai_text_block_get_focus_link (fixture->block), ==, -1);

  /* Shift+Tab: the key gives ISO_Left_Tab with Shift held. */
  cfai_ui_test_press_key (fixture->button, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK);
  g_assert_true (gtk_widget_has_focus (widget));
  g_assert_cmpint (cfai_text_block_get_focus_link (fixture->block), ==, 1);
  cfai_ui_test_press_key (widget, GDK_KEY_a, GDK_CONTROL_MASK);
  selected = cfai_text_block_get_selected (fixture->block);
  g_assert_cmpstr (selected, ==, "See one or two.");
  g_free (selected);
  cfai_ui_test_press_key (widget, GDK_KEY_Left, GDK_SHIFT_MASK);
  selected = cfai_text_block_get_selected (fixture->block);
  g_assert_cmpstr (selected, ==, "See one or two");
  g_free (selected);

  /* Leaving the block lets go of its selection, as a label does. */
  cfai_ui_test_press_key (widget, GDK_KEY_Tab, 0);
  g_assert_false (gtk_widget_has_focus (widget));
  g_assert_null (cfai_text_block_get_selected (fixture->block));
}

static char *
contents (CfaiTextBlock *block,
          guint          start,
          guint          end)
{
  GtkAccessibleTextInterface *iface = g_type_interface_peek (G_OBJECT_GET_CLASS (block), GTK_TYPE_ACCESSIBLE_TEXT);
  g_autoptr(GBytes) bytes = iface->get_contents (GTK_ACCESSIBLE_TEXT (block), start, end);

  return g_strdup (g_bytes_get_data (bytes, NULL));
}

/* Screen readers get the text in characters, not bytes, with the
 * words, the selection and the caret. */
static void
test_accessible_text (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkAccessibleTextInterface *iface = g_type_interface_peek (G_OBJECT_GET_CLASS (fixture->block),
                                                             GTK_TYPE_ACCESSIBLE_TEXT);
  GtkAccessibleText *text = GTK_ACCESSIBLE_TEXT (fixture->block);
  g_autofree GtkAccessibleTextRange *ranges = NULL;
  g_autoptr(GBytes) word = NULL;
  guint start, end;
  gsize n_ranges;
  char *part;

  show (fixture, "Déjà vu: <i>naïve</i> café.");
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (fixture->block)), ==,
                   GTK_ACCESSIBLE_ROLE_PARAGRAPH);

  part = contents (fixture->block, 0, G_MAXUINT);
  g_assert_cmpstr (part, ==, "Déjà vu: naïve café.");
  g_free (part);
  part = contents (fixture->block, 9, 14);
  g_assert_cmpstr (part, ==, "naïve");
  g_free (part);

  word = iface->get_contents_at (text, 11, GTK_ACCESSIBLE_TEXT_GRANULARITY_WORD, &start, &end);
  g_assert_cmpstr (g_bytes_get_data (word, NULL), ==, "naïve");
  g_assert_cmpuint (start, ==, 9);
  g_assert_cmpuint (end, ==, 14);

  g_assert_false (iface->get_selection (text, &n_ranges, &ranges));
  /* "café" in bytes: after "Déjà vu: naïve " (18 bytes). */
  cfai_text_block_select_range (fixture->block, 18, 23);
  g_assert_true (iface->get_selection (text, &n_ranges, &ranges));
  g_assert_cmpuint (n_ranges, ==, 1);
  g_assert_cmpuint (ranges[0].start, ==, 15);
  g_assert_cmpuint (ranges[0].length, ==, 4);
  g_assert_cmpuint (iface->get_caret_position (text), ==, 19);
}

int
main (int   argc,
      char *argv[])
{
  cfai_test_isolate_home ("cfai-test-text-block");
  g_test_init (&argc, &argv, NULL);
  cfai_ui_test_init ();

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_error ("UI tests need a display; run them through build-aux/test-session");
  adw_init ();

  g_test_add ("/text-block/markup", Fixture, NULL, fixture_set_up, test_markup, fixture_tear_down);
  g_test_add ("/text-block/lays-out-once", Fixture, NULL, fixture_set_up, test_lays_out_once, fixture_tear_down);
  g_test_add ("/text-block/fit-text", Fixture, NULL, fixture_set_up, test_fit_text, fixture_tear_down);
  g_test_add ("/text-block/pointer", Fixture, NULL, fixture_set_up, test_pointer, fixture_tear_down);
  g_test_add ("/text-block/keyboard", Fixture, NULL, fixture_set_up, test_keyboard, fixture_tear_down);
  g_test_add ("/text-block/accessible-text", Fixture, NULL, fixture_set_up, test_accessible_text, fixture_tear_down);

  return g_test_run ();
}
