"""List pages make a fixed number of queries, however many rows they show."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from councils.models import Council, Department, Membership
from tests.councils.factories import coordinator_of, council_create, member_of, referent_of

pytestmark = pytest.mark.django_db


def _bulk_councils(count: int) -> None:
    """Directory rows without the grants (the directory reads none)."""
    departments = list(Department.objects.all())
    groups = Group.objects.bulk_create(
        [Group(name=f"bulk:{index}:{kind}") for index in range(count) for kind in ("m", "c")]
    )
    Council.objects.bulk_create(
        Council(
            name=f"Conseil citoyen numéro {index}",
            slug=f"conseil-{index}",
            department=departments[index % len(departments)],
            town=f"Ville {index % 40}",
            members_group=groups[2 * index],
            coordinators_group=groups[2 * index + 1],
        )
        for index in range(count)
    )


def _bulk_members(council: Council, count: int) -> None:
    users = User.objects.bulk_create(
        User(email=f"membre{index}@exemple.test", display_name=f"Membre {index}")
        for index in range(count)
    )
    Membership.objects.bulk_create(Membership(council=council, user=user) for user in users)
    council.members_group.user_set.add(*users)


DIRECTORY_URLS = [
    "/conseils/",
    "/conseils/?page=3",
    "/conseils/?q=num%C3%A9ro&town=Ville+3",
    "/conseils/?department=59",
]


@pytest.mark.parametrize("size", [5, 500])
@pytest.mark.parametrize("url", DIRECTORY_URLS)
def test_directory_queries_do_not_grow_with_councils(
    client, django_assert_max_num_queries, url, size
):
    _bulk_councils(size)
    # The page, its count, the region counts, the filter's two lists and the
    # department looked up from its code.
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200


def test_directory_signed_in_stays_bounded(client, django_assert_max_num_queries):
    _bulk_councils(500)
    council = Council.objects.first()
    member = member_of(council)
    client.force_login(member)
    # + the user, their grants, the header's councils and roles.
    with django_assert_max_num_queries(10):
        assert client.get("/conseils/").status_code == 200


@pytest.mark.parametrize("size", [1, 300])
def test_members_list_is_bounded(client, django_assert_max_num_queries, size):
    council = council_create()
    _bulk_members(council, size)
    viewer = member_of(council)
    client.force_login(viewer)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("councils:members", args=[council.slug]))
    assert response.status_code == 200
    assert "Membre 0" in response.content.decode()


@pytest.mark.parametrize("size", [1, 300])
def test_management_page_is_bounded(client, django_assert_max_num_queries, size):
    council = council_create()
    _bulk_members(council, size)
    client.force_login(referent_of("59"))
    # 12, the header's unread notifications and the session (read from the
    # database).
    with django_assert_max_num_queries(14):
        assert client.get(reverse("councils:manage", args=[council.slug])).status_code == 200


@pytest.mark.parametrize("size", [1, 300])
def test_space_and_public_page_are_bounded(client, django_assert_max_num_queries, size):
    council = council_create()
    _bulk_members(council, size)
    coordinator_of(council)
    viewer = member_of(council)
    client.force_login(viewer)
    # One query per activity source of later apps (forums, agenda), the
    # header's unread notifications and the session (read from the database).
    with django_assert_max_num_queries(12):
        assert client.get(council.get_space_url()).status_code == 200
    # The public page's sections from later apps count too (publications: 2,
    # news: 1 and 1 more for tags when there are articles, agenda: 1), and
    # the header's unread notifications.
    with django_assert_max_num_queries(13):
        assert client.get(council.get_absolute_url()).status_code == 200
