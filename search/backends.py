"""How rows are matched, ordered and highlighted: PostgreSQL full-text search
in production, SQLite's FTS5 over French stems in the embedded shape.

Both take what a source's ``queryset(user)`` allows and only narrow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, F, FloatField, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString

from . import fts, text
from .indexes import CONFIG, Field, related_model, stored_fields_of, text_of, vector_for
from .registry import SearchSource, value_at

SNIPPET_WORDS = 35
# ts_rank reads the vector of each row it ranks: a common word (in hundreds
# of thousands of posts) ranks only the most recent matches of each source.
RANK_WINDOW = 200
# A LIMIT no table reaches.
UNBOUNDED = 2**62


@dataclass
class Display:
    """What the results page shows of one row, computed for shown rows only."""

    title: SafeString
    snippet: SafeString
    rank: float


def _newest_first(rows) -> list[tuple]:
    """(date, key) rows as PostgreSQL orders them by date and key descending:
    rows without a date first, then the newest, then the largest key."""
    rows = sorted(rows, key=lambda row: row[1], reverse=True)
    return sorted(rows, key=lambda row: (row[0] is None, row[0]), reverse=True)


def _union_all(queries: list[QuerySet]) -> list[tuple]:
    """The rows of ``queries`` (each ordered and sliced), in one round trip.
    (Django's ``union()`` refuses an order on a column it renames.)"""
    parts, parameters = [], []
    for query in queries:
        try:
            sql, params = query.query.sql_with_params()
        except EmptyResultSet:
            continue
        parts.append(f"({sql})")
        parameters.extend(params)
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), parameters)
        return cursor.fetchall()


def _joined(source: SearchSource, model, relation: str) -> bool:
    """Whether each row of ``model`` reaches at most one row through
    ``relation`` (foreign keys all the way) and matches when it does (no
    custom ``related_match``)."""
    if (source.related_match or {}).get(relation):
        return False
    for name in relation.split("__"):
        field = model._meta.get_field(name)
        if not (field.many_to_one or field.one_to_one) or field.auto_created:
            return False
        model = field.related_model
    return True


def _any_of(conditions: list) -> Q:
    return reduce(lambda left, right: left | right, conditions)


class PostgresBackend:
    """``websearch_to_tsquery`` over the indexed vectors, ranked by ``ts_rank``,
    snippets by ``ts_headline``."""

    def __init__(self, query: str):
        query = text.expand_abbreviations(query)
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

    rank_window = RANK_WINDOW

    def recent(self, source: SearchSource, rows: QuerySet, limit: int, user) -> list[int]:
        """The keys of the ``limit`` most recent of ``rows`` (what ``user``
        may read) that match, newest first, in one query.

        Each way of matching (the row's own vector, each related table's) is
        its own branch, with the source's order and the limit in SQL: the
        planner walks the date index back until it has ``limit`` readable
        matches (a common word), or takes the few matches from the GIN
        index and sorts them (a rare one). A related table's matches are
        first narrowed to those linked to a row of ``rows``, then bounded:
        ``rows`` (what the user may read) is always applied before a limit,
        so that nothing the user may not read takes a place, or changes a
        number."""
        order = (f"-{source.date}", "-pk")
        own = source.own_fields()
        branches = []
        if own:
            branches.append(self._match_in(rows, rows.model, own, "pk"))
        for relation, fields in source.related_fields().items():
            if _joined(source, rows.model, relation):
                # Each row reaches one related row: the condition on the join.
                model = related_model(rows.model, relation)
                relative = tuple(field.relative_to(relation) for field in fields)
                branches.append(self._match_in(rows, model, relative, relation))
                continue
            model = related_model(rows.model, relation)
            readable = (source.related_readable or {}).get(relation)
            linked = (
                self._matching(model, tuple(field.relative_to(relation) for field in fields))
                .filter(
                    Q(pk__in=readable(user).values("pk"))
                    if readable
                    else Exists(rows.filter(**{relation: OuterRef("pk")}))
                )
                .order_by("-pk")
                .values("pk")[:limit]
            )
            related = model.objects.filter(pk__in=Subquery(linked))
            branches.append(rows.filter(source.match_related(relation, related)))
        queries = [
            branch.order_by(*order).values_list(source.date, "pk")[:limit] for branch in branches
        ]
        found = list(queries[0]) if len(queries) == 1 else _union_all(queries)
        newest = _newest_first(set(found))
        return [pk for _date, pk in newest[:limit]]

    def _match_in(self, rows: QuerySet, model, fields: tuple[Field, ...], key: str) -> QuerySet:
        """``rows`` whose ``key`` (``"pk"`` or a foreign key) is a row of
        ``model`` whose ``fields`` match. A stored vector is tested row by
        row, as the date index is walked (a microsecond each); a vector
        computed from the text is not (``to_tsvector`` on each row, which the
        planner prices far below its cost): its GIN index gives the matches
        once."""
        if stored_fields_of(model) == fields:
            prefix = "" if key == "pk" else f"{key}__"
            return rows.filter(**{f"{prefix}search_vector": self.query})
        # The slice keeps the subquery apart: flattened into a join, its
        # condition would be evaluated row by row again.
        matching = self._matching(model, fields).order_by().values("pk")[:UNBOUNDED]
        return rows.filter(**{f"{key}__in": matching})

    def ranked(self, source: SearchSource, rows: QuerySet, keys: list[int]) -> QuerySet:
        """The rows of ``keys`` (found by ``recent``) that ``rows`` holds, by rank."""
        return (
            rows.filter(pk__in=keys)
            .annotate(rank=SearchRank(vector_for(rows.model, source.fields), self.query))
            .order_by("-rank", f"-{source.date}", "-pk")
        )

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


class FtsBackend:
    """SQLite: every word, under one of its French stems (accents folded, the
    last word also as a beginning), in the sources' FTS5 tables
    (``search.fts``); ranked by ``bm25`` with the fields' weights."""

    def __init__(self, query: str):
        self.terms = text.Terms(query)
        self.expression = self.terms.expression()

    def _match(self, table: fts.FtsTable, fields: tuple[Field, ...]) -> str:
        """The MATCH of ``fields`` of ``table``: all its columns, or only those."""
        wanted = [field.path for field in fields]
        if set(wanted) == set(table.column_names):
            return self.expression
        return f"{{{' '.join(wanted)}}} : ({self.expression})"

    def _matching_ids(self, model, fields: tuple[Field, ...]) -> RawSQL:
        table = fts.table_for(model)
        # Names come from the models; the query is a parameter.
        return RawSQL(  # noqa: S611  # nosec B611
            f'SELECT rowid FROM "{table.name}" WHERE "{table.name}" MATCH %s',  # noqa: S608  # nosec B608
            (self._match(table, fields),),
        )

    def filter(self, source: SearchSource, rows: QuerySet) -> QuerySet:
        if not self.terms:
            return rows.none()
        own = source.own_fields()
        conditions = [Q(pk__in=self._matching_ids(rows.model, own))] if own else []
        for relation, fields in source.related_fields().items():
            model = related_model(rows.model, relation)
            relative = tuple(field.relative_to(relation) for field in fields)
            matching = model.objects.filter(pk__in=self._matching_ids(model, relative))
            conditions.append(source.match_related(relation, matching))
        return rows.filter(_any_of(conditions))

    # SQLite serves a small site: every match found is ranked.
    rank_window = None

    def recent(self, source: SearchSource, rows: QuerySet, limit: int, user) -> list[int]:
        """The keys of the ``limit`` most recent of ``rows`` that match, newest first."""
        found = self.filter(source, rows).order_by(f"-{source.date}", "-pk")
        return list(found.values_list("pk", flat=True)[:limit])

    def _rank_of(self, model, fields: tuple[Field, ...], key: str) -> RawSQL:
        """The bm25 score (higher is better, 0 without a match) of the row of
        ``model``'s index whose rowid is the column ``key`` of the outer row.

        The scores of every match are computed once, in a materialized table
        each row looks itself up in: FTS5 asked for one rowid at a time would
        read the query's whole posting lists again for every row (20 s for
        21,000 posts matching "quartier", 47 ms this way)."""
        table = fts.table_for(model)
        weights = table.weights(tuple(field.path for field in fields))
        return RawSQL(  # noqa: S611  # nosec B611
            "COALESCE((WITH scores AS MATERIALIZED ("  # noqa: S608  # nosec B608
            f'SELECT rowid AS id, -bm25("{table.name}", {weights}) AS score '
            f'FROM "{table.name}" WHERE "{table.name}" MATCH %s'
            f") SELECT score FROM scores WHERE id = {key}), 0)",
            (self._match(table, fields),),
            output_field=FloatField(),
        )

    def ranked(self, source: SearchSource, rows: QuerySet, keys: list[int]) -> QuerySet:
        """The rows of ``keys`` (found by ``recent``) that ``rows`` holds, by
        bm25 over the fields' weights."""
        rows = rows.filter(pk__in=keys)
        meta = rows.model._meta
        own = source.own_fields()
        parts = (
            [self._rank_of(rows.model, own, f'"{meta.db_table}"."{meta.pk.column}"')] if own else []
        )
        for relation, fields in source.related_fields().items():
            if "__" in relation:
                continue  # Ranked by the row's own fields only.
            key = f'"{meta.db_table}"."{meta.get_field(relation).column}"'
            relative = tuple(field.relative_to(relation) for field in fields)
            parts.append(self._rank_of(related_model(rows.model, relation), relative, key))
        if not parts:
            return rows.order_by(f"-{source.date}", "-pk")
        rank = reduce(lambda left, right: left + right, parts)
        return rows.annotate(rank=rank).order_by("-rank", f"-{source.date}", "-pk")

    def display(self, source: SearchSource, objects: list) -> dict[int, Display]:
        texts = {}
        if objects and source.snippet:
            model = type(objects[0])
            texts = dict(
                model.objects.filter(pk__in=[obj.pk for obj in objects]).values_list(
                    "pk", source.snippet
                )
            )
        return {
            obj.pk: Display(
                title=text.highlight(str(value_at(obj, source.title) or ""), self.terms),
                snippet=text.snippet(texts.get(obj.pk) or "", self.terms),
                rank=getattr(obj, "rank", 0.0),
            )
            for obj in objects
        }


def backend_for(query: str) -> PostgresBackend | FtsBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend(query)
    return FtsBackend(query)
