/* bench_moderation — how well public moderation (mz_screen) holds: a corpus
 * built here from the shipped lists, 500 offensive lines hidden with the
 * tricks phones use (split letters, leetspeak, repeated letters, homoglyphs,
 * zero-width characters, glued words, censoring stars, fullwidth, and two
 * at once) and 500 innocent lines (maze commands, chat, other languages,
 * and the Scunthorpe family: words with a blocked word inside). Entries
 * that are ordinary English words, allowed on purpose (allow/en.txt: "fan",
 * "mama"), are not used as offensive lines. Prints the
 * catch rate, the false-positive rate and the time per line. Fixed seed.
 *
 *   build/tools/bench_moderation [--show] [LISTS_DIR]   (default assets/moderation)
 *   --show prints the lines it got wrong, escaped. */
#include "mz_error.h"
#include "mz_screen.h"
#include "mz_stats.h"
#include "mz_text.h"
#include "mz_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LINES 500
#define LINE_MAX 600

static uint64_t rng = 0x2545F4914F6CDD1Du;

static uint32_t next(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)((rng >> 32) % n);
}

static char **read_list(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    char **out = NULL, line[256];
    size_t cap = 0;
    *n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#') continue;
        if (*n == cap) out = realloc(out, (cap = cap ? cap * 2 : 512) * sizeof *out);
        out[(*n)++] = strdup(line);
    }
    fclose(f);
    return out;
}

/* ---- tricks: each rewrites an ASCII entry into dst ---- */

typedef void (*trick)(const char *w, char *dst);

static void t_split(const char *w, char *dst)
{
    static const char *const seps[] = {" ", ".", "-", "_", " . "};
    const char *sep = seps[next(5)];
    for (; *w; w++) {
        if (*w == ' ') continue;
        dst += sprintf(dst, "%c%s", *w, w[1] ? sep : "");
    }
    *dst = '\0';
}

static void t_leet(const char *w, char *dst)
{
    for (; *w; w++) {
        const char *r = NULL;
        switch (*w) {
        case 'a':
            r = next(2) ? "4" : "@";
            break;
        case 'e':
            r = "3";
            break;
        case 'i':
            r = next(2) ? "1" : "!";
            break;
        case 'o':
            r = "0";
            break;
        case 's':
            r = next(2) ? "5" : "$";
            break;
        case 't':
            r = "7";
            break;
        default:
            break;
        }
        if (r && next(3))
            dst += sprintf(dst, "%s", r);
        else
            *dst++ = *w;
    }
    *dst = '\0';
}

static void t_repeat(const char *w, char *dst)
{
    for (; *w; w++) {
        int k = *w != ' ' && next(3) == 0 ? 2 + (int)next(4) : 1;
        while (k--)
            *dst++ = (char)(next(4) == 0 && *w >= 'a' && *w <= 'z' ? *w - 32 : *w);
    }
    *dst = '\0';
}

static void t_homoglyph(const char *w, char *dst)
{
    for (; *w; w++) {
        const char *r = NULL;
        switch (*w) {
        case 'a':
            r = "\xd0\xb0";
            break; /* Cyrillic а */
        case 'e':
            r = "\xd0\xb5";
            break;
        case 'o':
            r = next(2) ? "\xd0\xbe" : "\xce\xbf";
            break; /* Cyrillic о, Greek ο */
        case 'p':
            r = "\xd1\x80";
            break;
        case 'c':
            r = "\xd1\x81";
            break;
        case 'x':
            r = "\xd1\x85";
            break;
        case 'y':
            r = "\xd1\x83";
            break;
        case 'i':
            r = "\xd1\x96";
            break;
        case 's':
            r = "\xd1\x95";
            break;
        case 'k':
            r = "\xd0\xba";
            break;
        default:
            break;
        }
        if (r && next(2))
            dst += sprintf(dst, "%s", r);
        else
            *dst++ = *w;
    }
    *dst = '\0';
}

static void t_zero_width(const char *w, char *dst)
{
    static const char *const zw[] = {"\xe2\x80\x8b", "\xe2\x80\x8c", "\xe2\x80\x8d",
                                     "\xe2\x81\xa0", "\xc2\xad",     "\xef\xbb\xbf"};
    for (; *w; w++) {
        *dst++ = *w;
        if (w[1] && *w != ' ' && next(2)) dst += sprintf(dst, "%s", zw[next(6)]);
    }
    *dst = '\0';
}

static void t_glued(const char *w, char *dst)
{
    static const char *const words[] = {"you", "big", "total", "such", "ur", "mega", "lol", "u"};
    const char *other = words[next(8)];
    char joined[256], *j = joined;
    for (; *w; w++)
        if (*w != ' ') *j++ = *w;
    *j = '\0';
    if (next(2))
        sprintf(dst, "%s%s", other, joined);
    else
        sprintf(dst, "%s%s", joined, other);
}

static void t_star(const char *w, char *dst)
{
    strcpy(dst, w);
    size_t len = strlen(dst);
    for (size_t k = 0; k < len; k++) { /* one vowel, not the first letter */
        size_t i = (k + 1 + next((uint32_t)len)) % len;
        if (i > 0 && strchr("aeiou", dst[i])) {
            dst[i] = '*';
            return;
        }
    }
}

static void t_fullwidth(const char *w, char *dst)
{
    for (; *w; w++) {
        if (*w > ' ' && *w < 0x7F) {
            unsigned c = 0xFF01u + (unsigned)(*w - '!');
            dst +=
                sprintf(dst, "%c%c%c", 0xE0 | c >> 12, 0x80 | (c >> 6 & 0x3F), 0x80 | (c & 0x3F));
        } else {
            *dst++ = *w;
        }
    }
    *dst = '\0';
}

static const trick tricks[] = {t_split,      t_leet,  t_repeat, t_homoglyph,
                               t_zero_width, t_glued, t_star,   t_fullwidth};
#define NTRICKS (sizeof tricks / sizeof tricks[0])

static const char *const carriers[] = {
    "%s",
    "you are a %s",
    "the lighthouse keeper is a %s",
    "%s!!!",
    "open the door %s",
    "lol %s",
    "I want to see %s",
    "%s everywhere",
    "look at that %s",
    "go upstairs you %s",
};

static bool listed(char **list, size_t n, const char *word)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(list[i], word)) return true;
    return false;
}

static char **allowed;
static size_t nallowed;

static void offensive_line(char **lists[], size_t counts[], size_t nlists, char *out)
{
    /* Two lines in three from English, the rest from the others. */
    size_t l = next(3) ? 0 : 1 + next((uint32_t)(nlists - 1));
    const char *entry;
    do
        entry = lists[l][next((uint32_t)counts[l])];
    while (strlen(entry) < 3 || strlen(entry) > 40 ||
           strspn(entry, "abcdefghijklmnopqrstuvwxyz ") != strlen(entry) ||
           listed(allowed, nallowed, entry));
    char a[LINE_MAX], b[LINE_MAX];
    uint32_t t = next(NTRICKS + 2);
    if (t < NTRICKS) {
        tricks[t](entry, a);
    } else { /* two at once: leetspeak or repeats, then homoglyphs or zero-width */
        (next(2) ? t_leet : t_repeat)(entry, b);
        (next(2) ? t_homoglyph : t_zero_width)(b, a);
    }
    snprintf(out, LINE_MAX, carriers[next(sizeof carriers / sizeof carriers[0])], a);
}

/* Innocent words that hold a blocked one, and ordinary lines. */
static const char *const scunthorpe[] = {
    "Scunthorpe", "Sussex",   "assassin",   "class",       "therapist",    "grape",
    "pass",       "Essex",    "Middlesex",  "Penistone",   "cocktail",     "Hitchcock",
    "analysis",   "analyst",  "shiitake",   "buttress",    "Dickens",      "cumulative",
    "assume",     "title",    "button",     "scrape",      "skyscraper",   "specialist",
    "hello",      "shell",    "grapefruit", "butterfly",   "passport",     "classic",
    "massive",    "bassoon",  "cockatoo",   "peacock",     "weathercock",  "sextant",
    "sexton",     "Wessex",   "cumin",      "document",    "circumstance", "accumulate",
    "pussycat",   "spice",    "glass",      "grass",       "brass",        "compass",
    "embassy",    "harass",   "cockpit",    "shuttlecock", "scuttlebutt",  "cucumber",
    "hancock",    "Cockburn", "Clitheroe",  "assistant",   "assembly",     "mass",
    "trespass",   "bypass",   "drape",      "scrap",       "trapeze",      "snigger",
    "analog",     "canal",    "banal",      "Uranus",      "titan",        "titmouse",
    "therapists", "grapes",   "classes",    "assassins",   "passenger",    "shitake",
    "spoon",      "raccoon",  "tycoon",     "harpoon",     "Dickinson",    "cockroach",
    "Montenegro",
};
static const char *const subjects[] = {
    "the door",      "a lighthouse", "the old keeper", "my friend", "the ghost",  "a red boat",
    "the staircase", "our teacher",  "the cat",        "a storm",   "the museum", "this maze",
};
static const char *const verbs[] = {
    "opens", "climbs", "falls", "sings", "waits", "glows", "breaks", "dances", "hides", "grows",
};
static const char *const chat[] = {
    "hello from the back row!",
    "sooo cool",
    "go up the stairs",
    "open the door please",
    "turn left at the fountain",
    "can we see the sea?",
    "more rain!!!",
    "room 101",
    "plan B: run",
    "a b c",
    "k is for kite",
    "I am a fan",
    "pen is mightier",
    "Mama mia",
    "le chat est sur la table",
    "der Hund schläft",
    "el gato negro duerme",
    "una regina",
    "ciao bella",
    "hasta la vista",
    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80 yes",
    "10/10 would climb again",
    "helloooo",
    "WOW",
    "go go go",
    "the titanic sinks",
    "a spicy stew",
    "the analyst smiles",
    "I passed the exam",
    "ok",
    "hmm...",
    "it is 3 am",
    "@everyone look up",
    "$5 for a ticket",
};

static void innocent_line(size_t i, char *out)
{
    switch (i % 3) {
    case 0:
        snprintf(out, LINE_MAX, "%s %s near the %s", subjects[next(12)], verbs[next(10)],
                 scunthorpe[next(sizeof scunthorpe / sizeof scunthorpe[0])]);
        break;
    case 1:
        snprintf(out, LINE_MAX, "%s", chat[next(sizeof chat / sizeof chat[0])]);
        break;
    default:
        snprintf(out, LINE_MAX, "%s %s, then %s %s", subjects[next(12)], verbs[next(10)],
                 subjects[next(12)], verbs[next(10)]);
        break;
    }
}

static void show(const char *what, const char *line)
{
    char esc[4 * LINE_MAX];
    mz_text_escape(line, strlen(line), esc, sizeof esc);
    printf("  %s: %s\n", what, esc);
}

int main(int argc, char **argv)
{
    bool verbose = argc > 1 && !strcmp(argv[1], "--show");
    const char *dir = argc > 1 + verbose ? argv[1 + verbose] : "assets/moderation";
    mz_screen *s = mz_screen_create(&(mz_screen_desc){.dir = dir});
    if (!s) {
        fprintf(stderr, "bench_moderation: %s\n", mz_error());
        return 1;
    }
    static const char *const langs[] = {"en", "de", "fr", "es", "it", "nl", "pt"};
    char **lists[7];
    size_t counts[7];
    char path[1024];
    for (size_t i = 0; i < 7; i++) {
        snprintf(path, sizeof path, "%s/%s.txt", dir, langs[i]);
        if (!(lists[i] = read_list(path, &counts[i]))) {
            fprintf(stderr, "bench_moderation: cannot read %s\n", path);
            return 1;
        }
    }
    snprintf(path, sizeof path, "%s/allow/en.txt", dir);
    if (!(allowed = read_list(path, &nallowed))) nallowed = 0;
    static char bad[LINES][LINE_MAX], good[LINES][LINE_MAX];
    for (size_t i = 0; i < LINES; i++) {
        offensive_line(lists, counts, 7, bad[i]);
        innocent_line(i, good[i]);
    }
    size_t caught = 0, blocked = 0;
    static double t[2 * LINES];
    for (size_t i = 0; i < LINES; i++) {
        uint64_t t0 = mz_time_ns();
        bool ok = mz_screen_check(s, bad[i], NULL);
        t[i] = mz_time_ms_since(t0) * 1000;
        caught += !ok;
        if (ok && verbose) show("missed", bad[i]);
        t0 = mz_time_ns();
        ok = mz_screen_check(s, good[i], NULL);
        t[LINES + i] = mz_time_ms_since(t0) * 1000;
        blocked += !ok;
        if (!ok && verbose) show("blocked", good[i]);
    }
    mz_stats_sort(t, 2 * LINES);
    printf("lists: %zu blocked entries, %zu allowed words (%s)\n", mz_screen_count(s, false),
           mz_screen_count(s, true), dir);
    printf("offensive lines caught: %zu/%d = %.1f %% (target >= 95 %%)\n", caught, LINES,
           100.0 * (double)caught / LINES);
    printf("innocent lines blocked: %zu/%d = %.1f %% (target <= 1 %%)\n", blocked, LINES,
           100.0 * (double)blocked / LINES);
    printf("time per line: p50 %.1f us, p95 %.1f us, max %.1f us\n", t[LINES],
           t[2 * LINES * 95 / 100], t[2 * LINES - 1]);
    mz_screen_destroy(s);
    for (size_t i = 0; i < 7; i++) {
        for (size_t k = 0; k < counts[i]; k++)
            free(lists[i][k]);
        free(lists[i]);
    }
    for (size_t k = 0; k < nallowed; k++)
        free(allowed[k]);
    free(allowed);
    return 0;
}
