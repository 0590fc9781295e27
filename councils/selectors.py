"""Reads about councils, shaped for the pages that show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from search import services as search_services

from . import permissions
from .models import (
    CONTENT_LINES,
    Council,
    Department,
    JoinRequest,
    Membership,
    MembershipEvent,
    ReferentAssignment,
    Region,
)
from .search import DIRECTORY

INACTIVE_AFTER = timedelta(days=90)


@dataclass(frozen=True)
class DirectoryFilters:
    query: str = ""
    region: Region | None = None
    department: Department | None = None
    town: str = ""


def directory(filters: DirectoryFilters) -> QuerySet[Council]:
    """Active councils matching the filters, ready for the directory cards."""
    # The cards show neither presentation: leave their kilobytes in the database.
    councils = (
        Council.objects.active()
        .select_related("department__region")
        .defer("presentation", "presentation_html")
    )
    councils = search_services.matching(DIRECTORY, councils, filters.query)
    if filters.region is not None:
        councils = councils.filter(department__region=filters.region)
    if filters.department is not None:
        councils = councils.filter(department=filters.department)
    if filters.town:
        councils = councils.filter(town_key__startswith=slugify(filters.town).replace("-", " "))
    return councils.order_by("sort_key", "town_key", "pk")


def region_counts() -> list[Region]:
    """Every region with its number of active councils (``council_count``)."""
    regions = Region.objects.annotate(
        council_count=Count(
            "departments__councils",
            filter=Q(departments__councils__status=Council.Status.ACTIVE),
        )
    )
    # Sorted without accents whatever the database's collation: "Île" with the I.
    return sorted(regions, key=lambda region: slugify(region.name))


def departments_with_councils() -> QuerySet[Department]:
    return (
        Department.objects.filter(councils__status=Council.Status.ACTIVE)
        .distinct()
        .select_related("region")
        .order_by("code")
    )


def councils_of(*, user) -> QuerySet[Council]:
    """The councils ``user`` is a member of, for the header and "Mes conseils"."""
    return permissions.councils_with_space_visible_to(user).order_by("name")


def memberships_of_council(council: Council) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(council=council)
        .select_related("user")
        # "coordinator" sorts before "member": coordinators first.
        .order_by("role", "user__display_name", "pk")
    )


def coordinators_of(council: Council) -> QuerySet[Membership]:
    return memberships_of_council(council).filter(role=Membership.Role.COORDINATOR)


def pending_requests(council: Council) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(council=council, status=JoinRequest.Status.PENDING)
        .select_related("user")
        .order_by("created_at")
    )


def open_invitations(council: Council):
    return council.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).order_by(
        "-created_at"
    )


def council_log(council: Council, *, with_content: bool = True) -> QuerySet[MembershipEvent]:
    """The council's log, newest first; ``with_content=False`` leaves out the
    lines about its folders, files, pages and articles (for a reader who is
    not a member: ``permissions.can_read_content_log``)."""
    events = council.events.select_related("actor", "subject")
    if not with_content:
        events = events.exclude(action__in=list(CONTENT_LINES))
    return events


def outside_changes(council: Council) -> QuerySet[MembershipEvent]:
    """What people outside ``council`` did to it: changes of membership by
    people who are not its coordinators, and to its content by people who
    are not its members."""
    return council_log(council).filter(from_outside=True)


def recent_events(council: Council, limit: int = 10) -> list[MembershipEvent]:
    return list(
        council_log(council).filter(
            action__in=[
                MembershipEvent.Action.JOINED,
                MembershipEvent.Action.ACCEPTED,
                MembershipEvent.Action.LEFT,
                MembershipEvent.Action.REMOVED,
                MembershipEvent.Action.ROLE_CHANGED,
            ]
        )[:limit]
    )


def pending_request_of(*, user, council: Council) -> JoinRequest | None:
    return JoinRequest.objects.filter(
        council=council, user=user, status=JoinRequest.Status.PENDING
    ).first()


def is_last_coordinator(*, user, council: Council) -> bool:
    """True when ``user`` is the only coordinator of ``council``."""
    coordinators = list(coordinators_of(council).values_list("user_id", flat=True)[:2])
    return coordinators == [user.pk]


def join_requests_of(*, user) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(user=user).select_related("council").order_by("-created_at")


def _with_pending_count(councils: QuerySet[Council]) -> QuerySet[Council]:
    return councils.annotate(
        pending_count=Count(
            "join_requests", filter=Q(join_requests__status=JoinRequest.Status.PENDING)
        )
    )


def my_councils_page(*, user) -> dict:
    """What "Mes conseils" shows: the user's councils (with requests waiting
    where they coordinate), the councils they accompany as referent, their
    requests to join."""
    grants = permissions.council_grants(user)
    councils = list(
        _with_pending_count(councils_of(user=user).select_related("department")).order_by(
            "sort_key", "pk"
        )
    )
    member_of = {council.pk for council in councils}
    accompanied_ids = {
        council_id
        for council_id, codenames in grants.direct.items()
        if permissions.MANAGE_MEMBERS in codenames and council_id not in member_of
    }
    accompanied = _with_pending_count(
        Council.objects.filter(pk__in=accompanied_ids).select_related("department")
    ).order_by("sort_key", "pk")
    return {
        "councils": councils,
        "coordinated": {
            council.pk
            for council in councils
            if permissions.MANAGE_MEMBERS in grants.membership(council)
        },
        "accompanied": list(accompanied),
        "join_requests": list(join_requests_of(user=user)[:20]),
    }


# First steps: where a newcomer finds their council.

# The councils listed at once for a department; the directory has the rest.
FIRST_STEPS_LIMIT = 30


def guessed_department(*, user) -> Department | None:
    """The department a newcomer most likely lives in, from what they told
    the site: the council of their latest request to join, else a council's
    town equal to the town of their profile. None when nothing says."""
    latest = JoinRequest.objects.filter(user=user).select_related("council__department").first()
    if latest is not None:
        return latest.council.department
    town = slugify(user.town or "").replace("-", " ")
    if not town:
        return None
    council = Council.objects.active().filter(town_key=town).select_related("department").first()
    return council.department if council is not None else None


def councils_to_join(*, user, department: Department) -> QuerySet[Council]:
    """The active councils of ``department``, each marked ``requested`` when
    ``user`` has a request waiting there (one query, whatever their number)."""
    return (
        Council.objects.active()
        .filter(department=department)
        .defer("presentation", "presentation_html")
        .annotate(
            requested=Exists(
                JoinRequest.objects.filter(
                    council=OuterRef("pk"), user=user, status=JoinRequest.Status.PENDING
                )
            )
        )
        .order_by("sort_key", "town_key", "pk")
    )


# The national animation's view.


def referents() -> QuerySet[ReferentAssignment]:
    return ReferentAssignment.objects.select_related("user", "department").order_by(
        "user__display_name", "department__code"
    )


def councils_without_coordinator() -> QuerySet[Council]:
    return (
        Council.objects.active()
        .filter(
            ~Exists(
                Membership.objects.filter(council=OuterRef("pk"), role=Membership.Role.COORDINATOR)
            )
        )
        .select_related("department")
        .order_by("name")
    )


def councils_without_recent_activity(*, since: timedelta = INACTIVE_AFTER) -> QuerySet[Council]:
    return (
        Council.objects.active()
        .filter(last_activity_at__lt=timezone.now() - since)
        .select_related("department")
        .order_by("last_activity_at")
    )


def archived_councils() -> QuerySet[Council]:
    return (
        Council.objects.filter(status=Council.Status.ARCHIVED)
        .select_related("department")
        .order_by("-archived_at")
    )
