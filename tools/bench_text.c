/* bench_text — what matching one viewer line costs: mz_text_sanitize,
 * mz_lexicon_moderate, and mz_utterance_make + scoring 10 patterns, for
 * 280-byte lines (the default cap). Prints p50/p95/p99 in microseconds.
 *
 *   build/tools/bench_text [iterations]   (default 20000) */
#include "mz_stats.h"
#include "mz_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void report(const char *what, double *t, int n)
{
    mz_stats_sort(t, (size_t)n);
    printf("%-34s p50 %6.2f us  p95 %6.2f us  p99 %6.2f us  max %7.2f us\n", what, t[n / 2],
           t[n * 95 / 100], t[n * 99 / 100], t[n - 1]);
}

int main(int argc, char **argv)
{
    int iterations = argc > 1 ? atoi(argv[1]) : 20000;
    if (iterations < 100) iterations = 100;
    mz_lexicon *lx = mz_lexicon_create();
    const char *climb[] = {"ascend", "go up", "scale", "clamber"};
    const char *descend[] = {"go down", "climb down"};
    const char *look[] = {"examine", "inspect", "look at", "check out"};
    mz_lexicon_add_synonyms(lx, "climb", climb, 4);
    mz_lexicon_add_synonyms(lx, "descend", descend, 2);
    mz_lexicon_add_synonyms(lx, "look", look, 4);
    const char *blocked[] = {"bad", "shoot", "darn", "heck", "crud"};
    for (int i = 0; i < 5; i++)
        mz_lexicon_add_blocked(lx, blocked[i]);
    static const char *const pats[] = {
        "climb lighthouse",  "go north",           "go south",
        "descend stairs",    "open the red door",  "look at the sea",
        "light the lantern", "talk to the keeper", "wait",
        "ring the bell",
    };
    mz_pattern *p[10];
    for (int i = 0; i < 10; i++)
        p[i] = mz_pattern_compile(lx, pats[i]);

    /* Varied 280-byte lines: words a viewer might type, with typos, accents
     * and punctuation, taken from a fixed word list at shifting offsets. */
    static const char *const words[] = {
        "I",        "want",     "to",   "clmb",    "up",      "the",       "LIGHTHOUSE!!", "and",
        "then",     "maybe",    "look", "at",      "sea,",    "café",      "stairs",       "door",
        "lanterns", "keeper's", "bell", "quickly", "please?", "northward", "ascending",    "tower",
    };
    enum { LINES = 64 };
    static char lines[LINES][281];
    for (int l = 0; l < LINES; l++) {
        size_t n = 0;
        for (int w = l; n < 280; w++) {
            const char *s = words[(w * 7 + l) % (int)(sizeof words / sizeof words[0])];
            size_t k = strlen(s);
            if (n + k + 1 > 280) k = 280 - n - 1;
            memcpy(lines[l] + n, s, k);
            n += k;
            lines[l][n++] = ' ';
        }
        lines[l][280] = '\0';
    }

    double *t_san = malloc(sizeof(double) * (size_t)iterations);
    double *t_mod = malloc(sizeof(double) * (size_t)iterations);
    double *t_match = malloc(sizeof(double) * (size_t)iterations);
    char out[512];
    int matched = 0;
    for (int i = 0; i < iterations; i++) {
        const char *line = lines[i % LINES];
        double t0 = now_us();
        mz_text_sanitize(line, strlen(line), out, sizeof out, 0);
        double t1 = now_us();
        mz_lexicon_moderate(lx, line, out, sizeof out);
        double t2 = now_us();
        mz_utterance *u = mz_utterance_make(lx, out);
        float s;
        matched += mz_match_best((const mz_pattern *const *)p, 10, u, 0, &s) >= 0;
        mz_utterance_destroy(u);
        double t3 = now_us();
        t_san[i] = t1 - t0;
        t_mod[i] = t2 - t1;
        t_match[i] = t3 - t2;
    }
    printf("%d lines of 280 bytes, %d matched a pattern\n", iterations, matched);
    report("sanitize", t_san, iterations);
    report("moderate (5 blocked words)", t_mod, iterations);
    report("utterance + 10 patterns", t_match, iterations);
    for (int i = 0; i < 10; i++)
        mz_pattern_destroy(p[i]);
    mz_lexicon_destroy(lx);
    free(t_san);
    free(t_mod);
    free(t_match);
    return 0;
}
