/* fake-image.c — small but genuine PNG and JPEG images
 *
 * Clients must be tested with pictures a real decoder accepts, so both
 * encoders here write complete files: PNG with zlib-compressed IDAT and
 * CRC-checked chunks, JPEG as baseline sequential DCT (SOF0) with YCbCr
 * 4:4:4.  The JPEG Huffman tables are our own flat tables (every DC
 * category a 4-bit code, every AC symbol an 8-bit code) rather than the
 * example tables of the standard: any complete table set is valid, and
 * flat ones need no big constant tables.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "fake-image.h"

static guint32
fnv1a (guint32     hash,
       const void *data,
       gsize       len)
{
  const guint8 *p = data;

  for (gsize i = 0; i < len; i++)
    {
      hash ^= p[i];
      hash *= 16777619u;
    }

  return hash;
}

guint8 *
fake_image_render (const char *prompt,
                   gint64      seed,
                   guint       requested_width,
                   guint       requested_height,
                   guint      *width,
                   guint      *height)
{
  guint32 hash = 2166136261u;
  guint8 base[3];
  guint8 *rgb;
  guint w;
  guint h;

  g_return_val_if_fail (prompt != NULL, NULL);
  g_return_val_if_fail (width != NULL && height != NULL, NULL);

  requested_width = MAX (requested_width, 1);
  requested_height = MAX (requested_height, 1);

  /* Keep the aspect ratio, scale the longer side down to the cap. */
  if (requested_width >= requested_height)
    {
      w = MIN (requested_width, FAKE_IMAGE_MAX_SIDE);
      h = MAX (1, (guint) ((guint64) requested_height * w / requested_width));
    }
  else
    {
      h = MIN (requested_height, FAKE_IMAGE_MAX_SIDE);
      w = MAX (1, (guint) ((guint64) requested_width * h / requested_height));
    }

  hash = fnv1a (hash, prompt, strlen (prompt));
  hash = fnv1a (hash, &seed, sizeof seed);
  hash = fnv1a (hash, &requested_width, sizeof requested_width);
  hash = fnv1a (hash, &requested_height, sizeof requested_height);

  base[0] = hash & 0xff;
  base[1] = (hash >> 8) & 0xff;
  base[2] = (hash >> 16) & 0xff;

  rgb = g_malloc ((gsize) w * h * 3);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        guint8 *px = rgb + ((gsize) y * w + x) * 3;
        guint cx = (hash >> 24) % w;
        guint cy = (hash >> 4) % h;
        guint dx = x > cx ? x - cx : cx - x;
        guint dy = y > cy ? y - cy : cy - y;
        gboolean disc = dx * dx + dy * dy < (w * h) / 16 + 4;

        px[0] = (guint8) (base[0] + x * 255 / w);
        px[1] = (guint8) (base[1] + y * 255 / h);
        px[2] = disc ? (guint8) (255 - base[2]) : (guint8) (base[2] + (x + y) * 2);
      }

  *width = w;
  *height = h;

  return rgb;
}

/* PNG ------------------------------------------------------------------ */

static guint32 crc_table[256];

static void
crc_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint32 n = 0; n < 256; n++)
        {
          guint32 c = n;

          for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
          crc_table[n] = c;
        }
      g_once_init_leave (&initialized, 1);
    }
}

static guint32
crc_update (guint32       crc,
            const guint8 *data,
            gsize         len)
{
  for (gsize i = 0; i < len; i++)
    crc = crc_table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);

  return crc;
}

static void
put_be32 (GByteArray *out,
          guint32     value)
{
  guint8 b[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (out, b, 4);
}

static void
png_chunk (GByteArray   *out,
           const char   *type,
           const guint8 *data,
           gsize         len)
{
  guint32 crc = 0xffffffffu;

  put_be32 (out, len);
  g_byte_array_append (out, (const guint8 *) type, 4);
  if (len)
    g_byte_array_append (out, data, len);

  crc = crc_update (crc, (const guint8 *) type, 4);
  crc = crc_update (crc, data, len);
  put_be32 (out, crc ^ 0xffffffffu);
}

static GBytes *
zlib_compress (const guint8 *data,
               gsize         len)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 6);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = g_converter_output_stream_new (memory, G_CONVERTER (compressor));

  /* Memory streams cannot fail short of running out of memory. */
  if (!g_output_stream_write_all (stream, data, len, NULL, NULL, &error) ||
      !g_output_stream_close (stream, NULL, &error))
    g_error ("zlib compression failed: %s", error->message);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

GBytes *
fake_image_encode_png (const guint8 *rgb,
                       guint         width,
                       guint         height)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GByteArray) raw = g_byte_array_new ();
  g_autoptr(GBytes) compressed = NULL;
  GByteArray *out = g_byte_array_new ();
  guint8 ihdr[13];

  g_return_val_if_fail (rgb != NULL && width > 0 && height > 0, NULL);

  crc_init ();

  /* Filter type 0 (none) on every scanline. */
  for (guint y = 0; y < height; y++)
    {
      guint8 filter = 0;

      g_byte_array_append (raw, &filter, 1);
      g_byte_array_append (raw, rgb + (gsize) y * width * 3, width * 3);
    }
  compressed = zlib_compress (raw->data, raw->len);

  ihdr[0] = width >> 24; ihdr[1] = width >> 16; ihdr[2] = width >> 8; ihdr[3] = width;
  ihdr[4] = height >> 24; ihdr[5] = height >> 16; ihdr[6] = height >> 8; ihdr[7] = height;
  ihdr[8] = 8;    /* bit depth */
  ihdr[9] = 2;    /* colour type: truecolour */
  ihdr[10] = 0;   /* deflate */
  ihdr[11] = 0;   /* adaptive filtering */
  ihdr[12] = 0;   /* no interlace */

  g_byte_array_append (out, signature, sizeof signature);
  png_chunk (out, "IHDR", ihdr, sizeof ihdr);
  png_chunk (out, "IDAT",
             g_bytes_get_data (compressed, NULL),
             g_bytes_get_size (compressed));
  png_chunk (out, "IEND", NULL, 0);

  return g_byte_array_free_to_bytes (out);
}

/* JPEG ----------------------------------------------------------------- */

typedef struct
{
  GByteArray *out;
  guint32     bits;
  int         nbits;
} BitWriter;

static void
bits_put (BitWriter *w,
          guint32    code,
          int        length)
{
  for (int i = length - 1; i >= 0; i--)
    {
      w->bits = (w->bits << 1) | ((code >> i) & 1);
      w->nbits++;
      if (w->nbits == 8)
        {
          guint8 byte = w->bits & 0xff;
          static const guint8 stuffing = 0;

          g_byte_array_append (w->out, &byte, 1);
          /* A 0xFF in entropy-coded data must be followed by 0x00. */
          if (byte == 0xff)
            g_byte_array_append (w->out, &stuffing, 1);
          w->bits = 0;
          w->nbits = 0;
        }
    }
}

static void
bits_flush (BitWriter *w)
{
  /* Pad the last byte with 1 bits, as the standard asks. */
  while (w->nbits != 0)
    bits_put (w, 1, 1);
}

static int
category (int value)
{
  int magnitude = ABS (value);
  int n = 0;

  while (magnitude)
    {
      n++;
      magnitude >>= 1;
    }

  return n;
}

static void
put_value (BitWriter *w,
           int        value,
           int        size)
{
  if (size == 0)
    return;
  /* Negative values are sent as the one's complement of |value|. */
  if (value < 0)
    value += (1 << size) - 1;
  bits_put (w, value, size);
}

/* The AC symbol list in table order: its index is the 8-bit code. */
static guint8 ac_symbols[162];
static guint8 ac_code[256];

static void
jpeg_tables_init (guint8 zigzag[64])
{
  static gsize initialized = 0;
  static guint8 order[64];

  if (g_once_init_enter (&initialized))
    {
      guint n = 0;
      guint k = 0;

      ac_symbols[n++] = 0x00; /* EOB */
      ac_symbols[n++] = 0xf0; /* ZRL: sixteen zeros */
      for (guint run = 0; run < 16; run++)
        for (guint size = 1; size <= 10; size++)
          ac_symbols[n++] = (run << 4) | size;
      for (guint i = 0; i < n; i++)
        ac_code[ac_symbols[i]] = i;

      /* Zig-zag: walk the anti-diagonals, alternating direction. */
      for (guint s = 0; s < 15; s++)
        for (guint i = 0; i <= s; i++)
          {
            guint row = (s % 2) ? i : s - i;
            guint col = s - row;

            if (row < 8 && col < 8)
              order[k++] = row * 8 + col;
          }

      g_once_init_leave (&initialized, 1);
    }

  memcpy (zigzag, order, 64);
}

static guint8
quant_value (guint row,
             guint col)
{
  /* Coarser for higher frequencies, like every usable table. */
  return 6 + (row + col) * 3;
}

static void
encode_block (BitWriter    *w,
              const double  block[64],
              const guint8  zigzag[64],
              int          *previous_dc)
{
  int coefficients[64];
  int diff;
  int run = 0;

  for (guint v = 0; v < 8; v++)
    for (guint u = 0; u < 8; u++)
      {
        double sum = 0;
        double cu = u == 0 ? M_SQRT1_2 : 1.0;
        double cv = v == 0 ? M_SQRT1_2 : 1.0;

        for (guint y = 0; y < 8; y++)
          for (guint x = 0; x < 8; x++)
            sum += block[y * 8 + x] *
                   cos ((2 * x + 1) * u * G_PI / 16) *
                   cos ((2 * y + 1) * v * G_PI / 16);

        coefficients[v * 8 + u] = (int) lround (sum * cu * cv / 4 / quant_value (v, u));
      }

  diff = CLAMP (coefficients[0] - *previous_dc, -2047, 2047);
  *previous_dc += diff;
  bits_put (w, category (diff), 4);
  put_value (w, diff, category (diff));

  for (guint k = 1; k < 64; k++)
    {
      int value = CLAMP (coefficients[zigzag[k]], -1023, 1023);

      if (value == 0)
        {
          run++;
          continue;
        }

      while (run > 15)
        {
          bits_put (w, ac_code[0xf0], 8);
          run -= 16;
        }

      bits_put (w, ac_code[(run << 4) | category (value)], 8);
      put_value (w, value, category (value));
      run = 0;
    }

  if (run > 0)
    bits_put (w, ac_code[0x00], 8);
}

static void
put_marker (GByteArray   *out,
            guint8        marker,
            const guint8 *payload,
            gsize         len)
{
  guint8 head[4] = { 0xff, marker, (len + 2) >> 8, (len + 2) & 0xff };

  g_byte_array_append (out, head, 4);
  g_byte_array_append (out, payload, len);
}

GBytes *
fake_image_encode_jpeg (const guint8 *rgb,
                        guint         width,
                        guint         height)
{
  static const guint8 soi[2] = { 0xff, 0xd8 };
  static const guint8 eoi[2] = { 0xff, 0xd9 };
  static const guint8 jfif[14] = { 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0 };
  GByteArray *out = g_byte_array_new ();
  BitWriter w = { out, 0, 0 };
  guint8 zigzag[64];
  guint8 dqt[65];
  guint8 sof[15];
  guint8 dht_dc[1 + 16 + 12];
  guint8 dht_ac[1 + 16 + 162];
  guint8 sos[10] = { 3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0 };
  int previous_dc[3] = { 0, 0, 0 };

  g_return_val_if_fail (rgb != NULL && width > 0 && height > 0, NULL);
  g_return_val_if_fail (width < 65536 && height < 65536, NULL);

  jpeg_tables_init (zigzag);

  dqt[0] = 0x00; /* 8-bit precision, table 0 */
  for (guint k = 0; k < 64; k++)
    dqt[1 + k] = quant_value (zigzag[k] / 8, zigzag[k] % 8);

  sof[0] = 8;
  sof[1] = height >> 8; sof[2] = height & 0xff;
  sof[3] = width >> 8; sof[4] = width & 0xff;
  sof[5] = 3;
  for (guint c = 0; c < 3; c++)
    {
      sof[6 + c * 3] = c + 1;      /* component id */
      sof[7 + c * 3] = 0x11;       /* no subsampling */
      sof[8 + c * 3] = 0;          /* quantisation table 0 */
    }

  memset (dht_dc, 0, sizeof dht_dc);
  dht_dc[0] = 0x00;          /* DC table 0 */
  dht_dc[1 + 3] = 12;        /* twelve codes of length 4 */
  for (guint i = 0; i < 12; i++)
    dht_dc[17 + i] = i;

  memset (dht_ac, 0, sizeof dht_ac);
  dht_ac[0] = 0x10;          /* AC table 0 */
  dht_ac[1 + 7] = 162;       /* 162 codes of length 8 */
  memcpy (dht_ac + 17, ac_symbols, 162);

  g_byte_array_append (out, soi, 2);
  put_marker (out, 0xe0, jfif, sizeof jfif);
  put_marker (out, 0xdb, dqt, sizeof dqt);
  put_marker (out, 0xc0, sof, sizeof sof);
  put_marker (out, 0xc4, dht_dc, sizeof dht_dc);
  put_marker (out, 0xc4, dht_ac, sizeof dht_ac);
  put_marker (out, 0xda, sos, sizeof sos);

  /* Interleaved MCUs of one 8×8 block per component; edges repeat the
   * last row and column. */
  for (guint by = 0; by < height; by += 8)
    for (guint bx = 0; bx < width; bx += 8)
      for (guint c = 0; c < 3; c++)
        {
          double block[64];

          for (guint y = 0; y < 8; y++)
            for (guint x = 0; x < 8; x++)
              {
                guint sx = MIN (bx + x, width - 1);
                guint sy = MIN (by + y, height - 1);
                const guint8 *px = rgb + ((gsize) sy * width + sx) * 3;
                double r = px[0], g = px[1], b = px[2];
                double value;

                if (c == 0)
                  value = 0.299 * r + 0.587 * g + 0.114 * b;
                else if (c == 1)
                  value = -0.168736 * r - 0.331264 * g + 0.5 * b + 128;
                else
                  value = 0.5 * r - 0.418688 * g - 0.081312 * b + 128;

                block[y * 8 + x] = value - 128;
              }

          encode_block (&w, block, zigzag, &previous_dc[c]);
        }

  bits_flush (&w);
  g_byte_array_append (out, eoi, 2);

  return g_byte_array_free_to_bytes (out);
}
