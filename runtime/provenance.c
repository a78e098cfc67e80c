#define _XOPEN_SOURCE 700
#include "mz_provenance.h"

#include "mz_error.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int skip_hidden(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Hashes every file under dir, in name order (so the hash does not depend
 * on the file system), each as its path relative to the story, a NUL, and
 * its bytes. */
static bool hash_tree(mz_record_sha256 *h, const char *dir, const char *rel)
{
    struct dirent **names;
    int n = scandir(dir, &names, skip_hidden, alphasort);
    if (n < 0) return mz_fail("%s: cannot list the story's files", dir);
    bool ok = true;
    for (int i = 0; i < n; i++) {
        char path[4096], sub[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", names[i]->d_name);
        struct stat st;
        if (ok && stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                ok = hash_tree(h, path, sub);
            } else if (S_ISREG(st.st_mode)) {
                mz_record_sha256_add(h, sub, strlen(sub) + 1);
                ok = mz_record_sha256_add_file(h, path);
            }
        }
        free(names[i]);
    }
    free(names);
    return ok;
}

bool mz_provenance_story(mz_provenance *p, const char *story_path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", story_path);
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        dir[--n] = '\0';
    struct stat st;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        else
            snprintf(dir, sizeof dir, ".");
    }
    char real[4096];
    const char *base = realpath(dir, real) ? strrchr(real, '/') + 1 : dir;
    snprintf(p->story_id, sizeof p->story_id, "%.127s", base);
    mz_record_sha256 *h = mz_record_sha256_begin();
    bool ok = h && hash_tree(h, dir, "");
    mz_record_sha256_end(h, p->story_hash);
    if (!ok) p->story_hash[0] = '\0';
    return ok;
}

const char *mz_provenance_source_type(const char *backend)
{
    return backend && strcmp(backend, "procedural") != 0 ? MZ_RECORD_SOURCE_TRAINED
                                                         : MZ_RECORD_SOURCE_ALGORITHMIC;
}

void mz_provenance_now(char out[32])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char *mz_provenance_disclosure(bool off, const char *installation, const mz_story *story)
{
    const char *label = off            ? NULL
                        : installation ? installation
                        : story && mz_story_disclosure(story) ? mz_story_disclosure(story)
                                                              : MZ_PROVENANCE_DISCLOSURE;
    return label && *label ? label : NULL;
}

mz_provenance_frame mz_provenance_turn(const mz_story_turn *t, mz_gen *gen)
{
    if (!t) return (mz_provenance_frame){.gen = gen, .turn = -1};
    return (mz_provenance_frame){
        .gen = gen, .scene = t->scene, .turn = t->turn, .prompt = t->prompt, .seed = t->seed};
}

bool mz_provenance_png_write(const mz_provenance *p, const mz_provenance_frame *f, const char *path,
                             const uint8_t *rgba, uint32_t w, uint32_t h)
{
    if (!p || p->off) return mz_record_png_write(path, rgba, w, h, NULL);
    mz_gen_stats st = {0};
    if (f->gen) mz_gen_stats_get(f->gen, &st);
    const char *backend = st.backend[0] ? st.backend : "procedural";
    char generator[256], seed[24], turn[16], stamp[32];
    /* A remote server says what renders (its welcome): that, after ours. */
    snprintf(generator, sizeof generator, "%s%s%s (%s)", backend, st.generator[0] ? ": " : "",
             st.generator, MZ_PROVENANCE_SOFTWARE);
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)f->seed);
    snprintf(turn, sizeof turn, "%d", f->turn);
    mz_provenance_now(stamp);
    mz_record_meta m = {.source_type = mz_provenance_source_type(backend)};
    mz_record_meta_add(&m, "Software", MZ_PROVENANCE_SOFTWARE);
    mz_record_meta_add(&m, "Generator", generator);
    if (p->story_id[0]) {
        mz_record_meta_add(&m, "Story", p->story_id);
        mz_record_meta_add(&m, "Story SHA-256", p->story_hash);
    }
    mz_record_meta_add(&m, "Scene", f->scene);
    if (f->turn >= 0) mz_record_meta_add(&m, "Turn", turn);
    mz_record_meta_add(&m, "Prompt", f->prompt);
    mz_record_meta_add(&m, "Negative Prompt", f->negative);
    mz_record_meta_add(&m, "Seed", seed);
    mz_record_meta_add(&m, "Creation Time", stamp);
    return mz_record_png_write(path, rgba, w, h, &m);
}
