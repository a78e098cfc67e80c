/* exhibit_phones — see exhibit_phones.h. */
#include "exhibit_phones.h"

#include "mz_audience_web.h"
#include "mz_error.h"
#include "mz_log.h"
#include "mz_qr.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SENDS 16 /* messages to the player per loop: its pipe never fills */

struct mz_exhibit_phones {
    mz_screen *screen;
    mz_audience *aud;
    mz_web *web;
    mz_audience_web *aw;
    char url[MZ_EXHIBIT_TEXT + 64];
    char tally[MZ_EXHIBIT_LINE_MAX]; /* last sent to the player */
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

mz_exhibit_phones *mz_exhibit_phones_create(const mz_exhibit_config *cfg)
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
    mz_qr_corner corner;
    if (!mz_qr_corner_parse(cfg->qr_corner, &corner)) {
        mz_fail("qr_corner: \"%s\" is not top-left, top-right, bottom-left or bottom-right",
                cfg->qr_corner);
        return NULL;
    }
    mz_exhibit_phones *ph = calloc(1, sizeof *ph);
    if (!ph) {
        mz_fail("audience: out of memory");
        return NULL;
    }
    const char *opt[] = {cfg->moderation_langs, cfg->moderation_list, cfg->moderation_allow};
    ph->screen = mz_screen_create(&(mz_screen_desc){
        .dir = cfg->moderation_dir,
        .languages = opt[0],
        .extra = opt[1][0] ? opt[1] : NULL,
        .extra_allow = opt[2][0] ? opt[2] : NULL,
    });
    if (!ph->screen) goto fail;
    d.screen = ph->screen;
    if (!(ph->aud = mz_audience_create(&d)) ||
        !(ph->web = mz_web_create(&(mz_web_desc){
              .bind = cfg->audience_bind,
              .port = (int)cfg->audience_port,
              .token = cfg->console_token[0] ? cfg->console_token : NULL,
              .static_dir = cfg->audience_pages,
          })) ||
        !(ph->aw = mz_audience_web_create(ph->web, ph->aud)) || !mz_web_start(ph->web))
        goto fail;
    if (cfg->audience_url[0]) {
        snprintf(ph->url, sizeof ph->url, "%s", cfg->audience_url);
    } else {
        char host[MZ_EXHIBIT_TEXT];
        if (cfg->audience_bind[0] && strcmp(cfg->audience_bind, "0.0.0.0"))
            snprintf(host, sizeof host, "%s", cfg->audience_bind); /* where phones must go */
        else
            lan_address(host, sizeof host);
        snprintf(ph->url, sizeof ph->url, "http://%s:%d/audience", host, mz_web_port(ph->web));
    }
    /* The operator needs the token for /moderate.html: said once, on stderr
     * like the console's. */
    fprintf(stderr,
            "maze exhibit: audience page %s (port %d); moderation /moderate.html?token=%s\n",
            ph->url, mz_web_port(ph->web), mz_web_token(ph->web));
    return ph;
fail:
    mz_fail_context("the audience's phones");
    mz_exhibit_phones_destroy(ph);
    return NULL;
}

void mz_exhibit_phones_destroy(mz_exhibit_phones *ph)
{
    if (!ph) return;
    mz_audience_web_stop(ph->aw);
    mz_web_destroy(ph->web);
    mz_audience_web_destroy(ph->aw);
    mz_audience_destroy(ph->aud);
    mz_screen_destroy(ph->screen);
    free(ph);
}

const char *mz_exhibit_phones_url(const mz_exhibit_phones *ph)
{
    return ph ? ph->url : "";
}

/* The player plays audience lines in these states (as it takes a key). */
static bool can_play(const mz_exhibit_live *live)
{
    return !live->paused && (!strcmp(live->state, "attract") || !strcmp(live->state, "playing") ||
                             !strcmp(live->state, "idle_warning"));
}

/* The tally over the picture: "Vote (12 s): descend 2 · follow cat 3". */
static int tally_text(mz_exhibit_phones *ph, double now, char *out, size_t cap)
{
    int counts[MZ_AUDIENCE_MAX_CHOICES];
    double left;
    size_t n = mz_audience_tally(ph->aud, now, counts, MZ_AUDIENCE_MAX_CHOICES, &left);
    int votes = 0;
    out[0] = '\0';
    size_t used = n ? (size_t)snprintf(out, cap, "Vote (%.0f s):", left) : 0;
    for (size_t i = 0; i < n && used < cap; i++) {
        char choice[128];
        used += (size_t)snprintf(out + used, cap - used, "%s %s %d", i ? " \xc2\xb7" : "", /* · */
                                 mz_audience_choice(ph->aud, i, choice, sizeof choice), counts[i]);
        votes += counts[i];
    }
    return votes;
}

/* vote: the winner when the round is up (none voted, or the kiosk cannot
 * play it now: the same choices again), and the tally whenever it reads
 * differently. */
static void vote(mz_exhibit_phones *ph, double now, bool playable,
                 bool (*send)(void *, const mz_exhibit_msg *), void *user)
{
    mz_exhibit_msg m = {.kind = MZ_EXHIBIT_MSG_LINE};
    char choices[MZ_AUDIENCE_MAX_CHOICES][128];
    size_t n = 0;
    while (n < MZ_AUDIENCE_MAX_CHOICES && *mz_audience_choice(ph->aud, n, choices[n], 128))
        n++;
    int winner = mz_audience_vote_close(ph->aud, now, false);
    if (winner >= 0) snprintf(m.text, sizeof m.text, "%s", choices[winner]);
    /* played: the player opens the next round with the scene it brings */
    bool played = winner >= 0 && playable && send(user, &m);
    if (!played && winner > -2) {
        const char *again[MZ_AUDIENCE_MAX_CHOICES];
        for (size_t i = 0; i < n; i++)
            again[i] = choices[i];
        mz_audience_vote_open(ph->aud, again, n, now);
    }
    m = (mz_exhibit_msg){.kind = MZ_EXHIBIT_MSG_TALLY};
    int votes = tally_text(ph, now, m.text, sizeof m.text);
    bool active = votes > ph->votes_seen;
    ph->votes_seen = votes;
    if (!active && !strcmp(m.text, ph->tally)) return;
    m.value = active;
    if (send(user, &m)) snprintf(ph->tally, sizeof ph->tally, "%s", m.text);
}

void mz_exhibit_phones_tick(mz_exhibit_phones *ph, const mz_exhibit_live *live, bool up,
                            bool (*send)(void *user, const mz_exhibit_msg *m), void *user)
{
    if (!ph) return;
    double now = mz_audience_web_now();
    if (now - ph->fps_logged >= 5) { /* does a busy page slow the kiosk? (bench_audience) */
        mz_log_info("audience: kiosk at %.1f fps with %d phones connected", live->fps,
                    mz_web_ws_count(ph->web));
        ph->fps_logged = now;
    }
    if (!up) return;
    mz_exhibit_msg m;
    bool voting = mz_audience_get_mode(ph->aud) == MZ_AUDIENCE_VOTE;
    for (int sends = 0; voting && sends < MAX_SENDS; sends++) {
        m = (mz_exhibit_msg){.kind = MZ_EXHIBIT_MSG_MATCH};
        if (!mz_audience_to_match(ph->aud, m.text, sizeof m.text, &m.id)) break;
        if (!send(user, &m)) { /* its pipe is full: the rest wait for the next loop */
            mz_audience_give_back(ph->aud, m.id);
            break;
        }
    }
    if (voting) {
        vote(ph, now, can_play(live), send, user);
        return;
    }
    m = (mz_exhibit_msg){.kind = MZ_EXHIBIT_MSG_LINE};
    if (can_play(live) && mz_audience_next(ph->aud, now, m.text, sizeof m.text, &m.id) &&
        !send(user, &m))
        mz_audience_give_back(ph->aud, m.id);
}

void mz_exhibit_phones_heard(mz_exhibit_phones *ph, const mz_exhibit_msg *m)
{
    if (!ph) return;
    double now = mz_audience_web_now();
    if (m->kind == MZ_EXHIBIT_MSG_SHOWN && m->value != 0) {
        mz_audience_shown(ph->aud, m->id);
    } else if (m->kind == MZ_EXHIBIT_MSG_SHOWN) {
        mz_audience_give_back(ph->aud, m->id);
    } else if (m->kind == MZ_EXHIBIT_MSG_MATCHED) {
        mz_audience_matched(ph->aud, m->id, (int)m->value, now);
    } else if (m->kind == MZ_EXHIBIT_MSG_VOTE) {
        cJSON *a = cJSON_Parse(m->text);
        const char *choices[MZ_AUDIENCE_MAX_CHOICES];
        size_t n = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, a)
        {
            if (cJSON_IsString(c) && n < MZ_AUDIENCE_MAX_CHOICES) choices[n++] = c->valuestring;
        }
        mz_audience_vote_open(ph->aud, choices, n, now); /* none: no round (an ending) */
        ph->votes_seen = 0;
        cJSON_Delete(a);
    }
}

void mz_exhibit_phones_lost(mz_exhibit_phones *ph)
{
    if (!ph) return;
    mz_audience_give_back(ph->aud, 0);
    /* the round was the lost player's scene's: the next player opens its own */
    mz_audience_vote_close(ph->aud, mz_audience_web_now(), true);
    ph->votes_seen = 0;
}
