"""The site search: one query over every source, only what the user may read.

Counts, hits and snippets are all computed over each source's
``queryset(user)``: a private item never shows up in someone else's
results, not even as a number.

A common word is in hundreds of thousands of posts: each source finds at
most ``COUNT_LIMIT`` + 1 matches, the most recent, and says "more than
200" beyond; only those are ranked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from common.text import one_line

from . import text
from .backends import backend_for
from .registry import SearchSource, all_sources, source_for, value_at

ALL = "all"
PER_PAGE = 20
# "All" shows the best hits of each source, merged by rank: the best of its
# most recent matches (ranking reads each row's vector, and most sources
# compute it from their text).
ALL_PER_SOURCE = 5
ALL_RANKED = 40
# Beyond, a source's count is "more than 200": finding the 201 most recent
# readable matches of a word in a third of a million posts reads a few
# thousand rows; a thousand took five times as long (bench/README.md).
COUNT_LIMIT = 200


@dataclass
class Hit:
    source: SearchSource
    url: str
    title: SafeString
    snippet: SafeString
    context: str
    date: date | datetime | None
    # The user's council whose private content this is ("Privé · <council>").
    private_council: object | None
    rank: float


@dataclass
class SearchResults:
    query: str
    kind: str
    # Each source's count, at most ``COUNT_LIMIT``.
    counts: list[tuple[SearchSource, int]]
    # The keys of the sources with more results than their count.
    beyond: frozenset[str] = frozenset()
    hits: list[Hit] = field(default_factory=list)
    page: Page | None = None
    # How many of the selected type's results are listed (the most recent
    # ones when a common word matches too many to rank).
    listed: int = 0

    @property
    def total(self) -> int:
        return sum(count for _source, count in self.counts)

    @property
    def count(self) -> int:
        """The number of results of the selected type (a lower bound when
        ``more``)."""
        if self.kind == ALL:
            return self.total
        return next((n for source, n in self.counts if source.key == self.kind), 0)

    @property
    def more(self) -> bool:
        """Whether there are more results of the selected type than ``count``."""
        if self.kind == ALL:
            return bool(self.beyond)
        return self.kind in self.beyond


class _CountedPaginator(Paginator):
    """A paginator told the count already computed for the type filter."""

    def __init__(self, object_list, per_page: int, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def clean_query(raw: str) -> tuple[str, bool]:
    """The query as searched (spaces collapsed) and whether it was cut at
    ``text.MAX_QUERY_LENGTH`` characters."""
    query = " ".join(one_line(raw).split())
    if len(query) <= text.MAX_QUERY_LENGTH:
        return query, False
    return query[: text.MAX_QUERY_LENGTH].rstrip(), True


def matching(source: SearchSource, rows: QuerySet, query: str) -> QuerySet:
    """``rows`` (some of what ``source.queryset(user)`` allows) narrowed to
    those ``query`` finds, as the site search finds them: for an app's own
    search box (the resource library, the directory). An empty query keeps
    every row."""
    query, _trimmed = clean_query(query)
    return backend_for(query).filter(source, rows) if query else rows


def _hits(backend, source: SearchSource, objects: list) -> list[Hit]:
    shown = backend.display(source, objects)
    return [
        Hit(
            source=source,
            url=source.url(obj),
            title=shown[obj.pk].title,
            snippet=shown[obj.pk].snippet,
            context=source.context(obj),
            date=value_at(obj, source.date),
            private_council=source.private_council(obj),
            rank=shown[obj.pk].rank,
        )
        for obj in objects
    ]


def site_search(*, user, query: str, kind: str = ALL, page: int | str | None = 1) -> SearchResults:
    """Search ``query`` in what ``user`` may read.

    ``kind`` is ``"all"`` (the best hits of every source, merged by rank) or
    a source key (that source's hits, ``PER_PAGE`` a page). Queries: one per
    source for its most recent matches (its count), then for each source
    shown one to rank them and one for the snippets of the rows shown,
    whatever the number of rows.
    """
    backend = backend_for(query)
    sources = all_sources()
    selected = source_for(kind)
    kind = selected.key if selected is not None else ALL
    readable = {source.key: source.queryset(user) for source in sources}
    recent = {
        source.key: backend.recent(source, readable[source.key], COUNT_LIMIT + 1, user)
        for source in sources
    }
    results = SearchResults(
        query=query,
        kind=kind,
        counts=[(source, min(len(recent[source.key]), COUNT_LIMIT)) for source in sources],
        beyond=frozenset(key for key, keys in recent.items() if len(keys) > COUNT_LIMIT),
    )

    def window(source: SearchSource, size: int) -> list[int]:
        # SQLite (a small site) ranks every match it listed.
        if backend.rank_window is None:
            return recent[source.key][:COUNT_LIMIT]
        return recent[source.key][: min(backend.rank_window, size)]

    if selected is not None:
        keys = window(selected, COUNT_LIMIT)
        results.listed = len(keys)
        paginator = _CountedPaginator(
            backend.ranked(selected, readable[kind], keys), PER_PAGE, count=results.listed
        )
        results.page = paginator.get_page(page)
        results.hits = _hits(backend, selected, list(results.page.object_list))
        return results
    hits = []
    for source in sources:
        if keys := window(source, ALL_RANKED):
            best = list(backend.ranked(source, readable[source.key], keys)[:ALL_PER_SOURCE])
            hits.extend(_hits(backend, source, best))
    # Stable: equal ranks keep the sources' order.
    results.hits = sorted(hits, key=lambda hit: -hit.rank)
    return results
