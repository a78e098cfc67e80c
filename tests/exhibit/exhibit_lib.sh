# What the exhibit tests share (sourced): a scratch folder $work, an Xvfb of
# their own when DISPLAY is unset, `start_exhibit ARGS...` (maze exhibit in
# the background, pid in $sup, output in $work/log), `window` (the kiosk's
# X window id, waiting for it), `shot NAME` (a screenshot of the screen),
# `bright NAME WxH+X+Y` (the fraction of near-white pixels there),
# `player_pid`, `wait_for SECONDS CMD...` and `fail`.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "${MZ_SOURCE_DIR:-.}"
MAZE=$(realpath "${MZ_MAZE:-build/maze}")
IM=/usr/bin # `convert` elsewhere on PATH may be a stand-in
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # A browser's helper processes (not our children) may still be writing to
  # its profile for a moment: the folder goes when they have, and a test's
  # verdict never depends on it.
  for _ in 1 2 3 4 5; do rm -rf "$work" 2>/dev/null && break; sleep 0.5; done
  true
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  grep -v ALSA "$work/log" 2>/dev/null | tail -n 40 >&2 || true
  keep_shots
  exit 1
}

. "$here/../xvfb.sh"
if [ -z "${DISPLAY:-}" ]; then
  mz_xvfb 140 190 "$work/xvfb.log" || fail "no free X display number"
  pids+=($xvfb_pid)
fi
export SDL_VIDEODRIVER=x11

# (no console unless the test asks: 8090 may be taken)
start_exhibit() {
  MZ_LOG=info "$MAZE" exhibit --console-port -1 "$@" >"$work/log" 2>&1 &
  sup=$!
  pids+=($sup)
}

# wait_for SECONDS CMD...: polls CMD every 0.1 s; false on time out
wait_for() {
  local tries=$(($1 * 10))
  shift
  for _ in $(seq "$tries"); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}

# the player on screen (a standby's window is hidden)
player_pid() {
  local w
  w=$(xdotool search --onlyvisible --name " maze$" | tail -n1)
  [ -n "$w" ] && xdotool getwindowpid "$w"
}

# the kiosk's window (its title names the story)
window() {
  local w
  w=$(xdotool search --sync --onlyvisible --name " maze$" | tail -n1)
  [ -n "$w" ] || fail "no kiosk window"
  echo "$w"
}

# MZ_KEEP_SHOTS=DIR keeps the screenshots
keep_shots() { if [ -n "${MZ_KEEP_SHOTS:-}" ]; then cp "$work"/*.png "$MZ_KEEP_SHOTS"/ 2>/dev/null || true; fi; }
shot() { "$IM/import" -window root "$work/$1.png"; }
bright() { "$IM/convert" "$work/$1.png" -crop "$2" +repage -colorspace gray -threshold 85% \
  -format '%[fx:mean]' info:; }
# true when awk's expression over b holds
holds() { awk -v b="$1" "BEGIN { exit !($2) }"; }
