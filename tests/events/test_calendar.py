"""The iCalendar feeds parse, hold the expected events in UTC, and never a
private one, except the member's private feed, which asks at every request
whether its holder is still a member."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from councils import services as council_services
from councils.models import Membership
from events import selectors, services
from tests.councils.factories import council_create, member_of
from tests.events.factories import EventFactory
from tests.hostile import tampered

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _vevents(response) -> dict[str, object]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(component["SUMMARY"]): component for component in calendar.walk("VEVENT")}


@pytest.fixture
def agenda():
    council, other = council_create(), council_create()
    start = datetime(2030, 12, 3, 18, 30, tzinfo=PARIS)
    return {
        "council": council,
        "other": other,
        "public": EventFactory(
            council=council,
            public=True,
            title="Assemblée publique",
            starts_at=start,
            ends_at=start.replace(hour=20, minute=0),
            place="Maison de quartier",
            description="## Ordre du jour\n\n- le **budget**\n- l'aire de jeux",
        ),
        "cancelled": EventFactory(
            council=council, public=True, cancelled=True, title="Fête annulée"
        ),
        "private": EventFactory(council=council, title="Réunion privée"),
        "other_public": EventFactory(council=other, public=True, title="Chez les voisins"),
        "old": EventFactory(
            council=council,
            public=True,
            title="Très ancienne",
            starts_at=datetime(2020, 1, 1, 18, tzinfo=UTC),
            ends_at=datetime(2020, 1, 1, 19, tzinfo=UTC),
        ),
    }


def test_the_council_feed_holds_its_public_events_in_utc(client, agenda):
    council = agenda["council"]
    response = client.get(reverse("events:council_feed", args=[council.slug]))
    events = _vevents(response)
    assert set(events) == {"Assemblée publique", "Annulé\u00a0: Fête annulée"}
    assert b"DTSTART:20301203T173000Z" in response.content
    public = events["Assemblée publique"]
    assert public.decoded("DTSTART") == datetime(2030, 12, 3, 17, 30, tzinfo=UTC)
    assert public.decoded("DTEND") == datetime(2030, 12, 3, 19, 0, tzinfo=UTC)
    assert public.decoded("DTSTAMP").utcoffset().total_seconds() == 0
    assert str(public["UID"]) == f"evenement-{agenda['public'].pk}@127.0.0.1"
    assert str(public["LOCATION"]) == "Maison de quartier"
    assert str(public["DESCRIPTION"]) == "Ordre du jour\n\n- le budget\n- l'aire de jeux"
    assert str(public["URL"]) == "http://testserver" + agenda["public"].get_absolute_url()
    assert str(public["STATUS"]) == "CONFIRMED"
    assert str(events["Annulé\u00a0: Fête annulée"]["STATUS"]) == "CANCELLED"


def test_the_national_feed_holds_every_public_event_and_no_private_one(client, agenda):
    client.force_login(member_of(agenda["council"]))
    events = _vevents(client.get(reverse("events:national_feed")))
    assert set(events) == {"Assemblée publique", "Annulé\u00a0: Fête annulée", "Chez les voisins"}
    assert str(events["Chez les voisins"]["DESCRIPTION"]).startswith(agenda["other"].name)


def test_an_archived_councils_feed_is_empty(client, agenda):
    council = agenda["council"]
    council.status = council.Status.ARCHIVED
    council.save(update_fields=["status"])
    assert _vevents(client.get(reverse("events:council_feed", args=[council.slug]))) == {}
    assert "Assemblée publique" not in _vevents(client.get(reverse("events:national_feed")))


def test_one_events_feed(client, agenda):
    event = agenda["public"]
    url = reverse("events:event_feed", args=[event.council.slug, event.pk])
    assert set(_vevents(client.get(url))) == {"Assemblée publique"}


def _private_url(council, token):
    return reverse("events:private_feed", args=[council.slug, token])


def test_a_members_private_feed_holds_every_event_of_the_council(client, agenda):
    council = agenda["council"]
    member = member_of(council)
    token = services.calendar_token_create(actor=member, council=council)
    response = client.get(_private_url(council, token))
    events = _vevents(response)
    assert set(events) == {"Assemblée publique", "Annulé\u00a0: Fête annulée", "Réunion privée"}
    assert str(events["Réunion privée"]["CLASS"]) == "PRIVATE"
    assert "no-store" in response["Cache-Control"]


def test_a_private_feed_stops_with_the_link_or_the_membership(client, agenda):
    council, other = agenda["council"], agenda["other"]
    member = member_of(council)
    token = services.calendar_token_create(actor=member, council=council)
    url = _private_url(council, token)
    assert client.get(url).status_code == 200
    # Another council's address, a guessed or an old secret: nothing.
    assert client.get(_private_url(other, token)).status_code == 404
    assert client.get(_private_url(council, tampered(token))).status_code == 404
    renewed = services.calendar_token_create(actor=member, council=council)
    assert client.get(url).status_code == 404
    url = _private_url(council, renewed)
    assert client.get(url).status_code == 200
    # A former member's link answers 404 at once.
    council_services.membership_leave(user=member, council=council)
    assert not Membership.objects.filter(user=member, council=council).exists()
    assert client.get(url).status_code == 404


def test_a_private_link_stays_dead_after_its_holder_rejoins(client, agenda):
    """The link belongs to one membership: leaving ends it for good, and the
    new membership of a rejoining member starts without a link."""
    council = agenda["council"]
    member = member_of(council)
    token = services.calendar_token_create(actor=member, council=council)
    old_url = _private_url(council, token)
    assert "Réunion privée" in _vevents(client.get(old_url))
    council_services.membership_leave(user=member, council=council)
    assert client.get(old_url).status_code == 404
    member_of(council, member)
    assert client.get(old_url).status_code == 404
    assert not selectors.has_private_link(member, council)
    new_url = _private_url(council, services.calendar_token_create(actor=member, council=council))
    assert "Réunion privée" in _vevents(client.get(new_url))
    assert client.get(old_url).status_code == 404


def test_a_deactivated_accounts_private_feed_is_gone(client, agenda):
    council = agenda["council"]
    member = member_of(council)
    token = services.calendar_token_create(actor=member, council=council)
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert client.get(_private_url(council, token)).status_code == 404


def test_a_revoked_private_link_is_gone(client, agenda):
    council = agenda["council"]
    member = member_of(council)
    token = services.calendar_token_create(actor=member, council=council)
    services.calendar_token_revoke(actor=member, council=council)
    assert client.get(_private_url(council, token)).status_code == 404
