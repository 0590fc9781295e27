"""The agenda's iCalendar feeds: the national one and each council's (public
events only, whoever asks), and a member's private feed of their council,
reached by a secret link and re-checked at every request."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from common.access import deny, login_or
from councils.models import Council

from . import calendar, permissions, selectors, services
from .models import CalendarToken, Event


def national_feed(request):
    events = selectors.feed_events(permissions.public_events())
    return calendar.response(
        events,
        name=_("Agenda of the citizen councils"),
        request=request,
        filename="agenda.ics",
        with_council=True,
    )


def council_feed(request, slug: str):
    council = get_object_or_404(Council, slug=slug)
    events = selectors.feed_events(permissions.public_events().filter(council=council))
    return calendar.response(
        events, name=council.name, request=request, filename=f"{council.slug}.ics"
    )


def private_feed(request, slug: str, token: str):
    """The whole agenda of a council for one member. A revoked link, or the
    link of someone who is no longer a member, answers 404."""
    found = (
        CalendarToken.objects.select_related("user", "council")
        .filter(digest=services.token_digest(token), council__slug=slug)
        .first()
    )
    if found is None or not found.user.is_active:
        raise Http404
    if not permissions.can_have_private_feed(found.user, found.council):
        raise Http404
    services.calendar_token_use(token=found)
    events = selectors.feed_events(Event.objects.filter(council=found.council))
    response = calendar.response(
        events,
        name=_("%(council)s (members)") % {"council": found.council.name},
        request=request,
        filename=f"{found.council.slug}-membres.ics",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_or
def event_feed(request, slug: str, pk: int):
    """One event, to add it to a calendar; same rule as its page."""
    event = get_object_or_404(Event.objects.select_related("council"), pk=pk, council__slug=slug)
    if not permissions.can_read_event(request.user, event):
        deny(request)
    response = calendar.response(
        [event], name=event.council.name, request=request, filename=f"evenement-{event.pk}.ics"
    )
    if not permissions.is_public(event):
        response["Cache-Control"] = "private, no-store"
    return response
