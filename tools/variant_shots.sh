#!/usr/bin/env bash
# Screenshots of the lighthouse's first scene under two viewer profiles
# (docs/variants-gentle.png, docs/variants-eerie.png): the window player
# under Xvfb (DISPLAY=:81 unless given), the procedural generator, captured
# from outside with ImageMagick's import once the first frame is shown.
# Usage: tools/variant_shots.sh [OUTDIR]   (from the source folder, after a build)
set -euo pipefail
out=${1:-docs}
mkdir -p "$out"
MAZE=${MZ_MAZE:-build/maze}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
if [ -z "${DISPLAY:-}" ]; then
  export DISPLAY=:81
  Xvfb $DISPLAY -screen 0 1280x720x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
  pids+=($!)
  sleep 1
fi
export SDL_VIDEODRIVER=x11 ALSOFT_DRIVERS=null
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
