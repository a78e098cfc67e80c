#!/bin/sh
# `maze serve` + `maze gen --generator ws://127.0.0.1:PORT`: the frames that
# come over the network are byte-identical to the local procedural ones for
# the same prompt and seed, including a second scene that continues from the
# last frame shown (conditioning sent to the server). `maze play --headless
# --generator ws://...` plays a story through the server: the first scene is
# byte-identical, later ones within a few pixels (the procedural generator
# carries its world clock from the last frame it rendered, and a server
# renders further ahead than a local generator). Then SIGTERM stops the
# server cleanly, and its log names the connections.
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

run() {
  name=$1
  shift
  "$maze" gen "a lighthouse on a cliff above the sea at dusk" --seed 4 --frames 12 \
    --size 160x96 --then "a dark forest in the rain" --then-at 6 --out "$tmp/$name" "$@" \
    >"$tmp/$name.log" 2>&1 || { cat "$tmp/$name.log"; exit 1; }
}
run local
run remote --generator "ws://127.0.0.1:$port"
if grep -q "falling back" "$tmp/remote.log"; then
  echo "the remote generator fell back:"; cat "$tmp/remote.log"; exit 1
fi
n=0
for f in "$tmp"/local/frame_*.png; do
  cmp -s "$f" "$tmp/remote/$(basename "$f")" || { echo "$(basename "$f") differs"; exit 1; }
  n=$((n + 1))
done
[ "$n" -eq 12 ] || { echo "$n frames"; exit 1; }

printf 'descend\nmake it rain\nopen barrel\n' >"$tmp/in.txt"
play() {
  name=$1
  shift
  "$maze" play tests/story/fixtures/cellar --headless --inputs "$tmp/in.txt" --size 160x96 \
    --frames-per-turn 6 --record "$tmp/$name" "$@" >"$tmp/$name.log" 2>&1 ||
    { cat "$tmp/$name.log"; exit 1; }
}
play play_local
play play_remote --generator "ws://127.0.0.1:$port"
[ "$(ls "$tmp/play_remote" | wc -l)" -eq 24 ] || { echo "remote play recorded $(ls "$tmp/play_remote" | wc -l) frames"; exit 1; }
if grep -q "falling back" "$tmp/play_remote.log"; then
  echo "the remote play fell back:"; cat "$tmp/play_remote.log"; exit 1
fi
for i in 0 1 2 3 4 5 6; do # the first scene, and the next one starting from its last frame
  f=$(printf 'frame_%06d.png' "$i")
  cmp -s "$tmp/play_local/$f" "$tmp/play_remote/$f" || { echo "play: $f differs"; exit 1; }
done
for f in "$tmp"/play_local/frame_*.png; do # mean absolute error under 1 %
  mae=$(compare -metric MAE "$f" "$tmp/play_remote/$(basename "$f")" null: 2>&1 || true)
  mae=${mae#*(}
  awk -v e="${mae%)*}" 'BEGIN { exit !(e < 0.01) }' ||
    { echo "play: $(basename "$f"): mean absolute error $mae"; exit 1; }
done

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
[ "$status" -eq 0 ] || { echo "maze serve exited $status"; cat "$tmp/serve.err"; exit 1; }
grep -q "connected" "$tmp/serve.err" || { echo "no connection logged"; cat "$tmp/serve.err"; exit 1; }
grep -q "stopped (2 connections, 6 scenes" "$tmp/serve.out" || { cat "$tmp/serve.out"; exit 1; }
echo "ok: maze gen identical, maze play --headless matches over ws://127.0.0.1:$port"
