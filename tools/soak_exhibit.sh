#!/usr/bin/env bash
# soak_exhibit.sh HOURS [STORY] — maze exhibit under a stream of visitors.
#
# Starts its own Xvfb and `maze exhibit` (console on a free loopback port),
# with the visitor timers scaled so that an hour holds about a week of
# sessions (idle_warn 2 s, idle_reset 4 s, ending_hold 1 s, credits 1 s;
# hang_s stays 10 s: a restart here is a real one). xdotool visitors then
# play until HOURS have passed: some play the story to an ending, some type
# random text, some walk away mid-story (idle), each after an attract gap.
# It prints the sessions played (by reason), the restarts the watchdog
# needed, the player's RSS and open fds after warm-up and at the end, and
# input -> first frame on screen p50/p95 over every scene (the player's own
# measure, from its log), the supervisor's RSS, and the player's RSS trend
# over the second half (MB/hour) from $dir/rss.tsv, one sample per visitor
# (RSS, anonymous, file and shared memory, fds). Targets (issue 10): 0
# restarts, RSS growth under 5 MB, fds flat.
#   tools/soak_exhibit.sh 0.5          # half an hour (about 3.5 days)
# Env: MZ_MAZE (build/maze), SOAK_DIR (kept: log, sessions; default a temp dir).
set -euo pipefail
cd "$(dirname "$0")/.."
hours=${1:?usage: tools/soak_exhibit.sh HOURS [STORY]}
story=${2:-stories/cellar}
MAZE=$(realpath "${MZ_MAZE:-build/maze}")
dir=${SOAK_DIR:-$(mktemp -d)}
mkdir -p "$dir"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

. tests/xvfb.sh
mz_xvfb 200 260 "$dir/xvfb.log" || { echo "no free X display number" >&2; exit 1; }
pids+=($xvfb_pid)
export SDL_VIDEODRIVER=x11 ALSOFT_DRIVERS=${ALSOFT_DRIVERS:-null}

MZ_LOG=info "$MAZE" exhibit "$story" --state-dir "$dir" --console-port 0 \
  --idle-warn 2 --idle-reset 4 --ending-hold 1 --credits-s 1 --attract-line-s 1 \
  --fullscreen true >"$dir/log" 2>&1 &
sup=$!
pids+=($sup)
for _ in $(seq 300); do grep -q "operator console on" "$dir/log" && break; sleep 0.1; done
url=$(grep -o "http://127.0.0.1:[0-9]*/operator.html#token=[^ ]*" "$dir/log" | head -n1)
base=${url%%/operator.html*}
xdotool search --sync --onlyvisible --name " maze$" >/dev/null
health() { curl -s "$base/health"; }
field() { health | sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p"; }
player() { xdotool getwindowpid "$(xdotool search --onlyvisible --name " maze$" | tail -n1)"; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
fds() { ls "/proc/$1/fd" | wc -l; }
# One line of $dir/rss.tsv per visitor, to tell a steady leak from caches
# that plateau, and anonymous memory (the heap) from files and shared
# memory (mapped drivers, X shm): seconds, player pid, its VmRSS RssAnon
# RssFile RssShmem (kB) and fds, the supervisor's VmRSS.
sample() {
  local p
  p=$(player 2>/dev/null) || return 0
  echo "$(( $(date +%s) - t0 )) $p $(awk '/^(VmRSS|RssAnon|RssFile|RssShmem)/ { printf "%s ", $2 }' "/proc/$p/status" 2>/dev/null)$(fds "$p" 2>/dev/null) $(rss_kb "$sup")" >>"$dir/rss.tsv"
}

endings=("go down the stairs" "blow out the candle" "follow the cat" "climb out")
lines=("look around" "hello?" "light the candle" "open the barrel" "go back" "follow the cat")
chars=(a b c d e f g h i j k l m n o p q r s t u v w x y z ' ' ' ' '?' '!' é ü 中 😀)
# The window on screen now (a restarted player has a new one); a key sent
# while none is up is lost, as a visitor's would be.
say() {
  win=$(xdotool search --onlyvisible --name " maze$" 2>/dev/null | tail -n1)
  [ -n "$win" ] || return 0
  xdotool type --window "$win" --delay 15 "$1" 2>/dev/null || true
  xdotool key --window "$win" Return 2>/dev/null || true
}
random_text() {
  local s="" n=$((RANDOM % 40 + 3))
  for _ in $(seq $n); do s+=${chars[RANDOM % ${#chars[@]}]}; done
  echo "$s"
}
visitor() {
  case $((RANDOM % 3)) in
    0) for l in "${endings[@]}"; do say "$l"; sleep 0.8; done; sleep 3.5 ;;  # hold + credits
    1) for _ in $(seq $((RANDOM % 3 + 1))); do say "$(random_text)"; sleep 0.6; done; sleep 5 ;;
    2) for _ in $(seq $((RANDOM % 3 + 1))); do say "${lines[RANDOM % ${#lines[@]}]}"; sleep 0.8; done; sleep 5 ;;
  esac
  sleep "0.$((RANDOM % 9 + 1))" # attract between visitors
}

t0=$(date +%s)
echo "# s pid rss anon file shmem fds supervisor_rss" >"$dir/rss.tsv"
end=$(($(date +%s) + $(awk -v h="$hours" 'BEGIN { printf "%d", h * 3600 }')))
for _ in 1 2 3; do visitor; done # warm-up: fonts, shader caches, first sessions
p0=$(player)
rss0=$(rss_kb "$p0")
srss0=$(rss_kb "$sup")
fds0=$(fds "$p0")
started=$(date +%s)
echo "soak: $hours h on $DISPLAY, files in $dir; after warm-up player $p0: RSS $rss0 kB, $fds0 fds"
while [ "$(date +%s)" -lt "$end" ]; do visitor; sample; done
sleep 5 # the last visitor's session ends (idle) and attract is back
p1=$(player)
rss1=$(rss_kb "$p1")
srss1=$(rss_kb "$sup")
fds1=$(fds "$p1")
restarts=$(field restarts)
sessions=$(cat "$dir"/sessions.jsonl* | grep -c . || true)
echo
echo "== maze exhibit soak: $hours h ($(( ($(date +%s) - started) / 60 )) min measured), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sessions:  $sessions ($(cat "$dir"/sessions.jsonl* | grep -o '"reason":"[a-z]*"' | sort | uniq -c | awk '{ printf "%s %s  ", $1, $2 }'))"
echo "restarts:  $restarts (player $p0 -> $p1)"
echo "RSS:       $rss0 kB -> $rss1 kB ($(( (rss1 - rss0) / 1024 )) MB); supervisor $srss0 kB -> $srss1 kB; samples in $dir/rss.tsv"
# The trend over the second half (least squares over the samples of the
# player that ends it): caches that fill early plateau, a leak keeps its slope.
awk -v p="$p1" -v half="$(( ($(date +%s) - t0) / 2 ))" '$2 == p && $1 >= half {
  n++; sx += $1; sy += $3; sxx += $1 * $1; sxy += $1 * $3 }
  END { if (n > 2 && n * sxx != sx * sx)
    printf "RSS trend: %+.1f MB/hour over the second half (%d samples)\n",
      (n * sxy - sx * sy) / (n * sxx - sx * sx) * 3600 / 1024, n }' "$dir/rss.tsv"
echo "fds:       $fds0 -> $fds1"
grep -o "on screen [0-9.]* ms after the input" "$dir/log" | awk '{ print $3 }' | sort -n >"$dir/latency"
n=$(wc -l <"$dir/latency")
if [ "$n" -gt 0 ]; then
  p50=$(sed -n "$(( (n - 1) * 50 / 100 + 1 ))p" "$dir/latency")
  p95=$(sed -n "$(( (n - 1) * 95 / 100 + 1 ))p" "$dir/latency")
  echo "input -> first frame on screen: p50 $p50 ms, p95 $p95 ms over $n scenes"
fi
kill -TERM "$sup"
wait "$sup" || true
