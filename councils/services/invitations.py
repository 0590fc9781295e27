"""Invitations: signed 14-day links to one mailbox.

The invitation goes by e-mail to the address; an account that already holds
the address also finds it in its notifications.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.wording import COORDINATOR, role_name
from common import ratelimit
from notifications import services as notifications

from .. import emails, permissions
from ..models import (
    INVITATION_MAX_AGE,
    Council,
    Invitation,
    JoinRequest,
    Membership,
    MembershipEvent,
)
from ._shared import (
    ERROR_CONSENT_NEEDED_INVITATION,
    ERROR_COUNCIL_ARCHIVED,
    ERROR_INVITATION_ARCHIVED,
    ERROR_INVITATION_INVALID,
    ERROR_INVITATION_OTHER_ADDRESS,
    ERROR_INVITATION_USED,
    ERROR_INVITEE_ALREADY_MEMBER,
    ERROR_NO_COORDINATOR,
    ERROR_OWN_ADDRESS,
    ERROR_OWN_INVITATION,
    ERROR_TOO_MANY_INVITATIONS,
    ERROR_UNKNOWN_ROLE,
    INVITATION_KIND,
    INVITATION_SALT,
    _council_place,
    _record,
)

if TYPE_CHECKING:
    from accounts.models import User
from .memberships import _membership_grant, _set_role
from .oversight import membership_change_record

# Invitations.


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT, compress=True)


def invitation_from_token(token: str) -> Invitation:
    """The open invitation behind a link younger than 14 days, else ValidationError."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature as exc:
        raise ValidationError(ERROR_INVITATION_INVALID, code="invalid") from exc
    invitation = Invitation.objects.select_related("council", "invited_by").filter(pk=pk).first()
    if invitation is None:
        raise ValidationError(ERROR_INVITATION_INVALID, code="invalid")
    if not invitation.council.is_active:
        raise ValidationError(ERROR_INVITATION_ARCHIVED, code="archived")
    if not invitation.is_open:
        raise ValidationError(ERROR_INVITATION_USED, code="used")
    return invitation


@transaction.atomic
def invitation_send(*, actor: User, council: Council, email: str, role: str) -> Invitation:
    """Invite an address; an earlier open invitation to it is replaced."""
    if not permissions.can_manage_members(actor, council):
        raise PermissionDenied
    if not council.is_active:
        raise ValidationError(ERROR_COUNCIL_ARCHIVED, code="archived")
    if role not in Membership.Role.values:
        raise ValidationError(ERROR_UNKNOWN_ROLE, code="role")
    email = email.strip().lower()
    if _is_address_of(actor, email):
        raise ValidationError(ERROR_OWN_ADDRESS, code="own_address")
    if Membership.objects.filter(council=council, user__email__iexact=email).exists():
        raise ValidationError(ERROR_INVITEE_ALREADY_MEMBER, code="already_member")
    just_sent = Invitation.objects.filter(
        council=council,
        email__iexact=email,
        role=role,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        created_at__gte=timezone.now() - timedelta(minutes=1),
    ).first()
    if just_sent is not None:
        # A double-submitted form: the e-mail has left already.
        return just_sent
    _check_invitation_rate(actor, council)
    Invitation.objects.filter(
        council=council, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        council=council, email=email, role=role, invited_by=actor
    )
    _record(council, MembershipEvent.Action.INVITED, actor=actor, detail=email)
    accept_path = reverse("councils:invitation", args=[invitation_token(invitation)])
    emails.send_to_each(
        template="invitation",
        recipients=[email],
        context={
            "council": council,
            "invitation": invitation,
            "inviter": actor,
            "accept_url": emails.absolute_url(accept_path),
            "valid_days": INVITATION_MAX_AGE.days,
        },
    )
    _notify_invitation(invitation, accept_path=accept_path)
    return invitation


# Invitations go to any address: a sender, or a council, sends only so many.
INVITATION_LIMITS = (
    # (counter, how many, in how many seconds)
    ("invitation-sender-minute:{sender}", 10, 60),
    ("invitation-sender-hour:{sender}", 30, 3600),
    ("invitation-council:{council}", 50, 3600),
)


def _check_invitation_rate(actor: User, council: Council) -> None:
    for key, limit, seconds in INVITATION_LIMITS:
        counter = key.format(sender=actor.pk, council=council.pk)
        if not ratelimit.hit(counter, limit=limit, period_seconds=seconds):
            raise ValidationError(ERROR_TOO_MANY_INVITATIONS, code="rate_limited")


def _notify_invitation(invitation: Invitation, *, accept_path: str) -> None:
    """Tell an existing account, on the site, that its address was invited.

    The invitation itself always goes by e-mail to the address (above): the
    invitee may have no account. Only accounts that proved they hold the
    address (as ``invitation_accept`` asks) are told here, since the
    notification carries the invitation's link.
    """
    council, inviter = invitation.council, invitation.invited_by
    invitees = get_user_model().objects.filter(
        is_active=True,
        pk__in=EmailAddress.objects.filter(email__iexact=invitation.email, verified=True).values(
            "user_id"
        ),
    )
    days = INVITATION_MAX_AGE.days
    invitees = list(invitees)
    # One account holds a verified address: its role is named as it chose.
    invitee = invitees[0] if len(invitees) == 1 else None
    with translation.override(settings.LANGUAGE_CODE):
        notifications.notify(
            recipients=invitees,
            kind=INVITATION_KIND,
            target_id=invitation.pk,
            title=_("%(name)s invites you to join “%(council)s” as %(role)s")
            % {
                "name": inviter.display_name,
                "council": council.name,
                "role": role_name(invitation.role, invitee),
            },
            url=accept_path,
            excerpt=ngettext(
                "The link is valid for %(days)s day.", "The link is valid for %(days)s days.", days
            )
            % {"days": days},
            actor=inviter,
            **_council_place(council),
        )


def _is_address_of(user: User, email: str) -> bool:
    """Is ``email`` one of ``user``'s addresses (verified or not)?"""
    return (user.email or "").lower() == email or EmailAddress.objects.filter(
        user=user, email__iexact=email
    ).exists()


def invitation_is_for(invitation: Invitation, user: User) -> bool:
    """An invitation is a link to one mailbox: only an account that has proved
    it holds that address (a verified e-mail address) may accept it."""
    return EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()


@transaction.atomic
def invitation_accept(*, user: User, invitation: Invitation) -> Membership:
    invitation = (
        Invitation.objects.select_for_update().select_related("council").get(pk=invitation.pk)
    )
    if not invitation.is_open:
        raise ValidationError(ERROR_INVITATION_USED, code="used")
    if not invitation_is_for(invitation, user):
        raise ValidationError(ERROR_INVITATION_OTHER_ADDRESS, code="other_address")
    council = invitation.council
    if not council.is_active:
        raise ValidationError(ERROR_COUNCIL_ARCHIVED, code="archived")
    inviter = invitation.invited_by
    _check_invitation_consent(inviter, council, user)
    from_outside = inviter is not None and permissions.is_outside_change(inviter, council)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    membership = Membership.objects.filter(council=council, user=user).first()
    if membership is None:
        membership = _membership_grant(council, user, invitation.role)
        membership_change_record(
            council=council,
            action=MembershipEvent.Action.JOINED,
            actor=user,
            subject=user,
            detail=invitation.email,
            from_outside=from_outside,
            invited_by=inviter,
        )
    elif invitation.role == Membership.Role.COORDINATOR and not membership.is_coordinator:
        _set_role(membership, Membership.Role.COORDINATOR)
        membership_change_record(
            council=council,
            action=MembershipEvent.Action.ROLE_CHANGED,
            # The inviter decided; if their account is gone, the invitee did, by accepting.
            actor=inviter or user,
            subject=user,
            detail=role_name(COORDINATOR, user),
            from_outside=from_outside,
        )
    # The person who was asked does not need to ask any more.
    JoinRequest.objects.filter(
        council=council, user=user, status=JoinRequest.Status.PENDING
    ).update(
        status=JoinRequest.Status.ACCEPTED,
        decided_at=timezone.now(),
        decided_by=invitation.invited_by,
    )
    return membership


def _check_invitation_consent(inviter: User | None, council: Council, user: User) -> None:
    """An invitation is its sender's decision: accepting it asks what
    ``check_admission`` asks of that person, now (they may have lost their
    role since). Nobody accepts their own invitation, sent to a second
    address."""
    if inviter is not None and inviter.pk == user.pk:
        raise ValidationError(ERROR_OWN_INVITATION, code="self_admission")
    if inviter is not None and permissions.can_consent_to_admit(inviter, council, user):
        return
    if not permissions.manages_from_outside(user):
        # A resident invited by someone who has since lost their role: the
        # link reached their mailbox, which is what the invitation promised.
        return
    if not permissions.has_coordinator(council):
        raise ValidationError(ERROR_NO_COORDINATOR, code="no_coordinator")
    raise ValidationError(ERROR_CONSENT_NEEDED_INVITATION, code="consent_needed")


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    if not permissions.can_manage_members(actor, invitation.council):
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(ERROR_INVITATION_USED, code="used")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    _record(
        invitation.council,
        MembershipEvent.Action.INVITATION_REVOKED,
        actor=actor,
        detail=invitation.email,
    )
