"""An upload whose last write fails (the connection dies, the worker is
stopped) leaves no row and no stored file: the file goes with the rows."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from councils import services as council_services
from documents import services
from documents.models import Document, DocumentVersion
from notifications.models import Notification
from tests.conftest import stored_files
from tests.councils.factories import council_create, member_of

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def _pdf(extra=b""):
    return SimpleUploadedFile("compte-rendu.pdf", PDF + extra, "application/pdf")


def _fail(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def test_a_new_file_whose_last_write_fails_leaves_no_row_and_no_file(monkeypatch, media_root):
    council = council_create()
    member = member_of(council)
    member_of(council)  # someone to notify
    notifications = Notification.objects.count()
    monkeypatch.setattr(services.files, "_notify_new_file", _fail)

    with pytest.raises(OperationalError):
        services.document_upload(user=member, council=council, folder=None, uploaded=_pdf())

    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert Notification.objects.count() == notifications
    assert stored_files(media_root) == []


def test_a_new_version_whose_last_write_fails_leaves_the_document_as_it_was(
    monkeypatch, media_root
):
    council = council_create()
    member = member_of(council)
    document = services.document_upload(user=member, council=council, folder=None, uploaded=_pdf())
    files_before = stored_files(media_root)
    monkeypatch.setattr(council_services, "council_touch", _fail)

    with pytest.raises(OperationalError):
        services.document_upload(
            user=member,
            council=council,
            folder=None,
            uploaded=_pdf(b"% v2"),
            as_new_version_of=document,
        )

    document.refresh_from_db()
    assert list(document.versions.values_list("number", flat=True)) == [1]
    assert document.current_version.number == 1
    assert stored_files(media_root) == files_before
