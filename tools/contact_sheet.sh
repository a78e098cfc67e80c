#!/usr/bin/env bash
# tools/contact_sheet.sh OUT.png [BEFORE_MAZE] — every scene of the sample stories as the
# embedded generator draws it one second in, in a labelled grid. Each scene's prompt is the
# first one its story's walkthroughs reach. With BEFORE_MAZE (the maze binary of an older
# build), every scene is shown twice, before | after, to see what a change did.
# MZ_MAZE picks the "after" binary (build/maze); MZ_SHEET_SIZE the tile size (256x144).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: tools/contact_sheet.sh OUT.png [BEFORE_MAZE]}
before=${2:-}
maze=${MZ_MAZE:-build/maze}
tile=${MZ_SHEET_SIZE:-256x144}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/share/vulkan/icd.d/lvp_icd.x86_64.json}
export ALSOFT_DRIVERS=${ALSOFT_DRIVERS:-null}

# story<TAB>scene<TAB>prompt, the first prompt of each scene, in the order first reached.
for story in stories/*/; do
  name=$(basename "$story")
  for walk in "$story"walkthroughs/*.txt; do
    grep -v '^\s*\(#\|$\)' "$walk" > "$work/inputs" || true
    "$maze" play "$story" --headless --inputs "$work/inputs" --trace "$work/trace" \
      --frames-per-turn 1 --size 64x36 >/dev/null 2>&1 || true
    python3 -c '
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    if t.get("scene_changed") and t.get("prompt"):
        print(sys.argv[2] + "\t" + t["scene"] + "\t" + t["prompt"].replace("\t", " "))
' "$work/trace" "$name"
  done
done | awk -F'\t' '!seen[$1 FS $2]++' > "$work/scenes"

render() { # MAZE PROMPT PNG
  "$1" gen "$2" --frames 31 --size "$tile" --out "$work/gen" >/dev/null
  cp "$work/gen/frame_00030.png" "$3"
}
tiles=()
n=0
while IFS=$'\t' read -r story scene prompt; do
  n=$((n + 1))
  if [ -n "$before" ]; then
    render "$before" "$prompt" "$work/$n-a.png"
    tiles+=(-label "$story/$scene: before" "$work/$n-a.png")
  fi
  render "$maze" "$prompt" "$work/$n-b.png"
  tiles+=(-label "$story/$scene${before:+: after}" "$work/$n-b.png")
done < "$work/scenes"
cols=$([ -n "$before" ] && echo 6 || echo 4)
montage -font DejaVu-Sans -pointsize 11 "${tiles[@]}" -tile "${cols}x" -geometry +3+3 \
  -background '#202020' -fill '#e0e0e0' "$out"
echo "contact sheet: $n scenes in $out"
