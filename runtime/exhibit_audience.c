/* exhibit_audience — see exhibit_audience.h. */
#include "exhibit_audience.h"

#include "mz_audience.h"
#include "mz_error.h"
#include "mz_log.h"
#include "mz_time.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOW_LINE_S 6 /* how long an audience line stays over the picture */

struct mz_exhibit_audience {
    int link_fd;
    bool vote;
    mz_qr *qr;
    mz_qr_corner corner;
    char url[MZ_EXHIBIT_TEXT];
    char line[MZ_EXHIBIT_LINE_MAX]; /* over the picture */
    uint64_t line_until_ns;         /* 0: until replaced (the tally) */
    /* the scene the vote's choices were sent for */
    char round_scene[128];
    int round_turns;
};

mz_exhibit_audience *mz_exhibit_audience_create(const mz_exhibit_config *cfg, int link_fd)
{
    mz_error_clear();
    if (!strcmp(cfg->audience, "off")) return NULL;
    mz_exhibit_audience *ea = calloc(1, sizeof *ea);
    if (!ea) {
        mz_fail("audience: out of memory");
        return NULL;
    }
    ea->link_fd = link_fd;
    ea->vote = !strcmp(cfg->audience, "vote");
    ea->round_turns = -1;
    snprintf(ea->url, sizeof ea->url, "%s", cfg->audience_url);
    if (!mz_qr_corner_parse(cfg->qr_corner, &ea->corner)) {
        mz_fail("qr_corner: \"%s\" is not top-left, top-right, bottom-left or bottom-right",
                cfg->qr_corner);
        goto fail;
    }
    if (cfg->qr && ea->url[0] && !(ea->qr = mz_qr_create(ea->url))) goto fail;
    return ea;
fail:
    mz_fail_context("the audience's phones");
    mz_exhibit_audience_destroy(ea);
    return NULL;
}

void mz_exhibit_audience_destroy(mz_exhibit_audience *ea)
{
    if (!ea) return;
    mz_qr_destroy(ea->qr);
    free(ea);
}

static void answer(mz_exhibit_audience *ea, mz_exhibit_msg_kind kind, uint64_t id, double value)
{
    mz_exhibit_msg m = {.kind = kind, .id = id, .value = value};
    if (ea->link_fd >= 0 && !mz_exhibit_msg_write(ea->link_fd, &m))
        mz_log_warn("exhibit: cannot reach the supervisor");
}

/* vote: each new scene's choices (its transitions' first patterns) once it
 * shows; an ending's none closes the round. */
static void send_choices(mz_exhibit_audience *ea, mz_player *p)
{
    const char *scene = mz_player_scene(p);
    int turns = mz_player_turns(p);
    if ((turns == ea->round_turns && !strcmp(scene, ea->round_scene)) || !mz_player_scene_shown(p))
        return;
    snprintf(ea->round_scene, sizeof ea->round_scene, "%s", scene);
    ea->round_turns = turns;
    mz_story_transition_info tr[MZ_AUDIENCE_MAX_CHOICES];
    size_t n = mz_player_choices(p, tr, MZ_AUDIENCE_MAX_CHOICES);
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(tr[i].patterns[0]));
    char *text = a ? cJSON_PrintUnformatted(a) : NULL;
    cJSON_Delete(a);
    mz_exhibit_msg m = {.kind = MZ_EXHIBIT_MSG_VOTE};
    if (text && strlen(text) < sizeof m.text) {
        snprintf(m.text, sizeof m.text, "%s", text);
        if (ea->link_fd >= 0 && !mz_exhibit_msg_write(ea->link_fd, &m))
            mz_log_warn("exhibit: cannot reach the supervisor");
    }
    cJSON_free(text);
}

void mz_exhibit_audience_poll(mz_exhibit_audience *ea, mz_player *p)
{
    if (!ea) return;
    if (ea->vote) send_choices(ea, p);
    if (ea->line_until_ns && mz_time_ns() > ea->line_until_ns) {
        ea->line[0] = '\0';
        ea->line_until_ns = 0;
    }
    mz_player_set_audience(p, ea->qr, ea->corner, ea->url, ea->line);
}

mz_exhibit_audience_ask mz_exhibit_audience_heard(mz_exhibit_audience *ea, mz_player *p,
                                                  const mz_exhibit_msg *m, bool can_play,
                                                  char *text, size_t cap)
{
    if (!ea) return MZ_EXHIBIT_AUDIENCE_NOTHING;
    switch (m->kind) {
    case MZ_EXHIBIT_MSG_LINE:
        if (m->id) answer(ea, MZ_EXHIBIT_MSG_SHOWN, m->id, can_play);
        if (!can_play) return MZ_EXHIBIT_AUDIENCE_NOTHING;
        snprintf(text, cap, "%s", m->text);
        if (m->id) { /* a queued line; a vote's winner is its own caption */
            snprintf(ea->line, sizeof ea->line, "From the audience: \xe2\x80\x9c%s\xe2\x80\x9d",
                     m->text);
            ea->line_until_ns = mz_time_ns() + SHOW_LINE_S * 1000000000ull;
        }
        return MZ_EXHIBIT_AUDIENCE_PLAY;
    case MZ_EXHIBIT_MSG_MATCH:
        answer(ea, MZ_EXHIBIT_MSG_MATCHED, m->id, mz_player_match(p, m->text));
        return MZ_EXHIBIT_AUDIENCE_NOTHING;
    case MZ_EXHIBIT_MSG_TALLY:
        snprintf(ea->line, sizeof ea->line, "%s", m->text);
        ea->line_until_ns = 0;
        return m->value != 0 ? MZ_EXHIBIT_AUDIENCE_ACTIVE : MZ_EXHIBIT_AUDIENCE_NOTHING;
    default:
        return MZ_EXHIBIT_AUDIENCE_NOTHING;
    }
}
