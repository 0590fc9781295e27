"""Every forum page for every role, and that a council's forum never leaks.

The access matrix asks each URL of ``forums/urls.py`` (GET, or POST for the
actions that only take POST) for a council's forum and a national forum of
each audience: 200 or a redirect for those allowed, the login page for
anonymous visitors (logging in could help them), 404 for everyone else — and
a refused request changes nothing.

The leak checks follow the text of a council's post (a unique marker) through
the lists, the search, the moderation page, the council's public page and
the notifications and e-mails sent to followers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import animator_appoint
from councils import services as council_services
from councils.models import Council
from forums import services
from forums.models import Forum, ModerationAction, Post, Report, Subscription, Topic
from notifications import services as notification_services
from notifications.models import Notification
from tests.accounts.factories import XSS, UserFactory
from tests.conftest import stored_files
from tests.councils.factories import (
    OTHER_DEPARTMENT,
    coordinator_of,
    council_create,
    department,
    member_of,
    referent_of,
)
from tests.forums.factories import national_forum, reply_in, topic_in
from tests.forums.test_permissions import (
    AUDIENCES,
    KINDS,
    MODERATORS,
    READERS,
    ROLES,
    WRITERS,
    built_once,
    people_for,
)
from tests.images import png

pytestmark = pytest.mark.django_db

# Unique words of the council's private discussion: they must never reach a non-member.
MARKER = "zqxsecretducoconseil"

OK, REDIRECT, LOGIN, HIDDEN = 200, 302, "login", 404
NON_MEMBERS = [role for role in ROLES if role not in READERS["council"]]


@dataclass
class World:
    council: Council
    other_council: Council
    author: User
    people: dict[str, Any]
    forums: dict[str, Forum]
    topics: dict[str, Topic]
    posts: dict[str, Post]
    reports: dict[str, Report]


def build_world() -> World:
    """Two councils, the roles, a national forum of each audience; in each
    forum a topic opened by a member of the council who is none of the roles,
    and a report on its first post. The council's topic carries the marker in
    its title, its messages, a hidden reply, a report and the moderation log."""
    council = council_create()
    other_council = council_create(department=department(OTHER_DEPARTMENT), town="Lyon")
    people = people_for(council, other_council)
    author = member_of(council)
    forums = {"council": council.forum}
    forums.update({kind: national_forum(audience) for kind, audience in AUDIENCES.items()})
    topics = {
        "council": topic_in(
            council.forum,
            author,
            title=f"Réunion {MARKER} de jeudi",
            body=f"Ordre du jour {MARKER} : le budget.",
        ),
        **{kind: topic_in(forums[kind], author) for kind in AUDIENCES},
    }
    posts = {kind: topic.posts.get() for kind, topic in topics.items()}

    coordinator = people["coordinator"]
    reply_in(topics["council"], coordinator, body=f"Je viendrai {MARKER}.")
    services.topic_pin(moderator=coordinator, topic=topics["council"], pinned=True)
    hidden = reply_in(topics["council"], author, body=f"Message caché {MARKER}.")
    services.post_hide(moderator=coordinator, post=hidden, reason=f"Raison {MARKER}")
    reports = {
        kind: services.report_create(
            reporter=people["member"],
            post=post,
            reason=f"Signalement {MARKER}" if kind == "council" else "Signalement national",
        )
        for kind, post in posts.items()
    }
    return World(council, other_council, author, people, forums, topics, posts, reports)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    yield from built_once(build_world, django_db_blocker)


def _client(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.people[role])
    return client


def _snapshot() -> tuple:
    """What a refused action must leave as it was (four queries)."""
    posts = Post.objects.aggregate(
        count=Count("pk", distinct=True),
        hidden=Count("pk", filter=Q(is_hidden=True), distinct=True),
        pending=Count("pk", filter=Q(status=Post.Status.PENDING), distinct=True),
        open_reports=Count("reports", filter=Q(reports__status=Report.Status.OPEN), distinct=True),
        reactions=Count("reactions", distinct=True),
    )
    topics = Topic.objects.aggregate(
        count=Count("pk"),
        pinned=Count("pk", filter=Q(is_pinned=True)),
        locked=Count("pk", filter=Q(is_locked=True)),
    )
    others = (
        Subscription.objects.count(),
        ModerationAction.objects.count(),
    )
    return (tuple(posts.values()), tuple(topics.values()), others)


def _status(response):
    """The matrix's name for a response: 200, 404, 302, or "login"."""
    if response.status_code == 302 and response.url.startswith(reverse("account_login")):
        return LOGIN
    return response.status_code


def _ask(
    world: World, role: str, method: str, url: str, data: dict, headers: dict | None = None
) -> tuple[Any, bool]:
    """Send one request in a transaction rolled back afterwards, so each role
    meets the same world; tell whether the database changed."""
    client = _client(world, role)
    with transaction.atomic():
        before = _snapshot()
        response = getattr(client, method)(url, data, headers=headers)
        changed = _snapshot() != before
        transaction.set_rollback(True)
    return response, changed


# The matrix. Each URL: how to reach it, and who may (the others are sent to
# login when anonymous, 404 otherwise).


@dataclass(frozen=True)
class Page:
    method: str
    url: Any  # (world, kind) -> str
    allowed: dict[str, frozenset[str]]
    status: int  # for those allowed
    data: tuple = ()
    headers: tuple = ()


SIGNED_IN = frozenset(ROLES) - {"anonymous"}
SAME_ORIGIN = (("sec-fetch-site", "same-origin"),)
SIGNED_IN_READERS = {kind: readers - {"anonymous"} for kind, readers in READERS.items()}
NOBODY = {kind: frozenset() for kind in KINDS}


def _forum_url(name, *extra):
    return lambda w, kind: reverse(name, args=[w.forums[kind].slug, *extra])


def _topic_url(name, *extra):
    return lambda w, kind: reverse(name, args=[w.topics[kind].pk, *extra])


def _post_url(name):
    return lambda w, kind: reverse(name, args=[w.posts[kind].pk])


PAGES = {
    "forum": Page("get", _forum_url("forums:forum"), READERS, OK),
    "topic_create": Page("get", _forum_url("forums:topic_create"), WRITERS, OK),
    # Without a file: the form's answer, once one may write there.
    "editor_image": Page("post", _forum_url("forums:editor_image"), WRITERS, 400, (), SAME_ORIGIN),
    "follow_forum": Page(
        "post",
        lambda w, kind: reverse("forums:follow", args=["forum", w.forums[kind].pk]),
        SIGNED_IN_READERS,
        REDIRECT,
    ),
    "topic": Page("get", _topic_url("forums:topic"), READERS, OK),
    "first_unread": Page("get", _topic_url("forums:first_unread"), READERS, REDIRECT),
    # GET on the reply address goes back to the topic; the reply itself is a POST.
    "reply_get": Page("get", _topic_url("forums:reply"), READERS, REDIRECT),
    "reply": Page(
        "post",
        _topic_url("forums:reply"),
        WRITERS,
        REDIRECT,
        (("body", "Bonne idée."), ("submission_key", "")),
    ),
    "follow_topic": Page(
        "post",
        lambda w, kind: reverse("forums:follow", args=["sujet", w.topics[kind].pk]),
        SIGNED_IN_READERS,
        REDIRECT,
    ),
    "topic_move": Page("get", _topic_url("forums:topic_move"), MODERATORS, OK),
    "topic_moderate": Page(
        "post", _topic_url("forums:topic_moderate", "verrouiller"), MODERATORS, REDIRECT
    ),
    "post": Page("get", _post_url("forums:post"), READERS, REDIRECT),
    "post_edit": Page("get", _post_url("forums:post_edit"), MODERATORS, OK),
    # The author of the post is none of the roles.
    "post_delete": Page("get", _post_url("forums:post_delete"), NOBODY, OK),
    "post_history": Page("get", _post_url("forums:post_history"), MODERATORS, OK),
    "post_report": Page("get", _post_url("forums:post_report"), SIGNED_IN_READERS, OK),
    "post_react": Page(
        "post", _post_url("forums:post_react"), WRITERS, REDIRECT, (("kind", "thanks"),)
    ),
    "post_hide": Page("get", _post_url("forums:post_hide"), MODERATORS, OK),
    "post_unhide": Page("post", _post_url("forums:post_unhide"), MODERATORS, REDIRECT),
    "post_approve": Page("post", _post_url("forums:post_approve"), MODERATORS, REDIRECT),
    "report_handle": Page(
        "post",
        lambda w, kind: reverse("forums:report_handle", args=[w.reports[kind].pk, "traite"]),
        MODERATORS,
        REDIRECT,
    ),
}
SITE_PAGES = {
    "index": Page("get", lambda w, _kind: reverse("forums:index"), {"": frozenset(ROLES)}, OK),
    "search": Page(
        "get",
        lambda w, _kind: reverse("forums:search") + f"?q={MARKER}",
        {"": frozenset(ROLES)},
        OK,
    ),
    "moderation": Page(
        "get",
        lambda w, _kind: reverse("forums:moderation"),
        {"": frozenset({"coordinator", "other_coordinator", "animator"})},
        OK,
    ),
    "forum_create": Page(
        "get", lambda w, _kind: reverse("forums:forum_create"), {"": frozenset({"animator"})}, OK
    ),
    # The private space's link to its forum.
    "council_forum": Page(
        "get",
        lambda w, _kind: reverse("forums:council_forum", args=[w.council.slug]),
        {"": READERS["council"]},
        REDIRECT,
    ),
    "editor_preview": Page(
        "post",
        lambda w, _kind: reverse("forums:editor_preview"),
        {"": SIGNED_IN},
        OK,
        (("content", "**Bonjour**"),),
        SAME_ORIGIN,
    ),
}


def _expected(page: Page, kind: str, role: str):
    if role in page.allowed[kind]:
        return page.status
    return LOGIN if role == "anonymous" else HIDDEN


def _check(world: World, page: Page, kind: str, roles) -> dict:
    """{role: (expected, got, note)} for every role that does not get what it
    should; a refused request that changed the database counts as a mismatch."""
    url = page.url(world, kind)
    mismatches = {}
    for role in roles:
        response, changed = _ask(world, role, page.method, url, dict(page.data), dict(page.headers))
        expected, got = _expected(page, kind, role), _status(response)
        refused = expected in (LOGIN, HIDDEN)
        if got != expected or (refused and changed):
            mismatches[role] = (expected, got, "changed the database" if changed else "")
    return mismatches


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", list(PAGES))
def test_forum_pages_access_matrix(world, name, kind):
    assert _check(world, PAGES[name], kind, ROLES) == {}


@pytest.mark.parametrize("name", list(SITE_PAGES))
def test_site_pages_access_matrix(world, name):
    assert _check(world, SITE_PAGES[name], "", ROLES) == {}


# The pages that show a form: sending it is refused to the same people, and
# changes nothing.
FORMS = {
    "topic_create": lambda w, kind: {"title": "Titre", "body": "Texte", "submission_key": ""},
    "post_edit": lambda w, kind: {"body": "Texte changé", "reason": "Raison"},
    "post_delete": lambda w, kind: {},
    "post_report": lambda w, kind: {"reason": "Insultant"},
    "post_hide": lambda w, kind: {"reason": "Hors sujet"},
    "topic_move": lambda w, kind: {
        "forum": w.forums["registered" if kind == "everyone" else "everyone"].pk,
        "reason": "Mieux ailleurs",
    },
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", list(FORMS))
def test_sending_a_refused_form_is_refused_and_changes_nothing(world, name, kind):
    page = PAGES[name]
    sent = replace(page, method="post", data=tuple(FORMS[name](world, kind).items()))
    refused = [role for role in ROLES if role not in page.allowed[kind]]
    assert _check(world, sent, kind, refused) == {}


@pytest.mark.parametrize(
    "name",
    [name for name, page in PAGES.items() if page.method == "post" and name != "reply"],
)
def test_actions_refuse_get_and_change_nothing(world, name):
    url = PAGES[name].url(world, "council")
    for role in ("member", "coordinator"):
        response, changed = _ask(world, role, "get", url, {})
        assert response.status_code == 405, role
        assert not changed, role


def test_unknown_actions_and_kinds_are_404(world):
    topic, report = world.topics["council"], world.reports["council"]
    for url in (
        reverse("forums:topic_moderate", args=[topic.pk, "supprimer"]),
        reverse("forums:report_handle", args=[report.pk, "oublie"]),
        reverse("forums:follow", args=["conseil", topic.pk]),
    ):
        response, changed = _ask(world, "coordinator", "post", url, {})
        assert response.status_code == 404, url
        assert not changed, url


# Leaks: the council's discussion never shows to those outside it.


def _leak_urls(world: World) -> list[str]:
    council, topic = world.council, world.topics["council"]
    return [
        reverse("forums:index"),
        reverse("forums:search") + "?q=budget",
        reverse("forums:search") + "?q=jeudi",
        reverse("forums:moderation"),
        world.forums["council"].get_absolute_url(),
        topic.get_absolute_url(),
        reverse("forums:first_unread", args=[topic.pk]),
        world.posts["council"].get_absolute_url(),
        council.get_absolute_url(),
        reverse("councils:directory"),
        council.get_space_url(),
        *(world.forums[kind].get_absolute_url() for kind in AUDIENCES),
        # Quoting a council's message into a public reply.
        f"{world.topics['everyone'].get_absolute_url()}?citer={world.posts['council'].pk}",
    ]


def _council_links(world: World) -> list[str]:
    """The addresses of the council's forum, topic and messages, as pages link them."""
    topic = world.topics["council"]
    return [
        f'href="{world.forums["council"].get_absolute_url()}"',
        f'href="{topic.get_absolute_url()}"',
        *(f'href="{post.get_absolute_url()}"' for post in topic.posts.all()),
    ]


@pytest.mark.parametrize("role", NON_MEMBERS)
def test_the_councils_discussion_never_shows_to_non_members(world, role):
    client = _client(world, role)
    links = _council_links(world)
    for url in _leak_urls(world):
        page = client.get(url, follow=True).content.decode()
        assert MARKER not in page, url
        assert XSS not in page, url
        for link in links:
            assert link not in page, (url, link)
    # Searching for the marker itself finds nothing (the page repeats the query).
    page = client.get(reverse("forums:search"), {"q": MARKER}).content.decode()
    assert "Aucun message ne contient ces mots." in page
    for link in links:
        assert link not in page, link


@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_members_find_their_councils_discussion(world, role):
    """The counterpart of the leak check: the marker is there to be found."""
    client = _client(world, role)
    links = _council_links(world)
    for url in (
        reverse("forums:search") + "?q=budget",
        world.forums["council"].get_absolute_url(),
        world.topics["council"].get_absolute_url(),
    ):
        page = client.get(url).content.decode()
        assert MARKER in page, url
        assert XSS not in page, url
    search = client.get(reverse("forums:search"), {"q": MARKER}).content.decode()
    assert links[2] in search
    assert links[0] in client.get(reverse("forums:index")).content.decode()
    moderation = client.get(reverse("forums:moderation"))
    if role == "coordinator":
        assert f"Signalement {MARKER}" in moderation.content.decode()
        assert f"Raison {MARKER}" in moderation.content.decode()
    else:
        assert moderation.status_code == 404


def test_a_hidden_post_shows_its_text_to_moderators_only(world):
    topic = world.topics["council"]
    member_page = _client(world, "member").get(topic.get_absolute_url()).content.decode()
    coordinator_page = _client(world, "coordinator").get(topic.get_absolute_url()).content
    assert f"Message caché {MARKER}" not in member_page
    assert f"Message caché {MARKER}" in coordinator_page.decode()


@pytest.mark.parametrize(("kind", "role"), [("everyone", "registered"), ("council", "member")])
def test_the_report_page_does_not_show_a_hidden_post(world, kind, role):
    moderator = world.people["coordinator" if kind == "council" else "animator"]
    post = reply_in(world.topics[kind], world.author, body="Numéro de téléphone 0600000000")
    services.post_hide(moderator=moderator, post=post, reason="Données personnelles")

    response = _client(world, role).get(reverse("forums:post_report", args=[post.pk]))

    assert response.status_code in (200, 404)
    assert "0600000000" not in response.content.decode()


def test_approving_never_redirects_off_site(world, settings):
    settings.FORUM_NEW_ACCOUNT_DAYS = 1
    settings.FORUM_APPROVE_FIRST_POSTS = 1
    post = reply_in(world.topics["everyone"], UserFactory())
    assert post.status == Post.Status.PENDING
    client = _client(world, "animator")

    response = client.post(
        reverse("forums:post_approve", args=[post.pk]), {"next": "https://pirate.example/"}
    )

    assert response.status_code == 302
    assert not response.url.startswith("https://pirate.example")


def test_an_unverified_account_cannot_upload_images(client, media_root):
    client.force_login(UserFactory(verified=False))

    response = client.post(
        reverse("forums:editor_image", args=[national_forum().slug]),
        {"image": png()},
        headers=dict(SAME_ORIGIN),
    )

    assert response.status_code != 200
    assert stored_files(media_root) == []


# E-mails to followers and to people named in a post.


def _mail_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if address in message.to]


def _outsiders(council: Council) -> list[User]:
    other_council = council_create(department=department(OTHER_DEPARTMENT), town="Lyon")
    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    return [
        UserFactory(),
        member_of(other_council),
        coordinator_of(other_council),
        referent_of(council.department),
        animator,
        UserFactory(is_superuser=True, is_staff=True),
    ]


def test_non_members_cannot_follow_and_receive_nothing(client, django_capture_on_commit_callbacks):
    council = council_create()
    author, follower = member_of(council), member_of(council)
    topic = topic_in(council.forum, author)
    services.subscription_toggle(user=follower, forum=council.forum)
    outsiders = _outsiders(council)

    for outsider in outsiders:
        client.force_login(outsider)
        for url in (
            reverse("forums:follow", args=["sujet", topic.pk]),
            reverse("forums:follow", args=["forum", council.forum.pk]),
        ):
            assert client.post(url).status_code == 404, url
        with pytest.raises(PermissionDenied):
            services.subscription_toggle(user=outsider, topic=topic)
        with pytest.raises(PermissionDenied):
            services.subscription_toggle(user=outsider, forum=council.forum)
    assert not Subscription.objects.filter(user__in=outsiders).exists()

    named = " ".join(f"@{outsider.display_name}" for outsider in outsiders)
    # The module's shared world has its own notifications waiting: set them aside.
    Notification.objects.update(delivered_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        reply_in(topic, coordinator_of(council), body=f"Réponse {MARKER} {named}")
        topic_in(council.forum, author, title=f"Nouveau {MARKER}", body=f"Nouveau {MARKER}")
        notification_services.send_digests()

    assert not Notification.objects.filter(recipient__in=outsiders).exists()
    for outsider in outsiders:
        assert _mail_to(outsider.email) == [], outsider
    for message in mail.outbox:
        assert set(message.to) <= {author.email, follower.email}
    # The counterpart: the author follows the topic, the follower the forum.
    assert _told(author) == [("forums.reply", True)]
    assert _told(follower) == [("forums.new_topic", True)]
    assert _mail_to(author.email) and _mail_to(follower.email)
    assert any(MARKER in message.body for message in _mail_to(follower.email))


def _told(user: User) -> list[tuple[str, bool]]:
    """The kinds of notification ``user`` holds, and whether the marker is in it."""
    return [
        (notification.kind, MARKER in notification.title + notification.excerpt)
        for notification in Notification.objects.filter(recipient=user)
    ]


def test_a_member_who_leaves_receives_nothing_more(client, django_capture_on_commit_callbacks):
    council = council_create()
    coordinator, leaver, stayer = coordinator_of(council), member_of(council), member_of(council)
    topic = topic_in(council.forum, leaver)  # its author follows it
    services.subscription_toggle(user=leaver, forum=council.forum)
    services.subscription_toggle(user=stayer, topic=topic)
    with django_capture_on_commit_callbacks(execute=True):
        reply_in(topic, coordinator, body="Avant le départ")
        notification_services.send_digests()
    assert len(_mail_to(leaver.email)) == 1
    mail.outbox.clear()

    council_services.membership_leave(user=leaver, council=council)
    with django_capture_on_commit_callbacks(execute=True):
        # Named in the reply, and the author of the topic: still nothing.
        reply_in(topic, coordinator, body=f"Après le départ {MARKER} @{leaver.display_name}")
        topic_in(council.forum, stayer, title=f"Nouveau {MARKER}", body=f"Nouveau {MARKER}")
        notification_services.send_digests()

    assert _mail_to(leaver.email) == []
    # What she was told before leaving is forgotten with the council.
    assert _told(leaver) == []
    assert ("forums.reply", True) in _told(stayer)
    assert _mail_to(stayer.email)
    client.force_login(leaver)
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert client.post(reverse("forums:follow", args=["sujet", topic.pk])).status_code == 404


def test_a_member_who_left_is_not_told_of_moderation(django_capture_on_commit_callbacks):
    council = council_create()
    coordinator, leaver = coordinator_of(council), member_of(council)
    topic = topic_in(council.forum, coordinator, title=f"Sujet {MARKER}")
    post = reply_in(topic, leaver, body="Mon avis")
    council_services.membership_leave(user=leaver, council=council)

    with django_capture_on_commit_callbacks(execute=True):
        services.post_hide(moderator=coordinator, post=post, reason=f"Raison {MARKER}")

    for message in _mail_to(leaver.email):
        assert MARKER not in message.subject + message.body
    assert not Notification.objects.filter(recipient=leaver).exists()
