/* Decoded sound: the authors' WAV and OGG Vorbis files, resampled to the
 * mixer's rate and kept to at most two channels. */
#include "mz_audio_internal.h"
#include "mz_buf.h"
#include "mz_error.h"

#include <errno.h>
#include <stdint.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vorbis/vorbisfile.h>

/* A sound file longer than this is refused (memory: 10 min of stereo float
 * is 200 MB). */
#define MAX_SECONDS 600

void mz_clip_free(mz_clip *clip)
{
    if (!clip) return;
    free(clip->samples);
    free(clip);
}

mz_clip *mz_clip_make(float *samples, size_t frames, int channels, int rate)
{
    if (rate != MZ_AUDIO_RATE && frames > 1) {
        /* Linear interpolation: good enough for ambience and speech. */
        double ratio = (double)rate / MZ_AUDIO_RATE;
        size_t out_frames = (size_t)((double)(frames - 1) / ratio) + 1;
        float *out = malloc(sizeof(float) * out_frames * (size_t)channels);
        if (!out) {
            free(samples);
            mz_fail("out of memory resampling %zu frames", frames);
            return NULL;
        }
        for (size_t i = 0; i < out_frames; i++) {
            double x = (double)i * ratio;
            size_t j = (size_t)x;
            float w = (float)(x - (double)j);
            size_t j1 = j + 1 < frames ? j + 1 : j;
            for (int c = 0; c < channels; c++)
                out[i * (size_t)channels + (size_t)c] =
                    samples[j * (size_t)channels + (size_t)c] * (1.0f - w) +
                    samples[j1 * (size_t)channels + (size_t)c] * w;
        }
        free(samples);
        samples = out;
        frames = out_frames;
    }
    mz_clip *clip = malloc(sizeof *clip);
    if (!clip) {
        free(samples);
        mz_fail("out of memory");
        return NULL;
    }
    *clip = (mz_clip){samples, frames, channels};
    return clip;
}

/* ---- WAV ---- */

static uint32_t le16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}
static uint32_t le32(const uint8_t *p)
{
    return le16(p) | le16(p + 2) << 16;
}

static float wav_sample(const uint8_t *p, int bits, bool is_float)
{
    switch (bits) {
    case 8:
        return ((float)p[0] - 128.0f) / 128.0f;
    case 16:
        return (float)(int16_t)le16(p) / 32768.0f;
    case 24:
        return (float)((int32_t)((uint32_t)p[0] << 8 | (uint32_t)p[1] << 16 |
                                 (uint32_t)p[2] << 24) >>
                       8) /
               8388608.0f;
    default:
        if (is_float) {
            uint32_t u = le32(p);
            float f;
            memcpy(&f, &u, sizeof f);
            return f;
        }
        return (float)(int32_t)le32(p) / 2147483648.0f;
    }
}

mz_clip *mz_clip_parse_wav(const uint8_t *data, size_t size)
{
    if (size < 12 || memcmp(data, "RIFF", 4) || memcmp(data + 8, "WAVE", 4)) {
        mz_fail("not a WAV file (no RIFF/WAVE header)");
        return NULL;
    }
    int format = 0, channels = 0, rate = 0, bits = 0;
    const uint8_t *pcm = NULL;
    size_t pcm_size = 0;
    for (size_t off = 12; off + 8 <= size;) {
        uint32_t len = le32(data + off + 4);
        const uint8_t *body = data + off + 8;
        size_t avail = size - off - 8;
        if (!memcmp(data + off, "fmt ", 4) && len >= 16 && avail >= 16) {
            format = (int)le16(body);
            channels = (int)le16(body + 2);
            rate = (int)le32(body + 4);
            bits = (int)le16(body + 14);
            if (format == 0xfffe && len >= 40 && avail >= 40) format = (int)le16(body + 24);
        } else if (!memcmp(data + off, "data", 4)) {
            pcm = body;
            /* A writer that never went back to fill the size (a stream cut
             * short) leaves it 0 or too large: take what is there. */
            pcm_size = len == 0 || len > avail ? avail : len;
            break;
        }
        off += 8 + (size_t)len + (len & 1);
    }
    bool is_float = format == 3;
    if (!pcm || (format != 1 && !is_float) || channels < 1 || rate < 1000 || rate > 384000 ||
        !(bits == 8 || bits == 16 || bits == 24 || bits == 32) || (is_float && bits != 32)) {
        mz_fail("unsupported WAV (format %d, %d channels, %d Hz, %d bits): PCM 8/16/24/32-bit "
                "or 32-bit float expected",
                format, channels, rate, bits);
        return NULL;
    }
    size_t stride = (size_t)channels * (size_t)(bits / 8);
    size_t frames = pcm_size / stride;
    if (frames > (size_t)rate * MAX_SECONDS) {
        mz_fail("WAV longer than %d s", MAX_SECONDS);
        return NULL;
    }
    int keep = channels >= 2 ? 2 : 1;
    float *s = malloc(sizeof(float) * (frames ? frames : 1) * (size_t)keep);
    if (!s) {
        mz_fail("out of memory reading WAV");
        return NULL;
    }
    for (size_t i = 0; i < frames; i++)
        for (int c = 0; c < keep; c++)
            s[i * (size_t)keep + (size_t)c] =
                wav_sample(pcm + i * stride + (size_t)c * (size_t)(bits / 8), bits, is_float);
    return mz_clip_make(s, frames, keep, rate);
}

static uint8_t *read_all(const char *path, size_t *size)
{
    mz_buf b = {0};
    if (!mz_buf_read_file(&b, path, SIZE_MAX)) {
        mz_fail(errno == ENOMEM ? "out of memory" : "cannot read (%s)", strerror(errno));
        mz_buf_free(&b);
        return NULL;
    }
    return (uint8_t *)mz_buf_take(&b, size);
}

/* ---- OGG Vorbis ---- */

static mz_clip *load_ogg(const char *path)
{
    OggVorbis_File vf;
    if (ov_fopen(path, &vf) != 0) {
        mz_fail("not a readable OGG Vorbis file");
        return NULL;
    }
    vorbis_info *info = ov_info(&vf, -1);
    int channels = info->channels, rate = (int)info->rate;
    int keep = channels >= 2 ? 2 : 1;
    float *s = NULL;
    size_t frames = 0, cap = 0;
    for (;;) {
        float **pcm;
        int section;
        long got = ov_read_float(&vf, &pcm, 4096, &section);
        if (got == OV_HOLE) continue; /* a gap in the stream: keep going */
        if (got < 0) {
            free(s);
            ov_clear(&vf);
            mz_fail("corrupt OGG Vorbis data");
            return NULL;
        }
        if (got == 0) break;
        if (frames + (size_t)got > (size_t)rate * MAX_SECONDS) {
            free(s);
            ov_clear(&vf);
            mz_fail("OGG longer than %d s", MAX_SECONDS);
            return NULL;
        }
        if (frames + (size_t)got > cap) {
            cap = (frames + (size_t)got) * 2;
            float *ns = realloc(s, sizeof(float) * cap * (size_t)keep);
            if (!ns) {
                free(s);
                ov_clear(&vf);
                mz_fail("out of memory reading OGG");
                return NULL;
            }
            s = ns;
        }
        for (long i = 0; i < got; i++)
            for (int c = 0; c < keep; c++)
                s[(frames + (size_t)i) * (size_t)keep + (size_t)c] = pcm[c][i];
        frames += (size_t)got;
    }
    ov_clear(&vf);
    if (!frames) {
        free(s);
        mz_fail("OGG file has no audio");
        return NULL;
    }
    return mz_clip_make(s, frames, keep, rate);
}

mz_clip *mz_clip_load(const char *path)
{
    size_t size = 0;
    uint8_t *data = read_all(path, &size);
    mz_clip *clip = NULL;
    if (data && size >= 4 && !memcmp(data, "OggS", 4)) {
        free(data);
        clip = load_ogg(path);
    } else if (data) {
        clip = mz_clip_parse_wav(data, size);
        free(data);
    }
    if (!clip) mz_fail_context("%s", path);
    return clip;
}
