"""A member adds a file with the plain form and writes a page; the documents
pages have no accessibility violation."""

from __future__ import annotations

import re

import pytest

from documents import services
from documents.models import Document, ResourceFolder
from tests.accounts.factories import UserFactory
from tests.councils.factories import council_create, member_of
from tests.e2e.browser import axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_adds_a_file_and_writes_a_page(page, live_server, tmp_path):
    council = council_create(name="Conseil citoyen de l'Alma", town="Roubaix")
    member = member_of(council, UserFactory(display_name="Julien"))
    report = tmp_path / "compte-rendu.pdf"
    report.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")

    log_in(page, live_server, member)
    page.goto(f"{live_server.url}{council.get_space_url()}")
    page.get_by_role("link", name="Les fichiers du conseil").click()
    page.get_by_label("Fichiers à ajouter").set_input_files(str(report))
    page.get_by_role("button", name="Ajouter", exact=True).click()
    assert page.get_by_role("link", name="compte-rendu.pdf", exact=True).is_visible()
    assert Document.objects.filter(council=council, name="compte-rendu.pdf").exists()

    page.goto(f"{live_server.url}{council.get_space_url()}")
    page.get_by_role("link", name="Pages écrites ensemble").click()
    page.get_by_role("link", name="Nouvelle page").click()
    page.get_by_label("Titre").fill("Ordre du jour")
    page.get_by_label("Texte").fill("1. La fête\n2. Le budget")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/espace/pages/\d+/$"))
    assert page.get_by_role("heading", name="Ordre du jour").is_visible()


def test_documents_pages_have_no_accessibility_violation(page, live_server):
    council = council_create()
    member = member_of(council)
    folder = services.folder_create(user=member, council=council, parent=None, name="Archives")
    created = services.page_create(user=member, council=council, title="Charte", body="Texte")
    ResourceFolder.objects.create(name="Guides")
    page.goto(f"{live_server.url}/ressources/")
    assert axe_violations(page) == [], "/ressources/"
    log_in(page, live_server, member)
    slug = council.slug
    for path in [
        f"/conseils/{slug}/espace/fichiers/",
        folder.get_absolute_url(),
        f"/conseils/{slug}/espace/pages/",
        created.get_absolute_url(),
        f"/conseils/{slug}/espace/pages/{created.pk}/modifier/",
        f"/conseils/{slug}/espace/pages/{created.pk}/historique/",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
