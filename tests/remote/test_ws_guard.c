/* ws_guard (engine/gen/ws_guard.h) on a socket pair: what recv hands on
 * from a watched socket, byte for byte. */
#include "ws_guard.h"

#include "mz_test.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char upgrade[] = "GET /?token=x HTTP/1.1\r\nHost: a\r\nUpgrade: WebSocket\r\n"
                              "Connection: Upgrade\r\n\r\n";
static const char plain[] = "GET /health HTTP/1.1\r\nHost: a\r\n\r\n";
/* A masked text frame "hi" (key 1 2 3 4), and the same unmasked. */
static const unsigned char masked[] = {0x81, 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2};
static const unsigned char unmasked[] = {0x81, 0x02, 'h', 'i'};

/* Writes n bytes into the pair and returns what one recv on the other end
 * hands on (-1: nothing, errno EAGAIN). */
static ssize_t through(int fd[2], const void *bytes, size_t n, char *out, size_t cap)
{
    MZ_CHECK(write(fd[1], bytes, n) == (ssize_t)n);
    return recv(fd[0], out, cap, 0);
}

static void test_unmasked_frames_are_cut(void)
{
    int fd[2];
    MZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, fd) == 0);
    mz_gen_ws_guard *g = mz_gen_ws_guard_create();
    MZ_CHECK(g && mz_gen_ws_guard_watch(g, fd[0], g));
    mz_gen_ws_guard_enter(g);
    char out[512], both[512];
    /* The upgrade and masked frames pass whole. */
    MZ_CHECK(through(fd, upgrade, strlen(upgrade), out, sizeof out) == (ssize_t)strlen(upgrade));
    MZ_CHECK(through(fd, masked, sizeof masked, out, sizeof out) == (ssize_t)sizeof masked);
    MZ_CHECK(!mz_gen_ws_guard_refused(g, fd[0]));
    /* A masked frame then an unmasked one in one read: only the first. */
    memcpy(both, masked, sizeof masked);
    memcpy(both + sizeof masked, unmasked, sizeof unmasked);
    MZ_CHECK(through(fd, both, sizeof masked + sizeof unmasked, out, sizeof out) ==
             (ssize_t)sizeof masked);
    MZ_CHECK(mz_gen_ws_guard_refused(g, fd[0]));
    /* From then on nothing passes. */
    errno = 0;
    MZ_CHECK(through(fd, masked, sizeof masked, out, sizeof out) == -1 && errno == EAGAIN);
    mz_gen_ws_guard_forget(g, g);
    MZ_CHECK(!mz_gen_ws_guard_refused(g, fd[0]));
    mz_gen_ws_guard_enter(NULL);
    mz_gen_ws_guard_destroy(g);
    close(fd[0]);
    close(fd[1]);
}

/* Requests that are not upgrades (keep-alive through a proxy) are not
 * read as frames; nor is anything on a socket not watched, or on a thread
 * that entered no guard. */
static void test_other_traffic_passes(void)
{
    int fd[2];
    MZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, fd) == 0);
    mz_gen_ws_guard *g = mz_gen_ws_guard_create();
    MZ_CHECK(g && mz_gen_ws_guard_watch(g, fd[0], g));
    mz_gen_ws_guard_enter(g);
    char out[512];
    MZ_CHECK(through(fd, plain, strlen(plain), out, sizeof out) == (ssize_t)strlen(plain));
    MZ_CHECK(through(fd, plain, strlen(plain), out, sizeof out) == (ssize_t)strlen(plain));
    /* ... then an upgrade on the same connection: frames are checked again. */
    MZ_CHECK(through(fd, upgrade, strlen(upgrade), out, sizeof out) == (ssize_t)strlen(upgrade));
    errno = 0;
    MZ_CHECK(through(fd, unmasked, sizeof unmasked, out, sizeof out) == -1 && errno == EAGAIN);
    MZ_CHECK(mz_gen_ws_guard_refused(g, fd[0]));
    /* Not watched (the other end): passes. */
    MZ_CHECK(write(fd[0], unmasked, sizeof unmasked) == (ssize_t)sizeof unmasked);
    MZ_CHECK(recv(fd[1], out, sizeof out, 0) == (ssize_t)sizeof unmasked);
    /* No guard entered: passes, watched or not. */
    mz_gen_ws_guard_enter(NULL);
    MZ_CHECK(through(fd, unmasked, sizeof unmasked, out, sizeof out) == (ssize_t)sizeof unmasked);
    mz_gen_ws_guard_destroy(g);
    close(fd[0]);
    close(fd[1]);
}

int main(void)
{
    MZ_RUN(test_unmasked_frames_are_cut);
    MZ_RUN(test_other_traffic_passes);
    return mz_test_finish();
}
