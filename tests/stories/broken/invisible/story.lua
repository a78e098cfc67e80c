-- lint: 9: a zero-width character in a string: viewers cannot see it, but matching and the generator read it (delete it)
-- lint: 10: a NUL character in a string: viewers cannot see it, but matching and the generator read it (delete it)
story {
  title = "Invisible",
  start = "hall",
}

scene "hall" {
  prompt = "a stone​ hall",
  caption = "A hall\0 of stone.",
  on = { { "open the door", to = "out" } },
}

ending "out" { prompt = "a street" }
