-- lint: 7: synonyms: 'scale' is listed under both 'ascend' and 'climb': the two transitions that use them both claim it, and the order you wrote them in is overruled
story {
  title = "Synonyms",
  start = "hall",
  synonyms = {
    ascend = { "go up", "scale" },
    climb = { "clamber", "scale" },
  },
}

scene "hall" {
  prompt = "a stone hall with stairs and a ladder",
  on = {
    { "climb the ladder", to = "out" },
    { "ascend the stairs", to = "out" },
  },
}

ending "out" { prompt = "a street" }
