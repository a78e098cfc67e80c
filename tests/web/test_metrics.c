/* mz_metrics: the exposition text, byte for byte; what the registry
 * refuses; histogram buckets and quantiles. (tests/web/web.py parses a
 * served /metrics with the Prometheus client's own parser.) */
#include "mz_error.h"
#include "mz_metrics.h"
#include "mz_test.h"

#include <math.h>

static void test_text(void)
{
    mz_metrics *m = mz_metrics_create();
    int sessions = mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_COUNTER, "maze_sessions_total",
                                                       "Visitor sessions started."});
    int idle = mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_COUNTER, "maze_session_ends_total",
                                                   "Sessions ended, by why.", "reason", "idle"});
    int odd = mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_COUNTER, "maze_session_ends_total",
                                                  "Sessions ended, by why.", "reason",
                                                  "a \"quoted\"\\back\nline"});
    int rss = mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_GAUGE, "maze_rss_bytes",
                                                  "Resident memory with a \\ and a\nnewline."});
    double bounds[] = {0.1, 0.5, 1};
    int lat =
        mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_HISTOGRAM, "maze_turn_seconds",
                                            "Turn latency.", .buckets = bounds, .n_buckets = 3});
    MZ_CHECK(sessions == 0 && idle == 1 && odd == 2 && rss == 3 && lat == 4);
    mz_metrics_inc(m, sessions, 2);
    mz_metrics_inc(m, sessions, 1);
    mz_metrics_inc(m, sessions, -5); /* never down */
    mz_metrics_inc(m, sessions, NAN);
    mz_metrics_inc(m, idle, 1);
    mz_metrics_set(m, rss, 123456789);
    mz_metrics_set(m, sessions, 99); /* the wrong type: ignored */
    mz_metrics_observe(m, lat, 0.05);
    mz_metrics_observe(m, lat, 0.1); /* le is inclusive */
    mz_metrics_observe(m, lat, 0.7);
    mz_metrics_observe(m, lat, 3);
    size_t len = 0;
    char *text = mz_metrics_text(m, &len);
    MZ_CHECK_STR(text, "# HELP maze_sessions_total Visitor sessions started.\n"
                       "# TYPE maze_sessions_total counter\n"
                       "maze_sessions_total 3\n"
                       "# HELP maze_session_ends_total Sessions ended, by why.\n"
                       "# TYPE maze_session_ends_total counter\n"
                       "maze_session_ends_total{reason=\"idle\"} 1\n"
                       "maze_session_ends_total{reason=\"a \\\"quoted\\\"\\\\back\\nline\"} 0\n"
                       "# HELP maze_rss_bytes Resident memory with a \\\\ and a\\nnewline.\n"
                       "# TYPE maze_rss_bytes gauge\n"
                       "maze_rss_bytes 123456789\n"
                       "# HELP maze_turn_seconds Turn latency.\n"
                       "# TYPE maze_turn_seconds histogram\n"
                       "maze_turn_seconds_bucket{le=\"0.1\"} 2\n"
                       "maze_turn_seconds_bucket{le=\"0.5\"} 2\n"
                       "maze_turn_seconds_bucket{le=\"1\"} 3\n"
                       "maze_turn_seconds_bucket{le=\"+Inf\"} 4\n"
                       "maze_turn_seconds_sum 3.85\n"
                       "maze_turn_seconds_count 4\n");
    MZ_CHECK(text && len == strlen(text));
    free(text);
    MZ_CHECK(mz_metrics_value(m, sessions) == 3 && mz_metrics_value(m, lat) == 4);
    MZ_CHECK(isnan(mz_metrics_value(m, 99)));
    mz_metrics_destroy(m);
}

static void test_refused(void)
{
    mz_metrics *m = mz_metrics_create();
    MZ_CHECK(mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_GAUGE, "9lives", "x"}) == -1);
    MZ_CHECK_HAS(mz_error(), "'9lives' is not a metric name");
    MZ_CHECK(mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_GAUGE, "a-b", "x"}) == -1);
    MZ_CHECK(mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_GAUGE, NULL, "x"}) == -1);
    MZ_CHECK(mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_GAUGE, "g", "x", "le", "1"}) == -1);
    MZ_CHECK_HAS(mz_error(), "'le' is not a label name");
    MZ_CHECK(mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_GAUGE, "g", "x", "a:b", "1"}) == -1);
    double down[] = {1, 0.5};
    MZ_CHECK(mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_HISTOGRAM, "h", "x", .buckets = down,
                                                 .n_buckets = 2}) == -1);
    MZ_CHECK_HAS(mz_error(), "strictly ascending");
    double inf[] = {1, INFINITY};
    MZ_CHECK(mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_HISTOGRAM, "h", "x", .buckets = inf,
                                                 .n_buckets = 2}) == -1);
    MZ_CHECK(mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_GAUGE, "g", "x"}) == 0);
    MZ_CHECK(mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_GAUGE, "g", "x"}) == -1);
    MZ_CHECK_HAS(mz_error(), "already registered");
    MZ_CHECK(mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_COUNTER, "g", "x", "k", "v"}) == -1);
    MZ_CHECK_HAS(mz_error(), "its type and help");
    MZ_CHECK(mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_GAUGE, "g", "y", "k", "v"}) == -1);
    MZ_CHECK(mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_GAUGE, "g", "x", "k", "v"}) == 1);
    mz_metrics_destroy(m);
}

static void test_quantile(void)
{
    mz_metrics *m = mz_metrics_create();
    int h = mz_metrics_add(
        m, &(mz_metric_desc){MZ_METRIC_HISTOGRAM, "maze_first_frame_seconds", "First frame."});
    double q;
    MZ_CHECK(!mz_metrics_quantile(m, h, 0.95, &q));
    /* 100 observations: 90 at 30 ms (bucket 25–50 ms), 10 at 0.3 s (0.25–0.5). */
    for (int i = 0; i < 90; i++)
        mz_metrics_observe(m, h, 0.03);
    for (int i = 0; i < 10; i++)
        mz_metrics_observe(m, h, 0.3);
    MZ_CHECK(mz_metrics_quantile(m, h, 0.5, &q));
    /* rank 50 of the 90 in (0.025, 0.05]: 0.025 + 0.025 * 50/90 */
    MZ_CHECK_MSG(fabs(q - (0.025 + 0.025 * 50.0 / 90.0)) < 1e-12, "p50 %g", q);
    MZ_CHECK(mz_metrics_quantile(m, h, 0.95, &q));
    /* rank 95: 5 of the 10 in (0.25, 0.5]: 0.375 */
    MZ_CHECK_MSG(fabs(q - 0.375) < 1e-12, "p95 %g", q);
    mz_metrics_observe(m, h, 60); /* past the last bound */
    MZ_CHECK(mz_metrics_quantile(m, h, 1, &q) && q == 10);
    mz_metrics_destroy(m);
}

/* Counts kept by someone else (the exhibit's supervisor) are mirrored. */
static void test_collected(void)
{
    mz_metrics *m = mz_metrics_create();
    int c = mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_COUNTER, "c_total", "c"});
    double bounds[] = {0.1, 1};
    int h = mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_HISTOGRAM, "h_seconds", "h",
                                                .buckets = bounds, .n_buckets = 2});
    mz_metrics_set_total(m, c, 10);
    mz_metrics_set_total(m, c, 4); /* lower: ignored */
    MZ_CHECK(mz_metrics_value(m, c) == 10);
    unsigned long long cumulative[] = {2, 5};
    mz_metrics_set_histogram(m, h, cumulative, 6, 9.5);
    char *text = mz_metrics_text(m, NULL);
    MZ_CHECK_HAS(text, "h_seconds_bucket{le=\"0.1\"} 2\n"
                       "h_seconds_bucket{le=\"1\"} 5\n"
                       "h_seconds_bucket{le=\"+Inf\"} 6\n"
                       "h_seconds_sum 9.5\n"
                       "h_seconds_count 6\n");
    MZ_CHECK_HAS(text, "c_total 10\n");
    free(text);
    double q;
    /* rank 3 of 6: the first of the 3 in (0.1, 1] */
    MZ_CHECK(mz_metrics_quantile(m, h, 0.5, &q) && fabs(q - 0.4) < 1e-12);
    mz_metrics_destroy(m);
}

int main(void)
{
    MZ_RUN(test_text);
    MZ_RUN(test_refused);
    MZ_RUN(test_quantile);
    MZ_RUN(test_collected);
    return mz_test_finish();
}
