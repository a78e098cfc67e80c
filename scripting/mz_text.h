/* mz_text — viewer text: sanitising, moderation and free-text matching.
 *
 * No Lua and no neural model: matching is Unicode case folding (Latin,
 * Greek, Cyrillic), punctuation and stop-word removal, light stemming,
 * synonyms (single words and multi-word phrases), typo tolerance (bounded
 * edit distance) and a score in [0,1] compared with a threshold. Ties go to
 * the earliest pattern, so results are deterministic.
 *
 * Viewer text is untrusted: every function here takes arbitrary bytes and
 * any length, and never reads or writes outside the buffers it is given.
 * Matching reads the first 128 words of a text, 32 letters of each.
 *
 * Ownership: a mz_lexicon is made and destroyed by its owner (one per
 * story). Patterns and utterances are made from a lexicon, must be destroyed
 * before it, and copy everything they keep. Not thread-safe per object;
 * distinct objects may be used from distinct threads. */
#ifndef MZ_TEXT_H
#define MZ_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MZ_TEXT_DEFAULT_MAX 280 /* bytes of viewer text kept by default */

/* Decodes the UTF-8 character at s (len >= 1 bytes) into *cp. False for an
 * invalid or overlong sequence, a surrogate or a value past U+10FFFF (*cp
 * is then U+FFFD). *used gets the bytes read: the character's, or the
 * maximal invalid prefix (at least one byte), as Unicode recommends. The
 * one UTF-8 decoder of the engine: text, the input line, the trace. */
bool mz_utf8_next(const unsigned char *s, size_t len, uint32_t *cp, size_t *used);

/* Copies `in` (len bytes, not necessarily NUL-terminated) into `out`
 * (cap bytes, cap >= 1, always NUL-terminated): invalid UTF-8 sequences and
 * overlongs become U+FFFD, control characters (C0, DEL, C1, bidi overrides)
 * are dropped, runs of whitespace become one space, ends are trimmed, and the
 * result is cut to at most max_bytes (0 -> MZ_TEXT_DEFAULT_MAX) on a
 * character boundary. Returns the length written. */
size_t mz_text_sanitize(const char *in, size_t len, char *out, size_t cap, size_t max_bytes);

/* Text for a terminal or a log line, with nothing that could act on the
 * terminal: every character sanitising would drop or treat as a line break
 * (C0 including newlines, DEL, C1, bidi and invisible characters) becomes a
 * visible escape (\n, \x1b, \u202e), as does each byte of invalid UTF-8 (\xff);
 * a backslash becomes \\. Everything else is copied as it is. Writes at most
 * cap - 1 bytes and a NUL (cap may be 0) and returns the length of the whole
 * escaped text, as snprintf does: a result >= cap means it was cut. */
size_t mz_text_escape(const char *in, size_t len, char *out, size_t cap);

typedef struct mz_lexicon mz_lexicon;

/* A lexicon with the built-in English stop words and no synonyms. */
mz_lexicon *mz_lexicon_create(void);
/* A lexicon for a language ("fr"; NULL or "en": English as above): its
 * stop words and its Snowball stemmer where there are (French and German
 * have stop words, and French elisions, "l'escalier", are split); a
 * language with neither matches whole folded words. */
mz_lexicon *mz_lexicon_create_lang(const char *lang);
void mz_lexicon_destroy(mz_lexicon *lx);

/* Which of `langs` (count codes, "en", "fr") text (len bytes) is most
 * likely in: each of its words that is a stop word of a language counts
 * for that language, and each letter of a script only some of them write
 * (Arabic, Hebrew, kana, Han, Hangul, Cyrillic, Greek) for those. The
 * index of the language with the most, or -1 when none has any or two tie
 * (a kiosk's guess at a visitor's first line; the caller falls back). */
int mz_text_guess_lang(const char *text, size_t len, const char *const *langs, size_t count);

/* `alternatives` (words or phrases, e.g. "ascend", "go up") mean the same as
 * `canonical` when matching. */
bool mz_lexicon_add_synonyms(mz_lexicon *lx, const char *canonical,
                             const char *const *alternatives, size_t count);

/* Words (matched after folding, and catching simple obfuscations such as
 * repeated letters or digits for letters) that must never reach a prompt.
 * One word each: false for an entry with spaces or without letters. */
bool mz_lexicon_add_blocked(mz_lexicon *lx, const char *word);

/* Copies sanitised `text` into `out` without its blocked words. Returns how
 * many words were removed. */
size_t mz_lexicon_moderate(const mz_lexicon *lx, const char *text, char *out, size_t cap);

/* A pattern as an author writes it: "climb lighthouse", "go up the stairs".
 * NULL (see mz_error()) when it has no words, e.g. only punctuation. */
typedef struct mz_pattern mz_pattern;
mz_pattern *mz_pattern_compile(const mz_lexicon *lx, const char *pattern);
void mz_pattern_destroy(mz_pattern *p);
/* Whether the pattern is made only of stop words ("go", "let it be"): then
 * stop words count when matching, and it claims any line that has them. */
bool mz_pattern_stop_only(const mz_pattern *p);

/* What a viewer typed, normalised once and scored against many patterns. */
typedef struct mz_utterance mz_utterance;
mz_utterance *mz_utterance_make(const mz_lexicon *lx, const char *text);
void mz_utterance_destroy(mz_utterance *u);

/* Score in [0,1]: how well the utterance says what the pattern says. Half
 * the pattern's words present scores 0.5; all of them 1, less a little for
 * typos and for other words said. A NULL pattern or utterance scores 0. */
float mz_pattern_score(const mz_pattern *p, const mz_utterance *u);

#define MZ_MATCH_THRESHOLD 0.5f

/* Index of the best-scoring pattern with score >= threshold (0 ->
 * MZ_MATCH_THRESHOLD), earliest on ties, or -1. *score gets its score
 * (or the best score seen, when -1). */
int mz_match_best(const mz_pattern *const *patterns, size_t count, const mz_utterance *u,
                  float threshold, float *score);

#endif
