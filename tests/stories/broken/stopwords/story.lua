-- lint: 10: scene 'hall': pattern 'go' is made only of stop words, which matching ignores elsewhere: it claims any line that has them (say what the viewer does: 'go north', not 'go')
story {
  title = "Stop words",
  start = "hall",
}

scene "hall" {
  prompt = "a stone hall",
  on = {
    { "go", to = "out" },
    { "go north", to = "out" },
  },
}

ending "out" { prompt = "a street" }
