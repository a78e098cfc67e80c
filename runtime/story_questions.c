/* story_questions — see story_questions.h. */
#include "story_questions.h"

#include "mz_error.h"
#include "mz_story.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ITEMS 16
#define MAX_QUESTIONS 8

typedef struct question {
    char title[256];
    char field[64];          /* the viewer field, or "" for the language */
    char *items[MAX_ITEMS];  /* what is shown */
    char *values[MAX_ITEMS]; /* what is kept */
    int count;
} question;

struct mz_questions {
    char story[512];
    question q[MAX_QUESTIONS];
    int count, current, selected;
    bool ask_profile;
    char lang[16];
    char profile[512];
};

const char *mz_questions_language_name(const char *code)
{
    static const char *const names[][2] = {
        {"en", "English"},  {"fr", "Français"},   {"de", "Deutsch"},   {"es", "Español"},
        {"it", "Italiano"}, {"nl", "Nederlands"}, {"pt", "Português"}, {"ru", "Русский"},
        {"ja", "日本語"},   {"zh", "中文"},       {"ko", "한국어"},    {"ar", "العربية"},
        {"he", "עברית"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(names[i][0], code)) return names[i][1];
    return NULL;
}

static question *add(mz_questions *q, const char *title, const char *field)
{
    if (q->count == MAX_QUESTIONS) return NULL;
    question *qn = &q->q[q->count++];
    snprintf(qn->title, sizeof qn->title, "%s", title);
    snprintf(qn->field, sizeof qn->field, "%s", field);
    return qn;
}

static void add_item(question *qn, const char *label, const char *value)
{
    if (qn->count == MAX_ITEMS) return;
    qn->items[qn->count] = strdup(label);
    qn->values[qn->count] = strdup(value);
    if (qn->items[qn->count] && qn->values[qn->count]) qn->count++;
}

/* The story's viewer questions, read in the language chosen. */
static bool add_profile_questions(mz_questions *q)
{
    if (!q->ask_profile) return true;
    mz_story *s =
        mz_story_load(&(mz_story_desc){.path = q->story, .lang = q->lang[0] ? q->lang : NULL});
    if (!s) return false;
    for (size_t i = 0; i < mz_story_viewer_count(s); i++) {
        mz_story_viewer_info info;
        question *qn;
        if (!mz_story_viewer_get(s, i, &info) || !info.ask || !(qn = add(q, info.ask, info.name)))
            continue;
        for (size_t v = 0; v < info.value_count; v++)
            add_item(qn, info.values[v], info.values[v]);
    }
    mz_story_destroy(s);
    return true;
}

mz_questions *mz_questions_create(const char *story, bool ask_lang, bool ask_profile)
{
    mz_questions *q = calloc(1, sizeof *q);
    if (!q) {
        mz_fail("out of memory");
        return NULL;
    }
    snprintf(q->story, sizeof q->story, "%s", story);
    q->ask_profile = ask_profile;
    mz_story *s = ask_lang ? mz_story_load(&(mz_story_desc){.path = story}) : NULL;
    if (ask_lang && !s) {
        free(q);
        return NULL;
    }
    question *qn = s && mz_story_language_count(s) > 1 ? add(q, "Language", "") : NULL;
    for (size_t i = 0; qn && i < mz_story_language_count(s); i++) {
        const char *code = mz_story_language(s, i), *name = mz_questions_language_name(code);
        char label[96];
        snprintf(label, sizeof label, "%s (%s)", name ? name : code, code);
        add_item(qn, label, code);
    }
    mz_story_destroy(s);
    if (!qn && !add_profile_questions(q)) {
        mz_questions_destroy(q);
        return NULL;
    }
    return q;
}

void mz_questions_destroy(mz_questions *q)
{
    if (!q) return;
    for (int i = 0; i < q->count; i++)
        for (int k = 0; k < q->q[i].count; k++) {
            free(q->q[i].items[k]);
            free(q->q[i].values[k]);
        }
    free(q);
}

static const question *current(const mz_questions *q)
{
    return q->current < q->count ? &q->q[q->current] : NULL;
}

const char *mz_questions_title(const mz_questions *q)
{
    return current(q) ? current(q)->title : "";
}
const char *const *mz_questions_items(const mz_questions *q)
{
    return current(q) ? (const char *const *)current(q)->items : NULL;
}
int mz_questions_count(const mz_questions *q)
{
    return current(q) ? current(q)->count : 0;
}
int mz_questions_selected(const mz_questions *q)
{
    return q->selected;
}

void mz_questions_move(mz_questions *q, int delta)
{
    int n = mz_questions_count(q);
    q->selected = n ? (q->selected + delta + n) % n : 0;
}

bool mz_questions_answer(mz_questions *q)
{
    const question *qn = current(q);
    if (!qn || !qn->count) return true;
    const char *value = qn->values[q->selected];
    bool lang = !qn->field[0];
    if (lang) {
        snprintf(q->lang, sizeof q->lang, "%s", value);
    } else {
        size_t n = strlen(q->profile);
        snprintf(q->profile + n, sizeof q->profile - n, "%s%s=%s", n ? "," : "", qn->field, value);
    }
    q->current++;
    q->selected = 0;
    /* The viewer questions come in the language just chosen. */
    return !lang || add_profile_questions(q);
}

const char *mz_questions_lang(const mz_questions *q)
{
    return q->lang[0] ? q->lang : NULL;
}
const char *mz_questions_profile(const mz_questions *q)
{
    return q->profile[0] ? q->profile : NULL;
}
