"""Fixtures shared by the whole suite."""

from __future__ import annotations

import shutil
from importlib import import_module

import pytest
from django.apps import apps
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached sessions never leak from one test to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    """Each test stores its files in its own folder, so storage can be inspected."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    yield settings.MEDIA_ROOT
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def media_root(_media_root):
    return _media_root


def stored_files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture(autouse=True)
def _mail_through_celery(settings):
    """Django's test runner swaps every mailer for the in-memory one; put the
    real default back, so each e-mail crosses the Celery task as in production,
    and only the final delivery lands in ``mail.outbox``."""
    settings.MAILERS = {
        "default": {"BACKEND": "conseils.mail.CeleryEmailBackend"},
        "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }


@pytest.fixture(autouse=True)
def _territories_after_flush(request):
    """Transactional tests (browser, concurrency) end by emptying every table,
    the regions and departments of the data migration included: load them
    again when a test starts without them.

    The editable site pages of ``conseils/0003_site_pages_content`` likewise.

    Django's ``serialized_rollback`` would do it, but the connection Playwright's
    greenlet sees is not the one that holds the serialized copy.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or (
        "live_server" in request.fixturenames or "transactional_db" in request.fixturenames
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from councils.models import Department

    if not Department.objects.exists():
        import_module("councils.migrations.0002_territories").load_territories(apps, None)
    from conseils.services import site_pages_create_missing

    site_pages_create_missing()


@pytest.fixture
def render_depths(monkeypatch):
    """``render_depths("forums.services._shared")`` wraps that module's
    ``render_markdown`` and returns the list of transaction depths it ran at,
    counted from the test's own: 0 means no transaction was open, so no lock
    was held (on SQLite every transaction holds the database's write lock
    from its first statement; on PostgreSQL ``select_for_update`` rows)."""
    from django.db import connection

    baseline = len(connection.atomic_blocks)
    depths: list[int] = []

    def spy(module: str) -> list[int]:
        target = import_module(module)
        real = target.render_markdown

        def render_markdown(text):
            depths.append(len(connection.atomic_blocks) - baseline)
            return real(text)

        monkeypatch.setattr(target, "render_markdown", render_markdown)
        return depths

    return spy
