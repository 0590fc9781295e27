"""Documents housekeeping."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def trash_purge() -> int:
    """Delete for good what has been 30 days in the trash. Idempotent."""
    return services.trash_purge()
