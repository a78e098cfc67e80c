#!/usr/bin/env bash
# Screenshots of the lighthouse's first scene under two viewer profiles
# (docs/variants-gentle.png, docs/variants-eerie.png): the window player
# under Xvfb (the first free of :81-:89 unless DISPLAY is set) with the
# procedural generator, captured from outside with ImageMagick's import once
# the first frame is shown.
# Usage: tools/variant_shots.sh [OUTDIR]   (from the source folder, after a build)
set -euo pipefail
out=${1:-docs}
mkdir -p "$out"
MAZE=${MZ_MAZE:-build/maze}
. tests/player/x11.sh
start_x 81 89
export ALSOFT_DRIVERS=null
for tone in gentle eerie; do
  printf 'tone = %s\n' "$tone" > "$work/$tone.profile"
  "$MAZE" play stories/lighthouse --profile "$work/$tone.profile" --window 960x540 --mute \
    --trace "$work/$tone.jsonl" >"$work/$tone.log" 2>&1 &
  app=$!
  pids+=($app)
  win=$(xdotool search --sync --onlyvisible --name "Gull Rock" | head -n1)
  for _ in $(seq 300); do
    grep -q '"first_frame_ms":[0-9]' "$work/$tone.jsonl" 2>/dev/null && break
    sleep 0.1
  done
  sleep 2 # the scene's fade in
  /usr/bin/import -window "$win" "$work/$tone.png"
  # 720 wide in 192 colours: a fifth of the bytes, the same picture for docs.
  /usr/bin/convert "$work/$tone.png" -resize 720x -colors 192 "PNG8:$out/variants-$tone.png"
  kill "$app"
  wait "$app" 2>/dev/null || true
done
echo "wrote $out/variants-gentle.png $out/variants-eerie.png"
