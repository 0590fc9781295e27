"""Who reaches what in ``events``: every URL of ``events/urls.py`` and both
calendar feeds against every role. Public events are read by anyone, private
ones and the answers by the council's members only; the one who planned a
meeting and the coordinators change it. A private event's title never
reaches an outsider: not on its page, the agendas, the feeds or the public
council page. Refused writes change nothing."""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse

from accounts.roles import animator_appoint
from councils import services as council_services
from events import services
from events.models import Attendance, CalendarToken, Event
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of, referent_of
from tests.events.factories import AttendanceFactory, EventFactory

pytestmark = pytest.mark.django_db
MARKER = "zqxreunionprivee"
OTHER_MARKER = "zqxautreconseil"

ROLES = [
    "anonymous",
    "registered",
    "owner",
    "member",
    "coordinator",
    "other_member",
    "referent",
    "animator",
    "superuser",
]
EVERYONE = set(ROLES)
MEMBERS = {"owner", "member", "coordinator"}
CHANGERS = {"owner", "coordinator"}
NOBODY: set[str] = set()


class World:
    """A council with public and private, coming, past and cancelled events;
    another council; an archived one whose public event is no longer public."""

    def __init__(self):
        self.council = council = council_create()
        self.other_council = council_create()
        self.archived = council_create()
        self.owner = member_of(council)
        self.member = member_of(council)
        self.coordinator = coordinator_of(council)
        self.users = {
            "anonymous": None,
            "registered": UserFactory(),
            "owner": self.owner,
            "member": self.member,
            "coordinator": self.coordinator,
            "other_member": member_of(self.other_council),
            "referent": referent_of("59"),
            "animator": UserFactory(),
            "superuser": UserFactory(is_superuser=True, is_staff=True),
        }
        animator_appoint(user=self.users["animator"], system=True)
        owner = self.owner

        self.public = EventFactory(council=council, public=True, created_by=owner)
        self.private = EventFactory(
            council=council, title=f"Réunion {MARKER}", created_by=owner, place=f"Salle {MARKER}"
        )
        self.private_past = EventFactory(
            council=council, past=True, title=f"Bilan {MARKER}", created_by=owner
        )
        self.public_past = EventFactory(council=council, public=True, past=True)
        self.cancelled = EventFactory(council=council, public=True, cancelled=True)
        self.other_private = EventFactory(
            council=self.other_council, title=f"Autre {OTHER_MARKER}", created_by=None
        )
        self.other_public = EventFactory(council=self.other_council, public=True)
        self.archived_public = EventFactory(
            council=self.archived, public=True, title=f"Archivé {MARKER}"
        )
        council_services.council_archive(actor=self.users["referent"], council=self.archived)
        AttendanceFactory(event=self.private, user=self.member, answer=Attendance.Answer.YES)
        AttendanceFactory(event=self.public, user=self.owner, answer=Attendance.Answer.MAYBE)
        for user in (self.owner, self.member, self.coordinator):
            services.calendar_token_create(actor=user, council=council)

    def url(self, name, *args):
        return reverse(f"events:{name}", args=args)

    def of(self, name, event=None):
        if event is None:
            return self.url(name, self.council.slug)
        return self.url(name, event.council.slug, event.pk)


@pytest.fixture(scope="module")
def shared_world(module_data):
    """Built once per module (three councils, eight events)."""
    return module_data.build(World)


@pytest.fixture
def world(shared_world):
    return copy.deepcopy(shared_world)


def _login(client, world, role):
    user = world.users[role]
    if user is not None:
        client.force_login(user)


def _assert_refused(response, role, url):
    if role == "anonymous":
        assert response.status_code == 302, (url, response.status_code)
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
    return [
        (w.url("agenda"), EVERYONE),
        (w.url("agenda") + "?region=32", EVERYONE),
        (w.url("agenda_past"), EVERYONE),
        (w.of("event", w.public), EVERYONE),
        (w.of("event", w.public_past), EVERYONE),
        (w.of("event", w.cancelled), EVERYONE),
        (w.of("event", w.other_public), EVERYONE),
        (w.of("event", w.private), MEMBERS),
        (w.of("event", w.private_past), MEMBERS),
        (w.of("event", w.other_private), {"other_member"}),
        (w.of("event", w.archived_public), NOBODY),
        (w.of("event_feed", w.public), EVERYONE),
        (w.of("event_feed", w.private), MEMBERS),
        (w.of("council_agenda"), MEMBERS),
        (w.of("council_agenda") + "?page=2", MEMBERS),
        (w.of("council_agenda_past"), MEMBERS),
        (w.of("event_create"), MEMBERS),
        (w.of("event_edit", w.public), CHANGERS),
        (w.of("event_edit", w.private), CHANGERS),
        (w.of("event_cancel", w.private), CHANGERS),
        (w.of("event_delete", w.private), CHANGERS),
        (w.of("event_delete", w.public), CHANGERS),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page(client, world, role):
    _login(client, world, role)
    wrong = []
    for url, allowed in _get_cases(world):
        wrong += _wrong_answer(client.get(url), role, url, allowed)
    assert not wrong, wrong


def test_an_event_of_another_council_under_this_slug_is_not_found(client, world):
    client.force_login(world.member)
    url = reverse("events:event", args=[world.council.slug, world.other_public.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_private_titles_never_reach_outsiders(client, world, role):
    """Lists, feeds and the public council page show outsiders public things only."""
    _login(client, world, role)
    w = world
    pages = {
        "agenda": w.url("agenda"),
        "agenda_past": w.url("agenda_past"),
        "national_feed": w.url("national_feed"),
        "council_feed": w.url("council_feed", w.council.slug),
        "archived_feed": w.url("council_feed", w.archived.slug),
        "council_page": w.council.get_absolute_url(),
        "public_event": w.of("event", w.public),
        "public_event_feed": w.of("event_feed", w.public),
    }
    own_private = {"agenda": w.private.title, "agenda_past": w.private_past.title}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (role, name)
        content = response.content.decode()
        if role in MEMBERS and name in own_private:
            # Members see their own council's private meetings, marked so.
            assert MARKER in content, (role, name)
            assert "Privé" in content
        else:
            assert MARKER not in content, (role, name)
        if role == "other_member" and name == "agenda":
            assert OTHER_MARKER in content
        elif role != "other_member" or name not in own_private:
            assert OTHER_MARKER not in content, (role, name)
        if response["Content-Type"].startswith("text/html"):
            assert "<script>alert" not in content, (role, name)


@pytest.mark.parametrize("role", ROLES)
def test_who_comes_is_shown_to_members_only(client, world, role):
    _login(client, world, role)
    response = client.get(world.of("event", world.public))
    content = response.content.decode()
    owner_name = world.owner.display_name.split(" <")[0]
    if role in MEMBERS:
        assert "Qui vient" in content
        assert owner_name in content
    else:
        assert "Qui vient" not in content
        assert owner_name not in content
        assert "Peut-être" not in content


def _snapshot():
    """Everything a write could change."""
    return {
        "events": list(
            Event.objects.order_by("pk").values_list(
                "pk",
                "council_id",
                "title",
                "starts_at",
                "ends_at",
                "place",
                "description",
                "visibility",
                "cancelled_at",
            )
        ),
        "answers": list(
            Attendance.objects.order_by("pk").values_list("event_id", "user_id", "answer")
        ),
        "tokens": list(
            CalendarToken.objects.order_by("pk").values_list(
                "pk", "user_id", "council_id", "digest"
            )
        ),
    }


def _form(**overrides):
    data = {
        "title": "Assemblée du quartier",
        "starts_at": "2030-12-03T18:30",
        "ends_at": "2030-12-03T20:30",
        "place": "Maison de quartier",
        "description": "Ordre du jour",
        "visibility": "public",
    }
    data.update(overrides)
    return data


def _post_cases(w: World):
    return {
        "create": (w.of("event_create"), _form, MEMBERS),
        "edit_private": (w.of("event_edit", w.private), lambda: _form(title="Changé"), CHANGERS),
        "edit_public": (
            w.of("event_edit", w.public),
            lambda: _form(visibility="private"),
            CHANGERS,
        ),
        "cancel": (w.of("event_cancel", w.private), dict, CHANGERS),
        "delete_private": (w.of("event_delete", w.private), dict, CHANGERS),
        "delete_public": (w.of("event_delete", w.public), dict, CHANGERS),
        "answer_public": (w.of("answer", w.public), lambda: {"answer": "no"}, MEMBERS),
        "answer_private": (w.of("answer", w.private), lambda: {"answer": "maybe"}, MEMBERS),
        "private_link": (w.of("private_link"), dict, MEMBERS),
        "private_link_revoke": (w.of("private_link_revoke"), dict, MEMBERS),
    }


POST_ACTIONS = [
    "create",
    "edit_private",
    "edit_public",
    "cancel",
    "delete_private",
    "delete_public",
    "answer_public",
    "answer_private",
    "private_link",
    "private_link_revoke",
]


@pytest.mark.parametrize("action", POST_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_every_write(client, world, role, action):
    url, data, allowed = _post_cases(world)[action]
    _login(client, world, role)
    before = _snapshot()
    response = client.post(url, data())
    if role in allowed:
        assert response.status_code in (200, 302), (role, action, response.status_code)
        assert _snapshot() != before, (role, action)
    else:
        _assert_refused(response, role, action)
        assert _snapshot() == before, (role, action)


def test_the_post_only_urls_refuse_get(client, world):
    client.force_login(world.coordinator)
    for name in ("answer",):
        assert client.get(world.of(name, world.public)).status_code == 405
    assert client.get(world.of("private_link_revoke")).status_code == 405
    # A reload of the page that showed a new link goes back to the agenda,
    # and makes no link.
    tokens = list(CalendarToken.objects.values_list("digest", flat=True))
    response = client.get(world.of("private_link"))
    assert response.status_code == 302
    assert response["Location"] == reverse("events:council_agenda", args=[world.council.slug])
    assert list(CalendarToken.objects.values_list("digest", flat=True)) == tokens
