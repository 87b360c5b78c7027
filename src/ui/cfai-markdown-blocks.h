/* cfai-markdown-blocks.h — Markdown that arrives in pieces, split into blocks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  CFAI_MARKDOWN_NODE_PARAGRAPH,
  CFAI_MARKDOWN_NODE_HEADING,
  CFAI_MARKDOWN_NODE_CODE,
  CFAI_MARKDOWN_NODE_LIST,
  CFAI_MARKDOWN_NODE_ITEM,
  CFAI_MARKDOWN_NODE_QUOTE,
  CFAI_MARKDOWN_NODE_TABLE,
  CFAI_MARKDOWN_NODE_TABLE_ROW,
  CFAI_MARKDOWN_NODE_TABLE_CELL,
  CFAI_MARKDOWN_NODE_RULE,
} CfaiMarkdownNodeKind;

typedef enum
{
  CFAI_MARKDOWN_ALIGN_DEFAULT,
  CFAI_MARKDOWN_ALIGN_LEFT,
  CFAI_MARKDOWN_ALIGN_CENTER,
  CFAI_MARKDOWN_ALIGN_RIGHT,
} CfaiMarkdownAlign;

typedef enum
{
  CFAI_MARKDOWN_TASK_NONE,
  CFAI_MARKDOWN_TASK_OPEN,
  CFAI_MARKDOWN_TASK_DONE,
} CfaiMarkdownTask;

typedef struct _CfaiMarkdownNode CfaiMarkdownNode;

/**
 * CfaiMarkdownNode:
 * @kind: what the node is
 * @level: a heading's level, 1 to 6
 * @ordered: whether a list is numbered
 * @start: the first number of a numbered list
 * @task: whether a list item is a task, and done
 * @header: whether a table row is the header row
 * @align: a table cell's alignment
 * @markup: (nullable): Pango markup of a paragraph, heading or table
 *   cell, with every piece of the source text escaped
 * @text: (nullable): the same as plain text; for a code block its code
 * @language: (nullable): a code block's language, the first word of its
 *   info string, or %NULL
 * @children: (element-type CfaiMarkdownNode): nested nodes
 *
 * One rendered block, immutable once made, so finished blocks can be
 * shared with whoever shows them without copying.
 */
struct _CfaiMarkdownNode
{
  CfaiMarkdownNodeKind  kind;
  guint                 level;
  gboolean              ordered;
  guint                 start;
  CfaiMarkdownTask      task;
  gboolean              header;
  CfaiMarkdownAlign     align;
  char                 *markup;
  char                 *text;
  char                 *language;
  GPtrArray            *children;
};

#define CFAI_TYPE_MARKDOWN_NODE (cfai_markdown_node_get_type ())

GType             cfai_markdown_node_get_type  (void) G_GNUC_CONST;
CfaiMarkdownNode *cfai_markdown_node_ref       (CfaiMarkdownNode *node);
void              cfai_markdown_node_unref     (CfaiMarkdownNode *node);
gboolean          cfai_markdown_node_equal     (const CfaiMarkdownNode *a,
                                                const CfaiMarkdownNode *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfaiMarkdownNode, cfai_markdown_node_unref)

GPtrArray        *cfai_markdown_parse          (const char *text,
                                                gssize      length);

#define CFAI_TYPE_MARKDOWN_BLOCKS (cfai_markdown_blocks_get_type ())

G_DECLARE_FINAL_TYPE (CfaiMarkdownBlocks, cfai_markdown_blocks, CFAI, MARKDOWN_BLOCKS, GObject)

CfaiMarkdownBlocks *cfai_markdown_blocks_new               (void);
void                cfai_markdown_blocks_append            (CfaiMarkdownBlocks *self,
                                                            const char         *delta,
                                                            gssize              length);
void                cfai_markdown_blocks_finish            (CfaiMarkdownBlocks *self);
void                cfai_markdown_blocks_reset             (CfaiMarkdownBlocks *self);
const char         *cfai_markdown_blocks_get_text          (CfaiMarkdownBlocks *self);
gsize               cfai_markdown_blocks_get_length        (CfaiMarkdownBlocks *self);
guint               cfai_markdown_blocks_get_n_finished    (CfaiMarkdownBlocks *self);
GPtrArray          *cfai_markdown_blocks_get_finished      (CfaiMarkdownBlocks *self,
                                                            guint               index);
void                cfai_markdown_blocks_get_finished_range (CfaiMarkdownBlocks *self,
                                                            guint               index,
                                                            gsize              *start,
                                                            gsize              *end);
GPtrArray          *cfai_markdown_blocks_get_open          (CfaiMarkdownBlocks *self);
guint               cfai_markdown_blocks_get_n_parses      (CfaiMarkdownBlocks *self);

G_END_DECLS
