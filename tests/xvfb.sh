# mz_xvfb FIRST LAST LOG (sourced): starts an Xvfb of 1280x720 on the first
# free display number in FIRST..LAST, waits for its socket, exports DISPLAY
# and sets xvfb_pid. Key autorepeat is off: on a loaded machine a late
# key-up from xdotool would otherwise type a letter twice. Returns 1 when no
# number is free.
mz_xvfb() {
  local n
  for n in $(seq "$1" "$2"); do
    [ -e /tmp/.X11-unix/X$n ] || [ -e /tmp/.X$n-lock ] && continue
    Xvfb :$n -screen 0 1280x720x24 -nolisten tcp -ardelay 3600000 >"$3" 2>&1 &
    xvfb_pid=$!
    export DISPLAY=:$n
    for _ in $(seq 50); do [ -e /tmp/.X11-unix/X$n ] && break; sleep 0.1; done
    return 0
  done
  return 1
}
