/* mz_metrics — see mz_metrics.h. The text follows the exposition format
 * 0.0.4: "# HELP name text" (backslash and newline escaped), "# TYPE name
 * type", then the family's samples; label values escape backslash, double
 * quote and newline; a histogram gives cumulative name_bucket{le="…"}
 * series ending with le="+Inf", then name_sum and name_count. */
#include "mz_metrics.h"

#include "mz_error.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct series {
    mz_metric_type type;
    char *name, *help, *label, *label_value;
    double value; /* counter, gauge; a histogram's sum */
    double bounds[MZ_METRICS_MAX_BUCKETS];
    unsigned long long counts[MZ_METRICS_MAX_BUCKETS + 1]; /* per bucket, not cumulative */
    unsigned long long count;
    int n_bounds;
} series;

struct mz_metrics {
    pthread_mutex_t mu;
    series *s;
    int n, cap;
};

static const double default_bounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

mz_metrics *mz_metrics_create(void)
{
    mz_metrics *m = calloc(1, sizeof *m);
    if (!m) {
        mz_fail("metrics: out of memory");
        return NULL;
    }
    pthread_mutex_init(&m->mu, NULL);
    return m;
}

static void series_free(series *s)
{
    free(s->name);
    free(s->help);
    free(s->label);
    free(s->label_value);
}

void mz_metrics_destroy(mz_metrics *m)
{
    if (!m) return;
    for (int i = 0; i < m->n; i++)
        series_free(&m->s[i]);
    free(m->s);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

static bool valid_name(const char *s, bool colon)
{
    const char *first = colon ? "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_:"
                              : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
    const char *rest = colon ? "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_:0123456789"
                             : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789";
    return s && s[0] && strchr(first, s[0]) && strspn(s, rest) == strlen(s);
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

/* The desc checked against the format and the series registered so far. */
static bool check(const mz_metrics *m, const mz_metric_desc *d)
{
    if (!valid_name(d->name, true))
        return mz_fail("metrics: '%s' is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)",
                       d->name ? d->name : "(null)");
    if (d->label &&
        (!valid_name(d->label, false) || !strcmp(d->label, "le") || !strncmp(d->label, "__", 2)))
        return mz_fail("metrics: %s: '%s' is not a label name", d->name, d->label);
    if (d->n_buckets < 0 || d->n_buckets > MZ_METRICS_MAX_BUCKETS)
        return mz_fail("metrics: %s: 0 to %d buckets", d->name, MZ_METRICS_MAX_BUCKETS);
    for (int i = 0; i < d->n_buckets; i++)
        if (!isfinite(d->buckets[i]) || (i > 0 && d->buckets[i] <= d->buckets[i - 1]))
            return mz_fail("metrics: %s: bucket bounds are finite and strictly ascending", d->name);
    for (int i = 0; i < m->n; i++) {
        const series *s = &m->s[i];
        if (strcmp(s->name, d->name)) continue;
        if (s->type != d->type || strcmp(s->help, d->help ? d->help : ""))
            return mz_fail("metrics: %s: a series of a family has its type and help", d->name);
        if (!strcmp(s->label, d->label ? d->label : "") &&
            !strcmp(s->label_value, d->label_value ? d->label_value : ""))
            return mz_fail("metrics: %s: this series is already registered", d->name);
    }
    return true;
}

int mz_metrics_add(mz_metrics *m, const mz_metric_desc *d)
{
    pthread_mutex_lock(&m->mu);
    int id = -1;
    if (!check(m, d)) goto out;
    if (m->n == m->cap) {
        int cap = m->cap ? 2 * m->cap : 16;
        series *s = realloc(m->s, (size_t)cap * sizeof *s);
        if (!s) {
            mz_fail("metrics: out of memory");
            goto out;
        }
        m->s = s;
        m->cap = cap;
    }
    series *s = &m->s[m->n];
    memset(s, 0, sizeof *s);
    s->type = d->type;
    s->name = dup_or_empty(d->name);
    s->help = dup_or_empty(d->help);
    s->label = dup_or_empty(d->label);
    s->label_value = dup_or_empty(d->label_value);
    if (!s->name || !s->help || !s->label || !s->label_value) {
        series_free(s);
        mz_fail("metrics: out of memory");
        goto out;
    }
    const double *b = d->n_buckets ? d->buckets : default_bounds;
    s->n_bounds = d->n_buckets ? d->n_buckets : (int)(sizeof default_bounds / sizeof *b);
    memcpy(s->bounds, b, (size_t)s->n_bounds * sizeof *b);
    id = m->n++;
out:
    pthread_mutex_unlock(&m->mu);
    return id;
}

/* The series id names when it is of type t; NULL otherwise. Under mu. */
static series *get(mz_metrics *m, int id, int t)
{
    if (id < 0 || id >= m->n) return NULL;
    return t < 0 || m->s[id].type == (mz_metric_type)t ? &m->s[id] : NULL;
}

void mz_metrics_inc(mz_metrics *m, int id, double by)
{
    if (!(by >= 0)) return;
    pthread_mutex_lock(&m->mu);
    series *s = get(m, id, MZ_METRIC_COUNTER);
    if (s) s->value += by;
    pthread_mutex_unlock(&m->mu);
}

void mz_metrics_set(mz_metrics *m, int id, double v)
{
    pthread_mutex_lock(&m->mu);
    series *s = get(m, id, MZ_METRIC_GAUGE);
    if (s) s->value = v;
    pthread_mutex_unlock(&m->mu);
}

void mz_metrics_observe(mz_metrics *m, int id, double v)
{
    if (isnan(v)) return;
    pthread_mutex_lock(&m->mu);
    series *s = get(m, id, MZ_METRIC_HISTOGRAM);
    if (s) {
        int i = 0;
        while (i < s->n_bounds && v > s->bounds[i])
            i++;
        s->counts[i]++;
        s->count++;
        s->value += v;
    }
    pthread_mutex_unlock(&m->mu);
}

void mz_metrics_set_total(mz_metrics *m, int id, double total)
{
    pthread_mutex_lock(&m->mu);
    series *s = get(m, id, MZ_METRIC_COUNTER);
    if (s && total >= s->value) s->value = total;
    pthread_mutex_unlock(&m->mu);
}

void mz_metrics_set_histogram(mz_metrics *m, int id, const unsigned long long *cumulative,
                              unsigned long long count, double sum)
{
    pthread_mutex_lock(&m->mu);
    series *s = get(m, id, MZ_METRIC_HISTOGRAM);
    if (s) {
        /* Stored per bucket; a count that went backwards is read as 0. */
        unsigned long long below = 0;
        for (int i = 0; i <= s->n_bounds; i++) {
            unsigned long long upto = i < s->n_bounds ? cumulative[i] : count;
            s->counts[i] = upto > below ? upto - below : 0;
            below = upto > below ? upto : below;
        }
        s->count = count;
        s->value = sum;
    }
    pthread_mutex_unlock(&m->mu);
}

double mz_metrics_value(mz_metrics *m, int id)
{
    pthread_mutex_lock(&m->mu);
    series *s = get(m, id, -1);
    double v = !s ? NAN : s->type == MZ_METRIC_HISTOGRAM ? (double)s->count : s->value;
    pthread_mutex_unlock(&m->mu);
    return v;
}

bool mz_metrics_quantile(mz_metrics *m, int id, double q, double *out)
{
    pthread_mutex_lock(&m->mu);
    series *s = get(m, id, MZ_METRIC_HISTOGRAM);
    bool ok = s && s->count > 0 && q >= 0 && q <= 1;
    if (ok) {
        double rank = q * (double)s->count, below = 0;
        int i = 0;
        while (i < s->n_bounds && below + (double)s->counts[i] < rank)
            below += (double)s->counts[i++];
        if (i == s->n_bounds) {
            *out = s->bounds[s->n_bounds - 1];
        } else {
            double lo = i > 0 ? s->bounds[i - 1] : 0, hi = s->bounds[i];
            double in = (double)s->counts[i];
            *out = in > 0 ? lo + (hi - lo) * (rank - below) / in : lo;
        }
    }
    pthread_mutex_unlock(&m->mu);
    return ok || mz_fail("metrics: no observations for a quantile");
}

/* ---- the text ----------------------------------------------------------- */

/* Shortest text that reads back as v (Go's ParseFloat reads these). */
static void put_number(FILE *f, double v)
{
    if (isnan(v)) {
        fputs("NaN", f);
        return;
    }
    if (isinf(v)) {
        fputs(v > 0 ? "+Inf" : "-Inf", f);
        return;
    }
    char buf[32];
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    fputs(buf, f);
}

/* HELP text escapes \ and newline; label values also ". */
static void put_escaped(FILE *f, const char *s, bool quote)
{
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\\\", f);
        else if (*s == '\n')
            fputs("\\n", f);
        else if (quote && *s == '"')
            fputs("\\\"", f);
        else
            fputc(*s, f);
    }
}

/* name{label="value",le="bound"} — the braces only when there are labels. */
static void put_series(FILE *f, const series *s, const char *suffix, const double *le)
{
    fputs(s->name, f);
    fputs(suffix, f);
    if (!s->label[0] && !le) return;
    fputc('{', f);
    if (s->label[0]) {
        fprintf(f, "%s=\"", s->label);
        put_escaped(f, s->label_value, true);
        fputc('"', f);
    }
    if (le) {
        fputs(s->label[0] ? ",le=\"" : "le=\"", f);
        put_number(f, *le);
        fputc('"', f);
    }
    fputc('}', f);
}

static void put_samples(FILE *f, const series *s)
{
    if (s->type != MZ_METRIC_HISTOGRAM) {
        put_series(f, s, "", NULL);
        fputc(' ', f);
        put_number(f, s->value);
        fputc('\n', f);
        return;
    }
    unsigned long long cumulative = 0;
    for (int i = 0; i <= s->n_bounds; i++) {
        double le = i < s->n_bounds ? s->bounds[i] : INFINITY;
        cumulative += s->counts[i];
        put_series(f, s, "_bucket", &le);
        fprintf(f, " %llu\n", cumulative);
    }
    put_series(f, s, "_sum", NULL);
    fputc(' ', f);
    put_number(f, s->value);
    fputc('\n', f);
    put_series(f, s, "_count", NULL);
    fprintf(f, " %llu\n", s->count);
}

char *mz_metrics_text(mz_metrics *m, size_t *len)
{
    static const char *const types[] = {"counter", "gauge", "histogram"};
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f) {
        mz_fail("metrics: out of memory");
        return NULL;
    }
    pthread_mutex_lock(&m->mu);
    /* Families in the order their first series was registered, each
     * family's series together. */
    for (int i = 0; i < m->n; i++) {
        bool seen = false;
        for (int j = 0; j < i && !seen; j++)
            seen = !strcmp(m->s[j].name, m->s[i].name);
        if (seen) continue;
        fprintf(f, "# HELP %s ", m->s[i].name);
        put_escaped(f, m->s[i].help, false);
        fprintf(f, "\n# TYPE %s %s\n", m->s[i].name, types[m->s[i].type]);
        for (int j = i; j < m->n; j++)
            if (!strcmp(m->s[j].name, m->s[i].name)) put_samples(f, &m->s[j]);
    }
    pthread_mutex_unlock(&m->mu);
    if (fclose(f) || !text) {
        free(text);
        mz_fail("metrics: out of memory");
        return NULL;
    }
    if (len) *len = size;
    return text;
}
