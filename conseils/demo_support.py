"""Demo help desk: a queue in every state (new, due soon, overdue, a call
wanted, answered in writing or by phone, assigned to the referent, replied
to, closed, reopened) and eight weeks of history for the statistics.

Requests are written through the services, then moved back in time, so
that the clocks read right whenever the demo is run. Idempotent: each
request carries a ``submission_key`` of its own, found again on the next run.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from councils.models import Council, Department, Membership
from support import services
from support.models import ANSWER_WITHIN, HelpMessage, HelpRequest

from .demo_councils import COUNCILS

KEY_PREFIX = "demo-support-"
RESIDENT_DOMAIN = "@habitants.demo.conseils.test"
ANIMATOR_SIGNATURE = "Nadia, de l'animation nationale"
REFERENT_SIGNATURE = "Olivier, référent pour le Nord"

# Today's queue. ``requester``: a demo account, "resident" (a resident member
# of the council), or (name, e-mail) for someone signed out. ``council``: an
# index in COUNCILS; ``department``: a code, when no council is concerned.
# ``sent`` and each step: hours ago. Steps: (hours ago, verb, who, *details).
CURRENT = [
    {
        "key": "new",
        "subject": "Comment créer un conseil citoyen dans notre quartier ?",
        "message": (
            "Bonjour,\n\nDans notre quartier, à Aulnay-sous-Bois, il n'y a pas de conseil "
            "citoyen. Avec des voisins, nous aimerions en créer un. Par où commencer ? "
            "Faut-il l'accord de la mairie ?\n\nMerci de votre aide."
        ),
        "requester": ("Mariam Koné", "mariam.kone@example.org"),
        "department": "93",
        "sent": 1,
        "steps": [],
    },
    {
        "key": "due-soon",
        "subject": "Le budget du quartier : où trouver les chiffres ?",
        "message": (
            "Bonjour,\n\nAu dernier comité de pilotage, on nous a parlé d'un budget pour les "
            "projets des habitants. Personne ne sait nous dire combien il reste cette année, "
            "ni à qui le demander. Pouvez-vous nous aider à trouver ces chiffres ?"
        ),
        "requester": ("Bernard Petit", "bernard.petit@example.org"),
        "council": 1,
        "sent": 21,
        "steps": [],
    },
    {
        "key": "overdue",
        "subject": "Notre conseil ne se réunit plus depuis des mois",
        "message": (
            "Bonjour,\n\nJe suis membre du conseil citoyen des Coteaux. Depuis le départ de "
            "notre coordinatrice, il n'y a plus de réunion et personne ne répond au "
            "téléphone. Plusieurs habitants voudraient continuer. Que pouvons-nous faire "
            "pour relancer le conseil ?"
        ),
        "requester": ("Chantal Roux", "chantal.roux@example.org"),
        "council": 12,
        "sent": 30,
        "steps": [],
    },
    {
        "key": "call-wanted",
        "subject": "Je n'arrive plus à me connecter",
        "message": (
            "Bonjour,\n\nJ'ai changé de téléphone et je n'arrive plus à me connecter au "
            "site. Mon mot de passe ne marche pas et je ne reçois pas l'e-mail pour le "
            "changer. Je préfère qu'on m'explique au téléphone, je ne suis pas très à "
            "l'aise avec l'ordinateur."
        ),
        "requester": ("Monique Girard", "monique.girard@example.org"),
        "phone": "06 12 34 56 78",
        "call_times": "En semaine après 17 h, ou le samedi matin",
        "council": 5,
        "sent": 3,
        "steps": [],
    },
    {
        "key": "habitant-waiting",
        "subject": "Comment rejoindre le conseil citoyen de mon quartier ?",
        "message": (
            "Bonjour,\n\nJ'habite à Marseille, près de Frais-Vallon. Je voudrais participer "
            "au conseil citoyen, mais je ne sais pas si j'ai le droit : je suis locataire "
            "depuis un an seulement. Comment faire ?"
        ),
        "requester": "habitant",
        "council": 3,
        "sent": 5,
        "steps": [],
    },
    {
        "key": "habitant-answered",
        "subject": "Des comptes rendus lisibles par tous",
        "message": (
            "Bonjour,\n\nMa voisine est malvoyante et utilise un lecteur d'écran. Les "
            "comptes rendus du conseil de notre quartier sont des photos de pages : elle "
            "ne peut pas les lire. Peut-on les rendre accessibles ?"
        ),
        "requester": "habitant",
        "department": "13",
        "sent": 50,
        "steps": [
            (
                48,
                "answer",
                "animation",
                "Bonjour Lucas,\n\nMerci pour votre message. Une page prise en photo est une "
                "image : le lecteur d'écran ne peut pas la lire. Le plus simple est que le "
                "conseil dépose ses comptes rendus en texte (Word, LibreOffice, ou un PDF "
                "créé depuis le traitement de texte), jamais en photo.\n\nLa fiche « Des "
                "documents accessibles à tous » de la bibliothèque de ressources donne des "
                "exemples. Je peux aussi en parler au conseil, si vous le souhaitez.\n\n"
                f"{ANIMATOR_SIGNATURE}",
            ),
        ],
    },
    {
        "key": "call-reached",
        "subject": "La mairie ne répond pas à nos courriers",
        "message": (
            "Bonjour,\n\nNous avons écrit trois fois au service de la politique de la ville "
            "pour être invités au comité de pilotage. Aucune réponse. Est-ce normal ? Qui "
            "peut-on contacter ?"
        ),
        "requester": ("Karim Bouzid", "karim.bouzid@example.org"),
        "phone": "07 81 45 22 90",
        "call_times": "Le midi, entre 12 h et 14 h",
        "council": 8,
        "sent": 26,
        "steps": [
            (
                22,
                "call",
                "animation",
                14,
                True,
                "Expliqué à qui écrire : le délégué du préfet et le chef de projet politique "
                "de la ville, avec la mairie en copie. Envoyé le modèle de courrier de la "
                "bibliothèque. Il nous tient au courant.",
            ),
        ],
    },
    {
        "key": "call-missed",
        "subject": "À quoi peut servir le budget de fonctionnement du conseil ?",
        "message": (
            "Bonjour,\n\nNotre conseil a reçu 1 500 euros de la ville pour fonctionner. "
            "Pouvons-nous payer des boissons pour la fête de quartier et l'impression "
            "d'affiches ? Qui doit garder les factures ?"
        ),
        "requester": ("Yasmine Traoré", "yasmine.traore@example.org"),
        "phone": "06 98 76 54 32",
        "call_times": "Le mardi ou le jeudi après 18 h",
        "council": 2,
        "sent": 40,
        "steps": [
            (36, "call", "animation", 0, False, "Messagerie, message laissé."),
            (
                35,
                "answer",
                "animation",
                "Bonjour Yasmine,\n\nNous avons essayé de vous appeler sans réussir à vous "
                "joindre : voici la réponse par écrit.\n\nOui, ce budget sert à faire vivre "
                "le conseil : impressions, petit matériel, boissons d'une réunion ou d'une "
                "fête ouverte aux habitants. Gardez toutes les factures : en général, c'est "
                "l'association qui porte le conseil qui les conserve et rend les comptes à la "
                "ville une fois par an. Notez chaque dépense dans un tableau simple, présenté "
                "en réunion.\n\nSi vous voulez en parler de vive voix, dites-nous quand vous "
                f"rappeler.\n\n{ANIMATOR_SIGNATURE}",
            ),
        ],
    },
    {
        "key": "note",
        "subject": "Conflit entre membres : comment apaiser les choses ?",
        "message": (
            "Bonjour,\n\nDans notre conseil, deux membres ne se parlent plus et chaque "
            "réunion finit en dispute. Plusieurs personnes ne viennent plus. Nous ne savons "
            "pas comment faire sans exclure quelqu'un. Avez-vous des conseils, ou quelqu'un "
            "qui pourrait venir nous aider ?"
        ),
        "requester": ("Françoise Mercier", "francoise.mercier@example.org"),
        "council": 4,
        "sent": 10,
        "steps": [
            (8, "assign", "animation", "animation"),
            (
                7,
                "note",
                "animation",
                "Situation délicate : le désaccord dure depuis l'assemblée de juin. J'appelle "
                "la coordinatrice avant de répondre. Ne pas transférer ce message au conseil.",
            ),
        ],
    },
    {
        "key": "referent",
        "subject": "Une salle pour nos réunions du soir",
        "message": (
            "Bonjour,\n\nLa maison de quartier ferme à 18 h et beaucoup de membres "
            "travaillent. Où pouvons-nous nous réunir le soir ? La mairie doit-elle nous "
            "prêter une salle ?"
        ),
        "requester": "membre-a",
        "council": 0,
        "sent": 72,
        "steps": [
            (70, "assign", "animation", "referent"),
            (
                58,
                "answer",
                "referent",
                "Bonjour Julien,\n\nOui, le conseil citoyen doit disposer d'un lieu pour se "
                "réunir : c'est prévu par le contrat de ville. J'ai appelé le centre social de "
                "l'Alma : la salle du premier étage est libre le mardi et le jeudi jusqu'à "
                "21 h. Il suffit que votre coordinatrice remplisse la demande de prêt, je la "
                "lui envoie aujourd'hui.\n\nSi cela ne suffit pas, la mairie de quartier peut "
                f"aussi prêter sa salle.\n\n{REFERENT_SIGNATURE}",
            ),
        ],
    },
    {
        "key": "replied",
        "subject": "Une formation pour les nouveaux membres",
        "message": (
            "Bonjour,\n\nCinq habitants viennent de rejoindre notre conseil. Existe-t-il une "
            "formation pour leur expliquer le rôle du conseil citoyen et le contrat de "
            "ville ?"
        ),
        "requester": ("Patrick Lambert", "patrick.lambert@example.org"),
        "department": "59",
        "sent": 96,
        "steps": [
            (
                90,
                "answer",
                "referent",
                "Bonjour Patrick,\n\nOui : le centre de ressources politique de la ville de la "
                "région organise des formations gratuites pour les conseillers citoyens. Je "
                "vous envoie le programme dès qu'il paraît. En attendant, la fiche « Bienvenue "
                "au conseil citoyen » de la bibliothèque de ressources est faite pour ça.\n\n"
                f"{REFERENT_SIGNATURE}",
            ),
            (
                2,
                "reply",
                "requester",
                "Merci pour la fiche. Nous avons reçu le programme, mais toutes les sessions "
                "ont lieu en semaine, dans la journée, et la plupart de nos membres "
                "travaillent. Y a-t-il une formation le soir ou le samedi ?",
            ),
        ],
    },
    {
        "key": "closed",
        "subject": "Changer l'adresse qui reçoit les messages du conseil",
        "message": (
            "Bonjour,\n\nL'ancienne coordinatrice a déménagé et c'est encore elle qui reçoit "
            "les messages du formulaire de contact. Comment faire pour que je les reçoive ?"
        ),
        "requester": ("Hélène Dupont", "helene.dupont@example.org"),
        "council": 14,
        "sent": 144,
        "steps": [
            (
                140,
                "answer",
                "animation",
                "Bonjour Hélène,\n\nLes messages du formulaire de contact vont aux "
                "coordinateurs du conseil. Il faut donc que vous soyez coordinatrice sur le "
                "site : demandez à rejoindre le conseil, puis le référent de votre "
                "département vous nommera. Nous l'avons prévenu.\n\nJe ferme la demande ; "
                f"écrivez-nous si quelque chose bloque.\n\n{ANIMATOR_SIGNATURE}",
            ),
            (96, "close", "animation"),
        ],
    },
    {
        "key": "solved",
        "subject": "Je ne trouve pas le compte rendu de la dernière réunion",
        "message": (
            "Bonjour,\n\nJe n'étais pas à la dernière réunion du conseil et je ne trouve pas "
            "le compte rendu sur le site. Où est-il ?"
        ),
        "requester": "resident",
        "council": 6,
        "sent": 29,
        "steps": [
            (
                27,
                "reply",
                "requester",
                "C'est bon, je l'ai trouvé dans l'espace du conseil, rubrique Documents. Mon "
                "problème est réglé, merci !",
            ),
            (27, "close", "requester"),
        ],
    },
    {
        "key": "reopened",
        "subject": "Une subvention pour la fête de quartier",
        "message": (
            "Bonjour,\n\nNous voulons organiser une fête de quartier en juin. Pouvons-nous "
            "demander une subvention, et à qui ?"
        ),
        "requester": ("Malik Cissé", "malik.cisse@example.org"),
        "council": 9,
        "sent": 240,
        "steps": [
            (
                236,
                "answer",
                "animation",
                "Bonjour Malik,\n\nOui : un conseil citoyen peut demander une aide pour une "
                "fête ouverte à tous les habitants. La demande se fait dans l'appel à projets "
                "du contrat de ville, par l'association qui porte le conseil. Le modèle de "
                "dossier est dans la bibliothèque de ressources.\n\nJe ferme la demande ; "
                f"répondez-nous si besoin.\n\n{ANIMATOR_SIGNATURE}",
            ),
            (190, "close", "animation"),
            (5, "reopen", "animation"),
            (
                5,
                "note",
                "animation",
                "M. Cissé a appelé : la ville lui dit que la demande doit passer par le "
                "conseil de quartier. Je vérifie avec le délégué du préfet avant de lui "
                "répondre.",
            ),
        ],
    },
]

# Eight weeks of history: (subject, message, answer without greeting nor signature).
HISTORY_TOPICS = [
    (
        "Mot de passe oublié",
        "Bonjour, je ne me souviens plus de mon mot de passe et le lien reçu par e-mail "
        "ne marche plus.",
        "Le lien pour changer de mot de passe ne sert qu'une fois, et pendant quelques "
        "jours. Demandez-en un nouveau depuis la page « Mot de passe oublié » et cliquez "
        "dessus tout de suite. S'il n'arrive pas, regardez dans les courriers indésirables.",
    ),
    (
        "Créer un conseil citoyen dans notre commune",
        "Bonjour, notre quartier est un quartier prioritaire mais il n'a pas de conseil "
        "citoyen. Comment en créer un ?",
        "Le conseil citoyen est mis en place par le préfet, avec la mairie, dans chaque "
        "quartier prioritaire. Écrivez au délégué du préfet et à la mairie en disant que des "
        "habitants sont prêts à s'engager. Le modèle de courrier est dans la bibliothèque "
        "de ressources.",
    ),
    (
        "Nous ne sommes pas invités au comité de pilotage",
        "Bonjour, le comité de pilotage du contrat de ville a eu lieu sans nous. Est-ce normal ?",
        "Non : le conseil citoyen doit être invité aux instances du contrat de ville. "
        "Écrivez au chef de projet politique de la ville pour demander les prochaines dates, "
        "avec le délégué du préfet en copie. Nous pouvons relire votre courrier.",
    ),
    (
        "Combien de membres dans un conseil ?",
        "Bonjour, y a-t-il un nombre minimum ou maximum de membres dans un conseil citoyen ?",
        "La loi ne fixe pas de nombre. Le conseil réunit des habitants et des associations "
        "ou acteurs du quartier. La plupart des conseils comptent entre 10 et 30 membres.",
    ),
    (
        "Déposer un document dans l'espace du conseil",
        "Bonjour, je suis coordinateur et je ne trouve pas comment déposer notre compte rendu.",
        "Dans l'espace de votre conseil, ouvrez « Documents », choisissez un dossier puis "
        "« Ajouter un document ». Les PDF, les fichiers Word et les images sont acceptés.",
    ),
    (
        "Quitter le conseil citoyen",
        "Bonjour, je déménage le mois prochain. Comment quitter le conseil ?",
        "Sur la page de votre conseil, choisissez « Quitter le conseil ». Vos messages "
        "restent dans les forums. Merci pour votre engagement !",
    ),
    (
        "Le tirage au sort des habitants",
        "Bonjour, comment se fait le tirage au sort des habitants ? Peut-on le refaire ?",
        "C'est la mairie qui organise le tirage au sort, avec le délégué du préfet, souvent "
        "à partir des listes de locataires. Le conseil peut demander un nouveau tirage pour "
        "remplacer les membres partis : la fiche « Renouveler son conseil » explique "
        "comment.",
    ),
    (
        "Le budget de fonctionnement du conseil",
        "Bonjour, à qui demander le budget de fonctionnement du conseil cette année ?",
        "Le budget de fonctionnement est prévu par le contrat de ville. Demandez-le au chef "
        "de projet politique de la ville de votre commune ; c'est souvent l'association qui "
        "porte le conseil qui le reçoit.",
    ),
    (
        "Des réunions en visioconférence ?",
        "Bonjour, pouvons-nous faire nos réunions en visio pour les membres qui ne peuvent "
        "pas se déplacer ?",
        "Oui, c'est possible. Gardez si vous le pouvez des réunions en présence, et "
        "proposez aux personnes qui le souhaitent de suivre au téléphone : tout le monde "
        "n'a pas d'ordinateur.",
    ),
    (
        "Traduire nos invitations",
        "Bonjour, beaucoup d'habitants lisent mal le français. Peut-on avoir de l'aide pour "
        "traduire nos invitations ?",
        "Le centre social ou les associations du quartier ont souvent des bénévoles qui "
        "traduisent. Écrivez aussi des phrases courtes, avec un dessin ou un plan : cela "
        "aide tout le monde.",
    ),
    (
        "Une salle accessible en fauteuil",
        "Bonjour, un membre en fauteuil roulant ne peut pas monter à notre salle du premier "
        "étage. Que faire ?",
        "Les réunions du conseil doivent être accessibles à tous ses membres. Demandez à la "
        "mairie ou au centre social une salle au rez-de-chaussée ; le référent de votre "
        "département peut appuyer la demande.",
    ),
    (
        "Changer de coordinateur",
        "Bonjour, notre coordinatrice veut arrêter. Comment désigner quelqu'un d'autre ?",
        "Le conseil choisit ensemble la nouvelle personne, en réunion. Ensuite, un "
        "coordinateur ou le référent du département la nomme sur le site, dans la page des "
        "membres.",
    ),
]
HISTORY_COUNT = 25
HISTORY_WEEKS = 8
# Hours to the first answer, one per request: mostly within the day, a few late.
HISTORY_DELAYS = [
    2, 0.75, 5, 1.5, 20, 30, 3, 8, 1, 16, 4, 21, 2.5, 40, 6, 0.5, 12, 3.5, 7, 18, 27, 1.25, 9,
    2, 14,
]  # fmt: skip
SIGNED_OUT = [
    "Amandine Leroy",
    "Gérard Fournier",
    "Aïcha Mendy",
    "Sébastien Morel",
    "Inès Ferreira",
    "Moussa Diop",
    "Sylvie Bonnet",
    "Rachid Benhamou",
    "Océane Vincent",
    "Thi Mai Nguyen",
]
THANKS = "Merci beaucoup pour votre réponse, c'est très clair."


@dataclass
class _Story:
    key: str
    subject: str
    message: str
    sent: datetime
    requester: User | None = None
    name: str = ""
    email: str = ""
    phone: str = ""
    call_times: str = ""
    council: Council | None = None
    department: Department | None = None
    # (when, verb, who, *details), in order; who is a User, or None for the requester.
    steps: list[tuple] = field(default_factory=list)


def seed_support(*, scale: int, demo_users: dict[str, User]) -> list[str]:
    now = timezone.now()
    existing = set(
        HelpRequest.objects.filter(submission_key__startswith=KEY_PREFIX).values_list(
            "submission_key", flat=True
        )
    )
    councils = _councils()
    people = {"animation": demo_users["animation"], "referent": demo_users["referent"]}
    stories: list[_Story] = []
    for copy in range(1 + scale):
        suffix = "" if copy == 0 else f"-{copy + 1}"
        for row in CURRENT:
            key = f"{KEY_PREFIX}{row['key']}{suffix}"
            if key not in existing:
                stories.append(_current_story(key, row, now, councils, people, demo_users))
        stories.extend(_history(copy, suffix, now, councils, people, existing))
    for story in stories:
        _play(story, now)
    total = (1 + scale) * (len(CURRENT) + HISTORY_COUNT)
    return [f"Help requests: {len(stories)} created, {total - len(stories)} already there."]


def _councils() -> list[Council | None]:
    by_name = {
        (council.name, council.town): council
        for council in Council.objects.select_related("department").filter(
            name__in=[name for name, *_rest in COUNCILS]
        )
    }
    return [by_name.get((name, town)) for name, town, _code, _area in COUNCILS]


def _resident_of(council: Council | None, position: int) -> User | None:
    if council is None:
        return None
    members = list(
        User.objects.filter(
            council_memberships__council=council,
            council_memberships__role=Membership.Role.MEMBER,
            email__endswith=RESIDENT_DOMAIN,
        ).order_by("pk")
    )
    return members[position % len(members)] if members else None


def _current_story(key, row, now, councils, people, demo_users) -> _Story:
    council = councils[row["council"]] if "council" in row else None
    department = (
        council.department
        if council is not None
        else Department.objects.filter(code=row.get("department", "")).first()
    )
    story = _Story(
        key=key,
        subject=row["subject"],
        message=row["message"],
        sent=now - timedelta(hours=row["sent"]),
        phone=row.get("phone", ""),
        call_times=row.get("call_times", ""),
        council=council,
        department=department,
    )
    requester = row["requester"]
    if requester == "resident":
        story.requester = _resident_of(council, 0)
        if story.requester is None:
            requester = ("Sophie Garcia", "sophie.garcia@example.org")
    elif isinstance(requester, str):
        story.requester = demo_users[requester]
    if isinstance(requester, tuple):
        story.name, story.email = requester
    for hours, verb, who, *details in row["steps"]:
        if verb == "assign":
            details = [people[details[0]]]
        story.steps.append((now - timedelta(hours=hours), verb, people.get(who), *details))
    return story


def _history(copy, suffix, now, councils, people, existing) -> list[_Story]:
    """Closed and answered requests of the last eight weeks, with varied
    answer times, a few calls and a few late answers."""
    rng = random.Random(1000 + copy)  # noqa: S311 (demo data, not security)  # nosec B311
    animator, referent = people["animation"], people["referent"]
    stories = []
    for index in range(HISTORY_COUNT):
        # Drawn whether or not the request exists, so that a copy is always the same.
        days = 3 + index * (HISTORY_WEEKS * 7 - 4) // HISTORY_COUNT + rng.randint(0, 1)
        hour, minute = rng.randint(8, 19), rng.choice([0, 10, 15, 25, 30, 40, 45, 55])
        council_index = index % 2 if index % 4 == 0 else rng.randrange(2, len(COUNCILS))
        delay = HISTORY_DELAYS[index % len(HISTORY_DELAYS)] * rng.uniform(0.9, 1.1)
        close_after = rng.uniform(18, 96)
        minutes = rng.randint(5, 25)
        phone = f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} 00"
        key = f"{KEY_PREFIX}history-{index + 1:02d}{suffix}"
        if key in existing:
            continue
        subject, message, answer = HISTORY_TOPICS[index % len(HISTORY_TOPICS)]
        council = councils[council_index]
        sent = timezone.make_aware(
            datetime.combine(timezone.localdate(now) - timedelta(days=days), time(hour, minute))
        )
        story = _Story(key=key, subject=subject, message=message, sent=sent)
        if index % 6 == 1 and council is not None:
            # Sent from the help page without naming a council, only a department.
            story.department = council.department
        else:
            story.council = council
            story.department = council.department if council is not None else None
        if index % 3 == 0:
            story.requester = _resident_of(council, index)
        if story.requester is None:
            story.name = SIGNED_OUT[index % len(SIGNED_OUT)]
            story.email = f"{_address(story.name)}@example.org"
        first_name = (story.requester.display_name if story.requester else story.name).split()[0]
        in_nord = story.department is not None and story.department.code == "59"
        author = referent if in_nord else animator
        signature = REFERENT_SIGNATURE if in_nord else ANIMATOR_SIGNATURE
        answered = sent + timedelta(hours=delay)
        by_call = index % 5 == 2
        missed_first = index % 8 == 3
        if by_call or missed_first:
            story.phone = phone
            story.call_times = "En fin de journée"
        steps = story.steps
        if in_nord:
            steps.append((sent + timedelta(minutes=20), "assign", animator, referent))
        if index % 7 == 6:
            steps.append(
                (
                    sent + timedelta(hours=delay / 2),
                    "note",
                    author,
                    "Je vérifie auprès du délégué du préfet avant de répondre.",
                )
            )
        if missed_first:
            tried = max(sent + timedelta(minutes=10), answered - timedelta(minutes=30))
            steps.append((tried, "call", author, 0, False, "Pas de réponse."))
        if by_call:
            note = f"Réponse donnée au téléphone. {answer}"
            steps.append((answered, "call", author, minutes, True, note))
        else:
            intro = (
                "Nous avons essayé de vous appeler, sans réussir à vous joindre : voici notre "
                "réponse par écrit.\n\n"
                if missed_first
                else ""
            )
            body = f"Bonjour {first_name},\n\n{intro}{answer}\n\n{signature}"
            steps.append((answered, "answer", author, body))
        closed = answered + timedelta(hours=close_after)
        if closed < now - timedelta(hours=1) and index % 5 != 4:
            if index % 6 == 4:
                # A thank-you opens the request again; the team closes it.
                steps.append((answered + timedelta(hours=3), "reply", None, THANKS))
            by_requester = index % 10 == 7
            steps.append((closed, "close", None if by_requester else author))
        steps.sort(key=lambda step: step[0])
        stories.append(story)
    return stories


def _address(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ".".join(ascii_name.lower().split())


def _play(story: _Story, now: datetime) -> HelpRequest:
    """Write ``story`` through the services, then move each stamp to when it
    happened in the story."""
    help_request = services.request_submit(
        subject=story.subject,
        message=story.message,
        email=story.requester.email if story.requester else story.email,
        name=story.requester.display_name if story.requester else story.name,
        phone=story.phone,
        wants_call=bool(story.call_times),
        call_times=story.call_times,
        council=story.council,
        department=story.department,
        requester=story.requester,
        submission_key=story.key,
    )
    # Sent in the past first, and its clock with it, so that each step reads
    # the request as it was at the time (a call is recorded at its own time
    # and answers the message the clock waits for).
    help_request.created_at = story.sent
    clock_from = story.sent
    HelpRequest.objects.filter(pk=help_request.pk).update(
        created_at=story.sent, due_at=clock_from + ANSWER_WITHIN
    )
    # Someone signed out acts through the link of their confirmation e-mail.
    signed_out = story.requester is None
    for when, verb, who, *details in story.steps:
        last_pk = help_request.messages.aggregate(last=Max("pk"))["last"] or 0
        was_open = HelpRequest.objects.filter(
            pk=help_request.pk, status=HelpRequest.Status.OPEN
        ).exists()
        stamp = when
        if verb == "answer":
            services.request_answer(actor=who, help_request=help_request, body=details[0])
        elif verb == "note":
            services.request_note(actor=who, help_request=help_request, body=details[0])
        elif verb == "call":
            minutes, reached, note = details
            services.request_call_record(
                actor=who,
                help_request=help_request,
                called_at=when,
                minutes=minutes,
                reached=reached,
                note=note,
            )
            # Recorded once hung up.
            stamp = when + timedelta(minutes=minutes + 2)
        elif verb == "assign":
            services.request_assign(actor=who, help_request=help_request, assignee=details[0])
        elif verb == "reply":
            services.requester_reply(
                help_request=help_request,
                body=details[0],
                user=story.requester,
                via_link=signed_out,
            )
        elif verb == "close":
            if who is None:
                services.request_close(
                    actor=story.requester,
                    help_request=help_request,
                    by_requester=True,
                    via_link=signed_out,
                )
            else:
                services.request_close(actor=who, help_request=help_request)
        elif verb == "reopen":
            services.request_reopen(actor=who, help_request=help_request)
        else:
            raise ValueError(verb)
        help_request.messages.filter(pk__gt=last_pk).update(created_at=min(stamp, now))
        if verb in ("reply", "reopen") and not was_open:
            clock_from = when
            HelpRequest.objects.filter(pk=help_request.pk).update(due_at=clock_from + ANSWER_WITHIN)
    return _restamp(help_request, story, clock_from)


def _restamp(help_request: HelpRequest, story: _Story, clock_from: datetime) -> HelpRequest:
    """The request's own stamps, read from its moved thread."""
    help_request.refresh_from_db()
    messages = help_request.messages.all()
    answers = [
        message.created_at for message in messages if message.kind == HelpMessage.Kind.ANSWER
    ] + [
        message.called_at
        for message in messages
        if message.kind == HelpMessage.Kind.CALL and message.reached
    ]
    closings = [
        message.created_at for message in messages if message.kind == HelpMessage.Kind.CLOSED
    ]
    is_open = help_request.status == HelpRequest.Status.OPEN
    is_closed = help_request.status == HelpRequest.Status.CLOSED
    HelpRequest.objects.filter(pk=help_request.pk).update(
        created_at=story.sent,
        first_answered_at=min(answers) if answers else None,
        due_at=clock_from + ANSWER_WITHIN if is_open else None,
        closed_at=max(closings) if is_closed and closings else None,
    )
    return help_request
