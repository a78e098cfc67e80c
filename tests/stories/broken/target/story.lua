-- lint: 10: scene 'lane': transition to unknown scene 'hom' (did you mean 'home'?)
-- lint: 13: ending 'home' cannot be reached from the start scene 'lane'
story {
  title = "Target",
  start = "lane",
}

scene "lane" {
  prompt = "a country lane at dusk, a stone wall",
  on = { { "walk home", to = "hom" } },
}

ending "home" { prompt = "a forest path at night" }
