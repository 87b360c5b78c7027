/* cfai-image-generator.h — run a text-to-image model once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cfai-client.h"
#include "cfai-image-model-rules.h"
#include "cfai-image-request.h"

G_BEGIN_DECLS

void    cfai_image_generate_async  (CfaiClient           *client,
                                    CfaiImageRequest     *request,
                                    CfaiImageModelRules  *rules,
                                    const CfaiGatewayOptions *gateway,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
GBytes *cfai_image_generate_finish (CfaiClient           *client,
                                    GAsyncResult         *result,
                                    char                **mime_type,
                                    CfaiResponseInfo    **info,
                                    GError              **error);

void                 cfai_image_fetch_rules_async  (CfaiClient           *client,
                                                    const char           *model_id,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
CfaiImageModelRules *cfai_image_fetch_rules_finish (CfaiClient           *client,
                                                    GAsyncResult         *result,
                                                    GError              **error);

G_END_DECLS
