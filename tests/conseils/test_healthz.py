"""/healthz answers 200 when the database and the cache answer, 503 naming what fails."""

from __future__ import annotations

import pytest
from django.db.backends.utils import CursorWrapper

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_database_down(client, monkeypatch):
    def broken_execute(self, sql, params=None):
        raise OSError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken_execute)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "failing": ["database"]}


def test_cache_down(client, monkeypatch):
    from django.core.cache import cache

    def broken_set(*args, **kwargs):
        raise ConnectionError("redis is gone")

    monkeypatch.setattr(cache, "set", broken_set)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "failing": ["cache"]}
