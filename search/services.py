"""The site search: one query over every source, only what the user may read.

Counts, hits and snippets are all computed over each source's
``queryset(user)``: a private item never shows up in someone else's
results, not even as a number.
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
# "All" shows the best hits of each source, merged by rank.
ALL_PER_SOURCE = 5


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
    counts: list[tuple[SearchSource, int]]
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
        """The number of results of the selected type."""
        if self.kind == ALL:
            return self.total
        return next((n for source, n in self.counts if source.key == self.kind), 0)


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
    a source key (that source's hits, ``PER_PAGE`` a page). Queries: one
    count per source, then for each source shown one for its rows and one
    for their snippets, whatever the number of rows.
    """
    backend = backend_for(query)
    sources = all_sources()
    selected = source_for(kind)
    kind = selected.key if selected is not None else ALL
    readable = {source.key: source.queryset(user) for source in sources}
    matching = {key: backend.filter(source_for(key), rows) for key, rows in readable.items()}
    counts = [(source, matching[source.key].count()) for source in sources]
    results = SearchResults(query=query, kind=kind, counts=counts)
    if selected is not None:
        count = results.count
        results.listed = backend.listed(count)
        paginator = _CountedPaginator(
            backend.order(selected, matching[kind], count=count, readable=readable[kind]),
            PER_PAGE,
            count=results.listed,
        )
        results.page = paginator.get_page(page)
        results.hits = _hits(backend, selected, list(results.page.object_list))
        return results
    hits = []
    for source, count in counts:
        if count:
            ordered = backend.order(
                source, matching[source.key], count=count, readable=readable[source.key]
            )
            best = list(ordered[:ALL_PER_SOURCE])
            hits.extend(_hits(backend, source, best))
    # Stable: equal ranks keep the sources' order.
    results.hits = sorted(hits, key=lambda hit: -hit.rank)
    return results
