#!/usr/bin/env bash
# The attract loop plays the lines a story names (story { attract = {...} },
# docs/story-api.md), ahead of its attract.txt and demo.txt: here a copy of
# the cellar whose demo.txt is kept but whose story.lua names two other
# lines; the player's trace shows what attract typed, in order, and a
# visitor's key still starts a fresh story.
. "$(dirname "$0")/exhibit_lib.sh"
story=$work/cellar
cp -r stories/cellar "$story"
sed -i 's|^  vars = {|  attract = { "chase the cat", "look at the barrels" },\n  vars = {|' "$story/story.lua"
grep -q 'attract = { "chase the cat"' "$story/story.lua" || fail "the story copy names no attract lines"
"$MAZE" lint "$story" >"$work/lint.log" 2>&1 || fail "maze lint: $(cat "$work/lint.log")"
start_exhibit "$story" --state-dir "$work" --trace "$work/trace" --attract-line-s 3 \
  --idle-warn 600 --idle-reset 900
win=$(window)
# (each new story rewrites the trace: what it held when the second line came)
inputs() { grep -o '"input":"[^"]*"' "$work/seen" | grep -v '"input":""' || true; }
wait_for 90 sh -c "cat '$work'/trace.* >'$work/seen' 2>/dev/null; grep -q '\"input\":\"look at the barrels\"' '$work/seen'" ||
  fail "attract did not play the story's lines; it typed: $(inputs | tr '\n' ' ')"
first=$(inputs | head -n2 | tr '\n' ' ')
[ "$first" = '"input":"chase the cat" "input":"look at the barrels" ' ] ||
  fail "attract typed '$first', not the story's two lines in order"
inputs | grep -q 'GO DOWN\|here kitty' && fail "attract played demo.txt: $(inputs | tr '\n' ' ')"
xdotool type --window "$win" --delay 30 "go down the stairs"
xdotool key --window "$win" Return
wait_for 30 grep -q "exhibit: playing" "$work/log" || fail "a key did not start a visitor's story"
kill -TERM "$sup"
wait_for 10 sh -c "! kill -0 $sup 2>/dev/null" || fail "SIGTERM did not stop maze exhibit"
echo "ok: exhibit attract plays the story's attract list"
