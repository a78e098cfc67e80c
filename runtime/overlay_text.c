/* overlay_text — see overlay_text.h. */
#include "overlay_text.h"

#include <string.h>

/* A piece of text no line break splits: one font, one direction. */
typedef struct piece {
    int start, end; /* bytes of the text */
    int font;
    bool rtl;
    int w; /* its width, measured once */
} piece;

static bool is_rtl(Uint32 c)
{
    return (c >= 0x590 && c <= 0x8FF) || (c >= 0xFB1D && c <= 0xFDFF) ||
           (c >= 0xFE70 && c <= 0xFEFF);
}

static bool is_cjk(Uint32 c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFFEF) || c >= 0x20000;
}

/* Spaces, digits, punctuation: they take the font and direction of the
 * text around them. */
static bool is_neutral(Uint32 c)
{
    return c < 0x80 ? !((c | 0x20) >= 'a' && (c | 0x20) <= 'z') : (c >= 0x2000 && c <= 0x206F);
}

/* The code point at s[*i], moving *i past it (a bad byte is U+FFFD). */
static Uint32 next_cp(const char *s, int *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    int n = p[0] < 0x80 ? 1 : p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 0;
    if (!n) {
        (*i)++;
        return 0xFFFD;
    }
    Uint32 c = n == 1 ? p[0] : p[0] & (0x7F >> n);
    for (int k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80) {
            *i += k;
            return 0xFFFD;
        }
        c = c << 6 | (p[k] & 0x3F);
    }
    *i += n;
    return c;
}

static int font_of(TTF_Font *const *fonts, int count, Uint32 c)
{
    for (int f = 0; f < count; f++)
        if (fonts[f] && TTF_GlyphIsProvided32(fonts[f], c)) return f;
    return 0; /* nobody has it: the first font's box */
}

bool mz_overlay_text_mixed(TTF_Font *primary, TTF_Font *fallback, const char *s)
{
    if (!fallback || !s) return false;
    for (int i = 0; s[i];) {
        Uint32 c = next_cp(s, &i);
        if (!TTF_GlyphIsProvided32(primary, c) && TTF_GlyphIsProvided32(fallback, c)) return true;
    }
    return false;
}

static void set_direction(TTF_Font *f, bool rtl, const char *script)
{
    TTF_SetFontDirection(f, rtl ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
    TTF_SetFontScriptName(f, rtl ? script : "Latn");
}

/* Width (or the surface, when out) of text[start..end) in one font. */
static int measure(TTF_Font *f, const char *text, int start, int end, bool rtl, const char *script,
                   SDL_Color c, SDL_Surface **out)
{
    char *buf = SDL_malloc((size_t)(end - start) + 1);
    int w = 0;
    if (!buf) return 0;
    memcpy(buf, text + start, (size_t)(end - start));
    buf[end - start] = '\0';
    if (rtl) set_direction(f, true, script);
    if (out)
        *out = TTF_RenderUTF8_Blended(f, buf, c);
    else
        TTF_SizeUTF8(f, buf, &w, NULL);
    if (rtl) set_direction(f, false, script);
    SDL_free(buf);
    return w;
}

/* For each byte, the direction of the next strong character at or after
 * it: 1 left to right, 2 right to left, 0 none (the text's end). */
static void next_strong(const char *s, int len, Uint8 *out)
{
    for (int i = 0; i < len;) {
        int at = i;
        Uint32 c = next_cp(s, &i);
        for (int j = at; j < i && j < len; j++)
            out[j] = is_neutral(c) ? 0 : is_rtl(c) ? 2 : 1;
    }
    Uint8 next = 0;
    for (int i = len - 1; i >= 0; i--) {
        if (out[i]) next = out[i];
        out[i] = next;
    }
}

/* Cuts the text into pieces: at a change of font or direction, after a
 * space, and around each CJK character. A neutral character (a space, a
 * full stop) between two runs of one direction takes it, else the
 * paragraph's. Returns how many (at most cap). */
static int cut(TTF_Font *const *fonts, int count, const char *s, const Uint8 *ahead, piece *out,
               int cap, bool *para_rtl, const char **script)
{
    int n = 0, font = 0;
    bool rtl = false, after_space = false, after_cjk = false;
    *para_rtl = ahead[0] == 2;
    for (int i = 0; s[i] && n < cap;) {
        int at = i;
        Uint32 c = next_cp(s, &i);
        bool neutral = is_neutral(c), cjk = is_cjk(c);
        int f = neutral && n && fonts[font] && TTF_GlyphIsProvided32(fonts[font], c)
                    ? font
                    : font_of(fonts, count, c);
        bool r = is_rtl(c);
        if (neutral) {
            bool same_after = ahead[at] && (ahead[at] == 2) == rtl;
            r = n && same_after ? rtl : *para_rtl;
        }
        if (r && !neutral && !*script)
            *script = c <= 0x5FF || (c >= 0xFB1D && c <= 0xFB4F) ? "Hebr" : "Arab";
        if (!n || f != font || r != rtl || after_space || cjk || after_cjk)
            out[n++] = (piece){at, at, f, r, 0};
        out[n - 1].end = i;
        font = f;
        rtl = r;
        after_space = c == ' ';
        after_cjk = cjk;
    }
    return n;
}

SDL_Surface *mz_overlay_text_render(TTF_Font *const *fonts, int font_count, const char *s,
                                    SDL_Color c, int wrap)
{
    int len = s ? (int)strlen(s) : 0;
    if (!len) return NULL;
    piece *pc = SDL_malloc((size_t)len * sizeof *pc);
    int *line_of = SDL_malloc((size_t)len * sizeof *line_of);
    Uint8 *ahead = SDL_malloc((size_t)len);
    if (!pc || !line_of || !ahead) {
        SDL_free(pc);
        SDL_free(line_of);
        SDL_free(ahead);
        return NULL;
    }
    next_strong(s, len, ahead);
    bool para_rtl = false;
    const char *script = NULL;
    int n = cut(fonts, font_count, s, ahead, pc, len, &para_rtl, &script);
    SDL_free(ahead);
    if (!script) script = "Arab";
    int skip = 0, ascent = 0;
    for (int f = 0; f < font_count; f++) {
        if (!fonts[f]) continue;
        if (TTF_FontLineSkip(fonts[f]) > skip) skip = TTF_FontLineSkip(fonts[f]);
        if (TTF_FontAscent(fonts[f]) > ascent) ascent = TTF_FontAscent(fonts[f]);
    }
    /* Lines, greedily: a piece that does not fit starts the next one. */
    int lines = 1, x = 0, widest = 0;
    for (int i = 0; i < n; i++) {
        pc[i].w = measure(fonts[pc[i].font], s, pc[i].start, pc[i].end, pc[i].rtl, script, c, NULL);
        if (wrap > 0 && x > 0 && x + pc[i].w > wrap) {
            lines++;
            x = 0;
        }
        line_of[i] = lines - 1;
        x += pc[i].w;
        if (x > widest) widest = x;
    }
    int width = wrap > 0 ? wrap : widest;
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, width > 0 ? width : 1, lines * skip, 32,
                                                      SDL_PIXELFORMAT_RGBA32);
    if (out) SDL_FillRect(out, NULL, SDL_MapRGBA(out->format, c.r, c.g, c.b, 0));
    /* Each line's runs of one font and direction, drawn in the
     * paragraph's direction; glyphs of all fonts on one baseline. */
    for (int i = 0, pen = 0; out && i < n;) {
        int j = i + 1, w = pc[i].w;
        while (j < n && line_of[j] == line_of[i] && pc[j].font == pc[i].font &&
               pc[j].rtl == pc[i].rtl) {
            w += pc[j].w;
            j++;
        }
        SDL_Surface *run = NULL;
        measure(fonts[pc[i].font], s, pc[i].start, pc[j - 1].end, pc[i].rtl, script, c, &run);
        if (run) {
            /* Blended onto the clear surface (its colour is c): a run's
             * edge over its neighbour's leaves the neighbour's ink. */
            int y = line_of[i] * skip + ascent - TTF_FontAscent(fonts[pc[i].font]);
            SDL_Rect at = {para_rtl ? width - pen - run->w : pen, y, run->w, run->h};
            SDL_BlitSurface(run, NULL, out, &at);
            SDL_FreeSurface(run);
        }
        pen += w;
        if (j < n && line_of[j] != line_of[i]) pen = 0;
        i = j;
    }
    SDL_free(pc);
    SDL_free(line_of);
    return out;
}
