-- lint: 6: characters: 'cat' refers to itself ({cat}); a description is used word for word, so describe it in plain words
story {
  title = "Self",
  start = "hall",
  characters = {
    cat = "{cat}, a thin black cat",
  },
}

scene "hall" {
  prompt = "a stone hall, {cat}",
  on = { { "open the door", to = "out" } },
}

ending "out" { prompt = "a street" }
