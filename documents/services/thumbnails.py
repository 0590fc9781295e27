"""Thumbnails of the image versions of a council's files."""

from __future__ import annotations

import io
import logging
import time
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import ImageOps

from common.files import stored_file_save
from common.images import image_decode

from ..models import IMAGE_KINDS, DocumentVersion

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE_PX = 320
# The sweep leaves a version this young to the task queued after its upload.
MISSING_AFTER = timedelta(seconds=15)
# Past this age a version without a thumbnail is no longer tried: whatever
# keeps failing for a week (without being recorded as hopeless) stops costing
# a try every minute.
MISSING_GIVE_UP_AFTER = timedelta(days=7)
# At most this many thumbnails, or this long, a sweep (it runs every 30 s:
# shorter runs do not overlap); the next run takes the rest. A minute of
# uploads during a Redis outage is a few hundred images.
MISSING_BATCH = 500
MISSING_SECONDS = 25


class _MadeMeanwhile(Exception):
    """Another run stored this version's thumbnail first."""


def version_thumbnail_make(*, version_id: int) -> bool:
    """Reduce an image version to a WebP thumbnail (the stored image is already
    checked and free of metadata). False when there is nothing to do, or when
    the image cannot be reduced: that is recorded, and never tried again."""
    version = DocumentVersion.objects.filter(pk=version_id).first()
    if (
        version is None
        or version.thumbnail
        or version.thumbnail_failed_at is not None
        or version.kind not in IMAGE_KINDS
    ):
        return False
    try:
        with version.file.open("rb") as handle:
            image = image_decode(handle)
    except (ValidationError, FileNotFoundError) as error:
        # Undecodable, too many pixels, or the file is gone: a second try
        # would fail the same way. (Any other error, such as a storage that
        # does not answer, is raised and the sweep tries again later.)
        DocumentVersion.objects.filter(pk=version.pk).update(thumbnail_failed_at=timezone.now())
        logger.warning("No thumbnail for document version %s: %s", version.pk, error)
        return False
    try:
        return _thumbnail_store(version, image)
    except _MadeMeanwhile:
        return False


def _thumbnail_store(version: DocumentVersion, image) -> bool:
    small = ImageOps.contain(image.convert("RGB"), (THUMBNAIL_SIZE_PX, THUMBNAIL_SIZE_PX))
    output = io.BytesIO()
    small.save(output, format="WEBP", quality=80)
    with stored_file_save(
        version.thumbnail, "thumbnail.webp", ContentFile(output.getvalue())
    ) as stored:
        # The sweep and the upload's task may both get here: the first to
        # write keeps its file, the other's is deleted again.
        if not DocumentVersion.objects.filter(pk=version.pk, thumbnail="").update(thumbnail=stored):
            raise _MadeMeanwhile
    return True


def missing_thumbnails(*, now: datetime | None = None) -> list[int]:
    """The image versions, older than 15 seconds and younger than a week, that
    have no thumbnail and did not fail for good, oldest first, one batch."""
    now = now or timezone.now()
    return list(
        DocumentVersion.objects.filter(
            thumbnail="",
            thumbnail_failed_at__isnull=True,
            kind__in=IMAGE_KINDS,
            created_at__lte=now - MISSING_AFTER,
            created_at__gte=now - MISSING_GIVE_UP_AFTER,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:MISSING_BATCH]
    )


def missing_thumbnails_make(*, now: datetime | None = None) -> int:
    """Make the thumbnails that their upload's task did not (never queued
    while the broker was down, or lost with a worker). Returns how many."""
    made = 0
    deadline = time.monotonic() + MISSING_SECONDS
    for version_id in missing_thumbnails(now=now):
        if time.monotonic() > deadline:
            break
        try:
            made += version_thumbnail_make(version_id=version_id)
        except SoftTimeLimitExceeded:
            # The task's time is up: stop here, the next run takes the rest
            # (caught below, it would go on until the hard limit kills it).
            raise
        except Exception:
            # One version's unexpected failure must not hold up the others;
            # it is tried again at the next run, for a week at most.
            logger.exception("Thumbnail of document version %s failed", version_id)
    return made
