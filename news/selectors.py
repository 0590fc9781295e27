"""Reads of news, shaped for the pages (fixed number of queries per page)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.text import slugify

from . import permissions
from .models import Article, Subscription, Tag


def with_cards(articles: QuerySet[Article]) -> QuerySet[Article]:
    """What an article card shows: its council, author and tags."""
    return articles.select_related("council", "author").prefetch_related("tags")


def published(*, national: bool | None = None, council=None) -> QuerySet[Article]:
    """The published articles of the public lists and feeds, the same for
    everyone who asks."""
    articles = permissions.articles_visible_to(AnonymousUser())
    if council is not None:
        articles = articles.filter(council=council)
    elif national is True:
        articles = articles.filter(council__isnull=True)
    elif national is False:
        articles = articles.filter(council__isnull=False)
    return with_cards(articles).order_by("-published_at", "-pk")


def tag_from(value: str) -> Tag | None:
    slug = slugify(value)
    if not slug:
        return None
    return Tag.objects.filter(slug=slug).first()


def is_subscribed(user, *, council=None) -> bool:
    if not user.is_authenticated:
        return False
    return Subscription.objects.filter(user=user, council=council).exists()
