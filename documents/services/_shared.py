"""What the documents services share: the name checks of a place, the error
messages they raise, the kinds of notification and how members are told."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from councils import permissions as council_permissions
from councils.models import Council
from notifications import services as notifications

from ..models import Document, Folder

if TYPE_CHECKING:
    from accounts.models import User

ERROR_NAME_TAKEN = _("A folder or a file already has this name here.")
ERROR_FOLDER_ELSEWHERE = _("This folder belongs to another council.")

# Kinds of notification (registered in ``DocumentsConfig.ready``).
NEW_FILE = "documents.new_file"
NEW_PAGE = "documents.new_page"


def _check_folder(folder: Folder | None, council: Council) -> None:
    if folder is not None and (folder.council_id != council.pk or folder.deleted_at):
        raise ValidationError(ERROR_FOLDER_ELSEWHERE, code="folder")


def _save_in_place(item: Document | Folder, field: str) -> None:
    """Save one field of a renamed, moved or restored item; a name taken
    meanwhile (the database constraint) says so like the check above."""
    try:
        with transaction.atomic():
            item.save(update_fields=[field])
    except IntegrityError as exc:
        raise ValidationError(ERROR_NAME_TAKEN, code="name_taken") from exc


def _check_name_free(council, folder, name: str, *, exclude=None) -> None:
    """One live folder or file of a name in a place. The database constraint
    cannot see it at the top level (NULL parents are all distinct in SQL)."""
    folders = Folder.objects.live().filter(council=council, parent=folder, name=name)
    documents = Document.objects.live().filter(council=council, folder=folder, name=name)
    if isinstance(exclude, Folder):
        folders = folders.exclude(pk=exclude.pk)
    elif exclude is not None:
        documents = documents.exclude(pk=exclude.pk)
    if folders.exists() or documents.exists():
        raise ValidationError(ERROR_NAME_TAKEN, code="name_taken")


# Telling the council's members. Only new files and pages: a new version of a
# file they were told of already is not news enough for everyone's inbox.


def _notify_members(*, kind: str, council: Council, user: User, target, title: str, **extra):
    """Everyone who reads the council's space now (one query; ``notify``
    leaves out the author and writes the rows in one go)."""
    notifications.notify(
        recipients=council_permissions.space_readers(council),
        kind=kind,
        target_id=target.pk,
        url=target.get_absolute_url(),
        title=title,
        actor=user,
        group_key=f"council:{council.pk}",
        group_title=council.name,
        **extra,
    )
