"""Reads of notifications: a person's list and unread count."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification

UNREAD_SHOWN_UP_TO = 99


def notifications_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("actor")


def unread_count(user) -> int:
    """For the header: at most 100 rows are counted (shown "99+")."""
    return len(
        Notification.objects.filter(recipient=user, read_at__isnull=True).values_list(
            "pk", flat=True
        )[: UNREAD_SHOWN_UP_TO + 1]
    )
