"""Reads for the files pages."""

from __future__ import annotations

from django.db.models import QuerySet, Sum

from common.revisions import line_diff
from common.uploads import clean_filename
from councils.models import Council

from . import permissions
from .models import (
    Document,
    DocumentVersion,
    Folder,
    FolderGroupObjectPermission,
    Page,
    PageRevision,
)


def folder_contents(council, folder: Folder | None) -> tuple[QuerySet[Folder], QuerySet[Document]]:
    folders = (
        Folder.objects.live()
        .filter(council=council, parent=folder)
        .select_related("council", "created_by")
        .order_by("name", "pk")
    )
    documents = (
        Document.objects.live()
        .filter(council=council, folder=folder)
        .select_related("council", "current_version", "created_by")
        .order_by("name", "pk")
    )
    return folders, documents


def folder_descendant_ids(folder: Folder) -> list[int]:
    """The ids of ``folder`` and of every folder inside it."""
    ids, frontier = [folder.pk], [folder.pk]
    while frontier:
        frontier = list(Folder.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def existing_document(*, council: Council, folder: Folder | None, name: str) -> Document | None:
    """The live document that already has this name here (to offer a new version)."""
    return (
        Document.objects.live()
        .filter(council=council, folder=folder, name=clean_filename(name))
        .first()
    )


def storage_used(council: Council) -> int:
    """Bytes of every version of every file of the council, trash included."""
    total = DocumentVersion.objects.filter(document__council=council).aggregate(total=Sum("size"))[
        "total"
    ]
    return total or 0


def breadcrumb(folder: Folder | None, *, from_ids: frozenset[int] | None = None) -> list[Folder]:
    """The folders from the top down to ``folder``. For a guest, ``from_ids``
    (the folders shared with them) cuts it at the shared folder: the owner's
    folders above stay unknown."""
    trail = []
    while folder is not None:
        trail.insert(0, folder)
        if from_ids is not None and folder.pk in from_ids:
            break
        folder = folder.parent
    return trail


def trash_of(council) -> tuple[QuerySet[Folder], QuerySet[Document]]:
    """What can be restored: trashed folders whose parent is not trashed with
    them, and trashed documents outside a trashed folder."""
    folders = (
        Folder.objects.in_trash().filter(council=council).exclude(parent__deleted_at__isnull=False)
    )
    documents = (
        Document.objects.in_trash()
        .filter(council=council)
        .exclude(folder__deleted_at__isnull=False)
        .select_related("current_version")
    )
    return folders.order_by("-deleted_at"), documents.order_by("-deleted_at")


def publications(*, council=None, limit: int | None = None):
    """Published files and pages of active councils, newest first."""
    documents = Document.objects.live().filter(permissions.published_q())
    pages = Page.objects.live().filter(permissions.published_q())
    if council is not None:
        documents, pages = documents.filter(council=council), pages.filter(council=council)
    documents = documents.select_related("council", "current_version", "folder")
    pages = pages.select_related("council")
    if limit:
        # The newest ``limit`` of each kind, sorted in SQL, then merged: not
        # every published file and page of the country read to keep 200
        # (0.93 s at 5,000 files, bench/scale.py).
        documents = documents.order_by("-published_at", "-pk")[:limit]
        pages = pages.order_by("-published_at", "-pk")[:limit]
    items = sorted([*documents, *pages], key=lambda item: item.published_at, reverse=True)
    return items[:limit] if limit else items


def revision_diff(old: PageRevision, new: PageRevision) -> list[tuple[str, str]]:
    """What changed from ``old`` to ``new``, line by line (``common.revisions``)."""
    return line_diff(old.body, new.body)


# Folders shared read-only with another council.


def shares_of(folder: Folder) -> QuerySet[Council]:
    """The councils a folder is shared with."""
    return Council.objects.filter(
        members_group__in=FolderGroupObjectPermission.objects.filter(content_object=folder).values(
            "group"
        )
    )


def shared_with(council: Council) -> QuerySet[Folder]:
    """Folders other councils shared with ``council``."""
    return (
        Folder.objects.live()
        .filter(
            pk__in=FolderGroupObjectPermission.objects.filter(group=council.members_group).values(
                "content_object_id"
            ),
            council__status=Council.Status.ACTIVE,
        )
        .select_related("council")
    )


# Extensions and words of file names that usually mean a list of people.
PERSONAL_DATA_EXTENSIONS = (".csv", ".xls", ".xlsx", ".ods", ".vcf")
PERSONAL_DATA_WORDS = ("contact", "adresse", "address", "liste", "membres", "annuaire")


def may_hold_personal_data(document: Document) -> bool:
    """Whether a file's name or type suggests a list of people (contacts,
    addresses, members): publishing it asks with a warning."""
    name = document.name.lower()
    content_type = document.current_version.content_type if document.current_version else ""
    return (
        name.endswith(PERSONAL_DATA_EXTENSIONS)
        or any(word in name for word in PERSONAL_DATA_WORDS)
        or content_type in ("text/csv", "text/vcard")
        or "spreadsheet" in content_type
        or "ms-excel" in content_type
    )
