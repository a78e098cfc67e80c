#!/bin/sh
# `maze play --headless`, `maze lint` and `maze graph`: outputs and exit codes.
# Runs from the source folder with $MZ_MAZE set by ctest.
. "$(dirname "$0")/../lib.sh"
FIX=tests/story/fixtures

# play: a replay gives the same trace; the trace has one JSON object per turn
printf 'descend\r\nmake it rain\nopen barrel\nnever read\n' > "$T/in.txt"
"$MZ_MAZE" play $FIX/cellar --headless --inputs "$T/in.txt" --seed 5 --trace "$T/a.jsonl" > "$T/out.txt"
check "play exits 0" test $? -eq 0
"$MZ_MAZE" play $FIX/cellar --headless --inputs "$T/in.txt" --seed 5 --trace "$T/b.jsonl" > /dev/null
check "replay is identical" cmp -s "$T/a.jsonl" "$T/b.jsonl"
check "one line per turn" test "$(wc -l < "$T/a.jsonl")" -eq 4
check "turn 1 matched, CR dropped" has "$T/a.jsonl" '{"turn":1,"input":"descend","scene":"cellar","scene_changed":true,'
check "modifier in prompt" has "$T/a.jsonl" 'white ear, make it rain","caption":"Barrels line the walls.","matched":null,'
check "ending in trace" has "$T/a.jsonl" '"ending":"treasure","error":null}'
check "transcript" has "$T/out.txt" "the story ended at 'treasure' after 3 turns (inputs left over)"

# any bytes in, valid JSON strings out
printf 'say "hi"\\ \001\033[2J \377\376 caf\303\251\n' > "$T/odd.txt"
"$MZ_MAZE" play $FIX/cellar --headless --inputs "$T/odd.txt" --trace "$T/odd.jsonl" > /dev/null
check "odd input sanitised and escaped" has "$T/odd.jsonl" '"input":"say \"hi\"\\ [2J �� café"'
"$MZ_MAZE" play $FIX/bytes --headless --inputs "$T/odd.txt" --trace "$T/bytes.jsonl" > /dev/null
check "author bytes escaped" has "$T/bytes.jsonl" '"prompt":"bad � byte, tab\there, quote \" and \u0001 end"'
if command -v python3 > /dev/null; then
  check "trace is JSON" python3 -c 'import json,sys; [json.loads(l) for f in sys.argv[1:] for l in open(f, encoding="utf-8")]' "$T/odd.jsonl" "$T/bytes.jsonl"
fi

# play: story errors are reported and play goes on
printf 'crash\nincrement\n' > "$T/crash.txt"
"$MZ_MAZE" play $FIX/broken --headless --inputs "$T/crash.txt" --trace "$T/c.jsonl" > "$T/c.out" 2> "$T/c.err"
check "story error exits 0" test $? -eq 0
check "error on stderr" has "$T/c.err" "$FIX/broken/story.lua:10: attempt to index a nil value (local 't')"
check "error in trace" has "$T/c.jsonl" '"error":"tests/story/fixtures/broken/story.lua:10: attempt'
check "play goes on" has "$T/c.jsonl" '"prompt":"a hall, count 1"'

# play: exit codes
"$MZ_MAZE" play $FIX/syntax --headless --inputs "$T/in.txt" > /dev/null 2> "$T/e.err"
check "load error exits 1" test $? -eq 1
check "load error names file:line" has "$T/e.err" "$FIX/syntax/story.lua:7: '}' expected"
"$MZ_MAZE" play $FIX/cellar --headless > /dev/null 2>&1
check "no inputs exits 2" test $? -eq 2
# Until the windowed player is built, `maze play` without --headless says so.
if ! "$MZ_MAZE" play --help | grep -q -- "--fullscreen"; then
  "$MZ_MAZE" play $FIX/cellar > /dev/null 2> "$T/w.err"
  check "no window exits 2" test $? -eq 2
  check "no window says --headless" has "$T/w.err" "--headless"
fi
"$MZ_MAZE" play $FIX/cellar --headless --inputs "$T/in.txt" --seed nope > /dev/null 2>&1
check "bad seed exits 2" test $? -eq 2
"$MZ_MAZE" play --help > "$T/help.txt"
check "help exits 0" test $? -eq 0
check "help lists --trace" has "$T/help.txt" "--trace FILE"

# lint
# Its --help lists what story-api.md says lint checks, the newer checks too.
"$MZ_MAZE" lint --help > "$T/lh.txt"
for what in "translations" "variant" "weighted prompts" "transition_steps"; do
  check "lint --help names $what" has "$T/lh.txt" "$what"
done
"$MZ_MAZE" lint $FIX/cellar $FIX/dice > "$T/l.out" 2>&1
check "clean stories lint 0" test $? -eq 0
"$MZ_MAZE" lint $FIX/lintme > "$T/l.out" 2> /dev/null
check "problems lint 1" test $? -eq 1
for line in \
  "$FIX/lintme/story.lua:16: scene 'b': prompt is missing (a string or a function)" \
  "$FIX/lintme/story.lua:23: scene 'c': unknown field 'colour'" \
  "$FIX/lintme/story.lua:11: scene 'a': transition to unknown scene 'nowhere'" \
  "$FIX/lintme/story.lua:26: scene 'island' cannot be reached from the start scene 'a'" \
  "$FIX/lintme/story.lua:31: ending 'home' cannot be reached from the start scene 'a'" \
  "$FIX/lintme/story.lua:12: scene 'a': pattern 'open the door' is shadowed by 'open door' (line 10) and can never be chosen" \
  "$FIX/lintme/story.lua:7: scene 'a': the prompt names {dog}, which is not in the story's characters" \
  "$FIX/lintme/story.lua:21: scene 'c' has no way on and is not an ending (a dead end)"; do
  check "lint: ${line#*: }" grep -qxF -- "$line" "$T/l.out"
done
check "lint finds exactly 8" test "$(wc -l < "$T/l.out")" -eq 8
sort -s -t: -k1,1 -k2,2n "$T/l.out" > "$T/l.sorted"
check "lint in line order" cmp -s "$T/l.out" "$T/l.sorted"
"$MZ_MAZE" lint $FIX/broken > "$T/b.out" 2> /dev/null
check "lint: broken target" grep -qxF "$FIX/broken/story.lua:13: scene 'hall': transition to unknown scene 'missing'" "$T/b.out"
"$MZ_MAZE" lint > /dev/null 2>&1
check "lint without stories exits 2" test $? -eq 2

# graph
"$MZ_MAZE" graph $FIX/cellar > "$T/g.dot"
check "graph exits 0" test $? -eq 0
check "graph start bold" has "$T/g.dot" '"stairs" [shape=box, style="rounded,bold", penwidth=2];'
check "graph ending" has "$T/g.dot" '"treasure" [shape=doubleoctagon];'
check "graph edge label" has "$T/g.dot" '"stairs" -> "cellar" [label="descend | go down the stairs"];'
if command -v dot > /dev/null; then
  check "dot reads it" sh -c "dot -Tsvg '$T/g.dot' > '$T/g.svg'"
fi
"$MZ_MAZE" graph $FIX/syntax > /dev/null 2> "$T/g.err"
check "graph of a broken story exits 1" test $? -eq 1
check "graph error names file:line" has "$T/g.err" "$FIX/syntax/story.lua:7:"

finish
