"""A council's news in its log: an article given a publication time, or
losing it, leaves a line that names who did it and the article's title.
National news has no council and writes nothing there."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from councils.models import MembershipEvent
from news import services
from tests.councils.factories import coordinator_of, council_create, member_of

from .factories import animator, article_create

pytestmark = pytest.mark.django_db

Action = MembershipEvent.Action
NBSP = "\u00a0"


def _content_lines(council) -> list[tuple]:
    return [
        (event.action, event.actor, event.detail, event.by_system, event.from_outside)
        for event in MembershipEvent.objects.filter(council=council)
        .exclude(action=Action.CREATED)
        .order_by("pk")
    ]


def _update(article, *, actor, published_at):
    return services.article_update(
        actor=actor,
        article=article,
        title=article.title,
        summary=article.summary,
        body=article.body,
        tags=[],
        published_at=published_at,
    )


@pytest.mark.parametrize("state", ["published", "scheduled"])
def test_a_council_article_with_a_publication_time_goes_in_the_log(state):
    council = council_create()
    coordinator = coordinator_of(council)

    article = article_create(author=coordinator, council=council, state=state)

    assert _content_lines(council) == [
        (Action.ARTICLE_PUBLISHED, coordinator, article.title, False, False)
    ]


def test_a_draft_writes_nothing_until_it_is_published():
    council = council_create()
    coordinator = coordinator_of(council)
    article = article_create(author=coordinator, council=council, state="draft")
    assert _content_lines(council) == []

    # Edited while still a draft: nothing either.
    article = _update(article, actor=coordinator, published_at=None)
    assert _content_lines(council) == []

    other_coordinator = coordinator_of(council)
    article = _update(article, actor=other_coordinator, published_at=timezone.now())
    # A new time for an article already out is no new publication.
    _update(article, actor=coordinator, published_at=timezone.now() + timedelta(days=1))

    assert _content_lines(council) == [
        (Action.ARTICLE_PUBLISHED, other_coordinator, article.title, False, False)
    ]


def test_taking_an_article_back_or_deleting_it_says_it_was_withdrawn():
    council = council_create()
    coordinator = coordinator_of(council)
    kept = article_create(author=coordinator, council=council, title="Fête de quartier")
    deleted = article_create(author=coordinator, council=council, title="Vide-grenier")
    draft = article_create(author=coordinator, council=council, state="draft", title="Brouillon")

    _update(kept, actor=coordinator, published_at=None)
    services.article_delete(actor=coordinator, article=deleted)
    services.article_delete(actor=coordinator, article=draft)

    assert _content_lines(council)[2:] == [
        (Action.ARTICLE_UNPUBLISHED, coordinator, "Fête de quartier", False, False),
        (Action.ARTICLE_UNPUBLISHED, coordinator, "Vide-grenier", False, False),
    ]


def test_national_news_writes_in_no_council_log():
    council = council_create()
    events = MembershipEvent.objects.count()
    writer = animator()

    article = article_create(author=writer)
    _update(article, actor=writer, published_at=None)

    assert MembershipEvent.objects.count() == events
    assert _content_lines(council) == []


def test_a_refused_publication_writes_nothing():
    council = council_create()
    coordinator = coordinator_of(council)
    article = article_create(author=coordinator, council=council, state="draft")

    with pytest.raises(PermissionDenied):
        _update(article, actor=member_of(council), published_at=timezone.now())
    with pytest.raises(PermissionDenied):
        article_create(author=member_of(council), council=council)

    assert _content_lines(council) == []


def test_the_coordinators_read_it_in_french_on_the_log_page(client):
    council = council_create()
    coordinator = coordinator_of(council)
    client.force_login(coordinator)
    client.post(
        reverse("news:council_create", args=[council.slug]),
        {
            "title": "Les budgets participatifs",
            "summary": "Ce que le conseil en a fait",
            "body": "Un **bilan** de l’année.",
            "tags": "budget",
            "cover_alt": "",
            "publication": "now",
            "publish_at": "",
            "submission_key": "clé-journal",
        },
    )

    page = html.unescape(client.get(reverse("councils:log", args=[council.slug])).content.decode())

    assert (
        f"Article «{NBSP}Les budgets participatifs{NBSP}» publié dans les actualités du conseil"
        in page
    )
