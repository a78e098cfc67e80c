#!/usr/bin/env bash
# Turn latency with one language loaded against three (issue 17): runs
# build/tools/bench_story (a generated 10,000-scene story, 20,000 turns)
# ROUNDS times each way, interleaved so a changing machine load falls on
# both, and prints the median over rounds of each run's p50 and p99 (and
# of its load's CPU time and peak RSS); then
# the size of the sample story's per-language files. Run from the source
# folder: tools/bench_story_langs.sh [ROUNDS] (default 9).
set -euo pipefail
rounds=${1:-9}
bench=${MZ_BENCH_STORY:-build/tools/bench_story}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for r in $(seq "$rounds"); do
  for way in "1 en" "3 en" "3 fr"; do
    set -- $way
    play=$2
    [ "$1" = 1 ] && play= # one language: the story declares none
    "$bench" 10000 20000 "$1" $play 2>&1 |
      awk -v way="$1 languages, played in $2" '
        /^  load:/ { cpu = $4; sub(/\(/, "", cpu) }
        /VmHWM/ { hwm = $2 }
        /turn latency/ {
          for (i = 1; i <= NF; i++) { if ($i == "p50") p50 = $(i + 1); if ($i == "p99") p99 = $(i + 1) } }
        END { print way "\t" p50 "\t" p99 "\t" cpu "\t" hwm }' >>"$out"
  done
done
echo "bench_story 10000 scenes, 20000 turns, $rounds rounds each; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
# median of column c for one way
median() { awk -F'\t' -v w="$1" -v c="$2" '$1 == w { print $c }' "$out" | sort -g |
  awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
base=$(median "1 languages, played in en" 2)
for way in "1 languages, played in en" "3 languages, played in en" "3 languages, played in fr"; do
  p50=$(median "$way" 2)
  printf '%-28s turn p50 %6.2f us (%+.1f %% of one language), p99 %6.2f us; load %4.0f ms of CPU, peak RSS %3.0f MiB\n' \
    "$way" "$p50" "$(awk -v a="$p50" -v b="$base" 'BEGIN { print 100 * (a - b) / b }')" \
    "$(median "$way" 3)" "$(median "$way" 4)" "$(awk -v k="$(median "$way" 5)" 'BEGIN { print k / 1024 }')"
done
echo "stories/lighthouse per-language files:"
for f in stories/lighthouse/lang/*.lua stories/lighthouse/story.lua; do
  printf '  %-34s %6d bytes, %5d gzipped\n' "$f" "$(wc -c <"$f")" "$(gzip -9c "$f" | wc -c)"
done
