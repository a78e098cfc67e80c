#!/usr/bin/env bash
# `maze play` with no display says so, suggests --headless, and exits 2 —
# whether DISPLAY is unset or names a server that is not there.
set -uo pipefail
cd "${MZ_SOURCE_DIR:-.}"
MAZE=${MZ_MAZE:-build/maze}
fail() { echo "FAIL: $*" >&2; exit 1; }
for display in "" ":97"; do
  out=$(env -u WAYLAND_DISPLAY DISPLAY="$display" SDL_VIDEODRIVER=x11 "$MAZE" play stories/cellar 2>&1)
  status=$?
  echo "DISPLAY='$display': status $status: $out"
  [ "$status" -eq 2 ] || fail "exit status $status, not 2"
  case "$out" in *"no display"*"--headless"*) ;; *) fail "no hint: $out" ;; esac
done
echo "ok: no display"
