-- lint: 13: has("lantren"): no code ever gives the item 'lantren' (did you mean 'lantern'?)
story {
  title = "Items",
  start = "hall",
}

scene "hall" {
  prompt = "a stone hall",
  on = {
    -- has("comment") in a comment is not a use
    { "take the lantern", effect = function(s) give("lantern") end },
    { "open the door", to = "out",
      when = function(s) return has("lantren") end },
  },
}

ending "out" { prompt = "a street", caption = "has(\"quoted\") is only text" }
