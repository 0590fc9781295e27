"""iCalendar (RFC 5545) feeds of the agenda, for calendar applications.

Times are written in UTC; descriptions as plain text. A cancelled event stays
in the feed with ``STATUS:CANCELLED``, so that the calendars which copied it
learn it.
"""

from __future__ import annotations

import html
import re
from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import Event

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Conseils citoyens//Agenda//FR"


def uid(event: Event) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "conseils-citoyens"
    return f"evenement-{event.pk}@{host}"


def plain_text(event: Event) -> str:
    """The description as a reader sees it, without markup."""
    text = re.sub(r">\s*\n\s*<", "><", event.description_html)
    text = re.sub(r"<li[^>]*>", "- ", text)
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = re.sub(r"</(li|tr)>", "\n", text)
    text = re.sub(r"</(p|h[2-4]|blockquote|pre|ul|ol|table)>", "\n\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _utc(value):
    return value.astimezone(UTC)


def calendar(events, *, name: str, request, with_council: bool = False) -> bytes:
    """The iCalendar text of ``events``; the caller chose what may be shown."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", uid(event))
        entry.add("dtstamp", _utc(event.updated_at))
        entry.add("created", _utc(event.created_at))
        entry.add("last-modified", _utc(event.updated_at))
        entry.add("dtstart", _utc(event.starts_at))
        entry.add("dtend", _utc(event.ends_at))
        summary = event.title
        if event.is_cancelled:
            summary = _("Cancelled: %(title)s") % {"title": event.title}
        entry.add("summary", summary)
        if event.place:
            entry.add("location", event.place)
        description = plain_text(event)
        if with_council:
            description = f"{event.council.name}\n\n{description}".strip()
        if description:
            entry.add("description", description)
        entry.add("url", request.build_absolute_uri(event.get_absolute_url()))
        entry.add("class", "PUBLIC" if event.is_public else "PRIVATE")
        entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
        cal.add_component(entry)
    return cal.to_ical()


def response(events, *, name: str, request, filename: str, with_council: bool = False):
    result = HttpResponse(
        calendar(events, name=name, request=request, with_council=with_council),
        content_type=CONTENT_TYPE,
    )
    result["Content-Disposition"] = f'inline; filename="{filename}"'
    return result
