#!/usr/bin/env bash
# `maze test`: walkthroughs pass and fail with file:line, the exit status,
# --junit, --coverage (100 % of the sample stories' transitions), --random
# and --html, on the sample stories and on fixtures broken on purpose.
. "$(dirname "$0")/../lib.sh"
FIX=tests/stories/fixtures

# The sample stories: every walkthrough passes and coverage reaches every
# scene, ending and transition.
"$MZ_MAZE" test stories/* --coverage > "$T/samples.out" 2>&1
check "sample stories: maze test --coverage exits 0" test $? -eq 0
cat "$T/samples.out" | grep -E '^(coverage|  scenes|[0-9]+ walkthrough)'
check "cellar: 100 % of transitions" grep -qE '^  scenes 5/5, endings 2/2, transitions ([0-9]+)/\1 \(100.0 %\)$' "$T/samples.out"
check "lighthouse: 100 % of transitions" grep -qE '^  scenes 23/23, endings 5/5, transitions ([0-9]+)/\1 \(100.0 %\)$' "$T/samples.out"
check "no FAIL line" sh -c "! grep -q '^FAIL' '$T/samples.out'"

# A walkthrough that is wrong on purpose: FAIL, each #expect at its line.
"$MZ_MAZE" test stories/cellar $FIX/wrong.txt --junit "$T/junit.xml" > "$T/wrong.out" 2>&1
check "failed walkthrough exits 1" test $? -eq 1
check "FAIL names the file" grep -qxF "FAIL $FIX/wrong.txt" "$T/wrong.out"
check "failed #expect at its file:line" grep -qxF "  $FIX/wrong.txt:6: expected scene=garden, scene is cellar (after \"follow the cat\")" "$T/wrong.out"
check "input after the ending at its line" grep -qxF "  $FIX/wrong.txt:15: input after the ending treasure" "$T/wrong.out"
check "the others pass" grep -qxF "PASS stories/cellar/walkthroughs/garden.txt (10 inputs, 16 expectations, ending garden)" "$T/wrong.out"
check "summary" grep -qxF "3 walkthroughs in 1 story: 2 passed, 1 failed" "$T/wrong.out"
check "junit: one failure of three" has "$T/junit.xml" '<testsuite name="stories/cellar" tests="3" failures="1">'
check "junit: the failure's first line" has "$T/junit.xml" "<failure message=\"$FIX/wrong.txt:4: expected scene=cellar, scene is stairs (after the beginning)\">"
if command -v python3 > /dev/null; then
  check "junit is XML" python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); assert len(r.findall(".//failure")) == 1' "$T/junit.xml"
fi

# A story with holes: coverage and random play find each, at file:line.
"$MZ_MAZE" test $FIX/holes --coverage --random 40 --seed 3 --html "$T/holes.html" > "$T/holes.out" 2>&1
check "holes exit 1" test $? -eq 1
cat "$T/holes.out"
H=$FIX/holes/story.lua
check "coverage: condition never true" grep -qxF "  $H:15: scene 'hall': transition 'open the blue door' never taken" "$T/holes.out"
check "coverage: scene never reached" grep -qxF "  $H:22: scene 'vault' never reached" "$T/holes.out"
check "coverage: undeclared field at run time" grep -qxF "  error (1 time): $H:11: scene 'hall': the state field 'sung' is not declared in story { vars = ... }, but the story wrote it here" "$T/holes.out"
check "coverage: the error" grep -qF "$H:16: attempt to index a nil value (local 't')" "$T/holes.out"
check "random: turns per second" grep -qE '^random playthroughs of .*: 40 runs \(seeds 3\.\.42\), [0-9]+ turns in [0-9.]+ s \([0-9]+ turns/s, no rendering\)$' "$T/holes.out"
check "random: endings counted" grep -qE '^  endings: street [0-9]+, none \(turn limit\) [0-9]+$' "$T/holes.out"
check "random: turn spread" grep -qE '^  turns per playthrough: min [0-9]+, p50 [0-9]+, p95 [0-9]+, max 200$' "$T/holes.out"
check "random: visits" grep -qE '^  visits: hall 40, vault 0, loop [0-9]+, loop2 [0-9]+, street [0-9]+$' "$T/holes.out"
check "random: stuck viewers" grep -qE '^  stuck viewers \(3 unmatched lines in a row\):.* loop [0-9]+(, [a-z0-9]+ [0-9]+)*$' "$T/holes.out"
check "random: the loop never left" grep -qxF "  $H:27: loop never left: playthroughs went round scene 'loop' until the turn limit" "$T/holes.out"
check "random: dead end" grep -qxF "  $H:32: dead end: no playthrough reached an ending after scene 'loop2'" "$T/holes.out"
check "random: errors with file:line" grep -qE "^  error \([0-9]+ times\): $H:16: attempt to index" "$T/holes.out"
check "html: an svg" has "$T/holes.html" "<svg"
check "html: unreached in red" has "$T/holes.html" 'fill="red">vault</text>'
# Seeded: a second run reports the same.
"$MZ_MAZE" test $FIX/holes --random 40 --seed 3 | grep -v turns/s > "$T/r1"
"$MZ_MAZE" test $FIX/holes --random 40 --seed 3 | grep -v turns/s > "$T/r2"
check "random play replays from its seed" cmp -s "$T/r1" "$T/r2"

# Usage
"$MZ_MAZE" test > /dev/null 2>&1
check "no story exits 2" test $? -eq 2
"$MZ_MAZE" test stories/cellar --html "$T/x.html" > /dev/null 2>&1
check "--html alone exits 2" test $? -eq 2
"$MZ_MAZE" test --help | grep -q -- "--coverage"
check "--help lists --coverage" test $? -eq 0
finish
