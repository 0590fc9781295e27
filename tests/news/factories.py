"""Articles written through the services, with markup in their text so every
page that shows them is tested against injection."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from accounts.roles import animator_appoint
from news import services
from news.models import Article
from tests.accounts.factories import XSS, UserFactory

_numbers = itertools.count(1)


def animator():
    user = UserFactory()
    animator_appoint(user=user, system=True)
    return user


def article_create(*, author, council=None, state: str = "published", **overrides) -> Article:
    """``state``: "published" (an hour ago), "scheduled" (in a day), "draft"."""
    number = next(_numbers)
    when = {
        "published": timezone.now() - timedelta(hours=1),
        "scheduled": timezone.now() + timedelta(days=1),
        "draft": None,
    }[state]
    fields = {
        "author": author,
        "council": council,
        "title": f"Article {number} {XSS}",
        "summary": f"Résumé de l’article {number}",
        "body": f"Le **texte** de l’article {number}. {XSS}",
        "tags": ["Budget", "Jeunesse"],
        "published_at": when,
    }
    fields.update(overrides)
    return services.article_create(**fields)
