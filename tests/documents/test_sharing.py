"""A folder shared read-only with another council: its members read and
download, change nothing, and every visit is in the owner's transparency log;
sharing is revocable; nobody else gains anything."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from councils.models import SpaceAccess
from documents import selectors, services
from documents.models import Document
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of
from tests.hostile import active_content
from tests.images import png

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


def _shared_with_a_guest(client, capture, *, folder_name, file_name="compte-rendu.pdf"):
    owner, other = council_create(), council_create()
    coordinator = coordinator_of(owner)
    folder = services.folder_create(user=coordinator, council=owner, parent=None, name=folder_name)
    document = services.document_upload(
        user=coordinator,
        council=owner,
        folder=folder,
        uploaded=SimpleUploadedFile(file_name, PDF, "application/pdf"),
    )
    services.document_upload(
        user=coordinator,
        council=owner,
        folder=None,
        as_new_version_of=document,
        uploaded=SimpleUploadedFile(file_name, PDF + b"v2", "application/pdf"),
    )
    with capture(execute=True):
        image = services.document_upload(
            user=coordinator, council=owner, folder=folder, uploaded=png(name="affiche.png")
        )
    services.folder_share(user=coordinator, folder=folder, council=other)
    return owner, coordinator, folder, document, image, member_of(other)


def _reasons(council, user) -> list[str]:
    """The owner's transparency lines for ``user``, French spaces made plain."""
    lines = SpaceAccess.objects.filter(council=council, user=user).order_by("pk")
    return [reason.replace("\xa0", " ") for reason in lines.values_list("reason", flat=True)]


def test_each_guest_read_names_the_file_and_its_folder_thumbnails_included(
    client, django_capture_on_commit_callbacks
):
    """The coordinators read what a guest looked at, not just that they came:
    every page, download and thumbnail leaves its line, hostile names escaped."""
    folder_name = "Réunions <img src=x onerror=alert(1)>"
    owner, coordinator, folder, document, image, guest = _shared_with_a_guest(
        client, django_capture_on_commit_callbacks, folder_name=folder_name
    )
    client.force_login(guest)
    for url in (
        folder.get_absolute_url(),
        reverse("documents:document", args=[owner.slug, document.pk]),
        reverse("documents:download", args=[owner.slug, document.pk]),
        reverse("documents:download", args=[owner.slug, document.pk]) + "?version=1",
        reverse("documents:thumbnail", args=[owner.slug, image.pk]),
        reverse("documents:thumbnail", args=[owner.slug, image.pk]),
    ):
        assert client.get(url).status_code == 200, url

    in_folder = f"du dossier « {folder_name} »"
    assert _reasons(owner, guest) == [
        f"Consulté grâce à un dossier partagé : le dossier « {folder_name} »",
        f"Consulté grâce à un dossier partagé : le fichier « compte-rendu.pdf » {in_folder}",
        f"Téléchargé grâce à un dossier partagé : le fichier « compte-rendu.pdf » {in_folder}",
        "Téléchargé grâce à un dossier partagé : la version 1 du fichier « compte-rendu.pdf » "
        + in_folder,
        # Seen twice within the hour: one line (a folder page reloaded).
        f"Miniature vue grâce à un dossier partagé : le fichier « affiche.png » {in_folder}",
    ]

    client.force_login(coordinator)
    page = client.get(reverse("councils:transparency", args=[owner.slug])).content.decode()
    assert active_content(page) == []
    assert html.escape(f"la version 1 du fichier « compte-rendu.pdf » {in_folder}") in (
        page.replace("\xa0", " ")
    )


def test_a_thumbnail_fetched_by_a_guest_is_logged_like_a_download_a_members_is_not(
    client, django_capture_on_commit_callbacks
):
    owner, coordinator, _folder, _document, image, guest = _shared_with_a_guest(
        client, django_capture_on_commit_callbacks, folder_name="Affiches"
    )
    thumbnail = reverse("documents:thumbnail", args=[owner.slug, image.pk])
    client.force_login(coordinator)
    assert client.get(thumbnail).status_code == 200
    assert not SpaceAccess.objects.exists()
    client.force_login(guest)
    assert client.get(thumbnail).status_code == 200
    assert _reasons(owner, guest) == [
        "Miniature vue grâce à un dossier partagé : le fichier « affiche.png » "
        "du dossier « Affiches »"
    ]
    assert SpaceAccess.objects.get().path == thumbnail
    # Reloaded within the hour: no new line; the next hour, one more.
    assert client.get(thumbnail).status_code == 200
    assert SpaceAccess.objects.count() == 1
    SpaceAccess.objects.update(created_at=timezone.now() - timedelta(hours=2))
    assert client.get(thumbnail).status_code == 200
    assert SpaceAccess.objects.count() == 2


def test_a_guest_read_of_long_names_fits_the_log_and_still_says_which_file(
    client, django_capture_on_commit_callbacks
):
    long_folder = "Dossier " + "très " * 40
    owner, _coordinator, _folder, document, _image, guest = _shared_with_a_guest(
        client,
        django_capture_on_commit_callbacks,
        folder_name=long_folder,
        file_name="Compte-rendu " + "long " * 25 + ".pdf",
    )
    client.force_login(guest)
    client.get(reverse("documents:download", args=[owner.slug, document.pk]))
    (reason,) = _reasons(owner, guest)
    assert len(reason) <= SpaceAccess._meta.get_field("reason").max_length
    assert reason.startswith("Téléchargé grâce à un dossier partagé : le fichier « Compte-rendu")
    assert "… » du dossier « Dossier très" in reason
    assert reason.endswith("… »")


def test_only_coordinators_share(client):
    owner, other = council_create(), council_create()
    member = member_of(owner)
    folder = services.folder_create(user=member, council=owner, parent=None, name="Dossier")
    client.force_login(member)
    response = client.post(
        reverse("documents:share", args=[owner.slug, folder.pk]), {"council": other.pk}
    )
    assert response.status_code == 404
    assert not selectors.shares_of(folder).exists()
