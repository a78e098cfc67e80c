/* maze verify — checks a recording against its manifest: every file's
 * SHA-256, and for procedural recordings the pixels of every frame against
 * the same frames made again from the manifest. */
#define _XOPEN_SOURCE 700
#include "mz_commands.h"

#include "mz_error.h"
#include "mz_provenance.h"
#include "mz_record.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s) s[n] = '\0';
    fclose(f);
    return s;
}

static const char *str(const cJSON *o, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* Checks every file's hash; prints each one that changed. Returns the count. */
static int check_hashes(const cJSON *files, const char *dir)
{
    int bad = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, files)
    {
        const char *name = str(f, "name"), *want = str(f, "sha256");
        char path[8192], hex[65];
        snprintf(path, sizeof path, "%s/%s", dir, name ? name : "");
        if (!name || !want || strchr(name, '/')) {
            printf("FAIL the manifest lists a file without a name and a hash\n");
            bad++;
        } else if (!mz_record_sha256_file(path, hex)) {
            printf("FAIL %s: missing or unreadable\n", name);
            bad++;
        } else if (strcmp(hex, want) != 0) {
            printf("FAIL %s: changed (sha256 %.16s..., the manifest says %.16s...)\n", name, hex,
                   want);
            bad++;
        }
    }
    return bad;
}

/* Runs this program again with args, quietly; true if it exited 0. */
static bool run_self(char **args)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, args, environ);
    posix_spawn_file_actions_destroy(&fa);
    int status = 0;
    if (rc != 0 || waitpid(pid, &status, 0) < 0) return mz_fail("cannot run maze again");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? true
                                                         : mz_fail("the re-render failed");
}

/* Makes the recording again into tmp, from the manifest's replay. */
static bool rerender(const cJSON *replay, const cJSON *root, const char *tmp)
{
    char size[32], fps[32], fpt[32], frames[32], then_at[32], transition[32], out[4200];
    char inputs[4200];
    const char *cmd = str(replay, "command");
    const char *seed = str(replay, "seed");
    char *args[40];
    int n = 0;
    args[n++] = "maze";
    snprintf(size, sizeof size, "%dx%d", (int)num(replay, "width"), (int)num(replay, "height"));
    snprintf(fps, sizeof fps, "%.9g", num(replay, "fps"));
    if (cmd && !strcmp(cmd, "gen") && str(replay, "prompt")) {
        snprintf(out, sizeof out, "%s/out", tmp);
        snprintf(frames, sizeof frames, "%.0f", num(replay, "frames"));
        args[n++] = "gen";
        args[n++] = (char *)str(replay, "prompt");
        args[n++] = "--frames";
        args[n++] = frames;
        if (str(replay, "then")) {
            snprintf(then_at, sizeof then_at, "%.0f", num(replay, "then_at"));
            args[n++] = "--then";
            args[n++] = (char *)str(replay, "then");
            args[n++] = "--then-at";
            args[n++] = then_at;
        }
        if (str(replay, "quality")) {
            args[n++] = "--quality";
            args[n++] = (char *)str(replay, "quality");
        }
        if (num(replay, "transition") > 0) {
            snprintf(transition, sizeof transition, "%.9g", num(replay, "transition"));
            args[n++] = "--transition";
            args[n++] = transition;
        }
        args[n++] = "--out";
    } else if (cmd && !strcmp(cmd, "play") && str(replay, "story")) {
        /* The story must be the one recorded, or the frames cannot match. */
        mz_provenance story = {0};
        const cJSON *ing = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "ingredients"), 0);
        const char *want = str(cJSON_GetObjectItem(ing, "hash"), "value");
        if (!mz_provenance_story(&story, str(replay, "story")) || !want ||
            strcmp(story.story_hash, want) != 0)
            return mz_fail("the story %s is not the one recorded (its files changed)",
                           str(replay, "story"));
        snprintf(inputs, sizeof inputs, "%s/inputs.txt", tmp);
        FILE *in = fopen(inputs, "w");
        if (!in) return mz_fail("%s: cannot write", inputs);
        const cJSON *line;
        cJSON_ArrayForEach(line, cJSON_GetObjectItem(replay, "inputs"))
            fprintf(in, "%s\n", cJSON_GetStringValue(line) ? cJSON_GetStringValue(line) : "");
        fclose(in);
        snprintf(out, sizeof out, "%s/out", tmp);
        snprintf(fpt, sizeof fpt, "%.0f", num(replay, "frames_per_turn"));
        args[n++] = "play";
        args[n++] = (char *)str(replay, "story");
        args[n++] = "--headless";
        args[n++] = "--inputs";
        args[n++] = inputs;
        args[n++] = "--frames-per-turn";
        args[n++] = fpt;
        args[n++] = "--record";
    } else {
        return mz_fail("the manifest's replay is neither a gen nor a headless play");
    }
    args[n++] = out;
    args[n++] = "--seed";
    args[n++] = (char *)(seed ? seed : "1");
    if (num(replay, "width") > 0) {
        args[n++] = "--size";
        args[n++] = size;
    }
    if (num(replay, "fps") > 0) {
        args[n++] = "--fps";
        args[n++] = fps;
    }
    args[n++] = "--no-metadata";
    args[n] = NULL;
    /* The fraction drawn is the environment's (MZ_GEN_SCALE): the
     * recording's, not the verifier's. */
    char scale[32];
    snprintf(scale, sizeof scale, "%.9g", num(replay, "scale"));
    if (num(replay, "scale") > 0 ? setenv("MZ_GEN_SCALE", scale, 1) : unsetenv("MZ_GEN_SCALE"))
        return mz_fail("cannot set MZ_GEN_SCALE");
    return run_self(args);
}

/* Compares each recorded PNG with its re-render; prints the ones that
 * differ by more than tolerance (per channel). Returns the count. */
static int compare_frames(const cJSON *files, const char *dir, const char *tmp, int tolerance,
                          int *compared)
{
    int bad = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, files)
    {
        const char *name = str(f, "name");
        size_t len = name ? strlen(name) : 0;
        if (len < 4 || strcmp(name + len - 4, ".png") != 0) continue;
        char a[8192], b[8192];
        snprintf(a, sizeof a, "%s/%s", dir, name);
        snprintf(b, sizeof b, "%s/out/%s", tmp, name);
        uint32_t aw = 0, ah = 0, bw = 0, bh = 0;
        uint8_t *pa = mz_record_png_read(a, &aw, &ah), *pb = mz_record_png_read(b, &bw, &bh);
        long differ = 0;
        int worst = 0;
        if (pa && pb && aw == bw && ah == bh) {
            for (size_t i = 0; i < (size_t)aw * ah * 4; i += 4) {
                int d = 0;
                for (int c = 0; c < 3; c++) {
                    int e = abs(pa[i + c] - pb[i + c]);
                    d = e > d ? e : d;
                }
                if (d > tolerance) differ++;
                worst = d > worst ? d : worst;
            }
            if (differ) {
                printf("FAIL %s: %ld pixels differ from the re-render (largest difference %d)\n",
                       name, differ, worst);
                bad++;
            }
        } else {
            printf("FAIL %s: %s\n", name,
                   !pa   ? "not a readable PNG"
                   : !pb ? "no such frame in the re-render"
                         : "not the size of the re-render");
            bad++;
        }
        free(pa);
        free(pb);
        (*compared)++;
    }
    return bad;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Removes the re-render's folder and all in it. */
static void remove_tmp(const char *tmp)
{
    if (nftw(tmp, remove_entry, 8, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "maze verify: could not remove %s\n", tmp);
}

static int run_verify(const mz_command *cmd, int argc, char **argv)
{
    long tolerance = 0;
    bool hashes_only = false;
    const mz_arg args[] = {
        {"--tolerance", MZ_ARG_INT, &tolerance, "N",
         "largest per-channel difference allowed (0: exact, as on lavapipe)"},
        {"--hashes-only", MZ_ARG_FLAG, &hashes_only, NULL, "check the hashes, do not re-render"},
        {0},
    };
    const char *target = NULL;
    int npos = 0;
    int rc = mz_args_parse(cmd, args, argc, argv, &target, 1, &npos);
    if (rc != MZ_ARGS_CONTINUE) return rc;
    if (npos != 1) return mz_args_usage_error(cmd, "give one PATH: a recording's folder or file");
    if (tolerance < 0 || tolerance > 255)
        return mz_args_usage_error(cmd, "--tolerance must be 0..255");

    /* A folder holds manifest.json; a file FILE has its sidecar FILE.json. */
    char manifest[4096], dir[4096];
    struct stat st;
    if (stat(target, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(manifest, sizeof manifest, "%s/manifest.json", target);
    } else {
        size_t len = strlen(target);
        bool json = len > 5 && !strcmp(target + len - 5, ".json");
        snprintf(manifest, sizeof manifest, "%s%s", target, json ? "" : ".json");
    }
    const char *slash = strrchr(manifest, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - manifest) : 1, slash ? manifest : ".");
    char *text = read_text(manifest);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    if (!root) {
        fprintf(stderr, "maze verify: %s: %s\n", manifest,
                text ? "not a manifest (invalid JSON)" : "cannot read it");
        free(text);
        return 1;
    }
    free(text);
    const cJSON *files = cJSON_GetObjectItem(root, "files");
    const cJSON *replay = cJSON_GetObjectItem(root, "replay");
    int total = cJSON_GetArraySize(files);
    int bad = check_hashes(files, dir);
    printf("%s %d of %d files as the manifest hashed them\n", bad ? "FAIL" : "ok  ", total - bad,
           total);
    const char *gen = str(replay, "generator"), *backend = str(root, "backend");
    bool procedural = gen && backend && !strcmp(gen, "procedural") &&
                      !strcmp(backend, "procedural");
    const char *command = str(replay, "command");
    bool video = command && !strcmp(command, "video");
    if (video) {
        printf("note: a video is checked by its hash (its frames are lossy: not re-rendered)\n");
    } else if (!hashes_only && procedural) {
        char tmp[] = "/tmp/maze-verify-XXXXXX";
        int compared = 0, differ = 0;
        if (!mkdtemp(tmp)) {
            printf("FAIL cannot make a folder to re-render in\n");
            bad++;
        } else if (!rerender(replay, root, tmp)) {
            printf("FAIL cannot re-render: %s\n", mz_error());
            bad++;
        } else {
            differ = compare_frames(files, dir, tmp, (int)tolerance, &compared);
            printf("%s %d of %d frames match the re-render %s\n", differ ? "FAIL" : "ok  ",
                   compared - differ, compared,
                   tolerance ? "within the tolerance" : "exactly");
            bad += differ;
        }
        remove_tmp(tmp);
    } else if (!hashes_only) {
        printf("note: made by %s, not the procedural generator: pixels not re-rendered\n",
               backend ? backend : "an unknown generator");
    }
    cJSON_Delete(root);
    printf("maze verify: %s\n", bad ? "DIFFERS from its manifest" : "verified");
    return bad ? 1 : 0;
}

const mz_command mz_cmd_verify = {
    .name = "verify",
    .summary = "check a recording against its manifest (hashes, re-rendered pixels)",
    .usage = "PATH [options]",
    .details = "PATH is a recording: a folder of frames with manifest.json (maze play\n"
               "--headless --record, maze gen), or a video with its FILE.json sidecar.\n"
               "Every file's SHA-256 is checked; a procedural recording is also made again\n"
               "from the manifest (story, inputs, seed, size) and compared pixel by pixel:\n"
               "exact on lavapipe; on another GPU allow --tolerance N.\n"
               "Exit status: 0 verified, 1 something differs or cannot be checked, 2 usage.",
    .run = run_verify,
};
