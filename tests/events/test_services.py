"""The agenda's writes: permission checked by each service, validation in
French, the database's own guard on dates, one answer per member."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from events import permissions, services
from events.models import Attendance, CalendarToken, Event
from tests.accounts.factories import XSS, UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def _times(days=7, hours=2):
    start = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
    return start, start + timedelta(hours=hours)


def test_a_member_plans_a_meeting_and_its_description_is_sanitised():
    council = council_create()
    member = member_of(council)
    start, end = _times()
    event = services.event_create(
        actor=member,
        council=council,
        title="  Assemblée  ",
        starts_at=start,
        ends_at=end,
        place="Salle des fêtes",
        description=f"## Ordre du jour\n\n- budget\n\n{XSS} [lien](javascript:alert(1))",
        visibility=Event.Visibility.PUBLIC,
    )
    assert event.title == "Assemblée"
    assert event.created_by == member
    assert "<h2>Ordre du jour</h2>" in event.description_html
    assert "<script" not in event.description_html
    assert "javascript:" not in event.description_html


def test_ending_before_starting_is_refused_in_french_and_nothing_is_saved():
    council = council_create()
    member = member_of(council)
    start, _end = _times()
    with pytest.raises(ValidationError) as refused:
        services.event_create(
            actor=member, council=council, title="Réunion", starts_at=start, ends_at=start
        )
    assert refused.value.message_dict["ends_at"] == ["La fin doit venir après le début."]
    assert not Event.objects.exists()


def test_the_database_refuses_an_end_before_the_start_too():
    council = council_create()
    start, _end = _times()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(
            council=council, title="x", starts_at=start, ends_at=start - timedelta(hours=1)
        )


def test_outsiders_and_archived_councils_plan_nothing():
    council = council_create()
    outsider = member_of(council_create())
    start, end = _times()
    with pytest.raises(PermissionDenied):
        services.event_create(
            actor=outsider, council=council, title="x", starts_at=start, ends_at=end
        )
    assert not Event.objects.exists()


def test_only_the_planner_or_a_coordinator_changes_a_meeting():
    council = council_create()
    planner, member, coordinator = member_of(council), member_of(council), coordinator_of(council)
    event = EventFactory(council=council, created_by=planner, title="Avant")
    with pytest.raises(PermissionDenied):
        services.event_update(actor=member, event=event, title="Après")
    with pytest.raises(PermissionDenied):
        services.event_cancel(actor=member, event=event)
    with pytest.raises(PermissionDenied):
        services.event_delete(actor=member, event=event)
    event.refresh_from_db()
    assert event.title == "Avant"
    assert event.cancelled_at is None

    services.event_update(actor=planner, event=event, title="Après", description="**Gras**")
    event.refresh_from_db()
    assert (event.title, event.description_html) == ("Après", "<p><strong>Gras</strong></p>")
    services.event_cancel(actor=coordinator, event=event)
    assert Event.objects.get(pk=event.pk).cancelled_at is not None
    services.event_delete(actor=coordinator, event=event)
    assert not Event.objects.exists()


def test_update_changes_only_the_editable_fields():
    council = council_create()
    planner = member_of(council)
    event = EventFactory(council=council, created_by=planner)
    with pytest.raises(TypeError):
        services.event_update(actor=planner, event=event, council=council_create())


def test_answering_twice_keeps_one_row_with_the_last_answer():
    council = council_create()
    member = member_of(council)
    event = EventFactory(council=council)
    services.attendance_set(actor=member, event=event, answer=Attendance.Answer.YES)
    services.attendance_set(actor=member, event=event, answer=Attendance.Answer.YES)
    services.attendance_set(actor=member, event=event, answer=Attendance.Answer.NO)
    assert list(Attendance.objects.values_list("user_id", "answer")) == [(member.pk, "no")]


@pytest.mark.parametrize("state", ["past", "cancelled", "outsider", "archived"])
def test_answers_are_closed(state):
    council = council_create()
    member = member_of(council)
    event = EventFactory(
        council=council, past=state == "past", cancelled=state == "cancelled", public=True
    )
    if state == "outsider":
        member = UserFactory()
    if state == "archived":
        from councils import services as council_services
        from tests.councils.factories import referent_of

        council_services.council_archive(actor=referent_of("59"), council=council)
        event.council.refresh_from_db()
        member = type(member).objects.get(pk=member.pk)
    with pytest.raises(PermissionDenied):
        services.attendance_set(actor=member, event=event, answer=Attendance.Answer.YES)
    assert not Attendance.objects.exists()


def test_private_links_are_secret_stored_as_digests_and_replaced():
    council = council_create()
    member = member_of(council)
    first = services.calendar_token_create(actor=member, council=council)
    second = services.calendar_token_create(actor=member, council=council)
    assert len(first) >= 43 and first != second
    stored = CalendarToken.objects.get()
    assert stored.digest == services.token_digest(second)
    assert first not in stored.digest and second not in stored.digest
    with pytest.raises(PermissionDenied):
        services.calendar_token_create(actor=UserFactory(), council=council)
    assert services.calendar_token_revoke(actor=member, council=council)
    assert not CalendarToken.objects.exists()


def test_events_visible_to_follows_membership():
    council, other = council_create(), council_create()
    member = member_of(council)
    public = EventFactory(council=other, public=True)
    own_private = EventFactory(council=council)
    EventFactory(council=other)
    assert set(permissions.events_visible_to(member)) == {public, own_private}
    assert set(permissions.events_visible_to(UserFactory())) == {public}


def test_description_is_rendered_before_any_row_is_locked(render_depths):
    depths = render_depths("events.models")
    council = council_create()
    planner = member_of(council)
    start = timezone.now() + timedelta(days=3)
    event = services.event_create(
        actor=planner,
        council=council,
        title="Assemblée",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        description="**Ordre** du jour",
    )
    services.event_update(actor=planner, event=event, description="*Nouvel* ordre du jour")
    assert depths == [0, 0]
    event.refresh_from_db()
    assert event.description_html == "<p><em>Nouvel</em> ordre du jour</p>"
