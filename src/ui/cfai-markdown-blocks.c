/* cfai-markdown-blocks.c — Markdown that arrives in pieces, split into blocks
 *
 * A streamed answer grows by a few bytes at a time.  Parsing the whole
 * message again on every token makes each token cost more than the one
 * before (the lag users of other chat apps complain about), so the text
 * is cut into chunks of top-level blocks at line boundaries that no later
 * text can move.  A finished chunk is parsed once with md4c and kept;
 * only the open chunk at the end is parsed again as text arrives, so a
 * token costs what the block it lands in costs, whatever the length of
 * the message.
 *
 * A boundary is decided only on complete lines, and only from what the
 * lines say, so the chunks do not depend on how the text was cut into
 * deltas.  The rules are those of CommonMark for where a top-level block
 * must end, applied conservatively: when in doubt a chunk goes on, which
 * costs time (a larger open chunk) but never a wrong rendering.  A chunk
 * may hold more than one block (a paragraph directly followed by a list
 * without a blank line, say); md4c sorts that out within it.
 *
 * Known difference from parsing the whole message at once: a link
 * reference definition ("[1]: https://…") only applies within its own
 * chunk.  Chat models write inline links.
 *
 * This file uses GLib and md4c only, no GTK: it is tested on its own, and
 * what it produces (Pango markup is just text) is what any renderer needs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <md4c.h>

#include "cfai-markdown-blocks.h"

/* GitHub's dialect as models write it, with raw HTML shown as text: the
 * text comes from a model and is never trusted to carry markup. */
#define PARSER_FLAGS (MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS | \
                      MD_FLAG_PERMISSIVEURLAUTOLINKS | MD_FLAG_PERMISSIVEWWWAUTOLINKS | \
                      MD_FLAG_PERMISSIVEEMAILAUTOLINKS | MD_FLAG_NOHTML)

/* ------------------------------------------------------------------ */
/* Nodes                                                              */
/* ------------------------------------------------------------------ */

static void
node_clear (gpointer data)
{
  CfaiMarkdownNode *node = data;

  g_free (node->markup);
  g_free (node->text);
  g_free (node->language);
  g_ptr_array_unref (node->children);
}

static CfaiMarkdownNode *
node_new (CfaiMarkdownNodeKind kind)
{
  CfaiMarkdownNode *node = g_rc_box_new0 (CfaiMarkdownNode);

  node->kind = kind;
  node->children = g_ptr_array_new_with_free_func ((GDestroyNotify) cfai_markdown_node_unref);
  return node;
}

CfaiMarkdownNode *
cfai_markdown_node_ref (CfaiMarkdownNode *node)
{
  return g_rc_box_acquire (node);
}

void
cfai_markdown_node_unref (CfaiMarkdownNode *node)
{
  g_rc_box_release_full (node, node_clear);
}

G_DEFINE_BOXED_TYPE (CfaiMarkdownNode, cfai_markdown_node, cfai_markdown_node_ref, cfai_markdown_node_unref)

/**
 * cfai_markdown_node_equal:
 *
 * Returns: whether @a and @b render the same, children included
 */
gboolean
cfai_markdown_node_equal (const CfaiMarkdownNode *a,
                          const CfaiMarkdownNode *b)
{
  if (a == b)
    return TRUE;
  if (a->kind != b->kind || a->level != b->level || a->ordered != b->ordered ||
      a->start != b->start || a->task != b->task || a->header != b->header ||
      a->align != b->align || a->children->len != b->children->len ||
      g_strcmp0 (a->markup, b->markup) != 0 || g_strcmp0 (a->text, b->text) != 0 ||
      g_strcmp0 (a->language, b->language) != 0)
    return FALSE;

  for (guint i = 0; i < a->children->len; i++)
    if (!cfai_markdown_node_equal (g_ptr_array_index (a->children, i),
                                   g_ptr_array_index (b->children, i)))
      return FALSE;

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* md4c to nodes                                                      */
/* ------------------------------------------------------------------ */

typedef struct
{
  GPtrArray        *roots;
  GPtrArray        *stack;        /* the open blocks, innermost last (borrowed) */
  CfaiMarkdownNode *inline_node;  /* the block that receives inline text, or NULL */
  gboolean          implicit;     /* inline_node is a tight list item's paragraph */
  GString          *markup;
  GString          *plain;
  GString          *code;
  gboolean          in_head;
  guint             link_depth;
} Renderer;

static CfaiMarkdownNode *
renderer_top (Renderer *r)
{
  return r->stack->len > 0 ? g_ptr_array_index (r->stack, r->stack->len - 1) : NULL;
}

static void
renderer_add (Renderer         *r,
              CfaiMarkdownNode *node)
{
  CfaiMarkdownNode *parent = renderer_top (r);

  g_ptr_array_add (parent != NULL ? parent->children : r->roots, node);
}

static void
renderer_close_inline (Renderer *r)
{
  if (r->inline_node == NULL)
    return;

  r->inline_node->markup = g_strndup (r->markup->str, r->markup->len);
  r->inline_node->text = g_strndup (r->plain->str, r->plain->len);
  if (r->implicit)
    g_ptr_array_set_size (r->stack, r->stack->len - 1);
  r->inline_node = NULL;
  r->implicit = FALSE;
}

static void
renderer_open_inline (Renderer         *r,
                      CfaiMarkdownNode *node)
{
  r->inline_node = node;
  g_string_truncate (r->markup, 0);
  g_string_truncate (r->plain, 0);
}

/* Text directly in a tight list's item has no paragraph of its own in
 * md4c's events; giving it one keeps every item's content a list of
 * blocks, whatever the list's tightness. */
static void
renderer_need_inline (Renderer *r)
{
  CfaiMarkdownNode *node;

  if (r->inline_node != NULL)
    return;

  node = node_new (CFAI_MARKDOWN_NODE_PARAGRAPH);
  renderer_add (r, node);
  g_ptr_array_add (r->stack, node);
  renderer_open_inline (r, node);
  r->implicit = TRUE;
}

static int
enter_block (MD_BLOCKTYPE type,
             void        *detail,
             void        *userdata)
{
  Renderer *r = userdata;
  CfaiMarkdownNode *node = NULL;

  renderer_close_inline (r);

  switch (type)
    {
    case MD_BLOCK_DOC:
      return 0;

    case MD_BLOCK_THEAD:
      r->in_head = TRUE;
      return 0;

    case MD_BLOCK_TBODY:
      r->in_head = FALSE;
      return 0;

    case MD_BLOCK_QUOTE:
      node = node_new (CFAI_MARKDOWN_NODE_QUOTE);
      break;

    case MD_BLOCK_UL:
      node = node_new (CFAI_MARKDOWN_NODE_LIST);
      break;

    case MD_BLOCK_OL:
      node = node_new (CFAI_MARKDOWN_NODE_LIST);
      node->ordered = TRUE;
      node->start = ((MD_BLOCK_OL_DETAIL *) detail)->start;
      break;

    case MD_BLOCK_LI:
      {
        MD_BLOCK_LI_DETAIL *li = detail;

        node = node_new (CFAI_MARKDOWN_NODE_ITEM);
        if (li->is_task)
          node->task = (li->task_mark == ' ') ? CFAI_MARKDOWN_TASK_OPEN : CFAI_MARKDOWN_TASK_DONE;
      }
      break;

    case MD_BLOCK_HR:
      node = node_new (CFAI_MARKDOWN_NODE_RULE);
      break;

    case MD_BLOCK_H:
      node = node_new (CFAI_MARKDOWN_NODE_HEADING);
      node->level = ((MD_BLOCK_H_DETAIL *) detail)->level;
      renderer_open_inline (r, node);
      break;

    case MD_BLOCK_CODE:
      {
        MD_BLOCK_CODE_DETAIL *code = detail;

        node = node_new (CFAI_MARKDOWN_NODE_CODE);
        if (code->lang.size > 0)
          node->language = g_strndup (code->lang.text, code->lang.size);
        g_string_truncate (r->code, 0);
      }
      break;

    /* Not produced with MD_FLAG_NOHTML; shown as text should that change. */
    case MD_BLOCK_HTML:
    case MD_BLOCK_P:
      node = node_new (CFAI_MARKDOWN_NODE_PARAGRAPH);
      renderer_open_inline (r, node);
      break;

    case MD_BLOCK_TABLE:
      node = node_new (CFAI_MARKDOWN_NODE_TABLE);
      break;

    case MD_BLOCK_TR:
      node = node_new (CFAI_MARKDOWN_NODE_TABLE_ROW);
      node->header = r->in_head;
      break;

    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
      node = node_new (CFAI_MARKDOWN_NODE_TABLE_CELL);
      node->header = (type == MD_BLOCK_TH);
      switch (((MD_BLOCK_TD_DETAIL *) detail)->align)
        {
        case MD_ALIGN_LEFT:
          node->align = CFAI_MARKDOWN_ALIGN_LEFT;
          break;
        case MD_ALIGN_CENTER:
          node->align = CFAI_MARKDOWN_ALIGN_CENTER;
          break;
        case MD_ALIGN_RIGHT:
          node->align = CFAI_MARKDOWN_ALIGN_RIGHT;
          break;
        case MD_ALIGN_DEFAULT:
        default:
          node->align = CFAI_MARKDOWN_ALIGN_DEFAULT;
          break;
        }
      renderer_open_inline (r, node);
      break;

    default:
      return 0;
    }

  renderer_add (r, node);
  g_ptr_array_add (r->stack, node);
  return 0;
}

static int
leave_block (MD_BLOCKTYPE type,
             void        *detail,
             void        *userdata)
{
  Renderer *r = userdata;
  CfaiMarkdownNode *node;

  renderer_close_inline (r);

  switch (type)
    {
    case MD_BLOCK_DOC:
    case MD_BLOCK_THEAD:
    case MD_BLOCK_TBODY:
      return 0;

    case MD_BLOCK_CODE:
      node = renderer_top (r);
      /* Every code line ends in a newline; the last one is not content. */
      if (r->code->len > 0 && r->code->str[r->code->len - 1] == '\n')
        g_string_truncate (r->code, r->code->len - 1);
      node->text = g_strndup (r->code->str, r->code->len);
      break;

    case MD_BLOCK_QUOTE:
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
    case MD_BLOCK_LI:
    case MD_BLOCK_HR:
    case MD_BLOCK_H:
    case MD_BLOCK_HTML:
    case MD_BLOCK_P:
    case MD_BLOCK_TABLE:
    case MD_BLOCK_TR:
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
    default:
      break;
    }

  if (r->stack->len > 0)
    g_ptr_array_set_size (r->stack, r->stack->len - 1);
  return 0;
}

static void
append_attribute (GString            *out,
                  const MD_ATTRIBUTE *attribute)
{
  g_autofree char *escaped = g_markup_escape_text (attribute->text, attribute->size);

  g_string_append (out, escaped);
}

static int
enter_span (MD_SPANTYPE type,
            void       *detail,
            void       *userdata)
{
  Renderer *r = userdata;

  renderer_need_inline (r);

  switch (type)
    {
    case MD_SPAN_EM:
      g_string_append (r->markup, "<i>");
      break;
    case MD_SPAN_STRONG:
      g_string_append (r->markup, "<b>");
      break;
    case MD_SPAN_DEL:
      g_string_append (r->markup, "<s>");
      break;
    case MD_SPAN_U:
      g_string_append (r->markup, "<u>");
      break;
    case MD_SPAN_CODE:
    case MD_SPAN_LATEXMATH:
    case MD_SPAN_LATEXMATH_DISPLAY:
      /* A translucent grey reads as a code chip in light and dark alike. */
      g_string_append (r->markup, "<span font_family=\"monospace\" background=\"#808080\" bgalpha=\"18%\">");
      break;
    case MD_SPAN_A:
      {
        MD_SPAN_A_DETAIL *a = detail;

        /* Links cannot nest in a label; an inner one shows as text. */
        if (r->link_depth++ > 0)
          break;
        g_string_append (r->markup, "<a href=\"");
        /* Bare "www." and e-mail autolinks carry no scheme of their own. */
        if (a->is_autolink && memchr (a->href.text, ':', a->href.size) == NULL)
          {
            if (memchr (a->href.text, '@', a->href.size) != NULL)
              g_string_append (r->markup, "mailto:");
            else
              g_string_append (r->markup, "http://");
          }
        append_attribute (r->markup, &a->href);
        g_string_append_c (r->markup, '"');
        if (a->title.size > 0)
          {
            g_string_append (r->markup, " title=\"");
            append_attribute (r->markup, &a->title);
            g_string_append_c (r->markup, '"');
          }
        g_string_append_c (r->markup, '>');
      }
      break;
    case MD_SPAN_IMG:
    case MD_SPAN_WIKILINK:
    default:
      /* Images are not fetched (that would tell a server the answer was
       * read); their description shows instead. */
      g_string_append (r->markup, "<i>");
      break;
    }

  return 0;
}

static int
leave_span (MD_SPANTYPE type,
            void       *detail,
            void       *userdata)
{
  Renderer *r = userdata;

  switch (type)
    {
    case MD_SPAN_EM:
      g_string_append (r->markup, "</i>");
      break;
    case MD_SPAN_STRONG:
      g_string_append (r->markup, "</b>");
      break;
    case MD_SPAN_DEL:
      g_string_append (r->markup, "</s>");
      break;
    case MD_SPAN_U:
      g_string_append (r->markup, "</u>");
      break;
    case MD_SPAN_CODE:
    case MD_SPAN_LATEXMATH:
    case MD_SPAN_LATEXMATH_DISPLAY:
      g_string_append (r->markup, "</span>");
      break;
    case MD_SPAN_A:
      if (--r->link_depth == 0)
        g_string_append (r->markup, "</a>");
      break;
    case MD_SPAN_IMG:
    case MD_SPAN_WIKILINK:
    default:
      g_string_append (r->markup, "</i>");
      break;
    }

  return 0;
}

static const struct
{
  const char *name;
  const char *utf8;
} entities[] = {
  { "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
  { "nbsp", "\xc2\xa0" }, { "copy", "©" }, { "reg", "®" }, { "trade", "™" },
  { "hellip", "…" }, { "mdash", "—" }, { "ndash", "–" }, { "laquo", "«" },
  { "raquo", "»" }, { "lsquo", "‘" }, { "rsquo", "’" }, { "ldquo", "“" },
  { "rdquo", "”" }, { "times", "×" }, { "divide", "÷" }, { "deg", "°" },
  { "plusmn", "±" }, { "middot", "·" }, { "bull", "•" }, { "euro", "€" },
  { "pound", "£" }, { "yen", "¥" }, { "cent", "¢" }, { "sect", "§" },
  { "para", "¶" }, { "larr", "←" }, { "rarr", "→" }, { "uarr", "↑" },
  { "darr", "↓" }, { "le", "≤" }, { "ge", "≥" }, { "ne", "≠" }, { "asymp", "≈" },
  { "infin", "∞" }, { "check", "✓" },
};

/* md4c hands entities over as written; Pango markup knows only XML's
 * five, so each is turned into its character here (and unknown names
 * stay as written). */
static void
append_entity (GString    *out,
               const char *text,
               gsize       size)
{
  g_autofree char *name = g_strndup (text + 1, size > 2 ? size - 2 : 0);

  if (name[0] == '#')
    {
      gboolean hex = (name[1] == 'x' || name[1] == 'X');
      guint64 value = g_ascii_strtoull (name + (hex ? 2 : 1), NULL, hex ? 16 : 10);

      if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        value = 0xFFFD;
      g_string_append_unichar (out, (gunichar) value);
      return;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (entities); i++)
    if (g_str_equal (name, entities[i].name))
      {
        g_string_append (out, entities[i].utf8);
        return;
      }

  g_string_append_len (out, text, size);
}

static void
append_escaped (Renderer   *r,
                const char *text,
                gsize       size)
{
  g_autofree char *escaped = g_markup_escape_text (text, size);

  g_string_append (r->markup, escaped);
  g_string_append_len (r->plain, text, size);
}

static int
text_cb (MD_TEXTTYPE    type,
         const MD_CHAR *text,
         MD_SIZE        size,
         void          *userdata)
{
  Renderer *r = userdata;
  CfaiMarkdownNode *top = renderer_top (r);

  if (top != NULL && top->kind == CFAI_MARKDOWN_NODE_CODE)
    {
      if (type == MD_TEXT_NULLCHAR)
        g_string_append (r->code, "\xef\xbf\xbd");
      else
        g_string_append_len (r->code, text, size);
      return 0;
    }

  renderer_need_inline (r);

  switch (type)
    {
    case MD_TEXT_NULLCHAR:
      append_escaped (r, "\xef\xbf\xbd", 3);
      break;

    /* A chat answer's single newlines are meant as line breaks (poems,
     * addresses, steps); CommonMark would join the lines. */
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
      append_escaped (r, "\n", 1);
      break;

    case MD_TEXT_ENTITY:
      {
        g_autoptr(GString) decoded = g_string_new (NULL);

        append_entity (decoded, text, size);
        append_escaped (r, decoded->str, decoded->len);
      }
      break;

    case MD_TEXT_NORMAL:
    case MD_TEXT_CODE:
    case MD_TEXT_HTML:
    case MD_TEXT_LATEXMATH:
    default:
      append_escaped (r, text, size);
      break;
    }

  return 0;
}

/**
 * cfai_markdown_parse:
 * @text: Markdown
 * @length: its length in bytes, or -1 when nul-terminated
 *
 * Parses @text with md4c.  Invalid UTF-8 is replaced, so the markup is
 * always valid.
 *
 * Returns: (transfer container) (element-type CfaiMarkdownNode): the
 *   top-level blocks
 */
GPtrArray *
cfai_markdown_parse (const char *text,
                     gssize      length)
{
  g_autofree char *valid = NULL;
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  g_autoptr(GString) markup = g_string_new (NULL);
  g_autoptr(GString) plain = g_string_new (NULL);
  g_autoptr(GString) code = g_string_new (NULL);
  Renderer r = { 0, };
  MD_PARSER parser = {
    .abi_version = 0,
    .flags = PARSER_FLAGS,
    .enter_block = enter_block,
    .leave_block = leave_block,
    .enter_span = enter_span,
    .leave_span = leave_span,
    .text = text_cb,
  };

  if (length < 0)
    length = strlen (text);

  if (!g_utf8_validate_len (text, length, NULL))
    {
      valid = g_utf8_make_valid (text, length);
      text = valid;
      length = strlen (valid);
    }

  r.roots = g_ptr_array_new_with_free_func ((GDestroyNotify) cfai_markdown_node_unref);
  r.stack = stack;
  r.markup = markup;
  r.plain = plain;
  r.code = code;

  md_parse (text, (MD_SIZE) length, &parser, &r);
  renderer_close_inline (&r);

  return r.roots;
}

/* ------------------------------------------------------------------ */
/* Lines                                                              */
/* ------------------------------------------------------------------ */

typedef enum
{
  LINE_BLANK,
  LINE_FENCE,
  LINE_HEADING,
  LINE_RULE,
  LINE_ITEM,
  LINE_QUOTE,
  LINE_INDENTED,
  LINE_TEXT,
} LineKind;

typedef struct
{
  LineKind kind;
  guint    indent;      /* in columns, tabs to multiples of 4 */
  char     mark;        /* the fence or rule character */
  gsize    run;         /* how many of it */
  gboolean only_run;    /* nothing but the run (and blanks) after the indent */
} Line;

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

static void
classify (const char *s,
          gsize       len,
          Line       *line)
{
  gsize p = 0;
  char c;

  memset (line, 0, sizeof *line);

  while (p < len && is_blank (s[p]))
    {
      line->indent = (s[p] == '\t') ? (line->indent / 4 + 1) * 4 : line->indent + 1;
      p++;
    }

  if (p == len)
    {
      line->kind = LINE_BLANK;
      return;
    }

  if (line->indent >= 4)
    {
      line->kind = LINE_INDENTED;
      return;
    }

  c = s[p];

  if (c == '`' || c == '~')
    {
      gsize q = p;

      while (q < len && s[q] == c)
        q++;
      line->mark = c;
      line->run = q - p;
      if (line->run >= 3 && (c == '~' || memchr (s + q, '`', len - q) == NULL))
        {
          line->only_run = TRUE;
          for (gsize i = q; i < len; i++)
            if (!is_blank (s[i]))
              line->only_run = FALSE;
          line->kind = LINE_FENCE;
          return;
        }
    }

  if (c == '#')
    {
      gsize q = p;

      while (q < len && s[q] == '#')
        q++;
      if (q - p <= 6 && (q == len || is_blank (s[q])))
        {
          line->kind = LINE_HEADING;
          return;
        }
    }

  if (c == '*' || c == '-' || c == '_')
    {
      gsize n = 0;
      gboolean rule = TRUE;

      for (gsize i = p; i < len && rule; i++)
        {
          if (s[i] == c)
            n++;
          else if (!is_blank (s[i]))
            rule = FALSE;
        }
      if (rule && n >= 3)
        {
          line->kind = LINE_RULE;
          line->mark = c;
          return;
        }
    }

  if ((c == '-' || c == '*' || c == '+') && (p + 1 == len || is_blank (s[p + 1])))
    {
      line->kind = LINE_ITEM;
      return;
    }

  if (g_ascii_isdigit (c))
    {
      gsize q = p;

      while (q < len && q - p < 10 && g_ascii_isdigit (s[q]))
        q++;
      if (q - p <= 9 && q < len && (s[q] == '.' || s[q] == ')') &&
          (q + 1 == len || is_blank (s[q + 1])))
        {
          line->kind = LINE_ITEM;
          return;
        }
    }

  if (c == '>')
    {
      line->kind = LINE_QUOTE;
      return;
    }

  line->kind = LINE_TEXT;
}

/* ------------------------------------------------------------------ */
/* Chunks                                                             */
/* ------------------------------------------------------------------ */

typedef enum
{
  CHUNK_NONE,      /* nothing but blank lines since the last boundary */
  CHUNK_TEXT,      /* paragraphs, setext headings, tables */
  CHUNK_FENCE,
  CHUNK_LIST,
  CHUNK_QUOTE,
  CHUNK_INDENTED,
} ChunkKind;

typedef struct
{
  gsize      start;
  gsize      end;
  GPtrArray *nodes;
} Chunk;

struct _CfaiMarkdownBlocks
{
  GObject    parent_instance;

  GString   *text;
  GArray    *finished;     /* of Chunk */
  GPtrArray *open_nodes;   /* the open chunk parsed, or NULL until asked for */

  gsize      open_start;   /* where the open chunk begins */
  gsize      scan;         /* where the first line not looked at yet begins */
  ChunkKind  chunk;
  char       fence_mark;
  gsize      fence_run;
  gboolean   after_blank;
  gboolean   done;
  guint      n_parses;
};

G_DEFINE_FINAL_TYPE (CfaiMarkdownBlocks, cfai_markdown_blocks, G_TYPE_OBJECT)

static void
chunk_clear (gpointer data)
{
  Chunk *chunk = data;

  g_clear_pointer (&chunk->nodes, g_ptr_array_unref);
}

static void
cfai_markdown_blocks_finalize (GObject *object)
{
  CfaiMarkdownBlocks *self = CFAI_MARKDOWN_BLOCKS (object);

  g_string_free (self->text, TRUE);
  g_clear_pointer (&self->finished, g_array_unref);
  g_clear_pointer (&self->open_nodes, g_ptr_array_unref);

  G_OBJECT_CLASS (cfai_markdown_blocks_parent_class)->finalize (object);
}

static void
cfai_markdown_blocks_class_init (CfaiMarkdownBlocksClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfai_markdown_blocks_finalize;
}

static void
cfai_markdown_blocks_init (CfaiMarkdownBlocks *self)
{
  self->text = g_string_new (NULL);
  self->finished = g_array_new (FALSE, TRUE, sizeof (Chunk));
  g_array_set_clear_func (self->finished, chunk_clear);
}

CfaiMarkdownBlocks *
cfai_markdown_blocks_new (void)
{
  return g_object_new (CFAI_TYPE_MARKDOWN_BLOCKS, NULL);
}

static GPtrArray *
parse (CfaiMarkdownBlocks *self,
       gsize               start,
       gsize               end)
{
  self->n_parses++;
  return cfai_markdown_parse (self->text->str + start, end - start);
}

/* The open chunk ends at @end: parsed now, and never again. */
static void
commit (CfaiMarkdownBlocks *self,
        gsize               end)
{
  Chunk chunk = { self->open_start, end, NULL };

  if (end > self->open_start)
    {
      chunk.nodes = parse (self, self->open_start, end);
      g_array_append_val (self->finished, chunk);
    }

  self->open_start = end;
  self->chunk = CHUNK_NONE;
  self->after_blank = FALSE;
  g_clear_pointer (&self->open_nodes, g_ptr_array_unref);
}

static void
start_chunk (CfaiMarkdownBlocks *self,
             const Line         *line,
             gsize               line_start,
             gsize               next)
{
  self->open_start = line_start;
  self->after_blank = FALSE;

  switch (line->kind)
    {
    case LINE_BLANK:
      /* Blank lines between blocks belong to none. */
      self->open_start = next;
      break;
    case LINE_FENCE:
      self->chunk = CHUNK_FENCE;
      self->fence_mark = line->mark;
      self->fence_run = line->run;
      break;
    case LINE_HEADING:
    case LINE_RULE:
      /* One line, whatever follows. */
      self->chunk = CHUNK_TEXT;
      commit (self, next);
      break;
    case LINE_ITEM:
      self->chunk = CHUNK_LIST;
      break;
    case LINE_QUOTE:
      self->chunk = CHUNK_QUOTE;
      break;
    case LINE_INDENTED:
      self->chunk = CHUNK_INDENTED;
      break;
    case LINE_TEXT:
    default:
      self->chunk = CHUNK_TEXT;
      break;
    }
}

/* Whether @line, at the left margin, starts a block that ends whatever
 * paragraph or container came before it. */
static gboolean
interrupts (const Line *line)
{
  return line->kind == LINE_FENCE || line->kind == LINE_HEADING ||
         (line->kind == LINE_RULE && line->mark != '-');
}

/* One complete line, from @start to the newline before @next. */
static void
process_line (CfaiMarkdownBlocks *self,
              gsize               start,
              gsize               next)
{
  const char *s = self->text->str + start;
  gsize len = next - start;
  Line line;

  while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
    len--;
  classify (s, len, &line);

  switch (self->chunk)
    {
    case CHUNK_NONE:
      start_chunk (self, &line, start, next);
      return;

    case CHUNK_TEXT:
      if (line.kind == LINE_BLANK)
        commit (self, next);
      else if (interrupts (&line) || line.kind == LINE_QUOTE)
        {
          commit (self, start);
          start_chunk (self, &line, start, next);
        }
      return;

    case CHUNK_FENCE:
      /* Blank lines and everything else are code until the fence closes. */
      if (line.kind == LINE_FENCE && line.mark == self->fence_mark &&
          line.run >= self->fence_run && line.only_run)
        commit (self, next);
      return;

    case CHUNK_LIST:
      /* Items go on across blank lines while what follows is indented
       * into them or is another item; without a blank line, a line is
       * the item's text going on, unless it starts a block of its own. */
      if (line.kind == LINE_BLANK)
        self->after_blank = TRUE;
      else if (self->after_blank && line.indent == 0 && line.kind != LINE_ITEM)
        {
          commit (self, start);
          start_chunk (self, &line, start, next);
        }
      else if (!self->after_blank && line.indent == 0 && interrupts (&line))
        {
          commit (self, start);
          start_chunk (self, &line, start, next);
        }
      else
        self->after_blank = FALSE;
      return;

    case CHUNK_QUOTE:
      if (line.kind == LINE_BLANK)
        commit (self, next);
      else if (line.indent == 0 && interrupts (&line))
        {
          commit (self, start);
          start_chunk (self, &line, start, next);
        }
      return;

    case CHUNK_INDENTED:
      if (line.kind != LINE_BLANK && line.kind != LINE_INDENTED)
        {
          commit (self, start);
          start_chunk (self, &line, start, next);
        }
      return;

    default:
      g_assert_not_reached ();
    }
}

/**
 * cfai_markdown_blocks_append:
 * @delta: more Markdown
 * @length: its length in bytes, or -1 when nul-terminated
 *
 * Adds @delta at the end.  Blocks that it completes are parsed now, once;
 * the open block is parsed when next asked for.
 */
void
cfai_markdown_blocks_append (CfaiMarkdownBlocks *self,
                             const char         *delta,
                             gssize              length)
{
  const char *newline;
  gsize from;

  g_return_if_fail (CFAI_IS_MARKDOWN_BLOCKS (self));
  g_return_if_fail (delta != NULL || length == 0);

  if (length < 0)
    length = strlen (delta);
  if (length == 0)
    return;

  g_return_if_fail (!self->done);

  from = self->text->len;
  g_string_append_len (self->text, delta, length);
  g_clear_pointer (&self->open_nodes, g_ptr_array_unref);

  /* Only the new bytes can hold a newline not seen yet. */
  while ((newline = memchr (self->text->str + from, '\n', self->text->len - from)) != NULL)
    {
      gsize next = (gsize) (newline - self->text->str) + 1;

      process_line (self, self->scan, next);
      self->scan = next;
      from = next;
    }
}

/**
 * cfai_markdown_blocks_finish:
 *
 * The text is complete: the last line and block end here.
 */
void
cfai_markdown_blocks_finish (CfaiMarkdownBlocks *self)
{
  g_return_if_fail (CFAI_IS_MARKDOWN_BLOCKS (self));

  if (self->done)
    return;

  if (self->scan < self->text->len)
    {
      process_line (self, self->scan, self->text->len);
      self->scan = self->text->len;
    }
  if (self->chunk != CHUNK_NONE)
    commit (self, self->text->len);
  self->open_start = self->text->len;
  self->done = TRUE;
}

/**
 * cfai_markdown_blocks_reset:
 *
 * Forgets all text, to start over with another.
 */
void
cfai_markdown_blocks_reset (CfaiMarkdownBlocks *self)
{
  g_return_if_fail (CFAI_IS_MARKDOWN_BLOCKS (self));

  g_string_truncate (self->text, 0);
  g_array_set_size (self->finished, 0);
  g_clear_pointer (&self->open_nodes, g_ptr_array_unref);
  self->open_start = 0;
  self->scan = 0;
  self->chunk = CHUNK_NONE;
  self->after_blank = FALSE;
  self->done = FALSE;
}

const char *
cfai_markdown_blocks_get_text (CfaiMarkdownBlocks *self)
{
  g_return_val_if_fail (CFAI_IS_MARKDOWN_BLOCKS (self), NULL);

  return self->text->str;
}

gsize
cfai_markdown_blocks_get_length (CfaiMarkdownBlocks *self)
{
  g_return_val_if_fail (CFAI_IS_MARKDOWN_BLOCKS (self), 0);

  return self->text->len;
}

/**
 * cfai_markdown_blocks_get_n_finished:
 *
 * Returns: how many chunks are finished; they never change again
 */
guint
cfai_markdown_blocks_get_n_finished (CfaiMarkdownBlocks *self)
{
  g_return_val_if_fail (CFAI_IS_MARKDOWN_BLOCKS (self), 0);

  return self->finished->len;
}

/**
 * cfai_markdown_blocks_get_finished:
 * @index: which finished chunk
 *
 * Returns: (transfer none) (element-type CfaiMarkdownNode): its blocks
 */
GPtrArray *
cfai_markdown_blocks_get_finished (CfaiMarkdownBlocks *self,
                                   guint               index)
{
  g_return_val_if_fail (CFAI_IS_MARKDOWN_BLOCKS (self), NULL);
  g_return_val_if_fail (index < self->finished->len, NULL);

  return g_array_index (self->finished, Chunk, index).nodes;
}

void
cfai_markdown_blocks_get_finished_range (CfaiMarkdownBlocks *self,
                                         guint               index,
                                         gsize              *start,
                                         gsize              *end)
{
  Chunk *chunk;

  g_return_if_fail (CFAI_IS_MARKDOWN_BLOCKS (self));
  g_return_if_fail (index < self->finished->len);

  chunk = &g_array_index (self->finished, Chunk, index);
  if (start != NULL)
    *start = chunk->start;
  if (end != NULL)
    *end = chunk->end;
}

/* The open chunk may end in the middle of a character whose other bytes
 * are on their way; that character is left out until they come. */
static gsize
complete_characters (const char *s,
                     gsize       len)
{
  gsize back = 0;

  while (back < len && back < 4 && ((guchar) s[len - 1 - back] & 0xC0) == 0x80)
    back++;
  if (back < len && (guchar) s[len - 1 - back] >= 0xC0)
    {
      gsize lead = len - 1 - back;

      if (g_utf8_get_char_validated (s + lead, back + 1) == (gunichar) -2)
        return lead;
    }
  return len;
}

/* Where the open chunk's text stops being worth showing: a last,
 * incomplete line that is a fence being typed ("``", "```pyth", or the
 * start of the closing fence) would flash up as text or as a line of
 * code for a frame and then vanish. */
static gsize
open_end (CfaiMarkdownBlocks *self)
{
  const char *s = self->text->str;
  gsize len = self->text->len;
  gsize p = self->scan;
  gsize run = 0;
  char mark;

  if (self->scan >= len || self->scan < self->open_start)
    return len;

  while (p < len && p - self->scan < 3 && s[p] == ' ')
    p++;
  if (p == len || (s[p] != '`' && s[p] != '~'))
    return len;

  mark = s[p];
  while (p + run < len && s[p + run] == mark)
    run++;

  if (self->chunk == CHUNK_FENCE)
    return (mark == self->fence_mark && p + run == len) ? self->scan : len;

  return (p + run == len || run >= 3) ? self->scan : len;
}

/**
 * cfai_markdown_blocks_get_open:
 *
 * Returns: (transfer none) (element-type CfaiMarkdownNode): the blocks of
 *   the open chunk, parsed at most once between appends; empty when
 *   nothing is open
 */
GPtrArray *
cfai_markdown_blocks_get_open (CfaiMarkdownBlocks *self)
{
  g_return_val_if_fail (CFAI_IS_MARKDOWN_BLOCKS (self), NULL);

  if (self->open_nodes == NULL)
    {
      gsize shown = open_end (self);
      gsize end = self->open_start +
                  complete_characters (self->text->str + self->open_start,
                                       shown - self->open_start);
      gboolean blank = TRUE;

      for (gsize i = self->open_start; i < end && blank; i++)
        blank = g_ascii_isspace (self->text->str[i]);

      if (blank)
        self->open_nodes = g_ptr_array_new ();
      else
        self->open_nodes = parse (self, self->open_start, end);
    }

  return self->open_nodes;
}

/**
 * cfai_markdown_blocks_get_n_parses:
 *
 * Returns: how many times md4c ran, so tests can tell that finished
 *   blocks are not parsed again
 */
guint
cfai_markdown_blocks_get_n_parses (CfaiMarkdownBlocks *self)
{
  g_return_val_if_fail (CFAI_IS_MARKDOWN_BLOCKS (self), 0);

  return self->n_parses;
}
