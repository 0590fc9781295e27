"""A folder shared read-only with another council: its members read and
download, change nothing, and every visit is in the owner's transparency log;
sharing is revocable; nobody else gains anything."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from councils.models import SpaceAccess
from documents import services
from documents.models import Document
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


def test_a_shared_folder_is_read_only_for_the_other_council_and_logged(client):
    owner, other, third = council_create(), council_create(), council_create()
    coordinator = coordinator_of(owner)
    folder = services.folder_create(user=coordinator, council=owner, parent=None, name="Modèles")
    inner = services.folder_create(user=coordinator, council=owner, parent=folder, name="Courriers")
    document = services.document_upload(
        user=coordinator,
        council=owner,
        folder=inner,
        uploaded=SimpleUploadedFile("lettre.pdf", PDF, "application/pdf"),
    )
    hidden = services.document_upload(
        user=coordinator,
        council=owner,
        folder=None,
        uploaded=SimpleUploadedFile("prive.pdf", PDF, "application/pdf"),
    )
    client.force_login(coordinator)
    client.post(reverse("documents:share", args=[owner.slug, folder.pk]), {"council": other.pk})

    reader = member_of(other)
    client.force_login(reader)
    root = client.get(reverse("documents:root", args=[other.slug])).content.decode()
    assert "Modèles" in root
    assert client.get(folder.get_absolute_url()).status_code == 200
    assert client.get(inner.get_absolute_url()).status_code == 200
    download = client.get(reverse("documents:download", args=[owner.slug, document.pk]))
    assert download.status_code == 200
    assert SpaceAccess.objects.filter(council=owner, user=reader).count() == 3

    # Read-only, and nothing outside the shared folder.
    assert client.get(reverse("documents:root", args=[owner.slug])).status_code == 404
    assert (
        client.get(reverse("documents:download", args=[owner.slug, hidden.pk])).status_code == 404
    )
    client.post(
        reverse("documents:upload", args=[owner.slug]),
        {"files": [SimpleUploadedFile("intrus.pdf", PDF)], "folder": folder.pk},
    )
    client.post(reverse("documents:rename", args=[owner.slug, document.pk]), {"name": "x.pdf"})
    assert Document.objects.count() == 2
    assert Document.objects.get(pk=document.pk).name == "lettre.pdf"

    # A third council and a registered person gain nothing.
    for outsider in (member_of(third), UserFactory()):
        client.force_login(outsider)
        assert client.get(folder.get_absolute_url()).status_code == 404

    # Revoked: gone.
    client.force_login(coordinator)
    client.post(
        reverse("documents:share", args=[owner.slug, folder.pk]),
        {"council": other.pk, "retirer": "1"},
    )
    reader_again = type(reader).objects.get(pk=reader.pk)
    client.force_login(reader_again)
    assert client.get(folder.get_absolute_url()).status_code == 404


def test_only_coordinators_share(client):
    owner, other = council_create(), council_create()
    member = member_of(owner)
    folder = services.folder_create(user=member, council=owner, parent=None, name="Dossier")
    client.force_login(member)
    response = client.post(
        reverse("documents:share", args=[owner.slug, folder.pk]), {"council": other.pk}
    )
    assert response.status_code == 404
    assert not services.shares_of(folder).exists()
