#!/bin/sh
# `maze serve` + `maze gen --generator ws://127.0.0.1:PORT` and `maze play
# --headless --generator ws://...` (a story through the server): the frames
# that come over the network match the local procedural ones for the same
# prompt and seed. The first scene is byte-identical; the next scene's
# frames (dissolving from the last frame shown, sent as conditioning) are
# within 1 % (a local generator continues from the state of the frame
# shown; the server's cannot tell which of its frames the conditioning image
# was, as the protocol sends it as the new scene's frame, so it carries its
# world clock on from the last frame it rendered, which runs ahead by an
# amount that depends on timing). Then SIGTERM stops
# the server cleanly, and its log names the connections.
set -eu
maze=${MZ_MAZE:?}
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
# Frames are compared, so the fallback must not stand in: a slow (ASan)
# server may take seconds for its first rendered frame. test_remote.c tests
# the deadline itself.
export MZ_GEN_DEADLINE=20

"$maze" serve --port 0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
for _ in $(seq 200); do grep -q listening "$tmp/serve.out" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's|.*ws://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$tmp/serve.out")
[ -n "$port" ] || { echo "maze serve did not start"; cat "$tmp/serve.err"; exit 1; }

# match LOCAL REMOTE COUNT EXACT: COUNT frames each; the first EXACT frames
# (the first scene) identical, the rest within 1 % mean absolute error.
# (Recorded --no-metadata: the PNGs' provenance names different generators.)
frames() { ls "$1" | grep -c '^frame_.*\.png$'; }
match() {
  n=$(frames "$1")
  [ "$n" -eq "$3" ] && [ "$(frames "$2")" -eq "$3" ] || { echo "$1: $n frames"; exit 1; }
  i=0
  for f in "$1"/frame_*.png; do
    g="$2/$(basename "$f")"
    if [ "$i" -lt "$4" ]; then
      cmp -s "$f" "$g" || { echo "$g differs"; exit 1; }
    else
      mae=$(compare -metric MAE "$f" "$g" null: 2>&1 || true)
      mae=${mae#*(}
      awk -v e="${mae%)*}" 'BEGIN { exit !(e < 0.01) }' ||
        { echo "$g: mean absolute error $mae"; exit 1; }
    fi
    i=$((i + 1))
  done
}
no_fallback() {
  if grep -q "falling back" "$1"; then echo "$1 fell back:"; cat "$1"; exit 1; fi
}

gen() {
  name=$1
  shift
  "$maze" gen "a lighthouse on a cliff above the sea at dusk" --seed 4 --frames 12 \
    --size 160x96 --then "a dark forest in the rain" --then-at 6 --out "$tmp/$name" --no-metadata "$@" \
    >"$tmp/$name.log" 2>&1 || { cat "$tmp/$name.log"; exit 1; }
}
gen gen_local
gen gen_remote --generator "ws://127.0.0.1:$port"
no_fallback "$tmp/gen_remote.log"
match "$tmp/gen_local" "$tmp/gen_remote" 12 6

printf 'descend\nmake it rain\nopen barrel\n' >"$tmp/in.txt"
play() { # play NAME STORY INPUTS FRAMES-PER-TURN [options]
  name=$1 story=$2 inputs=$3 per_turn=$4
  shift 4
  "$maze" play "$story" --headless --inputs "$inputs" --size 160x96 \
    --frames-per-turn "$per_turn" --record "$tmp/$name" --no-metadata "$@" >"$tmp/$name.log" 2>&1 ||
    { cat "$tmp/$name.log"; exit 1; }
}
play cellar_local tests/story/fixtures/cellar "$tmp/in.txt" 6
play cellar_remote tests/story/fixtures/cellar "$tmp/in.txt" 6 --generator "ws://127.0.0.1:$port"
no_fallback "$tmp/cellar_remote.log"
match "$tmp/cellar_local" "$tmp/cellar_remote" 24 6
# The sample story, its demo inputs, through the server.
play sample_local stories/lighthouse stories/lighthouse/demo.txt 4
play sample_remote stories/lighthouse stories/lighthouse/demo.txt 4 \
  --generator "ws://127.0.0.1:$port"
no_fallback "$tmp/sample_remote.log"
grep -q "the story ended" "$tmp/sample_remote.log" || { cat "$tmp/sample_remote.log"; exit 1; }
match "$tmp/sample_local" "$tmp/sample_remote" "$(frames "$tmp/sample_local")" 4
# A remote frame's provenance names the server and what it says renders
# (its welcome), and calls the picture trainedAlgorithmicMedia.
"$maze" gen "a lighthouse" --frames 1 --size 64x36 --out "$tmp/prov" \
  --generator "ws://127.0.0.1:$port" >"$tmp/prov.log" 2>&1 || { cat "$tmp/prov.log"; exit 1; }
exiftool -s3 -Generator -DigitalSourceType "$tmp/prov/frame_00000.png" >"$tmp/prov.txt"
grep -q '^remote: maze serve [0-9.]*, backend procedural (maze ' "$tmp/prov.txt" &&
  grep -q 'digitalsourcetype/trainedAlgorithmicMedia$' "$tmp/prov.txt" ||
  { echo "a remote frame's provenance:"; cat "$tmp/prov.txt"; exit 1; }

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
[ "$status" -eq 0 ] || { echo "maze serve exited $status"; cat "$tmp/serve.err"; exit 1; }
grep -q "connected" "$tmp/serve.err" || { echo "no connection logged"; cat "$tmp/serve.err"; exit 1; }
grep -q "stopped (4 connections" "$tmp/serve.out" || { cat "$tmp/serve.out"; exit 1; }
# The clients' generators take the server's --quality (and MZ_GEN_SCALE):
# a reference server's frames are the local reference frames, not auto's.
"$maze" serve --port 0 --quality reference >"$tmp/ref.out" 2>"$tmp/ref.err" &
pid=$!
for _ in $(seq 200); do grep -q listening "$tmp/ref.out" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's|.*ws://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$tmp/ref.out")
[ -n "$port" ] || { echo "maze serve --quality reference did not start"; cat "$tmp/ref.err"; exit 1; }
one() { # one NAME [options]: one scene, 3 frames
  name=$1
  shift
  "$maze" gen "a lighthouse on a cliff above the sea at dusk" --seed 4 --frames 3 --size 320x192 \
    --out "$tmp/$name" --no-metadata "$@" >"$tmp/$name.log" 2>&1 || { cat "$tmp/$name.log"; exit 1; }
}
one ref_local --quality reference
one auto_local
one ref_remote --generator "ws://127.0.0.1:$port"
no_fallback "$tmp/ref_remote.log"
match "$tmp/ref_local" "$tmp/ref_remote" 3 3
! cmp -s "$tmp/auto_local/frame_000002.png" "$tmp/ref_remote/frame_000002.png" ||
  { echo "the reference server drew what auto quality draws"; exit 1; }
kill -TERM "$pid"
wait "$pid" || true
pid=
echo "ok: maze gen and maze play --headless match over ws://127.0.0.1:$port"
