"""A fixed-window counter in the cache, for forms open to anonymous visitors."""

from __future__ import annotations

from allauth.core.internal.httpkit import get_client_ip
from django.core.cache import cache


def client_ip(request) -> str:
    """The visitor's address as allauth's limits see it: behind nginx, from
    X-Forwarded-For according to ALLAUTH_TRUSTED_PROXY_COUNT."""
    return get_client_ip(request) or "unknown"


def hit(key: str, *, limit: int, period_seconds: int) -> bool:
    """Count one use of ``key``; False once it was used ``limit`` times in the window."""
    cache_key = f"ratelimit:{key}"
    if cache.add(cache_key, 1, timeout=period_seconds):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # Expired between add and incr: this use opens a new window.
        cache.set(cache_key, 1, timeout=period_seconds)
        return True
    return count <= limit
