/* fake-image.h — small but genuine PNG and JPEG images
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Largest side of a generated picture: real sizes would only slow tests
 * down; the requested size is reported separately. */
#define FAKE_IMAGE_MAX_SIDE 64

/* FLUX.2 reference images may be at most this wide and tall
 * (docs/workers-ai.md, "2026 changes"). */
#define FAKE_REFERENCE_MAX_SIDE 512

guint8 *fake_image_render      (const char   *prompt,
                                gint64        seed,
                                guint         requested_width,
                                guint         requested_height,
                                guint        *width,
                                guint        *height);
GBytes *fake_image_encode_png  (const guint8 *rgb,
                                guint         width,
                                guint         height);
GBytes *fake_image_encode_jpeg (const guint8 *rgb,
                                guint         width,
                                guint         height);

G_END_DECLS
