/* overlay_text — one text set in several fonts: each character comes from
 * the first font of a list that has it (DejaVu, then Noto Sans CJK), so a
 * caption that mixes Latin, Chinese or Japanese and Arabic shows every
 * character, each in its own font, rather than one font for the whole text.
 * Runs of Arabic or Hebrew are shaped right to left (SDL_ttf's HarfBuzz);
 * the paragraph's direction is its first strong character's, and its runs
 * are placed in that direction (a simple bidi: one embedding level).
 * Wrapped at spaces, and between CJK characters.
 *
 * Ownership: the fonts stay the caller's; the surface returned is the
 * caller's to free. Errors: NULL (empty text, or SDL could not make it). */
#ifndef MZ_OVERLAY_TEXT_H
#define MZ_OVERLAY_TEXT_H

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdbool.h>

/* Whether some character of s is not in `primary` but in `fallback`:
 * then s needs mz_overlay_text_render to show it all. */
bool mz_overlay_text_mixed(TTF_Font *primary, TTF_Font *fallback, const char *s);

/* s in `fonts` (the first that has each character), colour c, wrapped to
 * `wrap` px when wrap > 0 (the surface is then that wide, and right to
 * left paragraphs are set at its right). */
SDL_Surface *mz_overlay_text_render(TTF_Font *const *fonts, int font_count, const char *s,
                                    SDL_Color c, int wrap);

#endif
