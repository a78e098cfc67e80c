/* play_headless.c — the story alone, fed from a file of viewer lines. */
#include "mz_play.h"
#include "mz_session.h"

#include "mz_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0, got;
    char *data = malloc(cap);
    while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(data, cap * 2);
            if (!bigger) {
                free(data);
                data = NULL;
            }
            data = bigger;
            cap *= 2;
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(data);
        return NULL;
    }
    *len = n;
    return data;
}

static void show(const mz_story_turn *t)
{
    if (t->scene_changed) {
        printf("[%d] %s", t->turn, t->scene);
        if (t->caption[0]) printf(": %s", t->caption);
        printf("\n");
    }
    if (t->reply) printf("    \"%s\"\n", t->reply);
    if (t->error) fprintf(stderr, "%s\n", t->error);
}

int mz_play_headless(const mz_play_headless_desc *desc)
{
    size_t len = 0;
    char *inputs = read_all(desc->inputs_path, &len);
    if (!inputs) {
        fprintf(stderr, "maze play: cannot read the inputs %s\n", desc->inputs_path);
        return 2;
    }
    mz_session *ss = mz_session_create(&(mz_session_desc){
        .story_path = desc->story_path,
        .seed = desc->seed,
        .trace_path = desc->trace_path,
    });
    if (!ss) {
        fprintf(stderr, "maze play: %s\n", mz_error());
        free(inputs);
        return 1;
    }
    printf("%s\n", mz_story_title(mz_session_story(ss)));
    mz_session_begin(ss);
    const mz_story_turn *t = mz_session_turn(ss);
    show(t);
    size_t pos = 0, left = 0;
    while (pos < len) {
        char *nl = memchr(inputs + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - inputs) : len, n = end - pos;
        if (n && inputs[pos + n - 1] == '\r') n--;
        if (t->ended) {
            left++;
        } else {
            printf("> %.*s\n", (int)n, inputs + pos);
            mz_session_input(ss, inputs + pos, n);
            t = mz_session_turn(ss);
            show(t);
        }
        pos = end + 1;
    }
    if (t->ended)
        printf("the story ended at '%s' after %d turns%s\n", t->ending, t->turn,
               left ? " (inputs left over)" : "");
    else
        printf("the inputs ran out at '%s' after %d turns\n", t->scene, t->turn);
    mz_session_destroy(ss);
    free(inputs);
    return 0;
}
