"""The django.contrib.sites row, kept in line with SITE_URL in development.

allauth names the site and its domain from that row in its e-mails, and the
news feeds build their links on its domain. Under ``make run`` the address
served changes with HOST and PORT, so each migrate (``make run`` runs one)
writes SITE_URL's host and port and SITE_NAME there when
``SITE_FOLLOWS_SITE_URL`` is on (dev.py). Elsewhere the row keeps what the
first migrate (migration 0001_site_domain) or the admin wrote.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"


def follow_site_url(sender, using: str = "default", **kwargs) -> None:
    """post_migrate receiver: once per migrate (sent for each app, acted on
    for the sites app's only)."""
    if not settings.SITE_FOLLOWS_SITE_URL or sender.label != "sites":
        return
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": site_domain(), "name": settings.SITE_NAME}
    )
    Site.objects.clear_cache()
