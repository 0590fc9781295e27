"""Every write about councils: creation, public page, memberships, referents.

These functions are the only code that grants or withdraws guardian
permissions on councils. Each takes who acts, checks that they may, writes in
one transaction, records the change in the membership log and sends its
e-mails after commit.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, remove_perm

from common.markdown import render_markdown

from . import emails, permissions
from .models import (
    Council,
    CouncilUserObjectPermission,
    Department,
    Invitation,
    JoinRequest,
    Membership,
    MembershipEvent,
    ReferentAssignment,
    SpaceAccess,
)

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

MEMBER_PERMISSIONS = (permissions.VIEW_SPACE, permissions.CONTRIBUTE)
COORDINATOR_PERMISSIONS = (permissions.MANAGE_MEMBERS, permissions.EDIT_COUNCIL)
REFERENT_PERMISSIONS = (permissions.MANAGE_MEMBERS, permissions.EDIT_COUNCIL)
INVITATION_MAX_AGE = timedelta(days=14)
INVITATION_SALT = "councils.invitation"

ERROR_ALREADY_MEMBER = _("You are already a member of this council.")
ERROR_REQUEST_PENDING = _(
    "You have already asked to join this council; the answer will come by e-mail."
)
ERROR_COUNCIL_ARCHIVED = _("This council is archived: it does not take new members.")
ERROR_REQUEST_ANSWERED = _("This request has already been answered.")
ERROR_LAST_COORDINATOR = _(
    "A council keeps at least one coordinator. Name another coordinator first, "
    "or ask the referent of the department."
)
ERROR_INVITEE_ALREADY_MEMBER = _("The person with this address is already a member.")
ERROR_INVITATION_USED = _("This invitation has already been used or was cancelled.")
ERROR_INVITATION_INVALID = _(
    "This invitation link is not valid or has expired (links last 14 days). "
    "Ask the council's coordinators to send a new one."
)
ERROR_UNKNOWN_ROLE = _("Choose a role from the list.")
ERROR_DUPLICATE_COUNCIL = _("A council with this name already exists in this town.")
ERROR_STALE_EDIT = _(
    "Someone saved this page while you were editing it. Their version is shown "
    "below the form; your text is kept in the form: merge the two, then save again."
)
ERROR_INVITATION_OTHER_ADDRESS = _(
    "This invitation was sent to another e-mail address. Log in with the account "
    "of that address, or create one with it."
)
ERROR_INVITATION_ARCHIVED = _(
    "This council has been archived since the invitation was sent: it no longer takes new members."
)
ERROR_NOT_REFERENT_THERE = _("You are not a referent of this department.")
ERROR_ALREADY_REFERENT = _("This person is already referent of this department.")


# Councils.


# "Conseil citoyen de l'Alma", Roubaix → "alma-roubaix".
_NAME_PREFIX = re.compile(
    r"^\s*conseils?\s+citoyens?\s+(?:de\s+la\s+|de\s+l['’]\s*|des\s+|du\s+|de\s+|d['’]\s*)?",
    re.IGNORECASE,
)


def _short_name(name: str) -> str:
    return _NAME_PREFIX.sub("", name).strip() or name


def _fold(text: str) -> str:
    """Lower case, no accents, words separated by spaces: "Saint-Étienne" → "saint etienne"."""
    return slugify(text).replace("-", " ")


def _set_keys(council: Council) -> None:
    council.search_key = _fold(f"{council.name} {council.neighbourhood_name} {council.town}")[:500]
    council.town_key = _fold(council.town)[:120]
    council.sort_key = _fold(_short_name(council.name))[:120]


def _unique_slug(name: str, town: str) -> str:
    short_name = _short_name(name)
    words = short_name if slugify(town) in slugify(short_name) else f"{short_name} {town}"
    base = slugify(words)[:100].strip("-") or "conseil"
    slug, suffix = base, 2
    while Council.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


@transaction.atomic
def council_create(
    *,
    actor: User | None,
    name: str,
    department: Department,
    town: str,
    neighbourhood_name: str = "",
    neighbourhood_code: str = "",
    presentation: str = "",
    founded_on: date | None = None,
    logo: ContentFile | None = None,
) -> Council:
    """Create a council, its two groups and their grants, and grant the
    department's referents. ``actor`` None is the system (demo data, admin
    commands); a person must be referent of the department."""
    if actor is not None and not permissions.can_create_council_in(actor, department):
        raise PermissionDenied(ERROR_NOT_REFERENT_THERE)
    if Council.objects.filter(
        name__iexact=name.strip(), town__iexact=town.strip(), department=department
    ).exists():
        # Also what a double-submitted creation form meets the second time.
        raise ValidationError({"name": ERROR_DUPLICATE_COUNCIL}, code="duplicate")
    slug = _unique_slug(name, town)
    council = Council(
        name=name,
        slug=slug,
        department=department,
        town=town,
        neighbourhood_name=neighbourhood_name,
        neighbourhood_code=neighbourhood_code.upper(),
        presentation=presentation,
        presentation_html=render_markdown(presentation),
        founded_on=founded_on or timezone.localdate(),
        members_group=Group.objects.create(name=f"conseil:{slug}:membres"),
        coordinators_group=Group.objects.create(name=f"conseil:{slug}:coordination"),
    )
    _set_keys(council)
    council.full_clean(exclude=["logo", "members_group", "coordinators_group"])
    council.save()
    for codename in MEMBER_PERMISSIONS:
        assign_perm(codename, council.members_group, council)
    for codename in MEMBER_PERMISSIONS + COORDINATOR_PERMISSIONS:
        assign_perm(codename, council.coordinators_group, council)
    for assignment in ReferentAssignment.objects.filter(department=department).select_related(
        "user"
    ):
        _grant_referent(assignment.user, council)
    _record(council, MembershipEvent.Action.CREATED, actor=actor)
    if actor is not None:
        permissions.forget_council_grants(actor)
    if logo is not None:
        _store_logo(council, logo)
    return council


@transaction.atomic
def council_update(
    *,
    actor: User,
    council: Council,
    name: str,
    town: str,
    neighbourhood_name: str,
    neighbourhood_code: str,
    presentation: str,
    founded_on: date,
    new_logo: ContentFile | None = None,
    remove_logo: bool = False,
    based_on: datetime | None = None,
) -> Council:
    """Save the public page. ``new_logo`` is already checked (``reencode_image``).

    ``based_on`` is the ``updated_at`` the editor started from: if someone
    saved in between, nothing is written and ValidationError says so.
    """
    if not permissions.can_edit_council(actor, council):
        raise PermissionDenied
    council = Council.objects.select_for_update().get(pk=council.pk)
    if based_on is not None and council.updated_at != based_on:
        raise ValidationError(ERROR_STALE_EDIT, code="stale")
    if (
        Council.objects.filter(
            name__iexact=name.strip(), town__iexact=town.strip(), department=council.department
        )
        .exclude(pk=council.pk)
        .exists()
    ):
        raise ValidationError({"name": ERROR_DUPLICATE_COUNCIL}, code="duplicate")
    old_logo = council.logo.name if council.logo else ""
    council.name = name
    council.town = town
    council.neighbourhood_name = neighbourhood_name
    council.neighbourhood_code = neighbourhood_code.upper()
    council.presentation = presentation
    council.presentation_html = render_markdown(presentation)
    council.founded_on = founded_on
    if remove_logo and new_logo is None:
        council.logo = ""
    _set_keys(council)
    council.full_clean(exclude=["logo", "members_group", "coordinators_group"])
    council.save()
    if new_logo is not None:
        _store_logo(council, new_logo)
    new_name = council.logo.name if council.logo else ""
    if old_logo and old_logo != new_name:
        transaction.on_commit(lambda: _delete_file(old_logo))
    return council


@transaction.atomic
def council_archive(*, actor: User, council: Council) -> Council:
    """Archive: out of the directory, no new members, the space becomes read-only.

    Members keep reading what they wrote; the ``contribute`` grants go.
    """
    if not permissions.can_archive_council(actor, council):
        raise PermissionDenied
    council = Council.objects.select_for_update().get(pk=council.pk)
    if not council.is_active:
        return council
    council.status = Council.Status.ARCHIVED
    council.archived_at = timezone.now()
    council.save(update_fields=["status", "archived_at"])
    for group in (council.members_group, council.coordinators_group):
        remove_perm(permissions.CONTRIBUTE, group, council)
    waiting = list(
        JoinRequest.objects.filter(
            council=council, status=JoinRequest.Status.PENDING
        ).select_related("user")
    )
    JoinRequest.objects.filter(pk__in=[request.pk for request in waiting]).update(
        status=JoinRequest.Status.CANCELLED, decided_at=timezone.now(), decided_by=actor
    )
    emails.send_to_each(
        template="join_cancelled",
        recipients=[request.user.email for request in waiting],
        context={
            "council": council,
            "directory_url": emails.absolute_url(reverse("councils:directory")),
        },
    )
    Invitation.objects.filter(
        council=council, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    _record(council, MembershipEvent.Action.ARCHIVED, actor=actor)
    return council


@transaction.atomic
def council_reactivate(*, actor: User, council: Council) -> Council:
    if not permissions.can_archive_council(actor, council):
        raise PermissionDenied
    council = Council.objects.select_for_update().get(pk=council.pk)
    if council.is_active:
        return council
    council.status = Council.Status.ACTIVE
    council.archived_at = None
    council.save(update_fields=["status", "archived_at"])
    for group in (council.members_group, council.coordinators_group):
        assign_perm(permissions.CONTRIBUTE, group, council)
    _record(council, MembershipEvent.Action.REACTIVATED, actor=actor)
    return council


def council_touch(*, council: Council) -> None:
    """Mark recent activity in the space (called by the apps that write there)."""
    Council.objects.filter(pk=council.pk).update(last_activity_at=timezone.now())


# Public contact.


def contact_recipients(council: Council) -> list[str]:
    """Who receives the public contact form: the coordinators, or while a
    council has none, the referents of its department. Archived: nobody."""
    if not council.is_active:
        return []
    coordinators = list(
        council.memberships.filter(
            role=Membership.Role.COORDINATOR, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if coordinators:
        return coordinators
    return list(
        ReferentAssignment.objects.filter(
            department_id=council.department_id, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def council_contact(*, council: Council, sender_name: str, sender_email: str, message: str) -> int:
    """E-mail a visitor's message to ``contact_recipients``; returns how many got it.

    Their addresses are never shown: they answer by replying.
    """
    recipients = contact_recipients(council)
    emails.send_to_each(
        template="contact",
        recipients=recipients,
        reply_to=[sender_email],
        context={
            "council": council,
            "sender_name": sender_name,
            "sender_email": sender_email,
            "message": message,
            "council_url": emails.absolute_url(council.get_absolute_url()),
        },
    )
    return len(recipients)


# Joining.


@transaction.atomic
def membership_request(*, user: User, council: Council, message: str) -> JoinRequest:
    if not council.is_active:
        raise ValidationError(ERROR_COUNCIL_ARCHIVED, code="archived")
    if permissions.can_view_space(user, council):
        raise ValidationError(ERROR_ALREADY_MEMBER, code="already_member")
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(council=council, user=user, message=message)
    except IntegrityError as exc:
        raise ValidationError(ERROR_REQUEST_PENDING, code="pending") from exc
    _record(council, MembershipEvent.Action.REQUESTED, actor=user, subject=user)
    emails.send_to_each(
        template="join_request",
        recipients=_manager_addresses(council),
        context={
            "council": council,
            "join_request": join_request,
            "manage_url": emails.absolute_url(reverse("councils:manage", args=[council.slug])),
        },
    )
    return join_request


def _manager_addresses(council: Council) -> list[str]:
    coordinators = council.memberships.filter(
        role=Membership.Role.COORDINATOR, user__is_active=True
    ).values_list("user__email", flat=True)
    referents = ReferentAssignment.objects.filter(
        department_id=council.department_id, user__is_active=True
    ).values_list("user__email", flat=True)
    return [*coordinators, *referents]


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


def _answer(join_request: JoinRequest, status: str, actor: User | None) -> None:
    join_request.status = status
    join_request.decided_at = timezone.now()
    join_request.decided_by = actor
    join_request.save(update_fields=["status", "decided_at", "decided_by"])


@transaction.atomic
def join_request_accept(*, actor: User, join_request: JoinRequest) -> Membership:
    if not permissions.can_manage_members(actor, join_request.council):
        raise PermissionDenied
    join_request = _locked_pending_request(join_request)
    council = join_request.council
    if not council.is_active:
        raise ValidationError(ERROR_COUNCIL_ARCHIVED, code="archived")
    _answer(join_request, JoinRequest.Status.ACCEPTED, actor)
    membership = Membership.objects.filter(council=council, user=join_request.user).first()
    if membership is not None:
        # Added meanwhile (by a referent): the request is simply settled.
        return membership
    membership = _membership_grant(council, join_request.user, Membership.Role.MEMBER)
    _record(council, MembershipEvent.Action.ACCEPTED, actor=actor, subject=join_request.user)
    emails.send_to_each(
        template="join_accepted",
        recipients=[join_request.user.email],
        context={
            "council": council,
            "space_url": emails.absolute_url(council.get_space_url()),
        },
    )
    return membership


@transaction.atomic
def join_request_refuse(*, actor: User, join_request: JoinRequest) -> JoinRequest:
    if not permissions.can_manage_members(actor, join_request.council):
        raise PermissionDenied
    join_request = _locked_pending_request(join_request)
    _answer(join_request, JoinRequest.Status.REFUSED, actor)
    council = join_request.council
    _record(council, MembershipEvent.Action.REFUSED, actor=actor, subject=join_request.user)
    emails.send_to_each(
        template="join_refused",
        recipients=[join_request.user.email],
        context={
            "council": council,
            "council_url": emails.absolute_url(council.get_absolute_url()),
        },
    )
    return join_request


@transaction.atomic
def join_request_withdraw(*, user: User, join_request: JoinRequest) -> None:
    if join_request.user_id != user.pk:
        raise PermissionDenied
    join_request = _locked_pending_request(join_request)
    _answer(join_request, JoinRequest.Status.WITHDRAWN, None)
    _record(join_request.council, MembershipEvent.Action.WITHDRAWN, actor=user, subject=user)


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
    Invitation.objects.filter(
        council=council, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        council=council, email=email, role=role, invited_by=actor
    )
    _record(council, MembershipEvent.Action.INVITED, actor=actor, detail=email)
    emails.send_to_each(
        template="invitation",
        recipients=[email],
        context={
            "council": council,
            "invitation": invitation,
            "inviter": actor,
            "accept_url": emails.absolute_url(
                reverse("councils:invitation", args=[invitation_token(invitation)])
            ),
            "valid_days": INVITATION_MAX_AGE.days,
        },
    )
    return invitation


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
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    membership = Membership.objects.filter(council=council, user=user).first()
    if membership is None:
        membership = _membership_grant(council, user, invitation.role)
        _record(
            council,
            MembershipEvent.Action.JOINED,
            actor=user,
            subject=user,
            detail=invitation.email,
        )
    elif invitation.role == Membership.Role.COORDINATOR and not membership.is_coordinator:
        _set_role(membership, Membership.Role.COORDINATOR)
        _record(
            council,
            MembershipEvent.Action.ROLE_CHANGED,
            actor=invitation.invited_by,
            subject=user,
            detail=str(Membership.Role.COORDINATOR.label),
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


# Memberships.


@transaction.atomic
def membership_grant(
    *, actor: User | None, council: Council, user: User, role: str = Membership.Role.MEMBER
) -> Membership:
    """Make ``user`` a member straight away (a referent, or the system: demo data).

    Coordinators go through requests and invitations, which leave the person
    a say; this is for the referent setting up a council and for seeding.
    """
    if actor is not None and not permissions.is_referent_for(actor, council):
        raise PermissionDenied
    if not council.is_active:
        raise ValidationError(ERROR_COUNCIL_ARCHIVED, code="archived")
    if Membership.objects.filter(council=council, user=user).exists():
        raise ValidationError(ERROR_INVITEE_ALREADY_MEMBER, code="already_member")
    membership = _membership_grant(council, user, role)
    _record(council, MembershipEvent.Action.JOINED, actor=actor, subject=user)
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
    _membership_end(membership)
    permissions.forget_council_grants(actor)
    council = membership.council
    _record(council, MembershipEvent.Action.REMOVED, actor=actor, subject=membership.user)
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
    membership = _lock(membership)
    if membership.role == role:
        return membership
    if role not in Membership.Role.values:
        raise ValidationError(ERROR_UNKNOWN_ROLE, code="role")
    if role == Membership.Role.MEMBER:
        _check_keeps_a_coordinator(actor, membership)
    _set_role(membership, role)
    # The actor may be the person whose role changed (another Python object).
    permissions.forget_council_grants(actor)
    if membership.user_id != actor.pk:
        _send_role_changed(membership)
    _record(
        membership.council,
        MembershipEvent.Action.ROLE_CHANGED,
        actor=actor,
        subject=membership.user,
        detail=str(Membership.Role(role).label),
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
            "manage_url": emails.absolute_url(reverse("councils:manage", args=[council.slug])),
            "space_url": emails.absolute_url(council.get_space_url()),
        },
    )


def _membership_end(membership: Membership) -> None:
    council, user = membership.council, membership.user
    membership.delete()
    user.groups.remove(council.members_group, council.coordinators_group)
    permissions.forget_council_grants(user)


# Referents.


def _grant_referent(user: User, council: Council) -> None:
    for codename in REFERENT_PERMISSIONS:
        assign_perm(codename, user, council)


@transaction.atomic
def referent_appoint(
    *, actor: User | None, user: User, departments: list[Department]
) -> list[ReferentAssignment]:
    """Make ``user`` referent of ``departments`` and grant them the councils there."""
    if actor is not None and not permissions.can_appoint_referents(actor):
        raise PermissionDenied
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
        if actor is not None:
            emails.send_to_each(
                template="referent_appointed",
                recipients=[user.email],
                context={
                    "department": department,
                    "mine_url": emails.absolute_url(reverse("councils:mine")),
                },
            )
    if departments and not created:
        raise ValidationError(ERROR_ALREADY_REFERENT, code="already_referent")
    permissions.forget_council_grants(user)
    return created


@transaction.atomic
def referent_withdraw(*, actor: User, assignment: ReferentAssignment) -> None:
    if not permissions.can_appoint_referents(actor):
        raise PermissionDenied
    CouncilUserObjectPermission.objects.filter(
        user=assignment.user, content_object__department=assignment.department
    ).delete()
    assignment.delete()
    permissions.forget_council_grants(assignment.user)
    emails.send_to_each(
        template="referent_withdrawn",
        recipients=[assignment.user.email],
        context={"department": assignment.department},
    )


# Transparency.


def space_access_record(*, council: Council, user: User, reason: str, path: str) -> SpaceAccess:
    """Log a visit to the space by a non-member (members' own visits are not logged).

    The line shows the person's name and what they looked at; the path stays
    for the operators (admin), not on the coordinators' page.
    """
    return SpaceAccess.objects.create(
        council=council,
        user=user,
        user_label=(user.display_name or user.email)[:200],
        reason=reason[:200],
        path=path[:500],
    )


# Records and files.


def _record(
    council: Council,
    action: str,
    *,
    actor: User | None,
    subject: User | None = None,
    detail: str = "",
) -> MembershipEvent:
    return MembershipEvent.objects.create(
        council=council,
        action=action,
        actor=actor,
        subject=subject,
        detail=detail[:200],
        by_system=actor is None,
    )


def _delete_file(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("Could not delete the file %s", name, exc_info=True)


def _store_logo(council: Council, logo: ContentFile) -> None:
    """Store the file last, once every row is written; remove it if its row fails."""
    council.logo.save(logo.name, logo, save=False)
    try:
        Council.objects.filter(pk=council.pk).update(logo=council.logo.name)
    except Exception:
        _delete_file(council.logo.name)
        raise
