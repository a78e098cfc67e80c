/* mz_screen — whether a viewer's line may be shown in public.
 *
 * A line is read through the moderation normaliser (folding, homoglyphs,
 * leetspeak, invisible characters; see text_skeleton.c) and refused whole
 * when it says a blocked word or phrase: as a word, stretched ("fuuuck"),
 * spelled out ("k i l l", "k.i.l.l"), glued to other words ("fuckyou"),
 * censored with a star ("f*ck"), or inside a text in a script written
 * without spaces (Chinese, Japanese, Thai). Innocent words that contain a
 * blocked one (Scunthorpe, Sussex, assassin, class, therapist, grape) pass:
 * a word on the allow list is never read for the words inside it, a
 * blocked word of three letters or fewer counts inside another word only
 * at its start or its end, and one of two letters only alone.
 *
 * Lists are plain text, one entry a line, '#' starts a comment; a list
 * belongs to a language code ("en"), so languages can be chosen or added.
 * The engine ships assets/moderation/LANG.txt (LDNOOBW, CC-BY-4.0) and
 * assets/moderation/allow/LANG.txt; an installation adds its own files.
 *
 * Rejected text must never be logged in clear: mz_screen_hash gives a
 * salted hash to log instead (the salt is the process's, so a log cannot
 * be reversed by hashing a word list).
 *
 * No Lua. Ownership: the caller creates and destroys a screen; it copies
 * what it keeps. Loading is not thread-safe; once loaded, mz_screen_check
 * and mz_screen_hash only read, so any number of threads may call them. */
#ifndef MZ_SCREEN_H
#define MZ_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mz_screen mz_screen;

typedef struct mz_screen_desc {
    const char *dir;         /* a folder with LANG.txt and allow/LANG.txt, or NULL: no lists */
    const char *languages;   /* "en,fr": the lists to load from dir; NULL or "": every one */
    const char *extra;       /* the installation's own blocked list (a file), or NULL */
    const char *extra_allow; /* the installation's innocent words (a file), or NULL */
    uint64_t salt;           /* for mz_screen_hash; 0: drawn at random */
} mz_screen_desc;

/* NULL (see mz_error()) when a named list cannot be read. */
mz_screen *mz_screen_create(const mz_screen_desc *desc);
void mz_screen_destroy(mz_screen *s);

/* Blocks a word or phrase, from the list of language `lang` (NULL: "").
 * False for an entry without letters or longer than 64 letters. */
bool mz_screen_block(mz_screen *s, const char *entry, const char *lang);
/* A word of language `lang` that is innocent although a blocked word is
 * inside it ("class"), or although another language's list blocks it
 * ("bite" is French's; an English allow list outranks that). */
bool mz_screen_allow(mz_screen *s, const char *word, const char *lang);
/* Every entry of a list file; false when it cannot be read. */
bool mz_screen_load(mz_screen *s, const char *path, const char *lang, bool allow);
/* Blocked entries and allowed words loaded. */
size_t mz_screen_count(const mz_screen *s, bool allow);

typedef enum mz_screen_reason {
    MZ_SCREEN_OK = 0,
    MZ_SCREEN_WORD,    /* a blocked word, however spelled */
    MZ_SCREEN_GLUED,   /* a blocked word inside a longer one */
    MZ_SCREEN_SPELLED, /* a blocked word spelled out in separate letters */
    MZ_SCREEN_PHRASE,  /* a blocked phrase */
    MZ_SCREEN_TOO_LONG /* longer than the screen reads (4096 bytes) */
} mz_screen_reason;

typedef struct mz_screen_result {
    mz_screen_reason reason;
    char lang[16]; /* the list the entry came from */
} mz_screen_result;

/* True when text (NUL-terminated, any bytes) may be shown. res (may be
 * NULL) says why not. Never says which word: that is for no one to read. */
bool mz_screen_check(const mz_screen *s, const char *text, mz_screen_result *res);

/* "blocked word", "glued word", ... */
const char *mz_screen_reason_name(mz_screen_reason reason);

/* The salted 64-bit hash of text, what a log may say of a rejected line. */
uint64_t mz_screen_hash(const mz_screen *s, const char *text);

#endif
