/* Unit tests of the input line's editing logic (runtime/input_line.c). */
#include "input_line.h"
#include "mz_test.h"

#include <stdlib.h>

static mz_input_line line;

static void fresh(void)
{
    memset(&line, 0, sizeof line);
    mz_input_clear(&line);
}

static void test_insert_and_cursor(void)
{
    fresh();
    MZ_CHECK(mz_input_insert(&line, "open dor") == 8);
    mz_input_left(&line);
    mz_input_insert(&line, "o");
    MZ_CHECK_STR(line.text, "open door");
    MZ_CHECK(line.cursor == 8);
    mz_input_home(&line);
    mz_input_delete(&line);
    MZ_CHECK_STR(line.text, "pen door");
    mz_input_end(&line);
    mz_input_backspace(&line);
    MZ_CHECK_STR(line.text, "pen doo");
    MZ_CHECK(line.chars == 7 && line.len == 7 && line.cursor == 7);
}

static void test_utf8_by_codepoint(void)
{
    fresh();
    mz_input_insert(&line, "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\x89"); /* café → 🐉 */
    MZ_CHECK(line.chars == 8);
    MZ_CHECK(line.len == 14);
    mz_input_backspace(&line); /* the 4-byte dragon goes in one step */
    MZ_CHECK_STR(line.text, "caf\xc3\xa9 \xe2\x86\x92 ");
    mz_input_left(&line);
    mz_input_left(&line); /* now before the arrow */
    MZ_CHECK(line.cursor == 6);
    mz_input_delete(&line);
    MZ_CHECK_STR(line.text, "caf\xc3\xa9  ");
    mz_input_home(&line);
    mz_input_right(&line);
    mz_input_right(&line);
    mz_input_right(&line);
    mz_input_right(&line); /* past é: a 2-byte step */
    MZ_CHECK(line.cursor == 5);
    MZ_CHECK(line.chars == 6);
}

static void test_invalid_and_controls(void)
{
    fresh();
    /* a lone continuation byte, an overlong '/', a surrogate, a C1 control,
     * a bell, and a newline that becomes a space */
    size_t n = mz_input_insert(&line, "a\x80"
                                      "b\xc0\xaf"
                                      "c\xed\xa0\x80"
                                      "d\xc2\x85"
                                      "e\a"
                                      "f\ng");
    MZ_CHECK_STR(line.text, "abcdef g");
    MZ_CHECK(n == 8);
    /* truncated sequence at the end */
    mz_input_insert(&line, "\xe2\x86");
    MZ_CHECK_STR(line.text, "abcdef g");
}

static void test_cap_length(void)
{
    fresh();
    char big[4097];
    for (int i = 0; i < 4096; i++)
        big[i] = (char)(i % 3 ? 'x' : ' ');
    big[4096] = '\0';
    mz_input_insert(&line, big);
    MZ_CHECK(line.chars == MZ_INPUT_MAX_CHARS);
    MZ_CHECK(line.len == MZ_INPUT_MAX_CHARS);
    MZ_CHECK(mz_input_insert(&line, "more") == 0);
    /* multibyte at the cap: the line's bytes stay within its buffer */
    fresh();
    for (int i = 0; i < 300; i++)
        mz_input_insert(&line, "\xf0\x9f\x90\x89");
    MZ_CHECK(line.chars == MZ_INPUT_MAX_CHARS);
    MZ_CHECK(line.len == MZ_INPUT_MAX_CHARS * 4);
    MZ_CHECK(strlen(line.text) == line.len);
}

static void test_random_bytes_stay_valid(void)
{
    fresh();
    srand(7);
    for (int round = 0; round < 200; round++) {
        char buf[64];
        for (int i = 0; i < 63; i++)
            buf[i] = (char)(1 + rand() % 255);
        buf[63] = '\0';
        mz_input_insert(&line, buf);
        if (round % 3 == 0) mz_input_left(&line);
        if (round % 5 == 0) mz_input_backspace(&line);
        if (round % 7 == 0) mz_input_delete_word(&line);
    }
    /* What is left is valid UTF-8 that re-inserts unchanged. */
    char copy[MZ_INPUT_MAX_BYTES];
    memcpy(copy, line.text, line.len + 1);
    size_t chars = line.chars;
    fresh();
    MZ_CHECK(mz_input_insert(&line, copy) == chars);
    MZ_CHECK_STR(line.text, copy);
}

static void test_delete_word(void)
{
    fresh();
    mz_input_insert(&line, "go to the  ");
    mz_input_delete_word(&line);
    MZ_CHECK_STR(line.text, "go to ");
    mz_input_delete_word(&line);
    mz_input_delete_word(&line);
    MZ_CHECK_STR(line.text, "");
    mz_input_delete_word(&line);
    MZ_CHECK(line.len == 0);
}

static void test_submit_and_history(void)
{
    fresh();
    char out[64];
    mz_input_insert(&line, "   ");
    MZ_CHECK(!mz_input_submit(&line, out, sizeof out));
    mz_input_clear(&line);
    mz_input_insert(&line, "  go north ");
    MZ_CHECK(mz_input_submit(&line, out, sizeof out));
    MZ_CHECK_STR(out, "go north");
    MZ_CHECK(line.len == 0);
    mz_input_insert(&line, "light lamp");
    mz_input_submit(&line, out, sizeof out);
    mz_input_insert(&line, "light lamp");
    mz_input_submit(&line, out, sizeof out); /* a repeat is kept once */
    MZ_CHECK(line.history_count == 2);

    mz_input_insert(&line, "dra");
    mz_input_history_up(&line);
    MZ_CHECK_STR(line.text, "light lamp");
    MZ_CHECK(line.cursor == line.len);
    mz_input_history_up(&line);
    MZ_CHECK_STR(line.text, "go north");
    mz_input_history_up(&line); /* stays at the oldest */
    MZ_CHECK_STR(line.text, "go north");
    mz_input_history_down(&line);
    mz_input_history_down(&line); /* back to the draft */
    MZ_CHECK_STR(line.text, "dra");
    mz_input_history_down(&line);
    MZ_CHECK_STR(line.text, "dra");

    /* a short output buffer cuts between codepoints */
    fresh();
    mz_input_insert(&line, "ab\xc3\xa9");
    char small[4];
    MZ_CHECK(mz_input_submit(&line, small, sizeof small));
    MZ_CHECK_STR(small, "ab");
}

static void test_history_bounded(void)
{
    fresh();
    char out[32];
    for (int i = 0; i < MZ_INPUT_HISTORY + 10; i++) {
        char s[16];
        snprintf(s, sizeof s, "line %d", i);
        mz_input_insert(&line, s);
        mz_input_submit(&line, out, sizeof out);
    }
    MZ_CHECK(line.history_count == MZ_INPUT_HISTORY);
    MZ_CHECK_STR(line.history[0], "line 10");
    mz_input_history_up(&line);
    char want[16];
    snprintf(want, sizeof want, "line %d", MZ_INPUT_HISTORY + 9);
    MZ_CHECK_STR(line.text, want);
}

int main(void)
{
    MZ_RUN(test_insert_and_cursor);
    MZ_RUN(test_utf8_by_codepoint);
    MZ_RUN(test_invalid_and_controls);
    MZ_RUN(test_cap_length);
    MZ_RUN(test_random_bytes_stay_valid);
    MZ_RUN(test_delete_word);
    MZ_RUN(test_submit_and_history);
    MZ_RUN(test_history_bounded);
    return mz_test_finish();
}
