/* bench-chat.c — a long chat in the real window: opening, memory, scrolling,
 * and what the UI adds to the first token
 *
 * The application, its window and the chat page run as they do for a
 * user (run under build-aux/test-session), on a private data folder and
 * the fake Workers AI server:
 *
 * 1. A chat of 5,000 messages made from a fixed seed, shaped like real
 *    ones (short and long questions, some with pasted code; short
 *    answers, Markdown answers with lists, code blocks, tables and
 *    headings, a few long ones, some with thinking), written by a child
 *    process so that building it costs this process no memory.
 * 2. Opening it from the sidebar: the time until the first frame that
 *    shows its newest message (target ≤ 300 ms), and until all of it is
 *    read; the process's RSS once it is shown (target ≤ 250 MB).
 * 3. Scrolling it end to end, bottom to top, one page per frame through
 *    the scrolled window's adjustment (a page per frame is as much new
 *    content per frame as any faster scroll, a scrollbar drag, brings):
 *    each frame's time from the frame clock's update to its after-paint,
 *    the longest and percentiles (target: none over 32 ms), and the main
 *    thread's CPU time in the frame (the rest is waiting, for Xvfb and
 *    the renderer on a shared machine); and the frames that drew a
 *    message in view without its row, as the space it will take (must
 *    be none).
 * 4. The first token, three times: with the fake server sending the
 *    whole answer at once, pacing it (its "slow" scenario, 50 ms before
 *    each event), and pacing it after 300 ms before the first event as a
 *    model reading the prompt does ("slow-start").  In a new chat, a
 *    message sent with chat.send; the time from sending to the stream's
 *    first delta and from that delta to the first frame that shows it in
 *    the answer's row, against the same request streamed bare (a
 *    CfaiChatStream with no UI) from start to first delta, in a process
 *    of its own with nothing but GLib's main loop.  The UI's part is the
 *    difference (target ≤ 5 ms).  Of it, the wait from the delta to the
 *    start of that frame is printed apart: GDK begins a frame no sooner
 *    than a refresh interval after the last one, and the focused
 *    composer's cursor blink ticks the clock every refresh.  The same
 *    bare stream in this process, among the window's frames, is printed
 *    too: it waits for them as the page does.
 *
 * Every step is checked (counts, the rows shown, the text), so a bench
 * that silently showed nothing fails instead of looking fast.  With
 * CFAI_BENCH_STRICT=1 a missed target makes it exit non-zero, after
 * printing everything.  CFAI_BENCH_MESSAGES overrides the chat's size,
 * CFAI_BENCH_FIRST_TOKEN_RUNS the sends measured (default 15),
 * CFAI_BENCH_ONLY=scroll or first-token skips the other part,
 * CFAI_BENCH_SCROLL_FRAMES=N stops the scroll after N frames,
 * CFAI_BENCH_SCROLL_STEP=PX scrolls PX a frame instead of a page (1: only
 * drawing again; 200: a fast fling, 12,000 px/s),
 * CFAI_BENCH_DEBUG=1 prints each frame of the opening and the scroll's
 * progress, and the phases (update, each layout pass, paint, after-paint)
 * of the frames up to the one that counts, in ms from the activation or
 * the send, with the first delta among them; CFAI_BENCH_CALLGRIND=open, under
 *   valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes
 * counts only the opening's instructions (=scroll: the scroll's; with
 * CFAI_BENCH_CALLGRIND_FROM=N, from the scroll's Nth frame on, past the
 * first use of each code language; CFAI_BENCH_CALLGRIND_EACH=1 counts
 * each scroll frame apart, a file each; =first-token: from each send to
 * the frame that shows its delta; =first-delta: from the delta to that
 * frame).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfai-application.h"
#include "cfai-chat-page.h"
#include "cfai-chat-store.h"
#include "cfai-chat-stream.h"
#include "cfai-markdown-view.h"
#include "cfai-message-slot.h"
#include "cfai-message-row.h"
#include "cfai-test-home.h"
#include "cfai-test-server.h"
#include "cfai-ui-test.h"
#include "cfai-window.h"

#ifdef HAVE_CALLGRIND_H
#include <valgrind/callgrind.h>
#endif

#define DEFAULT_MESSAGES 5000
#define DEFAULT_FIRST_TOKEN_RUNS 15
#define SEED 20261202
#define WAIT_MS 60000
#define MODEL "@cf/meta/llama-3.3-70b-instruct-fp8-fast"

#define TARGET_FIRST_FRAME_MS 300.0
#define TARGET_RSS_MB 250.0
#define TARGET_SCROLL_FRAME_MS 32.0
#define TARGET_FIRST_TOKEN_MS 5.0

static CfaiApplication *app;
static CfaiTestServer *server;
static gboolean missed;

/* ------------------------------------------------------------------ */
/* The chat                                                           */
/* ------------------------------------------------------------------ */

static const char * const words[] = {
  "the", "model", "stream", "token", "answer", "Workers", "AI", "returns", "each",
  "request", "with", "a", "context", "window", "of", "and", "prompt", "cache",
  "latency", "is", "lower", "when", "you", "reuse", "session", "keys", "for",
  "follow-up", "turns", "so", "that", "first", "tokens", "arrive", "sooner",
  "database", "query", "index", "function", "returns", "error", "value", "type",
};

static const char * const code_lines[] = {
  "import json\n", "def handle(request):\n", "    body = json.loads(request.body)\n",
  "    for item in body[\"items\"]:\n", "        yield item.get(\"id\"), item.get(\"name\")\n",
  "\n", "    return {\"ok\": True, \"count\": len(body)}\n",
  "const res = await fetch(url, { method: \"POST\" });\n", "if (!res.ok) throw new Error(res.statusText);\n",
  "int main (void) { return 0; }\n", "curl -s https://api.cloudflare.com/client/v4/accounts \\\n",
  "SELECT id, title FROM conversations WHERE pinned = 1 ORDER BY updated_at DESC;\n",
};

static const char * const languages[] = { "python", "js", "c", "sh", "sql", "rust", "" };

static void
add_words (GString *out,
           GRand   *rand,
           guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      const char *word = words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))];
      guint style = g_rand_int_range (rand, 0, 25);

      if (i > 0)
        g_string_append_c (out, ' ');
      if (style == 0)
        g_string_append_printf (out, "**%s**", word);
      else if (style == 1)
        g_string_append_printf (out, "`%s`", word);
      else if (style == 2)
        g_string_append_printf (out, "[%s](https://developers.cloudflare.com/workers-ai/%s)", word, word);
      else
        g_string_append (out, word);
    }
}

static void
add_paragraph (GString *out,
               GRand   *rand,
               guint    min,
               guint    max)
{
  add_words (out, rand, g_rand_int_range (rand, min, max));
  g_string_append (out, ".\n\n");
}

static void
add_code (GString *out,
          GRand   *rand,
          guint    min,
          guint    max)
{
  guint lines = g_rand_int_range (rand, min, max);

  g_string_append_printf (out, "```%s\n", languages[g_rand_int_range (rand, 0, G_N_ELEMENTS (languages))]);
  for (guint i = 0; i < lines; i++)
    g_string_append (out, code_lines[g_rand_int_range (rand, 0, G_N_ELEMENTS (code_lines))]);
  g_string_append (out, "```\n\n");
}

static void
add_list (GString *out,
          GRand   *rand)
{
  gboolean ordered = g_rand_boolean (rand);
  guint n = g_rand_int_range (rand, 3, 8);

  for (guint i = 0; i < n; i++)
    {
      if (ordered)
        g_string_append_printf (out, "%u. ", i + 1);
      else
        g_string_append (out, "- ");
      add_words (out, rand, g_rand_int_range (rand, 4, 20));
      g_string_append_c (out, '\n');
    }
  g_string_append_c (out, '\n');
}

static void
add_table (GString *out,
           GRand   *rand)
{
  guint rows = g_rand_int_range (rand, 3, 9);

  g_string_append (out, "| Model | Context | Price |\n| --- | ---: | ---: |\n");
  for (guint i = 0; i < rows; i++)
    g_string_append_printf (out, "| model-%u | %uk | $%u.%02u |\n", i, 8 << (i % 5), i,
                            g_rand_int_range (rand, 0, 100));
  g_string_append_c (out, '\n');
}

static char *
make_question (GRand *rand)
{
  GString *out = g_string_new (NULL);
  guint kind = g_rand_int_range (rand, 0, 10);

  if (kind < 7)
    add_words (out, rand, g_rand_int_range (rand, 5, 25));
  else if (kind < 9)
    for (guint i = 0, n = g_rand_int_range (rand, 2, 5); i < n; i++)
      add_paragraph (out, rand, 10, 30);
  else
    {
      /* Pasted code, which a user message shows as plain text. */
      add_paragraph (out, rand, 5, 15);
      add_code (out, rand, 10, 40);
    }
  g_strstrip (out->str);
  out->len = strlen (out->str);
  g_string_append_c (out, '?');
  return g_string_free (out, FALSE);
}

static char *
make_answer (GRand *rand)
{
  GString *out = g_string_new (NULL);
  guint kind = g_rand_int_range (rand, 0, 20);

  if (kind < 5)            /* short */
    add_paragraph (out, rand, 8, 40);
  else if (kind < 12)      /* paragraphs and a list */
    {
      add_paragraph (out, rand, 20, 60);
      add_list (out, rand);
      add_paragraph (out, rand, 10, 50);
    }
  else if (kind < 17)      /* with code */
    {
      add_paragraph (out, rand, 10, 40);
      add_code (out, rand, 5, 40);
      add_paragraph (out, rand, 10, 40);
    }
  else                     /* long: sections with everything */
    {
      guint sections = kind == 19 ? g_rand_int_range (rand, 8, 16) : g_rand_int_range (rand, 3, 7);

      for (guint i = 0; i < sections; i++)
        {
          g_string_append_printf (out, "## Part %u\n\n", i + 1);
          add_paragraph (out, rand, 30, 90);
          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0: add_code (out, rand, 4, 30); break;
            case 1: add_list (out, rand); break;
            case 2: add_table (out, rand); break;
            default:
              g_string_append (out, "> ");
              add_paragraph (out, rand, 10, 30);
              break;
            }
        }
    }
  return g_string_free (out, FALSE);
}

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* Runs in a child process (see main()). */
static int
build_chat (const char *path,
            guint       n_messages)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CfaiChatStore *store = cfai_chat_store_new (path);
  const CfaiConversationDefaults defaults = {
    .model = MODEL, .max_tokens = 2048,
    .temperature = CFAI_UNSET, .top_p = CFAI_UNSET, .seed = CFAI_UNSET,
  };
  CfaiConversation *conversation;
  gsize bytes = 0;

  cfai_chat_store_load_async (store, NULL, got_result, &result);
  if (!cfai_chat_store_load_finish (store, wait_for (&result), &error))
    g_error ("could not open %s: %s", path, error->message);
  g_clear_object (&result);

  conversation = cfai_chat_store_create_conversation (store, &defaults);
  for (guint i = 0; i < n_messages; i++)
    {
      if (i % 2 == 0)
        {
          g_autofree char *question = make_question (rand);

          bytes += strlen (question);
          cfai_conversation_add_message (conversation, CFAI_CHAT_ROLE_USER, question);
        }
      else
        {
          g_autofree char *answer = make_answer (rand);
          CfaiMessage *message = cfai_conversation_begin_answer (conversation);

          bytes += strlen (answer);
          if (g_rand_int_range (rand, 0, 10) == 0)
            {
              g_autoptr(GString) thinking = g_string_new (NULL);

              add_paragraph (thinking, rand, 20, 120);
              cfai_message_append_reasoning (message, thinking->str, -1);
            }
          cfai_message_append_content (message, answer, -1);
          cfai_message_set_usage (message, 1200 + i, 400, 0, CFAI_UNSET);
          cfai_message_set_timings (message, 210, 4100, 97.5);
          cfai_message_set_finish_reason (message, "stop");
          cfai_message_set_state (message, CFAI_MESSAGE_STATE_COMPLETE);
        }
    }

  cfai_chat_store_flush_async (store, NULL, got_result, &result);
  if (!cfai_chat_store_flush_finish (store, wait_for (&result), &error))
    g_error ("could not save the chat: %s", error->message);
  g_print ("chat of %u messages, %.1f MB of text\n", n_messages, bytes / 1e6);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (store);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Frames                                                             */
/* ------------------------------------------------------------------ */

typedef struct _Bench Bench;
typedef void (*FrameHook) (Bench *bench, gint64 painted_at);

struct _Bench
{
  CfaiWindow       *window;
  CfaiChatPage     *page;
  CfaiConversation *conversation;
  GtkWidget        *list;
  GtkScrolledWindow *scroller;

  GdkFrameClock    *clock;
  gint64            update_start;
  gint64            frame_began;   /* the update phase of the last frame that began */
  gint64            layout_end;    /* when the last layout pass ended */
  gint64            paint_end;     /* and the paint phase */
  gint64            cpu_start;
  guint             n_frames;      /* every frame that reached after-paint */
  gboolean          recording;     /* the next after-paint goes into times and cpu */
  guint             unmade_frames; /* recorded frames that drew a message in view without its row */
  GArray           *times;         /* gint64 µs, update to after-paint */
  GArray           *layout_times;  /* of which update to the last layout pass's end */
  GArray           *paint_times;   /* and the paint phase: snapshot and render */
  GArray           *cpu;           /* gint64 µs of main-thread CPU time */
  FrameHook         hook;          /* called at every after-paint */
  gint64            last_paint_at;

  /* Opening. */
  gint64            open_start;
  gint64            first_rows_at;   /* the first frame with messages, wherever they are */
  gint64            first_frame_at;

  /* Scrolling. */
  gboolean          scroll_done;
  gboolean          send_counted;        /* the send measured is not the first */
  gint64            shown_cpu;           /* µs of main-thread CPU in the frame showing the delta */
  guint             scroll_ticks;
  guint             scroll_tick;
  guint             max_scroll_frames;   /* CFAI_BENCH_SCROLL_FRAMES, 0: to the top */

  /* The first token. */
  CfaiMessage      *answer;
  gint64            send_at;
  gint64            delta_at;
  gint64            shown_at;
  gint64            shown_began;   /* the update phase of the frame showing the delta */
};

/* CPU time of the calling thread: a frame's wall time also holds waits
 * for other programs on a shared machine and for the X server. */
static gint64
thread_cpu_time (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

static void first_token_hook (Bench  *bench,
                              gint64  painted_at);

static void open_hook (Bench  *bench,
                       gint64  painted_at);

/* With CFAI_BENCH_DEBUG, what happens between a send and the frame
 * that shows its first delta, in ms from the send, and the same for
 * the frames of an opening. */
static void
trace_frame (Bench      *bench,
                   const char *what)
{
  if (g_getenv ("CFAI_BENCH_DEBUG") == NULL)
    return;
  if (bench->hook == first_token_hook && bench->shown_at == 0)
    g_print ("    %+7.2f ms %s\n", (g_get_monotonic_time () - bench->send_at) / 1000.0, what);
  else if (bench->hook == open_hook && bench->first_frame_at == 0)
    g_print ("    %+7.2f ms %s\n", (g_get_monotonic_time () - bench->open_start) / 1000.0, what);
}

static void
on_update (GdkFrameClock *clock,
           Bench         *bench)
{
  bench->update_start = g_get_monotonic_time ();
  bench->frame_began = bench->update_start;
  bench->cpu_start = thread_cpu_time ();
  trace_frame (bench, "frame: update");
}

static void
on_layout (GdkFrameClock *clock,
           Bench         *bench)
{
  trace_frame (bench, "frame: layout");
}

static void
on_paint (GdkFrameClock *clock,
          Bench         *bench)
{
  trace_frame (bench, "frame: paint");
}

/* Connected after the window's own handlers, so they end the phases. */
static void
on_layout_done (GdkFrameClock *clock,
                Bench         *bench)
{
  bench->layout_end = g_get_monotonic_time ();
}

static void
on_paint_done (GdkFrameClock *clock,
               Bench         *bench)
{
  bench->paint_end = g_get_monotonic_time ();
}

static gboolean is_in_view (Bench *bench, GtkWidget *widget);

/* Whether the frame drew a message in view as the space its row will
 * take, without the row: what scrolling must never show. */
static gboolean
shows_unmade_row (Bench *bench)
{
  if (bench->list == NULL)
    return FALSE;
  for (GtkWidget *item = gtk_widget_get_first_child (bench->list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *slot = gtk_widget_get_first_child (item);

      if (CFAI_IS_MESSAGE_SLOT (slot) &&
          cfai_message_slot_get_message (CFAI_MESSAGE_SLOT (slot)) != NULL &&
          cfai_message_slot_get_row (CFAI_MESSAGE_SLOT (slot)) == NULL &&
          is_in_view (bench, slot))
        return TRUE;
    }
  return FALSE;
}

static void
on_after_paint (GdkFrameClock *clock,
                Bench         *bench)
{
  gint64 now = g_get_monotonic_time ();

  trace_frame (bench, "frame: after-paint");
  if (bench->recording && bench->update_start != 0)
    {
      gint64 time = now - bench->update_start;
      gint64 cpu = thread_cpu_time () - bench->cpu_start;

      g_array_append_val (bench->times, time);
      g_array_append_val (bench->cpu, cpu);
      if (shows_unmade_row (bench))
        bench->unmade_frames++;
      if (bench->layout_end >= bench->update_start && bench->paint_end >= bench->layout_end)
        {
          gint64 layout = bench->layout_end - bench->update_start;
          gint64 paint = bench->paint_end - bench->layout_end;

          g_array_append_val (bench->layout_times, layout);
          g_array_append_val (bench->paint_times, paint);
        }
    }
  bench->recording = FALSE;
  bench->update_start = 0;
  bench->last_paint_at = now;
  bench->n_frames++;
  if (bench->hook != NULL)
    bench->hook (bench, now);
}

static void
watch_frames (Bench *bench)
{
  bench->clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench->window));
  g_assert_nonnull (bench->clock);
  g_signal_connect (bench->clock, "update", G_CALLBACK (on_update), bench);
  g_signal_connect_after (bench->clock, "after-paint", G_CALLBACK (on_after_paint), bench);
  g_signal_connect_after (bench->clock, "layout", G_CALLBACK (on_layout_done), bench);
  g_signal_connect_after (bench->clock, "paint", G_CALLBACK (on_paint_done), bench);
  if (g_getenv ("CFAI_BENCH_DEBUG") != NULL)
    {
      g_signal_connect (bench->clock, "layout", G_CALLBACK (on_layout), bench);
      g_signal_connect (bench->clock, "paint", G_CALLBACK (on_paint), bench);
    }
  bench->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench->cpu = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench->layout_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench->paint_times = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
wait_frames (Bench *bench,
             guint  n)
{
  guint until = bench->n_frames + n;

  while (bench->n_frames < until)
    {
      gtk_widget_queue_draw (GTK_WIDGET (bench->window));
      g_main_context_iteration (NULL, TRUE);
    }
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static double
percentile_ms (GArray *sorted,
               double  p)
{
  guint i;

  if (sorted->len == 0)
    return 0;
  i = MIN (sorted->len - 1, (guint) (p / 100.0 * sorted->len));
  return g_array_index (sorted, gint64, i) / 1000.0;
}

/* Prints the recorded frames and returns the longest, in ms. */
static double
report_frames (Bench      *bench,
               const char *what)
{
  g_autoptr(GArray) times = g_array_copy (bench->times);
  g_autoptr(GArray) cpu = g_array_copy (bench->cpu);
  g_autoptr(GArray) layout = g_array_copy (bench->layout_times);
  g_autoptr(GArray) paint = g_array_copy (bench->paint_times);
  guint over = 0;
  double longest;

  g_array_sort (times, compare_gint64);
  g_array_sort (cpu, compare_gint64);
  g_array_sort (layout, compare_gint64);
  g_array_sort (paint, compare_gint64);
  for (guint i = 0; i < times->len; i++)
    over += g_array_index (times, gint64, i) > TARGET_SCROLL_FRAME_MS * 1000;
  longest = percentile_ms (times, 100);
  g_print ("%s: %u frames, longest %.1f ms, p99 %.1f ms, p95 %.1f ms, median %.1f ms; "
           "%u over %.0f ms\n",
           what, times->len, longest, percentile_ms (times, 99), percentile_ms (times, 95),
           percentile_ms (times, 50), over, TARGET_SCROLL_FRAME_MS);
  g_print ("  main-thread CPU per frame: longest %.1f ms, p99 %.1f ms, median %.1f ms\n",
           percentile_ms (cpu, 100), percentile_ms (cpu, 99), percentile_ms (cpu, 50));
  g_print ("  of which layout (ticks, measuring, allocating): p95 %.1f ms, median %.1f ms; "
           "paint (snapshot, render): p95 %.1f ms, median %.1f ms\n",
           percentile_ms (layout, 95), percentile_ms (layout, 50), percentile_ms (paint, 95), percentile_ms (paint, 50));
  g_array_set_size (bench->times, 0);
  g_array_set_size (bench->cpu, 0);
  g_array_set_size (bench->layout_times, 0);
  g_array_set_size (bench->paint_times, 0);
  return longest;
}

/* ------------------------------------------------------------------ */
/* What is shown                                                      */
/* ------------------------------------------------------------------ */

static gpointer
window_child (Bench      *bench,
              const char *name)
{
  gpointer widget = gtk_widget_get_template_child (GTK_WIDGET (bench->window), CFAI_TYPE_WINDOW, name);

  g_assert_nonnull (widget);
  return widget;
}

static CfaiChatPage *
visible_page (Bench *bench)
{
  GtkWidget *child = gtk_stack_get_visible_child (window_child (bench, "content_stack"));

  return CFAI_IS_CHAT_PAGE (child) ? CFAI_CHAT_PAGE (child) : NULL;
}

static void
use_page (Bench        *bench,
          CfaiChatPage *page)
{
  bench->page = page;
  bench->conversation = cfai_chat_page_get_conversation (page);
  bench->list = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (page), CFAI_TYPE_CHAT_PAGE, "message_list");
  bench->scroller = (GtkScrolledWindow *) gtk_widget_get_template_child (GTK_WIDGET (page), CFAI_TYPE_CHAT_PAGE, "scroller");
  g_assert_nonnull (bench->list);
  g_assert_nonnull (bench->scroller);
}

/* The row in a list item's slot: none while it is far from what is shown. */
static GtkWidget *
item_row (GtkWidget *item)
{
  GtkWidget *slot = gtk_widget_get_first_child (item);

  return CFAI_IS_MESSAGE_SLOT (slot) ? cfai_message_slot_get_row (CFAI_MESSAGE_SLOT (slot)) : NULL;
}

/* The list's row for @message, if it has one. */
static GtkWidget *
find_row (GtkWidget   *list,
          CfaiMessage *message)
{
  for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = item_row (item);

      if (row != NULL && cfai_message_row_get_message (CFAI_MESSAGE_ROW (row)) == message)
        return row;
    }
  return NULL;
}

/* Whether @widget is drawn inside what the chat's scrolled window shows. */
static gboolean
is_in_view (Bench     *bench,
            GtkWidget *widget)
{
  graphene_rect_t bounds;
  int height = gtk_widget_get_height (GTK_WIDGET (bench->scroller));

  return widget != NULL && gtk_widget_get_mapped (widget) &&
         gtk_widget_compute_bounds (widget, GTK_WIDGET (bench->scroller), &bounds) &&
         bounds.size.height > 0 && bounds.origin.y < height &&
         bounds.origin.y + bounds.size.height > 0;
}

static CfaiMessage *
message_at (Bench *bench,
            guint  position)
{
  GListModel *messages = cfai_conversation_get_messages (bench->conversation);
  g_autoptr(CfaiMessage) message = position < g_list_model_get_n_items (messages)
                                   ? g_list_model_get_item (messages, position) : NULL;

  return message;   /* the list keeps it */
}

static CfaiMessage *
last_message (Bench *bench)
{
  guint n = g_list_model_get_n_items (cfai_conversation_get_messages (bench->conversation));

  return n > 0 ? message_at (bench, n - 1) : NULL;
}

static gboolean
shows_last_message (Bench *bench)
{
  CfaiMessage *last = last_message (bench);

  return last != NULL && is_in_view (bench, find_row (bench->list, last));
}

/* A label with text, drawn, under @widget. */
static GtkWidget *
find_text (GtkWidget *widget)
{
  const char *text = cfai_ui_test_get_text (widget);

  if (text != NULL && *text != '\0' && gtk_widget_get_mapped (widget) && gtk_widget_get_height (widget) > 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_text (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static double
rss_mb (void)
{
  g_autofree char *statm = NULL;
  unsigned long size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL) ||
      sscanf (statm, "%lu %lu", &size, &resident) != 2)
    return -1;
  return resident * (double) sysconf (_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static gboolean
wait_until (gboolean (*condition) (Bench *bench),
            Bench     *bench)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

#ifdef HAVE_CALLGRIND_H
  /* Valgrind runs the program some fifty times slower. */
  if (RUNNING_ON_VALGRIND)
    deadline += 20 * (gint64) WAIT_MS * 1000;
#endif
  while (!condition (bench))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, TRUE);
    }
  return TRUE;
}

static void
check_target (gboolean    met,
              const char *what)
{
  if (!met)
    {
      g_print ("  MISSED: %s\n", what);
      missed = TRUE;
    }
}

/* ------------------------------------------------------------------ */
/* Opening                                                            */
/* ------------------------------------------------------------------ */

static void
open_hook (Bench  *bench,
           gint64  painted_at)
{
  CfaiChatPage *page = visible_page (bench);

  if (bench->first_frame_at != 0 || page == NULL || !gtk_widget_get_mapped (GTK_WIDGET (page)))
    return;
  if (bench->page != page)
    use_page (bench, page);
  if (g_getenv ("CFAI_BENCH_DEBUG") != NULL)
    {
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (bench->scroller);

      guint rows = 0;

      for (GtkWidget *c = gtk_widget_get_first_child (bench->list); c; c = gtk_widget_get_next_sibling (c))
        rows++;
      g_print ("  frame at %.1f ms: %u rows, %u messages, value %.0f of %.0f (page %.0f), last row %p\n",
               (painted_at - bench->open_start) / 1000.0, rows,
               g_list_model_get_n_items (cfai_conversation_get_messages (bench->conversation)),
               gtk_adjustment_get_value (adj), gtk_adjustment_get_upper (adj),
               gtk_adjustment_get_page_size (adj),
               last_message (bench) ? (gpointer) find_row (bench->list, last_message (bench)) : NULL);
    }
  if (bench->first_rows_at == 0 && last_message (bench) != NULL)
    bench->first_rows_at = painted_at;
  if (shows_last_message (bench))
    bench->first_frame_at = painted_at;
}

static gboolean
first_frame_shown (Bench *bench)
{
  return bench->first_frame_at != 0;
}

static gboolean
chat_loaded (Bench *bench)
{
  return cfai_conversation_get_loaded (bench->conversation);
}

static gboolean
store_loaded (Bench *bench)
{
  return cfai_chat_store_get_loaded (cfai_application_get_chat_store (app));
}

static void
measure_open (Bench *bench,
              guint  n_messages)
{
  GtkListView *chat_list = window_child (bench, "chat_list");
  GListModel *chats = G_LIST_MODEL (gtk_list_view_get_model (chat_list));
  g_autoptr(CfaiConversation) chat = NULL;
  double rss_before, first_ms, all_ms;
  gint64 loaded_at;

  g_assert_cmpuint (g_list_model_get_n_items (chats), ==, 1);
  chat = g_list_model_get_item (chats, 0);
  g_assert_cmpuint (cfai_conversation_get_message_count (chat), ==, n_messages);
  g_assert_false (cfai_conversation_get_loaded (chat));
  rss_before = rss_mb ();

  bench->hook = open_hook;
  bench->recording = FALSE;
#ifdef HAVE_CALLGRIND_H
  if (g_strcmp0 (g_getenv ("CFAI_BENCH_CALLGRIND"), "open") == 0)
    CALLGRIND_START_INSTRUMENTATION;
#endif
  bench->open_start = g_get_monotonic_time ();
  /* As a click or Enter on the chat's row does. */
  g_signal_emit_by_name (chat_list, "activate", 0);
  g_assert_true (wait_until (first_frame_shown, bench));
  first_ms = (bench->first_frame_at - bench->open_start) / 1000.0;
  g_assert_true (bench->conversation == chat);

  g_assert_true (wait_until (chat_loaded, bench));
#ifdef HAVE_CALLGRIND_H
  if (g_strcmp0 (g_getenv ("CFAI_BENCH_CALLGRIND"), "open") == 0)
    CALLGRIND_STOP_INSTRUMENTATION;
#endif
  loaded_at = g_get_monotonic_time ();
  all_ms = (loaded_at - bench->open_start) / 1000.0;
  bench->hook = NULL;
  g_assert_cmpuint (g_list_model_get_n_items (cfai_conversation_get_messages (chat)), ==, n_messages);

  /* The rest of the chat comes in above what is shown; the page still
   * shows the end after it. */
  wait_frames (bench, 10);
  g_assert_true (shows_last_message (bench));

  g_print ("open the chat of %u messages: first frame showing its newest message %.1f ms "
           "(target <= %.0f ms); all messages read %.1f ms\n",
           n_messages, first_ms, TARGET_FIRST_FRAME_MS, all_ms);
  g_print ("  (the first frame with any of its messages: %.1f ms)\n",
           (bench->first_rows_at - bench->open_start) / 1000.0);
  check_target (first_ms <= TARGET_FIRST_FRAME_MS, "first frame of the opened chat");

  /* Memory once it is shown, with the rows GTK keeps realised. */
  wait_frames (bench, 30);
  g_print ("RSS with the chat shown: %.1f MB (target <= %.0f MB; %.1f MB before opening it)\n",
           rss_mb (), TARGET_RSS_MB, rss_before);
  check_target (rss_mb () <= TARGET_RSS_MB, "RSS with the chat shown");
}

/* ------------------------------------------------------------------ */
/* Scrolling                                                          */
/* ------------------------------------------------------------------ */

/* CFAI_BENCH_DEBUG=frames: per frame, the items the list has, how many
 * of them it gave another message since the last frame, how many have
 * a row and how many got one (and their messages' length), and the ids
 * of the first shown and of the range bound. */
static void
print_rows (Bench *bench)
{
  static GHashTable *last_message, *last_row;
  guint n = 0, rebound = 0, with_row = 0, new_rows = 0;
  gsize new_bytes = 0;
  gint64 first_shown = -1, lowest = G_MAXINT64, highest = -1;

  if (last_message == NULL)
    {
      last_message = g_hash_table_new (NULL, NULL);
      last_row = g_hash_table_new (NULL, NULL);
    }
  for (GtkWidget *item = gtk_widget_get_first_child (bench->list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *slot = gtk_widget_get_first_child (item);
      GtkWidget *row = item_row (item);
      CfaiMessage *message;
      gint64 id;

      if (!CFAI_IS_MESSAGE_SLOT (slot))
        continue;
      message = cfai_message_slot_get_message (CFAI_MESSAGE_SLOT (slot));
      id = message != NULL ? cfai_message_get_id (message) : -1;
      n++;
      if (g_hash_table_lookup (last_message, slot) != message)
        rebound++;
      g_hash_table_insert (last_message, slot, message);
      if (row != NULL)
        {
          with_row++;
          if (g_hash_table_lookup (last_row, slot) != row)
            {
              new_rows++;
              new_bytes += strlen (cfai_message_get_content (message));
            }
        }
      g_hash_table_insert (last_row, slot, row);
      if (id >= 0)
        {
          lowest = MIN (lowest, id);
          highest = MAX (highest, id);
          if (first_shown < 0 && row != NULL && is_in_view (bench, row))
            first_shown = id;
        }
    }
  g_print ("  frame %u: %u items, %u given another message, %u with rows, %u rows put in (%" G_GSIZE_FORMAT
           " bytes), ids %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT ", first shown %" G_GINT64_FORMAT
           "; the frame before %.1f ms\n",
           bench->scroll_ticks, n, rebound, with_row, new_rows, new_bytes, lowest, highest, first_shown,
           bench->times->len > 0 ? g_array_index (bench->times, gint64, bench->times->len - 1) / 1000.0 : 0.0);
}

/* How far a frame scrolls: a page, or CFAI_BENCH_SCROLL_STEP px. */
static double
scroll_step (GtkAdjustment *adj)
{
  const char *step = g_getenv ("CFAI_BENCH_SCROLL_STEP");

  return step != NULL ? g_ascii_strtod (step, NULL) : gtk_adjustment_get_page_size (adj);
}

static gboolean
scroll_up_tick (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  Bench *bench = user_data;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (bench->scroller);
  double value = gtk_adjustment_get_value (adj);

  /* The list only knows the top once the first row is laid out there. */
  if ((value <= 0 && is_in_view (bench, find_row (bench->list, message_at (bench, 0)))) ||
      (bench->max_scroll_frames > 0 && bench->scroll_ticks >= bench->max_scroll_frames))
    {
      bench->scroll_done = TRUE;
      bench->scroll_tick = 0;
      return G_SOURCE_REMOVE;
    }
  gtk_adjustment_set_value (adj, MAX (0, value - scroll_step (adj)));
  bench->scroll_ticks++;
#ifdef HAVE_CALLGRIND_H
  if (g_strcmp0 (g_getenv ("CFAI_BENCH_CALLGRIND"), "scroll") == 0 &&
      g_getenv ("CFAI_BENCH_CALLGRIND_FROM") != NULL &&
      bench->scroll_ticks == (guint) atoi (g_getenv ("CFAI_BENCH_CALLGRIND_FROM")))
    CALLGRIND_START_INSTRUMENTATION;
  if (g_getenv ("CFAI_BENCH_CALLGRIND_EACH") != NULL)
    CALLGRIND_DUMP_STATS;
#endif
  if (g_strcmp0 (g_getenv ("CFAI_BENCH_DEBUG"), "frames") == 0)
    print_rows (bench);
  else if (g_getenv ("CFAI_BENCH_DEBUG") != NULL && bench->scroll_ticks % 100 == 0)
    g_print ("  %u frames: value %.0f of %.0f, %u frames recorded\n", bench->scroll_ticks, value,
             gtk_adjustment_get_upper (adj), bench->times->len);
  bench->recording = TRUE;
  return G_SOURCE_CONTINUE;
}

static gboolean
scroll_done (Bench *bench)
{
  return bench->scroll_done;
}

static gboolean
shows_last (Bench *bench)
{
  return shows_last_message (bench);
}

static void
measure_scroll (Bench *bench)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (bench->scroller);
  double upper = gtk_adjustment_get_upper (adj);
  double page = gtk_adjustment_get_page_size (adj);
  gint64 start;
  double longest;
  guint rounds;

  g_array_set_size (bench->times, 0);
  g_array_set_size (bench->cpu, 0);
  bench->scroll_done = FALSE;
  bench->scroll_ticks = 0;
  bench->unmade_frames = 0;
  if (g_getenv ("CFAI_BENCH_SCROLL_FRAMES") != NULL)
    bench->max_scroll_frames = (guint) atoi (g_getenv ("CFAI_BENCH_SCROLL_FRAMES"));
#ifdef HAVE_CALLGRIND_H
  if (g_strcmp0 (g_getenv ("CFAI_BENCH_CALLGRIND"), "scroll") == 0 &&
      g_getenv ("CFAI_BENCH_CALLGRIND_FROM") == NULL)
    CALLGRIND_START_INSTRUMENTATION;
#endif
  start = g_get_monotonic_time ();
  bench->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (bench->scroller), scroll_up_tick, bench, NULL);
  /* Bounded, so that a slow scroll still reports its frames: WAIT_MS
   * for each page's worth of steps a frame takes. */
  rounds = (guint) MAX (1.0, ceil (page / MAX (scroll_step (adj), 1.0)));
  for (guint i = 0; i < rounds && !bench->scroll_done; i++)
    wait_until (scroll_done, bench);
  if (!bench->scroll_done)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (bench->scroller), bench->scroll_tick);
      g_print ("scroll did not reach the first message in %u s (%u frames)\n", rounds * WAIT_MS / 1000,
               bench->scroll_ticks);
      check_target (FALSE, "scrolling end to end in time");
    }
#ifdef HAVE_CALLGRIND_H
  if (g_strcmp0 (g_getenv ("CFAI_BENCH_CALLGRIND"), "scroll") == 0)
    CALLGRIND_STOP_INSTRUMENTATION;
#endif

  g_print ("scroll from the newest message to the first, %.0f px a frame (%s), "
           "%.0f px estimated at the start: %.1f s\n",
           scroll_step (adj), scroll_step (adj) == page ? "a page" : "CFAI_BENCH_SCROLL_STEP",
           upper, (g_get_monotonic_time () - start) / 1e6);
  longest = report_frames (bench, "  frames");
  g_print ("  frames that drew a message in view without its row: %u (target 0)\n", bench->unmade_frames);
  check_target (longest <= TARGET_SCROLL_FRAME_MS, "a frame while scrolling");
  check_target (bench->unmade_frames == 0, "every message in view drawn with its row");

  /* Back to the bottom, as Jump to Bottom does. */
  gtk_widget_activate_action (GTK_WIDGET (bench->page), "chat.jump-to-bottom", NULL);
  g_assert_true (wait_until (shows_last, bench));
  wait_frames (bench, 10);
  g_assert_true (shows_last_message (bench));
}

/* ------------------------------------------------------------------ */
/* The first token                                                    */
/* ------------------------------------------------------------------ */

#define QUESTION "How do streamed answers reach the window?"

typedef struct
{
  gint64   start;
  gint64   first_delta;
  gboolean done;
} BareRun;

static void
bare_delta (CfaiChatStream *stream,
            const char     *delta,
            BareRun        *run)
{
  if (run->first_delta == 0)
    run->first_delta = g_get_monotonic_time ();
}

static void
bare_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  BareRun *run = user_data;
  g_autoptr(GError) error = NULL;

  if (!cfai_run_execute_finish (CFAI_RUN (source), result, &error))
    g_error ("the bare stream failed: %s", error->message);
  run->done = TRUE;
}

/* @request streamed with nothing but the main loop around it: from
 * start to first delta, in µs. */
static gint64
stream_first_delta (CfaiClient      *client,
                    CfaiChatRequest *request)
{
  g_autoptr(CfaiChatStream) stream = cfai_chat_stream_new (client, request);
  BareRun run = { 0 };

  g_signal_connect (stream, "text-delta", G_CALLBACK (bare_delta), &run);
  run.start = g_get_monotonic_time ();
  cfai_run_execute_async (CFAI_RUN (stream), NULL, bare_done, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (run.first_delta, >, 0);
  g_assert_cmpstr (cfai_chat_stream_get_text (stream), !=, "");
  return run.first_delta - run.start;
}

/* The same request the page sends for a new chat's first message, in
 * this process, among the window's frames. */
static gint64
bare_first_delta (CfaiConversation *chat)
{
  g_autoptr(CfaiChatRequest) request = cfai_conversation_build_request (chat);

  return stream_first_delta (cfai_application_get_client (app), request);
}

/* bench-chat --bare-stream BASE RUNS: the first delta of the first
 * message of a new chat, RUNS times after one that opens the connection,
 * with no window in the process; prints the median in µs. */
static int
bare_stream_process (const char *base,
                     guint       runs)
{
  g_autoptr(CfaiClient) client = cfai_client_new ();
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));

  cfai_credentials_set_api_base_url (cfai_client_get_credentials (client), base);
  cfai_credentials_set_account_id (cfai_client_get_credentials (client), "test-account");
  cfai_credentials_set_api_token (cfai_client_get_credentials (client), "test-token");
  for (guint i = 0; i < runs + 1; i++)
    {
      g_autoptr(CfaiChatRequest) request = cfai_chat_request_new (MODEL);
      gint64 value;

      cfai_chat_request_add_message (request, CFAI_CHAT_ROLE_USER, QUESTION);
      cfai_chat_request_set_max_tokens (request, 256);
      value = stream_first_delta (client, request);
      if (i > 0)   /* the first pays for the connection */
        g_array_append_val (times, value);
    }
  g_array_sort (times, compare_gint64);
  g_print ("%" G_GINT64_FORMAT "\n", g_array_index (times, gint64, times->len / 2));
  return 0;
}

/* The median from bare_stream_process(), in µs. */
static gint64
bare_first_delta_alone (const char *argv0,
                        guint       runs,
                        const char *scenario)
{
  g_autofree char *base = cfai_test_server_api_base (server, scenario);
  g_autofree char *count = g_strdup_printf ("%u", runs);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, argv0, "--bare-stream", base, count, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  return g_ascii_strtoll (out, NULL, 10);
}

static void
on_answer_content (CfaiMessage *answer,
                   GParamSpec  *pspec,
                   Bench       *bench)
{
  if (bench->delta_at == 0 && cfai_message_get_content_length (answer) > 0)
    {
      bench->delta_at = g_get_monotonic_time ();
      trace_frame (bench, "first delta");
#ifdef HAVE_CALLGRIND_H
      if (bench->send_counted && g_strcmp0 (g_getenv ("CFAI_BENCH_CALLGRIND"), "first-delta") == 0)
        CALLGRIND_START_INSTRUMENTATION;
#endif
    }
}

static void
first_token_hook (Bench  *bench,
                  gint64  painted_at)
{
  GtkWidget *row;
  GtkWidget *view = NULL;

  if (bench->delta_at == 0 || bench->shown_at != 0)
    return;
  row = find_row (bench->list, bench->answer);
  if (!is_in_view (bench, row))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (row); child != NULL && view == NULL;)
    {
      /* The answer's Markdown view, wherever the row's template puts it. */
      if (CFAI_IS_MARKDOWN_VIEW (child))
        view = child;
      else if (gtk_widget_get_first_child (child) != NULL)
        child = gtk_widget_get_first_child (child);
      else
        {
          while (child != row && gtk_widget_get_next_sibling (child) == NULL)
            child = gtk_widget_get_parent (child);
          child = child != row ? gtk_widget_get_next_sibling (child) : NULL;
        }
    }
  if (view != NULL && find_text (view) != NULL)
    {
      bench->shown_at = painted_at;
      bench->shown_began = bench->frame_began;
      bench->shown_cpu = thread_cpu_time () - bench->cpu_start;
#ifdef HAVE_CALLGRIND_H
      if (g_strcmp0 (g_getenv ("CFAI_BENCH_CALLGRIND"), "first-token") == 0 ||
          g_strcmp0 (g_getenv ("CFAI_BENCH_CALLGRIND"), "first-delta") == 0)
        CALLGRIND_STOP_INSTRUMENTATION;
#endif
    }
}

static gboolean
answer_done (Bench *bench)
{
  return !cfai_chat_page_get_busy (bench->page) && bench->shown_at != 0;
}

static gboolean
page_is_new (Bench *bench)
{
  CfaiChatPage *page = visible_page (bench);

  return page != NULL && page != bench->page &&
         gtk_widget_get_mapped (GTK_WIDGET (cfai_chat_page_get_composer (page)));
}

static double
median_ms (GArray *values)
{
  g_autoptr(GArray) sorted = g_array_copy (values);

  g_array_sort (sorted, compare_gint64);
  return percentile_ms (sorted, 50);
}

/* @scenario: the fake server's, NULL for an answer sent at once, or
 * "slow" for one paced the way a model streams (@pace says how). */
static void
measure_first_token (Bench      *bench,
                     const char *argv0,
                     guint       runs,
                     const char *scenario,
                     const char *pace)
{
  GSettings *settings = cfai_application_get_settings (app);
  g_autofree char *base = cfai_test_server_api_base (server, scenario);
  g_autofree char *plain_base = cfai_test_server_api_base (server, NULL);
  CfaiChatStore *store = cfai_application_get_chat_store (app);
  const CfaiConversationDefaults defaults = {
    .model = MODEL, .max_tokens = 256,
    .temperature = CFAI_UNSET, .top_p = CFAI_UNSET, .seed = CFAI_UNSET,
  };
  g_autoptr(GArray) bare = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) to_delta = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) to_shown = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) to_frame = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) total = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) shown_cpu = g_array_new (FALSE, FALSE, sizeof (gint64));
  CfaiConversation *bare_chat;
  double bare_ms, alone_ms, ui_ms, delta_ms, shown_ms, slot_ms;

  /* A chat the page never shows, with the question a new chat sends. */
  g_settings_set_string (settings, "api-base-url", base);
  bare_chat = cfai_chat_store_create_conversation (store, &defaults);
  cfai_conversation_add_message (bare_chat, CFAI_CHAT_ROLE_USER, QUESTION);
  g_settings_set_int (settings, "default-max-tokens", 256);

  for (guint i = 0; i < runs + 1; i++)
    {
      GtkTextBuffer *buffer;
      gint64 value;

      value = bare_first_delta (bare_chat);
      if (i > 0)   /* the first of each pays for the connection */
        g_array_append_val (bare, value);

      gtk_widget_activate_action (GTK_WIDGET (bench->window), "win.new-chat", NULL);
      g_assert_true (wait_until (page_is_new, bench));
      use_page (bench, visible_page (bench));
      buffer = gtk_text_view_get_buffer (cfai_chat_page_get_composer (bench->page));
      gtk_text_buffer_set_text (buffer, QUESTION, -1);
      wait_frames (bench, 3);

      bench->delta_at = 0;
      bench->shown_at = 0;
      bench->send_counted = i > 0;
      bench->hook = first_token_hook;
      bench->send_at = g_get_monotonic_time ();
      if (g_getenv ("CFAI_BENCH_DEBUG") != NULL)
        g_print ("  send %u (the last frame ended %.2f ms before)\n", i,
                 (bench->send_at - bench->last_paint_at) / 1000.0);
#ifdef HAVE_CALLGRIND_H
      if (i > 0 && g_strcmp0 (g_getenv ("CFAI_BENCH_CALLGRIND"), "first-token") == 0)
        CALLGRIND_START_INSTRUMENTATION;
#endif
      gtk_widget_activate_action (GTK_WIDGET (bench->page), "chat.send", NULL);
      trace_frame (bench, "chat.send returned");
      bench->answer = last_message (bench);
      g_assert_nonnull (bench->answer);
      g_assert_cmpint (cfai_message_get_role (bench->answer), ==, CFAI_CHAT_ROLE_ASSISTANT);
      g_signal_connect (bench->answer, "notify::content", G_CALLBACK (on_answer_content), bench);
      g_assert_true (wait_until (answer_done, bench));
      bench->hook = NULL;
      g_signal_handlers_disconnect_by_data (bench->answer, bench);
      g_assert_cmpint (cfai_message_get_state (bench->answer), ==, CFAI_MESSAGE_STATE_COMPLETE);
      g_assert_true (g_str_has_prefix (cfai_message_get_content (bench->answer), "You said: "));

      if (i == 0)
        continue;
      value = bench->delta_at - bench->send_at;
      g_array_append_val (to_delta, value);
      value = bench->shown_at - bench->delta_at;
      g_array_append_val (to_shown, value);
      value = MAX (bench->shown_began - bench->delta_at, 0);
      g_array_append_val (to_frame, value);
      value = bench->shown_at - bench->send_at;
      g_array_append_val (total, value);
      g_array_append_val (shown_cpu, bench->shown_cpu);
    }

  bare_ms = median_ms (bare);
  alone_ms = bare_first_delta_alone (argv0, runs, scenario) / 1000.0;
  g_settings_set_string (settings, "api-base-url", plain_base);
  delta_ms = median_ms (to_delta);
  shown_ms = median_ms (to_shown);
  slot_ms = median_ms (to_frame);
  ui_ms = median_ms (total);
  g_print ("first token, median of %u, in a new chat against the fake server, %s:\n", runs, pace);
  g_print ("  bare stream, start to first delta, alone:       %6.2f ms\n", alone_ms);
  g_print ("  the same among the window's frames:             %6.2f ms\n", bare_ms);
  g_print ("  the page: chat.send to first delta:             %6.2f ms (%+.2f ms over bare, alone)\n",
           delta_ms, delta_ms - alone_ms);
  g_array_sort (to_shown, compare_gint64);
  g_print ("  the page: first delta to the frame showing it:  %6.2f ms (worst %.2f ms)\n",
           shown_ms, percentile_ms (to_shown, 100));
  g_print ("    of which waiting for GDK's next frame slot:   %6.2f ms\n", slot_ms);
  g_print ("  the page: chat.send to the frame showing it:    %6.2f ms\n", ui_ms);
  g_print ("  main-thread CPU in the frame showing it:        %6.2f ms\n", median_ms (shown_cpu));
  g_print ("  time the UI adds to the first token: %.2f ms (target <= %.0f ms)\n",
           ui_ms - alone_ms, TARGET_FIRST_TOKEN_MS);
  check_target (ui_ms - alone_ms <= TARGET_FIRST_TOKEN_MS, "time the UI adds to the first token");
  g_print ("  the same less the wait for the frame slot:       %6.2f ms\n", ui_ms - alone_ms - slot_ms);
}

static void
measure_first_tokens (Bench      *bench,
                      const char *argv0,
                      guint       runs)
{
  /* All of the answer at once: its first frame lays out and draws the
   * whole answer, and the delta arrives while the frame that shows the
   * question is drawn, which it waits for. */
  measure_first_token (bench, argv0, runs, NULL, "the answer sent at once");
  /* As a model streams (Workers AI's first token comes after tens to
   * hundreds of ms, then tokens tens of ms apart): the question is drawn
   * before the first token arrives, whose frame shows only it. */
  measure_first_token (bench, argv0, runs, "slow", "paced, 50 ms before each event");
  /* As a model reads the prompt before it streams: by the first token
   * the window has drawn the question and only the composer's blinking
   * cursor still ticks the frame clock (GTK's fade is a tick callback),
   * so the token waits for a frame slot as it would in any GTK window
   * with a focused text view. */
  measure_first_token (bench, argv0, runs, "slow-start", "300 ms before the first event, then paced");
}

/* ------------------------------------------------------------------ */

static gboolean
credentials_loaded (gpointer data)
{
  return !cfai_application_get_loading_credentials (CFAI_APPLICATION (data));
}

int
main (int   argc,
      char *argv[])
{
  const char *env = g_getenv ("CFAI_BENCH_MESSAGES");
  guint n_messages = env != NULL ? (guint) atoi (env) : DEFAULT_MESSAGES;
  guint runs = g_getenv ("CFAI_BENCH_FIRST_TOKEN_RUNS") != NULL
               ? (guint) atoi (g_getenv ("CFAI_BENCH_FIRST_TOKEN_RUNS")) : DEFAULT_FIRST_TOKEN_RUNS;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) builder = NULL;
  g_autofree char *path = NULL;
  g_autofree char *count = NULL;
  g_autofree char *base = NULL;
  GSettings *settings;
  GTestDBus *bus;
  Bench bench = { 0 };
  gint64 start;

  if (argc == 4 && g_str_equal (argv[1], "--build-chat"))
    return build_chat (argv[2], (guint) atoi (argv[3]));
  if (argc == 4 && g_str_equal (argv[1], "--bare-stream"))
    return bare_stream_process (argv[2], (guint) atoi (argv[3]));

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_error ("the benchmark needs a display; run it through build-aux/test-session");

  cfai_test_isolate_home ("cfai-bench-chat");
  g_unsetenv ("CLOUDFLARE_API_TOKEN");
  g_unsetenv ("CLOUDFLARE_ACCOUNT_ID");
  g_unsetenv ("CFAI_API_BASE_URL");
  cfai_ui_test_init ();

  /* Written by another process, so that none of its memory is counted. */
  path = cfai_chat_store_dup_default_path ();
  count = g_strdup_printf ("%u", n_messages);
  start = g_get_monotonic_time ();
  builder = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, argv[0], "--build-chat", path, count, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (builder, NULL, &error));
  g_assert_no_error (error);
  g_print ("  written in %.1f s\n", (g_get_monotonic_time () - start) / 1e6);

  bus = cfai_ui_test_private_bus_up ();
  server = cfai_test_server_start ();

  app = cfai_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  settings = cfai_application_get_settings (app);
  base = cfai_test_server_api_base (server, NULL);
  g_settings_set_string (settings, "api-base-url", base);
  g_settings_set_string (settings, "account-id", "test-account");
  g_settings_set_string (settings, "default-chat-model", MODEL);
  g_assert_true (cfai_ui_test_wait_until (credentials_loaded, app, WAIT_MS));
  cfai_application_use_token (app, "test-token");

  bench.window = cfai_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (bench.window), 1200, 1000);
  gtk_window_present (GTK_WINDOW (bench.window));
  g_assert_true (cfai_ui_test_wait_until (cfai_ui_test_widget_is_drawn, bench.window, WAIT_MS));
  g_assert_true (wait_until (store_loaded, &bench));
  watch_frames (&bench);
  wait_frames (&bench, 30);

  /* CFAI_BENCH_ONLY=open|scroll|first-token runs that part alone (the
   * chat is opened for each). */
  measure_open (&bench, n_messages);
  if (g_getenv ("CFAI_BENCH_ONLY") == NULL || g_str_equal (g_getenv ("CFAI_BENCH_ONLY"), "scroll"))
    measure_scroll (&bench);
  if (g_getenv ("CFAI_BENCH_ONLY") == NULL || g_str_equal (g_getenv ("CFAI_BENCH_ONLY"), "first-token"))
    measure_first_tokens (&bench, argv[0], runs);

  g_signal_handlers_disconnect_by_data (bench.clock, &bench);
  g_array_unref (bench.times);
  g_array_unref (bench.layout_times);
  g_array_unref (bench.paint_times);
  g_array_unref (bench.cpu);
  cfai_ui_test_close_windows (GTK_APPLICATION (app));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&app);
  g_clear_pointer (&server, cfai_test_server_stop);
  g_test_dbus_stop (bus);

  if (missed && g_strcmp0 (g_getenv ("CFAI_BENCH_STRICT"), "1") == 0)
    return 1;
  return 0;
}
