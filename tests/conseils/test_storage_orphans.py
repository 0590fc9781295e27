"""The daily sweep of stored files that no row names: an orphan older than a
day goes, a fresh one stays (its row may be on its way), and every file a
row names stays, whatever the model."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from conseils.storage_orphans import storage_orphans_purge, storage_orphans_sweep
from documents import services as document_services
from forums.models import ForumImage
from tests.conftest import stored_files
from tests.councils.factories import coordinator_of, council_create
from tests.forums.factories import national_forum
from tests.news.factories import article_create

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
TWO_DAYS_AGO = time.time() - 2 * 24 * 3600


def _age_everything(root):
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (TWO_DAYS_AGO, TWO_DAYS_AGO))


def _webp():
    return ContentFile(b"RIFF\x00\x00\x00\x00WEBPVP8 ", name="image.webp")


@pytest.fixture
def site_files(media_root):
    """One file of each kind a row names, all two days old."""
    council = council_create()
    council.logo.save("logo.webp", _webp())
    coordinator = coordinator_of(council)
    coordinator.avatar.save("avatar.webp", _webp())
    article_create(author=coordinator, council=council, cover=_webp())
    ForumImage(forum=national_forum(), uploaded_by=coordinator).file.save("image.webp", _webp())
    kept = document_services.document_upload(
        user=coordinator,
        council=council,
        folder=None,
        uploaded=SimpleUploadedFile("bilan.pdf", PDF, "application/pdf"),
    )
    trashed = document_services.document_upload(
        user=coordinator,
        council=council,
        folder=None,
        uploaded=SimpleUploadedFile("ancien.pdf", PDF + b"%", "application/pdf"),
    )
    # A document in the trash keeps its file until the trash is emptied.
    document_services.item_trash(user=coordinator, item=trashed)
    assert kept.current_version.file.name
    _age_everything(media_root)
    named = stored_files(media_root)
    assert len(named) == 6
    return named


def _orphan(media_root, name, *, old):
    default_storage.save(name, ContentFile(b"x" * 10))
    if old:
        os.utime(media_root / name, (TWO_DAYS_AGO, TWO_DAYS_AGO))


def test_an_old_orphan_goes_a_fresh_one_and_every_named_file_stay(site_files, media_root):
    _orphan(media_root, "private/documents/1/killed-mid-upload.pdf", old=True)
    _orphan(media_root, "avatars/killed.webp", old=True)
    _orphan(media_root, "private/documents/1/being-uploaded.pdf", old=False)

    result = storage_orphans_purge()

    assert sorted(result.names) == [
        "avatars/killed.webp",
        "private/documents/1/killed-mid-upload.pdf",
    ]
    assert result.bytes == 20
    assert stored_files(media_root) == sorted(
        [*site_files, "private/documents/1/being-uploaded.pdf"]
    )


def test_a_dry_run_lists_and_deletes_nothing(site_files, media_root, capsys):
    _orphan(media_root, "news/covers/killed.webp", old=True)

    call_command("storage_orphans_purge", "--dry-run")

    output = capsys.readouterr().out
    assert "news/covers/killed.webp" in output
    assert "1 orphan files would be deleted (10 bytes)." in output
    assert "news/covers/killed.webp" in stored_files(media_root)


def test_the_command_and_the_task_delete(site_files, media_root, capsys):
    _orphan(media_root, "news/covers/killed.webp", old=True)
    call_command("storage_orphans_purge")
    assert "1 orphan files deleted (10 bytes)." in capsys.readouterr().out
    assert stored_files(media_root) == site_files

    _orphan(media_root, "councils/logos/killed.webp", old=True)
    assert storage_orphans_sweep.delay().get() == 1
    assert stored_files(media_root) == site_files


def test_a_database_that_names_no_file_deletes_nothing(media_root):
    """Pointed at an empty database (a restore in progress), the sweep would
    take every file for an orphan: it refuses."""
    _orphan(media_root, "private/documents/1/report.pdf", old=True)
    with pytest.raises(CommandError, match="nothing deleted"):
        call_command("storage_orphans_purge")
    assert stored_files(media_root) == ["private/documents/1/report.pdf"]


def test_an_empty_storage_is_nothing_to_do(media_root):
    assert storage_orphans_purge(keep_for=timedelta(0)).names == []


def test_the_command_takes_a_shorter_age_for_a_quiet_moment(site_files, media_root):
    """A bench or a maintenance window with no upload in flight may sweep
    files of any age; the day stays the default."""
    _orphan(media_root, "private/documents/1/orphelin-frais.pdf", old=False)
    call_command("storage_orphans_purge")
    assert default_storage.exists("private/documents/1/orphelin-frais.pdf")
    call_command("storage_orphans_purge", "--older-than-minutes", "0")
    assert not default_storage.exists("private/documents/1/orphelin-frais.pdf")
    assert stored_files(media_root) == site_files
    with pytest.raises(CommandError, match="negative"):
        call_command("storage_orphans_purge", "--older-than-minutes", "-1")
