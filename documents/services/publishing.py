"""Publishing: a coordinator makes a council's file or page public, or
private again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from councils import services as council_services
from councils.models import MembershipEvent

from .. import permissions
from ..models import Document, Page

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def item_publish(*, user: User, item: Document | Page, public: bool) -> None:
    """A coordinator makes a file or a page public, or private again. Asking
    for the state it is already in (a second tab, a double submit) changes
    nothing and writes no log line."""
    if not permissions.can_publish(user, item.council) or item.deleted_at is not None:
        raise PermissionDenied
    current = type(item).objects.select_for_update().filter(pk=item.pk)
    if current.filter(published_at__isnull=not public).exists():
        return
    current.update(published_at=timezone.now() if public else None)
    Action = MembershipEvent.Action
    if isinstance(item, Page):
        action, title = (Action.PAGE_PUBLISHED if public else Action.PAGE_UNPUBLISHED), item.title
    else:
        action, title = (Action.FILE_PUBLISHED if public else Action.FILE_UNPUBLISHED), item.name
    council_services.council_log_record(
        council=item.council, action=action, title=title, actor=user
    )
