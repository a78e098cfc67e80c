/* ComfyUI's output files, listed and streamed into pictures (see comfy_media.h). */
#include "comfy_media.h"

#include "http.h"
#include "mz_error.h"

#include <stdio.h>
#include <string.h>

static void copy_field(const cJSON *o, const char *name, char *out, size_t cap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    snprintf(out, cap, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

int comfy_media_list(const cJSON *output, bool (*add)(void *user, const comfy_media_ref *ref),
                     void *user)
{
    static const char *const lists[] = {"images", "gifs"};
    int refused = 0;
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        const cJSON *file;
        cJSON_ArrayForEach(file, cJSON_GetObjectItemCaseSensitive(output, lists[l]))
        {
            comfy_media_ref ref = {0};
            copy_field(file, "filename", ref.filename, sizeof ref.filename);
            copy_field(file, "subfolder", ref.subfolder, sizeof ref.subfolder);
            copy_field(file, "type", ref.type, sizeof ref.type);
            copy_field(file, "format", ref.format, sizeof ref.format);
            const cJSON *rate = cJSON_GetObjectItemCaseSensitive(file, "frame_rate");
            ref.frame_rate = cJSON_IsNumber(rate) ? rate->valuedouble : 0;
            if (ref.filename[0]) refused += !add(user, &ref);
        }
    }
    return refused;
}

/* The file over HTTP as the decoder's source: a seek reopens it there. */
typedef struct remote_file {
    mz_gen_http_request req;
    mz_gen_http_stream *s;
    const char *name;
} remote_file;

static bool remote_open(remote_file *f, uint64_t offset)
{
    mz_gen_http_stream_close(f->s);
    f->s = mz_gen_http_stream_open(&f->req, offset);
    if (!f->s) return false;
    int status = mz_gen_http_stream_status(f->s);
    if (status == 200 || status == 206) return true;
    return mz_fail("/view of %s answered %d", f->name, status);
}

static long remote_read(void *user, uint8_t *buf, size_t cap)
{
    remote_file *f = user;
    return mz_gen_http_stream_read(f->s, buf, cap);
}

static bool remote_seek(void *user, uint64_t offset)
{
    return remote_open(user, offset);
}

bool comfy_media_fetch(const comfy_media_fetch_desc *d)
{
    const comfy_media_ref *ref = d->ref;
    char name[800], sub[800], type[100], path[2400];
    if (!mz_gen_http_query_escape(ref->filename, name, sizeof name) ||
        !mz_gen_http_query_escape(ref->subfolder, sub, sizeof sub) ||
        !mz_gen_http_query_escape(ref->type, type, sizeof type))
        return false;
    snprintf(path, sizeof path, "%s/view?filename=%s&subfolder=%s&type=%s", d->prefix, name, sub,
             type);
    remote_file f = {.req = *d->server, .name = ref->filename};
    f.req.path = path;
    bool ok = remote_open(&f, 0);
    if (ok) {
        uint64_t size = mz_gen_http_stream_size(f.s);
        ok = mz_record_decode(&(mz_record_decode_desc){.source = {.read = remote_read,
                                                                  .seek = size ? remote_seek : NULL,
                                                                  .size = size,
                                                                  .user = &f},
                                                       .max_dim = d->max_dim,
                                                       .frame = d->frame,
                                                       .user = d->user});
    }
    mz_gen_http_stream_close(f.s);
    return ok || mz_fail_context("%s", ref->filename);
}
