/* qr.c — mz_qr: libqrencode's modules, drawn as pixels. */
#include "mz_qr.h"

#include "mz_error.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#define QUIET 4 /* modules of white around the code */

struct mz_qr {
    int size;      /* with the quiet zone */
    uint8_t *dark; /* size * size, 1 for a dark module */
};

bool mz_qr_corner_parse(const char *name, mz_qr_corner *out)
{
    static const char *const names[] = {"bottom-right", "bottom-left", "top-right", "top-left"};
    for (int i = 0; i < 4; i++)
        if (name && !strcmp(name, names[i])) {
            *out = (mz_qr_corner)i;
            return true;
        }
    return false;
}

mz_qr *mz_qr_create(const char *text)
{
    if (!text || !*text) {
        mz_fail("QR code: no text to encode");
        return NULL;
    }
    QRcode *code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (!code) {
        mz_fail("QR code: cannot encode \"%.60s\" (%zu bytes)", text, strlen(text));
        return NULL;
    }
    mz_qr *q = calloc(1, sizeof *q);
    int n = code->width + 2 * QUIET;
    if (q) q->dark = calloc((size_t)n * (size_t)n, 1);
    if (!q || !q->dark) {
        free(q);
        QRcode_free(code);
        mz_fail("QR code: out of memory");
        return NULL;
    }
    q->size = n;
    for (int y = 0; y < code->width; y++)
        for (int x = 0; x < code->width; x++)
            q->dark[(size_t)(y + QUIET) * (size_t)n + (size_t)(x + QUIET)] =
                code->data[y * code->width + x] & 1; /* bit 0: dark */
    QRcode_free(code);
    return q;
}

void mz_qr_destroy(mz_qr *q)
{
    if (!q) return;
    free(q->dark);
    free(q);
}

int mz_qr_size(const mz_qr *q)
{
    return q ? q->size : 0;
}

int mz_qr_module_px(const mz_qr *q, int height)
{
    int px = q && q->size > 0 ? height / 5 / q->size : 0;
    return px < 2 ? 2 : px;
}

void mz_qr_place(const mz_qr *q, int w, int h, mz_qr_corner corner, int module_px, int margin,
                 int rect[4])
{
    int side = mz_qr_size(q) * module_px;
    bool right = corner == MZ_QR_BOTTOM_RIGHT || corner == MZ_QR_TOP_RIGHT;
    bool bottom = corner == MZ_QR_BOTTOM_RIGHT || corner == MZ_QR_BOTTOM_LEFT;
    rect[0] = right ? w - margin - side : margin;
    rect[1] = bottom ? h - margin - side : margin;
    rect[2] = rect[3] = side;
}

void mz_qr_draw(const mz_qr *q, uint8_t *rgba, int w, int h, int pitch, const int rect[4])
{
    if (!q || !rgba || rect[2] <= 0) return;
    for (int y = rect[1] < 0 ? 0 : rect[1]; y < rect[1] + rect[3] && y < h; y++) {
        int my = (y - rect[1]) * q->size / rect[3];
        uint8_t *row = rgba + (size_t)y * (size_t)pitch;
        for (int x = rect[0] < 0 ? 0 : rect[0]; x < rect[0] + rect[2] && x < w; x++) {
            int mx = (x - rect[0]) * q->size / rect[2];
            uint8_t v = q->dark[(size_t)my * (size_t)q->size + (size_t)mx] ? 0 : 255;
            uint8_t *p = row + (size_t)x * 4;
            p[0] = p[1] = p[2] = v;
            p[3] = 255;
        }
    }
}
