"""The national resource library: the national animation adds and deletes
resources; downloads are counted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F

from common.files import stored_file_delete_on_commit, stored_file_save
from common.uploads import check_upload, clean_filename, name_for_kind

from .. import permissions
from ..models import Resource, ResourceFolder

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def resource_add(
    *, user: User, folder: ResourceFolder, title: str, description: str, uploaded
) -> Resource:
    if not permissions.can_manage_resources(user):
        raise PermissionDenied
    checked = check_upload(uploaded, max_bytes=settings.DOCUMENT_MAX_UPLOAD_BYTES)
    resource = Resource(
        folder=folder,
        title=title.strip(),
        description=description.strip(),
        filename=name_for_kind(clean_filename(uploaded.name), checked.kind),
        kind=checked.kind,
        content_type=checked.content_type,
        size=checked.content.size,
        uploaded_by=user,
    )
    with stored_file_save(resource.file, f"resource.{checked.kind}", checked.content):
        resource.save()
    return resource


@transaction.atomic
def resource_delete(*, user: User, resource: Resource) -> None:
    if not permissions.can_manage_resources(user):
        raise PermissionDenied
    name = resource.file.name
    resource.delete()
    stored_file_delete_on_commit([name])


def resource_download_count(*, resource: Resource) -> None:
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)
