"""Accessibility across the site, in a real browser.

axe-core finds no violation (its default rules: WCAG 2.0, 2.1 A and AA and
the best practices) on every page type, each seen by the person who uses it:
one browser and one log-in per role, every page of the role in turn. Then the
post form and the upload form, used with the keyboard alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from councils import services as council_services
from councils.models import Council
from documents import services as document_services
from documents.models import Document
from forums import services as forum_services
from forums.models import Topic
from support import emails as support_emails
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of, referent_of
from tests.e2e.browser import log_in
from tests.events.factories import EventFactory
from tests.forums.factories import national_forum, reply_in, topic_in
from tests.news.factories import animator, article_create
from tests.support.factories import help_request_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
AXE = Axe()


def established(**fields):
    """An account made a year ago: its posts are published at once."""
    return UserFactory(date_joined=timezone.now() - timedelta(days=365), **fields)


@dataclass
class Site:
    """A small site with something on every page: the factories' text carries
    markup, so the pages are checked with hostile content too."""

    council: Council
    member: object
    coordinator: object
    referent: object
    team: object
    urls: dict[str, str]


def site_create() -> Site:
    council = council_create(town="Roubaix")
    coordinator = coordinator_of(council, established())
    member = member_of(council, established())
    referent = referent_of("59", established())
    team = animator()
    slug = council.slug

    council_article = article_create(author=coordinator, council=council)
    national_article = article_create(author=team)
    public_event = EventFactory(council=council, created_by=coordinator, public=True)
    private_event = EventFactory(council=council, created_by=coordinator)

    national = national_forum(name="Faire vivre son conseil")
    national_topic = topic_in(national, established())
    reported = reply_in(national_topic, established())
    forum_services.report_create(reporter=member, post=reported, reason="Propos blessants.")
    council_topic = topic_in(council.forum, coordinator)
    reply_in(council_topic, member)

    folder = document_services.folder_create(
        user=coordinator, council=council, parent=None, name="Comptes rendus"
    )
    document = document_services.document_upload(
        user=coordinator,
        council=council,
        folder=None,
        uploaded=SimpleUploadedFile("compte-rendu.pdf", PDF, "application/pdf"),
    )
    document_services.item_publish(user=coordinator, item=document, public=True)
    contacts = document_services.document_upload(
        user=coordinator,
        council=council,
        folder=None,
        uploaded=SimpleUploadedFile("contacts.csv", b"nom;courriel\n", "text/csv"),
    )
    page = document_services.page_create(
        user=coordinator, council=council, title="Notre charte", body="Texte **commun**."
    )
    # Someone waits for an answer on the management page.
    council_services.membership_request(
        user=established(), council=council, message="J'habite le quartier."
    )

    own_request = help_request_submit(requester=member)
    visitor_request = help_request_submit()

    urls = {
        # What anyone sees.
        "home": "/",
        "directory": "/conseils/?town=Roubaix",
        "council page": council.get_absolute_url(),
        "national news": reverse("news:index"),
        "national article": national_article.get_absolute_url(),
        "council news": reverse("news:council", kwargs={"slug": slug}),
        "council article": council_article.get_absolute_url(),
        "agenda": reverse("events:agenda"),
        "public event": public_event.get_absolute_url(),
        "search": f"{reverse('search:search')}?q=conseil",
        "forums": reverse("forums:index"),
        "national forum": national.get_absolute_url(),
        "national topic": national_topic.get_absolute_url(),
        "resources": reverse("documents:resources"),
        "help desk": reverse("support:help"),
        "help request follow-up": reverse(
            "support:follow", kwargs={"token": support_emails.follow_token(visitor_request)}
        ),
        "login": reverse("account_login"),
        "signup": reverse("account_signup"),
        "password reset": reverse("account_reset_password"),
        # A member's council.
        "private space": council.get_space_url(),
        "members": reverse("councils:members", kwargs={"slug": slug}),
        "council forum": council.forum.get_absolute_url(),
        "council topic": council_topic.get_absolute_url(),
        "new topic form": reverse("forums:topic_create", kwargs={"slug": council.forum.slug}),
        "files": reverse("documents:root", kwargs={"slug": slug}),
        "folder": folder.get_absolute_url(),
        "file": document.get_absolute_url(),
        "pages": reverse("documents:pages", kwargs={"slug": slug}),
        "page": page.get_absolute_url(),
        "page editor": reverse("documents:page_edit", kwargs={"slug": slug, "pk": page.pk}),
        "page history": reverse("documents:page_history", kwargs={"slug": slug, "pk": page.pk}),
        "council agenda": reverse("events:council_agenda", kwargs={"slug": slug}),
        "private event": private_event.get_absolute_url(),
        "member search": f"{reverse('search:search')}?q=Réunion",
        # The member's own pages.
        "notifications": reverse("notifications:index"),
        "notification preferences": reverse("notifications:preferences"),
        "profile": reverse("accounts:profile"),
        "profile edit": reverse("accounts:profile_edit"),
        "my data": reverse("accounts:my_data"),
        "my councils": reverse("councils:mine"),
        "my help requests": reverse("support:mine"),
        "my help request": own_request.get_absolute_url(),
        "e-mail addresses": reverse("account_email"),
        "password change": reverse("account_change_password"),
        # The national animation team.
        "help desk queue": reverse("support:queue"),
        "help desk request": visitor_request.get_team_url(),
        "help desk statistics": reverse("support:statistics"),
        "moderation": reverse("forums:moderation"),
        "animation": reverse("councils:animation"),
        "national article form": reverse("news:create"),
        # The coordinator and the referent.
        "membership management": reverse("councils:manage", kwargs={"slug": slug}),
        "public page editor": reverse("councils:edit", kwargs={"slug": slug}),
        "council article form": reverse("news:council_create", kwargs={"slug": slug}),
        "event form": reverse("events:event_create", kwargs={"slug": slug}),
        "new council form": reverse("councils:create"),
        "publish confirmation": reverse(
            "documents:toggle_publication", args=[slug, "fichier", contacts.pk]
        ),
    }
    return Site(council, member, coordinator, referent, team, urls)


# Who looks at which pages: one browser and one log-in each.
ROLES = {
    "visitor": (
        None,
        [
            "home",
            "directory",
            "council page",
            "national news",
            "national article",
            "council news",
            "council article",
            "agenda",
            "public event",
            "search",
            "forums",
            "national forum",
            "national topic",
            "resources",
            "help desk",
            "help request follow-up",
            "login",
            "signup",
            "password reset",
        ],
    ),
    "member-space": (
        "member",
        [
            "private space",
            "members",
            "forums",
            "council forum",
            "council topic",
            "new topic form",
            "files",
            "folder",
            "file",
            "pages",
            "page",
            "page editor",
            "page history",
            "council agenda",
            "private event",
            "member search",
        ],
    ),
    "member-account": (
        "member",
        [
            "home",
            "council page",
            "national topic",
            "notifications",
            "notification preferences",
            "profile",
            "profile edit",
            "my data",
            "my councils",
            "help desk",
            "my help requests",
            "my help request",
            "e-mail addresses",
            "password change",
        ],
    ),
    "animator": (
        "team",
        [
            "help desk",
            "help desk queue",
            "help desk request",
            "help desk statistics",
            "moderation",
            "animation",
            "national article form",
            "national topic",
        ],
    ),
    "coordinator": (
        "coordinator",
        [
            "membership management",
            "public page editor",
            "council article form",
            "event form",
            "council page",
            "publish confirmation",
        ],
    ),
    "referent": ("referent", ["new council form", "directory", "my councils"]),
}


def violations(page) -> list[str]:
    """Each violation: rule, impact, WCAG tags and the first elements hit."""
    found = []
    for violation in AXE.run(page).response["violations"]:
        tags = ",".join(tag for tag in violation["tags"] if tag.startswith(("wcag", "best")))
        targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
        found.append(
            f"{violation['id']} ({violation['impact']}, {tags}): {violation['help']}; "
            f"{len(violation['nodes'])} element(s): {targets}"
        )
    return found


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_type_has_no_accessibility_violation(page, live_server, role):
    site = site_create()
    user_attribute, names = ROLES[role]
    if user_attribute:
        log_in(page, live_server, getattr(site, user_attribute))
    found = {}
    for name in names:
        response = page.goto(f"{live_server.url}{site.urls[name]}")
        if response.status != 200:
            found[name] = [f"HTTP {response.status} at {site.urls[name]}"]
        elif problems := violations(page):
            found[name] = [f"{site.urls[name]}", *problems]
    assert found == {}


# The keyboard alone. Each step presses one key and says where the focus must
# land; the focus is visible (:focus-visible) wherever it lands.

FOCUSED = """() => {
  const element = document.activeElement;
  return {
    name: element.getAttribute("name") || element.id || element.innerText.trim(),
    tag: element.tagName.toLowerCase(),
    visible: element.matches(":focus-visible"),
  };
}"""


class KeyboardTrap(AssertionError):
    """Tab does not leave a field (WCAG 2.1.2, no keyboard trap)."""


def press(page, key: str, expected: str) -> None:
    before = page.evaluate(FOCUSED)
    page.keyboard.press(key)
    focused = page.evaluate(FOCUSED)
    if key.endswith("Tab") and focused == before and before["tag"] == "textarea":
        raise KeyboardTrap(f"{key} does not leave the field {before['name']!r}")
    assert focused["name"] == expected, f"{key} went to {focused}, not {expected!r}"
    assert focused["visible"], f"no visible focus on {expected!r}"


def skip_to_content(page) -> None:
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["name"] == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_the_new_topic_form_works_with_the_keyboard_alone(page, live_server):
    council = council_create(name="Conseil citoyen de l'Alma")
    member = member_of(council, established())
    log_in(page, live_server, member)
    page.goto(
        f"{live_server.url}{reverse('forums:topic_create', kwargs={'slug': council.forum.slug})}"
    )

    skip_to_content(page)
    press(page, "Tab", "Forums")
    press(page, "Tab", "Conseil citoyen de l'Alma")
    press(page, "Tab", "title")
    page.keyboard.type("Fête des voisins")
    press(page, "Tab", "body")
    page.keyboard.type("Qui apporte quoi ?")
    page.keyboard.press("Enter")
    page.keyboard.type("Je prends les boissons.")
    press(page, "Shift+Tab", "title")
    press(page, "Tab", "body")
    press(page, "Tab", "Ouvrir le sujet")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Fête des voisins")).to_be_visible()
    topic = Topic.objects.get(forum=council.forum, title="Fête des voisins")
    assert topic.author == member
    # Browsers send line breaks as CRLF.
    assert (
        topic.posts.get().body.replace("\r\n", "\n")
        == "Qui apporte quoi ?\nJe prends les boissons."
    )


def test_the_upload_form_works_with_the_keyboard_alone(page, live_server, tmp_path):
    council = council_create(name="Conseil citoyen de l'Alma")
    member = member_of(council, established())
    minutes = tmp_path / "compte-rendu-avril.pdf"
    minutes.write_bytes(PDF)
    log_in(page, live_server, member)
    page.goto(f"{live_server.url}{reverse('documents:root', kwargs={'slug': council.slug})}")

    skip_to_content(page)
    for link in ("Page publique", "Espace privé", "Membres", "Fichiers"):
        press(page, "Tab", link)
    press(page, "Tab", "files")
    # Space on the file field opens the file chooser, as it does for a person.
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(minutes))
    press(page, "Tab", "as_new_versions")
    press(page, "Shift+Tab", "files")
    press(page, "Tab", "as_new_versions")
    press(page, "Tab", "Ajouter")
    page.keyboard.press("Space")

    expect(page.get_by_role("link", name="compte-rendu-avril.pdf", exact=True)).to_be_visible()
    document = Document.objects.get(council=council, name="compte-rendu-avril.pdf")
    assert document.versions.get().uploaded_by == member
