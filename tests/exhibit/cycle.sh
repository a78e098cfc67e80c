#!/usr/bin/env bash
# maze exhibit's visitor cycle with its timers scaled down by the config:
# attract ("Type to begin" over the demo) -> a key starts a fresh story,
# that key kept -> play -> the idle countdown -> back to attract; then a
# visitor who plays to an ending -> the hold -> the credits with the
# disclosure -> attract. Checked in the screen's pixels (the centred card)
# and in the session log (one JSON line per visitor).
. "$(dirname "$0")/exhibit_lib.sh"

cat >"$work/exhibit.conf" <<CONF
# scaled: seconds instead of minutes
idle_warn = 5
idle_reset = 14
ending_hold = 4
credits_s = 6
attract_line_s = 1.5
credits_text = "Thanks, visitor"
disclosure = Pictures made by a machine
log_viewer_text = true
state_dir = $work
CONF
start_exhibit stories/cellar --config "$work/exhibit.conf"
win=$(window)
card=400x100+440+310 # where the centred card is drawn
log=$work/sessions.jsonl

sleep 3
shot attract
a=$(bright attract $card)
echo "card region, attract: $a"
holds "$a" "b > 0.01" || fail "no 'Type to begin' card in attract"

# card_is KIND: the last shot's card is none, attract (the one-line
# invitation) or long (more text: the countdown, the credits)
card_is() {
  local b
  b=$(bright "$shotname" $card)
  case $1 in
    none) holds "$b" "b < 0.3 * $a" ;;
    attract) holds "$b" "b > 0.5 * $a && b < 1.3 * $a" ;;
    long) holds "$b" "b > 1.3 * $a" ;;
  esac
}
n=0
# wait_card KIND SECONDS: shots until the card is KIND
wait_card() {
  n=$((n + 1))
  shotname=$1-$n
  for _ in $(seq $(($2 * 5))); do
    shot "$shotname"
    card_is "$1" && { echo "card $1 after $(bright "$shotname" $card)"; return 0; }
    sleep 0.2
  done
  return 1
}

# The first key starts a visitor's story and is kept: the line logged is the
# whole sentence, 'g' included.
xdotool type --window "$win" --delay 30 "go down the stairs"
xdotool key --window "$win" Return
t0=$(date +%s.%N)
wait_card none 3 || fail "the card stays up while a visitor plays"

# idle_warn (5 s): the countdown (more text than the invitation); idle_reset (14 s): the session is logged
# (reason idle) and attract is back.
wait_card long 10 || fail "no 'Still there?' countdown after idle_warn"
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a > 4.5) }' || fail "the countdown came before idle_warn"
wait_card attract 12 || fail "not back in attract after idle_reset"
wait_for 5 grep -q '"reason":"idle"' "$log" || fail "no idle session in the log: $(cat "$log" 2>/dev/null)"
line=$(grep '"reason":"idle"' "$log")
echo "$line"
case "$line" in *'"turns":1,'*'"inputs":["go down the stairs"]'*) ;;
  *) fail "the idle session is not one turn of 'go down the stairs': $line" ;; esac

# A visitor to the ending: the ending held without a card, the credits
# (with the disclosure), attract.
for l in "go down the stairs" "blow out the candle" "follow the cat" "climb out"; do
  xdotool type --window "$win" --delay 20 "$l"
  xdotool key --window "$win" Return
  sleep 1.2
done
wait_card none 2 || fail "a card covers the ending during ending_hold"
wait_card long 8 || fail "no credits after ending_hold"
wait_card attract 10 || fail "not back in attract after the credits"
wait_for 5 grep -q '"reason":"ending"' "$log" || fail "no ending session in the log"
line=$(grep '"reason":"ending"' "$log")
echo "$line"
case "$line" in *'"turns":4,'*'"ending":"garden"'*) ;; *) fail "wrong ending line: $line" ;; esac
seeds=$(grep -o '"seed":[0-9]*' "$log" | sort -u | wc -l)
[ "$seeds" -eq 2 ] || fail "the two visitors did not get new seeds: $(cat "$log")"
grep -c . "$log" | grep -qx 2 || fail "expected 2 sessions: $(cat "$log")"

kill -TERM "$sup"
wait_for 10 sh -c "! kill -0 $sup 2>/dev/null" || fail "SIGTERM did not stop maze exhibit"
keep_shots
echo "ok: exhibit visitor cycle"
