/* Unmasked client frames refused below libwebsockets (see ws_guard.h). */
#define _GNU_SOURCE
#include "ws_guard.h"

#include "mz_error.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef enum phase {
    PHASE_OFF,     /* not watched */
    PHASE_HTTP,    /* the upgrade request, up to its blank line */
    PHASE_HEADER,  /* a frame header */
    PHASE_PAYLOAD, /* a frame's payload */
    PHASE_REFUSED  /* an unmasked frame came: everything after it is dropped */
} phase;

typedef struct conn {
    const void *owner;
    phase phase;
    int crlf;         /* how much of "\r\n\r\n" ends the data so far */
    uint8_t head[14]; /* the frame header so far */
    int head_len;     /* bytes in head */
    int head_need;    /* its full length, once its second byte says */
    uint64_t left;    /* payload bytes still to come */
} conn;

struct mz_gen_ws_guard {
    conn *conns; /* by fd */
    int cap;
};

static _Thread_local mz_gen_ws_guard *entered;

mz_gen_ws_guard *mz_gen_ws_guard_create(void)
{
    mz_gen_ws_guard *g = calloc(1, sizeof *g);
    if (!g) mz_fail("out of memory");
    return g;
}

void mz_gen_ws_guard_destroy(mz_gen_ws_guard *g)
{
    if (!g) return;
    if (entered == g) entered = NULL;
    free(g->conns);
    free(g);
}

void mz_gen_ws_guard_enter(mz_gen_ws_guard *g)
{
    entered = g;
}

bool mz_gen_ws_guard_watch(mz_gen_ws_guard *g, int fd, const void *owner)
{
    if (fd < 0) return mz_fail("ws guard: no socket");
    if (fd >= g->cap) {
        int cap = fd + 16;
        conn *grown = realloc(g->conns, (size_t)cap * sizeof *grown);
        if (!grown) return mz_fail("out of memory");
        memset(grown + g->cap, 0, (size_t)(cap - g->cap) * sizeof *grown);
        g->conns = grown;
        g->cap = cap;
    }
    g->conns[fd] = (conn){.owner = owner, .phase = PHASE_HTTP};
    return true;
}

void mz_gen_ws_guard_forget(mz_gen_ws_guard *g, const void *owner)
{
    for (int fd = 0; fd < g->cap; fd++)
        if (g->conns[fd].phase != PHASE_OFF && g->conns[fd].owner == owner)
            g->conns[fd] = (conn){0};
}

bool mz_gen_ws_guard_refused(const mz_gen_ws_guard *g, int fd)
{
    return fd >= 0 && fd < g->cap && g->conns[fd].phase == PHASE_REFUSED;
}

/* One byte of a frame header; false when it shows the frame is unmasked. */
static bool header_byte(conn *c, uint8_t b)
{
    c->head[c->head_len++] = b;
    if (c->head_len == 2) {
        if (!(b & 0x80)) return false;
        int len7 = b & 0x7f;
        c->head_need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
    }
    if (c->head_len < 2 || c->head_len < c->head_need) return true;
    int ext = c->head_need - 6; /* extended length bytes: 0, 2 or 8 */
    c->left = ext ? 0 : (uint64_t)(c->head[1] & 0x7f);
    for (int i = 0; i < ext; i++)
        c->left = c->left << 8 | c->head[2 + i];
    c->head_len = 0;
    c->phase = c->left ? PHASE_PAYLOAD : PHASE_HEADER;
    return true;
}

/* Follows n bytes just read; returns how many of them to hand on. */
static size_t follow(conn *c, const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        switch (c->phase) {
        case PHASE_OFF:
            return n;
        case PHASE_REFUSED:
            return 0;
        case PHASE_HTTP:
            /* Counts the run of "\r\n\r\n" so far: a CR always starts one
             * anew, an LF continues it only after a CR. */
            c->crlf = p[i] == (c->crlf % 2 ? '\n' : '\r') ? c->crlf + 1 : p[i] == '\r';
            i++;
            if (c->crlf == 4) c->phase = PHASE_HEADER;
            break;
        case PHASE_HEADER: {
            size_t start = i - (size_t)(c->head_len < (int)i ? c->head_len : (int)i);
            if (!header_byte(c, p[i++])) {
                c->phase = PHASE_REFUSED;
                return start;
            }
            break;
        }
        case PHASE_PAYLOAD: {
            size_t take = n - i < c->left ? n - i : (size_t)c->left;
            i += take;
            c->left -= take;
            if (!c->left) c->phase = PHASE_HEADER;
            break;
        }
        }
    }
    return n;
}

typedef ssize_t recv_fn(int, void *, size_t, int);
static recv_fn *next_recv;
static pthread_once_t next_once = PTHREAD_ONCE_INIT;

static void find_next_recv(void)
{
    next_recv = (recv_fn *)dlsym(RTLD_NEXT, "recv");
}

/* The process's recv (see ws_guard.h): libc's, watched on a guard's thread. */
ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    pthread_once(&next_once, find_next_recv);
    if (!next_recv) {
        errno = ENOSYS;
        return -1;
    }
    ssize_t n = next_recv(fd, buf, len, flags);
    mz_gen_ws_guard *g = entered;
    if (!g || n <= 0 || (flags & MSG_PEEK) || fd >= g->cap || g->conns[fd].phase == PHASE_OFF)
        return n;
    size_t keep = follow(&g->conns[fd], buf, (size_t)n);
    if (keep > 0) return (ssize_t)keep;
    /* Nothing to hand on: as if nothing had come yet. The owner closes it. */
    errno = EAGAIN;
    return -1;
}
