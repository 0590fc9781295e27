"""Councils as the public pages show them (their names beside their news,
the home page's numbers), for the anonymous page cache
(``common.page_cache``): a council renamed, archived or deleted, a member
who joins or leaves."""

from __future__ import annotations

from common.page_cache import renew_on_write

COUNCILS = "councils"


def directory_page() -> list[str]:
    return [COUNCILS]


def connect() -> None:
    from .models import Council, Membership

    renew_on_write(Council, COUNCILS)
    renew_on_write(Membership, COUNCILS)
