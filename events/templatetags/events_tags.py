"""Dates of the agenda in the reader's language, in Paris time:
"mardi 3 décembre 2026, 18 h 30"."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

register = template.Library()


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def when(value: datetime | None) -> str:
    """The day and the time: "mardi 3 décembre 2026, 18 h 30"."""
    if not value:
        return ""
    # Translators: a date and time format (Django's date filter): the French
    # one reads "mardi 3 décembre 2026, 18 h 30".
    return dateformat.format(_local(value), _("l j F Y, G:i"))


@register.filter
def time_of_day(value: datetime | None) -> str:
    if not value:
        return ""
    # Translators: a time format (Django's date filter), "18 h 30" in French.
    return dateformat.format(_local(value), _("G:i"))


@register.filter
def event_dates(event) -> str:
    """From start to end; the end's day is left out when it is the same day."""
    start, end = _local(event.starts_at), _local(event.ends_at)
    if start.date() == end.date():
        return _("%(start)s to %(end)s") % {"start": when(start), "end": time_of_day(end)}
    return _("%(start)s to %(end)s") % {"start": when(start), "end": when(end)}


@register.filter
def answer_label(value: str | None) -> str:
    """The words of an answer ("I will come") from its stored value."""
    from ..models import Attendance

    if value not in Attendance.Answer.values:
        return ""
    return str(Attendance.Answer(value).label)
