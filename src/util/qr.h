/* QR codes (libqrencode), rendered server-side as SVG text or PNG bytes, with a quiet
 * zone of 4 modules. Error correction level M. */
#ifndef UTIL_QR_H
#define UTIL_QR_H

#include "util/buf.h"

/* Each returns 0, or -1 when the text cannot be encoded or the buffer cap is hit.
 * module is the size of one module in pixels (PNG) or user units (SVG), 1..32. */
int qr_svg(const char *text, int module, struct buf *out);
int qr_png(const char *text, int module, struct buf *out);

#endif
