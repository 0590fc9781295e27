"""The header's entries for members, referents and the national animation."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from . import permissions, selectors


def my_councils(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_councils": [], "header_show_my_councils": False, "header_show_animation": False}
    # Lazy: pages that never show the header pay no query.
    councils = SimpleLazyObject(lambda: list(selectors.councils_of(user=user)))
    return {
        "my_councils": councils,
        "header_show_my_councils": SimpleLazyObject(
            lambda: bool(councils) or permissions.is_referent(user)
        ),
        "header_show_animation": SimpleLazyObject(
            lambda: permissions.can_view_animation_dashboard(user)
        ),
    }
