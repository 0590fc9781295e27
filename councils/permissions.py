"""The one place that decides who may do what with a council.

Object permissions live in guardian's tables (``CouncilGroupObjectPermission``
for the members and coordinators groups, ``CouncilUserObjectPermission`` for
referents). The predicates below read them; superuser status gives nothing
here: the superuser works in the admin, where each visit is logged.

Later apps check objects inside a space through ``can_view_space`` and
``can_contribute`` on the object's council, and filter lists with
``councils_with_space_visible_to``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from accounts.roles import is_animator, remembered_fact

from .models import (
    INVITATION_MAX_AGE,
    Council,
    CouncilGroupObjectPermission,
    CouncilUserObjectPermission,
    Invitation,
    JoinRequest,
    Membership,
    MembershipEvent,
    ReferentAssignment,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

VIEW_SPACE = "view_space"
CONTRIBUTE = "contribute"
MANAGE_MEMBERS = "manage_members"
EDIT_COUNCIL = "edit_council"

_CACHE_ATTRIBUTE = "_council_permissions"


class CouncilGrants:
    """The codenames a user holds on each council, by where they come from."""

    def __init__(
        self, through_membership: dict[int, frozenset[str]], direct: dict[int, frozenset[str]]
    ):
        self.through_membership = through_membership
        self.direct = direct

    def membership(self, council: Council) -> frozenset[str]:
        return self.through_membership.get(council.pk, frozenset())

    def referent(self, council: Council) -> frozenset[str]:
        return self.direct.get(council.pk, frozenset())

    def any(self, council: Council) -> frozenset[str]:
        return self.membership(council) | self.referent(council)


_NO_GRANTS = CouncilGrants({}, {})


def council_grants(user: User | AnonymousUser) -> CouncilGrants:
    """What ``user`` holds on councils, read once per user object.

    One query (the grants through the user's groups and their own, in a
    ``UNION ALL``), whatever the number of councils; services that change
    grants call ``forget_council_grants``.
    """
    if not user.is_authenticated or not user.is_active:
        return _NO_GRANTS
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    through_groups = CouncilGroupObjectPermission.objects.filter(group__user=user).annotate(
        own=Value(False)
    )
    own = CouncilUserObjectPermission.objects.filter(user=user).annotate(own=Value(True))
    fields = ("content_object_id", "permission__codename", "own")
    rows = list(
        through_groups.values_list(*fields).union(own.values_list(*fields), all=True).order_by()
    )
    cached = CouncilGrants(
        _by_council((council, codename) for council, codename, mine in rows if not mine),
        _by_council((council, codename) for council, codename, mine in rows if mine),
    )
    setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def _by_council(rows) -> dict[int, frozenset[str]]:
    grants: dict[int, set[str]] = {}
    for council_id, codename in rows:
        grants.setdefault(council_id, set()).add(codename)
    return {council_id: frozenset(codenames) for council_id, codenames in grants.items()}


def membership_grants_of_each(
    user_ids: Iterable[int], codenames: Iterable[str]
) -> dict[int, dict[int, frozenset[str]]]:
    """``council_grants(user).through_membership`` for many people at once,
    limited to ``codenames``: ``{user id: {council id: codenames}}``, read now
    in one query (never a cached copy), for a batch of the daily digest. A
    person without any such grant is absent."""
    ids = list(user_ids)
    if not ids:
        return {}
    rows = CouncilGroupObjectPermission.objects.filter(
        group__user__in=ids, permission__codename__in=list(codenames)
    ).values_list("group__user", "content_object_id", "permission__codename")
    grants: dict[int, dict[int, set[str]]] = {}
    for user_id, council_id, codename in rows:
        grants.setdefault(user_id, {}).setdefault(council_id, set()).add(codename)
    return {
        user_id: {council_id: frozenset(names) for council_id, names in councils.items()}
        for user_id, councils in grants.items()
    }


def forget_council_grants(user: User) -> None:
    """Drop what ``council_grants`` and ``is_referent`` cached on ``user``.

    ``delattr`` rather than ``__dict__``: on ``request.user`` (a lazy object)
    it reaches the wrapped user, where the cache lives.
    """
    for attribute in (_CACHE_ATTRIBUTE, "_is_referent"):
        with contextlib.suppress(AttributeError):
            delattr(user, attribute)


# Private space: members only (archived councils stay readable to them).


def can_view_space(user, council: Council) -> bool:
    return VIEW_SPACE in council_grants(user).membership(council)


def can_contribute(user, council: Council) -> bool:
    """Write in the space: members of an active council."""
    return council.is_active and CONTRIBUTE in council_grants(user).membership(council)


def is_coordinator(user, council: Council) -> bool:
    """Coordinators hold ``manage_members`` through their group, referents directly."""
    return MANAGE_MEMBERS in council_grants(user).membership(council)


def councils_with_space_visible_to(user) -> QuerySet[Council]:
    """The councils whose private space ``user`` may read (a lazy queryset)."""
    if not user.is_authenticated or not user.is_active:
        return Council.objects.none()
    return Council.objects.filter(
        pk__in=CouncilGroupObjectPermission.objects.filter(
            group__user=user, permission__codename=VIEW_SPACE
        ).values("content_object_id")
    )


# Management: coordinators of the council and referents of its department.


def space_readers(council) -> QuerySet:
    """The active people who read ``council``'s space (its files and pages)
    now: those whose group holds ``view_space`` on it. One query."""
    User = get_user_model()
    groups = CouncilGroupObjectPermission.objects.filter(
        content_object=council, permission__codename=VIEW_SPACE
    ).values("group_id")
    return User.objects.filter(
        is_active=True,
        pk__in=User.groups.through.objects.filter(group_id__in=groups).values("user_id"),
    ).order_by("pk")


def can_manage_members(user, council: Council) -> bool:
    return MANAGE_MEMBERS in council_grants(user).any(council)


def can_edit_council(user, council: Council) -> bool:
    return EDIT_COUNCIL in council_grants(user).any(council)


def can_read_council_log(user, council: Council) -> bool:
    """The council's log page: those who manage its members (coordinators,
    referents of its department); see ``can_read_content_log``."""
    return can_manage_members(user, council)


def can_read_content_log(user, council: Council) -> bool:
    """The log's lines about the council's content name its folders, files
    and pages: they are the space's, read by members only. A referent who is
    not a member reads the membership lines alone."""
    return can_view_space(user, council)


def can_read_transparency_log(user, council: Council) -> bool:
    """The transparency log (changes made from outside, visits by
    non-members) is the council's own: every member reads it."""
    return can_view_space(user, council)


def is_referent_for(user, council: Council) -> bool:
    """A referent of the council's department (not through membership)."""
    return MANAGE_MEMBERS in council_grants(user).referent(council)


def can_override_last_coordinator(user, council: Council) -> bool:
    """Only a referent may leave a council without coordinator."""
    return is_referent_for(user, council)


def can_archive_council(user, council: Council) -> bool:
    return is_referent_for(user, council)


# Managing is never a way in.
#
# Nobody admits themselves, and the people who manage councils from outside
# (referents, the national animation, the technical operators) enter one only
# with the consent of one of its coordinators. The services ask these before
# any change of membership or role; the views ask them to decide what to offer.


def manages_from_outside(user) -> bool:
    """Holds a power over councils that does not come from membership: the
    national animation, the technical operators, and referents of any
    department (not only the council's own: two referents must not admit each
    other)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or is_animator(user) or is_referent(user)


def managers_from_outside_among(user_ids: Iterable[int]) -> set[int]:
    """Which of ``user_ids`` manage councils from outside, in one query
    (for a page listing requests to join)."""
    from accounts.roles import ANIMATION_GROUP_NAME

    return set(
        get_user_model()
        .objects.filter(pk__in=list(user_ids))
        .filter(
            Q(is_superuser=True)
            | Q(groups__name=ANIMATION_GROUP_NAME)
            | Q(referent_assignments__isnull=False)
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def mark_who_may_accept(user, council: Council, join_requests: list[JoinRequest]) -> None:
    """Set ``is_own``, ``needs_consent`` (the person manages councils) and
    ``may_accept`` on each of ``join_requests`` for the page that lists
    them: one query for all, then the consent rule for the rare managers."""
    managers = managers_from_outside_among(r.user_id for r in join_requests)
    for join_request in join_requests:
        join_request.needs_consent = join_request.user_id in managers
        join_request.is_own = join_request.user_id == user.pk
        join_request.may_accept = not join_request.is_own and (
            not join_request.needs_consent or can_consent_to_admit(user, council, join_request.user)
        )


def is_self_admission(actor, user) -> bool:
    return actor.pk == user.pk


def _installed_by(coordinator, manager, council: Council) -> bool:
    """Did ``manager`` admit ``coordinator`` to ``council`` or make them
    coordinator (accepted their request, invited them, granted or changed
    their role)? Such a coordinator's consent is the manager's own."""
    if MembershipEvent.objects.filter(
        council=council,
        actor_id=manager.pk,
        subject_id=coordinator.pk,
        action__in=[
            MembershipEvent.Action.ACCEPTED,
            MembershipEvent.Action.JOINED,
            MembershipEvent.Action.ROLE_CHANGED,
        ],
    ).exists():
        return True
    return Invitation.objects.filter(
        council=council, invited_by_id=manager.pk, accepted_by_id=coordinator.pk
    ).exists()


def can_consent_to_admit(actor, council: Council, user) -> bool:
    """May ``actor``'s decision let ``user`` into ``council`` (or raise their
    role)? Anyone who manages the council may admit a resident; someone who
    manages councils from outside needs one of its coordinators: a member
    with the coordinator role, who is not that person, and whom that person
    did not install."""
    if is_self_admission(actor, user):
        return False
    if not manages_from_outside(user):
        return can_manage_members(actor, council)
    return is_coordinator(actor, council) and not _installed_by(actor, user, council)


def has_coordinator(council: Council) -> bool:
    return Membership.objects.filter(council=council, role=Membership.Role.COORDINATOR).exists()


def is_outside_change(actor, council: Council) -> bool:
    """A change of membership made by someone who is not a coordinator of
    the council (a referent, the animation): its coordinators are told at
    once."""
    return not is_coordinator(actor, council)


def is_outside_action(actor, council: Council) -> bool:
    """Something done to the council's content (sharing, publishing, the
    trash) by someone who is not a member of it. A member acts within their
    role; anyone else is outside, and its coordinators are told at once."""
    return not can_view_space(actor, council)


# Joining.


def can_ask_to_join(user, council: Council) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and council.is_active
        and not can_view_space(user, council)
    )


def can_leave(user, council: Council) -> bool:
    return can_view_space(user, council)


# Notifications: asked again, for a whole batch, whenever one is shown or
# e-mailed. Each reads the grants afresh (one query), never a cached copy, so
# someone who lost a role since the event gets nothing of it.


def _is_signed_in(user) -> bool:
    return user.is_authenticated and user.is_active


def visible_join_request_ids(user, ids: Iterable[int]) -> set[int]:
    """Among ``ids``, the join requests ``user`` may answer now: those of the
    councils whose members they manage (coordinator, or referent there)."""
    if not _is_signed_in(user):
        return set()
    managed_through_group = CouncilGroupObjectPermission.objects.filter(
        group__user=user, permission__codename=MANAGE_MEMBERS
    ).values("content_object_id")
    managed_directly = CouncilUserObjectPermission.objects.filter(
        user=user, permission__codename=MANAGE_MEMBERS
    ).values("content_object_id")
    return set(
        JoinRequest.objects.filter(pk__in=list(ids))
        .filter(Q(council_id__in=managed_through_group) | Q(council_id__in=managed_directly))
        .values_list("pk", flat=True)
    )


def visible_join_decision_ids(user, ids: Iterable[int]) -> set[int]:
    """Among ``ids``, the join requests ``user`` sent; an accepted one only
    while they are still a member (it leads to the council's space)."""
    if not _is_signed_in(user):
        return set()
    return set(
        JoinRequest.objects.filter(pk__in=list(ids), user_id=user.pk)
        .filter(
            ~Q(status=JoinRequest.Status.ACCEPTED)
            | Q(council__in=councils_with_space_visible_to(user))
        )
        .values_list("pk", flat=True)
    )


def visible_invitation_ids(user, ids: Iterable[int]) -> set[int]:
    """Among ``ids``, the open invitations sent to an address ``user`` has
    proved to hold (a verified address, as ``invitation_accept`` asks)."""
    if not _is_signed_in(user):
        return set()
    return set(
        Invitation.objects.filter(
            pk__in=list(ids),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            # Its link has expired: nothing left to open.
            created_at__gte=timezone.now() - INVITATION_MAX_AGE,
        )
        .filter(
            Exists(
                EmailAddress.objects.filter(
                    user_id=user.pk, verified=True, email__iexact=OuterRef("email")
                )
            )
        )
        .values_list("pk", flat=True)
    )


# Site-wide roles.


def referent_departments(user) -> QuerySet:
    from .models import Department

    if not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.filter(referent_assignments__user=user)


def referent_fact() -> Exists:
    """Whether the user (``OuterRef("pk")``) is a referent, for
    ``accounts.roles.load_reader_facts``."""
    return Exists(ReferentAssignment.objects.filter(user_id=OuterRef("pk")))


def is_referent(user) -> bool:
    return remembered_fact(
        user, "_is_referent", lambda: ReferentAssignment.objects.filter(user=user).exists()
    )


def can_create_council(user) -> bool:
    return is_referent(user)


def can_create_council_in(user, department) -> bool:
    return (
        user.is_authenticated
        and ReferentAssignment.objects.filter(user=user, department=department).exists()
    )


def can_appoint_referents(user) -> bool:
    return is_animator(user)


def can_appoint_referent(actor, user) -> bool:
    """The animation appoints referents, never itself."""
    return can_appoint_referents(actor) and not is_self_admission(actor, user)


def visible_outside_change_ids(user, ids: Iterable[int]) -> set[int]:
    """Among ``ids`` (membership log lines), those of the councils ``user``
    coordinates now."""
    if not _is_signed_in(user):
        return set()
    coordinated = CouncilGroupObjectPermission.objects.filter(
        group__user=user, permission__codename=MANAGE_MEMBERS
    ).values("content_object_id")
    return set(
        MembershipEvent.objects.filter(pk__in=list(ids), council_id__in=coordinated).values_list(
            "pk", flat=True
        )
    )


def can_view_animation_dashboard(user) -> bool:
    return is_animator(user)
