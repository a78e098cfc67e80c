#!/usr/bin/env bash
# `maze play --at SCENE --set NAME=VALUE`, `undo` lines headless and in
# walkthroughs, a story that switches undo off; story-wide transitions and
# hints.
. "$(dirname "$0")/../lib.sh"
export ALSOFT_DRIVERS=null
FIX=tests/stories/fixtures

printf 'open the barrel\nlight the candle\nopen the barrel\n' > "$T/in.txt"
"$MZ_MAZE" play stories/cellar --headless --at cellar --set candle=false --inputs "$T/in.txt" --trace "$T/at.jsonl" > "$T/at.out"
check "--at --set exits 0" test $? -eq 0
check "starts in the scene asked" grep -qxF "[0] cellar: Darkness. Two green eyes, and a cold draught on your face." "$T/at.out"
check "--set applied: too dark to open" grep -qF "You can't see the barrels." "$T/at.out"
check "plays on from there" grep -qxF "the story ended at 'treasure' after 3 turns" "$T/at.out"
check "trace turn 0 is the chosen scene" grep -qF '{"turn":0,"input":"","scene":"cellar","scene_changed":true,"prompt":"dim oil painting, candlelight, deep shadows, a pitch dark cellar' "$T/at.jsonl"

"$MZ_MAZE" play stories/cellar --headless --at celar --inputs "$T/in.txt" > /dev/null 2> "$T/bad.err"
check "unknown scene exits 1" test $? -eq 1
check "unknown scene: did you mean" grep -qxF "maze play: stories/cellar/story.lua: there is no scene 'celar' (did you mean 'cellar'?)" "$T/bad.err"
"$MZ_MAZE" play stories/cellar --headless --set candel=false --inputs "$T/in.txt" > /dev/null 2> "$T/bad.err"
check "undeclared --set exits 1" test $? -eq 1
check "undeclared --set: did you mean" grep -qxF "maze play: stories/cellar/story.lua: story.vars declares no 'candel' (did you mean 'candle'?)" "$T/bad.err"
"$MZ_MAZE" play stories/cellar --headless --set candle --inputs "$T/in.txt" > /dev/null 2> "$T/bad.err"
check "--set without = exits 1" test $? -eq 1
check "--set without =: says how" grep -qF -- "--set candle: write NAME=VALUE" "$T/bad.err"

# undo in an inputs file
printf 'go down the stairs\nopen the barrel\nundo\nundo\nundo\nfollow the cat\n' > "$T/undo.txt"
"$MZ_MAZE" play stories/cellar --headless --inputs "$T/undo.txt" > "$T/undo.out"
check "undo exits 0" test $? -eq 0
check "undo takes an ending back" sh -c "grep -A1 -xF '< undo' '$T/undo.out' | head -2 | tail -1 | grep -qxF '[1] cellar: Barrels line the walls.'"
check "undo back to the start" grep -qxF "[0] stairs: The stairs smell of damp and apples." "$T/undo.out"
check "nothing left to undo" grep -qxF "    (nothing to undo)" "$T/undo.out"
check "play goes on after undo" grep -qxF "[1] cellar: Barrels line the walls." "$T/undo.out"

# a story with undo = false: `undo` is an input like any other
printf 'undo\nopen the door\n' > "$T/noundo.txt"
"$MZ_MAZE" play $FIX/noundo --headless --inputs "$T/noundo.txt" > "$T/noundo.out"
check "undo off: the line is input" grep -qxF '    "Nothing happens."' "$T/noundo.out"
check "undo off: no undo" sh -c "! grep -q '^< undo' '$T/noundo.out'"

# undo in a walkthrough
"$MZ_MAZE" test stories/cellar $FIX/undo.txt > "$T/walk.out"
check "walkthrough with undo passes" grep -qxF "PASS $FIX/undo.txt (5 inputs, 6 expectations, ending treasure)" "$T/walk.out"
# Story-wide transitions (a scene overrides them) and hints after N unmatched
# lines: the fixture's walkthrough checks each with #expect.
"$MZ_MAZE" test $FIX/helpful > "$T/helpful.out"
check "story-wide transitions and hints" grep -qxF "PASS $FIX/helpful/walkthroughs/street.txt (16 inputs, 15 expectations, ending street)" "$T/helpful.out"
"$MZ_MAZE" lint $FIX/helpful > /dev/null 2>&1
check "story-wide targets count as reachable" test $? -eq 0
# Disambiguation: a tie is asked about, answered by number or words; a story
# may switch it off (then the first listed wins, as before).
"$MZ_MAZE" test $FIX/choices $FIX/nochoices > "$T/choices.out"
check "disambiguation walkthroughs pass" test $? -eq 0
check "five of them" grep -qxF "5 walkthroughs in 2 stories: 5 passed, 0 failed" "$T/choices.out"
finish
