-- lint: 14: s.lantren_lit: the state field 'lantren_lit' is not declared in story { vars = ... } (did you mean 'lantern_lit'?)
-- lint: 15: s.oild: the state field 'oild' is not declared in story { vars = ... } (did you mean 'oiled'?)
story {
  title = "Undeclared",
  start = "hall",
  vars = { lantern_lit = false, oiled = false },
}

scene "hall" {
  prompt = "a stone hall",
  on = {
    { "light the lantern", effect = function(s) s.lantern_lit = true end },
    { "open the door", to = "out",
      when = function(s) return s.lantren_lit end,
      effect = function(s) s["oild"] = true end },
  },
}

ending "out" { prompt = "a street" }
