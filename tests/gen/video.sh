#!/bin/sh
# Playthrough videos: `maze play --headless --video` and `maze gen --video`,
# opened with ffprobe (streams, duration, frame rate, metadata) and ffmpeg
# (the subtitles), plus their manifests and `maze verify`.
. "$(dirname "$0")/../lib.sh"

# probe FILE ENTRIES [ffprobe options...]
probe() { f=$1 e=$2; shift 2; ffprobe -v error -show_entries "$e" -of default=nw=1 "$@" "$f"; }

printf 'descend\nmake it rain\nopen barrel\n' > "$T/in.txt"
"$MZ_MAZE" play tests/story/fixtures/cellar --headless --inputs "$T/in.txt" --size 160x90 \
  --frames-per-turn 15 --video "$T/p.mp4" > "$T/out.txt" 2> "$T/err.txt"
check "play --video exits 0" test $? -eq 0
check "no errors" test ! -s "$T/err.txt"
probe "$T/p.mp4" stream=codec_type,codec_name > "$T/streams.txt"
check "mp4: H.264 video" has "$T/streams.txt" "codec_name=h264"
check "mp4: AAC audio" has "$T/streams.txt" "codec_name=aac"
check "mp4: mov_text subtitles" has "$T/streams.txt" "codec_name=mov_text"
probe "$T/p.mp4" stream=nb_frames,avg_frame_rate,duration -select_streams v > "$T/v.txt"
check "mp4: 4 turns x 15 frames" has "$T/v.txt" "nb_frames=60"
check "mp4: 30 fps" has "$T/v.txt" "avg_frame_rate=30/1"
check "mp4: 2.0 s" has "$T/v.txt" "duration=2.000000"
probe "$T/p.mp4" format_tags > "$T/tags.txt"
check "mp4: title" has "$T/tags.txt" "TAG:title=The Cellar"
check "mp4: DigitalSourceType" has "$T/tags.txt" \
  "TAG:DigitalSourceType=http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia"
check "mp4: story and its hash" sh -c "grep -q 'TAG:story=cellar' '$T/tags.txt' &&
  grep -Eq 'TAG:story_sha256=[0-9a-f]{64}' '$T/tags.txt'"
ffmpeg -v error -i "$T/p.mp4" -map 0:s -f srt - > "$T/subs.srt"
check "subtitles: the first caption at 0 s" sh -c "grep -A1 '^00:00:00,000 --> 00:00:00,500' '$T/subs.srt' |
  grep -q 'The stairs smell of damp and apples.'"
check "subtitles: the viewer's line and the next caption at 0.5 s" sh -c "
  grep -A2 '^00:00:00,500 --> 00:00:01,000' '$T/subs.srt' | grep -q '> descend' &&
  grep -A2 '^00:00:00,500 --> 00:00:01,000' '$T/subs.srt' | grep -q 'Barrels line the walls.'"
check "subtitles: the last line" has "$T/subs.srt" "> open barrel"
check "manifest beside the video" test -f "$T/p.mp4.json"
"$MZ_MAZE" verify "$T/p.mp4" > "$T/verify.txt" 2>&1
check "verify: the untouched video passes" test $? -eq 0
printf '\001' | dd of="$T/p.mp4" bs=1 seek=4000 conv=notrunc 2> /dev/null
"$MZ_MAZE" verify "$T/p.mp4" > "$T/verify2.txt" 2>&1
check "verify: one byte changed fails" sh -c "test $? -eq 1 && grep -q 'FAIL p.mp4: changed' '$T/verify2.txt'"

"$MZ_MAZE" gen "a lighthouse at night, fog" --frames 45 --size 64x36 --then "a city at noon" \
  --then-at 15 --out "$T/gen" --video "$T/g.webm" > /dev/null 2> "$T/gerr.txt"
check "gen --video exits 0" test $? -eq 0
probe "$T/g.webm" stream=codec_name > "$T/gs.txt"
check "webm: VP9, Opus, WebVTT" sh -c "grep -q vp9 '$T/gs.txt' && grep -q opus '$T/gs.txt' &&
  grep -q webvtt '$T/gs.txt'"
probe "$T/g.webm" format=duration:format_tags > "$T/gf.txt"
check "webm: 1.5 s" grep -Eq '^duration=1\.5[0-9]*$' "$T/gf.txt"
check "webm: DigitalSourceType" has "$T/gf.txt" "digitalsourcetype/algorithmicMedia"
probe "$T/g.webm" stream=avg_frame_rate -select_streams v > "$T/gr.txt"
check "webm: 30 fps" has "$T/gr.txt" "avg_frame_rate=30/1"
ffmpeg -v error -i "$T/g.webm" -map 0:s -f webvtt - > "$T/g.vtt"
check "webm subtitles: each prompt" sh -c "grep -q 'a lighthouse at night, fog' '$T/g.vtt' &&
  grep -q 'a city at noon' '$T/g.vtt'"

"$MZ_MAZE" gen "a lighthouse" --frames 3 --size 64x36 --out "$T/bare" --video "$T/bare.mp4" \
  --no-metadata > /dev/null 2>&1
check "--no-metadata: no provenance tags, no manifest" sh -c "
  ! ffprobe -v error -show_entries format_tags -of default=nw=1 '$T/bare.mp4' | grep -q DigitalSourceType &&
  test ! -e '$T/bare.mp4.json'"
"$MZ_MAZE" gen "a lighthouse" --frames 3 --size 64x36 --out "$T/bad" --video "$T/x.avi" > /dev/null 2> "$T/bad.txt"
check "an unknown container is a usage error, named" sh -c "test $? -eq 2 && grep -q 'x.avi: a video is .mp4 or .webm' '$T/bad.txt'"
# the disclosure burnt in: the top-left corner differs from the frame as made, the rest not
"$MZ_MAZE" gen "a lighthouse at night" --frames 1 --size 320x180 --out "$T/lbl" \
  --video "$T/lbl.mp4" --disclosure "Scenes generated as you play" > /dev/null 2>&1
ffmpeg -v error -i "$T/lbl.mp4" -frames:v 1 "$T/lbl_frame.png"
corner() { compare -metric MAE -crop "$2" "$1" "$3" null: 2>&1 | sed 's/.*(\(.*\))/\1/'; }
tl=$(corner "$T/lbl_frame.png" 160x30+0+0 "$T/lbl/frame_00000.png")
rest=$(corner "$T/lbl_frame.png" 320x120+0+60 "$T/lbl/frame_00000.png")
check "burnt-in label: the corner changed ($tl), the picture not ($rest)" \
  awk -v a="$tl" -v b="$rest" 'BEGIN { exit !(a > 0.03 && b < 0.02) }'

# Whether the label shows is the story's choice, and the installation's over
# it: a headless play's video (--video-disclosure) against the frame as made.
mkdir "$T/quiet"
sed 's/^story {$/story {\n  disclosure = false,/' tests/story/fixtures/cellar/story.lua > "$T/quiet/story.lua"
label() { # label NAME STORY [options]: the top-left corner's difference from the frame made
  name=$1 story=$2
  shift 2
  "$MZ_MAZE" play "$story" --headless --inputs "$T/in.txt" --size 320x180 --frames-per-turn 2 \
    --record "$T/$name" --video "$T/$name.mp4" --video-disclosure "$@" > /dev/null 2>&1
  ffmpeg -v error -i "$T/$name.mp4" -frames:v 1 "$T/$name.png"
  corner "$T/$name.png" 160x30+0+0 "$T/$name/frame_000000.png"
}
on=$(label story_on tests/story/fixtures/cellar)
off=$(label story_off "$T/quiet")
installation=$(label installation "$T/quiet" --disclosure "Pictures made by a machine")
none=$(label no_label tests/story/fixtures/cellar --no-disclosure)
check "the label: by default ($on), not when the story says disclosure = false ($off)" \
  awk -v a="$on" -v b="$off" 'BEGIN { exit !(a > 0.03 && b < 0.02) }'
check "the installation's --disclosure over the story's false ($installation), --no-disclosure ($none)" \
  awk -v a="$installation" -v b="$none" 'BEGIN { exit !(a > 0.03 && b < 0.02) }'
finish
