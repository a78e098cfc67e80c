/* input_line — see input_line.h. */
#include "input_line.h"

#include "mz_text.h"

#include <string.h>

static bool is_continuation(char c)
{
    return ((unsigned char)c & 0xc0) == 0x80;
}

static size_t prev_boundary(const mz_input_line *in, size_t pos)
{
    while (pos > 0 && is_continuation(in->text[--pos])) {
    }
    return pos;
}

static size_t next_boundary(const mz_input_line *in, size_t pos)
{
    if (pos < in->len) pos++;
    while (pos < in->len && is_continuation(in->text[pos]))
        pos++;
    return pos;
}

static size_t count_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += !is_continuation(s[i]);
    return n;
}

/* Removes bytes [from, to) of the line, both on codepoint boundaries. */
static void erase(mz_input_line *in, size_t from, size_t to)
{
    in->chars -= count_chars(in->text + from, to - from);
    memmove(in->text + from, in->text + to, in->len - to + 1);
    in->len -= to - from;
    if (in->cursor >= to)
        in->cursor -= to - from;
    else if (in->cursor > from)
        in->cursor = from;
}

static void set_text(mz_input_line *in, const char *s)
{
    in->len = in->chars = in->cursor = 0;
    in->text[0] = '\0';
    mz_input_insert(in, s);
}

void mz_input_clear(mz_input_line *in)
{
    in->len = in->chars = in->cursor = 0;
    in->text[0] = '\0';
    in->history_pos = in->history_count;
}

size_t mz_input_insert(mz_input_line *in, const char *utf8)
{
    const unsigned char *s = (const unsigned char *)utf8;
    size_t n = strlen(utf8), added = 0;
    for (size_t i = 0; i < n && in->chars < MZ_INPUT_MAX_CHARS;) {
        uint32_t cp;
        size_t len;
        if (!mz_utf8_next(s + i, n - i, &cp, &len)) { /* invalid bytes are dropped */
            i += len;
            continue;
        }
        const unsigned char *src = s + i;
        i += len;
        /* Whitespace controls (a pasted newline) separate words; other
         * controls, C0 and C1, never reach the story. */
        static const unsigned char space = ' ';
        if (cp == '\n' || cp == '\r' || cp == '\t' || cp == 0x2028 || cp == 0x2029) {
            src = &space, len = 1;
        } else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
            continue;
        }
        memmove(in->text + in->cursor + len, in->text + in->cursor, in->len - in->cursor + 1);
        memcpy(in->text + in->cursor, src, len);
        in->len += len;
        in->cursor += len;
        in->chars++;
        added++;
    }
    return added;
}

void mz_input_backspace(mz_input_line *in)
{
    if (in->cursor > 0) erase(in, prev_boundary(in, in->cursor), in->cursor);
}

void mz_input_delete(mz_input_line *in)
{
    if (in->cursor < in->len) erase(in, in->cursor, next_boundary(in, in->cursor));
}

void mz_input_left(mz_input_line *in)
{
    in->cursor = prev_boundary(in, in->cursor);
}

void mz_input_right(mz_input_line *in)
{
    in->cursor = next_boundary(in, in->cursor);
}

void mz_input_home(mz_input_line *in)
{
    in->cursor = 0;
}

void mz_input_end(mz_input_line *in)
{
    in->cursor = in->len;
}

void mz_input_delete_word(mz_input_line *in)
{
    size_t from = in->cursor;
    while (from > 0 && in->text[from - 1] == ' ')
        from--;
    while (from > 0 && in->text[from - 1] != ' ')
        from = prev_boundary(in, from);
    erase(in, from, in->cursor);
}

void mz_input_history_up(mz_input_line *in)
{
    if (in->history_pos == 0) return;
    if (in->history_pos == in->history_count) memcpy(in->draft, in->text, in->len + 1);
    in->history_pos--;
    set_text(in, in->history[in->history_pos]);
}

void mz_input_history_down(mz_input_line *in)
{
    if (in->history_pos >= in->history_count) return;
    in->history_pos++;
    set_text(in, in->history_pos == in->history_count ? in->draft : in->history[in->history_pos]);
}

bool mz_input_submit(mz_input_line *in, char *out, size_t out_size)
{
    size_t start = 0, end = in->len;
    while (start < end && in->text[start] == ' ')
        start++;
    while (end > start && in->text[end - 1] == ' ')
        end--;
    if (start == end) return false;
    size_t n = end - start;
    if (out_size > 0) {
        /* A short buffer cuts on a codepoint boundary, never mid-character. */
        size_t keep = n < out_size - 1 ? n : out_size - 1;
        while (keep > 0 && keep < n && is_continuation(in->text[start + keep]))
            keep--;
        memcpy(out, in->text + start, keep);
        out[keep] = '\0';
    }
    in->text[end] = '\0';
    const char *line = in->text + start;
    bool repeat = in->history_count > 0 && !strcmp(in->history[in->history_count - 1], line);
    if (!repeat) {
        if (in->history_count == MZ_INPUT_HISTORY) {
            memmove(in->history[0], in->history[1], sizeof in->history[0] * (MZ_INPUT_HISTORY - 1));
            in->history_count--;
        }
        memcpy(in->history[in->history_count++], line, n + 1);
    }
    in->draft[0] = '\0';
    mz_input_clear(in);
    return true;
}
