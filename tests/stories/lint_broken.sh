#!/usr/bin/env bash
# Stories broken on purpose (tests/stories/broken/*): each names what
# `maze lint` must say in its own first lines, as `-- lint: LINE: message`.
# Lint must report exactly those problems, each at that file:line, and exit 1.
. "$(dirname "$0")/../lib.sh"
count=0
for dir in tests/stories/broken/*/; do
  dir=${dir%/}
  story=$(basename "$dir")
  count=$((count + 1))
  sed -n 's/^-- lint: \([0-9]*\): \(.*\)$/'"${dir//\//\\/}"'\/story.lua:\1: \2/p' "$dir/story.lua" > "$T/$story.want"
  "$MZ_MAZE" lint "$dir" > "$T/$story.got" 2> /dev/null
  check "$story: lint exits 1" test $? -eq 1
  check "$story: expects something" test -s "$T/$story.want"
  if ! check "$story: exactly the problems named, at their lines" cmp -s "$T/$story.want" "$T/$story.got"; then
    diff "$T/$story.want" "$T/$story.got"
  fi
done
check "found the broken stories" test "$count" -ge 7
finish
