/* comfy_media — the files a ComfyUI output node reports, and their
 * pictures, streamed (private to engine/gen; used by backend_comfy.c).
 *
 * The shapes, read in ComfyUI's and VideoHelperSuite's source:
 *   {"images": [{filename, subfolder, type}...]}  SaveImage, PreviewImage
 *   {"images": [...], "animated": [true]}          SaveAnimatedWEBP and
 *       SaveAnimatedPNG (comfy_api/latest/_ui.py SavedImages.as_dict),
 *       SaveVideo and SaveWEBM (_ui.py PreviewVideo.as_dict): .webp, .png,
 *       .mp4, .webm files
 *   {"gifs": [{filename, subfolder, type, format, frame_rate, ...}]}
 *       VHS_VideoCombine (videohelpersuite/nodes.py VideoCombine.combine_video):
 *       format "image/gif", "image/webp" or "video/NAME" (h264-mp4, webm...)
 * Whatever the shape, the file's own bytes say what it is: every file is
 * read the same way, by engine/record's decoder, so a still PNG is one
 * frame and an animation or a video is all of its frames at their times.
 *
 * Threading: comfy_media_fetch runs on the caller's thread (the adapter's
 * worker) for as long as the file streams. Errors: false + mz_fail(). */
#ifndef MZ_GEN_COMFY_MEDIA_H
#define MZ_GEN_COMFY_MEDIA_H

#include "http.h"
#include "mz_record_decode.h"

#include <cjson/cJSON.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef struct comfy_media_ref {
    char filename[256], subfolder[256], type[32];
    char format[64];   /* VHS's format ("video/h264-mp4"); "" under images */
    double frame_rate; /* VHS's frame_rate; 0: not given */
} comfy_media_ref;

/* Calls add for every file one `executed` output lists, images first, then
 * gifs; returns how many add refused (false). */
int comfy_media_list(const cJSON *output, bool (*add)(void *user, const comfy_media_ref *ref),
                     void *user);

typedef struct comfy_media_fetch_desc {
    /* The server: host, port, tls, ca_file, headers, timeout_s (connecting,
     * and each wait for more bytes) and abort (true: stop within 50 ms);
     * its path is not used. */
    const mz_gen_http_request *server;
    const char *prefix; /* where the server serves ComfyUI ("" or "/comfy") */
    const comfy_media_ref *ref;
    uint32_t max_dim;
    mz_record_decode_frame_fn frame; /* each picture, as it is decoded */
    void *user;
} comfy_media_fetch_desc;

/* GET /view?filename&subfolder&type, decoded while it arrives. The file is
 * never whole in memory: at most the HTTP buffer, the decoder's state and
 * one picture. Seeks (an MP4 with its index at the end) are Range requests,
 * which ComfyUI's /view answers (server.py view_image: aiohttp's
 * FileResponse). */
bool comfy_media_fetch(const comfy_media_fetch_desc *d);

#endif
