/* mz_qr — the QR code that leads phones to the audience page: the URL
 * encoded with libqrencode (byte mode, level M) and drawn as pixels into an
 * RGBA image, dark modules black on white with the 4-module quiet zone the
 * standard asks for, in a corner of the screen.
 *
 * Ownership: a mz_qr copies the code's modules; the caller owns the image it
 * draws into. Errors: NULL / false with mz_error(). */
#ifndef MZ_QR_H
#define MZ_QR_H

#include <stdbool.h>
#include <stdint.h>

typedef enum mz_qr_corner {
    MZ_QR_BOTTOM_RIGHT = 0, /* the zero value: clear of the captions' left start and the labels */
    MZ_QR_BOTTOM_LEFT,
    MZ_QR_TOP_RIGHT,
    MZ_QR_TOP_LEFT,
} mz_qr_corner;

/* "top-left", "top-right", "bottom-left", "bottom-right"; false otherwise. */
bool mz_qr_corner_parse(const char *name, mz_qr_corner *out);

typedef struct mz_qr mz_qr;

/* NULL for an empty text or one too long for a QR code. */
mz_qr *mz_qr_create(const char *text);
void mz_qr_destroy(mz_qr *q);
/* Modules per side, quiet zone included. */
int mz_qr_size(const mz_qr *q);

/* Where a code of module_px pixels per module goes in a w x h image, margin
 * pixels from the corner's edges: rect = x, y, side, side. */
void mz_qr_place(const mz_qr *q, int w, int h, mz_qr_corner corner, int module_px, int margin,
                 int rect[4]);
/* Draws the code at rect (from mz_qr_place) into rgba (w x h, pitch bytes a
 * row, 4 bytes a pixel, alpha last), clipped to the image. */
void mz_qr_draw(const mz_qr *q, uint8_t *rgba, int w, int h, int pitch, const int rect[4]);

/* Pixels a module for a screen `height` pixels high: the code about a fifth
 * of the height, and never under 2 pixels a module (a phone camera reads it
 * from a few metres). */
int mz_qr_module_px(const mz_qr *q, int height);

#endif
