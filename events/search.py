"""What the site search finds in the agenda: public events of active
councils, and every event of the councils whose space the user reads (the
agenda's own filter). Registered in ``search.registry`` from ``apps.py``."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from search.registry import Field, SearchSource

from . import permissions
from .models import Event


def _events(user) -> QuerySet[Event]:
    return permissions.events_visible_to(user).select_related("council").defer("description_html")


def _event_private_council(event: Event):
    return None if permissions.is_public(event) else event.council


EVENTS = SearchSource(
    key="events",
    label=_("Agenda"),
    order=25,
    queryset=_events,
    fields=(Field("title", "A"), Field("place", "B"), Field("description", "C")),
    title="title",
    date="starts_at",
    snippet="description",
    url=lambda event: event.get_absolute_url(),
    context=lambda event: event.council.name,
    private_council=_event_private_council,
)
