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

# Warnings: what the generator does not read. They do not fail the lint.
U=tests/stories/fixtures/unread/story.lua
"$MZ_MAZE" lint tests/stories/fixtures/unread > "$T/unread.out" 2> "$T/unread.err"
check "warnings alone exit 0" test $? -eq 0
check "unknown words, and what it draws instead" grep -qxF "$U:8: warning: scene 'gate': the generator does not know 'wrought', 'mirror'; it will draw: forest+interior 0.35 14.0h el.trees 0.90 cam drift 1.00" "$T/unread.out"
check "no setting" grep -qxF "$U:13: warning: ending 'hall': the prompt names no setting (sea, forest, city, interior...: see docs/vocabulary.md); it will draw: plain 14.0h cam drift 1.00" "$T/unread.out"
check "warnings counted" grep -qxF "tests/stories/fixtures/unread: ok, 3 warnings" "$T/unread.err"
finish
