/* cfai-image-run.c
 *
 * The request body (JSON or multipart, per model) comes from
 * CfaiImageRequest, the decoding (base64 JSON or raw bytes, checked to be an
 * image) from cfai_image_response_decode(); this connects the two over the
 * client as a CfaiRun, so retries, error mapping, cancelling and the
 * recording of model results are the same as for chat.  The request is
 * read when the run starts, so a queue can hold runs of one request that
 * the user goes on editing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-image-response.h"
#include "cfai-image-run.h"
#include "cfai-run-private.h"

struct _CfaiImageRun
{
  CfaiRun              parent_instance;

  CfaiImageRequest    *request;
  CfaiImageRequest    *sent;
  CfaiImageModelRules *rules;

  GBytes              *image;
  char                *mime_type;
  gint64               seed;
};

G_DEFINE_FINAL_TYPE (CfaiImageRun, cfai_image_run, CFAI_TYPE_RUN)

enum {
  PROP_0,
  PROP_REQUEST,
  PROP_RULES,
  PROP_IMAGE,
  PROP_MIME_TYPE,
  PROP_SEED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cfai_image_run_finalize (GObject *object)
{
  CfaiImageRun *self = CFAI_IMAGE_RUN (object);

  g_clear_object (&self->request);
  g_clear_object (&self->sent);
  g_clear_pointer (&self->rules, cfai_image_model_rules_unref);
  g_clear_pointer (&self->image, g_bytes_unref);
  g_clear_pointer (&self->mime_type, g_free);

  G_OBJECT_CLASS (cfai_image_run_parent_class)->finalize (object);
}

static void
cfai_image_run_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CfaiImageRun *self = CFAI_IMAGE_RUN (object);

  switch (prop_id)
    {
    case PROP_REQUEST:
      g_value_set_object (value, self->request);
      break;
    case PROP_RULES:
      g_value_set_boxed (value, self->rules);
      break;
    case PROP_IMAGE:
      g_value_set_boxed (value, self->image);
      break;
    case PROP_MIME_TYPE:
      g_value_set_string (value, self->mime_type);
      break;
    case PROP_SEED:
      g_value_set_int64 (value, self->seed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_image_run_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CfaiImageRun *self = CFAI_IMAGE_RUN (object);

  switch (prop_id)
    {
    case PROP_REQUEST:
      self->request = g_value_dup_object (value);
      break;
    case PROP_RULES:
      self->rules = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
on_posted (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CfaiImageRun *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  CfaiResponseInfo *info;

  body = _cfai_run_send_finish (CFAI_RUN (self), result, &error);
  info = _cfai_run_get_info (CFAI_RUN (self));
  if (body == NULL ||
      !cfai_image_response_decode (info->http_status, info->content_type, body, NULL,
                                   &self->image, &self->mime_type, &error))
    {
      _cfai_run_return (task, g_steal_pointer (&error));
      return;
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIME_TYPE]);
  _cfai_run_return (task, NULL);
}

static void
cfai_image_run_start (CfaiRun *run,
                      GTask   *task_in)
{
  CfaiImageRun *self = CFAI_IMAGE_RUN (run);
  g_autoptr(GTask) task = task_in;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(CfaiImageRequest) sent = cfai_image_request_copy (self->request);
  g_autoptr(CfaiImageModelRules) builtin = NULL;
  g_autofree char *content_type = NULL;
  CfaiImageModelRules *rules = self->rules;

  if (rules == NULL)
    rules = builtin = cfai_image_model_rules_lookup (cfai_image_request_get_model (sent));

  /* Workers AI does not say which seed it chose, so a picture made
   * without one could never be made again: pick it here, for every run
   * of a request without a seed (a queue of four gets four seeds). */
  if (cfai_image_request_get_seed (sent) < 0 && rules != NULL)
    cfai_image_request_pick_seed (sent, rules);

  if (!cfai_image_request_build (sent, self->rules, &content_type, &body, &error))
    {
      _cfai_run_return (task, g_steal_pointer (&error));
      return;
    }

  /* What was sent, not what the request holds by the time it ends. */
  g_set_object (&self->sent, sent);
  self->seed = cfai_image_request_get_seed (sent);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEED]);
  _cfai_run_send_async (run, FALSE, content_type, body, NULL, g_steal_pointer (&task), on_posted);
}

static void
cfai_image_run_class_init (CfaiImageRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CfaiRunClass *run_class = CFAI_RUN_CLASS (klass);

  object_class->finalize = cfai_image_run_finalize;
  object_class->get_property = cfai_image_run_get_property;
  object_class->set_property = cfai_image_run_set_property;
  run_class->start = cfai_image_run_start;

  properties[PROP_REQUEST] =
    g_param_spec_object ("request", NULL, NULL, CFAI_TYPE_IMAGE_REQUEST,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * CfaiImageRun:rules:
   *
   * Rules read from the model's schema (cfai_image_model_rules_fetch_async()),
   * or %NULL for the built-in rules of a known model.
   */
  properties[PROP_RULES] =
    g_param_spec_boxed ("rules", NULL, NULL, CFAI_TYPE_IMAGE_MODEL_RULES,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * CfaiImageRun:image:
   *
   * The image's bytes, checked to be an image, once the run is done.
   */
  properties[PROP_IMAGE] =
    g_param_spec_boxed ("image", NULL, NULL, G_TYPE_BYTES,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MIME_TYPE] =
    g_param_spec_string ("mime-type", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * CfaiImageRun:seed:
   *
   * The seed sent: the request's when the run started, or one picked at
   * random within the model's range when the request had none (-1), so
   * every picture can be made again.  -1 only for a model that takes no
   * seed (FLUX.1 [schnell]).
   */
  properties[PROP_SEED] =
    g_param_spec_int64 ("seed", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfai_image_run_init (CfaiImageRun *self)
{
  self->seed = -1;
}

/**
 * cfai_image_run_new:
 * @rules: (nullable): rules read from the model's schema, or %NULL for
 *   the built-in rules of a known model
 *
 * Returns: (transfer full): a run of @request, to start with
 *   cfai_run_execute_async()
 */
CfaiImageRun *
cfai_image_run_new (CfaiClient          *client,
                    CfaiImageRequest    *request,
                    CfaiImageModelRules *rules)
{
  g_return_val_if_fail (CFAI_IS_CLIENT (client), NULL);
  g_return_val_if_fail (CFAI_IS_IMAGE_REQUEST (request), NULL);

  return g_object_new (CFAI_TYPE_IMAGE_RUN,
                       "client", client,
                       "model-id", cfai_image_request_get_model (request),
                       "request", request,
                       "rules", rules,
                       NULL);
}

CfaiImageRequest *
cfai_image_run_get_request (CfaiImageRun *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RUN (self), NULL);
  return self->request;
}

/**
 * cfai_image_run_get_sent_request:
 *
 * What the gallery saves with the picture: a copy of the request taken
 * when the run started, with the seed that was sent (#CfaiImageRun:seed).
 *
 * Returns: (transfer none) (nullable): the request as sent, %NULL before
 *   the run started or when it could not be built
 */
CfaiImageRequest *
cfai_image_run_get_sent_request (CfaiImageRun *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RUN (self), NULL);
  return self->sent;
}

/**
 * cfai_image_run_get_image:
 *
 * Returns: (transfer none) (nullable): the image, once the run is done
 */
GBytes *
cfai_image_run_get_image (CfaiImageRun *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RUN (self), NULL);
  return self->image;
}

const char *
cfai_image_run_get_mime_type (CfaiImageRun *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RUN (self), NULL);
  return self->mime_type;
}

gint64
cfai_image_run_get_seed (CfaiImageRun *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RUN (self), -1);
  return self->seed;
}
