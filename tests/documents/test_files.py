"""A council's files: upload checked by content, versions, downloads behind a
permission check, the trash; nobody outside the council reaches them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import animator_appoint
from documents import services
from documents.models import Document, DocumentVersion, Folder
from tests.accounts.factories import UserFactory
from tests.conftest import stored_files
from tests.councils.factories import coordinator_of, council_create, member_of, referent_of

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def _pdf(name="compte-rendu.pdf", extra=b""):
    return SimpleUploadedFile(name, PDF + extra, "application/pdf")


@pytest.fixture
def council():
    return council_create()


def _upload(client, council, *files, **data):
    return client.post(
        reverse("documents:upload", args=[council.slug]),
        {"files": list(files), **data},
        follow=True,
    )


def test_a_member_uploads_several_files_and_downloads_one(client, council, media_root):
    member = member_of(council)
    client.force_login(member)
    csv = SimpleUploadedFile("liste.csv", b"nom;rue\nFatou;Alma\nJulien;Gare\n", "text/csv")
    page = _upload(client, council, _pdf(), csv).content.decode()
    assert "compte-rendu.pdf\u00a0» ajouté." in page
    assert Document.objects.filter(council=council).count() == 2
    assert all(name.startswith("private/documents/") for name in stored_files(media_root))

    document = Document.objects.get(name="compte-rendu.pdf")
    response = client.get(reverse("documents:download", args=[council.slug, document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    document.refresh_from_db()
    assert document.download_count == 1


def test_a_refused_upload_says_why_and_leaves_nothing(client, council, media_root):
    client.force_login(member_of(council))
    page = _upload(
        client,
        council,
        SimpleUploadedFile("rapport.pdf", b"<html><script>x</script>", "application/pdf"),
    ).content.decode()
    assert "n’a pas été ajouté" in page
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert stored_files(media_root) == []


def test_same_name_is_refused_unless_asked_as_a_new_version(client, council):
    client.force_login(member_of(council))
    _upload(client, council, _pdf())
    page = _upload(client, council, _pdf(extra=b"v2")).content.decode()
    assert "est déjà là" in page
    assert DocumentVersion.objects.count() == 1
    _upload(client, council, _pdf(extra=b"v2"), as_new_versions="on")
    document = Document.objects.get()
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]
    assert document.current_version.number == 2
    old = client.get(reverse("documents:download", args=[council.slug, document.pk]) + "?version=1")
    assert b"".join(old.streaming_content) == PDF


def test_the_quota_is_enforced(client, council, settings):
    settings.COUNCIL_STORAGE_QUOTA_BYTES = len(PDF) + 10
    client.force_login(member_of(council))
    _upload(client, council, _pdf("a.pdf"))
    page = _upload(client, council, _pdf("b.pdf")).content.decode()
    assert "L’espace du conseil est plein" in page
    assert Document.objects.count() == 1


@pytest.mark.parametrize("role", ["outsider", "other_member", "referent", "animator", "superuser"])
def test_nobody_outside_the_council_reaches_its_files(client, council, role):
    member = member_of(council)
    services.document_upload(user=member, council=council, folder=None, uploaded=_pdf())
    document = Document.objects.get()
    person = {
        "outsider": UserFactory,
        "other_member": lambda: member_of(council_create()),
        "referent": lambda: referent_of("59"),
        "animator": UserFactory,
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }[role]()
    if role == "animator":
        animator_appoint(user=person, system=True)
    client.force_login(person)
    urls = [
        reverse("documents:root", args=[council.slug]),
        reverse("documents:document", args=[council.slug, document.pk]),
        reverse("documents:download", args=[council.slug, document.pk]),
        reverse("documents:trash", args=[council.slug]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert _upload(client, council, _pdf("intrus.pdf")).status_code == 404
    assert Document.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, council):
    response = client.get(reverse("documents:root", args=[council.slug]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_folder_named_with_a_slash_keeps_its_whole_name(council):
    member = member_of(council)
    folder = services.folder_create(
        user=member, council=council, parent=None, name="Réunions 2025/2026"
    )
    assert folder.name == "Réunions 2025-2026"
    services.folder_rename(user=member, folder=folder, name="Bilans 2024/2025")
    folder.refresh_from_db()
    assert folder.name == "Bilans 2024-2025"


def test_trash_restore_by_coordinators_and_purge_after_30_days(client, council, media_root):
    member, coordinator = member_of(council), coordinator_of(council)
    folder = services.folder_create(user=member, council=council, parent=None, name="Réunions")
    services.document_upload(user=member, council=council, folder=folder, uploaded=_pdf())
    document = Document.objects.get()

    client.force_login(member)
    client.post(reverse("documents:delete", args=[council.slug, "dossier", folder.pk]))
    assert not Folder.objects.live().exists()
    assert not Document.objects.live().exists()
    assert client.get(reverse("documents:trash", args=[council.slug])).status_code == 404

    client.force_login(coordinator)
    client.post(reverse("documents:restore", args=[council.slug, "dossier", folder.pk]))
    assert Document.objects.live().get() == document

    services.item_trash(user=member, item=document)
    assert services.trash_purge(now=timezone.now() + timedelta(days=29)) == 0
    assert services.trash_purge(now=timezone.now() + timedelta(days=31)) == 1
    assert not Document.objects.exists()


def test_the_folder_page_queries_do_not_grow_with_files(
    client, council, django_assert_max_num_queries
):
    member = member_of(council)
    for index in range(30):
        services.document_upload(
            user=member, council=council, folder=None, uploaded=_pdf(f"doc-{index}.pdf")
        )
    client.force_login(member)
    # 13 with the session, read from the database.
    with django_assert_max_num_queries(13):
        assert client.get(reverse("documents:root", args=[council.slug])).status_code == 200


def test_images_get_a_thumbnail_from_a_task(
    client, council, media_root, django_capture_on_commit_callbacks
):
    from tests.images import jpeg_with_gps

    member = member_of(council)
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_upload(
            user=member, council=council, folder=None, uploaded=jpeg_with_gps()
        )
    version = DocumentVersion.objects.get(document=document)
    assert version.thumbnail.name.startswith("private/thumbnails/")
    client.force_login(member)
    page = client.get(reverse("documents:root", args=[council.slug])).content.decode()
    assert reverse("documents:thumbnail", args=[council.slug, document.pk]) in page
    assert (
        client.get(reverse("documents:thumbnail", args=[council.slug, document.pk])).status_code
        == 200
    )
    client.force_login(member_of(council_create()))
    assert (
        client.get(reverse("documents:thumbnail", args=[council.slug, document.pk])).status_code
        == 404
    )


def test_files_and_folders_are_renamed_and_moved_never_into_themselves(client, council):
    member = member_of(council)
    outer = services.folder_create(user=member, council=council, parent=None, name="Archives")
    inner = services.folder_create(user=member, council=council, parent=outer, name="2025")
    document = services.document_upload(user=member, council=council, folder=None, uploaded=_pdf())
    client.force_login(member)
    organize = reverse("documents:organize", args=[council.slug, "fichier", document.pk])
    client.post(organize, {"action": "deplacer", "destination": inner.pk})
    client.post(organize, {"action": "renommer", "name": "compte-rendu-2025.pdf"})
    document.refresh_from_db()
    assert (document.folder, document.name) == (inner, "compte-rendu-2025.pdf")

    organize_folder = reverse("documents:organize", args=[council.slug, "dossier", outer.pk])
    client.post(organize_folder, {"action": "deplacer", "destination": inner.pk})
    outer.refresh_from_db()
    assert outer.parent is None
    client.force_login(member_of(council_create()))
    assert client.post(organize, {"action": "renommer", "name": "x.pdf"}).status_code == 404


def test_a_storage_failure_half_way_leaves_no_row_and_no_file(council, media_root, monkeypatch):
    from django.db.models.fields.files import FieldFile

    member = member_of(council)

    def broken_save(self, name, content, save=True):
        raise OSError("disque plein")

    monkeypatch.setattr(FieldFile, "save", broken_save)
    with pytest.raises(OSError):
        services.document_upload(user=member, council=council, folder=None, uploaded=_pdf())
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert stored_files(media_root) == []


def test_a_failure_after_storing_removes_the_stored_file(council, media_root, monkeypatch):
    member = member_of(council)

    def broken_row(self, *args, **kwargs):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(DocumentVersion, "save", broken_row)
    with pytest.raises(RuntimeError):
        services.document_upload(user=member, council=council, folder=None, uploaded=_pdf())
    assert stored_files(media_root) == []


def test_a_hostile_name_is_cleaned(client, council):
    client.force_login(member_of(council))
    _upload(client, council, _pdf("../../../etc/compte\x07rendu.pdf"))
    assert Document.objects.get().name == "comptererendu.pdf".replace(
        "comptererendu", "compterendu"
    )


def test_a_file_keeps_the_extension_of_what_it_really_is(client, council):
    member = member_of(council)
    client.force_login(member)
    _upload(
        client,
        council,
        SimpleUploadedFile("virus.exe", b"juste du texte", "application/x-msdownload"),
    )
    document = Document.objects.get()
    assert document.name == "virus.txt"
    organize = reverse("documents:organize", args=[council.slug, "fichier", document.pk])
    client.post(organize, {"action": "renommer", "name": "notes.exe"})
    document.refresh_from_db()
    assert document.name == "notes.txt"


def test_names_stay_unique_at_the_top_too(client, council):
    member = member_of(council)
    services.folder_create(user=member, council=council, parent=None, name="Réunions")
    services.document_upload(user=member, council=council, folder=None, uploaded=_pdf("a.pdf"))
    other = services.document_upload(
        user=member, council=council, folder=None, uploaded=_pdf("b.pdf")
    )
    client.force_login(member)
    page = client.post(
        reverse("documents:folder_create", args=[council.slug]), {"name": "Réunions"}, follow=True
    ).content.decode()
    assert "porte déjà ce nom ici" in page
    assert Folder.objects.filter(name="Réunions").count() == 1
    organize = reverse("documents:organize", args=[council.slug, "fichier", other.pk])
    client.post(organize, {"action": "renommer", "name": "a.pdf"})
    other.refresh_from_db()
    assert other.name == "b.pdf"


def test_an_empty_upload_says_so(client, council):
    client.force_login(member_of(council))
    page = client.post(
        reverse("documents:upload", args=[council.slug]), {"files": []}, follow=True
    ).content.decode()
    assert "Choisissez au moins un fichier." in page
