"""Thumbnails of the image versions of a council's files."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from PIL import ImageOps

from common.files import stored_file_save
from common.images import image_decode

from ..models import DocumentVersion

THUMBNAIL_SIZE_PX = 320


def version_thumbnail_make(*, version_id: int) -> bool:
    """Reduce an image version to a WebP thumbnail (the stored image is already
    checked and free of metadata). False when there is nothing to do."""
    version = DocumentVersion.objects.filter(pk=version_id).first()
    if version is None or version.thumbnail or version.kind not in ("jpg", "png", "webp", "gif"):
        return False
    with version.file.open("rb") as handle:
        image = image_decode(handle)
    small = ImageOps.contain(image.convert("RGB"), (THUMBNAIL_SIZE_PX, THUMBNAIL_SIZE_PX))
    output = io.BytesIO()
    small.save(output, format="WEBP", quality=80)
    with stored_file_save(
        version.thumbnail, "thumbnail.webp", ContentFile(output.getvalue())
    ) as stored:
        DocumentVersion.objects.filter(pk=version.pk).update(thumbnail=stored)
    return True
