#define _POSIX_C_SOURCE 200809L
#include "mz_record_video.h"

#include "mz_error.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One queued frame, with the audio and caption that arrived with it (and
 * with any frames dropped just before it). */
typedef struct slot {
    uint8_t *rgba;
    int64_t index; /* frame number: its time is index / fps */
    float *audio;
    size_t audio_frames, audio_cap;
    char *caption; /* malloc'd; with has_caption */
    bool has_caption;
} slot;

/* An encoder and its stream. */
typedef struct track {
    AVCodecContext *ctx;
    AVStream *st;
} track;

struct mz_record_video {
    uint32_t w, h;
    AVRational frame_tb; /* 1 / fps */
    bool realtime, subtitles;
    int audio_rate;

    pthread_t thread;
    bool thread_started;
    pthread_mutex_t lock;
    pthread_cond_t more, room;
    slot *slots;
    int cap, head, count;
    bool closing, failed;
    char error[512];
    mz_record_video_stats stats;

    /* producer side: what a dropped frame carried, for the next queued one */
    slot carry;
    int64_t next_index;

    /* encoder side (the worker's once started) */
    AVFormatContext *oc;
    track video, audio, sub;
    struct SwsContext *sws;
    SwrContext *swr;
    AVAudioFifo *fifo;
    AVFrame *vframe, *aframe;
    AVPacket *pkt;
    uint8_t **resampled;
    int resampled_cap;
    int64_t audio_pts;
    char *sub_text;
    int64_t sub_start;
    double cpu_ns;
    uint64_t encoded;
};

static bool av_fail(int err, const char *what)
{
    char msg[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(err, msg, sizeof msg);
    return mz_fail("video: %s: %s", what, msg);
}

static double thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ---- the encoder side ---------------------------------------------------- */

static bool write_packets(mz_record_video *v, track *t, bool flush)
{
    int err = avcodec_send_frame(t->ctx, flush ? NULL : (t == &v->video ? v->vframe : v->aframe));
    if (err < 0 && err != AVERROR_EOF) return av_fail(err, "encode");
    for (;;) {
        err = avcodec_receive_packet(t->ctx, v->pkt);
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return true;
        if (err < 0) return av_fail(err, "encode");
        /* a frame lasts one period: the last one too (MP4 needs its duration) */
        if (t == &v->video && !v->pkt->duration) v->pkt->duration = 1;
        av_packet_rescale_ts(v->pkt, t->ctx->time_base, t->st->time_base);
        v->pkt->stream_index = t->st->index;
        err = av_interleaved_write_frame(v->oc, v->pkt);
        if (err < 0) return av_fail(err, "write");
    }
}

static bool encode_picture(mz_record_video *v, const slot *s)
{
    double t0 = thread_cpu_ns();
    int err = av_frame_make_writable(v->vframe);
    if (err < 0) return av_fail(err, "frame");
    const uint8_t *src[1] = {s->rgba};
    const int stride[1] = {(int)v->w * 4};
    sws_scale(v->sws, src, stride, 0, (int)v->h, v->vframe->data, v->vframe->linesize);
    v->vframe->pts = s->index;
    bool ok = write_packets(v, &v->video, false);
    v->cpu_ns += thread_cpu_ns() - t0;
    v->encoded++;
    return ok;
}

/* Encodes whole audio frames from the FIFO; at the end (flush) the last
 * partial one is padded with silence. */
static bool drain_audio(mz_record_video *v, bool flush)
{
    int n = v->audio.ctx->frame_size;
    while (av_audio_fifo_size(v->fifo) >= n || (flush && av_audio_fifo_size(v->fifo) > 0)) {
        int err = av_frame_make_writable(v->aframe);
        if (err < 0) return av_fail(err, "audio frame");
        av_samples_set_silence(v->aframe->data, 0, n, 2, v->audio.ctx->sample_fmt);
        av_audio_fifo_read(v->fifo, (void **)v->aframe->data, n);
        v->aframe->pts = v->audio_pts;
        v->audio_pts += n;
        if (!write_packets(v, &v->audio, false)) return false;
    }
    return true;
}

static bool encode_audio(mz_record_video *v, const float *samples, size_t frames)
{
    if (!v->audio.ctx || !frames) return true;
    int out = swr_get_out_samples(v->swr, (int)frames);
    if (out > v->resampled_cap) {
        if (v->resampled) av_freep(&v->resampled[0]);
        av_freep(&v->resampled);
        if (av_samples_alloc_array_and_samples(&v->resampled, NULL, 2, out,
                                               v->audio.ctx->sample_fmt, 0) < 0)
            return mz_fail("video: out of memory");
        v->resampled_cap = out;
    }
    const uint8_t *in[1] = {(const uint8_t *)samples};
    int got = swr_convert(v->swr, v->resampled, out, in, (int)frames);
    if (got < 0) return av_fail(got, "resample");
    if (av_audio_fifo_write(v->fifo, (void **)v->resampled, got) < got)
        return mz_fail("video: out of memory");
    return drain_audio(v, false);
}

/* The subtitle encoders take ASS dialogue lines; braces would start ASS
 * override codes and newlines are written \N. */
static bool encode_caption(mz_record_video *v, int64_t end)
{
    if (!v->sub_text) return true;
    size_t len = strlen(v->sub_text);
    char *dialog = malloc(len * 2 + 32);
    if (!dialog) return mz_fail("video: out of memory");
    char *d = dialog + sprintf(dialog, "0,0,Default,,0,0,0,,");
    for (const char *c = v->sub_text; *c; c++) {
        if (*c == '\n') {
            *d++ = '\\';
            *d++ = 'N';
        } else if (*c != '\r') {
            *d++ = *c == '{' ? '(' : *c == '}' ? ')' : *c == '\\' ? '/' : *c;
        }
    }
    *d = '\0';
    AVSubtitleRect rect = {.type = SUBTITLE_ASS, .ass = dialog};
    AVSubtitleRect *rects[1] = {&rect};
    int64_t ms = av_rescale_q(end - v->sub_start, v->frame_tb, (AVRational){1, 1000});
    AVSubtitle sub = {.num_rects = 1,
                      .rects = rects,
                      .end_display_time = (uint32_t)ms,
                      .pts = av_rescale_q(v->sub_start, v->frame_tb, AV_TIME_BASE_Q)};
    uint8_t buf[8192];
    int n = avcodec_encode_subtitle(v->sub.ctx, buf, sizeof buf, &sub);
    free(dialog);
    if (n < 0) return av_fail(n, "subtitle");
    int err = av_new_packet(v->pkt, n);
    if (err < 0) return av_fail(err, "subtitle");
    memcpy(v->pkt->data, buf, (size_t)n);
    v->pkt->pts = v->pkt->dts = av_rescale_q(v->sub_start, v->frame_tb, v->sub.st->time_base);
    v->pkt->duration = av_rescale_q(end - v->sub_start, v->frame_tb, v->sub.st->time_base);
    v->pkt->stream_index = v->sub.st->index;
    err = av_interleaved_write_frame(v->oc, v->pkt);
    return err < 0 ? av_fail(err, "write") : true;
}

static bool take_caption(mz_record_video *v, slot *s)
{
    if (!s->has_caption || !v->sub.ctx) return true;
    bool ok = encode_caption(v, s->index);
    free(v->sub_text);
    v->sub_text = s->caption && *s->caption ? s->caption : NULL;
    if (!v->sub_text) free(s->caption);
    s->caption = NULL;
    s->has_caption = false;
    v->sub_start = s->index;
    return ok;
}

static bool finish_file(mz_record_video *v)
{
    bool ok = true;
    if (v->sub.ctx) ok = encode_caption(v, v->next_index);
    if (ok && v->audio.ctx) ok = drain_audio(v, true) && write_packets(v, &v->audio, true);
    ok = ok && write_packets(v, &v->video, true);
    int err = av_write_trailer(v->oc);
    if (ok && err < 0) ok = av_fail(err, "finish");
    return ok;
}

static void *worker(void *arg)
{
    mz_record_video *v = arg;
    pthread_mutex_lock(&v->lock);
    for (;;) {
        while (!v->count && !v->closing)
            pthread_cond_wait(&v->more, &v->lock);
        if (!v->count) break;
        slot *s = &v->slots[v->head];
        pthread_mutex_unlock(&v->lock);
        bool ok = v->failed || (take_caption(v, s) && encode_picture(v, s) &&
                                encode_audio(v, s->audio, s->audio_frames));
        s->audio_frames = 0;
        pthread_mutex_lock(&v->lock);
        if (!ok && !v->failed) {
            v->failed = true;
            snprintf(v->error, sizeof v->error, "%s", mz_error());
        }
        v->head = (v->head + 1) % v->cap;
        v->count--;
        v->stats.encode_cpu_ms = v->encoded ? v->cpu_ns / 1e6 / (double)v->encoded : 0;
        pthread_cond_signal(&v->room);
    }
    bool failed = v->failed;
    pthread_mutex_unlock(&v->lock);
    if (!failed && !finish_file(v)) {
        pthread_mutex_lock(&v->lock);
        v->failed = true;
        snprintf(v->error, sizeof v->error, "%s", mz_error());
        pthread_mutex_unlock(&v->lock);
    }
    return NULL;
}

/* ---- opening --------------------------------------------------------------- */

/* The subtitle encoders parse an ASS header for their default style. */
static const char ass_header[] =
    "[Script Info]\r\nScriptType: v4.00+\r\nPlayResX: 384\r\nPlayResY: 288\r\n\r\n"
    "[V4+ Styles]\r\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, "
    "OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, "
    "Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\r\n"
    "Style: Default,Sans,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,1\r\n"
    "\r\n[Events]\r\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, "
    "Effect, Text\r\n";

static bool open_track(mz_record_video *v, track *t, const char *name, AVDictionary **opts)
{
    AVCodecContext *c = t->ctx;
    if (v->oc->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    int err = avcodec_open2(c, c->codec, opts);
    av_dict_free(opts);
    if (err < 0) return av_fail(err, name);
    if (!(t->st = avformat_new_stream(v->oc, NULL))) return mz_fail("video: out of memory");
    t->st->time_base = c->time_base;
    err = avcodec_parameters_from_context(t->st->codecpar, c);
    return err < 0 ? av_fail(err, name) : true;
}

static bool new_encoder(track *t, const char *name)
{
    const AVCodec *codec = avcodec_find_encoder_by_name(name);
    if (!codec) return mz_fail("video: this FFmpeg has no %s encoder", name);
    if (!(t->ctx = avcodec_alloc_context3(codec))) return mz_fail("video: out of memory");
    return true;
}

static bool open_video(mz_record_video *v, bool webm, double fps)
{
    if (!new_encoder(&v->video, webm ? "libvpx-vp9" : "libx264")) return false;
    AVCodecContext *c = v->video.ctx;
    AVRational rate = av_d2q(fps, 100000);
    c->width = (int)v->w;
    c->height = (int)v->h;
    c->framerate = rate;
    c->time_base = v->frame_tb = av_inv_q(rate);
    c->pix_fmt = AV_PIX_FMT_YUV420P;
    c->gop_size = (int)(fps * 2 + 0.5);
    c->colorspace = AVCOL_SPC_SMPTE170M;
    c->color_range = AVCOL_RANGE_MPEG;
    AVDictionary *opts = NULL;
    if (webm) {
        /* realtime settings: the window player records while it plays */
        c->bit_rate = 0;
        av_dict_set(&opts, "deadline", "realtime", 0);
        av_dict_set(&opts, "cpu-used", "8", 0);
        av_dict_set(&opts, "row-mt", "1", 0);
        av_dict_set(&opts, "crf", "32", 0);
    } else {
        av_dict_set(&opts, "preset", "veryfast", 0);
        av_dict_set(&opts, "crf", "23", 0);
    }
    if (!open_track(v, &v->video, "video encoder", &opts)) return false;
    v->vframe = av_frame_alloc();
    v->sws = sws_getContext((int)v->w, (int)v->h, AV_PIX_FMT_RGBA, (int)v->w, (int)v->h,
                            AV_PIX_FMT_YUV420P, SWS_BILINEAR, NULL, NULL, NULL);
    if (!v->vframe || !v->sws) return mz_fail("video: out of memory");
    v->vframe->format = c->pix_fmt;
    v->vframe->width = c->width;
    v->vframe->height = c->height;
    int err = av_frame_get_buffer(v->vframe, 0);
    return err < 0 ? av_fail(err, "frame") : true;
}

static bool open_audio(mz_record_video *v, bool webm)
{
    if (!new_encoder(&v->audio, webm ? "libopus" : "aac")) return false;
    AVCodecContext *c = v->audio.ctx;
    c->sample_fmt = c->codec->sample_fmts ? c->codec->sample_fmts[0] : AV_SAMPLE_FMT_FLTP;
    /* Opus runs at 48 kHz only */
    c->sample_rate = webm ? 48000 : v->audio_rate;
    c->bit_rate = 128000;
    av_channel_layout_default(&c->ch_layout, 2);
    c->time_base = (AVRational){1, c->sample_rate};
    AVDictionary *opts = NULL;
    if (!open_track(v, &v->audio, "audio encoder", &opts)) return false;
    int err = swr_alloc_set_opts2(&v->swr, &c->ch_layout, c->sample_fmt, c->sample_rate,
                                  &c->ch_layout, AV_SAMPLE_FMT_FLT, v->audio_rate, 0, NULL);
    if (err < 0 || (err = swr_init(v->swr)) < 0) return av_fail(err, "resampler");
    v->fifo = av_audio_fifo_alloc(c->sample_fmt, 2, c->frame_size * 4);
    v->aframe = av_frame_alloc();
    if (!v->fifo || !v->aframe) return mz_fail("video: out of memory");
    v->aframe->format = c->sample_fmt;
    v->aframe->nb_samples = c->frame_size;
    v->aframe->sample_rate = c->sample_rate;
    av_channel_layout_copy(&v->aframe->ch_layout, &c->ch_layout);
    err = av_frame_get_buffer(v->aframe, 0);
    return err < 0 ? av_fail(err, "audio frame") : true;
}

static bool open_subtitles(mz_record_video *v, bool webm)
{
    if (!new_encoder(&v->sub, webm ? "webvtt" : "mov_text")) return false;
    AVCodecContext *c = v->sub.ctx;
    c->time_base = (AVRational){1, 1000};
    c->subtitle_header = av_malloc(sizeof ass_header);
    if (!c->subtitle_header) return mz_fail("video: out of memory");
    memcpy(c->subtitle_header, ass_header, sizeof ass_header);
    c->subtitle_header_size = (int)sizeof ass_header - 1;
    AVDictionary *opts = NULL;
    return open_track(v, &v->sub, "subtitle encoder", &opts);
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n > t && !strcmp(s + n - t, tail);
}

bool mz_record_video_path_ok(const char *path)
{
    return ends_with(path, ".mp4") || ends_with(path, ".webm")
               ? true
               : mz_fail("%s: a video is .mp4 or .webm", path);
}

static bool open_file(mz_record_video *v, const mz_record_video_desc *d)
{
    if (!mz_record_video_path_ok(d->path)) return false;
    bool mp4 = ends_with(d->path, ".mp4"), webm = !mp4;
    int err = avformat_alloc_output_context2(&v->oc, NULL, mp4 ? "mp4" : "webm", d->path);
    if (err < 0) return av_fail(err, d->path);
    if (!open_video(v, webm, d->fps > 0 ? d->fps : 30)) return false;
    if (v->audio_rate && !open_audio(v, webm)) return false;
    if (v->subtitles && !open_subtitles(v, webm)) return false;
    for (int i = 0; i < d->tag_count; i++)
        av_dict_set(&v->oc->metadata, d->tags[i].key, d->tags[i].value, 0);
    if ((err = avio_open(&v->oc->pb, d->path, AVIO_FLAG_WRITE)) < 0) return av_fail(err, d->path);
    AVDictionary *opts = NULL;
    /* MP4 keeps only its fixed tags unless asked to write the others */
    if (mp4) av_dict_set(&opts, "movflags", "use_metadata_tags", 0);
    err = avformat_write_header(v->oc, &opts);
    av_dict_free(&opts);
    if (err < 0) return av_fail(err, d->path);
    return (v->pkt = av_packet_alloc()) ? true : mz_fail("video: out of memory");
}

static void free_slot(slot *s)
{
    free(s->rgba);
    free(s->audio);
    free(s->caption);
}

static void free_video(mz_record_video *v)
{
    if (v->oc && v->oc->pb) avio_closep(&v->oc->pb);
    avformat_free_context(v->oc);
    avcodec_free_context(&v->video.ctx);
    avcodec_free_context(&v->audio.ctx);
    avcodec_free_context(&v->sub.ctx);
    sws_freeContext(v->sws);
    swr_free(&v->swr);
    if (v->fifo) av_audio_fifo_free(v->fifo);
    av_frame_free(&v->vframe);
    av_frame_free(&v->aframe);
    av_packet_free(&v->pkt);
    if (v->resampled) av_freep(&v->resampled[0]);
    av_freep(&v->resampled);
    free(v->sub_text);
    for (int i = 0; v->slots && i < v->cap; i++)
        free_slot(&v->slots[i]);
    free(v->slots);
    free_slot(&v->carry);
    pthread_mutex_destroy(&v->lock);
    pthread_cond_destroy(&v->more);
    pthread_cond_destroy(&v->room);
    free(v);
}

mz_record_video *mz_record_video_open(const mz_record_video_desc *d)
{
    if (!d->path || !d->width || !d->height || d->width % 2 || d->height % 2) {
        mz_fail("video: needs a path and an even size, not %ux%u", d->width, d->height);
        return NULL;
    }
    mz_record_video *v = calloc(1, sizeof *v);
    if (!v) {
        mz_fail("video: out of memory");
        return NULL;
    }
    /* the encoders' statistics would fill the terminal; errors come back as
     * return values */
    av_log_set_level(AV_LOG_ERROR);
    pthread_mutex_init(&v->lock, NULL);
    pthread_cond_init(&v->more, NULL);
    pthread_cond_init(&v->room, NULL);
    v->w = d->width;
    v->h = d->height;
    v->realtime = d->realtime;
    v->subtitles = d->subtitles;
    v->audio_rate = d->audio_rate;
    v->cap = d->queue_frames > 0 ? d->queue_frames : 8;
    v->slots = calloc((size_t)v->cap, sizeof *v->slots);
    bool ok = v->slots != NULL;
    for (int i = 0; ok && i < v->cap; i++)
        ok = (v->slots[i].rgba = malloc((size_t)v->w * v->h * 4)) != NULL;
    if (!ok) mz_fail("video: out of memory");
    ok = ok && open_file(v, d);
    ok = ok && (v->thread_started = pthread_create(&v->thread, NULL, worker, v) == 0);
    if (!ok) {
        bool created = v->oc && v->oc->pb;
        mz_fail_context("recording %s", d->path);
        free_video(v);
        if (created) remove(d->path);
        return NULL;
    }
    return v;
}

/* Appends audio (and a caption) to a slot's: a dropped frame's go with the
 * next one queued. */
static bool carry_into(slot *s, const float *audio, size_t frames, const char *caption,
                       bool has_caption)
{
    if (frames) {
        if (s->audio_frames + frames > s->audio_cap) {
            size_t cap = (s->audio_frames + frames) * 2;
            float *bigger = realloc(s->audio, cap * 2 * sizeof(float));
            if (!bigger) return mz_fail("video: out of memory");
            s->audio = bigger;
            s->audio_cap = cap;
        }
        memcpy(s->audio + 2 * s->audio_frames, audio, frames * 2 * sizeof(float));
        s->audio_frames += frames;
    }
    if (has_caption) {
        char *copy = caption ? strdup(caption) : NULL;
        if (caption && !copy) return mz_fail("video: out of memory");
        free(s->caption);
        s->caption = copy;
        s->has_caption = true;
    }
    return true;
}

bool mz_record_video_frame(mz_record_video *v, const uint8_t *rgba, const float *audio,
                           size_t audio_frames)
{
    if (!v->audio_rate) audio_frames = 0;
    pthread_mutex_lock(&v->lock);
    v->stats.frames++;
    while (!v->failed && !v->realtime && v->count == v->cap)
        pthread_cond_wait(&v->room, &v->lock);
    bool ok = !v->failed;
    if (ok && v->count == v->cap) {
        v->stats.dropped++;
        ok = carry_into(&v->carry, audio, audio_frames, NULL, false);
    } else if (ok) {
        /* the slot is the producer's until count covers it */
        slot *s = &v->slots[(v->head + v->count) % v->cap];
        pthread_mutex_unlock(&v->lock);
        memcpy(s->rgba, rgba, (size_t)v->w * v->h * 4);
        s->index = v->next_index;
        s->audio_frames = 0;
        ok = carry_into(s, v->carry.audio, v->carry.audio_frames, v->carry.caption,
                        v->carry.has_caption) &&
             carry_into(s, audio, audio_frames, NULL, false);
        v->carry.audio_frames = 0;
        v->carry.has_caption = false;
        pthread_mutex_lock(&v->lock);
        if (ok) v->count++;
        pthread_cond_signal(&v->more);
    }
    v->next_index++;
    if (v->failed) ok = mz_fail("%s", v->error);
    pthread_mutex_unlock(&v->lock);
    return ok;
}

bool mz_record_video_caption(mz_record_video *v, const char *text)
{
    if (!v->subtitles) return true;
    return carry_into(&v->carry, NULL, 0, text && *text ? text : NULL, true);
}

mz_record_video_stats mz_record_video_stats_get(mz_record_video *v)
{
    pthread_mutex_lock(&v->lock);
    mz_record_video_stats st = v->stats;
    pthread_mutex_unlock(&v->lock);
    return st;
}

bool mz_record_video_close(mz_record_video *v, mz_record_video_stats *stats)
{
    if (!v) return true;
    pthread_mutex_lock(&v->lock);
    v->closing = true;
    pthread_cond_signal(&v->more);
    pthread_mutex_unlock(&v->lock);
    pthread_join(v->thread, NULL);
    bool ok = !v->failed;
    if (!ok) mz_fail("%s", v->error);
    int err = avio_closep(&v->oc->pb);
    if (ok && err < 0) ok = av_fail(err, "close");
    if (stats) *stats = v->stats;
    free_video(v);
    return ok;
}
