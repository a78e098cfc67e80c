/* mz_record_video — a playthrough video with sound and subtitles, through
 * FFmpeg's libavcodec/libavformat (Debian 12: FFmpeg 5.1).
 *
 * By the file's extension:
 *   .mp4  H.264 (libx264), AAC, mov_text subtitles
 *   .webm VP9 (libvpx-vp9), Opus (libopus, resampled to 48 kHz), WebVTT
 * Container metadata comes from desc.tags (title, comment, the provenance).
 *
 * Time: frame n is shown at n / fps. The audio is a continuous stream of
 * interleaved stereo float at desc.audio_rate, handed in alongside each
 * frame (normally rate / fps samples). A caption runs from the frame that
 * follows it until the next caption or the end.
 *
 * Threading: one producer thread calls frame/caption/close; encoding runs on
 * the recorder's own worker thread, so a frame call only copies. With
 * desc.realtime a full queue drops the frame (its audio and caption are
 * kept; the picture holds the previous frame) and counts it; otherwise the
 * call waits for room. Ownership: create/close; everything given is copied.
 * Errors: NULL / false with mz_error(); an encode error stops the recording
 * and is returned by the next call and by close. Opening sets FFmpeg's
 * (process-wide) log level to errors only. */
#ifndef MZ_RECORD_VIDEO_H
#define MZ_RECORD_VIDEO_H

#include "mz_record.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mz_record_video mz_record_video;

typedef struct mz_record_video_desc {
    const char *path;         /* .mp4 or .webm (required) */
    uint32_t width, height;   /* even (required) */
    double fps;               /* 0 -> 30 */
    int audio_rate;           /* Hz of the stereo float given with frames; 0 -> no audio track */
    bool subtitles;           /* add a subtitle track for captions */
    const mz_record_tag *tags; /* container metadata; keys as FFmpeg names them */
    int tag_count;
    bool realtime;            /* drop frames rather than wait (a window's frame loop) */
    int queue_frames;         /* frames waiting for the encoder; 0 -> 8 */
} mz_record_video_desc;

typedef struct mz_record_video_stats {
    uint64_t frames;        /* handed in */
    uint64_t dropped;       /* of those, dropped because the encoder was behind */
    double encode_cpu_ms;   /* the recorder's thread's CPU time per frame encoded (mean);
                               a codec's own threads (libx264's) are not in it */
} mz_record_video_stats;

mz_record_video *mz_record_video_open(const mz_record_video_desc *desc);

/* Whether path names a container this module writes (.mp4, .webm); false
 * with the message in mz_error() otherwise. For checking options early. */
bool mz_record_video_path_ok(const char *path);

/* The next frame (width*height RGBA) and the audio that follows it
 * (audio_frames stereo frames; NULL/0: none). */
bool mz_record_video_frame(mz_record_video *v, const uint8_t *rgba, const float *audio,
                           size_t audio_frames);

/* A caption shown from the next frame on (UTF-8; NULL or "" ends the
 * current one). Ignored without desc.subtitles. */
bool mz_record_video_caption(mz_record_video *v, const char *text);

mz_record_video_stats mz_record_video_stats_get(mz_record_video *v);

/* Encodes what is queued, finishes the file and frees v (NULL: no-op).
 * false if anything could not be written. stats (may be NULL) gets the
 * final figures. */
bool mz_record_video_close(mz_record_video *v, mz_record_video_stats *stats);

#endif
