#!/usr/bin/env bash
# max_rss_mb: a player over it is not replaced while a visitor plays, only
# at its next return to attract (here after idle_reset), and then by the
# standby, the visitor's session logged as idle first.
. "$(dirname "$0")/exhibit_lib.sh"
start_exhibit stories/cellar --state-dir "$work" --max-rss-mb 16 --idle-warn 4 --idle-reset 8
win=$(window)
wait_for 60 grep -q "standby player [0-9]* is ready" "$work/log" || fail "no standby got ready"
# the player (about 200 MB) is over 16 MB from the start; in attract it goes
wait_for 30 grep -q "max_rss_mb 16): restarting it" "$work/log" || fail "no memory restart in attract"
wait_for 60 sh -c "xdotool search --onlyvisible --name ' maze$' >/dev/null" || fail "no window after the restart"
sleep 2
win=$(window)
p=$(player_pid)
n=$(grep -c "max_rss_mb 16): restarting it" "$work/log")
xdotool type --window "$win" --delay 30 "go down the stairs"
xdotool key --window "$win" Return
sleep 5 # playing: over the limit, but a visitor is there
[ "$(player_pid)" = "$p" ] || fail "the player was replaced while a visitor played"
[ "$(grep -c "max_rss_mb 16): restarting it" "$work/log")" = "$n" ] || fail "a memory restart mid-session"
wait_for 20 grep -q '"reason":"idle"' "$work/sessions.jsonl" || fail "the visitor's session did not end idle"
wait_for 30 sh -c "[ \$(grep -c 'max_rss_mb 16): restarting it' '$work/log') -gt $n ]" ||
  fail "no memory restart at the return to attract"
grep -q '"reason":"operator"' "$work/sessions.jsonl" && fail "a session was cut by the memory restart"
kill -TERM "$sup"
wait_for 10 sh -c "! kill -0 $sup 2>/dev/null" || fail "SIGTERM did not stop maze exhibit"
echo "ok: exhibit memory restart waits for attract"
