/* save.c — saves, restores and reloads: one text format for all three.
 *
 *   maze-save 1
 *   title "The Cellar"
 *   hash 5c1e0a9b3f2d4e61        (of the story's files)
 *   seed 42
 *   scene "cellar"
 *   turn 12
 *   rng 0123... x4              (hex words)
 *   visit "stairs" 2            (one line per visited scene)
 *   modifier "make it rain"     (up to three)
 *   state {"candle"=true}       (the s table)
 *   items {"rope"=true}
 *   end
 *
 * Writing goes to a temporary file in the same folder (locked while it is
 * written), flushed and fsync'd, then renamed over the target and the
 * folder fsync'd, so a crash leaves the old save or the new one, never half
 * of one; the next save removes a temporary file a crash left (no lock). Reading checks everything
 * before changing anything. A reload writes a save in memory and restores it into the freshly
 * loaded graph. */
#include "story_internal.h"

#include "load.h"
#include "serial.h"
#include "state.h"
#include "variant.h"
#include "vm.h"

#include "mz_log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SAVE_VERSION 1
#define SAVE_MAX_BYTES (16u << 20)

static bool save_write(const mz_story *s, mz_buf *out)
{
    const story_graph *g = s->g;
    const story_play *p = &s->play;
    mz_buf_printf(out, "maze-save %d\ntitle ", SAVE_VERSION);
    mz_buf_quote(out, g->title, strlen(g->title));
    mz_buf_printf(out, "\nhash %016" PRIx64 "\nseed %" PRIu64 "\nscene ", g->files_hash,
                     s->seed);
    const char *id = g->scenes[p->scene].id;
    mz_buf_quote(out, id, strlen(id));
    mz_buf_printf(out, "\nturn %d\nrng", p->turn);
    for (int i = 0; i < 4; i++)
        mz_buf_printf(out, " %016" PRIx64, p->rng.s[i]);
    mz_buf_puts(out, "\n");
    for (size_t i = 0; i < g->scene_count; i++) {
        if (!p->visits[i]) continue;
        mz_buf_puts(out, "visit ");
        mz_buf_quote(out, g->scenes[i].id, strlen(g->scenes[i].id));
        mz_buf_printf(out, " %" PRIu32 "\n", p->visits[i]);
    }
    /* The viewer's profile goes with the game (only for stories that read
     * one: other saves stay as they were). */
    char profile[sizeof s->profile];
    story_viewer_text(g, profile, sizeof profile);
    if (profile[0]) {
        mz_buf_puts(out, "profile ");
        mz_buf_quote(out, profile, strlen(profile));
        mz_buf_puts(out, "\n");
    }
    for (int m = 0; m < p->modifier_count; m++) {
        mz_buf_puts(out, "modifier ");
        mz_buf_quote(out, p->modifiers[m], strlen(p->modifiers[m]));
        mz_buf_puts(out, "\n");
    }
    /* The committed state: the live tables may be mid-turn in a reload
     * from inside a callback, the snapshot never is. */
    const char *state = s->good_state.data ? s->good_state.data : "{}\n{}";
    const char *nl = strchr(state, '\n');
    mz_buf_puts(out, "state ");
    mz_buf_put(out, state, nl ? (size_t)(nl - state) : strlen(state));
    mz_buf_printf(out, "\nitems %s\nend\n", nl ? nl + 1 : "{}");
    if (out->failed) return mz_fail("out of memory");
    return true;
}

/* A temporary file of a save is locked while it is written: one nobody
 * holds a lock on was left by a save that crashed. Removes those of path
 * (named path.tmp.XXXXXX). */
static void remove_stale_temps(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) : 0;
    const char *base = slash ? slash + 1 : path;
    size_t base_len = strlen(base);
    char dir[4096];
    if (dir_len >= sizeof dir) return;
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(dir_len ? dir_len : 1), path);
    else
        snprintf(dir, sizeof dir, ".");
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *name = e->d_name;
        if (strlen(name) != base_len + 11 || strncmp(name, base, base_len) ||
            strncmp(name + base_len, ".tmp.", 5))
            continue;
        char stale[4400];
        snprintf(stale, sizeof stale, "%s/%s", dir, name);
        int fd = open(stale, O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) continue;
        struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && fcntl(fd, F_SETLK, &lock) == 0) {
            mz_log_info("removing %s, left by a save that did not finish", stale);
            unlink(stale);
        }
        close(fd);
    }
    closedir(d);
}

/* After a rename, the folder's entry is what must reach the disk. */
static bool sync_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (slash && (size_t)(slash - path) >= sizeof dir) return false;
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    else
        snprintf(dir, sizeof dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

bool mz_story_save(const mz_story *s, const char *path)
{
    if (!s->play.begun) return mz_fail("cannot save %s: the story has not begun", path);
    mz_buf text = {0};
    if (!save_write(s, &text)) {
        mz_buf_free(&text);
        return false;
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp) {
        mz_buf_free(&text);
        return mz_fail("out of memory");
    }
    remove_stale_temps(path);
    snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    bool ok = fd >= 0;
    const char *step = "create";
    if (ok) {
        struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        step = "lock";
        ok = fcntl(fd, F_SETLK, &lock) == 0;
    }
    size_t done = 0;
    while (ok && done < text.len) {
        ssize_t w = write(fd, text.data + done, text.len - done);
        if (w < 0 && errno == EINTR) continue;
        ok = w > 0;
        step = "write";
        if (ok) done += (size_t)w;
    }
    if (ok) {
        step = "sync";
        ok = fsync(fd) == 0;
    }
    if (ok) {
        step = "rename";
        ok = rename(tmp, path) == 0;
    }
    if (!ok) {
        mz_fail("cannot save %s (%s: %s)", path, step, strerror(errno));
        if (fd >= 0) unlink(tmp);
    }
    /* Closing drops the lock, after the rename: the temporary name never
     * looks abandoned while it still exists. */
    if (fd >= 0 && close(fd) != 0 && ok)
        ok = mz_fail("cannot save %s (close: %s)", path, strerror(errno));
    if (ok && !sync_folder(path))
        ok = mz_fail("cannot save %s (sync of its folder: %s)", path, strerror(errno));
    free(tmp);
    mz_buf_free(&text);
    return ok;
}

/* What a save says, read and checked before anything is changed. */
typedef struct save_data {
    int version;
    char *title;
    uint64_t hash, seed;
    bool has_hash, has_seed, has_rng, has_end;
    char *scene;
    char *profile; /* NULL: the save has none (keep the one played) */
    int turn;
    story_rng rng;
    const char *state, *items; /* into the text, up to the line's end */
    size_t state_len, items_len;
    int modifier_count;
    char modifiers[STORY_MAX_MODIFIERS][STORY_MAX_INPUT + 1];
    /* visits: pairs kept in the text, parsed when applied */
    struct save_visit {
        const char *text;
        size_t len;
        int line;
    } * visits;
    size_t visit_count, visit_cap;
} save_data;

static void save_data_free(save_data *d)
{
    free(d->title);
    free(d->scene);
    free(d->profile);
    free(d->visits);
}

/* A quoted string that fills the rest of the line. NUL is refused: the
 * value becomes a C string (a scene id, a modifier). */
static bool quoted_value(const char *line, size_t len, char **out, const char *name,
                         const char *what)
{
    size_t pos = 0, n;
    free(*out);
    *out = story_serial_unquote(line, len, &pos, &n);
    if (!*out || pos != len || memchr(*out, '\0', n)) return mz_fail("%s: bad %s line", name, what);
    return true;
}

/* An unsigned number in base 10 or 16 that is all of text[0..len) and at
 * most max. The text is not NUL-terminated (sscanf would run strlen over
 * the rest of the save on every line, which made big saves quadratic). */
static bool parse_number(const char *text, size_t len, int base, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0) return false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        int d = c >= '0' && c <= '9'                 ? c - '0'
                : base == 16 && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : base == 16 && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                     : -1;
        if (d < 0 || v > (max - (uint64_t)d) / (uint64_t)base) return false;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *out = v;
    return true;
}

/* The next space-separated word of text[*pos..len). */
static size_t next_word(const char *text, size_t len, size_t *pos, const char **word)
{
    while (*pos < len && text[*pos] == ' ')
        (*pos)++;
    *word = text + *pos;
    size_t start = *pos;
    while (*pos < len && text[*pos] != ' ')
        (*pos)++;
    return *pos - start;
}

static bool parse_save(const char *text, size_t len, const char *name, save_data *d)
{
    const char *p = text, *end = text + len;
    int line_no = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *line = p;
        p += n + (nl ? 1 : 0);
        line_no++;
        if (line_no == 1) {
            uint64_t version;
            if (n < 10 || memcmp(line, "maze-save ", 10) ||
                !parse_number(line + 10, n - 10, 10, 1000000, &version))
                return mz_fail("%s is not a maze save", name);
            d->version = (int)version;
            if (d->version != SAVE_VERSION)
                return mz_fail("%s is a save of format version %d; this maze reads version %d",
                               name, d->version, SAVE_VERSION);
            continue;
        }
        const char *sp = memchr(line, ' ', n);
        size_t klen = sp ? (size_t)(sp - line) : n;
        const char *val = sp ? sp + 1 : line + n;
        size_t vlen = (size_t)(line + n - val);
#define KEY(k) (klen == sizeof(k) - 1 && !memcmp(line, k, klen))
        if (KEY("end")) {
            d->has_end = true;
            break;
        } else if (KEY("title")) {
            if (!quoted_value(val, vlen, &d->title, name, "title")) return false;
        } else if (KEY("profile")) {
            if (!quoted_value(val, vlen, &d->profile, name, "profile")) return false;
        } else if (KEY("scene")) {
            if (!quoted_value(val, vlen, &d->scene, name, "scene")) return false;
        } else if (KEY("hash")) {
            d->has_hash = parse_number(val, vlen, 16, UINT64_MAX, &d->hash);
        } else if (KEY("seed")) {
            d->has_seed = parse_number(val, vlen, 10, UINT64_MAX, &d->seed);
        } else if (KEY("turn")) {
            uint64_t turn;
            if (!parse_number(val, vlen, 10, INT_MAX, &turn))
                return mz_fail("%s:%d: bad turn (0 to %d)", name, line_no, INT_MAX);
            d->turn = (int)turn;
        } else if (KEY("rng")) {
            size_t pos = 0, wl;
            int words = 0;
            const char *w;
            bool good = true;
            while (good && (wl = next_word(val, vlen, &pos, &w)) > 0)
                good = words < 4 && parse_number(w, wl, 16, UINT64_MAX, &d->rng.s[words++]);
            d->has_rng = good && words == 4;
        } else if (KEY("visit")) {
            if (d->visit_count == d->visit_cap) {
                size_t cap = d->visit_cap ? d->visit_cap * 2 : 64;
                struct save_visit *v = realloc(d->visits, cap * sizeof *v);
                if (!v) return mz_fail("out of memory");
                d->visits = v;
                d->visit_cap = cap;
            }
            d->visits[d->visit_count++] = (struct save_visit){val, vlen, line_no};
        } else if (KEY("modifier")) {
            char *m = NULL;
            if (d->modifier_count == STORY_MAX_MODIFIERS ||
                !quoted_value(val, vlen, &m, name, "modifier")) {
                free(m);
                return mz_fail("%s:%d: bad modifier", name, line_no);
            }
            snprintf(d->modifiers[d->modifier_count++], sizeof d->modifiers[0], "%s", m);
            free(m);
        } else if (KEY("state")) {
            d->state = val;
            d->state_len = vlen;
        } else if (KEY("items")) {
            d->items = val;
            d->items_len = vlen;
        } else {
            return mz_fail("%s:%d: unknown line '%.*s'", name, line_no, (int)klen, line);
        }
#undef KEY
    }
    if (line_no == 0) return mz_fail("%s is empty", name);
    if (!d->has_end || !d->title || !d->scene || !d->has_hash || !d->has_seed || !d->has_rng ||
        !d->state || !d->items)
        return mz_fail("%s is incomplete (cut short while being written?)", name);
    return true;
}

/* Checks a save against graph g and makes it s's play state. Nothing
 * changes unless it all checks out. */
static bool apply_save(mz_story *s, story_graph *g, const char *text, size_t len, const char *name,
                       bool reload)
{
    save_data *d = calloc(1, sizeof *d);
    if (!d) return mz_fail("out of memory");
    bool ok = parse_save(text, len, name, d);
    int scene = -1;
    /* A reload may retitle the story; a save must be of this one. */
    if (ok && !reload && strcmp(d->title, g->title))
        ok = mz_fail("%s belongs to the story '%s', not to '%s'", name, d->title, g->title);
    if (ok && (scene = story_graph_find(g, d->scene)) < 0)
        ok = mz_fail("%s is at scene '%s', which the story no longer has", name, d->scene);
    char err[MZ_ERROR_MAX / 2];
    if (ok && d->profile && !story_viewer_set(g, d->profile, false, err, sizeof err))
        ok = mz_fail("%s: %s", name, err);
    uint32_t *visits = ok ? calloc(g->scene_count ? g->scene_count : 1, sizeof *visits) : NULL;
    if (ok && !visits) ok = mz_fail("out of memory");
    for (size_t i = 0; ok && i < d->visit_count; i++) {
        size_t pos = 0, n;
        const struct save_visit *line = &d->visits[i];
        char *id = story_serial_unquote(line->text, line->len, &pos, &n);
        uint64_t count;
        if (!id || memchr(id, '\0', n) || pos >= line->len || line->text[pos] != ' ' ||
            !parse_number(line->text + pos + 1, line->len - pos - 1, 10, UINT32_MAX, &count)) {
            ok = mz_fail("%s:%d: bad visit line (a scene and a count, 0 to %" PRIu32 ")", name,
                         line->line, UINT32_MAX);
        } else {
            int v = story_graph_find(g, id);
            if (v >= 0) visits[v] = (uint32_t)count; /* scenes since removed are forgotten */
        }
        free(id);
    }
    mz_buf state = {0};
    if (ok) {
        mz_buf_put(&state, d->state, d->state_len);
        mz_buf_put(&state, "\n", 1);
        mz_buf_put(&state, d->items, d->items_len);
        /* Reading it into the graph is the last check, and it changes only
         * the tables, which the caller's graph or the old state replace. */
        if (state.failed)
            ok = mz_fail("out of memory");
        else
            ok = story_state_read(g, state.data, state.len);
        if (!ok) mz_fail_context("%s", name);
    }
    if (ok) {
        if (!reload && d->hash != g->files_hash)
            mz_log_warn("%s was made before the story's files changed; restoring scene '%s' anyway",
                        name, d->scene);
        story_play *p = &s->play;
        free(p->visits);
        p->visits = visits;
        visits = NULL;
        p->begun = true;
        p->scene = scene;
        p->turn = d->turn;
        p->rng = d->rng;
        p->modifier_count = d->modifier_count;
        memcpy(p->modifiers, d->modifiers, sizeof p->modifiers);
        s->seed = d->seed;
        if (d->profile) {
            story_viewer_set(g, d->profile, true, err, sizeof err); /* checked above */
            story_viewer_text(g, s->profile, sizeof s->profile);
            s->desc.profile = s->profile;
        }
        mz_buf t = s->good_state;
        s->good_state = state;
        state = t;
    }
    free(visits);
    mz_buf_free(&state);
    save_data_free(d);
    free(d);
    return ok;
}

bool mz_story_restore(mz_story *s, const char *path, mz_story_turn *out)
{
    size_t len;
    char *text = story_read_file(path, SAVE_MAX_BYTES, &len);
    if (!text) return mz_fail_context("cannot restore");
    bool ok = apply_save(s, s->g, text, len, path, false);
    free(text);
    if (!ok) return false;
    s->input[0] = '\0';
    s->reply.len = s->matched.len = 0;
    return mz_story_refresh(s, out);
}

bool mz_story_reload(mz_story *s)
{
    story_load_options opt = {.desc = &s->desc};
    story_graph *g = story_graph_load(s->desc.path, &opt);
    if (!g) return mz_fail_context("reload kept the running story");
    if (s->play.begun) {
        mz_buf text = {0};
        story_play keep = s->play;
        bool ok = save_write(s, &text);
        /* The new graph needs its own visits array; apply_save makes it. */
        uint32_t *old_visits = s->play.visits;
        s->play.visits = NULL;
        g->play = &s->play;
        ok = ok && apply_save(s, g, text.data, text.len, "the running story", true);
        mz_buf_free(&text);
        if (!ok) {
            free(s->play.visits);
            s->play = keep;
            s->play.visits = old_visits;
            story_graph_destroy(g);
            return mz_fail_context("reload kept the running story");
        }
        free(old_visits);
    } else {
        uint32_t *visits = calloc(g->scene_count ? g->scene_count : 1, sizeof *visits);
        if (!visits) {
            story_graph_destroy(g);
            return mz_fail("out of memory");
        }
        free(s->play.visits);
        s->play.visits = visits;
        g->play = &s->play;
    }
    story_graph_destroy(s->g);
    s->g = g;
    return true;
}
