"""Where higher apps plug into council pages without this app knowing them.

- ``public_sections``: blocks of the public council page (public news,
  documents, events). Each returns an HTML fragment, or "" to stay hidden.
- ``space_links``: entries of the private space's quick links (forum, files).
- ``activity_sources``: recent items of the private space.
- ``council_created``: what other apps set up for a new council (its forum).

Apps register from their ``AppConfig.ready``. Every callable receives the
council and the person looking, and must show only what that person may read
(each app asks its own ``permissions``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import Council


@dataclass(frozen=True)
class PublicSection:
    key: str
    order: int
    render: Callable[[HttpRequest, Council], str]


@dataclass(frozen=True)
class SpaceLink:
    key: str
    order: int
    label: str
    url: Callable[[Council], str]


@dataclass(frozen=True)
class ActivityItem:
    when: datetime
    text: str
    url: str = ""


@dataclass(frozen=True)
class ActivitySource:
    key: str
    items: Callable[[Council, object, int], list[ActivityItem]]


_public_sections: dict[str, PublicSection] = {}
_space_links: dict[str, SpaceLink] = {}
_activity_sources: dict[str, ActivitySource] = {}
_council_created: dict[str, Callable[[Council], object]] = {}


def register_public_section(section: PublicSection) -> None:
    _public_sections[section.key] = section


def register_space_link(link: SpaceLink) -> None:
    _space_links[link.key] = link


def register_activity_source(source: ActivitySource) -> None:
    _activity_sources[source.key] = source


def public_sections() -> list[PublicSection]:
    return sorted(_public_sections.values(), key=lambda section: section.order)


def space_links() -> list[SpaceLink]:
    return sorted(_space_links.values(), key=lambda link: link.order)


def activity_sources() -> list[ActivitySource]:
    return list(_activity_sources.values())


def register_council_created(key: str, callback: Callable[[Council], object]) -> None:
    """``callback(council)`` runs inside the transaction that creates a council."""
    _council_created[key] = callback


def council_created_callbacks() -> list[Callable[[Council], object]]:
    return list(_council_created.values())
