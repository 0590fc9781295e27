"""Who sees and works on help requests: every role against a request from a
council of the Nord, and every write of the team refused to those outside it."""

from __future__ import annotations

import copy

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from support import permissions, services
from support.models import HelpRequest
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

ROLES = [
    "requester",
    "registered",
    "member",
    "coordinator",
    "referent",
    "referent_elsewhere",
    "animator",
    "anonymous",
]
TEAM = {"referent", "animator"}


def _build_world():
    """A request sent from a council of the Nord by ``requester``, and one
    person per role around it."""
    council = council_create()
    requester = member_of(council)  # a member who asks: still a requester only
    people = {
        "requester": requester,
        "registered": UserFactory(),
        "member": member_of(council),
        "coordinator": coordinator_of(council),
        "referent": referent_of(),
        "referent_elsewhere": referent_of(OTHER_DEPARTMENT),
        "animator": animator(),
        "anonymous": AnonymousUser(),
    }
    help_request = help_request_submit(requester=requester, council=council)
    return {"council": council, "request": help_request, "people": people}


@pytest.fixture(scope="module")
def shared_world(module_data):
    """Built once per module: a council, a person per role, a request."""
    return module_data.build(_build_world)


@pytest.fixture
def world(shared_world):
    return copy.deepcopy(shared_world)


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, role):
    user = world["people"][role]
    help_request = world["request"]
    in_team = role in TEAM
    assert (help_request in permissions.requests_for_team(user)) is in_team
    assert permissions.can_work_on(user, help_request) is in_team
    assert permissions.is_team(user) is (role in TEAM | {"referent_elsewhere"})
    assert permissions.is_requester(user, help_request) is (role == "requester")
    assert (help_request in permissions.requests_of(user)) is (role == "requester")
    assert permissions.can_view_statistics(user) is (role == "animator")


def test_each_sees_their_share_of_requests(world):
    people = world["people"]
    requester = people["requester"]
    nord = world["request"]
    rhone = help_request_submit(department=department(OTHER_DEPARTMENT))
    nowhere = help_request_submit()
    someone_elses = help_request_submit(requester=people["registered"], department=department())

    def team_sees(role):
        return set(permissions.requests_for_team(people[role]))

    assert team_sees("animator") == {nord, rhone, nowhere, someone_elses}
    assert team_sees("referent") == {nord, someone_elses}
    assert team_sees("referent_elsewhere") == {rhone}
    for role in ("requester", "registered", "member", "coordinator", "anonymous"):
        assert team_sees(role) == set()
    assert set(permissions.requests_of(requester)) == {nord}
    assert set(permissions.requests_of(people["registered"])) == {someone_elses}
    assert set(permissions.requests_of(people["animator"])) == set()
    assert set(permissions.requests_of(people["anonymous"])) == set()
    assert not permissions.can_work_on(people["referent"], nowhere)
    assert permissions.can_work_on(people["animator"], nowhere)


def test_a_referent_of_several_departments_sees_them_all(world):
    referent = world["people"]["referent"]
    referent_of(OTHER_DEPARTMENT, referent)
    rhone = help_request_submit(department=department(OTHER_DEPARTMENT))
    assert set(permissions.requests_for_team(referent)) == {world["request"], rhone}
    assert permissions.can_work_on(referent, rhone)


def test_a_signed_out_request_is_nobodys_account(world):
    help_request = help_request_submit(email=world["people"]["registered"].email)
    for user in world["people"].values():
        assert not permissions.is_requester(user, help_request)
        assert help_request not in permissions.requests_of(user)


TEAM_WRITES = {
    "answer": lambda actor, r: services.request_answer(actor=actor, help_request=r, body="Non"),
    "note": lambda actor, r: services.request_note(actor=actor, help_request=r, body="Note"),
    "call": lambda actor, r: services.request_call_record(
        actor=actor, help_request=r, called_at=timezone.now(), minutes=3, reached=True
    ),
    "assign_self": lambda actor, r: services.request_assign(
        actor=actor, help_request=r, assignee=actor
    ),
    "assign_nobody": lambda actor, r: services.request_assign(
        actor=actor, help_request=r, assignee=None
    ),
    "close": lambda actor, r: services.request_close(actor=actor, help_request=r),
    "reopen": lambda actor, r: services.request_reopen(actor=actor, help_request=r),
}


def snapshot(help_request: HelpRequest) -> tuple:
    help_request = HelpRequest.objects.get(pk=help_request.pk)
    return (
        help_request.status,
        help_request.due_at,
        help_request.assigned_to_id,
        help_request.first_answered_at,
        help_request.closed_at,
        list(help_request.messages.values_list("kind", "body")),
    )


@pytest.mark.parametrize("write", sorted(TEAM_WRITES))
@pytest.mark.parametrize("role", sorted(set(ROLES) - TEAM))
def test_the_team_writes_are_refused_to_others(
    world, role, write, mailoutbox, django_capture_on_commit_callbacks
):
    help_request = world["request"]
    if write == "reopen":
        services.request_close(actor=world["people"]["animator"], help_request=help_request)
    elif write == "assign_nobody":
        services.request_assign(
            actor=world["people"]["animator"],
            help_request=help_request,
            assignee=world["people"]["referent"],
        )
    before = snapshot(help_request)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(PermissionDenied),
    ):
        TEAM_WRITES[write](world["people"][role], help_request)
    assert snapshot(help_request) == before
    assert mailoutbox == []


@pytest.mark.parametrize("write", sorted(TEAM_WRITES))
@pytest.mark.parametrize("role", sorted(TEAM))
def test_the_team_writes_are_allowed_to_the_team(world, role, write):
    help_request = world["request"]
    if write == "reopen":
        services.request_close(actor=world["people"]["animator"], help_request=help_request)
    before = snapshot(help_request)
    TEAM_WRITES[write](world["people"][role], help_request)
    if write != "assign_nobody":  # nobody had it: nothing to change
        assert snapshot(help_request) != before
