"""What the site search finds of the showcase: its editable pages (about,
FAQ, legal notice…), public. Registered in ``search.registry`` from
``apps.py``."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from search.registry import Field, SearchSource

from .models import SitePage


def _site_pages(user) -> QuerySet[SitePage]:
    return SitePage.objects.defer("body_html")


SITE_PAGES = SearchSource(
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
)
