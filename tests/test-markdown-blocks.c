/* test-markdown-blocks.c — splitting streamed Markdown into blocks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cfai-markdown-blocks.h"
#include "cfai-test-home.h"

/* What chat models write, with the cases that trip a splitter up: fences
 * of both kinds holding blank lines and the other kind of fence, nested
 * and loose lists, a table, a block quote holding code, indented code,
 * headings and rules of every spelling, and text in other scripts. */
static const char document[] =
  "# Plan\n"
  "\n"
  "Intro with **bold**, *em*, `code`, ~~gone~~ and a [link](https://example.com/a?b=1&c=2 \"t\").\n"
  "Second line of the same paragraph.\n"
  "\n"
  "```c\n"
  "int main (void)\n"
  "{\n"
  "\n"
  "  return 0; /* ~~~ and # not special here */\n"
  "}\n"
  "```\n"
  "~~~python\n"
  "print('a')\n"
  "```\n"
  "\n"
  "print('still code')\n"
  "~~~\n"
  "\n"
  "- one\n"
  "  - nested *a*\n"
  "    - deeper\n"
  "- two\n"
  "\n"
  "  two goes on\n"
  "\n"
  "1. first\n"
  "2. second\n"
  "   ```sh\n"
  "   ls\n"
  "\n"
  "   pwd\n"
  "   ```\n"
  "\n"
  "| Name | Size |\n"
  "| :--- | ---: |\n"
  "| a.c | 10 |\n"
  "| b.c | 2 000 |\n"
  "\n"
  "> quoted\n"
  "> ```\n"
  "> in quote\n"
  "> ```\n"
  "\n"
  "    indented code\n"
  "\n"
  "    more of it\n"
  "Setext\n"
  "======\n"
  "\n"
  "***\n"
  "- - -\n"
  "## Ünïcödé — 日本語 👋\n"
  "Text &amp; &copy; &#x1F680; <b>not bold</b>\n"
  "- [ ] task\n"
  "- [x] done\n"
  "\n"
  "Last paragraph without newline";

typedef struct
{
  GPtrArray *nodes;   /* every chunk's blocks, in order */
  GArray    *ranges;  /* start, end of every finished chunk */
} Blocks;

static void
blocks_clear (Blocks *b)
{
  g_ptr_array_unref (b->nodes);
  g_array_unref (b->ranges);
}

static void
collect (CfaiMarkdownBlocks *md,
         Blocks             *b)
{
  b->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) cfai_markdown_node_unref);
  b->ranges = g_array_new (FALSE, FALSE, sizeof (gsize));

  for (guint i = 0; i < cfai_markdown_blocks_get_n_finished (md); i++)
    {
      GPtrArray *nodes = cfai_markdown_blocks_get_finished (md, i);
      gsize range[2];

      for (guint j = 0; j < nodes->len; j++)
        g_ptr_array_add (b->nodes, cfai_markdown_node_ref (g_ptr_array_index (nodes, j)));
      cfai_markdown_blocks_get_finished_range (md, i, &range[0], &range[1]);
      g_array_append_vals (b->ranges, range, 2);
    }

  {
    GPtrArray *open = cfai_markdown_blocks_get_open (md);

    for (guint j = 0; j < open->len; j++)
      g_ptr_array_add (b->nodes, cfai_markdown_node_ref (g_ptr_array_index (open, j)));
  }
}

static void
assert_same_nodes (GPtrArray *a,
                   GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_true (cfai_markdown_node_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)));
}

static void
assert_same (Blocks *a,
             Blocks *b)
{
  assert_same_nodes (a->nodes, b->nodes);
  g_assert_cmpuint (a->ranges->len, ==, b->ranges->len);
  g_assert_cmpmem (a->ranges->data, a->ranges->len * sizeof (gsize),
                   b->ranges->data, b->ranges->len * sizeof (gsize));
}

static CfaiMarkdownNode *
node_at (GPtrArray *nodes,
         guint      i)
{
  g_assert_cmpuint (i, <, nodes->len);
  return g_ptr_array_index (nodes, i);
}

static void
test_whole_document (void)
{
  g_autoptr(CfaiMarkdownBlocks) md = cfai_markdown_blocks_new ();
  g_autoptr(GPtrArray) whole = cfai_markdown_parse (document, -1);
  Blocks b;
  static const CfaiMarkdownNodeKind kinds[] = {
    CFAI_MARKDOWN_NODE_HEADING, CFAI_MARKDOWN_NODE_PARAGRAPH, CFAI_MARKDOWN_NODE_CODE,
    CFAI_MARKDOWN_NODE_CODE, CFAI_MARKDOWN_NODE_LIST, CFAI_MARKDOWN_NODE_LIST,
    CFAI_MARKDOWN_NODE_TABLE, CFAI_MARKDOWN_NODE_QUOTE, CFAI_MARKDOWN_NODE_CODE,
    CFAI_MARKDOWN_NODE_HEADING, CFAI_MARKDOWN_NODE_RULE, CFAI_MARKDOWN_NODE_RULE,
    CFAI_MARKDOWN_NODE_HEADING, CFAI_MARKDOWN_NODE_PARAGRAPH, CFAI_MARKDOWN_NODE_LIST,
    CFAI_MARKDOWN_NODE_PARAGRAPH,
  };
  CfaiMarkdownNode *node;

  cfai_markdown_blocks_append (md, document, -1);
  cfai_markdown_blocks_finish (md);
  collect (md, &b);

  /* Chunks parsed on their own give what the whole text parsed at once
   * gives. */
  assert_same_nodes (b.nodes, whole);

  g_assert_cmpuint (b.nodes->len, ==, G_N_ELEMENTS (kinds));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    g_assert_cmpint (node_at (b.nodes, i)->kind, ==, kinds[i]);

  node = node_at (b.nodes, 1);
  g_assert_cmpstr (node->text, ==, "Intro with bold, em, code, gone and a link.\nSecond line of the same paragraph.");
  g_assert_nonnull (strstr (node->markup, "<a href=\"https://example.com/a?b=1&amp;c=2\" title=\"t\">link</a>"));
  g_assert_nonnull (strstr (node->markup, "<b>bold</b>"));
  g_assert_nonnull (strstr (node->markup, "<s>gone</s>"));

  node = node_at (b.nodes, 2);
  g_assert_cmpstr (node->language, ==, "c");
  g_assert_cmpstr (node->text, ==, "int main (void)\n{\n\n  return 0; /* ~~~ and # not special here */\n}");

  node = node_at (b.nodes, 3);
  g_assert_cmpstr (node->language, ==, "python");
  g_assert_cmpstr (node->text, ==, "print('a')\n```\n\nprint('still code')");

  /* Two items, the first holding two levels of nesting. */
  node = node_at (b.nodes, 4);
  g_assert_false (node->ordered);
  g_assert_cmpuint (node->children->len, ==, 2);
  g_assert_cmpuint (node_at (node->children, 0)->children->len, ==, 2);
  g_assert_cmpint (node_at (node_at (node->children, 0)->children, 1)->kind, ==, CFAI_MARKDOWN_NODE_LIST);
  g_assert_cmpuint (node_at (node->children, 1)->children->len, ==, 2);

  node = node_at (b.nodes, 5);
  g_assert_true (node->ordered);
  g_assert_cmpuint (node->start, ==, 1);
  g_assert_cmpint (node_at (node_at (node->children, 1)->children, 1)->kind, ==, CFAI_MARKDOWN_NODE_CODE);
  g_assert_cmpstr (node_at (node_at (node->children, 1)->children, 1)->text, ==, "ls\n\npwd");

  node = node_at (b.nodes, 6);
  g_assert_cmpuint (node->children->len, ==, 3);
  g_assert_true (node_at (node->children, 0)->header);
  g_assert_cmpint (node_at (node_at (node->children, 0)->children, 1)->align, ==, CFAI_MARKDOWN_ALIGN_RIGHT);
  g_assert_cmpstr (node_at (node_at (node->children, 2)->children, 1)->text, ==, "2 000");

  node = node_at (b.nodes, 8);
  g_assert_null (node->language);
  g_assert_cmpstr (node->text, ==, "indented code\n\nmore of it");

  node = node_at (b.nodes, 13);
  g_assert_cmpstr (node->text, ==, "Text & © 🚀 <b>not bold</b>");
  g_assert_cmpstr (node->markup, ==, "Text &amp; © 🚀 &lt;b&gt;not bold&lt;/b&gt;");

  node = node_at (b.nodes, 14);
  g_assert_cmpint (node_at (node->children, 0)->task, ==, CFAI_MARKDOWN_TASK_OPEN);
  g_assert_cmpint (node_at (node->children, 1)->task, ==, CFAI_MARKDOWN_TASK_DONE);

  blocks_clear (&b);
}

/* However the text is cut into deltas, the same chunks come out. */
static void
test_split_everywhere (void)
{
  gsize length = strlen (document);
  g_autoptr(CfaiMarkdownBlocks) reference = cfai_markdown_blocks_new ();
  Blocks expected;

  cfai_markdown_blocks_append (reference, document, length);
  cfai_markdown_blocks_finish (reference);
  collect (reference, &expected);

  for (gsize cut = 0; cut <= length; cut++)
    {
      g_autoptr(CfaiMarkdownBlocks) md = cfai_markdown_blocks_new ();
      Blocks got;

      cfai_markdown_blocks_append (md, document, cut);
      /* Looking at the open block in between must change nothing. */
      cfai_markdown_blocks_get_open (md);
      cfai_markdown_blocks_append (md, document + cut, length - cut);
      cfai_markdown_blocks_finish (md);
      collect (md, &got);
      assert_same (&expected, &got);
      blocks_clear (&got);
    }

  blocks_clear (&expected);
}

/* Byte by byte, looking at the open block after every byte (as the view
 * does every frame): finished chunks grow monotonically and each is
 * parsed exactly once. */
static void
test_byte_by_byte (void)
{
  gsize length = strlen (document);
  g_autoptr(CfaiMarkdownBlocks) md = cfai_markdown_blocks_new ();
  g_autoptr(CfaiMarkdownBlocks) reference = cfai_markdown_blocks_new ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  guint open_parses = 0;
  Blocks expected, got;

  cfai_markdown_blocks_append (reference, document, length);
  collect (reference, &expected);

  for (gsize i = 0; i < length; i++)
    {
      guint before = cfai_markdown_blocks_get_n_parses (md);
      guint finished_before = cfai_markdown_blocks_get_n_finished (md);
      GPtrArray *open;

      cfai_markdown_blocks_append (md, document + i, 1);
      g_assert_cmpuint (cfai_markdown_blocks_get_n_finished (md), >=, finished_before);
      g_assert_cmpuint (cfai_markdown_blocks_get_n_parses (md) - before, ==,
                        cfai_markdown_blocks_get_n_finished (md) - finished_before);

      /* A finished chunk's nodes stay the very same objects. */
      for (guint c = 0; c < seen->len; c++)
        g_assert_true (g_ptr_array_index (seen, c) == cfai_markdown_blocks_get_finished (md, c));
      for (guint c = seen->len; c < cfai_markdown_blocks_get_n_finished (md); c++)
        g_ptr_array_add (seen, cfai_markdown_blocks_get_finished (md, c));

      before = cfai_markdown_blocks_get_n_parses (md);
      open = cfai_markdown_blocks_get_open (md);
      open_parses += cfai_markdown_blocks_get_n_parses (md) - before;
      /* Asking again without new text parses nothing. */
      g_assert_true (cfai_markdown_blocks_get_open (md) == open);
      for (guint j = 0; j < open->len; j++)
        {
          CfaiMarkdownNode *node = g_ptr_array_index (open, j);

          g_assert_true (node->markup == NULL || g_utf8_validate (node->markup, -1, NULL));
          g_assert_true (node->text == NULL || g_utf8_validate (node->text, -1, NULL));
        }
    }

  g_assert_cmpuint (cfai_markdown_blocks_get_n_parses (md), ==,
                    cfai_markdown_blocks_get_n_finished (md) + open_parses);

  collect (md, &got);
  assert_same (&expected, &got);
  blocks_clear (&got);
  blocks_clear (&expected);
}

static void
test_table_row_by_row (void)
{
  g_autoptr(CfaiMarkdownBlocks) md = cfai_markdown_blocks_new ();
  static const char * const rows[] = {
    "| Model | Context |\n",
    "| --- | --- |\n",
    "| llama | 128k |\n",
    "| gpt-oss | 128k |\n",
    "| gemma | 256k |\n",
  };
  GPtrArray *intro;

  cfai_markdown_blocks_append (md, "Models:\n\n", -1);
  g_assert_cmpuint (cfai_markdown_blocks_get_n_finished (md), ==, 1);
  intro = cfai_markdown_blocks_get_finished (md, 0);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      GPtrArray *open;
      CfaiMarkdownNode *node;

      cfai_markdown_blocks_append (md, rows[i], -1);
      /* A table goes on until a blank line. */
      g_assert_cmpuint (cfai_markdown_blocks_get_n_finished (md), ==, 1);
      g_assert_true (cfai_markdown_blocks_get_finished (md, 0) == intro);

      open = cfai_markdown_blocks_get_open (md);
      g_assert_cmpuint (open->len, ==, 1);
      node = node_at (open, 0);
      if (i == 0)
        {
          /* A header row alone is a paragraph until its delimiter row. */
          g_assert_cmpint (node->kind, ==, CFAI_MARKDOWN_NODE_PARAGRAPH);
          continue;
        }
      g_assert_cmpint (node->kind, ==, CFAI_MARKDOWN_NODE_TABLE);
      g_assert_cmpuint (node->children->len, ==, i);
      g_assert_cmpuint (node_at (node->children, 0)->children->len, ==, 2);
    }

  cfai_markdown_blocks_append (md, "\nAfter", -1);
  g_assert_cmpuint (cfai_markdown_blocks_get_n_finished (md), ==, 2);
  g_assert_cmpint (node_at (cfai_markdown_blocks_get_finished (md, 1), 0)->kind, ==, CFAI_MARKDOWN_NODE_TABLE);
  g_assert_cmpint (node_at (cfai_markdown_blocks_get_open (md), 0)->kind, ==, CFAI_MARKDOWN_NODE_PARAGRAPH);
}

static void
test_fences (void)
{
  static const struct
  {
    const char *text;
    const char *code;
    const char *language;
  } cases[] = {
    /* A longer fence is closed only by one at least as long. */
    { "````md\n```\ninner\n```\n````\n", "```\ninner\n```", "md" },
    /* ~~~ closes only ~~~, and may hold backticks in its info string. */
    { "~~~ js `x`\na\n```\n~~~\n", "a\n```", "js" },
    /* A fence with text after it does not close. */
    { "```\na\n``` not a close\nb\n```\n", "a\n``` not a close\nb", NULL },
    /* Indented up to three spaces is still a fence. */
    { "   ```rust\nfn main() {}\n   ```\n", "fn main() {}", "rust" },
    /* Blank lines, headings and list markers inside are code. */
    { "```\n\n\n# no\n- no\n> no\n\n```\n", "\n\n# no\n- no\n> no\n", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CfaiMarkdownBlocks) md = cfai_markdown_blocks_new ();
      CfaiMarkdownNode *node;
      GPtrArray *finished;

      cfai_markdown_blocks_append (md, cases[i].text, -1);
      /* Closed by its fence, without waiting for the end. */
      g_assert_cmpuint (cfai_markdown_blocks_get_n_finished (md), ==, 1);
      g_assert_cmpuint (cfai_markdown_blocks_get_open (md)->len, ==, 0);
      finished = cfai_markdown_blocks_get_finished (md, 0);
      g_assert_cmpuint (finished->len, ==, 1);
      node = node_at (finished, 0);
      g_assert_cmpint (node->kind, ==, CFAI_MARKDOWN_NODE_CODE);
      g_assert_cmpstr (node->text, ==, cases[i].code);
      g_assert_cmpstr (node->language, ==, cases[i].language);
    }
}

/* An open fence shows its code so far, and a blank line does not end it. */
static void
test_open_fence (void)
{
  g_autoptr(CfaiMarkdownBlocks) md = cfai_markdown_blocks_new ();
  CfaiMarkdownNode *node;

  /* Nor does an opening fence, as a paragraph. */
  cfai_markdown_blocks_append (md, "``", -1);
  g_assert_cmpuint (cfai_markdown_blocks_get_open (md)->len, ==, 0);
  cfai_markdown_blocks_append (md, "`pyt", -1);
  g_assert_cmpuint (cfai_markdown_blocks_get_open (md)->len, ==, 0);
  cfai_markdown_blocks_append (md, "hon\nimport os\n\n", -1);
  g_assert_cmpuint (cfai_markdown_blocks_get_n_finished (md), ==, 0);
  node = node_at (cfai_markdown_blocks_get_open (md), 0);
  g_assert_cmpint (node->kind, ==, CFAI_MARKDOWN_NODE_CODE);
  g_assert_cmpstr (node->language, ==, "python");

  cfai_markdown_blocks_append (md, "print(os.getcwd())", -1);
  g_assert_cmpuint (cfai_markdown_blocks_get_n_finished (md), ==, 0);
  node = node_at (cfai_markdown_blocks_get_open (md), 0);
  g_assert_cmpstr (node->text, ==, "import os\n\nprint(os.getcwd())");

  cfai_markdown_blocks_append (md, "\n``", -1);
  g_assert_cmpuint (cfai_markdown_blocks_get_n_finished (md), ==, 0);
  /* The closing fence being typed does not flash up as a line of code. */
  node = node_at (cfai_markdown_blocks_get_open (md), 0);
  g_assert_cmpstr (node->text, ==, "import os\n\nprint(os.getcwd())");
  cfai_markdown_blocks_append (md, "`\n", -1);
  g_assert_cmpuint (cfai_markdown_blocks_get_n_finished (md), ==, 1);
}

static void
test_lists (void)
{
  g_autoptr(CfaiMarkdownBlocks) md = cfai_markdown_blocks_new ();
  CfaiMarkdownNode *list;

  /* Loose items across blank lines stay one list. */
  cfai_markdown_blocks_append (md, "- a\n\n- b\n  - b1\n\n    b1 goes on\n\n", -1);
  g_assert_cmpuint (cfai_markdown_blocks_get_n_finished (md), ==, 0);
  cfai_markdown_blocks_append (md, "* other marker\n", -1);
  g_assert_cmpuint (cfai_markdown_blocks_get_n_finished (md), ==, 0);
  /* Text at the margin after a blank line ends it. */
  cfai_markdown_blocks_append (md, "\nAfter the list\n", -1);
  g_assert_cmpuint (cfai_markdown_blocks_get_n_finished (md), ==, 1);

  list = node_at (cfai_markdown_blocks_get_finished (md, 0), 0);
  g_assert_cmpint (list->kind, ==, CFAI_MARKDOWN_NODE_LIST);
  g_assert_cmpuint (list->children->len, ==, 2);
  list = node_at (node_at (list->children, 1)->children, 1);
  g_assert_cmpint (list->kind, ==, CFAI_MARKDOWN_NODE_LIST);
  g_assert_cmpstr (node_at (node_at (list->children, 0)->children, 1)->text, ==, "b1 goes on");
  /* A different marker is a list of its own, in the same chunk. */
  g_assert_cmpuint (cfai_markdown_blocks_get_finished (md, 0)->len, ==, 2);

  /* A heading right after an item ends the list at once. */
  cfai_markdown_blocks_reset (md);
  cfai_markdown_blocks_append (md, "1. x\n2. y\n## Next\n", -1);
  g_assert_cmpuint (cfai_markdown_blocks_get_n_finished (md), ==, 2);
  g_assert_cmpint (node_at (cfai_markdown_blocks_get_finished (md, 1), 0)->kind, ==, CFAI_MARKDOWN_NODE_HEADING);
}

/* Text from a model never becomes markup. */
static void
test_escaping (void)
{
  g_autoptr(GPtrArray) nodes =
    cfai_markdown_parse ("<span foreground=\"red\">red</span> & </b> "
                         "[x](https://e.com/\"><b>y) `<i>` *<u>*\n", -1);
  CfaiMarkdownNode *node = node_at (nodes, 0);

  g_assert_cmpstr (node->text, ==, "<span foreground=\"red\">red</span> & </b> x <i> <u>");
  g_assert_null (strstr (node->markup, "<span foreground"));
  g_assert_null (strstr (node->markup, "</b>"));
  g_assert_nonnull (strstr (node->markup, "&lt;span foreground=&quot;red&quot;&gt;red&lt;/span&gt; &amp; &lt;/b&gt;"));
  g_assert_nonnull (strstr (node->markup, "<i>&lt;u&gt;</i>"));
}

int
main (int   argc,
      char *argv[])
{
  cfai_test_isolate_home ("cfai-test-markdown-blocks");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/markdown-blocks/whole-document", test_whole_document);
  g_test_add_func ("/markdown-blocks/split-everywhere", test_split_everywhere);
  g_test_add_func ("/markdown-blocks/byte-by-byte", test_byte_by_byte);
  g_test_add_func ("/markdown-blocks/table-row-by-row", test_table_row_by_row);
  g_test_add_func ("/markdown-blocks/fences", test_fences);
  g_test_add_func ("/markdown-blocks/open-fence", test_open_fence);
  g_test_add_func ("/markdown-blocks/lists", test_lists);
  g_test_add_func ("/markdown-blocks/escaping", test_escaping);

  return g_test_run ();
}
