"""Joining and leaving: requests, answers, roles, removals, the last-coordinator rule.

Requests to join and their answers are published through the notification
centre; removals and role changes, notices about the person's own place in
the council, go by direct e-mail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.wording import COORDINATOR, role_name
from common.actors import check_actor
from notifications import services as notifications

from .. import emails, permissions
from ..models import (
    REFUSAL_REASON_MAX_LENGTH,
    Council,
    JoinRequest,
    Membership,
    MembershipEvent,
)
from ._shared import (
    ERROR_ALREADY_MEMBER,
    ERROR_CONSENT_NEEDED,
    ERROR_COUNCIL_ARCHIVED,
    ERROR_INVITEE_ALREADY_MEMBER,
    ERROR_LAST_COORDINATOR,
    ERROR_NO_COORDINATOR,
    ERROR_NO_COORDINATOR_TO_ASK,
    ERROR_OWN_REQUEST,
    ERROR_OWN_ROLE,
    ERROR_REASON_TOO_LONG,
    ERROR_REQUEST_ANSWERED,
    ERROR_REQUEST_PENDING,
    ERROR_SELF_ADMISSION,
    ERROR_UNKNOWN_ROLE,
    JOIN_DECISION_KIND,
    JOIN_REQUEST_KIND,
    _council_place,
    _record,
)
from .oversight import membership_change_record

if TYPE_CHECKING:
    from accounts.models import User


# Joining.


@transaction.atomic
def membership_request(*, user: User, council: Council, message: str) -> JoinRequest:
    if not council.is_active:
        raise ValidationError(ERROR_COUNCIL_ARCHIVED, code="archived")
    if permissions.can_view_space(user, council):
        raise ValidationError(ERROR_ALREADY_MEMBER, code="already_member")
    if permissions.manages_from_outside(user) and not permissions.has_coordinator(council):
        # Nobody could consent: say so now rather than leave a request no one may answer.
        raise ValidationError(ERROR_NO_COORDINATOR_TO_ASK, code="no_coordinator")
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(council=council, user=user, message=message)
    except IntegrityError as exc:
        raise ValidationError(ERROR_REQUEST_PENDING, code="pending") from exc
    _record(council, MembershipEvent.Action.REQUESTED, actor=user, subject=user)
    _notify_join_request(join_request)
    return join_request


def _managers(council: Council) -> list[User]:
    """Who answers the council's requests to join: its coordinators and the
    referents of its department."""
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(
                council_memberships__council=council,
                council_memberships__role=Membership.Role.COORDINATOR,
            )
            | Q(referent_assignments__department_id=council.department_id)
        )
        .distinct()
        .order_by("pk")
    )


def _joins_thread(council: Council) -> dict[str, str]:
    """Requests to join and their answers, together in a digest."""
    return {
        **_council_place(council),
        "thread_key": f"joins:{council.pk}",
        "thread_title": _("Requests to join"),
    }


def _notify_join_request(join_request: JoinRequest) -> None:
    council, requester = join_request.council, join_request.user
    with translation.override(settings.LANGUAGE_CODE):
        notifications.notify(
            recipients=_managers(council),
            kind=JOIN_REQUEST_KIND,
            target_id=join_request.pk,
            title=_("%(name)s asks to join “%(council)s”")
            % {"name": requester.display_name, "council": council.name},
            url=reverse("councils:manage", args=[council.slug]),
            excerpt=_join_request_excerpt(join_request),
            actor=requester,
            **_joins_thread(council),
        )


def _join_request_excerpt(join_request: JoinRequest) -> str:
    """The requester's words; first, for someone who manages councils, that
    only a coordinator may accept them."""
    excerpt = Truncator(join_request.message).words(40)
    if permissions.manages_from_outside(join_request.user):
        note = _(
            "This person manages councils (referent, national animation or technical team): "
            "only a coordinator of the council can accept the request."
        )
        excerpt = f"{note}\n\n{excerpt}" if excerpt else note
    return excerpt


def _notify_join_decision(join_request: JoinRequest, *, actor: User) -> None:
    """Tell the person who asked what was decided (accepted or refused)."""
    council = join_request.council
    names = {"council": council.name}
    with translation.override(settings.LANGUAGE_CODE):
        if join_request.status == JoinRequest.Status.ACCEPTED:
            title = _("Your request to join “%(council)s” is accepted") % names
            excerpt = _("You are now a member: the council's private space is open to you.")
            url = council.get_space_url()
        else:
            title = _("Your request to join “%(council)s” was not accepted") % names
            if join_request.refusal_reason:
                excerpt = _("Reason given: %(reason)s") % {"reason": join_request.refusal_reason}
            else:
                excerpt = _(
                    "You can write to the council through the contact form of its page to "
                    "know more, or ask the national animation for help."
                )
            url = council.get_absolute_url()
        notifications.notify(
            recipients=[join_request.user],
            kind=JOIN_DECISION_KIND,
            target_id=join_request.pk,
            title=title,
            url=url,
            excerpt=excerpt,
            actor=actor,
            **_joins_thread(council),
        )


def _locked_pending_request(join_request: JoinRequest) -> JoinRequest:
    """Lock the request row: of two managers answering at once, the second waits,
    then finds it answered."""
    locked = (
        JoinRequest.objects.select_for_update()
        .select_related("council", "user")
        .get(pk=join_request.pk)
    )
    if not locked.is_pending:
        raise ValidationError(ERROR_REQUEST_ANSWERED, code="answered")
    return locked


def _answer(
    join_request: JoinRequest,
    status: str,
    decided_by: User | None,
    *,
    extra_fields: list[str] | None = None,
) -> None:
    """Settle the request; ``decided_by`` is None when its author withdrew it.
    ``extra_fields`` are other fields set by the caller, saved with it."""
    join_request.status = status
    join_request.decided_at = timezone.now()
    join_request.decided_by = decided_by
    join_request.save(update_fields=["status", "decided_at", "decided_by", *(extra_fields or [])])


@transaction.atomic
def join_request_accept(*, actor: User, join_request: JoinRequest) -> Membership:
    if not permissions.can_manage_members(actor, join_request.council):
        raise PermissionDenied
    join_request = _locked_pending_request(join_request)
    council = join_request.council
    if not council.is_active:
        raise ValidationError(ERROR_COUNCIL_ARCHIVED, code="archived")
    check_admission(
        actor=actor, council=council, user=join_request.user, self_error=ERROR_OWN_REQUEST
    )
    _answer(join_request, JoinRequest.Status.ACCEPTED, actor)
    membership = Membership.objects.filter(council=council, user=join_request.user).first()
    if membership is not None:
        # Added meanwhile (by a referent): the request is simply settled.
        return membership
    from_outside = permissions.is_outside_change(actor, council)
    membership = _membership_grant(council, join_request.user, Membership.Role.MEMBER)
    membership_change_record(
        council=council,
        action=MembershipEvent.Action.ACCEPTED,
        actor=actor,
        subject=join_request.user,
        from_outside=from_outside,
    )
    _notify_join_decision(join_request, actor=actor)
    return membership


def check_admission(
    *, actor: User, council: Council, user: User, self_error=ERROR_SELF_ADMISSION
) -> None:
    """Refuse, with the reason, to let ``actor`` admit ``user`` to ``council``
    or raise their role: nobody admits themselves, and someone who manages
    councils from outside needs the consent of one of its coordinators.

    Call while holding the row lock of what is being decided (the request, the
    invitation or the council), so that the answer still holds when written.
    """
    if permissions.is_self_admission(actor, user):
        raise ValidationError(self_error, code="self_admission")
    if permissions.can_consent_to_admit(actor, council, user):
        return
    if permissions.manages_from_outside(user) and not permissions.has_coordinator(council):
        raise ValidationError(ERROR_NO_COORDINATOR, code="no_coordinator")
    raise ValidationError(ERROR_CONSENT_NEEDED, code="consent_needed")


@transaction.atomic
def join_request_refuse(*, actor: User, join_request: JoinRequest, reason: str = "") -> JoinRequest:
    """Refuse the request; ``reason``, optional, is for the requester's eyes."""
    if not permissions.can_manage_members(actor, join_request.council):
        raise PermissionDenied
    reason = reason.strip()
    if len(reason) > REFUSAL_REASON_MAX_LENGTH:
        raise ValidationError(ERROR_REASON_TOO_LONG, code="reason_too_long")
    join_request = _locked_pending_request(join_request)
    join_request.refusal_reason = reason
    _answer(join_request, JoinRequest.Status.REFUSED, actor, extra_fields=["refusal_reason"])
    council = join_request.council
    _record(council, MembershipEvent.Action.REFUSED, actor=actor, subject=join_request.user)
    _notify_join_decision(join_request, actor=actor)
    return join_request


@transaction.atomic
def join_request_withdraw(*, user: User, join_request: JoinRequest) -> None:
    if join_request.user_id != user.pk:
        raise PermissionDenied
    join_request = _locked_pending_request(join_request)
    _answer(join_request, JoinRequest.Status.WITHDRAWN, None)
    _record(join_request.council, MembershipEvent.Action.WITHDRAWN, actor=user, subject=user)


# Memberships.


@transaction.atomic
def membership_grant(
    *,
    actor: User | None = None,
    system: bool = False,
    council: Council,
    user: User,
    role: str = Membership.Role.MEMBER,
) -> Membership:
    """Make ``user`` a member straight away: a referent of the department
    (``actor``), or the site itself (``system=True``: demo data, commands),
    which skips the permission and consent checks.

    Coordinators go through requests and invitations, which leave the person
    a say; this is for the referent setting up a council and for seeding.
    """
    check_actor(actor, system=system)
    if not system and not permissions.is_referent_for(actor, council):
        raise PermissionDenied
    Council.objects.select_for_update().filter(pk=council.pk).first()
    if not council.is_active:
        raise ValidationError(ERROR_COUNCIL_ARCHIVED, code="archived")
    if Membership.objects.filter(council=council, user=user).exists():
        raise ValidationError(ERROR_INVITEE_ALREADY_MEMBER, code="already_member")
    if not system:
        check_admission(actor=actor, council=council, user=user)
    from_outside = not system and permissions.is_outside_change(actor, council)
    membership = _membership_grant(council, user, role)
    membership_change_record(
        council=council,
        action=MembershipEvent.Action.JOINED,
        actor=actor,
        system=system,
        subject=user,
        from_outside=from_outside,
    )
    return membership


def _membership_grant(council: Council, user: User, role: str) -> Membership:
    membership = Membership.objects.create(council=council, user=user, role=role)
    user.groups.add(council.members_group)
    if role == Membership.Role.COORDINATOR:
        user.groups.add(council.coordinators_group)
    permissions.forget_council_grants(user)
    return membership


def _set_role(membership: Membership, role: str) -> None:
    membership.role = role
    membership.save(update_fields=["role"])
    council, user = membership.council, membership.user
    if role == Membership.Role.COORDINATOR:
        user.groups.add(council.coordinators_group)
    else:
        user.groups.remove(council.coordinators_group)
    permissions.forget_council_grants(user)


def _check_keeps_a_coordinator(actor: User, membership: Membership) -> None:
    """Refuse to take away the last coordinator, unless a referent does it.

    Call while holding the council's row lock, so that two coordinators
    stepping down at once cannot both pass.
    """
    if not membership.is_coordinator:
        return
    others = Membership.objects.filter(
        council_id=membership.council_id, role=Membership.Role.COORDINATOR
    ).exclude(pk=membership.pk)
    if others.exists():
        return
    if permissions.can_override_last_coordinator(actor, membership.council):
        return
    raise ValidationError(ERROR_LAST_COORDINATOR, code="last_coordinator")


def _lock(membership: Membership) -> Membership:
    Council.objects.select_for_update().filter(pk=membership.council_id).first()
    return Membership.objects.select_related("council", "user").get(pk=membership.pk)


@transaction.atomic
def membership_leave(*, user: User, council: Council) -> None:
    membership = Membership.objects.filter(council=council, user=user).first()
    if membership is None:
        raise PermissionDenied
    membership = _lock(membership)
    _check_keeps_a_coordinator(user, membership)
    _membership_end(membership)
    permissions.forget_council_grants(user)
    _record(council, MembershipEvent.Action.LEFT, actor=user, subject=user)


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    if not permissions.can_manage_members(actor, membership.council):
        raise PermissionDenied
    membership = _lock(membership)
    _check_keeps_a_coordinator(actor, membership)
    council = membership.council
    from_outside = permissions.is_outside_change(actor, council)
    _membership_end(membership)
    permissions.forget_council_grants(actor)
    membership_change_record(
        council=council,
        action=MembershipEvent.Action.REMOVED,
        actor=actor,
        subject=membership.user,
        from_outside=from_outside,
    )
    emails.send_to_each(
        template="membership_removed",
        recipients=[membership.user.email],
        context={
            "council": council,
            "council_url": emails.absolute_url(council.get_absolute_url()),
        },
    )


@transaction.atomic
def membership_role_change(*, actor: User, membership: Membership, role: str) -> Membership:
    if not permissions.can_manage_members(actor, membership.council):
        raise PermissionDenied
    if role != Membership.Role.MEMBER and permissions.is_self_admission(actor, membership.user):
        # Stepping down is one's own choice; stepping up never is.
        raise ValidationError(ERROR_OWN_ROLE, code="own_role")
    membership = _lock(membership)
    if membership.role == role:
        return membership
    if role not in Membership.Role.values:
        raise ValidationError(ERROR_UNKNOWN_ROLE, code="role")
    if role == Membership.Role.MEMBER:
        _check_keeps_a_coordinator(actor, membership)
    else:
        check_admission(actor=actor, council=membership.council, user=membership.user)
    from_outside = permissions.is_outside_change(actor, membership.council)
    _set_role(membership, role)
    # The actor may be the person whose role changed (another Python object).
    permissions.forget_council_grants(actor)
    if role == Membership.Role.MEMBER:
        # No longer answers the join requests.
        permissions.forget_council_grants(membership.user)
        notifications.recheck(user=membership.user)
    if membership.user_id != actor.pk:
        _send_role_changed(membership)
    membership_change_record(
        council=membership.council,
        action=MembershipEvent.Action.ROLE_CHANGED,
        actor=actor,
        subject=membership.user,
        detail=role_name(role, membership.user),
        from_outside=from_outside,
    )
    return membership


def _send_role_changed(membership: Membership) -> None:
    council = membership.council
    emails.send_to_each(
        template="role_changed",
        recipients=[membership.user.email],
        context={
            "council": council,
            "is_coordinator": membership.is_coordinator,
            "role": role_name(COORDINATOR, membership.user),
            "manage_url": emails.absolute_url(reverse("councils:manage", args=[council.slug])),
            "space_url": emails.absolute_url(council.get_space_url()),
        },
    )


def _membership_end(membership: Membership) -> None:
    council, user = membership.council, membership.user
    membership.delete()
    user.groups.remove(council.members_group, council.coordinators_group)
    permissions.forget_council_grants(user)
    # Nothing of the space stays behind the bell.
    notifications.recheck(user=user)
