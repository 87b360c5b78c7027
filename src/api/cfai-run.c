/* cfai-run.c
 *
 * A run is one request to a model and its answer, as an object a view can
 * bind: its state, error and timings are properties that notify.  Chat
 * answers (CfaiChatStream) and images (CfaiImageRun) are runs, so a page
 * or a queue handles them alike: start with cfai_run_execute_async(),
 * stop with cfai_run_cancel() or the caller's cancellable, and watch
 * CfaiRun:state.  Whatever the server said about the model (accepted, or
 * refused for the account's plan) is recorded by the client's send path,
 * not here: no run, and no other caller, can forget it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-run-private.h"

typedef struct
{
  CfaiClient         *client;
  char               *model_id;
  CfaiGatewayOptions *gateway;

  CfaiRunState        state;
  GError             *error;
  gint64              started_at;
  gint64              duration;

  /* Cancelling the caller's cancellable cancels this one; cfai_run_cancel()
   * cancels only this one, so one run of a queue can stop alone. */
  GCancellable       *cancellable;
  GCancellable       *caller_cancellable;
  gulong              caller_cancelled_id;

  gboolean            stream;
  CfaiResponseInfo   *info;
} CfaiRunPrivate;

G_DEFINE_ENUM_TYPE (CfaiRunState, cfai_run_state,
                    G_DEFINE_ENUM_VALUE (CFAI_RUN_STATE_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (CFAI_RUN_STATE_RUNNING, "running"),
                    G_DEFINE_ENUM_VALUE (CFAI_RUN_STATE_DONE, "done"),
                    G_DEFINE_ENUM_VALUE (CFAI_RUN_STATE_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (CFAI_RUN_STATE_CANCELLED, "cancelled"))

G_DEFINE_TYPE_WITH_PRIVATE (CfaiRun, cfai_run, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_MODEL_ID,
  PROP_STATE,
  PROP_ERROR,
  PROP_DURATION,
  PROP_GATEWAY_CACHE_STATUS,
  PROP_GATEWAY_LOG_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cfai_run_dispose (GObject *object)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (CFAI_RUN (object));

  g_clear_object (&priv->client);
  g_clear_object (&priv->cancellable);

  G_OBJECT_CLASS (cfai_run_parent_class)->dispose (object);
}

static void
cfai_run_finalize (GObject *object)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (CFAI_RUN (object));

  g_clear_pointer (&priv->model_id, g_free);
  g_clear_pointer (&priv->gateway, cfai_gateway_options_free);
  g_clear_error (&priv->error);
  g_clear_pointer (&priv->info, cfai_response_info_free);

  G_OBJECT_CLASS (cfai_run_parent_class)->finalize (object);
}

static void
cfai_run_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  CfaiRun *self = CFAI_RUN (object);
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, priv->client);
      break;
    case PROP_MODEL_ID:
      g_value_set_string (value, priv->model_id);
      break;
    case PROP_STATE:
      g_value_set_enum (value, priv->state);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, priv->error);
      break;
    case PROP_DURATION:
      g_value_set_int64 (value, priv->duration);
      break;
    case PROP_GATEWAY_CACHE_STATUS:
      g_value_set_string (value, cfai_run_get_gateway_cache_status (self));
      break;
    case PROP_GATEWAY_LOG_ID:
      g_value_set_string (value, cfai_run_get_gateway_log_id (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_run_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (CFAI_RUN (object));

  switch (prop_id)
    {
    case PROP_CLIENT:
      priv->client = g_value_dup_object (value);
      break;
    case PROP_MODEL_ID:
      priv->model_id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_run_class_init (CfaiRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cfai_run_dispose;
  object_class->finalize = cfai_run_finalize;
  object_class->get_property = cfai_run_get_property;
  object_class->set_property = cfai_run_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, CFAI_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODEL_ID] =
    g_param_spec_string ("model-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * CfaiRun:state:
   *
   * Where the run is.  It changes last, after the properties it
   * concludes (#CfaiRun:error, #CfaiRun:duration and the subclass's
   * results), so a view that redraws on it sees them all.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, CFAI_TYPE_RUN_STATE, CFAI_RUN_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * CfaiRun:error:
   *
   * Why the run failed or that it was cancelled; %NULL otherwise.
   */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * CfaiRun:duration:
   *
   * Microseconds from start to end, or -1 until the run has ended.
   */
  properties[PROP_DURATION] =
    g_param_spec_int64 ("duration", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_GATEWAY_CACHE_STATUS] =
    g_param_spec_string ("gateway-cache-status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_GATEWAY_LOG_ID] =
    g_param_spec_string ("gateway-log-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfai_run_init (CfaiRun *self)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);

  priv->duration = -1;
}

CfaiClient *
cfai_run_get_client (CfaiRun *self)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);

  g_return_val_if_fail (CFAI_IS_RUN (self), NULL);
  return priv->client;
}

const char *
cfai_run_get_model_id (CfaiRun *self)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);

  g_return_val_if_fail (CFAI_IS_RUN (self), NULL);
  return priv->model_id;
}

CfaiRunState
cfai_run_get_state (CfaiRun *self)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);

  g_return_val_if_fail (CFAI_IS_RUN (self), CFAI_RUN_STATE_IDLE);
  return priv->state;
}

const GError *
cfai_run_get_error (CfaiRun *self)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);

  g_return_val_if_fail (CFAI_IS_RUN (self), NULL);
  return priv->error;
}

gint64
cfai_run_get_duration (CfaiRun *self)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);

  g_return_val_if_fail (CFAI_IS_RUN (self), -1);
  return priv->duration;
}

const char *
cfai_run_get_gateway_cache_status (CfaiRun *self)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);

  g_return_val_if_fail (CFAI_IS_RUN (self), NULL);
  return priv->info != NULL ? priv->info->gateway_cache_status : NULL;
}

const char *
cfai_run_get_gateway_log_id (CfaiRun *self)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);

  g_return_val_if_fail (CFAI_IS_RUN (self), NULL);
  return priv->info != NULL ? priv->info->gateway_log_id : NULL;
}

/**
 * cfai_run_set_gateway_options:
 * @options: (nullable): cache controls for this run; used only when the
 *   client routes through an AI Gateway
 */
void
cfai_run_set_gateway_options (CfaiRun                  *self,
                              const CfaiGatewayOptions *options)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);

  g_return_if_fail (CFAI_IS_RUN (self));

  g_clear_pointer (&priv->gateway, cfai_gateway_options_free);
  priv->gateway = cfai_gateway_options_copy (options);
}

static void
set_state (CfaiRun      *self,
           CfaiRunState  state)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);

  if (priv->state == state)
    return;
  priv->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
on_caller_cancelled (GCancellable *caller,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

/**
 * cfai_run_execute_async:
 * @cancellable: (nullable): cancels this run, as cfai_run_cancel() does
 *
 * Sends the request and reads the answer to its end.  Cancelling stops
 * the network transfer at once; what arrived so far stays readable.  A
 * run executes once.
 */
void
cfai_run_execute_async (CfaiRun             *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CFAI_IS_RUN (self));
  g_return_if_fail (priv->state == CFAI_RUN_STATE_IDLE);

  /* A cancel before the start still runs nothing. */
  if (priv->cancellable == NULL)
    priv->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      priv->caller_cancellable = g_object_ref (cancellable);
      priv->caller_cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                         g_object_ref (priv->cancellable),
                                                         g_object_unref);
    }

  task = g_task_new (self, priv->cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_run_execute_async);
  /* The result says what happened, as CfaiRun:state does, even when a
   * cancel comes after the end and before the callback. */
  g_task_set_check_cancellable (task, FALSE);
  priv->started_at = g_get_monotonic_time ();
  set_state (self, CFAI_RUN_STATE_RUNNING);
  CFAI_RUN_GET_CLASS (self)->start (self, g_steal_pointer (&task));
}

gboolean
cfai_run_execute_finish (CfaiRun       *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_run_execute_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * cfai_run_cancel:
 *
 * Stops this run (a queue's others go on).  Before the start, the run
 * will end as cancelled as soon as it starts.
 */
void
cfai_run_cancel (CfaiRun *self)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);

  g_return_if_fail (CFAI_IS_RUN (self));

  if (priv->cancellable == NULL)
    priv->cancellable = g_cancellable_new ();
  g_cancellable_cancel (priv->cancellable);
}

gint64
_cfai_run_get_started_at (CfaiRun *self)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);

  return priv->started_at;
}

CfaiResponseInfo *
_cfai_run_get_info (CfaiRun *self)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);

  return priv->info;
}

/* @task: (transfer full); handed to @callback, or ended here when no
 * request can be made (invalid model ID, no credentials). */
void
_cfai_run_send_async (CfaiRun             *self,
                      gboolean             stream,
                      const char          *content_type,
                      GBytes              *body,
                      const char          *session_affinity,
                      GTask               *task,
                      GAsyncReadyCallback  callback)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  CfaiGatewayOptions options = { 0 };

  url = cfai_client_build_run_url (priv->client, priv->model_id, &error);
  if (url == NULL)
    {
      _cfai_run_return (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  /* The conversation's prompt-cache key rides with the per-request
   * options; zeroed gateway fields add no headers. */
  if (priv->gateway != NULL)
    options = *priv->gateway;
  options.session_affinity = session_affinity;
  priv->stream = stream;
  if (stream)
    cfai_client_send_stream_async (priv->client, SOUP_METHOD_POST, url, content_type, body,
                                   &options, g_task_get_cancellable (task), callback, task);
  else
    cfai_client_send_async (priv->client, SOUP_METHOD_POST, url, content_type, body,
                            &options, g_task_get_cancellable (task), callback, task);
}

/* Returns: (transfer full): the answer's GInputStream or GBytes, as
 * _cfai_run_send_async() was asked for; the response info is kept. */
gpointer
_cfai_run_send_finish (CfaiRun       *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);
  gpointer answer;

  /* A model known to be retired never gets here: the run URL refuses it. */
  if (priv->stream)
    answer = cfai_client_send_stream_finish (priv->client, result, &priv->info, error);
  else
    answer = cfai_client_send_finish (priv->client, result, &priv->info, error);

  if (answer == NULL)
    return NULL;

  if (priv->info->gateway_cache_status != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GATEWAY_CACHE_STATUS]);
  if (priv->info->gateway_log_id != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GATEWAY_LOG_ID]);
  return answer;
}

/* Ends the run: @error (transfer full, nullable) decides the state, which
 * is notified after everything it concludes.  Does not unref @task. */
void
_cfai_run_return (GTask  *task,
                  GError *error)
{
  CfaiRun *self = g_task_get_source_object (task);
  CfaiRunPrivate *priv = cfai_run_get_instance_private (self);
  CfaiRunState state;

  if (priv->caller_cancellable != NULL)
    {
      g_cancellable_disconnect (priv->caller_cancellable, priv->caller_cancelled_id);
      priv->caller_cancelled_id = 0;
      g_clear_object (&priv->caller_cancellable);
    }

  if (error == NULL)
    state = CFAI_RUN_STATE_DONE;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    state = CFAI_RUN_STATE_CANCELLED;
  else
    state = CFAI_RUN_STATE_FAILED;

  g_object_freeze_notify (G_OBJECT (self));
  if (error != NULL)
    {
      priv->error = g_error_copy (error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  priv->duration = g_get_monotonic_time () - priv->started_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
  g_object_thaw_notify (G_OBJECT (self));
  /* Apart from the freeze: a view must see the results before the state
   * that says they are final. */
  set_state (self, state);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}
