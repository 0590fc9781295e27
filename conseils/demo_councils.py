"""The demo councils: believable neighbourhoods, members, requests, referents.

The first two councils are in the Nord: the demo referent accompanies them,
``coordination-a`` and ``membre-a`` belong to the first, ``membre-b`` to the
second. Neighbourhood codes are illustrative, in the official format.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from accounts.models import User
from councils import services
from councils.models import Council, Department, JoinRequest, Membership, MembershipEvent

# (name, town, department code, neighbourhood)
COUNCILS = [
    ("Conseil citoyen de l'Alma", "Roubaix", "59", "Alma-Gare"),
    ("Conseil citoyen de la Bourgogne", "Tourcoing", "59", "La Bourgogne"),
    ("Conseil citoyen du Grand Mirail", "Toulouse", "31", "Grand Mirail"),
    ("Conseil citoyen de Frais-Vallon", "Marseille", "13", "Frais-Vallon – Le Clos – La Rose"),
    ("Conseil citoyen du Mas-du-Taureau", "Vaulx-en-Velin", "69", "Mas-du-Taureau"),
    ("Conseil citoyen de la Duchère", "Lyon", "69", "La Duchère"),
    ("Conseil citoyen du Val-Fourré", "Mantes-la-Jolie", "78", "Le Val-Fourré"),
    ("Conseil citoyen des Merisiers", "Trappes", "78", "Les Merisiers – Plaine de Neauphle"),
    ("Conseil citoyen du Plateau", "Clichy-sous-Bois", "93", "Le Plateau"),
    ("Conseil citoyen des Francs-Moisins", "Saint-Denis", "93", "Francs-Moisins – Bel Air"),
    ("Conseil citoyen des Lochères", "Sarcelles", "95", "Les Lochères"),
    ("Conseil citoyen du Neuhof", "Strasbourg", "67", "Neuhof – Meinau"),
    ("Conseil citoyen des Coteaux", "Mulhouse", "68", "Les Coteaux"),
    ("Conseil citoyen de la Villeneuve", "Grenoble", "38", "Villeneuve – Village Olympique"),
    ("Conseil citoyen de Bellevue", "Nantes", "44", "Bellevue"),
    ("Conseil citoyen du Blosne", "Rennes", "35", "Le Blosne"),
    (
        "Conseil citoyen du Chemin-Bas-d'Avignon",
        "Nîmes",
        "30",
        "Chemin Bas d'Avignon – Clos d'Orville",
    ),
    ("Conseil citoyen de la Mosson", "Montpellier", "34", "Mosson"),
    ("Conseil citoyen de Génicart", "Lormont", "33", "Génicart"),
    ("Conseil citoyen du Chaudron", "Saint-Denis", "974", "Le Chaudron"),
]
# The council left without a coordinator, and those quiet for months, so
# that the national animation's page has something to show.
WITHOUT_COORDINATOR = 18
QUIET = {12, 16}

PRESENTATION = """Le conseil citoyen réunit des habitantes et des habitants, \
des associations et des commerçants du quartier {neighbourhood}, à {town}.

Nous participons aux décisions du contrat de ville : rénovation des immeubles, \
propreté, tranquillité, activités pour les jeunes, accès aux services publics.

## Nos chantiers cette année

- {project_1}
- {project_2}
- une fête de quartier au printemps

## Nous rejoindre

Nous nous retrouvons une fois par mois à la maison de quartier. \
Tout habitant du quartier peut participer : demandez à rejoindre le conseil \
ou écrivez-nous avec le formulaire de contact."""

PROJECTS = [
    "le réaménagement de l'aire de jeux près de l'école",
    "un diagnostic en marchant sur l'éclairage public",
    "le suivi du projet de rénovation urbaine",
    "une permanence d'aide aux démarches administratives",
    "un jardin partagé au pied des immeubles",
    "des ateliers numériques pour les seniors",
    "la sécurité des trajets vers le collège",
    "une bourse aux vêtements et aux fournitures scolaires",
]


def seed_councils(*, scale: int, demo_users: dict[str, User]) -> list[str]:
    rng = random.Random(59)  # noqa: S311 (demo data, not security)  # nosec B311
    departments = {department.code: department for department in Department.objects.all()}
    councils: list[Council] = []
    created = 0
    for copy in range(1 + scale):
        for index, (name, town, department_code, neighbourhood) in enumerate(COUNCILS):
            full_name = name if copy == 0 else f"{name} ({copy + 1})"
            council, was_created = _council(
                rng, full_name, town, departments[department_code], neighbourhood, index
            )
            councils.append(council)
            created += was_created
    _ensure_referent(demo_users["referent"], departments["59"])
    first, second = councils[0], councils[1]
    _ensure_member(first, demo_users["coordination-a"], Membership.Role.COORDINATOR)
    _ensure_member(first, demo_users["membre-a"], Membership.Role.MEMBER)
    _ensure_member(second, demo_users["membre-b"], Membership.Role.MEMBER)
    members = _seed_members(rng, councils)
    return [
        f"Councils: {created} created, {len(councils) - created} already there.",
        f"Memberships: {members} created.",
    ]


def _ensure_referent(user: User, department: Department) -> None:
    if not user.referent_assignments.filter(department=department).exists():
        services.referent_appoint(system=True, user=user, departments=[department])


def _council(rng, name, town, department, neighbourhood, index) -> tuple[Council, bool]:
    existing = Council.objects.filter(name=name, town=town).first()
    if existing is not None:
        return existing, False
    projects = rng.sample(PROJECTS, 2)
    council = services.council_create(
        system=True,
        name=name,
        department=department,
        town=town,
        neighbourhood_name=neighbourhood,
        neighbourhood_code=f"QN0{department.code[:2]}{rng.randint(1, 99):03d}M",
        presentation=PRESENTATION.format(
            neighbourhood=neighbourhood, town=town, project_1=projects[0], project_2=projects[1]
        ),
        founded_on=date(2015, 1, 1) + timedelta(days=rng.randint(0, 3000)),
    )
    quiet_days = 200 if index in QUIET else rng.randint(0, 20)
    Council.objects.filter(pk=council.pk).update(
        last_activity_at=timezone.now() - timedelta(days=quiet_days)
    )
    return council, True


def _ensure_member(council: Council, user: User, role: str) -> None:
    if not Membership.objects.filter(council=council, user=user).exists():
        membership = services.membership_grant(system=True, council=council, user=user, role=role)
        _restamp_joining(membership, timezone.now() - timedelta(days=150))


def _restamp_joining(membership: Membership, joined: datetime) -> None:
    """The membership, and its line in the council's log, dated when the
    person joined, not when the demo was loaded."""
    Membership.objects.filter(pk=membership.pk).update(joined_at=joined)
    MembershipEvent.objects.filter(
        council=membership.council_id,
        subject=membership.user_id,
        action=MembershipEvent.Action.JOINED,
    ).update(created_at=joined)


def _seed_members(rng, councils: list[Council]) -> int:
    """Share the residents among the councils: a coordinator or two each, members,
    and a few requests waiting for an answer."""
    residents = list(User.objects.filter(email__contains="@habitants.").order_by("email"))
    already = set(Membership.objects.values_list("council_id", "user_id"))
    created = 0
    for position, resident in enumerate(residents):
        council = councils[position % len(councils)]
        if (council.pk, resident.pk) in already:
            continue
        council_index = councils.index(council) % len(COUNCILS)
        role = Membership.Role.MEMBER
        if position < len(councils) and council_index != WITHOUT_COORDINATOR:
            role = Membership.Role.COORDINATOR
        if position % 11 == 10:
            # Some residents are still waiting for an answer.
            JoinRequest.objects.get_or_create(
                council=council,
                user=resident,
                status=JoinRequest.Status.PENDING,
                defaults={"message": "Bonjour, j'habite le quartier et je voudrais participer."},
            )
            continue
        membership = services.membership_grant(
            system=True, council=council, user=resident, role=role
        )
        # Established members: joined some time after their account was made.
        joined = resident.date_joined + timedelta(days=rng.randint(1, 25))
        _restamp_joining(membership, min(joined, timezone.now()))
        created += 1
    return created
