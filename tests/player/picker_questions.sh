#!/usr/bin/env bash
# The window's story picker asks what a story asks before it starts (under
# Xvfb, typed with xdotool, checked in the trace and the window's pixels):
# the language of a story told in several, then the viewer's question of a
# story that asks one (viewer = { tone = { ..., ask = "..." } }).
set -euo pipefail
cd "${MZ_SOURCE_DIR:-.}"
src=$PWD
MAZE=$(realpath "${MZ_MAZE:-build/maze}")
IM=/usr/bin
. tests/player/x11.sh
start_x 141 190
export ALSOFT_DRIVERS=null

# A stories/ folder of two: the picker lists them sorted.
mkdir -p "$work/play/stories"
ln -s "$src/tests/stories/fixtures/bilingual" "$work/play/stories/a_gate"
ln -s "$src/tests/stories/fixtures/variants" "$work/play/stories/b_well"

wait_trace() { # the trace's first turn, once written
  for _ in $(seq 300); do
    [ -s "$work/trace" ] && { head -n1 "$work/trace"; return 0; }
    kill -0 "$app" 2>/dev/null || { cat "$work/log"; fail "the player died"; }
    sleep 0.1
  done
  fail "no turn in the trace"
}
first_caption() { # CAPTION WHAT: the story began with CAPTION; the player is closed
  line=$(wait_trace)
  echo "$line" | grep -qF "\"caption\":\"$1\"" || fail "$2: $line"
  echo "ok   $2"
  kill "$app"
  wait "$app" 2>/dev/null || true
}
keys() { for k in "$@"; do xdotool key --window "$win" "$k"; sleep 0.3; done; }
start() {
  rm -f "$work/trace"
  (cd "$work/play" && exec "$MAZE" play --window 960x540 --mute --trace "$work/trace") \
    >"$work/log" 2>&1 &
  app=$!
  pids+=($app)
  win=$(xdotool search --sync --onlyvisible --name "^maze$" | head -n1)
  [ -n "$win" ] || fail "no window"
  sleep 1
}

# The gate, in French: Enter on the first story, Down to Français, Enter.
start
# The stories' menu, once drawn (text on the dark screen); then Enter: a
# menu is drawn that is not the stories' one (a loaded machine may take
# seconds to draw either).
inked() { # NAME: the screenshot has text on it
  i=$("$IM/convert" "$work/$1.png" -colorspace gray -threshold 70% -format '%[fx:mean]' info:)
  awk -v i="$i" 'BEGIN { exit !(i > 0.0005) }'
}
for _ in $(seq 100); do
  "$IM/import" -window "$win" "$work/stories.png"
  inked stories && break
  sleep 0.2
done
inked stories || fail "no story list drawn"
keys Return
for _ in $(seq 100); do
  "$IM/import" -window "$win" "$work/languages.png"
  changed=$("$IM/compare" -metric AE "$work/stories.png" "$work/languages.png" null: 2>&1 || true)
  [ "${changed%% *}" -gt 500 ] && inked languages && break
  sleep 0.2
done
[ -n "${MZ_PICKER_SHOTS:-}" ] && cp "$work/languages.png" "$MZ_PICKER_SHOTS/picker-language.png"
inked languages || fail "no menu drawn"
[ "${changed%% *}" -gt 500 ] || fail "the story list is still shown ($changed pixels changed)"
[ ! -s "$work/trace" ] || fail "a story started before its language was chosen"
keys Down Return
first_caption "Une grille, fermée." "the picker's language choice plays the story in French"

# The gate in English: the first language is preselected.
start
keys Return Return
first_caption "A gate, shut." "Enter twice plays it in its first language"

# The well asks its question: eerie is the second answer.
start
keys Down Return
sleep 0.5
[ ! -s "$work/trace" ] || fail "the well started before its question was answered"
keys Down Return
first_caption "A well. Something down there is humming." "the viewer's answer picks the story's variant"
echo "0 failed"
