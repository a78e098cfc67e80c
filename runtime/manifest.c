#define _POSIX_C_SOURCE 200809L
#include "mz_manifest.h"

#include "mz_error.h"
#include "mz_gen.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mz_manifest {
    cJSON *root, *replay, *inputs, *turns, *files;
    bool oom;
};

static cJSON *add_number(cJSON *o, const char *key, double v)
{
    return cJSON_AddNumberToObject(o, key, v);
}

mz_manifest *mz_manifest_create(const mz_manifest_desc *d)
{
    mz_manifest *m = calloc(1, sizeof *m);
    if (!m || !(m->root = cJSON_CreateObject())) {
        free(m);
        mz_fail("manifest: out of memory");
        return NULL;
    }
    cJSON *r = m->replay = cJSON_CreateObject();
    cJSON_AddItemToObject(m->root, "format", cJSON_CreateString("maze-manifest/1"));
    cJSON_AddItemToObject(m->root, "claim_generator", cJSON_CreateString(MZ_PROVENANCE_SOFTWARE));
    cJSON_AddItemToObject(m->root, "replay", r);
    cJSON_AddStringToObject(r, "command", d->command);
    char generator[768]; /* auth headers in a ComfyUI URI stay out of the file */
    mz_gen_uri_shown(d->generator ? d->generator : "procedural", generator, sizeof generator);
    cJSON_AddStringToObject(r, "generator", generator);
    /* u64 seeds do not fit a JSON number exactly: a decimal string */
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)d->seed);
    cJSON_AddStringToObject(r, "seed", seed);
    add_number(r, "width", d->width);
    add_number(r, "height", d->height);
    add_number(r, "fps", d->fps);
    if (d->story_path) cJSON_AddStringToObject(r, "story", d->story_path);
    if (d->frames_per_turn) add_number(r, "frames_per_turn", d->frames_per_turn);
    if (d->prompt) cJSON_AddStringToObject(r, "prompt", d->prompt);
    if (d->then) cJSON_AddStringToObject(r, "then", d->then);
    if (d->frames) add_number(r, "frames", (double)d->frames);
    if (d->then) add_number(r, "then_at", (double)d->then_at);
    if (d->transition > 0) add_number(r, "transition", d->transition);
    if (d->reference) cJSON_AddStringToObject(r, "quality", "reference");
    if (d->scale > 0) add_number(r, "scale", d->scale);
    if (!strcmp(d->command, "play"))
        cJSON_AddItemToObject(r, "inputs", m->inputs = cJSON_CreateArray());
    if (d->story && d->story->story_id[0]) {
        /* C2PA: the story is the ingredient the frames were made from */
        cJSON *ing = cJSON_CreateObject(), *hash = cJSON_CreateObject();
        cJSON_AddStringToObject(ing, "title", d->story->story_id);
        cJSON_AddStringToObject(ing, "relationship", "inputTo");
        cJSON_AddStringToObject(hash, "alg", "sha256");
        cJSON_AddStringToObject(hash, "value", d->story->story_hash);
        cJSON_AddItemToObject(ing, "hash", hash);
        cJSON *ings = cJSON_CreateArray();
        cJSON_AddItemToArray(ings, ing);
        cJSON_AddItemToObject(m->root, "ingredients", ings);
    }
    cJSON_AddItemToObject(m->root, "turns", m->turns = cJSON_CreateArray());
    cJSON_AddItemToObject(m->root, "files", m->files = cJSON_CreateArray());
    if (!r || !m->turns || !m->files || (!strcmp(d->command, "play") && !m->inputs)) {
        mz_manifest_destroy(m);
        mz_fail("manifest: out of memory");
        return NULL;
    }
    return m;
}

void mz_manifest_destroy(mz_manifest *m)
{
    if (!m) return;
    cJSON_Delete(m->root);
    free(m);
}

void mz_manifest_input(mz_manifest *m, const char *line, size_t len)
{
    char *s = malloc(len + 1);
    if (!s || !m->inputs) {
        free(s);
        m->oom = m->oom || !s;
        return;
    }
    memcpy(s, line, len);
    s[len] = '\0';
    /* cJSON escapes control characters; invalid UTF-8 passes through as bytes */
    cJSON_AddItemToArray(m->inputs, cJSON_CreateString(s));
    free(s);
}

void mz_manifest_turn(mz_manifest *m, const mz_story_turn *t)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        m->oom = true;
        return;
    }
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)t->seed);
    add_number(o, "turn", t->turn);
    cJSON_AddStringToObject(o, "input", t->input ? t->input : "");
    cJSON_AddStringToObject(o, "scene", t->scene ? t->scene : "");
    cJSON_AddStringToObject(o, "prompt", t->prompt ? t->prompt : "");
    cJSON_AddStringToObject(o, "seed", seed);
    cJSON_AddItemToArray(m->turns, o);
}

void mz_manifest_file(mz_manifest *m, const char *name)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "name", name)) m->oom = true;
    cJSON_AddItemToArray(m->files, o);
}

/* The folder part of path ("." when none), where the files are. */
static void folder_of(const char *path, char *dir, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(dir, cap, "%.*s", (int)(slash - path), path);
    else
        snprintf(dir, cap, ".");
}

bool mz_manifest_write(mz_manifest *m, const char *path, const char *backend)
{
    if (m->oom) return mz_fail("manifest: out of memory");
    char dir[4096], file[8192], hex[65], when[32];
    folder_of(path, dir, sizeof dir);
    cJSON *f;
    cJSON_ArrayForEach(f, m->files)
    {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(f, "name"));
        snprintf(file, sizeof file, "%s/%s", dir, name);
        if (!mz_record_sha256_file(file, hex)) return false;
        cJSON_DeleteItemFromObject(f, "sha256");
        cJSON_AddStringToObject(f, "sha256", hex);
    }
    mz_provenance_now(when);
    /* C2PA's actions assertion: created, by which software, of what kind */
    char agent[96];
    snprintf(agent, sizeof agent, "%s, %s generator", MZ_PROVENANCE_SOFTWARE, backend);
    char source[128];
    snprintf(source, sizeof source, "http://cv.iptc.org/newscodes/digitalsourcetype/%s",
             mz_provenance_source_type(backend));
    cJSON *action = cJSON_CreateObject();
    cJSON_AddStringToObject(action, "action", "c2pa.created");
    cJSON_AddStringToObject(action, "when", when);
    cJSON_AddStringToObject(action, "softwareAgent", agent);
    cJSON_AddStringToObject(action, "digitalSourceType", source);
    cJSON *actions = cJSON_CreateArray(), *data = cJSON_CreateObject(),
          *assertion = cJSON_CreateObject(), *assertions = cJSON_CreateArray();
    cJSON_AddItemToArray(actions, action);
    cJSON_AddItemToObject(data, "actions", actions);
    cJSON_AddStringToObject(assertion, "label", "c2pa.actions");
    cJSON_AddItemToObject(assertion, "data", data);
    cJSON_AddItemToArray(assertions, assertion);
    cJSON_DeleteItemFromObject(m->root, "assertions");
    cJSON_DeleteItemFromObject(m->root, "backend");
    cJSON_AddItemToObject(m->root, "assertions", assertions);
    cJSON_AddStringToObject(m->root, "backend", backend);
    char *text = cJSON_Print(m->root);
    if (!text) return mz_fail("manifest: out of memory");
    FILE *out = fopen(path, "wb");
    bool ok = out && fputs(text, out) >= 0 && fputc('\n', out) != EOF;
    if (out && fclose(out) != 0) ok = false;
    free(text);
    return ok ? true : mz_fail("%s: cannot write the manifest", path);
}
