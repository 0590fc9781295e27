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
    ("events:agenda", _("Agenda")),
    ("documents:resources", _("Resources")),
    ("support:help", _("Help")),
]


def _navigation(path: str) -> list[dict[str, object]]:
    entries = []
    for url_name, label in MAIN_NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        # A section is current on its own pages too: /conseils/alma-roubaix/.
        current = path == url or (url != "/" and path.startswith(url))
        entries.append({"url": url, "label": label, "name": url_name, "current": current})
    return entries


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "main_navigation": _navigation(request.path),
    }
