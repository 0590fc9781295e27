"""Whole public pages kept for anonymous visitors, and forgotten exactly when
what they show changes.

Most requests to the showcase come from people who are not signed in: the
home page, the public forums, the news. For them, a page is the same for
everyone who asks it; rendering it again for each is most of the cost of
serving them. ``AnonymousPageCacheMiddleware`` keeps such an answer and
serves it again, under these rules:

- **Only to someone without a session or a message.** A request carrying a
  session cookie (a signed-in member, or anyone the site remembers
  something for) or a messages cookie goes through the whole site as usual,
  and its answer is never kept. So one person's page cannot reach another.
- **Only answers that are the same for everyone.** An answer is kept only if
  it is a ``200`` HTML page, sets no cookie (a page that used a CSRF token,
  started a session or queued a message sets one), and says nothing against
  it in ``Cache-Control`` (``private``, ``no-store``, ``no-cache``). It
  leaves with ``Vary: Cookie`` so that browsers and proxies keep the same
  rule.
- **Only pages that say what they show.** A view opts in with
  ``@anonymous_page(tags)``: ``tags`` names, from the URL's arguments alone,
  the sets of things the page shows (``"topic:12"``, ``"forums"``). A query
  string other than the page number (or the filters the view names), or a
  strange value, is served without the cache (no one fills it with endless
  keys).
- **Forgotten exactly.** Each tag has a version in the cache. A kept page
  holds the versions its tags had before it was rendered, and is served only
  while they are still the versions (read in the same round trip as the
  page); ``changed("topic:12")``, called when a transaction changes the
  topic, gives the tag a new version at once and again when the transaction
  commits, so every page that showed it gets a new key and is rendered
  again. A page rendered from the rows before the commit is kept under a
  version the commit renews: it is never served after the commit.
  Models' signals and the services that write with ``update()`` call it
  (each app's ``page_cache.py``).
- **For a short while anyway.** A kept page lives ``PAGE_TIMEOUT`` seconds:
  what changes with time alone ("il y a 3 minutes", a meeting that has
  passed, an avatar's signed address) is at most that late. What changes at
  a known time (a scheduled article) says it with ``expires_at``: the page
  is not served past it.

If the cache is down, every request is rendered as if nothing was kept.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_request

logger = logging.getLogger(__name__)

PAGE_TIMEOUT = 120
# A tag's version outlives the pages kept under it; one forgotten (expired,
# evicted) starts a new version, which no kept page matches.
TAG_TIMEOUT = 24 * 3600
# The query strings a kept page may have: the page number, and only digits.
PAGE_PARAMETER = "page"
_MAX_PAGE_DIGITS = 6
_PLAIN_VALUE = re.compile(r"[0-9A-Za-z-]{0,12}")
_TAG_PREFIX = "anonymous-page:tag:"
_PAGE_PREFIX = "anonymous-page:v1:"
_KEPT_PREFIX = "anonymous-page:kept:"
# Set on a request whose answer the middleware means to keep, and the time
# its page changes by itself (expires_at).
_KEEPING = "_anonymous_page_keeping"
_EXPIRY = "_anonymous_page_expiry"
_MESSAGES_COOKIE = "messages"
# Headers a kept answer is served again with (the rest are per request).
_SKIPPED_HEADERS = {"set-cookie", "date"}
_REFUSING_CACHE_CONTROL = ("private", "no-store", "no-cache")

TagsOf = Callable[..., Iterable[str]]


def anonymous_page(tags: TagsOf, *, parameters: tuple[str, ...] = (PAGE_PARAMETER,)):
    """Mark a view as one whose anonymous answer may be kept; ``tags`` gets
    the URL's keyword arguments and names what the page shows. Its answers
    are kept for the query strings made of ``parameters`` only, each once,
    with a short plain value (a page number, a department's code)."""

    def decorator(view):
        view.anonymous_page_tags = tags
        view.anonymous_page_parameters = frozenset(parameters)
        return view

    return decorator


def expires_at(request, when: Callable[[], datetime | None]) -> None:
    """The page this request gets changes by itself at ``when()`` (the next
    scheduled article of a list): if it is kept, it is kept no later. Asked
    only when the page is to be kept."""
    if not getattr(request, _KEEPING, False):
        return
    moment = when()
    if moment is not None:
        stamp = moment.timestamp()
        setattr(request, _EXPIRY, min(stamp, getattr(request, _EXPIRY, stamp)))


def changed(*tags: str) -> None:
    """What pages showing ``tags`` show has changed: once the transaction
    commits (now, outside one), the pages kept for them are forgotten."""
    if not tags:
        return
    # Now: a page rendered from here on by this transaction's own requests
    # (or a test's, which never commits) is not served from before.
    _renew(tags)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    # Again at the commit: a page another request rendered meanwhile, from
    # the rows as they were before, was kept under the version of now. One
    # renewal per transaction, however many rows it changes (a deleted
    # forum's thousand posts): the tags join the renewal already waiting.
    # A savepoint rolled back drops the renewal with the changes it covers.
    for _savepoints, waiting, _robust in connection.run_on_commit:
        if isinstance(waiting, _Renewal):
            waiting.tags.update(tags)
            return
    connection.on_commit(_Renewal(tags), robust=True)


class _Renewal:
    def __init__(self, tags: Iterable[str]):
        self.tags = set(tags)

    def __call__(self) -> None:
        _renew(self.tags)


def renew_on_write(model, *tags: str) -> None:
    """Every save and delete of ``model`` changes the pages showing ``tags``
    (for models written through their instances only: an ``update()``
    sends no signal)."""

    def receiver(sender, instance, **kwargs):
        changed(*tags)

    uid = f"page_cache.{model._meta.label}"
    post_save.connect(receiver, sender=model, dispatch_uid=uid + ".save", weak=False)
    post_delete.connect(receiver, sender=model, dispatch_uid=uid + ".delete", weak=False)


def _renew(tags: Iterable[str]) -> None:
    try:
        cache.set_many(
            {_TAG_PREFIX + tag: secrets.token_hex(8) for tag in tags}, timeout=TAG_TIMEOUT
        )
    except Exception:
        # With the cache down, nothing kept is served either; the pages
        # kept before expire within PAGE_TIMEOUT when it returns.
        logger.warning("Could not renew the versions of %s", tags, exc_info=True)


def _versions(tags: list[str], found: dict) -> list[str] | None:
    """The tags' versions, from ``found`` (read with the page). A tag never
    changed, or forgotten by the cache, gets its first version now: nothing
    kept before can match it. None if the cache cannot say."""
    keys = [_TAG_PREFIX + tag for tag in tags]
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, secrets.token_hex(8), timeout=TAG_TIMEOUT)
        found = {**found, **cache.get_many(missing)}
        if any(key not in found for key in missing):
            return None
    return [str(found[key]) for key in keys]


def current_versions(tags: list[str]) -> list[str] | None:
    """The tags' versions now (for tests and benchmarks)."""
    return _versions(tags, cache.get_many([_TAG_PREFIX + tag for tag in tags]))


def kept(name: str, tags: list[str], compute: Callable[[], object], timeout: int = PAGE_TIMEOUT):
    """``compute()``, kept under the same rule as the pages: until one of
    ``tags`` changes (or ``timeout``). For what a page shows to everyone,
    signed in or not (the home page's numbers and lively topics)."""
    try:
        versions = current_versions(tags)
    except Exception:
        versions = None
    if versions is None:
        return compute()
    digest = hashlib.blake2b("\n".join([name, *tags, *versions]).encode(), digest_size=20)
    key = _KEPT_PREFIX + digest.hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def _query_allowed(query, parameters: frozenset[str]) -> bool:
    for name, values in query.lists():
        if name not in parameters or len(values) != 1:
            return False
        value = values[0]
        if name == PAGE_PARAMETER:
            if not (value.isascii() and value.isdigit() and len(value) <= _MAX_PAGE_DIGITS):
                return False
        elif not _PLAIN_VALUE.fullmatch(value):
            return False
    return True


def _tags_for(request) -> list[str] | None:
    """The tags of the page asked, or None when it may not come from the cache."""
    if request.method != "GET":
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or _MESSAGES_COOKIE in cookies:
        return None
    found = _page_of(settings.ROOT_URLCONF, request.path_info)
    if found is None:
        return None
    view, kwargs = found
    if request.GET and not _query_allowed(request.GET, view.anonymous_page_parameters):
        return None
    return sorted(set(view.anonymous_page_tags(**kwargs)))


@functools.lru_cache(maxsize=4096)
def _page_of(urlconf: str, path: str):
    """The view of ``path`` if it may be kept, and its arguments (the URLs
    of a deployment do not change: resolved once per path)."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    if getattr(match.func, "anonymous_page_tags", None) is None:
        return None
    return match.func, match.kwargs


def _page_key(request, tags: list[str]) -> str:
    parts = [
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        get_language_from_request(request),
        *tags,
    ]
    digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=20).hexdigest()
    return _PAGE_PREFIX + digest


def _may_keep(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in _REFUSING_CACHE_CONTROL)


def _kept(response, versions: list[str], expiry: float):
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in _SKIPPED_HEADERS
    ]
    return versions, expiry, response.content, headers


def _served(kept) -> HttpResponse:
    _versions_then, _expiry, content, headers = kept
    response = HttpResponse(content)
    for name, value in headers:
        response.headers[name] = value
    return response


class AnonymousPageCacheMiddleware:
    """Place it right after ``SecurityMiddleware`` (and WhiteNoise): a kept
    answer then skips the session, the user and the view, and the answer
    kept is the one every later middleware finished."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = versions = None
        try:
            tags = _tags_for(request)
            if tags is not None:
                # One round trip: the page kept and its tags' versions now.
                key = _page_key(request, tags)
                found = cache.get_many([key, *(_TAG_PREFIX + tag for tag in tags)])
                versions = _versions(tags, found)
                kept = found.get(key)
                if (
                    versions is not None
                    and kept is not None
                    and kept[0] == versions
                    and time.time() < kept[1]
                ):
                    return _served(kept)
                setattr(request, _KEEPING, versions is not None)
        except DisallowedHost:
            key = None  # the site answers it as usual (400)
        except Exception:
            logger.warning("Anonymous page cache unavailable", exc_info=True)
            key = None
        response = self.get_response(request)
        if key is not None and versions is not None and _may_keep(response):
            now = time.time()
            expiry = min(now + PAGE_TIMEOUT, getattr(request, _EXPIRY, now + PAGE_TIMEOUT))
            if expiry <= now:
                return response
            patch_vary_headers(response, ("Cookie",))
            try:
                cache.set(key, _kept(response, versions, expiry), max(1, round(expiry - now)))
            except Exception:
                logger.warning("Could not keep an anonymous page", exc_info=True)
        return response
