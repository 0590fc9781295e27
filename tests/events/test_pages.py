"""The agenda as people use it: planning in Paris time with clear French
errors, answering, cancelling and deleting after a confirmation, the council
page's block, the private space's link and activity, the national agenda's
filter, the private calendar link."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from councils import services as council_services
from events.models import Attendance, CalendarToken, Event
from tests.councils.factories import (
    coordinator_of,
    council_create,
    department,
    member_of,
    referent_of,
)
from tests.events.factories import AttendanceFactory, EventFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"


def _form(**overrides):
    data = {
        "title": "Assemblée du quartier",
        "starts_at": "2030-12-03T18:30",
        "ends_at": "2030-12-03T20:30",
        "place": "Maison de quartier",
        "description": "Ordre du jour : **budget**",
        "visibility": "public",
    }
    data.update(overrides)
    return data


def test_a_member_plans_a_meeting_in_paris_time(client):
    council = council_create()
    member = member_of(council)
    client.force_login(member)
    response = client.post(reverse("events:event_create", args=[council.slug]), _form())
    event = Event.objects.get()
    assert response.status_code == 302
    assert response.url == event.get_absolute_url()
    assert event.starts_at == datetime(2030, 12, 3, 17, 30, tzinfo=UTC)
    assert event.created_by == member
    page = client.get(event.get_absolute_url()).content.decode()
    assert f"mardi 3 décembre 2030, 18{NBSP}h{NBSP}30 – 20{NBSP}h{NBSP}30" in page
    assert "La réunion est dans l’agenda." in page
    assert "<strong>budget</strong>" in page


def test_the_form_uses_the_browsers_date_picker_and_shows_paris_time(client):
    council = council_create()
    planner = member_of(council)
    start = datetime(2030, 7, 1, 9, 0, tzinfo=PARIS)
    event = EventFactory(
        council=council, created_by=planner, starts_at=start, ends_at=start.replace(hour=11)
    )
    client.force_login(planner)
    page = client.get(reverse("events:event_edit", args=[council.slug, event.pk])).content.decode()
    assert 'type="datetime-local" name="starts_at" value="2030-07-01T09:00"' in page
    assert 'value="2030-07-01T11:00"' in page


def test_ending_before_starting_says_so_keeps_the_text_and_saves_nothing(client):
    council = council_create()
    client.force_login(member_of(council))
    response = client.post(
        reverse("events:event_create", args=[council.slug]),
        _form(ends_at="2030-12-03T17:00", title="Mon titre tapé"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "La fin doit venir après le début." in page
    assert 'value="Mon titre tapé"' in page
    assert 'value="2030-12-03T17:00"' in page
    assert not Event.objects.exists()


def test_an_incomplete_form_says_what_is_missing(client):
    council = council_create()
    client.force_login(member_of(council))
    response = client.post(
        reverse("events:event_create", args=[council.slug]),
        _form(starts_at="", ends_at="demain"),
    )
    page = response.content.decode()
    assert "Indiquez le jour et l’heure du début." in page
    assert "Indiquez une date et une heure" in page
    assert not Event.objects.exists()


def test_editing_refuses_an_end_before_the_start_and_keeps_the_event(client):
    council = council_create()
    planner = member_of(council)
    event = EventFactory(council=council, created_by=planner, title="Avant")
    client.force_login(planner)
    response = client.post(
        reverse("events:event_edit", args=[council.slug, event.pk]),
        _form(title="Après", ends_at="2030-12-03T18:00"),
    )
    assert "La fin doit venir après le début." in response.content.decode()
    event.refresh_from_db()
    assert event.title == "Avant"


def test_answering_twice_gives_one_row_and_members_see_who_comes(client):
    council = council_create()
    member = member_of(council)
    event = EventFactory(council=council, public=True)
    client.force_login(member)
    url = reverse("events:answer", args=[council.slug, event.pk])
    for _ in range(2):
        response = client.post(url, {"answer": "yes"})
        assert response.status_code == 302
    assert Attendance.objects.filter(event=event).count() == 1
    client.post(url, {"answer": "maybe"})
    assert list(Attendance.objects.values_list("answer", flat=True)) == ["maybe"]
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Votre réponse est enregistrée." in page
    assert "Changer ma réponse" in page
    assert "Peut-être" in page


def test_an_empty_answer_is_refused(client):
    council = council_create()
    member = member_of(council)
    event = EventFactory(council=council)
    client.force_login(member)
    client.post(reverse("events:answer", args=[council.slug, event.pk]), {"answer": "oui!"})
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("state", ["past", "cancelled"])
def test_answers_are_closed_after_the_meeting_or_its_cancellation(client, state):
    council = council_create()
    member = member_of(council)
    event = EventFactory(council=council, past=state == "past", cancelled=state == "cancelled")
    client.force_login(member)
    response = client.post(
        reverse("events:answer", args=[council.slug, event.pk]), {"answer": "yes"}, follow=True
    )
    assert "les réponses sont closes" in response.content.decode()
    assert not Attendance.objects.exists()
    assert 'name="answer"' not in client.get(event.get_absolute_url()).content.decode()


def test_cancelling_asks_first_then_marks_the_meeting(client):
    council = council_create()
    coordinator = coordinator_of(council)
    event = EventFactory(council=council, public=True, title="Fête de quartier")
    client.force_login(coordinator)
    url = reverse("events:event_cancel", args=[council.slug, event.pk])
    confirm = client.get(url).content.decode()
    assert f"Annuler «{NBSP}Fête de quartier{NBSP}»{NBSP}?" in confirm
    event.refresh_from_db()
    assert event.cancelled_at is None
    response = client.post(url, follow=True)
    page = response.content.decode()
    assert "Cette réunion est annulée" in page
    assert Event.objects.get().cancelled_at is not None
    # Cancelling again changes nothing and says why.
    again = client.post(url, follow=True).content.decode()
    assert "déjà passée ou annulée" in again


def test_deleting_asks_first_then_removes_the_meeting_and_its_answers(client):
    council = council_create()
    planner = member_of(council)
    event = EventFactory(council=council, created_by=planner)
    AttendanceFactory(event=event, user=planner)
    client.force_login(planner)
    url = reverse("events:event_delete", args=[council.slug, event.pk])
    assert "Supprimer définitivement" in client.get(url).content.decode()
    assert Event.objects.exists()
    response = client.post(url)
    assert response.url == reverse("events:council_agenda", args=[council.slug])
    assert not Event.objects.exists()
    assert not Attendance.objects.exists()


def test_the_public_page_shows_the_next_public_meetings_only(client):
    council = council_create()
    EventFactory(council=council, public=True, title="Réunion publique à venir")
    EventFactory(council=council, title="Réunion privée à venir")
    EventFactory(council=council, public=True, past=True, title="Réunion publique passée")
    page = client.get(council.get_absolute_url()).content.decode()
    assert "Prochaines réunions" in page
    assert "Réunion publique à venir" in page
    assert "Réunion privée à venir" not in page
    assert "Réunion publique passée" not in page


def test_the_public_page_says_when_no_public_meeting_is_coming(client):
    council = council_create()
    EventFactory(council=council, title="Réunion privée à venir")
    page = client.get(council.get_absolute_url()).content.decode()
    assert "Aucune réunion publique prévue." in page
    assert "Réunion privée à venir" not in page


def test_the_private_space_links_to_the_agenda_and_tells_new_meetings(client):
    council = council_create()
    member = member_of(council)
    EventFactory(council=council, title="Préparation du comité", created_by=member)
    client.force_login(member)
    page = client.get(council.get_space_url()).content.decode()
    assert reverse("events:council_agenda", args=[council.slug]) in page
    assert f"a prévu «{NBSP}Préparation du comité{NBSP}»" in page


def test_the_council_agenda_counts_who_comes_and_lists_past_meetings_apart(client):
    council = council_create()
    member = member_of(council)
    coming = EventFactory(council=council, title="À venir")
    EventFactory(council=council, past=True, title="Déjà passée")
    for answer in ("yes", "yes", "maybe", "no"):
        AttendanceFactory(event=coming, user=member_of(council), answer=answer)
    AttendanceFactory(event=coming, user=member, answer="yes")
    client.force_login(member)
    page = client.get(reverse("events:council_agenda", args=[council.slug])).content.decode()
    assert "À venir" in page and "Déjà passée" not in page
    assert "3 personnes viennent, 1 peut-être" in page
    assert f"votre réponse{NBSP}: Je viens" in page
    past = client.get(reverse("events:council_agenda_past", args=[council.slug]))
    assert "Déjà passée" in past.content.decode()
    assert "À venir" not in past.content.decode()


def test_the_council_agenda_says_when_nothing_is_planned(client):
    council = council_create()
    client.force_login(member_of(council))
    page = client.get(reverse("events:council_agenda", args=[council.slug])).content.decode()
    assert "Aucune réunion prévue." in page
    assert "Prévoir une réunion" in page


def test_the_national_agenda_filters_by_region_and_shows_the_past_apart(client):
    nord = council_create()
    rhone = council_create(department=department("69"))
    EventFactory(council=nord, public=True, title="Dans le Nord")
    EventFactory(council=rhone, public=True, title="Dans le Rhône")
    EventFactory(council=rhone, public=True, past=True, title="Passée à Lyon")
    page = client.get(reverse("events:agenda")).content.decode()
    assert "Dans le Nord" in page and "Dans le Rhône" in page
    assert "Passée à Lyon" not in page
    region = nord.department.region.code
    filtered = client.get(reverse("events:agenda"), {"region": region}).content.decode()
    assert "Dans le Nord" in filtered and "Dans le Rhône" not in filtered
    past = client.get(reverse("events:agenda_past")).content.decode()
    assert "Passée à Lyon" in past and "Dans le Nord" not in past


def test_the_national_agenda_says_when_nothing_is_planned(client):
    page = client.get(reverse("events:agenda")).content.decode()
    assert "Aucune réunion prévue pour le moment." in page


def test_the_national_agenda_is_paginated(client):
    council = council_create()
    for index in range(25):
        EventFactory(council=council, public=True, title=f"Réunion numéro {index:02d}")
    first = client.get(reverse("events:agenda")).content.decode()
    second = client.get(reverse("events:agenda"), {"page": 2}).content.decode()
    assert "Page 1 sur 2" in first or "Page 1 of 2" in first
    assert first.count("Réunion numéro") == 20
    assert second.count("Réunion numéro") == 5


def test_an_archived_councils_members_read_but_change_nothing(client):
    council = council_create()
    member = member_of(council)
    event = EventFactory(council=council, public=True, created_by=member, title="Ancienne")
    council_services.council_archive(actor=referent_of("59"), council=council)
    client.force_login(member)
    assert client.get(event.get_absolute_url()).status_code == 200
    assert client.get(reverse("events:council_agenda", args=[council.slug])).status_code == 200
    for name in ("event_edit", "event_cancel", "event_delete"):
        assert (
            client.get(reverse(f"events:{name}", args=[council.slug, event.pk])).status_code == 404
        )
    assert client.get(reverse("events:event_create", args=[council.slug])).status_code == 404
    client.post(reverse("events:answer", args=[council.slug, event.pk]), {"answer": "yes"})
    assert not Attendance.objects.exists()
    # Its public event is no longer public.
    client.logout()
    response = client.get(event.get_absolute_url())
    assert response.status_code == 302
    assert "Ancienne" not in client.get(council.get_absolute_url()).content.decode()


def test_the_private_link_is_shown_once_and_works(client):
    council = council_create()
    member = member_of(council)
    EventFactory(council=council, title="Réunion privée")
    client.force_login(member)
    response = client.post(reverse("events:private_link", args=[council.slug]))
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    prefix = "http://testserver" + reverse("events:council_agenda", args=[council.slug])[:-15]
    start = page.index('value="', page.index('id="private-link"') - 80) + len('value="')
    url = page[start : page.index('"', start)]
    assert url.startswith(prefix) and url.endswith(".ics")
    assert CalendarToken.objects.filter(user=member, council=council).count() == 1
    client.logout()
    feed = client.get(url.removeprefix("http://testserver"))
    assert feed.status_code == 200
    assert "Réunion privée" in feed.content.decode()
    # The agenda offers to renew or revoke it, never shows it again.
    client.force_login(member)
    agenda = client.get(reverse("events:council_agenda", args=[council.slug])).content.decode()
    assert "Révoquer mon lien privé" in agenda
    assert url not in agenda
    client.post(reverse("events:private_link_revoke", args=[council.slug]))
    assert client.get(url.removeprefix("http://testserver")).status_code == 404
