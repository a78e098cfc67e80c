/* The fake ComfyUI's animated outputs (fake_media.c): files made at test
 * time with FFmpeg's encoders, in the shapes real output nodes report, and
 * served from disk as ComfyUI's /view serves them (Range requests too). */
#ifndef FAKE_MEDIA_H
#define FAKE_MEDIA_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum fake_media_kind {
    FAKE_MEDIA_NONE,     /* SaveImage's still PNGs (fake_comfy.c's own) */
    FAKE_MEDIA_WEBP,     /* SaveAnimatedWEBP: lossless animated WebP, 8 fps */
    FAKE_MEDIA_APNG,     /* SaveAnimatedPNG: APNG, 10 fps */
    FAKE_MEDIA_MP4,      /* SaveVideo: H.264 in MP4 (subfolder video/), 12 fps */
    FAKE_MEDIA_WEBM,     /* SaveWEBM: VP9 in WebM, 15 fps */
    FAKE_MEDIA_VHS_GIF,  /* VHS_VideoCombine image/gif, 10 fps */
    FAKE_MEDIA_VHS_MP4,  /* VHS_VideoCombine video/h264-mp4, 24 fps */
    FAKE_MEDIA_BIG_MP4,  /* VHS video/h264-mp4: 1280x720 lossless noise, over 64 MiB */
    FAKE_MEDIA_AV1_WEBM, /* SaveVideo's WebM (AV1, its default codec there), 12 fps */
    FAKE_MEDIA_BROKEN,   /* SaveVideo's shape, but the .mp4 holds text */
} fake_media_kind;

/* The frames each kind has, and their rate. */
int fake_media_frames(fake_media_kind kind);
double fake_media_fps(fake_media_kind kind);

/* Frame k of a file is this solid colour (every channel 0 or 255, so GIF's
 * 3-3-2 palette holds it exactly). */
void fake_media_colour(int k, uint8_t rgb[3]);

/* Writes kind's file into dir (which must exist); false on an error. */
bool fake_media_write(fake_media_kind kind, const char *dir);

/* Removes the file and dir. */
void fake_media_remove(fake_media_kind kind, const char *dir);

/* The `output` member of the kind's `executed` message, as JSON. */
const char *fake_media_output(fake_media_kind kind);

/* A /view reply streaming from disk: the file's head now (200, or 206 for
 * a Range request), the rest on each writeable callback. */
typedef struct fake_media_reply {
    FILE *file;
    uint64_t left;
} fake_media_reply;

/* -1: close the connection; 0: sending (more on writeable); 1: no such
 * file (start: answer 404) or all sent (more). */
int fake_media_reply_start(fake_media_reply *r, struct lws *wsi, fake_media_kind kind,
                           const char *dir, const char *filename, const char *subfolder);
int fake_media_reply_more(fake_media_reply *r, struct lws *wsi);
/* true: the reply ended with bytes left to send (the client went away). */
bool fake_media_reply_end(fake_media_reply *r);

#endif
