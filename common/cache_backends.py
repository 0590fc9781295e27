"""A Redis cache that never breaks a page when Redis does not answer.

Nothing the site keeps in the cache is the only copy of anything: sessions
live in the database, and what is cached (rate-limit counters, computed
fragments) can be rebuilt or forgotten. So while Redis is stopped,
restarting or unreachable, every call goes to a small cache in the memory of
the process instead (Django's local-memory cache, one per Redis location and
process, at most ``FALLBACK_MAX_ENTRIES`` keys):

- pages go on: nothing raises, reads miss at first;
- limits keep counting, per process rather than for the whole site: rate
  limits on login, password reset and the forms, and allauth's guard against
  replaying a two-factor code (an ``add``), still hold against someone
  trying codes or passwords during the outage, only with each web process
  counting apart;
- what was written there is dropped when Redis answers again (it may be
  stale by then, and Redis holds the site-wide truth).

A small circuit breaker keeps a dead Redis from costing a connection timeout
on every call: after a failure, Redis is skipped for ``RETRY_AFTER_SECONDS``,
then tried again by the next call. The outage is logged once when it starts
and once when Redis answers again, never once per call.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import wraps

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What redis-py raises when the server is stopped, refuses, times out or
# answers an error; OSError for a socket failing below it.
CACHE_ERRORS = (RedisError, OSError)
RETRY_AFTER_SECONDS = 5.0
FALLBACK_MAX_ENTRIES = 10_000


class _Breaker:
    """Whether Redis at one location is believed down, shared by the threads
    of a process (Django makes one cache object per thread)."""

    def __init__(self, location: str):
        self.location = location
        # Where calls go while Redis is down; emptied when it answers again.
        self.fallback = LocMemCache(
            f"degraded:{location}", {"OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}}
        )
        self._lock = threading.Lock()
        self.down_since: float | None = None  # wall clock, for the message
        self._retry_at = 0.0  # monotonic

    def allows(self) -> bool:
        """False while Redis is skipped after a failure."""
        return self.down_since is None or time.monotonic() >= self._retry_at

    def failed(self, error: BaseException) -> None:
        with self._lock:
            self._retry_at = time.monotonic() + RETRY_AFTER_SECONDS
            if self.down_since is not None:
                return
            self.down_since = time.time()
        logger.warning(
            "The cache (Redis at %s) is unreachable since %s (%s: %s); pages go on "
            "without it and it is tried again every %d seconds.",
            self.location,
            time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.down_since)),
            type(error).__name__,
            error,
            RETRY_AFTER_SECONDS,
        )

    def succeeded(self) -> None:
        if self.down_since is None:
            return
        with self._lock:
            if self.down_since is None:
                return
            down_for = time.time() - self.down_since
            self.down_since = None
        self.fallback.clear()
        logger.info(
            "The cache (Redis at %s) answers again, after %.0f seconds.", self.location, down_for
        )


_breakers: dict[str, _Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker_for(location: str) -> _Breaker:
    with _breakers_lock:
        return _breakers.setdefault(location, _Breaker(location))


def _degrading(method):
    """Run the method against Redis unless it is believed down; on a Redis
    error, or while skipped, run the same method on the process's fallback."""

    @wraps(method)
    def wrapped(self, *args, **kwargs):
        breaker = self._breaker
        if breaker.allows():
            try:
                result = method(self, *args, **kwargs)
            except CACHE_ERRORS as error:
                breaker.failed(error)
            else:
                breaker.succeeded()
                return result
        return getattr(breaker.fallback, method.__name__)(*args, **kwargs)

    return wrapped


class _ClientKeptPerPool(RedisCacheClient):
    """Django's client for Redis, keeping one redis-py client per connection
    pool instead of building one for every operation: a redis-py client
    copies its ~170 response callbacks when built (0.2 ms), as long as the
    round trip of a visitor's kept page (common.page_cache). The client
    takes a connection from the pool for each command, as before, so it is
    shared safely between threads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class DegradingRedisCache(RedisCache):
    """Django's Redis cache, answering from the process's memory while Redis is down."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientKeptPerPool
        self._breaker = _breaker_for(",".join(self._servers))

    @property
    def available(self) -> bool:
        """False while Redis is believed down."""
        return self._breaker.down_since is None

    @_degrading
    def add(self, key, value, *args, **kwargs):
        return super().add(key, value, *args, **kwargs)

    @_degrading
    def get(self, key, default=None, version=None):
        return super().get(key, default, version=version)

    @_degrading
    def set(self, key, value, *args, **kwargs):
        return super().set(key, value, *args, **kwargs)

    @_degrading
    def touch(self, key, *args, **kwargs):
        return super().touch(key, *args, **kwargs)

    @_degrading
    def delete(self, key, version=None):
        return super().delete(key, version=version)

    @_degrading
    def get_many(self, keys, version=None):
        return super().get_many(keys, version=version)

    @_degrading
    def has_key(self, key, version=None):
        return super().has_key(key, version=version)

    @_degrading
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version=version)

    @_degrading
    def set_many(self, data, *args, **kwargs):
        return super().set_many(data, *args, **kwargs)

    @_degrading
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version=version)

    @_degrading
    def clear(self):
        return super().clear()
