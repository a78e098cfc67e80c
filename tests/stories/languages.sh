#!/usr/bin/env bash
# Stories in several languages: `maze play --lang`, walkthroughs per
# language in `maze test`, and lint of missing and extra translations.
. "$(dirname "$0")/../lib.sh"
B=tests/stories/fixtures/bilingual

# Play in French, headless: captions, replies, hints and patterns from the
# inline tables and from lang/fr.lua; the prompt stays in English.
printf 'chanter\nrien\nnon\nescalader le mur\n' > "$T/fr.txt"
"$MZ_MAZE" play $B --headless --inputs "$T/fr.txt" --lang fr --trace "$T/fr.jsonl" > "$T/fr.out" 2>&1
check "plays in French" test $? -eq 0
cat "$T/fr.out"
check "French caption inline" grep -qF "Une grille, fermée." "$T/fr.out"
check "French reply inline" grep -qF "Rien ne se passe." "$T/fr.out"
check "French hint from lang/fr.lua" grep -qF "Essayez la grille." "$T/fr.out"
check "French patterns from lang/fr.lua, French caption by id" grep -qF "Par-dessus le mur." "$T/fr.out"
check "the prompt stays in the generator's language" grep -qF "iron gate" "$T/fr.jsonl"
check "no English caption" sh -c "! grep -qF 'A gate, shut.' '$T/fr.out'"
"$MZ_MAZE" play $B --headless --inputs "$T/fr.txt" > "$T/en.out" 2>&1
check "English by default" grep -qF "A gate, shut." "$T/en.out"
check "French patterns do not match in English" sh -c "! grep -qF 'Over the wall.' '$T/en.out'"
"$MZ_MAZE" play $B --headless --inputs "$T/fr.txt" --lang de > "$T/de.out" 2>&1
check "an undeclared language exits 1" test $? -eq 1
check "and says which there are" grep -qF "$B/story.lua:2: the story has no language 'de' (it has en, fr)" "$T/de.out"
"$MZ_MAZE" play stories/cellar --headless --inputs "$T/fr.txt" --lang fr > "$T/cellar.out" 2>&1
check "a story with no languages refuses --lang" grep -qF "the story declares no languages, so it has no 'fr'" "$T/cellar.out"

# The lighthouse in French: its own stemmer ("passer" meets "passé") and
# the runtime's own words in French too.
printf 'maison\npasser par la porte de derrière\n1\n' > "$T/q.txt"
"$MZ_MAZE" play stories/lighthouse --headless --lang fr --inputs "$T/q.txt" > "$T/q.out" 2>&1
check "the question is asked in French" grep -qF '"Porte de derrière, ou que s'"'"'est-il passé ? (1 ou 2)"' "$T/q.out"
check "and answered" grep -qF "[3] oil_shed: Il fait noir" "$T/q.out"

# maze test: each walkthrough in its #lang, and every ending in every language.
"$MZ_MAZE" test $B > "$T/test.out" 2>&1
check "walkthroughs in both languages pass" test $? -eq 0
cat "$T/test.out"
check "the French one ran" grep -qxF "PASS $B/walkthroughs/garden.fr.txt (2 inputs, 6 expectations, ending garden)" "$T/test.out"
mkdir -p "$T/half/walkthroughs" "$T/half/lang"
cp $B/story.lua "$T/half/" && cp $B/lang/fr.lua "$T/half/lang/"
cp $B/walkthroughs/garden.* $B/walkthroughs/wall.txt "$T/half/walkthroughs/"
"$MZ_MAZE" test "$T/half" > "$T/half.out" 2>&1
check "an ending not reached in French fails" test $? -eq 1
check "and says where" grep -qF "$T/half/story.lua:29: no walkthrough in 'fr' reaches the ending \"wall\" (add $T/half/walkthroughs/wall.fr.txt with #lang fr)" "$T/half.out"

# Lint: the complete story is clean; the other is missing and has extra texts.
"$MZ_MAZE" lint $B > "$T/lint.out" 2>&1
check "complete translations lint clean" test $? -eq 0
U=tests/stories/fixtures/untranslated
cat > "$T/want" <<WANT
$U/lang/fr.lua:3: 'hal.caption' translates nothing in the story
$U/story.lua:7: hall.caption: no 'fr' translation (lang/fr.lua ["hall.caption"])
$U/story.lua:7: hall.1.reply: 'de' is not one of the story's languages
$U/story.lua:15: out.caption: no 'fr' text
WANT
"$MZ_MAZE" lint $U > "$T/got" 2> /dev/null
check "missing translations exit 1" test $? -eq 1
if ! check "missing and extra translations at file:line" cmp -s "$T/want" "$T/got"; then
  diff "$T/want" "$T/got"
fi
finish
