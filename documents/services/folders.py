"""Folders of a council's files: create, rename, move."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from common.uploads import clean_filename
from councils.models import Council

from .. import permissions
from ..models import Folder
from ..selectors import folder_descendant_ids
from ._shared import ERROR_NAME_TAKEN, _check_folder, _check_name_free, _save_in_place

if TYPE_CHECKING:
    from accounts.models import User

ERROR_MOVE_INTO_ITSELF = _("A folder cannot go inside itself.")


@transaction.atomic
def folder_create(*, user: User, council: Council, parent: Folder | None, name: str) -> Folder:
    if not permissions.can_add_files(user, council):
        raise PermissionDenied
    _check_folder(parent, council)
    _check_name_free(council, parent, clean_filename(name, default="dossier", typed=True))
    try:
        with transaction.atomic():
            return Folder.objects.create(
                council=council,
                parent=parent,
                name=clean_filename(name, default="dossier", typed=True),
                created_by=user,
            )
    except IntegrityError as exc:
        raise ValidationError(ERROR_NAME_TAKEN, code="name_taken") from exc


@transaction.atomic
def folder_rename(*, user: User, folder: Folder, name: str) -> Folder:
    if not permissions.can_change(user, folder):
        raise PermissionDenied
    folder.name = clean_filename(name, default="dossier", typed=True)
    _check_name_free(folder.council, folder.parent, folder.name, exclude=folder)
    _save_in_place(folder, "name")
    return folder


@transaction.atomic
def folder_move(*, user: User, folder: Folder, parent: Folder | None) -> Folder:
    if not permissions.can_change(user, folder):
        raise PermissionDenied
    _check_folder(parent, folder.council)
    if parent is not None and parent.pk in folder_descendant_ids(folder):
        raise ValidationError(ERROR_MOVE_INTO_ITSELF, code="into_itself")
    _check_name_free(folder.council, parent, folder.name, exclude=folder)
    folder.parent = parent
    _save_in_place(folder, "parent")
    return folder
