"""A Redis cache that never breaks a page when Redis does not answer.

Nothing the site keeps in the cache is the only copy of anything: sessions
live in the database, and what is cached (rate-limit counters, computed
fragments) can be rebuilt or forgotten. So while Redis is stopped, restarting
or unreachable, every call answers as an empty cache that keeps nothing would:

- ``get`` returns the default, ``get_many`` nothing, ``has_key`` False;
- ``add`` returns True (the key was not there, as far as anyone can tell), so
  that rate limits and allauth's lock around them let people through rather
  than count everyone as over the limit (the price: allauth's guard against
  replaying a two-factor code, also an ``add``, is off during an outage, so a
  code seen by someone could be used again within its 90 seconds; refusing
  every code would lock the staff out instead);
- ``incr``/``decr`` raise ``ValueError`` like a missing key (what
  ``common.ratelimit`` already handles by starting a new window);
- ``set``, ``delete``, ``touch``, ``clear`` do nothing (``set_many`` returns
  every key as not written).

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

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What redis-py raises when the server is stopped, refuses, times out or
# answers an error; OSError for a socket failing below it.
CACHE_ERRORS = (RedisError, OSError)
RETRY_AFTER_SECONDS = 5.0


class _Breaker:
    """Whether Redis at one location is believed down, shared by the threads
    of a process (Django makes one cache object per thread)."""

    def __init__(self, location: str):
        self.location = location
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
        logger.info(
            "The cache (Redis at %s) answers again, after %.0f seconds.", self.location, down_for
        )


_breakers: dict[str, _Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker_for(location: str) -> _Breaker:
    with _breakers_lock:
        return _breakers.setdefault(location, _Breaker(location))


def _missing_key(key) -> ValueError:
    return ValueError(f"Key '{key}' not found.")


def _degrading(fallback):
    """Run the method against Redis unless it is believed down; on a Redis
    error, or while skipped, answer ``fallback(self, *args, **kwargs)``."""

    def decorate(method):
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
            return fallback(self, *args, **kwargs)

        return wrapped

    return decorate


def _default(self, key, default=None, version=None):
    return default


def _raise_missing(self, key, delta=1, version=None):
    raise _missing_key(key)


class DegradingRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache while Redis is down."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._breaker = _breaker_for(",".join(self._servers))

    @property
    def available(self) -> bool:
        """False while Redis is believed down."""
        return self._breaker.down_since is None

    @_degrading(lambda self, *args, **kwargs: True)
    def add(self, key, value, *args, **kwargs):
        return super().add(key, value, *args, **kwargs)

    @_degrading(_default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version=version)

    @_degrading(lambda self, *args, **kwargs: None)
    def set(self, key, value, *args, **kwargs):
        return super().set(key, value, *args, **kwargs)

    @_degrading(lambda self, *args, **kwargs: False)
    def touch(self, key, *args, **kwargs):
        return super().touch(key, *args, **kwargs)

    @_degrading(lambda self, *args, **kwargs: False)
    def delete(self, key, version=None):
        return super().delete(key, version=version)

    @_degrading(lambda self, *args, **kwargs: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version=version)

    @_degrading(lambda self, *args, **kwargs: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version=version)

    @_degrading(_raise_missing)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version=version)

    @_degrading(lambda self, data, *args, **kwargs: list(data))
    def set_many(self, data, *args, **kwargs):
        return super().set_many(data, *args, **kwargs)

    @_degrading(lambda self, *args, **kwargs: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version=version)

    @_degrading(lambda self: False)
    def clear(self):
        return super().clear()
