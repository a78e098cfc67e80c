#!/bin/sh
# `maze play --headless --record`: the generator renders every turn, frames are
# written, and the trace times each new scene's first frame. Also `maze gen`.
. "$(dirname "$0")/../lib.sh"

printf 'descend\nmake it rain\nopen barrel\n' > "$T/in.txt"
"$MZ_MAZE" play tests/story/fixtures/cellar --headless --inputs "$T/in.txt" --record "$T/rec" \
  --size 160x90 --frames-per-turn 6 --trace "$T/t.jsonl" > "$T/out.txt" 2> "$T/err.txt"
check "play with a generator exits 0" test $? -eq 0
check "4 turns x 6 frames recorded" test "$(ls "$T/rec" | wc -l)" -eq 24
check "transcript says so" has "$T/out.txt" "24 frames recorded in $T/rec/"
check "no validation errors" test ! -s "$T/err.txt"
check "frames are PNGs" sh -c "head -c 8 '$T/rec/frame_000023.png' | od -c | grep -q 'P   N   G'"
# every turn changes the picture here (a modifier changes the prompt), so each has a time
check "first_frame_ms on every turn" test "$(grep -c '"first_frame_ms":[0-9]' "$T/t.jsonl")" -eq 4
check "one trace line per turn" test "$(wc -l < "$T/t.jsonl")" -eq 4

"$MZ_MAZE" gen "a lighthouse at night, fog" --frames 4 --size 64x36 --then "a city at noon" \
  --then-at 2 --out "$T/gen" --y4m > "$T/gen.txt" 2>&1
check "gen exits 0" test $? -eq 0
check "gen wrote frames" test -f "$T/gen/frame_00003.png"
check "gen wrote y4m" test "$(wc -c < "$T/gen/gen.y4m")" -eq $((47 + 4 * (6 + 64 * 36 * 3 / 2)))
check "gen reports no validation errors" has "$T/gen.txt" "validation errors 0"
"$MZ_MAZE" gen > /dev/null 2>&1
check "gen without a prompt exits 2" test $? -eq 2
finish
