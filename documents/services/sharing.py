"""Sharing a folder read-only with another council, and writing each of the
guests' reads in the owner council's transparency log."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from councils import services as council_services
from councils.models import Council, MembershipEvent
from councils.services.transparency import space_access_title

from .. import permissions
from ..models import Document, Folder, FolderGroupObjectPermission

if TYPE_CHECKING:
    from accounts.models import User

ERROR_SHARE_SELF = _("Choose another council: this folder is already yours.")


@transaction.atomic
def folder_share(*, user: User, folder: Folder, council: Council) -> None:
    """Give ``council``'s members read access to ``folder`` (and what it holds)."""
    from guardian.shortcuts import assign_perm

    if not permissions.can_share(user, folder):
        raise PermissionDenied
    if council.pk == folder.council_id or not council.is_active:
        raise ValidationError(ERROR_SHARE_SELF, code="self")
    assign_perm(permissions.READ_FOLDER, council.members_group, folder)
    FolderGroupObjectPermission.objects.filter(
        content_object=folder, group=council.members_group
    ).update(shared_by=user)
    council_services.council_log_record(
        council=folder.council,
        action=MembershipEvent.Action.FOLDER_SHARED,
        title=folder.name,
        actor=user,
        other_council=council,
    )


@transaction.atomic
def folder_unshare(*, user: User, folder: Folder, council: Council) -> None:
    """Withdraw ``council``'s read access to ``folder``; a folder that was not
    shared with it writes no log line."""
    from guardian.shortcuts import remove_perm

    if not permissions.can_share(user, folder):
        raise PermissionDenied
    shared = FolderGroupObjectPermission.objects.filter(
        content_object=folder, group=council.members_group
    ).exists()
    remove_perm(permissions.READ_FOLDER, council.members_group, folder)
    if shared:
        council_services.council_log_record(
            council=folder.council,
            action=MembershipEvent.Action.FOLDER_UNSHARED,
            title=folder.name,
            actor=user,
            other_council=council,
        )


GUEST_OPENED = _("Opened through a shared folder: %(what)s")
GUEST_DOWNLOADED = _("Downloaded through a shared folder: %(what)s")
GUEST_THUMBNAIL_SEEN = _("Thumbnail seen through a shared folder: %(what)s")

# A guest's look at a thumbnail is written once an hour at most.
THUMBNAIL_SEEN_AGAIN = timedelta(hours=1)


def guest_read_label(item: Folder | Document, *, version: int | None = None) -> str:
    """What a guest read, named for the owner's coordinators: "le fichier
    « compte-rendu.pdf » du dossier « Réunions »" (names cut to fit)."""
    if isinstance(item, Folder):
        return str(_("the folder “%(folder)s”")) % {"folder": space_access_title(item.name)}
    names = {"file": space_access_title(item.name), "number": version}
    if item.folder is None:
        label = (
            _("version %(number)s of the file “%(file)s”") if version else _("the file “%(file)s”")
        )
    else:
        names["folder"] = space_access_title(item.folder.name)
        label = (
            _("version %(number)s of the file “%(file)s” in the folder “%(folder)s”")
            if version
            else _("the file “%(file)s” in the folder “%(folder)s”")
        )
    return str(label) % names


def guest_visit_record(
    *,
    request,
    council: Council,
    item: Folder | Document,
    reading=GUEST_OPENED,
    version: int | None = None,
) -> None:
    """Write a shared folder's reader's visit in the owner's transparency log:
    each page, download (``version`` when one was asked for) and thumbnail
    (``reading`` says which), naming the folder or file. A thumbnail seen
    again within the hour (the folder page reloaded) writes no new line."""
    council_services.space_access_record(
        council=council,
        user=request.user,
        reason=str(reading) % {"what": guest_read_label(item, version=version)},
        path=request.path,
        unless_within=THUMBNAIL_SEEN_AGAIN if reading == GUEST_THUMBNAIL_SEEN else None,
    )
