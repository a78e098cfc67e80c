/* exhibit_supervisor — see exhibit_supervisor.h. */
#define _GNU_SOURCE /* pipe2 */
#include "exhibit_supervisor.h"

#include "exhibit_log.h"
#include "exhibit_phones.h"
#include "mz_error.h"
#include "mz_log.h"
#include "mz_stats.h"
#include "mz_time.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#define STABLE_S 10.0      /* a player on screen this long was not crash-looping */
#define FIRST_BACKOFF_S 0.5
#define START_GRACE_S 30.0 /* a new player's first report may take this long (Vulkan, fonts) */
#define QUIT_WAIT_S 3.0    /* a player asked to quit is killed after this */
#define STANDBY_DELAY_S 2.0 /* after a takeover, the next standby waits (CPU for the screen) */
#define STDERR_KEPT 16384
#define LATENCY_WINDOW 256
#define COMMAND_QUEUE 32

const double mz_exhibit_latency_bounds[MZ_EXHIBIT_LATENCY_BUCKETS] = {
    100, 250, 500, 1000, 2000, 5000, 10000, 1e300};

typedef enum why { WHY_NONE, WHY_HANG, WHY_RSS, WHY_OPERATOR, WHY_STOP } why;

/* A player process: the one on screen (active) or the standby. */
typedef struct child {
    pid_t pid; /* 0: none */
    int status_fd, command_fd, stderr_fd;
    mz_exhibit_lines lines;
    uint64_t spawn_ns, beat_ns, quit_ns;
    uint64_t up_ns; /* on screen since (0: never was): how long it lived, for the back-off */
    bool reported;  /* has sent a status (a standby: that it is ready) */
    why killing;   /* why it is being stopped */
    char stderr_ring[STDERR_KEPT];
    size_t stderr_len;
} child;

struct mz_exhibit_sup {
    mz_exhibit_config cfg;
    char **argv; /* the child's: exe, "exhibit-player", args..., NULL */
    mz_exhibit_log *log;
    mz_exhibit_phones *phones; /* the audience's (issue 11), or NULL */
    uint64_t start_ns;

    child active, standby;
    uint64_t restart_at_ns, standby_at_ns, rss_ns, notify_ns;
    double backoff_s;
    bool ready_sent, started_once;
    char open_session[MZ_EXHIBIT_LINE_MAX]; /* the START message of the session in progress, "" if none */

    pthread_mutex_t lock; /* guards what follows */
    mz_exhibit_status st;
    char recent[MZ_EXHIBIT_RECENT_SESSIONS][1024];
    int recent_count;
    double latencies[LATENCY_WINDOW];
    int latency_n, latency_at;
    int today; /* day of the year sessions_today counts */
    struct {
        char cmd[16];
        double value;
    } queue[COMMAND_QUEUE];
    int queued;
    bool stop;
};

static volatile sig_atomic_t signalled;
static void on_signal(int sig)
{
    (void)sig;
    signalled = 1;
}

static double secs(uint64_t ns)
{
    return mz_time_ms_since(ns) / 1000.0;
}

static void add_error(mz_exhibit_sup *s, const char *msg)
{
    pthread_mutex_lock(&s->lock);
    mz_exhibit_status *st = &s->st;
    memmove(st->errors[1], st->errors[0], sizeof st->errors[0] * (MZ_EXHIBIT_ERRORS - 1));
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[16];
    strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
    snprintf(st->errors[0], sizeof st->errors[0], "%s %s", stamp, msg);
    if (st->error_count < MZ_EXHIBIT_ERRORS) st->error_count++;
    pthread_mutex_unlock(&s->lock);
}

/* ---- the session log ---- */

static int day_of(time_t t)
{
    struct tm tm;
    localtime_r(&t, &tm);
    return tm.tm_year * 400 + tm.tm_yday;
}

static void log_session(mz_exhibit_sup *s, const char *line)
{
    if (s->log && !mz_exhibit_log_write(s->log, line)) mz_log_error("exhibit: %s", mz_error());
    cJSON *o = cJSON_Parse(line);
    const cJSON *reason = cJSON_GetObjectItemCaseSensitive(o, "reason");
    const cJSON *turns = cJSON_GetObjectItemCaseSensitive(o, "turns");
    pthread_mutex_lock(&s->lock);
    int today = day_of(time(NULL));
    if (today != s->today) s->st.sessions_today = 0;
    s->today = today;
    s->st.sessions++;
    s->st.sessions_today++;
    if (cJSON_IsString(reason) && !strcmp(reason->valuestring, "ending")) s->st.endings++;
    if (cJSON_IsNumber(turns)) s->st.turns += (uint64_t)turns->valuedouble;
    /* A cut line would not be JSON: a very long one (many inputs logged)
     * is only in the file. */
    if (strlen(line) < sizeof s->recent[0]) {
        memmove(s->recent[1], s->recent[0],
                sizeof s->recent[0] * (MZ_EXHIBIT_RECENT_SESSIONS - 1));
        snprintf(s->recent[0], sizeof s->recent[0], "%s", line);
        if (s->recent_count < MZ_EXHIBIT_RECENT_SESSIONS) s->recent_count++;
    }
    pthread_mutex_unlock(&s->lock);
    cJSON_Delete(o);
}

/* The player died mid-session: its line is written here, from what the
 * session's start message and the last status said. */
static void log_cut_session(mz_exhibit_sup *s, const char *reason)
{
    if (!s->open_session[0]) return;
    cJSON *o = cJSON_Parse(s->open_session);
    s->open_session[0] = '\0';
    if (!o) return;
    char end[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(end, sizeof end, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_AddStringToObject(o, "end", end);
    pthread_mutex_lock(&s->lock);
    cJSON_AddStringToObject(o, "story", s->st.live.story);
    cJSON_AddNumberToObject(o, "turns", s->st.live.turn);
    pthread_mutex_unlock(&s->lock);
    cJSON_AddNullToObject(o, "ending");
    cJSON_AddStringToObject(o, "reason", reason);
    char *line = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (line) log_session(s, line);
    cJSON_free(line);
}

static void add_latency(mz_exhibit_sup *s, double ms)
{
    pthread_mutex_lock(&s->lock);
    mz_exhibit_status *st = &s->st;
    st->latency_count++;
    st->latency_sum_ms += ms;
    for (int i = 0; i < MZ_EXHIBIT_LATENCY_BUCKETS; i++)
        if (ms <= mz_exhibit_latency_bounds[i]) st->latency_buckets[i]++;
    s->latencies[s->latency_at] = ms;
    s->latency_at = (s->latency_at + 1) % LATENCY_WINDOW;
    if (s->latency_n < LATENCY_WINDOW) s->latency_n++;
    double sorted[LATENCY_WINDOW];
    memcpy(sorted, s->latencies, sizeof sorted[0] * (size_t)s->latency_n);
    mz_stats_sort(sorted, (size_t)s->latency_n);
    st->latency_p95_ms = mz_stats_percentile(sorted, (size_t)s->latency_n, 0.95);
    pthread_mutex_unlock(&s->lock);
}

/* ---- the player process ---- */

static void close_fd(int *fd)
{
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

static void child_reset(child *c)
{
    memset(c, 0, sizeof *c);
    c->status_fd = c->command_fd = c->stderr_fd = -1;
}

static bool spawn(mz_exhibit_sup *s, child *c, bool standby)
{
    int st[2] = {-1, -1}, cmd[2] = {-1, -1}, err[2] = {-1, -1};
    if (pipe2(st, O_CLOEXEC) || pipe2(cmd, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
        int e = errno;
        for (int i = 0; i < 2; i++)
            close_fd(&st[i]), close_fd(&cmd[i]), close_fd(&err[i]);
        return mz_fail("pipe: %s", strerror(e));
    }
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        for (int i = 0; i < 2; i++)
            close_fd(&st[i]), close_fd(&cmd[i]), close_fd(&err[i]);
        return mz_fail("fork: %s", strerror(e));
    }
    if (pid == 0) {
        /* The player dies with its supervisor. dup2 clears CLOEXEC on the
         * copies; every other pipe end closes at exec. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (dup2(st[1], MZ_EXHIBIT_STATUS_FD) < 0 || dup2(cmd[0], MZ_EXHIBIT_COMMAND_FD) < 0 ||
            dup2(err[1], STDERR_FILENO) < 0)
            _exit(127);
        signal(SIGPIPE, SIG_DFL);
        if (standby)
            setenv("MZ_EXHIBIT_STANDBY", "1", 1);
        else
            unsetenv("MZ_EXHIBIT_STANDBY");
        execv("/proc/self/exe", s->argv);
        dprintf(STDERR_FILENO, "maze exhibit: cannot start the player: %s\n", strerror(errno));
        _exit(127);
    }
    close(st[1]);
    close(cmd[0]);
    close(err[1]);
    child_reset(c);
    c->status_fd = st[0];
    c->command_fd = cmd[1];
    c->stderr_fd = err[0];
    fcntl(c->status_fd, F_SETFL, O_NONBLOCK);
    fcntl(c->stderr_fd, F_SETFL, O_NONBLOCK);
    fcntl(c->command_fd, F_SETFL, O_NONBLOCK); /* a stuck player never blocks us */
    c->pid = pid;
    c->spawn_ns = c->beat_ns = mz_time_ns();
    mz_log_info("exhibit: %s %d started", standby ? "standby player" : "player", (int)pid);
    return true;
}

static void send_command(child *c, const char *cmd, double value)
{
    if (c->command_fd < 0) return;
    mz_exhibit_msg m = {.kind = MZ_EXHIBIT_MSG_COMMAND, .value = value};
    snprintf(m.text, sizeof m.text, "%s", cmd);
    if (!mz_exhibit_msg_write(c->command_fd, &m)) mz_log_warn("exhibit: the player missed '%s'", cmd);
}

/* Stops a player: asks it to quit (it logs its visitor's session), kills
 * it if it does not within QUIT_WAIT_S; a hung one is killed at once. */
static void stop_player(child *c, why reason)
{
    if (!c->pid || c->killing) return;
    c->killing = reason;
    c->quit_ns = mz_time_ns();
    if (reason == WHY_HANG)
        kill(c->pid, SIGKILL);
    else
        send_command(c, "quit", 0);
}

/* The standby takes the screen: it shows its window and plays at once. */
static void promote(mz_exhibit_sup *s)
{
    s->active = s->standby;
    child_reset(&s->standby);
    s->active.reported = false;
    s->active.spawn_ns = s->active.beat_ns = mz_time_ns();
    s->active.up_ns = 0; /* set when it reports from the screen */
    send_command(&s->active, "go", 0);
    mz_log_info("exhibit: standby player %d takes over", (int)s->active.pid);
    pthread_mutex_lock(&s->lock);
    s->st.restarts++;
    s->st.pid = s->active.pid;
    pthread_mutex_unlock(&s->lock);
    /* the next standby starts once this one is up and has had a moment */
    s->standby_at_ns = mz_time_ns() + (uint64_t)(STANDBY_DELAY_S * 1e9);
}

static bool start_active(mz_exhibit_sup *s)
{
    if (!spawn(s, &s->active, false)) return false;
    pthread_mutex_lock(&s->lock);
    if (s->started_once) s->st.restarts++;
    s->st.pid = s->active.pid;
    pthread_mutex_unlock(&s->lock);
    s->started_once = true;
    return true;
}

static void keep_stderr(child *c, const char *buf, size_t n)
{
    if (n >= STDERR_KEPT) {
        buf += n - STDERR_KEPT;
        n = STDERR_KEPT;
    }
    if (c->stderr_len + n > STDERR_KEPT) {
        size_t drop = c->stderr_len + n - STDERR_KEPT;
        memmove(c->stderr_ring, c->stderr_ring + drop, c->stderr_len - drop);
        c->stderr_len -= drop;
    }
    memcpy(c->stderr_ring + c->stderr_len, buf, n);
    c->stderr_len += n;
}

static void drain_stderr(child *c)
{
    char buf[4096];
    ssize_t n;
    while (c->stderr_fd >= 0 && (n = read(c->stderr_fd, buf, sizeof buf)) > 0) {
        fwrite(buf, 1, (size_t)n, stderr);
        keep_stderr(c, buf, (size_t)n);
    }
}

static void state_path(const mz_exhibit_sup *s, const char *name, char *out, size_t cap)
{
    if (name[0] == '/')
        snprintf(out, cap, "%s", name);
    else
        snprintf(out, cap, "%s/%s", s->cfg.state_dir, name);
}

static void save_crash(mz_exhibit_sup *s, const child *c, const char *what)
{
    char path[1100];
    state_path(s, "last-crash.log", path, sizeof path);
    FILE *f = fopen(path, "w");
    if (!f) {
        mz_log_error("exhibit: %s: %s", path, strerror(errno));
        return;
    }
    time_t now = time(NULL);
    char stamp[32];
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
    fprintf(f, "# %s: the player %s; its last %zu bytes of stderr:\n", stamp, what,
            c->stderr_len);
    fwrite(c->stderr_ring, 1, c->stderr_len, f);
    fclose(f);
}

/* A player is gone: log it, and when the next one may start. */
static void reaped(mz_exhibit_sup *s, child *c, int wstatus)
{
    drain_stderr(c);
    close_fd(&c->status_fd);
    close_fd(&c->command_fd);
    close_fd(&c->stderr_fd);
    pid_t pid = c->pid;
    c->pid = 0;
    bool was_active = c == &s->active;
    if (was_active) mz_exhibit_phones_lost(s->phones); /* its lines go to the next one */
    double lived = c->up_ns ? secs(c->up_ns) : 0;
    why reason = c->killing;
    char what[160];
    if (WIFSIGNALED(wstatus))
        snprintf(what, sizeof what, "was killed by signal %d (%s)", WTERMSIG(wstatus),
                 strsignal(WTERMSIG(wstatus)));
    else
        snprintf(what, sizeof what, "exited with status %d", WEXITSTATUS(wstatus));
    bool crashed = reason == WHY_HANG || reason == WHY_NONE;
    if (was_active) {
        pthread_mutex_lock(&s->lock);
        s->st.pid = s->st.fds = 0;
        s->st.rss_kb = 0;
        s->st.player_up = false;
        s->st.hangs += reason == WHY_HANG;
        s->st.rss_restarts += reason == WHY_RSS;
        s->st.crashes += reason == WHY_NONE;
        pthread_mutex_unlock(&s->lock);
    }
    if (reason == WHY_STOP) return;
    double wait_s = 0;
    if (crashed) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s %d %s after %.1f s", was_active ? "player" : "standby player",
                 (int)pid, reason == WHY_HANG ? "hung (no heartbeat) and was killed" : what, lived);
        mz_log_error("exhibit: %s", msg);
        add_error(s, msg);
        save_crash(s, c, reason == WHY_HANG ? "hung and was killed" : what);
        if (was_active) log_cut_session(s, reason == WHY_HANG ? "hang" : "crash");
        /* The first crash after a good run restarts at once (the screen is
         * back within 3 s); each quick one after it waits twice as long. */
        if (lived >= STABLE_S) s->backoff_s = 0;
        wait_s = s->backoff_s;
        s->backoff_s = s->backoff_s > 0 ? s->backoff_s * 2 : FIRST_BACKOFF_S;
        if (s->backoff_s > s->cfg.backoff_max_s) s->backoff_s = s->cfg.backoff_max_s;
        if (wait_s > 0)
            mz_log_warn("exhibit: restarting in %.1f s (the player keeps failing)", wait_s);
    } else {
        log_cut_session(s, "operator"); /* normally logged by the player itself */
        mz_log_info("exhibit: player %d %s (%s restart)", (int)pid, what,
                    reason == WHY_RSS ? "memory" : "operator");
    }
    uint64_t at = mz_time_ns() + (uint64_t)(wait_s * 1e9);
    if (was_active)
        s->restart_at_ns = at;
    else
        s->standby_at_ns = at;
}

static void on_message(mz_exhibit_sup *s, const mz_exhibit_msg *m)
{
    switch (m->kind) {
    case MZ_EXHIBIT_MSG_STATUS:
        pthread_mutex_lock(&s->lock);
        s->st.live = m->live;
        pthread_mutex_unlock(&s->lock);
        if (!s->active.reported) {
            mz_log_info("exhibit: player %d is up", (int)s->active.pid);
            s->active.up_ns = mz_time_ns();
        }
        s->active.reported = true;
        break;
    case MZ_EXHIBIT_MSG_START:
        snprintf(s->open_session, sizeof s->open_session, "%.*s",
                 (int)sizeof s->open_session - 1, m->text);
        break;
    case MZ_EXHIBIT_MSG_SESSION:
        s->open_session[0] = '\0';
        log_session(s, m->text);
        break;
    case MZ_EXHIBIT_MSG_LATENCY:
        add_latency(s, m->value);
        break;
    case MZ_EXHIBIT_MSG_ERROR:
        add_error(s, m->text);
        break;
    case MZ_EXHIBIT_MSG_SHOWN:
    case MZ_EXHIBIT_MSG_VOTE:
    case MZ_EXHIBIT_MSG_MATCHED:
        mz_exhibit_phones_heard(s->phones, m);
        break;
    case MZ_EXHIBIT_MSG_COMMAND:
    case MZ_EXHIBIT_MSG_LINE:
    case MZ_EXHIBIT_MSG_MATCH:
    case MZ_EXHIBIT_MSG_TALLY:
        break;
    }
}

/* The active player's messages; the standby only says when it is ready. */
static void read_status(mz_exhibit_sup *s, child *c)
{
    if (c->status_fd < 0) return;
    mz_exhibit_lines_read(&c->lines, c->status_fd);
    char line[MZ_EXHIBIT_LINE_MAX];
    mz_exhibit_msg m;
    bool any = false;
    while (mz_exhibit_lines_next(&c->lines, line, sizeof line)) {
        any = true;
        if (!mz_exhibit_msg_parse(line, &m)) continue;
        if (c == &s->active)
            on_message(s, &m);
        else if (m.kind == MZ_EXHIBIT_MSG_STATUS && !strcmp(m.live.state, "standby")) {
            if (!c->reported) mz_log_info("exhibit: standby player %d is ready", (int)c->pid);
            c->reported = true;
        }
        else if (m.kind == MZ_EXHIBIT_MSG_ERROR)
            add_error(s, m.text);
    }
    if (any) c->beat_ns = mz_time_ns();
}

static long read_rss_kb(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
    FILE *f = fopen(path, "r");
    long pages = 0, rss = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
        fclose(f);
    }
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static int count_fds(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    if (!d) return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* Before a hung player is killed: each thread's name, state and where in
 * the kernel it waits, added to what last-crash.log keeps. */
static void note_threads(child *c)
{
    char path[320], line[160];
    snprintf(path, sizeof path, "/proc/%d/task", (int)c->pid);
    DIR *d = opendir(path);
    if (!d) return;
    keep_stderr(c, "# hung; its threads (name, state, kernel wait):\n", 49);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char comm[64] = "?", stat[512] = "", wchan[64] = "?";
        const char *names[] = {"comm", "stat", "wchan"};
        char *outs[] = {comm, stat, wchan};
        size_t caps[] = {sizeof comm, sizeof stat, sizeof wchan};
        for (int i = 0; i < 3; i++) {
            snprintf(path, sizeof path, "/proc/%d/task/%s/%s", (int)c->pid, e->d_name, names[i]);
            FILE *f = fopen(path, "r");
            if (f && fgets(outs[i], (int)caps[i], f)) outs[i][strcspn(outs[i], "\n")] = '\0';
            if (f) fclose(f);
        }
        const char *paren = strrchr(stat, ')'); /* "pid (comm) S ..." */
        int n = snprintf(line, sizeof line, "#   %s %s %c %s\n", e->d_name, comm,
                         paren && paren[1] ? paren[2] : '?', wchan);
        if (n > 0) keep_stderr(c, line, strlen(line));
    }
    closedir(d);
}

/* Kills a player that stopped beating (the standby: that never got ready),
 * or that did not quit when asked. */
static void watch_child(mz_exhibit_sup *s, child *c)
{
    if (!c->pid) return;
    double silent = secs(c->beat_ns);
    bool waiting = c == &s->standby && c->reported; /* a ready standby is blocked: fine */
    double limit = c->reported ? s->cfg.hang_s : START_GRACE_S;
    if (!waiting && silent > limit && c->killing != WHY_HANG) {
        mz_log_error("exhibit: player %d silent for %.1f s: killing it", (int)c->pid, silent);
        c->killing = WHY_NONE; /* a quit that never came counts as a hang too */
        note_threads(c);
        stop_player(c, WHY_HANG);
    }
    if (c->killing && c->killing != WHY_HANG && secs(c->quit_ns) > QUIT_WAIT_S)
        kill(c->pid, SIGKILL);
}

/* Once a second: the active player's memory and file descriptors. */
static void watch_memory(mz_exhibit_sup *s)
{
    child *c = &s->active;
    if (!c->pid || secs(s->rss_ns) < 1.0) return;
    s->rss_ns = mz_time_ns();
    long rss = read_rss_kb(c->pid);
    int fds = count_fds(c->pid);
    pthread_mutex_lock(&s->lock);
    s->st.rss_kb = rss;
    s->st.fds = fds;
    s->st.player_up = c->reported && secs(c->beat_ns) <= s->cfg.hang_s;
    bool attract = !strcmp(s->st.live.state, "attract");
    pthread_mutex_unlock(&s->lock);
    /* Between visitors only; and not in a player's first STABLE_S, so a
     * max_rss_mb set below what a player needs cannot churn faster. */
    if (rss > s->cfg.max_rss_mb * 1024 && attract && !c->killing && c->up_ns &&
        secs(c->up_ns) >= STABLE_S) {
        char msg[160];
        snprintf(msg, sizeof msg, "player %d uses %ld MB (max_rss_mb %ld): restarting it",
                 (int)c->pid, rss / 1024, s->cfg.max_rss_mb);
        mz_log_warn("exhibit: %s", msg);
        add_error(s, msg);
        stop_player(c, WHY_RSS);
    }
}

/* Keeps a player on screen: the standby takes over when it is ready, else
 * a new one starts; and a standby is kept ready behind it. */
static void keep_players(mz_exhibit_sup *s, bool stop)
{
    uint64_t now = mz_time_ns();
    if (stop) return;
    if (!s->active.pid && now >= s->restart_at_ns) {
        if (s->standby.pid && s->standby.reported)
            promote(s);
        else if (!s->standby.pid && !start_active(s)) {
            mz_log_error("exhibit: %s", mz_error());
            s->restart_at_ns = now + (uint64_t)(s->cfg.backoff_max_s * 1e9);
        }
        /* else a standby still starting: it takes over once ready */
    }
    if (s->cfg.standby && !s->standby.pid && s->active.pid && s->active.reported &&
        now >= s->standby_at_ns && !spawn(s, &s->standby, true)) {
        mz_log_error("exhibit: standby: %s", mz_error());
        s->standby_at_ns = now + (uint64_t)(s->cfg.backoff_max_s * 1e9);
    }
}

static void run_commands(mz_exhibit_sup *s)
{
    pthread_mutex_lock(&s->lock);
    int n = s->queued;
    __typeof__(s->queue[0]) q[COMMAND_QUEUE];
    memcpy(q, s->queue, sizeof q[0] * (size_t)n);
    s->queued = 0;
    pthread_mutex_unlock(&s->lock);
    for (int i = 0; i < n; i++) {
        if (!strcmp(q[i].cmd, "restart"))
            stop_player(&s->active, WHY_OPERATOR);
        else if (!strcmp(q[i].cmd, "stop"))
            mz_exhibit_sup_stop(s);
        else
            send_command(&s->active, q[i].cmd, q[i].value);
    }
}

static bool send_to_active(void *user, const mz_exhibit_msg *m)
{
    child *c = user;
    return c->command_fd >= 0 && mz_exhibit_msg_write(c->command_fd, m);
}

/* The phones' lines, free text and tally for the player on screen. */
static void serve_phones(mz_exhibit_sup *s)
{
    if (!s->phones) return;
    child *c = &s->active;
    pthread_mutex_lock(&s->lock);
    mz_exhibit_live live = s->st.live;
    pthread_mutex_unlock(&s->lock);
    bool up = c->pid && c->reported && !c->killing && secs(c->beat_ns) <= s->cfg.hang_s;
    mz_exhibit_phones_tick(s->phones, &live, up, send_to_active, c);
}

static void notify_systemd(mz_exhibit_sup *s)
{
    if (!s->ready_sent && s->active.reported) {
        sd_notify(0, "READY=1\nSTATUS=the player is up");
        s->ready_sent = true;
    }
    if (secs(s->notify_ns) < 1.0) return;
    s->notify_ns = mz_time_ns();
    mz_exhibit_status st;
    mz_exhibit_sup_status(s, &st);
    sd_notifyf(0, "WATCHDOG=1\nSTATUS=%s, %llu sessions, %llu restarts",
               st.player_up ? st.live.state : "starting the player",
               (unsigned long long)st.sessions, (unsigned long long)st.restarts);
}

mz_exhibit_sup *mz_exhibit_sup_create(const mz_exhibit_sup_desc *desc)
{
    mz_exhibit_sup *s = calloc(1, sizeof *s);
    char **argv = calloc((size_t)desc->argc + 5, sizeof *argv);
    if (!s || !argv) {
        free(s);
        free(argv);
        mz_fail("out of memory");
        return NULL;
    }
    s->cfg = *desc->config;
    s->argv = argv;
    child_reset(&s->active);
    child_reset(&s->standby);
    pthread_mutex_init(&s->lock, NULL);
    s->phones = mz_exhibit_phones_create(&s->cfg);
    if (!s->phones && *mz_error()) {
        mz_exhibit_sup_destroy(s);
        return NULL;
    }
    int n = 0;
    argv[n++] = "maze";
    argv[n++] = "exhibit-player";
    if (s->phones) { /* the page's address for its QR code (its port may be the kernel's pick) */
        argv[n++] = "--audience-url";
        argv[n++] = (char *)mz_exhibit_phones_url(s->phones);
    }
    for (int i = 0; i < desc->argc; i++)
        argv[n++] = desc->argv[i];
    s->start_ns = mz_time_ns();
    s->today = day_of(time(NULL));
    char path[1100];
    state_path(s, s->cfg.session_log, path, sizeof path);
    s->log = mz_exhibit_log_open(path, (size_t)s->cfg.session_log_kb * 1024,
                                 (int)s->cfg.session_log_keep);
    if (!s->log) {
        mz_exhibit_sup_destroy(s);
        return NULL;
    }
    return s;
}

int mz_exhibit_sup_run(mz_exhibit_sup *s)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (!start_active(s)) return 1;
    child *kids[2] = {&s->active, &s->standby};
    for (;;) {
        pthread_mutex_lock(&s->lock);
        bool stop = s->stop || signalled;
        pthread_mutex_unlock(&s->lock);
        if (stop && !s->active.pid && !s->standby.pid) break;
        struct pollfd fds[4];
        for (int i = 0; i < 2; i++) {
            if (stop) stop_player(kids[i], WHY_STOP);
            fds[2 * i] = (struct pollfd){.fd = kids[i]->status_fd, .events = POLLIN};
            fds[2 * i + 1] = (struct pollfd){.fd = kids[i]->stderr_fd, .events = POLLIN};
        }
        poll(fds, 4, 100);
        run_commands(s);
        for (int i = 0; i < 2; i++) {
            child *c = kids[i];
            read_status(s, c);
            drain_stderr(c);
            int wstatus;
            if (c->pid && waitpid(c->pid, &wstatus, WNOHANG) == c->pid) reaped(s, c, wstatus);
            watch_child(s, c);
        }
        watch_memory(s);
        serve_phones(s);
        keep_players(s, stop);
        notify_systemd(s);
    }
    sd_notify(0, "STOPPING=1");
    return 0;
}

void mz_exhibit_sup_destroy(mz_exhibit_sup *s)
{
    if (!s) return;
    child *kids[2] = {&s->active, &s->standby};
    for (int i = 0; i < 2; i++) {
        child *c = kids[i];
        if (c->pid) {
            kill(c->pid, SIGKILL);
            waitpid(c->pid, NULL, 0);
        }
        close_fd(&c->status_fd);
        close_fd(&c->command_fd);
        close_fd(&c->stderr_fd);
    }
    mz_exhibit_log_close(s->log);
    mz_exhibit_phones_destroy(s->phones);
    pthread_mutex_destroy(&s->lock);
    free(s->argv);
    free(s);
}

void mz_exhibit_sup_status(mz_exhibit_sup *s, mz_exhibit_status *out)
{
    pthread_mutex_lock(&s->lock);
    *out = s->st;
    pthread_mutex_unlock(&s->lock);
    out->uptime_s = secs(s->start_ns);
}

void mz_exhibit_sup_sessions(mz_exhibit_sup *s, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "[");
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < s->recent_count && n < cap; i++) {
        size_t len = strlen(s->recent[i]);
        if (n + len + 3 > cap) break; /* whole lines only */
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "," : "", s->recent[i]);
    }
    pthread_mutex_unlock(&s->lock);
    if (n + 2 <= cap) snprintf(out + n, cap - n, "]");
}

bool mz_exhibit_sup_command(mz_exhibit_sup *s, const char *cmd, double value)
{
    static const char *const known[] = {"attract", "pause",  "resume",  "mute", "unmute",
                                        "volume",  "story", "restart", "stop"};
    bool ok = false;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        ok |= !strcmp(cmd, known[i]);
    if (!ok) return mz_fail("unknown command '%s'", cmd);
    if (!strcmp(cmd, "story") && (value < 0 || value >= s->cfg.story_count))
        return mz_fail("no story %g (%d configured)", value, s->cfg.story_count);
    pthread_mutex_lock(&s->lock);
    ok = s->queued < COMMAND_QUEUE;
    if (ok) {
        snprintf(s->queue[s->queued].cmd, sizeof s->queue[0].cmd, "%s", cmd);
        s->queue[s->queued++].value = value;
    }
    pthread_mutex_unlock(&s->lock);
    return ok || mz_fail("too many commands waiting");
}

void mz_exhibit_sup_stop(mz_exhibit_sup *s)
{
    pthread_mutex_lock(&s->lock);
    s->stop = true;
    pthread_mutex_unlock(&s->lock);
}
