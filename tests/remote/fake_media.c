/* The fake ComfyUI's animated outputs (see fake_media.h). The shapes follow
 * ComfyUI's comfy_api/latest/_ui.py (SavedImages.as_dict for
 * SaveAnimatedWEBP/SaveAnimatedPNG, PreviewVideo.as_dict for SaveVideo and
 * SaveWEBM: {"images": [...], "animated": [true]}) and VideoHelperSuite's
 * videohelpersuite/nodes.py (VideoCombine.combine_video: {"gifs": [{filename,
 * subfolder, type, format, frame_rate, workflow, fullpath}]}). The files
 * are written by the same encoders those nodes use through PIL, PyAV or the
 * ffmpeg program (libwebp, apng, libx264 with its index at the end of the
 * MP4 as VHS writes it, libvpx-vp9, gif). */
#define _GNU_SOURCE
#include "fake_media.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEND_CHUNK (256 << 10)

typedef struct kind_info {
    const char *muxer, *encoder, *filename, *subfolder;
    enum AVPixelFormat pix_fmt;
    int frames, w, h;
    double fps;
    const char *options; /* the encoder's, "key=value:..." */
    const char *output;  /* the `executed` output member */
} kind_info;

static const kind_info kinds[] = {
    [FAKE_MEDIA_WEBP] = {"webp", "libwebp_anim", "ComfyUI_00001_.webp", "", AV_PIX_FMT_RGB32, 6, 64,
                         48, 8, "lossless=1",
                         "{\"images\":[{\"filename\":\"ComfyUI_00001_.webp\",\"subfolder\":\"\","
                         "\"type\":\"output\"}],\"animated\":[true]}"},
    [FAKE_MEDIA_APNG] = {"apng", "apng", "ComfyUI_00001_.png", "", AV_PIX_FMT_RGB24, 6, 64, 48, 10,
                         "",
                         "{\"images\":[{\"filename\":\"ComfyUI_00001_.png\",\"subfolder\":\"\","
                         "\"type\":\"output\"}],\"animated\":[true]}"},
    [FAKE_MEDIA_MP4] = {"mp4", "libx264", "ComfyUI_00001_.mp4", "video", AV_PIX_FMT_YUV420P, 8, 64,
                        48, 12, "preset=veryfast:crf=18",
                        "{\"images\":[{\"filename\":\"ComfyUI_00001_.mp4\",\"subfolder\":"
                        "\"video\",\"type\":\"output\"}],\"animated\":[true]}"},
    [FAKE_MEDIA_WEBM] = {"webm", "libvpx-vp9", "ComfyUI_00001_.webm", "", AV_PIX_FMT_YUV420P, 8, 64,
                         48, 15, "deadline=realtime:cpu-used=8:crf=20:b=0",
                         "{\"images\":[{\"filename\":\"ComfyUI_00001_.webm\",\"subfolder\":\"\","
                         "\"type\":\"output\"}],\"animated\":[true]}"},
    [FAKE_MEDIA_VHS_GIF] = {"gif", "gif", "AnimateDiff_00001.gif", "", AV_PIX_FMT_RGB8, 6, 64, 48,
                            10, "",
                            "{\"gifs\":[{\"filename\":\"AnimateDiff_00001.gif\",\"subfolder\":"
                            "\"\",\"type\":\"output\",\"format\":\"image/gif\",\"frame_rate\":10,"
                            "\"workflow\":\"AnimateDiff_00001.png\",\"fullpath\":"
                            "\"/comfy/output/AnimateDiff_00001.gif\"}]}"},
    [FAKE_MEDIA_VHS_MP4] = {"mp4", "libx264", "AnimateDiff_00002.mp4", "", AV_PIX_FMT_YUV420P, 8,
                            64, 48, 24, "preset=veryfast:crf=18",
                            "{\"gifs\":[{\"filename\":\"AnimateDiff_00002.mp4\",\"subfolder\":"
                            "\"\",\"type\":\"output\",\"format\":\"video/h264-mp4\",\"frame_rate\":"
                            "24,\"workflow\":\"AnimateDiff_00002.png\",\"fullpath\":"
                            "\"/comfy/output/AnimateDiff_00002.mp4\"}]}"},
    /* Noise does not compress: 40 lossless 720p frames are some 69 MiB. */
    [FAKE_MEDIA_BIG_MP4] = {"mp4", "libx264", "AnimateDiff_00003.mp4", "", AV_PIX_FMT_YUV420P, 40,
                            1280, 720, 25, "preset=ultrafast:qp=0",
                            "{\"gifs\":[{\"filename\":\"AnimateDiff_00003.mp4\",\"subfolder\":"
                            "\"\",\"type\":\"output\",\"format\":\"video/h264-mp4\",\"frame_rate\":"
                            "25,\"workflow\":\"AnimateDiff_00003.png\",\"fullpath\":"
                            "\"/comfy/output/AnimateDiff_00003.mp4\"}]}"},
    /* comfy_api's video_output_config: a WebM is AV1 unless told otherwise. */
    [FAKE_MEDIA_AV1_WEBM] = {"webm", "libaom-av1", "ComfyUI_00003_.webm", "video",
                             AV_PIX_FMT_YUV420P, 8, 64, 48, 12, "cpu-used=8:crf=20:b=0",
                             "{\"images\":[{\"filename\":\"ComfyUI_00003_.webm\",\"subfolder\":"
                             "\"video\",\"type\":\"output\"}],\"animated\":[true]}"},
    [FAKE_MEDIA_BROKEN] = {NULL, NULL, "ComfyUI_00002_.mp4", "video", AV_PIX_FMT_NONE, 0, 0, 0, 0,
                           "",
                           "{\"images\":[{\"filename\":\"ComfyUI_00002_.mp4\",\"subfolder\":"
                           "\"video\",\"type\":\"output\"}],\"animated\":[true]}"},
};

int fake_media_frames(fake_media_kind kind)
{
    return kinds[kind].frames;
}

double fake_media_fps(fake_media_kind kind)
{
    return kinds[kind].fps;
}

const char *fake_media_output(fake_media_kind kind)
{
    return kinds[kind].output;
}

void fake_media_colour(int k, uint8_t rgb[3])
{
    static const uint8_t table[8][3] = {{255, 0, 0},     {0, 255, 0},   {0, 0, 255},
                                        {255, 255, 0},   {0, 255, 255}, {255, 0, 255},
                                        {255, 255, 255}, {0, 0, 0}};
    memcpy(rgb, table[k % 8], 3);
}

static void fill(const kind_info *k, int index, uint8_t *rgba, uint32_t *noise)
{
    uint8_t rgb[3];
    fake_media_colour(index, rgb);
    for (size_t i = 0; i < (size_t)k->w * k->h; i++) {
        if (k == &kinds[FAKE_MEDIA_BIG_MP4]) {
            *noise = *noise * 1664525u + 1013904223u;
            memcpy(rgb, (uint8_t *)noise + 1, 3);
        }
        memcpy(rgba + 4 * i, rgb, 3);
        rgba[4 * i + 3] = 255;
    }
}

static bool encode(AVCodecContext *c, AVFormatContext *oc, AVStream *st, AVFrame *frame,
                   AVPacket *pkt)
{
    if (avcodec_send_frame(c, frame) < 0) return false;
    int err;
    while ((err = avcodec_receive_packet(c, pkt)) >= 0) {
        /* MP4 drops a last frame that lasts nothing (as mz_record_video). */
        if (!pkt->duration) pkt->duration = 1;
        av_packet_rescale_ts(pkt, c->time_base, st->time_base);
        pkt->stream_index = st->index;
        if (av_interleaved_write_frame(oc, pkt) < 0) return false;
    }
    return err == AVERROR(EAGAIN) || err == AVERROR_EOF;
}

bool fake_media_write(fake_media_kind kind, const char *dir)
{
    const kind_info *k = &kinds[kind];
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, k->filename);
    av_log_set_level(AV_LOG_ERROR); /* the encoders' statistics */
    if (!k->muxer) {
        FILE *fp = fopen(path, "w");
        bool ok = fp && fputs("Traceback (most recent call last): not a video\n", fp) >= 0;
        return fp && !fclose(fp) && ok;
    }
    AVFormatContext *oc = NULL;
    const AVCodec *codec = avcodec_find_encoder_by_name(k->encoder);
    if (!codec || avformat_alloc_output_context2(&oc, NULL, k->muxer, path) < 0) return false;
    AVCodecContext *c = avcodec_alloc_context3(codec);
    AVStream *st = avformat_new_stream(oc, NULL);
    AVFrame *frame = av_frame_alloc();
    AVPacket *pkt = av_packet_alloc();
    uint8_t *rgba = malloc((size_t)k->w * k->h * 4);
    struct SwsContext *sws = sws_getContext(k->w, k->h, AV_PIX_FMT_RGBA, k->w, k->h, k->pix_fmt,
                                            SWS_POINT, NULL, NULL, NULL);
    c->width = k->w;
    c->height = k->h;
    c->pix_fmt = k->pix_fmt;
    c->framerate = av_d2q(k->fps, 1000);
    c->time_base = av_inv_q(c->framerate);
    if (oc->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    AVDictionary *opts = NULL;
    av_dict_parse_string(&opts, k->options, "=", ":", 0);
    bool ok = avcodec_open2(c, codec, &opts) >= 0 &&
              avcodec_parameters_from_context(st->codecpar, c) >= 0;
    av_dict_free(&opts);
    st->time_base = c->time_base;
    frame->format = k->pix_fmt;
    frame->width = k->w;
    frame->height = k->h;
    ok = ok && av_frame_get_buffer(frame, 0) >= 0 &&
         avio_open(&oc->pb, path, AVIO_FLAG_WRITE) >= 0 && avformat_write_header(oc, NULL) >= 0;
    uint32_t noise = 12345;
    for (int i = 0; ok && i < k->frames; i++) {
        fill(k, i, rgba, &noise);
        ok = av_frame_make_writable(frame) >= 0;
        const uint8_t *src[1] = {rgba};
        int stride[1] = {k->w * 4};
        sws_scale(sws, src, stride, 0, k->h, frame->data, frame->linesize);
        frame->pts = i;
        ok = ok && encode(c, oc, st, frame, pkt);
    }
    ok = ok && encode(c, oc, st, NULL, pkt) && av_write_trailer(oc) >= 0;
    if (oc->pb) avio_closep(&oc->pb);
    sws_freeContext(sws);
    free(rgba);
    av_packet_free(&pkt);
    av_frame_free(&frame);
    avcodec_free_context(&c);
    avformat_free_context(oc);
    return ok;
}

/* ---- /view from disk ------------------------------------------------------- */

static int send_head(struct lws *wsi, int status, uint64_t first, uint64_t len, uint64_t size)
{
    uint8_t head[LWS_PRE + 512], *start = head + LWS_PRE, *p = start, *end = head + sizeof head;
    char range[96];
    snprintf(range, sizeof range, "bytes %llu-%llu/%llu", (unsigned long long)first,
             (unsigned long long)(first + len - 1), (unsigned long long)size);
    if (lws_add_http_common_headers(wsi, (unsigned)status, "application/octet-stream", len, &p,
                                    end) ||
        lws_add_http_header_by_name(
            wsi, (const uint8_t *)"accept-ranges:", (const uint8_t *)"bytes", 5, &p, end) ||
        (status == 206 &&
         lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_RANGE, (const uint8_t *)range,
                                      (int)strlen(range), &p, end)) ||
        lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    return 0;
}

int fake_media_reply_start(fake_media_reply *r, struct lws *wsi, fake_media_kind kind,
                           const char *dir, const char *filename, const char *subfolder)
{
    const kind_info *k = &kinds[kind];
    if (strcmp(filename, k->filename) || strcmp(subfolder, k->subfolder)) return 1;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, k->filename);
    if (!(r->file = fopen(path, "rb"))) return -1;
    fseek(r->file, 0, SEEK_END);
    uint64_t size = (uint64_t)ftell(r->file), first = 0;
    /* aiohttp's FileResponse: "Range: bytes=FIRST-" gets a 206. */
    char range[64] = "";
    unsigned long long asked;
    if (lws_hdr_copy(wsi, range, sizeof range, WSI_TOKEN_HTTP_RANGE) > 0 &&
        sscanf(range, "bytes=%llu-", &asked) == 1 && asked < size)
        first = asked;
    fseek(r->file, (long)first, SEEK_SET);
    r->left = size - first;
    if (send_head(wsi, range[0] ? 206 : 200, first, r->left, size)) return -1;
    lws_callback_on_writable(wsi);
    return 0;
}

int fake_media_reply_more(fake_media_reply *r, struct lws *wsi)
{
    static uint8_t buf[LWS_PRE + SEND_CHUNK]; /* the service thread's only */
    /* A client reading at a video's pace holds the reply for as long as
     * the video lasts; aiohttp waits, lws would give up after its 5 s. */
    lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
    size_t n = r->left < SEND_CHUNK ? (size_t)r->left : SEND_CHUNK;
    if (fread(buf + LWS_PRE, 1, n, r->file) != n) return -1;
    r->left -= n;
    if (lws_write(wsi, buf + LWS_PRE, n, r->left ? LWS_WRITE_HTTP : LWS_WRITE_HTTP_FINAL) < (int)n)
        return -1;
    if (r->left) {
        lws_callback_on_writable(wsi);
        return 0;
    }
    fake_media_reply_end(r);
    return lws_http_transaction_completed(wsi) ? -1 : 1;
}

bool fake_media_reply_end(fake_media_reply *r)
{
    bool cut = r->file && r->left;
    if (r->file) fclose(r->file);
    r->file = NULL;
    r->left = 0;
    return cut;
}

void fake_media_remove(fake_media_kind kind, const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, kinds[kind].filename);
    remove(path);
    rmdir(dir);
}
