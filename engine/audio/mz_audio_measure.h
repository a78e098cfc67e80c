/* mz_audio_measure — listening by measurement: level and spectrum figures of
 * rendered audio, for the audio tests and tools/audio_demo.
 *
 * Input is mono float samples at `rate` (mix stereo down first with
 * mz_audio_measure_mono). Spectra are Hann-windowed, averaged periodograms of
 * `fft_size` (a power of two) with half overlap. Pure functions; a function
 * that needs memory returns a negative value when it cannot get it. */
#ifndef MZ_AUDIO_MEASURE_H
#define MZ_AUDIO_MEASURE_H

#include <stddef.h>

/* (L + R) / 2 of interleaved stereo into mono[frames]. */
void mz_audio_measure_mono(const float *stereo, size_t frames, float *mono);

double mz_audio_measure_rms(const float *x, size_t n);
/* The quietest stretch: the smallest RMS of windows of `window` samples,
 * half a window apart (a gap in a crossfade shows up here). 1e9 when n is
 * shorter than one window. */
double mz_audio_measure_min_rms(const float *x, size_t n, size_t window);
/* Largest |x[i]|. */
double mz_audio_measure_peak(const float *x, size_t n);
/* Largest |x[i] - x[i-1]|: a click shows up as a jump. */
double mz_audio_measure_max_jump(const float *x, size_t n);

/* Averaged power spectrum: power[fft_size/2 + 1]; returns the number of
 * frames averaged (0 if n < fft_size), or -1 on bad arguments / no memory. */
int mz_audio_measure_spectrum(const float *x, size_t n, int fft_size, double *power);

/* Spectral flatness across octave bands from lo_hz up to hi_hz: geometric
 * over arithmetic mean of the bands' mean power per bin. 1 = the same power
 * density in every octave (white noise); near 0 = energy in a few bands. */
double mz_audio_measure_band_flatness(const double *power, int fft_size, double rate, double lo_hz,
                                      double hi_hz);

/* Frequency of the strongest bin in [lo_hz, hi_hz], refined by parabolic
 * interpolation of the log power around it. */
double mz_audio_measure_peak_hz(const double *power, int fft_size, double rate, double lo_hz,
                                double hi_hz);

/* Share of the power between lo_hz and hi_hz in the power from 20 Hz up. */
double mz_audio_measure_band_ratio(const double *power, int fft_size, double rate, double lo_hz,
                                   double hi_hz);

#endif
