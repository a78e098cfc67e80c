/* test_text — sanitising, folding, stemming, synonyms, typos, scoring and
 * moderation of viewer text (scripting/mz_text.h), one rule at a time. */
#include "mz_error.h"
#include "mz_test.h"
#include "mz_text.h"
#include "text_internal.h"

#include <stdlib.h>

#define FFFD "\xEF\xBF\xBD"

static const char *sanitized(const char *in, size_t len, size_t cap, size_t max)
{
    static char out[1024];
    size_t n = mz_text_sanitize(in, len, out, cap, max);
    MZ_CHECK(n == strlen(out));
    return out;
}

#define SAN(lit) sanitized(lit, sizeof lit - 1, 1024, 0)

static void test_sanitize_invalid_utf8(void)
{
    MZ_CHECK_STR(SAN("a\x80"
                     "b"),
                 "a" FFFD "b");
    MZ_CHECK_STR(SAN("\xC0\xAF"), FFFD FFFD);                   /* overlong '/' */
    MZ_CHECK_STR(SAN("\xE0\x80\xAF"), FFFD FFFD FFFD);          /* overlong, 3 bytes */
    MZ_CHECK_STR(SAN("\xED\xA0\x80"), FFFD FFFD FFFD);          /* surrogate U+D800 */
    MZ_CHECK_STR(SAN("\xF4\x90\x80\x80"), FFFD FFFD FFFD FFFD); /* past U+10FFFF */
    MZ_CHECK_STR(SAN("x\xE2\x82"), "x" FFFD);                   /* cut short: one U+FFFD */
    MZ_CHECK_STR(SAN("\xFF"
                     "ok"),
                 FFFD "ok");
    MZ_CHECK_STR(SAN("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
                 "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"); /* valid text is kept */
}

static void test_sanitize_controls(void)
{
    MZ_CHECK_STR(SAN("a\x01"
                     "b\x7F"
                     "c\x1B[31m"),
                 "abc[31m");
    MZ_CHECK_STR(SAN("a\xC2\x9B"
                     "b"),
                 "ab"); /* C1 CSI */
    MZ_CHECK_STR(SAN("abc\xE2\x80\xAE"
                     "def"),
                 "abcdef"); /* RLO */
    MZ_CHECK_STR(SAN("\xE2\x80\xAA"
                     "x\xE2\x80\xAC"),
                 "x"); /* LRE .. PDF */
    MZ_CHECK_STR(SAN("x\xE2\x81\xA6"
                     "y\xE2\x81\xA9"),
                 "xy"); /* LRI .. PDI */
    MZ_CHECK_STR(SAN("zero\xE2\x80\x8Bwidth\xEF\xBB\xBF"), "zerowidth");
    MZ_CHECK_STR(SAN("no\0nul"), "nonul");
}

static void test_sanitize_whitespace(void)
{
    MZ_CHECK_STR(SAN("  hello \t\n\r  world  "), "hello world");
    MZ_CHECK_STR(SAN("a\xC2\xA0\xE3\x80\x80"
                     "b"),
                 "a b"); /* NBSP, ideographic space */
    MZ_CHECK_STR(SAN(" \t\n "), "");
    MZ_CHECK_STR(SAN(""), "");
    MZ_CHECK(mz_text_sanitize(NULL, 5, (char[4]){0}, 4, 0) == 0);
}

static void test_sanitize_length_cap(void)
{
    /* é is two bytes: a cut never splits a character */
    MZ_CHECK_STR(sanitized("\xC3\xA9\xC3\xA9\xC3\xA9", 6, 1024, 5), "\xC3\xA9\xC3\xA9");
    MZ_CHECK_STR(sanitized("\xC3\xA9\xC3\xA9\xC3\xA9", 6, 4, 0), "\xC3\xA9");
    MZ_CHECK_STR(sanitized("ab \xF0\x9F\x98\x80", 7, 1024, 6), "ab"); /* no trailing space */
    MZ_CHECK_STR(sanitized("abc", 3, 1, 0), "");
    char many[400];
    memset(many, 'a', sizeof many);
    MZ_CHECK(strlen(sanitized(many, sizeof many, 1024, 0)) == MZ_TEXT_DEFAULT_MAX);
    MZ_CHECK(strlen(sanitized(many, sizeof many, 1024, 300)) == 300);
}

static const char *folded(const char *text)
{
    static char out[256];
    uint32_t w[MZ_TEXT_MAX_WORD];
    size_t pos = 0, n, o = 0;
    while ((n = mz_text_next_word((const unsigned char *)text, strlen(text), &pos, w)) > 0) {
        if (o > 0) out[o++] = ' ';
        for (size_t i = 0; i < n; i++)
            o += (size_t)snprintf(out + o, sizeof out - o, w[i] < 0x80 ? "%c" : "<%X>",
                                  (unsigned)w[i]);
    }
    out[o] = '\0';
    return out;
}

/* Text for a terminal: what sanitising would drop shows as an escape. */
static void test_escape(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain, caf\xc3\xa9 \xe2\x9c\x93", "plain, caf\xc3\xa9 \xe2\x9c\x93"},
        {"\x1b]0;title\x07", "\\x1b]0;title\\x07"},
        {"a\nb\rc\td", "a\\nb\\rc\\td"},
        {"back\\slash", "back\\\\slash"},
        {"\xc2\x9b" "2J \xe2\x80\xae \xe2\x80\x8b", "\\u009b2J \\u202e \\u200b"},
        {"\xf3\xa0\x80\x81", "\\U000e0001"},           /* a tag character */
        {"\xff\xc3(\xed\xa0\x80", "\\xff\\xc3(\\xed\\xa0\\x80"}, /* invalid, byte by byte */
        {"\xef\xbf\xbd", "\xef\xbf\xbd"},              /* U+FFFD itself is text */
        {"\x7f", "\\x7f"},
    };
    char out[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = mz_text_escape(cases[i].in, strlen(cases[i].in), out, sizeof out);
        MZ_CHECK_STR(out, cases[i].out);
        MZ_CHECK(n == strlen(cases[i].out));
    }
    /* A NUL inside the text is shown, not an end. */
    MZ_CHECK(mz_text_escape("a\0b", 3, out, sizeof out) == 6);
    MZ_CHECK_STR(out, "a\\x00b");
    /* Like snprintf: cut to the buffer, the full length returned. */
    MZ_CHECK(mz_text_escape("\x1b\x1b", 2, out, 6) == 8);
    MZ_CHECK_STR(out, "\\x1b\\");
    MZ_CHECK(mz_text_escape("abc", 3, NULL, 0) == 3);
}

static void test_fold(void)
{
    MZ_CHECK_STR(folded("CLIMB the Lighthouse!!"), "climb the lighthouse");
    MZ_CHECK_STR(folded("ÀÉÎÕÜ çñ Straße Æon Œuvre Ĳ Łódź ŞĞİ ž"),
                 "aeiou cn strasse aeon oeuvre ij lodz sgi z");
    MZ_CHECK_STR(folded("don't lighthouse\xE2\x80\x99s well-lit"), "dont lighthouses well lit");
    MZ_CHECK_STR(folded("e\xCC\x81t\xC3\xA9"), "ete");      /* combining accent */
    MZ_CHECK_STR(folded("\xEF\xBC\xA8\xEF\xBD\x89"), "hi"); /* fullwidth */
    MZ_CHECK_STR(folded("a\xF0\x9F\x98\x80"
                        "b\xE2\x80\x94"
                        "c"),
                 "a b c"); /* emoji, dash */
    MZ_CHECK_STR(folded("ΣΟΦΊΑ σοφός"), "<3C3><3BF><3C6><3B9><3B1> <3C3><3BF><3C6><3BF><3C3>");
    MZ_CHECK_STR(folded("ЖЁЛТЫЙ Ѓ Ѣ Ӂ"), "<436><435><43B><442><44B><439> <453> <463> <4C2>");
}

static const char *stem(const char *word)
{
    static char out[MZ_TEXT_MAX_WORD + 1];
    uint32_t w[MZ_TEXT_MAX_WORD];
    size_t n = strlen(word);
    for (size_t i = 0; i < n; i++)
        w[i] = (unsigned char)word[i];
    n = mz_text_stem(w, n);
    for (size_t i = 0; i < n; i++)
        out[i] = (char)w[i];
    out[n] = '\0';
    return out;
}

static void test_stem(void)
{
    MZ_CHECK_STR(stem("climbing"), "climb");
    MZ_CHECK_STR(stem("climbed"), "climb");
    MZ_CHECK_STR(stem("climbs"), "climb");
    MZ_CHECK_STR(stem("climb"), "climb");
    MZ_CHECK_STR(stem("stairs"), "stair");
    MZ_CHECK_STR(stem("going"), "go");
    MZ_CHECK_STR(stem("went"), "go");
    MZ_CHECK_STR(stem("running"), "run");
    MZ_CHECK_STR(stem("taking"), stem("take"));
    MZ_CHECK_STR(stem("ponies"), stem("pony"));
    MZ_CHECK_STR(stem("boxes"), stem("box"));
    MZ_CHECK_STR(stem("lighthouses"), stem("lighthouse"));
    MZ_CHECK_STR(stem("opened"), "open");
    MZ_CHECK_STR(stem("sing"), "sing"); /* no vowel left before -ing */
    MZ_CHECK_STR(stem("up"), "up");
}

static mz_lexicon *lighthouse_lexicon(void)
{
    mz_lexicon *lx = mz_lexicon_create();
    MZ_CHECK(lx != NULL);
    const char *climb[] = {"ascend", "go up"};
    const char *descend[] = {"go down", "climb down"};
    MZ_CHECK(mz_lexicon_add_synonyms(lx, "climb", climb, 2));
    MZ_CHECK(mz_lexicon_add_synonyms(lx, "descend", descend, 2));
    return lx;
}

static float score(const mz_lexicon *lx, const char *pattern, const char *text)
{
    mz_pattern *p = mz_pattern_compile(lx, pattern);
    mz_utterance *u = mz_utterance_make(lx, text);
    MZ_CHECK(p && u);
    float s = p && u ? mz_pattern_score(p, u) : -1;
    mz_pattern_destroy(p);
    mz_utterance_destroy(u);
    return s;
}

/* Index of the pattern that wins for text, or -1. */
static int best(const mz_lexicon *lx, const char *const *patterns, size_t n, const char *text)
{
    mz_pattern *p[8];
    for (size_t i = 0; i < n; i++)
        p[i] = mz_pattern_compile(lx, patterns[i]);
    mz_utterance *u = mz_utterance_make(lx, text);
    float s = -1;
    int b = mz_match_best((const mz_pattern *const *)p, n, u, 0, &s);
    MZ_CHECK(s >= 0 && s <= 1);
    for (size_t i = 0; i < n; i++)
        mz_pattern_destroy(p[i]);
    mz_utterance_destroy(u);
    return b;
}

static void test_match_lighthouse(void)
{
    mz_lexicon *lx = lighthouse_lexicon();
    static const char *const yes[] = {
        "CLIMB the lighthouse!!",
        "climbing up",
        "clmb lighthouse",
        "I want to climb up to the lighthouse",
        "ascend the tower",
        "Go up to the lighthouse",
        "climbed",
        "the LIGHTHOUSE, climb it",
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        float s = score(lx, "climb lighthouse", yes[i]);
        MZ_CHECK_MSG(s >= MZ_MATCH_THRESHOLD && s <= 1, "\"%s\" scored %.3f", yes[i], s);
    }
    MZ_CHECK(score(lx, "climb lighthouse", "CLIMB the lighthouse!!") == 1.0f);
    MZ_CHECK(score(lx, "climb lighthouse", "clmb lighthouse") < 1.0f); /* a typo costs a little */
    static const char *const no[] = {"hello there", "eat soup", "",       "!!!",
                                     "the a to",    "lie",      "look up"};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        float s = score(lx, "climb lighthouse", no[i]);
        MZ_CHECK_MSG(s >= 0 && s < MZ_MATCH_THRESHOLD, "\"%s\" scored %.3f", no[i], s);
    }
    mz_lexicon_destroy(lx);
}

static void test_match_directions(void)
{
    mz_lexicon *lx = lighthouse_lexicon();
    const char *const ns[] = {"go north", "go south"};
    MZ_CHECK(best(lx, ns, 2, "go north") == 0);
    MZ_CHECK(best(lx, ns, 2, "Go South!") == 1);
    MZ_CHECK(best(lx, ns, 2, "south") == 1);
    MZ_CHECK(best(lx, ns, 2, "let's go nort") == 0); /* typo */
    MZ_CHECK(best(lx, ns, 2, "go") == -1);           /* says neither */
    MZ_CHECK(best(lx, ns, 2, "go east") == -1);
    const char *const ud[] = {"climb", "descend"};
    MZ_CHECK(best(lx, ud, 2, "climbing down the stairs") == 1); /* longest phrase wins */
    MZ_CHECK(best(lx, ud, 2, "going up") == 0);
    MZ_CHECK(best(lx, ud, 2, "go down") == 1);
    MZ_CHECK(best(lx, ud, 2, "climb") == 0);
    mz_lexicon_destroy(lx);
}

static void test_match_longer_phrase_wins(void)
{
    mz_lexicon *lx = lighthouse_lexicon();
    const char *const a[] = {"climb", "climb lighthouse"};
    const char *const b[] = {"climb lighthouse", "climb"};
    MZ_CHECK(best(lx, a, 2, "climb the lighthouse") == 1);
    MZ_CHECK(best(lx, b, 2, "climb the lighthouse") == 0);
    MZ_CHECK(best(lx, a, 2, "climb") == 0);
    MZ_CHECK(best(lx, b, 2, "climb") == 1);
    const char *const doors[] = {"open door", "open red door"};
    MZ_CHECK(best(lx, doors, 2, "open the red door") == 1);
    MZ_CHECK(best(lx, doors, 2, "open the door") == 0);
    /* Equal scores go to the earliest pattern. */
    const char *const tie[] = {"climb tower", "climb lighthouse"};
    const char *const eit[] = {"climb lighthouse", "climb tower"};
    MZ_CHECK(best(lx, tie, 2, "climb") == 0);
    MZ_CHECK(best(lx, eit, 2, "climb") == 0);
    mz_lexicon_destroy(lx);
}

static void test_match_short_words_exact(void)
{
    mz_lexicon *lx = lighthouse_lexicon();
    MZ_CHECK(score(lx, "up", "up") == 1.0f);
    MZ_CHECK(score(lx, "up", "cup") == 0);
    MZ_CHECK(score(lx, "up", "upp") == 0);
    MZ_CHECK(score(lx, "cat", "car") == 0);
    MZ_CHECK(score(lx, "door", "dor") == 0);          /* 3 letters: no typo allowed */
    MZ_CHECK(score(lx, "dive", "give") == 0);         /* a short word's first letter: another word */
    MZ_CHECK(score(lx, "cave", "have a look") == 0);
    MZ_CHECK(score(lx, "lamp", "lmap") > 0.5f);       /* same first letter: a typo */
    MZ_CHECK(score(lx, "door", "doer") > 0.5f);       /* 4 letters: one */
    MZ_CHECK(score(lx, "door", "dear") == 0);         /* but not two */
    MZ_CHECK(score(lx, "lantern", "lentarn") > 0.5f); /* 7 letters: two */
    MZ_CHECK(score(lx, "north", "south") == 0);
    MZ_CHECK(score(lx, "three", "hello there") == 0); /* stop words are never typos */
    mz_lexicon_destroy(lx);
}

static void test_match_synonyms_and_stop_words(void)
{
    mz_lexicon *lx = lighthouse_lexicon();
    MZ_CHECK(score(lx, "ascend", "climb") == 1.0f); /* patterns are canonicalised too */
    MZ_CHECK(score(lx, "go up", "ascending") == 1.0f);
    MZ_CHECK(score(lx, "climb", "acsend") > 0.5f); /* a typo in a synonym */
    MZ_CHECK(score(lx, "climb", "look up") == 0);  /* "up" alone is not "go up" */
    /* A pattern of stop words only still matches them. */
    MZ_CHECK(score(lx, "go", "go") == 1.0f);
    const char *const p[] = {"go", "go north"};
    MZ_CHECK(best(lx, p, 2, "go north") == 1);
    MZ_CHECK(best(lx, p, 2, "go") == 0);
    MZ_CHECK(score(lx, "don't", "dont") == 1.0f);
    mz_lexicon_destroy(lx);
}

static void test_match_other_scripts(void)
{
    mz_lexicon *lx = lighthouse_lexicon();
    MZ_CHECK(score(lx, "καλημέρα", "ΚΑΛΗΜΕΡΑ!") == 1.0f);
    MZ_CHECK(score(lx, "привет мир", "ПРИВЕТ, МИР") == 1.0f);
    MZ_CHECK(score(lx, "ёлка", "Елка") == 1.0f);
    MZ_CHECK(score(lx, "привет", "прывет") > 0.5f); /* typo counted in letters, not bytes */
    MZ_CHECK(score(lx, "café crème", "CAFE CREME") == 1.0f);
    const char *const syn[] = {"подняться"};
    MZ_CHECK(mz_lexicon_add_synonyms(lx, "climb", syn, 1));
    MZ_CHECK(score(lx, "climb lighthouse", "подняться") >= 0.5f);
    mz_lexicon_destroy(lx);
}

/* A language's own stop words and Snowball stemmer: French verb forms
 * meet, elisions split, filler ignored; English keeps its own stemmer. */
static void test_match_french(void)
{
    mz_lexicon *fr = mz_lexicon_create_lang("fr");
    MZ_CHECK(fr != NULL);
    MZ_CHECK(score(fr, "ouvrir la porte", "ouvrez la porte") == 1.0f);
    MZ_CHECK(score(fr, "ouvrir la porte", "j'ouvre la porte, s'il vous plaît") == 1.0f);
    MZ_CHECK(score(fr, "monter l'escalier", "je veux monter les escaliers") == 1.0f);
    MZ_CHECK(score(fr, "monter l'escalier", "Monter l’escalier !") == 1.0f);
    MZ_CHECK(score(fr, "allumer la lampe", "allumez la lanterne") < 1.0f);
    MZ_CHECK(score(fr, "allumer la lampe", "chanter") < MZ_MATCH_THRESHOLD);
    /* The English lexicon reads French as unknown words: no such luck. */
    mz_lexicon *en = mz_lexicon_create_lang("en");
    MZ_CHECK(score(en, "ouvrir la porte", "ouvrez la porte") < 1.0f);
    MZ_CHECK(score(en, "climb lighthouse", "climbing the lighthouse") == 1.0f);
    mz_lexicon_destroy(en);
    mz_lexicon_destroy(fr);
    mz_lexicon *de = mz_lexicon_create_lang("de");
    MZ_CHECK(score(de, "die Tür öffnen", "ich möchte die Türen öffnen") == 1.0f);
    mz_lexicon_destroy(de);
    /* No stop words or stemmer for the language: whole folded words. */
    mz_lexicon *xx = mz_lexicon_create_lang("tlh");
    MZ_CHECK(xx != NULL);
    MZ_CHECK(score(xx, "Qapla batlh", "qapla batlh") == 1.0f);
    mz_lexicon_destroy(xx);
}

/* A kiosk's guess at a first line's language: stop words, then scripts;
 * no clear winner is no guess. */
static int guess(const char *text, const char *const *langs, size_t n)
{
    return mz_text_guess_lang(text, strlen(text), langs, n);
}

static void test_guess_lang(void)
{
    const char *const three[] = {"en", "fr", "de"};
    MZ_CHECK(guess("je veux aller au phare", three, 3) == 1);
    MZ_CHECK(guess("Je voudrais monter l'escalier, s'il vous plaît", three, 3) == 1);
    MZ_CHECK(guess("I want to go to the lighthouse", three, 3) == 0);
    MZ_CHECK(guess("ich möchte zum Leuchtturm gehen", three, 3) == 2);
    MZ_CHECK(guess("lighthouse", three, 3) == -1); /* no filler: no guess */
    MZ_CHECK(guess("", three, 3) == -1);
    MZ_CHECK(guess("a", three, 3) == -1); /* "a" and "à": a tie */
    const char *const scripts[] = {"en", "ja", "ar", "zh"};
    MZ_CHECK(guess("灯台へ行きたい", scripts, 4) == 1); /* kana: Japanese, not Chinese */
    MZ_CHECK(guess("أريد الذهاب إلى المنارة", scripts, 4) == 2);
    MZ_CHECK(guess("我想去灯塔", scripts, 4) == -1); /* Han alone: Japanese or Chinese */
    MZ_CHECK(guess("ÿþ je  veux", three, 3) == 1); /* any bytes */
    MZ_CHECK(guess("the", three, 0) == -1);
}

static void test_errors(void)
{
    mz_lexicon *lx = lighthouse_lexicon();
    MZ_CHECK(mz_pattern_compile(lx, "!!! ...") == NULL);
    MZ_CHECK_HAS(mz_error(), "no words");
    const char *empty[] = {"ok", "?!"};
    MZ_CHECK(!mz_lexicon_add_synonyms(lx, "fine", empty, 2));
    MZ_CHECK_HAS(mz_error(), "synonyms of \"fine\"");
    MZ_CHECK(!mz_lexicon_add_blocked(lx, "two words"));
    MZ_CHECK_HAS(mz_error(), "one word");
    MZ_CHECK(!mz_lexicon_add_blocked(lx, "..."));
    MZ_CHECK(mz_pattern_score(NULL, NULL) == 0);
    MZ_CHECK(mz_match_best(NULL, 3, NULL, 0, NULL) == -1);
    mz_lexicon_destroy(lx);
}

static const char *moderated(const mz_lexicon *lx, const char *text, size_t *removed)
{
    static char out[512];
    *removed = mz_lexicon_moderate(lx, text, out, sizeof out);
    return out;
}

static void test_moderate(void)
{
    mz_lexicon *lx = lighthouse_lexicon();
    MZ_CHECK(mz_lexicon_add_blocked(lx, "bad"));
    MZ_CHECK(mz_lexicon_add_blocked(lx, "shoot"));
    MZ_CHECK(mz_lexicon_add_blocked(lx, "ass"));
    MZ_CHECK(mz_lexicon_add_blocked(lx, "Hell"));
    size_t n;
    MZ_CHECK_STR(moderated(lx, "  this is\tBAD  ", &n), "this is");
    MZ_CHECK(n == 1);
    MZ_CHECK_STR(moderated(lx, "baaaad idea b4d b@d! B.A.D so-bad bäd", &n), "idea");
    MZ_CHECK(n == 6);
    MZ_CHECK_STR(moderated(lx, "$h00t sh00000t 5hoot shot", &n), "shot");
    MZ_CHECK(n == 3);
    MZ_CHECK_STR(moderated(lx, "a55 asss as class pass", &n), "as class pass");
    MZ_CHECK(n == 2);
    MZ_CHECK_STR(moderated(lx, "he11 HELL heIl hello help", &n), "hello help");
    MZ_CHECK(n == 3);
    MZ_CHECK_STR(moderated(lx, "bads bad's baaads' shoots hells", &n), "");
    MZ_CHECK(n == 5);
    MZ_CHECK_STR(moderated(lx, "badge bald abad bread bass", &n), "badge bald abad bread bass");
    MZ_CHECK(n == 0);
    MZ_CHECK_STR(moderated(lx, "bad bad bad", &n), "");
    MZ_CHECK(n == 3);
    /* Output is sanitised too, and bounded by cap. */
    char small[8];
    MZ_CHECK(mz_lexicon_moderate(lx,
                                 "ok\x01 \xE2\x80\xAE"
                                 "fine bad words",
                                 small, sizeof small) == 0);
    MZ_CHECK_STR(small, "ok fine");
    mz_lexicon_destroy(lx);
}

static void test_lexicon_growth(void)
{
    /* Many entries: the word maps grow and keep every entry findable. */
    mz_lexicon *lx = mz_lexicon_create();
    char canon[32], alt[32];
    for (int i = 0; i < 500; i++) {
        snprintf(canon, sizeof canon, "canon%d", i);
        snprintf(alt, sizeof alt, "alt%d", i);
        const char *alts[] = {alt};
        MZ_CHECK(mz_lexicon_add_synonyms(lx, canon, alts, 1));
        snprintf(alt, sizeof alt, "blocked%d", i);
        MZ_CHECK(mz_lexicon_add_blocked(lx, alt));
    }
    MZ_CHECK(score(lx, "canon0", "alt0") == 1.0f);
    MZ_CHECK(score(lx, "canon499", "alt499") == 1.0f);
    MZ_CHECK(score(lx, "canon1", "alt250") == 0);
    size_t n;
    MZ_CHECK_STR(moderated(lx, "blocked7 ok blocked499", &n), "ok");
    mz_lexicon_destroy(lx);
}

int main(void)
{
    MZ_RUN(test_sanitize_invalid_utf8);
    MZ_RUN(test_sanitize_controls);
    MZ_RUN(test_sanitize_whitespace);
    MZ_RUN(test_sanitize_length_cap);
    MZ_RUN(test_escape);
    MZ_RUN(test_fold);
    MZ_RUN(test_stem);
    MZ_RUN(test_match_lighthouse);
    MZ_RUN(test_match_directions);
    MZ_RUN(test_match_longer_phrase_wins);
    MZ_RUN(test_match_short_words_exact);
    MZ_RUN(test_match_synonyms_and_stop_words);
    MZ_RUN(test_match_other_scripts);
    MZ_RUN(test_match_french);
    MZ_RUN(test_guess_lang);
    MZ_RUN(test_errors);
    MZ_RUN(test_moderate);
    MZ_RUN(test_lexicon_growth);
    return mz_test_finish();
}
