#!/usr/bin/env bash
# The windowed player under X: starts Xvfb itself when DISPLAY is unset,
# plays stories/cellar by typing with xdotool, and checks from outside the
# program — screenshots of its window (ImageMagick's import) and its trace —
# that the scene changed, that the caption is drawn on its band, that the
# window survives a resize, F11 and a 4 KB flood of random text, and
# that Esc + Enter quits with status 0.
set -euo pipefail
cd "${MZ_SOURCE_DIR:-.}"
MAZE=${MZ_MAZE:-build/maze}
IM=/usr/bin # `convert` elsewhere on PATH may be a stand-in
. tests/player/x11.sh
start_x 90 140

# waits until the trace has at least N lines matching PATTERN; prints the last
wait_trace() {
  for _ in $(seq 200); do
    if [ -f "$work/trace" ] && [ "$(grep -c -- "$2" "$work/trace")" -ge "$1" ]; then
      grep -- "$2" "$work/trace" | tail -n1
      return 0
    fi
    kill -0 "$app" 2>/dev/null || { cat "$work/log"; fail "the player died"; }
    sleep 0.1
  done
  fail "the trace has no $1 lines with $2: $(cat "$work/trace" 2>/dev/null)"
}
shown='"first_frame_ms":[0-9]'
shot() { "$IM/import" -window "$win" "$work/$1.png"; }
# fraction of near-white pixels in a WxH+X+Y region of a screenshot
bright() { "$IM/convert" "$work/$1.png" -crop "$2" +repage -colorspace gray -threshold 85% \
  -format '%[fx:mean]' info:; }
mean() { "$IM/convert" "$work/$1.png" -crop "$2" +repage -colorspace gray -format '%[fx:mean]' info:; }

"$MAZE" play stories/cellar --trace "$work/trace" >"$work/log" 2>&1 &
app=$!
pids+=($app)
win=$(xdotool search --sync --onlyvisible --name "The Cellar" | head -n1)
[ -n "$win" ] || fail "no window"
wait_trace 1 "$shown" >/dev/null
sleep 0.5
shot stairs

# The caption is drawn: the band above the input line holds white text the
# dim painting above it does not.
band=$(bright stairs 1280x36+0+630)
above=$(bright stairs 1280x36+0+520)
echo "bright pixels: band $band, above $above"
awk -v b="$band" -v a="$above" 'BEGIN { exit !(b > 0.004 && b > 4 * a) }' || fail "no caption on the band"

xdotool type --window "$win" --delay 20 "go down the stairs"
xdotool key --window "$win" Return
line=$(wait_trace 2 "$shown")
echo "$line"
case "$line" in *'"scene":"cellar"'*) ;; *) fail "no scene change in the trace: $line" ;; esac
sleep 1.2 # past the transition
shot cellar
rmse=$("$IM/compare" -metric RMSE -crop 1280x500+0+0 "$work/stairs.png" "$work/cellar.png" null: 2>&1 | sed 's/.*(\(.*\))/\1/' || true)
echo "picture change (normalised RMSE): $rmse"
awk -v d="$rmse" 'BEGIN { exit !(d > 0.02) }' || fail "the picture did not change"

# Resize: the window lives on and letterboxes the 16:9 picture in 4:3.
xdotool windowsize "$win" 800 600
sleep 1
kill -0 "$app" 2>/dev/null || fail "died on resize"
shot resized
size=$("$IM/identify" -format '%wx%h' "$work/resized.png")
[ "$size" = "800x600" ] || fail "window is $size after resize"
bar=$(mean resized 700x40+0+10)
pic=$(mean resized 800x100+0+200)
echo "resized: bar $bar, picture $pic"
awk -v b="$bar" -v p="$pic" 'BEGIN { exit !(b < 0.02 && p > b + 0.03) }' || fail "no letterbox bars"

# F11 twice: fullscreen and back. (With no window manager, as under a bare
# Xvfb, the window keeps its size: only surviving it is checked here.)
xdotool key --window "$win" F11
sleep 0.5
xdotool key --window "$win" F11
sleep 0.5
kill -0 "$app" 2>/dev/null || fail "died on F11"

# 4 KB of random printable ASCII and UTF-8, typed into the line.
chars=(a b c x y z Q W 0 7 ' ' ' ' '!' '?' '"' "'" '\\' '$' '%' '<' '>' '{' '}' '~' '|' \
  é à ü ß ñ → ✓ 😀 Ж 中 ∑)
flood=""
while [ "$(printf %s "$flood" | wc -c)" -lt 4096 ]; do
  for _ in $(seq 64); do flood+=${chars[RANDOM % ${#chars[@]}]}; done
done
xdotool type --window "$win" --delay 0 "$flood"
xdotool key --window "$win" Return
sleep 0.5
kill -0 "$app" 2>/dev/null || fail "died on the flood"
wait_trace 1 '"turn":2,"input"' >/dev/null

xdotool key --window "$win" Escape
sleep 0.3
kill -0 "$app" 2>/dev/null || fail "Esc quit without asking"
xdotool key --window "$win" Return
for _ in $(seq 100); do kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
kill -0 "$app" 2>/dev/null && fail "did not quit on Esc + Enter"
status=0
wait "$app" || status=$?
[ "$status" -eq 0 ] || { cat "$work/log"; fail "exit status $status"; }
# MZ_VALIDATION=1 (the test environment) turns the layers on; mz_gpu logs
# each error it counts.
if grep -q "error: vulkan:" "$work/log"; then
  grep "error: vulkan:" "$work/log" | head -5
  fail "Vulkan validation errors"
fi
if [ -n "${MZ_KEEP_SHOTS:-}" ]; then cp "$work"/*.png "$MZ_KEEP_SHOTS"/; fi
echo "ok: window test"
