"""What every council view shares: access helpers, pagination, messages.

Views parse the request, ask ``permissions`` through the ``access_*``
helpers, call one service and render. Private things answer 404 to whoever
may not see them; anonymous visitors are sent to log in first.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404

from common.access import deny

from .. import permissions
from ..models import Council

DIRECTORY_PAGE_SIZE = 24
MEMBERS_PAGE_SIZE = 50
LOG_PAGE_SIZE = 50
PENDING_SHOWN = 30
CONTACT_LIMIT_PER_HOUR = 5
CONTACT_LIMIT_PER_COUNCIL_PER_HOUR = 20


def _council(slug: str) -> Council:
    return get_object_or_404(Council.objects.select_related("department__region"), slug=slug)


def _access(request, slug: str, allowed) -> Council:
    """The council, if ``allowed(user, council)``; 404 otherwise, whether it
    exists or not; anonymous visitors are sent to log in first."""
    council = _council(slug)
    if not allowed(request.user, council):
        deny(request)
    return council


def access_space(request, slug: str) -> Council:
    """The council whose space ``request.user`` may read."""
    return _access(request, slug, permissions.can_view_space)


def access_management(request, slug: str) -> Council:
    """The council whose memberships ``request.user`` manages."""
    return _access(request, slug, permissions.can_manage_members)


def _posted(request):
    """The submitted data, or None on GET: an empty POST still binds the form."""
    return request.POST if request.method == "POST" else None


def _page(request, queryset, size: int):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _attempt(request, action, success) -> bool:
    """Run ``action`` (a service call); tell the user ``success()`` or why not."""
    try:
        action()
    except ValidationError as error:
        _refused(request, error)
        return False
    messages.success(request, success())
    return True
