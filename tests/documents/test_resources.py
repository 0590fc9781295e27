"""The national resource library: anyone browses and downloads, the animator
publishes; downloads are counted; uploads are checked by content."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import animator_appoint
from documents.models import Resource, ResourceFolder
from tests.accounts.factories import UserFactory
from tests.conftest import stored_files

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


@pytest.fixture
def animator():
    user = UserFactory()
    animator_appoint(user=user, system=True)
    return user


def test_the_animator_publishes_and_anyone_downloads(client, animator, media_root):
    shelf = ResourceFolder.objects.create(name="Guides pratiques")
    client.force_login(animator)
    response = client.post(
        reverse("documents:resource_add"),
        {
            "folder": shelf.pk,
            "title": "Guide du conseiller",
            "description": "Pour bien démarrer",
            "file": SimpleUploadedFile("guide.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    resource = Resource.objects.get()
    client.logout()
    listing = client.get(reverse("documents:resources") + f"?dossier={shelf.pk}&q=guide")
    assert "Guide du conseiller" in listing.content.decode()
    download = client.get(reverse("documents:resource_download", args=[resource.pk]))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    resource.refresh_from_db()
    assert resource.download_count == 1
    assert all(name.startswith("private/resources/") for name in stored_files(media_root))


def test_a_refused_file_leaves_nothing(client, animator, media_root):
    shelf = ResourceFolder.objects.create(name="Fiches")
    client.force_login(animator)
    response = client.post(
        reverse("documents:resource_add"),
        {
            "folder": shelf.pk,
            "title": "Piège",
            "file": SimpleUploadedFile("fiche.pdf", b"MZ\x90\x00" * 10, "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "Les programmes et les scripts ne sont pas acceptés." in response.content.decode()
    assert not Resource.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize("who", ["anonymous", "registered"])
def test_only_the_animator_adds_or_removes(client, who):
    shelf = ResourceFolder.objects.create(name="Fiches")
    if who == "registered":
        client.force_login(UserFactory())
    response = client.get(reverse("documents:resource_add"))
    assert response.status_code in (302, 404)
    response = client.post(
        reverse("documents:resource_add"),
        {"folder": shelf.pk, "title": "X", "file": SimpleUploadedFile("x.pdf", PDF)},
    )
    assert response.status_code in (302, 404)
    assert not Resource.objects.exists()
