#include "mz_audio_measure.h"

#include <math.h>
#include <stdlib.h>

#define PI 3.14159265358979323846

void mz_audio_measure_mono(const float *stereo, size_t frames, float *mono)
{
    for (size_t i = 0; i < frames; i++)
        mono[i] = 0.5f * (stereo[2 * i] + stereo[2 * i + 1]);
}

double mz_audio_measure_rms(const float *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)x[i] * x[i];
    return n ? sqrt(s / (double)n) : 0;
}

double mz_audio_measure_min_rms(const float *x, size_t n, size_t window)
{
    double m = 1e9;
    for (size_t i = 0; i + window <= n; i += window / 2) {
        double r = mz_audio_measure_rms(x + i, window);
        if (r < m) m = r;
    }
    return m;
}

double mz_audio_measure_peak(const float *x, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs(x[i]) > m) m = fabs(x[i]);
    return m;
}

double mz_audio_measure_max_jump(const float *x, size_t n)
{
    double m = 0;
    for (size_t i = 1; i < n; i++) {
        double d = fabs((double)x[i] - x[i - 1]);
        if (d > m) m = d;
    }
    return m;
}

/* In-place iterative radix-2 FFT of re/im[n]. */
static void fft(double *re, double *im, int n)
{
    for (int i = 1, j = 0; i < n; i++) {
        int bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j |= bit;
        if (i < j) {
            double t = re[i];
            re[i] = re[j];
            re[j] = t;
            t = im[i];
            im[i] = im[j];
            im[j] = t;
        }
    }
    for (int len = 2; len <= n; len <<= 1) {
        double a = -2 * PI / len, wr = cos(a), wi = sin(a);
        for (int i = 0; i < n; i += len) {
            double cr = 1, ci = 0;
            for (int k = 0; k < len / 2; k++) {
                int p = i + k, q = i + k + len / 2;
                double tr = re[q] * cr - im[q] * ci, ti = re[q] * ci + im[q] * cr;
                re[q] = re[p] - tr;
                im[q] = im[p] - ti;
                re[p] += tr;
                im[p] += ti;
                double ncr = cr * wr - ci * wi;
                ci = cr * wi + ci * wr;
                cr = ncr;
            }
        }
    }
}

int mz_audio_measure_spectrum(const float *x, size_t n, int fft_size, double *power)
{
    if (fft_size < 2 || (fft_size & (fft_size - 1))) return -1;
    double *re = malloc(sizeof(double) * (size_t)fft_size * 2);
    if (!re) return -1;
    double *im = re + fft_size;
    int bins = fft_size / 2 + 1, frames = 0;
    for (int b = 0; b < bins; b++)
        power[b] = 0;
    for (size_t start = 0; start + (size_t)fft_size <= n; start += (size_t)fft_size / 2) {
        for (int i = 0; i < fft_size; i++) {
            double w = 0.5 - 0.5 * cos(2 * PI * i / fft_size);
            re[i] = w * x[start + (size_t)i];
            im[i] = 0;
        }
        fft(re, im, fft_size);
        for (int b = 0; b < bins; b++)
            power[b] += re[b] * re[b] + im[b] * im[b];
        frames++;
    }
    for (int b = 0; frames && b < bins; b++)
        power[b] /= frames;
    free(re);
    return frames;
}

static int bin_of(double hz, int fft_size, double rate)
{
    int b = (int)lround(hz * fft_size / rate);
    return b < 0 ? 0 : b > fft_size / 2 ? fft_size / 2 : b;
}

double mz_audio_measure_band_flatness(const double *power, int fft_size, double rate, double lo_hz,
                                      double hi_hz)
{
    double log_sum = 0, sum = 0;
    int bands = 0;
    for (double f = lo_hz; f * 2 <= hi_hz * 1.0001; f *= 2) {
        int a = bin_of(f, fft_size, rate), b = bin_of(f * 2, fft_size, rate);
        double p = 0;
        for (int i = a; i < b; i++)
            p += power[i];
        p = b > a ? p / (b - a) : 0;
        log_sum += log(p + 1e-30);
        sum += p;
        bands++;
    }
    if (!bands || sum <= 0) return 0;
    return exp(log_sum / bands) / (sum / bands);
}

double mz_audio_measure_peak_hz(const double *power, int fft_size, double rate, double lo_hz,
                                double hi_hz)
{
    int a = bin_of(lo_hz, fft_size, rate), b = bin_of(hi_hz, fft_size, rate), best = a;
    for (int i = a; i <= b; i++)
        if (power[i] > power[best]) best = i;
    double off = 0;
    if (best > 0 && best < fft_size / 2) {
        double l = log(power[best - 1] + 1e-30), c = log(power[best] + 1e-30),
               r = log(power[best + 1] + 1e-30);
        double den = l - 2 * c + r;
        if (den < 0) off = 0.5 * (l - r) / den;
    }
    return (best + off) * rate / fft_size;
}

double mz_audio_measure_band_ratio(const double *power, int fft_size, double rate, double lo_hz,
                                   double hi_hz)
{
    int a = bin_of(lo_hz, fft_size, rate), b = bin_of(hi_hz, fft_size, rate);
    double in = 0, all = 0;
    for (int i = bin_of(20, fft_size, rate); i <= fft_size / 2; i++) {
        all += power[i];
        if (i >= a && i <= b) in += power[i];
    }
    return all > 0 ? in / all : 0;
}
