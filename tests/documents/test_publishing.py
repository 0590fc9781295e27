"""A coordinator publishes a file or a page: anyone reads it; nothing else
of the council becomes public."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from documents import services
from documents.models import Document
from tests.councils.factories import coordinator_of, council_create, member_of

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
CONFIRMED = {"public": "1", "confirm": "1"}


@pytest.fixture
def council():
    return council_create()


def _document(council, member, name="rapport-annuel.pdf"):
    return services.document_upload(
        user=member,
        council=council,
        folder=None,
        uploaded=SimpleUploadedFile(name, PDF, "application/pdf"),
    )


def test_a_published_file_is_on_the_public_page_and_downloadable_by_anyone(client, council):
    coordinator = coordinator_of(council)
    published = _document(council, coordinator)
    private = _document(council, coordinator, name="notes-internes.pdf")
    page = services.page_create(
        user=coordinator, council=council, title="Bilan 2026", body="Texte public"
    )
    secret = services.page_create(
        user=coordinator, council=council, title="Brouillon zqx", body="x"
    )

    client.force_login(coordinator)
    client.post(
        reverse("documents:toggle_publication", args=[council.slug, "fichier", published.pk]),
        CONFIRMED,
    )
    client.post(
        reverse("documents:toggle_publication", args=[council.slug, "page", page.pk]), CONFIRMED
    )
    client.logout()

    public = client.get(council.get_absolute_url()).content.decode()
    assert "rapport-annuel.pdf" in public and "Bilan 2026" in public
    assert "notes-internes.pdf" not in public and "Brouillon zqx" not in public
    listing = client.get(reverse("documents:publications")).content.decode()
    assert "rapport-annuel.pdf" in listing and "notes-internes.pdf" not in listing

    response = client.get(reverse("documents:public_download", args=[published.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert client.get(reverse("documents:public_download", args=[private.pk])).status_code == 404
    assert (
        "Texte public"
        in client.get(reverse("documents:public_page", args=[page.pk])).content.decode()
    )
    assert client.get(reverse("documents:public_page", args=[secret.pk])).status_code == 404


def test_only_coordinators_publish(client, council):
    member = member_of(council)
    document = _document(council, member)
    with pytest.raises(PermissionDenied):
        services.item_publish(user=member, item=document, public=True)
    client.force_login(member)
    url = reverse("documents:toggle_publication", args=[council.slug, "fichier", document.pk])
    for response in (client.get(url), client.post(url), client.post(url, CONFIRMED)):
        assert response.status_code == 404
    document.refresh_from_db()
    assert document.published_at is None


def test_a_trashed_or_archived_publication_is_no_longer_public(client, council):
    from councils import services as council_services
    from tests.councils.factories import referent_of

    coordinator = coordinator_of(council)
    document = _document(council, coordinator)
    services.item_publish(user=coordinator, item=document, public=True)
    url = reverse("documents:public_download", args=[document.pk])
    assert client.get(url).status_code == 200
    services.item_trash(user=coordinator, item=Document.objects.get(pk=document.pk))
    assert client.get(url).status_code == 404
    Document.objects.filter(pk=document.pk).update(deleted_at=None)
    council_services.council_archive(actor=referent_of("59"), council=council)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("kind", ["fichier", "page"])
def test_a_publish_button_from_a_stale_tab_never_makes_the_item_private(client, council, kind):
    """Two tabs show "Publish": the first publishes; the second must not
    unpublish it (nor write a second line in the council's log)."""
    from councils.models import MembershipEvent

    coordinator = coordinator_of(council)
    if kind == "fichier":
        item = _document(council, coordinator)
    else:
        item = services.page_create(user=coordinator, council=council, title="Bilan", body="x")
    client.force_login(coordinator)
    shown = client.get(item.get_absolute_url()).content.decode()
    assert 'name="public" value="1"' in shown
    url = reverse("documents:toggle_publication", args=[council.slug, kind, item.pk])

    client.post(url, CONFIRMED)
    client.post(url, CONFIRMED)

    item.refresh_from_db()
    assert item.published_at is not None
    published = [MembershipEvent.Action.FILE_PUBLISHED, MembershipEvent.Action.PAGE_PUBLISHED]
    assert MembershipEvent.objects.filter(council=council, action__in=published).count() == 1
    assert 'name="public" value="0"' in client.get(item.get_absolute_url()).content.decode()

    client.post(url, {"public": "0"})
    item.refresh_from_db()
    assert item.published_at is None


def test_publishing_what_is_already_public_changes_nothing(council):
    """At the service: a second publish keeps the first date and writes no
    second log line, whoever calls it."""
    from councils.models import MembershipEvent

    coordinator = coordinator_of(council)
    document = _document(council, coordinator)
    services.item_publish(user=coordinator, item=document, public=True)
    document.refresh_from_db()
    first = document.published_at

    services.item_publish(user=coordinator, item=document, public=True)

    document.refresh_from_db()
    assert document.published_at == first
    action = MembershipEvent.Action.FILE_PUBLISHED
    assert MembershipEvent.objects.filter(council=council, action=action).count() == 1


CSV = b"nom;courriel\nAwa;awa@example.org\n"


def _csv(council, member, name="contacts.csv"):
    return services.document_upload(
        user=member,
        council=council,
        folder=None,
        uploaded=SimpleUploadedFile(name, CSV, "text/csv"),
    )


def test_the_publish_button_asks_first_saying_what_becomes_public_and_to_whom(client, council):
    coordinator = coordinator_of(council)
    document = _csv(council, coordinator)
    client.force_login(coordinator)
    shown = client.get(document.get_absolute_url()).content.decode()
    assert "Publier sur la page publique" in shown
    url = reverse("documents:toggle_publication", args=[council.slug, "fichier", document.pk])

    for response in (client.post(url, {"public": "1"}), client.get(url)):
        assert response.status_code == 200
        text = response.content.decode()
        assert "Publier «\u00a0contacts.csv\u00a0»\u00a0?" in text
        assert "n’importe qui sur Internet" in text
        assert f"{len(CSV)}\u00a0octets" in text
        assert reverse("documents:publications") in text and escape(council.name) in text
        assert "données personnelles" in text
        assert 'name="confirm"' in text
    document.refresh_from_db()
    assert document.published_at is None
    assert client.get(reverse("documents:public_download", args=[document.pk])).status_code == 404

    response = client.post(url, CONFIRMED)

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.published_at is not None
    client.logout()
    assert client.get(reverse("documents:public_download", args=[document.pk])).status_code == 200


def test_an_ordinary_file_or_a_page_is_asked_for_without_the_personal_data_warning(client, council):
    coordinator = coordinator_of(council)
    document = _document(council, coordinator)
    page = services.page_create(user=coordinator, council=council, title="Bilan", body="x")
    client.force_login(coordinator)
    for kind, item, name in (("fichier", document, "rapport-annuel.pdf"), ("page", page, "Bilan")):
        url = reverse("documents:toggle_publication", args=[council.slug, kind, item.pk])
        text = client.post(url, {"public": "1"}).content.decode()
        assert f"Publier «\u00a0{name}\u00a0»\u00a0?" in text
        assert "n’importe qui sur Internet" in text
        assert "données personnelles" not in text
        item.refresh_from_db()
        assert item.published_at is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("contacts.csv", True),
        ("Liste des membres.pdf", True),
        ("adresses.xlsx", True),
        ("budget.ods", True),
        ("rapport-annuel.pdf", False),
        ("photo.png", False),
    ],
)
def test_names_that_suggest_personal_data(name, expected):
    from documents.selectors import may_hold_personal_data

    assert may_hold_personal_data(Document(name=name)) is expected


@pytest.mark.parametrize("kind", ["fichier", "page"])
def test_making_private_again_is_one_step(client, council, kind):
    coordinator = coordinator_of(council)
    if kind == "fichier":
        item = _document(council, coordinator)
    else:
        item = services.page_create(user=coordinator, council=council, title="Bilan", body="x")
    services.item_publish(user=coordinator, item=item, public=True)
    client.force_login(coordinator)
    url = reverse("documents:toggle_publication", args=[council.slug, kind, item.pk])

    response = client.post(url, {"public": "0"})

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.published_at is None
