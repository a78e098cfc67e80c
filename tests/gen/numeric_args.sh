#!/bin/sh
# Every numeric option of every command goes through one checked parser
# (runtime/mz_args.c): NaN, infinities, out-of-range and half-numbers are
# usage errors (exit 2) naming the option, the value and the range, before
# anything is rendered or opened.
. "$(dirname "$0")/../lib.sh"

# refused CMD... -- MESSAGE: exits 2, prints MESSAGE, writes no frames.
refused() {
  msg=$1; shift
  rm -rf "$T/gen"
  "$MZ_MAZE" "$@" > "$T/out.txt" 2> "$T/err.txt"
  rc=$?
  check "$* -> exit 2" test "$rc" -eq 2
  check "$* -> says: $msg" has "$T/err.txt" "$msg"
  check "$* -> made nothing" test ! -e "$T/gen"
}
gen() { refused "$1" gen "a lighthouse" --out "$T/gen" --frames 4 --size 32x32 "$2" "$3"; }

gen "--fps: 'nan' is not a number in 1..240" --fps nan
gen "--fps: 'inf' is not a number in 1..240" --fps inf
gen "--fps: '0' is not a number in 1..240" --fps 0
gen "--fps: '-30' is not a number in 1..240" --fps -30
gen "--fps: '30x' is not a number in 1..240" --fps 30x
gen "--transition: '-1' is not a number in 0..60" --transition -1
gen "--transition: 'nan' is not a number in 0..60" --transition nan
gen "--transition: '1e9' is not a number in 0..60" --transition 1e9
gen "--then-at: '-5' is not an integer in 0..1000000" --then-at -5
gen "--then-at: '1e9' is not an integer in 0..1000000" --then-at 1e9
gen "--then-at 4 is not a frame of the 4 made" --then-at 4
gen "--seed: '-1' is not an integer in 0..9007199254740991" --seed -1
gen "--seed: '9007199254740992' is not an integer in 0..9007199254740991" --seed 9007199254740992
gen "--frames: '0' is not an integer in 1..1000000" --frames 0
refused "--fps needs a number in 1..240" gen "a lighthouse" --out "$T/gen" --fps

# The other commands share the parser, and its ranges.
refused "--fps: 'nan' is not a number in 1..240" play tests/story/fixtures/cellar --fps nan
refused "--volume: 'nan' is not a number in 0..1" play tests/story/fixtures/cellar --volume nan
refused "--volume: '1.5' is not a number in 0..1" play tests/story/fixtures/cellar --volume 1.5
refused "--seed: '-1' is not an integer in 0..9007199254740991" play tests/story/fixtures/cellar --seed -1
refused "--frames-per-turn: '-2' is not an integer in 0..100000" play tests/story/fixtures/cellar \
  --frames-per-turn -2
refused "--port: '70000' is not an integer in 0..65535" serve --port 70000
refused "--max-clients: '0' is not an integer in 1..1024" serve --max-clients 0
refused "--changes: '0' is not an integer in 1..1000000" bench --changes 0
refused "--frames: '-1' is not an integer in 0..100000000" bench --frames -1
refused "--random: '-3' is not an integer in 0..1000000" test tests/story/fixtures/cellar --random -3
refused "--max-turns: 'nan' is not an integer in 0..1000000" test tests/story/fixtures/cellar \
  --max-turns nan

# In range, the same parser takes the value (the help shows the range).
"$MZ_MAZE" gen --help > "$T/help.txt"
check "gen --help shows the --fps range" has "$T/help.txt" "frames per second of scene time, 1..240"
finish
