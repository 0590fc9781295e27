"""The rule above all, checked across the whole site: nothing private of a
council leaves it.

A world is built through the apps' services: council A with private things
in every app (forum topic and reply, an image in a message, folder, file name
and content, an image file and its thumbnail, a page written together, a
private event, a draft and a scheduled article, a help request, unpublished
profile fields, a quiet member's name and address), each carrying its own
secret word. Outsiders follow A's news and are named in A's private forum, so
that notifications and e-mails have a chance to leak. A member and a
coordinator of A then crawl every page they can reach from the home page and
A's space (links, feeds, images, downloads, redirects), breadth-first, GET
only. The crawl must have reached every kind of
private thing, or it proves nothing.

Then each URL of the crawl, plus the site search and the feeds, is requested
as everyone outside A (one test each, over the world and the crawl made once
for the module): a member of council B, a referent of another
department, a referent of A's own department, the national animator, a
registered person with no council, a former member of A, the superuser
outside the admin, and an anonymous visitor. No answer may hold a secret word
that role may not read. The e-mails sent to them are checked the same way.
"""

from __future__ import annotations

import contextlib
import copy
import heapq
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.roles import animator_appoint
from councils import services as council_services
from councils.models import Membership
from documents import services as document_services
from documents.models import Document, Page
from events import services as event_services
from events.models import Event
from forums import services as forum_services
from forums.models import Forum, Post, Topic
from news import services as news_services
from news.models import Article
from support.models import HelpRequest
from tests.accounts.factories import UserFactory
from tests.councils.factories import (
    coordinator_of,
    council_create,
    department,
    member_of,
    referent_of,
)
from tests.images import png
from tests.news.factories import article_create
from tests.support.factories import help_request_submit

pytestmark = pytest.mark.django_db

# Every private text of council A carries the marker and a word of its own,
# so that the crawl can tell which kinds of private things it reached.
MARKER = "zqprivea"
WORDS = {
    "topic": "zqxsujet",
    "post": "zqxreponse",
    "folder": "zqxdossier",
    "file_name": "zqxnomfichier",
    "file_content": "zqxcontenu",
    "image_name": "zqximage",
    "page_title": "zqxpagetitre",
    "page_body": "zqxpagetexte",
    "event_title": "zqxreunion",
    "event_place": "zqxlieu",
    "event_description": "zqxordredujour",
    "draft": "zqxbrouillon",
    "scheduled": "zqxprogramme",
    # Not of A's space, private all the same: each has its own readers.
    "help": "zqxaide",
    "bio": "zqxbio",
    "town": "zqxville",
    "quiet_name": "zqxnom",
    "quiet_email": "zqxadresse",
    "shared": "zqxpartage",
}
OUTSIDERS = [
    "member_b",
    "referent_other",
    "referent_same",
    "animator",
    "registered",
    "former_member",
    "superuser",
    "anonymous",
]
# Who may read which word legitimately (DESIGN.md, "Roles" and "Permissions").
ALLOWED = {
    # The help desk: the national animation, and the referents of the
    # request's department.
    "animator": {"help"},
    "referent_same": {"help", "quiet_name", "quiet_email"},
    # A folder A's coordinator shared with council B.
    "member_b": {"shared"},
}

CRAWL_LIMIT = 400
VARIANTS_PER_PATH = 4
MAX_PAGE = 3


def _secret(*kinds: str) -> str:
    return " ".join([MARKER, *(WORDS[kind] for kind in kinds)])


# The world.


@dataclass
class World:
    council: object
    other: object
    users: dict[str, object]
    crawlers: dict[str, object]
    quiet: object
    leaver: object
    leaver_feed: str = ""
    leaver_notifications: list[str] = field(default_factory=list)
    team_urls: list[str] = field(default_factory=list)
    private_feed: str = ""


def _upload(name: str, content: bytes, content_type: str = "text/plain"):
    return SimpleUploadedFile(name, content, content_type)


def _build_world() -> World:
    council = council_create(
        name="Conseil citoyen de l'Alma", town="Roubaix", presentation="Le conseil de l'Alma."
    )
    other = council_create(
        name="Conseil citoyen de la Duchère",
        department=department("69"),
        town="Lyon",
        presentation="Le conseil de la Duchère.",
    )
    coordinator = coordinator_of(council, UserFactory(display_name="Awa Coordinatrice"))
    member = member_of(
        council,
        UserFactory(
            display_name="Bruno Membre",
            bio=f"Ma présentation {WORDS['bio']}",
            town=f"Roubaix {WORDS['town']}",
        ),
    )
    quiet = member_of(
        council,
        UserFactory(
            display_name=f"Camille {WORDS['quiet_name']}",
            email=f"camille.{WORDS['quiet_email']}@exemple.test",
        ),
    )
    leaver = member_of(council, UserFactory(display_name="Dany Partant"))
    coordinator_of(other, UserFactory(display_name="Eva Coordinatrice B"))
    superuser = UserFactory(display_name="Technique", is_superuser=True, is_staff=True)
    animator = UserFactory(display_name="Animation nationale")
    animator_appoint(user=animator, system=True)
    users = {
        "member_b": member_of(other, UserFactory(display_name="Farid Membre B")),
        "referent_other": referent_of("69", UserFactory(display_name="Gaël Référent 69")),
        "referent_same": referent_of("59", UserFactory(display_name="Hana Référente 59")),
        "animator": animator,
        "registered": UserFactory(display_name="Inès Habitante"),
        "former_member": leaver,
        "superuser": superuser,
        "anonymous": None,
    }

    # Public things, so that the crawl also walks the showcase.
    national = forum_services.national_forum_create(
        system=True, name="Échanges de pratiques", audience=Forum.Audience.EVERYONE
    )
    forum_services.topic_create(
        author=member, forum=national, title="Un sujet public", body="Bonjour à tous."
    )
    article_create(author=coordinator, council=council, title="Une nouvelle publique")
    event_services.event_create(
        actor=coordinator,
        council=council,
        title="Assemblée publique",
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=2),
        place="Salle des fêtes",
        description="Tout le monde est invité.",
        visibility=Event.Visibility.PUBLIC,
    )

    # Outsiders follow A's news and national news: drafts and scheduled
    # articles must tell them nothing.
    for role in ("member_b", "referent_other", "animator", "registered", "superuser"):
        news_services.subscribe(user=users[role], council=council)
        news_services.subscribe(user=users[role], council=None)

    # The council's forum: everyone follows it, so notifications are written.
    forum = Forum.objects.get(council=council)
    for user in (coordinator, quiet, leaver):
        forum_services.subscription_toggle(user=user, forum=forum)
    topic = forum_services.topic_create(
        author=member,
        forum=forum,
        title=f"Notre budget {_secret('topic')}",
        body=f"Premier message {_secret('topic')}",
    )
    coordinator_client = Client()
    coordinator_client.force_login(coordinator)
    answer = coordinator_client.post(
        reverse("forums:editor_image", kwargs={"slug": forum.slug}),
        {"image": png(name="photo.png")},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert answer.status_code == 200, answer.content
    image_code = answer.json()["image_code"]
    # Naming outsiders in a private message tells them nothing.
    mentions = " ".join(
        f"@{users[role].display_name}" for role in ("member_b", "animator", "registered")
    )
    forum_services.post_reply(
        author=coordinator,
        topic=topic,
        body=f"Ma réponse {_secret('post')} {mentions}\n\n{image_code}",
    )

    # Files: a private folder with a text file and an image; a folder shared with B.
    folder = document_services.folder_create(
        user=coordinator, council=council, parent=None, name=f"Comptes {WORDS['folder']} {MARKER}"
    )
    document_services.document_upload(
        user=coordinator,
        council=council,
        folder=folder,
        uploaded=_upload(
            f"budget-{MARKER}-{WORDS['file_name']}.txt",
            f"Le budget secret {_secret('file_content')}\n".encode(),
        ),
    )
    document_services.document_upload(
        user=coordinator,
        council=council,
        folder=None,
        uploaded=png(size=(300, 200), name=f"plan-{MARKER}-{WORDS['image_name']}.png"),
    )
    shared = document_services.folder_create(
        user=coordinator, council=council, parent=None, name=f"Partage {WORDS['shared']}"
    )
    document_services.document_upload(
        user=coordinator,
        council=council,
        folder=shared,
        uploaded=_upload(f"commun-{WORDS['shared']}.txt", f"Pour B {WORDS['shared']}\n".encode()),
    )
    document_services.folder_share(user=coordinator, folder=shared, council=other)

    # A page written together, with two revisions.
    page = document_services.page_create(
        user=member,
        council=council,
        title=f"Compte rendu {_secret('page_title')}",
        body=f"Nous avons parlé du {_secret('page_body')}.",
    )
    document_services.page_save(
        user=coordinator,
        page=page,
        body=f"Nous avons parlé du {_secret('page_body')}, et décidé.",
        summary=f"Ajout {MARKER}",
        based_on=1,
    )

    # A private meeting.
    event_services.event_create(
        actor=member,
        council=council,
        title=f"Réunion {_secret('event_title')}",
        starts_at=timezone.now() + timedelta(days=7),
        ends_at=timezone.now() + timedelta(days=7, hours=2),
        place=f"Chez Bruno {_secret('event_place')}",
        description=f"Ordre du jour {_secret('event_description')}",
    )

    # News not yet published.
    article_create(
        author=coordinator,
        council=council,
        state="draft",
        title=f"Brouillon {_secret('draft')}",
        summary=f"Résumé {_secret('draft')}",
        body=f"Texte {_secret('draft')}",
    )
    article_create(
        author=coordinator,
        council=council,
        state="scheduled",
        title=f"Bientôt {_secret('scheduled')}",
        summary=f"Résumé {_secret('scheduled')}",
        body=f"Texte {_secret('scheduled')}",
    )

    # A help request a member sends about the council.
    help_request = help_request_submit(
        requester=member,
        council=council,
        subject=f"Conflit {WORDS['help']}",
        message=f"Un conflit entre nous {WORDS['help']}.",
        name="Bruno Membre",
    )

    # Private calendar links: the member's, and the one of the member who leaves.
    member_token = event_services.calendar_token_create(actor=member, council=council)
    leaver_token = event_services.calendar_token_create(actor=leaver, council=council)

    world = World(
        council=council,
        other=other,
        users=users,
        crawlers={"coordinator": coordinator, "member": member},
        quiet=quiet,
        leaver=leaver,
    )
    world.private_feed = reverse(
        "events:private_feed", kwargs={"slug": council.slug, "token": member_token}
    )
    world.leaver_feed = reverse(
        "events:private_feed", kwargs={"slug": council.slug, "token": leaver_token}
    )
    world.leaver_notifications = [
        reverse("notifications:open", kwargs={"pk": pk})
        for pk in leaver.notifications.values_list("pk", flat=True)
    ]
    world.team_urls = [
        reverse("support:queue"),
        reverse("support:team_request", kwargs={"pk": help_request.pk}),
    ]
    return world


# Reading answers.


def _body(response) -> bytes:
    """What the answer carries, downloads (streamed) included."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _text(response, body: bytes) -> str:
    """The answer as lower-case text, whatever its type (a download may be
    any file: its bytes are searched too)."""
    text = body.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("text/calendar"):
        # iCalendar folds long lines: a word may be cut by "\r\n ".
        text = re.sub(r"\r?\n[ \t]", "", text)
    return text.lower()


def _is_textual(content_type: str) -> bool:
    return content_type.startswith(("text/", "application/json", "application/atom"))


def _found(text: str) -> set[str]:
    found = {kind for kind, word in WORDS.items() if word in text}
    if MARKER in text:
        found.add("marker")
    return found


class _Links(HTMLParser):
    """The addresses an HTML page points to: links, feeds, images."""

    TAGS = ("a", "link", "img", "source", "area", "iframe")

    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.TAGS:
            return
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


SKIPPED_PREFIXES = ("/static/", "/compte/logout/", "/" + settings.ADMIN_URL.strip("/") + "/")


def _normalise(base: str, link: str) -> str | None:
    """The same-site address ``link`` points to from ``base``, or None to skip it."""
    link = link.strip()
    if not link or link.startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
        return None
    parts = urlsplit(urljoin(f"http://testserver{base}", link))
    if parts.scheme not in ("http", "https") or parts.hostname != "testserver":
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED_PREFIXES):
        return None
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(
        name == "page" and (not value.isdigit() or int(value) > MAX_PAGE) for name, value in query
    ):
        return None
    return urlunsplit(("", "", path, urlencode(query), ""))


@dataclass
class Visit:
    url: str
    status: int
    content_type: str
    body: bytes
    words: set[str] = field(default_factory=set)
    crawlers: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return self.status == 200


class Crawl:
    """Breadth-first over the site as one person, GET only; the private places
    of council A first, so that the cap never cuts them off."""

    def __init__(self, world: World, limit: int = CRAWL_LIMIT):
        self.world = world
        self.limit = limit
        self.visits: dict[str, Visit] = {}

    def _rank(self, url: str) -> int:
        private = (
            f"/conseils/{self.world.council.slug}/",
            "/notifications/",
            "/aide/",
            "/forums/",
            "/actualites/",
            "/profil/",
            "/mes-",
            "/recherche/",
        )
        return 0 if url.startswith(private) else 1

    def run(self, name: str, client: Client, seeds: list[str]) -> None:
        queued: set[str] = set()
        variants: Counter[str] = Counter()
        heap: list[tuple[int, int, str]] = []

        def push(url: str | None, *, seed: bool = False) -> None:
            if url is None or url in queued:
                return
            path = urlsplit(url).path
            if "?" in url and not seed:
                # Filters and sorts of a list: a few of them are enough.
                if variants[path] >= VARIANTS_PER_PATH:
                    return
                variants[path] += 1
            queued.add(url)
            heapq.heappush(heap, (self._rank(url), len(queued), url))

        for seed in seeds:
            push(seed, seed=True)
        visited = 0
        while heap and visited < self.limit:
            _rank, _order, url = heapq.heappop(heap)
            visited += 1
            response = client.get(url)
            body = _body(response)
            content_type = response.get("Content-Type", "")
            visit = self.visits.get(url)
            if visit is None or (visit.status != 200 and response.status_code == 200):
                old = visit
                visit = self.visits[url] = Visit(url, response.status_code, content_type, body)
                if old is not None:
                    visit.words, visit.crawlers = old.words, old.crawlers
            visit.words |= _found(_text(response, body))
            visit.crawlers.add(name)
            if response.status_code in (301, 302, 303, 307, 308):
                push(_normalise(url, response["Location"]))
            elif content_type.startswith("text/html"):
                parser = _Links()
                parser.feed(body.decode("utf-8", errors="replace"))
                for link in parser.links:
                    push(_normalise(url, link))

    def where(self, kind: str, test=lambda visit: True) -> list[str]:
        return [url for url, visit in self.visits.items() if kind in visit.words and test(visit)]


def _forbidden(role: str, url: str, world: World) -> dict[str, str]:
    """The words ``role`` may not find at ``url``: all but those it may read,
    and those the address itself holds (a search box shows its query back)."""
    allowed = set(ALLOWED.get(role, set()))
    if urlsplit(url).path == reverse("accounts:public_profile", kwargs={"pk": world.quiet.pk}):
        # A public profile shows the display name to anyone, not the councils.
        allowed.add("quiet_name")
    address = unquote(url).lower()
    return {
        kind: word
        for kind, word in {"marker": MARKER, **WORDS}.items()
        if kind not in allowed and word not in address
    }


def _private_binary(url: str, world: World) -> bool:
    """Files and images of A's space and of its forum's messages."""
    return url.startswith((world.council.get_space_url(), "/forums/images/"))


def _leaks(
    role: str, url: str, response, body: bytes, world: World, member: Visit | None
) -> list[str]:
    """What ``role`` should not have read in this answer: a secret word, or
    the very bytes of a private file the member downloaded."""
    text = _text(response, body)
    found = [
        f"{kind} ({word})" for kind, word in _forbidden(role, url, world).items() if word in text
    ]
    if (
        response.status_code == 200
        and member is not None
        and member.status == 200
        and not _is_textual(member.content_type)
        and body == member.body
        and _private_binary(url, world)
    ):
        found.append(f"the member's file itself ({member.content_type}, {len(body)} bytes)")
    return found


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _search_urls() -> list[str]:
    urls = [
        f"{reverse('search:search')}?{urlencode({'q': word})}" for word in [MARKER, *WORDS.values()]
    ]
    urls += [
        f"{reverse('forums:search')}?{urlencode({'q': word})}"
        for word in (MARKER, WORDS["topic"], WORDS["post"])
    ]
    return urls


def _feed_urls(world: World) -> list[str]:
    urls = [reverse("news:feed"), reverse("events:national_feed")]
    for council in (world.council, world.other):
        urls += [
            reverse("news:council_feed", kwargs={"slug": council.slug}),
            reverse("events:council_feed", kwargs={"slug": council.slug}),
        ]
    return urls


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Membership, Topic, Post, Document, Page, Event, Article, HelpRequest)
    }


def _mail_leaks(
    world: World, outbox: list, sent_before_leaving: int
) -> list[tuple[str, str, int, list[str]]]:
    """The e-mails each outsider received say nothing more than their pages.
    The former member's count from the moment they left."""
    roles = {
        user.email: role
        for role, user in world.users.items()
        if user is not None and role != "former_member"
    }
    leaks = []
    for index, message in enumerate(outbox):
        text = "\n".join(
            [message.subject, message.body]
            + [str(content) for content, _type in getattr(message, "alternatives", [])]
        ).lower()
        for recipient in {*message.to, *message.cc, *message.bcc}:
            role = roles.get(recipient)
            if recipient == world.leaver.email and index >= sent_before_leaving:
                role = "former_member"
            if role is None:
                continue
            found = [
                f"{kind} ({word})"
                for kind, word in _forbidden(role, "", world).items()
                if word in text
            ]
            if found:
                leaks.append((role, f"e-mail to {recipient}: {message.subject}", 0, found))
    return leaks


# The tests.

# The world's people write several messages in a row.
ESTABLISHED_ACCOUNTS = {"FORUM_NEW_ACCOUNT_DAYS": 0, "FORUM_APPROVE_FIRST_POSTS": 0}
# The exceptions each of these roles must have read, or they were not exercised:
# the help desk reads the request, B the folder shared with it.
EXERCISED = {"animator": {"help"}, "referent_same": {"help"}, "member_b": {"shared"}}


@pytest.fixture(autouse=True)
def _established_accounts(settings):
    for name, value in ESTABLISHED_ACCOUNTS.items():
        setattr(settings, name, value)


@contextlib.contextmanager
def _refusals_quiet():
    """Hundreds of refusals (403, 404) are the point here: log only errors,
    so that a failure shows the list of leaks, not the refusals."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@pytest.fixture(autouse=True)
def _quiet_refusals():
    with _refusals_quiet():
        yield


@dataclass
class Explored:
    """The world, and what its members reached of it."""

    world: World
    crawl: Crawl
    # The private calendar link of the member who then left, read before.
    leaver_feed_before: tuple[int, str]
    counts_before: dict[str, int]
    counts_after: dict[str, int]
    # The e-mails sent until the crawl ended, and how many before the leaving.
    outbox: list
    sent_before_leaving: int


def _explore() -> Explored:
    mail.outbox.clear()
    with override_settings(**ESTABLISHED_ACCOUNTS), _refusals_quiet():
        with TestCase.captureOnCommitCallbacks(execute=True):
            world = _build_world()
        council = world.council

        # The private calendar link of a member who then leaves: it works while
        # they belong (and is probed again, once they left).
        before = _client_for(None).get(world.leaver_feed)
        leaver_feed_before = (before.status_code, _text(before, _body(before)))
        with TestCase.captureOnCommitCallbacks(execute=True):
            council_services.membership_leave(user=world.leaver, council=council)
        sent_before_leaving = len(mail.outbox)

        # The crawl, as a coordinator and as a member of A.
        seeds = [
            "/",
            council.get_space_url(),
            reverse("notifications:index"),
            reverse("support:mine"),
            reverse("accounts:profile"),
            world.private_feed,
            *_feed_urls(world),
            *_search_urls(),
        ]
        counts_before = _counts()
        crawl = Crawl(world)
        for name, user in world.crawlers.items():
            crawl.run(name, _client_for(user), seeds)
        return Explored(
            world=world,
            crawl=crawl,
            leaver_feed_before=leaver_feed_before,
            counts_before=counts_before,
            counts_after=_counts(),
            outbox=list(mail.outbox),
            sent_before_leaving=sent_before_leaving,
        )


@pytest.fixture(scope="module")
def explored(module_data) -> Explored:
    """The world is built and crawled once per module (per xdist worker)."""
    return module_data.build(_explore)


def _crawl_problems(explored: Explored) -> list[str]:
    """Why the crawl would prove nothing: the leaver's link did not work while
    they belonged, a GET changed the database, or a kind of private thing was
    never reached."""
    problems = []
    status, text = explored.leaver_feed_before
    if status != 200 or WORDS["event_title"] not in text:
        problems.append(f"the leaver's calendar link answered {status} while they belonged")
    if explored.counts_after != explored.counts_before:
        problems.append("a GET changed the database")
    crawl = explored.crawl
    visits = crawl.visits
    seen = set().union(*(visit.words for visit in visits.values()))
    missing = set(WORDS) - {"quiet_email"} - seen
    if missing:
        problems.append(f"the crawl never reached: {sorted(missing)}")
    reached = {
        "file download": crawl.where("file_content", lambda v: "text/plain" in v.content_type),
        "private .ics feed": crawl.where(
            "event_title", lambda v: v.content_type.startswith("text/calendar")
        ),
        "notification": crawl.where("file_name", lambda v: v.url.startswith("/notifications/")),
        "help request": crawl.where("help", lambda v: v.url.startswith("/aide/demandes/")),
        "article draft": crawl.where("draft", lambda v: v.url.startswith("/actualites/")),
        "scheduled article": crawl.where("scheduled", lambda v: v.url.startswith("/actualites/")),
        "forum topic": crawl.where("post", lambda v: v.url.startswith("/forums/sujets/")),
        "page": crawl.where("page_body", lambda v: "/espace/pages/" in v.url),
        "event": crawl.where("event_description", lambda v: "/agenda/" in v.url),
        "member list": crawl.where("quiet_name", lambda v: v.url.endswith("/espace/membres/")),
        "search": crawl.where("topic", lambda v: v.url.startswith("/recherche/")),
        "image of a message": [
            url for url, v in visits.items() if url.startswith("/forums/images/") and v.ok
        ],
        "thumbnail": [url for url, v in visits.items() if "/miniature/" in url and v.ok],
    }
    not_reached = [kind for kind, urls in reached.items() if not urls]
    if not_reached:
        problems.append(f"the crawl never reached a {', '.join(not_reached)}")
    return problems


def test_the_crawl_reaches_every_kind_of_private_thing(explored):
    """It reached every kind of private thing, or it proves nothing."""
    assert not _crawl_problems(explored), "\n".join(_crawl_problems(explored))


@pytest.mark.parametrize("role", OUTSIDERS)
def test_nothing_private_of_a_council_reaches_anyone_outside_it(explored, role):
    """``role`` asks for every address of the crawl, and for the search and
    the feeds; then reads its e-mails."""
    problems = _crawl_problems(explored)
    assert not problems, "the crawl proves nothing: " + "; ".join(problems)
    world = copy.deepcopy(explored.world)
    visits = explored.crawl.visits

    # The member's own private calendar link is a secret they hold: whoever
    # holds it reads their agenda, by design (the former member's is probed).
    probes = sorted(
        (set(visits) - {world.private_feed})
        | set(_search_urls())
        | set(_feed_urls(world))
        | set(world.team_urls)
        | set(world.leaver_notifications)
        | {world.leaver_feed}
    )
    leaks: list[tuple[str, str, int, list[str]]] = []
    legitimate: set[str] = set()
    client = _client_for(world.users[role])
    for url in probes:
        response = client.get(url)
        body = _body(response)
        found = _leaks(role, url, response, body, world, visits.get(url))
        if found:
            leaks.append((role, url, response.status_code, found))
        legitimate |= _found(_text(response, body)) & ALLOWED.get(role, set())
    outbox = [*explored.outbox, *mail.outbox]
    leaks += [
        leak for leak in _mail_leaks(world, outbox, explored.sent_before_leaving) if leak[0] == role
    ]

    report = "\n".join(
        f"  {role:15} {status:3} {url}  ->  {', '.join(found)}"
        for role, url, status, found in leaks
    )
    assert not leaks, f"{len(leaks)} leak(s) of council A's private text:\n{report}"

    # The exceptions were exercised (and, above, nothing else of A was read).
    assert EXERCISED.get(role, set()) <= legitimate, (role, legitimate)
