/* cfai-chat-row.c — one conversation in the sidebar
 *
 * Title, model and age come from the conversation through expressions in
 * the template; the row's menu acts on its own conversation by handing
 * the conversation's id to the window's actions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-application.h"
#include "cfai-chat-row.h"
#include "cfai-format.h"

struct _CfaiChatRow
{
  GtkWidget         parent_instance;

  CfaiConversation *conversation;
  GtkWidget        *menu_button;
};

G_DEFINE_FINAL_TYPE (CfaiChatRow, cfai_chat_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONVERSATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static CfaiModelCatalog *
find_catalog (CfaiChatRow *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;

  return CFAI_IS_APPLICATION (app) ? cfai_application_get_catalog (CFAI_APPLICATION (app)) : NULL;
}

static char *
format_subtitle (CfaiChatRow *self,
                 const char  *model,
                 gint64       updated_at)
{
  g_autofree char *name = cfai_format_model_name (find_catalog (self), model);
  g_autofree char *age = cfai_format_age (updated_at, g_get_real_time ());

  if (*age == '\0')
    return g_steal_pointer (&name);
  /* Translators: how long ago a chat was used, and its model */
  return g_strdup_printf (_("%s · %s"), age, name);
}

static void
forward_action (CfaiChatRow *self,
                const char  *action)
{
  if (self->conversation == NULL)
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), action, "x",
                              cfai_conversation_get_id (self->conversation));
}

static void
row_rename (GtkWidget  *widget,
            const char *name,
            GVariant   *param)
{
  forward_action (CFAI_CHAT_ROW (widget), "win.rename-chat");
}

static void
row_delete (GtkWidget  *widget,
            const char *name,
            GVariant   *param)
{
  forward_action (CFAI_CHAT_ROW (widget), "win.delete-chat");
}

static void
row_pin (GtkWidget  *widget,
         const char *name,
         GVariant   *param)
{
  forward_action (CFAI_CHAT_ROW (widget), "win.toggle-pin-chat");
}

static void
cfai_chat_row_dispose (GObject *object)
{
  CfaiChatRow *self = CFAI_CHAT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_CHAT_ROW);
  {
    GtkWidget *child;

    /* The template's top box is not bound, so it is unparented here. */
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->conversation);

  G_OBJECT_CLASS (cfai_chat_row_parent_class)->dispose (object);
}

static void
cfai_chat_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CfaiChatRow *self = CFAI_CHAT_ROW (object);

  switch (prop_id)
    {
    case PROP_CONVERSATION:
      g_value_set_object (value, self->conversation);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_chat_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CfaiChatRow *self = CFAI_CHAT_ROW (object);

  switch (prop_id)
    {
    case PROP_CONVERSATION:
      cfai_chat_row_set_conversation (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_chat_row_class_init (CfaiChatRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfai_chat_row_dispose;
  object_class->get_property = cfai_chat_row_get_property;
  object_class->set_property = cfai_chat_row_set_property;

  properties[PROP_CONVERSATION] =
    g_param_spec_object ("conversation", NULL, NULL, CFAI_TYPE_CONVERSATION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-chat-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiChatRow, menu_button);
  gtk_widget_class_bind_template_callback (widget_class, format_subtitle);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "cfai-chat-row");

  gtk_widget_class_install_action (widget_class, "chat-row.rename", NULL, row_rename);
  gtk_widget_class_install_action (widget_class, "chat-row.delete", NULL, row_delete);
  gtk_widget_class_install_action (widget_class, "chat-row.toggle-pin", NULL, row_pin);
}

static void
cfai_chat_row_init (CfaiChatRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CfaiConversation *
cfai_chat_row_get_conversation (CfaiChatRow *self)
{
  g_return_val_if_fail (CFAI_IS_CHAT_ROW (self), NULL);
  return self->conversation;
}

void
cfai_chat_row_set_conversation (CfaiChatRow      *self,
                                CfaiConversation *conversation)
{
  g_return_if_fail (CFAI_IS_CHAT_ROW (self));

  if (g_set_object (&self->conversation, conversation))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION]);
}
