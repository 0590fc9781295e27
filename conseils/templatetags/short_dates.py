"""``{{ value|short_date }}``: « 6 déc. »; ``{{ value|short_date:"year" }}``:
« 6 déc. 2026 » (common/dates.py)."""

from __future__ import annotations

from django import template

from common import dates

register = template.Library()


@register.filter
def short_date(value, arg: str = "") -> str:
    if not value:
        return ""
    return dates.short_date(value, with_year=arg == "year")
