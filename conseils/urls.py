"""Root URLs."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

# The admin login goes through allauth's: rate limits and two-factor apply.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Citizen councils: technical administration")
admin.site.site_title = _("Citizen councils: technical administration")
admin.site.index_title = _("Technical administration")

STATIC_PAGES = [
    ("les-conseils-citoyens/", "councils_about"),
    ("aide/", "help"),
    ("mentions-legales/", "legal_notice"),
    ("accessibilite/", "accessibility"),
    ("donnees-personnelles/", "personal_data"),
    ("contact/", "contact"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("compte/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("councils.urls")),
    path("", include("forums.urls")),
    path("", include("documents.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    *[
        path(route, views.static_page, {"template_name": name}, name=name)
        for route, name in STATIC_PAGES
    ],
]

if settings.DEBUG:
    # The embedded shape serves uploaded files itself; production leaves it to
    # nginx or the S3 store.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
