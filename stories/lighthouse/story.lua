-- The Lighthouse on Gull Rock: the sample story, and a tour of the story API.
--
-- A storm, a dark lighthouse, an injured keeper, a boat running for the
-- rocks, and under the cliff the wreck of a ship that went down thirty years
-- ago. Four endings: light the lamp (beacon), take the drowned captain his
-- bell (bell), take his gold and run (gold), or let the sea have you (drowned).
--
-- Viewers choose a tone (`maze play --profile`, a file with `tone = eerie`):
-- the eerie tone paints in green and violet, says one thing differently in
-- each act, and ends the bell differently; nothing else changes.
--
-- Two routes lead below the tower: the beach, the sea cave and a flooded
-- passage (quick, but the tide rises while you are down there), or the key,
-- the lantern, the trapdoor and the cellar tunnel (slow, but dry).

story {
  title = "The Lighthouse on Gull Rock",
  style = "painterly, amber and cold blue palette, wet textures",
  start = "cliff_path",
  characters = {
    keeper = "an old keeper with a white beard and a yellow oilskin coat",
    captain = "a ghost captain in a rotted blue coat, pale green skin, weed in his grey hair",
    dog = "a shaggy grey sheepdog with one torn ear",
  },
  synonyms = {
    climb = { "clamber", "ascend", "go up", "head up", "scale" },
    descend = { "go down", "climb down", "head down" },
    take = { "grab", "pick up", "get", "collect", "steal" },
    talk = { "speak", "ask", "chat", "question", "tell" },
    look = { "examine", "inspect", "peer", "study", "search" },
    light = { "ignite", "kindle", "relight", "fire up" },
    leave = { "go back", "exit", "head back", "return" },
    captain = { "ghost", "spirit", "figure" },
    boat = { "dinghy", "rowboat", "rowing boat", "skiff" },
    ship = { "wreck", "hull", "marianne" },
    cave = { "cavern" },
    swim = { "paddle" }, -- not "dive": one typo from "give"
    ring = { "toll", "strike", "sound" },
    shore = { "beach", "sand", "shingle" },
    oil = { "paraffin", "fuel" },
    -- Words one typo away from a pattern word are read as that word ("have"
    -- as "cave"), so common ones get a harmless meaning of their own.
    own = { "have" },
    sea = { "ocean", "waves" },
  },
  vars = {
    lantern_lit = false, -- the lantern from the cottage, lit at the hearth
    oiled = false,       -- the lighthouse's tank has been filled
    tide = 0,            -- rises each time you enter a place below the cliff
    fell = false,        -- just tumbled down the tower stairs in the dark
    flash = false,       -- lightning at the cliff edge, this visit
    rope_tied = false,   -- a rope hangs from the cliff edge to the wreck
    coins = 0,           -- the captain's gold, counted when first seen
    knows_marianne = false,
    saw_captain = false,
    met_captain = false,
  },
  blocked = { "gore", "corpse" }, -- never painted, whatever the viewer types
  transition = 1.5,
  narrate = true, -- captions are spoken when the player runs with sound
  languages = { "en", "fr" }, -- French: lang/fr.lua
  -- What viewers may choose, the first the default; `viewer.tone` in code.
  viewer = { tone = { "gentle", "eerie" } },
  variants = {
    { tone = "eerie", style = "painterly, green and violet palette, mist, wet textures" },
  },
}

-- The boat is a clock: it is lost if the lamp is not lit before this turn.
local BOAT_LOST_TURN = 40

local function boat_far()
  return turn() < BOAT_LOST_TURN / 2
end

-- Every scene below the cliff lets the tide climb a little further.
local function tide_rises(s)
  s.tide = s.tide + 1
end

-- Above the cliff ----------------------------------------------------------

scene "cliff_path" {
  prompt = function(s)
    if visits("cliff_path") == 1 then
      return "a dark lighthouse tower on the headland, no beam, one lit window far off, "
        .. "birds wheeling, a windswept cliff path at dusk above a grey sea, "
        .. "storm clouds, slow dolly forward"
    end
    return "a dark lighthouse tower on the headland, no beam, a window glowing amber, "
      .. "a windswept cliff path at night above the sea, storm, rain, slow pan"
  end,
  caption = function(s)
    if visits("cliff_path") == 1 then
      return "The lighthouse on Gull Rock should be burning by now. It is dark. "
        .. "Out on the water, a small boat is running for home."
    end
    return "The cliff path again. The tower is still dark, and the storm is closer."
  end,
  -- Act one, eerie: the first look at the dark tower, by night, in the
  -- eerie palette (the prompt's own colours win over the style's).
  variants = {
    { id = "eerie", tone = "eerie", prompt = function(s)
      if visits("cliff_path") == 1 then
        return "a dark lighthouse tower on the headland, no beam, one lit window far off, "
          .. "birds wheeling, a windswept cliff path at night above a green sea, "
          .. "violet storm clouds, slow dolly forward"
      end
      return "a dark lighthouse tower on the headland, no beam, a window glowing green, "
        .. "a windswept cliff path at midnight above the sea, violet storm, rain, slow pan"
    end, caption = function(s)
      if visits("cliff_path") == 1 then
        return "The lighthouse on Gull Rock should be burning by now. It is dark, and the dark "
          .. "seems to watch you. Out on the water, a small boat runs for home as if chased."
      end
      return "The cliff path again. The tower is still dark, and something in the storm is closer."
    end },
  },
  sound = { "wind", "sea", "storm" },
  on = {
    { "lighthouse", "tower", "walk to the lighthouse", to = "tower_door" },
    { "cottage", "knock on the cottage door", "window", "keeper", to = "cottage" },
    { "look over the edge", "cliff edge", "look at the sea", "ship", to = "cliff_edge" },
    { "descend", "steps", "shore", "cave", to = "cliff_steps" },
  },
  -- Anything else repaints the path: "make it snow" brings snow.
  otherwise = { modify = true },
}

scene "cliff_edge" {
  transition = 0.6, -- a lightning cut, not a fade
  enter = function(s)
    -- Lightning is luck: some walkers see the captain on his wreck, some never do.
    s.flash = chance(0.5)
    if s.flash then
      s.saw_captain = true
    end
  end,
  prompt = function(s)
    local p = "the edge of a sheer cliff at night, far below a drowned ship broken on "
      .. "black rocks in the sea, white surf, storm"
    if s.flash then
      return p .. ", a lightning flash, {captain} standing on the deck looking up"
    end
    return p .. ", rain, still camera"
  end,
  caption = function(s)
    if s.flash then
      return "Lightning. For one white instant there is a man on the wreck below, "
        .. "looking straight up at you."
    end
    return "Far below, the bones of a ship lie broken on the rocks. The surf works at "
      .. "them patiently."
  end,
  sound = { "wind", "storm", "sea" },
  on = {
    { "jump", reply = "The wind shoves you back from the edge, like a hand on your chest." },
    { "tie the rope", "climb down the rope", "abseil",
      when = function(s) return has("rope") end,
      effect = function(s) s.rope_tied = true end,
      to = "wreck",
      reply = "You knot the rope to a fence post and lower yourself, hand over hand, "
        .. "into the spray.",
      refuse = "It's a sheer drop. Not without a rope." },
    { "descend", "steps", "shore", to = "cliff_steps" },
    { "lighthouse", "tower", to = "tower_door" },
    { "leave", "path", "cottage", to = "cliff_path" },
  },
  otherwise = { reply = "The wind tears the words out of your mouth." },
}

scene "cottage" {
  prompt = function(s)
    local p = "a cramped low room at night, fire in the hearth, {keeper} slumped "
      .. "in a chair with a bandaged leg, {dog} asleep by the fire, rain on the window"
    if not has("lantern") then
      p = p .. ", a brass lantern on the table"
    end
    return p .. ", warm amber light, still camera"
  end,
  caption = function(s)
    if visits("cottage") == 1 then
      return "The keeper looks up from his chair. \"Fell on the tower stairs,\" he says. "
        .. "\"Leg's no good. And the light's out.\""
    end
    return "The fire crackles. The keeper hasn't moved."
  end,
  sound = { "interior", "fire", "rain" },
  on = {
    { "talk to the keeper", "help him", "what happened", "ask for the key", "key",
      when = function(s) return not has("key") end,
      effect = function(s) give("key") end,
      reply = "\"Key to the tower.\" He presses cold iron into your hand. \"Oil's in the "
        .. "shed out back. Light her, before that boat finds the rocks.\"" },
    { "talk to the keeper", "help him", "what happened", "ask for the key", "key",
      reply = "\"Go on,\" he says. \"Up the stairs, fill the tank, light the lamp. "
        .. "Don't just stand there.\"" },
    { "ask about the ship", "drowned", "what ship",
      effect = function(s) s.knows_marianne = true end,
      reply = "\"The Marianne,\" he says, not looking at you. \"Thirty years back. The "
        .. "light was out that night too. I was... asleep.\" His hands shake." },
    { "take the lantern",
      when = function(s) return not has("lantern") end,
      effect = function(s) give("lantern") end,
      reply = "You take the brass lantern. It's heavy with oil." },
    { "light the lantern",
      when = function(s) return has("lantern") end,
      effect = function(s) s.lantern_lit = true end,
      reply = "You light the wick from the hearth. Warm light fills the glass.",
      refuse = "You have nothing to light. There's a lantern on the table." },
    { "pet the dog", when = function(s) return visits("cottage") > 1 end,
      reply = "The dog remembers you. It leans its whole weight against your legs." },
    { "pet the dog", reply = "The dog thumps its tail twice, then sighs." },
    { "shed", "back door", to = "oil_shed" },
    { "leave", "path", "outside", to = "cliff_path" },
  },
  -- A function's text can come by language, in a table.
  otherwise = function(s, text)
    if s.knows_marianne then
      return {
        en = "The keeper stares into the fire. \"She had a bell,\" he mutters. "
          .. "\"I still hear it, some nights.\"",
        fr = "Le gardien fixe le feu. « Elle avait une cloche, » marmonne-t-il. "
          .. "« Je l'entends encore, certaines nuits. »",
      }
    end
    return {
      en = "The keeper grunts. \"Talk sense, or go and light my lamp.\"",
      fr = "Le gardien grogne. « Parlez raisonnablement, ou allez allumer ma lampe. »",
    }
  end,
}

scene "oil_shed" {
  prompt = function(s)
    if s.lantern_lit then
      return "a wooden shed interior at night, lantern light on oil cans, coiled ropes "
        .. "and fishing nets, rain dripping through the roof"
    end
    return "a pitch dark shed interior at night, faint shapes of cans and ropes, rain "
      .. "dripping, black shadows"
  end,
  caption = function(s)
    if s.lantern_lit then
      return "Cans, nets, coils of rope, and a smell of paraffin."
    end
    return "It's black as tar in here. Something metal clanks under your foot."
  end,
  sound = { "rain", "drip", "interior" },
  on = {
    { "take the oil", "oil can",
      when = function(s) return has("oil") or s.oiled end,
      reply = "One can is all you can carry up those stairs." },
    { "take the oil", "oil can",
      when = function(s) return s.lantern_lit end,
      effect = function(s) give("oil") end,
      reply = "You heft a full can of lamp oil. It sloshes against your leg.",
      refuse = "It's too dark to tell oil from tar. You need a light." },
    { "take the rope", "rope",
      when = function(s) return not has("rope") end,
      effect = function(s) give("rope") end,
      reply = "You sling a coil of rope over your shoulder." },
    { "cottage", "back door", "inside", to = "cottage" },
    { "leave", "path", "outside", to = "cliff_path" },
  },
}

-- The tower ----------------------------------------------------------------

scene "tower_door" {
  prompt = "the foot of a tall white lighthouse tower at night in a storm, no beam, an iron "
    .. "door, waves exploding on black rocks of the shore below, rain, camera rise",
  caption = function(s)
    if has("key") then
      return "The iron door. The keeper's key is cold in your hand."
    end
    return "The iron door is shut fast. No light in any of the tower's windows."
  end,
  sound = { "storm", "sea", "wind" },
  on = {
    { "open the door", "unlock", "use the key", "enter", "inside", "in",
      when = function(s) return has("key") end,
      to = "tower_base",
      reply = "The lock turns with a shriek. The wind slams the door behind you.",
      refuse = "Locked. The keeper must have the key." },
    { "knock", reply = "Only the wind answers." },
    { "leave", "path", "cottage", to = "cliff_path" },
  },
}

scene "tower_base" {
  prompt = function(s)
    if s.lantern_lit then
      return "the interior of a lighthouse tower at night, no beam, an iron spiral staircase rising "
        .. "into darkness, puddles on the stone floor, a trapdoor, lantern light, camera rise"
    end
    return "the dark interior of a lighthouse tower at night, no beam, an iron spiral staircase "
      .. "vanishing into black shadows, grey light from the door"
  end,
  caption = function(s)
    if s.fell then
      return "Your foot finds nothing. You slide and bang all the way back down, and lie "
        .. "on the wet floor, bruised."
    end
    if s.lantern_lit then
      return "The stairs wind up out of the lantern light. A trapdoor is set in the floor."
    end
    return "Iron stairs wind up into total darkness. Something drips, far above."
  end,
  leave = function(s) s.fell = false end,
  sound = { "interior", "drip", "wind" },
  on = {
    { "climb", "stairs", "upstairs", to = "stairs" },
    { "open the trapdoor", "trapdoor", "cellar",
      when = function(s) return s.lantern_lit end,
      to = "cellar",
      reply = "The trapdoor groans up. A ladder goes down into the rock.",
      refuse = "You find the trapdoor ring by touch, but below is a black pit. You need a light." },
    { "leave", "outside", "door", to = "tower_door" },
  },
}

scene "stairs" {
  prompt = function(s)
    local boat = boat_far() and "the tiny lights of a fishing boat far out"
      or "the lights of a fishing boat close to the rocks"
    return "halfway up a lighthouse spiral staircase at night, no beam, a small round window, "
      .. boat .. " on a stormy sea, rain on the glass, camera rise"
  end,
  caption = function(s)
    if boat_far() then
      return "Through a round window: the boat's lights, still far out, rising and falling."
    end
    return "Through a round window: the boat's lights, terribly close to the rocks now."
  end,
  sound = { "interior", "wind", "storm" },
  on = {
    -- With a light the climb is easy; in the dark it is a gamble, and a fall
    -- sends you back to the bottom.
    { "climb", "upstairs", "keep going",
      to = function(s)
        if s.lantern_lit or chance(0.5) then
          return "watch_room"
        end
        s.fell = true
        return "tower_base"
      end },
    { "descend", "downstairs", to = "tower_base" },
    { "look out of the window", "boat",
      reply = "The boat is so small. Every wave hides it, and every time you are sure it is gone." },
  },
}

scene "watch_room" {
  prompt = function(s)
    local p = "a round watch room at the top of a lighthouse at night, no beam, a logbook on "
      .. "a desk, a brass oil tank, storm beyond the windows"
    if s.lantern_lit then
      return p .. ", warm lantern light"
    end
    return p .. ", dark blue shadows"
  end,
  caption = "The watch room. A desk, a logbook, the brass tank that feeds the lamp above.",
  -- Act two, eerie.
  variants = {
    { id = "eerie", tone = "eerie",
      caption = "The watch room. The logbook lies open, though nobody opened it. The brass tank "
        .. "ticks, like something breathing." },
  },
  sound = { "interior", "wind", "storm" },
  on = {
    { "read the logbook", "logbook", "book",
      effect = function(s) s.knows_marianne = true end,
      reply = "The last page is thirty years old: \"Marianne lost on the rocks with all "
        .. "hands. The light was out. God forgive me.\" The rest are blank." },
    { "pour the oil", "fill the tank", "oil",
      when = function(s) return s.oiled end,
      reply = "The tank is full. The lamp above is waiting." },
    { "pour the oil", "fill the tank", "oil",
      when = function(s) return has("oil") end,
      effect = function(s)
        take("oil")
        s.oiled = true
      end,
      reply = "Oil glugs into the tank. The gauge needle lifts off empty.",
      refuse = "The tank is bone dry. There's oil in the shed by the cottage." },
    { "light the lamp", reply = "The lamp is up the ladder, in the lamp room." },
    { "climb", "ladder", "upstairs", to = "lamp_room" },
    { "gallery", "balcony", "outside", to = "gallery" },
    { "descend", "downstairs", to = "stairs" },
  },
}

scene "lamp_room" {
  prompt = function(s)
    local p = "the top room of a lighthouse at night, a huge dark glass lens, no beam, "
      .. "brass gears, rain running down the windows, "
    if boat_far() then
      return p .. "the lights of a small boat far out on the stormy sea, slow orbit"
    end
    return p .. "the lights of a small boat near the rocks, orbit"
  end,
  caption = function(s)
    if s.oiled then
      return "The great lens waits, wick soaked and ready. It only needs a flame."
    end
    return "The great lens is dark and cold, the wick dry."
  end,
  sound = { "wind", "storm", "drone" },
  on = {
    { "light the lamp", "light the lighthouse", "light the wick",
      -- Only a lit lantern fetches the oil (the shed is dark), so an oiled
      -- tank always has a flame beside it: `maze test --coverage` found the
      -- "no flame" reply that stood here unreachable.
      when = function(s) return s.oiled end,
      to = "beacon" },
    { "light the lamp", "light the lighthouse", "light the wick",
      reply = "The wick is dry. The tank in the watch room below needs oil." },
    { "look at the boat", "look out",
      reply = "A fishing boat, lights bobbing, running for the harbour. Straight for the rocks." },
    { "descend", "downstairs", to = "watch_room" },
  },
}

scene "gallery" {
  prompt = "the black mouth of a cave far below, a wreck on the rocks, the narrow iron "
    .. "gallery of a dark lighthouse, no beam, high above a stormy sea at night, rain lashing, pan",
  caption = "The wind nearly takes you off your feet. Far below, at the foot of the cliff, "
    .. "the sea pours in and out of a cave.",
  sound = { "wind", "storm", "rain" },
  on = {
    { "wave", "shout", reply = "Nobody on that boat can hear you. Only a light can reach them." },
    { "jump", reply = "You grip the rail until your knuckles are white, and do not." },
    { "inside", "leave", "watch room", to = "watch_room" },
  },
}

scene "cellar" {
  prompt = "a damp stone cellar carved in the rock at night, old barrels and rusted "
    .. "chains, a narrow tunnel sloping down into darkness, lantern light, dolly forward",
  caption = "Under the tower the rock is hollow. A tunnel slopes away, and at the end of it "
    .. "you can hear the sea breathing.",
  sound = { "drip", "interior", "drone" },
  on = {
    { "tunnel", "follow the tunnel", "descend", to = "grotto" },
    { "climb", "ladder", "trapdoor", to = "tower_base" },
  },
}

-- Below the cliff: the tide rises while you are down here ---------------------

scene "cliff_steps" {
  prompt = "steep steps cut into a sea cliff at night, rain, a rusted handrail, white surf "
    .. "on black rocks far below, slow pan",
  caption = function(s)
    if visits("cliff_steps") == 1 then
      return "Two hundred steps, slick with rain. You count them to keep from looking down."
    end
    return "The steps again, slick with rain."
  end,
  sound = { "wind", "sea", "rain" },
  on = {
    { "descend", "shore", "ship", "cave", "boat", to = "shore" },
    { "climb", "path", "top", "leave", to = "cliff_path" },
  },
}

scene "shore" {
  enter = tide_rises,
  prompt = function(s)
    local p = "a black opening under the cliff, an upturned rowing boat, wreckage and "
      .. "rocks, a drowned ship on the reef, a shingle beach at night, storm"
    if s.tide >= 6 then
      return p .. ", huge waves surging up the beach"
    end
    return p .. ", surf on the rocks"
  end,
  caption = function(s)
    if s.tide >= 6 then
      return "The tide is coming in fast. The beach is half the size it was."
    end
    return "Shingle, wreckage, an upturned boat. The wreck sits on the reef, close enough "
      .. "to wade to, and the sea cave gapes under the lighthouse."
  end,
  sound = { "sea", "storm", "wind" },
  on = {
    { "swim out to the boat", "swim",
      to = "drowned" },
    { "wade to the ship", "ship",
      when = function(s) return s.tide < 9 end,
      to = "wreck",
      refuse = "The tide has covered the reef. The wreck is an island now." },
    { "cave", "go into the cave", to = "sea_cave" },
    { "push the boat out", "row out", "boat",
      when = function(s) return has("gold") end,
      to = "gold",
      refuse = "Row out into that? Not for all the gold in the world." },
    { "climb", "steps", "path", to = "cliff_steps" },
  },
}

scene "wreck" {
  enter = tide_rises,
  prompt = function(s)
    local p = "the broken hull of a drowned sailing ship on black rocks at sea, night, "
      .. "barnacles, a torn sail, waves, storm"
    if not has("bell") then
      p = p .. ", a green bronze bell hanging from the broken mast"
    end
    return p .. ", dolly forward"
  end,
  caption = function(s)
    if s.knows_marianne then
      return "MARIANNE, the stern still says, in letters the sea has nearly licked away."
    end
    return "The wreck groans with every wave. A name on the stern has nearly worn away."
  end,
  sound = { "sea", "storm", "wind" },
  on = {
    { "ring the bell", when = function(s) return has("bell") end,
      reply = "It clunks in your arms. Whatever it rings for, it won't ring here." },
    { "ring the bell", reply = "The bell is choked with weed. It gives a dull clunk, nothing more." },
    { "take the bell", "cut the bell down",
      when = function(s) return not has("bell") end,
      effect = function(s) give("bell") end,
      reply = "You work the bell free of its rotten rope. It is heavier than it looks." },
    { "cabin", "go below", "hatch", to = "cabin" },
    { "climb the rope",
      when = function(s) return s.rope_tied end,
      to = "cliff_edge" },
    { "shore", "leave", to = "shore" },
  },
}

scene "cabin" {
  enter = function(s)
    tide_rises(s)
    if s.coins == 0 then
      s.coins = random(40, 120) -- the captain's fortune differs from night to night
    end
  end,
  prompt = function(s)
    local p = "the flooded captain's room inside a wreck at night, lantern light on black "
      .. "water, a portrait of {captain}"
    if not has("gold") then
      p = p .. ", an open iron chest spilling gold coins"
    end
    return p .. ", eerie, still camera"
  end,
  caption = function(s)
    if has("gold") then
      return "The portrait watches you. The empty chest floats, knocking at the wall."
    end
    return string.format("An iron chest lies open: %d gold sovereigns, bright as the day "
      .. "they were minted. The captain's portrait watches you.", s.coins)
  end,
  sound = { "drip", "interior", "sea" },
  on = {
    { "take the gold", "open the chest", "gold", "coins",
      when = function(s) return not has("gold") end,
      effect = function(s) give("gold") end,
      reply = "The coins are icy. You fill your pockets until they drag." },
    { "look at the portrait", "portrait", "painting",
      when = function(s) return s.saw_captain end,
      reply = "It is the man you saw on the wreck in the lightning. He is smiling here." },
    { "look at the portrait", "portrait", "painting",
      reply = "Captain Josiah Crane of the Marianne, says a brass plate. A kind, tired face." },
    { "leave", "deck", "climb", to = "wreck" },
  },
  otherwise = { reply = "Water sloshes around your knees. The ship creaks." },
}

scene "sea_cave" {
  enter = tide_rises,
  prompt = "the mouth of a vast sea cave at night, green water swirling over rocks, "
    .. "dripping rock, a faint green light far inside, dolly forward",
  caption = "The cave runs back under the lighthouse. Far inside, something gives off a "
    .. "faint green light.",
  -- Act three, eerie.
  variants = {
    { id = "eerie", tone = "eerie",
      caption = "The cave runs back under the lighthouse. Far inside, a green light moves, the way "
        .. "a lantern moves when someone carries it." },
  },
  sound = { "drip", "sea", "drone" },
  on = {
    { "deeper", "go in", "follow the light", "inside", to = "flooded_passage" },
    { "leave", "shore", "outside", "ship", "boat", to = "shore" },
  },
}

scene "flooded_passage" {
  enter = tide_rises,
  prompt = function(s)
    if s.tide >= 6 then
      return "a flooded passage in a sea cave at night, black water up to the roof, a thin gap "
        .. "of air, green light beyond, dread"
    end
    return "a flooded passage in a sea cave at night, black water to the waist, green light "
      .. "beyond, dripping rocks"
  end,
  caption = function(s)
    if s.tide >= 8 then
      return "The water is nearly at the roof. One breath of air, and then none."
    end
    if s.tide >= 6 then
      return "The water has risen. There is a hand's width of air between it and the rock."
    end
    return "Cold water to the waist. Beyond the passage, the green light."
  end,
  sound = { "drip", "sea", "drone" },
  on = {
    -- The tide decides: early it is a wade, late it is a gamble, then death.
    { "swim through", "wade through", "follow the light", "swim", "forward",
      to = function(s)
        if s.tide <= 5 then
          return "grotto"
        end
        if s.tide <= 7 and chance(0.5) then
          return "grotto"
        end
        return "drowned"
      end },
    { "leave", "back", "outside", to = "sea_cave" },
  },
}

scene "grotto" {
  enter = function(s) s.met_captain = true end,
  prompt = function(s)
    local p = "a hidden grotto deep in a cave at night, black water, {captain} holding a green "
      .. "lantern, candle light on wet rocks, eerie, slow orbit"
    if has("bell") then
      return p .. ", a bronze ship's bell in the foreground"
    end
    return p
  end,
  caption = function(s)
    if visits("grotto") == 1 then
      return "He is waiting, as if he has waited a long time. Water runs from his coat "
        .. "and never stops running."
    end
    return "The captain is where you left him."
  end,
  sound = { "drip", "drone", "interior" },
  -- The eerie tone ends the bell with the crew, not the dawn.
  variants = {
    { tone = "eerie", to = { [1] = "crew" } },
  },
  on = {
    { "ring the bell", "give him the bell",
      when = function(s) return has("bell") end,
      to = "bell",
      refuse = "You have no bell. The captain's eyes go to the sea, toward his ship." },
    { "talk to the captain", "who are you",
      reply = "He speaks with the sound of water. \"My crew are still out there. My bell "
        .. "called them home, once. It hangs on the wreck. Bring it. Ring it.\"" },
    { "tunnel", "climb", to = "cellar" },
    { "swim", "passage", "leave", to = "flooded_passage" },
  },
  otherwise = { reply = "The captain only watches you, dripping." },
}

-- Endings ------------------------------------------------------------------

ending "beacon" {
  transition = 3.0,
  prompt = function(s)
    if turn() < BOAT_LOST_TURN then
      return "a tall white lighthouse on the cliff, its lighthouse beam sweeping over a "
        .. "stormy sea at night, a small fishing boat turning away from the rocks, "
        .. "{keeper} standing at the foot of the tower with {dog}, stars "
        .. "breaking through the clouds, hopeful, camera rise"
    end
    return "a tall white lighthouse on the cliff, its lighthouse beam sweeping over a "
      .. "stormy sea at night, a boat wrecked on the rocks, figures on the shore, "
      .. "melancholy, camera rise"
  end,
  caption = function(s)
    local c
    if turn() < BOAT_LOST_TURN then
      c = "The lamp catches with a soft roar, and the beam swings out over the water. "
        .. "Slow as a thought, the little boat turns away from the rocks."
    else
      c = "The beam swings out at last. Too late for the boat: it is on the rocks. But "
        .. "by its light the crew find the beach, one by one."
    end
    if s.met_captain then
      c = c .. " On the wreck below, a pale figure raises a hand, and is gone."
    end
    return c
  end,
  sound = { "wind", "sea" },
}

ending "bell" {
  transition = 3.0,
  prompt = "dawn over a calm sea, thin fog, a bronze ship's bell on a rock, {captain} "
    .. "fading into golden light, birds, pink and gold sky, peaceful, slow pan",
  caption = "The bell's voice rolls out of the cave and across the water, and the captain "
    .. "bows his head. At dawn the boat is safe in the harbour. The crew say they followed a bell.",
  sound = { "sea", "drone" },
}

ending "crew" {
  transition = 3.0,
  prompt = "black water in a sea cave at night, drowned sailors rising from the water, "
    .. "{captain} holding a green lantern, a bronze ship's bell, mist, eerie, slow orbit",
  caption = "The bell's voice rolls out over the black water, and the crew answer it. One by "
    .. "one they rise, dripping, and take their places behind their captain. He holds out "
    .. "his cold hand to you. There is a place for you too.",
  sound = { "drone", "drip" },
}

ending "gold" {
  prompt = "a small rowing boat alone on a stormy sea at night, a chest of gold coins in "
    .. "the bow, a dark lighthouse behind, no beam, dread, still camera",
  caption = function(s)
    return string.format("You row until your hands bleed, %d sovereigns heavy in your "
      .. "pockets. Behind you the lighthouse stays dark. You never learn what became of "
      .. "the little boat.", s.coins)
  end,
  sound = { "storm", "sea", "wind" },
}

ending "drowned" {
  prompt = "deep under the sea, green water closing overhead, bubbles rising toward a faint moon, "
    .. "{captain} reaching out a hand, darkness, still camera",
  caption = "The cold takes your breath first, then everything else. Somewhere far "
    .. "above, a bell is ringing.",
  sound = { "drone", "sea" },
}
