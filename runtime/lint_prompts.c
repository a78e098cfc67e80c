/* lint_prompts.c — warnings from the prompt interpreter's point of view. */
#include "lint_prompts.h"

#include "mz_scene_interp.h"
#include "mz_story.h"

#include <stdbool.h>
#include <string.h>

static bool word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '\'' || c >= 0x80;
}

static bool covered(const mz_scene_trace *why, size_t start, size_t end)
{
    for (int i = 0; i < why->count; i++)
        if (start >= why->item[i].offset && end <= why->item[i].offset + why->item[i].length)
            return true;
    return false;
}

/* The words of `prompt` the lexicon does not know, as "'a', 'b'" in out. */
static int unknown_words(const char *prompt, const mz_scene_trace *why, char *out, size_t cap)
{
    int count = 0;
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; prompt[i];) {
        if (!word_byte((unsigned char)prompt[i])) {
            i++;
            continue;
        }
        size_t start = i;
        while (prompt[i] && word_byte((unsigned char)prompt[i]))
            i++;
        char word[64];
        if (i - start >= sizeof word || covered(why, start, i)) continue;
        memcpy(word, prompt + start, i - start);
        word[i - start] = '\0';
        mz_scene_params alone;
        mz_scene_trace w;
        mz_scene_interpret(NULL, word, NULL, &alone, &w);
        if (!w.unknown || strstr(out, word)) continue;
        int n = snprintf(out + used, cap - used, "%s'%s'", count ? ", " : "", word);
        if (n < 0 || (size_t)n >= cap - used) break;
        used += (size_t)n;
        count++;
    }
    return count;
}

/* `{name}` stands for a character's description, which the generator
 * reads in play: blank it out here. */
static void drop_placeholders(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = in; *p && o + 1 < cap; p++) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (close) {
            p = close;
            out[o++] = ' ';
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}

/* One prompt text read as the generator reads it: its parameters, whether
 * it names a setting, its unknown words into `unknown` (their count). */
static int read_prompt(const char *text, mz_scene_params *params, bool *setting, char *unknown,
                       size_t cap)
{
    char prompt[2048];
    drop_placeholders(text, prompt, sizeof prompt);
    mz_scene_trace why;
    mz_scene_interpret(NULL, prompt, NULL, params, &why);
    for (int k = 0; k < why.count; k++)
        *setting |= why.item[k].kind == MZ_SCENE_TRACE_EFFECT &&
                    strstr(why.item[k].effects, "setting") != NULL;
    return unknown_words(prompt, &why, unknown, cap);
}

int mz_lint_prompts(const char *story, FILE *out)
{
    mz_story *s = mz_story_load(&(mz_story_desc){.path = story});
    if (!s) return 0;
    int warnings = 0;
    for (size_t i = 0; i < mz_story_scene_count(s); i++) {
        mz_story_scene_info sc;
        if (!mz_story_scene_get(s, i, &sc) || !sc.prompt) continue;
        /* A weighted list is read text by text and drawn as their blend. */
        const char *const *texts = sc.prompt_count ? sc.prompt_texts : &sc.prompt;
        size_t n = sc.prompt_count ? sc.prompt_count : 1;
        mz_scene_params each[MZ_SCENE_MAX_BLEND];
        char unknown[MZ_SCENE_MAX_BLEND][512], draws[256];
        int has_unknown[MZ_SCENE_MAX_BLEND];
        bool setting = false;
        for (size_t k = 0; k < n && k < MZ_SCENE_MAX_BLEND; k++)
            has_unknown[k] =
                read_prompt(texts[k], &each[k], &setting, unknown[k], sizeof unknown[k]);
        mz_scene_params params =
            sc.prompt_count ? mz_scene_params_blend(each, sc.prompt_weights, (int)n) : each[0];
        mz_scene_params_describe(&params, draws, sizeof draws);
        for (size_t k = 0; k < n && k < MZ_SCENE_MAX_BLEND; k++) {
            if (!has_unknown[k]) continue;
            fprintf(out,
                    "%s:%d: warning: %s '%s': the generator does not know %s; it will draw: %s\n",
                    sc.file, sc.line, sc.ending ? "ending" : "scene", sc.id, unknown[k], draws);
            warnings++;
        }
        if (!setting) {
            fprintf(out,
                    "%s:%d: warning: %s '%s': the prompt names no setting (sea, forest, city, "
                    "interior...: see docs/vocabulary.md); it will draw: %s\n",
                    sc.file, sc.line, sc.ending ? "ending" : "scene", sc.id, draws);
            warnings++;
        }
    }
    mz_story_destroy(s);
    return warnings;
}
