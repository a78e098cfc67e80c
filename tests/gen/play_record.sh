#!/bin/sh
# `maze play --headless --record`: the generator renders every turn, frames are
# written, and the trace times each new scene's first frame. Also `maze gen`.
. "$(dirname "$0")/../lib.sh"

printf 'descend\nmake it rain\nopen barrel\n' > "$T/in.txt"
"$MZ_MAZE" play tests/story/fixtures/cellar --headless --inputs "$T/in.txt" --record "$T/rec" \
  --size 160x90 --frames-per-turn 6 --trace "$T/t.jsonl" > "$T/out.txt" 2> "$T/err.txt"
check "play with a generator exits 0" test $? -eq 0
check "4 turns x 6 frames recorded" test "$(ls "$T/rec" | grep -c '^frame_.*\.png$')" -eq 24
check "transcript says so" has "$T/out.txt" "24 frames recorded in $T/rec/"
check "no validation errors" test ! -s "$T/err.txt"
check "frames are PNGs" sh -c "head -c 8 '$T/rec/frame_000023.png' | od -c | grep -q 'P   N   G'"
# provenance inside every PNG, as exiftool (what platforms and archivists use) reads it
exiftool -s -DigitalSourceType -Prompt -Seed -Story -Scene -Turn -Software "$T/rec/frame_000023.png" > "$T/exif.txt"
check "record: DigitalSourceType algorithmicMedia" has "$T/exif.txt" \
  "DigitalSourceType               : http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia"
check "record: the prompt" grep -q '^Prompt  *: dim oil painting.*make it rain\|^Prompt  *: dim oil painting' "$T/exif.txt"
check "record: the seed" grep -Eq '^Seed  *: [0-9]+$' "$T/exif.txt"
check "record: the story and turn" sh -c "grep -q '^Story  *: cellar$' '$T/exif.txt' && grep -q '^Turn  *: 3$' '$T/exif.txt'"
# every turn changes the picture here (a modifier changes the prompt), so each has a time
check "first_frame_ms on every turn" test "$(grep -c '"first_frame_ms":[0-9]' "$T/t.jsonl")" -eq 4
check "one trace line per turn" test "$(wc -l < "$T/t.jsonl")" -eq 4

"$MZ_MAZE" gen "a lighthouse at night, fog" --frames 4 --size 64x36 --then "a city at noon" \
  --then-at 2 --seed 7 --out "$T/gen" --y4m > "$T/gen.txt" 2>&1
check "gen exits 0" test $? -eq 0
check "gen wrote frames" test -f "$T/gen/frame_00003.png"
check "gen wrote y4m" test "$(wc -c < "$T/gen/gen.y4m")" -eq $((47 + 4 * (6 + 64 * 36 * 3 / 2)))
check "gen reports no validation errors" has "$T/gen.txt" "validation errors 0"
exiftool -s -DigitalSourceType -Prompt -Seed "$T/gen/frame_00000.png" "$T/gen/frame_00003.png" > "$T/gexif.txt"
check "gen: DigitalSourceType in each PNG" test "$(grep -c 'digitalsourcetype/algorithmicMedia$' "$T/gexif.txt")" -eq 2
check "gen: each frame's own prompt" sh -c "grep -q '^Prompt  *: a lighthouse at night, fog$' '$T/gexif.txt' && grep -q '^Prompt  *: a city at noon$' '$T/gexif.txt'"
check "gen: the seed" grep -q '^Seed  *: 7$' "$T/gexif.txt"
"$MZ_MAZE" gen "a lighthouse at night, fog" --frames 1 --size 64x36 --out "$T/bare" --no-metadata > /dev/null 2>&1
check "--no-metadata: no provenance" sh -c "! exiftool -s -Prompt -DigitalSourceType -Seed '$T/bare/frame_00000.png' | grep -q ."
"$MZ_MAZE" gen > /dev/null 2>&1
check "gen without a prompt exits 2" test $? -eq 2
finish
