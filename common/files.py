"""Stored files (avatars, logos, covers, uploads, thumbnails, editor
images): stored last and removed again when their row cannot be written,
deleted after the transaction that forgets them commits.

A file is never deleted before its row is gone for good: a rolled back
transaction would leave a row pointing to nothing. A file that cannot be
deleted (storage down) is logged and left behind, never an error for the
person whose action caused it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)


def stored_file_delete(names: Iterable[str], *, storage: Storage | None = None) -> None:
    """Delete the stored files ``names`` now (empty names are skipped)."""
    storage = storage or default_storage
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete the stored file %s", name, exc_info=True)


def stored_file_delete_on_commit(names: Iterable[str], *, storage: Storage | None = None) -> None:
    """Delete the stored files ``names`` once the current transaction commits
    (at once outside a transaction); nothing is deleted if it rolls back."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: stored_file_delete(names, storage=storage))


@contextmanager
def stored_file_save(field_file: FieldFile, name: str, content) -> Iterator[str]:
    """Store ``content`` in ``field_file`` (its row is not saved) and yield
    the stored name; when the block raises, the stored file is deleted
    again and the error goes on::

        with stored_file_save(version.file, "v1.pdf", checked.content):
            version.save()
    """
    field_file.save(name, content, save=False)
    stored = field_file.name
    try:
        yield stored
    except BaseException:
        stored_file_delete([stored], storage=field_file.storage)
        raise
