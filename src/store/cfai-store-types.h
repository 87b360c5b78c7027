/* cfai-store-types.h — forward declarations and enums shared by the chat store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _CfaiChatStore    CfaiChatStore;
typedef struct _CfaiConversation CfaiConversation;
typedef struct _CfaiMessage      CfaiMessage;
typedef struct _CfaiAttachment   CfaiAttachment;

/* Where an answer is in its life.  STREAMING is only ever seen in memory
 * and in the file while the app runs: an answer found streaming at start-up
 * was cut by a crash and becomes INTERRUPTED, with its text. */
typedef enum
{
  CFAI_MESSAGE_STATE_COMPLETE,
  CFAI_MESSAGE_STATE_STREAMING,
  CFAI_MESSAGE_STATE_STOPPED,      /* the user pressed Stop: text so far kept */
  CFAI_MESSAGE_STATE_INTERRUPTED,  /* the stream or the app was cut off */
  CFAI_MESSAGE_STATE_ERROR,        /* the request failed: see the message's error */
} CfaiMessageState;

#define CFAI_TYPE_MESSAGE_STATE (cfai_message_state_get_type ())
GType       cfai_message_state_get_type    (void) G_GNUC_CONST;
const char *cfai_message_state_to_string   (CfaiMessageState  state);
gboolean    cfai_message_state_from_string (const char       *name,
                                            CfaiMessageState *state);

/* "Not set" for the optional numeric settings of a conversation (seed,
 * temperature, top_p) and for unknown usage and timings. */
#define CFAI_UNSET (-1)

G_END_DECLS
