"""What browsers and proxies may keep: nothing that depends on who asks.

Members use shared computers (community centres, libraries): an answer that
depends on the signed-in person must not stay in the browser's cache for the
next person, nor in a proxy. One middleware decides it for every view, so that
no page can forget: an answer to a signed-in person leaves with ``no-store``
unless its view set its own ``Cache-Control`` (downloads set theirs). Pages
reached by a secret link instead of a session (a help request's follow link,
an invitation) say it themselves with ``no_store``. Anonymous public pages
keep no header, and stay cacheable as before.
"""

from __future__ import annotations

import functools

from django.utils.cache import patch_cache_control


def _forbid_storing(response) -> None:
    patch_cache_control(response, private=True, no_store=True)


class PrivateResponsesMiddleware:
    """Place it after ``AuthenticationMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            # The view chose (downloads, feeds, health check): keep its choice.
            return response
        session = getattr(request, "session", None)
        if session is None or not session.accessed:
            # Who is signed in lives in the session: an answer that never
            # read it cannot depend on them.
            return response
        if request.user.is_authenticated:
            _forbid_storing(response)
        return response


def no_store(view):
    """For a view whose answer is private without a session: a secret link."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        _forbid_storing(response)
        return response

    return wrapped
