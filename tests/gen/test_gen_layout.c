/* The C mirrors of the procedural shaders' storage blocks: proc_uniforms
 * against SceneBlock (assets/shaders/scene_uniforms.glsl) and proc_resolve
 * against ResolveBlock (assets/shaders/resolve.frag), member by member, read
 * from the shader files. Both sides are vec4s (std430: 16 bytes each), so a
 * member's offset is its index. */
#include "mz_test.h"
#include "procedural_vk.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct field {
    const char *name;
    size_t offset, size;
} field;

#define FIELD(type, n)                                                                             \
    {                                                                                              \
#n, offsetof(type, n), sizeof(((type *)0)->n)                                              \
    }

static const field scene_fields[] = {
    FIELD(proc_uniforms, res),       FIELD(proc_uniforms, clock),   FIELD(proc_uniforms, cam),
    FIELD(proc_uniforms, sky),       FIELD(proc_uniforms, weather), FIELD(proc_uniforms, light),
    FIELD(proc_uniforms, light2),    FIELD(proc_uniforms, el0),     FIELD(proc_uniforms, el1),
    FIELD(proc_uniforms, tint),      FIELD(proc_uniforms, grade),   FIELD(proc_uniforms, setting),
    FIELD(proc_uniforms, mid_depth), FIELD(proc_uniforms, mid_id),  FIELD(proc_uniforms, view),
    FIELD(proc_uniforms, misc),      FIELD(proc_uniforms, grid),    FIELD(proc_uniforms, subj),
};

static const field resolve_fields[] = {
    FIELD(proc_resolve, size),
    FIELD(proc_resolve, grid),
    FIELD(proc_resolve, motion),
    FIELD(proc_resolve, view),
    FIELD(proc_resolve, mode),
};

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *text = calloc(1, 1 << 16);
    if (text) fread(text, 1, (1 << 16) - 1, f);
    fclose(f);
    return text;
}

/* Checks the block `name` in `path` against fields[] and the struct size. */
static void check_block(const char *path, const char *name, const field *fields, size_t n,
                        size_t struct_size)
{
    char *text = slurp(path);
    MZ_CHECK_MSG(text != NULL, "cannot read %s", path);
    if (!text) return;
    char *at = strstr(text, name);
    MZ_CHECK_MSG(at && (at = strchr(at, '{')), "no block %s in %s", name, path);
    char *end = at ? strchr(at, '}') : NULL;
    size_t i = 0, vec4s = 0;
    for (char *p = at; p && p < end && (p = strstr(p, "vec4 ")) && p < end; p += 5) {
        char member[64] = "", count[64] = "";
        if (sscanf(p + 5, "%63[a-z_0-9][%63[^]]", member, count) < 1) continue;
        /* An array's length is N or MZ_SCENE_MAX_SUBJECTS * N. */
        size_t len = 1, k;
        if (count[0] && sscanf(count, "MZ_SCENE_MAX_SUBJECTS * %zu", &k) == 1)
            len = MZ_SCENE_MAX_SUBJECTS * k;
        else if (count[0])
            len = strtoul(count, NULL, 10);
        MZ_CHECK_MSG(i < n, "%s: %s has more members than the C struct (%s)", path, name, member);
        if (i >= n) break;
        MZ_CHECK_MSG(!strcmp(member, fields[i].name), "%s member %zu: %s in GLSL, %s in C", name, i,
                     member, fields[i].name);
        MZ_CHECK_MSG(fields[i].offset == vec4s * 16 && fields[i].size == len * 16,
                     "%s.%s: offset %zu size %zu in C, %zu and %zu in GLSL", name, member,
                     fields[i].offset, fields[i].size, vec4s * 16, len * 16);
        vec4s += len;
        i++;
    }
    MZ_CHECK_MSG(i == n, "%s: %zu members in GLSL, %zu in C", name, i, n);
    MZ_CHECK_MSG(vec4s * 16 == struct_size, "%s: %zu bytes in GLSL, %zu in C", name, vec4s * 16,
                 struct_size);
    free(text);
}

static void scene_block_matches_proc_uniforms(void)
{
    check_block("assets/shaders/scene_uniforms.glsl", "buffer SceneBlock", scene_fields,
                sizeof scene_fields / sizeof scene_fields[0], sizeof(proc_uniforms));
}

static void resolve_block_matches_proc_resolve(void)
{
    check_block("assets/shaders/resolve.frag", "buffer ResolveBlock", resolve_fields,
                sizeof resolve_fields / sizeof resolve_fields[0], sizeof(proc_resolve));
}

int main(void)
{
    MZ_RUN(scene_block_matches_proc_uniforms);
    MZ_RUN(resolve_block_matches_proc_resolve);
    return mz_test_finish();
}
