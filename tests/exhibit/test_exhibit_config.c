/* maze exhibit's settings file (strict, line-numbered errors, --print-config
 * reads back as the defaults) and its rotating session log. */
#include "exhibit_config.h"
#include "exhibit_log.h"
#include "mz_error.h"
#include "mz_test.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/mz_exhibit_config_XXXXXX";

static const char *write_file(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads text over the defaults; returns the error ("" when it loaded). */
static const char *load(const char *text, mz_exhibit_config *cfg)
{
    mz_exhibit_config_defaults(cfg);
    mz_error_clear();
    return mz_exhibit_config_load(cfg, write_file("x.conf", text)) ? "" : mz_error();
}

static void test_defaults(void)
{
    mz_exhibit_config c;
    mz_exhibit_config_defaults(&c);
    MZ_CHECK(c.idle_warn == 45 && c.idle_reset == 60 && c.hang_s == 10);
    MZ_CHECK(c.fullscreen && !c.author_keys && !c.log_viewer_text);
    MZ_CHECK_STR(c.attract_text, "Type to begin");
    MZ_CHECK_STR(c.console_bind, "127.0.0.1");
    MZ_CHECK(c.story_count == 0);
    /* issue 17: the story's first language and languages offered, no guess */
    MZ_CHECK(c.lang_keys && !c.lang_detect && !c.lang[0] && !c.profile[0]);
}

static void test_values(void)
{
    mz_exhibit_config c;
    MZ_CHECK_STR(load("# a comment\n\n  idle_warn = 2.5\nfullscreen=off\n"
                      "stories = stories/cellar , stories/lighthouse,\n"
                      "idle_text = \"  Still \\\"there\\\"?  \"\n"
                      "credits_text = Thanks # not a comment\n",
                      &c),
                 "");
    MZ_CHECK(c.idle_warn == 2.5 && !c.fullscreen);
    MZ_CHECK(c.story_count == 2);
    MZ_CHECK_STR(c.stories[1], "stories/lighthouse");
    MZ_CHECK_STR(c.idle_text, "  Still \"there\"?  ");
    MZ_CHECK_STR(c.credits_text, "Thanks # not a comment");
    MZ_CHECK(mz_exhibit_config_set(&c, "max_rss_mb", "512", "--max-rss-mb") && c.max_rss_mb == 512);
}

static void test_errors(void)
{
    mz_exhibit_config c;
    MZ_CHECK_HAS(load("idle_warn = 3\n\nidle_wran = 4\n", &c), "x.conf:3: unknown setting 'idle_wran'");
    MZ_CHECK_HAS(load("hang_s = 3\nhang_s = 4\n", &c), "x.conf:2: hang_s is already set on line 1");
    MZ_CHECK_HAS(load("idle_warn 3\n", &c), "x.conf:1: expected 'key = value'");
    MZ_CHECK_HAS(load("idle_warn = soon\n", &c), "x.conf:1: idle_warn: 'soon' is not a number in 0.1..86400");
    MZ_CHECK_HAS(load("idle_warn = nan\n", &c), "is not a number");
    MZ_CHECK_HAS(load("max_rss_mb = 1.5\n", &c), "max_rss_mb: '1.5' is not an integer");
    MZ_CHECK_HAS(load("author_keys = maybe\n", &c), "x.conf:1: author_keys: 'maybe' is not true or false");
    MZ_CHECK_HAS(load("attract_text = \"open\n", &c), "x.conf:1: attract_text: unterminated string");
    /* nothing after the error is applied */
    load("idle_warn = 7\nbogus = 1\nidle_reset = 99\n", &c);
    MZ_CHECK(c.idle_warn == 7 && c.idle_reset == 60);
    mz_error_clear();
    MZ_CHECK(!mz_exhibit_config_set(&c, "hang_s", "0", "--hang-s"));
    MZ_CHECK_HAS(mz_error(), "--hang-s: hang_s: '0' is not a number in 0.5..3600");
    MZ_CHECK(!mz_exhibit_config_load(&c, "/nonexistent/exhibit.conf"));
    MZ_CHECK_HAS(mz_error(), "/nonexistent/exhibit.conf");
}

/* --print-config is a config file: read back, it gives the same settings,
 * and every key has its comment. */
static void test_print_round_trip(void)
{
    mz_exhibit_config a, b;
    mz_exhibit_config_defaults(&a);
    snprintf(a.attract_text, sizeof a.attract_text, " \"quoted\" \\ ");
    a.story_count = 1;
    snprintf(a.stories[0], sizeof a.stories[0], "stories/cellar");
    char path[256];
    snprintf(path, sizeof path, "%s/printed.conf", dir);
    FILE *f = fopen(path, "w");
    mz_exhibit_config_print(&a, f);
    fclose(f);
    mz_exhibit_config_defaults(&b);
    MZ_CHECK_MSG(mz_exhibit_config_load(&b, path), "%s", mz_error());
    MZ_CHECK(memcmp(&a, &b, sizeof a) == 0);
    f = fopen(path, "r");
    char text[16384];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    for (int i = 0; i < mz_exhibit_config_count(); i++) {
        char want[128];
        snprintf(want, sizeof want, "\n%s = ", mz_exhibit_config_key(i));
        char *at = strstr(text, want); /* the '\n' ending the line before */
        char *line = at;
        while (line && line > text && line[-1] != '\n')
            line--;
        MZ_CHECK_MSG(at && line > text && line[0] == '#', "no comment above %s", want + 1);
    }
    MZ_CHECK_HAS(text, "# seconds without a key mid-story before the countdown shows (0.1..86400)\nidle_warn = 45\n");
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

static void test_log_rotates(void)
{
    char path[256], old[300];
    snprintf(path, sizeof path, "%s/sessions.jsonl", dir);
    mz_exhibit_log *log = mz_exhibit_log_open(path, 100, 2);
    MZ_CHECK(log);
    if (!log) return;
    char line[41];
    memset(line, 'x', 40);
    line[40] = '\0';
    for (int i = 0; i < 7; i++)
        MZ_CHECK(mz_exhibit_log_write(log, line)); /* 41 bytes each: 2 a file */
    mz_exhibit_log_close(log);
    MZ_CHECK(file_size(path) == 41); /* the 7th */
    snprintf(old, sizeof old, "%s.1", path);
    MZ_CHECK(file_size(old) == 82);
    snprintf(old, sizeof old, "%s.2", path);
    MZ_CHECK(file_size(old) == 82);
    snprintf(old, sizeof old, "%s.3", path);
    MZ_CHECK(file_size(old) == -1); /* keep = 2 */
    /* reopened, it goes on from the size on disk */
    log = mz_exhibit_log_open(path, 100, 2);
    MZ_CHECK(log && mz_exhibit_log_write(log, line) && file_size(path) == 82);
    mz_exhibit_log_close(log);
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    MZ_RUN(test_defaults);
    MZ_RUN(test_values);
    MZ_RUN(test_errors);
    MZ_RUN(test_print_round_trip);
    MZ_RUN(test_log_rotates);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    return mz_test_finish();
}
