"""Services that skip their permission check say so by name.

``system=True`` is the site itself (demo data, commands): no check, and the
log says "the site". Forgetting the actor is refused before anything is
written, and so is naming both an actor and the site.
"""

from __future__ import annotations

import html
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.roles import animator_appoint
from common.actors import ERROR_ACTOR_AND_SYSTEM, ERROR_NO_ACTOR, check_actor
from councils import services
from councils.models import Council, Membership, MembershipEvent, ReferentAssignment
from councils.services._shared import _record
from notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, referent_of

pytestmark = pytest.mark.django_db

Action = MembershipEvent.Action


def _counts() -> dict[str, int]:
    return {
        "councils": Council.objects.count(),
        "memberships": Membership.objects.count(),
        "referents": ReferentAssignment.objects.count(),
        "events": MembershipEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


# Each service that may be run by the site itself, called with everything but
# who acts; ``who`` is the keyword arguments naming who acts.
def _create_council(council, user, who):
    return services.council_create(
        name="Conseil citoyen des Tilleuls", department=council.department, town="Lille", **who
    )


def _grant_membership(council, user, who):
    return services.membership_grant(council=council, user=user, **who)


def _appoint_referent(council, user, who):
    return services.referent_appoint(user=user, departments=[council.department], **who)


SYSTEM_SERVICES = {
    "council_create": _create_council,
    "membership_grant": _grant_membership,
    "referent_appoint": _appoint_referent,
}


def test_check_actor_wants_exactly_one_of_actor_and_system():
    check_actor(UserFactory.build(), system=False)
    check_actor(None, system=True)
    with pytest.raises(TypeError, match=re.escape(ERROR_NO_ACTOR)):
        check_actor(None, system=False)
    with pytest.raises(TypeError, match=re.escape(ERROR_ACTOR_AND_SYSTEM)):
        check_actor(UserFactory.build(), system=True)


@pytest.mark.parametrize("service", sorted(SYSTEM_SERVICES))
@pytest.mark.parametrize("who", ["nobody", "actor=None"])
def test_a_missing_actor_is_refused_without_system(service, who):
    council = council_create()
    before = _counts()

    with pytest.raises(TypeError, match=re.escape(ERROR_NO_ACTOR)):
        SYSTEM_SERVICES[service](council, UserFactory(), {} if who == "nobody" else {"actor": None})

    assert _counts() == before
    assert mail.outbox == []


@pytest.mark.parametrize("service", sorted(SYSTEM_SERVICES))
def test_an_actor_and_system_together_are_refused(service):
    council = council_create()
    # Someone who could do it: the ambiguity alone is refused.
    allowed = referent_of(council.department)
    if service == "referent_appoint":
        allowed = UserFactory()
        animator_appoint(user=allowed, system=True)
    before = _counts()

    with pytest.raises(TypeError, match=re.escape(ERROR_ACTOR_AND_SYSTEM)):
        SYSTEM_SERVICES[service](council, UserFactory(), {"actor": allowed, "system": True})

    assert _counts() == before


@pytest.mark.parametrize("service", sorted(SYSTEM_SERVICES))
def test_with_an_actor_the_permission_check_runs(service):
    council = council_create()
    # A coordinator of the council: may do none of the three.
    outsider = coordinator_of(council)
    before = _counts()

    with pytest.raises(PermissionDenied):
        SYSTEM_SERVICES[service](council, UserFactory(), {"actor": outsider})

    assert _counts() == before


@pytest.mark.parametrize("service", sorted(SYSTEM_SERVICES))
def test_the_site_itself_acts_unchecked_and_the_log_says_so(service):
    council = council_create()
    user = UserFactory()
    coordinator_of(council)

    events = set(MembershipEvent.objects.values_list("pk", flat=True))

    SYSTEM_SERVICES[service](council, user, {"system": True})

    written = list(MembershipEvent.objects.exclude(pk__in=events))
    assert not Notification.objects.exists()
    assert mail.outbox == []
    if service == "referent_appoint":
        # Appointed by the site: granted, and nobody is told.
        assert ReferentAssignment.objects.filter(user=user, appointed_by=None).exists()
        assert written == []
        return
    expected = {"council_create": Action.CREATED, "membership_grant": Action.JOINED}[service]
    assert [(e.action, e.actor, e.by_system, e.from_outside) for e in written] == [
        (expected, None, True, False)
    ]


def test_the_site_admits_someone_who_manages_councils_without_a_coordinator_consent():
    """Demo data makes the demo referent a member; only the site may skip consent."""
    council = council_create()
    manager = referent_of(council.department)

    services.membership_grant(system=True, council=council, user=manager)

    assert Membership.objects.filter(council=council, user=manager).exists()


def test_the_log_shows_the_site_as_who_made_the_council(client):
    council = council_create()
    client.force_login(coordinator_of(council))

    page = html.unescape(client.get(reverse("councils:log", args=[council.slug])).content.decode())

    assert '<td data-label="Par">le site</td>' in page
    assert MembershipEvent.objects.get(council=council, action=Action.CREATED).by_system


@pytest.mark.parametrize("who", [{}, {"actor": None}])
def test_a_log_line_without_actor_nor_system_is_refused(who):
    council = council_create()
    events = MembershipEvent.objects.count()

    with pytest.raises(TypeError, match=re.escape(ERROR_NO_ACTOR)):
        _record(council, Action.ARCHIVED, **who)
    with pytest.raises(TypeError, match=re.escape(ERROR_NO_ACTOR)):
        services.membership_change_record(
            council=council, action=Action.JOINED, subject=UserFactory(), from_outside=False, **who
        )

    assert MembershipEvent.objects.count() == events


def test_a_log_line_by_a_person_is_not_by_the_site():
    council = council_create()
    referent = referent_of(council.department)

    event = _record(council, Action.ARCHIVED, actor=referent)

    assert (event.actor, event.by_system) == (referent, False)


def test_appointing_to_the_animation_names_who_does_it_and_checks_them():
    from accounts.roles import is_animator

    person = UserFactory()
    with pytest.raises(TypeError, match=re.escape(ERROR_NO_ACTOR)):
        animator_appoint(user=person)
    with pytest.raises(TypeError, match=re.escape(ERROR_ACTOR_AND_SYSTEM)):
        animator_appoint(user=person, actor=UserFactory(is_superuser=True), system=True)
    with pytest.raises(PermissionDenied):
        animator_appoint(user=person, actor=UserFactory())
    assert not is_animator(person)

    animator_appoint(user=person, actor=UserFactory(is_superuser=True, is_staff=True))

    assert is_animator(person)
