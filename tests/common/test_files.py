"""Stored files are removed again when their row fails, and deleted only
once the transaction that forgets them has committed."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from common.files import stored_file_delete, stored_file_delete_on_commit, stored_file_save
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_file_whose_row_fails_is_removed_again():
    user = UserFactory()
    with (
        pytest.raises(RuntimeError),
        stored_file_save(user.avatar, "avatar.webp", ContentFile(b"avatar")) as stored,
    ):
        assert default_storage.exists(stored)
        raise RuntimeError("the row could not be written")
    assert not default_storage.exists(stored)


def test_a_file_whose_row_is_written_stays():
    user = UserFactory()
    with stored_file_save(user.avatar, "avatar.webp", ContentFile(b"avatar")) as stored:
        user.save(update_fields=["avatar"])
    assert default_storage.exists(stored)
    user.refresh_from_db()
    assert user.avatar.name == stored
    default_storage.delete(stored)


def test_deletion_waits_for_the_commit_and_is_dropped_on_rollback(
    django_capture_on_commit_callbacks,
):
    name = default_storage.save("tests/kept.txt", ContentFile(b"kept"))
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            stored_file_delete_on_commit([name])
            raise RuntimeError("rolled back")
        assert default_storage.exists(name)
        with django_capture_on_commit_callbacks(execute=True):
            stored_file_delete_on_commit([name, ""])
            assert default_storage.exists(name)
        assert not default_storage.exists(name)
    finally:
        default_storage.delete(name)


def test_a_storage_error_is_logged_not_raised(caplog, monkeypatch):
    def broken(name):
        raise OSError("storage down")

    monkeypatch.setattr(default_storage, "delete", broken)
    stored_file_delete(["tests/missing.txt"])
    assert "Could not delete the stored file tests/missing.txt" in caplog.text
