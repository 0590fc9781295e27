"""What makes each demo council read like a place of its own: its streets,
its meeting room, its school, and the themes its residents talk about.

Texts are templates: ``place(index)`` gives the details of the council at
``index`` in ``COUNCILS``, which every template is formatted with. Every
title names the neighbourhood, so no two councils share one.
"""

from __future__ import annotations

from .demo_councils import COUNCILS

# Per council, in the order of COUNCILS: (the neighbourhood with its article,
# a street, the meeting room, the school, a green space, the transport line).
LOCAL = [
    ("l'Alma", "la rue de l'Épeule", "la maison de quartier de l'Alma", "l'école Jules-Guesde",
     "le square de la Guinguette", "la ligne de bus 36"),
    ("la Bourgogne", "la rue de Bourgogne", "le centre social de la Bourgogne",
     "l'école Camille-Claudel", "le parc des Sports", "la ligne de bus 30"),
    ("le Grand Mirail", "le chemin de Bellefontaine", "la maison de quartier de Bagatelle",
     "l'école Didier-Daurat", "le parc de la Reynerie", "la ligne A du métro"),
    ("Frais-Vallon", "l'avenue de Frais-Vallon", "le centre social de Frais-Vallon",
     "l'école des Olives", "le jardin des Oliviers", "la ligne 1 du métro"),
    ("le Mas-du-Taureau", "l'avenue Gabriel-Péri", "le centre social Georges-Lévy",
     "l'école Makarenko", "le parc du Mas", "la ligne de bus C3"),
    ("la Duchère", "l'avenue du Plateau", "la maison des fêtes et des familles",
     "l'école des Géraniums", "le parc du Vallon", "la ligne de bus C6"),
    ("le Val-Fourré", "le boulevard Sully", "le centre de vie sociale Augustin-Serre",
     "l'école Louise-Michel", "le parc de la Vallée", "la ligne de bus 1"),
    ("les Merisiers", "la rue Paul-Langevin", "la maison de quartier des Merisiers",
     "l'école Jean-Jaurès", "le square des Merisiers", "le RER C"),
    ("le Plateau", "l'allée de Gagny", "la maison de l'habitat",
     "l'école Paul-Vaillant-Couturier", "le parc de la Fosse-Maussoin", "le tramway T4"),
    ("les Francs-Moisins", "la rue Danielle-Casanova", "la maison de quartier Franc-Moisin",
     "l'école Anatole-France", "le parc de la Légion-d'Honneur", "la ligne 13 du métro"),
    ("les Lochères", "l'avenue du 8-Mai-1945", "le centre social des Vignes-Blanches",
     "l'école Pasteur", "le parc Kennedy", "le tramway T5"),
    ("le Neuhof", "la rue de la Klebsau", "le centre socioculturel du Neuhof", "l'école Reuss",
     "le parc du Neuhof", "la ligne C du tram"),
    ("les Coteaux", "la rue de Provence", "le centre socioculturel Papin", "l'école Pierre-Loti",
     "le parc des Coteaux", "la ligne 1 du tram"),
    ("la Villeneuve", "la galerie de l'Arlequin", "la maison des habitants du Patio",
     "l'école des Buttes", "le parc Jean-Verlhac", "la ligne A du tram"),
    ("Bellevue", "la rue Jean-Moulin", "la maison de quartier de Bellevue", "l'école Jean-Zay",
     "le parc de la Chézine", "la ligne 1 du tram"),
    ("le Blosne", "le boulevard de Yougoslavie", "le centre culturel du Triangle",
     "l'école de Torigné", "le parc de Bréquigny", "la ligne a du métro"),
    ("le Chemin-Bas", "l'avenue Pierre-Gamel", "la maison de quartier du Chemin-Bas",
     "l'école Marie-Soboul", "le square de la Couronne", "la ligne de bus T2"),
    ("la Mosson", "l'avenue de Heidelberg", "la maison pour tous Léo-Lagrange",
     "l'école Heidelberg", "le parc Malbosc", "la ligne 1 du tram"),
    ("Génicart", "l'avenue de la Libération", "le centre social de Génicart",
     "l'école Condorcet", "le parc de l'Ermitage", "la ligne A du tram"),
    ("le Chaudron", "le boulevard du Chaudron", "la case de quartier du Chaudron",
     "l'école Joseph-Hubert", "le jardin du Chaudron", "la ligne de bus 5"),
]  # fmt: skip


def _with(preposition: str, phrase: str) -> str:
    """« de » or « à » before a noun phrase: du, des, au, aux, de l', à la..."""
    contracted = {("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"}
    article, _, rest = phrase.partition(" ")
    if (preposition, article) in contracted:
        return f"{contracted[preposition, article]} {rest}"
    return f"{preposition} {phrase}"


def _without_article(phrase: str) -> str:
    if phrase.startswith("l'"):
        return phrase[2:]
    article, _, rest = phrase.partition(" ")
    return rest if article in ("le", "la", "les") else phrase


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def place(index: int) -> dict[str, str]:
    """The details of the council at ``index`` (copies made by ``--scale`` use
    their original's), ready for ``str.format``."""
    index %= len(COUNCILS)
    quarter, street, venue, school, green, line = LOCAL[index]
    return {
        "q": quarter,
        "Q": _capital(quarter),
        "de_q": _with("de", quarter),
        "a_q": _with("à", quarter),
        "town": COUNCILS[index][1],
        "street": street,
        "de_street": _with("de", street),
        "venue": venue,
        "Venue": _capital(venue),
        # The room as a meeting's place: without its article.
        "room": _capital(_without_article(venue)),
        "de_venue": _with("de", venue),
        "a_venue": _with("à", venue),
        "school": school,
        "de_school": _with("de", school),
        "green": green,
        "Green": _capital(green),
        "de_green": _with("de", green),
        "a_green": _with("à", green),
        "line": line,
        "Line": _capital(line),
        "de_line": _with("de", line),
    }


# A theme: the forum topic (title, first post, replies), the news article
# (title, summary, body, tags) and the public meeting (title, description).
# Titles hold two wordings split by "|": the councils that share a theme
# (every tenth) do not share the wording.
THEMES = [
    {
        "topic": (
            "Jardin partagé {de_q} : qui veut une parcelle ?"
            "|Des parcelles à cultiver près {de_green} ({q})",
            "Bonjour à tous,\n\nLe bailleur est d'accord pour nous laisser la pelouse le long "
            "{de_street}. Nous pourrions y faire **une dizaine de parcelles**. "
            "Qui serait partant pour jardiner ? Il faudra aussi quelqu'un pour l'arrosage "
            "en août.",
            [
                "Moi ! Je peux apporter des plants de tomates et de courgettes.",
                "Bonne idée. Il faudrait un récupérateur d'eau de pluie, l'eau coûte cher.",
                "Je peux m'occuper de l'arrosage la première quinzaine d'août.",
                "Attention, l'an dernier les parcelles près {de_green} ont été piétinées. "
                "Une petite clôture serait utile.",
            ],
        ),
        "article": (
            "Jardin partagé {de_q} : les premières récoltes|Au jardin {de_q}, on récolte déjà",
            "Tomates, courgettes et aromatiques : le jardin tient ses promesses.",
            "Six mois après les premiers coups de bêche, le jardin partagé {de_q} compte "
            "douze familles. Les enfants de {school} viennent chaque jeudi.\n\n"
            "Il reste **deux parcelles libres** : inscriptions {a_venue}.",
            ["Jardin", "Cadre de vie"],
        ),
        "event": (
            "Atelier plantations au jardin partagé {de_q}",
            "Apportez vos gants : nous plantons les semis de printemps. Ouvert à tous.",
        ),
    },
    {
        "topic": (
            "Éclairage public {a_q} : les rues trop sombres"
            "|Lampadaires en panne {a_q} : faisons la liste",
            "Plusieurs voisins m'ont dit qu'ils ne se sentaient pas tranquilles le soir "
            "du côté {de_street}. Deux lampadaires ne marchent plus depuis la rentrée. "
            "Faisons la liste des endroits à signaler à la mairie.",
            [
                "Il y a aussi le passage entre {venue} et le parking : tout noir après 18 h.",
                "J'ai signalé le lampadaire en face de chez moi sur l'application de la ville, "
                "sans réponse.",
                "Proposons un diagnostic en marchant un soir, avec les services techniques.",
            ],
        ),
        "article": (
            "Diagnostic en marchant {a_q} : l'éclairage passé au crible"
            "|Onze points sombres relevés {a_q}",
            "Quinze habitants ont fait le tour du quartier à la nuit tombée.",
            "Jeudi soir, quinze habitantes et habitants ont parcouru {q} avec les services "
            "techniques de {town}. **Onze points sombres** ont été relevés, dont trois "
            "le long {de_street}.\n\nLa ville s'est engagée à réparer les lampadaires en panne "
            "d'ici deux mois. Nous ferons le point en réunion plénière.",
            ["Cadre de vie", "Tranquillité"],
        ),
        "event": (
            "Diagnostic en marchant de nuit {a_q}",
            "Départ devant {venue}. Prévoir une lampe de poche et de bonnes chaussures.",
        ),
    },
    {
        "topic": (
            "Fête de quartier {de_q} : on s'organise"
            "|Bénévoles pour la fête {de_q} : inscrivez-vous",
            "La fête approche ! Il nous faut des bénévoles pour :\n\n- les stands de "
            "nourriture\n- la musique\n- le rangement le soir\n\nInscrivez-vous ici.",
            [
                "Je m'occupe du stand de crêpes avec ma voisine.",
                "Mon fils fait du DJ, il peut passer de la musique l'après-midi.",
                "Il faudrait demander des tables et des barnums {a_venue}.",
                "Je peux aider au rangement. On commence à quelle heure ?",
            ],
        ),
        "article": (
            "Fête de quartier {de_q} : merci à toutes et à tous !"
            "|Trois cents voisins à la fête {de_q}",
            "Plus de trois cents personnes sont passées {a_green}.",
            "Soleil, musique et plats du monde entier : la fête {de_q} a réuni plus de "
            "trois cents habitants {a_green}.\n\nMerci aux trente bénévoles, aux "
            "associations et {a_venue}. Les photos sont à voir au prochain conseil.",
            ["Fête de quartier", "Vie du quartier"],
        ),
        "event": (
            "Réunion de préparation de la fête {de_q}",
            "Répartition des stands, des tâches et du matériel. Toutes les idées sont les "
            "bienvenues.",
        ),
    },
    {
        "topic": (
            "Budget participatif : nos idées pour {q}"
            "|Quels projets déposer pour {q} au budget participatif ?",
            "La ville ouvre son budget participatif jusqu'à la fin du mois. "
            "Quels projets voulez-vous que le conseil dépose pour {q} ?",
            [
                "Des bancs et de l'ombre {a_green}, les anciens n'ont nulle part où s'asseoir.",
                "Un terrain de basket refait, celui d'aujourd'hui est plein de trous.",
                "Une boîte à livres devant {venue}.",
                "On peut déposer trois projets maximum, il faudra voter entre nous.",
            ],
        ),
        "article": (
            "Budget participatif : trois projets déposés pour {q}"
            "|Votez pour les projets {de_q} au budget participatif",
            "Bancs, boîte à livres et terrain de basket : votez jusqu'au 30.",
            "Le conseil a déposé trois projets pour {q} au budget participatif de "
            "{town} :\n\n1. des bancs et des arbres {a_green} ;\n2. une boîte à livres "
            "devant {venue} ;\n3. la rénovation du terrain de basket.\n\n"
            "Tous les habitants peuvent voter, en ligne ou à la mairie de quartier.",
            ["Budget participatif"],
        ),
        "event": (
            "Soirée de vote du budget participatif {a_q}",
            "Venez découvrir les projets et voter. Une urne sera installée toute la soirée.",
        ),
    },
    {
        "topic": (
            "Sécurité devant {school} : les voitures roulent trop vite ({q})"
            "|Sortie {de_school} ({q}) : un passage piéton, vite !",
            "Ce matin encore, une voiture a failli renverser un enfant devant {school}. "
            "Il faut un **passage piéton surélevé** et quelqu'un pour faire traverser "
            "aux heures d'entrée.",
            [
                "Tout à fait d'accord. Les parents se garent aussi sur le trottoir.",
                "On pourrait demander un ralentisseur et une zone 30 sur toute la longueur "
                "{de_street}.",
                "Je peux faire une pétition auprès des parents d'élèves.",
            ],
        ),
        "article": (
            "Une zone 30 devant {school} {a_q}"
            "|Sécurité routière {a_q} : la pétition des parents entendue",
            "Après la pétition des parents, la ville installe un plateau surélevé.",
            "Les quatre cents signatures recueillies par les parents et le conseil citoyen "
            "ont été entendues : un plateau surélevé et une zone 30 seront installés devant "
            "{school} pendant les vacances.\n\nMerci aux parents qui font traverser les "
            "enfants chaque matin.",
            ["Sécurité routière", "École"],
        ),
        "event": (
            "Réunion publique : sécurité routière devant {school}",
            "Avec la police municipale et les services de voirie. Parents bienvenus.",
        ),
    },
    {
        "topic": (
            "Rénovation urbaine {de_q} : ce qu'on sait des relogements"
            "|Relogements {a_q} : partageons les informations",
            "Le bailleur a présenté le calendrier de la rénovation {de_q}. Les premiers "
            "relogements commencent à l'automne. Beaucoup de voisins s'inquiètent : "
            "partagez ici les informations que vous avez.",
            [
                "Ma voisine a reçu un courrier, on lui propose un appartement dans un autre "
                "quartier. Elle ne veut pas partir.",
                "Chaque famille a droit à trois propositions, c'est dans la charte de relogement.",
                "Demandons une permanence du bailleur {a_venue}, une fois par semaine.",
            ],
        ),
        "article": (
            "Rénovation {de_q} : une permanence pour les locataires"
            "|Relogements {a_q} : le bailleur vous reçoit le mardi",
            "Chaque mardi, le bailleur répond aux questions sur les relogements.",
            "À la demande du conseil citoyen, le bailleur tient désormais une permanence "
            "**chaque mardi de 14 h à 17 h** {a_venue}.\n\nVenez avec vos courriers : "
            "un membre du conseil peut vous accompagner.",
            ["Rénovation urbaine", "Logement"],
        ),
        "event": (
            "Réunion publique sur le projet de rénovation {de_q}",
            "Présentation des plans et du calendrier par la ville et le bailleur, "
            "puis questions des habitants.",
        ),
    },
    {
        "topic": (
            "{Line} : les retards qui pénalisent {q}"
            "|Bus et tram le soir {a_q} : écrivons au réseau",
            "Depuis le changement d'horaires, {line} passe toutes les vingt minutes le "
            "soir. Pour ceux qui travaillent tard, c'est très difficile. On écrit à "
            "l'autorité des transports ?",
            [
                "Oui, et le dimanche c'est encore pire.",
                "L'arrêt près {de_venue} n'a toujours pas d'abri, on attend sous la pluie.",
                "Je peux rédiger un brouillon de lettre, vous le relirez.",
            ],
        ),
        "article": (
            "Transports : le conseil {de_q} demande plus de passages"
            "|Plus de passages le soir {a_q} : notre lettre au réseau",
            "Une lettre signée par deux cents habitants a été remise à l'autorité des transports.",
            "Le conseil citoyen a remis une lettre sur {line} : plus de passages le soir "
            "et le dimanche, un abri à l'arrêt près {de_venue}.\n\nRéponse attendue "
            "avant la fin du mois.",
            ["Transports"],
        ),
        "event": (
            "Rencontre avec le réseau de transports {a_q}",
            "Horaires, arrêts, accessibilité : posez vos questions aux responsables du réseau.",
        ),
    },
    {
        "topic": (
            "Encombrants et propreté des halls {a_q}|Les encombrants s'entassent {a_q}",
            "Les encombrants s'accumulent encore au pied des immeubles {de_street}. "
            "Quelqu'un sait quand passe la collecte ?",
            [
                "Le premier lundi du mois, mais il faut prendre rendez-vous au numéro de la "
                "mairie.",
                "On pourrait organiser une journée de nettoyage avec les jeunes du quartier.",
                "Je relaie à l'amicale des locataires.",
            ],
        ),
        "article": (
            "Grand nettoyage {de_q} : quarante bénévoles mobilisés"
            "|Deux bennes remplies {a_q} en une matinée",
            "Deux bennes remplies en une matinée, et un goûter pour finir.",
            "Samedi matin, quarante habitants, dont beaucoup de jeunes, ont nettoyé les "
            "abords {de_green} et {de_street}.\n\nLa ville a fourni gants, sacs et "
            "bennes. Rendez-vous au printemps pour la prochaine édition.",
            ["Propreté", "Cadre de vie"],
        ),
        "event": (
            "Matinée de nettoyage {de_q}",
            "Rendez-vous devant {venue}. Gants et sacs fournis, goûter offert.",
        ),
    },
    {
        "topic": (
            "Activités pour les jeunes {de_q} cet été"
            "|Que proposer aux ados {de_q} pendant les vacances ?",
            "Les vacances arrivent et il n'y a presque rien pour les 12-17 ans {a_q}. "
            "Qu'est-ce qu'on pourrait proposer avec les associations ?",
            [
                "Un tournoi de foot {a_green}, ça marche toujours.",
                "Des sorties à la mer ou en forêt, beaucoup de jeunes ne partent jamais.",
                "L'appel à projets « Quartiers d'été » peut financer une partie.",
            ],
        ),
        "article": (
            "Un été animé pour les jeunes {de_q}|Tournoi et sorties : l'été des 12-17 ans {a_q}",
            "Tournoi, sorties et ateliers : le programme des vacances est prêt.",
            "Avec les associations sportives et {venue}, le conseil a préparé un programme "
            "pour les 12-17 ans : tournoi de foot {a_green}, deux sorties à la journée, "
            "ateliers vidéo.\n\nInscriptions gratuites auprès des animateurs.",
            ["Jeunesse", "Vacances"],
        ),
        "event": (
            "Forum des activités d'été {de_q}",
            "Les associations présentent leurs activités pour les jeunes. Inscriptions sur place.",
        ),
    },
    {
        "topic": (
            "Ateliers numériques pour les seniors {de_q}"
            "|Aider les anciens {de_q} à faire leurs démarches en ligne",
            "Beaucoup d'anciens n'arrivent pas à faire leurs démarches en ligne (impôts, "
            "retraite, CAF). Qui pourrait donner un coup de main une heure par semaine ?",
            [
                "Je travaille dans l'informatique, je peux venir le samedi matin.",
                "{Venue} a des ordinateurs qui ne servent pas le matin.",
                "Ma mère serait ravie, elle a peur de se tromper sur internet.",
            ],
        ),
        "article": (
            "Des ateliers numériques pour les seniors {a_venue}"
            "|Démarches en ligne : des bénévoles aident les seniors {de_q}",
            "Chaque samedi matin, des bénévoles aident aux démarches en ligne.",
            "Impôts, retraite, rendez-vous médicaux : chaque samedi de 10 h à 12 h, des "
            "bénévoles du conseil {de_q} aident les seniors {a_venue}.\n\n"
            "Gratuit, sans inscription. Apportez vos identifiants si vous les avez.",
            ["Numérique", "Seniors"],
        ),
        "event": (
            "Atelier numérique : faire ses démarches en ligne ({q})",
            "Apportez votre téléphone ou votre tablette. Des bénévoles vous accompagnent.",
        ),
    },
]

# Replies any thread may end with, drawn at random.
CLOSING_REPLIES = [
    "Merci pour ces informations, je transmets à mes voisins.",
    "On en parle à la prochaine réunion ?",
    "D'accord avec tout ça. Je peux aider si besoin.",
    "Bonne idée, je m'inscris.",
    "Je mets l'affiche dans mon hall ce soir.",
]

# Private meetings of the council's members, and its plenaries (past).
PREPARATION = (
    "Préparation du comité de pilotage ({q})",
    "Entre membres : nous relisons nos propositions avant le comité de pilotage du contrat "
    "de ville.",
)
PLENARY = (
    "Réunion plénière {de_q}",
    "## Ordre du jour\n\n- Nouvelles du quartier\n- Point sur nos projets\n"
    "- Questions des habitants",
)

# The pages members write together: (title, first text, then later
# additions with their summary of the change).
PAGES = [
    (
        "Nos propositions pour le contrat de ville ({q})",
        "## Ce que nous demandons\n\n- Une permanence des services publics {a_venue}\n"
        "- L'entretien {de_green}",
        [
            ("\n- Un abri à l'arrêt de {line}", "Ajout des transports"),
            (
                "\n\n## Prochaines étapes\n\nPrésenter ces propositions au comité de pilotage.",
                "Ajout des prochaines étapes",
            ),
        ],
    ),
    (
        "Compte rendu partagé de la plénière {de_q}",
        "## Présents\n\nUne quinzaine d'habitants, réunis {a_venue}.\n\n## Décisions\n\n"
        "- Soutenir le projet de jardin partagé",
        [
            ("\n- Écrire à la mairie au sujet {de_school}", "Décision oubliée"),
            ("\n\n## Prochaine réunion\n\nDans un mois, même lieu.", "Date de la suite"),
        ],
    ),
]


def wording(title: str, index: int) -> str:
    """One of the wordings of ``title`` ("a|b"), by council."""
    wordings = title.split("|")
    return wordings[(index // len(THEMES)) % len(wordings)]
