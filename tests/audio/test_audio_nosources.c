/* A device that opens but gives no sources (OpenAL configured for fewer
 * sources than the mixer's buses): mz_audio_open must come back silent and
 * say so once, like having no device, instead of a handle whose mixer quietly
 * stopped while every call went on as if sound played. */
#include "mz_audio.h"
#include "mz_log.h"
#include "mz_test.h"

#include "audio_test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static audio_warnings warned;

static void test_no_sources_runs_silent(void)
{
    audio_warnings_start(&warned);
    mz_audio *a = mz_audio_open(NULL);
    MZ_CHECK_MSG(audio_opened_silent(a, &warned, "could not make sources"),
                 "%d warnings, the last: %s", warned.count, warned.last);
    mz_scene_params p = mz_scene_params_default();
    const char *tags[] = {"sea"};
    mz_audio_set_scene(a, &p, tags, 1, NULL, 0, 0.5f);
    mz_audio_stats s = mz_audio_stats_get(a);
    MZ_CHECK(s.seconds_rendered == 0 && s.buffers_queued == 0);
    mz_audio_close(a);
    MZ_CHECK(warned.count == 1);
    mz_log_set_sink(NULL, NULL);
}

int main(void)
{
    /* Before OpenAL reads its settings: the null device, with 2 sources. */
    char conf[] = "/tmp/mz_alsoft_XXXXXX";
    int fd = mkstemp(conf);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) return 1;
    fputs("[general]\ndrivers = null\nsources = 2\n", f);
    fclose(f);
    setenv("ALSOFT_CONF", conf, 1);
    unsetenv("ALSOFT_DRIVERS");
    MZ_RUN(test_no_sources_runs_silent);
    unlink(conf);
    return mz_test_finish();
}
