"""Reads of notifications: a person's list and unread count."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification

UNREAD_SHOWN_UP_TO = 99


def notifications_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("actor")


def unread_count(user) -> int:
    """For the header: at most 100 rows are counted (shown "99+")."""
    # No ordering: the partial index of unread rows answers alone (ordered by
    # date, PostgreSQL would read the whole history of someone who read all).
    return len(
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .order_by()
        .values_list("pk", flat=True)[: UNREAD_SHOWN_UP_TO + 1]
    )
