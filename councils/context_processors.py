"""What the header needs from this app: the national animation's entry."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from accounts.roles import load_reader_facts

from . import permissions


def header(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"header_show_animation": False}

    def show_animation() -> bool:
        # One query for the reader's roles: other apps' header entries (the
        # help desk's) ask them too.
        load_reader_facts(user)
        return permissions.can_view_animation_dashboard(user)

    # Lazy: pages that never show the header pay no query.
    return {"header_show_animation": SimpleLazyObject(show_animation)}
