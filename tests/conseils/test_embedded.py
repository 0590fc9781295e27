"""The embedded shape of ``make run`` (conseils.settings.dev): the site's own
error pages unless DJANGO_DEBUG asks for Django's, uploaded public files and
static files served without DEBUG, and links that follow the address served."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.core.management import call_command
from django.http import Http404
from django.test import RequestFactory, override_settings
from django.urls import reverse

from conseils.views import media_file
from tests.conseils.test_settings import SAFE_ENV

ROOT = Path(__file__).resolve().parents[2]

DEV_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings; "
    "from django.urls import resolve; "
    "print(json.dumps({'debug': settings.DEBUG, 'site_url': settings.SITE_URL, "
    "'allowed_hosts': settings.ALLOWED_HOSTS, 'finders': settings.WHITENOISE_USE_FINDERS, "
    "'follows': settings.SITE_FOLLOWS_SITE_URL, "
    "'media_view': resolve('/media/avatars/a.webp').func.__name__}))"
)


def load_dev_settings(**variables: str) -> dict:
    """The dev settings as ``manage.py`` loads them, in a fresh interpreter,
    with only the given variables of ours set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SITE_URL", "DATABASE_URL", "REDIS_URL"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "conseils.settings.dev"
    env.update(variables)
    result = subprocess.run(  # noqa: S603 (fixed command, our own interpreter)
        [sys.executable, "-c", DEV_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_make_run_shows_the_sites_own_pages_by_default():
    loaded = load_dev_settings()
    assert loaded["debug"] is False
    # What DEBUG used to bring, kept without it: static files from the apps'
    # folders (no collectstatic), uploaded files served by the site.
    assert loaded["finders"] is True
    assert loaded["media_view"] == "media_file"
    assert loaded["site_url"] == "http://127.0.0.1:8000"
    assert loaded["allowed_hosts"] == ["127.0.0.1", "localhost", "[::1]"]
    assert loaded["follows"] is True


@pytest.mark.parametrize("value", ["True", "1", "on"])
def test_django_debug_brings_the_debug_pages_back(value):
    assert load_dev_settings(DJANGO_DEBUG=value)["debug"] is True


def test_site_url_follows_the_address_make_run_serves():
    loaded = load_dev_settings(SITE_URL="http://127.0.0.1:8100")
    assert loaded["site_url"] == "http://127.0.0.1:8100"
    assert loaded["allowed_hosts"] == ["127.0.0.1", "localhost", "[::1]"]

    # `make run HOST=demo.test` passes http://demo.test:8000: that host is served.
    loaded = load_dev_settings(SITE_URL="http://demo.test:8000")
    assert loaded["allowed_hosts"] == ["127.0.0.1", "localhost", "[::1]", "demo.test"]
    # DJANGO_ALLOWED_HOSTS, when given, is taken as it is.
    loaded = load_dev_settings(SITE_URL="http://demo.test:8000", DJANGO_ALLOWED_HOSTS="a.test")
    assert loaded["allowed_hosts"] == ["a.test"]


def test_the_makefile_passes_the_address_served_to_make_run():
    makefile = (ROOT / "Makefile").read_text()
    assert "SITE_URL ?= http://$(HOST):$(PORT)" in makefile
    assert "run: export SITE_URL := $(SITE_URL)" in makefile


@pytest.mark.django_db
def test_the_site_is_named_after_the_platform_after_migrate():
    site = Site.objects.get_current()
    assert site.name == "Conseils citoyens"
    assert site.domain != "example.com"


@pytest.mark.django_db
def test_under_make_run_each_migrate_sets_the_site_from_site_url():
    with override_settings(SITE_FOLLOWS_SITE_URL=True, SITE_URL="http://127.0.0.1:8100"):
        call_command("migrate", verbosity=0, interactive=False)
    site = Site.objects.get_current()
    assert (site.domain, site.name) == ("127.0.0.1:8100", "Conseils citoyens")


@pytest.mark.django_db
def test_elsewhere_migrate_leaves_the_site_as_it_is():
    Site.objects.filter(pk=1).update(domain="conseils.example.org", name="Conseils citoyens")
    Site.objects.clear_cache()
    with override_settings(SITE_URL="http://127.0.0.1:8100"):
        call_command("migrate", verbosity=0, interactive=False)
    assert Site.objects.get_current().domain == "conseils.example.org"


@pytest.mark.django_db
def test_the_confirmation_email_names_the_platform(client, django_capture_on_commit_callbacks):
    Site.objects.filter(pk=1).update(domain="127.0.0.1:8100", name="Conseils citoyens")
    Site.objects.clear_cache()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "nadia@exemple.test",
                "display_name": "Nadia",
                "password1": "Quartier-Nord-2026!",
                "password2": "Quartier-Nord-2026!",
            },
        )
    (message,) = mail.outbox
    assert (
        "Cette adresse e-mail a été donnée pour un compte sur la plateforme "
        "Conseils citoyens (127.0.0.1:8100)."
    ) in message.body
    link = r"ouvrez ce lien\u00a0:\n\nhttp://testserver/compte/confirm-email/"
    assert re.search(link, message.body)


def test_uploaded_public_files_are_served_and_private_ones_never(tmp_path):
    (tmp_path / "avatars").mkdir()
    (tmp_path / "avatars" / "a.webp").write_bytes(b"RIFF-avatar")
    (tmp_path / "private" / "documents").mkdir(parents=True)
    (tmp_path / "private" / "documents" / "d.pdf").write_bytes(b"%PDF-secret")
    request = RequestFactory().get("/media/avatars/a.webp")
    with override_settings(MEDIA_ROOT=tmp_path):
        response = media_file(request, "avatars/a.webp")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"RIFF-avatar"
        for path in ("private/documents/d.pdf", "avatars/../private/documents/d.pdf", "private"):
            with pytest.raises(Http404):
                media_file(request, path)


def test_production_keeps_its_address_and_serves_no_uploaded_file():
    env = {key: value for key, value in os.environ.items() if not key.startswith("SITE_URL")}
    env.update(SAFE_ENV)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SITE_URL, settings.SITE_FOLLOWS_SITE_URL, settings.SERVE_MEDIA, "
        "settings.ALLOWED_HOSTS)"
    )
    result = subprocess.run(  # noqa: S603 (fixed command, our own interpreter)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "https://conseils.example.org",
        "False",
        "False",
        "['conseils.example.org']",
    ]
