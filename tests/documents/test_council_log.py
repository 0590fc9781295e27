"""Sharing, publishing and the trash write one line each in the council's
log: who did it (or the site, for the purge), the item's name, and for a
share the other council's name; never the item's content."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from councils.models import CONTENT_LINES, MembershipEvent
from documents import services
from tests.councils.factories import coordinator_of, council_create, member_of

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
Action = MembershipEvent.Action


@pytest.fixture
def council():
    return council_create()


def _upload(council, user, name="compte-rendu.pdf", folder=None):
    return services.document_upload(
        user=user,
        council=council,
        folder=folder,
        uploaded=SimpleUploadedFile(name, PDF, "application/pdf"),
    )


def _lines():
    return list(
        MembershipEvent.objects.filter(action__in=list(CONTENT_LINES))
        .order_by("pk")
        .values_list(
            "council_id", "action", "actor_id", "by_system", "detail", "other_council_name"
        )
    )


def test_sharing_and_withdrawing_a_folder_names_both_councils(council):
    coordinator, other = coordinator_of(council), council_create()
    folder = services.folder_create(user=coordinator, council=council, parent=None, name="Modèles")
    services.folder_share(user=coordinator, folder=folder, council=other)
    services.folder_unshare(user=coordinator, folder=folder, council=other)
    services.folder_unshare(user=coordinator, folder=folder, council=other)  # not shared: no line
    assert _lines() == [
        (council.pk, Action.FOLDER_SHARED, coordinator.pk, False, "Modèles", other.name),
        (council.pk, Action.FOLDER_UNSHARED, coordinator.pk, False, "Modèles", other.name),
    ]


def test_publishing_a_file_and_a_page_and_withdrawing_them(council):
    coordinator = coordinator_of(council)
    document = _upload(council, member_of(council), "bilan.pdf")
    page = services.page_create(
        user=coordinator, council=council, title="Charte", body="Texte secret zqx"
    )
    for item in (document, page):
        services.item_publish(user=coordinator, item=item, public=True)
        services.item_publish(user=coordinator, item=item, public=False)
    assert _lines() == [
        (council.pk, Action.FILE_PUBLISHED, coordinator.pk, False, "bilan.pdf", ""),
        (council.pk, Action.FILE_UNPUBLISHED, coordinator.pk, False, "bilan.pdf", ""),
        (council.pk, Action.PAGE_PUBLISHED, coordinator.pk, False, "Charte", ""),
        (council.pk, Action.PAGE_UNPUBLISHED, coordinator.pk, False, "Charte", ""),
    ]
    assert not MembershipEvent.objects.filter(detail__contains="zqx").exists()


def test_trash_restore_and_purge_write_one_line_per_thing_thrown(council):
    member, coordinator = member_of(council), coordinator_of(council)
    folder = services.folder_create(user=member, council=council, parent=None, name="Archives")
    _upload(council, member, "dedans.pdf", folder=folder)
    document = _upload(council, member, "seul.pdf")
    services.item_trash(user=member, item=folder)
    folder.refresh_from_db()
    services.item_restore(user=coordinator, item=folder)
    folder.refresh_from_db()
    services.item_trash(user=member, item=folder)
    services.item_trash(user=member, item=document)
    assert _lines() == [
        (council.pk, Action.FOLDER_TRASHED, member.pk, False, "Archives", ""),
        (council.pk, Action.FOLDER_RESTORED, coordinator.pk, False, "Archives", ""),
        (council.pk, Action.FOLDER_TRASHED, member.pk, False, "Archives", ""),
        (council.pk, Action.FILE_TRASHED, member.pk, False, "seul.pdf", ""),
    ]
    assert services.trash_purge(now=timezone.now() + timedelta(days=31)) == 2
    assert _lines()[4:] == [
        (council.pk, Action.FOLDER_DELETED, None, True, "Archives", ""),
        (council.pk, Action.FILE_DELETED, None, True, "seul.pdf", ""),
    ]


def test_a_refused_action_writes_no_line(council):
    from django.core.exceptions import PermissionDenied

    member = member_of(council)
    document = _upload(council, member)
    with pytest.raises(PermissionDenied):
        services.item_publish(user=member, item=document, public=True)
    assert _lines() == []
