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
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "email": "ok"}
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
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "unavailable",
        "email": "ok",
    }


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
        "email": "ok",
    }


def test_liveness_touches_nothing(client, monkeypatch):
    _database_down(monkeypatch)
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


def test_an_e_mail_waiting_a_quarter_of_an_hour_is_degraded_not_down(client, time_machine):
    """The SMTP server refuses, or no worker sends: the site serves as usual,
    monitoring reads it here before the admins' one-hour warning."""
    from datetime import timedelta

    from django.utils import timezone

    from outbox.models import OutboundEmail

    OutboundEmail.objects.create(message_id="<1@exemple.test>", recipient_count=1)
    time_machine.move_to(timezone.now() + timedelta(minutes=14), tick=False)
    assert client.get("/healthz").json()["email"] == "ok"
    time_machine.move_to(timezone.now() + timedelta(minutes=2), tick=False)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["email"] == "late"


def test_a_dead_database_is_answered_not_logged_at_every_poll(client, monkeypatch, caplog):
    """A load balancer polls every few seconds: the outage is logged by the
    pages (once a minute), not by each poll."""
    import logging

    _database_down(monkeypatch)
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            assert client.get("/healthz").status_code == 503
    assert caplog.records == []
