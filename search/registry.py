"""What the site search looks through: one ``SearchSource`` per kind of
result, registered by the app that owns it.

``search`` sits on floor 1 and knows no app above ``accounts``. Each source
says which rows a user may read (``queryset(user)``, built from the owning
app's permissions and selectors: the search never decides access itself),
which text fields are searched with which weight (title "A", summary "B",
body "C"), and how a hit shows (title, link, context line, snippet, the
"Privé" badge). Sources are listed by ``order``, whatever the order in which
the apps registered them.

Adding a searchable kind touches only its app, in three steps:

1. In the app's ``search.py``, define a ``SearchSource`` at module level
   (so that registering it again is a no-op) and register it from the app's
   ``AppConfig.ready``, as ``news`` does (shortened)::

       # news/search.py
       ARTICLES = SearchSource(
           key="news",
           label=_("News"),
           order=15,
           queryset=lambda user: permissions.articles_visible_to(user).select_related("council"),
           fields=(Field("title", "A"), Field("summary", "B"), Field("body", "C")),
           title="title",
           date="published_at",
           snippet="body",
           url=lambda article: article.get_absolute_url(),
           context=lambda article: article.council.name if article.council_id else "",
       )

       # news/apps.py, in ready()
       from search import registry as search_registry
       from .search import ARTICLES
       search_registry.register(ARTICLES)

   ``queryset`` must return only what ``user`` may read: ask the app's
   ``permissions.py`` or selectors for it. Search markdown source fields,
   never stored HTML. Links to the app's pages come from the source
   (``url``, ``browse``): the search page names no app above its floor.
2. On PostgreSQL, add a migration in the app's own ``migrations`` that
   creates the GIN index of the new table with
   ``search.indexes.add_search_index`` over the fields of the model's own
   table, in the same order and with the same weights as ``fields`` (fields
   across a relation, such as ``topic__title``, are indexed on their own
   table, see ``search/migrations/0001``). Make it non-atomic (the index is
   built concurrently), depend on ``("search", "0001_postgres_search")``
   (which creates the ``french_unaccent`` configuration) and on the app's
   latest migration, and add the index to ``tests/search/test_indexes.py``.
   The indexes of the first sources stay in ``search/migrations``, where
   they were applied. A table of long texts (many rows of a few KB) should
   rather store its vector, as ``forums.Post`` does: a ``search_vector``
   column (``common.search_vector.StoredSearchVectorField`` over the same
   fields and weights), whose migration calls ``create_vector_trigger``
   (trigger and GIN index); ``search.indexes.vector_for`` then reads the
   column. On SQLite there is nothing to add: at the next ``migrate``,
   ``search.fts`` gives each table the sources search an FTS5 table of the
   stems of its fields, kept by triggers.
3. Add the source to the leak test in ``tests/search/test_access.py`` and
   to its ``predicates`` (every hit must pass the app's own object check).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db.models import Q, QuerySet

from .indexes import Field

__all__ = [
    "Field",
    "Link",
    "SearchSource",
    "all_sources",
    "register",
    "source_for",
    "value_at",
]


def _nobody(obj) -> None:
    return None


def _empty(obj) -> str:
    return ""


@dataclass(frozen=True)
class Link:
    """A page to look at instead, offered when a search finds nothing."""

    label: Any  # a lazy string
    url: Callable[[], str]


@dataclass(frozen=True)
class SearchSource:
    key: str
    label: Any  # a lazy plural, shown in the type filter
    order: int
    queryset: Callable[[Any], QuerySet]
    fields: tuple[Field, ...]
    title: str  # path of the title shown (one of ``fields``)
    url: Callable[[Any], str]
    date: str = "created_at"  # newest first on SQLite
    show_date: bool = True
    snippet: str | None = None  # path of the text the snippet is cut from
    context: Callable[[Any], str] = _empty
    # The council whose private content this hit is (the "Privé" badge).
    private_council: Callable[[Any], Any] = _nobody
    # How a match in a related table selects rows of this source, by
    # relation; by default every row linked to a matching related row.
    related_match: dict[str, Callable[[QuerySet], Q]] | None = None
    # What of a related table the user may read, by relation (from the owning
    # app's permissions): a common word's related matches are bounded among
    # those, before this source's rows are picked. By default, the related
    # rows one of ``queryset(user)`` links to.
    related_readable: dict[str, Callable[[Any], QuerySet]] | None = None
    # Where to look when a search of every type finds nothing.
    browse: Link | None = None

    def own_fields(self) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if not field.relation)

    def related_fields(self) -> dict[str, tuple[Field, ...]]:
        grouped: dict[str, tuple[Field, ...]] = {}
        for field in self.fields:
            if field.relation:
                grouped[field.relation] = (*grouped.get(field.relation, ()), field)
        return grouped

    def match_related(self, relation: str, related: QuerySet) -> Q:
        custom = (self.related_match or {}).get(relation)
        return custom(related) if custom else Q(**{f"{relation}__in": related})


def value_at(obj, path: str):
    """``obj.topic.title`` for the path ``topic__title``."""
    return reduce(lambda item, name: getattr(item, name, None), path.split("__"), obj)


_sources: dict[str, SearchSource] = {}


def register(source: SearchSource) -> None:
    """Add ``source``. ``AppConfig.ready`` may run more than once: the same
    source registered again changes nothing, another one under a key
    already taken is refused."""
    existing = _sources.get(source.key)
    if existing is not None and existing != source:
        raise ValueError(f"A search source named {source.key!r} is already registered.")
    _sources[source.key] = source


def all_sources() -> list[SearchSource]:
    return sorted(_sources.values(), key=lambda source: (source.order, source.key))


def source_for(key: str) -> SearchSource | None:
    return _sources.get(key)
