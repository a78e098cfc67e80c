/* audience_fixture — the audience's side of an installation in one process
 * (mz_web serving assets/web, mz_screen with the shipped lists, mz_audience,
 * mz_audience_web) with a stand-in for the kiosk's screen, for the tests
 * that drive it with real clients (audience.py: Chromium, simulated phones).
 *
 *   audience_fixture [--vote] [--premoderate] [--turn S] [--rate S] [--burst N]
 *
 * Prints "port=P token=T", then on stdout what the screen would show:
 * "shown ID TEXT" (queue), "winner N" (vote), and a vote's free text for
 * the test to match as the story would: "match ID TEXT". Commands on
 * stdin, one a line: "open CHOICE|CHOICE|..." opens a vote, "close"
 * closes it now, "matched ID N" answers a match; end of input stops it. */
#include "mz_audience_web.h"
#include "mz_error.h"
#include "mz_log.h"
#include "mz_time.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    mz_audience_desc d = {.turn_s = 0.5, .rate_s = 1, .moderation_timeout_s = 60};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--vote"))
            d.mode = MZ_AUDIENCE_VOTE;
        else if (!strcmp(argv[i], "--premoderate"))
            d.premoderate = true;
        else if (!strcmp(argv[i], "--turn") && i + 1 < argc)
            d.turn_s = atof(argv[++i]);
        else if (!strcmp(argv[i], "--rate") && i + 1 < argc)
            d.rate_s = atof(argv[++i]);
        else if (!strcmp(argv[i], "--burst") && i + 1 < argc) /* loopback phones share 127.0.0.1 */
            d.ip_burst = atoi(argv[++i]);
    }
    mz_log_init();
    mz_screen *screen = mz_screen_create(&(mz_screen_desc){.dir = "assets/moderation"});
    d.screen = screen;
    mz_audience *aud = screen ? mz_audience_create(&d) : NULL;
    mz_web *web =
        aud ? mz_web_create(&(mz_web_desc){.static_dir = "assets/web", .max_ws = 400}) : NULL;
    mz_audience_web *aw = web ? mz_audience_web_create(web, aud) : NULL;
    if (!aw || !mz_web_start(web)) {
        fprintf(stderr, "audience_fixture: %s\n", mz_error());
        return 1;
    }
    printf("port=%d token=%s\n", mz_web_port(web), mz_web_token(web));
    fflush(stdout);
    char line[4096];
    for (;;) {
        struct pollfd p = {0, POLLIN, 0};
        if (poll(&p, 1, 20) > 0) {
            if (!fgets(line, sizeof line, stdin)) break;
            line[strcspn(line, "\n")] = '\0';
            if (!strncmp(line, "open ", 5)) {
                const char *choices[MZ_AUDIENCE_MAX_CHOICES];
                size_t n = 0;
                for (char *c = strtok(line + 5, "|"); c && n < MZ_AUDIENCE_MAX_CHOICES;
                     c = strtok(NULL, "|"))
                    choices[n++] = c;
                mz_audience_vote_open(aud, choices, n, mz_audience_web_now());
            } else if (!strncmp(line, "matched ", 8)) {
                unsigned long long id;
                int choice;
                if (sscanf(line + 8, "%llu %d", &id, &choice) == 2)
                    mz_audience_matched(aud, id, choice, mz_audience_web_now());
            } else if (!strcmp(line, "close")) {
                printf("winner %d\n", mz_audience_vote_close(aud, mz_audience_web_now(), true));
            }
        }
        char text[512];
        uint64_t id;
        double now = mz_audience_web_now();
        if (d.mode == MZ_AUDIENCE_QUEUE && mz_audience_next(aud, now, text, sizeof text, &id)) {
            printf("shown %llu %s\n", (unsigned long long)id, text);
            mz_audience_shown(aud, id);
        }
        while (mz_audience_to_match(aud, text, sizeof text, &id))
            printf("match %llu %s\n", (unsigned long long)id, text);
        int winner = mz_audience_vote_close(aud, now, false);
        if (winner > -2) printf("winner %d\n", winner);
        fflush(stdout);
    }
    mz_audience_web_stop(aw);
    mz_web_destroy(web);
    mz_audience_web_destroy(aw);
    mz_audience_destroy(aud);
    mz_screen_destroy(screen);
    return 0;
}
