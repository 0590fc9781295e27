"""Referents: appointed by the national animation for departments; grants follow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from guardian.shortcuts import assign_perm

from accounts.wording import REFERENT, role_name
from common.actors import check_actor
from notifications import services as notifications

from .. import emails, permissions
from ..models import (
    Council,
    CouncilUserObjectPermission,
    Department,
    MembershipEvent,
    ReferentAssignment,
)
from ._shared import (
    ERROR_ALREADY_REFERENT,
    ERROR_OWN_APPOINTMENT,
    REFERENT_PERMISSIONS,
)
from .oversight import membership_change_record

if TYPE_CHECKING:
    from accounts.models import User


# Referents.


def _grant_referent(user: User, council: Council) -> None:
    for codename in REFERENT_PERMISSIONS:
        assign_perm(codename, user, council)


@transaction.atomic
def referent_appoint(
    *,
    actor: User | None = None,
    system: bool = False,
    user: User,
    departments: list[Department],
) -> list[ReferentAssignment]:
    """Make ``user`` referent of ``departments`` and grant them the councils
    there. Appointed by the national animation (``actor``), the coordinators
    of those councils are told at once and the referent is e-mailed; by the
    site itself (``system=True``: demo data, tests' set-up), no check, no
    message."""
    check_actor(actor, system=system)
    if not system and not permissions.can_appoint_referents(actor):
        raise PermissionDenied
    if not system and permissions.is_self_admission(actor, user):
        raise ValidationError(ERROR_OWN_APPOINTMENT, code="self_appointment")
    created = []
    for department in departments:
        assignment, was_created = ReferentAssignment.objects.get_or_create(
            user=user, department=department, defaults={"appointed_by": actor}
        )
        if not was_created:
            continue
        created.append(assignment)
        for council in Council.objects.filter(department=department):
            _grant_referent(user, council)
            if not system:
                _tell_council(council, MembershipEvent.Action.REFERENT_APPOINTED, actor, user)
        if not system:
            emails.send_to_each(
                template="referent_appointed",
                recipients=[user.email],
                context={
                    "department": department,
                    "role": role_name(REFERENT, user),
                    "mine_url": emails.absolute_url(reverse("councils:mine")),
                },
            )
    if departments and not created:
        raise ValidationError(ERROR_ALREADY_REFERENT, code="already_referent")
    permissions.forget_council_grants(user)
    return created


def _tell_council(council: Council, action: str, actor: User, referent: User) -> None:
    """A referent manages the council's memberships: its log says who, and
    its coordinators hear of it at once (unless they appointed them)."""
    membership_change_record(
        council=council,
        action=action,
        actor=actor,
        subject=referent,
        detail=str(council.department),
        from_outside=permissions.is_outside_change(actor, council),
    )


@transaction.atomic
def referent_withdraw(*, actor: User, assignment: ReferentAssignment) -> None:
    if not permissions.can_appoint_referents(actor):
        raise PermissionDenied
    for council in Council.objects.filter(department=assignment.department):
        _tell_council(council, MembershipEvent.Action.REFERENT_WITHDRAWN, actor, assignment.user)
    CouncilUserObjectPermission.objects.filter(
        user=assignment.user, content_object__department=assignment.department
    ).delete()
    assignment.delete()
    permissions.forget_council_grants(assignment.user)
    notifications.recheck(user=assignment.user)
    emails.send_to_each(
        template="referent_withdrawn",
        recipients=[assignment.user.email],
        context={
            "department": assignment.department,
            "role": role_name(REFERENT, assignment.user),
        },
    )
