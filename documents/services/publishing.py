"""Publishing: a coordinator makes a council's file or page public, or
private again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..models import Document, Page

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def item_publish(*, user: User, item: Document | Page, public: bool) -> None:
    """A coordinator makes a file or a page public, or private again."""
    if not permissions.can_publish(user, item.council) or item.deleted_at is not None:
        raise PermissionDenied
    type(item).objects.filter(pk=item.pk).update(published_at=timezone.now() if public else None)
