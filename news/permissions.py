"""Who reads and writes news: the one place that decides.

- National articles: the national animation writes, publishes and schedules.
- A council's articles: its coordinators (the council must be active).
- Published articles are public; drafts and scheduled articles are seen by
  their author and by those who may publish them, nobody else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.roles import is_animator
from councils import permissions as council_permissions

from .models import Article


def can_write_national(user) -> bool:
    return is_animator(user)


def can_write_for(user, council) -> bool:
    return council.is_active and council_permissions.is_coordinator(user, council)


def can_write_in_scope(user, council) -> bool:
    """May write, publish and edit the articles of ``council`` (None: national)."""
    if council is None:
        return can_write_national(user)
    return can_write_for(user, council)


def can_edit(user, article: Article) -> bool:
    return can_write_in_scope(user, article.council)


def can_read(user, article: Article) -> bool:
    if article.status == Article.Status.PUBLISHED and (
        article.council is None or article.council.is_active
    ):
        return True
    if not user.is_authenticated:
        return False
    return article.author_id == user.pk or can_edit(user, article)


def articles_visible_to(user) -> QuerySet[Article]:
    """The articles lists, feeds, search and notifications show ``user``: the
    published ones (their time has come, and a council's article is of an
    active council). Published news is public, so every user gets the same
    rows; drafts and scheduled articles reach their editors only, through
    ``unpublished_visible_to`` and ``can_read``."""
    return Article.objects.published()


def unpublished_visible_to(user, *, council=None) -> QuerySet[Article]:
    """Drafts and scheduled articles ``user`` may see in the list of
    ``council`` (None: national news)."""
    # Lists are shown for national news and active councils only, so "not
    # published" is "no time yet, or a time to come".
    articles = Article.objects.filter(council=council).filter(
        Q(published_at__isnull=True) | Q(published_at__gt=timezone.now())
    )
    if not user.is_authenticated:
        return articles.none()
    if can_write_in_scope(user, council):
        return articles
    return articles.filter(author=user)


def can_subscribe(user) -> bool:
    return user.is_authenticated and user.is_active


def readable_by_anyone(article: Article) -> bool:
    """What subscribers may hear of: a published article of an active council."""
    return can_read(AnonymousUser(), article)


def visible_article_ids(user, ids: Iterable[int]) -> set[int]:
    """Among ``ids``, the articles anyone may read now (what a notification
    of a new article may still show): published, of an active council."""
    ids = list(ids)
    if not ids:
        return set()
    return set(articles_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def visible_articles_of_each(users, ids_by_user: Mapping[int, Iterable[int]]) -> dict[int, set]:
    """``visible_article_ids`` for a batch of people, in one query: what it
    shows is the same for everyone (``articles_visible_to``)."""
    wanted = {pk: set(ids) for pk, ids in ids_by_user.items() if ids}
    if not wanted:
        return {}
    published = set(
        articles_visible_to(AnonymousUser())
        .filter(pk__in=set().union(*wanted.values()))
        .values_list("pk", flat=True)
    )
    return {pk: ids & published for pk, ids in wanted.items()}
