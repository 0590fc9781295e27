"""Stored files that no row names any more, and their daily removal.

A file is stored just before the row that names it is committed
(``common.files.stored_file_save``) and removed again when that row fails.
Only a process killed outright between the two (``SIGKILL`` from gunicorn's
timeout, the machine going down) leaves a file behind that no row names.
Every file field of every installed model is read, so a new kind of file is
covered without being listed here; a file younger than a day is never
touched, since its row may still be on its way.

Run daily by Celery beat, or by hand: ``python manage.py storage_orphans_purge
[--dry-run]``.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from celery import shared_task
from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.db.models import FileField
from django.utils import timezone

logger = logging.getLogger(__name__)

KEEP_FOR = timedelta(hours=24)


@dataclass
class OrphanPurge:
    """What a sweep found: the orphans (deleted unless ``dry_run``) and their size."""

    names: list[str] = field(default_factory=list)
    bytes: int = 0
    dry_run: bool = False
    refused: bool = False


def referenced_names() -> set[str]:
    """Every file name held by a file or image field of any installed model,
    read through the base manager (trashed documents keep their files) in
    chunks. About 100 bytes of memory per stored file."""
    names: set[str] = set()
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for model_field in model._meta.local_concrete_fields:
            if not isinstance(model_field, FileField):
                continue
            column = model_field.attname
            rows = (
                model._base_manager.exclude(**{f"{column}__isnull": True})
                .exclude(**{column: ""})
                .values_list(column, flat=True)
            )
            names.update(rows.iterator(chunk_size=5000))
    return names


def stored_names(storage: Storage, path: str = "") -> Iterator[str]:
    """Every file of ``storage`` under ``path``, recursively (``listdir``
    works on a local folder as on an S3 bucket)."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in files:
        yield posixpath.join(path, name) if path else name
    for directory in directories:
        yield from stored_names(storage, posixpath.join(path, directory) if path else directory)


def storage_orphans_purge(
    *, dry_run: bool = False, keep_for: timedelta = KEEP_FOR, storage: Storage | None = None
) -> OrphanPurge:
    """Delete the files of ``storage`` (default: the default storage) that no
    row names and that are older than ``keep_for``; ``dry_run`` only lists
    them. Refuses to delete anything when the database names no file at all
    while the storage holds some: that is a database pointed at the wrong
    place (an empty one being restored), not a site whose every file is lost."""
    storage = storage or default_storage
    # The names are read before the listing: a file stored meanwhile is
    # younger than ``keep_for`` anyway.
    referenced = referenced_names()
    limit = timezone.now() - keep_for
    orphans = [
        (name, storage.size(name))
        for name in stored_names(storage)
        if name not in referenced and storage.get_modified_time(name) < limit
    ]
    if not referenced and orphans:
        logger.error(
            "Stored files not purged: the database names no file at all while the "
            "storage holds %d old ones. Is DATABASE_URL the site's database?",
            len(orphans),
        )
        return OrphanPurge(names=[name for name, _size in orphans], refused=True)
    if dry_run:
        return OrphanPurge(
            names=[name for name, _size in orphans],
            bytes=sum(size for _name, size in orphans),
            dry_run=True,
        )
    deleted = OrphanPurge()
    for name, size in orphans:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete the orphan file %s", name, exc_info=True)
            continue
        logger.info("Deleted the orphan file %s (%d bytes)", name, size)
        deleted.names.append(name)
        deleted.bytes += size
    if deleted.names:
        logger.warning(
            "Deleted %d stored files that no row named (%d bytes)",
            len(deleted.names),
            deleted.bytes,
        )
    return deleted


# A daily task that walks every stored file: longer limits than the default.
@shared_task(soft_time_limit=3300, time_limit=3600)
def storage_orphans_sweep() -> int:
    """The daily sweep; returns how many files went."""
    return len(storage_orphans_purge().names)
