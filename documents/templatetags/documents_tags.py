"""File sizes as the site writes them elsewhere (upload limits, the quota
message): octets, Ko, Mo, Go, counted in steps of 1,024."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext, ngettext

register = template.Library()


def _size(value) -> tuple[str, int]:
    """The size as written ("1,5 Ko") and the whole number a sentence
    agrees with (1: « 1,5 Ko utilisé », 0: « 0 octet utilisé »)."""
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
            return label % {"size": floatformat(size / factor, -1)}, size // factor
    return ngettext("%(size)s byte", "%(size)s bytes", size) % {"size": size}, size


@register.filter
def file_size(value) -> str:
    """``1536`` → "1,5 Ko"; ``0`` → "0 octet"; one decimal at most."""
    return _size(value)[0]


@register.simple_tag
def storage_usage(used, quota) -> str:
    """ "0 octet utilisé sur 50 Mo.", "2 octets utilisés sur 50 Mo.": the
    participle agrees with the size used."""
    text, count = _size(used)
    return ngettext("%(used)s used out of %(quota)s.", "%(used)s used out of %(quota)s.", count) % {
        "used": text,
        "quota": file_size(quota),
    }
