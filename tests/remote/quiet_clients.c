/* quiet_clients PORT N WIDTH HEIGHT — N clients of a generation server that
 * each say hello, ask for an open-ended raw scene of WIDTHxHEIGHT, read its
 * `accepted` and then never read again (their receive windows small), so
 * the server's send queues fill. Prints "ready" when all are accepted, then
 * holds the connections until killed. For tests/remote/serve_memory.sh. */
#include "tcp_ws.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A loaded machine (or an ASan server) may take many seconds per hello. */
#define WAIT_MS 60000

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: quiet_clients PORT N WIDTH HEIGHT\n");
        return 2;
    }
    int port = atoi(argv[1]), n = atoi(argv[2]), w = atoi(argv[3]), h = atoi(argv[4]);
    static const char hello[] = "{\"type\":\"hello\",\"version\":1}";
    for (int i = 0; i < n; i++) {
        int status, small = 4096;
        int fd = tcp_ws_open(port, "/", NULL, &status);
        if (fd < 0) {
            fprintf(stderr, "quiet_clients: connection %d refused (%d)\n", i, status);
            return 1;
        }
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        char scene[256], text[512] = "";
        snprintf(scene, sizeof scene,
                 "{\"type\":\"scene\",\"id\":1,\"prompt\":\"a forest\",\"negative\":\"\","
                 "\"seed\":%d,\"width\":%d,\"height\":%d,\"fps\":30,\"duration\":0}",
                 i + 1, w, h);
        if (!tcp_ws_send(fd, 1, true, hello, strlen(hello)) ||
            (tcp_ws_wait_close(fd, WAIT_MS, true, text, sizeof text), !strstr(text, "welcome")) ||
            !tcp_ws_send(fd, 1, true, scene, strlen(scene)) ||
            (tcp_ws_wait_close(fd, WAIT_MS, true, text, sizeof text), !strstr(text, "accepted"))) {
            fprintf(stderr, "quiet_clients: client %d: '%s'\n", i, text);
            return 1;
        }
    }
    printf("ready\n");
    fflush(stdout);
    for (;;)
        pause();
}
