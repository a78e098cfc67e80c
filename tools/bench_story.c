/* bench_story — the story runtime on a generated 10,000-scene story:
 * load time, and per-turn latency (viewer text in -> composed prompt out)
 * over 20,000 turns, most of them matching a transition.
 *
 *   bench_story [scenes] [turns] [languages] [play]
 *
 * With languages 2 or 3 the story declares en, fr(, de), each further one
 * in lang/CODE.lua with every caption and pattern (the same words: what is
 * measured is the loading and the matching, not the translation), and the
 * turns are played in `play` (en by default; fr: its Snowball stemmer).
 *
 * Targets on a 2-core machine: load < 300 ms, p99 turn < 1 ms. */
#include "mz_error.h"
#include "mz_stats.h"
#include "mz_story.h"
#include "mz_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const verbs[] = {
    "open",  "climb", "follow", "take", "light", "read",   "push",  "pull", "enter", "cross",
    "touch", "call",  "break",  "lift", "ring",  "search", "greet", "feed", "watch", "burn",
    "carve", "dig",   "drink",  "wake", "chase", "hide",   "leap",  "swim", "sing",  "pray",
};
static const char *const nouns[] = {
    "door",    "ladder", "lantern", "stairs", "window", "bridge", "tower",  "boat",   "gate",
    "well",    "mirror", "candle",  "map",    "key",    "bell",   "statue", "tree",   "river",
    "cave",    "fire",   "book",    "chest",  "rope",   "wheel",  "altar",  "garden", "forest",
    "harbour", "market", "chapel",  "cellar", "attic",  "tunnel", "shore",  "cliff",  "field",
    "owl",     "raven",  "fox",     "keeper", "sailor", "child",  "ghost",  "wolf",   "horse",
};
static const char *const scenery[] = {
    "a lighthouse on a cliff",    "a foggy harbour at dawn",
    "a forest of silver birches", "a market square at noon",
    "a flooded chapel",           "a spiral staircase",
    "a snowfield under stars",    "a desert of red dunes",
    "a library lit by candles",   "a stormy sea",
    "a quiet village street",     "an attic full of dust",
};
static const char *const details[] = {
    "rain on the windows", "gulls circling", "a warm lamp",      "long shadows", "thick fog",
    "autumn leaves",       "a distant bell", "embers glowing",   "moonlight",    "green moss",
    "broken glass",        "a sleeping cat", "wet cobblestones", "low clouds",   "a red kite",
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng = 0x853c49e6748fea9bull;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}
static uint32_t below(uint32_t n)
{
    return next() % n;
}

typedef struct gen_scene {
    int pattern_count;
    char patterns[10][40];
    bool refuse[10]; /* the transition has a refusal to translate */
} gen_scene;

static const char *const codes[] = {"en", "fr", "de"};

static bool write_story(const char *path, int scenes, int languages, gen_scene *out)
{
    FILE *f = fopen(path, "w");
    if (!f) return false;
    fprintf(f, "story {\n  title = \"Bench\",\n  start = \"s0\",\n  style = \"oil painting, "
               "soft light\",\n  characters = { hero = \"a tall woman in a blue coat\" },\n"
               "  synonyms = { climb = { \"go up\", \"ascend\" } },\n  vars = { n = 0, gold = 3 "
               "},\n");
    if (languages > 1) {
        fprintf(f, "  languages = {");
        for (int l = 0; l < languages; l++)
            fprintf(f, " \"%s\",", codes[l]);
        fprintf(f, " },\n");
    }
    fprintf(f, "}\n\n");
    for (int i = 0; i < scenes; i++) {
        bool ending = i > 0 && below(100) == 0;
        fprintf(f, "%s \"s%d\" {\n", ending ? "ending" : "scene", i);
        const char *a = scenery[below(COUNT(scenery))], *b = details[below(COUNT(details))],
                   *c = details[below(COUNT(details))];
        if (below(20) == 0)
            fprintf(f,
                    "  prompt = function(s) if s.n %% 2 == 0 then return \"%s, %s\" end "
                    "return \"%s, {hero}\" end,\n",
                    a, b, a);
        else
            fprintf(f, "  prompt = \"%s, %s, %s%s\",\n", a, b, c, below(4) == 0 ? ", {hero}" : "");
        fprintf(f, "  caption = \"Scene %d.\",\n  sound = { \"wind\" },\n", i);
        gen_scene *g = &out[i];
        g->pattern_count = 0;
        if (!ending) {
            int transitions = 3 + (int)below(3);
            fprintf(f, "  on = {\n");
            for (int t = 0; t < transitions; t++) {
                char pat[40];
                bool fresh;
                do { /* distinct within the scene */
                    snprintf(pat, sizeof pat, "%s %s", verbs[below(COUNT(verbs))],
                             nouns[below(COUNT(nouns))]);
                    fresh = true;
                    for (int k = 0; k < g->pattern_count; k++)
                        fresh &= strcmp(g->patterns[k], pat) != 0;
                } while (!fresh);
                snprintf(g->patterns[g->pattern_count++], sizeof g->patterns[0], "%s", pat);
                int to = (int)below((uint32_t)scenes);
                fprintf(f, "    { \"%s\", to = \"s%d\"", pat, to);
                uint32_t extra = below(10);
                g->refuse[g->pattern_count - 1] = extra == 0;
                if (extra == 0)
                    fprintf(f, ", when = function(s) return s.gold > 0 end, refuse = \"No.\"");
                else if (extra == 1)
                    fprintf(f, ", effect = function(s) s.n = s.n + 1 end");
                else if (extra == 2)
                    fprintf(f, ", when = function(s) return visits(\"s%d\") < 3 end", to);
                fprintf(f, " },\n");
            }
            fprintf(f, "  },\n");
        }
        fprintf(f, "}\n\n");
    }
    return fclose(f) == 0;
}

/* lang/CODE.lua: every caption, refusal and pattern of the story by id.
 * Returns its size in bytes, or -1. */
static long write_language(const char *dir, const char *code, int scenes, const gen_scene *gen)
{
    char path[160];
    snprintf(path, sizeof path, "%s/lang", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/lang/%s.lua", dir, code);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "return {\n  synonyms = { climb = { \"go up\", \"ascend\" } },\n");
    for (int i = 0; i < scenes; i++) {
        fprintf(f, "  [\"s%d.caption\"] = \"Scene %d (%s).\",\n", i, i, code);
        for (int t = 0; t < gen[i].pattern_count; t++) {
            fprintf(f, "  [\"s%d.%d\"] = { \"%s\" },\n", i, t + 1, gen[i].patterns[t]);
            if (gen[i].refuse[t]) fprintf(f, "  [\"s%d.%d.refuse\"] = \"Non.\",\n", i, t + 1);
        }
    }
    fprintf(f, "}\n");
    long bytes = ftell(f);
    return fclose(f) == 0 ? bytes : -1;
}

/* CPU time of the process: other programs on a shared machine inflate the
 * wall time, not this. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void print_rss(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6) || !strncmp(line, "VmHWM:", 6)) printf("  %s", line);
    if (f) fclose(f);
}

int main(int argc, char **argv)
{
    int scenes = argc > 1 ? atoi(argv[1]) : 10000;
    int turns = argc > 2 ? atoi(argv[2]) : 20000;
    int languages = argc > 3 ? atoi(argv[3]) : 1;
    const char *play = argc > 4 ? argv[4] : NULL;
    if (scenes < 2 || turns < 1 || languages < 1 || languages > 3) {
        fprintf(stderr, "usage: bench_story [scenes>=2] [turns>=1] [languages 1..3] [play]\n");
        return 2;
    }
    char dir[] = "/tmp/mz_bench_story_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char path[128];
    snprintf(path, sizeof path, "%s/story.lua", dir);
    gen_scene *gen = calloc((size_t)scenes, sizeof *gen);
    if (!gen || !write_story(path, scenes, languages, gen)) {
        fprintf(stderr, "bench_story: cannot write %s\n", path);
        return 1;
    }
    long lang_bytes[3] = {0};
    for (int l = 1; l < languages; l++)
        if ((lang_bytes[l] = write_language(dir, codes[l], scenes, gen)) < 0) {
            fprintf(stderr, "bench_story: cannot write %s/lang/%s.lua\n", dir, codes[l]);
            return 1;
        }
    FILE *f = fopen(path, "r");
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fclose(f);

    uint64_t t0 = mz_time_ns();
    double c0 = cpu_ms();
    mz_story *s = mz_story_load(&(mz_story_desc){.path = path, .seed = 7, .lang = play});
    double load_ms = mz_time_ms_since(t0), load_cpu_ms = cpu_ms() - c0;
    if (!s) {
        fprintf(stderr, "bench_story: %s\n", mz_error());
        return 1;
    }
    mz_story_turn t;
    mz_story_begin(s, &t);
    double *ms = malloc((size_t)turns * sizeof *ms);
    int matched = 0, errors = 0, moves = 0;
    char input[96];
    for (int i = 0; i < turns; i++) {
        int scene = atoi(t.scene + 1);
        const gen_scene *g = &gen[scene];
        if (g->pattern_count && below(10) < 7) {
            snprintf(input, sizeof input, "%s the %s", "please",
                     g->patterns[below((uint32_t)g->pattern_count)]);
        } else {
            snprintf(input, sizeof input, "%s %s %s", details[below(COUNT(details))],
                     verbs[below(COUNT(verbs))], nouns[below(COUNT(nouns))]);
        }
        uint64_t start = mz_time_ns();
        mz_story_input(s, input, strlen(input), &t);
        ms[i] = mz_time_ms_since(start);
        matched += t.matched != NULL;
        moves += t.scene_changed;
        errors += t.error != NULL;
        if (t.ended) mz_story_begin(s, &t); /* untimed: a restart */
    }
    mz_stats_sort(ms, (size_t)turns);
    printf("bench_story: %d scenes, %.1f MiB of Lua\n", scenes, (double)bytes / (1 << 20));
    if (languages > 1) {
        printf("  languages: %d, played in %s;", languages, mz_story_lang(s));
        for (int l = 1; l < languages; l++)
            printf(" lang/%s.lua %.1f MiB", codes[l], (double)lang_bytes[l] / (1 << 20));
        printf("\n");
    }
    printf("  load: %.1f ms (%.1f ms of CPU)\n", load_ms, load_cpu_ms);
    printf("  turns: %d (%d matched, %d moved, %d story errors)\n", turns, matched, moves, errors);
    /* In microseconds: a turn takes a few, and a 10 % change is a fraction
     * of one. The mean leaves out the slowest 1 % (a loaded machine's
     * preemptions), so two runs compare. */
    double sum = 0;
    int kept = turns - turns / 100;
    for (int i = 0; i < kept; i++)
        sum += ms[i];
    printf("  turn latency: p50 %.2f us, mean of the fastest 99 %% %.2f us, p99 %.2f us, "
           "max %.3f ms\n",
           ms[turns / 2] * 1000, kept ? sum / kept * 1000 : 0,
           ms[(int)((double)turns * 0.99)] * 1000, ms[turns - 1]);
    print_rss();
    mz_story_destroy(s);
    unlink(path);
    for (int l = 1; l < languages; l++) {
        snprintf(path, sizeof path, "%s/lang/%s.lua", dir, codes[l]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/lang", dir);
    rmdir(path);
    rmdir(dir);
    free(ms);
    free(gen);
    return errors ? 1 : 0;
}
