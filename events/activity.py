"""The agenda's place in a council's pages: a block of the public page, a
quick link and recent activity lines of the private space."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.names import public_name
from councils.registry import ActivityItem, ActivitySource, PublicSection, SpaceLink

from . import selectors
from .templatetags.events_tags import when

PUBLIC_SECTION_SIZE = 5


def _agenda_url(council) -> str:
    # By the council's address: no query while the space page renders.
    return reverse("events:council_agenda", kwargs={"slug": council.slug})


def public_section(request, council) -> str:
    """The next public meetings, on the council's public page (anyone reads it)."""
    if not council.is_active:
        return ""
    context = {
        "council": council,
        "events": selectors.upcoming_public(council, PUBLIC_SECTION_SIZE),
    }
    return render_to_string("events/_council_events.html", context, request)


def new_events(council, viewer, limit: int) -> list[ActivityItem]:
    """Meetings newly planned. The space view has checked that ``viewer`` is a
    member: private meetings are theirs to see."""
    return [
        ActivityItem(
            when=event.created_at,
            text=_("%(name)s planned “%(title)s” on %(date)s")
            % {
                "name": public_name(event.created_by),
                "title": event.title,
                "date": when(event.starts_at),
            },
            url=event.get_absolute_url(),
        )
        for event in selectors.recent_events(council, limit)
    ]


AGENDA_LINK = SpaceLink(key="agenda", order=35, label=gettext_lazy("Agenda"), url=_agenda_url)
AGENDA_ACTIVITY = ActivitySource(key="events", items=new_events)
AGENDA_SECTION = PublicSection(key="events", order=15, render=public_section)
