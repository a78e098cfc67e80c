#!/bin/sh
# A story's weighted prompts and transition in frames, played headless with
# the procedural generator: the trace shows what went to the generator, the
# run draws the blended scenes, and `maze lint` names each bad value at its
# file:line; `maze gen --blend/--steps` (issue 16).
. "$(dirname "$0")/../lib.sh"
FIX=tests/story/fixtures

printf 'wait\nshelter\n' > "$T/in.txt"
"$MZ_MAZE" play $FIX/blend --headless --inputs "$T/in.txt" --trace "$T/trace.jsonl" \
  --record "$T/rec" --size 160x90 > "$T/out.txt" 2> "$T/err.txt"
check "plays to the end" test $? -eq 0
check "the first scene's prompts and weights" has "$T/trace.jsonl" \
  '"prompts":[{"text":"oil painting, a misty harbour, an old keeper with a white beard","weight":0.700},{"text":"oil painting, a storm","weight":0.300}]'
check "the storm's transition in frames" has "$T/trace.jsonl" \
  '"transition_steps":8,"transition_method":"slerp"'
check "frames were drawn" sh -c "ls '$T/rec' | grep -q png"

"$MZ_MAZE" lint $FIX/blendbad > "$T/lint.txt" 2>&1
check "lint fails" test $? -ne 0
check "a negative weight, at its line" has "$T/lint.txt" \
  "blendbad/story.lua:5: scene 'a': prompt 1 has weight -1"
check "steps out of range, at their line" has "$T/lint.txt" \
  "blendbad/story.lua:24: scene 'd': 'transition_steps' must be a whole number of frames in 1..600"

# maze gen blends and steps too, and refuses bad ones as usage errors.
"$MZ_MAZE" gen "a red plain at noon" --blend "1:a blue plain at noon" --frames 3 --size 64x36 \
  --then "a plain at midnight" --then-at 1 --steps 4 --method slerp --out "$T/gen" > "$T/gen.txt" 2>&1
check "maze gen draws a blend and a stepped change" test -f "$T/gen/frame_00002.png"
"$MZ_MAZE" gen x --blend "oops" > "$T/gen_bad.txt" 2>&1
check "a --blend without a weight is a usage error" test $? -eq 2
check "which names the form" has "$T/gen_bad.txt" "--blend 'oops': give WEIGHT:TEXT"
"$MZ_MAZE" gen x --steps 601 > "$T/gen_bad.txt" 2>&1
check "--steps above 600 is a usage error" test $? -eq 2

# Prompt warnings read every text of a list, not only the heaviest.
mkdir -p "$T/unknown"
cat > "$T/unknown/story.lua" <<'LUA'
story { title = "Unknown", start = "a" }
ending "a" { prompt = { {"a forest at dusk", 0.8}, {"a glorbish tower", 0.2} } }
LUA
"$MZ_MAZE" lint "$T/unknown" > "$T/unknown.txt" 2>&1
check "lint passes with a warning" test $? -eq 0
check "the lighter prompt's unknown word is named" has "$T/unknown.txt" \
  "story.lua:2: warning: ending 'a': the generator does not know 'glorbish'"
finish
