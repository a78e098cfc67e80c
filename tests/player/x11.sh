# What the window scripts share (sourced, with `set -euo pipefail`): a
# scratch folder $work removed on exit with every process listed in $pids,
# `fail MESSAGE`, and `start_x FIRST LAST`: when DISPLAY is unset, an Xvfb
# on the first free display number from FIRST to LAST (each test its own
# range, so tests in parallel do not meet). SDL then talks to X.
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

start_x() {
  if [ -z "${DISPLAY:-}" ]; then
    for n in $(seq "$1" "$2"); do
      [ -e /tmp/.X11-unix/X$n ] || [ -e /tmp/.X$n-lock ] && continue
      Xvfb :$n -screen 0 1280x720x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
      pids+=($!)
      export DISPLAY=:$n
      for _ in $(seq 50); do [ -e /tmp/.X11-unix/X$n ] && break; sleep 0.1; done
      break
    done
    [ -n "${DISPLAY:-}" ] || fail "no free X display number"
  fi
  export SDL_VIDEODRIVER=x11
}
