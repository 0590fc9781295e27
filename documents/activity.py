"""The documents' place in a council's private space."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from councils.registry import SpaceLink


def _files_url(council) -> str:
    return reverse("documents:root", kwargs={"slug": council.slug})


def _pages_url(council) -> str:
    return reverse("documents:pages", kwargs={"slug": council.slug})


PAGES_LINK = SpaceLink(key="pages", order=30, label=_("Pages written together"), url=_pages_url)
DOCUMENTS_LINK = SpaceLink(
    key="documents", order=20, label=_("The council's files"), url=_files_url
)
