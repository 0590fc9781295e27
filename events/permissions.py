"""The one place that decides who sees and changes a council's events.

Public events of an active council are read by anyone; private ones, and
every answer to "who comes", by the council's members only (not the
animator, not a referent, not the superuser). Members plan meetings; the
one who planned a meeting and the coordinators change, cancel or delete it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from councils import permissions as council_permissions
from councils.models import Council

from .models import Event


def is_public(event: Event) -> bool:
    return event.is_public and event.council.is_active


def can_read_event(user, event: Event) -> bool:
    return is_public(event) or council_permissions.can_view_space(user, event.council)


def can_read_agenda(user, council) -> bool:
    """The council's whole agenda, private events and answers included."""
    return council_permissions.can_view_space(user, council)


def can_see_attendees(user, event: Event) -> bool:
    """Who comes is the members' business, even for a public event."""
    return council_permissions.can_view_space(user, event.council)


def can_plan(user, council) -> bool:
    """Any member who contributes (an active council) plans a meeting."""
    return council_permissions.can_contribute(user, council)


def can_change(user, event: Event) -> bool:
    """Edit or delete: the one who planned it, or a coordinator."""
    if not council_permissions.can_contribute(user, event.council):
        return False
    return (
        event.created_by_id is not None and event.created_by_id == user.pk
    ) or council_permissions.is_coordinator(user, event.council)


def can_cancel(user, event: Event) -> bool:
    return not event.is_cancelled and not event.is_past() and can_change(user, event)


def can_answer(user, event: Event) -> bool:
    """Members say whether they come, until the meeting is over or cancelled."""
    return (
        not event.is_cancelled
        and not event.is_past()
        and council_permissions.can_contribute(user, event.council)
    )


def can_have_private_feed(user, council) -> bool:
    return council_permissions.can_view_space(user, council)


def events_visible_to(user) -> QuerySet[Event]:
    """Every event ``user`` may read: public events of active councils, and all
    the events of the councils whose space ``user`` reads (one query)."""
    public = Q(visibility=Event.Visibility.PUBLIC, council__status=Council.Status.ACTIVE)
    if not user.is_authenticated or not user.is_active:
        return Event.objects.filter(public)
    return Event.objects.filter(
        public | Q(council__in=council_permissions.councils_with_space_visible_to(user))
    )


def public_events() -> QuerySet[Event]:
    """What feeds and pages open to everyone show, whoever asks."""
    return Event.objects.public()
