#!/usr/bin/env bash
# tools/bench_player.sh [ROUNDS] — input -> first frame on screen in the
# windowed player, in a 1280x720 window under Xvfb with the embedded
# generator. The window is not the frame: scenes are requested at the size
# the player picks (on a CPU at most 960x540) and the generator may draw them
# smaller and scale up (320x180 on lavapipe); the first line printed says
# all three.
# Walks stories/cellar down and up the stairs ROUNDS times (xdotool), then
# prints p50/p95 of the trace's first_frame_ms, the sizes frames were
# generated and drawn at, and the displayed fps (distinct frames presented
# per second, not presents).
# MZ_PLAY_ARGS adds options to `maze play` (e.g. --no-vsync, --size 320x180).
set -euo pipefail
cd "$(dirname "$0")/.."
MAZE=${MZ_MAZE:-build/maze}
rounds=${1:-15}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/share/vulkan/icd.d/lvp_icd.x86_64.json}
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work} ALSOFT_DRIVERS=${ALSOFT_DRIVERS:-null}
if [ -z "${DISPLAY:-}" ]; then
  for n in $(seq 150 199); do
    [ -e /tmp/.X11-unix/X$n ] || [ -e /tmp/.X$n-lock ] && continue
    Xvfb :$n -screen 0 1280x720x24 -nolisten tcp >/dev/null 2>&1 &
    pids+=($!); export DISPLAY=:$n
    for _ in $(seq 50); do [ -e /tmp/.X11-unix/X$n ] && break; sleep 0.1; done
    break
  done
fi
MZ_LOG=info "$MAZE" play stories/cellar --trace "$work/trace" ${MZ_PLAY_ARGS:-} >"$work/log" 2>&1 &
app=$!; pids+=($app)
win=$(xdotool search --sync --onlyvisible --name "The Cellar" | head -n1)
lines() { grep -c '"first_frame_ms":[0-9]' "$work/trace" 2>/dev/null || true; }
wait_lines() { for _ in $(seq 300); do [ "$(lines)" -ge "$1" ] && return; sleep 0.05; done; echo "timeout" >&2; cat "$work/log" >&2; exit 1; }
wait_lines 1
n=1
for _ in $(seq "$rounds"); do
  for cmd in "go down the stairs" "go up"; do
    sleep 0.6
    xdotool type --window "$win" --delay 5 "$cmd"; xdotool key --window "$win" Return
    n=$((n + 1)); wait_lines $n
  done
done
sleep 1
xdotool key --window "$win" Escape Return
wait "$app" || true
# The player's info line for each scene shown (the first is the story's start):
# "first frame of scene S on screen A ms after the input (generator G ms;
#  out of the generator -> on screen P ms; F fps shown, G generated;
#  WxH frames drawn at DxE, window XxY)"
fields() { grep 'first frame of scene' "$work/log" | tail -n +2 |
  sed -n 's/.* on screen \([0-9.]*\) ms after the input (generator \([0-9.]*\) ms; .* on screen \([0-9.]*\) ms; \([0-9.]*\) fps shown, \([0-9.]*\) generated; \([0-9x]*\) frames drawn at \([0-9x]*\), window \([0-9x]*\)).*/\1 \2 \3 \4 \5 \6 \7 \8/p'; }
pct() { sort -n | awk -v what="$1" '{ v[NR] = $1 } END {
  printf "%s (%d scene changes): p50 %.1f ms, p95 %.1f ms, max %.1f ms\n", what, NR,
    v[int((NR + 1) * 0.5)], v[int(NR * 0.95 + 0.999)], v[NR] }'; }
fields | tail -n 1 | awk '{ printf "frames requested at %s, drawn at %s (then scaled up), shown in a %s window\n", $6, $7, $8 }'
fields | awk '{ print $1 }' | pct "input -> first frame of the new scene presented"
fields | awk '{ print $2 }' | pct "  the generator's part (submit -> frame ready)"
fields | awk '{ print $3 }' | pct "  out of the generator -> presented"
fields | awk '{ f += $4; g += $5 } END { printf "  displayed %.1f fps (distinct frames presented), generated %.1f fps (the second before each scene change)\n", f / NR, g / NR }'
grep -o '"first_frame_ms":[0-9.]*' "$work/trace" | tail -n +2 | cut -d: -f2 | pct "  (the trace's first_frame_ms)"
# With --video in MZ_PLAY_ARGS: what the recording kept and dropped.
grep -o 'Video saved: .*' "$work/log" || true
