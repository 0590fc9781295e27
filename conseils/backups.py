"""Backups that restore: one archive holding the database, every stored file
and a manifest of counts and checksums (``manage.py backup`` and
``manage.py restore``, docs/production.md "Backups").

An archive is a tar file::

    database.pgdump | database.sqlite3   pg_dump's custom format, or a SQLite copy
    files/<name>                          each file of the default storage
    manifest.json                         last: counts, names, sizes, sha256

Written by hand rather than with django-dbbackup: that library writes the
database and the media as two separate backups, without row counts or file
checksums to check a restore against, and its SQLite connector works on the
database file, not on Django's connection (the in-memory test database).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import posixpath
import re
import shutil
import sqlite3
import subprocess  # nosec B404 (pg_dump and pg_restore, with fixed arguments)
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES_PREFIX = "files/"
DATABASE_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
ARCHIVE_NAME = re.compile(r"^conseils-(\d{8}-\d{6})\.tar$")
CHUNK = 1024 * 1024

NOT_EMPTY_DATABASE = (
    "The database already holds {count} account(s): restore refuses to replace it. "
    "Restore into an empty database, or add --force to replace everything it holds."
)
NOT_EMPTY_STORAGE = (
    "The file storage already holds files ({name}, …): restore refuses to replace them. "
    "Restore into an empty storage, or add --force to replace everything it holds."
)
WRONG_VENDOR = (
    "This archive holds a {archive} database; the current database is {current}. "
    "Restore it into a {archive} database."
)
BAD_CHECKSUM = "The archive is damaged: {member} does not match its sha256 in the manifest."


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


@dataclass
class RestoreReport:
    rows: int
    files: int
    bytes: int
    seconds: float
    differences: list[str] = field(default_factory=list)


# Counting


def _counted_models() -> list[tuple[str, str]]:
    """(label, table) of every installed model that owns a table, m2m
    tables included."""
    return sorted(
        (model._meta.label, model._meta.db_table)
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    )


def _count_rows(execute, tables: set[str], quote) -> dict[str, int]:
    counts = {}
    for label, table in _counted_models():
        if table in tables:
            # Table names come from the models, quoted by the backend.
            counts[label] = execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608  # nosec B608
    return counts


def database_row_counts() -> dict[str, int]:
    """Rows per model label in the current database (models without a table
    are left out)."""
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))

        def execute(sql):
            cursor.execute(sql)
            return cursor.fetchone()[0]

        return _count_rows(execute, tables, connection.ops.quote_name)


def _sqlite_file_row_counts(path: Path) -> dict[str, int]:
    copy = sqlite3.connect(path)
    try:
        tables = {
            row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        return _count_rows(
            lambda sql: copy.execute(sql).fetchone()[0],
            tables,
            lambda name: '"' + name.replace('"', '""') + '"',
        )
    finally:
        copy.close()


# Storage


def stored_names(storage=None, path: str = "") -> Iterator[str]:
    """Every file of the storage, walked with ``listdir`` so that a local
    folder and an S3 bucket answer alike."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(path, name) if path else name
    for folder in sorted(folders):
        yield from stored_names(storage, posixpath.join(path, folder) if path else folder)


def _copy_hashing(source: IO[bytes], target: IO[bytes]) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def stored_files_checksums(storage=None) -> dict[str, tuple[int, str]]:
    """{name: (size, sha256)} of every stored file."""
    storage = storage or default_storage
    checksums = {}
    for name in stored_names(storage):
        with storage.open(name, "rb") as handle:
            digest = hashlib.sha256()
            size = 0
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
        checksums[name] = (size, digest.hexdigest())
    return checksums


# PostgreSQL


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the current database, so that the password
    never shows on a command line (``ps``)."""
    database = connection.settings_dict
    environment = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if database.get(key):
            environment[variable] = str(database[key])
    if sslmode := database.get("OPTIONS", {}).get("sslmode"):
        environment["PGSSLMODE"] = sslmode
    return environment


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found on the PATH: install the PostgreSQL client "
            "of the server's major version (postgresql-client-NN)."
        )
    return found


def _run(arguments: list[str]) -> None:
    # Fixed arguments, no shell; the connection comes through the environment.
    completed = subprocess.run(  # noqa: S603  # nosec B603
        arguments, env=_pg_environment(), capture_output=True, text=True, check=False
    )
    if completed.returncode:
        raise BackupError(
            f"{Path(arguments[0]).name} failed ({completed.returncode}): {completed.stderr.strip()}"
        )


def _dump_postgresql(target: Path) -> dict[str, int]:
    """pg_dump in the snapshot of a read-only transaction that also counts
    the rows, so that the counts are those of the dump even while the site
    writes."""
    if connection.in_atomic_block:
        raise BackupError("A backup cannot run inside a transaction: pg_dump would not see it.")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ]
        )
        return database_row_counts()


def _restore_postgresql(dump: Path) -> None:
    # --clean --if-exists even into an "empty" database: a fresh stack has
    # run its migrations, so its (empty) tables are there already.
    connection.close()
    _run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ]
    )


# SQLite


def _dump_sqlite(target: Path) -> dict[str, int]:
    """A copy through SQLite's backup API, consistent even while others write
    (and the in-memory test database too, through Django's connection); the
    rows are counted in the copy."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    return _sqlite_file_row_counts(target)


def _restore_sqlite(copy_path: Path) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(copy_path)
    try:
        copy.backup(connection.connection)
    finally:
        copy.close()


# Backup


def backup_directory() -> Path:
    return Path(settings.BACKUP_DIR)


def backup_create(*, directory: Path | None = None) -> Path:
    """Write one archive in ``directory`` and return its path. The archive is
    written under a temporary name and renamed once complete, so that a
    half-written one is never taken for a backup."""
    directory = Path(directory or backup_directory())
    # Every private file and every password hash: for the owner only.
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    created_at = datetime.now(UTC)
    final = directory / f"conseils-{created_at:%Y%m%d-%H%M%S}.tar"
    if final.exists():
        raise BackupError(f"{final} exists already: wait a second and try again.")
    partial = directory / f".{final.name}.part"
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as scratch:
        dump = Path(scratch) / DATABASE_MEMBERS[vendor]
        # The database first, then the files: every file a row of the dump
        # points to was stored before the dump began, so it is in the archive
        # (unless deleted meanwhile); files added later are merely extra.
        rows = _dump_postgresql(dump) if vendor == "postgresql" else _dump_sqlite(dump)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": created_at.isoformat(),
            "database": {
                "vendor": vendor,
                "member": dump.name,
                "size": dump.stat().st_size,
                "sha256": _file_sha256(dump),
            },
            "rows": rows,
            "files": [],
        }
        try:
            handle = os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
            with handle, tarfile.open(fileobj=handle, mode="w") as archive:
                archive.add(dump, arcname=dump.name)
                dump.unlink()
                for name in stored_names():
                    manifest["files"].append(_add_stored_file(archive, name, Path(scratch)))
                body = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(body)
                info.mtime = int(created_at.timestamp())
                archive.addfile(info, io.BytesIO(body))
            partial.rename(final)
        finally:
            partial.unlink(missing_ok=True)
    return final


def _add_stored_file(archive: tarfile.TarFile, name: str, scratch: Path) -> dict:
    # Copied aside first: the size must be known before tar writes the bytes,
    # and a file being replaced meanwhile must not make the two disagree.
    with tempfile.TemporaryFile(dir=scratch) as copy:
        with default_storage.open(name, "rb") as source:
            size, sha256 = _copy_hashing(source, copy)
        copy.seek(0)
        info = tarfile.TarInfo(FILES_PREFIX + name)
        info.size = size
        info.mtime = int(time.time())
        archive.addfile(info, copy)
    return {"name": name, "size": size, "sha256": sha256}


def backups_prune(*, directory: Path | None = None, keep_days: int) -> list[Path]:
    """Delete the archives of ``directory`` written by ``backup_create`` more
    than ``keep_days`` days ago, never the newest one; return those deleted."""
    directory = Path(directory or backup_directory())
    archives = []
    for path in directory.iterdir():
        match = ARCHIVE_NAME.match(path.name)
        if match and path.is_file():
            written = datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
            archives.append((written, path))
    archives.sort()
    limit = datetime.now(UTC) - timedelta(days=keep_days)
    deleted = []
    # What a backup killed on its way left behind (a day is longer than any
    # backup, so none is still being written).
    for leftover in [*directory.glob(".conseils-*.tar.part"), *directory.glob(".backup-*")]:
        if leftover.stat().st_mtime < time.time() - 86400:
            if leftover.is_dir():
                shutil.rmtree(leftover)
            else:
                leftover.unlink()
            deleted.append(leftover)
    for written, path in archives[:-1]:
        if written < limit:
            path.unlink()
            deleted.append(path)
    return deleted


# Restore


def _database_accounts() -> int:
    """Accounts in the current database; a database without tables is empty."""
    from accounts.models import User

    with connection.cursor() as cursor:
        if User._meta.db_table not in connection.introspection.table_names(cursor):
            return 0
    return User.objects.count()


def _read_verified_manifest(path: Path) -> dict:
    """Read the archive once, checking every member against the manifest
    (which comes last), before anything is written."""
    try:
        manifest = _verify_members(path)
    except (tarfile.TarError, EOFError, ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{path} is not a readable backup archive ({error}).") from error
    for item in manifest["files"]:
        name = item["name"]
        if name.startswith("/") or ".." in name.split("/") or "\\" in name:
            raise BackupError(f"The archive names a file outside the storage: {name}")
    return manifest


def _verify_members(path: Path) -> dict:
    digests: dict[str, tuple[int, str]] = {}
    manifest = None
    with tarfile.open(path, "r|*") as archive:
        for member in archive:
            if not member.isfile():
                raise BackupError(f"Unexpected member in the archive: {member.name}")
            source = archive.extractfile(member)
            if member.name == MANIFEST:
                manifest = json.loads(source.read())
                continue
            digest = hashlib.sha256()
            while chunk := source.read(CHUNK):
                digest.update(chunk)
            digests[member.name] = (member.size, digest.hexdigest())
    if manifest is None or manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{path} is not a backup of this site (no manifest of format 1).")
    # The member restore writes to its scratch folder under its own name.
    if manifest["database"]["member"] not in DATABASE_MEMBERS.values():
        raise BackupError(f"{path} is not a backup of this site (no database member).")
    expected = {
        manifest["database"]["member"]: (
            manifest["database"]["size"],
            manifest["database"]["sha256"],
        )
    }
    expected.update(
        {FILES_PREFIX + item["name"]: (item["size"], item["sha256"]) for item in manifest["files"]}
    )
    for member in sorted(expected.keys() | digests.keys()):
        if member not in digests:
            raise BackupError(f"The archive is incomplete: {member} is missing.")
        if member not in expected:
            raise BackupError(f"The archive holds {member}, which its manifest does not list.")
        if digests[member] != expected[member]:
            raise BackupError(BAD_CHECKSUM.format(member=member))
    return manifest


def backup_restore(*, path: Path, force: bool = False) -> RestoreReport:
    """Rebuild the database and the storage from the archive at ``path``,
    then count and checksum again and compare with its manifest.

    Refused, before anything is written, when the database holds accounts or
    the storage holds files (unless ``force``: then both are replaced, files
    absent from the archive deleted), when the archive comes from another
    database vendor, or when any member does not match its checksum.
    """
    started = time.monotonic()
    if not force:
        if accounts := _database_accounts():
            raise BackupError(NOT_EMPTY_DATABASE.format(count=accounts))
        if (first := next(stored_names(), None)) is not None:
            raise BackupError(NOT_EMPTY_STORAGE.format(name=first))
    manifest = _read_verified_manifest(path)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(WRONG_VENDOR.format(archive=vendor, current=connection.vendor))

    with tempfile.TemporaryDirectory(prefix="conseils-restore-") as scratch:
        with tarfile.open(path, "r|*") as archive:
            for member in archive:
                if member.name == manifest["database"]["member"]:
                    dump = Path(scratch) / member.name
                    with dump.open("wb") as target:
                        shutil.copyfileobj(archive.extractfile(member), target, CHUNK)
                    if vendor == "postgresql":
                        _restore_postgresql(dump)
                    else:
                        _restore_sqlite(dump)
                    dump.unlink()
                elif member.name.startswith(FILES_PREFIX):
                    _restore_file(member.name.removeprefix(FILES_PREFIX), archive, member)
        if force:
            listed = {item["name"] for item in manifest["files"]}
            for name in list(stored_names()):
                if name not in listed:
                    default_storage.delete(name)

    report = RestoreReport(
        rows=sum(manifest["rows"].values()),
        files=len(manifest["files"]),
        bytes=sum(item["size"] for item in manifest["files"]),
        seconds=0.0,
    )
    report.differences = _differences(manifest)
    report.seconds = time.monotonic() - started
    return report


def _restore_file(name: str, archive: tarfile.TarFile, member: tarfile.TarInfo) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, File(archive.extractfile(member), name=name))
    if saved != name:
        raise BackupError(f"{name} was stored as {saved}: the storage renamed it.")


def _differences(manifest: dict) -> list[str]:
    """What the restored database and storage hold that the manifest does not
    say, one line each."""
    differences = []
    counts = database_row_counts()
    for label in sorted(manifest["rows"].keys() | counts.keys()):
        expected, found = manifest["rows"].get(label, 0), counts.get(label, 0)
        if expected != found:
            differences.append(f"{label}: {expected} row(s) in the archive, {found} restored")
    expected_files = {item["name"]: (item["size"], item["sha256"]) for item in manifest["files"]}
    found_files = stored_files_checksums()
    for name in sorted(expected_files.keys() | found_files.keys()):
        if name not in found_files:
            differences.append(f"file {name}: missing after the restore")
        elif name not in expected_files:
            differences.append(f"file {name}: stored but not in the archive")
        elif found_files[name] != expected_files[name]:
            differences.append(f"file {name}: restored with other content")
    return differences
