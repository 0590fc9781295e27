"""Every write to the agenda: plan, change, cancel and delete a meeting,
answer "will you come?", make and revoke a private calendar link.

Each service checks the permission itself (``PermissionDenied``), validates
(``ValidationError`` with the messages below) and writes in one transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from councils import services as council_services
from councils.models import Membership

from . import permissions
from .models import Attendance, CalendarToken, Event

if TYPE_CHECKING:
    from accounts.models import User
    from councils.models import Council

EDITABLE_FIELDS = ("title", "starts_at", "ends_at", "place", "description", "visibility")
# How often a feed's "last used" date is written: calendar apps poll often.
TOKEN_USE_PRECISION = timedelta(hours=1)


def event_create(
    *,
    actor: User,
    council: Council,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    description: str = "",
    visibility: str = Event.Visibility.PRIVATE,
) -> Event:
    """Plan a meeting. Its description is rendered before the transaction:
    no lock is held while markdown renders."""
    if not permissions.can_plan(actor, council):
        raise PermissionDenied
    event = Event(
        council=council,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        description=description,
        visibility=visibility,
        created_by=actor,
    )
    event.render_description()
    with transaction.atomic():
        event.full_clean(exclude=["created_by"])
        event.save()
        council_services.council_touch(council=council)
    return event


def event_update(*, actor: User, event: Event, **changes) -> Event:
    """Change what ``EDITABLE_FIELDS`` names; anything else is refused. The
    description is rendered before the transaction."""
    if not permissions.can_change(actor, event):
        raise PermissionDenied
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"event_update cannot change {sorted(unknown)}")
    for name, value in changes.items():
        setattr(event, name, value.strip() if name in ("title", "place") else value)
    event.render_description()
    with transaction.atomic():
        event.updated_at = timezone.now()
        event.full_clean(exclude=["created_by"])
        event.save()
    return event


@transaction.atomic
def event_cancel(*, actor: User, event: Event) -> Event:
    """The meeting will not take place: it stays, marked cancelled, so that the
    members and the calendars that follow it learn it."""
    if not permissions.can_cancel(actor, event):
        raise PermissionDenied
    event.cancelled_at = event.updated_at = timezone.now()
    event.save(update_fields=["cancelled_at", "updated_at"])
    return event


@transaction.atomic
def event_delete(*, actor: User, event: Event) -> None:
    """Remove the meeting and its answers for good."""
    if not permissions.can_change(actor, event):
        raise PermissionDenied
    event.delete()


def attendance_set(*, actor: User, event: Event, answer: str) -> Attendance:
    """Record ``actor``'s answer; answering again replaces it (one row per
    member, even when the form is sent twice at once)."""
    if not permissions.can_answer(actor, event):
        raise PermissionDenied
    if answer not in Attendance.Answer.values:
        raise ValueError(answer)
    for attempt in range(2):
        try:
            with transaction.atomic():
                attendance, _created = Attendance.objects.update_or_create(
                    event=event,
                    user=actor,
                    defaults={"answer": answer, "answered_at": timezone.now()},
                )
                return attendance
        except IntegrityError:
            # The same answer sent twice at once: the other request created
            # the row; update it on the second pass.
            if attempt:
                raise
    raise AssertionError("unreachable")


# Private calendar links.


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_token_create(*, actor: User, council: Council) -> str:
    """A new secret link to the council's whole agenda for ``actor``; the old
    one stops working. Returns the secret, which is stored only as a digest.

    The link hangs on ``actor``'s current membership, and is deleted with it."""
    if not permissions.can_have_private_feed(actor, council):
        raise PermissionDenied
    membership = Membership.objects.filter(user=actor, council=council).first()
    if membership is None:
        raise PermissionDenied
    token = secrets.token_urlsafe(32)
    CalendarToken.objects.filter(user=actor, council=council).delete()
    CalendarToken.objects.create(
        user=actor, council=council, membership=membership, digest=token_digest(token)
    )
    return token


@transaction.atomic
def calendar_token_revoke(*, actor: User, council: Council) -> bool:
    """Any member, former ones included, may revoke their own link."""
    deleted, _detail = CalendarToken.objects.filter(user=actor, council=council).delete()
    return bool(deleted)


def calendar_token_use(*, token: CalendarToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_PRECISION:
        CalendarToken.objects.filter(pk=token.pk).update(last_used_at=now)
