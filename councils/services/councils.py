"""Councils: creation, the public page, archiving, the public contact form."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from guardian.shortcuts import assign_perm, remove_perm

from common.actors import check_actor
from common.files import stored_file_delete_on_commit, stored_file_save
from common.markdown import render_markdown
from common.revisions import stale_edit_check

from .. import emails, permissions, registry
from ..models import (
    Council,
    Department,
    Invitation,
    JoinRequest,
    Membership,
    MembershipEvent,
    ReferentAssignment,
)
from ._shared import (
    COORDINATOR_PERMISSIONS,
    ERROR_DUPLICATE_COUNCIL,
    ERROR_NOT_REFERENT_THERE,
    MEMBER_PERMISSIONS,
    _record,
)

if TYPE_CHECKING:
    from accounts.models import User
from .referents import _grant_referent

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


def council_create(
    *,
    actor: User | None = None,
    system: bool = False,
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
    department's referents. ``actor`` must be referent of the department;
    ``system=True`` is the site itself (demo data, commands), unchecked. The
    presentation is rendered before the transaction: no lock is held while
    markdown renders."""
    check_actor(actor, system=system)
    if not system and not permissions.can_create_council_in(actor, department):
        raise PermissionDenied(ERROR_NOT_REFERENT_THERE)
    presentation_html = render_markdown(presentation)
    with transaction.atomic():
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
            presentation_html=presentation_html,
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
        _record(council, MembershipEvent.Action.CREATED, actor=actor, system=system)
        for callback in registry.council_created_callbacks():
            callback(council)
        if not system:
            permissions.forget_council_grants(actor)
        if logo is not None:
            _store_logo(council, logo)
        return council


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
    saved in between, nothing is written and ValidationError says so. The
    presentation is rendered before the council's row is locked.
    """
    if not permissions.can_edit_council(actor, council):
        raise PermissionDenied
    presentation_html = render_markdown(presentation)
    with transaction.atomic():
        council = Council.objects.select_for_update().get(pk=council.pk)
        stale_edit_check(based_on=based_on, current=council.updated_at, saved_at=council.updated_at)
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
        council.presentation_html = presentation_html
        council.founded_on = founded_on
        if remove_logo and new_logo is None:
            council.logo = ""
        _set_keys(council)
        council.full_clean(exclude=["logo", "members_group", "coordinators_group"])
        council.save()
        if new_logo is not None:
            _store_logo(council, new_logo)
        new_name = council.logo.name if council.logo else ""
        if old_logo != new_name:
            stored_file_delete_on_commit([old_logo])
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


def _store_logo(council: Council, logo: ContentFile) -> None:
    """Store the file last, once every row is written; remove it if its row fails."""
    with stored_file_save(council.logo, logo.name, logo) as stored:
        Council.objects.filter(pk=council.pk).update(logo=stored)
