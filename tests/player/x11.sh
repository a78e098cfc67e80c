# What the window scripts share (sourced, with `set -euo pipefail`): a
# scratch folder $work removed on exit with every process listed in $pids,
# `fail MESSAGE`, and `start_x FIRST LAST`: when DISPLAY is unset, an Xvfb
# on the first free display number from FIRST to LAST (each test its own
# range, so tests in parallel do not meet; the one starter, tests/xvfb.sh). SDL then talks to X.
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

. "$(dirname "${BASH_SOURCE[0]}")/../xvfb.sh"
start_x() {
  if [ -z "${DISPLAY:-}" ]; then
    mz_xvfb "$1" "$2" "$work/xvfb.log" || fail "no free X display number"
    pids+=($xvfb_pid)
  fi
  export SDL_VIDEODRIVER=x11
}
