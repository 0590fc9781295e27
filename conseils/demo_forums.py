"""Demo forums: national forums with believable French threads (the
councils' private forums are filled by ``demo_life``). Idempotent: a forum
that has topics is left alone."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from forums import services
from forums.models import Category, Forum, Post, Topic

NATIONAL = [
    # (category, forum, description, audience)
    (
        "Échanges de pratiques",
        "Faire vivre son conseil",
        "Recruter, animer une réunion, garder les habitants mobilisés.",
        Forum.Audience.EVERYONE,
    ),
    (
        "Échanges de pratiques",
        "Rénovation urbaine et cadre de vie",
        "Participer aux projets de renouvellement urbain, propreté, espaces verts.",
        Forum.Audience.REGISTERED,
    ),
    (
        "Entre conseils",
        "Salle des conseillers",
        "Un espace réservé aux membres des conseils citoyens.",
        Forum.Audience.COUNCIL_MEMBERS,
    ),
]

THREADS = {
    "Faire vivre son conseil": [
        (
            "Comment faire venir les jeunes aux réunions ?",
            [
                "Bonjour à tous,\n\nDans notre quartier, les réunions du conseil "
                "réunissent surtout des retraités. Nous aimerions que les **16-25 ans** "
                "participent aussi. "
                "Vous avez essayé quelque chose qui a marché ?",
                "Chez nous, les réunions du mercredi soir ne marchaient pas. Nous avons fait "
                "une réunion *au city-stade*, un samedi après-midi, avec un goûter : "
                "une vingtaine de jeunes sont venus.",
                "Nous passons par l'association sportive du quartier : les éducateurs relaient "
                "les invitations et viennent avec les jeunes la première fois.",
                "Merci, très bonnes idées. Nous allons essayer le samedi après-midi.",
            ],
        ),
        (
            "Modèle de compte rendu de réunion",
            [
                "Est-ce que quelqu'un aurait un modèle simple de compte rendu ? "
                "Le nôtre fait quatre pages et personne ne le lit.",
                "Nous faisons une page :\n\n- ce qui a été décidé\n- qui fait quoi\n"
                "- la date de la prochaine réunion\n\nC'est tout, et ça suffit.",
            ],
        ),
    ],
    "Rénovation urbaine et cadre de vie": [
        (
            "Être associés au projet de rénovation : retours d'expérience",
            [
                "Notre quartier entre dans le nouveau programme de renouvellement urbain. "
                "Comment avez-vous obtenu d'être associés dès le début, et pas seulement "
                "informés à la fin ?",
                "Nous avons demandé par écrit à siéger au comité de pilotage, en nous appuyant "
                "sur la loi de 2014. La mairie a accepté après deux relances.",
                "Un conseil voisin a organisé des **diagnostics en marchant** avec les "
                "habitants : les remarques ont été reprises dans le projet.",
            ],
        ),
    ],
    "Salle des conseillers": [
        (
            "Indemnités et frais de déplacement des conseillers",
            [
                "Certains conseils remboursent-ils les frais de transport des membres pour les "
                "réunions à la préfecture ? Si oui, sur quel budget ?",
                "Chez nous, c'est le délégué du préfet qui a trouvé une ligne dans les crédits "
                "de la politique de la ville. Il faut le demander tôt dans l'année.",
            ],
        ),
    ],
}


def seed_forums(*, demo_users: dict[str, User]) -> list[str]:
    rng = random.Random(2024)  # noqa: S311 (demo data, not security)  # nosec B311
    residents = list(
        User.objects.filter(email__contains="@habitants.", council_memberships__isnull=False)
        .distinct()
        .order_by("email")[:40]
    )
    created_topics = 0
    for category_name, forum_name, description, audience in NATIONAL:
        category, _ = Category.objects.get_or_create(name=category_name)
        forum = Forum.objects.filter(name=forum_name, council__isnull=True).first()
        if forum is None:
            forum = services.national_forum_create(
                system=True,
                name=forum_name,
                description=description,
                category=category,
                audience=audience,
            )
        if forum.topics.exists():
            continue
        for title, bodies in THREADS[forum_name]:
            authors = rng.sample(residents, len(bodies))
            created_topics += _thread(rng, forum, title, bodies, authors)
    return [f"Forum topics: {created_topics} created."]


def _thread(rng, forum: Forum, title: str, bodies: list[str], authors: list[User]) -> int:
    """Write the thread through the services, then date it in the past."""
    topic = services.topic_create(author=authors[0], forum=forum, title=title, body=bodies[0])
    for body, author in zip(bodies[1:], authors[1:], strict=True):
        services.post_reply(author=author, topic=topic, body=body)
    when = timezone.now() - timedelta(days=rng.randint(5, 60), hours=rng.randint(0, 12))
    thread_restamp(rng, topic, start=when, max_gap_hours=30)
    return 1


def thread_restamp(rng, topic: Topic, *, start, max_gap_hours: int) -> None:
    """Date the thread's messages from ``start``, a few hours apart, as if
    written over days, and its topic and forum after its last message."""
    when = last = start
    for post in topic.posts.order_by("created_at", "pk"):
        Post.objects.filter(pk=post.pk).update(created_at=when)
        last = when
        when += timedelta(hours=rng.randint(1, max_gap_hours))
    Topic.objects.filter(pk=topic.pk).update(
        created_at=topic.posts.first().created_at, last_post_at=last
    )
    forum = topic.forum
    forum_last = Topic.objects.filter(forum=forum).order_by("-last_post_at").first().last_post_at
    Forum.objects.filter(pk=forum.pk).update(last_post_at=forum_last)
