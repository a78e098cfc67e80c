#!/usr/bin/env bash
# Variants per viewer from the command line: `maze play --profile FILE`,
# `maze test --variants`, `#profile` in walkthroughs, lint of variants
# (file:line) and variants in `maze graph`.
. "$(dirname "$0")/../lib.sh"
W=tests/stories/fixtures/variants

printf 'look into the well\nclimb down\nswim\n' > "$T/in.txt"
printf '# a visitor who chose the eerie tone\ntone = eerie\n' > "$T/eerie.profile"
"$MZ_MAZE" play $W --headless --inputs "$T/in.txt" --trace "$T/gentle.jsonl" > "$T/gentle.out" 2>&1
check "plays with the default profile" test $? -eq 0
"$MZ_MAZE" play $W --headless --inputs "$T/in.txt" --profile "$T/eerie.profile" \
  --trace "$T/eerie.jsonl" > "$T/eerie.out" 2>&1
check "plays with --profile" test $? -eq 0
cat "$T/eerie.out"
check "the declared caption" has "$T/eerie.out" "[0] yard: A well. Something down there is humming."
check "the declared route" has "$T/eerie.out" "the story ended at 'drowned' after 3 turns"
check "the declared palette" has "$T/eerie.jsonl" '"prompt":"watercolour, cold green palette, a stone well'
check "the default elsewhere" has "$T/gentle.out" "the story ended at 'spring' after 3 turns"
check "replies are the same" test "$(grep -c 'Dark water, far down' "$T/eerie.out")" -eq 1
printf 'tone = bold\n' > "$T/bold.profile"
"$MZ_MAZE" play $W --headless --inputs "$T/in.txt" --profile "$T/bold.profile" > "$T/bold.out" 2>&1
check "an undeclared value exits 1" test $? -eq 1
check "and names the story's values, at their line" has "$T/bold.out" "$W/story.lua:7: profile: tone = 'bold' is not one of the story's: gentle, eerie"
"$MZ_MAZE" play $W --headless --inputs "$T/in.txt" --profile "$T/none" > "$T/none.out" 2>&1
check "a missing profile file exits 1" test $? -eq 1
check "and says so" has "$T/none.out" "cannot read the profile: cannot open $T/none"

# maze test --variants: the sample and the fixture, every walkthrough
# under every other profile.
"$MZ_MAZE" test stories/lighthouse $W --variants > "$T/test.out" 2>&1
check "maze test --variants passes" test $? -eq 0
cat "$T/test.out" | grep '\['
check "the bell under the eerie tone ends with the crew" grep -qE '^PASS stories/lighthouse/walkthroughs/bell.txt \[tone=eerie: prompt 17, caption 3, parts at turn 17\] .*ending crew\)$' "$T/test.out"
check "the crew under the gentle tone ends with the bell" grep -qE '^PASS stories/lighthouse/walkthroughs/crew.txt \[tone=gentle: .*ending bell\)$' "$T/test.out"
check "French too" grep -qE '^PASS stories/lighthouse/walkthroughs/bell.fr.txt \[tone=eerie: .*ending crew\)$' "$T/test.out"
check "no FAIL" sh -c "! grep -q '^FAIL' '$T/test.out'"

# Lint: every variant's targets exist, at file:line.
mkdir -p "$T/bad"
cat > "$T/bad/story.lua" <<'LUA'
story { title = "Bad", start = "a", viewer = { tone = { "gentle", "eerie" }, ["a=b"] = { "x" } } }
scene "a" {
  prompt = "a forest at night",
  on = { { id = "go", "walk", to = "b" } },
  variants = {
    { tone = "eerie", to = { go = "bb" } },
    { tone = "bold", caption = "Loud." },
    { tone = "eerie", to = { stay = "b" } },
    { caption = "For whom?" },
  },
}
ending "b" { prompt = "a forest at dawn" }
LUA
cat > "$T/want" <<WANT
$T/bad/story.lua:1: story: viewer must map each field (a name) to its values, the first the default (tone = { "gentle", "eerie" })
$T/bad/story.lua:8: scene 'a', variant 3: 'to' must map transitions of the scene (their id = "...", or their place in 'on') to scenes; 'stay' is not one
$T/bad/story.lua:5: scene 'a', variant 4: says whom it is for: a viewer field (tone = "eerie") or one_in = N
$T/bad/story.lua:5: scene 'a', variant 2: tone = 'bold' is not one of viewer.tone: gentle, eerie
$T/bad/story.lua:6: scene 'a', variant 1: route to unknown scene 'bb' (did you mean 'b'?)
WANT
"$MZ_MAZE" lint "$T/bad" 2>&1 | grep -v "warning\|problems$" | sort > "$T/got"
check "variant problems at file:line" diff <(sort "$T/want") "$T/got"

# A variant's caption in every language: inline, or in lang/CODE.lua by its
# id (SCENE.variant.ID.caption, SCENE.variant.N.caption without an id), lint
# telling what is missing or translates nothing at file:line. Three
# languages and no lang/de.lua: lint once crashed reading the file a
# language does not have.
mkdir -p "$T/langs/lang"
cat > "$T/langs/story.lua" <<'LUA'
story { title = "B", start = "a", languages = { "en", "fr", "de" },
        viewer = { tone = { "gentle", "eerie" } } }
scene "a" {
  prompt = "a forest at night",
  caption = { en = "A.", fr = "A.", de = "A." },
  on = { { "walk", fr = { "marcher" }, de = { "gehen" }, to = "b" } },
  variants = {
    { tone = "eerie", caption = { en = "Eerie.", fr = "Inquiétant." } },
    { id = "calm", tone = "gentle", caption = "Gentle." },
  },
}
ending "b" { prompt = "a forest at dawn", caption = { en = "B.", fr = "B.", de = "B." } }
LUA
cat > "$T/langs/lang/fr.lua" <<'LUA'
return {
  ["a.variant.calm.caption"] = "Doux.",
  ["a.variant.2.caption"] = "Rien.",
}
LUA
cat > "$T/want" <<WANT
$T/langs/lang/fr.lua:3: 'a.variant.2.caption' translates nothing in the story
$T/langs/story.lua:7: a.variant.1.caption: no 'de' text
$T/langs/story.lua:7: a.variant.calm.caption: no 'de' translation (lang/de.lua ["a.variant.calm.caption"])
WANT
"$MZ_MAZE" lint "$T/langs" > "$T/got" 2>&1
check "lint exits 1 (no crash)" test $? -eq 1
grep -v "warning\|problems$" "$T/got" | sort > "$T/got2"
check "variant captions missing or extra in a language, at file:line" diff "$T/want" "$T/got2"
printf 'walk\n' > "$T/walk.txt"
"$MZ_MAZE" play "$T/langs" --headless --lang fr --inputs "$T/walk.txt" > "$T/fr.out" 2>&1
check "a variant's caption from lang/fr.lua" has "$T/fr.out" "[0] a: Doux."
printf 'tone = eerie\n' > "$T/eerie2.profile"
"$MZ_MAZE" play "$T/langs" --headless --lang fr --profile "$T/eerie2.profile" \
  --inputs "$T/walk.txt" > "$T/fr2.out" 2>&1
check "an inline variant caption in French" has "$T/fr2.out" "[0] a: Inquiétant."
"$MZ_MAZE" play "$T/langs" --headless --lang de --inputs "$T/walk.txt" > "$T/de.out" 2>&1
check "a language without the translation falls back on the first" has "$T/de.out" "[0] a: Gentle."

# The graph: a variant's route is a dotted edge, a scene's variants are named.
"$MZ_MAZE" graph $W > "$T/graph.dot"
check "a route in the graph" has "$T/graph.dot" '"bottom" -> "drowned" [label="tone=eerie swim", style=dotted, color=purple];'
check "variants under the scene" has "$T/graph.dot" 'label="yard\ntone=eerie: caption\none seed in 2: prompt"'
check "the story's own variants head the graph" has "$T/graph.dot" 'label="story variants\ntone=eerie: style";'
finish
