"""What the header needs from notifications: the unread count of the bell."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from . import selectors


def header(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: pages that never show the header pay no query.
    return {"notifications_unread": SimpleLazyObject(lambda: selectors.unread_count(user))}
