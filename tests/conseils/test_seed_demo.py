"""seed_demo creates the demo accounts of DESIGN.md and can run twice."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.models import User
from accounts.roles import is_animator
from conseils import demo

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(module_data):
    """The demo data, seeded once on an empty site for the tests that start
    from it; those about seeding again seed again."""
    module_data.build(call_command, "seed_demo", verbosity=0)


def test_seed_demo_is_idempotent(seeded, client):
    counts = (User.objects.count(), EmailAddress.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (User.objects.count(), EmailAddress.objects.count()) == counts
    assert counts[0] == len(demo.DEMO_ACCOUNTS) + demo.BASE_POPULATION

    admin = User.objects.get(email="admin@demo.conseils.test")
    assert admin.is_superuser
    assert is_animator(User.objects.get(email="animation@demo.conseils.test"))
    habitant = User.objects.get(email="habitant@demo.conseils.test")
    assert not habitant.is_staff
    assert EmailAddress.objects.get(user=habitant).verified

    # A demo account logs in straight away with the documented password.
    response = client.post(
        "/compte/login/", {"login": "membre-a@demo.conseils.test", "password": demo.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/profil/").status_code == 200


def test_seed_demo_publishes_no_staff_profile(seeded, client):
    """The staff's names are not listed by number; some residents chose to be."""
    for local_part, display_name, _town, role in demo.DEMO_ACCOUNTS:
        user = User.objects.get(email=f"{local_part}@demo.conseils.test")
        response = client.get(user.get_absolute_url())
        if role in ("superuser", "animator", "referent"):
            assert response.status_code == 404, local_part
        else:
            assert display_name in response.content.decode(), local_part
    residents = User.objects.filter(email__endswith="@habitants.demo.conseils.test")
    assert 0 < residents.filter(publish_profile=True).count() < residents.count()


def test_seed_demo_scale_adds_more(seeded, client):
    call_command("seed_demo", scale=1, verbosity=0)
    assert User.objects.count() == len(demo.DEMO_ACCOUNTS) + 2 * demo.BASE_POPULATION


def test_seed_demo_gives_the_demo_accounts_their_councils(seeded):
    from councils import permissions
    from councils.models import Council, Membership

    memberships = Membership.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Membership.objects.count() == memberships

    def account(name):
        return User.objects.get(email=f"{name}@demo.conseils.test")

    first = Council.objects.get(slug="alma-roubaix")
    second = Council.objects.get(slug="bourgogne-tourcoing")
    assert Council.objects.count() == 20
    assert permissions.is_coordinator(account("coordination-a"), first)
    assert permissions.can_view_space(account("membre-a"), first)
    assert not permissions.can_view_space(account("membre-a"), second)
    assert permissions.can_view_space(account("membre-b"), second)
    referent = account("referent")
    assert permissions.can_manage_members(referent, first)
    assert permissions.can_manage_members(referent, second)
    assert not permissions.can_view_space(referent, first)
    assert not permissions.councils_with_space_visible_to(account("habitant")).exists()
    assert not permissions.councils_with_space_visible_to(account("animation")).exists()


def test_seed_demo_writes_forums_and_sends_no_email(django_capture_on_commit_callbacks):
    from django.core import mail

    from forums.models import Forum, Topic

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    assert mail.outbox == []
    assert Forum.objects.filter(council__isnull=True).count() == 3
    assert Topic.objects.filter(forum__council__slug="alma-roubaix").exists()
    assert Forum.objects.filter(council__isnull=False).count() == 20


def _account(name):
    return User.objects.get(email=f"{name}@demo.conseils.test")


def test_seed_demo_fills_the_help_desk_in_every_state(seeded):
    from support import permissions as support_permissions
    from support.models import HelpMessage, HelpRequest

    counts = (HelpRequest.objects.count(), HelpMessage.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (HelpRequest.objects.count(), HelpMessage.objects.count()) == counts

    Status = HelpRequest.Status
    assert set(HelpRequest.objects.values_list("status", flat=True)) == set(Status.values)
    # The clocks read right at the time of the run.
    overdue = HelpRequest.objects.overdue().get()
    assert overdue.first_answered_at is None
    assert not overdue.messages.filter(kind=HelpMessage.Kind.ANSWER).exists()
    assert HelpRequest.objects.due_soon().exists()
    assert HelpRequest.objects.waiting().filter(wants_call=True).exclude(phone="").exists()
    assert HelpRequest.objects.filter(
        requester__isnull=True, email__endswith="@example.org"
    ).exists()
    calls = HelpMessage.objects.filter(kind=HelpMessage.Kind.CALL)
    assert calls.filter(reached=True, call_minutes__gt=0).exists()
    assert calls.filter(reached=False).exists()
    assert HelpMessage.objects.filter(kind=HelpMessage.Kind.NOTE).exists()
    assert HelpMessage.objects.filter(kind=HelpMessage.Kind.REOPENED).exists()
    # A requester who wrote again after the answer: waiting, with a new clock.
    assert (
        HelpRequest.objects.waiting()
        .filter(first_answered_at__isnull=False, messages__kind=HelpMessage.Kind.REQUESTER)
        .exists()
    )
    # Closed by the team and by the requester ("my problem is solved").
    closings = HelpMessage.objects.filter(kind=HelpMessage.Kind.CLOSED)
    assert closings.filter(author__isnull=True).exists()
    assert closings.filter(author=_account("animation")).exists()

    habitant = support_permissions.requests_of(_account("habitant"))
    assert habitant.count() >= 2
    assert {Status.OPEN, Status.ANSWERED} <= set(habitant.values_list("status", flat=True))
    assert (
        support_permissions.requests_of(_account("membre-a"))
        .filter(council__slug="alma-roubaix")
        .exists()
    )
    referent = _account("referent")
    for_referent = support_permissions.requests_for_team(referent)
    assert for_referent.waiting().exists()
    assert for_referent.filter(assigned_to=referent, status=Status.ANSWERED).exists()
    assert HelpMessage.objects.filter(kind=HelpMessage.Kind.ANSWER, author=referent).exists()


def test_seed_demo_help_desk_history_reads_true(seeded):
    """Stamps moved back in time stay consistent: what the statistics and the
    threads read is a believable past."""
    from django.utils import timezone

    from support.models import ANSWER_WITHIN, HelpMessage, HelpRequest

    now = timezone.now()
    requests = list(HelpRequest.objects.prefetch_related("messages"))
    weeks = {(now - help_request.created_at).days // 7 for help_request in requests}
    assert weeks == set(range(8))
    answer_times = []
    for help_request in requests:
        assert help_request.created_at < now
        for message in help_request.messages.all():
            assert help_request.created_at <= message.created_at <= now
            if message.kind == HelpMessage.Kind.CALL:
                assert help_request.created_at <= message.called_at <= message.created_at
        if help_request.status == HelpRequest.Status.OPEN:
            assert help_request.due_at is not None
            assert help_request.closed_at is None
        else:
            assert help_request.due_at is None
        if help_request.status == HelpRequest.Status.ANSWERED:
            assert help_request.first_answered_at is not None
        if help_request.status == HelpRequest.Status.CLOSED:
            assert help_request.closed_at <= now
        if help_request.first_answered_at is not None:
            answer_times.append(help_request.first_answered_at - help_request.created_at)
    late = [time for time in answer_times if time > ANSWER_WITHIN]
    assert len(answer_times) >= 25
    assert 1 <= len(late) <= len(answer_times) // 5


def test_seed_demo_help_desk_pages_show_the_requests(seeded, client):
    from django.urls import reverse

    client.force_login(_account("habitant"))
    response = client.get(reverse("support:mine"))
    assert response.status_code == 200
    assert response.content.decode().count("/aide/demandes/") >= 2

    client.force_login(_account("referent"))
    response = client.get(reverse("support:queue"))
    assert response.status_code == 200
    assert "Le budget du quartier" in response.content.decode()


def test_seed_demo_scale_adds_help_requests(seeded):
    from support.models import HelpRequest

    once = HelpRequest.objects.count()
    call_command("seed_demo", scale=1, verbosity=0)
    assert HelpRequest.objects.count() == 2 * once
    call_command("seed_demo", scale=1, verbosity=0)
    assert HelpRequest.objects.count() == 2 * once
