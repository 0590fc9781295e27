"""A council's uploaded files: uploads and their versions, renames, moves,
downloads counted. Uploads are checked by their content (``common.uploads``)
before anything is stored; the quota is checked under the council's row lock.
A new file is told to the council's other members (notifications).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from common.files import stored_file_save
from common.tasks import task_enqueue_on_commit
from common.uploads import check_upload, clean_filename, name_for_kind
from councils import services as council_services
from councils.models import Council

from .. import permissions
from ..models import IMAGE_KINDS, Document, DocumentVersion, Folder
from ..selectors import storage_used
from ._shared import (
    ERROR_NAME_TAKEN,
    NEW_FILE,
    _check_folder,
    _check_name_free,
    _notify_members,
    _save_in_place,
)

if TYPE_CHECKING:
    from accounts.models import User

GIGABYTE = 1024**3

ERROR_QUOTA = _(
    "The council's space is full: %(used)s GB used out of %(quota)s GB. "
    "Empty the trash or delete old versions first."
)


@transaction.atomic
def document_upload(
    *,
    user: User,
    council: Council,
    folder: Folder | None,
    uploaded,
    as_new_version_of: Document | None = None,
) -> Document:
    """Check the file, then store it as a new document, or as the next version
    of ``as_new_version_of``. A refused file leaves no row and no stored file."""
    if not permissions.can_add_files(user, council):
        raise PermissionDenied
    _check_folder(folder, council)
    checked = check_upload(
        uploaded,
        max_bytes=settings.DOCUMENT_MAX_UPLOAD_BYTES,
        allow_archives=settings.DOCUMENT_ALLOW_ARCHIVES,
    )
    size = checked.content.size
    # One upload at a time per council, so two cannot both pass the quota.
    Council.objects.select_for_update().filter(pk=council.pk).first()
    used, quota = storage_used(council), settings.COUNCIL_STORAGE_QUOTA_BYTES
    if used + size > quota:
        raise ValidationError(
            ERROR_QUOTA,
            code="quota",
            params={
                "used": number_format(used / GIGABYTE, decimal_pos=2),
                "quota": number_format(quota / GIGABYTE, decimal_pos=0),
            },
        )
    now = timezone.now()
    if as_new_version_of is not None:
        document = Document.objects.select_for_update().get(pk=as_new_version_of.pk)
        if not permissions.can_change(user, document):
            raise PermissionDenied
        number = (
            document.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
    else:
        try:
            with transaction.atomic():
                document = Document.objects.create(
                    council=council,
                    folder=folder,
                    name=name_for_kind(clean_filename(uploaded.name), checked.kind),
                    created_by=user,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError as exc:
            raise ValidationError(ERROR_NAME_TAKEN, code="name_taken") from exc
        number = 1
    version = DocumentVersion(
        document=document,
        number=number,
        kind=checked.kind,
        content_type=checked.content_type,
        size=size,
        uploaded_by=user,
        created_at=now,
    )
    # Every row of the upload is written inside this block: if any of them
    # fails, the stored file is removed with the rolled back rows.
    with stored_file_save(version.file, f"v{number}.{checked.kind}", checked.content):
        version.save()
        Document.objects.filter(pk=document.pk).update(current_version=version, updated_at=now)
        document.current_version = version
        council_services.council_touch(council=council)
        if as_new_version_of is None:
            _notify_new_file(document, folder=folder, user=user)
    if checked.kind in IMAGE_KINDS:
        from ..tasks import version_thumbnail

        # Sooner than the sweep (missing_thumbnails_make), when the broker answers.
        task_enqueue_on_commit(version_thumbnail, version.pk)
    return document


def _notify_new_file(document: Document, *, folder: Folder | None, user: User) -> None:
    council = document.council
    with override(settings.LANGUAGE_CODE):
        title = gettext("%(name)s added the file “%(file)s”") % {
            "name": user.display_name,
            "file": document.name,
        }
        place = folder.name if folder is not None else gettext("The council's files")
        where = gettext("In “%(folder)s”") % {"folder": place}
    _notify_members(
        kind=NEW_FILE,
        council=council,
        user=user,
        target=document,
        title=title,
        excerpt=where,
        thread_key=f"folder:{folder.pk}" if folder is not None else f"folder:root:{council.pk}",
        thread_title=place,
    )


@transaction.atomic
def document_rename(*, user: User, document: Document, name: str) -> Document:
    if not permissions.can_change(user, document):
        raise PermissionDenied
    kind = document.current_version.kind if document.current_version else None
    typed = clean_filename(name, typed=True)
    document.name = name_for_kind(typed, kind) if kind else typed
    _check_name_free(document.council, document.folder, document.name, exclude=document)
    _save_in_place(document, "name")
    return document


@transaction.atomic
def document_move(*, user: User, document: Document, folder: Folder | None) -> Document:
    if not permissions.can_change(user, document):
        raise PermissionDenied
    _check_folder(folder, document.council)
    _check_name_free(document.council, folder, document.name, exclude=document)
    document.folder = folder
    _save_in_place(document, "folder")
    return document


def document_download_count(*, document: Document) -> None:
    Document.objects.filter(pk=document.pk).update(download_count=F("download_count") + 1)
