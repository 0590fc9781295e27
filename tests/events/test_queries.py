"""The agenda's lists and feeds make a fixed number of queries, whether they
show one event or thirty."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events import services
from tests.councils.factories import council_create, member_of
from tests.events.factories import AttendanceFactory, EventFactory

pytestmark = pytest.mark.django_db
SIZES = [1, 30]


def _agenda(size: int):
    council, other = council_create(), council_create()
    member = member_of(council)
    others = [member_of(council) for _ in range(3)]
    for index in range(size):
        event = EventFactory(council=council if index % 2 else other, public=index % 3 != 0)
        if event.council == council:
            for user in others:
                AttendanceFactory(event=event, user=user, answer="yes" if index % 2 else "maybe")
    EventFactory.create_batch(size, council=council, past=True, public=True)
    return council, member


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("signed_in", [False, True])
def test_the_national_agenda_is_bounded(client, django_assert_max_num_queries, size, signed_in):
    _council, member = _agenda(size)
    if signed_in:
        client.force_login(member)
    for url in (reverse("events:agenda"), reverse("events:agenda_past"), "/agenda/?region=32"):
        # The regions of the filter (and the one chosen), the count and the
        # page; signed in, the session (read from the database), the user,
        # the header's roles and the unread notifications too.
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_council_agenda_is_bounded(client, django_assert_max_num_queries, size):
    council, member = _agenda(size)
    client.force_login(member)
    for name in ("council_agenda", "council_agenda_past"):
        # The session, the user, grants, header (roles, unread notifications),
        # the council, the count, the page and the private link's existence.
        with django_assert_max_num_queries(10):
            assert client.get(reverse(f"events:{name}", args=[council.slug])).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_an_event_page_is_bounded_by_its_answers(client, django_assert_max_num_queries, size):
    council = council_create()
    member = member_of(council)
    event = EventFactory(council=council, public=True)
    for index in range(size):
        AttendanceFactory(
            event=event, user=member_of(council), answer=["yes", "maybe", "no"][index % 3]
        )
    client.force_login(member)
    # 8 with the session, read from the database.
    with django_assert_max_num_queries(8):
        assert client.get(event.get_absolute_url()).status_code == 200
    client.logout()
    # The event with its council: that is all an outsider costs.
    with django_assert_max_num_queries(1):
        assert client.get(event.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_feeds_are_bounded(client, django_assert_max_num_queries, size):
    council, member = _agenda(size)
    token = services.calendar_token_create(actor=member, council=council)
    with django_assert_max_num_queries(1):
        assert client.get(reverse("events:national_feed")).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(reverse("events:council_feed", args=[council.slug])).status_code == 200
    # The link, the holder's grants (two), "last used", the events.
    with django_assert_max_num_queries(5):
        url = reverse("events:private_feed", args=[council.slug, token])
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_council_pages_section_costs_one_query(client, django_assert_num_queries, size):
    """The block of the public page: one query, whatever the number of events."""
    from events.activity import public_section

    council, _member = _agenda(size)
    with django_assert_num_queries(1):
        html = public_section(None, council)
    assert "Prochaines réunions" in html
