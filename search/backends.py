"""How rows are matched, ordered and highlighted: PostgreSQL full-text search
in production, a simple word match on SQLite (the embedded shape).

Both take what a source's ``queryset(user)`` allows and only narrow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Func, Q, QuerySet, Subquery, TextField
from django.db.models.lookups import Contains
from django.utils.safestring import SafeString

from . import text
from .indexes import CONFIG, Field, related_model, text_of, vector_for
from .registry import SearchSource, value_at

SNIPPET_WORDS = 35
# ts_rank re-reads the text of each row it ranks (the indexes hold no
# weights to rank with): on a common word, only the most recent matches
# are ranked and listed; counts stay exact.
RANK_WINDOW = 500


@dataclass
class Display:
    """What the results page shows of one row, computed for shown rows only."""

    title: SafeString
    snippet: SafeString
    rank: float


def _any_of(conditions: list) -> Q:
    return reduce(lambda left, right: left | right, conditions)


class PostgresBackend:
    """``websearch_to_tsquery`` over the indexed vectors, ranked by ``ts_rank``,
    snippets by ``ts_headline``."""

    def __init__(self, query: str):
        self.query = SearchQuery(query, search_type="websearch", config=CONFIG)
        self.words = text.words(query)

    def _matching(self, model, fields: tuple[Field, ...]) -> QuerySet:
        return model.objects.alias(matched_vector=vector_for(model, fields)).filter(
            matched_vector=self.query
        )

    def filter(self, source: SearchSource, rows: QuerySet) -> QuerySet:
        related = source.related_fields()
        own = source.own_fields()
        if not related:
            # The condition on the outer table itself: its GIN index serves it.
            return rows.alias(matched_vector=vector_for(rows.model, own)).filter(
                matched_vector=self.query
            )
        # Each table's match goes through its own index, then the rows are
        # picked by key.
        conditions = [Q(pk__in=self._matching(rows.model, own).values("pk"))] if own else []
        for relation, fields in related.items():
            matching = self._matching(
                related_model(rows.model, relation),
                tuple(field.relative_to(relation) for field in fields),
            )
            conditions.append(source.match_related(relation, matching))
        return rows.filter(_any_of(conditions))

    def listed(self, count: int) -> int:
        return min(count, RANK_WINDOW)

    def order(
        self, source: SearchSource, rows: QuerySet, *, count: int, readable: QuerySet
    ) -> QuerySet:
        """``rows`` (the matches) by rank; ``readable`` (the source's queryset)
        takes the window, so that the match is not evaluated twice."""
        if count > RANK_WINDOW:
            recent = rows.order_by(f"-{source.date}", "-pk").values("pk")[:RANK_WINDOW]
            rows = readable.filter(pk__in=Subquery(recent))
        return rows.annotate(
            rank=SearchRank(vector_for(rows.model, source.fields), self.query)
        ).order_by("-rank", f"-{source.date}", "-pk")

    def display(self, source: SearchSource, objects: list) -> dict[int, Display]:
        if not objects:
            return {}
        title_field = next(field for field in source.fields if field.path == source.title)
        headlines = {}
        if not title_field.file_name:
            headlines["title_html"] = SearchHeadline(
                text_of(title_field),
                self.query,
                config=CONFIG,
                start_sel=text.START,
                stop_sel=text.STOP,
                highlight_all=True,
            )
        if source.snippet:
            headlines["snippet_html"] = SearchHeadline(
                F(source.snippet),
                self.query,
                config=CONFIG,
                start_sel=text.START,
                stop_sel=text.STOP,
                max_words=SNIPPET_WORDS,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        found = {}
        if headlines:
            model = type(objects[0])
            found = {
                row["pk"]: row
                for row in model.objects.filter(pk__in=[obj.pk for obj in objects])
                .annotate(**headlines)
                .values("pk", *headlines)
            }
        shown = {}
        for obj in objects:
            row = found.get(obj.pk, {})
            title = row.get("title_html")
            shown[obj.pk] = Display(
                title=text.marked(title)
                if title is not None
                else text.highlight(str(value_at(obj, source.title) or ""), self.words),
                snippet=text.marked(
                    " ".join(text.without_markdown(row.get("snippet_html") or "").split())
                ),
                rank=getattr(obj, "rank", 0.0),
            )
        return shown


def _fold_or_none(value):
    return None if value is None else text.fold(value)


class _Folded(Func):
    function = "search_fold"
    output_field = TextField()


class SimpleBackend:
    """Every word (accents and case ignored) in one of the fields; newest first."""

    def __init__(self, query: str):
        self.words = text.words(query)
        connection.ensure_connection()
        # A Python function in SQLite: folds accents as ``text.fold`` does.
        connection.connection.create_function("search_fold", 1, _fold_or_none, deterministic=True)

    def _contains(self, paths: list[str], word: str) -> Q:
        return _any_of([Q(Contains(_Folded(F(path)), word)) for path in paths])

    def filter(self, source: SearchSource, rows: QuerySet) -> QuerySet:
        if not self.words:
            return rows.none()
        own = list(source.simple_fields) or [field.path for field in source.own_fields()]
        for word in self.words:
            conditions = [self._contains(own, word)] if own else []
            for relation, fields in source.related_fields().items():
                related = related_model(rows.model, relation).objects.filter(
                    self._contains([field.relative_to(relation).path for field in fields], word)
                )
                conditions.append(source.match_related(relation, related))
            rows = rows.filter(_any_of(conditions))
        return rows

    def listed(self, count: int) -> int:
        return count

    def order(
        self, source: SearchSource, rows: QuerySet, *, count: int, readable: QuerySet
    ) -> QuerySet:
        return rows.order_by(f"-{source.date}", "-pk")

    def display(self, source: SearchSource, objects: list) -> dict[int, Display]:
        texts = {}
        if objects and source.snippet:
            model = type(objects[0])
            texts = dict(
                model.objects.filter(pk__in=[obj.pk for obj in objects]).values_list(
                    "pk", source.snippet
                )
            )
        shown = {}
        for obj in objects:
            title = str(value_at(obj, source.title) or "")
            folded_title = text.fold(title)
            in_title = sum(word in folded_title for word in self.words)
            shown[obj.pk] = Display(
                title=text.highlight(title, self.words),
                snippet=text.snippet(texts.get(obj.pk) or "", self.words),
                # Title words first when "all" merges the sources.
                rank=(in_title + 0.2 * (len(self.words) - in_title)) / max(len(self.words), 1),
            )
        return shown


def backend_for(query: str) -> PostgresBackend | SimpleBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend(query)
    return SimpleBackend(query)
