/* A fake ComfyUI server for tests (see fake_comfy.c), on its own thread,
 * listening on 127.0.0.1 at a free port. */
#ifndef FAKE_COMFY_H
#define FAKE_COMFY_H

#include <stdbool.h>
#include <stdint.h>

typedef struct fake_comfy fake_comfy;

/* What the fake saw, for the test to check. */
typedef struct fake_comfy_log {
    int uploads, prompts, views, ws_connections;
    uint32_t upload_w, upload_h;
    uint8_t upload_pixel[4]; /* the first pixel of the last uploaded image */
    char workflow[8192];     /* the last workflow queued, as JSON */
    char client_id[64];      /* of the last /prompt */
    char ws_client_id[64];   /* of the last /ws connection */
} fake_comfy_log;

/* fail: executions end in execution_error instead of images. */
fake_comfy *fake_comfy_start(bool fail);
int fake_comfy_port(const fake_comfy *f);
void fake_comfy_log_get(fake_comfy *f, fake_comfy_log *out);
void fake_comfy_stop(fake_comfy *f);

#endif
