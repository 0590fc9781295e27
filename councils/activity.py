"""This app's own lines in the private space's recent activity: arrivals,
departures and new coordinators."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .models import Council, MembershipEvent
from .registry import ActivityItem, ActivitySource
from .selectors import recent_events

MESSAGES = {
    MembershipEvent.Action.JOINED: _("%(name)s joined the council"),
    MembershipEvent.Action.ACCEPTED: _("%(name)s joined the council"),
    MembershipEvent.Action.LEFT: _("%(name)s left the council"),
    MembershipEvent.Action.REMOVED: _("%(name)s is no longer a member of the council"),
    MembershipEvent.Action.ROLE_CHANGED: _("%(name)s is now %(role)s"),
}


def membership_items(council: Council, viewer, limit: int) -> list[ActivityItem]:
    """Members read their own council's arrivals; the view has checked they are one."""
    items = []
    for event in recent_events(council, limit):
        if event.subject is None:
            continue
        text = str(MESSAGES[event.action]) % {
            "name": event.subject.display_name,
            "role": event.detail,
        }
        items.append(ActivityItem(when=event.created_at, text=text))
    return items


MEMBERSHIP_ACTIVITY = ActivitySource(key="memberships", items=membership_items)
