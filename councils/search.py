"""What the site search finds of councils: the active ones, as the public
directory lists them (registered in ``search.registry`` from ``apps.py``)."""

from __future__ import annotations

from dataclasses import replace

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from search.registry import Field, Link, SearchSource

from .models import Council


def _councils(user) -> QuerySet[Council]:
    return Council.objects.active().select_related("department").defer("presentation_html")


def _council_context(council: Council) -> str:
    return f"{council.town} · {council.department.name}"


COUNCILS = SearchSource(
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
    title="name",
    date="created_at",
    show_date=False,
    snippet="presentation",
    url=lambda council: council.get_absolute_url(),
    context=_council_context,
    browse=Link(
        label=_("look for a council in the directory."),
        url=lambda: reverse("councils:directory"),
    ),
)

# The directory's search box: the names of the council, its neighbourhood
# and its town (not its presentation), found as the site search finds them
# ("st denis" or "saint denis" finds "Saint-Denis"). Not registered.
DIRECTORY = replace(
    COUNCILS,
    key="directory",
    fields=(Field("name", "A"), Field("town", "B"), Field("neighbourhood_name", "B")),
)
