"""Root URLs."""

import re

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from . import errors, first_steps, home, views
from .site_pages_data import PAGES

# The admin login goes through allauth's: rate limits and two-factor apply.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Citizen councils: technical administration")
admin.site.site_title = _("Citizen councils: technical administration")
admin.site.index_title = _("Technical administration")

# A database that does not answer gets a 503 page instead of the 500 one.
handler500 = errors.server_error

STATIC_PAGES = [
    ("contact/", "contact"),
]


def _site_page_urls():
    """Each editable page keeps its own address and URL name (``legal_notice``…);
    its edit, history and restore addresses share one name each, reversed with
    the page's slug: ``reverse("site_page_edit", kwargs={"slug": ...})``."""
    urls = []
    for page in PAGES:
        slug = {"slug": page.slug}
        urls += [
            path(f"{page.slug}/", views.site_page, slug, name=page.url_name),
            path(f"{page.slug}/modifier/", views.site_page_edit, slug, name="site_page_edit"),
            path(
                f"{page.slug}/historique/",
                views.site_page_history,
                slug,
                name="site_page_history",
            ),
            path(
                f"{page.slug}/historique/<int:number>/retablir/",
                views.site_page_restore,
                slug,
                name="site_page_restore",
            ),
        ]
    return urls


urlpatterns = [
    path("", home.home, name="home"),
    path("premiers-pas/", first_steps.first_steps, name="first_steps"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/live", views.healthz_live, name="healthz_live"),
    path("compte/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("", include("councils.urls")),
    path("", include("forums.urls")),
    path("", include("documents.urls")),
    path("", include("news.urls")),
    path("", include("events.urls")),
    path("", include("search.urls")),
    path("", include("support.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    *[
        path(route, views.static_page, {"template_name": name}, name=name)
        for route, name in STATIC_PAGES
    ],
    *_site_page_urls(),
]

if settings.SERVE_MEDIA:
    # The embedded shape serves uploaded public files itself, DEBUG on or
    # off; production leaves them to nginx or the S3 store.
    urlpatterns += [
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", views.media_file)
    ]
