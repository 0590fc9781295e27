"""What the site search looks through: one ``SearchSource`` per kind of result.

Each source says which rows a user may read (``queryset(user)``, built from
the owning app's permissions and selectors: the search never decides access
itself), which text fields are searched with which weight (title "A",
summary "B", body "C"), and how a hit shows (title, link, context line,
snippet, the "Privé" badge).

Adding a source (news articles, events, editable site pages…) takes three steps:

1. Append a ``SearchSource`` to ``SOURCES`` below, for example::

       SearchSource(
           key="news",
           label=_("News"),
           order=25,
           queryset=lambda user: news_selectors.articles_visible_to(user),
           fields=(Field("title", "A"), Field("summary", "B"), Field("body", "C")),
           title="title",
           date="published_at",
           snippet="body",
           url=lambda article: article.get_absolute_url(),
           context=lambda article: article.council.name if article.council_id else "",
           private_council=lambda article: article.council if not article.is_public else None,
       )

   ``queryset`` must return only what ``user`` may read: ask the app's
   ``permissions.py`` or selectors for it. Search markdown source fields,
   never stored HTML.
2. On PostgreSQL, add a migration in ``search/migrations`` that creates the
   GIN index of the new table with ``search.indexes.add_search_index`` over
   the fields of the model's own table, in the same order and with the same
   weights as ``fields`` (fields across a relation, such as
   ``topic__title``, are indexed on their own table, see ``0001``). Depend
   on the app's latest migration, and add the index to
   ``tests/search/test_indexes.py``. A table of long texts (many rows of
   a few KB) should rather store its vector, as ``forums.Post`` does: a
   ``search_vector`` column (``common.search_vector.
   StoredSearchVectorField`` over the same fields and weights), whose
   migration calls ``create_vector_trigger`` (trigger and GIN index);
   ``search.indexes.vector_for`` then reads the column.
3. Add the source to the leak test in ``tests/search/test_access.py`` and
   to its ``predicates`` (every hit must pass the app's own object check).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from conseils.models import SitePage
from councils.models import Council
from documents import permissions as document_permissions
from documents.models import Document, Page, Resource
from events import permissions as event_permissions
from events.models import Event
from forums import selectors as forum_selectors
from forums.models import Post, Topic
from news.models import Article

from .indexes import Field

__all__ = ["SOURCES", "Field", "SearchSource", "all_sources", "source_for"]


def _nobody(obj) -> Council | None:
    return None


def _empty(obj) -> str:
    return ""


@dataclass(frozen=True)
class SearchSource:
    key: str
    label: Any  # a lazy plural, shown in the type filter
    order: int
    queryset: Callable[[Any], QuerySet]
    fields: tuple[Field, ...]
    title: str  # path of the title shown (one of ``fields``)
    url: Callable[[Any], str]
    date: str = "created_at"  # newest first on SQLite
    show_date: bool = True
    snippet: str | None = None  # path of the text the snippet is cut from
    context: Callable[[Any], str] = _empty
    # The council whose private content this hit is (the "Privé" badge).
    private_council: Callable[[Any], Council | None] = _nobody
    # SQLite: fields searched instead of ``fields`` (already folded keys).
    simple_fields: tuple[str, ...] = ()
    # How a match in a related table selects rows of this source, by
    # relation; by default every row linked to a matching related row.
    related_match: dict[str, Callable[[QuerySet], Q]] | None = None

    def own_fields(self) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if not field.relation)

    def related_fields(self) -> dict[str, tuple[Field, ...]]:
        grouped: dict[str, tuple[Field, ...]] = {}
        for field in self.fields:
            if field.relation:
                grouped[field.relation] = (*grouped.get(field.relation, ()), field)
        return grouped

    def match_related(self, relation: str, related: QuerySet) -> Q:
        custom = (self.related_match or {}).get(relation)
        return custom(related) if custom else Q(**{f"{relation}__in": related})


def value_at(obj, path: str):
    """``obj.topic.title`` for the path ``topic__title``."""
    return reduce(lambda item, name: getattr(item, name, None), path.split("__"), obj)


# Councils: active ones, as in the public directory.


def _councils(user) -> QuerySet[Council]:
    return Council.objects.active().select_related("department").defer("presentation_html")


def _council_context(council: Council) -> str:
    return f"{council.town} · {council.department.name}"


# Discussions: the published, visible posts of the forums the user may read.


def _posts(user) -> QuerySet[Post]:
    # The forums' own selector: forums by audience and the user's councils',
    # published posts only, hidden ones left out.
    return (
        forum_selectors.search(user=user, query="")
        .select_related("topic__forum__council")
        .defer("body_html")
    )


def _first_posts(topics: QuerySet[Topic]) -> Q:
    """A topic whose title matches is found once: at its first visible post."""
    first = (
        Post.objects.visible()
        .filter(topic=OuterRef("pk"))
        .order_by("created_at", "pk")
        .values("pk")[:1]
    )
    return Q(pk__in=topics.annotate(first_post=Subquery(first)).values("first_post"))


def _post_private_council(post: Post) -> Council | None:
    return post.topic.forum.council


# A council's files and pages: published ones for everyone, and every live
# one of the councils whose space the user reads. Shared folders are left
# out: their reads are logged visit by visit, a search would show their
# names unlogged.


def _published_or_in_space(model: type[Document | Page], user) -> QuerySet:
    return document_permissions.items_visible_to(model, user).select_related("council")


def _documents(user) -> QuerySet[Document]:
    return _published_or_in_space(Document, user).select_related("folder")


def _pages(user) -> QuerySet[Page]:
    return _published_or_in_space(Page, user)


def _document_url(document: Document) -> str:
    if document_permissions.is_public(document):
        return reverse("documents:public_download", args=[document.pk])
    return document.get_absolute_url()


def _page_url(page: Page) -> str:
    if document_permissions.is_public(page):
        return reverse("documents:public_page", args=[page.pk])
    return page.get_absolute_url()


def _document_context(document: Document) -> str:
    if document.folder is not None and not document_permissions.is_public(document):
        return f"{document.council.name} · {document.folder.name}"
    return document.council.name


def _unpublished_council(item: Document | Page) -> Council | None:
    return None if document_permissions.is_public(item) else item.council


# The national resource library: public.


def _resources(user) -> QuerySet[Resource]:
    return Resource.objects.select_related("folder")


# News: published articles only (drafts and scheduled ones are nobody's
# search result, not even their editors').


def _articles(user) -> QuerySet[Article]:
    return Article.objects.published().select_related("council").defer("body_html")


def _article_context(article: Article) -> str:
    return article.council.name if article.council_id else str(_("National news"))


# The agenda: public events of active councils, and every event of the
# councils whose space the user reads (the agenda's own filter).


def _events(user) -> QuerySet[Event]:
    return (
        event_permissions.events_visible_to(user)
        .select_related("council")
        .defer("description_html")
    )


def _event_private_council(event: Event) -> Council | None:
    return None if event_permissions.is_public(event) else event.council


# The showcase's editable pages (about, FAQ, legal notice…): public.


def _site_pages(user) -> QuerySet[SitePage]:
    return SitePage.objects.defer("body_html")


SOURCES: tuple[SearchSource, ...] = (
    SearchSource(
        key="councils",
        label=_("Councils"),
        order=10,
        queryset=_councils,
        fields=(
            Field("name", "A"),
            Field("town", "B"),
            Field("neighbourhood_name", "B"),
            Field("presentation", "C"),
        ),
        simple_fields=("search_key", "presentation"),
        title="name",
        date="created_at",
        show_date=False,
        snippet="presentation",
        url=lambda council: council.get_absolute_url(),
        context=_council_context,
    ),
    SearchSource(
        key="discussions",
        label=_("Discussions"),
        order=20,
        queryset=_posts,
        fields=(Field("topic__title", "A"), Field("body", "C")),
        related_match={"topic": _first_posts},
        title="topic__title",
        date="created_at",
        snippet="body",
        url=lambda post: post.get_absolute_url(),
        context=lambda post: post.topic.forum.name,
        private_council=_post_private_council,
    ),
    SearchSource(
        key="documents",
        label=_("Documents"),
        order=30,
        queryset=_documents,
        fields=(Field("name", "A", file_name=True),),
        title="name",
        date="updated_at",
        url=_document_url,
        context=_document_context,
        private_council=_unpublished_council,
    ),
    SearchSource(
        key="pages",
        label=_("Pages"),
        order=40,
        queryset=_pages,
        fields=(Field("title", "A"), Field("current__body", "C")),
        title="title",
        date="updated_at",
        snippet="current__body",
        url=_page_url,
        context=lambda page: page.council.name,
        private_council=_unpublished_council,
    ),
    SearchSource(
        key="resources",
        label=_("Resources"),
        order=50,
        queryset=_resources,
        fields=(
            Field("title", "A"),
            Field("description", "B"),
            Field("filename", "C", file_name=True),
        ),
        title="title",
        date="created_at",
        snippet="description",
        url=lambda resource: reverse("documents:resource_download", args=[resource.pk]),
        context=lambda resource: resource.folder.name,
    ),
    SearchSource(
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
    ),
    SearchSource(
        key="events",
        label=_("Agenda"),
        order=25,
        queryset=_events,
        fields=(Field("title", "A"), Field("place", "B"), Field("description", "C")),
        title="title",
        date="starts_at",
        snippet="description",
        url=lambda event: event.get_absolute_url(),
        context=lambda event: event.council.name,
        private_council=_event_private_council,
    ),
    SearchSource(
        key="site_pages",
        label=_("About the councils"),
        order=60,
        queryset=_site_pages,
        fields=(Field("title", "A"), Field("summary", "B"), Field("body", "C")),
        title="title",
        date="updated_at",
        show_date=False,
        snippet="body",
        url=lambda page: page.get_absolute_url(),
    ),
)


def all_sources() -> list[SearchSource]:
    return sorted(SOURCES, key=lambda source: source.order)


def source_for(key: str) -> SearchSource | None:
    return next((source for source in SOURCES if source.key == key), None)
