"""What the site search finds among documents (registered in
``search.registry`` from ``apps.py``).

A council's files and pages: published ones for everyone, and every live one
of the councils whose space the user reads. Shared folders are left out:
their reads are logged visit by visit, a search would show their names
unlogged. The national resource library is public.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from search.registry import Field, SearchSource

from . import permissions
from .models import Document, Page, Resource


def _published_or_in_space(model: type[Document | Page], user) -> QuerySet:
    return permissions.items_visible_to(model, user).select_related("council")


def _documents(user) -> QuerySet[Document]:
    return _published_or_in_space(Document, user).select_related("folder")


def _pages(user) -> QuerySet[Page]:
    return _published_or_in_space(Page, user)


def _document_url(document: Document) -> str:
    if permissions.is_public(document):
        return reverse("documents:public_download", args=[document.pk])
    return document.get_absolute_url()


def _page_url(page: Page) -> str:
    if permissions.is_public(page):
        return reverse("documents:public_page", args=[page.pk])
    return page.get_absolute_url()


def _document_context(document: Document) -> str:
    if document.folder is not None and not permissions.is_public(document):
        return f"{document.council.name} · {document.folder.name}"
    return document.council.name


def _unpublished_council(item: Document | Page):
    return None if permissions.is_public(item) else item.council


def _resources(user) -> QuerySet[Resource]:
    return Resource.objects.select_related("folder")


DOCUMENTS = SearchSource(
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
)

PAGES = SearchSource(
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
)

RESOURCES = SearchSource(
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
)
