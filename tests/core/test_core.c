#include "mz_buf.h"
#include "mz_error.h"
#include "mz_scene.h"
#include "mz_test.h"
#include "mz_time.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

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

static void buf_grows_and_hands_over(void)
{
    mz_buf b = {0};
    for (int i = 0; i < 1000; i++)
        MZ_CHECK(mz_buf_printf(&b, "%d,", i));
    MZ_CHECK(b.len == 3890 && b.data[b.len] == '\0');
    MZ_CHECK(strncmp(b.data, "0,1,2,", 6) == 0 && strcmp(b.data + b.len - 4, "999,") == 0);
    mz_buf_clear(&b);
    MZ_CHECK(b.len == 0 && b.data[0] == '\0');
    MZ_CHECK(mz_buf_put(&b, "a\0b", 3) && b.len == 3);
    size_t len = 9;
    char *data = mz_buf_take(&b, &len);
    MZ_CHECK(data && len == 3 && memcmp(data, "a\0b", 4) == 0);
    MZ_CHECK(b.data == NULL && b.len == 0);
    free(data);
    data = mz_buf_take(&b, &len); /* nothing put: an empty string, not NULL */
    MZ_CHECK(data && len == 0 && data[0] == '\0');
    free(data);
    mz_buf_free(&b);
}

static void buf_reads_files_within_limits(void)
{
    char path[] = "/tmp/mz_buf_XXXXXX";
    int fd = mkstemp(path);
    MZ_CHECK(fd >= 0);
    MZ_CHECK(write(fd, "hello\n", 6) == 6);
    close(fd);
    mz_buf b = {0};
    MZ_CHECK(mz_buf_read_file(&b, path, 6) && b.len == 6 && strcmp(b.data, "hello\n") == 0);
    mz_buf_clear(&b);
    MZ_CHECK(!mz_buf_read_file(&b, path, 5) && errno == EFBIG);
    unlink(path);
    MZ_CHECK(!mz_buf_read_file(&b, path, SIZE_MAX) && errno == ENOENT);
    MZ_CHECK(mkfifo(path, 0600) == 0);
    MZ_CHECK(!mz_buf_read_file(&b, path, SIZE_MAX) && errno == EINVAL); /* not waited on */
    unlink(path);
    mz_buf_free(&b);
}

int main(void)
{
    MZ_RUN(buf_grows_and_hands_over);
    MZ_RUN(buf_reads_files_within_limits);
    MZ_RUN(error_is_per_thread);
    MZ_RUN(error_truncates_long_messages);
    MZ_RUN(scene_mix_wraps_hours_and_fades_setting);
    MZ_RUN(time_is_monotonic);
    return mz_test_finish();
}
