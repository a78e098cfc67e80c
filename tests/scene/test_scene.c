/* The prompt interpreter: what words do, the documented rules, and that any
 * bytes are safe. */
#include "mz_error.h"
#include "mz_scene_interp.h"
#include "mz_test.h"

#include <stdint.h>
#include <stdlib.h>

static mz_scene_params interp(const char *prompt)
{
    mz_scene_params p;
    memset(&p, 0xAB, sizeof p); /* garbage: interpret must fill every field */
    MZ_CHECK(mz_scene_interpret(NULL, prompt, NULL, &p, NULL));
    return p;
}

static float hours_from(float h, float target)
{
    float d = fabsf(h - target);
    return d > 12 ? 24 - d : d;
}

static bool same_params(const mz_scene_params *a, const mz_scene_params *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

static void builtin_matches_the_file(void)
{
    mz_scene_lexicon *file = mz_scene_lexicon_load("assets/lexicon/lexicon.txt");
    MZ_CHECK_MSG(file, "%s", mz_error());
    const mz_scene_lexicon *builtin = mz_scene_lexicon_builtin();
    MZ_CHECK(mz_scene_lexicon_size(builtin) > 600);
    MZ_CHECK(mz_scene_lexicon_size(file) == mz_scene_lexicon_size(builtin));
    /* The same words do the same things with either. */
    const char *prompt = "a stormy night at sea, heavy rain, the lighthouse beam";
    mz_scene_params a, b;
    MZ_CHECK(mz_scene_interpret(file, prompt, NULL, &a, NULL));
    MZ_CHECK(mz_scene_interpret(builtin, prompt, NULL, &b, NULL));
    MZ_CHECK(same_params(&a, &b));
    mz_scene_lexicon_destroy(file);
}

static void time_of_day(void)
{
    MZ_CHECK(hours_from(interp("night").time_of_day, 0) <= 2);
    MZ_CHECK(hours_from(interp("midnight").time_of_day, 0) < 0.01f);
    MZ_CHECK(hours_from(interp("noon").time_of_day, 12) < 0.5f);
    MZ_CHECK(hours_from(interp("Dawn").time_of_day, 6) < 1);
    MZ_CHECK(hours_from(interp("sunset").time_of_day, 19) < 1);
    mz_scene_params night = interp("night");
    MZ_CHECK(night.light[MZ_LIGHT_SUN] == 0);
    MZ_CHECK(night.light[MZ_LIGHT_MOON] > 0);
}

static void snow(void)
{
    mz_scene_params p = interp("snow");
    MZ_CHECK(p.snow > 0.3f);
    MZ_CHECK(p.setting == MZ_SETTING_SNOW);
    p = interp("snowing in the city");
    MZ_CHECK(p.snow > 0.3f);
    MZ_CHECK(p.setting == MZ_SETTING_CITY); /* named beats implied */
    MZ_CHECK(p.setting2 == MZ_SETTING_SNOW && p.setting2_weight > 0);
    MZ_CHECK(interp("tundra").setting == MZ_SETTING_SNOW);
}

static void colours(void)
{
    mz_scene_params p = interp("red sunset");
    MZ_CHECK(p.tint_weight > 0.3f);
    MZ_CHECK(p.tint.r > 2 * p.tint.g && p.tint.r > 2 * p.tint.b);
    MZ_CHECK(hours_from(p.time_of_day, 19) < 1);
    p = interp("blue morning");
    MZ_CHECK(p.tint.b > p.tint.r && p.tint_weight > 0.3f);
    /* A sunset alone implies its own warm tint. */
    p = interp("sunset");
    MZ_CHECK(p.tint_weight > 0 && p.tint.r > p.tint.b);
    /* A colour on a thing the lexicon doesn't know describes the thing: weak,
     * and it does not override the scene's own colour words. */
    MZ_CHECK(interp("a woman in a red dress").tint_weight < interp("red sky").tint_weight / 2);
    MZ_CHECK(interp("a woman in a red dress").tint.r > 0.5f);
    MZ_CHECK(interp("a blue dawn, a red dress").tint.b > 0.5f);
    MZ_CHECK(interp("a bright hall, a black cat").brightness > 1);
    MZ_CHECK(interp("the hall is black").brightness < 0.5f);
    MZ_CHECK(interp("monochrome").saturation == 0);
    MZ_CHECK(interp("vivid").saturation > 1.2f);
    MZ_CHECK(interp("very vivid").saturation > interp("vivid").saturation);
}

static void negation_and_intensity(void)
{
    MZ_CHECK(interp("no rain").rain == 0);
    MZ_CHECK(interp("storm, no rain").rain == 0);
    MZ_CHECK(interp("without clouds").cloud == 0);
    mz_scene_params p = interp("not stormy");
    MZ_CHECK(p.storm == 0);
    float heavy = interp("heavy rain").rain, plain = interp("rain").rain,
          light = interp("light rain").rain;
    MZ_CHECK(heavy > plain && plain > light && light > 0);
    MZ_CHECK(interp("a little rain").rain < light);
    MZ_CHECK(interp("very heavy rain").rain >= heavy);
    MZ_CHECK(interp("raining").rain == plain);
    MZ_CHECK(interp("Rain").rain == plain);
    /* Negation reaches past a few words, not further, and "or" carries it. */
    MZ_CHECK(interp("no more of the rain").rain == 0);
    MZ_CHECK(interp("no rain or fog").fog == 0);
    MZ_CHECK(interp("no rain, fog").fog > 0);
    MZ_CHECK(interp("fog and no rain").fog > 0);
    /* A modifier does not leak across a comma. */
    MZ_CHECK(interp("heavy, rain").rain == plain);
    /* A negated setting does not choose a setting. */
    MZ_CHECK(interp("no forest").setting == MZ_SETTING_PLAIN);
    /* Camera speed scales and keeps its direction. */
    p = interp("slow pan left");
    MZ_CHECK(p.camera == MZ_CAMERA_PAN && p.camera_speed < 0 && p.camera_speed > -1);
    MZ_CHECK(interp("pan right").camera_speed > 0);
    MZ_CHECK(interp("pull back").camera == MZ_CAMERA_DOLLY);
    MZ_CHECK(interp("pull back").camera_speed < 0);
    MZ_CHECK(interp("static shot").camera == MZ_CAMERA_STILL);
}

/* Subjects: kinds, colours from the description (not the scene's), pose,
 * place, build; the same named one is one subject; unknown words are kept. */
static void subjects_from_the_description(void)
{
    const char *prompt = "a low room, an old keeper with a white beard and a yellow oilskin coat "
                         "slumped in a chair, a shaggy grey sheepdog with one torn ear asleep by "
                         "the fire, the keeper's lantern on the table";
    mz_scene_params p;
    mz_scene_trace why;
    MZ_CHECK(mz_scene_interpret(NULL, prompt, NULL, &p, &why));
    MZ_CHECK(p.subject_count == 3);
    const mz_subject *k = &p.subject[0], *d = &p.subject[1], *l = &p.subject[2];
    MZ_CHECK(k->kind == MZ_SUBJECT_PERSON && k->pose == MZ_POSE_SEATED && k->beard > 0);
    MZ_CHECK(k->colour.r == 1.0f && k->colour.b < 0.3f); /* yellow coat */
    MZ_CHECK(k->hair.r == 1.0f && k->hair.g == 1.0f);    /* white beard */
    MZ_CHECK(k->entity == mz_scene_entity_seed("keeper"));
    MZ_CHECK(d->kind == MZ_SUBJECT_DOG && d->pose == MZ_POSE_LYING && d->place == MZ_PLACE_FIRE);
    MZ_CHECK(d->colour.r == 0.5f && d->colour.g == 0.5f); /* grey */
    MZ_CHECK(l->kind == MZ_SUBJECT_LANTERN && l->place == MZ_PLACE_TABLE);
    /* The colour words went to the subjects, not to the scene. */
    MZ_CHECK(p.tint_weight == 0 && p.saturation == 1.0f);
    /* "shaggy", "torn" are not understood, and the trace says so. */
    bool shaggy = false, torn = false;
    for (int i = 0; i < why.unknown && i < MZ_SCENE_TRACE_MAX; i++) {
        shaggy |= !strncmp(prompt + why.unknown_word[i].offset, "shaggy", why.unknown_word[i].length);
        torn |= !strncmp(prompt + why.unknown_word[i].offset, "torn", why.unknown_word[i].length);
    }
    MZ_CHECK(shaggy && torn);
    /* Build and size words are for the subject named next; the same entity
     * named twice is one subject. */
    p = interp("a stout fisherman, a small black cat, the fisherman again");
    MZ_CHECK(p.subject_count == 2 && p.subject[0].build > 0.8f && p.subject[1].size < 1);
    MZ_CHECK(p.subject[1].kind == MZ_SUBJECT_CAT && p.subject[1].colour.r < 0.1f);
    MZ_CHECK(p.brightness == 1.0f); /* "black" was the cat's */
    /* "no dog" draws no dog; subjects fade over a change, halfway each way. */
    MZ_CHECK(interp("a room, no dog").subject_count == 0);
    mz_scene_params a = interp("a dog"), b = interp("a cat");
    MZ_CHECK(mz_scene_params_mix(&a, &b, 0.25f).subject[0].kind == MZ_SUBJECT_DOG);
    MZ_CHECK(mz_scene_params_mix(&a, &b, 0.25f).subject[0].presence == 0.5f);
    MZ_CHECK(mz_scene_params_mix(&a, &b, 0.75f).subject[0].kind == MZ_SUBJECT_CAT);
}

static void unknown_words_give_the_default(void)
{
    mz_scene_params d = mz_scene_params_default(), p;
    mz_scene_trace why;
    MZ_CHECK(mz_scene_interpret(NULL, "flibber quux zorp", NULL, &p, &why));
    MZ_CHECK(same_params(&p, &d));
    MZ_CHECK(why.unknown == 3 && why.count == 0);
    p = interp("");
    MZ_CHECK(same_params(&p, &d));
    /* Modifiers and negators with nothing to act on change nothing. */
    p = interp("very heavy no not");
    MZ_CHECK(same_params(&p, &d));
    /* A base other than the default is kept where no word speaks. */
    mz_scene_params base = interp("forest at dusk");
    MZ_CHECK(mz_scene_interpret(NULL, "zorp rain", &base, &p, NULL));
    MZ_CHECK(p.setting == MZ_SETTING_FOREST && p.time_of_day == base.time_of_day && p.rain > 0);
    MZ_CHECK(mz_scene_interpret(NULL, "zorp rain", &p, &p, NULL)); /* out may alias base */
}

static void phrases_beat_words(void)
{
    mz_scene_trace why;
    mz_scene_params p;
    MZ_CHECK(mz_scene_interpret(NULL, "the lighthouse beam", NULL, &p, &why));
    MZ_CHECK(p.light[MZ_LIGHT_BEAM] == 1); /* "lighthouse" alone implies a weaker beam */
    MZ_CHECK(interp("the lighthouse").light[MZ_LIGHT_BEAM] < 1);
    MZ_CHECK(why.count == 1);
    MZ_CHECK_STR(why.item[0].name, "lighthouse beam");
    /* It is the lighthouse's beam: the same entity. */
    MZ_CHECK(p.entity_seed[0] == mz_scene_entity_seed("lighthouse"));
    MZ_CHECK(interp("the sun rises").camera == MZ_CAMERA_DRIFT);
    MZ_CHECK(interp("the camera rises").camera == MZ_CAMERA_RISE);
    MZ_CHECK(interp("the moon").setting == MZ_SETTING_PLAIN);
    MZ_CHECK(interp("the moon").light[MZ_LIGHT_MOON] > 0);
    MZ_CHECK(interp("the surface of the moon").setting == MZ_SETTING_SPACE);
    MZ_CHECK(interp("moon surface").setting == MZ_SETTING_SPACE);
    MZ_CHECK(interp("panning left").camera_speed < 0);
}

static void entities_persist(void)
{
    mz_scene_params a = interp("the lighthouse at night");
    mz_scene_params b = interp("A storm breaks over the Lighthouse's rocks");
    uint32_t seed = mz_scene_entity_seed("lighthouse");
    MZ_CHECK(seed != 0);
    MZ_CHECK(a.entity_seed[0] == seed);
    MZ_CHECK(b.entity_seed[0] == seed);
    MZ_CHECK(mz_scene_entity_seed("lighthouse") == mz_scene_entity_seed("LightHouse"));
    MZ_CHECK(mz_scene_entity_seed("lighthouse") != mz_scene_entity_seed("keeper"));
    /* Synonyms share the entry's name, so one look. */
    MZ_CHECK(interp("the lighthouse keeper").entity_seed[0] == mz_scene_entity_seed("keeper"));
    /* Capitalised names mid-sentence; not a sentence's first word. */
    mz_scene_params c = interp("Walking, the keeper meets Mara and Old Tom by the sea");
    MZ_CHECK(c.entity_seed[0] == mz_scene_entity_seed("keeper"));
    MZ_CHECK(c.entity_seed[1] == mz_scene_entity_seed("mara"));
    MZ_CHECK(c.entity_seed[2] == mz_scene_entity_seed("old tom"));
    MZ_CHECK(c.entity_seed[3] == 0);
    MZ_CHECK(interp("Walking alone").entity_seed[0] == 0);
    MZ_CHECK(interp("no lighthouse").entity_seed[0] == 0);
    /* Named twice, seeded once; seeds never come from the base. */
    mz_scene_params d;
    MZ_CHECK(mz_scene_interpret(NULL, "lighthouse, lighthouses", &c, &d, NULL));
    MZ_CHECK(d.entity_seed[0] == seed && d.entity_seed[1] == 0);
}

static void later_words_override(void)
{
    MZ_CHECK(hours_from(interp("dawn, then night").time_of_day, 0) <= 2);
    MZ_CHECK(hours_from(interp("night, then dawn").time_of_day, 6) < 1);
    mz_scene_params p = interp("blue, no, red");
    MZ_CHECK(p.tint.r > p.tint.b);
    /* Explicit beats implied wherever it stands. */
    p = interp("sunset in red");
    MZ_CHECK(p.tint.r > 2 * p.tint.g);
    p = interp("clear sky, a storm");
    MZ_CHECK(p.storm > 0.5f);
    MZ_CHECK(interp("storm then clear sky").storm == 0);
    /* The last setting named leads; the one before is blended in. */
    p = interp("a forest by a lake");
    MZ_CHECK(p.setting == MZ_SETTING_LAKE && p.setting2 == MZ_SETTING_FOREST);
    MZ_CHECK(p.setting2_weight > 0 && p.setting2_weight < 0.5f);
    p = interp("sea");
    MZ_CHECK(p.setting == MZ_SETTING_SEA && p.setting2_weight == 0);
}

static void a_full_prompt(void)
{
    mz_scene_trace why;
    mz_scene_params p;
    MZ_CHECK(mz_scene_interpret(NULL,
                                "An eerie lighthouse on the cliffs at midnight, thick fog rolling "
                                "in from the sea; the keeper's lantern. Slow push in.",
                                NULL, &p, &why));
    MZ_CHECK(p.setting == MZ_SETTING_SEA && p.setting2 == MZ_SETTING_MOUNTAINS);
    MZ_CHECK(p.valence < -0.3f);
    MZ_CHECK(p.element[MZ_EL_TOWER] == 1 && p.element[MZ_EL_ROCKS] > 0);
    MZ_CHECK(p.light[MZ_LIGHT_BEAM] > 0 && p.light[MZ_LIGHT_LAMP] > 0);
    MZ_CHECK(p.fog > 0.65f);
    MZ_CHECK(p.camera == MZ_CAMERA_DOLLY && p.camera_speed > 0 && p.camera_speed < 1);
    MZ_CHECK(p.entity_seed[0] == mz_scene_entity_seed("lighthouse"));
    MZ_CHECK(p.entity_seed[1] == mz_scene_entity_seed("keeper"));
    char line[512];
    size_t n = mz_scene_params_describe(&p, line, sizeof line);
    MZ_CHECK(n == strlen(line));
    MZ_CHECK_HAS(line, "sea+mountains");
    MZ_CHECK_HAS(line, "fog ");
    MZ_CHECK_HAS(line, "cam dolly");
    printf("  %s\n", line);
    n = mz_scene_trace_describe(&why, line, sizeof line);
    MZ_CHECK(n == strlen(line));
    MZ_CHECK_HAS(line, "heavy x1.60>; fog [x1.60]"); /* "thick" is a "heavy" */
    printf("  %s\n", line);
    /* Truncation reports the full length, like snprintf. */
    char tiny[8];
    MZ_CHECK(mz_scene_params_describe(&p, tiny, sizeof tiny) > sizeof tiny);
    MZ_CHECK(strlen(tiny) == sizeof tiny - 1);
}

static void lexicon_errors_and_additions(void)
{
    const char *bad[][2] = {
        {"rain: rian=1", "lexicon:1: unknown key 'rian'"},
        {"# ok\n\nrain: rain=2", "lexicon:3: 2 is outside 0..1"},
        {"rain rain", "lexicon:1: expected"},
        {"a b c d e: rain=1", "more than 4 words"},
        {"r@in: rain=1", "'@' in a phrase"},
        {"rain: rain=1\nrain: fog=1", "lexicon:2: 'rain' is already defined"},
        {"heavy: intensity=2 rain=1", "cannot also have effects"},
        {"x: tint=1,0", "needs r,g,b"},
        {"x: setting=moon", "unknown value 'moon'"},
        {"x: rain=nan", "not a number"},
        {"x:", "no items"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        mz_scene_lexicon *lx = mz_scene_lexicon_parse(bad[i][0], strlen(bad[i][0]), "lexicon");
        MZ_CHECK_MSG(!lx, "%s", bad[i][0]);
        MZ_CHECK_HAS(mz_error(), bad[i][1]);
        mz_scene_lexicon_destroy(lx);
    }
    MZ_CHECK(!mz_scene_lexicon_load("/nonexistent/lexicon.txt"));
    MZ_CHECK_HAS(mz_error(), "/nonexistent/lexicon.txt");

    mz_scene_lexicon *lx = mz_scene_lexicon_load(NULL);
    MZ_CHECK(lx != NULL);
    MZ_CHECK(mz_scene_lexicon_add(lx, "mara: entity el.figures=0.6"));
    MZ_CHECK(mz_scene_lexicon_add(lx, "the old keeper: entity=keeper"));
    MZ_CHECK(mz_scene_lexicon_add(lx, "rain: snow=1")); /* replaces */
    MZ_CHECK(!mz_scene_lexicon_add(lx, "rain: snow=7"));
    mz_scene_params p;
    MZ_CHECK(mz_scene_interpret(lx, "Mara walks in the rain", NULL, &p, NULL));
    MZ_CHECK(p.entity_seed[0] == mz_scene_entity_seed("mara"));
    MZ_CHECK(p.element[MZ_EL_FIGURES] > 0.5f);
    MZ_CHECK(p.snow == 1 && p.rain == 0);
    MZ_CHECK(mz_scene_interpret(lx, "the Old Keeper", NULL, &p, NULL));
    MZ_CHECK(p.entity_seed[0] == mz_scene_entity_seed("keeper") && p.entity_seed[1] == 0);
    mz_scene_lexicon_destroy(lx);
    /* The shared built-in one is untouched. */
    MZ_CHECK(interp("rain").rain > 0);
    MZ_CHECK(!mz_scene_interpret(NULL, NULL, NULL, &p, NULL));
}

static uint32_t rng = 12345;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static bool params_sane(const mz_scene_params *p)
{
    const float *f[] = {&p->cloud, &p->rain, &p->snow,        &p->fog,
                        &p->storm, &p->wind, &p->tint_weight, &p->setting2_weight};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        if (!(*f[i] >= 0 && *f[i] <= 1)) return false;
    for (int i = 0; i < MZ_LIGHT_COUNT; i++)
        if (!(p->light[i] >= 0 && p->light[i] <= 1)) return false;
    for (int i = 0; i < MZ_EL_COUNT; i++)
        if (!(p->element[i] >= 0 && p->element[i] <= 1)) return false;
    return p->time_of_day >= 0 && p->time_of_day < 24 && (unsigned)p->setting < MZ_SETTING_COUNT &&
           (unsigned)p->setting2 < MZ_SETTING_COUNT && (unsigned)p->camera < MZ_CAMERA_COUNT &&
           p->saturation >= 0 && p->saturation <= 2 && p->valence >= -1 && p->valence <= 1 &&
           p->energy >= 0 && p->energy <= 1 && fabsf(p->camera_speed) <= 3;
}

/* Random bytes, and random mixes of real words with punctuation and junk:
 * every result stays in range and the trace stays consistent. */
static void robust_to_any_bytes(void)
{
    static const char *words[] = {"no",   "heavy",    "rain",  "lighthouse beam",
                                  "Mara", "a little", "or",    ",",
                                  ".",    "sea",      "night", "pan left",
                                  "very", "\xff\xfe", "'",     "keeper's",
                                  "ssss", "ing",      "y",     "The"};
    char buf[2048];
    bool sane = true;
    for (int iter = 0; iter < 20000 && sane; iter++) {
        size_t len = next() % (sizeof buf - 64);
        if (iter % 2) {
            for (size_t i = 0; i < len; i++)
                buf[i] = (char)(next() % 255 + 1);
            buf[len] = '\0';
        } else {
            size_t n = 0;
            while (n < len) {
                const char *w = words[next() % (sizeof words / sizeof *words)];
                size_t wl = strlen(w);
                memcpy(buf + n, w, wl);
                n += wl;
                buf[n++] = next() % 3 ? ' ' : (char)(next() % 255 + 1);
            }
            buf[n] = '\0';
        }
        mz_scene_params p;
        mz_scene_trace why;
        sane = mz_scene_interpret(NULL, buf, NULL, &p, &why) && params_sane(&p) &&
               why.count <= MZ_SCENE_TRACE_MAX;
        for (int i = 0; sane && i < why.count; i++)
            sane = why.item[i].offset + why.item[i].length <= strlen(buf);
        char line[96];
        sane = sane && mz_scene_trace_describe(&why, line, sizeof line) >= strlen(line);
    }
    MZ_CHECK(sane);
    /* A prompt longer than the word limit is cut, and says so. */
    char *big = malloc(MZ_SCENE_MAX_WORDS * 5 + 16);
    big[0] = '\0';
    for (int i = 0; i < MZ_SCENE_MAX_WORDS; i++)
        strcat(big, "sea ");
    strcat(big, "snow");
    mz_scene_trace why;
    mz_scene_params p;
    MZ_CHECK(mz_scene_interpret(NULL, big, NULL, &p, &why));
    MZ_CHECK(why.truncated && why.dropped > 0 && p.setting == MZ_SETTING_SEA);
    free(big);
    /* Random lexicon text is rejected or accepted, never crashes. */
    for (int iter = 0; iter < 2000; iter++) {
        size_t len = next() % 200;
        for (size_t i = 0; i < len; i++)
            buf[i] = "ab :=,.?#\n1-"[next() % 12];
        mz_scene_lexicon_destroy(mz_scene_lexicon_parse(buf, len, "fuzz"));
    }
}

int main(void)
{
    MZ_RUN(builtin_matches_the_file);
    MZ_RUN(time_of_day);
    MZ_RUN(snow);
    MZ_RUN(colours);
    MZ_RUN(negation_and_intensity);
    MZ_RUN(unknown_words_give_the_default);
    MZ_RUN(phrases_beat_words);
    MZ_RUN(entities_persist);
    MZ_RUN(later_words_override);
    MZ_RUN(a_full_prompt);
    MZ_RUN(subjects_from_the_description);
    MZ_RUN(lexicon_errors_and_additions);
    MZ_RUN(robust_to_any_bytes);
    return mz_test_finish();
}
