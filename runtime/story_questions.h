/* story_questions — what the window asks before a story starts: the
 * language, when the story has several and none was given (--lang), then
 * each viewer question the story asks (story { viewer = { tone = { "gentle",
 * "eerie", ask = "How should the night feel?" } } }), when no profile was
 * given (--profile). The questions are asked in the language chosen.
 *
 * Ownership: the caller owns the mz_questions; strings it returns stay
 * valid until the next call on it. Errors: NULL + mz_error() when the story
 * cannot load. */
#ifndef MZ_STORY_QUESTIONS_H
#define MZ_STORY_QUESTIONS_H

#include <stdbool.h>

typedef struct mz_questions mz_questions;

mz_questions *mz_questions_create(const char *story, bool ask_lang, bool ask_profile);
void mz_questions_destroy(mz_questions *q);

/* The question being asked (none once all are answered: count 0). */
const char *mz_questions_title(const mz_questions *q);
const char *const *mz_questions_items(const mz_questions *q);
int mz_questions_count(const mz_questions *q);
int mz_questions_selected(const mz_questions *q);
void mz_questions_move(mz_questions *q, int delta);
/* Takes the selected item and goes on to the next question; false + mz_error()
 * when the story cannot be loaded in the language chosen. */
bool mz_questions_answer(mz_questions *q);

/* A language by its own name ("fr": "Français"), for a viewer who reads
 * only theirs (the picker, maze exhibit's attract screen); NULL when the
 * code is not one it knows. */
const char *mz_questions_language_name(const char *code);

/* What was chosen: a language ("fr") or NULL, a profile ("tone=eerie") or NULL. */
const char *mz_questions_lang(const mz_questions *q);
const char *mz_questions_profile(const mz_questions *q);

#endif
