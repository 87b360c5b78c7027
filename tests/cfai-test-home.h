/* cfai-test-home.h — a private HOME and XDG folders for each test program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *cfai_test_isolate_home (const char *name);
void        cfai_test_remove_tree  (const char *path);

G_END_DECLS
