/* exhibit_audience — see exhibit_audience.h. */
#include "exhibit_audience.h"

#include "mz_audience_web.h"
#include "mz_error.h"
#include "mz_log.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOW_LINE_S 6 /* how long an audience line stays over the picture */

struct mz_exhibit_audience {
    mz_exhibit_config cfg;
    mz_screen *screen;
    mz_audience *aud;
    mz_web *web;
    mz_audience_web *aw;
    mz_qr *qr;
    mz_qr_corner corner;
    char url[MZ_EXHIBIT_TEXT + 64];
    char line[600]; /* over the picture */
    double line_until;
    /* the vote round: the scene and turn it was opened on */
    char round_scene[128];
    int round_turns;
    int votes_seen;
    double fps_logged; /* when the kiosk's frame rate was last logged */
};

/* The first non-loopback IPv4 address, where phones on the LAN reach us. */
static void lan_address(char *out, size_t cap)
{
    snprintf(out, cap, "127.0.0.1");
    struct ifaddrs *all;
    if (getifaddrs(&all) != 0) return;
    for (struct ifaddrs *i = all; i; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
        struct in_addr a = ((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr;
        if ((ntohl(a.s_addr) >> 24) == 127) continue;
        inet_ntop(AF_INET, &a, out, (socklen_t)cap);
        break;
    }
    freeifaddrs(all);
}

mz_exhibit_audience *mz_exhibit_audience_create(const mz_exhibit_config *cfg)
{
    mz_error_clear();
    if (!strcmp(cfg->audience, "off")) return NULL;
    mz_audience_desc d = {
        .premoderate = cfg->premoderate,
        .turn_s = cfg->turn_s,
        .vote_s = cfg->vote_s,
        .moderation_timeout_s = cfg->moderation_timeout,
        .max_bytes = (size_t)cfg->audience_max_len,
        .rate_s = cfg->audience_rate_s,
        .mute_after = (int)cfg->audience_mute_after,
    };
    if (!strcmp(cfg->audience, "vote"))
        d.mode = MZ_AUDIENCE_VOTE;
    else if (strcmp(cfg->audience, "queue")) {
        mz_fail("audience: \"%s\" is not off, queue or vote", cfg->audience);
        return NULL;
    }
    mz_exhibit_audience *ea = calloc(1, sizeof *ea);
    if (!ea) {
        mz_fail("audience: out of memory");
        return NULL;
    }
    ea->cfg = *cfg;
    ea->round_turns = -1;
    if (!mz_qr_corner_parse(cfg->qr_corner, &ea->corner)) {
        mz_fail("qr_corner: \"%s\" is not top-left, top-right, bottom-left or bottom-right",
                cfg->qr_corner);
        goto fail;
    }
    const char *opt[] = {cfg->moderation_langs, cfg->moderation_list, cfg->moderation_allow};
    ea->screen = mz_screen_create(&(mz_screen_desc){
        .dir = cfg->moderation_dir,
        .languages = opt[0],
        .extra = opt[1][0] ? opt[1] : NULL,
        .extra_allow = opt[2][0] ? opt[2] : NULL,
    });
    if (!ea->screen) goto fail;
    d.screen = ea->screen;
    if (!(ea->aud = mz_audience_create(&d)) ||
        !(ea->web = mz_web_create(&(mz_web_desc){
              .bind = cfg->audience_bind,
              .port = (int)cfg->audience_port,
              .token = cfg->console_token[0] ? cfg->console_token : NULL,
              .static_dir = cfg->audience_pages,
          })) ||
        !(ea->aw = mz_audience_web_create(ea->web, ea->aud)) || !mz_web_start(ea->web))
        goto fail;
    if (cfg->audience_url[0]) {
        snprintf(ea->url, sizeof ea->url, "%s", cfg->audience_url);
    } else {
        char host[MZ_EXHIBIT_TEXT];
        if (cfg->audience_bind[0] && strcmp(cfg->audience_bind, "0.0.0.0"))
            snprintf(host, sizeof host, "%s", cfg->audience_bind); /* where phones must go */
        else
            lan_address(host, sizeof host);
        snprintf(ea->url, sizeof ea->url, "http://%s:%d/audience", host, mz_web_port(ea->web));
    }
    if (cfg->qr && !(ea->qr = mz_qr_create(ea->url))) goto fail;
    /* The operator needs the token for /moderate.html: said once, on stderr
     * like the console's. */
    fprintf(stderr,
            "maze exhibit: audience page %s (port %d); moderation /moderate.html?token=%s\n",
            ea->url, mz_web_port(ea->web), mz_web_token(ea->web));
    return ea;
fail:
    mz_fail_context("the audience's phones");
    mz_exhibit_audience_destroy(ea);
    return NULL;
}

void mz_exhibit_audience_destroy(mz_exhibit_audience *ea)
{
    if (!ea) return;
    mz_audience_web_stop(ea->aw);
    mz_web_destroy(ea->web);
    mz_audience_web_destroy(ea->aw);
    mz_audience_destroy(ea->aud);
    mz_screen_destroy(ea->screen);
    mz_qr_destroy(ea->qr);
    free(ea);
}

const char *mz_exhibit_audience_url(const mz_exhibit_audience *ea)
{
    return ea ? ea->url : "";
}

/* vote: a round on each new scene once it shows; the tally over the picture. */
static mz_exhibit_audience_ask vote(mz_exhibit_audience *ea, mz_player *p, double now, char *text,
                                    size_t cap)
{
    const char *scene = mz_player_scene(p);
    int turns = mz_player_turns(p);
    if ((turns != ea->round_turns || strcmp(scene, ea->round_scene)) && mz_player_scene_shown(p)) {
        mz_audience_vote_close(ea->aud, now, true); /* the story moved on without it */
        mz_story_transition_info tr[MZ_AUDIENCE_MAX_CHOICES];
        const char *choices[MZ_AUDIENCE_MAX_CHOICES];
        size_t n = mz_player_choices(p, tr, MZ_AUDIENCE_MAX_CHOICES);
        for (size_t i = 0; i < n; i++)
            choices[i] = tr[i].patterns[0];
        if (n > 0 && mz_audience_vote_open(ea->aud, choices, n, now))
            for (size_t i = 0; i < n; i++) /* free text may say it any way the story accepts */
                for (size_t k = 1; k < tr[i].pattern_count; k++)
                    mz_audience_vote_alias(ea->aud, i, tr[i].patterns[k]);
        snprintf(ea->round_scene, sizeof ea->round_scene, "%s", scene);
        ea->round_turns = turns;
        ea->votes_seen = 0;
    }
    int counts[MZ_AUDIENCE_MAX_CHOICES];
    double left;
    size_t n = mz_audience_tally(ea->aud, now, counts, MZ_AUDIENCE_MAX_CHOICES, &left);
    int votes = 0;
    size_t used = 0;
    if (n > 0) used = (size_t)snprintf(ea->line, sizeof ea->line, "Vote (%.0f s):", left);
    for (size_t i = 0; i < n && used < sizeof ea->line; i++) {
        char choice[128];
        used += (size_t)snprintf(ea->line + used, sizeof ea->line - used, "%s %s %d",
                                 i ? " \xc2\xb7" : "", /* · */
                                 mz_audience_choice(ea->aud, i, choice, sizeof choice), counts[i]);
        votes += counts[i];
    }
    if (n == 0) ea->line[0] = '\0';
    int winner = mz_audience_vote_close(ea->aud, now, false);
    if (winner >= 0) {
        mz_audience_choice(ea->aud, (size_t)winner, text, cap);
        ea->round_turns = -1; /* a new round once the winner's scene shows */
        return MZ_EXHIBIT_AUDIENCE_PLAY;
    }
    if (winner == -1) ea->round_turns = -1; /* nobody voted: open again */
    bool active = votes > ea->votes_seen;
    ea->votes_seen = votes;
    return active ? MZ_EXHIBIT_AUDIENCE_ACTIVE : MZ_EXHIBIT_AUDIENCE_NOTHING;
}

mz_exhibit_audience_ask mz_exhibit_audience_poll(mz_exhibit_audience *ea, mz_player *p, char *text,
                                                 size_t cap)
{
    if (!ea) return MZ_EXHIBIT_AUDIENCE_NOTHING;
    double now = mz_audience_web_now();
    mz_exhibit_audience_ask ask = MZ_EXHIBIT_AUDIENCE_NOTHING;
    if (mz_audience_get_mode(ea->aud) == MZ_AUDIENCE_VOTE) {
        ask = vote(ea, p, now, text, cap);
    } else {
        uint64_t id;
        if (mz_audience_next(ea->aud, now, text, cap, &id)) {
            snprintf(ea->line, sizeof ea->line, "From the audience: \xe2\x80\x9c%s\xe2\x80\x9d",
                     text);
            ea->line_until = now + SHOW_LINE_S;
            ask = MZ_EXHIBIT_AUDIENCE_PLAY;
        } else if (now > ea->line_until) {
            ea->line[0] = '\0';
        }
    }
    mz_player_set_audience(p, ea->qr, ea->corner, ea->url, ea->line);
    if (now - ea->fps_logged >=
        5) { /* does a busy page slow the kiosk? (tools/bench_audience.py) */
        double fps, ff;
        char backend[32];
        bool fallback;
        mz_player_stats(p, &fps, backend, &fallback, &ff);
        mz_log_info("audience: kiosk at %.1f fps with %d phones connected", fps,
                    mz_web_ws_count(ea->web));
        ea->fps_logged = now;
    }
    return ask;
}
