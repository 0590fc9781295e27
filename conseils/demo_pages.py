"""Demo editable pages: put back any showcase page that is missing (the
migration creates them; a flushed database may not have them)."""

from __future__ import annotations

from .services import site_pages_create_missing
from .site_pages_data import PAGES


def seed_pages(*, demo_users) -> list[str]:
    created = site_pages_create_missing(author=demo_users.get("animation"))
    return [f"Site pages: {created} created, {len(PAGES) - created} already there."]
