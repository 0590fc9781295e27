"""What the header needs from notifications: the unread count of the bell."""

from __future__ import annotations

import functools

from . import selectors

UNREAD_FACT = "_notifications_unread"


def header(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    # Templates call it: counted once per page, and only by pages that show it
    # (read pages have it already, with the reader's facts: accounts.roles).
    @functools.cache
    def unread() -> int:
        known = getattr(user, UNREAD_FACT, None)
        return selectors.unread_count(user) if known is None else known

    return {"notifications_unread": unread}
