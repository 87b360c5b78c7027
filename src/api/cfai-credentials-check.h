/* cfai-credentials-check.h — ask Cloudflare whether an account ID and token work
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cfai-client.h"

G_BEGIN_DECLS

#define CFAI_ACCOUNT_ID_RULE \
  _("An account ID has only letters, digits, “-” and “_”: Cloudflare’s are 32 characters long, like 0123456789abcdef0123456789abcdef.")

gboolean    cfai_account_id_is_valid            (const char           *account_id);
char       *cfai_account_id_from_text           (const char           *text,
                                                 GError              **error);
char       *cfai_token_from_text                (const char           *text,
                                                 GError              **error);
CfaiClient *cfai_credentials_check_client_new   (CfaiClient           *like,
                                                 const char           *account_id,
                                                 const char           *token);
void        cfai_credentials_check_async        (CfaiClient           *client,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean    cfai_credentials_check_finish       (CfaiClient           *client,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
