/* play_window — see play_window.h. */
#include "play_window.h"

#include "input_line.h"
#include "mz_error.h"
#include "mz_audio.h"
#include "mz_defaults.h"
#include "mz_gen.h"
#include "mz_gpu.h"
#include "mz_log.h"
#include "mz_provenance.h"
#include "mz_recorder.h"
#include "mz_record.h"
#include "mz_render.h"
#include "mz_session.h"
#include "gen_env.h"
#include "mz_time.h"
#include "overlay.h"
#include "story_questions.h"

#include <SDL.h>
#include <SDL_vulkan.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_STORIES 64
#define INPUT_IDLE_S 8.0 /* an untouched, empty input line starts fading after this */
#define INPUT_FADE_S 1.5
#define REPLY_SHOW_S 8.0
#define NOTICE_SHOW_S 2.5 /* "screenshot saved" and the like */

typedef enum mode {
    MODE_PICK, /* choosing a story */
    MODE_ASK,  /* its language, the viewer's questions (story_questions) */
    MODE_PLAY,
} mode;

struct mz_player {
    mz_player_desc desc;
    mode mode;
    bool quit, failed, confirm_quit, show_author, show_inspector;
    char inspector[3000]; /* the F3 text last drawn ("" when hidden) */
    float score;          /* the last turn's match score */
    int watch_fd;         /* inotify on the story folder (-1: none) */

    SDL_Window *window;
    mz_gpu *gpu;
    mz_render *render;
    mz_gen *gen;
    mz_overlay *overlay;
    int draw_w, draw_h;
    double refresh_hz;

    /* the story picker */
    char *stories[MAX_STORIES];
    int story_count, story_selected;
    char story_path[512];
    mz_questions *questions; /* before a story starts; NULL: none asked */
    char picked[512];        /* the story they are for */

    mz_session *session;
    mz_audio *audio;
    /* the video (--video, F10): opened at the first frame after it is asked for */
    bool video_on;
    mz_recorder *video;
    char video_path[700];
    uint64_t video_ns;
    int video_secs; /* shown on the indicator */
    int videos;
    bool narrate;
    bool restored; /* the next turn comes from a save: treat it as a scene change */
    char scene[128];
    char caption[2048];
    char reply[1024];
    char matched[256];
    char prompt[2048];
    char ending[128];
    bool ended;
    int turns;
    uint64_t reply_ns;

    mz_input_line input;
    uint64_t input_ns; /* last keystroke */

    /* frames and timing */
    uint64_t scene_id;     /* the session's last scene request */
    bool waiting_first;    /* the new scene's first frame is not on screen yet */
    bool scene_on_way;     /* ...but it has been handed to the renderer */
    uint64_t arrived_ns;   /* when that frame came out of the generator */
    double present_ms;     /* the last scene's first frame: arrival -> presented */
    uint64_t accepted_ns;  /* input accepted -> the first frame presented */
    double first_frame_ms; /* the last scene's */
    uint8_t *last_rgba;    /* the last frame taken from the generator (the ring's copy
                              is gone at the next poll) */
    mz_frame shown;        /* describes last_rgba; the session's conditioning points here */
    bool unreported;       /* shown is on screen but not yet reported to the session */
    int last_w, last_h;
    bool have_frame;
    uint64_t presented;
    uint64_t present_ns;
    uint64_t fps_ns;
    int fps_count; /* distinct frames presented since fps_ns */
    double fps;
    bool fresh; /* a frame from the generator not yet presented */
    int gen_w, gen_h; /* the size scenes are generated at now (adapt_size) */

    char notice[1024];
    uint64_t notice_ns;
    bool notice_kept; /* shown until the next turn, not NOTICE_SHOW_S (a broken reload) */
    char banner[1024]; /* the kiosk's card (mz_player_set_banner) */
    /* mz_player_set_viewer's */
    char viewer_lang[16], viewer_profile[512];
    const mz_qr *qr;   /* the audience page's code (mz_player_set_audience) */
    mz_qr_corner qr_corner;
    char qr_url[256], audience_line[600];
    uint64_t frames_taken;
    int screenshots;
    bool overlay_dirty;
    uint64_t overlay_ns;
    uint64_t start_ns;
};

static double secs_since(uint64_t ns)
{
    return mz_time_ms_since(ns) / 1000.0;
}

static void set_notice(mz_player *p, const char *msg)
{
    snprintf(p->notice, sizeof p->notice, "%s", msg);
    p->notice_ns = mz_time_ns();
    p->notice_kept = false;
    p->overlay_dirty = true;
}

/* ---- the video (--video FILE, F10) and the disclosure label ---- */

static const char *disclosure(const mz_player *p)
{
    return mz_provenance_disclosure(p->desc.play.no_disclosure, p->desc.play.disclosure,
                                    p->session ? mz_session_story(p->session) : NULL);
}

static void video_stop(mz_player *p)
{
    p->video_on = false;
    p->overlay_dirty = true;
    if (!p->video) return;
    mz_gen_stats st;
    mz_gen_stats_get(p->gen, &st);
    mz_record_video_stats vs;
    char msg[900];
    if (mz_recorder_close(p->video, st.backend, &vs))
        snprintf(msg, sizeof msg, "Video saved: %s (%llu frames, %llu dropped)", p->video_path,
                 (unsigned long long)vs.frames, (unsigned long long)vs.dropped);
    else
        snprintf(msg, sizeof msg, "Video: %s", mz_error());
    p->video = NULL;
    mz_log_info("%s", msg);
    set_notice(p, msg);
}

/* F10: the first recording goes to --video FILE, later ones beside the
 * screenshots. */
static void video_toggle(mz_player *p)
{
    if (p->video_on) {
        video_stop(p);
        return;
    }
    if (p->desc.play.video && !p->videos)
        snprintf(p->video_path, sizeof p->video_path, "%s", p->desc.play.video);
    else
        snprintf(p->video_path, sizeof p->video_path, "%s/maze-%lld-%d.mp4",
                 p->desc.save_dir ? p->desc.save_dir : ".", (long long)time(NULL), p->videos);
    p->videos++;
    p->video_on = true;
    p->video_ns = mz_time_ns();
    p->video_secs = 0;
    p->overlay_dirty = true;
}

static bool draw_overlay(mz_player *p);

/* The window's video is what its viewer sees: each frame shown, with the
 * overlay over it (captions, the input line, the disclosure label, notices)
 * drawn at the frame's size, less the recording indicator. */
static void video_frame(mz_player *p, const mz_frame *f)
{
    if (!p->video) {
        mz_provenance prov = {.off = p->desc.play.no_metadata};
        if (!prov.off && p->story_path[0]) mz_provenance_story(&prov, p->story_path);
        p->video = mz_recorder_open(&(mz_recorder_desc){
            .path = p->video_path,
            .width = (int)f->width,
            .height = (int)f->height,
            .fps = p->desc.play.fps,
            .realtime = true,
            .provenance = &prov,
            .title = p->session ? mz_story_title(mz_session_story(p->session)) : NULL,
            .generator = p->desc.play.generator,
            .seed = p->desc.play.seed,
            .narrate = p->narrate,
            .voice = p->session ? mz_story_lang(mz_session_story(p->session)) : NULL,
        });
        if (p->video && p->session) mz_recorder_turn(p->video, mz_session_turn(p->session));
        /* The video shows what the viewer sees from its first frame on. */
        p->overlay_dirty = true;
        if (p->video && !draw_overlay(p)) mz_log_warn("video: %s", mz_error());
    }
    if (!p->video || !mz_recorder_frame(p->video, f)) {
        char msg[800];
        snprintf(msg, sizeof msg, "Video stopped: %s", mz_error());
        mz_log_error("%s", msg);
        video_stop(p);
        set_notice(p, msg);
        return;
    }
    int secs = (int)(mz_time_ms_since(p->video_ns) / 1000.0);
    if (secs != p->video_secs) p->overlay_dirty = true;
    p->video_secs = secs;
}

/* ---- window and GPU ---- */

static bool make_surface(VkInstance instance, void *user, VkSurfaceKHR *out)
{
    if (SDL_Vulkan_CreateSurface(user, instance, out)) return true;
    return mz_fail("SDL_Vulkan_CreateSurface: %s", SDL_GetError());
}

static bool open_window(mz_player *p)
{
    const mz_player_desc *d = &p->desc;
    Uint32 flags = SDL_WINDOW_VULKAN | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
    if (d->fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    if (d->hidden) flags |= SDL_WINDOW_HIDDEN;
    p->window = SDL_CreateWindow("maze", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, d->width,
                                 d->height, flags);
    if (!p->window) return mz_fail("cannot open a window: %s", SDL_GetError());
    unsigned n = 0;
    if (!SDL_Vulkan_GetInstanceExtensions(p->window, &n, NULL))
        return mz_fail("SDL_Vulkan_GetInstanceExtensions: %s", SDL_GetError());
    const char **ext = calloc(n ? n : 1, sizeof *ext);
    if (!ext) return mz_fail("out of memory");
    SDL_Vulkan_GetInstanceExtensions(p->window, &n, ext);
    mz_gpu_desc gd = {.instance_extensions = ext,
                      .instance_extension_count = n,
                      .make_surface = make_surface,
                      .surface_user = p->window};
    p->gpu = mz_gpu_create(&gd);
    free(ext);
    if (!p->gpu) return false;
    SDL_Vulkan_GetDrawableSize(p->window, &p->draw_w, &p->draw_h);
    SDL_DisplayMode dm;
    if (SDL_GetCurrentDisplayMode(SDL_GetWindowDisplayIndex(p->window), &dm) == 0 &&
        dm.refresh_rate > 0)
        p->refresh_hz = dm.refresh_rate;
    SDL_StartTextInput();
    if (d->kiosk) SDL_ShowCursor(SDL_DISABLE);
    return true;
}

/* ---- the story ---- */

/* Takes what a turn says: the scene and its texts, and whether the session
 * sent the generator a new scene (its picture is then on its way). */
static void on_turn(const mz_story_turn *t, void *user)
{
    mz_player *p = user;
    if (p->video) mz_recorder_turn(p->video, t);
    bool changed = t->scene_changed || p->restored;
    p->restored = false;
    p->notice_kept = false;
    if (t->error) {
        /* The author sees where (file:line); the scene stays the last good one. */
        mz_log_error("%s", t->error);
        set_notice(p, t->error);
    }
    snprintf(p->matched, sizeof p->matched, "%s", t->matched ? t->matched : "");
    p->score = t->score;
    if (t->reply && *t->reply) {
        snprintf(p->reply, sizeof p->reply, "%s", t->reply);
        p->reply_ns = mz_time_ns();
    }
    p->overlay_dirty = true;
    uint64_t id = mz_session_scene_id(p->session);
    if (id != p->scene_id) {
        p->scene_id = id;
        p->waiting_first = true;
        p->scene_on_way = false;
        snprintf(p->prompt, sizeof p->prompt, "%s", t->prompt ? t->prompt : "");
    }
    if (!changed) return;
    snprintf(p->scene, sizeof p->scene, "%s", t->scene);
    snprintf(p->caption, sizeof p->caption, "%s", t->caption ? t->caption : "");
    p->ended = t->ended;
    snprintf(p->ending, sizeof p->ending, "%s", t->ending ? t->ending : "");
    if (!(t->reply && *t->reply)) p->reply[0] = '\0';
    /* Sound follows the story's tags and what the scene describes (rain in
     * the prompt rains in the speakers too), as the generator read it. */
    mz_scene_params params;
    if (!mz_gen_scene_params(p->gen, &params)) params = mz_scene_params_default();
    mz_audio_set_scene(p->audio, &params, t->sound, t->sound_count, t->sound_files,
                       t->sound_file_count, mz_session_transition_s(t, p->desc.play.fps));
    if (p->narrate && p->caption[0]) mz_audio_say(p->audio, p->caption);
}

/* Reload on save: inotify on the story's folder (the files right in it;
 * editors that save by renaming a temporary file show up as IN_MOVED_TO). */
static void watch_story(mz_player *p, const char *story_lua)
{
    if (p->watch_fd >= 0) close(p->watch_fd);
    p->watch_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    char dir[512];
    snprintf(dir, sizeof dir, "%s", story_lua);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    if (p->watch_fd >= 0 && inotify_add_watch(p->watch_fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
        mz_log_warn("cannot watch %s for changes: %s (F2 still reloads)", dir, strerror(errno));
        close(p->watch_fd);
        p->watch_fd = -1;
    }
}

static void reload_story(mz_player *p);

/* A .lua file of the story was saved: reload, once for a burst of events. */
static void poll_watch(mz_player *p)
{
    if (p->watch_fd < 0 || p->mode != MODE_PLAY) return;
    _Alignas(struct inotify_event) char buf[4096];
    bool lua = false;
    ssize_t n;
    while ((n = read(p->watch_fd, buf, sizeof buf)) > 0)
        for (char *at = buf; at < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)at;
            size_t len = ev->len ? strlen(ev->name) : 0;
            lua |= len > 4 && !strcmp(ev->name + len - 4, ".lua");
            at += sizeof *ev + ev->len;
        }
    if (lua) reload_story(p);
}

/* The language and profile: given on the command line, else answered. */
static const char *answer_lang(const mz_player *p)
{
    return p->desc.play.lang || !p->questions ? p->desc.play.lang : mz_questions_lang(p->questions);
}
static const char *answer_profile(const mz_player *p)
{
    return p->desc.play.profile || !p->questions ? p->desc.play.profile
                                                 : mz_questions_profile(p->questions);
}

static bool start_story(mz_player *p, const char *path)
{
    mz_session_destroy(p->session);
    /* The session sends each new scene to the generator, continuing from
     * the frame on screen, and traces first_frame_ms when the scene's first
     * frame is reported shown (here: once presented). */
    p->session = mz_session_create(&(mz_session_desc){.story_path = path,
                                                      .seed = p->desc.play.seed,
                                                      .trace_path = p->desc.play.trace,
                                                      .on_turn = on_turn,
                                                      .user = p,
                                                      .gen = p->gen,
                                                      .width = p->gen_w,
                                                      .height = p->gen_h,
                                                      .fps = p->desc.play.fps,
                                                      .at = p->desc.play.at,
                                                      .lang = answer_lang(p),
                                                      .profile = answer_profile(p),
                                                      .turn_limit_ms = p->desc.play.turn_limit_ms,
                                                      .sets = p->desc.play.sets,
                                                      .set_count = (size_t)p->desc.play.set_count});
    p->scene_id = 0;
    p->unreported = false;
    if (!p->session) return false;
    mz_story *story = mz_session_story(p->session);
    snprintf(p->story_path, sizeof p->story_path, "%s", path);
    watch_story(p, mz_story_path(story));
    if (p->window) {
        char title[256];
        snprintf(title, sizeof title, "%s \xe2\x80\x94 maze", mz_story_title(story));
        SDL_SetWindowTitle(p->window, title);
    }
    p->narrate = p->desc.narrate || mz_story_narrate(story);
    mz_audio_set_narration(p->audio, p->narrate);
    mz_audio_set_voice(p->audio, mz_story_lang(story)); /* espeak-ng names voices by language */
    p->accepted_ns = mz_time_ns();
    p->turns = 0;
    p->ended = false;
    p->mode = MODE_PLAY;
    if (p->desc.play.load) {
        const char *load = p->desc.play.load;
        p->desc.play.load = NULL; /* only the first start */
        p->restored = true;
        return mz_session_load(p->session, load);
    }
    return mz_session_begin(p->session);
}

bool mz_player_submit_from(mz_player *p, const char *text, const char *source)
{
    p->accepted_ns = mz_time_ns();
    p->turns++;
    if (mz_session_input_from(p->session, text, strlen(text), source)) return true;
    mz_log_error("story: %s", mz_error());
    return false;
}

bool mz_player_submit(mz_player *p, const char *text)
{
    return mz_player_submit_from(p, text, NULL);
}

void mz_player_set_audience(mz_player *p, const mz_qr *qr, mz_qr_corner corner, const char *url,
                            const char *line)
{
    line = line ? line : "";
    url = url ? url : "";
    if (p->qr == qr && p->qr_corner == corner && !strcmp(p->qr_url, url) &&
        !strcmp(p->audience_line, line))
        return;
    p->qr = qr;
    p->qr_corner = corner;
    snprintf(p->qr_url, sizeof p->qr_url, "%s", url);
    snprintf(p->audience_line, sizeof p->audience_line, "%s", line);
    p->overlay_dirty = true;
}

size_t mz_player_choices(mz_player *p, mz_story_transition_info *out, size_t cap)
{
    mz_story *story = mz_session_story(p->session);
    int scene = mz_story_scene_index(story);
    mz_story_scene_info info;
    size_t n = 0;
    if (scene < 0 || !mz_story_scene_get(story, (size_t)scene, &info)) return 0;
    for (size_t t = 0; t < info.transition_count && n < cap; t++)
        if (mz_story_transition_get(story, (size_t)scene, t, &out[n]) && out[n].pattern_count > 0)
            n++;
    return n;
}

int mz_player_match(mz_player *p, const char *text)
{
    mz_story *story = mz_session_story(p->session);
    int t = mz_story_match(story, text, strlen(text));
    int scene = mz_story_scene_index(story);
    mz_story_transition_info tr;
    int choice = 0;
    for (int i = 0; t >= 0 && i < t; i++) /* choices skip transitions without patterns */
        choice +=
            mz_story_transition_get(story, (size_t)scene, (size_t)i, &tr) && tr.pattern_count > 0;
    return t < 0 ? -1 : choice;
}

static void submit_input(mz_player *p)
{
    char text[MZ_INPUT_MAX_BYTES];
    if (!mz_input_submit(&p->input, text, sizeof text)) return;
    if (p->desc.on_line) p->desc.on_line(p->desc.key_user, text);
    mz_player_submit(p, text);
}

static void quick_path(const mz_player *p, char *out, size_t size)
{
    const char *name = strrchr(p->story_path, '/');
    name = name && name[1] ? name + 1 : p->story_path;
    snprintf(out, size, "%s/%s.quicksave", p->desc.save_dir ? p->desc.save_dir : ".", name);
}

/* F2: the author edited the story; play on from the same scene and state.
 * A story that no longer loads is reported (file:line) and the old one plays on. */
static void reload_story(mz_player *p)
{
    p->restored = true; /* the edited caption and sound show at once, as on entering */
    if (mz_session_reload(p->session)) {
        set_notice(p, "Story reloaded");
        return;
    }
    p->restored = false;
    mz_log_error("reload: %s", mz_error());
    char msg[sizeof p->notice];
    snprintf(msg, sizeof msg, "Not reloaded: %s", mz_error());
    set_notice(p, msg);
    p->notice_kept = true; /* the author may look up from the editor later */
}

/* Ctrl+Z: the last turn taken back (the story may forbid it). */
static void undo_turn(mz_player *p)
{
    p->accepted_ns = mz_time_ns();
    if (mz_session_undo(p->session)) {
        if (p->turns > 0) p->turns--;
        set_notice(p, "Undone.");
        return;
    }
    char msg[sizeof p->notice];
    snprintf(msg, sizeof msg, "Cannot undo: %s", mz_error());
    set_notice(p, msg);
}

static void change_volume(mz_player *p, float step)
{
    float v = mz_audio_volume(p->audio) + step;
    mz_audio_set_volume(p->audio, v < 0 ? 0 : v > 1 ? 1 : v);
    char msg[64];
    snprintf(msg, sizeof msg, "Volume %d%%", (int)(mz_audio_volume(p->audio) * 100 + 0.5f));
    set_notice(p, msg);
}

static void quick_save(mz_player *p)
{
    char path[700];
    quick_path(p, path, sizeof path);
    if (mz_session_save(p->session, path)) {
        char msg[800];
        snprintf(msg, sizeof msg, "Saved to %s", path);
        set_notice(p, msg);
    } else {
        mz_log_error("quick save: %s", mz_error());
        set_notice(p, "Could not save (see the log).");
    }
}

static void quick_load(mz_player *p)
{
    char path[700];
    quick_path(p, path, sizeof path);
    p->accepted_ns = mz_time_ns();
    p->restored = true;
    if (!mz_session_load(p->session, path)) {
        p->restored = false;
        mz_log_error("quick load: %s", mz_error());
        set_notice(p, "No quick save to load.");
        return;
    }
    set_notice(p, "Loaded.");
}

/* ---- the story picker ---- */

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool list_stories(mz_player *p)
{
    const char *dir = p->desc.stories_dir ? p->desc.stories_dir : "stories";
    DIR *d = opendir(dir);
    if (!d) return mz_fail("no story given and no %s/ folder to pick from", dir);
    struct dirent *e;
    while ((e = readdir(d)) && p->story_count < MAX_STORIES) {
        if (e->d_name[0] == '.') continue;
        char path[1024];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s/story.lua", dir, e->d_name);
        if (stat(path, &st) == 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            p->stories[p->story_count++] = strdup(path);
        }
    }
    closedir(d);
    if (p->story_count == 0) return mz_fail("no stories found under %s/", dir);
    qsort(p->stories, (size_t)p->story_count, sizeof p->stories[0], compare_names);
    p->mode = MODE_PICK;
    return true;
}

/* ---- events ---- */

static void toggle_fullscreen(mz_player *p)
{
    if (!p->window) return;
    bool full = SDL_GetWindowFlags(p->window) & SDL_WINDOW_FULLSCREEN_DESKTOP;
    SDL_SetWindowFullscreen(p->window, full ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
}

static void restart(mz_player *p)
{
    p->accepted_ns = mz_time_ns();
    p->turns = 0;
    p->ended = false;
    if (!mz_session_begin(p->session)) {
        mz_log_error("%s", mz_error());
        p->failed = p->quit = true;
    }
}

static void screenshot(mz_player *p);

/* Starts `path`, after asking what it asks (the language only from the
 * picker: a story named on the command line plays in its first). */
static bool pick_story(mz_player *p, const char *path, bool ask_lang)
{
    mz_questions_destroy(p->questions);
    snprintf(p->picked, sizeof p->picked, "%s", path);
    p->questions = mz_questions_create(path, ask_lang && !p->desc.play.lang, !p->desc.play.profile);
    if (!p->questions) return false;
    if (mz_questions_count(p->questions)) {
        p->mode = MODE_ASK;
        return true;
    }
    return start_story(p, path);
}

static void key_ask(mz_player *p, SDL_Keycode key)
{
    bool ok = true;
    if (key == SDLK_UP || key == SDLK_DOWN) {
        mz_questions_move(p->questions, key == SDLK_UP ? -1 : 1);
    } else if (key == SDLK_ESCAPE) {
        /* back to the stories, or out when none were offered */
        p->quit = !p->story_count;
        p->mode = MODE_PICK;
    } else if (key == SDLK_RETURN || key == SDLK_KP_ENTER) {
        ok = mz_questions_answer(p->questions);
        if (ok && !mz_questions_count(p->questions)) ok = start_story(p, p->picked);
    }
    if (!ok) {
        mz_log_error("%s", mz_error());
        set_notice(p, mz_error());
        p->mode = MODE_PICK;
        p->failed = p->quit = !p->story_count;
    }
    p->overlay_dirty = true;
}

static void key_pick(mz_player *p, SDL_Keycode key)
{
    if (key == SDLK_UP && p->story_selected > 0)
        p->story_selected--;
    else if (key == SDLK_DOWN && p->story_selected < p->story_count - 1)
        p->story_selected++;
    else if (key == SDLK_ESCAPE)
        p->quit = true;
    else if (key == SDLK_RETURN || key == SDLK_KP_ENTER) {
        if (!pick_story(p, p->stories[p->story_selected], true)) {
            mz_log_error("%s", mz_error());
            set_notice(p, mz_error());
            p->mode = MODE_PICK;
        }
    }
    p->overlay_dirty = true;
}

static void key_play(mz_player *p, const SDL_Keysym *k)
{
    bool ctrl = k->mod & KMOD_CTRL;
    mz_input_line *in = &p->input;
    if (p->confirm_quit) {
        if (k->sym == SDLK_RETURN || k->sym == SDLK_KP_ENTER || k->sym == SDLK_y)
            p->quit = true;
        else if (k->sym == SDLK_ESCAPE || k->sym == SDLK_n)
            p->confirm_quit = false;
        return;
    }
    switch (k->sym) {
    case SDLK_ESCAPE:
        p->confirm_quit = true;
        break;
    case SDLK_F1:
        p->show_author = !p->show_author;
        break;
    case SDLK_F2:
        reload_story(p);
        break;
    case SDLK_F3:
        p->show_inspector = !p->show_inspector;
        p->overlay_dirty = true;
        break;
    case SDLK_F5:
        quick_save(p);
        break;
    case SDLK_F6:
        mz_audio_set_muted(p->audio, !mz_audio_muted(p->audio));
        set_notice(p, mz_audio_muted(p->audio) ? "Sound off (F6 turns it on)" : "Sound on");
        break;
    case SDLK_F7:
    case SDLK_F8:
        change_volume(p, k->sym == SDLK_F8 ? 0.1f : -0.1f);
        break;
    case SDLK_F9:
        quick_load(p);
        break;
    case SDLK_F10:
        video_toggle(p);
        break;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        if (p->ended && in->len == 0)
            restart(p);
        else
            submit_input(p);
        break;
    case SDLK_r:
        if (p->ended && in->len == 0 && !ctrl)
            restart(p); /* typed 'r' arrives as text too: the restart clears it */
        break;
    case SDLK_BACKSPACE:
        if (ctrl)
            mz_input_delete_word(in);
        else
            mz_input_backspace(in);
        break;
    case SDLK_w:
        if (ctrl) mz_input_delete_word(in);
        break;
    case SDLK_z:
        if (ctrl) undo_turn(p);
        break;
    case SDLK_DELETE:
        mz_input_delete(in);
        break;
    case SDLK_LEFT:
        mz_input_left(in);
        break;
    case SDLK_RIGHT:
        mz_input_right(in);
        break;
    case SDLK_HOME:
        mz_input_home(in);
        break;
    case SDLK_END:
        mz_input_end(in);
        break;
    case SDLK_UP:
        mz_input_history_up(in);
        break;
    case SDLK_DOWN:
        mz_input_history_down(in);
        break;
    case SDLK_v:
        if (ctrl && SDL_HasClipboardText()) {
            char *clip = SDL_GetClipboardText();
            if (clip) mz_input_insert(in, clip);
            SDL_free(clip);
        }
        break;
    default:
        break;
    }
}

/* Kiosk: visitors get the keyboard's text keys, never Esc or the F keys
 * (author keys only when the exhibit's config allows them). */
static bool kiosk_drops(const mz_player *p, SDL_Keycode key)
{
    if (key == SDLK_ESCAPE) return true;
    bool fkey = (key >= SDLK_F1 && key <= SDLK_F12) || (key >= SDLK_F13 && key <= SDLK_F24);
    return fkey && !p->desc.author_keys;
}

static void handle_event(mz_player *p, const SDL_Event *e)
{
    const mz_player_desc *d = &p->desc;
    if (d->kiosk && e->type == SDL_KEYDOWN && kiosk_drops(p, e->key.keysym.sym)) return;
    if (d->on_key && (e->type == SDL_KEYDOWN || e->type == SDL_TEXTINPUT) &&
        !d->on_key(d->key_user, e->type == SDL_TEXTINPUT,
                   e->type == SDL_KEYDOWN ? (int)e->key.keysym.sym : 0))
        return;
    switch (e->type) {
    case SDL_QUIT:
        /* Only the operator stops a kiosk (the window's close button and
         * Alt+F4 arrive as SDL_QUIT). */
        if (!d->kiosk) p->quit = true;
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED && p->window) {
            SDL_Vulkan_GetDrawableSize(p->window, &p->draw_w, &p->draw_h);
            mz_render_resize(p->render, p->draw_w, p->draw_h);
        } else if (e->window.event == SDL_WINDOWEVENT_MINIMIZED) {
            mz_render_resize(p->render, 0, 0);
            p->draw_w = p->draw_h = 0;
        } else if (e->window.event == SDL_WINDOWEVENT_RESTORED && p->window) {
            SDL_Vulkan_GetDrawableSize(p->window, &p->draw_w, &p->draw_h);
            mz_render_resize(p->render, p->draw_w, p->draw_h);
        }
        break;
    case SDL_KEYDOWN:
        p->input_ns = mz_time_ns();
        if (e->key.keysym.sym == SDLK_F11)
            toggle_fullscreen(p);
        else if (e->key.keysym.sym == SDLK_F12)
            screenshot(p);
        else if (p->mode == MODE_PICK)
            key_pick(p, e->key.keysym.sym);
        else if (p->mode == MODE_ASK)
            key_ask(p, e->key.keysym.sym);
        else
            key_play(p, &e->key.keysym);
        break;
    case SDL_TEXTINPUT:
        p->input_ns = mz_time_ns();
        if (p->mode == MODE_PLAY && !p->confirm_quit) {
            /* 'r' at an ending restarts (the key event did it): not text */
            if (!(p->ended && p->input.len == 0 && !strcmp(e->text.text, "r")))
                mz_input_insert(&p->input, e->text.text);
        }
        break;
    default:
        return;
    }
    p->overlay_dirty = true;
}

/* ---- frames, overlay, present ---- */

static bool take_frames(mz_player *p, double wait_ms)
{
    mz_frame f;
    bool got = false;
    while (wait_ms > 0 ? mz_gen_wait(p->gen, &f, wait_ms) : mz_gen_poll(p->gen, &f)) {
        wait_ms = 0;
        /* Frames of the scene being replaced still show: the picture keeps
         * moving until the new scene's first frame arrives. */
        if (f.scene_id == p->scene_id && !p->scene_on_way) {
            p->scene_on_way = true;
            p->arrived_ns = mz_time_ns();
        }
        size_t n = (size_t)f.width * f.height * 4;
        bool moved = false;
        if ((int)f.width != p->last_w || (int)f.height != p->last_h) {
            uint8_t *b = realloc(p->last_rgba, n);
            if (!b) return mz_fail("out of memory");
            moved = p->last_rgba && b != p->last_rgba; /* a first buffer was never reported */
            p->last_rgba = b;
            p->last_w = (int)f.width;
            p->last_h = (int)f.height;
        }
        memcpy(p->last_rgba, f.rgba, n);
        p->frames_taken++;
        p->fresh = true;
        p->shown = f;
        p->shown.rgba = p->last_rgba;
        if (p->video_on) video_frame(p, &f);
        p->have_frame = true;
        p->unreported = true;
        /* The session keeps the pixels pointer of the frame last reported:
         * when the buffer moved, report at once (a new frame size only). */
        if (moved && p->session) {
            p->unreported = false;
            mz_session_frame_shown(p->session, &p->shown);
        }
        got = true;
    }
    if (!got) return true;
    /* The sound's listener stands where the picture's camera does. */
    mz_audio_set_listener(p->audio, p->shown.camera_x, 0, -p->shown.camera_z,
                          p->shown.camera_yaw);
    return mz_render_set_frame(p->render, p->last_rgba, p->last_w, p->last_h);
}

/* Without a --size, frames are generated at the window's size (see
 * start_size); while the generator holds under 24 fps, the next scene asks
 * for a quarter less, down to 640x360. Judged two seconds into a scene, once
 * its dissolve and first-frame costs are past. */
#define AUTO_MIN_W 640
#define AUTO_FPS 24.0
static void adapt_size(mz_player *p)
{
    if (p->desc.gen_width || !p->session || p->gen_w <= AUTO_MIN_W || !p->scene_on_way ||
        secs_since(p->arrived_ns) < 2.0)
        return;
    mz_gen_stats st;
    mz_gen_stats_get(p->gen, &st);
    if (st.fps <= 0 || st.fps >= AUTO_FPS * 0.95) return;
    int w = p->gen_w * 3 / 4;
    w = w < AUTO_MIN_W ? AUTO_MIN_W : w & ~1;
    p->gen_h = (int)((long)p->gen_h * w / p->gen_w) & ~1;
    p->gen_w = w;
    mz_session_set_size(p->session, p->gen_w, p->gen_h);
    mz_log_info("generating at %dx%d from the next scene on (%.1f fps at the size before)", p->gen_w,
                p->gen_h, st.fps);
}

/* The size the first scene is generated at: --size, else the window's; on
 * a CPU (lavapipe) no wider than CPU_START_W: 960x540 held 26 fps displayed
 * in a 1280x720 window on the 2-core machines we test on, 1280x720 only 20
 * (tools/bench_player.sh, quiet). adapt_size steps down from there. */
#define CPU_START_W 960
static void start_size(mz_player *p)
{
    const mz_player_desc *d = &p->desc;
    p->gen_w = d->gen_width > 0 ? d->gen_width : d->width & ~1;
    p->gen_h = d->gen_height > 0 ? d->gen_height : d->height & ~1;
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(mz_gpu_physical(p->gpu), &props);
    if (d->gen_width <= 0 && props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU &&
        p->gen_w > CPU_START_W) {
        p->gen_h = (int)((long)p->gen_h * CPU_START_W / p->gen_w) & ~1;
        p->gen_w = CPU_START_W;
    }
}

static void author_text(mz_player *p, char *out, size_t size)
{
    mz_gen_stats st;
    mz_gen_stats_get(p->gen, &st);
    snprintf(out, size,
             "scene     %s%s\nmatched   %s\nprompt    %.300s\n"
             "latency   %.1f ms from the input to the first frame on screen\n"
             "          (generator's first frame p50 %.1f, p95 %.1f ms)\n"
             "fps       %.1f shown, %.1f generated\n"
             "size      %dx%d frames, drawn at %ux%u, shown in %dx%d\n"
             "backend   %s%s on %s\nturn      %d",
             p->scene, p->ended ? " (ending)" : "", p->matched[0] ? p->matched : "-", p->prompt,
             p->first_frame_ms, st.first_frame_p50_ms, st.first_frame_p95_ms, p->fps, st.fps,
             p->last_w, p->last_h, p->shown.drawn_width ? p->shown.drawn_width : (unsigned)p->last_w,
             p->shown.drawn_height ? p->shown.drawn_height : (unsigned)p->last_h, p->draw_w,
             p->draw_h,
             st.backend, st.fallback_active ? " (fallback)" : "", mz_gpu_device_name(p->gpu),
             p->turns);
}

static bool draw_overlay(mz_player *p)
{
    double now = secs_since(p->start_ns);
    /* A generator that says how far it is (ComfyUI) is working until the
     * scene is made, even while the fallback stands in on screen. */
    mz_gen_stats gs;
    mz_gen_stats_get(p->gen, &gs);
    bool working = p->waiting_first || !p->have_frame || gs.making;
    /* Animated parts redraw ten times a second; the rest only on change. */
    bool animating = working || p->show_author || p->show_inspector || p->notice[0];
    if (!p->overlay_dirty && !(animating && secs_since(p->overlay_ns) > 0.1) &&
        secs_since(p->overlay_ns) < 0.25)
        return true;
    if (p->draw_w <= 0 || p->draw_h <= 0) return true;
    if (p->notice[0] && !p->confirm_quit && !p->notice_kept &&
        secs_since(p->notice_ns) > NOTICE_SHOW_S)
        p->notice[0] = '\0';
    if (p->reply[0] && secs_since(p->reply_ns) > REPLY_SHOW_S) p->reply[0] = '\0';

    mz_overlay_state st = {
        .time_s = now, .working = working, .progress = gs.making ? gs.progress : 0};
    char author[3000], ending[600], rec[32];
    if (p->video_on) {
        snprintf(rec, sizeof rec, "REC %d:%02d", p->video_secs / 60, p->video_secs % 60);
        st.recording = rec;
    }
    if (p->mode == MODE_PICK) {
        st.menu_title = "Choose a story (\xe2\x86\x91 \xe2\x86\x93, Enter)";
        st.menu_items = (const char *const *)p->stories;
        st.menu_count = p->story_count;
        st.menu_selected = p->story_selected;
        st.working = false;
    } else if (p->mode == MODE_ASK) {
        st.menu_title = mz_questions_title(p->questions);
        st.menu_items = mz_questions_items(p->questions);
        st.menu_count = mz_questions_count(p->questions);
        st.menu_selected = mz_questions_selected(p->questions);
    } else {
        st.caption = p->caption;
        st.reply = p->reply;
        st.input = &p->input;
        double idle = secs_since(p->input_ns);
        st.input_alpha = 1.0f;
        if (p->input.len == 0 && idle > INPUT_IDLE_S)
            st.input_alpha = idle > INPUT_IDLE_S + INPUT_FADE_S
                                 ? 0.0f
                                 : 1.0f - (float)((idle - INPUT_IDLE_S) / INPUT_FADE_S);
        st.caret_on = fmod(idle, 1.0) < 0.5;
        if (p->show_author) {
            author_text(p, author, sizeof author);
            st.author = author;
        }
        st.disclosure = disclosure(p);
        p->inspector[0] = '\0';
        if (p->show_inspector) {
            /* Read live each time it is drawn: after a turn, an undo or a reload. */
            size_t n = (size_t)snprintf(p->inspector, sizeof p->inspector,
                                        "F3 state  (score %.2f)\n", p->score);
            if (n < sizeof p->inspector)
                mz_story_inspect(mz_session_story(p->session), p->inspector + n,
                                 sizeof p->inspector - n);
            if (st.author) {
                size_t used = strlen(author);
                snprintf(author + used, sizeof author - used, "\n\n%.*s",
                         (int)(sizeof author - used - 3), p->inspector);
            } else {
                st.author = p->inspector;
            }
        }
        if (p->ended && !p->notice[0] && !p->desc.kiosk) {
            /* the credits say it too */
            snprintf(ending, sizeof ending,
                     "The end%s%s.%s%s\nEnter or R to play again, Esc to quit.",
                     p->ending[0] ? ": " : "", p->ending, st.disclosure ? "\n" : "",
                     st.disclosure ? st.disclosure : "");
            st.notice = ending;
        }
    }
    st.qr = p->qr;
    st.qr_corner = p->qr_corner;
    st.qr_url = p->qr_url;
    st.audience = p->audience_line;
    if (p->confirm_quit)
        st.notice = "Quit? Enter to quit, Esc to stay.";
    else if (p->banner[0])
        st.notice = p->banner;
    else if (p->notice[0])
        st.notice = p->notice;
    if (p->video) {
        mz_overlay_state seen = st;
        seen.recording = NULL;
        if (!mz_recorder_overlay(p->video, &seen)) mz_log_warn("video: %s", mz_error());
    }
    SDL_Surface *s = mz_overlay_draw(p->overlay, p->draw_w, p->draw_h, &st);
    if (!s) return false;
    p->overlay_dirty = false;
    p->overlay_ns = mz_time_ns();
    return mz_render_set_overlay(p->render, s->pixels, s->w, s->h, s->pitch);
}

static bool present(mz_player *p)
{
    bool presented = false;
    /* Nothing new: skip, but still now and then (an X server may have lost
     * the window's contents). */
    if (!mz_render_needs_present(p->render) && secs_since(p->present_ns) < 0.25) return true;
    p->present_ns = mz_time_ns();
    if (!mz_render_present(p->render, &presented)) return false;
    if (!presented) return true;
    p->presented++;
    /* The rate shown counts distinct frames on screen, not presents (an
     * overlay change presents the same frame again). */
    p->fps_count += p->fresh;
    p->fresh = false;
    if (secs_since(p->fps_ns) >= 1.0) {
        p->fps = p->fps_count / secs_since(p->fps_ns);
        p->fps_count = 0;
        p->fps_ns = mz_time_ns();
        adapt_size(p);
    }
    if (p->unreported && p->session) {
        p->unreported = false;
        mz_session_frame_shown(p->session, &p->shown);
    }
    if (p->waiting_first && p->scene_on_way) {
        p->first_frame_ms = mz_time_ms_since(p->accepted_ns);
        p->present_ms = mz_time_ms_since(p->arrived_ns);
        p->waiting_first = false;
        p->overlay_dirty = true;
        mz_gen_stats st;
        mz_gen_stats_get(p->gen, &st);
        /* bench_player.sh reads this line for the split of first_frame_ms */
        mz_log_info("first frame of scene %s on screen %.1f ms after the input "
                    "(generator %.1f ms; out of the generator -> on screen %.1f ms; "
                    "%.1f fps shown, %.1f generated; %dx%d frames drawn at %ux%u, window %dx%d)",
                    p->scene, p->first_frame_ms, st.first_frame_ms, p->present_ms, p->fps, st.fps,
                    p->last_w, p->last_h, p->shown.drawn_width, p->shown.drawn_height, p->draw_w,
                    p->draw_h);
    }
    return true;
}

static void screenshot(mz_player *p)
{
    int w, h;
    uint8_t *rgba = mz_render_screenshot(p->render, &w, &h);
    if (!rgba) {
        mz_log_error("screenshot: %s", mz_error());
        return;
    }
    char path[700], msg[800];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(path, sizeof path, "%s/maze-%s-%03d.png", p->desc.save_dir ? p->desc.save_dir : ".",
             stamp, ++p->screenshots % 1000);
    mz_provenance prov = {.off = p->desc.play.no_metadata};
    if (!prov.off && p->story_path[0]) mz_provenance_story(&prov, p->story_path);
    mz_provenance_frame pf =
        mz_provenance_turn(p->session ? mz_session_turn(p->session) : NULL, p->gen);
    if (mz_provenance_png_write(&prov, &pf, path, rgba, (uint32_t)w, (uint32_t)h)) {
        snprintf(msg, sizeof msg, "Screenshot: %s", path);
        mz_log_info("%s", msg);
        set_notice(p, msg);
    } else {
        mz_log_error("screenshot: %s", mz_error());
    }
    free(rgba);
}

/* ---- the player ---- */

/* The player's generator, as the desc and the environment ask for it (at
 * the start, and again when a kiosk reopens a failed one). */
static mz_gen *open_generator(const mz_player_desc *d)
{
    mz_gen_desc gd = {.uri = d->play.generator, .realtime = true, .fallback = d->gen_fallback};
    mz_gen_desc_from_env(&gd);
    return mz_gen_open(&gd);
}

mz_player *mz_player_create(const mz_player_desc *desc)
{
    mz_player *p = calloc(1, sizeof *p);
    if (p) p->watch_fd = -1;
    if (!p) {
        mz_fail("out of memory");
        return NULL;
    }
    p->desc = *desc;
    mz_player_desc *d = &p->desc;
    if (d->width <= 0 || d->height <= 0)
        d->width = MZ_DEFAULT_WINDOW_WIDTH, d->height = MZ_DEFAULT_WINDOW_HEIGHT;
    if (!d->play.seed) d->play.seed = 1;
    p->refresh_hz = 60.0;
    p->start_ns = p->input_ns = p->fps_ns = p->overlay_ns = mz_time_ns();
    mz_input_clear(&p->input);

    /* SDL turns SIGTERM into SDL_QUIT, which a kiosk ignores: the exhibit's
     * supervisor stops its player with SIGTERM, so leave it fatal. */
    if (d->kiosk) SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    bool ok;
    if (d->offscreen) {
        ok = SDL_Init(SDL_INIT_EVENTS) == 0 || mz_fail("SDL_Init: %s", SDL_GetError());
        if (ok) {
            p->gpu = mz_gpu_create(&(mz_gpu_desc){0});
            ok = p->gpu != NULL;
            p->draw_w = d->width;
            p->draw_h = d->height;
        }
    } else {
        ok = SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) == 0 ||
             mz_fail("no display to open a window on (%s)", SDL_GetError());
        ok = ok && open_window(p);
    }
    ok = ok &&
         (p->render = mz_render_create(&(mz_render_desc){
              .gpu = p->gpu, .width = p->draw_w, .height = p->draw_h, .no_vsync = d->no_vsync}));
    ok = ok && (p->overlay = mz_overlay_create(NULL));
    /* The generator gets its own device: frames reach the renderer through
     * host memory anyway, and on one shared queue the display's composite
     * would wait behind each frame being generated (measured on lavapipe:
     * 115-200 ms from a frame's arrival to the screen, against 20-40 ms). */
    ok = ok && (p->gen = open_generator(d));
    if (ok) start_size(p);
    /* Audio never fails the player: with no device it runs silent and says
     * so once (mz_audio logs it). */
    ok = ok && (p->audio = mz_audio_open(&(mz_audio_desc){
                    .narrate = d->narrate, .volume = d->volume, .muted = d->muted}));
    ok = ok && (d->story ? pick_story(p, d->story, false) : list_stories(p));
    if (ok && d->play.video) video_toggle(p);
    if (!ok) {
        mz_player_destroy(p);
        return NULL;
    }
    return p;
}

bool mz_player_step(mz_player *p)
{
    uint64_t t0 = mz_time_ns();
    SDL_Event e;
    while (!p->quit && SDL_PollEvent(&e))
        handle_event(p, &e);
    if (p->quit) return false;
    poll_watch(p);
    if (p->mode == MODE_PLAY && !take_frames(p, 0)) {
        p->failed = true;
        return false;
    }
    if (!draw_overlay(p) || !present(p)) {
        p->failed = true;
        return false;
    }
    /* Pace to the display: FIFO does not block under every X server. Wait
     * on the generator, so a new frame is shown the moment it is made. */
    double budget = 1000.0 / p->refresh_hz - mz_time_ms_since(t0);
    if (p->draw_w == 0) budget = 50; /* minimised: idle */
    if (budget > 0.5) {
        if (p->mode == MODE_PLAY) {
            if (!take_frames(p, budget)) {
                p->failed = true;
                return false;
            }
        } else {
            mz_time_sleep_ms(budget);
        }
    }
    return true;
}

bool mz_player_recording(const mz_player *p)
{
    return p->video_on;
}

bool mz_player_failed(const mz_player *p)
{
    return p->failed;
}

const char *mz_player_inspector(const mz_player *p)
{
    return p->inspector[0] ? p->inspector : NULL;
}

void mz_player_destroy(mz_player *p)
{
    if (!p) return;
    video_stop(p);
    if (p->watch_fd >= 0) close(p->watch_fd);
    mz_gen_close(p->gen);
    mz_session_destroy(p->session);
    mz_questions_destroy(p->questions);
    mz_audio_close(p->audio);
    mz_overlay_destroy(p->overlay);
    mz_render_destroy(p->render);
    mz_gpu_destroy(p->gpu);
    if (p->window) SDL_DestroyWindow(p->window);
    SDL_Quit();
    for (int i = 0; i < p->story_count; i++)
        free(p->stories[i]);
    free(p->last_rgba);
    free(p);
}

const char *mz_player_scene(const mz_player *p)
{
    return p->scene;
}

bool mz_player_scene_shown(const mz_player *p)
{
    return p->scene[0] && !p->waiting_first;
}

int mz_player_turns(const mz_player *p)
{
    return p->turns;
}

uint64_t mz_player_frames_presented(const mz_player *p)
{
    return p->presented;
}

void mz_player_frame_size(const mz_player *p, int *width, int *height, int *drawn_w, int *drawn_h)
{
    *width = p->have_frame ? p->last_w : 0;
    *height = p->have_frame ? p->last_h : 0;
    *drawn_w = p->have_frame ? (int)p->shown.drawn_width : 0;
    *drawn_h = p->have_frame ? (int)p->shown.drawn_height : 0;
}

uint8_t *mz_player_screenshot(mz_player *p, int *width, int *height)
{
    return mz_render_screenshot(p->render, width, height);
}

int mz_player_band_top(const mz_player *p)
{
    return mz_overlay_band_top(p->overlay);
}

uint32_t mz_player_validation_errors(const mz_player *p)
{
    return mz_gpu_validation_errors(p->gpu);
}

double mz_player_first_frame_ms(const mz_player *p)
{
    return p->first_frame_ms;
}

const char *mz_player_notice(const mz_player *p)
{
    return p->notice;
}

const char *mz_player_caption(const mz_player *p)
{
    return p->caption;
}

mz_audio *mz_player_audio(const mz_player *p)
{
    return p->audio;
}

bool mz_player_new_story(mz_player *p, const char *story, uint64_t seed, bool clear_input)
{
    if (clear_input) mz_input_clear(&p->input);
    /* Up must not bring back what the last visitor typed. */
    p->input.history_count = p->input.history_pos = 0;
    p->desc.play.seed = seed ? seed : 1;
    p->desc.play.load = NULL;
    p->reply[0] = p->notice[0] = p->caption[0] = '\0';
    p->overlay_dirty = true;
    return start_story(p, story);
}

void mz_player_set_viewer(mz_player *p, const char *lang, const char *profile)
{
    snprintf(p->viewer_lang, sizeof p->viewer_lang, "%s", lang ? lang : "");
    snprintf(p->viewer_profile, sizeof p->viewer_profile, "%s", profile ? profile : "");
    p->desc.play.lang = lang ? p->viewer_lang : NULL;
    p->desc.play.profile = profile ? p->viewer_profile : NULL;
}

const mz_story_turn *mz_player_turn(const mz_player *p)
{
    return p->session ? mz_session_turn(p->session) : NULL;
}

const mz_story *mz_player_story(const mz_player *p)
{
    return p->session ? mz_session_story(p->session) : NULL;
}

const char *mz_player_disclosure(const mz_player *p)
{
    return disclosure(p);
}

const char *mz_player_ending(const mz_player *p)
{
    return p->ended ? p->ending : NULL;
}

void mz_player_set_banner(mz_player *p, const char *text)
{
    text = text ? text : "";
    if (!strcmp(text, p->banner)) return;
    snprintf(p->banner, sizeof p->banner, "%s", text);
    p->overlay_dirty = true;
}

void mz_player_show(mz_player *p)
{
    if (!p->window) return;
    SDL_ShowWindow(p->window);
    SDL_RaiseWindow(p->window);
    p->overlay_dirty = true;
}

uint64_t mz_player_frames_taken(const mz_player *p)
{
    return p->frames_taken;
}

bool mz_player_reopen_generator(mz_player *p)
{
    mz_gen *g = open_generator(&p->desc);
    if (!g) return false;
    mz_gen_close(p->gen);
    p->gen = g;
    if (!p->session) return true;
    bool ok = mz_session_set_gen(p->session, g);
    p->scene_id = mz_session_scene_id(p->session);
    p->scene_on_way = false;
    return ok;
}

void mz_player_stats(mz_player *p, double *fps, char backend[32], bool *fallback,
                     double *first_frame_p95_ms)
{
    mz_gen_stats st;
    mz_gen_stats_get(p->gen, &st);
    *fps = p->fps;
    snprintf(backend, 32, "%s", st.backend);
    *fallback = st.fallback_active;
    *first_frame_p95_ms = st.first_frame_p95_ms;
}

int mz_play_window(const mz_player_desc *desc)
{
    if (!desc->offscreen && !(getenv("DISPLAY") && *getenv("DISPLAY")) &&
        !getenv("WAYLAND_DISPLAY")) {
        fprintf(stderr, "maze play: no display to open a window on (DISPLAY is not set).\n"
                        "Run it headless instead: maze play STORY --headless\n");
        return 2;
    }
    mz_player *p = mz_player_create(desc);
    if (!p) {
        fprintf(stderr, "maze play: %s\n", mz_error());
        if (strstr(mz_error(), "no display")) {
            fprintf(stderr, "Run it headless instead: maze play STORY --headless\n");
            return 2;
        }
        return 1;
    }
    while (mz_player_step(p)) {
    }
    bool failed = p->failed;
    if (failed) fprintf(stderr, "maze play: %s\n", mz_error());
    mz_player_destroy(p);
    return failed ? 1 : 0;
}
