"""The SQLite index itself: its triggers follow every write, and ``ensure``
(after each migrate, or ``manage.py search_index``) repairs what a table
remake or a change of the sources left behind."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection

from forums.models import Post
from search import fts, services
from tests.accounts.factories import UserFactory
from tests.forums.factories import national_forum, reply_in, topic_in

from .conftest import sqlite_only

pytestmark = [pytest.mark.django_db, sqlite_only]

POSTS = fts.FtsTable(Post, (("body", "C"),))


def _discussions(query: str) -> int:
    found = services.site_search(user=AnonymousUser(), query=query)
    return {source.key: count for source, count in found.counts}["discussions"]


def _indexed(post: Post) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT body FROM "{POSTS.name}" WHERE rowid = %s', [post.pk])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def test_the_tables_follow_the_sources():
    assert fts.tables()[Post] == POSTS
    assert POSTS.name == "search_fts_forums_post"


def test_a_post_is_indexed_as_stems_without_stop_words_nor_accents():
    topic = topic_in(national_forum(), UserFactory(), title="Nouvelles", body="Bonjour")
    post = reply_in(topic, topic.author, body="Les jardins partagés de la Réunion")
    assert _indexed(post) == "jardin partag reunion"


def test_writes_outside_save_are_indexed_too():
    topic = topic_in(national_forum(), UserFactory(), title="Nouvelles", body="Bonjour")
    post = reply_in(topic, topic.author, body="Le gymnase")
    Post.objects.filter(pk=post.pk).update(body="La rénovation du gymnase")
    assert _discussions("renovation") == 1
    Post.objects.filter(pk=post.pk).delete()
    assert _indexed(post) is None
    assert _discussions("gymnase") == 0


def test_ensure_does_nothing_when_all_is_in_place():
    assert fts.ensure(connection) == []


def test_ensure_refills_a_table_whose_triggers_a_remake_dropped():
    topic = topic_in(national_forum(), UserFactory(), title="Nouvelles", body="Bonjour")
    post = reply_in(topic, topic.author, body="Le gymnase")
    with connection.cursor() as cursor:
        for trigger in POSTS.triggers():
            cursor.execute(f'DROP TRIGGER "{trigger}"')
    Post.objects.filter(pk=post.pk).update(body="Le jardin")
    assert _discussions("jardin") == 0
    assert fts.ensure(connection) == [POSTS.name]
    assert _discussions("jardin") == 1 and _discussions("gymnase") == 0
    Post.objects.filter(pk=post.pk).update(body="La fête")
    assert _discussions("fêtes") == 1


def test_ensure_refills_a_table_when_the_stemming_changes(monkeypatch):
    topic_in(national_forum(), UserFactory(), title="Nouvelles", body="Le jardin")
    monkeypatch.setattr(fts, "VERSION", fts.VERSION + 1)
    assert len(fts.ensure(connection)) == len(fts.tables())
    assert fts.ensure(connection) == []
    assert _discussions("jardins") == 1


def test_the_command_rebuilds_every_table():
    topic_in(national_forum(), UserFactory(), title="Nouvelles", body="Le jardin")
    output = StringIO()
    call_command("search_index", "--rebuild", stdout=output)
    assert f"Filled {POSTS.name}." in output.getvalue()
    assert f"({len(fts.tables())} filled," in output.getvalue()
    assert _discussions("jardins") == 1


def test_ensure_skips_a_table_a_partial_migrate_has_not_made_yet():
    with connection.cursor() as cursor:
        cursor.execute('ALTER TABLE "forums_post" RENAME TO "forums_post_later"')
    filled = fts.ensure(connection, rebuild=True)
    assert POSTS.name not in filled and len(filled) == len(fts.tables()) - 1
