# vocabulary.awk — docs/vocabulary.md from assets/lexicon/lexicon.txt: the
# words and phrases the embedded generator understands, by category.
# Run by the build (target `vocabulary`) so the document never drifts from
# the lexicon; a test compares the committed docs/vocabulary.md with it.
#   awk -f tools/vocabulary.awk assets/lexicon/lexicon.txt > docs/vocabulary.md
BEGIN {
  print "# The generator's vocabulary"
  print ""
  print "<!-- Generated from assets/lexicon/lexicon.txt by tools/vocabulary.awk at build"
  print "     time: edit the lexicon, not this file. -->"
  print ""
  print "The words and phrases the embedded `procedural` generator understands in a"
  print "prompt, by category. Other words are ignored (`maze lint` warns about them and"
  print "says what the scene will look like instead). Endings such as -s, -ing, -y are"
  print "tried off a word it does not know (\"raining\" is \"rain\"). How a prompt is read:"
  print "[generator.md](generator.md). Each line: the phrases, then what they set."
  section = ""
}
/^# ----------/ {
  section = $0
  sub(/^# -+ */, "", section)
  printf "\n## %s\n\n", toupper(substr(section, 1, 1)) substr(section, 2)
  next
}
/^#/ || /^[ \t]*$/ { next }
section != "" {
  colon = index($0, ":")
  if (!colon) next
  phrases = substr($0, 1, colon - 1)
  items = substr($0, colon + 1)
  sub(/^[ \t]+/, "", items)
  printf "- %s", phrases
  if (items != "") printf " — `%s`", items
  printf "\n"
  words += split(phrases, unused, ",")
}
END {
  printf "\n%d words and phrases in all.\n", words
}
