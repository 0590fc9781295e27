"""The council's files. Every page and download asks ``permissions`` through
``access_files`` (404 for non-members, login first for anonymous visitors)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.access import deny, login_or
from common.downloads import send_file
from councils.models import Council

from . import permissions, selectors, services
from .forms import FolderForm, MoveForm, RenameForm, ShareForm, UploadForm
from .models import Document, Folder


def access_files(request, slug: str) -> Council:
    council = get_object_or_404(Council, slug=slug)
    if not permissions.can_read_files(request.user, council):
        deny(request)
    return council


def access_shared(request, slug: str, folder: Folder | None) -> tuple[Council, bool]:
    """The council, and whether the user reads as a guest of a shared folder
    (read-only, each visit logged for the owner council)."""
    council = get_object_or_404(Council, slug=slug)
    if permissions.can_read_files(request.user, council):
        return council, False
    if permissions.reads_as_guest(request.user, council, folder):
        return council, True
    deny(request)


def _folder(council: Council, pk) -> Folder | None:
    if pk in (None, ""):
        return None
    pk = str(pk)
    if not (pk.isascii() and pk.isdigit()):
        raise Http404
    return get_object_or_404(Folder.objects.live(), pk=pk, council=council)


def _document(council: Council, pk) -> Document:
    return get_object_or_404(
        Document.objects.live().select_related("current_version", "folder"), pk=pk, council=council
    )


def _here(council: Council, folder: Folder | None) -> str:
    return folder.get_absolute_url() if folder else reverse("documents:root", args=[council.slug])


@login_or
def folder(request, slug: str, pk: int | None = None):
    if pk is None:
        council, guest = access_files(request, slug), False
        current = None
    else:
        current = get_object_or_404(
            Folder.objects.live().select_related("council", "parent"), pk=pk, council__slug=slug
        )
        council, guest = access_shared(request, slug, current)
    if guest:
        services.guest_visit_record(request=request, council=council, item=current)
    folders, documents = selectors.folder_contents(council, current)
    can_share = current is not None and permissions.can_share(request.user, current)
    context = {
        "council": council,
        "folder": current,
        "guest": guest,
        "breadcrumb": selectors.breadcrumb(
            current,
            from_ids=permissions.shared_folder_ids(request.user) if guest else None,
        ),
        "folders": folders,
        "documents": documents,
        "can_add": not guest and permissions.can_add_files(request.user, council),
        "can_manage_trash": not guest and permissions.can_manage_trash(request.user, council),
        "can_share": can_share,
        "shares": selectors.shares_of(current) if can_share else [],
        "share_form": ShareForm(exclude=council) if can_share else None,
        "shared_with_us": selectors.shared_with(council) if current is None else [],
        "upload_form": UploadForm(),
        "folder_form": FolderForm(),
        "used": selectors.storage_used(council),
        "quota": settings.COUNCIL_STORAGE_QUOTA_BYTES,
    }
    return render(request, "documents/folder.html", context)


@login_or
@require_POST
def upload(request, slug: str):
    council = access_files(request, slug)
    current = _folder(council, request.POST.get("folder"))
    if not permissions.can_add_files(request.user, council):
        deny(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("files", []):
            messages.error(request, error)
        return redirect(_here(council, current))
    for uploaded in form.cleaned_data["files"]:
        existing = selectors.existing_document(council=council, folder=current, name=uploaded.name)
        if existing is not None and not form.cleaned_data["as_new_versions"]:
            messages.warning(
                request,
                _(
                    "“%(name)s” is already here: nothing was added. To add it as a new "
                    "version, tick the box under the form and send it again."
                )
                % {"name": uploaded.name},
            )
            continue
        try:
            services.document_upload(
                user=request.user,
                council=council,
                folder=current,
                uploaded=uploaded,
                as_new_version_of=existing,
            )
        except ValidationError as error:
            messages.error(
                request,
                _("“%(name)s” was not added: %(reason)s")
                % {"name": uploaded.name, "reason": " ".join(error.messages)},
            )
        else:
            messages.success(
                request,
                (_("“%(name)s”: new version added.") if existing else _("“%(name)s” added."))
                % {"name": uploaded.name},
            )
    return redirect(_here(council, current))


@login_or
@require_POST
def folder_create(request, slug: str):
    council = access_files(request, slug)
    parent = _folder(council, request.POST.get("folder"))
    form = FolderForm(request.POST)
    if form.is_valid():
        try:
            created = services.folder_create(
                user=request.user, council=council, parent=parent, name=form.cleaned_data["name"]
            )
        except PermissionDenied:
            deny(request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect(created)
    else:
        messages.error(request, _("Give the folder a name."))
    return redirect(_here(council, parent))


def _shared_document(request, slug: str, pk: int) -> tuple[Council, Document, bool]:
    """The document, its council, and whether the user reads it as a guest
    (the caller logs that read once it knows what is sent)."""
    doc = get_object_or_404(
        Document.objects.live().select_related("council", "current_version", "folder"),
        pk=pk,
        council__slug=slug,
    )
    council, guest = access_shared(request, slug, doc.folder)
    return council, doc, guest


@login_or
def document(request, slug: str, pk: int):
    council, doc, guest = _shared_document(request, slug, pk)
    if guest:
        services.guest_visit_record(request=request, council=council, item=doc)
    context = {
        "council": council,
        "guest": guest,
        "document": doc,
        "versions": doc.versions.select_related("uploaded_by"),
        "breadcrumb": selectors.breadcrumb(
            doc.folder,
            from_ids=permissions.shared_folder_ids(request.user) if guest else None,
        ),
        "can_change": not guest and permissions.can_change(request.user, doc),
        "can_publish": not guest and permissions.can_publish(request.user, council),
        "rename_form": RenameForm(initial={"name": doc.name}),
    }
    return render(request, "documents/document.html", context)


@login_or
def download(request, slug: str, pk: int):
    """Send a version after the permission check, as an attachment."""
    council, doc, guest = _shared_document(request, slug, pk)
    number = request.GET.get("version", "")
    if number and not (number.isascii() and number.isdigit() and len(number) < 10):
        raise Http404
    versions = doc.versions.all()
    version = versions.filter(number=number).first() if number else doc.current_version
    if version is None:
        raise Http404
    if guest:
        services.guest_visit_record(
            request=request,
            council=council,
            item=doc,
            reading=services.GUEST_DOWNLOADED,
            version=version.number if number else None,
        )
    services.document_download_count(document=doc)
    return send_file(version.file, filename=doc.name, content_type=version.content_type)


@login_or
@require_POST
def rename(request, slug: str, pk: int):
    council = access_files(request, slug)
    doc = _document(council, pk)
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            services.document_rename(
                user=request.user, document=doc, name=form.cleaned_data["name"]
            )
        except PermissionDenied:
            deny(request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The file has been renamed."))
    return redirect(doc)


@login_or
@require_POST
def new_version(request, slug: str, pk: int):
    council = access_files(request, slug)
    doc = _document(council, pk)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        messages.error(request, _("Choose a file."))
        return redirect(doc)
    try:
        services.document_upload(
            user=request.user,
            council=council,
            folder=doc.folder,
            uploaded=uploaded,
            as_new_version_of=doc,
        )
    except PermissionDenied:
        deny(request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("New version added."))
    return redirect(doc)


@login_or
def delete(request, slug: str, kind: str, pk: int):
    council = access_files(request, slug)
    item = _document(council, pk) if kind == "fichier" else _folder(council, pk)
    if item is None or not permissions.can_change(request.user, item):
        deny(request)
    back = item.folder if isinstance(item, Document) else item.parent
    if request.method == "POST":
        services.item_trash(user=request.user, item=item)
        messages.success(request, _("Put in the trash: coordinators can restore it for 30 days."))
        return redirect(_here(council, back))
    context = {
        "title": _("Put “%(name)s” in the trash?") % {"name": item.name},
        "explanation": [
            _("It stays 30 days in the trash; the coordinators can restore it.")
            if isinstance(item, Document)
            else _(
                "The folder goes with everything it holds. It stays 30 days in the "
                "trash; the coordinators can restore it."
            ),
        ],
        "confirm_label": _("Put in the trash"),
        "cancel_url": item.get_absolute_url(),
        "danger": True,
    }
    return render(request, "confirm.html", context)


@login_or
def trash(request, slug: str):
    council = access_files(request, slug)
    if not permissions.can_manage_trash(request.user, council):
        deny(request)
    folders, documents = selectors.trash_of(council)
    context = {"council": council, "folders": folders, "documents": documents}
    return render(request, "documents/trash.html", context)


@login_or
@require_POST
def restore(request, slug: str, kind: str, pk: int):
    council = access_files(request, slug)
    model = Document if kind == "fichier" else Folder
    item = get_object_or_404(model.objects.in_trash(), pk=pk, council=council)
    try:
        services.item_restore(user=request.user, item=item)
    except PermissionDenied:
        deny(request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(name)s” is back.") % {"name": item.name})
    return redirect("documents:trash", slug=council.slug)


@login_or
@require_POST
def share(request, slug: str, pk: int):
    council = access_files(request, slug)
    current = _folder(council, pk)
    form = ShareForm(request.POST, exclude=council)
    if not permissions.can_share(request.user, current):
        deny(request)
    if form.is_valid():
        target = form.cleaned_data["council"]
        if request.POST.get("retirer"):
            services.folder_unshare(user=request.user, folder=current, council=target)
            messages.success(
                request,
                _("The folder is no longer shared with: %(council)s.") % {"council": target.name},
            )
        else:
            try:
                services.folder_share(user=request.user, folder=current, council=target)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("The folder is now shared, read only, with: %(council)s.")
                    % {"council": target.name},
                )
    return redirect(current)


@login_or
def thumbnail(request, slug: str, pk: int):
    """A document's thumbnail, for whoever may read the document; a guest's
    look is logged like a download: the picture shows the file's content."""
    council, doc, guest = _shared_document(request, slug, pk)
    version = doc.current_version
    if version is None or not version.thumbnail:
        raise Http404
    if guest:
        services.guest_visit_record(
            request=request, council=council, item=doc, reading=services.GUEST_THUMBNAIL_SEEN
        )
    return send_file(
        version.thumbnail, filename="miniature.webp", content_type="image/webp", inline=True
    )


@login_or
def move_or_rename(request, slug: str, kind: str, pk: int):
    """Rename or move a file or a folder (any member of an active council)."""
    council = access_files(request, slug)
    item = _document(council, pk) if kind == "fichier" else _folder(council, pk)
    if item is None or not permissions.can_change(request.user, item):
        deny(request)
    destinations = Folder.objects.live().filter(council=council).select_related("parent")
    if isinstance(item, Folder):
        destinations = destinations.exclude(pk__in=selectors.folder_descendant_ids(item))
    rename_form = RenameForm(
        request.POST if request.POST.get("action") == "renommer" else None,
        initial={"name": item.name},
    )
    move_form = MoveForm(
        request.POST if request.POST.get("action") == "deplacer" else None, folders=destinations
    )
    try:
        if rename_form.is_bound and rename_form.is_valid():
            rename = services.document_rename if kind == "fichier" else services.folder_rename
            target = {"document": item} if kind == "fichier" else {"folder": item}
            rename(user=request.user, name=rename_form.cleaned_data["name"], **target)
            messages.success(request, _("Renamed."))
            return redirect(item)
        if move_form.is_bound and move_form.is_valid():
            destination = move_form.cleaned_data["destination"]
            if kind == "fichier":
                services.document_move(user=request.user, document=item, folder=destination)
            else:
                services.folder_move(user=request.user, folder=item, parent=destination)
            messages.success(request, _("Moved."))
            return redirect(item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    context = {"council": council, "item": item, "rename_form": rename_form, "move_form": move_form}
    return render(request, "documents/move.html", context)
