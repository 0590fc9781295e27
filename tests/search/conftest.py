"""Content for the search tests, made through the apps' services."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from accounts.roles import animator_appoint
from documents import services as document_services
from documents.models import ResourceFolder
from tests.accounts.factories import UserFactory

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search only"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 only")


@pytest.fixture(autouse=True)
def _no_pace_or_approval(settings):
    settings.FORUM_NEW_ACCOUNT_DAYS = 0
    settings.FORUM_APPROVE_FIRST_POSTS = 0


def search_url(query: str, **params) -> str:
    from urllib.parse import urlencode

    return f"{reverse('search:search')}?{urlencode({'q': query, **params})}"


def upload(council, user, name: str, folder=None):
    return document_services.document_upload(
        user=user,
        council=council,
        folder=folder,
        uploaded=SimpleUploadedFile(name, PDF, "application/pdf"),
    )


def resource(animator, *, title: str, description: str = "", name: str = "guide.pdf"):
    folder, _created = ResourceFolder.objects.get_or_create(name="Guides")
    return document_services.resource_add(
        user=animator,
        folder=folder,
        title=title,
        description=description,
        uploaded=SimpleUploadedFile(name, PDF, "application/pdf"),
    )


def animator():
    user = UserFactory()
    animator_appoint(user=user, system=True)
    return user


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def page_text(response) -> str:
    """The HTML of a page, without the per-request CSRF token."""
    return _CSRF.sub("", response.content.decode())
