"""The "Mes données" zip: the person's own uploads, page revisions, drafts and
help desk messages, a README that says what each part is, and nothing of
anyone else's private things."""

from __future__ import annotations

import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from councils import services as council_services
from documents import services as document_services
from documents.models import Page
from support import services as support_services
from tests.accounts.exports import export_zip, response_zip
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of
from tests.news.factories import animator, article_create
from tests.support.factories import help_request_submit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
MINE = PDF + b"% budget participatif de Lina\n"
THEIRS = PDF + b"% le fichier prive d'un autre membre\n"
ELSEWHERE = PDF + b"% fichier d'un conseil ou Lina n'a jamais ete\n"


def _upload(council, user, content: bytes, name: str, *, new_version_of=None):
    return document_services.document_upload(
        user=user,
        council=council,
        folder=None,
        uploaded=SimpleUploadedFile(name, content, "application/pdf"),
        as_new_version_of=new_version_of,
    )


@pytest.fixture
def world(media_root):
    """Lina, member of the Nord council; Omar, member with her; Zoé, in a
    council Lina never belonged to; each with files, pages, drafts and help
    requests of their own."""
    nord = council_create(name="Conseil du Nord")
    sud = council_create(name="Conseil du Sud")
    # Coordinators: they write the council's news, and so have drafts.
    lina = coordinator_of(nord, UserFactory(email="lina@exemple.test", display_name="Lina"))
    omar = coordinator_of(nord, UserFactory(display_name="Omar"))
    zoe = member_of(sud, UserFactory(display_name="Zoé"))

    mine = _upload(nord, lina, MINE, "budget.pdf")
    # Omar adds a second version of Lina's file, and a file of his own.
    _upload(nord, omar, THEIRS, "budget.pdf", new_version_of=mine)
    _upload(nord, omar, THEIRS, "omar-prive.pdf")
    _upload(sud, zoe, ELSEWHERE, "sud-prive.pdf")

    page = document_services.page_create(
        user=omar, council=nord, title="Charte du conseil", body="Texte d'Omar", summary=""
    )
    page = document_services.page_save(
        user=lina,
        page=page,
        body="Texte d'Omar, complété par Lina : réunion le mardi",
        summary="Ajout de Lina",
        based_on=page.current.number,
    )
    document_services.page_create(
        user=zoe, council=sud, title="Secret du Sud", body="Texte privé du Sud", summary=""
    )

    article_create(author=lina, council=nord, state="draft", title="Brouillon de Lina")
    article_create(author=omar, council=nord, state="draft", title="Brouillon d'Omar")

    team = animator()
    mine_request = help_request_submit(
        requester=lina, subject="Question de Lina", message="Comment réserver une salle ?"
    )
    support_services.request_note(
        actor=team, help_request=mine_request, body="Note interne de l'équipe sur Lina"
    )
    support_services.request_answer(
        actor=team, help_request=mine_request, body="Réponse de l'équipe à Lina"
    )
    support_services.requester_reply(
        user=lina, help_request=mine_request, body="Merci, et pour le samedi ?"
    )
    help_request_submit(requester=omar, subject="Question d'Omar", message="Demande d'Omar")
    return {"lina": lina, "omar": omar, "nord": nord, "sud": sud, "page": page}


def _all_bytes(archive) -> bytes:
    return b"".join(archive.read(name) for name in archive.namelist())


def test_the_zip_holds_my_uploads_revisions_drafts_and_help_desk_messages(world):
    archive = export_zip(world["lina"])
    data = json.loads(archive.read("donnees.json"))

    uploads = data["documents"]["uploaded_files"]
    assert [(u["council"], u["document"], u["version"]) for u in uploads] == [
        ("Conseil du Nord", "budget.pdf", 1)
    ]
    assert archive.read(uploads[0]["file"]) == MINE

    revisions = data["documents"]["page_revisions"]
    assert [(r["page"], r["summary"]) for r in revisions] == [
        ("Charte du conseil", "Ajout de Lina")
    ]
    assert "réunion le mardi" in revisions[0]["text"]

    assert [d["title"] for d in data["news"]["drafts"]] == ["Brouillon de Lina"]
    assert data["news"]["drafts"][0]["status"] == "draft"

    (request,) = data["help_requests"]
    assert request["subject"] == "Question de Lina"
    assert request["message"] == "Comment réserver une salle ?"
    assert [m["text"] for m in request["thread"]] == [
        "Réponse de l'équipe à Lina",
        "Merci, et pour le samedi ?",
    ]


def test_the_zip_holds_nothing_private_of_anyone_else(world):
    archive = export_zip(world["lina"])
    everything = _all_bytes(archive).decode("utf-8", errors="replace")
    # Another member's file, and his version of Lina's own document.
    assert "le fichier prive d'un autre membre" not in everything
    assert not any("omar" in name for name in archive.namelist())
    # A council Lina never belonged to.
    assert "Conseil du Sud" not in everything
    assert "fichier d'un conseil ou Lina" not in everything
    assert "Secret du Sud" not in everything
    assert "Texte privé du Sud" not in everything
    # Other people's drafts and help requests; the team's internal notes.
    assert "Brouillon d'Omar" not in everything
    assert "Question d'Omar" not in everything
    assert "Demande d'Omar" not in everything
    assert "Note interne" not in everything


def test_after_leaving_a_council_my_upload_is_mine_but_its_later_name_is_not(world):
    lina, nord = world["lina"], world["nord"]
    document = document_services.document_rename(
        user=world["omar"],
        document=nord.documents.get(name="budget.pdf"),
        name="Décision secrète du bureau.pdf",
    )
    council_services.membership_leave(user=lina, council=nord)
    Page.objects.filter(pk=world["page"].pk).update(title="Titre changé après son départ")

    archive = export_zip(lina)
    data = json.loads(archive.read("donnees.json"))
    (upload,) = data["documents"]["uploaded_files"]
    assert upload["document"] is None
    assert upload["council"] == "Conseil du Nord"
    assert archive.read(upload["file"]) == MINE
    (revision,) = data["documents"]["page_revisions"]
    assert revision["page"] is None
    assert "réunion le mardi" in revision["text"]
    everything = _all_bytes(archive).decode("utf-8", errors="replace")
    assert document.name not in everything
    assert "secrete" not in everything
    assert "Titre changé" not in everything


def test_the_readme_says_what_each_part_of_the_zip_is(world):
    archive = export_zip(world["lina"])
    assert {"LISEZ-MOI.txt", "donnees.json"} <= set(archive.namelist())
    readme = archive.read("LISEZ-MOI.txt").decode()
    assert "Vos données sur Conseils citoyens" in readme
    assert "lina@exemple.test" in readme
    for key in ("account", "documents", "forums", "news", "help_requests", "councils"):
        assert f"«\u00a0{key}\u00a0»" in readme, key
    for described in ("uploaded_files", "page_revisions", "drafts", "memberships"):
        assert f"- {described}\u00a0:" in readme, described
    data = json.loads(archive.read("donnees.json"))
    # Every file in the zip is listed in the README.
    for name in archive.namelist():
        assert name in readme, name
    assert data["documents"]["uploaded_files"][0]["file"] in readme
    # What is left out, and how to ask for it.
    assert "notes internes" in readme


def test_a_file_missing_from_storage_is_left_out_of_the_zip_and_its_readme(world, media_root):
    lina = world["lina"]
    version = world["nord"].documents.get(name="budget.pdf").versions.get(number=1)
    version.file.storage.delete(version.file.name)
    archive = export_zip(lina)
    data = json.loads(archive.read("donnees.json"))
    missing = data["documents"]["uploaded_files"][0]["file"]
    assert missing not in archive.namelist()
    assert missing not in archive.read("LISEZ-MOI.txt").decode()


def test_the_download_is_a_zip_with_a_readme_even_without_files(client):
    user = UserFactory(display_name="Jeanne")
    client.force_login(user)
    response = client.post(reverse("accounts:my_data_export"))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store"
    archive = response_zip(response)
    assert sorted(archive.namelist()) == ["LISEZ-MOI.txt", "donnees.json"]
    assert json.loads(archive.read("donnees.json"))["account"]["display_name"] == "Jeanne"
    assert "Aucun" in archive.read("LISEZ-MOI.txt").decode()


def test_an_archive_past_the_memory_threshold_goes_to_disk_whole(world, monkeypatch):
    from accounts import services as account_services

    monkeypatch.setattr(account_services, "SPOOL_MAX_SIZE", 64)
    archive = account_services.personal_data_export(user=world["lina"])
    with archive.file:
        assert archive.file._rolled  # written to a temporary file, not kept in memory
        content = archive.file.read()
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as unzipped:
        data = json.loads(unzipped.read("donnees.json"))
        assert unzipped.read(data["documents"]["uploaded_files"][0]["file"]) == MINE


def test_downloads_are_limited_per_hour_with_a_clear_message(client):
    """Each archive copies every file the person uploaded: a loop of requests
    must not hold the site's workers."""
    from accounts.views import EXPORTS_PER_HOUR

    client.force_login(UserFactory())
    url = reverse("accounts:my_data_export")
    for _ in range(EXPORTS_PER_HOUR):
        assert client.post(url)["Content-Type"] == "application/zip"
    refused = client.post(url, follow=True)
    assert refused.redirect_chain[-1][0] == reverse("accounts:my_data")
    assert "réessayez dans une heure" in refused.content.decode()
    # Another person is not held back by it.
    client.force_login(UserFactory())
    assert client.post(url)["Content-Type"] == "application/zip"


def test_uploaded_files_are_stored_in_the_zip_as_they_are(world):
    archive = export_zip(world["lina"])
    uploads = [info for info in archive.infolist() if info.filename.startswith("documents/")]
    assert uploads
    assert {info.compress_type for info in uploads} == {zipfile.ZIP_STORED}
