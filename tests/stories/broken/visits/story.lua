-- lint: 9: visits("hal"): there is no scene 'hal' (did you mean 'hall'?)
story {
  title = "Visits",
  start = "hall",
}

scene "hall" {
  caption = function(s)
    if visits("hal") > 1 then return "Back again." end
    return "A hall."
  end,
  prompt = "a stone hall",
  on = { { "open the door", to = "out" } },
}

ending "out" { prompt = "a street" }
