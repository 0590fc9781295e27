"""Every council page for every role: the status each one gets, and that
nothing private shows to those who may not read it."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.roles import animator_appoint
from councils.models import Council, JoinRequest, Membership
from tests.accounts.factories import XSS, UserFactory
from tests.councils.factories import (
    coordinator_of,
    council_create,
    department,
    member_of,
    referent_of,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "registered",
    "member",
    "coordinator",
    "other_member",
    "referent",
    "other_referent",
    "animator",
    "superuser",
]


@dataclass
class World:
    council: Council
    other_council: Council
    people: dict[str, User | None]


def _build_world() -> World:
    council = council_create()
    other_council = council_create(department=department("69"), town="Lyon")
    people: dict[str, User | None] = {
        "anonymous": None,
        "registered": UserFactory(),
        "member": member_of(council),
        "coordinator": coordinator_of(council),
        "other_member": member_of(other_council),
        "referent": referent_of("59"),
        "other_referent": referent_of("69"),
        "animator": UserFactory(),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    animator_appoint(user=people["animator"], system=True)
    member_of(council, UserFactory(display_name="Membre secret du conseil"))
    return World(council, other_council, people)


@pytest.fixture(scope="module")
def shared_world(module_data) -> World:
    return module_data.build(_build_world)


@pytest.fixture
def world(shared_world) -> World:
    return copy.deepcopy(shared_world)


def _client_for(client, world: World, role: str):
    person = world.people[role]
    if person is not None:
        client.force_login(person)
    return client


# page → expected status per role ("login" = redirected to the login page).
OK, LOGIN, HIDDEN = 200, "login", 404
MATRIX = {
    "councils:detail": dict.fromkeys(ROLES, OK),
    "councils:space": {
        **dict.fromkeys(ROLES, HIDDEN),
        "anonymous": LOGIN,
        "member": OK,
        "coordinator": OK,
    },
    "councils:members": {
        **dict.fromkeys(ROLES, HIDDEN),
        "anonymous": LOGIN,
        "member": OK,
        "coordinator": OK,
    },
    "councils:leave": {
        **dict.fromkeys(ROLES, HIDDEN),
        "anonymous": LOGIN,
        "member": OK,
        "coordinator": OK,
    },
    "councils:manage": {
        **dict.fromkeys(ROLES, HIDDEN),
        "anonymous": LOGIN,
        "coordinator": OK,
        "referent": OK,
    },
    "councils:log": {
        **dict.fromkeys(ROLES, HIDDEN),
        "anonymous": LOGIN,
        "coordinator": OK,
        "referent": OK,
    },
    "councils:transparency": {
        **dict.fromkeys(ROLES, HIDDEN),
        "anonymous": LOGIN,
        "member": OK,
        "coordinator": OK,
    },
    "councils:edit": {
        **dict.fromkeys(ROLES, HIDDEN),
        "anonymous": LOGIN,
        "coordinator": OK,
        "referent": OK,
    },
    "councils:archive": {**dict.fromkeys(ROLES, HIDDEN), "anonymous": LOGIN, "referent": OK},
    "councils:join": {
        **dict.fromkeys(ROLES, OK),
        "anonymous": LOGIN,
        "member": 302,
        "coordinator": 302,
    },
}
SITE_MATRIX = {
    "councils:directory": dict.fromkeys(ROLES, OK),
    "councils:create": {
        **dict.fromkeys(ROLES, HIDDEN),
        "anonymous": LOGIN,
        "referent": OK,
        "other_referent": OK,
    },
    "councils:mine": {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN},
    "councils:animation": {**dict.fromkeys(ROLES, HIDDEN), "anonymous": LOGIN, "animator": OK},
}


def _assert_status(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", list(MATRIX))
def test_council_pages_access_matrix(client, world, url_name, role):
    client = _client_for(client, world, role)
    response = client.get(reverse(url_name, args=[world.council.slug]))
    _assert_status(response, MATRIX[url_name][role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", list(SITE_MATRIX))
def test_site_pages_access_matrix(client, world, url_name, role):
    client = _client_for(client, world, role)
    _assert_status(client.get(reverse(url_name)), SITE_MATRIX[url_name][role])


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_never_show_the_member_list(client, world, role):
    client = _client_for(client, world, role)
    for url in (reverse("councils:directory"), world.council.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Membre secret du conseil" not in page
        assert XSS not in page


def test_the_space_shows_members_to_members(client, world):
    client.force_login(world.people["other_member"])
    assert client.get(reverse("councils:members", args=[world.council.slug])).status_code == 404
    client.force_login(world.people["member"])
    page = client.get(reverse("councils:members", args=[world.council.slug])).content.decode()
    assert "Membre secret du conseil" in page
    assert XSS not in page


MANAGEMENT_POSTS = ["request_answer", "invite", "invitation_revoke", "member_role", "member_remove"]


@pytest.mark.parametrize(
    "role", ["registered", "member", "other_member", "other_referent", "animator", "superuser"]
)
def test_management_actions_are_hidden_from_everyone_else(client, world, role):
    """Accepting, inviting, changing a role or removing: 404 and no change."""
    council = world.council
    requester = UserFactory()
    join_request = JoinRequest.objects.create(council=council, user=requester)
    membership = Membership.objects.get(council=council, user=world.people["member"])
    client.force_login(world.people[role])
    posts = [
        (reverse("councils:request_answer", args=[council.slug, join_request.pk, "accept"]), {}),
        (
            reverse("councils:invite", args=[council.slug]),
            {"email": "x@exemple.test", "role": "member"},
        ),
        (
            reverse("councils:member_role", args=[council.slug, membership.pk]),
            {"role": "coordinator"},
        ),
        (reverse("councils:member_remove", args=[council.slug, membership.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404
    join_request.refresh_from_db()
    membership.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    assert membership.role == Membership.Role.MEMBER
    assert not council.invitations.exists()


def test_anonymous_management_posts_go_to_login(client, world):
    url = reverse("councils:invite", args=[world.council.slug])
    response = client.post(url, {"email": "x@exemple.test", "role": "member"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not world.council.invitations.exists()


def test_a_missing_councils_space_answers_like_a_private_one(client, world):
    """404 to the signed in; to anonymous visitors, the login page, as for a
    council that exists: the answer never tells which councils exist."""
    client.force_login(world.people["member"])
    assert client.get(reverse("councils:space", args=["nexiste-pas"])).status_code == 404
    client.logout()
    missing = client.get(reverse("councils:space", args=["nexiste-pas"]))
    existing = client.get(reverse("councils:space", args=[world.council.slug]))
    assert missing.status_code == existing.status_code == 302
    assert missing.url == f"{reverse('account_login')}?next=/conseils/nexiste-pas/espace/"
    assert existing.url == f"{reverse('account_login')}?next={world.council.get_space_url()}"
