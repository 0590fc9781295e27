"""File sizes as the site writes them elsewhere (upload limits, the quota
message): octets, Ko, Mo, Go, counted in steps of 1,024."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.filter
def file_size(value) -> str:
    """``1536`` → "1,5 Ko"; ``0`` → "0 octet"; one decimal at most."""
    try:
        size = int(value or 0)
    except (TypeError, ValueError):
        size = 0
    units = [
        (1024**3, gettext("%(size)s GB")),
        (1024**2, gettext("%(size)s MB")),
        (1024, gettext("%(size)s KB")),
    ]
    for factor, label in units:
        if size >= factor:
            return label % {"size": floatformat(size / factor, -1)}
    return ngettext("%(size)s byte", "%(size)s bytes", size) % {"size": size}
