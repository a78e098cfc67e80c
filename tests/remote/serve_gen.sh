#!/bin/sh
# `maze serve` + `maze gen --generator ws://127.0.0.1:PORT`: the frames that
# come over the network are byte-identical to the local procedural ones for
# the same prompt and seed, including a second scene that continues from the
# last frame shown (conditioning sent to the server). Then SIGTERM stops the
# server cleanly, and its log names the connection.
set -eu
maze=${MZ_MAZE:?}
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
# Leaks at exit of these processes would only name the Vulkan driver the
# loader already unloaded; tests/remote/test_remote.c leak-checks our code.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1

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

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
[ "$status" -eq 0 ] || { echo "maze serve exited $status"; cat "$tmp/serve.err"; exit 1; }
grep -q "connected" "$tmp/serve.err" || { echo "no connection logged"; cat "$tmp/serve.err"; exit 1; }
grep -q "stopped (1 connections, 2 scenes" "$tmp/serve.out" || { cat "$tmp/serve.out"; exit 1; }
echo "ok: 12 frames identical over ws://127.0.0.1:$port"
