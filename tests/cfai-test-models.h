/* cfai-test-models.h — where the tests find Cloudflare's model files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char      *cfai_test_find_models_dir  (void);
GPtrArray *cfai_test_list_model_files (const char *dir);

G_END_DECLS
