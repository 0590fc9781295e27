"""Atom feeds parse, list published articles only, and escape what they carry."""

from __future__ import annotations

import feedparser
import pytest
from django.urls import reverse

from tests.accounts.factories import XSS
from tests.councils.factories import coordinator_of, council_create

from .factories import animator, article_create

pytestmark = pytest.mark.django_db


def test_the_national_feed(client):
    writer = animator()
    published = article_create(author=writer, title="Rencontre nationale")
    article_create(author=writer, state="draft", title="Brouillon secret")
    article_create(author=writer, state="scheduled", title="Programmé secret")
    response = client.get(reverse("news:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Conseils citoyens\u00a0: actualités nationales"
    assert [entry.title for entry in feed.entries] == ["Rencontre nationale"]
    entry = feed.entries[0]
    assert entry.link.endswith(published.get_absolute_url())
    assert {tag.term for tag in entry.tags} == {"Budget", "Jeunesse"}


def test_a_councils_feed_and_markup(client):
    council = council_create()
    article_create(author=coordinator_of(council), council=council, summary=f"Résumé {XSS}")
    article_create(author=animator(), title="Nationale")
    raw = client.get(reverse("news:council_feed", args=[council.slug])).content
    feed = feedparser.parse(raw)
    assert not feed.bozo
    assert len(feed.entries) == 1  # not the national article
    assert b"<script>" not in raw
    # Escaped twice: a reader decoding the HTML summary shows the text.
    assert b"&amp;lt;script&amp;gt;" in raw


def test_an_unknown_council_has_no_feed(client):
    assert client.get(reverse("news:council_feed", args=["nulle-part"])).status_code == 404
