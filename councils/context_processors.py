"""What the header needs from this app: the national animation's entry."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from . import permissions


def header(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"header_show_animation": False}
    # Lazy: pages that never show the header pay no query.
    return {
        "header_show_animation": SimpleLazyObject(
            lambda: permissions.can_view_animation_dashboard(user)
        )
    }
