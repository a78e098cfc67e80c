/* No sound device at all (OpenAL given a backend that does not exist): the
 * handle runs silent, says so once, and every call still works. */
#include "mz_audio.h"
#include "mz_log.h"
#include "mz_test.h"

#include "audio_test_util.h"

#include <stdlib.h>

static audio_warnings warned;

static void test_no_device_runs_silent(void)
{
    audio_warnings_start(&warned);
    mz_audio *a = mz_audio_open(NULL);
    MZ_CHECK_MSG(audio_opened_silent(a, &warned, "no sound device"), "%d warnings, the last: %s",
                 warned.count, warned.last);

    /* Everything is accepted and remembered; nothing more is logged. */
    mz_scene_params p = mz_scene_params_default();
    const char *tags[] = {"sea", "storm"}, *files[] = {"missing.ogg"};
    mz_audio_set_scene(a, &p, tags, 2, files, 1, 1.0f);
    mz_audio_set_listener(a, 1, 2, 3, 0.5f);
    mz_audio_set_narration(a, true);
    char voice[32];
    mz_audio_voice(a, voice, sizeof voice);
    MZ_CHECK_STR(voice, "en");
    mz_audio_set_voice(a, "fr"); /* a French story is narrated in French */
    mz_audio_voice(a, voice, sizeof voice);
    MZ_CHECK_STR(voice, "fr");
    mz_audio_say(a, "Nobody hears this.");
    mz_audio_set_volume(a, 2.0f);
    mz_audio_set_muted(a, true);
    MZ_CHECK(mz_audio_volume(a) == 1.0f && mz_audio_muted(a) && mz_audio_narration(a));
    mz_audio_stats s = mz_audio_stats_get(a);
    MZ_CHECK(s.seconds_rendered == 0 && s.buffers_queued == 0 && !s.speaking);
    mz_audio_close(a);
    MZ_CHECK(warned.count == 1);
    mz_log_set_sink(NULL, NULL);
    mz_audio_close(NULL);
}

int main(void)
{
    /* Before OpenAL reads its settings: a backend list naming nothing real. */
    setenv("ALSOFT_DRIVERS", "no-such-backend", 1);
    unsetenv("ALSOFT_CONF");
    MZ_RUN(test_no_device_runs_silent);
    return mz_test_finish();
}
