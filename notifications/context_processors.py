"""What the header needs from notifications: the unread count of the bell."""

from __future__ import annotations

import functools

from . import selectors


def header(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    # Templates call it: counted once per page, and only by pages that show it.
    @functools.cache
    def unread() -> int:
        return selectors.unread_count(user)

    return {"notifications_unread": unread}
