"""On PostgreSQL, every searched table's condition goes through its GIN
index: the queries repeat the indexed expression exactly."""

from __future__ import annotations

import pytest
from django.db import connection

from search.backends import PostgresBackend
from search.sources import all_sources
from tests.councils.factories import council_create, member_of

from .conftest import postgresql_only

pytestmark = [pytest.mark.django_db, postgresql_only]

INDEXES = {
    "councils": {"search_council_vector"},
    "discussions": {"search_post_vector", "search_topic_vector"},
    "documents": {"search_document_vector"},
    "pages": {"search_page_vector", "search_pagerevision_vector"},
    "resources": {"search_resource_vector"},
    "news": {"search_article_vector"},
    "events": {"search_event_vector"},
    "site_pages": {"search_sitepage_vector"},
}


def test_the_text_search_configuration_ignores_accents():
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('french_unaccent', 'Les Réunions')::text")
        assert "'reunion':2" in cursor.fetchone()[0]


def _plan(rows) -> str:
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        # Tiny tables: forbid sequential scans so that only an index whose
        # expression is the query's can serve the match.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("source", all_sources(), ids=lambda source: source.key)
def test_each_table_s_match_uses_its_gin_index(source):
    """The per-table conditions the backend builds, alone."""
    backend = PostgresBackend("réunion")
    model = source.queryset(member_of(council_create())).model
    plans = []
    if source.own_fields():
        plans.append(_plan(backend._matching(model, source.own_fields()).values("pk")))
    for relation, fields in source.related_fields().items():
        related = model._meta.get_field(relation).related_model
        relative = tuple(field.relative_to(relation) for field in fields)
        plans.append(_plan(backend._matching(related, relative).values("pk")))
    plan = "\n".join(plans)
    for index in INDEXES[source.key]:
        assert f"Bitmap Index Scan on {index}" in plan, plan


@pytest.mark.parametrize("key", ["discussions", "pages"])
def test_sources_across_tables_use_both_indexes_in_the_full_query(key):
    source = next(source for source in all_sources() if source.key == key)
    user = member_of(council_create())
    plan = _plan(PostgresBackend("réunion").filter(source, source.queryset(user)))
    for index in INDEXES[key]:
        assert index in plan, plan
