/* cfai-window.c — the main window: sidebar of chats and images, content area
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cfai-chat-page.h"
#include "cfai-chat-row.h"
#include "cfai-chat-settings.h"
#include "cfai-gallery.h"
#include "cfai-image-studio.h"
#include "cfai-model-picker.h"
#include "cfai-welcome-page.h"
#include "cfai-window.h"

struct _CfaiWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  AdwNavigationSplitView *split_view;
  AdwStatusPage        *welcome_page;
  GtkStack             *main_stack;
  CfaiWelcomePage      *onboarding_page;
  AdwBanner            *store_banner;
  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *section_stack;
  AdwViewStackPage     *chat_list_page;
  GtkListView          *chat_list;
  GtkStack             *content_stack;
  AdwNavigationPage    *content_page;
  CfaiModelPicker      *chat_model_picker;
  GtkStack             *header_title_stack;
  GtkWidget            *busy_spinner;
  AdwOverlaySplitView  *settings_split;
  CfaiChatSettings     *chat_settings;
  GtkWidget            *studio;         /* made the first time Images is shown */
  GtkWidget            *gallery;        /* made the first time it is chosen */
  GtkListBox           *images_list;
  GtkListBoxRow        *studio_row;
  GtkListBoxRow        *gallery_row;

  GtkSingleSelection   *chat_selection;
  GHashTable           *pages;          /* conversation id → CfaiChatPage */

  /* On the application whose credentials are shown; holds it weakly. */
  GSignalGroup         *application_signals;
  /* On the chat store's list of conversations. */
  GSignalGroup         *conversations_signals;
  /* On the visible chat page and its conversation. */
  GBindingGroup        *page_bindings;
  GBindingGroup        *studio_bindings;
  GBindingGroup        *conversation_bindings;
};

G_DEFINE_FINAL_TYPE (CfaiWindow, cfai_window, ADW_TYPE_APPLICATION_WINDOW)

/* Size is saved on close rather than on every change: GtkWindow's
 * default-width notifies on each frame of an interactive resize, and
 * writing dconf that often is wasteful.  The maximized state is saved
 * separately so the restored unmaximized size stays the one the user chose. */
static void
cfai_window_save_state (CfaiWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_apply (self->settings);
}

static void
cfai_window_restore_state (CfaiWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

/* Onboarding takes the whole window while the application has no
 * credentials: without them there is nothing the rest could do. */
static void
cfai_window_update_view (CfaiWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  const char *page = "main";

  if (CFAI_IS_APPLICATION (app) && !cfai_application_get_has_credentials (CFAI_APPLICATION (app)))
    page = cfai_application_get_loading_credentials (CFAI_APPLICATION (app)) ? "loading" : "onboarding";

  gtk_stack_set_visible_child_name (self->main_stack, page);
}

static void cfai_window_update_store_error (CfaiWindow *self);
static void cfai_window_attach_store       (CfaiWindow *self);

/* GtkWindow:application is an ordinary property, set after construction
 * (and cleared when the window is removed from the application). */
static void
cfai_window_notify_application (CfaiWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(GObject) shown = g_signal_group_dup_target (self->application_signals);

  if (!CFAI_IS_APPLICATION (app))
    app = NULL;
  if (shown == (GObject *) app)
    return;

  g_signal_group_set_target (self->application_signals, app);
  if (app != NULL)
    {
      cfai_welcome_page_set_application (self->onboarding_page, CFAI_APPLICATION (app));
      cfai_chat_settings_set_catalog (self->chat_settings, cfai_application_get_catalog (CFAI_APPLICATION (app)));

      /* No cross-fade into the first page the window shows. */
      gtk_stack_set_transition_type (self->main_stack, GTK_STACK_TRANSITION_TYPE_NONE);
      cfai_window_update_view (self);
      gtk_stack_set_transition_type (self->main_stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
      cfai_window_update_store_error (self);
      cfai_window_attach_store (self);
    }
}

/* The history could not be read or saved: the chats stay in memory, and
 * the message says what to do about the file. */
static void
cfai_window_update_store_error (CfaiWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  const GError *error = NULL;

  if (CFAI_IS_APPLICATION (app))
    error = cfai_application_get_chat_store_error (CFAI_APPLICATION (app));

  if (error != NULL)
    adw_banner_set_title (self->store_banner, error->message);
  adw_banner_set_revealed (self->store_banner, error != NULL);
}

static void
on_store_banner_dismissed (CfaiWindow *self)
{
  adw_banner_set_revealed (self->store_banner, FALSE);
}

/* Chats ------------------------------------------------------------------ */

static CfaiChatStore *
cfai_window_get_store (CfaiWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  return CFAI_IS_APPLICATION (app) ? cfai_application_get_chat_store (CFAI_APPLICATION (app)) : NULL;
}

/* The empty state and the list are two pages of the section stack, only
 * one of them visible: the switcher shows one "Chats" either way. */
static void
cfai_window_update_chats_empty (CfaiWindow *self)
{
  GListModel *model = gtk_single_selection_get_model (self->chat_selection);
  gboolean empty = model == NULL || g_list_model_get_n_items (model) == 0;
  const char *visible = adw_view_stack_get_visible_child_name (self->section_stack);
  gboolean on_chats = g_strcmp0 (visible, "chats") == 0 || g_strcmp0 (visible, "chat-list") == 0;
  AdwViewStackPage *empty_page = adw_view_stack_get_page (self->section_stack,
                                                          adw_view_stack_get_child_by_name (self->section_stack, "chats"));

  if (adw_view_stack_page_get_visible (self->chat_list_page) == !empty)
    return;

  adw_view_stack_page_set_visible (self->chat_list_page, !empty);
  adw_view_stack_page_set_visible (empty_page, empty);
  if (on_chats)
    adw_view_stack_set_visible_child_name (self->section_stack, empty ? "chats" : "chat-list");
}

static CfaiChatPage *
cfai_window_get_visible_page (CfaiWindow *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (self->content_stack);

  return CFAI_IS_CHAT_PAGE (child) ? CFAI_CHAT_PAGE (child) : NULL;
}

/* Empty chats ------------------------------------------------------------
 *
 * The rule, so that empty "New Chat"s do not pile up: New Chat on a blank
 * chat (cfai_conversation_is_blank(): nothing written in it yet) shows
 * that one again instead of making another, and a blank chat is dropped
 * as soon as the window shows something else — unless another window
 * shows it.  Blank chats left in the file (the app quit or crashed on
 * one) are dropped when the history is read (cfai-application.c).
 * Nothing is lost: a draft, a message, a title or a pin makes a chat
 * worth keeping. */

static guint find_position (GListModel *model,
                           gpointer    item);

static gboolean
cfai_window_is_blank (CfaiWindow       *self,
                      CfaiConversation *conversation)
{
  g_autofree char *prompt = g_settings_get_string (self->settings, "default-system-prompt");

  return cfai_conversation_is_blank (conversation, prompt);
}

static CfaiConversation *
cfai_window_get_visible_conversation (CfaiWindow *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (self->content_stack);

  return CFAI_IS_CHAT_PAGE (child) ? cfai_chat_page_get_conversation (CFAI_CHAT_PAGE (child)) : NULL;
}

static void
cfai_window_drop_if_blank (CfaiWindow       *self,
                           CfaiConversation *conversation)
{
  g_autoptr(CfaiConversation) hold = NULL;
  CfaiChatStore *store;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  gint64 id;
  GtkWidget *page;

  /* A deleted chat is not in the list: it may come back with Undo. */
  if (conversation == NULL || (store = cfai_conversation_get_store (conversation)) == NULL ||
      find_position (cfai_chat_store_get_conversations (store), conversation) == GTK_INVALID_LIST_POSITION ||
      !cfai_window_is_blank (self, conversation))
    return;
  for (GList *l = app != NULL ? gtk_application_get_windows (app) : NULL; l != NULL; l = l->next)
    if (CFAI_IS_WINDOW (l->data) &&
        cfai_window_get_visible_conversation (CFAI_WINDOW (l->data)) == conversation)
      return;

  hold = g_object_ref (conversation);
  id = cfai_conversation_get_id (conversation);
  if ((page = g_hash_table_lookup (self->pages, &id)) != NULL)
    {
      gtk_stack_remove (self->content_stack, page);
      g_hash_table_remove (self->pages, &id);
    }
  /* Nothing to undo: it held nothing. */
  cfai_chat_store_purge_conversation (store, conversation);
}

/* Settings belong to a chat: a page that shows none closes them. */
static void
cfai_window_close_chat_settings (CfaiWindow *self)
{
  adw_overlay_split_view_set_show_sidebar (self->settings_split, FALSE);
  cfai_chat_settings_set_conversation (self->chat_settings, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.chat-settings", FALSE);
}

static void
cfai_window_show_welcome (CfaiWindow *self)
{
  CfaiConversation *left = cfai_window_get_visible_conversation (self);

  g_binding_group_set_source (self->page_bindings, NULL);
  g_binding_group_set_source (self->studio_bindings, NULL);
  g_binding_group_set_source (self->conversation_bindings, NULL);
  gtk_stack_set_visible_child_name (self->content_stack, "welcome");
  gtk_stack_set_visible_child_name (self->header_title_stack, "picker");
  adw_navigation_page_set_title (self->content_page, _("Welcome"));
  gtk_window_set_title (GTK_WINDOW (self), _("CfAI"));
  gtk_widget_set_visible (self->busy_spinner, FALSE);
  cfai_window_close_chat_settings (self);
  /* Without a chat, the picker chooses the model new chats start with. */
  g_settings_bind (self->settings, "default-chat-model", self->chat_model_picker,
                   "selected-model-id", G_SETTINGS_BIND_DEFAULT);
  cfai_window_drop_if_blank (self, left);
}

static CfaiChatPage *
cfai_window_ensure_page (CfaiWindow       *self,
                         CfaiConversation *conversation)
{
  gint64 id = cfai_conversation_get_id (conversation);
  GtkWidget *page = g_hash_table_lookup (self->pages, &id);

  if (page == NULL)
    {
      page = cfai_chat_page_new (conversation);
      gtk_stack_add_child (self->content_stack, page);
      g_hash_table_insert (self->pages, g_memdup2 (&id, sizeof id), page);
    }
  return CFAI_CHAT_PAGE (page);
}

/* Pages live while their chat does, so a stream carries on when another
 * chat is shown; each page only realises the rows in view. */
static void
cfai_window_show_conversation (CfaiWindow       *self,
                               CfaiConversation *conversation)
{
  CfaiConversation *left = cfai_window_get_visible_conversation (self);
  CfaiChatPage *page = cfai_window_ensure_page (self, conversation);

  g_settings_unbind (self->chat_model_picker, "selected-model-id");
  gtk_stack_set_visible_child (self->content_stack, GTK_WIDGET (page));
  gtk_stack_set_visible_child_name (self->header_title_stack, "picker");
  g_binding_group_set_source (self->page_bindings, page);
  g_binding_group_set_source (self->studio_bindings, NULL);
  gtk_widget_set_visible (self->busy_spinner, FALSE);
  g_binding_group_set_source (self->conversation_bindings, conversation);
  cfai_chat_settings_set_conversation (self->chat_settings, conversation);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.chat-settings", TRUE);
  adw_navigation_split_view_set_show_content (self->split_view, TRUE);
  if (left != conversation)
    cfai_window_drop_if_blank (self, left);
}

/* The studio lives as long as the window, so its queue carries on while
 * chats are shown; the header names it, as it picks its model itself. */
static void
cfai_window_show_studio (CfaiWindow *self)
{
  CfaiConversation *left = cfai_window_get_visible_conversation (self);

  if (self->studio == NULL)
    {
      self->studio = cfai_image_studio_new ();
      gtk_stack_add_named (self->content_stack, self->studio, "studio");
    }

  g_settings_unbind (self->chat_model_picker, "selected-model-id");
  gtk_stack_set_visible_child (self->content_stack, self->studio);
  gtk_stack_set_visible_child_name (self->header_title_stack, "title");
  g_binding_group_set_source (self->conversation_bindings, NULL);
  g_binding_group_set_source (self->page_bindings, self->studio);
  g_binding_group_set_source (self->studio_bindings, self->studio);
  cfai_window_close_chat_settings (self);
  adw_navigation_split_view_set_show_content (self->split_view, TRUE);
  cfai_window_drop_if_blank (self, left);
}

/* Reuse Settings makes the same picture again (its seed kept); Vary
 * Seed keeps everything but the seed. */
static void
reuse_in_studio (CfaiWindow      *self,
                 CfaiImageRecord *record,
                 gboolean         keep_seed)
{
  g_autoptr(CfaiImageRequest) request = cfai_image_record_dup_request (record);
  CfaiImageStudio *studio;

  gtk_list_box_select_row (self->images_list, self->studio_row);
  cfai_window_show_studio (self);
  studio = CFAI_IMAGE_STUDIO (self->studio);
  if (request != NULL)
    cfai_image_studio_apply_request (studio, request, keep_seed);
  else
    {
      /* Settings saved by a newer version, say: the prompt still helps. */
      cfai_image_studio_set_model (studio, cfai_image_record_get_model (record));
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (cfai_image_studio_get_prompt_view (studio)),
                                cfai_image_record_get_prompt (record), -1);
    }
  cfai_image_studio_focus_prompt (studio);
}

static void
on_gallery_reuse (CfaiWindow      *self,
                  CfaiImageRecord *record)
{
  reuse_in_studio (self, record, TRUE);
}

static void
on_gallery_vary_seed (CfaiWindow      *self,
                      CfaiImageRecord *record)
{
  reuse_in_studio (self, record, FALSE);
}

static void
on_gallery_use_as_reference (CfaiWindow      *self,
                             CfaiImageRecord *record)
{
  g_autoptr(GFile) file = g_file_new_for_path (cfai_image_record_get_path (record));

  gtk_list_box_select_row (self->images_list, self->studio_row);
  cfai_window_show_studio (self);
  cfai_reference_images_add_file (cfai_image_studio_get_references (CFAI_IMAGE_STUDIO (self->studio)), file);
}

/* The gallery is a page beside the studio, not inside it: the studio
 * keeps its room for the prompt and this session's results, and the
 * gallery has the whole content area for its grid. */
static void
cfai_window_show_gallery (CfaiWindow *self)
{
  CfaiConversation *left = cfai_window_get_visible_conversation (self);

  if (self->gallery == NULL)
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

      self->gallery = cfai_gallery_new ();
      if (CFAI_IS_APPLICATION (app))
        cfai_gallery_set_store (CFAI_GALLERY (self->gallery),
                                cfai_application_get_image_store (CFAI_APPLICATION (app)));
      g_signal_connect_object (self->gallery, "reuse-settings", G_CALLBACK (on_gallery_reuse), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->gallery, "vary-seed", G_CALLBACK (on_gallery_vary_seed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->gallery, "use-as-reference", G_CALLBACK (on_gallery_use_as_reference),
                               self, G_CONNECT_SWAPPED);
      gtk_stack_add_named (self->content_stack, self->gallery, "gallery");
    }

  g_settings_unbind (self->chat_model_picker, "selected-model-id");
  gtk_stack_set_visible_child (self->content_stack, self->gallery);
  gtk_stack_set_visible_child_name (self->header_title_stack, "title");
  g_binding_group_set_source (self->conversation_bindings, NULL);
  g_binding_group_set_source (self->page_bindings, NULL);
  g_binding_group_set_source (self->studio_bindings, NULL);
  adw_navigation_page_set_title (self->content_page, _("Gallery"));
  gtk_window_set_title (GTK_WINDOW (self), _("Gallery"));
  gtk_widget_set_visible (self->busy_spinner, FALSE);
  cfai_window_close_chat_settings (self);
  adw_navigation_split_view_set_show_content (self->split_view, TRUE);
  cfai_window_drop_if_blank (self, left);
}

static void
on_images_row_activated (CfaiWindow    *self,
                         GtkListBoxRow *row)
{
  if (row == self->gallery_row)
    cfai_window_show_gallery (self);
  else
    cfai_window_show_studio (self);
}

static void
on_section_changed (CfaiWindow *self)
{
  const char *section = adw_view_stack_get_visible_child_name (self->section_stack);
  CfaiConversation *conversation;
  GtkWidget *visible;

  if (g_strcmp0 (section, "images") == 0)
    {
      if (gtk_list_box_get_selected_row (self->images_list) == self->gallery_row)
        cfai_window_show_gallery (self);
      else
        {
          gtk_list_box_select_row (self->images_list, self->studio_row);
          cfai_window_show_studio (self);
        }
      return;
    }

  visible = gtk_stack_get_visible_child (self->content_stack);
  if (visible == NULL || (visible != self->studio && visible != self->gallery))
    return;

  conversation = gtk_single_selection_get_selected_item (self->chat_selection);
  if (conversation != NULL)
    cfai_window_show_conversation (self, conversation);
  else
    cfai_window_show_welcome (self);
}

static guint
find_position (GListModel *model,
               gpointer    item)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) it = g_list_model_get_item (model, i);

      if (it == item)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
on_selected_chat_changed (CfaiWindow *self)
{
  CfaiConversation *conversation = gtk_single_selection_get_selected_item (self->chat_selection);

  /* The store re-sorts while answers stream; that must not take the
   * studio away. */
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->section_stack), "images") == 0)
    return;
  if (conversation != NULL)
    cfai_window_show_conversation (self, conversation);
}

static void
on_chat_activated (CfaiWindow *self,
                   guint       position)
{
  CfaiChatPage *page;

  gtk_single_selection_set_selected (self->chat_selection, position);
  on_selected_chat_changed (self);
  page = cfai_window_get_visible_page (self);
  if (page != NULL)
    cfai_chat_page_focus_composer (page);
}

static void
cfai_window_select (CfaiWindow       *self,
                    CfaiConversation *conversation)
{
  guint position = find_position (G_LIST_MODEL (self->chat_selection), conversation);

  if (position != GTK_INVALID_LIST_POSITION)
    {
      gtk_single_selection_set_selected (self->chat_selection, position);
      gtk_list_view_scroll_to (self->chat_list, position, GTK_LIST_SCROLL_NONE, NULL);
    }
  cfai_window_show_conversation (self, conversation);
}

/* The store keeps its list sorted, pinned first; a move is a removal and
 * an insertion, which loses the selection, so the visible chat is
 * selected again. */
static void
on_conversations_changed (CfaiWindow *self)
{
  CfaiChatPage *page = cfai_window_get_visible_page (self);

  cfai_window_update_chats_empty (self);
  if (page != NULL && gtk_single_selection_get_selected_item (self->chat_selection) !=
      (gpointer) cfai_chat_page_get_conversation (page))
    {
      guint position = find_position (G_LIST_MODEL (self->chat_selection),
                                      cfai_chat_page_get_conversation (page));

      if (position != GTK_INVALID_LIST_POSITION)
        gtk_single_selection_set_selected (self->chat_selection, position);
    }
}

static void
cfai_window_attach_store (CfaiWindow *self)
{
  CfaiChatStore *store = cfai_window_get_store (self);
  GListModel *conversations = store != NULL ? cfai_chat_store_get_conversations (store) : NULL;

  if (conversations == gtk_single_selection_get_model (self->chat_selection))
    return;
  gtk_single_selection_set_model (self->chat_selection, conversations);
  g_signal_group_set_target (self->conversations_signals, conversations);
  cfai_window_update_chats_empty (self);
}

static CfaiConversation *
cfai_window_lookup (CfaiWindow *self,
                    GVariant   *param)
{
  CfaiChatStore *store = cfai_window_get_store (self);
  CfaiChatPage *page;

  if (store == NULL)
    return NULL;
  if (param != NULL)
    return cfai_chat_store_lookup_conversation (store, g_variant_get_int64 (param));
  page = cfai_window_get_visible_page (self);
  return page != NULL ? cfai_chat_page_get_conversation (page) : NULL;
}

static void
new_chat_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  CfaiWindow *self = CFAI_WINDOW (widget);
  CfaiChatStore *store = cfai_window_get_store (self);
  g_autofree char *model = g_settings_get_string (self->settings, "default-chat-model");
  g_autofree char *prompt = g_settings_get_string (self->settings, "default-system-prompt");
  CfaiConversationDefaults defaults = {
    .model = *model ? model : NULL,
    .system_prompt = *prompt ? prompt : NULL,
    .max_tokens = g_settings_get_int (self->settings, "default-max-tokens"),
    .temperature = g_settings_get_double (self->settings, "default-temperature"),
    .top_p = CFAI_UNSET,
    .seed = CFAI_UNSET,
  };
  CfaiConversation *conversation = cfai_window_get_visible_conversation (self);

  if (store == NULL)
    return;

  /* The chat shown is still blank: it is the new chat (see above). */
  if (conversation == NULL || !cfai_window_is_blank (self, conversation))
    conversation = cfai_chat_store_create_conversation (store, &defaults);
  adw_view_stack_set_visible_child_name (self->section_stack, "chat-list");
  cfai_window_select (self, conversation);
  cfai_chat_page_focus_composer (cfai_window_get_visible_page (self));
}

typedef struct
{
  CfaiWindow       *window;
  CfaiConversation *conversation;
  gboolean          undone;
} Deletion;

static void
deletion_free (Deletion *deletion)
{
  g_object_unref (deletion->window);
  g_object_unref (deletion->conversation);
  g_free (deletion);
}

static void
on_delete_undone (AdwToast *toast,
                  Deletion *deletion)
{
  CfaiChatStore *store = cfai_conversation_get_store (deletion->conversation);

  deletion->undone = TRUE;
  if (store != NULL)
    cfai_chat_store_undo_delete_conversation (store, deletion->conversation);
}

/* Gone for good once the toast is: the undo had its chance. */
static void
on_delete_toast_dismissed (AdwToast *toast,
                           Deletion *deletion)
{
  CfaiChatStore *store = cfai_conversation_get_store (deletion->conversation);

  if (!deletion->undone && store != NULL)
    cfai_chat_store_purge_conversation (store, deletion->conversation);
}

static void
delete_chat_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *param)
{
  CfaiWindow *self = CFAI_WINDOW (widget);
  CfaiConversation *conversation = cfai_window_lookup (self, param);
  CfaiChatStore *store = cfai_window_get_store (self);
  CfaiChatPage *visible = cfai_window_get_visible_page (self);
  g_autofree char *title = NULL;
  Deletion *deletion;
  AdwToast *toast;
  GtkWidget *page;
  gint64 id;

  if (conversation == NULL || store == NULL)
    return;

  deletion = g_new0 (Deletion, 1);
  deletion->window = g_object_ref (self);
  deletion->conversation = g_object_ref (conversation);
  title = g_strdup (cfai_conversation_get_display_title (conversation));
  /* First, so that leaving it does not drop it for good: it can come back. */
  cfai_chat_store_delete_conversation (store, conversation);

  id = cfai_conversation_get_id (conversation);
  page = g_hash_table_lookup (self->pages, &id);
  if (visible != NULL && GTK_WIDGET (visible) == page)
    cfai_window_show_welcome (self);
  if (page != NULL)
    {
      /* Its answer, if one is streaming, stops with it. */
      gtk_stack_remove (self->content_stack, page);
      g_hash_table_remove (self->pages, &id);
    }

  /* Translators: %s is a chat's title */
  toast = adw_toast_new_format (_("“%s” deleted"), title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect (toast, "button-clicked", G_CALLBACK (on_delete_undone), deletion);
  g_signal_connect_data (toast, "dismissed", G_CALLBACK (on_delete_toast_dismissed), deletion,
                         (GClosureNotify) (void (*) (void)) deletion_free, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
toggle_pin_chat_action (GtkWidget  *widget,
                        const char *name,
                        GVariant   *param)
{
  CfaiConversation *conversation = cfai_window_lookup (CFAI_WINDOW (widget), param);

  if (conversation != NULL)
    cfai_conversation_set_pinned (conversation, !cfai_conversation_get_pinned (conversation));
}

static void
on_rename_response (AdwAlertDialog   *dialog,
                    const char       *response,
                    CfaiConversation *conversation)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  g_autofree char *title = NULL;

  if (!g_str_equal (response, "rename"))
    return;
  title = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  if (*title != '\0')
    cfai_conversation_rename (conversation, title);
}

static void
rename_chat_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *param)
{
  CfaiWindow *self = CFAI_WINDOW (widget);
  CfaiConversation *conversation = cfai_window_lookup (self, param);
  AdwDialog *dialog;
  GtkWidget *entry;

  if (conversation == NULL)
    return;

  dialog = adw_alert_dialog_new (_("Rename Chat"), NULL);
  adw_alert_dialog_add_responses (ADW_ALERT_DIALOG (dialog),
                                  "cancel", _("_Cancel"),
                                  "rename", _("_Rename"),
                                  NULL);
  adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), "rename",
                                            ADW_RESPONSE_SUGGESTED);
  adw_alert_dialog_set_default_response (ADW_ALERT_DIALOG (dialog), "rename");
  adw_alert_dialog_set_close_response (ADW_ALERT_DIALOG (dialog), "cancel");

  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), cfai_conversation_get_display_title (conversation));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Chat Title"), -1);
  adw_alert_dialog_set_extra_child (ADW_ALERT_DIALOG (dialog), entry);
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_rename_response),
                         g_object_ref (conversation), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  adw_dialog_present (dialog, GTK_WIDGET (self));
  gtk_widget_grab_focus (entry);
}

static void
choose_model_action (GtkWidget  *widget,
                     const char *name,
                     GVariant   *param)
{
  cfai_model_picker_popup (CFAI_WINDOW (widget)->chat_model_picker);
}

/* Shows or hides the visible chat's settings; the keyboard goes with them. */
static void
chat_settings_action (GtkWidget  *widget,
                      const char *name,
                      GVariant   *param)
{
  CfaiWindow *self = CFAI_WINDOW (widget);
  gboolean show = !adw_overlay_split_view_get_show_sidebar (self->settings_split);
  CfaiChatPage *page = cfai_window_get_visible_page (self);

  if (page == NULL)
    return;
  adw_overlay_split_view_set_show_sidebar (self->settings_split, show);
  if (show)
    cfai_chat_settings_focus (self->chat_settings);
  else
    cfai_chat_page_focus_composer (page);
}

static gboolean
title_to_window_title (GBinding     *binding,
                       const GValue *from,
                       GValue       *to,
                       gpointer      user_data)
{
  const char *title = g_value_get_string (from);

  /* Translators: the window title, %s is the chat's */
  g_value_take_string (to, g_strdup_printf (_("%s — CfAI"), title != NULL ? title : ""));
  return TRUE;
}

static gboolean
cfai_window_close_request (GtkWindow *window)
{
  cfai_window_save_state (CFAI_WINDOW (window));

  return GTK_WINDOW_CLASS (cfai_window_parent_class)->close_request (window);
}

static void
cfai_window_dispose (GObject *object)
{
  CfaiWindow *self = CFAI_WINDOW (object);

  if (self->application_signals != NULL)
    g_signal_group_set_target (self->application_signals, NULL);
  g_clear_object (&self->application_signals);
  if (self->conversations_signals != NULL)
    g_signal_group_set_target (self->conversations_signals, NULL);
  g_clear_object (&self->conversations_signals);
  if (self->page_bindings != NULL)
    g_binding_group_set_source (self->page_bindings, NULL);
  g_clear_object (&self->page_bindings);
  if (self->studio_bindings != NULL)
    g_binding_group_set_source (self->studio_bindings, NULL);
  g_clear_object (&self->studio_bindings);
  if (self->conversation_bindings != NULL)
    g_binding_group_set_source (self->conversation_bindings, NULL);
  g_clear_object (&self->conversation_bindings);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_object (&self->chat_selection);
  self->studio = NULL;
  self->gallery = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (object), CFAI_TYPE_WINDOW);

  G_OBJECT_CLASS (cfai_window_parent_class)->dispose (object);
}

static void
cfai_window_finalize (GObject *object)
{
  CfaiWindow *self = CFAI_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cfai_window_parent_class)->finalize (object);
}

static void
cfai_window_class_init (CfaiWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = cfai_window_dispose;
  object_class->finalize = cfai_window_finalize;
  window_class->close_request = cfai_window_close_request;

  g_type_ensure (CFAI_TYPE_CHAT_PAGE);
  g_type_ensure (CFAI_TYPE_CHAT_ROW);
  g_type_ensure (CFAI_TYPE_CHAT_SETTINGS);
  g_type_ensure (CFAI_TYPE_CONVERSATION);
  g_type_ensure (CFAI_TYPE_IMAGE_STUDIO);
  g_type_ensure (CFAI_TYPE_MODEL_PICKER);
  g_type_ensure (CFAI_TYPE_WELCOME_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/cfai-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, split_view);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, section_stack);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, onboarding_page);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, store_banner);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, chat_list_page);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, chat_list);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, content_page);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, chat_model_picker);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, header_title_stack);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, settings_split);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, chat_settings);
  gtk_widget_class_bind_template_callback (widget_class, on_chat_activated);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, images_list);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, studio_row);
  gtk_widget_class_bind_template_child (widget_class, CfaiWindow, gallery_row);
  gtk_widget_class_bind_template_callback (widget_class, on_images_row_activated);

  gtk_widget_class_install_action (widget_class, "win.new-chat", NULL, new_chat_action);
  gtk_widget_class_install_action (widget_class, "win.rename-chat", "x", rename_chat_action);
  gtk_widget_class_install_action (widget_class, "win.delete-chat", "x", delete_chat_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-pin-chat", "x", toggle_pin_chat_action);
  gtk_widget_class_install_action (widget_class, "win.rename-current-chat", NULL, rename_chat_action);
  gtk_widget_class_install_action (widget_class, "win.delete-current-chat", NULL, delete_chat_action);
  gtk_widget_class_install_action (widget_class, "win.choose-model", NULL, choose_model_action);
  gtk_widget_class_install_action (widget_class, "win.chat-settings", NULL, chat_settings_action);
  cfai_application_add_shortcut_bindings (widget_class, "win.");
  gtk_widget_class_bind_template_callback (widget_class, on_store_banner_dismissed);
  /* Not used by the code, but reachable with gtk_widget_get_template_child()
   * so tests can check what the user sees. */
  gtk_widget_class_bind_template_child_full (widget_class, "chats_empty", FALSE, 0);

}

static void
cfai_window_init (CfaiWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (BASE_APPLICATION_ID);
  self->pages = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->chat_selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->chat_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->chat_selection, TRUE);
  gtk_list_view_set_model (self->chat_list, GTK_SELECTION_MODEL (self->chat_selection));
  g_signal_connect_swapped (self->chat_selection, "notify::selected-item",
                            G_CALLBACK (on_selected_chat_changed), self);

  self->conversations_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->conversations_signals, "items-changed",
                                  G_CALLBACK (on_conversations_changed), self);

  /* The header shows the visible page: its title, and its
   * conversation's model in the picker; for the studio, whether it is
   * busy (its jobs may be scrolled away).  A chat shows that in the
   * answer's own row and in Stop, with nothing animated: see
   * cfai-message-row.c. */
  self->page_bindings = g_binding_group_new ();
  g_binding_group_bind (self->page_bindings, "title", self->content_page, "title",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind_full (self->page_bindings, "title", self, "title",
                             G_BINDING_SYNC_CREATE, title_to_window_title, NULL, NULL, NULL);
  self->studio_bindings = g_binding_group_new ();
  g_binding_group_bind (self->studio_bindings, "busy", self->busy_spinner, "visible",
                        G_BINDING_SYNC_CREATE);
  self->conversation_bindings = g_binding_group_new ();
  g_binding_group_bind (self->conversation_bindings, "model", self->chat_model_picker,
                        "selected-model-id", G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  cfai_window_show_welcome (self);
  g_signal_connect_object (self->section_stack, "notify::visible-child-name",
                           G_CALLBACK (on_section_changed), self, G_CONNECT_SWAPPED);
  self->application_signals = g_signal_group_new (CFAI_TYPE_APPLICATION);
  g_signal_group_connect_swapped (self->application_signals, "notify::has-credentials",
                                  G_CALLBACK (cfai_window_update_view), self);
  g_signal_group_connect_swapped (self->application_signals, "notify::loading-credentials",
                                  G_CALLBACK (cfai_window_update_view), self);
  g_signal_group_connect_swapped (self->application_signals, "notify::chat-store-error",
                                  G_CALLBACK (cfai_window_update_store_error), self);
  g_signal_connect (self, "notify::application",
                    G_CALLBACK (cfai_window_notify_application), NULL);

  /* The icon name depends on the build profile, so it is set here rather
   * than in the template. */
  adw_status_page_set_icon_name (self->welcome_page, APPLICATION_ID);

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  cfai_window_restore_state (self);
}

CfaiWindow *
cfai_window_new (CfaiApplication *application)
{
  g_return_val_if_fail (CFAI_IS_APPLICATION (application), NULL);

  return g_object_new (CFAI_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
