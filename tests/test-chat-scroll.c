/* test-chat-scroll.c — following the stream in a long chat, and jumping back
 *
 * A chat of a few hundred messages of very different heights, so that
 * GtkListView estimates the rows it has not laid out (see design.md):
 * opened, it shows its newest message; while an answer streams (the
 * fake server's "slow" scenario, 50 ms an event, echoing a long
 * question) and the user is at the bottom, the view follows; scrolled
 * up through the adjustment, as a wheel or scrollbar does, it stays
 * where the user put it and shows Jump to Bottom; that button, pressed
 * with a real key, brings the view back to the end and following goes
 * on until the answer is complete.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cfai-application.h"
#include "cfai-chat-page.h"
#include "cfai-chat-store.h"
#include "cfai-message-row.h"
#include "cfai-message-slot.h"
#include "cfai-test-home.h"
#include "cfai-test-server.h"
#include "cfai-ui-test.h"
#include "cfai-window.h"

#define WAIT_MS 20000
#define MESSAGES 240
#define MODEL "@cf/meta/llama-3.3-70b-instruct-fp8-fast"
/* As the page counts "at the bottom". */
#define BOTTOM_SLACK 32

static CfaiApplication *app;
static CfaiTestServer *server;

typedef struct
{
  CfaiWindow        *window;
  CfaiChatPage      *page;
  GtkWidget         *list;
  GtkScrolledWindow *scroller;
  GtkWidget         *jump_button;
  CfaiMessage       *answer;
  gsize              length;     /* of the answer, when last looked at */
  int                first_view; /* the first frame with rows: -1 none yet, 1 it showed the newest */
} Fixture;

static void
on_flushed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cfai_chat_store_flush_finish (CFAI_CHAT_STORE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* Short questions, answers from one line to many paragraphs with code. */
static void
write_chat (void)
{
  g_autofree char *path = cfai_chat_store_dup_default_path ();
  g_autoptr(CfaiChatStore) store = cfai_chat_store_new (path);
  const CfaiConversationDefaults defaults = {
    .model = MODEL, .max_tokens = 1024,
    .temperature = CFAI_UNSET, .top_p = CFAI_UNSET, .seed = CFAI_UNSET,
  };
  CfaiConversation *conversation;
  gboolean done = FALSE;

  cfai_chat_store_load_async (store, NULL, NULL, NULL);
  while (!cfai_chat_store_get_loaded (store))
    g_main_context_iteration (NULL, TRUE);

  conversation = cfai_chat_store_create_conversation (store, &defaults);
  for (guint i = 0; i < MESSAGES; i += 2)
    {
      g_autofree char *question = g_strdup_printf ("Question %u, about streaming?", i);
      g_autoptr(GString) answer = g_string_new (NULL);
      CfaiMessage *message;

      cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, question);
      for (guint j = 0; j < 1 + (i * 7) % 10; j++)
        {
          g_string_append_printf (answer, "Paragraph %u of answer %u: the view appends what "
                                          "streams and lays out only the open block.\n\n", j, i);
          if (j % 4 == 3)
            g_string_append (answer, "```c\nint\nmain (void)\n{\n  return 0;\n}\n```\n\n");
        }
      message = cfai_conversation_begin_answer (conversation);
      cfai_message_append_content (message, answer->str, -1);
      cfai_message_set_state (message, CFAI_MESSAGE_STATE_COMPLETE);
    }

  cfai_chat_store_flush_async (store, NULL, on_flushed, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static GtkAdjustment *
vadjustment (Fixture *fixture)
{
  return gtk_scrolled_window_get_vadjustment (fixture->scroller);
}

static gboolean
at_bottom (Fixture *fixture)
{
  GtkAdjustment *adj = vadjustment (fixture);

  return gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj) >=
         gtk_adjustment_get_upper (adj) - BOTTOM_SLACK;
}

/* The row in a list item's slot: none while it is far from what is shown. */
static GtkWidget *
item_row (GtkWidget *item)
{
  GtkWidget *slot = gtk_widget_get_first_child (item);

  return CFAI_IS_MESSAGE_SLOT (slot) ? cfai_message_slot_get_row (CFAI_MESSAGE_SLOT (slot)) : NULL;
}

static GtkWidget *
find_row (Fixture     *fixture,
          CfaiMessage *message)
{
  for (GtkWidget *item = gtk_widget_get_first_child (fixture->list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = item_row (item);

      if (row != NULL && cfai_message_row_get_message (CFAI_MESSAGE_ROW (row)) == message)
        return row;
    }
  return NULL;
}

/* Whether the bottom of @message's row is inside what the chat shows. */
static gboolean
end_in_view (Fixture     *fixture,
             CfaiMessage *message)
{
  GtkWidget *row = find_row (fixture, message);
  graphene_rect_t bounds;
  double bottom;

  if (row == NULL || !gtk_widget_get_mapped (row) ||
      !gtk_widget_compute_bounds (row, GTK_WIDGET (fixture->scroller), &bounds))
    return FALSE;
  bottom = bounds.origin.y + bounds.size.height;
  return bottom > 0 && bottom <= gtk_widget_get_height (GTK_WIDGET (fixture->scroller)) + 1;
}

static CfaiMessage *
last_message (Fixture *fixture)
{
  GListModel *messages = cfai_conversation_get_messages (cfai_chat_page_get_conversation (fixture->page));
  guint n = g_list_model_get_n_items (messages);
  g_autoptr(CfaiMessage) message = n > 0 ? g_list_model_get_item (messages, n - 1) : NULL;

  return message;   /* the list keeps it */
}

static gboolean
shows_newest (gpointer data)
{
  Fixture *fixture = data;
  CfaiMessage *last = last_message (fixture);

  return cfai_conversation_get_loaded (cfai_chat_page_get_conversation (fixture->page)) &&
         last != NULL && end_in_view (fixture, last) && at_bottom (fixture);
}

/* The answer grew since the last look, and the view shows its end. */
static gboolean
grew_and_followed (gpointer data)
{
  Fixture *fixture = data;
  gsize length = cfai_message_get_content_length (fixture->answer);

  if (length <= fixture->length + 40)
    return FALSE;
  return at_bottom (fixture) && end_in_view (fixture, fixture->answer);
}

/* Waits for more of the answer, shown at the end of the view. */
static void
wait_followed (Fixture *fixture)
{
  g_assert_true (cfai_ui_test_wait_until (grew_and_followed, fixture, WAIT_MS));
  fixture->length = cfai_message_get_content_length (fixture->answer);
}

static gboolean
grew (gpointer data)
{
  Fixture *fixture = data;

  return cfai_message_get_content_length (fixture->answer) > fixture->length + 40;
}

static gboolean
answer_ended (gpointer data)
{
  Fixture *fixture = data;

  return cfai_message_get_state (fixture->answer) != CFAI_MESSAGE_STATE_STREAMING &&
         !cfai_chat_page_get_busy (fixture->page);
}

static gboolean
page_shown (gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *stack = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (fixture->window), CFAI_TYPE_WINDOW,
                                                    "content_stack");
  GtkWidget *child = gtk_stack_get_visible_child (GTK_STACK (stack));

  return CFAI_IS_CHAT_PAGE (child) && gtk_widget_get_mapped (child);
}

static gboolean
store_loaded (gpointer data)
{
  return cfai_chat_store_get_loaded (cfai_application_get_chat_store (data));
}

static void
open_chat (Fixture *fixture)
{
  GtkListView *chats = GTK_LIST_VIEW (gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                                     CFAI_TYPE_WINDOW, "chat_list"));
  GtkWidget *stack = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (fixture->window), CFAI_TYPE_WINDOW,
                                                    "content_stack");

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (chats))), ==, 1);
  g_signal_emit_by_name (chats, "activate", 0);
  g_assert_true (cfai_ui_test_wait_until (page_shown, fixture, WAIT_MS));
  fixture->page = CFAI_CHAT_PAGE (gtk_stack_get_visible_child (GTK_STACK (stack)));
  fixture->list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (fixture->page), CFAI_TYPE_CHAT_PAGE,
                                                             "message_list"));
  fixture->scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_template_child (GTK_WIDGET (fixture->page),
                                                                          CFAI_TYPE_CHAT_PAGE, "scroller"));
  fixture->jump_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (fixture->page),
                                                                    CFAI_TYPE_CHAT_PAGE, "jump_button"));
}

static gboolean
in_view (Fixture   *fixture,
         GtkWidget *row)
{
  graphene_rect_t bounds;

  return row != NULL && gtk_widget_get_mapped (row) &&
         gtk_widget_compute_bounds (row, GTK_WIDGET (fixture->scroller), &bounds) &&
         bounds.size.height > 0 && bounds.origin.y < gtk_widget_get_height (GTK_WIDGET (fixture->scroller)) &&
         bounds.origin.y + bounds.size.height > 0;
}

/* At each frame while the chat opens: what the first one that draws any
 * of its rows shows. */
static void
on_after_paint (GdkFrameClock *clock,
                Fixture       *fixture)
{
  GtkWidget *stack = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (fixture->window), CFAI_TYPE_WINDOW,
                                                    "content_stack");
  GtkWidget *child = gtk_stack_get_visible_child (GTK_STACK (stack));

  if (fixture->first_view >= 0 || !CFAI_IS_CHAT_PAGE (child) || !gtk_widget_get_mapped (child))
    return;
  fixture->page = CFAI_CHAT_PAGE (child);
  fixture->list = GTK_WIDGET (gtk_widget_get_template_child (child, CFAI_TYPE_CHAT_PAGE, "message_list"));
  fixture->scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_template_child (child, CFAI_TYPE_CHAT_PAGE, "scroller"));
  for (GtkWidget *item = gtk_widget_get_first_child (fixture->list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = item_row (item);

      if (row != NULL && in_view (fixture, row))
        {
          fixture->first_view = in_view (fixture, find_row (fixture, last_message (fixture)));
          return;
        }
    }
}

static void
test_follow_and_jump (void)
{
  Fixture fixture_ = { 0 }, *fixture = &fixture_;
  GSettings *settings = cfai_application_get_settings (app);
  g_autofree char *base = cfai_test_server_api_base (server, "slow");
  g_autoptr(GString) question = g_string_new ("Please read this back to me slowly:");
  GtkWidget *composer;
  GtkAdjustment *adj;
  double scrolled_to;

  g_settings_set_string (settings, "api-base-url", base);
  g_settings_set_int (settings, "default-max-tokens", 1024);

  fixture->window = cfai_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 760);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, fixture->window, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (store_loaded, app, WAIT_MS));

  /* Opened, a long chat shows its end, though most rows are estimates;
   * the first frame with any of its rows shows its newest message
   * already, never the top of the first page it read. */
  fixture->first_view = -1;
  g_signal_connect_after (gtk_widget_get_frame_clock (GTK_WIDGET (fixture->window)), "after-paint",
                          G_CALLBACK (on_after_paint), fixture);
  open_chat (fixture);
  g_assert_true (cfai_ui_test_wait_until (shows_newest, fixture, WAIT_MS));
  g_signal_handlers_disconnect_by_data (gtk_widget_get_frame_clock (GTK_WIDGET (fixture->window)), fixture);
  g_assert_cmpint (fixture->first_view, ==, 1);
  g_assert_false (gtk_widget_get_visible (fixture->jump_button));

  /* A long question, echoed back slowly: several seconds of stream. */
  for (guint i = 0; i < 25; i++)
    g_string_append_printf (question, "\n\nLine %u of what I wrote, which the answer repeats word by word.", i);
  composer = GTK_WIDGET (cfai_chat_page_get_composer (fixture->page));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (composer)), question->str, -1);
  gtk_widget_grab_focus (composer);
  cfai_ui_test_press_key (composer, GDK_KEY_Return, 0);
  fixture->answer = last_message (fixture);
  g_assert_cmpint (cfai_message_get_role (fixture->answer), ==, CFAI_CHAT_ROLE_ASSISTANT);

  /* At the bottom, the view follows the stream, growth after growth. */
  for (guint i = 0; i < 3; i++)
    wait_followed (fixture);
  g_assert_false (gtk_widget_get_visible (fixture->jump_button));

  /* Scrolled up: it stays there while the answer grows, and offers the
   * way back. */
  adj = vadjustment (fixture);
  gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) - 3 * gtk_adjustment_get_page_size (adj));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_visible, fixture->jump_button, WAIT_MS));
  scrolled_to = gtk_adjustment_get_value (adj);
  fixture->length = cfai_message_get_content_length (fixture->answer);
  g_assert_true (cfai_ui_test_wait_until (grew, fixture, WAIT_MS));
  cfai_ui_test_settle (200);
  g_assert_cmpint (cfai_message_get_state (fixture->answer), ==, CFAI_MESSAGE_STATE_STREAMING);
  g_assert_false (at_bottom (fixture));
  g_assert_false (end_in_view (fixture, fixture->answer));
  /* The list may re-estimate rows above, but not follow the stream. */
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), <, scrolled_to + gtk_adjustment_get_page_size (adj));
  g_assert_true (gtk_widget_get_visible (fixture->jump_button));

  /* Jump to Bottom, pressed with the keyboard: back at the end, and
   * following again while the answer goes on. */
  gtk_widget_grab_focus (fixture->jump_button);
  cfai_ui_test_press_key (fixture->jump_button, GDK_KEY_space, 0);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_hidden, fixture->jump_button, WAIT_MS));
  fixture->length = cfai_message_get_content_length (fixture->answer);
  wait_followed (fixture);
  g_assert_cmpint (cfai_message_get_state (fixture->answer), ==, CFAI_MESSAGE_STATE_STREAMING);
  wait_followed (fixture);

  /* And at the end of the answer, its end is shown. */
  g_assert_true (cfai_ui_test_wait_until (answer_ended, fixture, WAIT_MS * 3));
  g_assert_cmpint (cfai_message_get_state (fixture->answer), ==, CFAI_MESSAGE_STATE_COMPLETE);
  g_assert_true (g_str_has_prefix (cfai_message_get_content (fixture->answer), "You said: Please read"));
  g_assert_true (cfai_ui_test_wait_until (shows_newest, fixture, WAIT_MS));
  g_assert_false (gtk_widget_get_visible (fixture->jump_button));

  cfai_ui_test_close_windows (GTK_APPLICATION (app));
}

static gboolean
shows_first (gpointer data)
{
  Fixture *fixture = data;
  GListModel *messages = cfai_conversation_get_messages (cfai_chat_page_get_conversation (fixture->page));
  g_autoptr(CfaiMessage) first = g_list_model_get_item (messages, 0);
  GtkWidget *row = find_row (fixture, first);

  /* Keep going up until the list knows its top. */
  if (gtk_adjustment_get_value (vadjustment (fixture)) > 0)
    gtk_adjustment_set_value (vadjustment (fixture), 0);
  return row != NULL && gtk_widget_get_mapped (row);
}

typedef struct
{
  GdkFrameClock *clock;
  gint64         counter;
} FrameWait;

static gboolean
frame_passed (gpointer data)
{
  FrameWait *wait = data;

  return gdk_frame_clock_get_frame_counter (wait->clock) > wait->counter;
}

/* The list binds about 200 items, but only the slots near what is
 * shown hold rows: the others are measured from heights and given
 * other messages without moving any widget. */
static void
assert_rows_only_near (Fixture *fixture)
{
  guint n_items = 0, n_rows = 0;

  for (GtkWidget *item = gtk_widget_get_first_child (fixture->list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      if (!CFAI_IS_MESSAGE_SLOT (gtk_widget_get_first_child (item)))
        continue;
      n_items++;
      if (item_row (item) != NULL)
        n_rows++;
    }
  g_assert_cmpuint (n_items, >=, 100);
  g_assert_cmpuint (n_rows, >, 0);
  g_assert_cmpuint (n_rows, <, n_items / 4);
}

/* GtkListView hides the items out of view; the slots of those within a
 * page of it, above and below, hold rows already (made ahead, see
 * cfai_message_row_pool_look_ahead()). */
static void
assert_rows_ahead (Fixture *fixture)
{
  int page = gtk_widget_get_height (GTK_WIDGET (fixture->scroller));
  int width = gtk_widget_get_width (fixture->list);
  GtkWidget *first = NULL, *last = NULL;
  guint hidden_with_rows = 0;

  for (GtkWidget *item = gtk_widget_get_first_child (fixture->list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    if (gtk_widget_get_mapped (item))
      {
        if (first == NULL)
          first = item;
        last = item;
      }
  g_assert_nonnull (first);
  for (int direction = 0; direction < 2; direction++)
    {
      int passed = 0;

      for (GtkWidget *item = direction == 0 ? gtk_widget_get_prev_sibling (first) : gtk_widget_get_next_sibling (last);
           item != NULL && passed < page;
           item = direction == 0 ? gtk_widget_get_prev_sibling (item) : gtk_widget_get_next_sibling (item))
        {
          int minimum, natural;

          if (!CFAI_IS_MESSAGE_SLOT (gtk_widget_get_first_child (item)))
            continue;
          g_assert_false (gtk_widget_get_mapped (item));
          g_assert_nonnull (item_row (item));
          hidden_with_rows++;
          gtk_widget_measure (item, GTK_ORIENTATION_VERTICAL, width, &minimum, &natural, NULL, NULL);
          passed += natural;
        }
    }
  /* The newest message is last: only the ones above it. */
  g_assert_cmpuint (hidden_with_rows, >, 0);
}

/* No message in view is drawn as the space its row will take. */
static void
assert_rows_in_view (Fixture *fixture)
{
  for (GtkWidget *item = gtk_widget_get_first_child (fixture->list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *slot = gtk_widget_get_first_child (item);

      if (CFAI_IS_MESSAGE_SLOT (slot) && in_view (fixture, slot))
        g_assert_nonnull (item_row (item));
    }
}

/* A row the list lets go of keeps its message and its widgets, and comes
 * back for that message: scrolling away and back makes nothing again. */
static void
test_rows_kept (void)
{
  Fixture fixture_ = { 0 }, *fixture = &fixture_;
  g_autoptr(GtkWidget) newest_row = NULL;
  CfaiMessage *newest;

  fixture->window = cfai_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 760);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, fixture->window, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (store_loaded, app, WAIT_MS));
  open_chat (fixture);
  g_assert_true (cfai_ui_test_wait_until (shows_newest, fixture, WAIT_MS));

  newest = last_message (fixture);
  newest_row = g_object_ref (find_row (fixture, newest));
  assert_rows_only_near (fixture);
  for (guint i = 0; i < 3; i++)
    {
      FrameWait wait = { gtk_widget_get_frame_clock (fixture->list), 0 };

      wait.counter = gdk_frame_clock_get_frame_counter (wait.clock);
      gtk_widget_queue_draw (fixture->list);
      g_assert_true (cfai_ui_test_wait_until (frame_passed, &wait, WAIT_MS));
    }
  assert_rows_ahead (fixture);

  /* At the top, a chat this long has let go of its newest rows. */
  gtk_adjustment_set_value (vadjustment (fixture), 0);
  g_assert_true (cfai_ui_test_wait_until (shows_first, fixture, WAIT_MS));
  g_assert_null (find_row (fixture, newest));
  g_assert_null (gtk_widget_get_parent (newest_row));
  g_assert_true (cfai_message_row_get_message (CFAI_MESSAGE_ROW (newest_row)) == newest);

  /* Back at the end, the newest message has its own row again, still
   * showing its text. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.jump-to-bottom", NULL);
  g_assert_true (cfai_ui_test_wait_until (shows_newest, fixture, WAIT_MS));
  g_assert_true (find_row (fixture, newest) == newest_row);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, newest_row, WAIT_MS));

  /* Scrolled a page a frame, rows come and go and come back, each one
   * made before it is shown and laid out before it is drawn (GTK warns,
   * fatally here, of a widget drawn without an allocation). */
  for (guint i = 0; i < 40; i++)
    {
      GtkAdjustment *adj = vadjustment (fixture);
      FrameWait wait = { gtk_widget_get_frame_clock (fixture->list), 0 };

      wait.counter = gdk_frame_clock_get_frame_counter (wait.clock);
      gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) +
                                (i < 20 ? -1 : 1) * gtk_adjustment_get_page_size (adj));
      g_assert_true (cfai_ui_test_wait_until (frame_passed, &wait, WAIT_MS));
      assert_rows_in_view (fixture);
    }
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.jump-to-bottom", NULL);
  g_assert_true (cfai_ui_test_wait_until (shows_newest, fixture, WAIT_MS));

  /* Every row shown belongs to one message only. */
  for (GtkWidget *item = gtk_widget_get_first_child (fixture->list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = item_row (item);

      if (row != NULL)
        g_assert_true (find_row (fixture, cfai_message_row_get_message (CFAI_MESSAGE_ROW (row))) == row);
    }

  cfai_ui_test_close_windows (GTK_APPLICATION (app));
}

static gboolean
credentials_loaded (gpointer data)
{
  return !cfai_application_get_loading_credentials (CFAI_APPLICATION (data));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  GTestDBus *bus;
  int ret;

  cfai_test_isolate_home ("cfai-test-chat-scroll");
  g_unsetenv ("CLOUDFLARE_API_TOKEN");
  g_unsetenv ("CLOUDFLARE_ACCOUNT_ID");
  g_unsetenv ("CFAI_API_BASE_URL");
  g_test_init (&argc, &argv, NULL);
  cfai_ui_test_init ();

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_error ("UI tests need a display; run them through build-aux/test-session");

  write_chat ();
  bus = cfai_ui_test_private_bus_up ();
  server = cfai_test_server_start ();

  app = cfai_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  {
    GSettings *settings = cfai_application_get_settings (app);

    g_settings_set_string (settings, "account-id", "test-account");
    g_settings_set_string (settings, "default-chat-model", MODEL);
  }
  g_assert_true (cfai_ui_test_wait_until (credentials_loaded, app, WAIT_MS));
  cfai_application_use_token (app, "test-token");

  g_test_add_func ("/chat-scroll/follow-and-jump", test_follow_and_jump);
  g_test_add_func ("/chat-scroll/rows-kept", test_rows_kept);
  ret = g_test_run ();

  g_clear_object (&app);
  g_clear_pointer (&server, cfai_test_server_stop);
  g_test_dbus_stop (bus);
  return ret;
}
