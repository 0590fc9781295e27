"""What every page's layout needs."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The main navigation. A section appears once its app serves it: the URL name
# must resolve (forums, news and resources arrive with their own apps).
MAIN_NAVIGATION = [
    ("home", _("Home")),
    ("councils:directory", _("The councils")),
    ("forums:index", _("Forums")),
    ("news:index", _("News")),
    ("documents:resources", _("Resources")),
    ("help", _("Help")),
]


def _navigation() -> list[dict[str, str]]:
    entries = []
    for url_name, label in MAIN_NAVIGATION:
        try:
            entries.append({"url": reverse(url_name), "label": label, "name": url_name})
        except NoReverseMatch:
            continue
    return entries


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "main_navigation": _navigation(),
    }
