/* cfai-text-block.c — a paragraph of an answer: wrapped, selectable text
 * with links, laid out once for each width it is shown at
 *
 * A wrapping GtkLabel lays its text out three times before it is drawn:
 * unwrapped and at its narrowest, for the width it asks for, then at the
 * width it gets.  Pango shapes the whole text each time, and in a long
 * chat that is most of what a frame costs while rows scroll into view.
 * A block of an answer always takes the whole width of its column, so
 * it asks for a fixed width (LINE_MIN_CHARS characters) and lays out
 * only at the width it is given, keeping that layout until the width or
 * the text changes.  A block that fits its text (a chat bubble's, see
 * CfaiTextBlock:fit-text) lays it out on one line to learn its width,
 * and keeps that layout when it is given at least that width.
 *
 * What GtkLabel gave that a block keeps: selection with the pointer
 * (drag, a double click for a word, a triple click for all) and with
 * Shift and the arrow keys, Ctrl+C and Ctrl+A, a context menu, links
 * (underlined in the accent color, opened by a click or by Enter after
 * Tab reached them, their address as a tooltip) and, for screen
 * readers, GtkAccessibleText.  A block without links is not a Tab stop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cfai-font-metrics.h"
#include "cfai-text-block.h"

/* The width a block asks for: the column it is in gives it more. */
#define LINE_MIN_CHARS 12

typedef struct
{
  int   start;   /* byte offsets into the text */
  int   end;
  char *uri;
} Link;

struct _CfaiTextBlock
{
  GtkWidget      parent_instance;

  char          *markup;
  char          *text;
  PangoAttrList *attrs;
  GArray        *links;          /* of Link */

  PangoLayout   *layout;
  int            layout_width;   /* in pixels; -1 before the first, */
                                 /* UNWRAPPED laid out on one line per paragraph */
  gboolean       fit_text;       /* natural width: the text's, unwrapped */
  int            text_width;     /* that width once known, else -1 */
  GdkRGBA        link_color;     /* the links' color in the layout's attributes */
  gboolean       attrs_stale;    /* the layout waits for the text's attributes */

  int            anchor;         /* the selection, as byte offsets: */
  int            cursor;         /* empty when they are equal */
  int            focus_link;     /* reached with Tab; -1: none */
  int            pressed_link;   /* under the press; -1: none */
  int            menu_link;      /* under the context menu; -1: none */
  gboolean       selecting;      /* a drag from a single press */

  GtkWidget     *popover;
};

static void cfai_text_block_accessible_text_init (GtkAccessibleTextInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CfaiTextBlock, cfai_text_block, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_ACCESSIBLE_TEXT,
                                                      cfai_text_block_accessible_text_init))

#define UNWRAPPED G_MAXINT

enum {
  PROP_0,
  PROP_FIT_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ACTIVATE_LINK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];
static guint n_layouts;

static void
link_clear (gpointer data)
{
  g_free (((Link *) data)->uri);
}

/* ------------------------------------------------------------------ */
/* Markup                                                             */
/* ------------------------------------------------------------------ */

/* Pango's markup has no links: <a href> elements are taken out and kept
 * as ranges of the plain text, the rest is passed on as it was. */
typedef struct
{
  GString *markup;
  gsize    text_length;   /* bytes of plain text so far */
  GArray  *links;
  int      open_link;     /* in links; -1: none */
} LinkParser;

static void
link_start_element (GMarkupParseContext  *context,
                    const char           *name,
                    const char          **attribute_names,
                    const char          **attribute_values,
                    gpointer              user_data,
                    GError              **error)
{
  LinkParser *parser = user_data;

  if (g_str_equal (name, "markup"))
    return;
  if (g_str_equal (name, "a"))
    {
      Link link = { (int) parser->text_length, (int) parser->text_length, NULL };

      if (parser->open_link >= 0)
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "a link inside a link");
          return;
        }
      for (guint i = 0; attribute_names[i] != NULL; i++)
        if (g_str_equal (attribute_names[i], "href"))
          link.uri = g_strdup (attribute_values[i]);
      if (link.uri == NULL)
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_MISSING_ATTRIBUTE, "a link without href");
          return;
        }
      g_array_append_val (parser->links, link);
      parser->open_link = (int) parser->links->len - 1;
      return;
    }

  g_string_append_printf (parser->markup, "<%s", name);
  for (guint i = 0; attribute_names[i] != NULL; i++)
    {
      g_autofree char *value = g_markup_escape_text (attribute_values[i], -1);

      g_string_append_printf (parser->markup, " %s=\"%s\"", attribute_names[i], value);
    }
  g_string_append_c (parser->markup, '>');
}

static void
link_end_element (GMarkupParseContext  *context,
                  const char           *name,
                  gpointer              user_data,
                  GError              **error)
{
  LinkParser *parser = user_data;

  if (g_str_equal (name, "markup"))
    return;
  if (g_str_equal (name, "a"))
    {
      g_array_index (parser->links, Link, parser->open_link).end = (int) parser->text_length;
      parser->open_link = -1;
      return;
    }
  g_string_append_printf (parser->markup, "</%s>", name);
}

static void
link_text (GMarkupParseContext  *context,
           const char           *text,
           gsize                 length,
           gpointer              user_data,
           GError              **error)
{
  LinkParser *parser = user_data;
  g_autofree char *escaped = g_markup_escape_text (text, (gssize) length);

  g_string_append (parser->markup, escaped);
  parser->text_length += length;
}

static const GMarkupParser link_parser = {
  link_start_element, link_end_element, link_text, NULL, NULL,
};

/* Parses @markup into the text, its attributes and its links; false
 * with @error set when it is not valid markup. */
static gboolean
parse_markup (CfaiTextBlock  *self,
              const char     *markup,
              GError        **error)
{
  g_autofree char *wrapped = g_strconcat ("<markup>", markup, "</markup>", NULL);
  LinkParser parser = { g_string_new (NULL), 0, self->links, -1 };
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&link_parser, 0, &parser, NULL);
  g_autofree char *pango_markup = NULL;
  PangoAttrList *attrs = NULL;
  char *text = NULL;

  g_array_set_size (self->links, 0);
  if (!g_markup_parse_context_parse (context, wrapped, -1, error) ||
      !g_markup_parse_context_end_parse (context, error))
    {
      g_array_set_size (self->links, 0);
      g_string_free (parser.markup, TRUE);
      return FALSE;
    }

  pango_markup = g_string_free (parser.markup, FALSE);
  if (!pango_parse_markup (pango_markup, -1, 0, &attrs, &text, NULL, error))
    {
      g_array_set_size (self->links, 0);
      return FALSE;
    }

  for (guint i = 0; i < self->links->len; i++)
    {
      Link *link = &g_array_index (self->links, Link, i);
      PangoAttribute *underline = pango_attr_underline_new (PANGO_UNDERLINE_SINGLE);

      underline->start_index = (guint) link->start;
      underline->end_index = (guint) link->end;
      pango_attr_list_insert (attrs, underline);
    }

  g_free (self->text);
  self->text = text;
  g_clear_pointer (&self->attrs, pango_attr_list_unref);
  self->attrs = attrs;
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Layout                                                             */
/* ------------------------------------------------------------------ */

/* The accent color that reads on the view's background, as links are
 * shown in. */
static void
get_link_color (CfaiTextBlock *self,
                GdkRGBA       *link_color)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GdkRGBA color;

  gtk_widget_get_color (GTK_WIDGET (self), &color);
  adw_accent_color_to_standalone_rgba (adw_style_manager_get_accent_color (style),
                                       adw_style_manager_get_dark (style), link_color);
  link_color->alpha *= color.alpha;
}

/* Gives the layout the text's attributes and the links' color in
 * @link_color.  Links are colored by attributes, as GtkLabel does, so
 * the text is drawn once: drawing it again, clipped to each link, had
 * Pango and cairo go through every glyph once more for each link. */
static void
set_layout_attributes (CfaiTextBlock *self,
                       const GdkRGBA *link_color)
{
  g_autoptr(PangoAttrList) attrs = NULL;

  self->link_color = *link_color;
  if (self->links->len == 0)
    {
      pango_layout_set_attributes (self->layout, self->attrs);
      return;
    }

  attrs = pango_attr_list_copy (self->attrs);
  for (guint i = 0; i < self->links->len; i++)
    {
      Link *link = &g_array_index (self->links, Link, i);
      PangoAttribute *attrs_for_link[2] = {
        pango_attr_foreground_new ((guint16) (link_color->red * 65535), (guint16) (link_color->green * 65535),
                                   (guint16) (link_color->blue * 65535)),
        pango_attr_foreground_alpha_new ((guint16) (CLAMP (link_color->alpha, 0, 1) * 65535)),
      };

      for (guint j = 0; j < G_N_ELEMENTS (attrs_for_link); j++)
        {
          attrs_for_link[j]->start_index = (guint) link->start;
          attrs_for_link[j]->end_index = (guint) link->end;
          pango_attr_list_change (attrs, attrs_for_link[j]);
        }
    }
  pango_layout_set_attributes (self->layout, attrs);
}

/* The layout, with the text's attributes.  They are given here, when
 * the layout is first asked for (to be measured or drawn), rather than
 * when the text is set: the links' color comes from the widget's style,
 * and a row given another message sets its texts while it is out of
 * the window, where asking for the style matches all of the CSS for
 * it (a million instructions a block, callgrind). */
static PangoLayout *
ensure_layout (CfaiTextBlock *self)
{
  if (self->layout == NULL)
    {
      self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->text);
      pango_layout_set_wrap (self->layout, PANGO_WRAP_WORD_CHAR);
      self->layout_width = -1;
      self->attrs_stale = TRUE;
    }
  if (self->attrs_stale)
    {
      GdkRGBA link_color;

      get_link_color (self, &link_color);
      set_layout_attributes (self, &link_color);
      self->attrs_stale = FALSE;
    }
  return self->layout;
}

static int
min_width (CfaiTextBlock *self)
{
  double char_width;

  cfai_font_metrics_get (gtk_widget_get_pango_context (GTK_WIDGET (self)), &char_width, NULL);
  return (int) ceil (LINE_MIN_CHARS * char_width);
}

/* Lays the text out at @width, unless it is laid out at that width, or
 * is on lines shorter than @width already. */
static PangoLayout *
layout_at (CfaiTextBlock *self,
           int            width)
{
  PangoLayout *layout = ensure_layout (self);

  if (width != self->layout_width &&
      !(self->layout_width == UNWRAPPED && width >= self->text_width))
    {
      pango_layout_set_width (layout, MAX (width, 1) * PANGO_SCALE);
      self->layout_width = width;
      n_layouts++;
    }
  return layout;
}

/* The width of the text on one line (per hard line break): a layout
 * that is then kept for any width at least that wide. */
static int
text_width (CfaiTextBlock *self)
{
  if (self->text_width < 0)
    {
      PangoLayout *layout = ensure_layout (self);

      pango_layout_set_width (layout, -1);
      pango_layout_get_pixel_size (layout, &self->text_width, NULL);
      self->layout_width = UNWRAPPED;
      n_layouts++;
    }
  return self->text_width;
}

static GtkSizeRequestMode
cfai_text_block_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
cfai_text_block_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (widget);
  int height;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = *natural = min_width (self);
      if (self->fit_text)
        {
          *natural = text_width (self);
          *minimum = MIN (*minimum, *natural);
        }
      return;
    }

  /* Asked at no width (a horizontal box does, for each child, before it
   * shares its width out; so does an overlay): laying the text out for
   * that would be one layout more than the block is there to save, so
   * the answer is a lower bound, its hard lines at the font's line
   * height.  It has to stay below the height at any real width, or a
   * box that takes its minimum from here and its natural size from a
   * width would report a minimum above its natural size. */
  if (for_size < 0)
    {
      double line_height;
      int lines = 1;

      cfai_font_metrics_get (gtk_widget_get_pango_context (widget), NULL, &line_height);
      for (const char *p = strchr (self->text, '\n'); p != NULL; p = strchr (p + 1, '\n'))
        lines++;
      *minimum = *natural = lines * (int) floor (line_height);
      return;
    }

  pango_layout_get_pixel_size (layout_at (self, for_size), NULL, &height);
  *minimum = *natural = height;
}

static void
cfai_text_block_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (widget);

  layout_at (self, width);
  if (self->popover != NULL)
    gtk_popover_present (GTK_POPOVER (self->popover));
}

/* ------------------------------------------------------------------ */
/* Where things are                                                   */
/* ------------------------------------------------------------------ */

/* The byte offset nearest to (@x, @y), in the widget's coordinates. */
static int
index_at (CfaiTextBlock *self,
          double         x,
          double         y)
{
  PangoLayout *layout = ensure_layout (self);
  int index, trailing;

  pango_layout_xy_to_index (layout, (int) (x * PANGO_SCALE), (int) (y * PANGO_SCALE), &index, &trailing);
  while (trailing-- > 0 && self->text[index] != '\0')
    index = (int) (g_utf8_next_char (self->text + index) - self->text);
  return index;
}

/* The link under (@x, @y), or -1. */
static int
link_at (CfaiTextBlock *self,
         double         x,
         double         y)
{
  PangoLayout *layout;
  int index, trailing;

  if (self->links->len == 0)
    return -1;
  layout = ensure_layout (self);
  /* Only on the text itself, not beside the end of its line. */
  if (!pango_layout_xy_to_index (layout, (int) (x * PANGO_SCALE), (int) (y * PANGO_SCALE), &index, &trailing))
    return -1;
  for (guint i = 0; i < self->links->len; i++)
    {
      Link *link = &g_array_index (self->links, Link, i);

      if (index >= link->start && index < link->end)
        return (int) i;
    }
  return -1;
}

typedef void (*RectFunc) (const graphene_rect_t *rect,
                          gpointer               user_data);

/* Calls @func for the rectangle of each line's part of [@start, @end). */
static void
foreach_range_rect (CfaiTextBlock *self,
                    int            start,
                    int            end,
                    RectFunc       func,
                    gpointer       user_data)
{
  PangoLayoutIter *iter = pango_layout_get_iter (ensure_layout (self));

  do
    {
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly (iter);
      int line_start = pango_layout_line_get_start_index (line);
      int line_end = line_start + pango_layout_line_get_length (line);
      int y0, y1, *ranges, n_ranges;

      if (line_end < start || line_start > end || (line_end == start && start != end))
        continue;
      pango_layout_iter_get_line_yrange (iter, &y0, &y1);
      pango_layout_line_get_x_ranges (line, MAX (start, line_start), MIN (end, line_end), &ranges, &n_ranges);
      for (int i = 0; i < n_ranges; i++)
        {
          graphene_rect_t rect = GRAPHENE_RECT_INIT ((float) ranges[2 * i] / PANGO_SCALE,
                                                     (float) y0 / PANGO_SCALE,
                                                     (float) (ranges[2 * i + 1] - ranges[2 * i]) / PANGO_SCALE,
                                                     (float) (y1 - y0) / PANGO_SCALE);

          if (rect.size.width > 0)
            func (&rect, user_data);
        }
      g_free (ranges);
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

static int
char_offset (CfaiTextBlock *self,
             int            index)
{
  return (int) g_utf8_pointer_to_offset (self->text, self->text + index);
}

static int
byte_index (CfaiTextBlock *self,
            int            offset)
{
  glong length = g_utf8_strlen (self->text, -1);

  return (int) (g_utf8_offset_to_pointer (self->text, CLAMP (offset, 0, length)) - self->text);
}

/* ------------------------------------------------------------------ */
/* Selection                                                          */
/* ------------------------------------------------------------------ */

static gboolean
has_selection (CfaiTextBlock *self)
{
  return self->anchor != self->cursor;
}

static void
selection_changed (CfaiTextBlock *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "clipboard.copy", has_selection (self));
  gtk_accessible_text_update_caret_position (GTK_ACCESSIBLE_TEXT (self));
  gtk_accessible_text_update_selection_bound (GTK_ACCESSIBLE_TEXT (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_selection (CfaiTextBlock *self,
               int            anchor,
               int            cursor)
{
  int length = (int) strlen (self->text);

  anchor = CLAMP (anchor, 0, length);
  cursor = CLAMP (cursor, 0, length);
  if (anchor == self->anchor && cursor == self->cursor)
    return;
  self->anchor = anchor;
  self->cursor = cursor;
  selection_changed (self);
}

/* The word (or the space between words) around @index. */
static void
word_around (CfaiTextBlock *self,
             int            index,
             int           *start,
             int           *end)
{
  int n_attrs;
  const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly (ensure_layout (self), &n_attrs);
  int offset = char_offset (self, index);
  int s = offset, e = offset;

  while (s > 0 && !attrs[s].is_word_start)
    s--;
  while (e < n_attrs - 1 && !attrs[e].is_word_end)
    e++;
  if (e == s && e < n_attrs - 1)
    e++;
  *start = byte_index (self, s);
  *end = byte_index (self, e);
}

/* The cursor moved by @count characters, or words with @words. */
static int
moved_cursor (CfaiTextBlock *self,
              int            count,
              gboolean       words)
{
  int n_attrs;
  const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly (ensure_layout (self), &n_attrs);
  int offset = char_offset (self, self->cursor);
  int last = n_attrs - 1;

  for (; count > 0 && offset < last; count--)
    {
      offset++;
      while (words && offset < last && !attrs[offset].is_word_end)
        offset++;
    }
  for (; count < 0 && offset > 0; count++)
    {
      offset--;
      while (words && offset > 0 && !attrs[offset].is_word_start)
        offset--;
    }
  return byte_index (self, offset);
}

/* ------------------------------------------------------------------ */
/* Links                                                              */
/* ------------------------------------------------------------------ */

static void
activate_link (CfaiTextBlock *self,
               int            index)
{
  gboolean handled = FALSE;

  if (index < 0 || (guint) index >= self->links->len)
    return;
  g_signal_emit (self, signals[ACTIVATE_LINK], 0, g_array_index (self->links, Link, index).uri, &handled);
}

static void
update_cursor (CfaiTextBlock *self,
               double         x,
               double         y)
{
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), link_at (self, x, y) >= 0 ? "pointer" : "text");
}

/* ------------------------------------------------------------------ */
/* Drawing                                                            */
/* ------------------------------------------------------------------ */

static void
append_rect (const graphene_rect_t *rect,
             gpointer               user_data)
{
  GtkSnapshot *snapshot = ((gpointer *) user_data)[0];
  const GdkRGBA *color = ((gpointer *) user_data)[1];

  gtk_snapshot_append_color (snapshot, color, rect);
}

static void
append_focus_part (const graphene_rect_t *rect,
                   gpointer               user_data)
{
  GtkSnapshot *snapshot = ((gpointer *) user_data)[0];
  const GdkRGBA *color = ((gpointer *) user_data)[1];
  GskRoundedRect outline;
  const float widths[4] = { 1, 1, 1, 1 };
  const GdkRGBA colors[4] = { *color, *color, *color, *color };

  gsk_rounded_rect_init_from_rect (&outline, rect, 2);
  gtk_snapshot_append_border (snapshot, &outline, widths, colors);
}

static void
cfai_text_block_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (widget);
  PangoLayout *layout = layout_at (self, gtk_widget_get_width (widget));
  GdkRGBA color;

  gtk_widget_get_color (widget, &color);

  /* The accent color or the style changed since the links were given
   * theirs: the layout gets new attributes (it keeps its size). */
  if (self->links->len > 0)
    {
      GdkRGBA link_color;

      get_link_color (self, &link_color);
      if (!gdk_rgba_equal (&link_color, &self->link_color))
        set_layout_attributes (self, &link_color);
    }

  if (has_selection (self))
    {
      GdkRGBA *background = adw_style_manager_get_accent_color_rgba (adw_style_manager_get_default ());
      gpointer data[2] = { snapshot, background };

      background->alpha = 0.3f;
      foreach_range_rect (self, MIN (self->anchor, self->cursor), MAX (self->anchor, self->cursor),
                          append_rect, data);
      gdk_rgba_free (background);
    }

  gtk_snapshot_append_layout (snapshot, layout, &color);

  if (self->focus_link >= 0 && gtk_widget_has_visible_focus (widget))
    {
      Link *link = &g_array_index (self->links, Link, self->focus_link);
      gpointer data[2] = { snapshot, &self->link_color };

      foreach_range_rect (self, link->start, link->end, append_focus_part, data);
    }
}

/* ------------------------------------------------------------------ */
/* Input                                                              */
/* ------------------------------------------------------------------ */

static void
popup_menu (CfaiTextBlock *self,
            double         x,
            double         y)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) edit = g_menu_new ();

  g_menu_append (edit, _("_Copy"), "clipboard.copy");
  g_menu_append (edit, _("Select _All"), "selection.select-all");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (edit));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "link.copy", self->menu_link >= 0);
  if (self->menu_link >= 0)
    {
      g_autoptr(GMenu) link = g_menu_new ();

      g_menu_append (link, _("Copy _Link Address"), "link.copy");
      g_menu_append_section (menu, NULL, G_MENU_MODEL (link));
    }

  if (self->popover == NULL)
    {
      self->popover = gtk_popover_menu_new_from_model (NULL);
      gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
      gtk_widget_set_halign (self->popover, GTK_ALIGN_START);
    }
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->popover), G_MENU_MODEL (menu));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            CfaiTextBlock   *self)
{
  GdkEvent *event = gtk_gesture_get_last_event (GTK_GESTURE (gesture),
                                                gtk_gesture_single_get_current_sequence (GTK_GESTURE_SINGLE (gesture)));
  int index = index_at (self, x, y);

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->selecting = FALSE;
  self->pressed_link = -1;

  if (gdk_event_triggers_context_menu (event))
    {
      self->menu_link = link_at (self, x, y);
      popup_menu (self, x, y);
      return;
    }
  if (gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture)) != GDK_BUTTON_PRIMARY)
    return;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (n_press == 1)
    {
      gboolean extend = (gdk_event_get_modifier_state (event) & GDK_SHIFT_MASK) != 0;

      set_selection (self, extend ? self->anchor : index, index);
      self->pressed_link = extend ? -1 : link_at (self, x, y);
      self->selecting = TRUE;
    }
  else if (n_press == 2)
    {
      int start, end;

      word_around (self, index, &start, &end);
      set_selection (self, start, end);
    }
  else
    set_selection (self, 0, (int) strlen (self->text));
}

static void
on_released (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             CfaiTextBlock   *self)
{
  int link = self->pressed_link;

  self->pressed_link = -1;
  if (n_press == 1 && link >= 0 && !has_selection (self) && link_at (self, x, y) == link)
    activate_link (self, link);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          offset_x,
                double          offset_y,
                CfaiTextBlock  *self)
{
  double x, y;

  if (!self->selecting || !gtk_gesture_drag_get_start_point (gesture, &x, &y))
    return;
  /* A drag, not a click on a link. */
  if (gtk_drag_check_threshold (GTK_WIDGET (self), 0, 0, (int) offset_x, (int) offset_y))
    self->pressed_link = -1;
  set_selection (self, self->anchor, index_at (self, x + offset_x, y + offset_y));
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          offset_x,
             double          offset_y,
             CfaiTextBlock  *self)
{
  self->selecting = FALSE;
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           CfaiTextBlock            *self)
{
  update_cursor (self, x, y);
}

/* One block holds a selection at a time, as one text field does. */
static void
on_focus_leave (GtkEventControllerFocus *focus,
                CfaiTextBlock           *self)
{
  self->focus_link = -1;
  set_selection (self, self->cursor, self->cursor);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
cfai_text_block_focus (GtkWidget        *widget,
                       GtkDirectionType  direction)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (widget);
  gboolean forward = direction == GTK_DIR_TAB_FORWARD || direction == GTK_DIR_DOWN ||
                     direction == GTK_DIR_RIGHT;
  int n = (int) self->links->len;
  int next;

  if (self->popover != NULL && gtk_widget_get_visible (self->popover) &&
      gtk_widget_child_focus (self->popover, direction))
    return TRUE;
  if (n == 0)
    return FALSE;

  if (!gtk_widget_is_focus (widget))
    next = forward ? 0 : n - 1;
  else if (self->focus_link < 0)
    next = forward ? 0 : n - 1;
  else
    next = self->focus_link + (forward ? 1 : -1);

  if (next < 0 || next >= n)
    {
      self->focus_link = -1;
      gtk_widget_queue_draw (widget);
      return FALSE;
    }
  self->focus_link = next;
  gtk_widget_grab_focus (widget);
  gtk_widget_queue_draw (widget);
  return TRUE;
}

static gboolean
cfai_text_block_query_tooltip (GtkWidget  *widget,
                               int         x,
                               int         y,
                               gboolean    keyboard,
                               GtkTooltip *tooltip)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (widget);
  int link = keyboard ? self->focus_link : link_at (self, x, y);

  if (link < 0)
    return FALSE;
  gtk_tooltip_set_text (tooltip, g_array_index (self->links, Link, link).uri);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Actions and keys                                                   */
/* ------------------------------------------------------------------ */

static void
copy_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  g_autofree char *selected = cfai_text_block_get_selected (CFAI_TEXT_BLOCK (widget));

  if (selected != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), selected);
}

static void
select_all_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (widget);

  set_selection (self, 0, (int) strlen (self->text));
}

static void
copy_link_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (widget);
  int link = self->menu_link >= 0 ? self->menu_link : self->focus_link;

  if (link >= 0 && (guint) link < self->links->len)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), g_array_index (self->links, Link, link).uri);
}

static gboolean
activate_focused_link (GtkWidget *widget,
                       GVariant  *args,
                       gpointer   user_data)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (widget);

  if (self->focus_link < 0)
    return FALSE;
  activate_link (self, self->focus_link);
  return TRUE;
}

static gboolean
popup_menu_key (GtkWidget *widget,
                GVariant  *args,
                gpointer   user_data)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (widget);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, 0, 0);

  self->menu_link = self->focus_link;
  if (self->focus_link >= 0)
    {
      Link *link = &g_array_index (self->links, Link, self->focus_link);
      PangoRectangle pos;

      pango_layout_index_to_pos (ensure_layout (self), link->start, &pos);
      graphene_rect_init (&bounds, (float) pos.x / PANGO_SCALE, (float) (pos.y + pos.height) / PANGO_SCALE, 0, 0);
    }
  popup_menu (self, bounds.origin.x, bounds.origin.y);
  return TRUE;
}

/* Shift with Left or Right (and Control, by words) moves the
 * selection's end, as in a text field. */
static gboolean
extend_selection (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (widget);
  int count;
  gboolean words;

  g_variant_get (args, "(ib)", &count, &words);
  if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
    count = -count;
  set_selection (self, self->anchor, moved_cursor (self, count, words));
  return TRUE;
}

static void
add_extend_binding (GtkWidgetClass  *widget_class,
                    guint            keyval,
                    GdkModifierType  modifiers,
                    int              count,
                    gboolean         words)
{
  gtk_widget_class_add_binding (widget_class, keyval, modifiers, extend_selection, "(ib)", count, words);
}

/* ------------------------------------------------------------------ */
/* Accessible text                                                    */
/* ------------------------------------------------------------------ */

static GBytes *
bytes_between (CfaiTextBlock *self,
               int            start,
               int            end)
{
  return g_bytes_new_take (g_strndup (self->text + start, (gsize) (end - start)), (gsize) (end - start) + 1);
}

static GBytes *
cfai_text_block_get_contents (GtkAccessibleText *text,
                              unsigned int       start,
                              unsigned int       end)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (text);
  int s = byte_index (self, (int) MIN (start, G_MAXINT));
  int e = byte_index (self, (int) MIN (end, G_MAXINT));

  return bytes_between (self, MIN (s, e), MAX (s, e));
}

static GBytes *
cfai_text_block_get_contents_at (GtkAccessibleText            *text,
                                 unsigned int                  offset,
                                 GtkAccessibleTextGranularity  granularity,
                                 unsigned int                 *start,
                                 unsigned int                 *end)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (text);
  int n_attrs;
  const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly (ensure_layout (self), &n_attrs);
  int last = n_attrs - 1;
  int s = CLAMP ((int) MIN (offset, G_MAXINT), 0, last);
  int e = s;

  switch (granularity)
    {
    case GTK_ACCESSIBLE_TEXT_GRANULARITY_CHARACTER:
      e = MIN (s + 1, last);
      break;
    case GTK_ACCESSIBLE_TEXT_GRANULARITY_WORD:
      while (s > 0 && !attrs[s].is_word_start)
        s--;
      e = s;
      while (e < last && !attrs[e].is_word_end)
        e++;
      break;
    case GTK_ACCESSIBLE_TEXT_GRANULARITY_SENTENCE:
      while (s > 0 && !attrs[s].is_sentence_start)
        s--;
      e = s;
      while (e < last && !attrs[e].is_sentence_end)
        e++;
      break;
    case GTK_ACCESSIBLE_TEXT_GRANULARITY_LINE:
      {
        int line_no, x;
        PangoLayoutLine *line;

        pango_layout_index_to_line_x (ensure_layout (self), byte_index (self, s), FALSE, &line_no, &x);
        line = pango_layout_get_line_readonly (self->layout, line_no);
        s = char_offset (self, pango_layout_line_get_start_index (line));
        e = char_offset (self, pango_layout_line_get_start_index (line) + pango_layout_line_get_length (line));
      }
      break;
    case GTK_ACCESSIBLE_TEXT_GRANULARITY_PARAGRAPH:
    default:
      s = 0;
      e = last;
      break;
    }

  *start = (unsigned int) s;
  *end = (unsigned int) e;
  return bytes_between (self, byte_index (self, s), byte_index (self, e));
}

static unsigned int
cfai_text_block_get_caret_position (GtkAccessibleText *text)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (text);

  return (unsigned int) char_offset (self, self->cursor);
}

static gboolean
cfai_text_block_get_selection (GtkAccessibleText       *text,
                               gsize                   *n_ranges,
                               GtkAccessibleTextRange **ranges)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (text);
  int start, end;

  if (!has_selection (self))
    return FALSE;
  start = char_offset (self, MIN (self->anchor, self->cursor));
  end = char_offset (self, MAX (self->anchor, self->cursor));
  *n_ranges = 1;
  *ranges = g_new (GtkAccessibleTextRange, 1);
  (*ranges)[0].start = (gsize) start;
  (*ranges)[0].length = (gsize) (end - start);
  return TRUE;
}

static gboolean
cfai_text_block_get_attributes (GtkAccessibleText        *text,
                                unsigned int              offset,
                                gsize                    *n_ranges,
                                GtkAccessibleTextRange  **ranges,
                                char                   ***attribute_names,
                                char                   ***attribute_values)
{
  *n_ranges = 0;
  *ranges = NULL;
  *attribute_names = g_new0 (char *, 1);
  *attribute_values = g_new0 (char *, 1);
  return FALSE;
}

static void
cfai_text_block_get_default_attributes (GtkAccessibleText   *text,
                                        char              ***attribute_names,
                                        char              ***attribute_values)
{
  *attribute_names = g_new0 (char *, 1);
  *attribute_values = g_new0 (char *, 1);
}

static gboolean
cfai_text_block_get_extents (GtkAccessibleText *text,
                             unsigned int       start,
                             unsigned int       end,
                             graphene_rect_t   *extents)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (text);
  PangoRectangle first, last;

  pango_layout_index_to_pos (ensure_layout (self), byte_index (self, (int) MIN (start, G_MAXINT)), &first);
  pango_layout_index_to_pos (self->layout, byte_index (self, (int) MIN (end, G_MAXINT)), &last);
  graphene_rect_init (extents, (float) MIN (first.x, last.x) / PANGO_SCALE, (float) first.y / PANGO_SCALE,
                      (float) ABS (last.x - first.x) / PANGO_SCALE,
                      (float) (last.y + last.height - first.y) / PANGO_SCALE);
  return TRUE;
}

static gboolean
cfai_text_block_get_offset (GtkAccessibleText      *text,
                            const graphene_point_t *point,
                            unsigned int           *offset)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (text);

  *offset = (unsigned int) char_offset (self, index_at (self, point->x, point->y));
  return TRUE;
}

static void
cfai_text_block_accessible_text_init (GtkAccessibleTextInterface *iface)
{
  iface->get_contents = cfai_text_block_get_contents;
  iface->get_contents_at = cfai_text_block_get_contents_at;
  iface->get_caret_position = cfai_text_block_get_caret_position;
  iface->get_selection = cfai_text_block_get_selection;
  iface->get_attributes = cfai_text_block_get_attributes;
  iface->get_default_attributes = cfai_text_block_get_default_attributes;
  iface->get_extents = cfai_text_block_get_extents;
  iface->get_offset = cfai_text_block_get_offset;
}

/* ------------------------------------------------------------------ */
/* Object                                                             */
/* ------------------------------------------------------------------ */

static void
cfai_text_block_dispose (GObject *object)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (object);

  g_clear_pointer (&self->popover, gtk_widget_unparent);
  g_clear_object (&self->layout);
  G_OBJECT_CLASS (cfai_text_block_parent_class)->dispose (object);
}

static void
cfai_text_block_finalize (GObject *object)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (object);

  g_free (self->markup);
  g_free (self->text);
  g_clear_pointer (&self->attrs, pango_attr_list_unref);
  g_array_unref (self->links);
  G_OBJECT_CLASS (cfai_text_block_parent_class)->finalize (object);
}

static void
cfai_text_block_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (object);

  switch (prop_id)
    {
    case PROP_FIT_TEXT:
      g_value_set_boolean (value, self->fit_text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_text_block_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CfaiTextBlock *self = CFAI_TEXT_BLOCK (object);

  switch (prop_id)
    {
    case PROP_FIT_TEXT:
      cfai_text_block_set_fit_text (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_text_block_class_init (CfaiTextBlockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_text_block_dispose;
  object_class->finalize = cfai_text_block_finalize;
  object_class->get_property = cfai_text_block_get_property;
  object_class->set_property = cfai_text_block_set_property;
  widget_class->get_request_mode = cfai_text_block_get_request_mode;
  widget_class->measure = cfai_text_block_measure;
  widget_class->size_allocate = cfai_text_block_size_allocate;
  widget_class->snapshot = cfai_text_block_snapshot;
  widget_class->focus = cfai_text_block_focus;
  widget_class->query_tooltip = cfai_text_block_query_tooltip;

  /**
   * CfaiTextBlock:fit-text:
   *
   * Whether the block asks for the width of its text on one line (a
   * chat bubble's), instead of a few characters' (a paragraph in a
   * column, which gives it its width).  It costs a layout more when the
   * text is wider than the block is shown.
   */
  properties[PROP_FIT_TEXT] =
    g_param_spec_boolean ("fit-text", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CfaiTextBlock::activate-link:
   * @uri: the link's address
   *
   * A link was clicked, or activated with the keyboard.
   *
   * Returns: whether the link was handled
   */
  signals[ACTIVATE_LINK] = g_signal_new ("activate-link", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, g_signal_accumulator_true_handled, NULL, NULL,
                                         G_TYPE_BOOLEAN, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "clipboard.copy", NULL, copy_activated);
  gtk_widget_class_install_action (widget_class, "selection.select-all", NULL, select_all_activated);
  gtk_widget_class_install_action (widget_class, "link.copy", NULL, copy_link_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "clipboard.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, GDK_CONTROL_MASK, "clipboard.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "selection.select-all", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Return, 0, activate_focused_link, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_ISO_Enter, 0, activate_focused_link, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Enter, 0, activate_focused_link, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Menu, 0, popup_menu_key, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, popup_menu_key, NULL);
  add_extend_binding (widget_class, GDK_KEY_Right, GDK_SHIFT_MASK, 1, FALSE);
  add_extend_binding (widget_class, GDK_KEY_Left, GDK_SHIFT_MASK, -1, FALSE);
  add_extend_binding (widget_class, GDK_KEY_Right, GDK_SHIFT_MASK | GDK_CONTROL_MASK, 1, TRUE);
  add_extend_binding (widget_class, GDK_KEY_Left, GDK_SHIFT_MASK | GDK_CONTROL_MASK, -1, TRUE);

  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_PARAGRAPH);
}

static void
cfai_text_block_init (CfaiTextBlock *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  self->markup = g_strdup ("");
  self->text = g_strdup ("");
  self->attrs = pango_attr_list_new ();
  self->links = g_array_new (FALSE, TRUE, sizeof (Link));
  g_array_set_clear_func (self->links, link_clear);
  self->layout_width = -1;
  self->text_width = -1;
  self->focus_link = self->pressed_link = self->menu_link = -1;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "text");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "clipboard.copy", FALSE);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  gtk_gesture_group (click, drag);

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  g_signal_connect (focus, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
}

GtkWidget *
cfai_text_block_new (void)
{
  return g_object_new (CFAI_TYPE_TEXT_BLOCK, NULL);
}

/**
 * cfai_text_block_set_markup:
 * @markup: Pango markup, with `<a href="…">` for links
 *
 * Shows @markup; markup that does not parse is shown as it is written,
 * with a warning (the Markdown layer makes only valid markup).
 */
void
cfai_text_block_set_markup (CfaiTextBlock *self,
                            const char    *markup)
{
  g_autoptr(GError) error = NULL;
  int old_length;

  g_return_if_fail (CFAI_IS_TEXT_BLOCK (self));

  if (markup == NULL)
    markup = "";
  if (g_strcmp0 (markup, self->markup) == 0)
    return;

  old_length = (int) g_utf8_strlen (self->text, -1);
  g_free (self->markup);
  self->markup = g_strdup (markup);
  if (!parse_markup (self, markup, &error))
    {
      g_warning ("Text block markup does not parse: %s", error->message);
      g_free (self->text);
      self->text = g_strdup (markup);
      g_clear_pointer (&self->attrs, pango_attr_list_unref);
      self->attrs = pango_attr_list_new ();
    }

  if (self->layout != NULL)
    {
      pango_layout_set_text (self->layout, self->text, -1);
      self->attrs_stale = TRUE;
      self->layout_width = -1;
    }
  self->text_width = -1;
  self->anchor = self->cursor = 0;
  self->focus_link = self->pressed_link = self->menu_link = -1;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), self->links->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "clipboard.copy", FALSE);

  gtk_accessible_text_update_contents (GTK_ACCESSIBLE_TEXT (self), GTK_ACCESSIBLE_TEXT_CONTENT_CHANGE_REMOVE,
                                       0, (unsigned int) old_length);
  gtk_accessible_text_update_contents (GTK_ACCESSIBLE_TEXT (self), GTK_ACCESSIBLE_TEXT_CONTENT_CHANGE_INSERT,
                                       0, (unsigned int) g_utf8_strlen (self->text, -1));
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const char *
cfai_text_block_get_markup (CfaiTextBlock *self)
{
  g_return_val_if_fail (CFAI_IS_TEXT_BLOCK (self), NULL);

  return self->markup;
}

/**
 * cfai_text_block_get_text:
 *
 * Returns: the text shown, without markup
 */
const char *
cfai_text_block_get_text (CfaiTextBlock *self)
{
  g_return_val_if_fail (CFAI_IS_TEXT_BLOCK (self), NULL);

  return self->text;
}

/**
 * cfai_text_block_get_selected:
 *
 * Returns: (nullable) (transfer full): the selected text, or %NULL
 */
char *
cfai_text_block_get_selected (CfaiTextBlock *self)
{
  g_return_val_if_fail (CFAI_IS_TEXT_BLOCK (self), NULL);

  if (!has_selection (self))
    return NULL;
  return g_strndup (self->text + MIN (self->anchor, self->cursor), (gsize) ABS (self->cursor - self->anchor));
}

/**
 * cfai_text_block_select_range:
 * @start: a byte offset into the text
 * @end: another; equal to @start for no selection
 */
void
cfai_text_block_select_range (CfaiTextBlock *self,
                              int            start,
                              int            end)
{
  g_return_if_fail (CFAI_IS_TEXT_BLOCK (self));

  set_selection (self, start, end);
}

guint
cfai_text_block_get_n_links (CfaiTextBlock *self)
{
  g_return_val_if_fail (CFAI_IS_TEXT_BLOCK (self), 0);

  return self->links->len;
}

/**
 * cfai_text_block_get_link:
 * @index: which link, in the order of the text
 * @start: (out) (optional): its first byte in the text
 * @end: (out) (optional): the byte after it
 *
 * Returns: the link's address
 */
const char *
cfai_text_block_get_link (CfaiTextBlock *self,
                          guint          index,
                          int           *start,
                          int           *end)
{
  Link *link;

  g_return_val_if_fail (CFAI_IS_TEXT_BLOCK (self), NULL);
  g_return_val_if_fail (index < self->links->len, NULL);

  link = &g_array_index (self->links, Link, index);
  if (start != NULL)
    *start = link->start;
  if (end != NULL)
    *end = link->end;
  return link->uri;
}

/**
 * cfai_text_block_get_focus_link:
 *
 * Returns: the link Tab reached, or -1
 */
int
cfai_text_block_get_focus_link (CfaiTextBlock *self)
{
  g_return_val_if_fail (CFAI_IS_TEXT_BLOCK (self), -1);

  return self->focus_link;
}

guint
cfai_text_block_get_layouts (void)
{
  return n_layouts;
}

/**
 * cfai_text_block_set_text:
 * @text: (nullable): plain text, shown as written
 */
void
cfai_text_block_set_text (CfaiTextBlock *self,
                          const char    *text)
{
  g_autofree char *markup = NULL;

  g_return_if_fail (CFAI_IS_TEXT_BLOCK (self));

  markup = g_markup_escape_text (text != NULL ? text : "", -1);
  cfai_text_block_set_markup (self, markup);
}

void
cfai_text_block_set_fit_text (CfaiTextBlock *self,
                              gboolean       fit_text)
{
  g_return_if_fail (CFAI_IS_TEXT_BLOCK (self));

  fit_text = !!fit_text;
  if (self->fit_text == fit_text)
    return;
  self->fit_text = fit_text;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT_TEXT]);
}
