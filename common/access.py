"""How views refuse: private things answer 404 whether they exist or not;
anonymous visitors are sent to log in first where logging in could help.

A view wrapped in ``login_or`` raises ``LoginRequired`` from its access
helpers; the wrapper turns it into the redirect to the login page. For an
anonymous visitor it turns a 404 into the same redirect: sending them to log
in only for the private things that exist would tell which exist.
"""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


class LoginRequired(Exception):
    """Raised by ``access_*`` helpers when logging in could help."""


def login_or(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except LoginRequired:
            return redirect_to_login(request.get_full_path())
        except Http404:
            if request.user.is_authenticated:
                raise
            return redirect_to_login(request.get_full_path())

    return wrapped


def deny(request):
    """Refuse a private read: login for anonymous visitors, 404 for the others."""
    if not request.user.is_authenticated:
        raise LoginRequired
    raise Http404
