#!/usr/bin/env bash
# Every sample story passes `maze lint` (exit 0), and `maze graph` writes a
# Graphviz digraph that names every scene and ending the story declares.
set -uo pipefail
maze=${MZ_MAZE:?MZ_MAZE must name the maze binary}
root=${MZ_SOURCE_DIR:-.}/stories
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0 count=0
fail() { echo "FAIL: $*"; failed=1; }

for story in "$root"/*/story.lua; do
  dir=$(dirname "$story")
  name=$(basename "$dir")
  count=$((count + 1))
  if ! "$maze" lint "$dir" >"$tmp/lint" 2>&1; then
    fail "maze lint $name:"; cat "$tmp/lint"
  fi
  if ! "$maze" graph "$dir" >"$tmp/$name.dot" 2>"$tmp/graph.err"; then
    fail "maze graph $name:"; cat "$tmp/graph.err"
    continue
  fi
  grep -q '^[[:space:]]*digraph' "$tmp/$name.dot" || fail "maze graph $name: not a digraph"
  grep -q '}[[:space:]]*$' "$tmp/$name.dot" || fail "maze graph $name: no closing brace"
  ids=$(sed -nE 's/^[[:space:]]*(scene|ending)[[:space:]]*\(?[[:space:]]*"([^"]+)".*/\2/p' "$dir"/*.lua)
  [ -n "$ids" ] || fail "$name: no scenes found"
  for id in $ids; do
    grep -qw -- "$id" "$tmp/$name.dot" || fail "maze graph $name: scene $id missing"
  done
  echo "ok   $name: lint clean, graph has $(echo "$ids" | wc -w) scenes"
done
[ "$count" -ge 2 ] || fail "found $count stories under $root"
exit $failed
