#!/bin/sh
# Issue 9 item 6: `maze serve` gives back the memory of 1080p clients that
# never read, both when they leave and when it closes them itself (idle
# timeout) while they keep their sockets open. RSS from /proc, against the
# bounds in docs/protocol.md ("Memory of a server"):
#   with four such clients: at most 250 MB each above a warm idle server;
#   after they are gone: at most 50 MB above it.
# A warm idle server has served one small client (Vulkan and LLVM loaded).
# $1: the quiet_clients program.
. "$(dirname "$0")/../lib.sh"
QUIET=$1
if ldd "$MZ_MAZE" | grep -q libasan; then
  echo "skip: under ASan the heap is not the server's own (quarantine, shadow memory)"
  exit 0
fi

pid=
qpid=
cleanup() {
  [ -n "$qpid" ] && kill "$qpid" 2> /dev/null
  [ -n "$pid" ] && kill "$pid" 2> /dev/null
  rm -rf "$T"
}
trap cleanup EXIT

rss() { awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$pid/status"; }
# wait_log TEXT COUNT: until the server's log has COUNT lines with TEXT (120 s)
wait_log() {
  for _ in $(seq 1200); do
    [ "$(grep -cF -- "$1" "$T/serve.err")" -ge "$2" ] && return 0
    sleep 0.1
  done
  return 1
}
# quiet N W H: starts quiet_clients, returns when they are all accepted
quiet() {
  "$QUIET" "$port" "$1" "$2" "$3" > "$T/quiet.out" &
  qpid=$!
  for _ in $(seq 1200); do
    grep -q ready "$T/quiet.out" && return 0
    kill -0 "$qpid" 2> /dev/null || return 1
    sleep 0.1
  done
  return 1
}
unquiet() { kill "$qpid"; wait "$qpid" 2> /dev/null; qpid=; }
# serve IDLE_TIMEOUT: a server, warmed up by one small client; sets $idle
serve() {
  "$MZ_MAZE" serve --port 0 --idle-timeout "$1" > "$T/serve.out" 2> "$T/serve.err" &
  pid=$!
  for _ in $(seq 200); do grep -q listening "$T/serve.out" 2> /dev/null && break; sleep 0.05; done
  port=$(sed -n 's|.*ws://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$T/serve.out")
  quiet 1 160 96 && unquiet && wait_log "disconnected (0 clients)" 1
  sleep 0.5
  idle=$(rss)
}
# peak: RSS once the four queues have filled (it stops growing), at most 60 s
peak() {
  last=0
  for _ in $(seq 60); do
    sleep 1
    now=$(rss)
    [ "$now" -gt $((idle + 300)) ] && [ "$now" -le "$last" ] && break
    last=$now
  done
  echo "$now"
}

# Four clients that never read, then leave.
serve 60
check "warm idle server (${idle} MB)" test "$idle" -gt 0
check "four 1080p clients connect" quiet 4 1920 1080
with=$(peak)
check "with them: ${with} MB, over 300 MB above idle ${idle} MB (their frames are queued)" \
  test "$with" -gt $((idle + 300))
check "with them: ${with} MB, at most 4 x 250 MB above idle ${idle} MB" \
  test "$with" -le $((idle + 1000))
unquiet
check "they leave" wait_log "disconnected" 5
sleep 1
after=$(rss)
check "after they left: ${after} MB, at most 50 MB above idle ${idle} MB" test "$after" -le $((idle + 50))
kill "$pid"; wait "$pid"; pid=

# Four clients that never read and never leave: the idle timeout closes
# them, and the server cuts them off when they do not read the close.
serve 2
check "four 1080p clients connect" quiet 4 1920 1080
check "the server closes them" wait_log "disconnected" 5
sleep 1
after=$(rss)
check "closed, their sockets still open: ${after} MB, at most 50 MB above idle ${idle} MB" \
  test "$after" -le $((idle + 50))
check "cut off for not reading the close" has "$T/serve.err" "does not read its close: cut off"
unquiet
kill "$pid"; wait "$pid"; pid=
finish
