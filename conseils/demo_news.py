"""Demo news: national articles (one scheduled, one draft) and articles of
the first two councils. Idempotent: an article is found by its title."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from councils.models import Council, Membership
from news import services
from news.models import Article

# (title, summary, body, tags, days from now: negative published, positive
# scheduled, None draft)
NATIONAL = [
    (
        "Rencontre nationale des conseils citoyens : les inscriptions sont ouvertes",
        "Deux jours à Lyon, les 13 et 14 mars, pour partager ce qui marche dans les quartiers.",
        """La rencontre nationale réunit chaque année des membres de conseils citoyens \
de toute la France.

## Au programme

- des ateliers sur le renouvellement urbain et la gestion urbaine de proximité ;
- un forum des initiatives : chaque conseil peut présenter un projet ;
- une table ronde avec des élus et des délégués du préfet.

Les frais de transport sont pris en charge pour deux personnes par conseil. \
Inscrivez-vous avant le 15 février auprès de l'animation nationale.""",
        ["Rencontre nationale", "Formation"],
        -3,
    ),
    (
        "Contrats de ville 2024-2030 : comment le conseil citoyen y prend part",
        "Ce que prévoient les nouveaux contrats « Engagements Quartiers 2030 » pour les habitants.",
        """Les nouveaux contrats de ville associent les conseils citoyens à chaque étape : \
diagnostic, choix des priorités, suivi et évaluation.

Concrètement, votre conseil peut demander à participer au comité de pilotage, \
recevoir les documents à l'avance et donner un avis écrit. \
La fiche pratique est dans la bibliothèque de ressources.""",
        ["Contrat de ville"],
        -12,
    ),
    (
        "Nouveau : la bibliothèque de ressources s'enrichit",
        "Guides, fiches pratiques et modèles de comptes rendus, à télécharger librement.",
        """Trois nouveaux guides rejoignent la bibliothèque : démarrer un conseil, \
animer une réunion, comprendre un projet de rénovation urbaine. \
Ils sont libres de droits : imprimez-les, partagez-les.""",
        ["Ressources"],
        -30,
    ),
    (
        "Appel à projets « Quartiers d'été » : préparez votre dossier",
        "Les dossiers sont attendus au printemps : le calendrier et nos conseils pour réussir.",
        """L'appel à projets « Quartiers d'été » soutient des activités pendant les vacances. \
Les conseils citoyens peuvent porter ou soutenir un projet avec une association.""",
        ["Appel à projets", "Jeunesse"],
        3,
    ),
    (
        "Bilan de l'année (brouillon)",
        "À compléter avec les chiffres des conseils.",
        "Brouillon en cours d'écriture par l'animation nationale.",
        ["Bilan"],
        None,
    ),
]

# (council name, title, summary, body, tags, days ago)
COUNCIL_ARTICLES = [
    (
        "Conseil citoyen de l'Alma",
        "Balade urbaine dans l'Alma : ce que nous avons vu",
        "Vingt habitants ont parcouru le quartier avec les services de la ville.",
        """Samedi, vingt habitantes et habitants ont parcouru le quartier avec les services \
de la ville et le bailleur. Éclairage de la rue Jouffroy, propreté des halls, \
aire de jeux : nos remarques ont été notées, et nous ferons le point dans trois mois.""",
        ["Cadre de vie"],
        5,
    ),
    (
        "Conseil citoyen de l'Alma",
        "Le jardin partagé ouvre ses parcelles",
        "Dix parcelles sont encore libres : inscriptions au centre social.",
        "Le jardin partagé de la rue de l'Alma accueille de nouveaux jardiniers ce printemps.",
        ["Jardin", "Cadre de vie"],
        20,
    ),
    (
        "Conseil citoyen de la Bourgogne",
        "Permanence du conseil citoyen chaque mercredi",
        "Nous vous accueillons au centre social de 17 h à 19 h.",
        "Venez nous poser vos questions sur le quartier et sur le projet de rénovation.",
        ["Permanence"],
        8,
    ),
]


def seed_news(*, demo_users: dict[str, User]) -> list[str]:
    animator = demo_users["animation"]
    now = timezone.now()
    created = 0
    for title, summary, body, tags, days in NATIONAL:
        if Article.objects.filter(title=title).exists():
            continue
        when = None if days is None else now + timedelta(days=days)
        services.article_create(
            author=animator,
            council=None,
            title=title,
            summary=summary,
            body=body,
            tags=tags,
            published_at=when,
        )
        created += 1
    for council_name, title, summary, body, tags, days in COUNCIL_ARTICLES:
        council = Council.objects.filter(name=council_name).first()
        if council is None or Article.objects.filter(title=title).exists():
            continue
        coordinators = Membership.objects.filter(
            council=council, role=Membership.Role.COORDINATOR
        ).select_related("user")
        # The demo coordinator writes for the first council.
        coordinator = coordinators.filter(user=demo_users["coordination-a"]).first() or (
            coordinators.order_by("joined_at", "pk").first()
        )
        if coordinator is None:
            continue
        services.article_create(
            author=coordinator.user,
            council=council,
            title=title,
            summary=summary,
            body=body,
            tags=tags,
            published_at=now - timedelta(days=days),
        )
        created += 1
    # What the demo says was published in the past was announced back then.
    for article in Article.objects.filter(published_at__lte=now, notified_at__isnull=True):
        Article.objects.filter(pk=article.pk).update(notified_at=article.published_at)
    return [f"News: {created} articles created."]
