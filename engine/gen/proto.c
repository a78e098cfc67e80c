/* The control messages of docs/protocol.md: JSON via cJSON, every field
 * checked against its range on the way in. */
#include "mz_gen_proto.h"

#include "mz_error.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_codes[MZ_GEN_PROTO_STATUS_COUNT] = {
    [MZ_GEN_PROTO_OK] = "ok",
    [MZ_GEN_PROTO_BAD_VERSION] = "bad_version",
    [MZ_GEN_PROTO_BAD_MESSAGE] = "bad_message",
    [MZ_GEN_PROTO_TOO_LARGE] = "too_large",
    [MZ_GEN_PROTO_BAD_FRAME] = "bad_frame",
    [MZ_GEN_PROTO_BUSY] = "busy",
    [MZ_GEN_PROTO_UNSUPPORTED] = "unsupported",
    [MZ_GEN_PROTO_INTERNAL] = "internal",
    [MZ_GEN_PROTO_TIMEOUT] = "timeout",
};

static const char *const type_names[] = {
    [MZ_GEN_PROTO_HELLO] = "hello",       [MZ_GEN_PROTO_WELCOME] = "welcome",
    [MZ_GEN_PROTO_SCENE] = "scene",       [MZ_GEN_PROTO_CANCEL] = "cancel",
    [MZ_GEN_PROTO_ACCEPTED] = "accepted", [MZ_GEN_PROTO_PROGRESS] = "progress",
    [MZ_GEN_PROTO_DONE] = "done",         [MZ_GEN_PROTO_ERROR] = "error",
};
#define TYPE_COUNT (sizeof type_names / sizeof type_names[0])

static const char *const encoding_names[] = {"raw", "png", "jpeg"};
#define ENCODING_COUNT 3

static const char *const interp_names[] = {"linear", "slerp"};
#define INTERP_COUNT 2

/* Doubles (cJSON, JavaScript) hold integers exactly only up to 2^53: readers
 * take numbers below it. Writers send numbers only below 10^15, because
 * cJSON prints 15 significant digits when they read back "equal enough":
 * 8446740737955161 went out as 8.44674073795516e+15 (found by fuzz_proto). */
#define EXACT_DOUBLE_INT 9007199254740992.0
#define PRINTED_EXACT_INT 1e15

const char *mz_gen_proto_status_code(mz_gen_proto_status s)
{
    return (unsigned)s < MZ_GEN_PROTO_STATUS_COUNT ? status_codes[s] : "internal";
}

mz_gen_proto_status mz_gen_proto_status_of(const char *code)
{
    for (int i = 1; i < MZ_GEN_PROTO_STATUS_COUNT; i++)
        if (code && !strcmp(code, status_codes[i])) return (mz_gen_proto_status)i;
    return MZ_GEN_PROTO_INTERNAL;
}

bool mz_gen_proto_encoding_of(const char *name, mz_gen_proto_encoding *out)
{
    for (int e = 0; e < ENCODING_COUNT; e++)
        if (!strcmp(name, encoding_names[e])) {
            *out = (mz_gen_proto_encoding)e;
            return true;
        }
    return false;
}

mz_gen_proto_limits mz_gen_proto_default_limits(void)
{
    return (mz_gen_proto_limits){
        .max_message_bytes = MZ_GEN_PROTO_MAX_MESSAGE,
        .max_frame_bytes = MZ_GEN_PROTO_MAX_FRAME_BYTES,
        .max_queue_frames = MZ_GEN_PROTO_MAX_QUEUE,
        .max_conditioning = MZ_GEN_PROTO_MAX_CONDITIONING,
    };
}

/* ---- encoding ---------------------------------------------------------- */

static bool add_u64(cJSON *o, const char *name, uint64_t v)
{
    if ((double)v < PRINTED_EXACT_INT) return cJSON_AddNumberToObject(o, name, (double)v) != NULL;
    char text[24];
    snprintf(text, sizeof text, "%llu", (unsigned long long)v);
    return cJSON_AddStringToObject(o, name, text) != NULL;
}

static bool add_encodings(cJSON *o, uint32_t bits)
{
    cJSON *a = cJSON_AddArrayToObject(o, "encodings");
    if (!a) return false;
    for (int e = 0; e < ENCODING_COUNT; e++)
        if (bits & MZ_GEN_PROTO_ENC_BIT(e))
            cJSON_AddItemToArray(a, cJSON_CreateString(encoding_names[e]));
    return true;
}

/* `transition`: seconds (1.0), or with steps an object (1.1). */
static bool add_transition(cJSON *o, const mz_gen_proto_msg *m)
{
    if (m->transition_steps <= 0)
        return cJSON_AddNumberToObject(o, "transition", m->transition) != NULL;
    cJSON *t = cJSON_AddObjectToObject(o, "transition");
    return t && cJSON_AddNumberToObject(t, "steps", m->transition_steps) &&
           cJSON_AddStringToObject(t, "method",
                                   interp_names[(unsigned)m->transition_method % INTERP_COUNT]);
}

static bool add_prompts(cJSON *o, const mz_gen_proto_msg *m)
{
    if (m->prompt_count <= 0) return true;
    cJSON *a = cJSON_AddArrayToObject(o, "prompts");
    if (!a) return false;
    for (int i = 0; i < m->prompt_count; i++) {
        cJSON *p = cJSON_CreateObject();
        if (!p || !cJSON_AddItemToArray(a, p)) {
            cJSON_Delete(p);
            return false;
        }
        if (!cJSON_AddStringToObject(p, "text", m->prompts[i].text) ||
            !cJSON_AddNumberToObject(p, "weight", m->prompts[i].weight))
            return false;
    }
    return true;
}

static bool encode_fields(const mz_gen_proto_msg *m, cJSON *o)
{
    bool ok = cJSON_AddStringToObject(o, "type", type_names[m->type]) != NULL;
    switch (m->type) {
    case MZ_GEN_PROTO_HELLO: {
        ok &= cJSON_AddNumberToObject(o, "version", m->version) != NULL;
        ok &= cJSON_AddNumberToObject(o, "minor", m->minor) != NULL;
        ok &= cJSON_AddStringToObject(o, "client", m->peer) != NULL;
        cJSON *caps = cJSON_AddObjectToObject(o, "capabilities");
        ok &= caps && add_encodings(caps, m->encodings) &&
              cJSON_AddNumberToObject(caps, "max_frame_bytes", m->max_frame_bytes);
        break;
    }
    case MZ_GEN_PROTO_WELCOME: {
        ok &= cJSON_AddNumberToObject(o, "version", m->version) != NULL;
        ok &= cJSON_AddNumberToObject(o, "minor", m->minor) != NULL;
        ok &= cJSON_AddStringToObject(o, "server", m->peer) != NULL;
        ok &= cJSON_AddStringToObject(o, "backend", m->backend) != NULL;
        ok &= cJSON_AddBoolToObject(o, "streaming", m->streaming) != NULL;
        cJSON *l = cJSON_AddObjectToObject(o, "limits");
        ok &= l && cJSON_AddNumberToObject(l, "max_message_bytes", m->limits.max_message_bytes) &&
              cJSON_AddNumberToObject(l, "max_frame_bytes", m->limits.max_frame_bytes) &&
              cJSON_AddNumberToObject(l, "max_queue_frames", m->limits.max_queue_frames) &&
              cJSON_AddNumberToObject(l, "max_conditioning", m->limits.max_conditioning);
        break;
    }
    case MZ_GEN_PROTO_SCENE: {
        ok &= add_u64(o, "id", m->id);
        ok &= cJSON_AddStringToObject(o, "prompt", m->prompt) != NULL;
        ok &= cJSON_AddStringToObject(o, "negative", m->negative) != NULL;
        ok &= add_u64(o, "seed", m->seed);
        ok &= cJSON_AddNumberToObject(o, "width", m->width) != NULL;
        ok &= cJSON_AddNumberToObject(o, "height", m->height) != NULL;
        ok &= cJSON_AddNumberToObject(o, "fps", m->fps) != NULL;
        ok &= cJSON_AddNumberToObject(o, "duration", m->duration) != NULL;
        ok &= add_transition(o, m) && add_prompts(o, m);
        ok &= cJSON_AddStringToObject(o, "pace", m->realtime ? "realtime" : "fast") != NULL;
        ok &= cJSON_AddStringToObject(o, "encoding", encoding_names[m->encoding]) != NULL;
        cJSON *tags = cJSON_AddArrayToObject(o, "tags");
        ok &= tags != NULL;
        for (int i = 0; ok && i < m->tag_count; i++)
            cJSON_AddItemToArray(tags, cJSON_CreateString(m->tags[i]));
        ok &= cJSON_AddNumberToObject(o, "conditioning", m->conditioning) != NULL;
        break;
    }
    case MZ_GEN_PROTO_CANCEL:
    case MZ_GEN_PROTO_ACCEPTED:
        ok &= add_u64(o, "id", m->id);
        break;
    case MZ_GEN_PROTO_PROGRESS:
        ok &= add_u64(o, "id", m->id);
        ok &= cJSON_AddNumberToObject(o, "fraction", m->fraction) != NULL;
        break;
    case MZ_GEN_PROTO_DONE:
        ok &= add_u64(o, "id", m->id);
        ok &= cJSON_AddNumberToObject(o, "frames", m->frames) != NULL;
        break;
    case MZ_GEN_PROTO_ERROR:
        if (m->id) ok &= add_u64(o, "id", m->id);
        ok &= cJSON_AddStringToObject(o, "code", mz_gen_proto_status_code(m->code)) != NULL;
        ok &= cJSON_AddStringToObject(o, "message", m->message) != NULL;
        ok &= cJSON_AddBoolToObject(o, "fatal", m->fatal) != NULL;
        break;
    }
    return ok;
}

char *mz_gen_proto_encode(const mz_gen_proto_msg *m, size_t *len)
{
    if ((unsigned)m->type >= TYPE_COUNT) {
        mz_fail("protocol: cannot encode message type %d", (int)m->type);
        return NULL;
    }
    cJSON *o = cJSON_CreateObject();
    char *text = NULL;
    if (o && encode_fields(m, o)) text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text) {
        mz_fail("protocol: out of memory encoding '%s'", type_names[m->type]);
        return NULL;
    }
    if (len) *len = strlen(text);
    return text;
}

/* ---- decoding ---------------------------------------------------------- */

/* Each getter fails with the field's name, so errors read
 * "bad_message: scene: 'width' must be a number in 16..4096". */
typedef struct reader {
    const cJSON *obj;
    const char *type;
    mz_gen_proto_status status;
} reader;

static bool bad(reader *r, const char *field, const char *what)
{
    if (r->status == MZ_GEN_PROTO_OK) {
        r->status = MZ_GEN_PROTO_BAD_MESSAGE;
        mz_fail("%s: '%s' %s", r->type, field, what);
    }
    return false;
}

static bool get_number(reader *r, const char *name, double lo, double hi, bool required,
                       double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->obj, name);
    if (!v) return required ? bad(r, name, "is missing") : true;
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < lo ||
        v->valuedouble > hi) {
        char what[96];
        snprintf(what, sizeof what, "must be a number in %g..%g", lo, hi);
        return bad(r, name, what);
    }
    *out = v->valuedouble;
    return true;
}

static bool get_int(reader *r, const char *name, int lo, int hi, bool required, int *out)
{
    double d = *out;
    if (!get_number(r, name, lo, hi, required, &d)) return false;
    if (d != floor(d)) return bad(r, name, "must be an integer");
    *out = (int)d;
    return true;
}

static bool get_u32(reader *r, const char *name, bool required, uint32_t *out)
{
    double d = *out;
    if (!get_number(r, name, 0, 4294967295.0, required, &d)) return false;
    *out = (uint32_t)d;
    return true;
}

static bool get_float(reader *r, const char *name, double lo, double hi, bool required, float *out)
{
    double d = *out;
    if (!get_number(r, name, lo, hi, required, &d)) return false;
    *out = (float)d;
    return true;
}

static bool get_u64(reader *r, const char *name, bool required, uint64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->obj, name);
    if (!v) return required ? bad(r, name, "is missing") : true;
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (!(d >= 0 && d < EXACT_DOUBLE_INT && d == floor(d)))
            return bad(r, name, "must be an integer in 0..2^53 (or a decimal string)");
        *out = (uint64_t)d;
        return true;
    }
    if (cJSON_IsString(v)) {
        const char *s = v->valuestring;
        size_t n = strlen(s);
        if (n == 0 || n > 20 || strspn(s, "0123456789") != n)
            return bad(r, name, "must be a decimal string of an unsigned 64-bit integer");
        uint64_t x = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t d = (uint64_t)(s[i] - '0');
            if (x > (UINT64_MAX - d) / 10)
                return bad(r, name, "is out of the unsigned 64-bit range");
            x = x * 10 + d;
        }
        *out = x;
        return true;
    }
    return bad(r, name, "must be an integer or a decimal string");
}

static bool copy_string(reader *r, const char *name, const cJSON *v, char *out, size_t cap)
{
    if (!cJSON_IsString(v)) return bad(r, name, "must be a string");
    size_t n = strlen(v->valuestring);
    if (n >= cap) {
        char what[64];
        snprintf(what, sizeof what, "is longer than %zu bytes", cap - 1);
        return bad(r, name, what);
    }
    memcpy(out, v->valuestring, n + 1);
    return true;
}

static bool get_string(reader *r, const char *name, bool required, char *out, size_t cap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->obj, name);
    if (!v) return required ? bad(r, name, "is missing") : true;
    return copy_string(r, name, v, out, cap);
}

static bool get_bool(reader *r, const char *name, bool *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->obj, name);
    if (!v) return true;
    if (!cJSON_IsBool(v)) return bad(r, name, "must be true or false");
    *out = cJSON_IsTrue(v);
    return true;
}

static bool get_version(reader *r, int *out, int *minor)
{
    if (!get_int(r, "version", 0, 1 << 20, true, out) ||
        !get_int(r, "minor", 0, 1 << 20, false, minor))
        return false;
    if (*out != MZ_GEN_PROTO_VERSION) {
        r->status = MZ_GEN_PROTO_BAD_VERSION;
        return mz_fail("%s: protocol version %d, this side speaks %d", r->type, *out,
                       MZ_GEN_PROTO_VERSION);
    }
    return true;
}

static bool get_encodings(reader *r, const cJSON *caps, uint32_t *out)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(caps, "encodings");
    if (!a) return true;
    if (!cJSON_IsArray(a)) return bad(r, "encodings", "must be an array of strings");
    *out = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, a)
    {
        if (!cJSON_IsString(e)) return bad(r, "encodings", "must be an array of strings");
        /* Unknown encodings are a later version's: ignored, not an error. */
        for (int i = 0; i < ENCODING_COUNT; i++)
            if (!strcmp(e->valuestring, encoding_names[i])) *out |= MZ_GEN_PROTO_ENC_BIT(i);
    }
    return true;
}

static bool get_object(reader *r, const char *name, const cJSON **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->obj, name);
    if (v && !cJSON_IsObject(v)) return bad(r, name, "must be an object");
    *out = v;
    return true;
}

static bool decode_hello(reader *r, mz_gen_proto_msg *m)
{
    const cJSON *caps;
    m->encodings = MZ_GEN_PROTO_ENC_BIT(MZ_GEN_PROTO_RAW);
    m->max_frame_bytes = MZ_GEN_PROTO_MAX_FRAME_BYTES;
    if (!get_version(r, &m->version, &m->minor) ||
        !get_string(r, "client", false, m->peer, sizeof m->peer) ||
        !get_object(r, "capabilities", &caps))
        return false;
    if (!caps) return true;
    reader sub = {caps, r->type, MZ_GEN_PROTO_OK};
    bool ok = get_encodings(&sub, caps, &m->encodings) &&
              get_u32(&sub, "max_frame_bytes", false, &m->max_frame_bytes);
    r->status = sub.status;
    return ok;
}

static bool decode_welcome(reader *r, mz_gen_proto_msg *m)
{
    const cJSON *limits;
    m->limits = mz_gen_proto_default_limits();
    m->streaming = true;
    if (!get_version(r, &m->version, &m->minor) ||
        !get_string(r, "server", false, m->peer, sizeof m->peer) ||
        !get_string(r, "backend", false, m->backend, sizeof m->backend) ||
        !get_bool(r, "streaming", &m->streaming) || !get_object(r, "limits", &limits))
        return false;
    if (!limits) return true;
    reader sub = {limits, r->type, MZ_GEN_PROTO_OK};
    bool ok = get_u32(&sub, "max_message_bytes", false, &m->limits.max_message_bytes) &&
              get_u32(&sub, "max_frame_bytes", false, &m->limits.max_frame_bytes) &&
              get_u32(&sub, "max_queue_frames", false, &m->limits.max_queue_frames) &&
              get_u32(&sub, "max_conditioning", false, &m->limits.max_conditioning);
    r->status = sub.status;
    return ok;
}

static bool decode_tags(reader *r, mz_gen_proto_msg *m)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(r->obj, "tags");
    if (!a) return true;
    if (!cJSON_IsArray(a)) return bad(r, "tags", "must be an array of strings");
    if (cJSON_GetArraySize(a) > MZ_GEN_PROTO_MAX_TAGS)
        return bad(r, "tags", "has more than 16 entries");
    const cJSON *e;
    cJSON_ArrayForEach(e, a)
    {
        if (!copy_string(r, "tags", e, m->tags[m->tag_count], MZ_GEN_PROTO_MAX_TAG)) return false;
        m->tag_count++;
    }
    return true;
}

/* `prompts`: 1..8 of {text, weight}, not all weights 0. */
static bool decode_prompts(reader *r, mz_gen_proto_msg *m)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(r->obj, "prompts");
    if (!a) return true;
    if (!cJSON_IsArray(a)) return bad(r, "prompts", "must be an array of {text, weight}");
    int n = cJSON_GetArraySize(a);
    if (n < 1 || n > MZ_GEN_PROTO_MAX_PROMPTS) return bad(r, "prompts", "must have 1 to 8 entries");
    double sum = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, a)
    {
        if (!cJSON_IsObject(e)) return bad(r, "prompts", "must be an array of {text, weight}");
        mz_gen_proto_prompt *p = &m->prompts[m->prompt_count];
        reader sub = {e, r->type, MZ_GEN_PROTO_OK};
        double w = 0;
        bool ok = get_string(&sub, "text", true, p->text, sizeof p->text) &&
                  get_number(&sub, "weight", 0, MZ_GEN_PROTO_MAX_WEIGHT, true, &w);
        r->status = sub.status;
        if (!ok) return false;
        p->weight = (float)w;
        sum += p->weight;
        m->prompt_count++;
    }
    if (!(sum > 0)) return bad(r, "prompts", "has weights that are all 0");
    return true;
}

/* `transition`: seconds 0..60, or {steps: 1..600, method: "linear"|"slerp"}. */
static bool decode_transition(reader *r, mz_gen_proto_msg *m)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(r->obj, "transition");
    if (!cJSON_IsObject(t)) return get_float(r, "transition", 0, 60, false, &m->transition);
    reader sub = {t, r->type, MZ_GEN_PROTO_OK};
    char method[16] = "linear";
    bool ok = get_int(&sub, "steps", 1, MZ_GEN_PROTO_MAX_STEPS, true, &m->transition_steps) &&
              get_string(&sub, "method", false, method, sizeof method);
    r->status = sub.status;
    if (!ok) return false;
    for (int i = 0; i < INTERP_COUNT; i++)
        if (!strcmp(method, interp_names[i])) {
            m->transition_method = (mz_gen_proto_interp)i;
            return true;
        }
    return bad(r, "method", "must be \"linear\" or \"slerp\"");
}

static bool decode_scene(reader *r, mz_gen_proto_msg *m)
{
    char pace[16] = "fast", encoding[16] = "raw";
    m->fps = 30;
    m->transition = 1;
    if (!get_u64(r, "id", true, &m->id) ||
        !get_string(r, "prompt", true, m->prompt, sizeof m->prompt) ||
        !get_string(r, "negative", false, m->negative, sizeof m->negative) ||
        !get_u64(r, "seed", true, &m->seed) ||
        !get_int(r, "width", MZ_GEN_PROTO_MIN_DIM, MZ_GEN_PROTO_MAX_DIM, true, &m->width) ||
        !get_int(r, "height", MZ_GEN_PROTO_MIN_DIM, MZ_GEN_PROTO_MAX_DIM, true, &m->height) ||
        !get_float(r, "fps", 1, 240, false, &m->fps) ||
        !get_float(r, "duration", 0, 86400, false, &m->duration) || !decode_transition(r, m) ||
        !decode_prompts(r, m) || !get_string(r, "pace", false, pace, sizeof pace) ||
        !get_string(r, "encoding", false, encoding, sizeof encoding) || !decode_tags(r, m) ||
        !get_int(r, "conditioning", 0, MZ_GEN_PROTO_MAX_CONDITIONING, false, &m->conditioning))
        return false;
    if (m->id == 0) return bad(r, "id", "must be nonzero");
    if (strcmp(pace, "fast") && strcmp(pace, "realtime"))
        return bad(r, "pace", "must be \"realtime\" or \"fast\"");
    if (!mz_gen_proto_encoding_of(encoding, &m->encoding))
        return bad(r, "encoding", "must be \"raw\", \"png\" or \"jpeg\"");
    if ((uint64_t)m->width * (uint64_t)m->height * 4 > MZ_GEN_PROTO_MAX_FRAME_BYTES)
        return bad(r, "width", "times height makes a frame over the frame size limit");
    m->realtime = !strcmp(pace, "realtime");
    return true;
}

static bool decode_error(reader *r, mz_gen_proto_msg *m)
{
    char code[32];
    if (!get_string(r, "code", true, code, sizeof code) || !get_u64(r, "id", false, &m->id) ||
        !get_bool(r, "fatal", &m->fatal))
        return false;
    m->code = mz_gen_proto_status_of(code);
    /* A long message is the peer's explanation: keep its start rather than
     * refusing the whole error. */
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->obj, "message");
    if (cJSON_IsString(v))
        snprintf(m->message, sizeof m->message, "%s", v->valuestring);
    else if (v)
        return bad(r, "message", "must be a string");
    return true;
}

static bool decode_fields(reader *r, mz_gen_proto_msg *m)
{
    switch (m->type) {
    case MZ_GEN_PROTO_HELLO:
        return decode_hello(r, m);
    case MZ_GEN_PROTO_WELCOME:
        return decode_welcome(r, m);
    case MZ_GEN_PROTO_SCENE:
        return decode_scene(r, m);
    case MZ_GEN_PROTO_CANCEL:
    case MZ_GEN_PROTO_ACCEPTED:
        return get_u64(r, "id", true, &m->id);
    case MZ_GEN_PROTO_PROGRESS:
        return get_u64(r, "id", true, &m->id) && get_float(r, "fraction", 0, 1, true, &m->fraction);
    case MZ_GEN_PROTO_DONE:
        return get_u64(r, "id", true, &m->id) && get_u32(r, "frames", false, &m->frames);
    case MZ_GEN_PROTO_ERROR:
        return decode_error(r, m);
    }
    return false;
}

mz_gen_proto_status mz_gen_proto_decode(const char *text, size_t len, mz_gen_proto_msg *out)
{
    memset(out, 0, sizeof *out);
    if (len > MZ_GEN_PROTO_MAX_TEXT) {
        mz_fail("text message of %zu bytes; the limit is %d", len, MZ_GEN_PROTO_MAX_TEXT);
        return MZ_GEN_PROTO_TOO_LARGE;
    }
    /* cJSON stops at a NUL; a NUL inside the message would hide the rest. */
    if (memchr(text, '\0', len)) {
        mz_fail("text message contains a NUL byte");
        return MZ_GEN_PROTO_BAD_MESSAGE;
    }
    cJSON *o = cJSON_ParseWithLength(text, len);
    if (!o) {
        const char *at = cJSON_GetErrorPtr();
        size_t off = at && at >= text && at <= text + len ? (size_t)(at - text) : 0;
        mz_fail("malformed JSON near byte %zu", off);
        return MZ_GEN_PROTO_BAD_MESSAGE;
    }
    reader r = {o, "message", MZ_GEN_PROTO_OK};
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
    if (!cJSON_IsObject(o) || !cJSON_IsString(type)) {
        mz_fail("message is not a JSON object with a string 'type'");
        r.status = MZ_GEN_PROTO_BAD_MESSAGE;
    } else {
        size_t t = 0;
        while (t < TYPE_COUNT && strcmp(type->valuestring, type_names[t]))
            t++;
        if (t == TYPE_COUNT) {
            mz_fail("unknown message type '%.40s'", type->valuestring);
            r.status = MZ_GEN_PROTO_BAD_MESSAGE;
        } else {
            out->type = (mz_gen_proto_type)t;
            r.type = type_names[t];
            if (!decode_fields(&r, out) && r.status == MZ_GEN_PROTO_OK)
                r.status = MZ_GEN_PROTO_BAD_MESSAGE;
        }
    }
    cJSON_Delete(o);
    return r.status;
}
