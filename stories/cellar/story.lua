-- The Cellar: a short story for tests and the docs (docs/story-api.md).
-- Two endings: light shows the treasure; darkness shows the way out.

story {
  title = "The Cellar",
  style = "dim oil painting, candlelight, deep shadows", -- goes before every prompt
  start = "stairs",
  characters = {
    -- `{cat}` in any prompt becomes this text, word for word, so the cat
    -- looks the same in every scene.
    cat = "a thin black cat with one white ear",
  },
  synonyms = {
    descend = { "go down", "climb down", "walk down" },
    follow = { "chase", "go after" },
    blow = { "put out", "snuff" },
    light = { "relight", "rekindle" },
  },
  vars = { candle = true, found_tunnel = false, muddled = 0 }, -- initial state
}

scene "stairs" {
  prompt = "stone stairs descending into a cellar, {cat} on the top step",
  caption = "The stairs smell of damp and apples.",
  sound = { "interior", "drip" },
  on = {
    { "descend", "go down the stairs", to = "cellar" },
    { "follow cat", to = "cellar", reply = "The cat leads the way." },
  },
  otherwise = { reply = "The cat blinks at you." },
}

scene "cellar" {
  prompt = function(s)
    if s.candle then
      return "a cellar lit by one candle, barrels, {cat}"
    end
    return "a pitch dark cellar, two green eyes"
  end,
  caption = function(s)
    if s.candle and s.found_tunnel then
      return "Barrels line the walls. Behind them, a draught: the tunnel."
    end
    if s.candle then
      return "Barrels line the walls."
    end
    return "Darkness. Two green eyes, and a cold draught on your face."
  end,
  on = {
    { "blow out candle", when = function(s) return s.candle end,
      effect = function(s) s.candle = false end, reply = "Darkness." }, -- no `to`: stay
    { "light candle", when = function(s) return not s.candle end,
      effect = function(s) s.candle = true end, reply = "The flame stands up again." },
    { "open barrel", to = "treasure", when = function(s) return s.candle end,
      refuse = "You can't see the barrels." },
    -- Only in the dark do you notice where the cat goes (or once you know).
    { "follow cat", "draught", "tunnel", to = "tunnel",
      when = function(s) return not s.candle or s.found_tunnel end,
      refuse = "The cat sits by the barrels and washes a paw." },
    { "go up", "upstairs", "stairs", "leave", to = "stairs" },
  },
}

scene "tunnel" {
  enter = function(s) s.found_tunnel = true end,
  prompt = "a narrow earth tunnel, roots hanging from the roof, a square of grey dawn light "
    .. "far ahead, {cat} running toward it",
  caption = function(s)
    if visits("tunnel") > 1 then
      return "The tunnel again. The square of light hasn't moved."
    end
    return "Behind the barrels, a low tunnel. The cat trots toward a square of grey light."
  end,
  sound = { "drip", "wind" },
  on = {
    { "climb out", "crawl", "light", "follow cat", to = "garden" },
    { "go back", "cellar", to = "cellar" },
  },
  -- A function decides the reply: after a few tries the cat gives a hint.
  otherwise = function(s, text)
    s.muddled = s.muddled + 1
    if s.muddled >= 2 then
      return "The cat looks back at you, as if to say: this way. Out."
    end
    return "Your voice dies in the earth."
  end,
}

ending "treasure" {
  prompt = "an open barrel full of gold coins in the cellar, {cat} sitting on it",
  caption = "Gold. The cat looks unimpressed.",
}

ending "garden" {
  prompt = "an old garden at dawn, apple trees, dew, {cat} stretching on a mossy stone, "
    .. "soft pink light",
  caption = "You come out among apple trees at dawn. The cat is already washing.",
  sound = { "wind" },
}
