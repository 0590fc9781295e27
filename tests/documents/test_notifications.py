"""New files and pages are told to the council's other members (in the daily
digest by default), and only while they may still read them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from councils import permissions as council_permissions
from councils import services as council_services
from documents import permissions, services
from notifications import services as notifications
from notifications.models import Notification, Preference
from tests.accounts.factories import XSS, UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
NEW_FILE, NEW_PAGE = "documents.new_file", "documents.new_page"


def _pdf(name="compte-rendu.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


@pytest.fixture
def council():
    return council_create()


@pytest.fixture
def people(council):
    other = council_create()
    return {
        "author": member_of(council),
        "member": member_of(council),
        "coordinator": coordinator_of(council),
        "elsewhere": member_of(other),
        "outsider": UserFactory(),
        "gone": member_of(council, UserFactory(is_active=False)),
    }


def _told(kind: str) -> set:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def test_a_new_file_is_told_to_the_other_members_only(council, people):
    folder = services.folder_create(
        user=people["author"], council=council, parent=None, name="Réunions"
    )
    document = services.document_upload(
        user=people["author"], council=council, folder=folder, uploaded=_pdf()
    )
    assert _told(NEW_FILE) == {people["member"].pk, people["coordinator"].pk}
    told = Notification.objects.filter(kind=NEW_FILE).first()
    assert told.target_id == document.pk
    assert told.url == document.get_absolute_url()
    assert told.actor == people["author"]
    assert told.delivery == "digest"
    assert "compte-rendu.pdf" in told.title and people["author"].display_name in told.title
    assert (told.group_key, told.group_title) == (f"council:{council.pk}", council.name)
    assert (told.thread_key, told.thread_title) == (f"folder:{folder.pk}", "Réunions")


def test_a_file_at_the_top_is_grouped_under_the_councils_files(council, people):
    services.document_upload(user=people["author"], council=council, folder=None, uploaded=_pdf())
    told = Notification.objects.filter(kind=NEW_FILE).first()
    assert told.thread_key == f"folder:root:{council.pk}"
    assert told.thread_title == "Les fichiers du conseil"


def test_a_new_version_tells_nobody(council, people):
    document = services.document_upload(
        user=people["author"], council=council, folder=None, uploaded=_pdf()
    )
    Notification.objects.all().delete()
    services.document_upload(
        user=people["member"],
        council=council,
        folder=None,
        uploaded=_pdf(),
        as_new_version_of=document,
    )
    assert not Notification.objects.exists()


def test_a_new_page_is_told_with_a_plain_text_excerpt(council, people):
    page = services.page_create(
        user=people["author"],
        council=council,
        title="Ordre du jour",
        body="# Réunion\n\n1. **Fête** de quartier",
    )
    assert _told(NEW_PAGE) == {people["member"].pk, people["coordinator"].pk}
    told = Notification.objects.filter(kind=NEW_PAGE).first()
    assert told.target_id == page.pk
    assert told.url == page.get_absolute_url()
    assert "Ordre du jour" in told.title
    assert "Fête de quartier" in told.excerpt
    assert "**" not in told.excerpt and "<" not in told.excerpt
    assert told.thread_key == f"pages:{council.pk}"
    assert told.delivery == "digest"


def test_the_recipients_are_found_in_one_query(council, django_assert_num_queries):
    for _number in range(30):
        member_of(council)
    with django_assert_num_queries(1):
        readers = list(council_permissions.space_readers(council))
    assert len(readers) == 30


def test_the_digest_groups_by_council_then_folder(
    council, people, mailoutbox, django_capture_on_commit_callbacks
):
    folder = services.folder_create(
        user=people["author"], council=council, parent=None, name="Réunions"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.document_upload(
            user=people["author"], council=council, folder=folder, uploaded=_pdf("a.pdf")
        )
        services.document_upload(
            user=people["author"], council=council, folder=folder, uploaded=_pdf("b.pdf")
        )
        services.page_create(user=people["author"], council=council, title="Idées", body="Du texte")
    assert mailoutbox == []  # the digest is the default: nothing at once
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_digests() == 2
    digest = next(m for m in mailoutbox if m.to == [people["member"].email])
    body = digest.body
    assert body.count(f"== {council.name} ==") == 1
    assert body.count("Réunions") == 1
    assert body.index("a.pdf") < body.index("b.pdf") < body.index("Idées")
    assert "Pages écrites ensemble" in body
    assert "/notifications/desabonnement/" in body


def test_chosen_at_once_the_e_mail_says_what_and_where(
    council, people, mailoutbox, django_capture_on_commit_callbacks
):
    notifications.preference_set(user=people["member"], kind=NEW_FILE, delivery="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_upload(
            user=people["author"], council=council, folder=None, uploaded=_pdf()
        )
    assert [m.to for m in mailoutbox] == [[people["member"].email]]
    message = mailoutbox[0]
    assert "compte-rendu.pdf" in message.subject
    assert document.get_absolute_url() in message.body
    assert "Nouveaux fichiers dans mes conseils" in message.body


def test_a_member_removed_after_the_event_gets_nothing_of_it(
    council, people, mailoutbox, django_capture_on_commit_callbacks
):
    member = people["member"]
    Preference.objects.create(user=people["coordinator"], kind=NEW_FILE, delivery="immediate")
    notifications.preference_set(user=member, kind=NEW_FILE, delivery="immediate")
    # Captured, not run: the e-mails are built after the member leaves.
    with django_capture_on_commit_callbacks(execute=False):
        services.document_upload(
            user=people["author"], council=council, folder=None, uploaded=_pdf()
        )
        services.page_create(user=people["author"], council=council, title="Idées", body="Texte")
    told = list(Notification.objects.filter(recipient=member))
    assert len(told) == 2
    council_services.membership_leave(user=member, council=council)
    assert notifications.visible(member, told) == ([], told)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.deliver_immediate([n.pk for n in Notification.objects.all()])
        notifications.send_digests()
    assert member.email not in [address for m in mailoutbox for address in m.to]
    assert people["coordinator"].email in [address for m in mailoutbox for address in m.to]


def test_a_file_in_the_trash_is_hidden(council, people):
    document = services.document_upload(
        user=people["author"], council=council, folder=None, uploaded=_pdf()
    )
    told = list(Notification.objects.filter(recipient=people["member"]))
    assert notifications.visible(people["member"], told)[0] == told
    services.item_trash(user=people["author"], item=document)
    assert notifications.visible(people["member"], told)[0] == []
    # Nor can someone else reach it through the id.
    assert permissions.visible_document_ids(people["elsewhere"], [document.pk]) == set()
    assert permissions.visible_document_ids(people["outsider"], [document.pk]) == set()


def test_a_published_file_still_leaves_a_former_member_nothing(council, people):
    document = services.document_upload(
        user=people["author"], council=council, folder=None, uploaded=_pdf()
    )
    services.item_publish(user=people["coordinator"], item=document, public=True)
    council_services.membership_leave(user=people["member"], council=council)
    assert permissions.visible_document_ids(people["member"], [document.pk]) == set()


def test_the_centre_escapes_markup(client, council, people):
    services.page_create(
        user=people["author"], council=council, title=f"Page {XSS}", body=f"Texte {XSS}"
    )
    client.force_login(people["member"])
    page = client.get(reverse("notifications:index")).content.decode()
    assert "Page &lt;script&gt;" in page
    assert XSS not in page
