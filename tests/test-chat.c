/* test-chat.c — chats in a real window, against the fake Workers AI server
 *
 * Keys are real key presses through the X server: Ctrl+N, typing,
 * Enter, Escape.  The scenario of each test (slow, cut or failing
 * streams) is chosen with the API base URL, as a user's proxy would be.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "cfai-application.h"
#include "cfai-chat-page.h"
#include "cfai-chat-settings.h"
#include "cfai-chat-store.h"
#include "cfai-error.h"
#include "cfai-message-row.h"
#include "cfai-test-home.h"
#include "cfai-test-server.h"
#include "cfai-ui-test.h"
#include "cfai-window.h"

#define WAIT_MS 15000
#define SETTLE_MS 200

#define LLAMA   "@cf/meta/llama-3.3-70b-instruct-fp8-fast"
#define MISTRAL "@cf/mistralai/mistral-small-3.1-24b-instruct"
#define QWEN    "@cf/qwen/qwen2.5-coder-32b-instruct"       /* takes a LoRA adapter */
#define GEMMA   "@cf/google/gemma-4-26b-a4b-it"             /* reasoning, vision */

static CfaiApplication *app;
static CfaiTestServer *server;

typedef struct
{
  CfaiWindow *window;
  GSettings  *settings;
} Fixture;

static gpointer
window_child (Fixture    *fixture,
              const char *name)
{
  gpointer widget = gtk_widget_get_template_child (GTK_WIDGET (fixture->window), CFAI_TYPE_WINDOW, name);

  g_assert_nonnull (widget);
  return widget;
}

static gboolean
store_loaded (gpointer data)
{
  return cfai_chat_store_get_loaded (cfai_application_get_chat_store (data));
}

static gboolean
credentials_loaded (gpointer data)
{
  return !cfai_application_get_loading_credentials (CFAI_APPLICATION (data));
}

static void
use_scenario (Fixture    *fixture,
              const char *scenario)
{
  g_autofree char *base = cfai_test_server_api_base (server, scenario);

  g_settings_set_string (fixture->settings, "api-base-url", base);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GSettings *settings = cfai_application_get_settings (app);

  g_settings_reset (settings, "default-max-tokens");
  g_settings_reset (settings, "default-system-prompt");
  g_settings_reset (settings, "default-temperature");
  g_settings_set_string (settings, "default-chat-model", LLAMA);
  g_settings_set_string (settings, "account-id", "test-account");
  fixture->settings = settings;
  use_scenario (fixture, NULL);
  cfai_application_use_token (app, "test-token");

  fixture->window = cfai_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 760);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, fixture->window, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (store_loaded, app, WAIT_MS));
  cfai_ui_test_settle (SETTLE_MS);
}

static gboolean
window_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gpointer window = fixture->window;

  g_object_add_weak_pointer (G_OBJECT (window), &window);
  cfai_ui_test_close_windows (GTK_APPLICATION (app));
  g_assert_true (cfai_ui_test_wait_until (window_gone, &window, WAIT_MS));
}

static CfaiChatPage *
visible_page (Fixture *fixture)
{
  GtkWidget *child = gtk_stack_get_visible_child (window_child (fixture, "content_stack"));

  return CFAI_IS_CHAT_PAGE (child) ? CFAI_CHAT_PAGE (child) : NULL;
}

/* Ctrl+N, as a user presses it: a new chat, with the composer focused. */
static CfaiChatPage *
new_chat (Fixture *fixture)
{
  CfaiChatPage *before = visible_page (fixture);
  CfaiChatPage *page;

  cfai_ui_test_press_key (GTK_WIDGET (fixture->window), GDK_KEY_n, GDK_CONTROL_MASK);
  page = visible_page (fixture);
  g_assert_nonnull (page);
  g_assert_true (page != before);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, cfai_chat_page_get_composer (page), WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_has_focus, cfai_chat_page_get_composer (page), WAIT_MS));
  return page;
}

static CfaiMessage *
last_message (CfaiChatPage *page)
{
  GListModel *messages = cfai_conversation_get_messages (cfai_chat_page_get_conversation (page));
  guint n = g_list_model_get_n_items (messages);
  g_autoptr(CfaiMessage) message = n > 0 ? g_list_model_get_item (messages, n - 1) : NULL;

  return message;  /* the list keeps it */
}

static gboolean
answer_ended (gpointer data)
{
  CfaiMessage *message = last_message (data);

  return message != NULL && cfai_message_get_role (message) == CFAI_CHAT_ROLE_ASSISTANT &&
         cfai_message_get_state (message) != CFAI_MESSAGE_STATE_STREAMING &&
         !cfai_chat_page_get_busy (data);
}

static gboolean
answer_has_text (gpointer data)
{
  CfaiMessage *message = last_message (data);

  return message != NULL && cfai_message_get_role (message) == CFAI_CHAT_ROLE_ASSISTANT &&
         cfai_message_get_content_length (message) > 0;
}

static void
type_and_send (CfaiChatPage *page,
               const char   *text)
{
  GtkWidget *composer = GTK_WIDGET (cfai_chat_page_get_composer (page));

  cfai_ui_test_type_keys (composer, text);
  cfai_ui_test_press_key (composer, GDK_KEY_Return, 0);
}

static char *
composer_text (CfaiChatPage *page)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (cfai_chat_page_get_composer (page));
  char *text;

  g_object_get (buffer, "text", &text, NULL);
  return text;
}

static GtkWidget *
find_label_containing (GtkWidget  *root,
                       const char *part)
{
  const char *text = cfai_ui_test_get_text (root);

  if (text != NULL && gtk_widget_get_mapped (root) && strstr (text, part) != NULL)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_containing (child, part);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
shows_text (gpointer data)
{
  gpointer *args = data;

  return find_label_containing (args[0], args[1]) != NULL;
}

static gboolean
in_list (CfaiChatStore    *store,
         CfaiConversation *conversation)
{
  GListModel *list = cfai_chat_store_get_conversations (store);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(CfaiConversation) item = g_list_model_get_item (list, i);

      if (item == conversation)
        return TRUE;
    }
  return FALSE;
}

static gboolean
shows_label (gpointer data)
{
  gpointer *args = data;

  return cfai_ui_test_find_label (args[0], args[1]) != NULL;
}

static GtkWidget *
wait_for_button (GtkWidget  *root,
                 const char *label)
{
  GtkWidget *button;
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  while ((button = cfai_ui_test_find_button (root, label)) == NULL &&
         g_get_monotonic_time () < deadline)
    cfai_ui_test_settle (50);
  g_assert_nonnull (button);
  return button;
}

/* The mapped row showing @message under @root, and in it the first
 * mapped widget of @type (or the row, for G_TYPE_NONE). */
static GtkWidget *
find_in_row (GtkWidget   *root,
             CfaiMessage *message,
             GType        type)
{
  if (CFAI_IS_MESSAGE_ROW (root))
    {
      if (!gtk_widget_get_mapped (root) || cfai_message_row_get_message (CFAI_MESSAGE_ROW (root)) != message)
        return NULL;
      if (type == G_TYPE_NONE)
        return root;
      message = NULL;   /* inside the row: any widget of @type */
    }
  if (message == NULL && G_TYPE_CHECK_INSTANCE_TYPE (root, type) && gtk_widget_get_mapped (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_in_row (child, message, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

#define WAITING "Waiting for the answer…"

/* The answer's row, when it shows that it waits for its first token. */
static GtkWidget *
waiting_label (CfaiChatPage *page)
{
  CfaiMessage *answer = last_message (page);
  GtkWidget *row = answer != NULL ? find_in_row (GTK_WIDGET (page), answer, G_TYPE_NONE) : NULL;

  return row != NULL ? find_label_containing (row, WAITING) : NULL;
}

static gboolean
answer_is_waiting (gpointer data)
{
  CfaiMessage *answer = last_message (data);

  return answer != NULL && cfai_message_get_role (answer) == CFAI_CHAT_ROLE_ASSISTANT &&
         cfai_message_get_content_length (answer) == 0 &&
         waiting_label (data) != NULL;
}

static gboolean
answer_shows_text (gpointer data)
{
  CfaiMessage *answer = last_message (data);
  GtkWidget *row = answer != NULL ? find_in_row (data, answer, G_TYPE_NONE) : NULL;

  return row != NULL && cfai_message_get_content_length (answer) > 0 &&
         waiting_label (data) == NULL &&
         find_label_containing (row, "You") != NULL;
}

static void
count_frame (GdkFrameClock *clock,
             guint         *frames)
{
  (*frames)++;
}

/* The frames drawn in @page's window over @ms. */
static guint
frames_drawn (CfaiChatPage *page,
              guint         ms)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (page));
  guint frames = 0;

  g_signal_connect (clock, "paint", G_CALLBACK (count_frame), &frames);
  cfai_ui_test_settle (ms);
  g_signal_handlers_disconnect_by_func (clock, count_frame, &frames);
  return frames;
}

/* GTK's own animations, off while a test counts frames: the blinking
 * cursor draws for its timeout after the last key press, and overlay
 * scrollbars fade out for a second, two seconds after a scroll. */
typedef struct
{
  gboolean blink;
  gboolean overlay;
} Animations;

static Animations
animations_off (void)
{
  Animations saved;

  g_object_get (gtk_settings_get_default (), "gtk-cursor-blink", &saved.blink,
                "gtk-overlay-scrolling", &saved.overlay, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, "gtk-overlay-scrolling", FALSE, NULL);
  return saved;
}

static void
animations_restore (Animations saved)
{
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", saved.blink,
                "gtk-overlay-scrolling", saved.overlay, NULL);
}

/* While a model takes its time, the answer's row says how long it has
 * waited, and nothing animates: a spinner would lay out and draw the
 * window every frame for as long as the model takes. */
static void
test_waiting_for_answer (Fixture       *fixture,
                         gconstpointer  data)
{
  Animations animations = animations_off ();
  CfaiChatPage *page;
  GtkWidget *label;
  guint frames;

  use_scenario (fixture, "late-first-token");
  page = new_chat (fixture);
  type_and_send (page, "Are you there?");
  g_assert_true (cfai_ui_test_wait_until (answer_is_waiting, page, WAIT_MS));
  g_assert_true (cfai_chat_page_get_busy (page));
  /* Past the frames the send itself draws. */
  cfai_ui_test_settle (400);

  frames = frames_drawn (page, 1000);
  /* The label changes once a second: a frame or two for it. */
  g_test_message ("%u frames in 1 s of waiting", frames);
  g_assert_cmpuint (frames, <=, 3);

  label = waiting_label (page);
  g_assert_nonnull (label);
  g_test_message ("“%s”", cfai_ui_test_get_text (label));
  g_assert_nonnull (strstr (cfai_ui_test_get_text (label), "second"));
  g_assert_cmpuint (cfai_message_get_content_length (last_message (page)), ==, 0);

  g_assert_true (cfai_ui_test_wait_until (answer_shows_text, page, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));
  g_assert_null (waiting_label (page));
  animations_restore (animations);
}

/* The first token goes where the waiting label stood: the answer's
 * row keeps its height, so the chat does not move when the answer
 * starts (and that frame draws only the row, not the whole list). */
static void
test_first_token_keeps_place (Fixture       *fixture,
                              gconstpointer  data)
{
  GtkSettings *settings = gtk_settings_get_default ();
  g_autofree char *font = NULL;
  CfaiChatPage *page;
  GtkWidget *row;
  int waiting;

  /* A larger font than the default, as many desktops have. */
  g_object_get (settings, "gtk-font-name", &font, NULL);
  g_object_set (settings, "gtk-font-name", "Sans 16", NULL);
  use_scenario (fixture, "slow");
  page = new_chat (fixture);
  type_and_send (page, "Tell me a long story");
  g_assert_true (cfai_ui_test_wait_until (answer_is_waiting, page, WAIT_MS));
  row = find_in_row (GTK_WIDGET (page), last_message (page), G_TYPE_NONE);
  waiting = gtk_widget_get_height (row);
  g_assert_cmpint (waiting, >, 0);
  g_test_message ("waiting: %d px", waiting);

  g_assert_true (cfai_ui_test_wait_until (answer_shows_text, page, WAIT_MS));
  cfai_ui_test_settle (30);   /* its allocation, whatever frame showed it */
  g_test_message ("shown: “%s”, %d px", cfai_message_get_content (last_message (page)), gtk_widget_get_height (row));
  g_assert_true (find_in_row (GTK_WIDGET (page), last_message (page), G_TYPE_NONE) == row);
  g_assert_cmpint (gtk_widget_get_height (row), ==, waiting);
  cfai_ui_test_press_key (GTK_WIDGET (cfai_chat_page_get_composer (page)), GDK_KEY_Escape, 0);
  g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));
  g_object_set (settings, "gtk-font-name", font, NULL);
}

static void
test_send_and_stream (Fixture       *fixture,
                      gconstpointer  data)
{
  CfaiChatPage *page = new_chat (fixture);
  CfaiConversation *conversation = cfai_chat_page_get_conversation (page);
  GListModel *messages = cfai_conversation_get_messages (conversation);
  GtkWidget *composer = GTK_WIDGET (cfai_chat_page_get_composer (page));
  g_autofree char *left = NULL;
  CfaiMessage *answer;

  g_assert_cmpstr (cfai_conversation_get_model (conversation), ==, LLAMA);
  g_assert_cmpint (cfai_conversation_get_max_tokens (conversation), ==,
                   g_settings_get_int (fixture->settings, "default-max-tokens"));

  /* Shift+Enter is a new line; Enter sends. */
  cfai_ui_test_type_keys (composer, "Hello");
  cfai_ui_test_press_key (composer, GDK_KEY_Return, GDK_SHIFT_MASK);
  left = composer_text (page);
  g_assert_cmpstr (left, ==, "Hello\n");
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 0);
  type_and_send (page, "there");

  g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  answer = last_message (page);
  g_assert_cmpint (cfai_message_get_state (answer), ==, CFAI_MESSAGE_STATE_COMPLETE);
  g_assert_true (g_str_has_prefix (cfai_message_get_content (answer), "You said: Hello\nthere."));
  g_assert_cmpint (cfai_message_get_completion_tokens (answer), >, 0);
  g_assert_cmpstr (cfai_message_get_model (answer), ==, LLAMA);
  g_clear_pointer (&left, g_free);
  left = composer_text (page);
  g_assert_cmpstr (left, ==, "");
  g_assert_cmpstr (cfai_conversation_get_draft (conversation), ==, "");

  /* The title comes from the first message; the sidebar lists the chat. */
  g_assert_cmpstr (cfai_conversation_get_display_title (conversation), ==, "Hello there");
  cfai_ui_test_settle (SETTLE_MS);
  g_assert_nonnull (cfai_ui_test_find_label (window_child (fixture, "chat_list"), "Hello there"));
  g_assert_nonnull (find_label_containing (window_child (fixture, "chat_list"), "Just now · "));
  /* The answer is shown, with its usage line. */
  g_assert_true (cfai_ui_test_wait_until (shows_text, (gpointer[]) { page, (gpointer) "You said: Hello" }, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (shows_text, (gpointer[]) { page, (gpointer) " out · " }, WAIT_MS));
  g_assert_null (find_label_containing (GTK_WIDGET (page), "Cut at the token limit"));
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-chat-simple.png");
}

/* GET one of the fake server's own pages (/fake/…). */
static JsonNode *
fetch_fake (const char *path)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (server->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  node = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);
  return node;
}

static guint
closed_by_client (void)
{
  return cfai_test_server_get_count (server, "closed_by_client");
}

/* The body of the last text request the fake server accepted. */
static JsonObject *
last_request_body (void)
{
  g_autoptr(JsonNode) node = fetch_fake ("/fake/last-request");

  return json_object_ref (json_object_get_object_member (json_node_get_object (node), "body"));
}

typedef struct
{
  guint before;
} CloseWait;

static gboolean
server_saw_close (gpointer data)
{
  return closed_by_client () > ((CloseWait *) data)->before;
}

static void
test_stop (Fixture       *fixture,
           gconstpointer  data)
{
  CfaiChatPage *page;
  GtkWidget *composer;
  CfaiMessage *answer;
  g_autofree char *text = NULL;
  CloseWait wait = { closed_by_client () };
  gint64 pressed;

  use_scenario (fixture, "slow");
  page = new_chat (fixture);
  composer = GTK_WIDGET (cfai_chat_page_get_composer (page));
  type_and_send (page, "Tell me a long story");
  g_assert_true (cfai_ui_test_wait_until (answer_has_text, page, WAIT_MS));
  g_assert_true (cfai_chat_page_get_busy (page));
  /* Send is Stop while it streams. */
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), CFAI_TYPE_CHAT_PAGE, "stop_button"))));

  /* Escape stops at once; the text so far stays, marked stopped. */
  cfai_ui_test_type_keys (composer, "next");
  pressed = g_get_monotonic_time ();
  cfai_ui_test_press_key (composer, GDK_KEY_Escape, 0);
  g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));
  g_assert_cmpint (g_get_monotonic_time () - pressed, <, G_USEC_PER_SEC);
  answer = last_message (page);
  g_assert_cmpint (cfai_message_get_state (answer), ==, CFAI_MESSAGE_STATE_STOPPED);
  g_assert_true (g_str_has_prefix (cfai_message_get_content (answer), "You"));
  g_assert_true (cfai_ui_test_wait_until (server_saw_close, &wait, WAIT_MS));
  /* What was typed meanwhile is kept. */
  text = composer_text (page);
  g_assert_cmpstr (text, ==, "next");
  g_assert_true (cfai_ui_test_wait_until (shows_label, (gpointer[]) { page, (gpointer) "Stopped" }, WAIT_MS));
}

static void
test_continue_after_length (Fixture       *fixture,
                            gconstpointer  data)
{
  CfaiChatPage *page;
  CfaiMessage *answer;
  GListModel *messages;
  g_autofree char *first = NULL;
  GtkWidget *button;

  g_settings_set_int (fixture->settings, "default-max-tokens", 6);
  page = new_chat (fixture);
  messages = cfai_conversation_get_messages (cfai_chat_page_get_conversation (page));
  type_and_send (page, "Write a lot");
  g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));
  answer = last_message (page);
  g_assert_cmpstr (cfai_message_get_finish_reason (answer), ==, "length");
  first = g_strdup (cfai_message_get_content (answer));
  g_assert_true (cfai_ui_test_wait_until (shows_label, (gpointer[]) { page, (gpointer) "Cut at the token limit" }, WAIT_MS));

  button = wait_for_button (GTK_WIDGET (page), "Continue");
  gtk_widget_grab_focus (button);
  cfai_ui_test_press_key (button, GDK_KEY_space, 0);
  g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));

  /* The same answer, longer. */
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  g_assert_true (last_message (page) == answer);
  g_assert_true (g_str_has_prefix (cfai_message_get_content (answer), first));
  g_assert_cmpuint (strlen (cfai_message_get_content (answer)), >, strlen (first));
}

typedef struct
{
  const char *scenario;
  const char *button;     /* the action offered */
  const char *action;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { "error-5035", "Choose Another Model", "chat.choose-model" },
  { "error-5007", "Choose Another Model", "chat.choose-model" },
  { "error-5021", "Trim History", "chat.trim-history" },
  { "error-3040", "Try Again", "chat.retry" },
  { "error-3036", "Try Again", "chat.retry" },
  { "error-10000", "Fix Credentials", "app.preferences" },
  { "server-error", "Retry", "chat.retry" },
};

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  for (gsize i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      const ErrorCase *c = &error_cases[i];
      CfaiChatPage *page;
      CfaiMessage *answer;
      GtkWidget *button;

      g_test_message ("scenario %s", c->scenario);
      use_scenario (fixture, c->scenario);
      page = new_chat (fixture);
      type_and_send (page, "Hello");
      g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));
      answer = last_message (page);
      g_assert_cmpint (cfai_message_get_state (answer), ==, CFAI_MESSAGE_STATE_ERROR);
      g_assert_nonnull (cfai_message_get_error_message (answer));
      /* The reason, in the turn, with what fixes it. */
      g_assert_true (cfai_ui_test_wait_until (shows_text,
                                              (gpointer[]) { page, (gpointer) cfai_message_get_error_message (answer) },
                                              WAIT_MS));
      button = wait_for_button (GTK_WIDGET (page), c->button);
      g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, c->action);
      if (g_str_equal (c->scenario, "error-5035"))
        cfai_ui_test_settle (500),
        cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-chat-error.png");

      /* Retry works once the cause is gone. */
      if (g_str_equal (c->action, "chat.retry"))
        {
          use_scenario (fixture, NULL);
          gtk_widget_grab_focus (button);
          cfai_ui_test_press_key (button, GDK_KEY_space, 0);
          g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));
          g_assert_cmpint (cfai_message_get_state (last_message (page)), ==, CFAI_MESSAGE_STATE_COMPLETE);
          g_assert_cmpuint (g_list_model_get_n_items (cfai_conversation_get_messages (cfai_chat_page_get_conversation (page))), ==, 2);
        }
    }
}

/* A stream cut in the middle keeps its text, marked interrupted. */
static void
test_cut_stream (Fixture       *fixture,
                 gconstpointer  data)
{
  CfaiChatPage *page;
  CfaiMessage *answer;
  GtkWidget *button;

  use_scenario (fixture, "cut-stream-hard");
  page = new_chat (fixture);
  type_and_send (page, "Hello");
  g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));
  answer = last_message (page);
  g_assert_cmpint (cfai_message_get_state (answer), ==, CFAI_MESSAGE_STATE_INTERRUPTED);
  g_assert_cmpuint (cfai_message_get_content_length (answer), >, 0);
  button = wait_for_button (GTK_WIDGET (page), "Retry");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "chat.retry");
}

static gboolean
has_no_button (gpointer data)
{
  gpointer *args = data;

  return cfai_ui_test_find_button (args[0], args[1]) == NULL;
}

/* The messages of the last request the fake server accepted, as
 * "role: text" lines. */
static char *
last_request_history (void)
{
  g_autoptr(JsonObject) body = last_request_body ();
  JsonArray *messages = json_object_get_array_member (body, "messages");
  g_autoptr(GString) history = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);

      g_string_append_printf (history, "%s: %s\n", json_object_get_string_member (message, "role"),
                              json_object_get_string_member (message, "content"));
    }
  return g_string_free (g_steal_pointer (&history), FALSE);
}

/* Retry after a cut stream keeps the cut answer, marked interrupted,
 * above the new one; only the new one goes to the model from then on. */
static void
test_retry_keeps_interrupted (Fixture       *fixture,
                              gconstpointer  data)
{
  CfaiChatPage *page;
  GListModel *messages;
  g_autoptr(CfaiMessage) cut = NULL;
  g_autoptr(CfaiMessage) user = NULL;
  g_autofree char *cut_text = NULL;
  g_autofree char *history = NULL;
  g_autofree char *expected = NULL;
  CfaiMessage *answer;
  GtkWidget *button;

  use_scenario (fixture, "cut-stream-hard");
  page = new_chat (fixture);
  messages = cfai_conversation_get_messages (cfai_chat_page_get_conversation (page));
  type_and_send (page, "Hello");
  g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));
  cut = g_object_ref (last_message (page));
  g_assert_cmpint (cfai_message_get_state (cut), ==, CFAI_MESSAGE_STATE_INTERRUPTED);
  cut_text = g_strdup (cfai_message_get_content (cut));
  g_assert_cmpuint (strlen (cut_text), >, 0);

  use_scenario (fixture, NULL);
  button = wait_for_button (GTK_WIDGET (page), "Retry");
  gtk_widget_grab_focus (button);
  cfai_ui_test_press_key (button, GDK_KEY_space, 0);
  g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));

  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 3);
  user = g_list_model_get_item (messages, 0);
  answer = last_message (page);
  g_assert_true (answer != cut);
  g_assert_cmpint (cfai_message_get_state (answer), ==, CFAI_MESSAGE_STATE_COMPLETE);
  /* The cut answer is there as it was, and both answer the question. */
  g_assert_cmpint (cfai_message_get_state (cut), ==, CFAI_MESSAGE_STATE_INTERRUPTED);
  g_assert_cmpstr (cfai_message_get_content (cut), ==, cut_text);
  g_assert_cmpint (cfai_message_get_parent_id (cut), ==, cfai_message_get_id (user));
  g_assert_cmpint (cfai_message_get_parent_id (answer), ==, cfai_message_get_id (user));
  g_assert_true (cfai_ui_test_wait_until (shows_text, (gpointer[]) { page, (gpointer) "The answer was cut off" }, WAIT_MS));
  /* Retry is offered on the last answer only. */
  g_assert_true (cfai_ui_test_wait_until (has_no_button, (gpointer[]) { page, (gpointer) "Retry" }, WAIT_MS));

  /* The retry asked without the cut text, and so does the next turn. */
  history = last_request_history ();
  g_assert_cmpstr (history, ==, "user: Hello\n");
  type_and_send (page, "Next");
  g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));
  g_clear_pointer (&history, g_free);
  history = last_request_history ();
  expected = g_strdup_printf ("user: Hello\nassistant: %s\nuser: Next\n", cfai_message_get_content (answer));
  g_assert_cmpstr (history, ==, expected);
}

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

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cfai_chat_store_load_finish (CFAI_CHAT_STORE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
on_conversation_loaded (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cfai_conversation_load_finish (CFAI_CONVERSATION (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* What was sent and answered is there for the next start: a second store
 * on the same file sees it. */
static void
test_restart_persistence (Fixture       *fixture,
                          gconstpointer  data)
{
  CfaiChatStore *store = cfai_application_get_chat_store (app);
  g_autoptr(CfaiChatStore) second = NULL;
  CfaiConversation *again;
  CfaiChatPage *page;
  GListModel *messages;
  gint64 id;
  gboolean done = FALSE;
  g_autoptr(CfaiMessage) answer = NULL;

  page = new_chat (fixture);
  type_and_send (page, "Remember me");
  g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));
  cfai_ui_test_type_keys (GTK_WIDGET (cfai_chat_page_get_composer (page)), "half typed");
  id = cfai_conversation_get_id (cfai_chat_page_get_conversation (page));

  cfai_chat_store_flush_async (store, NULL, on_flushed, &done);
  g_assert_true (cfai_ui_test_wait_until (flag_set, &done, WAIT_MS));

  second = cfai_chat_store_new (cfai_chat_store_get_path (store));
  done = FALSE;
  cfai_chat_store_load_async (second, NULL, on_loaded, &done);
  g_assert_true (cfai_ui_test_wait_until (flag_set, &done, WAIT_MS));
  again = cfai_chat_store_lookup_conversation (second, id);
  g_assert_nonnull (again);
  g_assert_cmpstr (cfai_conversation_get_display_title (again), ==, "Remember me");
  g_assert_cmpstr (cfai_conversation_get_model (again), ==, LLAMA);
  g_assert_cmpstr (cfai_conversation_get_draft (again), ==, "half typed");
  done = FALSE;
  cfai_conversation_load_async (again, NULL, on_conversation_loaded, &done);
  g_assert_true (cfai_ui_test_wait_until (flag_set, &done, WAIT_MS));
  messages = cfai_conversation_get_messages (again);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  answer = g_list_model_get_item (messages, 1);
  g_assert_cmpint (cfai_message_get_state (answer), ==, CFAI_MESSAGE_STATE_COMPLETE);
  g_assert_cmpstr (cfai_message_get_content (answer), ==,
                   cfai_message_get_content (last_message (page)));
}

static gpointer
settings_child (Fixture    *fixture,
                const char *name)
{
  gpointer widget = gtk_widget_get_template_child (window_child (fixture, "chat_settings"),
                                                   CFAI_TYPE_CHAT_SETTINGS, name);

  g_assert_nonnull (widget);
  return widget;
}

static GtkWidget *
find_descendant (GtkWidget *root,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = G_TYPE_CHECK_INSTANCE_TYPE (child, type) ? child : find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  CfaiConversation *conversation;
  const char       *property;
  double            value;
} SettingWait;

static gboolean
setting_is (gpointer data)
{
  SettingWait *wait = data;
  GValue value = G_VALUE_INIT;
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (wait->conversation), wait->property);
  double got;

  g_value_init (&value, pspec->value_type);
  g_object_get_property (G_OBJECT (wait->conversation), wait->property, &value);
  got = G_VALUE_HOLDS_INT64 (&value) ? (double) g_value_get_int64 (&value) : g_value_get_double (&value);
  g_value_unset (&value);
  return G_APPROX_VALUE (got, wait->value, 1e-9);
}

static void
wait_for_setting (CfaiConversation *conversation,
                  const char       *property,
                  double            value)
{
  SettingWait wait = { conversation, property, value };

  if (!cfai_ui_test_wait_until (setting_is, &wait, WAIT_MS))
    g_error ("%s never became %g", property, value);
}

/* Types a number into a spin row and presses Enter, which takes it. */
static void
enter_number (GtkWidget  *spin_row,
              const char *text)
{
  cfai_ui_test_type_keys_in (spin_row, text);
  cfai_ui_test_press_key_in (spin_row, GDK_KEY_Return);
}

static void
send_and_wait (CfaiChatPage *page,
               const char   *text)
{
  type_and_send (page, text);
  g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));
  /* The fake server refuses a body its schema does not allow. */
  g_assert_cmpint (cfai_message_get_state (last_message (page)), ==, CFAI_MESSAGE_STATE_COMPLETE);
}

/* The chat's settings: shown with Ctrl+I, saved with the chat, and sent
 * with the next request, unset ones not at all. */
static void
test_settings_panel (Fixture       *fixture,
                     gconstpointer  data)
{
  CfaiChatStore *store = cfai_application_get_chat_store (app);
  g_autoptr(CfaiChatStore) second = NULL;
  CfaiChatPage *page = new_chat (fixture);
  CfaiConversation *conversation = cfai_chat_page_get_conversation (page);
  GtkWidget *composer = GTK_WIDGET (cfai_chat_page_get_composer (page));
  GtkWidget *panel = window_child (fixture, "chat_settings");
  GtkWidget *prompt = settings_child (fixture, "system_prompt");
  GtkWidget *max_tokens = settings_child (fixture, "max_tokens");
  GtkWidget *temperature = settings_child (fixture, "temperature");
  GtkWidget *top_p_row = settings_child (fixture, "top_p_row");
  GtkWidget *seed = settings_child (fixture, "seed");
  GtkWidget *seed_error = settings_child (fixture, "seed_error");
  GtkWidget *effort = settings_child (fixture, "reasoning_effort");
  GtkWidget *lora = settings_child (fixture, "lora");
  GtkWidget *top_p_switch;
  GtkWidget *list;
  g_autoptr(JsonObject) body = NULL;
  JsonObject *system;
  CfaiConversation *again;
  gboolean done = FALSE;
  gint64 id = cfai_conversation_get_id (conversation);

  /* A new chat starts from the defaults: temperature set, top_p not. */
  g_assert_cmpfloat (cfai_conversation_get_temperature (conversation), ==,
                     g_settings_get_double (fixture->settings, "default-temperature"));
  g_assert_cmpfloat (cfai_conversation_get_top_p (conversation), ==, CFAI_UNSET);

  /* Ctrl+I opens the panel with the keyboard in the system prompt. */
  cfai_ui_test_press_key (composer, GDK_KEY_i, GDK_CONTROL_MASK);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, panel, WAIT_MS));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_has_focus, prompt, WAIT_MS));
  g_assert_true (cfai_chat_settings_get_conversation (CFAI_CHAT_SETTINGS (panel)) == conversation);
  /* Llama: no reasoning effort, no adapter; its window bounds the length. */
  g_assert_false (gtk_widget_get_visible (effort));
  g_assert_false (gtk_widget_get_visible (lora));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adw_spin_row_get_adjustment (ADW_SPIN_ROW (max_tokens))), ==, 24000);
  g_assert_false (adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (top_p_row)));
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (top_p_row)), ==, "Model default");

  /* The system prompt takes several lines. */
  cfai_ui_test_type_keys (prompt, "Answer like a pirate");
  cfai_ui_test_press_key (prompt, GDK_KEY_Return, 0);
  cfai_ui_test_type_keys (prompt, "Be brief");
  g_assert_cmpstr (cfai_conversation_get_system_prompt (conversation), ==, "Answer like a pirate\nBe brief");

  enter_number (max_tokens, "333");
  wait_for_setting (conversation, "max-tokens", 333);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, temperature, WAIT_MS));
  enter_number (temperature, "1.5");
  wait_for_setting (conversation, "temperature", 1.5);

  /* A seed that is not a number says so and changes nothing. */
  cfai_ui_test_type_keys_in (seed, "42");
  wait_for_setting (conversation, "seed", 42);
  cfai_ui_test_press_key_in (seed, GDK_KEY_x);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, seed_error, WAIT_MS));
  g_assert_cmpint (cfai_conversation_get_seed (conversation), ==, 42);
  cfai_ui_test_press_key_in (seed, GDK_KEY_BackSpace);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_hidden, seed_error, WAIT_MS));

  /* Ctrl+I again closes it and gives the keyboard back to the composer. */
  cfai_ui_test_press_key (GTK_WIDGET (fixture->window), GDK_KEY_i, GDK_CONTROL_MASK);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_has_focus, composer, WAIT_MS));
  g_assert_false (adw_overlay_split_view_get_show_sidebar (window_child (fixture, "settings_split")));

  send_and_wait (page, "Ahoy");
  body = last_request_body ();
  system = json_array_get_object_element (json_object_get_array_member (body, "messages"), 0);
  g_assert_cmpstr (json_object_get_string_member (system, "role"), ==, "system");
  g_assert_cmpstr (json_object_get_string_member (system, "content"), ==, "Answer like a pirate\nBe brief");
  g_assert_cmpint (json_object_get_int_member (body, "max_tokens"), ==, 333);
  g_assert_cmpfloat (json_object_get_double_member (body, "temperature"), ==, 1.5);
  g_assert_cmpint (json_object_get_int_member (body, "seed"), ==, 42);
  g_assert_false (json_object_has_member (body, "top_p"));
  g_assert_false (json_object_has_member (body, "lora"));
  g_assert_false (json_object_has_member (body, "reasoning_effort"));

  /* top_p is switched on (its value is shown), the seed emptied: unset. */
  cfai_ui_test_press_key (composer, GDK_KEY_i, GDK_CONTROL_MASK);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_has_focus, prompt, WAIT_MS));
  top_p_switch = find_descendant (top_p_row, GTK_TYPE_SWITCH);
  g_assert_nonnull (top_p_switch);
  gtk_widget_grab_focus (top_p_switch);
  cfai_ui_test_press_key (top_p_switch, GDK_KEY_space, 0);
  wait_for_setting (conversation, "top-p", 0.9);
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (top_p_row)), ==, "0.90");
  cfai_ui_test_press_key_in (seed, GDK_KEY_BackSpace);
  cfai_ui_test_press_key_in (seed, GDK_KEY_BackSpace);
  wait_for_setting (conversation, "seed", CFAI_UNSET);
  gtk_widget_grab_focus (composer);
  send_and_wait (page, "Again");
  g_clear_pointer (&body, json_object_unref);
  body = last_request_body ();
  g_assert_cmpfloat (json_object_get_double_member (body, "top_p"), ==, 0.9);
  g_assert_false (json_object_has_member (body, "seed"));

  /* Another model, other fields: Qwen Coder takes an adapter. */
  cfai_conversation_set_model (conversation, QWEN);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, lora, WAIT_MS));
  g_assert_false (gtk_widget_get_visible (effort));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adw_spin_row_get_adjustment (ADW_SPIN_ROW (max_tokens))), ==, 32768);
  cfai_ui_test_type_keys_in (lora, "my-adapter");
  g_assert_cmpstr (cfai_conversation_get_lora (conversation), ==, "my-adapter");
  gtk_widget_grab_focus (composer);
  send_and_wait (page, "Code");
  g_clear_pointer (&body, json_object_unref);
  body = last_request_body ();
  g_assert_cmpstr (json_object_get_string_member (body, "lora"), ==, "my-adapter");

  /* Gemma reasons and takes no adapter: the adapter goes (Workers AI
   * would refuse the request), the effort is chosen from the list. */
  cfai_conversation_set_model (conversation, GEMMA);
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_mapped, effort, WAIT_MS));
  g_assert_false (gtk_widget_get_visible (lora));
  g_assert_null (cfai_conversation_get_lora (conversation));
  gtk_widget_grab_focus (effort);
  cfai_ui_test_press_key (effort, GDK_KEY_space, 0);
  /* The list of efforts, in its popover: the last is High. */
  list = gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)), GTK_TYPE_LIST_VIEW);
  g_assert_nonnull (list);
  cfai_ui_test_press_key (list, GDK_KEY_End, 0);
  cfai_ui_test_press_key (list, GDK_KEY_Return, 0);
  g_assert_true (cfai_ui_test_wait_until (shows_label, (gpointer[]) { effort, (gpointer) "High" }, WAIT_MS));
  g_assert_cmpstr (cfai_conversation_get_reasoning_effort (conversation), ==, "high");
  gtk_widget_grab_focus (composer);
  send_and_wait (page, "Think");
  g_clear_pointer (&body, json_object_unref);
  body = last_request_body ();
  g_assert_cmpstr (json_object_get_string_member (body, "reasoning_effort"), ==, "high");
  g_assert_false (json_object_has_member (body, "lora"));
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-chat-settings.png");

  /* Saved with the chat. */
  cfai_chat_store_flush_async (store, NULL, on_flushed, &done);
  g_assert_true (cfai_ui_test_wait_until (flag_set, &done, WAIT_MS));
  second = cfai_chat_store_new (cfai_chat_store_get_path (store));
  done = FALSE;
  cfai_chat_store_load_async (second, NULL, on_loaded, &done);
  g_assert_true (cfai_ui_test_wait_until (flag_set, &done, WAIT_MS));
  again = cfai_chat_store_lookup_conversation (second, id);
  g_assert_nonnull (again);
  g_assert_cmpstr (cfai_conversation_get_system_prompt (again), ==, "Answer like a pirate\nBe brief");
  g_assert_cmpint (cfai_conversation_get_max_tokens (again), ==, 333);
  g_assert_cmpfloat (cfai_conversation_get_temperature (again), ==, 1.5);
  g_assert_cmpfloat (cfai_conversation_get_top_p (again), ==, 0.9);
  g_assert_cmpint (cfai_conversation_get_seed (again), ==, CFAI_UNSET);
  g_assert_cmpstr (cfai_conversation_get_reasoning_effort (again), ==, "high");
  g_assert_cmpstr (cfai_conversation_get_model (again), ==, GEMMA);

  /* The panel follows the visible chat: a new one shows its defaults. */
  page = new_chat (fixture);
  g_assert_true (cfai_chat_settings_get_conversation (CFAI_CHAT_SETTINGS (panel)) ==
                 cfai_chat_page_get_conversation (page));
  g_assert_cmpfloat (adw_spin_row_get_value (ADW_SPIN_ROW (max_tokens)), ==,
                     g_settings_get_int (fixture->settings, "default-max-tokens"));
  g_assert_false (adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (top_p_row)));
  g_assert_cmpint (gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (GTK_TEXT_VIEW (prompt))), ==, 0);
}

static gboolean
page_is (gpointer data)
{
  gpointer *args = data;

  return visible_page (args[0]) == args[1];
}

static void
select_chat (Fixture          *fixture,
             CfaiConversation *conversation)
{
  GtkListView *list = window_child (fixture, "chat_list");
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (list));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (selection));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CfaiConversation) item = g_list_model_get_item (G_LIST_MODEL (selection), i);

      if (item == conversation)
        {
          g_signal_emit_by_name (list, "activate", i);
          return;
        }
    }
  g_assert_not_reached ();
}

static guint
n_chats (void)
{
  return g_list_model_get_n_items (cfai_chat_store_get_conversations (cfai_application_get_chat_store (app)));
}

/* Empty "New Chat"s do not pile up: New Chat on a blank chat shows it
 * again, a blank chat left is dropped, one with a draft is kept. */
static void
test_empty_chats (Fixture       *fixture,
                  gconstpointer  data)
{
  CfaiChatStore *store = cfai_application_get_chat_store (app);
  CfaiChatPage *first = new_chat (fixture);
  CfaiConversation *blank;
  CfaiChatPage *page;
  guint n = n_chats ();
  gint64 id;

  /* Ctrl+N again: the same chat, no second one. */
  cfai_ui_test_press_key (GTK_WIDGET (cfai_chat_page_get_composer (first)), GDK_KEY_n, GDK_CONTROL_MASK);
  cfai_ui_test_settle (SETTLE_MS);
  g_assert_true (visible_page (fixture) == first);
  g_assert_cmpuint (n_chats (), ==, n);
  g_assert_true (cfai_ui_test_widget_has_focus (cfai_chat_page_get_composer (first)));

  /* Typed into, it is a chat: Ctrl+N makes a new one and this one stays. */
  cfai_ui_test_type_keys (GTK_WIDGET (cfai_chat_page_get_composer (first)), "x");
  page = new_chat (fixture);
  g_assert_cmpuint (n_chats (), ==, n + 1);
  blank = cfai_chat_page_get_conversation (page);
  id = cfai_conversation_get_id (blank);

  /* Leaving the new, blank one drops it. */
  select_chat (fixture, cfai_chat_page_get_conversation (first));
  g_assert_true (cfai_ui_test_wait_until (page_is, (gpointer[]) { fixture, first }, WAIT_MS));
  g_assert_null (cfai_chat_store_lookup_conversation (store, id));
  g_assert_cmpuint (n_chats (), ==, n);

  /* Without its draft the first is blank again, and New Chat reuses it. */
  cfai_ui_test_press_key (GTK_WIDGET (cfai_chat_page_get_composer (first)), GDK_KEY_BackSpace, 0);
  g_assert_cmpstr (cfai_conversation_get_draft (cfai_chat_page_get_conversation (first)), ==, "");
  cfai_ui_test_press_key (GTK_WIDGET (cfai_chat_page_get_composer (first)), GDK_KEY_n, GDK_CONTROL_MASK);
  cfai_ui_test_settle (SETTLE_MS);
  g_assert_true (visible_page (fixture) == first);
  g_assert_cmpuint (n_chats (), ==, n);
}

static gint64 left_blank_id;    /* written before the app started */
static gint64 left_drafted_id;

/* Blank chats in the file (CfAI quit on one) are gone once it is read;
 * one with a draft is not. */
static void
test_blank_chats_dropped_at_start (Fixture       *fixture,
                                   gconstpointer  data)
{
  CfaiChatStore *store = cfai_application_get_chat_store (app);
  CfaiConversation *drafted = cfai_chat_store_lookup_conversation (store, left_drafted_id);

  g_assert_nonnull (drafted);
  g_assert_cmpstr (cfai_conversation_get_draft (drafted), ==, "kept draft");
  g_assert_true (in_list (store, drafted));
  g_assert_null (cfai_chat_store_lookup_conversation (store, left_blank_id));
}

/* Before the app: a blank chat and one with a draft, in its history file. */
static void
write_left_chats (void)
{
  g_autofree char *path = cfai_chat_store_dup_default_path ();
  g_autoptr(CfaiChatStore) store = cfai_chat_store_new (path);
  CfaiConversationDefaults defaults = { .model = LLAMA, .max_tokens = 256,
                                        .temperature = CFAI_UNSET, .top_p = CFAI_UNSET, .seed = CFAI_UNSET };
  CfaiConversation *conversation;
  gboolean done = FALSE;

  cfai_chat_store_load_async (store, NULL, on_loaded, &done);
  g_assert_true (cfai_ui_test_wait_until (flag_set, &done, WAIT_MS));
  left_blank_id = cfai_conversation_get_id (cfai_chat_store_create_conversation (store, &defaults));
  conversation = cfai_chat_store_create_conversation (store, &defaults);
  cfai_conversation_set_draft (conversation, "kept draft");
  left_drafted_id = cfai_conversation_get_id (conversation);
  done = FALSE;
  cfai_chat_store_flush_async (store, NULL, on_flushed, &done);
  g_assert_true (cfai_ui_test_wait_until (flag_set, &done, WAIT_MS));
}

static void
test_drafts (Fixture       *fixture,
             gconstpointer  data)
{
  CfaiChatPage *a = new_chat (fixture);
  CfaiChatPage *b;
  g_autofree char *text = NULL;

  cfai_ui_test_type_keys (GTK_WIDGET (cfai_chat_page_get_composer (a)), "draft for A");
  g_assert_cmpstr (cfai_conversation_get_draft (cfai_chat_page_get_conversation (a)), ==, "draft for A");
  b = new_chat (fixture);
  text = composer_text (b);
  g_assert_cmpstr (text, ==, "");
  cfai_ui_test_type_keys (GTK_WIDGET (cfai_chat_page_get_composer (b)), "B");

  select_chat (fixture, cfai_chat_page_get_conversation (a));
  g_assert_true (cfai_ui_test_wait_until (page_is, (gpointer[]) { fixture, a }, WAIT_MS));
  g_clear_pointer (&text, g_free);
  text = composer_text (a);
  g_assert_cmpstr (text, ==, "draft for A");
  select_chat (fixture, cfai_chat_page_get_conversation (b));
  g_assert_true (cfai_ui_test_wait_until (page_is, (gpointer[]) { fixture, b }, WAIT_MS));
  g_clear_pointer (&text, g_free);
  text = composer_text (b);
  g_assert_cmpstr (text, ==, "B");
  g_assert_cmpstr (cfai_conversation_get_draft (cfai_chat_page_get_conversation (b)), ==, "B");
}

/* The application fetches the live catalog by itself once a window is up
 * and the token known: the picker never opens here. */
static gboolean
catalog_is_live (gpointer data)
{
  CfaiModelCatalog *catalog = cfai_application_get_catalog (app);

  return cfai_model_catalog_get_source (catalog) == CFAI_MODEL_CATALOG_SOURCE_NETWORK &&
         !cfai_model_catalog_get_is_refreshing (catalog);
}

/* A 2×2 PNG. */
static GBytes *
tiny_png (void)
{
  g_autoptr(GdkTexture) texture = NULL;
  guchar pixels[16] = { 255, 0, 0, 255,  0, 255, 0, 255,  0, 0, 255, 255,  255, 255, 255, 255 };
  g_autoptr(GBytes) data = g_bytes_new (pixels, sizeof pixels);

  texture = gdk_memory_texture_new (2, 2, GDK_MEMORY_R8G8B8A8, data, 8);
  return gdk_texture_save_to_png_bytes (texture);
}

static gboolean
has_attachments (gpointer data)
{
  return cfai_chat_page_get_n_attachments (data) > 0;
}

static void
paste_image (CfaiChatPage *page)
{
  GtkWidget *composer = GTK_WIDGET (cfai_chat_page_get_composer (page));
  g_autoptr(GBytes) png = tiny_png ();
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (png, NULL);

  gdk_clipboard_set_texture (gtk_widget_get_clipboard (composer), texture);
  cfai_ui_test_settle (SETTLE_MS);
  cfai_ui_test_press_key (composer, GDK_KEY_v, GDK_CONTROL_MASK);
  g_assert_true (cfai_ui_test_wait_until (has_attachments, page, WAIT_MS));
}

static void
test_attachments (Fixture       *fixture,
                  gconstpointer  data)
{
  CfaiChatPage *page;
  GListModel *messages;
  CfaiMessage *user;

  /* With the catalog the application fetched at start, whose entries for
   * Mistral Small 3.1 do not say "vision". */
  g_assert_true (cfai_ui_test_wait_until (catalog_is_live, NULL, WAIT_MS));

  /* Without vision: said so, nothing sent, nothing lost. */
  page = new_chat (fixture);
  messages = cfai_conversation_get_messages (cfai_chat_page_get_conversation (page));
  paste_image (page);
  g_assert_cmpuint (cfai_chat_page_get_n_attachments (page), ==, 1);
  type_and_send (page, "What is this");
  cfai_ui_test_settle (SETTLE_MS);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 0);
  g_assert_cmpuint (cfai_chat_page_get_n_attachments (page), ==, 1);
  g_assert_nonnull (find_label_containing (GTK_WIDGET (page),
                                           "cannot see images. Choose a model with vision, or remove the images."));

  /* With a vision model, the image goes with the message, in the form
   * the model's schema asks for (the fake server checks it). */
  cfai_conversation_set_model (cfai_chat_page_get_conversation (page), MISTRAL);
  cfai_ui_test_press_key (GTK_WIDGET (cfai_chat_page_get_composer (page)), GDK_KEY_Return, 0);
  g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));
  g_assert_cmpint (cfai_message_get_state (last_message (page)), ==, CFAI_MESSAGE_STATE_COMPLETE);
  user = g_list_model_get_item (messages, 0);
  g_assert_cmpuint (cfai_message_get_n_attachments (user), ==, 1);
  g_object_unref (user);
  g_assert_cmpuint (cfai_chat_page_get_n_attachments (page), ==, 0);
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-chat-image.png");
}

static void
wait_for_cost (CfaiChatPage *page,
               double        usd,
               double        neurons)
{
  g_autofree char *cost = g_strdup_printf ("≈ $%.5f (%.1f neurons)", usd, neurons);

  if (!cfai_ui_test_wait_until (shows_text, (gpointer[]) { page, cost }, WAIT_MS))
    {
      GtkWidget *shown = find_label_containing (GTK_WIDGET (page), "neurons");

      CfaiMessage *answer = last_message (page);

      g_error ("The usage line never showed “%s”; it shows “%s”; the answer is in state %d, error “%s”, "
               "%" G_GINT64_FORMAT " prompt tokens", cost,
               shown != NULL ? cfai_ui_test_get_text (shown) : "nothing with neurons",
               cfai_message_get_state (answer), cfai_message_get_error_message (answer),
               cfai_message_get_prompt_tokens (answer));
    }
}

/* The chat's pool keeps rows off the window, still showing their
 * messages (cfai-message-row-pool.c): an answer that completes while
 * its row is kept has its cost all the same once the row is back. */
static void
expect_cost_in_kept_row (CfaiMessage *answer,
                         double       usd,
                         double       neurons)
{
  g_autofree char *cost = g_strdup_printf ("≈ $%.5f (%.1f neurons)", usd, neurons);
  GtkWidget *row = g_object_ref_sink (g_object_new (CFAI_TYPE_MESSAGE_ROW, NULL));
  GtkWidget *window = gtk_window_new ();

  cfai_message_row_set_message (CFAI_MESSAGE_ROW (row), answer);
  gtk_window_set_child (GTK_WINDOW (window), row);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cfai_ui_test_wait_until (shows_text, (gpointer[]) { row, cost }, WAIT_MS));
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (row);
}

/* Under each answer, its cost in USD from the catalog's prices and in
 * neurons: the ones Workers AI reported where the stream carries them,
 * else estimated at $0.011 per 1,000.  The prices come from the live
 * catalog, which the application refreshed at start, without the model
 * picker ever being opened. */
static void
test_usage_cost (Fixture       *fixture,
                 gconstpointer  data)
{
  CfaiChatStore *store = cfai_application_get_chat_store (app);
  g_autoptr(CfaiChatStore) second = NULL;
  g_autoptr(CfaiMessage) saved = NULL;
  g_autoptr(CfaiMessage) priced = NULL;
  double priced_usd;
  CfaiConversation *again;
  CfaiChatPage *page;
  CfaiMessage *answer;
  gboolean done = FALSE;
  double usd, neurons;
  gint64 id;

  if (!cfai_ui_test_wait_until (catalog_is_live, NULL, WAIT_MS))
    g_error ("The application never refreshed the model catalog");

  /* Llama streams the classic format, without neurons; its prices
   * (tests/data/models) are $0.29 and $2.25 per million tokens. */
  page = new_chat (fixture);
  send_and_wait (page, "What does it cost");
  answer = last_message (page);
  g_assert_cmpfloat (cfai_message_get_neurons (answer), <=, 0);
  usd = (cfai_message_get_prompt_tokens (answer) * 0.29 + cfai_message_get_completion_tokens (answer) * 2.25) / 1e6;
  wait_for_cost (page, usd, usd / 0.011 * 1000);
  priced = g_object_ref (answer);
  priced_usd = usd;

  /* Gemma 4 streams chat chunks and ends with Workers AI's native usage
   * event, which carries the neurons billed (the fake rounds them to two
   * decimals, as the dashboard does): those are shown, not an estimate
   * from the prices ($0.10 and $0.30 per million tokens), and they are
   * saved with the answer. */
  page = new_chat (fixture);
  cfai_conversation_set_model (cfai_chat_page_get_conversation (page), GEMMA);
  send_and_wait (page, "What does thinking cost");
  answer = last_message (page);
  usd = (cfai_message_get_prompt_tokens (answer) * 0.10 + cfai_message_get_completion_tokens (answer) * 0.30) / 1e6;
  neurons = (double) (gint64) (usd / 0.011 * 1000 * 100 + 0.5) / 100;
  g_assert_cmpfloat (neurons, >, 0);
  g_assert_cmpfloat_with_epsilon (cfai_message_get_neurons (answer), neurons, 1e-9);
  wait_for_cost (page, neurons * 0.011 / 1000, neurons);

  id = cfai_conversation_get_id (cfai_chat_page_get_conversation (page));
  cfai_chat_store_flush_async (store, NULL, on_flushed, &done);
  g_assert_true (cfai_ui_test_wait_until (flag_set, &done, WAIT_MS));
  second = cfai_chat_store_new (cfai_chat_store_get_path (store));
  done = FALSE;
  cfai_chat_store_load_async (second, NULL, on_loaded, &done);
  g_assert_true (cfai_ui_test_wait_until (flag_set, &done, WAIT_MS));
  again = cfai_chat_store_lookup_conversation (second, id);
  g_assert_nonnull (again);
  done = FALSE;
  cfai_conversation_load_async (again, NULL, on_conversation_loaded, &done);
  g_assert_true (cfai_ui_test_wait_until (flag_set, &done, WAIT_MS));
  saved = g_list_model_get_item (cfai_conversation_get_messages (again), 1);
  g_assert_cmpfloat_with_epsilon (cfai_message_get_neurons (saved), neurons, 1e-9);
  g_assert_cmpint (cfai_message_get_prompt_tokens (saved), ==, cfai_message_get_prompt_tokens (answer));

  /* Last, as its window takes the focus. */
  expect_cost_in_kept_row (priced, priced_usd, priced_usd / 0.011 * 1000);
}

#define MARKDOWN_PROMPT \
  "Summarise **server-sent events** for me:\n\n" \
  "## What they are\n\n" \
  "- one HTTP response that *stays open*\n" \
  "- events as `data:` lines\n\n" \
  "```c\n" \
  "g_signal_connect (stream, \"text-delta\",\n" \
  "                  G_CALLBACK (on_delta), page);\n" \
  "```\n\n" \
  "| Format | Used by |\n" \
  "| --- | --- |\n" \
  "| native | classic models |\n" \
  "| chunks | chat models |\n\n" \
  "Thanks"

/* A chat at rest draws nothing: nothing of the page animates once an
 * answer is shown (following the stream, settling code blocks and rows
 * are done with), which a loop between them would break, costing CPU
 * and battery.  GTK's own animations are off here (animations_off()). */
static void
test_at_rest (Fixture       *fixture,
              gconstpointer  data)
{
  Animations animations = animations_off ();
  CfaiChatPage *page;
  guint frames;

  page = new_chat (fixture);
  /* An answer with a code block and a table (the fake says the prompt
   * back). */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (cfai_chat_page_get_composer (page)), MARKDOWN_PROMPT, -1);
  cfai_ui_test_press_key (GTK_WIDGET (cfai_chat_page_get_composer (page)), GDK_KEY_Return, 0);
  g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));
  g_assert_nonnull (strstr (cfai_message_get_content (last_message (page)), "| chunks | chat models |"));
  /* Past the transitions a turn's end starts (Stop back to Send). */
  cfai_ui_test_settle (1000);

  frames = frames_drawn (page, 1000);
  /* A frame or two for a clock tick elsewhere (the chats' relative
   * times); a loop draws every frame. */
  g_test_message ("%u frames in 1 s at rest", frames);
  g_assert_cmpuint (frames, <=, 2);
  animations_restore (animations);
}


/* A chat with Markdown, code, a table and thinking, for the README. */
static void
test_screenshot (Fixture       *fixture,
                 gconstpointer  data)
{
  CfaiChatStore *store = cfai_application_get_chat_store (app);
  GListModel *conversations = cfai_chat_store_get_conversations (store);
  CfaiChatPage *page;
  GtkTextBuffer *buffer;

  /* The picture shows one chat, not the ones the other tests left. */
  while (g_list_model_get_n_items (conversations) > 0)
    {
      g_autoptr(CfaiConversation) conversation = g_list_model_get_item (conversations, 0);

      cfai_chat_store_delete_conversation (store, conversation);
      cfai_chat_store_purge_conversation (store, conversation);
    }

  use_scenario (fixture, "reasoning");
  page = new_chat (fixture);
  type_and_send (page, "Hi! What can you do?");
  g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));
  buffer = gtk_text_view_get_buffer (cfai_chat_page_get_composer (page));
  gtk_text_buffer_set_text (buffer, MARKDOWN_PROMPT, -1);
  cfai_ui_test_press_key (GTK_WIDGET (cfai_chat_page_get_composer (page)), GDK_KEY_Return, 0);
  g_assert_true (cfai_ui_test_wait_until (answer_ended, page, WAIT_MS));
  g_assert_cmpuint (cfai_message_get_reasoning_length (last_message (page)), >, 0);
  cfai_ui_test_settle (500);
  cfai_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "screenshot-chat.png");
}

static void
test_delete_undo (Fixture       *fixture,
                  gconstpointer  data)
{
  CfaiChatStore *store = cfai_application_get_chat_store (app);
  CfaiChatPage *page = new_chat (fixture);
  CfaiConversation *conversation = g_object_ref (cfai_chat_page_get_conversation (page));
  gint64 id = cfai_conversation_get_id (conversation);
  GtkWidget *undo;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.delete-chat", "x", id);
  g_assert_false (in_list (store, conversation));
  g_assert_true (visible_page (fixture) == NULL);
  undo = wait_for_button (window_child (fixture, "toast_overlay"), "Undo");
  cfai_ui_test_click (undo);
  cfai_ui_test_settle (SETTLE_MS);
  g_assert_true (in_list (store, conversation));
  g_object_unref (conversation);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  GTestDBus *bus;
  int ret;

  cfai_test_isolate_home ("cfai-test-chat");
  g_unsetenv ("CLOUDFLARE_API_TOKEN");
  g_unsetenv ("CLOUDFLARE_ACCOUNT_ID");
  g_unsetenv ("CFAI_API_BASE_URL");
  g_test_init (&argc, &argv, NULL);
  cfai_ui_test_init ();

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_error ("UI tests need a display; run them through build-aux/test-session");

  bus = cfai_ui_test_private_bus_up ();
  server = cfai_test_server_start ();
  {
    g_autoptr(GSettings) settings = g_settings_new (BASE_APPLICATION_ID);
    g_autofree char *base = cfai_test_server_api_base (server, NULL);

    g_settings_set_string (settings, "api-base-url", base);
    g_settings_set_string (settings, "account-id", "test-account");
  }

  write_left_chats ();
  app = cfai_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cfai_ui_test_wait_until (credentials_loaded, app, WAIT_MS));

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/chat/blank-chats-dropped-at-start", test_blank_chats_dropped_at_start);
  ADD ("/chat/at-rest", test_at_rest);
  ADD ("/chat/waiting-for-answer", test_waiting_for_answer);
  ADD ("/chat/first-token-keeps-place", test_first_token_keeps_place);
  ADD ("/chat/send-and-stream", test_send_and_stream);
  ADD ("/chat/stop", test_stop);
  ADD ("/chat/continue-after-length", test_continue_after_length);
  ADD ("/chat/errors", test_errors);
  ADD ("/chat/cut-stream", test_cut_stream);
  ADD ("/chat/retry-keeps-interrupted", test_retry_keeps_interrupted);
  ADD ("/chat/restart-persistence", test_restart_persistence);
  ADD ("/chat/settings-panel", test_settings_panel);
  ADD ("/chat/drafts", test_drafts);
  ADD ("/chat/empty-chats", test_empty_chats);
  ADD ("/chat/usage-cost", test_usage_cost);
  ADD ("/chat/attachments", test_attachments);
  ADD ("/chat/delete-undo", test_delete_undo);
  ADD ("/chat/screenshot", test_screenshot);
#undef ADD

  ret = g_test_run ();

  cfai_ui_test_close_windows (GTK_APPLICATION (app));
  g_clear_object (&app);
  g_clear_pointer (&server, cfai_test_server_stop);
  g_test_dbus_stop (bus);
  return ret;
}
