"""Short dates, as a reader writes them: « 6 déc. », « 6 déc. 2026 ».

Django's abbreviated months (the ``M`` and ``N`` formats) are not the
French ones: « Déc » with a capital and no period, or « jan. » and « fév. »
where French writes « janv. » and « févr. ». The months are named here,
each translated, and so is the order of the day and the month."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import pgettext


def _month(number: int) -> str:
    return (
        pgettext("abbreviated month", "Jan."),
        pgettext("abbreviated month", "Feb."),
        pgettext("abbreviated month", "March"),
        pgettext("abbreviated month", "April"),
        pgettext("abbreviated month", "May"),
        pgettext("abbreviated month", "June"),
        pgettext("abbreviated month", "July"),
        pgettext("abbreviated month", "Aug."),
        pgettext("abbreviated month", "Sept."),
        pgettext("abbreviated month", "Oct."),
        pgettext("abbreviated month", "Nov."),
        pgettext("abbreviated month", "Dec."),
    )[number - 1]


def _local(value: date) -> date:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def short_date(value: date, *, with_year: bool = False) -> str:
    """« 6 déc. », or « 6 déc. 2026 » ``with_year``; a datetime is read in
    the site's time zone, as Django's date filter does."""
    value = _local(value)
    parts = {"day": value.day, "month": _month(value.month), "year": value.year}
    if with_year:
        # Translators: a short date with its year, "6 déc. 2026" in French.
        return pgettext("short date", "%(month)s %(day)s, %(year)s") % parts
    # Translators: a short date, "6 déc." in French.
    return pgettext("short date", "%(month)s %(day)s") % parts
