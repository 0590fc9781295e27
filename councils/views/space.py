"""The private space, for members only."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from common.access import login_or

from .. import permissions, registry, selectors
from ._access import (
    LOG_PAGE_SIZE,
    MEMBERS_PAGE_SIZE,
    _access,
    _page,
    access_space,
)

# The private space.


@login_or
def space(request, slug: str):
    council = access_space(request, slug)
    activity = [
        item
        for source in registry.activity_sources()
        for item in source.items(council, request.user, 10)
    ]
    activity.sort(key=lambda item: item.when, reverse=True)
    context = {
        "council": council,
        "links": [(link.label, link.url(council)) for link in registry.space_links()],
        "activity": activity[:15],
        "member_count": council.memberships.count(),
        "coordinators": selectors.coordinators_of(council),
        "is_coordinator": permissions.is_coordinator(request.user, council),
        "can_contribute": permissions.can_contribute(request.user, council),
    }
    return render(request, "councils/space.html", context)


@login_or
def members(request, slug: str):
    council = access_space(request, slug)
    context = {
        "council": council,
        "page": _page(request, selectors.memberships_of_council(council), MEMBERS_PAGE_SIZE),
        "can_manage": permissions.can_manage_members(request.user, council),
    }
    return render(request, "councils/members.html", context)


@login_or
def transparency(request, slug: str):
    """What people outside the council did to it: changes of membership
    made by referents or the animation, and visits to its space."""
    council = _access(request, slug, permissions.can_read_transparency_log)
    context = {
        "council": council,
        "is_coordinator": permissions.is_coordinator(request.user, council),
        "changes": Paginator(selectors.outside_changes(council), LOG_PAGE_SIZE).get_page(
            request.GET.get("changements")
        ),
        "accesses": Paginator(council.space_accesses.all(), LOG_PAGE_SIZE).get_page(
            request.GET.get("acces")
        ),
    }
    return render(request, "councils/transparency.html", context)
