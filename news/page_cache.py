"""The news as the public pages show them, for the anonymous page cache
(``common.page_cache``): an article written, edited, published, unpublished
or deleted changes the lists, the articles and the home page."""

from __future__ import annotations

from django.db.models import Min
from django.db.models.signals import m2m_changed
from django.utils import timezone

from accounts.page_cache import PEOPLE
from common.page_cache import changed, renew_on_write
from councils.page_cache import COUNCILS

NEWS = "news"


def next_publication():
    """When the next scheduled article appears by itself (None if none
    waits): the lists that would show it are kept no later."""
    from .models import Article

    return (
        Article.objects.filter(published_at__gt=timezone.now())
        .aggregate(first=Min("published_at"))
        .get("first")
    )


def list_page() -> list[str]:
    return [NEWS, COUNCILS, PEOPLE]


def article_page(pk: int) -> list[str]:
    return [NEWS, COUNCILS, PEOPLE]


def _tags_changed(sender, **kwargs) -> None:
    changed(NEWS)


def connect() -> None:
    from .models import Article

    renew_on_write(Article, NEWS)
    m2m_changed.connect(
        _tags_changed, sender=Article.tags.through, dispatch_uid="news.page_cache.tags"
    )
