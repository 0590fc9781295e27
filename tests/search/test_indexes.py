"""On PostgreSQL, every searched table's condition goes through its GIN
index: the queries repeat the indexed expression exactly, or read the stored
vector column of the long texts (posts, page revisions)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from councils import services as council_services
from documents import services as document_services
from forums import services as forum_services
from search.backends import PostgresBackend
from search.registry import all_sources
from search.services import site_search
from tests.accounts.factories import UserFactory
from tests.councils.factories import council_create, member_of
from tests.forums.factories import national_forum, topic_in

from .conftest import postgresql_only

pytestmark = [pytest.mark.django_db, postgresql_only]

INDEXES = {
    "councils": {"councils_council_search_vector_gin"},
    "discussions": {"forums_post_search_vector_gin", "forums_topic_search_vector_gin"},
    "documents": {"search_document_vector"},
    "pages": {"documents_page_search_vector_gin", "documents_pagerevision_search_vector_gin"},
    "resources": {"search_resource_vector"},
    "news": {"news_article_search_vector_gin"},
    "events": {"events_event_search_vector_gin"},
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


# The stored vectors (councils, posts, page revisions).


def _counts(user, query: str) -> dict[str, int]:
    return {source.key: n for source, n in site_search(user=user, query=query).counts}


def test_a_post_s_stored_vector_follows_its_text():
    council = council_create()
    author = member_of(council, UserFactory(date_joined=timezone.now() - timedelta(days=90)))
    topic = topic_in(council.forum, author, title="Compte rendu", body="On prépare la kermesse.")
    assert _counts(author, "kermesse")["discussions"] == 1

    forum_services.post_edit(
        editor=author, post=topic.posts.get(), body="Finalement, une brocante."
    )
    assert _counts(author, "kermesse")["discussions"] == 0
    assert _counts(author, "brocantes")["discussions"] == 1  # stemmed, as before


def test_a_page_s_new_revision_is_found_and_the_old_text_no_longer(settings):
    council = council_create()
    member = member_of(council)
    page = document_services.page_create(
        user=member, council=council, title="Notes", body="Le trésorier présente le budget."
    )
    assert _counts(member, "budget")["pages"] == 1
    document_services.page_save(
        user=member, page=page, body="Le trésorier présente la subvention.", based_on=1
    )
    assert _counts(member, "budget")["pages"] == 0
    assert _counts(member, "subvention")["pages"] == 1


def test_a_council_s_stored_vector_follows_its_texts():
    council = council_create(name="Conseil citoyen des Tilleuls", presentation="Un potager.")
    anyone = AnonymousUser()
    assert _counts(anyone, "potager")["councils"] == 1
    council.presentation = "Une ludothèque."
    council.save()  # as council_update does
    assert _counts(anyone, "potager")["councils"] == 0
    assert _counts(anyone, "ludothèque")["councils"] == 1
    assert _counts(anyone, "tilleuls")["councils"] == 1
    # Touching another column (the last activity, on every post) keeps it.
    council_services.council_touch(council=council)
    assert _counts(anyone, "ludothèque")["councils"] == 1


@pytest.mark.parametrize("key", ["councils", "discussions", "pages"])
def test_matching_and_ranking_read_the_stored_vector_not_the_text(key):
    """Neither the match nor the rank parses a council's, a post's or a
    revision's text: both read its ``search_vector`` column."""
    source = next(source for source in all_sources() if source.key == key)
    backend = PostgresBackend("quartier")
    national_forum()  # (No readable forum at all would make the query empty.)
    rows = source.queryset(AnonymousUser())
    ranked = backend.ranked(source, rows, [1])
    sql = str(ranked.query)
    table, text = {
        "councils": ("councils_council", "presentation"),
        "discussions": ("forums_post", "body"),
        "pages": ("documents_pagerevision", "body"),
    }[key]
    assert f'"{table}"."search_vector"' in sql
    assert f'COALESCE("{table}"."{text}"' not in sql
