#!/usr/bin/env bash
# A remote generator that dies mid-play: `maze serve` killed with SIGKILL
# while the visitor's scene streams from it. The embedded generator (the
# default generator_fallback) stands in: the kiosk logs how long the screen
# held still, from the remote's last frame taken to the stand-in's first,
# and that must be under 3.5 s (the front falls back after deadline_s, 1 s,
# of silence, or at once when the connection closes); frames keep coming,
# with no "Back in a moment" reopen and no player restart.
. "$(dirname "$0")/exhibit_lib.sh"
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$MAZE" serve --port "$port" >"$work/serve.log" 2>&1 &
server=$!
pids+=($server)
wait_for 60 grep -q "listening" "$work/serve.log" || fail "maze serve did not start: $(cat "$work/serve.log")"
# --standby false: a standby player would hold a second connection
start_exhibit stories/cellar --state-dir "$work" --generator "ws://127.0.0.1:$port" \
  --standby false --idle-warn 600 --idle-reset 900
win=$(window)
wait_for 90 grep -q "remote: connected" "$work/log" || fail "the kiosk never reached maze serve"
xdotool type --window "$win" --delay 30 "go down the stairs"
xdotool key --window "$win" Return
wait_for 60 grep -q "first frame of scene cellar" "$work/log" || fail "no frame of the visitor's scene"
sleep 2 # the remote draws the scene (a slow start may have had the fallback stand in)
stood=$(grep -c "stands in for the remote generator" "$work/log" || true)
restarted=$(grep -c "no frame from the generator" "$work/log" || true)
kill -9 "$server"
echo "server killed at $(date +%T.%N)"
wait_for 60 sh -c "[ \$(grep -c 'stands in for the remote generator' '$work/log') -gt $stood ]" ||
  fail "the embedded generator never stood in for the dead server"
gap=$(sed -n 's/.*stands in for the remote generator: its first frame \([0-9.]*\) s.*/\1/p' "$work/log" | tail -n1)
echo "the screen held still $gap s (the remote's last frame -> the stand-in's first)"
holds "$gap" "b < 3.5" || fail "the stand-in's first frame came $gap s after the remote's last"
grep -q "falling back to procedural" "$work/log" || fail "the fallback is not logged"
sleep 3
[ "$(grep -c "no frame from the generator" "$work/log" || true)" = "$restarted" ] ||
  fail "the kiosk reopened its generator"
grep -q "was killed\|exited with" "$work/log" && fail "the player was restarted"
shot after
sky=$("$IM/convert" "$work/after.png" -crop 1280x200+0+60 +repage -colorspace gray -format '%[fx:mean]' info:)
holds "$sky" "b > 0.02" || fail "the screen is dark under the stand-in ($sky)"
kill -TERM "$sup"
wait_for 10 sh -c "! kill -0 $sup 2>/dev/null" || fail "SIGTERM did not stop maze exhibit"
echo "ok: exhibit remote generator failover"
