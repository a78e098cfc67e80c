#!/usr/bin/env bash
# When the generator fails outright — here a remote `maze serve` killed with
# no fallback configured — the kiosk covers the last good frame with "Back
# in a moment" after gen_stall_s, reopens the generator until frames come
# again, and takes the card away when the server is back; the visitor's
# story goes on, and the player is never restarted.
. "$(dirname "$0")/exhibit_lib.sh"
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
serve() {
  "$MAZE" serve --port "$port" >>"$work/serve.log" 2>&1 &
  server=$!
  pids+=($server)
  wait_for 20 sh -c "grep -q 'listening\|serving' '$work/serve.log' || (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null" ||
    fail "maze serve did not start: $(cat "$work/serve.log")"
}
serve
start_exhibit stories/cellar --state-dir "$work" --generator "ws://127.0.0.1:$port" \
  --generator-fallback none --gen-stall-s 4 --idle-warn 600 --idle-reset 900
win=$(window)
card=400x100+440+310
sky=1280x200+0+60 # above the card: the picture
wait_for 30 sh -c "import -window root '$work/s.png' && [ \"\$($IM/convert '$work/s.png' -crop $card +repage -colorspace gray -threshold 85% -format '%[fx:mean]' info:)\" != 0 ]" ||
  fail "the kiosk never drew its card"
# frames flow from the server (on a loaded machine it takes a while to start)
sky_mean() { "$IM/convert" "$work/$1.png" -crop $sky +repage -colorspace gray -format '%[fx:mean]' info:; }
wait_for 90 sh -c "import -window root '$work/f.png' && [ \"\$($IM/convert '$work/f.png' -crop $sky +repage -colorspace gray -threshold 3% -format '%[fx:mean]' info:)\" != 0 ]" ||
  fail "no frame from the remote generator"
xdotool type --window "$win" --delay 30 "go down the stairs"
xdotool key --window "$win" Return
sleep 3
shot playing
holds "$(bright playing $card)" "b < 0.003" || fail "a card while the visitor plays"
pic=$(sky_mean playing)

kill -9 "$server"
echo "server killed at $(date +%T.%N)"
t0=$(date +%s.%N)
wait_for 40 sh -c "import -window root '$work/stalled.png' && [ \"\$($IM/convert '$work/stalled.png' -crop $card +repage -colorspace gray -threshold 85% -format '%[fx:mean]' info:)\" != 0 ]" ||
  fail "no 'Back in a moment' card after the generator failed"
took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo "server killed -> card in $took s"
under=$(sky_mean stalled)
echo "picture brightness: $pic playing, $under under the card"
holds "$under" "b > 0.5 * $pic && b > 0.02" || fail "the card is not over the last good frame"
grep -q "no frame from the generator" "$work/log" || fail "the stall is not logged"

serve
wait_for 30 sh -c "import -window root '$work/back.png' && [ \"\$($IM/convert '$work/back.png' -crop $card +repage -colorspace gray -threshold 85% -format '%[fx:mean]' info:)\" = 0 ]" ||
  fail "the card stays after the server is back"
grep -q "the generator is back" "$work/log" || fail "the recovery is not logged"
p=$(player_pid)
grep -q "was killed\|exited with" "$work/log" && fail "the player was restarted"
xdotool type --window "$win" --delay 30 "blow out the candle"
xdotool key --window "$win" Return
sleep 2
kill -0 "$p" || fail "the player died"
kill -TERM "$sup"
wait_for 10 sh -c "! kill -0 $sup 2>/dev/null" || fail "SIGTERM did not stop maze exhibit"
grep -q '"reason":"operator","turns":2\|"turns":2,.*"reason":"operator"' "$work/sessions.jsonl" ||
  fail "the visitor's two turns are not one session: $(cat "$work/sessions.jsonl")"
echo "ok: exhibit generator stall"
