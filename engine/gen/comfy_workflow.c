/* The ComfyUI adapter's workflow: loading and placeholders (see
 * comfy_workflow.h). */
#include "comfy_workflow.h"

#include "mz_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORKFLOW (1 << 20)

cJSON *mz_comfy_workflow_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        mz_fail("comfy: cannot open workflow %s", path);
        return NULL;
    }
    char *text = malloc(MAX_WORKFLOW + 1);
    size_t n = text ? fread(text, 1, MAX_WORKFLOW + 1, f) : 0;
    fclose(f);
    cJSON *wf = NULL;
    if (!text)
        mz_fail("comfy: out of memory");
    else if (n > MAX_WORKFLOW)
        mz_fail("comfy: workflow %s is over 1 MiB", path);
    else if (!(wf = cJSON_ParseWithLength(text, n)) || !cJSON_IsObject(wf))
        mz_fail("comfy: workflow %s is not a JSON object (export it with 'Save (API Format)')",
                path);
    free(text);
    if (wf && !cJSON_IsObject(wf)) {
        cJSON_Delete(wf);
        wf = NULL;
    }
    return wf;
}

const cJSON *mz_comfy_workflow_node(const cJSON *wf, const char *id)
{
    const cJSON *node = cJSON_GetObjectItemCaseSensitive(wf, id);
    return cJSON_IsObject(node) ? node : NULL;
}

/* cJSON_ReplaceItemViaPointer drops an object member's name. */
static bool replace(cJSON *parent, cJSON *item, cJSON *with)
{
    if (!with) return false;
    if (cJSON_IsObject(parent))
        return cJSON_ReplaceItemInObjectCaseSensitive(parent, item->string, with);
    return cJSON_ReplaceItemViaPointer(parent, item, with);
}

typedef struct sub {
    const char *key, *text;
    bool numeric; /* alone in its string, it becomes a JSON number */
} placeholder;

/* Writes s with every placeholder replaced into out (when not NULL) and
 * returns the length: called once to size the buffer exactly, once to fill. */
static size_t expand(const char *s, const placeholder *subs, int n, char *out)
{
    size_t len = 0;
    while (*s) {
        int i = 0;
        while (i < n && strncmp(s, subs[i].key, strlen(subs[i].key)))
            i++;
        size_t tl = i < n ? strlen(subs[i].text) : 1;
        if (out) memcpy(out + len, i < n ? subs[i].text : s, tl);
        len += tl;
        s += i < n ? strlen(subs[i].key) : 1;
    }
    if (out) out[len] = 0;
    return len;
}

/* Replaces every {{name}} in one string: a string that is exactly one
 * numeric placeholder becomes a number (ComfyUI wants ints for seeds),
 * written from its decimal text: a double would alter seeds above 2^53. */
static bool fill_string(cJSON *parent, cJSON *item, const mz_comfy_values *v)
{
    placeholder subs[8];
    char seed[24], w[16], h[16], frames[16], fps[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)v->seed);
    snprintf(w, sizeof w, "%d", v->width);
    snprintf(h, sizeof h, "%d", v->height);
    snprintf(frames, sizeof frames, "%d", v->frames);
    snprintf(fps, sizeof fps, "%g", v->fps);
    int n = 0;
    subs[n++] = (placeholder){"{{prompt}}", v->prompt, false};
    subs[n++] = (placeholder){"{{negative}}", v->negative, false};
    subs[n++] = (placeholder){"{{image}}", v->image, false};
    subs[n++] = (placeholder){"{{seed}}", seed, true};
    subs[n++] = (placeholder){"{{width}}", w, true};
    subs[n++] = (placeholder){"{{height}}", h, true};
    subs[n++] = (placeholder){"{{frames}}", frames, true};
    subs[n++] = (placeholder){"{{fps}}", fps, true};
    const char *s = item->valuestring;
    if (!strstr(s, "{{")) return true;
    for (int i = 0; i < n; i++)
        if (!strcmp(s, subs[i].key) && subs[i].numeric)
            return replace(parent, item, cJSON_CreateRaw(subs[i].text));
    char *out = malloc(expand(s, subs, n, NULL) + 1);
    if (!out) return false;
    expand(s, subs, n, out);
    cJSON *rep = cJSON_CreateString(out);
    free(out);
    return replace(parent, item, rep);
}

static bool fill_tree(cJSON *node, const mz_comfy_values *v)
{
    cJSON *child = node->child;
    while (child) {
        cJSON *next = child->next; /* child may be replaced */
        if (cJSON_IsString(child) && !fill_string(node, child, v)) return false;
        if ((cJSON_IsObject(child) || cJSON_IsArray(child)) && !fill_tree(child, v)) return false;
        child = next;
    }
    return true;
}

cJSON *mz_comfy_workflow_fill(const cJSON *wf, const mz_comfy_values *v)
{
    cJSON *copy = cJSON_Duplicate(wf, true);
    if (copy && fill_tree(copy, v)) return copy;
    cJSON_Delete(copy);
    mz_fail("out of memory filling in the workflow");
    return NULL;
}
