/* The wire format: round trips, every validation branch that guards the
 * engine, and random / mutated bytes that must end in a status, not a crash. */
#include "mz_error.h"
#include "mz_record.h"
#include "mz_gen_proto.h"
#include "mz_test.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

static mz_gen_proto_status decode_str(const char *s, mz_gen_proto_msg *m)
{
    return mz_gen_proto_decode(s, strlen(s), m);
}

static void test_scene_round_trip(void)
{
    mz_gen_proto_msg m = {.type = MZ_GEN_PROTO_SCENE,
                          .id = 42,
                          .seed = 18446744073709551615u,
                          .width = 640,
                          .height = 360,
                          .fps = 30,
                          .duration = 4,
                          .transition = 1,
                          .realtime = true,
                          .conditioning = 2,
                          .tag_count = 2};
    snprintf(m.prompt, sizeof m.prompt, "a lighthouse at dusk, \"quoted\" \xc3\xa9");
    snprintf(m.negative, sizeof m.negative, "blurry");
    snprintf(m.tags[0], sizeof m.tags[0], "sea");
    snprintf(m.tags[1], sizeof m.tags[1], "wind");
    size_t len;
    char *text = mz_gen_proto_encode(&m, &len);
    MZ_CHECK(text != NULL);
    MZ_CHECK_HAS(text, "\"seed\":\"18446744073709551615\"");
    mz_gen_proto_msg d;
    MZ_CHECK(mz_gen_proto_decode(text, len, &d) == MZ_GEN_PROTO_OK);
    MZ_CHECK(d.type == MZ_GEN_PROTO_SCENE && d.id == 42);
    MZ_CHECK(d.seed == 18446744073709551615u);
    MZ_CHECK_STR(d.prompt, m.prompt);
    MZ_CHECK_STR(d.negative, "blurry");
    MZ_CHECK(d.width == 640 && d.height == 360 && d.fps == 30 && d.duration == 4);
    MZ_CHECK(d.realtime && d.conditioning == 2 && d.tag_count == 2);
    MZ_CHECK_STR(d.tags[1], "wind");
    free(text);
}

/* Every u64 goes through encode -> decode unchanged, those near 2^53 too:
 * cJSON printed 8446740737955161 as 8.44674073795516e+15 (found by
 * fuzz_proto; its input is in tests/fuzz/corpus/proto). */
static void test_u64_round_trips(void)
{
    static const uint64_t values[] = {1, 999999999999999u, 1000000000000000u,
                                      8446740737955161u, 9007199254740991u, 9007199254740993u,
                                      18446744073709551615u};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        mz_gen_proto_msg m = {.type = MZ_GEN_PROTO_SCENE, .id = values[i], .seed = values[i],
                              .width = 64, .height = 64, .fps = 30};
        size_t len;
        char *text = mz_gen_proto_encode(&m, &len);
        mz_gen_proto_msg d;
        MZ_CHECK(text && mz_gen_proto_decode(text, len, &d) == MZ_GEN_PROTO_OK);
        MZ_CHECK_MSG(d.seed == values[i] && d.id == values[i], "%s", text ? text : "");
        free(text);
    }
}

static void test_control_round_trips(void)
{
    mz_gen_proto_msg msgs[] = {
        {.type = MZ_GEN_PROTO_HELLO, .version = 1, .encodings = 7, .max_frame_bytes = 1000},
        {.type = MZ_GEN_PROTO_WELCOME,
         .version = 1,
         .streaming = false,
         .limits = mz_gen_proto_default_limits()},
        {.type = MZ_GEN_PROTO_CANCEL, .id = 7},
        {.type = MZ_GEN_PROTO_ACCEPTED, .id = 8},
        {.type = MZ_GEN_PROTO_PROGRESS, .id = 9, .fraction = 0.5f},
        {.type = MZ_GEN_PROTO_DONE, .id = 10, .frames = 120},
        {.type = MZ_GEN_PROTO_ERROR, .id = 11, .code = MZ_GEN_PROTO_BUSY, .fatal = true},
    };
    snprintf(msgs[0].peer, sizeof msgs[0].peer, "maze test");
    snprintf(msgs[1].backend, sizeof msgs[1].backend, "procedural");
    snprintf(msgs[6].message, sizeof msgs[6].message, "8 clients already");
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
        size_t len;
        char *text = mz_gen_proto_encode(&msgs[i], &len);
        mz_gen_proto_msg d;
        MZ_CHECK_MSG(mz_gen_proto_decode(text, len, &d) == MZ_GEN_PROTO_OK, "%s: %s", text,
                     mz_error());
        MZ_CHECK(d.type == msgs[i].type && d.id == msgs[i].id);
        free(text);
        if (i == 0)
            MZ_CHECK(d.encodings == 7 && d.max_frame_bytes == 1000 && !strcmp(d.peer, "maze test"));
        if (i == 1)
            MZ_CHECK(!d.streaming && d.limits.max_queue_frames == MZ_GEN_PROTO_MAX_QUEUE &&
                     !strcmp(d.backend, "procedural"));
        if (i == 4) MZ_CHECK(d.fraction == 0.5f);
        if (i == 5) MZ_CHECK(d.frames == 120);
        if (i == 6)
            MZ_CHECK(d.code == MZ_GEN_PROTO_BUSY && d.fatal &&
                     !strcmp(d.message, "8 clients already"));
    }
}

static void test_rejections(void)
{
    static const struct {
        const char *text;
        mz_gen_proto_status status;
        const char *says;
    } cases[] = {
        {"", MZ_GEN_PROTO_BAD_MESSAGE, "malformed JSON"},
        {"{\"type\":", MZ_GEN_PROTO_BAD_MESSAGE, "malformed JSON"},
        {"[1,2]", MZ_GEN_PROTO_BAD_MESSAGE, "not a JSON object"},
        {"{\"type\":3}", MZ_GEN_PROTO_BAD_MESSAGE, "string 'type'"},
        {"{\"type\":\"launch\"}", MZ_GEN_PROTO_BAD_MESSAGE, "unknown message type 'launch'"},
        {"{\"type\":\"hello\",\"version\":2}", MZ_GEN_PROTO_BAD_VERSION, "version 2"},
        {"{\"type\":\"welcome\"}", MZ_GEN_PROTO_BAD_MESSAGE, "'version' is missing"},
        {"{\"type\":\"scene\",\"id\":1,\"prompt\":\"x\",\"seed\":1,\"width\":8,\"height\":64}",
         MZ_GEN_PROTO_BAD_MESSAGE, "'width' must be a number in 16..4096"},
        {"{\"type\":\"scene\",\"id\":0,\"prompt\":\"x\",\"seed\":1,\"width\":64,\"height\":64}",
         MZ_GEN_PROTO_BAD_MESSAGE, "'id' must be nonzero"},
        {"{\"type\":\"scene\",\"id\":1,\"prompt\":\"x\",\"seed\":-1,\"width\":64,\"height\":64}",
         MZ_GEN_PROTO_BAD_MESSAGE, "'seed' must be an integer"},
        {"{\"type\":\"scene\",\"id\":\"99999999999999999999\",\"prompt\":\"x\",\"seed\":1,"
         "\"width\":64,\"height\":64}",
         MZ_GEN_PROTO_BAD_MESSAGE, "out of the unsigned 64-bit range"},
        {"{\"type\":\"scene\",\"id\":1,\"prompt\":\"x\",\"seed\":1,\"width\":4096,\"height\":4096}",
         MZ_GEN_PROTO_BAD_MESSAGE, "over the frame size limit"},
        {"{\"type\":\"scene\",\"id\":1,\"prompt\":\"x\",\"seed\":1,\"width\":64,\"height\":64,"
         "\"conditioning\":5}",
         MZ_GEN_PROTO_BAD_MESSAGE, "'conditioning'"},
        {"{\"type\":\"scene\",\"id\":1,\"prompt\":\"x\",\"seed\":1,\"width\":64,\"height\":64,"
         "\"pace\":\"slow\"}",
         MZ_GEN_PROTO_BAD_MESSAGE, "'pace'"},
        {"{\"type\":\"scene\",\"id\":1,\"prompt\":\"x\",\"seed\":1,\"width\":64.5,\"height\":64}",
         MZ_GEN_PROTO_BAD_MESSAGE, "'width' must be an integer"},
        {"{\"type\":\"progress\",\"id\":1,\"fraction\":1.5}", MZ_GEN_PROTO_BAD_MESSAGE,
         "'fraction'"},
        {"{\"type\":\"cancel\"}", MZ_GEN_PROTO_BAD_MESSAGE, "'id' is missing"},
        {"{\"type\":\"error\",\"message\":\"x\"}", MZ_GEN_PROTO_BAD_MESSAGE, "'code' is missing"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mz_gen_proto_msg m;
        mz_gen_proto_status s = decode_str(cases[i].text, &m);
        MZ_CHECK_MSG(s == cases[i].status, "%s -> %s", cases[i].text, mz_gen_proto_status_code(s));
        MZ_CHECK_HAS(mz_error(), cases[i].says);
    }
}

/* Minor version 1: weighted prompts and a transition over steps travel
 * unchanged; a 1.0 scene (no such members) reads as before; bad values are
 * refused with the member named. */
static void test_blended_prompts(void)
{
    static mz_gen_proto_msg m, d; /* 45 KiB each */
    m = (mz_gen_proto_msg){.type = MZ_GEN_PROTO_SCENE,
                           .id = 5,
                           .seed = 1,
                           .width = 64,
                           .height = 64,
                           .fps = 30,
                           .transition = 1,
                           .prompt_count = 2,
                           .transition_steps = 8,
                           .transition_method = MZ_GEN_PROTO_SLERP};
    snprintf(m.prompt, sizeof m.prompt, "a misty harbour");
    snprintf(m.prompts[0].text, sizeof m.prompts[0].text, "a misty harbour");
    m.prompts[0].weight = 0.7f;
    snprintf(m.prompts[1].text, sizeof m.prompts[1].text, "a storm \"at sea\"");
    m.prompts[1].weight = 0.3f;
    size_t len;
    char *text = mz_gen_proto_encode(&m, &len);
    MZ_CHECK_HAS(text, "\"transition\":{\"steps\":8,\"method\":\"slerp\"}");
    MZ_CHECK_HAS(text, "\"prompts\":[{\"text\":\"a misty harbour\",\"weight\":0.");
    MZ_CHECK(mz_gen_proto_decode(text, len, &d) == MZ_GEN_PROTO_OK);
    MZ_CHECK(d.prompt_count == 2 && d.prompts[0].weight == 0.7f && d.prompts[1].weight == 0.3f);
    MZ_CHECK_STR(d.prompts[1].text, "a storm \"at sea\"");
    MZ_CHECK(d.transition_steps == 8 && d.transition_method == MZ_GEN_PROTO_SLERP);
    free(text);

    /* Without them: seconds as in 1.0, and nothing else written. */
    m.prompt_count = 0;
    m.transition_steps = 0;
    m.transition = 2.5f;
    text = mz_gen_proto_encode(&m, &len);
    MZ_CHECK_HAS(text, "\"transition\":2.5");
    MZ_CHECK(!strstr(text, "prompts"));
    MZ_CHECK(mz_gen_proto_decode(text, len, &d) == MZ_GEN_PROTO_OK);
    MZ_CHECK(d.prompt_count == 0 && d.transition_steps == 0 && d.transition == 2.5f);
    free(text);

    /* hello and welcome say their minor version; 1.0 peers say none. */
    MZ_CHECK(decode_str("{\"type\":\"welcome\",\"version\":1,\"minor\":1}", &d) == MZ_GEN_PROTO_OK);
    MZ_CHECK(d.minor == 1);
    MZ_CHECK(decode_str("{\"type\":\"hello\",\"version\":1}", &d) == MZ_GEN_PROTO_OK);
    MZ_CHECK(d.minor == 0);

#define SCENE "{\"type\":\"scene\",\"id\":1,\"prompt\":\"x\",\"seed\":1,\"width\":64,\"height\":64,"
    static const struct {
        const char *text, *says;
    } bad[] = {
        {SCENE "\"prompts\":{}}", "'prompts' must be an array of {text, weight}"},
        {SCENE "\"prompts\":[]}", "'prompts' must have 1 to 8 entries"},
        {SCENE "\"prompts\":[1]}", "'prompts' must be an array of {text, weight}"},
        {SCENE "\"prompts\":[{\"text\":\"a\"}]}", "'weight' is missing"},
        {SCENE "\"prompts\":[{\"weight\":1}]}", "'text' is missing"},
        {SCENE "\"prompts\":[{\"text\":\"a\",\"weight\":-0.5}]}",
         "'weight' must be a number in 0..1e+06"},
        {SCENE "\"prompts\":[{\"text\":\"a\",\"weight\":0},{\"text\":\"b\",\"weight\":0}]}",
         "weights that are all 0"},
        {SCENE "\"prompts\":[{\"text\":7,\"weight\":1}]}", "'text' must be a string"},
        {SCENE "\"transition\":{\"steps\":0}}", "'steps' must be a number in 1..600"},
        {SCENE "\"transition\":{\"steps\":2.5}}", "'steps' must be an integer"},
        {SCENE "\"transition\":{\"method\":\"slerp\"}}", "'steps' is missing"},
        {SCENE "\"transition\":{\"steps\":4,\"method\":\"cubic\"}}",
         "'method' must be \"linear\" or \"slerp\""},
        {SCENE "\"transition\":\"slow\"}", "'transition' must be a number in 0..60"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mz_gen_proto_status s = decode_str(bad[i].text, &d);
        MZ_CHECK_MSG(s == MZ_GEN_PROTO_BAD_MESSAGE, "%s -> %s", bad[i].text,
                     mz_gen_proto_status_code(s));
        MZ_CHECK_HAS(mz_error(), bad[i].says);
    }
    /* Nine prompts are one too many. */
    char nine[600] = SCENE "\"prompts\":[";
    for (int i = 0; i < 9; i++)
        strcat(nine, i ? ",{\"text\":\"a\",\"weight\":1}" : "{\"text\":\"a\",\"weight\":1}");
    strcat(nine, "]}");
    MZ_CHECK(decode_str(nine, &d) == MZ_GEN_PROTO_BAD_MESSAGE);
    MZ_CHECK_HAS(mz_error(), "1 to 8 entries");
#undef SCENE
}

static void test_long_fields(void)
{
    size_t n = MZ_GEN_PROTO_MAX_PROMPT + 100;
    char *text = malloc(n + 200);
    int at = snprintf(text, 200,
                      "{\"type\":\"scene\",\"id\":1,\"seed\":1,\"width\":64,"
                      "\"height\":64,\"prompt\":\"");
    memset(text + at, 'a', n);
    strcpy(text + at + n, "\"}");
    mz_gen_proto_msg m;
    MZ_CHECK(decode_str(text, &m) == MZ_GEN_PROTO_BAD_MESSAGE);
    MZ_CHECK_HAS(mz_error(), "'prompt' is longer than 4096 bytes");
    free(text);

    size_t big = MZ_GEN_PROTO_MAX_TEXT + 1;
    char *huge = malloc(big);
    memset(huge, ' ', big);
    MZ_CHECK(mz_gen_proto_decode(huge, big, &m) == MZ_GEN_PROTO_TOO_LARGE);
    free(huge);

    static const char nul[] = "{\"type\":\"cancel\",\"id\":1}\0garbage";
    MZ_CHECK(mz_gen_proto_decode(nul, sizeof nul - 1, &m) == MZ_GEN_PROTO_BAD_MESSAGE);
    /* Not NUL-terminated: the decoder must stop at len. */
    static const char cut[] = "{\"type\":\"cancel\",\"id\":1}XXXX";
    MZ_CHECK(mz_gen_proto_decode(cut, sizeof cut - 5, &m) == MZ_GEN_PROTO_OK && m.id == 1);
}

static uint8_t *frame_message(const mz_gen_proto_frame *f, const uint8_t *payload, size_t *len)
{
    *len = MZ_GEN_PROTO_HEADER_SIZE + f->payload_size;
    uint8_t *msg = malloc(*len);
    mz_gen_proto_frame_header(f, msg);
    memcpy(msg + MZ_GEN_PROTO_HEADER_SIZE, payload, f->payload_size);
    return msg;
}

static void test_frames(void)
{
    enum { W = 32, H = 16 };
    uint8_t rgba[W * H * 4];
    /* Frames are opaque (PNG payloads carry RGB): alpha 255. */
    for (size_t i = 0; i < sizeof rgba; i++)
        rgba[i] = i % 4 == 3 ? 255 : (uint8_t)(i * 7 + i / 64);
    mz_gen_proto_frame f = {.scene_id = 5,
                            .index = 3,
                            .transitional = true,
                            .time_us = 100000,
                            .width = W,
                            .height = H,
                            .payload_size = sizeof rgba};
    size_t len;
    uint8_t *msg = frame_message(&f, rgba, &len);
    mz_gen_proto_frame p;
    MZ_CHECK(mz_gen_proto_frame_parse(msg, len, MZ_GEN_PROTO_MAX_FRAME_BYTES, &p) ==
             MZ_GEN_PROTO_OK);
    MZ_CHECK(p.scene_id == 5 && p.index == 3 && p.transitional && !p.conditioning);
    MZ_CHECK(p.time_us == 100000 && p.width == W && p.height == H);
    uint8_t out[W * H * 4];
    MZ_CHECK(mz_gen_proto_frame_pixels(&p, out) == MZ_GEN_PROTO_OK);
    MZ_CHECK(!memcmp(out, rgba, sizeof rgba));

    /* Truncated, oversized for this peer, wrong magic, wrong version. */
    MZ_CHECK(mz_gen_proto_frame_parse(msg, len - 1, MZ_GEN_PROTO_MAX_FRAME_BYTES, &p) ==
             MZ_GEN_PROTO_BAD_FRAME);
    MZ_CHECK_HAS(mz_error(), "follow its header");
    MZ_CHECK(mz_gen_proto_frame_parse(msg, 20, MZ_GEN_PROTO_MAX_FRAME_BYTES, &p) ==
             MZ_GEN_PROTO_BAD_FRAME);
    MZ_CHECK(mz_gen_proto_frame_parse(msg, len, 1000, &p) == MZ_GEN_PROTO_TOO_LARGE);
    msg[0] = 'X';
    MZ_CHECK(mz_gen_proto_frame_parse(msg, len, MZ_GEN_PROTO_MAX_FRAME_BYTES, &p) ==
             MZ_GEN_PROTO_BAD_FRAME);
    msg[0] = 'M';
    msg[4] = 9;
    MZ_CHECK(mz_gen_proto_frame_parse(msg, len, MZ_GEN_PROTO_MAX_FRAME_BYTES, &p) ==
             MZ_GEN_PROTO_BAD_VERSION);
    free(msg);

    /* PNG: round trip; a PNG of another size than the header says is refused. */
    uint8_t *png;
    size_t png_len;
    MZ_CHECK(mz_record_png_encode(rgba, W, H, NULL, &png, &png_len));
    f.encoding = MZ_GEN_PROTO_PNG;
    f.payload_size = png_len;
    msg = frame_message(&f, png, &len);
    MZ_CHECK(mz_gen_proto_frame_parse(msg, len, MZ_GEN_PROTO_MAX_FRAME_BYTES, &p) ==
             MZ_GEN_PROTO_OK);
    memset(out, 0, sizeof out);
    MZ_CHECK(mz_gen_proto_frame_pixels(&p, out) == MZ_GEN_PROTO_OK);
    MZ_CHECK(!memcmp(out, rgba, sizeof rgba));
    free(msg);
    f.width = W * 2;
    msg = frame_message(&f, png, &len);
    MZ_CHECK(mz_gen_proto_frame_parse(msg, len, MZ_GEN_PROTO_MAX_FRAME_BYTES, &p) ==
             MZ_GEN_PROTO_OK);
    uint8_t *big = malloc((size_t)W * 2 * H * 4);
    MZ_CHECK(mz_gen_proto_frame_pixels(&p, big) == MZ_GEN_PROTO_BAD_FRAME);
    MZ_CHECK_HAS(mz_error(), "its image is 32x16");
    free(big);
    free(msg);
    /* A PNG whose own header claims 4096x4096 inside a 32x16 frame (a
     * decompression bomb's shape) is refused from the headers alone, before
     * 64 MB are allocated and inflated: the message is the size mismatch,
     * not a decoder error from the data that does not fill 4096x4096. */
    f.width = W;
    uint8_t *bomb = malloc(png_len);
    memcpy(bomb, png, png_len);
    for (int k = 0; k < 2; k++) { /* IHDR width and height, big-endian */
        bomb[16 + 4 * k] = 0;
        bomb[17 + 4 * k] = 0;
        bomb[18 + 4 * k] = 0x10;
        bomb[19 + 4 * k] = 0;
    }
    uint32_t crc = (uint32_t)crc32(0, bomb + 12, 17); /* over "IHDR" and its 13 bytes */
    for (int k = 0; k < 4; k++)
        bomb[29 + k] = (uint8_t)(crc >> (24 - 8 * k));
    msg = frame_message(&f, bomb, &len);
    MZ_CHECK(mz_gen_proto_frame_parse(msg, len, MZ_GEN_PROTO_MAX_FRAME_BYTES, &p) ==
             MZ_GEN_PROTO_OK);
    MZ_CHECK(mz_gen_proto_frame_pixels(&p, out) == MZ_GEN_PROTO_BAD_FRAME);
    MZ_CHECK_HAS(mz_error(), "frame header says 32x16, its image is 4096x4096");
    free(msg);
    free(bomb);
    /* Truncated PNG. */
    uint8_t *dec;
    uint32_t w, h;
    MZ_CHECK(!mz_gen_image_decode(png, png_len / 2, 4096, &dec, &w, &h));
    MZ_CHECK(dec == NULL);
    free(png);
}

static void test_jpeg_frames(void)
{
    enum { W = 48, H = 32 };
    uint8_t *src = malloc(W * H * 4), *jpeg;
    for (int i = 0; i < W * H; i++)
        memcpy(src + 4 * i, (const uint8_t[]){200, 40, 90, 255}, 4);
    size_t len = 0;
    MZ_CHECK(mz_gen_jpeg_encode(src, W, H, 90, &jpeg, &len));
    free(src);
    mz_gen_proto_frame f = {
        .scene_id = 9, .width = W, .height = H, .encoding = MZ_GEN_PROTO_JPEG, .payload_size = len};
    size_t mlen;
    uint8_t *msg = frame_message(&f, jpeg, &mlen);
    mz_gen_proto_frame p;
    MZ_CHECK(mz_gen_proto_frame_parse(msg, mlen, MZ_GEN_PROTO_MAX_FRAME_BYTES, &p) ==
             MZ_GEN_PROTO_OK);
    uint8_t *rgba = malloc(W * H * 4);
    MZ_CHECK(mz_gen_proto_frame_pixels(&p, rgba) == MZ_GEN_PROTO_OK);
    const uint8_t *mid = rgba + ((H / 2) * W + W / 2) * 4;
    MZ_CHECK_MSG(abs(mid[0] - 200) <= 3 && abs(mid[1] - 40) <= 3 && abs(mid[2] - 90) <= 3 &&
                     mid[3] == 255,
                 "decoded %u,%u,%u,%u", mid[0], mid[1], mid[2], mid[3]);
    /* Cut short: an error, not a crash (libjpeg may also pad it out grey). */
    uint8_t *img;
    uint32_t w, h;
    if (mz_gen_image_decode(jpeg, 20, 4096, &img, &w, &h)) free(img);
    MZ_CHECK(!mz_gen_image_decode(jpeg, 2, 4096, &img, &w, &h));
    free(rgba);
    free(msg);
    free(jpeg);
}

/* Random bytes and mutations of valid messages through every decoder:
 * the only acceptable outcomes are OK or an error status (ASan watches). */
static void test_random_bytes(void)
{
    uint64_t s = 0x9e3779b97f4a7c15u;
#define RNG() (s ^= s << 13, s ^= s >> 7, s ^= s << 17, s)
    static const char *seeds[] = {
        ("{\"type\":\"scene\",\"id\":1,\"prompt\":\"sea\",\"seed\":\"77\",\"width\":64,"
         "\"height\":64,\"tags\":[\"a\",\"b\"],\"conditioning\":1}"),
        "{\"type\":\"hello\",\"version\":1,\"capabilities\":{\"encodings\":[\"raw\",\"png\"]}}",
        "{\"type\":\"error\",\"code\":\"busy\",\"message\":\"m\",\"fatal\":true}",
        "{\"type\":\"welcome\",\"version\":1,\"limits\":{\"max_queue_frames\":3}}",
    };
    uint8_t buf[512];
    int ok = 0, failed = 0;
    for (int iter = 0; iter < 20000; iter++) {
        size_t len;
        if (iter % 2) {
            len = RNG() % sizeof buf;
            for (size_t i = 0; i < len; i++)
                buf[i] = (uint8_t)RNG();
        } else {
            const char *seed = seeds[RNG() % 4];
            len = strlen(seed);
            memcpy(buf, seed, len);
            int edits = 1 + (int)(RNG() % 4);
            for (int e = 0; e < edits && len > 0; e++) {
                size_t at = RNG() % len;
                switch (RNG() % 3) {
                case 0:
                    buf[at] = (uint8_t)RNG();
                    break;
                case 1:
                    len = at;
                    break;
                default:
                    buf[at] = "{}[]\":,0\\"[RNG() % 9];
                    break;
                }
            }
        }
        mz_gen_proto_msg m;
        if (mz_gen_proto_decode((const char *)buf, len, &m) == MZ_GEN_PROTO_OK)
            ok++;
        else
            failed++;
        mz_gen_proto_frame f;
        if (len >= 4 && iter % 3 == 0) memcpy(buf, "MZF1", 4);
        if (mz_gen_proto_frame_parse(buf, len, 4096, &f) == MZ_GEN_PROTO_OK) {
            uint8_t *px = malloc((size_t)f.width * f.height * 4);
            (void)mz_gen_proto_frame_pixels(&f, px);
            free(px);
        }
        uint8_t *img;
        uint32_t w, h;
        if (mz_gen_image_decode(buf, len, 256, &img, &w, &h)) free(img);
    }
    MZ_CHECK(failed > 0 && ok + failed == 20000);
}

int main(void)
{
    MZ_RUN(test_scene_round_trip);
    MZ_RUN(test_u64_round_trips);
    MZ_RUN(test_control_round_trips);
    MZ_RUN(test_rejections);
    MZ_RUN(test_blended_prompts);
    MZ_RUN(test_long_fields);
    MZ_RUN(test_frames);
    MZ_RUN(test_jpeg_frames);
    MZ_RUN(test_random_bytes);
    return mz_test_finish();
}
