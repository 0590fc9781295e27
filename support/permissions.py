"""Who sees and answers help requests: the one place that decides.

- The national animation sees and answers every request.
- A local referent sees and answers the requests of their departments.
- A requester follows their own requests: signed in, through "Mes demandes";
  signed out, through the signed link of their confirmation e-mail, until
  90 days after the request was closed (or after the link was sent, for a
  fresh link asked for then).
- Nobody else, whatever their councils: a request can tell private things.
- Internal notes and assignments are for the team only; statistics for the
  national animation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.roles import ANIMATION_GROUP_NAME, is_animator
from councils import permissions as council_permissions

from .models import HelpRequest


def is_team(user) -> bool:
    """Works on at least some requests (the help desk's queue is theirs)."""
    return is_animator(user) or council_permissions.is_referent(user)


def requests_for_team(user) -> QuerySet[HelpRequest]:
    if is_animator(user):
        return HelpRequest.objects.all()
    if council_permissions.is_referent(user):
        return HelpRequest.objects.filter(
            department__in=council_permissions.referent_departments(user)
        )
    return HelpRequest.objects.none()


def can_work_on(user, help_request: HelpRequest) -> bool:
    if is_animator(user):
        return True
    return (
        help_request.department_id is not None
        and council_permissions.referent_departments(user)
        .filter(pk=help_request.department_id)
        .exists()
    )


def team_of(help_request: HelpRequest) -> QuerySet:
    """The people who may answer ``help_request``: the national animation and
    the referents of its department (``can_work_on`` as a query)."""
    who = Q(groups__name=ANIMATION_GROUP_NAME)
    if help_request.department_id is not None:
        who |= Q(referent_assignments__department_id=help_request.department_id)
    return (
        get_user_model()
        .objects.filter(who, is_active=True)
        .distinct()
        .order_by("display_name", "pk")
    )


def is_requester(user, help_request: HelpRequest) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and help_request.requester_id is not None
        and help_request.requester_id == user.pk
    )


# How long a requester's link keeps working once the request is closed.
FOLLOW_LINK_LIFETIME = timedelta(days=90)


def follow_link_expires_at(help_request: HelpRequest, made_at: datetime) -> datetime | None:
    """When a link made at ``made_at`` stops working: 90 days after the later
    of the closing and the link's sending. None while the request is not
    closed: a request reopened (by the team, or by its requester writing
    again) makes its links work again, as the exchange is current again."""
    if help_request.status != HelpRequest.Status.CLOSED:
        return None
    closed_at = help_request.closed_at or help_request.created_at
    return max(closed_at, made_at) + FOLLOW_LINK_LIFETIME


def follow_link_works(help_request: HelpRequest, made_at: datetime, now=None) -> bool:
    expires_at = follow_link_expires_at(help_request, made_at)
    return expires_at is None or (now or timezone.now()) < expires_at


def requests_of(user) -> QuerySet[HelpRequest]:
    if not user.is_authenticated:
        return HelpRequest.objects.none()
    return HelpRequest.objects.filter(requester=user)


def visible_request_ids(user, ids: Iterable[int]) -> set[int]:
    """Among ``ids``, the requests ``user`` follows as their requester (what
    a notification of an answer may still show)."""
    ids = list(ids)
    if not ids or not user.is_active:
        return set()
    return set(requests_of(user).filter(pk__in=ids).values_list("pk", flat=True))


def visible_requests_of_each(users, ids_by_user: Mapping[int, Iterable[int]]) -> dict[int, set]:
    """``visible_request_ids`` for a batch of people, in one query."""
    active = {user.pk for user in users if user.is_authenticated and user.is_active}
    wanted = {pk: set(ids) for pk, ids in ids_by_user.items() if pk in active and ids}
    if not wanted:
        return {}
    visible: dict[int, set[int]] = {pk: set() for pk in wanted}
    for pk, requester_id in HelpRequest.objects.filter(
        pk__in=set().union(*wanted.values()), requester_id__in=list(wanted)
    ).values_list("pk", "requester_id"):
        if pk in wanted[requester_id]:
            visible[requester_id].add(pk)
    return visible


def can_view_statistics(user) -> bool:
    return is_animator(user)
