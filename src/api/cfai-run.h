/* cfai-run.h — one run of a model: what chat answers and images share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-client.h"

G_BEGIN_DECLS

typedef enum
{
  CFAI_RUN_STATE_IDLE,       /* made, not started */
  CFAI_RUN_STATE_RUNNING,    /* sent, or reading the answer */
  CFAI_RUN_STATE_DONE,       /* the whole answer arrived */
  CFAI_RUN_STATE_FAILED,     /* CfaiRun:error says why */
  CFAI_RUN_STATE_CANCELLED,  /* stopped by cfai_run_cancel() or the caller's cancellable */
} CfaiRunState;

#define CFAI_TYPE_RUN_STATE (cfai_run_state_get_type ())
#define CFAI_TYPE_RUN       (cfai_run_get_type ())

GType cfai_run_state_get_type (void) G_GNUC_CONST;

G_DECLARE_DERIVABLE_TYPE (CfaiRun, cfai_run, CFAI, RUN, GObject)

struct _CfaiRunClass
{
  GObjectClass parent_class;

  /* Sends the request (with _cfai_run_send_async()) and ends with
   * _cfai_run_return(); @task is the run's, transfer full. */
  void (*start) (CfaiRun *self,
                 GTask   *task);
};

CfaiClient   *cfai_run_get_client                (CfaiRun                  *self);
const char   *cfai_run_get_model_id              (CfaiRun                  *self);
CfaiRunState  cfai_run_get_state                 (CfaiRun                  *self);
const GError *cfai_run_get_error                 (CfaiRun                  *self);
gint64        cfai_run_get_duration              (CfaiRun                  *self);
const char   *cfai_run_get_gateway_cache_status  (CfaiRun                  *self);
const char   *cfai_run_get_gateway_log_id        (CfaiRun                  *self);
void          cfai_run_set_gateway_options       (CfaiRun                  *self,
                                                  const CfaiGatewayOptions *options);

void          cfai_run_execute_async             (CfaiRun                  *self,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data);
gboolean      cfai_run_execute_finish            (CfaiRun                  *self,
                                                  GAsyncResult             *result,
                                                  GError                  **error);
void          cfai_run_cancel                    (CfaiRun                  *self);

G_END_DECLS
