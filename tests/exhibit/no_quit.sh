#!/usr/bin/env bash
# Visitors cannot quit maze exhibit or reach the author keys: Esc (and
# Esc + Enter, which quits `maze play`), Alt+F4, the window manager's close
# event (WM_DELETE_WINDOW, sent by tests/exhibit/x11_close) and F1 F2 F5
# F9 F12 leave the same player process running, its window up and drawing,
# no restart needed, and no screenshot or save written.
# $1: the x11_close helper.
. "$(dirname "$0")/exhibit_lib.sh"
close_tool=${1:?usage: no_quit.sh X11_CLOSE}
story=$(realpath stories/cellar)
cd "$work" # F12 / F5 would write here
start_exhibit "$story" --state-dir "$work" --hang-s 5
win=$(window)
card=400x100+440+310
wait_for 30 sh -c "import -window root '$work/s.png' && \
  [ \"\$($IM/convert '$work/s.png' -crop $card +repage -colorspace gray -threshold 85% -format '%[fx:mean]' info:)\" != 0 ]" ||
  fail "the kiosk never drew its card"
p=$(player_pid)
xdotool type --window "$win" --delay 30 "look"
xdotool key --window "$win" Escape
xdotool key --window "$win" Return
xdotool key --window "$win" Escape
xdotool key --window "$win" alt+F4
for k in F1 F2 F5 F9 F12 F10 F11; do xdotool key --window "$win" "$k"; done
"$close_tool" "$win"
"$close_tool" "$win"
sleep 3
kill -0 "$p" 2>/dev/null || fail "the player quit"
[ "$(player_pid)" = "$p" ] || fail "the player was replaced"
xdotool search --onlyvisible --name " maze$" | grep -qx "$win" || fail "the window is gone"
ls "$work"/*.quicksave "$work"/maze-*.png 2>/dev/null && fail "an author key wrote a file"
# still drawing: the screen changes (the story goes on)
shot a
sleep 1
shot b
d=$("$IM/compare" -metric AE -fuzz 2% "$work/a.png" "$work/b.png" null: 2>&1 || true)
echo "pixels changed in 1 s: $d"
[ "${d%% *}" -gt 0 ] 2>/dev/null || fail "the screen is frozen"
kill -TERM "$sup"
wait_for 10 sh -c "! kill -0 $sup 2>/dev/null" || fail "SIGTERM did not stop maze exhibit"
echo "ok: visitors cannot quit"
