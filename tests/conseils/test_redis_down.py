"""Redis stopped: with the cache pointed at a port nobody listens on (through
the site's own Redis backend, as in production), signed-in people still sign
in, read, post and reset a password, and /healthz keeps the node."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from common import cache_backends
from common.cache_backends import DegradingRedisCache
from forums.models import Post
from tests.accounts.factories import PASSWORD, UserFactory
from tests.councils.factories import council_create, member_of
from tests.forums.factories import topic_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_redis_down"),
]

DEAD_REDIS_CACHES = {
    "default": {
        "BACKEND": "common.cache_backends.DegradingRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture
def _redis_down(monkeypatch):
    monkeypatch.setattr(cache_backends, "_breakers", {})
    with override_settings(CACHES=DEAD_REDIS_CACHES):
        assert isinstance(caches["default"], DegradingRedisCache)
        yield


def _key(page: str) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


def test_a_member_signs_in_reads_and_replies():
    council = council_create()
    member = member_of(council)
    topic = topic_in(council.forum, member_of(council))
    client = Client()
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
    assert client.get(reverse("home")).status_code == 200
    page = client.get(topic.get_absolute_url())
    assert page.status_code == 200
    response = client.post(
        reverse("forums:reply", args=[topic.pk]),
        {"body": "Pendant la panne.", "submission_key": _key(page.content.decode())},
    )
    assert response.status_code == 302
    assert Post.objects.filter(topic=topic, body="Pendant la panne.").count() == 1
    assert "Pendant la panne." in client.get(topic.get_absolute_url()).content.decode()


class _RedisThatStops:
    """Stands for Django's Redis client: keeps values until ``down``, when
    every call fails as a stopped Redis does; keeps them again afterwards."""

    def __init__(self):
        self.down = False
        self.data = {}

    def _check(self):
        if self.down:
            raise RedisConnectionError("Connection refused")

    def add(self, key, value, timeout):
        self._check()
        return self.data.setdefault(key, value) is value

    def get(self, key, default):
        self._check()
        return self.data.get(key, default)

    def set(self, key, value, timeout):
        self._check()
        self.data[key] = value

    def has_key(self, key):
        self._check()
        return key in self.data

    def delete(self, key):
        self._check()
        return self.data.pop(key, None) is not None


def test_a_logout_during_the_outage_holds_once_redis_is_back(monkeypatch):
    """A session ended while Redis is down must not come back from a copy
    Redis kept from before: sessions are read from the database only."""
    redis = _RedisThatStops()
    caches["default"].__dict__["_cache"] = redis
    clock = [1_000.0]
    monkeypatch.setattr(cache_backends.time, "monotonic", lambda: clock[0])
    member = UserFactory()
    client = Client()
    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert client.get(reverse("notifications:index")).status_code == 200
    cookie = client.cookies["sessionid"].value

    redis.down = True
    assert client.post(reverse("account_logout")).status_code == 302
    clock[0] += cache_backends.RETRY_AFTER_SECONDS
    redis.down = False

    returning = Client()
    returning.cookies["sessionid"] = cookie
    response = returning.get(reverse("notifications:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_password_reset_is_sent(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[user.email]]


def test_healthz_keeps_the_node_and_says_the_cache_is_down():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "unavailable",
        "email": "ok",
    }
