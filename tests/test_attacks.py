"""Attacks across the whole site, through the real forms and views: the
hostile markdown and upload lists against every input that takes them, CSRF
on every URL, the login brute-force limit, and the security headers on every
kind of response.

Each app's tests prove its own checks; these prove that no input, form or
response of any app was left out.
"""

from __future__ import annotations

import copy
import html
import importlib
import io
import itertools
import json
import re
import signal
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import feedparser
import pytest
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import parse_rates
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BaseForm, FileField
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, include, path, resolve, reverse
from django.utils import timezone, translation
from django.utils.csp import build_policy
from PIL import Image

from accounts.models import User
from accounts.roles import animator_appoint
from common import images as picture_checks
from common import uploads as upload_checks
from common.markdown import LONGEST_TEXT, render_markdown
from conseils.models import SitePage
from councils.models import (
    PRESENTATION_MAX_LENGTH,
    Council,
    Department,
    JoinRequest,
    Membership,
)
from councils.services import (
    invitation_send,
    membership_request,
    referent_appoint,
)
from documents import services as document_services
from documents.models import Document, Page, Resource, ResourceFolder
from events.models import Event
from forums.models import ModerationAction, Post, Topic
from forums.services import report_create, subscription_toggle
from news.models import SUMMARY_MAX_LENGTH, Article
from news.services import subscribe
from notifications import registry as notification_kinds
from notifications.models import Notification
from notifications.services import preference_set
from support import emails as support_emails
from support.models import HelpMessage, HelpRequest
from tests.accounts.factories import PASSWORD, UserFactory
from tests.conftest import stored_files
from tests.councils.factories import coordinator_of, council_create, member_of, referent_of
from tests.events.factories import EventFactory
from tests.forums.factories import national_forum, reply_in, topic_in
from tests.hostile import (
    CLEANED_LINE_BREAKS,
    CONTROL_CHARACTERS,
    HOSTILE_FILES,
    HOSTILE_LINE_BREAKS,
    HOSTILE_MARKDOWN,
    HOSTILE_QUERY_VALUES,
    HOSTILE_TEXT,
    PDF,
    SLOW_MARKDOWN,
    active_content,
)
from tests.news.factories import animator as animator_create
from tests.news.factories import article_create
from tests.support.factories import help_request_submit

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


# The world's people write several messages in a row.
ESTABLISHED_ACCOUNTS = {"FORUM_NEW_ACCOUNT_DAYS": 0, "FORUM_APPROVE_FIRST_POSTS": 0}


def _build_world():
    """One council with its people and content, a national forum, an animator
    and a referent: someone allowed for each form of the site."""
    council = council_create()
    coordinator = coordinator_of(council)
    member = member_of(council)
    animator = animator_create()
    referent = referent_of("59")
    forum = national_forum()
    topic = topic_in(forum, member, title="Sujet", body="Premier message")
    council_topic = topic_in(council.forum, member, title="Sujet du conseil", body="Bonjour")
    reply = reply_in(council_topic, coordinator, body="Réponse")
    page = document_services.page_create(
        user=member, council=council, title="Ordre du jour", body="1. Budget"
    )
    document = document_services.document_upload(
        user=member,
        council=council,
        folder=None,
        uploaded=_file("rapport.pdf", PDF),
    )
    folder = document_services.folder_create(
        user=member, council=council, parent=None, name="Réunions"
    )
    article = article_create(author=animator, body="Texte")
    event = EventFactory(council=council, created_by=member, public=True, description="Ordre")
    shelf = ResourceFolder.objects.create(name="Guides")
    help_request = help_request_submit(requester=member, council=council)
    return SimpleNamespace(
        council=council,
        coordinator=coordinator,
        member=member,
        animator=animator,
        referent=referent,
        forum=forum,
        topic=topic,
        post=topic.posts.get(),
        council_topic=council_topic,
        reply=reply,
        page=page,
        document=document,
        folder=folder,
        article=article,
        event=event,
        shelf=shelf,
        help_request=help_request,
    )


@pytest.fixture(scope="module")
def shared_world(module_data):
    """Built once per module (per xdist worker)."""
    return module_data.build(override_settings(**ESTABLISHED_ACCOUNTS)(_build_world))


@pytest.fixture
def world(shared_world, settings):
    for name, value in ESTABLISHED_ACCOUNTS.items():
        setattr(settings, name, value)
    return copy.deepcopy(shared_world)


def _file(name: str, content: bytes):
    return SimpleUploadedFile(name, content, "application/octet-stream")


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _refused_with_a_message(response) -> bool:
    page = response.content.decode()
    return response.status_code in (200, 400) and ("errorlist" in page or "form-errors" in page)


# Hostile markdown and text: every input that takes them.


@dataclass(frozen=True)
class TextInput:
    """A field people type text in, shown again to others."""

    id: str
    writer: str  # who writes it, in the world
    max_length: int
    submit: Callable[[Client, SimpleNamespace, str, int], HttpResponse]
    # The pages that show what was just written.
    shows: Callable[[SimpleNamespace, HttpResponse], list[str]]
    # The pages that list every text written, read once at the end.
    lists: Callable[[SimpleNamespace], list[str]] = lambda w: []
    escaped: bool = False  # plain text shown as typed, not markdown


def _article_data(text: str, n: int, **more) -> dict:
    return {
        "title": f"Article {n}",
        "summary": "Résumé",
        "body": text,
        "tags": "",
        "cover_alt": "",
        "publication": "now",
        "publish_at": "",
        "submission_key": f"article-{n}",
        **more,
    }


def _event_data(text: str, n: int) -> dict:
    return {
        "title": f"Réunion {n}",
        "starts_at": "2030-12-03T18:30",
        "ends_at": "2030-12-03T20:30",
        "place": "Maison de quartier",
        "description": text,
        "visibility": "public",
    }


def _council_data(council: Council, text: str) -> dict:
    return {
        "name": council.name,
        "town": council.town,
        "neighbourhood_name": council.neighbourhood_name,
        "neighbourhood_code": "",
        "founded_on": "2016-03-01",
        "presentation": text,
        "version": council.updated_at.isoformat(),
    }


def _latest_url(model) -> Callable:
    return lambda w, response: [model.objects.latest("pk").get_absolute_url()]


def _redirect(w, response) -> list[str]:
    return [response.url]


def _page_and_history(w, response) -> list[str]:
    page = Page.objects.latest("updated_at", "pk")
    return [
        page.get_absolute_url(),
        reverse("documents:page_history", args=[page.council.slug, page.pk]),
    ]


def _site_page_edit(client, w, text, n):
    page = SitePage.objects.get(slug="mentions-legales")
    return client.post(
        reverse("site_page_edit", kwargs={"slug": page.slug}),
        {
            "title": page.title,
            "summary": page.summary,
            "body": text,
            "change_summary": "",
            "version": page.version,
        },
    )


def _page_edit(client, w, text, n):
    w.page.refresh_from_db()
    return client.post(
        reverse("documents:page_edit", args=[w.council.slug, w.page.pk]),
        {"title": "Ordre du jour", "body": text, "based_on": w.page.current.number},
    )


def _article_edit(client, w, text, n):
    w.article.refresh_from_db()
    return client.post(
        reverse("news:edit", args=[w.article.pk]),
        _article_data(text, n, version=w.article.updated_at.isoformat()),
    )


def _council_edit(client, w, text, n):
    council = Council.objects.get(pk=w.council.pk)
    return client.post(reverse("councils:edit", args=[council.slug]), _council_data(council, text))


def _council_create(client, w, text, n):
    data = {
        **_council_data(w.council, text),
        "department": w.council.department_id,
        "name": f"Conseil citoyen attaqué {n}",
    }
    return client.post(reverse("councils:create"), data)


TEXT_INPUTS = [
    TextInput(
        "forum-topic",
        "member",
        20_000,
        lambda c, w, text, n: c.post(
            reverse("forums:topic_create", args=[w.forum.slug]),
            {"title": f"Sujet {n} {text[:100]}", "body": text, "submission_key": f"t{n}"},
        ),
        _latest_url(Topic),
        lambda w: [
            w.forum.get_absolute_url(),
            reverse("forums:index"),
            reverse("forums:search") + "?q=alert",
            reverse("search:search") + "?q=alert",
        ],
    ),
    TextInput(
        "council-forum-topic",
        "member",
        20_000,
        lambda c, w, text, n: c.post(
            reverse("forums:topic_create", args=[w.council.forum.slug]),
            {"title": f"Sujet {n}", "body": text, "submission_key": f"t{n}"},
        ),
        _latest_url(Topic),
        lambda w: [
            w.council.forum.get_absolute_url(),
            reverse("councils:space", args=[w.council.slug]),
        ],
    ),
    TextInput(
        "forum-reply",
        "coordinator",
        20_000,
        lambda c, w, text, n: c.post(
            reverse("forums:reply", args=[w.council_topic.pk]),
            {"body": text, "submission_key": f"r{n}"},
        ),
        _redirect,
    ),
    TextInput(
        "forum-post-edit",
        "coordinator",
        20_000,
        lambda c, w, text, n: c.post(
            reverse("forums:post_edit", args=[w.reply.pk]), {"body": text}
        ),
        lambda w, response: [
            response.url,
            reverse("forums:post_history", args=[w.reply.pk]),
        ],
    ),
    TextInput(
        "forum-editor-preview",
        "member",
        LONGEST_TEXT,
        lambda c, w, text, n: c.post(
            reverse("forums:editor_preview"), {"content": text}, **SAME_ORIGIN
        ),
        lambda w, response: [],
    ),
    TextInput(
        "shared-page-create",
        "member",
        50_000,
        lambda c, w, text, n: c.post(
            reverse("documents:page_create", args=[w.council.slug]),
            {"title": f"Page {n}", "body": text, "summary": ""},
        ),
        _page_and_history,
        lambda w: [
            reverse("documents:pages", args=[w.council.slug]),
            reverse("search:search") + "?q=alert",
        ],
    ),
    TextInput("shared-page-edit", "coordinator", 50_000, _page_edit, _page_and_history),
    TextInput(
        "national-article",
        "animator",
        50_000,
        lambda c, w, text, n: c.post(reverse("news:create"), _article_data(text, n)),
        _redirect,
        lambda w: [
            reverse("news:index"),
            reverse("news:feed"),
            reverse("home"),
            reverse("search:search") + "?q=alert",
        ],
    ),
    TextInput(
        "council-article",
        "coordinator",
        50_000,
        lambda c, w, text, n: c.post(
            reverse("news:council_create", args=[w.council.slug]), _article_data(text, n)
        ),
        _redirect,
        lambda w: [
            reverse("news:council", args=[w.council.slug]),
            reverse("news:council_feed", args=[w.council.slug]),
            w.council.get_absolute_url(),
        ],
    ),
    TextInput("article-edit", "animator", 50_000, _article_edit, _redirect),
    TextInput(
        "article-summary",
        "animator",
        SUMMARY_MAX_LENGTH,
        lambda c, w, text, n: c.post(
            reverse("news:create"), {**_article_data("Texte", n), "summary": text}
        ),
        _redirect,
        lambda w: [reverse("news:index"), reverse("news:feed")],
        escaped=True,
    ),
    TextInput(
        "event-description",
        "member",
        20_000,
        lambda c, w, text, n: c.post(
            reverse("events:event_create", args=[w.council.slug]), _event_data(text, n)
        ),
        _redirect,
        lambda w: [
            reverse("events:council_agenda", args=[w.council.slug]),
            reverse("events:agenda"),
            reverse("events:council_feed", args=[w.council.slug]),
        ],
    ),
    TextInput(
        "event-edit",
        "coordinator",
        20_000,
        lambda c, w, text, n: c.post(
            reverse("events:event_edit", args=[w.council.slug, w.event.pk]), _event_data(text, n)
        ),
        _redirect,
    ),
    TextInput(
        "council-presentation",
        "coordinator",
        10_000,
        _council_edit,
        lambda w, response: [w.council.get_absolute_url()],
        lambda w: [reverse("councils:directory")],
    ),
    TextInput(
        "new-council-presentation",
        "referent",
        10_000,
        _council_create,
        _latest_url(Council),
    ),
    TextInput(
        "site-page",
        "animator",
        100_000,
        _site_page_edit,
        lambda w, response: [
            reverse("legal_notice"),
            reverse("site_page_history", kwargs={"slug": "mentions-legales"}),
        ],
    ),
    TextInput(
        "profile-bio",
        "member",
        600,
        lambda c, w, text, n: c.post(
            reverse("accounts:profile_edit"),
            {"display_name": f"Awa {n}", "bio": text, "town": "", "publish_bio": "on"},
        ),
        lambda w, response: [
            reverse("accounts:profile"),
            reverse("accounts:public_profile", args=[w.member.pk]),
        ],
        escaped=True,
    ),
    TextInput(
        "help-request",
        "member",
        5_000,
        lambda c, w, text, n: c.post(
            reverse("support:help"),
            {
                "subject": f"Demande {n} {text[:100]}",
                "message": text,
                "name": "Awa",
                "email": w.member.email,
                "phone": "",
                "call_times": "",
                "submission_key": f"h{n}",
            },
        ),
        lambda w, response: [HelpRequest.objects.latest("pk").get_absolute_url()],
        lambda w: [reverse("support:mine")],
        escaped=True,
    ),
]


def _problems_in(client, url: str, *, anonymous: bool = False) -> list[str]:
    """What in the answer at ``url`` could run: HTML pages are scanned, the
    HTML inside Atom entries too; calendars must stay plain text."""
    response = client.get(url)
    if anonymous and response.status_code == 302:
        return []  # private: anonymous visitors are sent to log in
    if response.status_code != 200:
        return [f"{url} answered {response.status_code}"]
    content_type = response["Content-Type"]
    body = response.content.decode()
    if content_type.startswith("text/calendar"):
        sniff = response.get("X-Content-Type-Options")
        return [] if sniff == "nosniff" else [f"{url}: a calendar without nosniff"]
    if content_type.startswith("application/atom+xml"):
        # As a feed reader reads it: what the feed declares as HTML is HTML.
        feed = feedparser.parse(response.content, sanitize_html=False)
        fragments = [
            detail.value
            for entry in feed.entries
            for detail in (entry.get("summary_detail"), entry.get("title_detail"))
            if detail and detail.type == "text/html"
        ]
        return [
            f"{url} (Atom): {problem}" for text in fragments for problem in active_content(text)
        ]
    return [f"{url}: {problem}" for problem in active_content(body)]


@pytest.mark.parametrize("text_input", TEXT_INPUTS, ids=[i.id for i in TEXT_INPUTS])
def test_hostile_text_comes_out_inert_wherever_it_is_shown(world, text_input):
    client = _as(getattr(world, text_input.writer))
    problems = []
    for n, text in enumerate(HOSTILE_TEXT if text_input.escaped else HOSTILE_MARKDOWN):
        cache.clear()  # the anti-flood counters: this test floods on purpose
        response = text_input.submit(client, world, text, n)
        if len(text) > text_input.max_length:
            if not _refused_with_a_message(response):
                problems.append(f"#{n}: too long, answered {response.status_code}")
            continue
        if response.status_code not in (200, 302):
            problems.append(f"#{n}: answered {response.status_code}")
            continue
        if response.status_code == 200 and "errorlist" in response.content.decode():
            problems.append(f"#{n}: refused {text[:60]!r}")
            continue
        problems += [f"#{n}: {p}" for p in active_content(response.content.decode())]
        for url in text_input.shows(world, response):
            problems += [f"#{n} {p}" for p in _problems_in(client, url)]
    for url in text_input.lists(world):
        problems += _problems_in(client, url)
        problems += _problems_in(Client(), url, anonymous=True)
    problems = list(dict.fromkeys(problems))  # a page read twice says it once
    assert not problems, "\n".join(problems)


# Every page that reads its address's parameters, with each parameter it reads.
QUERY_INPUTS = [
    ("anonymous", lambda w: reverse("search:search"), ["q", "type", "page"]),
    ("member", lambda w: reverse("search:search"), ["q", "type", "page"]),
    (
        "anonymous",
        lambda w: reverse("councils:directory"),
        ["q", "town", "region", "department", "page"],
    ),
    ("member", lambda w: reverse("forums:search"), ["q", "page"]),
    ("member", lambda w: w.council_topic.get_absolute_url(), ["citer", "page"]),
    ("member", lambda w: w.forum.get_absolute_url(), ["page"]),
    ("anonymous", lambda w: reverse("news:index"), ["etiquette", "page"]),
    ("anonymous", lambda w: reverse("events:agenda"), ["region", "page"]),
    ("anonymous", lambda w: reverse("documents:resources"), ["q", "dossier", "page"]),
    (
        "member",
        lambda w: reverse("documents:page_history", args=[w.council.slug, w.page.pk]),
        ["de", "a"],
    ),
    (
        "member",
        lambda w: reverse("documents:download", args=[w.council.slug, w.document.pk]),
        ["version"],
    ),
    ("anonymous", lambda w: reverse("support:help"), ["conseil"]),
    ("member", lambda w: reverse("support:mine"), ["page"]),
    (
        "animator",
        lambda w: reverse("support:queue"),
        ["etat", "departement", "attribuee", "appel", "page"],
    ),
    ("animator", lambda w: reverse("support:statistics"), ["semaines", "departement"]),
    ("member", lambda w: reverse("notifications:index"), ["page"]),
    ("anonymous", lambda w: reverse("account_login"), ["next"]),
    ("anonymous", lambda w: reverse("account_signup"), ["next"]),
]


def test_hostile_addresses_are_answered_without_code_or_crash(world):
    clients = {
        "anonymous": Client(),
        "member": _as(world.member),
        "animator": _as(world.animator),
    }
    problems = []
    for who, url, parameters in QUERY_INPUTS:
        for value in HOSTILE_QUERY_VALUES:
            address = url(world)
            try:
                response = clients[who].get(address, dict.fromkeys(parameters, value))
            except Exception as error:  # the test client re-raises a server error
                said = f"{type(error).__name__}: {error}"[:120]
                problems.append(f"{address} {value[:30]!r}: {said}")
                continue
            if response.status_code not in (200, 302, 400, 404):
                problems.append(f"{address} {value[:30]!r}: {response.status_code}")
            elif response.status_code == 302 and not response.url.startswith("/"):
                problems.append(f"{address} {value[:30]!r}: sent to {response.url}")
            elif response.status_code == 200:
                problems += [
                    f"{address} {value[:30]!r}: {problem}"
                    for problem in active_content(response.content.decode())
                ]
    assert not problems, "\n".join(problems)


def test_logging_in_never_sends_people_to_another_site(client):
    user = UserFactory()
    for elsewhere in ("https://exemple.test/", "//exemple.test/", "/\\exemple.test/"):
        response = client.post(
            reverse("account_login") + "?next=" + elsewhere,
            {"login": user.email, "password": PASSWORD, "next": elsewhere},
        )
        assert response.status_code == 302
        assert response.url == reverse(settings.LOGIN_REDIRECT_URL), elsewhere
        client.logout()


class _TooSlow(Exception):
    pass


def _raise_too_slow(signum, frame):
    raise _TooSlow


@pytest.mark.parametrize("unit", SLOW_MARKDOWN.values(), ids=SLOW_MARKDOWN.keys())
def test_the_longest_accepted_text_renders_in_a_second(unit):
    """A text every markdown input accepts (10,000 characters, the council
    presentation's limit; the others take 20,000 to 100,000) must not hold a
    web worker for long: rendering happens inside the request that saves it,
    and the editor's preview renders whatever a signed-in person sends.

    The budget is one second of this process's CPU time (a busy machine does
    not make it fail); ordinary text of that length takes a few milliseconds.
    """
    text = unit * (PRESENTATION_MAX_LENGTH // len(unit))
    previous = signal.signal(signal.SIGPROF, _raise_too_slow)
    signal.setitimer(signal.ITIMER_PROF, 1.0)
    try:
        render_markdown(text)
    except _TooSlow:
        pytest.fail(
            f"Rendering {len(text):,} characters of {unit!r} takes more than a second "
            "of CPU: a parser whose time grows with the square of the length (as "
            "Python-Markdown's did on brackets) holds a web worker for minutes on one "
            "post. bench/markdown.py times every such family."
        )
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<script src="https://exemple.test/x.js"></script>',
        "<img src=x onerror=alert(1)>",
        '<a href=" JaVa&#x09;ScRiPt:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        "<iframe src=https://exemple.test></iframe>",
        "<svg><circle onclick=alert(1) r=9 /></svg>",
        "<style>p{}</style>",
        '<p style="width:expression(alert(1))">x</p>',
        '<form action="https://exemple.test/"></form>',
        '<a href="https://exemple.test/" target="_blank">x</a>',
        '<meta http-equiv="refresh" content="0;url=https://exemple.test/">',
    ],
)
def test_the_scanner_sees_what_a_browser_would_run(snippet):
    """The inspection above is only as good as this: each of these would act."""
    assert active_content(f"<p>Avant</p>{snippet}<p>Après</p>")


# Hostile uploads: every input that takes a file.


def _multipart(client, url, fields: dict, file_field: str, name: str, content: bytes, **extra):
    """Post a form with one file, its name sent exactly as given: the test
    client would strip folders (``../``) from it before sending."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return client.post(
        url,
        b"".join(parts),
        content_type=f"multipart/form-data; boundary={boundary}",
        **extra,
    )


@dataclass(frozen=True)
class FileInput:
    id: str
    uploader: str
    pictures: bool  # re-encoded by common.images; else kept by common.uploads
    url: Callable[[SimpleNamespace], str]
    file_field: str
    fields: Callable[[SimpleNamespace, int], dict] = lambda w, n: {}
    extra: dict = field(default_factory=dict)


FILE_INPUTS = [
    FileInput(
        "documents",
        "member",
        False,
        lambda w: reverse("documents:upload", args=[w.council.slug]),
        "files",
        lambda w, n: {"folder": ""},
    ),
    FileInput(
        "document-new-version",
        "member",
        False,
        lambda w: reverse("documents:new_version", args=[w.council.slug, w.document.pk]),
        "file",
    ),
    FileInput(
        "resource",
        "animator",
        False,
        lambda w: reverse("documents:resource_add"),
        "file",
        lambda w, n: {"folder": w.shelf.pk, "title": f"Guide {n}", "description": ""},
    ),
    FileInput(
        "avatar",
        "member",
        True,
        lambda w: reverse("accounts:profile_edit"),
        "avatar_upload",
        lambda w, n: {"display_name": "Awa", "bio": "", "town": "", "publish_avatar": "on"},
    ),
    FileInput(
        "council-logo",
        "coordinator",
        True,
        lambda w: reverse("councils:edit", args=[w.council.slug]),
        "logo_upload",
        lambda w, n: _council_data(Council.objects.get(pk=w.council.pk), "Présentation"),
    ),
    FileInput(
        "news-cover",
        "animator",
        True,
        lambda w: reverse("news:create"),
        "cover_upload",
        lambda w, n: _article_data("Texte", n),
    ),
    FileInput(
        "forum-image",
        "member",
        True,
        lambda w: reverse("forums:editor_image", args=[w.forum.slug]),
        "image",
        extra=SAME_ORIGIN,
    ),
]


def _messages(pictures: bool) -> dict[str, list[str]]:
    """The French sentences each refusal must show."""
    empty = FileField.default_error_messages["empty"]
    if pictures:
        table = {
            # The forms say "empty"; the editor's upload, which has no form, "not an image".
            "empty": [empty, picture_checks.ERROR_NOT_AN_IMAGE],
            "not_an_image": [picture_checks.ERROR_NOT_AN_IMAGE],
            "too_many_pixels": [picture_checks.ERROR_TOO_MANY_PIXELS],
        }
    else:
        table = {
            "empty": [empty, upload_checks.ERROR_EMPTY],
            "executable": [upload_checks.ERROR_EXECUTABLE],
            "markup": [upload_checks.ERROR_HTML],
            "archive": [upload_checks.ERROR_ARCHIVE],
            "not_allowed": [upload_checks.ERROR_NOT_ALLOWED],
            "damaged": [upload_checks.ERROR_DAMAGED],
            "too_many_pixels": [picture_checks.ERROR_TOO_MANY_PIXELS],
        }
    with translation.override("fr"):
        return {code: [str(message) for message in messages] for code, messages in table.items()}


def _answer_text(client, response) -> str:
    """What the uploader reads: the page (after the redirect) or the JSON."""
    if response["Content-Type"].startswith("application/json"):
        said = json.loads(response.content) if response.status_code >= 400 else {}
        return " ".join(itertools.chain.from_iterable(said.values()))
    if response.status_code == 302:
        response = client.get(response.url)
    return _text(response)


# A folder of the site, then a random name (the uploader's name is never used).
SAFE_STORED_NAME = re.compile(r"[a-z/_-]+/(\d+/)?[A-Za-z0-9_-]{20,}\.(pdf|png|jpg|webp|txt|csv)")
UNSAFE_IN_NAMES = re.compile(r"[/\\\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]|^\.")


def _served_safely(client, w, file_input: FileInput, response, new_files: list[str]) -> list[str]:
    """An accepted file: stored under a random name, sent back with a type
    that cannot run, as an attachment (pictures: re-encoded WebP)."""
    problems = [f"stored as {name}" for name in new_files if not SAFE_STORED_NAME.fullmatch(name)]
    if file_input.pictures:
        for name in new_files:
            data = (settings.MEDIA_ROOT / name).read_bytes()
            if not (data[:4] == b"RIFF" and data[8:12] == b"WEBP") or b"<script" in data:
                problems.append(f"{name} is not a re-encoded WebP")
        if file_input.id == "forum-image":
            address = re.search(r"\]\(([^)]+)\)", json.loads(response.content)["image_code"])[1]
            shown = client.get(address)
            if (
                shown["Content-Type"] != "image/webp"
                or shown.get("X-Content-Type-Options") != "nosniff"
            ):
                problems.append(f"forum image sent as {shown['Content-Type']}")
        return problems
    if file_input.id == "resource":
        resource = Resource.objects.latest("pk")
        download, name = (
            reverse("documents:resource_download", args=[resource.pk]),
            resource.filename,
        )
    else:
        document = Document.objects.filter(council=w.council).latest("updated_at", "pk")
        download = reverse("documents:download", args=[w.council.slug, document.pk])
        name = document.name
    if UNSAFE_IN_NAMES.search(name) or name.lower().endswith((".html", ".htm", ".svg", ".exe")):
        problems.append(f"kept the name {name!r}")
    sent = client.get(download)
    disposition = sent.get("Content-Disposition", "")
    if sent.status_code != 200 or not disposition.startswith("attachment"):
        problems.append(f"sent with {sent.status_code} {disposition!r}")
    if ".." in disposition or "/" in disposition.split("filename", 1)[-1].replace("''", ""):
        problems.append(f"sent as {disposition!r}")
    if sent.get("X-Content-Type-Options") != "nosniff" or "html" in sent["Content-Type"]:
        problems.append(f"sent as {sent['Content-Type']} without nosniff")
    return problems


@pytest.mark.parametrize("file_input", FILE_INPUTS, ids=[i.id for i in FILE_INPUTS])
def test_hostile_files_are_refused_in_french_or_stored_harmless(world, media_root, file_input):
    client = _as(getattr(world, file_input.uploader))
    messages = _messages(file_input.pictures)
    problems = []
    for n, hostile in enumerate(HOSTILE_FILES):
        expected = hostile.image_code if file_input.pictures else hostile.code
        before = set(stored_files(media_root))
        response = _multipart(
            client,
            file_input.url(world),
            file_input.fields(world, n),
            file_input.file_field,
            hostile.name,
            hostile.content,
            **file_input.extra,
        )
        new_files = sorted(set(stored_files(media_root)) - before)
        said = _answer_text(client, response)
        where = f"{hostile.id} ({hostile.name!r})"
        if expected is not None:
            if new_files:
                problems.append(f"{where}: refused but stored {new_files}")
            if not any(message in said for message in messages[expected]):
                problems.append(f"{where}: no French message for {expected}")
        elif not new_files:
            problems.append(f"{where}: should be accepted, was not ({response.status_code})")
        else:
            problems += [
                f"{where}: {p}"
                for p in _served_safely(client, world, file_input, response, new_files)
            ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("file_input", FILE_INPUTS, ids=[i.id for i in FILE_INPUTS])
def test_a_file_over_the_limit_is_refused_with_its_size(world, media_root, settings, file_input):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = settings.IMAGE_MAX_UPLOAD_BYTES = 1024 * 1024
    client = _as(getattr(world, file_input.uploader))
    if file_input.pictures:
        buffer = io.BytesIO()
        Image.effect_noise((800, 800), 100).convert("RGB").save(buffer, format="PNG")
        name, content = "grande.png", buffer.getvalue()
    else:
        name, content = "gros.pdf", PDF + b"0" * (1536 * 1024)
    assert len(content) > 1024 * 1024
    before = stored_files(media_root)
    response = _multipart(
        client,
        file_input.url(world),
        file_input.fields(world, 0),
        file_input.file_field,
        name,
        content,
        **file_input.extra,
    )
    said = _answer_text(client, response)
    assert re.search(r"\d+,\d Mo", said), said[:2000]
    assert stored_files(media_root) == before


# CSRF: every URL of the site refuses a POST without its token.

# The only views that take a POST without the CSRF token, each with what
# protects it instead.
CSRF_EXEMPT = {
    # One-click unsubscribe from e-mails (RFC 8058): mail programs post
    # without a page; the signed token in the address is the proof.
    "news:unsubscribe",
    "notifications:unsubscribe",
    # django-markdownx's script cannot read the HttpOnly CSRF cookie: these
    # check that the browser says the request comes from the site itself
    # (Sec-Fetch-Site, else Origin).
    "forums:editor_preview",
    "forums:editor_image",
}


def _url_patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """(route, name, view, fixed kwargs) of every URL the site answers."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            name = ":".join(filter(None, [namespace, pattern.name or ""]))
            yield prefix + str(pattern.pattern), name, pattern.callback, pattern.default_args


def _value(name: str, parameter: str, w) -> str:
    """An existing object of the world for each parameter of each URL."""
    if parameter == "slug":
        forum_urls = {"forums:forum", "forums:topic_create", "forums:editor_image"}
        return w.forum.slug if name in forum_urls else w.council.slug
    if parameter in {"pk", "object_id", "id"}:
        app, _, view = name.partition(":")
        ids = {
            "accounts": w.member.pk,
            "notifications": w.notification.pk,
            "news": w.article.pk,
            "events": w.event.pk,
            "support": w.help_request.pk,
            "admin": w.member.pk,
        }
        by_view = {
            "councils:request_refuse": w.join_request.pk,
            "councils:request_answer": w.join_request.pk,
            "councils:join_withdraw": w.join_request.pk,
            "councils:invitation_revoke": w.invitation.pk,
            "councils:member_role": w.membership.pk,
            "councils:member_remove": w.membership.pk,
            "councils:referent_withdraw": w.assignment.pk,
            "forums:image": uuid.uuid4(),
            "forums:report_handle": w.report.pk,
            "forums:post_approve": w.post.pk,
            "documents:resource_download": w.resource.pk,
            "documents:resource_delete": w.resource.pk,
            "documents:public_page": w.page.pk,
            "documents:folder": w.folder.pk,
            "documents:share": w.folder.pk,
        }
        if name in by_view:
            return str(by_view[name])
        if name.startswith("documents:page"):
            return str(w.page.pk)
        if name.startswith("forums:"):
            return str(
                w.topic.pk
                if "topic" in view or view in {"follow", "reply", "first_unread"}
                else w.post.pk
            )
        return str(ids.get(app, w.document.pk))
    return {
        "kind": "fichier",
        "decision": "accepter",
        "action": "fermer",
        "number": "1",
        "token": "jeton",
        "content_type_id": str(ContentType.objects.get_for_model(Council).pk),
        "app_label": "councils",
        "key": "cle",
        "uidb36": "1",
        "url": "nulle-part",
    }.get(parameter, "1")


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")


def _post_targets(w) -> list[tuple[str, str, object]]:
    """(name, URL, view) of every URL pattern, filled with the world's objects."""
    targets = []
    for route, name, view, _defaults in _url_patterns():
        url = "/" + PARAMETER.sub(lambda m, name=name: _value(name, m[1] or m[2], w), route)
        url = url.replace("^", "").replace("$", "")
        targets.append((name or route, url, view))
    return targets


def _everything() -> dict[str, list]:
    """Every row of every table, to show a refused request changed nothing."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
    }


@pytest.fixture
def csrf_world(world):
    """The world, with one of each thing a form acts on, and one person allowed
    almost everywhere: coordinator, animator, referent and superuser."""
    w = world
    w.join_request = membership_request(user=UserFactory(), council=w.council, message="Bonjour")
    w.invitation = invitation_send(
        actor=w.coordinator, council=w.council, email="invite@exemple.test", role="member"
    )
    w.membership = Membership.objects.get(council=w.council, user=w.member)
    w.assignment = w.referent.referent_assignments.get()
    w.report = report_create(reporter=w.coordinator, post=w.post, reason="Hors sujet")
    w.resource = document_services.resource_add(
        user=w.animator, folder=w.shelf, title="Guide", description="", uploaded=_file("g.pdf", PDF)
    )
    w.notification = Notification.objects.filter(recipient=w.member).latest("pk")
    w.coordinator.is_staff = w.coordinator.is_superuser = True
    w.coordinator.save()
    animator_appoint(user=w.coordinator, system=True)
    referent_appoint(
        system=True, user=w.coordinator, departments=[Department.objects.get(code="13")]
    )
    return w


def test_the_csrf_exempt_views_are_exactly_the_known_ones():
    exempt = {
        name for _route, name, view, _ in _url_patterns() if getattr(view, "csrf_exempt", False)
    }
    assert exempt == CSRF_EXEMPT


@pytest.mark.parametrize("who", ["anonymous", "allowed"])
def test_every_url_refuses_a_post_without_its_csrf_token(csrf_world, media_root, who):
    w = csrf_world
    client = Client(enforce_csrf_checks=True)
    if who == "allowed":
        client.force_login(w.coordinator)
    targets = _post_targets(w)
    misrouted = [(name, url) for name, url, view in targets if resolve(url).func is not view]
    assert not misrouted, misrouted
    before, files_before = _everything(), stored_files(media_root)
    answers = {}
    for name, url, _view in targets:
        if name in CSRF_EXEMPT:
            continue
        response = client.post(url, {"body": "Message", "name": "Nouveau nom", "answer": "yes"})
        answers[url] = response.status_code
    assert {url: code for url, code in answers.items() if code != 403} == {}
    assert _everything() == before
    assert stored_files(media_root) == files_before
    assert len(answers) == len(targets) - len(CSRF_EXEMPT)


def _token(client, url: str) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]


def test_the_same_posts_with_their_token_are_obeyed(csrf_world):
    """The 403s above come from the missing token, not from a missing right."""
    w = csrf_world
    client = Client(enforce_csrf_checks=True)
    client.force_login(w.coordinator)
    topic_url = w.council_topic.get_absolute_url()
    posts = [
        (
            topic_url,
            reverse("forums:reply", args=[w.council_topic.pk]),
            {"body": "Avec jeton", "submission_key": "k"},
        ),
        (
            reverse("documents:root", args=[w.council.slug]),
            reverse("documents:folder_create", args=[w.council.slug]),
            {"name": "Nouveau dossier", "folder": ""},
        ),
        (
            reverse("accounts:profile_edit"),
            reverse("accounts:profile_edit"),
            {"display_name": "Nouveau nom", "bio": "", "town": ""},
        ),
    ]
    before = _everything()
    for page, target, data in posts:
        response = client.post(target, {**data, "csrfmiddlewaretoken": _token(client, page)})
        assert response.status_code == 302, target
    after = _everything()
    assert after["forums.Post"] != before["forums.Post"]
    assert after["documents.Folder"] != before["documents.Folder"]
    assert after["accounts.User"] != before["accounts.User"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": "https://exemple.test"}],
    ids=["no-origin", "cross-site", "other-origin"],
)
def test_the_editor_calls_refuse_other_sites(world, media_root, headers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    before = stored_files(media_root)
    preview = client.post(reverse("forums:editor_preview"), {"content": "**x**"}, **headers)
    upload = _multipart(
        client,
        reverse("forums:editor_image", args=[world.forum.slug]),
        {},
        "image",
        "image.png",
        HOSTILE_FILES[-1].content,
        **headers,
    )
    assert (preview.status_code, upload.status_code) == (403, 403)
    assert stored_files(media_root) == before


def test_one_click_unsubscribe_needs_a_signed_token(world):
    subscribe(user=world.member, council=None)
    before = _everything()
    client = Client(enforce_csrf_checks=True)
    for url in (
        reverse("news:unsubscribe", args=["faux-jeton"]),
        reverse("notifications:unsubscribe", args=["faux-jeton"]),
    ):
        assert client.post(url).status_code in (200, 404)
    assert _everything() == before


# Hostile values in every field of every form, and in the fields views read
# themselves: answered with a message or a refusal, never a server error.

FIELD_VALUES = ["\x00", HOSTILE_LINE_BREAKS, "abc", "99999999999999999999", "-1"]


def _every_field_name() -> list[str]:
    """Each field of each form of the site, and what views read from POST."""
    names = {"action", "content", "everything", "folder", "kind", "next", "reason", "retirer"}
    apps_with_forms = ("accounts", "councils", "forums", "documents", "news", "events")
    for app in (*apps_with_forms, "notifications", "support", "conseils"):
        names |= {
            name
            for form in vars(importlib.import_module(f"{app}.forms")).values()
            if isinstance(form, type) and issubclass(form, BaseForm)
            for name in form.base_fields
        }
    return sorted(names)


@pytest.mark.parametrize(
    "value", FIELD_VALUES, ids=["nul", "line-breaks", "text", "huge", "negative"]
)
def test_every_form_answers_hostile_fields_without_a_server_error(csrf_world, value):
    w = csrf_world
    data = dict.fromkeys(_every_field_name(), value)
    problems = []
    client = Client()
    for name, url, _view in _post_targets(w):
        if name.startswith("admin:") or name == "account_logout":
            continue  # Django's own admin; logging out would end the sweep
        if client.session.get(SESSION_KEY) != str(w.coordinator.pk):
            # Signed in for the first form, and again only after a form that
            # ended the session (each form is posted by the coordinator).
            client.force_login(w.coordinator)
        try:
            response = client.post(url, data)
        except Exception as error:  # the test client re-raises a server error
            problems.append(f"{name} {url}: {type(error).__name__}: {error}"[:200])
            continue
        if response.status_code >= 500:
            problems.append(f"{name} {url}: {response.status_code}")
    assert not problems, "\n".join(problems)


# Control characters in every field that reaches an e-mail. Python's e-mail
# package refuses a header holding a line break (a vertical tab, U+2028…): a
# name, a subject or a title carrying one made its e-mail unbuildable after
# the data was committed. One-line fields are cleaned and accepted; longer
# texts are refused in French, the text kept; the e-mail that is due leaves.

INVISIBLE = re.compile(f"[{CONTROL_CHARACTERS}]")
HOSTILE_ADDRESS = "\x0b\x00karim@exemple.test\u2028\x85"


@dataclass(frozen=True)
class MailedInput:
    """A field whose text goes into an e-mail (its subject, a name, its body)."""

    id: str
    writer: str | None  # who types it, in the world (None: a signed-out visitor)
    one_line: bool  # True: cleaned and accepted; False: refused
    submit: Callable[[Client, SimpleNamespace, str], HttpResponse]
    # What the submission writes: its rows are counted, the last one read.
    model: type | None
    stored: Callable[[object], str] = lambda row: ""
    # Who is e-mailed because of it, and whether the text is in the subject.
    told: Callable[[SimpleNamespace], str] | None = None
    in_subject: bool = False
    hostile: str = HOSTILE_LINE_BREAKS
    cleaned: str = CLEANED_LINE_BREAKS


def _contact(c, w, **fields):
    data = {"name": "Karim", "email": "karim@exemple.test", "message": "Bonjour", **fields}
    return c.post(reverse("councils:contact", args=[w.council.slug]), data)


def _help(c, w, **fields):
    data = {
        "subject": "Réunion annulée",
        "message": "Plus de réunion depuis septembre.",
        "name": "Awa",
        "email": "awa@exemple.test",
        "phone": "",
        "call_times": "",
        "submission_key": uuid.uuid4().hex,
        **fields,
    }
    return c.post(reverse("support:help"), data)


def _topic(c, w, **fields):
    data = {"title": "Budget", "body": "Premier message", "submission_key": uuid.uuid4().hex}
    return c.post(reverse("forums:topic_create", args=[w.forum.slug]), {**data, **fields})


def _name_then_reply(c, w, text):
    """The display name leads the reply's notification: « X a répondu dans … »."""
    response = c.post(
        reverse("accounts:profile_edit"),
        {"display_name": text, "bio": "", "town": "", "publish_bio": "on"},
    )
    reply_in(w.council_topic, User.objects.get(pk=w.member.pk), body="Bonjour")
    return response


def _signup(c, w, text):
    return c.post(
        reverse("account_signup"),
        {
            "email": "nouvelle@exemple.test",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": text,
        },
    )


def _article(c, w, **fields):
    return c.post(reverse("news:create"), {**_article_data("Texte", 0), **fields})


def _follow_url(w) -> str:
    return reverse(
        "support:follow", kwargs={"token": support_emails.follow_token(w.visitor_request)}
    )


MAILED_INPUTS = [
    MailedInput(
        "contact-name",
        None,
        True,
        lambda c, w, text: _contact(c, w, name=text),
        None,
        told=lambda w: w.coordinator.email,
        in_subject=True,
    ),
    MailedInput(
        "contact-address",
        None,
        True,
        lambda c, w, text: _contact(c, w, email=text),
        None,
        told=lambda w: w.coordinator.email,
        hostile=HOSTILE_ADDRESS,
        cleaned="karim@exemple.test",
    ),
    MailedInput(
        "contact-message", None, False, lambda c, w, text: _contact(c, w, message=text), None
    ),
    *(
        MailedInput(
            f"help-{field}{'-signed-in' if writer else ''}",
            writer,
            True,
            lambda c, w, text, field=field: _help(c, w, **{field: text}),
            HelpRequest,
            lambda row, field=field: getattr(row, field),
            told=lambda w: w.animator.email,
            in_subject=field == "subject",
        )
        for writer in (None, "member")
        for field in ("subject", "name")
    ),
    MailedInput(
        "help-address",
        None,
        True,
        lambda c, w, text: _help(c, w, email=text),
        HelpRequest,
        lambda row: row.email,
        told=lambda w: "karim@exemple.test",
        hostile=HOSTILE_ADDRESS,
        cleaned="karim@exemple.test",
    ),
    *(
        MailedInput(
            f"help-message{'-signed-in' if writer else ''}",
            writer,
            False,
            lambda c, w, text: _help(c, w, message=text),
            HelpRequest,
        )
        for writer in (None, "member")
    ),
    MailedInput(
        "help-reply-by-link",
        None,
        False,
        lambda c, w, text: c.post(_follow_url(w), {"body": text}),
        HelpMessage,
    ),
    MailedInput(
        "help-team-answer",
        "animator",
        False,
        lambda c, w, text: c.post(
            reverse("support:team_answer", args=[w.visitor_request.pk]), {"body": text}
        ),
        HelpMessage,
    ),
    MailedInput(
        "forum-topic-title",
        "member",
        True,
        lambda c, w, text: _topic(c, w, title=text),
        Topic,
        lambda row: row.title,
        told=lambda w: w.follower.email,
        in_subject=True,
    ),
    MailedInput(
        "forum-topic-message", "member", False, lambda c, w, text: _topic(c, w, body=text), Post
    ),
    MailedInput(
        "forum-reply",
        "coordinator",
        False,
        lambda c, w, text: c.post(
            reverse("forums:reply", args=[w.council_topic.pk]),
            {"body": text, "submission_key": uuid.uuid4().hex},
        ),
        Post,
    ),
    MailedInput(
        "forum-hiding-reason",
        "coordinator",
        False,
        lambda c, w, text: c.post(reverse("forums:post_hide", args=[w.reply.pk]), {"reason": text}),
        ModerationAction,
    ),
    MailedInput(
        "join-request-message",
        "outsider",
        False,
        lambda c, w, text: c.post(
            reverse("councils:join", args=[w.council.slug]), {"message": text}
        ),
        JoinRequest,
    ),
    MailedInput(
        "invitation-address",
        "coordinator",
        True,
        lambda c, w, text: c.post(
            reverse("councils:invite", args=[w.council.slug]), {"email": text, "role": "member"}
        ),
        None,
        told=lambda w: "karim@exemple.test",
        hostile=HOSTILE_ADDRESS,
        cleaned="karim@exemple.test",
    ),
    MailedInput(
        "council-name",
        "coordinator",
        True,
        lambda c, w, text: c.post(
            reverse("councils:edit", args=[w.council.slug]),
            {**_council_data(Council.objects.get(pk=w.council.pk), "Présentation"), "name": text},
        ),
        Council,
        lambda row: row.name,
    ),
    MailedInput(
        "display-name",
        "member",
        True,
        _name_then_reply,
        User,
        lambda row: User.objects.get(email__startswith="membre-attaque").display_name,
        told=lambda w: w.follower.email,
        in_subject=True,
    ),
    MailedInput(
        "signup-display-name",
        None,
        True,
        _signup,
        User,
        lambda row: row.display_name,
        told=lambda w: "nouvelle@exemple.test",
    ),
    MailedInput(
        "news-title",
        "animator",
        True,
        lambda c, w, text: _article(c, w, title=text),
        Article,
        lambda row: row.title,
        told=lambda w: w.follower.email,
        in_subject=True,
    ),
    MailedInput(
        "news-summary", "animator", False, lambda c, w, text: _article(c, w, summary=text), Article
    ),
    MailedInput(
        "event-title",
        "member",
        True,
        lambda c, w, text: c.post(
            reverse("events:event_create", args=[w.council.slug]),
            {**_event_data("Ordre du jour", 0), "title": text},
        ),
        Event,
        lambda row: row.title,
    ),
    MailedInput(
        "shared-page-title",
        "member",
        True,
        lambda c, w, text: c.post(
            reverse("documents:page_create", args=[w.council.slug]),
            {"title": text, "body": "1. Budget", "summary": ""},
        ),
        Page,
        lambda row: row.title,
        told=lambda w: w.coordinator.email,
        in_subject=True,
    ),
]


@pytest.fixture
def mail_world(world):
    """The world, with someone told at once of what each input leads to."""
    w = world
    w.member.email = "membre-attaque@exemple.test"
    w.member.save()
    w.follower = member_of(w.council, UserFactory(email="suit@exemple.test"))
    w.outsider = UserFactory()
    subscription_toggle(user=w.follower, forum=w.forum)
    subscription_toggle(user=w.follower, topic=w.council_topic)
    subscribe(user=w.follower)
    for kind in ("forums.new_topic", "forums.reply"):
        preference_set(user=w.follower, kind=kind, delivery=notification_kinds.IMMEDIATE)
    preference_set(
        user=w.coordinator, kind="documents.new_page", delivery=notification_kinds.IMMEDIATE
    )
    w.visitor_request = help_request_submit(email="visiteur@exemple.test", subject="Question")
    return w


def _last(model):
    return model._base_manager.order_by("pk").last() if model is not None else None


@pytest.mark.parametrize("mailed", MAILED_INPUTS, ids=[i.id for i in MAILED_INPUTS])
def test_control_characters_never_lose_an_e_mail_nor_break_a_page(
    mail_world, mailed, django_capture_on_commit_callbacks
):
    w = mail_world
    client = _as(getattr(w, mailed.writer)) if mailed.writer else Client()
    mail.outbox.clear()
    rows = mailed.model._base_manager.count() if mailed.model else 0
    before = _last(mailed.model)
    with django_capture_on_commit_callbacks(execute=True):
        response = mailed.submit(client, w, mailed.hostile)
    page = _text(response)
    if mailed.one_line:
        assert response.status_code in (200, 302), page
        assert "errorlist" not in page
        if mailed.model is not None:
            assert mailed.stored(_last(mailed.model)) == mailed.cleaned
    else:
        assert response.status_code in (200, 400)
        assert "Ce texte contient des caractères invisibles non autorisés" in page
        assert "Jean" in page and "Dupont" in page  # kept, to correct
        if mailed.model is not None:
            assert mailed.model._base_manager.count() == rows
            assert mailed.stored(_last(mailed.model)) == mailed.stored(before)
    for message in mail.outbox:
        assert not INVISIBLE.search(message.subject), message.subject
        message.message().as_bytes()  # every header can be built
    told = [m for m in mail.outbox if mailed.told and m.to == [mailed.told(w)]]
    if mailed.one_line and mailed.told:
        assert told, f"nothing e-mailed to {mailed.told(w)}"
        if mailed.in_subject:
            assert any(mailed.cleaned in m.subject for m in told), [m.subject for m in told]
    if not mailed.one_line:
        assert mail.outbox == []


# The login brute-force limit.


def _rate(action: str, per: str):
    return next(
        rate for rate in parse_rates(settings.ACCOUNT_RATE_LIMITS[action]) if rate.per == per
    )


def _too_many() -> str:
    with translation.override("fr"):
        return str(DefaultAccountAdapter.error_messages["too_many_login_attempts"])


def _login(client, email: str, password: str, ip: str = "203.0.113.7"):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


def test_failed_logins_lock_the_address_out_of_the_account_until_the_window_passes(
    client, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    user = UserFactory()
    limit = _rate("login_failed", "key")
    for _ in range(limit.amount):
        response = _login(client, user.email, "mauvais-mot-de-passe")
        assert response.status_code == 200
        assert _too_many() not in _text(response)
    refused = _login(client, user.email, "encore-un-essai")
    assert _too_many() in _text(refused)
    # The right password is refused too from this address; the owner, from
    # another, is not locked out by someone else's guesses.
    response = _login(Client(), user.email, PASSWORD, "203.0.113.7")
    assert response.status_code in (200, 429)
    assert _too_many() in _text(response)
    assert "_auth_user_id" not in client.session
    elsewhere = Client()
    assert _login(elsewhere, user.email, PASSWORD, "198.51.100.20").status_code == 302
    assert elsewhere.session["_auth_user_id"] == str(user.pk)

    time_machine.shift(timedelta(seconds=limit.duration + 1))
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_failed_logins_on_many_accounts_lock_the_address(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    limit = _rate("login_failed", "ip")
    for number in range(limit.amount):
        _login(client, f"inconnu{number}@exemple.test", "mauvais-mot-de-passe")
    user = UserFactory()
    response = _login(client, user.email, PASSWORD)
    assert _too_many() in _text(response)
    assert "_auth_user_id" not in client.session
    # Another address is not blocked.
    assert _login(Client(), user.email, PASSWORD, "198.51.100.20").status_code == 302


# The security headers on every kind of response.


def _crash(request):
    raise RuntimeError("Panne simulée pour la page d’erreur")


# The site's URLs and one that fails, to see the 500 page as it is served.
urlpatterns = [path("panne-simulee/", _crash), path("", include("conseils.urls"))]


def _forum_image(w, member):
    """The editor's upload of a picture: its JSON answer."""
    return _multipart(
        member,
        reverse("forums:editor_image", args=[w.forum.slug]),
        {},
        "image",
        "image.png",
        HOSTILE_FILES[-1].content,
        **SAME_ORIGIN,
    )


def _image_address(upload) -> str:
    return re.search(r"\]\(([^)]+)\)", json.loads(upload.content)["image_code"])[1]


def _rate_limited(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    _login(Client(), "a@exemple.test", "x", "192.0.2.9")
    return _login(Client(), "a@exemple.test", "x", "192.0.2.9")


def _server_error(settings):
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False).get("/panne-simulee/")


# One answer of each kind, from every app: (w, settings, clients) -> response.
SAMPLES = {
    "home page": lambda w, s, c: c.anonymous.get(reverse("home")),
    "HEAD of the home page": lambda w, s, c: c.anonymous.head(reverse("home")),
    "directory": lambda w, s, c: c.anonymous.get(reverse("councils:directory")),
    "council page": lambda w, s, c: c.anonymous.get(w.council.get_absolute_url()),
    "private space": lambda w, s, c: c.member.get(reverse("councils:space", args=[w.council.slug])),
    "council management": lambda w, s, c: c.coordinator.get(
        reverse("councils:manage", args=[w.council.slug])
    ),
    "forum topic": lambda w, s, c: c.member.get(w.council_topic.get_absolute_url()),
    "files": lambda w, s, c: c.member.get(reverse("documents:root", args=[w.council.slug])),
    "shared page": lambda w, s, c: c.member.get(w.page.get_absolute_url()),
    "resources": lambda w, s, c: c.anonymous.get(reverse("documents:resources")),
    "news article": lambda w, s, c: c.anonymous.get(w.article.get_absolute_url()),
    "agenda": lambda w, s, c: c.anonymous.get(reverse("events:agenda")),
    "event": lambda w, s, c: c.anonymous.get(w.event.get_absolute_url()),
    "search": lambda w, s, c: c.member.get(reverse("search:search"), {"q": "budget"}),
    "help desk": lambda w, s, c: c.anonymous.get(reverse("support:help")),
    "help desk queue": lambda w, s, c: c.animator.get(reverse("support:queue")),
    "notifications": lambda w, s, c: c.member.get(reverse("notifications:index")),
    "profile": lambda w, s, c: c.member.get(reverse("accounts:profile")),
    "site page": lambda w, s, c: c.anonymous.get(reverse("legal_notice")),
    "login page": lambda w, s, c: c.anonymous.get(reverse("account_login")),
    "admin": lambda w, s, c: c.superuser.get("/" + s.ADMIN_URL),
    "redirect to log in": lambda w, s, c: c.anonymous.get(
        reverse("councils:space", args=[w.council.slug])
    ),
    "redirect after a form": lambda w, s, c: c.member.post(
        reverse("forums:reply", args=[w.council_topic.pk]),
        {"body": "Merci", "submission_key": "x"},
    ),
    "404": lambda w, s, c: c.anonymous.get("/nulle-part/"),
    "404 of a private page": lambda w, s, c: c.stranger.get(w.page.get_absolute_url()),
    "403": lambda w, s, c: c.member.get(reverse("news:edit", args=[w.article.pk])),
    "403 CSRF": lambda w, s, c: Client(enforce_csrf_checks=True).post(reverse("support:help")),
    "405": lambda w, s, c: c.member.get(reverse("documents:upload", args=[w.council.slug])),
    "400": lambda w, s, c: c.member.post(
        reverse("forums:reply", args=[w.council_topic.pk]), {"body": ""}
    ),
    "429": lambda w, s, c: _rate_limited(s),
    "500": lambda w, s, c: _server_error(s),
    "file download": lambda w, s, c: c.member.get(
        reverse("documents:download", args=[w.council.slug, w.document.pk])
    ),
    "JSON of the editor": lambda w, s, c: _forum_image(w, c.member),
    "forum image": lambda w, s, c: c.member.get(_image_address(_forum_image(w, c.member))),
    "markdown preview": lambda w, s, c: c.member.post(
        reverse("forums:editor_preview"), {"content": "*x*"}, **SAME_ORIGIN
    ),
    "personal data export": lambda w, s, c: c.member.post(reverse("accounts:my_data_export")),
    "Atom feed": lambda w, s, c: c.anonymous.get(reverse("news:feed")),
    "calendar": lambda w, s, c: c.anonymous.get(reverse("events:national_feed")),
    "event calendar": lambda w, s, c: c.anonymous.get(
        reverse("events:event_feed", args=[w.council.slug, w.event.pk])
    ),
    "health check": lambda w, s, c: c.anonymous.get(reverse("healthz")),
    "static file": lambda w, s, c: c.anonymous.get(s.STATIC_URL + "css/site.css"),
}


def _sample(w, settings, kinds=SAMPLES) -> dict[str, HttpResponse]:
    superuser = UserFactory(is_staff=True, is_superuser=True)
    clients = SimpleNamespace(
        anonymous=Client(),
        member=_as(w.member),
        coordinator=_as(w.coordinator),
        animator=_as(w.animator),
        stranger=_as(UserFactory()),
        superuser=_as(superuser),
    )
    # The 500 swaps the URLs: keep it last.
    ordered = sorted(kinds, key=lambda kind: kind == "500")
    return {kind: SAMPLES[kind](w, settings, clients) for kind in ordered}


EXPECTED_STATUS = {
    "redirect to log in": 302,
    "redirect after a form": 302,
    "404": 404,
    "404 of a private page": 404,
    "403": 403,
    "403 CSRF": 403,
    "405": 405,
    "400": 400,
    "429": 429,
    "500": 500,
}


def test_every_kind_of_response_carries_the_security_headers(world, settings):
    responses = _sample(world, settings)
    expected = {
        "Content-Security-Policy": build_policy(settings.SECURE_CSP),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": settings.SECURE_REFERRER_POLICY,
        "Cross-Origin-Opener-Policy": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
    }
    assert settings.SECURE_CONTENT_TYPE_NOSNIFF
    scripts = next(d for d in expected["Content-Security-Policy"].split(";") if "script-src" in d)
    assert "unsafe-" not in scripts and "*" not in scripts
    assert "frame-ancestors 'none'" in expected["Content-Security-Policy"]
    problems = []
    for kind, response in responses.items():
        status = EXPECTED_STATUS.get(kind, 200)
        if response.status_code != status:
            problems.append(f"{kind}: {response.status_code} instead of {status}")
        for header, value in expected.items():
            if response.get(header) != value:
                problems.append(f"{kind}: {header} is {response.get(header)!r}")
        # Framing: X-Frame-Options for old browsers, CSP's frame-ancestors for
        # the others (static files, served before the X-Frame-Options
        # middleware, carry only the latter).
        if response.get("X-Frame-Options", settings.X_FRAME_OPTIONS) != settings.X_FRAME_OPTIONS:
            problems.append(f"{kind}: X-Frame-Options is {response['X-Frame-Options']!r}")
        if kind != "static file" and response.get("X-Frame-Options") != settings.X_FRAME_OPTIONS:
            problems.append(f"{kind}: no X-Frame-Options")
    assert not problems, "\n".join(problems)


def test_error_pages_are_the_sites_own_in_french(world, settings):
    kinds = ("404", "403", "403 CSRF", "429", "500")
    responses = _sample(world, settings, kinds)
    for kind in kinds:
        page = _text(responses[kind])
        assert '<html lang="fr">' in page, kind
        assert "Revenir à la page d’accueil" in page, kind


def test_files_and_feeds_leave_with_types_that_cannot_run(world, settings):
    kinds = ("file download", "personal data export", "forum image", "Atom feed", "calendar")
    responses = _sample(world, settings, [*kinds, "health check"])
    for kind in ("file download", "personal data export"):
        assert responses[kind]["Content-Disposition"].startswith("attachment"), kind
    assert responses["forum image"]["Content-Type"] == "image/webp"
    assert responses["Atom feed"]["Content-Type"].startswith("application/atom+xml")
    assert responses["calendar"]["Content-Type"].startswith("text/calendar")
    assert responses["health check"]["Content-Type"] == "application/json"
