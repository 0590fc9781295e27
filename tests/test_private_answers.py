"""Private answers across the whole site: a shared computer (a community
centre's, a library's) keeps none of them in its cache, and an anonymous
visitor cannot tell a private thing that exists from one that does not.

Every answer given to a signed-in person depends on who they are, so it
leaves with ``Cache-Control: no-store`` unless its view chose its own header
(downloads keep theirs); the pages reached by a secret link say the same.
Anonymous public pages stay cacheable as before.
"""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.roles import animator_appoint
from councils.services import invitation_send, invitation_token
from documents import services as document_services
from support import emails as support_emails
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of, referent_of
from tests.events.factories import EventFactory
from tests.forums.factories import topic_in
from tests.news.factories import article_create
from tests.support.factories import help_request_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    settings.FORUM_NEW_ACCOUNT_DAYS = 0
    settings.FORUM_APPROVE_FIRST_POSTS = 0
    council = council_create()
    coordinator = coordinator_of(council)
    member = member_of(council)
    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    referent = referent_of("59")
    topic = topic_in(council.forum, member, title="Notre budget", body="Premier message")
    folder = document_services.folder_create(
        user=member, council=council, parent=None, name="Comptes"
    )
    document = document_services.document_upload(
        user=member,
        council=council,
        folder=folder,
        uploaded=SimpleUploadedFile("budget.txt", b"Le budget\n", "text/plain"),
    )
    page = document_services.page_create(
        user=member, council=council, title="Compte rendu", body="Nous avons parlé."
    )
    private_event = EventFactory(council=council, created_by=member)
    public_event = EventFactory(council=council, created_by=member, public=True)
    draft = article_create(author=coordinator, council=council, state="draft")
    published = article_create(author=coordinator, council=council)
    help_request = help_request_submit(requester=member, council=council)
    anonymous_request = help_request_submit(council=council)
    invitation = invitation_send(
        actor=coordinator, council=council, email="invitee@exemple.test", role="member"
    )
    return SimpleNamespace(
        council=council,
        coordinator=coordinator,
        member=member,
        animator=animator,
        referent=referent,
        topic=topic,
        folder=folder,
        document=document,
        page=page,
        private_event=private_event,
        public_event=public_event,
        draft=draft,
        published=published,
        help_request=help_request,
        anonymous_request=anonymous_request,
        invitation=invitation,
    )


def _as(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _private_pages(s) -> dict[str, list[str]]:
    """Who reads which private pages: every kind of page the brief names."""
    slug = s.council.slug
    return {
        "member": [
            reverse("councils:space", args=[slug]),
            reverse("councils:members", args=[slug]),
            reverse("councils:leave", args=[slug]),
            reverse("councils:mine"),
            s.council.forum.get_absolute_url(),
            s.topic.get_absolute_url(),
            reverse("documents:root", args=[slug]),
            reverse("documents:folder", args=[slug, s.folder.pk]),
            reverse("documents:document", args=[slug, s.document.pk]),
            reverse("documents:pages", args=[slug]),
            s.page.get_absolute_url(),
            reverse("documents:page_history", args=[slug, s.page.pk]),
            reverse("events:council_agenda", args=[slug]),
            s.private_event.get_absolute_url(),
            reverse("events:event_edit", args=[slug, s.private_event.pk]),
            reverse("support:mine"),
            s.help_request.get_absolute_url(),
            reverse("notifications:index"),
            reverse("notifications:preferences"),
            reverse("accounts:my_data"),
            reverse("accounts:profile"),
            reverse("accounts:profile_edit"),
            reverse("search:search") + "?q=budget",
        ],
        "coordinator": [
            reverse("councils:manage", args=[slug]),
            reverse("documents:trash", args=[slug]),
            reverse("forums:moderation"),
            reverse("councils:edit", args=[slug]),
            reverse("councils:log", args=[slug]),
            reverse("councils:transparency", args=[slug]),
            s.draft.get_absolute_url(),
            reverse("news:edit", args=[s.draft.pk]),
        ],
        "referent": [
            reverse("councils:manage", args=[slug]),
            reverse("councils:log", args=[slug]),
            reverse("support:queue"),
            s.help_request.get_team_url(),
        ],
        "animator": [
            reverse("councils:animation"),
            reverse("support:queue"),
            reverse("support:statistics"),
            s.help_request.get_team_url(),
        ],
    }


def test_every_private_page_tells_the_browser_not_to_store_it(site):
    problems = []
    for role, urls in _private_pages(site).items():
        client = _as(getattr(site, role))
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                problems.append(f"{role} {url}: answered {response.status_code}")
            elif "no-store" not in response.get("Cache-Control", ""):
                problems.append(f"{role} {url}: Cache-Control {response.get('Cache-Control')!r}")
    assert not problems, "\n".join(problems)


def test_public_pages_seen_signed_in_are_not_stored_either(site):
    """The header, the menu and the notifications count name the person."""
    client = _as(site.member)
    for url in (
        reverse("home"),
        reverse("councils:directory"),
        site.council.get_absolute_url(),
        site.public_event.get_absolute_url(),
        site.published.get_absolute_url(),
        reverse("support:help"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_pages_opened_by_a_secret_link_are_not_stored(site):
    client = Client()
    follow = client.get(support_emails.follow_url(site.anonymous_request))
    assert follow.status_code == 200
    assert escape(site.anonymous_request.subject) in follow.content.decode()
    assert "no-store" in follow["Cache-Control"]
    invitation = client.get(
        reverse("councils:invitation", args=[invitation_token(site.invitation)])
    )
    assert invitation.status_code == 200
    assert "no-store" in invitation["Cache-Control"]


def test_anonymous_public_pages_stay_cacheable(site):
    client = Client()
    for url in (
        reverse("home"),
        reverse("councils:directory"),
        site.council.get_absolute_url(),
        site.public_event.get_absolute_url(),
        site.published.get_absolute_url(),
        reverse("news:index"),
        reverse("events:agenda"),
        reverse("support:help"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Cache-Control" not in response, (url, response["Cache-Control"])


def test_downloads_keep_their_own_caching_headers(site):
    client = _as(site.member)
    response = client.get(reverse("documents:download", args=[site.council.slug, site.document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Le budget\n"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    export = client.post(reverse("accounts:my_data_export"))
    assert export["Cache-Control"] == "no-store"


# Private or missing: the same answer to an anonymous visitor.

MISSING = 999_999


def _private_and_missing(s) -> dict[str, tuple[str, str]]:
    """For each kind of private address: one that exists, one that does not."""
    slug = s.council.slug

    def pair(name: str, pk: int, *, in_council: bool = True) -> tuple[str, str]:
        before = [slug] if in_council else []
        return reverse(name, args=[*before, pk]), reverse(name, args=[*before, MISSING])

    def by_slug(name: str, existing: str = slug) -> tuple[str, str]:
        return reverse(name, args=[existing]), reverse(name, args=["nulle-part"])

    post = s.topic.posts.get()
    return {
        "event": pair("events:event", s.private_event.pk),
        "event calendar": pair("events:event_feed", s.private_event.pk),
        "event edit": pair("events:event_edit", s.private_event.pk),
        "event of an unknown council": (
            s.private_event.get_absolute_url(),
            reverse("events:event", args=["nulle-part", s.private_event.pk]),
        ),
        "topic": pair("forums:topic", s.topic.pk, in_council=False),
        "topic, first unread": pair("forums:first_unread", s.topic.pk, in_council=False),
        "post": pair("forums:post", post.pk, in_council=False),
        "post history": pair("forums:post_history", post.pk, in_council=False),
        "post edit": pair("forums:post_edit", post.pk, in_council=False),
        "council forum": by_slug("forums:forum", s.council.forum.slug),
        "council forum by council": by_slug("forums:council_forum"),
        "folder": pair("documents:folder", s.folder.pk),
        "file": pair("documents:document", s.document.pk),
        "file download": pair("documents:download", s.document.pk),
        "thumbnail": pair("documents:thumbnail", s.document.pk),
        "page": pair("documents:page", s.page.pk),
        "page history": pair("documents:page_history", s.page.pk),
        "page edit": pair("documents:page_edit", s.page.pk),
        "files": by_slug("documents:root"),
        "pages": by_slug("documents:pages"),
        "space": by_slug("councils:space"),
        "members": by_slug("councils:members"),
        "agenda": by_slug("events:council_agenda"),
        "management": by_slug("councils:manage"),
        "membership log": by_slug("councils:log"),
        "access log": by_slug("councils:transparency"),
        "news draft": pair("news:article", s.draft.pk, in_council=False),
        "news draft edit": pair("news:edit", s.draft.pk, in_council=False),
        "help request": pair("support:request", s.help_request.pk, in_council=False),
        "help request, team page": pair(
            "support:team_request", s.help_request.pk, in_council=False
        ),
    }


def _anonymous_answer(url: str) -> tuple[int, str]:
    """The status, and where it sends: the asked address itself replaced, so
    that two addresses sent to the same place compare equal."""
    response = Client().get(url)
    location = response.get("Location", "")
    parts = urlsplit(location)
    query = [
        (name, "<asked>" if value == url else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return response.status_code, f"{parts.path}?{urlencode(query)}"


def test_anonymous_visitors_cannot_tell_a_private_thing_from_a_missing_one(site):
    problems = []
    for kind, (existing, missing) in _private_and_missing(site).items():
        answers = _anonymous_answer(existing), _anonymous_answer(missing)
        if answers[0] != answers[1]:
            problems.append(f"{kind}: {existing} -> {answers[0]}, {missing} -> {answers[1]}")
        elif answers[0] not in ((404, "?"), (302, f"{reverse('account_login')}?next=%3Casked%3E")):
            # Not found, or, where logging in could help, sent to log in and back.
            problems.append(f"{kind}: {existing} -> {answers[0]}")
    assert not problems, "\n".join(problems)
