#!/usr/bin/env bash
# maze exhibit's watchdog: kill -9 of the player mid-session gives a live
# screen (the attract card drawn by the standby player taking over) within
# 3 s, the session
# logged with reason crash and the player's last stderr kept; SIGSTOP (no
# heartbeat for hang_s) gets it killed and replaced; players that keep
# dying are restarted after a growing back-off, never in a tight loop.
. "$(dirname "$0")/exhibit_lib.sh"

cat >"$work/exhibit.conf" <<CONF
hang_s = 5
state_dir = $work
CONF
start_exhibit stories/cellar --config "$work/exhibit.conf"
window >/dev/null
card=400x100+440+310
log=$work/sessions.jsonl
# live: a kiosk window from player $1 (not the old one) with its card drawn
# (seen_at: when the screen was grabbed; a grab of the card's region only,
# as the probe itself is slow on a loaded machine)
live() {
  local p t
  p=$(player_pid) || return 1
  [ -n "$p" ] && [ "$p" != "$1" ] || return 1
  t=$(date +%s.%N)
  "$IM/import" -window root -crop $card "$work/live.png" || return 1
  holds "$("$IM/convert" "$work/live.png" -colorspace gray -threshold 85% -format '%[fx:mean]' info:)" "b > 0.007" &&
    seen_at=$t
}
wait_for 30 live none || fail "the first player never drew its card"

standby_ready() { [ "$(grep -c 'standby player [0-9]* is ready' "$work/log")" -ge "$1" ]; }
wait_for 60 standby_ready 1 || fail "no standby player got ready"

# A visitor starts; the player is killed mid-session.
win=$(window)
xdotool type --window "$win" --delay 30 "hello"
sleep 1
p1=$(player_pid)
kill -9 "$p1"
t0=$(date +%s.%N)
wait_for 10 live "$p1" || fail "no live screen after kill -9"
t1=$seen_at
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
echo "kill -9 -> live screen in $took s"
holds "$took" "b <= 3.0" || fail "the screen took $took s to come back (3 s allowed)"
wait_for 5 grep -q '"reason":"crash"' "$log" || fail "the cut session is not logged: $(cat "$log" 2>/dev/null)"
grep '"reason":"crash"' "$log"
grep -q "signal 9" "$work/last-crash.log" || fail "last-crash.log does not say what happened"
echo "last-crash.log: $(head -n1 "$work/last-crash.log")"

# SIGSTOP: the frame loop stops beating; after hang_s (5 s) it is killed.
p2=$(player_pid)
sleep 12 # past STABLE_S: this one is not counted as crash-looping
wait_for 60 standby_ready 2 || fail "no new standby after the takeover"
kill -STOP "$p2"
t0=$(date +%s.%N)
wait_for 15 live "$p2" || fail "a stopped player was not replaced"
took=$(awk -v a="$t0" -v b="$seen_at" 'BEGIN { printf "%.1f", b - a }')
echo "SIGSTOP -> a new live player in $took s"
holds "$took" "b >= 5.0" || fail "replaced before hang_s"
kill -0 "$p2" 2>/dev/null && fail "the hung player $p2 still exists"
grep -q "hung" "$work/log" || fail "the hang is not logged"
# last-crash.log says where the hung player's threads were: stopped (T)
grep -q "# hung; its threads" "$work/last-crash.log" || fail "no thread states in last-crash.log"
grep -Eq "^#   [0-9]+ .+ T " "$work/last-crash.log" || fail "the stopped threads are not shown: $(grep '^#' "$work/last-crash.log")"

# Players that die at once: each killed as soon as its window shows, the
# waits between restarts grow (0.5, 1, 2 s).
new_player() { p=$(player_pid) && [ -n "$p" ] && [ "$p" != "$1" ]; }
wait_for 60 live "" || fail "no player after the hang"
for i in 1 2 3 4; do
  old=$(player_pid)
  kill -9 "$old"
  wait_for 60 new_player "$old" || fail "no restart after crash $i"
done
grep -o "restarting in [0-9.]* s" "$work/log" | tr '\n' ' '
echo
grep -q "restarting in 0.5 s" "$work/log" && grep -q "restarting in 1.0 s" "$work/log" &&
  grep -q "restarting in 2.0 s" "$work/log" || fail "no growing back-off"
kill -0 "$sup" || fail "the supervisor died"
kill -TERM "$sup"
wait_for 10 sh -c "! kill -0 $sup 2>/dev/null" || fail "SIGTERM did not stop maze exhibit"
[ -z "$(pgrep -f "exhibit-player.*$work" || true)" ] || fail "a player outlived its supervisor"
echo "ok: exhibit watchdog"
