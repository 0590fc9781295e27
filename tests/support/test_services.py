"""The help desk's writes: sending a request (and the e-mails that follow),
answering, notes, calls, assignment, closing and reopening. The clock is in
test_clock.py, who may do what in test_permissions.py."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import resolve
from django.utils import timezone

from support import emails, selectors, services
from support.models import HelpMessage, HelpRequest
from tests.accounts.factories import UserFactory
from tests.councils.factories import (
    OTHER_DEPARTMENT,
    coordinator_of,
    council_create,
    department,
    member_of,
    referent_of,
)
from tests.news.factories import animator

from .factories import help_request_submit

pytestmark = pytest.mark.django_db

FOLLOW_LINK = re.compile(r"https?://\S+/aide/suivi/[^/\s]+/")
ANSWER = "Bonjour, la salle est réservée pour jeudi. L'équipe <b>nationale</b>"
NOTE = "Note interne : déjà appelée deux fois, voir avec la mairie"


def follow_links(body: str) -> list[str]:
    return FOLLOW_LINK.findall(body)


def request_of_link(url: str) -> HelpRequest | None:
    """The request a follow link of an e-mail opens, as the site resolves it."""
    match = resolve(urlparse(url).path)
    assert match.view_name == "support:follow"
    return _opened(match.kwargs["token"])


def _opened(token: str):
    """The request a link's token opens, or None."""
    link = emails.follow_link_from_token(token)
    return None if link is None else link.help_request


def addressees(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


# Sending a request.


def test_a_request_is_open_and_due_in_24_hours():
    requester = UserFactory()
    before = timezone.now()
    help_request = help_request_submit(requester=requester, phone="06 12 34 56 78")
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.OPEN
    assert help_request.created_at >= before
    assert help_request.due_at == help_request.created_at + timedelta(hours=24)
    assert help_request.first_answered_at is None
    assert help_request.requester == requester
    assert help_request.email == requester.email
    assert help_request.phone == "06 12 34 56 78"


def test_the_council_decides_the_department_over_the_chosen_one():
    council = council_create()  # in the Nord
    chosen = department(OTHER_DEPARTMENT)
    with_council = help_request_submit(council=council, department=chosen)
    without_council = help_request_submit(department=chosen)
    nowhere = help_request_submit()
    assert HelpRequest.objects.get(pk=with_council.pk).department == council.department
    assert council.department != chosen
    assert HelpRequest.objects.get(pk=without_council.pk).department == chosen
    assert HelpRequest.objects.get(pk=nowhere.pk).department is None


def test_a_signed_out_visitor_is_no_requester_account():
    help_request = services.request_submit(
        subject="Une question",
        message="Bonjour",
        email="visiteuse@example.org",
        requester=AnonymousUser(),
    )
    help_request.refresh_from_db()
    assert help_request.requester is None
    assert help_request.email == "visiteuse@example.org"


def test_the_same_form_sent_twice_makes_one_request(mailoutbox, django_capture_on_commit_callbacks):
    animator()
    with django_capture_on_commit_callbacks(execute=True):
        first = help_request_submit(submission_key="cle-du-formulaire")
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        second = help_request_submit(submission_key="cle-du-formulaire", subject="Encore")
    assert second.pk == first.pk
    assert HelpRequest.objects.count() == 1
    assert HelpRequest.objects.get().subject == first.subject
    assert len(mailoutbox) == sent  # no second confirmation, no second word to the team
    # Another form is another request.
    help_request_submit(submission_key="un-autre-formulaire")
    assert HelpRequest.objects.count() == 2


def test_wanting_a_call_needs_a_phone_number(mailoutbox, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as error,
    ):
        help_request_submit(wants_call=True, phone="", call_times="le matin")
    assert "phone" in str(error.value)
    assert not HelpRequest.objects.exists()
    assert mailoutbox == []
    called = help_request_submit(wants_call=True, phone="0612345678", call_times="le matin")
    not_called = help_request_submit(wants_call=False, phone="0612345678", call_times="le soir")
    assert HelpRequest.objects.get(pk=called.pk).call_times == "le matin"
    # Hours to call only mean something to whoever asked to be called.
    assert HelpRequest.objects.get(pk=not_called.pk).call_times == ""


def test_the_requester_gets_a_link_that_opens_this_request_only(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        help_request = help_request_submit(email="demandeuse@example.org")
        other = help_request_submit(email="autre@example.org")
    confirmations = [m for m in mailoutbox if m.to == ["demandeuse@example.org"]]
    assert len(confirmations) == 1
    links = follow_links(confirmations[0].body)
    assert links, confirmations[0].body
    assert {request_of_link(link) for link in links} == {help_request}
    other_confirmation = next(m for m in mailoutbox if m.to == ["autre@example.org"])
    assert {request_of_link(link) for link in follow_links(other_confirmation.body)} == {other}
    assert emails.follow_token(help_request) != emails.follow_token(other)


def test_a_forged_or_foreign_token_opens_nothing():
    help_request = help_request_submit()
    token = emails.follow_token(help_request)
    assert _opened(token) == help_request
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert _opened(tampered) is None
    assert _opened("") is None
    assert _opened("pas-un-jeton") is None
    # Signed by the site, but for something else (another salt).
    foreign = signing.dumps(help_request.pk, salt="news.unsubscribe")
    assert _opened(foreign) is None
    assert _opened(signing.dumps(help_request.pk)) is None
    # The right salt with something that is not a request's number.
    assert _opened(signing.dumps(str(help_request.pk), salt=emails.FOLLOW_SALT)) is None
    # A deleted request.
    help_request.delete()
    assert _opened(token) is None


def test_the_team_of_the_department_hears_of_a_new_request(
    mailoutbox, django_capture_on_commit_callbacks
):
    council = council_create()
    national, referent = animator(), referent_of()
    elsewhere = referent_of(OTHER_DEPARTMENT)
    member, coordinator = member_of(council), coordinator_of(council)
    retired = animator()
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    requester = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        help_request = help_request_submit(requester=requester, council=council)
    team_messages = [m for m in mailoutbox if m.to != [requester.email]]
    assert addressees(team_messages) == sorted([national.email, referent.email])
    for message in team_messages:
        assert len(message.to) == 1  # one e-mail each: nobody sees the others' addresses
        assert help_request.get_team_url() in message.body
        assert not follow_links(message.body)  # the requester's secret stays theirs
    everyone = addressees(mailoutbox)
    for outsider in (elsewhere, member, coordinator, retired):
        assert outsider.email not in everyone
    assert [m.to for m in mailoutbox].count([requester.email]) == 1


def test_a_request_without_department_goes_to_the_national_animation_only(
    mailoutbox, django_capture_on_commit_callbacks
):
    national = animator()
    referent_of()
    with django_capture_on_commit_callbacks(execute=True):
        help_request_submit(email="sans-departement@example.org")
    assert addressees(mailoutbox) == sorted(["sans-departement@example.org", national.email])


# Answers and notes.


def test_the_answer_reaches_the_requester_with_the_link_and_without_notes(
    mailoutbox, django_capture_on_commit_callbacks
):
    national = animator()
    help_request = help_request_submit(email="demandeuse@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_note(actor=national, help_request=help_request, body=NOTE)
    assert mailoutbox == []  # a note tells nobody
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.request_answer(actor=national, help_request=help_request, body=ANSWER)
    assert [m.to for m in mailoutbox] == [["demandeuse@example.org"]]
    message = mailoutbox[0]
    assert ANSWER in message.body
    assert NOTE not in message.body and NOTE not in message.subject
    assert {request_of_link(link) for link in follow_links(message.body)} == {help_request}
    assert answer.kind == HelpMessage.Kind.ANSWER
    assert answer.author == national
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.ANSWERED
    assert help_request.assigned_to == national  # who answers first takes it


def test_notes_and_assignments_stay_out_of_the_requester_thread():
    national, referent = animator(), referent_of()
    help_request = help_request_submit(department=department())
    services.request_note(actor=national, help_request=help_request, body=NOTE)
    services.request_assign(actor=national, help_request=help_request, assignee=referent)
    services.request_answer(actor=referent, help_request=help_request, body=ANSWER)
    services.requester_reply(
        help_request=help_request, body="Merci, et pour la clé ?", via_link=True
    )
    shown = selectors.thread(help_request, for_team=False)
    assert [m.kind for m in shown] == [HelpMessage.Kind.ANSWER, HelpMessage.Kind.REQUESTER]
    assert all(NOTE not in m.body for m in shown)
    team = selectors.thread(help_request, for_team=True)
    assert [m.kind for m in team] == [
        HelpMessage.Kind.NOTE,
        HelpMessage.Kind.ASSIGNED,
        HelpMessage.Kind.ANSWER,
        HelpMessage.Kind.REQUESTER,
    ]


def test_an_answer_written_before_the_requester_wrote_again_is_refused(
    mailoutbox, django_capture_on_commit_callbacks
):
    national = animator()
    help_request = help_request_submit()
    services.request_answer(actor=national, help_request=help_request, body="Première réponse")
    seen = selectors.last_message_pk(help_request)
    services.requester_reply(help_request=help_request, body="Une autre question", via_link=True)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as error,
    ):
        services.request_answer(
            actor=national, help_request=help_request, body=ANSWER, seen_up_to=seen
        )
    assert error.value.code == "stale"
    assert mailoutbox == []
    assert not help_request.messages.filter(body=ANSWER).exists()
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.OPEN  # still owed an answer
    assert help_request.due_at is not None
    # Having read the new message, the answer goes.
    services.request_answer(
        actor=national,
        help_request=help_request,
        body=ANSWER,
        seen_up_to=selectors.last_message_pk(help_request),
    )
    assert help_request.messages.filter(body=ANSWER).count() == 1


def test_an_answer_crossing_a_colleagues_answer_is_refused_but_not_a_note():
    national, referent = animator(), referent_of()
    help_request = help_request_submit(department=department())
    seen = selectors.last_message_pk(help_request)
    services.request_note(actor=national, help_request=help_request, body=NOTE)
    # A colleague's note is no reason to stop.
    services.request_answer(actor=referent, help_request=help_request, body=ANSWER, seen_up_to=seen)
    with pytest.raises(ValidationError):
        services.request_answer(
            actor=national, help_request=help_request, body="Autre réponse", seen_up_to=seen
        )
    assert list(help_request.messages.values_list("kind", flat=True)) == [
        HelpMessage.Kind.NOTE,
        HelpMessage.Kind.ANSWER,
    ]


def test_the_same_answer_sent_twice_is_one_message(mailoutbox, django_capture_on_commit_callbacks):
    national = animator()
    help_request = help_request_submit()
    seen = selectors.last_message_pk(help_request)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.request_answer(
            actor=national, help_request=help_request, body=ANSWER, seen_up_to=seen
        )
        second = services.request_answer(
            actor=national, help_request=help_request, body=f"  {ANSWER}\n", seen_up_to=seen
        )
    assert second.pk == first.pk
    assert help_request.messages.filter(kind=HelpMessage.Kind.ANSWER).count() == 1
    assert len(mailoutbox) == 1


def test_the_same_answer_to_a_new_message_is_a_new_answer(
    mailoutbox, django_capture_on_commit_callbacks
):
    national = animator()
    help_request = help_request_submit()
    services.request_answer(actor=national, help_request=help_request, body="C'est noté.")
    services.requester_reply(help_request=help_request, body="Et pour samedi ?", via_link=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_answer(
            actor=national,
            help_request=help_request,
            body="C'est noté.",
            seen_up_to=selectors.last_message_pk(help_request),
        )
    help_request.refresh_from_db()
    assert help_request.messages.filter(kind=HelpMessage.Kind.ANSWER).count() == 2
    assert help_request.status == HelpRequest.Status.ANSWERED
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_an_empty_answer_or_note_is_refused(body):
    national = animator()
    help_request = help_request_submit()
    with pytest.raises(ValidationError):
        services.request_answer(actor=national, help_request=help_request, body=body)
    with pytest.raises(ValidationError):
        services.request_note(actor=national, help_request=help_request, body=body)
    with pytest.raises(ValidationError):
        services.requester_reply(help_request=help_request, body=body, via_link=True)
    assert not help_request.messages.exists()
    assert HelpRequest.objects.get(pk=help_request.pk).status == HelpRequest.Status.OPEN


def test_the_same_note_twice_is_one_note():
    national = animator()
    help_request = help_request_submit()
    first = services.request_note(actor=national, help_request=help_request, body=NOTE)
    second = services.request_note(actor=national, help_request=help_request, body=NOTE)
    assert first.pk == second.pk
    assert help_request.messages.count() == 1


def test_a_requester_reply_goes_to_the_assignee_or_else_the_team(
    mailoutbox, django_capture_on_commit_callbacks
):
    national, referent = animator(), referent_of()
    requester = UserFactory()
    help_request = help_request_submit(requester=requester, department=department())
    with django_capture_on_commit_callbacks(execute=True):
        services.requester_reply(help_request=help_request, body="Une précision", user=requester)
    assert addressees(mailoutbox) == sorted([national.email, referent.email])
    assert all(help_request.get_team_url() in m.body for m in mailoutbox)
    reply = help_request.messages.get()
    assert (reply.kind, reply.author, reply.body) == (
        HelpMessage.Kind.REQUESTER,
        requester,
        "Une précision",
    )
    services.request_assign(actor=national, help_request=help_request, assignee=referent)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.requester_reply(
            help_request=help_request, body="Une autre précision", via_link=True
        )
    assert addressees(mailoutbox) == [referent.email]


# Phone calls.


def test_a_call_is_recorded_with_its_time_length_and_note():
    national = animator()
    help_request = help_request_submit(wants_call=True, phone="0612345678")
    called_at = timezone.now()
    call = services.request_call_record(
        actor=national,
        help_request=help_request,
        called_at=called_at,
        minutes=12,
        reached=True,
        note="  Rappeler la mairie  ",
    )
    call.refresh_from_db()
    assert (call.kind, call.called_at, call.call_minutes, call.reached, call.body) == (
        HelpMessage.Kind.CALL,
        called_at,
        12,
        True,
        "Rappeler la mairie",
    )
    # The same call recorded twice (a double click) is one call.
    again = services.request_call_record(
        actor=national,
        help_request=help_request,
        called_at=called_at,
        minutes=12,
        reached=True,
        note="Rappeler la mairie",
    )
    assert again.pk == call.pk
    assert help_request.messages.count() == 1


@pytest.mark.parametrize(
    ("shift", "minutes"),
    [
        (timedelta(hours=1), 5),  # in the future
        (-timedelta(hours=1), 5),  # before the request was sent
        (timedelta(0), -1),
        (timedelta(0), services.CALL_MAX_MINUTES + 1),
    ],
)
def test_impossible_calls_are_refused(shift, minutes):
    national = animator()
    help_request = help_request_submit()
    with pytest.raises(ValidationError):
        services.request_call_record(
            actor=national,
            help_request=help_request,
            called_at=timezone.now() + shift,
            minutes=minutes,
            reached=True,
        )
    assert not help_request.messages.exists()
    assert HelpRequest.objects.get(pk=help_request.pk).status == HelpRequest.Status.OPEN


def test_a_missed_call_tells_the_requester(mailoutbox, django_capture_on_commit_callbacks):
    national = animator()
    help_request = help_request_submit(
        email="appelee@example.org", wants_call=True, phone="0612345678"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_call_record(
            actor=national,
            help_request=help_request,
            called_at=timezone.now(),
            minutes=0,
            reached=False,
            note="Messagerie pleine, voisine agressive",
        )
    assert [m.to for m in mailoutbox] == [["appelee@example.org"]]
    # The call's note is the team's: the e-mail says we tried, not what we wrote.
    assert "Messagerie pleine" not in mailoutbox[0].body
    assert {request_of_link(link) for link in follow_links(mailoutbox[0].body)} == {help_request}
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.OPEN
    assert help_request.assigned_to is None  # trying is not taking it


def test_a_reached_call_tells_nobody_and_takes_the_request(
    mailoutbox, django_capture_on_commit_callbacks
):
    referent = referent_of()
    help_request = help_request_submit(department=department(), wants_call=True, phone="06")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_call_record(
            actor=referent,
            help_request=help_request,
            called_at=timezone.now(),
            minutes=8,
            reached=True,
        )
    assert mailoutbox == []
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.ANSWERED
    assert help_request.assigned_to == referent


# Assignment.


def test_assigning_to_someone_of_the_team_tells_them(
    mailoutbox, django_capture_on_commit_callbacks
):
    national, referent = animator(), referent_of()
    help_request = help_request_submit(council=council_create())
    with django_capture_on_commit_callbacks(execute=True):
        services.request_assign(actor=national, help_request=help_request, assignee=referent)
        services.request_assign(actor=national, help_request=help_request, assignee=referent)
    assert [m.to for m in mailoutbox] == [[referent.email]]
    assert help_request.get_team_url() in mailoutbox[0].body
    assert HelpRequest.objects.get(pk=help_request.pk).assigned_to == referent
    assigned = help_request.messages.get()  # twice: one entry
    assert (assigned.kind, assigned.author, assigned.assignee) == (
        HelpMessage.Kind.ASSIGNED,
        national,
        referent,
    )
    # Taking it oneself tells nobody; giving it back to nobody is recorded too.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_assign(actor=national, help_request=help_request, assignee=national)
        services.request_assign(actor=national, help_request=help_request, assignee=None)
    assert mailoutbox == []
    assert HelpRequest.objects.get(pk=help_request.pk).assigned_to is None
    assert help_request.messages.count() == 3


@pytest.mark.parametrize("who", ["referent_elsewhere", "member", "coordinator", "stranger"])
def test_assigning_outside_the_team_is_refused(who, mailoutbox, django_capture_on_commit_callbacks):
    council = council_create()
    national = animator()
    assignee = {
        "referent_elsewhere": lambda: referent_of(OTHER_DEPARTMENT),
        "member": lambda: member_of(council),
        "coordinator": lambda: coordinator_of(council),
        "stranger": UserFactory,
    }[who]()
    help_request = help_request_submit(council=council)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError),
    ):
        services.request_assign(actor=national, help_request=help_request, assignee=assignee)
    assert HelpRequest.objects.get(pk=help_request.pk).assigned_to is None
    assert not help_request.messages.exists()
    assert mailoutbox == []


# Closing and reopening.


def test_closing_tells_the_requester_unless_they_closed_it(
    mailoutbox, django_capture_on_commit_callbacks
):
    national = animator()
    requester = UserFactory()
    by_team = help_request_submit(requester=requester)
    by_requester = help_request_submit(requester=requester)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_close(actor=national, help_request=by_team)
        services.request_close(actor=national, help_request=by_team)  # twice: once
        services.request_close(actor=requester, help_request=by_requester, by_requester=True)
    assert [m.to for m in mailoutbox] == [[requester.email]]
    assert {request_of_link(link) for link in follow_links(mailoutbox[0].body)} == {by_team}
    assert "Ce lien fonctionne pendant 90 jours après la fermeture" in mailoutbox[0].body
    for help_request, author in ((by_team, national), (by_requester, requester)):
        help_request.refresh_from_db()
        assert help_request.status == HelpRequest.Status.CLOSED
        closed = help_request.messages.get()
        assert (closed.kind, closed.author) == (HelpMessage.Kind.CLOSED, author)


def test_a_requester_closing_through_the_link_is_recorded_without_author():
    help_request = help_request_submit()
    services.request_close(
        actor=AnonymousUser(), help_request=help_request, by_requester=True, via_link=True
    )
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.CLOSED
    assert help_request.messages.get().author is None


def test_reopening_is_recorded_and_shown_to_the_requester():
    national = animator()
    help_request = help_request_submit()
    services.request_close(actor=national, help_request=help_request)
    services.request_reopen(actor=national, help_request=help_request)
    services.request_reopen(actor=national, help_request=help_request)  # open already: nothing
    assert [m.kind for m in selectors.thread(help_request, for_team=False)] == [
        HelpMessage.Kind.CLOSED,
        HelpMessage.Kind.REOPENED,
    ]
    assert HelpRequest.objects.get(pk=help_request.pk).status == HelpRequest.Status.OPEN


def test_answering_a_closed_request_makes_it_answered():
    national = animator()
    help_request = help_request_submit()
    services.request_close(actor=national, help_request=help_request)
    services.request_answer(actor=national, help_request=help_request, body=ANSWER)
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.ANSWERED
    assert help_request.closed_at is None
    assert help_request.due_at is None
