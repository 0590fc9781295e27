"""The images uploaded from the editor that no message kept."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from common.files import stored_file_delete_on_commit

from ..models import ForumImage, Post


def forum_images_cleanup(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete the images uploaded more than ``older_than`` ago that no message
    of their forum contains; returns how many went."""
    deleted = 0
    stale = ForumImage.objects.filter(created_at__lt=timezone.now() - older_than)
    for image in stale.iterator():
        if Post.objects.filter(
            topic__forum_id=image.forum_id, body__contains=str(image.pk)
        ).exists():
            continue
        name, storage = image.file.name, image.file.storage
        image.delete()
        stored_file_delete_on_commit([name], storage=storage)
        deleted += 1
    return deleted
