"""The private space, for members only."""

from __future__ import annotations

from django.shortcuts import render

from common.access import login_or

from .. import permissions, registry, selectors
from ._access import (
    MEMBERS_PAGE_SIZE,
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
