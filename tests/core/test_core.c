#include "mz_error.h"
#include "mz_scene.h"
#include "mz_test.h"
#include "mz_time.h"

#include <pthread.h>

static void *fail_on_thread(void *arg)
{
    (void)arg;
    mz_fail("thread %d", 2);
    return NULL;
}

static void error_is_per_thread(void)
{
    MZ_CHECK(!mz_fail("main %s", "one"));
    pthread_t t;
    pthread_create(&t, NULL, fail_on_thread, NULL);
    pthread_join(t, NULL);
    MZ_CHECK_STR(mz_error(), "main one");
    mz_fail_context("loading %s", "x.lua");
    MZ_CHECK_STR(mz_error(), "loading x.lua: main one");
    mz_error_clear();
    MZ_CHECK_STR(mz_error(), "");
}

static void error_truncates_long_messages(void)
{
    char big[4000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    mz_fail("%s", big);
    MZ_CHECK(strlen(mz_error()) == MZ_ERROR_MAX - 1);
}

static void scene_mix_wraps_hours_and_fades_setting(void)
{
    mz_scene_params a = mz_scene_params_default(), b = a;
    a.time_of_day = 23;
    b.time_of_day = 1;
    a.setting = MZ_SETTING_SEA;
    b.setting = MZ_SETTING_FOREST;
    mz_scene_params m = mz_scene_params_mix(&a, &b, 0.5f);
    MZ_CHECK(fabsf(m.time_of_day - 0.0f) < 1e-4f || fabsf(m.time_of_day - 24.0f) < 1e-4f);
    MZ_CHECK(m.setting == MZ_SETTING_FOREST && m.setting2 == MZ_SETTING_SEA);
    MZ_CHECK(fabsf(m.setting2_weight - 0.5f) < 1e-6f);
    mz_scene_params end = mz_scene_params_mix(&a, &b, 1.0f);
    MZ_CHECK(end.setting2_weight == 0.0f);
}

static void time_is_monotonic(void)
{
    uint64_t t0 = mz_time_ns();
    mz_time_sleep_ms(2);
    double ms = mz_time_ms_since(t0);
    MZ_CHECK_MSG(ms >= 2.0 && ms < 200.0, "slept %.3f ms", ms);
}

int main(void)
{
    MZ_RUN(error_is_per_thread);
    MZ_RUN(error_truncates_long_messages);
    MZ_RUN(scene_mix_wraps_hours_and_fades_setting);
    MZ_RUN(time_is_monotonic);
    return mz_test_finish();
}
