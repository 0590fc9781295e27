"""/healthz tells a dead database (503: take the node out) from a cache or
broker that does not answer (200 "degraded": keep the node); /healthz/live
touches nothing."""

from __future__ import annotations

import pytest
from django.db.backends.utils import CursorWrapper

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def _database_down(monkeypatch):
    def broken_execute(self, sql, params=None):
        raise OSError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken_execute)


def test_database_down(client, monkeypatch):
    _database_down(monkeypatch)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "cache": "ok"}


def test_a_cache_that_keeps_nothing_is_degraded_not_down(client, monkeypatch):
    """What the Redis cache does while Redis is down: it forgets, never raises."""
    from django.core.cache import cache

    monkeypatch.setattr(cache, "set", lambda *args, **kwargs: None)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}


def test_a_cache_that_raises_is_degraded_not_down(client, monkeypatch):
    from django.core.cache import cache

    def broken_set(*args, **kwargs):
        raise ConnectionError("redis is gone")

    monkeypatch.setattr(cache, "set", broken_set)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "unavailable"


def test_the_broker_is_reported_never_fatal(client, settings):
    from conseils.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_url = settings.CELERY_BROKER_URL
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "ok",
        "broker": "unavailable",
    }


def test_liveness_touches_nothing(client, monkeypatch):
    _database_down(monkeypatch)
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
