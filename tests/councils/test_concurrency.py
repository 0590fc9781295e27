"""Two managers answering the same join request at the same moment.

Real concurrency needs real row locks: these tests run on PostgreSQL only
(``DATABASE_URL=postgres://... pytest tests/councils/test_concurrency.py``).
"""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import User
from councils import services
from councils.models import Council, JoinRequest, Membership, MembershipEvent
from councils.services import memberships as membership_services
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (SELECT ... FOR UPDATE); "
        "run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/conseils",
    ),
]

# How long a manager who has read the request waits for the other one to have
# read it too. With the row lock the other one cannot (it waits for the lock),
# so this is the price of the test; without the lock both read at once, write
# both, and the test sees it.
RENDEZVOUS_SECONDS = 0.5
THREAD_TIMEOUT_SECONDS = 30


def _run_together(*calls):
    """Run each call in its own thread and database connection, all released at
    once; return what each returned or raised, in order."""
    start = threading.Barrier(len(calls), timeout=THREAD_TIMEOUT_SECONDS)
    outcomes: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            prepared = call()  # loads its own objects, on its own connection
            start.wait()
            outcomes[index] = prepared()
        except Exception as exc:  # the test inspects what happened
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return outcomes


def _held_after(function_name: str):
    """Patch the ``services.memberships`` function that reads (and locks) the row, so that
    each thread, once it holds what it read, waits for the other thread to hold
    it too, or a short while if the row lock keeps the other one out.

    Returns the patch and a record of how many times both held it at once.
    """
    original = getattr(membership_services, function_name)
    lock = threading.Lock()
    state = {"holding": 0, "overlaps": 0}
    both_hold = threading.Event()

    def read_then_held(*args, **kwargs):
        result = original(*args, **kwargs)
        with lock:
            if state["holding"]:
                state["overlaps"] += 1
                both_hold.set()
            state["holding"] += 1
        both_hold.wait(RENDEZVOUS_SECONDS)
        with lock:
            state["holding"] -= 1
        return result

    return mock.patch.object(membership_services, function_name, read_then_held), state


def _accept_as(actor_pk: int, join_request_pk: int):
    def prepare():
        actor = User.objects.get(pk=actor_pk)
        join_request = JoinRequest.objects.get(pk=join_request_pk)
        return lambda: services.join_request_accept(actor=actor, join_request=join_request)

    return prepare


def _refuse_as(actor_pk: int, join_request_pk: int):
    def prepare():
        actor = User.objects.get(pk=actor_pk)
        join_request = JoinRequest.objects.get(pk=join_request_pk)
        return lambda: services.join_request_refuse(actor=actor, join_request=join_request)

    return prepare


def test_two_coordinators_accepting_at_once_make_one_membership():
    council = council_create()
    first, second = coordinator_of(council), coordinator_of(council)
    user = UserFactory(email="demande@exemple.test")
    join_request = services.membership_request(user=user, council=council, message="")
    mail.outbox.clear()
    held, held_at_once = _held_after("_locked_pending_request")

    with held:
        outcomes = _run_together(
            _accept_as(first.pk, join_request.pk), _accept_as(second.pk, join_request.pk)
        )

    accepted = [outcome for outcome in outcomes if isinstance(outcome, Membership)]
    refused = [outcome for outcome in outcomes if not isinstance(outcome, Membership)]
    assert len(accepted) == 1, outcomes
    # The loser gets the clean message a form can show, not an IntegrityError (a 500).
    assert len(refused) == 1 and isinstance(refused[0], ValidationError), outcomes
    assert refused[0].messages == [str(services.ERROR_REQUEST_ANSWERED)]

    assert list(Membership.objects.filter(council=council, user=user)) == accepted
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.ACCEPTED
    winner = first if outcomes[0] is accepted[0] else second
    assert join_request.decided_by == winner
    assert (
        MembershipEvent.objects.filter(
            council=council, action=MembershipEvent.Action.ACCEPTED
        ).count()
        == 1
    )
    assert [message.to for message in mail.outbox] == [["demande@exemple.test"]]
    # What protects: the row lock kept the second manager from reading the
    # request until the first had committed.
    assert held_at_once["overlaps"] == 0


def test_an_accept_and_a_refuse_at_once_leave_one_answer():
    council = council_create()
    first, second = coordinator_of(council), coordinator_of(council)
    user = UserFactory(email="demande@exemple.test")
    join_request = services.membership_request(user=user, council=council, message="")
    mail.outbox.clear()
    held, held_at_once = _held_after("_locked_pending_request")

    with held:
        outcomes = _run_together(
            _accept_as(first.pk, join_request.pk), _refuse_as(second.pk, join_request.pk)
        )

    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), outcomes
    assert errors[0].messages == [str(services.ERROR_REQUEST_ANSWERED)]
    join_request.refresh_from_db()
    accepted = join_request.status == JoinRequest.Status.ACCEPTED
    assert join_request.status in {JoinRequest.Status.ACCEPTED, JoinRequest.Status.REFUSED}
    assert Membership.objects.filter(council=council, user=user).exists() is accepted
    # The requester hears one answer, the one the database holds.
    assert [message.to for message in mail.outbox] == [["demande@exemple.test"]]
    assert (
        MembershipEvent.objects.filter(
            council=council,
            action__in=[MembershipEvent.Action.ACCEPTED, MembershipEvent.Action.REFUSED],
        ).count()
        == 1
    )
    assert held_at_once["overlaps"] == 0


def _leave_as(user_pk: int, council_pk: int):
    def prepare():
        user = User.objects.get(pk=user_pk)
        council = Council.objects.get(pk=council_pk)
        return lambda: services.membership_leave(user=user, council=council)

    return prepare


def test_the_last_two_coordinators_leaving_at_once_leave_one_coordinator():
    council = council_create()
    first, second = coordinator_of(council), coordinator_of(council)
    held, held_at_once = _held_after("_lock")

    with held:
        outcomes = _run_together(_leave_as(first.pk, council.pk), _leave_as(second.pk, council.pk))

    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert outcomes.count(None) == 1, outcomes
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), outcomes
    assert errors[0].messages == [str(services.ERROR_LAST_COORDINATOR)]
    stayed = first if outcomes[0] is errors[0] else second
    assert list(Membership.objects.filter(council=council).values_list("user", "role")) == [
        (stayed.pk, Membership.Role.COORDINATOR)
    ]
    assert (
        MembershipEvent.objects.filter(council=council, action=MembershipEvent.Action.LEFT).count()
        == 1
    )
    # What protects: the council's row lock kept the second out until the first had left.
    assert held_at_once["overlaps"] == 0
