"""Meetings as the public pages show them (the home page's next meetings),
for the anonymous page cache (``common.page_cache``)."""

from __future__ import annotations

from common.page_cache import renew_on_write

EVENTS = "events"


def connect() -> None:
    from .models import Event

    renew_on_write(Event, EVENTS)
