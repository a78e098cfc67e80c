#!/bin/sh
# Issue 9 at the command line: replays across processes, --load headless,
# FIFOs, a load that runs too long under `maze lint`, the folder's fsync.
# $1: the test_story_hardening program (its `save` mode saves once).
. "$(dirname "$0")/../lib.sh"
FIX=tests/story/fixtures
HARD=$1

# The same seed and inputs give the same trace in three processes, though
# the story prints tables and functions and iterates over tables keyed by
# tables (addresses and the string hash seed change in every process).
printf 'look around\nlook again\n' > "$T/in.txt"
for i in 1 2 3; do
  "$MZ_MAZE" play $FIX/replay --headless --inputs "$T/in.txt" --seed 3 --trace "$T/r$i.jsonl" > /dev/null
done
check "replay 1 = replay 2" cmp -s "$T/r1.jsonl" "$T/r2.jsonl"
check "replay 1 = replay 3" cmp -s "$T/r1.jsonl" "$T/r3.jsonl"
check "no addresses in the trace" sh -c "! grep -q '0x' '$T/r1.jsonl'"
check "objects in the order made" has "$T/r1.jsonl" '|first second third fourth fifth|'

# --load works headless and fails clearly
cat > "$T/cellar.save" <<'SAVE'
maze-save 1
title "The Cellar"
hash 0000000000000000
seed 5
scene "cellar"
turn 3
rng 0000000000000001 0000000000000002 0000000000000003 0000000000000004
visit "cellar" 1
state {"candle"=true}
items {}
end
SAVE
printf 'open the barrel\n' > "$T/barrel.txt"
"$MZ_MAZE" play $FIX/cellar --headless --load "$T/cellar.save" --inputs "$T/barrel.txt" > "$T/load.out" 2>&1
check "--load headless exits 0" test $? -eq 0
check "--load headless starts from the save" has "$T/load.out" "the story ended at 'treasure' after 4 turns"
"$MZ_MAZE" play $FIX/cellar --headless --load "$T/missing.save" --inputs "$T/barrel.txt" > /dev/null 2> "$T/missing.err"
check "--load of a missing file exits 1" test $? -eq 1
check "--load of a missing file says so" has "$T/missing.err" "maze play: cannot load the save: cannot restore: cannot open $T/missing.save"
printf 'maze-save 1\nturn 1\n' > "$T/bad.save"
"$MZ_MAZE" play $FIX/cellar --headless --load "$T/bad.save" --inputs "$T/barrel.txt" > /dev/null 2> "$T/bad.err"
check "--load of a bad save exits 1" test $? -eq 1
check "--load of a bad save says why" has "$T/bad.err" "is incomplete"

# FIFOs are refused at once, never waited on
mkfifo "$T/fifo.save"
timeout 60 "$MZ_MAZE" play $FIX/cellar --headless --load "$T/fifo.save" --inputs "$T/barrel.txt" > /dev/null 2> "$T/fifo.err"
check "a FIFO save exits 1" test $? -eq 1
check "a FIFO save is refused" has "$T/fifo.err" "fifo.save is not a regular file"
mkdir "$T/fifostory" && mkfifo "$T/fifostory/story.lua"
timeout 60 "$MZ_MAZE" play "$T/fifostory" --headless --inputs "$T/barrel.txt" > /dev/null 2> "$T/fifostory.err"
check "a FIFO story exits 1" test $? -eq 1
check "a FIFO story is refused" has "$T/fifostory.err" "story.lua is not a regular file"

# lint of a story whose loading runs away: reported, not hung
timeout 120 "$MZ_MAZE" lint $FIX/slowload > "$T/slow.out" 2>&1
check "lint of a runaway load exits 1" test $? -eq 1
check "lint reports it" grep -qxF "$FIX/slowload/story.lua:3: the story ran too long (over 5000 ms of CPU time in one load)" "$T/slow.out"

# an ending with transitions is reported at the line of its `on`, not of
# the declaration (item 13; unknown fields: story_commands, lintme:23)
"$MZ_MAZE" lint $FIX/endingon > "$T/endingon.out" 2>&1
check "lint of an ending with transitions exits 1" test $? -eq 1
check "reported at the line of its on" grep -qxF "$FIX/endingon/story.lua:11: ending 'door' has transitions, but an ending finishes the story" "$T/endingon.out"

# --turn-limit-ms (maze play, maze test): a turn of about 90 ms of CPU time
# passes under the default 250 ms and fails at its line under 50 ms; play
# goes on after it.
printf 'search\nsearch\n' > "$T/search.in"
"$MZ_MAZE" play $FIX/busy --headless --inputs "$T/search.in" > "$T/busy.out" 2> "$T/busy.err"
check "a 90 ms turn plays under the default limit" test "$(grep -c 'Nothing here' "$T/busy.out")" -eq 2
check "... with no error" test ! -s "$T/busy.err"
"$MZ_MAZE" play $FIX/busy --headless --inputs "$T/search.in" --turn-limit-ms 50 > "$T/busy50.out" 2> "$T/busy50.err"
check "--turn-limit-ms 50: play exits 0" test $? -eq 0
check "--turn-limit-ms 50: ran too long at its line" has "$T/busy50.err" "$FIX/busy/story.lua:12: the story ran too long (over 50 ms of CPU time in one turn)"
check "--turn-limit-ms 50: the turn is rolled back" sh -c "! grep -q 'Nothing here' '$T/busy50.out'"
check "--turn-limit-ms 50: play goes on" has "$T/busy50.out" "after 2 turns"
printf 'search\n#expect reply~Nothing here\n' > "$T/search.txt"
"$MZ_MAZE" test $FIX/busy "$T/search.txt" > "$T/test.out" 2>&1
check "maze test: passes under the default limit" test $? -eq 0
"$MZ_MAZE" test $FIX/busy "$T/search.txt" --turn-limit-ms 50 > "$T/test50.out" 2>&1
check "maze test --turn-limit-ms 50: fails" test $? -eq 1
check "maze test --turn-limit-ms 50: ran too long at its line" has "$T/test50.out" "story.lua:12: the story ran too long (over 50 ms of CPU time in one turn)"
"$MZ_MAZE" play $FIX/busy --headless --inputs "$T/search.in" --turn-limit-ms 0 > /dev/null 2> "$T/limit0.err"
check "--turn-limit-ms 0 is a usage error" has "$T/limit0.err" "--turn-limit-ms: '0' is not an integer in 1..60000"

# the save's folder is fsync'd after the rename (when strace can trace here)
if command -v strace > /dev/null && strace -f -o /dev/null true 2> /dev/null; then
  mkdir "$T/saves"
  # (LeakSanitizer cannot run under ptrace)
  ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=openat,rename,fsync -o "$T/strace.txt" "$HARD" save $FIX/dice "$T/saves/game.save"
  check "save in strace" test $? -eq 0
  # after the rename: the folder opened, then that descriptor fsync'd
  awk -v dir="\"$T/saves\"" '
    /rename\(/ { renamed = 1 }
    renamed && index($0, "openat(AT_FDCWD, " dir ",") && /O_DIRECTORY/ { fd = $NF }
    fd != "" && index($0, "fsync(" fd ")") { synced = 1 }
    END { exit !synced }' "$T/strace.txt"
  check "the folder is fsync'd after the rename" test $? -eq 0
else
  echo "skip fsync check: strace cannot trace here"
fi

finish
