"""Every predicate of ``councils.permissions`` against every role.

The superuser gets nothing here: they work in the admin, where each visit to a
council's private data is logged.
"""

from __future__ import annotations

import copy

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject

from accounts.roles import animator_appoint
from councils import permissions, services
from councils.models import Membership, ReferentAssignment
from tests.accounts.factories import UserFactory
from tests.councils.factories import (
    OTHER_DEPARTMENT,
    coordinator_of,
    council_create,
    department,
    member_of,
    referent_of,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "registered",
    "member",
    "coordinator",
    "member_elsewhere",
    "referent_here",
    "referent_elsewhere",
    "animator",
    "superuser",
]


def _person(role: str, council, other_council):
    """A person holding ``role`` towards ``council`` (in the Nord)."""
    if role == "anonymous":
        return AnonymousUser()
    if role == "registered":
        return UserFactory()
    if role == "member":
        return member_of(council)
    if role == "coordinator":
        return coordinator_of(council)
    if role == "member_elsewhere":
        return coordinator_of(other_council)
    if role == "referent_here":
        return referent_of(council.department)
    if role == "referent_elsewhere":
        return referent_of(OTHER_DEPARTMENT)
    if role == "animator":
        user = UserFactory()
        animator_appoint(user=user, system=True)
        return user
    if role == "superuser":
        return UserFactory(is_superuser=True, is_staff=True)
    raise AssertionError(role)


def _councils():
    """The council the roles are about, and a council of another department."""
    return council_create(), council_create(department=department(OTHER_DEPARTMENT))


def _worlds():
    """For each role, a world of its own, as each test had: the council the
    role is about, a council of another department, and the person. Then the
    same again with the council archived afterwards."""
    worlds = {}
    for role in ROLES:
        council, other_council = _councils()
        worlds["active", role] = (council, other_council, _person(role, council, other_council))
    for role in ROLES:
        council, other_council = _councils()
        user = _person(role, council, other_council)
        council = services.council_archive(actor=referent_of(council.department), council=council)
        worlds["archived", role] = (council, other_council, user)
    return worlds


@pytest.fixture(scope="module")
def shared_worlds(module_data):
    """Built once per module, for the matrices below."""
    return module_data.build(_worlds)


@pytest.fixture
def worlds(shared_worlds):
    """``worlds["active" or "archived", role]``: (council, other council, person)."""
    return copy.deepcopy(shared_worlds)


# Who gets True on an active council; every other role gets False.
COUNCIL_PREDICATES = {
    "can_view_space": {"member", "coordinator"},
    "can_contribute": {"member", "coordinator"},
    "is_coordinator": {"coordinator"},
    "can_manage_members": {"coordinator", "referent_here"},
    "can_edit_council": {"coordinator", "referent_here"},
    "can_read_council_log": {"coordinator", "referent_here"},
    "can_read_content_log": {"member", "coordinator"},
    "can_read_transparency_log": {"member", "coordinator"},
    "is_referent_for": {"referent_here"},
    "can_override_last_coordinator": {"referent_here"},
    "can_archive_council": {"referent_here"},
    "can_ask_to_join": {
        "registered",
        "member_elsewhere",
        "referent_here",
        "referent_elsewhere",
        "animator",
        "superuser",
    },
    "can_leave": {"member", "coordinator"},
}

# An archived council is read-only and takes no new members; nothing else changes.
ARCHIVED_CHANGES = {"can_contribute": set(), "can_ask_to_join": set()}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("predicate", sorted(COUNCIL_PREDICATES))
def test_council_predicates_on_an_active_council(worlds, predicate, role):
    council, _other_council, user = worlds["active", role]

    allowed = getattr(permissions, predicate)(user, council)

    assert allowed is (role in COUNCIL_PREDICATES[predicate])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("predicate", sorted(COUNCIL_PREDICATES))
def test_council_predicates_on_an_archived_council(worlds, predicate, role):
    council, _other_council, user = worlds["archived", role]

    allowed = getattr(permissions, predicate)(user, council)

    expected = ARCHIVED_CHANGES.get(predicate, COUNCIL_PREDICATES[predicate])
    assert allowed is (role in expected)


# Site-wide roles: who gets True; every other role gets False.
USER_PREDICATES = {
    "is_referent": {"referent_here", "referent_elsewhere"},
    "can_create_council": {"referent_here", "referent_elsewhere"},
    "can_appoint_referents": {"animator"},
    "can_view_animation_dashboard": {"animator"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("predicate", sorted(USER_PREDICATES))
def test_site_wide_predicates(worlds, predicate, role):
    _council, _other_council, user = worlds["active", role]

    assert getattr(permissions, predicate)(user) is (role in USER_PREDICATES[predicate])


@pytest.mark.parametrize("role", ROLES)
def test_councils_are_created_only_in_ones_own_departments(worlds, role):
    council, _other_council, user = worlds["active", role]

    assert permissions.can_create_council_in(user, council.department) is (role == "referent_here")


@pytest.mark.parametrize(
    ("role", "codes"),
    [
        ("anonymous", []),
        ("registered", []),
        ("member", []),
        ("coordinator", []),
        ("referent_here", ["59"]),
        ("referent_elsewhere", [OTHER_DEPARTMENT]),
        ("animator", []),
        ("superuser", []),
    ],
)
def test_referent_departments(worlds, role, codes):
    _council, _other_council, user = worlds["active", role]

    assert [d.code for d in permissions.referent_departments(user)] == codes


@pytest.mark.parametrize("role", ROLES)
def test_councils_with_space_visible_to(worlds, role):
    council, other_council, user = worlds["active", role]
    expected = {
        "member": [council],
        "coordinator": [council],
        "member_elsewhere": [other_council],
    }.get(role, [])

    assert list(permissions.councils_with_space_visible_to(user)) == expected


def test_councils_with_space_visible_to_keeps_archived_councils_and_lists_each_once():
    first, second = council_create(name="Alpha"), council_create(name="Bêta")
    user = coordinator_of(first)
    member_of(second, user)
    council_create(name="Gamma")  # not theirs
    services.council_archive(actor=referent_of(second.department), council=second)

    visible = permissions.councils_with_space_visible_to(user).order_by("name")

    assert list(visible) == [first, second]


def test_a_deactivated_member_holds_nothing():
    council = council_create()
    user = coordinator_of(council)
    user.is_active = False
    user.save(update_fields=["is_active"])
    permissions.forget_council_grants(user)

    assert not permissions.can_view_space(user, council)
    assert not permissions.can_manage_members(user, council)
    assert not permissions.can_ask_to_join(user, council)
    assert list(permissions.councils_with_space_visible_to(user)) == []


def test_superuser_status_gives_nothing_even_though_guardian_would_say_yes():
    council = council_create()
    superuser = UserFactory(is_superuser=True, is_staff=True)

    # Guardian's backend answers yes to a superuser for any permission...
    assert superuser.has_perm("councils.view_space", council)
    # ...the site asks councils.permissions, which does not.
    assert not permissions.can_view_space(superuser, council)
    assert not permissions.can_manage_members(superuser, council)
    assert not permissions.can_edit_council(superuser, council)
    assert not permissions.can_read_transparency_log(superuser, council)
    assert not permissions.can_archive_council(superuser, council)
    assert not permissions.can_create_council(superuser)
    assert not permissions.can_appoint_referents(superuser)
    assert list(permissions.councils_with_space_visible_to(superuser)) == []


def test_a_referent_who_is_a_plain_member_is_not_a_coordinator():
    council = council_create()
    user = referent_of(council.department)
    member_of(council, user)

    assert not permissions.is_coordinator(user, council)
    assert permissions.can_read_transparency_log(user, council)
    assert permissions.can_view_space(user, council)
    assert permissions.can_contribute(user, council)
    assert permissions.can_manage_members(user, council)
    assert permissions.can_edit_council(user, council)
    assert permissions.is_referent_for(user, council)
    grants = permissions.council_grants(user)
    assert grants.membership(council) == {permissions.VIEW_SPACE, permissions.CONTRIBUTE}
    assert grants.referent(council) == {permissions.MANAGE_MEMBERS, permissions.EDIT_COUNCIL}


def test_a_coordinator_who_is_also_referent_holds_both_sources():
    council = council_create()
    user = coordinator_of(council, referent_of(council.department))

    assert permissions.is_coordinator(user, council)
    assert permissions.is_referent_for(user, council)


# The grants cache.


def test_grants_are_read_in_one_query_whatever_the_number_of_councils(
    django_assert_num_queries,
):
    user = UserFactory()
    councils = [council_create() for _ in range(3)]
    for council in councils:
        member_of(council, user)
    referent_of("59", user)

    with django_assert_num_queries(1):
        for council in councils:
            assert permissions.can_view_space(user, council)
            assert permissions.can_manage_members(user, council)
            assert permissions.can_contribute(user, council)
    with django_assert_num_queries(0):
        assert permissions.is_referent_for(user, councils[0])


def test_anonymous_users_cost_no_query(django_assert_num_queries):
    council = council_create()
    with django_assert_num_queries(0):
        assert not permissions.can_view_space(AnonymousUser(), council)
        assert not permissions.can_ask_to_join(AnonymousUser(), council)
        assert not permissions.is_referent(AnonymousUser())
        assert not permissions.councils_with_space_visible_to(AnonymousUser()).exists()


def test_the_cache_is_refreshed_when_a_membership_is_granted():
    council = council_create()
    user = UserFactory()
    assert not permissions.can_view_space(user, council)  # now cached

    member_of(council, user)

    assert permissions.can_view_space(user, council)


def test_the_cache_is_refreshed_when_an_invitation_is_accepted():
    council = council_create()
    coordinator = coordinator_of(council)
    user = UserFactory()
    assert not permissions.can_view_space(user, council)
    invitation = services.invitation_send(
        actor=coordinator, council=council, email=user.email, role=Membership.Role.COORDINATOR
    )

    services.invitation_accept(user=user, invitation=invitation)

    assert permissions.can_view_space(user, council)
    assert permissions.is_coordinator(user, council)


def test_the_cache_is_refreshed_when_a_referent_is_appointed_and_withdrawn():
    council = council_create()
    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    user = UserFactory()
    assert not permissions.can_manage_members(user, council)
    assert not permissions.is_referent(user)

    (assignment,) = services.referent_appoint(
        actor=animator, user=user, departments=[council.department]
    )
    assert permissions.can_manage_members(user, council)
    assert permissions.is_referent(user)

    services.referent_withdraw(actor=animator, assignment=assignment)
    assert not permissions.can_manage_members(user, council)
    assert not permissions.is_referent(user)


def test_the_cache_is_refreshed_when_a_coordinator_is_named_or_steps_down():
    council = council_create()
    first = coordinator_of(council)
    second = member_of(council)
    membership = Membership.objects.get(council=council, user=second)
    assert not permissions.can_manage_members(second, council)

    membership = services.membership_role_change(
        actor=first, membership=membership, role=Membership.Role.COORDINATOR
    )
    # The service hands back the membership it locked: its user is up to date.
    assert permissions.can_manage_members(membership.user, council)

    membership = services.membership_role_change(
        actor=first, membership=membership, role=Membership.Role.MEMBER
    )
    assert not permissions.can_manage_members(membership.user, council)


def test_the_cache_is_refreshed_for_the_person_who_leaves():
    council = council_create()
    coordinator_of(council)
    user = member_of(council)
    assert permissions.can_view_space(user, council)

    services.membership_leave(user=user, council=council)

    assert not permissions.can_view_space(user, council)


def test_the_cache_is_refreshed_for_a_coordinator_who_steps_down_themself():
    council = council_create()
    user = coordinator_of(council)
    coordinator_of(council)
    membership = Membership.objects.get(council=council, user=user)

    services.membership_role_change(actor=user, membership=membership, role="member")

    assert not permissions.can_manage_members(user, council)


def test_the_cache_is_refreshed_for_the_referent_who_creates_a_council():
    referent = referent_of("59")
    assert list(permissions.council_grants(referent).direct) == []

    council = council_create(actor=referent)

    assert permissions.can_manage_members(referent, council)


def test_forgetting_works_on_request_user():
    council = council_create()
    user = UserFactory()
    request_user = SimpleLazyObject(lambda: user)
    assert not permissions.can_view_space(request_user, council)

    member_of(council, request_user)

    assert permissions.can_view_space(request_user, council)


def test_is_referent_is_cached_until_forgotten(django_assert_num_queries):
    user = UserFactory()
    with django_assert_num_queries(1):
        assert not permissions.is_referent(user)
        assert not permissions.is_referent(user)
    ReferentAssignment.objects.create(user=user, department=department())
    assert not permissions.is_referent(user)

    permissions.forget_council_grants(user)

    assert permissions.is_referent(user)


@pytest.mark.parametrize("animator", [False, True])
@pytest.mark.parametrize("referent", [False, True])
@pytest.mark.parametrize("verified", [False, True])
def test_the_reader_facts_are_read_in_one_query(
    django_assert_num_queries, animator, referent, verified
):
    from accounts.roles import has_verified_email, is_animator, load_reader_facts

    user = UserFactory(verified=verified)
    if animator:
        animator_appoint(user=user, system=True)
    if referent:
        referent_of(user=user)
    with django_assert_num_queries(1):
        load_reader_facts(user)
        load_reader_facts(user)
    with django_assert_num_queries(0):
        assert is_animator(user) is animator
        assert permissions.is_referent(user) is referent
        assert has_verified_email(user) is verified
    # A fact forgotten by the service that changed it is read again alone.
    permissions.forget_council_grants(user)
    with django_assert_num_queries(1):
        load_reader_facts(user)
    assert permissions.is_referent(user) is referent


def test_the_reader_facts_of_an_anonymous_reader_cost_no_query(django_assert_num_queries):
    from accounts.roles import load_reader_facts

    with django_assert_num_queries(0):
        load_reader_facts(AnonymousUser())
