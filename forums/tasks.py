"""Forum housekeeping."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def forum_images_cleanup() -> int:
    """Delete editor images no message uses a day after their upload
    (dropped then never sent, or their message deleted). Idempotent."""
    return services.forum_images_cleanup()
