/* exhibit_link — see exhibit_link.h. */
#include "exhibit_link.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const kinds[] = {"status", "start", "session", "latency", "error",   "command",
                                    "line",   "shown", "vote",    "match",   "matched", "tally"};
#define KIND_COUNT (int)(sizeof kinds / sizeof kinds[0])

static void add_live(cJSON *o, const mz_exhibit_live *l)
{
    cJSON_AddStringToObject(o, "state", l->state);
    cJSON_AddStringToObject(o, "story", l->story);
    cJSON_AddStringToObject(o, "scene", l->scene);
    cJSON_AddNumberToObject(o, "turn", l->turn);
    cJSON_AddNumberToObject(o, "fps", l->fps);
    cJSON_AddStringToObject(o, "backend", l->backend);
    cJSON_AddBoolToObject(o, "fallback", l->fallback);
    cJSON_AddNumberToObject(o, "fallbacks", (double)l->fallbacks);
    cJSON_AddNumberToObject(o, "ff_p95", l->first_frame_p95_ms);
    cJSON_AddBoolToObject(o, "paused", l->paused);
    cJSON_AddBoolToObject(o, "muted", l->muted);
    cJSON_AddNumberToObject(o, "volume", l->volume);
}

bool mz_exhibit_msg_write(int fd, const mz_exhibit_msg *m)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || (int)m->kind >= KIND_COUNT) {
        cJSON_Delete(o);
        return false;
    }
    cJSON_AddStringToObject(o, "t", kinds[m->kind]);
    if (m->kind == MZ_EXHIBIT_MSG_STATUS) add_live(o, &m->live);
    if (m->text[0]) cJSON_AddStringToObject(o, "text", m->text);
    if (m->value != 0) cJSON_AddNumberToObject(o, "value", m->value);
    if (m->id) cJSON_AddNumberToObject(o, "id", (double)m->id); /* ids stay below 2^53 */
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!s) return false;
    size_t n = strlen(s);
    bool ok = n + 1 < MZ_EXHIBIT_LINE_MAX;
    if (ok) {
        s[n] = '\n'; /* replaces the NUL: written as one line */
        ssize_t w;
        do
            w = write(fd, s, n + 1);
        while (w < 0 && errno == EINTR);
        ok = w == (ssize_t)(n + 1);
    }
    cJSON_free(s);
    return ok;
}

static void get_text(const cJSON *o, const char *name, char *out, size_t cap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    snprintf(out, cap, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

static double get_number(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static bool get_bool(const cJSON *o, const char *name)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, name));
}

bool mz_exhibit_msg_parse(const char *line, mz_exhibit_msg *m)
{
    memset(m, 0, sizeof *m);
    cJSON *o = cJSON_Parse(line);
    char kind[16];
    get_text(o, "t", kind, sizeof kind);
    int k = 0;
    while (k < KIND_COUNT && strcmp(kinds[k], kind))
        k++;
    if (!o || k == KIND_COUNT) {
        cJSON_Delete(o);
        return false;
    }
    m->kind = (mz_exhibit_msg_kind)k;
    get_text(o, "text", m->text, sizeof m->text);
    m->value = get_number(o, "value");
    double id = get_number(o, "id");
    m->id = id > 0 && id < 9007199254740992.0 ? (uint64_t)id : 0; /* 2^53 */
    mz_exhibit_live *l = &m->live;
    get_text(o, "state", l->state, sizeof l->state);
    get_text(o, "story", l->story, sizeof l->story);
    get_text(o, "scene", l->scene, sizeof l->scene);
    get_text(o, "backend", l->backend, sizeof l->backend);
    l->turn = (int)get_number(o, "turn");
    l->fps = get_number(o, "fps");
    l->fallback = get_bool(o, "fallback");
    l->fallbacks = (uint64_t)get_number(o, "fallbacks");
    l->first_frame_p95_ms = get_number(o, "ff_p95");
    l->paused = get_bool(o, "paused");
    l->muted = get_bool(o, "muted");
    l->volume = get_number(o, "volume");
    cJSON_Delete(o);
    return true;
}

void mz_exhibit_lines_read(mz_exhibit_lines *l, int fd)
{
    for (;;) {
        if (l->len == sizeof l->buf) return; /* full: lines_next drains it */
        ssize_t n = read(fd, l->buf + l->len, sizeof l->buf - l->len);
        if (n > 0) {
            l->len += (size_t)n;
            continue;
        }
        if (n == 0) l->eof = true;
        if (n < 0 && errno == EINTR) continue;
        return;
    }
}

bool mz_exhibit_lines_next(mz_exhibit_lines *l, char *out, size_t cap)
{
    char *nl = memchr(l->buf, '\n', l->len);
    if (!nl) {
        if (l->len == sizeof l->buf) l->len = 0; /* one overlong line: dropped */
        return false;
    }
    size_t n = (size_t)(nl - l->buf);
    snprintf(out, cap, "%.*s", (int)n, l->buf);
    l->len -= n + 1;
    memmove(l->buf, nl + 1, l->len);
    return true;
}
