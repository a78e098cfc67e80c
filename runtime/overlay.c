/* overlay — see overlay.h. */
#include "overlay.h"

#include "mz_error.h"
#include "overlay_text.h"

#include <SDL_ttf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

enum { FONT_TEXT, FONT_ITALIC, FONT_MONO, FONT_COUNT };
static const char *const font_files[FONT_COUNT] = {"DejaVuSans.ttf", "DejaVuSans-Oblique.ttf",
                                                   "DejaVuSansMono.ttf"};
/* Chinese, Japanese and Korean, which DejaVu lacks (fonts-noto-cjk): the
 * fallback for each character DejaVu does not have. */
static const char cjk_font[] = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

struct mz_overlay {
    char font_dir[512];
    TTF_Font *fonts[FONT_COUNT];
    TTF_Font *cjk; /* NULL when fonts-noto-cjk is not installed: boxes, as before */
    int font_px; /* the size the fonts were opened at */
    SDL_Surface *surface;
    int band_top;
};

static const SDL_Color white = {255, 255, 255, 255}, soft = {225, 215, 190, 255},
                       dim = {200, 200, 200, 255};

static bool open_fonts(mz_overlay *o, int px)
{
    for (int i = 0; i < FONT_COUNT; i++) {
        if (o->fonts[i]) TTF_CloseFont(o->fonts[i]);
        char path[600];
        snprintf(path, sizeof path, "%s/%s", o->font_dir, font_files[i]);
        /* the author's overlay is dense: smaller */
        o->fonts[i] = TTF_OpenFont(path, i == FONT_MONO ? px * 2 / 3 : px);
        if (!o->fonts[i])
            return mz_fail("overlay: cannot open font %s: %s (install fonts-dejavu-core)", path,
                           TTF_GetError());
    }
    if (o->cjk) TTF_CloseFont(o->cjk);
    o->cjk = TTF_OpenFont(cjk_font, px);
    o->font_px = px;
    return true;
}

mz_overlay *mz_overlay_create(const char *font_dir)
{
    /* Every overlay takes one reference (SDL_ttf counts them) and destroy
     * gives it back: one overlay closing must not shut FreeType down under
     * another's fonts (the player's and its video's). */
    if (TTF_Init() != 0) {
        mz_fail("overlay: TTF_Init: %s", TTF_GetError());
        return NULL;
    }
    mz_overlay *o = SDL_calloc(1, sizeof *o);
    if (!o) {
        TTF_Quit();
        mz_fail("overlay: out of memory");
        return NULL;
    }
    snprintf(o->font_dir, sizeof o->font_dir, "%s",
             font_dir ? font_dir : "/usr/share/fonts/truetype/dejavu");
    o->band_top = -1;
    if (!open_fonts(o, 24)) {
        mz_overlay_destroy(o);
        return NULL;
    }
    return o;
}

void mz_overlay_destroy(mz_overlay *o)
{
    if (!o) return;
    for (int i = 0; i < FONT_COUNT; i++)
        if (o->fonts[i]) TTF_CloseFont(o->fonts[i]);
    if (o->cjk) TTF_CloseFont(o->cjk);
    SDL_FreeSurface(o->surface);
    SDL_free(o);
    TTF_Quit(); /* reference counted by SDL_ttf */
}

int mz_overlay_band_top(const mz_overlay *o)
{
    return o->band_top;
}

static void fill(SDL_Surface *s, int x, int y, int w, int h, Uint8 r, Uint8 g, Uint8 b, Uint8 a)
{
    SDL_Rect rect = {x, y, w, h};
    SDL_FillRect(s, &rect, SDL_MapRGBA(s->format, r, g, b, a));
}

/* The script that decides a text's direction and shaping ("Arab", "Hebr";
 * NULL for left to right). */
typedef struct script_need {
    const char *rtl_script;
} script_need;

static script_need needs_of(const char *s)
{
    script_need need = {0};
    Uint32 *cps = (Uint32 *)SDL_iconv_string("UTF-32LE", "UTF-8", s, SDL_strlen(s) + 1);
    for (size_t i = 0; cps && cps[i]; i++) {
        Uint32 c = cps[i];
        if (!need.rtl_script && c >= 0x590 && c <= 0x5FF) need.rtl_script = "Hebr";
        if (!need.rtl_script && ((c >= 0x600 && c <= 0x6FF) || (c >= 0x750 && c <= 0x77F) ||
                                 (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF)))
            need.rtl_script = "Arab";
    }
    SDL_free(cps);
    return need;
}

/* Renders text (wrapped to wrap px when wrap > 0); NULL for empty text.
 * Arabic and Hebrew are shaped right to left (SDL_ttf's HarfBuzz) and their
 * wrapped lines aligned right; a character the font lacks comes from the
 * CJK font, character by character (overlay_text). */
static SDL_Surface *text(mz_overlay *o, int font, const char *s, SDL_Color c, int wrap)
{
    if (!s || !*s) return NULL;
    if (mz_overlay_text_mixed(o->fonts[font], o->cjk, s))
        return mz_overlay_text_render((TTF_Font *[]){o->fonts[font], o->cjk}, 2, s, c, wrap);
    script_need need = needs_of(s);
    TTF_Font *f = o->fonts[font];
    if (need.rtl_script) {
        TTF_SetFontDirection(f, TTF_DIRECTION_RTL);
        TTF_SetFontScriptName(f, need.rtl_script);
        TTF_SetFontWrappedAlign(f, TTF_WRAPPED_ALIGN_RIGHT);
    }
    SDL_Surface *out = wrap > 0 ? TTF_RenderUTF8_Blended_Wrapped(f, s, c, (Uint32)wrap)
                                : TTF_RenderUTF8_Blended(f, s, c);
    if (need.rtl_script) {
        TTF_SetFontDirection(f, TTF_DIRECTION_LTR);
        TTF_SetFontScriptName(f, "Latn");
        TTF_SetFontWrappedAlign(f, TTF_WRAPPED_ALIGN_LEFT);
    }
    return out;
}

static void blit(SDL_Surface *src, SDL_Surface *dst, int x, int y, float alpha)
{
    if (!src) return;
    SDL_SetSurfaceAlphaMod(src, (Uint8)(alpha * 255.0f + 0.5f));
    SDL_Rect at = {x, y, src->w, src->h};
    SDL_BlitSurface(src, NULL, dst, &at);
}

/* Three dots pulsing in turn, top right: alive, never in the way. With the
 * generator's own progress (ComfyUI's sampler steps), a thin bar under
 * them fills from the left. */
static void draw_working(mz_overlay *o, SDL_Surface *s, double t, float progress)
{
    int d = o->font_px / 3 + 2, gap = d, x0 = s->w - 3 * (d + gap) - o->font_px / 2;
    int y = o->font_px / 2, box_w = 3 * (d + gap) + gap;
    fill(s, x0 - gap, y - gap, box_w, d + 2 * gap, 0, 0, 0, 90);
    for (int i = 0; i < 3; i++) {
        double phase = 0.5 + 0.5 * sin(t * 6.0 - i * 1.2);
        Uint8 a = (Uint8)(90 + 165 * phase);
        fill(s, x0 + i * (d + gap), y, d, d, 255, 255, 255, a);
    }
    if (progress > 0) {
        int bar_y = y + d + gap + gap / 2, bar_h = d / 3 + 1;
        float done = progress < 1 ? progress : 1;
        fill(s, x0 - gap, bar_y, box_w, bar_h, 0, 0, 0, 90);
        fill(s, x0 - gap, bar_y, (int)(box_w * done + 0.5f), bar_h, 255, 255, 255, 230);
    }
}

/* The input line along the bottom: a prompt mark, the text, a caret; the
 * text scrolls left when the caret would leave the line. Returns its top. */
static int draw_input(mz_overlay *o, SDL_Surface *s, const mz_overlay_state *st)
{
    int px = o->font_px, h = px * 2, top = s->h - h, margin = px;
    float a = st->input_alpha;
    fill(s, 0, top, s->w, h, 0, 0, 0, (Uint8)(150 * a));
    SDL_Surface *mark = text(o, FONT_TEXT, "\xe2\x80\xba", dim, 0); /* › */
    blit(mark, s, margin / 2, top + (h - px * 6 / 5) / 2, a);
    SDL_FreeSurface(mark);

    const mz_input_line *in = st->input;
    int caret_x = 0, avail = s->w - 2 * margin - margin / 2;
    if (in->cursor > 0) {
        char prefix[MZ_INPUT_MAX_BYTES];
        memcpy(prefix, in->text, in->cursor);
        prefix[in->cursor] = '\0';
        TTF_SizeUTF8(o->fonts[FONT_TEXT], prefix, &caret_x, NULL);
    }
    int scroll = caret_x > avail ? caret_x - avail : 0;
    SDL_Surface *line = text(o, FONT_TEXT, in->text, white, 0);
    if (line) {
        SDL_SetSurfaceAlphaMod(line, (Uint8)(a * 255.0f));
        SDL_Rect src = {scroll, 0, avail + px, line->h};
        SDL_Rect at = {margin + margin / 2, top + (h - line->h) / 2, 0, 0};
        SDL_BlitSurface(line, &src, s, &at);
        SDL_FreeSurface(line);
    }
    if (st->caret_on && a > 0.05f)
        fill(s, margin + margin / 2 + caret_x - scroll, top + px / 2, px / 10 + 1, px, 255, 255,
             255, (Uint8)(230 * a));
    return top;
}

/* Caption (and reply) above `bottom` on a shaded band, wrapped to the width. */
static void draw_captions(mz_overlay *o, SDL_Surface *s, const mz_overlay_state *st, int bottom)
{
    int px = o->font_px, margin = px * 2, wrap = s->w - 2 * margin;
    if (wrap < px * 4) wrap = px * 4;
    SDL_Surface *reply = text(o, FONT_ITALIC, st->reply, soft, wrap);
    SDL_Surface *cap = text(o, FONT_TEXT, st->caption, white, wrap);
    if (!reply && !cap) return;
    int gap = px / 2,
        hgt = gap * 2 + (cap ? cap->h : 0) + (reply ? reply->h : 0) + (cap && reply ? gap : 0);
    o->band_top = bottom - hgt;
    fill(s, 0, o->band_top, s->w, hgt, 0, 0, 0, 150);
    int y = o->band_top + gap;
    if (cap) {
        blit(cap, s, margin, y, 1.0f);
        y += cap->h + gap;
    }
    blit(reply, s, margin, y, 1.0f);
    SDL_FreeSurface(cap);
    SDL_FreeSurface(reply);
}

/* The widest line of msg in px, capped at `limit`: SDL_ttf makes a wrapped
 * surface as wide as its wrap length, so boxes wrap at their text's width. */
static int text_width(mz_overlay *o, int font, const char *msg, int limit)
{
    int widest = 1;
    char line[1024];
    for (const char *s = msg; *s;) {
        size_t n = strcspn(s, "\n");
        size_t m = n < sizeof line - 1 ? n : sizeof line - 1;
        memcpy(line, s, m);
        line[m] = '\0';
        int w = 0;
        if (m && TTF_SizeUTF8(o->fonts[font], line, &w, NULL) == 0 && w > widest) widest = w;
        s += n + (s[n] == '\n');
    }
    widest += o->font_px; /* SDL_ttf wraps a little before the exact width */
    return widest < limit ? widest : limit;
}

static void draw_box(mz_overlay *o, SDL_Surface *s, const char *msg, int font, int x, int y,
                     bool centre)
{
    int pad = o->font_px / 2;
    SDL_Surface *t = text(o, font, msg, white, text_width(o, font, msg, s->w * 3 / 4));
    if (!t) return;
    if (centre) {
        x = (s->w - t->w) / 2;
        y = (s->h - t->h) / 2;
    }
    fill(s, x - pad, y - pad, t->w + 2 * pad, t->h + 2 * pad, 10, 10, 20, 200);
    blit(t, s, x, y, 1.0f);
    SDL_FreeSurface(t);
}

static void draw_menu(mz_overlay *o, SDL_Surface *s, const mz_overlay_state *st)
{
    int px = o->font_px, line = px * 2, y = s->h / 2 - (st->menu_count + 2) * line / 2;
    fill(s, 0, 0, s->w, s->h, 8, 8, 16, 255);
    SDL_Surface *t = text(o, FONT_TEXT, st->menu_title, soft, 0);
    if (t) {
        blit(t, s, (s->w - t->w) / 2, y, 1.0f);
        SDL_FreeSurface(t);
    }
    y += line * 2;
    for (int i = 0; i < st->menu_count; i++, y += line) {
        bool sel = i == st->menu_selected;
        t = text(o, FONT_TEXT, st->menu_items[i], sel ? white : dim, 0);
        if (!t) continue;
        int x = (s->w - t->w) / 2;
        if (sel) fill(s, x - px, y - px / 4, t->w + 2 * px, t->h + px / 2, 60, 60, 100, 255);
        blit(t, s, x, y, 1.0f);
        SDL_FreeSurface(t);
    }
}

/* A small label on a dim plate at the top left; with dot, a red recording
 * dot before it. Returns the y below it. */
static int draw_label(mz_overlay *o, SDL_Surface *s, const char *msg, bool dot, int y)
{
    SDL_Surface *t = text(o, FONT_MONO, msg, dim, 0);
    if (!t) return y;
    int pad = o->font_px / 4, d = dot ? t->h * 3 / 5 : 0, x = o->font_px / 2;
    fill(s, x, y, t->w + 2 * pad + (dot ? d + pad : 0), t->h + 2 * pad, 0, 0, 0, 120);
    if (dot) fill(s, x + pad, y + pad + (t->h - d) / 2, d, d, 230, 30, 30, 255);
    blit(t, s, x + pad + (dot ? d + pad : 0), y + pad, 1.0f);
    y += t->h + 2 * pad + pad;
    SDL_FreeSurface(t);
    return y;
}

/* The audience page's QR code in its corner, drawn last so nothing covers
 * it, and its URL on a plate beside it, toward the middle of the screen. */
static void draw_qr(mz_overlay *o, SDL_Surface *s, const mz_overlay_state *st)
{
    int margin = o->font_px / 2, rect[4];
    mz_qr_place(st->qr, s->w, s->h, st->qr_corner, mz_qr_module_px(st->qr, s->h), margin, rect);
    SDL_Surface *t = text(o, FONT_MONO, st->qr_url, white, 0);
    if (t) {
        bool bottom = st->qr_corner == MZ_QR_BOTTOM_RIGHT || st->qr_corner == MZ_QR_BOTTOM_LEFT;
        bool right = st->qr_corner == MZ_QR_BOTTOM_RIGHT || st->qr_corner == MZ_QR_TOP_RIGHT;
        int pad = o->font_px / 4, pw = t->w + 2 * pad, ph = t->h + 2 * pad;
        int x = right ? s->w - margin - pw : margin;
        int y = bottom ? rect[1] - ph - pad : rect[1] + rect[3] + pad;
        fill(s, x, y, pw, ph, 0, 0, 0, 170);
        blit(t, s, x + pad, y + pad, 1.0f);
        SDL_FreeSurface(t);
    }
    SDL_LockSurface(s);
    mz_qr_draw(st->qr, s->pixels, s->w, s->h, s->pitch, rect);
    SDL_UnlockSurface(s);
}

/* The audience's line (or the vote), at the top centre on a dark plate,
 * wrapped to half the width: readable from the back of a room. */
static void draw_audience(mz_overlay *o, SDL_Surface *s, const char *msg)
{
    SDL_Surface *t = text(o, FONT_TEXT, msg, white, s->w / 2);
    if (!t) return;
    int pad = o->font_px / 3, x = (s->w - t->w) / 2, y = o->font_px / 2;
    fill(s, x - pad, y, t->w + 2 * pad, t->h + 2 * pad, 0, 0, 0, 170);
    blit(t, s, x, y + pad, 1.0f);
    SDL_FreeSurface(t);
}

SDL_Surface *mz_overlay_draw(mz_overlay *o, int width, int height, const mz_overlay_state *st)
{
    if (!o->surface || o->surface->w != width || o->surface->h != height) {
        SDL_FreeSurface(o->surface);
        o->surface = SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_RGBA32);
        if (!o->surface) {
            mz_fail("overlay: %s", SDL_GetError());
            return NULL;
        }
        SDL_SetSurfaceBlendMode(o->surface, SDL_BLENDMODE_NONE);
    }
    int px = height / 30;
    px = px < 12 ? 12 : px > 64 ? 64 : px;
    if (px != o->font_px && !open_fonts(o, px)) return NULL;
    SDL_Surface *s = o->surface;
    SDL_FillRect(s, NULL, SDL_MapRGBA(s->format, 0, 0, 0, 0));
    o->band_top = -1;
    if (st->menu_count > 0) {
        draw_menu(o, s, st);
        return s;
    }
    int bottom = st->input ? draw_input(o, s, st) : height;
    draw_captions(o, s, st, bottom);
    if (st->working) draw_working(o, s, st->time_s, st->progress);
    int y = draw_label(o, s, st->disclosure, false, o->font_px / 2);
    draw_label(o, s, st->recording, true, y);
    if (st->author) draw_box(o, s, st->author, FONT_MONO, px, px, false);
    if (st->notice) draw_box(o, s, st->notice, FONT_TEXT, 0, 0, true);
    if (st->audience && *st->audience) draw_audience(o, s, st->audience);
    if (st->qr) draw_qr(o, s, st);
    return s;
}
