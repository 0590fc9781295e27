"""What the header needs from the help desk: the team's entry."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from . import permissions


def header(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"header_show_help_desk": False}
    # Lazy: pages that never show the header pay no query.
    return {"header_show_help_desk": SimpleLazyObject(lambda: permissions.is_team(user))}
