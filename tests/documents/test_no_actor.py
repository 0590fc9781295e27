"""No documents service acts for nobody: each one that takes ``user=`` checks
that user's rights, so ``user=None`` is refused before anything is written.
(Only the purge and the thumbnails run as the site, and they take no user.)"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services
from documents.models import Document, Folder, FolderGroupObjectPermission, Page, Resource
from tests.councils.factories import coordinator_of, council_create

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


def _pdf(name="compte-rendu.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def _state():
    return (
        list(Folder.objects.values_list("pk", "name", "parent_id", "deleted_at")),
        list(Document.objects.values_list("pk", "name", "folder_id", "deleted_at", "published_at")),
        list(Page.objects.values_list("pk", "title", "current_id", "published_at")),
        list(Resource.objects.values_list("pk")),
        list(FolderGroupObjectPermission.objects.values_list("pk")),
    )


CALLS = {
    "folder_create": lambda w: services.folder_create(
        user=None, council=w.council, parent=None, name="Nouveau"
    ),
    "folder_rename": lambda w: services.folder_rename(user=None, folder=w.folder, name="Autre"),
    "folder_move": lambda w: services.folder_move(user=None, folder=w.folder, parent=w.other),
    "document_upload": lambda w: services.document_upload(
        user=None, council=w.council, folder=None, uploaded=_pdf("neuf.pdf")
    ),
    "document_rename": lambda w: services.document_rename(
        user=None, document=w.document, name="autre.pdf"
    ),
    "document_move": lambda w: services.document_move(
        user=None, document=w.document, folder=w.folder
    ),
    "item_trash": lambda w: services.item_trash(user=None, item=w.document),
    "item_restore": lambda w: services.item_restore(user=None, item=w.trashed),
    "item_publish": lambda w: services.item_publish(user=None, item=w.document, public=True),
    "page_create": lambda w: services.page_create(
        user=None, council=w.council, title="Idées", body="Texte"
    ),
    "page_save": lambda w: services.page_save(user=None, page=w.page, body="B", based_on=1),
    "folder_share": lambda w: services.folder_share(
        user=None, folder=w.folder, council=w.guest_council
    ),
    "folder_unshare": lambda w: services.folder_unshare(
        user=None, folder=w.folder, council=w.guest_council
    ),
    "resource_add": lambda w: services.resource_add(
        user=None, folder=None, title="Guide", description="", uploaded=_pdf()
    ),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_service_called_without_a_user_writes_nothing(name, media_root):
    class World:
        pass

    w = World()
    w.council, w.guest_council = council_create(), council_create()
    coordinator = coordinator_of(w.council)
    w.folder = services.folder_create(
        user=coordinator, council=w.council, parent=None, name="Dossier"
    )
    w.other = services.folder_create(user=coordinator, council=w.council, parent=None, name="Autre")
    w.document = services.document_upload(
        user=coordinator, council=w.council, folder=None, uploaded=_pdf()
    )
    w.trashed = services.document_upload(
        user=coordinator, council=w.council, folder=None, uploaded=_pdf("ancien.pdf")
    )
    services.item_trash(user=coordinator, item=w.trashed)
    w.trashed.refresh_from_db()
    w.page = services.page_create(user=coordinator, council=w.council, title="Page", body="A")
    services.folder_share(user=coordinator, folder=w.folder, council=w.guest_council)
    before = _state()

    with pytest.raises(Exception):  # noqa: B017 - any refusal, as long as it is one
        CALLS[name](w)

    assert _state() == before
