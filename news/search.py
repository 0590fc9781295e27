"""What the site search finds in the news: published articles only (drafts
and scheduled ones are nobody's search result, not even their editors').
Registered in ``search.registry`` from ``apps.py``."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from search.registry import Field, SearchSource

from . import permissions
from .models import Article


def _articles(user) -> QuerySet[Article]:
    return permissions.articles_visible_to(user).select_related("council").defer("body_html")


def _article_context(article: Article) -> str:
    return article.council.name if article.council_id else str(_("National news"))


ARTICLES = SearchSource(
    key="news",
    label=_("News"),
    order=15,
    queryset=_articles,
    fields=(Field("title", "A"), Field("summary", "B"), Field("body", "C")),
    title="title",
    date="published_at",
    snippet="body",
    url=lambda article: article.get_absolute_url(),
    context=_article_context,
)
