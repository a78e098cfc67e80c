/* mz_metrics — a registry of counters, gauges and histograms, written out in
 * the Prometheus text exposition format 0.0.4 (what `GET /metrics` answers,
 * for the Prometheus + Grafana setups installations already run).
 *
 * A metric is registered once and named by the id that returns. Series that
 * share a name form one family (one HELP and TYPE line, then every series
 * of it); they must agree on type and help and differ in their label.
 *
 * Threading: every call is safe from any thread (one mutex per registry).
 * Ownership: names, help and labels are copied; mz_metrics_text's string is
 * the caller's to free. Errors: -1 / false / NULL + mz_error(). */
#ifndef MZ_METRICS_H
#define MZ_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#define MZ_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define MZ_METRICS_MAX_BUCKETS 32

typedef struct mz_metrics mz_metrics;

typedef enum mz_metric_type {
    MZ_METRIC_COUNTER,  /* only goes up: sessions, endings, restarts */
    MZ_METRIC_GAUGE,    /* a level: RSS, fps, connected phones */
    MZ_METRIC_HISTOGRAM /* a distribution: latencies, in seconds */
} mz_metric_type;

typedef struct mz_metric_desc {
    mz_metric_type type;
    const char *name;        /* [a-zA-Z_:][a-zA-Z0-9_:]*; counters end in _total */
    const char *help;        /* one line of text (escaped on output) */
    const char *label;       /* optional: one label name ([a-zA-Z_][a-zA-Z0-9_]*, not "le") */
    const char *label_value; /* its value, any UTF-8 (escaped on output) */
    /* Histograms: upper bounds, strictly ascending and finite (+Inf is
     * added); n_buckets 0: 5 ms to 10 s, Prometheus' default bounds. */
    const double *buckets;
    int n_buckets;
} mz_metric_desc;

mz_metrics *mz_metrics_create(void);
void mz_metrics_destroy(mz_metrics *m);

/* Returns the new series' id (>= 0), or -1. */
int mz_metrics_add(mz_metrics *m, const mz_metric_desc *desc);

/* Counters: adds by (>= 0; negative or NaN is ignored: a counter never
 * goes down). Gauges: set to v. Histograms: one observation. An id of the
 * wrong type or out of range is ignored. */
void mz_metrics_inc(mz_metrics *m, int id, double by);
void mz_metrics_set(mz_metrics *m, int id, double v);
void mz_metrics_observe(mz_metrics *m, int id, double v);

/* For counts kept elsewhere (a supervisor's, read when /metrics is asked):
 * a counter's total (ignored when lower than now: a counter never goes
 * down), and a histogram's state: cumulative[i] observations <= bound i,
 * one entry per bound (the +Inf bucket is count), their sum and count. */
void mz_metrics_set_total(mz_metrics *m, int id, double total);
void mz_metrics_set_histogram(mz_metrics *m, int id, const unsigned long long *cumulative,
                              unsigned long long count, double sum);

/* A counter's or gauge's value; a histogram's count. */
double mz_metrics_value(mz_metrics *m, int id);
/* The q-quantile (0..1) of a histogram, interpolated within its bucket
 * as Prometheus' histogram_quantile does; false when it has no
 * observations. The +Inf bucket answers its lower bound. */
bool mz_metrics_quantile(mz_metrics *m, int id, double q, double *out);

/* The exposition text (malloc'd, NUL-terminated; *len its length if len
 * is not NULL). */
char *mz_metrics_text(mz_metrics *m, size_t *len);

#endif
