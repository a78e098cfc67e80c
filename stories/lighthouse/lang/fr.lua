-- Le phare de Gull Rock, en français. Ids: SCENE.caption, SCENE.N (the
-- patterns of a scene's Nth transition), SCENE.N.reply, SCENE.N.refuse,
-- SCENE.otherwise, SCENE.variant.ID.caption (the eerie tone's captions);
-- `maze lint stories/lighthouse` lists what is missing.
-- Caption functions repeat the English ones' logic, in French.

local BOAT_LOST_TURN = 40
local function boat_far()
  return turn() < BOAT_LOST_TURN / 2
end

return {
  synonyms = {
    monter = { "grimper", "gravir", "escalader" },
    descendre = { "dévaler", "aller en bas" },
    prendre = { "ramasser", "attraper", "saisir", "voler" },
    parler = { "discuter", "demander", "interroger" },
    regarder = { "examiner", "observer", "fouiller", "inspecter" },
    allumer = { "rallumer", "enflammer" },
    partir = { "sortir", "retourner", "revenir", "ressortir" },
    capitaine = { "fantôme", "spectre", "silhouette" },
    barque = { "canot", "chaloupe", "barge" },
    navire = { "épave", "coque", "marianne" },
    grotte = { "caverne" },
    nager = { "plonger dans l'eau" },
    sonner = { "tinter", "frapper la cloche" },
    plage = { "rivage", "galets", "grève" },
    huile = { "pétrole", "combustible" },
  },

  -- Au-dessus de la falaise
  ["cliff_path.caption"] = function(s)
    if visits("cliff_path") == 1 then
      return "Le phare de Gull Rock devrait déjà briller. Il est éteint. "
        .. "Sur l'eau, un petit bateau file vers le port."
    end
    return "Encore le sentier de la falaise. La tour est toujours éteinte, et l'orage approche."
  end,
  ["cliff_path.1"] = { "phare", "tour", "marcher vers le phare" },
  ["cliff_path.2"] = { "maison", "frapper à la porte de la maison", "fenêtre", "gardien" },
  ["cliff_path.3"] = { "regarder par-dessus le bord", "bord de la falaise", "regarder la mer", "navire" },
  ["cliff_path.4"] = { "descendre", "marches", "plage", "grotte" },
  -- Le ton inquiétant (viewer.tone = "eerie")
  ["cliff_path.variant.eerie.caption"] = function(s)
    if visits("cliff_path") == 1 then
      return "Le phare de Gull Rock devrait déjà briller. Il est éteint, et le noir semble "
        .. "vous observer. Sur l'eau, un petit bateau file vers le port comme poursuivi."
    end
    return "Encore le sentier de la falaise. La tour est toujours éteinte, et quelque chose "
      .. "dans l'orage approche."
  end,

  ["cliff_edge.caption"] = function(s)
    if s.flash then
      return "Un éclair. Pendant un instant blanc, un homme se tient sur l'épave, "
        .. "les yeux levés droit vers vous."
    end
    return "Tout en bas, les os d'un navire gisent brisés sur les rochers. Le ressac "
      .. "les travaille patiemment."
  end,
  ["cliff_edge.1"] = { "sauter" },
  ["cliff_edge.1.reply"] = "Le vent vous repousse du bord, comme une main sur la poitrine.",
  ["cliff_edge.2"] = { "attacher la corde", "descendre par la corde", "rappel" },
  ["cliff_edge.2.reply"] = "Vous nouez la corde à un poteau et vous vous laissez descendre, "
    .. "main après main, dans les embruns.",
  ["cliff_edge.2.refuse"] = "C'est un à-pic. Pas sans une corde.",
  ["cliff_edge.3"] = { "descendre", "marches", "plage" },
  ["cliff_edge.4"] = { "phare", "tour" },
  ["cliff_edge.5"] = { "partir", "sentier", "maison" },
  ["cliff_edge.otherwise"] = "Le vent vous arrache les mots de la bouche.",

  ["cottage.caption"] = function(s)
    if visits("cottage") == 1 then
      return "Le gardien lève les yeux de son fauteuil. « Tombé dans l'escalier de la tour, » "
        .. "dit-il. « Ma jambe ne vaut plus rien. Et la lumière est éteinte. »"
    end
    return "Le feu crépite. Le gardien n'a pas bougé."
  end,
  ["cottage.1"] = { "parler au gardien", "l'aider", "que s'est-il passé", "demander la clé", "clé" },
  ["cottage.1.reply"] = "« La clé de la tour. » Il vous met le fer froid dans la main. « L'huile est "
    .. "dans la remise derrière. Allumez-la, avant que ce bateau trouve les rochers. »",
  ["cottage.2"] = { "parler au gardien", "l'aider", "que s'est-il passé", "demander la clé", "clé" },
  ["cottage.2.reply"] = "« Allez, » dit-il. « L'escalier, remplir le réservoir, allumer la lampe. "
    .. "Ne restez pas plantée là. »",
  ["cottage.3"] = { "demander le navire", "noyé", "quel navire" },
  ["cottage.3.reply"] = "« La Marianne, » dit-il sans vous regarder. « Il y a trente ans. La "
    .. "lumière était éteinte cette nuit-là aussi. Je... dormais. » Ses mains tremblent.",
  ["cottage.4"] = { "prendre la lanterne" },
  ["cottage.4.reply"] = "Vous prenez la lanterne de cuivre. Elle est lourde d'huile.",
  ["cottage.5"] = { "allumer la lanterne" },
  ["cottage.5.reply"] = "Vous allumez la mèche au foyer. Une lumière chaude emplit le verre.",
  ["cottage.5.refuse"] = "Vous n'avez rien à allumer. Il y a une lanterne sur la table.",
  ["cottage.6"] = { "caresser le chien" },
  ["cottage.6.reply"] = "Le chien se souvient de vous. Il s'appuie de tout son poids contre vos jambes.",
  ["cottage.7"] = { "caresser le chien" },
  ["cottage.7.reply"] = "Le chien frappe deux fois le sol de sa queue, puis soupire.",
  ["cottage.8"] = { "remise", "porte de derrière" },
  ["cottage.9"] = { "partir", "sentier", "dehors" },

  ["oil_shed.caption"] = function(s)
    if s.lantern_lit then
      return "Des bidons, des filets, des rouleaux de corde, et une odeur de pétrole."
    end
    return "Il fait noir comme dans un four. Quelque chose de métallique cliquette sous votre pied."
  end,
  ["oil_shed.1"] = { "prendre l'huile", "bidon d'huile" },
  ["oil_shed.1.reply"] = "Un bidon, c'est tout ce que vous pouvez monter par cet escalier.",
  ["oil_shed.2"] = { "prendre l'huile", "bidon d'huile" },
  ["oil_shed.2.reply"] = "Vous soulevez un plein bidon d'huile à lampe. Il clapote contre votre jambe.",
  ["oil_shed.2.refuse"] = "Trop sombre pour distinguer l'huile du goudron. Il vous faut une lumière.",
  ["oil_shed.3"] = { "prendre la corde", "corde" },
  ["oil_shed.3.reply"] = "Vous passez un rouleau de corde sur votre épaule.",
  ["oil_shed.4"] = { "maison", "porte de derrière", "dedans" },
  ["oil_shed.5"] = { "partir", "sentier", "dehors" },

  -- La tour
  ["tower_door.caption"] = function(s)
    if has("key") then
      return "La porte de fer. La clé du gardien est froide dans votre main."
    end
    return "La porte de fer est bien fermée. Aucune lumière aux fenêtres de la tour."
  end,
  ["tower_door.1"] = { "ouvrir la porte", "déverrouiller", "utiliser la clé", "entrer", "dedans" },
  ["tower_door.1.reply"] = "La serrure tourne dans un cri. Le vent claque la porte derrière vous.",
  ["tower_door.1.refuse"] = "Fermée à clé. Le gardien doit avoir la clé.",
  ["tower_door.2"] = { "frapper" },
  ["tower_door.2.reply"] = "Seul le vent répond.",
  ["tower_door.3"] = { "partir", "sentier", "maison" },

  ["tower_base.caption"] = function(s)
    if s.fell then
      return "Votre pied ne trouve rien. Vous glissez et dégringolez jusqu'en bas, et restez "
        .. "étendue sur le sol mouillé, meurtrie."
    end
    if s.lantern_lit then
      return "L'escalier s'enroule hors de la lumière de la lanterne. Une trappe est creusée dans le sol."
    end
    return "Un escalier de fer monte dans une obscurité totale. Quelque chose goutte, tout là-haut."
  end,
  ["tower_base.1"] = { "monter", "escalier", "en haut" },
  ["tower_base.2"] = { "ouvrir la trappe", "trappe", "cave" },
  ["tower_base.2.reply"] = "La trappe se soulève en gémissant. Une échelle descend dans la roche.",
  ["tower_base.2.refuse"] = "Vous trouvez l'anneau de la trappe à tâtons, mais dessous c'est un puits noir. "
    .. "Il vous faut une lumière.",
  ["tower_base.3"] = { "partir", "dehors", "porte" },

  ["stairs.caption"] = function(s)
    if boat_far() then
      return "Par une fenêtre ronde : les feux du bateau, encore loin au large, qui montent et descendent."
    end
    return "Par une fenêtre ronde : les feux du bateau, terriblement près des rochers maintenant."
  end,
  ["stairs.1"] = { "monter", "en haut", "continuer" },
  ["stairs.2"] = { "descendre", "en bas" },
  ["stairs.3"] = { "regarder par la fenêtre", "bateau" },
  ["stairs.3.reply"] = "Le bateau est si petit. Chaque vague le cache, et chaque fois vous le croyez perdu.",

  ["watch_room.caption"] = "La salle de veille. Un bureau, un registre, le réservoir de cuivre qui "
    .. "nourrit la lampe au-dessus.",
  ["watch_room.variant.eerie.caption"] = "La salle de veille. Le registre est ouvert, et personne "
    .. "ne l'a ouvert. Le réservoir de cuivre cliquette, comme une respiration.",
  ["watch_room.1"] = { "lire le registre", "registre", "livre" },
  ["watch_room.1.reply"] = "La dernière page a trente ans : « Marianne perdue sur les rochers corps et "
    .. "biens. La lumière était éteinte. Que Dieu me pardonne. » Le reste est vide.",
  ["watch_room.2"] = { "verser l'huile", "remplir le réservoir", "huile" },
  ["watch_room.2.reply"] = "Le réservoir est plein. La lampe au-dessus attend.",
  ["watch_room.3"] = { "verser l'huile", "remplir le réservoir", "huile" },
  ["watch_room.3.reply"] = "L'huile glougloute dans le réservoir. L'aiguille de la jauge quitte le zéro.",
  ["watch_room.3.refuse"] = "Le réservoir est à sec. Il y a de l'huile dans la remise près de la maison.",
  ["watch_room.4"] = { "allumer la lampe" },
  ["watch_room.4.reply"] = "La lampe est en haut de l'échelle, dans la chambre de la lanterne.",
  ["watch_room.5"] = { "monter", "échelle", "en haut" },
  ["watch_room.6"] = { "galerie", "balcon", "dehors" },
  ["watch_room.7"] = { "descendre", "en bas" },

  ["lamp_room.caption"] = function(s)
    if s.oiled then
      return "La grande lentille attend, la mèche imbibée et prête. Il ne lui manque qu'une flamme."
    end
    return "La grande lentille est sombre et froide, la mèche sèche."
  end,
  ["lamp_room.1"] = { "allumer la lampe", "allumer le phare", "allumer la mèche" },
  ["lamp_room.2"] = { "allumer la lampe", "allumer le phare", "allumer la mèche" },
  ["lamp_room.2.reply"] = "La mèche est sèche. Le réservoir de la salle de veille, en dessous, a besoin d'huile.",
  ["lamp_room.3"] = { "regarder le bateau", "regarder dehors" },
  ["lamp_room.3.reply"] = "Un bateau de pêche, feux ballottés, qui file vers le port. Droit sur les rochers.",
  ["lamp_room.4"] = { "descendre", "en bas" },

  ["gallery.caption"] = "Le vent manque de vous emporter. Tout en bas, au pied de la falaise, "
    .. "la mer entre et sort d'une grotte.",
  ["gallery.1"] = { "faire signe", "crier" },
  ["gallery.1.reply"] = "Personne sur ce bateau ne peut vous entendre. Seule une lumière peut les atteindre.",
  ["gallery.2"] = { "sauter" },
  ["gallery.2.reply"] = "Vous serrez la rambarde à en blanchir les jointures, et ne sautez pas.",
  ["gallery.3"] = { "dedans", "partir", "salle de veille" },

  ["cellar.caption"] = "Sous la tour, la roche est creuse. Un tunnel s'éloigne en pente, et au bout "
    .. "on entend la mer respirer.",
  ["cellar.1"] = { "tunnel", "suivre le tunnel", "descendre" },
  ["cellar.2"] = { "monter", "échelle", "trappe" },

  -- Sous la falaise
  ["cliff_steps.caption"] = function(s)
    if visits("cliff_steps") == 1 then
      return "Deux cents marches, glissantes de pluie. Vous les comptez pour ne pas regarder en bas."
    end
    return "Encore les marches, glissantes de pluie."
  end,
  ["cliff_steps.1"] = { "descendre", "plage", "navire", "grotte", "barque" },
  ["cliff_steps.2"] = { "monter", "sentier", "sommet", "partir" },

  ["shore.caption"] = function(s)
    if s.tide >= 6 then
      return "La marée monte vite. La plage n'est plus que la moitié de ce qu'elle était."
    end
    return "Des galets, des débris, une barque retournée. L'épave repose sur le récif, assez près "
      .. "pour y aller à gué, et la grotte marine s'ouvre sous le phare."
  end,
  ["shore.1"] = { "nager jusqu'au bateau", "nager" },
  ["shore.2"] = { "aller à gué jusqu'au navire", "navire" },
  ["shore.2.refuse"] = "La marée a recouvert le récif. L'épave est une île maintenant.",
  ["shore.3"] = { "grotte", "entrer dans la grotte" },
  ["shore.4"] = { "pousser la barque à l'eau", "ramer au large", "barque" },
  ["shore.4.refuse"] = "Ramer là-dedans ? Pas pour tout l'or du monde.",
  ["shore.5"] = { "monter", "marches", "sentier" },

  ["wreck.caption"] = function(s)
    if s.knows_marianne then
      return "MARIANNE, dit encore la poupe, en lettres que la mer a presque effacées."
    end
    return "L'épave gémit à chaque vague. Un nom sur la poupe est presque effacé."
  end,
  ["wreck.1"] = { "sonner la cloche" },
  ["wreck.1.reply"] = "Elle cogne sourdement dans vos bras. Quoi qu'elle appelle, elle ne sonnera pas ici.",
  ["wreck.2"] = { "sonner la cloche" },
  ["wreck.2.reply"] = "La cloche est étouffée d'algues. Elle rend un bruit sourd, rien de plus.",
  ["wreck.3"] = { "prendre la cloche", "décrocher la cloche" },
  ["wreck.3.reply"] = "Vous dégagez la cloche de sa corde pourrie. Elle est plus lourde qu'elle n'en a l'air.",
  ["wreck.4"] = { "cabine", "descendre dans la cale", "écoutille" },
  ["wreck.5"] = { "remonter la corde" },
  ["wreck.6"] = { "plage", "partir" },

  ["cabin.caption"] = function(s)
    if has("gold") then
      return "Le portrait vous observe. Le coffre vide flotte et cogne contre la paroi."
    end
    return string.format("Un coffre de fer est ouvert : %d souverains d'or, brillants comme au "
      .. "jour de leur frappe. Le portrait du capitaine vous observe.", s.coins)
  end,
  ["cabin.1"] = { "prendre l'or", "ouvrir le coffre", "or", "pièces" },
  ["cabin.1.reply"] = "Les pièces sont glacées. Vous remplissez vos poches jusqu'à ce qu'elles pèsent.",
  ["cabin.2"] = { "regarder le portrait", "portrait", "tableau" },
  ["cabin.2.reply"] = "C'est l'homme que vous avez vu sur l'épave dans l'éclair. Ici, il sourit.",
  ["cabin.3"] = { "regarder le portrait", "portrait", "tableau" },
  ["cabin.3.reply"] = "Capitaine Josiah Crane, de la Marianne, dit une plaque de cuivre. Un visage bon et las.",
  ["cabin.4"] = { "partir", "pont", "monter" },
  ["cabin.otherwise"] = "L'eau clapote autour de vos genoux. Le navire craque.",

  ["sea_cave.caption"] = "La grotte s'enfonce sous le phare. Tout au fond, quelque chose répand "
    .. "une faible lumière verte.",
  ["sea_cave.variant.eerie.caption"] = "La grotte s'enfonce sous le phare. Tout au fond, une "
    .. "lumière verte bouge, comme bouge une lanterne que quelqu'un porte.",
  ["sea_cave.1"] = { "plus loin", "entrer", "suivre la lumière", "dedans" },
  ["sea_cave.2"] = { "partir", "plage", "dehors", "navire", "barque" },

  ["flooded_passage.caption"] = function(s)
    if s.tide >= 8 then
      return "L'eau touche presque la voûte. Une respiration d'air, et puis plus rien."
    end
    if s.tide >= 6 then
      return "L'eau est montée. Il reste une main d'air entre elle et la roche."
    end
    return "De l'eau froide jusqu'à la taille. Au-delà du passage, la lumière verte."
  end,
  ["flooded_passage.1"] = { "traverser à la nage", "traverser à gué", "suivre la lumière", "nager", "avancer" },
  ["flooded_passage.2"] = { "partir", "revenir en arrière", "dehors" },

  ["grotto.caption"] = function(s)
    if visits("grotto") == 1 then
      return "Il attend, comme s'il attendait depuis longtemps. L'eau ruisselle de son manteau "
        .. "et ne cesse jamais de ruisseler."
    end
    return "Le capitaine est là où vous l'avez laissé."
  end,
  ["grotto.1"] = { "sonner la cloche", "lui donner la cloche" },
  ["grotto.1.refuse"] = "Vous n'avez pas de cloche. Les yeux du capitaine vont vers la mer, vers son navire.",
  ["grotto.2"] = { "parler au capitaine", "qui êtes-vous" },
  ["grotto.2.reply"] = "Il parle avec le bruit de l'eau. « Mon équipage est encore là-dehors. Ma cloche "
    .. "les rappelait, autrefois. Elle pend sur l'épave. Apportez-la. Sonnez-la. »",
  ["grotto.3"] = { "tunnel", "monter" },
  ["grotto.4"] = { "nager", "passage", "partir" },
  ["grotto.otherwise"] = "Le capitaine se contente de vous regarder, ruisselant.",

  -- Fins
  ["beacon.caption"] = function(s)
    local c
    if turn() < BOAT_LOST_TURN then
      c = "La lampe prend avec un doux rugissement, et le faisceau balaie l'eau. "
        .. "Lent comme une pensée, le petit bateau se détourne des rochers."
    else
      c = "Le faisceau balaie enfin la mer. Trop tard pour le bateau : il est sur les rochers. "
        .. "Mais à sa lumière l'équipage trouve la plage, un par un."
    end
    if s.met_captain then
      c = c .. " Sur l'épave, en bas, une silhouette pâle lève la main, et disparaît."
    end
    return c
  end,
  ["bell.caption"] = "La voix de la cloche roule hors de la grotte et sur l'eau, et le capitaine "
    .. "incline la tête. À l'aube, le bateau est à l'abri au port. L'équipage dit avoir suivi une cloche.",
  ["gold.caption"] = function(s)
    return string.format("Vous ramez à vous en faire saigner les mains, %d souverains lourds dans "
      .. "vos poches. Derrière vous, le phare reste éteint. Vous ne saurez jamais ce qu'est "
      .. "devenu le petit bateau.", s.coins)
  end,
  ["crew.caption"] = "La voix de la cloche roule sur l'eau noire, et l'équipage lui répond. Un à "
    .. "un ils remontent, ruisselants, et prennent leur place derrière leur capitaine. Il vous "
    .. "tend sa main froide. Il y a une place pour vous aussi.",
  ["drowned.caption"] = "Le froid vous prend d'abord le souffle, puis tout le reste. Quelque part, "
    .. "tout là-haut, une cloche sonne.",
}
