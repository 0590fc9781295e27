"""Demo events: the agenda of the first two councils, public and private
meetings, one past and one cancelled, and the demo members' answers.
Idempotent: a council that already has events is left as it is."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from councils.models import Council, Membership
from events import services
from events.models import Attendance, Event

from .demo_councils import COUNCILS

# (days from today, start, hours, title, place, description, public, cancelled)
FIRST_COUNCIL = [
    (
        -20,
        time(18, 30),
        2,
        "Réunion plénière de rentrée",
        "Maison de quartier de l'Alma, 12 rue de l'Épeule, Roubaix",
        "## Ordre du jour\n\n- Bilan de l'été\n- Projet d'aire de jeux\n- Questions des habitants",
        True,
        False,
    ),
    (
        9,
        time(18, 30),
        2,
        "Réunion publique : l'aire de jeux de l'école",
        "Maison de quartier de l'Alma, 12 rue de l'Épeule, Roubaix",
        "Venez donner votre avis sur les plans de la nouvelle aire de jeux. "
        "**Ouvert à tous les habitants.**",
        True,
        False,
    ),
    (
        14,
        time(18, 0),
        1,
        "Préparation du comité de pilotage du contrat de ville",
        "Local du conseil, 3 rue de la Guinguette",
        "Entre membres : nous relisons ensemble nos propositions avant le comité.",
        False,
        False,
    ),
    (
        21,
        time(10, 0),
        3,
        "Diagnostic en marchant : l'éclairage public",
        "Départ devant l'école Jules-Guesde",
        "Nous faisons le tour du quartier avec les services de la ville.",
        True,
        True,
    ),
]
SECOND_COUNCIL = [
    (
        11,
        time(19, 0),
        2,
        "Assemblée des habitants de la Bourgogne",
        "Centre social de la Bourgogne, Tourcoing",
        "Présentation du conseil et des projets de l'année. Entrée libre.",
        True,
        False,
    ),
    (
        18,
        time(18, 30),
        1,
        "Point d'étape du groupe jardin partagé",
        "Chez Samira, en visioconférence si besoin",
        "",
        False,
        False,
    ),
]


def _at(days: int, start: time) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, start))


def _seed_council(council: Council, planner: User, rows, answering: list[User]) -> int:
    if Event.objects.filter(council=council).exists():
        return 0
    created = 0
    for days, start, hours, title, place, description, public, cancelled in rows:
        starts_at = _at(days, start)
        # Written directly: a past meeting cannot be planned through the form.
        event = Event.objects.create(
            council=council,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            place=place,
            description=description,
            visibility=Event.Visibility.PUBLIC if public else Event.Visibility.PRIVATE,
            created_by=planner,
        )
        created += 1
        for position, user in enumerate(answering):
            answer = [Attendance.Answer.YES, Attendance.Answer.MAYBE, Attendance.Answer.NO][
                (position + created) % 3
            ]
            Attendance.objects.get_or_create(event=event, user=user, defaults={"answer": answer})
        if cancelled:
            services.event_cancel(actor=planner, event=event)
    return created


def _council(index: int) -> Council | None:
    name, town, _department, _neighbourhood = COUNCILS[index]
    return Council.objects.filter(name=name, town=town).first()


def _members(council: Council, *first: User, limit: int = 6) -> list[User]:
    others = User.objects.filter(council_memberships__council=council).exclude(
        pk__in=[user.pk for user in first]
    )
    return [*first, *others.order_by("pk")[: limit - len(first)]]


def seed_events(*, demo_users: dict[str, User]) -> list[str]:
    created = 0
    first, second = _council(0), _council(1)
    if first is not None:
        created += _seed_council(
            first,
            demo_users["coordination-a"],
            FIRST_COUNCIL,
            _members(first, demo_users["coordination-a"], demo_users["membre-a"]),
        )
    if second is not None:
        planner = (
            Membership.objects.filter(council=second, role=Membership.Role.COORDINATOR)
            .select_related("user")
            .first()
        )
        created += _seed_council(
            second,
            planner.user if planner else demo_users["membre-b"],
            SECOND_COUNCIL,
            _members(second, demo_users["membre-b"]),
        )
    return [f"Events: {created} created."]
