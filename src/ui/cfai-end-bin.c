/* cfai-end-bin.c — a child at the end of the line, as wide as its content
 *
 * A user's message hugs its text at the end of the chat's column.  With
 * halign "end" (or in a horizontal GtkBox) GTK asks the bubble for its
 * width at its height, and a wrapping GtkLabel answers that with a
 * binary search over widths that lays out the whole text a dozen times:
 * most of what scrolling a long chat cost.  This bin asks only for the
 * natural width at any height (one layout) and gives the child that,
 * or all there is when the line is narrower.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-end-bin.h"

struct _CfaiEndBin
{
  GtkWidget  parent_instance;

  GtkWidget *child;
};

G_DEFINE_FINAL_TYPE (CfaiEndBin, cfai_end_bin, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CHILD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The width the child gets on a line @width wide. */
static int
child_width (CfaiEndBin *self,
             int         width)
{
  int minimum, natural;

  gtk_widget_measure (self->child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  if (width < 0)
    return natural;
  return MAX (minimum, MIN (natural, width));
}

static GtkSizeRequestMode
cfai_end_bin_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
cfai_end_bin_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  CfaiEndBin *self = CFAI_END_BIN (widget);

  *minimum = *natural = 0;
  if (self->child == NULL || !gtk_widget_should_layout (self->child))
    return;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    /* Whatever the height: the width for a height is what is slow. */
    gtk_widget_measure (self->child, orientation, -1, minimum, natural, NULL, NULL);
  else
    gtk_widget_measure (self->child, orientation, child_width (self, for_size),
                        minimum, natural, NULL, NULL);
}

static void
cfai_end_bin_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  CfaiEndBin *self = CFAI_END_BIN (widget);
  int w, x;

  if (self->child == NULL || !gtk_widget_should_layout (self->child))
    return;

  w = child_width (self, width);
  x = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL ? 0 : width - w;
  gtk_widget_allocate (self->child, w, height, -1,
                       gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (x, 0)));
}

static void
cfai_end_bin_dispose (GObject *object)
{
  CfaiEndBin *self = CFAI_END_BIN (object);

  g_clear_pointer (&self->child, gtk_widget_unparent);

  G_OBJECT_CLASS (cfai_end_bin_parent_class)->dispose (object);
}

static void
cfai_end_bin_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CfaiEndBin *self = CFAI_END_BIN (object);

  switch (prop_id)
    {
    case PROP_CHILD:
      g_value_set_object (value, self->child);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_end_bin_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  CfaiEndBin *self = CFAI_END_BIN (object);

  switch (prop_id)
    {
    case PROP_CHILD:
      cfai_end_bin_set_child (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_end_bin_class_init (CfaiEndBinClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_end_bin_dispose;
  object_class->get_property = cfai_end_bin_get_property;
  object_class->set_property = cfai_end_bin_set_property;

  widget_class->get_request_mode = cfai_end_bin_get_request_mode;
  widget_class->measure = cfai_end_bin_measure;
  widget_class->size_allocate = cfai_end_bin_size_allocate;

  properties[PROP_CHILD] =
    g_param_spec_object ("child", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
}

static void
cfai_end_bin_init (CfaiEndBin *self)
{
}

GtkWidget *
cfai_end_bin_new (void)
{
  return g_object_new (CFAI_TYPE_END_BIN, NULL);
}

GtkWidget *
cfai_end_bin_get_child (CfaiEndBin *self)
{
  g_return_val_if_fail (CFAI_IS_END_BIN (self), NULL);

  return self->child;
}

void
cfai_end_bin_set_child (CfaiEndBin *self,
                        GtkWidget  *child)
{
  g_return_if_fail (CFAI_IS_END_BIN (self));
  g_return_if_fail (child == NULL || GTK_IS_WIDGET (child));

  if (self->child == child)
    return;

  g_clear_pointer (&self->child, gtk_widget_unparent);
  if (child != NULL)
    {
      self->child = child;
      gtk_widget_set_parent (child, GTK_WIDGET (self));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHILD]);
}
