"""A backup of the demo site restores into an empty database and storage:
same rows, private files with the same bytes, members who still log in."""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from conseils import backups, demo
from documents.models import Document

from ..conftest import stored_files


def _rewrite(source, target, change):
    """A copy of the archive at ``source`` whose members pass through
    ``change(name, data) -> data``."""
    with tarfile.open(source) as original, tarfile.open(target, "w") as copy:
        for member in original:
            data = change(member.name, original.extractfile(member).read())
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


def _download(client, email, url):
    response = client.post("/compte/login/", {"login": email, "password": demo.PASSWORD})
    assert response.status_code == 302, email
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_the_demo_restores_into_an_empty_site(client, media_root, tmp_path):
    call_command("seed_demo", verbosity=0)
    rows = backups.database_row_counts()
    files = stored_files(media_root)
    # A file of the private space of alma-roubaix, never published.
    private = Document.objects.get(council__slug="alma-roubaix", name="contacts.csv")
    assert private.published_at is None
    url = reverse("documents:download", kwargs={"slug": "alma-roubaix", "pk": private.pk})
    member = "membre-a@demo.conseils.test"
    original = private.current_version.file.open("rb").read()
    assert _download(client, member, url) == original
    client.logout()

    call_command("backup", dir=tmp_path / "backups", stdout=io.StringIO())
    (archive,) = (tmp_path / "backups").iterdir()
    assert backups.ARCHIVE_NAME.match(archive.name)
    rows = backups.database_row_counts()  # as at the backup (the login above is gone)

    # The site holds accounts: nothing is replaced without --force.
    with pytest.raises(CommandError, match=r"already holds \d+ account"):
        call_command("restore", archive)

    # A damaged file is found before anything is written (with --force too).
    damaged = _rewrite(
        archive,
        tmp_path / "damaged.tar",
        lambda name, data: data + b"!" if name.endswith(".csv") else data,
    )
    with pytest.raises(CommandError, match=r"damaged: files/.*\.csv does not match"):
        call_command("restore", damaged, force=True)
    assert backups.database_row_counts() == rows

    # An archive of the other database vendor is refused.
    def other_vendor(name, data):
        if name != backups.MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["database"]["vendor"] = "oracle"
        return json.dumps(manifest).encode()

    foreign = _rewrite(archive, tmp_path / "foreign.tar", other_vendor)
    with pytest.raises(CommandError, match="holds a oracle database"):
        call_command("restore", foreign, force=True)

    # A fresh site: empty tables, empty storage.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root)
    media_root.mkdir()
    assert backups.database_row_counts()["accounts.User"] == 0

    out = io.StringIO()
    call_command("restore", archive, stdout=out)
    assert "counts and checksums match" in out.getvalue()
    assert backups.database_row_counts() == rows
    assert stored_files(media_root) == files
    assert _download(client, member, url) == original


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_storage_with_files_and_force_replaces_them(
    media_root, tmp_path, monkeypatch
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    default_storage.save("private/notes/minutes.txt", ContentFile(b"minutes"))
    archive = backups.backup_create(directory=tmp_path)
    (media_root / "stray.txt").write_bytes(b"not in the archive")

    with pytest.raises(CommandError, match=r"storage already holds files \(stray\.txt"):
        call_command("restore", archive)

    not_an_archive = tmp_path / "notes.tar"
    not_an_archive.write_bytes(b"minutes")
    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", not_an_archive, force=True)

    call_command("restore", archive, force=True, stdout=io.StringIO())
    assert stored_files(media_root) == ["private/notes/minutes.txt"]
    assert (media_root / "private/notes/minutes.txt").read_bytes() == b"minutes"

    # A restore that does not give back what the manifest lists fails loudly.
    real_restore_file = backups._restore_file

    def tampered(name, archive, member):
        real_restore_file(name, archive, member)
        (media_root / name).write_bytes(b"other")

    monkeypatch.setattr(backups, "_restore_file", tampered)
    with pytest.raises(CommandError) as refused:
        call_command("restore", archive, force=True)
    assert "file private/notes/minutes.txt: restored with other content" in str(refused.value)


def test_retention_deletes_old_archives_of_the_command_only_never_the_newest(tmp_path):
    now = datetime.now(UTC)
    tmp_path = tmp_path / "backups"
    tmp_path.mkdir()

    def archive(days_ago):
        path = tmp_path / f"conseils-{now - timedelta(days=days_ago):%Y%m%d-%H%M%S}.tar"
        path.write_bytes(b"")
        return path

    recent, old, older = archive(1), archive(15), archive(40)
    other = tmp_path / "conseils-notes.tar"
    other.write_bytes(b"")
    killed, running = tmp_path / ".conseils-1.tar.part", tmp_path / ".conseils-2.tar.part"
    killed.write_bytes(b"")
    running.write_bytes(b"")
    scratch = tmp_path / ".backup-x1y2"
    scratch.mkdir()
    (scratch / "database.pgdump").write_bytes(b"")
    two_days_ago = time.time() - 2 * 86400
    for path in (killed, scratch):
        os.utime(path, (two_days_ago, two_days_ago))
    deleted = backups.backups_prune(directory=tmp_path, keep_days=14)
    assert deleted == [killed, scratch, older, old]
    assert sorted(os.listdir(tmp_path)) == sorted([recent.name, other.name, running.name])

    # The newest archive stays, however old.
    for path in (recent, other, running):
        path.unlink()
    lone = archive(100)
    assert backups.backups_prune(directory=tmp_path, keep_days=14) == []
    assert lone.exists()


def _crafted_archive(path, members: dict[str, bytes], database_member: str):
    """A tar whose manifest agrees with ``members`` (names as given)."""
    import hashlib

    manifest = {
        "format": backups.FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(),
        "database": {
            "vendor": "sqlite",
            "member": database_member,
            "size": len(members[database_member]),
            "sha256": hashlib.sha256(members[database_member]).hexdigest(),
        },
        "rows": {},
        "files": [],
    }
    with tarfile.open(path, "w") as archive:
        for name, data in [*members.items(), ("manifest.json", json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_member_named_outside_its_scratch_folder(media_root, tmp_path):
    outside = tmp_path / "outside" / "written-by-the-archive"
    outside.parent.mkdir()
    for name in (str(outside), "../../" + str(outside).lstrip("/")):
        crafted = _crafted_archive(tmp_path / "crafted.tar", {name: b"not a database"}, name)
        with pytest.raises(CommandError, match="not a backup of this site"):
            call_command("restore", crafted, force=True)
        assert not outside.exists()


@pytest.mark.django_db(transaction=True)
def test_archives_and_their_folder_are_readable_by_their_owner_only(media_root, tmp_path):
    archive = backups.backup_create(directory=tmp_path / "backups")
    assert archive.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700
