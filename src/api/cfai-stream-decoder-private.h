/* cfai-stream-decoder-private.h — switches for tests and the benchmark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not for the app: the tests compare the decoder with and without its
 * fast path, and the benchmark reports how many events took it.
 */
#pragma once

#include "cfai-stream-decoder.h"

G_BEGIN_DECLS

void     cfai_stream_decoder_set_fast_path (CfaiStreamDecoder *self,
                                            gboolean           enabled);
guint64  cfai_stream_decoder_get_n_fast    (CfaiStreamDecoder *self);

G_END_DECLS
