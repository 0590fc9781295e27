"""The trash of a council's files: what goes in together comes back
together; what stays DOCUMENT_TRASH_DAYS is deleted for good, files included."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.files import stored_file_delete_on_commit
from councils import services as council_services
from councils.models import MembershipEvent

from .. import permissions
from ..models import Document, Folder
from ..selectors import folder_descendant_ids
from ._shared import ERROR_NAME_TAKEN

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def item_trash(*, user: User, item: Document | Folder) -> None:
    """Put a document, or a folder with all it holds, in the trash; what goes
    together carries the same time, so that it comes back together."""
    if not permissions.can_change(user, item):
        raise PermissionDenied
    now = timezone.now()
    if isinstance(item, Folder):
        folder_ids = folder_descendant_ids(item)
        Folder.objects.filter(pk__in=folder_ids, deleted_at__isnull=True).update(deleted_at=now)
        Document.objects.filter(folder_id__in=folder_ids, deleted_at__isnull=True).update(
            deleted_at=now
        )
    else:
        Document.objects.filter(pk=item.pk).update(deleted_at=now)
    _log(item, trashed=True, actor=user)


@transaction.atomic
def item_restore(*, user: User, item: Document | Folder) -> None:
    """Bring an item (and what was trashed with it) back; coordinators only.
    A name taken since is refused."""
    if not permissions.can_manage_trash(user, item.council):
        raise PermissionDenied
    when = item.deleted_at
    try:
        with transaction.atomic():
            if isinstance(item, Folder):
                folder_ids = folder_descendant_ids(item)
                Folder.objects.filter(pk__in=folder_ids, deleted_at=when).update(deleted_at=None)
                Document.objects.filter(folder_id__in=folder_ids, deleted_at=when).update(
                    deleted_at=None
                )
            else:
                Document.objects.filter(pk=item.pk).update(deleted_at=None)
    except IntegrityError as exc:
        raise ValidationError(ERROR_NAME_TAKEN, code="name_taken") from exc
    _log(item, trashed=False, actor=user)


def trash_purge(*, now=None) -> int:
    """Delete for good what has been in the trash for DOCUMENT_TRASH_DAYS, files
    included (after commit). Returns the number of documents deleted."""
    limit = (now or timezone.now()) - timedelta(days=settings.DOCUMENT_TRASH_DAYS)
    count = 0
    Action = MembershipEvent.Action
    with transaction.atomic():
        # One line a thing thrown away, as when it went in: a folder's line
        # stands for everything that goes with it.
        folders = Folder.objects.filter(deleted_at__lt=limit).select_related("council")
        purged_folders = set(folders.values_list("pk", flat=True))
        for folder in folders.exclude(parent__deleted_at__lt=limit):
            council_services.council_log_record(
                council=folder.council, action=Action.FOLDER_DELETED, title=folder.name, system=True
            )
        documents = Document.objects.filter(deleted_at__lt=limit).select_related("council")
        for document in documents.prefetch_related("versions"):
            if document.folder_id not in purged_folders:
                council_services.council_log_record(
                    council=document.council,
                    action=Action.FILE_DELETED,
                    title=document.name,
                    system=True,
                )
            names = [version.file.name for version in document.versions.all()]
            document.delete()
            stored_file_delete_on_commit(names)
            count += 1
        folders.delete()
    return count


def _log(item: Document | Folder, *, trashed: bool, actor: User) -> None:
    Action = MembershipEvent.Action
    if isinstance(item, Folder):
        action = Action.FOLDER_TRASHED if trashed else Action.FOLDER_RESTORED
    else:
        action = Action.FILE_TRASHED if trashed else Action.FILE_RESTORED
    council_services.council_log_record(
        council=item.council, action=action, title=item.name, actor=actor
    )
