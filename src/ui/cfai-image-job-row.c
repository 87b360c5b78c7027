/* cfai-image-job-row.c — one image of the queue: its state, picture and seed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-error-fix.h"
#include "cfai-image-job-row.h"

struct _CfaiImageJobRow
{
  GtkWidget     parent_instance;

  CfaiImageJob *job;

  GtkPicture   *picture;
  GtkWidget    *spinner;
  GtkWidget    *cancel_button;
  GtkLabel     *state_label;
  GtkButton    *action_button;
  GtkLabel     *seed_label;
};

G_DEFINE_FINAL_TYPE (CfaiImageJobRow, cfai_image_job_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_JOB,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The one thing that fixes a failure, as a button under its message;
 * @fix is NULL when nothing failed. */
static void
update_action (CfaiImageJobRow    *self,
               const CfaiErrorFix *fix)
{
  const char *label = fix != NULL ? fix->button_label : NULL;
  const char *action = fix != NULL ? fix->action : NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->action_button), label != NULL);
  if (label == NULL)
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->action_button), NULL);
      return;
    }
  gtk_button_set_label (self->action_button, label);
  /* Try Again names its job; the others act on the studio.  The target
   * goes first, so the name never meets a target of the wrong type. */
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->action_button), NULL);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->action_button),
                                          g_str_equal (action, "studio.retry")
                                          ? g_variant_new_uint64 (cfai_image_job_get_id (self->job))
                                          : NULL);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->action_button), action);
}

static void
update (CfaiImageJobRow *self)
{
  CfaiImageJobState state = cfai_image_job_get_state (self->job);
  gint64 seed = cfai_image_job_get_seed (self->job);
  g_autofree char *seed_text = NULL;
  g_auto(CfaiErrorFix) fix = { NULL };
  const char *text = NULL;

  switch (state)
    {
    case CFAI_IMAGE_JOB_QUEUED:
      text = _("Waiting for its turn");
      break;
    case CFAI_IMAGE_JOB_RUNNING:
      text = _("Generating…");
      break;
    case CFAI_IMAGE_JOB_DONE:
      text = NULL;
      break;
    case CFAI_IMAGE_JOB_FAILED:
      cfai_error_fix_init (&fix, cfai_image_job_get_error (self->job), NULL, CFAI_ERROR_FIX_STUDIO);
      text = fix.text;
      break;
    case CFAI_IMAGE_JOB_CANCELLED:
      text = _("Cancelled");
      break;
    default:
      g_assert_not_reached ();
    }

  gtk_label_set_text (self->state_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->state_label), text != NULL);
  if (state == CFAI_IMAGE_JOB_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "error");

  update_action (self, state == CFAI_IMAGE_JOB_FAILED ? &fix : NULL);
  gtk_widget_set_visible (self->spinner, state == CFAI_IMAGE_JOB_RUNNING);
  gtk_widget_set_visible (self->cancel_button, !cfai_image_job_is_finished (self->job));
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (cfai_image_job_get_texture (self->job)));

  if (seed >= 0)
    /* Translators: the seed a picture was made with */
    seed_text = g_strdup_printf (_("Seed %" G_GINT64_FORMAT), seed);
  gtk_label_set_text (self->seed_label, seed_text != NULL ? seed_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->seed_label), seed_text != NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  cfai_image_request_get_prompt (cfai_image_job_get_request (self->job)),
                                  -1);
}

static void
on_cancel_clicked (CfaiImageJobRow *self)
{
  cfai_image_job_cancel (self->job);
}

static void
cfai_image_job_row_constructed (GObject *object)
{
  CfaiImageJobRow *self = CFAI_IMAGE_JOB_ROW (object);

  G_OBJECT_CLASS (cfai_image_job_row_parent_class)->constructed (object);

  g_assert (self->job != NULL);
  g_signal_connect_object (self->job, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

static void
cfai_image_job_row_dispose (GObject *object)
{
  CfaiImageJobRow *self = CFAI_IMAGE_JOB_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_IMAGE_JOB_ROW);
  g_clear_object (&self->job);

  G_OBJECT_CLASS (cfai_image_job_row_parent_class)->dispose (object);
}

static void
cfai_image_job_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CfaiImageJobRow *self = CFAI_IMAGE_JOB_ROW (object);

  switch (prop_id)
    {
    case PROP_JOB:
      g_value_set_object (value, self->job);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_image_job_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CfaiImageJobRow *self = CFAI_IMAGE_JOB_ROW (object);

  switch (prop_id)
    {
    case PROP_JOB:
      self->job = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_image_job_row_class_init (CfaiImageJobRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cfai_image_job_row_constructed;
  object_class->dispose = cfai_image_job_row_dispose;
  object_class->get_property = cfai_image_job_row_get_property;
  object_class->set_property = cfai_image_job_row_set_property;

  properties[PROP_JOB] =
    g_param_spec_object ("job", NULL, NULL, CFAI_TYPE_IMAGE_JOB,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-image-job-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiImageJobRow, picture);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageJobRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageJobRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageJobRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageJobRow, action_button);
  gtk_widget_class_bind_template_child (widget_class, CfaiImageJobRow, seed_label);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  /* Bound so that dispose_template() unparents it. */
  gtk_widget_class_bind_template_child_full (widget_class, "content", FALSE, 0);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cfai_image_job_row_init (CfaiImageJobRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
cfai_image_job_row_new (CfaiImageJob *job)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_JOB (job), NULL);

  return g_object_new (CFAI_TYPE_IMAGE_JOB_ROW, "job", job, NULL);
}

CfaiImageJob *
cfai_image_job_row_get_job (CfaiImageJobRow *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_JOB_ROW (self), NULL);
  return self->job;
}
