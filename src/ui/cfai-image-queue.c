/* cfai-image-queue.c — the studio's images, run a few at a time
 *
 * A GListModel of CfaiImageJob, newest first, as the studio shows them.
 * Jobs wait their turn in the order they were added; at most
 * max-running are sent at once (two by default: Workers AI answers
 * several requests of one account in parallel, and more would only
 * queue on its side, where they can no longer be cancelled cheaply).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-image-queue.h"

#define DEFAULT_MAX_RUNNING 2

struct _CfaiImageQueue
{
  GObject    parent_instance;

  GPtrArray *jobs;        /* newest first */
  guint      max_running;
  guint      n_running;
  guint      n_pending;   /* queued or running */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CfaiImageQueue, cfai_image_queue, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_MAX_RUNNING,
  PROP_N_RUNNING,
  PROP_N_PENDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
cfai_image_queue_get_item_type (GListModel *model)
{
  return CFAI_TYPE_IMAGE_JOB;
}

static guint
cfai_image_queue_get_n_items (GListModel *model)
{
  return CFAI_IMAGE_QUEUE (model)->jobs->len;
}

static gpointer
cfai_image_queue_get_item (GListModel *model,
                           guint       position)
{
  CfaiImageQueue *self = CFAI_IMAGE_QUEUE (model);

  if (position >= self->jobs->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->jobs, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = cfai_image_queue_get_item_type;
  iface->get_n_items = cfai_image_queue_get_n_items;
  iface->get_item = cfai_image_queue_get_item;
}

static void
count (CfaiImageQueue *self)
{
  guint running = 0;
  guint pending = 0;

  for (guint i = 0; i < self->jobs->len; i++)
    {
      CfaiImageJobState state = cfai_image_job_get_state (g_ptr_array_index (self->jobs, i));

      running += state == CFAI_IMAGE_JOB_RUNNING;
      pending += state == CFAI_IMAGE_JOB_RUNNING || state == CFAI_IMAGE_JOB_QUEUED;
    }

  if (self->n_running != running)
    {
      self->n_running = running;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RUNNING]);
    }
  if (self->n_pending != pending)
    {
      self->n_pending = pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
    }
}

/* Starts the oldest queued jobs while there is room. */
static void
schedule (CfaiImageQueue *self)
{
  count (self);

  for (guint i = self->jobs->len; i > 0 && self->n_running < self->max_running; i--)
    {
      CfaiImageJob *job = g_ptr_array_index (self->jobs, i - 1);

      if (cfai_image_job_get_state (job) != CFAI_IMAGE_JOB_QUEUED)
        continue;
      /* Starting notifies the state, and on_job_state() counts it. */
      cfai_image_job_start (job);
    }

  count (self);
}

static void
on_job_state (CfaiImageQueue *self)
{
  schedule (self);
}

/**
 * cfai_image_queue_add:
 * @job: a queued job
 *
 * Adds @job at the top of the list; it runs when its turn comes.
 */
void
cfai_image_queue_add (CfaiImageQueue *self,
                      CfaiImageJob   *job)
{
  g_return_if_fail (CFAI_IS_IMAGE_QUEUE (self));
  g_return_if_fail (CFAI_IS_IMAGE_JOB (job));

  g_ptr_array_insert (self->jobs, 0, g_object_ref (job));
  g_signal_connect_object (job, "notify::state", G_CALLBACK (on_job_state), self, G_CONNECT_SWAPPED);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, 1);
  schedule (self);
}

void
cfai_image_queue_cancel_all (CfaiImageQueue *self)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (CFAI_IS_IMAGE_QUEUE (self));

  /* Queued ones first, or cancelling a running one would start them. */
  for (guint i = 0; i < self->jobs->len; i++)
    g_ptr_array_add (jobs, g_object_ref (g_ptr_array_index (self->jobs, i)));
  for (guint i = 0; i < jobs->len; i++)
    if (cfai_image_job_get_state (g_ptr_array_index (jobs, i)) == CFAI_IMAGE_JOB_QUEUED)
      cfai_image_job_cancel (g_ptr_array_index (jobs, i));
  for (guint i = 0; i < jobs->len; i++)
    cfai_image_job_cancel (g_ptr_array_index (jobs, i));
}

static void
cfai_image_queue_dispose (GObject *object)
{
  CfaiImageQueue *self = CFAI_IMAGE_QUEUE (object);

  if (self->jobs != NULL)
    {
      for (guint i = 0; i < self->jobs->len; i++)
        g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->jobs, i), self);
      for (guint i = 0; i < self->jobs->len; i++)
        cfai_image_job_cancel (g_ptr_array_index (self->jobs, i));
    }
  g_clear_pointer (&self->jobs, g_ptr_array_unref);

  G_OBJECT_CLASS (cfai_image_queue_parent_class)->dispose (object);
}

static void
cfai_image_queue_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CfaiImageQueue *self = CFAI_IMAGE_QUEUE (object);

  switch (prop_id)
    {
    case PROP_MAX_RUNNING:
      g_value_set_uint (value, self->max_running);
      break;
    case PROP_N_RUNNING:
      g_value_set_uint (value, self->n_running);
      break;
    case PROP_N_PENDING:
      g_value_set_uint (value, self->n_pending);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_image_queue_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CfaiImageQueue *self = CFAI_IMAGE_QUEUE (object);

  switch (prop_id)
    {
    case PROP_MAX_RUNNING:
      cfai_image_queue_set_max_running (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_image_queue_class_init (CfaiImageQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cfai_image_queue_dispose;
  object_class->get_property = cfai_image_queue_get_property;
  object_class->set_property = cfai_image_queue_set_property;

  properties[PROP_MAX_RUNNING] =
    g_param_spec_uint ("max-running", NULL, NULL, 1, 8, DEFAULT_MAX_RUNNING,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_RUNNING] =
    g_param_spec_uint ("n-running", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * CfaiImageQueue:n-pending:
   *
   * Jobs queued or running: the studio is busy while this is not 0.
   */
  properties[PROP_N_PENDING] =
    g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfai_image_queue_init (CfaiImageQueue *self)
{
  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  self->max_running = DEFAULT_MAX_RUNNING;
}

CfaiImageQueue *
cfai_image_queue_new (void)
{
  return g_object_new (CFAI_TYPE_IMAGE_QUEUE, NULL);
}

guint
cfai_image_queue_get_max_running (CfaiImageQueue *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_QUEUE (self), 0);
  return self->max_running;
}

void
cfai_image_queue_set_max_running (CfaiImageQueue *self,
                                  guint           max_running)
{
  g_return_if_fail (CFAI_IS_IMAGE_QUEUE (self));
  g_return_if_fail (max_running > 0);

  if (self->max_running == max_running)
    return;

  self->max_running = max_running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_RUNNING]);
  schedule (self);
}

guint
cfai_image_queue_get_n_running (CfaiImageQueue *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_QUEUE (self), 0);
  return self->n_running;
}

guint
cfai_image_queue_get_n_pending (CfaiImageQueue *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_QUEUE (self), 0);
  return self->n_pending;
}
