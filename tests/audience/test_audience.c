/* test_audience — the audience's phones without HTTP: limits per phone and
 * per address, moderation (screen, operator, timeout, mute), the queue's
 * pace and fairness, votes by button and by free text, and that rejected
 * text is never kept nor logged in clear. */
#include "mz_audience.h"
#include "mz_log.h"
#include "mz_test.h"

#include <stdio.h>
#include <string.h>

static mz_screen *screen;
static char logged[16384];

static void sink(mz_log_level level, const char *line, void *user)
{
    (void)level;
    (void)user;
    strncat(logged, line, sizeof logged - strlen(logged) - 2);
    strcat(logged, "\n");
}

static mz_audience *make(mz_audience_mode mode, bool premoderate)
{
    mz_audience *a = mz_audience_create(&(mz_audience_desc){.mode = mode,
                                                            .screen = screen,
                                                            .premoderate = premoderate,
                                                            .turn_s = 8,
                                                            .vote_s = 20,
                                                            .moderation_timeout_s = 30,
                                                            .rate_s = 5,
                                                            .mute_after = 3,
                                                            .mute_s = 600});
    MZ_CHECK(a != NULL);
    return a;
}

static void test_queue_pace_and_fairness(void)
{
    mz_audience *a = make(MZ_AUDIENCE_QUEUE, false);
    uint64_t id1, id2, id3;
    const char *why;
    MZ_CHECK(mz_audience_submit(a, "p1", "10.0.0.1", "  open the   door ", 0, &id1, &why) ==
             MZ_LINE_QUEUED);
    MZ_CHECK(why == NULL && id1 != 0);
    /* one line a phone at a time, and not too fast */
    MZ_CHECK(mz_audience_submit(a, "p1", "10.0.0.1", "again", 1, NULL, &why) == MZ_LINE_REJECTED);
    MZ_CHECK_STR(why, "too fast");
    MZ_CHECK(mz_audience_submit(a, "p1", "10.0.0.1", "again", 6, NULL, &why) == MZ_LINE_REJECTED);
    MZ_CHECK_STR(why, "already waiting");
    MZ_CHECK(mz_audience_submit(a, "p2", "10.0.0.2", "climb the stairs", 2, &id2, NULL) ==
             MZ_LINE_QUEUED);
    MZ_CHECK(mz_audience_submit(a, "p3", "10.0.0.3", "look at the sea", 3, &id3, NULL) ==
             MZ_LINE_QUEUED);
    char text[256];
    uint64_t shown;
    MZ_CHECK(mz_audience_next(a, 4, text, sizeof text, &shown));
    MZ_CHECK_STR(text, "open the door"); /* sanitised */
    MZ_CHECK(shown == id1);
    /* handed to the screen: still queued until the screen says it shows it */
    MZ_CHECK(mz_audience_status(a, "p1", id1, NULL) == MZ_LINE_QUEUED);
    mz_audience_shown(a, id1);
    MZ_CHECK(mz_audience_status(a, "p1", id1, NULL) == MZ_LINE_SHOWN);
    MZ_CHECK(mz_audience_status(a, "p2", id1, NULL) == MZ_LINE_NONE); /* not p2's line */
    MZ_CHECK(!mz_audience_next(a, 11.9, text, sizeof text, &shown));  /* turn_s is 8 */
    MZ_CHECK(mz_audience_next(a, 12, text, sizeof text, &shown));
    MZ_CHECK_STR(text, "climb the stairs");
    /* the screen went away before showing it (a player restarting): the
     * line is queued again, first, and goes at once */
    mz_audience_give_back(a, 0);
    MZ_CHECK(mz_audience_status(a, "p2", id2, NULL) == MZ_LINE_QUEUED);
    MZ_CHECK(mz_audience_next(a, 12.5, text, sizeof text, &shown));
    MZ_CHECK_STR(text, "climb the stairs");
    MZ_CHECK(shown == id2);
    mz_audience_shown(a, id2);
    /* p1 may send again now that its line is shown, and goes after p3 */
    MZ_CHECK(mz_audience_submit(a, "p1", "10.0.0.1", "ring the bell", 13, NULL, NULL) ==
             MZ_LINE_QUEUED);
    MZ_CHECK(mz_audience_next(a, 20.5, text, sizeof text, &shown));
    MZ_CHECK_STR(text, "look at the sea");
    mz_audience_shown(a, shown);
    MZ_CHECK(mz_audience_next(a, 28.5, text, sizeof text, &shown));
    MZ_CHECK_STR(text, "ring the bell");
    mz_audience_shown(a, shown);
    MZ_CHECK(!mz_audience_next(a, 40, text, sizeof text, &shown));
    mz_audience_change ch[16];
    size_t n = mz_audience_changes(a, ch, 16);
    MZ_CHECK(n == 8); /* 4 queued, 4 shown */
    MZ_CHECK(ch[0].id == id1 && ch[0].state == MZ_LINE_QUEUED && !strcmp(ch[0].phone, "p1"));
    MZ_CHECK(mz_audience_changes(a, ch, 16) == 0);
    mz_audience_destroy(a);
}

static void test_limits(void)
{
    mz_audience *a = make(MZ_AUDIENCE_QUEUE, false);
    const char *why;
    char longer[300];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    MZ_CHECK(mz_audience_submit(a, "p1", "ip", longer, 0, NULL, &why) == MZ_LINE_REJECTED);
    MZ_CHECK_STR(why, "too long");
    MZ_CHECK(mz_audience_submit(a, "p1", "ip", " \t\x01 ", 0, NULL, &why) == MZ_LINE_REJECTED);
    MZ_CHECK_STR(why, "empty");
    MZ_CHECK(mz_audience_submit(a, "", "ip", "hi", 0, NULL, &why) == MZ_LINE_REJECTED);
    /* a phone that clears its cookie is still one address: 6 lines per rate_s */
    char who[16];
    int accepted = 0;
    for (int i = 0; i < 10; i++) {
        snprintf(who, sizeof who, "fresh%d", i);
        accepted +=
            mz_audience_submit(a, who, "10.9.9.9", "hello", 1, NULL, &why) == MZ_LINE_QUEUED;
    }
    MZ_CHECK(accepted == 6);
    MZ_CHECK_STR(why, "too fast");
    mz_audience_destroy(a);
}

static void test_rejected_never_in_clear(void)
{
    logged[0] = '\0';
    mz_log_set_sink(sink, NULL);
    mz_log_set_level(MZ_LOG_DEBUG);
    mz_audience *a = make(MZ_AUDIENCE_QUEUE, false);
    const char *why;
    uint64_t id;
    double t = 0;
    const char *bad[] = {"you f.u.c.k.i.n.g idiot", "sh1tty lighthouse", "a55hole keeper"};
    for (int i = 0; i < 3; i++, t += 6) {
        MZ_CHECK(mz_audience_submit(a, "troll", "10.0.0.66", bad[i], t, &id, &why) ==
                 MZ_LINE_REJECTED);
        MZ_CHECK_STR(why, "not accepted"); /* nothing of the filter */
        MZ_CHECK(mz_audience_status(a, "troll", id, &why) == MZ_LINE_REJECTED);
    }
    /* muted after 3 */
    MZ_CHECK(mz_audience_submit(a, "troll", "10.0.0.66", "open the door", t, NULL, &why) ==
             MZ_LINE_REJECTED);
    MZ_CHECK_STR(why, "muted");
    MZ_CHECK(mz_audience_submit(a, "troll", "10.0.0.66", "open the door", t + 601, NULL, &why) ==
             MZ_LINE_QUEUED);
    char text[256];
    MZ_CHECK(mz_audience_next(a, t + 602, text, sizeof text, NULL));
    MZ_CHECK_STR(text, "open the door");
    mz_log_set_sink(NULL, NULL);
    mz_log_set_level(MZ_LOG_WARN);
    MZ_CHECK_HAS(logged, "not accepted (blocked word");
    MZ_CHECK_HAS(logged, "muted");
    char hash[32];
    snprintf(hash, sizeof hash, "#%016llx", (unsigned long long)mz_screen_hash(screen, bad[1]));
    MZ_CHECK_HAS(logged, hash);
    for (int i = 0; i < 3; i++)
        MZ_CHECK_MSG(!strstr(logged, bad[i]), "logged in clear: %s", bad[i]);
    MZ_CHECK(!strstr(logged, "idiot") && !strstr(logged, "sh1t") && !strstr(logged, "a55"));
    mz_audience_destroy(a);
}

static void test_premoderation(void)
{
    mz_audience *a = make(MZ_AUDIENCE_QUEUE, true);
    uint64_t a1, a2, a3;
    MZ_CHECK(mz_audience_submit(a, "p1", "1", "the storm breaks", 0, &a1, NULL) == MZ_LINE_WAITING);
    MZ_CHECK(mz_audience_submit(a, "p2", "2", "a whale sings", 1, &a2, NULL) == MZ_LINE_WAITING);
    MZ_CHECK(mz_audience_submit(a, "p3", "3", "nothing happens", 2, &a3, NULL) == MZ_LINE_WAITING);
    char text[256];
    MZ_CHECK(!mz_audience_next(a, 3, text, sizeof text, NULL)); /* nothing approved yet */
    mz_audience_pending p[8];
    MZ_CHECK(mz_audience_waiting(a, 10, p, 8) == 3);
    MZ_CHECK(p[0].id == a1 && p[0].age_s == 10 && !strcmp(p[0].text, "the storm breaks"));
    MZ_CHECK(p[2].id == a3 && p[2].age_s == 8);
    MZ_CHECK(mz_audience_waiting(a, 10, p, 2) == 2 && p[1].id == a2);
    MZ_CHECK(mz_audience_decide(a, a2, true, 11));
    MZ_CHECK(mz_audience_decide(a, a1, false, 11));
    MZ_CHECK(!mz_audience_decide(a, a1, true, 12));
    MZ_CHECK(mz_audience_status(a, "p1", a1, NULL) == MZ_LINE_REJECTED);
    MZ_CHECK(mz_audience_status(a, "p2", a2, NULL) == MZ_LINE_QUEUED);
    MZ_CHECK(mz_audience_next(a, 12, text, sizeof text, NULL));
    MZ_CHECK_STR(text, "a whale sings");
    mz_audience_tick(a, 31); /* a3 has waited 29 s: still there */
    MZ_CHECK(mz_audience_status(a, "p3", a3, NULL) == MZ_LINE_WAITING);
    const char *why;
    mz_audience_tick(a, 33);
    MZ_CHECK(mz_audience_status(a, "p3", a3, &why) == MZ_LINE_REJECTED);
    MZ_CHECK_STR(why, "not accepted in time");
    MZ_CHECK(mz_audience_waiting(a, 40, p, 8) == 0);
    mz_audience_destroy(a);
}

static void test_vote(void)
{
    mz_audience *a = make(MZ_AUDIENCE_VOTE, false);
    const char *why;
    MZ_CHECK(mz_audience_vote(a, "p1", "1", 0, 0, &why) == MZ_LINE_REJECTED);
    MZ_CHECK_STR(why, "no vote open");
    const char *choices[] = {"climb the lighthouse", "go down to the beach", "open the door"};
    MZ_CHECK(mz_audience_vote_open(a, choices, 3, 100));
    MZ_CHECK(mz_audience_vote(a, "p1", "1", 1, 101, NULL) == MZ_LINE_COUNTED);
    MZ_CHECK(mz_audience_vote(a, "p2", "2", 2, 101, NULL) == MZ_LINE_COUNTED);
    MZ_CHECK(mz_audience_vote(a, "p3", "3", 7, 101, &why) == MZ_LINE_REJECTED);
    MZ_CHECK_STR(why, "no such choice");
    /* free text counts toward the choice the story matches it to: it waits
     * for the matcher, oldest first */
    uint64_t f3, f4, f5, f6, got;
    char text[256];
    MZ_CHECK(mz_audience_submit(a, "p3", "3", "let's climb up the lighthouse!", 102, &f3, NULL) ==
             MZ_LINE_QUEUED);
    MZ_CHECK(mz_audience_submit(a, "p4", "4", "the beach, go down", 102, &f4, NULL) ==
             MZ_LINE_QUEUED);
    MZ_CHECK(mz_audience_submit(a, "p5", "5", "sing a song", 102, &f5, &why) == MZ_LINE_QUEUED);
    MZ_CHECK(mz_audience_to_match(a, text, sizeof text, &got) && got == f3);
    MZ_CHECK_STR(text, "let's climb up the lighthouse!");
    MZ_CHECK(mz_audience_to_match(a, text, sizeof text, &got) && got == f4);
    MZ_CHECK(mz_audience_status(a, "p3", f3, NULL) == MZ_LINE_QUEUED);
    mz_audience_matched(a, f3, 0, 103);
    mz_audience_matched(a, f4, 1, 103);
    MZ_CHECK(mz_audience_status(a, "p3", f3, NULL) == MZ_LINE_COUNTED);
    MZ_CHECK(mz_audience_to_match(a, text, sizeof text, &got) && got == f5);
    MZ_CHECK(!mz_audience_to_match(a, text, sizeof text, &got)); /* all handed out */
    mz_audience_matched(a, f5, -1, 103);
    MZ_CHECK(mz_audience_status(a, "p5", f5, &why) == MZ_LINE_REJECTED);
    MZ_CHECK_STR(why, "matches no choice");
    MZ_CHECK(mz_audience_submit(a, "p5", "5", "knock knock", 108, &f5, &why) == MZ_LINE_QUEUED);
    MZ_CHECK(mz_audience_to_match(a, text, sizeof text, &got) && got == f5);
    mz_audience_matched(a, f5, 2, 108);
    /* a line handed out and unanswered (the matcher went away) is matched again */
    MZ_CHECK(mz_audience_submit(a, "p6", "6", "the lighthouse", 108, &f6, NULL) == MZ_LINE_QUEUED);
    MZ_CHECK(mz_audience_to_match(a, text, sizeof text, &got) && got == f6);
    mz_audience_give_back(a, 0);
    MZ_CHECK(mz_audience_to_match(a, text, sizeof text, &got) && got == f6);
    mz_audience_matched(a, f6, -1, 108);
    MZ_CHECK(mz_audience_submit(a, "p9", "9", "climb the f*cking lighthouse", 102, NULL, &why) ==
             MZ_LINE_REJECTED);
    MZ_CHECK_STR(why, "not accepted");
    /* p2 changes its mind */
    MZ_CHECK(mz_audience_vote(a, "p2", "2", 1, 110, NULL) == MZ_LINE_COUNTED);
    int counts[8];
    double left;
    MZ_CHECK(mz_audience_tally(a, 110, counts, 8, &left) == 3);
    MZ_CHECK(counts[0] == 1 && counts[1] == 3 && counts[2] == 1);
    MZ_CHECK(left == 10);
    MZ_CHECK(mz_audience_vote_close(a, 119, false) == -2); /* still open */
    /* past the deadline, before the kiosk closes the round: too late */
    MZ_CHECK(mz_audience_submit(a, "p8", "8", "open the door", 120, NULL, &why) ==
             MZ_LINE_REJECTED);
    MZ_CHECK_STR(why, "no vote open");
    /* a line still unmatched when the round closes is too late */
    MZ_CHECK(mz_audience_vote_close(a, 119, true) == 1);
    MZ_CHECK(mz_audience_vote_open(a, choices, 3, 100));
    MZ_CHECK(mz_audience_vote(a, "p2", "2", 1, 115, NULL) == MZ_LINE_COUNTED);
    MZ_CHECK(mz_audience_submit(a, "p10", "10", "the door", 116, &f6, NULL) == MZ_LINE_QUEUED);
    MZ_CHECK(mz_audience_vote_close(a, 120, false) == 1);
    MZ_CHECK(mz_audience_status(a, "p10", f6, &why) == MZ_LINE_REJECTED);
    MZ_CHECK_STR(why, "no vote open");
    MZ_CHECK(mz_audience_vote(a, "p7", "7", 0, 121, &why) == MZ_LINE_REJECTED);
    MZ_CHECK_STR(why, "no vote open");
    /* a new round: nobody votes, no winner */
    MZ_CHECK(mz_audience_vote_open(a, choices, 2, 200));
    MZ_CHECK(mz_audience_vote_close(a, 220, false) == -1);
    mz_audience_destroy(a);
}

static void test_bounded(void)
{
    /* 5000 phones from 5000 addresses: tables forget, nothing grows */
    mz_audience *a = mz_audience_create(&(mz_audience_desc){.screen = screen, .max_waiting = 64});
    char who[32], ip[32];
    int queued = 0, busy = 0;
    for (int i = 0; i < 5000; i++) {
        snprintf(who, sizeof who, "phone%d", i);
        snprintf(ip, sizeof ip, "10.%d.%d.1", i / 256, i % 256);
        const char *why;
        mz_line_state s = mz_audience_submit(a, who, ip, "hello there", i * 0.01, NULL, &why);
        queued += s == MZ_LINE_QUEUED;
        busy += s == MZ_LINE_REJECTED && !strcmp(why, "busy");
    }
    MZ_CHECK(queued == 64 && busy == 5000 - 64);
    mz_audience_destroy(a);
}

int main(void)
{
    screen = mz_screen_create(&(mz_screen_desc){.dir = "assets/moderation", .salt = 7});
    MZ_CHECK(screen != NULL);
    MZ_RUN(test_queue_pace_and_fairness);
    MZ_RUN(test_limits);
    MZ_RUN(test_rejected_never_in_clear);
    MZ_RUN(test_premoderation);
    MZ_RUN(test_vote);
    MZ_RUN(test_bounded);
    mz_screen_destroy(screen);
    return mz_test_finish();
}
