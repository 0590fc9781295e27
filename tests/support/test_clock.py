"""The 24-hour clock, with frozen time: when a request is due soon or late,
what stops and restarts it, and the warnings the beat task sends. Whether a
request is late is read from the data, whether or not the task ran."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from support import selectors, services, tasks
from support.models import HelpRequest
from tests.accounts.factories import UserFactory
from tests.councils.factories import (
    OTHER_DEPARTMENT,
    council_create,
    department,
    member_of,
    referent_of,
)
from tests.news.factories import animator

from .factories import help_request_submit

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 9 o'clock in Paris
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def clock(time_machine):
    """``clock(hours)``: freeze time ``hours`` after START (a timedelta, or hours)."""

    def at(after: timedelta | float = 0) -> datetime:
        if not isinstance(after, timedelta):
            after = timedelta(hours=after)
        moment = START + after
        time_machine.move_to(moment, tick=False)
        return moment

    at(0)
    return at


def fresh(help_request: HelpRequest) -> HelpRequest:
    return HelpRequest.objects.get(pk=help_request.pk)


def overdue_pks(now=None) -> set[int]:
    return set(HelpRequest.objects.overdue(now).values_list("pk", flat=True))


def due_soon_pks(now=None) -> set[int]:
    return set(HelpRequest.objects.due_soon(now).values_list("pk", flat=True))


def addressees(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


# The clock.


def test_a_request_is_due_24_hours_after_it_was_sent(clock):
    help_request = fresh(help_request_submit())
    assert help_request.created_at == START
    assert help_request.due_at == START + 24 * HOUR
    assert help_request.time_left() == 24 * HOUR


@pytest.mark.parametrize(
    ("after", "due_soon", "overdue"),
    [
        (0, False, False),
        (19 * HOUR + 59 * MINUTE, False, False),
        (20 * HOUR, False, False),  # exactly four hours left: not yet
        (20 * HOUR + MINUTE, True, False),
        (23 * HOUR + 59 * MINUTE, True, False),
        (24 * HOUR, True, False),  # the deadline itself is still in time
        (24 * HOUR + timedelta(seconds=1), False, True),
        (72 * HOUR, False, True),
    ],
)
def test_due_soon_in_the_last_four_hours_then_overdue(clock, after, due_soon, overdue):
    help_request = help_request_submit()
    now = clock(after)
    assert (help_request.pk in due_soon_pks(now)) is due_soon
    assert (help_request.pk in overdue_pks(now)) is overdue
    # Without ``now``: the querysets and the model read the (frozen) clock.
    assert (help_request.pk in due_soon_pks()) is due_soon
    assert (help_request.pk in overdue_pks()) is overdue
    assert fresh(help_request).is_overdue() is overdue
    assert fresh(help_request).is_overdue(now) is overdue


def test_an_answer_stops_the_clock(clock):
    national = animator()
    help_request = help_request_submit()
    answered_at = clock(3)
    services.request_answer(actor=national, help_request=help_request, body="Voici la réponse")
    help_request = fresh(help_request)
    assert help_request.status == HelpRequest.Status.ANSWERED
    assert help_request.due_at is None
    assert help_request.first_answered_at == answered_at
    assert help_request.time_left() is None
    now = clock(30)
    assert help_request.pk not in overdue_pks(now)
    assert not help_request.is_overdue(now)
    # A second answer keeps the first answer's time.
    services.request_answer(actor=national, help_request=help_request, body="Un complément")
    assert fresh(help_request).first_answered_at == answered_at


def test_a_reached_call_stops_the_clock_at_the_time_of_the_call(clock):
    referent = referent_of()
    help_request = help_request_submit(department=department(), wants_call=True, phone="06")
    clock(26)  # recorded late, for a call made in time
    services.request_call_record(
        actor=referent,
        help_request=help_request,
        called_at=START + 2 * HOUR,
        minutes=15,
        reached=True,
    )
    help_request = fresh(help_request)
    assert help_request.status == HelpRequest.Status.ANSWERED
    assert help_request.due_at is None
    assert help_request.first_answered_at == START + 2 * HOUR
    assert help_request.pk not in overdue_pks()


def test_a_missed_call_does_not_stop_the_clock(
    clock, mailoutbox, django_capture_on_commit_callbacks
):
    national = animator()
    help_request = help_request_submit(email="appelee@example.org", wants_call=True, phone="06")
    clock(2)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_call_record(
            actor=national,
            help_request=help_request,
            called_at=START + 2 * HOUR,
            minutes=1,
            reached=False,
        )
    assert [m.to for m in mailoutbox] == [["appelee@example.org"]]
    help_request = fresh(help_request)
    assert help_request.status == HelpRequest.Status.OPEN
    assert help_request.due_at == START + 24 * HOUR
    assert help_request.first_answered_at is None
    assert help_request.pk in overdue_pks(clock(25))


def test_a_call_made_before_the_requester_wrote_again_does_not_answer_them(clock):
    national = animator()
    help_request = help_request_submit(wants_call=True, phone="06")
    clock(1)
    services.request_answer(actor=national, help_request=help_request, body="On vous appelle")
    clock(3)
    services.requester_reply(
        help_request=help_request, body="Autre question, par écrit", via_link=True
    )
    clock(4)  # the call made at 2 o'clock is written down now
    services.request_call_record(
        actor=national,
        help_request=help_request,
        called_at=START + 2 * HOUR,
        minutes=10,
        reached=True,
    )
    help_request = fresh(help_request)
    assert help_request.status == HelpRequest.Status.OPEN
    assert help_request.due_at == START + 27 * HOUR


def test_a_requester_reply_starts_a_new_clock(clock):
    national = animator()
    help_request = help_request_submit()
    clock(2)
    services.request_answer(actor=national, help_request=help_request, body="Réponse")
    replied_at = clock(10)
    services.requester_reply(help_request=help_request, body="Ce n'est pas clair", via_link=True)
    help_request = fresh(help_request)
    assert help_request.status == HelpRequest.Status.OPEN
    assert help_request.due_at == replied_at + 24 * HOUR
    assert help_request.first_answered_at == START + 2 * HOUR  # the first answer stays
    assert help_request.pk not in overdue_pks(clock(34))
    assert help_request.pk in overdue_pks(clock(34 * HOUR + MINUTE))


def test_a_reply_while_waiting_does_not_push_the_deadline_back(clock):
    help_request = help_request_submit()
    clock(5)
    services.requester_reply(
        help_request=help_request, body="J'ajoute une précision", via_link=True
    )
    assert fresh(help_request).due_at == START + 24 * HOUR


def test_a_requester_reply_reopens_a_closed_request(clock):
    national = animator()
    help_request = help_request_submit()
    clock(1)
    services.request_close(actor=national, help_request=help_request)
    replied_at = clock(48)
    services.requester_reply(help_request=help_request, body="Le problème revient", via_link=True)
    help_request = fresh(help_request)
    assert help_request.status == HelpRequest.Status.OPEN
    assert help_request.due_at == replied_at + 24 * HOUR
    assert help_request.closed_at is None


@pytest.mark.parametrize("how", ["answered", "closed"])
def test_reopening_by_the_team_starts_a_new_clock(clock, how):
    national = animator()
    help_request = help_request_submit()
    clock(2)
    if how == "answered":
        services.request_answer(actor=national, help_request=help_request, body="Réponse")
    else:
        services.request_close(actor=national, help_request=help_request)
    reopened_at = clock(50)
    services.request_reopen(actor=national, help_request=help_request)
    help_request = fresh(help_request)
    assert help_request.status == HelpRequest.Status.OPEN
    assert help_request.due_at == reopened_at + 24 * HOUR
    assert help_request.closed_at is None
    assert help_request.pk not in overdue_pks(clock(73))
    assert help_request.pk in overdue_pks(clock(75))


def test_closing_stops_the_clock_without_counting_as_an_answer(clock):
    national = animator()
    help_request = help_request_submit()
    closed_at = clock(1)
    services.request_close(actor=national, help_request=help_request)
    help_request = fresh(help_request)
    assert help_request.status == HelpRequest.Status.CLOSED
    assert help_request.due_at is None
    assert help_request.closed_at == closed_at
    assert help_request.first_answered_at is None
    assert help_request.pk not in overdue_pks(clock(30))
    assert not help_request.is_overdue()


def test_overdue_is_read_from_the_data_without_the_task(clock):
    national, referent = animator(), referent_of()
    help_request = help_request_submit(department=department())
    clock(25)  # the warning task never ran
    help_request = fresh(help_request)
    assert help_request.warned_overdue_at is None
    assert help_request.is_overdue()
    assert help_request.pk in overdue_pks()
    for person in (national, referent):
        assert selectors.waiting_counts(person) == {"waiting": 1, "overdue": 1}
        assert list(selectors.queue(person, state=selectors.STATE_OVERDUE)) == [help_request]


# The warnings.


@pytest.fixture
def team():
    """The national animation and the Nord's referent; around them, people who
    are not the team of a request from the Nord."""
    council = council_create()
    return {
        "council": council,
        "animator": animator(),
        "referent": referent_of(),
        "referent_elsewhere": referent_of(OTHER_DEPARTMENT),
        "member": member_of(council),
    }


def warn(capture, now) -> int:
    with capture(execute=True):
        return services.warn_about_due_requests(now=now)


def test_a_request_four_hours_from_its_deadline_warns_its_team_once(
    clock, team, mailoutbox, django_capture_on_commit_callbacks
):
    help_request = help_request_submit(council=team["council"], requester=UserFactory())
    assert warn(django_capture_on_commit_callbacks, clock(19)) == 0
    assert mailoutbox == []
    now = clock(21)
    assert warn(django_capture_on_commit_callbacks, now) == 1
    assert addressees(mailoutbox) == sorted([team["animator"].email, team["referent"].email])
    assert all(help_request.get_team_url() in m.body for m in mailoutbox)
    assert fresh(help_request).warned_due_soon_at == now
    assert fresh(help_request).warned_overdue_at is None
    mailoutbox.clear()
    assert warn(django_capture_on_commit_callbacks, clock(21.5)) == 0
    assert warn(django_capture_on_commit_callbacks, clock(23)) == 0
    assert mailoutbox == []


def test_an_overdue_request_warns_its_team_once(
    clock, team, mailoutbox, django_capture_on_commit_callbacks
):
    help_request = help_request_submit(council=team["council"])
    warn(django_capture_on_commit_callbacks, clock(21))
    mailoutbox.clear()
    now = clock(25)
    assert warn(django_capture_on_commit_callbacks, now) == 1
    assert addressees(mailoutbox) == sorted([team["animator"].email, team["referent"].email])
    assert fresh(help_request).warned_overdue_at == now
    mailoutbox.clear()
    assert warn(django_capture_on_commit_callbacks, clock(26)) == 0
    assert warn(django_capture_on_commit_callbacks, clock(72)) == 0
    assert mailoutbox == []


def test_a_request_found_late_is_warned_once_as_late(
    clock, team, mailoutbox, django_capture_on_commit_callbacks
):
    help_request = help_request_submit(council=team["council"])
    now = clock(30)  # the task did not run in time
    assert warn(django_capture_on_commit_callbacks, now) == 1
    assert len(mailoutbox) == 2
    help_request = fresh(help_request)
    assert help_request.warned_overdue_at == now
    assert help_request.warned_due_soon_at == now  # no "4 hours left" after the fact
    mailoutbox.clear()
    assert warn(django_capture_on_commit_callbacks, clock(31)) == 0
    assert mailoutbox == []


def test_an_assigned_request_warns_only_its_assignee(
    clock, team, mailoutbox, django_capture_on_commit_callbacks
):
    help_request = help_request_submit(council=team["council"])
    services.request_assign(
        actor=team["animator"], help_request=help_request, assignee=team["referent"]
    )
    assert warn(django_capture_on_commit_callbacks, clock(21)) == 1
    assert addressees(mailoutbox) == [team["referent"].email]
    mailoutbox.clear()
    assert warn(django_capture_on_commit_callbacks, clock(25)) == 1
    assert addressees(mailoutbox) == [team["referent"].email]


def test_a_request_answered_in_between_is_not_warned(
    clock, team, mailoutbox, django_capture_on_commit_callbacks
):
    help_request = help_request_submit(council=team["council"])
    clock(20.5)
    services.request_answer(actor=team["referent"], help_request=help_request, body="Réponse")
    assert warn(django_capture_on_commit_callbacks, clock(21)) == 0
    assert warn(django_capture_on_commit_callbacks, clock(25)) == 0
    assert mailoutbox == []
    assert fresh(help_request).warned_due_soon_at is None


def test_a_new_clock_is_warned_about_again(
    clock, team, mailoutbox, django_capture_on_commit_callbacks
):
    help_request = help_request_submit(council=team["council"])
    assert warn(django_capture_on_commit_callbacks, clock(21)) == 1
    clock(22)
    services.request_answer(actor=team["animator"], help_request=help_request, body="Réponse")
    clock(23)
    services.requester_reply(help_request=help_request, body="Encore une question", via_link=True)
    help_request = fresh(help_request)
    assert help_request.due_at == START + 47 * HOUR
    assert help_request.warned_due_soon_at is None
    mailoutbox.clear()
    assert warn(django_capture_on_commit_callbacks, clock(42)) == 0  # five hours left
    assert warn(django_capture_on_commit_callbacks, clock(44)) == 1
    # The answer made the animator the assignee: the warning is theirs.
    assert addressees(mailoutbox) == [team["animator"].email]
    mailoutbox.clear()
    assert warn(django_capture_on_commit_callbacks, clock(48)) == 1
    assert addressees(mailoutbox) == [team["animator"].email]


def test_each_person_gets_one_e_mail_for_all_their_requests(
    clock, team, mailoutbox, django_capture_on_commit_callbacks
):
    late = help_request_submit(council=team["council"])
    clock(5)
    soon = help_request_submit(department=department(OTHER_DEPARTMENT))
    now = clock(26)  # ``late``: overdue; ``soon``: three hours left
    assert warn(django_capture_on_commit_callbacks, now) == 2
    by_address = {m.to[0]: m for m in mailoutbox}
    assert sorted(by_address) == sorted(
        [team["animator"].email, team["referent"].email, team["referent_elsewhere"].email]
    )
    assert len(mailoutbox) == 3
    both = by_address[team["animator"].email].body
    assert late.get_team_url() in both and soon.get_team_url() in both
    assert soon.get_team_url() not in by_address[team["referent"].email].body
    assert late.get_team_url() not in by_address[team["referent_elsewhere"].email].body


def test_the_beat_task_warns_through_the_service(
    clock, team, mailoutbox, django_capture_on_commit_callbacks
):
    help_request = help_request_submit(council=team["council"])
    clock(22)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.warn_about_due_requests() == 1
    assert len(mailoutbox) == 2
    assert fresh(help_request).warned_due_soon_at == START + 22 * HOUR
