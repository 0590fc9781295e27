"""Reads of notifications: a person's list and unread count, and when the
daily digest leaves."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from celery.schedules import crontab
from django.conf import settings
from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .models import Notification

UNREAD_SHOWN_UP_TO = 99
# The entry of CELERY_BEAT_SCHEDULE that sends the daily digests.
DIGEST_SCHEDULE_ENTRY = "notifications-daily-digests"


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


def unread_count_expression() -> RawSQL:
    """``unread_count`` as a column of a query on accounts (the header's
    count read with the reader's other facts, ``accounts.roles``): the same
    bounded count, through the same partial index."""
    return RawSQL(  # noqa: S611  # nosec B611: constant SQL, the limit a bound parameter
        _UNREAD_SQL, (UNREAD_SHOWN_UP_TO + 1,), output_field=IntegerField()
    )


# The tables of Notification and of the user model (checked by the tests).
_UNREAD_SQL = (
    'SELECT COUNT(*) FROM (SELECT 1 FROM "notifications_notification" unread '
    'WHERE unread."recipient_id" = "accounts_user"."id" AND unread."read_at" IS NULL '
    "LIMIT %s) AS bounded"
)


def digest_time() -> time | None:
    """When beat sends the daily digest, read from its schedule and told in
    the site's time zone; None unless it is once a day, every day."""
    entry = settings.CELERY_BEAT_SCHEDULE.get(DIGEST_SCHEDULE_ENTRY)
    schedule = entry and entry["schedule"]
    if not isinstance(schedule, crontab):
        return None
    every_day = len(schedule.day_of_week) == 7 and len(schedule.day_of_month) == 31
    if not every_day or len(schedule.hour) != 1 or len(schedule.minute) != 1:
        return None
    today = timezone.localdate()
    sent = datetime(
        today.year,
        today.month,
        today.day,
        next(iter(schedule.hour)),
        next(iter(schedule.minute)),
        tzinfo=ZoneInfo(settings.CELERY_TIMEZONE),
    )
    return timezone.localtime(sent).time()
