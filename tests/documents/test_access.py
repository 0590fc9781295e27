"""Who reaches what in ``documents``: every URL of ``documents/urls.py`` against
every role. Members read and write, coordinators also manage the trash,
publish and share, the guests of a shared folder read only inside it, and
nobody else learns anything (404, login first for anonymous visitors).
Refused writes change nothing."""

from __future__ import annotations

import copy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from accounts.roles import animator_appoint
from documents import services
from documents.models import (
    Document,
    DocumentVersion,
    Folder,
    FolderGroupObjectPermission,
    Page,
    PageRevision,
    Resource,
    ResourceFolder,
)
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of, referent_of
from tests.images import png

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
MARKER = "zqxmarqueurprive"

ROLES = [
    "anonymous",
    "registered",
    "member",
    "coordinator",
    "other_member",
    "guest",
    "referent",
    "animator",
    "superuser",
]
MEMBERS = {"member", "coordinator"}
COORDINATORS = {"coordinator"}
GUESTS = {"member", "coordinator", "guest"}
EVERYONE = set(ROLES)
ANIMATORS = {"animator"}


def _pdf(name: str, extra: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + extra, "application/pdf")


class World:
    """One council with private, shared, trashed and published things."""

    def __init__(self, capture):
        self.council = council = council_create()
        self.guest_council = council_create()
        self.other_council = council_create()
        self.third_council = council_create()
        self.member = member_of(council)
        self.coordinator = coordinator_of(council)
        coordinator = self.coordinator
        self.users = {
            "anonymous": None,
            "registered": UserFactory(),
            "member": self.member,
            "coordinator": coordinator,
            "other_member": member_of(self.other_council),
            "guest": member_of(self.guest_council),
            "referent": referent_of("59"),
            "animator": UserFactory(),
            "superuser": UserFactory(is_superuser=True, is_staff=True),
        }
        animator_appoint(user=self.users["animator"], system=True)

        def folder(name, parent=None):
            return services.folder_create(
                user=coordinator, council=council, parent=parent, name=name
            )

        def upload(uploaded, folder=None, new_version_of=None):
            return services.document_upload(
                user=coordinator,
                council=council,
                folder=folder,
                uploaded=uploaded,
                as_new_version_of=new_version_of,
            )

        self.private_folder = folder(f"Dossier {MARKER}")
        self.shared = folder("Partagé")
        self.shared_inner = folder("Courriers", self.shared)
        self.private_doc = upload(_pdf(f"{MARKER}.pdf"), self.private_folder)
        upload(_pdf(f"{MARKER}.pdf", b"v2"), self.private_folder, self.private_doc)
        self.shared_doc = upload(_pdf("lettre.pdf"), self.shared_inner)
        upload(_pdf("lettre.pdf", b"v2"), self.shared_inner, self.shared_doc)
        with capture(execute=True):
            self.private_image = upload(png(name=f"photo-{MARKER}.png"))
            self.shared_image = upload(png(name="affiche.png"), self.shared)
        self.trashed = upload(_pdf("corbeille.pdf"))
        services.item_trash(user=coordinator, item=self.trashed)
        self.published_doc = upload(_pdf("rapport-public.pdf"))
        services.item_publish(user=coordinator, item=self.published_doc, public=True)

        self.page = services.page_create(
            user=coordinator, council=council, title=f"Page {MARKER}", body=f"Texte {MARKER}"
        )
        services.page_save(
            user=coordinator, page=self.page, body=f"Texte revu {MARKER}", based_on=1
        )
        self.published_page = services.page_create(
            user=coordinator, council=council, title="Bilan public", body="Texte public"
        )
        services.item_publish(user=coordinator, item=self.published_page, public=True)
        services.folder_share(user=coordinator, folder=self.shared, council=self.guest_council)

        shelf = ResourceFolder.objects.create(name="Guides")
        self.resource = services.resource_add(
            user=self.users["animator"],
            folder=shelf,
            title="Guide national",
            description="Pour tous",
            uploaded=_pdf("guide.pdf"),
        )
        self.shelf = shelf
        for document in (self.private_doc, self.shared_doc, self.private_image):
            document.refresh_from_db()
        assert self.private_image.current_version.thumbnail

    def url(self, name, *args):
        return reverse(f"documents:{name}", args=args)

    def files(self, name, *args):
        return self.url(name, self.council.slug, *args)


@pytest.fixture(scope="module")
def shared_world(module_data):
    """Built once per module (four councils, eight uploads, two thumbnails)."""
    return module_data.build(World, TestCase.captureOnCommitCallbacks)


@pytest.fixture
def world(shared_world):
    return copy.deepcopy(shared_world)


def _login(client, world, role):
    user = world.users[role]
    if user is not None:
        client.force_login(user)


def _assert_refused(response, role, url):
    if role == "anonymous":
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url
    else:
        assert response.status_code == 404, (role, url, response.status_code)


def _wrong_answer(response, role, url, allowed) -> list[tuple[str, str, int]]:
    """The cell of the matrix, if ``response`` is not what ``role`` should get:
    200 when allowed, else the refusal ``_assert_refused`` expects."""
    if role in allowed:
        right = response.status_code == 200
    elif role == "anonymous":
        right = response.status_code == 302 and response.url.startswith(reverse("account_login"))
    else:
        right = response.status_code == 404
    return [] if right else [(role, url, response.status_code)]


def _get_cases(w: World):
    f = w.files
    shared_doc, private_doc = w.shared_doc.pk, w.private_doc.pk
    return [
        (f("root"), MEMBERS),
        (f("folder", w.private_folder.pk), MEMBERS),
        (f("folder", w.shared.pk), GUESTS),
        (f("folder", w.shared_inner.pk), GUESTS),
        (f("document", private_doc), MEMBERS),
        (f("document", shared_doc), GUESTS),
        (f("download", private_doc), MEMBERS),
        (f("download", private_doc) + "?version=1", MEMBERS),
        (f("download", shared_doc), GUESTS),
        (f("download", shared_doc) + "?version=1", GUESTS),
        (f("thumbnail", w.private_image.pk), MEMBERS),
        (f("thumbnail", w.shared_image.pk), GUESTS),
        (f("trash"), COORDINATORS),
        (f("delete", "fichier", private_doc), MEMBERS),
        (f("delete", "fichier", shared_doc), MEMBERS),
        (f("delete", "dossier", w.shared.pk), MEMBERS),
        (f("organize", "fichier", shared_doc), MEMBERS),
        (f("organize", "dossier", w.shared_inner.pk), MEMBERS),
        (f("pages"), MEMBERS),
        (f("page_create"), MEMBERS),
        (f("page", w.page.pk), MEMBERS),
        (f("page", w.published_page.pk), MEMBERS),
        (f("page_edit", w.page.pk), MEMBERS),
        (f("page_history", w.page.pk), MEMBERS),
        (f("page_history", w.page.pk) + "?de=1&a=2", MEMBERS),
    ]


def _public_cases(w: World):
    return [
        (w.url("publications"), EVERYONE),
        (w.url("public_download", w.published_doc.pk), EVERYONE),
        (w.url("public_download", w.private_doc.pk), set()),
        (w.url("public_download", w.shared_doc.pk), set()),
        (w.url("public_download", w.trashed.pk), set()),
        (w.url("public_page", w.published_page.pk), EVERYONE),
        (w.url("public_page", w.page.pk), set()),
        (w.url("resources"), EVERYONE),
        (w.url("resources") + f"?dossier={w.shelf.pk}&q=guide", EVERYONE),
        (w.url("resource_download", w.resource.pk), EVERYONE),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_private_page_and_download(client, world, role):
    _login(client, world, role)
    wrong = []
    for url, allowed in _get_cases(world):
        wrong += _wrong_answer(client.get(url), role, url, allowed)
    assert not wrong, wrong


@pytest.mark.parametrize("role", ROLES)
def test_every_public_page_and_download(client, world, role):
    _login(client, world, role)
    wrong = []
    for url, allowed in _public_cases(world):
        response = client.get(url)
        expected = 200 if role in allowed else 404
        if response.status_code != expected:
            wrong.append((role, url, response.status_code))
    assert not wrong, wrong
    response = client.get(world.url("resource_add"))
    if role in ANIMATORS:
        assert response.status_code == 200
    else:
        _assert_refused(response, role, "resource_add")


@pytest.mark.parametrize("role", ROLES)
def test_the_diff_is_shown_to_members_only(client, world, role):
    _login(client, world, role)
    response = client.get(world.files("page_history", world.page.pk) + "?de=1&a=2")
    if role in MEMBERS:
        assert "Texte revu" in response.content.decode()
    else:
        _assert_refused(response, role, "history")


def _snapshot():
    """Everything a write could change (not the counters or the access log)."""
    return {
        "folders": list(
            Folder.objects.order_by("pk").values_list("pk", "name", "parent_id", "deleted_at")
        ),
        "documents": list(
            Document.objects.order_by("pk").values_list(
                "pk", "name", "folder_id", "deleted_at", "published_at", "current_version_id"
            )
        ),
        "versions": list(DocumentVersion.objects.order_by("pk").values_list("pk", flat=True)),
        "pages": list(
            Page.objects.order_by("pk").values_list(
                "pk", "title", "current_id", "published_at", "deleted_at"
            )
        ),
        "revisions": list(PageRevision.objects.order_by("pk").values_list("pk", flat=True)),
        "shares": list(
            FolderGroupObjectPermission.objects.order_by("pk").values_list(
                "content_object_id", "group_id"
            )
        ),
        "resources": list(Resource.objects.order_by("pk").values_list("pk", flat=True)),
    }


def _post_cases(w: World):
    f = w.files
    return {
        "upload": (
            f("upload"),
            lambda: {"files": [_pdf("nouveau.pdf")], "folder": w.shared.pk},
            MEMBERS,
        ),
        "folder_create": (
            f("folder_create"),
            lambda: {"name": "Nouveau dossier", "folder": w.shared.pk},
            MEMBERS,
        ),
        "share": (
            f("share", w.private_folder.pk),
            lambda: {"council": w.third_council.pk},
            COORDINATORS,
        ),
        "unshare": (
            f("share", w.shared.pk),
            lambda: {"council": w.guest_council.pk, "retirer": "1"},
            COORDINATORS,
        ),
        "rename": (f("rename", w.shared_doc.pk), lambda: {"name": "renomme.pdf"}, MEMBERS),
        "new_version": (
            f("new_version", w.shared_doc.pk),
            lambda: {"file": _pdf("lettre.pdf", b"v3")},
            MEMBERS,
        ),
        "delete_file": (f("delete", "fichier", w.shared_doc.pk), dict, MEMBERS),
        "delete_folder": (f("delete", "dossier", w.shared_inner.pk), dict, MEMBERS),
        "organize_rename": (
            f("organize", "fichier", w.shared_doc.pk),
            lambda: {"action": "renommer", "name": "autre.pdf"},
            MEMBERS,
        ),
        "organize_move": (
            f("organize", "dossier", w.shared_inner.pk),
            lambda: {"action": "deplacer", "destination": ""},
            MEMBERS,
        ),
        "restore": (f("restore", "fichier", w.trashed.pk), dict, COORDINATORS),
        "publish_file": (
            f("toggle_publication", "fichier", w.private_doc.pk),
            lambda: {"public": "1", "confirm": "1"},
            COORDINATORS,
        ),
        "unpublish_page": (
            f("toggle_publication", "page", w.published_page.pk),
            dict,
            COORDINATORS,
        ),
        "page_create": (
            f("page_create"),
            lambda: {"title": "Nouvelle", "body": "Texte"},
            MEMBERS,
        ),
        "page_edit": (
            f("page_edit", w.page.pk),
            lambda: {"title": "Modifiée", "body": "Autre texte", "based_on": 2},
            MEMBERS,
        ),
        "page_restore": (f("page_restore", w.page.pk, 1), dict, MEMBERS),
        "resource_add": (
            w.url("resource_add"),
            lambda: {
                "folder": w.shelf.pk,
                "title": "Autre guide",
                "description": "",
                "file": _pdf("autre.pdf"),
            },
            ANIMATORS,
        ),
        "resource_delete": (w.url("resource_delete", w.resource.pk), dict, ANIMATORS),
    }


POST_ACTIONS = [
    "upload",
    "folder_create",
    "share",
    "unshare",
    "rename",
    "new_version",
    "delete_file",
    "delete_folder",
    "organize_rename",
    "organize_move",
    "restore",
    "publish_file",
    "unpublish_page",
    "page_create",
    "page_edit",
    "page_restore",
    "resource_add",
    "resource_delete",
]


@pytest.mark.parametrize("action", POST_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_every_write(client, world, role, action):
    url, data, allowed = _post_cases(world)[action]
    _login(client, world, role)
    before = _snapshot()
    response = client.post(url, data())
    if role in allowed:
        assert response.status_code == 302, (role, action, response.status_code)
        assert _snapshot() != before, (role, action)
    else:
        _assert_refused(response, role, action)
        assert _snapshot() == before, (role, action)


def test_the_post_urls_refuse_get(client, world):
    client.force_login(world.coordinator)
    cases = _post_cases(world)
    for action in ("upload", "share", "rename", "new_version", "restore"):
        assert client.get(cases[action][0]).status_code == 405, action
    # Restoring a page revision asks first: its GET is the confirmation page.
    assert client.get(cases["page_restore"][0]).status_code == 200
    # Publishing asks first too: its GET is the confirmation page.
    assert client.get(cases["publish_file"][0]).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_asking_to_publish_is_refused_like_publishing(client, world, role):
    """The confirmation step (a GET, or the button's POST without ``confirm``)
    is shown only to those who may publish, and changes nothing."""
    url = world.files("toggle_publication", "fichier", world.private_doc.pk)
    _login(client, world, role)
    before = _snapshot()
    for response in (client.get(url), client.post(url, {"public": "1"})):
        if role in COORDINATORS:
            assert response.status_code == 200, role
            assert "Publier" in response.content.decode()
        else:
            _assert_refused(response, role, url)
    assert _snapshot() == before, role
    world.private_doc.refresh_from_db()
    assert world.private_doc.published_at is None


def test_guests_lose_the_folder_once_unshared(client, world):
    guest = world.users["guest"]
    f = world.files
    urls = [
        f("folder", world.shared.pk),
        f("folder", world.shared_inner.pk),
        f("document", world.shared_doc.pk),
        f("download", world.shared_doc.pk),
        f("download", world.shared_doc.pk) + "?version=1",
        f("thumbnail", world.shared_image.pk),
    ]
    client.force_login(guest)
    guest_root = reverse("documents:root", args=[world.guest_council.slug])
    assert "Partagé" in client.get(guest_root).content.decode()
    for url in urls:
        assert client.get(url).status_code == 200, url

    services.folder_unshare(
        user=world.coordinator, folder=world.shared, council=world.guest_council
    )
    client.force_login(type(guest).objects.get(pk=guest.pk))
    assert "Partagé" not in client.get(guest_root).content.decode()
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_guests_lose_the_folder_once_it_is_trashed(client, world):
    services.item_trash(user=world.coordinator, item=world.shared)
    client.force_login(world.users["guest"])
    assert client.get(world.files("download", world.shared_doc.pk)).status_code == 404
    assert client.get(world.files("folder", world.shared_inner.pk)).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_private_names_never_show_on_public_pages(client, world, role):
    _login(client, world, role)
    for url in (
        world.council.get_absolute_url(),
        world.url("publications"),
        world.url("resources"),
        world.url("resources") + "?q=photo",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARKER not in response.content.decode(), (role, url)
    public = client.get(world.council.get_absolute_url()).content.decode()
    assert "rapport-public.pdf" in public and "Bilan public" in public


def test_a_guest_does_not_see_the_folders_above_the_shared_one(client, world):
    coordinator, council = world.coordinator, world.council
    outer = services.folder_create(
        user=coordinator, council=council, parent=None, name=f"Secret {MARKER}"
    )
    inner = services.folder_create(user=coordinator, council=council, parent=outer, name="Public")
    document = services.document_upload(
        user=coordinator, council=council, folder=inner, uploaded=_pdf("modele.pdf")
    )
    services.folder_share(user=coordinator, folder=inner, council=world.guest_council)
    client.force_login(world.users["guest"])
    for url in (inner.get_absolute_url(), document.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert MARKER not in response.content.decode(), url


def test_guests_lose_the_folder_once_the_owner_council_is_archived(client, world):
    from councils import services as council_services

    council_services.council_archive(actor=world.users["referent"], council=world.council)
    client.force_login(world.users["guest"])
    assert client.get(world.files("download", world.shared_doc.pk)).status_code == 404
    assert client.get(world.files("folder", world.shared.pk)).status_code == 404
    client.force_login(world.member)
    assert client.get(world.files("download", world.shared_doc.pk)).status_code == 200
