"""The thumbnails their upload's task never made (the broker was down, a
worker died) are made by the sweep 15 seconds later, once; an image that cannot
be reduced is recorded and left alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from documents import services, tasks
from documents.models import DocumentVersion
from tests.conftest import stored_files
from tests.councils.factories import council_create, member_of
from tests.images import png

pytestmark = pytest.mark.django_db


def _uploaded_without_thumbnail(council, uploaded, *, minutes_ago=2):
    """An upload whose commit callback (the thumbnail task) never ran."""
    document = services.document_upload(
        user=member_of(council), council=council, folder=None, uploaded=uploaded
    )
    DocumentVersion.objects.filter(document=document).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return DocumentVersion.objects.get(document=document)


def test_a_version_without_thumbnail_gets_one_from_the_sweep_once(media_root):
    council = council_create()
    version = _uploaded_without_thumbnail(council, png(name="plan.png"))
    young = _uploaded_without_thumbnail(council, png(name="jeune.png"), minutes_ago=0)
    assert not version.thumbnail
    assert tasks.missing_thumbnails_make.delay().get() == 1
    version.refresh_from_db()
    assert version.thumbnail.name.startswith("private/thumbnails/")
    assert version.thumbnail.read()[8:12] == b"WEBP"
    young.refresh_from_db()
    assert not young.thumbnail  # left to its own task for 15 seconds
    thumbnails = [name for name in stored_files(media_root) if "thumbnails" in name]
    assert tasks.missing_thumbnails_make.delay().get() == 0
    assert [name for name in stored_files(media_root) if "thumbnails" in name] == thumbnails


def test_an_image_that_cannot_be_reduced_is_recorded_and_not_tried_again(media_root, monkeypatch):
    council = council_create()
    version = _uploaded_without_thumbnail(council, png(name="abimee.png"))
    # The stored file damaged after its check (a storage fault, a bad copy).
    name = version.file.name
    version.file.storage.delete(name)
    version.file.storage.save(name, ContentFile(b"plus une image"))
    assert services.missing_thumbnails_make() == 0
    version.refresh_from_db()
    assert version.thumbnail_failed_at is not None
    assert not version.thumbnail
    calls = []
    monkeypatch.setattr(
        services.thumbnails, "version_thumbnail_make", lambda **kwargs: calls.append(kwargs)
    )
    services.missing_thumbnails_make()
    assert calls == []


def test_the_sweep_is_bounded_and_gives_up_after_a_week(monkeypatch):
    council = council_create()
    for number in range(3):
        _uploaded_without_thumbnail(council, png(name=f"image-{number}.png"))
    _uploaded_without_thumbnail(council, png(name="ancienne.png"), minutes_ago=8 * 24 * 60)
    monkeypatch.setattr(services.thumbnails, "MISSING_BATCH", 2)
    assert services.missing_thumbnails_make() == 2
    assert services.missing_thumbnails_make() == 1
    assert services.missing_thumbnails_make() == 0
    assert DocumentVersion.objects.filter(thumbnail="").get().document.name == "ancienne.png"


def test_the_sweep_runs_every_thirty_seconds():
    schedule = settings.CELERY_BEAT_SCHEDULE["documents-missing-thumbnails"]
    assert schedule["task"] == "documents.tasks.missing_thumbnails_make"
    assert schedule["schedule"] == timedelta(seconds=30)


def test_the_sweep_stops_at_its_soft_time_limit_instead_of_running_to_the_kill(
    media_root, monkeypatch
):
    from celery.exceptions import SoftTimeLimitExceeded

    from documents.services import thumbnails

    council = council_create()
    _uploaded_without_thumbnail(council, png(name="a.png"))
    _uploaded_without_thumbnail(council, png(name="b.png"))
    tried = []

    def slow(*, version_id):
        tried.append(version_id)
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(thumbnails, "version_thumbnail_make", slow)
    with pytest.raises(SoftTimeLimitExceeded):
        thumbnails.missing_thumbnails_make()
    assert len(tried) == 1
