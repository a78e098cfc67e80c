/* input_line — the text line a viewer types into: editing logic only.
 *
 * Pure C, no SDL, so it is unit-tested on its own. Text is UTF-8; every
 * operation moves by whole codepoints. Inserted text is validated: invalid
 * bytes are dropped, control characters (newlines from a paste included)
 * become spaces or are dropped, and the line is capped at MZ_INPUT_MAX_CHARS
 * codepoints — whatever a viewer pastes, the line stays valid and bounded.
 *
 * History: submitted lines (non-empty, not repeating the last one) are kept,
 * newest last, up to MZ_INPUT_HISTORY; Up/Down walk it, and walking back
 * past the newest restores the line being edited.
 *
 * Ownership: a mz_input_line is a plain value the caller owns; no heap. */
#ifndef MZ_INPUT_LINE_H
#define MZ_INPUT_LINE_H

#include <stdbool.h>
#include <stddef.h>

#define MZ_INPUT_MAX_CHARS 200
#define MZ_INPUT_MAX_BYTES (MZ_INPUT_MAX_CHARS * 4 + 1)
#define MZ_INPUT_HISTORY 32

typedef struct mz_input_line {
    char text[MZ_INPUT_MAX_BYTES];
    size_t len;    /* bytes */
    size_t chars;  /* codepoints */
    size_t cursor; /* byte offset, always on a codepoint boundary */
    char history[MZ_INPUT_HISTORY][MZ_INPUT_MAX_BYTES];
    int history_count;
    int history_pos;                /* == history_count while editing a fresh line */
    char draft[MZ_INPUT_MAX_BYTES]; /* the fresh line, kept while browsing history */
} mz_input_line;

void mz_input_clear(mz_input_line *in);

/* Inserts UTF-8 text at the cursor (typed text or a paste); returns how many
 * codepoints went in. Bytes that are not valid UTF-8 are skipped. */
size_t mz_input_insert(mz_input_line *in, const char *utf8);

void mz_input_backspace(mz_input_line *in);
void mz_input_delete(mz_input_line *in);
void mz_input_left(mz_input_line *in);
void mz_input_right(mz_input_line *in);
void mz_input_home(mz_input_line *in);
void mz_input_end(mz_input_line *in);
/* Deletes back to the start of the previous word (Ctrl+Backspace / Ctrl+W). */
void mz_input_delete_word(mz_input_line *in);

void mz_input_history_up(mz_input_line *in);
void mz_input_history_down(mz_input_line *in);

/* Copies the line (trimmed of surrounding spaces) to out, records it in
 * history, and clears the line. Returns false, leaving the line as it is,
 * when it holds nothing but spaces. */
bool mz_input_submit(mz_input_line *in, char *out, size_t out_size);

#endif
