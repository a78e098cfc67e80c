/* overlay — what the player draws over the picture: the captions band, the
 * input line with its caret, the "working" indicator, notices (quit?, the
 * end), the story picker and the author's overlay.
 *
 * Drawn with SDL2_ttf (DejaVu from fonts-dejavu-core; each character DejaVu
 * lacks from Noto Sans CJK (fonts-noto-cjk), see overlay_text; Arabic and Hebrew shaped
 * right to left by SDL_ttf's HarfBuzz and set at the right) into an RGBA surface
 * of the drawable's size, which the program hands to mz_render as its
 * overlay. Sizes scale with the drawable's height, so text stays readable
 * from 640x360 to 4K.
 *
 * Ownership: mz_overlay owns its fonts and surface; the state it draws is
 * read during mz_overlay_draw only. Errors: NULL / false with mz_error(). */
#ifndef MZ_OVERLAY_H
#define MZ_OVERLAY_H

#include "input_line.h"
#include "mz_qr.h"

#include <SDL.h>
#include <stdbool.h>

typedef struct mz_overlay mz_overlay;

typedef struct mz_overlay_state {
    const char *caption;        /* narration of the scene shown; NULL/"" none */
    const char *reply;          /* the story's answer to input that matched nothing */
    const mz_input_line *input; /* NULL hides the line */
    float input_alpha;          /* 0..1: the line fades when unused */
    bool caret_on;              /* blink phase */
    bool working;               /* a scene is being made: animate the indicator */
    float progress;             /* 0..1: how far the generator says it is (a bar under
                                   the indicator); 0: none shown */
    double time_s;              /* animation clock */
    const char *notice;         /* a centred box (quit? / the end / saved), may hold '\n' */
    const char *author;         /* the author's overlay text; NULL hides it */
    const char *disclosure;     /* top left, small: "Scenes generated as you play"; NULL none */
    const char *recording;      /* below it, after a red dot: "REC 0:12"; NULL when not recording */
    const mz_qr *qr;            /* the audience page's QR code (issue 11); NULL none */
    mz_qr_corner qr_corner;     /* where it goes */
    const char *qr_url;         /* printed by the code, for those without a camera */
    const char *audience;       /* a line from the audience, or the vote's tally; NULL/"" none */
    /* the story picker: shown instead of everything else when item_count > 0 */
    const char *menu_title;
    const char *const *menu_items;
    int menu_count, menu_selected;
} mz_overlay_state;

/* font_dir NULL -> /usr/share/fonts/truetype/dejavu */
mz_overlay *mz_overlay_create(const char *font_dir);
void mz_overlay_destroy(mz_overlay *o);

/* Draws the state into a surface of width x height (RGBA32, straight alpha)
 * that stays owned by the overlay and valid until the next draw. */
SDL_Surface *mz_overlay_draw(mz_overlay *o, int width, int height, const mz_overlay_state *st);

/* The captions band's top edge in the last drawing (tests compare pixels
 * inside and above it); -1 when no band was drawn. */
int mz_overlay_band_top(const mz_overlay *o);

#endif
