"""Changes made to a council from outside it.

When someone who is not one of its coordinators (a referent, the national
animation) changes who belongs to a council or how, or when a referent is
appointed for its department, the line goes to the council's log marked
``from_outside``, the transparency page shows it to every member, and the
coordinators are told at once by a notification they cannot turn off. The
same holds for the lines about its content (``council_log.py``) written by
someone who is not a member.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications import services as notifications

from ..models import Council, Membership, MembershipEvent
from ._shared import OUTSIDE_CHANGE_KIND, _council_place, _record

if TYPE_CHECKING:
    from accounts.models import User


def _coordinators(council: Council) -> list[User]:
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            council_memberships__council=council,
            council_memberships__role=Membership.Role.COORDINATOR,
        )
        .order_by("pk")
    )


def _title(event: MembershipEvent, *, invited_by: User | None) -> str:
    names = {
        "actor": event.actor.display_name if event.actor else "",
        "subject": event.subject.display_name if event.subject else "",
        "council": event.council.name,
        "detail": event.detail,
    }
    Action = MembershipEvent.Action
    if event.action == Action.JOINED and invited_by is not None:
        names["actor"] = invited_by.display_name
        return _("%(subject)s joined “%(council)s” on the invitation of %(actor)s") % names
    titles = {
        Action.ACCEPTED: _("%(actor)s accepted %(subject)s as a member of “%(council)s”"),
        Action.JOINED: _("%(actor)s made %(subject)s a member of “%(council)s”"),
        Action.REMOVED: _("%(actor)s removed %(subject)s from “%(council)s”"),
        Action.ROLE_CHANGED: _("%(actor)s made %(subject)s %(detail)s of “%(council)s”"),
        Action.REFERENT_APPOINTED: _(
            "%(subject)s is now referent of the department of “%(council)s” "
            "(appointed by %(actor)s)"
        ),
        Action.REFERENT_WITHDRAWN: _(
            "%(subject)s is no longer referent of the department of “%(council)s” "
            "(withdrawn by %(actor)s)"
        ),
    }
    return titles[event.action] % names


def membership_change_record(
    *,
    council: Council,
    action: str,
    actor: User | None = None,
    system: bool = False,
    subject: User | None = None,
    detail: str = "",
    from_outside: bool,
    invited_by: User | None = None,
) -> MembershipEvent:
    """Log a change of membership made by ``actor``, or by the site itself
    (``system=True``); one made from outside the council
    (``permissions.is_outside_change``, asked before the change) is also told
    at once to its coordinators.

    For an invitation accepted, ``actor`` is the invitee and ``invited_by``
    the person who invited them.
    """
    event = _record(
        council,
        action,
        actor=actor,
        system=system,
        subject=subject,
        detail=detail,
        from_outside=from_outside,
    )
    if from_outside:
        with translation.override(settings.LANGUAGE_CODE):
            title = _title(event, invited_by=invited_by)
        tell_coordinators(event, title=title, actor=invited_by)
    return event


def tell_coordinators(event: MembershipEvent, *, title: str, actor: User | None = None) -> None:
    """Tell the coordinators of the event's council, at once and without a
    way to turn it off, of a line written from outside the council."""
    council = event.council
    with translation.override(settings.LANGUAGE_CODE):
        notifications.notify(
            recipients=_coordinators(council),
            kind=OUTSIDE_CHANGE_KIND,
            target_id=event.pk,
            title=title,
            url=reverse("councils:transparency", args=[council.slug]),
            excerpt=_(
                "This change was made by someone who is not a coordinator of the council. "
                "Every member can read it on the council's transparency page."
            ),
            actor=actor or event.actor,
            **_council_place(council),
        )
