#!/usr/bin/env bash
# tools/fuzz.sh [SECONDS] [TARGET...] — fuzz the parsers that read untrusted
# input (tests/fuzz: proto, frame, save, text, decode), SECONDS each (default 600).
#
# Builds the libFuzzer targets with clang and ASan/UBSan in build-fuzz/, and
# runs each from its committed seed corpus (tests/fuzz/corpus/NAME), with
# tests/fuzz/NAME.dict where there is one (the format's words). Inputs
# that reach new code go to build-fuzz/corpus/NAME, not into the repository;
# a crash, leak, timeout or broken invariant leaves its input in
# build-fuzz/findings/NAME/ and makes the run fail. To keep a finding as a
# regression test, fix it and copy the input into tests/fuzz/corpus/NAME/.
# `tools/dev test` runs this for a short time; run it longer by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(proto frame save text decode)
case $seconds in '' | *[!0-9]*) echo "usage: tools/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;; esac

say() { printf '\033[1mfuzz:\033[0m %s\n' "$*" >&2; }

CC=clang cmake -S . -B build-fuzz -DMZ_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "$(nproc 2>/dev/null || echo 2)" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
failed=()
for t in "${targets[@]}"; do
  work=build-fuzz/corpus/$t findings=build-fuzz/findings/$t log=build-fuzz/fuzz_$t.log
  mkdir -p "$work" "$findings"
  say "$t: ${seconds} s from tests/fuzz/corpus/$t"
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  # -timeout: one input taking 10 s is a finding (a hang), not patience.
  if ./build-fuzz/tests/fuzz/fuzz_"$t" "$work" "tests/fuzz/corpus/$t" -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$findings/" \
    -print_final_stats=1 "${dict[@]}" >"$log" 2>&1; then
    # The last status line: executions, coverage, corpus size.
    say "$t: $(grep -E '^#[0-9]+' "$log" | tail -1 | tr -s ' ')"
    say "$t: $(grep -E 'stat::(number_of_executed_units|average_exec_per_sec)' "$log" | tr -s ' ' | paste -sd ' ')"
  else
    failed+=("$t")
    say "$t: FAILED; the end of $log:"
    tail -40 "$log" >&2
    say "$t: the input is in $findings/"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  say "findings in: ${failed[*]}"
  exit 1
fi
say "no findings (${targets[*]}, ${seconds} s each)"
