"""Every write to a council's files: folders, uploads and versions, renames,
moves, the trash. Uploads are checked by their content (``common.uploads``)
before anything is stored; the quota is checked under the council's row lock.
A new file or page is told to the council's other members (notifications).
"""

from __future__ import annotations

import html
import io
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _
from PIL import ImageOps

from accounts.names import public_name
from common.files import stored_file_delete_on_commit, stored_file_save
from common.images import image_decode
from common.markdown import render_markdown
from common.revisions import stale_edit_check
from common.uploads import check_upload, clean_filename, name_for_kind
from councils import permissions as council_permissions
from councils import services as council_services
from councils.models import Council
from councils.services.transparency import space_access_title
from notifications import services as notifications

from . import permissions
from .models import (
    Document,
    DocumentVersion,
    Folder,
    FolderGroupObjectPermission,
    Page,
    PageRevision,
    Resource,
    ResourceFolder,
)

if TYPE_CHECKING:
    from accounts.models import User

GIGABYTE = 1024**3

ERROR_NAME_TAKEN = _("A folder or a file already has this name here.")
ERROR_QUOTA = _(
    "The council's space is full: %(used)s GB used out of %(quota)s GB. "
    "Empty the trash or delete old versions first."
)
ERROR_FOLDER_ELSEWHERE = _("This folder belongs to another council.")
ERROR_MOVE_INTO_ITSELF = _("A folder cannot go inside itself.")


def storage_used(council: Council) -> int:
    """Bytes of every version of every file of the council, trash included."""
    total = DocumentVersion.objects.filter(document__council=council).aggregate(total=Sum("size"))[
        "total"
    ]
    return total or 0


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


@transaction.atomic
def folder_create(*, user: User, council: Council, parent: Folder | None, name: str) -> Folder:
    if not permissions.can_add_files(user, council):
        raise PermissionDenied
    _check_folder(parent, council)
    _check_name_free(council, parent, clean_filename(name, default="dossier"))
    try:
        with transaction.atomic():
            return Folder.objects.create(
                council=council,
                parent=parent,
                name=clean_filename(name, default="dossier"),
                created_by=user,
            )
    except IntegrityError as exc:
        raise ValidationError(ERROR_NAME_TAKEN, code="name_taken") from exc


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
    with stored_file_save(version.file, f"v{number}.{checked.kind}", checked.content):
        version.save()
        Document.objects.filter(pk=document.pk).update(current_version=version, updated_at=now)
    document.current_version = version
    council_services.council_touch(council=council)
    if as_new_version_of is None:
        _notify_new_file(document, folder=folder, user=user)
    if checked.kind in ("jpg", "png", "webp", "gif"):
        from .tasks import version_thumbnail

        version_thumbnail.delay_on_commit(version.pk)
    return document


# Telling the council's members. Only new files: a new version of a file
# they were told of already is not news enough for everyone's inbox.

NEW_FILE = "documents.new_file"
NEW_PAGE = "documents.new_page"


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


def _notify_new_page(page: Page, *, user: User) -> None:
    council = page.council
    text = " ".join(html.unescape(strip_tags(page.current.body_html)).split())
    with override(settings.LANGUAGE_CODE):
        title = gettext("%(name)s created the page “%(page)s”") % {
            "name": user.display_name,
            "page": page.title,
        }
        place = gettext("Pages written together")
    _notify_members(
        kind=NEW_PAGE,
        council=council,
        user=user,
        target=page,
        title=title,
        excerpt=Truncator(text).words(40),
        thread_key=f"pages:{council.pk}",
        thread_title=place,
    )


def existing_document(*, council: Council, folder: Folder | None, name: str) -> Document | None:
    """The live document that already has this name here (to offer a new version)."""
    return (
        Document.objects.live()
        .filter(council=council, folder=folder, name=clean_filename(name))
        .first()
    )


@transaction.atomic
def document_rename(*, user: User, document: Document, name: str) -> Document:
    if not permissions.can_change(user, document):
        raise PermissionDenied
    kind = document.current_version.kind if document.current_version else None
    document.name = name_for_kind(clean_filename(name), kind) if kind else clean_filename(name)
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


def _descendants(folder: Folder) -> list[int]:
    """The ids of ``folder`` and of every folder inside it."""
    ids, frontier = [folder.pk], [folder.pk]
    while frontier:
        frontier = list(Folder.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


@transaction.atomic
def trash(*, user: User, item: Document | Folder) -> None:
    """Put a document, or a folder with all it holds, in the trash; what goes
    together carries the same time, so that it comes back together."""
    if not permissions.can_change(user, item):
        raise PermissionDenied
    now = timezone.now()
    if isinstance(item, Folder):
        folder_ids = _descendants(item)
        Folder.objects.filter(pk__in=folder_ids, deleted_at__isnull=True).update(deleted_at=now)
        Document.objects.filter(folder_id__in=folder_ids, deleted_at__isnull=True).update(
            deleted_at=now
        )
    else:
        Document.objects.filter(pk=item.pk).update(deleted_at=now)


@transaction.atomic
def restore(*, user: User, item: Document | Folder) -> None:
    """Bring an item (and what was trashed with it) back; coordinators only.
    A name taken since is refused."""
    if not permissions.can_manage_trash(user, item.council):
        raise PermissionDenied
    when = item.deleted_at
    try:
        with transaction.atomic():
            if isinstance(item, Folder):
                folder_ids = _descendants(item)
                Folder.objects.filter(pk__in=folder_ids, deleted_at=when).update(deleted_at=None)
                Document.objects.filter(folder_id__in=folder_ids, deleted_at=when).update(
                    deleted_at=None
                )
            else:
                Document.objects.filter(pk=item.pk).update(deleted_at=None)
    except IntegrityError as exc:
        raise ValidationError(ERROR_NAME_TAKEN, code="name_taken") from exc


def trash_purge(*, now=None) -> int:
    """Delete for good what has been in the trash for DOCUMENT_TRASH_DAYS, files
    included (after commit). Returns the number of documents deleted."""
    limit = (now or timezone.now()) - timedelta(days=settings.DOCUMENT_TRASH_DAYS)
    count = 0
    with transaction.atomic():
        for document in Document.objects.filter(deleted_at__lt=limit).prefetch_related("versions"):
            names = [version.file.name for version in document.versions.all()]
            document.delete()
            stored_file_delete_on_commit(names)
            count += 1
        Folder.objects.filter(deleted_at__lt=limit).delete()
    return count


def download_count(*, document: Document) -> None:
    Document.objects.filter(pk=document.pk).update(download_count=F("download_count") + 1)


# Collaborative pages.

ERROR_EMPTY_PAGE = _("Write something before saving.")


def page_create(*, user: User, council: Council, title: str, body: str, summary: str = "") -> Page:
    """Write a new page. Its text is rendered before the transaction: no
    lock is held while markdown renders."""
    if not permissions.can_add_files(user, council):
        raise PermissionDenied
    html = _page_html(body)
    with transaction.atomic():
        page = Page.objects.create(council=council, title=title.strip(), created_by=user)
        _page_revision(page, user=user, body=body, html=html, summary=summary, number=1)
        _notify_new_page(page, user=user)
    return page


def page_save(
    *, user: User, page: Page, body: str, summary: str = "", based_on: int, title: str | None = None
) -> Page:
    """Save a new revision. ``based_on`` is the revision number the writer
    started from: if someone saved since, nothing is written (ValidationError).
    The text is rendered before the page's row is locked."""
    if not permissions.can_change(user, page):
        raise PermissionDenied
    html = _page_html(body)
    with transaction.atomic():
        page = Page.objects.select_for_update().get(pk=page.pk)
        if not permissions.can_change(user, page):
            raise PermissionDenied
        last = page.revisions.order_by("-number").select_related("author").first()
        latest = last.number if last else 0
        stale_edit_check(
            based_on=based_on,
            current=latest,
            saved_at=last.created_at if last else None,
            saved_by_name=public_name(last.author) if last else "",
        )
        if title:
            page.title = title.strip()
            page.save(update_fields=["title"])
        _page_revision(page, user=user, body=body, html=html, summary=summary, number=latest + 1)
    return page


def page_restore(*, user: User, page: Page, revision: PageRevision) -> Page:
    """Restoring an old revision makes a new one with its text (a save made
    in between refuses it, as for any save)."""
    latest = page.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    return page_save(
        user=user,
        page=page,
        body=revision.body,
        summary=str(_("Back to revision %(number)s") % {"number": revision.number}),
        based_on=latest,
    )


def _page_html(body: str) -> str:
    if not body.strip():
        raise ValidationError(ERROR_EMPTY_PAGE, code="empty")
    return render_markdown(body)


def _page_revision(
    page: Page, *, user: User, body: str, html: str, summary: str, number: int
) -> None:
    revision = PageRevision.objects.create(
        page=page,
        number=number,
        body=body,
        body_html=html,
        summary=summary.strip()[:200],
        author=user,
    )
    Page.objects.filter(pk=page.pk).update(current=revision, updated_at=revision.created_at)
    page.current = revision
    council_services.council_touch(council=page.council)


@transaction.atomic
def publish(*, user: User, item: Document | Page, public: bool) -> None:
    """A coordinator makes a file or a page public, or private again."""
    if not permissions.can_publish(user, item.council) or item.deleted_at is not None:
        raise PermissionDenied
    type(item).objects.filter(pk=item.pk).update(published_at=timezone.now() if public else None)


# The national resource library.


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


def resource_downloaded(*, resource: Resource) -> None:
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)


# Sharing a folder read-only with another council.

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


@transaction.atomic
def folder_unshare(*, user: User, folder: Folder, council: Council) -> None:
    from guardian.shortcuts import remove_perm

    if not permissions.can_share(user, folder):
        raise PermissionDenied
    remove_perm(permissions.READ_FOLDER, council.members_group, folder)


def shares_of(folder: Folder):
    """The councils a folder is shared with."""
    return Council.objects.filter(
        members_group__in=FolderGroupObjectPermission.objects.filter(content_object=folder).values(
            "group"
        )
    )


def shared_with(council: Council):
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


GUEST_OPENED = _("Opened through a shared folder: %(what)s")
GUEST_DOWNLOADED = _("Downloaded through a shared folder: %(what)s")
GUEST_THUMBNAIL_SEEN = _("Thumbnail seen through a shared folder: %(what)s")


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


def guest_visit(
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


# A guest's look at a thumbnail is written once an hour at most.
THUMBNAIL_SEEN_AGAIN = timedelta(hours=1)


# Thumbnails.

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


@transaction.atomic
def folder_rename(*, user: User, folder: Folder, name: str) -> Folder:
    if not permissions.can_change(user, folder):
        raise PermissionDenied
    folder.name = clean_filename(name, default="dossier")
    _check_name_free(folder.council, folder.parent, folder.name, exclude=folder)
    _save_in_place(folder, "name")
    return folder


@transaction.atomic
def folder_move(*, user: User, folder: Folder, parent: Folder | None) -> Folder:
    if not permissions.can_change(user, folder):
        raise PermissionDenied
    _check_folder(parent, folder.council)
    if parent is not None and parent.pk in _descendants(folder):
        raise ValidationError(ERROR_MOVE_INTO_ITSELF, code="into_itself")
    _check_name_free(folder.council, parent, folder.name, exclude=folder)
    folder.parent = parent
    _save_in_place(folder, "parent")
    return folder
