/* bench-markdown.c — what streaming Markdown into a CfaiMarkdownView costs
 *
 * A real view in a real window (run under build-aux/test-session), fed
 * an answer made from a fixed seed: headings, paragraphs with emphasis,
 * inline code and links, lists, tables and fenced code blocks in several
 * languages, cut into word-sized tokens.
 *
 * 1. Per-token main-thread cost after 100, 10,000 and 50,000 tokens:
 *    the view is filled to that size, then tokens arrive one per frame
 *    and each costs the append call plus the whole frame it causes
 *    (frame clock "update", where the view's tick runs, through layout
 *    and paint to "after-paint").  Reported as the median and mean of
 *    the measured tokens, in wall time and in the main thread's CPU time
 *    from the append to the end of that frame (which leaves out waiting
 *    for the X server and for other programs on a shared machine, so it
 *    is the steadier of the two).  Each size is measured in
 *    CFAI_BENCH_REPEATS fresh windows (default 3) and the ratios are of
 *    the medians over those runs.  The target: cost at 50,000 at most
 *    1.5 times the cost at 100.
 * 2. Tokens at 500 per second for a few seconds on top of 10,000
 *    tokens: the longest frame (update to after-paint), the longest
 *    gap between two token timer callbacks (a stall of the main loop),
 *    and the most CPU time the main thread spent in one frame (on a
 *    shared machine, or with software rendering, the first two also
 *    hold time the main thread spent waiting).
 *
 * CFAI_BENCH_TOKENS overrides the measured tokens per size (default 300).
 * CFAI_BENCH_SIZE=N measures only the per-token cost after N tokens.
 * CFAI_BENCH_CALLGRIND=1, under
 *   valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes
 * instruments only the measured tokens after the first ten (which pay
 * for shaders and glyph caches), so thread 1's total divided by the
 * tokens measured less ten is a reproducible per-token instruction
 * count, for comparing changes on a busy machine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <adwaita.h>

#include "cfai-markdown-view.h"

#ifdef HAVE_CALLGRIND_H
#include <valgrind/callgrind.h>
#endif

#define SEED 20260301
#define RATE_SECONDS 4
#define RATE_PREFIX 10000

typedef struct
{
  GtkWindow        *window;
  CfaiMarkdownView *view;
  GdkFrameClock    *clock;
  gint64            update_start;
  gint64            layout_start;
  gint64            paint_start;
  gint64            phase_sum[3];   /* update, layout, paint of measured frames */
  gint64            last_frame;     /* update to after-paint of the last frame our tick ran in */
  gint64            max_frame;
  gint64            cpu_start;      /* main thread's CPU time at the frame's update */
  gint64            max_frame_cpu;  /* the most of it any frame took */
  gint64            after_paint_cpu;/* main thread's CPU time at the last frame's end */
  guint             frames_with_tick;
  gboolean          ticked;         /* the view notified in this frame */
} Bench;

static GPtrArray *tokens;

/* ------------------------------------------------------------------ */
/* The answer                                                         */
/* ------------------------------------------------------------------ */

static const char * const words[] = {
  "the", "model", "stream", "token", "answer", "Workers", "AI", "returns", "each",
  "request", "with", "a", "context", "window", "of", "and", "prompt", "cache",
  "latency", "is", "lower", "when", "you", "reuse", "session", "keys", "for",
  "follow-up", "turns", "so", "that", "first", "tokens", "arrive", "sooner",
};

static const char * const code_lines[] = {
  "import json\n", "def handle(request):\n", "    body = json.loads(request.body)\n",
  "    for item in body[\"items\"]:\n", "        yield item.get(\"id\"), item.get(\"name\")\n",
  "\n", "    return {\"ok\": True, \"count\": len(body)}\n",
  "const res = await fetch(url, { method: \"POST\" });\n", "if (!res.ok) throw new Error(res.statusText);\n",
  "int main (void) { return 0; }\n", "curl -s https://api.cloudflare.com/client/v4/accounts \\\n",
};

static const char * const languages[] = { "python", "js", "c", "sh" };

static void
add_text (GString    *out,
          GRand      *rand,
          guint       n_words)
{
  for (guint i = 0; i < n_words; i++)
    {
      const char *word = words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))];
      guint style = g_rand_int_range (rand, 0, 20);

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
add_section (GString *out,
             GRand   *rand,
             guint    n)
{
  guint kind = n % 5;

  g_string_append_printf (out, "## Part %u\n\n", n);
  add_text (out, rand, g_rand_int_range (rand, 30, 80));
  g_string_append (out, ".\n\n");

  if (kind == 0 || kind == 3)
    {
      guint lines = g_rand_int_range (rand, 4, 30);

      g_string_append_printf (out, "```%s\n", languages[n % G_N_ELEMENTS (languages)]);
      for (guint i = 0; i < lines; i++)
        g_string_append (out, code_lines[g_rand_int_range (rand, 0, G_N_ELEMENTS (code_lines))]);
      g_string_append (out, "```\n\n");
    }
  else if (kind == 1)
    {
      for (guint i = 0; i < 4; i++)
        {
          g_string_append_printf (out, "%u. ", i + 1);
          add_text (out, rand, g_rand_int_range (rand, 4, 16));
          g_string_append_c (out, '\n');
        }
      g_string_append_c (out, '\n');
    }
  else if (kind == 2)
    {
      g_string_append (out, "| Model | Context | Price |\n| --- | ---: | ---: |\n");
      for (guint i = 0; i < 4; i++)
        g_string_append_printf (out, "| model-%u | %uk | $%u.%02u |\n", i, 8 << i, i, g_rand_int_range (rand, 0, 100));
      g_string_append_c (out, '\n');
    }
  else
    {
      g_string_append (out, "> ");
      add_text (out, rand, g_rand_int_range (rand, 10, 30));
      g_string_append (out, "\n\n");
    }
}

/* Cuts the answer the way tokenizers do: a word with its leading space,
 * punctuation and newlines on their own, long words in pieces. */
static GPtrArray *
make_tokens (guint n_tokens)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  g_autoptr(GString) text = g_string_new (NULL);
  GPtrArray *result = g_ptr_array_new_with_free_func (g_free);
  const char *p;
  guint section = 0;

  while (text->len < (gsize) n_tokens * 6)
    add_section (text, rand, section++);

  p = text->str;
  while (*p != '\0' && result->len < n_tokens)
    {
      const char *start = p;

      if (*p == '\n')
        p++;
      else
        {
          if (*p == ' ')
            p++;
          while (*p != '\0' && *p != ' ' && *p != '\n' && p - start < 6)
            p++;
        }
      g_ptr_array_add (result, g_strndup (start, p - start));
    }

  g_assert_cmpuint (result->len, ==, n_tokens);
  return result;
}

/* ------------------------------------------------------------------ */
/* Frames                                                             */
/* ------------------------------------------------------------------ */

/* CPU time of the calling thread: a frame's wall time also holds waits
 * for the other programs on a shared machine and for the renderer's
 * threads (llvmpipe under Xvfb), this only the main thread's work. */
static gint64
thread_cpu_time (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

/* GTK connects its own layout and paint handlers to the frame clock
 * before ours, so a phase's handler of ours runs after GTK's work in
 * that phase.  Each phase is therefore timed from the end of the phase
 * before it: "update" ends when the update phase's last (after) handler
 * runs, which is after every widget's tick callback. */
static void
on_update (GdkFrameClock *clock,
           Bench         *bench)
{
  bench->update_start = g_get_monotonic_time ();
  bench->cpu_start = thread_cpu_time ();
}

static void
on_update_done (GdkFrameClock *clock,
                Bench         *bench)
{
  bench->layout_start = g_get_monotonic_time ();
  /* A frame whose widgets kept their sizes has no layout phase. */
  bench->paint_start = bench->layout_start;
}

static void
on_layout_done (GdkFrameClock *clock,
                Bench         *bench)
{
  bench->paint_start = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock,
                Bench         *bench)
{
  if (bench->ticked && bench->update_start != 0)
    {
      gint64 now = g_get_monotonic_time ();

      if (bench->layout_start >= bench->update_start && bench->paint_start >= bench->layout_start)
        {
          bench->phase_sum[0] += bench->layout_start - bench->update_start;
          bench->phase_sum[1] += bench->paint_start - bench->layout_start;
          bench->phase_sum[2] += now - bench->paint_start;
        }
      bench->last_frame = now - bench->update_start;
      bench->max_frame = MAX (bench->max_frame, bench->last_frame);
      bench->after_paint_cpu = thread_cpu_time ();
      bench->max_frame_cpu = MAX (bench->max_frame_cpu, bench->after_paint_cpu - bench->cpu_start);
      bench->frames_with_tick++;
    }
  bench->ticked = FALSE;
  bench->update_start = 0;
}

static void
on_text (GObject    *object,
         GParamSpec *pspec,
         Bench      *bench)
{
  bench->ticked = TRUE;
}

static void
bench_open (Bench *bench)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();

  bench->window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_default_size (bench->window, 800, 1000);
  bench->view = CFAI_MARKDOWN_VIEW (cfai_markdown_view_new ());
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (bench->view));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  adw_window_set_content (ADW_WINDOW (bench->window), scroller);
  g_signal_connect (bench->view, "notify::text", G_CALLBACK (on_text), bench);
  gtk_window_present (bench->window);

  while (!gtk_widget_get_mapped (GTK_WIDGET (bench->view)))
    g_main_context_iteration (NULL, TRUE);

  bench->clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench->window));
  g_signal_connect (bench->clock, "update", G_CALLBACK (on_update), bench);
  g_signal_connect_after (bench->clock, "update", G_CALLBACK (on_update_done), bench);
  g_signal_connect_after (bench->clock, "layout", G_CALLBACK (on_layout_done), bench);
  g_signal_connect (bench->clock, "after-paint", G_CALLBACK (on_after_paint), bench);
}

static void
bench_close (Bench *bench)
{
  g_signal_handlers_disconnect_by_data (bench->clock, bench);
  gtk_window_destroy (bench->window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  memset (bench, 0, sizeof *bench);
}

static void
wait_frame (Bench *bench)
{
  guint frames = bench->frames_with_tick;

  while (bench->frames_with_tick == frames)
    g_main_context_iteration (NULL, TRUE);
}

/* The view scrolled to its end, as a chat follows the stream. */
static void
scroll_to_end (Bench *bench)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (bench->view), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
}

static void
settle (Bench *bench)
{
  for (guint i = 0; i < 5; i++)
    {
      gtk_widget_queue_draw (GTK_WIDGET (bench->view));
      gdk_frame_clock_request_phase (bench->clock, GDK_FRAME_CLOCK_PHASE_UPDATE);
      bench->ticked = TRUE;
      wait_frame (bench);
    }
}

static void
fill (Bench *bench,
      guint  n_tokens)
{
  g_autoptr(GString) prefix = g_string_new (NULL);

  for (guint i = 0; i < n_tokens; i++)
    g_string_append (prefix, g_ptr_array_index (tokens, i));
  cfai_markdown_view_set_text (bench->view, prefix->str);

  /* A few frames for the first layout of everything, then a few for
   * drawing the end of it, where the stream goes on: what is measured
   * is a view that already shows @n_tokens, as a chat that followed
   * them does, not the first drawing of the end of a long answer. */
  settle (bench);
  scroll_to_end (bench);
  settle (bench);
  scroll_to_end (bench);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Where the measured tokens go: a token costs what the block it goes
 * into costs to lay out and draw again, so the same answer measured at
 * another size can cost more or less (a highlighted code block redraws
 * its lines).  Prints the share of the measured text inside fenced
 * code, and how many lines the code block it starts in had. */
static void
print_where (guint n_tokens,
             guint n_measured)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gsize measured_from = 0, in_code = 0, open_lines = 0, lines_before = 0;
  gboolean code = FALSE;

  for (guint i = 0; i < n_tokens + n_measured; i++)
    {
      if (i == n_tokens)
        measured_from = text->len;
      g_string_append (text, g_ptr_array_index (tokens, i));
    }

  for (const char *line = text->str; *line != '\0';)
    {
      const char *end = strchrnul (line, '\n');
      const char *start = line;
      gsize offset = line - text->str;

      while (start < end && *start == ' ')
        start++;
      if (end - start >= 3 && strncmp (start, "```", 3) == 0)
        {
          code = !code;
          open_lines = 0;
        }
      else if (code)
        {
          if (offset < measured_from)
            open_lines++;
          for (gsize o = MAX (offset, measured_from); o < (gsize) (end - text->str); o++)
            in_code++;
        }
      /* The line the measured text starts in. */
      if (offset <= measured_from && measured_from <= (gsize) (end - text->str) && code)
        lines_before = open_lines;
      line = *end != '\0' ? end + 1 : end;
    }

  g_print ("               the measured text: %.0f%% inside fenced code",
           100.0 * in_code / MAX (text->len - measured_from, 1));
  if (lines_before > 0)
    g_print (", starting after %" G_GSIZE_FORMAT " lines of a code block", lines_before);
  g_print ("\n");
}

typedef struct
{
  gint64 wall;   /* median cost of one token, microseconds */
  gint64 cpu;    /* the same in main-thread CPU time */
} Cost;

/* Measures the cost of a token after @n_tokens. */
static Cost
measure_at (guint n_tokens,
            guint n_measured)
{
  Bench bench = { 0, };
  g_autoptr(GArray) costs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) cpu_costs = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 total = 0, cpu_total = 0;
  gint64 median, cpu_median;

  bench_open (&bench);
  fill (&bench, n_tokens);
  memset (bench.phase_sum, 0, sizeof bench.phase_sum);

  for (guint i = 0; i < n_measured; i++)
    {
      const char *token = g_ptr_array_index (tokens, n_tokens + i);
      gint64 start, cpu_start;
      gint64 cost, cpu_cost;

#ifdef HAVE_CALLGRIND_H
      if (i == 10 && g_getenv ("CFAI_BENCH_CALLGRIND") != NULL)
        CALLGRIND_START_INSTRUMENTATION;
#endif
      start = g_get_monotonic_time ();
      cpu_start = thread_cpu_time ();

      cfai_markdown_view_append (bench.view, token, -1);
      cost = g_get_monotonic_time () - start;
      wait_frame (&bench);
      cost += bench.last_frame;
      cpu_cost = bench.after_paint_cpu - cpu_start;
      g_array_append_val (costs, cost);
      g_array_append_val (cpu_costs, cpu_cost);
      total += cost;
      cpu_total += cpu_cost;
      scroll_to_end (&bench);
    }

#ifdef HAVE_CALLGRIND_H
  if (g_getenv ("CFAI_BENCH_CALLGRIND") != NULL)
    CALLGRIND_STOP_INSTRUMENTATION;
#endif

  g_assert_cmpuint (strlen (cfai_markdown_view_get_text (bench.view)), >, 0);
  g_array_sort (costs, compare_gint64);
  g_array_sort (cpu_costs, compare_gint64);
  median = g_array_index (costs, gint64, costs->len / 2);
  cpu_median = g_array_index (cpu_costs, gint64, cpu_costs->len / 2);
  g_print ("%6u tokens: per-token cost median %6.3f ms, mean %6.3f ms, worst %6.3f ms (%u tokens measured)\n",
           n_tokens, median / 1000.0, total / 1000.0 / n_measured,
           g_array_index (costs, gint64, costs->len - 1) / 1000.0, n_measured);
  g_print ("               main-thread CPU time per token: median %6.3f ms, mean %6.3f ms\n",
           cpu_median / 1000.0, cpu_total / 1000.0 / n_measured);
  g_print ("               of which, per frame: update (the view's tick) %.3f ms, layout %.3f ms, paint (snapshot, render, present) %.3f ms\n",
           bench.phase_sum[0] / 1000.0 / n_measured, bench.phase_sum[1] / 1000.0 / n_measured,
           bench.phase_sum[2] / 1000.0 / n_measured);
  print_where (n_tokens, n_measured);

  bench_close (&bench);
  return (Cost) { median, cpu_median };
}

/* The median over @repeats runs of measure_at(), each in a new window. */
static Cost
measure_repeated (guint n_tokens,
                  guint n_measured,
                  guint repeats)
{
  g_autoptr(GArray) walls = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) cpus = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < repeats; i++)
    {
      Cost cost = measure_at (n_tokens, n_measured);

      g_array_append_val (walls, cost.wall);
      g_array_append_val (cpus, cost.cpu);
    }
  g_array_sort (walls, compare_gint64);
  g_array_sort (cpus, compare_gint64);
  return (Cost) { g_array_index (walls, gint64, repeats / 2), g_array_index (cpus, gint64, repeats / 2) };
}

typedef struct
{
  Bench  *bench;
  guint   next;
  guint   last;
  gint64  started;
  gint64  previous;
  gint64  max_gap;
  guint   source;
} Rate;

/* Called every millisecond; sends the tokens due by now at 500/s, so a
 * late call catches up the way a network burst does. */
static gboolean
rate_tick (gpointer data)
{
  Rate *rate = data;
  gint64 now = g_get_monotonic_time ();
  guint due;

  if (rate->previous != 0)
    rate->max_gap = MAX (rate->max_gap, now - rate->previous);
  rate->previous = now;

  due = RATE_PREFIX + (guint) ((now - rate->started) * 500 / G_USEC_PER_SEC);
  for (; rate->next < MIN (due, rate->last); rate->next++)
    cfai_markdown_view_append (rate->bench->view, g_ptr_array_index (tokens, rate->next), -1);

  if (rate->next >= rate->last)
    {
      rate->source = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
measure_rate (void)
{
  Bench bench = { 0, };
  Rate rate = { &bench, RATE_PREFIX, RATE_PREFIX + RATE_SECONDS * 500, 0, 0, 0, 0 };
  guint frames;

  bench_open (&bench);
  fill (&bench, RATE_PREFIX);
  bench.max_frame = 0;
  bench.max_frame_cpu = 0;
  frames = bench.frames_with_tick;

  rate.started = g_get_monotonic_time ();
  rate.source = g_timeout_add (1, rate_tick, &rate);
  while (rate.source != 0)
    {
      g_main_context_iteration (NULL, TRUE);
      scroll_to_end (&bench);
    }
  wait_frame (&bench);

  g_print ("500 tokens/s for %d s after %u tokens: %u frames updated the view, longest frame %.3f ms, "
           "longest gap between token callbacks %.3f ms; most main-thread CPU time in one frame %.3f ms\n",
           RATE_SECONDS, RATE_PREFIX, bench.frames_with_tick - frames,
           bench.max_frame / 1000.0, rate.max_gap / 1000.0, bench.max_frame_cpu / 1000.0);

  bench_close (&bench);
}

int
main (int   argc,
      char *argv[])
{
  const char *env = g_getenv ("CFAI_BENCH_TOKENS");
  const char *repeats_env = g_getenv ("CFAI_BENCH_REPEATS");
  guint measured = env != NULL ? (guint) atoi (env) : 300;
  guint repeats = repeats_env != NULL ? (guint) MAX (atoi (repeats_env), 1) : 3;
  Cost at_100, at_10000, at_50000;
  guint size;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_error ("the benchmark needs a display; run it through build-aux/test-session");

  adw_init ();
  size = g_getenv ("CFAI_BENCH_SIZE") != NULL ? (guint) atoi (g_getenv ("CFAI_BENCH_SIZE")) : 0;
  tokens = make_tokens (MAX (size, 50000) + MAX (measured, RATE_SECONDS * 500) + 1);

  if (size > 0)
    {
      measure_at (size, measured);
      g_ptr_array_unref (tokens);
      return 0;
    }

  at_100 = measure_repeated (100, measured, repeats);
  at_10000 = measure_repeated (10000, measured, repeats);
  at_50000 = measure_repeated (50000, measured, repeats);
  g_print ("medians of %u runs: per-token cost %.3f / %.3f / %.3f ms at 100 / 10,000 / 50,000 tokens, "
           "main-thread CPU %.3f / %.3f / %.3f ms\n", repeats,
           at_100.wall / 1000.0, at_10000.wall / 1000.0, at_50000.wall / 1000.0,
           at_100.cpu / 1000.0, at_10000.cpu / 1000.0, at_50000.cpu / 1000.0);
  g_print ("cost at 10,000 / cost at 100: %.2f; at 50,000 / at 100: %.2f (target <= 1.5)\n",
           (double) at_10000.wall / at_100.wall, (double) at_50000.wall / at_100.wall);
  g_print ("main-thread CPU time, at 10,000 / at 100: %.2f; at 50,000 / at 100: %.2f (target <= 1.5)\n",
           (double) at_10000.cpu / at_100.cpu, (double) at_50000.cpu / at_100.cpu);

  measure_rate ();

  g_ptr_array_unref (tokens);
  return 0;
}
