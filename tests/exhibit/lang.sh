#!/usr/bin/env bash
# maze exhibit in the story's languages (issue 17), real processes under
# Xvfb: attract lists the lighthouse's languages by their own names; the key
# 2 starts a visitor in French (the key is not typed; the captions, matched
# in French, are French in the player's trace); with lang_detect a French
# first line switches a visitor who pressed no number to French, an English
# one stays English; the session log says the language and where it came
# from; the config's profile reaches the story, and with profile_keys Down
# in attract changes it for the next visitor.
. "$(dirname "$0")/exhibit_lib.sh"

cat >"$work/exhibit.conf" <<CONF
standby = false
idle_warn = 5
idle_reset = 7
attract_line_s = 3600
lang_detect = true
profile = tone=eerie
profile_keys = true
trace = $work/trace
state_dir = $work
CONF
start_exhibit stories/lighthouse --config "$work/exhibit.conf"
win=$(window)
log=$work/sessions.jsonl
card=600x140+340+290 # the centred card: the invitation, then the languages
wait_for 20 grep -q "exhibit: attract" "$work/log" || fail "no attract"
sleep 2
shot attract
one_line=$(bright attract $card)
echo "card region, attract: $one_line"
holds "$one_line" "b > 0.01" || fail "no card in attract"

# turn_has TEXT: the player's trace (this visitor's story) has TEXT
turn_has() { grep -qF -- "$1" "$work"/trace.* 2>/dev/null; }
# visitor LANG FROM: the next session logged is in LANG, chosen by FROM
visitor_logged() {
  wait_for 20 grep -q "\"lang\":\"$1\",\"lang_from\":\"$2\"" "$log" ||
    fail "no session in $1 ($2) in the log: $(cat "$log" 2>/dev/null)"
  sleep 1 # attract's story has started
}

# 1. The key 2 (Français): French captions, French matching, the 2 not typed.
xdotool key --window "$win" 2
sleep 0.5
xdotool type --window "$win" --delay 40 "aller au phare"
xdotool key --window "$win" Return
wait_for 20 turn_has '"input":"aller au phare","scene":"tower_door"' ||
  fail "the French line did not play as typed, to the tower door: $(cat "$work"/trace.*)"
turn_has '"caption":"La porte de fer est bien fermée.' || fail "the caption is not French: $(cat "$work"/trace.*)"
shot french
visitor_logged fr key

# 2. No key, a French first line: detected, the line plays in French.
xdotool type --window "$win" --delay 40 "je veux aller au phare"
xdotool key --window "$win" Return
wait_for 20 turn_has '"input":"je veux aller au phare","scene":"tower_door"' ||
  fail "the detected French line did not reach the tower door: $(cat "$work"/trace.*)"
turn_has '"caption":"La porte de fer' || fail "detected, but the caption is not French"
grep -q "the first line reads as 'fr'" "$work/log" || fail "the detection is not logged"
visitor_logged fr detected

# 3. Down in attract: the gentle tone (attract repaints; no visitor yet).
# Then an English first line stays English (the default).
xdotool key --window "$win" Down
sleep 2
shot gentle
grep -q '"lang_from":"default"' "$log" && fail "Down started a visitor"
xdotool type --window "$win" --delay 40 "I want to walk to the lighthouse"
xdotool key --window "$win" Return
wait_for 20 turn_has '"caption":"The iron door is shut fast.' ||
  fail "the English visitor did not get English captions: $(cat "$work"/trace.*)"
wait_for 20 grep -q '"lang":"en","lang_from":"default","profile":"tone=gentle"' "$log" ||
  fail "no English session with the tone chosen in attract in the log: $(cat "$log")"
grep -q '"lang":"fr","lang_from":"key","profile":"tone=eerie"}' "$log" ||
  fail "the first visitor did not have the config's profile: $(cat "$log")"

kill -TERM "$sup"
wait_for 10 sh -c "! kill -0 $sup 2>/dev/null" || fail "SIGTERM did not stop maze exhibit"
keep_shots
echo "ok: exhibit languages"
