#!/bin/sh
# `maze verify`: a recording's manifest (hashes + how to make it again)
# passes untouched, and fails on a one-byte change and on a frame from
# another seed even when the forger also rewrites that frame's hash; and a
# walkthrough whose turns change the scene replays exactly.
. "$(dirname "$0")/../lib.sh"

printf 'sing a song\nwhistle\n' > "$T/in.txt"
rec() { "$MZ_MAZE" play tests/story/fixtures/cellar --headless --inputs "$T/in.txt" \
  --size 96x54 --frames-per-turn 3 --record "$@" > /dev/null 2>&1; }
rec "$T/a" --seed 1
rec "$T/b" --seed 2
check "the recording has a manifest" test -f "$T/a/manifest.json"
check "it holds the inputs, the story's hash, a DigitalSourceType" sh -c "
  grep -q '\"whistle\"' '$T/a/manifest.json' &&
  grep -Eq '\"value\":[[:space:]]*\"[0-9a-f]{64}\"' '$T/a/manifest.json' &&
  grep -q 'digitalsourcetype/algorithmicMedia' '$T/a/manifest.json'"

"$MZ_MAZE" verify "$T/a" > "$T/ok.txt" 2>&1
check "untouched: verify exits 0" test $? -eq 0
check "untouched: 9 frames re-rendered and identical" has "$T/ok.txt" "ok   9 of 9 frames match the re-render exactly"
grep -q '^maze verify: verified' "$T/ok.txt" || cat "$T/ok.txt"

cp -r "$T/a" "$T/byte"
printf '\001' | dd of="$T/byte/frame_000004.png" bs=1 seek=2000 conv=notrunc 2> /dev/null
"$MZ_MAZE" verify "$T/byte" > "$T/byte.txt" 2>&1
check "one byte changed: verify exits 1" test $? -eq 1
check "one byte changed: the file is named" has "$T/byte.txt" "FAIL frame_000004.png: changed"

cp -r "$T/a" "$T/swap"
cp "$T/b/frame_000004.png" "$T/swap/frame_000004.png"
old=$(sha256sum "$T/a/frame_000004.png" | cut -c1-64)
new=$(sha256sum "$T/b/frame_000004.png" | cut -c1-64)
sed -i "s/$old/$new/" "$T/swap/manifest.json"
"$MZ_MAZE" verify "$T/swap" > "$T/swap.txt" 2>&1
check "swapped frame with a forged hash: verify exits 1" test $? -eq 1
check "swapped frame: the hashes pass" has "$T/swap.txt" "ok   9 of 9 files as the manifest hashed them"
check "swapped frame: the pixels do not" has "$T/swap.txt" "FAIL frame_000004.png:"

# Nine scene changes and a prompt change, 3 frames a turn. A new scene
# continues from the frame shown, whatever the generator drew ahead of it;
# here the recording also encodes a video, so its consumer is slower and the
# generator runs further ahead than in verify's re-render (continuing from
# the newest frame drawn made most of these frames differ, nearly always).
printf 'descend\ngo up\ndescend\nblow out candle\ngo up\ndescend\ngo up\ndescend\ngo up\ndescend\n' \
  > "$T/walk.txt"
"$MZ_MAZE" play tests/story/fixtures/cellar --headless --inputs "$T/walk.txt" --size 96x54 \
  --frames-per-turn 3 --record "$T/walk" --video "$T/walk.mp4" > "$T/walk_out.txt" 2>&1
check "the walkthrough changed the scene 9 times" test "$(grep -c '^\[[0-9]*\] ' "$T/walk_out.txt")" -eq 10
"$MZ_MAZE" verify "$T/walk" > "$T/walk_ok.txt" 2>&1
check "scene changes: verify exits 0" test $? -eq 0
check "scene changes: 33 frames identical to the re-render" has "$T/walk_ok.txt" \
  "ok   33 of 33 frames match the re-render exactly"
grep -q '^maze verify: verified' "$T/walk_ok.txt" || cat "$T/walk_ok.txt"

"$MZ_MAZE" gen "a lighthouse at dusk" --frames 3 --size 64x36 --y4m --out "$T/gen" > /dev/null 2>&1
"$MZ_MAZE" verify "$T/gen" > "$T/gen.txt" 2>&1
check "maze gen's recording verifies" test $? -eq 0
check "gen: frames and the y4m hashed" has "$T/gen.txt" "ok   4 of 4 files as the manifest hashed them"

# How the generator drew is part of the replay: all pixels (--quality
# reference; auto draws a 352x198 frame smaller on lavapipe), or the fraction
# MZ_GEN_SCALE asked for, whatever the verifier's own environment says.
"$MZ_MAZE" gen "a lighthouse at dusk" --frames 2 --size 352x198 --quality reference \
  --out "$T/ref" > /dev/null 2>&1
MZ_GEN_SCALE=0.5 "$MZ_MAZE" verify "$T/ref" > "$T/ref.txt" 2>&1
check "gen --quality reference verifies (verifier with MZ_GEN_SCALE=0.5)" \
  has "$T/ref.txt" "ok   2 of 2 frames match the re-render exactly"
MZ_GEN_SCALE=0.5 "$MZ_MAZE" play tests/story/fixtures/cellar --headless --inputs "$T/in.txt" \
  --size 96x54 --frames-per-turn 2 --record "$T/half" > /dev/null 2>&1
"$MZ_MAZE" verify "$T/half" > "$T/half.txt" 2>&1
check "a recording drawn at MZ_GEN_SCALE=0.5 verifies without it" \
  has "$T/half.txt" "ok   6 of 6 frames match the re-render exactly"

"$MZ_MAZE" verify "$T/nothing" > "$T/none.txt" 2>&1
check "no manifest: exit 1 and says so" sh -c "test $? -eq 1 && grep -q 'cannot read it' '$T/none.txt'"
finish
