"""The Redis cache answers from the process's memory while Redis is down
(limits keep counting, per process), logs the outage once, and skips Redis
for a few seconds after a failure."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import caches
from django.test import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from common import cache_backends, ratelimit
from common.cache_backends import DegradingRedisCache

DEAD_REDIS = "redis://127.0.0.1:9/0"  # a port nobody listens on


@pytest.fixture(autouse=True)
def _fresh_breakers(monkeypatch):
    monkeypatch.setattr(cache_backends, "_breakers", {})


@pytest.fixture
def dead_cache():
    return DegradingRedisCache(
        DEAD_REDIS, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )


def _cache_logs(caplog):
    return [record for record in caplog.records if record.name == "common.cache_backends"]


def test_every_call_answers_from_the_process_memory_when_redis_is_down(dead_cache, caplog):
    with caplog.at_level(logging.INFO, logger="common.cache_backends"):
        assert dead_cache.get("a") is None
        assert dead_cache.get("a", "default") == "default"
        assert dead_cache.add("a", 1) is True
        # Kept: a lock or a replay guard taken with add still holds.
        assert dead_cache.add("a", 2) is False
        assert dead_cache.get("a") == 1
        assert dead_cache.incr("a") == 2
        assert dead_cache.decr("a") == 1
        with pytest.raises(ValueError):
            dead_cache.incr("missing")
        assert dead_cache.set("b", 1) is None
        assert dead_cache.set_many({"c": 2, "d": 3}) == []
        assert dead_cache.get_many(["b", "c", "d"]) == {"b": 1, "c": 2, "d": 3}
        assert dead_cache.has_key("b") is True
        assert dead_cache.touch("b") is True
        assert dead_cache.delete("b") is True
        assert dead_cache.delete_many(["c", "d"]) is None
        assert dead_cache.get_many(["b", "c", "d"]) == {}
        assert dead_cache.get_or_set("e", lambda: "computed") == "computed"
        dead_cache.clear()
        assert dead_cache.get("a") is None
        assert dead_cache.available is False
    logs = _cache_logs(caplog)
    assert [record.levelno for record in logs] == [logging.WARNING]
    assert "unreachable since" in logs[0].getMessage()


def test_many_calls_through_an_outage_log_one_warning(dead_cache, caplog, monkeypatch):
    clock = [1_000.0]
    monkeypatch.setattr(cache_backends.time, "monotonic", lambda: clock[0])
    with caplog.at_level(logging.INFO, logger="common.cache_backends"):
        for _ in range(20):
            clock[0] += cache_backends.RETRY_AFTER_SECONDS + 1  # Redis tried each time
            assert dead_cache.get("key", 7) == 7
    assert len(_cache_logs(caplog)) == 1


class _FlakyClient:
    """Stands for Django's Redis client: fails while ``down``, counts calls."""

    def __init__(self):
        self.down = True
        self.calls = 0
        self.data = {}

    def get(self, key, default):
        self.calls += 1
        if self.down:
            raise RedisConnectionError("Connection refused")
        return self.data.get(key, default)

    def set(self, key, value, timeout):
        self.calls += 1
        if self.down:
            raise RedisConnectionError("Connection refused")
        self.data[key] = value


def test_redis_is_skipped_for_a_while_after_a_failure_then_tried_again(
    dead_cache, caplog, monkeypatch
):
    client = _FlakyClient()
    dead_cache.__dict__["_cache"] = client  # replaces the cached_property
    clock = [1_000.0]
    monkeypatch.setattr(cache_backends.time, "monotonic", lambda: clock[0])
    with caplog.at_level(logging.INFO, logger="common.cache_backends"):
        assert dead_cache.get("k") is None
        assert client.calls == 1
        for _ in range(10):  # within the pause: no connection attempt at all
            dead_cache.set("k", "in memory")
            assert dead_cache.get("k") == "in memory"
        assert client.calls == 1
        clock[0] += cache_backends.RETRY_AFTER_SECONDS
        client.down = False
        dead_cache.set("k", "v")
        assert dead_cache.get("k") == "v"
        assert dead_cache.available is True
        # What the outage wrote in memory is dropped: Redis holds the truth.
        assert dead_cache._breaker.fallback.get("k") is None
    assert client.calls == 3
    logs = _cache_logs(caplog)
    assert [record.levelno for record in logs] == [logging.WARNING, logging.INFO]
    assert "answers again" in logs[1].getMessage()


def test_the_outage_is_shared_by_the_cache_objects_of_a_process(dead_cache):
    """Django makes one cache object per thread: they share what they know."""
    dead_cache.get("k")
    other = DegradingRedisCache(DEAD_REDIS, {})
    assert other.available is False


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "common.cache_backends.DegradingRedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }
)
def test_rate_limits_still_count_while_redis_is_down():
    """Someone trying passwords, reset links or two-factor codes during an
    outage is still stopped, by each web process on its own count."""
    assert isinstance(caches["default"], DegradingRedisCache)
    answers = [ratelimit.hit("contact:203.0.113.1", limit=3, period_seconds=60) for _ in range(5)]
    assert answers == [True, True, True, False, False]
