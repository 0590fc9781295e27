""" "Mes données" and the help desk: the export shows a requester what they
sent and were told, never the team's notes; deleting the account empties the
requests of every personal word and keeps the rows for the statistics."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import account_delete
from support import services
from support.models import HelpMessage, HelpRequest
from tests.accounts.exports import exported as export_data
from tests.accounts.factories import UserFactory
from tests.councils.factories import council_create
from tests.news.factories import animator

from .factories import help_request_submit

pytestmark = pytest.mark.django_db

NOTE = "Note interne sur la demandeuse : très insistante"
ANSWER = "Voici notre réponse"
REPLY = "Merci, une dernière question"
CALL_NOTE = "Appel : pas de réponse, messagerie pleine"


def exported(user) -> list[dict]:
    return export_data(user)["help_requests"]


@pytest.fixture
def requester_with_history():
    requester = UserFactory()
    national = animator()
    council = council_create()
    answered = help_request_submit(
        requester=requester,
        council=council,
        subject="Salle pour la réunion",
        message="Où se réunir ?",
        phone="0612345678",
        wants_call=True,
        call_times="le matin",
        name="Camille Martin",
    )
    services.request_note(actor=national, help_request=answered, body=NOTE)
    services.request_assign(actor=national, help_request=answered, assignee=national)
    services.request_call_record(
        actor=national,
        help_request=answered,
        called_at=timezone.now(),
        minutes=0,
        reached=False,
        note=CALL_NOTE,
    )
    services.request_answer(actor=national, help_request=answered, body=ANSWER)
    services.requester_reply(help_request=answered, body=REPLY, user=requester)
    services.request_answer(actor=national, help_request=answered, body="Deuxième réponse")
    waiting = help_request_submit(requester=requester, subject="Une autre demande")
    services.request_note(actor=national, help_request=waiting, body=NOTE + " bis")
    closed = help_request_submit(requester=requester, subject="Close")
    services.request_close(actor=national, help_request=closed)
    others = help_request_submit(requester=UserFactory(), subject="Pas la sienne", phone="07")
    signed_out = help_request_submit(email="visiteur@example.org", phone="08")
    return {
        "requester": requester,
        "animator": national,
        "answered": answered,
        "waiting": waiting,
        "closed": closed,
        "others": others,
        "signed_out": signed_out,
    }


def test_the_export_lists_the_requests_and_what_the_requester_was_told(
    requester_with_history,
):
    data = exported(requester_with_history["requester"])
    assert [entry["subject"] for entry in data] == [
        "Salle pour la réunion",
        "Une autre demande",
        "Close",
    ]
    first = data[0]
    assert first["message"] == "Où se réunir ?"
    assert first["phone"] == "0612345678"
    assert first["call_times"] == "le matin"
    assert first["council"] == requester_with_history["answered"].council.name
    # The call attempt is shown (the requester was told of it), not the team's words on it.
    assert [item["text"] for item in first["thread"]] == ["", ANSWER, REPLY, "Deuxième réponse"]
    assert first["thread"][0]["kind"] == HelpMessage.Kind.CALL.label
    text = json.dumps(data, ensure_ascii=False)
    assert NOTE not in text
    assert CALL_NOTE not in text
    assert data[1]["thread"] == []  # only a note: nothing to show
    assert [item["kind"] for item in data[2]["thread"]] == [HelpMessage.Kind.CLOSED.label]


def test_the_export_of_someone_without_requests_is_empty():
    assert exported(UserFactory()) == []


def test_deleting_the_account_empties_its_requests_and_keeps_the_rows(
    requester_with_history, time_machine
):
    history = requester_with_history
    requester = history["requester"]
    mine = [history["answered"], history["waiting"], history["closed"]]
    count_before = HelpRequest.objects.count()
    closed_at_before = HelpRequest.objects.get(pk=history["closed"].pk).closed_at
    messages_before = HelpMessage.objects.count()
    untouched = {
        key: HelpRequest.objects.get(pk=history[key].pk) for key in ("others", "signed_out")
    }
    time_machine.move_to(timezone.now() + timedelta(hours=2), tick=False)
    account_delete(user=requester)
    assert HelpRequest.objects.count() == count_before
    assert HelpMessage.objects.count() == messages_before
    for help_request in mine:
        help_request = HelpRequest.objects.get(pk=help_request.pk)
        assert help_request.requester is None
        assert help_request.message == ""
        assert help_request.name == ""
        assert help_request.email == ""
        assert help_request.phone == ""
        assert help_request.call_times == ""
        assert "Salle" not in help_request.subject
        assert help_request.subject  # a neutral subject, for the team's lists
        assert list(help_request.messages.exclude(body="").values_list("body", flat=True)) == []
        assert help_request.due_at is None
        assert not help_request.is_overdue()
        # Nobody can follow it any more: every one of them is closed.
        assert help_request.status == HelpRequest.Status.CLOSED
    waiting = HelpRequest.objects.get(pk=history["waiting"].pk)
    assert waiting.status == HelpRequest.Status.CLOSED
    assert waiting.closed_at == timezone.now()
    # Closed before: its date of closing stays.
    assert HelpRequest.objects.get(pk=history["closed"].pk).closed_at == closed_at_before
    assert HelpRequest.objects.overdue(timezone.now() + timedelta(days=3)).count() == 2
    for key, before in untouched.items():
        after = HelpRequest.objects.get(pk=history[key].pk)
        assert (after.subject, after.message, after.email, after.phone, after.status) == (
            before.subject,
            before.message,
            before.email,
            before.phone,
            before.status,
        )
