/* cfai-run-private.h — what CfaiChatStream and CfaiImageRun use of CfaiRun
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-run.h"

G_BEGIN_DECLS

gint64            _cfai_run_get_started_at  (CfaiRun             *self);
CfaiResponseInfo *_cfai_run_get_info        (CfaiRun             *self);
void              _cfai_run_send_async      (CfaiRun             *self,
                                             gboolean             stream,
                                             const char          *content_type,
                                             GBytes              *body,
                                             const char          *session_affinity,
                                             GTask               *task,
                                             GAsyncReadyCallback  callback);
gpointer          _cfai_run_send_finish     (CfaiRun             *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void              _cfai_run_return          (GTask               *task,
                                             GError              *error);

G_END_DECLS
