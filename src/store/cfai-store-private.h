/* cfai-store-private.h — how the store's objects and its worker talk
 *
 * Rows are plain copies of an object's fields: the main thread takes one
 * (a snapshot) and hands it to the worker thread, which never touches the
 * live objects.  Loading goes the other way: the worker builds new objects
 * that nobody else sees until the main thread receives them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-chat-request.h"
#include "cfai-chat-store.h"
#include "cfai-database.h"
#include "cfai-store-worker.h"

G_BEGIN_DECLS

typedef struct
{
  gint64     id;
  char      *title;
  gboolean   title_is_custom;
  char      *model;
  char      *system_prompt;
  gint64     max_tokens;          /* 0: not set */
  double     temperature;         /* CFAI_UNSET: not set */
  double     top_p;
  gint64     seed;
  char      *reasoning_effort;
  char      *lora;
  char      *session_key;
  gboolean   pinned;
  gint64     created_at;
  gint64     updated_at;
  gint64     deleted_at;          /* 0: live */
  char      *draft;               /* NULL or "": no draft */
  gint64     draft_updated_at;
  guint      n_messages;          /* loading only */
} CfaiConversationRow;

typedef struct
{
  gint64            id;
  gint64            conversation_id;
  gint64            parent_id;     /* 0: none */
  CfaiChatRole      role;
  char             *content;
  char             *reasoning;
  char             *model;
  char             *params;
  CfaiMessageState  state;
  char             *finish_reason;
  gint64            prompt_tokens;
  gint64            completion_tokens;
  gint64            cached_tokens;
  double            neurons;
  char             *gateway_cache_status;
  gint64            ttft_ms;
  gint64            total_ms;
  double            tokens_per_second;
  char             *error_domain;
  int               error_code;
  char             *error_message;
  gint64            created_at;
  gint64            updated_at;
  GPtrArray        *attachments;   /* CfaiAttachment: saving, the new ones; loading, all */
} CfaiMessageRow;

/* One transaction's worth of changes. */
typedef struct
{
  GPtrArray *conversations;        /* CfaiConversationRow */
  GPtrArray *messages;             /* CfaiMessageRow */
  GArray    *deleted_messages;     /* gint64 */
  GArray    *purged_conversations; /* gint64 */
} CfaiStoreWrite;

void                 cfai_conversation_row_free  (CfaiConversationRow *row);
void                 cfai_message_row_free       (CfaiMessageRow      *row);
CfaiStoreWrite      *cfai_store_write_new        (void);
void                 cfai_store_write_free       (CfaiStoreWrite      *write);
gboolean             cfai_store_write_is_empty   (CfaiStoreWrite      *write);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfaiConversationRow, cfai_conversation_row_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfaiMessageRow, cfai_message_row_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfaiStoreWrite, cfai_store_write_free)

/* cfai-store-sql.c: worker thread only */
gboolean   cfai_store_sql_recover     (CfaiDatabase   *db,
                                       guint          *n_interrupted,
                                       GError        **error);
GPtrArray *cfai_store_sql_load_conversations (CfaiDatabase *db,
                                       gint64         *max_conversation_id,
                                       gint64         *max_message_id,
                                       GError        **error);
GPtrArray *cfai_store_sql_load_messages (CfaiDatabase *db,
                                       gint64          conversation_id,
                                       gint64          before_id,
                                       int             limit,
                                       GError        **error);
gboolean   cfai_store_sql_write       (CfaiDatabase   *db,
                                       CfaiStoreWrite *write,
                                       GError        **error);

/* cfai-message.c */
CfaiMessage         *cfai_message_new_from_row          (CfaiMessageRow   *row);
CfaiMessageRow      *cfai_message_snapshot              (CfaiMessage      *self);
guint64              cfai_message_get_generation        (CfaiMessage      *self);
void                 cfai_message_mark_saved            (CfaiMessage      *self,
                                                         guint64           generation,
                                                         guint             n_attachments);
gboolean             cfai_message_is_dirty              (CfaiMessage      *self);
void                 cfai_message_set_conversation      (CfaiMessage      *self,
                                                         CfaiConversation *conversation);
void                 cfai_message_set_parent_id         (CfaiMessage      *self,
                                                         gint64            parent_id);
CfaiMessage         *cfai_message_new                   (gint64            id,
                                                         gint64            conversation_id,
                                                         gint64            parent_id,
                                                         CfaiChatRole      role,
                                                         const char       *content,
                                                         CfaiMessageState  state);

/* cfai-conversation.c */
CfaiConversation    *cfai_conversation_new_from_row     (CfaiChatStore    *store,
                                                         CfaiConversationRow *row);
CfaiConversationRow *cfai_conversation_snapshot         (CfaiConversation *self);
guint64              cfai_conversation_get_generation   (CfaiConversation *self);
void                 cfai_conversation_mark_saved       (CfaiConversation *self,
                                                         guint64           generation);
gboolean             cfai_conversation_is_dirty         (CfaiConversation *self);
void                 cfai_conversation_message_changed  (CfaiConversation *self,
                                                         CfaiMessage      *message,
                                                         gboolean          urgent);
void                 cfai_conversation_detach           (CfaiConversation *self);
void                 cfai_conversation_mark_new         (CfaiConversation *self);
void                 cfai_conversation_set_deleted_at   (CfaiConversation *self,
                                                         gint64            deleted_at);
gint64               cfai_conversation_get_deleted_at   (CfaiConversation *self);

/* cfai-chat-store.c */
void                 cfai_chat_store_changed            (CfaiChatStore    *self,
                                                         GObject          *object,
                                                         gboolean          urgent);
void                 cfai_chat_store_message_deleted    (CfaiChatStore    *self,
                                                         CfaiMessage      *message);
gint64               cfai_chat_store_next_message_id    (CfaiChatStore    *self);
void                 cfai_chat_store_conversation_moved (CfaiChatStore    *self,
                                                         CfaiConversation *conversation);
void                 cfai_chat_store_load_messages      (CfaiChatStore    *self,
                                                         CfaiConversation *conversation,
                                                         gint64            before_id,
                                                         int               limit,
                                                         GCancellable     *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer          user_data);
GPtrArray           *cfai_chat_store_load_messages_finish (GAsyncResult   *result,
                                                         GError          **error);

CfaiStoreWorker     *cfai_chat_store_get_worker         (CfaiChatStore    *self);

/* For tests: runs @sql on the worker's connection and waits for it. */
gboolean             cfai_chat_store_exec_for_testing   (CfaiChatStore    *self,
                                                         const char       *sql,
                                                         GError          **error);

G_END_DECLS
