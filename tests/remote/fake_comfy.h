/* A fake ComfyUI server for tests (see fake_comfy.c), on its own thread,
 * listening on 127.0.0.1 (or ::1) at a free port, plain or over TLS. */
#ifndef FAKE_COMFY_H
#define FAKE_COMFY_H

#include "fake_media.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct fake_comfy fake_comfy;

/* How the fake behaves; zero-initialised: two images per prompt, at once. */
typedef struct fake_comfy_opts {
    bool fail;          /* executions end in execution_error instead of images */
    bool cached;        /* the output node is cached: `executed` comes at once */
    int reply_delay_ms; /* the /prompt reply waits (the /ws messages go first) */
    int node_errors;    /* 400: the prompt is refused; 200: queued with errors */
    int images;         /* per `executed`; 0: 2 */
    int steps;          /* sampler steps, each with a preview; 0: 3 */
    /* /ws drops at this step of a prompt (every socket closed) and refuses
     * new sockets until the prompt has ended; 0: never. */
    int drop_ws_at_step;
    bool preview_node;         /* the workflow's PreviewImage (node 12) also reports images */
    const char *missing_class; /* /object_info does not know this class */
    const char *prefix;        /* served under this path ("/comfy"), as behind a proxy */
    const char *authorization; /* every request must carry this Authorization header */
    const char *iface;         /* listen here ("::1"); NULL: 127.0.0.1 */
    const char *cert, *key;    /* PEM files: https and wss only */
    fake_media_kind media;     /* the output node's file, written at start; 0: PNGs */
} fake_comfy_opts;

/* What the fake saw, for the test to check. */
typedef struct fake_comfy_log {
    int uploads, prompts, views, ws_connections;
    int input_files;   /* files in its input/ folder (uploads without overwrite add names) */
    int history_hits;  /* /history/{id} answers that held the prompt */
    int object_info;   /* /object_info/{class} requests */
    int unauthorized;  /* requests refused for a missing or wrong Authorization */
    int progress_sent; /* `progress` messages sent */
    int queue_max;     /* the most prompts queued or running at once */
    int runs_finished; /* prompts that ran to their end (success or error) */
    int interrupted, deleted;
    uint32_t upload_w, upload_h;
    uint8_t upload_pixel[4]; /* the first pixel of the last uploaded image */
    char workflow[8192];     /* the last /prompt body, as sent */
    char client_id[64];      /* of the last /prompt */
    char ws_client_id[64];   /* of the last /ws connection */
    bool preview_metadata;   /* a /ws client asked for previews naming their prompt */
    int views_cut;           /* /view replies of opts.media's file the client left early */
} fake_comfy_log;

fake_comfy *fake_comfy_start(const fake_comfy_opts *opts);
int fake_comfy_port(const fake_comfy *f);
/* Where opts.media's file was written. */
const char *fake_comfy_media_dir(const fake_comfy *f);
void fake_comfy_log_get(fake_comfy *f, fake_comfy_log *out);
void fake_comfy_stop(fake_comfy *f);

#endif
