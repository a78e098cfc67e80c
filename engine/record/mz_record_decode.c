/* Pictures out of a byte stream (see mz_record_decode.h): the stream's
 * first bytes pick the reader, libwebp's for WebP (record_webp.c), FFmpeg's
 * for everything else. */
#include "mz_record_decode.h"

#include "mz_error.h"
#include "record_decode_internal.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
#include <stdlib.h>
#include <string.h>

#define IO_BUFFER (64 << 10)
/* What a failure without seeking most likely means. */
#define UNSEEKABLE " (it cannot seek: is the MP4's index at the end?)"
#define DEFAULT_MAX_DIM 16384

typedef mz_record_input input;

/* ---- FFmpeg --------------------------------------------------------------- */

static bool av_fail(int err, const char *what)
{
    char msg[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(err, msg, sizeof msg);
    return mz_fail("decode: %s: %s", what, msg);
}

static int io_read(void *opaque, uint8_t *buf, int cap)
{
    long n = mz_record_input_read(opaque, buf, (size_t)cap);
    return n > 0 ? (int)n : n == 0 ? AVERROR_EOF : AVERROR(EIO);
}

static int64_t io_seek(void *opaque, int64_t offset, int whence)
{
    input *in = opaque;
    whence &= ~AVSEEK_FORCE;
    if (whence == AVSEEK_SIZE) return in->src->size ? (int64_t)in->src->size : -1;
    if (whence == SEEK_CUR) offset += (int64_t)in->pos;
    if (whence == SEEK_END && in->src->size)
        offset += (int64_t)in->src->size;
    else if (whence == SEEK_END)
        return -1;
    if (offset < 0 || !in->src->seek || !in->src->seek(in->src->user, (uint64_t)offset))
        return AVERROR(EIO);
    in->head_pos = in->head_len; /* the peeked bytes are behind us now */
    in->pos = (uint64_t)offset;
    return offset;
}

typedef struct av_state {
    input *in;
    AVIOContext *io;
    AVFormatContext *fmt;
    AVCodecContext *dec;
    AVFrame *frame;
    AVPacket *pkt;
    struct SwsContext *sws;
    uint8_t *rgba;
    size_t rgba_cap;
    int stream;
    int64_t first_pts;
    uint32_t index;
    double length_s;
    bool stopped;
} av_state;

static bool av_emit(av_state *s, const mz_record_decode_desc *d)
{
    AVFrame *f = s->frame;
    uint32_t w = (uint32_t)f->width, h = (uint32_t)f->height;
    if (w > d->max_dim || h > d->max_dim)
        return mz_fail("decode: a %ux%u picture (the limit is %u)", w, h, d->max_dim);
    size_t bytes = (size_t)w * h * 4;
    if (bytes > s->rgba_cap) {
        uint8_t *grown = realloc(s->rgba, bytes);
        if (!grown) return mz_fail("decode: out of memory");
        s->rgba = grown;
        s->rgba_cap = bytes;
    }
    s->sws = sws_getCachedContext(s->sws, f->width, f->height, f->format, f->width, f->height,
                                  AV_PIX_FMT_RGBA, SWS_BILINEAR, NULL, NULL, NULL);
    if (!s->sws) return mz_fail("decode: cannot convert pixel format %d", f->format);
    uint8_t *dst[1] = {s->rgba};
    int stride[1] = {(int)w * 4};
    sws_scale(s->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, dst, stride);
    AVStream *st = s->fmt->streams[s->stream];
    int64_t pts = f->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) pts = s->first_pts == AV_NOPTS_VALUE ? 0 : s->first_pts;
    if (s->first_pts == AV_NOPTS_VALUE) s->first_pts = pts;
    mz_record_decoded out = {.rgba = s->rgba,
                             .width = w,
                             .height = h,
                             .index = s->index++,
                             .time_s = (double)(pts - s->first_pts) * av_q2d(st->time_base),
                             .length_s = s->length_s};
    if (!d->frame(d->user, &out)) s->stopped = true;
    return true;
}

/* A failure: the source's own message when it failed first (a packet cut
 * short by a dropped connection fails to decode), else FFmpeg's. */
static bool av_state_fail(const av_state *s, int err, const char *what)
{
    return s->in->failed ? false : av_fail(err, what);
}

/* Sends one packet (NULL: the end) and hands on every picture it gives. */
static bool av_decode(av_state *s, const mz_record_decode_desc *d, const AVPacket *pkt)
{
    int err = avcodec_send_packet(s->dec, pkt);
    if (err < 0 && err != AVERROR_EOF) return av_state_fail(s, err, "decode");
    while (!s->stopped) {
        err = avcodec_receive_frame(s->dec, s->frame);
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return true;
        if (err < 0) return av_state_fail(s, err, "decode");
        bool ok = av_emit(s, d);
        av_frame_unref(s->frame);
        if (!ok) return false;
    }
    return true;
}

static bool av_open(av_state *s, input *in, const mz_record_decode_desc *d)
{
    uint8_t *buf = av_malloc(IO_BUFFER);
    s->io = buf ? avio_alloc_context(buf, IO_BUFFER, 0, in, io_read, NULL, io_seek) : NULL;
    if (!s->io) {
        av_free(buf);
        return mz_fail("decode: out of memory");
    }
    s->io->seekable = in->src->seek ? AVIO_SEEKABLE_NORMAL : 0;
    if (!(s->fmt = avformat_alloc_context())) return mz_fail("decode: out of memory");
    s->fmt->pb = s->io;
    s->fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
    int err = avformat_open_input(&s->fmt, NULL, NULL, NULL);
    if (err < 0) return av_state_fail(s, err, "not a picture or video FFmpeg reads");
    /* A container whose header names the codec (MP4, WebM, APNG, GIF)
     * needs no look at its packets; probing them would hold several. */
    s->stream = av_find_best_stream(s->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (s->stream < 0 || !s->fmt->streams[s->stream]->codecpar->width) {
        if ((err = avformat_find_stream_info(s->fmt, NULL)) < 0) return av_fail(err, "stream info");
        s->stream = av_find_best_stream(s->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    }
    if (s->stream < 0) return mz_fail("decode: no picture in the stream");
    AVStream *st = s->fmt->streams[s->stream];
    for (unsigned i = 0; i < s->fmt->nb_streams; i++)
        if ((int)i != s->stream) s->fmt->streams[i]->discard = AVDISCARD_ALL;
    const AVCodec *codec = avcodec_find_decoder(st->codecpar->codec_id);
    if (!codec)
        return mz_fail("decode: no decoder for %s", avcodec_get_name(st->codecpar->codec_id));
    if (!(s->dec = avcodec_alloc_context3(codec))) return mz_fail("decode: out of memory");
    if ((err = avcodec_parameters_to_context(s->dec, st->codecpar)) < 0)
        return av_fail(err, "decoder");
    /* Slices, not frames, in parallel: frame threads hold one picture each
     * and delay every picture by their count. */
    s->dec->thread_type = FF_THREAD_SLICE;
    /* A stream that claims a huge picture is refused before the decoder
     * allocates it. */
    s->dec->max_pixels = (int64_t)d->max_dim * d->max_dim;
    if ((err = avcodec_open2(s->dec, codec, NULL)) < 0) return av_fail(err, "decoder");
    AVRational rate = av_guess_frame_rate(s->fmt, st, NULL);
    s->length_s = rate.num > 0 && rate.den > 0 ? av_q2d(av_inv_q(rate)) : 0;
    s->frame = av_frame_alloc();
    s->pkt = av_packet_alloc();
    s->first_pts = AV_NOPTS_VALUE;
    return (s->frame && s->pkt) || mz_fail("decode: out of memory");
}

static bool decode_av(input *in, const mz_record_decode_desc *d)
{
    av_state s = {.in = in};
    /* The demuxers' and decoders' notices would fill the terminal; errors
     * come back as return values. */
    av_log_set_level(AV_LOG_ERROR);
    bool ok = av_open(&s, in, d);
    while (ok && !s.stopped) {
        int err = av_read_frame(s.fmt, s.pkt);
        if (err == AVERROR_EOF) {
            ok = av_decode(&s, d, NULL);
            break;
        }
        if (err < 0) {
            ok = av_state_fail(&s, err, in->src->seek ? "read" : "read" UNSEEKABLE);
            break;
        }
        if (s.pkt->stream_index == s.stream) ok = av_decode(&s, d, s.pkt);
        av_packet_unref(s.pkt);
    }
    /* An MP4 with its index at the end, read without seeking, may also
     * demux to nothing at all rather than fail. */
    if (ok && !s.index)
        ok = mz_fail("decode: no picture in the stream%s", in->src->seek ? "" : UNSEEKABLE);
    av_packet_free(&s.pkt);
    av_frame_free(&s.frame);
    avcodec_free_context(&s.dec);
    avformat_close_input(&s.fmt);
    if (s.io) av_freep(&s.io->buffer);
    avio_context_free(&s.io);
    sws_freeContext(s.sws);
    free(s.rgba);
    return ok;
}

/* ---- the choice ------------------------------------------------------------ */

bool mz_record_decode(const mz_record_decode_desc *desc)
{
    mz_record_decode_desc d = *desc;
    if (!d.max_dim) d.max_dim = DEFAULT_MAX_DIM;
    input in = {.src = &d.source};
    /* RIFF....WEBP: the first 12 bytes say WebP. */
    while (in.head_len < 12) {
        long n = d.source.read(d.source.user, in.head + in.head_len, 12 - in.head_len);
        if (n < 0) return false;
        if (n == 0) break;
        in.head_len += (size_t)n;
    }
    if (!in.head_len) return mz_fail("decode: the stream is empty");
    bool webp = in.head_len == 12 && !memcmp(in.head, "RIFF", 4) && !memcmp(in.head + 8, "WEBP", 4);
    return webp ? mz_record_webp_decode(&in, &d) : decode_av(&in, &d);
}
