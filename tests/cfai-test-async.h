/* cfai-test-async.h — _async calls made synchronous, and numbers for benches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A GAsyncReadyCallback: keeps a reference to the result in the
 * GAsyncResult * that @user_data points at. */
void          cfai_test_got_result (GObject       *object,
                                    GAsyncResult  *result,
                                    gpointer       user_data);
/* Spins the default main context until *@slot is set; returns it. */
GAsyncResult *cfai_test_wait_for   (GAsyncResult **slot);

double        cfai_bench_ms_since  (gint64         start);
/* The process's resident memory, from /proc/self/statm; -1 when unknown. */
double        cfai_bench_rss_mb    (void);

G_END_DECLS
