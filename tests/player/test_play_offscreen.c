/* The player's whole flow without X: SDL's event queue (SDL_PushEvent) drives
 * the same event handling, input line, story, generator, overlay and
 * composite as the window; the render target is headless and read back. */
#include "mz_error.h"
#include "mz_record.h"
#include "mz_test.h"
#include "mz_time.h"
#include "play_window.h"

#include <SDL.h>
#include <stdlib.h>
#include <sys/stat.h>

#define W 640
#define H 360

static mz_player *player;
static char dir[64] = "/tmp/mz_play_XXXXXX"; /* saves, screenshots, the trace */
static char trace_path[128];

static void type(const char *text)
{
    /* SDL_TEXTINPUT carries at most 31 bytes: long text comes in pieces,
     * cut between codepoints as SDL's own keyboard code does. */
    size_t n = strlen(text);
    for (size_t i = 0; i < n;) {
        size_t take = n - i < 31 ? n - i : 31;
        while (take > 0 && i + take < n && ((unsigned char)text[i + take] & 0xc0) == 0x80)
            take--;
        SDL_Event e = {.type = SDL_TEXTINPUT};
        memcpy(e.text.text, text + i, take);
        e.text.text[take] = '\0';
        SDL_PushEvent(&e);
        i += take;
    }
}

static void key_mod(SDL_Keycode sym, Uint16 mod)
{
    SDL_Event e = {.type = SDL_KEYDOWN};
    e.key.keysym.sym = sym;
    e.key.keysym.mod = mod;
    e.key.state = SDL_PRESSED;
    SDL_PushEvent(&e);
}

static void key(SDL_Keycode sym)
{
    key_mod(sym, 0);
}

/* Steps the player until the scene is `scene` with its first frame shown,
 * or `timeout_s` passes. */
static bool run_until_scene(const char *scene, double timeout_s)
{
    uint64_t t0 = mz_time_ns();
    uint64_t presented = 0;
    while (mz_time_ms_since(t0) < timeout_s * 1000) {
        if (!mz_player_step(player)) return false;
        if (!strcmp(mz_player_scene(player), scene) && mz_player_scene_shown(player)) {
            if (!presented)
                presented = mz_player_frames_presented(player);
            else if (mz_player_frames_presented(player) > presented + 3)
                return true;
        }
    }
    fprintf(stderr, "scene is '%s', waited for '%s'\n", mz_player_scene(player), scene);
    return false;
}

static void step(int n)
{
    for (int i = 0; i < n; i++)
        MZ_CHECK(mz_player_step(player));
}

static void run_for(double seconds)
{
    uint64_t t0 = mz_time_ns();
    while (mz_time_ms_since(t0) < seconds * 1000)
        MZ_CHECK(mz_player_step(player));
}

static long diff(const uint8_t *a, const uint8_t *b, int y0, int y1)
{
    long d = 0;
    for (size_t i = (size_t)y0 * W * 4; i < (size_t)y1 * W * 4; i++)
        d += abs(a[i] - b[i]);
    return d / ((long)(y1 - y0) * W);
}

/* Text on the band: pixels brighter than `level` in every channel, which
 * the dim painting does not have, in rows y0..y1 of a w-wide image. */
static int bright_in(const uint8_t *img, int w, int y0, int y1, int level)
{
    int n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < w; x++) {
            const uint8_t *p = img + ((size_t)y * w + x) * 4;
            n += p[0] > level && p[1] > level && p[2] > level;
        }
    return n;
}

static int bright(const uint8_t *img, int y0, int y1)
{
    return bright_in(img, W, y0, y1, 220);
}

static void test_flow(void)
{
    player = mz_player_create(&(mz_player_desc){.story = "stories/cellar",
                                                .width = W,
                                                .height = H,
                                                .gen_width = 320,
                                                .gen_height = 180,
                                                .play.trace = trace_path,
                                                .save_dir = dir,
                                                .volume = 0.5f,
                                                .offscreen = true});
    MZ_CHECK_MSG(player, "%s", mz_error());
    if (!player) return;
    MZ_CHECK(run_until_scene("stairs", 20));
    int w, h;
    uint8_t *first = mz_player_screenshot(player, &w, &h);
    MZ_CHECK(first && w == W && h == H);
    int band = mz_player_band_top(player);
    MZ_CHECK_MSG(band > H / 2 && band < H, "band top %d", band);
    if (!first || band <= 0) return;
    /* the caption is drawn: bright text in the band, none in the picture
     * just above it */
    MZ_CHECK_MSG(bright(first, band, H) > 100, "%d bright pixels in the band",
                 bright(first, band, H));
    MZ_CHECK(bright(first, band - 40, band) < bright(first, band, H) / 4);

    /* nothing matches: the story replies, the scene stays */
    type("sing a song");
    key(SDLK_RETURN);
    step(3);
    MZ_CHECK_STR(mz_player_scene(player), "stairs");
    MZ_CHECK(mz_player_turns(player) == 1);
    MZ_CHECK(mz_player_band_top(player) < band); /* the reply made the band taller */

    /* a match: a new scene, a new picture */
    type("go down the st");
    key(SDLK_BACKSPACE);
    type("tairs");
    key(SDLK_RETURN);
    MZ_CHECK(run_until_scene("cellar", 20));
    MZ_CHECK(mz_player_turns(player) == 2);
    double ms = mz_player_first_frame_ms(player);
    MZ_CHECK_MSG(ms > 0 && ms < 5000, "first frame %.1f ms", ms);
    run_for(1.5); /* the transition runs its course */
    uint8_t *second = mz_player_screenshot(player, &w, &h);
    MZ_CHECK(second);
    if (second) {
        long d = diff(first, second, 0, band - 10);
        MZ_CHECK_MSG(d > 3, "picture differs by %ld per pixel", d);
    }
    free(second);

    /* a 4 KB flood of random printable and UTF-8 text: the line caps it */
    char flood[4097];
    srand(11);
    for (int i = 0; i < 4096;) {
        if (rand() % 4 == 0 && i + 2 < 4096) {
            flood[i++] = (char)0xc3;
            flood[i++] = (char)(0xa0 + rand() % 16);
        } else {
            flood[i++] = (char)(32 + rand() % 95);
        }
    }
    flood[4096] = '\0';
    type(flood);
    step(3);
    MZ_CHECK_STR(mz_player_scene(player), "cellar");
    key(SDLK_RETURN); /* the gibberish goes to the story too and must not break it */
    step(3);
    MZ_CHECK(mz_player_turns(player) == 3);

    /* F1: the author's overlay appears top left */
    uint8_t *plain = mz_player_screenshot(player, &w, &h);
    key(SDLK_F1);
    step(2);
    uint8_t *author = mz_player_screenshot(player, &w, &h);
    MZ_CHECK(plain && author && diff(plain, author, 0, H / 4) > 5);
    MZ_CHECK(author && bright(author, 0, H / 4) > 100);
    key(SDLK_F1);
    free(plain);
    free(author);

    /* F12 writes a PNG into the save folder */
    key(SDLK_F12);
    step(1);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls %s/maze-*.png >/dev/null 2>&1", dir);
    MZ_CHECK(system(cmd) == 0);
    /* ...carrying its provenance, as exiftool reads it */
    snprintf(cmd, sizeof cmd,
             "exiftool -s3 -DigitalSourceType -Seed -Prompt %s/maze-*.png | tr '\\n' '|' | "
             "grep -Eq '^http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia\\|[0-9]+\\|.+'",
             dir);
    MZ_CHECK(system(cmd) == 0);

    /* F6 mutes and unmutes; F7/F8 step the volume (started at 0.5) */
    mz_audio *audio = mz_player_audio(player);
    MZ_CHECK(!mz_audio_muted(audio) && fabsf(mz_audio_volume(audio) - 0.5f) < 1e-4f);
    key(SDLK_F6);
    step(1);
    MZ_CHECK(mz_audio_muted(audio));
    key(SDLK_F6);
    key(SDLK_F8);
    key(SDLK_F8);
    step(1);
    MZ_CHECK(!mz_audio_muted(audio));
    MZ_CHECK_MSG(fabsf(mz_audio_volume(audio) - 0.7f) < 1e-4f, "volume %.3f",
                 (double)mz_audio_volume(audio));
    for (int i = 0; i < 12; i++)
        key(SDLK_F7);
    step(1);
    MZ_CHECK(mz_audio_volume(audio) == 0.0f);

    /* F5 saves in the cellar; the treasure is an ending; F9 goes back to
     * the cellar; the ending again, and Enter restarts the story */
    key(SDLK_F5);
    step(2);
    type("open the barrel");
    key(SDLK_RETURN);
    MZ_CHECK(run_until_scene("treasure", 20));
    key(SDLK_F9);
    MZ_CHECK(run_until_scene("cellar", 20));
    type("open barrel");
    key(SDLK_RETURN);
    MZ_CHECK(run_until_scene("treasure", 20));
    key(SDLK_RETURN);
    MZ_CHECK(run_until_scene("stairs", 20));
    MZ_CHECK(mz_player_turns(player) == 0);

    /* history brings the last line back; Ctrl+W deletes a word */
    type("hello there");
    key(SDLK_RETURN);
    step(3);
    MZ_CHECK_STR(mz_player_scene(player), "stairs");
    key(SDLK_UP);
    key_mod(SDLK_w, KMOD_LCTRL);
    type("descend"); /* "hello descend" */
    key(SDLK_RETURN);
    MZ_CHECK(run_until_scene("cellar", 20));

    /* Esc asks; Esc again stays; Esc + Enter quits cleanly */
    key(SDLK_ESCAPE);
    step(2);
    key(SDLK_ESCAPE);
    step(2);
    key(SDLK_ESCAPE);
    key(SDLK_RETURN);
    bool running = true;
    for (int i = 0; i < 5 && running; i++)
        running = mz_player_step(player);
    MZ_CHECK(!running);
    MZ_CHECK(!mz_player_failed(player));
    uint32_t errors = mz_player_validation_errors(player);
    MZ_CHECK_MSG(errors == 0, "%u validation errors", errors);
    free(first);
    mz_player_destroy(player);

    /* the trace has one line per turn, with first_frame_ms for scene changes */
    FILE *f = fopen(trace_path, "r");
    MZ_CHECK(f);
    if (!f) return;
    /* one line per turn; a scene change's line carries first_frame_ms
     * (input accepted -> first frame presented) */
    char line[8192];
    int turns = 0, cellar = 0;
    while (fgets(line, sizeof line, f)) {
        turns++;
        const char *ff = strstr(line, "\"first_frame_ms\":");
        double line_ms = ff ? atof(ff + strlen("\"first_frame_ms\":")) : 0;
        if (strstr(line, "\"scene\":\"cellar\",\"scene_changed\":true")) {
            MZ_CHECK_MSG(line_ms > 0 && line_ms < 5000, "%s", line);
            cellar++;
        }
    }
    fclose(f);
    /* begin, 3 inputs, 2 to the ending (a load is not a turn), begin, 2 */
    MZ_CHECK_MSG(turns == 9, "%d turns traced", turns);
    MZ_CHECK_MSG(cellar == 2, "%d changes to the cellar", cellar);
}

/* --load: the quick save made in the cellar starts the story there */
/* A small offscreen player for the tests that only follow the flow. */
static mz_player *small_player(const char *story, const char *load)
{
    mz_player *p = mz_player_create(&(mz_player_desc){.story = story,
                                                      .play.load = load,
                                                      .width = 320,
                                                      .height = 180,
                                                      .gen_width = 160,
                                                      .gen_height = 90,
                                                      .offscreen = true});
    MZ_CHECK_MSG(p, "%s", mz_error());
    return p;
}

/* Without a frame size, scenes are generated at the window's size (a
 * small window here, which a CPU holds at 24 fps). */
static void frames_are_generated_at_the_window_size(void)
{
    player = mz_player_create(&(mz_player_desc){
        .story = "stories/cellar", .width = 320, .height = 180, .offscreen = true});
    MZ_CHECK_MSG(player, "%s", mz_error());
    if (!player) return;
    MZ_CHECK(run_until_scene("stairs", 20));
    int w, h, dw, dh;
    mz_player_frame_size(player, &w, &h, &dw, &dh);
    MZ_CHECK_MSG(w == 320 && h == 180 && dw == 320 && dh == 180, "%dx%d drawn at %dx%d", w, h, dw,
                 dh);
    mz_player_destroy(player);
    player = NULL;
}

static void test_load(void)
{
    char save[160];
    snprintf(save, sizeof save, "%s/cellar.quicksave", dir);
    player = small_player("stories/cellar", save);
    if (!player) return;
    MZ_CHECK(run_until_scene("cellar", 20));
    mz_player_destroy(player);

    /* a save that is not there: a clear error, no player */
    player = mz_player_create(&(mz_player_desc){
        .story = "stories/cellar", .play.load = "/nonexistent/x.save", .offscreen = true});
    MZ_CHECK(player == NULL);
    MZ_CHECK_HAS(mz_error(), "x.save");
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    MZ_CHECK(f && fputs(text, f) >= 0);
    if (f) fclose(f);
}

/* F2 after an edit: a broken story is reported with file:line and the old
 * one plays on in the same scene; once mended, the edit shows. */
static void test_reload(void)
{
    char story_dir[600], story[700];
    snprintf(story_dir, sizeof story_dir, "%s/edited", dir);
    snprintf(story, sizeof story, "%s/story.lua", story_dir);
    MZ_CHECK(mkdir(story_dir, 0700) == 0);
    static const char *good =
        "story { title = \"Edited\", start = \"a\" }\n"
        "scene \"a\" { prompt = \"a forest at noon\", caption = \"Trees.\",\n"
        "  on = { { \"go on\", to = \"b\" } } }\n"
        "ending \"b\" { prompt = \"a desert at dusk\", caption = \"Sand.\" }\n";
    write_file(story, good);
    player = small_player(story_dir, NULL);
    if (!player) return;
    MZ_CHECK(run_until_scene("a", 20));

    write_file(story, "story { title = \"Edited\", start = \"a\" }\n"
                      "scene \"a\" { prompt = \"a forest\", on = { { \"go on\", to = } } }\n");
    key(SDLK_F2);
    step(1);
    MZ_CHECK_HAS(mz_player_notice(player), "Not reloaded");
    MZ_CHECK_HAS(mz_player_notice(player), "story.lua:2:");
    MZ_CHECK_STR(mz_player_scene(player), "a");
    run_for(3); /* longer than a notice shows: the error stays until the next turn */
    MZ_CHECK_HAS(mz_player_notice(player), "story.lua:2:");
    type("go on"); /* the old story still plays */
    key(SDLK_RETURN);
    MZ_CHECK(run_until_scene("b", 20));

    write_file(story, good);
    key(SDLK_F2);
    step(1);
    MZ_CHECK_STR(mz_player_notice(player), "Story reloaded");
    MZ_CHECK_STR(mz_player_scene(player), "b");
    mz_player_destroy(player);
}

/* --at and --set in the window, and Ctrl+Z takes a turn back. */
static void test_at_and_undo(void)
{
    static const char *const sets[] = {"candle=false"};
    player = mz_player_create(&(mz_player_desc){.story = "stories/cellar",
                                                .width = 320,
                                                .height = 180,
                                                .gen_width = 160,
                                                .gen_height = 90,
                                                .offscreen = true,
                                                .play.at = "cellar",
                                                .play.sets = sets,
                                                .play.set_count = 1});
    MZ_CHECK_MSG(player, "%s", mz_error());
    if (!player) return;
    MZ_CHECK(run_until_scene("cellar", 20));
    type("open the barrel"); /* candle=false: too dark, refused */
    key(SDLK_RETURN);
    step(2);
    MZ_CHECK_STR(mz_player_scene(player), "cellar");
    type("light the candle");
    key(SDLK_RETURN);
    type("open the barrel");
    key(SDLK_RETURN);
    MZ_CHECK(run_until_scene("treasure", 20));
    key_mod(SDLK_z, KMOD_LCTRL);
    MZ_CHECK(run_until_scene("cellar", 20));
    MZ_CHECK_STR(mz_player_notice(player), "Undone.");
    MZ_CHECK(mz_player_turns(player) == 2);
    mz_player_destroy(player);
}

/* F3 shows the live state; saving a story file reloads it by itself. */
static void test_inspector_and_watch(void)
{
    char story_dir[600], story[700];
    snprintf(story_dir, sizeof story_dir, "%s/watched", dir);
    snprintf(story, sizeof story, "%s/story.lua", story_dir);
    MZ_CHECK(mkdir(story_dir, 0700) == 0);
    static const char *v1 =
        "story { title = \"Watched\", start = \"a\", vars = { coins = 0 } }\n"
        "scene \"a\" { prompt = \"a forest at noon\", caption = \"Trees.\",\n"
        "  on = { { \"take a coin\", effect = function(s) s.coins = s.coins + 1 end },\n"
        "         { \"take the key\", effect = function(s) give(\"key\") end },\n"
        "         { \"go on\", to = \"b\" } } }\n"
        "ending \"b\" { prompt = \"a desert at dusk\", caption = \"Sand.\" }\n";
    write_file(story, v1);
    player = small_player(story_dir, NULL);
    if (!player) return;
    MZ_CHECK(run_until_scene("a", 20));
    MZ_CHECK(mz_player_inspector(player) == NULL);
    key(SDLK_F3);
    step(1);
    MZ_CHECK_HAS(mz_player_inspector(player), "vars    {\"coins\"=0}");
    MZ_CHECK_HAS(mz_player_inspector(player), "visits  a 1");
    type("take a coin");
    key(SDLK_RETURN);
    type("take the key");
    key(SDLK_RETURN);
    step(2);
    MZ_CHECK_HAS(mz_player_inspector(player), "vars    {\"coins\"=1}");
    MZ_CHECK_HAS(mz_player_inspector(player), "items   {\"key\"=true}");
    MZ_CHECK_HAS(mz_player_inspector(player), "match   \"take the key\"");
    MZ_CHECK_HAS(mz_player_inspector(player), "runner-up \"take a coin\"");

    /* Saved in an editor: reloaded with no key pressed, state kept. */
    char edited[1200];
    snprintf(edited, sizeof edited, "%s", v1);
    char *caption = strstr(edited, "Trees.");
    if (caption) memcpy(caption, "Pines.", 6);
    write_file(story, edited);
    for (int i = 0; i < 200 && !strstr(mz_player_notice(player), "reloaded"); i++)
        step(1);
    MZ_CHECK_STR(mz_player_notice(player), "Story reloaded");
    MZ_CHECK_STR(mz_player_caption(player), "Pines."); /* the edit shows at once */
    MZ_CHECK_HAS(mz_player_inspector(player), "vars    {\"coins\"=1}");
    key(SDLK_F3);
    step(1);
    MZ_CHECK(mz_player_inspector(player) == NULL);
    mz_player_destroy(player);
}

static void test_picker(void)
{
    mz_player *p = small_player(NULL, NULL); /* no story: the picker */
    if (!p) return;
    player = p;
    step(2);
    MZ_CHECK_STR(mz_player_scene(p), ""); /* picking, not playing */
    key(SDLK_DOWN);
    key(SDLK_UP);
    key(SDLK_RETURN); /* the first in name order: stories/cellar */
    MZ_CHECK(run_until_scene("stairs", 20));
    mz_player_destroy(p);
}

/* The recording dot: saturated red pixels in the top-left corner. */
static int red_dots(const uint8_t *img, int w, int h)
{
    int n = 0;
    for (int y = 0; y < h / 4; y++)
        for (int x = 0; x < w / 3; x++) {
            const uint8_t *p = img + ((size_t)y * w + x) * 4;
            n += p[0] > 200 && p[1] < 60 && p[2] < 60;
        }
    return n;
}

/* The disclosure label: light grey text on a dark plate, top left. */
static int label_pixels(const uint8_t *img, int w, int h)
{
    int n = 0;
    for (int y = 0; y < h / 8; y++)
        for (int x = 0; x < w / 2; x++) {
            const uint8_t *p = img + ((size_t)y * w + x) * 4;
            n += p[0] > 120 && abs(p[0] - p[1]) < 12 && abs(p[1] - p[2]) < 12;
        }
    return n;
}

/* The video's picture is what the viewer saw: at 0.5 s, a caption on the
 * band and the disclosure label, but not the recording indicator (decoded
 * by ffmpeg; before, the video held the generator's frames alone). */
static void video_shows_what_the_viewer_saw(const char *path, int band)
{
    char png[200], cmd[600];
    snprintf(png, sizeof png, "%s/play_0.5s.png", dir);
    snprintf(cmd, sizeof cmd, "ffmpeg -v error -y -ss 0.5 -i %s -frames:v 1 %s", path, png);
    MZ_CHECK_MSG(system(cmd) == 0, "%s", cmd);
    uint32_t w = 0, h = 0;
    uint8_t *img = mz_record_png_read(png, &w, &h);
    MZ_CHECK_MSG(img && w == 320 && h == 180, "%s: %ux%u", png, w, h);
    if (!img || w != 320 || h != 180 || band <= 0 || band >= (int)h) {
        free(img);
        return;
    }
    /* (200, not 220: the encoder softens the letters' edges) */
    int text = bright_in(img, (int)w, band, (int)h, 200);
    int above = bright_in(img, (int)w, band - 30, band, 200);
    printf("  the video at 0.5 s: %d bright pixels in the band, %d above it, %d label pixels, %d "
           "red\n",
           text, above, label_pixels(img, (int)w, (int)h), red_dots(img, (int)w, (int)h));
    MZ_CHECK_MSG(text > 60 && above < text / 4, "the caption: %d bright pixels in the band, %d above",
                 text, above);
    MZ_CHECK_MSG(label_pixels(img, (int)w, (int)h) > 40, "the disclosure: %d label pixels",
                 label_pixels(img, (int)w, (int)h));
    MZ_CHECK_MSG(red_dots(img, (int)w, (int)h) == 0, "the indicator is in the video: %d red pixels",
                 red_dots(img, (int)w, (int)h));
    free(img);
}

/* --video records from the start, with the indicator on screen; F10 stops
 * it. The file has the picture as the viewer saw it, the sound and the
 * subtitles of the play. */
static void test_video(void)
{
    char path[160], cmd[600];
    snprintf(path, sizeof path, "%s/play.mp4", dir);
    player = mz_player_create(&(mz_player_desc){.story = "stories/cellar",
                                                .width = 320,
                                                .height = 180,
                                                .gen_width = 320,
                                                .gen_height = 180,
                                                .offscreen = true,
                                                .play.video = path});
    MZ_CHECK_MSG(player, "%s", mz_error());
    if (!player) return;
    MZ_CHECK(mz_player_recording(player));
    MZ_CHECK(run_until_scene("stairs", 20));
    int w, h;
    uint8_t *rec = mz_player_screenshot(player, &w, &h);
    MZ_CHECK_MSG(rec && red_dots(rec, w, h) > 10, "%d red pixels", rec ? red_dots(rec, w, h) : -1);
    MZ_CHECK_MSG(rec && label_pixels(rec, w, h) > 40, "%d label pixels",
                 rec ? label_pixels(rec, w, h) : -1);
    int band = mz_player_band_top(player); /* the video's overlay is drawn at the same size */
    free(rec);
    type("descend");
    key(SDLK_RETURN);
    MZ_CHECK(run_until_scene("cellar", 20));
    run_for(1.0);
    key(SDLK_F10);
    step(2);
    MZ_CHECK(!mz_player_recording(player));
    MZ_CHECK_HAS(mz_player_notice(player), "Video saved: ");
    uint8_t *after = mz_player_screenshot(player, &w, &h);
    MZ_CHECK(after && red_dots(after, w, h) == 0);
    free(after);
    mz_player_destroy(player);

    snprintf(cmd, sizeof cmd,
             "ffprobe -v error -show_entries stream=codec_type -of csv=p=0 %s | sort | tr '\\n' ' ' "
             "| grep -q '^audio subtitle video $'", path);
    MZ_CHECK_MSG(system(cmd) == 0, "streams");
    snprintf(cmd, sizeof cmd,
             "ffmpeg -v error -i %s -map 0:s -f srt - | tr '\\n' ' ' | "
             "grep -q 'smell of damp.*> descend.*Barrels line the walls'", path);
    MZ_CHECK_MSG(system(cmd) == 0, "subtitles");
    /* not silent: the cellar's drips and room tone */
    snprintf(cmd, sizeof cmd,
             "ffmpeg -v info -i %s -map 0:a -af volumedetect -f null - 2>&1 | "
             "grep -Eq 'mean_volume: -([1-4][0-9]|[0-9])\\.'", path);
    MZ_CHECK_MSG(system(cmd) == 0, "the soundtrack is silent");
    video_shows_what_the_viewer_saw(path, band);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(trace_path, sizeof trace_path, "%s/trace", dir);
    MZ_RUN(test_flow);
    MZ_RUN(test_load);
    MZ_RUN(frames_are_generated_at_the_window_size);
    MZ_RUN(test_reload);
    MZ_RUN(test_at_and_undo);
    MZ_RUN(test_inspector_and_watch);
    MZ_RUN(test_picker);
    MZ_RUN(test_video);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return mz_test_finish();
}
