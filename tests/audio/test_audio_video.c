/* The soundtrack of a recorded video: the offline mixer's sound, through
 * the encoder (AAC in MP4, Opus in WebM) and back out with ffmpeg, measured
 * against the same sound rendered straight to a buffer. It must be there
 * (level), whole (no gap: the quietest 20 ms) and free of clicks (the
 * largest sample-to-sample jump stays that of the sound itself), across a
 * scene change. */
#include "mz_audio_internal.h"
#include "mz_audio_measure.h"
#include "mz_audio_offline.h"
#include "mz_error.h"
#include "mz_record_video.h"
#include "mz_test.h"

#include <stdlib.h>
#include <unistd.h>

#define RATE MZ_AUDIO_OFFLINE_RATE
#define FPS 30
#define SECONDS 3
#define W 64
#define H 36

static char dir[64] = "/tmp/mz_video_XXXXXX";

/* The scenes: a drone in a major key, then in a minor one crossfading in at
 * 1.5 s. Tonal sound changes little from sample to sample, so a click or a
 * gap stands out against it (noise beds would hide one). */
static void set_scene(mz_audio_offline *a, int n)
{
    static const char *const tags[] = {"drone"};
    mz_scene_params p = {.valence = n ? -0.6f : 0.6f, .energy = n ? 0.2f : 0.7f};
    mz_audio_offline_set_scene(a, &p, tags, 1, NULL, 0, n ? 1.0f : 0.05f);
}

/* Records SECONDS of frames and sound to path; the reference gets the same
 * sound rendered by a second, identical mixer. */
static bool record(const char *path, float *reference)
{
    mz_audio_offline *a = mz_audio_offline_create(), *ref = mz_audio_offline_create();
    mz_record_video *v = mz_record_video_open(&(mz_record_video_desc){
        .path = path, .width = W, .height = H, .fps = FPS, .audio_rate = RATE, .subtitles = true});
    MZ_CHECK_MSG(v != NULL, "%s", mz_error());
    if (!a || !ref || !v) return false;
    static uint8_t rgba[W * H * 4];
    float block[2 * RATE / FPS];
    bool ok = true;
    for (int i = 0; i < SECONDS * FPS; i++) {
        if (i == 0 || i == SECONDS * FPS / 2) {
            set_scene(a, i != 0);
            set_scene(ref, i != 0);
            ok = ok && mz_record_video_caption(v, i ? "minor" : "major");
        }
        memset(rgba, i * 3, sizeof rgba);
        mz_audio_offline_render(a, block, RATE / FPS);
        mz_audio_offline_render(ref, reference + (size_t)i * 2 * (RATE / FPS), RATE / FPS);
        ok = ok && mz_record_video_frame(v, rgba, block, RATE / FPS);
    }
    mz_record_video_stats st;
    ok = mz_record_video_close(v, &st) && ok;
    MZ_CHECK_MSG(ok, "%s", mz_error());
    MZ_CHECK(st.frames == SECONDS * FPS && st.dropped == 0);
    mz_audio_offline_destroy(a);
    mz_audio_offline_destroy(ref);
    return ok;
}

static void soundtrack_is_the_mix(const char *ext)
{
    size_t frames = (size_t)SECONDS * RATE;
    float *ref = calloc(frames * 2, sizeof(float));
    float *ref_mono = calloc(frames, sizeof(float));
    char path[128], wav[128], cmd[512];
    snprintf(path, sizeof path, "%s/v.%s", dir, ext);
    snprintf(wav, sizeof wav, "%s/v_%s.wav", dir, ext);
    if (!ref || !ref_mono || !record(path, ref)) goto done;
    snprintf(cmd, sizeof cmd, "ffmpeg -v error -y -i %s -map 0:a -ar %d -c:a pcm_f32le %s", path,
             RATE, wav);
    MZ_CHECK(system(cmd) == 0);
    mz_clip *got = mz_clip_load(wav);
    MZ_CHECK_MSG(got && got->channels == 2, "%s", got ? "not stereo" : mz_error());
    if (!got || got->channels != 2) goto done;
    /* Encoders add a little silence at the start (priming); skip 0.1 s at
     * each end and compare the steady middle. */
    size_t skip = RATE / 10, n = (got->frames < frames ? got->frames : frames) - 2 * skip;
    MZ_CHECK_MSG(got->frames + RATE / 20 >= frames && got->frames <= frames + RATE / 10,
                 "%zu frames decoded, %zu recorded", got->frames, frames);
    float *mono = calloc(got->frames, sizeof(float));
    mz_audio_measure_mono(got->samples, got->frames, mono);
    mz_audio_measure_mono(ref, frames, ref_mono);
    double rms = mz_audio_measure_rms(mono + skip, n), ref_rms = mz_audio_measure_rms(ref_mono + skip, n);
    double jump = mz_audio_measure_max_jump(mono + skip, n);
    double ref_jump = mz_audio_measure_max_jump(ref_mono + skip, n);
    double quiet = mz_audio_measure_min_rms(mono + skip, n, RATE / 50);
    double ref_quiet = mz_audio_measure_min_rms(ref_mono + skip, n, RATE / 50);
    printf("  %s: rms %.4f (mix %.4f), max jump %.4f (mix %.4f), quietest 20 ms %.4f (mix %.4f)\n",
           ext, rms, ref_rms, jump, ref_jump, quiet, ref_quiet);
    MZ_CHECK_MSG(ref_rms > 0.01, "the mix itself is silent");
    MZ_CHECK_MSG(fabs(20 * log10(rms / ref_rms)) < 1.5, "level %.4f vs %.4f", rms, ref_rms);
    MZ_CHECK_MSG(jump <= ref_jump * 1.25, "a click: jump %.4f vs %.4f", jump, ref_jump);
    MZ_CHECK_MSG(quiet >= ref_quiet * 0.5, "a gap: %.4f vs %.4f", quiet, ref_quiet);
    free(mono);
    mz_clip_free(got);
done:
    free(ref);
    free(ref_mono);
}

static void mp4(void)
{
    soundtrack_is_the_mix("mp4");
}

static void webm(void)
{
    soundtrack_is_the_mix("webm");
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    MZ_RUN(mp4);
    MZ_RUN(webm);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    return mz_test_finish();
}
