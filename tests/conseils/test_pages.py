"""The showcase pages, the layout, the error pages and the security headers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.scripts import site_scripts, without_site_scripts

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "home",
    "councils_about",
    "support:help",
    "legal_notice",
    "accessibility",
    "personal_data",
    "contact",
    "account_login",
    "account_signup",
    "account_reset_password",
]


@pytest.mark.parametrize("url_name", PUBLIC_PAGES)
def test_public_pages_render_in_french_with_the_layout(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert 'href="#contenu"' in page  # the skip link
    assert 'id="contenu"' in page
    assert "Mentions légales" in page
    assert "Données personnelles" in page
    # Works without JavaScript (the phone menu is a plus), nothing inline for the CSP.
    assert site_scripts(page) == ['<script src="/static/js/menu.js"></script>']
    assert "<script" not in without_site_scripts(page)


def test_main_navigation_lists_the_sections_that_exist(client):
    page = client.get(reverse("home")).content.decode()
    assert 'aria-label="Menu principal"' in page
    for label in ("Accueil", "Les conseils", "Aide"):
        assert f">{label}</a>" in page
    assert 'aria-current="page"' in page


def test_every_response_carries_the_security_headers(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_not_found_page_says_what_to_do(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Cette page est introuvable" in page
    assert "Revenir à la page d’accueil" in page
    assert reverse("account_login") in page


def test_server_error_page_is_french_and_standalone(client):
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "Un problème est survenu de notre côté" in page
    assert "Revenir à la page d’accueil" in page


@override_settings(DEBUG=False)
def test_forbidden_page(rf):
    from django.views.defaults import permission_denied

    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = permission_denied(request, exception=None)
    assert response.status_code == 403
    assert "Vous ne pouvez pas faire cela" in response.content.decode()


def test_home_page_is_light(client):
    """Under 100 KB with its stylesheet, images and script; the only script is
    the phone menu's, a small file (the page works without it)."""
    from django.contrib.staticfiles import finders

    page = client.get(reverse("home")).content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', page)
    assert b"css/site.css" in assets
    total = len(page) + sum(Path(finders.find(path.decode())).stat().st_size for path in assets)
    assert total < 100 * 1024
    assert [path for path in assets if path.endswith(b".js")] == [b"js/menu.js"]
    assert Path(finders.find("js/menu.js")).stat().st_size < 2 * 1024
