/* cfai-test-server.h — start the fake Workers AI server for a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *process;
  char        *url;        /* http://127.0.0.1:PORT */
} CfaiTestServer;

CfaiTestServer *cfai_test_server_start    (void);
char           *cfai_test_server_api_base (CfaiTestServer *server,
                                           const char     *scenario);
guint           cfai_test_server_get_count (CfaiTestServer *server,
                                            const char     *name);
void            cfai_test_server_stop     (CfaiTestServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfaiTestServer, cfai_test_server_stop)

G_END_DECLS
