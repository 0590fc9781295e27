"""Documents housekeeping and the thumbnails of images."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def trash_purge() -> int:
    """Delete for good what has been 30 days in the trash. Idempotent."""
    return services.trash_purge()


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def version_thumbnail(version_id: int) -> bool:
    """Make the thumbnail of an image version. Idempotent: done once."""
    return services.version_thumbnail_make(version_id=version_id)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def missing_thumbnails_make() -> int:
    """Every 30 seconds: the thumbnails ``version_thumbnail`` should have made and
    did not (never queued while the broker was down, or lost with a worker)."""
    return services.missing_thumbnails_make()
